/*
 * cmd.h — THE command table: every listening action is one row. The keyboard (keys.c),
 * the control socket and MPRIS all run commands by name through it, so adding a control
 * means adding one row.
 */
#ifndef DOCBAO_CMD_H
#define DOCBAO_CMD_H

#include <stddef.h>

struct player;

struct cmd {
    const char *name;     /* "pause", "next", "speed", ... */
    const char *keys;     /* the keys bound to it, as shown in help ("Space, p") */
    const char *help;     /* what it does, one short English phrase (translated at use) */
    int takes_arg;        /* 1: needs an argument ("speed 1.5") */
    int (*run)(struct player *p, const char *arg);
};

/* The table, terminated by a row whose name is NULL. */
const struct cmd *cmd_table(void);

/* The row named name, or NULL. */
const struct cmd *cmd_find(const char *name);

/* Runs "name [arg]" from a line of text. Returns 0, DB_EINVAL for an unknown command or a
 * missing/bad argument. */
int cmd_run_line(struct player *p, const char *line);

#endif
