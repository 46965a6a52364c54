import CLienthongShims
import COpenSSL

extension Certificate {
    /// The first OCSP responder URL of the authority information access extension, if any.
    public var ocspResponderURL: String? {
        var buffer = [CChar](repeating: 0, count: 2048)
        let length = lt_x509_first_ocsp_url(x509.pointer, &buffer, Int32(buffer.count))
        guard length > 0 else { return nil }
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
