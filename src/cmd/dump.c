/*
 * dump: print what the reader sees in each file (tables and cells with their
 * positions), as Chinese text or as JSON (one object per file, one per line).
 * The JSON shape is a contract (README, "duty25 dump --format json").
 */
#include "commands.h"
#include "cli.h"
#include "../util/jsonout.h"
#include "../ooxml/ooxml.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
    "\n"
    "显示 duty25 从每个 .docx / .xlsx 文件中读到的内容：Excel 的每个工作表和单元格\n"
    "（位置、类型、值），Word 的每个表格（行、列、合并情况、复选框）和表格外的段落。\n"
    "用来查看一份报表为什么被读成这样。\n"
    "\n"
    "选项：\n"
    "  --format text   中文文本（默认）\n"
    "  --format json   JSON，每个文件一行一个对象，供其他程序使用\n"
    "  -h, --help      显示本帮助\n"
    "\n"
    "退出码：0 全部读取成功；1 有文件无法读取；2 用法或配置错误。\n"
    "\n"
    "示例：\n"
    "  duty25 dump samples/*.docx\n"
    "  duty25 dump --format json 某校-2026年11月.xlsx\n";

/* ---- JSON ---- */

static void json_cell_controls(FILE *o, const d25_controls *cs)
{
    if (!cs->n)
        return;
    fputs(",\"controls\":[", o);
    for (size_t i = 0; i < cs->n; i++) {
        const d25_control *c = &cs->v[i];
        fputs(i ? ",{\"tag\":" : "{\"tag\":", o);
        d25_json_str(o, c->tag);
        fputs(",\"alias\":", o);
        d25_json_str(o, c->alias);
        fputs(",\"kind\":", o);
        d25_json_str(o, c->kind);
        fprintf(o, ",\"checked\":%s}", c->checked < 0 ? "null" : c->checked ? "true" : "false");
    }
    fputc(']', o);
}

static const char *tristate(int v)
{
    return v < 0 ? "null" : v ? "true" : "false";
}

static void json_book(FILE *o, const d25_book *b)
{
    fprintf(o, ",\"date1904\":%s,\"sheets\":[", b->date1904 ? "true" : "false");
    for (size_t s = 0; s < b->nsheets; s++) {
        const d25_sheet *sh = &b->sheets[s];
        fputs(s ? ",{\"name\":" : "{\"name\":", o);
        d25_json_str(o, sh->name);
        fprintf(o, ",\"state\":\"%s\",\"kind\":\"%s\",\"merged\":[", sh->state, sh->kind);
        for (size_t m = 0; m < sh->nmerged; m++) {
            char a[16], z[16];
            d25_cell_ref(sh->merged[m].r1, sh->merged[m].c1, a);
            d25_cell_ref(sh->merged[m].r2, sh->merged[m].c2, z);
            if (strcmp(a, z) == 0)
                fprintf(o, "%s\"%s\"", m ? "," : "", a);
            else
                fprintf(o, "%s\"%s:%s\"", m ? "," : "", a, z);
        }
        fputs("],\"cells\":[", o);
        for (size_t i = 0; i < sh->ncells; i++) {
            const d25_xcell *c = &sh->cells[i];
            char ref[16];
            d25_cell_ref(c->row, c->col, ref);
            fprintf(o, "%s{\"ref\":\"%s\",\"row\":%u,\"col\":%u,\"type\":\"%c\",\"text\":", i ? "," : "", ref,
                    c->row, c->col, c->type);
            d25_json_str(o, c->text);
            fputc('}', o);
        }
        fputs("]}", o);
    }
    fputc(']', o);
}

static void json_doc(FILE *o, const d25_doc *d)
{
    fputs(",\"tables\":[", o);
    for (size_t t = 0; t < d->ntables; t++) {
        const d25_table *tb = &d->tables[t];
        fprintf(o, "%s{\"cols\":%d,\"nested_in\":", t ? "," : "", tb->ncols);
        if (tb->parent >= 0)
            fprintf(o, "{\"table\":%d,\"row\":%d,\"cell\":%d}", tb->parent, tb->prow, tb->pcol);
        else
            fputs("null", o);
        fputs(",\"rows\":[", o);
        for (size_t r = 0; r < tb->nrows; r++) {
            fputs(r ? ",[" : "[", o);
            for (size_t k = 0; k < tb->rows[r].n; k++) {
                const d25_dcell *c = &tb->rows[r].cells[k];
                fputs(k ? ",{\"text\":" : "{\"text\":", o);
                d25_json_str(o, c->text ? c->text : "");
                fprintf(o, ",\"col\":%d,\"span\":%d,\"merged_from\":", c->col, c->span);
                if (c->mrow >= 0)
                    fprintf(o, "[%d,%d]", c->mrow, c->mcol);
                else
                    fputs("null", o);
                fprintf(o, ",\"checked\":%s", tristate(c->checked));
                json_cell_controls(o, &c->controls);
                fputc('}', o);
            }
            fputc(']', o);
        }
        fputs("]}", o);
    }
    fputs("],\"paragraphs\":[", o);
    for (size_t i = 0; i < d->nparas; i++) {
        const d25_para *p = &d->paras[i];
        fputs(i ? ",{\"text\":" : "{\"text\":", o);
        d25_json_str(o, p->text);
        fprintf(o, ",\"tables_before\":%d,\"checked\":%s", p->tables_before, tristate(p->checked));
        json_cell_controls(o, &p->controls);
        fputc('}', o);
    }
    fputc(']', o);
}

static void dump_json(FILE *o, const d25_ooxml *f)
{
    fputs("{\"file\":", o);
    d25_json_str(o, f->path);
    fputs(",\"format\":", o);
    d25_json_str(o, f->format == D25_FMT_UNKNOWN ? NULL : d25_format_name(f->format));
    fprintf(o, ",\"macros\":%s,\"error\":", f->macros ? "true" : "false");
    if (f->error.code != D25_OK) {
        fputs("{\"code\":", o);
        d25_json_str(o, d25_code_name(f->error.code));
        fputs(",\"message\":", o);
        d25_json_str(o, f->error.message);
        fputc('}', o);
    } else {
        fputs("null", o);
    }
    if (f->book)
        json_book(o, f->book);
    if (f->doc)
        json_doc(o, f->doc);
    fputs("}\n", o);
}

/* ---- text ---- */

/* One line per cell: control characters shown as \n, \t. */
static void text_value(FILE *o, const char *s)
{
    for (; *s; s++) {
        if (*s == '\n')
            fputs("\\n", o);
        else if (*s == '\t')
            fputs("\\t", o);
        else if (*s == '\r')
            fputs("\\r", o);
        else
            fputc(*s, o);
    }
}

static const char *type_zh(char t)
{
    switch (t) {
    case 's': return "文本";
    case 'n': return "数字";
    case 'b': return "逻辑";
    case 'd': return "日期";
    case 'e': return "错误";
    default: return "?";
    }
}

static const char *check_zh(int v)
{
    return v < 0 ? "" : v ? "  ［已勾选］" : "  ［未勾选］";
}

static void text_controls(FILE *o, const d25_controls *cs)
{
    for (size_t i = 0; i < cs->n; i++) {
        fprintf(o, "  ｛控件 %s", cs->v[i].kind);
        if (cs->v[i].tag)
            fprintf(o, " 标记=%s", cs->v[i].tag);
        if (cs->v[i].alias)
            fprintf(o, " 标题=%s", cs->v[i].alias);
        fputs("｝", o);
    }
}

static void dump_text(FILE *o, const d25_ooxml *f)
{
    fprintf(o, "== %s\n", f->path);
    if (f->error.code != D25_OK) {
        fprintf(o, "  无法读取 [%s]：%s\n\n", d25_code_name(f->error.code), f->error.message);
        return;
    }
    fprintf(o, "  格式：%s%s\n", f->format == D25_FMT_DOCX ? "Word 文档（docx）" : "Excel 工作簿（xlsx）",
            f->macros ? "，含宏（只读取数据，不运行宏）" : "");
    if (f->book) {
        const d25_book *b = f->book;
        for (size_t s = 0; s < b->nsheets; s++) {
            const d25_sheet *sh = &b->sheets[s];
            fprintf(o, "  工作表 %zu「%s」：%zu 个单元格%s%s\n", s + 1, sh->name, sh->ncells,
                    strcmp(sh->state, "visible") == 0 ? "" : "，隐藏",
                    strcmp(sh->kind, "worksheet") == 0 ? "" : "，图表或宏表");
            if (sh->nmerged) {
                fputs("    合并区域：", o);
                for (size_t m = 0; m < sh->nmerged; m++) {
                    char a[16], z[16];
                    d25_cell_ref(sh->merged[m].r1, sh->merged[m].c1, a);
                    d25_cell_ref(sh->merged[m].r2, sh->merged[m].c2, z);
                    fprintf(o, "%s%s:%s", m ? "、" : "", a, z);
                }
                fputc('\n', o);
            }
            for (size_t i = 0; i < sh->ncells; i++) {
                const d25_xcell *c = &sh->cells[i];
                char ref[16];
                d25_cell_ref(c->row, c->col, ref);
                fprintf(o, "    %-8s %s  ", ref, type_zh(c->type));
                text_value(o, c->text);
                fputc('\n', o);
            }
        }
    }
    if (f->doc) {
        const d25_doc *d = f->doc;
        for (size_t t = 0; t < d->ntables; t++) {
            const d25_table *tb = &d->tables[t];
            fprintf(o, "  表格 %zu：%zu 行，%d 列", t + 1, tb->nrows, tb->ncols);
            if (tb->parent >= 0)
                fprintf(o, "（嵌套在表格 %d 第 %d 行第 %d 格中）", tb->parent + 1, tb->prow + 1, tb->pcol + 1);
            fputc('\n', o);
            for (size_t r = 0; r < tb->nrows; r++) {
                for (size_t k = 0; k < tb->rows[r].n; k++) {
                    const d25_dcell *c = &tb->rows[r].cells[k];
                    fprintf(o, "    [%zu,%d]", r + 1, c->col + 1);
                    if (c->span > 1)
                        fprintf(o, " 跨%d列", c->span);
                    if (c->mrow >= 0)
                        fprintf(o, " 与[%d,%d]合并", c->mrow + 1, c->mcol + 1);
                    fputs("  ", o);
                    text_value(o, c->text ? c->text : "");
                    fputs(check_zh(c->checked), o);
                    text_controls(o, &c->controls);
                    fputc('\n', o);
                }
            }
        }
        size_t shown = 0;
        for (size_t i = 0; i < d->nparas; i++) {
            const d25_para *p = &d->paras[i];
            if (!p->text[0] && !p->controls.n)
                continue;
            if (!shown++)
                fputs("  表格外段落：\n", o);
            fprintf(o, "    ¶%zu ", i + 1);
            text_value(o, p->text);
            fputs(check_zh(p->checked), o);
            text_controls(o, &p->controls);
            fputc('\n', o);
        }
    }
    fputc('\n', o);
}

int cmd_dump(int argc, char **argv, const d25_global *g)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool json = false;
    int ch;
    d25_optstate os = {0};
    while ((ch = d25_cmd_getopt(&os, argc, argv, "+hf:", opts, "dump", usage)) > 0) {
        switch (ch) {
        case 'f':
            if (strcmp(optarg, "json") == 0)
                json = true;
            else if (strcmp(optarg, "text") == 0)
                json = false;
            else {
                return d25_cli_usage_error("--format 只能是 text 或 json，而不是“%s”", optarg);
            }
            break;
        }
    }
    if (ch == 0)
        return os.exit;
    if (optind >= argc) {
        return d25_cli_usage_error("请给出要查看的文件");
    }
    if (d25_cmd_check_paths(argv + optind, (size_t)(argc - optind)))
        return D25_EXIT_USAGE;
    d25_config cfg;
    int rc = d25_cmd_load_config(g, &cfg);
    if (rc)
        return rc;
    int failed = 0;
    for (int i = optind; i < argc; i++) {
        d25_ooxml *f = d25_ooxml_read_path(argv[i], &cfg.limits);
        if (!f) {
            fprintf(stderr, "duty25 dump：内存不足，无法读取 %s\n", argv[i]);
            failed++;
            continue;
        }
        if (f->error.code != D25_OK)
            failed++;
        if (json)
            dump_json(stdout, f);
        else
            dump_text(stdout, f);
        d25_ooxml_free(f);
        fflush(stdout);
    }
    d25_config_free(&cfg);
    return failed ? D25_EXIT_REJECTED : D25_EXIT_OK;
}
