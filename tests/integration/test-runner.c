/* test-runner.c — every stage of the catalogue but Call API (test-runner-call-api.c), run by
 * FlowsRunner against a SoupServer on 127.0.0.1: Trigger, Set Fields, Build URL, Route Flow,
 * Call Flow, Add To Response, Sleep and For Each, with their outputs, routes and trace.
 */
#include "config.h"

#include <string.h>

#include "runner-helpers.h"
#include "test-cases.h"

/* Trigger ---------------------------------------------------------------------------------- */

static void
test_trigger_required (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  FlowsFlow *flow = test_flow_add (app, "required");
  FlowsStage *trigger = test_stage_add (flow, "trigger", FLOWS_STAGE_TYPE_TRIGGER,
                                        "{'inputs':[{'name':'projectId','required':true,'default':'','sample':'1'},"
                                        "{'name':'note','required':false,'default':'','sample':''}]}");
  FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'GET','uriBase':'%s','uriPath':'projects/<projectId>'}",
                                     server->url);

  test_route (trigger, "success", call);

  /* Not given, then given empty: the same clear error, and nothing is called. */
  {
    g_autoptr(FlowsRun) run = test_run_with_inputs (app, flow, "note", "x", NULL);

    test_assert_failed (run, "trigger", NULL);
    g_assert_cmpstr (flows_run_get_error_message (run), ==, "The required input “projectId” has no value");
    test_assert_trace (run, "trigger>-");
    g_assert_cmpstr (test_trace_entry (run, "trigger", 0)->error, ==, "The required input “projectId” has no value");
  }
  {
    g_autoptr(FlowsRun) run = test_run_with_inputs (app, flow, "projectId", "", NULL);

    test_assert_failed (run, "trigger", "The required input “projectId” has no value", NULL);
  }
  g_assert_cmpuint (test_server_n_requests (server), ==, 0);

  /* Given: the flow runs on. */
  {
    g_autoptr(FlowsRun) run = test_run_with_inputs (app, flow, "projectId", "7", NULL);

    test_assert_succeeded (run);
    test_assert_trace (run, "trigger>success call>success");
    g_assert_cmpstr (test_server_single (server)->path, ==, "/projects/7");
  }
}

static void
test_trigger_defaults (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  FlowsFlow *flow = test_flow_add (app, "defaults");
  FlowsStage *trigger = test_stage_add (flow, "trigger", FLOWS_STAGE_TYPE_TRIGGER,
                                        "{'inputs':[{'name':'limit','required':true,'default':'10','sample':''},"
                                        "{'name':'region','required':false,'default':'<Region>-1','sample':''}]}");
  FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'GET','uriBase':'%s','uriPath':'list',"
                                     "'query':[{'name':'limit','value':'<limit>'},{'name':'region','value':'<region>'}]}",
                                     server->url);

  test_app_add_param (app, "Region", FALSE, "eu");
  test_route (trigger, "success", call);

  {
    g_autoptr(FlowsRun) run = test_run_with_inputs (app, flow, NULL);
    g_autofree char *limit = NULL;
    g_autofree char *region = NULL;

    test_assert_succeeded (run);
    g_assert_cmpstr (test_server_request (server, 0)->query, ==, "limit=10&region=eu-1");
    /* The trigger's outputs and resolved settings show the values the run used. */
    limit = test_entry_output (test_trace_entry (run, "trigger", 0), "limit");
    region = test_entry_setting (test_trace_entry (run, "trigger", 0), "region");
    g_assert_cmpstr (limit, ==, "10");
    g_assert_cmpstr (region, ==, "eu-1");
  }
  {
    g_autoptr(FlowsRun) run = test_run_with_inputs (app, flow, "limit", "25", "region", "us", NULL);

    test_assert_succeeded (run);
    g_assert_cmpstr (test_server_request (server, 1)->query, ==, "limit=25&region=us");
  }
  /* An empty value takes the default too. */
  {
    g_autoptr(FlowsRun) run = test_run_with_inputs (app, flow, "limit", "", NULL);

    test_assert_succeeded (run);
    g_assert_cmpstr (test_server_request (server, 2)->query, ==, "limit=10&region=eu-1");
  }
}

static void
test_trigger_extra_inputs (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  g_autoptr(FlowsRun) run = NULL;
  FlowsFlow *flow = test_flow_add (app, "extra");
  FlowsStage *trigger = test_trigger_add (flow, "code", NULL);
  FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'GET','uriBase':'%s','uriPath':'cb',"
                                     "'query':[{'name':'code','value':'<code>'},{'name':'iss','value':'<trigger.iss>'}]}",
                                     server->url);
  g_autofree char *outputs = NULL;

  test_route (trigger, "success", call);
  run = test_run_with_inputs (app, flow, "code", "c1", "iss", "https://id.example", NULL);
  test_assert_succeeded (run);
  g_assert_cmpstr (test_server_single (server)->query, ==, "code=c1&iss=https%3A%2F%2Fid.example");

  /* Declared or not, every input given is an output of the Trigger. */
  outputs = test_json_compact (test_trace_entry (run, "trigger", 0)->outputs);
  test_assert_contains (outputs, "\"code\":\"c1\"");
  test_assert_contains (outputs, "\"iss\":\"https://id.example\"");
}

/* A declared input that is not required and not given is empty, not missing: a query
 * parameter of it is omitted when empty, and Set Fields takes its whenEmpty value. */
static void
test_trigger_optional_not_given (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  g_autoptr(FlowsRun) run = NULL;
  FlowsFlow *flow = test_flow_add (app, "optional");
  FlowsStage *trigger = test_trigger_add (flow, "q", "page", NULL);
  FlowsStage *fields = test_stage_add (flow, "fields", FLOWS_STAGE_TYPE_SET_FIELDS,
                                       "{'fields':[{'name':'page','value':'<page>','whenEmpty':'1'}]}");
  FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'GET','uriBase':'%s','uriPath':'search',"
                                     "'query':[{'name':'q','value':'<q>'},"
                                     "{'name':'cursor','value':'<page>','omitWhenEmpty':true},"
                                     "{'name':'page','value':'<fields.page>'}]}",
                                     server->url);

  test_route (trigger, "success", fields);
  test_route (fields, "success", call);
  run = test_run_with_inputs (app, flow, "q", "x", NULL);
  test_assert_succeeded (run);
  g_assert_cmpstr (test_server_single (server)->query, ==, "q=x&page=1");
}

/* Set Fields ------------------------------------------------------------------------------- */

static void
test_set_fields (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  g_autoptr(FlowsRun) run = NULL;
  FlowsFlow *flow = test_flow_add (app, "fields");
  FlowsStage *trigger = test_trigger_add (flow, "first", "last", "nick", NULL);
  FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'GET','uriBase':'%s','uriPath':'user'}", server->url);
  FlowsStage *fields = test_stage_add (flow, "fields", FLOWS_STAGE_TYPE_SET_FIELDS,
                                       "{'fields':["
                                       "{'name':'literal','value':'fixed text'},"
                                       "{'name':'full','value':'<first> <last>'},"
                                       "{'name':'nick','value':'<nick>','whenEmpty':'<first>'},"
                                       "{'name':'kept','value':'<last>','whenEmpty':'unused'},"
                                       "{'name':'role','value':'<call.body.role>','whenEmpty':'guest'},"
                                       "{'name':'escaped','value':'\\\\<first> is <first>'}]}");
  FlowsStage *response = test_stage_add (flow, "response", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE,
                                         "{'fields':[{'name':'nick','value':'<fields.nick>','mode':'fixed'},"
                                         "{'name':'role','value':'<fields.role>','mode':'fixed'}]}");
  FlowsTraceEntry *entry;
  g_autofree char *outputs = NULL;
  g_autofree char *settings = NULL;
  g_autofree char *nick = NULL;
  g_autofree char *role = NULL;

  test_server_respond (server, "/user", 200, "application/json", "{\"role\":\"\"}", -1);
  test_route (trigger, "success", call);
  test_route (call, "success", fields);
  test_route (fields, "success", response);

  run = test_run_with_inputs (app, flow, "first", "Ada", "last", "Lovelace", "nick", "", NULL);
  test_assert_succeeded (run);
  test_assert_trace (run, "trigger>success call>success fields>success response>success");

  entry = test_trace_entry (run, "fields", 0);
  outputs = test_json_compact (entry->outputs);
  g_assert_cmpstr (outputs, ==,
                   "{\"literal\":\"fixed text\",\"full\":\"Ada Lovelace\",\"nick\":\"Ada\","
                   "\"kept\":\"Lovelace\",\"role\":\"guest\",\"escaped\":\"<first> is Ada\"}");
  /* The resolved settings are the values the stage set. */
  {
    g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), entry->settings);
    settings = test_json_compact (node);
  }
  g_assert_cmpstr (settings, ==, outputs);

  nick = test_response_text (run, "nick");
  role = test_response_text (run, "role");
  g_assert_cmpstr (nick, ==, "Ada");
  g_assert_cmpstr (role, ==, "guest");
}

/* Build URL -------------------------------------------------------------------------------- */

static void
test_build_url (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  g_autoptr(FlowsRun) run = NULL;
  FlowsFlow *flow = test_flow_add (app, "build");
  FlowsStage *trigger = test_trigger_add (flow, "q", "empty", NULL);
  FlowsStage *plain = test_stage_add (flow, "plain", FLOWS_STAGE_TYPE_BUILD_URL,
                                      "{'base':'%s/search','resultField':'url','query':["
                                      "{'name':'q','value':'<q>','omitWhenEmpty':false},"
                                      "{'name':'skipped','value':'<empty>','omitWhenEmpty':true},"
                                      "{'name':'kept','value':'<empty>','omitWhenEmpty':false},"
                                      "{'name':'redirect uri','value':'http://127.0.0.1:8976/cb','omitWhenEmpty':false},"
                                      "{'name':'safe','value':'AZaz09-._~','omitWhenEmpty':false}]}",
                                      server->url);
  FlowsStage *existing = test_stage_add (flow, "existing", FLOWS_STAGE_TYPE_BUILD_URL,
                                         "{'base':'https://auth.example/authorize?prompt=consent#section','resultField':'link',"
                                         "'query':[{'name':'state','value':'<q>','omitWhenEmpty':false}]}");
  FlowsStage *fragment = test_stage_add (flow, "fragment", FLOWS_STAGE_TYPE_BUILD_URL,
                                         "{'base':'https://auth.example/authorize#f','resultField':'',"
                                         "'query':[{'name':'a','value':'1','omitWhenEmpty':false},"
                                         "{'name':'b','value':'<empty>','omitWhenEmpty':true}]}");
  FlowsStage *unchanged = test_stage_add (flow, "unchanged", FLOWS_STAGE_TYPE_BUILD_URL,
                                          "{'base':'https://auth.example/authorize?x=1#f','resultField':'url',"
                                          "'query':[{'name':'b','value':'<empty>','omitWhenEmpty':true}]}");
  FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'GET','uriBase':'<plain.url>','uriPath':''}");
  g_autofree char *plain_url = NULL;
  g_autofree char *existing_url = NULL;
  g_autofree char *fragment_url = NULL;
  g_autofree char *unchanged_url = NULL;
  g_autofree char *expected = NULL;

  test_route (trigger, "success", plain);
  test_route (plain, "success", existing);
  test_route (existing, "success", fragment);
  test_route (fragment, "success", unchanged);
  test_route (unchanged, "success", call);

  run = test_run_with_inputs (app, flow, "q", "a b&c=d/é#?+%", "empty", "", NULL);
  test_assert_succeeded (run);
  test_assert_trace (run, "trigger>success plain>success existing>success fragment>success unchanged>success call>success");

  plain_url = test_entry_output (test_trace_entry (run, "plain", 0), "url");
  expected = test_server_url (server, "/search?q=a%20b%26c%3Dd%2F%C3%A9%23%3F%2B%25&kept="
                                      "&redirect%20uri=http%3A%2F%2F127.0.0.1%3A8976%2Fcb&safe=AZaz09-._~");
  g_assert_cmpstr (plain_url, ==, expected);
  existing_url = test_entry_output (test_trace_entry (run, "existing", 0), "link");
  g_assert_cmpstr (existing_url, ==,
                   "https://auth.example/authorize?prompt=consent&state=a%20b%26c%3Dd%2F%C3%A9%23%3F%2B%25#section");
  /* Without a result field the URL is <key.url>. */
  fragment_url = test_entry_output (test_trace_entry (run, "fragment", 0), "url");
  g_assert_cmpstr (fragment_url, ==, "https://auth.example/authorize?a=1#f");
  unchanged_url = test_entry_output (test_trace_entry (run, "unchanged", 0), "url");
  g_assert_cmpstr (unchanged_url, ==, "https://auth.example/authorize?x=1#f");

  /* The URL works as it is: the server gets every byte as encoded. */
  g_assert_cmpstr (test_server_single (server)->path, ==, "/search");
  g_assert_cmpstr (test_server_single (server)->query, ==,
                   "q=a%20b%26c%3Dd%2F%C3%A9%23%3F%2B%25&kept=&redirect%20uri=http%3A%2F%2F127.0.0.1%3A8976%2Fcb&safe=AZaz09-._~");
}

/* Route Flow ------------------------------------------------------------------------------- */

typedef struct
{
  const char *field;
  const char *comparator;
  const char *value;
  gboolean    holds;
} Condition;

/* A flow that calls the server for values, then routes on one condition: "pass" or "fail"
 * in the response. */
static char *
route_once (TestServer *server,
            const char *match,
            const char *conditions_json,
            char      **results)
{
  g_autoptr(FlowsApp) app = test_app_new ();
  g_autoptr(FlowsRun) run = NULL;
  FlowsFlow *flow = test_flow_add (app, "route");
  FlowsStage *trigger = test_trigger_add (flow, NULL);
  FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'GET','uriBase':'%s','uriPath':'values'}", server->url);
  FlowsStage *route = test_stage_add (flow, "route", FLOWS_STAGE_TYPE_ROUTE_FLOW,
                                      "{'match':'%s','conditions':%s}", match, conditions_json);
  FlowsStage *pass = test_stage_add (flow, "pass", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE,
                                     "{'fields':[{'name':'route','value':'pass','mode':'fixed'}]}");
  FlowsStage *fail = test_stage_add (flow, "fail", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE,
                                     "{'fields':[{'name':'route','value':'fail','mode':'fixed'}]}");
  FlowsTraceEntry *entry;
  g_autofree char *taken = NULL;
  g_autofree char *result = NULL;

  test_route (trigger, "success", call);
  test_route (call, "success", route);
  test_route (route, "pass", pass);
  test_route (route, "fail", fail);

  run = test_run_with_inputs (app, flow, NULL);
  test_assert_succeeded (run);
  taken = test_response_text (run, "route");
  entry = test_trace_entry (run, "route", 0);
  g_assert_cmpstr (entry->route, ==, taken);
  result = test_entry_output (entry, "result");
  g_assert_cmpstr (result, ==, g_str_equal (taken, "pass") ? "true" : "false");
  if (results != NULL)
    *results = test_entry_output (entry, "conditions");
  return g_steal_pointer (&taken);
}

static void
serve_values (TestServer *server)
{
  test_server_respond (server, "/values", 200, "application/json",
                       "{\"s\":\"Hello World\",\"empty\":\"\",\"n\":\"10\",\"m\":9,\"e\":\"1e2\",\"neg\":-2.5,"
                       "\"list\":[1],\"flag\":true}", -1);
}

static const Condition string_conditions[] = {
  { "<call.body.s>", "Equal", "Hello World", TRUE },
  { "<call.body.s>", "Equal", "hello world", FALSE },
  { "<call.body.s>", "NotEqual", "Hello", TRUE },
  { "<call.body.s>", "NotEqual", "Hello World", FALSE },
  { "<call.body.s>", "Contains", "lo Wo", TRUE },
  { "<call.body.s>", "Contains", "xyz", FALSE },
  { "<call.body.s>", "DoesNotContain", "xyz", TRUE },
  { "<call.body.s>", "DoesNotContain", "World", FALSE },
  { "<call.body.s>", "StartsWith", "Hello", TRUE },
  { "<call.body.s>", "StartsWith", "World", FALSE },
  { "<call.body.s>", "EndsWith", "World", TRUE },
  { "<call.body.s>", "EndsWith", "Hello", FALSE },
  { "<call.body.empty>", "IsEmpty", "", TRUE },
  { "<call.body.s>", "IsEmpty", "", FALSE },
  { "<call.body.s>", "IsNotEmpty", "", TRUE },
  { "<call.body.empty>", "IsNotEmpty", "", FALSE },
  /* Strings, not numbers: "10" is not "10.0", and "10" < "9" as text. */
  { "<call.body.n>", "Equal", "10.0", FALSE },
  { "<call.body.flag>", "Equal", "true", TRUE },
  { "<call.body.list>", "Equal", "[1]", TRUE },
  { "<call.body.s> and more", "StartsWith", "Hello World and", TRUE },
};

static const Condition numeric_conditions[] = {
  { "<call.body.n>", "NumberEqual", "10.0", TRUE },
  { "<call.body.e>", "NumberEqual", "100", TRUE },
  { "<call.body.n>", "NumberEqual", "11", FALSE },
  { "<call.body.n>", "NumberNotEqual", "11", TRUE },
  { "<call.body.n>", "NumberNotEqual", " 10 ", FALSE },
  { "<call.body.n>", "GreaterThan", "9", TRUE },
  { "<call.body.n>", "GreaterThan", "10", FALSE },
  { "<call.body.n>", "GreaterThanEqual", "10", TRUE },
  { "<call.body.m>", "GreaterThanEqual", "10", FALSE },
  { "<call.body.m>", "LessThan", "10", TRUE },
  { "<call.body.neg>", "LessThan", "-3", FALSE },
  { "<call.body.neg>", "LessThanEqual", "-2.5", TRUE },
  { "<call.body.n>", "LessThanEqual", "9.99", FALSE },
  { "<call.status>", "GreaterThanEqual", "200", TRUE },
  { "<call.status>", "LessThan", "300", TRUE },
};

/* Each condition alone in a Route Flow, on the values of serve_values(). */
typedef struct
{
  const char      *path;
  const Condition *conditions;
  gsize            n_conditions;
} Comparators;

static const Comparators comparators[] = {
  { "/engine/route-flow/string-comparators", string_conditions, G_N_ELEMENTS (string_conditions) },
  { "/engine/route-flow/numeric-comparators", numeric_conditions, G_N_ELEMENTS (numeric_conditions) },
};

static void
test_route_comparators (gconstpointer data)
{
  const Comparators *set = data;
  g_autoptr(TestServer) server = test_server_new ();

  serve_values (server);
  for (gsize i = 0; i < set->n_conditions; i++)
    {
      const Condition *condition = &set->conditions[i];
      g_autofree char *conditions = g_strdup_printf ("[{'field':'%s','comparator':'%s','value':'%s'}]",
                                                     condition->field, condition->comparator, condition->value);
      g_autofree char *taken = NULL;

      g_test_message ("%s %s %s", condition->field, condition->comparator, condition->value);
      taken = route_once (server, "all", conditions, NULL);
      g_assert_cmpstr (taken, ==, condition->holds ? "pass" : "fail");
    }
}

/* A numeric comparator on text is the stage's error, naming the setting and the value. */
static void
test_route_not_a_number (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  g_autoptr(FlowsRun) run = NULL;
  FlowsFlow *flow = test_flow_add (app, "nan");
  FlowsStage *trigger = test_trigger_add (flow, NULL);
  FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'GET','uriBase':'%s','uriPath':'values'}", server->url);
  FlowsStage *route = test_stage_add (flow, "route", FLOWS_STAGE_TYPE_ROUTE_FLOW,
                                      "{'match':'all','conditions':[{'field':'<call.body.s>','comparator':'GreaterThan','value':'1'}]}");

  serve_values (server);
  test_route (trigger, "success", call);
  test_route (call, "success", route);
  run = test_run_with_inputs (app, flow, NULL);
  test_assert_failed (run, "route", NULL);
  g_assert_cmpstr (flows_run_get_error_message (run), ==, "conditions[0].field: “Hello World” is not a number");
}

static void
test_route_and_or (void)
{
  static const char true_condition[] = "{'field':'<call.body.s>','comparator':'StartsWith','value':'Hello'}";
  static const char false_condition[] = "{'field':'<call.body.n>','comparator':'GreaterThan','value':'100'}";
  g_autoptr(TestServer) server = test_server_new ();
  g_autofree char *both = g_strdup_printf ("[%s,%s]", true_condition, false_condition);
  g_autofree char *two_true = g_strdup_printf ("[%s,%s]", true_condition, true_condition);
  g_autofree char *two_false = g_strdup_printf ("[%s,%s]", false_condition, false_condition);
  struct {
    const char *match;
    const char *conditions;
    const char *taken;
    const char *results;
  } cases[] = {
    { "all", both, "fail", "[true,false]" },
    { "any", both, "pass", "[true,false]" },
    { "all", two_true, "pass", "[true,true]" },
    { "any", two_false, "fail", "[false,false]" },
    /* All of none holds; any of none does not. */
    { "all", "[]", "pass", "[]" },
    { "any", "[]", "fail", "[]" },
  };

  serve_values (server);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *results = NULL;
      g_autofree char *taken = route_once (server, cases[i].match, cases[i].conditions, &results);

      g_assert_cmpstr (taken, ==, cases[i].taken);
      g_assert_cmpstr (results, ==, cases[i].results);
    }
}

/* A field that resolves to nothing compares as empty text, whatever the comparator: IsEmpty
 * holds, IsNotEmpty does not, Equal "x" does not. That is how a flow notices an "error" member
 * inside an HTTP 200 body; the trace says which reference was missing. */
static const Condition missing_conditions[] = {
  { "<call.body.missing.deeper>", "IsEmpty", "", TRUE },
  { "<call.body.missing>", "IsNotEmpty", "", FALSE },
  { "<call.body.missing>", "Equal", "x", FALSE },
  { "<call.body.missing>", "Equal", "", TRUE },
  { "<call.body.missing>", "NotEqual", "x", TRUE },
  { "<call.body.missing>", "Contains", "x", FALSE },
  { "<call.body.nothing>", "IsEmpty", "", TRUE },
  { "[<call.body.missing>]", "Equal", "[]", TRUE },
  /* What the provider presets route on. */
  { "<call.body.error>", "IsNotEmpty", "", TRUE },
  { "<call.body.ok>", "Equal", "false", TRUE },
  { "<call.body.ok>", "Equal", "true", FALSE },
};

static void
test_route_missing_reference (void)
{
  g_autoptr(TestServer) server = test_server_new ();

  test_server_respond (server, "/values", 200, "application/json",
                       "{\"ok\":false,\"error\":\"invalid_auth\",\"nothing\":null}", -1);
  for (guint i = 0; i < G_N_ELEMENTS (missing_conditions); i++)
    {
      const Condition *condition = &missing_conditions[i];
      g_autoptr(FlowsApp) app = test_app_new ();
      g_autoptr(FlowsRun) run = NULL;
      FlowsFlow *flow = test_flow_add (app, "missing");
      FlowsStage *trigger = test_trigger_add (flow, NULL);
      FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                         "{'method':'GET','uriBase':'%s','uriPath':'values'}", server->url);
      FlowsStage *route = test_stage_add (flow, "route", FLOWS_STAGE_TYPE_ROUTE_FLOW,
                                          "{'match':'all','conditions':[{'field':'%s','comparator':'%s','value':'%s'}]}",
                                          condition->field, condition->comparator, condition->value);
      FlowsTraceEntry *entry;
      JsonObject *resolved;
      JsonNode *missing;

      g_test_message ("%s %s %s", condition->field, condition->comparator, condition->value);
      test_route (trigger, "success", call);
      test_route (call, "success", route);
      run = test_run_with_inputs (app, flow, NULL);
      test_assert_succeeded (run);
      entry = test_trace_entry (run, "route", 0);
      g_assert_cmpstr (entry->route, ==, condition->holds ? "pass" : "fail");

      /* The trace shows the field as compared, and what in it resolved to nothing. */
      resolved = json_array_get_object_element (json_object_get_array_member (entry->settings, "conditions"), 0);
      g_assert_cmpint (json_object_get_boolean_member (resolved, "holds"), ==, condition->holds);
      missing = json_object_get_member (resolved, "resolvesToNothing");
      if (strstr (condition->field, "missing") != NULL || strstr (condition->field, "nothing") != NULL)
        {
          g_autofree char *reference = g_strndup (strchr (condition->field, '<'),
                                                  strchr (condition->field, '>') - strchr (condition->field, '<') + 1);

          g_assert_nonnull (missing);
          g_assert_cmpstr (json_array_get_string_element (json_node_get_array (missing), 0), ==, reference);
          g_assert_cmpstr (json_object_get_string_member (resolved, "field"), ==,
                           g_str_has_prefix (condition->field, "[") ? "[]" : "");
        }
      else
        g_assert_null (missing);
    }

  /* A number cannot be compared with nothing: the error says what is missing. */
  {
    g_autoptr(FlowsApp) app = test_app_new ();
    g_autoptr(FlowsRun) run = NULL;
    FlowsFlow *flow = test_flow_add (app, "missing");
    FlowsStage *trigger = test_trigger_add (flow, NULL);
    FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                       "{'method':'GET','uriBase':'%s','uriPath':'values'}", server->url);
    FlowsStage *route = test_stage_add (flow, "route", FLOWS_STAGE_TYPE_ROUTE_FLOW,
                                        "{'match':'all','conditions':[{'field':'<call.body.missing>','comparator':'GreaterThan','value':'1'}]}");

    test_route (trigger, "success", call);
    test_route (call, "success", route);
    run = test_run_with_inputs (app, flow, NULL);
    test_assert_failed (run, "route", NULL);
    g_assert_cmpstr (flows_run_get_error_message (run), ==,
                     "conditions[0].field: <call.body.missing> resolves to nothing, so there is no number to compare");
  }
}

/* Parameters made of parameters ------------------------------------------------------------ */

/* A parameter's value may refer to other parameters, expanded one level when a flow reads it:
 * the App's default, or the connection's value; "\<" stays a "<"; a deeper chain or a reference
 * to itself fails the run saying so. */
static void
test_param_references (void)
{
  static const struct {
    const char *auth_url;     /* AuthURL's default */
    const char *tenant;       /* the connection's Tenant, NULL: the default "common" */
    const char *expected;     /* the value the flow read, or its error */
    gboolean    fails;
  } cases[] = {
    { "https://login.example.com/<Tenant>/oauth2/v2.0/authorize", NULL,
      "https://login.example.com/common/oauth2/v2.0/authorize", FALSE },
    { "https://login.example.com/<Tenant>/oauth2/v2.0/authorize", "contoso & co",
      "https://login.example.com/contoso & co/oauth2/v2.0/authorize", FALSE },
    { "https://login.example.com/\\<Tenant>/x", NULL, "https://login.example.com/<Tenant>/x", FALSE },
    { "x/<Region>/x", NULL,
      "query[0].value: Parameter “AuthURL”: Parameter “Region”: its value refers to other parameters: references in parameters go one level deep", TRUE },
    { "x/<AuthURL>/x", NULL, "query[0].value: Parameter “AuthURL”: its value refers to <AuthURL>, the parameter itself", TRUE },
    { "x/<Nope>/x", NULL, "query[0].value: Parameter “AuthURL”: its value refers to <Nope>, which is not a parameter of this App", TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TestServer) server = test_server_new ();
      g_autoptr(FlowsApp) app = test_app_new ();
      g_autoptr(FlowsConnection) connection = flows_connection_new ("connection-refs", flows_app_get_id (app), "Refs");
      g_autoptr(FlowsRunner) runner = flows_runner_new ();
      g_autoptr(FlowsRun) run = NULL;
      FlowsFlow *flow = test_flow_add (app, "refs");
      FlowsStage *trigger = test_trigger_add (flow, NULL);
      FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                         "{'method':'GET','uriBase':'%s','uriPath':'read',"
                                         "'query':[{'name':'u','value':'<AuthURL>'}]}", server->url);

      test_app_add_param (app, "Tenant", FALSE, "common");
      test_app_add_param (app, "Region", FALSE, "<Tenant>-eu");
      test_app_add_param (app, "AuthURL", FALSE, cases[i].auth_url);
      if (cases[i].tenant != NULL)
        flows_connection_set_value (connection, "Tenant", cases[i].tenant);
      test_route (trigger, "success", call);

      g_test_message ("%s", cases[i].auth_url);
      run = test_run (runner, app, flow, NULL, connection);
      if (cases[i].fails)
        {
          test_assert_failed (run, "call", NULL);
          g_assert_cmpstr (flows_run_get_error_message (run), ==, cases[i].expected);
          g_assert_cmpuint (test_server_n_requests (server), ==, 0);
        }
      else
        {
          g_autoptr(GHashTable) query = NULL;

          test_assert_succeeded (run);
          query = soup_form_decode (test_server_single (server)->query);
          g_assert_cmpstr (g_hash_table_lookup (query, "u"), ==, cases[i].expected);
        }
    }
}

/* End With Error ---------------------------------------------------------------------------- */

/* A provider's error inside an HTTP 200 body, noticed by a Route Flow and reported by End With
 * Error in the provider's words: the run fails with "CODE: MESSAGE" (MESSAGE alone without a
 * code), with FLOWS_RUN_ERROR_NEEDS_SIGN_IN when the stage says so. A reference to nothing is
 * empty there: the stage reports what is missing, it does not fail for it. */
static void
test_end_with_error (void)
{
  static const struct {
    const char *body;
    const char *message;
    const char *code;
    gboolean    needs_sign_in;
    const char *expected;
  } cases[] = {
    { "{\"error\":\"bad_verification_code\",\"error_description\":\"The code passed is incorrect.\"}",
      "<call.body.error_description>", "<call.body.error>", FALSE,
      "bad_verification_code: The code passed is incorrect." },
    { "{\"error\":\"bad_refresh_token\"}", "Refused: <call.body.error_description>", "<call.body.error>", TRUE,
      "bad_refresh_token: Refused: " },
    { "{\"error\":\"x\"}", "The service said no", "", FALSE, "The service said no" },
    { "{\"error\":\"x\"}", "The service said no (<call.status>)", "<call.body.code>", TRUE,
      "The service said no (200)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TestServer) server = test_server_new ();
      g_autoptr(FlowsApp) app = test_app_new ();
      g_autoptr(FlowsRun) run = NULL;
      g_autoptr(JsonNode) message = json_node_init_string (json_node_alloc (), cases[i].message);
      g_autoptr(JsonNode) code = json_node_init_string (json_node_alloc (), cases[i].code);
      g_autofree char *message_json = json_to_string (message, FALSE);
      g_autofree char *code_json = json_to_string (code, FALSE);
      g_autofree char *end_settings = g_strdup_printf ("{\"message\":%s,\"code\":%s,\"needsSignIn\":%s}",
                                                       message_json, code_json,
                                                       cases[i].needs_sign_in ? "true" : "false");
      FlowsFlow *flow = test_flow_add (app, "provider");
      FlowsStage *trigger = test_trigger_add (flow, NULL);
      FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                         "{'method':'POST','uriBase':'%s','uriPath':'token'}", server->url);
      FlowsStage *check = test_stage_add (flow, "check", FLOWS_STAGE_TYPE_ROUTE_FLOW,
                                          "{'match':'all','conditions':[{'field':'<call.body.error>','comparator':'IsNotEmpty','value':''}]}");
      FlowsStage *end = test_stage_add_json (flow, "end", FLOWS_STAGE_TYPE_END_WITH_ERROR, end_settings);
      FlowsStage *response = test_stage_add (flow, "response", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE,
                                             "{'fields':[{'name':'ok','value':'yes','mode':'fixed'}]}");
      FlowsTraceEntry *entry;
      g_autofree char *resolved_message = NULL;

      test_route (trigger, "success", call);
      test_route (call, "success", check);
      test_route (check, "pass", end);
      test_route (check, "fail", response);
      test_server_respond (server, "/token", 200, "application/json", cases[i].body, -1);

      run = test_run_with_inputs (app, flow, NULL);
      test_assert_failed (run, "end", NULL);
      g_assert_cmpstr (flows_run_get_error_message (run), ==, cases[i].expected);
      g_assert_true (flows_run_ended_with_error (run));
      g_assert_true (flows_run_error_matches (run, FLOWS_RUN_ERROR,
                                              cases[i].needs_sign_in ? FLOWS_RUN_ERROR_NEEDS_SIGN_IN
                                                                     : FLOWS_RUN_ERROR_ENDED_WITH_ERROR));
      test_assert_trace (run, "trigger>success call>success check>pass end>-");
      entry = test_trace_entry (run, "end", 0);
      g_assert_cmpstr (entry->error, ==, cases[i].expected);
      resolved_message = test_entry_setting (entry, "message");
      g_assert_true (g_str_has_suffix (cases[i].expected, resolved_message));

      /* Without the error the flow goes on. */
      test_server_respond (server, "/token", 200, "application/json", "{\"access_token\":\"t\"}", -1);
      g_clear_object (&run);
      run = test_run_with_inputs (app, flow, NULL);
      test_assert_succeeded (run);
    }
}

/* Inside a called flow, End With Error's message goes up as it is, with its code. */
static void
test_end_with_error_in_called_flow (void)
{
  g_autoptr(FlowsApp) app = test_app_new ();
  g_autoptr(FlowsRun) run = NULL;
  FlowsFlow *main_flow = test_flow_add (app, "main");
  FlowsFlow *helper = test_flow_add (app, "helper");
  FlowsStage *trigger = test_trigger_add (main_flow, NULL);
  FlowsStage *sub = test_stage_add (main_flow, "sub", FLOWS_STAGE_TYPE_CALL_FLOW, "{'flow':'flow-helper','inputs':[]}");
  FlowsStage *helper_trigger = test_trigger_add (helper, NULL);
  FlowsStage *end = test_stage_add (helper, "end", FLOWS_STAGE_TYPE_END_WITH_ERROR,
                                    "{'message':'Sign in again','code':'expired','needsSignIn':true}");

  test_route (trigger, "success", sub);
  test_route (helper_trigger, "success", end);
  run = test_run_with_inputs (app, main_flow, NULL);
  test_assert_failed (run, "sub", NULL);
  g_assert_cmpstr (flows_run_get_error_message (run), ==, "expired: Sign in again");
  g_assert_true (flows_run_error_matches (run, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_NEEDS_SIGN_IN));
}

/* Call Flow -------------------------------------------------------------------------------- */

static void
test_call_flow (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  g_autoptr(FlowsRun) run = NULL;
  FlowsFlow *main_flow = test_flow_add (app, "main");
  FlowsFlow *helper = test_flow_add (app, "helper");
  FlowsStage *trigger = test_trigger_add (main_flow, "name", NULL);
  FlowsStage *sub = test_stage_add (main_flow, "sub", FLOWS_STAGE_TYPE_CALL_FLOW,
                                    "{'flow':'flow-helper','inputs':[{'name':'who','value':'Dr <name>'}]}");
  FlowsStage *response = test_stage_add (main_flow, "response", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE,
                                         "{'fields':[{'name':'greeting','value':'<sub.greeting>','mode':'fixed'},"
                                         "{'name':'count','value':'<sub.count>','mode':'fixed'}]}");
  FlowsStage *helper_trigger = test_stage_add (helper, "trigger", FLOWS_STAGE_TYPE_TRIGGER,
                                               "{'inputs':[{'name':'who','required':true,'default':'','sample':''}]}");
  FlowsStage *hello = test_stage_add (helper, "hello", FLOWS_STAGE_TYPE_CALL_API,
                                      "{'method':'GET','uriBase':'%s','uriPath':'hello','query':[{'name':'who','value':'<who>'}]}",
                                      server->url);
  FlowsStage *helper_response = test_stage_add (helper, "response", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE,
                                                "{'fields':[{'name':'greeting','value':'Hello, <who>!','mode':'fixed'},"
                                                "{'name':'count','value':'<hello.body.count>','mode':'fixed'}]}");
  GPtrArray *trace;
  g_autofree char *greeting = NULL;
  g_autofree char *sub_outputs = NULL;

  test_server_respond (server, "/hello", 200, "application/json", "{\"count\":3}", -1);
  test_route (trigger, "success", sub);
  test_route (sub, "success", response);
  test_route (helper_trigger, "success", hello);
  test_route (hello, "success", helper_response);

  run = test_run_with_inputs (app, main_flow, "name", "Who", NULL);
  test_assert_succeeded (run);
  greeting = test_response_text (run, "greeting");
  g_assert_cmpstr (greeting, ==, "Hello, Dr Who!");
  g_assert_cmpint (json_object_get_int_member (flows_run_get_response (run), "count"), ==, 3);
  /* The called flow's own response is not the caller's. */
  g_assert_cmpuint (json_object_get_size (flows_run_get_response (run)), ==, 2);
  g_assert_cmpstr (test_server_single (server)->query, ==, "who=Dr%20Who");

  /* The called flow's stages are in the trace, one level deeper, after the Call Flow began. */
  test_assert_trace (run, "trigger>success sub>success trigger>success hello>success response>success response>success");
  trace = flows_run_get_trace (run);
  for (guint i = 0; i < trace->len; i++)
    {
      FlowsTraceEntry *entry = g_ptr_array_index (trace, i);
      gboolean inner = i >= 2 && i <= 4;

      g_assert_cmpuint (entry->depth, ==, inner ? 1 : 0);
      g_assert_cmpstr (entry->flow_name, ==, inner ? "helper" : "main");
    }
  sub_outputs = test_json_compact (test_trace_entry (run, "sub", 0)->outputs);
  g_assert_cmpstr (sub_outputs, ==, "{\"greeting\":\"Hello, Dr Who!\",\"count\":3}");
}

/* A called flow that fails is its caller's stage error: the fail route when there is one, the
 * run's failure otherwise, naming the flow and its stage. */
static void
test_call_flow_fails (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  FlowsFlow *main_flow = test_flow_add (app, "main");
  FlowsFlow *helper = test_flow_add (app, "helper");
  FlowsStage *trigger = test_trigger_add (main_flow, NULL);
  FlowsStage *sub = test_stage_add (main_flow, "sub", FLOWS_STAGE_TYPE_CALL_FLOW,
                                    "{'flow':'flow-helper','inputs':[]}");
  FlowsStage *recover = test_stage_add (main_flow, "recover", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE,
                                        "{'fields':[{'name':'recovered','value':'yes','mode':'fixed'}]}");
  FlowsStage *helper_trigger = test_trigger_add (helper, NULL);
  FlowsStage *broken = test_stage_add (helper, "broken", FLOWS_STAGE_TYPE_CALL_API,
                                       "{'method':'GET','uriBase':'%s','uriPath':'broken'}", server->url);

  test_server_respond (server, "/broken", 500, "text/plain", "database on fire", -1);
  test_route (trigger, "success", sub);
  test_route (helper_trigger, "success", broken);

  {
    g_autoptr(FlowsRun) run = test_run_with_inputs (app, main_flow, NULL);

    test_assert_failed (run, "sub", "Flow “helper” failed at stage “broken stage”: HTTP 500 Internal Server Error",
                        "database on fire", NULL);
    test_assert_trace (run, "trigger>success sub>- trigger>success broken>-");
    g_assert_cmpuint (flows_run_get_http_status (run), ==, 500);
  }

  test_route (sub, "fail", recover);
  {
    g_autoptr(FlowsRun) run = test_run_with_inputs (app, main_flow, NULL);
    g_autofree char *recovered = NULL;

    test_assert_succeeded (run);
    test_assert_trace (run, "trigger>success sub>fail trigger>success broken>- recover>success");
    recovered = test_response_text (run, "recovered");
    g_assert_cmpstr (recovered, ==, "yes");
    test_assert_contains (test_trace_entry (run, "sub", 0)->error, "Flow “helper” failed at stage “broken stage”");
  }
}

/* Two flows that call each other stop at the depth limit with a clear error; a flow that calls
 * itself directly is refused before it runs. */
static void
test_call_flow_depth (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  FlowsFlow *ping = test_flow_add (app, "ping");
  FlowsFlow *pong = test_flow_add (app, "pong");
  FlowsFlow *self = test_flow_add (app, "self");
  FlowsStage *ping_trigger = test_trigger_add (ping, NULL);
  FlowsStage *ping_call = test_stage_add (ping, "call", FLOWS_STAGE_TYPE_CALL_API,
                                          "{'method':'GET','uriBase':'%s','uriPath':'ping'}", server->url);
  FlowsStage *to_pong = test_stage_add (ping, "toPong", FLOWS_STAGE_TYPE_CALL_FLOW, "{'flow':'flow-pong','inputs':[]}");
  FlowsStage *pong_trigger = test_trigger_add (pong, NULL);
  FlowsStage *to_ping = test_stage_add (pong, "toPing", FLOWS_STAGE_TYPE_CALL_FLOW, "{'flow':'flow-ping','inputs':[]}");
  FlowsStage *self_trigger = test_trigger_add (self, NULL);
  FlowsStage *to_self = test_stage_add (self, "again", FLOWS_STAGE_TYPE_CALL_FLOW, "{'flow':'flow-self','inputs':[]}");
  guint max_depth = 0;

  test_route (ping_trigger, "success", ping_call);
  test_route (ping_call, "success", to_pong);
  test_route (pong_trigger, "success", to_ping);
  test_route (self_trigger, "success", to_self);

  {
    g_autoptr(FlowsRun) run = test_run_with_inputs (app, ping, NULL);
    GPtrArray *trace = flows_run_get_trace (run);

    test_assert_failed (run, "toPong", "nested more than 16 deep", "“ping” end up calling itself", NULL);
    for (guint i = 0; i < trace->len; i++)
      max_depth = MAX (max_depth, ((FlowsTraceEntry *)g_ptr_array_index (trace, i))->depth);
    /* The run that was started is depth 0: sixteen flows ran, nested, and the next was refused. */
    g_assert_cmpuint (max_depth, ==, FLOWS_RUNNER_MAX_DEPTH - 1);
    /* ping runs at depths 0, 2, …, 14 and calls the server each time. */
    g_assert_cmpuint (test_server_n_requests (server), ==, 8);
  }
  {
    g_autoptr(FlowsRun) run = test_run_with_inputs (app, self, NULL);

    test_assert_failed (run, "again", "A flow cannot call itself", NULL);
    test_assert_trace (run, "");
  }
}

/* Add To Response -------------------------------------------------------------------------- */

static void
test_add_to_response (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  g_autoptr(FlowsRun) run = NULL;
  FlowsFlow *flow = test_flow_add (app, "response");
  FlowsStage *trigger = test_trigger_add (flow, NULL);
  FlowsStage *before = test_stage_add (flow, "before", FLOWS_STAGE_TYPE_SET_FIELDS,
                                       "{'fields':[{'name':'v','value':'first'}]}");
  FlowsStage *response = test_stage_add (flow, "response", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE,
                                         "{'fields':["
                                         "{'name':'fixed','value':'<before.v>','mode':'fixed'},"
                                         "{'name':'dynamic','value':'<later.body.id>','mode':'dynamic'},"
                                         "{'name':'dynamicText','value':'id=<later.body.id>, status <later.status>','mode':'dynamic'},"
                                         "{'name':'literal','value':'plain','mode':'fixed'}]}");
  FlowsStage *later = test_stage_add (flow, "later", FLOWS_STAGE_TYPE_CALL_API,
                                      "{'method':'POST','uriBase':'%s','uriPath':'create'}", server->url);
  FlowsStage *overwrite = test_stage_add (flow, "overwrite", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE,
                                          "{'fields':[{'name':'literal','value':'replaced','mode':'fixed'}]}");
  JsonObject *result;
  g_autoptr(JsonNode) result_node = NULL;
  g_autofree char *added = NULL;
  g_autofree char *text = NULL;

  test_server_respond (server, "/create", 201, "application/json", "{\"id\":99}", -1);
  test_route (trigger, "success", before);
  test_route (before, "success", response);
  test_route (response, "success", later);
  test_route (later, "success", overwrite);

  run = test_run_with_inputs (app, flow, NULL);
  test_assert_succeeded (run);
  result = flows_run_get_response (run);
  result_node = json_node_init_object (json_node_alloc (), result);
  text = test_json_compact (result_node);
  g_test_message ("response: %s", text);

  g_assert_cmpuint (json_object_get_size (result), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (result, "fixed"), ==, "first");
  /* Dynamic values are taken when the flow ends: a later stage's outputs, with JSON types. */
  g_assert_cmpint (json_object_get_int_member (result, "dynamic"), ==, 99);
  g_assert_cmpstr (json_object_get_string_member (result, "dynamicText"), ==, "id=99, status 201");
  g_assert_cmpstr (json_object_get_string_member (result, "literal"), ==, "replaced");

  /* The trace shows what the stage added, and that the dynamic ones come later. */
  added = test_json_compact (test_trace_entry (run, "response", 0)->outputs);
  test_assert_contains (added, "\"fixed\":\"first\"");
  test_assert_contains (added, "\"dynamic\":\"(when the flow ends)\"");
}

static void
test_add_to_response_optional (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  FlowsFlow *flow = test_flow_add (app, "optional");
  FlowsStage *trigger = test_trigger_add (flow, NULL);
  FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'POST','uriBase':'%s','uriPath':'token'}", server->url);
  FlowsStage *response = test_stage_add (flow, "response", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE,
                                         "{'fields':["
                                         "{'name':'access_token','value':'<call.body.access_token>','mode':'fixed'},"
                                         "{'name':'refresh_token','value':'<call.body.refresh_token>','mode':'fixed','optional':true},"
                                         "{'name':'scope','value':'scope: <call.body.scope>','mode':'fixed','optional':true},"
                                         "{'name':'later','value':'<call.body.nothing>','mode':'dynamic','optional':true}]}");

  test_server_respond (server, "/token", 200, "application/json", "{\"access_token\":\"at\"}", -1);
  test_route (trigger, "success", call);
  test_route (call, "success", response);

  {
    g_autoptr(FlowsRun) run = test_run_with_inputs (app, flow, NULL);
    JsonObject *result = flows_run_get_response (run);

    test_assert_succeeded (run);
    g_assert_cmpuint (json_object_get_size (result), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (result, "access_token"), ==, "at");
  }
}

static void
test_add_to_response_missing (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  FlowsFlow *flow = test_flow_add (app, "missing");
  FlowsStage *trigger = test_trigger_add (flow, NULL);
  FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'POST','uriBase':'%s','uriPath':'token'}", server->url);
  FlowsStage *fixed = test_stage_add (flow, "fixed", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE,
                                      "{'fields':[{'name':'token','value':'<call.body.access_token>','mode':'fixed'}]}");
  FlowsStage *dynamic = test_stage_add (flow, "dynamic", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE,
                                        "{'fields':[{'name':'token','value':'<call.body.access_token>','mode':'dynamic'}]}");

  test_server_respond (server, "/token", 200, "application/json", "{\"error\":\"denied\"}", -1);
  test_route (trigger, "success", call);

  test_route (call, "success", fixed);
  {
    g_autoptr(FlowsRun) run = test_run_with_inputs (app, flow, NULL);

    test_assert_failed (run, "fixed", NULL);
    g_assert_cmpstr (flows_run_get_error_message (run), ==,
                     "fields[0].value: <call.body.access_token> resolves to nothing");
  }

  /* A dynamic field is taken at the end, and its failure is still its stage's. */
  test_route (call, "success", dynamic);
  {
    g_autoptr(FlowsRun) run = test_run_with_inputs (app, flow, NULL);

    test_assert_failed (run, "dynamic", NULL);
    g_assert_cmpstr (flows_run_get_error_message (run), ==,
                     "fields[0].value: <call.body.access_token> resolves to nothing");
    g_assert_cmpuint (json_object_get_size (flows_run_get_response (run)), ==, 0);
  }
}

/* The response is the flow's, for the runtime: an OAuth flow's token fields are in it as
 * returned. Everything for people — the trace and flows_run_to_json() — shows them as •••,
 * and making that view leaves the response as it was. */
static void
test_add_to_response_tokens (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  g_autoptr(FlowsRun) run = NULL;
  g_autoptr(JsonNode) exported = NULL;
  FlowsFlow *flow = test_flow_add (app, "tokens");
  FlowsStage *trigger = test_trigger_add (flow, NULL);
  FlowsStage *call = test_stage_add (flow, "exchange", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'POST','uriBase':'%s','uriPath':'token'}", server->url);
  FlowsStage *response = test_stage_add (flow, "response", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE,
                                         "{'fields':["
                                         "{'name':'access_token','value':'<exchange.body.access_token>','mode':'fixed'},"
                                         "{'name':'refresh_token','value':'<exchange.body.refresh_token>','mode':'dynamic'},"
                                         "{'name':'expires_in','value':'<exchange.body.expires_in>','mode':'fixed'}]}");
  JsonObject *result;
  g_autofree char *text = NULL;
  g_autofree char *trace_token = NULL;
  g_autofree char *trace_body = NULL;

  test_server_respond (server, "/token", 200, "application/json",
                       "{\"access_token\":\"at-5ecret\",\"refresh_token\":\"rt-5ecret\",\"expires_in\":3600}", -1);
  test_route (trigger, "success", call);
  test_route (call, "success", response);

  run = test_run_with_inputs (app, flow, NULL);
  test_assert_succeeded (run);

  result = flows_run_get_response (run);
  g_assert_cmpstr (json_object_get_string_member (result, "access_token"), ==, "at-5ecret");
  g_assert_cmpstr (json_object_get_string_member (result, "refresh_token"), ==, "rt-5ecret");
  g_assert_cmpint (json_object_get_int_member (result, "expires_in"), ==, 3600);

  trace_token = test_entry_setting (test_trace_entry (run, "response", 0), "access_token");
  trace_body = test_entry_output (test_trace_entry (run, "exchange", 0), "body.access_token");
  g_assert_cmpstr (trace_token, ==, "•••");
  g_assert_cmpstr (trace_body, ==, "•••");

  exported = flows_run_to_json (run);
  text = test_json_compact (exported);
  test_assert_not_contains (text, "5ecret");
  test_assert_contains (text, "\"access_token\":\"•••\"");
  test_assert_contains (text, "\"refresh_token\":\"•••\"");

  /* The export changed nothing. */
  g_assert_cmpstr (json_object_get_string_member (result, "access_token"), ==, "at-5ecret");
  g_assert_cmpstr (json_object_get_string_member (result, "refresh_token"), ==, "rt-5ecret");
}

/* Sleep ------------------------------------------------------------------------------------ */

static void
test_sleep (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  g_autoptr(FlowsRun) run = NULL;
  FlowsFlow *flow = test_flow_add (app, "sleep");
  FlowsStage *trigger = test_trigger_add (flow, NULL);
  FlowsStage *sleep = test_stage_add (flow, "sleep", FLOWS_STAGE_TYPE_SLEEP, "{'seconds':0.3}");
  FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'GET','uriBase':'%s','uriPath':'after'}", server->url);
  FlowsTraceEntry *entry;

  test_route (trigger, "success", sleep);
  test_route (sleep, "success", call);
  run = test_run_with_inputs (app, flow, NULL);
  test_assert_succeeded (run);
  test_assert_trace (run, "trigger>success sleep>success call>success");

  entry = test_trace_entry (run, "sleep", 0);
  g_assert_cmpint (entry->finished_at - entry->started_at, >=, 300 * 1000);
  g_assert_cmpint (entry->finished_at - entry->started_at, <, 3 * G_USEC_PER_SEC);
  g_assert_cmpint (flows_run_get_duration (run), >=, 300 * 1000);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (entry->settings, "seconds"), 0.3, 1e-9);
  /* The call came after the sleep. */
  g_assert_cmpint (test_trace_entry (run, "call", 0)->started_at, >=, entry->finished_at);
  g_assert_cmpuint (test_server_n_requests (server), ==, 1);
}

static void
test_sleep_cancelled (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  g_autoptr(FlowsRunner) runner = flows_runner_new ();
  g_autoptr(GError) error = NULL;
  FlowsFlow *flow = test_flow_add (app, "sleep");
  FlowsStage *trigger = test_trigger_add (flow, NULL);
  FlowsStage *sleep = test_stage_add (flow, "sleep", FLOWS_STAGE_TYPE_SLEEP, "{'seconds':60}");
  FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'GET','uriBase':'%s','uriPath':'after'}", server->url);
  gint64 elapsed;

  test_route (trigger, "success", sleep);
  test_route (sleep, "success", call);
  error = test_run_cancelled (runner, app, flow, server, 100, &elapsed);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (elapsed, <, 5 * G_USEC_PER_SEC);
  /* The stage after the sleep never ran. */
  test_drain_main_context ();
  g_assert_cmpuint (test_server_n_requests (server), ==, 0);
}

/* For Each --------------------------------------------------------------------------------- */

static void
test_for_each (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  g_autoptr(FlowsRun) run = NULL;
  FlowsFlow *flow = test_flow_add (app, "loop");
  FlowsStage *trigger = test_trigger_add (flow, NULL);
  FlowsStage *list = test_stage_add (flow, "list", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'GET','uriBase':'%s','uriPath':'items'}", server->url);
  FlowsStage *loop = test_stage_add (flow, "loop", FLOWS_STAGE_TYPE_FOR_EACH, "{'list':'<list.body.items>'}");
  FlowsStage *fetch = test_stage_add (flow, "fetch", FLOWS_STAGE_TYPE_CALL_API,
                                      "{'method':'GET','uriBase':'%s','uriPath':'item/<loop.item.id>',"
                                      "'query':[{'name':'index','value':'<loop.index>'},{'name':'of','value':'<loop.count>'}]}",
                                      server->url);
  FlowsStage *check = test_stage_add (flow, "check", FLOWS_STAGE_TYPE_ROUTE_FLOW,
                                      "{'match':'all','conditions':[{'field':'<loop.item.id>','comparator':'Equal','value':'b'}]}");
  FlowsStage *mark = test_stage_add (flow, "mark", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE,
                                     "{'fields':[{'name':'sawB','value':'at <loop.index>','mode':'fixed'}]}");
  FlowsStage *done = test_stage_add (flow, "done", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE,
                                     "{'fields':[{'name':'done','value':'after <loop.count>','mode':'fixed'}]}");
  g_autofree char *saw_b = NULL;
  g_autofree char *done_text = NULL;
  static const char * const expected_paths[] = { "/items", "/item/a", "/item/b", "/item/c" };

  test_server_respond (server, "/items", 200, "application/json",
                       "{\"items\":[{\"id\":\"a\"},{\"id\":\"b\"},{\"id\":\"c\"}]}", -1);
  test_route (trigger, "success", list);
  test_route (list, "success", loop);
  test_route (loop, "each", fetch);
  test_route (loop, "done", done);
  test_route (fetch, "success", check);
  test_route (check, "pass", mark);

  run = test_run_with_inputs (app, flow, NULL);
  test_assert_succeeded (run);
  test_assert_trace (run, "trigger>success list>success loop>each "
                          "fetch>success check>fail fetch>success check>pass mark>success fetch>success check>fail "
                          "done>success");

  g_assert_cmpuint (test_server_n_requests (server), ==, G_N_ELEMENTS (expected_paths));
  for (guint i = 0; i < G_N_ELEMENTS (expected_paths); i++)
    {
      g_autofree char *query = i > 0 ? g_strdup_printf ("index=%u&of=3", i - 1) : NULL;

      g_assert_cmpstr (test_server_request (server, i)->path, ==, expected_paths[i]);
      g_assert_cmpstr (test_server_request (server, i)->query, ==, query);
    }

  saw_b = test_response_text (run, "sawB");
  done_text = test_response_text (run, "done");
  g_assert_cmpstr (saw_b, ==, "at 1");
  g_assert_cmpstr (done_text, ==, "after 3");
}

static void
test_for_each_empty (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  FlowsFlow *flow = test_flow_add (app, "empty");
  FlowsStage *trigger = test_trigger_add (flow, NULL);
  FlowsStage *list = test_stage_add (flow, "list", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'GET','uriBase':'%s','uriPath':'items'}", server->url);
  FlowsStage *loop = test_stage_add (flow, "loop", FLOWS_STAGE_TYPE_FOR_EACH, "{'list':'<list.body.items>'}");
  FlowsStage *fetch = test_stage_add (flow, "fetch", FLOWS_STAGE_TYPE_CALL_API,
                                      "{'method':'GET','uriBase':'%s','uriPath':'item/<loop.item.id>'}", server->url);
  FlowsStage *done = test_stage_add (flow, "done", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE,
                                     "{'fields':[{'name':'done','value':'yes','mode':'fixed'}]}");

  test_route (trigger, "success", list);
  test_route (list, "success", loop);
  test_route (loop, "each", fetch);
  test_route (loop, "done", done);

  test_server_respond (server, "/items", 200, "application/json", "{\"items\":[]}", -1);
  {
    g_autoptr(FlowsRun) run = test_run_with_inputs (app, flow, NULL);
    g_autofree char *count = NULL;

    test_assert_succeeded (run);
    test_assert_trace (run, "trigger>success list>success loop>done done>success");
    count = test_entry_setting (test_trace_entry (run, "loop", 0), "count");
    g_assert_cmpstr (count, ==, "0");
    g_assert_cmpuint (test_server_n_requests (server), ==, 1);
  }

  /* Not a list: the stage's error says what it got. */
  test_server_respond (server, "/items", 200, "application/json", "{\"items\":{\"id\":1}}", -1);
  {
    g_autoptr(FlowsRun) run = test_run_with_inputs (app, flow, NULL);

    test_assert_failed (run, "loop", NULL);
    g_assert_cmpstr (flows_run_get_error_message (run), ==,
                     "list: <list.body.items> is not a list but “{\"id\":1}”");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/trigger/required", test_trigger_required);
  g_test_add_func ("/engine/trigger/defaults", test_trigger_defaults);
  g_test_add_func ("/engine/trigger/extra-inputs", test_trigger_extra_inputs);
  g_test_add_func ("/engine/trigger/optional-not-given", test_trigger_optional_not_given);
  g_test_add_func ("/engine/set-fields", test_set_fields);
  g_test_add_func ("/engine/build-url", test_build_url);
  test_add_table (comparators, test_route_comparators);
  g_test_add_func ("/engine/route-flow/not-a-number", test_route_not_a_number);
  g_test_add_func ("/engine/route-flow/and-or", test_route_and_or);
  g_test_add_func ("/engine/route-flow/missing-reference", test_route_missing_reference);
  g_test_add_func ("/engine/end-with-error/message", test_end_with_error);
  g_test_add_func ("/engine/param-references", test_param_references);
  g_test_add_func ("/engine/end-with-error/in-called-flow", test_end_with_error_in_called_flow);
  g_test_add_func ("/engine/call-flow/response", test_call_flow);
  g_test_add_func ("/engine/call-flow/fails", test_call_flow_fails);
  g_test_add_func ("/engine/call-flow/depth", test_call_flow_depth);
  g_test_add_func ("/engine/add-to-response/fixed-dynamic", test_add_to_response);
  g_test_add_func ("/engine/add-to-response/optional", test_add_to_response_optional);
  g_test_add_func ("/engine/add-to-response/missing", test_add_to_response_missing);
  g_test_add_func ("/engine/add-to-response/tokens", test_add_to_response_tokens);
  g_test_add_func ("/engine/sleep", test_sleep);
  g_test_add_func ("/engine/sleep/cancelled", test_sleep_cancelled);
  g_test_add_func ("/engine/for-each", test_for_each);
  g_test_add_func ("/engine/for-each/empty-and-not-a-list", test_for_each_empty);

  return g_test_run ();
}
