/* units: the unit registry from CSV (see units.h). */
#include "units.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"
#include "../util/fold.h"
#include "../util/text.h"

static const struct {
    const char *type, *label;
} types[] = {
    {"school", "学校"},
    {"kindergarten", "幼儿园"},
    {"training", "校外培训机构"},
    {"school_bus", "校车服务提供者"},
};

const char *d25_unit_type_label(const char *type)
{
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(types[i].type, type) == 0)
            return types[i].label;
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

/* One CSV record: fields into out (malloc'd strings), returns count, 0 at
 * end of file, -1 on error (unterminated quote / out of memory). */
static int csv_record(const char **pp, const char *end, char ***out, size_t *cap, int *line)
{
    const char *p = *pp;
    if (p >= end)
        return 0;
    int n = 0;
    d25_buf f = {0};
    for (;;) {
        d25_buf_clear(&f);
        if (p < end && *p == '"') {
            p++;
            for (;;) {
                if (p >= end) {
                    d25_buf_free(&f);
                    return -1;
                }
                if (*p == '"') {
                    if (p + 1 < end && p[1] == '"') {
                        d25_buf_putc(&f, '"');
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                if (*p == '\n')
                    (*line)++;
                if (d25_buf_putc(&f, *p++) < 0) {
                    d25_buf_free(&f);
                    return -1;
                }
            }
            while (p < end && *p != ',' && *p != '\n' && *p != '\r')
                p++; /* junk after the closing quote is ignored */
        } else {
            const char *s = p;
            while (p < end && *p != ',' && *p != '\n' && *p != '\r')
                p++;
            if (d25_buf_append(&f, s, (size_t)(p - s)) < 0) {
                d25_buf_free(&f);
                return -1;
            }
        }
        if (d25_grow((void **)out, cap, (size_t)n + 1, sizeof **out) < 0) {
            d25_buf_free(&f);
            return -1;
        }
        (*out)[n++] = strdup(d25_buf_cstr(&f));
        if (!(*out)[n - 1]) {
            d25_buf_free(&f);
            return -1;
        }
        if (p < end && *p == ',') {
            p++;
            continue;
        }
        if (p < end && *p == '\r')
            p++;
        if (p < end && *p == '\n')
            p++;
        (*line)++;
        break;
    }
    d25_buf_free(&f);
    *pp = p;
    return n;
}

/* "2026-09", "2026-09-01", "2026/9" -> year*12 + month-1; -1 invalid. */
static int parse_period(const char *s)
{
    int y, m;
    char sep;
    if (sscanf(s, "%d%c%d", &y, &sep, &m) != 3 || (sep != '-' && sep != '/' && sep != '.') || y < 1900 || y > 9999 ||
        m < 1 || m > 12)
        return -1;
    return y * 12 + m - 1;
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
    free(reg);
}

static void free_fields(char **f, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(f[i]);
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
static int build_index(d25_registry *reg, d25_error *err)
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
            return d25_fail(err, D25_E_CONFIG, "单位名册 %s 第 %d 行：单位代码 %s 与第 %d 行重复", reg->path, b->line,
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
            return d25_fail(err, D25_E_CONFIG, "单位名册 %s 第 %d 行：名称或别名“%s”与第 %d 行的单位重复", reg->path,
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

d25_registry *d25_registry_load(const char *path, d25_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        d25_fail(err, D25_E_CONFIG, "单位名册 %s 无法打开：%s", path, strerror(errno));
        return NULL;
    }
    d25_buf data = {0};
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, fp)) > 0) {
        if (data.len + got > (64u << 20) || d25_buf_append(&data, chunk, got) < 0) {
            fclose(fp);
            d25_buf_free(&data);
            d25_fail(err, D25_E_CONFIG, "单位名册 %s 过大或内存不足", path);
            return NULL;
        }
    }
    fclose(fp);
    d25_registry *reg = calloc(1, sizeof *reg);
    char **fields = NULL;
    size_t fcap = 0, ucap = 0;
    int colidx[C_COUNT_];
    for (int c = 0; c < C_COUNT_; c++)
        colidx[c] = -1;
    if (!reg || !(reg->path = strdup(path)))
        goto oom;
    const char *p = d25_buf_cstr(&data), *end = p + data.len;
    if (data.len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    if (data.len >= 2 && ((unsigned char)p[0] == 0xFF || (unsigned char)p[0] == 0xFE)) {
        d25_fail(err, D25_E_CONFIG, "单位名册 %s 是 UTF-16 编码：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”", path);
        goto fail;
    }
    int line = 1;
    int n = csv_record(&p, end, &fields, &fcap, &line);
    if (n <= 0) {
        d25_fail(err, D25_E_CONFIG, "单位名册 %s 是空文件或首行无法读取", path);
        goto fail;
    }
    for (int i = 0; i < n; i++) {
        char *h = d25_fold(fields[i]);
        if (!h)
            goto oom;
        for (int c = 0; c < C_COUNT_; c++) {
            /* folding drops "_": compare folded names with folded names */
            char *en = d25_fold(columns[c].en);
            if (!en) {
                free(h);
                goto oom;
            }
            if (strcmp(h, en) == 0 || strcmp(h, columns[c].zh) == 0 || strcmp(h, columns[c].zh2) == 0)
                colidx[c] = i;
            free(en);
        }
        free(h);
    }
    free_fields(fields, (size_t)n);
    static const int required[] = {C_CODE, C_NAME, C_TYPE, C_AREA};
    for (size_t k = 0; k < sizeof required / sizeof required[0]; k++)
        if (colidx[required[k]] < 0) {
            d25_fail(err, D25_E_CONFIG, "单位名册 %s 第 1 行：缺少“%s”（%s）列", path, columns[required[k]].zh,
                     columns[required[k]].en);
            goto fail;
        }
    for (;;) {
        int rec_line = line;
        n = csv_record(&p, end, &fields, &fcap, &line);
        if (n == 0)
            break;
        if (n < 0) {
            d25_fail(err, D25_E_CONFIG, "单位名册 %s 第 %d 行：引号没有闭合", path, rec_line);
            goto fail;
        }
        bool blank = true;
        for (int i = 0; i < n; i++)
            if (fields[i][0])
                blank = false;
        if (blank || fields[0][0] == '#') {
            free_fields(fields, (size_t)n);
            continue;
        }
        if (d25_grow((void **)&reg->units, &ucap, reg->n + 1, sizeof *reg->units) < 0) {
            free_fields(fields, (size_t)n);
            goto oom;
        }
        d25_unit *u = &reg->units[reg->n++];
        memset(u, 0, sizeof *u);
        u->line = rec_line;
        char *v[C_COUNT_];
        for (int c = 0; c < C_COUNT_; c++)
            v[c] = d25_trim_dup(colidx[c] >= 0 && colidx[c] < n ? fields[colidx[c]] : "");
        free_fields(fields, (size_t)n);
        u->code = v[C_CODE];
        u->name = v[C_NAME];
        u->area = v[C_AREA];
        u->contact = v[C_CONTACT];
        u->phone = v[C_PHONE];
        int rc = 0;
        for (int c = 0; c < C_COUNT_; c++)
            if (!v[c])
                rc = -1;
        if (rc == 0) {
            u->type = NULL;
            for (size_t t = 0; t < sizeof types / sizeof types[0]; t++)
                if (strcmp(v[C_TYPE], types[t].type) == 0 || strcmp(v[C_TYPE], types[t].label) == 0)
                    u->type = strdup(types[t].type);
        }
        char **flags = NULL;
        size_t nflags = 0;
        if (rc == 0 && (split_list(v[C_ALIASES], &u->aliases, &u->naliases) < 0 || split_list(v[C_FLAGS], &flags, &nflags) < 0))
            rc = -1;
        if (rc == 0) {
            d25_buf fb = {0};
            for (size_t i = 0; i < nflags; i++)
                if ((i && d25_buf_putc(&fb, '|') < 0) || d25_buf_puts(&fb, flags[i]) < 0)
                    rc = -1;
            d25_buf_cstr(&fb);
            u->flags = d25_buf_steal(&fb);
            if (!u->flags)
                rc = -1;
        }
        for (size_t i = 0; i < nflags; i++)
            free(flags[i]);
        free(flags);
        const char *bad_msg = NULL;
        if (rc == 0) {
            u->from = 0;
            u->until = INT_MAX;
            if (!u->code[0])
                bad_msg = "单位代码为空";
            else if (!u->name[0])
                bad_msg = "单位名称为空";
            else if (!u->type)
                bad_msg = "单位类型应为 school / kindergarten / training / school_bus（或 学校 / 幼儿园 / 校外培训机构 / 校车服务提供者）";
            else if (!u->area[0])
                bad_msg = "所属板块为空";
            else if (v[C_FROM][0] && (u->from = parse_period(v[C_FROM])) < 0)
                bad_msg = "启用时间应写作 YYYY-MM 或 YYYY-MM-DD";
            else if (v[C_UNTIL][0] && (u->until = parse_period(v[C_UNTIL])) < 0)
                bad_msg = "停用时间应写作 YYYY-MM 或 YYYY-MM-DD";
            else if (u->from > u->until)
                bad_msg = "启用时间晚于停用时间";
        }
        free(v[C_TYPE]);
        free(v[C_ALIASES]);
        free(v[C_FLAGS]);
        free(v[C_FROM]);
        free(v[C_UNTIL]);
        if (rc < 0)
            goto oom;
        if (bad_msg) {
            d25_fail(err, D25_E_CONFIG, "单位名册 %s 第 %d 行（%s）：%s", path, rec_line, u->name[0] ? u->name : u->code,
                     bad_msg);
            goto fail;
        }
        u->keys = calloc(u->naliases + 1, sizeof *u->keys);
        if (!u->keys)
            goto oom;
        u->keys[u->nkeys++] = d25_fold_key(u->name);
        for (size_t i = 0; i < u->naliases; i++)
            u->keys[u->nkeys++] = d25_fold_key(u->aliases[i]);
        for (size_t i = 0; i < u->nkeys; i++)
            if (!u->keys[i])
                goto oom;
    }
    if (build_index(reg, err) < 0)
        goto fail;
    d25_buf_free(&data);
    free(fields);
    return reg;
oom:
    d25_fail(err, D25_E_NOMEM, "内存不足");
fail:
    d25_buf_free(&data);
    free(fields);
    d25_registry_free(reg);
    return NULL;
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
