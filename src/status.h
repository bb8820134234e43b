#ifndef STATUS_H
#define STATUS_H

/*
 * Error codes. Functions that can fail return 0 (or a non-negative result)
 * on success and one of these, negated, on failure: return -EINVARG.
 * The same numbers reach user programs from system calls (docs/syscalls.md).
 */
#define VANA_ALL_OK 0
#define EIO 1      /* a device or the hardware failed */
#define EINVARG 2  /* an argument is malformed: misaligned, out of range */
#define ENOMEM 3   /* not enough memory to satisfy the request */
#define EFAULT 4   /* a user pointer is not mapped for this access */
#define ENOEXEC 5  /* a program image is malformed */
#define ENOSYS 6   /* unknown system call */
#define ENOENT 7   /* no such object (process, mapping) */
#define E2BIG 8    /* a string or list is longer than the bound */
#define ECHILD 9   /* no child to wait for (none at all, or not that pid) */
#define EPERM 10   /* the object exists, but the caller may not see or change it */

#endif
