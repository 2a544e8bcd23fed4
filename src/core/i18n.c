/*
 * i18n.c — locale and message catalog set-up (see i18n.h).
 *
 * glibc ignores $LANGUAGE when the message locale is "C", and converts translations to the
 * locale's charset; so with LANGUAGE set under the C locale (or a Vietnamese LANG whose
 * locale is not generated) we switch to C.UTF-8, and the catalog is always delivered as
 * UTF-8 (our output is UTF-8 everywhere).
 */
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "docbao/i18n.h"
#include "docbao/paths.h"

#ifndef DOCBAO_LOCALEDIR
#define DOCBAO_LOCALEDIR "/usr/local/share/locale"
#endif

void i18n_init(void)
{
    char lang[16];
    const char *loc = setlocale(LC_ALL, "");
    if (!loc || strcmp(loc, "C") == 0 || strcmp(loc, "POSIX") == 0) {
        /* The C locale, or a locale the system has not generated (vi_VN.UTF-8 on a minimal
         * install): take the language the user asked for from the environment. */
        const char *want = NULL;
        const char *vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
        for (size_t i = 0; i < sizeof(vars) / sizeof(*vars) && !want; i++) {
            const char *v = getenv(vars[i]);
            if (v && *v)
                want = v;
        }
        const char *language = getenv("LANGUAGE");
        if (want && strcmp(want, "C") != 0 && strcmp(want, "POSIX") != 0 &&
            strncmp(want, "C.", 2) != 0 && (!language || !*language)) {
            size_t n = strcspn(want, "_.@");
            snprintf(lang, sizeof(lang), "%.*s", (int)(n < 15 ? n : 15), want);
            setenv("LANGUAGE", lang, 1);
            language = lang;
        }
        if (language && *language && setlocale(LC_ALL, "C.UTF-8") == NULL)
            setlocale(LC_ALL, "C");
    }
    /* numbers on the command line, in files and on the socket are written "1.5" whatever the
     * locale (the interface prints the decimal comma itself where Vietnamese wants it) */
    setlocale(LC_NUMERIC, "C");
    const char *exe = paths_exe_dir();
    char dir[PATH_MAX + 16];
    struct stat st;
    if (exe && (snprintf(dir, sizeof(dir), "%s/locale", exe), stat(dir, &st) == 0))
        bindtextdomain("docbao", dir); /* the build tree */
    else if (exe && (snprintf(dir, sizeof(dir), "%s/../share/locale/vi/LC_MESSAGES/docbao.mo",
                              exe),
                     stat(dir, &st) == 0) &&
             (snprintf(dir, sizeof(dir), "%s/../share/locale", exe), 1))
        bindtextdomain("docbao", dir); /* installed next to PREFIX/bin */
    else
        bindtextdomain("docbao", DOCBAO_LOCALEDIR);
    bind_textdomain_codeset("docbao", "UTF-8");
    textdomain("docbao");
}
