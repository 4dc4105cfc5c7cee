/* Shared body of the fuzz targets: read a buffer as a return and walk it. */
#ifndef D25_FUZZ_COMMON_H
#define D25_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ooxml/ooxml.h"
#include "ooxml/xml.h"

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
        d25_ooxml_free(f);
    }
    return 0;
}

#endif
