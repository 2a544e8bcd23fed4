/*
 * fuzz_config.c — libFuzzer target for config_parse(): any bytes as the user's config.json.
 * Nothing may crash, leak or read out of bounds, and the result must keep config.h's
 * contract:
 *   - the return is 0, or DB_EFORMAT with exactly one warning line;
 *   - every setting is in its documented range, whatever the file said;
 *   - every warning is one line of valid UTF-8 without C0 or C1 control characters (they are
 *     printed to the terminal as they are);
 *   - config_print() of the result loads back, without warnings, to the same settings.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docbao/config.h"
#include "docbao/err.h"
#include "docbao/utf8.h"
#include "docbao/util.h"

/* One line of valid UTF-8 without C0 controls or DEL. */
static int cfg_one_clean_line(const char *s)
{
    size_t n = strlen(s);
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n;) {
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x20 || ch == 0x7f)
            return 0;
        int cp;
        size_t k = utf8_decode(s + i, n - i, &cp);
        if (cp == 0xFFFD && memcmp(s + i, "\xEF\xBF\xBD", k < 3 ? k : 3) != 0)
            return 0; /* an invalid sequence, not a real U+FFFD */
        if (cp >= 0x80 && cp < 0xa0)
            return 0; /* C1 controls (U+009B is a terminal's CSI) */
        i += k;
    }
    return 1;
}

static int cfg_slug(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 64 || s[0] == '-' || s[n - 1] == '-')
        return 0;
    return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-_") == n;
}

static void cfg_check_ranges(const struct config *c)
{
    if (!cfg_slug(c->category) || !c->voice || strncmp(c->voice, "vi", 2) != 0)
        abort();
    for (size_t i = 0; c->sites && c->sites[i]; i++)
        if (!cfg_slug(c->sites[i]))
            abort();
    if (c->sites && !c->sites[0])
        abort(); /* an empty list is NULL (every site) */
    if (c->limit > 10000 || !(c->speed >= 0.5 && c->speed <= 4.0))
        abort();
    if (c->dialect != NORM_NORTH && c->dialect != NORM_SOUTH)
        abort();
    if (c->output && !config_valid_output(c->output))
        abort();
    if (c->bulletin.rate != 48000 && c->bulletin.rate != 44100)
        abort();
    if (!(c->bulletin.loudness >= -60 && c->bulletin.loudness <= -5))
        abort();
    if ((c->bulletin.intro && strlen(c->bulletin.intro) > 1000) ||
        (c->bulletin.outro && strlen(c->bulletin.outro) > 1000))
        abort();
}

static int cfg_str_eq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int cfg_near(double a, double b)
{
    return fabs(a - b) <= 1e-5 * fabs(b); /* config_print keeps 6 significant digits */
}

static void cfg_check_same(const struct config *a, const struct config *b)
{
    size_t i = 0;
    for (; a->sites && b->sites && a->sites[i] && b->sites[i]; i++)
        if (strcmp(a->sites[i], b->sites[i]) != 0)
            abort();
    if ((a->sites && a->sites[i]) || (b->sites && b->sites[i]) || !a->sites != !b->sites)
        abort();
    if (!cfg_str_eq(a->category, b->category) || !cfg_str_eq(a->voice, b->voice) ||
        a->limit != b->limit || !cfg_near(a->speed, b->speed) || a->dialect != b->dialect ||
        a->headlines != b->headlines || a->bulletin.rate != b->bulletin.rate ||
        !cfg_near(a->bulletin.loudness, b->bulletin.loudness) ||
        !cfg_str_eq(a->bulletin.intro, b->bulletin.intro) ||
        !cfg_str_eq(a->bulletin.outro, b->bulletin.outro))
        abort();
    /* "output": NULL and "auto" mean the same */
    const char *oa = a->output ? a->output : "auto", *ob = b->output ? b->output : "auto";
    if (strcmp(oa, ob) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > CONFIG_MAX_SIZE)
        return 0; /* config_load refuses these before parsing */
    struct config c;
    struct strv w = STRV_INIT;
    int rc = config_parse((const char *)data, size, "config.json", &c, &w);
    if (rc != 0 && rc != DB_EFORMAT)
        abort();
    if (rc == DB_EFORMAT && w.n != 1)
        abort();
    for (size_t i = 0; i < w.n; i++)
        if (!cfg_one_clean_line(w.v[i]))
            abort();
    cfg_check_ranges(&c);

    /* what `docbao config --print` shows loads back to the same settings */
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        abort();
    if (config_print(&c, f) != 0)
        abort();
    fclose(f);
    struct config back;
    struct strv w2 = STRV_INIT;
    if (config_parse(text, len, "printed", &back, &w2) != 0 || w2.n != 0)
        abort();
    cfg_check_same(&c, &back);

    free(text);
    config_free(&back);
    strv_free(&w2);
    config_free(&c);
    strv_free(&w);
    return 0;
}
