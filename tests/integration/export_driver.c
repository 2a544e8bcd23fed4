/*
 * export_driver.c — a tiny front end to export_bulletin() for tests/integration/
 * test_export.py and tests/bench/bench_export.py, until docbao's --export is wired to it.
 *
 *   export_driver [options] STORIES.txt OUT
 *     --category NAME  --intro TEXT  --outro TEXT  --no-intro  --headlines-only
 *     --rate HZ  --loudness LUFS  --speed X  --voice NAME  --workers N  --date EPOCH
 *     --stories N      use the first N stories, cycling through the file when N is larger
 *     --text           print the normalized sentences (intro, stories, outro) one per line
 *                      to OUT instead of exporting: what espeak-ng would be given
 *
 * STORIES.txt: a line "## title" starts a story, each following non-empty line is a
 * paragraph, lines starting with "# " are comments. Status lines go to standard error when
 * OUT is "-", else to standard output. SIGINT/SIGTERM interrupt the export. Exit status 0 on
 * success, 1 with a message on standard error otherwise.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docbao/article.h"
#include "docbao/err.h"
#include "docbao/export.h"
#include "docbao/normalize.h"
#include "docbao/script.h"
#include "docbao/speak.h"
#include "docbao/util.h"

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* The spoken text of the bulletin, one sentence a line, as the workers speak it. */
static int print_text(const struct export_job *job, const char *out)
{
    struct normalizer *nz;
    if (normalizer_new(NULL, job->dialect, &nz) < 0)
        return DB_EIO;
    FILE *f = fopen(out, "w");
    if (!f) {
        normalizer_free(nz);
        return DB_EIO;
    }
    char intro[512];
    export_default_intro(job->category, job->date, intro, sizeof(intro));
    struct script sc = SCRIPT_INIT;
    script_text(nz, intro, 0, &sc);
    for (size_t i = 0; i < job->narticles; i++)
        script_story(nz, job->articles[i], NULL, job->headlines_only ? SCRIPT_HEADLINE : 0, &sc);
    script_text(nz, "Kết thúc bản tin.", 0, &sc);
    for (size_t i = 0; i < sc.n; i++)
        if (sc.v[i].kind == CUE_SAY)
            fprintf(f, "%s\n", sc.v[i].text);
    script_free(&sc);
    normalizer_free(nz);
    return fclose(f) == 0 ? 0 : DB_EIO;
}

static size_t load(const char *path, struct article ***out)
{
    struct buf b = BUF_INIT;
    if (read_file(path, 1 << 24, &b) < 0)
        return 0;
    char *text = buf_steal(&b);
    struct article **v = NULL;
    size_t n = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "## ", 3) == 0) {
            v = xrealloc(v, (n + 1) * sizeof(*v));
            v[n] = article_new();
            article_set(&v[n]->title, line + 3);
            n++;
        } else if (line[0] == '#') {
            continue;
        } else if (n) {
            article_add_para(v[n - 1], line, strlen(line));
        }
    }
    free(text);
    *out = v;
    return n;
}

int main(int argc, char **argv)
{
    struct export_job job;
    memset(&job, 0, sizeof(job));
    long want = 0;
    int text = 0;
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(o, "--no-intro") == 0) {
            job.no_intro = 1;
            continue;
        }
        if (strcmp(o, "--text") == 0) {
            text = 1;
            continue;
        }
        if (strcmp(o, "--headlines-only") == 0) {
            job.headlines_only = 1;
            continue;
        }
        if (!v) {
            fprintf(stderr, "export_driver: %s needs a value\n", o);
            return 2;
        }
        i++;
        if (strcmp(o, "--category") == 0)
            job.category = v;
        else if (strcmp(o, "--intro") == 0)
            job.intro = v;
        else if (strcmp(o, "--outro") == 0)
            job.outro = v;
        else if (strcmp(o, "--rate") == 0)
            job.rate = atoi(v);
        else if (strcmp(o, "--loudness") == 0)
            job.loudness = atof(v);
        else if (strcmp(o, "--speed") == 0)
            job.speed = atof(v);
        else if (strcmp(o, "--voice") == 0)
            job.voice = v;
        else if (strcmp(o, "--workers") == 0)
            job.workers = atoi(v);
        else if (strcmp(o, "--date") == 0)
            job.date = (time_t)atoll(v);
        else if (strcmp(o, "--stories") == 0)
            want = atol(v);
        else {
            fprintf(stderr, "export_driver: unknown option %s\n", o);
            return 2;
        }
    }
    if (argc - i != 2) {
        fprintf(stderr, "usage: export_driver [options] STORIES.txt OUT\n");
        return 2;
    }
    struct article **all = NULL;
    size_t n = load(argv[i], &all);
    if (!n) {
        fprintf(stderr, "export_driver: no story in %s\n", argv[i]);
        return 1;
    }
    size_t use = want > 0 ? (size_t)want : n;
    struct article **list = xcalloc(use, sizeof(*list));
    for (size_t k = 0; k < use; k++)
        list[k] = all[k % n];

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    job.articles = list;
    job.narticles = use;
    job.path = argv[i + 1];
    job.log = strcmp(job.path, "-") == 0 ? stderr : stdout;
    job.interrupted = &interrupted;
    int rc = text ? print_text(&job, job.path) : export_bulletin(&job);
    if (rc < 0)
        fprintf(stderr, "export_driver: %s\n", interrupted ? "interrupted" : db_strerror(rc));
    for (size_t k = 0; k < n; k++)
        article_free(all[k]);
    free(all);
    free(list);
    return rc < 0 ? 1 : 0;
}
