/* progress: find Attachment 3 and read the blanks filled in its sentences
 * (see forms.h).  Each row of the rule set is a template of literals and
 * blanks; a row of the file is recognised by the literals' ends, and a
 * blank's value is what stands between the literal before it and the one
 * after it, whatever the unit wrote over the ＿＿ or the spaces. */
#include "formsint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"
#include "../util/fold.h"
#include "../util/text.h"

/* Byte length of the first n code points of s / start of the last n. */
static size_t head_len(const char *s, size_t n)
{
    const char *p = s;
    while (n-- && *p)
        d25_utf8_next(&p);
    return (size_t)(p - s);
}

static const char *tail_start(const char *s, size_t n)
{
    size_t len = d25_utf8_len(s);
    const char *p = s;
    for (size_t i = 0; len > n && i < len - n; i++)
        d25_utf8_next(&p);
    return p;
}

static const char *find_n(const char *hay, const char *end, const char *needle, size_t nlen)
{
    if (!nlen)
        return hay;
    return hay < end ? memmem(hay, (size_t)(end - hay), needle, nlen) : NULL;
}

static const char *rfind_n(const char *from, const char *end, const char *needle, size_t nlen)
{
    const char *found = NULL;
    for (const char *p = find_n(from, end, needle, nlen); p; p = find_n(p + 1, end, needle, nlen))
        found = p;
    return found;
}

static const size_t anchor_lens[] = {6, 4, 2, 1};

/* Which code points a text holds, hashed into 256 bits: a literal whose
 * code points are not all in the text's set cannot be in the text, and
 * most rows of a file are rejected this way without searching. */
typedef struct {
    uint64_t w[4];
} cpset;

static void cpset_of(cpset *m, const char *s, size_t len)
{
    memset(m, 0, sizeof *m);
    const char *p = s, *end = s + len;
    while (p < end && *p) {
        uint32_t h = (d25_utf8_next(&p) * 2654435761u) >> 24;
        m->w[h >> 6] |= (uint64_t)1 << (h & 63);
    }
}

static bool cpset_within(const cpset *part, const cpset *whole)
{
    for (int i = 0; i < 4; i++)
        if (part->w[i] & ~whole->w[i])
            return false;
    return true;
}

/* The ends of a template's literal, measured once per read. */
typedef struct {
    const char *lit;  /* NULL for an empty literal */
    size_t full;      /* bytes of the whole literal (short ones) */
    size_t head;      /* bytes of its first 6 code points */
    const char *tail; /* its last 6 code points */
    size_t tail_len;
    bool is_short;    /* fewer than 3 code points: matched whole */
    cpset full_set, head_set, tail_set;
} lit_ends;

static lit_ends *measure_lits(const d25_rules *rules, size_t **first)
{
    size_t total = 0;
    for (size_t k = 0; k < rules->nprows; k++)
        total += rules->prows[k].nlits;
    lit_ends *v = calloc(total + 1, sizeof *v);
    *first = calloc(rules->nprows + 1, sizeof **first);
    if (!v || !*first) {
        free(v);
        free(*first);
        *first = NULL;
        return NULL;
    }
    size_t j = 0;
    for (size_t k = 0; k < rules->nprows; k++) {
        (*first)[k] = j;
        for (size_t i = 0; i < rules->prows[k].nlits; i++, j++) {
            const char *lit = rules->prows[k].lits[i];
            if (!*lit)
                continue;
            v[j].lit = lit;
            v[j].full = strlen(lit);
            v[j].is_short = d25_utf8_len(lit) < 3;
            v[j].head = head_len(lit, 6);
            v[j].tail = tail_start(lit, 6);
            v[j].tail_len = strlen(v[j].tail);
            cpset_of(&v[j].full_set, lit, v[j].full);
            cpset_of(&v[j].head_set, lit, v[j].head);
            cpset_of(&v[j].tail_set, v[j].tail, v[j].tail_len);
        }
    }
    (*first)[rules->nprows] = j;
    return v;
}

/* Score of text against a template: the share of literal ends found. */
/* Is needle in [text, end)?  Asked of the code point sets first. */
static bool has(const char *text, const char *end, const cpset *text_set, const char *needle, size_t nlen,
                const cpset *needle_set)
{
    return cpset_within(needle_set, text_set) && find_n(text, end, needle, nlen) != NULL;
}

static double row_score(const lit_ends *lits, size_t n, const char *text, size_t tlen, const cpset *tset,
                        double floor)
{
    int total = 0;
    for (size_t i = 0; i < n; i++)
        total += lits[i].lit ? (lits[i].is_short ? 1 : 2) : 0;
    int want = 0, got = 0;
    const char *end = text + tlen;
    for (size_t i = 0; i < n; i++) {
        const lit_ends *l = &lits[i];
        if (!l->lit)
            continue;
        /* Stop once even finding every literal left could not reach floor. */
        if ((double)(got + total - want) < floor * total)
            return 0;
        if (l->is_short) {
            want++;
            got += has(text, end, tset, l->lit, l->full, &l->full_set);
            continue;
        }
        want += 2;
        got += has(text, end, tset, l->lit, l->head, &l->head_set);
        got += has(text, end, tset, l->tail, l->tail_len, &l->tail_set);
    }
    return want ? (double)got / want : 0;
}

/* Where the literal begins, searched from `from`: its head, shortened
 * until found.  NULL when not even its first character is there. */
static const char *find_head(const char *from, const char *end, const char *lit)
{
    for (size_t i = 0; i < sizeof anchor_lens / sizeof anchor_lens[0]; i++) {
        size_t n = head_len(lit, anchor_lens[i]);
        const char *p = find_n(from, end, lit, n);
        if (p)
            return p;
    }
    return NULL;
}

/* Where the literal ends, as late as possible in [from, end). */
static const char *find_tail_end(const char *from, const char *end, const char *lit)
{
    for (size_t i = 0; i < sizeof anchor_lens / sizeof anchor_lens[0]; i++) {
        const char *t = tail_start(lit, anchor_lens[i]);
        size_t n = strlen(t);
        const char *p = rfind_n(from, end, t, n);
        if (p)
            return p + n;
    }
    return NULL;
}

static bool starts(const char *s, const char *w)
{
    return strncmp(s, w, strlen(w)) == 0;
}

/* 1 yes, 0 no, -1 not a yes/no word. */
static int yes_no_word(const char *s)
{
    static const char *const yes[] = {"是", "已", "有", "√", "✓", "✔", "☑", "yes", "y", NULL};
    static const char *const no[] = {"否", "未", "无", "没有", "×", "✗", "✘", "☒", "no", "n", NULL};
    for (const char *const *w = no; *w; w++)
        if (starts(s, *w))
            return 0;
    for (const char *const *w = yes; *w; w++)
        if (starts(s, *w))
            return 1;
    return -1;
}

/* A yes/no word at s ("是", "否", "有", "无"...): 1/0 and *len, or -1. */
static int choice_word(const char *s, size_t *len)
{
    static const char *const yes[] = {"是", "有", "已", "yes", "y", NULL};
    static const char *const no[] = {"否", "无", "没有", "未", "no", "n", NULL};
    int r = -1;
    *len = 0;
    for (int k = 0; k < 2; k++)
        for (const char *const *w = k ? yes : no; *w; w++)
            if (strlen(*w) > *len && starts(s, *w)) {
                *len = strlen(*w);
                r = k;
            }
    if (r >= 0 && (unsigned char)s[0] < 0x80 && ((s[*len] >= 'a' && s[*len] <= 'z'))) {
        *len = 0; /* "no" in "note" */
        return -1;
    }
    return r;
}

/* Marks before (or after) the options of a choice: "（√是／否）", "是√／否",
 * "☑是 ☐否", "（√是／×否）".  Each option is a word with the marks beside
 * it; options are separated by / ( ) , ; or by a mark that starts the next
 * one (a box always does: it stands before its option).  A word outside the brackets of "（是／否）" is one written as the
 * answer.  D25_PV_OK with *out set when exactly one option is ticked and
 * nothing disagrees; D25_PV_INVALID with *note for two ticks, a tick that
 * a cross or a written word contradicts, a tick between two words, or
 * crosses only; -1 when no option bears a mark (read the plain way). */
typedef struct {
    int word;             /* 1 yes, 0 no, -1 none yet */
    bool tick, cross, blank;
} choice_tok;

typedef struct {
    int ticked[2], crossed[2], written[2];
    bool marked;          /* some option bears a tick or a cross */
    bool unclear;         /* a tick between two words, no separator */
} choice_sum;

static void close_tok(choice_tok *t, choice_sum *sum, bool outside)
{
    if (t->word >= 0) {
        sum->ticked[t->word] += t->tick;
        sum->crossed[t->word] += t->cross;
        sum->written[t->word] += outside && !t->tick && !t->cross && !t->blank;
        sum->marked |= t->tick || t->cross;
    }
    *t = (choice_tok){-1, false, false, false};
}

static int marked_choice(const d25_rules *rules, const char *v, long *out, d25_pv_note *note)
{
    choice_sum sum = {{0, 0}, {0, 0}, {0, 0}, false, false};
    choice_tok tok = {-1, false, false, false};
    bool brackets = strchr(v, '(') != NULL;
    int depth = 0;
    for (const char *p = v;;) {
        bool outside = brackets && depth == 0;
        if (!*p || *p == '(' || *p == ')' || *p == '/' || *p == ',' || *p == ';') {
            close_tok(&tok, &sum, outside);
            if (!*p)
                break;
            depth += *p == '(' ? 1 : *p == ')' && depth > 0 ? -1 : 0;
            p++;
            continue;
        }
        size_t ml, wl;
        int m = d25_rules_mark(rules, p, &ml);
        int w = choice_word(p, &wl);
        if (w >= 0 && wl >= ml) { /* 是 and 否 are words here, not marks */
            if (tok.word >= 0)
                close_tok(&tok, &sum, outside);
            tok.word = w;
            p += wl;
            continue;
        }
        if (m >= 0) {
            if (tok.word >= 0) {
                /* after a word: that word's mark, unless another word follows
                 * at once, which a box or an empty circle then belongs to; a
                 * tick or cross there could be either's */
                size_t l2;
                const char *q = p;
                uint32_t cp = d25_utf8_next(&q);
                bool box = cp == 0x2610 || cp == 0x2611 || cp == 0x2612 || cp == 0x25A1; /* ☐ ☑ ☒ □ */
                if (choice_word(p + ml, &l2) >= 0) {
                    if (!box && m != D25_MARK_BLANK)
                        sum.unclear = true;
                    close_tok(&tok, &sum, outside);
                }
            }
            tok.tick |= m == D25_MARK_YES;
            tok.cross |= m == D25_MARK_NO;
            tok.blank |= m == D25_MARK_BLANK;
            p += ml;
            continue;
        }
        d25_utf8_next(&p); /* other text: not part of a choice */
    }
    if (!sum.marked)
        return -1;
    *note = D25_PN_NONE;
    if (sum.unclear) {
        *note = D25_PN_UNCLEAR;
        return D25_PV_INVALID;
    }
    if (sum.ticked[0] && sum.ticked[1]) {
        *note = D25_PN_BOTH;
        return D25_PV_INVALID;
    }
    if (sum.ticked[0] || sum.ticked[1]) {
        int t = sum.ticked[1] ? 1 : 0;
        if (sum.crossed[t] || sum.written[!t]) {
            *note = D25_PN_CONTRADICT;
            return D25_PV_INVALID;
        }
        *out = t;
        return D25_PV_OK;
    }
    /* crosses only: "是（是／×否）" is read by the word written; a cross
     * alone does not say whether it strikes an option or marks it */
    if (!sum.written[0] != !sum.written[1]) {
        int t = sum.written[1] ? 1 : 0;
        if (sum.crossed[t]) {
            *note = D25_PN_CONTRADICT;
            return D25_PV_INVALID;
        }
        *out = t;
        return D25_PV_OK;
    }
    *note = D25_PN_CROSS_ONLY;
    return D25_PV_INVALID;
}

/* A "(是/否)" blank: the word written, or the one option left standing. */
static d25_pv_state parse_choice(const d25_rules *rules, const char *v, long *out, d25_pv_note *note)
{
    int mc = marked_choice(rules, v, out, note);
    if (mc >= 0)
        return (d25_pv_state)mc;
    /* "☑是 ☐否": the word after the ticked box */
    if (strstr(v, "\xE2\x98\x90") || strstr(v, "\xE2\x96\xA1")) {
        for (const char *p = v; *p;) {
            uint32_t cp = d25_utf8_next(&p);
            if (d25_is_box(cp, true)) {
                int yn = yes_no_word(p);
                if (yn >= 0) {
                    *out = yn;
                    return D25_PV_OK;
                }
            }
        }
        return D25_PV_MISSING;
    }
    d25_buf outside = {0}, inside = {0};
    const char *p = v;
    while (*p) {
        if (*p == '(') {
            const char *close = strchr(p, ')');
            if (close) {
                d25_buf_append(&inside, p + 1, (size_t)(close - p - 1));
                d25_buf_putc(&inside, '/');
                p = close + 1;
                continue;
            }
        }
        d25_buf_putc(&outside, *p++);
    }
    d25_pv_state st = D25_PV_MISSING;
    const char *o = d25_buf_cstr(&outside);
    if (*o) {
        int yn = yes_no_word(o);
        st = yn >= 0 ? D25_PV_OK : D25_PV_INVALID;
        *out = yn;
    } else if (inside.len) {
        /* options left inside the brackets after struck ones were dropped */
        int seen = 0, last = -1, words = 0;
        char *in = (char *)d25_buf_cstr(&inside);
        char *save = NULL;
        for (char *tok = strtok_r(in, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
            words++;
            int yn = yes_no_word(tok);
            if (yn >= 0 && yn != last) {
                seen++;
                last = yn;
            }
        }
        if (seen == 1 && words == 1) {
            st = D25_PV_OK;
            *out = last;
        }
    }
    d25_buf_free(&outside);
    d25_buf_free(&inside);
    return st;
}

static d25_pv_state parse_count(const char *v, long *out)
{
    if (strcmp(v, "无") == 0 || strcmp(v, "没有") == 0 || strcmp(v, "零") == 0) {
        *out = 0;
        return D25_PV_OK;
    }
    const char *p = v;
    long n = d25_parse_cn_number(&p);
    if (n < 0 || *p)
        return D25_PV_INVALID;
    *out = n;
    return D25_PV_OK;
}

static d25_pv_state parse_value(const d25_rules *rules, d25_ftype t, const char *v, long *out, d25_pv_note *note)
{
    *out = 0;
    *note = D25_PN_NONE;
    bool blank = !*v;
    if (t == D25_F_YESNO || t == D25_F_HAVENOT)
        return parse_choice(rules, v, out, note);
    if (blank)
        return D25_PV_MISSING;
    if (t == D25_F_TEXT)
        return D25_PV_OK;
    return parse_count(v, out); /* month, day, count: whole numbers; ranges are checked by validate */
}

static int add_val(d25_progress *pg, const d25_prow *row, const d25_pfield *f, d25_pv_state st, char *raw,
                   long value, d25_pv_note note, const char *place)
{
    if (d25_grow((void **)&pg->vals, &pg->cap, pg->n + 1, sizeof *pg->vals) < 0)
        return -1;
    d25_pval *pv = &pg->vals[pg->n];
    memset(pv, 0, sizeof *pv);
    pv->row = row;
    pv->field = f;
    pv->state = st;
    pv->value = value;
    pv->note = note;
    pv->raw = raw ? raw : strdup("");
    if (!pv->raw)
        return -1;
    d25_copy(pv->place, sizeof pv->place, place);
    pg->n++;
    return 0;
}

/* The blanks of a row: text is the folded row, orig the cell as written
 * (from maps one to the other), for keeping each value as written. */
static int extract(d25_progress *pg, const d25_rules *rules, const d25_prow *row, const char *text, const char *orig,
                   const size_t *from, const char *place)
{
    const char *end = text + strlen(text);
    const char *cursor = text;
    for (size_t i = 0; i < row->nfields; i++) {
        const char *left = row->lits[i], *right = row->lits[i + 1];
        const d25_pfield *f = &row->fields[i];
        const char *rpos = *right ? find_head(cursor, end, right) : end;
        /* Trailing punctuation only ("。"): the value runs to the end. */
        if (!rpos && d25_utf8_len(right) <= 1)
            rpos = end;
        const char *vstart = rpos ? (*left ? find_tail_end(cursor, rpos, left) : cursor) : NULL;
        if (!rpos || !vstart) {
            if (add_val(pg, row, f, D25_PV_UNLOCATED, NULL, 0, D25_PN_NONE, place) < 0)
                return -1;
            continue;
        }
        char *v = strndup(vstart, (size_t)(rpos - vstart));
        if (!v)
            return -1;
        long value;
        d25_pv_note note;
        d25_pv_state st = parse_value(rules, f->type, v, &value, &note);
        free(v);
        char *raw = d25_written(orig, from, (size_t)(vstart - text), (size_t)(rpos - text));
        if (!raw || add_val(pg, row, f, st, raw, value, note, place) < 0) {
            free(raw);
            return -1;
        }
        cursor = rpos;
    }
    return 0;
}

int d25_progress_read(const d25_grids *gs, const d25_rules *rules, d25_progress *pg)
{
    pg->rows_found = calloc(rules->nprows + 1, sizeof *pg->rows_found);
    if (!pg->rows_found)
        return -1;
    bool titled = false;
    for (size_t i = 0; i < gs->nlines; i++) {
        if (strlen(gs->lines[i].text) > 400) /* far longer than any title */
            continue;
        /* A title is a short line naming the form, not a sentence quoting it. */
        char f[4 * 79 + 1];
        if (d25_fold_short(gs->lines[i].text, f, sizeof f, 79) && d25_words_in(&rules->progress_title, f))
            titled = true;
    }
    /* Candidate rows: for each grid row, its longest own cell. */
    typedef struct {
        const d25_prow *row;
        double score;
        char *text;
        const char *orig; /* the cell as written */
        char place[96];
    } hit;
    hit *hits = calloc(rules->nprows + 1, sizeof *hits);
    size_t *first = NULL;
    lit_ends *lits = hits ? measure_lits(rules, &first) : NULL;
    if (!lits) {
        free(hits);
        return -1;
    }
    int rc = 0;
    for (size_t gi = 0; gi < gs->n && rc == 0; gi++) {
        const d25_grid *g = &gs->v[gi];
        for (uint32_t r = 0; r < g->nrows && rc == 0; r++) {
            const char *best = NULL;
            uint32_t bc = 0;
            size_t blen = 0;
            for (uint32_t c = 0; c < g->ncols; c++) {
                const d25_gcell *x = d25_grid_at(g, r, c);
                size_t l = x->orow < 0 ? strlen(x->text) : 0;
                if (l > blen) {
                    blen = l;
                    best = x->text;
                    bc = c;
                }
            }
            if (!best || blen < 12)
                continue;
            char *f = d25_fold(best);
            if (!f) {
                rc = -1;
                break;
            }
            size_t bi = 0;
            double bs = 0;
            size_t flen = strlen(f);
            cpset fset;
            cpset_of(&fset, f, flen);
            for (size_t k = 0; k < rules->nprows; k++) {
                double s = row_score(lits + first[k], first[k + 1] - first[k], f, flen, &fset, 0.6);
                if (s > bs) {
                    bs = s;
                    bi = k;
                }
            }
            if (bs >= 0.6 && bs > hits[bi].score) {
                free(hits[bi].text);
                hits[bi].row = &rules->prows[bi];
                hits[bi].score = bs;
                hits[bi].text = f;
                hits[bi].orig = best;
                d25_grid_place(g, r, bc, hits[bi].place, sizeof hits[bi].place);
                if (!pg->where[0])
                    d25_copy(pg->where, sizeof pg->where, g->name);
            } else {
                free(f);
            }
        }
    }
    size_t nhits = 0;
    for (size_t k = 0; k < rules->nprows; k++)
        nhits += hits[k].row != NULL;
    pg->found = nhits >= (size_t)rules->progress_min_rows || (titled && nhits > 0);
    for (size_t k = 0; k < rules->nprows && rc == 0; k++) {
        if (!hits[k].row || !pg->found)
            continue;
        pg->rows_found[pg->nrows_found++] = hits[k].row;
        size_t *from = NULL;
        char *again = d25_fold_from(hits[k].orig, &from);
        if (!again) {
            rc = -1;
            break;
        }
        /* d25_fold is a function of its input: the same text as scored */
        rc = extract(pg, rules, hits[k].row, again, hits[k].orig, from, hits[k].place);
        free(again);
        free(from);
    }
    for (size_t k = 0; k < rules->nprows; k++)
        free(hits[k].text);
    free(hits);
    free(lits);
    free(first);
    return rc;
}

void d25_progress_free(d25_progress *pg)
{
    for (size_t i = 0; i < pg->n; i++)
        free(pg->vals[i].raw);
    free(pg->vals);
    free(pg->rows_found);
    memset(pg, 0, sizeof *pg);
}
