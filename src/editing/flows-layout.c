/* flows-layout.c — a layered, left-to-right placement of a flow's stages
 *
 * The classic Sugiyama steps, kept simple: routes that close a cycle (a For Each body leading
 * back to its loop) are set aside, every other stage goes in the column of its longest route
 * distance from the Trigger, columns are ordered by barycentre sweeps, and cards are placed on
 * the grid, each column centred on the tallest.
 */
#include "config.h"

#include "flows-layout.h"
#include "flows-scope-private.h"

/* Between columns and between cards of a column, in canvas units: multiples of the grid. */
#define COLUMN_GAP 80.0
#define ROW_GAP    40.0
#define SWEEPS     4

typedef struct {
  FlowsRouteGraph *graph;
  guint8          *back;      /* per stage, per outgoing edge: TRUE when it closes a cycle */
  guint           *back_offset;
  int             *layer;     /* -1: not reached from the Trigger */
  double          *position;  /* place in its column, while ordering */
  GPtrArray       *columns;   /* of GArray of guint stage indices */
} Layout;

static gboolean
is_back (Layout *layout,
         guint   stage,
         guint   edge)
{
  return layout->back[layout->back_offset[stage] + edge];
}

/* Marks the routes that lead back to a stage on the current walk (iteratively: a flow of
 * thousands of stages would overflow the stack). @state: 0 unseen, 1 on the walk, 2 done. */
static void
mark_back_edges (Layout *layout,
                 guint   start,
                 guint8 *state)
{
  FlowsRouteGraph *graph = layout->graph;
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (guint) * 2);

  if (state[start] != 0)
    return;

  state[start] = 1;
  g_array_append_vals (stack, (guint[]) { start, 0 }, 1);
  while (stack->len > 0)
    {
      guint *top = &g_array_index (stack, guint, (stack->len - 1) * 2);
      guint stage = top[0];
      GArray *edges = graph->out[stage];

      if (top[1] >= edges->len)
        {
          state[stage] = 2;
          g_array_set_size (stack, stack->len - 1);
          continue;
        }

      {
        guint e = top[1]++;
        guint target = g_array_index (edges, FlowsRouteEdge, e).target;

        if (state[target] == 1)
          layout->back[layout->back_offset[stage] + e] = TRUE;
        else if (state[target] == 0)
          {
            state[target] = 1;
            g_array_append_vals (stack, (guint[]) { target, 0 }, 1);
          }
      }
    }
}

/* Longest distance from the Trigger along the routes that remain, in topological order. */
static void
assign_layers (Layout *layout)
{
  FlowsRouteGraph *graph = layout->graph;
  g_autofree guint *in_degree = g_new0 (guint, MAX (graph->n_stages, 1));
  g_autofree guint8 *reached = NULL;
  g_autoptr(GArray) queue = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < graph->n_stages; i++)
    layout->layer[i] = -1;
  if (graph->trigger < 0)
    return;

  reached = _flows_route_graph_reach (graph, graph->trigger, NULL);
  for (guint i = 0; i < graph->n_stages; i++)
    for (guint e = 0; e < graph->out[i]->len; e++)
      if (reached[i] && !is_back (layout, i, e))
        in_degree[g_array_index (graph->out[i], FlowsRouteEdge, e).target]++;

  layout->layer[graph->trigger] = 0;
  g_array_append_vals (queue, (guint[]) { graph->trigger }, 1);
  for (guint q = 0; q < queue->len; q++)
    {
      guint stage = g_array_index (queue, guint, q);

      for (guint e = 0; e < graph->out[stage]->len; e++)
        {
          guint target = g_array_index (graph->out[stage], FlowsRouteEdge, e).target;

          if (is_back (layout, stage, e))
            continue;
          layout->layer[target] = MAX (layout->layer[target], layout->layer[stage] + 1);
          if (--in_degree[target] == 0)
            g_array_append_val (queue, target);
        }
    }
}

static GArray *
column (Layout *layout,
        guint   index)
{
  while (layout->columns->len <= index)
    g_ptr_array_add (layout->columns, g_array_new (FALSE, FALSE, sizeof (guint)));
  return g_ptr_array_index (layout->columns, index);
}

static Layout *sort_layout;

static int
compare_positions (gconstpointer a,
                   gconstpointer b)
{
  double x = sort_layout->position[*(const guint *) a];
  double y = sort_layout->position[*(const guint *) b];

  return x < y ? -1 : x > y;
}

/* Gives each stage of @columns[@c] the mean place of its neighbours in other columns (those
 * before it when @down, after it otherwise), then sorts the column by it. A stage without such
 * neighbours keeps its place. */
static void
sweep_column (Layout  *layout,
              guint    c,
              gboolean down)
{
  FlowsRouteGraph *graph = layout->graph;
  GArray *stages = g_ptr_array_index (layout->columns, c);
  g_autofree double *keys = g_new (double, MAX (stages->len, 1));

  for (guint i = 0; i < stages->len; i++)
    {
      guint stage = g_array_index (stages, guint, i);
      GArray *edges = down ? graph->in[stage] : graph->out[stage];
      double sum = 0;
      guint n = 0;

      for (guint e = 0; e < edges->len; e++)
        {
          guint other = g_array_index (edges, FlowsRouteEdge, e).target;

          if (layout->layer[other] < 0 ||
              (down ? layout->layer[other] >= (int) c : layout->layer[other] <= (int) c))
            continue;
          sum += layout->position[other];
          n++;
        }
      /* Ties keep the current order: the fraction stays below one place. */
      keys[i] = n > 0 ? sum / n + i * 1e-6 : layout->position[stage];
    }

  for (guint i = 0; i < stages->len; i++)
    layout->position[g_array_index (stages, guint, i)] = keys[i];

  /* qsort is not stable, but no two keys are equal. */
  sort_layout = layout;
  g_array_sort (stages, compare_positions);
  sort_layout = NULL;

  for (guint i = 0; i < stages->len; i++)
    layout->position[g_array_index (stages, guint, i)] = i;
}

GHashTable *
flows_layout_compute (FlowsFlow *flow)
{
  g_autoptr(FlowsRouteGraph) graph = NULL;
  g_autofree guint8 *state = NULL;
  GHashTable *points;
  Layout layout = { 0 };
  guint n_edges = 0;
  guint n_layers = 0;
  guint tallest = 0;

  g_return_val_if_fail (FLOWS_IS_FLOW (flow), NULL);

  points = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  graph = _flows_route_graph_new (flow);
  if (graph->n_stages == 0)
    return points;

  layout.graph = graph;
  layout.back_offset = g_new (guint, graph->n_stages);
  for (guint i = 0; i < graph->n_stages; i++)
    {
      layout.back_offset[i] = n_edges;
      n_edges += graph->out[i]->len;
    }
  layout.back = g_new0 (guint8, MAX (n_edges, 1));
  layout.layer = g_new (int, graph->n_stages);
  layout.position = g_new0 (double, graph->n_stages);
  layout.columns = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);

  /* From the Trigger first, so that what closes a loop is the route back to it. */
  state = g_new0 (guint8, graph->n_stages);
  if (graph->trigger >= 0)
    mark_back_edges (&layout, graph->trigger, state);
  for (guint i = 0; i < graph->n_stages; i++)
    mark_back_edges (&layout, i, state);

  assign_layers (&layout);
  for (guint i = 0; i < graph->n_stages; i++)
    n_layers = MAX (n_layers, (guint) (layout.layer[i] + 1));

  /* Columns start in the flow's order; stages no route from the Trigger reaches get the column
   * after the last. */
  for (guint i = 0; i < graph->n_stages; i++)
    {
      GArray *stages = column (&layout, layout.layer[i] >= 0 ? (guint) layout.layer[i] : n_layers);

      layout.position[i] = stages->len;
      g_array_append_val (stages, i);
    }

  for (guint s = 0; s < SWEEPS; s++)
    {
      for (guint c = 1; c < n_layers; c++)
        sweep_column (&layout, c, TRUE);
      for (guint c = n_layers > 1 ? n_layers - 1 : 0; c > 0; c--)
        sweep_column (&layout, c - 1, FALSE);
    }

  for (guint c = 0; c < layout.columns->len; c++)
    tallest = MAX (tallest, ((GArray *) g_ptr_array_index (layout.columns, c))->len);

  for (guint c = 0; c < layout.columns->len; c++)
    {
      GArray *stages = g_ptr_array_index (layout.columns, c);
      /* Centred on the tallest column, on whole rows of half a card pitch: still on the grid. */
      double pitch = FLOWS_LAYOUT_CARD_HEIGHT + ROW_GAP;
      double top = (tallest - stages->len) * pitch / 2;

      top = (gint64) (top / FLOWS_LAYOUT_GRID) * FLOWS_LAYOUT_GRID;
      for (guint i = 0; i < stages->len; i++)
        {
          FlowsStage *stage = graph->stages[g_array_index (stages, guint, i)];
          FlowsPoint *point = g_new (FlowsPoint, 1);

          point->x = c * (FLOWS_LAYOUT_CARD_WIDTH + COLUMN_GAP);
          point->y = top + i * pitch;
          g_hash_table_insert (points, g_strdup (flows_stage_get_id (stage)), point);
        }
    }

  g_free (layout.back_offset);
  g_free (layout.back);
  g_free (layout.layer);
  g_free (layout.position);
  g_ptr_array_unref (layout.columns);

  return points;
}

gboolean
flows_layout_needs_positions (FlowsFlow *flow)
{
  GListModel *stages;
  guint n;

  g_return_val_if_fail (FLOWS_IS_FLOW (flow), FALSE);

  stages = flows_flow_get_stages (flow);
  n = g_list_model_get_n_items (stages);
  if (n == 0)
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FlowsStage) stage = g_list_model_get_item (stages, i);

      if (flows_stage_get_x (stage) != 0 || flows_stage_get_y (stage) != 0)
        return FALSE;
    }
  return TRUE;
}
