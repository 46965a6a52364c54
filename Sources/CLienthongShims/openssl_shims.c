#include "openssl_shims.h"
#include <openssl/core_names.h>
#include <openssl/x509v3.h>
#include <string.h>

long lt_BIO_get_mem_data(BIO *bio, const char **data) {
    char *start = NULL;
    long length = BIO_get_mem_data(bio, &start);
    *data = start;
    return length;
}

int lt_EVP_PKEY_PUBLIC_KEY(void) { return EVP_PKEY_PUBLIC_KEY; }

const char *lt_OSSL_PKEY_PARAM_GROUP_NAME(void) { return OSSL_PKEY_PARAM_GROUP_NAME; }

const char *lt_OSSL_PKEY_PARAM_PUB_KEY(void) { return OSSL_PKEY_PARAM_PUB_KEY; }

STACK_OF(X509) *lt_sk_X509_new_null(void) { return sk_X509_new_null(); }

int lt_sk_X509_push_up_ref(STACK_OF(X509) *stack, X509 *cert) {
    if (X509_up_ref(cert) != 1) return 0;
    if (sk_X509_push(stack, cert) <= 0) {
        X509_free(cert);
        return 0;
    }
    return 1;
}

void lt_sk_X509_pop_free(STACK_OF(X509) *stack) { sk_X509_pop_free(stack, X509_free); }

int lt_sk_X509_num(const STACK_OF(X509) *stack) { return sk_X509_num(stack); }

X509 *lt_sk_X509_value(const STACK_OF(X509) *stack, int index) { return sk_X509_value(stack, index); }

int lt_x509_first_ocsp_url(X509 *cert, char *out, int capacity) {
    STACK_OF(OPENSSL_STRING) *urls = X509_get1_ocsp(cert);
    if (urls == NULL) return 0;
    int length = 0;
    if (sk_OPENSSL_STRING_num(urls) > 0) {
        const char *url = sk_OPENSSL_STRING_value(urls, 0);
        size_t size = strlen(url);
        if (size < (size_t)capacity) {
            memcpy(out, url, size + 1);
            length = (int)size;
        } else {
            length = -1;
        }
    }
    X509_email_free(urls);
    return length;
}
