/*
 * edition (internal to src/rules): the words, unit types and flags of a
 * campaign edition ([edition], [types], [flags]), read into a d25_rules
 * that owns them.
 */
#ifndef D25_RULES_EDITION_H
#define D25_RULES_EDITION_H

#include "../config/ini.h"

#include "rules.h"

/* Reads them from d (the rule file at path); -1 with err set. */
int d25_edition_load(dictionary *d, const char *path, d25_rules *r, d25_error *err);
void d25_edition_free(d25_rules *r);

#endif
