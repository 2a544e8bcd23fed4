/*
 * tts.c — the speech backend front: picks a driver by name and forwards calls to it.
 */
#include <stdlib.h>
#include <string.h>

#include "docbao/err.h"
#include "docbao/tts_driver.h"
#include "docbao/util.h"

static const struct tts_driver *const drivers[] = {&tts_espeak_driver, NULL};
static const char *const driver_names[] = {"espeak", NULL};

const char *tts_version(void)
{
    return tts_espeak_version();
}

const char *const *tts_driver_names(void)
{
    return driver_names;
}

void pcm_append(struct pcm *p, const int16_t *s, size_t n)
{
    if (p->n + n > p->cap) {
        size_t cap = p->cap ? p->cap : 4096;
        while (cap < p->n + n)
            cap *= 2;
        p->s = xrealloc(p->s, cap * sizeof(*p->s));
        p->cap = cap;
    }
    if (s)
        memcpy(p->s + p->n, s, n * sizeof(*s));
    else
        memset(p->s + p->n, 0, n * sizeof(*p->s));
    p->n += n;
}

void pcm_append_silence(struct pcm *p, size_t n)
{
    pcm_append(p, NULL, n);
}

void pcm_free(struct pcm *p)
{
    free(p->s);
    p->s = NULL;
    p->n = p->cap = 0;
}

int tts_open(const char *driver, const struct tts_opts *opts, struct tts **out)
{
    const struct tts_driver *drv = NULL;
    for (size_t i = 0; drivers[i]; i++)
        if (!driver || strcmp(drivers[i]->name, driver) == 0) {
            drv = drivers[i];
            break;
        }
    if (!drv)
        return DB_EINVAL;
    if (opts->speed < 0.5 || opts->speed > 4.0)
        return DB_EINVAL;
    struct tts *t = xcalloc(1, sizeof(*t));
    t->drv = drv;
    t->speed = opts->speed;
    int rc = drv->open(t, opts);
    if (rc < 0) {
        free(t);
        return rc;
    }
    *out = t;
    return 0;
}

void tts_close(struct tts *t)
{
    if (!t)
        return;
    if (t->drv->close)
        t->drv->close(t);
    free(t);
}

int tts_synth(struct tts *t, const char *text, struct pcm *out)
{
    return t->drv->synth(t, text, out);
}

int tts_set_speed(struct tts *t, double speed)
{
    if (!(speed >= 0.5 && speed <= 4.0))
        return DB_EINVAL;
    int rc = t->drv->set_speed(t, speed);
    if (rc == 0)
        t->speed = speed;
    return rc;
}

int tts_sample_rate(const struct tts *t)
{
    return t->rate;
}
