// Shims for C macros and variadic functions that Swift cannot import.
// One header per C library; each is owned by the Swift module that wraps that library.
#ifndef CLIENTHONG_SHIMS_H
#define CLIENTHONG_SHIMS_H
// libc's headers before libevent's, which define _GNU_SOURCE (see Sources/CEvent/shim.h).
#include <sys/types.h>
#include <sys/select.h>
#include "openssl_shims.h"
#include "pkcs11_shims.h"
#include "curl_shims.h"
#include "event_shims.h"
#include "sqlite_shims.h"
#include "thread_shims.h"
#include "file_shims.h"
#endif
