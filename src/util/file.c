/* file: atomic writes and safe moves (see file.h). */
#include "file.h"
#include "syserr.h"
#include "text.h"
#include "fold.h"
#include "buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_all(int fd, const char *p, size_t len)
{
    while (len) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Characters a file name must not carry: controls, the bidirectional
 * overrides and isolates that make "报表\u202Excod.exe" display as
 * "报表exe.docx", and Unicode non-characters. */
static bool unsafe_in_name(uint32_t c)
{
    return c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || c == 0x061C || c == 0x200E || c == 0x200F ||
           (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || (c >= 0xFDD0 && c <= 0xFDEF) ||
           (c & 0xFFFE) == 0xFFFE;
}

char *d25_safe_filename(const char *name)
{
    const char *p = name ? name : "";
    d25_buf b = {0};
    while (*p) {
        const char *start = p;
        uint32_t c = d25_utf8_next(&p);
        if (c < 0x80 && strchr("/\\:*?\"<>|", (int)c) && c)
            d25_buf_putc(&b, '_');
        else if (c == 0xFFFD && !(p - start == 3 && memcmp(start, "\xEF\xBF\xBD", 3) == 0))
            d25_buf_putc(&b, '_'); /* bytes that are not UTF-8 */
        else if (unsafe_in_name(c))
            d25_buf_putc(&b, '_');
        else
            d25_buf_append(&b, start, (size_t)(p - start));
    }
    char *s = d25_buf_steal(&b); /* "" when nothing was appended */
    if (!s)
        return NULL;
    if (s[0] == '.')
        s[0] = '_';
    if (s[0] == '~' && s[1] == '$')
        s[0] = '_';
    return s;
}

int d25_write_atomic(const char *path, const void *data, size_t len, d25_error *err)
{
    char *tmp = NULL;
    if (asprintf(&tmp, "%s.tmp%ld", path, (long)getpid()) < 0)
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int rc = 0;
    if (fd < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0) {
        rc = d25_fail(err, D25_E_IO, "无法写入 %s（%s）", path, d25_strerror(errno));
    }
    if (fd >= 0 && close(fd) < 0 && rc == 0)
        rc = d25_fail(err, D25_E_IO, "无法写入 %s（%s）", path, d25_strerror(errno));
    if (rc == 0 && rename(tmp, path) < 0)
        rc = d25_fail(err, D25_E_IO, "无法写入 %s（%s）", path, d25_strerror(errno));
    if (rc)
        unlink(tmp);
    free(tmp);
    return rc;
}

int d25_dir_writable(const char *path, d25_error *err)
{
    char *dir = d25_dirname(path);
    if (!dir)
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    struct stat st;
    int rc = 0;
    if (stat(dir, &st) < 0)
        rc = errno == ENOENT ? d25_fail(err, D25_E_IO, "无法写入 %s：文件夹 %s 不存在", path, dir)
                             : d25_fail(err, D25_E_IO, "无法写入 %s：文件夹 %s 无法访问（%s）", path, dir, d25_strerror(errno));
    else if (!S_ISDIR(st.st_mode))
        rc = d25_fail(err, D25_E_IO, "无法写入 %s：%s 不是文件夹", path, dir);
    else if (access(dir, W_OK) < 0)
        rc = d25_fail(err, D25_E_IO, "无法写入 %s：没有在文件夹 %s 中写文件的权限", path, dir);
    free(dir);
    return rc;
}

int d25_mkdirs(const char *dir, d25_error *err)
{
    char *p = strdup(dir);
    if (!p)
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    for (char *s = p + 1;; s++) {
        if (*s == '/' || !*s) {
            char c = *s;
            *s = 0;
            if (mkdir(p, 0775) < 0 && errno != EEXIST) {
                int e = errno;
                free(p);
                return d25_fail(err, D25_E_IO, "无法创建文件夹 %s（%s）", dir, d25_strerror(e));
            }
            *s = c;
            if (!c)
                break;
        }
    }
    free(p);
    struct stat st;
    if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
        return d25_fail(err, D25_E_IO, "无法创建文件夹 %s：已有同名的文件", dir);
    return 0;
}

static int copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY | O_CLOEXEC), out = -1, rc = -1;
    if (in < 0)
        return -1;
    if ((out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) >= 0) {
        char buf[65536];
        ssize_t n;
        while ((n = read(in, buf, sizeof buf)) > 0)
            if (write_all(out, buf, (size_t)n) < 0)
                break;
        rc = n == 0 && fsync(out) == 0 ? 0 : -1;
        if (close(out) < 0)
            rc = -1;
        if (rc)
            unlink(to);
    }
    close(in);
    return rc;
}

int d25_move_into(const char *path, const char *dir, char **moved_to, d25_error *err)
{
    *moved_to = NULL;
    if (d25_mkdirs(dir, err) < 0)
        return -1;
    const char *base = d25_basename(path);
    int stem = d25_stem_len(base);
    const char *ext = base + stem;
    for (int k = 1; k < 1000; k++) {
        char *to = NULL;
        if ((k == 1 ? asprintf(&to, "%s/%s", dir, base) : asprintf(&to, "%s/%.*s-%d%s", dir, stem, base, k, ext)) < 0)
            return d25_fail(err, D25_E_NOMEM, "内存不足");
        /* link() refuses to replace: the name is ours once it succeeds.
         * Across file systems, a copy made with O_EXCL does the same. */
        int placed = link(path, to);
        if (placed < 0 && (errno == EXDEV || errno == EPERM || errno == ENOTSUP))
            placed = copy_file(path, to);
        if (placed == 0) {
            if (unlink(path) < 0) {
                int e = errno;
                unlink(to);
                free(to);
                return d25_fail(err, D25_E_IO, "无法移动 %s（%s）", path, d25_strerror(e));
            }
            *moved_to = to;
            return 0;
        }
        if (errno == EEXIST) {
            free(to);
            continue;
        }
        int e = errno;
        free(to);
        return d25_fail(err, D25_E_IO, "无法把 %s 移到 %s（%s）", path, dir, d25_strerror(e));
    }
    return d25_fail(err, D25_E_IO, "无法把 %s 移到 %s：同名文件过多", path, dir);
}

int d25_open_regular(const char *path, struct stat *st)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return -1;
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
        int e = errno;
        close(fd);
        errno = S_ISREG(st->st_mode) ? e : EINVAL;
        return -1;
    }
    /* A regular file: back to ordinary blocking reads. */
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    return fd;
}
