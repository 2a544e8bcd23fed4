/*
 * lexicon.c — TSV pronunciation lexicons in an open-hashing table (see lexicon.h).
 *
 * Keys are stored lowercased in NFC; lookups hash the caller's already-lowercased bytes
 * (FNV-1a) and compare, so the hot path allocates nothing. Each entry is one allocation (the
 * node and its strings), and a file's text is cleaned once, not string by string: loading
 * the 1,500 names of names.tsv at every start must stay cheap.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "docbao/err.h"
#include "docbao/lexicon.h"
#include "docbao/utf8.h"
#include "docbao/util.h"

struct node {
    struct lex_entry e;
    size_t keylen;
    uint32_t hash;
    size_t idx;         /* a head's place in struct lexicon's order */
    struct node *hnext; /* next head in the same bucket */
};

struct lexicon {
    struct node **buckets;
    size_t nbuckets;
    size_t nkeys;
    struct node **order; /* the heads in the order their keys were first added */
    size_t ordercap;
};

static uint32_t hash_bytes(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

struct lexicon *lexicon_new(void)
{
    struct lexicon *lx = xcalloc(1, sizeof(*lx));
    lx->nbuckets = 1024;
    lx->buckets = xcalloc(lx->nbuckets, sizeof(*lx->buckets));
    return lx;
}

static void free_chain(struct node *nd)
{
    while (nd) {
        struct node *nx = (struct node *)nd->e.next;
        free(nd); /* the strings live in the same block */
        nd = nx;
    }
}

void lexicon_free(struct lexicon *lx)
{
    if (!lx)
        return;
    for (size_t b = 0; b < lx->nbuckets; b++) {
        struct node *h = lx->buckets[b];
        while (h) {
            struct node *hn = h->hnext;
            free_chain(h);
            h = hn;
        }
    }
    free(lx->buckets);
    free(lx->order);
    free(lx);
}

static void grow(struct lexicon *lx)
{
    size_t nb = lx->nbuckets * 2;
    struct node **nbk = xcalloc(nb, sizeof(*nbk));
    for (size_t b = 0; b < lx->nbuckets; b++) {
        struct node *h = lx->buckets[b];
        while (h) {
            struct node *hn = h->hnext;
            size_t k = h->hash & (nb - 1);
            h->hnext = nbk[k];
            nbk[k] = h;
            h = hn;
        }
    }
    free(lx->buckets);
    lx->buckets = nbk;
    lx->nbuckets = nb;
}

static struct node **find_head(const struct lexicon *lx, const char *key, size_t n, uint32_t h)
{
    struct node **pp = &lx->buckets[h & (lx->nbuckets - 1)];
    while (*pp) {
        if ((*pp)->hash == h && (*pp)->keylen == n && memcmp((*pp)->e.key, key, n) == 0)
            return pp;
        pp = &(*pp)->hnext;
    }
    return pp;
}

/* Trims ASCII spaces at both ends; returns the new length. */
static size_t trim(const char **s, size_t n)
{
    while (n && (**s == ' ' || **s == '\t')) {
        (*s)++;
        n--;
    }
    while (n && ((*s)[n - 1] == ' ' || (*s)[n - 1] == '\t' || (*s)[n - 1] == '\r'))
        n--;
    return n;
}

/* Adds an entry from strings already valid NFC UTF-8 (kn, en, cn bytes; no NUL inside). */
static void add_clean(struct lexicon *lx, const char *key, size_t kn, const char *exp, size_t en,
                      const char *ctx, size_t cn, int override)
{
    /* lowercased as lookups lowercase the text (lexicon_lower), so that every key can match */
    char small[512];
    char *low = small;
    size_t n = lexicon_lower(key, kn, small, sizeof(small));
    if (n == (size_t)-1) {
        low = xmalloc(4 * kn + 1);
        n = lexicon_lower(key, kn, low, 4 * kn + 1);
    }
    uint32_t h = hash_bytes(low, n);
    struct node **pp = find_head(lx, low, n, h);
    struct node *nd = xmalloc(sizeof(*nd) + n + kn + en + cn + 4);
    memset(nd, 0, sizeof(*nd));
    char *p = (char *)(nd + 1);
    nd->e.key = memcpy(p, low, n);
    p[n] = '\0';
    p += n + 1;
    nd->e.form = memcpy(p, key, kn);
    p[kn] = '\0';
    p += kn + 1;
    nd->e.exp = memcpy(p, exp, en);
    p[en] = '\0';
    p += en + 1;
    nd->e.ctx = memcpy(p, ctx, cn);
    p[cn] = '\0';
    if (low != small)
        free(low);
    nd->keylen = n;
    nd->hash = h;
    if (*pp && override) {
        struct node *old = *pp;
        nd->hnext = old->hnext;
        nd->idx = old->idx;
        lx->order[nd->idx] = nd;
        *pp = nd;
        old->hnext = NULL;
        free_chain(old);
        return;
    }
    if (*pp) {
        struct node *t = *pp;
        while (t->e.next)
            t = (struct node *)t->e.next;
        t->e.next = &nd->e;
        return;
    }
    *pp = nd;
    if (lx->nkeys == lx->ordercap) {
        lx->ordercap = lx->ordercap ? 2 * lx->ordercap : 64;
        lx->order = xrealloc(lx->order, lx->ordercap * sizeof(*lx->order));
    }
    nd->idx = lx->nkeys;
    lx->order[lx->nkeys++] = nd;
    if (lx->nkeys > lx->nbuckets)
        grow(lx);
}

void lexicon_add(struct lexicon *lx, const char *key, const char *exp, const char *ctx,
                 int override)
{
    char *k = utf8_clean(key, strlen(key)), *e = utf8_clean(exp, strlen(exp));
    char *c = utf8_clean(ctx ? ctx : "", ctx ? strlen(ctx) : 0);
    add_clean(lx, k, strlen(k), e, strlen(e), c, strlen(c), override);
    free(k);
    free(e);
    free(c);
}

int lexicon_load(struct lexicon *lx, const char *path, int override)
{
    struct buf b = BUF_INIT;
    int rc = read_file(path, 16u * 1024 * 1024, &b);
    if (rc < 0) {
        buf_free(&b);
        return rc == DB_ENOENT ? DB_ENOENT : DB_EIO;
    }
    char *text = utf8_clean(buf_str(&b), b.len);
    buf_free(&b);
    /* A user file may repeat a key to give alternatives: override only what came before
     * this file, so remember the keys this file has already replaced. */
    struct lexicon *seen = override ? lexicon_new() : NULL;
    char *line = text;
    while (line && *line) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        char *tab = strchr(line, '\t');
        if (line[0] != '#' && tab) {
            char *tab2 = strchr(tab + 1, '\t');
            const char *k = line, *e = tab + 1, *c = tab2 ? tab2 + 1 : "";
            size_t kn = trim(&k, (size_t)(tab - line));
            size_t en = trim(&e, (size_t)((tab2 ? tab2 : tab + 1 + strlen(tab + 1)) - e));
            size_t cn = trim(&c, strlen(c));
            if (kn && en && kn < 256 && en < 1024) {
                int ov = 0;
                if (seen) {
                    char low[1024];
                    size_t ln = lexicon_lower(k, kn, low, sizeof(low));
                    ov = ln != (size_t)-1 && lexicon_find(seen, low, ln) == NULL;
                    if (ov)
                        add_clean(seen, k, kn, "", 0, "", 0, 0);
                }
                /* the text was cleaned as a whole: its pieces are valid NFC already */
                add_clean(lx, k, kn, e, en, c, cn, ov);
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    lexicon_free(seen);
    free(text);
    return 0;
}

const struct lex_entry *lexicon_find(const struct lexicon *lx, const char *key, size_t n)
{
    if (!lx || n == 0)
        return NULL;
    struct node **pp = find_head(lx, key, n, hash_bytes(key, n));
    return *pp ? &(*pp)->e : NULL;
}

size_t lexicon_size(const struct lexicon *lx)
{
    return lx ? lx->nkeys : 0;
}

const struct lex_entry *lexicon_key(const struct lexicon *lx, size_t i)
{
    return lx && i < lx->nkeys ? &lx->order[i]->e : NULL;
}

size_t lexicon_lower(const char *s, size_t n, char *out, size_t cap)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t o = 0, i = 0;
    while (i < n) {
        unsigned char c = u[i];
        if (c < 0x80) {
            if (o + 1 >= cap)
                return (size_t)-1;
            out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            i++;
            continue;
        }
        int cp;
        size_t k;
        /* well-formed 2- and 3-byte sequences (all of Vietnamese) are decoded here: they are
         * always valid, and this runs for every capitalized word */
        if (c >= 0xC2 && c < 0xE0 && i + 1 < n && (u[i + 1] & 0xC0) == 0x80) {
            cp = ((c & 0x1F) << 6) | (u[i + 1] & 0x3F);
            k = 2;
        } else if (c >= 0xE1 && c < 0xF0 && c != 0xED && i + 2 < n && (u[i + 1] & 0xC0) == 0x80 &&
                   (u[i + 2] & 0xC0) == 0x80) {
            cp = ((c & 0x0F) << 12) | ((u[i + 1] & 0x3F) << 6) | (u[i + 2] & 0x3F);
            k = 3;
        } else {
            k = utf8_decode(s + i, n - i, &cp);
        }
        int lc;
        if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
            lc = cp + 0x20;
        else if (cp >= 0x1EA0 && cp <= 0x1EF9)
            lc = cp | 1; /* Vietnamese letters with two marks: upper even, lower odd */
        else if (cp >= 0x1E00 && cp <= 0x1E95)
            lc = cp | 1;
        else if (cp == 0x110 || cp == 0x111 || cp == 0x1A0 || cp == 0x1A1)
            lc = cp | 1; /* Đ đ Ơ ơ */
        else if (cp == 0x1AF || cp == 0x1B0)
            lc = 0x1B0; /* Ư ư */
        else
            lc = utf8proc_tolower(cp);
        char enc[4];
        size_t m;
        if (lc >= 0x80 && lc < 0x800) { /* encoded as utf8_encode would, without the call */
            enc[0] = (char)(0xC0 | (lc >> 6));
            enc[1] = (char)(0x80 | (lc & 0x3F));
            m = 2;
        } else if (lc >= 0x800 && lc < 0x10000) {
            enc[0] = (char)(0xE0 | (lc >> 12));
            enc[1] = (char)(0x80 | ((lc >> 6) & 0x3F));
            enc[2] = (char)(0x80 | (lc & 0x3F));
            m = 3;
        } else {
            m = utf8_encode(lc, enc);
        }
        if (o + m >= cap)
            return (size_t)-1;
        memcpy(out + o, enc, m);
        o += m;
        i += k;
    }
    if (cap == 0)
        return (size_t)-1;
    out[o] = '\0';
    return o;
}
