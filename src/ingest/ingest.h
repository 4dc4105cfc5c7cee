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
 * d25_ingest_run() reads, hashes (SHA-256, nettle) and validates the files
 * on worker threads and stores them, in the order collected, on the calling
 * thread, each in its own transaction (store.h).  Files whose bytes are
 * stored already are not validated again.  A bounded window of files is in
 * flight, so memory does not grow with the number of files.
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

/* Store every file of the list.  A file that cannot be read or stored is
 * reported (FAILED) and the run goes on; -1 only when the store itself
 * fails (err set), after which nothing more is written. */
int d25_ingest_run(d25_store *s, const d25_ingest_list *files, const d25_ingest_opts *o, int64_t run_id,
                   d25_run_counts *counts, d25_error *err);

#endif
