#ifndef CLIENTHONG_EVENT_SHIMS_H
#define CLIENTHONG_EVENT_SHIMS_H
// Shims for libevent + OpenSSL (server side) macros that Swift cannot import.
#include <event2/event.h>
#include <event2/http.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/ssl.h>

/// Restricts a server context to TLS 1.2 and newer (SSL_CTX_set_min_proto_version is a macro).
int lt_ssl_ctx_set_min_tls12(SSL_CTX *ctx);

/// Disables compression and renegotiation and prefers the server's cipher order (SSL_OP_* are macros).
void lt_ssl_ctx_set_server_options(SSL_CTX *ctx);

/// Sets the session id context (required for session resumption when client certificates are verified).
int lt_ssl_ctx_set_session_id_context(SSL_CTX *ctx, const char *context);

/// Number of certificates in the chain OpenSSL verified for the peer (0 when none was verified).
int lt_ssl_verified_chain_count(const SSL *ssl);

/// Whether the peer presented a certificate that did not verify against the client CAs.
int lt_ssl_peer_certificate_rejected(const SSL *ssl);

/// Asks for a client certificate and lets the handshake finish whatever OpenSSL's verdict, so the
/// application can answer an untrusted certificate with a 401 problem instead of a TLS alert.
void lt_ssl_ctx_request_client_certificate(SSL_CTX *ctx);

/// DER length of the certificate at `index` of the verified chain, or -1.
int lt_ssl_verified_chain_der_length(const SSL *ssl, int index);

/// Copies the DER bytes of the certificate at `index` of the verified chain into `out` (capacity `capacity`).
/// Returns the number of bytes written or -1.
int lt_ssl_verified_chain_der_copy(const SSL *ssl, int index, unsigned char *out, int capacity);

/// The SSL object of an OpenSSL bufferevent, or NULL for a plain bufferevent.
SSL *lt_bufferevent_get_ssl(struct bufferevent *bev);

/// Copies up to `capacity` bytes starting at `offset` without draining. Returns bytes copied or -1.
ev_ssize_t lt_evbuffer_copyout_from(struct evbuffer *buffer, size_t offset, void *out, size_t capacity);

/// Searches `buffer` for `needle` starting at `offset`; returns the position or -1.
ev_ssize_t lt_evbuffer_search_from(struct evbuffer *buffer, size_t offset, const char *needle, size_t length);

/// Whether an OpenSSL error says the client sent a plain HTTP request to the TLS port (ERR_GET_* are macros).
int lt_ssl_error_is_plain_http(unsigned long error);

/// Lets OpenSSL free a connection's read and write buffers while they are empty (SSL_CTX_set_mode is a macro).
void lt_ssl_ctx_release_buffers(SSL_CTX *ctx);

/// Returns free heap memory to the system (glibc malloc_trim; <malloc.h> is not in Swift's Glibc module).
void lt_release_free_memory(void);
#endif
