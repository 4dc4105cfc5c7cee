/* docxfill/nodes: the document tree (see internal.h). */
#include "internal.h"

#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

bool dx_is_w(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href && strcmp((const char *)n->ns->href, W_NS) == 0 &&
           strcmp((const char *)n->name, name) == 0;
}

bool dx_is_c(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href && strcmp((const char *)n->ns->href, C_NS) == 0 &&
           strcmp((const char *)n->name, name) == 0;
}

/* Where tags are written: w:t in documents, c:v (a chart's cached or
 * literal values) in charts. */
bool dx_is_text(const xmlNode *n)
{
    return dx_is_w(n, "t") || dx_is_c(n, "v");
}

xmlNodePtr dx_c_ancestor(xmlNodePtr n, const char *name)
{
    for (n = n ? n->parent : NULL; n; n = n->parent)
        if (dx_is_c(n, name))
            return n;
    return NULL;
}

xmlNodePtr dx_ancestor(xmlNodePtr n, const char *name)
{
    for (n = n ? n->parent : NULL; n; n = n->parent)
        if (dx_is_w(n, name))
            return n;
    return NULL;
}

bool dx_is_mark(const xmlNode *n)
{
    return n && n->type == XML_COMMENT_NODE && n->content && strcmp((const char *)n->content, MARK) == 0;
}

/* Next node in document order, not descending into skip (when given), and
 * never past limit (a later sibling of an ancestor). */
xmlNodePtr dx_next_in_doc(xmlNodePtr n, xmlNodePtr limit)
{
    if (n->children && n->type == XML_ELEMENT_NODE)
        return n->children == limit ? NULL : n->children;
    for (; n; n = n->parent) {
        if (n == limit)
            return NULL;
        if (n->next)
            return n->next == limit ? NULL : n->next;
    }
    return NULL;
}

char *dx_text_of(xmlNodePtr t)
{
    xmlChar *c = xmlNodeGetContent(t);
    char *s = strdup(c ? (const char *)c : "");
    xmlFree(c);
    return s;
}

void dx_set_text(xmlNodePtr t, const char *s)
{
    xmlNodeSetContentLen(t, NULL, 0);
    xmlNodeAddContent(t, (const xmlChar *)s);
    /* Keep leading and trailing spaces (w:t only: c:v has no such attribute). */
    if (!dx_is_w(t, "t"))
        return;
    xmlNsPtr xmlns = xmlSearchNsByHref(t->doc, t, (const xmlChar *)"http://www.w3.org/XML/1998/namespace");
    if (xmlns)
        xmlSetNsProp(t, xmlns, (const xmlChar *)"space", (const xmlChar *)"preserve");
}

/* The paragraph's own w:t nodes, in order (not those of paragraphs nested
 * inside it, as in text boxes). */
size_t dx_paragraph_texts(xmlNodePtr p, xmlNodePtr **out)
{
    size_t n = 0, cap = 0;
    *out = NULL;
    for (xmlNodePtr c = p->children ? p->children : NULL; c;) {
        if (dx_is_w(c, "t") && dx_ancestor(c, "p") == p) {
            if (d25_grow((void **)out, &cap, n + 1, sizeof **out) < 0)
                return n;
            (*out)[n++] = c;
        }
        if (c->children && c->type == XML_ELEMENT_NODE && !dx_is_w(c, "p")) {
            c = c->children;
            continue;
        }
        while (c && c != p && !c->next)
            c = c->parent;
        if (!c || c == p)
            break;
        c = c->next;
    }
    return n;
}

/* ---- joining split tags ---- */

/* Within each paragraph, a tag whose text is spread over several w:t nodes
 * is moved whole into the first of them. */
int dx_join_tags(xmlNodePtr root)
{
    for (xmlNodePtr n = root; n; n = dx_next_in_doc(n, NULL)) {
        if (!dx_is_w(n, "p"))
            continue;
        xmlNodePtr *ts;
        size_t nt = dx_paragraph_texts(n, &ts);
        if (nt < 2) {
            free(ts);
            continue;
        }
        char **tx = calloc(nt, sizeof *tx);
        if (!tx) {
            free(ts);
            return -1;
        }
        for (size_t i = 0; i < nt; i++)
            tx[i] = dx_text_of(ts[i]);
        bool changed = false;
        for (size_t i = 0; i < nt; i++) {
            for (size_t k = 0; tx[i] && tx[i][k];) {
                char *open = strstr(tx[i] + k, "{");
                if (!open)
                    break;
                size_t at = (size_t)(open - tx[i]);
                /* "{{" may itself be split: "{" at the end of this node. */
                bool dbl = open[1] == '{' || (!open[1] && i + 1 < nt && tx[i + 1][0] == '{');
                if (!dbl) {
                    k = at + 1;
                    continue;
                }
                /* Does the tag close within this node? */
                if (open[1] == '{' && strstr(open + 2, "}}")) {
                    k = (size_t)(strstr(open + 2, "}}") - tx[i]) + 2;
                    continue;
                }
                /* Gather from the following nodes until "}}". */
                d25_buf whole = {0};
                d25_buf_puts(&whole, open);
                size_t j = i + 1, cut = 0;
                bool found = false;
                for (; j < nt && !found; j++) {
                    const char *s = tx[j];
                    for (size_t m = 0; s[m]; m++) {
                        d25_buf_putc(&whole, s[m]);
                        const char *b = d25_buf_cstr(&whole);
                        if (whole.len >= 4 && b[whole.len - 1] == '}' && b[whole.len - 2] == '}') {
                            found = true;
                            cut = m + 1;
                            break;
                        }
                    }
                    if (found)
                        break;
                }
                if (!found) {
                    d25_buf_free(&whole);
                    k = at + 1;
                    continue;
                }
                /* tx[i] = before + tag; nodes between emptied; tx[j] loses its head. */
                d25_buf nb = {0};
                d25_buf_append(&nb, tx[i], at);
                d25_buf_append(&nb, whole.data, whole.len);
                free(tx[i]);
                tx[i] = d25_buf_steal(&nb);
                for (size_t m = i + 1; m < j; m++) {
                    free(tx[m]);
                    tx[m] = strdup("");
                }
                memmove(tx[j], tx[j] + cut, strlen(tx[j] + cut) + 1);
                k = at + whole.len;
                d25_buf_free(&whole);
                changed = true;
            }
        }
        if (changed)
            for (size_t i = 0; i < nt; i++)
                dx_set_text(ts[i], tx[i] ? tx[i] : "");
        for (size_t i = 0; i < nt; i++)
            free(tx[i]);
        free(tx);
        free(ts);
    }
    return 0;
}

/* The ancestor-or-self of n whose parent is p. */
xmlNodePtr dx_child_of(xmlNodePtr n, xmlNodePtr p)
{
    while (n && n->parent != p)
        n = n->parent;
    return n;
}

bool dx_paragraph_empty(xmlNodePtr p)
{
    xmlNodePtr *ts;
    size_t nt = dx_paragraph_texts(p, &ts);
    bool empty = true;
    for (size_t i = 0; i < nt && empty; i++) {
        char *s = dx_text_of(ts[i]);
        empty = !s || !*s;
        free(s);
    }
    free(ts);
    return empty;
}

/* Cut [from, to) out of the text of t. */
void dx_cut_text(xmlNodePtr t, size_t from, size_t to)
{
    char *s = dx_text_of(t);
    if (!s)
        return;
    memmove(s + from, s + to, strlen(s + to) + 1);
    dx_set_text(t, s);
    free(s);
}

/* Split the run holding t so that t's text from pos on is in a run of its
 * own, right after; returns that run's w:t. */
xmlNodePtr dx_split_run(xmlNodePtr t, size_t pos)
{
    xmlNodePtr r = dx_ancestor(t, "r");
    if (!r)
        return t;
    char *s = dx_text_of(t);
    if (!s)
        return t;
    xmlNodePtr r2 = xmlDocCopyNode(r, r->doc, 1);
    xmlAddNextSibling(r, r2);
    /* In the copy, the w:t at the same position gets the tail. */
    xmlNodePtr t2 = NULL;
    for (xmlNodePtr a = r->children, b = r2->children; a && b; a = a->next, b = b->next)
        if (a == t || (a->children == t)) {
            t2 = a == t ? b : b->children;
            break;
        }
    if (!t2)
        for (xmlNodePtr n = r2; n; n = dx_next_in_doc(n, r2->next))
            if (dx_is_w(n, "t")) {
                t2 = n;
                break;
            }
    char *head = strndup(s, pos);
    dx_set_text(t, head ? head : "");
    if (t2)
        dx_set_text(t2, s + pos);
    free(head);
    free(s);
    return t2 ? t2 : t;
}

static void repoint_ns(xmlNodePtr n, xmlNsPtr from, xmlNsPtr to)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (n->ns == from)
            n->ns = to;
        for (xmlAttrPtr a = n->properties; a; a = a->next)
            if (a->ns == from)
                a->ns = to;
        repoint_ns(n->children, from, to);
    }
}

/* A copied node re-declares the namespaces its ancestors declare: use the
 * ancestors' declarations and drop the copies. */
void dx_drop_redundant_ns(xmlNodePtr copy)
{
    if (copy->type != XML_ELEMENT_NODE || !copy->parent)
        return;
    xmlNsPtr *link = &copy->nsDef;
    while (*link) {
        xmlNsPtr d = *link;
        xmlNsPtr outer = xmlSearchNs(copy->doc, copy->parent, d->prefix);
        if (outer && outer != d && outer->href && d->href && xmlStrEqual(outer->href, d->href)) {
            if (copy->ns == d)
                copy->ns = outer;
            for (xmlAttrPtr a = copy->properties; a; a = a->next)
                if (a->ns == d)
                    a->ns = outer;
            repoint_ns(copy->children, d, outer);
            *link = d->next;
            d->next = NULL;
            xmlFreeNs(d);
        } else {
            link = &d->next;
        }
    }
}

/* Remove the siblings strictly between m1 and m2. */
void dx_drop_between(xmlNodePtr m1, xmlNodePtr m2)
{
    for (xmlNodePtr x = m1->next; x && x != m2;) {
        xmlNodePtr nx = x->next;
        xmlUnlinkNode(x);
        xmlFreeNode(x);
        x = nx;
    }
}

/* The node after n in document order, not leaving root's subtree. */
xmlNodePtr dx_next_within(xmlNodePtr n, xmlNodePtr root)
{
    if (n->children)
        return n->children;
    for (; n && n != root; n = n->parent)
        if (n->next)
            return n->next;
    return NULL;
}

/* After loops in a chart: each cache's points numbered 0.. and counted. */
void dx_renumber_points(xmlNodePtr root)
{
    for (xmlNodePtr n = root; n; n = dx_next_in_doc(n, NULL)) {
        if (!(dx_is_c(n, "strCache") || dx_is_c(n, "numCache") || dx_is_c(n, "strLit") || dx_is_c(n, "numLit")))
            continue;
        int idx = 0;
        xmlNodePtr count = NULL;
        for (xmlNodePtr c = n->children; c; c = c->next) {
            if (dx_is_c(c, "ptCount"))
                count = c;
            else if (dx_is_c(c, "pt")) {
                char v[16];
                snprintf(v, sizeof v, "%d", idx++);
                xmlSetProp(c, (const xmlChar *)"idx", (const xmlChar *)v);
            }
        }
        if (count) {
            char v[16];
            snprintf(v, sizeof v, "%d", idx);
            xmlSetProp(count, (const xmlChar *)"val", (const xmlChar *)v);
        }
    }
}

void dx_drop_marks(xmlNodePtr root)
{
    for (xmlNodePtr n = root; n;) {
        xmlNodePtr nx = dx_next_in_doc(n, NULL);
        if (dx_is_mark(n)) {
            xmlUnlinkNode(n);
            xmlFreeNode(n);
        }
        n = nx;
    }
}

