/* xlsxout/book: workbooks written atomically (see book.h). */
#include "book.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../util/file.h"
#include "../util/syserr.h"

lxw_workbook *d25_xlsx_begin(const char *path, bool constant_memory, char **tmp, d25_error *err)
{
    *tmp = NULL;
    /* libxlsxwriter only opens the file when the workbook is closed, and
     * then says what went wrong in English on stderr: say it first. */
    if (d25_dir_writable(path, err) < 0)
        return NULL;
    return d25_xlsx_begin_early(path, constant_memory, tmp, err);
}

lxw_workbook *d25_xlsx_begin_early(const char *path, bool constant_memory, char **tmp, d25_error *err)
{
    *tmp = NULL;
    if (asprintf(tmp, "%s.tmp%ld.xlsx", path, (long)getpid()) < 0) {
        *tmp = NULL;
        d25_fail(err, D25_E_NOMEM, "内存不足");
        return NULL;
    }
    lxw_workbook_options opts = {.constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE};
    lxw_workbook *wb = workbook_new_opt(*tmp, &opts);
    if (!wb) {
        free(*tmp);
        *tmp = NULL;
        d25_fail(err, D25_E_IO, "无法创建 %s", path);
    }
    return wb;
}

static pthread_mutex_t tmp_names = PTHREAD_MUTEX_INITIALIZER;

void d25_xlsx_lock(void)
{
    pthread_mutex_lock(&tmp_names);
}

void d25_xlsx_unlock(void)
{
    pthread_mutex_unlock(&tmp_names);
}

lxw_worksheet *d25_xlsx_add_sheet(lxw_workbook *wb, const char *name)
{
    d25_xlsx_lock();
    lxw_worksheet *ws = workbook_add_worksheet(wb, name);
    d25_xlsx_unlock();
    return ws;
}

int d25_xlsx_written(lxw_workbook *wb, const char *tmp, const char *path, d25_error *err)
{
    if (d25_dir_writable(path, err) < 0) {
        d25_xlsx_discard(wb, NULL);
        return -1;
    }
    d25_xlsx_lock();
    lxw_error e = workbook_close(wb);
    d25_xlsx_unlock();
    if (e == LXW_NO_ERROR)
        return 0;
    unlink(tmp);
    return d25_fail(err, D25_E_IO, "写入 %s 失败（%s）", path, d25_lxw_strerror(e));
}

int d25_xlsx_commit(char *tmp, const char *path, bool keep, d25_error *err)
{
    int rc = 0;
    if (keep && rename(tmp, path) != 0)
        rc = d25_fail(err, D25_E_IO, "无法写入 %s（%s）", path, d25_strerror(errno));
    if (!keep || rc)
        unlink(tmp);
    free(tmp);
    return rc;
}

int d25_xlsx_finish(lxw_workbook *wb, char *tmp, const char *path, d25_error *err)
{
    d25_xlsx_lock();
    lxw_error e = workbook_close(wb);
    d25_xlsx_unlock();
    if (e != LXW_NO_ERROR) {
        unlink(tmp);
        free(tmp);
        return d25_fail(err, D25_E_IO, "写入 %s 失败（%s）", path, d25_lxw_strerror(e));
    }
    return d25_xlsx_commit(tmp, path, true, err);
}

void d25_xlsx_discard(lxw_workbook *wb, char *tmp)
{
    /* libxlsxwriter creates the file only when the workbook is closed, and
     * its free leaves each constant-memory sheet's temporary file open. */
    lxw_worksheet *ws;
    if (wb) {
        LXW_FOREACH_WORKSHEET(ws, wb) {
            if (ws->optimize_tmpfile)
                fclose(ws->optimize_tmpfile);
            ws->optimize_tmpfile = ws->file = NULL;
        }
    }
    lxw_workbook_free(wb);
    free(tmp);
}
