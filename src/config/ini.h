/*
 * ini: the iniparser plumbing every INI file of duty25 shares: loading
 * with syntax errors caught (iniparser only prints them), and finding the
 * line of a key so that messages can name it.
 *
 * Ownership: d25_ini_load() returns an iniparser dictionary the caller
 * frees with iniparser_freedict().
 */
#ifndef D25_CONFIG_INI_H
#define D25_CONFIG_INI_H

#include <iniparser/iniparser.h>

#include "../util/error.h"

/* Load path; NULL with a D25_E_CONFIG error (what is one of "配置文件",
 * "规则文件"...) when unreadable or malformed. */
dictionary *d25_ini_load(const char *path, const char *what, d25_error *err);

/* Line number (1-based) of key in section, 0 if not found; key NULL gives
 * the line of the section header. */
int d25_ini_line(const char *path, const char *section, const char *key);

/* The keys of a section without the "section:" prefix, in file order
 * (malloc'd array of pointers into d; caller frees the array). */
const char **d25_ini_keys(dictionary *d, const char *section, int *n);

/* The first key of section sec that allowed (NULL-terminated, compared
 * without case) does not list, copied into out: 1 when there is one, 0
 * when every key is known, -1 when out of memory. */
int d25_ini_unknown_key(dictionary *d, const char *sec, const char *const *allowed, char *out, size_t n);

#endif
