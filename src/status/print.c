/* status/print: a period's status as text and JSON (see print.h). */
#include "print.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../registry/units.h"
#include "../store/store.h"
#include "../util/fold.h"
#include "../util/jsonout.h"
#include "../validate/validate.h"

/* Text for an 80-column terminal, CJK characters counted 2 columns:
 * a row of fields is wrapped between fields (a name goes to the next line,
 * indented), a field longer than the line between characters. */
enum { COLS = 80 };

static void emit_text(FILE *o, int *col, int cont, const char *t)
{
    while (*t) {
        const char *start = t;
        d25_utf8_next(&t);
        char one[8];
        size_t n = (size_t)(t - start) < sizeof one - 1 ? (size_t)(t - start) : sizeof one - 1;
        memcpy(one, start, n);
        one[n] = 0;
        int w = d25_display_width(one);
        if (*col + w > COLS && *col > cont) {
            fprintf(o, "\n%*s", cont, "");
            *col = cont;
        }
        fwrite(start, 1, (size_t)(t - start), o);
        *col += w;
    }
}

static void print_fields(FILE *o, int indent, int cont, const char *const *f, size_t n)
{
    int col = indent;
    fprintf(o, "%*s", indent, "");
    for (size_t i = 0, printed = 0; i < n; i++) {
        if (!f[i] || !*f[i])
            continue;
        int w = d25_display_width(f[i]);
        if (printed && col + 2 + w > COLS) {
            fprintf(o, "\n%*s", cont, "");
            col = cont;
        } else if (printed) {
            fputs("　", o);
            col += 2;
        }
        emit_text(o, &col, cont, f[i]);
        printed++;
    }
    fputc('\n', o);
}

/* The counts' layout for one table: the label column (as wide as the
 * widest label, at most 16) and the digits of the largest count. */
typedef struct {
    int label, digits;
} counts_layout;

static void print_counts_row(FILE *o, const counts_layout *L, const char *label, int expected, const int *n)
{
    int w = d25_display_width(label);
    if (w > L->label) { /* a long name on its own line, the counts under it */
        fprintf(o, "  %s\n", label);
        fprintf(o, "  %*s", L->label, "");
    } else {
        fprintf(o, "  %s%*s", label, L->label - w, "");
    }
    const char *sep = L->digits <= 3 ? "　" : " ";
    fprintf(o, " 应报 %*d%s按时 %*d%s逾期 %*d%s缺表 %*d%s退回 %*d%s未报 %*d\n", L->digits, expected, sep, L->digits,
            n[D25_UNIT_ON_TIME], sep, L->digits, n[D25_UNIT_LATE], sep, L->digits, n[D25_UNIT_INCOMPLETE], sep, L->digits,
            n[D25_UNIT_REJECTED], sep, L->digits, n[D25_UNIT_MISSING]);
}

static counts_layout layout_for(const d25_status_report *r)
{
    counts_layout L = {4, 2};
    for (int e = r->expected; e >= 100; e /= 10)
        L.digits++;
    for (size_t i = 0; i < r->ntypes; i++) {
        int w = d25_display_width(d25_unit_type_label(r->by_type[i].key));
        if (w > L.label)
            L.label = w;
    }
    for (size_t i = 0; i < r->nareas; i++) {
        int w = d25_display_width(r->by_area[i].key);
        if (w > L.label)
            L.label = w;
    }
    for (size_t i = 0; i < r->ndistricts; i++) {
        int w = d25_display_width(r->by_district[i].key);
        if (w > L.label)
            L.label = w;
    }
    for (size_t i = 0; i < r->ncities; i++) {
        int w = d25_display_width(r->by_city[i].key);
        if (w > L.label)
            L.label = w;
    }
    /* 2 + label + 6 fields of "应报 " and the digits, 5 separators */
    int room = COLS - 2 - 6 * (5 + L.digits) - 5 * (L.digits <= 3 ? 2 : 1);
    if (L.label > room)
        L.label = room;
    return L;
}

static const char *form_word(d25_form_state f)
{
    return f == D25_FORM_ACCEPTED ? "已通过" : f == D25_FORM_REJECTED ? "被退回" : "未收到";
}

static void print_doubts(FILE *o, const d25_status_report *r)
{
    for (size_t i = 0; i < r->ndoubts; i++) {
        const d25_time_doubt *d = &r->doubts[i];
        fprintf(o,
                "\n注意：有 %d 家单位的收到时间都是 %s（%s），\n"
                "晚于截止日，都算作逾期。这通常是文件在截止日后才一起复制或保存进收件箱\n"
                "造成的，不一定真的逾期。请在收件箱中放一份收件登记（收件登记.csv 或\n"
                ".xlsx：文件名或单位、收到时间），或保存原邮件（.eml），再运行 duty25 run。\n",
                d->units, d->minute, d->source == D25_RECV_MTIME ? "文件修改时间" : "首次收取时间");
    }
}

void d25_status_print_text(FILE *o, const d25_status_report *r, const char *district, const char *uw)
{
    char period[32];
    d25_format_period_cn(r->period, period, sizeof period);
    fprintf(o, "%s%s报送情况（截止日 %s，统计时间 %s）\n\n", district ? district : "", period, r->deadline, r->as_of);
    counts_layout L = layout_for(r);
    print_counts_row(o, &L, "合计", r->expected, r->n);
    print_doubts(o, r);
    fprintf(o, "\n按%s类型：\n", uw);
    for (size_t i = 0; i < r->ntypes; i++)
        print_counts_row(o, &L, d25_unit_type_label(r->by_type[i].key), r->by_type[i].expected, r->by_type[i].n);
    fprintf(o, "\n按板块：\n");
    for (size_t i = 0; i < r->nareas; i++)
        print_counts_row(o, &L, r->by_area[i].key, r->by_area[i].expected, r->by_area[i].n);
    if (r->ncities) {
        fprintf(o, "\n按市：\n");
        for (size_t i = 0; i < r->ncities; i++)
            print_counts_row(o, &L, r->by_city[i].key, r->by_city[i].expected, r->by_city[i].n);
    }
    if (r->ndistricts) {
        fprintf(o, "\n按区县：\n");
        for (size_t i = 0; i < r->ndistricts; i++)
            print_counts_row(o, &L, r->by_district[i].key, r->by_district[i].expected, r->by_district[i].n);
    }
    if (r->nmissing) {
        char head[96];
        snprintf(head, sizeof head, "本月数据包尚未汇总的%s（%zu 个）：", r->of_cities ? "市" : "区县", r->nmissing);
        fputc('\n', o);
        int col = 0;
        emit_text(o, &col, 2, head);
        for (size_t i = 0; i < r->nmissing; i++) {
            if (i)
                emit_text(o, &col, 2, "、");
            emit_text(o, &col, 2, r->districts_missing[i]);
        }
        fputc('\n', o);
    }
    if (r->nlate) {
        char head[128];
        snprintf(head, sizeof head, "本月数据包逾期（晚于 %s）报送的%s（%zu 个）：", r->district_deadline,
                 r->of_cities ? "市" : "区县", r->nlate);
        fputc('\n', o);
        int col = 0;
        emit_text(o, &col, 2, head);
        for (size_t i = 0; i < r->nlate; i++) {
            if (i)
                emit_text(o, &col, 2, "、");
            emit_text(o, &col, 2, r->districts_late[i]);
        }
        fputc('\n', o);
    }
    int problems = r->n[D25_UNIT_MISSING] + r->n[D25_UNIT_REJECTED] + r->n[D25_UNIT_INCOMPLETE];
    if (problems) {
        fprintf(o, "\n需催报的%s（%d 家）：\n", uw, problems);
        static const d25_unit_state order[] = {D25_UNIT_MISSING, D25_UNIT_REJECTED, D25_UNIT_INCOMPLETE};
        for (size_t k = 0; k < 3; k++)
            for (size_t i = 0; i < r->nunits; i++) {
                const d25_unit_status *u = &r->units[i];
                if (u->state != order[k])
                    continue;
                char contact[192], phone[96];
                snprintf(contact, sizeof contact, "联系人：%s", u->unit->contact && *u->unit->contact ? u->unit->contact : "（名册未填）");
                snprintf(phone, sizeof phone, "电话：%s", u->unit->phone && *u->unit->phone ? u->unit->phone : "（名册未填）");
                const char *f[] = {d25_unit_state_label(u->state), u->district, u->unit->code, u->unit->name, u->unit->area,
                                   contact, phone};
                print_fields(o, 2, 8, f, 7);
                if (u->state == D25_UNIT_INCOMPLETE)
                    fprintf(o, "        清单%s，推进情况统计表%s\n", form_word(u->checklist), form_word(u->progress));
                if (u->last_codes) {
                    char line[1024];
                    snprintf(line, sizeof line, "最近一份 %s 被退回（%d 个错误：%s）", u->last_file ? u->last_file : "",
                             u->last_errors, u->last_codes);
                    int col = 8;
                    fprintf(o, "%*s", col, "");
                    emit_text(o, &col, 8, line);
                    fputc('\n', o);
                }
            }
    } else if (r->expected) {
        fprintf(o, "\n应报%s均已报送。\n", uw);
    }
    if (r->n[D25_UNIT_LATE]) {
        fprintf(o, "\n逾期报送的%s（%d 家）：\n", uw, r->n[D25_UNIT_LATE]);
        for (size_t i = 0; i < r->nunits; i++)
            if (r->units[i].state == D25_UNIT_LATE)
            {
                char when[128];
                snprintf(when, sizeof when, "收到 %s（%s）", r->units[i].received,
                         d25_recv_source_label(r->units[i].received_source));
                const char *f[] = {r->units[i].unit->code, r->units[i].unit->name, r->units[i].unit->area, when};
                print_fields(o, 2, 8, f, 4);
            }
    }
    if (r->nunidentified) {
        fprintf(o, "\n无法确定单位的退回报表（%zu 份，请按文件名联系报送单位）：\n", r->nunidentified);
        for (size_t i = 0; i < r->nunidentified; i++)
        {
            char when[64], errs[512];
            snprintf(when, sizeof when, "收到 %s", r->unidentified[i].received);
            snprintf(errs, sizeof errs, "%d 个错误：%s", r->unidentified[i].errors,
                     r->unidentified[i].codes ? r->unidentified[i].codes : "");
            const char *f[] = {r->unidentified[i].file, when, errs};
            print_fields(o, 2, 8, f, 3);
        }
    }
    if (r->nquality) {
        fprintf(o, "\n数据质量提醒（%zu 条，数字明显异常，请与%s核实，系统不做修改）：\n", r->nquality, uw);
        for (size_t i = 0; i < r->nquality; i++) {
            const d25_quality_note *q = &r->quality[i];
            char place[256] = "";
            if (q->place && *q->place)
                snprintf(place, sizeof place, "位置：%s", q->place);
            const char *f[] = {q->unit_code, q->unit_name, q->code, place};
            print_fields(o, 2, 8, f, 4);
            int col = 8;
            fprintf(o, "%*s", col, "");
            emit_text(o, &col, 8, q->message);
            fputc('\n', o);
        }
    }
}

static void json_counts(FILE *o, int expected, const int *n)
{
    fprintf(o, "\"expected\":%d", expected);
    for (int s = 0; s < D25_UNIT_STATES_; s++)
        fprintf(o, ",\"%s\":%d", d25_unit_state_name((d25_unit_state)s), n[s]);
}

static void json_groups(FILE *o, const char *name, const d25_status_group *g, size_t n, bool types)
{
    fprintf(o, ",\"%s\":[", name);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ",{" : "{", o);
        fputs(types ? "\"type\":" : "\"area\":", o);
        d25_json_str(o, g[i].key);
        if (types) {
            fputs(",\"label\":", o);
            d25_json_str(o, d25_unit_type_label(g[i].key));
        }
        fputc(',', o);
        json_counts(o, g[i].expected, g[i].n);
        fputc('}', o);
    }
    fputc(']', o);
}

static const char *form_name(d25_form_state f)
{
    return f == D25_FORM_ACCEPTED ? "accepted" : f == D25_FORM_REJECTED ? "rejected" : "none";
}

/* "district": D, or at a province (a path "CITY/DISTRICT") "city": C, "district": D. */
static void json_path(FILE *o, const char *path)
{
    const char *slash = strchr(path, '/');
    if (slash) {
        fputs("\"city\":", o);
        char city[256];
        snprintf(city, sizeof city, "%.*s", (int)(slash - path), path);
        d25_json_str(o, city);
        fputc(',', o);
        path = slash + 1;
    }
    fputs("\"district\":", o);
    d25_json_str(o, path);
}

void d25_status_print_json(FILE *o, const d25_status_report *r, const char *district)
{
    char period[16];
    d25_format_period(r->period, period, sizeof period);
    fputs("{\"district\":", o);
    d25_json_str(o, district);
    fprintf(o, ",\"period\":\"%s\",\"deadline\":\"%s\",\"as_of\":\"%s\",", period, r->deadline, r->as_of);
    json_counts(o, r->expected, r->n);
    json_groups(o, "by_type", r->by_type, r->ntypes, true);
    json_groups(o, "by_area", r->by_area, r->nareas, false);
    if (r->ndistricts || r->nmissing || r->of_cities) {
        /* A province's members are cities: its keys say so. */
        const char *m = r->of_cities ? "cities" : "districts", *m1 = r->of_cities ? "city" : "district";
        if (r->of_cities) {
            fputs(",\"by_city\":[", o);
            for (size_t i = 0; i < r->ncities; i++) {
                fputs(i ? ",{\"city\":" : "{\"city\":", o);
                d25_json_str(o, r->by_city[i].key);
                fputc(',', o);
                json_counts(o, r->by_city[i].expected, r->by_city[i].n);
                fputc('}', o);
            }
            fputc(']', o);
        }
        fputs(",\"by_district\":[", o);
        for (size_t i = 0; i < r->ndistricts; i++) {
            fputs(i ? ",{" : "{", o);
            json_path(o, r->by_district[i].key);
            fputc(',', o);
            json_counts(o, r->by_district[i].expected, r->by_district[i].n);
            fputc('}', o);
        }
        fprintf(o, "],\"%s_missing\":[", m);
        for (size_t i = 0; i < r->nmissing; i++) {
            if (i)
                fputc(',', o);
            d25_json_str(o, r->districts_missing[i]);
        }
        fprintf(o, "],\"%s_deadline\":", m1);
        d25_json_str(o, r->district_deadline[0] ? r->district_deadline : NULL);
        fprintf(o, ",\"%s_late\":[", m);
        for (size_t i = 0; i < r->nlate; i++) {
            if (i)
                fputc(',', o);
            d25_json_str(o, r->districts_late[i]);
        }
        fputc(']', o);
    }
    fputs(",\"units\":[", o);
    for (size_t i = 0; i < r->nunits; i++) {
        const d25_unit_status *u = &r->units[i];
        fputs(i ? ",{" : "{", o);
        if (u->district) {
            json_path(o, u->district);
            fputc(',', o);
        }
        fputs("\"code\":", o);
        d25_json_str(o, u->unit->code);
        fputs(",\"name\":", o);
        d25_json_str(o, u->unit->name);
        fputs(",\"type\":", o);
        d25_json_str(o, u->unit->type);
        fputs(",\"area\":", o);
        d25_json_str(o, u->unit->area);
        fputs(",\"contact\":", o);
        d25_json_str(o, u->unit->contact);
        fputs(",\"phone\":", o);
        d25_json_str(o, u->unit->phone);
        fprintf(o, ",\"state\":\"%s\",\"checklist\":\"%s\",\"progress\":\"%s\",\"received\":", d25_unit_state_name(u->state),
                form_name(u->checklist), form_name(u->progress));
        d25_json_str(o, u->received[0] ? u->received : NULL);
        fputs(",\"received_source\":", o);
        d25_json_str(o, u->received[0] ? d25_recv_source_name(u->received_source) : NULL);
        fputs(",\"last_file\":", o);
        d25_json_str(o, u->last_file);
        fputs(",\"last_rejected_codes\":", o);
        d25_json_str(o, u->last_codes);
        fprintf(o, ",\"quality_warnings\":%d}", u->warnings);
    }
    fputs("],\"unidentified\":[", o);
    for (size_t i = 0; i < r->nunidentified; i++) {
        fputs(i ? ",{\"file\":" : "{\"file\":", o);
        d25_json_str(o, r->unidentified[i].file);
        fputs(",\"received\":", o);
        d25_json_str(o, r->unidentified[i].received);
        fprintf(o, ",\"errors\":%d,\"codes\":", r->unidentified[i].errors);
        d25_json_str(o, r->unidentified[i].codes);
        fputc('}', o);
    }
    fputs("],\"quality\":[", o);
    for (size_t i = 0; i < r->nquality; i++) {
        const d25_quality_note *q = &r->quality[i];
        fputs(i ? ",{\"unit\":" : "{\"unit\":", o);
        d25_json_str(o, q->unit_code);
        fputs(",\"file\":", o);
        d25_json_str(o, q->file);
        fputs(",\"code\":", o);
        d25_json_str(o, q->code);
        fputs(",\"place\":", o);
        d25_json_str(o, q->place);
        fputs(",\"message\":", o);
        d25_json_str(o, q->message);
        fputc('}', o);
    }
    fputs("],\"received_doubts\":[", o);
    for (size_t i = 0; i < r->ndoubts; i++)
        fprintf(o, "%s{\"time\":\"%s\",\"source\":\"%s\",\"units\":%d}", i ? "," : "", r->doubts[i].minute,
                d25_recv_source_name(r->doubts[i].source), r->doubts[i].units);
    fputs("]}\n", o);
}
