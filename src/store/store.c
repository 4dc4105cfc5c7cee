/* store: the handle: opening, the writers' lock, runs, statements (see store.h, docs/store.md). */
#include "storeint.h"
#include "../util/syserr.h"
#include "../util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/text.h"

static const char *const st_sql[ST_COUNT_] = {
    [ST_DETAILS] = "INSERT INTO return_details(return_id, answers, progress) VALUES (?,?,?)",
    [ST_FINDING] = "INSERT INTO findings(return_id, seq, source, code, severity, place, sub_item, message)"
                   " VALUES (?,?,'validate',?,?,?,?,?)",
    [ST_FIND_HASH] = "SELECT id, file_name, unit_code, period, verdict, received, received_source FROM returns"
                     " WHERE sha256 = ?",
    [ST_RETURN] = "INSERT INTO returns(sha256, file_name, path, size, has_checklist, has_progress, unit_code,"
                  " unit_written, period, period_from, report_date_written, reporter_written, phone_written,"
                  " seal, received, verdict, errors, warnings, run_id, stored, received_source, file_mtime, edition)"
                  " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    [ST_SIBLINGS] = "SELECT id, has_checklist, has_progress, superseded_by, file_name FROM returns"
                    " WHERE unit_code = ? AND period = ? AND verdict = 'accepted'"
                    " ORDER BY received DESC, id DESC",
    [ST_CURRENT_SIBLINGS] = "SELECT id, has_checklist, has_progress, superseded_by, file_name FROM returns"
                            " WHERE unit_code = ? AND period = ? AND verdict = 'accepted'"
                            " AND (superseded_by IS NULL OR id = ?) ORDER BY received DESC, id DESC",
    [ST_SUPERSEDE] = "UPDATE returns SET superseded_by = ? WHERE id = ?",
    [ST_DIRTY] = "INSERT OR IGNORE INTO dirty_periods(period) VALUES (?)",
    [ST_BUMP] = "INSERT INTO period_versions(period, version) VALUES (?, 1)"
                " ON CONFLICT(period) DO UPDATE SET version = version + 1",
    [ST_RETIME] = "UPDATE returns SET received = ?, received_source = ? WHERE id = ?",
    [ST_SUMMARY] = "INSERT INTO return_summaries(return_id, statuses, progress) VALUES (?,?,?)",
};

/* The cached statement, reset and unbound; NULL on error. */
sqlite3_stmt *store_stmt(d25_store *s, int which)
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

int d25_store_fail(d25_store *s, d25_error *err, const char *what)
{
    return d25_fail(err, D25_E_DB, "数据库 %s：%s失败（%s）", s->path, what, d25_sqlite_strerror(sqlite3_extended_errcode(s->db)));
}

int d25_store_exec(d25_store *s, const char *sql, d25_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        d25_fail(err, D25_E_DB, "数据库 %s：执行失败（%s）", s->path, d25_sqlite_strerror(sqlite3_extended_errcode(s->db)));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
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

/* A reader opens read-only: status and report work on a database the user
 * may not write (another user's, a read-only mount, a copy on a CD).  Only
 * a schema older than this build's needs writing, to migrate it. */
static d25_store *open_reader(d25_store *s, d25_error *err)
{
    for (int writable = 0; writable < 2; writable++) {
        int flags = (writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY) | SQLITE_OPEN_NOMUTEX;
        int rc = sqlite3_open_v2(s->path, &s->db, flags, NULL);
        if (rc != SQLITE_OK) {
            d25_fail(err, D25_E_DB, "数据库 %s 无法打开（%s）", s->path, d25_sqlite_strerror(s->db ? sqlite3_extended_errcode(s->db) : rc));
            break;
        }
        sqlite3_extended_result_codes(s->db, 1);
        sqlite3_busy_timeout(s->db, 10000);
        int due = store_schema_state(s, err);
        if (due < 0 && (sqlite3_errcode(s->db) & 0xff) == SQLITE_READONLY)
            d25_fail(err, D25_E_DB,
                     "数据库 %s 不能只读打开：它旁边的 -wal、-shm 文件不在，当前用户又不能在它的文件夹中建立它们。"
                     "请由能写入它的用户运行一次 duty25 ingest 或 duty25 run（此后这些文件会保留，只读的用户也能读取）",
                     s->path);
        if (due < 0)
            break;
        if (due == 0 && d25_store_exec(s, "PRAGMA foreign_keys = ON", err) == 0)
            return s;
        if (due == 0)
            break;
        if (writable) {
            if (d25_store_exec(s, "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL;", err) == 0 && store_migrate(s, err) == 0)
                return s;
            if (sqlite3_db_readonly(s->db, "main") == 1 || sqlite3_extended_errcode(s->db) == SQLITE_READONLY)
                d25_fail(err, D25_E_DB,
                         "数据库 %s 由旧版 duty25 建立，需要先升级，但当前用户不能写入它：请由能写入它的用户运行一次"
                         " duty25 ingest 或 duty25 run",
                         s->path);
            break;
        }
        sqlite3_close(s->db);
        s->db = NULL;
    }
    d25_store_close(s);
    return NULL;
}

d25_store *d25_store_open(const char *path, double lock_wait, d25_error *err)
{
    d25_store *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        d25_fail(err, D25_E_NOMEM, "内存不足");
        return NULL;
    }
    s->lock_fd = -1;
    if (lock_wait < 0)
        return open_reader(s, err);
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
        d25_fail(err, D25_E_DB, "数据库 %s 无法打开（%s）", path, d25_sqlite_strerror(s->db ? sqlite3_extended_errcode(s->db) : rc));
        d25_store_close(s);
        return NULL;
    }
    sqlite3_extended_result_codes(s->db, 1);
    /* Readers and the writer wait for each other's short transactions. */
    sqlite3_busy_timeout(s->db, 10000);
    if (d25_store_exec(s, "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;", err) < 0 ||
        store_migrate(s, err) < 0) {
        d25_store_close(s);
        return NULL;
    }
    /* The -wal and -shm files stay when the writer closes: a reader who may
     * not write the folder (another user, a read-only mount) can read a WAL
     * database only when they exist. */
    int persist = 1;
    sqlite3_file_control(s->db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
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
    free(s->edition);
    free(s->district);
    free(s);
}

int d25_store_set_edition(d25_store *s, const char *edition)
{
    char *e = edition && *edition ? strdup(edition) : NULL;
    if (edition && *edition && !e)
        return -1;
    free(s->edition);
    s->edition = e;
    return 0;
}

int d25_store_set_district(d25_store *s, const char *district)
{
    char *d = district ? strdup(district) : NULL;
    if (district && !d)
        return -1;
    free(s->district);
    s->district = d;
    return 0;
}

const char *d25_store_district(const d25_store *s)
{
    return s->district;
}

const char *d25_store_edition(const d25_store *s)
{
    return s->edition;
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
        d25_fail(err, D25_E_DB, "无法创建锁文件 %s（%s）", lp, d25_strerror(errno));
        free(lp);
        return -1;
    }
    double waited = 0;
    while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK && errno != EINTR) {
            d25_fail(err, D25_E_DB, "无法锁定 %s（%s）", lp, d25_strerror(errno));
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

void store_now_text(char *out, size_t n) { d25_format_time(time(NULL), out, n); }

void store_period_text(int period, char *out, size_t n)
{
    if (period < 0)
        out[0] = 0;
    else
        d25_format_period(period, out, n);
}

/* Bind text, or NULL for a NULL or empty string. */
int store_bind_text(sqlite3_stmt *st, int i, const char *v)
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
    store_now_text(now, sizeof now);
    store_period_text(period, p, sizeof p);
    store_bind_text(st, 1, command);
    store_bind_text(st, 2, now);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)getpid());
    store_bind_text(st, 4, p);
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
    store_now_text(now, sizeof now);
    store_bind_text(st, 1, now);
    int vals[] = {c->files, c->added, c->unchanged, c->superseded, c->outdated, c->rejected, c->ignored, c->failed};
    for (int i = 0; i < 8; i++)
        sqlite3_bind_int(st, 2 + i, vals[i]);
    store_bind_text(st, 10, outcome);
    sqlite3_bind_int64(st, 11, run_id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : d25_store_fail(s, err, "记录运行结果");
}
