/*
 * test_player.c — the player's state machine with a null output (no sound card): commands,
 * story and sentence moves, speed, headlines mode, announcements, heard marks, the end.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "docbao/article.h"
#include "docbao/err.h"
#include "docbao/player.h"
#include "t.h"

#define NSTORIES 3

static const char *titles[NSTORIES] = {
    "Khai trương tuyến xe buýt điện",
    "Hội chợ sách mùa đông",
    "Trường học có thư viện xanh",
};
static int heard[NSTORIES];
static int fetched[NSTORIES];

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

    /* to the end, fast: skip stories, then let the last one finish */
    player_command(p, "next-article", NULL);
    player_command(p, "next-article", NULL);
    T_OK(wait_state(p, 2, 0, 500), "at the last story");
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
    memset(fetched, 0, sizeof(fetched));
    struct player_opts h = o;
    h.headlines = 1;
    h.out_target = NULL; /* as fast as possible */
    p = NULL;
    T_INT(player_new(&h, &src, &p), 0, "player_new in headlines mode");
    player_start(p);
    for (int i = 0; i < 300 && !player_finished(p); i++)
        sleep_ms(20);
    T_OK(player_finished(p), "headlines mode goes through the titles");
    T_OK(fetched[0] == 0 && fetched[1] == 0 && fetched[2] == 0,
         "headlines mode does not download the articles");
    player_free(p);
    return t_done();
}
