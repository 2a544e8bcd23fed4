/*
 * test_names.c — the foreign-name lexicon, voices/vi/names.tsv, checked entry by entry.
 *
 * Every spoken form is made of valid Vietnamese syllables (the normalizer's own check,
 * normalizer_is_syllable), in lower case, parts joined by one space or '-'; keys are unique
 * after NFC lowercasing, hold at most 8 parts, are not all Vietnamese syllables already (such
 * a name needs no entry, and one would change how Vietnamese words are said) and are not in
 * foreign.tsv too; there are at least 1,000. Each name, written alone, comes out of
 * normalize_sentence as its spoken form (no other recognizer shadows it). With the espeak-ng
 * command at hand, no spoken form makes eSpeak NG's Vietnamese voice switch to English; and
 * a sentence with three names is synthesized by the real eSpeak NG in the Vietnamese voice.
 * Run from the repository root.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "docbao/err.h"
#include "docbao/lexicon.h"
#include "docbao/normalize.h"
#include "docbao/tts.h"
#include "docbao/util.h"
#include "t.h"

#define VOICES "voices"
#define NAMES VOICES "/vi/names.tsv"

/* Splits s into parts at ' ' and '-'; calls the syllable check on each. Returns the number
 * of parts, or -1 when one is empty or not a Vietnamese syllable (*bad points at it). */
static int parts(const struct normalizer *nz, const char *s, const char **bad)
{
    int np = 0;
    const char *p = s;
    for (;;) {
        size_t n = strcspn(p, " -");
        if (n == 0 || !normalizer_is_syllable(nz, p, n)) {
            *bad = p;
            return -1;
        }
        np++;
        if (!p[n])
            return np;
        p += n + 1;
    }
}

/* Whether every part of the key is a Vietnamese syllable. */
static int all_vietnamese(const struct normalizer *nz, const char *key)
{
    const char *bad;
    return parts(nz, key, &bad) > 0;
}

static int is_lower(const char *s)
{
    char low[1024];
    size_t n = strlen(s);
    return lexicon_lower(s, n, low, sizeof(low)) == n && memcmp(low, s, n) == 0;
}

/* Runs espeak-ng -v vi -q -x over text, one sentence a line; returns the number of output
 * lines that show a switch to another language ("(en)"), with the number (from 0) of the
 * first in *first, or -1 when the command cannot be run. */
static int espeak_switches(const char *text, size_t *first)
{
    char path[] = "/tmp/docbao-names-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "espeak-ng -v vi -q -x -f %s 2>/dev/null", path);
    FILE *p = popen(cmd, "r");
    int bad = -1;
    if (p) {
        char line[4096];
        size_t lines = 0;
        bad = 0;
        while (fgets(line, sizeof(line), p)) {
            if (strstr(line, "(en)") && bad++ == 0)
                *first = lines;
            lines += strchr(line, '\n') != NULL;
        }
        if (pclose(p) != 0 || lines == 0)
            bad = -1;
    }
    unlink(path);
    return bad;
}

int main(void)
{
    struct normalizer *nz = NULL;
    unsetenv("XDG_CONFIG_HOME");
    setenv("HOME", "/nonexistent-docbao-home", 1);
    T_INT(normalizer_new(VOICES, NORM_NORTH, &nz), 0, "normalizer_new");
    if (!nz)
        return t_done();
    struct lexicon *names = lexicon_new(), *foreign = lexicon_new();
    T_INT(lexicon_load(names, NAMES, 0), 0, "load %s", NAMES);
    T_INT(lexicon_load(foreign, VOICES "/vi/foreign.tsv", 0), 0, "load foreign.tsv");
    size_t n = lexicon_size(names);
    T_OK(n >= 1000, "names.tsv holds %zu names (at least 1,000)", n);

    size_t bad_form = 0, dup = 0, vn = 0, both = 0, many = 0, unsaid = 0;
    struct buf out = BUF_INIT, forms = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        const struct lex_entry *e = lexicon_key(names, i);
        const char *bad = NULL;
        int np = parts(nz, e->exp, &bad);
        if (np < 0 || !is_lower(e->exp)) {
            bad_form++;
            T_OK(0, "%s: \"%s\" is Vietnamese syllables in lower case (at \"%s\")", e->form,
                 e->exp, bad ? bad : e->exp);
        }
        if (e->next) {
            dup++;
            T_OK(0, "%s: one entry per name (also \"%s\")", e->form, e->next->form);
        }
        if (all_vietnamese(nz, e->key)) {
            vn++;
            T_OK(0, "%s: not Vietnamese syllables already", e->form);
        }
        if (lexicon_find(foreign, e->key, strlen(e->key))) {
            both++;
            T_OK(0, "%s: not in foreign.tsv too", e->form);
        }
        size_t kp = 1;
        for (const char *p = e->key; *p; p++)
            kp += *p == ' ' || *p == '-';
        if (kp > 8) {
            many++;
            T_OK(0, "%s: at most 8 parts", e->form);
        }
        buf_reset(&out);
        normalize_sentence(nz, e->form, strlen(e->form), &out);
        if (strcmp(buf_str(&out), e->exp) != 0) {
            unsaid++;
            T_STR(buf_str(&out), e->exp, "%s is said from names.tsv", e->form);
        }
        buf_puts(&forms, e->exp);
        buf_puts(&forms, ".\n"); /* one sentence, one line of phonemes */
    }
    T_INT(bad_form, 0, "every spoken form is Vietnamese syllables in lower case");
    T_INT(dup, 0, "keys are unique after NFC lowercasing");
    T_INT(vn, 0, "no key is Vietnamese syllables already");
    T_INT(both, 0, "no key is in foreign.tsv too");
    T_INT(many, 0, "no key has more than 8 parts");
    T_INT(unsaid, 0, "every name written alone is said as names.tsv says");

    /* the real voice: no spoken form switches eSpeak NG to English */
    size_t first = 0;
    int sw = espeak_switches(buf_str(&forms), &first);
    if (sw < 0) {
        printf("ok - # SKIP the espeak-ng command is not available\n");
    } else {
        const struct lex_entry *e = lexicon_key(names, first);
        T_INT(sw, 0, "no spoken form makes eSpeak NG switch to English (the first: %s, \"%s\")",
              sw && e ? e->form : "none", sw && e ? e->exp : "");
    }

    /* a sentence with three names, normalized, then synthesized in the Vietnamese voice */
    const char *in = "Tổng thống Donald Trump gặp Tổng thống Vladimir Putin trước trận "
                     "Manchester United gặp Real Madrid.";
    buf_reset(&out);
    normalize_sentence(nz, in, strlen(in), &out);
    T_STR(buf_str(&out),
          "Tổng thống đô-nan tờ-răm gặp Tổng thống vờ-la-đi-mia pu-tin trước trận "
          "man-chét-xờ-tơ u-nai-tít gặp rê-an ma-đờ-rít.",
          "three names in a sentence");
    sw = espeak_switches(buf_str(&out), &first);
    if (sw >= 0)
        T_INT(sw, 0, "eSpeak NG reads the sentence in the Vietnamese voice");
    struct tts *t = NULL;
    T_INT(tts_open("espeak", &(struct tts_opts){.voice = "vi", .speed = 1}, &t), 0,
          "tts_open espeak vi");
    if (t) {
        struct pcm a = PCM_INIT;
        T_INT(tts_synth(t, buf_str(&out), &a), 0, "synthesize the sentence with three names");
        double s = 0;
        for (size_t i = 0; i < a.n; i++)
            s += (double)a.s[i] * a.s[i];
        double rms = a.n ? __builtin_sqrt(s / (double)a.n) : 0;
        T_OK(a.n > 3 * 22050 && rms > 500, "it lasts over 3 s and is not silent (%zu samples, "
             "rms %.0f)", a.n, rms);
        pcm_free(&a);
        tts_close(t);
    }

    buf_free(&out);
    buf_free(&forms);
    lexicon_free(names);
    lexicon_free(foreign);
    normalizer_free(nz);
    return t_done();
}
