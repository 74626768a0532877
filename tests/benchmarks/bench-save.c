/* bench-save.c — the main loop while an App of 1,000 stages is autosaved and while a library of
 * 1,000 Apps loads
 *
 * The main loop's iterations are timed from the poll function: the time between two polls is
 * one iteration's work (dispatching every source that was ready). In a temporary library,
 * watched as the application watches it:
 *   - the costs of one save of the App, median of 5: the document as a tree, its text, its
 *     checksum, writing it (temporary file, fsync, rename);
 *   - typing: a keystroke every 40 ms into a setting of a Call API stage of the App, through
 *     FlowsHistory as the properties panel does it, each step queueing an autosave as the flow
 *     editor does; "save-stall-ms" is the longest iteration (goal ≤ 4), against the same typing
 *     saved the way autosave did before it had a worker: flows_library_flush() from the
 *     main loop's timer, which writes on the main thread ("baseline-save-stall-ms");
 *   - loading: 1,000 Apps read by flows_library_load() in a thread, as the application does,
 *     then installed on the main thread (the file monitors); "library-load-stall-ms" is the
 *     longest iteration meanwhile, against flows_library_load() on the main thread
 *     ("baseline-library-load-stall-ms").
 * Wall-clock figures: the machine's other work shows in them; "save-stall-cpu-ms" is the most
 * CPU time of the main thread one iteration took, which it does not, and the main thread's
 * context switches in the longest iteration say where the rest went: preempted (the CPU given
 * to another thread or program) or waiting (a lock, the disk). The baseline shares the
 * stages' kept document objects, so its figure lacks what making every stage's object cost
 * ("save-tree-first-ms").
 */

/* RUSAGE_THREAD */
#define _GNU_SOURCE

#include "config.h"

#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "flows-document.h"
#include "flows-history.h"
#include "flows-json-util.h"
#include "flows-stage-catalog.h"
#include "test-files.h"

#define N_STAGES      1000
#define N_APPS        1000
#define N_KEYSTROKES  100
#define KEYSTROKE_MS  40
#define N_COST_ROUNDS 5
/* The autosave's delay, for the baseline's timer (flows-library.c). */
#define SAVE_DELAY_MS 300

/* The main loop's timing ------------------------------------------------------------------- */

static GPollFunc default_poll;
static gint64    last_poll_end;
static gint64    last_poll_end_cpu;
static gint64    longest_iteration;
static gint64    longest_iteration_cpu;
static gboolean  timing;
/* The main thread's context switches at the last poll's end, and in the longest iteration:
 * involuntary ones (the scheduler gave the CPU to another thread or program) and voluntary
 * ones (the thread waited: a lock, the disk). They tell where its wall-clock time went. */
static struct rusage last_poll_end_usage;
static long      longest_iteration_preempted;
static long      longest_iteration_waited;

/* The main thread's CPU time: what an iteration cost us, whatever else the machine did. */
static gint64
thread_cpu_us (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec * G_USEC_PER_SEC + now.tv_nsec / 1000;
}

static int
timed_poll (GPollFD *fds,
            guint    n_fds,
            int      timeout)
{
  gint64 start = g_get_monotonic_time ();
  gint64 start_cpu = thread_cpu_us ();
  struct rusage usage;
  int result;

  getrusage (RUSAGE_THREAD, &usage);
  if (timing && last_poll_end != 0)
    {
      if (start - last_poll_end > longest_iteration)
        {
          longest_iteration = start - last_poll_end;
          longest_iteration_preempted = usage.ru_nivcsw - last_poll_end_usage.ru_nivcsw;
          longest_iteration_waited = usage.ru_nvcsw - last_poll_end_usage.ru_nvcsw;
        }
      longest_iteration_cpu = MAX (longest_iteration_cpu, start_cpu - last_poll_end_cpu);
    }
  result = default_poll (fds, n_fds, timeout);
  last_poll_end = g_get_monotonic_time ();
  last_poll_end_cpu = thread_cpu_us ();
  getrusage (RUSAGE_THREAD, &last_poll_end_usage);
  return result;
}

static void
start_timing (void)
{
  longest_iteration = 0;
  longest_iteration_cpu = 0;
  longest_iteration_preempted = 0;
  longest_iteration_waited = 0;
  last_poll_end = 0;
  timing = TRUE;
}

/* The longest iteration since start_timing(), in ms of wall-clock time; @cpu_ms (if given)
 * gets the most CPU time of the main thread an iteration took. */
static double
stop_timing (double *cpu_ms)
{
  timing = FALSE;
  if (cpu_ms != NULL)
    *cpu_ms = longest_iteration_cpu / 1000.0;
  return longest_iteration / 1000.0;
}

static void
spin_until (gboolean *done)
{
  while (!*done)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
set_true (gpointer user_data)
{
  *(gboolean *)user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Lets the main loop run idle for @ms (file monitor events, late callbacks). */
static void
run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_true, &done);
  spin_until (&done);
}

/* The App ---------------------------------------------------------------------------------- */

/* One flow of @n_stages: a chain of Call API, Set Fields and Build URL stages with the
 * catalogue's settings, in columns as a big flow is laid out. */
static FlowsApp *
make_app (const char *id,
          const char *name,
          guint       n_stages)
{
  static const FlowsStageType types[] = {
    FLOWS_STAGE_TYPE_CALL_API, FLOWS_STAGE_TYPE_SET_FIELDS, FLOWS_STAGE_TYPE_BUILD_URL,
  };
  FlowsApp *app = flows_app_new (id, name, FLOWS_CONNECTION_TYPE_GENERIC);
  g_autoptr(FlowsFlow) flow = flows_flow_new ("flow", "Big flow");
  FlowsStage *previous = NULL;

  for (guint i = 0; i < n_stages; i++)
    {
      FlowsStageType type = i == 0 ? FLOWS_STAGE_TYPE_TRIGGER : types[i % G_N_ELEMENTS (types)];
      g_autofree char *stage_id = g_strdup_printf ("s%04u", i);
      g_autofree char *key = g_strdup_printf ("step%u", i);
      g_autoptr(FlowsStage) stage = flows_stage_new (stage_id, key, type, flows_stage_catalog_lookup (type)->name);
      g_autoptr(JsonObject) settings = flows_stage_catalog_default_settings (type);

      flows_stage_set_settings (stage, settings);
      flows_stage_set_position (stage, (i / 25) * 300.0, (i % 25) * 120.0);
      if (previous != NULL)
        flows_stage_set_route (previous, flows_stage_catalog_lookup (flows_stage_get_stage_type (previous))->outputs[0],
                               stage_id);
      flows_flow_add_stage (flow, stage);
      previous = stage;
    }
  flows_app_add_flow (app, flow);
  return app;
}

static FlowsStage *
first_call_api_stage (FlowsFlow *flow)
{
  GListModel *stages = flows_flow_get_stages (flow);

  for (guint i = 0; i < g_list_model_get_n_items (stages); i++)
    {
      g_autoptr(FlowsStage) stage = g_list_model_get_item (stages, i);

      if (flows_stage_get_stage_type (stage) == FLOWS_STAGE_TYPE_CALL_API)
        return stage;
    }
  g_assert_not_reached ();
}

/* The costs of one save ----------------------------------------------------------------------- */

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y ? 1 : 0;
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof (double), compare_doubles);
  return values[n / 2];
}

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

static void
print_save_costs (FlowsApp   *app,
                  const char *data_dir)
{
  double tree[N_COST_ROUNDS], text[N_COST_ROUNDS], checksum[N_COST_ROUNDS], write[N_COST_ROUNDS];
  g_autofree char *path = g_build_filename (data_dir, "cost.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  gsize size = 0;

  for (guint i = 0; i < N_COST_ROUNDS; i++)
    {
      g_autoptr(JsonNode) document = NULL;
      g_autofree char *bytes = NULL;
      g_autofree char *sum = NULL;
      g_autoptr(GError) error = NULL;
      gint64 start = g_get_monotonic_time ();

      document = flows_document_app_to_node (app);
      tree[i] = ms_since (start);
      start = g_get_monotonic_time ();
      bytes = flows_document_node_to_text (document);
      text[i] = ms_since (start);
      start = g_get_monotonic_time ();
      sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, bytes, -1);
      checksum[i] = ms_since (start);
      start = g_get_monotonic_time ();
      if (!flows_document_write (file, bytes, 0644, &error))
        g_error ("%s", error->message);
      write[i] = ms_since (start);
      size = strlen (bytes);
    }

  g_print ("app-stages: %u, app-document-kb: %" G_GSIZE_FORMAT "\n", N_STAGES, size / 1024);
  g_print ("save-tree-first-ms: %.2f (main thread, every stage's object made)\n", tree[0]);
  g_print ("save-tree-ms: %.2f (main thread, the stages' objects kept)\n", median (tree, N_COST_ROUNDS));
  g_print ("save-text-ms: %.2f (worker)\n", median (text, N_COST_ROUNDS));
  g_print ("save-checksum-ms: %.2f (worker)\n", median (checksum, N_COST_ROUNDS));
  g_print ("save-write-ms: %.2f (worker: temporary file, fsync, rename)\n", median (write, N_COST_ROUNDS));
}

/* Typing with autosave on ------------------------------------------------------------------- */

typedef struct
{
  FlowsLibrary *library;
  FlowsApp     *app;
  FlowsHistory *history;
  FlowsStage   *stage;
  GString      *typed;
  guint         keystrokes;
  gboolean      synchronous;   /* the baseline: flush from a timer, on the main thread */
  guint         flush_source;
  gboolean      done;
} Typing;

/* The autosave as it was before it had a worker: after the same delay, the App's document
 * made and written on the main thread. */
static gboolean
save_now (gpointer user_data)
{
  Typing *typing = user_data;
  g_autoptr(GError) error = NULL;

  typing->flush_source = 0;
  if (!flows_library_save_app (typing->library, typing->app, &error))
    g_error ("%s", error->message);
  return G_SOURCE_REMOVE;
}

/* What the flow editor does on every step of its history. */
static void
on_history_changed (Typing *typing)
{
  if (!typing->synchronous)
    flows_library_queue_save_app (typing->library, typing->app);
  else if (typing->flush_source == 0)
    typing->flush_source = g_timeout_add (SAVE_DELAY_MS, save_now, typing);
}

/* One keystroke into the stage's path, as the properties panel writes a setting. */
static gboolean
type_key (gpointer user_data)
{
  Typing *typing = user_data;
  g_autoptr(JsonNode) current = json_node_init_object (json_node_alloc (), flows_stage_get_settings (typing->stage));
  g_autoptr(JsonNode) settings = flows_json_deep_copy (current);

  if (typing->keystrokes == N_KEYSTROKES)
    {
      typing->done = TRUE;
      return G_SOURCE_REMOVE;
    }

  g_string_append_c (typing->typed, "abcdefghijklmnopqrstuvwxyz/"[typing->keystrokes % 27]);
  json_object_set_string_member (json_node_get_object (settings), "uriPath", typing->typed->str);
  flows_history_set_settings (typing->history, typing->stage, json_node_get_object (settings), "uriPath");
  typing->keystrokes++;
  return G_SOURCE_CONTINUE;
}

/* Types into a new copy of the App, saved in a library of its own; returns the longest main
 * loop iteration, in ms. */
static double
measure_typing (const char *data_dir,
                gboolean    synchronous,
                double     *cpu_ms)
{
  Typing typing = { 0 };
  g_autoptr(GFile) directory = g_file_new_for_path (data_dir);
  g_autoptr(FlowsFlow) flow = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *expected = NULL;
  double stall;

  typing.library = flows_library_new (directory);
  typing.app = make_app (synchronous ? "typing-sync" : "typing", "Typing", N_STAGES);
  typing.typed = g_string_new ("/v1/");
  typing.synchronous = synchronous;
  if (!flows_library_load (typing.library, &error) ||
      !flows_library_add_app (typing.library, typing.app, &error) ||
      !flows_library_watch (typing.library, &error))
    g_error ("%s", error->message);
  flow = g_list_model_get_item (flows_app_get_flows (typing.app), 0);
  typing.history = flows_history_new (flow);
  typing.stage = first_call_api_stage (flow);
  g_signal_connect_swapped (typing.history, "changed", G_CALLBACK (on_history_changed), &typing);
  run_for (200);

  start_timing ();
  g_timeout_add (KEYSTROKE_MS, type_key, &typing);
  spin_until (&typing.done);
  /* Until the last autosave is written and the file monitor has reported it. */
  run_for (SAVE_DELAY_MS + 700);
  stall = stop_timing (cpu_ms);

  /* What the typing made is what is on disk, byte for byte. */
  if (!flows_library_flush (typing.library, &error))
    g_error ("%s", error->message);
  path = test_library_app_path (data_dir, typing.app);
  saved = test_read_text (path);
  expected = flows_document_app_to_json (typing.app);
  if (!g_str_equal (saved, expected) || strstr (saved, typing.typed->str) == NULL)
    g_error ("the saved App is not the App typed into");

  g_clear_handle_id (&typing.flush_source, g_source_remove);
  g_string_free (typing.typed, TRUE);
  g_object_unref (typing.history);
  g_object_unref (typing.app);
  g_object_unref (typing.library);
  return stall;
}

/* Loading a library of 1,000 Apps ----------------------------------------------------------- */

static void
write_library (const char *data_dir)
{
  g_autofree char *apps = g_build_filename (data_dir, "apps", NULL);

  g_mkdir_with_parents (apps, 0700);
  for (guint i = 0; i < N_APPS; i++)
    {
      g_autofree char *id = g_strdup_printf ("app-%04u", i);
      g_autofree char *name = g_strdup_printf ("App %u", i);
      g_autofree char *basename = g_strdup_printf ("%s.json", id);
      g_autofree char *path = g_build_filename (apps, basename, NULL);
      g_autoptr(FlowsApp) copy = make_app (id, name, 20);
      g_autofree char *text = flows_document_app_to_json (copy);

      /* No fsync: these files are the input, and 1,000 syncs would take minutes. */
      if (!g_file_set_contents (path, text, -1, NULL))
        g_error ("cannot write %s", path);
    }
}

typedef struct
{
  FlowsLibrary *library;
  GError       *error;
  gboolean      loaded;
} Loading;

static gpointer
load_in_thread (gpointer data)
{
  Loading *loading = data;

  flows_library_load (loading->library, &loading->error);
  return NULL;
}

static gboolean
tell_loaded (gpointer data)
{
  Loading *loading = data;

  loading->loaded = TRUE;
  return G_SOURCE_REMOVE;
}

static gpointer
load_then_tell (gpointer data)
{
  load_in_thread (data);
  g_idle_add (tell_loaded, data);
  return NULL;
}

static gboolean
load_on_main_thread (gpointer data)
{
  load_in_thread (data);
  return tell_loaded (data);
}

/* Returns the longest main loop iteration while the library in @data_dir loads, in ms: in a
 * thread as the application loads it, then installed on the main thread, or all of it on the
 * main thread. */
static double
measure_loading (const char *data_dir,
                 gboolean    in_thread,
                 double     *load_ms)
{
  g_autoptr(GFile) directory = g_file_new_for_path (data_dir);
  Loading loading = { .library = flows_library_new (directory) };
  gint64 start;
  double stall;

  run_for (50);
  start_timing ();
  start = g_get_monotonic_time ();
  if (in_thread)
    g_thread_unref (g_thread_new ("bench-load", load_then_tell, &loading));
  else
    g_idle_add (load_on_main_thread, &loading);
  spin_until (&loading.loaded);
  if (loading.error != NULL || !flows_library_watch (loading.library, &loading.error))
    g_error ("%s", loading.error->message);
  *load_ms = ms_since (start);
  run_for (100);
  stall = stop_timing (NULL);

  if (g_list_model_get_n_items (flows_library_get_apps (loading.library)) != N_APPS)
    g_error ("%u Apps loaded, not %u", g_list_model_get_n_items (flows_library_get_apps (loading.library)), N_APPS);
  g_object_unref (loading.library);
  return stall;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *data_dir = test_make_temp_dir ("flows-bench-save-XXXXXX");
  g_autofree char *library_dir = g_build_filename (data_dir, "large", NULL);
  g_autofree char *typing_dir = g_build_filename (data_dir, "typing", NULL);
  g_autoptr(FlowsApp) app = make_app ("costs", "Costs", N_STAGES);
  double stall, baseline_stall, cpu, baseline_cpu, load_ms, baseline_load_ms;

  default_poll = g_main_context_get_poll_func (NULL);
  g_main_context_set_poll_func (NULL, timed_poll);

  print_save_costs (app, data_dir);

  baseline_stall = measure_typing (typing_dir, TRUE, &baseline_cpu);
  stall = measure_typing (typing_dir, FALSE, &cpu);
  g_print ("keystrokes: %u, every %u ms\n", N_KEYSTROKES, KEYSTROKE_MS);
  g_print ("save-stall-ms: %.2f (in it the main thread was preempted: %ld, waited: %ld)\n",
           stall, longest_iteration_preempted, longest_iteration_waited);
  g_print ("baseline-save-stall-ms: %.2f (saved on the main thread)\n", baseline_stall);
  g_print ("save-stall-cpu-ms: %.2f\n", cpu);
  g_print ("baseline-save-stall-cpu-ms: %.2f\n", baseline_cpu);

  write_library (library_dir);
  baseline_stall = measure_loading (library_dir, FALSE, &baseline_load_ms);
  stall = measure_loading (library_dir, TRUE, &load_ms);
  g_print ("library-apps: %u\n", N_APPS);
  g_print ("library-load-ms: %.1f\n", load_ms);
  g_print ("library-load-stall-ms: %.2f\n", stall);
  g_print ("baseline-library-load-stall-ms: %.2f (loaded on the main thread)\n", baseline_stall);

  test_remove_tree (data_dir);
  return 0;
}
