#ifndef CLIENTHONG_THREAD_SHIMS_H
#define CLIENTHONG_THREAD_SHIMS_H
// Shims for the node's own threads (prctl is variadic).

/// Names the calling thread for the kernel (top, perf, /proc/PID/task/TID/comm): at most 15 bytes are kept.
void lt_name_current_thread(const char *name);

/// Records the event loop the calling thread runs (NULL when it runs none); read back by lt_current_loop.
void lt_set_current_loop(void *loop);

/// The event loop the calling thread runs, or NULL.
void *lt_current_loop(void);
#endif
