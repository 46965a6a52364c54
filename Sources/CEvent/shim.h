// libevent's headers define _GNU_SOURCE; every C module defines it first so that libc headers
// (fd_set, …) read the same in all of them and Swift can import several together.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <event2/event.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <event2/util.h>
