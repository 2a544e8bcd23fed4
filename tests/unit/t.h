/*
 * t.h — a tiny table-friendly test harness for docbao's C unit tests.
 *
 * Each check prints one TAP-style line, "ok - NAME" or "not ok - NAME: detail"; t_done()
 * returns the exit status (non-zero when any check failed). tests/run counts the lines.
 */
#ifndef DOCBAO_T_H
#define DOCBAO_T_H

#include <stdio.h>
#include <string.h>

static int t_failed;

#define T_OK(cond, ...)                                                                   \
    do {                                                                                  \
        int t_c_ = (cond) ? 1 : 0;                                                        \
        printf("%s - ", t_c_ ? "ok" : "not ok");                                          \
        printf(__VA_ARGS__);                                                              \
        if (!t_c_) {                                                                      \
            printf(" (%s:%d: %s)", __FILE__, __LINE__, #cond);                            \
            t_failed++;                                                                   \
        }                                                                                 \
        printf("\n");                                                                     \
    } while (0)

#define T_STR(got, want, ...)                                                             \
    do {                                                                                  \
        const char *t_g_ = (got), *t_w_ = (want);                                         \
        int t_c_ = t_g_ && t_w_ && strcmp(t_g_, t_w_) == 0;                               \
        printf("%s - ", t_c_ ? "ok" : "not ok");                                          \
        printf(__VA_ARGS__);                                                              \
        if (!t_c_) {                                                                      \
            printf("\n#   got:  [%s]\n#   want: [%s] (%s:%d)", t_g_ ? t_g_ : "(null)",      \
                   t_w_ ? t_w_ : "(null)", __FILE__, __LINE__);                           \
            t_failed++;                                                                   \
        }                                                                                 \
        printf("\n");                                                                     \
    } while (0)

#define T_INT(got, want, ...)                                                             \
    do {                                                                                  \
        long t_g_ = (long)(got), t_w_ = (long)(want);                                     \
        printf("%s - ", t_g_ == t_w_ ? "ok" : "not ok");                                  \
        printf(__VA_ARGS__);                                                              \
        if (t_g_ != t_w_) {                                                               \
            printf(" (got %ld, want %ld at %s:%d)", t_g_, t_w_, __FILE__, __LINE__);       \
            t_failed++;                                                                   \
        }                                                                                 \
        printf("\n");                                                                     \
    } while (0)

static inline int t_done(void)
{
    fflush(stdout);
    return t_failed ? 1 : 0;
}

#endif
