/* syserr: Chinese system and library error text (see syserr.h). */
#include "syserr.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>
#include <zip.h>

static const struct {
    int e;
    const char *text;
} errnos[] = {
    {ENOENT, "没有这个文件或文件夹"},
    {EACCES, "没有权限"},
    {EPERM, "不允许这样操作"},
    {ENOSPC, "磁盘已满"},
    {EDQUOT, "超出了磁盘配额"},
    {EROFS, "磁盘是只读的"},
    {EISDIR, "这是一个文件夹，不是文件"},
    {ENOTDIR, "路径中有一部分不是文件夹"},
    {EEXIST, "已经存在"},
    {ENOTEMPTY, "文件夹不是空的"},
    {EIO, "读写磁盘出错"},
    {EMFILE, "本程序打开的文件太多"},
    {ENFILE, "系统打开的文件太多"},
    {ENOMEM, "内存不足"},
    {ENAMETOOLONG, "文件名太长"},
    {ELOOP, "符号链接嵌套太多"},
    {EBUSY, "文件或设备正忙"},
    {ETXTBSY, "文件正在使用"},
    {EXDEV, "不能跨磁盘移动"},
    {EFBIG, "文件太大"},
    {EINVAL, "参数无效"},
    {EAGAIN, "资源暂时不可用，请稍后再试"},
    {EINTR, "操作被中断"},
    {ESTALE, "网络文件句柄已失效"},
    {ENXIO, "没有这个设备或地址"},
    {ENODEV, "没有这个设备"},
    {ETIMEDOUT, "操作超时"},
    {EMLINK, "链接太多"},
    {ENOLCK, "没有可用的锁"},
    {EOVERFLOW, "数值太大"},
};

const char *d25_strerror(int e)
{
    for (size_t i = 0; i < sizeof errnos / sizeof errnos[0]; i++)
        if (errnos[i].e == e)
            return errnos[i].text;
    static _Thread_local char buf[128];
    char sys[96];
    const char *s = strerror_r(e, sys, sizeof sys);
    /* glibc's text is translated when it is not plain ASCII */
    for (const char *p = s; p && *p; p++)
        if ((unsigned char)*p >= 0x80) {
            snprintf(buf, sizeof buf, "%s", s);
            return buf;
        }
    snprintf(buf, sizeof buf, "系统错误 %d", e);
    return buf;
}

const char *d25_sqlite_strerror(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK: return "成功";
    case SQLITE_PERM: return "没有权限（SQLITE_PERM）";
    case SQLITE_ABORT: return "操作被中止（SQLITE_ABORT）";
    case SQLITE_BUSY: return "数据库正被另一个程序使用（SQLITE_BUSY）";
    case SQLITE_LOCKED: return "数据库表被锁定（SQLITE_LOCKED）";
    case SQLITE_NOMEM: return "内存不足（SQLITE_NOMEM）";
    case SQLITE_READONLY: return "数据库是只读的，不能写入（SQLITE_READONLY）";
    case SQLITE_INTERRUPT: return "操作被中断（SQLITE_INTERRUPT）";
    case SQLITE_IOERR: return "读写磁盘出错（SQLITE_IOERR）";
    case SQLITE_CORRUPT: return "数据库文件已损坏（SQLITE_CORRUPT）";
    case SQLITE_FULL: return "磁盘已满（SQLITE_FULL）";
    case SQLITE_CANTOPEN: return "无法打开数据库文件：文件夹不存在或没有权限（SQLITE_CANTOPEN）";
    case SQLITE_PROTOCOL: return "数据库锁定协议出错（SQLITE_PROTOCOL）";
    case SQLITE_SCHEMA: return "数据库结构已改变（SQLITE_SCHEMA）";
    case SQLITE_TOOBIG: return "数据太大（SQLITE_TOOBIG）";
    case SQLITE_CONSTRAINT: return "违反数据库约束（SQLITE_CONSTRAINT）";
    case SQLITE_MISMATCH: return "数据类型不符（SQLITE_MISMATCH）";
    case SQLITE_MISUSE: return "程序错误地使用了数据库（SQLITE_MISUSE）";
    case SQLITE_NOLFS: return "系统不支持大文件（SQLITE_NOLFS）";
    case SQLITE_AUTH: return "没有授权（SQLITE_AUTH）";
    case SQLITE_RANGE: return "参数序号超出范围（SQLITE_RANGE）";
    case SQLITE_NOTADB: return "这不是 duty25 的数据库文件，或文件已损坏（SQLITE_NOTADB）";
    default: return "数据库内部错误（SQLITE_ERROR）";
    }
}

const char *d25_zip_strerror(zip_error_t *zerr)
{
    int ze = zip_error_code_zip(zerr);
    int sys_err = zip_error_system_type(zerr) == ZIP_ET_SYS ? zip_error_code_system(zerr) : 0;
    static _Thread_local char buf[192];
    const char *t;
    switch (ze) {
    case ZIP_ER_OK: t = "成功（ZIP_ER_OK）"; break;
    case ZIP_ER_MULTIDISK: t = "不支持分卷压缩包（ZIP_ER_MULTIDISK）"; break;
    case ZIP_ER_RENAME: t = "临时文件改名失败（ZIP_ER_RENAME）"; break;
    case ZIP_ER_CLOSE: t = "关闭压缩包失败（ZIP_ER_CLOSE）"; break;
    case ZIP_ER_SEEK: t = "定位失败（ZIP_ER_SEEK）"; break;
    case ZIP_ER_READ: t = "读取失败（ZIP_ER_READ）"; break;
    case ZIP_ER_WRITE: t = "写入失败（ZIP_ER_WRITE）"; break;
    case ZIP_ER_CRC: t = "校验和不符，内容已损坏（ZIP_ER_CRC）"; break;
    case ZIP_ER_NOENT: t = "没有这个文件（ZIP_ER_NOENT）"; break;
    case ZIP_ER_EXISTS: t = "文件已经存在（ZIP_ER_EXISTS）"; break;
    case ZIP_ER_OPEN: t = "无法打开文件（ZIP_ER_OPEN）"; break;
    case ZIP_ER_TMPOPEN: t = "无法创建临时文件（ZIP_ER_TMPOPEN）"; break;
    case ZIP_ER_ZLIB: t = "解压出错（ZIP_ER_ZLIB）"; break;
    case ZIP_ER_MEMORY: t = "内存不足（ZIP_ER_MEMORY）"; break;
    case ZIP_ER_COMPNOTSUPP: t = "不支持的压缩方式（ZIP_ER_COMPNOTSUPP）"; break;
    case ZIP_ER_EOF: t = "文件提前结束，可能没有保存完整（ZIP_ER_EOF）"; break;
    case ZIP_ER_NOZIP: t = "不是压缩包（ZIP_ER_NOZIP）"; break;
    case ZIP_ER_INCONS: t = "压缩包结构不一致（ZIP_ER_INCONS）"; break;
    case ZIP_ER_ENCRNOTSUPP: t = "不支持的加密方式（ZIP_ER_ENCRNOTSUPP）"; break;
    case ZIP_ER_NOPASSWD: t = "需要密码（ZIP_ER_NOPASSWD）"; break;
    case ZIP_ER_WRONGPASSWD: t = "密码错误（ZIP_ER_WRONGPASSWD）"; break;
    case ZIP_ER_COMPRESSED_DATA: t = "压缩数据无效（ZIP_ER_COMPRESSED_DATA）"; break;
    default: snprintf(buf, sizeof buf, "压缩包处理出错（libzip %d）", ze); return buf;
    }
    if (!sys_err)
        return t;
    snprintf(buf, sizeof buf, "%s：%s", t, d25_strerror(sys_err));
    return buf;
}

const char *d25_lxw_strerror(int e)
{
    switch (e) {
    case LXW_NO_ERROR: return "成功";
    case LXW_ERROR_MEMORY_MALLOC_FAILED: return "内存不足（LXW_ERROR_MEMORY_MALLOC_FAILED）";
    case LXW_ERROR_CREATING_XLSX_FILE: return "无法创建文件：文件夹不存在、没有权限或文件正被打开（LXW_ERROR_CREATING_XLSX_FILE）";
    case LXW_ERROR_CREATING_TMPFILE: return "无法创建临时文件（LXW_ERROR_CREATING_TMPFILE）";
    case LXW_ERROR_READING_TMPFILE: return "无法读取临时文件（LXW_ERROR_READING_TMPFILE）";
    case LXW_ERROR_ZIP_FILE_OPERATION: return "写入压缩包失败，可能磁盘已满（LXW_ERROR_ZIP_FILE_OPERATION）";
    case LXW_ERROR_ZIP_CLOSE: return "关闭压缩包失败，可能磁盘已满（LXW_ERROR_ZIP_CLOSE）";
    case LXW_ERROR_ZIP_FILE_ADD: return "向压缩包添加内容失败（LXW_ERROR_ZIP_FILE_ADD）";
    default: return "生成 Excel 文件出错（libxlsxwriter）";
    }
}
