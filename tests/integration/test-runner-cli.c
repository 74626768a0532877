/* test-runner-cli.c — flows-cli run and test end to end: the binary ($FLOWS_CLI, set by
 * tests/meson.build) runs as a subprocess on a library in a temporary directory, against a
 * SoupServer on 127.0.0.1 inside this process (the main loop keeps serving while the command
 * runs). Checks what it prints, its exit status, and what `test` stores in the connection file.
 *
 * The cases with an API key need the disposable keyring of build-aux/session
 * (FLOWS_TEST_SECRET_SERVICE=1) and skip without it.
 */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "flows-app-templates.h"
#include "flows-document.h"
#include "flows-expression.h"
#include "flows-library.h"
#include "flows-oauth.h"
#include "flows-secrets.h"
#include "runner-helpers.h"
#include "test-cli.h"
#include "test-files.h"
#include "test-session.h"

#define API_KEY "k&y=#1"

/* Running flows-cli -------------------------------------------------------------------------- */

/* No command of these tests takes this long; a hang fails instead of blocking. */
#define CLI_TIMEOUT_MS 60000

/* flows-cli with the arguments while this process's main loop serves. */
#define CLI(...) test_cli_exec ((const char * const []) { __VA_ARGS__, NULL }, NULL, NULL, CLI_TIMEOUT_MS)

/* A library in a temporary directory -------------------------------------------------------- */

typedef struct
{
  char         *dir;
  FlowsLibrary *library;
} Library;

static Library *
library_new (void)
{
  Library *library = g_new0 (Library, 1);

  library->library = test_library_new_temp ("flows-test-engine-cli-XXXXXX", &library->dir);
  return library;
}

static void
library_free (Library *library)
{
  test_library_remove_temp (&library->library, &library->dir);
  g_free (library);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Library, library_free)

/* `run` ------------------------------------------------------------------------------------ */

static void
greet (TestServer        *server,
       SoupServerMessage *msg,
       TestRequest       *request,
       gpointer           user_data)
{
  g_autoptr(GHashTable) query = soup_form_decode (request->query != NULL ? request->query : "");
  const char *name = g_hash_table_lookup (query, "name");
  g_autofree char *text = NULL;

  if (g_strcmp0 (name, "fail") == 0)
    {
      soup_server_message_set_status (msg, 500, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "boom", 4);
      return;
    }
  text = g_strdup_printf ("{\"greeting\":\"Hello, %s!\"}", name);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, text, strlen (text));
}

/* An App "Echo App" with a flow "Echo": Trigger (name) → Call API → Add To Response. */
static void
add_echo_app (Library    *library,
              TestServer *server)
{
  g_autoptr(FlowsApp) app = flows_app_new ("echo-app", "Echo App", FLOWS_CONNECTION_TYPE_GENERIC);
  g_autoptr(GError) error = NULL;
  FlowsFlow *flow = test_flow_add (app, "Echo");
  FlowsStage *trigger = test_stage_add (flow, "trigger", FLOWS_STAGE_TYPE_TRIGGER,
                                        "{'inputs':[{'name':'name','required':true,'default':'','sample':''}]}");
  FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'GET','uriBase':'%s','uriPath':'hello','query':[{'name':'name','value':'<name>'}]}",
                                     server->url);
  FlowsStage *response = test_stage_add (flow, "response", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE,
                                         "{'fields':[{'name':'greeting','value':'<call.body.greeting>','mode':'fixed'},"
                                         "{'name':'status','value':'<call.status>','mode':'fixed'}]}");

  flows_flow_set_visibility (flow, FLOWS_FLOW_VISIBILITY_PUBLIC);
  test_route (trigger, "success", call);
  test_route (call, "success", response);
  flows_library_add_app (library->library, app, &error);
  g_assert_no_error (error);
  test_server_handle (server, "/hello", greet, NULL);
}

static void
test_cli_run (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(Library) library = library_new ();
  g_autoptr(TestCli) cli = NULL;
  g_autofree char *url_line = NULL;

  add_echo_app (library, server);
  cli = CLI ("run", "Echo App", "Echo", "--input", "name=Ada Lovelace", "--data-dir", library->dir);

  g_assert_cmpint (cli->status, ==, 0);
  g_assert_cmpstr (cli->err, ==, "");
  g_assert_true (g_str_has_prefix (cli->out, "Response:\n  greeting: Hello, Ada Lovelace!\n  status: 200\nTrace:\n"));
  /* One line per stage: number, name, type, route; below a call, its request and status. */
  test_assert_contains (cli->out, "\n  1. trigger stage ");
  test_assert_contains (cli->out, " trigger ");
  test_assert_contains (cli->out, "\n  2. call stage ");
  test_assert_contains (cli->out, " call-api ");
  test_assert_contains (cli->out, "\n  3. response stage ");
  test_assert_contains (cli->out, " add-to-response ");
  url_line = g_strdup_printf ("\n       GET %s/hello?name=Ada%%20Lovelace\n       HTTP 200 OK, application/json\n", server->url);
  test_assert_contains (cli->out, url_line);
  g_assert_cmpuint (test_server_n_requests (server), ==, 1);
  g_assert_cmpstr (test_server_single (server)->query, ==, "name=Ada%20Lovelace");
}

static void
test_cli_run_json (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(Library) library = library_new ();
  g_autoptr(TestCli) cli = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *expected_url = NULL;
  JsonObject *run;
  JsonArray *trace;

  add_echo_app (library, server);
  cli = CLI ("run", "echo-app", "flow-Echo", "--input", "name=Ada", "--json", "--data-dir", library->dir);
  g_assert_cmpint (cli->status, ==, 0);
  g_assert_cmpstr (cli->err, ==, "");

  root = json_from_string (cli->out, &error);
  g_assert_no_error (error);
  run = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (run, "flow"), ==, "Echo");
  g_assert_true (json_object_get_boolean_member (run, "succeeded"));
  g_assert_true (json_object_get_null_member (run, "error"));
  g_assert_cmpint (json_object_get_int_member (run, "httpStatus"), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (run, "response"), "greeting"), ==, "Hello, Ada!");
  trace = json_object_get_array_member (run, "trace");
  g_assert_cmpuint (json_array_get_length (trace), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (trace, 1), "stageName"), ==, "call stage");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (trace, 1), "route"), ==, "success");
  url = test_json_text (json_object_get_member (json_array_get_object_element (trace, 1), "settings"), "url");
  expected_url = g_strdup_printf ("%s/hello?name=Ada", server->url);
  g_assert_cmpstr (url, ==, expected_url);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (json_array_get_object_element (trace, 1), "outputs"), "status"), ==, 200);
}

static void
test_cli_run_fails (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(Library) library = library_new ();
  g_autofree char *expected_err = NULL;

  add_echo_app (library, server);
  expected_err = g_strdup_printf ("flows-cli: “Echo” failed at stage “call stage”: HTTP 500 Internal Server Error "
                                  "from GET %s/hello?name=fail: boom\n", server->url);

  /* Readable: the trace, then the failure on stderr. */
  {
    g_autoptr(TestCli) cli = CLI ("run", "Echo App", "Echo", "--input", "name=fail", "--data-dir", library->dir);

    g_assert_cmpint (cli->status, ==, 1);
    g_assert_cmpstr (cli->err, ==, expected_err);
    g_assert_true (g_str_has_prefix (cli->out, "Response:\n  (no fields)\nTrace:\n"));
    test_assert_contains (cli->out, "HTTP 500 Internal Server Error, text/plain\n");
    test_assert_contains (cli->out, "Error: HTTP 500 Internal Server Error from GET ");
    test_assert_not_contains (cli->out, "response stage");
  }
  /* JSON: the same run, as data. */
  {
    g_autoptr(TestCli) cli = CLI ("run", "Echo App", "Echo", "--input", "name=fail", "--json", "--data-dir", library->dir);
    g_autoptr(JsonNode) root = NULL;
    g_autoptr(GError) error = NULL;
    JsonObject *run;

    g_assert_cmpint (cli->status, ==, 1);
    g_assert_cmpstr (cli->err, ==, expected_err);
    root = json_from_string (cli->out, &error);
    g_assert_no_error (error);
    run = json_node_get_object (root);
    g_assert_false (json_object_get_boolean_member (run, "succeeded"));
    g_assert_cmpstr (json_object_get_string_member (run, "failedStage"), ==, "call stage");
    g_assert_cmpint (json_object_get_int_member (run, "httpStatus"), ==, 500);
    test_assert_contains (json_object_get_string_member (run, "error"), "HTTP 500 Internal Server Error");
  }
  /* A required input not given: the Trigger is named. */
  {
    g_autoptr(TestCli) cli = CLI ("run", "Echo App", "Echo", "--data-dir", library->dir);

    g_assert_cmpint (cli->status, ==, 1);
    g_assert_cmpstr (cli->err, ==, "flows-cli: “Echo” failed at stage “trigger stage”: The required input “name” has no value\n");
  }
  g_assert_cmpuint (test_server_n_requests (server), ==, 2);
}

/* `test` ----------------------------------------------------------------------------------- */

/* A Generic App from the template and a connection of it whose ApiKey is @key; returns the
 * connection id. */
static char *
add_generic_connection (Library    *library,
                        TestServer *server,
                        const char *key,
                        char      **app_id)
{
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Generic service", FLOWS_CONNECTION_TYPE_GENERIC);
  g_autofree char *connection_id = g_uuid_string_random ();
  g_autoptr(FlowsConnection) connection = flows_connection_new (connection_id, flows_app_get_id (app), "Mine");
  g_autofree char *test_url = test_server_url (server, "/me");
  g_autoptr(GError) error = NULL;

  flows_library_add_app (library->library, app, &error);
  g_assert_no_error (error);
  flows_connection_set_value (connection, "TestURL", test_url);
  flows_library_add_connection (library->library, connection, &error);
  g_assert_no_error (error);
  flows_secrets_store_sync (flows_app_get_id (app), connection_id, "ApiKey", key, NULL, &error);
  g_assert_no_error (error);

  test_server_respond (server, "/me", 200, "application/json", "[]", -1);
  test_server_require_bearer (server, "/me", API_KEY);
  *app_id = g_strdup (flows_app_get_id (app));
  return g_steal_pointer (&connection_id);
}

static FlowsConnection *
load_connection (Library    *library,
                 const char *connection_id)
{
  g_autofree char *basename = g_strconcat (connection_id, ".json", NULL);
  g_autofree char *path = g_build_filename (library->dir, "connections", basename, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  FlowsConnection *connection = flows_document_load_connection (file, &error);

  g_assert_no_error (error);
  return connection;
}

static void
test_cli_test_pass (void)
{
  g_autoptr(TestServer) server = NULL;
  g_autoptr(Library) library = NULL;
  g_autoptr(TestCli) cli = NULL;
  g_autoptr(FlowsConnection) connection = NULL;
  g_autofree char *connection_id = NULL;
  g_autofree char *app_id = NULL;
  g_auto(GStrv) lines = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (!test_need_keyring ())
    return;
  server = test_server_new ();
  library = library_new ();
  connection_id = add_generic_connection (library, server, API_KEY, &app_id);

  cli = CLI ("test", connection_id, "--data-dir", library->dir);
  g_assert_cmpint (cli->status, ==, 0);
  g_assert_cmpstr (cli->err, ==, "");
  lines = g_strsplit (cli->out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);
  g_assert_cmpstr (lines[0], ==, "PASS");
  g_assert_cmpstr (lines[1], ==, "HTTP status: 200");
  g_assert_true (g_str_has_prefix (lines[2], "Duration: "));
  g_assert_true (g_str_has_suffix (lines[2], " ms") || g_str_has_suffix (lines[2], " s"));
  g_assert_cmpstr (lines[3], ==, "Message: The Connection Test flow ended on a success route.");
  g_assert_cmpstr (lines[4], ==, "");
  g_assert_cmpstr (soup_message_headers_get_one (test_server_single (server)->headers, "Authorization"), ==,
                   "Bearer " API_KEY);

  /* The result is stored with the connection. */
  connection = load_connection (library, connection_id);
  g_assert_true (flows_connection_get_last_test_passed (connection));
  g_assert_cmpuint (flows_connection_get_last_test_status (connection), ==, 200);
  g_assert_cmpstr (flows_connection_get_last_test_message (connection), ==,
                   "The Connection Test flow ended on a success route.");
  g_assert_cmpint (flows_connection_get_last_test_time (connection), >=, now);
  g_assert_cmpint (flows_connection_get_last_test_time (connection), <=, now + 60);

  /* The key is in no output and no file. */
  test_assert_not_contains (cli->out, API_KEY);
  g_assert_false (test_tree_contains (library->dir, API_KEY));

  /* `run` of the same flow with the connection shows the key as •••. */
  {
    g_autoptr(TestCli) run = CLI ("run", app_id, "Connection Test", "--connection", connection_id, "--json",
                              "--data-dir", library->dir);

    g_assert_cmpint (run->status, ==, 0);
    test_assert_contains (run->out, "\"Authorization\" : \"Bearer •••\"");
    test_assert_not_contains (run->out, API_KEY);
  }
  test_clear_connection_secrets (app_id, connection_id);
}

static void
test_cli_test_fail (void)
{
  g_autoptr(TestServer) server = NULL;
  g_autoptr(Library) library = NULL;
  g_autoptr(TestCli) cli = NULL;
  g_autoptr(FlowsConnection) connection = NULL;
  g_autofree char *connection_id = NULL;
  g_autofree char *app_id = NULL;
  g_autofree char *message = NULL;
  g_autofree char *message_line = NULL;
  g_auto(GStrv) lines = NULL;

  if (!test_need_keyring ())
    return;
  server = test_server_new ();
  library = library_new ();
  connection_id = add_generic_connection (library, server, "wrong&key=#2", &app_id);

  cli = CLI ("test", connection_id, "--data-dir", library->dir);
  g_assert_cmpint (cli->status, ==, 1);
  g_assert_cmpstr (cli->err, ==, "");
  message = g_strdup_printf ("Stage “Call the test endpoint”: HTTP 401 Unauthorized from GET %s/me: {\"error\":\"invalid token\"}",
                             server->url);
  message_line = g_strconcat ("Message: ", message, NULL);
  lines = g_strsplit (cli->out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);
  g_assert_cmpstr (lines[0], ==, "FAIL");
  g_assert_cmpstr (lines[1], ==, "HTTP status: 401");
  g_assert_true (g_str_has_prefix (lines[2], "Duration: "));
  g_assert_cmpstr (lines[3], ==, message_line);

  connection = load_connection (library, connection_id);
  g_assert_false (flows_connection_get_last_test_passed (connection));
  g_assert_cmpuint (flows_connection_get_last_test_status (connection), ==, 401);
  g_assert_cmpstr (flows_connection_get_last_test_message (connection), ==, message);
  g_assert_cmpint (flows_connection_get_last_test_time (connection), >, 0);

  test_assert_not_contains (cli->out, "wrong&key=#2");
  g_assert_false (test_tree_contains (library->dir, "wrong&key=#2"));
  test_clear_connection_secrets (app_id, connection_id);
}

/* A service that is not there: FAIL without an HTTP status. */
static void
test_cli_test_unreachable (void)
{
  g_autoptr(TestServer) server = NULL;
  g_autoptr(Library) library = NULL;
  g_autoptr(TestCli) cli = NULL;
  g_autoptr(FlowsConnection) connection = NULL;
  g_autofree char *connection_id = NULL;
  g_autofree char *app_id = NULL;
  g_autofree char *refused_url = NULL;
  g_auto(GStrv) lines = NULL;
  FlowsConnection *stored;
  guint port;

  if (!test_need_keyring ())
    return;
  server = test_server_new ();
  library = library_new ();
  connection_id = add_generic_connection (library, server, API_KEY, &app_id);
  port = test_closed_port ();
  refused_url = g_strdup_printf ("http://127.0.0.1:%u/me", port);
  stored = flows_library_find_connection (library->library, connection_id);
  flows_connection_set_value (stored, "TestURL", refused_url);
  g_assert_true (flows_library_save_connection (library->library, stored, NULL));

  cli = CLI ("test", connection_id, "--data-dir", library->dir);
  g_assert_cmpint (cli->status, ==, 1);
  lines = g_strsplit (cli->out, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "FAIL");
  g_assert_cmpstr (lines[1], ==, "HTTP status: none (no request was made)");
  test_assert_contains (lines[3], "refused the connection");

  connection = load_connection (library, connection_id);
  g_assert_false (flows_connection_get_last_test_passed (connection));
  g_assert_cmpuint (flows_connection_get_last_test_status (connection), ==, 0);
  test_clear_connection_secrets (app_id, connection_id);
}

/* OAuth connections ------------------------------------------------------------------------- */

#define ACCESS_TOKEN "at-1/&x=#"
#define REFRESH_TOKEN "rt-1/&x=#"
#define CLIENT_SECRET "s3cr:t%+ é"

/* An OAuth App from the template whose endpoints are @server's: /authorize, /token and /me. */
static FlowsApp *
oauth_app_new (TestServer *server)
{
  FlowsApp *app = flows_app_new_from_template ("Provider", FLOWS_CONNECTION_TYPE_OAUTH);
  static const char * const endpoints[][2] = {
    { "AuthURL", "/authorize" }, { "TokenURL", "/token" }, { "TestURL", "/me" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (endpoints); i++)
    {
      g_autofree char *url = test_server_url (server, endpoints[i][1]);

      flows_param_set_default (flows_app_find_param (app, endpoints[i][0]), url);
    }
  flows_param_set_default (flows_app_find_param (app, "ClientID"), "client:id");
  return app;
}

/* Adds @app to the library with a connection signed in (its tokens and client secret in the
 * keyring; no refresh token unless @refresh_token), and returns the connection's id. */
static char *
add_signed_in_connection (Library    *library,
                          FlowsApp   *app,
                          const char *refresh_token)
{
  g_autofree char *connection_id = g_uuid_string_random ();
  g_autoptr(FlowsConnection) connection = flows_connection_new (connection_id, flows_app_get_id (app), "Mine");
  g_autoptr(GError) error = NULL;
  const char *app_id = flows_app_get_id (app);

  flows_library_add_app (library->library, app, &error);
  g_assert_no_error (error);
  flows_connection_set_signed_in (connection, TRUE);
  flows_connection_set_token_expires_at (connection, g_get_real_time () / G_USEC_PER_SEC + 3600);
  flows_library_add_connection (library->library, connection, &error);
  g_assert_no_error (error);
  flows_secrets_store_sync (app_id, connection_id, "ClientSecret", CLIENT_SECRET, NULL, &error);
  g_assert_no_error (error);
  flows_secrets_store_sync (app_id, connection_id, FLOWS_SECRETS_ACCESS_TOKEN_KEY, ACCESS_TOKEN, NULL, &error);
  g_assert_no_error (error);
  if (refresh_token != NULL)
    {
      flows_secrets_store_sync (app_id, connection_id, FLOWS_SECRETS_REFRESH_TOKEN_KEY, refresh_token, NULL, &error);
      g_assert_no_error (error);
    }
  return g_steal_pointer (&connection_id);
}

/* Between @stage's success route and where it led, a Route Flow on <STAGE.body.error> whose
 * pass route ends with an End With Error of @end_settings (single-quoted JSON). */
static void
end_with_error_on_body_error (FlowsFlow  *flow,
                              const char *stage_key,
                              const char *end_settings)
{
  FlowsStage *stage = flows_flow_find_stage_by_key (flow, stage_key);
  FlowsStage *next = flows_flow_find_stage (flow, flows_stage_get_route (stage, "success"));
  FlowsStage *check = test_stage_add (flow, "check", FLOWS_STAGE_TYPE_ROUTE_FLOW,
                                      "{'match':'all','conditions':[{'field':'<%s.body.error>','comparator':'IsNotEmpty','value':''}]}",
                                      stage_key);
  FlowsStage *end = test_stage_add (flow, "end", FLOWS_STAGE_TYPE_END_WITH_ERROR, "%s", end_settings);

  test_route (stage, "success", check);
  test_route (check, "pass", end);
  if (next != NULL)
    test_route (check, "fail", next);
}

/* A Connection Test that ends on End With Error FAILs with its message alone: a Slack-like
 * service answers HTTP 200 with {"ok":false,"error":…}. */
static void
test_cli_test_end_with_error (void)
{
  g_autoptr(TestServer) server = NULL;
  g_autoptr(Library) library = NULL;
  g_autoptr(TestCli) cli = NULL;
  g_autoptr(FlowsConnection) connection = NULL;
  g_autoptr(FlowsApp) app = NULL;
  g_autofree char *connection_id = NULL;
  g_auto(GStrv) lines = NULL;
  FlowsFlow *test_flow;

  if (!test_need_keyring ())
    return;
  server = test_server_new ();
  library = library_new ();
  app = oauth_app_new (server);
  test_flow = flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_CONNECTION_TEST);
  end_with_error_on_body_error (test_flow, "test",
                                "{'message':'Slack refused the token (<test.body.warning>)','code':'<test.body.error>','needsSignIn':false}");
  connection_id = add_signed_in_connection (library, app, REFRESH_TOKEN);
  test_server_respond (server, "/me", 200, "application/json", "{\"ok\":false,\"error\":\"invalid_auth\"}", -1);

  cli = CLI ("test", connection_id, "--data-dir", library->dir);
  g_assert_cmpint (cli->status, ==, 1);
  lines = g_strsplit (cli->out, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "FAIL");
  g_assert_cmpstr (lines[1], ==, "HTTP status: 200");
  g_assert_cmpstr (lines[3], ==, "Message: invalid_auth: Slack refused the token ()");
  connection = load_connection (library, connection_id);
  g_assert_false (flows_connection_get_last_test_passed (connection));
  g_assert_cmpstr (flows_connection_get_last_test_message (connection), ==, "invalid_auth: Slack refused the token ()");
  g_assert_cmpstr (soup_message_headers_get_one (test_server_single (server)->headers, "Authorization"), ==,
                   "Bearer " ACCESS_TOKEN);
  test_clear_connection_secrets (flows_app_get_id (app), connection_id);
}

/* A Step 3 that ends on End With Error with "needsSignIn" marks the connection as needing
 * sign-in with its message, as a refused invalid_grant does: GitHub's bad_refresh_token comes
 * in an HTTP 200 body. */
static void
test_cli_refresh_end_with_error (void)
{
  g_autoptr(TestServer) server = NULL;
  g_autoptr(Library) library = NULL;
  g_autoptr(TestCli) cli = NULL;
  g_autoptr(FlowsConnection) connection = NULL;
  g_autoptr(FlowsApp) app = NULL;
  g_autofree char *connection_id = NULL;
  static const char message[] = "bad_refresh_token: The refresh token passed is incorrect or expired.";

  if (!test_need_keyring ())
    return;
  server = test_server_new ();
  library = library_new ();
  app = oauth_app_new (server);
  end_with_error_on_body_error (flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_OAUTH_REFRESH), "refresh",
                                "{'message':'<refresh.body.error_description>','code':'<refresh.body.error>','needsSignIn':true}");
  connection_id = add_signed_in_connection (library, app, REFRESH_TOKEN);
  test_server_respond (server, "/token", 200, "application/json",
                       "{\"error\":\"bad_refresh_token\",\"error_description\":\"The refresh token passed is incorrect or expired.\"}", -1);

  cli = CLI ("refresh", connection_id, "--data-dir", library->dir);
  g_assert_cmpint (cli->status, ==, 1);
  test_assert_contains (cli->err, message);
  connection = load_connection (library, connection_id);
  g_assert_cmpstr (flows_connection_get_needs_sign_in (connection), ==, message);
  test_assert_not_contains (cli->err, REFRESH_TOKEN);
  g_assert_false (test_tree_contains (library->dir, REFRESH_TOKEN));
  test_clear_connection_secrets (flows_app_get_id (app), connection_id);
}

/* A Step 2 that ends on End With Error fails the sign-in with its message alone: what the
 * window and `flows-cli sign-in` show (both read the error of flows_oauth_store_tokens). */
static void
test_step2_end_with_error (void)
{
  g_autoptr(TestServer) server = NULL;
  g_autoptr(Library) library = NULL;
  g_autoptr(FlowsApp) app = NULL;
  g_autoptr(FlowsRunner) runner = flows_runner_new ();
  g_autoptr(FlowsRun) run = NULL;
  g_autoptr(GHashTable) inputs = NULL;
  g_autoptr(GHashTable) builtins = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *connection_id = NULL;
  g_autofree char *token = NULL;
  g_auto(TestAsync) ran = { NULL };
  g_auto(TestAsync) stored = { NULL };
  FlowsConnection *connection;
  FlowsFlow *exchange;

  if (!test_need_keyring ())
    return;
  server = test_server_new ();
  library = library_new ();
  app = oauth_app_new (server);
  exchange = flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_OAUTH_EXCHANGE);
  end_with_error_on_body_error (exchange, "exchange",
                                "{'message':'<exchange.body.error_description>','code':'<exchange.body.error>','needsSignIn':false}");
  connection_id = add_signed_in_connection (library, app, NULL);
  connection = flows_library_find_connection (library->library, connection_id);
  test_server_respond (server, "/token", 200, "application/x-www-form-urlencoded",
                       "error=bad_verification_code&error_description=The+code+passed+is+incorrect+or+expired.", -1);

  inputs = test_inputs_new ("code", "c0de", "state", "st4te", NULL);
  builtins = test_inputs_new (FLOWS_BUILTIN_CODE_VERIFIER, "v3rifier", NULL);
  flows_runner_run_async (runner, app, exchange, inputs, connection, builtins, NULL, test_async_ready, &ran);
  run = flows_runner_run_finish (runner, test_async_wait (&ran, CLI_TIMEOUT_MS), &error);
  g_assert_no_error (error);
  flows_oauth_store_tokens_async (app, connection, library->library, run, NULL, test_async_ready, &stored);
  token = flows_oauth_store_tokens_finish (test_async_wait (&stored, CLI_TIMEOUT_MS), &error);
  g_assert_null (token);
  g_assert_error (error, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_PROVIDER);
  g_assert_cmpstr (error->message, ==, "bad_verification_code: The code passed is incorrect or expired.");
  test_clear_connection_secrets (flows_app_get_id (app), connection_id);
}

/* Values kept from the token reply: Step 3 returns instance_url (kept in the connection's
 * file) and team_secret (sensitive: in the keyring), which a later flow references as
 * parameters; a refresh reply that leaves them out keeps them. */
static void
test_cli_refresh_keeps_sign_in_values (void)
{
  g_autoptr(TestServer) server = NULL;
  g_autoptr(Library) library = NULL;
  g_autoptr(FlowsApp) app = NULL;
  g_autoptr(FlowsParam) instance_url = flows_param_new ("instance_url", "Instance", FLOWS_PARAM_KIND_URL);
  g_autoptr(FlowsParam) team_secret = flows_param_new ("team_secret", "Team secret", FLOWS_PARAM_KIND_TEXT);
  g_autoptr(JsonObject) response_settings = NULL;
  g_autofree char *connection_id = NULL;
  g_autofree char *instance = NULL;
  g_autofree char *reply = NULL;
  g_autofree char *kept_secret = NULL;
  FlowsFlow *refresh, *test_flow;
  FlowsStage *test_stage;

  if (!test_need_keyring ())
    return;
  server = test_server_new ();
  library = library_new ();
  app = oauth_app_new (server);
  flows_param_set_from_sign_in (instance_url, TRUE);
  flows_param_set_from_sign_in (team_secret, TRUE);
  flows_param_set_sensitive (team_secret, TRUE);
  flows_app_add_param (app, instance_url);
  flows_app_add_param (app, team_secret);
  refresh = flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_OAUTH_REFRESH);
  response_settings = test_parse_settings ("{'fields':["
                                           "{'name':'access_token','value':'<refresh.body.access_token>','mode':'fixed'},"
                                           "{'name':'instance_url','value':'<refresh.body.instance_url>','mode':'fixed','optional':true},"
                                           "{'name':'team_secret','value':'<refresh.body.team.secret>','mode':'fixed','optional':true}]}");
  flows_stage_set_settings (flows_flow_find_stage_by_key (refresh, "response"), response_settings);
  test_flow = flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_CONNECTION_TEST);
  test_stage = flows_flow_find_stage_by_key (test_flow, "test");
  {
    g_autoptr(JsonObject) settings = test_parse_settings ("{'method':'GET','uriBase':'<instance_url>','uriPath':'services/me',"
                                                          "'headers':[{'name':'X-Team','value':'<team_secret>'}],"
                                                          "'useOAuthToken':true}");

    flows_stage_set_settings (test_stage, settings);
  }
  connection_id = add_signed_in_connection (library, app, REFRESH_TOKEN);

  instance = test_server_url (server, "/instance");
  reply = g_strdup_printf ("{\"access_token\":\"at-2\",\"instance_url\":\"%s\",\"team\":{\"secret\":\"T3am&Secret\"}}",
                           instance);
  test_server_respond (server, "/token", 200, "application/json", reply, -1);
  test_server_respond (server, "/instance/services/me", 200, "application/json", "{}", -1);

  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(TestCli) refreshed = CLI ("refresh", connection_id, "--data-dir", library->dir);
      g_autoptr(TestCli) tested = NULL;
      g_autoptr(FlowsConnection) connection = NULL;
      TestRequest *request;

      g_assert_cmpint (refreshed->status, ==, 0);
      connection = load_connection (library, connection_id);
      g_assert_cmpstr (flows_connection_get_value (connection, "instance_url"), ==, instance);
      g_assert_null (flows_connection_get_value (connection, "team_secret"));
      g_clear_pointer (&kept_secret, g_free);
      kept_secret = flows_secrets_lookup_sync (flows_app_get_id (app), connection_id, "team_secret", NULL, NULL);
      g_assert_cmpstr (kept_secret, ==, "T3am&Secret");
      g_assert_false (test_tree_contains (library->dir, "T3am&Secret"));

      /* A later flow references them as parameters. */
      tested = CLI ("test", connection_id, "--data-dir", library->dir);
      g_assert_cmpint (tested->status, ==, 0);
      request = test_server_request (server, test_server_n_requests (server) - 1);
      g_assert_cmpstr (request->path, ==, "/instance/services/me");
      g_assert_cmpstr (soup_message_headers_get_one (request->headers, "X-Team"), ==, "T3am&Secret");
      g_assert_cmpstr (soup_message_headers_get_one (request->headers, "Authorization"), ==, "Bearer at-2");

      /* The next reply has the access token only: the kept values stay. */
      test_server_respond (server, "/token", 200, "application/json", "{\"access_token\":\"at-2\"}", -1);
    }

  /* A run that shows the Step 3 reply hides the sensitive one. */
  {
    g_autoptr(TestCli) run = NULL;

    test_server_respond (server, "/token", 200, "application/json", reply, -1);
    run = CLI ("run", flows_app_get_id (app), flows_flow_get_name (refresh), "--connection", connection_id,
               "--input", "ConnectionID=x", "--json", "--data-dir", library->dir);
    test_assert_not_contains (run->out, "T3am&Secret");
    test_assert_contains (run->out, instance);
  }
  test_clear_connection_secrets (flows_app_get_id (app), connection_id);
}

/* A connection whose provider issued no refresh token: refreshing runs no Step 3 (which could
 * only fail on <RefreshToken>), says why with the App's hint on offline access, and marks the
 * connection as needing sign-in; a run whose token expired says the same; a role flow run by
 * hand that reads <RefreshToken> says what its absence means. */
static void
test_cli_refresh_without_refresh_token (void)
{
  static const char hint[] = "Google issues one only when Step 1 asks for access_type=offline and prompt=consent.";
  g_autoptr(TestServer) server = NULL;
  g_autoptr(Library) library = NULL;
  g_autoptr(FlowsApp) app = NULL;
  g_autoptr(TestCli) cli = NULL;
  g_autoptr(FlowsConnection) connection = NULL;
  g_autofree char *connection_id = NULL;
  g_autofree char *expected = NULL;
  FlowsConnection *stored;

  if (!test_need_keyring ())
    return;
  server = test_server_new ();
  library = library_new ();
  app = oauth_app_new (server);
  flows_app_set_offline_access_hint (app, hint);
  connection_id = add_signed_in_connection (library, app, NULL);
  expected = g_strconcat ("The provider issued no refresh token, so the access token cannot be renewed: sign in again. ",
                          hint, NULL);

  cli = CLI ("refresh", connection_id, "--data-dir", library->dir);
  g_assert_cmpint (cli->status, ==, 1);
  test_assert_contains (cli->err, expected);
  connection = load_connection (library, connection_id);
  g_assert_cmpstr (flows_connection_get_needs_sign_in (connection), ==, expected);
  g_assert_cmpuint (test_server_n_requests (server), ==, 0);

  /* A Connection Test whose token expired: the same words, and no request. */
  stored = flows_library_find_connection (library->library, connection_id);
  flows_connection_set_token_expires_at (stored, g_get_real_time () / G_USEC_PER_SEC - 10);
  g_assert_true (flows_library_save_connection (library->library, stored, NULL));
  {
    g_autoptr(TestCli) tested = CLI ("test", connection_id, "--data-dir", library->dir);

    g_assert_cmpint (tested->status, ==, 1);
    test_assert_contains (tested->out, expected);
    g_assert_cmpuint (test_server_n_requests (server), ==, 0);
  }

  /* Without a hint, the sentence alone. */
  flows_app_set_offline_access_hint (app, "");
  g_assert_true (flows_library_save_app (library->library, app, NULL));
  {
    g_autoptr(TestCli) refreshed = CLI ("refresh", connection_id, "--data-dir", library->dir);

    g_assert_cmpint (refreshed->status, ==, 1);
    test_assert_contains (refreshed->err,
                          "The provider issued no refresh token, so the access token cannot be renewed: sign in again.\n");
  }

  /* Step 3 run by hand reads <RefreshToken>: its absence in plain words. */
  {
    FlowsFlow *refresh = flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_OAUTH_REFRESH);
    g_autoptr(TestCli) run = CLI ("run", flows_app_get_id (app), flows_flow_get_name (refresh), "--connection", connection_id,
                                  "--input", "ConnectionID=x", "--data-dir", library->dir);

    g_assert_cmpint (run->status, ==, 1);
    test_assert_contains (run->err, "body.fields[1].value: <RefreshToken> resolves to nothing: the connection holds no refresh token "
                                    "(the provider issued none at sign-in), so the access token cannot be renewed; sign in again");
  }
  test_clear_connection_secrets (flows_app_get_id (app), connection_id);
}

/* HTTP Basic credentials made of a sensitive parameter show in no output of `run`, encoded or
 * not. */
static void
test_cli_run_basic_auth (void)
{
  g_autoptr(TestServer) server = NULL;
  g_autoptr(Library) library = NULL;
  g_autoptr(FlowsApp) app = NULL;
  g_autoptr(FlowsConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *connection_id = g_uuid_string_random ();
  g_autofree char *credentials = NULL;
  g_autofree char *base64 = NULL;
  g_autofree char *secret_form = flows_encode_form (CLIENT_SECRET);
  FlowsFlow *flow;
  FlowsStage *trigger, *call;

  if (!test_need_keyring ())
    return;
  server = test_server_new ();
  library = library_new ();
  app = flows_app_new ("basic-app", "Basic App", FLOWS_CONNECTION_TYPE_GENERIC);
  test_app_add_param (app, "ClientID", FALSE, "client:id");
  test_app_add_param (app, "ClientSecret", TRUE, NULL);
  flow = test_flow_add (app, "Token");
  flows_flow_set_visibility (flow, FLOWS_FLOW_VISIBILITY_PUBLIC);
  trigger = test_trigger_add (flow, NULL);
  call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                         "{'method':'POST','uriBase':'%s','uriPath':'token',"
                         "'auth':{'kind':'basic','user':'<ClientID>','password':'<ClientSecret>'}}", server->url);
  test_route (trigger, "success", call);
  flows_library_add_app (library->library, app, &error);
  g_assert_no_error (error);
  connection = flows_connection_new (connection_id, "basic-app", "Mine");
  flows_library_add_connection (library->library, connection, &error);
  g_assert_no_error (error);
  flows_secrets_store_sync ("basic-app", connection_id, "ClientSecret", CLIENT_SECRET, NULL, &error);
  g_assert_no_error (error);

  credentials = g_strconcat ("client%3Aid:", secret_form, NULL);
  base64 = g_base64_encode ((const guchar *) credentials, strlen (credentials));
  for (guint json = 0; json < 2; json++)
    {
      g_autoptr(TestCli) cli = json ? CLI ("run", "Basic App", "Token", "--connection", connection_id, "--json",
                                           "--data-dir", library->dir)
                                    : CLI ("run", "Basic App", "Token", "--connection", connection_id,
                                           "--data-dir", library->dir);

      g_assert_cmpint (cli->status, ==, 0);
      test_assert_not_contains (cli->out, CLIENT_SECRET);
      test_assert_not_contains (cli->out, secret_form);
      test_assert_not_contains (cli->out, base64);
      test_assert_not_contains (cli->err, base64);
      if (json)
        test_assert_contains (cli->out, "\"Authorization\" : \"Basic •••\"");
    }
  g_assert_cmpuint (test_server_n_requests (server), ==, 2);
  {
    g_autofree char *expected = g_strconcat ("Basic ", base64, NULL);

    g_assert_cmpstr (soup_message_headers_get_one (test_server_request (server, 0)->headers, "Authorization"), ==, expected);
  }
  g_assert_false (test_tree_contains (library->dir, base64));
  test_clear_connection_secrets ("basic-app", connection_id);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/cli/run", test_cli_run);
  g_test_add_func ("/engine/cli/run-json", test_cli_run_json);
  g_test_add_func ("/engine/cli/run-fails", test_cli_run_fails);
  g_test_add_func ("/engine/cli/test-pass", test_cli_test_pass);
  g_test_add_func ("/engine/cli/test-fail", test_cli_test_fail);
  g_test_add_func ("/engine/cli/test-unreachable", test_cli_test_unreachable);
  g_test_add_func ("/engine/cli/test-end-with-error", test_cli_test_end_with_error);
  g_test_add_func ("/engine/cli/run-basic-auth", test_cli_run_basic_auth);
  g_test_add_func ("/engine/cli/refresh-end-with-error", test_cli_refresh_end_with_error);
  g_test_add_func ("/engine/cli/refresh-keeps-sign-in-values", test_cli_refresh_keeps_sign_in_values);
  g_test_add_func ("/engine/cli/refresh-without-refresh-token", test_cli_refresh_without_refresh_token);
  g_test_add_func ("/engine/oauth/step2-end-with-error", test_step2_end_with_error);

  return g_test_run ();
}
