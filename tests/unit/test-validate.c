/* test-validate.c — each validation rule, on small Apps built in code. */
#include "flows-app-templates.h"
#include "flows-stage-catalog.h"
#include "flows-validate.h"
#include "runner-helpers.h"
#include "test-cases.h"

/* Adds a stage to @flow and returns it (owned by the flow). Unless it is a Trigger, the first
 * route of the stage before it leads to it, when free: a stage no route reaches is a problem
 * of its own (see test_unreachable()). */
static FlowsStage *
add_stage (FlowsFlow      *flow,
           const char     *id,
           const char     *key,
           FlowsStageType  stage_type,
           const char     *name,
           const char     *settings)
{
  g_autoptr(FlowsStage) stage = flows_stage_new (id, key, stage_type, name);
  GListModel *stages = flows_flow_get_stages (flow);
  guint n = g_list_model_get_n_items (stages);

  if (n > 0 && stage_type != FLOWS_STAGE_TYPE_TRIGGER)
    {
      g_autoptr(FlowsStage) previous = g_list_model_get_item (stages, n - 1);
      const char *output = flows_stage_catalog_lookup (flows_stage_get_stage_type (previous))->outputs[0];

      if (flows_stage_get_route (previous, output) == NULL)
        flows_stage_set_route (previous, output, id);
    }

  if (settings != NULL)
    {
      g_autoptr(JsonObject) object = test_parse_settings (settings);

      flows_stage_set_settings (stage, object);
    }

  flows_flow_add_stage (flow, stage);

  return stage;
}

/* An App with one parameter and one flow, "Main", that starts at a Trigger with one input. */
static FlowsApp *
new_app (FlowsFlow **main_flow)
{
  g_autoptr(FlowsApp) app = flows_app_new ("app-1", "Weather", FLOWS_CONNECTION_TYPE_GENERIC);
  g_autoptr(FlowsParam) param = flows_param_new ("ApiKey", "API key", FLOWS_PARAM_KIND_TEXT);
  g_autoptr(FlowsFlow) flow = flows_flow_new ("flow-main", "Main");

  flows_app_add_param (app, param);
  add_stage (flow, "stage-trigger", "trigger", FLOWS_STAGE_TYPE_TRIGGER, "Start",
             "{'inputs':[{'name':'city','required':true,'default':'','sample':'Oslo'}]}");
  flows_app_add_flow (app, flow);

  *main_flow = flow;
  return g_steal_pointer (&app);
}

static void
assert_problem (FlowsProblem *problem,
                const char   *flow_id,
                const char   *flow_name,
                const char   *stage_id,
                const char   *stage_name,
                const char   *setting,
                const char   *message)
{
  g_assert_nonnull (problem);
  g_assert_cmpstr (problem->flow_id, ==, flow_id);
  g_assert_cmpstr (problem->flow_name, ==, flow_name);
  g_assert_cmpstr (problem->stage_id, ==, stage_id);
  g_assert_cmpstr (problem->stage_name, ==, stage_name);
  g_assert_cmpstr (problem->setting, ==, setting);
  g_assert_cmpstr (problem->message, ==, message);
}

/* Validates @flow and checks that it has exactly one problem, in "Main" at @stage_id. */
static void
assert_one_problem (FlowsApp   *app,
                    FlowsFlow  *flow,
                    const char *stage_id,
                    const char *setting,
                    const char *message)
{
  g_autoptr(GPtrArray) problems = flows_validate_flow_full (app, flow);
  FlowsStage *stage = stage_id != NULL ? flows_flow_find_stage (flow, stage_id) : NULL;

  g_assert_cmpuint (problems->len, ==, 1);
  assert_problem (g_ptr_array_index (problems, 0),
                  flows_flow_get_id (flow), flows_flow_get_name (flow),
                  stage_id, stage != NULL ? flows_stage_get_name (stage) : NULL,
                  setting, message);
}

static void
assert_no_problems (FlowsApp  *app,
                    FlowsFlow *flow)
{
  g_autoptr(GPtrArray) problems = flows_validate_flow_full (app, flow);

  for (guint i = 0; i < problems->len; i++)
    {
      g_autofree char *text = flows_problem_to_string (g_ptr_array_index (problems, i));

      g_test_message ("unexpected problem: %s", text);
    }
  g_assert_cmpuint (problems->len, ==, 0);
}

static void
test_valid_flow (void)
{
  FlowsFlow *flow;
  g_autoptr(FlowsApp) app = new_app (&flow);
  FlowsStage *trigger = flows_flow_find_stage (flow, "stage-trigger");
  FlowsStage *call;
  g_autoptr(GPtrArray) problems = NULL;

  call = add_stage (flow, "stage-call", "callApi", FLOWS_STAGE_TYPE_CALL_API, "Get forecast",
                    "{'method':'GET','uriBase':'https://api.example.com','uriPath':'/v1/<city>',"
                    "'query':[{'name':'key','value':'<ApiKey>'},{'name':'id','value':'<ConnectionID>'}],"
                    "'headers':[{'name':'Authorization','value':'Bearer <AccessToken>'}],"
                    "'body':{'kind':'none'},'timeout':30,'useOAuthToken':false,"
                    "'successStatus':{'min':200,'max':299},'notes':null}");
  add_stage (flow, "stage-response", "response", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE, "Answer",
             "{'fields':[{'name':'temp','value':'<callApi.body.list.0.temp> \\\\<C>','mode':'fixed'},"
             "{'name':'type','value':'<callApi.headers.content-type>','mode':'dynamic'}]}");
  flows_stage_set_route (trigger, "success", "stage-call");
  flows_stage_set_route (call, "success", "stage-response");
  flows_stage_set_route (call, "fail", "");

  assert_no_problems (app, flow);

  problems = flows_validate_app (app);
  g_assert_cmpuint (problems->len, ==, 0);
}

/* A URL parameter's default is a web address, or nothing; other kinds take any text. */
static void
test_param_url_default (void)
{
  static const struct { FlowsParamKind kind; const char *value; gboolean ok; } cases[] = {
    { FLOWS_PARAM_KIND_URL, "", TRUE },
    { FLOWS_PARAM_KIND_URL, "https://github.com/login", TRUE },
    { FLOWS_PARAM_KIND_URL, "HTTP://127.0.0.1:8977/token", TRUE },
    { FLOWS_PARAM_KIND_URL, "github dot com/login", FALSE },
    { FLOWS_PARAM_KIND_URL, "github.com/login", FALSE },
    { FLOWS_PARAM_KIND_URL, "ftp://example.com/", FALSE },
    { FLOWS_PARAM_KIND_URL, "https://", FALSE },
    { FLOWS_PARAM_KIND_TEXT, "github dot com/login", TRUE },
    /* References to other parameters: the address must be one whatever they give, unless it
     * starts with one. */
    { FLOWS_PARAM_KIND_URL, "https://login.microsoftonline.com/<Tenant>/oauth2/v2.0/authorize", TRUE },
    { FLOWS_PARAM_KIND_URL, "<Tenant>/services/data/v59.0/", TRUE },
    { FLOWS_PARAM_KIND_URL, "login/<Tenant>", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(FlowsApp) app = flows_app_new_from_template ("Defaults", FLOWS_CONNECTION_TYPE_GENERIC);
      g_autoptr(FlowsParam) param = flows_param_new ("Home", "Home page", cases[i].kind);
      g_autofree char *message = NULL;
      g_autoptr(GPtrArray) problems = NULL;

      flows_param_set_default (param, cases[i].value);
      flows_app_add_param (app, param);
      test_app_add_param (app, "Tenant", FALSE, "common");
      message = flows_validate_param_default (NULL, param);
      problems = flows_validate_app (app);

      if (cases[i].ok)
        {
          g_assert_null (message);
          g_assert_cmpuint (problems->len, ==, 0);
        }
      else
        {
          FlowsProblem *problem;
          g_autofree char *text = NULL;

          g_assert_nonnull (message);
          g_assert_nonnull (strstr (message, cases[i].value));
          g_assert_cmpuint (problems->len, ==, 1);
          problem = g_ptr_array_index (problems, 0);
          g_assert_null (problem->flow_id);
          text = flows_problem_to_string (problem);
          g_assert_true (g_str_has_prefix (text, "Parameter “Home”: "));
          g_assert_nonnull (strstr (text, message));
        }
    }
}

/* A parameter's value may refer to other parameters, one level deep. */
static void
test_param_references (void)
{
  static const struct { const char *key; const char *value; const char *message; } cases[] = {
    { "AuthURL", "https://login.example.com/<Tenant>/authorize", NULL },
    { "AuthURL", "https://login.example.com/\\<Tenant>", NULL },
    { "AuthURL", "<instance_url>/services/", NULL },
    { "AuthURL", "https://login.example.com/<AuthURL>/x",
      "The value refers to <AuthURL>, this parameter itself" },
    { "AuthURL", "https://login.example.com/<Tennant>/x",
      "The value refers to <Tennant>, which is not a parameter of this App: a parameter’s value can only use other parameters" },
    { "AuthURL", "https://login.example.com/<Region>/x",
      "The value refers to <Region>, whose own value refers to other parameters: references in parameters go one level deep" },
    { "AuthURL", "https://login.example.com/<Tenant",
      "column 27: reference \"<Tenant\" is not closed; expected \">\" (write \\< for a “<” of its own)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(FlowsApp) app = flows_app_new ("refs", "References", FLOWS_CONNECTION_TYPE_GENERIC);
      g_autoptr(FlowsParam) param = flows_param_new (cases[i].key, cases[i].key, FLOWS_PARAM_KIND_URL);
      g_autoptr(FlowsParam) instance_url = flows_param_new ("instance_url", "Instance", FLOWS_PARAM_KIND_URL);
      g_autoptr(GPtrArray) problems = NULL;
      g_autofree char *message = NULL;

      test_app_add_param (app, "Tenant", FALSE, "common");
      test_app_add_param (app, "Region", FALSE, "<Tenant>-eu");
      /* Filled in at sign-in: its value is data, whatever it holds. */
      flows_param_set_from_sign_in (instance_url, TRUE);
      flows_param_set_default (instance_url, "<x>");
      flows_app_add_param (app, instance_url);
      flows_param_set_default (param, cases[i].value);
      flows_app_add_param (app, param);
      message = flows_validate_param_default (app, param);
      g_test_message ("%s: %s", cases[i].value, message);
      g_assert_cmpstr (message, ==, cases[i].message);

      /* The App's list has it too, and Region's own chain is fine: it refers to Tenant only. */
      problems = flows_validate_app (app);
      g_assert_cmpuint (problems->len, ==, cases[i].message != NULL ? 1 : 0);
    }
}

static void
test_templates (void)
{
  const FlowsConnectionType types[] = { FLOWS_CONNECTION_TYPE_GENERIC, FLOWS_CONNECTION_TYPE_OAUTH };

  /* What a new App starts with must pass as it is. */
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      g_autoptr(FlowsApp) app = flows_app_new_from_template ("Template", types[i]);
      g_autoptr(GPtrArray) problems = flows_validate_app (app);

      for (guint j = 0; j < problems->len; j++)
        {
          g_autofree char *text = flows_problem_to_string (g_ptr_array_index (problems, j));

          g_test_message ("unexpected problem: %s", text);
        }
      g_assert_cmpuint (problems->len, ==, 0);
    }
}

static void
test_trigger_missing (void)
{
  g_autoptr(FlowsApp) app = flows_app_new ("app-1", "Weather", FLOWS_CONNECTION_TYPE_GENERIC);
  g_autoptr(FlowsFlow) flow = flows_flow_new ("flow-main", "Main");

  add_stage (flow, "stage-fields", "fields", FLOWS_STAGE_TYPE_SET_FIELDS, "Fields", "{'fields':[]}");
  flows_app_add_flow (app, flow);

  assert_one_problem (app, flow, NULL, NULL, "The flow has no Trigger stage to start from");
}

static void
test_trigger_second (void)
{
  FlowsFlow *flow;
  g_autoptr(FlowsApp) app = new_app (&flow);

  add_stage (flow, "stage-again", "again", FLOWS_STAGE_TYPE_TRIGGER, "Start again", "{'inputs':[]}");

  assert_one_problem (app, flow, "stage-again", NULL,
                      "A flow has one Trigger stage and this flow already starts at “Start”");
}

/* One stage added to "Main" of new_app(), after the Trigger, with one problem. */
typedef struct
{
  const char     *path;
  FlowsStageType  type;
  const char     *key;
  const char     *settings;
  const char     *setting;  /* the setting the problem names; NULL: the stage itself */
  const char     *message;
} StageProblem;

static const StageProblem stage_problems[] = {
  { "/validate/key/invalid/space", FLOWS_STAGE_TYPE_SLEEP, "call api", "{'seconds':1}", NULL,
    "Stage key “call api” cannot be referenced: use letters, digits and “_”, not starting with a digit" },
  { "/validate/key/invalid/digit-first", FLOWS_STAGE_TYPE_SLEEP, "2nd", "{'seconds':1}", NULL,
    "Stage key “2nd” cannot be referenced: use letters, digits and “_”, not starting with a digit" },
  { "/validate/key/invalid/empty", FLOWS_STAGE_TYPE_SLEEP, "", "{'seconds':1}", NULL,
    "The stage has no key, so its outputs cannot be referenced" },
  { "/validate/key/ambiguous/param", FLOWS_STAGE_TYPE_SLEEP, "ApiKey", "{'seconds':1}", NULL,
    "Stage key “ApiKey” is also a connection parameter; choose another so that <ApiKey> means one thing" },
  { "/validate/key/ambiguous/builtin", FLOWS_STAGE_TYPE_SLEEP, "State", "{'seconds':1}", NULL,
    "Stage key “State” is also a built-in name; choose another so that <State> means one thing" },
  { "/validate/key/ambiguous/input", FLOWS_STAGE_TYPE_SLEEP, "city", "{'seconds':1}", NULL,
    "Stage key “city” is also a trigger input; choose another so that <city> means one thing" },
  { "/validate/settings/syntax", FLOWS_STAGE_TYPE_CALL_API, "callApi",
    "{'method':'GET','uriBase':'https://x.test/<ApiKey','query':[]}", "uriBase",
    "column 16: reference \"<ApiKey\" is not closed; expected \">\"" },
  { "/validate/settings/unknown-reference/whole", FLOWS_STAGE_TYPE_CALL_API, "callApi",
    "{'uriBase':'<Foo>'}", "uriBase",
    "Unknown reference <Foo>: no connection parameter, built-in, trigger input or stage is called “Foo”" },
  { "/validate/settings/unknown-reference/first-of-two", FLOWS_STAGE_TYPE_CALL_API, "callApi",
    "{'uriBase':'https://x.test','query':[{'name':'a','value':'1'},{'name':'b','value':'2'},{'name':'c','value':'<nope.x> <nope.y>'}]}",
    "query[2].value",
    "Unknown reference <nope.x>: no connection parameter, built-in, trigger input or stage is called “nope”" },
  { "/validate/settings/unknown-reference/body-field", FLOWS_STAGE_TYPE_CALL_API, "callApi",
    "{'uriBase':'https://x.test','body':{'kind':'json','fields':[{'name':'k','value':'<other.body.id>'}]}}",
    "body.fields[0].value",
    "Unknown reference <other.body.id>: no connection parameter, built-in, trigger input or stage is called “other”" },
  { "/validate/settings/unknown-reference/did-you-mean", FLOWS_STAGE_TYPE_CALL_API, "callApi",
    "{'uriBase':'https://x.test','uriPath':'/<apikey>'}", "uriPath",
    "Unknown reference <apikey>: no connection parameter, built-in, trigger input or stage is called “apikey”; did you mean “ApiKey”?" },
  { "/validate/settings/unknown-reference/nested-array", FLOWS_STAGE_TYPE_CALL_API, "callApi",
    "{'uriBase':'https://x.test','matrix':[[1,'ok'],[true,'<Lost>']]}", "matrix[1][1]",
    "Unknown reference <Lost>: no connection parameter, built-in, trigger input or stage is called “Lost”" },
  { "/validate/required-settings/call-api-empty-uri", FLOWS_STAGE_TYPE_CALL_API, "x",
    "{'method':'GET','uriBase':''}", "uriBase", "Enter the URI base: the address the request goes to" },
  { "/validate/required-settings/call-api-no-uri", FLOWS_STAGE_TYPE_CALL_API, "x",
    "{'method':'GET'}", "uriBase", "Enter the URI base: the address the request goes to" },
  { "/validate/required-settings/build-url-base", FLOWS_STAGE_TYPE_BUILD_URL, "x",
    "{'base':'','query':[],'resultField':'url'}", "base", "Enter the base URL to build on" },
  { "/validate/required-settings/sleep-seconds", FLOWS_STAGE_TYPE_SLEEP, "x",
    "{}", "seconds", "Enter how many seconds to wait" },
  { "/validate/required-settings/sleep-seconds-text", FLOWS_STAGE_TYPE_SLEEP, "x",
    "{'seconds':'5'}", "seconds", "Enter how many seconds to wait" },
  { "/validate/required-settings/sleep-negative", FLOWS_STAGE_TYPE_SLEEP, "x",
    "{'seconds':-1}", "seconds", "A stage cannot wait a negative number of seconds" },
  { "/validate/required-settings/for-each-list", FLOWS_STAGE_TYPE_FOR_EACH, "x",
    "{'list':''}", "list", "Choose the list to go through, such as <callApi.body.items>" },
  { "/validate/required-settings/call-flow-flow", FLOWS_STAGE_TYPE_CALL_FLOW, "x",
    "{'flow':'','inputs':[]}", "flow", "Choose the flow this stage calls" },
  { "/validate/required-settings/end-with-error-message", FLOWS_STAGE_TYPE_END_WITH_ERROR, "x",
    "{'message':'','code':'<ApiKey>','needsSignIn':false}", "message", "Enter the message the run fails with" },
  { "/validate/settings/end-with-error-unknown-reference", FLOWS_STAGE_TYPE_END_WITH_ERROR, "x",
    "{'message':'<call.body.error>'}", "message",
    "Unknown reference <call.body.error>: no connection parameter, built-in, trigger input or stage is called “call”" },
  { "/validate/settings/call-api-basic-and-oauth", FLOWS_STAGE_TYPE_CALL_API, "x",
    "{'uriBase':'https://x.test','auth':{'kind':'basic','user':'<ApiKey>','password':''},'useOAuthToken':true}",
    "auth.kind",
    "HTTP Basic authentication and the connection’s OAuth token both send the Authorization header: choose one" },
  { "/validate/settings/call-api-basic-unknown-reference", FLOWS_STAGE_TYPE_CALL_API, "x",
    "{'uriBase':'https://x.test','auth':{'kind':'basic','user':'<ApiKey>','password':'<Secret>'}}",
    "auth.password",
    "Unknown reference <Secret>: no connection parameter, built-in, trigger input or stage is called “Secret”" },
};

static void
test_stage_problem (gconstpointer data)
{
  const StageProblem *problem = data;
  FlowsFlow *flow;
  g_autoptr(FlowsApp) app = new_app (&flow);

  g_test_message ("%s", problem->settings);
  add_stage (flow, "stage-x", problem->key, problem->type, "X", problem->settings);
  assert_one_problem (app, flow, "stage-x", problem->setting, problem->message);
}

/* A Trigger alone, its inputs with one problem. */
typedef struct
{
  const char *path;
  const char *settings;
  const char *setting;
  const char *message;
} TriggerProblem;

static const TriggerProblem trigger_problems[] = {
  { "/validate/trigger/inputs/name-not-identifier", "{'inputs':[{'name':'code'},{'name':'content-type'}]}", "inputs[1].name",
    "Input name “content-type” cannot be referenced: use letters, digits and “_”, not starting with a digit" },
  { "/validate/trigger/inputs/name-twice", "{'inputs':[{'name':'code'},{'name':'code'}]}", "inputs[1].name",
    "Another input is already called “code”" },
  { "/validate/trigger/inputs/no-name", "{'inputs':[{'required':true}]}", "inputs[0].name", "The input has no name" },
  { "/validate/trigger/inputs/name-not-text", "{'inputs':[{'name':7}]}", "inputs[0].name", "The input has no name" },
};

static void
test_trigger_problem (gconstpointer data)
{
  const TriggerProblem *problem = data;
  g_autoptr(FlowsApp) app = flows_app_new ("app-1", "Weather", FLOWS_CONNECTION_TYPE_GENERIC);
  g_autoptr(FlowsFlow) flow = flows_flow_new ("flow-main", "Main");

  add_stage (flow, "stage-trigger", "trigger", FLOWS_STAGE_TYPE_TRIGGER, "Start", problem->settings);
  flows_app_add_flow (app, flow);

  assert_one_problem (app, flow, "stage-trigger", problem->setting, problem->message);
}

/* A Call Flow stage in "Main", beside a private flow "Refresh" and a public one, with one
 * problem in its "flow". */
typedef struct
{
  const char *path;
  const char *settings;
  const char *message;
} CallFlowProblem;

static const CallFlowProblem call_flow_problems[] = {
  { "/validate/call-flow/invalid/no-flow", "{'inputs':[]}", "Choose the flow this stage calls" },
  { "/validate/call-flow/invalid/empty", "{'flow':'','inputs':[]}", "Choose the flow this stage calls" },
  { "/validate/call-flow/invalid/not-text", "{'flow':42}", "Choose the flow this stage calls" },
  { "/validate/call-flow/invalid/missing", "{'flow':'flow-missing'}", "No flow of this App has the id “flow-missing”" },
  { "/validate/call-flow/invalid/itself", "{'flow':'flow-main'}", "A flow cannot call itself" },
  { "/validate/call-flow/invalid/public", "{'flow':'flow-public'}",
    "“Public API” is a public flow; a Call Flow stage calls a private flow of the App" },
  /* By id only: a name is not a reference that survives renaming. */
  { "/validate/call-flow/invalid/by-name", "{'flow':'Refresh'}", "No flow of this App has the id “Refresh”" },
};

static void
test_call_flow_problem (gconstpointer data)
{
  const CallFlowProblem *problem = data;
  FlowsFlow *flow;
  g_autoptr(FlowsApp) app = new_app (&flow);
  g_autoptr(FlowsFlow) refresh = flows_flow_new ("flow-refresh", "Refresh");
  g_autoptr(FlowsFlow) public = flows_flow_new ("flow-public", "Public API");

  flows_flow_set_visibility (public, FLOWS_FLOW_VISIBILITY_PUBLIC);
  add_stage (refresh, "stage-r", "trigger", FLOWS_STAGE_TYPE_TRIGGER, "Start", NULL);
  add_stage (public, "stage-p", "trigger", FLOWS_STAGE_TYPE_TRIGGER, "Start", NULL);
  flows_app_add_flow (app, refresh);
  flows_app_add_flow (app, public);

  add_stage (flow, "stage-call", "call", FLOWS_STAGE_TYPE_CALL_FLOW, "Call", problem->settings);

  assert_one_problem (app, flow, "stage-call", "flow", problem->message);
}

static void
test_key_duplicate (void)
{
  FlowsFlow *flow;
  g_autoptr(FlowsApp) app = new_app (&flow);

  add_stage (flow, "stage-1", "wait", FLOWS_STAGE_TYPE_SLEEP, "Wait", "{'seconds':1}");
  add_stage (flow, "stage-2", "wait", FLOWS_STAGE_TYPE_SLEEP, "Wait more", "{'seconds':2}");

  assert_one_problem (app, flow, "stage-2", NULL, "Stage key “wait” is already used by stage “Wait”");
}

static void
test_route_target (void)
{
  FlowsFlow *flow;
  g_autoptr(FlowsApp) app = new_app (&flow);
  g_autoptr(FlowsFlow) other = flows_flow_new ("flow-other", "Other");
  FlowsStage *wait;

  add_stage (other, "stage-elsewhere", "elsewhere", FLOWS_STAGE_TYPE_TRIGGER, "Elsewhere", NULL);
  flows_app_add_flow (app, other);

  wait = add_stage (flow, "stage-wait", "wait", FLOWS_STAGE_TYPE_SLEEP, "Wait", "{'seconds':1}");
  flows_stage_set_route (flows_flow_find_stage (flow, "stage-trigger"), "success", "stage-wait");
  /* A stage of another flow is as unreachable as one that does not exist. */
  flows_stage_set_route (wait, "success", "stage-elsewhere");

  assert_one_problem (app, flow, "stage-wait", NULL,
                      "The “success” route leads to “stage-elsewhere”, which is not a stage of this flow");
}

static void
test_settings_scope (void)
{
  const char * const *builtins = flows_validate_builtin_names ();
  FlowsFlow *flow;
  g_autoptr(FlowsApp) app = new_app (&flow);
  g_autoptr(GString) value = g_string_new ("<ApiKey><city><early.x><late.body.a-b.0>");
  g_autofree char *settings = NULL;

  for (guint i = 0; builtins[i] != NULL; i++)
    g_string_append_printf (value, "<%s>", builtins[i]);

  /* A stage may name itself and stages placed after it: order on the list is not run order. */
  settings = g_strdup_printf ("{'fields':[{'name':'all','value':'%s'}]}", value->str);
  add_stage (flow, "stage-early", "early", FLOWS_STAGE_TYPE_SET_FIELDS, "Early", settings);
  add_stage (flow, "stage-late", "late", FLOWS_STAGE_TYPE_CALL_API, "Late", "{'uriBase':'<early.all>'}");

  assert_no_problems (app, flow);
}

static void
test_settings_not_expressions (void)
{
  FlowsFlow *flow;
  g_autoptr(FlowsApp) app = new_app (&flow);

  /* These members are names and choices: a "<" in them is neither an error nor a reference. */
  add_stage (flow, "stage-route", "route", FLOWS_STAGE_TYPE_ROUTE_FLOW, "Check",
             "{'match':'<all','conditions':[{'field':'<city>','comparator':'<=','value':'x'}],"
             "'name':'<a b>','flow':'<','kind':'<','method':'<','mode':'<','sample':'<'}");

  assert_no_problems (app, flow);
}

static void
test_call_flow_valid (void)
{
  FlowsFlow *flow;
  g_autoptr(FlowsApp) app = new_app (&flow);
  g_autoptr(FlowsFlow) refresh = flows_flow_new ("flow-refresh", "Refresh");

  add_stage (refresh, "stage-r", "trigger", FLOWS_STAGE_TYPE_TRIGGER, "Start",
             "{'inputs':[{'name':'ConnectionID'}]}");
  flows_app_add_flow (app, refresh);
  add_stage (flow, "stage-call", "call", FLOWS_STAGE_TYPE_CALL_FLOW, "Call",
             "{'flow':'flow-refresh','inputs':[{'name':'ConnectionID','value':'<ConnectionID>'}]}");

  assert_no_problems (app, flow);
  assert_no_problems (app, refresh);
}

static void
test_validate_app (void)
{
  FlowsFlow *flow;
  g_autoptr(FlowsApp) app = new_app (&flow);
  g_autoptr(FlowsFlow) second = flows_flow_new ("flow-second", "Second");
  g_autoptr(GPtrArray) problems = NULL;

  add_stage (flow, "stage-call", "callApi", FLOWS_STAGE_TYPE_CALL_API, "Call", "{'uriBase':'<Nope>'}");
  flows_app_add_flow (app, second);

  /* Problems come flow by flow, in the App's order. */
  problems = flows_validate_app (app);
  g_assert_cmpuint (problems->len, ==, 2);
  assert_problem (g_ptr_array_index (problems, 0), "flow-main", "Main", "stage-call", "Call", "uriBase",
                  "Unknown reference <Nope>: no connection parameter, built-in, trigger input or stage is called “Nope”");
  assert_problem (g_ptr_array_index (problems, 1), "flow-second", "Second", NULL, NULL, NULL,
                  "The flow has no Trigger stage to start from");
}

/* A valid flow for the cache tests: Trigger (input "city") → Call API using <ApiKey> and <city>. */
static FlowsStage *
add_valid_call (FlowsFlow *flow)
{
  FlowsStage *call = add_stage (flow, "stage-call", "callApi", FLOWS_STAGE_TYPE_CALL_API, "Call",
                                "{'uriBase':'https://x.test','query':[{'name':'key','value':'<ApiKey>'},"
                                "{'name':'q','value':'<city>'}]}");

  flows_stage_set_route (flows_flow_find_stage (flow, "stage-trigger"), "success", "stage-call");
  return call;
}

/* A flow found valid is not checked again until something changes: every change must be seen. */
static void
test_cache_stage_settings (void)
{
  FlowsFlow *flow;
  g_autoptr(FlowsApp) app = new_app (&flow);
  FlowsStage *call = add_valid_call (flow);
  g_autoptr(JsonObject) valid = json_object_ref (flows_stage_get_settings (call));
  g_autoptr(JsonObject) broken = test_parse_settings ("{'uriBase':'<Nope>'}");

  assert_no_problems (app, flow);
  assert_no_problems (app, flow);

  flows_stage_set_settings (call, broken);
  assert_one_problem (app, flow, "stage-call", "uriBase",
                      "Unknown reference <Nope>: no connection parameter, built-in, trigger input or stage is called “Nope”");

  flows_stage_set_settings (call, valid);
  assert_no_problems (app, flow);

  /* Settings are not to be changed in place, but setting the same object again after doing so
   * is still seen. */
  json_object_set_string_member (valid, "uriPath", "/<Lost>");
  flows_stage_set_settings (call, valid);
  assert_one_problem (app, flow, "stage-call", "uriPath",
                      "Unknown reference <Lost>: no connection parameter, built-in, trigger input or stage is called “Lost”");
}

static void
test_cache_stage_key (void)
{
  FlowsFlow *flow;
  g_autoptr(FlowsApp) app = new_app (&flow);
  FlowsStage *call = add_valid_call (flow);

  add_stage (flow, "stage-response", "response", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE, "Answer",
             "{'fields':[{'name':'status','value':'<callApi.status>','mode':'fixed'}]}");
  assert_no_problems (app, flow);

  flows_stage_set_key (call, "fetch");
  assert_one_problem (app, flow, "stage-response", "fields[0].value",
                      "Unknown reference <callApi.status>: no connection parameter, built-in, trigger input or stage is called “callApi”");
}

static void
test_cache_param (void)
{
  FlowsFlow *flow;
  g_autoptr(FlowsApp) app = new_app (&flow);
  FlowsParam *param = flows_app_find_param (app, "ApiKey");
  g_autoptr(FlowsParam) kept = g_object_ref (param);
  const char *message = "Unknown reference <ApiKey>: no connection parameter, built-in, trigger input or stage is called “ApiKey”";

  add_valid_call (flow);
  assert_no_problems (app, flow);

  flows_param_set_key (param, "Token");
  assert_one_problem (app, flow, "stage-call", "query[0].value", message);

  flows_param_set_key (param, "ApiKey");
  assert_no_problems (app, flow);

  flows_app_remove_param (app, param);
  assert_one_problem (app, flow, "stage-call", "query[0].value", message);

  flows_app_add_param (app, kept);
  assert_no_problems (app, flow);
}

static void
test_cache_routes (void)
{
  FlowsFlow *flow;
  g_autoptr(FlowsApp) app = new_app (&flow);
  FlowsStage *call = add_valid_call (flow);

  assert_no_problems (app, flow);

  flows_stage_set_route (call, "fail", "stage-missing");
  assert_one_problem (app, flow, "stage-call", NULL,
                      "The “fail” route leads to “stage-missing”, which is not a stage of this flow");

  flows_stage_set_route (call, "fail", NULL);
  assert_no_problems (app, flow);
}

static void
test_cache_stages (void)
{
  FlowsFlow *flow;
  g_autoptr(FlowsApp) app = new_app (&flow);
  GListModel *stages = flows_flow_get_stages (flow);
  g_autoptr(FlowsStage) call = g_object_ref (add_valid_call (flow));

  assert_no_problems (app, flow);

  /* Straight on the list a getter returns, as well as with flows_flow_remove_stage(). */
  g_list_store_remove (G_LIST_STORE (stages), g_list_model_get_n_items (stages) - 1);
  assert_one_problem (app, flow, "stage-trigger", NULL,
                      "The “success” route leads to “stage-call”, which is not a stage of this flow");
  g_assert_null (flows_flow_find_stage (flow, "stage-call"));

  flows_flow_add_stage (flow, call);
  assert_no_problems (app, flow);
  g_assert_true (flows_flow_find_stage (flow, "stage-call") == call);

  flows_flow_remove_stage (flow, call);
  assert_one_problem (app, flow, "stage-trigger", NULL,
                      "The “success” route leads to “stage-call”, which is not a stage of this flow");
}

static void
test_cache_called_flow (void)
{
  FlowsFlow *flow;
  g_autoptr(FlowsApp) app = new_app (&flow);
  g_autoptr(FlowsFlow) refresh = flows_flow_new ("flow-refresh", "Refresh");

  add_stage (refresh, "stage-r", "trigger", FLOWS_STAGE_TYPE_TRIGGER, "Start", NULL);
  flows_app_add_flow (app, refresh);
  add_stage (flow, "stage-call", "call", FLOWS_STAGE_TYPE_CALL_FLOW, "Call", "{'flow':'flow-refresh'}");
  assert_no_problems (app, flow);

  /* Another flow of the App changes what this one may call. */
  flows_flow_set_visibility (refresh, FLOWS_FLOW_VISIBILITY_PUBLIC);
  assert_one_problem (app, flow, "stage-call", "flow",
                      "“Refresh” is a public flow; a Call Flow stage calls a private flow of the App");

  flows_flow_set_visibility (refresh, FLOWS_FLOW_VISIBILITY_PRIVATE);
  assert_no_problems (app, flow);

  flows_app_remove_flow (app, refresh);
  assert_one_problem (app, flow, "stage-call", "flow", "No flow of this App has the id “flow-refresh”");
}

static void
test_cache_other_app (void)
{
  FlowsFlow *flow;
  g_autoptr(FlowsApp) app = new_app (&flow);
  g_autoptr(FlowsApp) other = flows_app_new ("app-2", "Other", FLOWS_CONNECTION_TYPE_GENERIC);

  add_valid_call (flow);
  assert_no_problems (app, flow);

  /* Found valid in one App says nothing of another, without the parameter. */
  assert_one_problem (other, flow, "stage-call", "query[0].value",
                      "Unknown reference <ApiKey>: no connection parameter, built-in, trigger input or stage is called “ApiKey”");
  assert_no_problems (app, flow);
}

static void
test_unreachable (void)
{
  FlowsFlow *flow;
  g_autoptr(FlowsApp) app = new_app (&flow);
  g_autoptr(FlowsStage) island_a = flows_stage_new ("stage-a", "a", FLOWS_STAGE_TYPE_SLEEP, "A");
  g_autoptr(FlowsStage) island_b = flows_stage_new ("stage-b", "b", FLOWS_STAGE_TYPE_SLEEP, "B");
  g_autoptr(GPtrArray) problems = NULL;
  FlowsStage *wait;

  wait = add_stage (flow, "stage-wait", "wait", FLOWS_STAGE_TYPE_SLEEP, "Wait", "{'seconds':1}");
  assert_no_problems (app, flow);

  /* Two stages that lead to each other, and to a reachable one, but that nothing reaches. */
  flows_stage_set_settings (island_a, flows_stage_get_settings (wait));
  flows_stage_set_settings (island_b, flows_stage_get_settings (wait));
  flows_flow_add_stage (flow, island_a);
  flows_flow_add_stage (flow, island_b);
  flows_stage_set_route (island_a, "success", "stage-b");
  flows_stage_set_route (island_b, "success", "stage-a");
  flows_stage_set_route (wait, "success", "stage-trigger");
  problems = flows_validate_flow_full (app, flow);
  g_assert_cmpuint (problems->len, ==, 2);
  assert_problem (g_ptr_array_index (problems, 0), "flow-main", "Main", "stage-a", "A", NULL,
                  "No route from the Trigger leads to this stage, so it never runs");
  assert_problem (g_ptr_array_index (problems, 1), "flow-main", "Main", "stage-b", "B", NULL,
                  "No route from the Trigger leads to this stage, so it never runs");

  /* A route from the flow makes both reachable. */
  flows_stage_set_route (wait, "success", "stage-a");
  assert_no_problems (app, flow);
}

/* The defaults a new stage gets ask for what they lack. */
static void
test_required_settings_defaults (void)
{
  for (FlowsStageType type = FLOWS_STAGE_TYPE_SET_FIELDS; type <= FLOWS_STAGE_TYPE_FOR_EACH; type++)
    {
      FlowsFlow *flow;
      g_autoptr(FlowsApp) app = new_app (&flow);
      g_autoptr(FlowsStage) stage = flows_stage_new ("stage-new", "fresh", type, "New");
      g_autoptr(JsonObject) settings = flows_stage_catalog_default_settings (type);
      g_autoptr(GPtrArray) problems = NULL;
      const char *expected[] = {
        [FLOWS_STAGE_TYPE_SET_FIELDS] = NULL, [FLOWS_STAGE_TYPE_BUILD_URL] = "base",
        [FLOWS_STAGE_TYPE_CALL_API] = "uriBase", [FLOWS_STAGE_TYPE_ROUTE_FLOW] = NULL,
        [FLOWS_STAGE_TYPE_CALL_FLOW] = "flow", [FLOWS_STAGE_TYPE_ADD_TO_RESPONSE] = NULL,
        [FLOWS_STAGE_TYPE_SLEEP] = NULL, [FLOWS_STAGE_TYPE_FOR_EACH] = "list",
      };

      flows_stage_set_settings (stage, settings);
      flows_flow_add_stage (flow, stage);
      flows_stage_set_route (flows_flow_find_stage (flow, "stage-trigger"), "success", "stage-new");
      problems = flows_validate_flow_full (app, flow);
      g_assert_cmpuint (problems->len, ==, expected[type] != NULL ? 1 : 0);
      if (expected[type] != NULL)
        g_assert_cmpstr (((FlowsProblem *) g_ptr_array_index (problems, 0))->setting, ==, expected[type]);
    }
}

/* Step 1 must return authorizeUrl on every way to an end. */
static void
test_contract_authorize (void)
{
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Contract", FLOWS_CONNECTION_TYPE_OAUTH);
  FlowsFlow *flow = flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE);
  FlowsStage *build = flows_flow_find_stage_by_key (flow, "authorizeUrl");
  FlowsStage *response = flows_flow_find_stage_by_key (flow, "response");
  g_autoptr(FlowsStage) check = flows_stage_new ("stage-check", "check", FLOWS_STAGE_TYPE_ROUTE_FLOW, "Check");
  g_autoptr(JsonObject) check_settings = test_parse_settings ("{'match':'all','conditions':[{'field':'<authorizeUrl.url>','comparator':'IsEmpty','value':''}]}");
  g_autoptr(JsonObject) optional = test_parse_settings ("{'fields':[{'name':'authorizeUrl','value':'<authorizeUrl.url>','mode':'fixed','optional':true}]}");
  g_autoptr(JsonObject) dynamic = test_parse_settings ("{'fields':[{'name':'authorizeUrl','value':'<authorizeUrl.url>','mode':'dynamic'}]}");
  JsonObject *fixed = json_object_ref (flows_stage_get_settings (response));
  g_autoptr(GPtrArray) problems = NULL;

  assert_no_problems (app, flow);

  /* build → check: pass → response; fail ends the flow without the URL. */
  flows_stage_set_settings (check, check_settings);
  flows_flow_add_stage (flow, check);
  flows_stage_set_route (build, "success", "stage-check");
  flows_stage_set_route (check, "pass", flows_stage_get_id (response));
  problems = flows_validate_flow_full (app, flow);
  g_assert_cmpuint (problems->len, ==, 1);
  assert_problem (g_ptr_array_index (problems, 0), flows_flow_get_id (flow), flows_flow_get_name (flow),
                  "stage-check", "Check", NULL,
                  "The flow can end here, after the “fail” route, without returning “authorizeUrl”: add it with an Add To Response stage on the way");
  g_clear_pointer (&problems, g_ptr_array_unref);

  /* Both ways through the response: fine; an optional field is no promise, a dynamic one is. */
  flows_stage_set_route (check, "fail", flows_stage_get_id (response));
  assert_no_problems (app, flow);
  flows_stage_set_settings (response, optional);
  problems = flows_validate_flow_full (app, flow);
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_cmpstr (((FlowsProblem *) g_ptr_array_index (problems, 0))->stage_id, ==, flows_stage_get_id (response));
  flows_stage_set_settings (response, dynamic);
  assert_no_problems (app, flow);
  flows_stage_set_settings (response, fixed);
  json_object_unref (fixed);

  /* Added only inside a For Each's body: the list may be empty. */
  {
    g_autoptr(FlowsStage) loop = flows_stage_new ("stage-loop", "loop", FLOWS_STAGE_TYPE_FOR_EACH, "Loop");
    g_autoptr(JsonObject) loop_settings = test_parse_settings ("{'list':'<settings.Scopes>'}");

    flows_stage_set_settings (loop, loop_settings);
    flows_flow_add_stage (flow, loop);
    flows_stage_set_route (build, "success", "stage-loop");
    flows_stage_set_route (loop, "each", flows_stage_get_id (response));
    flows_stage_set_route (check, "pass", NULL);
    flows_stage_set_route (check, "fail", NULL);
    flows_stage_set_route (loop, "done", "stage-check");
    g_clear_pointer (&problems, g_ptr_array_unref);
    problems = flows_validate_flow_full (app, flow);
    g_assert_cmpuint (problems->len, ==, 1);
    g_assert_cmpstr (((FlowsProblem *) g_ptr_array_index (problems, 0))->stage_id, ==, "stage-check");
    g_assert_true (g_str_has_prefix (((FlowsProblem *) g_ptr_array_index (problems, 0))->message,
                                     "The flow can end here, after the “pass” route"));
  }
}

/* Steps 2 and 3 must return access_token; an error without a fail route is no end. */
static void
test_contract_tokens (void)
{
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Contract", FLOWS_CONNECTION_TYPE_OAUTH);
  FlowsFlow *exchange = flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_OAUTH_EXCHANGE);
  FlowsFlow *refresh = flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_OAUTH_REFRESH);
  FlowsStage *call = flows_flow_find_stage_by_key (exchange, "exchange");
  g_autoptr(FlowsStage) failed = flows_stage_new ("stage-failed", "failed", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE, "Failed");
  g_autoptr(JsonObject) failed_settings = test_parse_settings ("{'fields':[{'name':'error','value':'<exchange.status>','mode':'fixed'}]}");
  g_autoptr(GPtrArray) problems = NULL;

  assert_no_problems (app, exchange);
  assert_no_problems (app, refresh);

  flows_stage_set_settings (failed, failed_settings);
  flows_flow_add_stage (exchange, failed);
  flows_stage_set_route (call, "fail", "stage-failed");
  problems = flows_validate_flow_full (app, exchange);
  g_assert_cmpuint (problems->len, ==, 1);
  assert_problem (g_ptr_array_index (problems, 0), flows_flow_get_id (exchange), flows_flow_get_name (exchange),
                  "stage-failed", "Failed", NULL,
                  "The flow can end here, after the “success” route, without returning “access_token”: add it with an Add To Response stage on the way");

  /* Step 3 without its response stage ends right after the call. */
  flows_flow_remove_stage (refresh, flows_flow_find_stage_by_key (refresh, "response"));
  flows_stage_set_route (flows_flow_find_stage_by_key (refresh, "refresh"), "success", NULL);
  g_clear_pointer (&problems, g_ptr_array_unref);
  problems = flows_validate_flow_full (app, refresh);
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_cmpstr (((FlowsProblem *) g_ptr_array_index (problems, 0))->stage_id, ==,
                   flows_stage_get_id (flows_flow_find_stage_by_key (refresh, "refresh")));
}

/* The Connection Test needs a way to end on success. */
static void
test_contract_connection_test (void)
{
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Contract", FLOWS_CONNECTION_TYPE_GENERIC);
  FlowsFlow *flow = flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_CONNECTION_TEST);
  FlowsStage *test = flows_flow_find_stage_by_key (flow, "test");
  g_autoptr(FlowsStage) check = flows_stage_new ("stage-check", "check", FLOWS_STAGE_TYPE_ROUTE_FLOW, "Check");
  g_autoptr(JsonObject) check_settings = test_parse_settings ("{'match':'all','conditions':[{'field':'<test.status>','comparator':'NumberEqual','value':'204'}]}");
  const char *message = "The Connection Test never ends on a success route: a connection can only pass when a path ends after a stage’s success or pass route";

  assert_no_problems (app, flow);

  /* test → check; pass retries the test, fail ends the flow: no success end. */
  flows_stage_set_settings (check, check_settings);
  flows_flow_add_stage (flow, check);
  flows_stage_set_route (test, "success", "stage-check");
  flows_stage_set_route (check, "pass", flows_stage_get_id (test));
  assert_one_problem (app, flow, NULL, NULL, message);

  flows_stage_set_route (check, "pass", NULL);
  assert_no_problems (app, flow);

  /* A Trigger alone tests nothing. */
  flows_flow_remove_stage (flow, check);
  flows_flow_remove_stage (flow, test);
  flows_stage_set_route (flows_flow_get_trigger (flow), "success", NULL);
  assert_one_problem (app, flow, NULL, NULL, message);
}

static void
test_problem_to_string (void)
{
  FlowsProblem problem = {
    "flow-1", "Main", "stage-1", "Call API", "fields[0].value", "Something is wrong",
  };
  g_autoptr(FlowsProblem) copy = NULL;
  char *text;

  text = flows_problem_to_string (&problem);
  g_assert_cmpstr (text, ==, "Flow “Main”, stage “Call API”, setting fields[0].value: Something is wrong");
  g_free (text);

  problem.setting = NULL;
  text = flows_problem_to_string (&problem);
  g_assert_cmpstr (text, ==, "Flow “Main”, stage “Call API”: Something is wrong");
  g_free (text);

  /* A stage or flow without a name is shown by its id. */
  problem.stage_name = "";
  text = flows_problem_to_string (&problem);
  g_assert_cmpstr (text, ==, "Flow “Main”, stage “stage-1”: Something is wrong");
  g_free (text);

  problem.stage_id = problem.stage_name = NULL;
  problem.flow_name = NULL;
  text = flows_problem_to_string (&problem);
  g_assert_cmpstr (text, ==, "Flow “flow-1”: Something is wrong");
  g_free (text);

  copy = g_boxed_copy (FLOWS_TYPE_PROBLEM, &problem);
  g_assert_true (copy != &problem);
  g_assert_cmpstr (copy->flow_id, ==, "flow-1");
  g_assert_null (copy->flow_name);
  g_assert_null (copy->stage_id);
  g_assert_cmpstr (copy->message, ==, "Something is wrong");
}

static void
test_builtin_names (void)
{
  const char * const expected[] = {
    "ConnectionID", "RedirectURL", "State", "CodeChallenge", "CodeVerifier", "AccessToken",
    "RefreshToken", NULL,
  };

  g_assert_true (g_strv_equal ((const char * const *) flows_validate_builtin_names (), expected));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/validate/valid-flow", test_valid_flow);
  g_test_add_func ("/validate/templates", test_templates);
  g_test_add_func ("/validate/trigger/missing", test_trigger_missing);
  g_test_add_func ("/validate/trigger/second", test_trigger_second);
  test_add_table (trigger_problems, test_trigger_problem);
  test_add_table (stage_problems, test_stage_problem);
  g_test_add_func ("/validate/key/duplicate", test_key_duplicate);
  g_test_add_func ("/validate/route/target", test_route_target);
  g_test_add_func ("/validate/settings/scope", test_settings_scope);
  g_test_add_func ("/validate/settings/not-expressions", test_settings_not_expressions);
  test_add_table (call_flow_problems, test_call_flow_problem);
  g_test_add_func ("/validate/call-flow/valid", test_call_flow_valid);
  g_test_add_func ("/validate/app", test_validate_app);
  g_test_add_func ("/validate/cache/stage-settings", test_cache_stage_settings);
  g_test_add_func ("/validate/cache/stage-key", test_cache_stage_key);
  g_test_add_func ("/validate/cache/param", test_cache_param);
  g_test_add_func ("/validate/cache/routes", test_cache_routes);
  g_test_add_func ("/validate/cache/stages", test_cache_stages);
  g_test_add_func ("/validate/cache/called-flow", test_cache_called_flow);
  g_test_add_func ("/validate/cache/other-app", test_cache_other_app);
  g_test_add_func ("/validate/unreachable", test_unreachable);
  g_test_add_func ("/validate/required-settings/defaults", test_required_settings_defaults);
  g_test_add_func ("/validate/contract/authorize", test_contract_authorize);
  g_test_add_func ("/validate/contract/tokens", test_contract_tokens);
  g_test_add_func ("/validate/contract/connection-test", test_contract_connection_test);
  g_test_add_func ("/validate/problem/to-string", test_problem_to_string);
  g_test_add_func ("/validate/builtin-names", test_builtin_names);
  g_test_add_func ("/validate/param/url-default", test_param_url_default);
  g_test_add_func ("/validate/param/references", test_param_references);

  return g_test_run ();
}
