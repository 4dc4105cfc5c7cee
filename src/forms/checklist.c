/* checklist: find Attachment 1 in the grids and read its rows (see forms.h). */
#include "formsint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"
#include "../util/fold.h"
#include "../util/text.h"

enum { ROLE_NONE = -1 };

/* A header cell's label has at most this many characters, folded. */
enum { HEADER_MAX_CP = 10 };

/* Role of a header cell, or ROLE_NONE.  Order matters: "监督检查情况" must
 * not be taken for a self-check column, nor "整改措施" for content. */
static int header_role(const d25_rules *r, const char *folded)
{
    static const int order[] = {D25_H_SUPERVISION, D25_H_SELF, D25_H_MEASURE, D25_H_DEADLINE, D25_H_BASIS,
                                D25_H_PENALTY, D25_H_REMARK, D25_H_CONTENT, D25_H_CATEGORY};
    if (!folded[0] || (folded[0] >= '0' && folded[0] <= '9'))
        return ROLE_NONE;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (d25_words_in(&r->headers[order[i]], folded))
            return order[i];
    return ROLE_NONE;
}

/* Role of a cell's text: a header cell is a short label, not a sentence
 * that mentions one, so a long text is not folded whole. */
static int cell_role(const d25_rules *r, const char *text)
{
    char f[4 * HEADER_MAX_CP + 1];
    return d25_fold_short(text, f, sizeof f, HEADER_MAX_CP) ? header_role(r, f) : ROLE_NONE;
}

/* Roles of the columns if row r is a header row (a self-check and a content
 * column); false otherwise. */
static bool header_row(const d25_rules *rules, const d25_grid *g, uint32_t r, int *roles)
{
    bool self = false, content = false;
    for (uint32_t c = 0; c < g->ncols; c++) {
        roles[c] = ROLE_NONE;
        /* Own text, or a span's within this row; not a merge from above. */
        const d25_gcell *x = d25_grid_at(g, r, c);
        const char *t = x->orow < 0 ? x->text : x->orow == (int)r ? d25_grid_shown(g, r, c) : "";
        /* A header cell is a few words: a long cell (a sub-item, a statute)
         * is not folded and matched at all. */
        if (strlen(t) > 160)
            continue;
        roles[c] = cell_role(rules, t);
        self |= roles[c] == D25_H_SELF;
        content |= roles[c] == D25_H_CONTENT || roles[c] == D25_H_CATEGORY;
    }
    return self && content;
}

/* Chinese or Arabic number at p followed by one of the closers; *after
 * points past the closer. */
static long numbered(const char *p, const char *const *closers, const char **after)
{
    const char *q = p;
    long n = d25_parse_cn_number(&q);
    if (n < 0)
        return -1;
    while (*q == ' ')
        q++;
    for (const char *const *c = closers; *c; c++)
        if (strncmp(q, *c, strlen(*c)) == 0) {
            *after = q + strlen(*c);
            return n;
        }
    return -1;
}

typedef struct {
    int item, sub;          /* from the text, 0 when none */
    const char *text;       /* sub-item text start (inside line) */
    bool is_sub;
} line_parse;

/* One line of a content cell: "一、…" (duty), "（一）…" (item), "1.…" or
 * "1.2 …" (sub-item), or plain text. */
static void parse_line(const char *line, int *cur_item, line_parse *lp)
{
    static const char *const duty_close[] = {"、", NULL};
    static const char *const item_close[] = {"）", ")", NULL};
    static const char *const sub_close[] = {".", "．", "、", "。", " ", NULL};
    memset(lp, 0, sizeof *lp);
    const char *p = line;
    while (*p == ' ' || *p == '\t' || strncmp(p, "\xE3\x80\x80", 3) == 0)
        p += *p == ' ' || *p == '\t' ? 1 : 3;
    const char *after;
    if (!*p)
        return;
    /* "（一）" or "(1)" item */
    if (strncmp(p, "（", 3) == 0 || *p == '(') {
        long n = numbered(p + (*p == '(' ? 1 : 3), item_close, &after);
        if (n > 0) {
            *cur_item = (int)n;
            return;
        }
    }
    /* "一、" duty (Chinese numeral, not a digit) */
    if ((unsigned char)*p >= 0x80) {
        long n = numbered(p, duty_close, &after);
        if (n > 0)
            return;
    }
    /* "N.M text": an explicit code */
    const char *q = p;
    long a = d25_parse_cn_number(&q);
    if (a > 0 && (unsigned char)*p < 0x80) {
        if ((*q == '.' || strncmp(q, "．", 3) == 0)) {
            const char *q2 = q + (*q == '.' ? 1 : 3);
            const char *q3 = q2;
            long b = (unsigned char)*q2 < 0x80 ? d25_parse_cn_number(&q3) : -1;
            if (b > 0 && (*q3 == ' ' || strncmp(q3, "\xE3\x80\x80", 3) == 0 || (unsigned char)*q3 >= 0x80)) {
                lp->item = (int)a;
                lp->sub = (int)b;
                *cur_item = (int)a;
                lp->is_sub = true;
                lp->text = q3;
                return;
            }
        }
        long m = numbered(p, sub_close, &after);
        if (m > 0) {
            lp->item = *cur_item;
            lp->sub = (int)m;
            lp->is_sub = true;
            lp->text = after;
            return;
        }
    }
    lp->is_sub = true; /* unnumbered text: a sub-item only if nothing better */
    lp->item = *cur_item;
    lp->text = p;
}

/* The first non-empty text among the columns with this role, own cells only
 * (a merge continuing from above does not repeat its text). */
static const char *role_text(const d25_grid *g, uint32_t r, const int *roles, int role, char *place, size_t pn)
{
    long first = -1; /* an empty answer is placed at the role's first column */
    for (uint32_t c = 0; c < g->ncols; c++) {
        if (roles[c] != role)
            continue;
        if (first < 0)
            first = c;
        const d25_gcell *x = d25_grid_at(g, r, c);
        if (x->orow < 0 && x->text[0]) {
            if (place)
                d25_grid_place(g, r, c, place, pn);
            return x->text;
        }
    }
    if (place && first >= 0)
        d25_grid_place(g, r, (uint32_t)first, place, pn);
    return "";
}

static bool has_role(const int *roles, uint32_t n, int role)
{
    for (uint32_t c = 0; c < n; c++)
        if (roles[c] == role)
            return true;
    return false;
}

/* Match a row's text to a sub-item of the rule set. */
static void match_row(const d25_rules *r, d25_crow *row)
{
    char *key = d25_fold_key(row->text);
    if (!key)
        return;
    const d25_subitem *cand = row->hint_item && row->hint_sub ? d25_rules_sub_at(r, row->hint_item, row->hint_sub) : NULL;
    double cs = 0;
    if (cand) {
        if (strcmp(cand->key, key) == 0) {
            row->sub = cand;
            row->similarity = 1;
            free(key);
            return;
        }
        cs = d25_text_similarity(cand->key, key);
        if (cs >= r->text_warn) {
            row->sub = cand;
            row->similarity = cs;
            free(key);
            return;
        }
    }
    const d25_subitem *best = NULL;
    double bs = 0;
    for (size_t i = 0; i < r->nsubs; i++) {
        if (strcmp(r->subs[i].key, key) == 0) {
            best = &r->subs[i];
            bs = 1;
            break;
        }
    }
    if (!best && *key)
        for (size_t i = 0; i < r->nsubs; i++) {
            double s = d25_text_similarity(r->subs[i].key, key);
            if (s > bs) {
                bs = s;
                best = &r->subs[i];
            }
        }
    if (best && bs >= r->text_warn) {
        row->sub = best;
        row->similarity = bs;
        row->by_text = best != cand;
    } else if (cand && cs >= D25_TEXT_MIN) {
        row->sub = cand; /* the unit's own wording of this numbered sub-item */
        row->similarity = cs;
    } else if (best && bs >= r->text_match) {
        row->sub = best;
        row->similarity = bs;
        row->by_text = true;
    } else {
        row->similarity = cand ? cs : bs;
    }
    free(key);
}

static int add_row(d25_checklist *cl, const d25_rules *rules, const d25_grid *g, uint32_t r, const int *roles,
                   const line_parse *lp, const char *text_place)
{
    if (d25_grow((void **)&cl->rows, &cl->cap, cl->n + 1, sizeof *cl->rows) < 0)
        return -1;
    d25_crow *row = &cl->rows[cl->n++];
    memset(row, 0, sizeof *row);
    row->hint_item = lp->item;
    row->hint_sub = lp->sub;
    d25_copy(row->place, sizeof row->place, text_place);
    row->text = d25_trim_dup(lp->text);
    row->self_raw = d25_trim_dup(role_text(g, r, roles, D25_H_SELF, row->self_place, sizeof row->self_place));
    row->supervision = d25_trim_dup(role_text(g, r, roles, D25_H_SUPERVISION, row->sup_place, sizeof row->sup_place));
    row->measure = d25_trim_dup(role_text(g, r, roles, D25_H_MEASURE, NULL, 0));
    row->deadline = d25_trim_dup(role_text(g, r, roles, D25_H_DEADLINE, row->deadline_place, sizeof row->deadline_place));
    if (!row->text || !row->self_raw || !row->supervision || !row->measure || !row->deadline)
        return -1;
    if (!row->measure[0]) {
        /* A 备注 column serves as the measure when there is no measure column. */
        free(row->measure);
        row->measure = d25_trim_dup(role_text(g, r, roles, D25_H_REMARK, NULL, 0));
        if (!row->measure)
            return -1;
    }
    row->status = d25_rules_status(rules, row->self_raw, &row->remark);
    if (!row->remark && !(row->remark = strdup("")))
        return -1;
    match_row(rules, row);
    return 0;
}

/* Read the data rows of one checklist table from row `from`. */
static int read_rows(d25_checklist *cl, const d25_rules *rules, const d25_grid *g, uint32_t from, const int *roles,
                     int *cur_item)
{
    for (uint32_t r = from; r < g->nrows; r++) {
        /* A repeated header row (a table split over pages) is skipped. */
        int tmp[256];
        if (g->ncols <= 256 && header_row(rules, g, r, tmp))
            continue;
        line_parse best = {0};
        char best_place[96] = "";
        char best_text[4096];
        bool numbered_sub = false;
        for (uint32_t c = 0; c < g->ncols; c++) {
            if (roles[c] != D25_H_CONTENT && roles[c] != D25_H_CATEGORY)
                continue;
            const d25_gcell *x = d25_grid_at(g, r, c);
            if (x->orow >= 0 || !x->text[0])
                continue;
            /* A cell may hold several lines: "（一）…\n1.…". */
            char *copy = strdup(x->text);
            if (!copy)
                return -1;
            char *save = NULL;
            bool after_sub = false; /* the previous line of this cell was a sub-item */
            for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                line_parse lp;
                parse_line(line, cur_item, &lp);
                if (!lp.is_sub || !lp.text || !lp.text[0]) {
                    after_sub = false;
                    continue;
                }
                bool num = lp.sub > 0;
                if (!num && after_sub && best.text) {
                    /* a line break inside the sub-item's text: join it */
                    size_t l = strlen(best_text);
                    d25_copy(best_text + l, sizeof best_text - l, lp.text);
                    continue;
                }
                after_sub = true;
                /* Prefer a numbered line; an unnumbered one only from a
                 * content column (the category column names duties and items). */
                if (!num && (numbered_sub || roles[c] == D25_H_CATEGORY))
                    continue;
                best = lp;
                numbered_sub = num;
                d25_grid_place(g, r, c, best_place, sizeof best_place);
                d25_copy(best_text, sizeof best_text, lp.text);
                best.text = best_text;
            }
            free(copy);
        }
        if (!best.text)
            continue;
        if (add_row(cl, rules, g, r, roles, &best, best_place) < 0)
            return -1;
    }
    return 0;
}

int d25_checklist_read(const d25_grids *gs, const d25_rules *rules, d25_checklist *cl)
{
    int *prev_roles = NULL;
    uint32_t prev_cols = 0;
    int cur_item = 0;
    for (size_t i = 0; i < gs->n; i++) {
        const d25_grid *g = &gs->v[i];
        int *roles = calloc(g->ncols + 1, sizeof *roles);
        if (!roles) {
            free(prev_roles);
            return -1;
        }
        uint32_t hr;
        bool found = false;
        for (hr = 0; hr < g->nrows && hr < 30; hr++)
            if (header_row(rules, g, hr, roles)) {
                found = true;
                break;
            }
        uint32_t from = hr + 1;
        if (found && from < g->nrows) {
            /* A second header row may split the self-check column into
             * 落实情况 / 整改措施 / 整改时限. */
            bool sub_header = false;
            int sub_roles[256];
            for (uint32_t c = 0; c < g->ncols && c < 256; c++) {
                sub_roles[c] = cell_role(rules, d25_grid_shown(g, from, c));
                if (sub_roles[c] == D25_H_MEASURE || sub_roles[c] == D25_H_DEADLINE || sub_roles[c] == D25_H_REMARK)
                    sub_header = true;
            }
            if (sub_header) {
                for (uint32_t c = 0; c < g->ncols && c < 256; c++)
                    if (sub_roles[c] != ROLE_NONE && roles[c] == D25_H_SELF)
                        roles[c] = sub_roles[c] == D25_H_SELF || sub_roles[c] == D25_H_CONTENT ? D25_H_SELF : sub_roles[c];
                from++;
            }
        } else if (!found && prev_roles && g->ncols == prev_cols && !g->sheet) {
            /* A Word table split in two without a repeated header. */
            memcpy(roles, prev_roles, g->ncols * sizeof *roles);
            found = true;
            from = 0;
        }
        if (!found) {
            free(roles);
            continue;
        }
        if (!cl->found) {
            cl->found = true;
            d25_copy(cl->where, sizeof cl->where, g->name);
        }
        cl->has_measure |= has_role(roles, g->ncols, D25_H_MEASURE);
        cl->has_deadline |= has_role(roles, g->ncols, D25_H_DEADLINE);
        cl->has_remark |= has_role(roles, g->ncols, D25_H_REMARK);
        if (read_rows(cl, rules, g, from, roles, &cur_item) < 0) {
            free(roles);
            free(prev_roles);
            return -1;
        }
        free(prev_roles);
        prev_roles = roles;
        prev_cols = g->ncols;
    }
    free(prev_roles);
    return 0;
}

void d25_checklist_free(d25_checklist *cl)
{
    for (size_t i = 0; i < cl->n; i++) {
        d25_crow *r = &cl->rows[i];
        free(r->text);
        free(r->self_raw);
        free(r->remark);
        free(r->supervision);
        free(r->measure);
        free(r->deadline);
    }
    free(cl->rows);
    memset(cl, 0, sizeof *cl);
}
