/*
 * duty25: consolidates schools' monthly safety-duty returns for a district
 * education bureau.  main() parses the global options and dispatches to the
 * command table; each command lives in src/cmd/<name>.c.
 */
#include "cmd/commands.h"
#include "ooxml/xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#ifndef D25_VERSION
#define D25_VERSION "0.1.0"
#endif

static const struct {
    const char *name;
    int (*fn)(int, char **, const d25_global *);
    const char *summary;
} commands[] = {
    {"init", cmd_init, "建一个工作文件夹：配置、规则、单位名册样例、模板、收件箱"},
    {"run", cmd_run, "每月定时或手工运行：收取收件箱中的报表，写出报送情况、报告和统计表（及退回通知）"},
    {"validate", cmd_validate, "按 25 条规则检查报表，给出接收或退回及修改意见"},
    {"ingest", cmd_ingest, "检查报表并存入数据库（可给文件夹；重复内容不重复入库）"},
    {"status", cmd_status, "某月报送情况：按时、逾期、退回、未报，及需催报单位的联系方式"},
    {"remind", cmd_remind, "截止日前为未报齐的单位写出催报通知，并写出办公室的催报清单"},
    {"report", cmd_report, "某月报告所需的数据（--dump-data），或用其填写一份 Word 模板"},
    {"forms", cmd_forms, "为各单位写出某月的空白清单和推进情况统计表（Word 和 Excel，已预填单位和月份）"},
    {"dump", cmd_dump, "显示从 .docx/.xlsx 文件中读到的表格和单元格"},
    {"export", cmd_export, "把本区县某月的报表导出为数据包，交市教育局汇总"},
    {"merge", cmd_merge, "市（省）教育局汇总各区县的数据包或数据库"},
};

static void usage(FILE *o)
{
    fputs("duty25 —— 教育系统落实安全生产主体责任“六大责任25条”报表汇总工具\n"
          "\n"
          "用法：duty25 [--config 配置文件] 命令 [选项] [参数...]\n"
          "\n"
          "命令：\n",
          o);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(o, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\n"
          "全局选项：\n"
          "  --config 文件   使用指定的配置文件（也可用环境变量 DUTY25_CONFIG）\n"
          "  -h, --help      显示帮助；duty25 命令 --help 显示该命令的帮助\n"
          "  --version       显示版本\n"
          "\n"
          "示例：\n"
          "  duty25 init --district 示范区 /srv/duty25\n"
          "  duty25 forms --period 2026-12\n"
          "  duty25 run                           （每天定时运行：收取收件箱，写出报送情况和报告）\n"
          "  duty25 validate --period 2026-11 收件箱/*.docx 收件箱/*.xlsx\n"
          "  duty25 ingest --period 2026-11 收件箱/\n"
          "  duty25 status --period 2026-11\n"
          "  duty25 dump samples/某校-2026年11月.docx\n",
          o);
}

int main(int argc, char **argv)
{
#ifdef __GLIBC__
    /* Each return allocates and frees buffers of a few hundred KB; keep
     * them on the heap instead of an mmap/munmap (and page faults) each. */
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    mallopt(M_TOP_PAD, 4 << 20);
#endif
    d25_global g = {0};
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            g.config_path = argv[++i];
        } else if (strncmp(argv[i], "--config=", 9) == 0) {
            g.config_path = argv[i] + 9;
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("duty25 %s\n", D25_VERSION);
            return 0;
        } else {
            fprintf(stderr, "duty25：无法识别的选项“%s”\n\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return 2;
    }
    d25_xml_init();
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        if (strcmp(argv[i], commands[k].name) == 0)
            return commands[k].fn(argc - i, argv + i, &g);
    fprintf(stderr, "duty25：没有“%s”这个命令\n\n", argv[i]);
    usage(stderr);
    return 2;
}
