/*
 * storeint: what the store's files share and nothing outside src/store/
 * sees: the handle's layout, its cached statements, and small helpers.
 * The store is split along its seams: store.c (the handle: open, lock,
 * runs, statements), schema.c (the migrations), write.c (units, returns,
 * the quality queue, the report calendar), read.c (snapshots and the
 * month's current returns).
 */
#ifndef D25_STORE_STOREINT_H
#define D25_STORE_STOREINT_H

#include "store.h"

#include <sqlite3.h>

/* Statements used once per return, prepared once per handle. */
enum { ST_DETAILS, ST_FINDING, ST_FIND_HASH, ST_RETURN, ST_SIBLINGS, ST_CURRENT_SIBLINGS, ST_SUPERSEDE, ST_DIRTY, ST_SUMMARY, ST_BUMP, ST_RETIME, ST_COUNT_ };

struct d25_store {
    sqlite3 *db;
    char *path;
    int lock_fd;
    int reading;             /* d25_store_read_begin calls not yet ended */
    bool read_began;         /* ... and the outermost began the transaction */
    sqlite3_stmt *st[ST_COUNT_];
    char *edition;           /* d25_store_set_edition: written with each return, and the one read; NULL: all */
    char *district;          /* d25_store_set_district: the one district a city's reads are of; NULL: all */
};

/* The progress summary's separators: between blanks, and between a
 * blank's four parts.  Text read from XML cannot hold them; should a text
 * field's value hold one anyway, it is stored as a space (the details keep
 * the text as written). */
#define BLANK_SEP '\x1e'
#define PART_SEP '\x1f'

/* The cached statement `which`, reset and unbound; NULL on error. */
sqlite3_stmt *store_stmt(d25_store *s, int which);
/* Bind text, or NULL for a NULL or empty string. */
int store_bind_text(sqlite3_stmt *st, int i, const char *v);
/* "YYYY-MM" of a period, "" when < 0. */
void store_period_text(int period, char *out, size_t n);
/* Now, as d25_format_time writes it. */
void store_now_text(char *out, size_t n);
/* A SHA-256 in lower-case hex. */
void store_hex(const uint8_t sha[32], char out[65]);
/* Bring the schema to this build's version (schema.c). */
int store_migrate(d25_store *s, d25_error *err);
/* 1 when the schema is older than this build's, 0 when it is this build's,
 * -1 with err set when it is newer (or cannot be read). */
int store_schema_state(d25_store *s, d25_error *err);
/* The canonical SHA-256 (hex) of a district month: pi's header fields
 * (not its sha256) and the rows of schema ("main", or an attached package)
 * for pi->period, as docs/city.md defines (package.c). */
int store_slice_hash(d25_store *s, const char *schema, const d25_package_info *pi, char hex[65], d25_error *err);
/* The schema version this build writes (the number of migrations). */
int store_schema_latest(void);

#endif
