/*
 * main.c — docbao's command line: parses options, picks a mode and runs it.
 *
 * Modes so far: read (articles aloud or to a file), text (the front end's output),
 * extract (the article text). Exit status: 0 done, 1 runtime failure, 2 bad usage.
 */
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <errno.h>
#include <unistd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "docbao/article.h"
#include "docbao/err.h"
#include "docbao/extract.h"
#include "docbao/feed.h"
#include "docbao/fetch.h"
#include "docbao/i18n.h"
#include "docbao/cache.h"
#include "docbao/news.h"
#include "docbao/player.h"
#include "docbao/cmd.h"
#include "docbao/config.h"
#include "docbao/keys.h"
#include "docbao/ctl.h"
#include "docbao/export.h"
#include "docbao/sources.h"
#include "docbao/normalize.h"
#include "docbao/out.h"
#include "docbao/paths.h"
#include "docbao/segment.h"
#include "docbao/speak.h"
#include "docbao/speechd.h"
#include "docbao/tts.h"
#include "docbao/utf8.h"
#include "docbao/util.h"
#include "docbao/worker.h"

enum { EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

/* What `docbao` and `docbao list` read when no --category is given. */
#define DEFAULT_CATEGORY "xa-hoi"

struct opts {
    double speed;
    const char *voice;
    const char *export_path;
    enum norm_dialect dialect;
    int quiet;
    int verbose;
    int json;
    int sentences;
    const char *category;
    int category_given;    /* -c was on the command line (not only the default) */
    char **sites;          /* NULL-terminated, from --source a,b */
    size_t limit;
    int offline;
    int all;
    int unheard;           /* bulletins: only stories not heard yet */
    int days;              /* the story window in days; 0 = no window */
    const char *sources_path;
    const char *page_url;  /* --url: the address a saved page came from (its site's rules) */
    int headlines;
    const char *output;    /* live audio output: auto, alsa, portaudio, speechd */
    int sleep_minutes;
    int print;             /* config --print */
    /* bulletins */
    const char *intro;
    const char *outro;
    int no_intro;
    int headlines_only;
    int rate;
    double loudness;
};

static volatile sig_atomic_t interrupted;

/* --byline: the author's name is spoken after the story (bylines are left out by default). */
static int speak_byline;

static void add_byline(struct article *a)
{
    if (speak_byline && a && a->byline)
        article_add_para(a, a->byline, strlen(a->byline));
}

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

static char **split_list(const char *s);
static int read_interactive(const struct opts *o, struct article **arts, size_t n);
static void pause_background(const struct opts *o);
static void err_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void err_line(const char *fmt, ...)
{
    va_list ap;
    stderr_wait(); /* standard error is silenced while the sound system starts */
    fputs("docbao: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* The commands of the running daemon, from the command table: every row flagged CMD_CLIENT
 * ("speed X" when it needs a value, "sleep [X]" when it may have one), then status. */
static void client_usage(FILE *f)
{
    struct buf b = BUF_INIT;
    size_t col = 2;
    fputs("  ", f);
    for (const struct cmd *c = cmd_table();; c++) {
        buf_reset(&b);
        if (!c->name)
            buf_puts(&b, "status [--json]");
        else if (!(c->flags & CMD_CLIENT))
            continue;
        else
            buf_puts(&b, c->name);
        if (c->name && c->nargs > 0)
            buf_puts(&b, " X");
        else if (c->name && (c->flags & CMD_OPTARG))
            buf_puts(&b, " [X]");
        if (c->name)
            buf_putc(&b, '|');
        if (col + b.len > 78) {
            fputs("\n  ", f);
            col = 2;
        }
        fputs(buf_str(&b), f);
        col += b.len;
        if (!c->name)
            break;
    }
    buf_free(&b);
    fprintf(f, "\n                            %s\n", _("control the running daemon"));
}

static void usage(FILE *f)
{
    fputs(_("Usage: docbao [OPTIONS]                 read today's news aloud\n"
            "       docbao COMMAND [OPTIONS] [ARGS]\n"
            "Reads Vietnamese news aloud.\n"
            "\n"
            "Commands:\n"
            "  (none)                    fetch the category's stories and read them aloud,\n"
            "                            newest first, skipping those already heard\n"
            "  list                      print the stories, numbered, without speaking\n"
            "  categories                print the sites and categories known\n"
            "  daemon                    the background player: control socket and media keys\n"),
          f);
    client_usage(f);
    fputs(_("  read URL|FILE...          read the given article(s) aloud (HTML page or text)\n"
            "  text [--sentences] [FILE|-]\n"
            "                            print the text as it will be spoken, one sentence a\n"
            "                            line (--sentences: split only, no normalization)\n"
            "  extract URL|FILE [--json] print the extracted article: title, blank line, one\n"
            "                            paragraph a line; --json: a JSON object\n"
            "  config [--print]          the settings file's path; --print: the settings in\n"
            "                            effect (config.json, then the command line)\n"
            "\n"
            "Options:\n"
            "  -c, --category SLUG       xa-hoi (default), thoi-su, the-gioi, kinh-te, giao-duc,\n"
            "                            suc-khoe, the-thao, ... ('docbao categories')\n"
            "  -s, --source ID[,ID...]   sites to use (default: every site with the category)\n"
            "  -n, --limit N             at most N stories\n"
            "      --all                 include stories already heard\n"
            "      --offline             use only stories saved in the cache\n"
            "      --sources FILE        use this sources file instead of the built-in one\n"
            "      --headlines           speak titles only; Enter reads the story in full\n"
            "      --byline              also speak the author's name after each story\n"
            "      --sleep MIN           stop (fading out) after MIN minutes, keeping the place\n"
            "      --json                with list, categories, extract: print JSON\n"
            "      --speed X             speaking speed, 0.5 .. 4.0 (1.0 = normal)\n"
            "      --voice NAME          eSpeak NG Vietnamese voice: vi, vi-vn-x-central,\n"
            "                            vi-vn-x-south\n"
            "  -o, --export FILE         write the speech to FILE (WAV; FLAC/OGG by extension;\n"
            "                            - for standard output) instead of playing it\n"
            "      --dialect north|south number words: nghìn/linh (north) or ngàn/lẻ (south)\n"
            "      --output NAME         where live speech goes: auto (default: ALSA's default\n"
            "                            device, else PortAudio), alsa, portaudio, or speechd\n"
            "                            (speech-dispatcher, with your screen reader's voice)\n"
            "Bulletins (docbao -c SLUG --export FILE):\n"
            "      --intro TEXT          the opening line (default: \"Bản tin <category>, <date>\")\n"
            "      --outro TEXT          the closing line (default: \"Kết thúc bản tin.\")\n"
            "      --no-intro            no opening line\n"
            "      --headlines-only      titles only, for a headline round-up\n"
            "      --rate HZ             48000 (default) or 44100\n"
            "      --loudness LUFS       loudness target, -23 (EBU R128, default) .. -5\n"
            "  -q, --quiet               no status lines\n"
            "  -v, --verbose             also print each sentence as it is spoken\n"
            "  -h, --help                show this help\n"
            "  -V, --version             show the version\n"
            "\n"
            "Exit status: 0 done, 1 runtime failure, 2 bad usage.\n"),
          f);
    fputs(_("\nWhich stories:\n"
            "      --days N              only stories of the last N days (default 3, config\n"
            "                            \"days\"); --days 0: no limit\n"
            "      --unheard             bulletins: only stories not heard yet (a bulletin\n"
            "                            takes the newest stories, heard or not, and never\n"
            "                            marks them heard: heard is the listener's)\n"),
          f);
    fputs(_("\nSites and pages:\n"
            "  sources check [-s ID] [-c SLUG] [--json]\n"
            "                            fetch each site's feed and newest story: which\n"
            "                            rules still match, which extractor read it; exit 1\n"
            "                            when a site is broken\n"
            "      --url URL             with extract and read: the address a saved page came\n"
            "                            from (the rules of its site apply)\n"),
          f);
    fputs(_("\nKeys while listening:\n"), f);
    for (const struct cmd *c = cmd_table(); c->name; c++)
        if (c->keys && *c->keys)
            fprintf(f, "  %-20s %s\n", c->keys, _(c->help));
}

static int parse_speed(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !(v >= 0.5 && v <= 4.0))
        return DB_EINVAL;
    *out = v;
    return 0;
}

static int valid_voice(const char *v)
{
    return strcmp(v, "vi") == 0 || strncasecmp(v, "vi-", 3) == 0 || strncasecmp(v, "vi+", 3) == 0;
}

/* Reads FILE, or standard input for "-" (at most max bytes), for read, extract and text;
 * prints the error line itself. Returns 0 or a DB_* error. */
static int read_input(const char *path, size_t max, struct buf *body)
{
    int rc = read_file(path, max, body);
    if (rc == DB_ENOENT)
        err_line(_("cannot read %s: no such file. Check the name and try again."), path);
    else if (rc == DB_ETOOBIG)
        err_line(_("cannot read %s: it is larger than %u MB, the most docbao reads."), path,
                 (unsigned)(max / (1024 * 1024)));
    else if (rc < 0)
        err_line(_("cannot read %s: %s."), path, db_strerror(rc));
    return rc;
}

/* Nonzero when the input at arg (a file's name, "-" or a URL) holding body is an HTML page:
 * by its name's extension or by its content. */
static int input_is_html(const char *arg, const struct buf *body)
{
    const char *dot = fetch_is_url(arg) ? NULL : strrchr(arg, '.');
    return (dot && (strcasecmp(dot, ".html") == 0 || strcasecmp(dot, ".htm") == 0)) ||
           extract_is_html(buf_str(body), body->len);
}

/* The one check of what read, extract and text were given (name: as the user knows it; html:
 * it is an HTML page). Refuses empty input (unless empty_ok) and binary junk, and with
 * text_only an HTML page; prints the error line itself. Returns 0 or a DB_* error. */
static int check_input(const char *name, const struct buf *body, int html, int text_only,
                       int empty_ok)
{
    if (body->len == 0 && !empty_ok) {
        err_line(_("%s is empty: there is nothing to read."), name);
        return DB_EEMPTY;
    }
    if (html && text_only) {
        err_line(_("%s is an HTML page, not plain text: use 'docbao extract' to see its article "
                   "or 'docbao read' to hear it."),
                 name);
        return DB_EFORMAT;
    }
    if (!html && utf8_looks_binary(buf_str(body), body->len)) {
        err_line(_("%s is not text or an HTML page (binary data?): there is nothing to read."),
                 name);
        return DB_EFORMAT;
    }
    return 0;
}

/* Loads one argument (URL or file) as an article. Prints the error line itself. */
static struct sources *load_sources(const struct opts *o);

/* Extracts an HTML page with the rules of the site url belongs to (by its host), as the
 * news would; without a known site (or a sources file), with the generic extractor. */
static int extract_page(const struct opts *o, const char *html, size_t len, const char *url,
                        struct article **out)
{
    struct sources *src = NULL;
    if (url && fetch_is_url(url)) {
        char err[256];
        if (o->sources_path)
            sources_load(o->sources_path, &src, err, sizeof(err));
        else
            sources_load_default(&src, NULL, err, sizeof(err));
    }
    const struct source *site = sources_for_url(src, url);
    int rc = extract_html_rules(html, len, url, site && site->has_rules ? &site->rules : NULL,
                                out);
    if (rc == 0 && site) /* the site's own name, not the page's og:site_name */
        article_set(&(*out)->site, site->name);
    sources_free(src);
    return rc;
}

static int load_article(const struct opts *o, const char *arg, struct article **out)
{
    struct buf body = BUF_INIT;
    int html = 0, rc;
    const char *name = arg;
    if (fetch_is_url(arg)) {
        struct fetch_result res;
        char err[256];
        rc = fetch_url(arg, NULL, &res, err, sizeof(err));
        if (rc < 0) {
            err_line(_("cannot download %s: %s. Check the address and your network "
                       "connection."),
                     arg, err);
            fetch_result_free(&res);
            return rc;
        }
        body = res.body;
        res.body.data = NULL;
        fetch_body_to_utf8(res.content_type, &body); /* the header's charset, when not UTF-8 */
        html = (res.content_type && (strncasecmp(res.content_type, "text/html", 9) == 0 ||
                                 strncasecmp(res.content_type, "application/xhtml", 17) == 0)) ||
               extract_is_html(body.data ? body.data : "", body.len);
        fetch_result_free(&res);
    } else if (strstr(arg, "://")) {
        err_line(_("cannot read %s: only http and https addresses are supported."), arg);
        return DB_ESCHEME;
    } else {
        if ((rc = read_input(arg, EXTRACT_MAX_INPUT, &body)) < 0)
            return rc;
        html = input_is_html(arg, &body);
        if (strcmp(arg, "-") == 0)
            name = _("standard input");
    }
    if ((rc = check_input(name, &body, html, 0, 0)) < 0) {
        buf_free(&body);
        return rc;
    }
    if (html)
        rc = extract_page(o, buf_str(&body), body.len,
                          o->page_url ? o->page_url : fetch_is_url(arg) ? arg : NULL, out);
    else
        rc = extract_text(buf_str(&body), body.len, arg, out);
    buf_free(&body);
    if (rc == DB_EFORMAT)
        err_line(_("%s is not text or an HTML page (binary data?): there is nothing to read."),
                 name);
    else if (rc == DB_EEMPTY)
        err_line(_("%s holds no article text to read."), name);
    else if (rc == DB_ETOOBIG)
        err_line(_("%s is too large to read."), name);
    else if (rc < 0)
        err_line(_("cannot read %s: %s."), name, db_strerror(rc));
    return rc;
}

/* The voice and the output, opened together for reading aloud or exporting. */
struct audio {
    struct tts *tts;
    struct normalizer *nz;
    struct out *out;
    struct speak_ctx ctx;
};

/* The line for a file docbao could not write because its disk is full (path "-": standard
 * output). bulletin: a bulletin's parts also go to the temporary folder. */
static void no_space(const char *path, int bulletin)
{
    const char *name = strcmp(path, "-") == 0 ? _("standard output") : path;
    const char *tmp = getenv("TMPDIR");
    if (bulletin)
        err_line(_("cannot write the bulletin %s: no space left on device. Free some space on "
                   "its disk (or in the temporary folder %s), or write it to another disk."),
                 name, tmp && *tmp ? tmp : "/tmp");
    else
        err_line(_("cannot write %s: no space left on device. Free some space on its disk, or "
                   "write it to another disk."),
                 name);
}

/* One clear line for a failure to open the voice or the audio output. */
static void report_audio_error(int rc, const struct opts *o)
{
    if (!o->export_path && o->output && strcmp(o->output, "speechd") == 0 &&
        (rc == DB_ENODEV || rc == DB_EINVAL)) {
        if (!speechd_supported())
            err_line(_("this docbao was built without speech-dispatcher support. Use --output "
                       "auto, or rebuild docbao with libspeechd-dev installed."));
        else
            err_line(_("speech-dispatcher could not be reached. Install and start it (the "
                       "speech-dispatcher package; 'spd-say test' checks it), or use --output "
                       "auto."));
        return;
    }
    if (rc == DB_ENOSPC && o->export_path)
        no_space(o->export_path, 0);
    else if (rc == DB_ENODEV)
        err_line(_("no audio output device found. Connect speakers or headphones, or write the "
                   "speech to a file with --export FILE.wav."));
    else if (rc == DB_ENOVOICE)
        err_line(_("the voice '%s' is not installed. Install the espeak-ng-data package, or "
                   "choose vi, vi-vn-x-central or vi-vn-x-south."),
                 o->voice);
    else if (rc == DB_EIO)
        err_line(_("cannot write %s: check that the folder exists and is writable."),
                 o->export_path ? o->export_path : "audio");
    else
        err_line(_("the speech synthesizer eSpeak NG could not start. Check that espeak-ng-data "
                   "is installed."));
}

/* Opens the voice and the output; prints the error line itself. Returns 0 or EXIT_RUNTIME. */
static int audio_open(const struct opts *o, struct audio *au)
{
    memset(au, 0, sizeof(*au));
    struct tts_opts to = {.voice = o->voice, .speed = o->speed};
    int rc = tts_open(NULL, &to, &au->tts);
    if (rc < 0) {
        report_audio_error(rc, o);
        return EXIT_RUNTIME;
    }
    normalizer_new(NULL, o->dialect, &au->nz);
    rc = out_open(o->export_path ? "file" : o->output, tts_sample_rate(au->tts),
                  o->export_path, &au->out);
    if (rc < 0) {
        report_audio_error(rc == DB_ENODEV || rc == DB_ENOSPC
                               ? rc
                               : (o->export_path ? DB_EIO : DB_ENODEV),
                           o);
        return EXIT_RUNTIME;
    }
    int export_stdout = o->export_path && strcmp(o->export_path, "-") == 0;
    au->ctx.tts = au->tts;
    au->ctx.nz = au->nz;
    au->ctx.out = au->out;
    au->ctx.log = o->quiet ? NULL : (export_stdout ? stderr : stdout);
    au->ctx.verbose = o->verbose;
    return 0;
}

/* Finishes the output (played out, or the file renamed into place) when ok, else drops it;
 * frees everything. Returns the exit status given, or EXIT_RUNTIME if finishing failed. */
static int audio_close(const struct opts *o, struct audio *au, int status)
{
    if (au->out) {
        if (status == 0 && !interrupted) {
            int rc = out_close(au->out);
            if (rc == DB_ENOSPC && o->export_path)
                no_space(o->export_path, 0);
            else if (rc < 0)
                err_line(_("cannot finish writing %s: %s."),
                         o->export_path ? o->export_path : "audio", db_strerror(rc));
            if (rc < 0)
                status = EXIT_RUNTIME;
        } else {
            out_abort(au->out);
        }
    }
    normalizer_free(au->nz);
    tts_close(au->tts);
    memset(au, 0, sizeof(*au));
    if (interrupted && status == 0)
        status = 130;
    return status;
}

static int speak_error(const struct opts *o, int rc)
{
    if (o->export_path && rc == DB_ENOSPC)
        no_space(o->export_path, 0);
    else if (o->export_path && rc == DB_EIO)
        err_line(_("cannot write %s: %s."),
                 strcmp(o->export_path, "-") == 0 ? _("standard output") : o->export_path,
                 db_strerror(rc));
    else
        err_line(rc == DB_ETTS ? _("speech synthesis failed; the rest was not read.")
                               : _("the audio output failed; the rest was not read."));
    return EXIT_RUNTIME;
}

static int cmd_read(const struct opts *o, int argc, char **argv)
{
    if (argc < 1) {
        err_line(_("read needs at least one URL or FILE. Try 'docbao --help'."));
        return EXIT_USAGE;
    }
    struct article **arts = xcalloc((size_t)argc, sizeof(*arts));
    size_t n = 0;
    int failed = 0, status = 0;
    for (int i = 0; i < argc; i++) {
        if (load_article(o, argv[i], &arts[n]) == 0)
            add_byline(arts[n++]);
        else
            failed = 1;
    }
    struct audio au;
    if (n == 0) {
        status = EXIT_RUNTIME;
        goto out;
    }
    if (!o->export_path && (isatty(STDIN_FILENO) || strcmp(o->output, "speechd") == 0)) {
        /* a person at the keyboard: the player, with every key of SPEC §5 (speech-dispatcher
         * is only reached through the player) */
        status = read_interactive(o, arts, n);
        if (status == 0 && failed)
            status = EXIT_RUNTIME;
        n = 0; /* the player's source owns the articles now */
        goto out;
    }
    if (!o->export_path) /* a bulletin file plays nothing aloud */
        pause_background(o);
    status = audio_open(o, &au);
    if (status == 0) {
        for (size_t i = 0; i < n && !interrupted; i++) {
            int rc = speak_article(&au.ctx, arts[i], i + 1, n);
            if (rc < 0) {
                status = speak_error(o, rc);
                break;
            }
        }
    }
    status = audio_close(o, &au, status);
    if (status == 0 && failed)
        status = EXIT_RUNTIME;
out:
    for (size_t i = 0; i < n; i++)
        article_free(arts[i]);
    free(arts);
    return status;
}

static int cmd_text(const struct opts *o, int argc, char **argv)
{
    if (argc > 1) {
        err_line(_("text takes at most one FILE, but '%s' was also given. Try 'docbao "
                   "--help'."),
                 argv[1]);
        return EXIT_USAGE;
    }
    const char *path = argc ? argv[0] : "-";
    struct buf in = BUF_INIT;
    if (read_input(path, 256u * 1024 * 1024, &in) < 0)
        return EXIT_RUNTIME;
    /* any plain text (empty input gives no lines), but not binary junk nor a page's HTML */
    if (check_input(strcmp(path, "-") == 0 ? _("standard input") : path, &in,
                    input_is_html(path, &in), 1, 1) < 0) {
        buf_free(&in);
        return EXIT_RUNTIME;
    }
    char *text = utf8_clean(buf_str(&in), in.len);
    buf_free(&in);
    struct strv sents = STRV_INIT;
    if (o->sentences) {
        segment_split_written(text, strlen(text), &sents); /* as written: no length cut */
    } else {
        size_t len = text_strip_credits(text); /* "TTO - " opening a paragraph is not said */
        segment_split(text, len, &sents);
    }
    free(text);
    struct normalizer *nz = NULL;
    if (!o->sentences)
        normalizer_new(NULL, o->dialect, &nz);
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < sents.n; i++) {
        if (nz) {
            buf_reset(&b);
            normalize_sentence(nz, sents.v[i], strlen(sents.v[i]), &b);
            if (b.len)
                printf("%s\n", buf_str(&b));
        } else {
            printf("%s\n", sents.v[i]);
        }
    }
    buf_free(&b);
    normalizer_free(nz);
    strv_free(&sents);
    return fflush(stdout) == 0 ? 0 : EXIT_RUNTIME;
}

static void json_set_str(json_t *obj, const char *key, const char *v)
{
    json_object_set_new(obj, key, v ? json_string(v) : json_null());
}

static int cmd_extract(const struct opts *o, int argc, char **argv)
{
    if (argc > 1) {
        err_line(_("extract takes one URL or FILE, but '%s' was also given. Try 'docbao "
                   "--help'."),
                 argv[1]);
        return EXIT_USAGE;
    }
    if (argc != 1) {
        err_line(_("extract takes one URL or FILE. Try 'docbao --help'."));
        return EXIT_USAGE;
    }
    struct article *a = NULL;
    if (load_article(o, argv[0], &a) < 0)
        return EXIT_RUNTIME;
    if (o->json) {
        json_t *obj = json_object();
        json_set_str(obj, "title", a->title);
        json_set_str(obj, "byline", a->byline);
        json_set_str(obj, "published", a->published);
        json_set_str(obj, "site", a->site);
        json_set_str(obj, "url", a->url);
        json_t *paras = json_array();
        for (size_t i = 0; i < a->npara; i++)
            json_array_append_new(paras, json_string(a->paras[i]));
        json_object_set_new(obj, "paragraphs", paras);
        char *s = json_dumps(obj, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        printf("%s\n", s);
        free(s);
        json_decref(obj);
    } else {
        printf("%s\n\n", a->title ? a->title : "");
        for (size_t i = 0; i < a->npara; i++)
            printf("%s\n", a->paras[i]);
    }
    article_free(a);
    return fflush(stdout) == 0 ? 0 : EXIT_RUNTIME;
}

/* ---- news: sources, the cache, the selection ---------------------------------------------- */

static struct sources *load_sources(const struct opts *o)
{
    struct sources *src = NULL;
    char err[512] = "";
    int rc = o->sources_path ? sources_load(o->sources_path, &src, err, sizeof(err))
                             : sources_load_default(&src, NULL, err, sizeof(err));
    if (rc < 0) {
        err_line(_("cannot use the sources file: %s. Fix it or remove it to use the built-in "
                   "sites."),
                 err);
        return NULL;
    }
    for (size_t i = 0; i < src->warnings.n; i++)
        err_line("%s", src->warnings.v[i]);
    return src;
}

/* Opens the cache; without one docbao still works, remembering nothing. */
static struct cache *open_cache(void)
{
    struct cache *c = NULL;
    int rc = cache_open(NULL, &c);
    if (rc == 1) {
        err_line(_("the cache was damaged; it was moved to %s and a new one started."),
                 cache_moved_aside(c));
    } else if (rc < 0) {
        err_line(_("the cache cannot be opened (%s); continuing without it: nothing will be "
                   "remembered."),
                 db_strerror(rc));
        return NULL;
    }
    return c;
}

static void print_categories_hint(const struct sources *src)
{
    size_t n = 0;
    const char **cats = sources_categories(src, &n);
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_puts(&b, ", ");
        buf_puts(&b, cats[i]);
    }
    stderr_wait();
    fprintf(stderr, _("Known categories: %s.\n"), buf_str(&b));
    buf_free(&b);
    free(cats);
}

/* Checks --category and --source against the sources; prints the error itself. */
static int check_selection(const struct opts *o, const struct sources *src)
{
    for (size_t i = 0; o->sites && o->sites[i]; i++) {
        if (!sources_find(src, o->sites[i])) {
            err_line(_("unknown site '%s'. 'docbao categories' lists the sites."), o->sites[i]);
            return EXIT_USAGE;
        }
    }
    int any = 0;
    for (size_t i = 0; i < src->n; i++) {
        int wanted = !o->sites;
        for (size_t k = 0; o->sites && o->sites[k]; k++)
            wanted |= strcmp(o->sites[k], src->v[i].id) == 0;
        if (wanted && source_feed_url(&src->v[i], o->category))
            any = 1;
    }
    if (!any) {
        err_line(_("no site has the category '%s'."), o->category);
        print_categories_hint(src);
        return EXIT_USAGE;
    }
    return 0;
}

static void fill_news_opts(const struct opts *o, struct news_opts *no, int grace_ms)
{
    memset(no, 0, sizeof(*no));
    no->category = o->category;
    no->sites = (const char *const *)o->sites;
    no->limit = o->limit;
    no->offline = o->offline;
    /* a bulletin takes the newest stories, heard or not, unless --unheard */
    no->include_heard = o->all || (o->export_path && !o->unheard);
    no->days = o->days;
    no->grace_ms = grace_ms;
    no->fetch.timeout_ms = 20000;
    no->fetch.connect_timeout_ms = 8000;
    no->log = o->quiet ? NULL : stderr;
    no->verbose = o->verbose;
    const char *t = getenv("DOCBAO_TIMEOUT_MS"); /* tests and slow links */
    if (t && atol(t) > 0)
        no->fetch.timeout_ms = no->fetch.connect_timeout_ms = atol(t);
}

/* ISO 8601 with the local offset, e.g. 2026-11-28T08:00:00+07:00. */
static void iso_time(time_t t, char *out, size_t n)
{
    struct tm tm;
    localtime_r(&t, &tm);
    char z[8];
    strftime(out, n, "%Y-%m-%dT%H:%M:%S", &tm);
    strftime(z, sizeof(z), "%z", &tm);
    size_t len = strlen(out);
    if (strlen(z) == 5)
        snprintf(out + len, n - len, "%.3s:%.2s", z, z + 3);
}

/* The --days that takes in a story of time when (at least one more than the window). */
static int days_to_include(time_t when)
{
    long long d = ((long long)wall_now() - (long long)when + 86399) / 86400;
    return d < 1 ? 1 : d > CONFIG_MAX_DAYS ? 0 : (int)d;
}

/* Writes into out, as one true sentence, why the selection has no story: heard ones, ones
 * older than the window, or none at all. */
static void empty_reason(const struct opts *o, const char *cat, int offline,
                         const struct news_left *l, char *out, size_t cap)
{
    if (l->heard && o->export_path)
        snprintf(out, cap,
                 _("no bulletin was written: the %zu stories of %s in the window are heard and "
                   "--unheard takes only new ones."),
                 l->heard, cat);
    else if (l->heard && l->older)
        snprintf(out, cap,
                 _("no new stories in %s in the last %d days: %zu heard (--all reads them "
                   "again), %zu older (--days %d includes them)."),
                 cat, o->days, l->heard, l->older, days_to_include(l->newest_older));
    else if (l->heard && o->days)
        snprintf(out, cap,
                 _("no new stories in %s: you have heard all %zu of the last %d days (--all "
                   "reads them again)."),
                 cat, l->heard, o->days);
    else if (l->heard)
        snprintf(out, cap,
                 _("no new stories in %s: you have heard all %zu (--all reads them again)."), cat,
                 l->heard);
    else if (l->older)
        snprintf(out, cap,
                 _("no stories in %s in the last %d days (%zu older: --days %d includes them)."),
                 cat, o->days, l->older, days_to_include(l->newest_older));
    else if (offline)
        snprintf(out, cap, _("no stories in %s are saved for reading offline."), cat);
    else
        snprintf(out, cap, _("no stories in %s right now: the feeds list none."), cat);
}

static void say_empty(const struct opts *o, const char *cat, int offline,
                      const struct news_left *l)
{
    char why[600];
    empty_reason(o, cat, offline, l, why, sizeof(why));
    err_line("%s", why);
}

/* Loads the stories; prints the error itself. Returns 0, EXIT_RUNTIME (no story, after a line
 * saying why) or EXIT_USAGE. */
static int load_news(const struct opts *o, struct sources **src, struct cache **cache,
                     struct news **news, int grace_ms)
{
    *src = load_sources(o);
    if (!*src)
        return EXIT_RUNTIME;
    int st = check_selection(o, *src);
    if (st)
        return st;
    *cache = open_cache();
    struct news_opts no;
    fill_news_opts(o, &no, grace_ms);
    if (news_new(*src, *cache, &no, news) < 0) {
        err_line(_("no site has the category '%s'."), o->category);
        return EXIT_USAGE;
    }
    int rc = news_load(*news);
    if (rc < 0) {
        err_line(_("no news could be fetched and none is saved: check your network connection "
                   "and try again."));
        return EXIT_RUNTIME;
    }
    struct news_left left;
    news_left_out(*news, &left);
    const char *cat = sources_category_name(*src, o->category);
    if (news_count(*news) == 0) {
        say_empty(o, cat, news_offline(*news), &left);
        return EXIT_RUNTIME;
    }
    if (left.older && !o->quiet) {
        stderr_wait();
        fprintf(stderr,
                ngettext("docbao: %zu story older than %d days is left out (--days %d includes "
                         "it).\n",
                         "docbao: %zu stories older than %d days are left out (--days %d "
                         "includes them).\n",
                         left.older),
                left.older, o->days, days_to_include(left.newest_older));
    }
    return 0;
}

static int cmd_list(const struct opts *o, int argc)
{
    (void)argc;
    struct sources *src = NULL;
    struct cache *cache = NULL;
    struct news *news = NULL;
    int st = load_news(o, &src, &cache, &news, -1);
    if (st != 0 && o->json) {
        printf("[]\n"); /* stdout of --json is always JSON; the reason went to stderr */
    } else if (st == 0) {
        size_t n = news_count(news);
        if (o->json) {
            json_t *arr = json_array();
            for (size_t i = 0; i < n; i++) {
                const struct news_story *s = news_story(news, i);
                json_t *obj = json_object();
                json_set_str(obj, "title", s->title);
                json_set_str(obj, "url", s->url);
                json_set_str(obj, "site", s->site);
                json_set_str(obj, "category", s->category);
                char iso[40] = "";
                if (s->published)
                    iso_time(s->published, iso, sizeof(iso));
                json_set_str(obj, "published", s->published ? iso : NULL);
                json_array_append_new(arr, obj);
            }
            char *js = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
            printf("%s\n", js);
            free(js);
            json_decref(arr);
        } else {
            for (size_t i = 0; i < n; i++) {
                const struct news_story *s = news_story(news, i);
                char when[32] = "";
                if (s->published) {
                    struct tm tm;
                    localtime_r(&s->published, &tm);
                    strftime(when, sizeof(when), " (%H:%M %d/%m)", &tm);
                }
                printf("%zu. %s — %s%s\n", i + 1, s->site_name, s->title, when);
            }
        }
    }
    news_free(news);
    cache_free(cache);
    sources_free(src);
    return st;
}

static int cmd_categories(const struct opts *o)
{
    struct sources *src = load_sources(o);
    if (!src)
        return EXIT_RUNTIME;
    size_t n = 0;
    const char **cats = sources_categories(src, &n);
    if (o->json) {
        json_t *root = json_object(), *jc = json_array(), *js = json_array();
        for (size_t i = 0; i < n; i++) {
            json_t *c = json_object(), *sites = json_array();
            json_set_str(c, "slug", cats[i]);
            json_set_str(c, "name", sources_category_name(src, cats[i]));
            for (size_t k = 0; k < src->n; k++)
                if (source_feed_url(&src->v[k], cats[i]))
                    json_array_append_new(sites, json_string(src->v[k].id));
            json_object_set_new(c, "sites", sites);
            json_array_append_new(jc, c);
        }
        for (size_t k = 0; k < src->n; k++) {
            json_t *s = json_object(), *sc = json_array();
            json_set_str(s, "id", src->v[k].id);
            json_set_str(s, "name", src->v[k].name);
            json_set_str(s, "home", src->v[k].home);
            for (size_t f = 0; f < src->v[k].nfeeds; f++)
                json_array_append_new(sc, json_string(src->v[k].feeds[f].category));
            json_object_set_new(s, "categories", sc);
            json_array_append_new(js, s);
        }
        json_object_set_new(root, "categories", jc);
        json_object_set_new(root, "sources", js);
        char *out = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        printf("%s\n", out);
        free(out);
        json_decref(root);
    } else {
        for (size_t i = 0; i < n; i++) {
            struct buf b = BUF_INIT;
            for (size_t k = 0; k < src->n; k++)
                if (source_feed_url(&src->v[k], cats[i])) {
                    if (b.len)
                        buf_puts(&b, ", ");
                    buf_puts(&b, src->v[k].name);
                }
            printf("%s — %s: %s\n", cats[i], sources_category_name(src, cats[i]), buf_str(&b));
            buf_free(&b);
        }
    }
    free(cats);
    sources_free(src);
    return 0;
}

/* ---- docbao sources check: are the sites' feeds and rules still right? -------------------- */

static int site_selected(const struct opts *o, const char *id)
{
    if (!o->sites)
        return 1;
    for (size_t i = 0; o->sites[i]; i++)
        if (strcmp(o->sites[i], id) == 0)
            return 1;
    return 0;
}

struct check_result {
    char feed[300];           /* "ok" or the reason the feed failed */
    size_t stories;
    char *article_url;        /* the newest story, when the feed had one */
    char article_err[300];    /* why its text could not be had ("" when it could) */
    struct extract_report rep;
    size_t paragraphs;
    int ok;
};

/* Fetches a site's feed and its newest story, and extracts the story with the site's rules. */
static void check_feed(const struct source *site, const char *feed_url,
                       struct check_result *cr)
{
    struct fetch_opts fo = {.connect_timeout_ms = 8000, .timeout_ms = 20000};
    const char *t = getenv("DOCBAO_TIMEOUT_MS");
    if (t && atol(t) > 0)
        fo.timeout_ms = fo.connect_timeout_ms = atol(t);
    struct fetch_result res = {0};
    struct feed *f = NULL;
    char err[256] = "";
    memset(cr, 0, sizeof(*cr));
    cr->rep = (struct extract_report){-1, -1, -1, -1, NULL};
    if (fetch_url(feed_url, &fo, &res, err, sizeof(err)) < 0) {
        snprintf(cr->feed, sizeof(cr->feed), "%s", err);
    } else if (feed_parse(buf_str(&res.body), res.body.len,
                          res.final_url ? res.final_url : feed_url, &f) < 0) {
        snprintf(cr->feed, sizeof(cr->feed), "not an RSS or Atom feed");
    } else {
        snprintf(cr->feed, sizeof(cr->feed), "ok");
        cr->stories = f->n;
        size_t newest = 0;
        for (size_t i = 1; i < f->n; i++)
            if (f->items[i].published > f->items[newest].published)
                newest = i;
        if (f->n)
            cr->article_url = xstrdup(f->items[newest].url);
    }
    feed_free(f);
    fetch_result_free(&res);
    if (!cr->article_url) {
        if (strcmp(cr->feed, "ok") == 0)
            snprintf(cr->article_err, sizeof(cr->article_err), "the feed lists no story");
        return;
    }
    struct fetch_result page = {0};
    if (fetch_url(cr->article_url, &fo, &page, err, sizeof(err)) < 0) {
        snprintf(cr->article_err, sizeof(cr->article_err), "%s", err);
    } else {
        fetch_body_to_utf8(page.content_type, &page.body);
        struct article *a = NULL;
        int rc = extract_html_report(buf_str(&page.body), page.body.len, cr->article_url,
                                     site->has_rules ? &site->rules : NULL, &a, &cr->rep);
        if (rc == 0)
            cr->paragraphs = a->npara;
        else
            snprintf(cr->article_err, sizeof(cr->article_err), "no article text: %s",
                     db_strerror(rc));
        article_free(a);
    }
    fetch_result_free(&page);
    /* healthy: the feed answers with stories, the story has text, and the rules that find the
     * text and the title still match (a byline or date may be missing from one story) */
    cr->ok = strcmp(cr->feed, "ok") == 0 && cr->stories > 0 && !cr->article_err[0] &&
             cr->rep.body != 0 && cr->rep.title != 0;
}

/* docbao sources check [-s ID] [-c SLUG] [--json]: each selected site's feed (one per feed
 * URL, or the category asked for) and its newest story, with which rules matched. */
static int cmd_sources(const struct opts *o, int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "check") != 0) {
        err_line(_("sources takes one command, check: 'docbao sources check [-s ID] [-c SLUG] "
                   "[--json]'."));
        return EXIT_USAGE;
    }
    if (argc > 1) {
        err_line(_("%s takes no arguments, but '%s' was given. Try 'docbao --help'."),
                 "sources check", argv[1]);
        return EXIT_USAGE;
    }
    struct sources *src = load_sources(o);
    if (!src)
        return EXIT_RUNTIME;
    for (size_t i = 0; o->sites && o->sites[i]; i++)
        if (!sources_find(src, o->sites[i])) {
            err_line(_("unknown site '%s'. 'docbao categories' lists the sites."), o->sites[i]);
            sources_free(src);
            return EXIT_USAGE;
        }
    json_t *arr = o->json ? json_array() : NULL;
    size_t checked = 0, broken = 0;
    for (size_t i = 0; i < src->n && !interrupted; i++) {
        const struct source *site = &src->v[i];
        if (!site_selected(o, site->id))
            continue;
        for (size_t k = 0; k < site->nfeeds && !interrupted; k++) {
            const struct source_feed *sf = &site->feeds[k];
            if (o->category_given && strcmp(sf->category, o->category) != 0)
                continue;
            int seen = 0; /* a feed URL shared by several categories is checked once */
            for (size_t j = 0; j < k && !o->category_given; j++)
                seen |= strcmp(site->feeds[j].url, sf->url) == 0;
            if (seen)
                continue;
            struct check_result cr;
            check_feed(site, sf->url, &cr);
            checked++;
            broken += !cr.ok;
            if (arr) {
                json_t *e = json_object(), *art = json_object(), *rules = json_object();
                json_set_str(e, "site", site->id);
                json_set_str(e, "category", sf->category);
                json_set_str(e, "feed", cr.feed);
                json_object_set_new(e, "stories", json_integer((json_int_t)cr.stories));
                const char *names[] = {"body", "title", "byline", "published"};
                int counts[] = {cr.rep.body, cr.rep.title, cr.rep.byline, cr.rep.published};
                for (int r = 0; r < 4; r++)
                    if (counts[r] >= 0)
                        json_object_set_new(rules, names[r], json_integer(counts[r]));
                json_set_str(art, "url", cr.article_url);
                json_object_set_new(art, "rules", rules);
                json_set_str(art, "extractor", cr.rep.extractor);
                json_object_set_new(art, "paragraphs", json_integer((json_int_t)cr.paragraphs));
                if (cr.article_err[0])
                    json_set_str(art, "error", cr.article_err);
                json_object_set_new(e, "article", cr.article_url ? art : json_null());
                if (!cr.article_url)
                    json_decref(art);
                json_object_set_new(e, "ok", json_boolean(cr.ok));
                json_array_append_new(arr, e);
            } else {
                struct buf why = BUF_INIT;
                const char *names[] = {"body", "title", "byline", "published"};
                int counts[] = {cr.rep.body, cr.rep.title, cr.rep.byline, cr.rep.published};
                for (int r = 0; r < 4; r++)
                    if (counts[r] == 0) {
                        buf_puts(&why, why.len ? ", " : "");
                        buf_puts(&why, names[r]);
                    }
                if (strcmp(cr.feed, "ok") != 0)
                    printf(_("%s %s: BROKEN — the feed %s failed: %s.\n"), site->id,
                           sf->category, sf->url, cr.feed);
                else if (cr.article_err[0])
                    printf(_("%s %s: BROKEN — stories in the feed: %zu, but the newest could "
                             "not be read (%s).\n"),
                           site->id, sf->category, cr.stories, cr.article_err);
                else
                    printf(_("%s %s: %s — stories in the feed: %zu; text from %s, paragraphs: "
                             "%zu%s%s%s.\n"),
                           site->id, sf->category, cr.ok ? "ok" : "BROKEN", cr.stories,
                           cr.rep.extractor, cr.paragraphs,
                           why.len ? _("; rules that matched nothing: ") : "", buf_str(&why),
                           !site->has_rules ? _(" (no rules: the generic extractor)") : "");
                buf_free(&why);
                fflush(stdout);
            }
            free(cr.article_url);
        }
    }
    if (arr) {
        char *js = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        printf("%s\n", js);
        free(js);
        json_decref(arr);
    }
    sources_free(src);
    if (interrupted)
        return 130;
    if (checked == 0) {
        err_line(_("nothing to check: no selected site has the category '%s'."), o->category);
        return EXIT_USAGE;
    }
    if (broken)
        err_line(ngettext("%zu of %zu feeds checked is broken: see the lines above.",
                          "%zu of %zu feeds checked are broken: see the lines above.", checked),
                 broken, checked);
    return broken ? EXIT_RUNTIME : 0;
}

/* ---- listening with the keyboard: the player fed by the news ------------------------------ */

static size_t src_count(void *ctx)
{
    return news_count(ctx);
}

static const char *src_title(void *ctx, size_t i)
{
    const struct news_story *s = news_story(ctx, i);
    return s ? s->title : NULL;
}

static const char *src_url(void *ctx, size_t i)
{
    const struct news_story *s = news_story(ctx, i);
    return s ? s->url : NULL;
}

static const char *src_site(void *ctx, size_t i)
{
    const struct news_story *s = news_story(ctx, i);
    return s ? s->site_name : NULL;
}

static int src_article(void *ctx, size_t i, struct article **out)
{
    int rc = news_article(ctx, i, out);
    if (rc == 0)
        add_byline(*out);
    return rc;
}

static void src_heard(void *ctx, size_t i)
{
    news_mark_heard(ctx, i);
}

/* The key under which the place of this selection is remembered. */
static char *place_key(const struct opts *o)
{
    struct buf b = BUF_INIT;
    buf_puts(&b, "category=");
    buf_puts(&b, o->category);
    buf_puts(&b, ";sources=");
    for (size_t i = 0; o->sites && o->sites[i]; i++) {
        if (i)
            buf_putc(&b, ',');
        buf_puts(&b, o->sites[i]);
    }
    if (o->headlines)
        buf_puts(&b, ";headlines");
    return buf_steal(&b);
}

/* One voice at a time: before playing in the foreground, a background player (the daemon)
 * of this user that is playing is paused, saying so in one line. */
static void pause_background(const struct opts *o)
{
    if (ctl_client_pause_playing() && !o->quiet) {
        printf("%s\n", _("The background player was paused; 'docbao resume' continues it."));
        fflush(stdout);
    }
}

/* Runs the player until it finishes: keys from standard input, status lines to standard
 * output. Returns the exit status. */
static int run_player(const struct opts *o, struct player *pl)
{
    int tty = keys_raw(STDIN_FILENO) == 0;
    int stdin_open = 1;
    char pending[64];
    size_t npending = 0;
    pause_background(o);
    if (player_start(pl) < 0) {
        keys_restore();
        err_line(_("the player could not start."));
        return EXIT_RUNTIME;
    }
    int quit_sent = 0;
    while (!player_finished(pl)) {
        if (interrupted && !quit_sent) {
            player_command(pl, "quit", NULL);
            quit_sent = 1;
        }
        struct pollfd fds[2] = {
            {.fd = player_event_fd(pl), .events = POLLIN},
            {.fd = stdin_open ? STDIN_FILENO : -1, .events = POLLIN},
        };
        if (poll(fds, 2, 200) < 0)
            continue;
        if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t r = read(STDIN_FILENO, pending + npending, sizeof(pending) - npending);
            if (r <= 0) {
                stdin_open = 0;
            } else {
                npending += (size_t)r;
                const struct cmd *cmds[32];
                size_t used = keys_decode(pending, npending, cmds, 32);
                memmove(pending, pending + used, npending - used);
                npending -= used;
                if (npending == sizeof(pending))
                    npending = 0;
                for (size_t i = 0; cmds[i]; i++)
                    player_command(pl, cmds[i]->name, NULL);
            }
        }
        char *line;
        while ((line = player_next_event(pl))) {
            if (!o->quiet) {
                fprintf(stdout, "%s\n", line);
                fflush(stdout);
            }
            free(line);
        }
    }
    char *line;
    while ((line = player_next_event(pl))) {
        if (!o->quiet)
            printf("%s\n", line);
        free(line);
    }
    (void)tty;
    int rc = player_free(pl);
    keys_restore();
    if (rc < 0) {
        err_line(_("the audio output failed; the rest was not read."));
        return EXIT_RUNTIME;
    }
    return interrupted ? 130 : 0;
}

/* Opens a player on the selection and runs it. */
static int listen_interactive(const struct opts *o, struct news *news, struct cache *cache)
{
    char *key = place_key(o);
    struct player_opts po = {
        .voice = o->voice,
        .speed = o->speed,
        .dialect = o->dialect,
        .out_driver = o->output,
        .headlines = o->headlines,
        .sleep_minutes = o->sleep_minutes,
        .place_key = key,
        .quit_at_end = 1,
        .verbose = o->verbose,
    };
    char *url = NULL;
    int sentence = 0;
    if (cache && cache_place_load(cache, key, &url, &sentence) == 0 && url) {
        for (size_t i = 0; i < news_count(news); i++)
            if (strcmp(news_story(news, i)->url, url) == 0) {
                po.start_story = i;
                po.start_sentence = sentence > 0 ? (size_t)sentence : 0;
                if (!o->quiet)
                    printf(_("Continuing: %s\n"), news_story(news, i)->title);
                break;
            }
    }
    free(url);
    news_prefetch(news);
    struct player_source ps = {
        .ctx = news,
        .count = src_count,
        .title = src_title,
        .url = src_url,
        .site = src_site,
        .article = src_article,
        .heard = src_heard,
    };
    struct player *pl = NULL;
    int rc = player_new(&po, &ps, &pl);
    free(key);
    if (rc < 0) {
        report_audio_error(rc, o);
        return EXIT_RUNTIME;
    }
    return run_player(o, pl);
}

/* Writes the selection as a broadcast bulletin (SPEC §7). */
static int export_news(const struct opts *o, const struct sources *src, struct news *news)
{
    news_prefetch(news);
    size_t n = news_count(news), k = 0;
    struct article **arts = xcalloc(n + 1, sizeof(*arts));
    size_t *index = xcalloc(n + 1, sizeof(*index));
    for (size_t i = 0; i < n && !interrupted; i++)
        if (news_article(news, i, &arts[k]) == 0) {
            add_byline(arts[k]);
            index[k++] = i;
        }
    int st = 0;
    if (interrupted) {
        st = 130;
    } else if (k == 0) {
        err_line(_("none of the stories could be read."));
        st = EXIT_RUNTIME;
    } else {
        int to_stdout = strcmp(o->export_path, "-") == 0;
        struct export_job job = {
            .articles = arts,
            .narticles = k,
            .category = sources_category_name(src, o->category),
            .intro = o->no_intro ? "" : o->intro,
            .outro = o->outro,
            .no_intro = o->no_intro,
            .headlines_only = o->headlines_only,
            .voice = o->voice,
            .speed = o->speed,
            .dialect = o->dialect,
            .rate = o->rate,
            .loudness = o->loudness,
            .path = o->export_path,
            .log = o->quiet ? NULL : (to_stdout ? stderr : stdout),
            .interrupted = &interrupted,
        };
        /* a bulletin never marks its stories heard: heard is the listener's */
        int rc = export_bulletin(&job);
        if (rc == 0) {
        } else if (interrupted) {
            st = 130;
        } else {
            st = rc == DB_EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
            if (rc == DB_ENOVOICE)
                report_audio_error(rc, o);
            else if (rc == DB_ENOSPC)
                no_space(o->export_path, 1);
            else if (rc == DB_EINVAL)
                err_line(_("the bulletin options are not valid: --rate takes 48000 or 44100, "
                           "--loudness a level from -60 to -5 LUFS."));
            else
                err_line(_("cannot write the bulletin %s: %s. Check that the folder exists "
                           "and is writable."),
                         o->export_path, db_strerror(rc));
        }
    }
    for (size_t i = 0; i < k; i++)
        article_free(arts[i]);
    free(arts);
    free(index);
    return st;
}

/* ---- the daemon ------------------------------------------------------------------------- */

/* A player source over articles already loaded (docbao read, the daemon's "play URL"). */
struct list_src {
    struct article **arts;
    size_t n;
};

static size_t list_count(void *ctx)
{
    return ((struct list_src *)ctx)->n;
}

static const char *list_title(void *ctx, size_t i)
{
    struct list_src *l = ctx;
    return i < l->n ? (l->arts[i]->title ? l->arts[i]->title : "") : NULL;
}

static const char *list_url(void *ctx, size_t i)
{
    struct list_src *l = ctx;
    return i < l->n ? l->arts[i]->url : NULL;
}

static const char *list_site(void *ctx, size_t i)
{
    struct list_src *l = ctx;
    return i < l->n ? l->arts[i]->site : NULL;
}

static int list_article(void *ctx, size_t i, struct article **out)
{
    struct list_src *l = ctx;
    if (i >= l->n)
        return DB_EINVAL;
    *out = article_dup(l->arts[i]);
    return 0;
}

static void list_free(struct list_src *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        article_free(l->arts[i]);
    free(l->arts);
    free(l);
}

/* docbao read with a keyboard: the player over the loaded articles (it takes them). */
static int read_interactive(const struct opts *o, struct article **arts, size_t n)
{
    struct list_src *l = xcalloc(1, sizeof(*l));
    l->arts = xcalloc(n, sizeof(*l->arts));
    memcpy(l->arts, arts, n * sizeof(*arts));
    l->n = n;
    struct player_opts po = {
        .voice = o->voice,
        .speed = o->speed,
        .dialect = o->dialect,
        .out_driver = o->output,
        .quit_at_end = 1,
        .verbose = o->verbose,
        .sleep_minutes = o->sleep_minutes,
    };
    struct player_source ps = {l, list_count, list_title, list_url, list_site, list_article,
                               NULL};
    struct player *pl = NULL;
    int rc = player_new(&po, &ps, &pl);
    int st;
    if (rc < 0) {
        report_audio_error(rc, o);
        st = EXIT_RUNTIME;
    } else {
        st = run_player(o, pl);
    }
    list_free(l);
    return st;
}

/* What the daemon is playing from: news for a selection, or loaded articles. */
struct daemon_queue {
    struct sources *src;
    struct cache *cache;
    struct news *news;
    struct list_src *list;
    struct opts sel;          /* the selection (category, sites, limit) */
    char *category;
    char **sites;
};

static void queue_clear(struct daemon_queue *q)
{
    news_free(q->news);
    cache_free(q->cache);
    sources_free(q->src);
    list_free(q->list);
    free(q->category);
    for (size_t i = 0; q->sites && q->sites[i]; i++)
        free(q->sites[i]);
    free(q->sites);
    memset(q, 0, sizeof(*q));
}

/* Starts a player on q at wi's place (or the saved one), paused when wi asks; prints errors
 * itself. */
static struct player *daemon_player(const struct opts *o, struct daemon_queue *q,
                                    const struct worker_init *wi, int *err)
{
    struct player_opts po = {
        .voice = o->voice,
        .speed = wi->speed >= 0.5 && wi->speed <= 4.0 ? wi->speed : o->speed,
        .dialect = o->dialect,
        .out_driver = o->output,
        .quit_at_end = 0,
        .start_paused = wi->paused,
        .refetched = wi->refetch,
    };
    struct player_source ps;
    char *key = NULL;
    char *url = NULL;
    int sentence = 0;
    if (q->list) {
        ps = (struct player_source){q->list, list_count, list_title, list_url, list_site,
                                    list_article, NULL};
        for (size_t i = 0; wi->at && i < q->list->n; i++)
            if (q->list->arts[i]->url && strcmp(q->list->arts[i]->url, wi->at) == 0) {
                po.start_story = i;
                po.start_sentence = (size_t)wi->sentence;
            }
    } else {
        ps = (struct player_source){q->news, src_count,   src_title, src_url,
                                    src_site, src_article, src_heard};
        key = place_key(&q->sel);
        po.place_key = key;
        if (wi->at) {
            url = xstrdup(wi->at);
            sentence = (int)wi->sentence;
        } else if (q->cache) {
            cache_place_load(q->cache, key, &url, &sentence);
        }
        for (size_t i = 0; url && i < news_count(q->news); i++)
            if (strcmp(news_story(q->news, i)->url, url) == 0) {
                po.start_story = i;
                po.start_sentence = sentence > 0 ? (size_t)sentence : 0;
            }
        free(url);
        news_prefetch(q->news);
    }
    if (wi->at_end) { /* the worker before had read the list to its end: so has this one */
        po.start_story = ps.count(ps.ctx);
        po.start_sentence = 0;
    }
    struct player *pl = NULL;
    int rc = player_new(&po, &ps, &pl);
    free(key);
    if (rc < 0) {
        report_audio_error(rc, o);
        *err = rc;
        return NULL;
    }
    if ((rc = player_start(pl)) < 0) {
        player_free(pl);
        *err = rc;
        return NULL;
    }
    return pl;
}

/* Loads the news for q->sel into q (the daemon keeps running when nothing can be had); with
 * saved, the stories the last fetch saved when there are any (news.h saved_first). Returns
 * 0, or an error with a one-line English reason in why (for the client that asked). */
static int daemon_load(struct daemon_queue *q, int saved, char *why, size_t whysize)
{
    q->src = load_sources(&q->sel);
    if (!q->src) {
        snprintf(why, whysize, "the sources file cannot be used");
        return DB_EFORMAT;
    }
    if (check_selection(&q->sel, q->src) != 0) {
        snprintf(why, whysize, "no site has the category '%s' (see 'docbao categories')",
                 q->sel.category);
        return DB_EINVAL;
    }
    q->cache = open_cache();
    struct news_opts no;
    fill_news_opts(&q->sel, &no, 1500);
    no.saved_first = saved;
    int rc = news_new(q->src, q->cache, &no, &q->news);
    if (rc == 0 && (rc = news_load(q->news)) < 0) {
        err_line(_("no news could be fetched and none is saved: check your network connection "
                   "and try again."));
        snprintf(why, whysize, "no news could be fetched for '%s' and none is saved",
                 q->sel.category);
        return rc;
    }
    if (rc < 0) {
        snprintf(why, whysize, "the news for '%s' cannot be loaded: %s", q->sel.category,
                 db_strerror(rc));
        return rc;
    }
    if (news_count(q->news) == 0) {
        struct news_left left;
        news_left_out(q->news, &left);
        empty_reason(&q->sel, sources_category_name(q->src, q->sel.category),
                     news_offline(q->news), &left, why, whysize);
        return DB_EEMPTY;
    }
    return 0;
}

/* docbao daemon: becomes docbaod (the control socket and MPRIS, without the speech and sound
 * libraries), which runs the player in `docbao __worker` processes with these same options.
 * argv is main's, permuted by getopt: argv[cmd_index] is "daemon". */
static int cmd_daemon(const struct opts *o, int argc, char **argv, int cmd_index)
{
    const char *self = paths_exe(), *dir = paths_exe_dir();
    char exe[PATH_MAX + 32];
    if (!self || !dir) {
        err_line(_("cannot find the docbao program itself (/proc/self/exe)."));
        return EXIT_RUNTIME;
    }
    /* next to docbao (a build tree), under ../lib/docbao (an installed or unpacked tree), or
     * where make install put it */
    snprintf(exe, sizeof(exe), "%s/docbaod", dir);
    if (access(exe, X_OK) != 0)
        snprintf(exe, sizeof(exe), "%s/../lib/docbao/docbaod", dir);
    if (access(exe, X_OK) != 0)
        snprintf(exe, sizeof(exe), "%s", DOCBAO_LIBEXECDIR "/docbaod");
    char **args = xcalloc((size_t)argc + 8, sizeof(*args));
    size_t k = 0;
    args[k++] = exe;
    if (o->quiet)
        args[k++] = "-q";
    args[k++] = "--";
    args[k++] = (char *)self;
    for (int i = 1; i < argc; i++)
        args[k++] = i == cmd_index ? "__worker" : argv[i];
    args[k] = NULL;
    fflush(stdout);
    execv(exe, args);
    err_line(_("cannot start the daemon %s: %s. Reinstall docbao."), exe, strerror(errno));
    free(args);
    return EXIT_RUNTIME;
}

/* docbao __worker: the daemon's player (worker.h). Loads the queue the daemon asks for, plays
 * it and serves the daemon's commands until it quits, goes away or there is nothing to play
 * for a while; the place is saved on the way out. */
static int cmd_worker(const struct opts *o)
{
    /* like the daemon: a closed stdout (status lines) or socket is an error, not a death */
    signal(SIGPIPE, SIG_IGN);
    struct worker_init wi;
    if (worker_read_init(WORKER_FD, &wi) < 0) {
        err_line(_("docbao __worker is started by the daemon; run 'docbao daemon' instead."));
        return EXIT_USAGE;
    }
    struct daemon_queue q;
    memset(&q, 0, sizeof(q));
    q.sel = *o;
    char why[512] = "";
    int lrc = 0;
    if (wi.url) {
        struct article *a = NULL;
        q.list = xcalloc(1, sizeof(*q.list));
        if ((lrc = load_article(o, wi.url, &a)) == 0) {
            q.list->arts = xcalloc(1, sizeof(*q.list->arts));
            q.list->arts[0] = a;
            q.list->n = 1;
        } else {
            snprintf(why, sizeof(why), "cannot read %s: %s", wi.url,
                     db_strerror(lrc < 0 ? lrc : DB_EIO));
        }
    } else {
        if (wi.category) {
            q.category = xstrdup(wi.category);
            q.sel.category = q.category;
        }
        if (wi.sources) {
            q.sites = split_list(wi.sources);
            q.sel.sites = q.sites;
        }
        if (wi.limit > 0)
            q.sel.limit = (size_t)wi.limit;
        lrc = daemon_load(&q, wi.saved, why, sizeof(why));
        if (!q.news) /* no usable selection: an empty list, waiting for "queue" or "play" */
            q.list = xcalloc(1, sizeof(*q.list));
    }
    if (wi.strict && lrc < 0) {
        /* a client's new queue that cannot be had: the daemon keeps the one before */
        worker_send_failed(WORKER_FD, why);
        queue_clear(&q);
        worker_init_clear(&wi);
        return WORKER_EXIT_ERR - (lrc < 0 ? lrc : DB_EIO);
    }
    int err = DB_EIO;
    struct player *pl = daemon_player(o, &q, &wi, &err);
    int st = WORKER_EXIT_ERR - err; /* the daemon tells the client what failed */
    if (pl) {
        enum worker_end how = worker_serve(WORKER_FD, pl, o->quiet, -1, &interrupted);
        st = player_free(pl) < 0 ? EXIT_RUNTIME : 0;
        worker_send_end(WORKER_FD, how);
    }
    queue_clear(&q);
    worker_init_clear(&wi);
    return st;
}

/* docbao --category SLUG: today's stories aloud (or into a file with --export). */
static int cmd_listen(const struct opts *o)
{
    struct sources *src = NULL;
    struct cache *cache = NULL;
    struct news *news = NULL;
    int st = load_news(o, &src, &cache, &news, 1500);
    if (st != 0)
        goto out;
    if (!o->export_path) {
        st = listen_interactive(o, news, cache);
        goto out;
    }
    st = export_news(o, src, news);
out:
    news_free(news);
    cache_free(cache);
    sources_free(src);
    return st;
}

/* docbao config [--print]: the settings file's path, or the effective settings (the file, then
 * the command line) as a config file. */
static int cmd_config(const struct opts *o)
{
    if (!o->print) {
        char path[4096];
        if (config_default_path(path, sizeof(path)) < 0) {
            err_line(_("no settings file: neither XDG_CONFIG_HOME nor HOME is set."));
            return EXIT_RUNTIME;
        }
        printf("%s\n", path);
        return 0;
    }
    struct config eff = {
        .category = (char *)o->category,
        .sites = o->sites,
        .limit = o->limit,
        .voice = (char *)o->voice,
        .speed = o->speed,
        .dialect = o->dialect,
        .headlines = o->headlines,
        .output = (char *)o->output,
        .bulletin = {.rate = o->rate,
                     .loudness = o->loudness,
                     .intro = o->no_intro ? "" : (char *)o->intro,
                     .outro = (char *)o->outro},
    };
    if (config_print(&eff, stdout) < 0) {
        err_line(_("cannot print the settings: %s."), db_strerror(DB_EIO));
        return EXIT_RUNTIME;
    }
    return 0;
}

/* The whole number in s when it lies in lo..hi, else -1. */
static long whole_number(const char *s, long lo, long hi)
{
    char *end;
    long v = strtol(s, &end, 10);
    return end == s || *end || v < lo || v > hi ? -1 : v;
}

/* The commands sent to a running daemon (SPEC §2): status and the command table's rows
 * flagged CMD_CLIENT. */
static int is_client_command(const char *cmd)
{
    const struct cmd *row = cmd_find(cmd);
    return strcmp(cmd, "status") == 0 || (row && (row->flags & CMD_CLIENT));
}

/* The commands of main() that take no arguments (the client commands check their own). */
static int takes_no_args(const char *cmd)
{
    static const char *const names[] = {"list", "categories", "config", "daemon", NULL};
    for (size_t i = 0; names[i]; i++)
        if (strcmp(cmd, names[i]) == 0)
            return 1;
    return 0;
}

/* Splits "a,b,c" into a NULL-terminated array of new strings. */
static char **split_list(const char *s)
{
    size_t n = 1;
    for (const char *p = s; *p; p++)
        n += *p == ',';
    char **v = xcalloc(n + 1, sizeof(*v));
    size_t k = 0;
    const char *p = s;
    while (*p) {
        size_t len = strcspn(p, ",");
        if (len)
            v[k++] = xstrndup(p, len);
        p += len + (p[len] == ',');
    }
    return v;
}

int main(int argc, char **argv)
{
    i18n_init();
    /* Settings: the built-in defaults, then the config file, then the command line. static:
     * o borrows its strings until exit, on every path. */
    static struct config cfg;
    struct strv warnings = STRV_INIT;
    int crc = config_load(NULL, &cfg, &warnings);
    for (size_t i = 0; i < warnings.n; i++)
        err_line("%s", warnings.v[i]);
    strv_free(&warnings);
    if (crc == DB_EFORMAT)
        return EXIT_USAGE;
    struct opts o = {
        .speed = cfg.speed,
        .voice = cfg.voice,
        .dialect = cfg.dialect,
        .category = cfg.category,
        .sites = cfg.sites,
        .limit = cfg.limit,
        .days = cfg.days,
        .headlines = cfg.headlines,
        .output = cfg.output ? cfg.output : "auto",
        .rate = cfg.bulletin.rate,
        .loudness = cfg.bulletin.loudness,
        .intro = cfg.bulletin.intro,
        .outro = cfg.bulletin.outro,
    };
    cfg.sites = NULL; /* o.sites is freed at the end */
    enum {
        OPT_SPEED = 256,
        OPT_VOICE,
        OPT_DIALECT,
        OPT_JSON,
        OPT_SENTENCES,
        OPT_OFFLINE,
        OPT_ALL,
        OPT_SOURCES,
        OPT_HEADLINES,
        OPT_BYLINE,
        OPT_SLEEP,
        OPT_INTRO,
        OPT_OUTRO,
        OPT_NO_INTRO,
        OPT_HEADLINES_ONLY,
        OPT_RATE,
        OPT_LOUDNESS,
        OPT_PRINT,
        OPT_OUTPUT,
        OPT_DAYS,
        OPT_UNHEARD,
        OPT_URL
    };
    static const struct option longopts[] = {
        {"speed", required_argument, NULL, OPT_SPEED},
        {"voice", required_argument, NULL, OPT_VOICE},
        {"export", required_argument, NULL, 'o'},
        {"dialect", required_argument, NULL, OPT_DIALECT},
        {"output", required_argument, NULL, OPT_OUTPUT},
        {"json", no_argument, NULL, OPT_JSON},
        {"sentences", no_argument, NULL, OPT_SENTENCES},
        {"category", required_argument, NULL, 'c'},
        {"source", required_argument, NULL, 's'},
        {"limit", required_argument, NULL, 'n'},
        {"offline", no_argument, NULL, OPT_OFFLINE},
        {"all", no_argument, NULL, OPT_ALL},
        {"days", required_argument, NULL, OPT_DAYS},
        {"unheard", no_argument, NULL, OPT_UNHEARD},
        {"url", required_argument, NULL, OPT_URL},
        {"sources", required_argument, NULL, OPT_SOURCES},
        {"headlines", no_argument, NULL, OPT_HEADLINES},
        {"byline", no_argument, NULL, OPT_BYLINE},
        {"sleep", required_argument, NULL, OPT_SLEEP},
        {"intro", required_argument, NULL, OPT_INTRO},
        {"outro", required_argument, NULL, OPT_OUTRO},
        {"no-intro", no_argument, NULL, OPT_NO_INTRO},
        {"headlines-only", no_argument, NULL, OPT_HEADLINES_ONLY},
        {"rate", required_argument, NULL, OPT_RATE},
        {"loudness", required_argument, NULL, OPT_LOUDNESS},
        {"print", no_argument, NULL, OPT_PRINT},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:c:s:n:qvhV", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_SPEED:
            if (parse_speed(optarg, &o.speed) < 0) {
                err_line(_("--speed takes a number from 0.5 to 4.0 (1.0 is normal), not '%s'."),
                         optarg);
                return EXIT_USAGE;
            }
            break;
        case OPT_VOICE:
            if (!valid_voice(optarg)) {
                err_line(_("--voice takes a Vietnamese eSpeak NG voice: vi, vi-vn-x-central or "
                           "vi-vn-x-south, not '%s'."),
                         optarg);
                return EXIT_USAGE;
            }
            o.voice = optarg;
            break;
        case 'o':
            o.export_path = optarg;
            break;
        case OPT_OUTPUT:
            if (!config_valid_output(optarg)) {
                err_line(_("--output takes auto, alsa, portaudio or speechd, not '%s'."), optarg);
                return EXIT_USAGE;
            }
            o.output = optarg;
            break;
        case OPT_DIALECT:
            if (strcmp(optarg, "north") == 0) {
                o.dialect = NORM_NORTH;
            } else if (strcmp(optarg, "south") == 0) {
                o.dialect = NORM_SOUTH;
            } else {
                err_line(_("--dialect takes north or south, not '%s'."), optarg);
                return EXIT_USAGE;
            }
            break;
        case OPT_JSON:
            o.json = 1;
            break;
        case 'c':
            o.category = optarg;
            o.category_given = 1;
            break;
        case 's':
            for (size_t i = 0; o.sites && o.sites[i]; i++)
                free(o.sites[i]);
            free(o.sites);
            o.sites = split_list(optarg);
            break;
        case 'n': {
            long v = whole_number(optarg, 1, 10000);
            if (v < 0) {
                err_line(_("--limit takes a whole number from 1 to 10000, not '%s'."), optarg);
                return EXIT_USAGE;
            }
            o.limit = (size_t)v;
            break;
        }
        case OPT_OFFLINE:
            o.offline = 1;
            break;
        case OPT_ALL:
            o.all = 1;
            break;
        case OPT_UNHEARD:
            o.unheard = 1;
            break;
        case OPT_URL:
            if (!fetch_is_url(optarg)) {
                err_line(_("--url takes the http or https address the page came from, not '%s'."),
                         optarg);
                return EXIT_USAGE;
            }
            o.page_url = optarg;
            break;
        case OPT_DAYS: {
            long v = whole_number(optarg, 0, CONFIG_MAX_DAYS);
            if (v < 0) {
                err_line(_("--days takes a whole number of days from 0 (no limit) to 3650, not "
                           "'%s'."),
                         optarg);
                return EXIT_USAGE;
            }
            o.days = (int)v;
            break;
        }
        case OPT_SOURCES:
            o.sources_path = optarg;
            break;
        case OPT_HEADLINES:
            o.headlines = 1;
            break;
        case OPT_BYLINE:
            speak_byline = 1;
            break;
        case OPT_INTRO:
            o.intro = optarg;
            break;
        case OPT_OUTRO:
            o.outro = optarg;
            break;
        case OPT_NO_INTRO:
            o.no_intro = 1;
            break;
        case OPT_HEADLINES_ONLY:
            o.headlines_only = 1;
            break;
        case OPT_RATE:
            o.rate = atoi(optarg);
            if (o.rate != 48000 && o.rate != 44100) {
                err_line(_("--rate takes 48000 or 44100, not '%s'."), optarg);
                return EXIT_USAGE;
            }
            break;
        case OPT_LOUDNESS: {
            char *end;
            o.loudness = strtod(optarg, &end);
            if (end == optarg || *end || !(o.loudness >= -60 && o.loudness <= -5)) {
                err_line(_("--loudness takes a level in LUFS from -60 to -5 (e.g. -23), not "
                           "'%s'."),
                         optarg);
                return EXIT_USAGE;
            }
            break;
        }
        case OPT_SLEEP: {
            long v = whole_number(optarg, 1, 1440);
            if (v < 0) {
                err_line(_("--sleep takes minutes, a whole number from 1 to 1440, not '%s'."),
                         optarg);
                return EXIT_USAGE;
            }
            o.sleep_minutes = (int)v;
            break;
        }
        case OPT_PRINT:
            o.print = 1;
            break;
        case OPT_SENTENCES:
            o.sentences = 1;
            break;
        case 'q':
            o.quiet = 1;
            break;
        case 'v':
            o.verbose = 1;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case 'V':
            printf("docbao %s (%s, %s, %s)\n", DOCBAO_VERSION, tts_version(), out_version(),
                   fetch_version());
            return 0;
        case ':':
            err_line(_("option '%s' needs a value. Try 'docbao --help'."), argv[optind - 1]);
            return EXIT_USAGE;
        default:
            err_line(_("unknown option '%s'. Try 'docbao --help'."), argv[optind - 1]);
            return EXIT_USAGE;
        }
    }
    if (!o.category)
        o.category = DEFAULT_CATEGORY;
    const char *cmd = optind < argc ? argv[optind] : NULL;
    int cargc = argc - optind - 1;
    char **cargv = argv + optind + 1;
    if (cmd && cargc > 0 && takes_no_args(cmd)) {
        err_line(_("%s takes no arguments, but '%s' was given. Try 'docbao --help'."), cmd,
                 cargv[0]);
        return EXIT_USAGE;
    }
    /* audio on standard output, never into a terminal */
    if (o.export_path && strcmp(o.export_path, "-") == 0 && (!cmd || strcmp(cmd, "read") == 0) &&
        isatty(STDOUT_FILENO)) {
        err_line(_("refusing to write audio to the terminal: redirect it, e.g. -o - > file.wav."));
        return EXIT_USAGE;
    }

    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);

    int status;
    /* playing to the sound card: start the sound system now, in parallel with the rest */
    if (!o.export_path && (!cmd || strcmp(cmd, "read") == 0 || strcmp(cmd, "__worker") == 0))
        out_prepare(o.output);
    if (!cmd) {
        status = cmd_listen(&o);
    } else if (strcmp(cmd, "list") == 0) {
        status = cmd_list(&o, cargc);
    } else if (strcmp(cmd, "daemon") == 0) {
        status = cmd_daemon(&o, argc, argv, optind);
    } else if (strcmp(cmd, "__worker") == 0) {
        status = cmd_worker(&o);
    } else if (is_client_command(cmd)) {
        status = ctl_client_run(argc - optind, argv + optind, o.json);
    } else if (strcmp(cmd, "categories") == 0) {
        status = cmd_categories(&o);
    } else if (strcmp(cmd, "sources") == 0) {
        status = cmd_sources(&o, cargc, cargv);
    } else if (strcmp(cmd, "read") == 0) {
        status = cmd_read(&o, cargc, cargv);
    } else if (strcmp(cmd, "text") == 0) {
        status = cmd_text(&o, cargc, cargv);
    } else if (strcmp(cmd, "config") == 0) {
        status = cmd_config(&o);
    } else if (strcmp(cmd, "extract") == 0) {
        status = cmd_extract(&o, cargc, cargv);
    } else {
        err_line(_("unknown command '%s'. Try 'docbao --help'."), cmd);
        status = EXIT_USAGE;
    }
    fetch_global_cleanup();
    for (size_t i = 0; o.sites && o.sites[i]; i++)
        free(o.sites[i]);
    free(o.sites);
    config_free(&cfg);
    return status;
}
