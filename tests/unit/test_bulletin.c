/*
 * test_bulletin.c — the broadcast writer (bulletin.h) with synthetic signals, measured back
 * from the written files with libsndfile and libebur128; the ASCII folding table; the
 * default intro of export.h.
 */
#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ebur128.h>
#include <sndfile.h>

#include "docbao/bulletin.h"
#include "docbao/err.h"
#include "docbao/export.h"
#include "t.h"

#define IN_RATE 22050
#define PI 3.14159265358979323846

static char dir[64];

static char *path(const char *name)
{
    static char p[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(p[k], sizeof(p[k]), "%s/%s", dir, name);
    return p[k];
}

/* Number of entries in the test folder. */
static int entries(void)
{
    int n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

static void clean(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.')
            unlink(path(e->d_name));
    if (d)
        closedir(d);
}

/* ---- signals ------------------------------------------------------------------------- */

static int16_t *sine(size_t n, double freq, double dbfs)
{
    int16_t *s = malloc(n * sizeof(*s));
    double a = pow(10.0, dbfs / 20.0) * 32767.0;
    for (size_t i = 0; i < n; i++)
        s[i] = (int16_t)lrint(a * sin(2 * PI * freq * (double)i / IN_RATE));
    return s;
}

static int16_t *square(size_t n, double freq, double dbfs)
{
    int16_t *s = malloc(n * sizeof(*s));
    double a = pow(10.0, dbfs / 20.0) * 32767.0;
    size_t half = (size_t)(IN_RATE / freq / 2);
    for (size_t i = 0; i < n; i++)
        s[i] = (int16_t)lrint((i / half) % 2 ? -a : a);
    return s;
}

/* A quiet tone with a full-scale burst (20 ms) every second: a high peak-to-loudness ratio,
 * like clipped speech, so a loud target needs the limiter. */
static int16_t *bursty(size_t n)
{
    int16_t *s = sine(n, 300, -30);
    for (size_t i = 0; i < n; i++)
        if (i % IN_RATE < IN_RATE / 50)
            s[i] = (int16_t)((i / 20) % 2 ? -32767 : 32767);
    return s;
}

/* Speech-like: a 120 Hz voice with falling harmonics up to 10 kHz in 4 Hz syllables, hiss
 * bursts (fricatives) and pauses; deterministic. */
static int16_t *speechy(size_t n, uint32_t seed)
{
    int16_t *s = malloc(n * sizeof(*s));
    uint32_t x = seed;
    double prev = 0;
    for (size_t i = 0; i < n; i++) {
        double t = (double)i / IN_RATE, v = 0;
        double syl = fmod(t * 4.0, 1.0), word = fmod(t, 3.0);
        for (int k = 1; k * 120 < 10000; k++)
            v += sin(2 * PI * 120 * k * t + k) / k;
        v *= 0.15 * sin(PI * syl);
        x = x * 1664525u + 1013904223u;
        double noise = ((double)(x >> 8) / (1 << 24) - 0.5);
        if (syl > 0.8)
            v = 0.3 * (noise - prev); /* high-passed hiss */
        prev = noise;
        if (word > 2.4)
            v = 0; /* a pause between words */
        s[i] = (int16_t)lrint(v * 32767.0);
    }
    return s;
}

/* ---- reading back -------------------------------------------------------------------- */

struct measure {
    int ok;
    SF_INFO info;
    double lufs, tp;
    uint32_t cues;
    SF_BROADCAST_INFO bext;
    int has_bext;
    uint64_t hash;
};

static struct measure measure(const char *p)
{
    struct measure m;
    memset(&m, 0, sizeof(m));
    SNDFILE *sf = sf_open(p, SFM_READ, &m.info);
    if (!sf)
        return m;
    ebur128_state *st = ebur128_init((unsigned)m.info.channels, (unsigned long)m.info.samplerate,
                                     EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
    float buf[4096];
    short sh[4096];
    sf_count_t got;
    m.hash = 5381;
    while ((got = sf_readf_float(sf, buf, 4096)) > 0)
        ebur128_add_frames_float(st, buf, (size_t)got);
    sf_seek(sf, 0, SEEK_SET);
    while ((got = sf_read_short(sf, sh, 4096)) > 0)
        for (sf_count_t i = 0; i < got; i++)
            m.hash = m.hash * 33 + (uint16_t)sh[i];
    ebur128_loudness_global(st, &m.lufs);
    double tp = 0;
    ebur128_true_peak(st, 0, &tp);
    m.tp = 20 * log10(tp);
    ebur128_destroy(&st);
    if (sf_command(sf, SFC_GET_CUE_COUNT, &m.cues, sizeof(m.cues)) != SF_TRUE)
        m.cues = 0;
    m.has_bext = sf_command(sf, SFC_GET_BROADCAST_INFO, &m.bext, sizeof(m.bext)) == SF_TRUE;
    sf_close(sf);
    m.ok = 1;
    return m;
}

/* Reads the labl texts of a WAV file's LIST/adtl chunk, joined by '|'. */
static void labels(const char *p, char *out, size_t cap)
{
    out[0] = 0;
    FILE *f = fopen(p, "rb");
    if (!f)
        return;
    unsigned char h[12];
    if (fread(h, 1, 12, f) != 12 || memcmp(h, "RIFF", 4) || memcmp(h + 8, "WAVE", 4)) {
        fclose(f);
        return;
    }
    unsigned char ch[8];
    while (fread(ch, 1, 8, f) == 8) {
        uint32_t len = ch[4] | ch[5] << 8 | ch[6] << 16 | (uint32_t)ch[7] << 24;
        long next = ftell(f) + (long)len + (len & 1);
        if (memcmp(ch, "LIST", 4) == 0 && len >= 4 && len < 1 << 20) {
            unsigned char *d = malloc(len);
            if (fread(d, 1, len, f) == len && memcmp(d, "adtl", 4) == 0) {
                for (uint32_t o = 4; o + 8 <= len;) {
                    uint32_t sl = d[o + 4] | d[o + 5] << 8 | d[o + 6] << 16 |
                                  (uint32_t)d[o + 7] << 24;
                    if (memcmp(d + o, "labl", 4) == 0 && sl >= 4 && o + 8 + sl <= len) {
                        if (out[0])
                            strncat(out, "|", cap - strlen(out) - 1);
                        strncat(out, (char *)d + o + 12,
                                sl - 4 < cap - strlen(out) - 1 ? sl - 4 : cap - strlen(out) - 1);
                    }
                    o += 8 + sl + (sl & 1);
                }
            }
            free(d);
        }
        fseek(f, next, SEEK_SET);
    }
    fclose(f);
}

/* Writes n samples of s as a bulletin at p with marks every `every` samples (a multiple
 * of 1050). */
static int write_bulletin(const char *p, const struct bulletin_opts *o, const int16_t *s,
                          size_t n, size_t every, struct bulletin_report *rep)
{
    struct bulletin *b;
    int rc = bulletin_new(p, o, &b);
    if (rc < 0)
        return rc;
    static const char *const titles[] = {"Tin một", "Đường Nguyễn Huệ", "Tin ba", "Tin bốn"};
    for (size_t i = 0, k = 0; i < n; i += 1050) {
        if (every && i % every == 0)
            bulletin_mark(b, titles[k++ % 4]);
        size_t m = n - i < 1050 ? n - i : 1050;
        if ((rc = bulletin_write(b, s + i, m)) < 0) {
            bulletin_free(b);
            return rc;
        }
    }
    return bulletin_close(b, rep);
}

/* ---- tests --------------------------------------------------------------------------- */

static void test_fold(void)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"Bản tin Xã hội", "Ban tin Xa hoi"},
        {"Đường Nguyễn Huệ, đô thị", "Duong Nguyen Hue, do thi"},
        {"àáảãạăằắẳẵặâầấẩẫậ", "aaaaaaaaaaaaaaaaa"},
        {"ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ", "AAAAAAAAAAAAAAAAA"},
        {"èéẻẽẹêềếểễệ ÈÉẺẼẸÊỀẾỂỄỆ", "eeeeeeeeeee EEEEEEEEEEE"},
        {"ìíỉĩị ÌÍỈĨỊ ỳýỷỹỵ ỲÝỶỸỴ", "iiiii IIIII yyyyy YYYYY"},
        {"òóỏõọôồốổỗộơờớởỡợ", "ooooooooooooooooo"},
        {"ÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ", "OOOOOOOOOOOOOOOOO"},
        {"ùúủũụưừứửữự ÙÚỦŨỤƯỪỨỬỮỰ", "uuuuuuuuuuu UUUUUUUUUUU"},
        {"“Tin” – mới…", "\"Tin\" - moi..."},
        {"Thứ Bảy 28/11 — 100%", "Thu Bay 28/11 - 100%"},
        {"漢字 ok", " ok"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        char *got = bulletin_ascii_fold(cases[i].in);
        T_STR(got, cases[i].want, "fold: %s", cases[i].in);
        free(got);
    }
}

static void test_intro(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
    char buf[256];
    export_default_intro("Xã hội", (time_t)1795867200, buf, sizeof(buf)); /* 2026-11-28 */
    T_STR(buf, "Bản tin Xã hội, Thứ Bảy, ngày 28 tháng 11 năm 2026.", "default intro");
    export_default_intro(NULL, (time_t)1795564800, buf, sizeof(buf)); /* 2026-11-25 */
    T_STR(buf, "Bản tin, Thứ Tư, ngày 25 tháng 11 năm 2026.", "default intro, no category");
}

static void test_sine(void)
{
    size_t n = IN_RATE * 12;
    int16_t *s = sine(n, 1000, -30);
    struct bulletin_opts o = {.in_rate = IN_RATE, .title = "Bản tin Xã hội",
                              .date = (time_t)1795867200};
    struct bulletin_report rep;
    int rc = write_bulletin(path("sine.wav"), &o, s, n, (size_t)IN_RATE * 4, &rep);
    T_INT(rc, 0, "sine: bulletin written");
    struct measure m = measure(path("sine.wav"));
    T_OK(m.ok, "sine: the file opens");
    T_INT(m.info.samplerate, 48000, "sine: 48 kHz");
    T_INT(m.info.channels, 1, "sine: mono");
    T_INT(m.info.format, SF_FORMAT_WAV | SF_FORMAT_PCM_16, "sine: 16-bit WAV");
    T_OK(labs((long)m.info.frames - 12 * 48000) <= 2, "sine: 12 s long (%ld frames)",
         (long)m.info.frames);
    T_OK(fabs(m.lufs + 23) <= 0.5, "sine: -23 LUFS +-0.5 (%.2f)", m.lufs);
    T_OK(m.tp <= -1.0, "sine: true peak <= -1 dBTP (%.2f)", m.tp);
    /* -30 dBFS peak = -33.01 dBFS RMS, -0.691 LUFS offset, K-weighting +0.7 dB at 1 kHz. */
    T_OK(fabs(rep.in_lufs - -33.0) < 0.3, "sine: input loudness measured (%.2f)",
         rep.in_lufs);
    T_OK(!rep.limited, "sine: no limiting needed");
    T_OK(m.has_bext, "sine: bext chunk read back");
    T_STR(m.bext.description, "Ban tin Xa hoi", "sine: bext description folded to ASCII");
    char orig[33] = {0};
    memcpy(orig, m.bext.originator, 32);
    T_STR(orig, "docbao", "sine: bext originator");
    char date[11] = {0};
    memcpy(date, m.bext.origination_date, 10);
    T_STR(date, "2026-11-28", "sine: bext origination date");
    T_INT(m.cues, 3, "sine: 3 cue points");
    SF_CUES cues;
    SNDFILE *sf = sf_open(path("sine.wav"), SFM_READ, &m.info);
    int got = sf && sf_command(sf, SFC_GET_CUE, &cues, sizeof(cues)) == SF_TRUE;
    T_OK(got && cues.cue_points[0].position == 0 && cues.cue_points[1].position == 4 * 48000 &&
             cues.cue_points[2].position == 8 * 48000,
         "sine: cue positions at 0, 4 and 8 s");
    if (sf)
        sf_close(sf);
    char lab[256];
    labels(path("sine.wav"), lab, sizeof(lab));
    T_STR(lab, "Tin mot|Duong Nguyen Hue|Tin ba", "sine: LIST/adtl labl labels in order");
    T_INT(entries(), 1, "sine: no temporary file left");

    /* The same input twice gives the same samples. */
    rc = write_bulletin(path("sine2.wav"), &o, s, n, (size_t)IN_RATE * 4, NULL);
    struct measure m2 = measure(path("sine2.wav"));
    T_OK(rc == 0 && m2.hash == m.hash, "sine: same input, same samples");

    /* Overwriting an existing file. */
    rc = write_bulletin(path("sine2.wav"), &o, s, n / 2, 0, NULL);
    m2 = measure(path("sine2.wav"));
    T_OK(rc == 0 && labs((long)m2.info.frames - 6 * 48000) <= 2 && m2.cues == 0,
         "sine: an existing file is replaced");
    T_INT(entries(), 2, "sine: still no temporary file left");

    /* 44.1 kHz and a stream loudness. */
    o.out_rate = 44100;
    o.loudness = -16;
    rc = write_bulletin(path("sine441.wav"), &o, s, n, 0, NULL);
    m = measure(path("sine441.wav"));
    T_OK(rc == 0 && m.info.samplerate == 44100, "sine: 44.1 kHz on request");
    T_OK(fabs(m.lufs + 16) <= 0.5, "sine: -16 LUFS on request (%.2f)", m.lufs);
    T_OK(m.tp <= -1.0, "sine: -16 LUFS true peak <= -1 dBTP (%.2f)", m.tp);
    free(s);
    clean();
}

static void test_peaks(void)
{
    size_t n = IN_RATE * 10;
    int16_t *s = square(n, 441, -0.1);
    struct bulletin_opts o = {.in_rate = IN_RATE, .title = "vuông"};
    struct bulletin_report rep;
    int rc = write_bulletin(path("square.wav"), &o, s, n, 0, &rep);
    struct measure m = measure(path("square.wav"));
    T_INT(rc, 0, "square: written");
    T_OK(fabs(m.lufs + 23) <= 0.5, "square: -23 LUFS +-0.5 (%.2f)", m.lufs);
    T_OK(m.tp <= -1.0, "square: true peak <= -1 dBTP (%.2f)", m.tp);
    free(s);

    /* Bursty: a -16 LUFS target needs the limiter. */
    s = bursty(n);
    o.loudness = -16;
    rc = write_bulletin(path("bursty.wav"), &o, s, n, 0, &rep);
    m = measure(path("bursty.wav"));
    T_INT(rc, 0, "bursty: written");
    T_OK(rep.limited, "bursty: the limiter acted (input %.2f LUFS, peak %.2f dBTP)",
         rep.in_lufs, rep.in_peak);
    T_OK(fabs(m.lufs + 16) <= 0.5, "bursty: -16 LUFS +-0.5 with the limiter (%.2f)", m.lufs);
    T_OK(m.tp <= -1.0, "bursty: true peak <= -1 dBTP (%.2f)", m.tp);
    o.loudness = 0;
    rc = write_bulletin(path("bursty23.wav"), &o, s, n, 0, &rep);
    m = measure(path("bursty23.wav"));
    T_OK(rc == 0 && fabs(m.lufs + 23) <= 0.5 && m.tp <= -1.0,
         "bursty: -23 LUFS (%.2f), peak %.2f dBTP", m.lufs, m.tp);
    free(s);
    clean();
}

/* Loudness measured here (BS.1770 gating over 100 ms segment energies) agrees with
 * libebur128 within 0.1 LU, for the int16 path and for parts resampled and measured apart
 * and joined. */
static void test_loudness(void)
{
    size_t n = IN_RATE * 9;
    int16_t *s = speechy(n, 7);
    struct bulletin_opts o = {.in_rate = IN_RATE, .title = "tin"};
    struct bulletin_report rep;
    int rc = write_bulletin(path("speech.wav"), &o, s, n, 0, &rep);
    struct measure m = measure(path("speech.wav"));
    T_OK(rc == 0 && fabs(m.lufs - rep.gain - rep.in_lufs) <= 0.1,
         "loudness: int16 path %.3f LUFS, libebur128 %.3f", rep.in_lufs, m.lufs - rep.gain);

    /* Three parts, each in its own file, as export workers make them. */
    for (int rate = 48000; rate >= 44100; rate -= 3900) {
        struct bulletin *b;
        struct bulletin_opts of = {.in_rate = 0, .out_rate = rate};
        T_INT(bulletin_new(path("parts.wav"), &of, &b), 0, "parts: opened");
        int ok = 1;
        for (int k = 0; k < 3; k++) {
            char name[32];
            snprintf(name, sizeof(name), "part%d", k);
            int fd = open(path(name), O_RDWR | O_CREAT | O_TRUNC, 0600);
            unlink(path(name));
            struct bulletin_resampler *r;
            ok &= fd >= 0 && bulletin_resampler_new(IN_RATE, rate, &r) == 0;
            if (!ok)
                break;
            size_t len = n / 3 + (size_t)k * 1000; /* not whole segments */
            int16_t *p = speechy(len, 11 + (uint32_t)k);
            for (size_t i = 0; i < len; i += 4000)
                ok &= bulletin_resample(r, p + i, len - i < 4000 ? len - i : 4000, fd) == 0;
            ok &= bulletin_resampler_finish(r, fd) == 0;
            ok &= bulletin_resampler_frames(r) % (size_t)(rate / 10) == 0;
            bulletin_resampler_free(r);
            free(p);
            bulletin_mark(b, name);
            ok &= bulletin_add_part(b, fd) == 0;
        }
        T_OK(ok, "parts %d: resampled, whole 100 ms segments, added", rate);
        rc = bulletin_close(b, &rep);
        m = measure(path("parts.wav"));
        T_OK(rc == 0 && m.info.samplerate == rate && m.cues == 3, "parts %d: written", rate);
        T_OK(fabs(m.lufs - rep.gain - rep.in_lufs) <= 0.1,
             "parts %d: measured %.3f LUFS, libebur128 %.3f", rate, rep.in_lufs,
             m.lufs - rep.gain);
        T_OK(fabs(m.lufs + 23) <= 0.5 && m.tp <= -1.0, "parts %d: %.2f LUFS, %.2f dBTP", rate,
             m.lufs, m.tp);
        T_INT(entries(), 2, "parts %d: no temporary file left", rate);
    }

    /* A file that is not a part is refused, and taken. */
    struct bulletin *b;
    struct bulletin_opts of = {.in_rate = 0};
    T_INT(bulletin_new(path("bad.wav"), &of, &b), 0, "parts: opened again");
    int fd = open(path("junk"), O_RDWR | O_CREAT | O_TRUNC, 0600);
    unlink(path("junk"));
    T_OK(fd >= 0 && write(fd, "junk", 4) == 4, "parts: junk written");
    T_INT(bulletin_add_part(b, fd), DB_EIO, "parts: junk refused");
    T_OK(fcntl(fd, F_GETFD) < 0, "parts: junk fd closed");
    bulletin_free(b);
    free(s);
    clean();
}

static void test_formats(void)
{
    size_t n = IN_RATE * 6;
    int16_t *s = sine(n, 440, -20);
    struct bulletin_opts o = {.in_rate = IN_RATE, .title = "Bản tin"};
    static const struct {
        const char *name;
        int major;
    } f[] = {
        {"b.flac", SF_FORMAT_FLAC}, {"b.ogg", SF_FORMAT_OGG}, {"b.opus", SF_FORMAT_OGG},
        {"b.mp3", SF_FORMAT_MPEG}, {"b.bin", SF_FORMAT_WAV},
    };
    for (size_t i = 0; i < sizeof(f) / sizeof(*f); i++) {
        struct bulletin_report rep;
        int rc = write_bulletin(path(f[i].name), &o, s, n, IN_RATE * 2, &rep);
        struct measure m = measure(path(f[i].name));
        T_OK(rc == 0 && m.ok && (m.info.format & SF_FORMAT_TYPEMASK) == f[i].major &&
                 m.info.samplerate == 48000 && m.info.channels == 1,
             "format: %s (rc %d)", f[i].name, rc);
        if (f[i].major == SF_FORMAT_FLAC)
            T_OK(fabs(m.lufs + 23) <= 0.5 && m.tp <= -1.0, "format: FLAC loudness %.2f",
                 m.lufs);
        if (f[i].major == SF_FORMAT_FLAC)
            T_INT(rep.cues, 0, "format: no cues outside WAV");
    }
    T_INT(entries(), 5, "format: no temporary file left");
    clean();

    /* Standard output: the whole WAV, bext and cues included. */
    fflush(stdout);
    int saved = dup(1);
    FILE *f2 = fopen(path("stdout.wav"), "wb");
    dup2(fileno(f2), 1);
    int rc = write_bulletin("-", &o, s, n, IN_RATE * 2, NULL);
    dup2(saved, 1);
    close(saved);
    fclose(f2);
    struct measure m = measure(path("stdout.wav"));
    T_OK(rc == 0 && m.ok && m.info.samplerate == 48000 && m.cues == 3 && m.has_bext,
         "stdout: a complete WAV with bext and 3 cues (rc %d, cues %u)", rc, m.cues);
    T_OK(fabs(m.lufs + 23) <= 0.5, "stdout: -23 LUFS (%.2f)", m.lufs);
    free(s);
    clean();
}

static void test_failures(void)
{
    struct bulletin *b = NULL;
    struct bulletin_opts o = {.in_rate = IN_RATE};
    T_INT(bulletin_new(path("nodir/x.wav"), &o, &b), DB_EIO, "fail: missing folder");
    o.out_rate = 32000;
    T_INT(bulletin_new(path("x.wav"), &o, &b), DB_EINVAL, "fail: 32 kHz refused");
    o.out_rate = 0;
    o.loudness = -3;
    T_INT(bulletin_new(path("x.wav"), &o, &b), DB_EINVAL, "fail: -3 LUFS refused");
    o.loudness = 0;
    o.in_rate = -1;
    T_INT(bulletin_new(path("x.wav"), &o, &b), DB_EINVAL, "fail: a negative input rate");
    o.in_rate = IN_RATE;

    /* Abandoned halfway: nothing left. */
    int16_t *s = sine(IN_RATE * 2, 440, -20);
    T_INT(bulletin_new(path("x.wav"), &o, &b), 0, "fail: opened");
    bulletin_mark(b, "a");
    bulletin_write(b, s, IN_RATE * 2);
    bulletin_free(b);
    T_INT(entries(), 0, "fail: an abandoned bulletin leaves nothing");

    /* Empty. */
    T_INT(bulletin_new(path("x.wav"), &o, &b), 0, "fail: opened again");
    T_INT(bulletin_close(b, NULL), DB_EEMPTY, "fail: an empty bulletin is DB_EEMPTY");
    T_INT(entries(), 0, "fail: an empty bulletin leaves nothing");

    /* Silence is written, at gain 0, without error. */
    T_INT(bulletin_new(path("silence.wav"), &o, &b), 0, "silence: opened");
    memset(s, 0, IN_RATE * 2 * sizeof(*s));
    bulletin_write(b, s, IN_RATE * 2);
    T_INT(bulletin_close(b, NULL), 0, "silence: written");
    struct measure m = measure(path("silence.wav"));
    T_OK(m.ok && m.info.frames > 0, "silence: readable");
    free(s);
    clean();
}

int main(void)
{
    snprintf(dir, sizeof(dir), "/tmp/docbao-bulletin-XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_fold();
    test_intro();
    test_sine();
    test_peaks();
    test_loudness();
    test_formats();
    test_failures();
    clean();
    rmdir(dir);
    return t_done();
}
