/* store read: snapshots, the month's current returns, progress summaries (see store.h). */
#include "storeint.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/text.h"

/* ---- reading ---- */

static void current_clear(d25_current *c)
{
    free(c->unit);
    free(c->statuses);
    free(c->progress);
    memset(c, 0, sizeof *c);
}

int d25_store_read_begin(d25_store *s, int64_t *upto, d25_error *err)
{
    *upto = 0;
    if (s->reading++ == 0 && sqlite3_get_autocommit(s->db)) {
        if (d25_store_exec(s, "BEGIN", err) < 0) {
            s->reading--;
            return -1;
        }
        s->read_began = true;
    }
    /* The first read fixes the transaction's snapshot. */
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(s->db, "SELECT coalesce(max(id), 0) FROM returns", -1, &q, NULL) != SQLITE_OK) {
        d25_store_fail(s, err, "读取报表");
        d25_store_read_end(s);
        return -1;
    }
    int rc = sqlite3_step(q) == SQLITE_ROW ? 0 : -1;
    if (rc == 0)
        *upto = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    if (rc < 0) {
        d25_store_fail(s, err, "读取报表");
        d25_store_read_end(s);
    }
    return rc;
}

void d25_store_read_end(d25_store *s)
{
    if (s->reading > 0 && --s->reading == 0 && s->read_began) {
        sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
        s->read_began = false;
    }
}

int d25_store_current_each(d25_store *s, const char *period, unsigned parts, int64_t upto,
                           int (*fn)(void *ud, const d25_current *c), void *ud, d25_error *err)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT r.unit_code, r.has_checklist AND ?2, r.has_progress AND ?3, CASE WHEN ?2 THEN m.statuses END,"
                           " CASE WHEN ?3 THEN m.progress END FROM returns r"
                           " LEFT JOIN return_summaries m ON m.return_id = r.id"
                           " WHERE r.period = ?1 AND r.verdict = 'accepted' AND r.unit_code IS NOT NULL"
                           " AND (?4 < 0 OR r.id <= ?4) AND (?5 IS NULL OR r.edition IN (?5, ''))"
                           " AND r.withdrawn = 0 AND (?6 IS NULL OR r.district = ?6)"
                           " ORDER BY r.unit_code, r.received DESC, r.id DESC",
                           -1, &q, NULL) != SQLITE_OK)
        return d25_store_fail(s, err, "读取本月报表");
    sqlite3_bind_text(q, 1, period, -1, SQLITE_STATIC);
    sqlite3_bind_int(q, 2, (parts & D25_CURRENT_STATUSES) != 0);
    sqlite3_bind_int(q, 3, (parts & D25_CURRENT_PROGRESS) != 0);
    sqlite3_bind_int64(q, 4, upto);
    if (s->edition)
        sqlite3_bind_text(q, 5, s->edition, -1, SQLITE_STATIC);
    if (s->district)
        sqlite3_bind_text(q, 6, s->district, -1, SQLITE_STATIC);
    d25_current c = {0};
    int step, stopped = 0;
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        const char *unit = (const char *)sqlite3_column_text(q, 0);
        if (!c.unit || strcmp(c.unit, unit) != 0) {
            if (c.unit && (stopped = fn(ud, &c)) < 0)
                break;
            current_clear(&c);
            if (!(c.unit = strdup(unit))) {
                step = SQLITE_NOMEM;
                break;
            }
        }
        /* The newest return holding each form is the one that counts. */
        const char *st = (const char *)sqlite3_column_text(q, 3), *pj = (const char *)sqlite3_column_text(q, 4);
        if (sqlite3_column_int(q, 1) && !c.statuses && !(c.statuses = strdup(st ? st : ""))) {
            step = SQLITE_NOMEM;
            break;
        }
        if (sqlite3_column_int(q, 2) && !c.progress && !(c.progress = strdup(pj ? pj : ""))) {
            step = SQLITE_NOMEM;
            break;
        }
    }
    if (step == SQLITE_DONE && c.unit)
        stopped = fn(ud, &c);
    current_clear(&c);
    sqlite3_finalize(q);
    if (stopped < 0)
        return -1;
    if (step != SQLITE_DONE)
        return step == SQLITE_NOMEM ? d25_fail(err, D25_E_NOMEM, "内存不足") : d25_store_fail(s, err, "读取本月报表");
    return 0;
}

int d25_blanks_read(d25_blanks *b, const char *summary)
{
    b->n = 0;
    if (!summary || !*summary)
        return 0;
    size_t len = strlen(summary);
    if (d25_grow((void **)&b->text, &b->text_cap, len + 1, 1) < 0)
        return -1;
    memcpy(b->text, summary, len + 1);
    /* field US state US value US text, per blank, as summary_values writes
     * them; cut in place. */
    for (char *p = b->text; p;) {
        char *end = strchr(p, BLANK_SEP), *part[4] = {p, NULL, NULL, NULL};
        if (end)
            *end++ = '\0';
        for (int k = 1; k < 4 && part[k - 1]; k++)
            if ((part[k] = strchr(part[k - 1], PART_SEP)))
                *part[k]++ = '\0';
        p = end;
        if (!part[3])
            continue; /* not a blank as written here */
        if (d25_grow((void **)&b->v, &b->cap, b->n + 1, sizeof *b->v) < 0)
            return -1;
        char *stop;
        errno = 0;
        long value = strtol(part[2], &stop, 10);
        bool number = *part[2] && !*stop && errno == 0;
        bool ok = part[1][0] == 'o';
        b->v[b->n++] = (d25_blank){.field = part[0],
                                   .ok = ok,
                                   .number = number,
                                   .value = number ? value : 0,
                                   .raw = ok && !number ? part[3] : NULL};
    }
    return 0;
}

void d25_blanks_free(d25_blanks *b)
{
    free(b->text);
    free(b->v);
    memset(b, 0, sizeof *b);
}

/* One flagged value, gathered to be sorted (the fields of a place are only
 * known once its findings are read). */
typedef struct {
    char *unit, *field, *message;
} flag_row;

typedef struct {
    flag_row *v;
    size_t n, cap;
} flag_rows;

static int flag_add(flag_rows *r, const char *unit, const char *field, const char *message)
{
    if (d25_grow((void **)&r->v, &r->cap, r->n + 1, sizeof *r->v) < 0)
        return -1;
    flag_row *x = &r->v[r->n];
    *x = (flag_row){strdup(unit), strdup(field), strdup(message ? message : "")};
    if (!x->unit || !x->field || !x->message) {
        free(x->unit);
        free(x->field);
        free(x->message);
        return -1;
    }
    r->n++;
    return 0;
}

static int flag_cmp(const void *a, const void *b)
{
    const flag_row *x = a, *y = b;
    int c = strcmp(x->unit, y->unit);
    if (!c)
        c = strcmp(x->field, y->field);
    return c ? c : strcmp(x->message, y->message);
}

static void flag_rows_free(flag_rows *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].unit);
        free(r->v[i].field);
        free(r->v[i].message);
    }
    free(r->v);
}

int d25_store_flagged_each(d25_store *s, const char *period, const char *(*field_of)(void *ud, const char *message),
                           int (*fn)(void *ud, const char *unit, const char *field, const char *message), void *ud,
                           d25_error *err)
{
    sqlite3_stmt *q, *at = NULL;
    if (sqlite3_prepare_v2(s->db,
                           /* The progress tables that count, of this handle's
                            * edition (as d25_store_current_each chooses them):
                            * the view current_returns knows no edition, and
                            * would take another campaign's newer return. */
                           /* The few flagged findings first, read only
                            * within the ids of the period's returns (a
                            * month's returns are stored together; the
                            * range holds every one of them, whatever its
                            * id), then their returns: the planner would
                            * otherwise visit every return of the month and
                            * test each for a newer one (CROSS JOIN fixes
                            * the order).  Their fields are told by the
                            * caller from the message where it can: reading
                            * each return's progress table for the fields
                            * at the finding's place took most of the time. */
                           "SELECT DISTINCT c.unit_code, f.place, f.message, c.id FROM findings f"
                           " CROSS JOIN returns c ON c.id = f.return_id"
                           " WHERE f.return_id BETWEEN (SELECT min(id) FROM returns WHERE period = ?1)"
                           "  AND (SELECT max(id) FROM returns WHERE period = ?1)"
                           " AND f.source = 'quality' AND f.code IN ('OUTLIER_PEERS', 'OUTLIER_HISTORY')"
                           " AND f.place IS NOT NULL"
                           " AND c.period = ?1 AND c.verdict = 'accepted' AND c.has_progress = 1"
                           " AND c.unit_code IS NOT NULL AND c.withdrawn = 0 AND (?2 IS NULL OR c.edition IN (?2, ''))"
                           " AND (?3 IS NULL OR c.district = ?3)"
                           " AND NOT EXISTS (SELECT 1 FROM returns n WHERE n.period = c.period AND n.verdict = 'accepted'"
                           "  AND n.unit_code = c.unit_code AND n.district IS c.district AND n.withdrawn = 0"
                           "  AND n.has_progress = 1 AND (?2 IS NULL OR n.edition IN (?2, ''))"
                           "  AND (n.received > c.received OR (n.received = c.received AND n.id > c.id)))",
                           -1, &q, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, "SELECT DISTINCT field FROM progress_values WHERE return_id = ? AND place = ?", -1,
                           &at, NULL) != SQLITE_OK) {
        sqlite3_finalize(q);
        return d25_store_fail(s, err, "读取数据质量警告");
    }
    sqlite3_bind_text(q, 1, period, -1, SQLITE_STATIC);
    if (s->edition)
        sqlite3_bind_text(q, 2, s->edition, -1, SQLITE_STATIC);
    if (s->district) /* a city's report, district by district */
        sqlite3_bind_text(q, 3, s->district, -1, SQLITE_STATIC);
    flag_rows rows = {0};
    int step, rc = 0;
    while (rc == 0 && (step = sqlite3_step(q)) == SQLITE_ROW) {
        const char *unit = (const char *)sqlite3_column_text(q, 0), *message = (const char *)sqlite3_column_text(q, 2);
        const char *field = field_of ? field_of(ud, message) : NULL;
        if (field) {
            rc = flag_add(&rows, unit, field, message);
            continue;
        }
        /* Every field at that place: fn decides. */
        sqlite3_reset(at);
        sqlite3_bind_int64(at, 1, sqlite3_column_int64(q, 3));
        sqlite3_bind_text(at, 2, (const char *)sqlite3_column_text(q, 1), -1, SQLITE_TRANSIENT);
        int fs;
        while (rc == 0 && (fs = sqlite3_step(at)) == SQLITE_ROW)
            if (sqlite3_column_type(at, 0) == SQLITE_TEXT)
                rc = flag_add(&rows, unit, (const char *)sqlite3_column_text(at, 0), message);
        if (rc == 0 && fs != SQLITE_DONE) {
            step = fs;
            break;
        }
    }
    if (rc < 0)
        rc = d25_fail(err, D25_E_NOMEM, "内存不足");
    else if (step != SQLITE_DONE)
        rc = d25_store_fail(s, err, "读取数据质量警告");
    sqlite3_finalize(at);
    sqlite3_finalize(q);
    /* In order of unit, field and message, each once. */
    if (rows.n)
        qsort(rows.v, rows.n, sizeof *rows.v, flag_cmp);
    for (size_t i = 0; rc == 0 && i < rows.n; i++)
        if ((i == 0 || flag_cmp(&rows.v[i - 1], &rows.v[i]) != 0) &&
            fn(ud, rows.v[i].unit, rows.v[i].field, rows.v[i].message) < 0)
            rc = -1;
    flag_rows_free(&rows);
    return rc;
}
