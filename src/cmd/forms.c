/*
 * forms: the blank checklist and progress forms of a period for each unit,
 * pre-filled with its name, area and the period (blankform.h), as DOCX
 * (from the templates 表样-清单.docx and 表样-推进情况.docx) and as one XLSX.
 */
#include "commands.h"
#include "../serve/serve.h"
#include "../store/store.h"
#include "cli.h"
#include "../blankform/blankform.h"
#include "../docxfill/fill.h"
#include "../util/file.h"
#include "../validate/validate.h"

#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* -q: only the closing line */
static bool quiet;

static const char usage[] =
    "\n"
    "为每个单位写出该月要填报的空白表：附件1“六大责任25条内容清单”和附件3“推进情况统计表”，\n"
    "已预填单位名称、所属板块和月份，本单位不适用的子项预填“不适用”。\n"
    "Word 格式为两个文件（…-清单.docx、…-推进情况.docx），Excel 格式为一个工作簿（两张工作表）。\n"
    "单位按表样填写后报回，duty25 能最稳妥地读取。\n"
    "\n"
    "选项：\n"
    "  --period YYYY-MM   填报月份（默认本月）\n"
    "  --unit 单位        只写这个单位（代码或名称，可重复）；默认为名册中该月在册的全部单位\n"
    "  --format 格式      docx、xlsx 或 both（默认 both）\n"
    "  --out 文件夹       写到哪里（默认为配置 [report] out 下的“表样-YYYY-MM”）\n"
    "  --units 文件       使用另一份单位名册（默认取配置 [campaign] units）\n"
    "  -q, --quiet        不逐个列出写出的文件，只输出最后一行\n"
    "  -h, --help         显示本帮助\n"
    "\n"
    "所用模板取自配置 [report] templates（表样-清单.docx、表样-推进情况.docx），可用 Word 修改版式。\n"
    "退出码：0 成功；2 用法、配置、模板错误或单位代码不在名册中；3 无法写入。\n"
    "\n"
    "示例：\n"
    "  duty25 forms --period 2026-12\n"
    "  duty25 forms --period 2026-12 --unit SF-X001 --format xlsx --out 发给实验小学/\n";

/* Edit distance of two short ASCII codes (case-insensitive), capped. */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 64;
    size_t prev[64], cur[64];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = prev[j - 1] + (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        memcpy(prev, cur, (lb + 1) * sizeof *prev);
    }
    return prev[lb];
}

/* The unit --unit names: its code, or its name (or alias). */
static const d25_unit *unit_named(const d25_registry *reg, const char *s)
{
    const d25_unit *u = d25_registry_by_code(reg, s);
    return u ? u : d25_registry_find(reg, s);
}

/* The unit's files in dir. */
/* Each unit's link to duty25 serve's page, by registry index. */
typedef struct {
    const d25_registry *reg;
    const char *base;
    char **links;
    d25_error *err;
} links_ctx;

static int keep_link(void *ud, const d25_unit *u, const char *token)
{
    links_ctx *l = ud;
    if (token && !(l->links[u - l->reg->units] = d25_serve_unit_link(l->base, token)))
        return d25_fail(l->err, D25_E_NOMEM, "内存不足");
    return 0;
}

/* With [serve] base_url set in a working folder, each unit's personal link
 * (made now when it has none, as duty25 links does) for its forms. */
static char **unit_links(const d25_setup *su, d25_error *err)
{
    if (!su->cfg.serve.base_url || !su->cfg.path)
        return NULL;
    links_ctx l = {su->reg, su->cfg.serve.base_url, calloc(su->reg->n + 1, sizeof(char *)), err};
    if (!l.links)
        return NULL;
    d25_store *s = d25_store_open(su->cfg.db_path, su->cfg.lock_wait, err);
    if (!s || d25_store_unit_tokens(s, su->reg, true, keep_link, &l, err) < 0) {
        fprintf(stderr, "duty25 forms：各单位的报送网页链接未能写上（%s）\n", err->message);
        for (size_t i = 0; i < su->reg->n; i++)
            free(l.links[i]);
        free(l.links);
        l.links = NULL;
    }
    d25_store_close(s);
    return l.links;
}

static int write_unit(const d25_setup *su, const d25_unit *u, int period, const char *dir, bool docx, bool xlsx,
                      const char *link, d25_error *err)
{
    json_t *data = d25_blankform_data(su->rules, u, &su->cfg, period);
    if (data && link)
        json_object_set_new(data, "unit_link", json_string(link));
    char *name = d25_safe_filename(u->name);
    if (!data || !name) {
        json_decref(data);
        free(name);
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    }
    char pcn[32];
    d25_format_period_cn(period, pcn, sizeof pcn);
    static const struct {
        const char *template, *suffix;
    } docs[] = {{"表样-清单.docx", "清单"}, {"表样-推进情况.docx", "推进情况"}};
    int rc = 0;
    for (size_t i = 0; docx && rc == 0 && i < 2; i++) {
        char *tpl = NULL, *out = NULL;
        if (asprintf(&tpl, "%s/%s", su->cfg.templates_dir, docs[i].template) < 0 ||
            asprintf(&out, "%s/%s-%s-%s.docx", dir, name, pcn, docs[i].suffix) < 0) {
            rc = d25_fail(err, D25_E_NOMEM, "内存不足");
        } else if ((rc = d25_template_fill(tpl, data, out, err)) == 0) {
            if (!quiet)
                printf("已写出 %s\n", out);
        }
        free(tpl);
        free(out);
    }
    if (xlsx && rc == 0) {
        char *out = NULL;
        if (asprintf(&out, "%s/%s-%s.xlsx", dir, name, pcn) < 0)
            rc = d25_fail(err, D25_E_NOMEM, "内存不足");
        else if ((rc = d25_blankform_xlsx(data, out, err)) == 0 && !quiet)
            printf("已写出 %s\n", out);
        free(out);
    }
    json_decref(data);
    free(name);
    return rc;
}

int cmd_forms(int argc, char **argv, const d25_global *g)
{
    static const struct option opts[] = {
        {"period", required_argument, NULL, 'p'}, {"unit", required_argument, NULL, 'U'},
        {"format", required_argument, NULL, 'f'}, {"out", required_argument, NULL, 'o'},
        {"units", required_argument, NULL, 'u'},  {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    quiet = false;
    const char *period_arg = NULL, *format = "both", *out_arg = NULL, *units_path = NULL;
    const char **codes = calloc((size_t)argc + 1, sizeof *codes);
    size_t ncodes = 0;
    if (!codes)
        return D25_EXIT_IO;
    d25_optstate os = {0};
    int c, rc = 0;
    while ((c = d25_cmd_getopt(&os, argc, argv, "hq", opts, "forms", usage)) > 0) {
        switch (c) {
        case 'p': period_arg = optarg; break;
        case 'U': codes[ncodes++] = optarg; break;
        case 'f': format = optarg; break;
        case 'o': out_arg = optarg; break;
        case 'u': units_path = optarg; break;
        case 'q': quiet = true; break;
        }
    }
    if (c == 0) {
        free(codes);
        return os.exit;
    }
    bool docx = strcmp(format, "docx") == 0 || strcmp(format, "both") == 0;
    bool xlsx = strcmp(format, "xlsx") == 0 || strcmp(format, "both") == 0;
    int period;
    if (!docx && !xlsx) {
        rc = d25_cli_usage_error("--format 只能是 docx、xlsx 或 both，不是“%s”", format);
    } else if (optind < argc) {
        rc = d25_cli_usage_error("多余的参数“%s”", argv[optind]);
    } else if (d25_cmd_period("forms", period_arg, true, &period)) {
        rc = D25_EXIT_USAGE;
    }
    if (rc) {
        free(codes);
        return rc;
    }
    d25_setup su;
    if ((rc = d25_cmd_setup(g, NULL, units_path, &su))) {
        free(codes);
        return rc;
    }
    d25_error err = {0};
    const d25_registry *reg = su.reg;
    /* The units to write, by registry index: those named, or every one in
     * the registry that month. */
    bool *pick = calloc(reg->n + 1, sizeof *pick);
    if (!pick) {
        free(codes);
        d25_cmd_teardown(&su);
        return D25_EXIT_IO;
    }
    for (size_t i = 0; ncodes == 0 && i < reg->n; i++)
        pick[i] = d25_unit_active(&reg->units[i], period);
    for (size_t i = 0; i < ncodes; i++) {
        const d25_unit *u = unit_named(reg, codes[i]);
        if (!u) {
            /* The nearest code (a typo), else the most similar name. */
            const d25_unit *near = NULL;
            size_t best = 3;
            for (size_t k = 0; k < reg->n; k++) {
                size_t dist = distance(codes[i], reg->units[k].code);
                if (dist < best) {
                    best = dist;
                    near = &reg->units[k];
                }
            }
            if (!near && d25_registry_suggest(reg, codes[i], &near, 1) != 1)
                near = NULL;
            fprintf(stderr, "duty25 forms：名册 %s 中没有代码或名称为“%s”的单位%s%s%s%s%s\n", reg->path, codes[i],
                    near ? "（是不是 " : "", near ? near->code : "", near ? " " : "", near ? near->name : "", near ? "？）" : "");
            rc = D25_EXIT_USAGE;
        } else if (!d25_unit_active(u, period)) {
            fprintf(stderr, "duty25 forms：%s（%s）在该月不在册（见名册 active_from / active_until）\n", u->name, u->code);
            rc = D25_EXIT_USAGE;
        } else {
            pick[u - reg->units] = true;
        }
    }
    char *dir = NULL;
    char p[16], pcn[48];
    d25_format_period(period, p, sizeof p);
    d25_format_period_cn(period, pcn, sizeof pcn);
    if (rc == 0 && !out_arg && !su.cfg.path) {
        /* as ingest does not make a database, forms does not fill a folder
         * that is not a working folder with a sample registry's forms */
        d25_cli_usage_error("这里不是 duty25 的工作文件夹（当前文件夹及其上级都没有 config/duty25.ini），"
                            "不会在这里写空白表。请先进入 duty25 init 建的文件夹，或用 --out 指定文件夹");
        rc = D25_EXIT_USAGE;
    }
    if (rc == 0 && !out_arg && asprintf(&dir, "%s/表样-%s", su.cfg.out_dir, p) < 0)
        rc = D25_EXIT_IO;
    const char *out = out_arg ? out_arg : dir;
    if (rc == 0 && d25_mkdirs(out, &err) < 0) {
        fprintf(stderr, "duty25 forms：%s\n", err.message);
        rc = D25_EXIT_IO;
    }
    char **links = rc == 0 ? unit_links(&su, &err) : NULL;
    size_t written = 0;
    for (size_t i = 0; rc == 0 && i < reg->n; i++) {
        const d25_unit *u = &reg->units[i];
        if (!pick[i])
            continue;
        if (write_unit(&su, u, period, out, docx, xlsx, links ? links[i] : NULL, &err) < 0) {
            fprintf(stderr, "duty25 forms：%s\n", err.message);
            rc = err.code == D25_E_TEMPLATE ? D25_EXIT_USAGE : D25_EXIT_IO;
        }
        written++;
    }
    if (rc == 0)
        printf("共为 %zu 个单位写出%s的空白表，在 %s\n", written, pcn, out);
    for (size_t i = 0; links && i < reg->n; i++)
        free(links[i]);
    free(links);
    free(dir);
    free(pick);
    free(codes);
    d25_cmd_teardown(&su);
    return rc;
}
