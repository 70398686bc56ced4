/* Every screen of the console, with the name the ':' command line and the
 * keymap file use for it. A new screen is one line here. */
#include <string.h>

#include "screens/yx.h"

const struct tui_screen_ops *const yx_screens[] = {
    &yx_queue_ops,     /* queue        the application list (first screen) */
    &yx_detail_ops,    /* application  one application (opened from the queue) */
};
const size_t yx_nscreens = sizeof yx_screens / sizeof yx_screens[0];

const struct tui_screen_ops *yx_screen_find(const char *name)
{
    for (size_t i = 0; name && i < yx_nscreens; i++)
        if (strcmp(yx_screens[i]->name, name) == 0) return yx_screens[i];
    return NULL;
}
