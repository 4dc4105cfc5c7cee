/* common: helpers shared by the commands (see commands.h). */
#include "commands.h"
#include "cli.h"
#include "../util/fold.h"
#include "../util/paths.h"
#include "../util/suggest.h"
#include "../util/syserr.h"
#include "../store/store.h"
#include "../validate/validate.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <string.h>

int d25_cmd_load_config(const d25_global *g, d25_config *cfg)
{
    d25_error err = {0};
    d25_config_defaults(cfg);
    if (d25_config_load(cfg, g->config_path, &err) < 0) {
        fprintf(stderr, "duty25：%s\n", err.message);
        d25_config_free(cfg);
        return D25_EXIT_USAGE;
    }
    return 0;
}

int d25_cmd_setup(const d25_global *g, const char *rules_path, const char *units_path, d25_setup *out)
{
    memset(out, 0, sizeof *out);
    int rc = d25_cmd_load_config(g, &out->cfg);
    if (rc)
        return rc;
    d25_error err = {0};
    out->rules = d25_rules_load(rules_path ? rules_path : out->cfg.rules_path, &err);
    if (out->rules) {
        d25_unit_types_use(out->rules->type_keys, out->rules->type_labels, out->rules->ntypes);
        d25_unit_flags_use(out->rules->flag_keys, out->rules->flag_labels, out->rules->nflags);
    }
    /* A city or province needs no registry of its own: its units come from
     * its districts' packages (the store).  One named is still read. */
    if (out->rules && !units_path && out->cfg.level != D25_LEVEL_DISTRICT && access(out->cfg.units_path, F_OK) != 0)
        out->reg = d25_registry_adopt("（各区县数据包中的单位名册）", NULL, 0, &err);
    else
        out->reg = out->rules ? d25_registry_load(units_path ? units_path : out->cfg.units_path, &err) : NULL;
    if (!out->rules || !out->reg) {
        fprintf(stderr, "duty25：%s\n", err.message);
        d25_cmd_teardown(out);
        return D25_EXIT_USAGE;
    }
    return 0;
}

void d25_cmd_teardown(d25_setup *s)
{
    d25_registry_free(s->reg);
    if (s->rules) {
        d25_unit_types_use(NULL, NULL, 0);
        d25_unit_flags_use(NULL, NULL, 0);
    }
    d25_rules_free(s->rules);
    d25_config_free(&s->cfg);
    s->reg = NULL;
    s->rules = NULL;
}

int d25_cmd_period(const char *cmd, const char *arg, bool default_now, int *out)
{
    if (arg) {
        if ((*out = d25_parse_period_arg(arg)) < 0) {
            (void)cmd; /* the command named is the current one (cli.h) */
            return d25_cli_usage_error("--period 应写作 YYYY-MM（如 2026-11），不是“%s”", arg);
        }
        return 0;
    }
    *out = -1;
    if (default_now) {
        time_t now = time(NULL);
        struct tm tm;
        localtime_r(&now, &tm);
        *out = (tm.tm_year + 1900) * 12 + tm.tm_mon;
    }
    return 0;
}

d25_store *d25_cmd_open_existing(const char *db, d25_error *err)
{
    if (access(db, F_OK) != 0) {
        d25_fail(err, D25_E_USAGE, "还没有数据库 %s：请先用 duty25 ingest 收取报表（或用 --db 指定数据库）", db);
        return NULL;
    }
    return d25_store_open(db, -1, err);
}

int d25_cmd_exit_for(const d25_error *err)
{
    switch (err->code) {
    case D25_E_USAGE:
    case D25_E_CONFIG:
    case D25_E_TEMPLATE:
        return D25_EXIT_USAGE;
    case D25_E_LOCKED:
        return D25_EXIT_LOCKED;
    default:
        return D25_EXIT_IO;
    }
}

int d25_cmd_getopt(d25_optstate *st, int argc, char **argv, const char *shortopts, const struct option *opts,
                   const char *cmd, const char *usage)
{
    if (!st->started) {
        st->started = true;
        optind = 1;
        opterr = 0;
    }
    /* ':' first (after a '+'): a missing value is told apart from an
     * unknown option. */
    char spec[32];
    bool plus = shortopts[0] == '+';
    snprintf(spec, sizeof spec, "%s:%s", plus ? "+" : "", shortopts + plus);
    d25_cli_set_current(cmd, opts, shortopts);
    int c = getopt_long(argc, argv, spec, opts, NULL);
    if (c == 'h') {
        d25_cli_usage_line(stdout, cmd, opts, shortopts);
        /* the text's own first line, when it is a usage line, is replaced
         * by the generated one */
        if (strncmp(usage, "用法：", strlen("用法：")) == 0) {
            const char *nl = strchr(usage, '\n');
            usage = nl ? nl + 1 : "";
        }
        d25_cli_print_help_text(stdout, usage);
        st->exit = D25_EXIT_OK;
        return 0;
    }
    if (c == ':') {
        st->exit = d25_cli_usage_error("选项“%s”后面要写一个值", argv[optind - 1]);
        return 0;
    }
    if (c == '?') {
        const char *arg = argv[optind - 1];
        char typed[64] = "";
        if (strncmp(arg, "--", 2) == 0)
            snprintf(typed, sizeof typed, "%.*s", (int)strcspn(arg + 2, "="), arg + 2);
        else if (optopt)
            snprintf(typed, sizeof typed, "%c", optopt);
        const char *names[64];
        size_t n = 0;
        for (const struct option *p = opts; p->name && n < 64; p++)
            names[n++] = p->name;
        const char *near = typed[0] && typed[1] ? d25_suggest(typed, names, n) : NULL;
        if (near)
            st->exit = d25_cli_usage_error("无法识别的选项“%s”。是不是 --%s？", arg, near);
        else
            st->exit = d25_cli_usage_error("无法识别的选项“%s”", arg);
        return 0;
    }
    return c;
}

/* The entry of path's folder nearest to its last component, as "dir/name",
 * or NULL. */
static char *nearest_entry(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return NULL;
    size_t len = strlen(copy);
    bool slash = len > 1 && copy[len - 1] == '/';
    while (len > 1 && copy[len - 1] == '/')
        copy[--len] = 0;
    char *cut = strrchr(copy, '/');
    const char *dir = cut ? (cut == copy ? "/" : copy) : ".";
    const char *base = cut ? cut + 1 : copy;
    if (cut)
        *cut = 0;
    char *found = NULL;
    DIR *d = opendir(dir);
    if (d) {
        const char *names[256];
        char *owned[256];
        size_t n = 0;
        struct dirent *e;
        while ((e = readdir(d)) && n < 256) {
            if (e->d_name[0] == '.')
                continue;
            if (!(owned[n] = strdup(e->d_name)))
                break;
            names[n] = owned[n];
            n++;
        }
        closedir(d);
        const char *near = d25_suggest(base, names, n);
        /* file names are long and alike: only a near miss (a quarter) */
        size_t max = d25_utf8_len(base) / 4 ? d25_utf8_len(base) / 4 : 1;
        if (near && d25_text_distance(base, near, max) > max)
            near = NULL;
        if (near && asprintf(&found, "%s%s%s%s", cut ? dir : "", cut && strcmp(dir, "/") ? "/" : "", near,
                             slash ? "/" : "") < 0)
            found = NULL;
        for (size_t i = 0; i < n; i++)
            free(owned[i]);
    }
    free(copy);
    return found;
}

int d25_cmd_check_paths(char *const *paths, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (stat(paths[i], &st) == 0)
            continue;
        int e = errno;
        char *near = e == ENOENT ? nearest_entry(paths[i]) : NULL;
        if (near)
            d25_cli_usage_error("找不到“%s”（%s）。是不是 %s？", paths[i], d25_strerror(e), near);
        else
            d25_cli_usage_error("找不到“%s”（%s）", paths[i], d25_strerror(e));
        free(near);
        return D25_EXIT_USAGE;
    }
    return 0;
}

int d25_cmd_db_for_writing(const d25_config *cfg, const char *db_arg, const char **out)
{
    if (db_arg) {
        *out = db_arg;
        return 0;
    }
    if (!cfg->path) {
        d25_cli_usage_error("这里不是 duty25 的工作文件夹（当前文件夹及其上级都没有 config/duty25.ini），"
                            "不会在这里新建数据库。请先进入 duty25 init 建的文件夹，或用 --db 指定数据库");
        return D25_EXIT_USAGE;
    }
    *out = cfg->db_path;
    return 0;
}
