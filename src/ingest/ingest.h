/*
 * ingest: takes returns from files and folders into the store.
 *
 * d25_ingest_collect() walks the paths given (folders recursively, in byte
 * order of their names) and keeps the files that may be returns: .docx,
 * .xlsx, their macro-enabled forms, and the legacy .doc/.xls/.wps/.et,
 * which are stored as rejected so that the unit is told.  Office owner
 * files (~$…), other extensions and hidden files are skipped with a note.
 * A receipt register (收件登记….csv/.txt/.xlsx) is listed with the flag
 * `receipts` for the caller to read before the run (d25_ingest_opts.receipt).
 * A saved mail (.eml) is opened and each of its attachments listed as a
 * file MAIL/NAME of its own; such a return's received time is the mail's
 * (its server's Received: header), unless a receipt register says
 * otherwise.  The mail itself is not moved or stored.
 *
 * d25_ingest_survey() walks the same way but lists only the entries with
 * a note and the receipt registers, and counts the files (nfiles): what a
 * run reports before its first file, in memory that does not grow with the
 * number of files.
 *
 * d25_ingest_run() walks the paths again and reads, hashes (SHA-256,
 * nettle) and validates each file on worker threads as the walk finds it,
 * and stores them, in the order found, on the calling thread, each in its
 * own transaction (store.h).  Files whose bytes are stored already are not
 * validated again.  A bounded window of files is in flight and no list of
 * them is kept, so memory does not grow with the number of files; what a
 * walk holds is the names of the folders it is in (about 8 bytes a name
 * besides the name: one folder's names are taken in byte order).
 *
 * Ownership: d25_ingest_list owns its paths and notes
 * (d25_ingest_list_free).  Items handed to the callback are valid only
 * during the call.
 */
#ifndef D25_INGEST_INGEST_H
#define D25_INGEST_INGEST_H

#include <stdbool.h>
#include <stddef.h>

#include "../config/config.h"
#include "../store/store.h"
#include "../validate/validate.h"

typedef struct {
    char *path;
    char *note;      /* NULL: to ingest; else why it is skipped (Chinese) */
    bool receipts;   /* a receipt register (收件登记, receipts.h): read by the caller, not ingested */
    char *mail;      /* an attachment of this saved mail (.eml, mail.h), path being MAIL/NAME; else NULL */
    size_t part;     /* with mail: the attachment's index in it */
} d25_ingest_file;

typedef struct {
    d25_ingest_file *v;
    size_t n, cap;
    size_t nfiles;   /* entries with note == NULL */
} d25_ingest_list;

/* 0, or -1 when out of memory.  A path that does not exist becomes an
 * entry with a note. */
int d25_ingest_collect(char *const *paths, size_t n, d25_ingest_list *out);
/* Likewise, without the files to ingest: out->v holds the entries with a
 * note and the receipt registers, out->nfiles counts the files. */
int d25_ingest_survey(char *const *paths, size_t n, d25_ingest_list *out);
void d25_ingest_list_free(d25_ingest_list *l);

typedef enum { D25_ITEM_STORED, D25_ITEM_SKIPPED, D25_ITEM_FAILED, D25_ITEM_RECEIPTS } d25_item_kind;

typedef struct {
    const char *path;
    d25_item_kind kind;
    const d25_result *res;            /* STORED, when it was validated now */
    const d25_store_outcome *outcome; /* STORED */
    const char *message;              /* SKIPPED: the note; FAILED: the error; RECEIPTS: what was read */
    const char *mail;                 /* the saved mail path came out of (path is MAIL/NAME), else NULL */
    size_t done, total;               /* files handled so far / to handle */
} d25_ingest_item;

typedef struct {
    const d25_vctx *vctx;
    d25_received_from received_from;
    d25_receipt_fn receipt;           /* NULL, or the office's receipt times (see d25_incoming) */
    void *receipt_ud;
    int threads;                      /* 0: one per CPU */
    void (*on_item)(void *ud, const d25_ingest_item *it);
    void *ud;
} d25_ingest_opts;

/* Report the survey's skipped entries (d25_ingest_survey of the same
 * paths), then walk the paths again and store every file found.  A file
 * that cannot be read or stored is reported (FAILED) and the run goes on;
 * -1 only when the store itself fails or memory runs out (err set), after
 * which nothing more is written.  counts->files is the number of files
 * walked (the survey's, unless the folders changed in between). */
int d25_ingest_run(d25_store *s, char *const *paths, size_t npaths, const d25_ingest_list *survey,
                   const d25_ingest_opts *o, int64_t run_id, d25_run_counts *counts, d25_error *err);

#endif
