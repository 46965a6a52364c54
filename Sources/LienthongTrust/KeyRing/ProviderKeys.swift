public import Foundation
public import LienthongJSON

/// A provider's signing key and certificate chain, and the certificates of its earlier keys that have not expired.
public struct ProviderKeys: Sendable {
    /// The provider id (the certificate's `CN`).
    public let provider: String
    /// The current version's name.
    public let version: String
    /// The current private key.
    public let key: SigningKey
    /// The current chain, leaf first (the JWS `x5c`).
    public let chain: [Certificate]
    /// The algorithm new signatures use.
    public let algorithm: JWSAlgorithm
    /// Chains of earlier keys whose leaf has not expired, newest first: envelopes they signed still verify, and
    /// the node still recognises their `kid`.
    public let previous: [[Certificate]]

    /// The current `kid`.
    public var keyID: String { chain[0].sha256Thumbprint }

    /// Every leaf certificate this provider's signatures may carry: the current one, then the previous ones.
    public var verificationCertificates: [Certificate] { [chain[0]] + previous.map { $0[0] } }

    /// The current key as the identity a node's pipeline signs with (one prepared signing context).
    /// - Throws: ``TrustError/Code/unsupportedAlgorithm`` if the algorithm does not fit the key.
    public func identity() throws(TrustError) -> JWSSigningIdentity {
        try JWSSigningIdentity(key: key, chain: chain, algorithm: algorithm)
    }

    /// A new envelope around `message`, signed with the current key.
    public func sign(message: JSONValue, issuedAt: Date) throws(TrustError) -> JSONValue {
        try EnvelopeSigner.sign(message: message, key: key, chain: chain, algorithm: algorithm, issuedAt: issuedAt)
    }
}
