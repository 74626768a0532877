/* main.c — flows-studio */

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "flows-application.h"

/* Startup benchmark hook (tests/benchmarks/bench-startup.c; the same code is in
 * tests/benchmarks/bare-window.c, the baseline it is compared with). Only active when
 * FLOWS_BENCHMARK_FIRST_FRAME=1: once the first window is mapped, the first "after-paint" of its
 * GdkFrameClock writes `FLOWS_BENCHMARK_FIRST_FRAME <CLOCK_MONOTONIC µs>` to stdout, and the
 * application quits as soon as stdin is readable or closed (at once when it is /dev/null), so
 * that the benchmark can look at the live process (peak RSS, child processes) first. */
#define BENCHMARK_ENV "FLOWS_BENCHMARK_FIRST_FRAME"

static gboolean
benchmark_on_stdin (int           fd,
                    GIOCondition  condition,
                    gpointer      user_data)
{
  g_application_quit (G_APPLICATION (user_data));
  return G_SOURCE_REMOVE;
}

static void
benchmark_on_after_paint (GdkFrameClock *clock,
                          GtkWidget     *window)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

  if (surface == NULL || !gdk_surface_get_mapped (surface))
    return;

  g_signal_handlers_disconnect_by_func (clock, benchmark_on_after_paint, window);
  printf (BENCHMARK_ENV " %" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
  fflush (stdout);
  g_unix_fd_add (STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR, benchmark_on_stdin,
                 gtk_window_get_application (GTK_WINDOW (window)));
}

static void
benchmark_on_map (GtkWidget *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  g_signal_handlers_disconnect_by_func (window, benchmark_on_map, NULL);
  if (clock != NULL)
    g_signal_connect_object (clock, "after-paint", G_CALLBACK (benchmark_on_after_paint), window, 0);
}

static void
benchmark_on_window_added (GtkApplication *application,
                           GtkWindow      *window)
{
  g_signal_handlers_disconnect_by_func (application, benchmark_on_window_added, NULL);
  g_signal_connect (window, "map", G_CALLBACK (benchmark_on_map), NULL);
}
/* End of the startup benchmark hook. */

int
main (int    argc,
      char **argv)
{
  g_autoptr(FlowsApplication) application = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  application = flows_application_new ();
  if (g_strcmp0 (g_getenv (BENCHMARK_ENV), "1") == 0)
    g_signal_connect (application, "window-added", G_CALLBACK (benchmark_on_window_added), NULL);
  return g_application_run (G_APPLICATION (application), argc, argv);
}
