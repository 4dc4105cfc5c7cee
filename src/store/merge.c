/*
 * store merge: a city's store takes its districts' months, from packages
 * (d25_store_export) or from a district's whole database (see store.h,
 * docs/city.md).  The file is attached to the city's connection, checked
 * (integrity, kind, schema, edition, district, hash) before anything is
 * written, then merged in one transaction: nothing is ever half-merged.
 * Units and returns take the district's name (schema 6 keys them by
 * (district, code)); return ids are renumbered and every reference to
 * them (superseded_by, summaries, details, findings) follows.
 */
#include "storeint.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../util/buf.h"
#include "../util/text.h"

/* Prepare sql and bind the arguments (fmt: 't' text or NULL, 'i' int64);
 * NULL when it does not prepare. */
static sqlite3_stmt *prepare_bound(d25_store *s, const char *sql, const char *fmt, va_list ap)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
        return NULL;
    for (int i = 0; fmt[i]; i++) {
        if (fmt[i] == 't')
            store_bind_text(q, i + 1, va_arg(ap, const char *));
        else
            sqlite3_bind_int64(q, i + 1, (sqlite3_int64)va_arg(ap, int64_t));
    }
    return q;
}

/* Prepare, bind as prepare_bound and step once.  Returns the step's result
 * (SQLITE_ROW leaves *out open for the caller to read and finalize;
 * otherwise *out is finalized), or -1 when it does not prepare. */
static int step_sql(d25_store *s, sqlite3_stmt **out, const char *sql, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sqlite3_stmt *q = prepare_bound(s, sql, fmt, ap);
    va_end(ap);
    if (!q)
        return -1;
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW && out) {
        *out = q;
        return rc;
    }
    sqlite3_finalize(q);
    if (out)
        *out = NULL;
    return rc;
}

/* The same for a statement whose rows are not wanted: 0 when it ran. */
static int exec_ok(d25_store *s, const char *sql, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sqlite3_stmt *q = prepare_bound(s, sql, fmt, ap);
    va_end(ap);
    if (!q)
        return -1;
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

static void col_copy(sqlite3_stmt *q, int c, char *dst, size_t n)
{
    const char *t = (const char *)sqlite3_column_text(q, c);
    d25_copy(dst, n, t ? t : "");
}

/* A slice found in the file, before merging. */
typedef struct {
    d25_package_info pi;
} slice;

static int attach(d25_store *s, const char *path, d25_error *err)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(s->db, "ATTACH ?1 AS src", -1, &q, NULL) != SQLITE_OK)
        return d25_store_fail(s, err, "打开待汇总文件");
    sqlite3_bind_text(q, 1, path, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE)
        return d25_fail(err, D25_E_DB, "文件 %s 已损坏或不是 SQLite 文件（%s），未汇总。请让区县重新导出", path,
                        sqlite3_errmsg(s->db));
    return 0;
}

static void detach(d25_store *s) { sqlite3_exec(s->db, "DETACH src", NULL, NULL, NULL); }

/* integrity_check, then the kind and schema version: 1 package, 0 database. */
static int inspect(d25_store *s, const char *path, int *version, d25_error *err)
{
    sqlite3_stmt *q;
    int rc = step_sql(s, &q, "PRAGMA src.integrity_check", "");
    bool ok = rc == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(q, 0), "ok") == 0;
    if (rc == SQLITE_ROW)
        ok = ok && sqlite3_step(q) == SQLITE_DONE;
    sqlite3_finalize(q);
    if (!ok)
        return d25_fail(err, D25_E_DB, "文件 %s 已损坏（SQLite 完整性检查未通过：%s），未汇总。请让区县重新导出", path,
                        rc == SQLITE_ROW || rc == SQLITE_DONE ? "数据页有误" : sqlite3_errmsg(s->db));
    rc = step_sql(s, &q, "PRAGMA src.user_version", "");
    *version = rc == SQLITE_ROW ? sqlite3_column_int(q, 0) : -1;
    sqlite3_finalize(q);
    rc = step_sql(s, &q,
                  "SELECT sum(name = 'package'), sum(name = 'returns'), sum(name = 'units') FROM src.sqlite_master"
                  " WHERE type = 'table'",
                  "");
    int pkg = rc == SQLITE_ROW ? sqlite3_column_int(q, 0) : 0;
    int ret = rc == SQLITE_ROW ? sqlite3_column_int(q, 1) : 0;
    int uni = rc == SQLITE_ROW ? sqlite3_column_int(q, 2) : 0;
    sqlite3_finalize(q);
    if (!ret || !uni)
        return d25_fail(err, D25_E_DB, "文件 %s 不是 duty25 的数据包或数据库，未汇总", path);
    if (*version > store_schema_latest())
        return d25_fail(err, D25_E_DB, "文件 %s 的结构版本为 %d，由更新版本的 duty25 写出（本程序支持到 %d），未汇总。请升级 duty25",
                        path, *version, store_schema_latest());
    return pkg ? 1 : 0;
}

static bool listed(const d25_merge_opts *o, const char *district)
{
    if (!o->n_districts)
        return true;
    for (size_t i = 0; i < o->n_districts; i++)
        if (strcmp(o->districts[i], district) == 0)
            return true;
    return false;
}

static const char *level_word(const char *level)
{
    return strcmp(level, "district") == 0 ? "区县" : strcmp(level, "city") == 0 ? "市" : level;
}

static int read_package(d25_store *s, const char *path, const d25_merge_opts *o, slice *sl, d25_error *err)
{
    sqlite3_stmt *q;
    /* A package of format 1 has neither column: written by an older duty25,
     * its edition is the rule set's display name and its hash leaves out
     * each return's edition, so it cannot say which campaign its returns
     * belong to.  Exporting again takes a minute; guessing could count one
     * campaign's returns in another's figures. */
    if (sqlite3_prepare_v2(s->db, "SELECT format, level FROM src.package", -1, &q, NULL) != SQLITE_OK)
        return d25_fail(err, D25_E_PKG_FORMAT,
                        "数据包 %s 由旧版 duty25 导出（没有写明规则版本编号和数据包格式），未汇总。请让报送方安装新版 duty25 后"
                        "重新导出该月的数据包（duty25 export）",
                        path);
    sqlite3_finalize(q);
    int rc = step_sql(s, &q,
                      "SELECT edition, district, period, schema_version, created, sha256, (SELECT count(*) FROM src.package),"
                      " level, format FROM src.package",
                      "");
    if (rc != SQLITE_ROW || sqlite3_column_int(q, 6) != 1) {
        sqlite3_finalize(q);
        return d25_fail(err, D25_E_DB, "数据包 %s 的说明表（package）不是一行，未汇总", path);
    }
    d25_package_info *pi = &sl->pi;
    col_copy(q, 0, pi->edition, sizeof pi->edition);
    col_copy(q, 1, pi->district, sizeof pi->district);
    col_copy(q, 2, pi->period, sizeof pi->period);
    pi->schema_version = sqlite3_column_int(q, 3);
    col_copy(q, 4, pi->created, sizeof pi->created);
    char stated[65];
    col_copy(q, 5, stated, sizeof stated);
    col_copy(q, 7, pi->level, sizeof pi->level);
    int format = sqlite3_column_int(q, 8);
    sqlite3_finalize(q);
    if (format > D25_PACKAGE_FORMAT)
        return d25_fail(err, D25_E_PKG_FORMAT, "数据包 %s 的格式为 %d，由更新版本的 duty25 导出（本程序支持到 %d），未汇总。请升级 duty25",
                        path, format, D25_PACKAGE_FORMAT);
    if (format < D25_PACKAGE_FORMAT)
        return d25_fail(err, D25_E_PKG_FORMAT, "数据包 %s 的格式为 %d（旧版 duty25 导出），未汇总。请让报送方用新版 duty25 重新导出",
                        path, format);
    if (pi->schema_version != store_schema_latest())
        return d25_fail(err, D25_E_DB, "数据包 %s 的结构版本为 %d，本程序为 %d，未汇总。%s", path, pi->schema_version,
                        store_schema_latest(),
                        pi->schema_version > store_schema_latest() ? "请升级 duty25" : "请让报送方用新版 duty25 重新导出");
    if (o->from_level && strcmp(pi->level, o->from_level) != 0)
        return d25_fail(err, D25_E_PKG_LEVEL, "数据包 %s 是%s一级（%s）导出的，本库只汇总%s一级的数据包，未汇总", path,
                        level_word(pi->level), pi->district, level_word(o->from_level));
    if (o->edition && *o->edition && strcmp(pi->edition, o->edition) != 0)
        return d25_fail(err, D25_E_PKG_EDITION,
                        "数据包 %s 属于规则版本“%s”，本库汇总的是“%s”，版本不同，未汇总。请让%s用本活动的配置导出", path,
                        pi->edition[0] ? pi->edition : "（未写明）", o->edition, pi->district[0] ? pi->district : "报送方");
    if (!pi->district[0])
        return d25_fail(err, D25_E_DB, "数据包 %s 没有写明区县（区县的配置 [campaign] district 为空），未汇总", path);
    if (!listed(o, pi->district))
        return d25_fail(err, D25_E_DB, "数据包 %s 来自“%s”，不在配置 [organisation] districts 所列的%s中，未汇总", path,
                        pi->district, level_word(pi->level));
    if (store_slice_hash(s, "src", pi, pi->sha256, err) < 0)
        return -1;
    if (strcmp(pi->sha256, stated) != 0)
        return d25_fail(err, D25_E_PKG_HASH, "数据包 %s 的内容与其校验值不符（导出后被改动或传输中损坏），未汇总。请让%s重新导出",
                        path, pi->district);
    return 0;
}

/* The months of a district's database, each a slice. */
static int read_database(d25_store *s, const char *path, const d25_merge_opts *o, slice **out, size_t *n, d25_error *err)
{
    sqlite3_stmt *q;
    int rc = step_sql(s, &q, "SELECT count(*) FROM src.units WHERE district IS NOT NULL", "");
    int merged = rc == SQLITE_ROW ? sqlite3_column_int(q, 0) : 0;
    sqlite3_finalize(q);
    /* A city takes a district's own database; a province a city's merged one. */
    bool want_merged = o->from_level && strcmp(o->from_level, "district") != 0;
    if (merged && !want_merged)
        return d25_fail(err, D25_E_PKG_LEVEL, "%s 是汇总后的（市一级的）数据库，不是区县的数据库，未汇总", path);
    if (!merged && want_merged)
        return d25_fail(err, D25_E_PKG_LEVEL, "%s 不是市一级汇总后的数据库，省一级只汇总各市的数据，未汇总", path);
    if (!o->district || !*o->district)
        return d25_fail(err, D25_E_DB, "%s 是%s的数据库，没有写明属于谁：请用 --district 指明它属于哪个%s", path,
                        want_merged ? "市" : "区县", want_merged ? "市" : "区县");
    if (!listed(o, o->district))
        return d25_fail(err, D25_E_DB, "%s“%s”不在配置 [organisation] districts 所列的%s中，%s 未汇总", want_merged ? "市" : "区县",
                        o->district, want_merged ? "市" : "区县", path);
    /* A database of another campaign only: refused by name, as its package would be. */
    if (o->edition && *o->edition) {
        int rc2 = step_sql(s, &q,
                           "SELECT sum(edition IN (?1, '')), (SELECT edition FROM src.returns WHERE edition NOT IN (?1, '')"
                           " LIMIT 1) FROM src.returns WHERE withdrawn = 0",
                           "t", o->edition);
        bool none = rc2 == SQLITE_ROW && sqlite3_column_int(q, 0) == 0 && sqlite3_column_type(q, 1) != SQLITE_NULL;
        char other[256] = "";
        if (none)
            col_copy(q, 1, other, sizeof other);
        sqlite3_finalize(q);
        if (none)
            return d25_fail(err, D25_E_PKG_EDITION, "%s 中的报表属于规则版本“%s”，本库汇总的是“%s”，版本不同，未汇总", path, other,
                            o->edition);
    }
    if (sqlite3_prepare_v2(s->db,
                           "SELECT ifnull(period, substr(received, 1, 7)) AS p, max(stored) FROM src.returns"
                           " WHERE withdrawn = 0 AND (?1 IS NULL OR edition IN (?1, '')) GROUP BY p ORDER BY p",
                           -1, &q, NULL) != SQLITE_OK)
        return d25_store_fail(s, err, "读取区县数据库");
    store_bind_text(q, 1, o->edition);
    size_t cap = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        if (d25_grow((void **)out, &cap, *n + 1, sizeof **out) < 0) {
            sqlite3_finalize(q);
            return d25_fail(err, D25_E_NOMEM, "内存不足");
        }
        slice *sl = &(*out)[(*n)++];
        memset(sl, 0, sizeof *sl);
        col_copy(q, 0, sl->pi.period, sizeof sl->pi.period);
        col_copy(q, 1, sl->pi.created, sizeof sl->pi.created);
        d25_copy(sl->pi.district, sizeof sl->pi.district, o->district);
        /* The database's returns of this store's edition (and those stored
         * before editions were recorded, taken as of it). */
        d25_copy(sl->pi.edition, sizeof sl->pi.edition, o->edition ? o->edition : "");
        d25_copy(sl->pi.level, sizeof sl->pi.level, want_merged ? "city" : "district");
        sl->pi.schema_version = store_schema_latest();
    }
    sqlite3_finalize(q);
    for (size_t i = 0; i < *n; i++)
        if (store_slice_hash(s, "src", &(*out)[i].pi, (*out)[i].pi.sha256, err) < 0)
            return -1;
    return 0;
}

/* The whole path of a row of the sender below this store: a district's own
 * rows take its name ?1, a city's rows "CITY/DISTRICT". */
#define PATH(col) "CASE WHEN " col " IS NULL THEN ?1 ELSE ?1 || '/' || " col " END"

static const char units_sql[] =
    "INSERT INTO main.units(district, code, name, type, area, flags, aliases, contact, phone, active_from, active_until,"
    " in_registry, first_seen, changed) SELECT " PATH("district") ", code, name, type, area, flags, aliases, contact, phone, active_from,"
    " active_until, in_registry, first_seen, changed FROM src.units WHERE true"
    " ON CONFLICT(district, code) DO UPDATE SET name = excluded.name, type = excluded.type, area = excluded.area,"
    " flags = excluded.flags, aliases = excluded.aliases, contact = excluded.contact, phone = excluded.phone,"
    " active_from = excluded.active_from, active_until = excluded.active_until, in_registry = excluded.in_registry,"
    " changed = excluded.changed WHERE excluded.changed >= units.changed";

/* Merge one slice inside the open transaction. */
static int apply(d25_store *s, const char *path, bool package, const slice *sl, const d25_merge_opts *o,
                 d25_merged_slice *res, d25_error *err)
{
    const d25_package_info *pi = &sl->pi;
    memset(res, 0, sizeof *res);
    d25_copy(res->district, sizeof res->district, pi->district);
    d25_copy(res->period, sizeof res->period, pi->period);
    sqlite3_stmt *q;
    int rc = step_sql(s, &q, "SELECT 1 FROM packages WHERE district = ?1 AND period = ?2 AND sha256 = ?3", "ttt", pi->district,
                      pi->period, pi->sha256);
    sqlite3_finalize(q);
    if (rc == SQLITE_ROW) {
        res->outcome = D25_SLICE_UNCHANGED;
        return 0;
    }
    int64_t current = 0;
    rc = step_sql(s, &q, "SELECT id, created FROM packages WHERE district = ?1 AND period = ?2 AND replaced_by IS NULL", "tt",
                  pi->district, pi->period);
    if (rc == SQLITE_ROW) {
        current = sqlite3_column_int64(q, 0);
        bool newer = strcmp((const char *)sqlite3_column_text(q, 1), pi->created) > 0;
        sqlite3_finalize(q);
        if (newer) {
            res->outcome = D25_SLICE_OUTDATED;
            return 0;
        }
    }
    char now[32];
    store_now_text(now, sizeof now);
    if (exec_ok(s,
                "INSERT INTO packages(district, period, edition, schema_version, created, sha256, kind, file, merged)"
                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                "tttittttt", pi->district, pi->period, pi->edition[0] ? pi->edition : NULL, (int64_t)pi->schema_version,
                pi->created, pi->sha256, package ? "package" : "database", path, now) < 0)
        return d25_store_fail(s, err, "记录汇总的数据包");
    int64_t id = (int64_t)sqlite3_last_insert_rowid(s->db);
    if (current && (exec_ok(s, "UPDATE packages SET replaced_by = ?1 WHERE id = ?2", "ii", id, current) < 0 ||
                    exec_ok(s, "UPDATE returns SET withdrawn = 1 WHERE package_id = ?1", "i", current) < 0))
        return d25_store_fail(s, err, "替换旧的数据包");
    res->outcome = current ? D25_SLICE_REPLACED : D25_SLICE_MERGED;
#define SL "ifnull(r.period, substr(r.received, 1, 7)) = ?3 AND r.withdrawn = 0 AND (?5 IS NULL OR r.edition IN (?5, ''))"
    if (exec_ok(s,
                "INSERT INTO main.returns(sha256, file_name, path, size, has_checklist, has_progress, unit_code, unit_written,"
                " period, period_from, report_date_written, reporter_written, phone_written, seal, received, verdict, errors,"
                " warnings, superseded_by, run_id, stored, received_source, file_mtime, district, package_id, withdrawn,"
                " edition)"
                " SELECT sha256, file_name, path, size, has_checklist, has_progress, unit_code, unit_written, period,"
                " period_from, report_date_written, reporter_written, phone_written, seal, received, verdict, errors,"
                " warnings, NULL, ?4, stored, received_source, file_mtime, " PATH("r.district") ", ?2, 0,"
                /* each return keeps its edition; one stored before editions
                 * were recorded is of the slice's */
                " coalesce(nullif(r.edition, ''), ?5, '') FROM src.returns r WHERE " SL " ORDER BY id",
                "titit", pi->district, id, pi->period, o->run_id > 0 ? o->run_id : (int64_t)0, pi->edition) < 0)
        return d25_store_fail(s, err, "汇总报表");
    res->returns = sqlite3_changes(s->db);
    if (exec_ok(s, "DELETE FROM temp.merge_map", "") < 0 ||
        exec_ok(s,
                "INSERT INTO temp.merge_map(old, new) SELECT r.id, n.id FROM src.returns r JOIN main.returns n"
                " ON n.sha256 = r.sha256 AND n.district = " PATH("r.district") " AND n.package_id = ?2 WHERE " SL,
                "titit", pi->district, id, pi->period, (int64_t)0, pi->edition) < 0 ||
        exec_ok(s,
                /* only the few returns that were corrected: no subquery per return */
                "UPDATE main.returns SET superseded_by = x.sup FROM (SELECT m.new AS rid, m2.new AS sup"
                " FROM src.returns o JOIN temp.merge_map m ON m.old = o.id JOIN temp.merge_map m2 ON m2.old = o.superseded_by"
                " WHERE o.superseded_by IS NOT NULL) x WHERE main.returns.id = x.rid",
                "") < 0 ||
        exec_ok(s,
                "INSERT INTO main.return_summaries(return_id, statuses, progress) SELECT m.new, x.statuses, x.progress"
                " FROM src.return_summaries x JOIN temp.merge_map m ON m.old = x.return_id",
                "") < 0 ||
        exec_ok(s,
                "INSERT INTO main.return_details(return_id, answers, progress) SELECT m.new, x.answers, x.progress"
                " FROM src.return_details x JOIN temp.merge_map m ON m.old = x.return_id",
                "") < 0 ||
        exec_ok(s,
                "INSERT INTO main.findings(return_id, seq, source, code, severity, place, sub_item, message)"
                " SELECT m.new, x.seq, x.source, x.code, x.severity, x.place, x.sub_item, x.message"
                " FROM src.findings x JOIN temp.merge_map m ON m.old = x.return_id",
                "") < 0 ||
        exec_ok(s,
                "INSERT INTO period_versions(period, version) VALUES (?1, 1)"
                " ON CONFLICT(period) DO UPDATE SET version = version + 1",
                "t", pi->period) < 0)
        return d25_store_fail(s, err, "汇总报表");
#undef SL
    return 0;
}

int d25_store_merge(d25_store *s, const char *path, const d25_merge_opts *o, d25_merged_slice **out, size_t *n,
                    d25_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return d25_fail(err, D25_E_IO, "找不到文件 %s", path);
    /* A district's database of an older schema is brought forward first,
     * as any duty25 opening it would (a reader migrates what it may write). */
    int version = 0, kind;
    if (attach(s, path, err) < 0)
        return -1;
    kind = inspect(s, path, &version, err);
    if (kind == 0 && version < store_schema_latest()) {
        detach(s);
        d25_store *old = d25_store_open(path, -1, err);
        if (!old)
            return -1;
        d25_store_close(old);
        if (attach(s, path, err) < 0)
            return -1;
        kind = inspect(s, path, &version, err);
    }
    slice *sl = NULL;
    size_t nsl = 0;
    int rc = -1;
    bool began = false;
    if (kind < 0)
        goto done;
    if (kind == 1) {
        if (!(sl = calloc(1, sizeof *sl))) {
            d25_fail(err, D25_E_NOMEM, "内存不足");
            goto done;
        }
        nsl = 1;
        if (read_package(s, path, o, sl, err) < 0)
            goto done;
    } else if (read_database(s, path, o, &sl, &nsl, err) < 0) {
        goto done;
    }
    const char *district = sl && nsl ? sl[0].pi.district : o->district;
    if (d25_store_exec(s, "CREATE TEMP TABLE IF NOT EXISTS merge_map(old INTEGER PRIMARY KEY, new INTEGER NOT NULL)", err) < 0 ||
        d25_store_exec(s, "BEGIN IMMEDIATE", err) < 0)
        goto done;
    began = true;
    if (exec_ok(s, units_sql, "t", district) < 0) {
        d25_store_fail(s, err, "汇总单位名册");
        goto done;
    }
    size_t cap = *n, n0 = *n;
    for (size_t i = 0; i < nsl; i++) {
        d25_merged_slice res;
        if (apply(s, path, kind == 1, &sl[i], o, &res, err) < 0) {
            *n = n0; /* rolled back: nothing of this file was merged */
            goto done;
        }
        if (d25_grow((void **)out, &cap, *n + 1, sizeof **out) < 0) {
            *n = n0;
            d25_fail(err, D25_E_NOMEM, "内存不足");
            goto done;
        }
        (*out)[(*n)++] = res;
    }
    if (d25_store_exec(s, "COMMIT", err) < 0) {
        *n = n0;
        goto done;
    }
    began = false;
    rc = 0;
done:
    if (began)
        d25_store_exec(s, "ROLLBACK", NULL);
    free(sl);
    detach(s);
    return rc;
}

/* ---- the city's reads ---- */

static char *dup_col(sqlite3_stmt *q, int c)
{
    const char *t = (const char *)sqlite3_column_text(q, c);
    return strdup(t ? t : "");
}

static int period_of(const char *t, int dflt)
{
    int y, m;
    if (t && sscanf(t, "%d-%d", &y, &m) == 2 && m >= 1 && m <= 12)
        return y * 12 + m - 1;
    return dflt;
}

int d25_store_district_units(d25_store *s, const char *district, d25_registry **out, d25_error *err)
{
    *out = NULL;
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT code, name, type, area, flags, contact, phone, active_from, active_until FROM units"
                           " WHERE district = ?1 AND in_registry = 1 ORDER BY rowid",
                           -1, &q, NULL) != SQLITE_OK)
        return d25_store_fail(s, err, "读取区县单位名册");
    sqlite3_bind_text(q, 1, district, -1, SQLITE_STATIC);
    d25_unit *v = NULL;
    size_t n = 0, cap = 0;
    int step;
    bool oom = false;
    while (!oom && (step = sqlite3_step(q)) == SQLITE_ROW) {
        if (d25_grow((void **)&v, &cap, n + 1, sizeof *v) < 0) {
            oom = true;
            break;
        }
        d25_unit *u = &v[n++];
        memset(u, 0, sizeof *u);
        u->code = dup_col(q, 0);
        u->name = dup_col(q, 1);
        u->type = dup_col(q, 2);
        u->area = dup_col(q, 3);
        u->flags = dup_col(q, 4);
        u->contact = dup_col(q, 5);
        u->phone = dup_col(q, 6);
        u->from = period_of((const char *)sqlite3_column_text(q, 7), 0);
        u->until = period_of((const char *)sqlite3_column_text(q, 8), 0x7fffffff);
        u->line = (int)n;
        oom = !u->code || !u->name || !u->type || !u->area || !u->flags || !u->contact || !u->phone;
    }
    sqlite3_finalize(q);
    char where[300];
    snprintf(where, sizeof where, "%s（%s）", s->path, district);
    if (oom) {
        d25_registry *r = d25_registry_adopt(where, v, n, err); /* frees what was read */
        d25_registry_free(r);
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    }
    if (!(*out = d25_registry_adopt(where, v, n, err)))
        return -1;
    return 0;
}

int d25_store_districts(d25_store *s, char ***out, size_t *n, d25_error *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT district FROM units WHERE district IS NOT NULL GROUP BY district ORDER BY min(rowid)", -1,
                           &q, NULL) != SQLITE_OK)
        return d25_store_fail(s, err, "读取区县");
    size_t cap = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        char *d = dup_col(q, 0);
        if (!d || d25_grow((void **)out, &cap, *n + 1, sizeof **out) < 0) {
            free(d);
            sqlite3_finalize(q);
            return d25_fail(err, D25_E_NOMEM, "内存不足");
        }
        (*out)[(*n)++] = d;
    }
    sqlite3_finalize(q);
    return 0;
}

int d25_store_district_merged(d25_store *s, const char *district, const char *period)
{
    sqlite3_stmt *q;
    int rc = step_sql(s, &q, "SELECT 1 FROM packages WHERE district = ?1 AND period = ?2 AND replaced_by IS NULL", "tt", district,
                      period);
    sqlite3_finalize(q);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int d25_store_district_sent(d25_store *s, const char *district, const char *period, char *out, size_t n)
{
    sqlite3_stmt *q;
    int rc = step_sql(s, &q, "SELECT min(created) FROM packages WHERE district = ?1 AND period = ?2 HAVING count(*) > 0", "tt",
                      district, period);
    if (rc == SQLITE_ROW) {
        col_copy(q, 0, out, n);
        sqlite3_finalize(q);
        return 1;
    }
    return rc == SQLITE_DONE ? 0 : -1;
}
