/* Locale and message catalogue set-up. The language follows the locale;
 * when the named locale is not installed we still honour its language (see
 * tui_i18n_init in i18n.h). */
#include "tui/i18n.h"

#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The first of LC_ALL, LC_MESSAGES, LANG that is set and not empty. */
static const char *wanted_locale(void)
{
    static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v) return v;
    }
    return NULL;
}

int tui_i18n_init(const char *domain, const char *localedir)
{
    const char *want = wanted_locale();
    if (!setlocale(LC_ALL, "")) {
        /* The locale is not installed. Keep UTF-8 character handling and
         * carry the language over to gettext through LANGUAGE. */
        if (!setlocale(LC_ALL, "C.UTF-8")) setlocale(LC_ALL, "C");
        if (want && strcmp(want, "C") && strcmp(want, "POSIX") && !getenv("LANGUAGE")) {
            char lang[64];
            size_t n = strcspn(want, ".@");
            if (n > 0 && n < sizeof lang) {
                memcpy(lang, want, n);
                lang[n] = '\0';
                setenv("LANGUAGE", lang, 1);
            }
        }
    } else if (!strcmp(setlocale(LC_CTYPE, NULL), "C") || !strcmp(setlocale(LC_CTYPE, NULL), "POSIX")) {
        /* Plain C: gettext would ignore LANGUAGE, and curses would not show
         * UTF-8. C.UTF-8 is the same locale with UTF-8 characters. */
        setlocale(LC_CTYPE, "C.UTF-8");
    }
    if (domain) {
        if (localedir) bindtextdomain(domain, localedir);
        bind_textdomain_codeset(domain, "UTF-8");
        textdomain(domain);
    }
    return strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}

const char *tui_i18n_language(void)
{
    /* The catalogue's own header says which language answered. */
    const char *hdr = gettext("");
    const char *p = hdr ? strstr(hdr, "Language: ") : NULL;
    static char lang[16];
    size_t n;
    if (!p) return "en";
    p += 10;
    n = strcspn(p, "\n");
    if (n == 0 || n >= sizeof lang) return "en";
    memcpy(lang, p, n);
    lang[n] = '\0';
    return lang;
}
