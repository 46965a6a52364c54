import Foundation
import LienthongFederation
import LienthongJSON
import LienthongTrust
import Testing

/// A published document is taken only when its one signature is the anchor's, over a message valid against
/// `global-configuration.v1` whose parts agree; each other case is refused with its own code.
struct SignedGlobalConfigurationTests {
    typealias Fixtures = FederationFixtures

    func verify(_ bytes: [UInt8]) throws(FederationError) -> GlobalConfiguration {
        let anchor: ConfigurationAnchor
        do { anchor = try Fixtures.pki.anchor } catch { throw FederationError(.anchorUnusable, "\(error)") }
        return try SignedGlobalConfiguration.verify(bytes, anchor: anchor, schema: Fixtures.schema, at: Date())
            .configuration
    }

    func code(_ bytes: [UInt8]) -> FederationError.Code? {
        do {
            _ = try verify(bytes)
            return nil
        } catch {
            return error.code
        }
    }

    /// The envelope of `bytes` with `change` applied to its message, the signature left as it was.
    func tampered(_ bytes: [UInt8], _ change: (inout JSONObject) -> Void) throws -> [UInt8] {
        var envelope = try #require(try JSONValue.parse(bytes).objectValue)
        var message = try #require(envelope["message"]?.objectValue)
        change(&message)
        envelope["message"] = .object(message)
        return JSONValue.object(envelope).serializedBytes()
    }

    @Test func aSignedConfigurationVerifiesAndReadsBackEqual() throws {
        let configuration = Fixtures.configuration(version: 4)
        let bytes = try Fixtures.signed(configuration)
        #expect(try verify(bytes) == configuration)
        // Re-serialised (compact instead of pretty): JCS makes the signature survive it.
        #expect(try verify(try JSONValue.parse(bytes).serializedBytes()) == configuration)
    }

    @Test func aChangedMessageIsABadSignature() throws {
        let bytes = try Fixtures.signed(Fixtures.configuration(version: 4))
        #expect(code(try tampered(bytes) { $0["version"] = 5 }) == .badSignature)
        #expect(code(try tampered(bytes) { $0["nodes"] = [] }) == .badSignature)
    }

    @Test func aValidCertificateThatIsNotTheAnchorIsAnUntrustedSigner() throws {
        let configuration = Fixtures.configuration()
        let bytes = try SignedGlobalConfiguration.sign(
            configuration, identity: try Fixtures.pki.impostorIdentity, at: Fixtures.now
        ).bytes
        #expect(code(bytes) == .untrustedSigner)
    }

    @Test func aSignerOutsideTheAnchorsChainIsABadSignature() throws {
        let key = try SigningKey.generate()
        let stranger = try CertificateIssuer.selfSignedRoot(
            subject: DistinguishedName(commonName: "Stranger Root"), key: try SigningKey.generate(),
            notAfter: Date().addingTimeInterval(3600))
        let certificate = try stranger.issue(
            .nodeSigning, subject: DistinguishedName(commonName: Fixtures.authority), publicKey: key.publicKey,
            notAfter: Date().addingTimeInterval(3600))
        let bytes = try SignedGlobalConfiguration.sign(
            Fixtures.configuration(), identity: try JWSSigningIdentity(key: key, chain: [certificate, stranger.certificate]),
            at: Fixtures.now
        ).bytes
        let error = try #require(throws: FederationError.self) { _ = try verify(bytes) }
        #expect(error.code == .badSignature)
        #expect(error.detail.hasPrefix("trust."))
    }

    @Test func aSignedMessageOutsideTheSchemaIsSchemaInvalid() throws {
        var message = try #require(Fixtures.configuration().message.objectValue)
        message["version"] = 0
        let envelope = try EnvelopeSigner.sign(
            message: .object(message), identity: try Fixtures.pki.identity, issuedAt: Fixtures.now)
        let error = try #require(throws: FederationError.self) { _ = try verify(envelope.serializedBytes()) }
        #expect(error.code == .schemaInvalid)
        #expect(error.detail.contains("/version"))
    }

    @Test func aSignedMessageWhosePartsDisagreeIsInconsistent() throws {
        var configuration = Fixtures.configuration()
        configuration.nodes[0].members = ["VN/GOV/XYZ"]
        let bytes = try Fixtures.signed(configuration)
        #expect(code(bytes) == .inconsistent)
    }

    @Test func notAnEnvelopeIsMalformed() throws {
        #expect(code(Array("not json".utf8)) == .malformedDocument)
        #expect(code(Array(#"{"message":{"type":"record"},"signatures":[]}"#.utf8)) == .malformedDocument)
        let bytes = try Fixtures.signed(Fixtures.configuration())
        #expect(code(try tampered(bytes) { $0["type"] = "record" }) == .malformedDocument)
    }

    @Test func signingRefusesACertificateThatDoesNotNameTheAuthority() throws {
        var configuration = Fixtures.configuration()
        configuration.authority = "VN/GOV/OTHER"
        #expect(throws: FederationError(.badSignature, "")) {
            _ = try SignedGlobalConfiguration.sign(configuration, identity: try Fixtures.pki.identity, at: Fixtures.now)
        }
    }
}
