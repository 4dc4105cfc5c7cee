/*
 * validate: judges one return the way the bureau's safety office would.
 * It reads the file (ooxml), finds the forms (forms), identifies the unit
 * (registry) and the period, and checks every answer against the rule set.
 * Each problem is a finding with a stable code (docs/findings.md), a
 * severity (an error rejects the return, a warning accepts it with a
 * remark), the place in the file, the sub-item where there is one, and a
 * Chinese message that says what is wrong and what to write instead.
 *
 * Ownership: d25_validate_file() fills a caller-owned d25_result;
 * d25_result_free() releases what it holds.  rules and registry must
 * outlive the result (unit points into the registry).
 */
#ifndef D25_VALIDATE_VALIDATE_H
#define D25_VALIDATE_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "../forms/forms.h"
#include "../ooxml/limits.h"
#include "../registry/units.h"
#include "../rules/rules.h"

typedef enum { D25_SEV_ERROR, D25_SEV_WARNING } d25_severity;

typedef struct {
    const char *code;     /* stable, e.g. "STATUS_EMPTY" */
    d25_severity severity;
    char *place;          /* "清单!E14", "表格1 第5行第6列", "文件名"..., or "" */
    char item[16];        /* "22.3", "22" (a whole item), or "" */
    char *message;        /* Chinese */
} d25_finding;

typedef struct {
    char *file;
    const d25_unit *unit; /* NULL when unknown */
    int period;           /* year*12 + month-1, or -1 */
    bool checklist, progress, seal;
    bool read_ok;         /* the file could be read at all */
    d25_form form;        /* what was read (empty when !read_ok) */
    d25_finding *f;
    size_t n, cap;
    int errors, warnings;
} d25_result;

typedef struct {
    const d25_rules *rules;
    const d25_registry *registry;
    const d25_limits *limits;
    int want_period;      /* --period, or -1 */
} d25_vctx;

/* 0, or -1 when out of memory (res then holds what was found so far). */
int d25_validate_file(const d25_vctx *ctx, const char *path, d25_result *res);
/* The same for a file already read into memory (path names it in messages
 * and gives the file name the period may be read from). */
int d25_validate_data(const d25_vctx *ctx, const char *path, const void *data, size_t len, d25_result *res);
void d25_result_free(d25_result *res);

static inline bool d25_result_accepted(const d25_result *r) { return r->errors == 0; }

/* The finding codes: name, severity, one-line Chinese summary. */
typedef struct {
    const char *code;
    d25_severity severity;
    const char *summary;
} d25_finding_kind;

const d25_finding_kind *d25_finding_kinds(size_t *n);

/* "YYYY-MM" -> year*12 + month-1; -1 when malformed. */
int d25_parse_period_arg(const char *s);
/* The one month a file's name gives ("…2026年11月…", "…2026-11…",
 * "2026.11", "2026_11"), or -1 when it names none or two different ones. */
int d25_period_in_name(const char *name);
void d25_format_period(int period, char *out, size_t n);   /* "2026-11" ("未知" when < 0) */
void d25_format_period_cn(int period, char *out, size_t n); /* "2026年11月" */

#endif
