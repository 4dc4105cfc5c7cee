/*
 * units: the unit registry (config/units.csv, or a workbook such as
 * config/units.xlsx), read into units with an index by code and by name.
 *
 * What is accepted, decided from the file's content, not its name:
 *   - Text (CSV): UTF-8 with or without a byte-order mark; UTF-16 LE or BE
 *     with a byte-order mark (Excel's "Unicode 文本(*.txt)"); GB18030, which
 *     covers GBK / code page 936 (Chinese Excel's ordinary "CSV（逗号分隔）").
 *     A byte-order mark names the encoding; otherwise valid UTF-8 is UTF-8,
 *     and anything else must decode strictly as GB18030 (util/decode.h).
 *     Fields are separated by commas, or by tabs when the first line is
 *     tab-separated; RFC 4180 quoting; CRLF, LF or CR line ends.
 *   - An XLSX workbook (zip content): the worksheet named 单位名册, else the
 *     first visible worksheet.  A number reads as Excel shows it in General
 *     format (code 1001 -> "1001"); a vertically merged cell gives its value
 *     to every row it covers.
 * Refused by name, with the line (text) or the row and cell (worksheet) and
 * how to save the file properly: bytes that do not decode, a NUL byte, a
 * file mixing UTF-8 lines with others, a legacy .xls / WPS .et, an
 * encrypted workbook, any other binary format.
 *
 * The header row names the columns, in any order, in English or Chinese:
 *   code 代码 | name 单位名称 | aliases 别名 | type 类型 | area 板块 |
 *   flags 标志 | contact 联系人 | phone 电话 | active_from 启用 | active_until 停用
 * It is the first row that names all of code, name, type and area (up to
 * 20 rows down, so a title may stand above it); rows above it are ignored.
 * Blank rows and rows whose first cell starts with "#" are skipped.
 * aliases and flags are lists separated by ";" or "；".  type is school /
 * kindergarten / training / school_bus (or 学校 / 幼儿园 / 校外培训机构 /
 * 校车服务提供者).  active_from and active_until are YYYY-MM, YYYY-MM-DD,
 * YYYY/M/D or YYYY年M月[D日] text, or worksheet dates; a plain number in
 * them is taken as an Excel date serial only when it falls in 1990-2099
 * (202609 or 2026.09 are refused).  Either may be empty: a unit is expected
 * for the months from one to the other, inclusive.  A code that Excel has
 * turned into a decimal, a scientific number (1.23457E+11) or a number of
 * more than 15 digits (Excel keeps no more) is refused.
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
    int line;          /* for messages: the CSV line where the unit's record
                          starts, or its row in the worksheet */
} d25_unit;

typedef struct {
    const char *key;   /* a unit's fold key (name or alias) */
    size_t unit;       /* index into units */
} d25_unit_key;

typedef struct {
    char *path;
    const char *encoding; /* how it was read: "UTF-8", "UTF-16LE", "UTF-16BE",
                             "GB18030" or "XLSX" (static) */
    bool bom;          /* a text file that began with a byte-order mark */
    char *sheet;       /* XLSX: the worksheet read; NULL for text */
    d25_unit *units;
    size_t n;
    size_t *by_code;   /* unit indexes sorted by code */
    d25_unit_key *keys;/* every non-empty fold key, sorted by key then unit */
    size_t nkeys;
} d25_registry;

/* NULL with err set (D25_E_CONFIG naming the file and the line, or the
 * sheet, row and cell; D25_E_NOMEM). */
d25_registry *d25_registry_load(const char *path, d25_error *err);
void d25_registry_free(d25_registry *reg);
/* A registry of units read elsewhere (a city's store, one district's
 * units): takes units (malloc'd, each string malloc'd, keys optional) and
 * indexes them as d25_registry_load does; path names it in messages.
 * NULL with err set (units freed). */
d25_registry *d25_registry_adopt(const char *path, d25_unit *units, size_t n, d25_error *err);

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
/* The unit types of the edition in use (the rule set's [types]: codes and
 * their labels, in order), which the registry accepts and
 * d25_unit_type_label names; borrowed until the next call (NULL, NULL, 0
 * forgets them, and then any type is accepted). */
void d25_unit_types_use(const char *const *keys, const char *const *labels, size_t n);
/* The flags of the edition in use (the rule set's [flags]), likewise: the
 * registry takes a flag's code or its label and refuses any other word
 * (a flag nobody reads would silently change which sub-items apply). */
void d25_unit_flags_use(const char *const *keys, const char *const *labels, size_t n);

#endif
