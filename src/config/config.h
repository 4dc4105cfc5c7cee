/*
 * config: duty25's settings, read from one INI file with iniparser.
 *
 * Order (later wins): built-in defaults; then one file, the first of
 *   --config FILE, $DUTY25_CONFIG, ./config/duty25.ini, SYSCONFDIR/duty25/duty25.ini
 * that is given or exists; then command-line options.  Every key is
 * documented in config/duty25.ini.  A bad value is a D25_E_CONFIG error
 * naming the file, the key and its line.
 *
 * Ownership: d25_config is a value owned by the caller; d25_config_free()
 * releases the strings inside it.
 */
#ifndef D25_CONFIG_CONFIG_H
#define D25_CONFIG_CONFIG_H

#include "../ooxml/limits.h"
#include <stdbool.h>

#include "../util/error.h"

/* [store] received_time: the time duty25 first sees a file's bytes, or
 * the file's modification time when the office trusts it. */
typedef enum { D25_RECEIVED_SEEN, D25_RECEIVED_MTIME } d25_received_from;
typedef enum { D25_COUNTS_CUMULATIVE, D25_COUNTS_MONTHLY } d25_counts;

/* The campaign's four stages (GLOSSARY: mobilise, rectify, enforce,
 * consolidate), dates as YYYYMMDD; 0 when not set. */
enum { D25_STAGE_MOBILISE, D25_STAGE_RECTIFY, D25_STAGE_ENFORCE, D25_STAGE_CONSOLIDATE, D25_STAGES_ };
extern const char *const d25_stage_names[D25_STAGES_];  /* "mobilise"... */
extern const char *const d25_stage_labels[D25_STAGES_]; /* "动员部署"... */

typedef struct {
    int from, to;
} d25_stage;

/* Who goes on the enforcement list (Attachment 2): any rule that is on. */
typedef struct {
    int after_stage;     /* only for periods ending after this stage, -1: always */
    char *key_items;     /* "1.1|22.9": any of them not done */
    int not_done_min;    /* this many not-done sub-items or more, 0: off */
    bool missing;        /* no return (missing) */
    bool rejected;       /* returns came, none accepted, or a form missing */
} d25_enforcement;

/* [report] measure1..measure9: an action the report's 下一步工作 proposes
 * for the units of which any of its conditions holds ("not_done>=5|repeated
 * : 约谈主要负责人，限期整改到位"). */
enum { D25_MEASURES_MAX = 9, D25_MEASURE_CONDS = 8 };
typedef enum {
    D25_MC_MISSING,     /* missing: no return */
    D25_MC_REJECTED,    /* rejected: rejected and not corrected, or one form only */
    D25_MC_LATE,        /* late */
    D25_MC_NOT_DONE,    /* not_done>=N: N or more sub-items not done */
    D25_MC_KEY,         /* key: a sub-item of [enforcement] key_items not done */
    D25_MC_UNRECTIFIED, /* unrectified>=N: N or more hazards not rectified */
    D25_MC_REPEATED,    /* repeated[>=N]: N (1) or more sub-items not done this month and last */
    D25_MC_ENFORCEMENT, /* enforcement: on the enforcement list */
} d25_measure_kind;
typedef struct {
    d25_measure_kind kind;
    int min;
} d25_measure_cond;
typedef struct {
    char *action;
    d25_measure_cond cond[D25_MEASURE_CONDS];
    size_t ncond;
} d25_measure;
/* "missing|not_done>=5" into m's conditions: 0, or -1 naming the word
 * not understood in bad (a static or m's own text). */
int d25_measure_parse(const char *text, d25_measure *m, char *bad, size_t nbad);

/* [campaign] level: a district bureau ingests its units' returns; a city
 * (or province) merges its districts' packages (duty25 merge). */
typedef enum { D25_LEVEL_DISTRICT, D25_LEVEL_CITY, D25_LEVEL_PROVINCE } d25_level;

/* [document]: the written risk report as an official document (GB/T 9704
 * 版头, 主送机关, 署名, 版记).  Each key is a string, or NULL when not set;
 * the report's data carries them as doc.<key>. */
enum { D25_DOC_KEYS = 9 };
extern const char *const d25_doc_keys[D25_DOC_KEYS + 1];

typedef struct {
    char *path;          /* file read, or NULL when only defaults apply */
    d25_limits limits;   /* [reader] */
    char *district;      /* [campaign] district, or NULL */
    char *rules_path;    /* [campaign] rules, resolved against the file's folder */
    char *units_path;    /* [campaign] units, likewise */
    int deadline_day;    /* [campaign] deadline_day, 0 = the rule set's */
    int resubmit_days;   /* [campaign] resubmit_days: past the deadline, a rejected return is due again this many days after its notice */
    d25_level level;     /* [campaign] level: whose returns this office holds */
    char **districts;    /* [organisation] districts, in order (a city's, "东区|西区"), or NULL */
    int district_deadline_day; /* [organisation] deadline_day: a district's package for a month is due (exported)
                                  by this day of that month (clamped to its last day); 0 = not checked */
    size_t ndistricts;
    char *office_contact; /* [organisation] contact: whom units ask about a notice, or NULL */
    char *office_phone;   /* [organisation] phone, or NULL */
    char *db_path;       /* [store] database, resolved like rules */
    d25_received_from received_from; /* [store] received_time */
    int same_time_min;   /* [store] same_time_min: this many late returns sharing one received minute are doubted */
    double lock_wait;    /* [store] lock_wait, seconds */
    d25_counts counts;   /* [quality] counts */
    double outlier_z;    /* [quality] outlier_z */
    double outlier_min_diff; /* [quality] outlier_min_diff */
    int min_peers;       /* [quality] min_peers */
    int history_months;  /* [quality] history_months */
    d25_stage stages[D25_STAGES_];   /* [stages] */
    d25_enforcement enforcement;     /* [enforcement] */
    char *templates_dir; /* [report] templates, resolved like rules */
    int weak_min_base;   /* [report] weak_min_base: fewest applicable answers for an item to rank as weak */
    char *out_dir;       /* [report] out */
    int tables_detail_max; /* [report] tables_detail_max: the tables DOCX lists units one by one up to this many */
    int trend_months;    /* [report] trend_months: months the report's trend chart shows, this one included */
    int risk_unrectified_min; /* [report] risk_unrectified_min: a unit with this many hazards not rectified is a risk */
    int grade_rate[2];   /* [report] grade_rate: compliance rates (%) below which the grade is the second, third */
    int grade_rectify[2]; /* [report] grade_rectify: rectification rates (%), likewise */
    char *grade_labels[3]; /* [report] grade_labels: the grades' words, lowest risk first */
    d25_measure measures[D25_MEASURES_MAX]; /* [report] measure1..9, in order */
    size_t nmeasures;
    char *inbox_dir;     /* [run] inbox: where `duty25 run` takes returns from */
    char *log_path;      /* [run] log, or NULL: no log */
    char *archive_dir;   /* [run] archive, or NULL: leave returns where they are */
    char *feedback_dir;  /* [run] feedback, or NULL: no notices */
    char *remind_dir;    /* [run] remind, or NULL: the cron run writes no reminders */
    int remind_days[8];  /* [run] remind_days: days before the deadline the cron run reminds on */
    size_t remind_ndays;
    char *doc[D25_DOC_KEYS]; /* [document], in the order of d25_doc_keys */
    struct {             /* [serve]: duty25 serve, the intranet page */
        char *listen;        /* listen: "ADDR:PORT", NULL: 127.0.0.1:8025 */
        char *base_url;      /* base_url: the address units open (links, forms), or NULL */
        char *password;      /* password: the office's, as a salted hash (duty25 serve --hash-password), or NULL */
        size_t max_upload;   /* max_upload: bytes of one upload */
        int max_connections; /* max_connections: open at once */
        int max_uploads;     /* max_uploads: uploads received and checked at once (others wait) */
    } serve;
} d25_config;

void d25_config_defaults(d25_config *cfg);
/* explicit: --config value or NULL.  Returns 0, or -1 with err set. */
int d25_config_load(d25_config *cfg, const char *explicit_path, d25_error *err);
void d25_config_free(d25_config *cfg);

/* Parse "64M", "1G", "10000" into bytes/count; false if invalid. */
int d25_parse_size(const char *s, size_t *out);

#endif
