/* config: INI settings via iniparser (see config.h). */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <iniparser/iniparser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#ifndef D25_SYSCONFDIR
#define D25_SYSCONFDIR "/usr/local/etc"
#endif

void d25_config_defaults(d25_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    d25_limits_default(&cfg->limits);
}

void d25_config_free(d25_config *cfg)
{
    free(cfg->path);
    cfg->path = NULL;
}

int d25_parse_size(const char *s, size_t *out)
{
    while (isspace((unsigned char)*s))
        s++;
    if (!isdigit((unsigned char)*s))
        return 0;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno)
        return 0;
    unsigned long long mul = 1;
    switch (toupper((unsigned char)*end)) {
    case 'K': mul = 1ull << 10; end++; break;
    case 'M': mul = 1ull << 20; end++; break;
    case 'G': mul = 1ull << 30; end++; break;
    default: break;
    }
    if (toupper((unsigned char)*end) == 'B')
        end++;
    while (isspace((unsigned char)*end))
        end++;
    if (*end || v == 0 || v > SIZE_MAX / mul)
        return 0;
    *out = (size_t)(v * mul);
    return 1;
}

/* Line number of key in section (1-based), 0 if not found: for messages. */
static int line_of(const char *path, const char *section, const char *key)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char line[1024];
    int n = 0, found = 0;
    bool in_sec = false;
    while (fgets(line, sizeof line, f)) {
        n++;
        char *p = line;
        while (isspace((unsigned char)*p))
            p++;
        if (*p == '[') {
            char *e = strchr(p, ']');
            in_sec = e && (size_t)(e - p - 1) == strlen(section) && strncasecmp(p + 1, section, strlen(section)) == 0;
            continue;
        }
        if (in_sec && strncasecmp(p, key, strlen(key)) == 0) {
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

static char parse_msg[512];

static int ini_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(parse_msg, sizeof parse_msg, fmt, ap);
    va_end(ap);
    return 0;
}

static const struct {
    const char *key;
    size_t offset;
} reader_keys[] = {
    {"max_file_bytes", offsetof(d25_limits, max_file_bytes)},
    {"max_entries", offsetof(d25_limits, max_entries)},
    {"max_part_bytes", offsetof(d25_limits, max_part_bytes)},
    {"max_total_bytes", offsetof(d25_limits, max_total_bytes)},
    {"max_ratio", offsetof(d25_limits, max_ratio)},
    {"ratio_min_bytes", offsetof(d25_limits, ratio_min_bytes)},
    {"max_text_bytes", offsetof(d25_limits, max_text_bytes)},
    {"max_cells", offsetof(d25_limits, max_cells)},
    {"max_xml_depth", offsetof(d25_limits, max_xml_depth)},
};

static int load_file(d25_config *cfg, const char *path, d25_error *err)
{
    parse_msg[0] = '\0';
    iniparser_set_error_callback(ini_error);
    dictionary *d = iniparser_load(path);
    iniparser_set_error_callback(NULL);
    if (!d)
        return d25_fail(err, D25_E_CONFIG, "配置文件 %s 无法读取：%s", path,
                        parse_msg[0] ? parse_msg : strerror(errno));
    if (parse_msg[0]) {
        iniparser_freedict(d);
        return d25_fail(err, D25_E_CONFIG, "配置文件 %s 有语法错误：%s", path, parse_msg);
    }
    /* Unknown keys in [reader] are errors: a typo must not silently fall back. */
    int nk = iniparser_getsecnkeys(d, "reader");
    if (nk > 0) {
        const char **keys = calloc((size_t)nk, sizeof *keys);
        if (!keys) {
            iniparser_freedict(d);
            return d25_fail(err, D25_E_NOMEM, "内存不足");
        }
        iniparser_getseckeys(d, "reader", keys);
        for (int i = 0; i < nk; i++) {
            const char *k = strchr(keys[i], ':') ? strchr(keys[i], ':') + 1 : keys[i];
            size_t j;
            for (j = 0; j < sizeof reader_keys / sizeof reader_keys[0]; j++)
                if (strcasecmp(k, reader_keys[j].key) == 0)
                    break;
            if (j == sizeof reader_keys / sizeof reader_keys[0]) {
                d25_fail(err, D25_E_CONFIG, "配置文件 %s 第 %d 行：[reader] 中没有设置项“%s”", path,
                         line_of(path, "reader", k), k);
                free(keys);
                iniparser_freedict(d);
                return -1;
            }
        }
        free(keys);
    }
    for (size_t j = 0; j < sizeof reader_keys / sizeof reader_keys[0]; j++) {
        char full[64];
        snprintf(full, sizeof full, "reader:%s", reader_keys[j].key);
        const char *v = iniparser_getstring(d, full, NULL);
        if (!v)
            continue;
        size_t n;
        if (!d25_parse_size(v, &n)) {
            d25_fail(err, D25_E_CONFIG, "配置文件 %s 第 %d 行：[reader] %s 的值“%s”无效，应为正整数（可带 K/M/G 单位）",
                     path, line_of(path, "reader", reader_keys[j].key), reader_keys[j].key, v);
            iniparser_freedict(d);
            return -1;
        }
        *(size_t *)((char *)&cfg->limits + reader_keys[j].offset) = n;
    }
    iniparser_freedict(d);
    cfg->path = strdup(path);
    return cfg->path ? 0 : d25_fail(err, D25_E_NOMEM, "内存不足");
}

int d25_config_load(d25_config *cfg, const char *explicit_path, d25_error *err)
{
    if (explicit_path)
        return load_file(cfg, explicit_path, err);
    const char *env = getenv("DUTY25_CONFIG");
    if (env && *env)
        return load_file(cfg, env, err);
    if (access("config/duty25.ini", R_OK) == 0)
        return load_file(cfg, "config/duty25.ini", err);
    const char *sys = D25_SYSCONFDIR "/duty25/duty25.ini";
    if (access(sys, R_OK) == 0)
        return load_file(cfg, sys, err);
    return 0;
}
