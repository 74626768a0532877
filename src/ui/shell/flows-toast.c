/* flows-toast.c — toast helpers shared by the pages
 *
 * libadwaita 1.2's AdwToastOverlay keeps a record for each toast, with the toast's widget and
 * its show and hide animations. Hiding a toast plays a 300 ms animation at whose end the record
 * is freed; the show animation (300 ms, 500 ms when it replaces a toast still hiding) is only
 * unreferenced then, and keeps running, for a playing animation holds itself, and its end
 * writes into the freed record (GTK runs a widget's newest tick callback first, so even a hide
 * that ends in the same frame as the show ends before it). A toast hidden while it still shows
 * also lets a toast it postponed show again before that one has finished hiding, which aborts
 * ("show_toast: assertion failed: (!info->widget)"). So a dismissal is held back until the
 * overlay's frame clock has passed the end of every show animation started on it (see "Toasts"
 * in docs/ARCHITECTURE.md). */

#include "flows-toast.h"

/* The longest show animation of libadwaita 1.2, and a margin: the time this file reads comes
 * after libadwaita's, but both are smoothed by the frame clock. */
#define SHOW_ANIMATION_MS 500
#define MARGIN_MS 100

typedef struct {
  AdwToastOverlay *overlay; /* unowned: the state is the overlay's data */
  /* Frame time (µs) after which no show animation started on the overlay still runs, and
   * whether a frame at or after it has gone by (then the animations have seen it too). */
  gint64 shows_end_at;
  gboolean settled;
  guint tick_id;
  guint release_id;
  GPtrArray *held; /* toasts whose dismissal waits, owned */
} OverlayToasts;

static GQuark overlay_toasts_quark;

static void
overlay_toasts_free (gpointer data)
{
  OverlayToasts *state = data;
  g_autoptr(GPtrArray) held = g_steal_pointer (&state->held);

  /* The overlay is finalized (it was unmapped before, which ended its animations), and
   * release_held() has not run yet. Those whose dismissal waited are dismissed for the
   * handlers that wait for it (the overlay's own is disconnected). */
  g_clear_handle_id (&state->release_id, g_source_remove);
  for (guint i = 0; i < held->len; i++)
    g_signal_emit_by_name (g_ptr_array_index (held, i), "dismissed");
  g_free (state);
}

static gboolean release_held (gpointer data);

static void
schedule_release (OverlayToasts *state)
{
  /* From an idle: this frame's other tick callbacks and "unmap" handlers, among them the show
   * animations', run before. */
  if (state->release_id == 0 && state->held->len > 0)
    state->release_id = g_idle_add (release_held, state);
}

static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *frame_clock,
         gpointer       data)
{
  OverlayToasts *state = data;

  if (gdk_frame_clock_get_frame_time (frame_clock) < state->shows_end_at)
    return G_SOURCE_CONTINUE;

  state->settled = TRUE;
  state->tick_id = 0;
  schedule_release (state);
  return G_SOURCE_REMOVE;
}

static void
on_unmap (OverlayToasts *state)
{
  /* An unmapped overlay skips its animations to their end. */
  if (state->tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (state->overlay), state->tick_id);
  state->tick_id = 0;
  state->settled = TRUE;
  schedule_release (state);
}

/* A toast may start showing now: it is added, or the one shown goes and the next shows. */
static void
note_show (OverlayToasts *state)
{
  GdkFrameClock *frame_clock = gtk_widget_get_frame_clock (GTK_WIDGET (state->overlay));

  /* Unmapped, libadwaita skips the animation at once. */
  if (frame_clock == NULL || !gtk_widget_get_mapped (GTK_WIDGET (state->overlay)))
    return;

  state->shows_end_at = gdk_frame_clock_get_frame_time (frame_clock) + (SHOW_ANIMATION_MS + MARGIN_MS) * 1000;
  state->settled = FALSE;
  if (state->tick_id == 0)
    state->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (state->overlay), on_tick, state, NULL);
}

static gboolean
release_held (gpointer data)
{
  OverlayToasts *state = data;
  g_autoptr(GPtrArray) held = g_steal_pointer (&state->held);

  state->release_id = 0;
  state->held = g_ptr_array_new_with_free_func (g_object_unref);
  /* Each is dismissed again; one that goes shows the next, and the others wait for that. */
  for (guint i = 0; i < held->len; i++)
    g_signal_emit_by_name (g_ptr_array_index (held, i), "dismissed");
  return G_SOURCE_REMOVE;
}

/* A toast whose dismissal is held takes no more clicks or focus, as libadwaita's does once
 * it hides: a second Undo must not undo again. Its widget is the overlay's child whose "toast"
 * property is @toast. */
static void
stop_input (AdwToastOverlay *overlay,
            AdwToast        *toast)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (overlay)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      g_autoptr(GObject) shown = NULL;

      if (g_object_class_find_property (G_OBJECT_GET_CLASS (child), "toast") == NULL)
        continue;
      g_object_get (child, "toast", &shown, NULL);
      if (shown == G_OBJECT (toast))
        {
          gtk_widget_set_can_target (child, FALSE);
          gtk_widget_set_can_focus (child, FALSE);
        }
    }
}

/* Runs before the overlay's own "dismissed" handler, connected after it by
 * adw_toast_overlay_add_toast(), and before handlers connected after (G_CONNECT_AFTER). */
static void
on_dismissed (AdwToast        *toast,
              AdwToastOverlay *overlay)
{
  OverlayToasts *state = g_object_get_qdata (G_OBJECT (overlay), overlay_toasts_quark);

  if (state->settled || !gtk_widget_get_mapped (GTK_WIDGET (overlay)))
    {
      note_show (state);
      return;
    }

  /* libadwaita's own handler has already forgotten the overlay, so adw_toast_dismiss() would
   * do nothing: release_held() emits the signal itself. */
  g_signal_stop_emission_by_name (toast, "dismissed");
  stop_input (overlay, toast);
  if (!g_ptr_array_find (state->held, toast, NULL))
    g_ptr_array_add (state->held, g_object_ref (toast));
}

void
flows_toast_add (AdwToastOverlay *overlay,
                 AdwToast        *toast)
{
  OverlayToasts *state;

  g_return_if_fail (ADW_IS_TOAST_OVERLAY (overlay));
  g_return_if_fail (ADW_IS_TOAST (toast));

  if (overlay_toasts_quark == 0)
    overlay_toasts_quark = g_quark_from_static_string ("flows-toast-overlay-toasts");
  state = g_object_get_qdata (G_OBJECT (overlay), overlay_toasts_quark);
  if (state == NULL)
    {
      state = g_new0 (OverlayToasts, 1);
      state->overlay = overlay;
      state->settled = TRUE;
      state->held = g_ptr_array_new_with_free_func (g_object_unref);
      g_object_set_qdata_full (G_OBJECT (overlay), overlay_toasts_quark, state, overlay_toasts_free);
      g_signal_connect_swapped (overlay, "unmap", G_CALLBACK (on_unmap), state);
    }

  /* Adding a toast that is there again only brings it forward. */
  if (g_object_get_qdata (G_OBJECT (toast), overlay_toasts_quark) == NULL)
    {
      g_object_set_qdata (G_OBJECT (toast), overlay_toasts_quark, overlay);
      g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_dismissed), overlay, 0);
    }
  adw_toast_overlay_add_toast (overlay, toast);
  note_show (state);
}
