/* libFuzzer target: saved mails (.eml), seeded from the fixture mails. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ingest/mail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    d25_mail_limits lim = {.max_bytes = 8u << 20, .max_part_bytes = 1u << 20, .max_parts = 20};
    d25_error err = {0};
    d25_mail *m = d25_mail_read_buffer(data, size, "fuzz.eml", &lim, &err);
    if (!m) {
        if (err.code == D25_OK || !err.message[0])
            __builtin_trap(); /* failure must come with a message */
        return 0;
    }
    if (!d25_mail_looks_like(data, size))
        __builtin_trap(); /* only what looks like a mail is read as one */
    if ((m->received == (time_t)-1) != (m->received_from == NULL))
        __builtin_trap();
    if (m->nparts > lim.max_parts)
        __builtin_trap();
    volatile size_t n = 0;
    for (size_t i = 0; i < m->nparts; i++) {
        const d25_mail_part *p = &m->parts[i];
        if (!p->name || !p->name[0] || strchr(p->name, '/') || strchr(p->name, '\\'))
            __builtin_trap(); /* a name, never a path */
        for (const unsigned char *c = (const unsigned char *)p->name; *c; c++)
            if (*c < 0x20 || *c == 0x7F)
                __builtin_trap();
        if ((p->data == NULL) != (p->error.code != D25_OK) || p->len > lim.max_part_bytes)
            __builtin_trap();
        for (size_t k = 0; k < p->len; k += 4096)
            n += p->data[k];
        n += strlen(p->name);
    }
    n += m->subject ? strlen(m->subject) : 0;
    n += m->from ? strlen(m->from) : 0;
    d25_mail_free(m);
    return 0;
}
