/*
 * err.h — docbao's error codes.
 *
 * Every function that can fail returns 0 on success or one of these negative values.
 * db_strerror() gives a short English description; user-facing messages are composed by
 * the caller, which knows what the user was trying to do.
 */
#ifndef DOCBAO_ERR_H
#define DOCBAO_ERR_H

enum db_err {
    DB_OK = 0,
    DB_ENOMEM = -1,     /* out of memory (normally we abort instead) */
    DB_EIO = -2,        /* a file could not be read or written */
    DB_EINVAL = -3,     /* an argument or option value is not valid */
    DB_ENOENT = -4,     /* a file or resource does not exist */
    DB_ENET = -5,       /* a network transfer failed (connect, DNS, timeout, HTTP error) */
    DB_ETOOBIG = -6,    /* input exceeds a size limit */
    DB_EFORMAT = -7,    /* input is not in a format we understand (binary junk, bad HTML) */
    DB_EEMPTY = -8,     /* input parsed but held no usable text */
    DB_ENODEV = -9,     /* no audio output device */
    DB_EAUDIO = -10,    /* the audio output failed while open */
    DB_ETTS = -11,      /* the speech synthesizer failed */
    DB_ENOVOICE = -12,  /* the requested voice is not installed */
    DB_ESCHEME = -13,   /* a URL scheme other than http or https */
    DB_EHTTP = -14,     /* the server answered with an HTTP error status */
    DB_ETIMEOUT = -15,  /* a transfer took longer than its time limit */
    DB_ENOSPC = -16,    /* a file could not be written: the disk is full (or the quota used up) */
};

/* A short English description of err (a DB_* value); never NULL. */
const char *db_strerror(int err);

/* The DB_* value for a failed write, from its errno value e: DB_ENOSPC for ENOSPC and EDQUOT,
 * DB_EIO for anything else (including 0, when the failing call set no errno). */
int db_errno(int e);

#endif
