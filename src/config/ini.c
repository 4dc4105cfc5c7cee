/* ini: iniparser helpers (see ini.h). */
#include "ini.h"
#include "../util/syserr.h"
#include "../util/text.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char parse_msg[512];

static int ini_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (!parse_msg[0])
        vsnprintf(parse_msg, sizeof parse_msg, fmt, ap);
    va_end(ap);
    return 0;
}

dictionary *d25_ini_load(const char *path, const char *what, d25_error *err)
{
    parse_msg[0] = '\0';
    iniparser_set_error_callback(ini_error);
    dictionary *d = iniparser_load(path);
    iniparser_set_error_callback(NULL);
    if (!d) {
        d25_fail(err, D25_E_CONFIG, "%s %s 无法读取：%s", what, path, parse_msg[0] ? parse_msg : d25_strerror(errno));
        return NULL;
    }
    if (parse_msg[0]) {
        size_t n = strlen(parse_msg);
        while (n && (parse_msg[n - 1] == '\n' || parse_msg[n - 1] == ' '))
            parse_msg[--n] = '\0';
        d25_fail(err, D25_E_CONFIG, "%s %s 有语法错误：%s", what, path, parse_msg);
        iniparser_freedict(d);
        return NULL;
    }
    return d;
}

int d25_ini_line(const char *path, const char *section, const char *key)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char line[4096];
    int n = 0, found = 0;
    bool in_sec = false;
    size_t sl = strlen(section);
    while (fgets(line, sizeof line, f)) {
        n++;
        char *p = line;
        while (isspace((unsigned char)*p))
            p++;
        if (*p == '[') {
            char *e = strchr(p, ']');
            in_sec = e && (size_t)(e - p - 1) == sl && strncasecmp(p + 1, section, sl) == 0;
            if (in_sec && !key) {
                found = n;
                break;
            }
            continue;
        }
        if (in_sec && key && strncasecmp(p, key, strlen(key)) == 0) {
            char *q = p + strlen(key);
            while (*q == ' ' || *q == '\t')
                q++;
            if (*q == '=' || *q == ':') {
                found = n;
                break;
            }
        }
    }
    fclose(f);
    return found;
}

const char **d25_ini_keys(dictionary *d, const char *section, int *n)
{
    *n = iniparser_getsecnkeys(d, section);
    if (*n <= 0) {
        *n = 0;
        return calloc(1, sizeof(char *));
    }
    const char **keys = calloc((size_t)*n, sizeof *keys);
    if (!keys)
        return NULL;
    iniparser_getseckeys(d, section, keys);
    for (int i = 0; i < *n; i++) {
        const char *c = strchr(keys[i], ':');
        if (c)
            keys[i] = c + 1;
    }
    return keys;
}

int d25_ini_unknown_key(dictionary *d, const char *sec, const char *const *allowed, char *out, size_t n)
{
    int nk;
    const char **keys = d25_ini_keys(d, sec, &nk);
    if (!keys)
        return -1;
    int found = 0;
    for (int i = 0; i < nk && !found; i++) {
        bool ok = false;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcasecmp(keys[i], *a) == 0;
        if (!ok) {
            d25_copy(out, n, keys[i]);
            found = 1;
        }
    }
    free(keys);
    return found;
}
