/*
 * config.h — the user's settings file, $XDG_CONFIG_HOME/docbao/config.json (else
 * ~/.config/docbao/config.json): defaults for the command line (SPEC §8).
 *
 * The file is one JSON object; every key is optional:
 *
 *   { "category": "xa-hoi", "sites": ["vnexpress", "dantri"], "limit": 10, "days": 3,
 *     "voice": "vi", "speed": 1.2, "dialect": "north", "headlines": false,
 *     "output": "auto",
 *     "bulletin": { "rate": 48000, "loudness": -23, "intro": null, "outro": null } }
 *
 * A missing file is normal (the built-in defaults apply). A file that is not JSON, or whose
 * top level is not an object, is one clear error. Anything else wrong — an unknown key, a
 * value of the wrong type or out of range — is a warning: that setting keeps its default and
 * the rest of the file still applies. A JSON null means "the default" for any key.
 *
 * Precedence (done by main.c): built-in defaults, then this file, then the command line.
 */
#ifndef DOCBAO_CONFIG_H
#define DOCBAO_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "docbao/normalize.h"
#include "docbao/util.h"

/* The effective settings. Strings and the sites array are owned by the struct (config_free);
 * config_print() only reads, so a caller may fill one with borrowed pointers to print it. */
struct config {
    char *category;            /* category slug; default "xa-hoi" */
    char **sites;              /* source ids, NULL-terminated; NULL = every site (default) */
    size_t limit;              /* at most this many stories, 1..10000; 0 = no limit (default) */
    int days;                  /* the story window: stories of the last this many days,
                                  0..CONFIG_MAX_DAYS; 0 = no limit; default CONFIG_DEFAULT_DAYS */
    char *voice;               /* eSpeak NG Vietnamese voice; default "vi" */
    double speed;              /* 0.5 .. 4.0; default 1.0 */
    enum norm_dialect dialect; /* default NORM_NORTH */
    int headlines;             /* nonzero: titles only; default 0 */
    char *output;              /* live audio: NULL = "auto" (default), "alsa", "portaudio",
                                  "speechd" */
    struct {
        int rate;        /* 48000 (default) or 44100 */
        double loudness; /* target LUFS, -60 .. -5; default -23 */
        char *intro;     /* NULL = the default intro; "" = none */
        char *outro;     /* NULL = the default outro; "" = none */
    } bulletin;
};

/* The story window's default and largest value, in days (--days, "days"). */
#define CONFIG_DEFAULT_DAYS 3
#define CONFIG_MAX_DAYS 3650

/* The largest config file read, in bytes. */
#define CONFIG_MAX_SIZE (256 * 1024)

/* Fills *c with the built-in defaults (above). Free with config_free(). */
void config_defaults(struct config *c);

/* Frees what *c owns and leaves it zeroed; config_free(NULL) is a no-op. */
void config_free(struct config *c);

/* Writes the default file path ($XDG_CONFIG_HOME/docbao/config.json, else
 * $HOME/.config/docbao/config.json) into buf (cap bytes). Returns 0, or DB_ENOENT when
 * neither variable is set (then there is no config file) or the path does not fit. */
int config_default_path(char *buf, size_t cap);

/* Loads the settings from path, or from config_default_path() when path is NULL.
 *
 * *out is always initialised (defaults, then whatever the file validly sets), so the caller
 * frees it with config_free() whatever the result. warnings (may be NULL) receives one
 * complete English-or-translated line per problem, without a trailing newline or "docbao:"
 * prefix, each naming the file.
 *
 * Returns 0 (loaded; warnings may have been added), DB_ENOENT (no such file: not an error,
 * *out holds the defaults), DB_EFORMAT (not valid JSON, or not an object: *out holds the
 * defaults and exactly one line, the error, is appended to warnings), DB_ETOOBIG (larger than
 * CONFIG_MAX_SIZE) or DB_EIO (could not be read, e.g. a folder); for these two a line is
 * appended to warnings too. */
int config_load(const char *path, struct config *out, struct strv *warnings);

/* Parses settings from a JSON text (len bytes) as config_load() does; name is the file name
 * used in the warnings. Returns 0 or DB_EFORMAT. */
int config_parse(const char *text, size_t len, const char *name, struct config *out,
                 struct strv *warnings);

/* Nonzero when name is a live audio output the settings accept: "auto", "alsa", "portaudio"
 * or "speechd" (--output and "output"). */
int config_valid_output(const char *name);

/* Prints c to f as a config file: a JSON object holding every key, indented, ending with a
 * newline (docbao config --print). Loading the output gives the same settings back. Returns 0
 * or DB_EIO. */
int config_print(const struct config *c, FILE *f);

#endif
