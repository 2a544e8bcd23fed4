/*
 * err.c — descriptions of docbao's error codes (see err.h).
 */
#include <errno.h>

#include "docbao/err.h"

const char *db_strerror(int err)
{
    switch (err) {
    case DB_OK: return "success";
    case DB_ENOMEM: return "out of memory";
    case DB_EIO: return "input/output error";
    case DB_EINVAL: return "invalid argument";
    case DB_ENOENT: return "no such file";
    case DB_ENET: return "network transfer failed";
    case DB_ETOOBIG: return "input too large";
    case DB_EFORMAT: return "unrecognized format";
    case DB_EEMPTY: return "no text found";
    case DB_ENODEV: return "no audio device";
    case DB_EAUDIO: return "audio output failed";
    case DB_ETTS: return "speech synthesis failed";
    case DB_ENOVOICE: return "voice not installed";
    case DB_ESCHEME: return "only http and https URLs are supported";
    case DB_EHTTP: return "the server answered with an error";
    case DB_ETIMEOUT: return "timed out";
    case DB_ENOSPC: return "no space left on device";
    }
    return "unknown error";
}

int db_errno(int e)
{
#ifdef EDQUOT
    if (e == EDQUOT)
        return DB_ENOSPC;
#endif
    return e == ENOSPC ? DB_ENOSPC : DB_EIO;
}
