/* test-scope.c — what the insert-reference menu offers at a stage. */
#include "flows-app-templates.h"
#include "flows-scope.h"
#include "flows-validate.h"
#include "runner-helpers.h"

static FlowsStage *
add_stage (FlowsFlow      *flow,
           const char     *id,
           const char     *key,
           FlowsStageType  stage_type,
           const char     *settings)
{
  g_autoptr(FlowsStage) stage = flows_stage_new (id, key, stage_type, key);

  if (settings != NULL)
    {
      g_autoptr(JsonObject) object = test_parse_settings (settings);
      flows_stage_set_settings (stage, object);
    }
  flows_flow_add_stage (flow, stage);
  return stage;
}

/* The entries' names, space-separated, from the first of @kind on. */
static char *
names_of (GPtrArray      *entries,
          FlowsScopeKind  kind)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < entries->len; i++)
    {
      FlowsScopeEntry *entry = g_ptr_array_index (entries, i);

      g_assert_nonnull (entry->description);
      g_assert_cmpstr (entry->description, !=, "");
      g_assert_true ((entry->stage_id != NULL) == (entry->kind == FLOWS_SCOPE_STAGE_OUTPUT));
      if (entry->kind != kind)
        continue;
      if (names->len > 0)
        g_string_append_c (names, ' ');
      g_string_append (names, entry->name);
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static void
test_template (void)
{
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Scope", FLOWS_CONNECTION_TYPE_OAUTH);
  FlowsFlow *flow = flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE);
  FlowsStage *build = flows_flow_find_stage_by_key (flow, "authorizeUrl");
  FlowsStage *response = flows_flow_find_stage_by_key (flow, "response");
  g_autoptr(GPtrArray) entries = flows_scope_at_stage (app, flow, build);
  g_autoptr(GPtrArray) at_response = flows_scope_at_stage (app, flow, response);
  g_autofree char *params = names_of (entries, FLOWS_SCOPE_PARAMETER);
  g_autofree char *builtins = names_of (entries, FLOWS_SCOPE_BUILTIN);
  g_autofree char *inputs = names_of (entries, FLOWS_SCOPE_INPUT);
  g_autofree char *outputs = names_of (entries, FLOWS_SCOPE_STAGE_OUTPUT);
  g_autofree char *response_outputs = names_of (at_response, FLOWS_SCOPE_STAGE_OUTPUT);
  g_autofree char *expected_builtins = g_strjoinv (" ", (char **) flows_validate_builtin_names ());
  FlowsScopeEntry *first;

  g_assert_cmpstr (params, ==, "AuthURL TokenURL RefreshURL ClientID ClientSecret Scopes TestURL");
  g_assert_cmpstr (builtins, ==, expected_builtins);
  g_assert_cmpstr (inputs, ==, "");
  g_assert_cmpstr (outputs, ==, "settings.AuthURL settings.Scopes");
  /* Nearest first: the URL, then what came before it. */
  g_assert_cmpstr (response_outputs, ==, "authorizeUrl.url settings.AuthURL settings.Scopes");

  /* Parameters first, described by their label. */
  first = g_ptr_array_index (entries, 0);
  g_assert_cmpint (first->kind, ==, FLOWS_SCOPE_PARAMETER);
  g_assert_cmpstr (first->description, ==, "Authorisation URL");
}

/* Trigger (city) → callApi → check (Route Flow) → loop (For Each) -each→ body → loop back;
 * loop -done→ after; check -fail→ other; "lonely" has no route to it. */
static FlowsApp *
new_app (FlowsFlow **out_flow)
{
  g_autoptr(FlowsApp) app = flows_app_new ("app", "App", FLOWS_CONNECTION_TYPE_GENERIC);
  g_autoptr(FlowsParam) param = flows_param_new ("ApiKey", "API key", FLOWS_PARAM_KIND_TEXT);
  g_autoptr(FlowsFlow) flow = flows_flow_new ("flow", "Main");
  g_autoptr(FlowsFlow) helper = flows_flow_new ("helper", "Helper");
  FlowsStage *trigger, *call, *check, *loop, *body, *helper_call;

  flows_app_add_param (app, param);
  trigger = add_stage (flow, "s-trigger", "trigger", FLOWS_STAGE_TYPE_TRIGGER,
                       "{'inputs':[{'name':'city'},{'name':'ApiKey'},{'name':'bad name'},{'name':''}]}");
  call = add_stage (flow, "s-call", "callApi", FLOWS_STAGE_TYPE_CALL_API, NULL);
  check = add_stage (flow, "s-check", "check", FLOWS_STAGE_TYPE_ROUTE_FLOW, NULL);
  loop = add_stage (flow, "s-loop", "loop", FLOWS_STAGE_TYPE_FOR_EACH, "{'list':'<callApi.body.items>'}");
  body = add_stage (flow, "s-body", "body", FLOWS_STAGE_TYPE_SET_FIELDS,
                    "{'fields':[{'name':'x','value':'<loop.item>'},{'name':'y','value':''},{'name':'x','value':''}]}");
  add_stage (flow, "s-after", "after", FLOWS_STAGE_TYPE_BUILD_URL, "{'base':'https://x','resultField':'link'}");
  add_stage (flow, "s-other", "other", FLOWS_STAGE_TYPE_SLEEP, NULL);
  add_stage (flow, "s-lonely", "lonely", FLOWS_STAGE_TYPE_CALL_FLOW, "{'flow':'helper'}");
  helper_call = add_stage (flow, "s-helper", "helperCall", FLOWS_STAGE_TYPE_CALL_FLOW, "{'flow':'helper'}");
  add_stage (flow, "s-end", "end", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE, NULL);

  flows_stage_set_route (trigger, "success", "s-call");
  flows_stage_set_route (call, "success", "s-check");
  flows_stage_set_route (check, "pass", "s-loop");
  flows_stage_set_route (check, "fail", "s-other");
  flows_stage_set_route (loop, "each", "s-body");
  flows_stage_set_route (loop, "done", "s-after");
  flows_stage_set_route (body, "success", "s-loop");
  flows_stage_set_route (flows_flow_find_stage (flow, "s-lonely"), "success", "s-helper");
  flows_stage_set_route (flows_flow_find_stage (flow, "s-after"), "success", "s-helper");
  flows_stage_set_route (helper_call, "success", "s-end");

  add_stage (helper, "h-trigger", "trigger", FLOWS_STAGE_TYPE_TRIGGER, NULL);
  add_stage (helper, "h-response", "response", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE,
             "{'fields':[{'name':'token','value':'t'},{'name':'expiry','value':'1'}]}");
  add_stage (helper, "h-response2", "response2", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE,
             "{'fields':[{'name':'token','value':'u'}]}");
  flows_app_add_flow (app, flow);
  flows_app_add_flow (app, helper);

  *out_flow = flow;
  return g_steal_pointer (&app);
}

static void
test_stage_outputs (void)
{
  FlowsFlow *flow;
  g_autoptr(FlowsApp) app = new_app (&flow);
  g_autoptr(GPtrArray) at_body = flows_scope_at_stage (app, flow, flows_flow_find_stage (flow, "s-body"));
  g_autoptr(GPtrArray) at_end = flows_scope_at_stage (app, flow, flows_flow_find_stage (flow, "s-end"));
  g_autoptr(GPtrArray) at_trigger = flows_scope_at_stage (app, flow, flows_flow_find_stage (flow, "s-trigger"));
  g_autofree char *inputs = names_of (at_body, FLOWS_SCOPE_INPUT);
  g_autofree char *body = names_of (at_body, FLOWS_SCOPE_STAGE_OUTPUT);
  g_autofree char *end = names_of (at_end, FLOWS_SCOPE_STAGE_OUTPUT);
  g_autofree char *trigger = names_of (at_trigger, FLOWS_SCOPE_STAGE_OUTPUT);

  /* Inputs that cannot be referenced are left out, and ApiKey is already a parameter. */
  g_assert_cmpstr (inputs, ==, "city");
  /* Inside the loop: the loop itself, and a body stage sees its own outputs of the previous
   * item only through the loop, which is not a route: it is not upstream of itself. */
  g_assert_cmpstr (body, ==,
                   "loop.item loop.index check.result "
                   "callApi.status callApi.headers callApi.body callApi.size callApi.contentType "
                   "trigger.city trigger.ApiKey");
  /* After the loop: Build URL's result field, Call Flow's response fields; never the stage
   * itself, "other" (another branch) or "lonely" (no run passes through it). */
  g_assert_cmpstr (end, ==,
                   "helperCall.token helperCall.expiry after.link loop.item loop.index check.result "
                   "body.x body.y callApi.status callApi.headers callApi.body callApi.size "
                   "callApi.contentType trigger.city trigger.ApiKey");
  g_assert_cmpstr (trigger, ==, "");
}

static void
test_upstream (void)
{
  FlowsFlow *flow;
  /* Only holds @flow. */
  g_autoptr(FlowsApp) app G_GNUC_UNUSED = new_app (&flow);
  g_autoptr(GHashTable) at_loop = flows_scope_upstream (flow, flows_flow_find_stage (flow, "s-loop"));
  g_autoptr(GHashTable) at_lonely = flows_scope_upstream (flow, flows_flow_find_stage (flow, "s-lonely"));
  g_autoptr(GHashTable) at_helper = flows_scope_upstream (flow, flows_flow_find_stage (flow, "s-helper"));
  g_autoptr(FlowsStage) stranger = flows_stage_new ("s-stranger", "stranger", FLOWS_STAGE_TYPE_SLEEP, "");
  g_autoptr(GHashTable) at_stranger = flows_scope_upstream (flow, stranger);

  /* The loop's body leads back to it: upstream, but the loop is not its own. */
  g_assert_cmpuint (g_hash_table_size (at_loop), ==, 4);
  g_assert_true (g_hash_table_contains (at_loop, "s-body"));
  g_assert_true (g_hash_table_contains (at_loop, "s-trigger"));
  g_assert_false (g_hash_table_contains (at_loop, "s-loop"));
  g_assert_cmpuint (g_hash_table_size (at_lonely), ==, 0);
  g_assert_false (g_hash_table_contains (at_helper, "s-lonely"));
  g_assert_true (g_hash_table_contains (at_helper, "s-after"));
  g_assert_cmpuint (g_hash_table_size (at_stranger), ==, 0);
}

/* Whatever the menu offers, validation accepts there. */
static void
test_agrees_with_validation (void)
{
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Scope", FLOWS_CONNECTION_TYPE_OAUTH);
  FlowsFlow *flow = flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_OAUTH_EXCHANGE);
  FlowsStage *response = flows_flow_find_stage_by_key (flow, "response");
  g_autoptr(GPtrArray) entries = flows_scope_at_stage (app, flow, response);
  g_autoptr(GString) settings = g_string_new ("{\"fields\":[");
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GPtrArray) problems = NULL;

  g_assert_cmpuint (entries->len, >, 10);
  for (guint i = 0; i < entries->len; i++)
    {
      FlowsScopeEntry *entry = g_ptr_array_index (entries, i);

      g_string_append_printf (settings, "%s{\"name\":\"f%u\",\"value\":\"<%s>\",\"mode\":\"fixed\"}",
                              i > 0 ? "," : "", i, entry->name);
    }
  g_string_append (settings, ",{\"name\":\"access_token\",\"value\":\"x\",\"mode\":\"fixed\"}]}");
  node = json_from_string (settings->str, NULL);
  flows_stage_set_settings (response, json_node_get_object (node));

  problems = flows_validate_flow (app, flow);
  g_assert_cmpuint (problems->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/scope/template", test_template);
  g_test_add_func ("/scope/stage-outputs", test_stage_outputs);
  g_test_add_func ("/scope/upstream", test_upstream);
  g_test_add_func ("/scope/agrees-with-validation", test_agrees_with_validation);

  return g_test_run ();
}
