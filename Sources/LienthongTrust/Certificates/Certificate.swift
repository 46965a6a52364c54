import COpenSSL
public import Foundation

/// An X.509 certificate: a member's signing certificate, a CA, or a TLS certificate.
///
/// The member a certificate names is its subject common name (`CN`), e.g. `VN/GOV/BCA/DANCU`; the organisation
/// (`O`) is the display name. Equality and hashing compare the DER encoding.
public struct Certificate: Sendable, Hashable, CustomStringConvertible {
    let x509: X509Box
    /// The DER encoding.
    public let derBytes: [UInt8]

    init(owning pointer: OpaquePointer) throws(TrustError) {
        self.x509 = X509Box(owning: pointer)
        self.derBytes = try OpenSSL.der("certificate") { i2d_X509(pointer, $0) }
    }

    /// Parses a DER certificate; trailing bytes are rejected.
    public init(derBytes: [UInt8]) throws(TrustError) {
        var consumed = 0
        let parsed: OpaquePointer? = derBytes.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            let result = d2i_X509(nil, &cursor, buffer.count)
            if let cursor, let base = buffer.baseAddress { consumed = cursor - base }
            return result
        }
        guard let parsed else { throw OpenSSL.error(.malformedCertificate, "not a DER certificate") }
        guard consumed == derBytes.count else {
            X509_free(parsed)
            throw TrustError(.malformedCertificate, "trailing bytes after the DER certificate")
        }
        try self.init(owning: parsed)
    }

    /// Parses the one certificate in `pem`.
    /// - Throws: ``TrustError/Code/malformedCertificate`` if the text holds no certificate or more than one.
    public init(pem: String) throws(TrustError) {
        let chain = try Certificate.chain(pem: pem)
        guard chain.count == 1 else {
            throw TrustError(.malformedCertificate, "expected one certificate, found \(chain.count)")
        }
        self = chain[0]
    }

    /// Parses every certificate in `pem`, in order (a chain file: leaf first).
    /// - Throws: ``TrustError/Code/malformedCertificate`` if there is none or one is damaged.
    public static func chain(pem: String) throws(TrustError) -> [Certificate] {
        var certificates: [Certificate] = []
        var failure: TrustError?
        OpenSSL.withReadBIO(Array(pem.utf8)) { bio in
            while true {
                guard let next = PEM_read_bio_X509(bio, nil, nil, nil) else {
                    // PEM_R_NO_START_LINE after the last certificate is the normal end of input.
                    let last = ERR_peek_last_error()
                    if ERR_GET_LIB(last) == ERR_LIB_PEM, ERR_GET_REASON(last) == PEM_R_NO_START_LINE {
                        ERR_clear_error()
                    } else {
                        failure = OpenSSL.error(.malformedCertificate, "damaged PEM certificate")
                    }
                    return
                }
                do throws(TrustError) {
                    certificates.append(try Certificate(owning: next))
                } catch {
                    failure = error
                    return
                }
            }
        }
        if let failure { throw failure }
        guard !certificates.isEmpty else { throw TrustError(.malformedCertificate, "no PEM certificate found") }
        return certificates
    }

    /// Loads every certificate in a PEM file (a chain file: leaf first).
    public static func loadChain(from url: URL) throws(TrustError) -> [Certificate] {
        do {
            return try chain(pem: String(decoding: try FileIO.read(url), as: UTF8.self))
        } catch {
            throw TrustError(error.code, "\(url.lastPathComponent): \(error.detail)")
        }
    }

    /// The PEM encoding (`-----BEGIN CERTIFICATE-----`).
    public var pemString: String {
        guard let pem = try? OpenSSL.writeBIO(.cryptoFailure, "PEM", { PEM_write_bio_X509($0, x509.pointer) }) else {
            preconditionFailure("a parsed certificate is always encodable")
        }
        return String(decoding: pem, as: UTF8.self)
    }

    /// The subject common name (`CN`): for Lienthong certificates, the member or subsystem id.
    public var subjectCommonName: String? { Certificate.entry(X509_get_subject_name(x509.pointer), NID_commonName) }
    /// The subject organisation (`O`): the member's display name.
    public var subjectOrganization: String? {
        Certificate.entry(X509_get_subject_name(x509.pointer), NID_organizationName)
    }
    /// The issuer common name (`CN`).
    public var issuerCommonName: String? { Certificate.entry(X509_get_issuer_name(x509.pointer), NID_commonName) }

    /// The member this certificate names: its subject `CN` if it holds exactly one.
    public var member: String? {
        let name = X509_get_subject_name(x509.pointer)
        let first = X509_NAME_get_index_by_NID(name, NID_commonName, -1)
        guard first >= 0, X509_NAME_get_index_by_NID(name, NID_commonName, first) < 0 else { return nil }
        return subjectCommonName
    }

    /// The start of the validity period.
    public var notBefore: Date { ASN1Time.date(X509_get0_notBefore(x509.pointer)) }
    /// The end of the validity period.
    public var notAfter: Date { ASN1Time.date(X509_get0_notAfter(x509.pointer)) }

    /// The serial number in lowercase hex.
    public var serialNumberHex: String {
        guard let number = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x509.pointer), nil) else { return "" }
        defer { BN_free(number) }
        guard let hex = BN_bn2hex(number) else { return "" }
        defer { CRYPTO_free(hex, #fileID, #line) }
        return String(cString: hex).lowercased()
    }

    /// The subject public key.
    public var publicKey: PublicKey {
        get throws(TrustError) {
            guard let key = X509_get_pubkey(x509.pointer) else {
                throw OpenSSL.error(.malformedCertificate, "certificate public key cannot be read")
            }
            return try PublicKey(key: EVPKey(owning: key))
        }
    }

    /// The base64url SHA-256 of the DER encoding: the JWS `kid` of a signature made with this certificate.
    public var sha256Thumbprint: String { Base64URL.encode(Digest.sha256(derBytes)) }

    /// Whether basic constraints mark this certificate as a CA.
    public var isCertificateAuthority: Bool { X509_check_ca(x509.pointer) > 0 }

    /// Whether the certificate has a key usage extension that allows `digitalSignature`.
    public var allowsDigitalSignature: Bool {
        (X509_get_extension_flags(x509.pointer) & UInt32(EXFLAG_KUSAGE)) != 0
            && (X509_get_key_usage(x509.pointer) & UInt32(KU_DIGITAL_SIGNATURE)) != 0
    }

    /// Whether `issuer` names this certificate's issuer, matches its authority key identifier and may sign
    /// certificates (`X509_check_issued`; the signature itself is not checked here).
    public func isIssued(by issuer: Certificate) -> Bool {
        let result = X509_check_issued(issuer.x509.pointer, x509.pointer) == X509_V_OK
        ERR_clear_error()
        return result
    }

    /// Whether the subject names its issuer (a self-issued certificate, such as a root CA).
    public var isSelfIssued: Bool {
        X509_NAME_cmp(X509_get_subject_name(x509.pointer), X509_get_issuer_name(x509.pointer)) == 0
    }

    /// `Certificate(CN=…, serial …)`.
    public var description: String { "Certificate(CN=\(subjectCommonName ?? "-"), serial \(serialNumberHex))" }

    /// Certificates are equal when their DER encodings are.
    public static func == (lhs: Certificate, rhs: Certificate) -> Bool { lhs.derBytes == rhs.derBytes }
    /// Hashes the DER encoding.
    public func hash(into hasher: inout Hasher) { hasher.combine(derBytes) }

    /// The first entry for `nid` in `name`, as UTF-8.
    static func entry(_ name: OpaquePointer?, _ nid: Int32) -> String? {
        guard let name else { return nil }
        let index = X509_NAME_get_index_by_NID(name, nid, -1)
        guard index >= 0, let entry = X509_NAME_get_entry(name, index),
            let data = X509_NAME_ENTRY_get_data(entry)
        else { return nil }
        var utf8: UnsafeMutablePointer<UInt8>?
        let length = ASN1_STRING_to_UTF8(&utf8, data)
        guard length >= 0, let utf8 else { return nil }
        defer { CRYPTO_free(utf8, #fileID, #line) }
        return String(decoding: UnsafeBufferPointer(start: utf8, count: Int(length)), as: UTF8.self)
    }
}
