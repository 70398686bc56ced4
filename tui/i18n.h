/* Translation of user-visible strings. Every string a user reads goes
 * through _() (or N_() where it must stay a constant and is translated when
 * shown). The message catalogue is <localedir>/<lang>/LC_MESSAGES/<domain>.mo,
 * built from assets/po/<lang>.po. */
#ifndef TUI_I18N_H
#define TUI_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

/* Sets the locale from the environment and binds the text domain. When the
 * locale the environment names is not installed (a fresh Debian has no
 * zh_CN.UTF-8), falls back to C.UTF-8 for character handling and keeps the
 * language the user asked for through LANGUAGE, which GNU gettext honours
 * whenever the locale is not plain "C". localedir NULL keeps the system
 * default. Returns 1 when the character set is UTF-8, else 0. */
int tui_i18n_init(const char *domain, const char *localedir);

/* The language messages are shown in ("zh_CN", "en"); static string. */
const char *tui_i18n_language(void);

#endif
