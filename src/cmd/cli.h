/*
 * cli: the command table and everything a person sees around it: the
 * top-level help, `duty25 help [CMD]`, `duty25 version`, "是不是 …？" for a
 * mistyped command or option, and each command's usage line, generated from
 * the same struct option table getopt parses (so it never leaves one out).
 * A usage error prints one line saying what is wrong, the usage line and a
 * hint to `duty25 help CMD`: never the whole help.
 */
#ifndef D25_CMD_CLI_H
#define D25_CMD_CLI_H

#include <stdio.h>

struct option;

/* Everything after the program's own setup: global options, then the
 * command.  Returns the exit code. */
int d25_cli_main(int argc, char **argv);

/* The usage line(s) of cmd ("用法：duty25 CMD [--opt VALUE]... ARGS"), from
 * opts and shortopts (a letter there that is also an option's val is shown
 * as -x|--name), wrapped to 80 columns. */
void d25_cli_usage_line(FILE *o, const char *cmd, const struct option *opts, const char *shortopts);

/* Remember the command's options for d25_cli_usage_error (d25_cmd_getopt
 * calls it). */
void d25_cli_set_current(const char *cmd, const struct option *opts, const char *shortopts);

/* "duty25 CMD：<message>", the usage line and "详细说明：duty25 help CMD" on
 * stderr; returns D25_EXIT_USAGE. */
int d25_cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A command's help text with "{duty25}" replaced by the running binary's
 * real path (for a crontab line that works under cron's PATH). */
void d25_cli_print_help_text(FILE *o, const char *text);

#endif
