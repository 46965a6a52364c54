#include "thread_shims.h"
#include <sys/prctl.h>

void lt_name_current_thread(const char *name) {
    prctl(PR_SET_NAME, name, 0, 0, 0);
}
