/* bench-startup.c — how long flows-studio takes to show its first frame, and how much memory it
 * needs for it, against a bare libadwaita window with as many rows; and how fast its Apps
 * sidebar filters a large library.
 *
 * usage: bench-startup FLOWS_STUDIO BARE_WINDOW SCHEMA_DIR HOOK_MODULE [--launches N] [--apps N]
 *        bench-startup --make-library DIR [--apps N]   (only writes the library, for profiling)
 *
 * Two series, one with a library of 100 Apps and one with 1,000 (--apps N: only one series, of N):
 * 1. A library of N Apps (odd ones Generic, even ones OAuth, each made from its template by
 *    flows_app_new_from_template() and written by flows_library_add_app()) in a temporary
 *    directory, which FLOWS_STUDIO_DATA_DIR points at.
 * 2. flows-studio and `bare-window N` (tests/benchmarks/bare-window.c: an AdwApplicationWindow of
 *    1200×800 with a header bar and an N-row GtkListBox of AdwActionRow in a scrolled window)
 *    are launched 10 times each, interleaved (flows-studio first in even rounds, bare-window
 *    first in odd ones), after one untimed warm-up launch of each (which fills the disk cache and
 *    Mesa's shader cache for both). Both get the same environment: GDK_BACKEND=x11 (the X server
 *    of build-aux/session), NO_AT_BRIDGE=1, GSK_RENDERER=cairo unless the caller set another (see
 *    main()), GSETTINGS_SCHEMA_DIR=SCHEMA_DIR, the library's
 *    FLOWS_STUDIO_DATA_DIR, a fresh empty XDG_CONFIG_HOME for every launch, and
 *    LD_PRELOAD=HOOK_MODULE (first-frame-hook.c); the rest is inherited.
 * 3. Startup time: from g_get_monotonic_time() taken just before g_subprocess_launcher_spawnv()
 *    to the CLOCK_MONOTONIC time the program prints in the "after-paint" of its first frame
 *    (HOOK_MODULE, loaded into both programs, prints it). The program then waits
 *    for its stdin to close, so the benchmark looks at the live process: peak RSS is VmHWM of
 *    /proc/PID/status read as soon as the first-frame line arrives, and one second later every
 *    process descending from PID is listed from /proc, counting those whose command line holds
 *    "WebKit" (WebKitWebProcess, WebKitNetworkProcess, a bwrap sandboxing one). Then stdin is
 *    closed and the program must quit by itself with status 0.
 *    The CPU time (user + system, all threads) the process has used by then is read from
 *    /proc/PID/stat at the same moment: on a loaded machine it is steadier than wall-clock time.
 * 4. The sidebar search, in the timed flows-studio launches of the 1,000-App series: the hook,
 *    given FLOWS_BENCHMARK_SEARCH="App 42", opens the sidebar's search a second after the first
 *    frame (after the figures above are read), types the text into it one character at a time
 *    and deletes it again, and prints for each keystroke the time from the text change to the
 *    first frame drawn after the entry's "search-changed" (the filtered list on screen), and where
 *    that time went (filtering and the list's rows, the wait for the frame clock, layout, paint).
 *    The benchmark waits for all of them before closing stdin.
 * 5. Prints each launch, then for each series the medians of 10: `startup-ms`, `bare-startup-ms`,
 *    `startup-rss-kb`, `bare-startup-rss-kb`, `startup-cpu-ms`, `bare-startup-cpu-ms`,
 *    `startup-cpu-ratio`, `webkit-processes-at-startup` (the most seen in any flows-studio
 *    launch, warm-up included), and last `startup-ratio` and `startup-rss-ratio` (flows-studio
 *    median / bare median); the names of the 1,000-App series end in "-1000" (any N but 100:
 *    "-N"). Then `sidebar-search-ms` (the median keystroke) and `sidebar-search-worst-ms`, and
 *    `sidebar-search-cpu-ms` and `sidebar-search-cpu-worst-ms`: the main thread's CPU time from the
 *    text change to the end of the frame's paint, steadier than the clock on a shared machine.
 *    Targets, printed but not enforced: the ratios ≤ 1.30 at 100 and at 1,000 Apps, a keystroke
 *    ≤ 16 ms (one frame at 60 Hz).
 *
 * Exit status: 77 (skipped) without $DISPLAY; 1 when a launch fails (no first frame within
 * 60 s, a bad exit, a search that does not finish) or when any WebKit process ran before a
 * sign-in; 0 otherwise.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gio/gio.h>

#include "flows-app-templates.h"
#include "flows-library.h"

#define FIRST_FRAME_MARKER "FLOWS_BENCHMARK_FIRST_FRAME "
#define SEARCH_MARKER "FLOWS_BENCHMARK_SEARCH_MS "
#define SEARCH_DONE_MARKER "FLOWS_BENCHMARK_SEARCH_DONE"
#define SEARCH_PARTS_MARKER "FLOWS_BENCHMARK_SEARCH_PARTS "
#define SEARCH_CPU_PART "CPU "
#define FIRST_FRAME_TIMEOUT_S 60
#define SEARCH_TIMEOUT_S 60
#define EXIT_TIMEOUT_S 30
#define SETTLE_US G_USEC_PER_SEC
/* What the search types: every keystroke narrows the list of 1,000 ("App 4" matches "App 4",
 * "App 4x", "App 4xx" and "App 04x" among others), and deleting it widens it back to all. */
#define SEARCH_TEXT "App 42"
#define SEARCH_SERIES_APPS 1000

static const int default_series[] = { 100, SEARCH_SERIES_APPS };

static int launches = 10;
/* The main thread's CPU time of each keystroke of the search (ms), from its parts. */
static GArray *search_cpu_ms;
static int n_apps = 0;
static char *make_library_only = NULL;

static const GOptionEntry options[] = {
  { "launches", 'n', 0, G_OPTION_ARG_INT, &launches, "Timed launches of each program (10)", "N" },
  { "apps", 'a', 0, G_OPTION_ARG_INT, &n_apps, "Only one series, of N Apps (100 and 1,000)", "N" },
  { "make-library", 0, 0, G_OPTION_ARG_FILENAME, &make_library_only,
    "Only write the library to DIR (for a profiler: FLOWS_STUDIO_DATA_DIR=DIR) and exit", "DIR" },
  { NULL }
};

typedef struct
{
  gint64  startup_us;
  gint64  cpu_us;
  gint64  hwm_kb;
  guint   webkit;
} Launch;

/* One launch in progress: what the async callbacks fill in. */
typedef struct
{
  GDataInputStream *stdout_stream;
  gint64            first_frame_us;
  gboolean          stdout_done;
  /* Set with either of the two above. */
  gboolean          first_frame_or_eof;
  /* The keystrokes of the search (ms), and its end (or that of stdout). */
  GArray           *search_ms;
  gboolean          search_done_or_eof;
  gboolean          exited;
  gboolean          timed_out;
} LaunchState;

/* Building the library ------------------------------------------------------------------------ */

static gboolean
make_library (const char  *path,
              int          apps,
              GError     **error)
{
  g_autoptr(GFile) directory = g_file_new_for_path (path);
  g_autoptr(FlowsLibrary) library = flows_library_new (directory);
  g_autoptr(FlowsLibrary) check = flows_library_new (directory);
  guint n_loaded;

  if (!flows_library_load (library, error))
    return FALSE;

  for (int i = 1; i <= apps; i++)
    {
      FlowsConnectionType type = i % 2 ? FLOWS_CONNECTION_TYPE_GENERIC : FLOWS_CONNECTION_TYPE_OAUTH;
      g_autofree char *name = g_strdup_printf ("Benchmark App %03d", i);
      g_autofree char *description = g_strdup_printf ("App %d of the startup benchmark, %s", i,
                                                      type == FLOWS_CONNECTION_TYPE_OAUTH ? "OAuth" : "Generic");
      g_autoptr(FlowsApp) app = flows_app_new_from_template (name, type);

      flows_app_set_description (app, description);
      if (!flows_library_add_app (library, app, error))
        return FALSE;
    }

  /* What flows-studio will read: all of it, and no problems. */
  if (!flows_library_load (check, error))
    return FALSE;
  n_loaded = g_list_model_get_n_items (flows_library_get_apps (check));
  if (n_loaded != (guint)apps || flows_library_get_problems (check)->len != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the library holds %u Apps and %u problems, not %d Apps",
                   n_loaded, flows_library_get_problems (check)->len, apps);
      return FALSE;
    }
  return TRUE;
}

static void
remove_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) children =
    g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);

  if (children != NULL)
    {
      GFileInfo *info;
      GFile *child;

      while (g_file_enumerator_iterate (children, &info, &child, NULL, NULL) && info != NULL)
        remove_tree (child);
    }
  g_file_delete (file, NULL, NULL);
}

/* /proc ----------------------------------------------------------------------------------------- */

/* VmHWM of /proc/PID/status in KiB, or -1. */
static gint64
read_hwm_kb (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (line = strstr (text, "\nVmHWM:")) == NULL)
    return -1;
  return g_ascii_strtoll (line + strlen ("\nVmHWM:"), NULL, 10);
}

/* User and system CPU time of every thread of @pid so far (utime and stime of /proc/PID/stat),
 * in µs, or -1. */
static gint64
read_cpu_us (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *end;
  long ticks_per_s = sysconf (_SC_CLK_TCK);

  /* After "PID (COMM) ": state is field 3, utime 14 and stime 15. */
  if (!g_file_get_contents (path, &text, NULL, NULL) || (end = strrchr (text, ')')) == NULL ||
      g_strv_length (fields = g_strsplit (end + 2, " ", -1)) < 13)
    return -1;
  return (g_ascii_strtoll (fields[11], NULL, 10) + g_ascii_strtoll (fields[12], NULL, 10)) *
         G_USEC_PER_SEC / ticks_per_s;
}

static GPid
read_ppid (const char *pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat", pid);
  g_autofree char *text = NULL;
  const char *end;

  /* "PID (COMM) STATE PPID …", where COMM may hold spaces and parentheses. */
  if (!g_file_get_contents (path, &text, NULL, NULL) || (end = strrchr (text, ')')) == NULL)
    return -1;
  return (GPid)g_ascii_strtoll (end + 4, NULL, 10);
}

/* The command line of @pid with its arguments joined by spaces, or its (15-character) comm when
 * it has none (a kernel thread, a zombie). */
static char *
read_command_line (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/cmdline", pid);
  g_autofree char *comm_path = g_strdup_printf ("/proc/%d/comm", pid);
  char *text = NULL;
  gsize length;

  if (g_file_get_contents (path, &text, &length, NULL) && length > 0)
    {
      for (gsize i = 0; i + 1 < length; i++)
        if (text[i] == '\0')
          text[i] = ' ';
      return text;
    }
  g_free (text);
  if (g_file_get_contents (comm_path, &text, NULL, NULL))
    return g_strchomp (text);
  return g_strdup ("?");
}

/* Every process that descends from @pid, by name into @names; returns how many belong to
 * WebKit (their command line holds "WebKit"). */
static guint
count_webkit_descendants (GPid      pid,
                          GString  *names)
{
  g_autoptr(GHashTable) parents = g_hash_table_new (NULL, NULL);
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  GHashTableIter iter;
  gpointer key, value;
  const char *entry;
  guint webkit = 0;

  while (proc != NULL && (entry = g_dir_read_name (proc)) != NULL)
    {
      GPid ppid;

      if (!g_ascii_isdigit (entry[0]) || (ppid = read_ppid (entry)) < 0)
        continue;
      g_hash_table_insert (parents, GINT_TO_POINTER (atoi (entry)), GINT_TO_POINTER (ppid));
    }

  g_hash_table_iter_init (&iter, parents);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GPid ancestor = GPOINTER_TO_INT (value);
      int depth = 0;

      while (ancestor > 1 && ancestor != pid && depth++ < 64)
        ancestor = GPOINTER_TO_INT (g_hash_table_lookup (parents, GINT_TO_POINTER (ancestor)));
      if (ancestor == pid)
        {
          g_autofree char *command_line = read_command_line (GPOINTER_TO_INT (key));
          g_autofree char *name = g_strndup (command_line, strcspn (command_line, " "));

          /* WebKitWebProcess, WebKitNetworkProcess, and the bwrap that sandboxes them (its
           * command line names the process it starts). */
          if (strstr (command_line, "WebKit") != NULL)
            webkit++;
          g_string_append_printf (names, " %s[%d]", strrchr (name, '/') != NULL ? strrchr (name, '/') + 1 : name,
                                  GPOINTER_TO_INT (key));
        }
    }
  return webkit;
}

/* One launch ------------------------------------------------------------------------------------ */

static void read_next_line (LaunchState *state);

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  LaunchState *state = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (state->stdout_stream, result, NULL, &error);

  if (line == NULL)
    {
      if (error != NULL)
        g_printerr ("  reading the program's output: %s\n", error->message);
      state->stdout_done = state->first_frame_or_eof = state->search_done_or_eof = TRUE;
      return;
    }

  if (state->first_frame_us == 0 && g_str_has_prefix (line, FIRST_FRAME_MARKER))
    {
      state->first_frame_us = g_ascii_strtoll (line + strlen (FIRST_FRAME_MARKER), NULL, 10);
      state->first_frame_or_eof = TRUE;
    }
  else if (state->search_ms != NULL && g_str_has_prefix (line, SEARCH_MARKER))
    g_array_append_val (state->search_ms, (double){ g_ascii_strtod (line + strlen (SEARCH_MARKER), NULL) });
  else if (g_str_has_prefix (line, SEARCH_PARTS_MARKER))
    {
      const char *cpu = strstr (line, SEARCH_CPU_PART);

      g_print ("%-22s   %s\n", "", line + strlen (SEARCH_PARTS_MARKER));
      if (state->search_ms != NULL && cpu != NULL)
        g_array_append_val (search_cpu_ms, (double){ g_ascii_strtod (cpu + strlen (SEARCH_CPU_PART), NULL) });
    }
  else if (g_str_has_prefix (line, SEARCH_DONE_MARKER))
    {
      if (!g_str_equal (line, SEARCH_DONE_MARKER))
        g_printerr ("  | %s\n", line);
      state->search_done_or_eof = TRUE;
    }
  else
    g_printerr ("  | %s\n", line);
  read_next_line (state);
}

static void
read_next_line (LaunchState *state)
{
  g_data_input_stream_read_line_async (state->stdout_stream, G_PRIORITY_DEFAULT, NULL, on_line, state);
}

static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  LaunchState *state = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  state->exited = TRUE;
}

static gboolean
on_timeout (gpointer user_data)
{
  LaunchState *state = user_data;

  state->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main context until *@flag is set, or @timeout_s have passed: FALSE then. */
static gboolean
wait_for (LaunchState *state,
          gboolean    *flag,
          guint        timeout_s)
{
  guint timeout_id;

  state->timed_out = FALSE;
  timeout_id = g_timeout_add_seconds (timeout_s, on_timeout, state);
  while (!*flag && !state->timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!state->timed_out)
    g_source_remove (timeout_id);
  return *flag;
}

/* Launches @argv; with @search_ms, times the sidebar search into it (the keystrokes, in ms). */
static gboolean
launch (const char *const *argv,
        const char        *label,
        const char        *scratch,
        const char        *library,
        const char        *schema_dir,
        const char        *hook_module,
        GArray            *search_ms,
        Launch            *out)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) children = g_string_new (NULL);
  g_autofree char *config = g_build_filename (scratch, "config-XXXXXX", NULL);
  LaunchState state = { .search_ms = search_ms };
  guint n_keystrokes = search_ms != NULL ? search_ms->len : 0;
  gboolean ok = TRUE;
  gint64 start_us;
  GPid pid;

  if (g_mkdtemp (config) == NULL)
    {
      g_printerr ("%s: no configuration directory %s: %s\n", label, config, g_strerror (errno));
      return FALSE;
    }

  g_subprocess_launcher_setenv (launcher, "FLOWS_STUDIO_DATA_DIR", library, TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_SCHEMA_DIR", schema_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config, TRUE);
  g_subprocess_launcher_setenv (launcher, "GDK_BACKEND", "x11", TRUE);
  g_subprocess_launcher_setenv (launcher, "NO_AT_BRIDGE", "1", TRUE);
  g_subprocess_launcher_setenv (launcher, "LD_PRELOAD", hook_module, TRUE);
  if (search_ms != NULL)
    g_subprocess_launcher_setenv (launcher, "FLOWS_BENCHMARK_SEARCH", SEARCH_TEXT, TRUE);

  start_us = g_get_monotonic_time ();
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  if (process == NULL)
    {
      g_printerr ("%s: %s does not start: %s\n", label, argv[0], error->message);
      return FALSE;
    }
  pid = (GPid)atoi (g_subprocess_get_identifier (process));

  state.stdout_stream = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  read_next_line (&state);
  g_subprocess_wait_async (process, NULL, on_exited, &state);

  /* The first frame; a program that closes its stdout (exits) first has failed. */
  wait_for (&state, &state.first_frame_or_eof, FIRST_FRAME_TIMEOUT_S);

  if (state.first_frame_us != 0)
    {
      out->startup_us = state.first_frame_us - start_us;
      out->hwm_kb = read_hwm_kb (pid);
      out->cpu_us = read_cpu_us (pid);
      g_usleep (SETTLE_US);
      out->webkit = count_webkit_descendants (pid, children);
      g_print ("%-22s %7.1f ms  (CPU %6.1f ms)  %7" G_GINT64_FORMAT " kB  children:%s\n", label,
               out->startup_us / 1000.0, out->cpu_us / 1000.0, out->hwm_kb,
               children->len > 0 ? children->str : " none");
      if (search_ms != NULL)
        {
          GString *keystrokes = g_string_new (NULL);

          if (!wait_for (&state, &state.search_done_or_eof, SEARCH_TIMEOUT_S) || state.stdout_done ||
              search_ms->len == n_keystrokes)
            {
              g_printerr ("%s: the search did not finish\n", label);
              ok = FALSE;
            }
          for (guint i = n_keystrokes; i < search_ms->len; i++)
            g_string_append_printf (keystrokes, " %.1f", g_array_index (search_ms, double, i));
          g_print ("%-22s search, ms a keystroke:%s\n", "", keystrokes->str);
          g_string_free (keystrokes, TRUE);
        }
    }
  else
    {
      g_printerr ("%s: no first frame%s\n", label,
                  state.stdout_done ? ": the program closed its output (exited?) first"
                                    : " within " G_STRINGIFY (FIRST_FRAME_TIMEOUT_S) " s");
      ok = FALSE;
    }

  /* Closing stdin tells the program to quit. */
  g_output_stream_close (g_subprocess_get_stdin_pipe (process), NULL, NULL);
  if (!wait_for (&state, &state.exited, EXIT_TIMEOUT_S))
    {
      g_printerr ("%s: still running %d s after it was told to quit; killed\n", label, EXIT_TIMEOUT_S);
      g_subprocess_force_exit (process);
      wait_for (&state, &state.exited, EXIT_TIMEOUT_S);
      ok = FALSE;
    }
  else if (!g_subprocess_get_successful (process))
    {
      if (g_subprocess_get_if_signaled (process))
        g_printerr ("%s: killed by signal %d\n", label, g_subprocess_get_term_sig (process));
      else
        g_printerr ("%s: exit status %d\n", label, g_subprocess_get_exit_status (process));
      ok = FALSE;
    }
  /* Let the pending read see the end of the stream before the stream goes away. */
  wait_for (&state, &state.stdout_done, EXIT_TIMEOUT_S);
  g_clear_object (&state.stdout_stream);
  return ok;
}

/* Figures --------------------------------------------------------------------------------------- */

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y;
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_doubles);
  if (values->len == 0)
    return 0;
  if (values->len % 2)
    return g_array_index (values, double, values->len / 2);
  return (g_array_index (values, double, values->len / 2 - 1) + g_array_index (values, double, values->len / 2)) / 2;
}

/* The figures of one series: the medians, and the name suffix of the series. */
static void
print_series (const char *suffix,
              GArray     *app_ms,
              GArray     *bare_ms,
              GArray     *app_kb,
              GArray     *bare_kb,
              GArray     *app_cpu,
              GArray     *bare_cpu,
              guint       webkit_max)
{
  double app_ms_median = median (app_ms), bare_ms_median = median (bare_ms);
  double app_kb_median = median (app_kb), bare_kb_median = median (bare_kb);
  double app_cpu_median = median (app_cpu), bare_cpu_median = median (bare_cpu);

  g_print ("startup-ms%s: %.0f\n", suffix, app_ms_median);
  g_print ("bare-startup-ms%s: %.0f\n", suffix, bare_ms_median);
  g_print ("startup-rss-kb%s: %.0f\n", suffix, app_kb_median);
  g_print ("bare-startup-rss-kb%s: %.0f\n", suffix, bare_kb_median);
  /* CPU time is steadier than wall-clock time on a loaded machine: shown, not a target. */
  g_print ("startup-cpu-ms%s: %.0f\n", suffix, app_cpu_median);
  g_print ("bare-startup-cpu-ms%s: %.0f\n", suffix, bare_cpu_median);
  g_print ("startup-cpu-ratio%s: %.2f\n", suffix, app_cpu_median / bare_cpu_median);
  g_print ("webkit-processes-at-startup%s: %u\n", suffix, webkit_max);
  g_print ("startup-ratio%s: %.2f\n", suffix, app_ms_median / bare_ms_median);
  g_print ("startup-rss-ratio%s: %.2f\n", suffix, app_kb_median / bare_kb_median);
}

/* One series: a library of @apps Apps, and the launches of flows-studio and bare-window with as
 * many rows; FALSE when a launch failed or a WebKit process ran. */
static gboolean
run_series (int         apps,
            const char *flows_studio,
            const char *bare_window,
            const char *schema_dir,
            const char *hook_module,
            GArray     *search_ms)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) app_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) bare_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) app_kb = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) bare_kb = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) app_cpu = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) bare_cpu = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *scratch = NULL;
  g_autofree char *library = NULL;
  g_autoptr(GFile) scratch_file = NULL;
  g_autofree char *rows = g_strdup_printf ("%d", apps);
  g_autofree char *suffix = apps == 100 ? g_strdup ("") : g_strdup_printf ("-%d", apps);
  const char *app_argv[] = { flows_studio, NULL };
  const char *bare_argv[] = { bare_window, rows, NULL };
  guint webkit_max = 0;
  gboolean ok = TRUE;

  if ((scratch = g_dir_make_tmp ("flows-bench-startup-XXXXXX", &error)) == NULL)
    {
      g_printerr ("No temporary directory: %s\n", error->message);
      return FALSE;
    }
  scratch_file = g_file_new_for_path (scratch);
  library = g_build_filename (scratch, "library", NULL);
  if (!make_library (library, apps, &error))
    {
      g_printerr ("The library of %d Apps could not be made: %s\n", apps, error->message);
      remove_tree (scratch_file);
      return FALSE;
    }
  g_print ("\nlibrary: %d Apps (Generic and OAuth, alternating) in %s\n", apps, library);
  g_print ("flows-studio: %s\nbare-window:  %s %s\n", flows_studio, bare_window, rows);
  g_print ("%d launches of each, interleaved, after one warm-up launch of each%s\n", launches,
           search_ms != NULL ? "; the timed flows-studio ones search for \"" SEARCH_TEXT "\"" : "");

  for (int round = -1; round < launches; round++)
    {
      for (int turn = 0; turn < 2; turn++)
        {
          /* flows-studio first in even rounds, bare-window first in odd ones. */
          gboolean is_app = (turn == 0) == (round % 2 == 0);
          g_autofree char *label = g_strdup_printf ("%s %s", is_app ? "flows-studio" : "bare-window ",
                                                    round < 0 ? "(warm-up)" : "");
          Launch result = { 0 };

          if (!launch (is_app ? app_argv : bare_argv, label, scratch, library, schema_dir, hook_module,
                       is_app && round >= 0 ? search_ms : NULL, &result))
            {
              ok = FALSE;
              continue;
            }
          if (is_app)
            webkit_max = MAX (webkit_max, result.webkit);
          if (round < 0)
            continue;
          g_array_append_val (is_app ? app_ms : bare_ms, (double){ result.startup_us / 1000.0 });
          g_array_append_val (is_app ? app_kb : bare_kb, (double){ (double)result.hwm_kb });
          g_array_append_val (is_app ? app_cpu : bare_cpu, (double){ result.cpu_us / 1000.0 });
        }
    }

  remove_tree (scratch_file);

  if (app_ms->len == 0 || bare_ms->len == 0)
    {
      g_printerr ("No launch succeeded\n");
      return FALSE;
    }
  print_series (suffix, app_ms, bare_ms, app_kb, bare_kb, app_cpu, bare_cpu, webkit_max);
  if (webkit_max > 0)
    {
      g_printerr ("FAIL: a WebKit process ran before any sign-in\n");
      ok = FALSE;
    }
  return ok;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("FLOWS_STUDIO BARE_WINDOW SCHEMA_DIR HOOK_MODULE");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) search_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cpu_ms = search_cpu_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *hook_module = NULL;
  const char *flows_studio, *bare_window, *schema_dir;
  gboolean ok = TRUE;

  g_option_context_add_main_entries (context, options, NULL);
  if (g_option_context_parse (context, &argc, &argv, &error) && make_library_only != NULL)
    {
      int apps = n_apps > 0 ? n_apps : 100;

      if (!make_library (make_library_only, apps, &error))
        {
          g_printerr ("The library of %d Apps could not be made: %s\n", apps, error->message);
          return 1;
        }
      return 0;
    }
  if (error != NULL || argc != 5 || launches < 1 || n_apps < 0)
    {
      g_printerr ("%s\n", error != NULL ? error->message : g_option_context_get_help (context, TRUE, NULL));
      return 2;
    }
  flows_studio = argv[1];
  bare_window = argv[2];
  schema_dir = argv[3];
  /* The dynamic linker resolves a relative LD_PRELOAD against the program's working directory. */
  hook_module = g_canonicalize_filename (argv[4], NULL);

  if (g_getenv ("DISPLAY") == NULL || *g_getenv ("DISPLAY") == '\0')
    {
      g_print ("SKIP: no $DISPLAY; run it under build-aux/session\n");
      return 77;
    }
  /* The renderer of the other frame benchmarks and of the UI tests under Xvfb, unless the caller
   * chose one: there GTK's default is GL on Mesa's software rasteriser, whose paint of a frame
   * measures Mesa on the machine's shared cores (40 to 110 ms a keystroke) rather than the
   * search. Both programs inherit it, so that the start-up ratios still compare flows-studio and
   * the bare window under one renderer. */
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_print ("renderer: %s (GSK_RENDERER, both programs)\n", g_getenv ("GSK_RENDERER"));

  for (guint i = 0; i < G_N_ELEMENTS (default_series); i++)
    {
      int apps = n_apps > 0 ? n_apps : default_series[i];

      if (!run_series (apps, flows_studio, bare_window, schema_dir, hook_module,
                       apps == SEARCH_SERIES_APPS ? search_ms : NULL))
        ok = FALSE;
      if (n_apps > 0)
        break;
    }

  if (search_ms->len > 0)
    {
      double median_ms = median (search_ms);

      /* median() sorted them: the worst is the last. */
      g_print ("sidebar-search-keystrokes: %u\n", search_ms->len);
      g_print ("sidebar-search-ms: %.1f\n", median_ms);
      g_print ("sidebar-search-worst-ms: %.1f\n", g_array_index (search_ms, double, search_ms->len - 1));
    }
  if (search_cpu_ms->len > 0)
    {
      g_print ("sidebar-search-cpu-ms: %.1f\n", median (search_cpu_ms));
      g_print ("sidebar-search-cpu-worst-ms: %.1f\n", g_array_index (search_cpu_ms, double, search_cpu_ms->len - 1));
    }
  return ok ? 0 : 1;
}
