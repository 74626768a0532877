/* test-model.c — the model objects and the App templates.
 *
 * The templates are checked stage by stage and setting by setting, because the engine runs them
 * unchanged against real OAuth providers: a renamed key or a lost query parameter is a broken
 * sign-in, not a cosmetic change. The notify tests pin down what the UI binds to: one
 * notification per real change, none for setting the same value again.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "flows-app-templates.h"
#include "flows-connection.h"
#include "flows-validate.h"

#define STEP1_NAME "OAuth Step 1 - Build Authorisation URL"
#define STEP2_NAME "OAuth Step 2 - Exchange temporary token for access and refresh token"
#define STEP3_NAME "OAuth Step 3 - Refresh access token"
#define TEST_NAME  "Connection Test"

/* Helpers ---------------------------------------------------------------------------------- */

static FlowsFlow *
flow_at (FlowsApp *app,
         guint     index)
{
  g_autoptr(FlowsFlow) flow = g_list_model_get_item (flows_app_get_flows (app), index);

  g_assert_nonnull (flow);
  return flow; /* the App keeps it alive */
}

static FlowsStage *
stage_at (FlowsFlow *flow,
          guint      index)
{
  g_autoptr(FlowsStage) stage = g_list_model_get_item (flows_flow_get_stages (flow), index);

  g_assert_nonnull (stage);
  return stage; /* the flow keeps it alive */
}

typedef struct {
  FlowsStageType type;
  const char    *key;
} StageSpec;

/* The flow has exactly these stages, in this order; each is routed to the next by "success" and
 * by nothing else, and the last has no route at all. Stage ids are distinct. */
static void
assert_stage_sequence (FlowsFlow       *flow,
                       const StageSpec *expected,
                       guint            n_expected)
{
  GListModel *stages = flows_flow_get_stages (flow);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_true (g_list_model_get_item_type (stages) == FLOWS_TYPE_STAGE);
  g_assert_cmpuint (g_list_model_get_n_items (stages), ==, n_expected);

  for (guint i = 0; i < n_expected; i++)
    {
      FlowsStage *stage = stage_at (flow, i);
      g_auto(GStrv) routes = flows_stage_list_routes (stage);

      g_test_message ("stage %u: %s", i, flows_stage_get_key (stage));
      g_assert_cmpint (flows_stage_get_stage_type (stage), ==, expected[i].type);
      g_assert_cmpstr (flows_stage_get_key (stage), ==, expected[i].key);
      g_assert_nonnull (flows_stage_get_id (stage));
      g_assert_cmpstr (flows_stage_get_id (stage), !=, "");
      g_assert_true (g_hash_table_add (ids, (gpointer)flows_stage_get_id (stage)));
      g_assert_true (flows_flow_find_stage (flow, flows_stage_get_id (stage)) == stage);
      g_assert_true (flows_flow_find_stage_by_key (flow, expected[i].key) == stage);

      if (i + 1 < n_expected)
        {
          FlowsStage *next = stage_at (flow, i + 1);

          g_assert_cmpuint (g_strv_length (routes), ==, 1);
          g_assert_cmpstr (routes[0], ==, "success");
          g_assert_cmpstr (flows_stage_get_route (stage, "success"), ==, flows_stage_get_id (next));
        }
      else
        {
          g_assert_cmpuint (g_strv_length (routes), ==, 0);
        }
    }

  /* A run starts at the first stage, the Trigger. */
  g_assert_cmpint (expected[0].type, ==, FLOWS_STAGE_TYPE_TRIGGER);
  g_assert_true (flows_flow_get_trigger (flow) == stage_at (flow, 0));
}

static JsonNode *
member (JsonObject *object,
        const char *name)
{
  JsonNode *node;

  g_assert_nonnull (object);
  node = json_object_get_member (object, name);
  if (node == NULL)
    g_error ("no member “%s”", name);
  return node;
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = member (object, name);

  g_assert_true (JSON_NODE_HOLDS_VALUE (node));
  g_assert_true (json_node_get_value_type (node) == G_TYPE_STRING);
  return json_node_get_string (node);
}

static gboolean
boolean_member (JsonObject *object,
                const char *name)
{
  JsonNode *node = member (object, name);

  g_assert_true (JSON_NODE_HOLDS_VALUE (node));
  g_assert_true (json_node_get_value_type (node) == G_TYPE_BOOLEAN);
  return json_node_get_boolean (node);
}

static gint64
int_member (JsonObject *object,
            const char *name)
{
  JsonNode *node = member (object, name);

  g_assert_true (JSON_NODE_HOLDS_VALUE (node));
  g_assert_true (json_node_get_value_type (node) == G_TYPE_INT64);
  return json_node_get_int (node);
}

static JsonArray *
array_member (JsonObject *object,
              const char *name)
{
  JsonNode *node = member (object, name);

  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  return json_node_get_array (node);
}

static JsonObject *
object_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = member (object, name);

  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_node_get_object (node);
}

/* @array is a list of objects whose "name" and "value" are exactly the pairs of @expected
 * (name, value, name, value, …, NULL), in order. */
static void
assert_name_values (JsonArray          *array,
                    const char * const *expected)
{
  guint n_expected = g_strv_length ((char **)expected);

  g_assert_cmpuint (n_expected % 2, ==, 0);
  g_assert_cmpuint (json_array_get_length (array), ==, n_expected / 2);
  for (guint i = 0; i < n_expected / 2; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *entry;

      g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
      entry = json_node_get_object (node);
      g_assert_cmpstr (string_member (entry, "name"), ==, expected[2 * i]);
      g_assert_cmpstr (string_member (entry, "value"), ==, expected[2 * i + 1]);
    }
}

/* The "name" of every entry of @array, in order, equals @expected. */
static void
assert_names (JsonArray          *array,
              const char * const *expected)
{
  g_assert_cmpuint (json_array_get_length (array), ==, g_strv_length ((char **)expected));
  for (guint i = 0; expected[i] != NULL; i++)
    g_assert_cmpstr (string_member (json_array_get_object_element (array, i), "name"), ==, expected[i]);
}

static void
assert_no_problems (FlowsApp *app)
{
  g_autoptr(GPtrArray) problems = flows_validate_app (app);

  for (guint i = 0; i < problems->len; i++)
    {
      g_autofree char *text = flows_problem_to_string (g_ptr_array_index (problems, i));
      g_test_message ("problem: %s", text);
    }
  g_assert_cmpuint (problems->len, ==, 0);
}

/* Records the names of the properties notified, as "name;x;", and how often a signal ran. */
typedef struct {
  GString *notified;
  guint    emissions;
} Recorder;

static void
record_notify (GObject    *object,
               GParamSpec *pspec,
               Recorder   *recorder)
{
  g_string_append_printf (recorder->notified, "%s;", pspec->name);
}

static void
record_emission (GObject  *object,
                 Recorder *recorder)
{
  recorder->emissions++;
}

static void
recorder_watch (Recorder *recorder,
                gpointer  object)
{
  recorder->notified = g_string_new (NULL);
  recorder->emissions = 0;
  g_signal_connect (object, "notify", G_CALLBACK (record_notify), recorder);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

/* The properties notified since the last call are exactly @expected ("a;b;", sorted by name:
 * notifications queued by a freeze come out in no set order), each once. */
static void
recorder_take (Recorder   *recorder,
               const char *expected)
{
  g_auto(GStrv) names = g_strsplit (recorder->notified->str, ";", -1);
  g_autofree char *sorted = NULL;
  guint n = g_strv_length (names);

  /* The text is empty or ends with ";" (so its last piece is empty): sort the others. */
  if (n > 0)
    {
      g_assert_cmpstr (names[n - 1], ==, "");
      qsort (names, n - 1, sizeof (char *), compare_strings);
    }
  sorted = g_strjoinv (";", names);
  g_assert_cmpstr (sorted, ==, expected);
  g_string_truncate (recorder->notified, 0);
}

static void
recorder_clear (Recorder *recorder,
                gpointer  object)
{
  g_signal_handlers_disconnect_by_data (object, recorder);
  g_string_free (recorder->notified, TRUE);
}

/* Counts items-changed and checks each against what the test expects next. */
typedef struct {
  guint position;
  guint removed;
  guint added;
  guint count;
} ItemsChanged;

static void
record_items_changed (GListModel   *model,
                      guint         position,
                      guint         removed,
                      guint         added,
                      ItemsChanged *record)
{
  record->position = position;
  record->removed = removed;
  record->added = added;
  record->count++;
}

static void
assert_items_changed (ItemsChanged *record,
                      guint         position,
                      guint         removed,
                      guint         added)
{
  g_assert_cmpuint (record->count, ==, 1);
  g_assert_cmpuint (record->position, ==, position);
  g_assert_cmpuint (record->removed, ==, removed);
  g_assert_cmpuint (record->added, ==, added);
  memset (record, 0, sizeof *record);
}

/* OAuth template --------------------------------------------------------------------------- */

static void
test_oauth_flows (void)
{
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Example OAuth", FLOWS_CONNECTION_TYPE_OAUTH);
  GListModel *flows = flows_app_get_flows (app);
  static const struct {
    const char    *name;
    FlowsFlowRole  role;
  } expected[] = {
    { STEP1_NAME, FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE },
    { STEP2_NAME, FLOWS_FLOW_ROLE_OAUTH_EXCHANGE },
    { STEP3_NAME, FLOWS_FLOW_ROLE_OAUTH_REFRESH },
    { TEST_NAME, FLOWS_FLOW_ROLE_CONNECTION_TEST },
  };
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpstr (flows_app_get_name (app), ==, "Example OAuth");
  g_assert_cmpint (flows_app_get_connection_type (app), ==, FLOWS_CONNECTION_TYPE_OAUTH);
  g_assert_nonnull (flows_app_get_id (app));
  g_assert_true (g_uuid_string_is_valid (flows_app_get_id (app)));

  g_assert_true (g_list_model_get_item_type (flows) == FLOWS_TYPE_FLOW);
  g_assert_cmpuint (g_list_model_get_n_items (flows), ==, G_N_ELEMENTS (expected));

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      FlowsFlow *flow = flow_at (app, i);

      g_assert_cmpstr (flows_flow_get_name (flow), ==, expected[i].name);
      g_assert_cmpint (flows_flow_get_role (flow), ==, expected[i].role);
      g_assert_cmpint (flows_flow_get_visibility (flow), ==, FLOWS_FLOW_VISIBILITY_PRIVATE);
      g_assert_cmpstr (flows_flow_get_description (flow), !=, "");
      g_assert_true (g_hash_table_add (ids, (gpointer)flows_flow_get_id (flow)));
      g_assert_true (flows_app_find_flow_by_role (app, expected[i].role) == flow);
      g_assert_true (flows_app_find_flow (app, expected[i].name) == flow);
      g_assert_true (flows_app_find_flow (app, flows_flow_get_id (flow)) == flow);
    }
}

static void
test_oauth_stages (void)
{
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Example OAuth", FLOWS_CONNECTION_TYPE_OAUTH);
  static const StageSpec step1[] = {
    { FLOWS_STAGE_TYPE_TRIGGER, "trigger" },
    { FLOWS_STAGE_TYPE_SET_FIELDS, "settings" },
    { FLOWS_STAGE_TYPE_SET_FIELDS, "optional" },
    { FLOWS_STAGE_TYPE_BUILD_URL, "authorizeUrl" },
    { FLOWS_STAGE_TYPE_ADD_TO_RESPONSE, "response" },
  };
  static const StageSpec step2[] = {
    { FLOWS_STAGE_TYPE_TRIGGER, "trigger" },
    { FLOWS_STAGE_TYPE_CALL_API, "exchange" },
    { FLOWS_STAGE_TYPE_ADD_TO_RESPONSE, "response" },
  };
  static const StageSpec step3[] = {
    { FLOWS_STAGE_TYPE_TRIGGER, "trigger" },
    { FLOWS_STAGE_TYPE_SET_FIELDS, "endpoint" },
    { FLOWS_STAGE_TYPE_CALL_API, "refresh" },
    { FLOWS_STAGE_TYPE_ADD_TO_RESPONSE, "response" },
  };
  static const StageSpec test[] = {
    { FLOWS_STAGE_TYPE_TRIGGER, "trigger" },
    { FLOWS_STAGE_TYPE_CALL_API, "test" },
  };

  assert_stage_sequence (flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE),
                         step1, G_N_ELEMENTS (step1));
  assert_stage_sequence (flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_OAUTH_EXCHANGE),
                         step2, G_N_ELEMENTS (step2));
  assert_stage_sequence (flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_OAUTH_REFRESH),
                         step3, G_N_ELEMENTS (step3));
  assert_stage_sequence (flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_CONNECTION_TEST),
                         test, G_N_ELEMENTS (test));
}

static void
test_oauth_step1_settings (void)
{
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Example OAuth", FLOWS_CONNECTION_TYPE_OAUTH);
  FlowsFlow *flow = flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE);
  JsonObject *trigger = flows_stage_get_settings (flows_flow_find_stage_by_key (flow, "trigger"));
  JsonObject *settings = flows_stage_get_settings (flows_flow_find_stage_by_key (flow, "settings"));
  JsonObject *optional = flows_stage_get_settings (flows_flow_find_stage_by_key (flow, "optional"));
  JsonObject *build = flows_stage_get_settings (flows_flow_find_stage_by_key (flow, "authorizeUrl"));
  JsonObject *response = flows_stage_get_settings (flows_flow_find_stage_by_key (flow, "response"));
  JsonArray *query;

  g_assert_cmpuint (json_array_get_length (array_member (trigger, "inputs")), ==, 0);

  assert_name_values (array_member (settings, "fields"), (const char * const []) {
    "AuthURL", "<AuthURL>",
    "Scopes", "<Scopes>",
    NULL });
  g_assert_cmpuint (json_array_get_length (array_member (optional, "fields")), ==, 0);

  g_assert_cmpstr (string_member (build, "base"), ==, "<settings.AuthURL>");
  g_assert_cmpstr (string_member (build, "resultField"), ==, "url");
  query = array_member (build, "query");
  assert_name_values (query, (const char * const []) {
    "response_type", "code",
    "client_id", "<ClientID>",
    "redirect_uri", "<RedirectURL>",
    "scope", "<settings.Scopes>",
    "state", "<State>",
    "code_challenge", "<CodeChallenge>",
    "code_challenge_method", "S256",
    NULL });
  /* Only the scope may be left out, when the App asks for none. */
  for (guint i = 0; i < json_array_get_length (query); i++)
    {
      JsonObject *entry = json_array_get_object_element (query, i);
      gboolean is_scope = g_str_equal (string_member (entry, "name"), "scope");

      g_assert_cmpint (boolean_member (entry, "omitWhenEmpty"), ==, is_scope);
    }

  /* The runtime reads exactly one field, authorizeUrl, from Step 1. */
  assert_name_values (array_member (response, "fields"), (const char * const []) {
    "authorizeUrl", "<authorizeUrl.url>",
    NULL });
}

/* The Accept header, the form body and the token fields shared by Step 2 and Step 3. */
static void
assert_token_call (JsonObject         *call,
                   const char         *uri_base,
                   const char * const *form)
{
  JsonObject *body = object_member (call, "body");
  JsonObject *success = object_member (call, "successStatus");

  g_assert_cmpstr (string_member (call, "method"), ==, "POST");
  g_assert_cmpstr (string_member (call, "uriBase"), ==, uri_base);
  g_assert_cmpstr (string_member (call, "uriPath"), ==, "");
  g_assert_cmpuint (json_array_get_length (array_member (call, "query")), ==, 0);
  assert_name_values (array_member (call, "headers"), (const char * const []) {
    "Accept", "application/json",
    NULL });
  g_assert_cmpstr (string_member (body, "kind"), ==, "form");
  assert_name_values (array_member (body, "fields"), form);
  /* The token endpoint is called with the client credentials, not with a token. */
  g_assert_false (boolean_member (call, "useOAuthToken"));
  g_assert_cmpint (int_member (success, "min"), ==, 200);
  g_assert_cmpint (int_member (success, "max"), ==, 299);
}

static void
assert_token_response (JsonObject *response,
                       const char *call_key)
{
  static const char * const names[] = {
    "access_token", "refresh_token", "expires_in", "token_type", "scope", "refresh_token_expires_in",
    "id_token", NULL,
  };
  JsonArray *fields = array_member (response, "fields");

  assert_names (fields, names);
  for (guint i = 0; names[i] != NULL; i++)
    {
      JsonObject *field = json_array_get_object_element (fields, i);
      g_autofree char *value = g_strdup_printf ("<%s.body.%s>", call_key, names[i]);

      g_assert_cmpstr (string_member (field, "value"), ==, value);
      /* Only access_token is required from the provider. */
      if (i == 0)
        g_assert_false (json_object_has_member (field, "optional") && boolean_member (field, "optional"));
      else
        g_assert_true (boolean_member (field, "optional"));
    }
}

static void
test_oauth_step2_settings (void)
{
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Example OAuth", FLOWS_CONNECTION_TYPE_OAUTH);
  FlowsFlow *flow = flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_OAUTH_EXCHANGE);
  JsonObject *trigger = flows_stage_get_settings (flows_flow_find_stage_by_key (flow, "trigger"));
  JsonArray *inputs = array_member (trigger, "inputs");

  assert_names (inputs, (const char * const []) { "code", "state", NULL });
  for (guint i = 0; i < json_array_get_length (inputs); i++)
    g_assert_true (boolean_member (json_array_get_object_element (inputs, i), "required"));

  assert_token_call (flows_stage_get_settings (flows_flow_find_stage_by_key (flow, "exchange")),
                     "<TokenURL>",
                     (const char * const []) {
                       "grant_type", "authorization_code",
                       "code", "<code>",
                       "redirect_uri", "<RedirectURL>",
                       "client_id", "<ClientID>",
                       "client_secret", "<ClientSecret>",
                       "code_verifier", "<CodeVerifier>",
                       NULL });
  assert_token_response (flows_stage_get_settings (flows_flow_find_stage_by_key (flow, "response")),
                         "exchange");
}

static void
test_oauth_step3_settings (void)
{
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Example OAuth", FLOWS_CONNECTION_TYPE_OAUTH);
  FlowsFlow *flow = flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_OAUTH_REFRESH);
  JsonObject *trigger = flows_stage_get_settings (flows_flow_find_stage_by_key (flow, "trigger"));
  JsonObject *endpoint = flows_stage_get_settings (flows_flow_find_stage_by_key (flow, "endpoint"));
  JsonArray *endpoint_fields = array_member (endpoint, "fields");

  assert_names (array_member (trigger, "inputs"), (const char * const []) { "ConnectionID", NULL });

  /* RefreshURL when given, else the token endpoint. */
  assert_name_values (endpoint_fields, (const char * const []) { "url", "<RefreshURL>", NULL });
  g_assert_cmpstr (string_member (json_array_get_object_element (endpoint_fields, 0), "whenEmpty"),
                   ==, "<TokenURL>");

  assert_token_call (flows_stage_get_settings (flows_flow_find_stage_by_key (flow, "refresh")),
                     "<endpoint.url>",
                     (const char * const []) {
                       "grant_type", "refresh_token",
                       "refresh_token", "<RefreshToken>",
                       "client_id", "<ClientID>",
                       "client_secret", "<ClientSecret>",
                       NULL });
  assert_token_response (flows_stage_get_settings (flows_flow_find_stage_by_key (flow, "response")),
                         "refresh");
}

/* The Connection Test of either type: GET <TestURL>, passing on 2xx. */
static JsonObject *
assert_connection_test_call (FlowsApp *app)
{
  FlowsFlow *flow = flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_CONNECTION_TEST);
  JsonObject *call;
  JsonObject *success;

  g_assert_nonnull (flow);
  g_assert_cmpstr (flows_flow_get_name (flow), ==, TEST_NAME);
  g_assert_cmpint (flows_flow_get_visibility (flow), ==, FLOWS_FLOW_VISIBILITY_PRIVATE);

  call = flows_stage_get_settings (flows_flow_find_stage_by_key (flow, "test"));
  success = object_member (call, "successStatus");
  g_assert_cmpstr (string_member (call, "method"), ==, "GET");
  g_assert_cmpstr (string_member (call, "uriBase"), ==, "<TestURL>");
  g_assert_cmpstr (string_member (object_member (call, "body"), "kind"), ==, "none");
  g_assert_cmpint (int_member (success, "min"), ==, 200);
  g_assert_cmpint (int_member (success, "max"), ==, 299);
  return call;
}

static void
test_oauth_connection_test (void)
{
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Example OAuth", FLOWS_CONNECTION_TYPE_OAUTH);
  JsonObject *call = assert_connection_test_call (app);

  /* The connection's access token is sent by the runtime, not by a header of the template. */
  g_assert_true (boolean_member (call, "useOAuthToken"));
  g_assert_cmpuint (json_array_get_length (array_member (call, "headers")), ==, 0);
}

static void
test_oauth_params (void)
{
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Example OAuth", FLOWS_CONNECTION_TYPE_OAUTH);
  GListModel *params = flows_app_get_params (app);
  static const struct {
    const char     *key;
    FlowsParamKind  kind;
    gboolean        required;
    gboolean        sensitive;
  } expected[] = {
    { "AuthURL", FLOWS_PARAM_KIND_URL, TRUE, FALSE },
    { "TokenURL", FLOWS_PARAM_KIND_URL, TRUE, FALSE },
    { "RefreshURL", FLOWS_PARAM_KIND_URL, FALSE, FALSE },
    { "ClientID", FLOWS_PARAM_KIND_TEXT, TRUE, FALSE },
    { "ClientSecret", FLOWS_PARAM_KIND_TEXT, FALSE, TRUE },
    { "Scopes", FLOWS_PARAM_KIND_TEXT, FALSE, FALSE },
    { "TestURL", FLOWS_PARAM_KIND_URL, TRUE, FALSE },
  };

  g_assert_true (g_list_model_get_item_type (params) == FLOWS_TYPE_PARAM);
  g_assert_cmpuint (g_list_model_get_n_items (params), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(FlowsParam) param = g_list_model_get_item (params, i);

      g_test_message ("parameter %s", expected[i].key);
      g_assert_cmpstr (flows_param_get_key (param), ==, expected[i].key);
      g_assert_cmpint (flows_param_get_kind (param), ==, expected[i].kind);
      g_assert_cmpint (flows_param_get_required (param), ==, expected[i].required);
      g_assert_cmpint (flows_param_get_sensitive (param), ==, expected[i].sensitive);
      g_assert_cmpstr (flows_param_get_label (param), !=, "");
      g_assert_cmpstr (flows_param_get_default (param), ==, "");
      g_assert_true (flows_app_find_param (app, expected[i].key) == param);
    }
  g_assert_null (flows_app_find_param (app, "ApiKey"));

  g_assert_cmpstr (flows_app_get_redirect_url (app), ==, FLOWS_DEFAULT_REDIRECT_URL);
  g_assert_cmpstr (FLOWS_DEFAULT_REDIRECT_URL, ==, "http://127.0.0.1:8976/oauth/callback");
}

/* Generic template ------------------------------------------------------------------------- */

static void
test_generic (void)
{
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Example API", FLOWS_CONNECTION_TYPE_GENERIC);
  GListModel *params = flows_app_get_params (app);
  static const StageSpec test[] = {
    { FLOWS_STAGE_TYPE_TRIGGER, "trigger" },
    { FLOWS_STAGE_TYPE_CALL_API, "test" },
  };
  FlowsParam *api_key, *test_url;
  JsonObject *call;

  g_assert_cmpstr (flows_app_get_name (app), ==, "Example API");
  g_assert_cmpint (flows_app_get_connection_type (app), ==, FLOWS_CONNECTION_TYPE_GENERIC);
  g_assert_cmpstr (flows_app_get_redirect_url (app), ==, "");

  g_assert_cmpuint (g_list_model_get_n_items (params), ==, 2);
  api_key = flows_app_find_param (app, "ApiKey");
  test_url = flows_app_find_param (app, "TestURL");
  g_assert_nonnull (api_key);
  g_assert_nonnull (test_url);
  g_assert_true (api_key == g_list_model_get_item (params, 0));
  g_object_unref (api_key);
  g_assert_true (flows_param_get_sensitive (api_key));
  g_assert_true (flows_param_get_required (api_key));
  g_assert_false (flows_param_get_sensitive (test_url));
  g_assert_true (flows_param_get_required (test_url));
  g_assert_cmpint (flows_param_get_kind (test_url), ==, FLOWS_PARAM_KIND_URL);

  /* Only the Connection Test: no OAuth steps. */
  g_assert_cmpuint (g_list_model_get_n_items (flows_app_get_flows (app)), ==, 1);
  g_assert_cmpint (flows_flow_get_role (flow_at (app, 0)), ==, FLOWS_FLOW_ROLE_CONNECTION_TEST);
  g_assert_null (flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE));
  g_assert_null (flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_OAUTH_EXCHANGE));
  g_assert_null (flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_OAUTH_REFRESH));
  assert_stage_sequence (flow_at (app, 0), test, G_N_ELEMENTS (test));

  call = assert_connection_test_call (app);
  g_assert_false (boolean_member (call, "useOAuthToken"));
  assert_name_values (array_member (call, "headers"), (const char * const []) {
    "Authorization", "Bearer <ApiKey>",
    NULL });
}

static void
test_templates_validate (void)
{
  g_autoptr(FlowsApp) oauth = flows_app_new_from_template ("Example OAuth", FLOWS_CONNECTION_TYPE_OAUTH);
  g_autoptr(FlowsApp) generic = flows_app_new_from_template ("Example API", FLOWS_CONNECTION_TYPE_GENERIC);

  assert_no_problems (oauth);
  assert_no_problems (generic);
}

static void
test_templates_fresh (void)
{
  g_autoptr(FlowsApp) a = flows_app_new_from_template ("A", FLOWS_CONNECTION_TYPE_OAUTH);
  g_autoptr(FlowsApp) b = flows_app_new_from_template ("B", FLOWS_CONNECTION_TYPE_OAUTH);
  g_autoptr(FlowsFlow) generic_step1 = NULL;
  g_autoptr(FlowsFlow) none = NULL;
  g_autoptr(FlowsFlow) reset = NULL;

  /* Every App, flow and stage gets its own id: two Apps from one template share none. */
  g_assert_cmpstr (flows_app_get_id (a), !=, flows_app_get_id (b));
  for (guint i = 0; i < 4; i++)
    {
      FlowsFlow *flow_a = flow_at (a, i);
      FlowsFlow *flow_b = flow_at (b, i);

      g_assert_cmpstr (flows_flow_get_id (flow_a), !=, flows_flow_get_id (flow_b));
      g_assert_cmpstr (flows_stage_get_id (stage_at (flow_a, 0)), !=,
                       flows_stage_get_id (stage_at (flow_b, 0)));
    }

  /* A role flow can be recreated alone; a Generic App has no OAuth steps. */
  reset = flows_app_templates_create_flow (FLOWS_CONNECTION_TYPE_OAUTH, FLOWS_FLOW_ROLE_OAUTH_EXCHANGE);
  g_assert_nonnull (reset);
  g_assert_cmpstr (flows_flow_get_name (reset), ==, STEP2_NAME);
  g_assert_cmpint (flows_flow_get_role (reset), ==, FLOWS_FLOW_ROLE_OAUTH_EXCHANGE);
  generic_step1 = flows_app_templates_create_flow (FLOWS_CONNECTION_TYPE_GENERIC, FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE);
  g_assert_null (generic_step1);
  none = flows_app_templates_create_flow (FLOWS_CONNECTION_TYPE_OAUTH, FLOWS_FLOW_ROLE_NONE);
  g_assert_null (none);
}

/* Notify ----------------------------------------------------------------------------------- */

static void
test_notify_app_name (void)
{
  g_autoptr(FlowsApp) app = flows_app_new ("app-1", "First", FLOWS_CONNECTION_TYPE_GENERIC);
  Recorder recorder;

  recorder_watch (&recorder, app);

  flows_app_set_name (app, "First");
  recorder_take (&recorder, "");

  flows_app_set_name (app, "Second");
  recorder_take (&recorder, "name;");
  g_assert_cmpstr (flows_app_get_name (app), ==, "Second");

  flows_app_set_name (app, "Second");
  recorder_take (&recorder, "");

  /* Through GObject too, as a property binding sets it. */
  g_object_set (app, "name", "Second", NULL);
  recorder_take (&recorder, "");
  g_object_set (app, "name", "Third", NULL);
  recorder_take (&recorder, "name;");

  /* NULL is kept as "": from "" to NULL is no change. */
  flows_app_set_name (app, "");
  recorder_take (&recorder, "name;");
  flows_app_set_name (app, NULL);
  recorder_take (&recorder, "");
  g_assert_cmpstr (flows_app_get_name (app), ==, "");

  flows_app_set_redirect_url (app, FLOWS_DEFAULT_REDIRECT_URL);
  recorder_take (&recorder, "redirect-url;");
  flows_app_set_redirect_url (app, FLOWS_DEFAULT_REDIRECT_URL);
  recorder_take (&recorder, "");

  flows_app_set_connection_type (app, FLOWS_CONNECTION_TYPE_OAUTH);
  recorder_take (&recorder, "connection-type;");
  flows_app_set_connection_type (app, FLOWS_CONNECTION_TYPE_OAUTH);
  recorder_take (&recorder, "");

  recorder_clear (&recorder, app);
}

static void
test_notify_param_sensitive (void)
{
  g_autoptr(FlowsParam) param = flows_param_new ("ApiKey", "API key", FLOWS_PARAM_KIND_TEXT);
  static const char * const choices[] = { "a", "b", NULL };
  static const char * const same_choices[] = { "a", "b", NULL };
  Recorder recorder;

  g_assert_false (flows_param_get_sensitive (param));
  recorder_watch (&recorder, param);

  flows_param_set_sensitive (param, FALSE);
  recorder_take (&recorder, "");

  flows_param_set_sensitive (param, TRUE);
  recorder_take (&recorder, "sensitive;");
  g_assert_true (flows_param_get_sensitive (param));

  flows_param_set_sensitive (param, TRUE);
  recorder_take (&recorder, "");
  /* Any non-zero gboolean is TRUE: no change. */
  flows_param_set_sensitive (param, 2);
  recorder_take (&recorder, "");
  g_object_set (param, "sensitive", TRUE, NULL);
  recorder_take (&recorder, "");

  g_object_set (param, "sensitive", FALSE, NULL);
  recorder_take (&recorder, "sensitive;");

  flows_param_set_choices (param, choices);
  recorder_take (&recorder, "choices;");
  flows_param_set_choices (param, same_choices);
  recorder_take (&recorder, "");

  flows_param_set_kind (param, FLOWS_PARAM_KIND_TEXT);
  recorder_take (&recorder, "");
  flows_param_set_kind (param, FLOWS_PARAM_KIND_CHOICE);
  recorder_take (&recorder, "kind;");

  recorder_clear (&recorder, param);
}

static void
test_notify_stage_position (void)
{
  g_autoptr(FlowsStage) stage = flows_stage_new ("stage-1", "call", FLOWS_STAGE_TYPE_CALL_API, "Call");
  Recorder recorder;

  g_assert_cmpfloat (flows_stage_get_x (stage), ==, 0);
  g_assert_cmpfloat (flows_stage_get_y (stage), ==, 0);
  recorder_watch (&recorder, stage);

  flows_stage_set_position (stage, 0, 0);
  recorder_take (&recorder, "");

  flows_stage_set_position (stage, 120.5, -40);
  recorder_take (&recorder, "x;y;");
  g_assert_cmpfloat (flows_stage_get_x (stage), ==, 120.5);
  g_assert_cmpfloat (flows_stage_get_y (stage), ==, -40);

  flows_stage_set_position (stage, 120.5, -40);
  recorder_take (&recorder, "");

  /* Moving along one axis notifies that axis only. */
  flows_stage_set_position (stage, 300, -40);
  recorder_take (&recorder, "x;");
  flows_stage_set_position (stage, 300, 7.25);
  recorder_take (&recorder, "y;");

  flows_stage_set_name (stage, "Call");
  recorder_take (&recorder, "");
  flows_stage_set_name (stage, "Call the API");
  recorder_take (&recorder, "name;");

  recorder_clear (&recorder, stage);
}

static void
test_notify_stage_routes (void)
{
  g_autoptr(FlowsStage) stage = flows_stage_new ("stage-1", "call", FLOWS_STAGE_TYPE_CALL_API, "Call");
  g_auto(GStrv) routes = NULL;
  Recorder recorder;

  recorder_watch (&recorder, stage);
  g_signal_connect (stage, "routes-changed", G_CALLBACK (record_emission), &recorder);

  flows_stage_set_route (stage, "success", "stage-2");
  g_assert_cmpuint (recorder.emissions, ==, 1);
  flows_stage_set_route (stage, "success", "stage-2");
  g_assert_cmpuint (recorder.emissions, ==, 1);
  flows_stage_set_route (stage, "fail", "stage-3");
  g_assert_cmpuint (recorder.emissions, ==, 2);
  flows_stage_set_route (stage, "success", "stage-4");
  g_assert_cmpuint (recorder.emissions, ==, 3);

  routes = flows_stage_list_routes (stage);
  g_assert_cmpstrv (routes, ((const char * const []) { "success", "fail", NULL }));

  flows_stage_set_route (stage, "fail", NULL);
  g_assert_cmpuint (recorder.emissions, ==, 4);
  g_assert_null (flows_stage_get_route (stage, "fail"));
  flows_stage_set_route (stage, "fail", NULL);
  g_assert_cmpuint (recorder.emissions, ==, 4);

  recorder_take (&recorder, "");
  recorder_clear (&recorder, stage);
}

static void
test_notify_connection_values (void)
{
  g_autoptr(FlowsConnection) connection = flows_connection_new ("conn-1", "app-1", "Work");
  g_auto(GStrv) keys = NULL;
  Recorder recorder;

  recorder_watch (&recorder, connection);
  g_signal_connect (connection, "values-changed", G_CALLBACK (record_emission), &recorder);

  flows_connection_set_value (connection, "TestURL", "https://example.com/me");
  g_assert_cmpuint (recorder.emissions, ==, 1);
  g_assert_cmpstr (flows_connection_get_value (connection, "TestURL"), ==, "https://example.com/me");

  flows_connection_set_value (connection, "TestURL", "https://example.com/me");
  g_assert_cmpuint (recorder.emissions, ==, 1);

  flows_connection_set_value (connection, "TestURL", "https://example.com/other");
  g_assert_cmpuint (recorder.emissions, ==, 2);

  /* An empty value is a value, different from none. */
  flows_connection_set_value (connection, "Scopes", "");
  g_assert_cmpuint (recorder.emissions, ==, 3);
  flows_connection_set_value (connection, "Scopes", "");
  g_assert_cmpuint (recorder.emissions, ==, 3);

  keys = flows_connection_list_value_keys (connection);
  g_assert_cmpstrv (keys, ((const char * const []) { "Scopes", "TestURL", NULL }));

  flows_connection_set_value (connection, "Scopes", NULL);
  g_assert_cmpuint (recorder.emissions, ==, 4);
  g_assert_null (flows_connection_get_value (connection, "Scopes"));
  flows_connection_set_value (connection, "Scopes", NULL);
  g_assert_cmpuint (recorder.emissions, ==, 4);
  flows_connection_set_value (connection, "Never", NULL);
  g_assert_cmpuint (recorder.emissions, ==, 4);

  /* Values are not properties. */
  recorder_take (&recorder, "");

  flows_connection_set_name (connection, "Work");
  recorder_take (&recorder, "");
  flows_connection_set_name (connection, "Home");
  recorder_take (&recorder, "name;");
  flows_connection_set_signed_in (connection, FALSE);
  recorder_take (&recorder, "");
  flows_connection_set_signed_in (connection, TRUE);
  recorder_take (&recorder, "signed-in;");

  recorder_clear (&recorder, connection);
}

/* Lists ------------------------------------------------------------------------------------ */

static void
test_list_app_params_and_flows (void)
{
  g_autoptr(FlowsApp) app = flows_app_new ("app-1", "Lists", FLOWS_CONNECTION_TYPE_GENERIC);
  g_autoptr(FlowsParam) first = flows_param_new ("First", "First", FLOWS_PARAM_KIND_TEXT);
  g_autoptr(FlowsParam) second = flows_param_new ("Second", "Second", FLOWS_PARAM_KIND_NUMBER);
  g_autoptr(FlowsParam) stranger = flows_param_new ("Stranger", "Stranger", FLOWS_PARAM_KIND_TEXT);
  g_autoptr(FlowsFlow) flow_a = flows_flow_new ("flow-a", "A");
  g_autoptr(FlowsFlow) flow_b = flows_flow_new ("flow-b", "B");
  ItemsChanged params_changed = { 0 };
  ItemsChanged flows_changed = { 0 };

  g_signal_connect (flows_app_get_params (app), "items-changed",
                    G_CALLBACK (record_items_changed), &params_changed);
  g_signal_connect (flows_app_get_flows (app), "items-changed",
                    G_CALLBACK (record_items_changed), &flows_changed);

  flows_app_add_param (app, first);
  assert_items_changed (&params_changed, 0, 0, 1);
  flows_app_add_param (app, second);
  assert_items_changed (&params_changed, 1, 0, 1);
  g_assert_cmpuint (g_list_model_get_n_items (flows_app_get_params (app)), ==, 2);
  g_assert_true (flows_app_find_param (app, "Second") == second);

  flows_app_remove_param (app, first);
  assert_items_changed (&params_changed, 0, 1, 0);
  g_assert_null (flows_app_find_param (app, "First"));
  /* Removing what is not there changes nothing. */
  flows_app_remove_param (app, stranger);
  g_assert_cmpuint (params_changed.count, ==, 0);

  flows_app_add_flow (app, flow_a);
  assert_items_changed (&flows_changed, 0, 0, 1);
  flows_app_add_flow (app, flow_b);
  assert_items_changed (&flows_changed, 1, 0, 1);
  g_assert_true (flows_app_find_flow (app, "B") == flow_b);
  flows_app_remove_flow (app, flow_b);
  assert_items_changed (&flows_changed, 1, 1, 0);
  flows_app_remove_flow (app, flow_b);
  g_assert_cmpuint (flows_changed.count, ==, 0);
  g_assert_cmpuint (params_changed.count, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (flows_app_get_flows (app)), ==, 1);

  g_signal_handlers_disconnect_by_data (flows_app_get_params (app), &params_changed);
  g_signal_handlers_disconnect_by_data (flows_app_get_flows (app), &flows_changed);
}

static void
test_list_flow_stages (void)
{
  g_autoptr(FlowsFlow) flow = flows_flow_new ("flow-1", "Flow");
  g_autoptr(FlowsStage) trigger = flows_stage_new ("s1", "trigger", FLOWS_STAGE_TYPE_TRIGGER, "Start");
  g_autoptr(FlowsStage) call = flows_stage_new ("s2", "call", FLOWS_STAGE_TYPE_CALL_API, "Call");
  g_autoptr(FlowsStage) done = flows_stage_new ("s3", "done", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE, "Done");
  ItemsChanged changed = { 0 };
  GListModel *stages = flows_flow_get_stages (flow);

  g_signal_connect (stages, "items-changed", G_CALLBACK (record_items_changed), &changed);
  g_assert_null (flows_flow_get_trigger (flow));

  flows_flow_add_stage (flow, call);
  assert_items_changed (&changed, 0, 0, 1);
  flows_flow_add_stage (flow, trigger);
  assert_items_changed (&changed, 1, 0, 1);
  flows_flow_add_stage (flow, done);
  assert_items_changed (&changed, 2, 0, 1);

  /* The Trigger is found wherever it sits in the list. */
  g_assert_true (flows_flow_get_trigger (flow) == trigger);

  flows_flow_remove_stage (flow, trigger);
  assert_items_changed (&changed, 1, 1, 0);
  g_assert_null (flows_flow_get_trigger (flow));
  g_assert_null (flows_flow_find_stage (flow, "s1"));
  flows_flow_remove_stage (flow, trigger);
  g_assert_cmpuint (changed.count, ==, 0);

  g_assert_cmpuint (g_list_model_get_n_items (stages), ==, 2);
  g_assert_true (flows_flow_find_stage (flow, "s3") == done);
  g_signal_handlers_disconnect_by_data (stages, &changed);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model/template/oauth/flows", test_oauth_flows);
  g_test_add_func ("/model/template/oauth/stages", test_oauth_stages);
  g_test_add_func ("/model/template/oauth/step1-settings", test_oauth_step1_settings);
  g_test_add_func ("/model/template/oauth/step2-settings", test_oauth_step2_settings);
  g_test_add_func ("/model/template/oauth/step3-settings", test_oauth_step3_settings);
  g_test_add_func ("/model/template/oauth/connection-test", test_oauth_connection_test);
  g_test_add_func ("/model/template/oauth/params", test_oauth_params);
  g_test_add_func ("/model/template/generic", test_generic);
  g_test_add_func ("/model/template/validate", test_templates_validate);
  g_test_add_func ("/model/template/fresh", test_templates_fresh);
  g_test_add_func ("/model/notify/app-name", test_notify_app_name);
  g_test_add_func ("/model/notify/param-sensitive", test_notify_param_sensitive);
  g_test_add_func ("/model/notify/stage-position", test_notify_stage_position);
  g_test_add_func ("/model/notify/stage-routes", test_notify_stage_routes);
  g_test_add_func ("/model/notify/connection-values", test_notify_connection_values);
  g_test_add_func ("/model/list/app-params-and-flows", test_list_app_params_and_flows);
  g_test_add_func ("/model/list/flow-stages", test_list_flow_stages);

  return g_test_run ();
}
