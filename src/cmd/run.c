/*
 * run: the monthly job, for cron or by hand before the deadline.  Takes
 * the database's writers' lock for the whole run, ingests what is new in
 * the inbox, writes the period's status and report, and (when configured)
 * notices for rejected returns and the archive of processed files.  Silent
 * on success unless -v; one log line per file and per run.
 */
#include "commands.h"
#include "../report/tcheck.h"
#include "../util/paths.h"
#include "../util/syserr.h"
#include "../feedback/feedback.h"
#include "../feedback/remind.h"
#include "../report/data.h"
#include "../status/print.h"
#include "../store/store.h"
#include "../util/buf.h"
#include "../util/file.h"
#include "../util/text.h"
#include "../validate/validate.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
    "\n"
    "每天定时运行（cron / systemd 定时器）或截止日前手工运行的一条命令：\n"
    "  1. 收取收件箱（配置 [run] inbox，或命令行给出的文件和文件夹）中新的报表，存入数据库；\n"
    "  2. 按活动日历写出报告：某月截止日一过，写出该月的报送情况（…报送情况.txt）、书面风险报告和\n"
    "     统计表（.docx、.xlsx）；之后只有收到该月逾期或更正的报表时才重写；本月只写报送情况；\n"
    "  3. 配置了 [run] feedback 时，为本次退回的每份报表写一份《退回通知》，并写《退回清单》；\n"
    "  4. 配置了 [run] archive 时，把已入库的报表移到归档文件夹（否则不移动、不删除任何文件）。\n"
    "整个运行期间持有数据库的写入锁，两次运行不会重叠。所有输出先写临时文件，完成后替换。\n"
    "写出某月报告时输出一行；有报表被退回时输出一行说明（cron 会把这些发给管理员）；其余情况不输出\n"
    "（-v 时逐个列出）。每个文件、每个写出或跳过的月份和每次运行在日志（[run] log）中记一行。\n"
    "\n"
    "选项：\n"
    "  --period YYYY-MM   只写这个月的报送情况和报告（不论截止日）；其他月份的报表照收，计入各自的月份\n"
    "  --db 文件          数据库文件（默认取配置 [store] database）\n"
    "  --out 文件夹       报告写到哪里（默认取配置 [report] out）\n"
    "  --units 文件       使用另一份单位名册（默认取配置 [campaign] units）\n"
    "  -v, --verbose      列出每个文件、每个月份和写出的文件\n"
    "  -h, --help         显示本帮助\n"
    "\n"
    "退出码：0 成功；1 有报表被退回或文件无法读取（报告照常写出）；2 用法、配置或模板错误；\n"
    "3 数据库或读写错误；4 另一个 duty25 正在写入同一数据库（等待 [store] lock_wait 秒后放弃）。\n"
    "\n"
    "示例：\n"
    "  duty25 run\n"
    "  duty25 run --period 2026-11 -v\n"
    "  crontab（写本程序的完整路径，cron 的 PATH 里没有它）：\n"
    "  30 7 * * *  cd /srv/duty25 && {duty25} run\n";

typedef struct {
    FILE *log;
    char *archive_real;  /* the archive folder's real path, or NULL */
    bool verbose;
    const d25_config *cfg;
    int period;
    d25_feedback *fb;    /* NULL: no notices */
    int rc;              /* worst exit code from the callback */
    d25_error err;
    char *failed;        /* the first files that could not be taken, a line each, for the screen */
    size_t failed_len;
    int nfailed;
} run_ctx;

enum { FAILED_SHOWN = 5 };

static void log_line(FILE *log, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void log_line(FILE *log, const char *fmt, ...)
{
    if (!log)
        return;
    time_t now = time(NULL);
    struct tm tm;
    char ts[32];
    localtime_r(&now, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S", &tm);
    fprintf(log, "%s ", ts);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(log, fmt, ap);
    va_end(ap);
    fflush(log);
}

/* "WHAT　PATH" into the log, the path absolute: the log leaves the program. */
static void log_path(FILE *log, const char *what, const char *path)
{
    char *abs = d25_path_clean(path, 1);
    log_line(log, "%s　%s\n", what, abs ? abs : path);
    free(abs);
}

/* Is path inside folder dir (a real path, or NULL)? */
static bool under(const char *path, const char *dir)
{
    if (!dir)
        return false;
    char *real = realpath(path, NULL);
    size_t n = strlen(dir);
    bool in = real && strncmp(real, dir, n) == 0 && real[n] == '/';
    free(real);
    return in;
}

static void on_item(void *ud, const d25_ingest_item *it)
{
    run_ctx *rc = ud;
    if (rc->verbose)
        d25_ingest_print_item(stdout, it);
    else if (it->kind == D25_ITEM_FAILED && rc->nfailed++ < FAILED_SHOWN) {
        /* why a file was not taken belongs on the screen (cron mails it),
         * not only in the log */
        char *line = NULL, *full = d25_path_clean(it->path, 1);
        if (asprintf(&line, "%s  %s：%s\n", rc->failed ? rc->failed : "", full ? full : it->path,
                     it->message ? it->message : "无法读取") >= 0) {
            free(rc->failed);
            rc->failed = line;
        }
        free(full);
    }
    if (rc->log) {
        /* the log leaves the program: its paths are absolute */
        d25_ingest_item abs = *it;
        char *full = d25_path_clean(it->path, 1);
        if (full)
            abs.path = full;
        char *line = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&line, &len);
        if (m) {
            d25_ingest_print_item(m, &abs);
            fclose(m);
            log_line(rc->log, "%s", line);
            free(line);
        }
        free(full);
    }
    if (it->kind != D25_ITEM_STORED)
        return;
    if (rc->fb && it->res && it->outcome->outcome == D25_STORED_REJECTED) {
        char *notice = NULL;
        d25_error e = {0};
        /* The notice says when the return arrived as the store has it (a
         * register's or a mail's time, not the copy's mtime). */
        struct tm tm = {.tm_isdst = -1};
        const char *end = strptime(it->outcome->received, "%Y-%m-%d %H:%M:%S", &tm);
        time_t received = end && !*end ? mktime(&tm) : 0;
        if (d25_feedback_add(rc->fb, it->res, it->path, received == (time_t)-1 ? 0 : received, &notice, &e) < 0) {
            rc->err = e;
            rc->rc = e.code == D25_E_TEMPLATE ? D25_EXIT_USAGE : D25_EXIT_IO;
            rc->fb = NULL; /* one message is enough */
        } else if (notice) {
            log_path(rc->log, "退回通知", notice);
            if (rc->verbose)
                printf("退回通知　%s\n", notice);
        }
        free(notice);
    }
    /* An attachment stays in its mail, and the mail in the inbox (it may
     * hold returns of several units, some not yet readable). */
    if (rc->cfg->archive_dir && !it->mail && !under(it->path, rc->archive_real)) {
        /* Stored safely: the file may go.  Into the month it is for (a file
         * already in the archive, when it lies inside the inbox, stays). */
        char p[16], *dir = NULL, *to = NULL;
        d25_format_period(it->res && it->res->period >= 0 ? it->res->period : rc->period, p, sizeof p);
        d25_error e = {0};
        char *from = d25_path_clean(it->path, 1);
        if (asprintf(&dir, "%s/%s", rc->cfg->archive_dir, p) < 0 || d25_move_into(it->path, dir, &to, &e) < 0) {
            log_line(rc->log, "未能归档　%s　%s\n", from ? from : it->path, e.message);
            fprintf(stderr, "duty25 run：%s\n", e.message);
            if (rc->rc < D25_EXIT_IO)
                rc->rc = D25_EXIT_IO;
        } else {
            char *abs_to = d25_path_clean(to, 1);
            log_line(rc->log, "归档　%s　→ %s\n", from ? from : it->path, abs_to ? abs_to : to);
            free(abs_to);
        }
        free(from);
        free(dir);
        free(to);
    }
}

/* The status as text into DIR/<district><period>报送情况.txt. */
static int write_status(const d25_config *cfg, const char *unit_word, const d25_status_report *rep, const char *dir,
                        char **written, d25_error *err)
{
    char *text = NULL, *path = NULL, pcn[48];
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m)
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    d25_status_print_text(m, rep, cfg->district, unit_word);
    fclose(m);
    d25_format_period_cn(rep->period, pcn, sizeof pcn);
    int rc;
    char *district = d25_safe_filename(cfg->district);
    if (!district || asprintf(&path, "%s/%s%s报送情况.txt", dir, district, pcn) < 0) {
        path = NULL;
        rc = d25_fail(err, D25_E_NOMEM, "内存不足");
    } else {
        rc = d25_write_atomic(path, text, len, err);
    }
    free(district);
    free(text);
    if (rc == 0)
        *written = path;
    else
        free(path);
    return rc;
}

/* ---- the months a run writes ---- */

typedef struct {
    int period;
    bool report;          /* the report and tables too, not only the status */
    bool remind;          /* reminders too (a [run] remind_days day before the deadline) */
    int64_t version;      /* the period's version when planned (store.h), -1 unknown */
    const char *why;      /* for the log: why it is written */
} month_job;

/* Has the period's deadline passed by today (local time)? */
static bool closed(int period, int deadline_day, const struct tm *today)
{
    int y = period / 12, m = period % 12 + 1;
    long due = (long)y * 10000 + m * 100 + d25_deadline_of(period, deadline_day);
    long now = (long)(today->tm_year + 1900) * 10000 + (today->tm_mon + 1) * 100 + today->tm_mday;
    return now > due;
}

static void say(run_ctx *rcx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(run_ctx *rcx, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    log_line(rcx->log, "%s\n", line);
    if (rcx->verbose)
        printf("%s\n", line);
}

/* What to write.  With --period: that month, status and report.  Without
 * (the cron run), by the campaign's calendar: every month whose deadline
 * has passed and whose report was never written, or was written before a
 * late or corrected return for it came; the month that closed last even
 * when nothing came (to say so); and the current month's status.  Each
 * month written or skipped is named in the log (and with -v on screen). */
static int plan_months(d25_store *s, run_ctx *rcx, bool explicit_period, int period, int deadline_day, month_job **out,
                       size_t *n, d25_error *err)
{
    *out = NULL;
    *n = 0;
    d25_month_mark *marks = NULL;
    size_t nmarks = 0;
    if (d25_store_months(s, &marks, &nmarks, err) < 0)
        return -1;
    month_job *jobs = calloc(nmarks + 2, sizeof *jobs);
    if (!jobs) {
        free(marks);
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    }
    size_t nj = 0;
    char p[16];
    if (explicit_period) {
        int64_t v = 0;
        for (size_t i = 0; i < nmarks; i++)
            if (marks[i].period == period)
                v = marks[i].version;
        jobs[nj++] = (month_job){period, true, false, v, "按 --period 指定"};
    } else {
        time_t now = time(NULL);
        struct tm today;
        localtime_r(&now, &today);
        int current = (today.tm_year + 1900) * 12 + today.tm_mon;
        int last_closed = closed(current, deadline_day, &today) ? current : current - 1;
        bool last_seen = false;
        d25_buf fresh = {0};
        for (size_t i = 0; i < nmarks; i++) {
            const d25_month_mark *m = &marks[i];
            if (m->period > last_closed)
                continue;
            d25_format_period(m->period, p, sizeof p);
            if (m->period == last_closed)
                last_seen = m->version > 0;
            if (m->version <= 0)
                continue;
            if (m->written_version == m->version) {
                if (fresh.len)
                    d25_buf_puts(&fresh, "、");
                d25_buf_puts(&fresh, p);
                continue;
            }
            jobs[nj++] = (month_job){m->period, true, false, m->version,
                                     m->written_version < 0 ? "截止日已过，写出该月报告" : "截止日后又收到该月报表（逾期或更正），重写该月报告"};
        }
        if (fresh.len)
            say(rcx, "已是最新，未重写：%s（此后没有新收或更正的报表）", fresh.data);
        d25_buf_free(&fresh);
        if (!last_seen) {
            d25_format_period(last_closed, p, sizeof p);
            say(rcx, "%s 截止日已过，但没有收到任何报表，未写报告", p);
        }
        if (current != last_closed) {
            char due[16];
            snprintf(due, sizeof due, "%d月%d日", current % 12 + 1, d25_deadline_of(current, deadline_day));
            d25_format_period(current, p, sizeof p);
            bool remind = rcx->cfg->remind_dir && d25_remind_due(rcx->cfg, current, deadline_day);
            say(rcx, "%s 截止日（%s）未到，只写报送情况%s", p, due, remind ? "和催报通知" : "");
            jobs[nj++] = (month_job){current, false, remind, -1, "本月"};
        }
    }
    free(marks);
    *out = jobs;
    *n = nj;
    return 0;
}

/* One month: its status (…报送情况.txt) and, for a report job with returns,
 * the risk report, tables and workbook; recorded in the store so that the
 * cron run does not write it again until it changes.  An exit code. */
static int write_month(d25_store *s, const d25_setup *su, run_ctx *rcx, const month_job *job, int deadline_day,
                       const char *out, bool announce, d25_error *err)
{
    const d25_config *cfg = &su->cfg;
    d25_status_report rep = {0};
    char *status_path = NULL, p[16];
    int rc = 0;
    d25_format_period(job->period, p, sizeof p);
    if (d25_status_build(s, su->reg, job->period, deadline_day, cfg->same_time_min, &rep, err) < 0 ||
        write_status(cfg, su->rules->unit_word, &rep, out, &status_path, err) < 0) {
        rc = D25_EXIT_IO;
        goto done;
    }
    log_path(rcx->log, "写出", status_path);
    if (rcx->verbose)
        printf("已写出 %s\n", status_path);
    if (job->remind) {
        char *dir = NULL;
        d25_remind_result rr = {0};
        if (asprintf(&dir, "%s/%s", cfg->remind_dir, p) < 0) {
            d25_fail(err, D25_E_NOMEM, "内存不足");
            rc = D25_EXIT_IO;
        } else if (d25_remind_write(cfg, su->rules, &rep, deadline_day, dir, &rr, err) < 0) {
            rc = err->code == D25_E_TEMPLATE ? D25_EXIT_USAGE : D25_EXIT_IO;
        } else if (rr.notices) {
            char *abs = realpath(dir, NULL);
            log_line(rcx->log, "催报　%s：%d 家单位未报齐，催报通知和催报清单在 %s\n", p, rr.notices, abs ? abs : dir);
            /* For the office this morning: cron mails this line. */
            printf("duty25 run：%s 还有 %d 家单位未报齐，已写出催报通知和催报清单（%s），在 %s\n", p, rr.notices,
                   rr.list ? d25_basename(rr.list) : "", abs ? abs : dir);
            free(abs);
        } else {
            say(rcx, "%s 应报单位都已报齐，无需催报", p);
        }
        d25_remind_result_free(&rr);
        free(dir);
        if (rc)
            goto done;
    }
    if (!job->report)
        goto done;
    if (rep.expected - rep.n[D25_UNIT_MISSING] == 0) {
        say(rcx, "%s 还没有收到任何单位的报表，未写报告", p);
        goto done;
    }
    if ((rc = d25_report_standard(cfg, s, su->reg, su->rules, job->period, &rep, out, !rcx->verbose, err)) != 0)
        goto done;
    char *abs = realpath(out, NULL);
    log_line(rcx->log, "写出　%s 的报告和统计表（%s），在 %s\n", p, job->why, abs ? abs : out);
    /* The month's report is news for the office: cron mails this line. */
    if (announce || rcx->verbose)
        printf("duty25 run：已写出 %s 的书面风险报告和统计表（%s），在 %s\n", p, job->why, abs ? abs : out);
    free(abs);
    if (job->version >= 0 && d25_store_month_written(s, job->period, job->version, out, err) < 0)
        rc = D25_EXIT_IO;
done:
    d25_status_report_free(&rep);
    free(status_path);
    return rc;
}

int cmd_run(int argc, char **argv, const d25_global *g)
{
    static const struct option opts[] = {
        {"period", required_argument, NULL, 'p'}, {"db", required_argument, NULL, 'd'},
        {"out", required_argument, NULL, 'o'},    {"units", required_argument, NULL, 'u'},
        {"verbose", no_argument, NULL, 'v'},      {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *period_arg = NULL, *db_arg = NULL, *out_arg = NULL, *units_path = NULL;
    bool verbose = false;
    d25_optstate os = {0};
    int c;
    while ((c = d25_cmd_getopt(&os, argc, argv, "hv", opts, "run", usage)) > 0) {
        switch (c) {
        case 'p': period_arg = optarg; break;
        case 'd': db_arg = optarg; break;
        case 'o': out_arg = optarg; break;
        case 'u': units_path = optarg; break;
        case 'v': verbose = true; break;
        }
    }
    if (c == 0)
        return os.exit;
    int period;
    if (d25_cmd_period("run", period_arg, true, &period))
        return D25_EXIT_USAGE;
    if (d25_cmd_check_paths(argv + optind, (size_t)(argc - optind)))
        return D25_EXIT_USAGE;
    d25_setup su;
    int rc = d25_cmd_setup(g, NULL, units_path, &su);
    if (rc)
        return rc;
    /* Templates made for another edition's rules: said before anything is
     * taken in, not when the month's report is written. */
    d25_error terr = {0};
    if (d25_templates_check(su.cfg.templates_dir, su.rules, &terr) < 0) {
        fprintf(stderr, "duty25 run：%s\n", terr.message);
        d25_cmd_teardown(&su);
        return D25_EXIT_USAGE;
    }
    const char *db;
    if ((rc = d25_cmd_db_for_writing(&su.cfg, db_arg, &db))) {
        d25_cmd_teardown(&su);
        return rc;
    }
    const d25_config *cfg = &su.cfg;
    d25_error err = {0};
    char p[16];
    d25_format_period(period, p, sizeof p);
    const char *out = out_arg ? out_arg : cfg->out_dir;
    FILE *log = NULL;
    d25_store *s = NULL;
    d25_feedback fb;
    bool fb_on = false;
    char *fb_dir = NULL, *list = NULL, *archive_real = NULL;
    if (cfg->log_path) {
        char *dir = d25_dirname(cfg->log_path);
        if (dir)
            d25_mkdirs(dir, &err);
        free(dir);
        if (!(log = fopen(cfg->log_path, "a"))) {
            d25_fail(&err, D25_E_IO, "无法写入日志 %s（%s）", cfg->log_path, d25_strerror(errno));
            rc = D25_EXIT_IO;
            goto out;
        }
    }
    char *const *paths = argv + optind;
    size_t npaths = (size_t)(argc - optind);
    char *inbox[1] = {cfg->inbox_dir};
    if (!npaths) {
        if (access(cfg->inbox_dir, F_OK) != 0) {
            char *abs = d25_path_clean(cfg->inbox_dir, 1);
            d25_fail(&err, D25_E_USAGE, "收件箱 %s 不存在（见配置 [run] inbox；duty25 init 会建好）",
                     abs ? abs : cfg->inbox_dir);
            free(abs);
            rc = D25_EXIT_USAGE;
            goto out;
        }
        paths = inbox;
        npaths = 1;
    }
    /* the log leaves the program: the working folder, and absolute paths below */
    char *cwd = getcwd(NULL, 0);
    log_line(log, "开始　duty25 run %s（进程 %ld，工作文件夹 %s）\n", p, (long)getpid(), cwd ? cwd : "?");
    free(cwd);
    if (!(s = d25_store_open(db, cfg->lock_wait, &err)) || d25_store_set_edition(s, su.rules->id) < 0) {
        rc = err.code == D25_E_LOCKED ? D25_EXIT_LOCKED : D25_EXIT_IO;
        goto out;
    }
    if (d25_mkdirs(out, &err) < 0) {
        rc = D25_EXIT_IO;
        goto out;
    }
    if (cfg->feedback_dir) {
        /* With --period, that month's folder; else each return's own month's
         * (a cron run in December files November's late returns' notices
         * under 2026-11). */
        if ((period_arg ? asprintf(&fb_dir, "%s/%s", cfg->feedback_dir, p)
                        : asprintf(&fb_dir, "%s", cfg->feedback_dir)) < 0 ||
            d25_feedback_begin(&fb, fb_dir, cfg, cfg->deadline_day ? cfg->deadline_day : su.rules->deadline_day,
                               period_arg ? period : -1, &err) < 0) {
            rc = D25_EXIT_IO;
            goto out;
        }
        fb.by_month = !period_arg;
        fb.rules = su.rules;
        fb_on = true;
    }
    run_ctx rcx = {.log = log, .verbose = verbose, .cfg = cfg, .period = period, .fb = fb_on ? &fb : NULL};
    if (cfg->archive_dir && d25_mkdirs(cfg->archive_dir, &err) == 0)
        rcx.archive_real = archive_real = realpath(cfg->archive_dir, NULL);
    d25_run_counts counts = {0};
    /* Returns for any month are taken (a late one counts, late, for its
     * own month); the status and the report are for this period. */
    rc = d25_cmd_ingest_core(s, &su, "run", paths, npaths, -1, 0, on_item, &rcx, &counts, &err);
    if (rc == D25_EXIT_IO) {
        free(rcx.failed);
        goto out;
    }
    if (rcx.rc > rc) {
        rc = rcx.rc;
        err = rcx.err;
        if (rc >= D25_EXIT_USAGE)
            fprintf(stderr, "duty25 run：%s\n", err.message);
    }
    log_line(log, "收取　共 %d 个文件：新收 %d，更正 %d，过时 %d，退回 %d，未变 %d，改时 %d，失败 %d；跳过 %d 个\n", counts.files,
             counts.added, counts.superseded, counts.outdated, counts.rejected, counts.unchanged, counts.retimed, counts.failed,
             counts.ignored);
    /* Something for the office to act on: one line, which cron mails. */
    if (!verbose && (counts.rejected || counts.failed)) {
        printf("duty25 run：本次收到 %d 个文件，%d 份报表被退回、%d 个文件无法读取", counts.files - counts.ignored,
               counts.rejected, counts.failed);
        /* absolute: the line leaves the program (cron mails it) */
        char *where = fb_on && counts.rejected ? d25_path_clean(fb.dir, 1) : NULL;
        char *logp = cfg->log_path ? d25_path_clean(cfg->log_path, 1) : NULL;
        if (where)
            printf("；退回通知在 %s", where);
        if (logp)
            printf("；逐个文件的结果见 %s", logp);
        printf("。\n");
        if (rcx.failed)
            printf("未能收取的文件：\n%s", rcx.failed);
        if (rcx.nfailed > FAILED_SHOWN)
            printf("  等 %d 个（全部见日志）\n", rcx.nfailed);
        free(where);
        free(logp);
    }
    free(rcx.failed);
    rcx.failed = NULL;
    if (fb_on && d25_feedback_finish(&fb, &list, &err) < 0) {
        rc = err.code == D25_E_TEMPLATE ? D25_EXIT_USAGE : D25_EXIT_IO;
        goto out;
    }
    if (list) {
        log_path(log, "退回清单", list);
        if (verbose)
            printf("退回清单　%s\n", list);
    }
    /* The months to write, now that every return of this run is stored. */
    int deadline = cfg->deadline_day ? cfg->deadline_day : su.rules->deadline_day;
    month_job *jobs = NULL;
    size_t njobs = 0;
    if (plan_months(s, &rcx, period_arg != NULL, period, deadline, &jobs, &njobs, &err) < 0) {
        rc = D25_EXIT_IO;
        goto out;
    }
    for (size_t i = 0; i < njobs; i++) {
        int r = write_month(s, &su, &rcx, &jobs[i], deadline, out, !period_arg, &err);
        if (r > rc)
            rc = r;
        if (r >= D25_EXIT_USAGE) {
            fprintf(stderr, "duty25 run：%s\n", err.message);
            log_line(log, "错误　%s\n", err.message);
            err.message[0] = 0;
            if (r == D25_EXIT_IO && err.code == D25_E_DB)
                break;
        }
    }
    free(jobs);
out:
    if (rc >= D25_EXIT_USAGE && err.message[0]) {
        fprintf(stderr, "duty25 run：%s\n", err.message);
        log_line(log, "错误　%s\n", err.message);
    }
    log_line(log, "结束　duty25 run %s，退出码 %d\n", p, rc);
    if (fb_on)
        d25_feedback_free(&fb);
    free(archive_real);
    free(fb_dir);
    free(list);
    d25_store_close(s);
    if (log)
        fclose(log);
    d25_cmd_teardown(&su);
    return rc;
}
