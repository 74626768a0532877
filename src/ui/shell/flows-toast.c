/* flows-toast.c — toast helpers shared by the pages */

#include "flows-toast.h"

/* Longer than the show animation of libadwaita 1.2's toasts (300 ms, 500 ms for one that
 * replaces a toast still hiding) and the hide animation (300 ms) of a toast that a
 * high-priority one postponed: dismissing the new toast before the postponed one has finished
 * hiding shows that one again while it still has its widget, and libadwaita aborts
 * ("show_toast: assertion failed: (!info->widget)"); a toast hidden before its show animation
 * is over is freed while that animation runs, whose end then writes to it (SIGSEGV).
 * Animations run on frames, which come late on a busy machine, hence the margin. */
#define DISMISS_DELAY_MS 900

static gboolean
dismiss (gpointer data)
{
  adw_toast_dismiss (ADW_TOAST (data));
  return G_SOURCE_REMOVE;
}

void
flows_toast_dismiss_later (AdwToast *toast)
{
  g_return_if_fail (ADW_IS_TOAST (toast));

  g_timeout_add_full (G_PRIORITY_DEFAULT, DISMISS_DELAY_MS, dismiss, g_object_ref (toast), g_object_unref);
}
