/* numfmt: number formats, dates and number text (see numfmt.h). */
#include "numfmt.h"
#include "../util/text.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

d25_nf_kind d25_numfmt_builtin(unsigned id)
{
    if ((id >= 14 && id <= 22) || (id >= 45 && id <= 47) || (id >= 27 && id <= 36) || (id >= 50 && id <= 58))
        return id == 46 ? D25_NF_ELAPSED : D25_NF_DATE;
    return D25_NF_NUMBER;
}

d25_nf_kind d25_numfmt_classify(const char *code)
{
    bool date = false, elapsed = false;
    /* Only the first section (positive numbers) decides. */
    for (const char *p = code; *p; p++) {
        char c = *p;
        if (c == ';')
            break;
        if (c == '"') { /* literal text */
            p++;
            while (*p && *p != '"')
                p++;
            if (!*p)
                break;
            continue;
        }
        if (c == '\\' || c == '_' || c == '*') { /* escaped, padding, fill char */
            if (p[1])
                p++;
            continue;
        }
        if (c == '[') {
            const char *e = strchr(p, ']');
            if (!e)
                break;
            size_t l = (size_t)(e - p - 1);
            char tmp[16] = {0};
            if (l < sizeof tmp)
                memcpy(tmp, p + 1, l);
            bool all_hms = l > 0 && l < sizeof tmp;
            for (size_t i = 0; all_hms && i < l; i++) {
                char t = (char)tolower((unsigned char)tmp[i]);
                if (t != tmp[0] && t != tolower((unsigned char)tmp[0]))
                    all_hms = false;
                if (t != 'h' && t != 'm' && t != 's')
                    all_hms = false;
            }
            if (all_hms)
                elapsed = true;
            p = e;
            continue;
        }
        char l = (char)tolower((unsigned char)c);
        if (l == 'd' || l == 'm' || l == 'y' || l == 'h' || l == 's')
            date = true;
    }
    if (elapsed)
        return D25_NF_ELAPSED;
    return date ? D25_NF_DATE : D25_NF_NUMBER;
}

void d25_format_number(double v, char *out, size_t n)
{
    if (isnan(v)) {
        snprintf(out, n, "NaN");
        return;
    }
    if (isinf(v)) {
        snprintf(out, n, v > 0 ? "inf" : "-inf");
        return;
    }
    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(out, n, "%.0f", v);
        if (strcmp(out, "-0") == 0)
            snprintf(out, n, "0");
        return;
    }
    /* Shortest significant digits that round-trip, then Python-repr layout:
     * positional for exponents -4..15, scientific otherwise. */
    char sci[40];
    int prec;
    for (prec = 1; prec <= 17; prec++) {
        snprintf(sci, sizeof sci, "%.*e", prec - 1, v);
        if (strtod(sci, NULL) == v)
            break;
    }
    char *e = strchr(sci, 'e');
    int exp10 = atoi(e + 1);
    *e = '\0';
    char digits[24];
    size_t nd = 0;
    bool neg = sci[0] == '-';
    for (const char *p = sci; *p; p++)
        if (isdigit((unsigned char)*p) && nd < sizeof digits - 1)
            digits[nd++] = *p;
    digits[nd] = '\0';
    while (nd > 1 && digits[nd - 1] == '0')
        digits[--nd] = '\0';
    char buf[64];
    size_t w = 0;
    if (neg)
        buf[w++] = '-';
    if (exp10 >= -4 && exp10 < 16) {
        if (exp10 < 0) {
            buf[w++] = '0';
            buf[w++] = '.';
            for (int i = 0; i < -exp10 - 1; i++)
                buf[w++] = '0';
            for (size_t i = 0; i < nd; i++)
                buf[w++] = digits[i];
        } else {
            for (int i = 0; i <= exp10; i++)
                buf[w++] = (size_t)i < nd ? digits[i] : '0';
            if ((size_t)exp10 + 1 < nd) {
                buf[w++] = '.';
                for (size_t i = (size_t)exp10 + 1; i < nd; i++)
                    buf[w++] = digits[i];
            }
        }
        buf[w] = '\0';
    } else {
        buf[w++] = digits[0];
        if (nd > 1) {
            buf[w++] = '.';
            for (size_t i = 1; i < nd; i++)
                buf[w++] = digits[i];
        }
        buf[w] = '\0';
        snprintf(buf + w, sizeof buf - w, "e%c%02d", exp10 < 0 ? '-' : '+', abs(exp10));
    }
    d25_copy(out, n, buf);
}

/* Days since 1970-01-01 to civil date (Howard Hinnant's algorithm). */
static void civil_from_days(long long z, long long *y, unsigned *m, unsigned *d)
{
    z += 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long yy = (long long)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yy + (*m <= 2);
}

static long long days_from_civil(long long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

bool d25_format_serial_date(double v, bool date1904, char *out, size_t n)
{
    if (!isfinite(v) || v < 0 || v > 2958466.0) /* Excel's range ends 9999-12-31 */
        return false;
    double day = floor(v);
    long long secs = llround((v - day) * 86400.0);
    long long iday = (long long)day;
    if (secs >= 86400) {
        secs -= 86400;
        iday++;
    }
    unsigned hh = (unsigned)(secs / 3600), mm = (unsigned)(secs / 60 % 60), ss = (unsigned)(secs % 60);
    if (v < 1 && !date1904 && iday == 0) {
        snprintf(out, n, "%02u:%02u:%02u", hh, mm, ss);
        return true;
    }
    long long base;
    if (date1904) {
        base = days_from_civil(1904, 1, 1);
    } else {
        base = days_from_civil(1899, 12, 30);
        if (iday > 0 && iday < 60)
            iday += 1; /* Excel's fictitious 1900-02-29 */
    }
    long long y;
    unsigned mo, d;
    civil_from_days(base + iday, &y, &mo, &d);
    if (secs)
        snprintf(out, n, "%04lld-%02u-%02u %02u:%02u:%02u", y, mo, d, hh, mm, ss);
    else
        snprintf(out, n, "%04lld-%02u-%02u", y, mo, d);
    return true;
}

void d25_format_elapsed(double v, char *out, size_t n)
{
    long long secs = llround(fabs(v) * 86400.0);
    snprintf(out, n, "%s%lld:%02lld:%02lld", v < 0 ? "-" : "", secs / 3600, secs / 60 % 60, secs % 60);
}

bool d25_format_iso_date(const char *iso, char *out, size_t n)
{
    int y, mo, d, hh = 0, mi = 0, ss = 0;
    if (sscanf(iso, "%4d-%2d-%2d", &y, &mo, &d) == 3) {
        const char *t = strchr(iso, 'T');
        if (t)
            sscanf(t + 1, "%2d:%2d:%2d", &hh, &mi, &ss);
        if (hh || mi || ss)
            snprintf(out, n, "%04d-%02d-%02d %02d:%02d:%02d", y, mo, d, hh, mi, ss);
        else
            snprintf(out, n, "%04d-%02d-%02d", y, mo, d);
        return true;
    }
    if (sscanf(iso, "%2d:%2d:%2d", &hh, &mi, &ss) >= 2) {
        snprintf(out, n, "%02d:%02d:%02d", hh, mi, ss);
        return true;
    }
    return false;
}
