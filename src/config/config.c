/* config: INI settings via iniparser (see config.h). */
#include "config.h"
#include "ini.h"
#include "../util/paths.h"
#include "../util/suggest.h"

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

void d25_config_defaults(d25_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    d25_limits_default(&cfg->limits);
    cfg->received_from = D25_RECEIVED_SEEN;
    cfg->same_time_min = 5;
    cfg->resubmit_days = 5;
    cfg->weak_min_base = 10;
    cfg->tables_detail_max = 500;
    cfg->risk_unrectified_min = 10;
    cfg->trend_months = 6;
    cfg->grade_rate[0] = 90;
    cfg->grade_rate[1] = 80;
    cfg->grade_rectify[0] = 80;
    cfg->grade_rectify[1] = 60;
    cfg->remind_days[0] = 5;
    cfg->remind_days[1] = 2;
    cfg->remind_ndays = 2;
    cfg->lock_wait = 5;
    cfg->counts = D25_COUNTS_CUMULATIVE;
    cfg->outlier_z = 3.5;
    cfg->outlier_min_diff = 10;
    cfg->min_peers = 5;
    cfg->history_months = 4;
    cfg->enforcement.after_stage = -1;
    cfg->serve.max_upload = 20u << 20;
    cfg->serve.max_connections = 64;
    cfg->serve.max_uploads = 8;
}

void d25_config_free(d25_config *cfg)
{
    free(cfg->path);
    free(cfg->district);
    free(cfg->office_contact);
    free(cfg->office_phone);
    free(cfg->rules_path);
    free(cfg->units_path);
    free(cfg->db_path);
    free(cfg->enforcement.key_items);
    for (size_t i = 0; i < 3; i++)
        free(cfg->grade_labels[i]);
    for (size_t i = 0; i < cfg->nmeasures; i++)
        free(cfg->measures[i].action);
    free(cfg->templates_dir);
    free(cfg->out_dir);
    free(cfg->inbox_dir);
    free(cfg->log_path);
    free(cfg->archive_dir);
    free(cfg->feedback_dir);
    free(cfg->remind_dir);
    free(cfg->serve.listen);
    free(cfg->serve.base_url);
    free(cfg->serve.password);
    for (size_t i = 0; i < cfg->ndistricts; i++)
        free(cfg->districts[i]);
    free(cfg->districts);
    for (size_t i = 0; i < D25_DOC_KEYS; i++)
        free(cfg->doc[i]);
    memset(cfg, 0, sizeof *cfg);
}

/* Without a configuration file: ./config/, then the data folder that
 * d25_data_dir() finds (util/paths.h); the database in ./data/. */
static int default_paths(d25_config *cfg, d25_error *err)
{
    if (!cfg->db_path && !(cfg->db_path = strdup("data/duty25.db")))
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    if (!cfg->out_dir && !(cfg->out_dir = strdup("out")))
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    if (!cfg->inbox_dir && !(cfg->inbox_dir = strdup("inbox")))
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    char *share = d25_data_dir();
    if (!share)
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    if (!cfg->templates_dir && (access("templates/统计表.docx", R_OK) == 0
                                    ? !(cfg->templates_dir = strdup("templates"))
                                    : asprintf(&cfg->templates_dir, "%s/templates", share) < 0)) {
        cfg->templates_dir = NULL;
        free(share);
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    }
    static const char *const names[2] = {"rules-education.ini", "units.csv"};
    char **slots[2] = {&cfg->rules_path, &cfg->units_path};
    for (int i = 0; i < 2; i++) {
        if (*slots[i])
            continue;
        char *p = NULL;
        if (asprintf(&p, "config/%s", names[i]) < 0) {
            free(share);
            return d25_fail(err, D25_E_NOMEM, "内存不足");
        }
        if (access(p, R_OK) != 0) {
            free(p);
            if (asprintf(&p, "%s/config/%s", share, names[i]) < 0) {
                free(share);
                return d25_fail(err, D25_E_NOMEM, "内存不足");
            }
        }
        *slots[i] = p;
    }
    free(share);
    return 0;
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

static const char *const campaign_keys[] = {"district", "rules", "units", "deadline_day", "resubmit_days", "level", NULL};
static const char *const organisation_keys[] = {"districts", "contact", "phone", "deadline_day", NULL};
static const char *const store_keys[] = {"database", "received_time", "same_time_min", "lock_wait", NULL};
static const char *const quality_keys[] = {"counts", "outlier_z", "outlier_min_diff", "min_peers", "history_months", NULL};
const char *const d25_stage_names[D25_STAGES_] = {"mobilise", "rectify", "enforce", "consolidate"};
const char *const d25_stage_labels[D25_STAGES_] = {"动员部署", "排查整治", "集中攻坚", "巩固提升"};
static const char *const stage_keys[] = {"mobilise", "rectify", "enforce", "consolidate", NULL};
static const char *const enforcement_keys[] = {"after_stage", "key_items", "not_done_min", "missing", "rejected", NULL};
static const char *const report_keys[] = {"templates", "out", "weak_min_base", "tables_detail_max", "trend_months", "risk_unrectified_min",
                                          "grade_rate", "grade_rectify", "grade_labels", "measure1", "measure2", "measure3",
                                          "measure4", "measure5", "measure6", "measure7", "measure8", "measure9", NULL};
/* Keep in step with D25_DOC_KEYS and config/duty25.ini's comments. */
const char *const d25_doc_keys[D25_DOC_KEYS + 1] = {"issuer_mark", "doc_code", "doc_number_first", "signer", "recipient",
                                                    "signature", "cc", "printer", "note", NULL};
static const char *const run_keys[] = {"inbox", "log", "archive", "feedback", "remind", "remind_days", NULL};
static const char *const serve_keys[] = {"listen", "base_url", "password", "max_upload", "max_connections", "max_uploads", NULL};
static const struct {
    const char *name;
    const char *const *keys; /* NULL: reader_keys */
} sections[] = {
    {"reader", NULL},        {"campaign", campaign_keys},         {"store", store_keys},
    {"quality", quality_keys}, {"stages", stage_keys}, {"enforcement", enforcement_keys},
    {"report", report_keys}, {"run", run_keys}, {"organisation", organisation_keys},
    {"document", d25_doc_keys},
    {"serve", serve_keys},
};

/* Every key must be one duty25 knows: a typo must not silently fall back. */
static int check_known(dictionary *d, const char *path, d25_error *err)
{
    int nsec = iniparser_getnsec(d);
    for (int i = 0; i < nsec; i++) {
        const char *sec = iniparser_getsecname(d, i);
        size_t si = 0;
        while (si < sizeof sections / sizeof sections[0] && strcasecmp(sec, sections[si].name) != 0)
            si++;
        if (si == sizeof sections / sizeof sections[0]) {
            const char *names[sizeof sections / sizeof sections[0]];
            for (size_t k = 0; k < sizeof sections / sizeof sections[0]; k++)
                names[k] = sections[k].name;
            const char *near = d25_suggest(sec, names, sizeof names / sizeof names[0]);
            if (near)
                return d25_fail(err, D25_E_CONFIG, "配置文件 %s 第 %d 行：没有 [%s] 这一节。是不是 [%s]？", path,
                                d25_ini_line(path, sec, NULL), sec, near);
            return d25_fail(err, D25_E_CONFIG,
                            "配置文件 %s 第 %d 行：没有 [%s] 这一节（可用：[reader]、[campaign]、[store]、[quality]、[stages]、[enforcement]、[report]、[run]、[organisation]、[document]、[serve]）", path,
                            d25_ini_line(path, sec, NULL), sec);
        }
        const char *reader_names[sizeof reader_keys / sizeof reader_keys[0] + 1];
        for (size_t r = 0; r < sizeof reader_keys / sizeof reader_keys[0]; r++)
            reader_names[r] = reader_keys[r].key;
        reader_names[sizeof reader_keys / sizeof reader_keys[0]] = NULL;
        char key[128];
        int r = d25_ini_unknown_key(d, sec, sections[si].keys ? sections[si].keys : reader_names, key, sizeof key);
        if (r < 0)
            return d25_fail(err, D25_E_NOMEM, "内存不足");
        if (r) {
            const char *const *known = sections[si].keys ? sections[si].keys : reader_names;
            size_t nk = 0;
            while (known[nk])
                nk++;
            const char *near = d25_suggest(key, (const char *const *)known, nk);
            if (near)
                return d25_fail(err, D25_E_CONFIG, "配置文件 %s 第 %d 行：[%s] 中没有设置项“%s”。是不是 %s？", path,
                                d25_ini_line(path, sec, key), sec, key, near);
            return d25_fail(err, D25_E_CONFIG, "配置文件 %s 第 %d 行：[%s] 中没有设置项“%s”", path,
                            d25_ini_line(path, sec, key), sec, key);
        }
    }
    return 0;
}

/* A number in [lo, hi] (integer when integral), or an error naming the line. */
static int get_number(dictionary *d, const char *path, const char *sec, const char *key, double lo, double hi,
                      bool integral, double *out, d25_error *err)
{
    char full[64];
    snprintf(full, sizeof full, "%s:%s", sec, key);
    const char *v = iniparser_getstring(d, full, NULL);
    if (!v || !*v)
        return 0;
    char *end;
    errno = 0;
    double n = strtod(v, &end);
    while (isspace((unsigned char)*end))
        end++;
    if (errno || end == v || *end || n < lo || n > hi || (integral && n != (double)(long)n))
        return d25_fail(err, D25_E_CONFIG, "配置文件 %s 第 %d 行：[%s] %s 的值“%s”无效，应为 %g 到 %g 之间的%s", path,
                        d25_ini_line(path, sec, key), sec, key, v, lo, hi, integral ? "整数" : "数");
    *out = n;
    return 0;
}

/* [run] remind_days: "5|2|1" (or commas), each 0 to 31. */
static int get_days(dictionary *d, const char *path, d25_config *cfg, d25_error *err)
{
    const char *v = iniparser_getstring(d, "run:remind_days", NULL);
    if (!v)
        return 0;
    cfg->remind_ndays = 0;
    const char *p = v;
    while (*p) {
        while (*p == ' ' || *p == '|' || *p == ',')
            p++;
        if (!*p)
            break;
        char *end;
        errno = 0;
        long n = strtol(p, &end, 10);
        if (errno || end == p || n < 0 || n > 31 || cfg->remind_ndays == sizeof cfg->remind_days / sizeof cfg->remind_days[0])
            return d25_fail(err, D25_E_CONFIG,
                            "配置文件 %s 第 %d 行：[run] remind_days 的值“%s”无效，应为截止日前的天数（0 到 31），"
                            "用 | 隔开，至多 8 个，如 5|2|1",
                            path, d25_ini_line(path, "run", "remind_days"), v);
        cfg->remind_days[cfg->remind_ndays++] = (int)n;
        p = end;
    }
    return 0;
}

/* "YYYY-MM-DD" -> YYYYMMDD, 0 when malformed. */
static int parse_date(const char *s, const char **end)
{
    int y, m, d, n = 0;
    if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || m < 1 || m > 12 || d < 1 || d > 31)
        return 0;
    *end = s + n;
    return y * 10000 + m * 100 + d;
}

/* [stages]: "2026-10-01..2026-11-15". */
static int get_stages(dictionary *d, const char *path, d25_config *cfg, d25_error *err)
{
    for (int i = 0; i < D25_STAGES_; i++) {
        char full[64];
        snprintf(full, sizeof full, "stages:%s", d25_stage_names[i]);
        const char *v = iniparser_getstring(d, full, NULL);
        if (!v || !*v)
            continue;
        const char *e;
        int from = parse_date(v, &e), to = 0;
        while (from && *e == ' ')
            e++;
        if (from && strncmp(e, "..", 2) == 0) {
            e += 2;
            while (*e == ' ')
                e++;
            to = parse_date(e, &e);
        }
        if (!from || !to || *e || to < from)
            return d25_fail(err, D25_E_CONFIG, "配置文件 %s 第 %d 行：[stages] %s 的值“%s”无效，应写作 2026-10-01..2026-11-15",
                            path, d25_ini_line(path, "stages", d25_stage_names[i]), d25_stage_names[i], v);
        cfg->stages[i].from = from;
        cfg->stages[i].to = to;
    }
    return 0;
}

/* One of the words, or an error listing them. */
static int get_choice(dictionary *d, const char *path, const char *sec, const char *key, const char *const *words,
                      int *out, d25_error *err)
{
    char full[64];
    snprintf(full, sizeof full, "%s:%s", sec, key);
    const char *v = iniparser_getstring(d, full, NULL);
    if (!v || !*v)
        return 0;
    for (int i = 0; words[i]; i++)
        if (strcasecmp(v, words[i]) == 0) {
            *out = i;
            return 0;
        }
    return d25_fail(err, D25_E_CONFIG, "配置文件 %s 第 %d 行：[%s] %s 的值“%s”无效，应为 %s 或 %s", path,
                    d25_ini_line(path, sec, key), sec, key, v, words[0], words[1]);
}

/* value relative to the folder of the configuration file, tidied
 * ("config/../out" is "out") for the messages that show it. */
static char *resolve(const char *cfg_path, const char *value)
{
    const char *slash = cfg_path ? strrchr(cfg_path, '/') : NULL;
    if (value[0] == '/' || !slash)
        return d25_path_clean(value, 0);
    char *joined = NULL;
    if (asprintf(&joined, "%.*s/%s", (int)(slash - cfg_path), cfg_path, value) < 0)
        return NULL;
    char *out = d25_path_clean(joined, 0);
    free(joined);
    return out;
}

static int set_path(char **slot, const char *cfg_path, const char *value)
{
    char *v = resolve(cfg_path, value);
    if (!v)
        return -1;
    free(*slot);
    *slot = v;
    return 0;
}

int d25_measure_parse(const char *text, d25_measure *m, char *bad, size_t nbad)
{
    static const struct {
        const char *word;
        d25_measure_kind kind;
        int min; /* -1: takes ">=N"; -2: ">=N" optional, default 1; 0: none */
    } words[] = {{"missing", D25_MC_MISSING, 0},         {"rejected", D25_MC_REJECTED, 0},
                 {"late", D25_MC_LATE, 0},               {"not_done", D25_MC_NOT_DONE, -1},
                 {"key", D25_MC_KEY, 0},                 {"unrectified", D25_MC_UNRECTIFIED, -1},
                 {"repeated", D25_MC_REPEATED, -2},      {"enforcement", D25_MC_ENFORCEMENT, 0}};
    m->ncond = 0;
    for (const char *p = text; *p;) {
        while (*p == ' ' || *p == '\t' || *p == '|')
            p++;
        size_t n = strcspn(p, "|");
        while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        if (!n)
            break;
        size_t w = 0;
        while (w < n && (isalpha((unsigned char)p[w]) || p[w] == '_'))
            w++;
        size_t k = 0;
        while (k < sizeof words / sizeof words[0] && !(strlen(words[k].word) == w && strncmp(words[k].word, p, w) == 0))
            k++;
        long min = 0;
        bool ok = k < sizeof words / sizeof words[0] && m->ncond < D25_MEASURE_CONDS;
        if (ok && w < n) {
            const char *q = p + w;
            while (*q == ' ')
                q++;
            char *end;
            min = q[0] == '>' && q[1] == '=' ? strtol(q + 2, &end, 10) : -1;
            ok = words[k].min != 0 && min >= 1 && min <= 100000 && end <= p + n;
            if (ok)
                for (const char *e = end; e < p + n; e++)
                    ok = ok && (*e == ' ' || *e == '\t');
        } else if (ok) {
            ok = words[k].min != -1;
            min = 1;
        }
        if (!ok) {
            snprintf(bad, nbad, "%.*s", (int)n, p);
            return -1;
        }
        m->cond[m->ncond++] = (d25_measure_cond){words[k].kind, (int)min};
        p += strcspn(p, "|");
    }
    if (!m->ncond) {
        snprintf(bad, nbad, "%s", text);
        return -1;
    }
    return 0;
}

/* [report] measure1..9 ("conditions : action", the colon ASCII or full
 * width); when none is set, the shipped ones. */
static int get_measures(dictionary *d, const char *path, d25_config *cfg, d25_error *err)
{
    static const char *const shipped[] = {
        "missing : 逐一电话催报，督促限期补报",
        "rejected : 督促按退回通知逐项改正后重新报送",
        "not_done>=5|repeated>=3 : 约谈主要负责人，限期整改到位",
        "key|unrectified>=10 : 挂牌督办，整改一项、销号一项",
        "enforcement : 会同有关部门开展联合执法检查，依法依规处理",
    };
    const char *vals[D25_MEASURES_MAX] = {0};
    int lines[D25_MEASURES_MAX] = {0};
    size_t n = 0;
    for (int i = 1; i <= D25_MEASURES_MAX; i++) {
        char key[32];
        snprintf(key, sizeof key, "report:measure%d", i);
        const char *v = iniparser_getstring(d, key, NULL);
        if (v && *v) {
            lines[n] = d25_ini_line(path, "report", key + strlen("report:"));
            vals[n++] = v;
        }
    }
    bool own = n > 0;
    if (!own)
        for (n = 0; n < sizeof shipped / sizeof shipped[0]; n++)
            vals[n] = shipped[n];
    for (size_t i = 0; i < cfg->nmeasures; i++)
        free(cfg->measures[i].action);
    cfg->nmeasures = 0;
    for (size_t i = 0; i < n; i++) {
        const char *v = vals[i];
        const char *colon = strstr(v, "：");
        const char *ascii = strchr(v, ':');
        size_t skip = strlen("：");
        if (!colon || (ascii && ascii < colon)) {
            colon = ascii;
            skip = 1;
        }
        d25_measure *m = &cfg->measures[cfg->nmeasures];
        char bad[128] = "";
        char conds[256];
        const char *action = colon ? colon + skip : "";
        while (*action == ' ')
            action++;
        if (!colon || !*action || (size_t)(colon - v) >= sizeof conds)
            return d25_fail(err, D25_E_CONFIG,
                            "配置文件 %s 第 %d 行：[report] 的措施应写成“条件 : 措施”，如 not_done>=5|repeated : 约谈主要负责人",
                            path, lines[i]);
        snprintf(conds, sizeof conds, "%.*s", (int)(colon - v), v);
        if (d25_measure_parse(conds, m, bad, sizeof bad) < 0)
            return d25_fail(err, D25_E_CONFIG,
                            "配置文件 %s 第 %d 行：[report] 措施的条件“%s”看不懂（可用：missing、rejected、late、not_done>=N、"
                            "key、unrectified>=N、repeated、repeated>=N、enforcement，用 | 隔开）",
                            path, lines[i], bad);
        if (!(m->action = strdup(action)))
            return d25_fail(err, D25_E_NOMEM, "内存不足");
        cfg->nmeasures++;
    }
    return 0;
}

/* "90|80": two whole numbers, the first above the second, in [0, 100]. */
static int get_pair(dictionary *d, const char *path, const char *key, int out[2], d25_error *err)
{
    char full[64];
    snprintf(full, sizeof full, "report:%s", key);
    const char *v = iniparser_getstring(d, full, NULL);
    if (!v || !*v)
        return 0;
    int a, b, n = 0;
    if (sscanf(v, " %d | %d %n", &a, &b, &n) != 2 || v[n] || a > 100 || b < 0 || a <= b)
        return d25_fail(err, D25_E_CONFIG, "配置文件 %s 第 %d 行：[report] %s = %s 应为两个百分数，大的在前，如 90|80", path,
                        d25_ini_line(path, "report", key), key, v);
    out[0] = a;
    out[1] = b;
    return 0;
}

/* [report] grade_labels: three words, lowest risk first. */
static int get_grade_labels(dictionary *d, const char *path, d25_config *cfg, d25_error *err)
{
    const char *v = iniparser_getstring(d, "report:grade_labels", NULL);
    if (!v || !*v)
        v = "较低|一般|较高";
    char *w[3] = {0};
    const char *p = v;
    size_t k = 0;
    for (; k < 3 && *p; k++) {
        size_t n = strcspn(p, "|");
        if (!n || !(w[k] = strndup(p, n)))
            break;
        p += n;
        if (*p == '|')
            p++;
    }
    if (k != 3 || *p || !w[2]) {
        for (size_t i = 0; i < 3; i++)
            free(w[i]);
        return d25_fail(err, D25_E_CONFIG, "配置文件 %s 第 %d 行：[report] grade_labels = %s 应为三个词，风险低的在前，如 较低|一般|较高",
                        path, d25_ini_line(path, "report", "grade_labels"), v);
    }
    for (size_t i = 0; i < 3; i++) {
        free(cfg->grade_labels[i]);
        cfg->grade_labels[i] = w[i];
    }
    return 0;
}

static int get_serve(dictionary *d, const char *path, d25_config *cfg, d25_error *err);

static int load_file(d25_config *cfg, const char *path, d25_error *err)
{
    dictionary *d = d25_ini_load(path, "配置文件", err);
    if (!d)
        return -1;
    if (check_known(d, path, err) < 0) {
        iniparser_freedict(d);
        return -1;
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
                     path, d25_ini_line(path, "reader", reader_keys[j].key), reader_keys[j].key, v);
            iniparser_freedict(d);
            return -1;
        }
        *(size_t *)((char *)&cfg->limits + reader_keys[j].offset) = n;
    }
    const char *v;
    int rc = 0;
    if ((v = iniparser_getstring(d, "campaign:district", NULL)) && *v) {
        free(cfg->district);
        rc |= (cfg->district = strdup(v)) ? 0 : -1;
    }
    if ((v = iniparser_getstring(d, "organisation:contact", NULL)) && *v) {
        free(cfg->office_contact);
        rc |= (cfg->office_contact = strdup(v)) ? 0 : -1;
    }
    if ((v = iniparser_getstring(d, "organisation:phone", NULL)) && *v) {
        free(cfg->office_phone);
        rc |= (cfg->office_phone = strdup(v)) ? 0 : -1;
    }
    const char *rules = iniparser_getstring(d, "campaign:rules", NULL);
    const char *units = iniparser_getstring(d, "campaign:units", NULL);
    rc |= set_path(&cfg->rules_path, path, rules && *rules ? rules : "rules-education.ini");
    rc |= set_path(&cfg->units_path, path, units && *units ? units : "units.csv");
    if ((v = iniparser_getstring(d, "campaign:deadline_day", NULL)) && *v) {
        char *end;
        long n = strtol(v, &end, 10);
        if (*end || n < 1 || n > 31) {
            d25_fail(err, D25_E_CONFIG, "配置文件 %s 第 %d 行：[campaign] deadline_day 的值“%s”无效，应为 1 到 31 的整数",
                     path, d25_ini_line(path, "campaign", "deadline_day"), v);
            iniparser_freedict(d);
            return -1;
        }
        cfg->deadline_day = (int)n;
    }
    if ((v = iniparser_getstring(d, "organisation:deadline_day", NULL)) && *v) {
        char *end;
        long n = strtol(v, &end, 10);
        if (*end || n < 1 || n > 31) {
            d25_fail(err, D25_E_CONFIG, "配置文件 %s 第 %d 行：[organisation] deadline_day 的值“%s”无效，应为 1 到 31 的整数",
                     path, d25_ini_line(path, "organisation", "deadline_day"), v);
            iniparser_freedict(d);
            return -1;
        }
        cfg->district_deadline_day = (int)n;
    }
    if ((v = iniparser_getstring(d, "campaign:level", NULL)) && *v) {
        static const char *const levels[] = {"district", "city", "province"};
        size_t l = 0;
        while (l < 3 && strcmp(v, levels[l]) != 0)
            l++;
        if (l == 3) {
            d25_fail(err, D25_E_CONFIG, "配置文件 %s 第 %d 行：[campaign] level 的值“%s”无效，应为 district、city 或 province",
                     path, d25_ini_line(path, "campaign", "level"), v);
            iniparser_freedict(d);
            return -1;
        }
        cfg->level = (d25_level)l;
    }
    if ((v = iniparser_getstring(d, "organisation:districts", NULL)) && *v) {
        /* "东区|西区|…": names separated by | (or the full-width ｜), trimmed. */
        for (const char *p = v; *p;) {
            size_t len = strcspn(p, "|");
            const char *fw = strstr(p, "｜");
            if (fw && (size_t)(fw - p) < len)
                len = (size_t)(fw - p);
            const char *a = p, *b = p + len;
            while (a < b && isspace((unsigned char)*a))
                a++;
            while (b > a && isspace((unsigned char)b[-1]))
                b--;
            if (b > a) {
                char **nv = realloc(cfg->districts, (cfg->ndistricts + 1) * sizeof *nv);
                char *name = nv ? strndup(a, (size_t)(b - a)) : NULL;
                if (nv)
                    cfg->districts = nv;
                if (!name) {
                    iniparser_freedict(d);
                    return d25_fail(err, D25_E_NOMEM, "内存不足");
                }
                cfg->districts[cfg->ndistricts++] = name;
            }
            p += len;
            if (*p)
                p += *p == '|' ? 1 : strlen("｜");
        }
    }
    const char *tdir = iniparser_getstring(d, "report:templates", NULL);
    const char *odir = iniparser_getstring(d, "report:out", NULL);
    if (tdir && *tdir)
        rc |= set_path(&cfg->templates_dir, path, tdir);
    if (odir && *odir)
        rc |= set_path(&cfg->out_dir, path, odir);
    /* [run]: the inbox has a default next to the file; the others are off
     * when empty. */
    const char *inbox = iniparser_getstring(d, "run:inbox", NULL);
    rc |= set_path(&cfg->inbox_dir, path, inbox && *inbox ? inbox : "inbox");
    static const char *const run_opt[] = {"run:log", "run:archive", "run:feedback", "run:remind"};
    char **run_slot[] = {&cfg->log_path, &cfg->archive_dir, &cfg->feedback_dir, &cfg->remind_dir};
    for (int i = 0; i < 4; i++)
        if ((v = iniparser_getstring(d, run_opt[i], NULL)) && *v)
            rc |= set_path(run_slot[i], path, v);
    if (get_days(d, path, cfg, err) < 0) {
        iniparser_freedict(d);
        return -1;
    }
    const char *db = iniparser_getstring(d, "store:database", NULL);
    rc |= set_path(&cfg->db_path, path, db && *db ? db : "duty25.db");
    /* "ingest", the old name of "seen", is still read. */
    static const char *const received_words[] = {"seen", "mtime", "ingest", NULL};
    static const char *const counts_words[] = {"cumulative", "monthly", NULL};
    int received = (int)cfg->received_from, counts = (int)cfg->counts;
    double same = cfg->same_time_min, weak = cfg->weak_min_base, resubmit = cfg->resubmit_days,
           tdm = cfg->tables_detail_max;
    double wait = cfg->lock_wait, z = cfg->outlier_z, md = cfg->outlier_min_diff, peers = cfg->min_peers, months = cfg->history_months;
    if (get_choice(d, path, "store", "received_time", received_words, &received, err) < 0 ||
        get_number(d, path, "store", "same_time_min", 2, 1e6, true, &same, err) < 0 ||
        get_number(d, path, "campaign", "resubmit_days", 1, 60, true, &resubmit, err) < 0 ||
        get_number(d, path, "report", "weak_min_base", 0, 1e9, true, &weak, err) < 0 ||
        get_number(d, path, "report", "tables_detail_max", 0, 1e7, true, &tdm, err) < 0 ||
        get_number(d, path, "store", "lock_wait", 0, 3600, false, &wait, err) < 0 ||
        get_choice(d, path, "quality", "counts", counts_words, &counts, err) < 0 ||
        get_number(d, path, "quality", "outlier_z", 1, 100, false, &z, err) < 0 ||
        get_number(d, path, "quality", "outlier_min_diff", 0, 1e9, false, &md, err) < 0 ||
        get_number(d, path, "quality", "min_peers", 3, 100000, true, &peers, err) < 0 ||
        get_number(d, path, "quality", "history_months", 2, 120, true, &months, err) < 0) {
        iniparser_freedict(d);
        return -1;
    }
    cfg->received_from = received == 2 ? D25_RECEIVED_SEEN : (d25_received_from)received;
    cfg->same_time_min = (int)same;
    cfg->resubmit_days = (int)resubmit;
    cfg->weak_min_base = (int)weak;
    cfg->tables_detail_max = (int)tdm;
    cfg->counts = (d25_counts)counts;
    cfg->lock_wait = wait;
    cfg->outlier_z = z;
    cfg->outlier_min_diff = md;
    cfg->min_peers = (int)peers;
    cfg->history_months = (int)months;
    static const char *const stage_words[] = {"mobilise", "rectify", "enforce", "consolidate", NULL};
    static const char *const yesno[] = {"no", "yes", NULL};
    int after = -1, missing = cfg->enforcement.missing, rejected = cfg->enforcement.rejected;
    double nd = cfg->enforcement.not_done_min;
    const char *ki = iniparser_getstring(d, "enforcement:key_items", NULL);
    if (get_stages(d, path, cfg, err) < 0 ||
        get_choice(d, path, "enforcement", "after_stage", stage_words, &after, err) < 0 ||
        get_number(d, path, "enforcement", "not_done_min", 0, 1000, true, &nd, err) < 0 ||
        get_choice(d, path, "enforcement", "missing", yesno, &missing, err) < 0 ||
        get_choice(d, path, "enforcement", "rejected", yesno, &rejected, err) < 0) {
        iniparser_freedict(d);
        return -1;
    }
    if (after >= 0 && !cfg->stages[after].to) {
        d25_fail(err, D25_E_CONFIG, "配置文件 %s 第 %d 行：[enforcement] after_stage = %s，但 [stages] 没有写 %s 的日期", path,
                 d25_ini_line(path, "enforcement", "after_stage"), d25_stage_names[after], d25_stage_names[after]);
        iniparser_freedict(d);
        return -1;
    }
    double unrect = cfg->risk_unrectified_min, trend = cfg->trend_months;
    if (get_serve(d, path, cfg, err) < 0 || get_measures(d, path, cfg, err) < 0 ||
        get_pair(d, path, "grade_rate", cfg->grade_rate, err) < 0 ||
        get_pair(d, path, "grade_rectify", cfg->grade_rectify, err) < 0 || get_grade_labels(d, path, cfg, err) < 0 ||
        get_number(d, path, "report", "risk_unrectified_min", 1, 1e9, true, &unrect, err) < 0 ||
        get_number(d, path, "report", "trend_months", 1, 24, true, &trend, err) < 0) {
        iniparser_freedict(d);
        return -1;
    }
    cfg->risk_unrectified_min = (int)unrect;
    cfg->trend_months = (int)trend;
    if (iniparser_getstring(d, "enforcement:after_stage", NULL))
        cfg->enforcement.after_stage = after;
    cfg->enforcement.not_done_min = (int)nd;
    cfg->enforcement.missing = missing;
    cfg->enforcement.rejected = rejected;
    if (ki && *ki) {
        free(cfg->enforcement.key_items);
        rc |= (cfg->enforcement.key_items = strdup(ki)) ? 0 : -1;
    }
    for (size_t i = 0; i < D25_DOC_KEYS; i++) {
        char key[64];
        snprintf(key, sizeof key, "document:%s", d25_doc_keys[i]);
        const char *dv = iniparser_getstring(d, key, NULL);
        if (dv && *dv) {
            free(cfg->doc[i]);
            rc |= (cfg->doc[i] = strdup(dv)) ? 0 : -1;
        }
    }
    iniparser_freedict(d);
    free(cfg->path);
    cfg->path = strdup(path);
    return cfg->path && rc == 0 ? 0 : d25_fail(err, D25_E_NOMEM, "内存不足");
}

/* [serve]: the page server's address, the office's password hash and its limits. */
static int get_serve(dictionary *d, const char *path, d25_config *cfg, d25_error *err)
{
    static const char *const strs[] = {"serve:listen", "serve:base_url", "serve:password"};
    char **slot[] = {&cfg->serve.listen, &cfg->serve.base_url, &cfg->serve.password};
    for (int i = 0; i < 3; i++) {
        const char *v = iniparser_getstring(d, strs[i], NULL);
        if (v && *v) {
            free(*slot[i]);
            if (!(*slot[i] = strdup(v)))
                return d25_fail(err, D25_E_NOMEM, "内存不足");
        }
    }
    const char *v = iniparser_getstring(d, "serve:max_upload", NULL);
    if (v && *v && !d25_parse_size(v, &cfg->serve.max_upload))
        return d25_fail(err, D25_E_CONFIG, "配置文件 %s 第 %d 行：[serve] max_upload 的值“%s”无效，应为大小，如 20M", path,
                        d25_ini_line(path, "serve", "max_upload"), v);
    double conns = cfg->serve.max_connections, ups = cfg->serve.max_uploads;
    if (get_number(d, path, "serve", "max_connections", 2, 10000, true, &conns, err) < 0 ||
        get_number(d, path, "serve", "max_uploads", 1, 1000, true, &ups, err) < 0)
        return -1;
    cfg->serve.max_connections = (int)conns;
    cfg->serve.max_uploads = (int)ups;
    return 0;
}

static int find_and_load(d25_config *cfg, const char *explicit_path, d25_error *err)
{
    if (explicit_path)
        return load_file(cfg, explicit_path, err);
    const char *env = getenv("DUTY25_CONFIG");
    if (env && *env)
        return load_file(cfg, env, err);
    if (access("config/duty25.ini", R_OK) == 0)
        return load_file(cfg, "config/duty25.ini", err);
    /* inside a working folder (its inbox/, out/...): the nearest one above */
    char *up = d25_find_config_upward();
    if (up) {
        int rc = load_file(cfg, up, err);
        free(up);
        return rc;
    }
    const char *sys = d25_system_config();
    if (access(sys, R_OK) == 0)
        return load_file(cfg, sys, err);
    return 0;
}

int d25_config_load(d25_config *cfg, const char *explicit_path, d25_error *err)
{
    if (find_and_load(cfg, explicit_path, err) < 0)
        return -1;
    /* No configuration file: the shipped measures and grade words. */
    if (!cfg->grade_labels[0] && (get_measures(NULL, "", cfg, err) < 0 || get_grade_labels(NULL, "", cfg, err) < 0))
        return -1;
    return default_paths(cfg, err);
}
