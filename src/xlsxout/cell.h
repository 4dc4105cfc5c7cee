/*
 * xlsxout/cell: text into a libxlsxwriter cell, as XML 1.0 may hold it.
 *
 * The workbooks duty25 writes (the statistical workbook, the blank forms)
 * carry text from returns and from the registry.  libxlsxwriter escapes
 * markup and control characters but writes U+FFFE, U+FFFF and stray bytes
 * as they come, which Excel and LibreOffice refuse to open; every string
 * goes through util/text's d25_xml_safe first.
 *
 * Ownership: nothing is kept; libxlsxwriter copies the text.
 */
#ifndef D25_XLSXOUT_CELL_H
#define D25_XLSXOUT_CELL_H

#include <xlsxwriter.h>

/* worksheet_write_string with s made safe (NULL writes nothing). */
lxw_error d25_xlsx_string(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s, lxw_format *fmt);

#endif
