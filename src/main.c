/*
 * main.c — docbao's command line: parses options, picks a mode and runs it.
 *
 * Modes so far: read (articles aloud or to a file), text (the front end's output),
 * extract (the article text). Exit status: 0 done, 1 runtime failure, 2 bad usage.
 */
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "docbao/article.h"
#include "docbao/err.h"
#include "docbao/extract.h"
#include "docbao/fetch.h"
#include "docbao/i18n.h"
#include "docbao/normalize.h"
#include "docbao/out.h"
#include "docbao/paths.h"
#include "docbao/segment.h"
#include "docbao/speak.h"
#include "docbao/tts.h"
#include "docbao/utf8.h"
#include "docbao/util.h"

enum { EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

struct opts {
    double speed;
    const char *voice;
    const char *export_path;
    enum norm_dialect dialect;
    int quiet;
    int verbose;
    int json;
    int sentences;
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

static void err_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void err_line(const char *fmt, ...)
{
    va_list ap;
    fputs("docbao: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static void usage(FILE *f)
{
    fputs(_("Usage: docbao COMMAND [OPTIONS] [ARGS]\n"
            "Reads Vietnamese news aloud.\n"
            "\n"
            "Commands:\n"
            "  read URL|FILE...          read the given article(s) aloud (HTML page or text)\n"
            "  text [--sentences] [FILE|-]\n"
            "                            print the text as it will be spoken, one sentence a\n"
            "                            line (--sentences: split only, no normalization)\n"
            "  extract URL|FILE [--json] print the extracted article: title, blank line, one\n"
            "                            paragraph a line; --json: a JSON object\n"
            "\n"
            "Options:\n"
            "      --speed X             speaking speed, 0.5 .. 4.0 (1.0 = normal)\n"
            "      --voice NAME          eSpeak NG Vietnamese voice: vi, vi-vn-x-central,\n"
            "                            vi-vn-x-south\n"
            "  -o, --export FILE         write the speech to FILE (WAV; FLAC/OGG by extension;\n"
            "                            - for standard output) instead of playing it\n"
            "      --dialect north|south number words: nghìn/linh (north) or ngàn/lẻ (south)\n"
            "  -q, --quiet               no status lines\n"
            "  -v, --verbose             also print each sentence as it is spoken\n"
            "  -h, --help                show this help\n"
            "  -V, --version             show the version\n"
            "\n"
            "Exit status: 0 done, 1 runtime failure, 2 bad usage.\n"),
          f);
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

/* Loads one argument (URL or file) as an article. Prints the error line itself. */
static int load_article(const char *arg, struct article **out)
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
        html = (res.content_type && (strncasecmp(res.content_type, "text/html", 9) == 0 ||
                                 strncasecmp(res.content_type, "application/xhtml", 17) == 0)) ||
               extract_is_html(body.data ? body.data : "", body.len);
        fetch_result_free(&res);
    } else if (strstr(arg, "://")) {
        err_line(_("cannot read %s: only http and https addresses are supported."), arg);
        return DB_ESCHEME;
    } else {
        rc = read_file(arg, EXTRACT_MAX_INPUT, &body);
        if (rc == DB_ENOENT) {
            err_line(_("cannot read %s: no such file. Check the name and try again."), arg);
            return rc;
        }
        if (rc == DB_ETOOBIG) {
            err_line(_("cannot read %s: it is larger than %u MB, the most docbao reads."), arg,
                     EXTRACT_MAX_INPUT / (1024 * 1024));
            return rc;
        }
        if (rc < 0) {
            err_line(_("cannot read %s: %s."), arg, db_strerror(rc));
            return rc;
        }
        const char *dot = strrchr(arg, '.');
        html = (dot && (strcasecmp(dot, ".html") == 0 || strcasecmp(dot, ".htm") == 0)) ||
               extract_is_html(buf_str(&body), body.len);
        if (strcmp(arg, "-") == 0)
            name = _("standard input");
    }
    if (body.len == 0) {
        err_line(_("%s is empty: there is nothing to read."), name);
        buf_free(&body);
        return DB_EEMPTY;
    }
    if (html)
        rc = extract_html(buf_str(&body), body.len, arg, out);
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
        if (load_article(argv[i], &arts[n]) == 0)
            n++;
        else
            failed = 1;
    }
    struct tts *tts = NULL;
    struct normalizer *nz = NULL;
    struct out *out = NULL;
    if (n == 0) {
        status = EXIT_RUNTIME;
        goto out;
    }
    struct tts_opts to = {.voice = o->voice, .speed = o->speed};
    int rc = tts_open(NULL, &to, &tts);
    if (rc == DB_ENOVOICE) {
        err_line(_("the voice '%s' is not installed. Install the espeak-ng-data package, or "
                   "choose vi, vi-vn-x-central or vi-vn-x-south."),
                 o->voice);
        status = EXIT_RUNTIME;
        goto out;
    } else if (rc < 0) {
        err_line(_("the speech synthesizer eSpeak NG could not start. Check that espeak-ng-data "
                   "is installed."));
        status = EXIT_RUNTIME;
        goto out;
    }
    normalizer_new(NULL, o->dialect, &nz);
    rc = out_open(o->export_path ? "file" : "portaudio", tts_sample_rate(tts), o->export_path,
                  &out);
    if (rc == DB_ENODEV) {
        err_line(_("no audio output device found. Connect speakers or headphones, or write the "
                   "speech to a file with --export FILE.wav."));
        status = EXIT_RUNTIME;
        goto out;
    } else if (rc < 0) {
        err_line(_("cannot write %s: check that the folder exists and is writable."),
                 o->export_path ? o->export_path : "audio");
        status = EXIT_RUNTIME;
        goto out;
    }
    int export_stdout = o->export_path && strcmp(o->export_path, "-") == 0;
    struct speak_ctx ctx = {
        .tts = tts,
        .nz = nz,
        .out = out,
        .log = o->quiet ? NULL : (export_stdout ? stderr : stdout),
        .verbose = o->verbose,
    };
    for (size_t i = 0; i < n && !interrupted; i++) {
        rc = speak_article(&ctx, arts[i], i + 1, n);
        if (rc < 0)
            break;
    }
    if (interrupted) {
        out_abort(out);
        out = NULL;
        status = 130;
        goto out;
    }
    if (rc < 0) {
        err_line(rc == DB_ETTS ? _("speech synthesis failed; the rest was not read.")
                               : _("the audio output failed; the rest was not read."));
        out_abort(out);
        out = NULL;
        status = EXIT_RUNTIME;
        goto out;
    }
    rc = out_close(out);
    out = NULL;
    if (rc < 0) {
        err_line(_("cannot finish writing %s: the disk may be full."),
                 o->export_path ? o->export_path : "audio");
        status = EXIT_RUNTIME;
    } else if (failed) {
        status = EXIT_RUNTIME;
    }
out:
    out_abort(out);
    normalizer_free(nz);
    tts_close(tts);
    for (size_t i = 0; i < n; i++)
        article_free(arts[i]);
    free(arts);
    return status;
}

static int cmd_text(const struct opts *o, int argc, char **argv)
{
    if (argc > 1) {
        err_line(_("text takes at most one FILE. Try 'docbao --help'."));
        return EXIT_USAGE;
    }
    const char *path = argc ? argv[0] : "-";
    struct buf in = BUF_INIT;
    int rc = read_file(path, 256u * 1024 * 1024, &in);
    if (rc < 0) {
        err_line(rc == DB_ENOENT ? _("cannot read %s: no such file. Check the name and try "
                                     "again.")
                                 : _("cannot read %s: %s."),
                 path, db_strerror(rc));
        return EXIT_RUNTIME;
    }
    char *text = utf8_clean(buf_str(&in), in.len);
    buf_free(&in);
    struct strv sents = STRV_INIT;
    segment_split(text, strlen(text), &sents);
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
    if (argc != 1) {
        err_line(_("extract takes one URL or FILE. Try 'docbao --help'."));
        return EXIT_USAGE;
    }
    struct article *a = NULL;
    if (load_article(argv[0], &a) < 0)
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

int main(int argc, char **argv)
{
    i18n_init();
    struct opts o = {.speed = 1.0, .voice = "vi", .dialect = NORM_NORTH};
    enum { OPT_SPEED = 256, OPT_VOICE, OPT_DIALECT, OPT_JSON, OPT_SENTENCES };
    static const struct option longopts[] = {
        {"speed", required_argument, NULL, OPT_SPEED},
        {"voice", required_argument, NULL, OPT_VOICE},
        {"export", required_argument, NULL, 'o'},
        {"dialect", required_argument, NULL, OPT_DIALECT},
        {"json", no_argument, NULL, OPT_JSON},
        {"sentences", no_argument, NULL, OPT_SENTENCES},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:qvhV", longopts, NULL)) != -1) {
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
            printf("docbao %s\n", DOCBAO_VERSION);
            return 0;
        case ':':
            err_line(_("option '%s' needs a value. Try 'docbao --help'."), argv[optind - 1]);
            return EXIT_USAGE;
        default:
            err_line(_("unknown option '%s'. Try 'docbao --help'."), argv[optind - 1]);
            return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[optind];
    int cargc = argc - optind - 1;
    char **cargv = argv + optind + 1;

    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);

    int status;
    if (strcmp(cmd, "read") == 0) {
        fetch_global_init();
        status = cmd_read(&o, cargc, cargv);
        fetch_global_cleanup();
    } else if (strcmp(cmd, "text") == 0) {
        status = cmd_text(&o, cargc, cargv);
    } else if (strcmp(cmd, "extract") == 0) {
        fetch_global_init();
        status = cmd_extract(&o, cargc, cargv);
        fetch_global_cleanup();
    } else {
        err_line(_("unknown command '%s'. Try 'docbao --help'."), cmd);
        status = EXIT_USAGE;
    }
    return status;
}
