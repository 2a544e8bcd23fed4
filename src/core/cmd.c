/*
 * cmd.c — the command table (see cmd.h), built from the rows of cmd_rows.h, and what is read
 * from it: rows by name and by key, the key names, and the help of the keys.
 */
#include <stdlib.h>
#include <string.h>

#include "docbao/cmd.h"
#include "docbao/err.h"
#include "docbao/i18n.h"
#include "docbao/util.h"

static const struct cmd table[] = {
#define CMD_ROW(name, id, keys, nargs, flags, help, spoken) \
    {name, keys, nargs, flags, help, spoken, cmd_run_##id},
#include "docbao/cmd_rows.h"
#undef CMD_ROW
    {NULL, NULL, 0, 0, NULL, NULL, NULL},
};

const struct cmd *cmd_table(void)
{
    return table;
}

const struct cmd *cmd_find(const char *name)
{
    if (!name)
        return NULL;
    for (const struct cmd *c = table; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

/* ---- keys ---------------------------------------------------------------------------------- */

/* The keys known by name; any other key is one character, itself. */
static const struct {
    const char *name;
    int codes[2];       /* the codes the key sends (0: none more) */
    const char *spoken; /* its Vietnamese name */
} named_keys[] = {
    {"Space", {' ', 0}, "phím cách"},
    {"Enter", {'\r', '\n'}, "phím Enter"},
    {"Backspace", {0x7f, 0x08}, "phím xóa"},
    {"Up", {CMD_KEY_UP, 0}, "mũi tên lên"},
    {"Down", {CMD_KEY_DOWN, 0}, "mũi tên xuống"},
    {"Right", {CMD_KEY_RIGHT, 0}, "mũi tên phải"},
    {"Left", {CMD_KEY_LEFT, 0}, "mũi tên trái"},
};

/* The Vietnamese names of the punctuation keys of the table; a letter is "phím x". */
static const struct {
    char c;
    const char *spoken;
} punct_keys[] = {
    {']', "ngoặc vuông đóng"}, {'[', "ngoặc vuông mở"}, {'}', "ngoặc nhọn đóng"},
    {'{', "ngoặc nhọn mở"},    {'?', "dấu hỏi"},
};

/* The next key name of a keys column ("Space, p") at or after s, its length in *len; NULL at
 * the end. (Names are separated by ", ": the comma and the space keys are named by no row.) */
static const char *next_key(const char *s, size_t *len)
{
    while (*s == ',' || *s == ' ')
        s++;
    if (!*s)
        return NULL;
    size_t n = strcspn(s, ",");
    while (n > 1 && s[n - 1] == ' ')
        n--;
    *len = n;
    return s;
}

/* The named_keys index of the key name s (n bytes), or -1. */
static int named_key(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof(named_keys) / sizeof(*named_keys); i++)
        if (strlen(named_keys[i].name) == n && memcmp(named_keys[i].name, s, n) == 0)
            return (int)i;
    return -1;
}

int cmd_key_codes(const struct cmd *c, int *codes, size_t max)
{
    size_t k = 0, len;
    for (const char *s = next_key(c->keys, &len); s; s = next_key(s + len, &len)) {
        int i = named_key(s, len);
        if (i >= 0) {
            for (int j = 0; j < 2 && named_keys[i].codes[j]; j++)
                if (k < max)
                    codes[k++] = named_keys[i].codes[j];
        } else if (len == 1 && (unsigned char)s[0] > ' ' && (unsigned char)s[0] < 0x7f) {
            if (k < max)
                codes[k++] = (unsigned char)s[0];
        } else {
            return DB_EINVAL;
        }
    }
    return (int)k;
}

const struct cmd *cmd_for_key(int key)
{
    for (const struct cmd *c = table; c->name; c++) {
        int codes[8];
        int n = cmd_key_codes(c, codes, 8);
        for (int i = 0; i < n; i++)
            if (codes[i] == key)
                return c;
    }
    return NULL;
}

/* Appends the Vietnamese name of the key s (n bytes) to b. */
static void put_spoken_key(struct buf *b, const char *s, size_t n)
{
    int i = named_key(s, n);
    if (i >= 0) {
        buf_puts(b, named_keys[i].spoken);
        return;
    }
    for (size_t j = 0; j < sizeof(punct_keys) / sizeof(*punct_keys); j++)
        if (n == 1 && punct_keys[j].c == s[0]) {
            buf_puts(b, punct_keys[j].spoken);
            return;
        }
    buf_puts(b, "phím ");
    buf_append(b, s, n);
}

char *cmd_keys_help(int spoken)
{
    struct buf b = BUF_INIT;
    buf_puts(&b, spoken ? "" : _("Keys:"));
    int first = 1;
    for (const struct cmd *c = table; c->name; c++) {
        if (!*c->keys)
            continue;
        if (spoken) {
            size_t len;
            const char *sep = b.len ? " " : "";
            for (const char *s = next_key(c->keys, &len); s; s = next_key(s + len, &len)) {
                buf_puts(&b, sep);
                put_spoken_key(&b, s, len);
                sep = " hoặc ";
            }
            buf_puts(&b, ": ");
            buf_puts(&b, c->spoken);
            buf_putc(&b, '.');
        } else {
            buf_puts(&b, first ? " " : "; ");
            buf_puts(&b, c->keys);
            buf_puts(&b, ": ");
            buf_puts(&b, _(c->help));
        }
        first = 0;
    }
    if (!spoken)
        buf_putc(&b, '.');
    return buf_steal(&b);
}
