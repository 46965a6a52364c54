#define _GNU_SOURCE
#include "file_shims.h"
#include <errno.h>
#include <linux/aio_abi.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

unsigned long lt_aio_setup(int capacity) {
    aio_context_t context = 0;
    if (syscall(SYS_io_setup, capacity, &context) != 0) return 0;
    return (unsigned long)context;
}

void lt_aio_destroy(unsigned long context) {
    if (context != 0) syscall(SYS_io_destroy, (aio_context_t)context);
}

static int lt_fdatasync_each(const int *fds, int count) {
    int result = 0;
    for (int i = 0; i < count; i++) {
        if (fdatasync(fds[i]) != 0 && result == 0) result = errno;
    }
    return result;
}

// Submits fdatasync of `fds` (at most the context's capacity) and waits for all; what AIO does not take is synced
// here one after the other while the kernel syncs the rest.
static int lt_fdatasync_chunk(aio_context_t context, const int *fds, int count) {
    struct iocb *requests = calloc((size_t)count, sizeof(struct iocb));
    struct iocb **pointers = calloc((size_t)count, sizeof(struct iocb *));
    struct io_event *events = calloc((size_t)count, sizeof(struct io_event));
    if (requests == NULL || pointers == NULL || events == NULL) {
        free(requests);
        free(pointers);
        free(events);
        return lt_fdatasync_each(fds, count);
    }
    for (int i = 0; i < count; i++) {
        requests[i].aio_fildes = (unsigned)fds[i];
        requests[i].aio_lio_opcode = IOCB_CMD_FDSYNC;
        pointers[i] = &requests[i];
    }
    int submitted = 0;
    while (submitted < count) {
        long taken = syscall(SYS_io_submit, context, count - submitted, pointers + submitted);
        if (taken < 0 && errno == EINTR) continue;
        if (taken <= 0) break;
        submitted += (int)taken;
    }
    int result = lt_fdatasync_each(fds + submitted, count - submitted);
    int completed = 0;
    while (completed < submitted) {
        long got = syscall(SYS_io_getevents, context, submitted - completed, submitted - completed, events, NULL);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            // Not expected; the requests still complete, and the caller treats the batch as failed.
            if (result == 0) result = errno;
            break;
        }
        for (long i = 0; i < got; i++) {
            if (events[i].res != 0 && result == 0) result = (int)-events[i].res;
        }
        completed += (int)got;
    }
    free(requests);
    free(pointers);
    free(events);
    return result;
}

int lt_fdatasync_all(unsigned long context, int capacity, const int *fds, int count) {
    if (context == 0 || capacity < 2) return lt_fdatasync_each(fds, count);
    int result = 0;
    for (int start = 0; start < count; start += capacity) {
        int chunk = count - start < capacity ? count - start : capacity;
        int synced = lt_fdatasync_chunk((aio_context_t)context, fds + start, chunk);
        if (synced != 0 && result == 0) result = synced;
    }
    return result;
}
