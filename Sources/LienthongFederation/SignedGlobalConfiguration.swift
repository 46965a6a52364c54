public import Foundation
import LienthongJSON
public import LienthongSchema
public import LienthongTrust

/// A global configuration as published: an `envelope.v1` envelope whose message is the configuration, signed by
/// the authority (JWS over JCS, the envelope signer and verifier of LienthongTrust), with the bytes it came in.
///
/// ```swift
/// let published = try SignedGlobalConfiguration.sign(configuration, identity: authority, at: .now)
/// let checked = try SignedGlobalConfiguration.verify(published.bytes, anchor: anchor, schema: schema, at: .now)
/// ```
public struct SignedGlobalConfiguration: Sendable {
    /// The largest document accepted: 64 MiB, far above the national estimate (see the README).
    public static let maxBytes = 64 * 1024 * 1024
    /// The schema id of the message in the schema catalogue.
    public static let schemaID = "global-configuration.v1"

    /// The configuration.
    public let configuration: GlobalConfiguration
    /// The document as published (pretty-printed JSON of the envelope).
    public let bytes: [UInt8]

    /// Signs `configuration` with the authority's identity, whose certificate names ``GlobalConfiguration/authority``.
    /// - Throws: ``FederationError/Code/badSignature`` if the signer refuses (wrong key, or its certificate names
    ///   another member than the authority).
    public static func sign(
        _ configuration: GlobalConfiguration, identity: JWSSigningIdentity, at time: Date
    ) throws(FederationError) -> SignedGlobalConfiguration {
        guard let member = identity.chain.first?.member, member.hasSameCodePoints(as: configuration.authority) else {
            throw FederationError(
                .badSignature, "the signing certificate does not name the authority \(configuration.authority)")
        }
        do {
            let envelope = try EnvelopeSigner.sign(message: configuration.message, identity: identity, issuedAt: time)
            return SignedGlobalConfiguration(configuration: configuration, bytes: envelope.serializedBytes(pretty: true))
        } catch {
            throw FederationError(.badSignature, "signing: \(error.code.wireCode)")
        }
    }

    /// Checks a published document: its envelope, its one signature by the anchor's certificate, the message
    /// against `global-configuration.v1`, then the rules between its parts. Expiry and version are the
    /// receiver's decision (``GlobalConfigurationAcceptance``).
    /// - Parameters:
    ///   - schema: the compiled `global-configuration.v1`.
    ///   - time: the verification time of the certificate chain.
    /// - Throws: ``FederationError/Code/malformedDocument``, ``FederationError/Code/badSignature`` (the trust code
    ///   in the detail), ``FederationError/Code/untrustedSigner``, ``FederationError/Code/schemaInvalid`` or
    ///   ``FederationError/Code/inconsistent``.
    public static func verify(
        _ bytes: [UInt8], anchor: ConfigurationAnchor, schema: JSONSchema, at time: Date
    ) throws(FederationError) -> SignedGlobalConfiguration {
        let envelope: JSONValue
        do {
            envelope = try EnvelopeParser.parse(bytes, maxEnvelopeBytes: maxBytes)
        } catch {
            throw FederationError(.malformedDocument, "\(error.code.wireCode): \(error.detail)")
        }
        guard envelope["message"]?["type"]?.stringValue?.hasSameCodePoints(as: GlobalConfiguration.messageType) == true else {
            throw FederationError(.malformedDocument, "message.type is not \(GlobalConfiguration.messageType)")
        }
        let verified: VerifiedEnvelope
        do {
            verified = try EnvelopeVerifier.verify(envelope, trust: anchor.verifier, at: time)
        } catch {
            throw FederationError(.badSignature, "\(error.code.wireCode): \(error.detail)")
        }
        // One signer: the authority. A countersignature would add nothing the anchor vouches for.
        guard verified.signatures.count == 1, verified.origin.chain.first == anchor.certificate else {
            throw FederationError(.untrustedSigner, "not signed by the configuration anchor alone")
        }
        let result = schema.validate(verified.message)
        if let first = result.errors.first {
            throw FederationError(
                .schemaInvalid, "message\(first.instanceLocation): \(first.error) [\(first.keywordLocation)]")
        }
        let configuration = try GlobalConfiguration(message: verified.message)
        try configuration.checkConsistency()
        return SignedGlobalConfiguration(configuration: configuration, bytes: bytes)
    }
}
