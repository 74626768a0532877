/* test-interop.c — OAuth end to end against oidc-provider, a certified OpenID Connect provider
 * from npm (tests/interop, installed by build-aux/test with npm ci).
 *
 * The provider runs as `node tests/interop/provider.mjs --port 0 --redirect-uri … --watch-stdin`
 * (it ends when this program's pipe to its stdin closes, even after a crash). The App is the
 * UNCHANGED OAuth template; its connection names the provider's endpoints, its client (which
 * must use PKCE S256 and client_secret_post) and the scopes "openid profile offline_access
 * api:read", the last one a scope the provider does not know and so never grants. The
 * test signs in through the provider's own login and consent pages in the real sign-in window,
 * filling them with JavaScript, then runs the unchanged Connection Test against the userinfo
 * endpoint, refreshes with the unchanged Step 3 (the provider rotates refresh tokens and revokes
 * everything when an old one comes back), shows the token details (the window and flows-cli:
 * the scope not granted flagged, the ID token's claims decoded; the provider's access tokens
 * are opaque here, see provider.mjs) and finally checks that no token and no client secret is in
 * any file of the data directory, in any trace, in any text of the Token Details window or in
 * flows-cli's output.
 *
 * Then an App made by discovery from the provider's own metadata signs in with the client that
 * must use client_secret_basic, and its Connection Test passes.
 *
 * With FLOWS_SCREENSHOT_DIR set, the sign-in window on the provider's login page is saved there
 * as sign-in.png.
 *
 * The cases run in order and share the provider and the connection. They need a display, the
 * disposable keyring of build-aux/session, Node.js and tests/interop/node_modules; they skip
 * with the reason without.
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "flows-discovery.h"
#include "flows-flow.h"
#include "flows-oauth.h"
#include "flows-run.h"
#include "flows-secrets.h"
#include "flows-token-details.h"
#include "flows-token-details-dialog.h"
#include "runner-helpers.h"
#include "sign-in-helpers.h"
#include "test-cli.h"
#include "test-files.h"

#define CLIENT_ID "flows-studio-interop"
/* provider.mjs's client that must use client_secret_basic, as discovery chooses. */
#define BASIC_CLIENT_ID "flows-studio-interop-basic"
#define SCOPES "openid profile offline_access " UNGRANTED_SCOPE
/* A scope oidc-provider does not know: it leaves it out of what it grants. */
#define UNGRANTED_SCOPE "api:read"
#define LOGIN "alice"
#define PROVIDER_START_TIMEOUT_MS 60000

static struct
{
  char           *skip_reason;
  gboolean        exited;     /* set when the provider cannot run here */
  GSubprocess    *provider;
  char           *log_dir;
  char           *log_path;
  char           *issuer;
  char           *redirect_url;
  char           *client_secret;
  TestOAuthApp   *oauth_app;
  gboolean        signed_in;
  GPtrArray      *secrets;         /* every token and secret seen, for the audit */
  GPtrArray      *runs;            /* every run made here, for the audit */
  char           *screenshot_path;
} interop;

/* Skips the case when an earlier one could not set things up. */
static gboolean
need_provider (gboolean need_sign_in)
{
  if (!test_need_display () || !test_need_keyring ())
    return FALSE;
  if (interop.skip_reason != NULL)
    {
      g_test_skip (interop.skip_reason);
      return FALSE;
    }
  if (interop.provider == NULL)
    {
      g_test_skip ("the provider did not start (see /interop/provider-starts)");
      return FALSE;
    }
  if (need_sign_in && !interop.signed_in)
    {
      g_test_skip ("the connection is not signed in (see /interop/sign-in)");
      return FALSE;
    }
  return TRUE;
}

static void
print_provider_log (void)
{
  g_autofree char *log = NULL;

  if (interop.log_path != NULL && g_file_get_contents (interop.log_path, &log, NULL, NULL))
    g_test_message ("provider.mjs stderr:\n%s", log);
}

/* Remembers a secret for the audit (NULL and repeats are ignored). */
static void
remember_secret (const char *secret)
{
  if (secret == NULL)
    return;
  for (guint i = 0; i < interop.secrets->len; i++)
    if (g_str_equal (g_ptr_array_index (interop.secrets, i), secret))
      return;
  g_ptr_array_add (interop.secrets, g_strdup (secret));
}

static char *
stored_token (const char *key)
{
  char *token = test_oauth_app_secret (interop.oauth_app, key);

  remember_secret (token);
  return token;
}

static FlowsRun *
run_role (FlowsFlowRole  role,
          GHashTable    *inputs)
{
  FlowsFlow *flow = flows_app_find_flow_by_role (interop.oauth_app->app, role);
  FlowsRun *run;

  g_assert_nonnull (flow);
  run = test_oauth_app_run (interop.oauth_app, flow, inputs, NULL);
  g_ptr_array_add (interop.runs, g_object_ref (run));
  return run;
}

/* The unchanged Connection Test: GET /me with the access token. */
static void
assert_connection_test_passes (void)
{
  g_autoptr(FlowsRun) run = run_role (FLOWS_FLOW_ROLE_CONNECTION_TEST, NULL);
  FlowsTraceEntry *entry;
  g_autofree char *sub = NULL;

  test_assert_succeeded (run);
  g_assert_cmpuint (flows_run_get_http_status (run), ==, 200);
  entry = test_trace_entry (run, "test", 0);
  sub = test_entry_output (entry, "body.sub");
  g_assert_cmpstr (sub, ==, LOGIN);
}

/* Cases -------------------------------------------------------------------------------------- */

static void
test_provider_starts (void)
{
  g_autofree char *interop_dir = g_strdup (g_getenv ("FLOWS_INTEROP_DIR"));
  g_autofree char *node = g_find_program_in_path ("node");
  g_autofree char *modules = NULL;
  g_autofree char *script = NULL;
  g_autofree char *secret_id = NULL;
  g_autofree char *auth_url = NULL;
  g_autofree char *token_url = NULL;
  g_autofree char *userinfo_url = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) output = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRegex) ready = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  g_auto(TestAsync) read = { NULL };
  g_autofree char *line = NULL;

  if (!test_need_display () || !test_need_keyring ())
    return;

  if (interop_dir == NULL)
    interop_dir = g_getenv ("G_TEST_SRCDIR") != NULL ? g_build_filename (g_getenv ("G_TEST_SRCDIR"), "interop", NULL) : NULL;
  modules = interop_dir != NULL ? g_build_filename (interop_dir, "node_modules", "oidc-provider", NULL) : NULL;
  if (node == NULL)
    interop.skip_reason = g_strdup ("Node.js is not installed: the interop test needs node 20 or later (build-aux/deps test)");
  else if (modules == NULL || !g_file_test (modules, G_FILE_TEST_IS_DIR))
    interop.skip_reason = g_strdup_printf ("%s/node_modules is missing: run 'npm ci' in tests/interop (build-aux/test does)",
                                           interop_dir != NULL ? interop_dir : "tests/interop");
  if (interop.skip_reason != NULL)
    {
      g_test_skip (interop.skip_reason);
      return;
    }

  script = g_build_filename (interop_dir, "provider.mjs", NULL);
  interop.redirect_url = g_strdup_printf ("http://127.0.0.1:%u/oauth/callback", test_closed_port ());
  secret_id = g_uuid_string_random ();
  interop.client_secret = g_strdup_printf ("interop-secret-%s", secret_id);
  remember_secret (interop.client_secret);

  interop.log_dir = test_make_temp_dir ("flows-interop-XXXXXX");
  interop.log_path = g_build_filename (interop.log_dir, "provider.log", NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_stderr_file_path (launcher, interop.log_path);
  interop.provider = g_subprocess_launcher_spawn (launcher, &error, node, script,
                                                  "--port", "0",
                                                  "--redirect-uri", interop.redirect_url,
                                                  "--client-secret", interop.client_secret,
                                                  "--watch-stdin",
                                                  NULL);
  g_assert_no_error (error);

  /* One line on stdout once it listens: READY http://127.0.0.1:N. */
  output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (interop.provider));
  g_data_input_stream_read_line_async (output, G_PRIORITY_DEFAULT, NULL, test_async_ready, &read);
  line = g_data_input_stream_read_line_finish_utf8 (output, test_async_wait (&read, PROVIDER_START_TIMEOUT_MS), NULL, &error);
  g_assert_no_error (error);
  if (line == NULL)
    {
      print_provider_log ();
      g_error ("provider.mjs ended without printing READY");
    }
  g_test_message ("provider.mjs: %s", line);
  ready = g_regex_new ("^READY (http://127\\.0\\.0\\.1:[0-9]+)$", 0, 0, NULL);
  if (!g_regex_match (ready, line, 0, &match))
    {
      print_provider_log ();
      g_error ("provider.mjs printed “%s” instead of READY http://127.0.0.1:N", line);
    }
  interop.issuer = g_match_info_fetch (match, 1);

  auth_url = g_strconcat (interop.issuer, "/auth", NULL);
  token_url = g_strconcat (interop.issuer, "/token", NULL);
  userinfo_url = g_strconcat (interop.issuer, "/me", NULL);
  interop.oauth_app = test_oauth_app_new (interop.redirect_url, auth_url, token_url, userinfo_url,
                                          CLIENT_ID, interop.client_secret, SCOPES);
}

/* On the provider's login page: the header shows its host and that it is not encrypted (plain
 * http on loopback), and the screenshot is taken. */
static void
on_interop_page (SignInDrive *drive,
                 PageKind     kind,
                 const char  *uri,
                 gpointer     user_data)
{
  g_autoptr(GError) error = NULL;

  if (kind != PAGE_KIND_LOGIN || drive->n_login != 1)
    return;

  g_assert_cmpstr (sign_in_window_host (drive->window), ==, "127.0.0.1");
  g_assert_cmpstr (sign_in_window_security (drive->window), ==, "Not encrypted");
  g_assert_cmpstr (sign_in_window_security_icon (drive->window), ==, "channel-insecure-symbolic");
  g_assert_cmpstr (sign_in_window_page (drive->window), ==, "web");

  if (interop.screenshot_path == NULL)
    return;
  /* Let the page paint before the picture is taken. */
  test_spin (1000);
  if (!ui_test_save_screenshot (GTK_WIDGET (drive->window), interop.screenshot_path, &error))
    g_error ("no screenshot: %s", error->message);
  g_test_message ("screenshot of the sign-in window: %s", interop.screenshot_path);
}

static void
test_sign_in (void)
{
  g_autofree char *access_token = NULL;
  g_autofree char *refresh_token = NULL;
  g_autoptr(FlowsConnection) saved = NULL;
  SignInDrive drive;
  gint64 before;

  if (!need_provider (FALSE))
    return;

  if (g_getenv ("FLOWS_SCREENSHOT_DIR") != NULL)
    {
      g_mkdir_with_parents (g_getenv ("FLOWS_SCREENSHOT_DIR"), 0755);
      interop.screenshot_path = g_build_filename (g_getenv ("FLOWS_SCREENSHOT_DIR"), "sign-in.png", NULL);
    }

  before = g_get_real_time () / G_USEC_PER_SEC;
  sign_in_drive_init_oidc (&drive, LOGIN);
  drive.on_page = on_interop_page;
  sign_in_with_window (&drive, interop.oauth_app);
  if (drive.error != NULL)
    print_provider_log ();
  g_assert_no_error (drive.error);
  g_assert_true (drive.succeeded);

  /* Through the provider's own pages, once each. */
  g_assert_cmpuint (drive.n_login, ==, 1);
  g_assert_cmpuint (drive.n_consent, ==, 1);
  g_assert_false (sign_in_window_is_open (drive.window));

  access_token = stored_token (FLOWS_SECRETS_ACCESS_TOKEN_KEY);
  refresh_token = stored_token (FLOWS_SECRETS_REFRESH_TOKEN_KEY);
  g_assert_nonnull (access_token);
  g_assert_nonnull (refresh_token);
  g_assert_true (flows_connection_get_signed_in (interop.oauth_app->connection));
  /* provider.mjs issues access tokens for an hour. */
  g_assert_cmpint (flows_connection_get_token_expires_at (interop.oauth_app->connection), >=, before + 3600);
  g_assert_cmpint (flows_connection_get_token_expires_at (interop.oauth_app->connection), <=,
                   g_get_real_time () / G_USEC_PER_SEC + 3600);
  test_assert_contains (flows_connection_get_scope (interop.oauth_app->connection), "openid");

  saved = test_oauth_app_reload_connection (interop.oauth_app);
  g_assert_true (flows_connection_get_signed_in (saved));
  g_assert_cmpint (flows_connection_get_token_expires_at (saved), ==,
                   flows_connection_get_token_expires_at (interop.oauth_app->connection));

  interop.signed_in = TRUE;
  sign_in_drive_clear (&drive);
}

static void
test_connection_test (void)
{
  if (!need_provider (TRUE))
    return;

  assert_connection_test_passes ();
}

/* flows_token_refresher_refresh_async() with the unchanged Step 3: a new access token that works, and
 * the rotated refresh token kept (the provider refuses the old one, and revokes everything
 * when it comes back). */
static void
test_refresh (void)
{
  g_autofree char *old_access_token = NULL;
  g_autofree char *old_refresh_token = NULL;
  g_autofree char *new_access_token = NULL;
  g_autofree char *new_refresh_token = NULL;
  g_autoptr(GError) error = NULL;

  if (!need_provider (TRUE))
    return;

  old_access_token = stored_token (FLOWS_SECRETS_ACCESS_TOKEN_KEY);
  old_refresh_token = stored_token (FLOWS_SECRETS_REFRESH_TOKEN_KEY);

  g_assert_true (test_oauth_app_refresh (interop.oauth_app, &error));
  if (error != NULL)
    print_provider_log ();
  g_assert_no_error (error);

  new_access_token = stored_token (FLOWS_SECRETS_ACCESS_TOKEN_KEY);
  new_refresh_token = stored_token (FLOWS_SECRETS_REFRESH_TOKEN_KEY);
  g_assert_nonnull (new_access_token);
  g_assert_cmpstr (new_access_token, !=, old_access_token);
  g_assert_nonnull (new_refresh_token);
  g_assert_cmpstr (new_refresh_token, !=, old_refresh_token);
  g_assert_true (flows_connection_get_signed_in (interop.oauth_app->connection));
  g_assert_null (flows_connection_get_needs_sign_in (interop.oauth_app->connection));

  /* The new token works at /me. */
  assert_connection_test_passes ();

  /* And the stored refresh token is the current one: a second refresh works too. */
  g_assert_true (test_oauth_app_refresh (interop.oauth_app, &error));
  g_assert_no_error (error);
  g_free (stored_token (FLOWS_SECRETS_ACCESS_TOKEN_KEY));
  g_free (stored_token (FLOWS_SECRETS_REFRESH_TOKEN_KEY));
  assert_connection_test_passes ();
}

/* Step 3 run directly, as a developer does from the flow editor, so that its trace (with the
 * provider's token response and the client secret in the form) can be audited; the tokens go
 * to the keyring the way the runtime stores them. */
static void
test_step3_trace (void)
{
  g_autoptr(GHashTable) inputs = NULL;
  g_autoptr(FlowsRun) run = NULL;
  g_autofree char *access_token = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(TestAsync) store = { NULL };
  char *token;

  if (!need_provider (TRUE))
    return;

  inputs = test_inputs_new ("ConnectionID", flows_connection_get_id (interop.oauth_app->connection), NULL);
  run = run_role (FLOWS_FLOW_ROLE_OAUTH_REFRESH, inputs);
  test_assert_succeeded (run);
  access_token = test_response_text (run, "access_token");
  remember_secret (access_token);
  {
    g_autofree char *refresh_token = test_response_text (run, "refresh_token");
    remember_secret (refresh_token);
  }

  flows_oauth_store_tokens_async (interop.oauth_app->app, interop.oauth_app->connection, interop.oauth_app->library,
                                  run, NULL, test_async_ready, &store);
  token = flows_oauth_store_tokens_finish (test_async_wait (&store, SIGN_IN_TIMEOUT_MS), &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);
  flows_secrets_free (token);
  {
    g_autofree char *stored = stored_token (FLOWS_SECRETS_ACCESS_TOKEN_KEY);
    g_assert_cmpstr (stored, ==, access_token);
  }
  assert_connection_test_passes ();
}

/* Every attempt has a session of its own: the provider's session cookie from the first sign-in
 * did not survive, so its login page comes again. */
static void
test_second_sign_in_logs_in_again (void)
{
  SignInDrive drive;

  if (!need_provider (TRUE))
    return;

  sign_in_drive_init_oidc (&drive, LOGIN);
  sign_in_with_window (&drive, interop.oauth_app);
  g_assert_no_error (drive.error);
  g_assert_cmpuint (drive.n_login, ==, 1);
  g_assert_cmpuint (drive.n_consent, ==, 1);
  g_free (stored_token (FLOWS_SECRETS_ACCESS_TOKEN_KEY));
  g_free (stored_token (FLOWS_SECRETS_REFRESH_TOKEN_KEY));
  assert_connection_test_passes ();
  sign_in_drive_clear (&drive);
}

static const char *
claim_value (GPtrArray  *claims,
             const char *name)
{
  for (guint i = 0; i < claims->len; i++)
    {
      FlowsTokenClaim *claim = g_ptr_array_index (claims, i);

      if (g_str_equal (claim->name, name))
        return claim->value;
    }
  return NULL;
}

static FlowsTokenScope *
find_scope (FlowsTokenDetails *details,
            const char        *name)
{
  for (guint i = 0; i < details->scopes->len; i++)
    if (g_str_equal (((FlowsTokenScope *)g_ptr_array_index (details->scopes, i))->name, name))
      return g_ptr_array_index (details->scopes, i);
  return NULL;
}

static gboolean
details_shown (gpointer user_data)
{
  GtkWidget *stack = test_find_widget_of_type (GTK_WIDGET (user_data), GTK_TYPE_STACK);

  return g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (stack)), "details") == 0;
}

/* Asserts that none of the tokens in the keyring, nor the parts of the ID token, is in @text. */
static void
assert_no_token (const char *what,
                 const char *text)
{
  g_autofree char *id_token = stored_token (FLOWS_SECRETS_ID_TOKEN_KEY);
  g_auto(GStrv) parts = g_strsplit (id_token, ".", -1);
  g_autoptr(GPtrArray) secrets = g_ptr_array_new ();

  for (guint i = 0; i < interop.secrets->len; i++)
    g_ptr_array_add (secrets, g_ptr_array_index (interop.secrets, i));
  for (guint i = 0; parts[i] != NULL; i++)
    if (strlen (parts[i]) >= 8)
      g_ptr_array_add (secrets, parts[i]);
  g_ptr_array_add (secrets, NULL);
  audit_text (what, text, (const char * const *)secrets->pdata);
}

/* The token details of the signed-in connection, read back from oidc-provider's real tokens: its
 * ID token is a JWT, whose claims are decoded; its access tokens are opaque (provider.mjs turns
 * resource indicators off, so it issues no JWT access token), which the details say; the scope
 * it did not grant is flagged. The window and flows-cli show it, and no token. */
static void
test_token_details (void)
{
  g_autoptr(FlowsTokenDetails) details = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id_token = NULL;
  g_autofree char *access_token = NULL;
  g_autofree char *refresh_token = NULL;
  g_autofree char *text = NULL;
  g_autoptr(TestCli) cli = NULL;
  FlowsTokenDetailsDialog *dialog;
  FlowsTokenScope *scope;
  const char *exp;

  if (!need_provider (TRUE))
    return;

  access_token = stored_token (FLOWS_SECRETS_ACCESS_TOKEN_KEY);
  refresh_token = stored_token (FLOWS_SECRETS_REFRESH_TOKEN_KEY);
  id_token = stored_token (FLOWS_SECRETS_ID_TOKEN_KEY);
  g_assert_nonnull (id_token);
  g_test_message ("granted scope: “%s”; token type: “%s”",
                  flows_connection_get_scope (interop.oauth_app->connection),
                  flows_connection_get_token_type (interop.oauth_app->connection));

  details = flows_token_details_load_sync (interop.oauth_app->app, interop.oauth_app->connection, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (details->token_type, ==, "Bearer");
  g_assert_true (details->refresh_token_held);
  g_assert_true (details->scope_reported);
  g_assert_true (details->scopes_from_connection);
  scope = find_scope (details, "openid");
  g_assert_true (scope->asked && scope->granted && !scope->missing);
  scope = find_scope (details, UNGRANTED_SCOPE);
  g_assert_nonnull (scope);
  g_assert_true (scope->asked);
  g_assert_false (scope->granted);
  g_assert_true (scope->missing);
  /* And offline_access, which oidc-provider leaves out of the scope it reports (see
   * provider.mjs): the details show what the provider said, whatever it did with the grant. */
  scope = find_scope (details, "offline_access");
  g_assert_true (scope->asked && !scope->granted && scope->missing);

  g_assert_cmpint (details->access_token->form, ==, FLOWS_JWT_OPAQUE);
  g_assert_cmpint (details->id_token->form, ==, FLOWS_JWT_SIGNED);
  g_assert_cmpstr (claim_value (details->id_token->header, "alg"), ==, "RS256");
  g_assert_cmpstr (claim_value (details->id_token->header, "kid"), ==, "interop");
  g_assert_cmpstr (claim_value (details->id_token->claims, "iss"), ==, interop.issuer);
  g_assert_cmpstr (claim_value (details->id_token->claims, "sub"), ==, LOGIN);
  g_assert_cmpstr (claim_value (details->id_token->claims, "aud"), ==, CLIENT_ID);
  exp = claim_value (details->id_token->claims, "exp");
  g_assert_nonnull (exp);
  g_assert_nonnull (claim_value (details->id_token->claims, "iat"));

  /* The window. */
  dialog = flows_token_details_dialog_new (NULL, interop.oauth_app->app, interop.oauth_app->connection);
  test_window_show (GTK_WINDOW (dialog));
  test_wait_for (details_shown, dialog, SIGN_IN_TIMEOUT_MS);
  test_wait_idle ();
  text = test_widget_text (GTK_WIDGET (dialog));
  test_assert_contains (text, "Opaque: not a JWT, only the provider can read it");
  test_assert_contains (text, "JWT, signed with RS256 (not verified here)");
  test_assert_contains (text, UNGRANTED_SCOPE "\nAsked, not granted\nMissing\n");
  test_assert_contains (text, "sub\n\n" LOGIN "\n");
  test_assert_contains (text, interop.issuer);
  assert_no_token ("the Token Details window", text);
  g_clear_pointer (&text, g_free);
  text = test_widget_all_text (GTK_WIDGET (dialog));
  assert_no_token ("the Token Details window's tooltips and accessible names", text);
  gtk_window_destroy (GTK_WINDOW (dialog));
  test_wait_idle ();

  /* flows-cli. */
  cli = test_cli_exec ((const char * const []) { "connection", "show", flows_connection_get_id (interop.oauth_app->connection),
                                                 "--tokens", "--data-dir", interop.oauth_app->data_dir, NULL },
                       NULL, NULL, SIGN_IN_TIMEOUT_MS);
  g_assert_cmpint (cli->status, ==, 0);
  test_assert_contains (cli->out, "    " UNGRANTED_SCOPE ": asked, NOT GRANTED\n");
  test_assert_contains (cli->out, "  Access token: Opaque: not a JWT, only the provider can read it\n");
  test_assert_contains (cli->out, "  ID token claims:\n");
  test_assert_contains (cli->out, "    sub: " LOGIN "\n");
  assert_no_token ("flows-cli’s output", cli->out);
  assert_no_token ("flows-cli’s errors", cli->err);
}

/* Discovery from the provider's real metadata: the App made from it (the oidc preset, with
 * client_secret_basic, as the metadata lists it first) signs in through the provider's pages
 * with the client that must use Basic, and its unchanged Connection Test passes; its refresh
 * works too. Nothing is set on the connection but the client's id and secret. */
static void
test_discover (void)
{
  g_autoptr(FlowsProviderPresets) presets = NULL;
  g_autoptr(FlowsProviderMetadata) metadata = NULL;
  g_autoptr(FlowsApp) app = NULL;
  g_autoptr(TestOAuthApp) oauth_app = NULL;
  g_autoptr(FlowsRun) run = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *scopes = NULL;
  g_autofree char *sub = NULL;
  g_autofree char *access_token = NULL;
  g_autofree char *refresh_token = NULL;
  g_auto(TestAsync) fetched = { NULL };
  SignInDrive drive;
  const char *secrets[4] = { NULL };

  if (!need_provider (FALSE))
    return;

  flows_discovery_fetch_async (NULL, interop.issuer, NULL, test_async_ready, &fetched);
  metadata = flows_discovery_fetch_finish (test_async_wait (&fetched, SIGN_IN_TIMEOUT_MS), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (metadata->issuer, ==, interop.issuer);
  expected = g_strconcat (interop.issuer, "/.well-known/openid-configuration", NULL);
  g_assert_cmpstr (metadata->document_url, ==, expected);
  g_free (expected);
  expected = g_strconcat (interop.issuer, "/auth", NULL);
  g_assert_cmpstr (metadata->authorization_endpoint, ==, expected);
  g_free (expected);
  expected = g_strconcat (interop.issuer, "/me", NULL);
  g_assert_cmpstr (metadata->userinfo_endpoint, ==, expected);
  scopes = flows_provider_metadata_suggest_scopes (metadata);
  g_assert_cmpstr (scopes, ==, "openid offline_access");
  g_assert_true (flows_provider_metadata_supports_pkce (metadata));
  g_assert_cmpint (flows_provider_metadata_choose_client_auth (metadata), ==, FLOWS_CLIENT_AUTH_BASIC);

  presets = flows_provider_presets_new (NULL);
  app = flows_discovery_create_app (flows_provider_presets_find (presets, FLOWS_DISCOVERY_PRESET_ID),
                                    "Discovered interop", metadata, &error);
  g_assert_no_error (error);
  oauth_app = test_oauth_app_new_for_app (app, interop.redirect_url, interop.client_secret,
                                          "ClientID", BASIC_CLIENT_ID, NULL);

  sign_in_drive_init_oidc (&drive, LOGIN);
  sign_in_with_window (&drive, oauth_app);
  if (drive.error != NULL)
    print_provider_log ();
  g_assert_no_error (drive.error);
  g_assert_true (drive.succeeded);
  sign_in_drive_clear (&drive);

  run = test_oauth_app_run (oauth_app, flows_app_find_flow_by_role (oauth_app->app, FLOWS_FLOW_ROLE_CONNECTION_TEST),
                            NULL, NULL);
  test_assert_succeeded (run);
  g_assert_true (flows_run_judge_connection_test (run, NULL));
  sub = test_entry_output (test_trace_entry (run, "test", 0), "body.sub");
  g_assert_cmpstr (sub, ==, LOGIN);

  /* Step 3 with Basic too: the provider rotates the refresh token. */
  refresh_token = test_oauth_app_secret (oauth_app, FLOWS_SECRETS_REFRESH_TOKEN_KEY);
  g_assert_nonnull (refresh_token);
  g_assert_true (test_oauth_app_refresh (oauth_app, &error));
  g_assert_no_error (error);
  access_token = test_oauth_app_secret (oauth_app, FLOWS_SECRETS_ACCESS_TOKEN_KEY);

  /* Nothing secret in its files or its trace. */
  secrets[0] = interop.client_secret;
  secrets[1] = access_token;
  secrets[2] = refresh_token;
  audit_directory (oauth_app->data_dir, secrets);
  audit_run (run, secrets);
}

static void
test_secrets_audit (void)
{
  guint n_files;

  if (!need_provider (TRUE))
    return;

  g_ptr_array_add (interop.secrets, NULL);
  g_test_message ("auditing %u secrets (tokens and the client secret) in the data directory and %u traces",
                  interop.secrets->len - 1, interop.runs->len);
  n_files = audit_directory (interop.oauth_app->data_dir, (const char * const *)interop.secrets->pdata);
  /* The App and its connection, at least. */
  g_assert_cmpuint (n_files, >=, 2);
  for (guint i = 0; i < interop.runs->len; i++)
    audit_run (g_ptr_array_index (interop.runs, i), (const char * const *)interop.secrets->pdata);
  g_ptr_array_remove_index (interop.secrets, interop.secrets->len - 1);
}

/* Closing its stdin stops the provider (--watch-stdin); it exits 0. */
static void
test_provider_stops (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(TestAsync) exit = { NULL };

  if (!test_need_display () || !test_need_keyring ())
    return;
  if (interop.provider == NULL)
    {
      g_test_skip (interop.skip_reason != NULL ? interop.skip_reason : "the provider did not start");
      return;
    }

  g_output_stream_close (g_subprocess_get_stdin_pipe (interop.provider), NULL, &error);
  g_assert_no_error (error);
  g_subprocess_wait_async (interop.provider, NULL, test_async_ready, &exit);
  g_subprocess_wait_finish (interop.provider, test_async_wait (&exit, 10000), &error);
  g_assert_no_error (error);
  interop.exited = TRUE;
  g_assert_true (g_subprocess_get_if_exited (interop.provider));
  g_assert_cmpint (g_subprocess_get_exit_status (interop.provider), ==, 0);

  /* The provider's own log has none of the secrets either (it logs paths, not queries). */
  {
    g_autofree char *log = NULL;

    g_file_get_contents (interop.log_path, &log, NULL, &error);
    g_assert_no_error (error);
    g_ptr_array_add (interop.secrets, NULL);
    audit_text ("provider.mjs's log", log, (const char * const *)interop.secrets->pdata);
    g_ptr_array_remove_index (interop.secrets, interop.secrets->len - 1);
  }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  ui_test_init (&argc, &argv);
  interop.secrets = g_ptr_array_new_with_free_func (g_free);
  interop.runs = g_ptr_array_new_with_free_func (g_object_unref);

  g_test_add_func ("/interop/provider-starts", test_provider_starts);
  g_test_add_func ("/interop/sign-in", test_sign_in);
  g_test_add_func ("/interop/connection-test", test_connection_test);
  g_test_add_func ("/interop/refresh", test_refresh);
  g_test_add_func ("/interop/step3-trace", test_step3_trace);
  g_test_add_func ("/interop/second-sign-in-logs-in-again", test_second_sign_in_logs_in_again);
  g_test_add_func ("/interop/token-details", test_token_details);
  g_test_add_func ("/interop/discover", test_discover);
  g_test_add_func ("/interop/secrets-audit", test_secrets_audit);
  g_test_add_func ("/interop/provider-stops", test_provider_stops);

  status = g_test_run ();

  g_clear_pointer (&interop.oauth_app, test_oauth_app_free);
  /* After a failure: closing the pipe to its stdin (with the object) stops it as well. */
  if (interop.provider != NULL && !interop.exited)
    g_subprocess_force_exit (interop.provider);
  g_clear_object (&interop.provider);
  if (interop.log_path != NULL)
    g_unlink (interop.log_path);
  if (interop.log_dir != NULL)
    g_rmdir (interop.log_dir);
  g_free (interop.log_path);
  g_free (interop.log_dir);
  g_free (interop.issuer);
  g_free (interop.redirect_url);
  g_free (interop.client_secret);
  g_free (interop.skip_reason);
  g_free (interop.screenshot_path);
  g_ptr_array_unref (interop.secrets);
  g_ptr_array_unref (interop.runs);
  return status;
}
