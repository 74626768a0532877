/* test-runner-connection.c — runs with a connection, its values and its secrets from the real
 * keyring, against a SoupServer on 127.0.0.1: a Generic App's Connection Test template, as
 * created and as in data/samples/todoist.json, passes with the right API key and fails with a
 * wrong one, and the key never shows in what the run gives people. Also 100 concurrent runs
 * on one runner.
 *
 * The keyring cases need the disposable keyring of build-aux/session (FLOWS_TEST_SECRET_SERVICE=1)
 * and skip without it, so that `meson test` on a desktop never writes into the user's keyring.
 */
#include "config.h"

#include <string.h>

#include "flows-app-templates.h"
#include "flows-document.h"
#include "flows-secrets.h"
#include "runner-helpers.h"
#include "test-session.h"

/* Has characters that mean something in URLs, forms and headers. */
#define API_KEY "k&y=#1"

/* A connection of @app with TestURL on @server and @key (NULL: none) as its ApiKey. */
static FlowsConnection *
connection_new (FlowsApp   *app,
                TestServer *server,
                const char *key)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *test_url = test_server_url (server, "/rest/v2/projects");
  FlowsConnection *connection = flows_connection_new (id, flows_app_get_id (app), "Test connection");
  g_autoptr(GError) error = NULL;

  flows_connection_set_value (connection, "TestURL", test_url);
  if (key != NULL)
    {
      flows_secrets_store_sync (flows_app_get_id (app), id, "ApiKey", key, NULL, &error);
      g_assert_no_error (error);
    }
  return connection;
}

/* What people see of @run holds no trace of @secret. */
static void
assert_nothing_shows (FlowsRun   *run,
                      const char *secret)
{
  g_autoptr(JsonNode) json = flows_run_to_json (run);
  g_autofree char *text = test_json_compact (json);
  g_autofree char *url_encoded = g_uri_escape_string (secret, NULL, FALSE);
  g_autofree char *json_escaped = g_strescape (secret, NULL);
  GPtrArray *trace = flows_run_get_trace (run);

  g_test_message ("%s", text);
  test_assert_not_contains (text, secret);
  test_assert_not_contains (text, url_encoded);
  test_assert_not_contains (text, json_escaped);
  test_assert_not_contains (flows_run_get_error_message (run), secret);
  test_assert_not_contains (flows_run_get_error_message (run), url_encoded);
  for (guint i = 0; i < trace->len; i++)
    {
      FlowsTraceEntry *entry = g_ptr_array_index (trace, i);

      test_assert_not_contains (entry->error, secret);
      test_assert_not_contains (entry->error, url_encoded);
    }
}

static FlowsRun *
run_connection_test (FlowsApp        *app,
                     FlowsConnection *connection)
{
  g_autoptr(FlowsRunner) runner = flows_runner_new ();
  FlowsFlow *flow = flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_CONNECTION_TEST);

  g_assert_nonnull (flow);
  return test_run (runner, app, flow, NULL, connection);
}

/* The template's Connection Test, unchanged: the right key passes, a wrong one fails with
 * the service's status. */
static void
check_connection_test (FlowsApp *app)
{
  g_autoptr(TestServer) server = test_server_new ();

  test_server_respond (server, "/rest/v2/projects", 200, "application/json", "[{\"id\":\"1\"}]", -1);
  test_server_require_bearer (server, "/rest/v2/projects", API_KEY);

  /* The right key. */
  {
    g_autoptr(FlowsConnection) connection = connection_new (app, server, API_KEY);
    g_autoptr(FlowsRun) run = run_connection_test (app, connection);
    TestRequest *request;
    g_autofree char *authorization = NULL;

    test_assert_succeeded (run);
    test_assert_trace (run, "trigger>success test>success");
    g_assert_cmpuint (flows_run_get_http_status (run), ==, 200);
    request = test_server_single (server);
    g_assert_cmpstr (request->method, ==, "GET");
    g_assert_cmpstr (request->path, ==, "/rest/v2/projects");
    g_assert_cmpstr (soup_message_headers_get_one (request->headers, "Authorization"), ==, "Bearer " API_KEY);

    /* The trace shows the header, with the key as •••. */
    authorization = test_entry_setting (test_trace_entry (run, "test", 0), "headers.Authorization");
    g_assert_cmpstr (authorization, ==, "Bearer •••");
    assert_nothing_shows (run, API_KEY);
    test_clear_connection_secrets (flows_app_get_id (app), flows_connection_get_id (connection));
  }

  /* A wrong key: the server's 401 is in the message. */
  {
    g_autoptr(FlowsConnection) connection = connection_new (app, server, "wrong&key=#2");
    g_autoptr(FlowsRun) run = run_connection_test (app, connection);
    g_autofree char *url = test_server_url (server, "/rest/v2/projects");
    g_autofree char *expected = g_strdup_printf ("HTTP 401 Unauthorized from GET %s: {\"error\":\"invalid token\"}", url);

    g_assert_false (flows_run_get_succeeded (run));
    g_assert_cmpstr (flows_run_get_failed_stage_name (run), ==, "Call the test endpoint");
    g_assert_cmpstr (flows_run_get_error_message (run), ==, expected);
    g_assert_cmpuint (flows_run_get_http_status (run), ==, 401);
    g_assert_cmpstr (soup_message_headers_get_one (test_server_request (server, 1)->headers, "Authorization"), ==,
                     "Bearer wrong&key=#2");
    assert_nothing_shows (run, "wrong&key=#2");
    test_clear_connection_secrets (flows_app_get_id (app), flows_connection_get_id (connection));
  }

  /* No key stored: the stage says what is missing, and nothing is sent. */
  {
    g_autoptr(FlowsConnection) connection = connection_new (app, server, NULL);
    g_autoptr(FlowsRun) run = run_connection_test (app, connection);

    g_assert_false (flows_run_get_succeeded (run));
    g_assert_cmpstr (flows_run_get_failed_stage_name (run), ==, "Call the test endpoint");
    g_assert_cmpstr (flows_run_get_error_message (run), ==, "headers[0].value: <ApiKey> resolves to nothing");
    g_assert_cmpuint (test_server_n_requests (server), ==, 2);
  }
}

static void
test_generic_template (void)
{
  g_autoptr(FlowsApp) app = NULL;

  if (!test_need_keyring ())
    return;
  app = flows_app_new_from_template ("Generic service", FLOWS_CONNECTION_TYPE_GENERIC);
  check_connection_test (app);
}

static void
test_todoist_sample (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "samples", "todoist.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlowsApp) app = NULL;

  if (!test_need_keyring ())
    return;
  app = flows_document_load_app (file, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (flows_app_get_id (app), ==, "todoist-sample");
  check_connection_test (app);
}

/* A sensitive value in a URL is percent-encoded there: it is redacted in that form too. */
static void
test_secret_in_query (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = NULL;
  g_autoptr(FlowsConnection) connection = NULL;
  g_autoptr(FlowsRunner) runner = flows_runner_new ();
  g_autoptr(FlowsRun) run = NULL;
  FlowsFlow *flow;
  FlowsStage *trigger;
  FlowsStage *call;
  g_autofree char *url = NULL;

  if (!test_need_keyring ())
    return;

  app = test_app_new ();
  test_app_add_param (app, "ApiKey", TRUE, NULL);
  test_app_add_param (app, "TestURL", FALSE, NULL);
  flow = test_flow_add (app, "query-key");
  trigger = test_trigger_add (flow, NULL);
  call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                         "{'method':'POST','uriBase':'<TestURL>','uriPath':'',"
                         "'query':[{'name':'key','value':'<ApiKey>'}],"
                         "'body':{'kind':'form','fields':[{'name':'key','value':'<ApiKey>'}]}}");
  test_route (trigger, "success", call);
  test_server_respond (server, "/rest/v2/projects", 403, "text/plain", "no", -1);

  connection = connection_new (app, server, API_KEY);
  run = test_run (runner, app, flow, NULL, connection);
  g_assert_cmpstr (test_server_single (server)->query, ==, "key=k%26y%3D%231");
  test_assert_failed (run, "call", "HTTP 403 Forbidden", NULL);

  url = test_entry_setting (test_trace_entry (run, "call", 0), "url");
  test_assert_contains (url, "key=•••");
  assert_nothing_shows (run, API_KEY);
  /* The form-encoded body too. */
  test_assert_not_contains (test_trace_entry (run, "call", 0)->error, "k%26y%3D%231");
  {
    g_autoptr(JsonNode) json = flows_run_to_json (run);
    g_autofree char *text = test_json_compact (json);

    test_assert_not_contains (text, "k%26y%3D%231");
  }
  test_clear_connection_secrets (flows_app_get_id (app), flows_connection_get_id (connection));
}

/* Concurrency ------------------------------------------------------------------------------ */

#define N_CONCURRENT 100

typedef struct
{
  TestServer *server;
  guint       in_flight;
  guint       max_in_flight;
} Echo;

typedef struct
{
  Echo              *echo;
  SoupServerMessage *msg;
} Reply;

static gboolean
send_reply (gpointer user_data)
{
  Reply *reply = user_data;

  reply->echo->in_flight--;
  soup_server_message_unpause (reply->msg);
  g_object_unref (reply->msg);
  g_free (reply);
  return G_SOURCE_REMOVE;
}

/* Answers each request 20 ms later with what it received: its query and its body. */
static void
echo_later (TestServer        *server,
            SoupServerMessage *msg,
            TestRequest       *request,
            gpointer           user_data)
{
  Echo *echo = user_data;
  Reply *reply = g_new0 (Reply, 1);
  g_autoptr(GHashTable) query = soup_form_decode (request->query);
  g_autofree char *body = test_request_body_text (request);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "n");
  json_builder_add_string_value (builder, g_hash_table_lookup (query, "n"));
  json_builder_set_member_name (builder, "body");
  json_builder_add_string_value (builder, body);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);

  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, text, strlen (text));
  soup_server_message_pause (msg);

  echo->in_flight++;
  echo->max_in_flight = MAX (echo->max_in_flight, echo->in_flight);
  reply->echo = echo;
  reply->msg = g_object_ref (msg);
  g_timeout_add (20, send_reply, reply);
}

typedef struct
{
  guint     *n_done;
  FlowsRun  *run;
  GError    *error;
} Pending;

static void
on_concurrent_done (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Pending *pending = user_data;

  pending->run = flows_runner_run_finish (FLOWS_RUNNER (source), result, &pending->error);
  (*pending->n_done)++;
}

static gboolean
all_done (gpointer user_data)
{
  return *(guint *)user_data == N_CONCURRENT;
}

static void
test_concurrent_runs (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsRunner) runner = flows_runner_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  FlowsFlow *flow = test_flow_add (app, "echo");
  FlowsStage *trigger = test_trigger_add (flow, "n", "name", NULL);
  FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'POST','uriBase':'%s','uriPath':'echo',"
                                     "'query':[{'name':'n','value':'<n>'}],"
                                     "'body':{'kind':'json','fields':[{'name':'name','value':'<name>'},"
                                     "{'name':'n','value':'<n>','type':'number'}]}}", server->url);
  FlowsStage *response = test_stage_add (flow, "response", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE,
                                         "{'fields':[{'name':'n','value':'<call.body.n>','mode':'fixed'},"
                                         "{'name':'sent','value':'<call.body.body>','mode':'fixed'}]}");
  Pending pending[N_CONCURRENT];
  Echo echo = { server, 0, 0 };
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n_done = 0;

  test_server_handle (server, "/echo", echo_later, &echo);
  test_route (trigger, "success", call);
  test_route (call, "success", response);

  for (guint i = 0; i < N_CONCURRENT; i++)
    {
      g_autofree char *n = g_strdup_printf ("%u", i);
      g_autofree char *name = g_strdup_printf ("run #%u & \"friends\"", i);
      g_autoptr(GHashTable) inputs = test_inputs_new ("n", n, "name", name, NULL);

      pending[i] = (Pending) { &n_done, NULL, NULL };
      flows_runner_run_async (runner, app, flow, inputs, NULL, NULL, NULL, on_concurrent_done, &pending[i]);
    }
  test_wait_for (all_done, &n_done, 30000);

  for (guint i = 0; i < N_CONCURRENT; i++)
    {
      g_autofree char *n = g_strdup_printf ("%u", i);
      g_autofree char *sent = g_strdup_printf ("{\"name\":\"run #%u & \\\"friends\\\"\",\"n\":%u}", i, i);

      g_assert_no_error (pending[i].error);
      g_assert_nonnull (pending[i].run);
      test_assert_succeeded (pending[i].run);
      g_assert_cmpstr (json_object_get_string_member (flows_run_get_response (pending[i].run), "n"), ==, n);
      g_assert_cmpstr (json_object_get_string_member (flows_run_get_response (pending[i].run), "sent"), ==, sent);
      test_assert_trace (pending[i].run, "trigger>success call>success response>success");
      g_clear_object (&pending[i].run);
    }

  /* Every request came once, and they were answered while others waited. */
  g_assert_cmpuint (test_server_n_requests (server), ==, N_CONCURRENT);
  for (guint i = 0; i < N_CONCURRENT; i++)
    g_assert_true (g_hash_table_add (seen, g_strdup (test_server_request (server, i)->query)));
  g_test_message ("at most %u requests in flight", echo.max_in_flight);
  g_assert_cmpuint (echo.max_in_flight, >=, 10);
  g_assert_cmpuint (echo.in_flight, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/connection/generic-template", test_generic_template);
  g_test_add_func ("/engine/connection/todoist-sample", test_todoist_sample);
  g_test_add_func ("/engine/connection/secret-in-query", test_secret_in_query);
  g_test_add_func ("/engine/concurrency/100-runs", test_concurrent_runs);

  return g_test_run ();
}
