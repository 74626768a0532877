/* test-history.c — undo and redo put back exactly the document saved at every step. */
#include "flows-app-templates.h"
#include "flows-document.h"
#include "flows-history.h"
#include "flows-stage-catalog.h"
#include "runner-helpers.h"

static FlowsStage *
stage_at (FlowsFlow *flow,
          guint      index)
{
  GListModel *stages = flows_flow_get_stages (flow);
  g_autoptr(FlowsStage) stage = g_list_model_get_item (stages, index % g_list_model_get_n_items (stages));

  return stage;
}

static guint
n_stages (FlowsFlow *flow)
{
  return g_list_model_get_n_items (flows_flow_get_stages (flow));
}

static FlowsFlow *
step1_flow (FlowsApp *app)
{
  return flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE);
}

typedef struct {
  guint changed;
  guint can_undo_notified;
  guint can_redo_notified;
} Counts;

static void
on_changed (FlowsHistory *history,
            Counts       *counts)
{
  counts->changed++;
}

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           Counts     *counts)
{
  if (g_str_equal (pspec->name, "can-undo"))
    counts->can_undo_notified++;
  else if (g_str_equal (pspec->name, "can-redo"))
    counts->can_redo_notified++;
}

/* A stage that is not the Trigger, picked by @n. */
static FlowsStage *
some_stage (FlowsFlow *flow,
            guint      n)
{
  for (guint i = 0; i < n_stages (flow); i++)
    {
      FlowsStage *stage = stage_at (flow, n + i);

      if (flows_stage_get_stage_type (stage) != FLOWS_STAGE_TYPE_TRIGGER)
        return stage;
    }
  return stage_at (flow, n);
}

/* Edit number @i of the sequence: each kind of edit comes back several times, on various
 * stages. */
static void
edit (FlowsHistory *history,
      guint         i)
{
  FlowsFlow *flow = flows_history_get_flow (history);
  static const FlowsStageType types[] = {
    FLOWS_STAGE_TYPE_CALL_API, FLOWS_STAGE_TYPE_SET_FIELDS, FLOWS_STAGE_TYPE_FOR_EACH,
    FLOWS_STAGE_TYPE_ROUTE_FLOW, FLOWS_STAGE_TYPE_SLEEP,
  };

  switch (i % 10)
    {
    case 0:
      flows_history_add_stage (history, types[(i / 10) % G_N_ELEMENTS (types)], 40.0 * i, 100.5);
      break;

    case 1:
      {
        /* Remove a stage that others route to. */
        FlowsStage *stage = some_stage (flow, i);
        g_autoptr(GPtrArray) stages = g_ptr_array_new ();

        g_ptr_array_add (stages, stage);
        g_assert_nonnull (stage);
        flows_history_remove_stages (history, stages);
      }
      break;

    case 2:
      {
        g_autoptr(GPtrArray) stages = g_ptr_array_new ();

        for (guint s = 0; s < n_stages (flow); s += 2)
          g_ptr_array_add (stages, stage_at (flow, s));
        flows_history_move_stages (history, stages, 20, -40);
      }
      break;

    case 3:
      {
        /* Connect a stage to another, or to itself (a loop), on a route it may already have. */
        FlowsStage *from = stage_at (flow, i);
        const FlowsStageInfo *info = flows_stage_catalog_lookup (flows_stage_get_stage_type (from));
        const char *output = info->outputs[(i / 10) % g_strv_length ((char **) info->outputs)];
        FlowsStage *to = stage_at (flow, i * 7 + 1);

        for (guint t = 2; g_strcmp0 (flows_stage_get_route (from, output), flows_stage_get_id (to)) == 0; t++)
          to = stage_at (flow, i * 7 + t);
        flows_history_set_route (history, from, output, flows_stage_get_id (to));
      }
      break;

    case 4:
      {
        /* Clear the first route of a stage that has one. */
        for (guint s = 0; s < n_stages (flow); s++)
          {
            FlowsStage *stage = stage_at (flow, i + 3 + s);
            g_auto(GStrv) outputs = flows_stage_list_routes (stage);

            if (outputs[0] != NULL)
              {
                flows_history_set_route (history, stage, outputs[0], NULL);
                break;
              }
          }
      }
      break;

    case 5:
      {
        g_autofree char *name = g_strdup_printf ("Renamed %u", i);
        flows_history_set_name (history, stage_at (flow, i), name);
      }
      break;

    case 6:
      {
        g_autofree char *key = g_strdup_printf ("key%u", i);
        flows_history_set_key (history, some_stage (flow, i), key);
      }
      break;

    case 7:
      {
        /* Typing a value: three changes that fold into one step. */
        FlowsStage *stage = some_stage (flow, i);
        static const char * const suffixes[] = { "", "-", "-x" };

        for (guint v = 0; v < G_N_ELEMENTS (suffixes); v++)
          {
            g_autofree char *text = g_strdup_printf ("{'fields':[{'name':'a','value':'%u%s'}]}", i, suffixes[v]);
            g_autoptr(JsonObject) settings = test_parse_settings (text);

            flows_history_set_settings (history, stage, settings, "fields[0].value");
          }
      }
      break;

    case 8:
      {
        /* A group: add, connect from an existing stage, move it. */
        FlowsStage *stage;
        FlowsStage *from = stage_at (flow, i);
        const FlowsStageInfo *info = flows_stage_catalog_lookup (flows_stage_get_stage_type (from));
        g_autoptr(GPtrArray) stages = g_ptr_array_new ();

        flows_history_begin_group (history, "Add and connect");
        stage = flows_history_add_stage (history, FLOWS_STAGE_TYPE_BUILD_URL, 0, 0);
        flows_history_set_route (history, from, info->outputs[0], flows_stage_get_id (stage));
        g_ptr_array_add (stages, stage);
        flows_history_move_stages (history, stages, 300, 300);
        flows_history_end_group (history);
      }
      break;

    case 9:
      {
        /* A paste: two new stages routed to each other. */
        g_autoptr(GPtrArray) stages = g_ptr_array_new_with_free_func (g_object_unref);
        g_autofree char *id_a = g_uuid_string_random ();
        g_autofree char *id_b = g_uuid_string_random ();
        g_autofree char *key_a = g_strdup_printf ("pastedA%u", i);
        g_autofree char *key_b = g_strdup_printf ("pastedB%u", i);
        FlowsStage *a = flows_stage_new (id_a, key_a, FLOWS_STAGE_TYPE_SET_FIELDS, "Pasted A");
        FlowsStage *b = flows_stage_new (id_b, key_b, FLOWS_STAGE_TYPE_SLEEP, "Pasted B");

        flows_stage_set_route (a, "success", id_b);
        flows_stage_set_position (a, 1000, 20 * i);
        g_ptr_array_add (stages, a);
        g_ptr_array_add (stages, b);
        flows_history_insert_stages (history, stages);
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
test_round_trip (void)
{
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Round Trip", FLOWS_CONNECTION_TYPE_OAUTH);
  FlowsFlow *flow = step1_flow (app);
  g_autoptr(FlowsHistory) history = flows_history_new (flow);
  g_autoptr(GPtrArray) saved = g_ptr_array_new_with_free_func (g_free);
  const guint n_edits = 50;
  Counts counts = { 0 };

  g_signal_connect (history, "changed", G_CALLBACK (on_changed), &counts);

  g_ptr_array_add (saved, flows_document_app_to_json (app));
  for (guint i = 0; i < n_edits; i++)
    {
      guint changed = counts.changed;

      edit (history, i);
      g_ptr_array_add (saved, flows_document_app_to_json (app));
      /* Every edit changes the document (as one step: see the undo count below). */
      g_assert_cmpstr (g_ptr_array_index (saved, i), !=, g_ptr_array_index (saved, i + 1));
      g_assert_cmpuint (counts.changed, >, changed);
    }

  for (guint i = n_edits; i > 0; i--)
    {
      g_autofree char *json = NULL;

      g_assert_true (flows_history_undo (history));
      json = flows_document_app_to_json (app);
      g_assert_cmpstr (json, ==, g_ptr_array_index (saved, i - 1));
    }
  g_assert_false (flows_history_get_can_undo (history));
  g_assert_false (flows_history_undo (history));
  counts.changed = 0;

  for (guint i = 1; i <= n_edits; i++)
    {
      g_autofree char *json = NULL;

      g_assert_true (flows_history_redo (history));
      json = flows_document_app_to_json (app);
      g_assert_cmpstr (json, ==, g_ptr_array_index (saved, i));
    }
  g_assert_false (flows_history_get_can_redo (history));
  g_assert_false (flows_history_redo (history));
  g_assert_cmpuint (counts.changed, ==, n_edits);

  /* And back once more: stages brought back by redo undo as well as the first time. */
  for (guint i = n_edits; i > 0; i--)
    {
      g_autofree char *json = NULL;

      g_assert_true (flows_history_undo (history));
      json = flows_document_app_to_json (app);
      g_assert_cmpstr (json, ==, g_ptr_array_index (saved, i - 1));
    }
}

/* Undo changes the stage objects in place: a view holding one sees it change. */
static void
test_in_place (void)
{
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("In Place", FLOWS_CONNECTION_TYPE_OAUTH);
  FlowsFlow *flow = step1_flow (app);
  g_autoptr(FlowsHistory) history = flows_history_new (flow);
  FlowsStage *stage = stage_at (flow, 1);
  FlowsStage *trigger = stage_at (flow, 0);
  g_autoptr(GPtrArray) stages = g_ptr_array_new ();
  g_autofree char *old_name = g_strdup (flows_stage_get_name (stage));

  flows_history_set_name (history, stage, "New name");
  g_assert_true (flows_history_undo (history));
  g_assert_true (stage_at (flow, 1) == stage);
  g_assert_cmpstr (flows_stage_get_name (stage), ==, old_name);

  /* A removed stage comes back as the same object, with the route that led to it. */
  g_ptr_array_add (stages, stage);
  flows_history_remove_stages (history, stages);
  g_assert_null (flows_stage_get_route (trigger, "success"));
  g_assert_cmpuint (n_stages (flow), ==, 4);
  g_assert_cmpstr (flows_history_get_undo_label (history), ==, "Delete Stage");
  g_assert_true (flows_history_undo (history));
  g_assert_true (stage_at (flow, 1) == stage);
  g_assert_cmpstr (flows_stage_get_route (trigger, "success"), ==, flows_stage_get_id (stage));
}

static void
test_notifications (void)
{
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Notify", FLOWS_CONNECTION_TYPE_GENERIC);
  FlowsFlow *flow = flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_CONNECTION_TEST);
  g_autoptr(FlowsHistory) history = flows_history_new (flow);
  g_autoptr(GPtrArray) stages = g_ptr_array_new ();
  Counts counts = { 0 };

  g_signal_connect (history, "notify", G_CALLBACK (on_notify), &counts);
  g_assert_false (flows_history_get_can_undo (history));
  g_assert_false (flows_history_get_can_redo (history));
  g_assert_null (flows_history_get_undo_label (history));
  g_assert_null (flows_history_get_redo_label (history));

  flows_history_add_stage (history, FLOWS_STAGE_TYPE_CALL_API, 0, 0);
  g_assert_true (flows_history_get_can_undo (history));
  g_assert_cmpuint (counts.can_undo_notified, ==, 1);
  g_assert_cmpstr (flows_history_get_undo_label (history), ==, "Add Call API");

  /* Still undoable: no notification. */
  g_ptr_array_add (stages, stage_at (flow, 0));
  g_ptr_array_add (stages, stage_at (flow, 1));
  g_ptr_array_add (stages, stage_at (flow, 2));
  flows_history_move_stages (history, stages, 10, 10);
  g_assert_cmpuint (counts.can_undo_notified, ==, 1);
  g_assert_cmpstr (flows_history_get_undo_label (history), ==, "Move 3 Stages");

  g_assert_true (flows_history_undo (history));
  g_assert_true (flows_history_get_can_redo (history));
  g_assert_cmpuint (counts.can_redo_notified, ==, 1);
  g_assert_cmpstr (flows_history_get_redo_label (history), ==, "Move 3 Stages");
  g_assert_cmpstr (flows_history_get_undo_label (history), ==, "Add Call API");

  g_assert_true (flows_history_undo (history));
  g_assert_false (flows_history_get_can_undo (history));
  g_assert_cmpuint (counts.can_undo_notified, ==, 2);

  g_assert_true (flows_history_redo (history));
  g_assert_cmpuint (counts.can_undo_notified, ==, 3);
  g_assert_cmpuint (counts.can_redo_notified, ==, 1);

  /* A new edit after an undo drops what could be redone. */
  flows_history_set_name (history, stage_at (flow, 0), "Begin");
  g_assert_false (flows_history_get_can_redo (history));
  g_assert_cmpuint (counts.can_redo_notified, ==, 2);
  g_assert_cmpstr (flows_history_get_undo_label (history), ==, "Rename Stage");
  g_assert_true (flows_history_undo (history));
  g_assert_true (flows_history_undo (history));
  g_assert_false (flows_history_undo (history));
  g_assert_cmpuint (n_stages (flow), ==, 2);

  flows_history_clear (history);
  g_assert_false (flows_history_get_can_redo (history));
}

static void
test_merge (void)
{
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Merge", FLOWS_CONNECTION_TYPE_OAUTH);
  FlowsFlow *flow = step1_flow (app);
  g_autoptr(FlowsHistory) history = flows_history_new (flow);
  FlowsStage *a = stage_at (flow, 1);
  FlowsStage *b = stage_at (flow, 2);
  g_autoptr(JsonObject) one = test_parse_settings ("{'fields':[{'name':'n','value':'1'}]}");
  g_autoptr(JsonObject) two = test_parse_settings ("{'fields':[{'name':'n','value':'12'}]}");
  g_autoptr(JsonObject) three = test_parse_settings ("{'fields':[{'name':'n','value':'123'}]}");
  g_autofree char *original = flows_document_app_to_json (app);
  g_autofree char *after_two = NULL;
  g_autofree char *json = NULL;

  flows_history_set_settings (history, a, one, "value");
  flows_history_set_settings (history, a, two, "value");
  after_two = flows_document_app_to_json (app);
  /* Another tag, another stage, no tag: new steps. */
  flows_history_set_settings (history, a, three, "name");
  flows_history_set_settings (history, b, three, "name");
  flows_history_set_settings (history, b, one, NULL);
  flows_history_set_settings (history, b, two, NULL);
  g_assert_cmpstr (flows_history_get_undo_label (history), ==, "Change Settings");

  for (guint i = 0; i < 4; i++)
    g_assert_true (flows_history_undo (history));
  json = flows_document_app_to_json (app);
  g_assert_cmpstr (json, ==, after_two);
  g_assert_true (flows_history_undo (history));
  g_clear_pointer (&json, g_free);
  json = flows_document_app_to_json (app);
  g_assert_cmpstr (json, ==, original);
  g_assert_false (flows_history_get_can_undo (history));
}

static void
test_merge_after_undo (void)
{
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Merge", FLOWS_CONNECTION_TYPE_OAUTH);
  FlowsFlow *flow = step1_flow (app);
  g_autoptr(FlowsHistory) history = flows_history_new (flow);
  FlowsStage *a = stage_at (flow, 1);
  g_autoptr(JsonObject) one = test_parse_settings ("{'fields':[{'name':'n','value':'1'}]}");
  g_autoptr(JsonObject) two = test_parse_settings ("{'fields':[{'name':'n','value':'12'}]}");
  g_autoptr(JsonObject) three = test_parse_settings ("{'fields':[{'name':'n','value':'123'}]}");

  flows_history_set_settings (history, a, one, "value");
  flows_history_set_name (history, a, "Other");
  flows_history_set_settings (history, a, two, "value");
  g_assert_true (flows_history_undo (history));
  /* The step below the undone one is not merged into. */
  flows_history_set_settings (history, a, three, "value");
  g_assert_true (flows_history_undo (history));
  g_assert_cmpstr (flows_stage_get_name (a), ==, "Other");
  g_assert_true (flows_history_undo (history));
  g_assert_true (flows_history_undo (history));
  g_assert_false (flows_history_undo (history));
}

static void
test_groups (void)
{
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Groups", FLOWS_CONNECTION_TYPE_OAUTH);
  FlowsFlow *flow = step1_flow (app);
  g_autoptr(FlowsHistory) history = flows_history_new (flow);
  FlowsStage *a = stage_at (flow, 1);
  Counts counts = { 0 };

  g_signal_connect (history, "changed", G_CALLBACK (on_changed), &counts);

  /* An empty group leaves no step. */
  flows_history_begin_group (history, "Nothing");
  flows_history_end_group (history);
  g_assert_false (flows_history_get_can_undo (history));
  g_assert_cmpuint (counts.changed, ==, 0);

  /* Nor does one whose edits cancel out. */
  flows_history_begin_group (history, "Back and forth");
  flows_history_set_position (history, a, 5, 5);
  flows_history_set_position (history, a, flows_stage_get_x (stage_at (flow, 1)), 5);
  flows_history_set_position (history, a, 280, 0);
  flows_history_end_group (history);
  g_assert_false (flows_history_get_can_undo (history));

  /* Nested groups are one step, named by the outermost. */
  flows_history_begin_group (history, "Outer");
  flows_history_begin_group (history, "Inner");
  flows_history_set_name (history, a, "One");
  flows_history_end_group (history);
  flows_history_add_stage (history, FLOWS_STAGE_TYPE_SLEEP, 0, 0);
  flows_history_set_name (history, a, "Two");
  g_assert_cmpuint (counts.changed, ==, 0);
  flows_history_end_group (history);
  g_assert_cmpuint (counts.changed, ==, 1);
  g_assert_cmpstr (flows_history_get_undo_label (history), ==, "Outer");
  g_assert_cmpuint (n_stages (flow), ==, 6);
  g_assert_true (flows_history_undo (history));
  g_assert_cmpuint (n_stages (flow), ==, 5);
  g_assert_cmpstr (flows_stage_get_name (a), ==, "Authorisation settings");
  g_assert_false (flows_history_get_can_undo (history));
}

/* New stages get keys unique in the flow, made from their type. */
static void
test_add_keys (void)
{
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Keys", FLOWS_CONNECTION_TYPE_OAUTH);
  FlowsFlow *flow = step1_flow (app);
  g_autoptr(FlowsHistory) history = flows_history_new (flow);
  FlowsStage *one = flows_history_add_stage (history, FLOWS_STAGE_TYPE_CALL_API, 10, 20);
  FlowsStage *two = flows_history_add_stage (history, FLOWS_STAGE_TYPE_CALL_API, 10, 20);
  FlowsStage *three = flows_history_add_stage (history, FLOWS_STAGE_TYPE_ADD_TO_RESPONSE, 10, 20);

  g_assert_cmpstr (flows_stage_get_key (one), ==, "callApi");
  g_assert_cmpstr (flows_stage_get_key (two), ==, "callApi2");
  g_assert_cmpstr (flows_stage_get_key (three), ==, "addToResponse");
  g_assert_cmpstr (flows_stage_get_name (one), ==, "Call API");
  g_assert_cmpstr (flows_stage_get_string_setting (one, "method"), ==, "GET");
  g_assert_cmpfloat (flows_stage_get_x (one), ==, 10);
  g_assert_true (g_uuid_string_is_valid (flows_stage_get_id (one)));
  g_assert_cmpstr (flows_stage_get_id (one), !=, flows_stage_get_id (two));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/history/round-trip", test_round_trip);
  g_test_add_func ("/history/in-place", test_in_place);
  g_test_add_func ("/history/notifications", test_notifications);
  g_test_add_func ("/history/merge", test_merge);
  g_test_add_func ("/history/merge-after-undo", test_merge_after_undo);
  g_test_add_func ("/history/groups", test_groups);
  g_test_add_func ("/history/add-keys", test_add_keys);

  return g_test_run ();
}
