/*
 * cmd.h — THE command table: every listening action is one row (cmd_rows.h), and every input
 * goes through it. The player's command entry point (player_command) finds the row by name
 * and calls its run function; the keyboard (keys.c) maps keys to rows through the keys
 * column; the control socket (server.c) and MPRIS (mpris.c) run rows by name; the command
 * line sends every row flagged CMD_CLIENT to the daemon (`docbao NAME [ARG]`, client.c);
 * `--help`, the "?" key's printed and spoken help and the man page's KEYS section show the
 * keys and help columns (tests/unit/test_player.c and tests/integration/test_docs.py check
 * that they agree). Adding a control is adding one row and its run function.
 *
 * The run functions are cmd_run_<id>, one per row, declared below. Each player implementation
 * defines them, chosen at link time like the rest of player.h: the real player (player.c)
 * carries the command out, called by player_command() with the player's lock held; docbaod's
 * player (remote.c) and the control tests' fake (tests/unit/fake_player.c) hand the row's name
 * on (to the worker process, to the fake's state machine).
 */
#ifndef DOCBAO_CMD_H
#define DOCBAO_CMD_H

#include <stddef.h>

struct player;

/* Row flags. */
enum {
    CMD_CLIENT = 1 << 0,       /* `docbao NAME` sends it to the running daemon */
    CMD_NEEDS_PLAYER = 1 << 1, /* the daemon starts a player process for it when none runs
                                  (without: carried out on the state kept, or ends it) */
    CMD_ANNOUNCES = 1 << 2,    /* always says its answer aloud (also paused), printed too */
    CMD_OPTARG = 1 << 3,       /* takes an optional argument ("sleep 30") */
    CMD_RESUMES = 1 << 4,      /* may start playback: at the end of the list the daemon fetches
                                  the selection again */
};

struct cmd {
    const char *name;   /* "pause", "next", "speed", ... */
    const char *keys;   /* the keys bound to it, as shown in help ("Space, p"); "" for none */
    int nargs;          /* 1: needs an argument ("speed 1.5"); 0: none (or, with CMD_OPTARG,
                           an optional one) */
    unsigned flags;     /* CMD_* */
    const char *help;   /* what it does, one short English phrase (translated at use) */
    const char *spoken; /* the same in Vietnamese, for the spoken help */
    int (*run)(struct player *p, const char *arg); /* carries it out (see above); never NULL */
};

/* The run functions, cmd_run_<id> for each row of cmd_rows.h. arg: the argument or NULL.
 * Return 0, or DB_EINVAL for a bad argument (the players' other errors as they document). */
#define CMD_ROW(name, id, keys, nargs, flags, help, spoken) \
    int cmd_run_##id(struct player *p, const char *arg);
#include "docbao/cmd_rows.h"
#undef CMD_ROW

/* The table, terminated by a row whose name is NULL. */
const struct cmd *cmd_table(void);

/* The row named name, or NULL (name may be NULL). */
const struct cmd *cmd_find(const char *name);

/* Keys as keys.c decodes them: a byte for a plain key, these for the arrows. */
enum { CMD_KEY_UP = 0x100, CMD_KEY_DOWN, CMD_KEY_RIGHT, CMD_KEY_LEFT };

/* Writes the key codes of c's keys column into codes (room for max). Returns how many (0 for
 * a row without keys), or DB_EINVAL when the column names a key not known. */
int cmd_key_codes(const struct cmd *c, int *codes, size_t max);

/* The row bound to the key code key, or NULL. */
const struct cmd *cmd_for_key(int key);

/* The help of the keys, from the table: with spoken 0 one printed line in the interface
 * language ("Keys: Space, p: pause / resume; ..."), else Vietnamese sentences to speak
 * ("Phím cách hoặc phím p: tạm dừng hoặc đọc tiếp. ..."). malloc'd; the caller frees. */
char *cmd_keys_help(int spoken);

#endif
