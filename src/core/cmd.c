/*
 * cmd.c — the command table (see cmd.h). Keys, the control socket and MPRIS all end here.
 */
#include <stdlib.h>
#include <string.h>

#include "docbao/cmd.h"
#include "docbao/err.h"
#include "docbao/i18n.h"
#include "docbao/player.h"
#include "docbao/util.h"

#define ROW(name, keys, help, arg) {name, keys, help, arg, NULL}

static const struct cmd table[] = {
    ROW("toggle", "Space, p", N_("pause / resume"), 0),
    ROW("pause", "", N_("pause"), 0),
    ROW("resume", "", N_("resume"), 0),
    ROW("play", "", N_("resume"), 0),
    ROW("stop", "", N_("stop, keeping the place"), 0),
    ROW("next", "Right, l", N_("next sentence"), 0),
    ROW("prev", "Left, h", N_("previous sentence (restarts the current one first)"), 0),
    ROW("next-article", "Down, n", N_("next article"), 0),
    ROW("prev-article", "Up, b", N_("previous article"), 0),
    ROW("faster", "]", N_("speed ×1.1"), 0),
    ROW("slower", "[", N_("speed ÷1.1"), 0),
    ROW("faster2", "}", N_("speed ×2"), 0),
    ROW("slower2", "{", N_("speed ÷2"), 0),
    ROW("normal", "Backspace", N_("normal speed (1.0)"), 0),
    ROW("speed", "", N_("set the speed, 0.5 .. 4.0"), 1),
    ROW("repeat", "r", N_("repeat the current sentence"), 0),
    ROW("title", "t", N_("say the current article's title"), 0),
    ROW("where", "i", N_("where am I"), 0),
    ROW("sleep", "s", N_("sleep timer: off, 15, 30, 60 minutes"), 0),
    ROW("enter", "Enter", N_("in headlines mode: read this story in full"), 0),
    ROW("help", "?", N_("list the keys"), 0),
    ROW("quit", "q", N_("quit, remembering the place"), 0),
    {NULL, NULL, NULL, 0, NULL},
};

const struct cmd *cmd_table(void)
{
    return table;
}

const struct cmd *cmd_find(const char *name)
{
    for (const struct cmd *c = table; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

int cmd_run_line(struct player *p, const char *line)
{
    while (*line == ' ' || *line == '\t')
        line++;
    size_t n = strcspn(line, " \t\r\n");
    char *name = xstrndup(line, n);
    const char *arg = line + n;
    while (*arg == ' ' || *arg == '\t')
        arg++;
    char *a = xstrndup(arg, strcspn(arg, "\r\n"));
    int rc = DB_EINVAL;
    const struct cmd *c = cmd_find(name);
    if (c && (!c->takes_arg || *a || strcmp(name, "sleep") == 0))
        rc = player_command(p, name, *a ? a : NULL);
    free(name);
    free(a);
    return rc;
}
