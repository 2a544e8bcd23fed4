/*
 * bulletin.c — the broadcast file writer (see bulletin.h): libsoxr resampling, EBU R128
 * loudness with libebur128, a look-ahead peak limiter, Broadcast WAV metadata with
 * libsndfile, and a two-pass spool so memory stays flat however long the bulletin is.
 *
 * Pass 1 (bulletin_write): int16 at the input rate → soxr (16-bit) → float at the output
 * rate, measured by an ebur128 meter (integrated loudness + true peak) and spooled as raw
 * floats to an unnamed temporary file in the target folder.
 *
 * Pass 2 (bulletin_close): gain = target - measured loudness. If the true peak after that
 * gain stays under the ceiling (minus a 0.2 dB safety margin for other meters' oversampling
 * filters), the gain is all. Otherwise the limiter is needed; dry runs over the spool
 * (limiter + meter, nothing written) trim the gain and the limiter ceiling until the result
 * meets the loudness target within 0.1 LU and the true-peak ceiling. Then the spool is read
 * once more and the file is written, synced (on a thread, while the temporary files are
 * freed) and put in place.
 *
 * libsndfile 1.2.0 writes the `bext` and `cue ` chunks itself but not cue labels; the
 * LIST/adtl chunk with one `labl` per cue is handed to it as a custom chunk (sf_set_chunk),
 * which it writes in the header. Labels are the marker texts folded to ASCII.
 */
#define _GNU_SOURCE /* O_TMPFILE, linkat's AT_EMPTY_PATH */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <ebur128.h>
#include <sndfile.h>
#include <soxr.h>

#include "docbao/bulletin.h"
#include "docbao/err.h"
#include "docbao/utf8.h"
#include "docbao/util.h"

#define BLOCK 4096                 /* samples per block of the int16 path's pass 1 */
#define PEAK_MARGIN_DB 0.2         /* headroom kept under the true-peak ceiling */
#define LIMIT_ATTACK_S 0.005       /* limiter look-ahead = attack ramp */
#define LIMIT_RELEASE_S 0.080      /* limiter release time constant */
#define MAX_TRIM_RUNS 12           /* dry runs allowed to trim gain and ceiling */
#define WRITEBACK_FRAMES (1 << 21) /* frames written between writeback starts */

/* ---- true peak ----------------------------------------------------------------------- */

/* The inter-sample peak is estimated as a true-peak meter does (ITU-R BS.1770 annex 2): 4x
 * oversampling with a windowed-sinc interpolator, 12 taps per phase. Only the neighbourhood
 * of samples within 6 dB of the largest peak so far is interpolated (audio resampled from
 * 22.05 kHz is band-limited far below the output Nyquist, so its inter-sample overshoot is a
 * fraction of a dB), which keeps metering nearly free. */
#define TP_HALF 6
#define TP_TAPS (2 * TP_HALF)
#define TP_PHASES 3

static void tp_coefs(double coef[TP_PHASES][TP_TAPS])
{
    const double pi = 3.14159265358979323846;
    for (int k = 0; k < TP_PHASES; k++) {
        double sum = 0;
        for (int j = 0; j < TP_TAPS; j++) {
            double t = (double)(j - (TP_HALF - 1)) - (k + 1) / 4.0;
            double w = 0.5 * (1.0 + cos(pi * t / (TP_HALF + 0.5)));
            coef[k][j] = w * sin(pi * t) / (pi * t);
            sum += coef[k][j];
        }
        for (int j = 0; j < TP_TAPS; j++)
            coef[k][j] /= sum;
    }
}

/* The largest interpolated value between hist[TP_HALF - 1] and hist[TP_HALF]. */
static double tp_between(const double coef[TP_PHASES][TP_TAPS], const float *hist)
{
    double p = 0;
    for (int k = 0; k < TP_PHASES; k++) {
        double v = 0;
        for (int j = 0; j < TP_TAPS; j++)
            v += coef[k][j] * hist[j];
        if (fabs(v) > p)
            p = fabs(v);
    }
    return p;
}

#define TP_CHUNK 1024

struct tpeak {
    double coef[TP_PHASES][TP_TAPS];
    float buf[TP_TAPS - 1 + TP_CHUNK]; /* the last TP_TAPS - 1 samples, then new ones */
    double max;
};

static void tpeak_init(struct tpeak *t)
{
    memset(t, 0, sizeof(*t));
    tp_coefs(t->coef);
}

/* The largest |x[i]| of n samples. Eight running maxima rather than one, so the compiler
 * turns the loop into SIMD max instructions (one running maximum is a serial chain). */
static float abs_max(const float *x, size_t n)
{
    float m8[8] = {0}, m = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++) {
            float a = fabsf(x[i + k]);
            m8[k] = a > m8[k] ? a : m8[k];
        }
    for (; i < n; i++) {
        float a = fabsf(x[i]);
        m = a > m ? a : m;
    }
    for (int k = 0; k < 8; k++)
        m = m8[k] > m ? m8[k] : m;
    return m;
}

#define TP_SKIP 64 /* samples whose intervals are ruled out together */

/* Scans buf[TP_TAPS - 1 .. TP_TAPS - 1 + m): the window of the sample at j is
 * buf[j - TP_TAPS + 1 .. j], whose middle interval is checked. A block of TP_SKIP intervals
 * whose ends all stay under the interpolation threshold is passed over at once, after one
 * vectorized maximum: every one of its samples would have been skipped one by one, so the
 * result is the same, at a quarter of the cost (most of speech is far below its peaks). */
static void tpeak_scan(struct tpeak *t, size_t m)
{
    double max = t->max;
    for (size_t j0 = TP_TAPS - 1; j0 < TP_TAPS - 1 + m; j0 += TP_SKIP) {
        size_t j1 = j0 + TP_SKIP < TP_TAPS - 1 + m ? j0 + TP_SKIP : TP_TAPS - 1 + m;
        /* The interval ends of windows j0 .. j1 - 1: buf[j0 - TP_HALF .. j1 - TP_HALF]. */
        double bm = abs_max(t->buf + j0 - TP_HALF, j1 - j0 + 1);
        if (bm <= 0.5 * max || bm <= 1e-4) {
            if (bm > max)
                max = bm;
            continue;
        }
        for (size_t j = j0; j < j1; j++) {
            const float *h = t->buf + j - (TP_TAPS - 1); /* oldest first */
            float a = fabsf(h[TP_HALF - 1]), b2 = fabsf(h[TP_HALF]);
            double mm = a > b2 ? a : b2;
            if (mm <= 0.5 * max || mm <= 1e-4) {
                if (mm > max)
                    max = mm;
                continue;
            }
            if (mm > max)
                max = mm;
            double p = tp_between(t->coef, h);
            if (p > max)
                max = p;
        }
    }
    t->max = max;
    memmove(t->buf, t->buf + m, (TP_TAPS - 1) * sizeof(*t->buf));
}

static void tpeak_add(struct tpeak *t, const float *f, size_t n)
{
    while (n) {
        size_t m = n < TP_CHUNK ? n : TP_CHUNK;
        memcpy(t->buf + TP_TAPS - 1, f, m * sizeof(*f));
        tpeak_scan(t, m);
        f += m;
        n -= m;
    }
}

/* The true peak (linear) after the last samples went through. */
static double tpeak_end(struct tpeak *t)
{
    static const float zeros[TP_HALF];
    tpeak_add(t, zeros, TP_HALF);
    return t->max;
}

/* ---- loudness ------------------------------------------------------------------------ */

/* ITU-R BS.1770 integrated loudness, computed here rather than by libebur128 so that it can
 * be measured piecewise in other processes: the K-weighting filter (the pre-filter shelf and
 * the RLB high-pass, with libebur128's coefficients for any rate) runs over the audio and
 * the mean square of every 100 ms segment is kept. A 400 ms gating block (75% overlap) is
 * four consecutive segments, so the gating needs only the segment sums: parts measured apart
 * and joined give the blocks of the whole, as long as each part is a whole number of
 * segments (bulletin_resampler_finish pads with silence) and the filter has settled at the
 * joins (the parts meet in silence). A trailing incomplete segment is not counted, as
 * libebur128 counts no incomplete block.
 *
 * Speed: this filter runs over every output sample (after eSpeak NG and libsoxr, the
 * largest cost of an export), and a recursive filter is a chain: each output waits for the
 * previous one. Run one sample at a time (two biquads in direct form I), the multiply and
 * add of that chain set the pace. So the two biquads are multiplied out into one 4th-order
 * filter, whose numerator (an FIR: no chain) is computed two samples per instruction, and
 * whose poles run 4 samples per step: the outputs n .. n+3 are written directly in terms of
 * the 4 outputs before n (the block state-space form; kmeter_init finds its coefficients by
 * running the recursion on unit inputs), so the chain is one step per 4 samples, each step
 * pairs of doubles (SSE2 on x86-64, NEON on arm64, plain pairs elsewhere). 1.4 times
 * faster than the biquads; the two differ only by rounding (1e-9 LU on speech). */
typedef double v2d __attribute__((vector_size(16)));

struct kmeter {
    double num[5];            /* the numerator of the two biquads multiplied out */
    double den[5];            /* and the denominator, den[0] = 1 */
    double g[4];              /* impulse response of 1 / den, g[0] = 1 */
    double st[4][4];          /* st[i][j]: output n + i when output n - 4 + j is 1 (inputs
                               * and the other outputs 0) */
    double xh[4];             /* the last 4 inputs, oldest first */
    double vh[4];             /* the last 4 outputs, oldest first */
    size_t seg_len, fill;     /* samples per segment; samples in the current one */
    double sum;               /* sum of squares of the current segment */
    double *seg;              /* mean squares of the complete segments */
    size_t nseg, capseg;
};

/* Runs the recursion v[i] = w[i] - den[1] v[i-1] - .. - den[4] v[i-4] for i = 0 .. 3 from
 * the outputs v[-4 .. -1] = h (oldest first) into out. */
static void km_steps(const double den[5], const double h[4], const double w[4], double out[4])
{
    double v[8];
    memcpy(v, h, 4 * sizeof(*v));
    for (int i = 0; i < 4; i++) {
        double y = w[i];
        for (int j = 1; j <= 4; j++)
            y -= den[j] * v[4 + i - j];
        v[4 + i] = y;
    }
    memcpy(out, v + 4, 4 * sizeof(*out));
}

static void kmeter_init(struct kmeter *k, int rate)
{
    const double pi = 3.14159265358979323846;
    double b[2][3], a[2][3];
    memset(k, 0, sizeof(*k));
    double f0 = 1681.974450955533, g = 3.999843853973347, q = 0.7071752369554196;
    double kk = tan(pi * f0 / rate), vh = pow(10.0, g / 20.0);
    double vb = pow(vh, 0.4996667741545416), a0 = 1.0 + kk / q + kk * kk;
    b[0][0] = (vh + vb * kk / q + kk * kk) / a0;
    b[0][1] = 2.0 * (kk * kk - vh) / a0;
    b[0][2] = (vh - vb * kk / q + kk * kk) / a0;
    a[0][0] = 1.0;
    a[0][1] = 2.0 * (kk * kk - 1.0) / a0;
    a[0][2] = (1.0 - kk / q + kk * kk) / a0;
    f0 = 38.13547087602444;
    q = 0.5003270373238773;
    kk = tan(pi * f0 / rate);
    a0 = 1.0 + kk / q + kk * kk;
    b[1][0] = 1.0;
    b[1][1] = -2.0;
    b[1][2] = 1.0;
    a[1][0] = 1.0;
    a[1][1] = 2.0 * (kk * kk - 1.0) / a0;
    a[1][2] = (1.0 - kk / q + kk * kk) / a0;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            k->num[i + j] += b[0][i] * b[1][j];
            k->den[i + j] += a[0][i] * a[1][j];
        }
    static const double zero[4], unit[4] = {1.0, 0, 0, 0};
    km_steps(k->den, zero, unit, k->g);
    for (int j = 0; j < 4; j++) {
        double h[4] = {0}, out[4];
        h[j] = 1.0;
        km_steps(k->den, h, zero, out);
        for (int i = 0; i < 4; i++)
            k->st[i][j] = out[i];
    }
    k->seg_len = (size_t)rate / 10;
}

static void kmeter_push_seg(struct kmeter *k, double sum)
{
    if (k->nseg == k->capseg) {
        k->capseg = k->capseg ? 2 * k->capseg : 256;
        k->seg = xrealloc(k->seg, k->capseg * sizeof(*k->seg));
    }
    k->seg[k->nseg++] = sum;
}

static v2d v2_load(const double *p)
{
    v2d v;
    memcpy(&v, p, sizeof(v));
    return v;
}

static v2d v2_dup(double a)
{
    return (v2d){a, a};
}

/* m samples of f through the filter, from and into the history in k; returns the sum of the
 * squared outputs. Four outputs per step: with s4 .. s1 the outputs n-4 .. n-1 and w the
 * numerator's output,
 *   v[n + i] = w[n + i] + g1 w[n + i - 1] + .. + gi w[n] + st[i][0] s4 + .. + st[i][3] s1,
 * two outputs to a vector (lo = n, n+1; hi = n+2, n+3). */
static double km_run(struct kmeter *k, const float *f, size_t m)
{
    const v2d n0 = v2_dup(k->num[0]), n1 = v2_dup(k->num[1]), n2 = v2_dup(k->num[2]);
    const v2d n3 = v2_dup(k->num[3]), n4 = v2_dup(k->num[4]);
    const v2d gl1 = {0, k->g[1]}, gh1 = v2_dup(k->g[1]), gh2 = v2_dup(k->g[2]);
    const v2d gh3 = {0, k->g[3]};
    v2d ml[4], mh[4];
    for (int j = 0; j < 4; j++) {
        ml[j] = (v2d){k->st[0][j], k->st[1][j]};
        mh[j] = (v2d){k->st[2][j], k->st[3][j]};
    }
    /* xa = inputs n-4, n-3; xb = n-2, n-1 */
    v2d xa = v2_load(k->xh), xb = v2_load(k->xh + 2);
    v2d lo = v2_load(k->vh), hi = v2_load(k->vh + 2), acc = {0, 0};
    size_t i = 0;
    for (; i + 4 <= m; i += 4) {
        v2d xc = {f[i], f[i + 1]}, xd = {f[i + 2], f[i + 3]};
        v2d xab = {xa[1], xb[0]}, xbc = {xb[1], xc[0]}, xcd = {xc[1], xd[0]};
        /* the numerator: w01 = w[n], w[n+1]; w23 = w[n+2], w[n+3]; w12 */
        v2d w01 = ((n0 * xc + n1 * xbc) + (n2 * xb + n3 * xab)) + n4 * xa;
        v2d w23 = ((n0 * xd + n1 * xcd) + (n2 * xc + n3 * xbc)) + n4 * xb;
        v2d w12 = (v2d){w01[1], w23[0]};
        v2d w0 = v2_dup(w01[0]);
        /* the inputs' share first: it does not wait for the previous step */
        v2d bl = w01 + gl1 * w0;
        v2d bh = (w23 + gh1 * w12) + (gh2 * w01 + gh3 * w0);
        v2d s4 = v2_dup(lo[0]), s3 = v2_dup(lo[1]), s2 = v2_dup(hi[0]), s1 = v2_dup(hi[1]);
        lo = (bl + (ml[0] * s4 + ml[1] * s3)) + (ml[2] * s2 + ml[3] * s1);
        hi = (bh + (mh[0] * s4 + mh[1] * s3)) + (mh[2] * s2 + mh[3] * s1);
        acc += lo * lo + hi * hi;
        xa = xc;
        xb = xd;
    }
    double x[4] = {xa[0], xa[1], xb[0], xb[1]}, v[4] = {lo[0], lo[1], hi[0], hi[1]};
    double sum = acc[0] + acc[1];
    for (; i < m; i++) {
        double xn = f[i];
        const double *nu = k->num, *de = k->den;
        double w = ((nu[0] * xn + nu[1] * x[3]) + (nu[2] * x[2] + nu[3] * x[1])) + nu[4] * x[0];
        double y = w - (de[4] * v[0] + de[3] * v[1]) - (de[2] * v[2] + de[1] * v[3]);
        memmove(x, x + 1, 3 * sizeof(*x));
        x[3] = xn;
        memmove(v, v + 1, 3 * sizeof(*v));
        v[3] = y;
        sum += y * y;
    }
    memcpy(k->xh, x, sizeof(x));
    memcpy(k->vh, v, sizeof(v));
    return sum;
}

static void kmeter_add(struct kmeter *k, const float *f, size_t n)
{
    while (n) {
        size_t m = k->seg_len - k->fill;
        if (m > n)
            m = n;
        k->sum += km_run(k, f, m);
        f += m;
        n -= m;
        k->fill += m;
        if (k->fill == k->seg_len) {
            kmeter_push_seg(k, k->sum / (double)k->seg_len);
            k->sum = 0;
            k->fill = 0;
        }
    }
}

static void kmeter_free(struct kmeter *k)
{
    free(k->seg);
    k->seg = NULL;
}

/* The gated integrated loudness (LUFS; -HUGE_VAL when no block passes the gates) of nseg
 * segment mean squares. */
static double gated_loudness(const double *seg, size_t nseg)
{
    if (nseg < 4)
        return -HUGE_VAL;
    const double abs_gate = pow(10.0, (-70.0 + 0.691) / 10.0);
    const double norm = 0.25;
    double sum = 0, rel_gate;
    size_t n = 0;
    for (size_t j = 0; j + 4 <= nseg; j++) {
        double e = (seg[j] + seg[j + 1] + seg[j + 2] + seg[j + 3]) * norm;
        if (e >= abs_gate) {
            sum += e;
            n++;
        }
    }
    if (!n)
        return -HUGE_VAL;
    rel_gate = sum / (double)n * 0.1; /* -10 LU */
    sum = 0;
    n = 0;
    for (size_t j = 0; j + 4 <= nseg; j++) {
        double e = (seg[j] + seg[j + 1] + seg[j + 2] + seg[j + 3]) * norm;
        if (e >= abs_gate && e >= rel_gate) {
            sum += e;
            n++;
        }
    }
    return n ? -0.691 + 10.0 * log10(sum / (double)n) : -HUGE_VAL;
}

struct cue {
    uint64_t pos;  /* in output samples */
    char *label;   /* ASCII */
};

/* A stretch of the bulletin's audio: frames native floats at offset off of fd. */
struct stretch {
    int fd;
    int owned;         /* nonzero: a part file adopted by bulletin_add_part(), closed here */
    off_t off;
    uint64_t frames;
};

struct bulletin {
    char *path;        /* final name; NULL for standard output */
    char *dir;         /* folder for temporary files */
    int format;        /* SF_FORMAT_* */
    int in_rate, out_rate;
    double target, ceiling;
    char *title;       /* ASCII */
    time_t date;
    int spool;         /* fd of the float spool */
    off_t spool_end;   /* bytes in the spool */
    struct stretch *st;  /* the audio, in order: spool stretches and adopted parts */
    size_t nst, capst, held;
    soxr_t soxr;
    struct kmeter km;  /* loudness of everything, parts' segments included */
    uint64_t in_frames, out_frames;
    double ext_peak;   /* largest true peak handed in with bulletin_add_peak(), linear */
    struct tpeak tp;   /* true peak of the int16 path */
    struct cue *cues;
    size_t ncue, capcue;
    float obuf[BLOCK];
    int failed;        /* 0, or the DB_* error that stopped the writing */
};

/* ---- ASCII folding ------------------------------------------------------------------- */

/* Each base letter followed by the Vietnamese letters that fold to it. */
static const char *const fold_table[] = {
    "aàáảãạăằắẳẵặâầấẩẫậ", "AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ", "dđ", "DĐ",
    "eèéẻẽẹêềếểễệ", "EÈÉẺẼẸÊỀẾỂỄỆ", "iìíỉĩị", "IÌÍỈĨỊ",
    "oòóỏõọôồốổỗộơờớởỡợ", "OÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ",
    "uùúủũụưừứửữự", "UÙÚỦŨỤƯỪỨỬỮỰ", "yỳýỷỹỵ", "YỲÝỶỸỴ",
};

/* Punctuation with an ASCII look-alike. */
static const struct {
    int cp;
    const char *ascii;
} fold_punct[] = {
    {0x2013, "-"}, {0x2014, "-"}, {0x2018, "'"}, {0x2019, "'"}, {0x201C, "\""},
    {0x201D, "\""}, {0x2026, "..."}, {0x00A0, " "}, {0x00AB, "\""}, {0x00BB, "\""},
};

static int fold_cp(int cp)
{
    for (size_t i = 0; i < sizeof(fold_table) / sizeof(*fold_table); i++) {
        const char *p = fold_table[i];
        size_t n = strlen(p);
        for (size_t k = 1; k < n;) {
            int c;
            k += utf8_decode(p + k, n - k, &c);
            if (c == cp)
                return (unsigned char)p[0];
        }
    }
    return 0;
}

char *bulletin_ascii_fold(const char *s)
{
    struct buf b = BUF_INIT;
    size_t n = s ? strlen(s) : 0;
    buf_puts(&b, "");
    for (size_t i = 0; i < n;) {
        int cp;
        i += utf8_decode(s + i, n - i, &cp);
        if (cp < 0x80) {
            buf_putc(&b, (char)cp);
            continue;
        }
        int base = fold_cp(cp);
        if (base) {
            buf_putc(&b, (char)base);
            continue;
        }
        for (size_t k = 0; k < sizeof(fold_punct) / sizeof(*fold_punct); k++)
            if (fold_punct[k].cp == cp) {
                buf_puts(&b, fold_punct[k].ascii);
                break;
            }
    }
    return buf_steal(&b);
}

/* ---- temporary files ----------------------------------------------------------------- */

/* An unnamed file in dir (O_TMPFILE), or a named one unlinked at once. Returns the fd or
 * -1. */
int bulletin_tmpfile(const char *dir)
{
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0)
        return fd;
    size_t n = strlen(dir) + 32;
    char *name = xmalloc(n);
    snprintf(name, n, "%s/.docbao-XXXXXX", dir);
    fd = mkstemp(name);
    if (fd >= 0)
        unlink(name);
    free(name);
    return fd;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return xstrdup(".");
    if (slash == path)
        return xstrdup("/");
    return xstrndup(path, (size_t)(slash - path));
}

static int write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return w < 0 ? db_errno(errno) : DB_EIO;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Reads up to n floats at offset off; returns the count read, 0 at the end, -1 on error. */
static ssize_t pread_floats(int fd, float *f, size_t n, off_t off)
{
    size_t got = 0;
    char *c = (char *)f;
    size_t want = n * sizeof(float);
    while (got < want) {
        ssize_t r = pread(fd, c + got, want - got, off + (off_t)got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)(got / sizeof(float));
}

/* ---- format -------------------------------------------------------------------------- */

static int format_for(const char *path)
{
    const char *dot = path ? strrchr(path, '.') : NULL;
    if (dot && strcasecmp(dot, ".flac") == 0)
        return SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
    if (dot && (strcasecmp(dot, ".ogg") == 0 || strcasecmp(dot, ".oga") == 0))
        return SF_FORMAT_OGG | SF_FORMAT_VORBIS;
    if (dot && strcasecmp(dot, ".opus") == 0)
        return SF_FORMAT_OGG | SF_FORMAT_OPUS;
    if (dot && strcasecmp(dot, ".mp3") == 0)
        return SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III;
    return SF_FORMAT_WAV | SF_FORMAT_PCM_16;
}

/* ---- resampling ---------------------------------------------------------------------- */

/* A single-threaded libsoxr resampler, int16 in, float out, with the 16-bit recipe
 * (SOXR_16_BITQ) for a 16-bit file. Measured on eSpeak NG speech from 22.05 to 48 kHz, it
 * takes 28 ms of CPU for 150 s of speech where SOXR_HQ (20-bit) took 44 (the second cost of
 * an export after eSpeak NG), and on sine tones it stays broadcast quality: flat within
 * 0.005 dB up to 10.07 kHz (HQ: 0.009 dB; both 0.913 of the input Nyquist), and everything
 * else it adds (images, aliasing, rounding) 112 to 118 dB below the tone (HQ: 130), under
 * the quantization floor of the 16-bit file it feeds (about 98 dB below full scale).
 * SOXR_MQ was no faster (42 ms) and droops 0.13-0.19 dB at 9.5-10 kHz. */
static soxr_t soxr_new(int in_rate, int out_rate)
{
    soxr_error_t err = NULL;
    soxr_io_spec_t io = soxr_io_spec(SOXR_INT16_I, SOXR_FLOAT32_I);
    soxr_quality_spec_t q = soxr_quality_spec(SOXR_16_BITQ, 0);
    soxr_runtime_spec_t rt = soxr_runtime_spec(1);
    soxr_t s = soxr_create(in_rate, out_rate, 1, &err, &io, &q, &rt);
    if (s && err) {
        soxr_delete(s);
        s = NULL;
    }
    return s;
}

/* A part file (bulletin_resampler_finish, bulletin_add_part): this header, the audio as
 * native floats at the output rate, then the part's loudness segment sums (doubles). */
#define PART_MAGIC "DBPART1"
#define RS_BUF 32768                /* floats buffered by a resampler between writes */
#define RS_STEP 4096                /* most floats asked of libsoxr at once: its internal
                                     * buffers grow to the size of one call, so small calls
                                     * keep them small and in the cache (asking for RS_BUF
                                     * made a worker fault in ~100 pages more) */
#define MAX_HELD 64                 /* part files kept open; later ones are copied */

struct part_hdr {
    char magic[8];
    int32_t rate;
    int32_t done;       /* 1 once the part is complete */
    double peak;        /* true peak, linear */
    uint64_t frames;    /* audio frames, padding included */
    uint64_t nseg;      /* loudness segments after the audio */
};

struct bulletin_resampler {
    soxr_t soxr;
    int out_rate;
    struct tpeak tp;
    struct kmeter km;     /* on the output: measuring the input would be cheaper but is off
                           * by up to 0.25 LU when there is much energy near 11 kHz */
    int started, ended;
    uint64_t frames;    /* written so far */
    size_t fill;        /* floats waiting in obuf */
    float *obuf;        /* RS_BUF floats, mapped by the first bulletin_resample() */
};

/* The output buffer is mapped when it is first used, its pages populated in one call: 32
 * page faults fewer per part, which shows when parts are resampled in fresh processes. */
static float *rs_buffer(void)
{
    int flags = MAP_PRIVATE | MAP_ANONYMOUS;
#ifdef MAP_POPULATE
    flags |= MAP_POPULATE;
#endif
    void *p = mmap(NULL, RS_BUF * sizeof(float), PROT_READ | PROT_WRITE, flags, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

int bulletin_resampler_new(int in_rate, int out_rate, struct bulletin_resampler **out)
{
    if (in_rate < 8000 || in_rate > 192000 || (out_rate != 48000 && out_rate != 44100))
        return DB_EINVAL;
    struct bulletin_resampler *r = xcalloc(1, sizeof(*r));
    r->soxr = soxr_new(in_rate, out_rate);
    r->out_rate = out_rate;
    tpeak_init(&r->tp);
    kmeter_init(&r->km, out_rate);
    if (!r->soxr) {
        bulletin_resampler_free(r);
        return DB_EIO;
    }
    *out = r;
    return 0;
}

/* Measures and writes the buffered output. */
static int rs_flush(struct bulletin_resampler *r, int fd)
{
    if (!r->fill)
        return 0;
    tpeak_add(&r->tp, r->obuf, r->fill);
    kmeter_add(&r->km, r->obuf, r->fill);
    int rc = write_all(fd, r->obuf, r->fill * sizeof(float));
    if (rc < 0)
        return rc;
    r->frames += r->fill;
    r->fill = 0;
    return 0;
}

int bulletin_resample(struct bulletin_resampler *r, const int16_t *s, size_t n, int fd)
{
    if (!r->started) {
        struct part_hdr h;
        memset(&h, 0, sizeof(h));
        if (!r->obuf && !(r->obuf = rs_buffer()))
            return DB_EIO;
        int rc = write_all(fd, &h, sizeof(h));
        if (rc < 0)
            return rc;
        r->started = 1;
    }
    for (;;) {
        size_t room = RS_BUF - r->fill, idone = 0, odone = 0;
        if (room > RS_STEP)
            room = RS_STEP;
        if (soxr_process(r->soxr, s, n, &idone, r->obuf + r->fill, room, &odone))
            return DB_EIO;
        r->fill += odone;
        int rc = r->fill == RS_BUF ? rs_flush(r, fd) : 0;
        if (rc < 0)
            return rc;
        if (s) {
            s += idone;
            n -= idone;
            if (n == 0 && odone < room)
                return 0;
        } else if (odone == 0) {
            return 0;
        }
    }
}

int bulletin_resampler_finish(struct bulletin_resampler *r, int fd)
{
    int rc = bulletin_resample(r, NULL, 0, fd);
    if (rc < 0)
        return rc;
    size_t len = r->km.seg_len;
    size_t pad = (size_t)((len - (r->frames + r->fill) % len) % len);
    while (pad) {
        size_t m = RS_BUF - r->fill < pad ? RS_BUF - r->fill : pad;
        memset(r->obuf + r->fill, 0, m * sizeof(float));
        r->fill += m;
        pad -= m;
        if (r->fill == RS_BUF && (rc = rs_flush(r, fd)) < 0)
            return rc;
    }
    if ((rc = rs_flush(r, fd)) < 0)
        return rc;
    struct part_hdr h;
    memset(&h, 0, sizeof(h));
    memcpy(h.magic, PART_MAGIC, sizeof(h.magic));
    h.rate = r->out_rate;
    h.done = 1;
    h.peak = bulletin_resampler_peak(r);
    h.frames = r->frames;
    h.nseg = r->km.nseg;
    if ((rc = write_all(fd, r->km.seg, r->km.nseg * sizeof(*r->km.seg))) < 0)
        return rc;
    errno = 0;
    if (pwrite(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h))
        return db_errno(errno);
    return 0;
}

double bulletin_resampler_peak(struct bulletin_resampler *r)
{
    if (!r->ended) {
        tpeak_end(&r->tp);
        r->ended = 1;
    }
    return r->tp.max;
}

size_t bulletin_resampler_frames(const struct bulletin_resampler *r)
{
    return (size_t)(r->frames + r->fill);
}

void bulletin_resampler_free(struct bulletin_resampler *r)
{
    if (!r)
        return;
    if (r->soxr)
        soxr_delete(r->soxr);
    if (r->obuf)
        munmap(r->obuf, RS_BUF * sizeof(float));
    kmeter_free(&r->km);
    free(r);
}

/* ---- pass 1 -------------------------------------------------------------------------- */

int bulletin_new(const char *path, const struct bulletin_opts *opts, struct bulletin **out)
{
    if (!path || !*path || !opts ||
        (opts->in_rate && (opts->in_rate < 8000 || opts->in_rate > 192000)) ||
        opts->in_rate < 0)
        return DB_EINVAL;
    int rate = opts->out_rate ? opts->out_rate : BULLETIN_RATE_DEFAULT;
    double lufs = opts->loudness != 0 ? opts->loudness : BULLETIN_LUFS_DEFAULT;
    double peak = opts->true_peak != 0 ? opts->true_peak : BULLETIN_PEAK_DEFAULT;
    if ((rate != 48000 && rate != 44100) || !(lufs >= -60 && lufs <= -5) ||
        !(peak >= -20 && peak <= 0))
        return DB_EINVAL;
    int stdout_target = strcmp(path, "-") == 0;
    int format = stdout_target ? (SF_FORMAT_WAV | SF_FORMAT_PCM_16) : format_for(path);
    SF_INFO check = {.samplerate = rate, .channels = 1, .format = format};
    if (!sf_format_check(&check))
        return DB_EINVAL;

    struct bulletin *b = xcalloc(1, sizeof(*b));
    b->spool = -1;
    if (stdout_target) {
        const char *t = getenv("TMPDIR");
        b->dir = xstrdup(t && *t ? t : "/tmp");
    } else {
        b->path = xstrdup(path);
        b->dir = dir_of(path);
    }
    b->format = format;
    b->in_rate = opts->in_rate;
    b->out_rate = rate;
    b->target = lufs;
    b->ceiling = peak;
    b->title = bulletin_ascii_fold(opts->title ? opts->title : "");
    b->date = opts->date ? opts->date : wall_now();
    kmeter_init(&b->km, rate);
    tpeak_init(&b->tp);
    b->spool = bulletin_tmpfile(b->dir);
    if (b->spool < 0)
        goto fail;
    if (b->in_rate && !(b->soxr = soxr_new(b->in_rate, rate)))
        goto fail;
    *out = b;
    return 0;
fail:
    bulletin_free(b);
    return DB_EIO;
}

int bulletin_mark(struct bulletin *b, const char *label)
{
    if (b->ncue == b->capcue) {
        b->capcue = b->capcue ? b->capcue * 2 : 16;
        b->cues = xrealloc(b->cues, b->capcue * sizeof(*b->cues));
    }
    struct cue *c = &b->cues[b->ncue++];
    if (b->in_rate)
        c->pos = (b->in_frames * (uint64_t)b->out_rate + (uint64_t)b->in_rate / 2) /
                 (uint64_t)b->in_rate;
    else
        c->pos = b->out_frames;
    c->label = bulletin_ascii_fold(label ? label : "");
    return 0;
}

static void push_stretch(struct bulletin *b, int fd, int owned, off_t off, uint64_t frames)
{
    struct stretch *last = b->nst ? &b->st[b->nst - 1] : NULL;
    if (last && !owned && last->fd == fd &&
        last->off + (off_t)(last->frames * sizeof(float)) == off) {
        last->frames += frames;
        return;
    }
    if (b->nst == b->capst) {
        b->capst = b->capst ? 2 * b->capst : 16;
        b->st = xrealloc(b->st, b->capst * sizeof(*b->st));
    }
    b->st[b->nst++] = (struct stretch){.fd = fd, .owned = owned, .off = off, .frames = frames};
    b->held += owned != 0;
}

/* Appends n floats to the spool (already measured). */
static int spool_append(struct bulletin *b, const float *f, size_t n)
{
    if (!n)
        return 0;
    int rc = write_all(b->spool, f, n * sizeof(float));
    if (rc < 0)
        return rc;
    push_stretch(b, b->spool, 0, b->spool_end, n);
    b->spool_end += (off_t)(n * sizeof(float));
    b->out_frames += n;
    return 0;
}

/* Measures and spools n resampled samples from b->obuf. */
static int spool_block(struct bulletin *b, size_t n)
{
    if (!n)
        return 0;
    kmeter_add(&b->km, b->obuf, n);
    tpeak_add(&b->tp, b->obuf, n);
    return spool_append(b, b->obuf, n);
}

/* Runs in (n samples; in == NULL flushes) through the resampler into the spool. */
static int resample(struct bulletin *b, const int16_t *in, size_t n)
{
    for (;;) {
        size_t idone = 0, odone = 0;
        if (soxr_process(b->soxr, in, n, &idone, b->obuf, BLOCK, &odone))
            return DB_EIO;
        int rc = spool_block(b, odone);
        if (rc < 0)
            return rc;
        if (in) {
            in += idone;
            n -= idone;
            if (n == 0 && odone < BLOCK)
                return 0;
        } else if (odone == 0) {
            return 0;
        }
    }
}

int bulletin_write(struct bulletin *b, const int16_t *s, size_t n)
{
    if (!b->in_rate)
        return DB_EINVAL;
    if (b->failed)
        return b->failed;
    if (!n)
        return 0;
    int rc = resample(b, s, n);
    if (rc < 0)
        b->failed = rc;
    b->in_frames += n;
    return rc;
}

int bulletin_write_float(struct bulletin *b, const float *f, size_t n)
{
    if (b->in_rate)
        return DB_EINVAL;
    if (b->failed)
        return b->failed;
    kmeter_add(&b->km, f, n);
    int rc = spool_append(b, f, n);
    if (rc < 0)
        b->failed = rc;
    return rc;
}

void bulletin_add_peak(struct bulletin *b, double peak)
{
    if (peak > b->ext_peak)
        b->ext_peak = peak;
}

/* Copies a part's audio into the spool (past MAX_HELD open parts). */
static int copy_part(struct bulletin *b, int fd, off_t off, uint64_t frames)
{
    float *buf = xmalloc(RS_BUF * sizeof(*buf));
    int rc = 0;
    while (rc == 0 && frames) {
        size_t want = frames < RS_BUF ? (size_t)frames : RS_BUF;
        ssize_t got = pread_floats(fd, buf, want, off);
        if (got != (ssize_t)want) {
            rc = DB_EIO;
            break;
        }
        rc = spool_append(b, buf, want);
        off += (off_t)(want * sizeof(float));
        frames -= want;
    }
    free(buf);
    return rc;
}

int bulletin_add_part(struct bulletin *b, int fd)
{
    struct part_hdr h;
    int rc = b->in_rate ? DB_EINVAL : b->failed;
    if (rc == 0 && (pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) ||
                    memcmp(h.magic, PART_MAGIC, sizeof(h.magic)) != 0 || h.done != 1 ||
                    h.nseg > h.frames))
        rc = DB_EIO;
    if (rc == 0 && h.rate != b->out_rate)
        rc = DB_EINVAL;
    double *seg = NULL;
    off_t audio = (off_t)sizeof(h), tail = audio + (off_t)(h.frames * sizeof(float));
    if (rc == 0 && h.nseg) {
        size_t bytes = (size_t)h.nseg * sizeof(*seg);
        seg = xmalloc(bytes);
        if (pread(fd, seg, bytes, tail) != (ssize_t)bytes)
            rc = DB_EIO;
    }
    if (rc == 0) {
        /* The part starts a new segment grid (see struct kmeter). */
        b->km.fill = 0;
        b->km.sum = 0;
        for (uint64_t i = 0; i < h.nseg; i++)
            kmeter_push_seg(&b->km, seg[i]);
        bulletin_add_peak(b, h.peak);
        if (b->held < MAX_HELD) {
            push_stretch(b, fd, 1, audio, h.frames);
            b->out_frames += h.frames;
            fd = -1;
        } else {
            rc = copy_part(b, fd, audio, h.frames);
        }
    }
    free(seg);
    if (fd >= 0)
        close(fd);
    if (rc == DB_EIO || rc == DB_ENOSPC)
        b->failed = rc;
    return rc;
}

/* ---- the limiter --------------------------------------------------------------------- */

/* A look-ahead true-peak limiter. A first stage estimates the peak between samples with a
 * 4x windowed-sinc interpolator (12 taps per phase, as a true-peak meter does) and gives
 * each sample the gain its neighbourhood needs to stay under the ceiling. The main stage
 * makes the gain at sample n the average over the last L samples of a release-smoothed
 * running minimum of the gains each of the next L samples needs, so the gain has ramped
 * down fully when a peak arrives. Output is delayed by L - 1 + TP_HALF samples. */
struct limiter {
    size_t len;
    double ceiling;
    double rel;        /* release coefficient per sample */
    double coef[TP_PHASES][TP_TAPS];
    float hist[TP_TAPS];  /* the last TP_TAPS input samples, oldest first */
    double peak_prev;  /* peak of the interval before the sample in the middle */
    float *x;          /* delay line, len */
    double *need;      /* ring of needed gains, len */
    size_t *dq;        /* monotonic deque of sample indices, len + 1 slots */
    size_t dq_head, dq_n;
    double *r;         /* ring of smoothed gains for the box average, len */
    double rsum, rlast;
    uint64_t pre_n;    /* samples pushed into the first stage */
    uint64_t n;        /* samples pushed into the main stage */
    size_t skip;       /* outputs still to drop (the priming silence) */
    int acted;
};

static int limiter_main(struct limiter *l, float x, double need, float *y);

static void limiter_init(struct limiter *l, int rate, double ceiling)
{
    memset(l, 0, sizeof(*l));
    l->len = (size_t)(rate * LIMIT_ATTACK_S);
    l->ceiling = ceiling;
    l->rel = 1.0 - exp(-1.0 / (LIMIT_RELEASE_S * rate));
    tp_coefs(l->coef);
    l->x = xcalloc(l->len, sizeof(*l->x));
    l->need = xcalloc(l->len, sizeof(*l->need));
    l->dq = xcalloc(l->len + 1, sizeof(*l->dq));
    l->r = xcalloc(l->len, sizeof(*l->r));
    for (size_t i = 0; i < l->len; i++)
        l->r[i] = 1.0;
    l->rsum = (double)l->len;
    l->rlast = 1.0;
    /* Prime the main stage with len - 1 samples of silence (their outputs are dropped), so
     * the gain can ramp down before a peak in the very first samples too. */
    float y;
    for (size_t i = 0; i + 1 < l->len; i++)
        limiter_main(l, 0.0f, 1.0, &y);
    l->skip = l->len - 1;
}

static void limiter_free(struct limiter *l)
{
    free(l->x);
    free(l->need);
    free(l->dq);
    free(l->r);
}

/* The main stage: pushes sample x with the gain it needs; returns 1 and stores the delayed,
 * limited sample in *y once the delay line is full. */
static int limiter_main(struct limiter *l, float x, double need, float *y)
{
    size_t len = l->len, slot = (size_t)(l->n % len), cap = len + 1;
    l->x[slot] = x;
    float delayed = l->x[(slot + 1) % len]; /* sample n - len + 1 */
    l->need[slot] = need;
    /* Drop from the back every index whose need is not smaller, then push n. */
    while (l->dq_n) {
        size_t back = l->dq[(l->dq_head + l->dq_n - 1) % cap];
        if (l->need[back % len] < need)
            break;
        l->dq_n--;
    }
    l->dq[(l->dq_head + l->dq_n) % cap] = (size_t)l->n;
    l->dq_n++;
    /* The window is samples n-len+1 .. n. */
    while (l->dq[l->dq_head] + len <= l->n) {
        l->dq_head = (l->dq_head + 1) % cap;
        l->dq_n--;
    }
    l->n++;
    if (l->n < len)
        return 0;
    double h = l->need[l->dq[l->dq_head] % len];
    double r = l->rlast + (1.0 - l->rlast) * l->rel;
    if (h < r)
        r = h;
    l->rlast = r;
    /* Box average of r over the last len values; r's ring shares slot numbering. */
    l->rsum += r - l->r[slot];
    l->r[slot] = r;
    double g = l->rsum / (double)len;
    if (g > 1.0)
        g = 1.0;
    if (g < 1.0 - 1e-9)
        l->acted = 1;
    double v = (double)delayed * g;
    if (v > l->ceiling)
        v = l->ceiling;
    else if (v < -l->ceiling)
        v = -l->ceiling;
    *y = (float)v;
    return 1;
}

/* Pushes one sample through both stages; returns 1 when *y holds an output sample. */
static int limiter_push(struct limiter *l, float x, float *y)
{
    memmove(l->hist, l->hist + 1, (TP_TAPS - 1) * sizeof(*l->hist));
    l->hist[TP_TAPS - 1] = x;
    l->pre_n++;
    /* The interval between m = hist[TP_HALF - 1] and m + 1. */
    float xm = l->hist[TP_HALF - 1];
    double p = fabs((double)xm), p1 = fabs((double)l->hist[TP_HALF]);
    if (p1 > p)
        p = p1;
    double pb = tp_between(l->coef, l->hist);
    if (pb > p)
        p = pb;
    double peak = p > l->peak_prev ? p : l->peak_prev;
    l->peak_prev = p;
    if (l->pre_n < TP_HALF + 1)
        return 0;
    if (!limiter_main(l, xm, peak > l->ceiling ? l->ceiling / peak : 1.0, y))
        return 0;
    if (l->skip) {
        l->skip--;
        return 0;
    }
    return 1;
}

/* Samples to push after the last one to get every output out. */
static size_t limiter_tail(const struct limiter *l)
{
    return l->len - 1 + TP_HALF;
}

/* ---- pass 2 -------------------------------------------------------------------------- */

/* One run over the spool: gain (linear), then the limiter when ceiling > 0, then either into
 * the meter (dry run) or the file. */
struct run {
    double gain;
    double ceiling;     /* sample ceiling, linear; 0 = no limiter */
    ebur128_state *meter;
    SNDFILE *sf;
    int fd;             /* sf's file: its writeback is started as the pass goes; -1 = none */
    int acted;
};

/* Converts n floats times gain to int16 (rounded to nearest, clipped at full scale). The
 * scalar rounding adds and removes 1.5 * 2^23, exact for |v| < 2^22. GCC does not vectorize
 * that loop at -O2 (the float comparisons may trap), and it was a third of pass 2, so on
 * x86-64 it is written with SSE2: the same clamp (min, max), then the conversion in the
 * current rounding mode (to nearest, as the addition above rounds) and a saturating pack:
 * the same samples, eight at a time. */
static void to_s16(const float *f, size_t n, double gain, short *s)
{
    const float g = (float)(gain * 32768.0), magic = 12582912.0f;
    size_t i = 0;
#ifdef __SSE2__
    const __m128 gv = _mm_set1_ps(g), hi = _mm_set1_ps(32767.0f), lo = _mm_set1_ps(-32768.0f);
    for (; i + 8 <= n; i += 8) {
        __m128 a = _mm_mul_ps(_mm_loadu_ps(f + i), gv);
        __m128 b = _mm_mul_ps(_mm_loadu_ps(f + i + 4), gv);
        a = _mm_max_ps(_mm_min_ps(a, hi), lo);
        b = _mm_max_ps(_mm_min_ps(b, hi), lo);
        _mm_storeu_si128((__m128i *)(void *)(s + i),
                         _mm_packs_epi32(_mm_cvtps_epi32(a), _mm_cvtps_epi32(b)));
    }
#endif
    for (; i < n; i++) {
        float v = f[i] * g;
        v = v > 32767.0f ? 32767.0f : v < -32768.0f ? -32768.0f : v;
        v = (v + magic) - magic;
        s[i] = (short)v;
    }
}

static int run_emit(struct run *r, float *f, size_t n, short *s)
{
    if (!n)
        return 0;
    if (r->meter && ebur128_add_frames_float(r->meter, f, n) != EBUR128_SUCCESS)
        return DB_EIO;
    if (r->sf) {
        to_s16(f, n, 1.0, s);
        errno = 0;
        if (sf_write_short(r->sf, s, (sf_count_t)n) != (sf_count_t)n)
            return db_errno(errno);
    }
    return 0;
}

/* Pushes n samples (times the gain) through the limiter and on. */
static int run_limit(struct run *r, struct limiter *lim, const float *in, size_t n,
                     float *outb, short *s)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (limiter_push(lim, (float)(in[i] * r->gain), &outb[m]))
            m++;
    return run_emit(r, outb, m, s);
}

static int run_pass(struct bulletin *b, struct run *r)
{
    float *in = xmalloc(RS_BUF * sizeof(*in));
    float *outb = xmalloc(RS_BUF * sizeof(*outb));
    short *s = xmalloc(RS_BUF * sizeof(*s));
    struct limiter lim;
    uint64_t written = 0;
    int rc = 0;
    if (r->ceiling > 0)
        limiter_init(&lim, b->out_rate, r->ceiling);
    for (size_t k = 0; k < b->nst && rc == 0; k++) {
        const struct stretch *st = &b->st[k];
        off_t off = st->off;
        for (uint64_t left = st->frames; left && rc == 0;) {
            size_t want = left < RS_BUF ? (size_t)left : RS_BUF;
            if (pread_floats(st->fd, in, want, off) != (ssize_t)want) {
                rc = DB_EIO;
                break;
            }
            off += (off_t)(want * sizeof(float));
            left -= want;
            if (r->ceiling > 0) {
                rc = run_limit(r, &lim, in, want, outb, s);
            } else if (r->sf && !r->meter) {
                /* The common case: the gain alone, straight to int16. */
                to_s16(in, want, r->gain, s);
                errno = 0;
                if (sf_write_short(r->sf, s, (sf_count_t)want) != (sf_count_t)want)
                    rc = db_errno(errno);
                written += want;
            } else {
                for (size_t i = 0; i < want; i++)
                    outb[i] = (float)(in[i] * r->gain);
                rc = run_emit(r, outb, want, s);
            }
            if (r->fd >= 0 && written >= WRITEBACK_FRAMES) {
                /* Start writing to disk now, so the final fsync has little left to wait
                 * for. */
                sync_file_range(r->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
                written = 0;
            }
        }
    }
    if (rc == 0 && r->ceiling > 0) {
        /* Flush the delay line with silence. */
        size_t m = 0;
        for (size_t i = 0, tail = limiter_tail(&lim); i < tail; i++) {
            if (limiter_push(&lim, 0.0f, &outb[m]))
                m++;
            if (m == RS_BUF) {
                if ((rc = run_emit(r, outb, m, s)) < 0)
                    goto out;
                m = 0;
            }
        }
        if ((rc = run_emit(r, outb, m, s)) < 0)
            goto out;
        r->acted = lim.acted;
    }
out:
    if (r->ceiling > 0)
        limiter_free(&lim);
    free(in);
    free(outb);
    free(s);
    return rc;
}

static double db(double lin)
{
    return 20.0 * log10(lin > 1e-12 ? lin : 1e-12);
}

static double lin(double dbv)
{
    return pow(10.0, dbv / 20.0);
}

/* Dry runs trimming gain and limiter ceiling until loudness and peak hold. Under limiting
 * the loudness grows less than the gain, so the gain steps follow the secant. */
static int trim(struct bulletin *b, double *gain_db, double *ceil_lin)
{
    double want_peak = b->ceiling - PEAK_MARGIN_DB;
    double prev_gain = 0, prev_l = 0, slope = 1.0;
    int have_prev = 0;
    *ceil_lin = lin(want_peak);
    for (int i = 0; i < MAX_TRIM_RUNS; i++) {
        struct run r = {.gain = lin(*gain_db), .ceiling = *ceil_lin, .fd = -1};
        r.meter = ebur128_init(1, (unsigned long)b->out_rate,
                               EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
        if (!r.meter)
            return DB_EIO;
        int rc = run_pass(b, &r);
        double l = -HUGE_VAL, tp = 0;
        if (rc == 0 && (ebur128_loudness_global(r.meter, &l) != EBUR128_SUCCESS ||
                        ebur128_true_peak(r.meter, 0, &tp) != EBUR128_SUCCESS))
            rc = DB_EIO;
        ebur128_destroy(&r.meter);
        if (rc < 0)
            return rc;
        if (!isfinite(l))
            return 0;
        double err = b->target - l, over = db(tp) - (want_peak + 0.05);
        if (fabs(err) <= 0.1 && over <= 0)
            return 0;
        if (over > 0) {
            *ceil_lin *= lin(-over - 0.02);
            have_prev = 0; /* the curve changed: start the secant again */
            slope = 1.0;
        } else if (have_prev && fabs(*gain_db - prev_gain) > 1e-3) {
            slope = (l - prev_l) / (*gain_db - prev_gain);
            if (slope < 0.1)
                slope = 0.1;
            if (slope > 1.0)
                slope = 1.0;
        }
        prev_gain = *gain_db;
        prev_l = l;
        have_prev = over <= 0;
        *gain_db += err / slope;
    }
    return 0; /* close enough; the last settings stand */
}

static void put_le32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

/* The LIST/adtl payload (without the LIST header): one labl per cue. Each labl's text is
 * NUL-padded so every sub-chunk length is a multiple of 4 (libsndfile pads custom chunks to
 * 4 bytes). */
static unsigned char *labels_chunk(const struct bulletin *b, size_t *len)
{
    size_t n = 4;
    for (size_t i = 0; i < b->ncue; i++)
        n += 8 + ((4 + strlen(b->cues[i].label) + 1 + 3) & ~(size_t)3);
    unsigned char *p = xcalloc(1, n), *q = p;
    memcpy(q, "adtl", 4);
    q += 4;
    for (size_t i = 0; i < b->ncue; i++) {
        size_t t = strlen(b->cues[i].label);
        size_t sz = (4 + t + 1 + 3) & ~(size_t)3;
        memcpy(q, "labl", 4);
        put_le32(q + 4, (uint32_t)sz);
        put_le32(q + 8, (uint32_t)(i + 1));
        memcpy(q + 12, b->cues[i].label, t);
        q += 8 + sz;
    }
    *len = n;
    return p;
}

struct cues_hdr {
    uint32_t cue_count;
    SF_CUE_POINT cue_points[];
};

static int set_metadata(struct bulletin *b, SNDFILE *sf, double lufs, double tp_db)
{
    if ((b->format & SF_FORMAT_TYPEMASK) != SF_FORMAT_WAV)
        return 0;
    SF_BROADCAST_INFO bi;
    memset(&bi, 0, sizeof(bi));
    snprintf(bi.description, sizeof(bi.description), "%s", b->title);
    memcpy(bi.originator, "docbao", 6);
    memcpy(bi.originator_reference, "docbao", 6);
    struct tm tm;
    localtime_r(&b->date, &tm);
    char tmp[32];
    strftime(tmp, sizeof(tmp), "%Y-%m-%d", &tm);
    memcpy(bi.origination_date, tmp, sizeof(bi.origination_date));
    strftime(tmp, sizeof(tmp), "%H:%M:%S", &tm);
    memcpy(bi.origination_time, tmp, sizeof(bi.origination_time));
    bi.version = 2;
    if (isfinite(lufs))
        bi.loudness_value = (int16_t)lrint(lufs * 100.0);
    bi.max_true_peak_level = (int16_t)lrint(tp_db * 100.0);
    bi.loudness_range = 0x7fff;   /* not measured */
    bi.max_momentary_loudness = 0x7fff;
    bi.max_shortterm_loudness = 0x7fff;
    int n = snprintf(bi.coding_history, sizeof(bi.coding_history),
                     "A=PCM,F=%d,W=16,M=mono,T=docbao\r\n", b->out_rate);
    bi.coding_history_size = (uint32_t)n;
    if (sf_command(sf, SFC_SET_BROADCAST_INFO, &bi, sizeof(bi)) != SF_TRUE)
        return DB_EIO;
    if (!b->ncue)
        return 0;
    size_t sz = sizeof(struct cues_hdr) + b->ncue * sizeof(SF_CUE_POINT);
    struct cues_hdr *c = xcalloc(1, sz);
    c->cue_count = (uint32_t)b->ncue;
    for (size_t i = 0; i < b->ncue; i++) {
        SF_CUE_POINT *p = &c->cue_points[i];
        uint64_t pos = b->cues[i].pos;
        if (pos > UINT32_MAX)
            pos = UINT32_MAX;
        p->indx = (int32_t)(i + 1);
        p->position = (uint32_t)pos;
        memcpy(&p->fcc_chunk, "data", 4);
        p->sample_offset = (uint32_t)pos;
        snprintf(p->name, sizeof(p->name), "%s", b->cues[i].label);
    }
    int ok = sf_command(sf, SFC_SET_CUE, c, (int)sz) == SF_TRUE;
    free(c);
    if (!ok)
        return DB_EIO;
    size_t len;
    unsigned char *list = labels_chunk(b, &len);
    SF_CHUNK_INFO ci;
    memset(&ci, 0, sizeof(ci));
    memcpy(ci.id, "LIST", 4);
    ci.id_size = 4;
    ci.datalen = (unsigned)len;
    ci.data = list;
    int rc = sf_set_chunk(sf, &ci) == SF_ERR_NO_ERROR ? 0 : DB_EIO;
    free(list);
    return rc;
}

/* Creates the file to write: an unnamed file in the folder, or NAME.part-PID. */
static int final_open(struct bulletin *b, char **part)
{
    *part = NULL;
    int fd = open(b->dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0666);
    if (fd >= 0 || !b->path)
        return fd >= 0 ? fd : bulletin_tmpfile(b->dir);
    size_t n = strlen(b->path) + 32;
    *part = xmalloc(n);
    snprintf(*part, n, "%s.part-%ld", b->path, (long)getpid());
    fd = open(*part, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0666);
    if (fd < 0) {
        free(*part);
        *part = NULL;
    }
    return fd;
}

/* Makes fd's data durable (fsync) into rc, on a thread of its own (see bulletin_close). */
struct syncer {
    int fd;
    int rc;
};

static void *syncer_main(void *arg)
{
    struct syncer *sy = arg;
    sy->rc = fsync(sy->fd) != 0 && errno != EINVAL ? db_errno(errno) : 0;
    return NULL;
}

/* Gives the finished file, already synced, its name (or copies it to standard output). */
static int final_place(struct bulletin *b, int fd, const char *part)
{
    if (!b->path) {
        char *buf = xmalloc(65536);
        int rc = lseek(fd, 0, SEEK_SET) == 0 ? 0 : DB_EIO;
        while (rc == 0) {
            ssize_t r = read(fd, buf, 65536);
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0)
                rc = DB_EIO;
            if (r <= 0)
                break;
            rc = write_all(STDOUT_FILENO, buf, (size_t)r);
        }
        free(buf);
        return rc;
    }
    if (part)
        return rename(part, b->path) == 0 ? 0 : db_errno(errno);
    char proc[64];
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
    if (linkat(AT_FDCWD, proc, AT_FDCWD, b->path, AT_SYMLINK_FOLLOW) == 0)
        return 0;
    if (errno != EEXIST && linkat(fd, "", AT_FDCWD, b->path, AT_EMPTY_PATH) == 0)
        return 0;
    /* The name exists (or linking failed): link under a private name, then rename over. */
    size_t n = strlen(b->path) + 32;
    char *tmp = xmalloc(n);
    snprintf(tmp, n, "%s.part-%ld", b->path, (long)getpid());
    unlink(tmp);
    int rc;
    if (linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) == 0 ||
        linkat(fd, "", AT_FDCWD, tmp, AT_EMPTY_PATH) == 0) {
        rc = rename(tmp, b->path) == 0 ? 0 : db_errno(errno);
        if (rc < 0)
            unlink(tmp);
    } else {
        rc = db_errno(errno);
    }
    free(tmp);
    return rc;
}

/* Closes the spool and the adopted part files. */
static void release_audio(struct bulletin *b)
{
    if (b->spool >= 0)
        close(b->spool);
    b->spool = -1;
    for (size_t i = 0; i < b->nst; i++)
        if (b->st[i].owned)
            close(b->st[i].fd);
    free(b->st);
    b->st = NULL;
    b->nst = b->capst = b->held = 0;
}

int bulletin_close(struct bulletin *b, struct bulletin_report *rep)
{
    int rc = b->failed ? b->failed : b->in_rate ? resample(b, NULL, 0) : 0;
    int fd = -1;
    char *part = NULL;
    SNDFILE *sf = NULL;
    if (rc < 0)
        goto out;
    if (b->out_frames == 0) {
        rc = DB_EEMPTY;
        goto out;
    }
    double in_lufs = gated_loudness(b->km.seg, b->km.nseg), tp = 0;
    if (b->in_rate)
        tp = tpeak_end(&b->tp);
    if (b->ext_peak > tp)
        tp = b->ext_peak;
    double in_peak = db(tp);
    double gain_db = isfinite(in_lufs) ? b->target - in_lufs : 0.0;
    double ceil_lin = 0;
    if (in_peak + gain_db > b->ceiling - PEAK_MARGIN_DB && tp > 0) {
        if ((rc = trim(b, &gain_db, &ceil_lin)) < 0)
            goto out;
    }
    errno = 0;
    fd = final_open(b, &part);
    if (fd < 0) {
        rc = db_errno(errno);
        goto out;
    }
    SF_INFO info = {.samplerate = b->out_rate, .channels = 1, .format = b->format};
    errno = 0;
    sf = sf_open_fd(fd, SFM_WRITE, &info, 0);
    if (!sf) {
        rc = db_errno(errno); /* the header's write */
        goto out;
    }
    double out_lufs = isfinite(in_lufs) ? in_lufs + gain_db : in_lufs;
    double out_peak = in_peak + gain_db;
    if (ceil_lin > 0) {
        out_lufs = b->target;
        if (out_peak > b->ceiling)
            out_peak = b->ceiling - PEAK_MARGIN_DB;
    }
    if ((rc = set_metadata(b, sf, out_lufs, out_peak)) < 0)
        goto out;
    struct run r = {.gain = lin(gain_db), .ceiling = ceil_lin, .sf = sf, .fd = fd};
    if ((rc = run_pass(b, &r)) < 0)
        goto out;
    errno = 0;
    int cerr = sf_close(sf); /* writes the chunks after the audio (cue, LIST) */
    sf = NULL;
    if (cerr != 0) {
        rc = db_errno(errno);
        goto out;
    }
    /* The file goes to disk (fsync, on another thread: it mostly waits) while the temporary
     * files are freed (the kernel drops their pages: a few ms of CPU). */
    struct syncer sy = {.fd = fd};
    pthread_t th;
    int threaded = pthread_create(&th, NULL, syncer_main, &sy) == 0;
    release_audio(b);
    if (threaded)
        pthread_join(th, NULL);
    else
        syncer_main(&sy);
    if ((rc = sy.rc) < 0 || (rc = final_place(b, fd, part)) < 0)
        goto out;
    if (rep) {
        rep->in_lufs = in_lufs;
        rep->in_peak = in_peak;
        rep->gain = gain_db;
        rep->limited = r.acted;
        rep->frames = (size_t)b->out_frames;
        rep->cues = (b->format & SF_FORMAT_TYPEMASK) == SF_FORMAT_WAV ? b->ncue : 0;
    }
    free(part);
    part = NULL;
out:
    if (sf)
        sf_close(sf);
    if (part) {
        unlink(part);
        free(part);
    }
    if (fd >= 0)
        close(fd);
    bulletin_free(b);
    return rc;
}

void bulletin_free(struct bulletin *b)
{
    if (!b)
        return;
    release_audio(b);
    if (b->soxr)
        soxr_delete(b->soxr);
    kmeter_free(&b->km);
    for (size_t i = 0; i < b->ncue; i++)
        free(b->cues[i].label);
    free(b->cues);
    free(b->title);
    free(b->path);
    free(b->dir);
    free(b);
}
