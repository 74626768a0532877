/* test-secrets-audit.c — no secret byte anywhere but in the keyring.
 *
 * A loopback OAuth provider in this process (PKCE S256, client_secret_post, refresh with
 * rotation) with distinctive values: a client secret, a sensitive API key, and the access and
 * refresh tokens it hands out, each with characters that every encoding changes. flows-cli, as
 * a user would run it, adds a connection (the sensitive values on standard input), signs in
 * through the real embedded WebKit window, shows the connection, tests it, refreshes, tests
 * again, runs a flow that sends the API key in a query, a header and a JSON body to an endpoint
 * that echoes all of it back (with the Authorization header), exports the App and signs out.
 *
 * Then every byte is searched for every secret, as is and percent-encoded, form-encoded, JSON-
 * and C-escaped, and in base64 and base64url at each alignment: every file under the data,
 * config and cache directories, HOME and TMPDIR the commands ran with, the stdout and stderr of
 * every command, every trace (run --json) and every export. The provider checks that each
 * secret was really used, so an audit that finds nothing is not one that sent nothing.
 *
 * Needs build-aux/session: its keyring, and its X server for the sign-in window.
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "flows-app-templates.h"
#include "flows-library.h"
#include "flows-oauth.h"
#include "flows-secrets.h"
#include "hardening-helpers.h"
#include "runner-helpers.h"
#include "test-cli.h"
#include "test-files.h"
#include "test-session.h"

#define CLIENT_ID      "audit-client"
#define CLIENT_SECRET  "cs-Zq8+w/K=3&x\"y<z>%41~Secret"
#define API_KEY        "ak-Pm4#y!k/Q+v=7&\"<b>ApiKey"
#define CODE           "code-Hq2+Yw/Audit="
#define ACCESS_TOKEN_1 "at1-Vb7+Lq/2=Xc.Access~One"
#define ACCESS_TOKEN_2 "at2-Nd5+Ke/9=Rw.Access~Two"
#define REFRESH_TOKEN_1 "rt1-Gs3+Tm/6=Jp.Refresh~One"
#define REFRESH_TOKEN_2 "rt2-Wf8+Cy/4=Hb.Refresh~Two"

typedef struct
{
  TestServer *server;
  char       *challenge;
  guint       n_exchanges;
  guint       n_refreshes;
  guint       n_tests_passed;
  guint       n_echoes;
  const char *access_token;   /* the one that works now */
  const char *refresh_token;
} Provider;

static void
respond_json (SoupServerMessage *msg,
              guint              status,
              const char        *json)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, json, strlen (json));
}

static char *
json_string (const char *value)
{
  g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), value);

  return json_to_string (node, FALSE);
}

static void
on_authorize (TestServer        *server,
              SoupServerMessage *msg,
              TestRequest       *request,
              gpointer           user_data)
{
  Provider *provider = user_data;
  g_autoptr(GHashTable) query = soup_form_decode (request->query != NULL ? request->query : "");
  const char *redirect_uri = g_hash_table_lookup (query, "redirect_uri");
  g_autofree char *state = g_uri_escape_string (g_hash_table_lookup (query, "state"), NULL, FALSE);
  g_autofree char *code = g_uri_escape_string (CODE, NULL, FALSE);
  g_autofree char *location = NULL;

  g_assert_cmpstr (g_hash_table_lookup (query, "client_id"), ==, CLIENT_ID);
  g_assert_cmpstr (g_hash_table_lookup (query, "code_challenge_method"), ==, "S256");
  g_assert_nonnull (redirect_uri);
  g_free (provider->challenge);
  provider->challenge = g_strdup (g_hash_table_lookup (query, "code_challenge"));

  /* Signed in and consented at once: the redirect with the code. */
  location = g_strdup_printf ("%s?code=%s&state=%s", redirect_uri, code, state);
  soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, location);
}

static void
on_token (TestServer        *server,
          SoupServerMessage *msg,
          TestRequest       *request,
          gpointer           user_data)
{
  Provider *provider = user_data;
  g_autofree char *body = test_request_body_text (request);
  g_autoptr(GHashTable) form = soup_form_decode (body);
  const char *grant_type = g_hash_table_lookup (form, "grant_type");
  g_autofree char *access = NULL;
  g_autofree char *refresh = NULL;
  g_autofree char *json = NULL;

  if (g_strcmp0 (g_hash_table_lookup (form, "client_secret"), CLIENT_SECRET) != 0 ||
      g_strcmp0 (g_hash_table_lookup (form, "client_id"), CLIENT_ID) != 0)
    {
      respond_json (msg, 401, "{\"error\":\"invalid_client\"}");
      return;
    }

  if (g_strcmp0 (grant_type, "authorization_code") == 0 &&
      g_strcmp0 (g_hash_table_lookup (form, "code"), CODE) == 0 &&
      provider->challenge != NULL && provider->n_exchanges == 0)
    {
      g_autofree char *challenge = flows_oauth_code_challenge (g_hash_table_lookup (form, "code_verifier"));

      if (!g_str_equal (challenge, provider->challenge))
        {
          respond_json (msg, 400, "{\"error\":\"invalid_grant\",\"error_description\":\"PKCE\"}");
          return;
        }
      provider->n_exchanges++;
      provider->access_token = ACCESS_TOKEN_1;
      provider->refresh_token = REFRESH_TOKEN_1;
    }
  else if (g_strcmp0 (grant_type, "refresh_token") == 0 &&
           g_strcmp0 (g_hash_table_lookup (form, "refresh_token"), REFRESH_TOKEN_1) == 0 &&
           provider->n_refreshes == 0)
    {
      provider->n_refreshes++;
      provider->access_token = ACCESS_TOKEN_2;
      provider->refresh_token = REFRESH_TOKEN_2;
    }
  else
    {
      respond_json (msg, 400, "{\"error\":\"invalid_grant\"}");
      return;
    }

  access = json_string (provider->access_token);
  refresh = json_string (provider->refresh_token);
  json = g_strdup_printf ("{\"access_token\":%s,\"refresh_token\":%s,\"expires_in\":3600,"
                          "\"token_type\":\"Bearer\",\"scope\":\"read\"}", access, refresh);
  respond_json (msg, 200, json);
}

/* Hostile on purpose: it echoes the Authorization header it was sent. */
static void
on_test (TestServer        *server,
         SoupServerMessage *msg,
         TestRequest       *request,
         gpointer           user_data)
{
  Provider *provider = user_data;
  const char *authorization = soup_message_headers_get_one (request->headers, "Authorization");
  g_autofree char *expected = g_strconcat ("Bearer ", provider->access_token, NULL);
  g_autofree char *echo = json_string (authorization != NULL ? authorization : "");
  g_autofree char *json = g_strdup_printf ("{\"ok\":true,\"authorization\":%s}", echo);

  if (provider->access_token == NULL || g_strcmp0 (authorization, expected) != 0)
    {
      respond_json (msg, 401, "{\"error\":\"invalid_token\"}");
      return;
    }
  provider->n_tests_passed++;
  respond_json (msg, 200, json);
}

/* Echoes the raw query, the API key header, the Authorization header and the body. */
static void
on_echo (TestServer        *server,
         SoupServerMessage *msg,
         TestRequest       *request,
         gpointer           user_data)
{
  Provider *provider = user_data;
  const char *key = soup_message_headers_get_one (request->headers, "X-Api-Key");
  const char *authorization = soup_message_headers_get_one (request->headers, "Authorization");
  g_autofree char *body = test_request_body_text (request);
  g_autoptr(GHashTable) query = soup_form_decode (request->query != NULL ? request->query : "");
  g_autoptr(JsonNode) sent = json_from_string (body, NULL);
  g_autofree char *query_json = json_string (request->query != NULL ? request->query : "");
  g_autofree char *key_json = json_string (key != NULL ? key : "");
  g_autofree char *authorization_json = json_string (authorization != NULL ? authorization : "");
  g_autofree char *body_json = json_string (body);
  g_autofree char *json = NULL;

  /* The key arrived whole, three ways, and so did the token. */
  g_assert_cmpstr (key, ==, API_KEY);
  g_assert_cmpstr (g_hash_table_lookup (query, "key"), ==, API_KEY);
  g_assert_nonnull (sent);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (sent), "key"), ==, API_KEY);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (sent), "secret"), ==, CLIENT_SECRET);
  g_assert_true (g_str_has_prefix (authorization, "Bearer ") && g_str_equal (authorization + 7, provider->access_token));
  provider->n_echoes++;

  json = g_strdup_printf ("{\"query\":%s,\"key\":%s,\"authorization\":%s,\"body\":%s,\"sent\":%s}",
                          query_json, key_json, authorization_json, body_json, body);
  respond_json (msg, 200, json);
}

/* The App, saved where flows-cli will find it ------------------------------------------------------ */

static FlowsApp *
make_app (Provider   *provider,
          const char *data_dir)
{
  g_autoptr(GFile) directory = g_file_new_for_path (data_dir);
  g_autoptr(FlowsLibrary) library = flows_library_new (directory);
  g_autoptr(GError) error = NULL;
  g_autofree char *redirect_url = g_strdup_printf ("http://127.0.0.1:%u/oauth/callback", test_closed_port ());
  g_autofree char *echo_url = test_server_url (provider->server, "/echo");
  FlowsApp *app = flows_app_new_from_template ("Audit App", FLOWS_CONNECTION_TYPE_OAUTH);
  FlowsFlow *flow;
  FlowsStage *trigger, *call, *response;

  flows_library_load (library, &error);
  g_assert_no_error (error);
  flows_app_set_redirect_url (app, redirect_url);
  test_app_add_param (app, "ApiKey", TRUE, "");

  flow = test_flow_add (app, "echo");
  flows_flow_set_name (flow, "Echo");
  flows_flow_set_visibility (flow, FLOWS_FLOW_VISIBILITY_PUBLIC);
  trigger = test_trigger_add (flow, NULL);
  call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                         "{'method':'POST','uriBase':'%s','uriPath':'',"
                         "'query':[{'name':'key','value':'<ApiKey>'}],"
                         "'headers':[{'name':'X-Api-Key','value':'<ApiKey>'}],"
                         "'body':{'kind':'json','fields':[{'name':'key','value':'<ApiKey>'},{'name':'secret','value':'<ClientSecret>'}]},"
                         "'useOAuthToken':true,'timeout':30}", echo_url);
  response = test_stage_add (flow, "response", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE,
                             "{'fields':[{'name':'echoedKey','value':'<call.body.key>','mode':'fixed'},"
                             "{'name':'echoedAuthorization','value':'<call.body.authorization>','mode':'fixed'},"
                             "{'name':'echoedQuery','value':'<call.body.query>','mode':'fixed'},"
                             "{'name':'echoedBody','value':'<call.body.body>','mode':'fixed'}]}");
  test_route (trigger, "success", call);
  test_route (call, "success", response);

  g_assert_true (flows_library_add_app (library, app, &error));
  g_assert_no_error (error);
  return app;
}

/* Running the commands ------------------------------------------------------------------------------- */

typedef struct
{
  char      *root;
  char      *data_home;
  char      *env[16];
  GPtrArray *outputs;  /* "what", text pairs */
} Audit;

static TestCli *
audit_cli (Audit              *audit,
           const char         *input,
           int                 expected_status,
           const char * const *argv)
{
  TestCli *result = test_cli_exec (argv, (const char * const *)audit->env, input, 90000);
  g_autofree char *command = g_strjoinv (" ", (char **)argv);

  g_test_message ("flows-cli %s: exit %d\n%s%s", command, result->status, result->out, result->err);
  if (result->status != expected_status)
    g_error ("flows-cli %s exited %d, not %d:\n%s%s", command, result->status, expected_status, result->out, result->err);
  g_ptr_array_add (audit->outputs, g_strdup_printf ("the stdout of flows-cli %s", argv[0]));
  g_ptr_array_add (audit->outputs, g_strdup (result->out));
  g_ptr_array_add (audit->outputs, g_strdup_printf ("the stderr of flows-cli %s", argv[0]));
  g_ptr_array_add (audit->outputs, g_strdup (result->err));
  return result;
}

static char *
last_line (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (g_strchomp (g_strdup (text)), "\n", -1);
  guint n = g_strv_length (lines);

  return g_strdup (n > 0 ? lines[n - 1] : "");
}

static void
test_audit (void)
{
  static const char * const dirs[] = { "data", "config", "cache", "home", "tmp" };
  g_autoptr(TestServer) server = NULL;
  g_autoptr(FlowsApp) app = NULL;
  g_autoptr(Needles) needles = needles_new ();
  g_autoptr(TestCli) cli = NULL;
  g_autofree char *connection_id = NULL;
  g_autofree char *auth_url = NULL;
  g_autofree char *token_url = NULL;
  g_autofree char *test_url = NULL;
  g_autofree char *set_auth = NULL;
  g_autofree char *set_token = NULL;
  g_autofree char *set_test = NULL;
  g_autofree char *export_path = NULL;
  g_autofree char *export_text = NULL;
  Provider provider = { NULL };
  Audit audit = { NULL };
  guint n_env = 0;
  guint n_files = 0;
  guint64 n_bytes = 0;

  /* The sign-in window of flows-cli needs a display. */
  if (!test_need_keyring () || !test_need_display_server ())
    return;

  server = test_server_new ();
  provider.server = server;
  test_server_handle (server, "/authorize", on_authorize, &provider);
  test_server_handle (server, "/token", on_token, &provider);
  test_server_handle (server, "/test", on_test, &provider);
  test_server_handle (server, "/echo", on_echo, &provider);
  auth_url = test_server_url (server, "/authorize");
  token_url = test_server_url (server, "/token");
  test_url = test_server_url (server, "/test");

  /* A home of its own for every command: data, settings, caches, temporary files. */
  audit.root = test_make_temp_dir ("flows-audit-XXXXXX");
  audit.outputs = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = g_build_filename (audit.root, dirs[i], NULL);

      g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
    }
  audit.data_home = g_build_filename (audit.root, "data", NULL);
  audit.env[n_env++] = g_strdup_printf ("XDG_DATA_HOME=%s", audit.data_home);
  audit.env[n_env++] = g_strdup_printf ("XDG_CONFIG_HOME=%s/config", audit.root);
  audit.env[n_env++] = g_strdup_printf ("XDG_CACHE_HOME=%s/cache", audit.root);
  audit.env[n_env++] = g_strdup_printf ("HOME=%s/home", audit.root);
  audit.env[n_env++] = g_strdup_printf ("TMPDIR=%s/tmp", audit.root);
  audit.env[n_env++] = g_strdup ("FLOWS_STUDIO_DATA_DIR");
  audit.env[n_env++] = g_strdup ("WEBKIT_DISABLE_DMABUF_RENDERER=1");
  audit.env[n_env++] = g_strdup ("GSETTINGS_BACKEND=memory");
  audit.env[n_env++] = g_strdup ("LC_ALL=C.UTF-8");
  audit.env[n_env] = NULL;

  {
    g_autofree char *library_dir = g_build_filename (audit.data_home, "flows-studio", NULL);

    app = make_app (&provider, library_dir);
  }

  needles_add (needles, "client secret", CLIENT_SECRET);
  needles_add (needles, "API key", API_KEY);
  needles_add (needles, "authorisation code", CODE);
  needles_add (needles, "first access token", ACCESS_TOKEN_1);
  needles_add (needles, "second access token", ACCESS_TOKEN_2);
  needles_add (needles, "first refresh token", REFRESH_TOKEN_1);
  needles_add (needles, "second refresh token", REFRESH_TOKEN_2);
  g_test_message ("%u needles", needles_count (needles));

  /* A connection, the sensitive values on standard input. */
  set_auth = g_strconcat ("AuthURL=", auth_url, NULL);
  set_token = g_strconcat ("TokenURL=", token_url, NULL);
  set_test = g_strconcat ("TestURL=", test_url, NULL);
  {
    const char *argv[] = { "connection", "add", "Audit App", "Audit connection",
                           "--set", set_auth, "--set", set_token, "--set", set_test,
                           "--set", "ClientID=" CLIENT_ID, "--set", "Scopes=read",
                           "--set", "ClientSecret=-", "--set", "ApiKey=-", NULL };

    cli = audit_cli (&audit, CLIENT_SECRET "\n" API_KEY "\n", 0, argv);
    connection_id = last_line (cli->out);
    g_assert_true (g_uuid_string_is_valid (connection_id));
    g_clear_pointer (&cli, test_cli_free);
  }

  /* Signing in through the embedded window: the provider consents at once. */
  {
    const char *argv[] = { "sign-in", connection_id, NULL };

    cli = audit_cli (&audit, NULL, 0, argv);
    g_clear_pointer (&cli, test_cli_free);
  }
  g_assert_cmpuint (provider.n_exchanges, ==, 1);

  {
    const char *show[] = { "connection", "show", connection_id, NULL };
    const char *list[] = { "connection", "list", NULL };
    const char *test[] = { "test", connection_id, NULL };
    const char *refresh[] = { "refresh", connection_id, NULL };
    const char *run_json[] = { "run", "Audit App", "Echo", "--connection", connection_id, "--json", NULL };
    const char *run_text[] = { "run", "Audit App", "Echo", "--connection", connection_id, NULL };
    const char *run_step3[] = { "run", "Audit App", "OAuth Step 3 - Refresh access token", "--connection", connection_id,
                                "--input", NULL, "--json", NULL };
    const char *export_stdout[] = { "export", "Audit App", "-", NULL };
    const char *validate[] = { "validate", "Audit App", NULL };
    const char *apps[] = { "apps", NULL };
    g_autofree char *connection_input = g_strconcat ("ConnectionID=", connection_id, NULL);

    cli = audit_cli (&audit, NULL, 0, show);
    g_clear_pointer (&cli, test_cli_free);
    cli = audit_cli (&audit, NULL, 0, list);
    g_clear_pointer (&cli, test_cli_free);
    cli = audit_cli (&audit, NULL, 0, test);
    test_assert_contains (cli->out, "PASS");
    g_clear_pointer (&cli, test_cli_free);
    g_assert_cmpuint (provider.n_tests_passed, ==, 1);

    cli = audit_cli (&audit, NULL, 0, refresh);
    g_clear_pointer (&cli, test_cli_free);
    g_assert_cmpuint (provider.n_refreshes, ==, 1);
    cli = audit_cli (&audit, NULL, 0, test);
    g_clear_pointer (&cli, test_cli_free);
    g_assert_cmpuint (provider.n_tests_passed, ==, 2);

    /* A flow that sends everything and gets it all back: the traces. */
    cli = audit_cli (&audit, NULL, 0, run_json);
    g_assert_true (g_str_has_prefix (g_strchug (cli->out), "{"));
    g_clear_pointer (&cli, test_cli_free);
    cli = audit_cli (&audit, NULL, 0, run_text);
    g_clear_pointer (&cli, test_cli_free);
    g_assert_cmpuint (provider.n_echoes, ==, 2);

    /* Step 3 run by hand with a refresh token the provider refuses by now: its error and
     * trace quote the provider, never the token. */
    run_step3[6] = connection_input;
    cli = audit_cli (&audit, NULL, 1, run_step3);
    g_clear_pointer (&cli, test_cli_free);

    cli = audit_cli (&audit, NULL, 0, validate);
    g_clear_pointer (&cli, test_cli_free);
    cli = audit_cli (&audit, NULL, 0, apps);
    g_clear_pointer (&cli, test_cli_free);

    cli = audit_cli (&audit, NULL, 0, export_stdout);
    test_assert_contains (cli->out, "\"flows-studio/app\"");
    g_clear_pointer (&cli, test_cli_free);
  }

  export_path = g_build_filename (audit.root, "home", "Audit App.json", NULL);
  {
    const char *argv[] = { "export", "Audit App", export_path, NULL };

    cli = audit_cli (&audit, NULL, 0, argv);
    g_clear_pointer (&cli, test_cli_free);
  }
  g_assert_true (g_file_get_contents (export_path, &export_text, NULL, NULL));
  test_assert_contains (export_text, "ClientSecret");

  /* The secrets are in the keyring, where they belong (before signing out removes the tokens). */
  {
    const char *keys[] = { "ClientSecret", "ApiKey", FLOWS_SECRETS_ACCESS_TOKEN_KEY, FLOWS_SECRETS_REFRESH_TOKEN_KEY };
    const char *values[] = { CLIENT_SECRET, API_KEY, ACCESS_TOKEN_2, REFRESH_TOKEN_2 };

    for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
      {
        g_autoptr(GError) error = NULL;
        char *stored = flows_secrets_lookup_sync (flows_app_get_id (app), connection_id, keys[i], NULL, &error);

        g_assert_no_error (error);
        g_assert_cmpstr (stored, ==, values[i]);
        flows_secrets_free (stored);
      }
  }

  {
    const char *argv[] = { "sign-out", connection_id, NULL };

    cli = audit_cli (&audit, NULL, 0, argv);
    g_clear_pointer (&cli, test_cli_free);
  }

  /* The audit. */
  for (guint i = 0; i < audit.outputs->len; i += 2)
    {
      const char *text = g_ptr_array_index (audit.outputs, i + 1);

      needles_assert_absent (needles, g_ptr_array_index (audit.outputs, i), text, strlen (text));
    }
  needles_assert_absent (needles, "the export", export_text, strlen (export_text));
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = g_build_filename (audit.root, dirs[i], NULL);

      n_files += needles_assert_absent_in_tree (needles, path, &n_bytes);
    }
  g_test_message ("audited %u command outputs and %u files (%" G_GUINT64_FORMAT " bytes) for %u needles",
                  audit.outputs->len / 2, n_files, n_bytes, needles_count (needles));
  g_assert_cmpuint (n_files, >=, 3);

  test_clear_connection_secrets (flows_app_get_id (app), connection_id);
  for (guint i = 0; i < n_env; i++)
    g_free (audit.env[i]);
  g_ptr_array_unref (audit.outputs);
  test_remove_tree (audit.root);
  g_free (audit.root);
  g_free (audit.data_home);
  g_free (provider.challenge);
}

/* The search itself finds a secret hidden in each encoding, anywhere in binary data: an audit
 * that cannot fail proves nothing. */
static void
test_needles_find (void)
{
  const char *secret = CLIENT_SECRET;
  g_autofree char *percent = g_uri_escape_string (secret, NULL, FALSE);
  g_autofree char *json = json_string (secret);
  g_autofree char *basic_auth = g_strconcat (CLIENT_ID ":", secret, NULL);
  g_autofree char *basic = g_base64_encode ((const guchar *)basic_auth, strlen (basic_auth));
  g_autofree char *shifted = g_strconcat ("xy", secret, "z", NULL);
  g_autofree char *shifted_base64 = g_base64_encode ((const guchar *)shifted, strlen (shifted));
  const char *hidden[] = { secret, percent, json, basic, shifted_base64 };

  if (g_test_subprocess ())
    {
      g_autoptr(Needles) needles = needles_new ();
      guint which = (guint)g_ascii_strtoull (g_getenv ("NEEDLE_CASE"), NULL, 10);
      g_autoptr(GByteArray) data = g_byte_array_new ();
      static const guint8 binary[] = { 0, 1, 2, 0xff, 0, '\n' };

      needles_add (needles, "client secret", secret);
      g_byte_array_append (data, binary, sizeof binary);
      g_byte_array_append (data, (const guint8 *)hidden[which], strlen (hidden[which]));
      g_byte_array_append (data, binary, sizeof binary);
      needles_assert_absent (needles, "the test data", data->data, data->len);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (hidden); i++)
    {
      g_autofree char *value = g_strdup_printf ("%u", i);

      g_setenv ("NEEDLE_CASE", value, TRUE);
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_failed ();
      g_test_trap_assert_stderr ("*the client secret (*) is in the test data, at byte *");
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/secrets-audit/needles-find", test_needles_find);
  g_test_add_func ("/secrets-audit/cli-sign-in-refresh-test-run-export", test_audit);

  return g_test_run ();
}
