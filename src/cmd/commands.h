/*
 * commands: the subcommands of duty25.  Each cmd_<name>() lives in
 * src/cmd/<name>.c, owns its usage text and options, and returns the
 * process exit code.  main.c holds the table that maps names to them.
 */
#ifndef D25_CMD_COMMANDS_H
#define D25_CMD_COMMANDS_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "../config/config.h"
#include "../registry/units.h"
#include "../rules/rules.h"
#include "../ingest/ingest.h"
#include "../status/status.h"
#include "../docxfill/tree.h"

/* Exit codes shared by all commands (documented in README). */
enum { D25_EXIT_OK = 0, D25_EXIT_REJECTED = 1, D25_EXIT_USAGE = 2, D25_EXIT_IO = 3, D25_EXIT_LOCKED = 4 };

typedef struct {
    const char *config_path; /* --config, or NULL */
} d25_global;

int cmd_dump(int argc, char **argv, const d25_global *g);
int cmd_validate(int argc, char **argv, const d25_global *g);
int cmd_ingest(int argc, char **argv, const d25_global *g);
int cmd_status(int argc, char **argv, const d25_global *g);
int cmd_remind(int argc, char **argv, const d25_global *g);
int cmd_report(int argc, char **argv, const d25_global *g);
int cmd_forms(int argc, char **argv, const d25_global *g);
int cmd_run(int argc, char **argv, const d25_global *g);
int cmd_init(int argc, char **argv, const d25_global *g);
int cmd_export(int argc, char **argv, const d25_global *g);
int cmd_merge(int argc, char **argv, const d25_global *g);
int cmd_serve(int argc, char **argv, const d25_global *g);
int cmd_links(int argc, char **argv, const d25_global *g);

/* A command's options, read the same way everywhere: getopt_long over
 * opts and shortopts (a leading "+" stops at the first argument), with
 * -h/--help printing usage and an unknown option, or one missing its value,
 * named on stderr with usage.  Returns the next option, -1 at the end, or 0
 * when the command must return st->exit at once (D25_EXIT_OK after help,
 * D25_EXIT_USAGE after an error).  st starts zeroed. */
struct option;
typedef struct {
    bool started;
    int exit;
} d25_optstate;
int d25_cmd_getopt(d25_optstate *st, int argc, char **argv, const char *shortopts, const struct option *opts,
                   const char *cmd, const char *usage);

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
 * NULL with err set, saying to run ingest first when there is none (a
 * D25_E_USAGE error: a path that does not exist). */
struct d25_store *d25_cmd_open_existing(const char *db, d25_error *err);

/* The exit code for a command that failed with err: usage, configuration
 * and template errors D25_EXIT_USAGE, the lock D25_EXIT_LOCKED, the rest
 * D25_EXIT_IO. */
int d25_cmd_exit_for(const d25_error *err);

/* Every path must exist: else a usage error naming it (and the nearest
 * name in its folder), D25_EXIT_USAGE; 0 when all exist. */
int d25_cmd_check_paths(char *const *paths, size_t n);

/* The database a writing command (ingest, run) opens: --db, else the
 * configuration's, but only inside a working folder (a configuration file
 * was found): else a usage error, D25_EXIT_USAGE.  0 with *out set. */
int d25_cmd_db_for_writing(const d25_config *cfg, const char *db_arg, const char **out);

/* Take returns from paths into the open (writable) store as one run of
 * this kind ("ingest", "run"): sync the registry, ingest, refresh the
 * quality warnings.  cb sees each file.  Returns D25_EXIT_OK, _REJECTED
 * (a return rejected or a file unreadable) or _IO (err set). */
int d25_cmd_ingest_core(struct d25_store *s, const d25_setup *su, const char *kind, char *const *paths, size_t npaths,
                        int want, int threads, void (*cb)(void *, const d25_ingest_item *), void *ud,
                        d25_run_counts *counts, d25_error *err);
/* One line describing a file handled by ingest (新收 / 退回 ...). */
void d25_ingest_print_item(FILE *o, const d25_ingest_item *it);
/* The report, the tables and the workbook of a period into dir (duty25
 * report); each written path is printed unless quiet.  Returns an exit
 * code, err set when not 0. */
int d25_report_write_standard(const d25_config *cfg, const d25_tree *data, const char *dir, bool quiet, d25_error *err);
/* The same from the store: a district's figures of period (status: its
 * status already built, or NULL), the workbook written while they are read
 * (report/workbook.h). */
int d25_report_standard(const d25_config *cfg, d25_store *s, const d25_registry *reg, const d25_rules *rules, int period,
                        const d25_status_report *status, const char *dir, bool quiet, d25_error *err);

#endif
