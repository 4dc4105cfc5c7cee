/* tcheck: templates against the rule set's fields (see tcheck.h). */
#include "tcheck.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "../util/buf.h"
#include "../util/text.h"

/* word/document.xml's text with the markup dropped: a tag split over runs
 * reads whole.  NULL when it cannot be read. */
static char *document_text(const char *path)
{
    int zerr = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY, &zerr);
    if (!z)
        return NULL;
    zip_stat_t st;
    zip_file_t *f = NULL;
    char *xml = NULL, *out = NULL;
    if (zip_stat(z, "word/document.xml", 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE) && st.size < (64u << 20) &&
        (xml = malloc(st.size + 1)) && (f = zip_fopen(z, "word/document.xml", 0)) &&
        zip_fread(f, xml, st.size) == (zip_int64_t)st.size) {
        xml[st.size] = 0;
        out = malloc(st.size + 1);
        size_t n = 0;
        bool in_tag = false;
        for (const char *p = xml; out && *p; p++) {
            if (*p == '<')
                in_tag = true;
            else if (*p == '>')
                in_tag = false;
            else if (!in_tag)
                out[n++] = *p;
        }
        if (out)
            out[n] = 0;
    }
    if (f)
        zip_fclose(f);
    free(xml);
    zip_discard(z);
    return out;
}

static bool is_field(const d25_rules *r, const char *name, bool count_only)
{
    const d25_prow *row;
    const d25_pfield *f = d25_rules_field(r, name, &row);
    return f && (!count_only || f->type == D25_F_COUNT);
}

static bool is_word(const d25_rules *r, const char *name)
{
    const char *k;
    for (size_t i = 0; d25_rules_word(r, i, &k); i++)
        if (strcmp(k, name) == 0)
            return true;
    return false;
}

int d25_template_check(const char *path, const d25_rules *r, d25_error *err)
{
    static const char *const row_cols[] = {"code", "name", "type", "type_label", "area", "n",
                                           "rectify_rate", "rectify_rate_text", NULL};
    char *text = document_text(path);
    if (!text)
        return 0;
    int depth = 0, in_progress = 0, rc = 0; /* in_progress: the depth of the progress loop, 0 outside */
    for (const char *p = strstr(text, "{{"); p && rc == 0; p = strstr(p, "{{")) {
        const char *e = strstr(p + 2, "}}");
        if (!e)
            break;
        char tag[128];
        snprintf(tag, sizeof tag, "%.*s", (int)(e - p - 2 < 127 ? e - p - 2 : 127), p + 2);
        p = e + 2;
        char *name = tag;
        while (*name == ' ')
            name++;
        char kind = (*name == '#' || *name == '^' || *name == '?' || *name == '/') ? *name++ : 'v';
        while (*name == ' ')
            name++;
        name[strcspn(name, " |")] = 0;
        if (kind == '#' || kind == '^') {
            depth++;
            if (kind == '#' && strcmp(name, "progress") == 0 && !in_progress)
                in_progress = depth;
            continue;
        }
        if (kind == '/') {
            if (depth == in_progress && strcmp(name, "progress") == 0)
                in_progress = 0;
            if (depth > 0)
                depth--;
            continue;
        }
        const char *what = NULL;
        if (strncmp(name, "progress_total.", 15) == 0 && !is_field(r, name + 15, true))
            what = name + 15;
        else if (strncmp(name, "words.", 6) == 0 && !is_word(r, name + 6))
            what = name;
        else if (in_progress && depth == in_progress && !strchr(name, '.')) {
            bool known = is_field(r, name, false);
            for (size_t k = 0; row_cols[k] && !known; k++)
                known = strcmp(row_cols[k], name) == 0;
            if (!known)
                what = name;
        }
        if (what)
            rc = d25_fail(err, D25_E_TEMPLATE,
                          "模板 %s 用到了“%s”，规则文件 %s 中没有这一项：这个模板是为另一版本的规则做的。"
                          "请换用与规则文件配套的模板（duty25 init --edition 版本 建的工作文件夹中的 templates/），"
                          "或在 Word 中删去用到它的列或文字",
                          d25_basename(path), what, d25_basename(r->path));
    }
    free(text);
    return rc;
}

int d25_templates_check(const char *dir, const d25_rules *r, d25_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int rc = 0;
    for (struct dirent *e; rc == 0 && (e = readdir(d));) {
        size_t l = strlen(e->d_name);
        if (e->d_name[0] == '.' || e->d_name[0] == '~' || l < 6 || strcmp(e->d_name + l - 5, ".docx") != 0)
            continue;
        char *p = NULL;
        if (asprintf(&p, "%s/%s", dir, e->d_name) < 0) {
            rc = d25_fail(err, D25_E_NOMEM, "内存不足");
            break;
        }
        rc = d25_template_check(p, r, err);
        free(p);
    }
    closedir(d);
    return rc;
}
