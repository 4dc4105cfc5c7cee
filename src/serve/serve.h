/*
 * serve: duty25's intranet page (duty25 serve), on GNU libmicrohttpd.
 *
 * A unit opens its personal link (/u/TOKEN, a random token kept in the
 * store, listed by duty25 links): it sees its month, uploads a return to
 * check it only (nothing stored) or to hand it in (kept in the inbox and
 * stored as ingest stores a file, with the time it arrived), and reads the
 * findings exactly as validate gives them, with the rejection notice to
 * download.  The office logs in with the password whose salted hash is in
 * [serve] password and sees the month's status as duty25 status gives it,
 * the latest returns, the quality warnings, and the report, tables and
 * workbook (written on demand as duty25 report writes them).
 *
 * The page server sits beside the commands at the end of the pipeline and
 * calls the same cores (validate, ingest, status, feedback, report); it has
 * no SQL of its own (store.h, "the page server").  Every hand-in takes the
 * store's writers' lock as ingest does.  Network input is hostile: uploads
 * are capped ([serve] max_upload) and refused from their Content-Length
 * before the body is read, or as soon as the bytes received pass the cap;
 * connections and uploads at once are limited; no part of a request names
 * a file on disk; a token sees only its own unit; the office's pages need
 * the session cookie (HttpOnly, SameSite=Strict) and every form its CSRF
 * token.  One log line per request that changes or hands in anything.
 *
 * Ownership: everything the options point to must outlive d25_serve_run.
 */
#ifndef D25_SERVE_SERVE_H
#define D25_SERVE_SERVE_H

#include <stdio.h>

#include "../cmd/commands.h"

typedef struct {
    const d25_setup *su;       /* configuration, rules, registry */
    const char *db;            /* the database */
    const char *listen;        /* "ADDR:PORT" (port 0: any free one) */
    int period;                /* the month shown and taken, or -1: the current month */
    FILE *log;                 /* where the log lines go (stderr) */
    volatile int *stop;        /* set non-zero (a signal) to stop */
} d25_serve_opts;

/* Serve until *o->stop; the address is announced on o->log once
 * listening.  0, or -1 with err set (cannot listen, no database...). */
int d25_serve_run(const d25_serve_opts *o, d25_error *err);

/* The office's password as stored in [serve] password:
 * "pbkdf2-sha256$ITERATIONS$SALT$HASH" (salt and hash in hex), a fresh
 * random salt each time.  Caller frees; NULL when out of randomness or
 * memory. */
char *d25_serve_hash_password(const char *password);
/* 1 when password matches the stored hash, 0 when not, -1 when stored is
 * not such a hash. */
int d25_serve_check_password(const char *stored, const char *password);

/* A unit's page, BASE/u/TOKEN (base: [serve] base_url, a trailing "/"
 * dropped; "" gives the path alone), malloc'd, or NULL (out of memory):
 * what duty25 links lists and duty25 forms prints. */
char *d25_serve_unit_link(const char *base, const char *token);

#endif
