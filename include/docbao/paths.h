/*
 * paths.h — where docbao finds its data: the build tree when run from it, else the
 * installed data folder; $DOCBAO_DATADIR overrides both.
 */
#ifndef DOCBAO_PATHS_H
#define DOCBAO_PATHS_H

/* The folder holding voices/ (and later sources.json); never NULL; owned by the module. */
const char *paths_data_dir(void);

/* The running executable's path (/proc/self/exe) and its folder, or NULL when unknown; owned
 * by the module. */
const char *paths_exe(void);
const char *paths_exe_dir(void);

#endif
