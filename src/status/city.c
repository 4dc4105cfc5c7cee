/* status/city: a city's (province's) status from its districts' (see city.h). */
#include "city.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../forms/forms.h"
#include "../validate/validate.h"

void d25_status_city_free(d25_status_city_ctx *c)
{
    for (size_t i = 0; i < c->nregs; i++)
        d25_registry_free(c->regs[i]);
    free(c->regs);
    for (size_t i = 0; i < c->nknown; i++)
        free(c->known[i]);
    free(c->known);
    for (size_t i = 0; i < c->nmembers; i++)
        free(c->members[i]);
    free(c->members);
    memset(c, 0, sizeof *c);
}

/* The members below a province: the cities of its districts' paths
 * ("CITY/DISTRICT"), in the order first merged (each once, into out). */
static int path_cities(char **paths, size_t n, char ***out, size_t *nout, d25_error *err)
{
    *out = NULL;
    *nout = 0;
    for (size_t i = 0; i < n; i++) {
        const char *slash = strchr(paths[i], '/');
        size_t len = slash ? (size_t)(slash - paths[i]) : strlen(paths[i]);
        size_t k = 0;
        while (k < *nout && !(strlen((*out)[k]) == len && strncmp((*out)[k], paths[i], len) == 0))
            k++;
        if (k < *nout)
            continue;
        char **v = realloc(*out, (*nout + 1) * sizeof *v);
        if (!v)
            return d25_fail(err, D25_E_NOMEM, "内存不足");
        *out = v;
        if (!(v[*nout] = strndup(paths[i], len)))
            return d25_fail(err, D25_E_NOMEM, "内存不足");
        (*nout)++;
    }
    return 0;
}

bool d25_status_district_deadline(const d25_config *cfg, int period, char *out, size_t n)
{
    if (n)
        out[0] = '\0';
    if (cfg->district_deadline_day <= 0)
        return false;
    char p[16];
    d25_format_period(period, p, sizeof p);
    snprintf(out, n, "%.7s-%02d", p, d25_deadline_of(period, cfg->district_deadline_day));
    return true;
}

int d25_status_district_late(d25_store *s, const d25_config *cfg, const char *district, int period)
{
    char day[16];
    if (!d25_status_district_deadline(cfg, period, day, sizeof day))
        return 0;
    char p[16], due[32], sent[32];
    d25_format_period(period, p, sizeof p);
    snprintf(due, sizeof due, "%s 23:59:59", day);
    int got = d25_store_district_sent(s, district, p, sent, sizeof sent);
    if (got < 0)
        return -1;
    return got == 1 && strcmp(sent, due) > 0;
}

int d25_status_city(d25_store *s, const d25_config *cfg, int deadline, int period, d25_status_city_ctx *c,
                    d25_status_report *city, d25_error *err)
{
    bool province = cfg->level == D25_LEVEL_PROVINCE;
    const char *const *list = (const char *const *)cfg->districts;
    size_t n = cfg->ndistricts;
    memset(city, 0, sizeof *city);
    city->of_cities = province;
    if (d25_store_districts(s, &c->known, &c->nknown, err) < 0)
        return -1;
    if (!n && province) {
        if (path_cities(c->known, c->nknown, &c->members, &c->nmembers, err) < 0)
            return -1;
        list = (const char *const *)c->members;
        n = c->nmembers;
    } else if (!n) {
        list = (const char *const *)c->known;
        n = c->nknown;
    }
    char p[16];
    d25_format_period(period, p, sizeof p);
    if (!(c->regs = calloc(c->nknown + n + 1, sizeof *c->regs)))
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        bool merged = d25_store_district_merged(s, list[i], p) == 1;
        size_t len = strlen(list[i]), added = 0;
        for (size_t k = 0; k < (province ? c->nknown : 1) && rc == 0; k++) {
            const char *path = province ? c->known[k] : list[i];
            if (province && !(strncmp(path, list[i], len) == 0 && path[len] == '/'))
                continue;
            d25_status_report part;
            size_t r = c->nregs++;
            rc = d25_store_district_units(s, path, &c->regs[r], err);
            if (rc == 0)
                rc = d25_status_build_in(s, c->regs[r], path, period, deadline, cfg->same_time_min, &part, err);
            if (rc == 0)
                rc = d25_status_add_district(city, &part, path, province || merged, err);
            added++;
        }
        /* A city of which nothing is merged, or whose month is not. */
        if (rc == 0 && province && (!added || !merged))
            rc = d25_status_city_missing(city, list[i], err);
    }
    if (rc == 0 && city->nunits == 0 && city->ndistricts == 0) { /* nothing merged yet: the month's frame, all zero */
        d25_status_report frame;
        size_t r = c->nregs++;
        if (!(c->regs[r] = d25_registry_adopt(d25_store_path(s), NULL, 0, err))) {
            d25_status_report_free(city);
            return -1;
        }
        rc = d25_status_build_in(s, c->regs[r], "", period, deadline, cfg->same_time_min, &frame, err);
        if (rc == 0) {
            /* keep what the members gave (a province's missing cities) */
            frame.by_city = city->by_city, frame.ncities = city->ncities, frame.city_cap = city->city_cap;
            frame.districts_missing = city->districts_missing, frame.nmissing = city->nmissing;
            frame.of_cities = province;
            city->by_city = NULL, city->districts_missing = NULL, city->ncities = city->nmissing = 0;
            d25_status_report_free(city);
            *city = frame;
        }
    }
    /* Members whose package came late: first sent (exported) after the
     * city's own deadline, [organisation] deadline_day of the month. */
    if (rc == 0 && d25_status_district_deadline(cfg, period, city->district_deadline, sizeof city->district_deadline)) {
        for (size_t i = 0; i < n && rc == 0; i++) {
            int late = d25_status_district_late(s, cfg, list[i], period);
            if (late < 0) {
                rc = d25_fail(err, D25_E_DB, "读取数据包记录失败");
                break;
            }
            if (!late)
                continue;
            char *d = strdup(list[i]);
            char **v = d ? realloc(city->districts_late, (city->nlate + 1) * sizeof *v) : NULL;
            if (!v) {
                free(d);
                rc = d25_fail(err, D25_E_NOMEM, "内存不足");
                break;
            }
            city->districts_late = v;
            v[city->nlate++] = d;
        }
    }
    if (rc < 0)
        d25_status_report_free(city);
    return rc;
}
