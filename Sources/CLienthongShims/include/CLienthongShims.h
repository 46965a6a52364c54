// Shims for C macros and variadic functions that Swift cannot import.
// One header per C library; each is owned by the Swift module that wraps that library.
#ifndef CLIENTHONG_SHIMS_H
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#define CLIENTHONG_SHIMS_H
#include "openssl_shims.h"
#include "curl_shims.h"
#include "event_shims.h"
#include "sqlite_shims.h"
#endif
