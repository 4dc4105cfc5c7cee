/*
 * links: each unit's personal link to the page of duty25 serve, for the
 * office to send (made for the units that have none yet).
 */
#include "commands.h"
#include "cli.h"
#include "../serve/serve.h"
#include "../store/store.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "\n"
    "列出每个单位的专用报送链接（duty25 serve 的网页），供办公室发给各单位。还没有链接的单位\n"
    "这时生成一个（随机，存入数据库；以后不变）。链接前面的网址取配置 [serve] base_url，\n"
    "未设置时只列出路径（/u/…），请在前面加上本机的网址。\n"
    "每行：单位代码、单位名称、联系人、电话、链接，用制表符隔开（可粘贴到 Excel）。\n"
    "\n"
    "选项：\n"
    "  --db 文件          数据库文件（默认取配置 [store] database）\n"
    "  --unit 单位代码    只列出这个单位（可重复）\n"
    "  -h, --help         显示本帮助\n"
    "\n"
    "退出码：0 成功；2 用法或配置错误；3 数据库错误；4 另一个 duty25 正在写入数据库。\n"
    "\n"
    "示例：\n"
    "  duty25 links > 报送链接.txt\n";

typedef struct {
    const char *base;
    char **codes;
    size_t ncodes;
    size_t shown;
    d25_error *err;
} lister;

static int print_link(void *ud, const d25_unit *u, const char *token)
{
    lister *l = ud;
    bool want = l->ncodes == 0;
    for (size_t i = 0; i < l->ncodes && !want; i++)
        want = strcmp(l->codes[i], u->code) == 0;
    if (!want || !token)
        return 0;
    char *link = d25_serve_unit_link(l->base, token);
    if (!link)
        return d25_fail(l->err, D25_E_NOMEM, "内存不足");
    printf("%s\t%s\t%s\t%s\t%s\n", u->code, u->name, u->contact ? u->contact : "", u->phone ? u->phone : "", link);
    free(link);
    l->shown++;
    return 0;
}

int cmd_links(int argc, char **argv, const d25_global *g)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"unit", required_argument, NULL, 'u'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db_arg = NULL;
    lister l = {0};
    d25_optstate os = {0};
    int c, rc = 0;
    while ((c = d25_cmd_getopt(&os, argc, argv, "h", opts, "links", usage)) > 0) {
        if (c == 'd') {
            db_arg = optarg;
        } else if (c == 'u') {
            char **v = realloc(l.codes, (l.ncodes + 1) * sizeof *v);
            if (!v) {
                free(l.codes);
                return D25_EXIT_IO;
            }
            l.codes = v;
            l.codes[l.ncodes++] = optarg;
        }
    }
    if (c == 0) {
        free(l.codes);
        return os.exit;
    }
    if (optind < argc) {
        free(l.codes);
        return d25_cli_usage_error("多余的参数“%s”", argv[optind]);
    }
    d25_setup su;
    if ((rc = d25_cmd_setup(g, NULL, NULL, &su))) {
        free(l.codes);
        return rc;
    }
    for (size_t i = 0; i < l.ncodes && rc == 0; i++)
        if (!d25_registry_by_code(su.reg, l.codes[i])) {
            fprintf(stderr, "duty25 links：名册 %s 中没有代码为“%s”的单位\n", su.reg->path, l.codes[i]);
            rc = D25_EXIT_USAGE;
        }
    const char *db = NULL;
    if (rc == 0)
        rc = d25_cmd_db_for_writing(&su.cfg, db_arg, &db);
    if (rc == 0) {
        l.base = su.cfg.serve.base_url ? su.cfg.serve.base_url : "";
        d25_error err = {0};
        l.err = &err;
        d25_store *s = d25_store_open(db, su.cfg.lock_wait, &err);
        if (!s || d25_store_unit_tokens(s, su.reg, true, print_link, &l, &err) < 0) {
            fprintf(stderr, "duty25 links：%s\n", err.message);
            rc = err.code == D25_E_LOCKED ? D25_EXIT_LOCKED : D25_EXIT_IO;
        }
        d25_store_close(s);
        if (rc == 0 && !su.cfg.serve.base_url)
            fprintf(stderr, "（配置 [serve] base_url 未设置：链接只有路径部分，请在前面加上 duty25 serve 的网址）\n");
    }
    free(l.codes);
    d25_cmd_teardown(&su);
    return rc;
}
