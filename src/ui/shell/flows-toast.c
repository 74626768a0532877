/* flows-toast.c — toast helpers shared by the pages */

#include "flows-toast.h"

/* Longer than the show animation of libadwaita 1.2's toasts. */
#define DISMISS_DELAY_MS 300

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
