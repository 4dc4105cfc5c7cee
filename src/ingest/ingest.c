/* ingest: files and folders into the store (see ingest.h). */
#include "ingest.h"
#include "../util/syserr.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../ooxml/xml.h"
#include "../registry/receipts.h"
#include "mail.h"
#include "../util/buf.h"
#include "../util/file.h"
#include "../util/text.h"

/* ---- collecting ---- */

/* A walk over the paths given: each entry handed to fn as it is found
 * (valid only during the call), in the order d25_ingest_collect lists them.
 * fn returns < 0 to stop the walk. */
typedef struct {
    int (*fn)(void *ud, const d25_ingest_file *f);
    void *ud;
} walker;

static int add_entry(walker *w, const char *path, const char *note, bool receipts, const char *mail, size_t part)
{
    d25_ingest_file f = {.path = (char *)path, .note = (char *)note, .receipts = receipts, .mail = (char *)mail,
                         .part = part};
    return w->fn(w->ud, &f);
}

static int add(walker *w, const char *path, const char *note) { return add_entry(w, path, note, false, NULL, 0); }

static bool wanted_ext(const char *name)
{
    static const char *const exts[] = {".docx", ".xlsx", ".docm", ".xlsm", ".doc", ".xls", ".wps", ".et", NULL};
    for (const char *const *e = exts; *e; e++)
        if (d25_has_suffix_ci(name, *e))
            return true;
    return false;
}

/* A saved mail: each attachment that may be a return listed as MAIL/NAME,
 * the others with a note.  The mail is read again, attachment by
 * attachment, when its returns are processed: nothing is held meanwhile. */
static int add_mail(walker *w, const char *path)
{
    d25_error e = {0};
    d25_mail *m = d25_mail_read(path, NULL, &e);
    if (!m) {
        if (e.code == D25_E_NOMEM)
            return -1;
        char note[sizeof e.message + 32];
        snprintf(note, sizeof note, "%s，已跳过", e.message);
        return add(w, path, note);
    }
    int rc = 0;
    if (m->nparts == 0)
        rc = add(w, path, "邮件中没有附件，已跳过");
    for (size_t k = 0; k < m->nparts && rc == 0; k++) {
        const d25_mail_part *pt = &m->parts[k];
        char *p = NULL;
        if (asprintf(&p, "%s/%s", path, pt->name) < 0)
            return d25_mail_free(m), -1;
        if (!pt->data)
            rc = add(w, p, pt->error.message);
        else if (!wanted_ext(pt->name))
            rc = add(w, p, "邮件附件不是 Word/Excel 文件（扩展名不是 .docx/.xlsx 等），已跳过");
        else
            rc = add_entry(w, p, NULL, false, path, k);
        free(p);
    }
    if (rc == 0 && m->truncated) {
        char note[128];
        snprintf(note, sizeof note, "邮件附件过多，只读取了前 %zu 个", m->nparts);
        rc = add(w, path, note);
    }
    d25_mail_free(m);
    return rc;
}

/* A receipt register: listed for the caller, not ingested. */
static int add_receipts(walker *w, const char *path) { return add_entry(w, path, "收件登记", true, NULL, 0); }

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int walk(walker *w, const char *dir, int depth)
{
    if (depth > 64)
        return add(w, dir, "文件夹层数过多，未进入");
    DIR *d = opendir(dir);
    if (!d) {
        char note[256];
        snprintf(note, sizeof note, "无法打开文件夹（%s）", d25_strerror(errno));
        return add(w, dir, note);
    }
    /* The folder's names, to be taken in byte order: one buffer of them
     * (NUL after each) and a pointer to each, about 8 bytes a name besides
     * the name itself, for as long as the folder is walked. */
    d25_buf buf = {0};
    char **names = NULL;
    size_t n = 0, sorted = 0;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) && rc == 0) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (d25_buf_append(&buf, e->d_name, strlen(e->d_name) + 1) < 0)
            rc = -1;
        else
            n++;
    }
    closedir(d);
    if (rc == 0 && n && !(names = malloc(n * sizeof *names)))
        rc = -1;
    if (rc == 0) {
        const char *q = buf.data;
        for (size_t i = 0; i < n; q += strlen(q) + 1)
            names[i++] = (char *)q;
        sorted = n;
    }
    if (rc == 0 && n) /* an empty folder (the inbox between months) has no names to sort */
        qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < sorted && rc == 0; i++) {
        char *p = NULL;
        if (asprintf(&p, "%s%s%s", dir, dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/", names[i]) < 0) {
            rc = -1;
            break;
        }
        struct stat st, lst;
        bool link = lstat(p, &lst) == 0 && S_ISLNK(lst.st_mode);
        if (stat(p, &st) != 0) {
            rc = add(w, p, link ? "符号链接指向的文件不存在，已跳过" : "无法读取文件信息，已跳过");
        } else if (S_ISDIR(st.st_mode)) {
            if (names[i][0] == '.')
                ; /* .git, .cache and the like */
            else if (link)
                rc = add(w, p, "指向文件夹的符号链接，未进入");
            else
                rc = walk(w, p, depth + 1);
        } else if (!S_ISREG(st.st_mode)) {
            rc = add(w, p, "不是普通文件，已跳过");
        } else if (strncmp(names[i], "~$", 2) == 0) {
            rc = add(w, p, "Office 临时文件（~$ 开头，文件打开时自动生成），已跳过");
        } else if (names[i][0] == '.') {
            rc = add(w, p, "隐藏文件，已跳过");
        } else if (d25_is_receipt_register(names[i])) {
            rc = add_receipts(w, p);
        } else if (d25_has_suffix_ci(names[i], ".eml")) {
            rc = add_mail(w, p);
        } else if (!wanted_ext(names[i])) {
            rc = add(w, p, "不是 Word/Excel 文件（扩展名不是 .docx/.xlsx 等），已跳过");
        } else {
            rc = add(w, p, NULL);
        }
        free(p);
    }
    free(names);
    d25_buf_free(&buf);
    return rc;
}

/* Every path given, folders walked (see d25_ingest_collect). */
static int walk_paths(char *const *paths, size_t n, walker *w)
{
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        int rc;
        if (stat(paths[i], &st) != 0) {
            char note[256];
            snprintf(note, sizeof note, "找不到这个文件或文件夹（%s）", d25_strerror(errno));
            rc = add(w, paths[i], note);
        } else if (S_ISDIR(st.st_mode)) {
            rc = walk(w, paths[i], 0);
        } else if (!S_ISREG(st.st_mode)) {
            /* A FIFO would hang the run, /dev/zero would be stored as an
             * empty return: only regular files are returns. */
            rc = add(w, paths[i], "不是普通文件（是管道、设备或套接字），不是报表，已跳过");
        } else if (d25_is_receipt_register(paths[i])) {
            rc = add_receipts(w, paths[i]);
        } else if (d25_has_suffix_ci(paths[i], ".eml")) {
            rc = add_mail(w, paths[i]);
        } else {
            /* Named on the command line: read whatever it is. */
            rc = add(w, paths[i], NULL);
        }
        if (rc < 0)
            return -1;
    }
    return 0;
}

typedef struct {
    d25_ingest_list *l;
    bool files;  /* list the files too (else only count them) */
} lister;

static int list_entry(void *ud, const d25_ingest_file *src)
{
    lister *ls = ud;
    d25_ingest_list *l = ls->l;
    if (!src->note && !ls->files) {
        l->nfiles++;
        return 0;
    }
    if (d25_grow((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v) < 0)
        return -1;
    d25_ingest_file *f = &l->v[l->n];
    *f = *src;
    f->path = strdup(src->path);
    f->note = src->note ? strdup(src->note) : NULL;
    f->mail = src->mail ? strdup(src->mail) : NULL;
    if (!f->path || (src->note && !f->note) || (src->mail && !f->mail)) {
        free(f->path);
        free(f->note);
        free(f->mail);
        return -1;
    }
    l->n++;
    if (!src->note)
        l->nfiles++;
    return 0;
}

static int list_paths(char *const *paths, size_t n, d25_ingest_list *out, bool files)
{
    memset(out, 0, sizeof *out);
    lister ls = {out, files};
    walker w = {list_entry, &ls};
    return walk_paths(paths, n, &w);
}

int d25_ingest_collect(char *const *paths, size_t n, d25_ingest_list *out) { return list_paths(paths, n, out, true); }

int d25_ingest_survey(char *const *paths, size_t n, d25_ingest_list *out) { return list_paths(paths, n, out, false); }

void d25_ingest_list_free(d25_ingest_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].path);
        free(l->v[i].note);
        free(l->v[i].mail);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* ---- the pipeline ---- */

typedef struct {
    char *path;         /* the file (owned), as the walk gave it */
    char *mail;         /* an attachment: the saved mail it is in (owned), else NULL */
    size_t part;        /* with mail: the attachment's index */
    bool ready;
    bool validated;     /* res holds a result */
    bool io_failed;
    char io_msg[1024];
    uint8_t sha[32];
    int64_t size;
    time_t mtime;
    time_t mail_time;   /* an attachment: when its mail arrived, (time_t)-1 unknown */
    bool from_mail;
    d25_result res;
    int vrc;            /* d25_validate_* return */
} slot;

/* The files come from a second walk over the paths, one at a time, into a
 * ring of window slots: file k goes into slot k % window once file
 * k - window is stored; a worker takes the next file put in; the calling
 * thread stores them in order. */
typedef struct {
    const d25_ingest_opts *o;
    const uint8_t *known;
    size_t nknown;
    size_t total;       /* files the survey counted (for the progress shown) */
    slot *slots;
    size_t window;
    pthread_mutex_t mu;
    pthread_cond_t cond_ready, cond_space;
    size_t next_fill, next_claim, next_store;
    bool walk_done;     /* no more files will be put in */
    bool stop;
    /* who sleeps on which condition: signalled only then */
    bool main_waiting;
    int workers_waiting;
    /* the calling thread's side */
    d25_store *s;
    int64_t run_id;
    d25_run_counts *counts;
    d25_error *err;
    int started;        /* worker threads running */
    int rc;             /* -1 once the store failed */
} pipeline;

/* Hash bytes read whole and validate them unless they are known. */
static void digest(pipeline *pl, slot *sl, const char *path, const unsigned char *buf, size_t len, bool force)
{
    struct sha256_ctx h;
    sha256_init(&h);
    sha256_update(&h, len, buf);
    sl->size = (int64_t)len;
    sha256_digest(&h, sizeof sl->sha, sl->sha);
    if (force || !d25_hash_in(pl->known, pl->nknown, sl->sha)) {
        sl->vrc = d25_validate_data(pl->o->vctx, path, buf, len, &sl->res);
        sl->validated = true;
    }
}

/* An attachment of a saved mail: the mail read again, this part taken
 * (validated even when its bytes are known with force). */
static void process_mail_part(pipeline *pl, slot *sl, bool force)
{
    d25_error e = {0};
    d25_mail *m = d25_mail_read(sl->mail, NULL, &e);
    struct stat st;
    sl->mtime = stat(sl->mail, &st) == 0 ? st.st_mtime : 0;
    if (!m || sl->part >= m->nparts || !m->parts[sl->part].data) {
        snprintf(sl->io_msg, sizeof sl->io_msg, "%s，未入库",
                 !m ? e.message : sl->part < m->nparts ? m->parts[sl->part].error.message : "邮件在收取过程中被改动");
        sl->io_failed = true;
        d25_mail_free(m);
        return;
    }
    sl->from_mail = true;
    sl->mail_time = m->received;
    const d25_mail_part *pt = &m->parts[sl->part];
    if (pt->len > pl->o->vctx->limits->max_file_bytes) {
        snprintf(sl->io_msg, sizeof sl->io_msg, "邮件附件有 %zu 字节，超过 %zu 字节的上限，未入库", pt->len,
                 pl->o->vctx->limits->max_file_bytes);
        sl->io_failed = true;
    } else {
        digest(pl, sl, sl->path, pt->data, pt->len, force);
    }
    d25_mail_free(m);
}

/* Read the file and hash its bytes; validate unless the bytes are known. */
static void process(pipeline *pl, slot *sl)
{
    const char *path = sl->path;
    const d25_vctx *ctx = pl->o->vctx;
    if (sl->mail) {
        process_mail_part(pl, sl, false);
        return;
    }
    struct stat st;
    int fd = d25_open_regular(path, &st);
    if (fd < 0) {
        if (errno == EINVAL)
            snprintf(sl->io_msg, sizeof sl->io_msg, "不是普通文件（是管道、设备或套接字），未入库");
        else
            snprintf(sl->io_msg, sizeof sl->io_msg, "无法打开（%s），未入库", d25_strerror(errno));
        sl->io_failed = true;
        return;
    }
    sl->size = (int64_t)st.st_size;
    sl->mtime = st.st_mtime;
    bool whole = (unsigned long long)st.st_size <= ctx->limits->max_file_bytes;
    if (!whole) {
        struct sha256_ctx h;
        sha256_init(&h);
        /* Too big to be a return: refused by its size without reading it
         * all (a 20 GB sparse file would hold the lock for minutes).  Its
         * identity is its size and first megabyte, enough to know it again. */
        unsigned char head[1u << 16];
        size_t left = 1u << 20;
        ssize_t r;
        char sz[32];
        snprintf(sz, sizeof sz, "oversize:%lld:", (long long)st.st_size);
        sha256_update(&h, strlen(sz), (const uint8_t *)sz);
        while (left && ((r = read(fd, head, left < sizeof head ? left : sizeof head)) > 0 || (r < 0 && errno == EINTR)))
            if (r > 0) {
                sha256_update(&h, (size_t)r, head);
                left -= (size_t)r;
            }
        close(fd);
        sha256_digest(&h, sizeof sl->sha, sl->sha);
        if (!d25_hash_in(pl->known, pl->nknown, sl->sha)) {
            sl->vrc = d25_validate_file(ctx, path, &sl->res);
            sl->validated = true;
        }
        return;
    }
    size_t cap = (size_t)st.st_size;
    unsigned char *buf = malloc(cap ? cap : 1);
    size_t len = 0;
    if (!buf) {
        snprintf(sl->io_msg, sizeof sl->io_msg, "内存不足，未入库");
        sl->io_failed = true;
        close(fd);
        return;
    }
    /* Up to the size seen: a file that grows while read is taken as it was. */
    while (len < cap) {
        ssize_t r = read(fd, buf + len, cap - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(sl->io_msg, sizeof sl->io_msg, "读取失败（%s），未入库", d25_strerror(errno));
            sl->io_failed = true;
            break;
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    close(fd);
    if (sl->io_failed) {
        free(buf);
        return;
    }
    digest(pl, sl, path, buf, len, false);
    free(buf);
}

static void *worker(void *arg)
{
    pipeline *pl = arg;
    d25_xml_init();
    for (;;) {
        pthread_mutex_lock(&pl->mu);
        /* A file put in is always within the window (the calling thread
         * puts file k in only once file k - window is stored). */
        while (!pl->stop && pl->next_claim >= pl->next_fill && !pl->walk_done) {
            pl->workers_waiting++;
            pthread_cond_wait(&pl->cond_space, &pl->mu);
            pl->workers_waiting--;
        }
        if (pl->stop || pl->next_claim >= pl->next_fill) {
            pthread_mutex_unlock(&pl->mu);
            return NULL;
        }
        size_t k = pl->next_claim++;
        pthread_mutex_unlock(&pl->mu);
        slot *sl = &pl->slots[k % pl->window];
        process(pl, sl);
        pthread_mutex_lock(&pl->mu);
        sl->ready = true;
        if (pl->main_waiting)
            pthread_cond_signal(&pl->cond_ready);
        pthread_mutex_unlock(&pl->mu);
    }
}

static int threads_wanted(const d25_ingest_opts *o, size_t n)
{
    long t = o->threads > 0 ? o->threads : sysconf(_SC_NPROCESSORS_ONLN);
    if (t < 1)
        t = 1;
    if (t > 16)
        t = 16;
    if ((size_t)t > n)
        t = (long)(n ? n : 1);
    return (int)t;
}

static void emit(const d25_ingest_opts *o, d25_ingest_item *it)
{
    if (o->on_item)
        o->on_item(o->ud, it);
}

/* A file that could not be read or checked: reported, not stored. */
static int failed(const d25_ingest_opts *o, d25_ingest_item *it, d25_run_counts *c, const char *why)
{
    it->kind = D25_ITEM_FAILED;
    it->message = why;
    c->failed++;
    emit(o, it);
    return 0;
}

/* What the office knows of a return's arrival: its receipt register first
 * (the caller's callback), else the mail it came in. */
typedef struct {
    const d25_ingest_opts *o;
    time_t mail_time;   /* (time_t)-1: not from a mail, or the mail has no time */
} receipt_ctx;

static int receipt_time(void *ud, const char *path, const char *unit, const char *period, time_t *when,
                        d25_recv_source *src)
{
    const receipt_ctx *rx = ud;
    if (rx->o->receipt && rx->o->receipt(rx->o->receipt_ud, path, unit, period, when, src) == 1)
        return 1;
    if (rx->mail_time == (time_t)-1)
        return 0;
    *when = rx->mail_time;
    *src = D25_RECV_MAIL;
    return 1;
}

/* Store one processed file on the calling thread. */
static int store_one(d25_store *s, pipeline *pl, slot *sl, int64_t run_id, d25_run_counts *c, size_t done,
                     d25_error *err)
{
    const d25_ingest_opts *o = pl->o;
    const char *path = sl->path;
    /* A file that came in after the survey counted them: the total grows
     * with it rather than the progress passing it. */
    d25_ingest_item it = {.path = path, .done = done, .total = done > pl->total ? done : pl->total, .mail = sl->mail};
    static const char oom[] = "检查时内存不足，未入库";
    if (sl->io_failed || (sl->validated && sl->vrc < 0))
        return failed(o, &it, c, sl->io_failed ? sl->io_msg : oom);
    d25_incoming in = {.path = path, .size = sl->size, .res = sl->validated ? &sl->res : NULL};
    memcpy(in.sha, sl->sha, sizeof in.sha);
    in.received = o->received_from == D25_RECEIVED_MTIME ? sl->mtime : time(NULL);
    in.source = o->received_from == D25_RECEIVED_MTIME ? D25_RECV_MTIME : D25_RECV_SEEN;
    in.file_mtime = sl->mtime;
    receipt_ctx rx = {.o = o, .mail_time = sl->from_mail ? sl->mail_time : (time_t)-1};
    in.receipt = receipt_time;
    in.receipt_ud = &rx;
    d25_store_outcome out;
    int put = d25_store_put(s, &in, run_id, &out, err);
    if (put == 1) {
        /* Known when the run began (so not validated), yet not found now:
         * validate it here and store it. */
        if (sl->mail) {
            process_mail_part(pl, sl, true);
            if (sl->io_failed)
                return failed(o, &it, c, sl->io_msg);
        } else {
            sl->vrc = d25_validate_file(o->vctx, path, &sl->res);
            sl->validated = true;
        }
        if (sl->vrc < 0)
            return failed(o, &it, c, oom);
        in.res = &sl->res;
        put = d25_store_put(s, &in, run_id, &out, err);
    }
    if (put < 0)
        return -1;
    switch (out.outcome) {
    case D25_STORED_NEW: c->added++; break;
    case D25_STORED_SUPERSEDED: c->superseded++; break;
    case D25_STORED_OUTDATED: c->outdated++; break;
    case D25_STORED_REJECTED: c->rejected++; break;
    case D25_STORED_UNCHANGED: c->unchanged++; break;
    case D25_STORED_RETIMED: c->retimed++; break;
    }
    it.kind = D25_ITEM_STORED;
    it.res = out.outcome == D25_STORED_UNCHANGED || out.outcome == D25_STORED_RETIMED ? NULL : &sl->res;
    it.outcome = &out;
    emit(o, &it);
    free(out.earlier_file);
    return 0;
}

/* Free a slot for the next file. */
static void slot_clear(slot *sl)
{
    if (sl->validated)
        d25_result_free(&sl->res);
    free(sl->path);
    free(sl->mail);
    memset(sl, 0, sizeof *sl);
}

/* Store the oldest file put in (waiting for a worker to finish it). */
static void store_next(pipeline *pl)
{
    size_t k = pl->next_store;
    slot *sl = &pl->slots[k % pl->window];
    if (pl->started == 0) {
        process(pl, sl); /* no thread could start: do it here */
    } else {
        pthread_mutex_lock(&pl->mu);
        pl->main_waiting = true;
        while (!sl->ready)
            pthread_cond_wait(&pl->cond_ready, &pl->mu);
        pl->main_waiting = false;
        pthread_mutex_unlock(&pl->mu);
    }
    if (pl->rc == 0)
        pl->rc = store_one(pl->s, pl, sl, pl->run_id, pl->counts, k + 1, pl->err);
    slot_clear(sl);
    pthread_mutex_lock(&pl->mu);
    pl->next_store = k + 1;
    if (pl->rc < 0)
        pl->stop = true;
    if (pl->workers_waiting || pl->stop)
        pthread_cond_broadcast(&pl->cond_space);
    pthread_mutex_unlock(&pl->mu);
}

/* The second walk's callback: a file to ingest put in the ring, once there
 * is room (the oldest stored first).  Entries with a note and receipt
 * registers were reported from the survey. */
static int put_file(void *ud, const d25_ingest_file *f)
{
    pipeline *pl = ud;
    if (f->note || f->receipts)
        return 0;
    while (pl->rc == 0 && pl->next_fill >= pl->next_store + pl->window)
        store_next(pl);
    if (pl->rc < 0)
        return -1;
    slot *sl = &pl->slots[pl->next_fill % pl->window];
    sl->path = strdup(f->path);
    sl->mail = f->mail ? strdup(f->mail) : NULL;
    sl->part = f->part;
    if (!sl->path || (f->mail && !sl->mail)) {
        free(sl->path);
        free(sl->mail);
        sl->path = sl->mail = NULL;
        return -1;
    }
    pthread_mutex_lock(&pl->mu);
    pl->next_fill++;
    if (pl->workers_waiting)
        pthread_cond_signal(&pl->cond_space);
    pthread_mutex_unlock(&pl->mu);
    return 0;
}

int d25_ingest_run(d25_store *s, char *const *paths, size_t npaths, const d25_ingest_list *survey,
                   const d25_ingest_opts *o, int64_t run_id, d25_run_counts *counts, d25_error *err)
{
    memset(counts, 0, sizeof *counts);
    pipeline pl = {.o = o, .total = survey->nfiles, .s = s, .run_id = run_id, .counts = counts, .err = err};
    for (size_t i = 0; i < survey->n; i++) {
        if (!survey->v[i].note || survey->v[i].receipts)
            continue;
        counts->ignored++;
        d25_ingest_item it = {.path = survey->v[i].path, .kind = D25_ITEM_SKIPPED, .message = survey->v[i].note,
                              .total = survey->nfiles};
        emit(o, &it);
    }
    counts->files = (int)survey->nfiles;
    if (!survey->nfiles)
        return 0;
    if (d25_store_hashes(s, (uint8_t **)&pl.known, &pl.nknown, err) < 0)
        return -1;
    int nt = threads_wanted(o, survey->nfiles);
    pl.window = (size_t)nt * 4;
    pl.slots = calloc(pl.window, sizeof *pl.slots);
    pthread_t *tids = calloc((size_t)nt, sizeof *tids);
    if (!pl.slots || !tids) {
        free(pl.slots);
        free(tids);
        free((void *)pl.known);
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    }
    pthread_mutex_init(&pl.mu, NULL);
    pthread_cond_init(&pl.cond_ready, NULL);
    pthread_cond_init(&pl.cond_space, NULL);
    for (; pl.started < nt; pl.started++)
        if (pthread_create(&tids[pl.started], NULL, worker, &pl) != 0)
            break;
    walker w = {put_file, &pl};
    int wrc = walk_paths(paths, npaths, &w);
    pthread_mutex_lock(&pl.mu);
    pl.walk_done = true;
    pthread_cond_broadcast(&pl.cond_space);
    pthread_mutex_unlock(&pl.mu);
    /* The files put in are stored even when the walk ran out of memory. */
    while (pl.rc == 0 && pl.next_store < pl.next_fill)
        store_next(&pl);
    for (int t = 0; t < pl.started; t++)
        pthread_join(tids[t], NULL);
    /* After a failure, workers may have finished files never stored. */
    for (size_t w_ = 0; w_ < pl.window; w_++)
        slot_clear(&pl.slots[w_]);
    /* The files walked: the survey's count unless the folders changed
     * since. */
    if (wrc == 0 && pl.rc == 0)
        counts->files = (int)pl.next_store;
    pthread_mutex_destroy(&pl.mu);
    pthread_cond_destroy(&pl.cond_ready);
    pthread_cond_destroy(&pl.cond_space);
    free(tids);
    free(pl.slots);
    free((void *)pl.known);
    if (pl.rc < 0)
        return -1;
    if (wrc < 0)
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    return 0;
}
