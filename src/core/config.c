/*
 * config.c — the user's settings file (see config.h), read with jansson.
 *
 * Every key has one row in a table: its name, its kind and where it goes. A value is checked
 * for its type and range before it replaces the default; a bad one becomes a warning line
 * and the default stays. Only an unreadable file or text that is not a JSON object fails.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "docbao/config.h"
#include "docbao/err.h"
#include "docbao/i18n.h"
#include "docbao/utf8.h"
#include "docbao/util.h"

#define DEFAULT_CATEGORY "xa-hoi"
#define DEFAULT_VOICE "vi"

void config_defaults(struct config *c)
{
    memset(c, 0, sizeof(*c));
    c->category = xstrdup(DEFAULT_CATEGORY);
    c->voice = xstrdup(DEFAULT_VOICE);
    c->speed = 1.0;
    c->days = CONFIG_DEFAULT_DAYS;
    c->dialect = NORM_NORTH;
    c->bulletin.rate = 48000;
    c->bulletin.loudness = -23.0;
}

static void free_sites(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

void config_free(struct config *c)
{
    if (!c)
        return;
    free(c->category);
    free_sites(c->sites);
    free(c->voice);
    free(c->output);
    free(c->bulletin.intro);
    free(c->bulletin.outro);
    memset(c, 0, sizeof(*c));
}

int config_default_path(char *buf, size_t cap)
{
    const char *cfg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    int n;
    if (cfg && *cfg)
        n = snprintf(buf, cap, "%s/docbao/config.json", cfg);
    else if (home && *home)
        n = snprintf(buf, cap, "%s/.config/docbao/config.json", home);
    else
        return DB_ENOENT;
    return n < 0 || (size_t)n >= cap ? DB_ENOENT : 0;
}

static void warn(struct strv *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct strv *w, const char *fmt, ...)
{
    if (!w)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    char *s = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    /* One printable line: key names and jansson's "near '...'" quote the file's own bytes,
     * which may be control characters (a newline, ESC…) or broken UTF-8. */
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < (size_t)n;) {
        int cp;
        size_t k = utf8_decode(s + i, (size_t)n - i, &cp);
        char enc[4];
        if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
            buf_append(&b, " ", 1);
        else
            buf_append(&b, enc, utf8_encode(cp, enc));
        i += k;
    }
    free(s);
    strv_push(w, buf_steal(&b));
}

/* A category slug or a source id: ASCII lowercase letters, digits, '-' and '_', not starting
 * or ending with '-', at most 64 bytes. */
static int valid_slug(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64 || s[0] == '-' || s[n - 1] == '-')
        return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
            return 0;
    return 1;
}

int config_valid_output(const char *name)
{
    static const char *const names[] = {"auto", "alsa", "portaudio", "speechd"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(name, names[i]) == 0)
            return 1;
    return 0;
}

/* The rule main.c applies to --voice: "vi" or a vi- / vi+ variant. */
static int valid_voice(const char *v)
{
    return strcmp(v, "vi") == 0 || ((strncmp(v, "vi-", 3) == 0 || strncmp(v, "vi+", 3) == 0) &&
                                    strlen(v) < 64 && !strpbrk(v, " \t\n/"));
}

/* Nonzero when v is a JSON number; stores it in *d. */
static int get_number(const json_t *v, double *d)
{
    if (!json_is_number(v))
        return 0;
    *d = json_number_value(v);
    return isfinite(*d);
}

/* The kinds of setting, each with its check. */
enum kind {
    K_CATEGORY,
    K_SITES,
    K_LIMIT,
    K_DAYS,
    K_VOICE,
    K_SPEED,
    K_DIALECT,
    K_OUTPUT,
    K_BOOL,
    K_RATE,
    K_LOUDNESS,
    K_TEXT
};

struct key {
    const char *name;
    enum kind kind;
    size_t offset; /* of the field in struct config */
};

#define F(field) offsetof(struct config, field)

static const struct key top_keys[] = {
    {"category", K_CATEGORY, F(category)}, {"sites", K_SITES, F(sites)},
    {"limit", K_LIMIT, F(limit)},          {"voice", K_VOICE, F(voice)},
    {"speed", K_SPEED, F(speed)},          {"dialect", K_DIALECT, F(dialect)},
    {"headlines", K_BOOL, F(headlines)},   {"output", K_OUTPUT, F(output)},
    {"days", K_DAYS, F(days)},
};

static const struct key bulletin_keys[] = {
    {"rate", K_RATE, F(bulletin.rate)},
    {"loudness", K_LOUDNESS, F(bulletin.loudness)},
    {"intro", K_TEXT, F(bulletin.intro)},
    {"outro", K_TEXT, F(bulletin.outro)},
};

#undef F

static void set_str(char **field, const char *v)
{
    free(*field);
    *field = v ? xstrdup(v) : NULL;
}

/* Parses "sites": an array of source ids (or one string "a,b"). Returns the new array, or
 * NULL after a warning. */
static char **parse_sites(const json_t *v, const char *name, struct strv *w)
{
    struct strv ids = STRV_INIT;
    if (json_is_string(v)) {
        const char *p = json_string_value(v);
        while (*p) {
            size_t len = strcspn(p, ",");
            if (len)
                strv_push(&ids, xstrndup(p, len));
            p += len + (p[len] == ',');
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e)
        {
            if (!json_is_string(e)) {
                warn(w,
                     _("%s: \"sites\" must be a list of site ids such as [\"vnexpress\", "
                       "\"dantri\"]; the setting is ignored."),
                     name);
                strv_free(&ids);
                return NULL;
            }
            strv_push(&ids, xstrdup(json_string_value(e)));
        }
    } else {
        warn(w,
             _("%s: \"sites\" must be a list of site ids such as [\"vnexpress\", "
               "\"dantri\"]; the setting is ignored."),
             name);
        return NULL;
    }
    for (size_t i = 0; i < ids.n; i++) {
        if (!valid_slug(ids.v[i])) {
            warn(w,
                 _("%s: \"%s\" in \"sites\" is not a site id (see 'docbao categories'); the "
                   "setting is ignored."),
                 name, ids.v[i]);
            strv_free(&ids);
            return NULL;
        }
    }
    if (ids.n == 0) {
        strv_free(&ids);
        return NULL; /* an empty list: every site, the default */
    }
    char **out = xcalloc(ids.n + 1, sizeof(*out));
    memcpy(out, ids.v, ids.n * sizeof(*out));
    free(ids.v);
    return out;
}

/* What each kind of setting must be, for the warning line. */
static const char *expectation(enum kind k)
{
    switch (k) {
    case K_CATEGORY:
        return _("a category slug such as \"xa-hoi\" (see 'docbao categories')");
    case K_SITES:
        return _("a list of site ids such as [\"vnexpress\", \"dantri\"]");
    case K_LIMIT:
        return _("a whole number from 1 to 10000");
    case K_DAYS:
        return _("a whole number of days from 0 (no limit) to 3650");
    case K_VOICE:
        return _("a Vietnamese eSpeak NG voice: \"vi\", \"vi-vn-x-central\" or "
                 "\"vi-vn-x-south\"");
    case K_SPEED:
        return _("a number from 0.5 to 4.0 (1.0 is normal)");
    case K_DIALECT:
        return _("\"north\" or \"south\"");
    case K_OUTPUT:
        return _("\"auto\", \"alsa\", \"portaudio\" or \"speechd\"");
    case K_BOOL:
        return _("true or false");
    case K_RATE:
        return _("48000 or 44100");
    case K_LOUDNESS:
        return _("a level in LUFS from -60 to -5 (e.g. -23)");
    case K_TEXT:
        return _("a text (\"\" for none)");
    }
    return "";
}

/* One warning for a bad value: the file, the key, what it must be and what it was. */
static void warn_value(struct strv *w, const char *file, const char *key, enum kind k,
                       const json_t *v)
{
    char *shown = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    if (shown && strlen(shown) > 40) {
        size_t cut = 37;
        while (cut > 0 && ((unsigned char)shown[cut] & 0xC0) == 0x80)
            cut--; /* not inside a UTF-8 sequence */
        strcpy(shown + cut, "...");
    }
    warn(w, _("%s: \"%s\" must be %s, not %s; the setting is ignored."), file, key, expectation(k),
         shown ? shown : "?");
    free(shown);
}

/* Applies one value to its field; a bad value adds a warning and leaves the field as it
 * was. key is the name shown in warnings ("speed", "bulletin.rate"). */
static void apply(const struct key *k, const char *key, const json_t *v, const char *file,
                  struct config *c, struct strv *w)
{
    char *field = (char *)c + k->offset;
    const char *s = json_string_value(v); /* NULL unless a string */
    double d = 0;
    int ok = 0;
    if (json_is_null(v))
        return; /* null: the default */
    switch (k->kind) {
    case K_CATEGORY:
        if ((ok = s && valid_slug(s)))
            set_str((char **)field, s);
        break;
    case K_SITES: {
        /* parse_sites() words its own warnings, which name the offending id */
        char **sites = parse_sites(v, file, w);
        if (sites || (json_is_array(v) && json_array_size(v) == 0)) {
            free_sites(c->sites);
            c->sites = sites;
        }
        return;
    }
    case K_LIMIT:
        if ((ok = json_is_integer(v) && json_integer_value(v) >= 1 &&
                  json_integer_value(v) <= 10000))
            *(size_t *)field = (size_t)json_integer_value(v);
        break;
    case K_DAYS:
        if ((ok = json_is_integer(v) && json_integer_value(v) >= 0 &&
                  json_integer_value(v) <= CONFIG_MAX_DAYS))
            *(int *)field = (int)json_integer_value(v);
        break;
    case K_VOICE:
        if ((ok = s && valid_voice(s)))
            set_str((char **)field, s);
        break;
    case K_SPEED:
        if ((ok = get_number(v, &d) && d >= 0.5 && d <= 4.0))
            *(double *)field = d;
        break;
    case K_DIALECT:
        if ((ok = s && (strcmp(s, "north") == 0 || strcmp(s, "south") == 0)))
            *(enum norm_dialect *)field = strcmp(s, "south") == 0 ? NORM_SOUTH : NORM_NORTH;
        break;
    case K_OUTPUT:
        if ((ok = s && config_valid_output(s)))
            set_str((char **)field, s);
        break;
    case K_BOOL:
        if ((ok = json_is_boolean(v)))
            *(int *)field = json_is_true(v);
        break;
    case K_RATE:
        if ((ok = json_is_integer(v) &&
                  (json_integer_value(v) == 48000 || json_integer_value(v) == 44100)))
            *(int *)field = (int)json_integer_value(v);
        break;
    case K_LOUDNESS:
        if ((ok = get_number(v, &d) && d >= -60 && d <= -5))
            *(double *)field = d;
        break;
    case K_TEXT:
        if ((ok = s && strlen(s) <= 1000))
            set_str((char **)field, s);
        break;
    }
    if (!ok)
        warn_value(w, file, key, k->kind, v);
}

/* Applies every key of obj found in keys[n]; prefix ("" or "bulletin.") names nested keys. */
static void apply_object(const json_t *obj, const struct key *keys, size_t n, const char *prefix,
                         const char *file, struct config *c, struct strv *w)
{
    const char *name;
    json_t *v;
    json_object_foreach((json_t *)obj, name, v)
    {
        char key[128];
        snprintf(key, sizeof(key), "%s%s", prefix, name);
        size_t i = 0;
        while (i < n && strcmp(keys[i].name, name) != 0)
            i++;
        if (i < n) {
            apply(&keys[i], key, v, file, c, w);
        } else if (!*prefix && strcmp(name, "bulletin") == 0) {
            if (json_is_object(v))
                apply_object(v, bulletin_keys, sizeof(bulletin_keys) / sizeof(*bulletin_keys),
                             "bulletin.", file, c, w);
            else if (!json_is_null(v))
                warn(w,
                     _("%s: \"bulletin\" must be an object such as {\"rate\": 48000, "
                       "\"loudness\": -23}; the setting is ignored."),
                     file);
        } else {
            warn(w,
                 _("%s: unknown setting \"%s\" is ignored (see 'docbao config --print' "
                   "for the known ones)."),
                 file, key);
        }
    }
}

int config_parse(const char *text, size_t len, const char *name, struct config *out,
                 struct strv *warnings)
{
    config_defaults(out);
    json_error_t je;
    json_t *root = json_loadb(text, len, 0, &je);
    if (!root) {
        warn(warnings,
             _("%s is not valid JSON (line %d, column %d: %s). Fix the file or "
               "remove it."),
             name, je.line, je.column, je.text);
        return DB_EFORMAT;
    }
    if (!json_is_object(root)) {
        warn(warnings,
             _("%s must hold one JSON object, { \"key\": value, ... }. Fix the file "
               "or remove it."),
             name);
        json_decref(root);
        return DB_EFORMAT;
    }
    apply_object(root, top_keys, sizeof(top_keys) / sizeof(*top_keys), "", name, out, warnings);
    json_decref(root);
    return 0;
}

int config_load(const char *path, struct config *out, struct strv *warnings)
{
    char def[4096];
    if (!path) {
        if (config_default_path(def, sizeof(def)) < 0) {
            config_defaults(out);
            return DB_ENOENT;
        }
        path = def;
    }
    struct buf b = BUF_INIT;
    int rc = read_file(path, CONFIG_MAX_SIZE, &b);
    if (rc < 0) {
        config_defaults(out);
        if (rc == DB_ETOOBIG)
            warn(warnings, _("%s is larger than %d KB, too large for a settings file."), path,
                 CONFIG_MAX_SIZE / 1024);
        else if (rc != DB_ENOENT)
            warn(warnings, _("cannot read %s: %s."), path, db_strerror(rc));
        buf_free(&b);
        return rc;
    }
    rc = config_parse(buf_str(&b), b.len, path, out, warnings);
    buf_free(&b);
    return rc;
}

int config_print(const struct config *c, FILE *f)
{
    json_t *root = json_object();
    json_object_set_new(root, "category",
                        json_string(c->category ? c->category : DEFAULT_CATEGORY));
    json_t *sites = json_array();
    for (size_t i = 0; c->sites && c->sites[i]; i++)
        json_array_append_new(sites, json_string(c->sites[i]));
    json_object_set_new(root, "sites", sites);
    json_object_set_new(root, "limit", c->limit ? json_integer((json_int_t)c->limit) : json_null());
    json_object_set_new(root, "days", json_integer(c->days));
    json_object_set_new(root, "voice", json_string(c->voice ? c->voice : DEFAULT_VOICE));
    json_object_set_new(root, "speed", json_real(c->speed));
    json_object_set_new(root, "dialect", json_string(c->dialect == NORM_SOUTH ? "south" : "north"));
    json_object_set_new(root, "headlines", json_boolean(c->headlines));
    json_object_set_new(root, "output", json_string(c->output ? c->output : "auto"));
    json_t *bul = json_object();
    json_object_set_new(bul, "rate", json_integer(c->bulletin.rate ? c->bulletin.rate : 48000));
    json_object_set_new(bul, "loudness",
                        json_real(c->bulletin.loudness ? c->bulletin.loudness : -23.0));
    json_object_set_new(bul, "intro",
                        c->bulletin.intro ? json_string(c->bulletin.intro) : json_null());
    json_object_set_new(bul, "outro",
                        c->bulletin.outro ? json_string(c->bulletin.outro) : json_null());
    json_object_set_new(root, "bulletin", bul);
    int rc = json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
    json_decref(root);
    if (rc == 0 && fputc('\n', f) == EOF)
        rc = -1;
    return rc == 0 ? 0 : DB_EIO;
}
