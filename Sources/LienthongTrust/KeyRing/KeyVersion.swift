public import Foundation

/// One key of a provider in a ``KeyDirectory``: `<name>.key.pem` (or `<name>.key.uri` for a key in a PKCS#11
/// token), and once the CA has answered, `<name>.crt.pem`.
public struct KeyVersion: Sendable {
    /// The provider (member or subsystem id) the key signs for.
    public let provider: String
    /// The version name: the UTC creation time, `yyyyMMdd'T'HHmmss'Z'` (with `-N` if several share a second).
    public let name: String
    /// The private key file (PKCS#8 PEM, mode 0600), or for a token key the file holding its URI.
    public let keyFile: URL
    /// The certificate chain file (leaf first), which may not exist yet.
    public let certificateFile: URL
    /// The key type.
    public let keyType: KeyType
    /// The JWS algorithm this key signs with.
    public let algorithm: JWSAlgorithm
    /// The installed chain, leaf first; `nil` until ``KeyDirectory/importCertificate(provider:chain:now:)``.
    public let chain: [Certificate]?
    /// Whether the provider's `current` pointer names this version.
    public let isCurrent: Bool
    /// The `pkcs11:` URI of a key in a token; `nil` for a key in a file.
    public let tokenURI: String?

    /// The `kid` of signatures made with this key: the leaf certificate's thumbprint, once there is one.
    public var keyID: String? { chain?.first?.sha256Thumbprint }
    /// The end of the leaf certificate's validity, once there is one.
    public var notAfter: Date? { chain?.first?.notAfter }
}
