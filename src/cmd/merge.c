/*
 * merge: a city (or province) bureau takes its districts' packages, or a
 * district's whole database, into its own store (store.h d25_store_merge,
 * docs/city.md).  Each file is checked before anything of it is written
 * and merged in one transaction; a refused file is named and the others
 * are still merged.
 */
#include "commands.h"
#include "cli.h"
#include "../store/store.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "\n"
    "市一级汇总各区县报来的数据包（duty25 export 导出）或区县的整个数据库（含各月）；省一级\n"
    "（level = province）同样汇总各市导出的数据包。单位和报表按“市/区县 + 单位代码”区分，\n"
    "各区县的单位代码可以相同。每份报表保留其规则版本。\n"
    "  同一个数据包汇总两次，不会有任何变化；\n"
    "  同一区县同一月份较新的数据包替换较旧的（旧的保留并标记为已替换）；\n"
    "  较旧的数据包不会替换已汇总的较新数据包；\n"
    "  规则版本不同、旧版 duty25 导出、来自不该由本级汇总的一级、数据库结构版本更新、已损坏\n"
    "  或校验值不符的文件一律拒收（说明后的括号中是错误代码，见 docs/errors.md），且不写入任何内容。\n"
    "\n"
    "选项：\n"
    "  --db 文件          汇总数据库（默认取配置 [store] database）\n"
    "  --district 名称    给出的数据库属于哪个区县（省一级：哪个市；数据包自带名称，不需要）\n"
    "  -h, --help         显示本帮助\n"
    "\n"
    "退出码：0 全部汇总（或无变化）；1 有文件被拒收；2 用法或配置错误；3 数据库错误；4 另一个 duty25 正在写汇总数据库。\n"
    "\n"
    "示例：\n"
    "  duty25 merge --db data/市汇总.db 收件/东区-2026-11.duty25 收件/西区-2026-11.duty25\n"
    "  duty25 merge --district 南区 南区/duty25.db\n";

static const char *outcome_word(d25_slice_outcome o)
{
    switch (o) {
    case D25_SLICE_MERGED: return "新汇总";
    case D25_SLICE_REPLACED: return "替换";
    case D25_SLICE_UNCHANGED: return "未变";
    default: return "过时";
    }
}

int cmd_merge(int argc, char **argv, const d25_global *g)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"district", required_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db_arg = NULL, *district = NULL;
    d25_optstate os = {0};
    int c;
    while ((c = d25_cmd_getopt(&os, argc, argv, "h", opts, "merge", usage)) > 0) {
        switch (c) {
        case 'd': db_arg = optarg; break;
        case 'D': district = optarg; break;
        }
    }
    if (c == 0)
        return os.exit;
    if (optind >= argc) {
        d25_cli_usage_error("请给出要汇总的数据包或区县数据库");
        return D25_EXIT_USAGE;
    }
    /* A mistyped package name is a usage error before anything is opened. */
    if (d25_cmd_check_paths(argv + optind, (size_t)(argc - optind)))
        return D25_EXIT_USAGE;
    d25_setup su;
    int rc = d25_cmd_setup(g, NULL, NULL, &su);
    if (rc)
        return rc;
    if (su.cfg.level == D25_LEVEL_DISTRICT) {
        fprintf(stderr, "duty25 merge：本配置是区县一级（[campaign] level = district）。汇总各区县的数据包要在市（省）一级的"
                        "工作文件夹中进行，其配置写 level = city，数据库与区县的分开\n");
        d25_cmd_teardown(&su);
        return D25_EXIT_USAGE;
    }
    d25_error err = {0};
    const char *db = db_arg ? db_arg : su.cfg.db_path;
    d25_store *s = d25_store_open(db, su.cfg.lock_wait, &err);
    if (!s) {
        fprintf(stderr, "duty25 merge：%s\n", err.message);
        d25_cmd_teardown(&su);
        return err.code == D25_E_LOCKED ? D25_EXIT_LOCKED : D25_EXIT_IO;
    }
    int64_t run = d25_store_run_begin(s, "merge", -1, &err);
    d25_merge_opts mo = {su.rules->id, district, (const char *const *)su.cfg.districts, su.cfg.ndistricts, run,
                         su.cfg.level == D25_LEVEL_PROVINCE ? "city" : "district"};
    int refused = 0, counts[4] = {0};
    for (int i = optind; i < argc && run > 0; i++) {
        d25_merged_slice *v = NULL;
        size_t n = 0;
        d25_error e = {0};
        if (d25_store_merge(s, argv[i], &mo, &v, &n, &e) < 0) {
            printf("拒收　%s：%s（%s）\n", argv[i], e.message, d25_code_name(e.code));
            refused++;
        }
        for (size_t k = 0; k < n; k++) {
            counts[v[k].outcome]++;
            printf("%s　%s　%s　%s", outcome_word(v[k].outcome), v[k].district, v[k].period, argv[i]);
            if (v[k].outcome == D25_SLICE_MERGED || v[k].outcome == D25_SLICE_REPLACED)
                printf("（报表 %d 份）", v[k].returns);
            else if (v[k].outcome == D25_SLICE_OUTDATED)
                printf("（已汇总该区县该月较新的数据包，此包未用）");
            putchar('\n');
        }
        free(v);
    }
    if (run > 0) {
        d25_run_counts rc_counts = {0};
        rc_counts.files = argc - optind;
        rc_counts.added = counts[D25_SLICE_MERGED];
        rc_counts.superseded = counts[D25_SLICE_REPLACED];
        rc_counts.unchanged = counts[D25_SLICE_UNCHANGED];
        rc_counts.outdated = counts[D25_SLICE_OUTDATED];
        rc_counts.failed = refused;
        d25_store_run_end(s, run, &rc_counts, refused ? "error" : "ok", NULL);
        printf("共 %d 个文件：新汇总 %d，替换 %d，未变 %d，过时 %d（%s月份）；拒收 %d 个文件。数据库：%s\n", argc - optind,
               counts[D25_SLICE_MERGED], counts[D25_SLICE_REPLACED], counts[D25_SLICE_UNCHANGED], counts[D25_SLICE_OUTDATED],
               su.cfg.level == D25_LEVEL_PROVINCE ? "市" : "区县", refused, db);
        rc = refused ? D25_EXIT_REJECTED : D25_EXIT_OK;
    } else {
        fprintf(stderr, "duty25 merge：%s\n", err.message);
        rc = D25_EXIT_IO;
    }
    d25_store_close(s);
    d25_cmd_teardown(&su);
    return rc;
}
