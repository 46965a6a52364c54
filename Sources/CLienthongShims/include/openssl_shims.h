#ifndef CLIENTHONG_OPENSSL_SHIMS_H
#define CLIENTHONG_OPENSSL_SHIMS_H
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

/// Length and start of a memory BIO's contents (BIO_get_mem_data is a macro).
long lt_BIO_get_mem_data(BIO *bio, const char **data);
/// The selection for EVP_PKEY_fromdata with a public key only (EVP_PKEY_PUBLIC_KEY is a macro).
int lt_EVP_PKEY_PUBLIC_KEY(void);
/// OSSL_PKEY_PARAM_GROUP_NAME as a static string: OSSL_PARAM keeps key pointers, so they must outlive the params.
const char *lt_OSSL_PKEY_PARAM_GROUP_NAME(void);
/// OSSL_PKEY_PARAM_PUB_KEY as a static string.
const char *lt_OSSL_PKEY_PARAM_PUB_KEY(void);

/// sk_X509_* are macros over OPENSSL_sk_*.
STACK_OF(X509) *lt_sk_X509_new_null(void);
/// Pushes `cert` and takes a reference to it (so the stack owns one); returns 0 on failure.
int lt_sk_X509_push_up_ref(STACK_OF(X509) *stack, X509 *cert);
/// Frees the stack and drops the reference held on each certificate.
void lt_sk_X509_pop_free(STACK_OF(X509) *stack);
/// The number of certificates on the stack.
int lt_sk_X509_num(const STACK_OF(X509) *stack);
/// The certificate at `index` (borrowed).
X509 *lt_sk_X509_value(const STACK_OF(X509) *stack, int index);
/// Copies the first OCSP responder URL of the certificate's authority information access extension into `out`
/// (NUL-terminated); returns its length, 0 when there is none, -1 when it does not fit (X509_get1_ocsp returns a
/// STACK_OF(OPENSSL_STRING), whose accessors are macros).
int lt_x509_first_ocsp_url(X509 *cert, char *out, int capacity);
#endif
