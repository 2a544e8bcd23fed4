/*
 * keys.c — raw terminal mode and key decoding (see keys.h).
 *
 * The terminal is restored on normal exit (atexit), on the signals that end docbao and on
 * crashes (SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL), where the handler restores the mode
 * with tcsetattr (async-signal-safe) and re-raises the signal.
 *
 * Keys are bound in the command table's keys column (cmd.h): a key's byte, or the final byte
 * of an arrow's escape sequence, is looked up there; there is no list of keys here.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "docbao/cmd.h"
#include "docbao/err.h"
#include "docbao/keys.h"

static struct termios saved;
static int saved_fd = -1;

void keys_restore(void)
{
    if (saved_fd >= 0) {
        tcsetattr(saved_fd, TCSAFLUSH, &saved);
        saved_fd = -1;
    }
}

static void on_crash(int sig)
{
    if (saved_fd >= 0)
        tcsetattr(saved_fd, TCSAFLUSH, &saved);
    signal(sig, SIG_DFL);
    raise(sig);
}

int keys_raw(int fd)
{
    if (!isatty(fd))
        return DB_EINVAL;
    if (tcgetattr(fd, &saved) < 0)
        return DB_EINVAL;
    struct termios raw = saved;
    raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
    raw.c_iflag &= ~(tcflag_t)(IXON | ICRNL);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    if (tcsetattr(fd, TCSAFLUSH, &raw) < 0)
        return DB_EINVAL;
    saved_fd = fd;
    atexit(keys_restore);
    static const int crash[] = {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL};
    for (size_t i = 0; i < sizeof(crash) / sizeof(*crash); i++) {
        struct sigaction sa = {.sa_handler = on_crash};
        sigemptyset(&sa.sa_mask);
        sigaction(crash[i], &sa, NULL);
    }
    return 0;
}

size_t keys_decode(const char *buf, size_t n, const struct cmd **out, size_t max)
{
    size_t i = 0, k = 0;
    while (i < n && k + 1 < max) {
        unsigned char c = (unsigned char)buf[i];
        int key = c;
        if (c == 0x1b) {
            if (i + 1 >= n)
                break; /* maybe the start of a sequence: wait for more */
            if (buf[i + 1] != '[' && buf[i + 1] != 'O') {
                i++; /* a lone Escape */
                continue;
            }
            if (i + 2 >= n)
                break;
            /* skip the whole sequence: parameters end with a byte in 0x40..0x7e */
            size_t j = i + 2;
            while (j < n && !((unsigned char)buf[j] >= 0x40 && (unsigned char)buf[j] <= 0x7e))
                j++;
            if (j >= n)
                break;
            static const char arrows[] = "ABCD"; /* in the order of CMD_KEY_UP.. */
            const char *a = j == i + 2 ? strchr(arrows, buf[j]) : NULL;
            key = a && *a ? CMD_KEY_UP + (int)(a - arrows) : -1;
            i = j + 1;
        } else {
            i++;
        }
        const struct cmd *row = key >= 0 ? cmd_for_key(key) : NULL;
        if (row)
            out[k++] = row;
    }
    out[k] = NULL;
    return i;
}
