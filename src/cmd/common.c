/* common: helpers shared by the commands (see commands.h). */
#include "commands.h"

#include <stdio.h>
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
