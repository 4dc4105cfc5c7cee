/* paths: the data folder and the system configuration file (see paths.h). */
#include "paths.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef D25_SYSCONFDIR
#define D25_SYSCONFDIR "/usr/local/etc"
#endif
#ifndef D25_DOCDIR
#define D25_DOCDIR "/usr/local/share/doc/duty25"
#endif
#ifndef D25_DATADIR
#define D25_DATADIR "/usr/local/share/duty25"
#endif

/* Does dir hold config/duty25.ini and templates/统计表.docx? */
static bool is_share(const char *dir)
{
    char a[PATH_MAX], b[PATH_MAX];
    int na = snprintf(a, sizeof a, "%s/config/duty25.ini", dir);
    int nb = snprintf(b, sizeof b, "%s/templates/统计表.docx", dir);
    return na > 0 && (size_t)na < sizeof a && nb > 0 && (size_t)nb < sizeof b && access(a, R_OK) == 0 &&
           access(b, R_OK) == 0;
}

/* Cut the last component of dir ("/usr/bin" -> "/usr"); false at the top. */
static bool up(char *dir)
{
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return false;
    *slash = 0;
    return true;
}

char *d25_data_dir(void)
{
    char dir[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 1);
    if (n > 0) {
        dir[n] = 0;
        if (up(dir)) { /* the binary's folder */
            if (is_share(dir))
                return strdup(dir);
            if (up(dir)) { /* PREFIX, or the source tree above build/ */
                char share[PATH_MAX];
                int ns = snprintf(share, sizeof share, "%s/share/duty25", dir);
                if (ns > 0 && (size_t)ns < sizeof share && is_share(share))
                    return strdup(share);
                if (is_share(dir))
                    return strdup(dir);
                if (up(dir) && is_share(dir)) /* above build/asan/ */
                    return strdup(dir);
            }
        }
    }
    return strdup(D25_DATADIR);
}

const char *d25_system_config(void)
{
    return D25_SYSCONFDIR "/duty25/duty25.ini";
}

char *d25_self_exe(void)
{
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0)
        return NULL;
    buf[n] = 0;
    return strdup(buf);
}

char *d25_path_clean(const char *path, int absolute)
{
    char *full = NULL;
    if (absolute && path[0] != '/') {
        char *cwd = getcwd(NULL, 0);
        if (cwd) {
            size_t n = strlen(cwd) + strlen(path) + 2;
            full = malloc(n);
            if (full)
                snprintf(full, n, "%s/%s", cwd, path);
            free(cwd);
            if (!full)
                return NULL;
        }
    }
    const char *src = full ? full : path;
    size_t len = strlen(src);
    char *out = malloc(len + 2);
    if (!out) {
        free(full);
        return NULL;
    }
    bool abs = src[0] == '/';
    size_t o = 0;
    /* components kept so far; leading ".." of a relative path are kept */
    size_t keep_floor = 0;
    if (abs)
        out[o++] = '/';
    keep_floor = o;
    const char *p = src;
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 1 && p[0] == '.') {
            /* skip */
        } else if (n == 2 && p[0] == '.' && p[1] == '.' && o > keep_floor) {
            /* drop the last component */
            while (o > keep_floor && out[o - 1] != '/')
                o--;
            if (o > keep_floor)
                o--; /* its slash */
        } else if (n == 2 && p[0] == '.' && p[1] == '.' && abs) {
            /* "/.." is "/" */
        } else {
            if (o > 0 && out[o - 1] != '/')
                out[o++] = '/';
            memcpy(out + o, p, n);
            o += n;
            if (n == 2 && p[0] == '.' && p[1] == '.')
                keep_floor = o; /* a leading ".." stays */
        }
        p += n;
    }
    if (o == 0)
        out[o++] = '.';
    out[o] = 0;
    free(full);
    return out;
}

char *d25_find_config_upward(void)
{
    char *dir = getcwd(NULL, 0);
    if (!dir)
        return NULL;
    for (;;) {
        size_t n = strlen(dir) + sizeof "/config/duty25.ini";
        char *p = malloc(n);
        if (!p)
            break;
        snprintf(p, n, "%s/config/duty25.ini", strcmp(dir, "/") == 0 ? "" : dir);
        if (access(p, F_OK) == 0) {
            free(dir);
            return p;
        }
        free(p);
        if (!up(dir))
            break;
    }
    free(dir);
    return NULL;
}

char *d25_guide_path(void)
{
    char *share = d25_data_dir();
    if (!share)
        return NULL;
    char *p = NULL;
    if (asprintf(&p, "%s/docs/使用说明.md", share) < 0)
        p = NULL;
    free(share);
    if (p && access(p, R_OK) == 0)
        return p;
    free(p);
    return strdup(D25_DOCDIR "/使用说明.md");
}
