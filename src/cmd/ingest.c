/*
 * ingest: validate returns and keep them in the database, one transaction
 * per file; then refresh the data-quality warnings of the periods touched.
 */
#include "commands.h"
#include "cli.h"
#include "../registry/receipts.h"
#include "../ingest/ingest.h"
#include "../quality/quality.h"
#include "../registry/units.h"
#include "../rules/rules.h"
#include "../store/store.h"
#include "../validate/validate.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "\n"
    "逐个检查报表（与 duty25 validate 相同），并把结果存入数据库：每份报表单独提交，\n"
    "中途断电或被终止，最多丢失正在处理的那一份，重新运行即可接着收取。\n"
    "文件夹会逐层查找 .docx/.xlsx（以及旧格式 .doc/.xls，存为退回并告知原因），\n"
    "跳过 ~$ 开头的临时文件和其他文件。同一文件（内容完全相同）不会重复入库；\n"
    "同一单位同一月份再次报送且通过的，以收到时间最新的为准，旧的标记为已被更正。\n"
    "\n"
    "选项：\n"
    "  --period YYYY-MM   本次收取的月份；报表月份不同即退回\n"
    "  --db 文件          数据库文件（默认取配置 [store] database）\n"
    "  --rules 文件       使用另一套规则（默认取配置 [campaign] rules）\n"
    "  --units 文件       使用另一份单位名册（默认取配置 [campaign] units）\n"
    "  --threads N        并行检查的线程数（默认每个 CPU 一个）\n"
    "  -q, --quiet        不逐个列出文件，只显示汇总\n"
    "  -h, --help         显示本帮助\n"
    "\n"
    "每个文件一行：新收 / 更正（替换了旧报表）/ 过时（已有更新的报表）/ 退回 / 未变（已收过）/ 跳过 / 失败。\n"
    "退出码：0 成功；1 有报表被退回或文件无法读取；2 用法或配置错误（包括给出的文件或文件夹不存在，\n"
    "或不在工作文件夹中又没有用 --db 指定数据库）；3 数据库错误；\n"
    "4 另一个 duty25 正在写入同一数据库（等待 [store] lock_wait 秒后放弃）。\n"
    "\n"
    "示例：\n"
    "  duty25 ingest --period 2026-11 inbox/\n"
    "  duty25 ingest -q inbox/2026-11/ 补报/\n";

typedef struct {
    bool quiet;
    bool tty;    /* stderr is a terminal */
    bool drawn;  /* a progress bar is on screen */
} printer;

static void draw_bar(size_t done, size_t total)
{
    int width = 30, fill = total ? (int)(done * (size_t)width / total) : width;
    fprintf(stderr, "\r[%.*s%*s] %zu/%zu", fill, "##############################", width - fill, "", done, total);
    fflush(stderr);
}

static void print_result_tail(FILE *o, const d25_result *r)
{
    if (!r)
        return;
    char period[16];
    d25_format_period(r->period, period, sizeof period);
    if (r->unit)
        fprintf(o, "　%s（%s）", r->unit->name, r->unit->code);
    if (r->period >= 0)
        fprintf(o, "　%s", period);
    if (r->checklist || r->progress)
        fprintf(o, "　%s%s%s", r->checklist ? "清单" : "", r->checklist && r->progress ? "+" : "", r->progress ? "统计表" : "");
}

void d25_ingest_print_item(FILE *o, const d25_ingest_item *it)
{
        switch (it->kind) {
        case D25_ITEM_SKIPPED: fprintf(o, "跳过　%s　%s\n", it->path, it->message); break;
        case D25_ITEM_FAILED: fprintf(o, "失败　%s　%s\n", it->path, it->message); break;
        case D25_ITEM_RECEIPTS: fprintf(o, "登记　%s　%s\n", it->path, it->message); break;
        case D25_ITEM_STORED: {
            const d25_store_outcome *oc = it->outcome;
            const d25_result *r = it->res;
            switch (oc->outcome) {
            case D25_STORED_UNCHANGED:
                fprintf(o, "未变　%s　已收过（与 %s 内容相同）\n", it->path, oc->earlier_file ? oc->earlier_file : "此前的文件");
                break;
            case D25_STORED_RETIMED:
                fprintf(o, "改时　%s　已收过（与 %s 内容相同），收到时间按%s改为 %.16s（原为 %.16s）\n", it->path,
                        oc->earlier_file ? oc->earlier_file : "此前的文件", d25_recv_source_label(oc->source), oc->received,
                        oc->was_received);
                break;
            case D25_STORED_NEW:
                fprintf(o, "新收　%s", it->path);
                print_result_tail(o, r);
                if (oc->source >= D25_RECV_MAIL)
                    fprintf(o, "　收到 %.16s（%s）", oc->received, d25_recv_source_label(oc->source));
                fprintf(o, "%s\n", r && r->warnings ? "　有提醒" : "");
                break;
            case D25_STORED_SUPERSEDED:
                fprintf(o, "更正　%s", it->path);
                print_result_tail(o, r);
                fprintf(o, "　替换了 %s\n", oc->earlier_file ? oc->earlier_file : "此前的报表");
                break;
            case D25_STORED_OUTDATED:
                fprintf(o, "过时　%s", it->path);
                print_result_tail(o, r);
                fprintf(o, "　已有收到时间更晚的报表，本份存档但不计入\n");
                break;
            case D25_STORED_REJECTED:
                fprintf(o, "退回　%s", it->path);
                print_result_tail(o, r);
                fprintf(o, "　%d 个错误：", r ? r->errors : 0);
                for (size_t i = 0, shown = 0; r && i < r->n && shown < 4; i++)
                    if (r->f[i].severity == D25_SEV_ERROR)
                        fprintf(o, "%s%s", shown++ ? "、" : "", r->f[i].code);
                fprintf(o, "（详情：duty25 validate %s）\n", it->path);
                break;
            }
            break;
        }
        }
}

static void on_item(void *ud, const d25_ingest_item *it)
{
    printer *p = ud;
    if (p->drawn)
        fputs("\r\033[K", stderr);
    if (!p->quiet) {
        d25_ingest_print_item(stdout, it);
        fflush(stdout);
    }
    /* A bar on a terminal, for 50 files or more. */
    if (p->tty && it->total >= 50 && it->kind != D25_ITEM_SKIPPED) {
        draw_bar(it->done, it->total);
        p->drawn = true;
    }
}

/* The receipt registers among the files, read into *out (NULL when there
 * are none); each reported through cb, one that cannot be read as FAILED
 * (counted in *failed: the run goes on, its returns timed as if it were
 * not there, and a later run with the register put right re-times them).
 * -1 only when out of memory. */
static int load_receipts(const d25_ingest_list *files, const d25_registry *reg, void (*cb)(void *, const d25_ingest_item *),
                         void *ud, d25_receipts **out, int *failed)
{
    *out = NULL;
    for (size_t i = 0; i < files->n; i++) {
        if (!files->v[i].receipts)
            continue;
        if (!*out && !(*out = d25_receipts_new()))
            return -1;
        d25_error e = {0};
        int n = d25_receipts_load(*out, files->v[i].path, reg, &e);
        if (n < 0 && e.code == D25_E_NOMEM)
            return -1;
        char msg[sizeof e.message + 64];
        if (n >= 0)
            snprintf(msg, sizeof msg, "收件登记：读入 %d 条收到时间", n);
        else
            snprintf(msg, sizeof msg, "%s（本次未按它确定收到时间）", e.message);
        d25_ingest_item it = {.path = files->v[i].path, .kind = n >= 0 ? D25_ITEM_RECEIPTS : D25_ITEM_FAILED, .message = msg,
                              .total = files->nfiles};
        if (n < 0)
            (*failed)++;
        if (cb)
            cb(ud, &it);
    }
    return 0;
}

static int receipt_time(void *ud, const char *path, const char *unit, const char *period, time_t *when,
                        d25_recv_source *src)
{
    *src = D25_RECV_REGISTER;
    return d25_receipts_find(ud, path, unit, period, when);
}

int d25_cmd_ingest_core(d25_store *s, const d25_setup *su, const char *kind, char *const *paths, size_t npaths, int want,
                        int threads, void (*cb)(void *, const d25_ingest_item *), void *ud, d25_run_counts *counts,
                        d25_error *err)
{
    int rc = D25_EXIT_OK;
    d25_ingest_list files = {0};
    int64_t run_id = d25_store_run_begin(s, kind, want, err);
    if (run_id < 0 || d25_store_sync_units(s, su->reg, run_id, err) < 0)
        return D25_EXIT_IO;
    d25_receipts *receipts = NULL;
    int receipts_failed = 0;
    if (d25_ingest_survey(paths, npaths, &files) < 0 ||
        load_receipts(&files, su->reg, cb, ud, &receipts, &receipts_failed) < 0) {
        d25_fail(err, D25_E_NOMEM, "内存不足");
        rc = D25_EXIT_IO;
    } else {
        d25_vctx ctx = {.rules = su->rules, .registry = su->reg, .limits = &su->cfg.limits, .want_period = want};
        d25_ingest_opts io = {.vctx = &ctx, .received_from = su->cfg.received_from, .threads = threads, .on_item = cb, .ud = ud};
        if (receipts) {
            io.receipt = receipt_time;
            io.receipt_ud = receipts;
        }
        int irc = d25_ingest_run(s, paths, npaths, &files, &io, run_id, counts, err);
        counts->failed += receipts_failed;
        /* Not needed by the quality pass: its memory goes back first. */
        d25_ingest_list_free(&files);
        d25_receipts_free(receipts);
        receipts = NULL;
        d25_quality_opts qo;
        d25_quality_opts_from(&su->cfg, &qo);
        if (irc < 0 || d25_quality_refresh(s, su->rules, &qo, err) < 0)
            rc = D25_EXIT_IO;
    }
    d25_error err2 = {0};
    d25_store_run_end(s, run_id, counts, rc == D25_EXIT_OK ? "ok" : "error", &err2);
    d25_ingest_list_free(&files);
    d25_receipts_free(receipts);
    if (rc == D25_EXIT_OK && (counts->rejected || counts->failed))
        rc = D25_EXIT_REJECTED;
    return rc;
}

int cmd_ingest(int argc, char **argv, const d25_global *g)
{
    static const struct option opts[] = {
        {"period", required_argument, NULL, 'p'}, {"db", required_argument, NULL, 'd'},
        {"rules", required_argument, NULL, 'r'},  {"units", required_argument, NULL, 'u'},
        {"threads", required_argument, NULL, 't'}, {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    const char *period_arg = NULL, *db_arg = NULL, *rules_path = NULL, *units_path = NULL;
    bool quiet = false;
    int threads = 0;
    d25_optstate os = {0};
    int c;
    while ((c = d25_cmd_getopt(&os, argc, argv, "hq", opts, "ingest", usage)) > 0) {
        switch (c) {
        case 'p': period_arg = optarg; break;
        case 'd': db_arg = optarg; break;
        case 'r': rules_path = optarg; break;
        case 'u': units_path = optarg; break;
        case 'q': quiet = true; break;
        case 't': {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || n < 1 || n > 64) {
                return d25_cli_usage_error("--threads 应为 1 到 64 的整数，不是“%s”", optarg);
            }
            threads = (int)n;
            break;
        }
        }
    }
    if (c == 0)
        return os.exit;
    int want;
    if (d25_cmd_period("ingest", period_arg, false, &want))
        return D25_EXIT_USAGE;
    if (optind >= argc) {
        return d25_cli_usage_error("请给出要收取的文件或文件夹");
    }
    if (d25_cmd_check_paths(argv + optind, (size_t)(argc - optind)))
        return D25_EXIT_USAGE;
    d25_setup su;
    int rc = d25_cmd_setup(g, rules_path, units_path, &su);
    if (rc)
        return rc;
    const char *db;
    if ((rc = d25_cmd_db_for_writing(&su.cfg, db_arg, &db))) {
        d25_cmd_teardown(&su);
        return rc;
    }
    d25_error err = {0};
    d25_store *s = d25_store_open(db, su.cfg.lock_wait, &err);
    if (s && d25_store_set_edition(s, su.rules->id) < 0) {
        d25_store_close(s);
        s = NULL;
        d25_fail(&err, D25_E_NOMEM, "内存不足");
    }
    d25_run_counts counts = {0};
    if (!s) {
        rc = err.code == D25_E_LOCKED ? D25_EXIT_LOCKED : D25_EXIT_IO;
        goto out;
    }
    printer pr = {.quiet = quiet, .tty = isatty(STDERR_FILENO)};
    rc = d25_cmd_ingest_core(s, &su, "ingest", argv + optind, (size_t)(argc - optind), want, threads, on_item, &pr,
                             &counts, &err);
    if (pr.drawn)
        fputs("\r\033[K", stderr);
    if (rc != D25_EXIT_IO) {
        char retimed[48] = "";
        if (counts.retimed)
            snprintf(retimed, sizeof retimed, "改时 %d，", counts.retimed);
        printf("共 %d 个文件：新收 %d，更正 %d，过时 %d，退回 %d，未变 %d，%s失败 %d；跳过 %d 个（不是报表的文件，或找不到的路径）。"
               "数据库：%s\n",
               counts.files, counts.added, counts.superseded, counts.outdated, counts.rejected, counts.unchanged, retimed,
               counts.failed, counts.ignored, d25_store_path(s));
    }
out:
    if (rc >= D25_EXIT_USAGE)
        fprintf(stderr, "duty25 ingest：%s\n", err.message);
    d25_store_close(s);
    d25_cmd_teardown(&su);
    return rc;
}
