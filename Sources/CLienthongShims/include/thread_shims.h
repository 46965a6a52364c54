#ifndef CLIENTHONG_THREAD_SHIMS_H
#define CLIENTHONG_THREAD_SHIMS_H
// Shims for the node's own threads (prctl is variadic).

/// Names the calling thread for the kernel (top, perf, /proc/PID/task/TID/comm): at most 15 bytes are kept.
void lt_name_current_thread(const char *name);
#endif
