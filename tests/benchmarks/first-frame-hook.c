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
 *
 * With FLOWS_BENCHMARK_SEARCH=TEXT it also times a search, one keystroke at a time, a second after
 * the first frame: it opens the window's first GtkSearchBar (depth first: the one highest up and
 * furthest left, the Apps sidebar's in flows-studio), then types TEXT into its GtkSearchEntry one
 * character at a time and deletes it again one character at a time (a text change through
 * GtkEditable, as a key press makes), 100 ms apart and a random part of a 60 Hz frame more: while
 * the entry has the focus its blinking cursor keeps the frame clock ticking, and a keystroke
 * exactly 100 ms (six frames) after a frame would always come just after the next one began, and
 * wait most of a frame for its own, where a person's key press comes at any moment of one, half a
 * frame before the next on average. Each keystroke prints
 * `FLOWS_BENCHMARK_SEARCH_MS <ms> <text>`: from just before the change to the "after-paint" of the
 * first frame after the entry's "search-changed", i.e. the filtered list drawn (the entry's own
 * search delay included), and `FLOWS_BENCHMARK_SEARCH_PARTS …`: where that time went, i.e. the
 * text change to the end of "search-changed" (the application filtering, and its list making and
 * dropping rows), the wait for the frame clock's next frame, and the frame's layout and paint
 * (GdkFrameClock's phases). Then `FLOWS_BENCHMARK_SEARCH_DONE`.
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include <gtk/gtk.h>
#include <glib-unix.h>

#define FIRST_FRAME_MARKER "FLOWS_BENCHMARK_FIRST_FRAME"
#define SEARCH_MARKER "FLOWS_BENCHMARK_SEARCH_MS"
#define SEARCH_DONE_MARKER "FLOWS_BENCHMARK_SEARCH_DONE"
#define SEARCH_PARTS_MARKER "FLOWS_BENCHMARK_SEARCH_PARTS"
#define SEARCH_START_MS 1000
#define SEARCH_REVEAL_MS 500
#define KEYSTROKE_GAP_MS 100
#define FRAME_MS 17

/* The search being timed: FLOWS_BENCHMARK_SEARCH, typed in and deleted one character a step. */
typedef struct
{
  GtkWidget      *window;
  GtkSearchEntry *entry;
  char           *text;
  guint           n_chars;
  guint           step;        /* 0 … 2 × n_chars */
  gint64          change_us;   /* when the step's text change was made */
  gboolean        filtered;    /* its "search-changed" came: the next frame shows it */
  /* Where the keystroke's time went: the end of "search-changed" (the application's filtering
   * and the list's new rows), and the frame's layout and paint phases that followed. */
  gint64          filtered_us;
  gint64          change_cpu_us;    /* the main thread's CPU time at the change, and at the end */
  gint64          paint_end_cpu_us; /* of the paint: on a loaded machine, steadier than the clock */
  gint64          layout_start_us;
  gint64          layout_end_us;
  gint64          paint_end_us;
} Search;

static void type_next (Search *search);

/* The CPU time the calling thread has used, in µs. */
static gint64
thread_cpu_us (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec * G_USEC_PER_SEC + now.tv_nsec / 1000;
}

static gboolean
on_stdin (int           fd,
          GIOCondition  condition,
          gpointer      user_data)
{
  g_application_quit (G_APPLICATION (user_data));
  return G_SOURCE_REMOVE;
}

static void
print_line (const char *line)
{
  printf ("%s\n", line);
  fflush (stdout);
}

static gboolean
on_next_keystroke (gpointer user_data)
{
  type_next (user_data);
  return G_SOURCE_REMOVE;
}

static void
on_search_changed (GtkSearchEntry *entry,
                   Search         *search)
{
  if (search->change_us == 0)
    return;
  search->filtered = TRUE;
  search->filtered_us = g_get_monotonic_time ();
  search->layout_start_us = search->layout_end_us = search->paint_end_us = 0;
  /* A change that leaves the list as it was draws nothing new: the frame still has to come. */
  gtk_widget_queue_draw (GTK_WIDGET (entry));
}

static void
on_search_after_paint (GdkFrameClock *clock,
                       Search        *search)
{
  g_autofree char *line = NULL;

  if (!search->filtered)
    return;
  line = g_strdup_printf (SEARCH_MARKER " %.2f %s", (g_get_monotonic_time () - search->change_us) / 1000.0,
                          gtk_editable_get_text (GTK_EDITABLE (search->entry)));
  print_line (line);
  g_free (line);
  line = g_strdup_printf (SEARCH_PARTS_MARKER " filter %.2f, wait %.2f, layout %.2f, paint %.2f; CPU %.2f",
                          (search->filtered_us - search->change_us) / 1000.0,
                          (search->layout_start_us - search->filtered_us) / 1000.0,
                          /* A frame that lays nothing out has no "layout" phase. */
                          search->layout_end_us != 0 ? (search->layout_end_us - search->layout_start_us) / 1000.0 : 0,
                          (search->paint_end_us - MAX (search->layout_end_us, search->layout_start_us)) / 1000.0,
                          (search->paint_end_cpu_us - search->change_cpu_us) / 1000.0);
  print_line (line);
  search->filtered = FALSE;
  search->change_us = 0;
  search->step++;
  g_timeout_add (KEYSTROKE_GAP_MS + g_random_int_range (0, FRAME_MS), on_next_keystroke, search);
}

/* One keystroke: the next character of the text typed, or the last one deleted. */
static void
type_next (Search *search)
{
  GtkEditable *editable = GTK_EDITABLE (search->entry);
  const char *text = search->text;

  if (search->step >= 2 * search->n_chars)
    {
      g_signal_handlers_disconnect_by_data (gtk_widget_get_frame_clock (search->window), search);
      g_signal_handlers_disconnect_by_data (search->entry, search);
      print_line (SEARCH_DONE_MARKER);
      return;
    }

  search->change_us = g_get_monotonic_time ();
  search->change_cpu_us = thread_cpu_us ();
  if (search->step < search->n_chars)
    {
      const char *character = g_utf8_offset_to_pointer (text, search->step);
      int position = search->step;

      gtk_editable_insert_text (editable, character, g_utf8_next_char (character) - character, &position);
    }
  else
    {
      guint left = 2 * search->n_chars - search->step;

      gtk_editable_delete_text (editable, left - 1, left);
    }
}

/* The first search bar under @widget, depth first, or NULL. */
static GtkSearchBar *
find_search_bar (GtkWidget *widget)
{
  if (GTK_IS_SEARCH_BAR (widget))
    return GTK_SEARCH_BAR (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkSearchBar *found = find_search_bar (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The frame clock's phases, connected after GTK's own handlers: "before-paint" and "update" come
 * before the window's layout, "layout" and "paint" after GTK has done them. */
static void
on_search_update (GdkFrameClock *clock,
                  Search        *search)
{
  if (search->filtered && search->layout_start_us == 0)
    search->layout_start_us = g_get_monotonic_time ();
}

static void
on_search_layout (GdkFrameClock *clock,
                  Search        *search)
{
  if (search->filtered && search->layout_start_us != 0)
    search->layout_end_us = g_get_monotonic_time ();
}

static void
on_search_paint (GdkFrameClock *clock,
                 Search        *search)
{
  if (search->filtered && search->layout_start_us != 0)
    {
      search->paint_end_us = g_get_monotonic_time ();
      search->paint_end_cpu_us = thread_cpu_us ();
    }
}

static gboolean
on_search_revealed (gpointer user_data)
{
  Search *search = user_data;

  g_signal_connect_after (search->entry, "search-changed", G_CALLBACK (on_search_changed), search);
  g_signal_connect (gtk_widget_get_frame_clock (search->window), "after-paint", G_CALLBACK (on_search_after_paint),
                    search);
  g_signal_connect (gtk_widget_get_frame_clock (search->window), "before-paint", G_CALLBACK (on_search_update), search);
  g_signal_connect (gtk_widget_get_frame_clock (search->window), "update", G_CALLBACK (on_search_update), search);
  g_signal_connect (gtk_widget_get_frame_clock (search->window), "layout", G_CALLBACK (on_search_layout), search);
  g_signal_connect (gtk_widget_get_frame_clock (search->window), "paint", G_CALLBACK (on_search_paint), search);
  type_next (search);
  return G_SOURCE_REMOVE;
}

static gboolean
on_search_start (gpointer user_data)
{
  Search *search = user_data;
  GtkSearchBar *bar = find_search_bar (search->window);
  GtkWidget *entry = bar != NULL ? gtk_search_bar_get_child (bar) : NULL;

  if (!GTK_IS_SEARCH_ENTRY (entry))
    {
      print_line (SEARCH_DONE_MARKER " (no search bar with a search entry)");
      return G_SOURCE_REMOVE;
    }
  search->entry = GTK_SEARCH_ENTRY (entry);
  gtk_search_bar_set_search_mode (bar, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  /* Past the search bar's reveal animation. */
  g_timeout_add (SEARCH_REVEAL_MS, on_search_revealed, search);
  return G_SOURCE_REMOVE;
}

static void
on_after_paint (GdkFrameClock *clock,
                GtkWidget     *window)
{
  const char *search_text = g_getenv ("FLOWS_BENCHMARK_SEARCH");

  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

  if (surface == NULL || !gdk_surface_get_mapped (surface))
    return;

  g_signal_handlers_disconnect_by_func (clock, on_after_paint, window);
  printf (FIRST_FRAME_MARKER " %" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
  fflush (stdout);
  g_unix_fd_add (STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR, on_stdin,
                 gtk_window_get_application (GTK_WINDOW (window)));

  if (search_text != NULL && *search_text != '\0' && g_utf8_validate (search_text, -1, NULL))
    {
      /* Lives as long as the process: the benchmark closes stdin once the search is done. */
      Search *search = g_new0 (Search, 1);

      search->window = window;
      search->text = g_strdup (search_text);
      search->n_chars = g_utf8_strlen (search_text, -1);
      g_timeout_add (SEARCH_START_MS, on_search_start, search);
    }
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
