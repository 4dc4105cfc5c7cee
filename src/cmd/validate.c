/*
 * validate: check returns against the rule set and tell each unit, in
 * Chinese, what to fix.  Text output for people, JSON for scripts (the
 * shape is a contract: README, "duty25 validate --format json").
 */
#include "commands.h"
#include "../ingest/mail.h"
#include "cli.h"
#include "../util/jsonout.h"
#include "../registry/units.h"
#include "../rules/rules.h"
#include "../validate/validate.h"
#include "../feedback/feedback.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "\n"
    "按“六大责任25条”规则检查各单位报送的清单（附件1）和推进情况统计表（附件3），\n"
    "逐个文件给出结论：接收，或退回并写明哪里要改、应该怎么填。\n"
    "错误会导致退回；提醒不影响接收，但请单位注意。各检查项代码见 docs/findings.md。\n"
    "可以给文件夹：其中的报表（含子文件夹中的）都会检查，与 duty25 ingest 取的文件相同；\n"
    "不是报表的文件列为“跳过”。只检查，不存入数据库。\n"
    "\n"
    "选项：\n"
    "  --period YYYY-MM   本次收取的月份；报表月份不同即退回\n"
    "  --format text      中文文本（默认）\n"
    "  --format json      JSON，供其他程序使用\n"
    "  --answers          JSON 中另附读到的各子项自查结论和推进情况各空格的值\n"
    "  --rules 文件       使用另一套规则（默认取配置 [campaign] rules）\n"
    "  --units 文件       使用另一份单位名册（默认取配置 [campaign] units）\n"
    "  --feedback 文件夹  为每份退回的报表写一份给单位的《退回通知》（.docx：错在哪里、应怎样填、\n"
    "                     何时前重新报送），并写一份汇总的《退回清单》给办公室\n"
    "  --codes            列出全部检查项代码及说明\n"
    "  -h, --help         显示本帮助\n"
    "\n"
    "退出码：0 全部接收；1 有退回；2 用法或配置错误，或给出的文件或文件夹不存在。\n"
    "\n"
    "示例：\n"
    "  duty25 validate --period 2026-11 inbox/\n"
    "  duty25 validate --format json 某校-2026年11月-清单.docx\n"
    "  duty25 validate --period 2026-11 --feedback out/退回通知/ inbox/\n";

static void print_text(const d25_result *r)
{
    printf("== %s\n", r->file);
    char period[16];
    d25_format_period(r->period, period, sizeof period);
    if (r->read_ok) {
        printf("   单位：%s", r->unit ? r->unit->name : "（未能确定）");
        if (r->unit)
            printf("（%s）", r->unit->code);
        printf("　月份：%s　表格：", period);
        if (!r->checklist && !r->progress)
            printf("无");
        printf("%s%s%s", r->checklist ? "清单" : "", r->checklist && r->progress ? "、" : "", r->progress ? "推进情况统计表" : "");
        printf("　印章图片：%s\n", r->seal ? "有" : "无");
    }
    for (size_t i = 0; i < r->n; i++) {
        const d25_finding *f = &r->f[i];
        printf("   [%s] %s", f->severity == D25_SEV_ERROR ? "错误" : "提醒", f->code);
        if (f->place[0])
            printf("　位置：%s", f->place);
        if (f->item[0])
            printf("　子项：%s", f->item);
        printf("\n         %s\n", f->message);
    }
    if (d25_result_accepted(r))
        printf("   结论：接收%s\n", r->warnings ? "（有提醒）" : "");
    else
        printf("   结论：退回（%d 个错误%s）\n", r->errors, r->warnings ? "，另有提醒" : "");
}

/* What was read: each sub-item's status and each progress value. */
static void print_answers(FILE *o, const d25_result *r)
{
    fputs(",\"answers\":{\"checklist\":{", o);
    bool first = true;
    for (size_t i = 0; i < r->form.checklist.n; i++) {
        const d25_crow *row = &r->form.checklist.rows[i];
        if (!row->sub)
            continue;
        fputs(first ? "" : ",", o);
        first = false;
        d25_json_str(o, row->sub->code);
        fputc(':', o);
        d25_json_str(o, d25_status_name(row->status));
    }
    fputs("},\"progress\":{", o);
    for (size_t i = 0; i < r->form.progress.n; i++) {
        const d25_pval *v = &r->form.progress.vals[i];
        fputs(i ? "," : "", o);
        d25_json_str(o, v->field->name);
        fputc(':', o);
        if (v->state != D25_PV_OK)
            fputs("null", o);
        else if (v->field->type == D25_F_YESNO || v->field->type == D25_F_HAVENOT)
            fputs(v->value ? "true" : "false", o);
        else if (v->field->type == D25_F_TEXT)
            d25_json_str(o, v->raw);
        else
            fprintf(o, "%ld", v->value);
    }
    fputs("}}", o);
}

static void print_json(FILE *o, const d25_result *r, bool first, bool answers)
{
    fputs(first ? "{\"file\":" : ",{\"file\":", o);
    d25_json_str(o, r->file);
    fprintf(o, ",\"verdict\":\"%s\",\"unit\":", d25_result_accepted(r) ? "accepted" : "rejected");
    if (r->unit) {
        fputs("{\"code\":", o);
        d25_json_str(o, r->unit->code);
        fputs(",\"name\":", o);
        d25_json_str(o, r->unit->name);
        fputc('}', o);
    } else {
        fputs("null", o);
    }
    char period[16];
    d25_format_period(r->period, period, sizeof period);
    fputs(",\"period\":", o);
    d25_json_str(o, r->period >= 0 ? period : NULL);
    fputs(",\"forms\":[", o);
    fprintf(o, "%s%s%s", r->checklist ? "\"checklist\"" : "", r->checklist && r->progress ? "," : "",
            r->progress ? "\"progress\"" : "");
    fprintf(o, "],\"seal\":%s,\"findings\":[", r->seal ? "true" : "false");
    for (size_t i = 0; i < r->n; i++) {
        const d25_finding *f = &r->f[i];
        fputs(i ? ",{\"code\":" : "{\"code\":", o);
        d25_json_str(o, f->code);
        fprintf(o, ",\"severity\":\"%s\",\"place\":", f->severity == D25_SEV_ERROR ? "error" : "warning");
        d25_json_str(o, f->place);
        fputs(",\"item\":", o);
        d25_json_str(o, f->item[0] ? f->item : NULL);
        fputs(",\"message\":", o);
        d25_json_str(o, f->message);
        fputc('}', o);
    }
    fputc(']', o);
    if (answers)
        print_answers(o, r);
    fputc('}', o);
}

/* One file of the list: a file read from its path, or an attachment of a
 * saved mail (.eml) validated from the mail's bytes. */
static int validate_one(const d25_vctx *ctx, const d25_ingest_file *f, d25_result *res)
{
    if (!f->mail)
        return d25_validate_file(ctx, f->path, res);
    d25_error e = {0};
    d25_mail *m = d25_mail_read(f->mail, NULL, &e);
    int rc;
    if (m && f->part < m->nparts && m->parts[f->part].data)
        rc = d25_validate_data(ctx, f->path, m->parts[f->part].data, m->parts[f->part].len, res);
    else /* the reader's own refusal: an empty buffer is refused as unreadable */
        rc = d25_validate_data(ctx, f->path, "", 0, res);
    d25_mail_free(m);
    return rc;
}

int cmd_validate(int argc, char **argv, const d25_global *g)
{
    static const struct option opts[] = {
        {"period", required_argument, NULL, 'p'}, {"format", required_argument, NULL, 'f'},
        {"rules", required_argument, NULL, 'r'},  {"units", required_argument, NULL, 'u'},
        {"codes", no_argument, NULL, 'c'},        {"help", no_argument, NULL, 'h'},
        {"answers", no_argument, NULL, 'a'},      {"feedback", required_argument, NULL, 'F'},
        {NULL, 0, NULL, 0},
    };
    const char *period_arg = NULL, *format = "text", *rules_path = NULL, *units_path = NULL;
    bool codes = false, answers = false;
    const char *feedback_dir = NULL;
    d25_optstate os = {0};
    int c;
    while ((c = d25_cmd_getopt(&os, argc, argv, "h", opts, "validate", usage)) > 0) {
        switch (c) {
        case 'p': period_arg = optarg; break;
        case 'f': format = optarg; break;
        case 'r': rules_path = optarg; break;
        case 'u': units_path = optarg; break;
        case 'c': codes = true; break;
        case 'a': answers = true; break;
        case 'F': feedback_dir = optarg; break;
        }
    }
    if (c == 0)
        return os.exit;
    if (codes) {
        size_t n;
        const d25_finding_kind *k = d25_finding_kinds(&n);
        for (size_t i = 0; i < n; i++)
            printf("%-24s %s  %s\n", k[i].code, k[i].severity == D25_SEV_ERROR ? "错误" : "提醒", k[i].summary);
        return D25_EXIT_OK;
    }
    bool json = strcmp(format, "json") == 0;
    if (!json && strcmp(format, "text") != 0) {
        return d25_cli_usage_error("--format 只能是 text 或 json，不是“%s”", format);
    }
    int want;
    if (d25_cmd_period("validate", period_arg, false, &want))
        return D25_EXIT_USAGE;
    if (optind >= argc) {
        return d25_cli_usage_error("请给出要检查的文件或文件夹");
    }
    if (d25_cmd_check_paths(argv + optind, (size_t)(argc - optind)))
        return D25_EXIT_USAGE;
    /* folders as ingest takes them: recursively, the same files skipped */
    d25_ingest_list files;
    if (d25_ingest_collect(argv + optind, (size_t)(argc - optind), &files) < 0) {
        fputs("duty25 validate：内存不足\n", stderr);
        return D25_EXIT_IO;
    }
    d25_setup su;
    int rc = d25_cmd_setup(g, rules_path, units_path, &su);
    if (rc) {
        d25_ingest_list_free(&files);
        return rc;
    }
    d25_vctx ctx = {.rules = su.rules, .registry = su.reg, .limits = &su.cfg.limits, .want_period = want};
    int accepted = 0, rejected = 0;
    d25_feedback fb;
    d25_error err = {0};
    bool fb_on = false;
    if (feedback_dir) {
        if (d25_feedback_begin(&fb, feedback_dir, &su.cfg, su.cfg.deadline_day ? su.cfg.deadline_day : su.rules->deadline_day,
                               want, &err) < 0) {
            fprintf(stderr, "duty25 validate：%s\n", err.message);
            d25_cmd_teardown(&su);
            d25_ingest_list_free(&files);
            return D25_EXIT_IO;
        }
        fb.rules = su.rules;
        fb_on = true;
    }
    if (json)
        fputs("{\"files\":[", stdout);
    rc = D25_EXIT_OK;
    bool first = true;
    for (size_t i = 0; i < files.n; i++) {
        const d25_ingest_file *f = &files.v[i];
        /* a file named on the command line is checked whatever it is (a
         * FIFO is refused as a return, as before); in a folder, skipped */
        bool named = false;
        for (int a = optind; a < argc && f->note && !f->receipts && !named; a++)
            named = strcmp(argv[a], f->path) == 0;
        if ((f->note && !named) || f->receipts) {
            if (!json)
                printf("== %s\n   跳过：%s\n\n", f->path, f->receipts ? "收件登记（ingest 和 run 用它记收到时间）" : f->note);
            continue;
        }
        d25_result res;
        if (validate_one(&ctx, f, &res) < 0) {
            fprintf(stderr, "duty25：检查 %s 时内存不足\n", f->path);
            rc = D25_EXIT_IO;
        }
        if (d25_result_accepted(&res) && rc != D25_EXIT_IO)
            accepted++;
        else
            rejected++;
        if (json)
            print_json(stdout, &res, first, answers);
        else
            print_text(&res);
        first = false;
        char *notice = NULL;
        if (fb_on && rc != D25_EXIT_IO && d25_feedback_add(&fb, &res, f->path, 0, &notice, &err) < 0) {
            fprintf(stderr, "duty25 validate：%s\n", err.message);
            rc = err.code == D25_E_TEMPLATE ? D25_EXIT_USAGE : D25_EXIT_IO;
            fb_on = false;
        }
        if (notice && !json)
            printf("   退回通知：%s\n", notice);
        free(notice);
        d25_result_free(&res);
        fflush(stdout);
    }
    char *list = NULL;
    if (fb_on && d25_feedback_finish(&fb, &list, &err) < 0) {
        fprintf(stderr, "duty25 validate：%s\n", err.message);
        rc = err.code == D25_E_TEMPLATE ? D25_EXIT_USAGE : D25_EXIT_IO;
    }
    if (feedback_dir)
        d25_feedback_free(&fb);
    if (list && !json)
        printf("\n退回清单（给%s）：%s\n", su.rules->words[D25_EW_ISSUER], list);
    free(list);
    if (json)
        printf("],\"accepted\":%d,\"rejected\":%d}\n", accepted, rejected);
    else
        printf("\n共检查 %d 个文件：接收 %d 个，退回 %d 个。\n", accepted + rejected, accepted, rejected);
    d25_cmd_teardown(&su);
    d25_ingest_list_free(&files);
    if (rc == D25_EXIT_OK && rejected)
        rc = D25_EXIT_REJECTED;
    return rc;
}
