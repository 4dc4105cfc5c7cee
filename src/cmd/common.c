/* common: helpers shared by the commands (see commands.h). */
#include "commands.h"

#include <stdio.h>

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
