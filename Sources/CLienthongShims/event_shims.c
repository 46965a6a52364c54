#include "event_shims.h"
#include <malloc.h>
#include <string.h>
#include <event2/buffer.h>
#include <openssl/err.h>

int lt_ssl_ctx_set_min_tls12(SSL_CTX *ctx) {
    return (int)SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
}

void lt_ssl_ctx_set_server_options(SSL_CTX *ctx) {
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
}

int lt_ssl_ctx_set_session_id_context(SSL_CTX *ctx, const char *context) {
    return SSL_CTX_set_session_id_context(ctx, (const unsigned char *)context, (unsigned int)strlen(context));
}

static X509 *lt_verified_at(const SSL *ssl, int index) {
    if (SSL_get_verify_result(ssl) != X509_V_OK) return NULL;
    STACK_OF(X509) *chain = SSL_get0_verified_chain(ssl);
    if (chain == NULL || index < 0 || index >= sk_X509_num(chain)) return NULL;
    return sk_X509_value(chain, index);
}

int lt_ssl_verified_chain_count(const SSL *ssl) {
    if (SSL_get_verify_result(ssl) != X509_V_OK) return 0;
    X509 *peer = SSL_get0_peer_certificate(ssl);
    if (peer == NULL) return 0;
    STACK_OF(X509) *chain = SSL_get0_verified_chain(ssl);
    return chain == NULL ? 0 : sk_X509_num(chain);
}

int lt_ssl_peer_certificate_rejected(const SSL *ssl) {
    return SSL_get0_peer_certificate(ssl) != NULL && SSL_get_verify_result(ssl) != X509_V_OK;
}

static int lt_accept_and_record(int preverified, X509_STORE_CTX *store) {
    (void)preverified;
    (void)store;
    // The verdict stays in SSL_get_verify_result; lt_ssl_verified_chain_count reports a chain only when it is OK.
    return 1;
}

void lt_ssl_ctx_request_client_certificate(SSL_CTX *ctx) {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, lt_accept_and_record);
}

int lt_ssl_verified_chain_der_length(const SSL *ssl, int index) {
    X509 *cert = lt_verified_at(ssl, index);
    return cert == NULL ? -1 : i2d_X509(cert, NULL);
}

int lt_ssl_verified_chain_der_copy(const SSL *ssl, int index, unsigned char *out, int capacity) {
    X509 *cert = lt_verified_at(ssl, index);
    if (cert == NULL) return -1;
    int length = i2d_X509(cert, NULL);
    if (length < 0 || length > capacity) return -1;
    unsigned char *cursor = out;
    return i2d_X509(cert, &cursor);
}

SSL *lt_bufferevent_get_ssl(struct bufferevent *bev) {
    return bufferevent_openssl_get_ssl(bev);
}

ev_ssize_t lt_evbuffer_copyout_from(struct evbuffer *buffer, size_t offset, void *out, size_t capacity) {
    struct evbuffer_ptr pos;
    if (evbuffer_ptr_set(buffer, &pos, offset, EVBUFFER_PTR_SET) != 0) return -1;
    return evbuffer_copyout_from(buffer, &pos, out, capacity);
}

ev_ssize_t lt_evbuffer_search_from(struct evbuffer *buffer, size_t offset, const char *needle, size_t length) {
    struct evbuffer_ptr start;
    if (evbuffer_ptr_set(buffer, &start, offset, EVBUFFER_PTR_SET) != 0) return -1;
    struct evbuffer_ptr found = evbuffer_search(buffer, needle, length, &start);
    return found.pos;
}

int lt_ssl_error_is_plain_http(unsigned long error) {
    if (ERR_GET_LIB(error) != ERR_LIB_SSL) return 0;
    int reason = ERR_GET_REASON(error);
    return reason == SSL_R_HTTP_REQUEST || reason == SSL_R_HTTPS_PROXY_REQUEST;
}

void lt_ssl_ctx_release_buffers(SSL_CTX *ctx) {
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
}

void lt_release_free_memory(void) {
    malloc_trim(0);
}
