/* suggest: the nearest word to a typo (see suggest.h). */
#include "suggest.h"
#include "fold.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ASCII lowered, so that "Status" finds "status". */
static char *lower(const char *s)
{
    char *o = strdup(s);
    if (o)
        for (char *p = o; *p; p++)
            *p = (char)tolower((unsigned char)*p);
    return o;
}

const char *d25_suggest(const char *typed, const char *const *words, size_t n)
{
    if (!typed || !*typed)
        return NULL;
    size_t len = d25_utf8_len(typed);
    size_t max = len / 3;
    if (max < 1)
        max = 1;
    if (max > 3)
        max = 3;
    char *t = lower(typed);
    if (!t)
        return NULL;
    const char *best = NULL;
    size_t best_d = max + 1;
    for (size_t i = 0; i < n; i++) {
        if (!words[i])
            continue;
        char *w = lower(words[i]);
        if (!w)
            break;
        size_t d = d25_text_distance(t, w, max);
        /* a word that starts with what was typed (an abbreviation) is near too */
        if (d > max && strlen(t) >= 3 && strncmp(w, t, strlen(t)) == 0)
            d = max;
        free(w);
        if (d < best_d) {
            best_d = d;
            best = words[i];
        }
    }
    free(t);
    return best;
}
