/* bench-canvas.c — the flow editor on a flow of 1,000 stages and 1,200 routes
 *
 * In a 1200×800 window under the X server of build-aux/session:
 *   - opening: from flows_flow_editor_set_flow() to the end of the first frame painted after it,
 *     median of 5 opens;
 *   - frames: 300 frames panning across the flow and zooming through it (25 %–200 %), each
 *     frame's cost read off the GdkFrameClock: from the start of its update phase to the end of
 *     its paint;
 *   - memory: the process's resident memory grown by opening the flow and going through it.
 * The flow is measured twice: placed by hand in columns of 25 (dense: many cards and routes in
 * view; the figures without "layered") and placed by the editor's Auto Layout ("layered").
 * The baseline, measured in the same run and the same way, is the editor on a flow of one stage.
 * All of it three times over: each figure is the median of the three rounds (the rounds follow it
 * in brackets), except the memory, which only the first round measures on a fresh process.
 * Prints "canvas-open-ms: N", "canvas-frame-p50-ms: N", "canvas-frame-p95-ms: N" (target ≤ 16),
 * "canvas-memory-kb: N" and the baseline's figures.
 */

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <adwaita.h>

#include "flows-flow-editor.h"
#include "flows-layout.h"
#include "flows-stage-catalog.h"
#include "test-ui-host.h"
#include "test-ui.h"
#include "test-wait.h"

#define N_STAGES 1000
#define N_ROUTES 1200
#define N_FRAMES 300
#define N_OPENS  5
/* Each figure is the median of this many rounds, so that one noisy round does not decide. */
#define N_ROUNDS 3

typedef struct
{
  GtkWindow       *window;
  FlowsFlowEditor *editor;
  FlowsCanvas     *canvas;
  GdkFrameClock   *clock;
  gint64           update_started;
  gint64           update_started_cpu;
  GArray          *frame_cpu;       /* double, ms of this thread's CPU time */
  /* Opening */
  gint64           open_started;
  gint64           open_finished;
  /* Frames */
  GArray          *frame_costs;     /* double, ms */
  guint            frame;
  gboolean         recording;
  double           start_h;
  double           start_v;
  long             memory_kb;
} Bench;

/* The main thread's CPU time: what a frame cost us, whatever else the machine was doing. */
static gint64
thread_cpu_us (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec * G_USEC_PER_SEC + now.tv_nsec / 1000;
}

static void
on_update (GdkFrameClock *clock,
           Bench         *bench)
{
  bench->update_started = g_get_monotonic_time ();
  bench->update_started_cpu = thread_cpu_us ();
}

static void
on_after_paint (GdkFrameClock *clock,
                Bench         *bench)
{
  gint64 now = g_get_monotonic_time ();

  if (bench->open_started != 0 && bench->open_finished == 0)
    bench->open_finished = now;
  if (bench->recording && bench->update_started != 0)
    {
      double cost = (now - bench->update_started) / 1000.0;
      double cpu = (thread_cpu_us () - bench->update_started_cpu) / 1000.0;

      g_array_append_val (bench->frame_costs, cost);
      g_array_append_val (bench->frame_cpu, cpu);
    }
}

static long
rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmRSS:");
  return line != NULL ? strtol (line + strlen ("VmRSS:"), NULL, 10) : 0;
}

/* A flow like a large real one: a chain from the Trigger through every stage, Call API and
 * Route Flow stages whose fail routes jump ahead. */
static FlowsFlow *
make_flow (guint    n_stages,
           guint    n_routes,
           gboolean layered)
{
  FlowsFlow *flow = flows_flow_new ("bench-flow", "Benchmark");
  g_autoptr(GPtrArray) stages = g_ptr_array_new ();
  GRand *rand = g_rand_new_with_seed (1000);
  guint routes = 0;

  for (guint i = 0; i < n_stages; i++)
    {
      static const FlowsStageType types[] = {
        FLOWS_STAGE_TYPE_CALL_API, FLOWS_STAGE_TYPE_SET_FIELDS, FLOWS_STAGE_TYPE_ROUTE_FLOW,
        FLOWS_STAGE_TYPE_BUILD_URL, FLOWS_STAGE_TYPE_CALL_API, FLOWS_STAGE_TYPE_ADD_TO_RESPONSE,
      };
      FlowsStageType type = i == 0 ? FLOWS_STAGE_TYPE_TRIGGER : types[i % G_N_ELEMENTS (types)];
      g_autofree char *id = g_strdup_printf ("stage-%04u", i);
      g_autofree char *key = g_strdup_printf ("stage%u", i);
      g_autofree char *name = g_strdup_printf ("%s %u", flows_stage_catalog_lookup (type)->name, i);
      g_autoptr(FlowsStage) stage = flows_stage_new (id, key, type, name);
      g_autoptr(JsonObject) settings = flows_stage_catalog_default_settings (type);

      flows_stage_set_settings (stage, settings);
      flows_flow_add_stage (flow, stage);
      g_ptr_array_add (stages, stage);
    }

  /* The chain: each stage's first route to the next. */
  for (guint i = 0; i + 1 < n_stages && routes < n_routes; i++, routes++)
    {
      FlowsStage *stage = g_ptr_array_index (stages, i);
      const char *output = flows_stage_catalog_lookup (flows_stage_get_stage_type (stage))->outputs[0];

      flows_stage_set_route (stage, output, flows_stage_get_id (g_ptr_array_index (stages, i + 1)));
    }
  /* The rest: fail routes jumping a little ahead. */
  for (guint i = 1; routes < n_routes && i < n_stages; i++)
    {
      FlowsStage *stage = g_ptr_array_index (stages, i);
      FlowsStageType type = flows_stage_get_stage_type (stage);
      guint target = MIN (n_stages - 1, i + 2 + g_rand_int_range (rand, 0, 6));

      if ((type == FLOWS_STAGE_TYPE_CALL_API || type == FLOWS_STAGE_TYPE_ROUTE_FLOW) && target != i)
        {
          flows_stage_set_route (stage, "fail", flows_stage_get_id (g_ptr_array_index (stages, target)));
          routes++;
        }
    }

  if (layered)
    {
      /* Where Auto Layout puts them: mostly a long row, as the flow is mostly a chain. */
      g_autoptr(GHashTable) positions = flows_layout_compute (flow);

      for (guint i = 0; i < stages->len; i++)
        {
          FlowsStage *stage = g_ptr_array_index (stages, i);
          FlowsPoint *point = g_hash_table_lookup (positions, flows_stage_get_id (stage));

          flows_stage_set_position (stage, point->x, point->y);
        }
    }
  else
    /* Placed as a developer arranges a big flow by hand: columns of 25 stages, so that a view
     * holds many cards and routes at once. The harder case, and the one the figures without
     * "layered" in their name are of. */
    for (guint i = 0; i < stages->len; i++)
      flows_stage_set_position (g_ptr_array_index (stages, i),
                                (i / 25) * (FLOWS_LAYOUT_CARD_WIDTH + 80),
                                (i % 25) * (FLOWS_LAYOUT_CARD_HEIGHT + 40));

  g_rand_free (rand);
  return flow;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y ? 1 : 0;
}

static double
percentile (GArray *values,
            double  p)
{
  g_autoptr(GArray) sorted = g_array_copy (values);
  guint index;

  if (sorted->len == 0)
    return 0;
  g_array_sort (sorted, compare_doubles);
  index = (guint)ceil (p / 100.0 * sorted->len) - 1;
  return g_array_index (sorted, double, MIN (index, sorted->len - 1));
}

static double
open_flow (Bench     *bench,
           FlowsApp  *app,
           FlowsFlow *flow)
{
  flows_flow_editor_set_flow (bench->editor, NULL, NULL);
  test_drain_main_context ();
  bench->open_finished = 0;
  bench->open_started = g_get_monotonic_time ();
  flows_flow_editor_set_flow (bench->editor, app, flow);
  gtk_widget_queue_draw (GTK_WIDGET (bench->canvas));
  while (bench->open_finished == 0)
    g_main_context_iteration (NULL, TRUE);
  test_drain_main_context ();
  return (bench->open_finished - bench->open_started) / 1000.0;
}

static double
median_open (Bench     *bench,
             FlowsApp  *app,
             FlowsFlow *flow)
{
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < N_OPENS; i++)
    {
      double ms = open_flow (bench, app, flow);

      g_array_append_val (times, ms);
    }
  return percentile (times, 50);
}

/* Each frame: the first half pans across the flow at 100 %, the second half zooms out to 25 %
 * and in to 200 % around the middle of the view, panning on. */
static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  Bench *bench = user_data;
  GtkAdjustment *h = gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (bench->canvas));
  GtkAdjustment *v = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (bench->canvas));
  guint frame = bench->frame++;

  if (frame >= N_FRAMES)
    {
      bench->recording = FALSE;
      return G_SOURCE_REMOVE;
    }

  bench->recording = TRUE;
  if (frame < N_FRAMES / 2)
    {
      gtk_adjustment_set_value (h, bench->start_h + frame * 37.0);
      gtk_adjustment_set_value (v, bench->start_v + 600 * sin (frame / 15.0));
    }
  else
    {
      double phase = (frame - N_FRAMES / 2) / (double)(N_FRAMES / 2);
      /* 100 % → 25 % → 200 % → 100 %, at an even pace on a log scale */
      double level = phase < 1 / 3.0 ? -2 * phase * 3
                   : phase < 2 / 3.0 ? -2 + 3 * (phase - 1 / 3.0) * 3
                   : 1 - (phase - 2 / 3.0) * 3;
      double zoom = pow (2, level);

      flows_canvas_set_zoom (bench->canvas, CLAMP (zoom, FLOWS_CANVAS_MIN_ZOOM, FLOWS_CANVAS_MAX_ZOOM));
      flows_canvas_pan (bench->canvas, 11, 3);
    }
  return G_SOURCE_CONTINUE;
}

static void
run_frames (Bench *bench)
{
  g_array_set_size (bench->frame_costs, 0);
  g_array_set_size (bench->frame_cpu, 0);
  bench->frame = 0;
  flows_canvas_set_zoom (bench->canvas, 1.0);
  test_drain_main_context ();
  bench->start_h = gtk_adjustment_get_value (gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (bench->canvas)));
  bench->start_v = gtk_adjustment_get_value (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (bench->canvas)));
  gtk_widget_add_tick_callback (GTK_WIDGET (bench->canvas), tick_cb, bench, NULL);
  while (bench->frame < N_FRAMES || bench->recording)
    g_main_context_iteration (NULL, TRUE);
}

/* A figure's value in each round, in the order first recorded. */
typedef struct
{
  const char *name;
  const char *format;
  GArray     *values;   /* double */
} Figure;

static void
figure_free (Figure *figure)
{
  g_array_unref (figure->values);
  g_free (figure);
}

static void
record (GPtrArray  *figures,
        const char *name,
        const char *format,
        double      value)
{
  Figure *figure = NULL;

  for (guint i = 0; i < figures->len && figure == NULL; i++)
    if (g_str_equal (((Figure *)g_ptr_array_index (figures, i))->name, name))
      figure = g_ptr_array_index (figures, i);
  if (figure == NULL)
    {
      figure = g_new0 (Figure, 1);
      figure->name = name;
      figure->format = format;
      figure->values = g_array_new (FALSE, FALSE, sizeof (double));
      g_ptr_array_add (figures, figure);
    }
  g_array_append_val (figure->values, value);
}

/* "name: median (rounds: a, b, c)": the median decides, the rounds show how noisy it was. */
static void
print_figures (GPtrArray *figures)
{
  for (guint i = 0; i < figures->len; i++)
    {
      Figure *figure = g_ptr_array_index (figures, i);
      g_autoptr(GString) line = g_string_new (NULL);

      g_string_append_printf (line, "%s: ", figure->name);
      g_string_append_printf (line, figure->format, percentile (figure->values, 50));
      if (figure->values->len > 1)
        {
          g_string_append (line, " (rounds:");
          for (guint j = 0; j < figure->values->len; j++)
            {
              g_string_append_c (line, ' ');
              g_string_append_printf (line, figure->format, g_array_index (figure->values, double, j));
            }
          g_string_append_c (line, ')');
        }
      g_print ("%s\n", line->str);
    }
}

/* One round: the baseline, the layered flow, the dense flow, each opened and gone through. */
static void
run_round (Bench     *bench,
           FlowsApp  *app,
           FlowsFlow *small,
           FlowsFlow *layered,
           FlowsFlow *big,
           gboolean   first,
           GPtrArray *figures)
{
  g_autoptr(GArray) baseline_costs = NULL;
  g_autoptr(GArray) baseline_cpu = NULL;
  g_autoptr(GArray) layered_costs = NULL;
  g_autoptr(GArray) layered_cpu = NULL;
  g_autoptr(GArray) pan = g_array_sized_new (FALSE, FALSE, sizeof (double), N_FRAMES / 2);
  g_autoptr(GArray) zoom = g_array_sized_new (FALSE, FALSE, sizeof (double), N_FRAMES / 2);
  g_autoptr(GArray) pan_cpu = g_array_sized_new (FALSE, FALSE, sizeof (double), N_FRAMES / 2);
  g_autoptr(GArray) zoom_cpu = g_array_sized_new (FALSE, FALSE, sizeof (double), N_FRAMES / 2);
  double baseline_open_ms, layered_open_ms, open_ms;
  long rss_before;

  baseline_open_ms = median_open (bench, app, small);
  run_frames (bench);
  baseline_costs = g_array_copy (bench->frame_costs);
  baseline_cpu = g_array_copy (bench->frame_cpu);

  layered_open_ms = median_open (bench, app, layered);
  run_frames (bench);
  layered_costs = g_array_copy (bench->frame_costs);
  layered_cpu = g_array_copy (bench->frame_cpu);

  rss_before = rss_kb ();
  open_ms = median_open (bench, app, big);
  run_frames (bench);
  /* Only the first round opens the flow on a fresh process: later rounds find the memory taken
   * already. */
  if (first)
    bench->memory_kb = rss_kb () - rss_before;

  for (guint i = 0; i < bench->frame_costs->len; i++)
    {
      gboolean panning = i < bench->frame_costs->len / 2;

      g_array_append_val (panning ? pan : zoom, g_array_index (bench->frame_costs, double, i));
      g_array_append_val (panning ? pan_cpu : zoom_cpu, g_array_index (bench->frame_cpu, double, i));
    }

  record (figures, "canvas-open-ms", "%.1f", open_ms);
  record (figures, "baseline-open-ms", "%.1f", baseline_open_ms);
  record (figures, "canvas-frame-p50-ms", "%.2f", percentile (bench->frame_costs, 50));
  record (figures, "canvas-frame-p95-ms", "%.2f", percentile (bench->frame_costs, 95));
  record (figures, "canvas-frame-max-ms", "%.2f", percentile (bench->frame_costs, 100));
  record (figures, "canvas-pan-frame-p95-ms", "%.2f", percentile (pan, 95));
  record (figures, "canvas-zoom-frame-p95-ms", "%.2f", percentile (zoom, 95));
  record (figures, "canvas-pan-frame-cpu-p95-ms", "%.2f", percentile (pan_cpu, 95));
  record (figures, "canvas-zoom-frame-cpu-p95-ms", "%.2f", percentile (zoom_cpu, 95));
  record (figures, "baseline-frame-p50-ms", "%.2f", percentile (baseline_costs, 50));
  record (figures, "baseline-frame-p95-ms", "%.2f", percentile (baseline_costs, 95));
  record (figures, "canvas-frame-p95-ratio", "%.2f",
          percentile (bench->frame_costs, 95) / MAX (percentile (baseline_costs, 95), 0.01));
  record (figures, "canvas-frame-cpu-p50-ms", "%.2f", percentile (bench->frame_cpu, 50));
  record (figures, "canvas-frame-cpu-p95-ms", "%.2f", percentile (bench->frame_cpu, 95));
  record (figures, "baseline-frame-cpu-p95-ms", "%.2f", percentile (baseline_cpu, 95));
  record (figures, "canvas-layered-open-ms", "%.1f", layered_open_ms);
  record (figures, "canvas-layered-frame-p50-ms", "%.2f", percentile (layered_costs, 50));
  record (figures, "canvas-layered-frame-p95-ms", "%.2f", percentile (layered_costs, 95));
  record (figures, "canvas-layered-frame-cpu-p95-ms", "%.2f", percentile (layered_cpu, 95));
}

int
main (int    argc,
      char **argv)
{
  Bench bench = { 0 };
  g_autoptr(FlowsApp) app = NULL;
  g_autoptr(FlowsFlow) big = NULL;
  g_autoptr(FlowsFlow) small = NULL;
  g_autoptr(FlowsFlow) layered = NULL;
  g_autoptr(GPtrArray) figures = g_ptr_array_new_with_free_func ((GDestroyNotify)figure_free);

  /* The renderer the tests use under Xvfb, unless the caller chose one. */
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  if (!gtk_init_check ())
    {
      g_print ("bench-canvas: no display; run it under build-aux/session\n");
      return 77;
    }
  adw_init ();
  /* The editor on its own: nothing runs, nothing shows a toast. */
  test_ui_host_reset ();

  app = flows_app_new ("bench-app", "Benchmark", FLOWS_CONNECTION_TYPE_GENERIC);
  big = make_flow (N_STAGES, N_ROUTES, FALSE);
  layered = make_flow (N_STAGES, N_ROUTES, TRUE);
  small = make_flow (1, 0, FALSE);

  bench.frame_costs = g_array_new (FALSE, FALSE, sizeof (double));
  bench.frame_cpu = g_array_new (FALSE, FALSE, sizeof (double));
  bench.editor = FLOWS_FLOW_EDITOR (flows_flow_editor_new ());
  bench.canvas = flows_flow_editor_get_canvas (bench.editor);
  bench.window = test_window_new (GTK_WIDGET (bench.editor), 1200, 800);

  bench.clock = gtk_widget_get_frame_clock (GTK_WIDGET (bench.window));
  g_signal_connect (bench.clock, "update", G_CALLBACK (on_update), &bench);
  g_signal_connect (bench.clock, "after-paint", G_CALLBACK (on_after_paint), &bench);

  /* The baseline first in each round, so that in the first the large flow finds nothing warmed
   * up for it but GTK itself. */
  for (guint round = 0; round < N_ROUNDS; round++)
    run_round (&bench, app, small, layered, big, round == 0, figures);

  g_print ("renderer: %s\n", g_getenv ("GSK_RENDERER"));
  g_print ("stages: %u, routes: %u, frames: %u, rounds: %u (each figure: the median of the rounds)\n",
           N_STAGES, N_ROUTES, bench.frame_costs->len, N_ROUNDS);
  print_figures (figures);
  g_print ("canvas-memory-kb: %ld\n", bench.memory_kb);
  g_print ("canvas-cards-made: %u\n", flows_canvas_get_n_cards (bench.canvas));

  gtk_window_destroy (bench.window);
  g_array_unref (bench.frame_costs);
  g_array_unref (bench.frame_cpu);
  return 0;
}
