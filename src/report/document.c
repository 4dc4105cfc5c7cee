/* report/document: the report as an official document (see document.h). */
#include "document.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int d25_report_document(d25_store *s, const d25_config *cfg, int period, d25_tree *tree, d25_error *err)
{
    json_t *doc = json_object();
    if (!doc)
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    const char *v[D25_DOC_KEYS];
    for (size_t i = 0; i < D25_DOC_KEYS; i++)
        v[i] = cfg->doc[i] ? cfg->doc[i] : "";
    /* The signature is the issuing body; by default the district's name as
     * configured.  The header's mark and the printing body default to it. */
    enum { MARK, CODE, FIRST, SIGNER, RECIPIENT, SIGNATURE, CC, PRINTER, NOTE };
    /* the district and the edition's issuing body ([edition] issuer of the
     * rule set: 示范区 + 教育局) */
    char *deflt = NULL;
    if (!*v[SIGNATURE]) {
        const char *issuer = json_string_value(json_object_get(json_object_get(tree->root, "words"), "issuer"));
        if (asprintf(&deflt, "%s%s", cfg->district ? cfg->district : "", issuer ? issuer : "") < 0)
            deflt = NULL;
        v[SIGNATURE] = deflt ? deflt : cfg->district ? cfg->district : "";
    }
    if (!*v[MARK])
        v[MARK] = v[SIGNATURE];
    if (!*v[PRINTER])
        v[PRINTER] = v[SIGNATURE];
    for (size_t i = 0; i < D25_DOC_KEYS; i++)
        if (i != FIRST)
            json_object_set_new(doc, d25_doc_keys[i], json_string(v[i]));
    free(deflt);
    /* 发文字号: 机关代字〔年份〕序号号, the number counted through the year's
     * monthly reports from doc_number_first (GB/T 9704 7.2.4: no leading
     * zeros, no 第). */
    int seq = 0;
    if (d25_store_report_seq(s, period, &seq, err) < 0) {
        json_decref(doc);
        return -1;
    }
    long first = *v[FIRST] ? strtol(v[FIRST], NULL, 10) : 1;
    if (first < 1)
        first = 1;
    long number = first - 1 + seq;
    char text[256] = "";
    if (*v[CODE])
        snprintf(text, sizeof text, "%s〔%d〕%ld号", v[CODE], period / 12, number);
    json_object_set_new(doc, "number", json_string(text));
    json_object_set_new(doc, "seq", json_integer(number));
    json_t *root = tree->root;
    if (json_object_set_new(root, "doc", doc) < 0)
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    /* The tables DOCX lists every unit only up to [report] tables_detail_max
     * units; beyond, its tables are by type and area and the rows per unit
     * are in the workbook. */
    long expected = (long)json_integer_value(json_object_get(json_object_get(root, "units"), "expected"));
    json_object_set_new(root, "tables_detail", json_boolean(expected <= cfg->tables_detail_max));
    json_object_set_new(root, "tables_detail_max", json_integer(cfg->tables_detail_max));
    return 0;
}
