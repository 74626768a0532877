/* test-layout.c — auto layout: columns by distance from the Trigger, on the grid, no overlaps. */
#include "flows-layout.h"

/* One column of the layout: a card and the gap after it. */
#define COLUMN_PITCH (FLOWS_LAYOUT_CARD_WIDTH + 80)
#include "flows-stage-catalog.h"

static FlowsStage *
add_stage (FlowsFlow      *flow,
           guint           n,
           FlowsStageType  stage_type)
{
  g_autofree char *id = g_strdup_printf ("s%u", n);
  g_autofree char *key = g_strdup_printf ("k%u", n);
  g_autoptr(FlowsStage) stage = flows_stage_new (id, key, stage_type, key);

  flows_flow_add_stage (flow, stage);
  return stage;
}

static const FlowsPoint *
point_of (GHashTable *points,
          FlowsStage *stage)
{
  const FlowsPoint *point = g_hash_table_lookup (points, flows_stage_get_id (stage));

  g_assert_nonnull (point);
  return point;
}

/* Every stage has a point on the grid, and no two cards overlap. */
static void
assert_placed (FlowsFlow  *flow,
               GHashTable *points)
{
  GListModel *stages = flows_flow_get_stages (flow);
  guint n = g_list_model_get_n_items (stages);
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (FlowsPoint));

  g_assert_cmpuint (g_hash_table_size (points), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FlowsStage) stage = g_list_model_get_item (stages, i);
      const FlowsPoint *point = point_of (points, stage);

      g_assert_cmpfloat (point->x / FLOWS_LAYOUT_GRID, ==, (gint64) (point->x / FLOWS_LAYOUT_GRID));
      g_assert_cmpfloat (point->y / FLOWS_LAYOUT_GRID, ==, (gint64) (point->y / FLOWS_LAYOUT_GRID));
      g_array_append_val (all, *point);
    }

  /* Cards of one column share x: sort by x then y and compare neighbours, and columns apart. */
  for (guint i = 0; i < all->len; i++)
    for (guint j = i + 1; j < all->len; j++)
      {
        FlowsPoint *a = &g_array_index (all, FlowsPoint, i);
        FlowsPoint *b = &g_array_index (all, FlowsPoint, j);
        gboolean apart = a->x + FLOWS_LAYOUT_CARD_WIDTH <= b->x || b->x + FLOWS_LAYOUT_CARD_WIDTH <= a->x ||
                         a->y + FLOWS_LAYOUT_CARD_HEIGHT <= b->y || b->y + FLOWS_LAYOUT_CARD_HEIGHT <= a->y;

        if (!apart)
          g_error ("cards at (%g, %g) and (%g, %g) overlap", a->x, a->y, b->x, b->y);
      }
}

static void
test_small (void)
{
  g_autoptr(FlowsFlow) flow = flows_flow_new ("f", "F");
  FlowsStage *trigger = add_stage (flow, 0, FLOWS_STAGE_TYPE_TRIGGER);
  FlowsStage *call = add_stage (flow, 1, FLOWS_STAGE_TYPE_CALL_API);
  FlowsStage *loop = add_stage (flow, 2, FLOWS_STAGE_TYPE_FOR_EACH);
  FlowsStage *body = add_stage (flow, 3, FLOWS_STAGE_TYPE_SET_FIELDS);
  FlowsStage *fail = add_stage (flow, 4, FLOWS_STAGE_TYPE_ADD_TO_RESPONSE);
  FlowsStage *end = add_stage (flow, 5, FLOWS_STAGE_TYPE_ADD_TO_RESPONSE);
  FlowsStage *lonely = add_stage (flow, 6, FLOWS_STAGE_TYPE_SLEEP);
  g_autoptr(GHashTable) points = NULL;

  g_assert_true (flows_layout_needs_positions (flow));

  flows_stage_set_route (trigger, "success", "s1");
  flows_stage_set_route (call, "success", "s2");
  flows_stage_set_route (call, "fail", "s4");
  flows_stage_set_route (loop, "each", "s3");
  flows_stage_set_route (body, "success", "s2");
  flows_stage_set_route (loop, "done", "s5");
  /* A shortcut: "end" goes one column further than the Trigger's direct route would put it. */
  flows_stage_set_route (fail, "success", "s5");
  flows_stage_set_route (lonely, "success", "s5");

  points = flows_layout_compute (flow);
  assert_placed (flow, points);

  g_assert_cmpfloat (point_of (points, trigger)->x, ==, 0);
  g_assert_cmpfloat (point_of (points, call)->x, ==, 1 * COLUMN_PITCH);
  g_assert_cmpfloat (point_of (points, loop)->x, ==, 2 * COLUMN_PITCH);
  g_assert_cmpfloat (point_of (points, fail)->x, ==, 2 * COLUMN_PITCH);
  g_assert_cmpfloat (point_of (points, body)->x, ==, 3 * COLUMN_PITCH);
  g_assert_cmpfloat (point_of (points, end)->x, ==, 3 * COLUMN_PITCH);
  /* Unreachable: a column of its own, after the rest. */
  g_assert_cmpfloat (point_of (points, lonely)->x, ==, 4 * COLUMN_PITCH);

  flows_stage_set_position (lonely, 0, 20);
  g_assert_false (flows_layout_needs_positions (flow));
}

static void
test_edge_cases (void)
{
  g_autoptr(FlowsFlow) empty = flows_flow_new ("e", "E");
  g_autoptr(FlowsFlow) cycle = flows_flow_new ("c", "C");
  g_autoptr(GHashTable) none = flows_layout_compute (empty);
  g_autoptr(GHashTable) points = NULL;
  FlowsStage *a, *b, *c;

  g_assert_cmpuint (g_hash_table_size (none), ==, 0);
  g_assert_false (flows_layout_needs_positions (empty));

  /* No Trigger, a cycle, a route to nowhere and one to itself: placed all the same. */
  a = add_stage (cycle, 0, FLOWS_STAGE_TYPE_SLEEP);
  b = add_stage (cycle, 1, FLOWS_STAGE_TYPE_SLEEP);
  c = add_stage (cycle, 2, FLOWS_STAGE_TYPE_ROUTE_FLOW);
  flows_stage_set_route (a, "success", "s1");
  flows_stage_set_route (b, "success", "s0");
  flows_stage_set_route (c, "pass", "s2");
  flows_stage_set_route (c, "fail", "missing");
  points = flows_layout_compute (cycle);
  assert_placed (cycle, points);
}

/* A generated flow of 1,000 stages and about 1,200 routes: routes go from a stage to one
 * later in the list, except the body of each For Each, which leads back to its loop. */
static void
test_large (void)
{
  g_autoptr(FlowsFlow) flow = flows_flow_new ("big", "Big");
  g_autoptr(GRand) rand = g_rand_new_with_seed (1000);
  g_autoptr(GHashTable) points = NULL;
  g_autoptr(GPtrArray) stages = g_ptr_array_new ();
  g_autoptr(GArray) is_body = g_array_new (FALSE, TRUE, sizeof (gboolean));
  const guint n = 1000;
  guint routes = 0;
  guint back = 0;
  gint64 start;

  g_array_set_size (is_body, n);
  g_ptr_array_add (stages, add_stage (flow, 0, FLOWS_STAGE_TYPE_TRIGGER));
  for (guint i = 1; i < n; i++)
    {
      static const FlowsStageType types[] = {
        FLOWS_STAGE_TYPE_CALL_API, FLOWS_STAGE_TYPE_SET_FIELDS, FLOWS_STAGE_TYPE_ROUTE_FLOW,
        FLOWS_STAGE_TYPE_FOR_EACH, FLOWS_STAGE_TYPE_ADD_TO_RESPONSE, FLOWS_STAGE_TYPE_SLEEP,
      };
      FlowsStageType type = types[g_rand_int_range (rand, 0, G_N_ELEMENTS (types))];

      /* A loop needs a stage after it for its body. */
      if (type == FLOWS_STAGE_TYPE_FOR_EACH && i + 1 >= n)
        type = FLOWS_STAGE_TYPE_SLEEP;
      g_ptr_array_add (stages, add_stage (flow, i, type));

      if (type == FLOWS_STAGE_TYPE_FOR_EACH)
        {
          g_autofree char *loop_id = g_strdup_printf ("s%u", i);
          g_autofree char *body_id = g_strdup_printf ("s%u", i + 1);
          FlowsStage *body;

          i++;
          body = add_stage (flow, i, FLOWS_STAGE_TYPE_SET_FIELDS);
          g_ptr_array_add (stages, body);
          g_array_index (is_body, gboolean, i) = TRUE;
          flows_stage_set_route (g_ptr_array_index (stages, i - 1), "each", body_id);
          flows_stage_set_route (body, "success", loop_id);
          routes += 2;
        }
    }

  /* Every other stage is reached from an earlier one, then more routes up to 1,200. */
  for (guint i = 1; routes < 1200 || i < n; i++)
    {
      guint target = i < n ? i : (guint) g_rand_int_range (rand, 1, n);
      g_autofree char *target_id = g_strdup_printf ("s%u", target);

      if (g_array_index (is_body, gboolean, target))
        continue;

      for (guint attempt = 0; attempt < 50; attempt++)
        {
          guint source = g_rand_int_range (rand, MAX ((int) target - 30, 0), target);
          FlowsStage *stage = g_ptr_array_index (stages, source);
          const FlowsStageInfo *info = flows_stage_catalog_lookup (flows_stage_get_stage_type (stage));
          const char *free_output = NULL;

          if (g_array_index (is_body, gboolean, source))
            continue;
          for (guint o = 0; info->outputs[o] != NULL && free_output == NULL; o++)
            if (flows_stage_get_route (stage, info->outputs[o]) == NULL)
              free_output = info->outputs[o];
          if (free_output == NULL)
            continue;
          flows_stage_set_route (stage, free_output, target_id);
          routes++;
          break;
        }
    }
  g_assert_cmpuint (routes, >=, 1200);

  start = g_get_monotonic_time ();
  points = flows_layout_compute (flow);
  g_test_message ("layout of %u stages and %u routes: %.1f ms", n, routes,
                  (g_get_monotonic_time () - start) / 1000.0);
  assert_placed (flow, points);

  for (guint i = 0; i < n; i++)
    {
      FlowsStage *stage = g_ptr_array_index (stages, i);
      g_auto(GStrv) outputs = flows_stage_list_routes (stage);

      for (guint o = 0; outputs[o] != NULL; o++)
        {
          const char *target_id = flows_stage_get_route (stage, outputs[o]);
          guint target = g_ascii_strtoull (target_id + 1, NULL, 10);
          const FlowsPoint *from = point_of (points, stage);
          const FlowsPoint *to = point_of (points, g_ptr_array_index (stages, target));

          if (target < i)
            {
              back++;
              g_assert_true (g_array_index (is_body, gboolean, i));
              g_assert_cmpfloat (to->x, <, from->x);
            }
          else
            g_assert_cmpfloat (from->x, <, to->x);
        }
    }
  g_assert_cmpuint (back, >, 10);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/layout/small", test_small);
  g_test_add_func ("/layout/edge-cases", test_edge_cases);
  g_test_add_func ("/layout/large", test_large);

  return g_test_run ();
}
