internal import COpenSSL
internal import CLienthongShims

/// An OpenSSL `SSL_CTX` for a server, built from a ``TLSServerConfiguration``.
///
/// `SSL_CTX` is safe to share between threads once configured; every loop creates its `SSL` objects
/// from this one context.
final class ServerTLSContext: @unchecked Sendable {
    let context: OpaquePointer

    init(_ configuration: TLSServerConfiguration) throws(HTTPServerError) {
        guard let context = SSL_CTX_new(TLS_server_method()) else {
            throw HTTPServerError(code: .tlsConfiguration, detail: "SSL_CTX_new failed")
        }
        self.context = context
        func fail(_ detail: String) -> HTTPServerError {
            ERR_clear_error()
            return HTTPServerError(code: .tlsConfiguration, detail: detail)
        }
        guard lt_ssl_ctx_set_min_tls12(context) == 1 else { throw fail("cannot set minimum TLS version") }
        guard SSL_CTX_set_cipher_list(context, configuration.cipherList) == 1 else {
            throw fail("invalid cipher list")
        }
        // No renegotiation, no compression; the server picks the cipher order.
        lt_ssl_ctx_set_server_options(context)
        // An idle connection keeps no 16 KB read and write buffers (34 KB per connection otherwise).
        lt_ssl_ctx_release_buffers(context)
        guard SSL_CTX_use_certificate_chain_file(context, configuration.certificateChainPath) == 1 else {
            throw fail("cannot load certificate chain \(configuration.certificateChainPath)")
        }
        guard SSL_CTX_use_PrivateKey_file(context, configuration.privateKeyPath, SSL_FILETYPE_PEM) == 1 else {
            throw fail("cannot load private key \(configuration.privateKeyPath)")
        }
        guard SSL_CTX_check_private_key(context) == 1 else {
            throw fail("private key does not match the certificate")
        }
        guard lt_ssl_ctx_set_session_id_context(context, "lienthong") == 1 else {
            throw fail("cannot set session id context")
        }
        if let caPath = configuration.clientCAPath {
            guard SSL_CTX_load_verify_locations(context, caPath, nil) == 1 else {
                throw fail("cannot load client CA \(caPath)")
            }
            guard let names = SSL_load_client_CA_file(caPath) else {
                throw fail("cannot read client CA names \(caPath)")
            }
            SSL_CTX_set_client_CA_list(context, names)
            // Ask for a certificate but accept clients without one. A presented certificate that does not
            // verify does not fail the handshake: the request carries no verified chain and is flagged
            // ``HTTPRequest/clientCertificateRejected``, so the application answers 401 with a problem body.
            lt_ssl_ctx_request_client_certificate(context)
        } else {
            SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
        }
    }

    /// A new `SSL` for one accepted connection, or `nil` when OpenSSL is out of memory.
    func makeSSL() -> OpaquePointer? {
        SSL_new(context)
    }

    deinit {
        SSL_CTX_free(context)
    }
}
