/*
 * out.c — the audio output front: picks a driver by name and forwards calls to it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docbao/err.h"
#include "docbao/out_driver.h"
#include "docbao/util.h"

static const struct out_driver *const drivers[] = {
    &out_alsa_driver, &out_portaudio_driver, &out_file_driver, &out_null_driver, NULL};
static const char *const driver_names[] = {"auto", "alsa", "portaudio", "file", "null", NULL};

const char *const *out_driver_names(void)
{
    return driver_names;
}

int out_open(const char *driver, int rate, const char *target, struct out **out)
{
    if (strcmp(driver, "auto") == 0) {
        /* ALSA's default device first: it starts in milliseconds (see alsa.c) */
        int rc = out_open("alsa", rate, NULL, out);
        return rc == DB_ENODEV ? out_open("portaudio", rate, NULL, out) : rc;
    }
    const struct out_driver *drv = NULL;
    for (size_t i = 0; drivers[i]; i++)
        if (strcmp(drivers[i]->name, driver) == 0)
            drv = drivers[i];
    if (!drv || rate <= 0)
        return DB_EINVAL;
    struct out *o = xcalloc(1, sizeof(*o));
    o->drv = drv;
    o->rate = rate;
    int rc = drv->open(o, rate, target);
    if (rc < 0) {
        free(o);
        return rc;
    }
    *out = o;
    return 0;
}

int out_write(struct out *o, const int16_t *s, size_t n)
{
    if (n == 0)
        return 0;
    return o->drv->write(o, s, n);
}

int out_close(struct out *o)
{
    if (!o)
        return 0;
    int rc = 0;
    if (o->drv->tail_ms > 0) {
        size_t tail = (size_t)o->rate * (size_t)o->drv->tail_ms / 1000;
        int16_t *zero = xcalloc(tail, sizeof(*zero));
        rc = o->drv->write(o, zero, tail);
        free(zero);
    }
    int crc = o->drv->close(o);
    free(o);
    return rc < 0 ? rc : crc;
}

void out_abort(struct out *o)
{
    if (!o)
        return;
    if (o->drv->abort)
        o->drv->abort(o);
    else
        o->drv->close(o);
    free(o);
}

int out_drop(struct out *o)
{
    return o->drv->drop ? o->drv->drop(o) : 0;
}

size_t out_pending(struct out *o)
{
    return o->drv->pending ? o->drv->pending(o) : 0;
}

const char *out_version(void)
{
    static char v[160];
    snprintf(v, sizeof(v), "ALSA %s, %s", out_alsa_version(), out_portaudio_version());
    return v;
}

void out_prepare(const char *driver)
{
    /* only PortAudio is slow to start; ALSA's default device opens in milliseconds */
    if (strcmp(driver, "portaudio") != 0)
        return;
    stderr_set_waiter(out_portaudio_prepared);
    out_portaudio_prepare();
}

void out_prepared(void)
{
    out_portaudio_prepared();
}
