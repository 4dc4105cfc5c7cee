/*
 * mail: reads a saved mail (.eml, RFC 5322 + MIME) that carries returns as
 * attachments, so that a return's receipt time is when the mail arrived,
 * not when an office saved the attachment into the inbox.  The only module
 * that talks to GMime.
 *
 * What it gives:
 *   - received: the time the bureau's mail server received the mail, taken
 *     from the topmost Received: header whose date (after its last ';')
 *     parses; without one, the Date: header (the sender's clock); else
 *     (time_t)-1.  Zones are applied ("... 09:15:02 +0800" is 01:15:02
 *     UTC).  Only the outer mail's headers count, never a forwarded one's.
 *   - subject and from, decoded to UTF-8.
 *   - the attachments: every leaf part with a file name (Content-Disposition
 *     filename, or Content-Type name), in the order of the mail, walking
 *     nested multiparts (mixed/alternative/related) and forwarded mails
 *     (message/rfc822: the forwarded mail's attachments count, the .eml
 *     part itself does not).  The signature of a multipart/signed and the
 *     content of a multipart/encrypted are not attachments.
 *
 * Chinese mail as it really is: encoded words in GB2312/GBK/GB18030/UTF-8
 * (also inside quotes; split in the middle of a character, unless a word
 * before the cut ends in base64 padding "=", as GMime decodes a run of
 * words as one stream; or raw 8-bit GBK/UTF-8 with no encoding at all:
 * tried as UTF-8, then GB18030), RFC 2231
 * names (filename*=, with continuations), base64, quoted-printable and
 * uuencoded bodies.  Names are UTF-8 (invalid bytes become U+FFFD), cut to
 * their last path component ("../../etc/x.docx" is "x.docx", "C:\a\b.xlsx"
 * is "b.xlsx"), without control characters (C0, DEL, C1) or bidirectional
 * overrides, trimmed; a name left empty, "." or ".." becomes "附件N" (N is
 * the attachment's 1-based position).  GMime decodes a Content-Disposition
 * or Content-Type header as text before it reads the parameters, so
 * backslashes inside an encoded word in quotes are taken as escapes:
 * filename="=?GBK?B?...?=" holding "C:\a\b.xlsx" gives "C:ab.xlsx" (still
 * no folder in it); the same name in RFC 2231 form gives "b.xlsx".
 *
 * A mail is hostile input: a file over lim->max_bytes is refused before it
 * is read; an attachment is decoded in chunks and refused (data NULL, its
 * error set) as soon as it passes lim->max_part_bytes; past lim->max_parts
 * attachments the walk stops and `truncated` says so.  GMime builds the
 * whole tree first, at some hundred bytes a header and some KB a part, so
 * a mail with more than 200000 lines that could be header fields (a colon
 * in them) or 20000 that could be boundaries (starting "--") is refused
 * (READ_TOO_MANY_ENTRIES): a real mail has a few hundred, its base64 none.
 * GMime bounds the nesting (1024 levels).  What the attachments contain
 * (zip bombs...) is left to the readers.  Memory: the file once, GMime's
 * tree (about 120 MB at worst within the bounds above, a few KB for a real
 * mail) and the attachments kept.
 *
 * Thread safety: any number of threads may read mails at once (GMime is
 * initialised once, on first use; it is never shut down).
 *
 * Ownership: d25_mail_read*() return a mail the caller frees with
 * d25_mail_free(); it owns every string and byte in it, except
 * received_from, which is static.
 */
#ifndef D25_INGEST_MAIL_H
#define D25_INGEST_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "../util/error.h"

typedef struct {
    size_t max_bytes;      /* the .eml file; 0: 96 MiB (a 64 MiB attachment in base64, and the rest) */
    size_t max_part_bytes; /* one attachment, decoded; 0: 64 MiB (the readers' max_file_bytes) */
    size_t max_parts;      /* attachments kept; 0: 100 */
} d25_mail_limits;

/* One attachment. */
typedef struct {
    char *name;            /* UTF-8, never NULL or empty (see above) */
    unsigned char *data;   /* decoded bytes (len of them); NULL when refused */
    size_t len;
    d25_error error;       /* D25_OK, or why data is NULL: READ_FILE_TOO_BIG, READ_IO (cannot be
                              decoded); the message is Chinese and names the mail and the attachment */
} d25_mail_part;

typedef struct {
    time_t received;           /* see above; (time_t)-1 when neither header gives a time */
    const char *received_from; /* "Received" or "Date": which header gave it; NULL with (time_t)-1 */
    char *subject;             /* decoded to UTF-8; NULL when the mail has none */
    char *from;                /* "Name <addr>", decoded to UTF-8; NULL when the mail has none */
    d25_mail_part *parts;      /* the attachments, nparts of them */
    size_t nparts;
    bool truncated;            /* more attachments than max_parts: the rest were not read */
} d25_mail;

/* Read the mail at path (lim NULL: the defaults).  NULL with err set when it
 * cannot be read as a mail: READ_IO, READ_EMPTY, READ_FILE_TOO_BIG,
 * READ_OTHER_FORMAT (no mail headers at the start: not a saved mail),
 * READ_TOO_MANY_ENTRIES (see above), READ_NOMEM; the message is Chinese and names the file ("邮件「a.eml」：…"). */
d25_mail *d25_mail_read(const char *path, const d25_mail_limits *lim, d25_error *err);
/* The same from bytes in memory (copied); name is what messages call it. */
d25_mail *d25_mail_read_buffer(const void *data, size_t len, const char *name, const d25_mail_limits *lim,
                               d25_error *err);
void d25_mail_free(d25_mail *m);

/* Whether buf (the start of a file, 64 KiB are enough) begins like a saved
 * mail: a header block (an optional UTF-8 BOM and mbox "From " line first)
 * whose first line is a header field and which has at least one field that
 * mails have and other MIME files (MHTML web pages) do not: Received, Date,
 * From, To, Cc, Subject, Message-ID, Return-Path, Delivered-To, Reply-To,
 * Sender, X-Mailer.  For files without the .eml extension. */
bool d25_mail_looks_like(const unsigned char *buf, size_t len);

#endif
