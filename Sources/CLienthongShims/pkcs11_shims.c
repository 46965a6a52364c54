#define OPENSSL_SUPPRESS_DEPRECATED
#include "pkcs11_shims.h"
#include <openssl/engine.h>
#include <openssl/err.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

// One engine for the process: libp11 keeps its PKCS#11 session and login in it, and keys it loaded use it for as
// long as they live, so it is never finished.
static pthread_mutex_t engine_lock = PTHREAD_MUTEX_INITIALIZER;
static ENGINE *engine = NULL;
static char *engine_module = NULL;

static ENGINE *engine_for(const char *module) {
    if (engine != NULL) {
        if (strcmp(engine_module, module) == 0) return engine;
        ERR_raise_data(ERR_LIB_ENGINE, ERR_R_PASSED_INVALID_ARGUMENT, "pkcs11 engine already uses another module");
        return NULL;
    }
    ENGINE *loaded = ENGINE_by_id("pkcs11");
    if (loaded == NULL) return NULL;
    if (ENGINE_ctrl_cmd_string(loaded, "MODULE_PATH", module, 0) != 1 || ENGINE_init(loaded) != 1) {
        ENGINE_free(loaded);
        return NULL;
    }
    engine = loaded;
    engine_module = strdup(module);
    return engine;
}

EVP_PKEY *lt_pkcs11_load_private_key(const char *module, const char *pin, const char *uri) {
    pthread_mutex_lock(&engine_lock);
    EVP_PKEY *key = NULL;
    ENGINE *loaded = engine_for(module);
    if (loaded != NULL && ENGINE_ctrl_cmd_string(loaded, "PIN", pin, 0) == 1) {
        key = ENGINE_load_private_key(loaded, uri, NULL, NULL);
    }
    pthread_mutex_unlock(&engine_lock);
    return key;
}
