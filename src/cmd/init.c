/*
 * init: creates a working folder for an office: the configuration (every
 * setting commented), the rule set, the sample unit registry to replace,
 * the default templates, and the empty inbox, output and data folders.
 * The files come from the data folder d25_data_dir() finds (util/paths.h):
 * config/ and templates/ for the default edition; with --edition NAME,
 * config/editions/NAME/ (its duty25.ini and units.csv; the rule set its
 * duty25.ini names, from config/) and templates/editions/NAME/.  After
 * copying, the templates are checked against the rule set's progress
 * fields (report/tcheck.h), so a template that names a field the rule set
 * lacks is told now, not in the middle of a month's run.
 */
#include "commands.h"
#include "../util/syserr.h"
#include "cli.h"
#include "../util/file.h"
#include "../util/paths.h"
#include "../config/ini.h"
#include "../report/tcheck.h"
#include "../rules/rules.h"

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
    "  --edition 版本     建哪一个版本的工作文件夹（配置、规则、名册样例和模板），如\n"
    "                     enterprise（企业版）；不写则为默认版本。可用的版本见安装的\n"
    "                     config/editions/ 文件夹\n"
    "  -h, --help         显示本帮助\n"
    "\n"
    "退出码：0 成功；2 用法错误或文件夹已初始化；3 无法写入。\n"
    "\n"
    "示例：\n"
    "  duty25 init --district 示范区 /srv/duty25\n"
    "  duty25 init --edition enterprise /srv/duty25-qy\n"
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
        {"district", required_argument, NULL, 'D'}, {"edition", required_argument, NULL, 'E'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *district = NULL, *edition = NULL;
    d25_optstate os = {0};
    int c;
    while ((c = d25_cmd_getopt(&os, argc, argv, "h", opts, "init", usage)) > 0) {
        switch (c) {
        case 'D': district = optarg; break;
        case 'E': edition = optarg; break;
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
    /* Where the edition's files are: its config folder (duty25.ini,
     * units.csv) and templates folder. */
    char *cfgdir = NULL, *tdir = NULL;
    if (edition && (!*edition || strpbrk(edition, "/.\n"))) {
        free(probe);
        free(share);
        return d25_cli_usage_error("--edition 的值“%s”应为版本名，如 enterprise", edition);
    }
    if ((edition ? asprintf(&cfgdir, "%s/config/editions/%s", share, edition)
                 : asprintf(&cfgdir, "%s/config", share)) < 0 ||
        (edition ? asprintf(&tdir, "%s/templates/editions/%s", share, edition)
                 : asprintf(&tdir, "%s/templates", share)) < 0) {
        free(probe);
        free(share);
        return D25_EXIT_IO;
    }
    if (edition && access(cfgdir, F_OK) != 0) {
        char list[512] = "";
        char *eds = NULL;
        DIR *ed = asprintf(&eds, "%s/config/editions", share) < 0 ? NULL : opendir(eds);
        for (struct dirent *e; ed && (e = readdir(ed));)
            if (e->d_name[0] != '.') {
                size_t l = strlen(list);
                snprintf(list + l, sizeof list - l, "%s%s", l ? "、" : "", e->d_name);
            }
        if (ed)
            closedir(ed);
        free(eds);
        free(probe);
        free(share);
        free(cfgdir);
        free(tdir);
        return d25_cli_usage_error("没有“%s”这个版本（可用：%s；不写 --edition 为默认版本）", edition,
                                   list[0] ? list : "无");
    }
    if (access(probe, F_OK) == 0) {
        fprintf(stderr, "duty25 init：%s 已有配置文件 %s，未作任何改动\n", dir, probe);
        free(probe);
        free(share);
        free(cfgdir);
        free(tdir);
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
    /* The rule set: the one the edition's duty25.ini names ([campaign]
     * rules), from the shared config folder. */
    char *rules_name = NULL;
    if (rc == 0) {
        char *ini = NULL;
        dictionary *dd = asprintf(&ini, "%s/duty25.ini", cfgdir) < 0 ? NULL : d25_ini_load(ini, "配置文件", &err);
        const char *rn = dd ? iniparser_getstring(dd, "campaign:rules", NULL) : NULL;
        if (dd && (!rn || !*rn || strchr(rn, '/')))
            rc = d25_fail(&err, D25_E_CONFIG, "%s 的 [campaign] rules 应为 config/ 中的规则文件名", ini);
        else if (!dd)
            rc = -1;
        else if (!(rules_name = strdup(rn)))
            rc = d25_fail(&err, D25_E_NOMEM, "内存不足");
        if (dd)
            iniparser_freedict(dd);
        free(ini);
    }
    const char *config_files[] = {rules_name, "units.csv", "duty25.ini"};
    for (size_t i = 0; rc == 0 && i < sizeof config_files / sizeof config_files[0]; i++) {
        char *from = NULL, *to = NULL;
        const char *src = i == 0 ? NULL : cfgdir; /* the rule set: the shared config folder */
        if ((src ? asprintf(&from, "%s/%s", src, config_files[i])
                 : asprintf(&from, "%s/config/%s", share, config_files[i])) < 0 ||
            asprintf(&to, "%s/config/%s", dir, config_files[i]) < 0)
            rc = d25_fail(&err, D25_E_NOMEM, "内存不足");
        else
            rc = copy_to(from, to, strcmp(config_files[i], "duty25.ini") == 0 ? district : NULL, &err);
        free(from);
        free(to);
    }
    DIR *d = NULL;
    if (rc == 0 && !(d = opendir(tdir)))
        rc = d25_fail(&err, D25_E_IO, "找不到模板文件夹 %s：duty25 的安装可能不完整", tdir);
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
    /* An edition's template folder holds the .docx files; the README is shared. */
    if (rc == 0 && edition) {
        char *from = NULL, *to = NULL;
        if (asprintf(&from, "%s/templates/README.md", share) < 0 || asprintf(&to, "%s/templates/README.md", dir) < 0)
            rc = d25_fail(&err, D25_E_NOMEM, "内存不足");
        else if (access(from, F_OK) == 0)
            rc = copy_to(from, to, NULL, &err);
        free(from);
        free(to);
    }
    free(tdir);
    free(cfgdir);
    free(share);
    if (rc) {
        free(rules_name);
        fprintf(stderr, "duty25 init：%s\n", err.message);
        return D25_EXIT_IO;
    }
    /* The templates against the rule set: a field it lacks is said now. */
    char *rp = NULL, *tp = NULL;
    if (asprintf(&rp, "%s/config/%s", dir, rules_name) >= 0 && asprintf(&tp, "%s/templates", dir) >= 0) {
        d25_rules *r = d25_rules_load(rp, &err);
        if (!r || d25_templates_check(tp, r, &err) < 0)
            fprintf(stderr, "duty25 init：注意：%s\n", err.message);
        d25_rules_free(r);
    }
    free(rp);
    free(tp);
    free(rules_name);
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
