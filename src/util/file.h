/*
 * file: writing and moving the user's files safely.
 *
 * d25_write_atomic() writes a whole file through a temporary file in the
 * same folder, flushed to disk and renamed into place: a crash or a full
 * disk leaves the old file or none, never half of one.
 * d25_move_into() moves a file into a folder (made when missing) without
 * replacing anything there: a name taken gets "-2", "-3"... before its
 * extension; across file systems it copies, syncs, then removes.
 * d25_mkdirs() makes a folder and its parents (an error when a file has
 * the name).  d25_dir_writable() says, before anything is written, why a
 * file could not be made at path: its folder missing, not a folder, or not
 * writable.
 *
 * d25_open_regular() opens a file to read only when it is a regular file,
 * without ever blocking on a FIFO or a device named as one.
 *
 * Ownership: nothing is kept; *moved_to is malloc'd for the caller.
 */
#ifndef D25_UTIL_FILE_H
#define D25_UTIL_FILE_H

#include <stddef.h>
#include <sys/stat.h>

#include "error.h"

/* A copy of name usable as a file name on Linux and Windows alike: the
 * characters / \ : * ? " < > |, control characters, the bidirectional
 * controls (U+202E makes a name display backwards), Unicode non-characters
 * (U+FFFE, U+FFFF, U+FDD0..) and bytes that are not UTF-8 become "_", and a
 * leading "." or "~$" too (hidden or an Office owner file).  NULL when out
 * of memory. */
char *d25_safe_filename(const char *name);

int d25_write_atomic(const char *path, const void *data, size_t len, d25_error *err);
int d25_move_into(const char *path, const char *dir, char **moved_to, d25_error *err);
int d25_mkdirs(const char *dir, d25_error *err);
int d25_dir_writable(const char *path, d25_error *err);
/* A descriptor reading path, with *st filled, when path is a regular file
 * (a FIFO, a device such as /dev/zero, a folder or a socket is not: -1 with
 * errno EINVAL; opened non-blocking, so a FIFO without a writer never
 * hangs the caller).  -1 with errno from open/fstat otherwise. */
int d25_open_regular(const char *path, struct stat *st);

#endif
