/*
 * rules: a campaign edition's rule set, loaded from an INI file
 * (config/rules-education.ini documents the format): the duties, items and
 * sub-items of the checklist with their basis, penalty and applicability;
 * the words for each self-check status; the checklist's header words; the
 * progress table's rows as templates with typed blanks; the checks between
 * progress fields and between the two forms.
 *
 * Nothing about one edition is in code: a new edition is a new file.
 *
 * Ownership: d25_rules_load() returns a d25_rules that owns every string in
 * it; d25_rules_free() releases it.  Lookups return pointers into it.
 */
#ifndef D25_RULES_RULES_H
#define D25_RULES_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/error.h"

typedef enum {
    D25_ST_NONE = 0,   /* empty or not recognised */
    D25_ST_DONE,       /* 已落实 */
    D25_ST_PARTIAL,    /* 部分落实 */
    D25_ST_NOT_DONE,   /* 未落实 */
    D25_ST_NA,         /* 不适用 */
    D25_ST_COUNT_
} d25_status;

/* "done", "partial", "not_done", "not_applicable", or NULL for NONE. */
const char *d25_status_name(d25_status s);
/* 已落实 / 部分落实 / 未落实 / 不适用 / "". */
const char *d25_status_label(d25_status s);

typedef struct {
    int n;
    char *name;
} d25_duty;

typedef struct {
    int n, duty;
    char *name;
    char *applies;   /* "all" or "type:X|flag:Y" */
} d25_item;

typedef struct {
    char code[16];   /* "22.3" */
    int item, sub;
    char *text, *basis, *penalty, *source;
    char *applies;   /* the item's unless the sub-item overrides it */
    char *key;       /* d25_fold_key(text), for matching */
} d25_subitem;

typedef enum { D25_F_YESNO, D25_F_HAVENOT, D25_F_MONTH, D25_F_DAY, D25_F_COUNT, D25_F_TEXT } d25_ftype;

typedef struct {
    char *name;      /* identifier, e.g. "hazards_found" */
    char *label;     /* Chinese, from [fields], or the name */
    d25_ftype type;
} d25_pfield;

typedef struct {
    int n;           /* row number in the printed table */
    char *text;      /* the template as written, blanks shown as ＿＿ */
    char **lits;     /* nlits = nfields + 1 folded literals around the blanks */
    size_t nlits;
    d25_pfield *fields;
    size_t nfields;
    char *key;       /* fold_key of the literals, for recognising the row */
} d25_prow;

typedef struct {
    char *a, *b;     /* field a <= field b */
} d25_pcheck;

typedef struct {
    char *field;
    char code[16];
} d25_cross;

typedef struct {
    char **v;        /* folded */
    size_t n;
} d25_words;

enum {
    D25_H_SELF, D25_H_CONTENT, D25_H_CATEGORY, D25_H_BASIS, D25_H_PENALTY, D25_H_SUPERVISION,
    D25_H_MEASURE, D25_H_DEADLINE, D25_H_REMARK, D25_H_COUNT_
};

/* Marks written in a status sub-column (已落实 | 部分落实 | 未落实, 是 | 否)
 * or before an option of a progress choice ("（√是／否）"): [status] mark_yes
 * chooses the column or option it stands in, mark_no says "not this one"
 * (and alone says nothing of which one is right), mark_blank is an option
 * left unchosen (☐, ○). */
enum { D25_MARK_YES, D25_MARK_NO, D25_MARK_BLANK, D25_MARK_COUNT_ };

/* The fields of a signature block, in the order of forms.h's D25_SIG_*. */
enum { D25_SIGF_UNIT, D25_SIGF_REPORTER, D25_SIGF_PHONE, D25_SIGF_DATE, D25_SIGF_COUNT_ };

/* A key and its Chinese label ([types], [flags]). */
typedef struct {
    char *key, *label;
} d25_label;

/* The words of an edition that documents and messages use
 * ([edition]; d25_rules_word lists them for the templates). */
enum {
    D25_EW_UNIT_WORD,     /* 单位 / 企业 */
    D25_EW_ISSUER,        /* 教育局: signs as district + issuer */
    D25_EW_ISSUER_SHORT,  /* 区教育局: how messages to units name it */
    D25_EW_SYSTEM,        /* 教育系统: titles, district + system */
    D25_EW_SCOPE,         /* 全区教育系统: report sentences */
    D25_EW_CHECKLIST,     /* the checklist's heading after the district */
    D25_EW_PROGRESS,      /* the progress table's heading after the district */
    D25_EW_SELF_CHECK,    /* the self-check column's heading: 单位自查情况 */
    D25_EW_KEY_UNITS,     /* what the key-supervision units are: 重点监管单位 */
    D25_EW_KEY_NOTE,      /* after their count in the report: （寄宿制学校…等） */
    D25_EW_ENFORCE_DUE,   /* when the enforcement list is due: 8月10日 ("" none) */
    D25_EW_COUNT_
};

typedef struct {
    char *path;
    char *id, *name, *unit_word;
    int deadline_day;
    char *words[D25_EW_COUNT_];   /* [D25_EW_UNIT_WORD] is unit_word */
    d25_label *types, *flags;     /* [types] and [flags] in file order */
    size_t ntypes, nflags;
    const char **type_keys, **type_labels; /* the same types, for d25_unit_types_use */
    const char **flag_keys, **flag_labels; /* the same flags, for d25_unit_flags_use */
    char *key_flags;              /* [edition] key_flags: "a|b" */
    char *hazards_found, *hazards_fixed; /* [progress] hazards = found|fixed */
    d25_duty *duties;
    size_t nduties;
    d25_item *items;
    size_t nitems;
    d25_subitem *subs;
    size_t nsubs;
    /* subs by number, sub_index[item * index_width + sub], for
     * d25_rules_sub and d25_rules_sub_at (set once loaded; NULL when the
     * numbers are too far apart for a table) */
    const d25_subitem **sub_index;
    size_t index_items, index_width;
    d25_words status[D25_ST_COUNT_];  /* index by d25_status; [NONE] unused */
    d25_words marks[D25_MARK_COUNT_]; /* [status] mark_yes, mark_no, mark_blank */
    /* [signature] fields: the fields the campaign's forms have, which a
     * return without them is told to add (bit D25_SIGF_*). */
    unsigned sig_fields;
    d25_words checklist_title;
    d25_words headers[D25_H_COUNT_];
    double text_match, text_warn;
    d25_words progress_title;
    int progress_min_rows;
    d25_prow *prows;
    size_t nprows;
    d25_pcheck *checks;
    size_t nchecks;
    d25_cross *cross;
    size_t ncross;
} d25_rules;

/* NULL with err set (D25_E_CONFIG naming file, section, key and line). */
d25_rules *d25_rules_load(const char *path, d25_error *err);
void d25_rules_free(d25_rules *r);

/* The sub-item of a code as the rule set writes it ("22.3": digits, no
 * sign, no leading zero); NULL when the rule set has none. */
const d25_subitem *d25_rules_sub(const d25_rules *r, const char *code);
/* The same for a code at the start of s, followed by anything; *end is
 * set just past the code (to s when there is none there). */
const d25_subitem *d25_rules_sub_prefix(const d25_rules *r, const char *s, const char **end);
const d25_subitem *d25_rules_sub_at(const d25_rules *r, int item, int sub);
const d25_item *d25_rules_item(const d25_rules *r, int n);
const d25_pfield *d25_rules_field(const d25_rules *r, const char *name, const d25_prow **row);

/* The label of a unit type or a flag ([types], [flags]); the key itself
 * when the rule set has none. */
const char *d25_rules_type_label(const d25_rules *r, const char *type);
const char *d25_rules_flag_label(const d25_rules *r, const char *flag);
/* Is a unit with these flags a key-supervision unit ([edition] key_flags)? */
bool d25_rules_key_unit(const d25_rules *r, const char *flags);
/* Is the sub-item one that applies to key-supervision units for being
 * such (its applies names a key flag: item 23 of the education edition)? */
bool d25_rules_key_sub(const d25_rules *r, const d25_subitem *sub);
/* The i-th edition word for templates ("unit_word", "issuer", ...), NULL
 * past the last; *key gets its name. */
const char *d25_rules_word(const d25_rules *r, size_t i, const char **key);

/* Does an "applies" expression match a unit of this type with these flags
 * ("|"- or ";"-separated)? */
bool d25_applies(const char *expr, const char *type, const char *flags);

/* Classify a self-check cell.  *remark (may be NULL) gets the text after
 * the status words as written (d25_written: 、 stays 、), malloc'd, "" when
 * none; the caller frees it. */
d25_status d25_rules_status(const d25_rules *r, const char *raw, char **remark);

/* Does folded text contain any of the folded words? */
bool d25_words_in(const d25_words *w, const char *folded);
/* The longest of the folded words that folded text starts with: its byte
 * length, 0 when none. */
size_t d25_words_prefix(const d25_words *w, const char *folded);
/* Which kind of mark (D25_MARK_*) folded text starts with, -1 for none;
 * *len its byte length.  A mark of one letter or character (是, v, x)
 * counts only with nothing but punctuation after it. */
int d25_rules_mark(const d25_rules *r, const char *folded, size_t *len);

#endif
