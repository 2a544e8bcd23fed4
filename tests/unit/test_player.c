/*
 * test_player.c — the player's state machine with a null output (no sound card): commands,
 * story and sentence moves, speed, headlines mode, announcements, heard marks, the end; and
 * the speech-dispatcher engine's rate mapping and its failure to open without a server
 * (tests/integration/test_speechd.py drives it against a real speech-dispatcher); and the
 * command table: every row runs, every key reaches its row, the help comes from the rows.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "docbao/article.h"
#include "docbao/cmd.h"
#include "docbao/err.h"
#include "docbao/keys.h"
#include "docbao/player.h"
#include "docbao/speechd.h"
#include "docbao/util.h"
#include "t.h"

#define NSTORIES 3

static const char *titles[NSTORIES] = {
    "Khai trương tuyến xe buýt điện",
    "Hội chợ sách mùa đông",
    "Trường học có thư viện xanh",
};
static int heard[NSTORIES];
/* written by the player's synthesis thread, read by the test's: atomic */
static _Atomic int fetched[NSTORIES];

static size_t f_count(void *ctx)
{
    (void)ctx;
    return NSTORIES;
}

static const char *f_title(void *ctx, size_t i)
{
    (void)ctx;
    return i < NSTORIES ? titles[i] : NULL;
}

static const char *f_url(void *ctx, size_t i)
{
    (void)ctx;
    static char buf[64];
    snprintf(buf, sizeof(buf), "http://127.0.0.1/story%zu.html", i);
    return buf;
}

static const char *f_site(void *ctx, size_t i)
{
    (void)ctx;
    (void)i;
    return "Báo Thử";
}

static int f_article(void *ctx, size_t i, struct article **out)
{
    (void)ctx;
    fetched[i]++;
    struct article *a = article_new();
    article_set(&a->title, titles[i]);
    const char *p = "Đây là câu thứ nhất của bài. Đây là câu thứ hai. Đây là câu thứ ba. "
                    "Câu thứ tư kết thúc bài báo.";
    article_add_para(a, p, strlen(p));
    *out = a;
    return 0;
}

static void f_heard(void *ctx, size_t i)
{
    (void)ctx;
    heard[i]++;
}

static const struct player_source src = {
    .ctx = NULL,
    .count = f_count,
    .title = f_title,
    .url = f_url,
    .site = f_site,
    .article = f_article,
    .heard = f_heard,
};

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Waits up to ms for a status line containing want; drains the others. */
static int wait_event(struct player *p, const char *want, int ms)
{
    for (int waited = 0; waited < ms; waited += 10) {
        char *line;
        while ((line = player_next_event(p))) {
            int hit = strstr(line, want) != NULL;
            free(line);
            if (hit)
                return 1;
        }
        struct pollfd pfd = {.fd = player_event_fd(p), .events = POLLIN};
        poll(&pfd, 1, 10);
    }
    return 0;
}

/* Waits up to ms until the state satisfies story/sentence (-1 = any). */
static int wait_state(struct player *p, long story, long sentence, int ms)
{
    struct player_state st;
    for (int waited = 0; waited <= ms; waited += 10) {
        player_get_state(p, &st);
        if ((story < 0 || (long)st.story == story) && (sentence < 0 || (long)st.sentence == sentence))
            return 1;
        sleep_ms(10);
    }
    return 0;
}

/* docbao's speed → SSIP rate on top of the user's own rate (speechd.h). */
static const struct {
    int base;
    double speed;
    int rate;
} rates[] = {
    {0, 1.0, 0},    {0, 1.1, 7},      {0, 1.5, 29},  {0, 2.0, 50},   {0, 4.0, 100},
    {0, 0.75, -42}, {0, 0.5, -100},   {20, 1.0, 20}, {20, 2.2, 77},  {-30, 1.0 / 1.1, -44},
    {80, 2.0, 100}, {-90, 0.5, -100}, {0, 9.0, 100}, {0, 0.1, -100},
};

static void test_speechd(const struct player_opts *base)
{
    for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++)
        T_INT(speechd_rate(rates[i].base, rates[i].speed), rates[i].rate,
              "speed %.3f on the user's rate %d is SSIP rate %d", rates[i].speed, rates[i].base,
              rates[i].rate);

    /* no server, and libspeechd may not start one (the user's speech-dispatcher settings
     * forbid it): the player cannot open */
    char dir[] = "/tmp/docbao-speechd-XXXXXX";
    if (!mkdtemp(dir)) {
        T_OK(0, "a temporary folder");
        return;
    }
    char path[256], sock[256];
    snprintf(path, sizeof(path), "%s/speech-dispatcher", dir);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/speech-dispatcher/speechd.conf", dir);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs("DisableAutoSpawn\n", f);
        fclose(f);
    }
    snprintf(sock, sizeof(sock), "unix_socket:%s/none.sock", dir);
    setenv("SPEECHD_ADDRESS", sock, 1);
    setenv("XDG_CONFIG_HOME", dir, 1);
    struct player_opts o = *base;
    o.out_driver = "speechd";
    struct player *p = NULL;
    int rc = player_new(&o, &src, &p);
    T_INT(rc, speechd_supported() ? DB_ENODEV : DB_EINVAL,
          speechd_supported() ? "no speech-dispatcher: player_new says DB_ENODEV"
                              : "built without speech-dispatcher: player_new says DB_EINVAL");
    T_OK(p == NULL, "and makes no player");
    unlink(path);
    snprintf(path, sizeof(path), "%s/speech-dispatcher", dir);
    rmdir(path);
    rmdir(dir);
}

/* Keys that change nothing: after setup (may be NULL), cmd answers this line. */
static const struct {
    const char *what, *setup, *setup_arg, *cmd, *answer;
} noop_cases[] = {
    {"Up on the first story", NULL, NULL, "prev-article", "This is the first story"},
    {"Left at the start of the first story", "prev-article", NULL, "prev",
     "This is the first sentence"},
    {"] at 4.0", "speed", "4", "faster", "Fastest speed 4.0"},
    {"} at 4.0", NULL, NULL, "faster2", "Fastest speed 4.0"},
    {"[ at 0.5", "speed", "0.5", "slower", "Slowest speed 0.5"},
    {"{ at 0.5", NULL, NULL, "slower2", "Slowest speed 0.5"},
    {"Backspace at 1.0", "speed", "1.0", "normal", "Normal speed 1.0"},
    {"r", NULL, NULL, "repeat", "Repeating the sentence"},
    {"Enter outside headlines mode", NULL, NULL, "enter",
     "Already reading whole stories (Enter is for --headlines)"},
    {"Down to the last story", "next-article", NULL, "next-article", "(none)"},
    {"Down on the last story", NULL, NULL, "next-article", "This is the last story"},
};

/* The bytes a terminal sends for the key code key (cmd.h). */
static size_t key_bytes(int key, char *out)
{
    if (key >= CMD_KEY_UP && key <= CMD_KEY_LEFT) {
        out[0] = 0x1b;
        out[1] = '[';
        out[2] = (char)("ABCD"[key - CMD_KEY_UP]);
        return 3;
    }
    out[0] = (char)key;
    return 1;
}

/* The command table walked row by row: every row has a run function, is reached from a key
 * or the command line (the socket reaches every row: test_ctl), and runs on the player. */
static void test_table(const struct player_opts *base)
{
    size_t rows = 0, keyed = 0;
    int all_run = 1, all_keys = 1, all_reached = 1, names_unique = 1;
    char *printed = cmd_keys_help(0), *spoken = cmd_keys_help(1);
    for (const struct cmd *c = cmd_table(); c->name; c++, rows++) {
        if (!c->run) {
            all_run = 0;
            printf("# row %s has no run function\n", c->name);
        }
        if (cmd_find(c->name) != c)
            names_unique = 0;
        int codes[8];
        int n = cmd_key_codes(c, codes, 8);
        if (n < 0 || (n == 0 && *c->keys)) {
            all_keys = 0;
            printf("# row %s: a key of \"%s\" is not known\n", c->name, c->keys);
        }
        for (int i = 0; i < n; i++) {
            char b[4];
            const struct cmd *got[4];
            size_t len = key_bytes(codes[i], b);
            size_t used = keys_decode(b, len, got, 4);
            if (used != len || got[0] != c || got[1] != NULL) {
                all_keys = 0;
                printf("# row %s: key code %d does not decode to it\n", c->name, codes[i]);
            }
        }
        if (n > 0) {
            keyed++;
            T_OK(strstr(printed, c->keys) && strstr(printed, c->help) && strstr(spoken, c->spoken),
                 "the help of '?' names %s's keys and says what it does", c->name);
        }
        /* "play" is the socket's and MPRIS's word for resume */
        if (n <= 0 && !(c->flags & CMD_CLIENT) && strcmp(c->name, "play") != 0) {
            all_reached = 0;
            printf("# row %s has no key and is no client command\n", c->name);
        }
    }
    T_OK(rows >= 22, "the table has its rows (%zu)", rows);
    T_OK(all_run, "every row of the command table has a run function");
    T_OK(names_unique, "every row's name finds that row");
    T_OK(all_keys, "every key of the keys column decodes to its row");
    T_OK(all_reached, "every row is reached from a key or the command line");
    T_OK(keyed >= 17, "the keys of %zu rows", keyed);
    T_OK(strncmp(printed, "Keys: Space, p: pause / resume; Right, l: next sentence;", 56) == 0,
         "the printed help starts with the first rows (%.60s)", printed);
    T_OK(strncmp(spoken, "phím cách hoặc phím p: tạm dừng hoặc đọc tiếp. mũi tên phải hoặc",
                 strlen("phím cách hoặc phím p: tạm dừng hoặc đọc tiếp. mũi tên phải hoặc")) == 0,
         "the spoken help says the keys in Vietnamese (%.60s)", spoken);
    free(printed);
    free(spoken);

    /* keys no row has are skipped; an unfinished arrow waits for its last byte */
    const struct cmd *got[8];
    T_INT((long)keys_decode("xp\x1b[1;5C\x1b[", 10, got, 8), 8, "an unfinished sequence waits");
    T_OK(got[0] == cmd_find("toggle") && got[1] == NULL, "x and Ctrl+Right do nothing, p toggles");

    /* every row runs on the player (paused at the start: it stays where it is) */
    struct player_opts o = *base;
    o.start_paused = 1;
    o.quit_at_end = 0;
    o.out_target = NULL;
    struct player *p = NULL;
    T_INT(player_new(&o, &src, &p), 0, "player_new for the table walk");
    if (!p)
        return;
    player_start(p);
    wait_event(p, "Khai trương", 2000);
    int all_ok = 1, all_said = 1;
    for (const struct cmd *c = cmd_table(); c->name; c++) {
        if (strcmp(c->name, "quit") == 0)
            continue;
        int rc = player_command(p, c->name, c->nargs ? "1.0" : NULL);
        if (rc != 0) {
            all_ok = 0;
            printf("# row %s: %d\n", c->name, rc);
        }
        char *a = player_answer(p);
        /* what always answers says it, also as the answer the daemon sends its client */
        if ((c->flags & CMD_ANNOUNCES) && strcmp(c->name, "help") != 0 && !a) {
            all_said = 0;
            printf("# row %s gave no answer\n", c->name);
        }
        free(a);
        player_command(p, "pause", NULL);
    }
    T_OK(all_ok, "every row runs on the player");
    T_OK(all_said, "every row that announces has a printed answer");
    T_INT(player_command(p, "title", NULL), 0, "title");
    char *a = player_answer(p);
    T_STR(a ? a : "(none)", "Title: Khai trương tuyến xe buýt điện", "title answers the title");
    free(a);
    T_INT(player_command(p, "speed", NULL), DB_EINVAL, "speed without its argument is refused");
    T_INT(player_command(p, "quit", NULL), 0, "quit");
    a = player_answer(p);
    T_STR(a ? a : "(none)", "Goodbye", "quit says goodbye");
    free(a);
    T_INT(player_command(p, "next", NULL), 0, "while saying goodbye a command does nothing");
    player_free(p);
}

int main(void)
{
    struct player *p = NULL;
    struct player_opts o = {.voice = "vi", .speed = 1.0, .out_driver = "null",
                            .out_target = "realtime", .quit_at_end = 1};
    T_INT(player_new(&o, &src, &p), 0, "player_new with the null output");
    if (!p)
        return t_done();
    T_INT(player_start(p), 0, "player_start");
    T_OK(wait_event(p, "Khai trương tuyến xe buýt điện", 2000), "the first story is announced");
    struct player_state st;
    player_get_state(p, &st);
    T_INT(st.run, PLAYER_PLAYING, "playing at start");
    T_INT((long)st.count, NSTORIES, "three stories");
    T_STR(st.site, "Báo Thử", "state names the site");

    T_INT(player_command(p, "toggle", NULL), 0, "toggle");
    player_get_state(p, &st);
    T_INT(st.run, PLAYER_PAUSED, "toggle pauses");
    T_OK(wait_event(p, "Paused", 500), "a pause prints a line");
    unsigned long v = st.version;
    size_t sent = st.sentence;
    sleep_ms(300);
    player_get_state(p, &st);
    T_INT((long)st.sentence, (long)sent, "paused: the place does not move");
    T_INT(player_command(p, "toggle", NULL), 0, "toggle again");
    player_get_state(p, &st);
    T_INT(st.run, PLAYER_PLAYING, "toggle resumes");
    T_OK(st.version > v, "the state version grows on changes");

    T_INT(player_command(p, "next", NULL), 0, "next sentence");
    T_OK(wait_state(p, 0, (long)sent + 1, 200), "next moves one sentence on");
    T_INT(player_command(p, "prev", NULL), 0, "previous sentence");
    T_OK(wait_state(p, 0, (long)sent, 200), "prev goes back one sentence");
    T_INT(player_command(p, "next-article", NULL), 0, "next article");
    T_OK(wait_state(p, 1, 0, 200), "next-article moves to story 2, sentence 1");
    T_OK(wait_event(p, "Hội chợ sách mùa đông", 1000), "the new story is announced");
    T_INT(player_command(p, "prev-article", NULL), 0, "previous article");
    T_OK(wait_state(p, 0, 0, 200), "prev-article goes back to story 1");

    T_INT(player_command(p, "faster", NULL), 0, "faster");
    player_get_state(p, &st);
    T_OK(st.speed > 1.09 && st.speed < 1.11, "faster is ×1.1 (%.2f)", st.speed);
    T_OK(wait_event(p, "Speed 1.1", 500), "the speed is printed");
    player_command(p, "faster2", NULL);
    player_get_state(p, &st);
    T_OK(st.speed > 2.19 && st.speed < 2.21, "faster2 doubles (%.2f)", st.speed);
    player_command(p, "normal", NULL);
    player_get_state(p, &st);
    T_OK(st.speed == 1.0, "normal resets the speed");
    T_INT(player_command(p, "speed", "9"), DB_EINVAL, "speed 9 is refused");
    T_INT(player_command(p, "speed", "1.5"), 0, "speed 1.5");
    player_get_state(p, &st);
    T_OK(st.speed == 1.5, "speed sets the speed");
    player_command(p, "speed", "1.0");
    T_INT(player_command(p, "bogus", NULL), DB_EINVAL, "an unknown command");

    T_INT(player_command(p, "where", NULL), 0, "where am I");
    T_OK(wait_event(p, "Article 1 of 3, sentence", 500), "where prints the place");
    player_command(p, "sleep", NULL);
    player_get_state(p, &st);
    T_INT(st.sleep_minutes, 15, "sleep cycles to 15 minutes");
    player_command(p, "sleep", NULL);
    player_command(p, "sleep", NULL);
    player_command(p, "sleep", NULL);
    player_get_state(p, &st);
    T_INT(st.sleep_minutes, 0, "and back to off after 60");

    /* keys that change nothing still answer: printed, and as the command's answer */
    for (size_t i = 0; i < sizeof(noop_cases) / sizeof(noop_cases[0]); i++) {
        if (noop_cases[i].setup)
            player_command(p, noop_cases[i].setup, noop_cases[i].setup_arg);
        wait_event(p, "\x01", 50); /* drain */
        T_INT(player_command(p, noop_cases[i].cmd, NULL), 0, "%s", noop_cases[i].what);
        char *a = player_answer(p);
        T_STR(a ? a : "(none)", noop_cases[i].answer, "%s: the answer", noop_cases[i].what);
        free(a);
        if (strcmp(noop_cases[i].answer, "(none)") != 0)
            T_OK(wait_event(p, noop_cases[i].answer, 500), "%s: the answer is printed",
                 noop_cases[i].what);
    }
    player_command(p, "faster", NULL);
    char *none = player_answer(p);
    T_OK(none == NULL, "a command that changes something has no extra answer");
    free(none);

    /* to the end, fast: skip stories, then let the last one finish */
    player_command(p, "normal", NULL);
    T_OK(wait_state(p, 2, -1, 500), "at the last story");
    player_command(p, "prev-article", NULL);
    player_command(p, "next-article", NULL);
    T_OK(wait_state(p, 2, 0, 500), "at the start of the last story");
    player_command(p, "speed", "4");
    int end = 0;
    for (int i = 0; i < 400 && !end; i++) {
        end = player_finished(p);
        sleep_ms(50);
    }
    T_OK(end, "the player finishes after the last story");
    T_OK(heard[2] == 1, "the story listened to its end is marked heard");
    T_OK(heard[0] == 0 && heard[1] == 0, "skipped stories are not marked heard");
    T_INT(player_free(p), 0, "player_free");

    /* headlines mode: titles only, Enter reads the story in full */
    for (int i = 0; i < NSTORIES; i++)
        fetched[i] = 0;
    struct player_opts h = o;
    h.headlines = 1;
    h.out_target = NULL; /* as fast as possible */
    p = NULL;
    T_INT(player_new(&h, &src, &p), 0, "player_new in headlines mode");
    player_start(p);
    T_OK(wait_event(p, "End of the list. Enter reads this story, Up goes back, q quits.", 6000),
         "headlines mode goes through the titles and says once that the list is over");
    sleep_ms(300);
    T_OK(!player_finished(p), "at the end of the headlines it waits for a key");
    player_get_state(p, &st);
    T_OK(st.run == PLAYER_STOPPED && st.story == 2, "... stopped on the last story (%d, %zu)",
         (int)st.run, st.story);
    T_OK(fetched[0] == 0 && fetched[1] == 0 && fetched[2] == 0,
         "headlines mode does not download the articles");
    T_INT(player_command(p, "enter", NULL), 0, "Enter at the end of the headlines");
    T_OK(wait_event(p, "Reading in full: Trường học có thư viện xanh", 500),
         "Enter reads the last story in full");
    for (int i = 0; i < 300 && !fetched[2]; i++)
        sleep_ms(10);
    T_OK(fetched[2] == 1, "... its article fetched");
    T_OK(wait_event(p, "End of the list", 6000), "the end is said again after it");
    T_INT(player_command(p, "prev-article", NULL), 0, "Up at the end of the headlines");
    player_get_state(p, &st);
    T_OK(st.story == 1 && st.run == PLAYER_PLAYING, "Up goes back and plays the title before");
    long long t0 = mono_ms();
    T_INT(player_command(p, "quit", NULL), 0, "q");
    T_OK(wait_event(p, "Goodbye", 500), "q prints Goodbye");
    while (!player_finished(p) && mono_ms() - t0 < 3000)
        sleep_ms(10);
    T_OK(player_finished(p) && mono_ms() - t0 <= 1200,
         "q finishes within a second after saying goodbye (%lld ms)", mono_ms() - t0);
    player_free(p);

    /* the daemon's player (no quit at the end): the end of the list is "stopped" */
    struct player_opts d = o;
    d.quit_at_end = 0;
    d.out_target = NULL;
    p = NULL;
    T_INT(player_new(&d, &src, &p), 0, "player_new without quit_at_end");
    player_start(p);
    player_command(p, "next-article", NULL);
    player_command(p, "next-article", NULL);
    T_OK(wait_event(p, "No more stories.", 6000), "the end of the list is printed");
    player_get_state(p, &st);
    T_OK(st.run == PLAYER_STOPPED && st.story == st.count && !player_finished(p),
         "the end of the list: stopped, not playing, past the last story (run %d)", (int)st.run);
    player_command(p, "next-article", NULL);
    char *na = player_answer(p);
    T_STR(na ? na : "(none)", "No more stories.", "Down after the end answers");
    free(na);
    player_free(p);

    test_table(&o);
    test_speechd(&o);
    return t_done();
}
