/*
 * fold: how duty25 compares what people type with what a form expects.
 *
 * d25_fold() turns text into a canonical form for matching: full-width
 * ASCII becomes ASCII (１２→12, （→(, ／→/), Chinese punctuation maps to
 * its ASCII twin (，、→, 。→. ；→; “”→" —－→-), ASCII letters are lowered,
 * whitespace of every kind, blanks to fill (＿ _ …) and struck-through
 * characters (a character followed by U+0336, see docx.h) are dropped.
 * d25_fold_key() keeps only letters, digits and CJK characters of that,
 * for comparing sentences that differ in punctuation.
 *
 * Ownership: functions returning char * allocate with malloc; the caller
 * frees.  NULL means out of memory.
 */
#ifndef D25_UTIL_FOLD_H
#define D25_UTIL_FOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decode one code point at *p and advance; invalid bytes give U+FFFD. */
uint32_t d25_utf8_next(const char **p);
/* Columns s takes in a terminal: CJK and full-width characters count 2. */
int d25_display_width(const char *s);

char *d25_fold(const char *s);
char *d25_fold_key(const char *s);
/* d25_fold, and where each byte of the result came from: (*from)[i] is the
 * byte offset in s of the character that gave byte i of the result, and
 * (*from)[strlen(result)] is strlen(s).  The caller frees both; NULL (and
 * *from NULL) when out of memory. */
char *d25_fold_from(const char *s, size_t **from);
/* What the writer wrote where bytes [a, b) of d25_fold_from(s) came from:
 * s from the character that gave byte a to the one that gave byte b-1, as
 * written (、 stays 、, full-width stays full-width), less the blanks to
 * fill (＿ _ …) and struck-through characters, with each run of whitespace
 * inside made one space.  "" when a >= b; NULL when out of memory. */
char *d25_written(const char *s, const size_t *from, size_t a, size_t b);
/* d25_fold into out (cap bytes, at least 4 * max_cp + 1) when the result
 * has at most max_cp code points; false, stopping early, when it has more:
 * for telling short labels from long text without folding the text. */
bool d25_fold_short(const char *s, char *out, size_t cap, size_t max_cp);

/* Code point count of a UTF-8 string. */
size_t d25_utf8_len(const char *s);

/* Levenshtein distance between a and b counted in code points; gives up and
 * returns max + 1 once the distance must exceed max. */
size_t d25_text_distance(const char *a, const char *b, size_t max);

/* Similarity of two folded keys in [0, 1]: 1 - distance / longer length. */
double d25_text_similarity(const char *a, const char *b);

/* A whole number written with digits or Chinese numerals (〇零一二两三四五
 * 六七八九十百千), at *p; advances *p past it.  -1 when there is none. */
long d25_parse_cn_number(const char **p);

/* Is cp a ticked box or tick (☑ ☒ ■ ✔ ✓ √), or with checked false an empty
 * box (☐ □)? */
bool d25_is_box(uint32_t cp, bool checked);

/* Is cp a CJK ideograph (the ranges forms use)? */
bool d25_is_cjk(uint32_t cp);

#endif
