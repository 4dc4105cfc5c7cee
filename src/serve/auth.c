/* serve auth: random values, the office's password hash (PBKDF2-SHA256,
 * nettle), the HMAC that makes CSRF tokens, and the office's sessions. */
#include "serveint.h"

#include <errno.h>
#include <nettle/hmac.h>
#include <nettle/pbkdf2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

enum { PBKDF2_ITERATIONS = 200000, SALT_BYTES = 16, HASH_BYTES = 32 };

int srv_random(void *out, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = getrandom((unsigned char *)out + got, n - got, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    return 0;
}

void srv_hex(const unsigned char *b, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", b[i]);
}

static int unhex(const char *h, unsigned char *out, size_t n)
{
    if (strlen(h) != 2 * n)
        return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(h + 2 * i, "%2x", &v) != 1 || !strchr("0123456789abcdefABCDEF", h[2 * i]) ||
            !strchr("0123456789abcdefABCDEF", h[2 * i + 1]))
            return -1;
        out[i] = (unsigned char)v;
    }
    return 0;
}

bool srv_equal(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned char d = la != lb;
    for (size_t i = 0; i < la && i < lb; i++)
        d |= (unsigned char)(a[i] ^ b[i]);
    return d == 0;
}

char *d25_serve_hash_password(const char *password)
{
    unsigned char salt[SALT_BYTES], dk[HASH_BYTES];
    if (srv_random(salt, sizeof salt) < 0)
        return NULL;
    pbkdf2_hmac_sha256(strlen(password), (const uint8_t *)password, PBKDF2_ITERATIONS, sizeof salt, salt, sizeof dk, dk);
    char hs[2 * SALT_BYTES + 1], hd[2 * HASH_BYTES + 1];
    srv_hex(salt, sizeof salt, hs);
    srv_hex(dk, sizeof dk, hd);
    char *out;
    if (asprintf(&out, "pbkdf2-sha256$%d$%s$%s", PBKDF2_ITERATIONS, hs, hd) < 0)
        return NULL;
    return out;
}

int d25_serve_check_password(const char *stored, const char *password)
{
    unsigned iter;
    char salt_hex[2 * 64 + 1], hash_hex[2 * HASH_BYTES + 1];
    int used = 0;
    if (!stored || sscanf(stored, "pbkdf2-sha256$%u$%128[0-9a-fA-F]$%64[0-9a-fA-F]%n", &iter, salt_hex, hash_hex, &used) != 3 ||
        stored[used] || iter < 1000 || iter > 10000000 || strlen(salt_hex) % 2 || strlen(salt_hex) < 16)
        return -1;
    size_t nsalt = strlen(salt_hex) / 2;
    unsigned char salt[64], want[HASH_BYTES], dk[HASH_BYTES];
    if (unhex(salt_hex, salt, nsalt) < 0 || unhex(hash_hex, want, HASH_BYTES) < 0)
        return -1;
    pbkdf2_hmac_sha256(strlen(password), (const uint8_t *)password, iter, nsalt, salt, sizeof dk, dk);
    unsigned char d = 0;
    for (size_t i = 0; i < HASH_BYTES; i++)
        d |= (unsigned char)(dk[i] ^ want[i]);
    return d == 0;
}

void srv_csrf(const d25_server *sv, const char *scope, const char *id, char out[SRV_CSRF_LEN + 1])
{
    struct hmac_sha256_ctx h;
    hmac_sha256_set_key(&h, sizeof sv->secret, sv->secret);
    hmac_sha256_update(&h, strlen(scope), (const uint8_t *)scope);
    hmac_sha256_update(&h, 1, (const uint8_t *)"\n");
    hmac_sha256_update(&h, strlen(id), (const uint8_t *)id);
    unsigned char mac[SHA256_DIGEST_SIZE];
    hmac_sha256_digest(&h, sizeof mac, mac);
    srv_hex(mac, SRV_CSRF_LEN / 2, out);
}

/* ---- sessions ---- */

int srv_session_new(d25_server *sv, char id[SRV_SESSION_LEN + 1])
{
    unsigned char b[SRV_SESSION_LEN / 2];
    if (srv_random(b, sizeof b) < 0)
        return -1;
    srv_hex(b, sizeof b, id);
    time_t now = time(NULL);
    pthread_mutex_lock(&sv->lock);
    size_t k = 0;
    for (size_t i = 0; i < SRV_SESSIONS; i++) {
        if (sv->sessions[i].expires < now) { /* free or expired */
            k = i;
            break;
        }
        if (sv->sessions[i].expires < sv->sessions[k].expires)
            k = i; /* all taken: the oldest goes */
    }
    memcpy(sv->sessions[k].id, id, SRV_SESSION_LEN + 1);
    sv->sessions[k].expires = now + SRV_SESSION_SECONDS;
    pthread_mutex_unlock(&sv->lock);
    return 0;
}

bool srv_session_valid(d25_server *sv, const char *id)
{
    if (!id || strlen(id) != SRV_SESSION_LEN)
        return false;
    time_t now = time(NULL);
    bool ok = false;
    pthread_mutex_lock(&sv->lock);
    for (size_t i = 0; i < SRV_SESSIONS; i++)
        if (sv->sessions[i].expires >= now && srv_equal(sv->sessions[i].id, id)) {
            sv->sessions[i].expires = now + SRV_SESSION_SECONDS;
            ok = true;
        }
    pthread_mutex_unlock(&sv->lock);
    return ok;
}

void srv_session_end(d25_server *sv, const char *id)
{
    pthread_mutex_lock(&sv->lock);
    for (size_t i = 0; id && i < SRV_SESSIONS; i++)
        if (srv_equal(sv->sessions[i].id, id))
            memset(&sv->sessions[i], 0, sizeof sv->sessions[i]);
    pthread_mutex_unlock(&sv->lock);
}
