/*
 * i18n.h — gettext for the user interface: Vietnamese when the locale or LANGUAGE asks for
 * it, English otherwise. Wrap every user-facing string in _() (or N_() in static tables).
 */
#ifndef DOCBAO_I18N_H
#define DOCBAO_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

/* Sets the locale and binds the message catalog: <dir of the executable>/locale when it
 * exists (a build tree), else the installed LOCALEDIR. */
void i18n_init(void);

#endif
