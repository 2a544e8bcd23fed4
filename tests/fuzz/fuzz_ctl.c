/*
 * fuzz_ctl.c — libFuzzer target for the control socket's request parser: the bytes go
 * through ctl_run_bytes() as one client's stream of JSON lines, once with no player running
 * and once against the fake player of the unit tests (tests/unit/fake_player.c, linked in),
 * so every command row, argument check and idle wait is reachable. Every reply must be one
 * JSON object per line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "docbao/ctl.h"
#include "docbao/util.h"

struct player *fake_player_new(void);
void fake_player_free(struct player *p);

static void check_replies(const struct buf *b)
{
    const char *p = buf_str(b);
    while (*p) {
        const char *nl = strchr(p, '\n');
        if (!nl)
            abort();             /* every reply ends its line */
        json_error_t jerr;
        json_t *o = json_loadb(p, (size_t)(nl - p), 0, &jerr);
        if (!json_is_object(o) || !json_is_boolean(json_object_get(o, "ok")))
            abort();
        json_decref(o);
        p = nl + 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct buf reply = BUF_INIT;
    ctl_run_bytes(NULL, (const char *)data, size, &reply);
    check_replies(&reply);
    buf_free(&reply);
    struct player *fake = fake_player_new();   /* a fresh one: runs do not depend on others */
    ctl_run_bytes(fake, (const char *)data, size, &reply);
    check_replies(&reply);
    buf_free(&reply);
    fake_player_free(fake);
    return 0;
}
