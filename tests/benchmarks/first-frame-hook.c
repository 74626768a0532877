/* first-frame-hook.c — the first-frame hook of the startup benchmark (bench-startup.c), one
 * copy for both programs it measures.
 *
 * bench-startup loads this module into flows-studio and bare-window with LD_PRELOAD, so that
 * neither program carries benchmark code. Its constructor watches GtkWidget::map through an
 * emission hook; for the first GtkWindow mapped, the first "after-paint" of its GdkFrameClock
 * with the window's surface mapped writes `FLOWS_BENCHMARK_FIRST_FRAME <CLOCK_MONOTONIC µs>` to
 * stdout, and the application quits as soon as stdin is readable or closed (at once when it is
 * /dev/null), so that the benchmark can look at the live process (peak RSS, child processes)
 * first.
 */
#include <stdio.h>
#include <unistd.h>

#include <gtk/gtk.h>
#include <glib-unix.h>

#define FIRST_FRAME_MARKER "FLOWS_BENCHMARK_FIRST_FRAME"

static gboolean
on_stdin (int           fd,
          GIOCondition  condition,
          gpointer      user_data)
{
  g_application_quit (G_APPLICATION (user_data));
  return G_SOURCE_REMOVE;
}

static void
on_after_paint (GdkFrameClock *clock,
                GtkWidget     *window)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

  if (surface == NULL || !gdk_surface_get_mapped (surface))
    return;

  g_signal_handlers_disconnect_by_func (clock, on_after_paint, window);
  printf (FIRST_FRAME_MARKER " %" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
  fflush (stdout);
  g_unix_fd_add (STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR, on_stdin,
                 gtk_window_get_application (GTK_WINDOW (window)));
}

/* Runs after the class handler of "map" (a run-first signal), as a handler connected to the
 * window would; returns FALSE to remove itself once the first window is mapped. */
static gboolean
on_map (GSignalInvocationHint *hint,
        guint                  n_param_values,
        const GValue          *param_values,
        gpointer               user_data)
{
  GtkWidget *widget = g_value_get_object (&param_values[0]);
  GdkFrameClock *clock;

  if (!GTK_IS_WINDOW (widget))
    return TRUE;

  clock = gtk_widget_get_frame_clock (widget);
  if (clock != NULL)
    g_signal_connect_object (clock, "after-paint", G_CALLBACK (on_after_paint), widget, 0);
  return FALSE;
}

static void __attribute__ ((constructor))
first_frame_hook_install (void)
{
  /* The signal exists once the class does. */
  GTypeClass *widget_class = g_type_class_ref (GTK_TYPE_WIDGET);

  g_signal_add_emission_hook (g_signal_lookup ("map", GTK_TYPE_WIDGET), 0, on_map, NULL, NULL);
  g_type_class_unref (widget_class);

  /* Only the measured program: a process it starts would print a first frame of its own on the
   * same stdout. */
  g_unsetenv ("LD_PRELOAD");
}
