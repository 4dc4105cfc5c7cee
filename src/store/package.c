/*
 * store package: a district's (or a city's) month as one SQLite file it
 * can mail to the level above (d25_store_export), and the canonical
 * SHA-256 of a sender's month that both the export and the merge compute
 * (store_slice_hash).  The hash
 * is taken over the rows, never over the file's pages: docs/city.md
 * defines it byte by byte.  See store.h.
 */
#include "storeint.h"

#include <errno.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/text.h"

/* The rows of a sender's month, in the canonical order; every statement
 * names its schema "@S", its period "?1" and the edition "?2" (NULL: any).
 * A return is named by its district (NULL in a district's own rows) and
 * SHA-256 (ids are local to each database). */
#define SLICE                                                                                                          \
    "ifnull(r.period, substr(r.received, 1, 7)) = ?1 AND r.withdrawn = 0 AND (?2 IS NULL OR r.edition IN (?2, ''))"
static const struct {
    const char *name, *sql;
} canon[] = {
    {"units", "SELECT district, code, name, type, area, flags, aliases, contact, phone, active_from, active_until,"
              " in_registry, first_seen, changed FROM @S.units ORDER BY district, code"},
    {"returns", "SELECT r.district, r.sha256, r.file_name, r.path, r.size, r.has_checklist, r.has_progress, r.unit_code,"
                " r.unit_written, r.period, r.period_from, r.report_date_written, r.reporter_written, r.phone_written,"
                " r.seal, r.received, r.verdict, r.errors, r.warnings,"
                " (SELECT s.sha256 FROM @S.returns s WHERE s.id = r.superseded_by), r.stored, r.received_source,"
                " r.file_mtime, r.edition FROM @S.returns r WHERE " SLICE " ORDER BY r.district, r.sha256, r.received, r.stored"},
    {"return_summaries", "SELECT r.district, r.sha256, x.statuses, x.progress FROM @S.return_summaries x"
                         " JOIN @S.returns r ON r.id = x.return_id WHERE " SLICE
                         " ORDER BY r.district, r.sha256, r.received, r.stored"},
    {"return_details", "SELECT r.district, r.sha256, x.answers, x.progress FROM @S.return_details x"
                       " JOIN @S.returns r ON r.id = x.return_id WHERE " SLICE
                       " ORDER BY r.district, r.sha256, r.received, r.stored"},
    {"findings", "SELECT r.district, r.sha256, x.seq, x.source, x.code, x.severity, x.place, x.sub_item, x.message"
                 " FROM @S.findings x JOIN @S.returns r ON r.id = x.return_id WHERE " SLICE
                 " ORDER BY r.district, r.sha256, r.received, r.stored, x.seq"},
};

/* One value: N | I<decimal>; | R<%.17g>; | T<bytes>:<utf-8> | B<bytes>:<bytes>. */
static void hash_value(struct sha256_ctx *h, sqlite3_value *v)
{
    char head[64];
    int n = 0;
    switch (sqlite3_value_type(v)) {
    case SQLITE_NULL:
        n = snprintf(head, sizeof head, "N");
        break;
    case SQLITE_INTEGER:
        n = snprintf(head, sizeof head, "I%lld;", (long long)sqlite3_value_int64(v));
        break;
    case SQLITE_FLOAT:
        n = snprintf(head, sizeof head, "R%.17g;", sqlite3_value_double(v));
        break;
    case SQLITE_TEXT: {
        const unsigned char *t = sqlite3_value_text(v);
        int len = sqlite3_value_bytes(v);
        n = snprintf(head, sizeof head, "T%d:", len);
        sha256_update(h, (size_t)n, (const uint8_t *)head);
        sha256_update(h, (size_t)len, t);
        return;
    }
    default: {
        const void *b = sqlite3_value_blob(v);
        int len = sqlite3_value_bytes(v);
        n = snprintf(head, sizeof head, "B%d:", len);
        sha256_update(h, (size_t)n, (const uint8_t *)head);
        if (len)
            sha256_update(h, (size_t)len, b);
        return;
    }
    }
    sha256_update(h, (size_t)n, (const uint8_t *)head);
}

static void hash_text(struct sha256_ctx *h, const char *t)
{
    char head[32];
    if (!t) {
        sha256_update(h, 1, (const uint8_t *)"N");
        return;
    }
    int n = snprintf(head, sizeof head, "T%zu:", strlen(t));
    sha256_update(h, (size_t)n, (const uint8_t *)head);
    sha256_update(h, strlen(t), (const uint8_t *)t);
}

/* sql with every "@S" replaced by schema (sqlite3_free). */
static char *with_schema(const char *sql, const char *schema)
{
    sqlite3_str *b = sqlite3_str_new(NULL);
    for (const char *p = sql; *p;) {
        const char *at = strstr(p, "@S");
        size_t len = at ? (size_t)(at - p) : strlen(p);
        sqlite3_str_append(b, p, (int)len);
        p += len;
        if (at) {
            sqlite3_str_appendall(b, schema);
            p += 2;
        }
    }
    return sqlite3_str_finish(b);
}

int store_slice_hash(d25_store *s, const char *schema, const d25_package_info *pi, char hex[65], d25_error *err)
{
    struct sha256_ctx h;
    sha256_init(&h);
    char magic[32];
    snprintf(magic, sizeof magic, "duty25-package %d\n", D25_PACKAGE_FORMAT);
    sha256_update(&h, strlen(magic), (const uint8_t *)magic);
    hash_text(&h, pi->edition[0] ? pi->edition : NULL);
    hash_text(&h, pi->level[0] ? pi->level : NULL);
    hash_text(&h, pi->district[0] ? pi->district : NULL);
    hash_text(&h, pi->period);
    char num[32];
    int n = snprintf(num, sizeof num, "I%d;", pi->schema_version);
    sha256_update(&h, (size_t)n, (const uint8_t *)num);
    hash_text(&h, pi->created);
    sha256_update(&h, 1, (const uint8_t *)"\n");
    for (size_t t = 0; t < sizeof canon / sizeof canon[0]; t++) {
        char *sql = with_schema(canon[t].sql, schema);
        sqlite3_stmt *q = NULL;
        int rc = sql ? sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) : SQLITE_NOMEM;
        sqlite3_free(sql);
        if (rc != SQLITE_OK)
            return d25_store_fail(s, err, "计算数据包校验值");
        sha256_update(&h, strlen(canon[t].name), (const uint8_t *)canon[t].name);
        sha256_update(&h, 1, (const uint8_t *)"\n");
        sqlite3_bind_text(q, 1, pi->period, -1, SQLITE_STATIC);
        store_bind_text(q, 2, pi->edition);
        int step;
        while ((step = sqlite3_step(q)) == SQLITE_ROW) {
            for (int c = 0; c < sqlite3_column_count(q); c++)
                hash_value(&h, sqlite3_column_value(q, c));
            sha256_update(&h, 1, (const uint8_t *)"\n");
        }
        sqlite3_finalize(q);
        if (step != SQLITE_DONE)
            return d25_store_fail(s, err, "计算数据包校验值");
    }
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_digest(&h, sizeof d, d);
    store_hex(d, hex);
    return 0;
}

int d25_store_export(d25_store *s, const char *edition, const char *level, const char *name, int period,
                     const char *out_path, d25_package_info *info, d25_error *err)
{
    d25_package_info pi = {0};
    d25_copy(pi.edition, sizeof pi.edition, edition ? edition : "");
    d25_copy(pi.level, sizeof pi.level, level ? level : "district");
    d25_copy(pi.district, sizeof pi.district, name ? name : "");
    /* A district's own rows have no district; a city's are its districts'. */
    const char *whose = strcmp(pi.level, "district") == 0 ? "district IS NULL" : "district IS NOT NULL";
    store_period_text(period, pi.period, sizeof pi.period);
    pi.schema_version = store_schema_latest();
    store_now_text(pi.created, sizeof pi.created);

    size_t tn = strlen(out_path) + 16;
    char *tmp = malloc(tn);
    if (!tmp)
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    snprintf(tmp, tn, "%s.tmp-XXXXXX", out_path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        d25_fail(err, D25_E_IO, "无法建立临时文件 %s（%s）", tmp, strerror(errno));
        free(tmp);
        return -1;
    }
    close(fd);
    int rc = -1;
    bool attached = false, began = false;
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(s->db, "ATTACH ?1 AS pkg", -1, &q, NULL) != SQLITE_OK) {
        d25_store_fail(s, err, "建立数据包");
        goto done;
    }
    sqlite3_bind_text(q, 1, tmp, -1, SQLITE_STATIC);
    int step = sqlite3_step(q);
    sqlite3_finalize(q);
    q = NULL;
    if (step != SQLITE_DONE) {
        d25_store_fail(s, err, "建立数据包");
        goto done;
    }
    attached = true;
    if (d25_store_exec(s, "BEGIN IMMEDIATE", err) < 0)
        goto done;
    began = true;
    char *sql = sqlite3_mprintf(
        "PRAGMA pkg.user_version = %d;"
        "CREATE TABLE pkg.package (edition TEXT NOT NULL, district TEXT NOT NULL, period TEXT NOT NULL,"
        " schema_version INTEGER NOT NULL, created TEXT NOT NULL, sha256 TEXT NOT NULL, level TEXT NOT NULL,"
        " format INTEGER NOT NULL);"
        "CREATE TABLE pkg.units AS SELECT * FROM main.units WHERE %s ORDER BY district, code;"
        "CREATE TABLE pkg.returns AS SELECT * FROM main.returns r WHERE %s"
        " AND ifnull(r.period, substr(r.received, 1, 7)) = %Q AND r.withdrawn = 0"
        " AND (%Q = '' OR r.edition IN (%Q, '')) ORDER BY id;"
        /* A return stored before editions were recorded travels as one
         * of this package's edition: the sender vouches for it. */
        "UPDATE pkg.returns SET edition = %Q WHERE edition = '';"
        "CREATE TABLE pkg.return_summaries AS SELECT * FROM main.return_summaries"
        " WHERE return_id IN (SELECT id FROM pkg.returns) ORDER BY return_id;"
        "CREATE TABLE pkg.return_details AS SELECT * FROM main.return_details"
        " WHERE return_id IN (SELECT id FROM pkg.returns) ORDER BY return_id;"
        "CREATE TABLE pkg.findings AS SELECT * FROM main.findings"
        " WHERE return_id IN (SELECT id FROM pkg.returns) ORDER BY return_id, seq;"
        /* Indexes for the reader (the hash's canonical order and joins, the
         * merge's copies): not part of the content, not hashed. */
        "CREATE INDEX pkg.returns_id ON returns(id);"
        "CREATE INDEX pkg.returns_sha256 ON returns(district, sha256);"
        "CREATE INDEX pkg.return_summaries_id ON return_summaries(return_id);"
        "CREATE INDEX pkg.return_details_id ON return_details(return_id);"
        "CREATE INDEX pkg.findings_id ON findings(return_id, seq);",
        pi.schema_version, whose, whose, pi.period, pi.edition, pi.edition, pi.edition);
    if (!sql) {
        d25_fail(err, D25_E_NOMEM, "内存不足");
        goto done;
    }
    int erc = d25_store_exec(s, sql, err);
    sqlite3_free(sql);
    if (erc < 0 || store_slice_hash(s, "pkg", &pi, pi.sha256, err) < 0)
        goto done;
    if (sqlite3_prepare_v2(s->db, "INSERT INTO pkg.package VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", -1, &q, NULL) !=
        SQLITE_OK) {
        d25_store_fail(s, err, "建立数据包");
        goto done;
    }
    sqlite3_bind_text(q, 1, pi.edition, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, pi.district, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, pi.period, -1, SQLITE_STATIC);
    sqlite3_bind_int(q, 4, pi.schema_version);
    sqlite3_bind_text(q, 5, pi.created, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 6, pi.sha256, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 7, pi.level, -1, SQLITE_STATIC);
    sqlite3_bind_int(q, 8, D25_PACKAGE_FORMAT);
    step = sqlite3_step(q);
    sqlite3_finalize(q);
    if (step != SQLITE_DONE) {
        d25_store_fail(s, err, "建立数据包");
        goto done;
    }
    sqlite3_stmt *cnt;
    if (sqlite3_prepare_v2(s->db, "SELECT (SELECT count(*) FROM pkg.returns), (SELECT count(*) FROM pkg.units)", -1, &cnt,
                           NULL) == SQLITE_OK &&
        sqlite3_step(cnt) == SQLITE_ROW) {
        pi.returns = sqlite3_column_int(cnt, 0);
        pi.units = sqlite3_column_int(cnt, 1);
    }
    sqlite3_finalize(cnt);
    if (d25_store_exec(s, "COMMIT", err) < 0)
        goto done;
    began = false;
    if (d25_store_exec(s, "DETACH pkg", err) < 0)
        goto done;
    attached = false;
    if (rename(tmp, out_path) != 0) {
        d25_fail(err, D25_E_IO, "无法写出数据包 %s（%s）", out_path, strerror(errno));
        goto done;
    }
    if (info)
        *info = pi;
    rc = 0;
done:
    if (began)
        d25_store_exec(s, "ROLLBACK", NULL);
    if (attached)
        d25_store_exec(s, "DETACH pkg", NULL);
    if (rc < 0)
        unlink(tmp);
    free(tmp);
    return rc;
}
