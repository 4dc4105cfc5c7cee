/*
 * run: the monthly job, for cron or by hand before the deadline.  Takes
 * the database's writers' lock for the whole run, ingests what is new in
 * the inbox, writes the period's status and report, and (when configured)
 * notices for rejected returns and the archive of processed files.  Silent
 * on success unless -v; one log line per file and per run.
 */
#include "commands.h"
#include "../feedback/feedback.h"
#include "../report/data.h"
#include "../store/store.h"
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
    "用法：duty25 run [--period YYYY-MM] [-v] [--db 数据库] [--out 文件夹] [文件或文件夹...]\n"
    "\n"
    "每月定时运行（cron / systemd）或截止日前手工运行的一条命令：\n"
    "  1. 收取收件箱（配置 [run] inbox，或命令行给出的文件和文件夹）中新的报表，存入数据库；\n"
    "  2. 写出该月的报送情况（…报送情况.txt）和书面风险报告、统计表（.docx、.xlsx）到输出文件夹；\n"
    "  3. 配置了 [run] feedback 时，为本次退回的每份报表写一份《退回通知》，并写《退回清单》；\n"
    "  4. 配置了 [run] archive 时，把已入库的报表移到归档文件夹（否则不移动、不删除任何文件）。\n"
    "整个运行期间持有数据库的写入锁，两次运行不会重叠。所有输出先写临时文件，完成后替换。\n"
    "成功时不输出任何内容（-v 时逐个列出）；有报表被退回时输出一行说明（cron 会把它发给管理员）；\n"
    "每个文件和每次运行在日志（[run] log）中记一行。\n"
    "\n"
    "选项：\n"
    "  --period YYYY-MM   统计和报告的月份（默认本月）；其他月份的报表照收，计入各自的月份\n"
    "  --db 文件          数据库文件（默认取配置 [store] database）\n"
    "  --out 文件夹       报告写到哪里（默认取配置 [report] out）\n"
    "  --units 文件       使用另一份单位名册（默认取配置 [campaign] units）\n"
    "  -v, --verbose      列出每个文件和写出的文件\n"
    "  -h, --help         显示本帮助\n"
    "\n"
    "退出码：0 成功；1 有报表被退回或文件无法读取（报告照常写出）；2 用法、配置或模板错误；\n"
    "3 数据库或读写错误；4 另一个 duty25 正在写入同一数据库（等待 [store] lock_wait 秒后放弃）。\n"
    "\n"
    "示例：\n"
    "  duty25 run\n"
    "  duty25 run --period 2026-11 -v\n"
    "  crontab：30 7 * * *  cd /srv/duty25 && duty25 run\n";

typedef struct {
    FILE *log;
    char *archive_real;  /* the archive folder's real path, or NULL */
    bool verbose;
    const d25_config *cfg;
    int period;
    d25_feedback *fb;    /* NULL: no notices */
    int rc;              /* worst exit code from the callback */
    d25_error err;
} run_ctx;

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
    char *line = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&line, &len);
    if (m) {
        d25_ingest_print_item(m, it);
        fclose(m);
        log_line(rc->log, "%s", line);
        if (rc->verbose)
            fputs(line, stdout);
        free(line);
    }
    if (it->kind != D25_ITEM_STORED)
        return;
    if (rc->fb && it->res && it->outcome->outcome == D25_STORED_REJECTED) {
        char *notice = NULL;
        d25_error e = {0};
        if (d25_feedback_add(rc->fb, it->res, it->path, &notice, &e) < 0) {
            rc->err = e;
            rc->rc = e.code == D25_E_TEMPLATE ? D25_EXIT_USAGE : D25_EXIT_IO;
            rc->fb = NULL; /* one message is enough */
        } else if (notice) {
            log_line(rc->log, "退回通知　%s\n", notice);
            if (rc->verbose)
                printf("退回通知　%s\n", notice);
        }
        free(notice);
    }
    if (rc->cfg->archive_dir && !under(it->path, rc->archive_real)) {
        /* Stored safely: the file may go.  Into the month it is for (a file
         * already in the archive, when it lies inside the inbox, stays). */
        char p[16], *dir = NULL, *to = NULL;
        d25_format_period(it->res && it->res->period >= 0 ? it->res->period : rc->period, p, sizeof p);
        d25_error e = {0};
        if (asprintf(&dir, "%s/%s", rc->cfg->archive_dir, p) < 0 || d25_move_into(it->path, dir, &to, &e) < 0) {
            log_line(rc->log, "未能归档　%s　%s\n", it->path, e.message);
            fprintf(stderr, "duty25 run：%s\n", e.message);
            if (rc->rc < D25_EXIT_IO)
                rc->rc = D25_EXIT_IO;
        } else {
            log_line(rc->log, "归档　%s　→ %s\n", it->path, to);
        }
        free(dir);
        free(to);
    }
}

/* The status as text into DIR/<district><period>报送情况.txt. */
static int write_status(const d25_config *cfg, const d25_status_report *rep, const char *dir, char **written, d25_error *err)
{
    char *text = NULL, *path = NULL, pcn[48];
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m)
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    d25_status_print_text(m, rep, cfg->district);
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
    d25_setup su;
    int rc = d25_cmd_setup(g, NULL, units_path, &su);
    if (rc)
        return rc;
    const d25_config *cfg = &su.cfg;
    d25_error err = {0};
    char p[16];
    d25_format_period(period, p, sizeof p);
    const char *out = out_arg ? out_arg : cfg->out_dir;
    FILE *log = NULL;
    d25_store *s = NULL;
    d25_feedback fb;
    bool fb_on = false;
    d25_status_report rep = {0};
    d25_tree *data = NULL;
    char *status_path = NULL, *fb_dir = NULL, *list = NULL, *archive_real = NULL;
    if (cfg->log_path) {
        char *dir = d25_dirname(cfg->log_path);
        if (dir)
            d25_mkdirs(dir, &err);
        free(dir);
        if (!(log = fopen(cfg->log_path, "a"))) {
            d25_fail(&err, D25_E_IO, "无法写入日志 %s（%s）", cfg->log_path, strerror(errno));
            rc = D25_EXIT_IO;
            goto out;
        }
    }
    char *const *paths = argv + optind;
    size_t npaths = (size_t)(argc - optind);
    char *inbox[1] = {cfg->inbox_dir};
    if (!npaths) {
        if (access(cfg->inbox_dir, F_OK) != 0) {
            d25_fail(&err, D25_E_IO, "收件箱 %s 不存在（见配置 [run] inbox；duty25 init 会建好）", cfg->inbox_dir);
            rc = D25_EXIT_IO;
            goto out;
        }
        paths = inbox;
        npaths = 1;
    }
    log_line(log, "开始　duty25 run %s（进程 %ld）\n", p, (long)getpid());
    if (!(s = d25_store_open(db_arg ? db_arg : cfg->db_path, cfg->lock_wait, &err))) {
        rc = err.code == D25_E_LOCKED ? D25_EXIT_LOCKED : D25_EXIT_IO;
        goto out;
    }
    if (d25_mkdirs(out, &err) < 0) {
        rc = D25_EXIT_IO;
        goto out;
    }
    if (cfg->feedback_dir) {
        if (asprintf(&fb_dir, "%s/%s", cfg->feedback_dir, p) < 0 ||
            d25_feedback_begin(&fb, fb_dir, cfg, cfg->deadline_day ? cfg->deadline_day : su.rules->deadline_day, period,
                               &err) < 0) {
            rc = D25_EXIT_IO;
            goto out;
        }
        fb_on = true;
    }
    run_ctx rcx = {.log = log, .verbose = verbose, .cfg = cfg, .period = period, .fb = fb_on ? &fb : NULL};
    if (cfg->archive_dir && d25_mkdirs(cfg->archive_dir, &err) == 0)
        rcx.archive_real = archive_real = realpath(cfg->archive_dir, NULL);
    d25_run_counts counts = {0};
    /* Returns for any month are taken (a late one counts, late, for its
     * own month); the status and the report are for this period. */
    rc = d25_cmd_ingest_core(s, &su, "run", paths, npaths, -1, 0, on_item, &rcx, &counts, &err);
    if (rc == D25_EXIT_IO)
        goto out;
    if (rcx.rc > rc) {
        rc = rcx.rc;
        err = rcx.err;
        if (rc >= D25_EXIT_USAGE)
            fprintf(stderr, "duty25 run：%s\n", err.message);
    }
    log_line(log, "收取　共 %d 个文件：新收 %d，更正 %d，过时 %d，退回 %d，未变 %d，失败 %d；跳过 %d 个\n", counts.files,
             counts.added, counts.superseded, counts.outdated, counts.rejected, counts.unchanged, counts.failed, counts.ignored);
    /* Something for the office to act on: one line, which cron mails. */
    if (!verbose && (counts.rejected || counts.failed)) {
        printf("duty25 run：本次收到 %d 个文件，%d 份报表被退回、%d 个文件无法读取", counts.files - counts.ignored,
               counts.rejected, counts.failed);
        if (fb_on)
            printf("；退回通知在 %s", fb.dir);
        if (cfg->log_path)
            printf("；逐个文件的结果见 %s", cfg->log_path);
        printf("。\n");
    }
    if (fb_on && d25_feedback_finish(&fb, &list, &err) < 0) {
        rc = err.code == D25_E_TEMPLATE ? D25_EXIT_USAGE : D25_EXIT_IO;
        goto out;
    }
    if (list) {
        log_line(log, "退回清单　%s\n", list);
        if (verbose)
            printf("退回清单　%s\n", list);
    }
    int deadline = cfg->deadline_day ? cfg->deadline_day : su.rules->deadline_day;
    if (d25_status_build(s, su.reg, period, deadline, &rep, &err) < 0 || write_status(cfg, &rep, out, &status_path, &err) < 0) {
        rc = D25_EXIT_IO;
        goto out;
    }
    log_line(log, "写出　%s\n", status_path);
    if (verbose)
        printf("已写出 %s\n", status_path);
    if (!(data = d25_report_data(s, su.reg, su.rules, cfg, period, &rep, &err))) {
        rc = D25_EXIT_IO;
        goto out;
    }
    if (rep.expected - rep.n[D25_UNIT_MISSING] > 0) {
        int r = d25_report_write_standard(cfg, data, out, !verbose, &err);
        if (r) {
            rc = r;
            goto out;
        }
        log_line(log, "写出　%s 的报告和统计表，在 %s\n", p, out);
    } else {
        log_line(log, "%s 还没有收到任何报表，未写报告\n", p);
        if (verbose)
            printf("%s 还没有收到任何报表，未写报告\n", p);
    }
out:
    if (rc >= D25_EXIT_USAGE && err.message[0]) {
        fprintf(stderr, "duty25 run：%s\n", err.message);
        log_line(log, "错误　%s\n", err.message);
    }
    log_line(log, "结束　duty25 run %s，退出码 %d\n", p, rc);
    d25_tree_free(data);
    d25_status_report_free(&rep);
    if (fb_on)
        d25_feedback_free(&fb);
    free(status_path);
    free(archive_real);
    free(fb_dir);
    free(list);
    d25_store_close(s);
    if (log)
        fclose(log);
    d25_cmd_teardown(&su);
    return rc;
}
