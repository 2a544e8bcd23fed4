/*
 * mpris.c — org.mpris.MediaPlayer2.docbao on the session bus through sd-bus (see mpris.h).
 *
 * Method calls and property writes become commands of the command table run on the player
 * (calls go down); the daemon's loop tells us when the state moved and we emit
 * PropertiesChanged. Nothing here blocks except sd_bus_open_user() and the name request at
 * start.
 *
 * Built with DOCBAO_MPRIS=0 (no libsystemd) the whole module is stubs.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "docbao/cmd.h"
#include "docbao/ctl.h"
#include "docbao/err.h"
#include "docbao/mpris.h"
#include "docbao/player.h"
#include "docbao/util.h"

#ifndef DOCBAO_MPRIS
#define DOCBAO_MPRIS 1
#endif

#if DOCBAO_MPRIS

#include <systemd/sd-bus.h>

#define BUS_NAME "org.mpris.MediaPlayer2.docbao"
#define OBJ_PATH "/org/mpris/MediaPlayer2"
#define IFACE_ROOT "org.mpris.MediaPlayer2"
#define IFACE_PLAYER "org.mpris.MediaPlayer2.Player"
#define NO_TRACK "/org/mpris/MediaPlayer2/TrackList/NoTrack"
#define MIN_RATE 0.5
#define MAX_RATE 4.0

struct mpris {
    sd_bus *bus;
    sd_bus_slot *slot_root, *slot_player;
    struct player *p;
    unsigned long version;       /* the version last announced */
    int announced;               /* version is valid */
    size_t story, sentence;      /* where the last announcement was */
    char *open_url;              /* a waiting OpenUri */
    sd_bus_message *open_msg;    /* its call, answered once carried out (mpris_answer) */
    unsigned long open_id;       /* the id of the request handed out for open_msg */
    unsigned long next_id;
};

/* Answers the OpenUri call waiting in m (rc < 0: a D-Bus error saying msg). */
static void answer_open(struct mpris *m, int rc, const char *msg)
{
    if (!m->open_msg)
        return;
    if (rc < 0)
        sd_bus_reply_method_errorf(m->open_msg, SD_BUS_ERROR_FAILED, "%s",
                                   msg && *msg ? msg : db_strerror(rc));
    else
        sd_bus_reply_method_return(m->open_msg, NULL);
    sd_bus_message_unref(m->open_msg);
    m->open_msg = NULL;
    m->open_id = 0;
    sd_bus_flush(m->bus);
}

static void state(struct mpris *m, struct player_state *st)
{
    memset(st, 0, sizeof(*st));
    st->run = PLAYER_STOPPED;
    st->speed = 1.0;
    if (m->p)
        player_get_state(m->p, st);
}

static int have_story(const struct player_state *st)
{
    return st->story < st->count;
}

/* Runs the command table's row name on the player; an error becomes a D-Bus error. */
static int run(struct mpris *m, const char *name, const char *arg, sd_bus_error *err)
{
    const struct cmd *c = cmd_find(name);
    if (!c)
        return sd_bus_error_setf(err, SD_BUS_ERROR_FAILED, "%s: not a command", name);
    if (!m->p)
        return sd_bus_error_set(err, SD_BUS_ERROR_FAILED, "no player is running");
    int rc = player_command(m->p, c->name, arg);
    if (rc < 0) {
        char *ans = player_answer(m->p);
        int r = sd_bus_error_setf(err, SD_BUS_ERROR_FAILED, "%s: %s", name,
                                  ans ? ans : db_strerror(rc));
        free(ans);
        return r;
    }
    return 0;
}

static int reply_run(sd_bus_message *msg, struct mpris *m, const char *name,
                     sd_bus_error *err)
{
    int r = run(m, name, NULL, err);
    return r < 0 ? r : sd_bus_reply_method_return(msg, NULL);
}

/* ---- org.mpris.MediaPlayer2 ----------------------------------------------------------- */

static int m_raise(sd_bus_message *msg, void *ud, sd_bus_error *err)
{
    (void)ud;
    (void)err;
    return sd_bus_reply_method_return(msg, NULL);
}

static int m_quit(sd_bus_message *msg, void *ud, sd_bus_error *err)
{
    return reply_run(msg, ud, "quit", err);
}

static int p_bool(sd_bus *bus, const char *path, const char *iface, const char *prop,
                  sd_bus_message *reply, void *ud, sd_bus_error *err)
{
    (void)bus, (void)path, (void)iface, (void)ud, (void)err;
    int v = strcmp(prop, "CanQuit") == 0 || strcmp(prop, "CanControl") == 0;
    return sd_bus_message_append(reply, "b", v);
}

static int p_name(sd_bus *bus, const char *path, const char *iface, const char *prop,
                  sd_bus_message *reply, void *ud, sd_bus_error *err)
{
    (void)bus, (void)path, (void)iface, (void)prop, (void)ud, (void)err;
    return sd_bus_message_append(reply, "s", "docbao");
}

static int p_schemes(sd_bus *bus, const char *path, const char *iface, const char *prop,
                     sd_bus_message *reply, void *ud, sd_bus_error *err)
{
    (void)bus, (void)path, (void)iface, (void)ud, (void)err;
    if (strcmp(prop, "SupportedUriSchemes") == 0)
        return sd_bus_message_append(reply, "as", 2, "http", "https");
    return sd_bus_message_append(reply, "as", 1, "text/html");
}

static const sd_bus_vtable root_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("Raise", "", "", m_raise, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Quit", "", "", m_quit, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_PROPERTY("CanQuit", "b", p_bool, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("CanRaise", "b", p_bool, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("HasTrackList", "b", p_bool, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("Identity", "s", p_name, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("DesktopEntry", "s", p_name, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("SupportedUriSchemes", "as", p_schemes, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("SupportedMimeTypes", "as", p_schemes, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_VTABLE_END,
};

/* ---- org.mpris.MediaPlayer2.Player: methods ------------------------------------------- */

static int m_play(sd_bus_message *msg, void *ud, sd_bus_error *err)
{
    return reply_run(msg, ud, "resume", err);
}

static int m_pause(sd_bus_message *msg, void *ud, sd_bus_error *err)
{
    return reply_run(msg, ud, "pause", err);
}

static int m_playpause(sd_bus_message *msg, void *ud, sd_bus_error *err)
{
    struct mpris *m = ud;
    struct player_state st;
    state(m, &st);
    /* From "stopped" PlayPause starts again, as the MPRIS specification asks. */
    return reply_run(msg, ud, st.run == PLAYER_PLAYING ? "pause" : "resume", err);
}

static int m_stop(sd_bus_message *msg, void *ud, sd_bus_error *err)
{
    return reply_run(msg, ud, "stop", err);
}

static int m_next(sd_bus_message *msg, void *ud, sd_bus_error *err)
{
    return reply_run(msg, ud, "next-article", err);
}

static int m_previous(sd_bus_message *msg, void *ud, sd_bus_error *err)
{
    return reply_run(msg, ud, "prev-article", err);
}

static int m_seek(sd_bus_message *msg, void *ud, sd_bus_error *err)
{
    int64_t off;
    int r = sd_bus_message_read(msg, "x", &off);
    if (r < 0)
        return r;
    if (off != 0 && (r = run(ud, off > 0 ? "next" : "prev", NULL, err)) < 0)
        return r;
    return sd_bus_reply_method_return(msg, NULL);
}

static int m_set_position(sd_bus_message *msg, void *ud, sd_bus_error *err)
{
    struct mpris *m = ud;
    const char *track;
    int64_t pos;
    int r = sd_bus_message_read(msg, "ox", &track, &pos);
    if (r < 0)
        return r;
    struct player_state st;
    state(m, &st);
    char want[64];
    snprintf(want, sizeof(want), "/org/docbao/story/%zu", st.story + 1);
    /* Best effort: step sentence by sentence toward the position, at most 50 steps. */
    if (have_story(&st) && strcmp(track, want) == 0 && pos >= 0) {
        long target = (long)(pos / MPRIS_SENTENCE_US);
        long delta = target - (long)st.sentence;
        for (long i = 0; i < labs(delta) && i < 50; i++)
            if ((r = run(m, delta > 0 ? "next" : "prev", NULL, err)) < 0)
                return r;
    }
    return sd_bus_reply_method_return(msg, NULL);
}

static int m_open_uri(sd_bus_message *msg, void *ud, sd_bus_error *err)
{
    struct mpris *m = ud;
    const char *uri;
    int r = sd_bus_message_read(msg, "s", &uri);
    if (r < 0)
        return r;
    if (strncmp(uri, "http://", 7) != 0 && strncmp(uri, "https://", 8) != 0)
        return sd_bus_error_set(err, SD_BUS_ERROR_INVALID_ARGS,
                                "only http and https URIs can be read");
    /* an older call not yet carried out is superseded: it succeeds, as a newer click does */
    answer_open(m, 0, NULL);
    free(m->open_url);
    m->open_url = xstrdup(uri);
    /* the reply waits until the daemon has loaded the article (or failed to: the error
     * says why and the queue before stays) */
    m->open_msg = sd_bus_message_ref(msg);
    return 1;
}

/* ---- org.mpris.MediaPlayer2.Player: properties ---------------------------------------- */

static int p_status(sd_bus *bus, const char *path, const char *iface, const char *prop,
                    sd_bus_message *reply, void *ud, sd_bus_error *err)
{
    (void)bus, (void)path, (void)iface, (void)prop, (void)err;
    struct player_state st;
    state(ud, &st);
    const char *s = st.run == PLAYER_PLAYING ? "Playing"
                    : st.run == PLAYER_PAUSED ? "Paused" : "Stopped";
    return sd_bus_message_append(reply, "s", s);
}

static int p_rate(sd_bus *bus, const char *path, const char *iface, const char *prop,
                  sd_bus_message *reply, void *ud, sd_bus_error *err)
{
    (void)bus, (void)path, (void)iface, (void)err;
    struct player_state st;
    double v;
    if (strcmp(prop, "MinimumRate") == 0) {
        v = MIN_RATE;
    } else if (strcmp(prop, "MaximumRate") == 0) {
        v = MAX_RATE;
    } else if (strcmp(prop, "Volume") == 0) {
        v = 1.0;
    } else {
        state(ud, &st);
        v = st.speed;
    }
    return sd_bus_message_append(reply, "d", v);
}

static int set_rate(sd_bus *bus, const char *path, const char *iface, const char *prop,
                    sd_bus_message *value, void *ud, sd_bus_error *err)
{
    (void)bus, (void)path, (void)iface, (void)prop;
    double v;
    char arg[32];
    int r = sd_bus_message_read(value, "d", &v);
    if (r < 0)
        return r;
    if (!(v > 0 && v < 1e9))
        return 0;                /* MPRIS: a rate of 0 or less (or NaN) is ignored here */
    v = v < MIN_RATE ? MIN_RATE : v > MAX_RATE ? MAX_RATE : v;
    long h = (long)(v * 100.0 + 0.5);
    snprintf(arg, sizeof(arg), "%ld.%02ld", h / 100, h % 100);
    return run(ud, "speed", arg, err);
}

static int p_can(sd_bus *bus, const char *path, const char *iface, const char *prop,
                 sd_bus_message *reply, void *ud, sd_bus_error *err)
{
    (void)bus, (void)path, (void)iface, (void)err;
    struct mpris *m = ud;
    struct player_state st;
    state(m, &st);
    int have = m->p && have_story(&st);
    int v = 0;
    if (strcmp(prop, "CanGoNext") == 0)
        v = m->p && st.story + 1 < st.count;
    else if (strcmp(prop, "CanGoPrevious") == 0)
        v = have && st.story > 0;
    else if (strcmp(prop, "CanPlay") == 0)
        v = m->p != NULL; /* at the end (or with nothing), Play fetches the news again */
    else if (strcmp(prop, "CanPause") == 0)
        v = have && st.run == PLAYER_PLAYING;
    else if (strcmp(prop, "CanSeek") == 0)
        v = have && st.nsentences > 0;
    return sd_bus_message_append(reply, "b", v);
}

static int p_position(sd_bus *bus, const char *path, const char *iface, const char *prop,
                      sd_bus_message *reply, void *ud, sd_bus_error *err)
{
    (void)bus, (void)path, (void)iface, (void)prop, (void)err;
    struct player_state st;
    state(ud, &st);
    int64_t pos = have_story(&st) ? (int64_t)st.sentence * MPRIS_SENTENCE_US : 0;
    return sd_bus_message_append(reply, "x", pos);
}

/* Appends {key: variant(type, value)} to an open a{sv}. */
static int dict_entry(sd_bus_message *reply, const char *key, const char *type, ...)
{
    va_list ap;
    int r;
    if ((r = sd_bus_message_open_container(reply, 'e', "sv")) < 0 ||
        (r = sd_bus_message_append(reply, "s", key)) < 0 ||
        (r = sd_bus_message_open_container(reply, 'v', type)) < 0)
        return r;
    va_start(ap, type);
    r = sd_bus_message_appendv(reply, type, ap);
    va_end(ap);
    if (r < 0 || (r = sd_bus_message_close_container(reply)) < 0)
        return r;
    return sd_bus_message_close_container(reply);
}

static int p_metadata(sd_bus *bus, const char *path, const char *iface, const char *prop,
                      sd_bus_message *reply, void *ud, sd_bus_error *err)
{
    (void)bus, (void)path, (void)iface, (void)prop, (void)err;
    struct player_state st;
    char track[64];
    int r;
    state(ud, &st);
    if ((r = sd_bus_message_open_container(reply, 'a', "{sv}")) < 0)
        return r;
    if (have_story(&st)) {
        snprintf(track, sizeof(track), "/org/docbao/story/%zu", st.story + 1);
        if ((r = dict_entry(reply, "mpris:trackid", "o", track)) < 0 ||
            (r = dict_entry(reply, "mpris:length", "x",
                            (int64_t)st.nsentences * MPRIS_SENTENCE_US)) < 0)
            return r;
        if (st.title && (r = dict_entry(reply, "xesam:title", "s", st.title)) < 0)
            return r;
        if (st.site && (r = dict_entry(reply, "xesam:artist", "as", 1, st.site)) < 0)
            return r;
        if (st.url && (r = dict_entry(reply, "xesam:url", "s", st.url)) < 0)
            return r;
    } else if ((r = dict_entry(reply, "mpris:trackid", "o", NO_TRACK)) < 0) {
        return r;
    }
    return sd_bus_message_close_container(reply);
}

#define CHANGES SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE
static const sd_bus_vtable player_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("Next", "", "", m_next, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Previous", "", "", m_previous, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Pause", "", "", m_pause, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("PlayPause", "", "", m_playpause, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Stop", "", "", m_stop, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Play", "", "", m_play, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Seek", "x", "", m_seek, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("SetPosition", "ox", "", m_set_position, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("OpenUri", "s", "", m_open_uri, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_SIGNAL("Seeked", "x", 0),
    SD_BUS_PROPERTY("PlaybackStatus", "s", p_status, 0, CHANGES),
    SD_BUS_WRITABLE_PROPERTY("Rate", "d", p_rate, set_rate, 0,
                             CHANGES | SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_PROPERTY("Metadata", "a{sv}", p_metadata, 0, CHANGES),
    SD_BUS_PROPERTY("Volume", "d", p_rate, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("Position", "x", p_position, 0, 0),
    SD_BUS_PROPERTY("MinimumRate", "d", p_rate, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("MaximumRate", "d", p_rate, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("CanGoNext", "b", p_can, 0, CHANGES),
    SD_BUS_PROPERTY("CanGoPrevious", "b", p_can, 0, CHANGES),
    SD_BUS_PROPERTY("CanPlay", "b", p_can, 0, CHANGES),
    SD_BUS_PROPERTY("CanPause", "b", p_can, 0, CHANGES),
    SD_BUS_PROPERTY("CanSeek", "b", p_can, 0, CHANGES),
    SD_BUS_PROPERTY("CanControl", "b", p_bool, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_VTABLE_END,
};

/* ---- the module ----------------------------------------------------------------------- */

int mpris_new(struct player *p, struct mpris **out, char *why, size_t whysize)
{
    struct mpris *m = xcalloc(1, sizeof(*m));
    const char *what = "cannot connect to the session bus";
    int r;
    m->p = p;
    if ((r = sd_bus_open_user(&m->bus)) < 0)
        goto fail;
    what = "cannot publish the MPRIS object";
    if ((r = sd_bus_add_object_vtable(m->bus, &m->slot_root, OBJ_PATH, IFACE_ROOT,
                                      root_vtable, m)) < 0 ||
        (r = sd_bus_add_object_vtable(m->bus, &m->slot_player, OBJ_PATH, IFACE_PLAYER,
                                      player_vtable, m)) < 0)
        goto fail;
    what = "cannot take the name " BUS_NAME " (another docbao on this bus?)";
    if ((r = sd_bus_request_name(m->bus, BUS_NAME, 0)) < 0)
        goto fail;
    *out = m;
    return 0;
fail:
    if (why && whysize)
        snprintf(why, whysize, "%s: %s", what, strerror(-r));
    mpris_free(m);
    return DB_ENODEV;
}

void mpris_set_player(struct mpris *m, struct player *p)
{
    if (m->p != p) {
        m->p = p;
        m->announced = 0;
    }
}

int mpris_fd(struct mpris *m)
{
    return sd_bus_get_fd(m->bus);
}

short mpris_events(struct mpris *m)
{
    int e = sd_bus_get_events(m->bus);
    return e < 0 ? POLLIN : (short)e;
}

int mpris_timeout_ms(struct mpris *m)
{
    uint64_t until;
    if (sd_bus_get_timeout(m->bus, &until) < 0 || until == UINT64_MAX)
        return -1;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t now = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
    if (until <= now)
        return 0;
    uint64_t ms = (until - now + 999) / 1000;
    return ms > 60000 ? 60000 : (int)ms;
}

int mpris_process(struct mpris *m)
{
    for (int i = 0; i < 256; i++) {
        int r = sd_bus_process(m->bus, NULL);
        if (r < 0)
            return DB_EIO;
        if (r == 0)
            break;
    }
    /* Replies and signals queued by the handlers go out now, not at the next turn. */
    return sd_bus_flush(m->bus) < 0 ? DB_EIO : 0;
}

void mpris_changed(struct mpris *m)
{
    struct player_state st;
    if (!m->p)
        return;
    state(m, &st);
    if (m->announced && st.version == m->version)
        return;
    int same_story = m->announced && st.story == m->story;
    int moved = same_story && st.sentence != m->sentence;
    m->announced = 1;
    m->version = st.version;
    m->story = st.story;
    m->sentence = st.sentence;
    sd_bus_emit_properties_changed(m->bus, OBJ_PATH, IFACE_PLAYER, "PlaybackStatus", "Rate",
                                   "Metadata", "CanGoNext", "CanGoPrevious", "CanPlay",
                                   "CanPause", "CanSeek", NULL);
    if (moved)
        sd_bus_emit_signal(m->bus, OBJ_PATH, IFACE_PLAYER, "Seeked", "x",
                           (int64_t)st.sentence * MPRIS_SENTENCE_US);
    sd_bus_flush(m->bus);
}

int mpris_next_request(struct mpris *m, struct ctl_request *r)
{
    if (!m->open_url)
        return DB_ENOENT;
    memset(r, 0, sizeof(*r));
    r->kind = CTL_REQ_PLAY;
    r->limit = -1;
    r->url = m->open_url;
    r->from_bus = 1;
    r->id = m->open_id = ++m->next_id;
    m->open_url = NULL;
    return 0;
}

void mpris_answer(struct mpris *m, unsigned long id, int rc, const char *msg)
{
    if (m && id && id == m->open_id)
        answer_open(m, rc, msg);
}

void mpris_free(struct mpris *m)
{
    if (!m)
        return;
    answer_open(m, DB_EIO, "the daemon is ending");
    sd_bus_slot_unref(m->slot_root);
    sd_bus_slot_unref(m->slot_player);
    if (m->bus) {
        sd_bus_release_name(m->bus, BUS_NAME);
        sd_bus_flush_close_unref(m->bus);
    }
    free(m->open_url);
    free(m);
}

#else /* !DOCBAO_MPRIS: built without libsystemd */

int mpris_new(struct player *p, struct mpris **out, char *why, size_t whysize)
{
    (void)p;
    (void)out;
    if (why && whysize)
        snprintf(why, whysize, "docbao was built without MPRIS support");
    return DB_ENODEV;
}

void mpris_set_player(struct mpris *m, struct player *p)
{
    (void)m;
    (void)p;
}

int mpris_fd(struct mpris *m)
{
    (void)m;
    return -1;
}

short mpris_events(struct mpris *m)
{
    (void)m;
    return 0;
}

int mpris_timeout_ms(struct mpris *m)
{
    (void)m;
    return -1;
}

int mpris_process(struct mpris *m)
{
    (void)m;
    return 0;
}

void mpris_changed(struct mpris *m)
{
    (void)m;
}

int mpris_next_request(struct mpris *m, struct ctl_request *r)
{
    (void)m;
    (void)r;
    return DB_ENOENT;
}

void mpris_answer(struct mpris *m, unsigned long id, int rc, const char *msg)
{
    (void)m, (void)id, (void)rc, (void)msg;
}

void mpris_free(struct mpris *m)
{
    (void)m;
}

#endif
