/*
 * xml: a hardened streaming XML reader over one package part.
 *
 * libxml2's SAX2 push parser, fed through d25_part (so the inflate limits
 * apply while parsing), queues events that d25_xml_read() hands out one by
 * one, a pull API like xmlTextReader's without building nodes.  No entity
 * substitution, no DTD loading, no network, no XML_PARSE_HUGE, any DOCTYPE
 * refused before the parser sees it, an element-depth limit (at most 256),
 * and libxml2's own diagnostics captured into the d25_error (never printed).
 * An element whose end follows its start directly (<a/> or <a></a>) is
 * reported empty, with no END.  Namespaces are classified so that Transitional
 * and Strict OOXML look the same to the readers.
 *
 * Ownership: d25_xml_open() returns a reader freed by d25_xml_close().
 * Strings returned by the accessors are valid until the next d25_xml_read();
 * the last eight values returned by d25_xml_attr() stay valid together.
 */
#ifndef D25_OOXML_XML_H
#define D25_OOXML_XML_H

#include <stdbool.h>

#include "package.h"

typedef enum {
    D25_NS_NONE = 0, /* no namespace */
    D25_NS_OTHER,
    D25_NS_W,        /* WordprocessingML main (Transitional or Strict) */
    D25_NS_S,        /* SpreadsheetML main (Transitional or Strict) */
    D25_NS_R,        /* officeDocument relationships (attributes r:id) */
    D25_NS_W14,      /* Word 2010 extensions (w14:checkbox) */
    D25_NS_MC,       /* markup compatibility */
    D25_NS_PR,       /* package relationships (.rels) */
    D25_NS_CT,       /* [Content_Types].xml */
} d25_ns;

/* Node types returned by d25_xml_type(). */
enum { D25_XML_START = 1, D25_XML_END = 2, D25_XML_TEXT = 3, D25_XML_OTHER = 4 };

typedef struct d25_xml d25_xml;

/* Call in every thread before it parses (idempotent, cheap). */
void d25_xml_init(void);

/* NULL with err->code == D25_OK when the part is absent. */
d25_xml *d25_xml_open(d25_pkg *pkg, const char *part, d25_error *err);
/* Advance: 1 = a node, 0 = end of document, -1 = error (err set). */
int d25_xml_read(d25_xml *x);
/* Make the next d25_xml_read() skip the current element's subtree. */
void d25_xml_skip(d25_xml *x);
/* Elements of namespace ns with these local names (a NULL-terminated list
 * the caller keeps) are dropped with their subtrees while parsing: no
 * event at all, not even their START, and no text from inside them.  For
 * what a reader never looks at; call before the first d25_xml_read(). */
void d25_xml_drop(d25_xml *x, d25_ns ns, const char *const *locals);
void d25_xml_close(d25_xml *x);

int d25_xml_type(d25_xml *x);
bool d25_xml_is_empty(d25_xml *x);     /* <a/>: no END node will follow */
int d25_xml_depth(d25_xml *x);
const char *d25_xml_local(d25_xml *x);  /* local name of an element */
d25_ns d25_xml_ns(d25_xml *x);
bool d25_xml_is(d25_xml *x, d25_ns ns, const char *local);
const char *d25_xml_text(d25_xml *x);   /* value of a TEXT node */
/* Attribute by local name and namespace (D25_NS_NONE = unqualified; any
 * namespace matches when ns is D25_NS_OTHER).  NULL when absent. */
const char *d25_xml_attr(d25_xml *x, d25_ns ns, const char *local);
/* Line of the current node, for messages. */
int d25_xml_line(d25_xml *x);
const char *d25_xml_part(const d25_xml *x);

/* Check the first bytes of an XML document: 0 fine, -1 a DOCTYPE/ENTITY
 * declaration before the root, -2 the root not reached within n bytes. */
int d25_xml_check_prolog(const char *head, size_t n);

/* Classify a namespace URI. */
d25_ns d25_ns_of(const char *uri);

#endif
