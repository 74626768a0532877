/* test-clipboard.c — copy and paste of stages, within a flow and across Apps. */
#include "flows-app-templates.h"
#include "flows-document.h"
#include "flows-history.h"
#include "flows-stage-clipboard.h"
#include "flows-validate.h"

static FlowsStage *
by_key (FlowsFlow  *flow,
        const char *key)
{
  FlowsStage *stage = flows_flow_find_stage_by_key (flow, key);

  g_assert_nonnull (stage);
  return stage;
}

/* Copy the three stages after the Trigger of an OAuth App's Step 1 and paste them into the
 * Connection Test of a Generic App. */
static void
test_across_apps (void)
{
  g_autoptr(FlowsApp) source_app = flows_app_new_from_template ("Source", FLOWS_CONNECTION_TYPE_OAUTH);
  g_autoptr(FlowsApp) target_app = flows_app_new_from_template ("Target", FLOWS_CONNECTION_TYPE_GENERIC);
  FlowsFlow *source = flows_app_find_flow_by_role (source_app, FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE);
  FlowsFlow *target = flows_app_find_flow_by_role (target_app, FLOWS_FLOW_ROLE_CONNECTION_TEST);
  g_autoptr(FlowsHistory) history = flows_history_new (target);
  g_autoptr(GPtrArray) copy = g_ptr_array_new ();
  g_autoptr(GPtrArray) pasted = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  FlowsStage *settings, *optional, *build;

  g_ptr_array_add (copy, by_key (source, "settings"));
  g_ptr_array_add (copy, by_key (source, "optional"));
  g_ptr_array_add (copy, by_key (source, "authorizeUrl"));
  text = flows_stage_clipboard_serialize (copy);
  g_assert_true (g_str_has_prefix (text, "{\n  \"format\" : \"flows-studio/stages\""));

  pasted = flows_stage_clipboard_parse (text, target, 40, 60, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pasted->len, ==, 3);
  flows_history_insert_stages (history, pasted);
  g_assert_cmpuint (g_list_model_get_n_items (flows_flow_get_stages (target)), ==, 5);

  settings = by_key (target, "settings");
  optional = by_key (target, "optional");
  build = by_key (target, "authorizeUrl");
  g_assert_true (settings == g_ptr_array_index (pasted, 0));

  /* New ids; names, settings and positions (moved) as copied. */
  for (guint i = 0; i < copy->len; i++)
    {
      FlowsStage *old = g_ptr_array_index (copy, i);
      FlowsStage *new = g_ptr_array_index (pasted, i);

      g_assert_cmpstr (flows_stage_get_id (old), !=, flows_stage_get_id (new));
      g_assert_true (g_uuid_string_is_valid (flows_stage_get_id (new)));
      g_assert_cmpstr (flows_stage_get_name (old), ==, flows_stage_get_name (new));
      g_assert_cmpint (flows_stage_get_stage_type (old), ==, flows_stage_get_stage_type (new));
      g_assert_cmpfloat (flows_stage_get_x (old) + 40, ==, flows_stage_get_x (new));
      g_assert_cmpfloat (flows_stage_get_y (old) + 60, ==, flows_stage_get_y (new));
      g_assert_true (json_object_equal (flows_stage_get_settings (old), flows_stage_get_settings (new)));
    }

  /* Routes among them kept; the one to "response", left behind, dropped. */
  g_assert_cmpstr (flows_stage_get_route (settings, "success"), ==, flows_stage_get_id (optional));
  g_assert_cmpstr (flows_stage_get_route (optional, "success"), ==, flows_stage_get_id (build));
  g_assert_null (flows_stage_get_route (build, "success"));

  /* Undo takes the paste out as one step. */
  g_assert_cmpstr (flows_history_get_undo_label (history), ==, "Add 3 Stages");
  g_assert_true (flows_history_undo (history));
  g_assert_cmpuint (g_list_model_get_n_items (flows_flow_get_stages (target)), ==, 2);
}

/* Pasting into the flow it came from, twice: every key unique, references follow. */
static void
test_same_flow_twice (void)
{
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Twice", FLOWS_CONNECTION_TYPE_OAUTH);
  FlowsFlow *flow = flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE);
  g_autoptr(GPtrArray) copy = g_ptr_array_new ();
  g_autoptr(GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *text = NULL;
  GListModel *stages = flows_flow_get_stages (flow);
  FlowsStage *build;

  g_ptr_array_add (copy, by_key (flow, "settings"));
  g_ptr_array_add (copy, by_key (flow, "authorizeUrl"));
  g_ptr_array_add (copy, by_key (flow, "response"));
  text = flows_stage_clipboard_serialize (copy);

  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) pasted = flows_stage_clipboard_parse (text, flow, 0, 200, &error);

      g_assert_no_error (error);
      for (guint i = 0; i < pasted->len; i++)
        flows_flow_add_stage (flow, g_ptr_array_index (pasted, i));
    }

  g_assert_cmpuint (g_list_model_get_n_items (stages), ==, 11);
  for (guint i = 0; i < g_list_model_get_n_items (stages); i++)
    {
      g_autoptr(FlowsStage) stage = g_list_model_get_item (stages, i);
      g_assert_true (g_hash_table_add (keys, (gpointer) flows_stage_get_key (stage)));
    }

  /* The second copy's Build URL reads the second copy's settings, and its response the
   * second copy's URL. */
  build = by_key (flow, "authorizeUrl3");
  g_assert_nonnull (by_key (flow, "settings3"));
  g_assert_cmpstr (flows_stage_get_string_setting (build, "base"), ==, "<settings3.AuthURL>");
  g_assert_cmpstr (flows_stage_get_route (build, "success"), ==, flows_stage_get_id (by_key (flow, "response3")));
  {
    JsonArray *fields = json_object_get_array_member (flows_stage_get_settings (by_key (flow, "response2")), "fields");
    JsonObject *field = json_array_get_object_element (fields, 0);

    g_assert_cmpstr (json_object_get_string_member (field, "value"), ==, "<authorizeUrl2.url>");
    /* A name is not a reference: kept. */
    g_assert_cmpstr (json_object_get_string_member (field, "name"), ==, "authorizeUrl");
  }
}

static void
test_rewrite (void)
{
  g_autoptr(FlowsFlow) flow = flows_flow_new ("f", "F");
  g_autoptr(FlowsStage) a = flows_stage_new ("a", "a", FLOWS_STAGE_TYPE_SET_FIELDS, "A");
  g_autoptr(FlowsStage) b = flows_stage_new ("b", "b", FLOWS_STAGE_TYPE_SET_FIELDS, "B");
  g_autoptr(GPtrArray) copy = g_ptr_array_new ();
  g_autoptr(GPtrArray) pasted = NULL;
  g_autoptr(JsonNode) node = json_from_string (
    "{\"fields\":[{\"name\":\"<a>\",\"value\":\"<a.x> \\\\<a.x> <ab.x> <a> <b.y>< a.x> <x.a>\"}],"
    "\"nested\":{\"list\":[\"<a.z>\",3,null,true]}}", NULL);
  g_autofree char *text = NULL;
  JsonObject *settings;

  flows_stage_set_settings (b, json_node_get_object (node));
  flows_flow_add_stage (flow, a);
  g_ptr_array_add (copy, a);
  g_ptr_array_add (copy, b);
  text = flows_stage_clipboard_serialize (copy);
  pasted = flows_stage_clipboard_parse (text, flow, 0, 0, NULL);

  settings = flows_stage_get_settings (g_ptr_array_index (pasted, 1));
  g_assert_cmpstr (flows_stage_get_key (g_ptr_array_index (pasted, 0)), ==, "a2");
  g_assert_cmpstr (flows_stage_get_key (g_ptr_array_index (pasted, 1)), ==, "b");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (settings, "fields"), 0), "value"), ==,
                   "<a2.x> \\<a.x> <ab.x> <a2> <b.y>< a.x> <x.a>");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (settings, "fields"), 0), "name"), ==, "<a>");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (
                     json_object_get_object_member (settings, "nested"), "list"), 0), ==, "<a2.z>");
  g_assert_cmpint (json_array_get_int_element (json_object_get_array_member (
                     json_object_get_object_member (settings, "nested"), "list"), 1), ==, 3);
}

static void
test_garbage (void)
{
  g_autoptr(FlowsFlow) flow = flows_flow_new ("f", "F");
  const struct {
    const char *text;
    int code;
  } cases[] = {
    { "", FLOWS_DOCUMENT_ERROR_SYNTAX },
    { "hello", FLOWS_DOCUMENT_ERROR_SYNTAX },
    { "{\"format\":", FLOWS_DOCUMENT_ERROR_SYNTAX },
    { "[1,2]", FLOWS_DOCUMENT_ERROR_FORMAT },
    { "{\"format\":\"flows-studio/app\",\"version\":1}", FLOWS_DOCUMENT_ERROR_FORMAT },
    { "{\"format\":\"flows-studio/stages\"}", FLOWS_DOCUMENT_ERROR_INVALID },
    { "{\"format\":\"flows-studio/stages\",\"version\":2,\"stages\":[]}", FLOWS_DOCUMENT_ERROR_NEWER_VERSION },
    { "{\"format\":\"flows-studio/stages\",\"version\":1}", FLOWS_DOCUMENT_ERROR_INVALID },
    { "{\"format\":\"flows-studio/stages\",\"version\":1,\"stages\":[3]}", FLOWS_DOCUMENT_ERROR_INVALID },
    { "{\"format\":\"flows-studio/stages\",\"version\":1,\"stages\":[{\"key\":\"x\"}]}", FLOWS_DOCUMENT_ERROR_INVALID },
    { "{\"format\":\"flows-studio/stages\",\"version\":1,\"stages\":[{\"id\":\"x\",\"type\":\"teleport\"}]}",
      FLOWS_DOCUMENT_ERROR_INVALID },
    { "{\"format\":\"flows-studio/stages\",\"version\":1,\"stages\":[{\"id\":\"x\",\"type\":\"sleep\"},"
      "{\"id\":\"x\",\"type\":\"sleep\"}]}", FLOWS_DOCUMENT_ERROR_INVALID },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) stages = flows_stage_clipboard_parse (cases[i].text, flow, 0, 0, &error);

      g_test_message ("%s", cases[i].text);
      g_assert_null (stages);
      g_assert_error (error, FLOWS_DOCUMENT_ERROR, cases[i].code);
      g_assert_cmpstr (error->message, !=, "");
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) stages =
      flows_stage_clipboard_parse ("{\"format\":\"flows-studio/stages\",\"version\":1,\"stages\":[{\"key\":\"x\"}]}",
                                   flow, 0, 0, &error);

    g_assert_null (stages);
    g_assert_cmpstr (error->message, ==, "Copied stage 1: “id” is missing here");
  }
}

static void
test_empty (void)
{
  g_autoptr(FlowsFlow) flow = flows_flow_new ("f", "F");
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  g_autofree char *text = flows_stage_clipboard_serialize (none);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) stages = flows_stage_clipboard_parse (text, flow, 0, 0, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (stages->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/clipboard/across-apps", test_across_apps);
  g_test_add_func ("/clipboard/same-flow-twice", test_same_flow_twice);
  g_test_add_func ("/clipboard/rewrite", test_rewrite);
  g_test_add_func ("/clipboard/garbage", test_garbage);
  g_test_add_func ("/clipboard/empty", test_empty);

  return g_test_run ();
}
