/* bench-signin.c — how long an OAuth sign-in takes, from starting it to the tokens in the keyring.
 *
 * The provider is the sandbox provider on 127.0.0.1 with auto-consent, so no page waits for a
 * person: the time is Step 1, the real sign-in window (a new WebKit view on a new ephemeral
 * network session, loading the authorisation URL and capturing the redirect), Step 2 against
 * the token endpoint, and storing the tokens (keyring) and the connection file. Five sign-ins,
 * each printed; the last line is the median, "signin-ms: N".
 *
 * The baseline, measured first in the same run: the same sign-in without a browser (Step 1,
 * the authorisation request with libsoup, the redirect read from its Location header, then
 * flows_sign_in_complete_async()), so that the window's own cost shows.
 *
 * Needs a display and the disposable keyring of build-aux/session; exits 77 (skipped) without.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "flows-app-templates.h"
#include "flows-library.h"
#include "flows-oauth.h"
#include "flows-runner.h"
#include "flows-sandbox-provider.h"
#include "flows-secrets.h"
#include "flows-sign-in-window.h"
#include "flows-sign-in.h"
#include "runner-helpers.h"
#include "test-files.h"
#include "test-session.h"

#define N_SIGN_INS 5
#define TIMEOUT_MS 60000

typedef struct
{
  gboolean  done;
  gboolean  succeeded;
  char     *uri;
  GError   *error;
  gint64    load_started;   /* the web view starts loading the authorisation URL */
  gint64    captured;       /* the redirect was captured (its load stopped) */
} Wait;

static gboolean
sign_in_step_done (gpointer user_data)
{
  return ((Wait *)user_data)->done;
}

static void
on_window_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Wait *wait = user_data;

  wait->succeeded = flows_sign_in_window_run_finish (FLOWS_SIGN_IN_WINDOW (source), result, &wait->error);
  wait->done = TRUE;
}

static void
on_started (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Wait *wait = user_data;

  wait->uri = flows_sign_in_start_finish (FLOWS_SIGN_IN (source), result, &wait->error);
  wait->done = TRUE;
}

static void
on_completed (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Wait *wait = user_data;

  wait->succeeded = flows_sign_in_complete_finish (FLOWS_SIGN_IN (source), result, &wait->error);
  wait->done = TRUE;
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *wait = user_data;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &wait->error);

  wait->succeeded = body != NULL;
  wait->done = TRUE;
}

static void
check (Wait       *wait,
       const char *what)
{
  if (wait->error != NULL)
    g_error ("%s failed: %s", what, wait->error->message);
}

static void
on_load_changed (WebKitWebView   *web_view,
                 WebKitLoadEvent  event,
                 Wait            *wait)
{
  if (event == WEBKIT_LOAD_STARTED && wait->load_started == 0)
    wait->load_started = g_get_monotonic_time ();
}

/* The window lets the load of a captured redirect fail (and only then calls this handler). */
static gboolean
on_load_failed (WebKitWebView   *web_view,
                WebKitLoadEvent  event,
                const char      *failing_uri,
                GError          *error,
                Wait            *wait)
{
  if (wait->captured == 0)
    wait->captured = g_get_monotonic_time ();
  return FALSE;
}

/* One sign-in through the window; returns its duration in milliseconds and prints where the
 * time went. */
static double
sign_in_with_window (FlowsRunner     *runner,
                     FlowsLibrary    *library,
                     FlowsApp        *app,
                     FlowsConnection *connection,
                     guint            number)
{
  g_autoptr(FlowsSignIn) sign_in = flows_sign_in_new (runner, library, app, connection);
  FlowsSignInWindow *window = flows_sign_in_window_new (NULL, sign_in);
  WebKitWebView *web_view = flows_sign_in_window_get_web_view (window);
  Wait wait = { 0 };
  gint64 started;
  gint64 finished;

  g_signal_connect (web_view, "load-changed", G_CALLBACK (on_load_changed), &wait);
  g_signal_connect (web_view, "load-failed", G_CALLBACK (on_load_failed), &wait);

  started = g_get_monotonic_time ();
  flows_sign_in_window_run_async (window, on_window_done, &wait);
  test_wait_for (sign_in_step_done, &wait, TIMEOUT_MS);
  finished = g_get_monotonic_time ();
  check (&wait, "the sign-in");

  g_print ("sign-in %u (window)%s: %.0f ms (page load started at %.0f ms, redirect captured at %.0f ms)\n",
           number, number == 1 ? ", the first starts WebKit's processes" : "",
           (finished - started) / 1000.0,
           wait.load_started != 0 ? (wait.load_started - started) / 1000.0 : -1.0,
           wait.captured != 0 ? (wait.captured - started) / 1000.0 : -1.0);
  return (finished - started) / 1000.0;
}

/* The same sign-in without a browser: Step 1, GET the authorisation URL, complete with the
 * Location of the answer. */
static double
sign_in_without_browser (SoupSession     *session,
                         FlowsRunner     *runner,
                         FlowsLibrary    *library,
                         FlowsApp        *app,
                         FlowsConnection *connection)
{
  g_autoptr(FlowsSignIn) sign_in = flows_sign_in_new (runner, library, app, connection);
  g_autoptr(SoupMessage) message = NULL;
  Wait start = { 0 };
  Wait get = { 0 };
  Wait complete = { 0 };
  const char *location;
  gint64 started;
  gint64 finished;

  started = g_get_monotonic_time ();
  flows_sign_in_start_async (sign_in, NULL, on_started, &start);
  test_wait_for (sign_in_step_done, &start, TIMEOUT_MS);
  check (&start, "Step 1");

  message = soup_message_new ("GET", start.uri);
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL, on_sent, &get);
  test_wait_for (sign_in_step_done, &get, TIMEOUT_MS);
  check (&get, "the authorisation request");
  location = soup_message_headers_get_one (soup_message_get_response_headers (message), "Location");
  if (location == NULL)
    g_error ("the authorisation request answered %u without a Location", soup_message_get_status (message));

  flows_sign_in_complete_async (sign_in, location, NULL, on_completed, &complete);
  test_wait_for (sign_in_step_done, &complete, TIMEOUT_MS);
  finished = g_get_monotonic_time ();
  check (&complete, "the exchange");

  g_free (start.uri);
  return (finished - started) / 1000.0;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  double x = *(const double *)a;
  double y = *(const double *)b;

  return x < y ? -1 : x > y;
}

static double
median (double *values,
        guint   n_values)
{
  g_qsort_with_data (values, n_values, sizeof *values, compare_doubles, NULL);
  return n_values % 2 == 1 ? values[n_values / 2] : (values[n_values / 2 - 1] + values[n_values / 2]) / 2;
}

/* The access token of @connection is in the keyring. */
static void
assert_tokens_stored (FlowsApp        *app,
                      FlowsConnection *connection)
{
  g_autoptr(GError) error = NULL;
  char *token = flows_secrets_lookup_sync (flows_app_get_id (app), flows_connection_get_id (connection),
                                           FLOWS_SECRETS_ACCESS_TOKEN_KEY, NULL, &error);

  if (token == NULL)
    g_error ("no access token in the keyring after signing in%s%s", error != NULL ? ": " : "",
             error != NULL ? error->message : "");
  flows_secrets_free (token);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(FlowsSandboxProvider) provider = NULL;
  g_autoptr(FlowsRunner) runner = NULL;
  g_autoptr(FlowsLibrary) library = NULL;
  g_autoptr(FlowsApp) app = NULL;
  g_autoptr(FlowsConnection) connection = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *auth_url = NULL;
  g_autofree char *token_url = NULL;
  g_autofree char *userinfo_url = NULL;
  g_autofree char *redirect_url = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *connection_id = g_uuid_string_random ();
  double window_ms[N_SIGN_INS];
  double baseline_ms[N_SIGN_INS];

  if (!test_have_keyring ())
    {
      g_printerr ("bench-signin: needs the disposable keyring of build-aux/session (FLOWS_TEST_SECRET_SERVICE=1)\n");
      return 77;
    }
  /* Xvfb has no DRM device: WebKit's DMA-BUF renderer would draw nothing there. */
  g_setenv ("WEBKIT_DISABLE_DMABUF_RENDERER", "1", FALSE);
  if (!gtk_init_check ())
    {
      g_printerr ("bench-signin: needs a display (run it under build-aux/session)\n");
      return 77;
    }
  adw_init ();

  provider = flows_sandbox_provider_new ();
  flows_sandbox_provider_set_auto_consent (provider, TRUE);
  if (!flows_sandbox_provider_start (provider, 0, &error))
    g_error ("the sandbox provider did not start: %s", error->message);
  base_url = flows_sandbox_provider_get_base_url (provider);
  auth_url = g_strconcat (base_url, FLOWS_SANDBOX_AUTHORIZE_PATH, NULL);
  token_url = g_strconcat (base_url, FLOWS_SANDBOX_TOKEN_PATH, NULL);
  userinfo_url = g_strconcat (base_url, FLOWS_SANDBOX_USERINFO_PATH, NULL);
  /* Nothing listens there: the window captures the redirect before it loads. */
  redirect_url = g_strdup_printf ("http://127.0.0.1:%u/oauth/callback", test_closed_port ());

  library = test_library_new_temp ("flows-bench-signin-XXXXXX", &data_dir);

  app = flows_app_new_from_template ("Sign-in benchmark", FLOWS_CONNECTION_TYPE_OAUTH);
  flows_app_set_redirect_url (app, redirect_url);
  connection = flows_connection_new (connection_id, flows_app_get_id (app), "Sandbox");
  flows_connection_set_value (connection, "AuthURL", auth_url);
  flows_connection_set_value (connection, "TokenURL", token_url);
  flows_connection_set_value (connection, "TestURL", userinfo_url);
  flows_connection_set_value (connection, "ClientID", FLOWS_SANDBOX_CLIENT_ID);
  if (!flows_library_add_app (library, app, &error) ||
      !flows_library_add_connection (library, connection, &error) ||
      !flows_secrets_store_sync (flows_app_get_id (app), connection_id, "ClientSecret", FLOWS_SANDBOX_CLIENT_SECRET,
                                 NULL, &error))
    g_error ("%s", error->message);

  runner = flows_runner_new ();
  session = soup_session_new ();

  g_print ("Sign-in against the sandbox provider on %s with auto-consent: Step 1, the page, the redirect, Step 2, tokens stored\n",
           base_url);

  for (guint i = 0; i < N_SIGN_INS; i++)
    {
      baseline_ms[i] = sign_in_without_browser (session, runner, library, app, connection);
      assert_tokens_stored (app, connection);
      g_print ("baseline %u (no browser: libsoup reads the redirect): %.0f ms\n", i + 1, baseline_ms[i]);
    }

  for (guint i = 0; i < N_SIGN_INS; i++)
    {
      g_autoptr(GError) clear_error = NULL;

      /* Each sign-in starts signed out, so that the one measured stores the tokens. */
      if (!flows_secrets_clear_sync (flows_app_get_id (app), connection_id, FLOWS_SECRETS_ACCESS_TOKEN_KEY, NULL, &clear_error))
        g_error ("%s", clear_error->message);
      window_ms[i] = sign_in_with_window (runner, library, app, connection, i + 1);
      assert_tokens_stored (app, connection);
    }

  if (flows_sandbox_provider_get_request_count (provider, "token") != 2 * N_SIGN_INS)
    g_error ("the provider saw %u code exchanges, not %u", flows_sandbox_provider_get_request_count (provider, "token"),
             2 * N_SIGN_INS);

  flows_secrets_clear_connection_sync (flows_app_get_id (app), connection_id, NULL, NULL);
  test_remove_tree (data_dir);
  flows_sandbox_provider_stop (provider);

  g_print ("baseline-ms: %.0f (median, no browser)\n", median (baseline_ms, N_SIGN_INS));
  g_print ("signin-ms: %.0f\n", median (window_ms, N_SIGN_INS));
  return 0;
}
