import COpenSSL

/// Owns one `X509` reference and frees it on deinit.
///
/// `@unchecked Sendable` because Lienthong never mutates a certificate after parsing or signing it; OpenSSL 3
/// guards the one lazily computed part (the cached extension flags) with a lock, so concurrent reads are safe.
final class X509Box: @unchecked Sendable {
    let pointer: OpaquePointer

    /// Takes ownership of one reference to `pointer`.
    init(owning pointer: OpaquePointer) { self.pointer = pointer }

    deinit { X509_free(pointer) }
}
