/* test-runner-token-source.c — how the runner gets fresh OAuth tokens (docs/ARCHITECTURE.md,
 * "Modules" and "OAuth sequence", step 6): a Call API stage that uses the connection's token
 * asks the runner's token source to refresh one about to expire before sending it, and once
 * after a 401; a runner without a token source says it cannot refresh; a failed refresh is the
 * stage's error with the source's words.
 *
 * The token source here is the test's own implementation of the engine's interface, counting
 * what the runner asks of it; src/auth's FlowsTokenRefresher, the one the programs use, is
 * tested end to end against real providers in tests/ui/test-sign-in.c and test-interop.c. The
 * access token is in the real keyring: these cases need the disposable keyring of
 * build-aux/session and skip without it.
 */
#include "config.h"

#include <string.h>

#include "flows-secrets.h"
#include "flows-token-source.h"
#include "runner-helpers.h"
#include "test-session.h"

#define OLD_TOKEN "old-token"
#define NEW_TOKEN "new-token"

/* A token source -------------------------------------------------------------------------- */

#define TEST_TYPE_TOKEN_SOURCE (test_token_source_get_type ())
G_DECLARE_FINAL_TYPE (TestTokenSource, test_token_source, TEST, TOKEN_SOURCE, GObject)

struct _TestTokenSource
{
  GObject  parent_instance;

  gboolean expired;        /* what needs_refresh() answers */
  char    *refusal;        /* when set, refreshing fails with these words */
  guint    n_asked;        /* needs_refresh() calls */
  guint    n_refreshed;    /* refresh_async() calls */
};

static void test_token_source_iface_init (FlowsTokenSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestTokenSource, test_token_source, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FLOWS_TYPE_TOKEN_SOURCE, test_token_source_iface_init))

static void
test_token_source_finalize (GObject *object)
{
  g_free (TEST_TOKEN_SOURCE (object)->refusal);
  G_OBJECT_CLASS (test_token_source_parent_class)->finalize (object);
}

static void
test_token_source_class_init (TestTokenSourceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_token_source_finalize;
}

static void
test_token_source_init (TestTokenSource *self)
{
}

static gboolean
source_needs_refresh (FlowsTokenSource *source,
                      FlowsConnection  *connection)
{
  TestTokenSource *self = TEST_TOKEN_SOURCE (source);

  self->n_asked++;
  return self->expired;
}

/* Answers from the main loop, as a real refresh does. */
static void
source_refresh_async (FlowsTokenSource    *source,
                      FlowsApp            *app,
                      FlowsConnection     *connection,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  TestTokenSource *self = TEST_TOKEN_SOURCE (source);
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);

  self->n_refreshed++;
  if (self->refusal != NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "%s", self->refusal);
  else
    g_task_return_pointer (task, g_strdup (NEW_TOKEN), g_free);
}

static char *
source_refresh_finish (FlowsTokenSource  *source,
                       GAsyncResult      *result,
                       GError           **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
test_token_source_iface_init (FlowsTokenSourceInterface *iface)
{
  iface->needs_refresh = source_needs_refresh;
  iface->refresh_async = source_refresh_async;
  iface->refresh_finish = source_refresh_finish;
}

/* The service and the App ------------------------------------------------------------------- */

/* 200 for the new token, 401 for any other. */
static void
accept_new_token (TestServer        *server,
                  SoupServerMessage *msg,
                  TestRequest       *request,
                  gpointer           user_data)
{
  const char *authorization = soup_message_headers_get_one (request->headers, "Authorization");

  if (g_strcmp0 (authorization, "Bearer " NEW_TOKEN) == 0)
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{\"me\":1}", 8);
    }
  else
    {
      soup_server_message_set_status (msg, 401, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        "{\"error\":\"invalid_token\"}", 25);
    }
}

typedef struct
{
  TestServer      *server;
  FlowsApp        *app;
  FlowsFlow       *flow;
  FlowsConnection *connection;
  FlowsRunner     *runner;
  TestTokenSource *source;
} Fixture;

/* What each case sets up: whether the stored token counts as expired, and whether the runner
 * has a token source and whether it refuses. */
typedef struct
{
  gboolean    expired;
  gboolean    with_source;
  const char *refusal;
  /* What must happen. */
  gboolean    succeeds;
  guint       n_requests;
  guint       n_refreshed;
  const char *message;     /* a part of the run's error message, when it fails */
} Case;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const Case *test_case = data;
  g_autofree char *connection_id = g_uuid_string_random ();
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;
  FlowsStage *trigger, *call;

  if (!test_need_keyring ())
    return;

  fixture->server = test_server_new ();
  test_server_handle (fixture->server, "/me", accept_new_token, NULL);
  url = test_server_url (fixture->server, "/me");

  fixture->app = test_app_new ();
  flows_app_set_connection_type (fixture->app, FLOWS_CONNECTION_TYPE_OAUTH);
  fixture->flow = test_flow_add (fixture->app, "Who am I");
  trigger = test_trigger_add (fixture->flow, NULL);
  call = test_stage_add (fixture->flow, "me", FLOWS_STAGE_TYPE_CALL_API,
                         "{'method': 'GET', 'uriBase': '%s', 'useOAuthToken': true}", url);
  test_route (trigger, "success", call);

  fixture->connection = flows_connection_new (connection_id, flows_app_get_id (fixture->app), "Token test");
  flows_connection_set_signed_in (fixture->connection, TRUE);
  flows_secrets_store_sync (flows_app_get_id (fixture->app), connection_id, FLOWS_SECRETS_ACCESS_TOKEN_KEY,
                            OLD_TOKEN, NULL, &error);
  g_assert_no_error (error);

  fixture->runner = flows_runner_new ();
  if (test_case->with_source)
    {
      fixture->source = g_object_new (TEST_TYPE_TOKEN_SOURCE, NULL);
      fixture->source->expired = test_case->expired;
      fixture->source->refusal = g_strdup (test_case->refusal);
      flows_runner_set_token_source (fixture->runner, FLOWS_TOKEN_SOURCE (fixture->source));
    }
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->connection != NULL)
    test_clear_connection_secrets (flows_app_get_id (fixture->app), flows_connection_get_id (fixture->connection));
  g_clear_object (&fixture->source);
  g_clear_object (&fixture->runner);
  g_clear_object (&fixture->connection);
  g_clear_object (&fixture->app);
  g_clear_pointer (&fixture->server, test_server_free);
}

static void
test_token_source (Fixture       *fixture,
                   gconstpointer  data)
{
  const Case *test_case = data;
  g_autoptr(FlowsRun) run = NULL;
  g_autoptr(JsonNode) shown = NULL;
  g_autofree char *shown_text = NULL;

  if (fixture->runner == NULL)
    return;

  run = test_run (fixture->runner, fixture->app, fixture->flow, NULL, fixture->connection);

  if (test_case->succeeds)
    test_assert_succeeded (run);
  else
    test_assert_failed (run, "me", test_case->message, NULL);
  g_assert_cmpuint (test_server_n_requests (fixture->server), ==, test_case->n_requests);
  if (fixture->source != NULL)
    {
      /* Asked once, before the first request; a retry after a 401 asks no more. */
      g_assert_cmpuint (fixture->source->n_asked, ==, 1);
      g_assert_cmpuint (fixture->source->n_refreshed, ==, test_case->n_refreshed);
    }
  /* Neither token reaches what the run shows people. */
  shown = flows_run_to_json (run);
  shown_text = test_json_compact (shown);
  test_assert_not_contains (shown_text, OLD_TOKEN);
  test_assert_not_contains (shown_text, NEW_TOKEN);
}

static const struct
{
  const char *path;
  Case        test_case;
} cases[] = {
  /* Refreshed before it is sent: one request, with the new token. */
  { "/token-source/expired-token-refreshed-first", { TRUE, TRUE, NULL, TRUE, 1, 1, NULL } },
  /* Sent, refused with a 401, refreshed, sent again once. */
  { "/token-source/unauthorized-refresh-and-retry", { FALSE, TRUE, NULL, TRUE, 2, 1, NULL } },
  /* The refresh fails: the stage fails with the source's words. */
  { "/token-source/expired-refresh-refused",
    { TRUE, TRUE, "the provider said no", FALSE, 0, 1,
      "The access token had expired, and refreshing it failed: the provider said no" } },
  { "/token-source/unauthorized-refresh-refused",
    { FALSE, TRUE, "the provider said no", FALSE, 1, 1,
      "the token was refreshed for a retry, but that failed: the provider said no" } },
  /* A runner without a token source sends the token it has, and says why it cannot retry. */
  { "/token-source/none", { TRUE, FALSE, NULL, FALSE, 1, 0, "this program cannot refresh tokens" } },
};

/* The stage's own Authorization header gives way to the connection's token, in the request sent
 * first and in the one built again after the 401; its other headers go with both. */
static void
test_own_authorization_header (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autofree char *url = NULL;
  g_autofree char *settings_text = NULL;
  g_autofree char *shown = NULL;
  g_autoptr(JsonNode) settings = NULL;
  g_autoptr(FlowsRun) run = NULL;

  if (fixture->runner == NULL)
    return;

  url = test_server_url (fixture->server, "/me");
  settings_text = g_strdup_printf ("{\"method\": \"GET\", \"uriBase\": \"%s\", \"useOAuthToken\": true,"
                                   " \"headers\": [{\"name\": \"authorization\", \"value\": \"Basic c2VjcmV0\"},"
                                   " {\"name\": \"X-Trace\", \"value\": \"42\"}]}", url);
  settings = json_from_string (settings_text, NULL);
  flows_stage_set_settings (flows_flow_find_stage_by_key (fixture->flow, "me"), json_node_get_object (settings));

  run = test_run (fixture->runner, fixture->app, fixture->flow, NULL, fixture->connection);
  test_assert_succeeded (run);
  g_assert_cmpuint (test_server_n_requests (fixture->server), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      TestRequest *request = test_server_request (fixture->server, i);
      const char *authorization = soup_message_headers_get_list (request->headers, "Authorization");

      g_assert_cmpstr (authorization, ==, i == 0 ? "Bearer " OLD_TOKEN : "Bearer " NEW_TOKEN);
      g_assert_cmpstr (soup_message_headers_get_one (request->headers, "X-Trace"), ==, "42");
    }
  shown = test_entry_setting (test_trace_entry (run, "me", 0), "headers.Authorization");
  g_assert_cmpstr (shown, ==, "Bearer •••");
}

/* 200 for the new token, 403 for any other: Atlassian-like. */
static void
forbid_old_token (TestServer        *server,
                  SoupServerMessage *msg,
                  TestRequest       *request,
                  gpointer           user_data)
{
  const char *authorization = soup_message_headers_get_one (request->headers, "Authorization");
  gboolean good = g_strcmp0 (authorization, "Bearer " NEW_TOKEN) == 0;

  soup_server_message_set_status (msg, good ? 200 : 403, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                    good ? "{\"me\":1}" : "{\"error\":\"forbidden\"}", good ? 8 : 21);
}

/* The statuses after which a request with the token is refreshed and sent again are the App's
 * refreshOnStatus: with [401, 403] a 403 refreshes and retries once; without it (the default,
 * [401]) a 403 is the stage's error, with no refresh. */
static void
test_refresh_on_status (Fixture       *fixture,
                        gconstpointer  data)
{
  static const guint statuses[] = { 401, 403 };

  if (fixture->runner == NULL)
    return;

  test_server_handle (fixture->server, "/me", forbid_old_token, NULL);
  {
    g_autoptr(FlowsRun) run = test_run (fixture->runner, fixture->app, fixture->flow, NULL, fixture->connection);

    test_assert_failed (run, "me", "HTTP 403", NULL);
    g_assert_cmpuint (test_server_n_requests (fixture->server), ==, 1);
    g_assert_cmpuint (fixture->source->n_refreshed, ==, 0);
  }

  flows_app_set_refresh_on_status (fixture->app, statuses, G_N_ELEMENTS (statuses));
  {
    g_autoptr(FlowsRun) run = test_run (fixture->runner, fixture->app, fixture->flow, NULL, fixture->connection);

    test_assert_succeeded (run);
    g_assert_cmpuint (test_server_n_requests (fixture->server), ==, 3);
    g_assert_cmpuint (fixture->source->n_refreshed, ==, 1);
    g_assert_cmpstr (soup_message_headers_get_one (test_server_request (fixture->server, 2)->headers, "Authorization"), ==,
                     "Bearer " NEW_TOKEN);
  }

  /* Once only: a 403 again after the refresh is the stage's error, naming the status. */
  fixture->source->refusal = g_strdup ("the provider said no");
  {
    g_autoptr(FlowsRun) run = test_run (fixture->runner, fixture->app, fixture->flow, NULL, fixture->connection);

    test_assert_failed (run, "me", "HTTP 403 from GET", "the provider said no", NULL);
    g_assert_cmpuint (fixture->source->n_refreshed, ==, 2);
  }
}

int
main (int   argc,
      char *argv[])
{
  static const Case own_header_case = { FALSE, TRUE, NULL, TRUE, 2, 1, NULL };

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_test_add (cases[i].path, Fixture, &cases[i].test_case, fixture_set_up, test_token_source,
                fixture_tear_down);
  g_test_add ("/token-source/own-authorization-header", Fixture, &own_header_case, fixture_set_up,
              test_own_authorization_header, fixture_tear_down);
  g_test_add ("/token-source/refresh-on-status", Fixture, &own_header_case, fixture_set_up,
              test_refresh_on_status, fixture_tear_down);

  return g_test_run ();
}
