#include "openssl_shims.h"
#include <openssl/core_names.h>

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
