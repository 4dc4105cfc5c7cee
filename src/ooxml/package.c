/* package: OPC packages over libzip, with inflate limits (see package.h). */
#include "package.h"
#include "../util/syserr.h"
#include "../util/file.h"
#include "xml.h"
#include "../util/buf.h"
#include "../util/text.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libdeflate.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

void d25_limits_default(d25_limits *l)
{
    l->max_file_bytes = 64u << 20;
    l->max_entries = 10000;
    l->max_part_bytes = 256u << 20;
    l->max_total_bytes = 1024u << 20;
    l->max_ratio = 200;
    l->ratio_min_bytes = 4u << 20;
    l->max_text_bytes = 64u << 20;
    l->max_cells = 5000000;
    l->max_xml_depth = 128;
}

typedef struct {
    char *key;       /* normalised name: '/' separators, no leading '/', ASCII lower case */
    zip_uint64_t index;
    char *cache;     /* the inflated bytes kept from verify_entries, or NULL */
    size_t cache_len;
} entry;

/* verify_entries keeps the parts the readers will read (worth_keeping), up
 * to this many bytes in all, so that they are not inflated twice. */
enum { CACHE_BUDGET = 8u << 20 };

typedef struct {
    char *key;       /* normalised part name or "*.ext" for a Default */
    char *type;
} ctype;

struct d25_pkg {
    d25_limits lim;
    unsigned char *data;   /* the whole file, owned */
    size_t len;
    zip_t *zip;
    entry *entries;
    size_t nentries;
    ctype *ctypes;
    size_t nctypes, ctcap;
    char *main_part;
    char *main_type;
    d25_format format;
    bool macros;
    size_t inflated;       /* all parts so far */
};

struct d25_part {
    d25_pkg *pkg;
    zip_file_t *zf;        /* NULL when read from the entry's cache */
    const char *cache;
    size_t cache_len, pos;
    d25_error *err;
    zip_uint64_t comp_size;
    size_t inflated;
    char name[256];
};

/* ---- names ---- */

static void normalise(char *s)
{
    for (char *p = s; *p; p++) {
        if (*p == '\\')
            *p = '/';
        else
            *p = (char)tolower((unsigned char)*p);
    }
    size_t skip = 0;
    while (s[skip] == '/')
        skip++;
    if (skip)
        memmove(s, s + skip, strlen(s + skip) + 1);
}

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->key, ((const entry *)b)->key);
}

static const entry *find_entry(const d25_pkg *pkg, const char *name)
{
    char key[1024];
    if (strlen(name) >= sizeof key)
        return NULL;
    strcpy(key, name);
    normalise(key);
    entry probe = {.key = key};
    return bsearch(&probe, pkg->entries, pkg->nentries, sizeof(entry), entry_cmp);
}

bool d25_pkg_has_part(const d25_pkg *pkg, const char *part)
{
    return find_entry(pkg, part) != NULL;
}

/* Decode %XX escapes in place. */
static void percent_decode(char *s)
{
    char *w = s;
    for (char *r = s; *r; r++) {
        if (r[0] == '%' && isxdigit((unsigned char)r[1]) && isxdigit((unsigned char)r[2])) {
            char hex[3] = {r[1], r[2], 0};
            *w++ = (char)strtol(hex, NULL, 16);
            r += 2;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
}

/* Resolve target against the folder of source (OPC rules); malloc'd result. */
static char *resolve_target(const char *source, const char *target)
{
    d25_buf path = {0};
    char *t = strdup(target);
    if (!t)
        return NULL;
    for (char *p = t; *p; p++)
        if (*p == '\\')
            *p = '/';
    char *hash = strchr(t, '#');
    if (hash)
        *hash = '\0';
    percent_decode(t);
    if (t[0] != '/' && source) {
        const char *slash = strrchr(source, '/');
        if (slash)
            d25_buf_append(&path, source, (size_t)(slash - source + 1));
    }
    d25_buf_puts(&path, t);
    free(t);
    if (!path.data)
        return calloc(1, 1);
    /* Remove "." and ".." segments. */
    char *segs[256];
    size_t nseg = 0;
    char *save = NULL;
    char *src = path.data;
    for (char *tok = strtok_r(src, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
        if (strcmp(tok, ".") == 0)
            continue;
        if (strcmp(tok, "..") == 0) {
            if (nseg)
                nseg--;
            continue;
        }
        if (nseg < 256)
            segs[nseg++] = tok;
    }
    d25_buf out = {0};
    for (size_t i = 0; i < nseg; i++) {
        if (i)
            d25_buf_putc(&out, '/');
        d25_buf_puts(&out, segs[i]);
    }
    d25_buf_free(&path);
    return d25_buf_steal(&out);
}

/* ---- sniffing what is not a zip ---- */

static bool has_utf16(const unsigned char *d, size_t n, const char *ascii)
{
    size_t m = strlen(ascii);
    if (n < 2 * m)
        return false;
    for (size_t i = 0; i + 2 * m <= n; i++) {
        if (d[i] != (unsigned char)ascii[0] || d[i + 1] != 0)
            continue;
        size_t k = 1;
        while (k < m && d[i + 2 * k] == (unsigned char)ascii[k] && d[i + 2 * k + 1] == 0)
            k++;
        if (k == m)
            return true;
    }
    return false;
}

static int refuse_non_zip(const unsigned char *d, size_t n, const char *name, d25_error *err)
{
    static const unsigned char cfb[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    if (n >= 8 && memcmp(d, cfb, 8) == 0) {
        size_t scan = n < (8u << 20) ? n : (8u << 20);
        if (has_utf16(d, scan, "EncryptedPackage") || has_utf16(d, scan, "DocumentUserPassword"))
            return d25_fail(err, D25_E_ENCRYPTED,
                            "文件设置了打开密码（加密文档），无法读取。请在 Word/Excel/WPS 中清除打开密码，"
                            "另存为 .docx 或 .xlsx 后重新报送");
        if (has_utf16(d, scan, "WordDocument"))
            return d25_fail(err, D25_E_LEGACY_DOC,
                            "是旧版 Word 97-2003 文档（.doc），无法读取。请用 Word 或 WPS 打开后"
                            "“另存为”Word 文档（*.docx），不设密码，再重新报送");
        if (has_utf16(d, scan, "Workbook") || has_utf16(d, scan, "Book"))
            return d25_fail(err, D25_E_LEGACY_XLS,
                            "是旧版 Excel 97-2003 工作簿（.xls/.et），无法读取。请用 Excel 或 WPS 表格打开后"
                            "“另存为”Excel 工作簿（*.xlsx），不设密码，再重新报送");
        return d25_fail(err, D25_E_OLE,
                        "是旧版 Office/WPS 复合文档格式，无法读取。请另存为 .docx 或 .xlsx（不设密码）"
                        "后重新报送");
    }
    if (n >= 5 && memcmp(d, "%PDF-", 5) == 0)
        return d25_fail(err, D25_E_OTHER_FORMAT, "是 PDF 文件，无法读取表格内容。请报送可编辑的 .docx 或 .xlsx 原件");
    if (n >= 5 && memcmp(d, "{\\rtf", 5) == 0)
        return d25_fail(err, D25_E_OTHER_FORMAT, "是 RTF 格式文档，请用 Word 或 WPS 另存为 .docx 后重新报送");
    /* HTML or the XML Spreadsheet 2003 that web systems export as ".xls". */
    size_t i = 0;
    if (n >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF)
        i = 3;
    while (i < n && isspace(d[i]))
        i++;
    if (i < n && d[i] == '<')
        return d25_fail(err, D25_E_OTHER_FORMAT,
                        "是网页（HTML）或 XML 文本格式（常见于从网页系统导出的“.xls”），"
                        "请用 Excel 或 WPS 打开后另存为 .xlsx 再报送");
    if (strncmp(d25_basename(name), "~$", 2) == 0)
        return d25_fail(err, D25_E_LOCK_FILE,
                        "是 Word/Excel 打开文档时产生的临时锁定文件，不是报表，请报送同名的正式文件");
    return d25_fail(err, D25_E_NOT_ZIP,
                    "不是 Word（.docx）或 Excel（.xlsx）文件。请用 Word/WPS 另存为 .docx，"
                    "或用 Excel/WPS 表格另存为 .xlsx 后重新报送");
}

/* ---- content types ---- */

static int add_ctype(d25_pkg *pkg, const char *key, const char *type)
{
    if (d25_grow((void **)&pkg->ctypes, &pkg->ctcap, pkg->nctypes + 1, sizeof(ctype)) < 0)
        return -1;
    ctype *c = &pkg->ctypes[pkg->nctypes];
    c->key = strdup(key);
    c->type = strdup(type);
    if (!c->key || !c->type) {
        free(c->key);
        free(c->type);
        return -1;
    }
    normalise(c->key);
    pkg->nctypes++;
    return 0;
}

static int load_content_types(d25_pkg *pkg, d25_error *err)
{
    d25_xml *x = d25_xml_open(pkg, "[Content_Types].xml", err);
    if (!x)
        return err->code == D25_OK ? 0 : -1; /* absent: tolerated */
    int r;
    while ((r = d25_xml_read(x)) == 1) {
        if (d25_xml_type(x) != D25_XML_START || d25_xml_ns(x) != D25_NS_CT)
            continue;
        const char *local = d25_xml_local(x);
        const char *type = d25_xml_attr(x, D25_NS_NONE, "ContentType");
        if (!type)
            continue;
        if (strcmp(local, "Default") == 0) {
            const char *ext = d25_xml_attr(x, D25_NS_NONE, "Extension");
            if (ext) {
                char key[300];
                snprintf(key, sizeof key, "*.%s", ext);
                if (add_ctype(pkg, key, type) < 0)
                    r = d25_fail(err, D25_E_NOMEM, "内存不足");
            }
        } else if (strcmp(local, "Override") == 0) {
            const char *pn = d25_xml_attr(x, D25_NS_NONE, "PartName");
            if (pn) {
                char *dec = strdup(pn);
                if (!dec || (percent_decode(dec), add_ctype(pkg, dec, type)) < 0)
                    r = d25_fail(err, D25_E_NOMEM, "内存不足");
                free(dec);
            }
        }
        if (r < 0)
            break;
    }
    d25_xml_close(x);
    return r < 0 ? -1 : 0;
}

static const char *content_type_of(const d25_pkg *pkg, const char *part)
{
    char key[1024];
    d25_copy(key, sizeof key, part);
    normalise(key);
    for (size_t i = 0; i < pkg->nctypes; i++)
        if (strcmp(pkg->ctypes[i].key, key) == 0)
            return pkg->ctypes[i].type;
    const char *dot = strrchr(key, '.');
    if (dot) {
        char ext[300];
        snprintf(ext, sizeof ext, "*%s", dot);
        for (size_t i = 0; i < pkg->nctypes; i++)
            if (strcmp(pkg->ctypes[i].key, ext) == 0)
                return pkg->ctypes[i].type;
    }
    return "";
}

static bool is_main_type(const char *t)
{
    return strstr(t, ".main+xml") != NULL;
}

/* ---- relationships ---- */

const char *d25_rel_kind(const char *type)
{
    const char *s = strrchr(type, '/');
    return s ? s + 1 : type;
}

const d25_rel *d25_rels_find(const d25_rels *r, const char *kind)
{
    for (size_t i = 0; i < r->n; i++)
        if (!r->v[i].external && strcmp(d25_rel_kind(r->v[i].type), kind) == 0)
            return &r->v[i];
    return NULL;
}

void d25_rels_free(d25_rels *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].id);
        free(r->v[i].type);
        free(r->v[i].target);
    }
    free(r->v);
    memset(r, 0, sizeof *r);
}

int d25_pkg_rels(d25_pkg *pkg, const char *source, d25_rels *out, d25_error *err)
{
    memset(out, 0, sizeof *out);
    char relname[1100];
    if (!source || !*source) {
        snprintf(relname, sizeof relname, "_rels/.rels");
        source = NULL;
    } else {
        const char *slash = strrchr(source, '/');
        if (slash)
            snprintf(relname, sizeof relname, "%.*s/_rels/%s.rels", (int)(slash - source), source, slash + 1);
        else
            snprintf(relname, sizeof relname, "_rels/%s.rels", source);
    }
    d25_xml *x = d25_xml_open(pkg, relname, err);
    if (!x)
        return err->code == D25_OK ? 0 : -1;
    int r;
    while ((r = d25_xml_read(x)) == 1) {
        if (d25_xml_type(x) != D25_XML_START || !d25_xml_is(x, D25_NS_PR, "Relationship"))
            continue;
        const char *id = d25_xml_attr(x, D25_NS_NONE, "Id");
        const char *type = d25_xml_attr(x, D25_NS_NONE, "Type");
        const char *target = d25_xml_attr(x, D25_NS_NONE, "Target");
        const char *mode = d25_xml_attr(x, D25_NS_NONE, "TargetMode");
        if (!type || !target)
            continue;
        if (d25_grow((void **)&out->v, &out->cap, out->n + 1, sizeof(d25_rel)) < 0) {
            r = d25_fail(err, D25_E_NOMEM, "内存不足");
            break;
        }
        d25_rel *rel = &out->v[out->n];
        rel->external = mode && strcmp(mode, "External") == 0;
        rel->id = strdup(id ? id : "");
        rel->type = strdup(type);
        rel->target = rel->external ? strdup(target) : resolve_target(source, target);
        out->n++;
        if (!rel->id || !rel->type || !rel->target) {
            r = d25_fail(err, D25_E_NOMEM, "内存不足");
            break;
        }
    }
    d25_xml_close(x);
    if (r < 0) {
        d25_rels_free(out);
        return -1;
    }
    return 0;
}

/* ---- opening ---- */

static int index_entries(d25_pkg *pkg, d25_error *err)
{
    zip_int64_t n = zip_get_num_entries(pkg->zip, 0);
    if (n < 0)
        return d25_fail(err, D25_E_ZIP_CORRUPT, "压缩包目录无法读取，文件已损坏");
    if ((size_t)n > pkg->lim.max_entries)
        return d25_fail(err, D25_E_TOO_MANY_ENTRIES, "压缩包内有 %lld 个部件，超过 %zu 个的上限，不像正常的报表文件",
                        (long long)n, pkg->lim.max_entries);
    pkg->entries = calloc((size_t)n + 1, sizeof(entry));
    if (!pkg->entries)
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    for (zip_int64_t i = 0; i < n; i++) {
        const char *nm = zip_get_name(pkg->zip, (zip_uint64_t)i, ZIP_FL_ENC_RAW);
        if (!nm || !*nm)
            continue;
        size_t l = strlen(nm);
        if (nm[l - 1] == '/' || nm[l - 1] == '\\')
            continue; /* a folder */
        char *key = strdup(nm);
        if (!key)
            return d25_fail(err, D25_E_NOMEM, "内存不足");
        normalise(key);
        pkg->entries[pkg->nentries].key = key;
        pkg->entries[pkg->nentries].index = (zip_uint64_t)i;
        pkg->nentries++;
        if (strstr(key, "vbaproject"))
            pkg->macros = true;
    }
    qsort(pkg->entries, pkg->nentries, sizeof(entry), entry_cmp);
    /* Two entries of one name: libzip and duty25 would read the first while
     * Word, LibreOffice and python-docx show the last, so a reviewer would
     * see one unit's form while another's is stored. */
    for (size_t i = 1; i < pkg->nentries; i++)
        if (entry_cmp(&pkg->entries[i - 1], &pkg->entries[i]) == 0)
            return d25_fail(err, D25_E_ZIP_CORRUPT,
                            "压缩包内有两个同名部件 %s（不同程序会显示不同的内容），为防止审核看到的和入库的不是"
                            "同一份报表，已拒绝整个文件；请用 Word/Excel/WPS 重新保存后报送",
                            pkg->entries[i].key);
    return 0;
}

static uint64_t le(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

/* The number of entries the end of central directory record says the zip
 * holds (its zip64 form when that is used), read before libzip reads the
 * whole directory: a zip of 500,000 empty entries is refused at once, not
 * after 240 MB of directory.  -1 when there is no such record (libzip then
 * says why). */
static long long declared_entries(const unsigned char *d, size_t len)
{
    if (len < 22)
        return -1;
    size_t lo = len > 22 + 65535 ? len - 22 - 65535 : 0;
    for (size_t i = len - 22 + 1; i-- > lo;) {
        if (memcmp(d + i, "PK\x05\x06", 4) != 0)
            continue;
        uint64_t n = le(d + i + 10, 2);
        if (n == 0xFFFF && i >= 20 && memcmp(d + i - 20, "PK\x06\x07", 4) == 0) {
            uint64_t off = le(d + i - 20 + 8, 8);
            if (off <= len - 56 && memcmp(d + off, "PK\x06\x06", 4) == 0)
                n = le(d + off + 32, 8);
        }
        return n > (uint64_t)LLONG_MAX ? LLONG_MAX : (long long)n;
    }
    return -1;
}

/*
 * Inflate every entry once, under the limits: a CRC error or a bomb anywhere
 * in the package refuses it, even in a part duty25 would not otherwise read,
 * and so does a DOCTYPE in any XML part (Office never writes one; it is how
 * entity bombs and external entities arrive).
 */
/* The parts docx.c and xlsx.c read: the main part, and a workbook's sheets,
 * shared strings and styles.  (Word's styles, themes, fonts and settings
 * are checked but never read again.) */
static bool worth_keeping(const d25_pkg *pkg, const char *key)
{
    if (pkg->main_part) {
        const char *m = pkg->main_part;
        while (*m == '/')
            m++;
        if (strcasecmp(key, m) == 0)
            return true;
    }
    if (pkg->format != D25_FMT_XLSX)
        return false;
    return strncmp(key, "xl/worksheets/", 14) == 0 || strcmp(key, "xl/sharedstrings.xml") == 0 ||
           strcmp(key, "xl/styles.xml") == 0;
}

/* The first bytes of an XML part (all of it when `complete`): no DOCTYPE or
 * entity declaration, and the root element near the start. */
static int check_prolog(const char *key, const char *head, size_t n, bool complete, d25_error *err)
{
    if (n == 0)
        return 0;
    int pc = d25_xml_check_prolog(head, n);
    if (pc == -1)
        return d25_fail(err, D25_E_XML_DTD, "部件 %s 含有 DOCTYPE/实体声明，Office 文件不应有此内容，"
                        "为防范 XML 炸弹和外部实体攻击已拒绝整个文件", key);
    if (pc == -2 && !complete)
        return d25_fail(err, D25_E_XML, "部件 %s 的 XML 开头异常（根元素前内容过长）", key);
    return 0;
}

/* libzip before 1.9 keeps two lazily set static variables in
 * zip_open_from_source, which zip_open calls too (nih-at/libzip#289):
 * every opening is serialised so that threads never race on them.  Using
 * the archives afterwards needs no lock (each zip_t is its own). */
static pthread_mutex_t open_lock = PTHREAD_MUTEX_INITIALIZER;

void d25_zip_open_lock(void) { pthread_mutex_lock(&open_lock); }
void d25_zip_open_unlock(void) { pthread_mutex_unlock(&open_lock); }

/* Parts up to this size are inflated whole by libdeflate. */
enum { WHOLE_MAX = 4u << 20 };

/*
 * The common case, fast: a deflated, unencrypted entry whose central
 * directory's size is within every limit is inflated in one call into a
 * buffer of exactly that size, and its CRC compared.  1 with *out (owned by
 * the caller) on success; 0 when anything is unusual (another method, a size
 * that does not match, a bad CRC or stream), so that the streaming path
 * below reads it again and words the error as it always has; -1 out of
 * memory.
 */
static int inflate_whole(d25_pkg *pkg, const entry *en, struct libdeflate_decompressor *dec, char **out,
                         size_t *out_len)
{
    const d25_limits *lim = &pkg->lim;
    zip_stat_t st;
    zip_stat_init(&st);
    const zip_uint64_t need = ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD | ZIP_STAT_CRC |
                              ZIP_STAT_ENCRYPTION_METHOD;
    if (!dec || zip_stat_index(pkg->zip, en->index, 0, &st) != 0 || (st.valid & need) != need ||
        st.comp_method != ZIP_CM_DEFLATE || st.encryption_method != ZIP_EM_NONE || st.size == 0 ||
        st.size > WHOLE_MAX || st.size > lim->max_part_bytes || pkg->inflated + st.size > lim->max_total_bytes ||
        st.comp_size == 0 || st.comp_size > pkg->len ||
        (st.size >= lim->ratio_min_bytes && st.size / st.comp_size > lim->max_ratio))
        return 0;
    zip_file_t *zf = zip_fopen_index(pkg->zip, en->index, ZIP_FL_COMPRESSED);
    if (!zf)
        return 0;
    char *raw = malloc(st.comp_size), *plain = malloc(st.size + 1);
    int rc = 0;
    if (!raw || !plain) {
        rc = -1;
    } else if (zip_fread(zf, raw, st.comp_size) == (zip_int64_t)st.comp_size &&
               libdeflate_deflate_decompress(dec, raw, st.comp_size, plain, st.size, NULL) == LIBDEFLATE_SUCCESS &&
               (zip_uint32_t)libdeflate_crc32(0, plain, st.size) == st.crc) {
        plain[st.size] = '\0';
        *out = plain;
        *out_len = st.size;
        plain = NULL;
        pkg->inflated += st.size;
        rc = 1;
    }
    zip_fclose(zf);
    free(raw);
    free(plain);
    return rc;
}

static int verify_entries(d25_pkg *pkg, d25_error *err)
{
    enum { HEAD = 16384 };
    char *buf = malloc(2 * HEAD);
    if (!buf)
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    struct libdeflate_decompressor *dec = libdeflate_alloc_decompressor();
    int rc = 0;
    size_t cached = 0;
    for (size_t i = 0; i < pkg->nentries && rc == 0; i++) {
        entry *en = &pkg->entries[i];
        const char *key = en->key;
        bool xml = d25_has_suffix_ci(key, ".xml") || d25_has_suffix_ci(key, ".rels") || d25_has_suffix_ci(key, ".vml");
        char *whole = NULL;
        size_t whole_len = 0;
        int w = inflate_whole(pkg, en, dec, &whole, &whole_len);
        if (w < 0) {
            rc = d25_fail(err, D25_E_NOMEM, "内存不足");
            break;
        }
        if (w == 1) {
            rc = xml ? check_prolog(key, whole, whole_len < HEAD ? whole_len : HEAD, whole_len < HEAD, err) : 0;
            if (rc == 0 && xml && worth_keeping(pkg, key) && cached + whole_len <= CACHE_BUDGET) {
                cached += whole_len;
                en->cache = whole;
                en->cache_len = whole_len;
                whole = NULL;
            }
            free(whole);
            continue;
        }
        d25_part *p = d25_part_open(pkg, key, err);
        if (!p) {
            rc = -1;
            break;
        }
        /* An XML part is kept whole while the budget lasts; otherwise the
         * first HEAD bytes stay in buf for the prolog check and the rest is
         * inflated through buf + HEAD and discarded. */
        d25_buf keep = {0};
        bool keeping = xml && worth_keeping(pkg, key);
        size_t head = 0;
        long r;
        for (;;) {
            char *into = buf + (head < HEAD ? head : HEAD);
            size_t room = head < HEAD ? HEAD - head : HEAD;
            if (keeping && cached + keep.len + HEAD <= CACHE_BUDGET && d25_buf_reserve(&keep, HEAD) == 0) {
                into = keep.data + keep.len;
                room = HEAD;
            } else if (keeping) {
                /* Over budget: the head still goes to buf for the check. */
                keeping = false;
                size_t n = keep.len < HEAD ? keep.len : HEAD;
                memcpy(buf, keep.data, n);
                head = n;
                d25_buf_free(&keep);
                into = buf + (head < HEAD ? head : HEAD);
                room = head < HEAD ? HEAD - head : HEAD;
            }
            if ((r = d25_part_read(p, into, room)) <= 0)
                break;
            if (keeping)
                keep.len += (size_t)r;
            else if (head < HEAD)
                head += (size_t)r;
        }
        const char *start = keeping ? keep.data : buf;
        if (keeping)
            head = keep.len < HEAD ? keep.len : HEAD;
        if (r < 0)
            rc = -1;
        else if (xml)
            rc = check_prolog(key, start, head, head < HEAD, err);
        if (rc == 0 && keeping && keep.len > 0) {
            cached += keep.len;
            en->cache_len = keep.len;
            en->cache = d25_buf_steal(&keep);
        }
        d25_buf_free(&keep);
        d25_part_close(p);
    }
    free(buf);
    libdeflate_free_decompressor(dec);
    pkg->inflated = 0; /* the reads that follow are counted afresh */
    return rc;
}

static int find_main_part(d25_pkg *pkg, d25_error *err)
{
    d25_rels rels;
    if (d25_pkg_rels(pkg, NULL, &rels, err) < 0)
        return -1;
    const d25_rel *main = d25_rels_find(&rels, "officeDocument");
    if (main && d25_pkg_has_part(pkg, main->target))
        pkg->main_part = strdup(main->target);
    d25_rels_free(&rels);
    if (!pkg->main_part) {
        /* No usable _rels/.rels: fall back to the part that [Content_Types].xml
         * declares as a main document. */
        for (size_t i = 0; i < pkg->nctypes; i++) {
            if (pkg->ctypes[i].key[0] != '*' && is_main_type(pkg->ctypes[i].type) &&
                d25_pkg_has_part(pkg, pkg->ctypes[i].key)) {
                pkg->main_part = strdup(pkg->ctypes[i].key);
                break;
            }
        }
    }
    if (!pkg->main_part) {
        if (d25_pkg_has_part(pkg, "mimetype") || d25_pkg_has_part(pkg, "content.xml"))
            return d25_fail(err, D25_E_OTHER_FORMAT,
                            "是 OpenDocument 格式（.odt/.ods），请在 WPS 或 LibreOffice 中另存为 .docx 或 .xlsx 后重新报送");
        return d25_fail(err, D25_E_NO_MAIN_PART,
                        "压缩包中找不到文档主体（_rels/.rels 未指向存在的正文部件），文件不完整或不是 Office 文档，"
                        "请用 Word/Excel/WPS 重新保存后报送");
    }
    pkg->main_type = strdup(content_type_of(pkg, pkg->main_part));
    if (!pkg->main_type)
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    const char *t = pkg->main_type;
    if (strstr(t, "macroEnabled"))
        pkg->macros = true;
    if (strstr(t, "sheet.binary"))
        return d25_fail(err, D25_E_OTHER_FORMAT, "是 Excel 二进制工作簿（.xlsb），请另存为 Excel 工作簿（*.xlsx）后重新报送");
    if (strstr(t, "presentationml") || strstr(t, "ms-powerpoint"))
        return d25_fail(err, D25_E_OTHER_FORMAT, "是 PowerPoint 演示文稿，不是报表，请报送 .docx 或 .xlsx 文件");
    if (strstr(t, "wordprocessingml") || strstr(t, "ms-word"))
        pkg->format = D25_FMT_DOCX;
    else if (strstr(t, "spreadsheetml") || strstr(t, "ms-excel"))
        pkg->format = D25_FMT_XLSX;
    else {
        /* Unknown or missing content type: decide by the root element. */
        d25_xml *x = d25_xml_open(pkg, pkg->main_part, err);
        if (!x)
            return -1;
        int r;
        while ((r = d25_xml_read(x)) == 1 && d25_xml_type(x) != D25_XML_START)
            ;
        if (r == 1) {
            if (d25_xml_is(x, D25_NS_W, "document"))
                pkg->format = D25_FMT_DOCX;
            else if (d25_xml_is(x, D25_NS_S, "workbook"))
                pkg->format = D25_FMT_XLSX;
        }
        d25_xml_close(x);
        if (r < 0)
            return -1;
        if (pkg->format == D25_FMT_UNKNOWN)
            return d25_fail(err, D25_E_OTHER_FORMAT, "主体部件 %s 既不是 Word 文档也不是 Excel 工作簿", pkg->main_part);
    }
    return 0;
}

d25_pkg *d25_pkg_open_buffer(const void *data, size_t len, const char *name, const d25_limits *lim,
                             d25_error *err)
{
    d25_pkg *pkg = calloc(1, sizeof *pkg);
    if (!pkg) {
        d25_fail(err, D25_E_NOMEM, "内存不足");
        return NULL;
    }
    if (lim)
        pkg->lim = *lim;
    else
        d25_limits_default(&pkg->lim);
    if (len == 0) {
        d25_fail(err, D25_E_EMPTY, "是空文件（0 字节），可能保存或传输失败，请重新报送");
        goto fail;
    }
    if (len > pkg->lim.max_file_bytes) {
        d25_fail(err, D25_E_FILE_TOO_BIG, "有 %zu 字节，超过 %zu 字节的上限", len, pkg->lim.max_file_bytes);
        goto fail;
    }
    /* Before copying anything: the entry count the zip declares. */
    long long declared = declared_entries(data, len);
    if (declared > 0 && (unsigned long long)declared > pkg->lim.max_entries) {
        d25_fail(err, D25_E_TOO_MANY_ENTRIES, "压缩包内有 %lld 个部件，超过 %zu 个的上限，不像正常的报表文件", declared,
                 pkg->lim.max_entries);
        goto fail;
    }
    pkg->data = malloc(len);
    if (!pkg->data) {
        d25_fail(err, D25_E_NOMEM, "内存不足");
        goto fail;
    }
    memcpy(pkg->data, data, len);
    pkg->len = len;
    if (len < 4 || memcmp(pkg->data, "PK", 2) != 0) {
        refuse_non_zip(pkg->data, len, name ? name : "", err);
        goto fail;
    }
    zip_error_t zerr;
    zip_error_init(&zerr);
    zip_source_t *src = zip_source_buffer_create(pkg->data, len, 0, &zerr);
    if (!src) {
        zip_error_fini(&zerr);
        d25_fail(err, D25_E_NOMEM, "内存不足");
        goto fail;
    }
    d25_zip_open_lock();
    pkg->zip = zip_open_from_source(src, ZIP_RDONLY, &zerr);
    d25_zip_open_unlock();
    if (!pkg->zip) {
        int ze = zip_error_code_zip(&zerr);
        zip_source_free(src);
        zip_error_fini(&zerr);
        if (ze == ZIP_ER_NOZIP)
            d25_fail(err, D25_E_ZIP_CORRUPT, "以 ZIP 开头但找不到压缩包目录，文件不完整（可能下载或复制中断），请重新报送");
        else if (ze == ZIP_ER_INCONS)
            d25_fail(err, D25_E_ZIP_CORRUPT, "压缩包结构前后不一致，文件已损坏，请用 Word/Excel/WPS 重新保存后报送");
        else
            d25_fail(err, D25_E_ZIP_CORRUPT, "压缩包无法打开（%s），文件已损坏", d25_zip_strerror(&zerr));
        goto fail;
    }
    zip_error_fini(&zerr);
    /* The main part first, so that the check of every entry knows which
     * parts the readers will want again. */
    if (index_entries(pkg, err) < 0 || load_content_types(pkg, err) < 0 || find_main_part(pkg, err) < 0 ||
        verify_entries(pkg, err) < 0)
        goto fail;
    return pkg;
fail:
    d25_pkg_free(pkg);
    return NULL;
}

d25_pkg *d25_pkg_open_path(const char *path, const d25_limits *lim, d25_error *err)
{
    d25_limits def;
    if (!lim) {
        d25_limits_default(&def);
        lim = &def;
    }
    struct stat st;
    int fd = d25_open_regular(path, &st);
    if (fd < 0) {
        if (errno == EINVAL)
            d25_fail(err, D25_E_IO, "不是普通文件（是文件夹、管道或设备），无法读取");
        else
            d25_fail(err, D25_E_IO, "无法打开（%s）", d25_strerror(errno));
        return NULL;
    }
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        close(fd);
        d25_fail(err, D25_E_NOMEM, "内存不足");
        return NULL;
    }
    if ((unsigned long long)st.st_size > lim->max_file_bytes) {
        fclose(f);
        d25_fail(err, D25_E_FILE_TOO_BIG, "有 %lld 字节，超过 %zu 字节的上限，不像正常的报表文件",
                 (long long)st.st_size, lim->max_file_bytes);
        return NULL;
    }
    size_t len = (size_t)st.st_size;
    unsigned char *buf = malloc(len ? len : 1);
    if (!buf) {
        fclose(f);
        d25_fail(err, D25_E_NOMEM, "内存不足");
        return NULL;
    }
    size_t got = len ? fread(buf, 1, len, f) : 0;
    int rerr = ferror(f);
    fclose(f);
    if (got != len || rerr) {
        free(buf);
        d25_fail(err, D25_E_IO, "读取失败");
        return NULL;
    }
    d25_pkg *pkg = d25_pkg_open_buffer(buf, len, path, lim, err);
    free(buf);
    return pkg;
}

void d25_pkg_free(d25_pkg *pkg)
{
    if (!pkg)
        return;
    if (pkg->zip)
        zip_discard(pkg->zip);
    for (size_t i = 0; i < pkg->nentries; i++) {
        free(pkg->entries[i].key);
        free(pkg->entries[i].cache);
    }
    free(pkg->entries);
    for (size_t i = 0; i < pkg->nctypes; i++) {
        free(pkg->ctypes[i].key);
        free(pkg->ctypes[i].type);
    }
    free(pkg->ctypes);
    free(pkg->main_part);
    free(pkg->main_type);
    free(pkg->data);
    free(pkg);
}

const d25_limits *d25_pkg_limits(const d25_pkg *pkg) { return &pkg->lim; }
const char *d25_pkg_main_part(const d25_pkg *pkg) { return pkg->main_part ? pkg->main_part : ""; }
const char *d25_pkg_main_type(const d25_pkg *pkg) { return pkg->main_type ? pkg->main_type : ""; }
d25_format d25_pkg_format(const d25_pkg *pkg) { return pkg->format; }
bool d25_pkg_has_macros(const d25_pkg *pkg) { return pkg->macros; }

size_t d25_pkg_images(const d25_pkg *pkg)
{
    static const char *const exts[] = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".emf", ".wmf", ".tif", ".tiff", ".svg"};
    size_t n = 0;
    for (size_t i = 0; i < pkg->nentries; i++) {
        const char *k = pkg->entries[i].key;
        if (!strstr(k, "media/"))
            continue;
        for (size_t e = 0; e < sizeof exts / sizeof exts[0]; e++)
            if (d25_has_suffix_ci(k, exts[e])) {
                n++;
                break;
            }
    }
    return n;
}
size_t d25_pkg_inflated(const d25_pkg *pkg) { return pkg->inflated; }

/* ---- streaming a part ---- */

d25_part *d25_part_open(d25_pkg *pkg, const char *name, d25_error *err)
{
    const entry *e = find_entry(pkg, name);
    if (!e)
        return NULL;
    if (e->cache) {
        d25_part *p = calloc(1, sizeof *p);
        if (!p) {
            d25_fail(err, D25_E_NOMEM, "内存不足");
            return NULL;
        }
        p->pkg = pkg;
        p->err = err;
        p->cache = e->cache;
        p->cache_len = e->cache_len;
        p->comp_size = 0;
        d25_copy(p->name, sizeof p->name, name);
        return p;
    }
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(pkg->zip, e->index, 0, &st) != 0) {
        d25_fail(err, D25_E_ZIP_CORRUPT, "部件 %s 的目录项已损坏", name);
        return NULL;
    }
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) {
        d25_fail(err, D25_E_ENCRYPTED, "部件 %s 被 ZIP 密码加密，无法读取。请清除密码后另存再报送", name);
        return NULL;
    }
    zip_file_t *zf = zip_fopen_index(pkg->zip, e->index, 0);
    if (!zf) {
        zip_error_t *ze = zip_get_error(pkg->zip);
        if (zip_error_code_zip(ze) == ZIP_ER_COMPNOTSUPP)
            d25_fail(err, D25_E_ZIP_CORRUPT, "部件 %s 使用了不支持的压缩方式，请用 Word/Excel/WPS 重新保存后报送", name);
        else
            d25_fail(err, D25_E_ZIP_CORRUPT, "部件 %s 无法解压（%s），文件已损坏", name, d25_zip_strerror(ze));
        return NULL;
    }
    d25_part *p = calloc(1, sizeof *p);
    if (!p) {
        zip_fclose(zf);
        d25_fail(err, D25_E_NOMEM, "内存不足");
        return NULL;
    }
    p->pkg = pkg;
    p->zf = zf;
    p->err = err;
    p->comp_size = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
    d25_copy(p->name, sizeof p->name, name);
    return p;
}

long d25_part_read(d25_part *p, char *buf, size_t len)
{
    const d25_limits *lim = &p->pkg->lim;
    if (len > (1u << 20))
        len = 1u << 20;
    /* Never inflate more than one byte past a limit: the limits are checked
     * against what inflates, not against the sizes the zip headers claim. */
    size_t room = lim->max_part_bytes - p->inflated + 1;
    if (len > room)
        len = room;
    zip_int64_t r;
    if (!p->zf) {
        /* Verified while cached: the limits held then and hold now. */
        r = (zip_int64_t)(len < p->cache_len - p->pos ? len : p->cache_len - p->pos);
        memcpy(buf, p->cache + p->pos, (size_t)r);
        p->pos += (size_t)r;
        p->inflated += (size_t)r;
        p->pkg->inflated += (size_t)r;
        return (long)r;
    }
    r = zip_fread(p->zf, buf, len);
    if (r < 0) {
        zip_error_t *ze = zip_file_get_error(p->zf);
        if (zip_error_code_zip(ze) == ZIP_ER_CRC)
            d25_fail(p->err, D25_E_ZIP_CORRUPT, "部件 %s 校验失败（CRC 错误），文件已损坏", p->name);
        else
            d25_fail(p->err, D25_E_ZIP_CORRUPT, "部件 %s 解压失败（%s），文件已损坏或不完整", p->name,
                     d25_zip_strerror(ze));
        return -1;
    }
    p->inflated += (size_t)r;
    p->pkg->inflated += (size_t)r;
    if (p->inflated > lim->max_part_bytes)
        return d25_fail(p->err, D25_E_PART_TOO_BIG, "部件 %s 解压后超过 %zu 字节的上限（疑似压缩炸弹），已停止读取",
                        p->name, lim->max_part_bytes);
    if (p->pkg->inflated > lim->max_total_bytes)
        return d25_fail(p->err, D25_E_TOTAL_TOO_BIG, "读到部件 %s 时，解压总量超过 %zu 字节的上限（疑似压缩炸弹）",
                        p->name, lim->max_total_bytes);
    if (p->inflated >= lim->ratio_min_bytes && p->inflated / (p->comp_size ? p->comp_size : 1) > lim->max_ratio)
        return d25_fail(p->err, D25_E_ZIP_RATIO,
                        "部件 %s 压缩比超过 %zu:1（已解压 %zu 字节，压缩后仅 %llu 字节，疑似压缩炸弹），已停止读取",
                        p->name, lim->max_ratio, p->inflated, (unsigned long long)p->comp_size);
    return (long)r;
}

const char *d25_part_name(const d25_part *p)
{
    return p->name;
}

void d25_part_close(d25_part *p)
{
    if (!p)
        return;
    if (p->zf)
        zip_fclose(p->zf);
    free(p);
}
