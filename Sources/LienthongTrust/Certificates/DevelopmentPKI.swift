import COpenSSL
public import Foundation

/// A throw-away PKI for development and the demo: root CA, intermediate CA, one envelope signing certificate
/// per provider the node hosts, a localhost TLS server certificate and one TLS client certificate per consumer.
///
/// ```swift
/// let files = try DevelopmentPKI.create(
///     in: URL(fileURLWithPath: "var/pki"), providers: ["VN/GOV/BCA/DANCU"], consumers: ["VN/GOV/BTC/DKKD"])
/// let signingKey = try SigningKey.load(from: files.signing["VN/GOV/BCA/DANCU"]!.key)
/// ```
/// Creation is idempotent: files that exist (with a key that matches its certificate) are reused, and only what
/// is missing, or issued by a CA that had to be recreated, is made anew. Keys are written with mode 0600.
public enum DevelopmentPKI {
    /// The root CA's common name; says loudly that it must never be trusted in production.
    public static let rootCommonName = "Lienthong Development Root CA — NOT FOR PRODUCTION"
    /// The intermediate CA's common name.
    public static let intermediateCommonName = "Lienthong Development Intermediate CA — NOT FOR PRODUCTION"

    /// Key type, validity and display names for a development PKI.
    public struct Options: Sendable {
        /// The type of every generated key.
        public var keyType: KeyType = .p256
        /// Validity of the root CA.
        public var rootValidity: TimeInterval = 10 * 365 * 86_400
        /// Validity of the intermediate CA.
        public var intermediateValidity: TimeInterval = 5 * 365 * 86_400
        /// Validity of leaf certificates.
        public var leafValidity: TimeInterval = 365 * 86_400
        /// The `O` of the CAs and of members without a display name.
        public var organization: String = "Lienthong Development"
        /// Display names (`O`) by member or subsystem id.
        public var displayNames: [String: String] = [:]
        /// The start of validity of everything issued now.
        public var now: Date = Date()

        /// Default options: P-256 keys, CAs for 10 and 5 years, leaves for one year.
        public init() {}
    }

    /// A certificate file and its key file.
    public struct Credential: Sendable, Hashable {
        /// The certificate PEM; for leaves, the leaf followed by the intermediate CA.
        public var certificate: URL
        /// The PKCS#8 private key PEM (mode 0600).
        public var key: URL
    }

    /// Where ``create(in:providers:consumers:options:)`` put each file.
    public struct Files: Sendable {
        /// The root CA: the trust anchor.
        public var root: Credential
        /// The intermediate CA, which issues every leaf.
        public var intermediate: Credential
        /// Envelope signing certificates (CN = provider subsystem id) and keys, by provider.
        public var signing: [String: Credential]
        /// The TLS server certificate for localhost.
        public var server: Credential
        /// TLS client certificates by consumer subsystem id.
        public var clients: [String: Credential]

        /// The root certificate file (the trust anchor).
        public var rootCertificate: URL { root.certificate }
    }

    /// Creates, or completes, a development PKI in `directory`.
    /// - Parameters:
    ///   - directory: where the PEM files go (created if missing).
    ///   - providers: the provider subsystems the node signs for, e.g. `VN/GOV/BCA/DANCU`.
    ///   - consumers: consumer subsystem ids that get TLS client certificates, e.g. `VN/GOV/BTC/DKKD`.
    public static func create(
        in directory: URL, providers: [String], consumers: [String], options: Options = Options()
    ) throws(TrustError) -> Files {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw TrustError(.fileAccess, "cannot create directory \(directory.lastPathComponent)")
        }
        func credential(_ name: String) -> Credential {
            Credential(
                certificate: directory.appendingPathComponent("\(name).crt.pem"),
                key: directory.appendingPathComponent("\(name).key.pem"))
        }
        let organization = options.organization
        let now = options.now

        let root = credential("root-ca")
        let (rootCertificate, rootKey, rootIsNew) = try obtain(root, parentIsNew: false, options: options) {
            key throws(TrustError) in
            try CertificateIssuer.selfSignedRoot(
                subject: DistinguishedName(commonName: rootCommonName, organization: organization),
                key: key, notBefore: now, notAfter: now.addingTimeInterval(options.rootValidity)
            ).certificate
        }
        let rootIssuer = try CertificateIssuer(certificate: rootCertificate, key: rootKey)

        let intermediate = credential("intermediate-ca")
        let (intermediateCertificate, intermediateKey, intermediateIsNew) = try obtain(
            intermediate, parentIsNew: rootIsNew, options: options
        ) { key throws(TrustError) in
            try rootIssuer.issue(
                .intermediateCA,
                subject: DistinguishedName(commonName: intermediateCommonName, organization: organization),
                publicKey: key.publicKey, notBefore: now, notAfter: now.addingTimeInterval(options.intermediateValidity)
            )
        }
        let issuer = try CertificateIssuer(certificate: intermediateCertificate, key: intermediateKey)

        func leaf(_ name: String, _ profile: CertificateProfile, _ commonName: String) throws(TrustError) -> Credential
        {
            let files = credential(name)
            let subject = DistinguishedName(
                commonName: commonName, organization: options.displayNames[commonName] ?? organization)
            _ = try obtain(files, parentIsNew: intermediateIsNew, chain: [intermediateCertificate], options: options) {
                key throws(TrustError) in
                try issuer.issue(
                    profile, subject: subject, publicKey: key.publicKey, notBefore: now,
                    notAfter: now.addingTimeInterval(options.leafValidity))
            }
            return files
        }
        var signing: [String: Credential] = [:]
        for provider in providers {
            signing[provider] = try leaf("signing-" + fileName(for: provider), .nodeSigning, provider)
        }
        let server = try leaf("server", .localhostServer, "localhost")
        var clients: [String: Credential] = [:]
        for consumer in consumers {
            clients[consumer] = try leaf("client-" + fileName(for: consumer), .tlsClient, consumer)
        }
        return Files(root: root, intermediate: intermediate, signing: signing, server: server, clients: clients)
    }

    /// `VN/GOV/BTC/DKKD` → `VN_GOV_BTC_DKKD`: ids as file names.
    static func fileName(for id: String) -> String {
        String(id.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "_" })
    }

    /// Loads a credential if both files exist, the key matches and no parent was recreated; otherwise makes a
    /// new key and certificate with `make` and writes them (the certificate followed by `chain`).
    private static func obtain(
        _ files: Credential, parentIsNew: Bool, chain: [Certificate] = [], options: Options,
        make: (SigningKey) throws(TrustError) -> Certificate
    ) throws(TrustError) -> (Certificate, SigningKey, isNew: Bool) {
        if !parentIsNew, FileIO.exists(files.certificate), FileIO.exists(files.key) {
            let certificate = try Certificate.loadChain(from: files.certificate)[0]
            let key = try SigningKey.load(from: files.key)
            if X509_check_private_key(certificate.x509.pointer, key.key.pointer) == 1 {
                return (certificate, key, false)
            }
            ERR_clear_error()
        }
        let key = try SigningKey.generate(options.keyType)
        let certificate = try make(key)
        try key.save(to: files.key)
        let pem = ([certificate] + chain).map(\.pemString).joined()
        try FileIO.writeAtomically(Array(pem.utf8), to: files.certificate, mode: 0o644)
        return (certificate, key, true)
    }
}
