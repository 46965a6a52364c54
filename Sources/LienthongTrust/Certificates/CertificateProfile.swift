import COpenSSL

/// What a certificate issued by ``CertificateIssuer`` may be used for: sets basic constraints, key usage,
/// extended key usage and subject alternative names.
public enum CertificateProfile: Sendable, Hashable {
    /// A CA that may issue end-entity certificates only (`CA:TRUE, pathlen:0`, `keyCertSign, cRLSign`).
    case intermediateCA
    /// A node's envelope signing certificate (`digitalSignature`, critical); its `CN` is the member id.
    case nodeSigning
    /// A TLS server certificate (`serverAuth`) for the given DNS names and IP addresses.
    case tlsServer(dnsNames: [String], ipAddresses: [String])
    /// A TLS client certificate for a consumer (`clientAuth`, `digitalSignature`); its `CN` is the subsystem id.
    case tlsClient

    /// A TLS server certificate for `localhost`, `127.0.0.1` and `::1`.
    public static let localhostServer = CertificateProfile.tlsServer(
        dnsNames: ["localhost"], ipAddresses: ["127.0.0.1", "::1"])

    /// The X.509v3 extensions as OpenSSL configuration values, in the order they are added.
    func extensions(rsa: Bool) -> [(nid: Int32, value: String)] {
        switch self {
        case .intermediateCA:
            return [
                (NID_basic_constraints, "critical,CA:TRUE,pathlen:0"),
                (NID_key_usage, "critical,keyCertSign,cRLSign"),
            ]
        case .nodeSigning:
            return [(NID_basic_constraints, "critical,CA:FALSE"), (NID_key_usage, "critical,digitalSignature")]
        case .tlsServer(let dnsNames, let ipAddresses):
            let names = dnsNames.map { "DNS:\($0)" } + ipAddresses.map { "IP:\($0)" }
            var result: [(nid: Int32, value: String)] = [
                (NID_basic_constraints, "critical,CA:FALSE"),
                // RSA key exchange needs keyEncipherment; (EC)DHE with any key needs digitalSignature.
                (NID_key_usage, rsa ? "critical,digitalSignature,keyEncipherment" : "critical,digitalSignature"),
                (NID_ext_key_usage, "serverAuth"),
            ]
            if !names.isEmpty { result.append((NID_subject_alt_name, names.joined(separator: ","))) }
            return result
        case .tlsClient:
            return [
                (NID_basic_constraints, "critical,CA:FALSE"),
                (NID_key_usage, "critical,digitalSignature"),
                (NID_ext_key_usage, "clientAuth"),
            ]
        }
    }
}
