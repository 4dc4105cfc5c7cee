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
    bool docx;          /* a filled template, or the workbook */
    char *tpl, *out;
    char *staged;       /* written here first (a hidden name in the same folder) */
    int rc;
    d25_error err;
} job;

/* dir/.NAME.tmpPID: beside the file it becomes, hidden from the office. */
static char *staged_name(const char *out)
{
    char *dir = d25_dirname(out), *p = NULL;
    if (!dir || asprintf(&p, "%s/.%s.tmp%ld", dir, d25_basename(out), (long)getpid()) < 0)
        p = NULL;
    free(dir);
    return p;
}

/* The same in the nearest folder on out's path that exists already: the
 * workbook is written before the figures say whether there is anything to
 * report (a folder is only made for a report), and renamed into out's
 * folder, made by then, on the same file system. */
static char *staged_near(const char *out)
{
    char *dir = d25_dirname(out), *p = NULL;
    struct stat sb;
    while (dir && stat(dir, &sb) != 0 && strcmp(dir, ".") != 0 && strcmp(dir, "/") != 0) {
        char *up = d25_dirname(dir);
        free(dir);
        dir = up;
    }
    if (!dir || asprintf(&p, "%s/.%s.tmp%ld", dir, d25_basename(out), (long)getpid()) < 0)
        p = NULL;
    free(dir);
    return p;
}

/* The month's files: the report, the tables and the workbook (jobs[0]),
 * their names from the district and the month, each staged first. */
enum { NFILES = 3 };
typedef struct {
    job jobs[NFILES];
    const char *dir;
    bool city;
    d25_report_book *book;  /* the district's workbook, written alongside the figures; or NULL */
} std_files;

static void standard_free(std_files *st)
{
    for (size_t i = 0; i < NFILES; i++) {
        if (st->jobs[i].staged)
            unlink(st->jobs[i].staged); /* after a failure; gone already after the rename */
        free(st->jobs[i].tpl);
        free(st->jobs[i].out);
        free(st->jobs[i].staged);
    }
}

static int standard_plan(const d25_config *cfg, int period, const char *dir, bool city, std_files *st, d25_error *err)
{
    *st = (std_files){.dir = dir, .city = city};
    typedef struct {
        const char *tpl, *name; /* the template's name, the file's */
        bool docx;
    } file;
    static const file district_files[NFILES] = {{"", "统计表", false}, {"书面风险报告", "书面风险报告", true},
                                                {"统计表", "统计表", true}};
    /* A city's (or province's) data (report/city.h): its own templates,
     * figures by district, its own workbook (report/citybook.h). */
    static const file city_files[NFILES] = {{"", "统计表", false}, {"汇总书面风险报告", "书面风险报告", true},
                                            {"汇总统计表", "统计表", true}};
    const file *files = city ? city_files : district_files;
    char pcn[32];
    d25_format_period_cn(period, pcn, sizeof pcn);
    char *district = d25_safe_filename(cfg->district ? cfg->district : "");
    int rc = district ? 0 : -1;
    for (size_t i = 0; i < NFILES && rc == 0; i++) {
        job *j = &st->jobs[i];
        j->docx = files[i].docx;
        if ((files[i].docx && asprintf(&j->tpl, "%s/%s.docx", cfg->templates_dir, files[i].tpl) < 0) ||
            asprintf(&j->out, "%s/%s%s%s.%s", dir, district, pcn, files[i].name, files[i].docx ? "docx" : "xlsx") < 0 ||
            !(j->staged = staged_name(j->out)))
            rc = -1;
    }
    free(district);
    if (rc < 0) {
        standard_free(st);
        d25_fail(err, D25_E_NOMEM, "内存不足");
        return D25_EXIT_IO;
    }
    return 0;
}

static void *run_job(void *arg)
{
    job *j = arg;
    j->rc = d25_template_fill_tree(j->tpl, j->data, j->staged, &j->err);
    return NULL;
}

/* The files of data into st->dir.  The district's workbook has been
 * written alongside the figures (st->book, given the tree here); a city's
 * is written on a thread of its own while the two documents are filled one
 * after the other (libzip shares state between archives: opening is
 * serialised, d25_zip_open_lock, but zip_close draws its temporary name
 * from OpenSSL's generator unlocked, which helgrind reports); all of them
 * only read the data tree.  Frees st. */
static void *run_citybook(void *arg)
{
    job *j = arg;
    j->rc = d25_report_city_xlsx(j->data, j->staged, &j->err);
    return NULL;
}

static int standard_write(std_files *st, const d25_tree *data, bool quiet, d25_error *err)
{
    int rc = 0;
    const char *pcn = json_string_value(json_object_get(data->root, "period_cn"));
    if (count_of(data, "returned") + count_of(data, "rejected") + count_of(data, "incomplete") == 0) {
        d25_fail(err, D25_E_USAGE, "%s还没有收到任何报表（应报 %ld 家），未生成报告", pcn ? pcn : "",
                 count_of(data, "expected"));
        rc = D25_EXIT_REJECTED;
    } else if (d25_mkdirs(st->dir, err) < 0) {
        rc = D25_EXIT_IO;
    }
    for (size_t i = 0; i < NFILES; i++)
        st->jobs[i].data = data;
    if (st->book) {
        d25_report_book_give(st->book, rc == 0 ? data : NULL);
    }
    pthread_t th;
    bool started = false;
    if (rc == 0 && !st->book) {
        started = pthread_create(&th, NULL, run_citybook, &st->jobs[0]) == 0;
        if (!started)
            run_citybook(&st->jobs[0]);
    }
    for (size_t i = 1; i < NFILES && rc == 0; i++)
        run_job(&st->jobs[i]);
    if (started)
        pthread_join(th, NULL);
    if (st->book) {
        st->jobs[0].rc = d25_report_book_close(st->book, &st->jobs[0].err);
        st->book = NULL;
    }
    /* The month's files are a set: all of them replace the old ones, or
     * none does (a full disk must not leave a new report beside last
     * run's tables).  Messages in the order the office reads them. */
    static const size_t order[NFILES] = {1, 2, 0};
    for (size_t k = 0; k < NFILES && rc == 0; k++) {
        job *j = &st->jobs[order[k]];
        if (j->rc < 0) {
            *err = j->err;
            rc = err->code == D25_E_TEMPLATE ? D25_EXIT_USAGE : D25_EXIT_IO;
        }
    }
    for (size_t k = 0; k < NFILES && rc == 0; k++) {
        job *j = &st->jobs[order[k]];
        if (rename(j->staged, j->out) != 0) {
            d25_fail(err, D25_E_IO, "无法写入 %s（%s）", j->out, d25_strerror(errno));
            rc = D25_EXIT_IO;
        } else if (!quiet) {
            printf("已写出 %s\n", j->out);
        }
    }
    standard_free(st);
    return rc;
}

/* The report, the tables and the workbook into dir. */
int d25_report_write_standard(const d25_config *cfg, const d25_tree *data, const char *dir, bool quiet, d25_error *err)
{
    const char *p = json_string_value(json_object_get(data->root, "period"));
    int period = p ? d25_parse_period_arg(p) : -1;
    std_files st;
    bool city = json_object_get(data->root, "by_district") != NULL;
    if (period < 0) {
        d25_fail(err, D25_E_USAGE, "数据中没有月份");
        return D25_EXIT_USAGE;
    }
    int rc = standard_plan(cfg, period, dir, city, &st, err);
    if (rc == 0 && !city && !(st.book = d25_report_book_start(st.jobs[0].staged, err))) {
        standard_free(&st);
        rc = D25_EXIT_IO;
    }
    return rc ? rc : standard_write(&st, data, quiet, err);
}

int d25_report_standard(const d25_config *cfg, d25_store *s, const d25_registry *reg, const d25_rules *rules, int period,
                        const d25_status_report *status, const char *dir, bool quiet, d25_error *err)
{
    std_files st;
    int rc = standard_plan(cfg, period, dir, false, &st, err);
    if (rc)
        return rc;
    /* The workbook first: it writes each long list as the figures finish
     * it, and is closed before they are done (see staged_near). */
    char *near = staged_near(st.jobs[0].out);
    if (!near) {
        standard_free(&st);
        d25_fail(err, D25_E_NOMEM, "内存不足");
        return D25_EXIT_IO;
    }
    free(st.jobs[0].staged);
    st.jobs[0].staged = near;
    if (!(st.book = d25_report_book_start(st.jobs[0].staged, err))) {
        standard_free(&st);
        return D25_EXIT_IO;
    }
    d25_tree *data = d25_report_data_watched(s, reg, rules, cfg, period, status, d25_report_book_watch(st.book), err);
    if (!data) {
        d25_report_book_close(st.book, err); /* given up: err is the figures' */
        standard_free(&st);
        return d25_cmd_exit_for(err);
    }
    rc = standard_write(&st, data, quiet, err);
    d25_tree_free(data);
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
    d25_report_book *book = NULL;
    if ((standard && !city && d25_templates_check(su.cfg.templates_dir, su.rules, &err) < 0) ||
        (tpl && !city && d25_template_check(tpl, su.rules, &err) < 0)) {
        rc = D25_EXIT_USAGE;
    } else if (!(s = d25_cmd_open_existing(db, &err)) || d25_store_set_edition(s, su.rules->id) < 0) {
        rc = d25_cmd_exit_for(&err);
    } else if (standard && !city) {
        /* the figures with the workbook written alongside (report/workbook.h) */
        rc = d25_report_standard(&su.cfg, s, su.reg, su.rules, period, NULL, out ? out : su.cfg.out_dir, false, &err);
    } else if (xlsx && !city && !(book = d25_report_book_start(xlsx, &err))) {
        rc = D25_EXIT_IO;
    } else if (!(data = city ? d25_report_city_data(s, su.rules, &su.cfg, period, &err)
                             : d25_report_data_watched(s, su.reg, su.rules, &su.cfg, period, NULL,
                                                       book ? d25_report_book_watch(book) : NULL, &err))) {
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
    if (book) {
        /* given up after an error before: err is that one */
        d25_report_book_give(book, rc == 0 ? data : NULL);
        if (d25_report_book_close(book, rc == 0 ? &err : &(d25_error){0}) < 0 && rc == 0)
            rc = D25_EXIT_IO;
    } else if (rc == 0 && xlsx && d25_report_city_xlsx(data, xlsx, &err) < 0) {
        rc = D25_EXIT_IO;
    }
    if (rc == 0 && standard && city)
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
