/*
 * store: the bureau's memory of every return, in one SQLite database.
 *
 * The schema (docs/store.md) is versioned with PRAGMA user_version and
 * migrated forward when the database is opened; the database runs in WAL
 * mode with foreign keys on.  Writers hold an exclusive lock file next to
 * the database (d25_store_lock), so two ingests never write at once while
 * readers (status, report) go on reading.  Each return is stored in its own
 * transaction: a crash loses at most the return in flight.
 *
 * What it keeps: the unit registry (synchronised from the CSV on every
 * writing run, changes logged, a unit never deleted), every return seen
 * (by the SHA-256 of its bytes, so the same bytes are stored once), each
 * sub-item's answer, each progress value, every finding, and a log of runs.
 * Of a unit's accepted returns for one period and form, the newest by
 * received time counts; older ones are kept and marked superseded.
 *
 * Ownership: d25_store_open() returns a handle freed by d25_store_close().
 * Strings handed in are copied by SQLite; nothing returned needs freeing
 * unless said so.  A handle is used by one thread.
 */
#ifndef D25_STORE_STORE_H
#define D25_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../registry/units.h"
#include "../util/error.h"
#include "../validate/validate.h"

typedef struct d25_store d25_store;
typedef struct sqlite3 sqlite3;

/* The schema version this build writes (PRAGMA user_version). */
enum { D25_STORE_VERSION = 1 };

/* Open (creating the file and its folder when absent) and migrate.  A
 * writer passes lock_wait >= 0: the writers' lock (a flock on PATH.lock,
 * its holder's PID inside) is taken first, waiting up to lock_wait seconds;
 * it is released by d25_store_close() or the process's death.  A reader
 * passes -1.  NULL with err set: D25_E_LOCKED (held by another process,
 * its PID in the message) or D25_E_DB (not a database, newer than this
 * build, cannot be opened). */
d25_store *d25_store_open(const char *path, double lock_wait, d25_error *err);
void d25_store_close(d25_store *s);
sqlite3 *d25_store_db(d25_store *s);
/* The campaign edition (the rule set's [edition] id) this handle writes
 * with each return it stores and reads: the month's figures (status,
 * report) count only the returns of that edition, and those stored before
 * editions were recorded.  NULL or "": every edition.  -1 out of memory. */
int d25_store_set_edition(d25_store *s, const char *edition);
const char *d25_store_edition(const d25_store *s);
/* A city's store: the district whose rows the month's figures are read
 * from (d25_store_current_each, d25_store_flagged_each), so that a report
 * is built district by district (report/city.h).  NULL: every row (a
 * district's own store, whose rows have none).  -1 out of memory. */
int d25_store_set_district(d25_store *s, const char *district);
const char *d25_store_district(const d25_store *s);
const char *d25_store_path(const d25_store *s);

/* Bring the units table in line with the registry: add new units, update
 * changed ones (each change logged in unit_changes), mark those no longer
 * in the CSV as out of the registry.  One transaction. */
int d25_store_sync_units(d25_store *s, const d25_registry *reg, int64_t run_id, d25_error *err);

/* The run log.  command is e.g. "ingest"; period -1 when none. */
int64_t d25_store_run_begin(d25_store *s, const char *command, int period, d25_error *err);
typedef struct {
    int files, added, unchanged, superseded, outdated, rejected, ignored, failed;
    int retimed;              /* known bytes given a new received time (counted apart from unchanged) */
} d25_run_counts;
int d25_store_run_end(d25_store *s, int64_t run_id, const d25_run_counts *c, const char *outcome, d25_error *err);

/* The returns that count in a period, one unit at a time in order of code,
 * without holding them all: fn(ud, c) for each unit, c holding the
 * statuses of its current checklist ("1.1=d;1.2=n;…", letters d p n a x;
 * NULL when none counts) and the values of its current progress table
 * (its summary, read with d25_blanks_read; NULL when none), valid until fn
 * returns.  The same choice as the view current_returns, read from one row
 * per return.  parts: which of the two to read (the other stays NULL).
 * upto >= 0: only the returns stored up to that one (another connection's
 * snapshot, d25_store_read_begin; 0 when it saw none), -1: all.  fn returns < 0 to stop: then -1 with
 * err as fn left it. */
typedef struct {
    char *unit, *statuses, *progress;
} d25_current;
enum { D25_CURRENT_STATUSES = 1, D25_CURRENT_PROGRESS = 2 };
int d25_store_current_each(d25_store *s, const char *period, unsigned parts, int64_t upto,
                           int (*fn)(void *ud, const d25_current *c), void *ud, d25_error *err);

/* The progress values of a period's current returns that the quality pass
 * flagged as implausible (OUTLIER_PEERS, OUTLIER_HISTORY): fn(ud, unit,
 * field, message) for each, in order of unit, field and message, each once.
 * The report leaves them out of its totals and says so.  A finding names
 * its value by the place in the return it was read from, and several
 * fields can share one place (a cell of counts): field_of(ud, message),
 * when given, names the one field the message is about, or NULL when it
 * cannot tell; then fn is called for every field at that place, and
 * decides.  fn returns < 0 to stop: then -1 with err as fn left it. */
int d25_store_flagged_each(d25_store *s, const char *period, const char *(*field_of)(void *ud, const char *message),
                           int (*fn)(void *ud, const char *unit, const char *field, const char *message), void *ud,
                           d25_error *err);

/* Several reads that must agree while another process may be storing
 * returns (a report): a read transaction on this connection (unless one is
 * open already), and in *upto the last return it sees, for a second
 * connection to read the same returns.  Calls nest: each begin is ended by
 * one d25_store_read_end, and the outermost ends the transaction.  -1 with
 * err set (nothing to end). */
int d25_store_read_begin(d25_store *s, int64_t *upto, d25_error *err);
void d25_store_read_end(d25_store *s);

/* The blanks of a progress summary (d25_current.progress, the column
 * return_summaries.progress), read by the one module that writes them.  d25_blanks_read replaces b's blanks with those of summary (none
 * when it is NULL or unreadable); their strings stay valid until the next
 * read or d25_blanks_free.  -1 out of memory. */
typedef struct {
    const char *field;   /* as in the rule set ("" when missing) */
    bool ok;             /* read (state "ok") */
    bool number;         /* value holds a number */
    long value;          /* 0 when not a number */
    const char *raw;     /* a text field's value as written, else NULL */
} d25_blank;
typedef struct {
    d25_blank *v;
    size_t n, cap;
    char *text;          /* a copy of the summary the strings point into */
    size_t text_cap;
} d25_blanks;
int d25_blanks_read(d25_blanks *b, const char *summary);
void d25_blanks_free(d25_blanks *b);

/* SHA-256 of every return stored, sorted (32 bytes each), for a quick
 * "seen before?" test off the database thread.  Caller frees *out. */
int d25_store_hashes(d25_store *s, uint8_t **out, size_t *n, d25_error *err);
bool d25_hash_in(const uint8_t *sorted, size_t n, const uint8_t sha[32]);

/* Where a return's received time came from, weakest first.  A copied or
 * re-saved file's mtime is the time of the copy, so the time duty25 first
 * saw the bytes is the default; the office may trust the mtime
 * ([store] received_time = mtime) or know better: the mail the return came
 * in, or its receipt register (收件登记). */
typedef enum { D25_RECV_SEEN, D25_RECV_MTIME, D25_RECV_MAIL, D25_RECV_REGISTER, D25_RECV_SOURCES_ } d25_recv_source;
const char *d25_recv_source_name(d25_recv_source s);  /* "seen", "mtime", "mail", "register" (stored) */
const char *d25_recv_source_label(d25_recv_source s); /* "首次收取", "文件修改时间", "邮件", "收件登记" */
d25_recv_source d25_recv_source_parse(const char *name); /* D25_RECV_SEEN when unknown */

/* The office's better knowledge of when a return arrived (a receipt
 * register, a mail): given the file, and the unit and period the return
 * was read as (NULL when unknown), 1 with *when and *src set when it
 * knows, else 0. */
typedef int (*d25_receipt_fn)(void *ud, const char *path, const char *unit, const char *period, time_t *when,
                              d25_recv_source *src);

/* One return to store: the file as found, and what validate made of it. */
typedef struct {
    const char *path;
    uint8_t sha[32];
    int64_t size;
    time_t received;          /* when new bytes arrived, by the source below */
    d25_recv_source source;   /* SEEN (the time of this ingest) or MTIME */
    time_t file_mtime;        /* the file's mtime, kept beside (0: unknown) */
    d25_receipt_fn receipt;   /* NULL, or asked first, for new and known bytes */
    void *receipt_ud;
    const d25_result *res;    /* NULL: see d25_store_put */
} d25_incoming;

typedef enum {
    D25_STORED_NEW,           /* accepted, and counts */
    D25_STORED_SUPERSEDED,    /* accepted, counts, and replaces an earlier return */
    D25_STORED_OUTDATED,      /* accepted, but a newer return already counts */
    D25_STORED_REJECTED,      /* kept with its findings, counts as rejected */
    D25_STORED_UNCHANGED,     /* these bytes were stored before; nothing written */
    D25_STORED_RETIMED,       /* stored before; the receipt callback gave a new received time */
} d25_stored;

typedef struct {
    d25_stored outcome;
    int64_t id;               /* the return's row (the earlier one when unchanged) */
    char *earlier_file;       /* unchanged: its file name; superseded: the replaced one (caller frees) */
    char received[32];        /* the received time stored ("YYYY-MM-DD HH:MM:SS") */
    char was_received[32];    /* RETIMED: the time it had before */
    d25_recv_source source;   /* of received */
} d25_store_outcome;

/* Store one return in its own transaction (supersession included), mark
 * its period for the quality pass and bump the period's version.  0, or -1
 * with err set.  With res NULL (not validated, as the bytes were expected
 * to be known): 0 and UNCHANGED when they are, else 1 and nothing written.
 * Known bytes keep their first received time unless in->receipt gives a
 * different one (the register or a mail): then RETIMED, and the unit's
 * returns for the period are put in order again. */
int d25_store_put(d25_store *s, const d25_incoming *in, int64_t run_id, d25_store_outcome *out, d25_error *err);

/* Periods stored since the quality pass last ran, ascending; caller frees. */
int d25_store_dirty_periods(d25_store *s, int **out, size_t *n, d25_error *err);
int d25_store_clear_dirty(d25_store *s, int period, d25_error *err);

/* The report calendar of `duty25 run`: every period with returns (or a
 * report written), ascending, with its version (bumped whenever a return
 * of it is stored or re-timed) and the version its report was last written
 * at (-1: never).  Caller frees *out. */
typedef struct {
    int period;
    int64_t version, written_version;
    char written[32];         /* when, or "" */
} d25_month_mark;
int d25_store_months(d25_store *s, d25_month_mark **out, size_t *n, d25_error *err);
/* Record that the period's report was written at version (and where). */
int d25_store_month_written(d25_store *s, int period, int64_t version, const char *out_dir, d25_error *err);
/* The period's place in its year's series of reports, for the report's
 * 发文字号: 1 + the earlier months of the same year that have returns or a
 * report written.  The same month keeps its number however often its
 * report is written again. */
int d25_store_report_seq(d25_store *s, int period, int *seq, d25_error *err);

/* ---- upward: a district's month to the city, a city's to the province
 * (package.c, merge.c; docs/city.md) ---- */

/* The package format (the version line of the canonical hash, and
 * package.format): 2 names the edition id, the sender's level and each
 * row's district and edition.  A package of format 1 (no such column) is
 * refused with D25_E_PKG_FORMAT: export it again. */
enum { D25_PACKAGE_FORMAT = 2 };

/* What a package says of itself (its table `package`). */
typedef struct {
    char edition[256];        /* the rule set's [edition] id (every return of the package is of it) */
    char level[16];           /* who exported it: "district" or "city" */
    char district[256];       /* its name: the district's, or the city's ([campaign] district) */
    char period[16];          /* "YYYY-MM" */
    int schema_version;
    char created[32];
    char sha256[65];          /* canonical hash of the rows (hex) */
    int returns, units;       /* rows it holds */
} d25_package_info;

/* Write the period's returns of the edition (rows of returns,
 * return_summaries, return_details, findings; a return stored before
 * editions were recorded, edition '', is written as of this edition), a
 * snapshot of units and the table package into a new SQLite file out_path
 * (through a temporary file renamed into place).  level "district": the
 * district's own rows (district NULL); "city": the rows merged from its
 * districts, each keeping its district.  name: the sender's name.  info
 * (may be NULL) receives the header.  0, or -1 with err set. */
int d25_store_export(d25_store *s, const char *edition, const char *level, const char *name, int period,
                     const char *out_path, d25_package_info *info, d25_error *err);

/* Merge a package, or a whole database (every month), from the level
 * below into this (city or province) store.  Each sender's month is a
 * slice: merged when new, nothing when the same content was merged before,
 * replacing the sender's older slice of the month (its returns kept,
 * marked withdrawn), or ignored when older than the one merged.  Checked
 * before anything is written, and refused by name with nothing written: a
 * file that is no duty25 package or database, fails PRAGMA
 * integrity_check (D25_E_DB), is of an older package format
 * (D25_E_PKG_FORMAT), comes from another level than from_level
 * (D25_E_PKG_LEVEL), is of another edition than `edition`
 * (D25_E_PKG_EDITION), whose hash does not match its rows
 * (D25_E_PKG_HASH), of a newer schema, of a sender not in `districts`
 * (when n_districts > 0).  Units and returns are keyed by the whole path
 * below this store: a district's rows take its name, a city's rows
 * "CITY/DISTRICT".  Each merged return keeps its edition.  district: the
 * sender of a database file.  One transaction per file.  Outcomes are
 * appended to *out (caller frees). */
typedef enum { D25_SLICE_MERGED, D25_SLICE_REPLACED, D25_SLICE_UNCHANGED, D25_SLICE_OUTDATED } d25_slice_outcome;
typedef struct {
    char district[256];
    char period[16];
    d25_slice_outcome outcome;
    int returns;              /* returns merged (0 unless merged or replaced) */
} d25_merged_slice;
typedef struct {
    const char *edition;      /* this store's rule set's [edition] id */
    const char *district;     /* for a database file, or NULL */
    const char *const *districts; /* the senders this store takes ([organisation] districts), or NULL */
    size_t n_districts;
    int64_t run_id;
    const char *from_level;   /* "district" (a city merges) or "city" (a province merges) */
} d25_merge_opts;
int d25_store_merge(d25_store *s, const char *path, const d25_merge_opts *o, d25_merged_slice **out, size_t *n,
                    d25_error *err);

/* A city's (province's) store: the units of one district (its path,
 * "东区" or "A市/东区") as a registry (those still in its registry, in its
 * order; caller frees with d25_registry_free); the districts it holds
 * (paths), in the order first merged (caller frees each and the array);
 * whether the sender's month was merged (1, 0, -1 on error; district is
 * the sender: a district at a city, a city at a province). */
int d25_store_district_units(d25_store *s, const char *district, d25_registry **out, d25_error *err);
int d25_store_districts(d25_store *s, char ***out, size_t *n, d25_error *err);
int d25_store_district_merged(d25_store *s, const char *district, const char *period);
/* When the district first sent its package for period: the earliest
 * `created` (YYYY-MM-DD HH:MM:SS) of its packages of the month, replaced
 * ones included, into out[n].  1 found, 0 none, -1 on a database error. */
int d25_store_district_sent(d25_store *s, const char *district, const char *period, char *out, size_t n);

/* ---- the page server (tokens.c; src/serve) ---- */

/* Each unit's personal link is a random token of this many bytes, kept in
 * hex.  d25_store_unit_tokens calls fn(ud, u, token) for every unit of the
 * registry in its order, token NULL when the unit has none; with make (a
 * writer's handle) a unit without one first gets one, in one transaction.
 * fn returns < 0 to stop (then -1, err as fn left it).  0, or -1 with err. */
enum { D25_TOKEN_BYTES = 20 };
int d25_store_unit_tokens(d25_store *s, const d25_registry *reg, bool make,
                          int (*fn)(void *ud, const d25_unit *u, const char *token), void *ud, d25_error *err);
/* The unit whose token this is: 1 with its code in code, 0 when none,
 * -1 with err set. */
int d25_store_token_unit(d25_store *s, const char *token, char *code, size_t n, d25_error *err);

/* A period's returns, newest stored first (a district's own: no merged
 * rows), of one unit (unit_code) or all (NULL), at most limit (<= 0: all);
 * the strings are valid during fn only.  fn returns < 0 to stop. */
typedef struct {
    int64_t id;
    const char *unit_code;    /* "" when the unit was not identified */
    const char *file_name, *received, *stored;
    d25_recv_source source;
    bool accepted, superseded, checklist, progress;
    int errors, warnings;
} d25_return_row;
int d25_store_returns_each(d25_store *s, int period, const char *unit_code, int limit,
                           int (*fn)(void *ud, const d25_return_row *r), void *ud, d25_error *err);
/* A return's findings in their order, validation's and quality's. */
typedef struct {
    const char *code, *place, *item, *message;  /* place, item: "" when none */
    bool error;               /* else a warning */
    bool quality;             /* from the quality pass, not validation */
} d25_finding_row;
int d25_store_findings_each(d25_store *s, int64_t return_id, int (*fn)(void *ud, const d25_finding_row *f), void *ud,
                            d25_error *err);

/* Statement helpers for the modules that query the store. */
int d25_store_exec(d25_store *s, const char *sql, d25_error *err);
int d25_store_fail(d25_store *s, d25_error *err, const char *what);

/* "YYYY-MM-DD HH:MM:SS" in local time. */
void d25_format_time(time_t t, char *out, size_t n);

#endif
