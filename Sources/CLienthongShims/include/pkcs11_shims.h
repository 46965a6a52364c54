#ifndef CLIENTHONG_PKCS11_SHIMS_H
#define CLIENTHONG_PKCS11_SHIMS_H
#include <openssl/evp.h>

/// Loads the private key at a PKCS#11 URI through the libp11 engine ("pkcs11", package libengine-pkcs11-openssl),
/// which keeps the key in the token: the returned EVP_PKEY signs by calling the token. The engine is loaded once per
/// process with `module` (the PKCS#11 library); a later call with another module fails. `pin` logs in to the token.
/// Returns NULL with the reason on the OpenSSL error queue. The ENGINE API is deprecated in OpenSSL 3 but is the
/// only way Debian bookworm offers (no pkcs11-provider package), so it lives here, out of Swift's sight.
EVP_PKEY *lt_pkcs11_load_private_key(const char *module, const char *pin, const char *uri);
#endif
