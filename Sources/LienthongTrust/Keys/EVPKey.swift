import COpenSSL

/// Owns one `EVP_PKEY` reference and frees it on deinit.
///
/// `@unchecked Sendable` because the key is never mutated after init: signing and verifying only read it, and
/// OpenSSL 3 allows concurrent use of one `EVP_PKEY` from several threads for those operations.
final class EVPKey: @unchecked Sendable {
    let pointer: OpaquePointer

    /// Takes ownership of one reference to `pointer`.
    init(owning pointer: OpaquePointer) { self.pointer = pointer }

    deinit { EVP_PKEY_free(pointer) }

    /// The key's type, or `nil` for a type Lienthong does not use (e.g. an EC key on another curve).
    var type: KeyType? {
        switch EVP_PKEY_get_base_id(pointer) {
        case EVP_PKEY_ED25519: return .ed25519
        case EVP_PKEY_RSA: return .rsa(bits: Int(EVP_PKEY_get_bits(pointer)))
        case EVP_PKEY_EC:
            var name = [CChar](repeating: 0, count: 64)
            var length = 0
            guard EVP_PKEY_get_utf8_string_param(pointer, "group", &name, name.count, &length) == 1 else {
                ERR_clear_error()
                return nil
            }
            let group = String(decoding: name[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return group == "prime256v1" || group == "P-256" ? .p256 : nil
        default: return nil
        }
    }

    /// The key's type, or a ``TrustError/Code/malformedKey`` error.
    func requireType() throws(TrustError) -> KeyType {
        guard let type else { throw TrustError(.malformedKey, "unsupported key type") }
        return type
    }
}
