/* jsonout: JSON strings through jansson (see jsonout.h). */
#include "jsonout.h"
#include "text.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

void d25_json_str(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    json_t *j = json_string(s);
    char *fixed = NULL;
    if (!j) { /* not valid UTF-8 */
        fixed = d25_utf8_sanitize(s, strlen(s));
        j = fixed ? json_string(fixed) : NULL;
    }
    if (!j) {
        fputs("\"\"", f);
        free(fixed);
        return;
    }
    json_dumpf(j, f, JSON_ENCODE_ANY);
    json_decref(j);
    free(fixed);
}
