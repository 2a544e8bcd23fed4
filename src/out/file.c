/*
 * file.c — writes PCM to an audio file with libsndfile; the format follows the extension
 * (.wav, .flac, .ogg; anything else is WAV). The file is written under a temporary name in
 * the same folder and renamed on a successful close, so a failed run leaves no half-written
 * file. The target "-" writes WAV to standard output; when that is a pipe (which libsndfile
 * cannot seek back into to write the header's sizes), the WAV is made in an unlinked
 * temporary file ($TMPDIR, else /tmp) and copied to the pipe on close.
 */
#include <errno.h>
#include <fcntl.h>
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
    int spool;   /* for a pipe on standard output: the unlinked temporary file; else -1 */
};

/* An unlinked temporary file in $TMPDIR (else /tmp), or -1 with errno set. */
static int spool_open(void)
{
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof(path), "%s/docbao-wav-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd >= 0)
        unlink(path);
    return fd;
}

/* Copies the spool file to standard output. Returns 0 or a DB_* error. */
static int spool_copy(int fd)
{
    char buf[65536];
    if (lseek(fd, 0, SEEK_SET) < 0)
        return DB_EIO;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n == 0)
            return 0;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return DB_EIO;
        }
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(STDOUT_FILENO, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                return db_errno(errno);
            off += w;
        }
    }
}

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
    fp->spool = -1;
    SF_INFO info = {.samplerate = rate, .channels = 1};
    errno = 0;
    if (strcmp(target, "-") == 0) {
        info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
        if (lseek(STDOUT_FILENO, 0, SEEK_CUR) < 0 && errno == ESPIPE)
            fp->spool = spool_open();
        fp->sf = sf_open_fd(fp->spool >= 0 ? fp->spool : STDOUT_FILENO, SFM_WRITE, &info, 0);
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
        if (fp->spool >= 0)
            close(fp->spool);
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
    if (fp->spool >= 0) {
        if (rc == 0)
            rc = spool_copy(fp->spool);
        close(fp->spool);
    }
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
