/*
 * commands: the subcommands of duty25.  Each cmd_<name>() lives in
 * src/cmd/<name>.c, owns its usage text and options, and returns the
 * process exit code.  main.c holds the table that maps names to them.
 */
#ifndef D25_CMD_COMMANDS_H
#define D25_CMD_COMMANDS_H

#include <stdbool.h>

#include "../config/config.h"
#include "../registry/units.h"
#include "../rules/rules.h"

/* Exit codes shared by all commands (documented in README). */
enum { D25_EXIT_OK = 0, D25_EXIT_REJECTED = 1, D25_EXIT_USAGE = 2, D25_EXIT_IO = 3, D25_EXIT_LOCKED = 4 };

typedef struct {
    const char *config_path; /* --config, or NULL */
} d25_global;

int cmd_dump(int argc, char **argv, const d25_global *g);
int cmd_validate(int argc, char **argv, const d25_global *g);
int cmd_ingest(int argc, char **argv, const d25_global *g);
int cmd_status(int argc, char **argv, const d25_global *g);
int cmd_report(int argc, char **argv, const d25_global *g);

/* Load the configuration or print the error; returns 0 or D25_EXIT_USAGE. */
int d25_cmd_load_config(const d25_global *g, d25_config *cfg);

/* The configuration, the rule set and the registry most commands need
 * (rules_path / units_path: command-line overrides or NULL).  Returns 0, or
 * D25_EXIT_USAGE after printing the error (nothing left to free).
 * d25_cmd_teardown() releases what it holds. */
typedef struct {
    d25_config cfg;
    d25_rules *rules;
    d25_registry *reg;
} d25_setup;
int d25_cmd_setup(const d25_global *g, const char *rules_path, const char *units_path, d25_setup *out);
void d25_cmd_teardown(d25_setup *s);

/* --period's value (NULL when not given) into *out: -1, or the current
 * month when default_now.  Returns 0, or D25_EXIT_USAGE after printing
 * what is wrong. */
int d25_cmd_period(const char *cmd, const char *arg, bool default_now, int *out);

/* A database that must exist already (for the commands that only read):
 * NULL with err set, saying to run ingest first when there is none. */
struct d25_store *d25_cmd_open_existing(const char *db, d25_error *err);

#endif
