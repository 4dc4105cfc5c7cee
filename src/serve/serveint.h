/*
 * serveint: what the page server's files share (http.c: the daemon,
 * requests and limits; auth.c: randomness, passwords, CSRF, sessions;
 * unit.c: the unit's page and uploads; office.c: the office's pages;
 * html.c: writing HTML).  Nothing outside src/serve/ sees it.
 */
#ifndef D25_SERVE_SERVEINT_H
#define D25_SERVE_SERVEINT_H

#include "serve.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "../util/buf.h"

enum {
    SRV_CSRF_LEN = 32,           /* hex characters */
    SRV_SESSION_LEN = 64,        /* hex characters */
    SRV_SESSIONS = 64,           /* office sessions at once */
    SRV_SESSION_SECONDS = 8 * 3600,
    SRV_NOTICES = 64,            /* rejection notices kept for download */
    SRV_FIELD_MAX = 4096,        /* a form field other than the file */
};

typedef struct {
    char id[SRV_SESSION_LEN + 1];
    time_t expires;              /* 0: free */
} srv_session;

/* A rejection notice written for an upload, kept in memory to download. */
typedef struct {
    char id[17];                 /* hex, "" when free */
    char unit[64];               /* the unit whose link may download it */
    char *name;                  /* file name offered */
    void *data;
    size_t len;
} srv_notice;

typedef struct d25_server {
    const d25_serve_opts *o;
    const d25_config *cfg;
    int deadline_day;
    unsigned char secret[32];    /* keys the CSRF tokens; new at each start */
    pthread_mutex_t lock;        /* sessions, notices, the upload slots */
    pthread_cond_t slot_free;
    int uploads;                 /* uploads in progress */
    pthread_mutex_t write_lock;  /* one hand-in or report at a time in this process */
    srv_session sessions[SRV_SESSIONS];
    srv_notice notices[SRV_NOTICES];
    size_t next_notice;
} d25_server;

/* A response being built: status, body, headers to add. */
typedef struct {
    int status;
    d25_buf body;
    const char *type;            /* Content-Type, default HTML */
    char *cookie;                /* Set-Cookie, or NULL */
    char *disposition;           /* Content-Disposition, or NULL */
    char *location;              /* Location (303), or NULL */
    void *data;                  /* a download's bytes (owned), instead of body */
    size_t len;
} srv_resp;

/* An upload or form as received. */
typedef struct {
    d25_buf file;                /* the file field's bytes */
    char *filename;              /* as the browser named it (never used as a path) */
    bool has_file;
    char csrf[SRV_CSRF_LEN + 8];
    char action[16];
    char password[256];
} srv_form;

/* auth.c */
int srv_random(void *out, size_t n);
void srv_hex(const unsigned char *b, size_t n, char *out);
bool srv_equal(const char *a, const char *b);
/* The CSRF token of a form in scope ("unit", "office", "login") for id (the
 * unit's token, the session). */
void srv_csrf(const d25_server *sv, const char *scope, const char *id, char out[SRV_CSRF_LEN + 1]);
int srv_session_new(d25_server *sv, char id[SRV_SESSION_LEN + 1]);
bool srv_session_valid(d25_server *sv, const char *id);
void srv_session_end(d25_server *sv, const char *id);

/* http.c */
void srv_log(d25_server *sv, const char *who, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int srv_period(const d25_server *sv);
/* The store as the commands open it (d25_store_open: lock_wait -1 for a
 * reader), counting the configuration's edition; NULL with err set. */
d25_store *srv_store_open(const d25_server *sv, double lock_wait, d25_error *err);

/* html.c */
void h_esc(d25_buf *b, const char *s);
void h_printf(d25_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void h_begin(d25_buf *b, const char *title);
void h_end(d25_buf *b);
void srv_error_page(srv_resp *r, int status, const char *title, const char *text);
/* A Content-Disposition offering name (RFC 6266/5987, UTF-8 percent-encoded); caller frees. */
char *srv_attachment(const char *name);

/* unit.c: /u/TOKEN[/...] (token already checked to be hex of the right
 * length); method "GET" or "POST", form filled for POST. */
void srv_unit(d25_server *sv, const char *token, const char *rest, const char *method, const srv_form *form,
              const char *client, srv_resp *r);

/* office.c: /office[/...]; session: the cookie's value or NULL; query
 * period: the ?period= value or NULL. */
void srv_office(d25_server *sv, const char *rest, const char *method, const srv_form *form, const char *session,
                const char *period_arg, const char *client, srv_resp *r);

#endif
