/* units: the unit registry: its columns, its checks and its index (see units.h). */
#include "units.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "../ooxml/numfmt.h"
#include "../ooxml/xlsx.h"
#include "../util/buf.h"
#include "../util/fold.h"
#include "../util/text.h"

/* The unit types of the edition in use (d25_unit_types_use); borrowed. */
static const char *const *type_keys, *const *type_labels;
static size_t ntypes;

static const char *const *flag_keys, *const *flag_labels;
static size_t nflags_known;

void d25_unit_flags_use(const char *const *keys, const char *const *labels, size_t n)
{
    flag_keys = keys;
    flag_labels = labels;
    nflags_known = keys && labels ? n : 0;
}

void d25_unit_types_use(const char *const *keys, const char *const *labels, size_t n)
{
    type_keys = keys;
    type_labels = labels;
    ntypes = keys && labels ? n : 0;
}

const char *d25_unit_type_label(const char *type)
{
    for (size_t i = 0; type && i < ntypes; i++)
        if (strcmp(type_keys[i], type) == 0)
            return type_labels[i];
    return type;
}

enum { C_CODE, C_NAME, C_ALIASES, C_TYPE, C_AREA, C_FLAGS, C_CONTACT, C_PHONE, C_FROM, C_UNTIL, C_COUNT_ };

static const struct {
    const char *en, *zh, *zh2;
} columns[C_COUNT_] = {
    {"code", "代码", "单位代码"},     {"name", "单位名称", "名称"},   {"aliases", "别名", "简称"},
    {"type", "类型", "单位类型"},     {"area", "板块", "所属板块"},   {"flags", "标志", "特征"},
    {"contact", "联系人", "负责人"}, {"phone", "电话", "联系电话"}, {"active_from", "启用", "启用时间"},
    {"active_until", "停用", "停用时间"},
};

/* "2026-09", "2026-09-01", "2026/9", "2026.9", "2026年9月", "2026年9月1日"
 * (and a date and time, as a worksheet date reads) -> year*12 + month-1;
 * -1 invalid.  What follows the month is not checked. */
static int parse_period(const char *s)
{
    char *e;
    long y = strtol(s, &e, 10);
    if (e == s)
        return -1;
    if (strncmp(e, "年", strlen("年")) == 0)
        e += strlen("年");
    else if (*e == '-' || *e == '/' || *e == '.')
        e++;
    else
        return -1;
    const char *ms = e;
    long m = strtol(ms, &e, 10);
    if (e == ms || y < 1900 || y > 9999 || m < 1 || m > 12)
        return -1;
    return (int)(y * 12 + m - 1);
}

/* Split "a;b；c" into a list of trimmed, non-empty strings. */
static int split_list(const char *s, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    size_t cap = 0;
    d25_buf b = {0};
    if (d25_buf_puts(&b, s) < 0)
        return -1;
    /* "；" (EF BC 9B) becomes ';' */
    char *t = (char *)d25_buf_cstr(&b);
    for (char *q; (q = strstr(t, "\xEF\xBC\x9B"));) {
        *q = ';';
        memmove(q + 1, q + 3, strlen(q + 3) + 1);
    }
    for (char *tok = t; *tok;) {
        size_t l = strcspn(tok, ";|");
        char save = tok[l];
        tok[l] = '\0';
        char *v = d25_trim_dup(tok);
        if (!v || (*v && d25_grow((void **)out, &cap, *n + 1, sizeof **out) < 0)) {
            free(v);
            d25_buf_free(&b);
            return -1;
        }
        if (*v)
            (*out)[(*n)++] = v;
        else
            free(v);
        tok += l + (save ? 1 : 0);
    }
    d25_buf_free(&b);
    return 0;
}

static void unit_free(d25_unit *u)
{
    free(u->code);
    free(u->name);
    free(u->type);
    free(u->area);
    free(u->flags);
    free(u->contact);
    free(u->phone);
    for (size_t i = 0; i < u->naliases; i++)
        free(u->aliases[i]);
    free(u->aliases);
    for (size_t i = 0; i < u->nkeys; i++)
        free(u->keys[i]);
    free(u->keys);
}

void d25_registry_free(d25_registry *reg)
{
    if (!reg)
        return;
    for (size_t i = 0; i < reg->n; i++)
        unit_free(&reg->units[i]);
    free(reg->units);
    free(reg->by_code);
    free(reg->keys);
    free(reg->path);
    free(reg->sheet);
    free(reg);
}

/* ---- the index: codes and fold keys, sorted for binary search ---- */

static const d25_registry *sort_reg; /* qsort has no context argument; loading is single-threaded */

static int code_cmp(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int c = strcmp(sort_reg->units[x].code, sort_reg->units[y].code);
    return c ? c : (x > y) - (x < y);
}

static int key_cmp(const void *a, const void *b)
{
    const d25_unit_key *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->unit > y->unit) - (x->unit < y->unit);
}

/* Sort the codes and keys; two rows with one code, or a name or alias used
 * by two units (which would make returns ambiguous), are errors. */
static int build_index(d25_registry *reg, const char *where, d25_error *err)
{
    size_t nk = 0;
    for (size_t i = 0; i < reg->n; i++)
        nk += reg->units[i].nkeys;
    reg->by_code = malloc((reg->n + 1) * sizeof *reg->by_code);
    reg->keys = malloc((nk + 1) * sizeof *reg->keys);
    if (!reg->by_code || !reg->keys)
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    for (size_t i = 0; i < reg->n; i++) {
        reg->by_code[i] = i;
        for (size_t k = 0; k < reg->units[i].nkeys; k++)
            if (reg->units[i].keys[k][0])
                reg->keys[reg->nkeys++] = (d25_unit_key){reg->units[i].keys[k], i};
    }
    sort_reg = reg;
    /* A registry is usually kept in code order: then it is sorted already. */
    size_t in_order = 1;
    while (in_order < reg->n && strcmp(reg->units[in_order - 1].code, reg->units[in_order].code) <= 0)
        in_order++;
    if (in_order < reg->n)
        qsort(reg->by_code, reg->n, sizeof *reg->by_code, code_cmp);
    qsort(reg->keys, reg->nkeys, sizeof *reg->keys, key_cmp);
    sort_reg = NULL;
    for (size_t i = 1; i < reg->n; i++) {
        const d25_unit *a = &reg->units[reg->by_code[i - 1]], *b = &reg->units[reg->by_code[i]];
        if (strcmp(a->code, b->code) == 0)
            return d25_fail(err, D25_E_CONFIG, "单位名册 %s第 %d 行：单位代码 %s 与第 %d 行重复", where, b->line,
                            b->code, a->line);
    }
    for (size_t i = 1; i < reg->nkeys; i++) {
        const d25_unit_key *a = &reg->keys[i - 1], *b = &reg->keys[i];
        if (a->unit != b->unit && strcmp(a->key, b->key) == 0) {
            const d25_unit *u = &reg->units[b->unit];
            const char *written = u->name;
            for (size_t k = 0; k < u->nkeys; k++)
                if (u->keys[k] == b->key)
                    written = k ? u->aliases[k - 1] : u->name;
            return d25_fail(err, D25_E_CONFIG, "单位名册 %s第 %d 行：名称或别名“%s”与第 %d 行的单位重复", where,
                            u->line, written, reg->units[a->unit].line);
        }
    }
    return 0;
}

/* The first (lowest unit index) entry whose key is s[0..len), or NULL. */
static const d25_unit_key *key_find(const d25_registry *reg, const char *s, size_t len)
{
    size_t lo = 0, hi = reg->nkeys;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *k = reg->keys[mid].key;
        int c = strncmp(k, s, len);
        if (c == 0 && k[len])
            c = 1; /* longer than s: sorts after it */
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < reg->nkeys && strncmp(reg->keys[lo].key, s, len) == 0 && !reg->keys[lo].key[len])
        return &reg->keys[lo];
    return NULL;
}

/* ---- from a table of rows to units ---- */

/* Rows searched for the header (a title above it is allowed). */
enum { HEADER_SEARCH_ROWS = 20 };

static const char *cell_text(const d25_regrow *row, int idx)
{
    return idx >= 0 && (size_t)idx < row->ncells && row->cells[idx] ? row->cells[idx] : "";
}

static char cell_type(const d25_regrow *row, int idx)
{
    return idx >= 0 && (size_t)idx < row->ncells && row->types ? row->types[idx] : 0;
}

/* The columns a row names: colidx[c] is the cell index or -1.  -1 out of memory. */
static int header_columns(const d25_regrow *row, int colidx[C_COUNT_])
{
    for (int c = 0; c < C_COUNT_; c++)
        colidx[c] = -1;
    for (size_t i = 0; i < row->ncells; i++) {
        if (!row->cells[i] || !row->cells[i][0])
            continue;
        char *h = d25_fold(row->cells[i]);
        if (!h)
            return -1;
        for (int c = 0; c < C_COUNT_; c++) {
            /* folding drops "_": compare folded names with folded names */
            char *en = d25_fold(columns[c].en);
            if (!en) {
                free(h);
                return -1;
            }
            if (strcmp(h, en) == 0 || strcmp(h, columns[c].zh) == 0 || strcmp(h, columns[c].zh2) == 0)
                colidx[c] = (int)i;
            free(en);
        }
        free(h);
    }
    return 0;
}

static const int required[] = {C_CODE, C_NAME, C_TYPE, C_AREA};

/* The first missing required column, or -1. */
static int missing_column(const int colidx[C_COUNT_])
{
    for (size_t k = 0; k < sizeof required / sizeof required[0]; k++)
        if (colidx[required[k]] < 0)
            return required[k];
    return -1;
}

/* A refusal naming the row, the unit (who, may be "") and, in a worksheet,
 * the cell of column idx (-1: none). */
static int row_fail(d25_error *err, const d25_regtable *t, const d25_regrow *row, int idx, const char *who,
                    const char *msg)
{
    char cell[40] = "";
    if (t->sheet && idx >= 0) {
        char ref[16];
        d25_cell_ref((uint32_t)row->line, (uint32_t)idx + 1, ref);
        snprintf(cell, sizeof cell, "%s单元格 %s", who[0] ? "，" : "", ref);
    }
    if (who[0] || cell[0])
        return d25_fail(err, D25_E_CONFIG, "单位名册 %s第 %d 行（%s%s）：%s", t->where, row->line, who, cell, msg);
    return d25_fail(err, D25_E_CONFIG, "单位名册 %s第 %d 行：%s", t->where, row->line, msg);
}

/* "1.23457E+11": a number Excel showed (and saved) in scientific notation
 * (Excel always writes the exponent's sign; a code like "1E5" is kept). */
static bool scientific(const char *s)
{
    if (!isdigit((unsigned char)*s))
        return false;
    s++;
    if (*s == '.') {
        s++;
        if (!isdigit((unsigned char)*s))
            return false;
        while (isdigit((unsigned char)*s))
            s++;
    }
    if (*s != 'e' && *s != 'E')
        return false;
    s++;
    if (*s != '+' && *s != '-')
        return false;
    s++;
    if (!isdigit((unsigned char)*s))
        return false;
    while (isdigit((unsigned char)*s))
        s++;
    return *s == '\0';
}

/* Earliest and latest year a plain number in a date cell may stand for as
 * an Excel date serial; other numbers (202609, 2026.09) are refused. */
enum { SERIAL_YEAR_MIN = 1990, SERIAL_YEAR_MAX = 2099 };

/* A start or end month from a cell: text or a worksheet date as text, or a
 * plain number taken as a date serial.  0 with *out (year*12 + month-1),
 * or -1 with msg filled. */
static int cell_period(const char *text, char type, bool date1904, const char *what, int *out, char *msg,
                       size_t msgsize)
{
    char buf[48];
    const char *s = text;
    if (type == 'n') {
        char *e;
        double v = strtod(text, &e);
        int y = 0;
        if (*e || !d25_format_serial_date(v, date1904, buf, sizeof buf) || sscanf(buf, "%d-", &y) != 1 ||
            y < SERIAL_YEAR_MIN || y > SERIAL_YEAR_MAX) {
            snprintf(msg, msgsize,
                     "%s是数字 %s，不是日期：请写作 YYYY-MM 或 YYYY-MM-DD（如 2026-09），或把单元格设为日期格式", what,
                     text);
            return -1;
        }
        s = buf;
    } else if (type == 'e' || type == 'b') {
        snprintf(msg, msgsize, "%s应是日期，不是“%s”", what, text);
        return -1;
    }
    if ((*out = parse_period(s)) < 0) {
        snprintf(msg, msgsize, "%s应写作 YYYY-MM 或 YYYY-MM-DD（如 2026-09），不是“%s”", what, text);
        return -1;
    }
    return 0;
}

/* One data row into u (zeroed).  0; -1 with err set; -2 out of memory. */
static int make_unit(const d25_regtable *t, const d25_regrow *row, const int colidx[C_COUNT_], d25_unit *u,
                     d25_error *err)
{
    u->line = row->line;
    u->from = 0;
    u->until = INT_MAX;
    const char *raw[C_COUNT_];
    for (int c = 0; c < C_COUNT_; c++)
        raw[c] = cell_text(row, colidx[c]);
    u->code = d25_trim_dup(raw[C_CODE]);
    u->name = d25_trim_dup(raw[C_NAME]);
    u->area = d25_trim_dup(raw[C_AREA]);
    u->contact = d25_trim_dup(raw[C_CONTACT]);
    u->phone = d25_trim_dup(raw[C_PHONE]);
    if (!u->code || !u->name || !u->area || !u->contact || !u->phone)
        return -2;
    const char *who = u->name[0] ? u->name : u->code;
    for (int c = 0; c < C_COUNT_; c++)
        if (cell_type(row, colidx[c]) == 'e') {
            char msg[160];
            snprintf(msg, sizeof msg, "是错误值 %s：请改正公式或填写实际内容", raw[c]);
            return row_fail(err, t, row, colidx[c], who, msg);
        }
    if (!u->code[0])
        return row_fail(err, t, row, colidx[C_CODE], who,
                        "单位代码为空（不是单位的行，如标题、合计、说明，请删除，或让该行第一格以 # 开头）");
    /* A number cell keeps 15 significant digits: a longer code, a decimal
     * or an exponent is no longer the code that was typed. */
    if ((cell_type(row, colidx[C_CODE]) == 'n' && (strpbrk(u->code, ".eE") || strlen(u->code) > 15)) ||
        scientific(u->code)) {
        char msg[300];
        snprintf(msg, sizeof msg,
                 "单位代码“%s”是被 Excel 当作数字改写过的代码（小数、科学计数法或超过 15 位），原来的代码可能已经丢失："
                 "请把代码列设为“文本”格式后重新填写代码",
                 u->code);
        return row_fail(err, t, row, colidx[C_CODE], who, msg);
    }
    if (!u->name[0])
        return row_fail(err, t, row, colidx[C_NAME], who,
                        "单位名称为空（不是单位的行，如标题、合计、说明，请删除，或让该行第一格以 # 开头）");
    char *type = d25_trim_dup(raw[C_TYPE]);
    if (!type)
        return -2;
    for (size_t k = 0; k < ntypes && !u->type; k++)
        if (strcmp(type, type_keys[k]) == 0 || strcmp(type, type_labels[k]) == 0)
            if (!(u->type = strdup(type_keys[k]))) {
                free(type);
                return -2;
            }
    /* No [types] in the rule set: any type is taken as written. */
    if (!ntypes && type[0] && !(u->type = strdup(type))) {
        free(type);
        return -2;
    }
    free(type);
    if (!u->type) {
        d25_buf b = {0};
        int oom = d25_buf_puts(&b, "单位类型应为 ");
        for (size_t k = 0; k < ntypes; k++)
            oom |= (k ? d25_buf_puts(&b, " / ") : 0) | d25_buf_puts(&b, type_keys[k]);
        oom |= d25_buf_puts(&b, "（或 ");
        for (size_t k = 0; k < ntypes; k++)
            oom |= (k ? d25_buf_puts(&b, " / ") : 0) | d25_buf_puts(&b, type_labels[k]);
        oom |= d25_buf_puts(&b, "；见规则文件 [types]）");
        int rc = oom < 0 ? -2 : row_fail(err, t, row, colidx[C_TYPE], who, d25_buf_cstr(&b));
        d25_buf_free(&b);
        return rc;
    }
    if (!u->area[0])
        return row_fail(err, t, row, colidx[C_AREA], who, "所属板块为空");
    static const struct {
        int col;
        const char *what;
    } dates[] = {{C_FROM, "启用时间"}, {C_UNTIL, "停用时间"}};
    for (size_t k = 0; k < 2; k++) {
        int col = dates[k].col, idx = colidx[col];
        char *v = d25_trim_dup(raw[col]);
        if (!v)
            return -2;
        char msg[300];
        int rc = v[0] ? cell_period(v, cell_type(row, idx), t->date1904, dates[k].what, col == C_FROM ? &u->from : &u->until,
                                    msg, sizeof msg)
                      : 0;
        free(v);
        if (rc < 0)
            return row_fail(err, t, row, idx, who, msg);
    }
    if (u->from > u->until)
        return row_fail(err, t, row, colidx[C_UNTIL], who, "启用时间晚于停用时间");
    char **flags = NULL;
    size_t nflags = 0;
    int rc = 0;
    if (split_list(raw[C_ALIASES], &u->aliases, &u->naliases) < 0 || split_list(raw[C_FLAGS], &flags, &nflags) < 0)
        rc = -2;
    /* each flag by its code or label (the code is kept); no [flags]: as written */
    for (size_t i = 0; i < nflags && rc == 0 && nflags_known; i++) {
        size_t k = 0;
        while (k < nflags_known && strcmp(flags[i], flag_keys[k]) != 0 && strcmp(flags[i], flag_labels[k]) != 0)
            k++;
        if (k < nflags_known) {
            char *code = strdup(flag_keys[k]);
            if (!code) {
                rc = -2;
                break;
            }
            free(flags[i]);
            flags[i] = code;
            continue;
        }
        d25_buf b = {0};
        int oom = d25_buf_puts(&b, "标志“") | d25_buf_puts(&b, flags[i]) | d25_buf_puts(&b, "”不认识，应为 ");
        for (size_t j = 0; j < nflags_known; j++)
            oom |= (j ? d25_buf_puts(&b, "、") : 0) | d25_buf_puts(&b, flag_keys[j]) | d25_buf_puts(&b, "（") |
                   d25_buf_puts(&b, flag_labels[j]) | d25_buf_puts(&b, "）");
        oom |= d25_buf_puts(&b, "，多个用分号隔开；见规则文件 [flags]");
        rc = oom < 0 ? -2 : row_fail(err, t, row, colidx[C_FLAGS], who, d25_buf_cstr(&b));
        d25_buf_free(&b);
    }
    if (rc == -1) {
        for (size_t i = 0; i < nflags; i++)
            free(flags[i]);
        free(flags);
        return -1;
    }
    d25_buf fb = {0};
    for (size_t i = 0; i < nflags && rc == 0; i++)
        if ((i && d25_buf_putc(&fb, '|') < 0) || d25_buf_puts(&fb, flags[i]) < 0)
            rc = -2;
    d25_buf_cstr(&fb);
    u->flags = d25_buf_steal(&fb);
    for (size_t i = 0; i < nflags; i++)
        free(flags[i]);
    free(flags);
    if (rc < 0 || !u->flags)
        return -2;
    u->keys = calloc(u->naliases + 1, sizeof *u->keys);
    if (!u->keys)
        return -2;
    u->keys[u->nkeys++] = d25_fold_key(u->name);
    for (size_t i = 0; i < u->naliases; i++)
        u->keys[u->nkeys++] = d25_fold_key(u->aliases[i]);
    for (size_t i = 0; i < u->nkeys; i++)
        if (!u->keys[i])
            return -2;
    return 0;
}

/* A row that holds no unit: only blanks, or a first cell starting with "#"
 * (a comment). */
static bool skipped_row(const d25_regrow *row)
{
    if (row->ncells && row->cells[0] && row->cells[0][0] == '#' && !(row->types && row->types[0] == 'e'))
        return true; /* a comment; a worksheet's error value (#N/A) is none */
    for (size_t i = 0; i < row->ncells; i++) {
        char *v = row->cells[i] ? d25_trim_dup(row->cells[i]) : NULL;
        bool empty = !v || !v[0];
        free(v);
        if (!empty)
            return false;
    }
    return true;
}

/* The units of t; each row's cells are freed once its unit is made (the
 * registry of a large district is not held twice). */
static d25_registry *from_table(const char *path, d25_regtable *t, d25_error *err)
{
    d25_registry *reg = calloc(1, sizeof *reg);
    if (!reg || !(reg->path = strdup(path)) || (t->sheet_name && !(reg->sheet = strdup(t->sheet_name))))
        goto oom;
    reg->encoding = t->encoding;
    reg->bom = t->bom;
    if (t->n == 0) {
        d25_fail(err, D25_E_CONFIG, "单位名册 %s是空的：第一行应是列名（代码、单位名称、类型、板块……）", t->where);
        goto fail;
    }
    /* The header: the first row naming every required column (a title may
     * stand above it); else the first row is taken as the header. */
    int colidx[C_COUNT_];
    size_t h = 0;
    for (size_t r = 0; r < t->n && r < HEADER_SEARCH_ROWS; r++) {
        if (header_columns(&t->rows[r], colidx) < 0)
            goto oom;
        if (missing_column(colidx) < 0) {
            h = r;
            break;
        }
    }
    if (missing_column(colidx) >= 0) {
        if (header_columns(&t->rows[0], colidx) < 0)
            goto oom;
        int c = missing_column(colidx);
        d25_fail(err, D25_E_CONFIG, "单位名册 %s第 %d 行：缺少“%s”（%s）列", t->where, t->rows[0].line, columns[c].zh,
                 columns[c].en);
        goto fail;
    }
    size_t ucap = 0;
    for (size_t r = h + 1; r < t->n; r++) {
        d25_regrow *row = &t->rows[r];
        if (skipped_row(row))
            continue;
        if (d25_grow((void **)&reg->units, &ucap, reg->n + 1, sizeof *reg->units) < 0)
            goto oom;
        d25_unit *u = &reg->units[reg->n++];
        memset(u, 0, sizeof *u);
        int rc = make_unit(t, row, colidx, u, err);
        if (rc == -2)
            goto oom;
        if (rc < 0)
            goto fail;
        d25_regrow_release(row);
    }
    if (build_index(reg, t->where, err) < 0)
        goto fail;
    return reg;
oom:
    d25_fail(err, D25_E_NOMEM, "内存不足");
fail:
    d25_registry_free(reg);
    return NULL;
}

d25_registry *d25_registry_adopt(const char *path, d25_unit *units, size_t n, d25_error *err)
{
    d25_registry *reg = calloc(1, sizeof *reg);
    if (!reg || !(reg->path = strdup(path))) {
        free(reg);
        for (size_t i = 0; i < n; i++)
            unit_free(&units[i]);
        free(units);
        d25_fail(err, D25_E_NOMEM, "内存不足");
        return NULL;
    }
    reg->encoding = "SQLite";
    reg->units = units;
    reg->n = n;
    if (build_index(reg, path, err) < 0) {
        d25_registry_free(reg);
        return NULL;
    }
    return reg;
}

d25_registry *d25_registry_load(const char *path, d25_error *err)
{
    d25_regtable t = {0};
    d25_registry *reg = d25_regtable_read(path, 64u << 20, &t, err) < 0 ? NULL : from_table(path, &t, err);
    d25_regtable_free(&t);
    return reg;
}

const d25_unit *d25_registry_by_code(const d25_registry *reg, const char *code)
{
    size_t lo = 0, hi = reg->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(reg->units[reg->by_code[mid]].code, code);
        if (c == 0)
            return &reg->units[reg->by_code[mid]];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const d25_unit *d25_registry_find(const d25_registry *reg, const char *text)
{
    char *k = d25_fold_key(text);
    if (!k || !*k) {
        free(k);
        return NULL;
    }
    size_t klen = strlen(k);
    const d25_unit_key *exact = key_find(reg, k, klen);
    if (exact) {
        free(k);
        return &reg->units[exact->unit];
    }
    /* The longest key contained in the text (first unit on a tie): every
     * substring that starts and ends on a character boundary. */
    size_t blen = 0, bunit = 0;
    for (size_t i = 0; i < klen; i++) {
        if (((unsigned char)k[i] & 0xC0) == 0x80)
            continue;
        for (size_t j = i + 1; j <= klen; j++) {
            if (j < klen && ((unsigned char)k[j] & 0xC0) == 0x80)
                continue;
            size_t len = j - i;
            if (len < blen)
                continue;
            const d25_unit_key *f = key_find(reg, k + i, len);
            if (f && (len > blen || f->unit < bunit)) {
                blen = len;
                bunit = f->unit;
            }
        }
    }
    free(k);
    return blen ? &reg->units[bunit] : NULL;
}

size_t d25_registry_suggest(const d25_registry *reg, const char *text, const d25_unit **out, size_t max)
{
    char *k = d25_fold_key(text);
    if (!k)
        return 0;
    double score[8];
    size_t n = 0;
    if (max > 8)
        max = 8;
    for (size_t i = 0; i < reg->n && *k; i++) {
        double s = 0;
        for (size_t j = 0; j < reg->units[i].nkeys; j++) {
            double t = d25_text_similarity(k, reg->units[i].keys[j]);
            if (t > s)
                s = t;
        }
        if (s < 0.4)
            continue;
        size_t pos = n < max ? n : max;
        while (pos > 0 && score[pos - 1] < s)
            pos--;
        if (pos >= max)
            continue;
        size_t last = n < max ? n : max - 1;
        for (size_t m = last; m > pos; m--) {
            score[m] = score[m - 1];
            out[m] = out[m - 1];
        }
        score[pos] = s;
        out[pos] = &reg->units[i];
        if (n < max)
            n++;
    }
    free(k);
    return n;
}

bool d25_unit_active(const d25_unit *u, int period)
{
    return period >= u->from && period <= u->until;
}
