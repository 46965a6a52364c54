/// TLS settings of an ``HTTPClient``: which CAs to trust and which certificate to present.
public struct TLSClientConfiguration: Sendable {
    /// PEM file with the CA certificates that server certificates must chain to; `nil` uses the system's.
    public var caFilePath: String?
    /// PEM file with the client certificate (and intermediates) to present; `nil` presents none.
    public var certificatePath: String?
    /// PEM file with the client certificate's private key.
    public var privateKeyPath: String?

    /// Creates TLS settings. Peers are always verified and TLS 1.2 is the minimum.
    public init(caFilePath: String? = nil, certificatePath: String? = nil, privateKeyPath: String? = nil) {
        self.caFilePath = caFilePath
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
    }
}
