/* edition: an edition's words, unit types and flags (see edition.h). */
#include "edition.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const word_keys[D25_EW_COUNT_] = {
    "unit_word", "issuer", "issuer_short", "system", "scope", "checklist_heading", "progress_heading",
    "self_check_header", "key_units", "key_note", "enforcement_due",
};

static int bad(const char *path, const char *sec, const char *key, const char *what, d25_error *err)
{
    return d25_fail(err, D25_E_CONFIG, "规则文件 %s 第 %d 行：[%s] %s：%s", path, d25_ini_line(path, sec, key), sec,
                    key, what);
}

static const char *get(dictionary *d, const char *sec, const char *key)
{
    char full[256];
    snprintf(full, sizeof full, "%s:%s", sec, key);
    return iniparser_getstring(d, full, NULL);
}

/* A section of key = label lines, in file order. */
static int read_labels(dictionary *d, const char *path, const char *sec, d25_label **out, size_t *n,
                       d25_error *err)
{
    int nk;
    const char **keys = d25_ini_keys(d, sec, &nk);
    if (!keys)
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    *out = nk ? calloc((size_t)nk, sizeof **out) : NULL;
    if (nk && !*out) {
        free(keys);
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    }
    int rc = 0;
    for (int i = 0; i < nk && rc == 0; i++) {
        const char *v = get(d, sec, keys[i]);
        if (!v || !*v) {
            rc = bad(path, sec, keys[i], "名称为空", err);
            break;
        }
        for (const char *c = keys[i]; *c && rc == 0; c++)
            if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
                rc = bad(path, sec, keys[i], "代码只能用小写英文字母、数字和下划线（如 school_bus）", err);
        if (rc)
            break;
        d25_label *l = &(*out)[(*n)++];
        if (!(l->key = strdup(keys[i])) || !(l->label = strdup(v)))
            rc = d25_fail(err, D25_E_NOMEM, "内存不足");
    }
    free(keys);
    return rc;
}

int d25_edition_load(dictionary *d, const char *path, d25_rules *r, d25_error *err)
{
    /* Defaults for a rule file written before these keys: plain words, no
     * edition's own. */
    char defaults[D25_EW_COUNT_][160] = {{0}};
    snprintf(defaults[D25_EW_ISSUER], sizeof defaults[0], "主管部门");
    snprintf(defaults[D25_EW_ISSUER_SHORT], sizeof defaults[0], "主管部门");
    snprintf(defaults[D25_EW_SCOPE], sizeof defaults[0], "全区");
    snprintf(defaults[D25_EW_CHECKLIST], sizeof defaults[0], "六大责任25条内容清单");
    snprintf(defaults[D25_EW_PROGRESS], sizeof defaults[0], "推进情况统计表");
    snprintf(defaults[D25_EW_SELF_CHECK], sizeof defaults[0], "%.60s自查情况", r->unit_word);
    snprintf(defaults[D25_EW_KEY_UNITS], sizeof defaults[0], "重点监管%.60s", r->unit_word);
    for (int i = 0; i < D25_EW_COUNT_; i++) {
        if (i == D25_EW_UNIT_WORD)
            continue;
        const char *v = get(d, "edition", word_keys[i]);
        if (!(r->words[i] = strdup(v && *v ? v : defaults[i])))
            return d25_fail(err, D25_E_NOMEM, "内存不足");
    }
    const char *kf = get(d, "edition", "key_flags");
    if (!(r->key_flags = strdup(kf ? kf : "")))
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    if (read_labels(d, path, "types", &r->types, &r->ntypes, err) < 0 ||
        read_labels(d, path, "flags", &r->flags, &r->nflags, err) < 0)
        return -1;
    r->type_keys = calloc(r->ntypes + 1, sizeof *r->type_keys);
    r->type_labels = calloc(r->ntypes + 1, sizeof *r->type_labels);
    if (!r->type_keys || !r->type_labels)
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    for (size_t i = 0; i < r->ntypes; i++) {
        r->type_keys[i] = r->types[i].key;
        r->type_labels[i] = r->types[i].label;
    }
    r->flag_keys = calloc(r->nflags + 1, sizeof *r->flag_keys);
    r->flag_labels = calloc(r->nflags + 1, sizeof *r->flag_labels);
    if (!r->flag_keys || !r->flag_labels)
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    for (size_t i = 0; i < r->nflags; i++) {
        r->flag_keys[i] = r->flags[i].key;
        r->flag_labels[i] = r->flags[i].label;
    }
    for (const char *p = r->key_flags; *p;) {
        size_t n = strcspn(p, "|");
        bool known = r->nflags == 0;
        for (size_t k = 0; k < r->nflags && !known; k++)
            known = strlen(r->flags[k].key) == n && strncmp(r->flags[k].key, p, n) == 0;
        if (!known)
            return bad(path, "edition", "key_flags", "其中的标志没有写在 [flags] 中", err);
        p += n;
        if (*p == '|')
            p++;
    }
    const char *hz = get(d, "progress", "hazards");
    const char *bar = hz ? strchr(hz, '|') : NULL;
    if (hz && (!bar || bar == hz || !bar[1] || strchr(bar + 1, '|')))
        return bad(path, "progress", "hazards", "应写作 发现隐患的空格|已整改的空格（如 hazards_found|hazards_rectified）",
                   err);
    r->hazards_found = hz ? strndup(hz, (size_t)(bar - hz)) : strdup("hazards_found");
    r->hazards_fixed = strdup(hz ? bar + 1 : "hazards_rectified");
    if (!r->hazards_found || !r->hazards_fixed)
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    return 0;
}

void d25_edition_free(d25_rules *r)
{
    for (int i = 0; i < D25_EW_COUNT_; i++)
        if (i != D25_EW_UNIT_WORD)
            free(r->words[i]);
    for (size_t i = 0; i < r->ntypes; i++) {
        free(r->types[i].key);
        free(r->types[i].label);
    }
    for (size_t i = 0; i < r->nflags; i++) {
        free(r->flags[i].key);
        free(r->flags[i].label);
    }
    free(r->types);
    free(r->flags);
    free(r->type_keys);
    free(r->type_labels);
    free(r->flag_keys);
    free(r->flag_labels);
    free(r->key_flags);
    free(r->hazards_found);
    free(r->hazards_fixed);
}

static const char *label_of(const d25_label *v, size_t n, const char *key)
{
    for (size_t i = 0; key && i < n; i++)
        if (strcmp(v[i].key, key) == 0)
            return v[i].label;
    return key;
}

const char *d25_rules_type_label(const d25_rules *r, const char *type)
{
    return label_of(r->types, r->ntypes, type);
}

const char *d25_rules_flag_label(const d25_rules *r, const char *flag)
{
    return label_of(r->flags, r->nflags, flag);
}

bool d25_rules_key_unit(const d25_rules *r, const char *flags)
{
    if (!flags || !*flags || !r->key_flags[0])
        return false;
    /* key_flags is "a|b"; a unit's flags are "x;y" (or "x|y"). */
    for (const char *p = r->key_flags; *p;) {
        size_t n = strcspn(p, "|");
        for (const char *f = flags; *f;) {
            size_t m = strcspn(f, ";|");
            if (m == n && strncmp(f, p, n) == 0)
                return true;
            f += m;
            if (*f)
                f++;
        }
        p += n;
        if (*p == '|')
            p++;
    }
    return false;
}

const char *d25_rules_word(const d25_rules *r, size_t i, const char **key)
{
    if (i >= D25_EW_COUNT_)
        return NULL;
    *key = word_keys[i];
    return r->words[i];
}

bool d25_rules_key_sub(const d25_rules *r, const d25_subitem *sub)
{
    /* Applies by a key flag and only by flags: its key_flags, read as a
     * unit's flags, make it apply while no type is given. */
    return sub->applies && *sub->applies && strcmp(sub->applies, "all") != 0 && r->key_flags && r->key_flags[0] &&
           d25_applies(sub->applies, NULL, r->key_flags);
}
