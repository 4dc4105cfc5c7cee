/*
 * docxfill internals: what the parts of the template filler share (not for
 * other modules: they use fill.h).
 *
 *   nodes.c    the document tree: WordprocessingML and chart nodes, text of
 *              runs, tags split over runs joined, runs split, marks
 *   tags.c     tags in text, values looked up in the data and formatted
 *   expand.c   loops and conditions expanded in the tree; long loops kept
 *              as streams of rows
 *   chartbook.c a chart's cell references fitted to its points, and the
 *              embedded workbook its data come from (Word's 编辑数据)
 *   package.c  a part filled and serialized, streams written as libzip
 *              deflates it; the DOCX package copied with its parts filled
 *
 * Ownership: a ctx belongs to the part being filled (package.c); nodes
 * belong to its libxml2 document.
 */
#ifndef D25_DOCXFILL_INTERNAL_H
#define D25_DOCXFILL_INTERNAL_H

#include <jansson.h>
#include <libxml/tree.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/buf.h"
#include "../util/error.h"
#include "tree.h"

static const char W_NS[] = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
static const char C_NS[] = "http://schemas.openxmlformats.org/drawingml/2006/chart";
static const char MARK[] = "d25-mark";

/* A value of the data: a JSON value, a whole list of rows (row ==
 * WHOLE), one row of a list, or one cell of a row (tree.h). */
typedef struct {
    const json_t *j;
    const d25_rows *list;
    size_t row;
    const d25_cell *cell;
} tval;
#define WHOLE SIZE_MAX

static inline bool dx_found(tval v)
{
    return v.j || v.list || v.cell;
}

typedef struct {
    tval v[64];   /* the root, then each loop's item */
    int n;
} scope;

/* A loop over rows (or paragraphs) at the top of the data whose rows hold
 * only values and in-text conditions: kept as the rows' XML and written
 * item by item when the part is written, instead of copied into the tree
 * (a table of 10,000 units would otherwise be a tree of millions of
 * nodes).  In the tree a processing instruction <?d25-stream N?> stands
 * where the rows go. */
typedef struct {
    char *xml;          /* the rows as serialized, tags in their text */
    size_t len;
    tval items;
    xmlNodePtr at;      /* the placeholder */
    long line;          /* where the rows stood in the template, for messages */
} stream;

typedef struct {
    xmlDocPtr doc;
    const char *part;
    d25_error *err;
    int depth;
    bool escape;        /* rendering XML text: escape the values */
    stream *streams;
    size_t nstreams, stream_cap;
    const json_t *root;
    const d25_tree *tree; /* its lists, or NULL */
    size_t col_hint;    /* the column after the last one looked up */
    const stream *in_stream; /* the stream being written, for messages */
    size_t item;        /* ... and its item (from 1) */
} ctx;

static const char STREAM_PI[] = "d25-stream";

/* A tag in a piece of text. */
typedef struct {
    char kind;        /* 'v' value, '#' loop, '?' if, '^' unless, '/' close */
    char name[128];
    char fmt[16];
    size_t start, end; /* byte offsets of "{{" and after "}}" */
} tag;

/* nodes.c */
bool dx_is_w(const xmlNode *n, const char *name);
bool dx_is_c(const xmlNode *n, const char *name);
bool dx_is_text(const xmlNode *n);
xmlNodePtr dx_c_ancestor(xmlNodePtr n, const char *name);
xmlNodePtr dx_ancestor(xmlNodePtr n, const char *name);
bool dx_is_mark(const xmlNode *n);
xmlNodePtr dx_next_in_doc(xmlNodePtr n, xmlNodePtr limit);
char *dx_text_of(xmlNodePtr t);
void dx_set_text(xmlNodePtr t, const char *s);
size_t dx_paragraph_texts(xmlNodePtr p, xmlNodePtr **out);
int dx_join_tags(xmlNodePtr root);
xmlNodePtr dx_child_of(xmlNodePtr n, xmlNodePtr p);
bool dx_paragraph_empty(xmlNodePtr p);
void dx_cut_text(xmlNodePtr t, size_t from, size_t to);
xmlNodePtr dx_split_run(xmlNodePtr t, size_t pos);
void dx_drop_redundant_ns(xmlNodePtr copy);
void dx_drop_between(xmlNodePtr m1, xmlNodePtr m2);
xmlNodePtr dx_next_within(xmlNodePtr n, xmlNodePtr root);
void dx_renumber_points(xmlNodePtr root);
void dx_drop_marks(xmlNodePtr root);

/* tags.c */
bool dx_next_tag(const char *s, size_t from, tag *t, bool *bad);
bool dx_close_in(const char *s, size_t from, size_t to, const char *name, int *level, tag *close);
int dx_tag_error(ctx *cx, xmlNodePtr at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
tval dx_lookup(ctx *cx, const scope *sc, const char *path);
bool dx_is_seq(tval v);
size_t dx_seq_len(tval v);
tval dx_seq_item(tval v, size_t i);
bool dx_truthy(tval v);
int dx_format_value(d25_buf *b, tval v, const char *fmt);
int dx_xml_clean_tail(d25_buf *b, size_t from);
int dx_escape_tail(d25_buf *b, size_t from);
bool dx_open_block(const char *s, tag *first);
size_t dx_tag_opens(const char *s);

/* expand.c */
xmlNodePtr dx_new_mark(ctx *cx);
int dx_render_string(ctx *cx, xmlNodePtr at, const char *s, size_t from, size_t to, scope *sc, d25_buf *out);
int dx_expand_between(ctx *cx, xmlNodePtr m1, xmlNodePtr m2, scope *sc);

/* chartbook.c */
/* Each category and value reference (c:f, such as Sheet1!$B$2:$B$2) set to
 * span its cache's points. */
void dx_chart_refs(xmlNodePtr root);
/* The workbook a chart's references point into, with its cached values:
 * *bytes (malloc'd) an XLSX package.  0, or -1 with err set. */
int dx_chart_workbook(xmlDocPtr doc, char **bytes, size_t *len, d25_error *err);

#endif
