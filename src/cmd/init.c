/*
 * init: creates a working folder for an office: the configuration (every
 * setting commented), the rule set, the sample unit registry to replace,
 * the default templates, and the empty inbox, output and data folders.
 * The files come from the data folder d25_data_dir() finds (util/paths.h).
 */
#include "commands.h"
#include "../util/syserr.h"
#include "cli.h"
#include "../util/file.h"
#include "../util/paths.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
    "\n"
    "建一个工作文件夹，之后在其中运行 duty25 即可（它会读取其中的 config/duty25.ini）：\n"
    "  config/duty25.ini          配置，每项设置都有中文说明\n"
    "  config/rules-education.ini “六大责任25条”规则（清单子项、推进情况统计表各行）\n"
    "  config/units.csv           单位名册样例：请换成本区的单位（可用 Excel/WPS 编辑，直接存为 .xlsx\n"
    "                             或另存为 CSV，普通 CSV 和 CSV UTF-8 都能读取）\n"
    "  templates/                 报告、统计表、空白表和退回通知的 Word 模板，可用 Word/WPS 修改\n"
    "  inbox/                     收件箱：把收到的报表存到这里\n"
    "  out/                       报告、统计表、空白表和退回通知写到这里\n"
    "  data/                      数据库和日志\n"
    "已有 config/duty25.ini 的文件夹不会被改动。\n"
    "\n"
    "选项：\n"
    "  --district 区名    写入配置 [campaign] district（如 武进区）\n"
    "  -h, --help         显示本帮助\n"
    "\n"
    "退出码：0 成功；2 用法错误或文件夹已初始化；3 无法写入。\n"
    "\n"
    "示例：\n"
    "  duty25 init --district 示范区 /srv/duty25\n"
    "  cd /srv/duty25 && duty25 forms --period 2026-12\n";

static int copy_to(const char *from, const char *to, const char *district, d25_error *err)
{
    FILE *f = fopen(from, "rb");
    if (!f)
        return d25_fail(err, D25_E_IO, "无法读取 %s（%s）：duty25 的安装可能不完整", from, d25_strerror(errno));
    char *data = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&data, &len);
    if (!m) {
        fclose(f);
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
        if (district && strncmp(line, "district =", 10) == 0)
            fprintf(m, "district = %s\n", district);
        else
            fwrite(line, 1, (size_t)n, m);
    }
    free(line);
    fclose(f);
    fclose(m);
    int rc = d25_write_atomic(to, data, len, err);
    free(data);
    return rc;
}

int cmd_init(int argc, char **argv, const d25_global *g)
{
    (void)g;
    static const struct option opts[] = {
        {"district", required_argument, NULL, 'D'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *district = NULL;
    d25_optstate os = {0};
    int c;
    while ((c = d25_cmd_getopt(&os, argc, argv, "h", opts, "init", usage)) > 0) {
        switch (c) {
        case 'D': district = optarg; break;
        }
    }
    if (c == 0)
        return os.exit;
    if (optind + 1 != argc) {
        return d25_cli_usage_error("请给出一个文件夹");
    }
    if (district && (!*district || strpbrk(district, "\n\r;#"))) {
        return d25_cli_usage_error("--district 的值“%s”不能为空，也不能含换行、“;”或“#”", district);
    }
    const char *dir = argv[optind];
    d25_error err = {0};
    char *probe = NULL, *share = d25_data_dir();
    if (!share || asprintf(&probe, "%s/config/duty25.ini", dir) < 0) {
        free(share);
        return D25_EXIT_IO;
    }
    if (access(probe, F_OK) == 0) {
        fprintf(stderr, "duty25 init：%s 已有配置文件 %s，未作任何改动\n", dir, probe);
        free(probe);
        free(share);
        return D25_EXIT_USAGE;
    }
    free(probe);
    int rc = 0;
    static const char *const subdirs[] = {"config", "templates", "inbox", "out", "data"};
    for (size_t i = 0; rc == 0 && i < sizeof subdirs / sizeof subdirs[0]; i++) {
        char *p = NULL;
        if (asprintf(&p, "%s/%s", dir, subdirs[i]) < 0 || d25_mkdirs(p, &err) < 0)
            rc = -1;
        free(p);
    }
    static const char *const config_files[] = {"rules-education.ini", "units.csv", "duty25.ini"};
    for (size_t i = 0; rc == 0 && i < sizeof config_files / sizeof config_files[0]; i++) {
        char *from = NULL, *to = NULL;
        if (asprintf(&from, "%s/config/%s", share, config_files[i]) < 0 ||
            asprintf(&to, "%s/config/%s", dir, config_files[i]) < 0)
            rc = d25_fail(&err, D25_E_NOMEM, "内存不足");
        else
            rc = copy_to(from, to, strcmp(config_files[i], "duty25.ini") == 0 ? district : NULL, &err);
        free(from);
        free(to);
    }
    char *tdir = NULL;
    DIR *d = NULL;
    if (rc == 0 && (asprintf(&tdir, "%s/templates", share) < 0 || !(d = opendir(tdir))))
        rc = d25_fail(&err, D25_E_IO, "找不到模板文件夹 %s/templates：duty25 的安装可能不完整", share);
    for (struct dirent *e; rc == 0 && d && (e = readdir(d));) {
        size_t l = strlen(e->d_name);
        if (e->d_name[0] == '.' || !((l > 5 && strcmp(e->d_name + l - 5, ".docx") == 0) || strcmp(e->d_name, "README.md") == 0))
            continue;
        char *from = NULL, *to = NULL;
        if (asprintf(&from, "%s/%s", tdir, e->d_name) < 0 || asprintf(&to, "%s/templates/%s", dir, e->d_name) < 0)
            rc = d25_fail(&err, D25_E_NOMEM, "内存不足");
        else
            rc = copy_to(from, to, NULL, &err);
        free(from);
        free(to);
    }
    if (d)
        closedir(d);
    free(tdir);
    free(share);
    if (rc) {
        fprintf(stderr, "duty25 init：%s\n", err.message);
        return D25_EXIT_IO;
    }
    printf("已建好工作文件夹 %s：\n"
           "  config/duty25.ini    配置（每项设置都有说明，请先核对区名、截止日和各阶段日期）\n"
           "  config/units.csv     单位名册样例：请换成本区的单位。可用 Excel/WPS 编辑后直接保存为 .xlsx\n"
           "                       （并在 duty25.ini 中改为 units = units.xlsx），或另存为 CSV（普通 CSV、\n"
           "                       CSV UTF-8 都能读取）\n"
           "  templates/           报告、统计表、空白表和退回通知的 Word 模板\n"
           "  inbox/  out/  data/  收件箱、输出、数据库和日志\n"
           "\n"
           "下一步：\n"
           "  cd %s\n"
           "  duty25 forms --period YYYY-MM     为各单位写出空白表（在 out/ 中），发给各单位\n"
           "  把收到的报表（或整封邮件 .eml）存入 inbox/，然后运行 duty25 run（可设为每天定时运行）\n"
           "  报表事后才存入时，在 inbox/ 中放一份收件登记（收件登记.csv 或 .xlsx：文件名或单位、\n"
           "  收到时间），按时、逾期才算得准\n",
           dir, dir);
    return D25_EXIT_OK;
}
