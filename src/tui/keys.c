/*
 * keys.c — raw terminal mode and key decoding (see keys.h).
 *
 * The terminal is restored on normal exit (atexit), on the signals that end docbao and on
 * crashes (SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL), where the handler restores the mode
 * with tcsetattr (async-signal-safe) and re-raises the signal.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

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

static const char *plain_key(unsigned char c)
{
    switch (c) {
    case ' ':
    case 'p':
        return "toggle";
    case 'l':
        return "next";
    case 'h':
        return "prev";
    case 'n':
        return "next-article";
    case 'b':
        return "prev-article";
    case ']':
        return "faster";
    case '[':
        return "slower";
    case '}':
        return "faster2";
    case '{':
        return "slower2";
    case 0x7f:
    case 0x08:
        return "normal";
    case 'r':
        return "repeat";
    case 't':
        return "title";
    case 'i':
        return "where";
    case 's':
        return "sleep";
    case '\r':
    case '\n':
        return "enter";
    case '?':
        return "help";
    case 'q':
        return "quit";
    }
    return NULL;
}

size_t keys_decode(const char *buf, size_t n, const char **out, size_t max)
{
    size_t i = 0, k = 0;
    while (i < n && k + 1 < max) {
        unsigned char c = (unsigned char)buf[i];
        if (c == 0x1b) {
            if (i + 1 >= n)
                break; /* maybe the start of a sequence: wait for more */
            if (buf[i + 1] == '[' || buf[i + 1] == 'O') {
                if (i + 2 >= n)
                    break;
                const char *cmd = NULL;
                switch (buf[i + 2]) {
                case 'C':
                    cmd = "next";
                    break;
                case 'D':
                    cmd = "prev";
                    break;
                case 'B':
                    cmd = "next-article";
                    break;
                case 'A':
                    cmd = "prev-article";
                    break;
                }
                /* skip the whole sequence: parameters end with a byte in 0x40..0x7e */
                size_t j = i + 2;
                while (j < n && !((unsigned char)buf[j] >= 0x40 && (unsigned char)buf[j] <= 0x7e))
                    j++;
                if (j >= n)
                    break;
                if (cmd)
                    out[k++] = cmd;
                i = j + 1;
                continue;
            }
            i++; /* a lone Escape */
            continue;
        }
        const char *cmd = plain_key(c);
        if (cmd)
            out[k++] = cmd;
        i++;
    }
    out[k] = NULL;
    return i;
}
