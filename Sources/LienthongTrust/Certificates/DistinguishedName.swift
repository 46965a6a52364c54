import COpenSSL

/// The subject of a certificate or CSR: common name (member id), organisation (display name) and country.
public struct DistinguishedName: Sendable, Hashable {
    /// `CN`: the member or subsystem id, e.g. `VN/GOV/BCA/DANCU`, or a CA's name.
    public var commonName: String
    /// `O`: the display name.
    public var organization: String?
    /// `C`: the two-letter country code.
    public var country: String?

    /// Creates a name.
    public init(commonName: String, organization: String? = nil, country: String? = "VN") {
        self.commonName = commonName
        self.organization = organization
        self.country = country
    }

    /// A new `X509_NAME` with these entries (the caller frees it).
    func makeX509Name() throws(TrustError) -> OpaquePointer {
        guard let name = X509_NAME_new() else { throw OpenSSL.error(.cryptoFailure, "X509_NAME_new") }
        var entries: [(String, String)] = []
        if let country { entries.append(("C", country)) }
        if let organization { entries.append(("O", organization)) }
        entries.append(("CN", commonName))
        for (field, value) in entries {
            let bytes = Array(value.utf8)
            guard X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, bytes, Int32(bytes.count), -1, 0) == 1 else {
                X509_NAME_free(name)
                throw OpenSSL.error(.malformedCertificate, "invalid \(field) in subject name")
            }
        }
        return name
    }
}
