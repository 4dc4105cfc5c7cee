/* common: helpers shared by the commands (see commands.h). */
#include "commands.h"
#include "../store/store.h"
#include "../validate/validate.h"

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
    d25_rules_free(s->rules);
    d25_config_free(&s->cfg);
    s->reg = NULL;
    s->rules = NULL;
}

int d25_cmd_period(const char *cmd, const char *arg, bool default_now, int *out)
{
    if (arg) {
        if ((*out = d25_parse_period_arg(arg)) < 0) {
            fprintf(stderr, "duty25 %s：--period 应写作 YYYY-MM（如 2026-11），不是“%s”\n", cmd, arg);
            return D25_EXIT_USAGE;
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
        d25_fail(err, D25_E_DB, "还没有数据库 %s：请先用 duty25 ingest 收取报表（或用 --db 指定数据库）", db);
        return NULL;
    }
    return d25_store_open(db, -1, err);
}
