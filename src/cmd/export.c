/*
 * export: one month of this district's returns (or of a city's merged
 * districts) as one SQLite file for the level above (a package: store.h
 * d25_store_export, docs/city.md).
 */
#include "commands.h"
#include "cli.h"
#include "../store/store.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "\n"
    "把本区县某月的报表（报表、答案、推进情况、问题）和单位名册导出为一个数据包（SQLite 文件），\n"
    "可用邮件或 U 盘交给上级主管部门，由 duty25 merge 汇总。市一级（level = city）导出的是\n"
    "已汇总的各区县该月的报表和名册，交给省里汇总。只导出本规则版本（[edition] id）的报表。\n"
    "数据包写明规则版本、哪一级、名称（配置 [campaign] district）、月份、数据库结构版本和\n"
    "导出时间，并带有内容的 SHA-256 校验值，传输中损坏或被改动时上级会拒收。先写入临时文件，\n"
    "完成后再改名，不会留下半个文件。\n"
    "\n"
    "选项：\n"
    "  --period YYYY-MM   导出的月份（必填）\n"
    "  --out 文件         数据包文件（必填，如 东区-2026-11.duty25）\n"
    "  --db 文件          数据库文件（默认取配置 [store] database）\n"
    "  -h, --help         显示本帮助\n"
    "\n"
    "退出码：0 成功；2 用法或配置错误（如未设置 [campaign] district）；3 数据库或写入错误；4 另一个 duty25 正在写数据库。\n"
    "\n"
    "示例：\n"
    "  duty25 export --period 2026-11 --out 东区-2026-11.duty25\n";

int cmd_export(int argc, char **argv, const d25_global *g)
{
    static const struct option opts[] = {
        {"period", required_argument, NULL, 'p'}, {"out", required_argument, NULL, 'o'},
        {"db", required_argument, NULL, 'd'},     {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *period_arg = NULL, *out = NULL, *db_arg = NULL;
    d25_optstate os = {0};
    int c;
    while ((c = d25_cmd_getopt(&os, argc, argv, "h", opts, "export", usage)) > 0) {
        switch (c) {
        case 'p': period_arg = optarg; break;
        case 'o': out = optarg; break;
        case 'd': db_arg = optarg; break;
        }
    }
    if (c == 0)
        return os.exit;
    if (optind < argc) {
        d25_cli_usage_error("多余的参数“%s”", argv[optind]);
        return D25_EXIT_USAGE;
    }
    if (!period_arg || !out) {
        d25_cli_usage_error("必须给出 --period 和 --out");
        return D25_EXIT_USAGE;
    }
    int period;
    if (d25_cmd_period("export", period_arg, false, &period))
        return D25_EXIT_USAGE;
    d25_setup su;
    int rc = d25_cmd_setup(g, NULL, NULL, &su);
    if (rc)
        return rc;
    if (su.cfg.level == D25_LEVEL_PROVINCE) {
        fprintf(stderr, "duty25 export：省一级（[campaign] level = province）是最高一级，不再向上导出数据包；"
                        "区县（level = district）和市（level = city）导出\n");
        d25_cmd_teardown(&su);
        return D25_EXIT_USAGE;
    }
    const char *level = su.cfg.level == D25_LEVEL_CITY ? "city" : "district";
    const char *word = su.cfg.level == D25_LEVEL_CITY ? "市" : "区县";
    if (!su.cfg.district || !*su.cfg.district) {
        fprintf(stderr, "duty25 export：配置文件没有写明本%s的名称（[campaign] district），上级无法区分各%s的数据包\n", word,
                word);
        d25_cmd_teardown(&su);
        return D25_EXIT_USAGE;
    }
    /* "/" joins a city and its district in the province's keys. */
    if (strchr(su.cfg.district, '/')) {
        fprintf(stderr, "duty25 export：本%s的名称（[campaign] district）“%s”中有“/”，上级用它分隔市和区县，请改用别的写法\n",
                word, su.cfg.district);
        d25_cmd_teardown(&su);
        return D25_EXIT_USAGE;
    }
    d25_error err = {0};
    const char *db = db_arg ? db_arg : su.cfg.db_path;
    d25_store *s = NULL;
    d25_package_info pi;
    if (access(db, F_OK) != 0) {
        d25_fail(&err, D25_E_USAGE, "还没有数据库 %s：请先用 duty25 ingest 收取报表（或用 --db 指定数据库）", db);
        rc = D25_EXIT_USAGE;
    } else if (!(s = d25_store_open(db, su.cfg.lock_wait, &err))) {
        rc = d25_cmd_exit_for(&err);
    } else if (d25_store_export(s, su.rules->id, level, su.cfg.district, period, out, &pi, &err) < 0) {
        rc = D25_EXIT_IO;
    } else {
        printf("已导出 %s%s（规则版本 %s）：报表 %d 份，单位 %d 家，校验值 %s。数据包：%s\n", pi.district, pi.period,
               pi.edition, pi.returns, pi.units, pi.sha256, out);
    }
    if (rc)
        fprintf(stderr, "duty25 export：%s\n", err.message);
    d25_store_close(s);
    d25_cmd_teardown(&su);
    return rc;
}
