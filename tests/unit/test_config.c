/*
 * test_config.c — the settings file: defaults, every key, bad values as warnings, broken files
 * as one error, the default path, and --print output that loads back the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "docbao/config.h"
#include "docbao/err.h"
#include "docbao/util.h"
#include "t.h"

/* Parses text; returns the result and leaves the settings in *c and the warnings in *w. */
static int parse(const char *text, struct config *c, struct strv *w)
{
    strv_free(w);
    return config_parse(text, strlen(text), "config.json", c, w);
}

/* Nonzero when some warning contains needle. */
static int warned(const struct strv *w, const char *needle)
{
    for (size_t i = 0; i < w->n; i++)
        if (strstr(w->v[i], needle))
            return 1;
    return 0;
}

static void test_defaults(void)
{
    struct config c;
    struct strv w = STRV_INIT;
    T_INT(parse("{}", &c, &w), 0, "defaults: an empty object loads");
    T_INT((long)w.n, 0, "defaults: no warnings");
    T_STR(c.category, "xa-hoi", "defaults: category xa-hoi");
    T_OK(c.sites == NULL, "defaults: every site");
    T_INT((long)c.limit, 0, "defaults: no limit");
    T_INT(c.days, 3, "defaults: a 3-day story window");
    T_STR(c.voice, "vi", "defaults: voice vi");
    T_OK(c.speed == 1.0, "defaults: speed 1.0");
    T_INT(c.dialect, NORM_NORTH, "defaults: dialect north");
    T_INT(c.headlines, 0, "defaults: not headlines");
    T_OK(c.output == NULL, "defaults: output auto (NULL)");
    T_INT(c.bulletin.rate, 48000, "defaults: 48 kHz");
    T_OK(c.bulletin.loudness == -23.0, "defaults: -23 LUFS");
    T_OK(!c.bulletin.intro && !c.bulletin.outro, "defaults: default intro and outro");
    config_free(&c);
    config_free(NULL);
    T_OK(c.category == NULL, "config_free leaves the struct zeroed");
    strv_free(&w);
}

static void test_every_key(void)
{
    struct config c;
    struct strv w = STRV_INIT;
    const char *text = "{\"category\": \"the-thao\", \"sites\": [\"vnexpress\", \"dantri\"],\n"
                       " \"limit\": 5, \"days\": 7, \"voice\": \"vi-vn-x-south\", \"speed\": 1.25,\n"
                       " \"dialect\": \"south\", \"headlines\": true, \"output\": \"speechd\",\n"
                       " \"bulletin\": {\"rate\": 44100, \"loudness\": -16, "
                       "\"intro\": \"Bản tin sáng\", \"outro\": \"\"}}";
    T_INT(parse(text, &c, &w), 0, "every key: loads");
    T_INT((long)w.n, 0, "every key: no warnings");
    T_STR(c.category, "the-thao", "every key: category");
    T_OK(c.sites && c.sites[0] && c.sites[1] && !c.sites[2], "every key: two sites");
    T_STR(c.sites ? c.sites[1] : NULL, "dantri", "every key: sites in order");
    T_INT((long)c.limit, 5, "every key: limit");
    T_INT(c.days, 7, "every key: days");
    T_STR(c.voice, "vi-vn-x-south", "every key: voice");
    T_OK(c.speed == 1.25, "every key: speed");
    T_INT(c.dialect, NORM_SOUTH, "every key: dialect");
    T_INT(c.headlines, 1, "every key: headlines");
    T_STR(c.output, "speechd", "every key: output");
    T_INT(c.bulletin.rate, 44100, "every key: bulletin rate");
    T_OK(c.bulletin.loudness == -16.0, "every key: bulletin loudness");
    T_STR(c.bulletin.intro, "Bản tin sáng", "every key: bulletin intro (UTF-8)");
    T_STR(c.bulletin.outro, "", "every key: bulletin outro \"\" = none");
    config_free(&c);

    T_INT(parse("{\"sites\": \"tuoitre,nld\", \"speed\": 2}", &c, &w), 0,
          "sites as one string, an integer speed");
    T_STR(c.sites ? c.sites[1] : NULL, "nld", "sites \"a,b\" splits like --source");
    T_OK(c.speed == 2.0, "an integer speed is a number");
    config_free(&c);

    T_INT(parse("{\"category\": null, \"speed\": null, \"bulletin\": null}", &c, &w), 0,
          "null values load");
    T_OK(w.n == 0 && strcmp(c.category, "xa-hoi") == 0 && c.speed == 1.0,
         "null means the default, without a warning");
    config_free(&c);
    strv_free(&w);
}

/* A bad value: the warning names the key, and the default stays. */
struct bad_case {
    const char *json;
    const char *key; /* in the warning */
};

static const struct bad_case bad_cases[] = {
    {"{\"speed\": 0.4}", "\"speed\""},
    {"{\"speed\": 4.5}", "\"speed\""},
    {"{\"speed\": \"fast\"}", "\"speed\""},
    {"{\"dialect\": \"central\"}", "\"dialect\""},
    {"{\"dialect\": 1}", "\"dialect\""},
    {"{\"output\": \"oss\"}", "\"output\""},
    {"{\"output\": true}", "\"output\""},
    {"{\"limit\": 0}", "\"limit\""},
    {"{\"limit\": 2.5}", "\"limit\""},
    {"{\"limit\": \"10\"}", "\"limit\""},
    {"{\"days\": -1}", "\"days\""},
    {"{\"days\": 3651}", "\"days\""},
    {"{\"days\": 1.5}", "\"days\""},
    {"{\"category\": \"Xã hội\"}", "\"category\""},
    {"{\"category\": \"xa-hoi-\"}", "\"category\""},
    {"{\"category\": 3}", "\"category\""},
    {"{\"voice\": \"en\"}", "\"voice\""},
    {"{\"headlines\": \"yes\"}", "\"headlines\""},
    {"{\"sites\": [\"vnexpress\", 3]}", "\"sites\""},
    {"{\"sites\": [\"VnExpress\"]}", "\"VnExpress\""},
    {"{\"sites\": {}}", "\"sites\""},
    {"{\"bulletin\": {\"rate\": 22050}}", "\"bulletin.rate\""},
    {"{\"bulletin\": {\"loudness\": -4}}", "\"bulletin.loudness\""},
    {"{\"bulletin\": {\"loudness\": -61}}", "\"bulletin.loudness\""},
    {"{\"bulletin\": {\"intro\": 5}}", "\"bulletin.intro\""},
    {"{\"bulletin\": 48000}", "\"bulletin\""},
    {"{\"colour\": \"red\"}", "\"colour\""},
    {"{\"bulletin\": {\"gain\": 3}}", "\"bulletin.gain\""},
};

static void test_bad_values(void)
{
    struct config c, d;
    struct strv w = STRV_INIT;
    config_defaults(&d);
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(*bad_cases); i++) {
        const struct bad_case *bc = &bad_cases[i];
        T_INT(parse(bc->json, &c, &w), 0, "bad value is not fatal: %s", bc->json);
        T_OK(w.n == 1 && warned(&w, bc->key) && warned(&w, "config.json"),
             "one warning naming the file and %s: %s [%s]", bc->key, bc->json, w.n ? w.v[0] : "");
        T_OK(strcmp(c.category, d.category) == 0 && c.speed == d.speed && c.limit == d.limit && c.days == d.days &&
                 c.dialect == d.dialect && !c.sites && strcmp(c.voice, d.voice) == 0 &&
                 c.bulletin.rate == d.bulletin.rate && c.bulletin.loudness == d.bulletin.loudness &&
                 !c.bulletin.intro,
             "the default is kept: %s", bc->json);
        config_free(&c);
    }
    /* bad keys do not stop good ones */
    T_INT(parse("{\"speed\": 9, \"foo\": 1, \"dialect\": \"south\", \"limit\": 3}", &c, &w), 0,
          "mixed good and bad keys load");
    T_INT((long)w.n, 2, "mixed: two warnings");
    T_OK(c.dialect == NORM_SOUTH && c.limit == 3 && c.speed == 1.0,
         "mixed: the good keys apply, the bad ones keep their defaults");
    T_OK(warned(&w, "0.5") && warned(&w, "9"), "the warning says the range and the value");
    config_free(&c);
    /* a long bad value is shortened in the warning */
    char big[400];
    snprintf(big, sizeof(big), "{\"voice\": \"%0300d\"}", 0);
    parse(big, &c, &w);
    T_OK(w.n == 1 && strlen(w.v[0]) < 300 && warned(&w, "..."), "a long value is shortened");
    config_free(&c);
    config_free(&d);
    strv_free(&w);
}

static void test_broken(void)
{
    struct config c;
    struct strv w = STRV_INIT;
    const char *broken[] = {"{\"speed\": 1.0,}", "{\"speed\" 1}",        "", "not json", "[1, 2]",
                            "\"xa-hoi\"",        "{\"a\": 1} {\"b\": 2}"};
    for (size_t i = 0; i < sizeof(broken) / sizeof(*broken); i++) {
        T_INT(parse(broken[i], &c, &w), DB_EFORMAT, "not a JSON object: [%s]", broken[i]);
        T_OK(w.n == 1 && warned(&w, "config.json") && warned(&w, "Fix the file"),
             "exactly one clear error line: [%s]", w.n ? w.v[0] : "");
        T_STR(c.category, "xa-hoi", "the defaults stand after an error");
        config_free(&c);
    }
    parse("{\n  \"speed\": 1.0,\n  oops\n}", &c, &w);
    T_OK(w.n == 1 && warned(&w, "line 3"), "the error gives the line [%s]", w.n ? w.v[0] : "");
    config_free(&c);
    strv_free(&w);
}

static void test_files(void)
{
    char dir[] = "/tmp/docbao-test-config-XXXXXX";
    T_OK(mkdtemp(dir) != NULL, "files: a temporary folder");
    char path[512], sub[512];
    struct config c;
    struct strv w = STRV_INIT;

    setenv("XDG_CONFIG_HOME", dir, 1);
    T_INT(config_default_path(path, sizeof(path)), 0, "default path under XDG_CONFIG_HOME");
    snprintf(sub, sizeof(sub), "%s/docbao/config.json", dir);
    T_STR(path, sub, "default path is $XDG_CONFIG_HOME/docbao/config.json");
    T_INT(config_load(NULL, &c, &w), DB_ENOENT, "no file: DB_ENOENT");
    T_OK(w.n == 0 && strcmp(c.category, "xa-hoi") == 0, "no file: defaults, no warning");
    config_free(&c);

    snprintf(sub, sizeof(sub), "%s/docbao", dir);
    T_INT(mkdir(sub, 0700), 0, "files: made the docbao folder");
    FILE *f = fopen(path, "w");
    fputs("{\"category\": \"kinh-te\", \"limit\": 7}\n", f);
    fclose(f);
    T_INT(config_load(NULL, &c, &w), 0, "the default file loads");
    T_OK(strcmp(c.category, "kinh-te") == 0 && c.limit == 7, "the default file's settings");
    config_free(&c);

    T_INT(config_load(sub, &c, &w), DB_EIO, "a folder is not a file: DB_EIO");
    T_OK(w.n == 1 && warned(&w, sub), "a folder: one line naming it");
    config_free(&c);
    strv_free(&w);

    unsetenv("XDG_CONFIG_HOME");
    setenv("HOME", "/home/someone", 1);
    T_INT(config_default_path(path, sizeof(path)), 0, "default path without XDG_CONFIG_HOME");
    T_STR(path, "/home/someone/.config/docbao/config.json", "falls back to ~/.config");
    setenv("XDG_CONFIG_HOME", "", 1);
    config_default_path(path, sizeof(path));
    T_STR(path, "/home/someone/.config/docbao/config.json", "an empty XDG_CONFIG_HOME is unset");
    unsetenv("XDG_CONFIG_HOME");
    unsetenv("HOME");
    T_INT(config_default_path(path, sizeof(path)), DB_ENOENT, "no HOME: no config file");
    T_INT(config_load(NULL, &c, &w), DB_ENOENT, "no HOME: load gives DB_ENOENT");
    config_free(&c);

    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    T_INT(system(cmd), 0, "files: cleaned up");
    strv_free(&w);
}

/* Prints c and loads the text back. */
static void round_trip(const struct config *c, struct config *back, char *text, size_t cap)
{
    FILE *f = fmemopen(text, cap, "w");
    T_INT(config_print(c, f), 0, "print succeeds");
    fclose(f);
    struct strv w = STRV_INIT;
    T_INT(config_parse(text, strlen(text), "printed", back, &w), 0, "the printed text loads");
    T_INT((long)w.n, 0, "the printed text loads without warnings");
    strv_free(&w);
}

static void test_print(void)
{
    char text[4096];
    struct config c, back;
    config_defaults(&c);
    round_trip(&c, &back, text, sizeof(text));
    T_OK(strstr(text, "\"category\": \"xa-hoi\"") && strstr(text, "\"sites\": []") &&
             strstr(text, "\"limit\": null") && strstr(text, "\"speed\": 1.0") &&
             strstr(text, "\"dialect\": \"north\"") && strstr(text, "\"rate\": 48000") &&
             strstr(text, "\"loudness\": -23.0") && strstr(text, "\"intro\": null") &&
             strstr(text, "\"output\": \"auto\""),
         "defaults print as JSON");
    T_OK(text[strlen(text) - 1] == '\n', "the output ends with a newline");
    T_OK(strstr(text, "\"category\"") < strstr(text, "\"bulletin\""), "keys in a fixed order");
    config_free(&back);
    config_free(&c);

    struct strv w = STRV_INIT;
    parse("{\"category\": \"the-gioi\", \"sites\": [\"vov\"], \"limit\": 12, \"speed\": 1.3,"
          " \"voice\": \"vi-vn-x-central\", \"dialect\": \"south\", \"headlines\": true,"
          " \"output\": \"alsa\","
          " \"bulletin\": {\"rate\": 44100, \"loudness\": -16.5, \"intro\": \"Chào \\\"bạn\\\"\","
          " \"outro\": \"\"}}",
          &c, &w);
    round_trip(&c, &back, text, sizeof(text));
    T_OK(strstr(text, "\"speed\": 1.3") != NULL, "speed prints short");
    T_STR(back.category, "the-gioi", "round trip: category");
    T_STR(back.sites ? back.sites[0] : NULL, "vov", "round trip: sites");
    T_INT((long)back.limit, 12, "round trip: limit");
    T_OK(back.speed == c.speed, "round trip: speed");
    T_STR(back.voice, "vi-vn-x-central", "round trip: voice");
    T_INT(back.dialect, NORM_SOUTH, "round trip: dialect");
    T_INT(back.headlines, 1, "round trip: headlines");
    T_STR(back.output, "alsa", "round trip: output");
    T_INT(back.bulletin.rate, 44100, "round trip: rate");
    T_OK(back.bulletin.loudness == -16.5, "round trip: loudness");
    T_STR(back.bulletin.intro, "Chào \"bạn\"", "round trip: intro with quotes");
    T_STR(back.bulletin.outro, "", "round trip: empty outro");
    config_free(&back);
    config_free(&c);
    strv_free(&w);

    /* a struct filled with borrowed pointers (main.c's effective settings) prints too */
    char *sites[] = {"dantri", NULL};
    struct config eff = {.category = "suc-khoe", .sites = sites, .voice = "vi", .speed = 0.5};
    FILE *f = fmemopen(text, sizeof(text), "w");
    T_INT(config_print(&eff, f), 0, "a borrowed struct prints");
    fclose(f);
    T_OK(strstr(text, "\"dantri\"") && strstr(text, "\"rate\": 48000") &&
             strstr(text, "\"loudness\": -23.0"),
         "zero bulletin fields print as their defaults");
}

int main(void)
{
    test_defaults();
    test_every_key();
    test_bad_values();
    test_broken();
    test_files();
    test_print();
    return t_done();
}
