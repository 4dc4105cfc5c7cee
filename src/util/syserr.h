/*
 * syserr: Chinese text for the system and library errors a user can meet.
 *
 * glibc's own Chinese strerror needs the zh_CN.UTF-8 locale, which a server
 * (or cron) rarely has; so the errno values people meet (a file not found,
 * no permission, a full or read-only disk...) have their own Chinese text
 * here, and any other value uses glibc's text when the locale translates
 * it, else "系统错误 N".  SQLite, libzip and libxlsxwriter errors get the
 * same treatment: Chinese, with the library's code name in brackets for the
 * log (English only in codes).
 */
#ifndef D25_UTIL_SYSERR_H
#define D25_UTIL_SYSERR_H

#include <zip.h>

/* Chinese for errno value e; a static string (or a thread-local buffer). */
const char *d25_strerror(int e);

/* Chinese for an SQLite result code (primary or extended). */
const char *d25_sqlite_strerror(int rc);

/* Chinese for a libzip error (with the errno it carries, if any). */
const char *d25_zip_strerror(zip_error_t *ze);

/* Chinese for a libxlsxwriter lxw_error. */
const char *d25_lxw_strerror(int e);

#endif
