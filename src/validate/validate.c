/* validate: judge one return (see validate.h; codes in docs/findings.md). */
#include "validate.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ooxml/ooxml.h"
#include "../util/buf.h"
#include "../util/fold.h"
#include "../util/text.h"

static const d25_finding_kind kinds[] = {
    {"FILE_UNREADABLE", D25_SEV_ERROR, "文件无法读取（损坏、加密、旧版 .doc/.xls、非 Office 文件等）"},
    {"FORM_NOT_FOUND", D25_SEV_ERROR, "文件中没有找到 25 条清单或推进情况统计表"},
    {"UNIT_MISSING", D25_SEV_ERROR, "无法确定填报单位"},
    {"UNIT_UNKNOWN", D25_SEV_ERROR, "填报单位不在单位名册中"},
    {"UNIT_INACTIVE", D25_SEV_ERROR, "填报单位在该月份不在册（尚未启用或已停用）"},
    {"PERIOD_MISSING", D25_SEV_ERROR, "无法确定填报月份"},
    {"PERIOD_MISMATCH", D25_SEV_ERROR, "填报月份不是要求的月份"},
    {"SUBITEM_MISSING", D25_SEV_ERROR, "清单缺少子项"},
    {"SUBITEM_DUPLICATE", D25_SEV_ERROR, "清单中同一子项出现多次"},
    {"SUBITEM_UNKNOWN", D25_SEV_ERROR, "清单中有规则集中没有的子项"},
    {"STATUS_EMPTY", D25_SEV_ERROR, "单位自查情况为空"},
    {"STATUS_UNRECOGNISED", D25_SEV_ERROR, "单位自查情况无法识别"},
    {"STATUS_NA_NOT_ALLOWED", D25_SEV_ERROR, "适用于本单位的子项填了“不适用”"},
    {"PROGRESS_ROW_MISSING", D25_SEV_ERROR, "推进情况统计表缺少一行"},
    {"PROGRESS_FIELD_MISSING", D25_SEV_ERROR, "推进情况统计表的空格未填或找不到"},
    {"PROGRESS_FIELD_INVALID", D25_SEV_ERROR, "推进情况统计表的空格填写类型不对"},
    {"COUNT_INVALID", D25_SEV_ERROR, "次数、条数不是大于等于 0 的整数"},
    {"COUNT_EXCEEDS", D25_SEV_ERROR, "两个数之间关系不成立（如已完成整改数大于发现隐患数）"},
    {"DATE_INVALID", D25_SEV_ERROR, "日期不存在（如 2 月 30 日）"},
    {"RECTIFY_PLAN_MISSING", D25_SEV_WARNING, "未落实或部分落实的子项没有写整改措施或时限"},
    {"SUPERVISION_FILLED", D25_SEV_WARNING, "单位填写了应由检查人员填写的“监督检查情况”栏"},
    {"CROSS_CHECK_CONFLICT", D25_SEV_WARNING, "推进情况统计表与清单的自查情况互相矛盾"},
    {"SIGNATURE_INCOMPLETE", D25_SEV_WARNING, "填报单位、填报人、联系电话、填报时间不全或无效"},
    {"SUBITEM_TEXT_CHANGED", D25_SEV_WARNING, "子项内容与清单原文差别较大"},
    {"MACROS_PRESENT", D25_SEV_WARNING, "文件带有宏（宏不会被运行）"},
    /* Given by the quality pass over the database (quality.h), not by validate. */
    {"OUTLIER_PEERS", D25_SEV_WARNING, "入库复核：某个数明显偏离同类单位"},
    {"OUTLIER_HISTORY", D25_SEV_WARNING, "入库复核：某个数明显偏离本单位此前各月"},
    {"COUNT_DECREASED", D25_SEV_WARNING, "入库复核：累计数比本单位上月少"},
};

const d25_finding_kind *d25_finding_kinds(size_t *n)
{
    *n = sizeof kinds / sizeof kinds[0];
    return kinds;
}

static d25_severity severity_of(const char *code)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kinds[i].code, code) == 0)
            return kinds[i].severity;
    return D25_SEV_ERROR;
}

int d25_parse_period_arg(const char *s)
{
    int y, m;
    char tail;
    if (!s || sscanf(s, "%4d-%2d%c", &y, &m, &tail) != 2 || y < 1990 || y > 2100 || m < 1 || m > 12 ||
        strlen(s) != 7)
        return -1;
    return y * 12 + m - 1;
}

/* Digits at s, exactly n of them (no digit right after): their value, or -1. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return s[n] >= '0' && s[n] <= '9' ? -1 : v;
}

int d25_period_in_name(const char *name)
{
    int found = -1;
    for (const char *p = name; *p; p++) {
        if (p > name && p[-1] >= '0' && p[-1] <= '9')
            continue;
        int y = digits(p, 4), m = -1, len = 0;
        if (y < 2000 || y > 2099)
            continue;
        const char *q = p + 4;
        if (strncmp(q, "年", strlen("年")) == 0) {
            q += strlen("年");
            int one = digits(q, 1), two = digits(q, 2);
            m = two >= 0 ? two : one;
            len = two >= 0 ? 2 : 1;
            if (m < 0 || strncmp(q + len, "月", strlen("月")) != 0)
                continue;
        } else if (*q == '-' || *q == '.' || *q == '_') {
            m = digits(q + 1, 2);
        } else {
            continue;
        }
        if (m < 1 || m > 12)
            continue;
        int period = y * 12 + m - 1;
        if (found >= 0 && found != period)
            return -1; /* two months named: which one is not ours to guess */
        found = period;
    }
    return found;
}

void d25_format_period(int period, char *out, size_t n)
{
    if (period < 0)
        snprintf(out, n, "未知");
    else
        snprintf(out, n, "%04d-%02d", period / 12, period % 12 + 1);
}

void d25_format_period_cn(int period, char *out, size_t n)
{
    snprintf(out, n, "%d年%d月", period / 12, period % 12 + 1);
}

static int add(d25_result *res, const char *code, const char *place, const char *item, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int add(d25_result *res, const char *code, const char *place, const char *item, const char *fmt, ...)
{
    if (d25_grow((void **)&res->f, &res->cap, res->n + 1, sizeof *res->f) < 0)
        return -1;
    d25_finding *f = &res->f[res->n];
    memset(f, 0, sizeof *f);
    f->code = code;
    f->severity = severity_of(code);
    d25_copy(f->item, sizeof f->item, item ? item : "");
    f->place = strdup(place ? place : "");
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&f->message, fmt, ap) < 0)
        f->message = NULL;
    va_end(ap);
    if (!f->place || !f->message) {
        free(f->place);
        free(f->message);
        return -1;
    }
    d25_utf8_trim_tail(f->message);
    res->n++;
    if (f->severity == D25_SEV_ERROR)
        res->errors++;
    else
        res->warnings++;
    return 0;
}

/* A short quotation of a unit's text for messages. */
static void quote(const char *s, char *out, size_t n)
{
    size_t len = d25_utf8_len(s);
    if (len <= 30) {
        d25_copy(out, n, s);
        return;
    }
    const char *p = s;
    for (int i = 0; i < 28; i++)
        d25_utf8_next(&p);
    snprintf(out, n, "%.*s……", (int)(p - s), s);
}

/* Why an item applies to this unit, in words: "本单位为寄宿制学校". */
static void applies_reason(const d25_rules *r, const char *expr, const d25_unit *u, char *out, size_t n)
{
    if (!expr || strcmp(expr, "all") == 0) {
        snprintf(out, n, "本条适用于所有单位");
        return;
    }
    for (const char *p = expr; *p;) {
        size_t l = strcspn(p, "|");
        char one[64];
        snprintf(one, sizeof one, "%.*s", (int)(l < 63 ? l : 63), p);
        if (d25_applies(one, u->type, u->flags)) {
            if (strncmp(one, "type:", 5) == 0) {
                snprintf(out, n, "单位名册中本单位为%s，本条适用于本单位", d25_rules_type_label(r, one + 5));
            } else {
                snprintf(out, n, "单位名册中本单位为%s，本条适用于本单位", d25_rules_flag_label(r, one + 5));
            }
            return;
        }
        p += l;
        if (*p)
            p++;
    }
    snprintf(out, n, "本条适用于本单位");
}

static const char *field_kind_hint(d25_ftype t)
{
    switch (t) {
    case D25_F_YESNO: return "请填“是”或“否”（或删去/划去其中一个，或只在一个前面打“√”）";
    case D25_F_HAVENOT: return "请填“有”或“无”（或删去/划去其中一个，或只在一个前面打“√”）";
    case D25_F_MONTH: return "请填 1 到 12 的月份数字";
    case D25_F_DAY: return "请填该月实际存在的日期数字";
    case D25_F_COUNT: return "请填大于等于 0 的整数，没有请填 0";
    default: return "请填写内容";
    }
}

/* Why a choice with marks was not read. */
static const char *note_text(d25_pv_note n)
{
    switch (n) {
    case D25_PN_BOTH: return "两个选项都打了勾，看不出选的是哪一个";
    case D25_PN_CONTRADICT: return "打勾的选项与划掉的选项或另写的字互相矛盾";
    case D25_PN_CROSS_ONLY: return "只打了“×”，“×”既可能表示划掉这一项，也可能表示选这一项";
    case D25_PN_UNCLEAR: return "勾打在两个选项之间，看不出是哪一个的";
    default: return "";
    }
}

static int check_unit(const d25_vctx *ctx, d25_result *res)
{
    const d25_form *fm = &res->form;
    const char *written = fm->sig.v[D25_SIG_UNIT];
    if (written) {
        res->unit = d25_registry_find(ctx->registry, written);
        if (res->unit)
            return 0;
        const d25_unit *sugg[3];
        size_t ns = d25_registry_suggest(ctx->registry, written, sugg, 3);
        char list[512] = "";
        for (size_t i = 0; i < ns; i++) {
            size_t l = strlen(list);
            snprintf(list + l, sizeof list - l, "%s“%s”", i ? "、" : "", sugg[i]->name);
        }
        char q[128];
        quote(written, q, sizeof q);
        if (ns)
            return add(res, "UNIT_UNKNOWN", fm->sig.place[D25_SIG_UNIT], NULL,
                       "填报单位“%s”不在单位名册中。是否应为 %s？请按单位全称填写。", q, list);
        return add(res, "UNIT_UNKNOWN", fm->sig.place[D25_SIG_UNIT], NULL,
                   "填报单位“%s”不在单位名册中，也没有相近的名称：请按单位全称填写；新设单位请先联系%s登记。", q, ctx->rules->words[D25_EW_ISSUER_SHORT]);
    }
    /* No signature line: a unit named in the title ("…清单（示范区城西小学）"),
     * else in the file name. */
    for (size_t i = 0; i < fm->ntitle_hints && !res->unit; i++)
        res->unit = d25_registry_find(ctx->registry, fm->title_hints[i]);
    if (!res->unit)
        res->unit = d25_registry_find(ctx->registry, d25_basename(res->file));
    if (res->unit)
        return 0;
    return add(res, "UNIT_MISSING", "", NULL,
               "没有找到填报单位：请在表下方“填报单位（盖章）：”后填写单位全称。");
}

static int check_period(const d25_vctx *ctx, d25_result *res)
{
    const d25_form *fm = &res->form;
    res->period = fm->period;
    char want[32], got[32];
    /* A return that names no month anywhere is taken for the month the
     * office is collecting, when it says which (--period). */
    if (fm->period < 0 && ctx->want_period >= 0)
        res->period = ctx->want_period;
    else if (fm->period < 0)
        return add(res, "PERIOD_MISSING", "", NULL,
                   "无法确定这份报表是哪个月的：请在标题下注明“XXXX年X月”，或在“填报时间：”后写明日期（如 2026年11月20日）。");
    if (ctx->want_period >= 0 && fm->period >= 0 && fm->period != ctx->want_period) {
        d25_format_period_cn(ctx->want_period, want, sizeof want);
        d25_format_period_cn(fm->period, got, sizeof got);
        return add(res, "PERIOD_MISMATCH", fm->period_place[0] ? fm->period_place : fm->period_from, NULL,
                   "这份报表是%s的（据%s），本次收取的是%s的报表：请报送%s的报表，或核对所填月份。", got,
                   fm->period_from, want, want);
    }
    if (res->unit && !d25_unit_active(res->unit, res->period)) {
        d25_format_period_cn(res->period, got, sizeof got);
        return add(res, "UNIT_INACTIVE", "", NULL,
                   "单位“%s”在%s不在册（单位名册中的启用或停用时间）：请核对月份；如单位情况有变，请联系%s更新名册。",
                   res->unit->name, got, ctx->rules->words[D25_EW_ISSUER_SHORT]);
    }
    return 0;
}

/* A row of status sub-columns not marked once (see d25_marks_issue). */
static int marks_finding(const d25_rules *r, d25_result *res, const d25_checklist *cl, const d25_crow *row, const char *place,
                         const char *q)
{
    const char *code = row->sub->code;
    char raw[160];
    quote(row->self_raw, raw, sizeof raw);
    switch (row->marks) {
    case D25_MARKS_EMPTY:
        return add(res, "STATUS_EMPTY", place, code,
                   "子项 %s“%s”的%s没有打勾%s%s%s：请在%s中相应的一栏打“√”，其他栏留空。", code, q, r->words[D25_EW_SELF_CHECK],
                   row->self_raw[0] ? "（" : "", row->self_raw[0] ? raw : "", row->self_raw[0] ? "）" : "",
                   cl->marks_words);
    case D25_MARKS_MANY:
        return add(res, "STATUS_UNRECOGNISED", place, code,
                   "子项 %s“%s”的%s在%s几栏都打了勾（%s），看不出是哪一种：只在一栏打“√”，其他栏留空。", code, q, r->words[D25_EW_SELF_CHECK],
                   row->marks_cols, raw);
    case D25_MARKS_NO_ONLY:
        return add(res, "STATUS_UNRECOGNISED", place, code,
                   "子项 %s“%s”的%s只在%s栏打了“×”之类的记号（%s），“×”既可能表示“不是这一栏”，也可能表示“选这一栏”：请在相应的一栏打“√”，其他栏留空。",
                   code, q, r->words[D25_EW_SELF_CHECK], row->marks_cols, raw);
    case D25_MARKS_TEXT:
        return add(res, "STATUS_UNRECOGNISED", place, code,
                   "子项 %s“%s”的%s在%s栏写的不是打勾记号（%s），无法判断选的是哪一栏：请在%s中相应的一栏打“√”，说明写在“整改措施”或“备注”栏。",
                   code, q, r->words[D25_EW_SELF_CHECK], row->marks_cols, raw, cl->marks_words);
    default:
        return 0;
    }
}

static int check_checklist(const d25_vctx *ctx, d25_result *res)
{
    const d25_rules *r = ctx->rules;
    const d25_checklist *cl = &res->form.checklist;
    bool *seen = calloc(r->nsubs + 1, sizeof *seen);
    if (!seen)
        return -1;
    int rc = 0;
    size_t sup_count = 0;
    const char *sup_first = NULL;
    for (size_t i = 0; i < cl->n && rc == 0; i++) {
        const d25_crow *row = &cl->rows[i];
        char q[160];
        quote(row->text, q, sizeof q);
        if (!row->sub) {
            /* A row with no answer and no number is a note, not a sub-item. */
            if (!row->hint_sub && !row->self_raw[0])
                continue;
            char num[32] = "";
            if (row->hint_item && row->hint_sub)
                snprintf(num, sizeof num, "%d.%d ", row->hint_item, row->hint_sub);
            rc = add(res, "SUBITEM_UNKNOWN", row->place, NULL,
                     "第 %s“%s”不是本次清单（%s）中的子项：请使用%s下发的清单，不要增删改子项。", num, q, r->name, r->words[D25_EW_ISSUER_SHORT]);
            continue;
        }
        const d25_subitem *s = row->sub;
        size_t idx = (size_t)(s - r->subs);
        if (seen[idx]) {
            rc = add(res, "SUBITEM_DUPLICATE", row->place, s->code, "子项 %s“%s”出现了不止一次：请只保留一行。", s->code, q);
            continue;
        }
        seen[idx] = true;
        if (row->similarity < r->text_warn) {
            char orig[160];
            quote(s->text, orig, sizeof orig);
            rc = add(res, "SUBITEM_TEXT_CHANGED", row->place, s->code,
                     "子项 %s 的内容“%s”与清单原文“%s”差别较大：请勿改动清单原文，自查说明请写在“%s”栏。",
                     s->code, q, orig, r->words[D25_EW_SELF_CHECK]);
            if (rc)
                break;
        }
        if (row->supervision[0]) {
            if (!sup_first)
                sup_first = row->sup_place;
            sup_count++;
        }
        const char *self_place = row->self_place[0] ? row->self_place : row->place;
        if (row->positional && row->marks != D25_MARKS_OK) {
            rc = marks_finding(r, res, cl, row, self_place, q);
            continue;
        }
        if (!row->self_raw[0]) {
            rc = add(res, "STATUS_EMPTY", self_place, s->code,
                     "子项 %s“%s”的%s为空：请填写“已落实”“部分落实”“未落实”或“不适用”。", s->code, q, r->words[D25_EW_SELF_CHECK]);
            continue;
        }
        char raw[160];
        quote(row->self_raw, raw, sizeof raw);
        if (row->status == D25_ST_NONE) {
            rc = add(res, "STATUS_UNRECOGNISED", self_place, s->code,
                     "子项 %s 的%s“%s”无法识别：请以“已落实”“部分落实”“未落实”或“不适用”开头，说明可写在后面，如“已落实，见台账”。",
                     s->code, r->words[D25_EW_SELF_CHECK], raw);
            continue;
        }
        if (row->status == D25_ST_NA && res->unit && d25_applies(s->applies, res->unit->type, res->unit->flags)) {
            char why[256];
            applies_reason(r, s->applies, res->unit, why, sizeof why);
            rc = add(res, "STATUS_NA_NOT_ALLOWED", self_place, s->code,
                     "子项 %s“%s”填了“%s”，但%s：请如实填写“已落实”“部分落实”或“未落实”。", s->code, q, raw, why);
            continue;
        }
        if ((row->status == D25_ST_NOT_DONE || row->status == D25_ST_PARTIAL) &&
            (cl->has_measure || cl->has_deadline || cl->has_remark) && !row->measure[0] && !row->deadline[0] &&
            !row->remark[0]) {
            rc = add(res, "RECTIFY_PLAN_MISSING", self_place, s->code,
                     "子项 %s 自查为“%s”，但没有写整改措施和整改时限：请在%s栏写明怎么整改、何时完成。", s->code,
                     d25_status_label(row->status), cl->has_measure ? "“整改措施”" : cl->has_deadline ? "“整改时限”" : "“备注”");
            if (rc)
                break;
        }
        if (row->deadline[0]) {
            int y, m, d;
            if (d25_find_date(row->deadline, &y, &m, &d) < 0) {
                char dq[96];
                quote(row->deadline, dq, sizeof dq);
                rc = add(res, "DATE_INVALID", row->deadline_place, s->code,
                         "子项 %s 的整改时限“%s”不是实际存在的日期：请写成如“2026年12月31日”。", s->code, dq);
            }
        }
    }
    if (rc == 0 && sup_count)
        rc = add(res, "SUPERVISION_FILLED", sup_first, NULL,
                 "“监督检查情况”栏由%s检查人员填写，本表有 %zu 处已被填写：请%s留空，自查说明写在“%s”栏。", r->words[D25_EW_ISSUER_SHORT],
                 sup_count, r->unit_word, r->words[D25_EW_SELF_CHECK]);
    /* Missing sub-items: one finding for a whole missing item. */
    for (size_t i = 0; i < r->nsubs && rc == 0; i++) {
        if (seen[i])
            continue;
        const d25_subitem *s = &r->subs[i];
        bool whole = true;
        size_t count = 0;
        for (size_t j = 0; j < r->nsubs; j++)
            if (r->subs[j].item == s->item) {
                count++;
                whole &= !seen[j];
            }
        const d25_item *it = d25_rules_item(r, s->item);
        if (whole && count > 1) {
            if (i == 0 || r->subs[i - 1].item != s->item) { /* once, at the item's first sub-item */
                char code[16];
                snprintf(code, sizeof code, "%d", s->item);
                rc = add(res, "SUBITEM_MISSING", cl->where, code,
                         "清单缺少第 %d 条“%s”（共 %zu 个子项）：请使用%s下发的完整清单，逐项填写自查情况。", s->item,
                         it ? it->name : "", count, r->words[D25_EW_ISSUER_SHORT]);
            }
            continue;
        }
        char q[160];
        quote(s->text, q, sizeof q);
        rc = add(res, "SUBITEM_MISSING", cl->where, s->code, "清单缺少子项 %s“%s”：请补上这一行并填写自查情况。", s->code, q);
    }
    free(seen);
    return rc;
}

static const d25_pval *pval(const d25_form *fm, const char *name)
{
    for (size_t i = 0; i < fm->progress.n; i++)
        if (strcmp(fm->progress.vals[i].field->name, name) == 0)
            return &fm->progress.vals[i];
    return NULL;
}

static int check_progress(const d25_vctx *ctx, d25_result *res)
{
    const d25_rules *r = ctx->rules;
    const d25_progress *pg = &res->form.progress;
    int rc = 0;
    for (size_t k = 0; k < r->nprows && rc == 0; k++) {
        bool found = false;
        for (size_t j = 0; j < pg->nrows_found; j++)
            found |= pg->rows_found[j] == &r->prows[k];
        if (!found) {
            char q[160];
            quote(r->prows[k].text, q, sizeof q);
            char item[16];
            snprintf(item, sizeof item, "%d", r->prows[k].n);
            rc = add(res, "PROGRESS_ROW_MISSING", pg->where, NULL,
                     "推进情况统计表缺少第 %d 行“%s”：请使用%s下发的表格，不要删除或改写行。", r->prows[k].n, q,
                     r->words[D25_EW_ISSUER_SHORT]);
        }
    }
    int year = res->period >= 0 ? res->period / 12 : 2000;
    for (size_t i = 0; i < pg->n && rc == 0; i++) {
        const d25_pval *v = &pg->vals[i];
        const d25_pfield *f = v->field;
        char raw[96];
        quote(v->raw, raw, sizeof raw);
        switch (v->state) {
        case D25_PV_UNLOCATED:
            rc = add(res, "PROGRESS_FIELD_MISSING", v->place, NULL,
                     "推进情况统计表第 %d 行找不到“%s”的空格（该行文字被改动过）：请在原句的空格处填写，不要改写句子。",
                     v->row->n, f->label);
            break;
        case D25_PV_MISSING:
            rc = add(res, "PROGRESS_FIELD_MISSING", v->place, NULL, "推进情况统计表第 %d 行“%s”未填写：%s。", v->row->n,
                     f->label, field_kind_hint(f->type));
            break;
        case D25_PV_INVALID:
            if (v->note != D25_PN_NONE)
                rc = add(res, "PROGRESS_FIELD_INVALID", v->place, NULL, "推进情况统计表第 %d 行“%s”填的是“%s”：%s。%s。",
                         v->row->n, f->label, raw, note_text(v->note), field_kind_hint(f->type));
            else
                rc = add(res, f->type == D25_F_COUNT ? "COUNT_INVALID" : "PROGRESS_FIELD_INVALID", v->place, NULL,
                         "推进情况统计表第 %d 行“%s”填的是“%s”：%s。", v->row->n, f->label, raw, field_kind_hint(f->type));
            break;
        case D25_PV_OK:
            if (f->type == D25_F_MONTH && (v->value < 1 || v->value > 12))
                rc = add(res, "DATE_INVALID", v->place, NULL, "推进情况统计表第 %d 行“%s”为 %ld：%s。", v->row->n, f->label,
                         v->value, field_kind_hint(f->type));
            if (f->type == D25_F_DAY) {
                /* The day of the month given by the month blank just before it. */
                long month = 0;
                for (size_t j = i; j-- > 0;)
                    if (pg->vals[j].row == v->row && pg->vals[j].field->type == D25_F_MONTH) {
                        month = pg->vals[j].state == D25_PV_OK ? pg->vals[j].value : 0;
                        break;
                    }
                int maxd = month >= 1 && month <= 12 ? d25_days_in_month(year, (int)month) : 31;
                if (v->value < 1 || v->value > maxd) {
                    if (month >= 1 && month <= 12)
                        rc = add(res, "DATE_INVALID", v->place, NULL, "推进情况统计表第 %d 行的日期 %ld月%ld日 不存在：%s。",
                                 v->row->n, month, v->value, field_kind_hint(f->type));
                    else
                        rc = add(res, "DATE_INVALID", v->place, NULL, "推进情况统计表第 %d 行“%s”为 %ld：%s。", v->row->n,
                                 f->label, v->value, field_kind_hint(f->type));
                }
            }
            break;
        }
    }
    for (size_t i = 0; i < r->nchecks && rc == 0; i++) {
        const d25_pval *a = pval(&res->form, r->checks[i].a), *b = pval(&res->form, r->checks[i].b);
        if (a && b && a->state == D25_PV_OK && b->state == D25_PV_OK && a->value > b->value)
            rc = add(res, "COUNT_EXCEEDS", a->place, NULL,
                     "推进情况统计表中“%s”（%ld）大于“%s”（%ld），这不可能：请核对两个数。", a->field->label, a->value,
                     b->field->label, b->value);
    }
    return rc;
}

static int check_cross(const d25_vctx *ctx, d25_result *res)
{
    const d25_rules *r = ctx->rules;
    for (size_t i = 0; i < r->ncross; i++) {
        const d25_pval *v = pval(&res->form, r->cross[i].field);
        if (!v || v->state != D25_PV_OK)
            continue;
        const d25_crow *row = NULL;
        for (size_t j = 0; j < res->form.checklist.n; j++)
            if (res->form.checklist.rows[j].sub && strcmp(res->form.checklist.rows[j].sub->code, r->cross[i].code) == 0)
                row = &res->form.checklist.rows[j];
        if (!row || row->status == D25_ST_NONE || row->status == D25_ST_NA)
            continue;
        bool done = row->status == D25_ST_DONE;
        if ((v->value == 1) == done)
            continue;
        char q[160];
        quote(row->sub->text, q, sizeof q);
        if (add(res, "CROSS_CHECK_CONFLICT", v->place, row->sub->code,
                "推进情况统计表第 %d 行“%s”填“%s”，但清单子项 %s“%s”自查为“%s”，两者矛盾：请核实后统一。", v->row->n,
                v->field->label, v->value ? "是" : "否", row->sub->code, q, d25_status_label(row->status)) < 0)
            return -1;
    }
    return 0;
}

static bool plausible_phone(const char *s)
{
    int digits = 0;
    for (const char *p = s; *p;) {
        uint32_t cp = d25_utf8_next(&p);
        if (cp >= 0xFF10 && cp <= 0xFF19)
            cp -= 0xFEE0;
        if (cp >= '0' && cp <= '9')
            digits++;
        else if (!(cp == '-' || cp == ' ' || cp == '(' || cp == ')' || cp == 0xFF08 || cp == 0xFF09 || cp == 0x2014 ||
                   cp == 0xFF0D || cp == '/' || cp == 0x3001 || cp == ','))
            return false;
    }
    return digits >= 7 && digits <= 24;
}

_Static_assert((int)D25_SIG_UNIT == (int)D25_SIGF_UNIT && (int)D25_SIG_PHONE == (int)D25_SIGF_PHONE &&
                   (int)D25_SIG_DATE == (int)D25_SIGF_DATE && (int)D25_SIG_COUNT_ == (int)D25_SIGF_COUNT_,
               "the signature fields of forms.h and rules.h are in one order");

static int check_signature(const d25_rules *rules, d25_result *res)
{
    static const char *const names[D25_SIG_COUNT_] = {"填报单位", "填报人", "联系电话", "填报时间"};
    const d25_signature *sg = &res->form.sig;
    char missing[256] = "";
    const char *place = NULL;
    for (int k = 0; k < D25_SIG_COUNT_; k++)
        /* A field is asked for when the rule set's forms have it, or this
         * form has its label and it was left empty. */
        if (!sg->v[k] && ((rules->sig_fields >> k) & 1u || sg->place[k][0])) {
            size_t l = strlen(missing);
            snprintf(missing + l, sizeof missing - l, "%s“%s”", l ? "、" : "", names[k]);
            if (!place && sg->place[k][0])
                place = sg->place[k];
        }
    if (missing[0] && add(res, "SIGNATURE_INCOMPLETE", place ? place : "", NULL,
                          "表下方的%s未填写：请补全%s。", missing,
                          strstr(missing, names[D25_SIG_PHONE]) ? "（联系电话请留能找到填报人的号码）" : "") < 0)
        return -1;
    if (sg->v[D25_SIG_PHONE] && !plausible_phone(sg->v[D25_SIG_PHONE])) {
        char q[96];
        quote(sg->v[D25_SIG_PHONE], q, sizeof q);
        if (add(res, "SIGNATURE_INCOMPLETE", sg->place[D25_SIG_PHONE], NULL,
                "联系电话“%s”不像电话号码：请填写手机号或带区号的固定电话。", q) < 0)
            return -1;
    }
    if (sg->v[D25_SIG_DATE]) {
        int y, m, d;
        int ok = d25_find_date(sg->v[D25_SIG_DATE], &y, &m, &d);
        char q[96];
        quote(sg->v[D25_SIG_DATE], q, sizeof q);
        if (ok < 0)
            return add(res, "DATE_INVALID", sg->place[D25_SIG_DATE], NULL,
                       "填报时间“%s”不是实际存在的日期：请写成如“2026年11月20日”。", q);
        if (ok == 0)
            return add(res, "SIGNATURE_INCOMPLETE", sg->place[D25_SIG_DATE], NULL,
                       "填报时间“%s”无法识别为日期：请写成如“2026年11月20日”。", q);
    }
    return 0;
}

static int validate_read(const d25_vctx *ctx, d25_ooxml *f, d25_result *res);

int d25_validate_file(const d25_vctx *ctx, const char *path, d25_result *res)
{
    memset(res, 0, sizeof *res);
    res->period = -1;
    res->file = strdup(path);
    if (!res->file)
        return -1;
    return validate_read(ctx, d25_ooxml_read_path(path, ctx->limits), res);
}

int d25_validate_data(const d25_vctx *ctx, const char *path, const void *data, size_t len, d25_result *res)
{
    memset(res, 0, sizeof *res);
    res->period = -1;
    res->file = strdup(path);
    if (!res->file)
        return -1;
    return validate_read(ctx, d25_ooxml_read_buffer(data, len, path, ctx->limits), res);
}

static int validate_read(const d25_vctx *ctx, d25_ooxml *f, d25_result *res)
{
    if (!f)
        return -1;
    int rc = 0;
    if (f->error.code != D25_OK) {
        rc = add(res, "FILE_UNREADABLE", "", NULL, "%s（%s）", f->error.message, d25_code_name(f->error.code));
        d25_ooxml_free(f);
        return rc;
    }
    res->read_ok = true;
    if (d25_form_read(f, ctx->rules, &res->form) < 0) {
        d25_ooxml_free(f);
        return -1;
    }
    res->seal = res->form.sig.seal;
    if (f->macros)
        rc = add(res, "MACROS_PRESENT", "", NULL, "文件带有宏（宏不会被运行，内容照常读取）：建议另存为不带宏的 .docx / .xlsx 再报送。");
    d25_ooxml_free(f);
    res->checklist = res->form.checklist.found;
    res->progress = res->form.progress.found;
    if (rc == 0 && !res->checklist && !res->progress)
        return add(res, "FORM_NOT_FOUND", "", NULL,
                   "文件中没有找到“%s”的 25 条内容清单（附件1，需有“内容”和“%s”列）或推进情况统计表（附件3）：请用%s下发的表格填写后报送。",
                   ctx->rules->name, ctx->rules->words[D25_EW_SELF_CHECK], ctx->rules->words[D25_EW_ISSUER_SHORT]);
    if (rc == 0)
        rc = check_unit(ctx, res);
    if (rc == 0)
        rc = check_period(ctx, res);
    if (rc == 0 && res->checklist)
        rc = check_checklist(ctx, res);
    if (rc == 0 && res->progress)
        rc = check_progress(ctx, res);
    if (rc == 0 && res->checklist && res->progress)
        rc = check_cross(ctx, res);
    if (rc == 0)
        rc = check_signature(ctx->rules, res);
    return rc;
}

void d25_result_free(d25_result *res)
{
    for (size_t i = 0; i < res->n; i++) {
        free(res->f[i].place);
        free(res->f[i].message);
    }
    free(res->f);
    free(res->file);
    d25_form_free(&res->form);
    memset(res, 0, sizeof *res);
}
