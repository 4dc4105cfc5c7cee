/*
 * receipts: the office's receipt register (收件登记), when each return
 * really arrived.
 *
 * A return saved into the inbox days after it came by mail or chat, or
 * copied to another machine, carries the time of the copy; the office often
 * keeps a register of what came when.  Any file named 收件登记….csv / .txt /
 * .xlsx among the paths ingested is read as one (CSV in any encoding the
 * unit registry accepts, or a workbook's first sheet; table.h).  Its first
 * row that names the columns is the header, in any order:
 *   收到时间 (收件时间 / 接收时间 / 时间 / received)   required
 *   文件名 (文件 / 文件名称 / file)                     the return's file name
 *   单位 (单位名称 / 单位代码 / 报送单位 / unit)        a unit's name or code
 *   月份 (所属月份 / 报表月份 / period)                 with 单位: which month
 * A row gives a file name, or a unit and a month.  Times are written
 * "2026-11-20 10:30[:05]", "2026/11/20 10:30", "2026年11月20日 10:30" or a
 * date alone (the start of that day), or are Excel date cells.  A row keyed
 * by file wins over one keyed by unit.  Refused by name and line, never
 * guessed: a time that cannot be read, a unit not in the registry, the same
 * file or the same unit and month given two different times.
 *
 * Ownership: d25_receipts owns its entries (d25_receipts_free, NULL-safe);
 * the registry passed to d25_receipts_load must outlive the lookups.
 */
#ifndef D25_REGISTRY_RECEIPTS_H
#define D25_REGISTRY_RECEIPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "../util/error.h"
#include "units.h"

typedef struct d25_receipts d25_receipts;

/* Is this file name a receipt register's (收件登记*.csv / .txt / .xlsx)? */
bool d25_is_receipt_register(const char *name);

d25_receipts *d25_receipts_new(void);
void d25_receipts_free(d25_receipts *r);
/* Add the register at path.  The number of entries read, or -1 with err
 * set (D25_E_CONFIG naming the file and line; nothing of it is kept). */
int d25_receipts_load(d25_receipts *r, const char *path, const d25_registry *reg, d25_error *err);
/* When the return in the file at path (unit code and period "YYYY-MM"
 * as read, each NULL when unknown) arrived: 1 with *when, else 0. */
int d25_receipts_find(const d25_receipts *r, const char *path, const char *unit, const char *period, time_t *when);

/* A time as an office writes one (see above), in local time; false when
 * it is not one. */
bool d25_parse_receipt_time(const char *text, time_t *out);

#endif
