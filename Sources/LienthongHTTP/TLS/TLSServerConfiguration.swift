/// TLS settings of a server: its certificate and key, and optionally a CA for client certificates.
///
/// With ``clientCAPath`` set, the server requests a client certificate but does not require one; a
/// certificate that does not chain to that CA fails the handshake. Only TLS 1.2 and newer are accepted.
public struct TLSServerConfiguration: Sendable {
    /// PEM file with the server certificate followed by its intermediates.
    public var certificateChainPath: String
    /// PEM file with the server's private key.
    public var privateKeyPath: String
    /// PEM file with the CA certificates that client certificates must chain to; `nil` asks for none.
    public var clientCAPath: String?
    /// The TLS 1.2 cipher list (OpenSSL syntax); TLS 1.3 uses OpenSSL's default suites.
    public var cipherList: String

    /// Creates TLS settings.
    public init(
        certificateChainPath: String,
        privateKeyPath: String,
        clientCAPath: String? = nil,
        cipherList: String = TLSServerConfiguration.defaultCipherList
    ) {
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
        self.clientCAPath = clientCAPath
        self.cipherList = cipherList
    }

    /// Forward-secret AEAD suites only (ECDHE with AES-GCM or ChaCha20-Poly1305).
    public static let defaultCipherList =
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
        + "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"
}
