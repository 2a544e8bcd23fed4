/*
 * paths.c — data and executable folders (see paths.h). An installed docbao finds its data
 * next to itself (PREFIX/bin/../share/docbao) before the folder compiled in, so an install
 * under another PREFIX or DESTDIR still works.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "docbao/paths.h"

#ifndef DOCBAO_DATADIR
#define DOCBAO_DATADIR "/usr/local/share/docbao"
#endif

static char exe_path[PATH_MAX];
static char exe_dir[PATH_MAX];
static char data_dir[PATH_MAX];

const char *paths_exe(void)
{
    if (exe_path[0])
        return exe_path;
    ssize_t n = readlink("/proc/self/exe", exe_path, sizeof(exe_path) - 1);
    if (n <= 0 || !strchr(exe_path, '/')) {
        exe_path[0] = '\0';
        return NULL;
    }
    exe_path[n] = '\0';
    return exe_path;
}

const char *paths_exe_dir(void)
{
    if (exe_dir[0])
        return exe_dir;
    const char *exe = paths_exe();
    if (!exe)
        return NULL;
    snprintf(exe_dir, sizeof(exe_dir), "%.*s", (int)(strrchr(exe, '/') - exe), exe);
    return exe_dir;
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *paths_data_dir(void)
{
    if (data_dir[0])
        return data_dir;
    const char *env = getenv("DOCBAO_DATADIR");
    const char *exe = paths_exe_dir();
    char probe[PATH_MAX + 32];
    if (env && *env) {
        snprintf(data_dir, sizeof(data_dir), "%s", env);
    } else if (exe && (snprintf(probe, sizeof(probe), "%s/../voices", exe), is_dir(probe))) {
        snprintf(data_dir, sizeof(data_dir), "%s/..", exe); /* the build tree */
    } else if (exe && (snprintf(probe, sizeof(probe), "%s/../share/docbao/voices", exe),
                       is_dir(probe))) {
        snprintf(data_dir, sizeof(data_dir), "%s/../share/docbao", exe); /* PREFIX/bin/.. */
    } else {
        snprintf(data_dir, sizeof(data_dir), "%s", DOCBAO_DATADIR);
    }
    return data_dir;
}
