/* serve http: the libmicrohttpd daemon, the limits on what comes in,
 * forms and uploads as they arrive, routing, responses and the log. */
#include "serveint.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../feedback/feedback.h"
#include "../forms/forms.h"
#include "../util/text.h"

/* A multipart body's bytes beyond the file itself (boundaries, the other
 * fields): a body longer than max_upload plus this is refused unread. */
enum { FORM_OVERHEAD = 64 * 1024, SLOT_WAIT_SECONDS = 120 };

typedef struct {
    struct MHD_PostProcessor *pp;
    srv_form form;
    size_t received;       /* body bytes so far */
    bool post, slot, bad, too_big;
    int refused;           /* a status sent at once (413, 503, 405...), 0: none */
} srv_req;

void srv_log(d25_server *sv, const char *who, const char *fmt, ...)
{
    FILE *log = sv->o->log;
    if (!log)
        return;
    char ts[32];
    d25_format_time(time(NULL), ts, sizeof ts);
    va_list ap;
    va_start(ap, fmt);
    pthread_mutex_lock(&sv->lock);
    fprintf(log, "%s %s ", ts, who ? who : "-");
    vfprintf(log, fmt, ap);
    fputc('\n', log);
    fflush(log);
    pthread_mutex_unlock(&sv->lock);
    va_end(ap);
}

d25_store *srv_store_open(const d25_server *sv, double lock_wait, d25_error *err)
{
    d25_store *s = d25_store_open(sv->o->db, lock_wait, err);
    if (s && d25_store_set_edition(s, sv->o->su->rules->id) < 0) {
        d25_store_close(s);
        d25_fail(err, D25_E_NOMEM, "内存不足");
        return NULL;
    }
    return s;
}

int srv_period(const d25_server *sv)
{
    if (sv->o->period >= 0)
        return sv->o->period;
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    return (tm.tm_year + 1900) * 12 + tm.tm_mon;
}

/* ---- upload slots: at most max_uploads bodies received and checked at once ---- */

static bool take_slot(d25_server *sv)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += SLOT_WAIT_SECONDS;
    pthread_mutex_lock(&sv->lock);
    int rc = 0;
    while (sv->uploads >= sv->cfg->serve.max_uploads && rc == 0)
        rc = pthread_cond_timedwait(&sv->slot_free, &sv->lock, &until);
    bool ok = sv->uploads < sv->cfg->serve.max_uploads;
    if (ok)
        sv->uploads++;
    pthread_mutex_unlock(&sv->lock);
    return ok;
}

static void give_slot(d25_server *sv)
{
    pthread_mutex_lock(&sv->lock);
    sv->uploads--;
    pthread_cond_signal(&sv->slot_free);
    pthread_mutex_unlock(&sv->lock);
}

/* ---- forms ---- */

static void field_append(char *dst, size_t cap, const char *data, size_t size, bool *bad)
{
    size_t have = strlen(dst);
    if (have + size >= cap) {
        *bad = true;
        return;
    }
    memcpy(dst + have, data, size);
    dst[have + size] = '\0';
}

static enum MHD_Result post_field(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
                                  const char *content_type, const char *transfer_encoding, const char *data,
                                  uint64_t off, size_t size)
{
    (void)kind, (void)content_type, (void)transfer_encoding;
    srv_req *rq = cls;
    if (strcmp(key, "file") == 0) {
        /* One file per form; its size is bounded by the body's, which the
         * handler counts against the cap. */
        if (!rq->form.has_file) {
            rq->form.has_file = true;
            if (filename && !(rq->form.filename = strndup(filename, 255)))
                return MHD_NO;
        } else if (off == 0) {
            rq->bad = true;
            return MHD_NO;
        }
        if (size && d25_buf_append(&rq->form.file, data, size) < 0)
            return MHD_NO;
        return MHD_YES;
    }
    if (strcmp(key, "csrf") == 0)
        field_append(rq->form.csrf, sizeof rq->form.csrf, data, size, &rq->bad);
    else if (strcmp(key, "action") == 0)
        field_append(rq->form.action, sizeof rq->form.action, data, size, &rq->bad);
    else if (strcmp(key, "password") == 0)
        field_append(rq->form.password, sizeof rq->form.password, data, size, &rq->bad);
    return rq->bad ? MHD_NO : MHD_YES;
}

static void req_free(d25_server *sv, srv_req *rq)
{
    if (!rq)
        return;
    if (rq->pp)
        MHD_destroy_post_processor(rq->pp);
    if (rq->slot)
        give_slot(sv);
    d25_buf_free(&rq->form.file);
    free(rq->form.filename);
    memset(rq->form.password, 0, sizeof rq->form.password);
    free(rq);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    (void)c, (void)toe;
    req_free(cls, *con_cls);
    *con_cls = NULL;
}

/* ---- responses ---- */

static enum MHD_Result send_resp(struct MHD_Connection *c, srv_resp *r)
{
    struct MHD_Response *resp;
    if (r->data) {
        resp = MHD_create_response_from_buffer(r->len, r->data, MHD_RESPMEM_MUST_FREE);
        if (resp)
            r->data = NULL;
    } else {
        size_t len = r->body.len;
        char *body = d25_buf_steal(&r->body);
        resp = MHD_create_response_from_buffer(len, body ? body : (char *)"", body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
        if (!resp)
            free(body);
    }
    enum MHD_Result ok = MHD_NO;
    if (resp) {
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->type ? r->type : "text/html; charset=utf-8");
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
        MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
        MHD_add_response_header(resp, "X-Frame-Options", "DENY");
        MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
        MHD_add_response_header(resp, "Content-Security-Policy",
                                "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; "
                                "frame-ancestors 'none'; base-uri 'none'");
        if (r->cookie)
            MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, r->cookie);
        if (r->disposition)
            MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_DISPOSITION, r->disposition);
        if (r->location)
            MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, r->location);
        ok = MHD_queue_response(c, (unsigned)r->status, resp);
        MHD_destroy_response(resp);
    }
    d25_buf_free(&r->body);
    free(r->data);
    free(r->cookie);
    free(r->disposition);
    free(r->location);
    return ok;
}

static enum MHD_Result send_error(struct MHD_Connection *c, int status, const char *title, const char *text)
{
    srv_resp r = {0};
    srv_error_page(&r, status, title, text);
    return send_resp(c, &r);
}

static void client_of(struct MHD_Connection *c, char *out, size_t n)
{
    snprintf(out, n, "?");
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)n);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, (socklen_t)n);
}

static bool is_token(const char *s, size_t len)
{
    if (len != 2 * D25_TOKEN_BYTES)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!strchr("0123456789abcdef", s[i]) || !s[i])
            return false;
    return true;
}

/* ---- routing ---- */

static const char landing[] =
    "<section><h1>六大责任25条报送</h1>"
    "<p>各单位请打开主管部门发给本单位的专用链接，查看本月报送情况、检查和报送报表。</p>"
    "<p>办公室：<a href=\"/office\">登录查看本月报送情况</a></p></section>";

static enum MHD_Result route(d25_server *sv, struct MHD_Connection *c, const char *url, const char *method, srv_req *rq)
{
    char client[64];
    client_of(c, client, sizeof client);
    srv_resp r = {.status = 200};
    if (strcmp(url, "/") == 0 && !rq->post) {
        h_begin(&r.body, "六大责任25条报送");
        d25_buf_puts(&r.body, landing);
        h_end(&r.body);
    } else if (strncmp(url, "/u/", 3) == 0) {
        const char *tok = url + 3;
        size_t len = strcspn(tok, "/");
        if (!is_token(tok, len)) {
            srv_log(sv, client, "拒绝：无效的单位链接");
            srv_error_page(&r, 404, "链接无效", "这个链接不是有效的单位专用链接。请核对主管部门发来的链接。");
        } else {
            char token[2 * D25_TOKEN_BYTES + 1];
            memcpy(token, tok, len);
            token[len] = '\0';
            srv_unit(sv, token, tok + len, rq->post ? "POST" : method, rq->post ? &rq->form : NULL, client, &r);
        }
    } else if (strcmp(url, "/office") == 0 || strncmp(url, "/office/", 8) == 0) {
        const char *session = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "d25s");
        const char *period = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "period");
        srv_office(sv, url + 7, rq->post ? "POST" : method, rq->post ? &rq->form : NULL, session, period, client, &r);
    } else {
        srv_error_page(&r, 404, "找不到页面", "没有这个页面。");
    }
    if (r.status == 0)
        r.status = 200;
    return send_resp(c, &r);
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                               const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
    (void)version;
    d25_server *sv = cls;
    srv_req *rq = *con_cls;
    size_t cap = sv->cfg->serve.max_upload + FORM_OVERHEAD;
    if (!rq) {
        if (!(rq = calloc(1, sizeof *rq)))
            return MHD_NO;
        *con_cls = rq;
        if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 && strcmp(method, "POST") != 0) {
            rq->refused = 405;
            return send_error(c, 405, "不支持的请求", "只支持 GET 和 POST。");
        }
        if (strcmp(method, "POST") != 0)
            return MHD_YES;
        rq->post = true;
        char client[64];
        client_of(c, client, sizeof client);
        /* Refused from the header, before a byte of the body is read. */
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl) {
            errno = 0;
            char *end;
            unsigned long long n = strtoull(cl, &end, 10);
            if (errno || *end || n > cap) {
                srv_log(sv, client, "拒绝：上传 %s 字节，超过上限 %zu 字节（%s）", cl, sv->cfg->serve.max_upload, url);
                rq->refused = 413;
                char msg[200];
                snprintf(msg, sizeof msg, "文件太大：一次最多上传 %zu MB。报表通常只有几十 KB，请检查是否选错了文件。",
                         sv->cfg->serve.max_upload >> 20 ? sv->cfg->serve.max_upload >> 20 : 1);
                return send_error(c, 413, "文件太大", msg);
            }
        }
        if (!take_slot(sv)) {
            srv_log(sv, client, "拒绝：同时上传的太多，等候超时（%s）", url);
            rq->refused = 503;
            return send_error(c, 503, "服务器忙", "同时上传的单位太多，请稍后再试。");
        }
        rq->slot = true;
        if (!(rq->pp = MHD_create_post_processor(c, 32 * 1024, post_field, rq))) {
            rq->refused = 400;
            return send_error(c, 400, "无法读取表单", "请用网页上的表单提交。");
        }
        return MHD_YES;
    }
    if (rq->refused) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size) {
        rq->received += *upload_data_size;
        if (rq->received > cap) {
            /* No Content-Length (chunked): stop reading, close. */
            char client[64];
            client_of(c, client, sizeof client);
            srv_log(sv, client, "拒绝：上传超过上限 %zu 字节，已断开（%s）", sv->cfg->serve.max_upload, url);
            return MHD_NO;
        }
        if (rq->pp && !rq->bad && MHD_post_process(rq->pp, upload_data, *upload_data_size) != MHD_YES)
            rq->bad = true;
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (rq->post && (rq->bad || rq->form.file.len > sv->cfg->serve.max_upload)) {
        bool big = rq->form.file.len > sv->cfg->serve.max_upload;
        return send_error(c, big ? 413 : 400, big ? "文件太大" : "无法读取表单",
                          big ? "上传的文件超过上限。" : "表单内容有误，请用网页上的表单重新提交。");
    }
    return route(sv, c, url, method, rq);
}

/* ---- the daemon ---- */

static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len, bool *v6, d25_error *err)
{
    char host[128];
    const char *colon = strrchr(listen, ':');
    if (!colon || colon == listen || (size_t)(colon - listen) >= sizeof host)
        return d25_fail(err, D25_E_USAGE, "监听地址“%s”无效，应为 地址:端口，如 127.0.0.1:8025", listen);
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    char *h = host;
    if (h[0] == '[' && h[strlen(h) - 1] == ']') {
        h[strlen(h) - 1] = '\0';
        h++;
    }
    char *end;
    errno = 0;
    long port = strtol(colon + 1, &end, 10);
    if (errno || *end || end == colon + 1 || port < 0 || port > 65535)
        return d25_fail(err, D25_E_USAGE, "监听地址“%s”的端口无效（0 到 65535）", listen);
    struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_PASSIVE, .ai_socktype = SOCK_STREAM}, *ai = NULL;
    if (getaddrinfo(h, NULL, &hints, &ai) != 0 || !ai)
        return d25_fail(err, D25_E_USAGE, "监听地址“%s”无效：应为数字形式的 IP 地址（如 127.0.0.1 或 0.0.0.0）", listen);
    memcpy(ss, ai->ai_addr, ai->ai_addrlen);
    *len = ai->ai_addrlen;
    *v6 = ai->ai_family == AF_INET6;
    freeaddrinfo(ai);
    if (*v6)
        ((struct sockaddr_in6 *)(void *)ss)->sin6_port = htons((uint16_t)port);
    else
        ((struct sockaddr_in *)(void *)ss)->sin_port = htons((uint16_t)port);
    return 0;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    d25_server *sv = cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    msg[strcspn(msg, "\n")] = '\0';
    srv_log(sv, "-", "microhttpd: %s", msg);
}

int d25_serve_run(const d25_serve_opts *o, d25_error *err)
{
    d25_server *sv = calloc(1, sizeof *sv);
    if (!sv)
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    sv->o = o;
    sv->cfg = &o->su->cfg;
    sv->deadline_day = sv->cfg->deadline_day ? sv->cfg->deadline_day : o->su->rules->deadline_day;
    pthread_mutex_init(&sv->lock, NULL);
    pthread_mutex_init(&sv->write_lock, NULL);
    pthread_cond_init(&sv->slot_free, NULL);
    int rc = -1;
    struct MHD_Daemon *d = NULL;
    struct sockaddr_storage ss;
    socklen_t sslen;
    bool v6;
    if (srv_random(sv->secret, sizeof sv->secret) < 0) {
        d25_fail(err, D25_E_IO, "无法取得随机数");
        goto out;
    }
    if (parse_listen(o->listen, &ss, &sslen, &v6, err) < 0)
        goto out;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG |
                     (v6 ? MHD_USE_IPv6 : 0);
    d = MHD_start_daemon(flags, 0, NULL, NULL, handler, sv, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, sv,
                         MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                         MHD_OPTION_CONNECTION_LIMIT, (unsigned)sv->cfg->serve.max_connections,
                         MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
                         (size_t)128 * 1024, MHD_OPTION_NOTIFY_COMPLETED, completed, sv, MHD_OPTION_END);
    if (!d) {
        d25_fail(err, D25_E_IO, "无法在 %s 上监听（地址已被占用，或没有权限）", o->listen);
        goto out;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    char host[128];
    d25_copy(host, sizeof host, o->listen);
    char *colon = strrchr(host, ':');
    if (colon)
        *colon = '\0';
    srv_log(sv, "-", "duty25 serve：正在 http://%s:%u/ 提供网页（数据库 %s；上传上限 %zu 字节，同时上传 %d 个，连接 %d 个）", host,
            di ? (unsigned)di->port : 0, o->db, sv->cfg->serve.max_upload, sv->cfg->serve.max_uploads,
            sv->cfg->serve.max_connections);
    if (!sv->cfg->serve.password)
        srv_log(sv, "-", "注意：[serve] password 未设置，办公室页面不能登录");
    while (!*o->stop) {
        struct timespec ts = {0, 200 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    srv_log(sv, "-", "duty25 serve：停止");
    rc = 0;
out:
    if (d)
        MHD_stop_daemon(d);
    for (size_t i = 0; i < SRV_NOTICES; i++) {
        free(sv->notices[i].name);
        free(sv->notices[i].data);
    }
    pthread_cond_destroy(&sv->slot_free);
    pthread_mutex_destroy(&sv->write_lock);
    pthread_mutex_destroy(&sv->lock);
    free(sv);
    return rc;
}

char *d25_serve_unit_link(const char *base, const char *token)
{
    size_t bl = strlen(base);
    char *link = NULL;
    if (asprintf(&link, "%.*s/u/%s", (int)(bl && base[bl - 1] == '/' ? bl - 1 : bl), base, token) < 0)
        return NULL;
    return link;
}
