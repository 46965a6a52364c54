import CLienthongShims
import COpenSSL

/// Small helpers shared by the OpenSSL wrappers; nothing here is public.
enum OpenSSL {
    /// SHA-256, fetched from the default provider once.
    ///
    /// `EVP_sha256()` makes every digest and signature do an implicit fetch, which takes OpenSSL's global
    /// locks: under load that contention costs more than the hashing. The fetched method is immutable and
    /// safe to share between threads (OpenSSL 3 threading rules), hence `nonisolated(unsafe)`.
    nonisolated(unsafe) static let sha256: OpaquePointer = {
        guard let method = EVP_MD_fetch(nil, "SHA256", nil) else { fatalError("OpenSSL has no SHA-256") }
        return method
    }()

    /// Clears the thread's OpenSSL error queue and returns the most recent reason (library reason text only:
    /// OpenSSL reason strings carry no key material). The most recent entry is the one the failing call pushed;
    /// older ones may be left over from an earlier, handled failure.
    static func drainErrors() -> String {
        let code = ERR_peek_last_error()
        defer { ERR_clear_error() }
        if code == 0 { return "no OpenSSL reason" }
        if let reason = ERR_reason_error_string(code) { return String(cString: reason) }
        return "error \(code)"
    }

    /// A `TrustError` with `detail` followed by the OpenSSL reason; drains the error queue.
    static func error(_ code: TrustError.Code, _ detail: String) -> TrustError {
        TrustError(code, "\(detail) (\(drainErrors()))")
    }

    /// Runs `body` with a read-only memory BIO over `bytes`.
    static func withReadBIO<R, E: Error>(
        _ bytes: [UInt8], _ body: (OpaquePointer) throws(E) -> R
    ) throws(E) -> R {
        // BIO_new_mem_buf does not copy; the array outlives the BIO because both live in this call.
        let result: Result<R, E> = bytes.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(raw.count))
            else { fatalError("BIO_new_mem_buf: out of memory") }
            defer { BIO_free(bio) }
            do throws(E) { return .success(try body(bio)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Runs `write` against a fresh memory BIO and returns what it wrote.
    static func writeBIO(_ code: TrustError.Code, _ what: String, _ write: (OpaquePointer) -> Int32) throws(TrustError)
        -> [UInt8]
    {
        guard let bio = BIO_new(BIO_s_mem()) else { throw OpenSSL.error(.cryptoFailure, "BIO_new") }
        defer { BIO_free(bio) }
        guard write(bio) == 1 else { throw OpenSSL.error(code, what) }
        var start: UnsafePointer<CChar>?
        let length = lt_BIO_get_mem_data(bio, &start)
        guard let start, length > 0 else { return [] }
        return start.withMemoryRebound(to: UInt8.self, capacity: length) {
            Array(UnsafeBufferPointer(start: $0, count: length))
        }
    }

    /// Runs `encode` (an `i2d_*` function) twice: to size and to fill the DER buffer.
    static func der(_ what: String, _ encode: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?) -> Int32)
        throws(TrustError) -> [UInt8]
    {
        let length = encode(nil)
        guard length > 0 else { throw OpenSSL.error(.cryptoFailure, "DER encoding of \(what)") }
        var out = [UInt8](repeating: 0, count: Int(length))
        let written = out.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            return encode(&cursor)
        }
        guard written == length else { throw OpenSSL.error(.cryptoFailure, "DER encoding of \(what)") }
        return out
    }
}
