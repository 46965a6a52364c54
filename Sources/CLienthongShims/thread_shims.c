#include "thread_shims.h"
#include <stddef.h>
#include <sys/prctl.h>

void lt_name_current_thread(const char *name) {
    prctl(PR_SET_NAME, name, 0, 0, 0);
}

// One pointer per thread: the loop a libevent thread runs, so code on it finds its loop without a lookup.
static _Thread_local void *current_loop = NULL;

void lt_set_current_loop(void *loop) {
    current_loop = loop;
}

void *lt_current_loop(void) {
    return current_loop;
}
