/*
 * units: the unit registry, read from a CSV file (config/units.csv).
 *
 * The file is UTF-8, with or without a byte-order mark, comma-separated with
 * RFC 4180 quoting, CRLF or LF, as Excel and WPS save it.  The first row
 * names the columns, in any order, in English or Chinese:
 *   code 代码 | name 单位名称 | aliases 别名 | type 类型 | area 板块 |
 *   flags 标志 | contact 联系人 | phone 电话 | active_from 启用 | active_until 停用
 * code, name, type and area are required.  aliases and flags are lists
 * separated by ";" or "；".  type is school / kindergarten / training /
 * school_bus (or 学校 / 幼儿园 / 校外培训机构 / 校车服务提供者).  active_from and
 * active_until are YYYY-MM or YYYY-MM-DD (either may be empty): a unit is
 * expected for the months from one to the other, inclusive.
 *
 * Ownership: d25_registry owns every string; d25_registry_free() releases it.
 */
#ifndef D25_REGISTRY_UNITS_H
#define D25_REGISTRY_UNITS_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/error.h"

typedef struct {
    char *code, *name, *type, *area, *flags, *contact, *phone;
    char **aliases;
    size_t naliases;
    int from, until;   /* period as year*12 + month-1; 0 / INT_MAX when open */
    char **keys;       /* fold keys of name and aliases */
    size_t nkeys;
    int line;          /* in the CSV, for messages */
} d25_unit;

typedef struct {
    const char *key;   /* a unit's fold key (name or alias) */
    size_t unit;       /* index into units */
} d25_unit_key;

typedef struct {
    char *path;
    d25_unit *units;
    size_t n;
    size_t *by_code;   /* unit indexes sorted by code */
    d25_unit_key *keys;/* every non-empty fold key, sorted by key then unit */
    size_t nkeys;
} d25_registry;

/* NULL with err set (D25_E_CONFIG naming file, line and column). */
d25_registry *d25_registry_load(const char *path, d25_error *err);
void d25_registry_free(d25_registry *reg);

const d25_unit *d25_registry_by_code(const d25_registry *reg, const char *code);
/* The unit whose name or alias the text names: equal after folding, or the
 * longest registered name contained in it.  NULL if none. */
const d25_unit *d25_registry_find(const d25_registry *reg, const char *text);
/* Up to max units with the most similar names (similarity >= 0.4), best first. */
size_t d25_registry_suggest(const d25_registry *reg, const char *text, const d25_unit **out, size_t max);
/* Does the unit exist in this period (year*12 + month-1)? */
bool d25_unit_active(const d25_unit *u, int period);

/* Chinese name of a unit type ("学校"...), or the type itself. */
const char *d25_unit_type_label(const char *type);

#endif
