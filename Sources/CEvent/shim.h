// libevent's event-config.h defines _GNU_SOURCE. Including libc's headers first fixes glibc's feature
// macros before it does, so fd_set and friends read the same here as in every other C module Swift
// imports (Dispatch, Foundation, libcurl, OpenSSL); otherwise Clang rejects the differing definitions.
#include <sys/types.h>
#include <sys/select.h>
#include <event2/event.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <event2/util.h>
