/* serve office: the office's login, the month's status (as duty25 status
 * gives it), the latest returns, the quality warnings, and the report,
 * tables and workbook to download. */
#include "serveint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../report/data.h"
#include "../status/city.h"
#include "../status/print.h"
#include "../status/status.h"
#include "../util/file.h"
#include "../util/text.h"
#include "../validate/validate.h"

static void login_page(d25_server *sv, srv_resp *r, const char *message)
{
    char csrf[SRV_CSRF_LEN + 1];
    srv_csrf(sv, "login", "", csrf);
    h_begin(&r->body, "办公室登录");
    d25_buf_puts(&r->body, "<section id=\"login\"><h1>办公室登录</h1>");
    if (message) {
        d25_buf_puts(&r->body, "<p class=\"bad\">");
        h_esc(&r->body, message);
        d25_buf_puts(&r->body, "</p>");
    }
    if (!sv->cfg->serve.password)
        d25_buf_puts(&r->body, "<p class=\"bad\">还没有设置办公室密码（配置 [serve] password），暂不能登录。</p>");
    h_printf(&r->body,
             "<form method=\"post\" action=\"/office/login\">"
             "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
             "<p><label>密码：<input type=\"password\" name=\"password\" autocomplete=\"current-password\" required></label></p>"
             "<p><button type=\"submit\">登录</button></p></form></section>",
             csrf);
    h_end(&r->body);
}

static void group_table(d25_buf *b, const char *title, const d25_status_group *g, size_t n, bool types)
{
    h_printf(b, "<h2>%s</h2><table><tr><th>%s</th><th>应报</th>", title, types ? "类型" : "板块");
    for (int k = 0; k < D25_UNIT_STATES_; k++)
        h_printf(b, "<th>%s</th>", d25_unit_state_label((d25_unit_state)k));
    d25_buf_puts(b, "</tr>\n");
    for (size_t i = 0; i < n; i++) {
        d25_buf_puts(b, "<tr><td>");
        h_esc(b, types ? d25_unit_type_label(g[i].key) : g[i].key);
        h_printf(b, "</td><td class=\"num\">%d</td>", g[i].expected);
        for (int k = 0; k < D25_UNIT_STATES_; k++)
            h_printf(b, "<td class=\"num\">%d</td>", g[i].n[k]);
        d25_buf_puts(b, "</tr>\n");
    }
    d25_buf_puts(b, "</table>\n");
}

static int latest_row(void *ud, const d25_return_row *rr)
{
    void **a = ud;
    d25_buf *b = a[0];
    const d25_registry *reg = a[1];
    const d25_unit *u = rr->unit_code[0] ? d25_registry_by_code(reg, rr->unit_code) : NULL;
    d25_buf_puts(b, "<tr><td>");
    h_esc(b, rr->stored);
    d25_buf_puts(b, "</td><td>");
    h_esc(b, rr->received);
    h_printf(b, "（%s）</td><td>", d25_recv_source_label(rr->source));
    h_esc(b, u ? u->name : rr->unit_code[0] ? rr->unit_code : "（未能确定）");
    d25_buf_puts(b, "</td><td>");
    h_esc(b, rr->file_name);
    if (!rr->accepted)
        d25_buf_puts(b, "</td><td class=\"bad\">退回");
    else
        h_printf(b, "</td><td class=\"ok\">接收%s", rr->superseded ? "（已被更正）" : "");
    h_printf(b, "</td><td class=\"num\">%d</td><td class=\"num\">%d</td></tr>\n", rr->errors, rr->warnings);
    return 0;
}

static void status_page(d25_server *sv, d25_store *s, int period, const char *session, srv_resp *r)
{
    const d25_registry *reg = sv->o->su->reg;
    d25_status_report rep = {0};
    d25_status_city_ctx cc = {0}; /* a city's (province's): its districts' registries, which rep points into */
    d25_error err = {0};
    if ((sv->cfg->level != D25_LEVEL_DISTRICT
             ? d25_status_city(s, sv->cfg, sv->deadline_day, period, &cc, &rep, &err)
             : d25_status_build(s, reg, period, sv->deadline_day, sv->cfg->same_time_min, &rep, &err)) < 0) {
        d25_status_city_free(&cc);
        srv_error_page(r, 500, "无法读取报送情况", err.message);
        return;
    }
    char pcn[32], p[16], prev[16], next[16];
    d25_format_period_cn(period, pcn, sizeof pcn);
    d25_format_period(period, p, sizeof p);
    d25_format_period(period - 1, prev, sizeof prev);
    d25_format_period(period + 1, next, sizeof next);
    char title[300], csrf[SRV_CSRF_LEN + 1];
    snprintf(title, sizeof title, "%s%s报送情况", sv->cfg->district ? sv->cfg->district : "", pcn);
    srv_csrf(sv, "office", session, csrf);
    d25_buf *b = &r->body;
    h_begin(b, title);
    d25_buf_puts(b, "<h1>");
    h_esc(b, title);
    h_printf(b, "</h1><p>截止日 %s　统计时间 %s　<a href=\"/office?period=%s\">上个月</a>　<a href=\"/office?period=%s\">下个月</a></p>"
                "<form method=\"post\" action=\"/office/logout\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                "<button type=\"submit\">退出登录</button></form>\n",
             rep.deadline, rep.as_of, prev, next, csrf);
    /* The counts. */
    d25_buf_puts(b, "<section id=\"summary\"><h2>总体</h2><table><tr><th>应报</th>");
    for (int k = 0; k < D25_UNIT_STATES_; k++)
        h_printf(b, "<th>%s</th>", d25_unit_state_label((d25_unit_state)k));
    h_printf(b, "</tr><tr><td class=\"num\" id=\"expected\">%d</td>", rep.expected);
    for (int k = 0; k < D25_UNIT_STATES_; k++)
        h_printf(b, "<td class=\"num\" id=\"n-%s\">%d</td>", d25_unit_state_name((d25_unit_state)k), rep.n[k]);
    d25_buf_puts(b, "</tr></table>");
    if (rep.ndoubts)
        h_printf(b, "<p class=\"warn\">有 %d 家逾期单位的收到时间集中在同一分钟，可能是集中复制造成的，逾期数待核实。</p>", rep.doubted);
    group_table(b, "按类型", rep.by_type, rep.ntypes, true);
    group_table(b, "按板块", rep.by_area, rep.nareas, false);
    d25_buf_puts(b, "</section>\n");
    /* Whom to call. */
    d25_buf_puts(b, "<section id=\"call\"><h2>需催报的单位</h2>");
    int ncall = 0;
    for (size_t i = 0; i < rep.nunits; i++) {
        const d25_unit_status *us = &rep.units[i];
        if (us->state < D25_UNIT_INCOMPLETE)
            continue;
        if (!ncall++)
            d25_buf_puts(b, "<table><tr><th>单位</th><th>代码</th><th>板块</th><th>情况</th><th>清单</th><th>统计表</th>"
                            "<th>联系人</th><th>电话</th><th>最近的问题</th></tr>\n");
        d25_buf_puts(b, "<tr><td>");
        h_esc(b, us->unit->name);
        d25_buf_puts(b, "</td><td>");
        h_esc(b, us->unit->code);
        d25_buf_puts(b, "</td><td>");
        h_esc(b, us->unit->area);
        h_printf(b, "</td><td class=\"bad\">%s</td><td>%s</td><td>%s</td><td>", d25_unit_state_label(us->state),
                 us->checklist == D25_FORM_ACCEPTED ? "已接收" : us->checklist == D25_FORM_REJECTED ? "退回" : "未收到",
                 us->progress == D25_FORM_ACCEPTED ? "已接收" : us->progress == D25_FORM_REJECTED ? "退回" : "未收到");
        h_esc(b, us->unit->contact);
        d25_buf_puts(b, "</td><td>");
        h_esc(b, us->unit->phone);
        d25_buf_puts(b, "</td><td>");
        h_esc(b, us->last_codes ? us->last_codes : "");
        d25_buf_puts(b, "</td></tr>\n");
    }
    d25_buf_puts(b, ncall ? "</table>" : "<p class=\"ok\">所有单位都已报齐。</p>");
    d25_buf_puts(b, "</section>\n");
    /* The latest returns. */
    d25_buf_puts(b, "<section id=\"latest\"><h2>最近收到的报表</h2>");
    d25_buf rows = {0};
    void *ud[2] = {&rows, (void *)reg};
    if (d25_store_returns_each(s, period, NULL, 200, latest_row, ud, &err) < 0) {
        d25_buf_puts(b, "<p class=\"bad\">");
        h_esc(b, err.message);
        d25_buf_puts(b, "</p>");
    } else if (!rows.len) {
        d25_buf_puts(b, "<p>本月还没有收到报表。</p>");
    } else {
        d25_buf_puts(b, "<table><tr><th>存入时间</th><th>收到时间</th><th>单位</th><th>文件</th><th>结论</th><th>错误</th><th>提醒</th></tr>\n");
        d25_buf_append(b, rows.data, rows.len);
        d25_buf_puts(b, "</table>");
    }
    d25_buf_free(&rows);
    d25_buf_puts(b, "</section>\n");
    /* Quality. */
    d25_buf_puts(b, "<section id=\"quality\"><h2>数据质量提醒</h2>");
    if (!rep.nquality)
        d25_buf_puts(b, "<p>没有数据质量提醒。</p>");
    else
        d25_buf_puts(b, "<table><tr><th>单位</th><th>文件</th><th>代码</th><th>位置</th><th>说明</th></tr>\n");
    for (size_t i = 0; i < rep.nquality; i++) {
        const d25_quality_note *q = &rep.quality[i];
        d25_buf_puts(b, "<tr><td>");
        h_esc(b, q->unit_name ? q->unit_name : q->unit_code);
        d25_buf_puts(b, "</td><td>");
        h_esc(b, q->file);
        d25_buf_puts(b, "</td><td>");
        h_esc(b, q->code);
        d25_buf_puts(b, "</td><td>");
        h_esc(b, q->place);
        d25_buf_puts(b, "</td><td>");
        h_esc(b, q->message);
        d25_buf_puts(b, "</td></tr>\n");
    }
    if (rep.nquality)
        d25_buf_puts(b, "</table>");
    d25_buf_puts(b, "</section>\n");
    /* Downloads. */
    h_printf(b,
             "<section id=\"files\"><h2>报告和统计表</h2><p>"
             "<a class=\"dl\" href=\"/office/file/report?period=%s\">书面风险报告（Word）</a>"
             "<a class=\"dl\" href=\"/office/file/tables?period=%s\">统计表（Word）</a>"
             "<a class=\"dl\" href=\"/office/file/workbook?period=%s\">统计表（Excel）</a></p>"
             "<p class=\"muted\">点击时按目前的数据写出（与 duty25 report 相同，也保存在报告文件夹中）。</p></section>\n",
             p, p, p);
    /* The command's own text. */
    char *text = NULL;
    size_t tlen = 0;
    FILE *m = open_memstream(&text, &tlen);
    if (m) {
        d25_status_print_text(m, &rep, sv->cfg->district, sv->o->su->rules->unit_word);
        fclose(m);
        d25_buf_puts(b, "<section id=\"text\"><details><summary>duty25 status 的文字输出</summary><pre>");
        h_esc(b, text);
        d25_buf_puts(b, "</pre></details></section>\n");
    }
    free(text);
    h_end(b);
    d25_status_report_free(&rep);
    d25_status_city_free(&cc);
}

/* The month's report files, written now as duty25 report writes them;
 * which: report, tables or workbook. */
static void file_download(d25_server *sv, d25_store *s, int period, const char *which, const char *client, srv_resp *r)
{
    static const struct {
        const char *which, *name, *ext, *type;
    } kinds[] = {
        {"report", "书面风险报告", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
        {"tables", "统计表", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
        {"workbook", "统计表", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    };
    size_t k = 0;
    while (k < 3 && strcmp(kinds[k].which, which) != 0)
        k++;
    if (k == 3) {
        srv_error_page(r, 404, "找不到页面", "没有这个文件。");
        return;
    }
    d25_error err = {0};
    pthread_mutex_lock(&sv->write_lock);
    int rc = d25_report_standard(sv->cfg, s, sv->o->su->reg, sv->o->su->rules, period, NULL, sv->cfg->out_dir, true, &err);
    pthread_mutex_unlock(&sv->write_lock);
    if (rc) {
        srv_log(sv, client, "办公室：未能写出报告：%s", err.message);
        srv_error_page(r, rc == D25_EXIT_REJECTED ? 404 : 500, "未能写出报告", err.message);
        return;
    }
    char pcn[32];
    d25_format_period_cn(period, pcn, sizeof pcn);
    char *district = d25_safe_filename(sv->cfg->district ? sv->cfg->district : "");
    char *path = NULL, *name = NULL;
    if (district && asprintf(&name, "%s%s%s.%s", district, pcn, kinds[k].name, kinds[k].ext) < 0)
        name = NULL;
    if (name && asprintf(&path, "%s/%s", sv->cfg->out_dir, name) < 0)
        path = NULL;
    if (path) {
        FILE *f = fopen(path, "rb");
        d25_buf bytes = {0};
        if (f) {
            char chunk[65536];
            size_t n;
            while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
                d25_buf_append(&bytes, chunk, n);
            fclose(f);
        }
        if (bytes.len) {
            r->len = bytes.len;
            r->data = d25_buf_steal(&bytes);
            r->type = kinds[k].type;
            r->disposition = srv_attachment(name);
            srv_log(sv, client, "办公室：下载 %s", path);
        } else {
            srv_error_page(r, 500, "未能读取报告", path);
        }
        d25_buf_free(&bytes);
    } else {
        srv_error_page(r, 500, "服务器内部错误", "内存不足");
    }
    free(district);
    free(path);
    free(name);
}

void srv_office(d25_server *sv, const char *rest, const char *method, const srv_form *form, const char *session,
                const char *period_arg, const char *client, srv_resp *r)
{
    bool post = strcmp(method, "POST") == 0;
    bool logged = srv_session_valid(sv, session);
    if (strcmp(rest, "/login") == 0 && post && form) {
        char want[SRV_CSRF_LEN + 1];
        srv_csrf(sv, "login", "", want);
        if (!srv_equal(form->csrf, want)) {
            srv_log(sv, client, "办公室：拒绝登录（缺少有效的表单令牌）");
            r->status = 403;
            login_page(sv, r, "表单已失效，请重新登录。");
            return;
        }
        int ok = sv->cfg->serve.password ? d25_serve_check_password(sv->cfg->serve.password, form->password) : -1;
        char id[SRV_SESSION_LEN + 1];
        if (ok == 1 && srv_session_new(sv, id) == 0) {
            srv_log(sv, client, "办公室：登录");
            r->status = 303;
            r->location = strdup("/office");
            if (asprintf(&r->cookie, "d25s=%s; Path=/office; HttpOnly; SameSite=Strict; Max-Age=%d", id,
                         (int)SRV_SESSION_SECONDS) < 0)
                r->cookie = NULL;
            return;
        }
        srv_log(sv, client, "办公室：登录失败%s", ok < 0 ? "（[serve] password 未设置或不是 duty25 serve --hash-password 的输出）" : "");
        sleep(1); /* slows guessing */
        r->status = 403;
        login_page(sv, r, ok < 0 ? "办公室密码未正确设置，请联系管理员。" : "密码不对。");
        return;
    }
    if (strcmp(rest, "/logout") == 0 && post && form) {
        char want[SRV_CSRF_LEN + 1];
        srv_csrf(sv, "office", session ? session : "", want);
        if (logged && srv_equal(form->csrf, want)) {
            srv_session_end(sv, session);
            srv_log(sv, client, "办公室：退出登录");
        }
        r->status = 303;
        r->location = strdup("/office");
        r->cookie = strdup("d25s=; Path=/office; HttpOnly; SameSite=Strict; Max-Age=0");
        return;
    }
    if (post) {
        srv_error_page(r, 404, "找不到页面", "没有这个页面。");
        return;
    }
    if (!logged) {
        if (strcmp(rest, "") == 0 || strcmp(rest, "/") == 0) {
            login_page(sv, r, NULL);
        } else {
            srv_log(sv, client, "办公室：拒绝（未登录）%s", rest);
            r->status = 403;
            login_page(sv, r, "请先登录。");
        }
        return;
    }
    int period = period_arg ? d25_parse_period_arg(period_arg) : srv_period(sv);
    if (period < 0) {
        srv_error_page(r, 400, "月份无效", "月份应写成 YYYY-MM，如 2026-11。");
        return;
    }
    d25_error err = {0};
    d25_store *s = srv_store_open(sv, -1, &err);
    if (!s) {
        srv_error_page(r, 500, "无法打开数据库", err.message);
        return;
    }
    if (strcmp(rest, "") == 0 || strcmp(rest, "/") == 0)
        status_page(sv, s, period, session, r);
    else if (strncmp(rest, "/file/", 6) == 0)
        file_download(sv, s, period, rest + 6, client, r);
    else
        srv_error_page(r, 404, "找不到页面", "没有这个页面。");
    d25_store_close(s);
}
