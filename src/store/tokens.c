/* store tokens: the page server's reads and its one write of its own: each
 * unit's personal link (table unit_tokens), a period's latest returns and a
 * return's findings (see store.h, "the page server"). */
#include "storeint.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "../util/text.h"

/* A new token: D25_TOKEN_BYTES random bytes from the kernel, in hex. */
static int new_token(char out[2 * D25_TOKEN_BYTES + 1])
{
    unsigned char b[D25_TOKEN_BYTES];
    size_t got = 0;
    while (got < sizeof b) {
        ssize_t r = getrandom(b + got, sizeof b - got, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    for (size_t i = 0; i < sizeof b; i++)
        snprintf(out + 2 * i, 3, "%02x", b[i]);
    return 0;
}

int d25_store_unit_tokens(d25_store *s, const d25_registry *reg, bool make,
                          int (*fn)(void *ud, const d25_unit *u, const char *token), void *ud, d25_error *err)
{
    sqlite3_stmt *get = NULL, *put = NULL;
    int rc = 0;
    bool tx = false;
    if (sqlite3_prepare_v2(s->db, "SELECT token FROM unit_tokens WHERE unit_code = ? AND district IS NULL", -1, &get,
                           NULL) != SQLITE_OK ||
        (make && sqlite3_prepare_v2(s->db, "INSERT INTO unit_tokens(unit_code, district, token, created) VALUES (?, NULL, ?, ?)",
                                    -1, &put, NULL) != SQLITE_OK)) {
        rc = d25_store_fail(s, err, "读取单位链接");
        goto out;
    }
    if (make) {
        if (d25_store_exec(s, "BEGIN IMMEDIATE", err) < 0) {
            rc = -1;
            goto out;
        }
        tx = true;
    }
    char now[32];
    store_now_text(now, sizeof now);
    for (size_t i = 0; i < reg->n && rc == 0; i++) {
        const d25_unit *u = &reg->units[i];
        char token[2 * D25_TOKEN_BYTES + 1] = "";
        sqlite3_reset(get);
        store_bind_text(get, 1, u->code);
        int step = sqlite3_step(get);
        if (step == SQLITE_ROW) {
            d25_copy(token, sizeof token, (const char *)sqlite3_column_text(get, 0));
        } else if (step != SQLITE_DONE) {
            rc = d25_store_fail(s, err, "读取单位链接");
            break;
        } else if (make) {
            if (new_token(token) < 0) {
                rc = d25_fail(err, D25_E_IO, "无法取得随机数");
                break;
            }
            sqlite3_reset(put);
            store_bind_text(put, 1, u->code);
            store_bind_text(put, 2, token);
            store_bind_text(put, 3, now);
            if (sqlite3_step(put) != SQLITE_DONE) {
                rc = d25_store_fail(s, err, "保存单位链接");
                break;
            }
        }
        if (fn && fn(ud, u, token[0] ? token : NULL) < 0)
            rc = -1;
    }
    if (tx && d25_store_exec(s, rc == 0 ? "COMMIT" : "ROLLBACK", rc == 0 ? err : &(d25_error){0}) < 0)
        rc = -1;
out:
    sqlite3_finalize(get);
    sqlite3_finalize(put);
    return rc;
}

int d25_store_token_unit(d25_store *s, const char *token, char *code, size_t n, d25_error *err)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(s->db, "SELECT unit_code FROM unit_tokens WHERE token = ? AND district IS NULL", -1, &q,
                           NULL) != SQLITE_OK)
        return d25_store_fail(s, err, "读取单位链接");
    store_bind_text(q, 1, token);
    int step = sqlite3_step(q), rc = 0;
    if (step == SQLITE_ROW) {
        d25_copy(code, n, (const char *)sqlite3_column_text(q, 0));
        rc = 1;
    } else if (step != SQLITE_DONE) {
        rc = d25_store_fail(s, err, "读取单位链接");
    }
    sqlite3_finalize(q);
    return rc;
}

static const char *col(sqlite3_stmt *q, int i)
{
    const char *t = (const char *)sqlite3_column_text(q, i);
    return t ? t : "";
}

int d25_store_returns_each(d25_store *s, int period, const char *unit_code, int limit,
                           int (*fn)(void *ud, const d25_return_row *r), void *ud, d25_error *err)
{
    char p[16];
    store_period_text(period, p, sizeof p);
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT id, ifnull(unit_code, ''), file_name, received, received_source, verdict, errors,"
                           " warnings, superseded_by IS NOT NULL, has_checklist, has_progress, stored FROM returns"
                           " WHERE period = ?1 AND district IS NULL AND withdrawn = 0"
                           " AND (?2 IS NULL OR unit_code = ?2) ORDER BY stored DESC, id DESC LIMIT ?3",
                           -1, &q, NULL) != SQLITE_OK)
        return d25_store_fail(s, err, "读取本月报表");
    store_bind_text(q, 1, p);
    store_bind_text(q, 2, unit_code);
    sqlite3_bind_int(q, 3, limit > 0 ? limit : -1);
    int step, rc = 0;
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        d25_return_row r = {
            .id = sqlite3_column_int64(q, 0),
            .unit_code = col(q, 1),
            .file_name = col(q, 2),
            .received = col(q, 3),
            .source = d25_recv_source_parse(col(q, 4)),
            .accepted = strcmp(col(q, 5), "accepted") == 0,
            .errors = sqlite3_column_int(q, 6),
            .warnings = sqlite3_column_int(q, 7),
            .superseded = sqlite3_column_int(q, 8) != 0,
            .checklist = sqlite3_column_int(q, 9) != 0,
            .progress = sqlite3_column_int(q, 10) != 0,
            .stored = col(q, 11),
        };
        if (fn(ud, &r) < 0) {
            rc = -1;
            break;
        }
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = d25_store_fail(s, err, "读取本月报表");
    sqlite3_finalize(q);
    return rc;
}

int d25_store_findings_each(d25_store *s, int64_t return_id, int (*fn)(void *ud, const d25_finding_row *f), void *ud,
                            d25_error *err)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT code, severity, ifnull(place, ''), ifnull(sub_item, ''), message, source FROM findings"
                           " WHERE return_id = ? ORDER BY seq",
                           -1, &q, NULL) != SQLITE_OK)
        return d25_store_fail(s, err, "读取检查意见");
    sqlite3_bind_int64(q, 1, return_id);
    int step, rc = 0;
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        d25_finding_row f = {.code = col(q, 0),
                             .error = strcmp(col(q, 1), "error") == 0,
                             .place = col(q, 2),
                             .item = col(q, 3),
                             .message = col(q, 4),
                             .quality = strcmp(col(q, 5), "quality") == 0};
        if (fn(ud, &f) < 0) {
            rc = -1;
            break;
        }
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = d25_store_fail(s, err, "读取检查意见");
    sqlite3_finalize(q);
    return rc;
}
