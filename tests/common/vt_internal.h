/* What the harness's two files share: the screen libvterm keeps and its
 * size. */
#ifndef VT_INTERNAL_H
#define VT_INTERNAL_H

#include <vterm.h>

VTermScreen *vt__screen(void);
int vt__rows(void);
int vt__cols(void);

#endif
