/*
 * report: a period's figures as the data tree of the report templates
 * (--dump-data), or one template filled with them (--template).
 */
#include "commands.h"
#include "../report/tcheck.h"
#include "../util/syserr.h"
#include "cli.h"
#include "../report/city.h"
#include "../report/citybook.h"
#include "../report/data.h"
#include "../docxfill/fill.h"
#include "../report/workbook.h"
#include "../store/store.h"
#include "../util/file.h"
#include "../util/text.h"
#include "../validate/validate.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <sys/stat.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "      duty25 report --period YYYY-MM --dump-data\n"
    "      duty25 report --period YYYY-MM --template 模板.docx --out 输出.docx\n"
    "      duty25 report --period YYYY-MM --xlsx 统计表.xlsx\n"
    "\n"
    "不带 --dump-data、--template、--xlsx 时，在输出文件夹（默认取配置 [report] out）中写出该月的\n"
    "“书面风险报告.docx”“统计表.docx”和“统计表.xlsx”，所用模板取自配置 [report] templates。\n"
    "市、省一级（[campaign] level = city / province）用模板“汇总书面风险报告”“汇总统计表”，\n"
    "统计表.xlsx 每区（县）一行（docs/city.md）。\n"
    "\n"
    "按数据库中某月的报表统计报告所需的数字：报送情况（应报、按时、逾期、缺表、退回、未报，\n"
    "按类型和板块）、六大责任 25 条各项的落实率、隐患发现与整改、推进情况汇总表。\n"
    "--dump-data 以 JSON 输出这些数据（各字段见 docs/report-data.md），供编写模板时参考；\n"
    "--template 用这些数据填写一份 Word 模板（标签写法见 templates/README.md）。\n"
    "\n"
    "选项：\n"
    "  --period YYYY-MM   统计的月份（默认本月）\n"
    "  --dump-data        输出数据（JSON）\n"
    "  --template 文件    要填写的 .docx 模板\n"
    "  --out 文件夹或文件 报告写到哪里（与 --template 同用时为输出文件）；都先写临时文件，完成后替换\n"
    "  --xlsx 文件        统计表写成 Excel 工作簿：报送情况、落实情况、推进情况汇总、隐患整改、执法名单\n"
    "                     （市、省一级：各区报送情况、各区落实情况、各区隐患整改、风险较大单位，\n"
    "                     每区（县）一行，末行为合计公式）\n"
    "  --db 文件          数据库文件（默认取配置 [store] database）\n"
    "  --units 文件       使用另一份单位名册（默认取配置 [campaign] units）\n"
    "  -h, --help         显示本帮助\n"
    "\n"
    "退出码：0 成功；1 该月还没有收到任何报表；2 用法、配置或模板错误；3 数据库或写入错误。\n"
    "\n"
    "示例：\n"
    "  duty25 report --period 2026-11\n"
    "  duty25 report --period 2026-11 --dump-data > 2026-11.json\n"
    "  duty25 report --period 2026-11 --template 我的模板.docx --out 报告.docx\n";

static long count_of(const d25_tree *data, const char *k)
{
    return (long)json_integer_value(json_object_get(json_object_get(data->root, "units"), k));
}

typedef struct {
    const d25_tree *data;
    bool docx, city;    /* a filled template, or the district's / the city's workbook */
    char *tpl, *out;
    char *staged;       /* written here first (a hidden name in the same folder) */
    int rc;
    d25_error err;
} job;

static void *run_job(void *arg)
{
    job *j = arg;
    j->rc = j->docx ? d25_template_fill_tree(j->tpl, j->data, j->staged, &j->err)
                    : j->city ? d25_report_city_xlsx(j->data, j->staged, &j->err)
                              : d25_report_xlsx(j->data, j->staged, &j->err);
    return NULL;
}

/* dir/.NAME.tmpPID: beside the file it becomes, hidden from the office. */
static char *staged_name(const char *out)
{
    char *dir = d25_dirname(out), *p = NULL;
    if (!dir || asprintf(&p, "%s/.%s.tmp%ld", dir, d25_basename(out), (long)getpid()) < 0)
        p = NULL;
    free(dir);
    return p;
}

/* The report, the tables and the workbook into dir. */
int d25_report_write_standard(const d25_config *cfg, const d25_tree *data, const char *dir, bool quiet, d25_error *err)
{
    const char *pcn = json_string_value(json_object_get(data->root, "period_cn"));
    if (count_of(data, "returned") + count_of(data, "rejected") + count_of(data, "incomplete") == 0) {
        d25_fail(err, D25_E_USAGE, "%s还没有收到任何报表（应报 %ld 家），未生成报告", pcn ? pcn : "",
                 count_of(data, "expected"));
        return D25_EXIT_REJECTED;
    }
    if (d25_mkdirs(dir, err) < 0)
        return D25_EXIT_IO;
    char *district = d25_safe_filename(cfg->district);
    if (!district) {
        d25_fail(err, D25_E_NOMEM, "内存不足");
        return D25_EXIT_IO;
    }
    /* Each file: its name, and whether it is a DOCX filled from the
     * template of that name or the workbook.  The workbook is written on a
     * thread of its own while the two documents are filled one after the
     * other (libzip shares state between archives: opening is serialised,
     * d25_zip_open_lock, but zip_close draws its temporary name from
     * OpenSSL's generator unlocked, which helgrind reports); all of them
     * only read the data tree. */
    typedef struct {
        const char *tpl, *name; /* the template's name, the file's */
        bool docx;
    } file;
    static const file district_files[] = {{"", "统计表", false}, {"书面风险报告", "书面风险报告", true},
                                          {"统计表", "统计表", true}};
    /* A city's (or province's) data (report/city.h): its own templates,
     * figures by district, its own workbook (report/citybook.h). */
    static const file city_files[] = {{"", "统计表", false}, {"汇总书面风险报告", "书面风险报告", true},
                                      {"汇总统计表", "统计表", true}};
    bool city = json_object_get(data->root, "by_district") != NULL;
    const file *files = city ? city_files : district_files;
    enum { NMAX = 3 };
    _Static_assert(sizeof city_files == sizeof district_files, "a city writes the same set of files");
    size_t NFILES = sizeof district_files / sizeof district_files[0];
    job jobs[NMAX] = {0};
    int rc = 0;
    for (size_t i = 0; i < NFILES && rc == 0; i++) {
        jobs[i].data = data;
        jobs[i].docx = files[i].docx;
        jobs[i].city = city;
        if ((files[i].docx && asprintf(&jobs[i].tpl, "%s/%s.docx", cfg->templates_dir, files[i].tpl) < 0) ||
            asprintf(&jobs[i].out, "%s/%s%s%s.%s", dir, district, pcn ? pcn : "", files[i].name,
                     files[i].docx ? "docx" : "xlsx") < 0 ||
            !(jobs[i].staged = staged_name(jobs[i].out))) {
            d25_fail(err, D25_E_NOMEM, "内存不足");
            rc = D25_EXIT_IO;
        }
    }
    if (rc == 0) {
        pthread_t th;
        /* the workbook on its own thread; two documents one after the other */
        bool started = pthread_create(&th, NULL, run_job, &jobs[0]) == 0;
        if (!started)
            run_job(&jobs[0]);
        for (size_t i = 1; i < NFILES; i++)
            run_job(&jobs[i]);
        if (started)
            pthread_join(th, NULL);
    }
    /* The month's files are a set: all of them replace the old ones, or
     * none does (a full disk must not leave a new report beside last
     * run's tables).  Messages in the order the office reads them. */
    static const size_t order[NMAX] = {1, 2, 0};
    for (size_t k = 0; k < NFILES && rc == 0; k++) {
        job *j = &jobs[order[k]];
        if (j->rc < 0) {
            *err = j->err;
            rc = err->code == D25_E_TEMPLATE ? D25_EXIT_USAGE : D25_EXIT_IO;
        }
    }
    for (size_t k = 0; k < NFILES && rc == 0; k++) {
        job *j = &jobs[order[k]];
        if (rename(j->staged, j->out) != 0) {
            d25_fail(err, D25_E_IO, "无法写入 %s（%s）", j->out, d25_strerror(errno));
            rc = D25_EXIT_IO;
        } else if (!quiet) {
            printf("已写出 %s\n", j->out);
        }
    }
    for (size_t i = 0; i < NFILES; i++) {
        if (jobs[i].staged)
            unlink(jobs[i].staged); /* after a failure; gone already after the rename */
        free(jobs[i].tpl);
        free(jobs[i].out);
        free(jobs[i].staged);
    }
    free(district);
    return rc;
}

int cmd_report(int argc, char **argv, const d25_global *g)
{
    static const struct option opts[] = {
        {"period", required_argument, NULL, 'p'}, {"dump-data", no_argument, NULL, 'D'},
        {"template", required_argument, NULL, 't'}, {"out", required_argument, NULL, 'o'},
        {"db", required_argument, NULL, 'd'},     {"help", no_argument, NULL, 'h'},
        {"xlsx", required_argument, NULL, 'x'},    {"units", required_argument, NULL, 'u'},
        {NULL, 0, NULL, 0},
    };
    const char *period_arg = NULL, *tpl = NULL, *out = NULL, *db_arg = NULL, *xlsx = NULL, *units_path = NULL;
    bool dump = false;
    d25_optstate os = {0};
    int c;
    while ((c = d25_cmd_getopt(&os, argc, argv, "h", opts, "report", usage)) > 0) {
        switch (c) {
        case 'p': period_arg = optarg; break;
        case 'D': dump = true; break;
        case 't': tpl = optarg; break;
        case 'o': out = optarg; break;
        case 'd': db_arg = optarg; break;
        case 'x': xlsx = optarg; break;
        case 'u': units_path = optarg; break;
        }
    }
    if (c == 0)
        return os.exit;
    if (optind < argc || (tpl && !out)) {
        return d25_cli_usage_error("%s", optind < argc ? "多余的参数" : "--template 需要 --out 输出文件");
    }
    if (tpl && d25_cmd_check_paths((char *const *)&tpl, 1))
        return D25_EXIT_USAGE;
    bool standard = !dump && !tpl && !xlsx;
    int period;
    if (d25_cmd_period("report", period_arg, true, &period))
        return D25_EXIT_USAGE;
    d25_setup su;
    int rc = d25_cmd_setup(g, NULL, units_path, &su);
    if (rc)
        return rc;
    /* A city's (province's) figures are read district by district, each
     * against its own units (report/city.h): its own templates and its
     * own workbook (report/citybook.h). */
    bool city = su.cfg.level != D25_LEVEL_DISTRICT;
    d25_error err = {0};
    const char *db = db_arg ? db_arg : su.cfg.db_path;
    d25_store *s = NULL;
    d25_tree *data = NULL;
    /* Templates for another edition's rules are told before any work. */
    if ((standard && !city && d25_templates_check(su.cfg.templates_dir, su.rules, &err) < 0) ||
        (tpl && !city && d25_template_check(tpl, su.rules, &err) < 0)) {
        rc = D25_EXIT_USAGE;
    } else if (!(s = d25_cmd_open_existing(db, &err)) || d25_store_set_edition(s, su.rules->id) < 0 ||
               !(data = city ? d25_report_city_data(s, su.rules, &su.cfg, period, &err)
                             : d25_report_data(s, su.reg, su.rules, &su.cfg, period, NULL, &err))) {
        rc = d25_cmd_exit_for(&err);
    } else if (dump) {
        json_t *all = d25_tree_json(data);
        if (!all || json_dumpf(all, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0) {
            d25_fail(&err, D25_E_NOMEM, "内存不足");
            rc = D25_EXIT_IO;
        }
        json_decref(all);
        fputc('\n', stdout);
    }
    if (rc == 0 && tpl) {
        /* --out a folder: the filled template goes into it under the template's name */
        struct stat st;
        char *into = NULL;
        size_t ol = strlen(out);
        if ((stat(out, &st) == 0 && S_ISDIR(st.st_mode)) || (ol && out[ol - 1] == '/')) {
            char *base = d25_safe_filename(d25_basename(tpl));
            if (!base || asprintf(&into, "%.*s%s%s", (int)(ol && out[ol - 1] == '/' ? ol - 1 : ol), out, "/", base) < 0)
                into = NULL;
            free(base);
            if (!into) {
                d25_fail(&err, D25_E_NOMEM, "内存不足");
                rc = D25_EXIT_IO;
            }
        }
        if (rc == 0 && d25_template_fill_tree(tpl, data, into ? into : out, &err) < 0)
            rc = err.code == D25_E_IO ? D25_EXIT_IO : D25_EXIT_USAGE;
        else if (rc == 0)
            printf("已写出 %s\n", into ? into : out);
        free(into);
    }
    if (rc == 0 && xlsx && (city ? d25_report_city_xlsx(data, xlsx, &err) : d25_report_xlsx(data, xlsx, &err)) < 0)
        rc = D25_EXIT_IO;
    if (rc == 0 && standard)
        rc = d25_report_write_standard(&su.cfg, data, out ? out : su.cfg.out_dir, false, &err);
    if (rc)
        fprintf(stderr, "duty25 report：%s\n", err.message);
    if (rc == D25_EXIT_REJECTED && !period_arg) {
        char prev[16];
        d25_format_period(period - 1, prev, sizeof prev);
        fprintf(stderr, "（不写 --period 时为本月。要写上月的报告：duty25 report --period %s）\n", prev);
    }
    d25_tree_free(data);
    d25_store_close(s);
    d25_cmd_teardown(&su);
    return rc;
}
