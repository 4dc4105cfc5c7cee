/* store: the SQLite database of returns (see store.h, docs/store.md). */
#include "store.h"
#include "../util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/text.h"
#include "../util/buf.h"

/* Statements used once per return, prepared once per handle. */
enum { ST_DETAILS, ST_FINDING, ST_FIND_HASH, ST_RETURN, ST_SIBLINGS, ST_SUPERSEDE, ST_DIRTY, ST_SUMMARY, ST_COUNT_ };

struct d25_store {
    sqlite3 *db;
    char *path;
    int lock_fd;
    int reading;             /* d25_store_read_begin calls not yet ended */
    bool read_began;         /* ... and the outermost began the transaction */
    sqlite3_stmt *st[ST_COUNT_];
};

static const char *const st_sql[ST_COUNT_] = {
    [ST_DETAILS] = "INSERT INTO return_details(return_id, answers, progress) VALUES (?,?,?)",
    [ST_FINDING] = "INSERT INTO findings(return_id, seq, source, code, severity, place, sub_item, message)"
                   " VALUES (?,?,'validate',?,?,?,?,?)",
    [ST_FIND_HASH] = "SELECT id, file_name FROM returns WHERE sha256 = ?",
    [ST_RETURN] = "INSERT INTO returns(sha256, file_name, path, size, has_checklist, has_progress, unit_code,"
                  " unit_written, period, period_from, report_date_written, reporter_written, phone_written,"
                  " seal, received, verdict, errors, warnings, run_id, stored)"
                  " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    [ST_SIBLINGS] = "SELECT id, has_checklist, has_progress, superseded_by, file_name FROM returns"
                    " WHERE unit_code = ? AND period = ? AND verdict = 'accepted'"
                    " ORDER BY received DESC, id DESC",
    [ST_SUPERSEDE] = "UPDATE returns SET superseded_by = ? WHERE id = ?",
    [ST_DIRTY] = "INSERT OR IGNORE INTO dirty_periods(period) VALUES (?)",
    [ST_SUMMARY] = "INSERT INTO return_summaries(return_id, statuses, progress) VALUES (?,?,?)",
};

/* The cached statement, reset and unbound; NULL on error. */
static sqlite3_stmt *stmt(d25_store *s, int which)
{
    sqlite3_stmt *st = s->st[which];
    if (!st) {
        if (sqlite3_prepare_v3(s->db, st_sql[which], -1, SQLITE_PREPARE_PERSISTENT, &s->st[which], NULL) != SQLITE_OK)
            return NULL;
        return s->st[which];
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return st;
}

/* ---- schema ---- */

/* migrations[i] takes the database from user_version i to i + 1.  Never
 * edit a shipped step: add a new one. */
static const char *const migrations[] = {
    /* 0 -> 1 */
    "CREATE TABLE runs ("
    "  id INTEGER PRIMARY KEY,"
    "  command TEXT NOT NULL,"
    "  started TEXT NOT NULL,"
    "  finished TEXT,"
    "  pid INTEGER,"
    "  period TEXT,"
    "  files INTEGER NOT NULL DEFAULT 0,"
    "  added INTEGER NOT NULL DEFAULT 0,"
    "  unchanged INTEGER NOT NULL DEFAULT 0,"
    "  superseded INTEGER NOT NULL DEFAULT 0,"
    "  outdated INTEGER NOT NULL DEFAULT 0,"
    "  rejected INTEGER NOT NULL DEFAULT 0,"
    "  ignored INTEGER NOT NULL DEFAULT 0,"
    "  failed INTEGER NOT NULL DEFAULT 0,"
    "  outcome TEXT);"
    "CREATE TABLE units ("
    "  code TEXT PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  type TEXT NOT NULL,"
    "  area TEXT NOT NULL,"
    "  flags TEXT NOT NULL DEFAULT '',"
    "  aliases TEXT NOT NULL DEFAULT '',"
    "  contact TEXT NOT NULL DEFAULT '',"
    "  phone TEXT NOT NULL DEFAULT '',"
    "  active_from TEXT,"
    "  active_until TEXT,"
    "  in_registry INTEGER NOT NULL DEFAULT 1 CHECK (in_registry IN (0, 1)),"
    "  first_seen TEXT NOT NULL,"
    "  changed TEXT NOT NULL);"
    "CREATE TABLE unit_changes ("
    "  id INTEGER PRIMARY KEY,"
    "  code TEXT NOT NULL REFERENCES units(code),"
    "  run_id INTEGER REFERENCES runs(id),"
    "  at TEXT NOT NULL,"
    "  field TEXT NOT NULL,"
    "  old TEXT,"
    "  new TEXT);"
    "CREATE TABLE returns ("
    "  id INTEGER PRIMARY KEY,"
    "  sha256 TEXT NOT NULL UNIQUE,"
    "  file_name TEXT NOT NULL,"
    "  path TEXT NOT NULL,"
    "  size INTEGER NOT NULL,"
    "  has_checklist INTEGER NOT NULL CHECK (has_checklist IN (0, 1)),"
    "  has_progress INTEGER NOT NULL CHECK (has_progress IN (0, 1)),"
    "  unit_code TEXT REFERENCES units(code),"
    "  unit_written TEXT,"
    "  period TEXT,"
    "  period_from TEXT,"
    "  report_date_written TEXT,"
    "  reporter_written TEXT,"
    "  phone_written TEXT,"
    "  seal INTEGER NOT NULL DEFAULT 0,"
    "  received TEXT NOT NULL,"
    "  verdict TEXT NOT NULL CHECK (verdict IN ('accepted', 'rejected')),"
    "  errors INTEGER NOT NULL,"
    "  warnings INTEGER NOT NULL,"
    "  superseded_by INTEGER REFERENCES returns(id),"
    "  run_id INTEGER REFERENCES runs(id),"
    "  stored TEXT NOT NULL);"
    /* (unit, period, verdict) first: the supersession query runs per return
     * and must not scan the whole month. */
    "CREATE INDEX returns_unit_period ON returns(unit_code, period, verdict);"
    "CREATE INDEX returns_period ON returns(period);"
    "CREATE TABLE answers ("
    "  return_id INTEGER NOT NULL REFERENCES returns(id),"
    "  seq INTEGER NOT NULL,"
    "  sub_item TEXT,"
    "  text_written TEXT,"
    "  raw TEXT,"
    "  status TEXT NOT NULL CHECK (status IN ('none', 'done', 'partial', 'not_done', 'not_applicable')),"
    "  remark TEXT,"
    "  supervision TEXT,"
    "  measure TEXT,"
    "  deadline TEXT,"
    "  place TEXT,"
    "  PRIMARY KEY (return_id, seq)) WITHOUT ROWID;"
    "CREATE TABLE progress_values ("
    "  return_id INTEGER NOT NULL REFERENCES returns(id),"
    "  seq INTEGER NOT NULL,"
    "  field TEXT NOT NULL,"
    "  raw TEXT,"
    "  value INTEGER,"
    "  state TEXT NOT NULL CHECK (state IN ('ok', 'missing', 'invalid', 'unlocated')),"
    "  place TEXT,"
    "  PRIMARY KEY (return_id, seq)) WITHOUT ROWID;"
    "CREATE TABLE findings ("
    "  return_id INTEGER NOT NULL REFERENCES returns(id),"
    "  seq INTEGER NOT NULL,"
    "  source TEXT NOT NULL CHECK (source IN ('validate', 'quality')),"
    "  code TEXT NOT NULL,"
    "  severity TEXT NOT NULL CHECK (severity IN ('error', 'warning')),"
    "  place TEXT,"
    "  sub_item TEXT,"
    "  message TEXT NOT NULL,"
    "  PRIMARY KEY (return_id, seq)) WITHOUT ROWID;"
    "CREATE TABLE dirty_periods (period TEXT PRIMARY KEY);"
    /* The return that counts for each unit, period and form: the newest
     * accepted one holding that form (the rule resupersede() applies). */
    "CREATE VIEW current_returns AS"
    " SELECT id AS return_id, unit_code, period, form, received FROM ("
    "  SELECT id, unit_code, period, 'checklist' AS form, received,"
    "   row_number() OVER (PARTITION BY unit_code, period ORDER BY received DESC, id DESC) AS rn"
    "  FROM returns WHERE verdict = 'accepted' AND has_checklist = 1 AND unit_code IS NOT NULL AND period IS NOT NULL"
    "  UNION ALL"
    "  SELECT id, unit_code, period, 'progress' AS form, received,"
    "   row_number() OVER (PARTITION BY unit_code, period ORDER BY received DESC, id DESC) AS rn"
    "  FROM returns WHERE verdict = 'accepted' AND has_progress = 1 AND unit_code IS NOT NULL AND period IS NOT NULL"
    " ) WHERE rn = 1;",
    /* 1 -> 2: each return's answers and values in one column each, so that
     * a month's figures are read from one row per return instead of a
     * hundred (d25_store_current); kept apart from returns, whose rows stay
     * narrow for the status pass.  Existing returns are filled in. */
    "CREATE TABLE return_summaries ("
    "  return_id INTEGER PRIMARY KEY REFERENCES returns(id),"
    "  statuses TEXT,"
    "  progress_json TEXT);"
    "INSERT INTO return_summaries(return_id, statuses, progress_json) SELECT id,"
    " CASE WHEN has_checklist = 1 THEN (SELECT ifnull(group_concat(x, ';'), '') FROM (SELECT sub_item || '=' || CASE status"
    "  WHEN 'done' THEN 'd' WHEN 'partial' THEN 'p' WHEN 'not_done' THEN 'n' WHEN 'not_applicable' THEN 'a' ELSE 'x' END AS x"
    "  FROM answers WHERE return_id = returns.id AND sub_item IS NOT NULL ORDER BY seq)) END,"
    " CASE WHEN has_progress = 1 THEN (SELECT json_group_array(json_array(field, value, raw, state)) FROM"
    "  (SELECT field, value, raw, state FROM progress_values WHERE return_id = returns.id ORDER BY seq)) END"
    " FROM returns;"
    "CREATE INDEX returns_period_unit ON returns(period, verdict, unit_code, received DESC, id DESC);"
    /* The same choice as before, as "no newer accepted return of the unit
     * and period holds this form": a month is then read through the index
     * above instead of numbering every return of every month. */
    "DROP VIEW current_returns;"
    "CREATE VIEW current_returns AS"
    " SELECT r.id AS return_id, r.unit_code, r.period, 'checklist' AS form, r.received FROM returns r"
    "  WHERE r.verdict = 'accepted' AND r.has_checklist = 1 AND r.unit_code IS NOT NULL AND r.period IS NOT NULL"
    "  AND NOT EXISTS (SELECT 1 FROM returns n WHERE n.period = r.period AND n.verdict = 'accepted'"
    "   AND n.unit_code = r.unit_code AND n.has_checklist = 1"
    "   AND (n.received > r.received OR (n.received = r.received AND n.id > r.id)))"
    " UNION ALL"
    " SELECT r.id, r.unit_code, r.period, 'progress', r.received FROM returns r"
    "  WHERE r.verdict = 'accepted' AND r.has_progress = 1 AND r.unit_code IS NOT NULL AND r.period IS NOT NULL"
    "  AND NOT EXISTS (SELECT 1 FROM returns n WHERE n.period = r.period AND n.verdict = 'accepted'"
    "   AND n.unit_code = r.unit_code AND n.has_progress = 1"
    "   AND (n.received > r.received OR (n.received = r.received AND n.id > r.id)));",
    /* 2 -> 3: a return's checklist rows and progress blanks in one row of
     * return_details (a JSON array each) instead of a row apiece: storing a
     * return then writes three rows, not a hundred.  answers and
     * progress_values become views with the same columns, so what reads
     * them (the quality pass, the office's own queries) reads on. */
    "CREATE TABLE return_details ("
    "  return_id INTEGER PRIMARY KEY REFERENCES returns(id),"
    "  answers TEXT NOT NULL DEFAULT '[]',"
    "  progress TEXT NOT NULL DEFAULT '[]');"
    "INSERT INTO return_details(return_id, answers, progress) SELECT id,"
    " (SELECT json_group_array(json_array(sub_item, text_written, raw, status, remark, supervision, measure, deadline,"
    "   place)) FROM (SELECT * FROM answers WHERE return_id = returns.id ORDER BY seq)),"
    " (SELECT json_group_array(json_array(field, raw, value, state, place)) FROM"
    "   (SELECT * FROM progress_values WHERE return_id = returns.id ORDER BY seq))"
    " FROM returns;"
    "DROP TABLE answers;"
    "DROP TABLE progress_values;"
    "CREATE VIEW answers(return_id, seq, sub_item, text_written, raw, status, remark, supervision, measure, deadline,"
    " place) AS SELECT d.return_id, j.key + 1, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'),"
    " json_extract(j.value, '$[2]'), json_extract(j.value, '$[3]'), json_extract(j.value, '$[4]'),"
    " json_extract(j.value, '$[5]'), json_extract(j.value, '$[6]'), json_extract(j.value, '$[7]'),"
    " json_extract(j.value, '$[8]') FROM return_details d, json_each(d.answers) j;"
    "CREATE VIEW progress_values(return_id, seq, field, raw, value, state, place) AS"
    " SELECT d.return_id, j.key + 1, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'),"
    " json_extract(j.value, '$[2]'), json_extract(j.value, '$[3]'), json_extract(j.value, '$[4]')"
    " FROM return_details d, json_each(d.progress) j;"
    /* Every lookup of returns by unit and period starts with the period:
     * returns_period_unit serves them all, and two fewer indexes are two
     * fewer pages written with every return. */
    "DROP INDEX returns_unit_period;"
    "DROP INDEX returns_period;",
    /* 3 -> 4: the progress summary as separated text (summary_values), not
     * JSON: parsing 10,000 JSON tables was the longest part of a month's
     * figures.  Converted from the JSON in place. */
    "ALTER TABLE return_summaries RENAME COLUMN progress_json TO progress;"
    "UPDATE return_summaries SET progress = (SELECT ifnull(group_concat(x, char(30)), '') FROM"
    " (SELECT json_extract(j.value, '$[0]') || char(31) || substr(ifnull(json_extract(j.value, '$[3]'), 'u'), 1, 1)"
    "  || char(31) || ifnull(json_extract(j.value, '$[1]'), '') || char(31)"
    "  || CASE WHEN json_extract(j.value, '$[3]') = 'ok' AND json_extract(j.value, '$[1]') IS NULL"
    "   THEN replace(replace(ifnull(json_extract(j.value, '$[2]'), ''), char(30), ' '), char(31), ' ') ELSE '' END AS x"
    "  FROM json_each(return_summaries.progress) j ORDER BY j.key))"
    " WHERE progress IS NOT NULL AND json_valid(progress);",
};

int d25_store_fail(d25_store *s, d25_error *err, const char *what)
{
    return d25_fail(err, D25_E_DB, "数据库 %s：%s失败（%s）", s->path, what, sqlite3_errmsg(s->db));
}

int d25_store_exec(d25_store *s, const char *sql, d25_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        d25_fail(err, D25_E_DB, "数据库 %s：执行失败（%s）", s->path, msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static int user_version(d25_store *s, int *v, d25_error *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
        return d25_store_fail(s, err, "读取版本");
    int rc = sqlite3_step(st);
    *v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return d25_store_fail(s, err, "读取版本");
    return 0;
}

static int migrate(d25_store *s, d25_error *err)
{
    int v;
    if (user_version(s, &v, err) < 0)
        return -1;
    int latest = (int)(sizeof migrations / sizeof migrations[0]);
    if (v > latest)
        return d25_fail(err, D25_E_DB, "数据库 %s 的结构版本为 %d，由更新版本的 duty25 创建（本程序支持到 %d），请升级 duty25",
                        s->path, v, latest);
    if (v == latest)
        return 0;
    /* The migration and the version move together, under the write lock
     * SQLite takes for an immediate transaction. */
    if (d25_store_exec(s, "BEGIN IMMEDIATE", err) < 0)
        return -1;
    if (user_version(s, &v, err) < 0) {
        d25_store_exec(s, "ROLLBACK", NULL);
        return -1;
    }
    for (; v < latest; v++) {
        char bump[64];
        snprintf(bump, sizeof bump, "PRAGMA user_version = %d", v + 1);
        if (d25_store_exec(s, migrations[v], err) < 0 || d25_store_exec(s, bump, err) < 0) {
            d25_store_exec(s, "ROLLBACK", NULL);
            return -1;
        }
    }
    return d25_store_exec(s, "COMMIT", err);
}

/* The folders above path, made when missing (util/file's d25_mkdirs);
 * -1 with e set. */
static int make_parent(const char *path, d25_error *e)
{
    char *dir = d25_dirname(path);
    if (!dir)
        return -1;
    int rc = d25_mkdirs(dir, e);
    free(dir);
    return rc;
}

static int take_lock(d25_store *s, double wait_s, d25_error *err);

d25_store *d25_store_open(const char *path, double lock_wait, d25_error *err)
{
    d25_store *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        d25_fail(err, D25_E_NOMEM, "内存不足");
        return NULL;
    }
    s->lock_fd = -1;
    d25_error e = {0};
    if (make_parent(path, &e) < 0) {
        d25_fail(err, D25_E_DB, "数据库 %s：%s", path, e.message);
        free(s->path);
        free(s);
        return NULL;
    }
    /* A writer locks before SQLite touches the file: two first runs must
     * not both create the schema or switch the journal mode. */
    if (lock_wait >= 0 && take_lock(s, lock_wait, err) < 0) {
        d25_store_close(s);
        return NULL;
    }
    int rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        d25_fail(err, D25_E_DB, "数据库 %s 无法打开（%s）", path, s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
        d25_store_close(s);
        return NULL;
    }
    sqlite3_extended_result_codes(s->db, 1);
    /* Readers and the writer wait for each other's short transactions. */
    sqlite3_busy_timeout(s->db, 10000);
    if (d25_store_exec(s, "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;", err) < 0 ||
        migrate(s, err) < 0) {
        d25_store_close(s);
        return NULL;
    }
    return s;
}

void d25_store_close(d25_store *s)
{
    if (!s)
        return;
    for (int i = 0; i < ST_COUNT_; i++)
        sqlite3_finalize(s->st[i]);
    if (s->db)
        sqlite3_close_v2(s->db);
    if (s->lock_fd >= 0)
        close(s->lock_fd); /* releases the flock */
    free(s->path);
    free(s);
}

sqlite3 *d25_store_db(d25_store *s) { return s->db; }
const char *d25_store_path(const d25_store *s) { return s->path; }

/* ---- the writers' lock ---- */

static int take_lock(d25_store *s, double wait_s, d25_error *err)
{
    if (s->lock_fd >= 0)
        return 0;
    size_t n = strlen(s->path) + 6;
    char *lp = malloc(n);
    if (!lp)
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    snprintf(lp, n, "%s.lock", s->path);
    int fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0664);
    if (fd < 0) {
        d25_fail(err, D25_E_DB, "无法创建锁文件 %s（%s）", lp, strerror(errno));
        free(lp);
        return -1;
    }
    double waited = 0;
    while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK && errno != EINTR) {
            d25_fail(err, D25_E_DB, "无法锁定 %s（%s）", lp, strerror(errno));
            close(fd);
            free(lp);
            return -1;
        }
        if (waited >= wait_s) {
            char pid[32] = "";
            ssize_t r = pread(fd, pid, sizeof pid - 1, 0);
            pid[r > 0 ? r : 0] = 0;
            pid[strcspn(pid, "\n")] = 0;
            d25_fail(err, D25_E_LOCKED,
                     "另一个 duty25 进程%s%s%s正在写入数据库 %s（锁文件 %s），已等待 %.0f 秒仍未结束。"
                     "请等它完成后再运行；若确认没有其他 duty25 在运行，锁会随进程结束自动释放",
                     pid[0] ? "（PID " : "", pid, pid[0] ? "）" : "", s->path, lp, wait_s);
            close(fd);
            free(lp);
            return -1;
        }
        usleep(100000);
        waited += 0.1;
    }
    char pid[32];
    int len = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)len, 0) != len) {
        /* The lock holds whether or not the PID could be written. */
    }
    free(lp);
    s->lock_fd = fd;
    return 0;
}

/* ---- time ---- */

void d25_format_time(time_t t, char *out, size_t n)
{
    struct tm tm;
    if (!localtime_r(&t, &tm)) {
        snprintf(out, n, "?");
        return;
    }
    strftime(out, n, "%Y-%m-%d %H:%M:%S", &tm);
}

static void now_text(char *out, size_t n) { d25_format_time(time(NULL), out, n); }

static void period_text(int period, char *out, size_t n)
{
    if (period < 0)
        out[0] = 0;
    else
        d25_format_period(period, out, n);
}

/* Bind text, or NULL for a NULL or empty string. */
static int bind_text(sqlite3_stmt *st, int i, const char *v)
{
    if (!v || !*v)
        return sqlite3_bind_null(st, i);
    return sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

/* ---- runs ---- */

int64_t d25_store_run_begin(d25_store *s, const char *command, int period, d25_error *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "INSERT INTO runs(command, started, pid, period) VALUES (?, ?, ?, ?)", -1, &st, NULL) !=
        SQLITE_OK)
        return d25_store_fail(s, err, "记录运行");
    char now[32], p[16];
    now_text(now, sizeof now);
    period_text(period, p, sizeof p);
    bind_text(st, 1, command);
    bind_text(st, 2, now);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)getpid());
    bind_text(st, 4, p);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return d25_store_fail(s, err, "记录运行");
    return (int64_t)sqlite3_last_insert_rowid(s->db);
}

int d25_store_run_end(d25_store *s, int64_t run_id, const d25_run_counts *c, const char *outcome, d25_error *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "UPDATE runs SET finished = ?, files = ?, added = ?, unchanged = ?, superseded = ?, outdated = ?,"
                           " rejected = ?, ignored = ?, failed = ?, outcome = ? WHERE id = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return d25_store_fail(s, err, "记录运行结果");
    char now[32];
    now_text(now, sizeof now);
    bind_text(st, 1, now);
    int vals[] = {c->files, c->added, c->unchanged, c->superseded, c->outdated, c->rejected, c->ignored, c->failed};
    for (int i = 0; i < 8; i++)
        sqlite3_bind_int(st, 2 + i, vals[i]);
    bind_text(st, 10, outcome);
    sqlite3_bind_int64(st, 11, run_id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : d25_store_fail(s, err, "记录运行结果");
}

/* ---- units ---- */

static char *join_list(char **v, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(v[i]) + 1;
    char *out = malloc(len);
    if (!out)
        return NULL;
    out[0] = 0;
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(out, ";");
        strcat(out, v[i]);
    }
    return out;
}

static const char *nz(const char *s) { return s ? s : ""; }

/* One row of unit_changes (an empty old or new value is stored as NULL). */
static bool log_change(sqlite3_stmt *log, const char *code, int64_t run_id, const char *at, const char *field,
                       const char *old, const char *now)
{
    sqlite3_reset(log);
    bind_text(log, 1, code);
    sqlite3_bind_int64(log, 2, run_id);
    bind_text(log, 3, at);
    bind_text(log, 4, field);
    bind_text(log, 5, old);
    bind_text(log, 6, now);
    return sqlite3_step(log) == SQLITE_DONE;
}

int d25_store_sync_units(d25_store *s, const d25_registry *reg, int64_t run_id, d25_error *err)
{
    static const char *const fields[] = {"name", "type", "area", "flags", "aliases", "contact", "phone", "active_from",
                                         "active_until"};
    enum { NF = 9 };
    sqlite3_stmt *get = NULL, *ins = NULL, *upd = NULL, *log = NULL, *all = NULL, *out = NULL;
    int rc = -1;
    char now[32];
    now_text(now, sizeof now);
    if (d25_store_exec(s, "BEGIN IMMEDIATE", err) < 0)
        return -1;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT name, type, area, flags, aliases, contact, phone, ifnull(active_from, ''),"
                           " ifnull(active_until, ''), in_registry FROM units WHERE code = ?",
                           -1, &get, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db,
                           "INSERT INTO units(code, name, type, area, flags, aliases, contact, phone, active_from,"
                           " active_until, in_registry, first_seen, changed) VALUES (?,?,?,?,?,?,?,?,?,?,1,?,?)",
                           -1, &ins, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db,
                           "UPDATE units SET name = ?2, type = ?3, area = ?4, flags = ?5, aliases = ?6, contact = ?7,"
                           " phone = ?8, active_from = ?9, active_until = ?10, in_registry = 1, changed = ?11"
                           " WHERE code = ?1",
                           -1, &upd, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, "INSERT INTO unit_changes(code, run_id, at, field, old, new) VALUES (?,?,?,?,?,?)", -1,
                           &log, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, "SELECT code FROM units WHERE in_registry = 1", -1, &all, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, "UPDATE units SET in_registry = 0, changed = ? WHERE code = ?", -1, &out, NULL) !=
            SQLITE_OK) {
        d25_store_fail(s, err, "同步单位名册");
        goto done;
    }
    for (size_t i = 0; i < reg->n; i++) {
        const d25_unit *u = &reg->units[i];
        char from[16], until[16];
        period_text(u->from > 0 ? u->from : -1, from, sizeof from);
        period_text(u->until < 0x7fffffff ? u->until : -1, until, sizeof until);
        char *aliases = join_list(u->aliases, u->naliases);
        if (!aliases) {
            d25_fail(err, D25_E_NOMEM, "内存不足");
            goto done;
        }
        const char *now_v[NF] = {u->name, u->type, u->area, nz(u->flags), aliases, nz(u->contact), nz(u->phone), from, until};
        sqlite3_reset(get);
        sqlite3_bind_text(get, 1, u->code, -1, SQLITE_TRANSIENT);
        int step = sqlite3_step(get);
        bool ok = true;
        if (step == SQLITE_ROW) {
            bool changed = sqlite3_column_int(get, NF) == 0;
            for (int f = 0; f < NF && ok; f++) {
                const char *old = (const char *)sqlite3_column_text(get, f);
                if (strcmp(nz(old), now_v[f]) == 0)
                    continue;
                changed = true;
                ok = log_change(log, u->code, run_id, now, fields[f], old, now_v[f]);
            }
            if (ok && sqlite3_column_int(get, NF) == 0)
                ok = log_change(log, u->code, run_id, now, "in_registry", "0", "1");
            sqlite3_reset(get);
            if (ok && changed) {
                sqlite3_reset(upd);
                bind_text(upd, 1, u->code);
                for (int f = 0; f < 7; f++)
                    sqlite3_bind_text(upd, 2 + f, now_v[f], -1, SQLITE_TRANSIENT);
                bind_text(upd, 9, from);
                bind_text(upd, 10, until);
                bind_text(upd, 11, now);
                ok = sqlite3_step(upd) == SQLITE_DONE;
            }
        } else if (step == SQLITE_DONE) {
            sqlite3_reset(ins);
            bind_text(ins, 1, u->code);
            for (int f = 0; f < 7; f++)
                sqlite3_bind_text(ins, 2 + f, now_v[f], -1, SQLITE_TRANSIENT);
            bind_text(ins, 9, from);
            bind_text(ins, 10, until);
            bind_text(ins, 11, now);
            bind_text(ins, 12, now);
            ok = sqlite3_step(ins) == SQLITE_DONE;
            if (ok)
                ok = log_change(log, u->code, run_id, now, "added", NULL, u->name);
        } else {
            ok = false;
        }
        free(aliases);
        if (!ok) {
            d25_store_fail(s, err, "同步单位名册");
            goto done;
        }
    }
    /* Units no longer in the CSV stay (returns point at them), marked. */
    while (sqlite3_step(all) == SQLITE_ROW) {
        const char *code = (const char *)sqlite3_column_text(all, 0);
        if (d25_registry_by_code(reg, code))
            continue;
        sqlite3_reset(out);
        bind_text(out, 1, now);
        bind_text(out, 2, code);
        if (sqlite3_step(out) != SQLITE_DONE || !log_change(log, code, run_id, now, "in_registry", "1", "0")) {
            d25_store_fail(s, err, "同步单位名册");
            goto done;
        }
    }
    rc = 0;
done:
    sqlite3_finalize(get);
    sqlite3_finalize(ins);
    sqlite3_finalize(upd);
    sqlite3_finalize(log);
    sqlite3_finalize(all);
    sqlite3_finalize(out);
    if (rc == 0 && d25_store_exec(s, "COMMIT", err) < 0)
        rc = -1;
    if (rc < 0)
        d25_store_exec(s, "ROLLBACK", NULL);
    return rc;
}

/* ---- hashes ---- */

static void hex(const uint8_t sha[32], char out[65])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = digits[sha[i] >> 4];
        out[2 * i + 1] = digits[sha[i] & 15];
    }
    out[64] = 0;
}

static int unhex(const char *h, uint8_t out[32])
{
    for (int i = 0; i < 32; i++) {
        int v = 0;
        for (int k = 0; k < 2; k++) {
            char c = h[2 * i + k];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (d < 0)
                return -1;
            v = v * 16 + d;
        }
        out[i] = (uint8_t)v;
    }
    return 0;
}

static int cmp32(const void *a, const void *b) { return memcmp(a, b, 32); }

int d25_store_hashes(d25_store *s, uint8_t **out, size_t *n, d25_error *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT sha256 FROM returns", -1, &st, NULL) != SQLITE_OK)
        return d25_store_fail(s, err, "读取已收报表");
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *h = (const char *)sqlite3_column_text(st, 0);
        if (!h || strlen(h) != 64)
            continue;
        if (d25_grow((void **)out, &cap, *n + 1, 32) < 0) {
            sqlite3_finalize(st);
            free(*out);
            *out = NULL;
            return d25_fail(err, D25_E_NOMEM, "内存不足");
        }
        if (unhex(h, *out + *n * 32) == 0)
            (*n)++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        free(*out);
        *out = NULL;
        *n = 0;
        return d25_store_fail(s, err, "读取已收报表");
    }
    if (*n)
        qsort(*out, *n, 32, cmp32);
    return 0;
}

bool d25_hash_in(const uint8_t *sorted, size_t n, const uint8_t sha[32])
{
    return n && bsearch(sha, sorted, n, 32, cmp32) != NULL;
}

/* ---- one return ---- */

static const char *pv_state_name(d25_pv_state st)
{
    switch (st) {
    case D25_PV_OK: return "ok";
    case D25_PV_MISSING: return "missing";
    case D25_PV_INVALID: return "invalid";
    default: return "unlocated";
    }
}

/* "1.1=d;1.2=n;…": the checklist's sub-items as written, each with its
 * status's letter (done, partial, not done, not applicable, x none). */
static char status_letter(d25_status st)
{
    switch (st) {
    case D25_ST_DONE: return 'd';
    case D25_ST_PARTIAL: return 'p';
    case D25_ST_NOT_DONE: return 'n';
    case D25_ST_NA: return 'a';
    default: return 'x';
    }
}

static char *summary_statuses(const d25_result *r)
{
    d25_buf b = {0};
    for (size_t i = 0; i < r->form.checklist.n; i++) {
        const d25_crow *row = &r->form.checklist.rows[i];
        if (!row->sub)
            continue;
        if (b.len)
            d25_buf_putc(&b, ';');
        d25_buf_puts(&b, row->sub->code);
        d25_buf_putc(&b, '=');
        d25_buf_putc(&b, status_letter(row->status));
    }
    return d25_buf_steal(&b);
}

/* A JSON string of text, or null for none.  Text read from a file is UTF-8
 * (libxml2 checks it); anything else has its stray bytes replaced
 * (d25_utf8_sanitize), never dropped. */
static json_t *jstr(const char *t)
{
    if (!t)
        return json_null();
    json_t *v = json_string(t);
    if (v)
        return v;
    char *clean = d25_utf8_sanitize(t, strlen(t));
    v = clean ? json_string(clean) : NULL;
    free(clean);
    return v ? v : json_null();
}

/* The same, with empty text null too (as bind_text stores it). */
static json_t *jtext(const char *t)
{
    return t && *t ? jstr(t) : json_null();
}

/* The progress summary's separators: between blanks, and between a
 * blank's four parts.  Text read from XML cannot hold them; should a text
 * field's value hold one anyway, it is stored as a space (the details keep
 * the text as written). */
#define BLANK_SEP '\x1e'
#define PART_SEP '\x1f'

static char pv_state_letter(d25_pv_state st)
{
    return pv_state_name(st)[0]; /* o m i u */
}

/* The progress summary (return_summaries.progress): per blank, in the
 * order read, field US state US value US text, the blanks joined by RS.
 * state: the first letter of progress_values.state (o ok, m missing,
 * i invalid, u unlocated); value: the number, empty when none; text: a
 * text field's value as written, empty otherwise.  Not JSON: a month's
 * 10,000 tables are read in a few milliseconds instead of 0.15 s. */
static char *summary_values(const d25_result *r)
{
    d25_buf b = {0};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < r->form.progress.n; i++) {
        const d25_pval *v = &r->form.progress.vals[i];
        bool ok = v->state == D25_PV_OK, num = ok && v->field->type != D25_F_TEXT;
        char part[48];
        int n = snprintf(part, sizeof part, "%c%c%c", PART_SEP, pv_state_letter(v->state), PART_SEP);
        if (num)
            n += snprintf(part + n, sizeof part - (size_t)n, "%ld", v->value);
        part[n++] = PART_SEP;
        if ((i && d25_buf_putc(&b, BLANK_SEP) < 0) || d25_buf_puts(&b, v->field->name) < 0 ||
            d25_buf_append(&b, part, (size_t)n) < 0)
            rc = -1;
        for (const char *t = ok && !num && v->raw ? v->raw : ""; rc == 0 && *t; t++)
            rc = d25_buf_putc(&b, *t == BLANK_SEP || *t == PART_SEP ? ' ' : *t);
    }
    if (rc < 0) {
        d25_buf_free(&b);
        return NULL;
    }
    return d25_buf_steal(&b);
}

/* The return's statuses and values in one row (return_summaries). */
static int insert_summary(d25_store *s, int64_t id, const d25_result *r)
{
    sqlite3_stmt *q = stmt(s, ST_SUMMARY);
    if (!q)
        return -1;
    char *statuses = r->checklist ? summary_statuses(r) : NULL, *values = r->progress ? summary_values(r) : NULL;
    sqlite3_bind_int64(q, 1, id);
    bind_text(q, 2, statuses);
    bind_text(q, 3, values);
    int step = sqlite3_step(q);
    sqlite3_reset(q); /* the texts are bound without copies */
    free(statuses);
    free(values);
    return step == SQLITE_DONE ? 0 : -1;
}

/* The return's checklist rows and progress blanks as return_details holds
 * them (the views answers and progress_values name their columns). */
static char *details_answers(const d25_result *r)
{
    json_t *a = json_array();
    bool ok = a != NULL;
    for (size_t i = 0; ok && i < r->form.checklist.n; i++) {
        const d25_crow *row = &r->form.checklist.rows[i];
        const char *stn = d25_status_name(row->status);
        /* The text as written only when it is not the rule set's own. */
        const char *written = row->sub && row->text && strcmp(row->text, row->sub->text) == 0 ? NULL : row->text;
        ok = json_array_append_new(a, json_pack("[ooooooooo]", jtext(row->sub ? row->sub->code : NULL), jtext(written),
                                                jtext(row->self_raw), jtext(stn ? stn : "none"), jtext(row->remark),
                                                jtext(row->supervision), jtext(row->measure), jtext(row->deadline),
                                                jtext(row->self_place[0] ? row->self_place : row->place))) == 0;
    }
    /* NULL (the return is not stored) rather than rows silently missing. */
    char *out = ok ? json_dumps(a, JSON_COMPACT) : NULL;
    json_decref(a);
    return out;
}

static char *details_progress(const d25_result *r)
{
    json_t *a = json_array();
    bool ok = a != NULL;
    for (size_t i = 0; ok && i < r->form.progress.n; i++) {
        const d25_pval *v = &r->form.progress.vals[i];
        bool num = v->state == D25_PV_OK && v->field->type != D25_F_TEXT;
        ok = json_array_append_new(a, json_pack("[ooooo]", jtext(v->field->name), jtext(v->raw),
                                                num ? json_integer(v->value) : json_null(),
                                                jtext(pv_state_name(v->state)), jtext(v->place))) == 0;
    }
    char *out = ok ? json_dumps(a, JSON_COMPACT) : NULL;
    json_decref(a);
    return out;
}

static int insert_details(d25_store *s, int64_t id, const d25_result *r)
{
    sqlite3_stmt *d = stmt(s, ST_DETAILS), *f = stmt(s, ST_FINDING);
    if (!d || !f)
        return -1;
    char *answers = details_answers(r), *progress = details_progress(r);
    int rc = -1;
    if (answers && progress) {
        sqlite3_bind_int64(d, 1, id);
        bind_text(d, 2, answers);
        bind_text(d, 3, progress);
        rc = sqlite3_step(d) == SQLITE_DONE ? 0 : -1;
        sqlite3_reset(d); /* the texts are bound without copies */
    }
    free(answers);
    free(progress);
    for (size_t i = 0; rc == 0 && i < r->n; i++) {
        const d25_finding *x = &r->f[i];
        sqlite3_reset(f);
        sqlite3_bind_int64(f, 1, id);
        sqlite3_bind_int(f, 2, (int)i + 1);
        bind_text(f, 3, x->code);
        bind_text(f, 4, x->severity == D25_SEV_ERROR ? "error" : "warning");
        bind_text(f, 5, x->place);
        bind_text(f, 6, x->item);
        sqlite3_bind_text(f, 7, x->message ? x->message : "", -1, SQLITE_TRANSIENT);
        if (sqlite3_step(f) != SQLITE_DONE)
            rc = -1;
    }
    return rc;
}

/* Recompute which of a unit's accepted returns for a period count: for each
 * form, the newest by received time (then by id) that holds it.  A return
 * all of whose forms are held by newer ones is superseded by the newest
 * return holding its checklist (else its progress table).  Reports whether
 * `id` replaced an earlier return and whether it is itself superseded. */
static int resupersede(d25_store *s, const char *unit, const char *period, int64_t id, bool *replaced, bool *outdated,
                       char **replaced_file)
{
    int rc = -1;
    *replaced = *outdated = false;
    sqlite3_stmt *q = stmt(s, ST_SIBLINGS), *u = stmt(s, ST_SUPERSEDE);
    if (!q || !u)
        return -1;
    bind_text(q, 1, unit);
    bind_text(q, 2, period);
    int64_t newest_c = 0, newest_p = 0;
    int step;
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        int64_t rid = sqlite3_column_int64(q, 0);
        bool hc = sqlite3_column_int(q, 1), hp = sqlite3_column_int(q, 2);
        int64_t was = sqlite3_column_type(q, 3) == SQLITE_NULL ? 0 : sqlite3_column_int64(q, 3);
        bool counts = (hc && !newest_c) || (hp && !newest_p) || (!hc && !hp);
        int64_t by = counts ? 0 : hc ? newest_c : newest_p;
        if (hc && !newest_c)
            newest_c = rid;
        if (hp && !newest_p)
            newest_p = rid;
        if (rid == id)
            *outdated = by != 0;
        else if (by == id && was != id) {
            *replaced = true;
            if (replaced_file && !*replaced_file) {
                const char *fn = (const char *)sqlite3_column_text(q, 4);
                *replaced_file = fn ? strdup(fn) : NULL;
            }
        }
        if (by != was) {
            sqlite3_reset(u);
            if (by)
                sqlite3_bind_int64(u, 1, by);
            else
                sqlite3_bind_null(u, 1);
            sqlite3_bind_int64(u, 2, rid);
            if (sqlite3_step(u) != SQLITE_DONE)
                goto done;
        }
    }
    rc = step == SQLITE_DONE ? 0 : -1;
done:
    sqlite3_reset(q);
    return rc;
}

static int find_hash(d25_store *s, const char *hexsha, int64_t *id, char **file)
{
    sqlite3_stmt *q = stmt(s, ST_FIND_HASH);
    if (!q)
        return -1;
    bind_text(q, 1, hexsha);
    int step = sqlite3_step(q);
    int rc = 0;
    if (step == SQLITE_ROW) {
        *id = sqlite3_column_int64(q, 0);
        const char *fn = (const char *)sqlite3_column_text(q, 1);
        *file = fn ? strdup(fn) : NULL;
        rc = 1;
    } else if (step != SQLITE_DONE) {
        rc = -1;
    }
    sqlite3_reset(q);
    return rc;
}

static int mark_dirty(d25_store *s, const char *period)
{
    if (!period || !*period)
        return 0;
    sqlite3_stmt *q = stmt(s, ST_DIRTY);
    if (!q)
        return -1;
    bind_text(q, 1, period);
    return sqlite3_step(q) == SQLITE_DONE ? 0 : -1;
}

int d25_store_put(d25_store *s, const d25_incoming *in, int64_t run_id, d25_store_outcome *out, d25_error *err)
{
    memset(out, 0, sizeof *out);
    const d25_result *r = in->res;
    char sha[65];
    hex(in->sha, sha);
    if (d25_store_exec(s, "BEGIN IMMEDIATE", err) < 0)
        return -1;
    int found = find_hash(s, sha, &out->id, &out->earlier_file);
    if (found < 0)
        goto fail;
    if (found == 1) {
        out->outcome = D25_STORED_UNCHANGED;
        return d25_store_exec(s, "COMMIT", err);
    }
    if (!r) {
        /* New bytes, but the caller did not validate them. */
        d25_store_exec(s, "ROLLBACK", NULL);
        return 1;
    }
    char period[16], received[32], now[32];
    period_text(r->period, period, sizeof period);
    d25_format_time(in->received, received, sizeof received);
    now_text(now, sizeof now);
    bool accepted = d25_result_accepted(r);
    sqlite3_stmt *st = stmt(s, ST_RETURN);
    if (!st)
        goto fail;
    const d25_signature *sig = &r->form.sig;
    bind_text(st, 1, sha);
    bind_text(st, 2, d25_basename(in->path));
    bind_text(st, 3, in->path);
    sqlite3_bind_int64(st, 4, in->size);
    sqlite3_bind_int(st, 5, r->checklist);
    sqlite3_bind_int(st, 6, r->progress);
    bind_text(st, 7, r->unit ? r->unit->code : NULL);
    bind_text(st, 8, sig->v[D25_SIG_UNIT]);
    bind_text(st, 9, period);
    bind_text(st, 10, r->form.period_from);
    bind_text(st, 11, sig->v[D25_SIG_DATE]);
    bind_text(st, 12, sig->v[D25_SIG_REPORTER]);
    bind_text(st, 13, sig->v[D25_SIG_PHONE]);
    sqlite3_bind_int(st, 14, r->seal);
    bind_text(st, 15, received);
    bind_text(st, 16, accepted ? "accepted" : "rejected");
    sqlite3_bind_int(st, 17, r->errors);
    sqlite3_bind_int(st, 18, r->warnings);
    sqlite3_bind_int64(st, 19, run_id);
    bind_text(st, 20, now);
    if (sqlite3_step(st) != SQLITE_DONE)
        goto fail;
    out->id = (int64_t)sqlite3_last_insert_rowid(s->db);
    if (insert_details(s, out->id, r) < 0 || insert_summary(s, out->id, r) < 0)
        goto fail;
    out->outcome = accepted ? D25_STORED_NEW : D25_STORED_REJECTED;
    if (accepted && r->unit && r->period >= 0) {
        bool replaced, outdated;
        if (resupersede(s, r->unit->code, period, out->id, &replaced, &outdated, &out->earlier_file) < 0)
            goto fail;
        out->outcome = outdated ? D25_STORED_OUTDATED : replaced ? D25_STORED_SUPERSEDED : D25_STORED_NEW;
    }
    if (mark_dirty(s, period) < 0)
        goto fail;
    return d25_store_exec(s, "COMMIT", err);
fail:
    d25_store_fail(s, err, "保存报表");
    d25_store_exec(s, "ROLLBACK", NULL);
    free(out->earlier_file);
    out->earlier_file = NULL;
    return -1;
}

/* ---- the quality pass's queue ---- */

int d25_store_dirty_periods(d25_store *s, int **out, size_t *n, d25_error *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(s->db, "SELECT period FROM dirty_periods ORDER BY period", -1, &q, NULL) != SQLITE_OK)
        return d25_store_fail(s, err, "读取待复核月份");
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        int p = d25_parse_period_arg((const char *)sqlite3_column_text(q, 0));
        if (p < 0)
            continue;
        if (d25_grow((void **)out, &cap, *n + 1, sizeof **out) < 0) {
            sqlite3_finalize(q);
            free(*out);
            *out = NULL;
            *n = 0;
            return d25_fail(err, D25_E_NOMEM, "内存不足");
        }
        (*out)[(*n)++] = p;
    }
    sqlite3_finalize(q);
    if (step != SQLITE_DONE) {
        free(*out);
        *out = NULL;
        *n = 0;
        return d25_store_fail(s, err, "读取待复核月份");
    }
    return 0;
}

int d25_store_clear_dirty(d25_store *s, int period, d25_error *err)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(s->db, "DELETE FROM dirty_periods WHERE period = ?", -1, &q, NULL) != SQLITE_OK)
        return d25_store_fail(s, err, "更新待复核月份");
    char p[16];
    period_text(period, p, sizeof p);
    bind_text(q, 1, p);
    int rc = sqlite3_step(q) == SQLITE_DONE ? 0 : d25_store_fail(s, err, "更新待复核月份");
    sqlite3_finalize(q);
    return rc;
}

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
                           " AND (?4 < 0 OR r.id <= ?4)"
                           " ORDER BY r.unit_code, r.received DESC, r.id DESC",
                           -1, &q, NULL) != SQLITE_OK)
        return d25_store_fail(s, err, "读取本月报表");
    sqlite3_bind_text(q, 1, period, -1, SQLITE_STATIC);
    sqlite3_bind_int(q, 2, (parts & D25_CURRENT_STATUSES) != 0);
    sqlite3_bind_int(q, 3, (parts & D25_CURRENT_PROGRESS) != 0);
    sqlite3_bind_int64(q, 4, upto);
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
