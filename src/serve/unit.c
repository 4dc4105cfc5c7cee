/* serve unit: a unit's page (/u/TOKEN): its month, its returns and their
 * findings, the upload form; uploads checked only or handed in; the
 * rejection notice of an upload to download. */
#include "serveint.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../feedback/feedback.h"
#include "../status/status.h"
#include "../util/file.h"
#include "../util/syserr.h"
#include "../util/text.h"
#include "../validate/validate.h"

static const char docx_type[] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/* What storing an upload came to, for the page. */
typedef struct {
    bool tried, stored;
    d25_item_kind kind;
    d25_stored outcome;
    char received[32];
    char *earlier;            /* the earlier file's name (unchanged, superseded) */
    char message[600];        /* when not stored: why */
} handin;

static const char *form_label(d25_form_state f) { return f == D25_FORM_ACCEPTED ? "已接收" : f == D25_FORM_REJECTED ? "退回" : "未收到"; }

/* ---- the unit's month ---- */

static int return_row(void *ud, const d25_return_row *rr)
{
    void **a = ud;
    d25_buf *b = a[0];
    int64_t *first = a[1];
    if (*first == 0)
        *first = rr->id;
    d25_buf_puts(b, "<tr><td>");
    h_esc(b, rr->received);
    d25_buf_puts(b, "</td><td>");
    h_esc(b, rr->file_name);
    h_printf(b, "</td><td>%s%s%s</td>", rr->checklist ? "清单" : "", rr->checklist && rr->progress ? "、" : "",
             rr->progress ? "统计表" : (rr->checklist ? "" : "—"));
    if (!rr->accepted)
        h_printf(b, "<td class=\"bad\">退回</td>");
    else if (rr->superseded)
        h_printf(b, "<td>接收（已被更正）</td>");
    else
        h_printf(b, "<td class=\"ok\">接收</td>");
    h_printf(b, "<td class=\"num\">%d</td><td class=\"num\">%d</td></tr>\n", rr->errors, rr->warnings);
    return 0;
}

static void finding_row(d25_buf *b, bool error, const char *code, const char *place, const char *item, const char *message)
{
    h_printf(b, "<tr><td class=\"%s\">%s</td><td>", error ? "bad" : "warn", error ? "错误" : "提醒");
    h_esc(b, code);
    d25_buf_puts(b, "</td><td>");
    h_esc(b, place);
    d25_buf_puts(b, "</td><td>");
    h_esc(b, item);
    d25_buf_puts(b, "</td><td>");
    h_esc(b, message);
    d25_buf_puts(b, "</td></tr>\n");
}

static const char findings_head[] =
    "<table class=\"findings\"><tr><th>类别</th><th>代码</th><th>位置</th><th>子项</th><th>问题和应怎样填</th></tr>\n";

static int stored_finding(void *ud, const d25_finding_row *f)
{
    finding_row(ud, f->error, f->code, f->place, f->item, f->message);
    return 0;
}

static void month_sections(d25_server *sv, d25_store *s, const d25_unit *u, const char *token, d25_buf *b)
{
    int period = srv_period(sv);
    char pcn[32];
    d25_format_period_cn(period, pcn, sizeof pcn);
    d25_status_report rep = {0};
    d25_error err = {0};
    d25_buf_puts(b, "<section id=\"month\"><h2>");
    h_printf(b, "%s报送情况", pcn);
    d25_buf_puts(b, "</h2>");
    if (d25_status_build(s, sv->o->su->reg, period, sv->deadline_day, sv->cfg->same_time_min, &rep, &err) < 0) {
        d25_buf_puts(b, "<p class=\"bad\">");
        h_esc(b, err.message);
        d25_buf_puts(b, "</p>");
    } else {
        const d25_unit_status *us = d25_status_unit(&rep, sv->o->su->reg, u);
        if (!us) {
            d25_buf_puts(b, "<p>本单位本月不在应报名单中。</p>");
        } else {
            h_printf(b, "<p>截止日：%s　目前：<b class=\"%s\">%s</b></p>", rep.deadline,
                     us->state <= D25_UNIT_LATE ? "ok" : "bad", d25_unit_state_label(us->state));
            h_printf(b, "<table><tr><th>清单（附件1）</th><th>推进情况统计表（附件3）</th><th>收到时间</th></tr>"
                        "<tr><td>%s</td><td>%s</td><td>%s</td></tr></table>",
                     form_label(us->checklist), form_label(us->progress), us->received[0] ? us->received : "—");
        }
        d25_status_report_free(&rep);
    }
    d25_buf_puts(b, "</section>\n<section id=\"returns\"><h2>本月收到的报表</h2>");
    d25_buf rows = {0};
    int64_t first = 0;
    void *ud[2] = {&rows, &first};
    if (d25_store_returns_each(s, period, u->code, 20, return_row, ud, &err) < 0) {
        d25_buf_puts(b, "<p class=\"bad\">");
        h_esc(b, err.message);
        d25_buf_puts(b, "</p>");
    } else if (!first) {
        d25_buf_puts(b, "<p>本月还没有收到本单位的报表。</p>");
    } else {
        d25_buf_puts(b, "<table><tr><th>收到时间</th><th>文件</th><th>表格</th><th>结论</th><th>错误</th><th>提醒</th></tr>\n");
        d25_buf_append(b, rows.data, rows.len);
        d25_buf_puts(b, "</table><h2>最近一份报表的检查意见</h2>");
        d25_buf f = {0};
        d25_store_findings_each(s, first, stored_finding, &f, &err);
        if (f.len) {
            d25_buf_puts(b, findings_head);
            d25_buf_append(b, f.data, f.len);
            d25_buf_puts(b, "</table>");
        } else {
            d25_buf_puts(b, "<p class=\"ok\">没有问题。</p>");
        }
        d25_buf_free(&f);
    }
    d25_buf_free(&rows);
    d25_buf_puts(b, "</section>\n");
    char csrf[SRV_CSRF_LEN + 1];
    srv_csrf(sv, "unit", token, csrf);
    h_printf(b,
             "<section id=\"upload\"><h2>上传报表</h2>"
             "<form method=\"post\" action=\"/u/%s/upload\" enctype=\"multipart/form-data\">"
             "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
             "<p><input type=\"file\" name=\"file\" accept=\".docx,.xlsx,.docm,.xlsm\" required></p>"
             "<p><button type=\"submit\" name=\"action\" value=\"check\">只检查，不报送</button>"
             "<button type=\"submit\" name=\"action\" value=\"submit\">正式报送</button></p>"
             "<p class=\"muted\">“只检查”立即给出检查意见，不保存文件；“正式报送”检查后存入主管部门的数据库，"
             "按现在的时间记为收到时间。可以上传 Word（.docx）或 Excel（.xlsx），清单和统计表可以在一个文件中，"
             "也可以分两次上传；一次最多 %zu MB。</p></form></section>\n",
             token, csrf, sv->cfg->serve.max_upload >> 20 ? sv->cfg->serve.max_upload >> 20 : 1);
}

static void unit_page(d25_server *sv, d25_store *s, const d25_unit *u, const char *token, const d25_buf *result,
                      srv_resp *r)
{
    char title[300];
    snprintf(title, sizeof title, "%s　报送", u->name);
    h_begin(&r->body, title);
    d25_buf_puts(&r->body, "<h1>");
    h_esc(&r->body, u->name);
    d25_buf_puts(&r->body, "（");
    h_esc(&r->body, u->code);
    d25_buf_puts(&r->body, "）</h1>\n");
    if (result)
        d25_buf_append(&r->body, result->data, result->len);
    month_sections(sv, s, u, token, &r->body);
    d25_buf_puts(&r->body, "<p class=\"muted\">这是本单位的专用链接，请勿转给其他单位。</p>");
    h_end(&r->body);
}

/* ---- uploads ---- */

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    d25_buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (d25_buf_append(&b, chunk, n) < 0)
            break;
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        d25_buf_free(&b);
        return NULL;
    }
    *len = b.len;
    return d25_buf_steal(&b);
}

/* The rejection notice of res, named after file_name, kept for the unit to
 * download: its id in id_out, or "" when it could not be written. */
static void make_notice(d25_server *sv, const d25_unit *u, const d25_result *res, const char *file_name,
                        char id_out[17])
{
    id_out[0] = '\0';
    const char *tmp = getenv("TMPDIR");
    char dir[512];
    snprintf(dir, sizeof dir, "%s/duty25-notice-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return;
    d25_feedback fb;
    d25_error err = {0};
    char *written = NULL;
    if (d25_feedback_begin(&fb, dir, sv->cfg, sv->deadline_day, srv_period(sv), &err) == 0) {
        fb.rules = sv->o->su->rules;
        if (d25_feedback_add(&fb, res, file_name, time(NULL), &written, &err) < 0)
            srv_log(sv, u->code, "退回通知未能写出：%s", err.message);
        d25_feedback_free(&fb);
    }
    size_t len = 0;
    char *data = written ? read_all(written, &len) : NULL;
    char *name = written ? strdup(d25_basename(written)) : NULL;
    if (written)
        unlink(written);
    free(written);
    rmdir(dir);
    unsigned char rnd[8];
    if (!data || !name || srv_random(rnd, sizeof rnd) < 0) {
        free(data);
        free(name);
        return;
    }
    pthread_mutex_lock(&sv->lock);
    srv_notice *n = &sv->notices[sv->next_notice++ % SRV_NOTICES];
    free(n->name);
    free(n->data);
    srv_hex(rnd, sizeof rnd, n->id);
    d25_copy(n->unit, sizeof n->unit, u->code);
    n->name = name;
    n->data = data;
    n->len = len;
    memcpy(id_out, n->id, 17);
    pthread_mutex_unlock(&sv->lock);
}

static void on_item(void *ud, const d25_ingest_item *it)
{
    handin *h = ud;
    h->kind = it->kind;
    if (it->kind == D25_ITEM_STORED && it->outcome) {
        h->stored = true;
        h->outcome = it->outcome->outcome;
        d25_copy(h->received, sizeof h->received, it->outcome->received);
        free(h->earlier);
        h->earlier = it->outcome->earlier_file ? strdup(d25_basename(it->outcome->earlier_file)) : NULL;
    } else if (it->message) {
        d25_copy(h->message, sizeof h->message, it->message);
    }
}

/* The extension an upload is kept under: only the four of returns. */
static const char *kept_ext(const char *name)
{
    const char *dot = strrchr(name, '.');
    static const char *const ok[] = {"docx", "xlsx", "docm", "xlsm"};
    for (size_t i = 0; dot && i < 4; i++)
        if (strcasecmp(dot + 1, ok[i]) == 0)
            return ok[i];
    return NULL;
}

/* Keep the upload in the inbox under a name made here (nothing of the
 * request's file name but a known extension), then ingest it as
 * `duty25 ingest` would, under the writers' lock. */
static void hand_in(d25_server *sv, const d25_unit *u, const d25_result *res, const srv_form *form, handin *h)
{
    h->tried = true;
    const char *ext = kept_ext(form->filename ? form->filename : "");
    if (!ext) {
        snprintf(h->message, sizeof h->message, "只接收 .docx 或 .xlsx 文件，未存入");
        return;
    }
    int period = res->period >= 0 ? res->period : srv_period(sv);
    char pdir[16], pcn[32], stamp[32];
    d25_format_period(period, pdir, sizeof pdir);
    d25_format_period_cn(period, pcn, sizeof pcn);
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    unsigned char rnd[3];
    char rhex[7];
    char *uname = d25_safe_filename(u->name);
    char *dir = NULL, *path = NULL;
    d25_error err = {0};
    if (srv_random(rnd, sizeof rnd) < 0 || !uname || asprintf(&dir, "%s/网页上传/%s", sv->cfg->inbox_dir, pdir) < 0) {
        dir = NULL;
        snprintf(h->message, sizeof h->message, "服务器内部错误，未存入");
        goto out;
    }
    srv_hex(rnd, sizeof rnd, rhex);
    if (asprintf(&path, "%s/%s-%s-网页上传-%s-%s.%s", dir, uname, pcn, stamp, rhex, ext) < 0) {
        path = NULL;
        snprintf(h->message, sizeof h->message, "服务器内部错误，未存入");
        goto out;
    }
    if (d25_mkdirs(dir, &err) < 0) {
        srv_log(sv, u->code, "无法建立收件箱文件夹：%s", err.message);
        snprintf(h->message, sizeof h->message, "服务器无法保存文件，未存入，请联系主管部门");
        goto out;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    bool ok = fd >= 0;
    for (size_t off = 0; ok && off < form->file.len;) {
        ssize_t w = write(fd, form->file.data + off, form->file.len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            ok = false;
        else
            off += (size_t)w;
    }
    if (fd >= 0 && (fsync(fd) != 0 || close(fd) != 0))
        ok = false;
    if (!ok) {
        srv_log(sv, u->code, "无法写入 %s：%s", path, d25_strerror(errno));
        unlink(path);
        snprintf(h->message, sizeof h->message, "服务器无法保存文件，未存入，请联系主管部门");
        goto out;
    }
    pthread_mutex_lock(&sv->write_lock);
    d25_store *w = srv_store_open(sv, sv->cfg->lock_wait, &err);
    if (!w) {
        pthread_mutex_unlock(&sv->write_lock);
        srv_log(sv, u->code, "数据库暂不能写入（%s），文件留在收件箱：%s", err.message, path);
        snprintf(h->message, sizeof h->message,
                 "数据库正忙，文件已保存在主管部门的收件箱中，下次收取时计入，收到时间按那时记。也可以稍后再报送一次");
        goto out;
    }
    d25_run_counts counts = {0};
    char *paths[1] = {path};
    int rc = d25_cmd_ingest_core(w, sv->o->su, "serve", paths, 1, srv_period(sv), 1, on_item, h, &counts, &err);
    d25_store_close(w);
    pthread_mutex_unlock(&sv->write_lock);
    if (rc == D25_EXIT_IO) {
        srv_log(sv, u->code, "存入数据库失败：%s（%s）", err.message, path);
        h->stored = false;
        snprintf(h->message, sizeof h->message, "存入数据库失败，文件已保存在收件箱中，请联系主管部门");
    }
out:
    free(uname);
    free(dir);
    free(path);
}

static const char *outcome_text(const handin *h)
{
    switch (h->outcome) {
    case D25_STORED_NEW: return "已报送（新收）";
    case D25_STORED_SUPERSEDED: return "已报送（更正：替换了本月以前报送的一份）";
    case D25_STORED_OUTDATED: return "已存档，但本月已有收到时间更晚的报表，本份不计入";
    case D25_STORED_REJECTED: return "已报送，但被退回：请按下面的意见修改后重新报送";
    case D25_STORED_UNCHANGED: return "这份文件以前已经报送过，内容完全相同，没有重复存入";
    case D25_STORED_RETIMED: return "这份文件以前已经报送过，没有重复存入";
    }
    return "";
}

static void upload(d25_server *sv, d25_store *s, const d25_unit *u, const char *token, const srv_form *form,
                   const char *client, srv_resp *r)
{
    char want[SRV_CSRF_LEN + 1];
    srv_csrf(sv, "unit", token, want);
    if (!srv_equal(form->csrf, want)) {
        srv_log(sv, client, "拒绝：单位 %s 的上传缺少有效的表单令牌", u->code);
        srv_error_page(r, 403, "表单已失效", "请重新打开本单位的链接，再上传一次。");
        return;
    }
    bool submit = strcmp(form->action, "submit") == 0;
    if (!submit && strcmp(form->action, "check") != 0) {
        srv_error_page(r, 400, "无法读取表单", "请用网页上的按钮提交。");
        return;
    }
    if (!form->has_file || form->file.len == 0) {
        srv_error_page(r, 400, "没有选择文件", "请先选择要上传的报表文件（.docx 或 .xlsx）。");
        return;
    }
    /* The name the browser gave, for messages only: its last part, made safe. */
    const char *given = form->filename && *form->filename ? form->filename : "上传的文件";
    const char *slash = strrchr(given, '/'), *bslash = strrchr(given, '\\');
    if (bslash && (!slash || bslash > slash))
        slash = bslash;
    char *name = d25_safe_filename(slash ? slash + 1 : given);
    if (!name || !*name) {
        free(name);
        name = strdup("上传的文件");
    }
    d25_vctx ctx = {.rules = sv->o->su->rules, .registry = sv->o->su->reg, .limits = &sv->cfg->limits,
                    .want_period = srv_period(sv)};
    d25_result res = {0};
    handin h = {0};
    d25_buf b = {0};
    if (!name || d25_validate_data(&ctx, name, form->file.data, form->file.len, &res) < 0) {
        srv_error_page(r, 500, "服务器内部错误", "内存不足，请稍后再试。");
        goto out;
    }
    bool mine = res.unit == u;
    if (submit && mine)
        hand_in(sv, u, &res, form, &h);
    char notice[17] = "";
    if (!d25_result_accepted(&res))
        make_notice(sv, u, &res, name, notice);
    srv_log(sv, client, "单位 %s %s：%s %s（%zu 字节）→ %s（%d 个错误，%d 个提醒）%s%s", u->code, u->name,
            submit ? "报送" : "检查", name, form->file.len, d25_result_accepted(&res) ? "接收" : "退回", res.errors,
            res.warnings, !submit ? "；只检查，未存入" : h.stored ? "；" : "；未存入：",
            !submit ? "" : h.stored ? outcome_text(&h) : mine ? h.message : "不是本单位的报表");

    d25_buf_puts(&b, "<section id=\"result\"><h2>");
    h_printf(&b, "%s结果：", submit ? "报送" : "检查");
    h_esc(&b, name);
    d25_buf_puts(&b, "</h2>");
    char pcn[32];
    d25_format_period_cn(res.period, pcn, sizeof pcn);
    if (res.read_ok) {
        h_printf(&b, "<p>单位：");
        h_esc(&b, res.unit ? res.unit->name : "（未能确定）");
        h_printf(&b, "　月份：%s　表格：%s%s%s</p>", res.period >= 0 ? pcn : "（未能确定）", res.checklist ? "清单" : "",
                 res.checklist && res.progress ? "、" : "", res.progress ? "推进情况统计表" : (res.checklist ? "" : "无"));
    }
    if (d25_result_accepted(&res))
        h_printf(&b, "<p class=\"verdict ok\">结论：接收%s</p>", res.warnings ? "（有提醒）" : "");
    else
        h_printf(&b, "<p class=\"verdict bad\">结论：退回（%d 个错误%s）</p>", res.errors, res.warnings ? "，另有提醒" : "");
    if (!submit)
        d25_buf_puts(&b, "<p>只检查，没有报送，也没有保存文件。确认无误后请点“正式报送”。</p>");
    else if (!mine)
        d25_buf_puts(&b, "<p class=\"bad\">未存入：这份报表不是本单位的（表中的单位名称与本链接的单位不符，或无法确定）。"
                         "请上传本单位的报表，或核对表中填写的单位名称。</p>");
    else if (h.stored) {
        h_printf(&b, "<p class=\"%s\">", h.outcome == D25_STORED_REJECTED ? "bad" : "ok");
        h_esc(&b, outcome_text(&h));
        if (h.received[0] && (h.outcome == D25_STORED_NEW || h.outcome == D25_STORED_SUPERSEDED ||
                              h.outcome == D25_STORED_REJECTED || h.outcome == D25_STORED_OUTDATED))
            h_printf(&b, "　收到时间：%.16s", h.received);
        d25_buf_puts(&b, "</p>");
    } else {
        d25_buf_puts(&b, "<p class=\"bad\">");
        h_esc(&b, h.message[0] ? h.message : "未存入");
        d25_buf_puts(&b, "</p>");
    }
    if (res.n) {
        d25_buf_puts(&b, findings_head);
        for (size_t i = 0; i < res.n; i++)
            finding_row(&b, res.f[i].severity == D25_SEV_ERROR, res.f[i].code, res.f[i].place, res.f[i].item,
                        res.f[i].message);
        d25_buf_puts(&b, "</table>");
    }
    if (notice[0])
        h_printf(&b, "<p><a class=\"dl\" href=\"/u/%s/notice/%s\">下载退回通知（Word）</a></p>", token, notice);
    d25_buf_puts(&b, "</section>\n");
    unit_page(sv, s, u, token, &b, r);
out:
    d25_buf_free(&b);
    free(h.earlier);
    d25_result_free(&res);
    free(name);
}

static void notice_download(d25_server *sv, const d25_unit *u, const char *id, srv_resp *r)
{
    bool found = false;
    pthread_mutex_lock(&sv->lock);
    for (size_t i = 0; i < SRV_NOTICES && !found; i++) {
        srv_notice *n = &sv->notices[i];
        if (n->data && strlen(id) == 16 && srv_equal(n->id, id) && strcmp(n->unit, u->code) == 0) {
            found = true;
            if ((r->data = malloc(n->len ? n->len : 1))) {
                memcpy(r->data, n->data, n->len);
                r->len = n->len;
                r->disposition = srv_attachment(n->name);
            }
        }
    }
    pthread_mutex_unlock(&sv->lock);
    if (!found)
        srv_error_page(r, 404, "找不到退回通知", "退回通知只保留一段时间，请重新上传报表检查一次。");
    else if (!r->data)
        srv_error_page(r, 500, "服务器内部错误", "内存不足，请稍后再试。");
    else
        r->type = docx_type;
}


void srv_unit(d25_server *sv, const char *token, const char *rest, const char *method, const srv_form *form,
              const char *client, srv_resp *r)
{
    d25_error err = {0};
    d25_store *s = srv_store_open(sv, -1, &err);
    if (!s) {
        srv_log(sv, client, "无法打开数据库：%s", err.message);
        srv_error_page(r, 500, "服务器内部错误", "暂时无法读取数据库，请稍后再试。");
        return;
    }
    char code[128];
    int f = d25_store_token_unit(s, token, code, sizeof code, &err);
    const d25_unit *u = f == 1 ? d25_registry_by_code(sv->o->su->reg, code) : NULL;
    if (!u) {
        if (f < 0)
            srv_log(sv, client, "读取单位链接失败：%s", err.message);
        else
            srv_log(sv, client, "拒绝：未知的单位链接");
        srv_error_page(r, 404, "链接无效", "这个链接不是有效的单位专用链接。请核对主管部门发来的链接。");
    } else if (strcmp(rest, "") == 0 && strcmp(method, "POST") != 0) {
        unit_page(sv, s, u, token, NULL, r);
    } else if (strcmp(rest, "/upload") == 0 && strcmp(method, "POST") == 0 && form) {
        upload(sv, s, u, token, form, client, r);
    } else if (strncmp(rest, "/notice/", 8) == 0 && strcmp(method, "POST") != 0) {
        notice_download(sv, u, rest + 8, r);
    } else {
        srv_error_page(r, 404, "找不到页面", "没有这个页面。");
    }
    d25_store_close(s);
}
