/*
 * file.c — writes PCM to an audio file with libsndfile; the format follows the extension
 * (.wav, .flac, .ogg; anything else is WAV). The file is written under a temporary name in
 * the same folder and renamed on a successful close, so a failed run leaves no half-written
 * file. The target "-" writes WAV to standard output.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <sndfile.h>

#include "docbao/err.h"
#include "docbao/out_driver.h"
#include "docbao/util.h"

struct file_priv {
    SNDFILE *sf;
    char *path;  /* final name, NULL for stdout */
    char *tmp;   /* temporary name */
    int failed;  /* 0, or the DB_* error that stopped the writing */
};

static int format_for(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (dot && strcasecmp(dot, ".flac") == 0)
        return SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
    if (dot && (strcasecmp(dot, ".ogg") == 0 || strcasecmp(dot, ".oga") == 0))
        return SF_FORMAT_OGG | SF_FORMAT_VORBIS;
    return SF_FORMAT_WAV | SF_FORMAT_PCM_16;
}

static int file_open(struct out *o, int rate, const char *target)
{
    if (!target || !*target)
        return DB_EINVAL;
    struct file_priv *fp = xcalloc(1, sizeof(*fp));
    SF_INFO info = {.samplerate = rate, .channels = 1};
    errno = 0;
    if (strcmp(target, "-") == 0) {
        info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
        fp->sf = sf_open_fd(STDOUT_FILENO, SFM_WRITE, &info, 0);
    } else {
        info.format = format_for(target);
        fp->path = xstrdup(target);
        size_t n = strlen(target) + 32;
        fp->tmp = xmalloc(n);
        snprintf(fp->tmp, n, "%s.part-%ld", target, (long)getpid());
        fp->sf = sf_open(fp->tmp, SFM_WRITE, &info);
    }
    if (!fp->sf) {
        int rc = db_errno(errno); /* a full disk fails the header's write */
        if (fp->tmp)
            unlink(fp->tmp);
        free(fp->path);
        free(fp->tmp);
        free(fp);
        return rc;
    }
    o->priv = fp;
    return 0;
}

static int file_write(struct out *o, const int16_t *s, size_t n)
{
    struct file_priv *fp = o->priv;
    if (fp->failed)
        return fp->failed;
    errno = 0;
    if (sf_write_short(fp->sf, s, (sf_count_t)n) != (sf_count_t)n) {
        fp->failed = db_errno(errno);
        return fp->failed;
    }
    return 0;
}

static int file_close(struct out *o)
{
    struct file_priv *fp = o->priv;
    int rc = fp->failed;
    if (fp->tmp)
        sf_write_sync(fp->sf);
    errno = 0;
    if (sf_close(fp->sf) != 0 && rc == 0) /* it writes the header's sizes, a WAV's tail */
        rc = db_errno(errno);
    if (fp->tmp) {
        if (rc == 0 && rename(fp->tmp, fp->path) != 0)
            rc = db_errno(errno);
        if (rc < 0)
            unlink(fp->tmp);
    }
    free(fp->path);
    free(fp->tmp);
    free(fp);
    return rc;
}

static void file_abort(struct out *o)
{
    struct file_priv *fp = o->priv;
    if (!fp->failed)
        fp->failed = DB_EIO;
    file_close(o);
}

const struct out_driver out_file_driver = {
    .name = "file",
    .open = file_open,
    .write = file_write,
    .close = file_close,
    .abort = file_abort,
};
