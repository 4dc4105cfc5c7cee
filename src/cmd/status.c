/*
 * status: who has returned for a period, on time or late, who is missing or
 * rejected (with the contact to call), by unit type and by area.  Text for
 * people, JSON for scripts (a contract: README, "duty25 status").  This
 * file reads the options, builds the status (src/status/status.c, city.c)
 * and prints it (src/status/print.c, which the office page calls too).
 */
#include "commands.h"
#include "cli.h"
#include "../registry/units.h"
#include "../rules/rules.h"
#include "../status/city.h"
#include "../status/print.h"
#include "../status/status.h"
#include "../forms/forms.h"
#include "../store/store.h"
#include "../validate/validate.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "\n"
    "某月的报送情况：应报多少家，按时、逾期、缺表、退回、未报各多少家，按单位类型和板块分列；\n"
    "并列出未报、退回和缺表的单位及其联系人、电话，便于在截止日前逐一催报。\n"
    "截止日取配置 [campaign] deadline_day（未设置时取规则文件的 deadline_day）；\n"
    "应报单位取单位名册中该月在册的单位。\n"
    "\n"
    "  按时：清单和推进情况统计表都已通过，且都在截止日当天结束前首次通过\n"
    "  逾期：两张表都已通过，但至少一张在截止日之后才首次通过\n"
    "  缺表：只通过了其中一张表\n"
    "  退回：报送过，但没有一份通过\n"
    "  未报：没有收到任何报表\n"
    "\n"
    "选项：\n"
    "  --period YYYY-MM   统计的月份（默认本月）\n"
    "  --format text      中文文本（默认）\n"
    "  --format json      JSON，供其他程序使用\n"
    "  --db 文件          数据库文件（默认取配置 [store] database）\n"
    "  --units 文件       使用另一份单位名册（默认取配置 [campaign] units）\n"
    "  -h, --help         显示本帮助\n"
    "\n"
    "退出码：0 成功；2 用法或配置错误；3 数据库错误。\n"
    "\n"
    "示例：\n"
    "  duty25 status\n"
    "  duty25 status --period 2026-11 --format json\n";

int cmd_status(int argc, char **argv, const d25_global *g)
{
    static const struct option opts[] = {
        {"period", required_argument, NULL, 'p'}, {"format", required_argument, NULL, 'f'},
        {"db", required_argument, NULL, 'd'},     {"units", required_argument, NULL, 'u'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    const char *period_arg = NULL, *format = "text", *db_arg = NULL, *units_path = NULL;
    d25_optstate os = {0};
    int c;
    while ((c = d25_cmd_getopt(&os, argc, argv, "h", opts, "status", usage)) > 0) {
        switch (c) {
        case 'p': period_arg = optarg; break;
        case 'f': format = optarg; break;
        case 'd': db_arg = optarg; break;
        case 'u': units_path = optarg; break;
        }
    }
    if (c == 0)
        return os.exit;
    bool json = strcmp(format, "json") == 0;
    if (!json && strcmp(format, "text") != 0) {
        return d25_cli_usage_error("--format 只能是 text 或 json，不是“%s”", format);
    }
    if (optind < argc) {
        return d25_cli_usage_error("多余的参数“%s”", argv[optind]);
    }
    int period;
    if (d25_cmd_period("status", period_arg, true, &period))
        return D25_EXIT_USAGE;
    d25_setup su;
    int rc = d25_cmd_setup(g, NULL, units_path, &su);
    if (rc)
        return rc;
    const d25_config *cfg = &su.cfg;
    d25_error err = {0};
    const char *db = db_arg ? db_arg : cfg->db_path;
    d25_store *s = NULL;
    d25_status_report rep = {0};
    d25_status_city_ctx cc = {0};
    int deadline = cfg->deadline_day ? cfg->deadline_day : su.rules->deadline_day;
    if (!(s = d25_cmd_open_existing(db, &err)) || d25_store_set_edition(s, su.rules->id) < 0 ||
        (cfg->level != D25_LEVEL_DISTRICT ? d25_status_city(s, cfg, deadline, period, &cc, &rep, &err)
                                          : d25_status_build(s, su.reg, period, deadline, cfg->same_time_min, &rep, &err)) < 0) {
        rc = d25_cmd_exit_for(&err);
    } else if (json) {
        d25_status_print_json(stdout, &rep, cfg->district);
    } else {
        d25_status_print_text(stdout, &rep, cfg->district, su.rules->unit_word);
    }
    if (rc)
        fprintf(stderr, "duty25 status：%s\n", err.message);
    d25_status_report_free(&rep);
    d25_status_city_free(&cc);
    d25_store_close(s);
    d25_cmd_teardown(&su);
    return rc;
}
