/*
 * remind: reminders (催报通知) for the units that have not returned both
 * forms of a month yet, and the office's list of whom to call (催报清单).
 * `run` writes them by itself on the configured days before the deadline.
 */
#include "commands.h"
#include "cli.h"
#include "../feedback/remind.h"
#include "../status/status.h"
#include "../store/store.h"
#include "../validate/validate.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "\n"
    "为该月还没有报齐的单位（两张表都未收到、只收到一张、或报表被退回后还没有改好的）各写一份\n"
    "《催报通知》（Word，写明缺什么、截止日和还剩几天），并为办公室写一份《催报清单》（单位、\n"
    "联系人、电话、缺什么），便于逐个打电话或发送。模板为 templates/催报通知.docx 和\n"
    "templates/催报清单.docx，可用 Word/WPS 修改。\n"
    "配置了 [run] remind 时，duty25 run 在截止日前 [run] remind_days 所列的那几天自动写出。\n"
    "\n"
    "选项：\n"
    "  --period YYYY-MM   月份（默认本月）\n"
    "  --out 文件夹       写到哪里（默认取配置 [run] remind 下的 YYYY-MM，未配置时为 out/催报通知/YYYY-MM）\n"
    "  --db 文件          数据库文件（默认取配置 [store] database）\n"
    "  --units 文件       使用另一份单位名册（默认取配置 [campaign] units）\n"
    "  -h, --help         显示本帮助\n"
    "\n"
    "退出码：0 成功（没有需要催报的单位时也为 0）；2 用法、配置或模板错误；3 数据库或写入错误。\n"
    "\n"
    "示例：\n"
    "  duty25 remind\n"
    "  duty25 remind --period 2026-12 --out 催报\n";

int cmd_remind(int argc, char **argv, const d25_global *g)
{
    static const struct option opts[] = {
        {"period", required_argument, NULL, 'p'}, {"out", required_argument, NULL, 'o'},
        {"db", required_argument, NULL, 'd'},     {"units", required_argument, NULL, 'u'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    const char *period_arg = NULL, *out_arg = NULL, *db_arg = NULL, *units_path = NULL;
    d25_optstate os = {0};
    int c;
    while ((c = d25_cmd_getopt(&os, argc, argv, "h", opts, "remind", usage)) > 0) {
        switch (c) {
        case 'p': period_arg = optarg; break;
        case 'o': out_arg = optarg; break;
        case 'd': db_arg = optarg; break;
        case 'u': units_path = optarg; break;
        }
    }
    if (c == 0)
        return os.exit;
    if (optind < argc) {
        d25_cli_usage_error("多余的参数“%s”", argv[optind]);
        return D25_EXIT_USAGE;
    }
    int period;
    if (d25_cmd_period("remind", period_arg, true, &period))
        return D25_EXIT_USAGE;
    d25_setup su;
    int rc = d25_cmd_setup(g, NULL, units_path, &su);
    if (rc)
        return rc;
    const d25_config *cfg = &su.cfg;
    int deadline = cfg->deadline_day ? cfg->deadline_day : su.rules->deadline_day;
    d25_error err = {0};
    d25_store *s = NULL;
    d25_status_report rep = {0};
    d25_remind_result res = {0};
    char p[16], *dir = NULL;
    d25_format_period(period, p, sizeof p);
    if (out_arg)
        dir = strdup(out_arg);
    else if (asprintf(&dir, "%s/%s", cfg->remind_dir ? cfg->remind_dir : "out/催报通知", p) < 0)
        dir = NULL;
    if (!dir) {
        d25_fail(&err, D25_E_NOMEM, "内存不足");
        rc = D25_EXIT_IO;
    } else if (!(s = d25_cmd_open_existing(db_arg ? db_arg : cfg->db_path, &err)) ||
               d25_store_set_edition(s, su.rules->id) < 0 ||
               d25_status_build(s, su.reg, period, deadline, cfg->same_time_min, &rep, &err) < 0 ||
               d25_remind_write(cfg, su.rules, &rep, deadline, dir, &res, &err) < 0) {
        rc = d25_cmd_exit_for(&err);
    } else if (res.notices) {
        char pcn[32];
        d25_format_period_cn(period, pcn, sizeof pcn);
        printf("已为 %d 家单位写出%s的催报通知，在 %s；催报清单：%s\n", res.notices, pcn, dir, res.list);
    } else {
        char pcn[32];
        d25_format_period_cn(period, pcn, sizeof pcn);
        printf("%s应报的单位都已报齐，无需催报。\n", pcn);
    }
    if (rc)
        fprintf(stderr, "duty25 remind：%s\n", err.message);
    d25_remind_result_free(&res);
    d25_status_report_free(&rep);
    d25_store_close(s);
    free(dir);
    d25_cmd_teardown(&su);
    return rc;
}
