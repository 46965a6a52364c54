#ifndef CLIENTHONG_FILE_SHIMS_H
#define CLIENTHONG_FILE_SHIMS_H
// Shims for file calls glibc does not wrap (Linux AIO is reached through syscall(2), which is variadic).

/// A Linux AIO context for at most `capacity` requests at a time, or 0 where AIO is unavailable. Kept for the life of
/// its user: io_destroy waits for a grace period of the kernel's, which costs milliseconds on a busy machine.
unsigned long lt_aio_setup(int capacity);

/// Releases a context of lt_aio_setup (0: nothing).
void lt_aio_destroy(unsigned long context);

/// fdatasync(2) of every descriptor in `fds`, issued together on `context` (at most its capacity at a time):
/// `IOCB_CMD_FDSYNC` requests submitted in one call run concurrently in the kernel, so the file system commits its
/// journal once for many of them where one fdatasync after the other commits it once each. With context 0, or
/// where AIO cannot take them, one after the other. Returns 0, or the first failure's errno.
int lt_fdatasync_all(unsigned long context, int capacity, const int *fds, int count);
#endif
