/*
 * paths: where duty25 finds what it ships (config/ and templates/) and the
 * machine's configuration file, wherever the binary was installed or moved.
 *
 * The data folder is the first of these that holds config/duty25.ini and
 * templates/统计表.docx, looked for from the running binary
 * (/proc/self/exe), so a copy installed with any PREFIX or DESTDIR, or run
 * from its build folder, finds its own files:
 *   - the binary's folder (files unpacked beside it);
 *   - BIN/../share/duty25 (an installed copy: PREFIX/bin/duty25);
 *   - BIN/.. and BIN/../.. (the source tree: build/duty25, build/asan/duty25);
 * then DATADIR as compiled in (make DATADIR=, default PREFIX/share/duty25).
 *
 * DATADIR and SYSCONFDIR are compiled into paths.c only (the Makefile
 * rebuilds it when PREFIX, DATADIR or SYSCONFDIR change).
 */
#ifndef D25_UTIL_PATHS_H
#define D25_UTIL_PATHS_H

/* The data folder (see above); when none holds the files, DATADIR as
 * compiled in, so that a message can name it.  Malloc'd; NULL only when
 * out of memory. */
char *d25_data_dir(void);

/* SYSCONFDIR/duty25/duty25.ini as compiled in (/etc/duty25/duty25.ini when
 * built with PREFIX=/usr): the machine's configuration, read when neither
 * --config, $DUTY25_CONFIG nor ./config/duty25.ini is there. */
const char *d25_system_config(void);

/* The office's guide (使用说明.md): docs/ of the source tree the binary runs
 * from, else DOCDIR as compiled in (make install puts it there).  Malloc'd;
 * NULL only when out of memory. */
char *d25_guide_path(void);

/* The running binary's real path (/proc/self/exe), malloc'd; NULL when it
 * cannot be read. */
char *d25_self_exe(void);

/* path made tidy for a person to read: "." and empty components dropped,
 * "dir/../" folded (textually, as a shell user reads it), no trailing
 * slash.  absolute: relative to the current folder made absolute first.
 * Malloc'd; NULL when out of memory. */
char *d25_path_clean(const char *path, int absolute);

/* The working folder's configuration: config/duty25.ini in the current
 * folder or the nearest folder above it that has one (as git finds .git).
 * Malloc'd path, or NULL when there is none. */
char *d25_find_config_upward(void);

#endif
