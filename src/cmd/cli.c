/* cli: the command table, help, version, suggestions and usage lines (see cli.h). */
#include "cli.h"
#include "commands.h"
#include "../ooxml/xml.h"
#include "../util/fold.h"
#include "../util/paths.h"
#include "../util/suggest.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef D25_VERSION
#define D25_VERSION "0.1.0"
#endif

static const struct {
    const char *name;
    int (*fn)(int, char **, const d25_global *);
    const char *args;    /* the arguments after the options, for the usage line */
    const char *summary;
} commands[] = {
    {"init", cmd_init, "文件夹", "建一个工作文件夹：配置、规则、单位名册样例、模板、收件箱"},
    {"forms", cmd_forms, "", "为各单位写出某月的空白清单和推进情况统计表（Word 和 Excel，已预填单位和月份）"},
    {"run", cmd_run, "[文件或文件夹...]", "每天定时或手工运行：收取收件箱，写出报送情况、报告和统计表（及退回通知）"},
    {"validate", cmd_validate, "文件或文件夹...", "按 25 条规则检查报表，给出接收或退回及修改意见"},
    {"ingest", cmd_ingest, "文件或文件夹...", "检查报表并存入数据库（可给文件夹；重复内容不重复入库）"},
    {"status", cmd_status, "", "某月报送情况：按时、逾期、退回、未报，及需催报单位的联系方式"},
    {"remind", cmd_remind, "", "截止日前为未报齐的单位写出催报通知，并写出办公室的催报清单"},
    {"report", cmd_report, "", "写出某月的书面风险报告和统计表（Word、Excel），或用数据填写一份模板"},
    {"dump", cmd_dump, "文件...", "显示从 .docx/.xlsx 文件中读到的表格和单元格"},
    {"export", cmd_export, "", "把本区县某月的报表导出为数据包，交上级（市）主管部门汇总"},
    {"merge", cmd_merge, "数据包或区县数据库...", "市（省）一级汇总各区县的数据包或数据库"},
    {"serve", cmd_serve, "", "在局域网内提供报送网页：单位上传、检查报表，办公室查看本月情况"},
    {"links", cmd_links, "", "列出各单位报送网页的专用链接"},
};
enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

/* The value an option takes, as the usage line shows it. */
static const struct {
    const char *cmd; /* NULL: every command */
    const char *opt;
    const char *meta;
} metas[] = {
    {"forms", "format", "docx|xlsx|both"},
    {"serve", "listen", "地址:端口"},
    {"export", "out", "文件"},
    {"merge", "db", "汇总数据库"},
    {"merge", "district", "名称"},
    {NULL, "format", "text|json"},
    {NULL, "period", "YYYY-MM"},
    {NULL, "db", "数据库"},
    {"report", "out", "文件夹或文件"},
    {NULL, "out", "文件夹"},
    {NULL, "units", "单位名册"},
    {NULL, "rules", "规则文件"},
    {NULL, "threads", "N"},
    {NULL, "unit", "单位代码"},
    {NULL, "feedback", "文件夹"},
    {NULL, "district", "区名"},
    {NULL, "edition", "版本"},
    {NULL, "template", "模板.docx"},
    {NULL, "xlsx", "文件.xlsx"},
};

static const char *meta_of(const char *cmd, const char *opt)
{
    for (size_t i = 0; i < sizeof metas / sizeof metas[0]; i++)
        if ((!metas[i].cmd || strcmp(metas[i].cmd, cmd) == 0) && strcmp(metas[i].opt, opt) == 0)
            return metas[i].meta;
    return "值";
}

/* Options a command cannot do without: shown without [ ]. */
static const struct {
    const char *cmd, *opt;
} required_opts[] = {
    {"export", "period"},
    {"export", "out"},
};

static bool is_required(const char *cmd, const char *opt)
{
    for (size_t i = 0; i < sizeof required_opts / sizeof required_opts[0]; i++)
        if (strcmp(required_opts[i].cmd, cmd) == 0 && strcmp(required_opts[i].opt, opt) == 0)
            return true;
    return false;
}

static int find_command(const char *name)
{
    for (int k = 0; k < NCOMMANDS; k++)
        if (strcmp(name, commands[k].name) == 0)
            return k;
    return -1;
}

/* Words of a usage line, wrapped at 80 columns under the first word. */
typedef struct {
    FILE *o;
    int col, indent;
} wrap;

static void put_word(wrap *w, const char *s)
{
    int width = d25_display_width(s);
    if (w->col > w->indent && w->col + 1 + width > 80) {
        fprintf(w->o, "\n%*s", w->indent, "");
        w->col = w->indent;
    } else if (w->col > 0) {
        fputc(' ', w->o);
        w->col++;
    }
    fputs(s, w->o);
    w->col += width;
}

void d25_cli_usage_line(FILE *o, const char *cmd, const struct option *opts, const char *shortopts)
{
    char head[64];
    snprintf(head, sizeof head, "用法：duty25 %s", cmd);
    wrap w = {o, 0, d25_display_width("用法：duty25 ") + (int)strlen(cmd) + 1};
    put_word(&w, head);
    for (const struct option *p = opts; p && p->name; p++) {
        if (strcmp(p->name, "help") == 0)
            continue;
        char word[128];
        const char *letter = shortopts && p->val > ' ' && p->val < 127 && strchr(shortopts, p->val) ? "" : NULL;
        char shortform[8] = "";
        if (letter)
            snprintf(shortform, sizeof shortform, "-%c|", p->val);
        bool must = is_required(cmd, p->name);
        if (p->has_arg == required_argument)
            snprintf(word, sizeof word, "%s%s--%s %s%s%s", must ? "" : "[", shortform, p->name, meta_of(cmd, p->name),
                     must ? "" : "]", strcmp(p->name, "unit") == 0 ? "..." : "");
        else
            snprintf(word, sizeof word, "[%s--%s]", shortform, p->name);
        put_word(&w, word);
    }
    int k = find_command(cmd);
    if (k >= 0 && commands[k].args[0])
        put_word(&w, commands[k].args);
    fputc('\n', o);
}

static struct {
    const char *cmd;
    const struct option *opts;
    const char *shortopts;
} current;

void d25_cli_set_current(const char *cmd, const struct option *opts, const char *shortopts)
{
    current.cmd = cmd;
    current.opts = opts;
    current.shortopts = shortopts;
}

int d25_cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "duty25 %s：", current.cmd ? current.cmd : "");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (current.cmd) {
        d25_cli_usage_line(stderr, current.cmd, current.opts, current.shortopts);
        fprintf(stderr, "详细说明：duty25 help %s\n", current.cmd);
    }
    return D25_EXIT_USAGE;
}

void d25_cli_print_help_text(FILE *o, const char *text)
{
    char *exe = d25_self_exe();
    const char *p = text, *q;
    while ((q = strstr(p, "{duty25}"))) {
        fwrite(p, 1, (size_t)(q - p), o);
        fputs(exe ? exe : "duty25", o);
        p = q + strlen("{duty25}");
    }
    fputs(p, o);
    free(exe);
}

static void usage(FILE *o)
{
    fputs("duty25 —— 落实安全生产主体责任“六大责任25条”报表汇总工具\n"
          "\n"
          "用法：duty25 [--config 配置文件] 命令 [选项] [参数...]\n"
          "\n"
          "命令：\n",
          o);
    for (int i = 0; i < NCOMMANDS; i++)
        fprintf(o, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("  help       显示本帮助；duty25 help 命令 显示该命令的帮助\n"
          "  version    显示版本\n"
          "\n"
          "全局选项：\n"
          "  --config 文件   使用指定的配置文件（也可用环境变量 DUTY25_CONFIG；默认从当前文件夹\n"
          "                  向上找 config/duty25.ini）\n"
          "  -h, --help      显示帮助\n"
          "  --version       显示版本\n"
          "\n"
          "示例（在 duty25 init 建的工作文件夹中）：\n"
          "  duty25 init --district 示范区 /srv/duty25\n"
          "  duty25 forms --period 2026-12\n"
          "  duty25 run                      （每天定时运行：收取收件箱，写出报送情况和报告）\n"
          "  duty25 validate inbox/\n"
          "  duty25 status --period 2026-11\n"
          "  duty25 report --period 2026-11\n",
          o);
    char *guide = d25_guide_path();
    fprintf(o, "\n使用说明：%s；手册：man duty25\n", guide ? guide : "使用说明.md");
    free(guide);
}

static const char *const global_opts[] = {"--config", "--help", "--version"};

/* "是不是 X？" for typed among words, or nothing. */
static void suggest_line(const char *typed, const char *const *words, size_t n)
{
    const char *s = d25_suggest(typed, words, n);
    if (s)
        fprintf(stderr, "是不是 %s？", s);
}

static int unknown_command(const char *name)
{
    const char *names[NCOMMANDS + 2];
    for (int k = 0; k < NCOMMANDS; k++)
        names[k] = commands[k].name;
    names[NCOMMANDS] = "help";
    names[NCOMMANDS + 1] = "version";
    fprintf(stderr, "duty25：没有“%s”这个命令。", name);
    suggest_line(name, names, NCOMMANDS + 2);
    fputs("\n所有命令：duty25 help\n", stderr);
    return D25_EXIT_USAGE;
}

static int help_command(int argc, char **argv, const d25_global *g)
{
    if (argc < 2) {
        usage(stdout);
        return D25_EXIT_OK;
    }
    int k = find_command(argv[1]);
    if (k < 0) {
        if (strcmp(argv[1], "version") == 0) {
            puts("用法：duty25 version\n\n显示本程序的版本号（同 duty25 --version）。");
            return D25_EXIT_OK;
        }
        if (strcmp(argv[1], "help") == 0) {
            usage(stdout);
            return D25_EXIT_OK;
        }
        return unknown_command(argv[1]);
    }
    char *args[] = {argv[1], "--help", NULL};
    d25_xml_init();
    return commands[k].fn(2, args, g);
}

int d25_cli_main(int argc, char **argv)
{
    d25_global g = {0};
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            g.config_path = argv[++i];
        } else if (strncmp(argv[i], "--config=", 9) == 0) {
            g.config_path = argv[i] + 9;
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return D25_EXIT_OK;
        } else if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0) {
            printf("duty25 %s\n", D25_VERSION);
            return D25_EXIT_OK;
        } else if (strcmp(argv[i], "--config") == 0) {
            fputs("duty25：选项“--config”后面要写一个配置文件\n用法：duty25 [--config 配置文件] 命令 [选项] [参数...]\n",
                  stderr);
            return D25_EXIT_USAGE;
        } else {
            char opt[64];
            snprintf(opt, sizeof opt, "%.*s", (int)strcspn(argv[i], "="), argv[i]);
            fprintf(stderr, "duty25：无法识别的选项“%s”。", argv[i]);
            suggest_line(opt, global_opts, sizeof global_opts / sizeof global_opts[0]);
            fputs("\n用法：duty25 [--config 配置文件] 命令 [选项] [参数...]\n所有命令：duty25 help\n", stderr);
            return D25_EXIT_USAGE;
        }
    }
    if (i >= argc) {
        fputs("duty25：请给出一个命令。\n用法：duty25 [--config 配置文件] 命令 [选项] [参数...]\n"
              "所有命令：duty25 help\n",
              stderr);
        return D25_EXIT_USAGE;
    }
    if (strcmp(argv[i], "version") == 0) {
        printf("duty25 %s\n", D25_VERSION);
        return D25_EXIT_OK;
    }
    if (strcmp(argv[i], "help") == 0)
        return help_command(argc - i, argv + i, &g);
    int k = find_command(argv[i]);
    if (k < 0)
        return unknown_command(argv[i]);
    d25_xml_init();
    return commands[k].fn(argc - i, argv + i, &g);
}
