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

/* What each column of a checklist table holds. */
typedef struct {
    uint32_t n;
    int *roles;          /* D25_H_* or ROLE_NONE */
    d25_status *pos;     /* a status sub-column: the status its header names */
    const char **word;   /* that header as written */
    bool positional;     /* the table has status sub-columns */
} layout;

static int layout_init(layout *L, uint32_t n)
{
    memset(L, 0, sizeof *L);
    L->n = n;
    L->roles = calloc(n + 1, sizeof *L->roles);
    L->pos = calloc(n + 1, sizeof *L->pos);
    L->word = calloc(n + 1, sizeof *L->word);
    return L->roles && L->pos && L->word ? 0 : -1;
}

static void layout_free(layout *L)
{
    free(L->roles);
    free(L->pos);
    free(L->word);
    memset(L, 0, sizeof *L);
}

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

/* How one status sub-column's cell reads. */
enum { CELL_EMPTY, CELL_YES, CELL_NO, CELL_BLANK, CELL_DASH, CELL_TEXT };

/* The longest status sub-column header that folded f starts with: its
 * column, or -1; *len its byte length. */
static long header_prefix(const layout *L, const char *f, size_t *len)
{
    long best = -1;
    *len = 0;
    for (uint32_t c = 0; c < L->n; c++) {
        if (L->pos[c] == D25_ST_NONE)
            continue;
        char w[4 * HEADER_MAX_CP + 1];
        if (!d25_fold_short(L->word[c], w, sizeof w, HEADER_MAX_CP) || !w[0])
            continue;
        size_t l = strlen(w);
        if (l > *len && strncmp(f, w, l) == 0) {
            best = c;
            *len = l;
        }
    }
    return best;
}

/* Classify the text of the status sub-column c: a mark choosing it (its
 * own header word counts), one saying "not this one", an unchosen box, or
 * text that is none of these (another column's word among them).  *rest
 * is the byte offset in the folded text f where a remark after a choosing
 * mark begins. */
static int classify_cell(const d25_rules *rules, const layout *L, uint32_t c, const char *f, size_t *rest)
{
    size_t hl, ml;
    long h = header_prefix(L, f, &hl);
    *rest = 0;
    if (!f[0])
        return CELL_EMPTY;
    if (h >= 0 && (uint32_t)h != c && L->pos[h] != L->pos[c])
        return CELL_TEXT;
    if (h >= 0) {
        *rest = hl;
        return CELL_YES;
    }
    int m = d25_rules_mark(rules, f, &ml);
    if (m < 0) {
        /* "/" or 不适用 (the rule set's words for it) and nothing more */
        char *rem = NULL;
        bool na = d25_rules_status(rules, f, &rem) == D25_ST_NA && rem && !rem[0];
        free(rem);
        return na ? CELL_DASH : CELL_TEXT;
    }
    const char *after = f + ml;
    /* "☑已落实" under 已落实; "√ 见台账": a remark. */
    size_t hl2;
    long h2 = header_prefix(L, after, &hl2);
    if (h2 >= 0 && L->pos[h2] != L->pos[c])
        return CELL_TEXT;
    if (h2 >= 0)
        after += hl2;
    if (m == D25_MARK_YES) {
        *rest = (size_t)(after - f);
        return CELL_YES;
    }
    while (*after && (unsigned char)*after < 0x80 && !((*after >= '0' && *after <= '9') || (*after >= 'a' && *after <= 'z')))
        after++;
    if (*after)
        return CELL_TEXT; /* "× 见说明": a remark in a column not chosen */
    return m == D25_MARK_NO ? CELL_NO : CELL_BLANK;
}

static void add_col_word(char *out, size_t n, const char *word)
{
    size_t l = strlen(out);
    if (!strstr(out, word))
        snprintf(out + l, n - l, "“%s”", word);
}

/* A row of a table with status sub-columns: the status of the one column
 * marked (see d25_marks_issue for the rest). */
static int read_positional(const d25_rules *rules, const d25_grid *g, uint32_t r, const layout *L, d25_crow *row)
{
    row->positional = true;
    row->status = D25_ST_NONE;
    d25_buf raw = {0};
    int yes = 0, no = 0, text = 0, dash = 0;
    long chosen = -1, first = -1;
    char yes_cols[160] = "", no_cols[160] = "", text_cols[160] = "";
    char *remark = NULL;
    int rc = 0;
    for (uint32_t c = 0; c < L->n && rc == 0; c++) {
        if (L->pos[c] == D25_ST_NONE)
            continue;
        if (first < 0)
            first = c;
        const d25_gcell *x = d25_grid_at(g, r, c);
        if (x->orow >= 0)
            continue; /* covered by a merge: its text is read where the merge starts */
        /* A cell merged across several sub-columns names none of them: read
         * it as a whole self-check cell when it covers them all. */
        uint32_t span = 1;
        while (c + span < L->n && d25_grid_at(g, r, c + span)->orow == (int)r &&
               d25_grid_at(g, r, c + span)->ocol == (int)c)
            span++;
        char *t = d25_trim_dup(x->text);
        size_t *from = NULL;
        char *f = t ? d25_fold_from(t, &from) : NULL;
        if (!f) {
            free(t);
            rc = -1;
            break;
        }
        if (f[0]) {
            if ((raw.len && d25_buf_puts(&raw, "；") < 0) || (span == 1 && (d25_buf_puts(&raw, L->word[c]) < 0 ||
                d25_buf_puts(&raw, "：") < 0)) || d25_buf_puts(&raw, t) < 0)
                rc = -1;
            int kind = CELL_TEXT;
            size_t rest = 0;
            if (span == 1) {
                kind = classify_cell(rules, L, c, f, &rest);
            } else {
                uint32_t covered = 0, total = 0;
                for (uint32_t k = 0; k < L->n; k++)
                    if (L->pos[k] != D25_ST_NONE) {
                        total++;
                        covered += k >= c && k < c + span;
                    }
                char *rem = NULL;
                d25_status st = covered == total ? d25_rules_status(rules, t, &rem) : D25_ST_NONE;
                if (st != D25_ST_NONE) {
                    row->status = st; /* the whole row's text: no mark to place */
                    free(remark);
                    remark = rem;
                    chosen = c;
                    yes++;
                    kind = CELL_EMPTY;
                } else {
                    free(rem);
                }
            }
            switch (kind) {
            case CELL_YES:
                yes++;
                chosen = c;
                row->status = L->pos[c];
                while (f[rest] && (unsigned char)f[rest] < 0x80 &&
                       !((f[rest] >= '0' && f[rest] <= '9') || (f[rest] >= 'a' && f[rest] <= 'z')))
                    rest++;
                free(remark);
                remark = d25_written(t, from, rest, strlen(f));
                if (!remark)
                    rc = -1;
                add_col_word(yes_cols, sizeof yes_cols, L->word[c]);
                break;
            case CELL_NO:
                no++;
                add_col_word(no_cols, sizeof no_cols, L->word[c]);
                break;
            case CELL_DASH:
                dash++;
                break;
            case CELL_TEXT:
                text++;
                add_col_word(text_cols, sizeof text_cols, L->word[c]);
                break;
            default:
                break;
            }
        }
        free(t);
        free(f);
        free(from);
    }
    /* "/" beside one mark says "not this one"; "/" (or 不适用) with no mark
     * and nothing else is the rule set's word for 不适用. */
    if (rc == 0 && !yes && dash && !text && !no) {
        row->status = D25_ST_NA;
        yes = 1;
        chosen = first;
    }
    row->marks = D25_MARKS_OK;
    if (yes > 1) {
        row->marks = D25_MARKS_MANY;
        d25_copy(row->marks_cols, sizeof row->marks_cols, yes_cols);
    } else if (text) {
        row->marks = D25_MARKS_TEXT;
        d25_copy(row->marks_cols, sizeof row->marks_cols, text_cols);
    } else if (!yes && no) {
        row->marks = D25_MARKS_NO_ONLY;
        d25_copy(row->marks_cols, sizeof row->marks_cols, no_cols);
    } else if (!yes) {
        row->marks = D25_MARKS_EMPTY;
    }
    if (row->marks != D25_MARKS_OK) {
        row->status = D25_ST_NONE;
        free(remark);
        remark = NULL;
    }
    if (rc == 0) {
        row->self_raw = d25_buf_steal(&raw);
        if (!row->self_raw)
            row->self_raw = strdup("");
        row->remark = remark ? remark : strdup("");
        if (!row->self_raw || !row->remark)
            rc = -1;
        else if (chosen >= 0 && row->marks == D25_MARKS_OK)
            d25_grid_place(g, r, (uint32_t)chosen, row->self_place, sizeof row->self_place);
        else if (first >= 0)
            d25_grid_place(g, r, (uint32_t)first, row->self_place, sizeof row->self_place);
    } else {
        free(remark);
    }
    d25_buf_free(&raw);
    return rc;
}

static int add_row(d25_checklist *cl, const d25_rules *rules, const d25_grid *g, uint32_t r, const layout *L,
                   const line_parse *lp, const char *text_place)
{
    const int *roles = L->roles;
    if (d25_grow((void **)&cl->rows, &cl->cap, cl->n + 1, sizeof *cl->rows) < 0)
        return -1;
    d25_crow *row = &cl->rows[cl->n++];
    memset(row, 0, sizeof *row);
    row->hint_item = lp->item;
    row->hint_sub = lp->sub;
    d25_copy(row->place, sizeof row->place, text_place);
    row->text = d25_trim_dup(lp->text);
    if (L->positional) {
        if (read_positional(rules, g, r, L, row) < 0)
            return -1;
    } else {
        row->self_raw = d25_trim_dup(role_text(g, r, roles, D25_H_SELF, row->self_place, sizeof row->self_place));
        if (row->self_raw)
            row->status = d25_rules_status(rules, row->self_raw, &row->remark);
    }
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
    if (!row->remark && !(row->remark = strdup("")))
        return -1;
    match_row(rules, row);
    return 0;
}

/* Is row r the status sub-columns' header again (a table split over pages)? */
static bool repeats_header(const d25_grid *g, uint32_t r, const layout *L)
{
    int same = 0;
    for (uint32_t c = 0; c < L->n; c++)
        if (L->pos[c] != D25_ST_NONE) {
            char a[4 * HEADER_MAX_CP + 1], b[4 * HEADER_MAX_CP + 1];
            const d25_gcell *x = d25_grid_at(g, r, c);
            if (x->orow >= 0 || !d25_fold_short(x->text, a, sizeof a, HEADER_MAX_CP) ||
                !d25_fold_short(L->word[c], b, sizeof b, HEADER_MAX_CP) || strcmp(a, b) != 0)
                return false;
            same++;
        }
    return same >= 2;
}

/* Read the data rows of one checklist table from row `from`. */
static int read_rows(d25_checklist *cl, const d25_rules *rules, const d25_grid *g, uint32_t from, const layout *L,
                     int *cur_item)
{
    const int *roles = L->roles;
    for (uint32_t r = from; r < g->nrows; r++) {
        /* A repeated header row (a table split over pages) is skipped. */
        int tmp[256];
        if (g->ncols <= 256 && header_row(rules, g, r, tmp))
            continue;
        if (L->positional && repeats_header(g, r, L))
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
        if (add_row(cl, rules, g, r, L, &best, best_place) < 0)
            return -1;
    }
    return 0;
}

/* Own text of r,c: its own, or a span's within row r; not a merge from above. */
static const char *own_text(const d25_grid *g, uint32_t r, uint32_t c)
{
    const d25_gcell *x = d25_grid_at(g, r, c);
    return x->orow < 0 ? x->text : x->orow == (int)r ? d25_grid_shown(g, r, c) : "";
}

/* The status a short header cell names with nothing else (已落实, 是), or
 * D25_ST_NONE ("落实情况" names none). */
static d25_status header_status(const d25_rules *rules, const char *t)
{
    char f[4 * HEADER_MAX_CP + 1];
    if (!t[0] || !d25_fold_short(t, f, sizeof f, HEADER_MAX_CP))
        return D25_ST_NONE;
    char *rem = NULL;
    d25_status st = d25_rules_status(rules, t, &rem);
    if (!rem || rem[0])
        st = D25_ST_NONE;
    free(rem);
    return st;
}

/* A header row without 单位自查情况 whose status columns are headed by the
 * status words themselves: 类别 | 内容 | 已落实 | 部分落实 | 未落实. */
static bool header_row_positional(const d25_rules *rules, const d25_grid *g, uint32_t r, layout *L)
{
    if (!header_row(rules, g, r, L->roles)) {
        bool content = false, self = false;
        for (uint32_t c = 0; c < L->n; c++) {
            content |= L->roles[c] == D25_H_CONTENT || L->roles[c] == D25_H_CATEGORY;
            self |= L->roles[c] == D25_H_SELF;
        }
        if (!content || self)
            return false;
    } else {
        return false; /* an ordinary header row */
    }
    int nstatus = 0;
    for (uint32_t c = 0; c < L->n; c++)
        nstatus += L->roles[c] == ROLE_NONE && header_status(rules, own_text(g, r, c)) != D25_ST_NONE;
    if (nstatus < 2)
        return false;
    for (uint32_t c = 0; c < L->n; c++) {
        d25_status st = L->roles[c] == ROLE_NONE ? header_status(rules, own_text(g, r, c)) : D25_ST_NONE;
        if (st != D25_ST_NONE) {
            L->roles[c] = D25_H_SELF;
            L->pos[c] = st;
            L->word[c] = own_text(g, r, c);
        }
    }
    L->positional = true;
    return true;
}

/* The row under a header row may split the self-check column: into
 * 落实情况 / 整改措施 / 整改时限, or into status sub-columns headed by the
 * rule set's status words (已落实 | 部分落实 | 未落实 | 不适用, 是 | 否) in which
 * the unit marks one.  A sub-column may also stand beside the self-check
 * column under an empty header cell (a title centred across cells that are
 * not merged).  True when row `sr` is such a row (L updated). */
static bool sub_header(const d25_rules *rules, const d25_grid *g, uint32_t hr, uint32_t sr, layout *L)
{
    uint32_t n = L->n;
    int *sub_roles = calloc(n + 1, sizeof *sub_roles);
    d25_status *st = calloc(n + 1, sizeof *st);
    bool *group = calloc(n + 1, sizeof *group);
    bool found = false;
    if (!sub_roles || !st || !group)
        goto out;
    bool other = false;
    for (uint32_t c = 0; c < n; c++) {
        /* a row with a sub-item's text is the first answer, not a header */
        if ((L->roles[c] == D25_H_CONTENT || L->roles[c] == D25_H_CATEGORY) && own_text(g, sr, c)[0] &&
            cell_role(rules, own_text(g, sr, c)) == ROLE_NONE)
            goto out;
        sub_roles[c] = cell_role(rules, d25_grid_shown(g, sr, c));
        other |= sub_roles[c] == D25_H_MEASURE || sub_roles[c] == D25_H_DEADLINE || sub_roles[c] == D25_H_REMARK;
        st[c] = header_status(rules, own_text(g, sr, c));
        group[c] = L->roles[c] == D25_H_SELF;
    }
    /* Widen the self-check group over empty header cells holding a status word. */
    for (bool again = true; again;) {
        again = false;
        for (uint32_t c = 0; c < n; c++) {
            if (group[c] || st[c] == D25_ST_NONE || L->roles[c] != ROLE_NONE || own_text(g, hr, c)[0] ||
                d25_grid_at(g, hr, c)->orow >= 0)
                continue;
            if ((c > 0 && group[c - 1]) || (c + 1 < n && group[c + 1]))
                group[c] = again = true;
        }
    }
    int nstatus = 0;
    for (uint32_t c = 0; c < n; c++)
        nstatus += group[c] && st[c] != D25_ST_NONE;
    if (nstatus >= 2) {
        L->positional = true;
        for (uint32_t c = 0; c < n; c++) {
            if (!group[c])
                continue;
            if (st[c] != D25_ST_NONE) {
                L->roles[c] = D25_H_SELF;
                L->pos[c] = st[c];
                L->word[c] = own_text(g, sr, c);
            } else {
                /* 整改措施 beside the marks; anything else is not the unit's answer */
                bool kept = sub_roles[c] == D25_H_MEASURE || sub_roles[c] == D25_H_DEADLINE || sub_roles[c] == D25_H_REMARK;
                L->roles[c] = kept ? sub_roles[c] : ROLE_NONE;
            }
        }
        found = true;
    } else if (other) {
        for (uint32_t c = 0; c < n; c++)
            if (sub_roles[c] != ROLE_NONE && L->roles[c] == D25_H_SELF)
                L->roles[c] = sub_roles[c] == D25_H_SELF || sub_roles[c] == D25_H_CONTENT ? D25_H_SELF : sub_roles[c];
        found = true;
    }
out:
    free(sub_roles);
    free(st);
    free(group);
    return found;
}

int d25_checklist_read(const d25_grids *gs, const d25_rules *rules, d25_checklist *cl)
{
    layout prev = {0};
    int cur_item = 0;
    for (size_t i = 0; i < gs->n; i++) {
        const d25_grid *g = &gs->v[i];
        layout L;
        if (layout_init(&L, g->ncols) < 0) {
            layout_free(&L);
            layout_free(&prev);
            return -1;
        }
        uint32_t hr;
        bool found = false, single = false;
        for (hr = 0; hr < g->nrows && hr < 30; hr++)
            if (header_row(rules, g, hr, L.roles)) {
                found = true;
                break;
            }
        if (!found)
            for (hr = 0; hr < g->nrows && hr < 30; hr++)
                if (header_row_positional(rules, g, hr, &L)) {
                    found = single = true;
                    break;
                }
        uint32_t from = hr + 1;
        if (found && !single && from < g->nrows) {
            if (sub_header(rules, g, hr, from, &L))
                from++;
        } else if (!found && prev.roles && g->ncols == prev.n && !g->sheet) {
            /* A Word table split in two without a repeated header. */
            memcpy(L.roles, prev.roles, g->ncols * sizeof *L.roles);
            memcpy(L.pos, prev.pos, g->ncols * sizeof *L.pos);
            memcpy(L.word, prev.word, g->ncols * sizeof *L.word);
            L.positional = prev.positional;
            found = true;
            from = 0;
        }
        if (!found) {
            layout_free(&L);
            continue;
        }
        if (!cl->found) {
            cl->found = true;
            d25_copy(cl->where, sizeof cl->where, g->name);
        }
        cl->has_measure |= has_role(L.roles, g->ncols, D25_H_MEASURE);
        cl->has_deadline |= has_role(L.roles, g->ncols, D25_H_DEADLINE);
        cl->has_remark |= has_role(L.roles, g->ncols, D25_H_REMARK);
        if (L.positional && !cl->positional)
            for (uint32_t c = 0; c < L.n; c++)
                if (L.pos[c] != D25_ST_NONE)
                    add_col_word(cl->marks_words, sizeof cl->marks_words, L.word[c]);
        cl->positional |= L.positional;
        if (read_rows(cl, rules, g, from, &L, &cur_item) < 0) {
            layout_free(&L);
            layout_free(&prev);
            return -1;
        }
        layout_free(&prev);
        prev = L;
    }
    layout_free(&prev);
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
