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

/* Our own reading of the file's syntax, before iniparser (which only prints
 * English): 0 when every line is blank, a comment, a [section] or
 * "key = value"; else -1 with err naming the line and what to write. */
static int check_syntax(const char *path, const char *what, d25_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return d25_fail(err, D25_E_CONFIG, "%s %s 无法打开：%s", what, path, d25_strerror(errno));
    char line[4096];
    int n = 0, rc = 0;
    bool continued = false;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        n++;
        size_t len = strlen(line);
        while (len && isspace((unsigned char)line[len - 1]))
            line[--len] = '\0';
        char *p = line;
        if (n == 1 && strncmp(p, "\xEF\xBB\xBF", 3) == 0) {
            rc = d25_fail(err, D25_E_CONFIG,
                          "%s %s 第 1 行：文件开头有 BOM 标记（记事本“UTF-8 带 BOM”保存的）。请另存为“UTF-8”（不带 BOM）", what,
                          path);
            break;
        }
        while (isspace((unsigned char)*p))
            p++;
        bool was_continued = continued;
        continued = len && line[len - 1] == '\\';
        if (was_continued || !*p || *p == ';' || *p == '#')
            continue;
        if (*p == '[') {
            size_t pl = strlen(p);
            if (p[pl - 1] != ']' || pl < 3)
                rc = d25_fail(err, D25_E_CONFIG, "%s %s 第 %d 行“%s”：节名应写作 [名称]，%s", what, path, n, p,
                              p[pl - 1] != ']' ? "缺少右方括号“]”" : "方括号中没有名称");
            continue;
        }
        char *eq = strchr(p, '=');
        if (!eq)
            rc = d25_fail(err, D25_E_CONFIG, "%s %s 第 %d 行“%s”：应写作“设置项 = 值”（注释行以 ; 或 # 开头）", what, path, n, p);
        else if (eq == p)
            rc = d25_fail(err, D25_E_CONFIG, "%s %s 第 %d 行“%s”：等号前缺少设置项的名称", what, path, n, p);
    }
    fclose(f);
    return rc;
}

dictionary *d25_ini_load(const char *path, const char *what, d25_error *err)
{
    if (check_syntax(path, what, err) < 0)
        return NULL;
    parse_msg[0] = '\0';
    iniparser_set_error_callback(ini_error);
    dictionary *d = iniparser_load(path);
    iniparser_set_error_callback(NULL);
    if (!d) {
        d25_fail(err, D25_E_CONFIG, "%s %s 无法读取：%s", what, path, d25_strerror(errno ? errno : EIO));
        return NULL;
    }
    if (parse_msg[0]) {
        /* what our check let through: iniparser's "syntax error in F (N):" */
        int line = 0;
        const char *lp = strrchr(parse_msg, '(');
        if (lp)
            line = atoi(lp + 1);
        if (line > 0)
            d25_fail(err, D25_E_CONFIG, "%s %s 第 %d 行有语法错误：应写作“设置项 = 值”或“[节名]”", what, path, line);
        else
            d25_fail(err, D25_E_CONFIG, "%s %s 有语法错误，无法读取", what, path);
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
