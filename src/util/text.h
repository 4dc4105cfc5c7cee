/*
 * text: small UTF-8 helpers shared by the readers and the output writers.
 * Functions that return char * allocate with malloc; the caller frees.
 */
#ifndef D25_UTIL_TEXT_H
#define D25_UTIL_TEXT_H

#include <stddef.h>
#include <stdbool.h>

/* Length of the longest prefix of s[0..n) that is valid UTF-8 and ends on a
 * character boundary. */
size_t d25_utf8_valid_prefix(const char *s, size_t n);
/* Copy s with every invalid UTF-8 sequence replaced by U+FFFD. */
char *d25_utf8_sanitize(const char *s, size_t n);
/* Text as XML 1.0 may hold it: the characters it forbids (C0 controls
 * other than tab, LF and CR; U+FFFE and U+FFFF) dropped, bytes that are
 * not UTF-8 replaced by U+FFFD.  Every value written into a document goes
 * through this.  NULL with *changed false when s[0..n) is fine as it is;
 * else a malloc'd copy (NULL with *changed true: out of memory). */
char *d25_xml_safe(const char *s, size_t n, bool *changed);
/* Copy src (NULL: "") into dst, which has room for n >= 1 bytes; a string
 * too long is cut at a character boundary, never inside a character.  The
 * bytes copied. */
size_t d25_copy(char *dst, size_t n, const char *src);
/* Cut a NUL-terminated string back to its last complete character. */
void d25_utf8_trim_tail(char *s);
/* Copy of s without leading and trailing whitespace (space, tab, CR, LF,
 * U+3000 ideographic space); NULL when out of memory. */
char *d25_trim_dup(const char *s);
/* The final path component of path (no allocation). */
const char *d25_basename(const char *path);
/* The folder of path: "." when it names none, "/" for the root's files;
 * malloc'd, NULL when out of memory. */
char *d25_dirname(const char *path);
/* Length of a file name without its extension ("报表.docx" -> the bytes of
 * "报表"; a leading dot is not an extension). */
int d25_stem_len(const char *base);
/* Case-insensitive ASCII suffix test. */
bool d25_has_suffix_ci(const char *s, const char *suffix);

#endif
