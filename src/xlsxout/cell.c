/* xlsxout/cell: safe text into worksheet cells (see cell.h). */
#include "cell.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../util/text.h"

lxw_error d25_xlsx_string(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s, lxw_format *fmt)
{
    if (!s)
        return LXW_NO_ERROR;
    bool changed;
    char *clean = d25_xml_safe(s, strlen(s), &changed);
    if (!changed)
        return worksheet_write_string(ws, r, c, s, fmt);
    if (!clean)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    lxw_error e = worksheet_write_string(ws, r, c, clean, fmt);
    free(clean);
    return e;
}
