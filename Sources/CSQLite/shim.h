// libevent's headers define _GNU_SOURCE; every C module defines it first so that libc headers
// (fd_set, …) read the same in all of them and Swift can import several together.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <sqlite3.h>
