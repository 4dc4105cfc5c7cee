/*
 * suggest: "是不是 …？" — the nearest of a list of words to what a person
 * typed (a command, an option, a configuration key), as git suggests a
 * command.  Edit distance in code points (fold.h); a word further than a
 * third of its length (at least 1, at most 3) has no suggestion.
 */
#ifndef D25_UTIL_SUGGEST_H
#define D25_UTIL_SUGGEST_H

#include <stddef.h>

/* The nearest of words[0..n) (NULL entries skipped) to typed, or NULL. */
const char *d25_suggest(const char *typed, const char *const *words, size_t n);

#endif
