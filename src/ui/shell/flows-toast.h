/* flows-toast.h — toast helpers shared by the pages */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Dismisses @toast once its show animation, and the hide animation of a toast it postponed,
 * are over. libadwaita 1.2 crashes when a toast is dismissed before that (an Undo right after a
 * Delete, from a shortcut or a test); later is safe, and dismissing a toast that is gone does
 * nothing. */
void flows_toast_dismiss_later (AdwToast *toast);

G_END_DECLS
