/* flows-toast.h — toast helpers shared by the pages */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Adds @toast (taking the reference, as adw_toast_overlay_add_toast() does) to @overlay, and
 * holds back any dismissal of it (its close button, the close that follows a click on its
 * button, Escape, a timeout, adw_toast_dismiss()) until no show animation that started on
 * @overlay can still run: libadwaita 1.2 frees a toast hidden during its show animation while
 * that animation runs (see "Toasts" in docs/ARCHITECTURE.md). Every toast goes through here.
 * Connect "dismissed" handlers with G_CONNECT_AFTER, so that they run once, when the toast
 * really goes; "button-clicked" runs at once, as ever. */
void flows_toast_add (AdwToastOverlay *overlay,
                      AdwToast        *toast);

G_END_DECLS
