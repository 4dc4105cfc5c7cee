/* Shared body of the fuzz targets: read a buffer as a return and walk it;
 * when it reads, validate it as duty25 validate would. */
#ifndef D25_FUZZ_COMMON_H
#define D25_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <stdio.h>
#include <stdlib.h>

#include "ooxml/ooxml.h"
#include "ooxml/xml.h"
#include "validate/validate.h"

static size_t fuzz_walk(const d25_ooxml *f)
{
    size_t n = 0;
    char ref[16];
    if (f->book)
        for (size_t s = 0; s < f->book->nsheets; s++)
            for (size_t i = 0; i < f->book->sheets[s].ncells; i++) {
                const d25_xcell *c = &f->book->sheets[s].cells[i];
                d25_cell_ref(c->row, c->col, ref);
                n += strlen(c->text) + strlen(ref);
            }
    if (f->doc)
        for (size_t t = 0; t < f->doc->ntables; t++)
            for (size_t r = 0; r < f->doc->tables[t].nrows; r++)
                for (size_t k = 0; k < f->doc->tables[t].rows[r].n; k++)
                    n += strlen(f->doc->tables[t].rows[r].cells[k].text);
    return n;
}

/* The rule set and registry the validator judges a return by, loaded once:
 * $D25_FUZZ_ROOT (default: the repository, two folders up from build/fuzz
 * where run.sh runs the targets)/config.  NULL when they cannot be read:
 * then only the reader is fuzzed. */
static const d25_vctx *fuzz_vctx(const d25_limits *lim)
{
    static int tried;
    static d25_vctx ctx;
    static d25_limits limits;
    if (!tried) {
        tried = 1;
        const char *root = getenv("D25_FUZZ_ROOT");
        char rp[4096], up[4096];
        snprintf(rp, sizeof rp, "%s/config/rules-education.ini", root ? root : "../..");
        snprintf(up, sizeof up, "%s/config/units.csv", root ? root : "../..");
        d25_error err = {0};
        d25_rules *rules = d25_rules_load(rp, &err);
        d25_error_clear(&err);
        d25_registry *reg = rules ? d25_registry_load(up, &err) : NULL;
        d25_error_clear(&err);
        if (rules && reg) {
            limits = *lim;
            ctx = (d25_vctx){.rules = rules, .registry = reg, .limits = &limits, .want_period = 2026 * 12 + 10};
        } else {
            if (rules)
                d25_rules_free(rules);
            fprintf(stderr, "fuzz: no rule set at %s: the validator is not fuzzed\n", rp);
        }
    }
    return ctx.rules ? &ctx : NULL;
}

static int fuzz_one(const uint8_t *data, size_t size, const char *name)
{
    d25_limits lim;
    d25_limits_default(&lim);
    lim.max_part_bytes = 16u << 20;  /* keep each run fast and within libFuzzer's RSS limit */
    lim.max_total_bytes = 64u << 20;
    lim.max_text_bytes = 16u << 20;
    lim.max_cells = 200000;
    d25_xml_init();
    d25_ooxml *f = d25_ooxml_read_buffer(data, size, name, &lim);
    if (f) {
        if (f->error.code == D25_OK && !f->book && !f->doc)
            __builtin_trap(); /* success must come with content */
        if (f->error.code != D25_OK && (f->book || f->doc || !f->error.message[0]))
            __builtin_trap(); /* failure must come with a message and nothing else */
        volatile size_t n = fuzz_walk(f);
        (void)n;
        int read_ok = f->error.code == D25_OK;
        d25_ooxml_free(f);
        /* A file that reads is also judged: the forms readers (status
         * sub-columns, marked choices, titles, signature) and the checks. */
        const d25_vctx *ctx = read_ok ? fuzz_vctx(&lim) : NULL;
        if (ctx) {
            d25_result res;
            if (d25_validate_data(ctx, name, data, size, &res) == 0 && res.read_ok != 1)
                __builtin_trap(); /* it read once, it reads again */
            d25_result_free(&res);
        }
    }
    return 0;
}

#endif
