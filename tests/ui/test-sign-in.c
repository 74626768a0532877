/* test-sign-in.c — OAuth sign-in end to end with the real WebKit sign-in window (docs/ARCHITECTURE.md,
 * "OAuth sequence").
 *
 * The provider is the sandbox provider (src/sandbox/flows-sandbox-provider.c), started in this
 * process on a free port with its fault modes, or, for what the sandbox cannot do (redirecting
 * to look-alikes of the redirect URL, a bad certificate), a SoupServer of runner-helpers. The
 * App is the unchanged OAuth template with its connection's values pointing at the provider, the
 * client secret in the keyring, and a loopback redirect URL where nothing listens: the window
 * must capture the redirect before it loads. The pages are filled with JavaScript.
 *
 * Also unit cases of the pieces without a browser (redirect matching, the constant-time compare,
 * reading callbacks, PKCE), the loopback listener of the system-browser sign-in and that sign-in
 * with curl as the default browser, token refresh through the unchanged Step 3
 * (flows_token_refresher_refresh_async, Call API's own refreshes, single flight), and the traces of
 * Step 1 and Step 2 run directly (no secret in them).
 *
 * Window cases need a display and the disposable keyring of build-aux/session; they skip
 * without.
 */
#include "config.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>

#include <glib/gstdio.h>

#include "flows-flow.h"
#include "flows-oauth.h"
#include "flows-redirect-listener.h"
#include "flows-sandbox-provider.h"
#include "flows-secrets.h"
#include "flows-stage.h"
#include "runner-helpers.h"
#include "sign-in-helpers.h"
#include "test-cases.h"
#include "test-cli.h"
#include "test-processes.h"

/* The sandbox ------------------------------------------------------------------------------- */

typedef struct
{
  FlowsSandboxProvider *provider;
  char                 *base_url;
  TestOAuthApp         *oauth_app;
} Sandbox;

static Sandbox *
sandbox_new (void)
{
  Sandbox *sandbox = g_new0 (Sandbox, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *auth_url = NULL;
  g_autofree char *token_url = NULL;
  g_autofree char *userinfo_url = NULL;

  sandbox->provider = flows_sandbox_provider_new ();
  flows_sandbox_provider_start (sandbox->provider, 0, &error);
  g_assert_no_error (error);
  sandbox->base_url = flows_sandbox_provider_get_base_url (sandbox->provider);

  auth_url = g_strconcat (sandbox->base_url, FLOWS_SANDBOX_AUTHORIZE_PATH, NULL);
  token_url = g_strconcat (sandbox->base_url, FLOWS_SANDBOX_TOKEN_PATH, NULL);
  userinfo_url = g_strconcat (sandbox->base_url, FLOWS_SANDBOX_USERINFO_PATH, NULL);
  sandbox->oauth_app = test_oauth_app_new (NULL, auth_url, token_url, userinfo_url,
                                           FLOWS_SANDBOX_CLIENT_ID, FLOWS_SANDBOX_CLIENT_SECRET, NULL);
  return sandbox;
}

static void
sandbox_free (Sandbox *sandbox)
{
  test_oauth_app_free (sandbox->oauth_app);
  flows_sandbox_provider_stop (sandbox->provider);
  g_object_unref (sandbox->provider);
  g_free (sandbox->base_url);
  g_free (sandbox);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Sandbox, sandbox_free)

/* The sandbox, and @drive set for its pages, for a case with the window: NULL (the case skipped)
 * without a display or the disposable keyring. */
static Sandbox *
window_sandbox_new (SignInDrive *drive)
{
  if (!test_need_display () || !test_need_keyring ())
    return NULL;
  sign_in_drive_init_sandbox (drive);
  return sandbox_new ();
}

static guint
sandbox_count (Sandbox    *sandbox,
               const char *endpoint)
{
  return flows_sandbox_provider_get_request_count (sandbox->provider, endpoint);
}

/* The connection has no tokens and nothing of a sign-in, in memory, on disk and in the
 * keyring; its file is still @file_before. */
static void
assert_not_signed_in (TestOAuthApp *oauth_app,
                      const char   *file_before)
{
  g_autofree char *access_token = test_oauth_app_secret (oauth_app, FLOWS_SECRETS_ACCESS_TOKEN_KEY);
  g_autofree char *refresh_token = test_oauth_app_secret (oauth_app, FLOWS_SECRETS_REFRESH_TOKEN_KEY);
  g_autofree char *file_after = test_oauth_app_connection_file (oauth_app);

  g_assert_null (access_token);
  g_assert_null (refresh_token);
  g_assert_false (flows_connection_get_signed_in (oauth_app->connection));
  g_assert_cmpint (flows_connection_get_token_expires_at (oauth_app->connection), ==, 0);
  g_assert_null (flows_connection_get_needs_sign_in (oauth_app->connection));
  if (file_before != NULL)
    g_assert_cmpstr (file_after, ==, file_before);
}

/* Signed in with tokens that expire @lifetime seconds after a moment in [@before, now]. */
static void
assert_signed_in (TestOAuthApp *oauth_app,
                  gint64        before,
                  guint         lifetime)
{
  g_autofree char *access_token = test_oauth_app_secret (oauth_app, FLOWS_SECRETS_ACCESS_TOKEN_KEY);
  g_autofree char *refresh_token = test_oauth_app_secret (oauth_app, FLOWS_SECRETS_REFRESH_TOKEN_KEY);
  g_autoptr(FlowsConnection) saved = test_oauth_app_reload_connection (oauth_app);
  gint64 expires_at = flows_connection_get_token_expires_at (oauth_app->connection);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_nonnull (access_token);
  g_assert_nonnull (refresh_token);
  g_assert_cmpstr (access_token, !=, refresh_token);
  g_assert_true (flows_connection_get_signed_in (oauth_app->connection));
  g_assert_null (flows_connection_get_needs_sign_in (oauth_app->connection));
  g_assert_cmpint (expires_at, >=, before + lifetime);
  g_assert_cmpint (expires_at, <=, now + lifetime);

  /* The file says the same, through the library the sign-in was given. */
  g_assert_true (flows_connection_get_signed_in (saved));
  g_assert_cmpint (flows_connection_get_token_expires_at (saved), ==, expires_at);
  g_assert_cmpstr (flows_connection_get_scope (saved), ==, flows_connection_get_scope (oauth_app->connection));
}

/* Signs in through the window with the sandbox (auto-consent or its pages) and asserts it
 * worked. */
static void
sandbox_sign_in (Sandbox *sandbox)
{
  SignInDrive drive;

  sign_in_drive_init_sandbox (&drive);
  sign_in_with_window (&drive, sandbox->oauth_app);
  g_assert_no_error (drive.error);
  g_assert_true (drive.succeeded);
  g_assert_false (sign_in_window_is_open (drive.window));
  sign_in_drive_clear (&drive);
}

/* A sign-in that must fail with @domain/@code (-1: any code of @domain) and a message holding every one
 * of the NULL-terminated @parts; the window stays open and shows the same message. Returns the
 * message. */
static char *
sign_in_must_fail_v (TestOAuthApp       *oauth_app,
                     SignInDrive        *drive,
                     GQuark              domain,
                     int                 code,
                     const char * const *parts)
{
  g_autofree char *file_before = test_oauth_app_connection_file (oauth_app);
  char *message;

  sign_in_with_window (drive, oauth_app);
  g_assert_false (drive->succeeded);
  g_assert_nonnull (drive->error);
  if (code >= 0)
    g_assert_error (drive->error, domain, code);
  else
    g_assert_true (drive->error->domain == domain);
  message = g_strdup (drive->error->message);

  for (guint i = 0; parts[i] != NULL; i++)
    test_assert_contains (message, parts[i]);

  /* The reason stays on screen until the window is closed. */
  g_assert_true (sign_in_window_is_open (drive->window));
  {
    /* As markup: messages quote references such as <exchange.body.access_token>. */
    g_autofree char *markup = g_markup_escape_text (message, -1);
    g_assert_cmpstr (sign_in_window_error_text (drive->window), ==, markup);
  }
  sign_in_window_close (drive->window);

  assert_not_signed_in (oauth_app, file_before);
  return message;
}

/* The same with the parts as NULL-terminated arguments. */
static char *
sign_in_must_fail (TestOAuthApp *oauth_app,
                   SignInDrive  *drive,
                   GQuark        domain,
                   int           code,
                   ...)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  va_list args;

  va_start (args, code);
  for (const char *part = va_arg (args, const char *); part != NULL; part = va_arg (args, const char *))
    g_ptr_array_add (parts, (gpointer)part);
  va_end (args);
  g_ptr_array_add (parts, NULL);
  return sign_in_must_fail_v (oauth_app, drive, domain, code, (const char * const *)parts->pdata);
}

/* The value of query parameter @name of @uri (decoded), or NULL. */
static char *
query_value (const char *uri,
             const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) fields = flows_oauth_parse_callback (uri, &error);

  g_assert_no_error (error);
  return g_strdup (g_hash_table_lookup (fields, name));
}

/* Replaces one setting of a stage. */
static void
set_stage_int (FlowsStage *stage,
               const char *name,
               gint64      value)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), flows_stage_get_settings (stage));
  g_autoptr(JsonNode) copy = json_node_copy (node);

  json_object_set_int_member (json_node_get_object (copy), name, value);
  flows_stage_set_settings (stage, json_node_get_object (copy));
}

/* Unit cases: no browser ------------------------------------------------------------------- */

static void
test_redirect_matches (void)
{
  static const struct {
    const char *redirect;
    const char *uri;
    gboolean    matches;
  } cases[] = {
    { "http://127.0.0.1:8976/oauth/callback", "http://127.0.0.1:8976/oauth/callback", TRUE },
    { "http://127.0.0.1:8976/oauth/callback", "http://127.0.0.1:8976/oauth/callback?code=a&state=b", TRUE },
    { "http://127.0.0.1:8976/oauth/callback", "http://127.0.0.1:8976/oauth/callback#code=a&state=b", TRUE },
    { "http://127.0.0.1:8976/oauth/callback", "HTTP://127.0.0.1:8976/oauth/callback?code=a", TRUE },
    { "http://localhost:8976/cb", "http://LOCALHOST:8976/cb", TRUE },
    { "http://127.0.0.1/cb", "http://127.0.0.1:80/cb", TRUE },
    { "http://127.0.0.1:80/cb", "http://127.0.0.1/cb", TRUE },
    { "https://example.com/cb", "https://example.com:443/cb?code=1", TRUE },
    { "http://127.0.0.1:8976", "http://127.0.0.1:8976/?code=1", TRUE },
    { "http://[::1]:8976/cb", "http://[::1]:8976/cb?code=1", TRUE },
    /* Look-alikes. */
    { "http://127.0.0.1:8976/oauth/callback", "http://127.0.0.1:8977/oauth/callback?code=a", FALSE },
    { "http://127.0.0.1:8976/oauth/callback", "http://127.0.0.1/oauth/callback?code=a", FALSE },
    { "http://127.0.0.1:8976/oauth/callback", "http://127.0.0.1:8976/oauth/callback.evil?code=a", FALSE },
    { "http://127.0.0.1:8976/oauth/callback", "http://127.0.0.1:8976/oauth/callback/evil?code=a", FALSE },
    { "http://127.0.0.1:8976/oauth/callback", "http://127.0.0.1:8976/oauth/callbac?code=a", FALSE },
    { "http://127.0.0.1:8976/oauth/callback", "http://127.0.0.1:8976/oauth/callback/?code=a", FALSE },
    { "http://127.0.0.1:8976/oauth/callback", "http://127.0.0.1:8976/oauth/Callback?code=a", FALSE },
    { "http://127.0.0.1:8976/oauth/callback", "http://127.0.0.1:8976/oauth?code=a", FALSE },
    { "http://127.0.0.1:8976/oauth/callback", "http://127.0.0.1:8976/?next=/oauth/callback", FALSE },
    { "http://127.0.0.1:8976/oauth/callback", "http://127.0.0.1:8976@evil/oauth/callback?code=a", FALSE },
    { "http://127.0.0.1:8976/oauth/callback", "http://127.0.0.1:8976@127.0.0.1:8976/oauth/callback", FALSE },
    { "http://127.0.0.1:8976/oauth/callback", "http://user@127.0.0.1:8976/oauth/callback", FALSE },
    { "http://127.0.0.1:8976/oauth/callback", "http://127.0.0.1.evil:8976/oauth/callback", FALSE },
    { "http://127.0.0.1:8976/oauth/callback", "http://evil/http://127.0.0.1:8976/oauth/callback", FALSE },
    { "http://127.0.0.1:8976/oauth/callback", "http://localhost:8976/oauth/callback", FALSE },
    { "http://127.0.0.1:8976/oauth/callback", "https://127.0.0.1:8976/oauth/callback", FALSE },
    { "http://127.0.0.1:8976/oauth/callback", "ftp://127.0.0.1:8976/oauth/callback", FALSE },
    { "http://127.0.0.1:8976/oauth/callback", "http://127.0.0.2:8976/oauth/callback", FALSE },
    { "http://127.0.0.1:8976/oauth/callback", "about:blank", FALSE },
    { "http://127.0.0.1:8976/oauth/callback", "/oauth/callback", FALSE },
    { "http://127.0.0.1:8976/oauth/callback", "", FALSE },
    { "http://127.0.0.1:8976/oauth/callback", "not a uri at all", FALSE },
    { "not a uri", "not a uri", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gboolean matches = flows_oauth_redirect_matches (cases[i].redirect, cases[i].uri);

      if (matches != cases[i].matches)
        g_error ("flows_oauth_redirect_matches (\"%s\", \"%s\") is %s", cases[i].redirect, cases[i].uri,
                 matches ? "TRUE" : "FALSE");
    }

  g_assert_false (flows_oauth_redirect_matches (NULL, "http://127.0.0.1:8976/oauth/callback"));
  g_assert_false (flows_oauth_redirect_matches ("http://127.0.0.1:8976/oauth/callback", NULL));
}

static void
test_equal_constant_time (void)
{
  static const struct {
    const char *a;
    const char *b;
    gboolean    equal;
  } cases[] = {
    { "", "", TRUE },
    { "s", "s", TRUE },
    { "hM3xWm_5-pLq0R2vT9yZkA", "hM3xWm_5-pLq0R2vT9yZkA", TRUE },
    { "hM3xWm_5-pLq0R2vT9yZkA", "XM3xWm_5-pLq0R2vT9yZkA", FALSE },  /* first byte */
    { "hM3xWm_5-pLq0R2vT9yZkA", "hM3xWm_5-pLq0R2vT9yZkB", FALSE },  /* last byte */
    { "hM3xWm_5-pLq0R2vT9yZkA", "hM3xWm_5-pLq0R2vT9yZk", FALSE },   /* a prefix */
    { "hM3xWm_5-pLq0R2vT9yZk", "hM3xWm_5-pLq0R2vT9yZkA", FALSE },
    { "abc", "abcabc", FALSE },                                    /* repeats */
    { "abcabc", "abc", FALSE },
    { "", "a", FALSE },
    { "a", "", FALSE },
    { "A", "a", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      if (flows_oauth_equal_constant_time (cases[i].a, cases[i].b) != cases[i].equal)
        g_error ("flows_oauth_equal_constant_time (\"%s\", \"%s\") is wrong", cases[i].a, cases[i].b);
    }

  g_assert_false (flows_oauth_equal_constant_time (NULL, "a"));
  g_assert_false (flows_oauth_equal_constant_time ("a", NULL));
  g_assert_false (flows_oauth_equal_constant_time (NULL, NULL));
  g_assert_false (flows_oauth_equal_constant_time (NULL, ""));
}

static void
test_parse_callback (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) fields = NULL;

  /* Decoded exactly once: %2B is '+', %252B stays "%2B", '+' is a space. */
  fields = flows_oauth_parse_callback ("http://127.0.0.1:8976/cb?code=a%2Bb%2Fc%3D%3D&state=s%252B&x=a+b&empty=", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (fields, "code"), ==, "a+b/c==");
  g_assert_cmpstr (g_hash_table_lookup (fields, "state"), ==, "s%2B");
  g_assert_cmpstr (g_hash_table_lookup (fields, "x"), ==, "a b");
  g_assert_cmpstr (g_hash_table_lookup (fields, "empty"), ==, "");
  g_clear_pointer (&fields, g_hash_table_unref);

  /* The fragment counts too (implicit-style providers); the query wins over it. */
  fields = flows_oauth_parse_callback ("http://127.0.0.1:8976/cb?state=q#state=f&code=c%26d", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (fields, "state"), ==, "q");
  g_assert_cmpstr (g_hash_table_lookup (fields, "code"), ==, "c&d");
  g_clear_pointer (&fields, g_hash_table_unref);

  /* An error with the provider's words, UTF-8 included. */
  fields = flows_oauth_parse_callback ("http://127.0.0.1:8976/cb?error=access_denied&error_description=L%E2%80%99utilisateur+a+refus%C3%A9&state=s", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (fields, "error_description"), ==, "L’utilisateur a refusé");
  g_clear_pointer (&fields, g_hash_table_unref);

  fields = flows_oauth_parse_callback ("http://127.0.0.1:8976/cb", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (fields), ==, 0);
  g_clear_pointer (&fields, g_hash_table_unref);

  fields = flows_oauth_parse_callback ("::not a uri", &error);
  g_assert_error (error, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_BAD_REDIRECT_URL);
  g_assert_null (fields);
}

static void
test_check_callback (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (check_callback_query ("code=c&state=good", "good", &error));
  g_assert_no_error (error);

  /* The provider's error comes first, with its words. */
  g_assert_false (check_callback_query ("error=access_denied&error_description=The+user+said+no&state=good", "good", &error));
  g_assert_error (error, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_PROVIDER);
  test_assert_contains (error->message, "access_denied");
  test_assert_contains (error->message, "The user said no");
  g_clear_error (&error);

  g_assert_false (check_callback_query ("error=server_error", "good", &error));
  g_assert_error (error, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_PROVIDER);
  test_assert_contains (error->message, "server_error");
  g_clear_error (&error);

  /* State: missing, different, a prefix, empty. */
  g_assert_false (check_callback_query ("code=c", "good", &error));
  g_assert_error (error, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_STATE_MISMATCH);
  g_clear_error (&error);
  g_assert_false (check_callback_query ("code=c&state=evil", "good", &error));
  g_assert_error (error, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_STATE_MISMATCH);
  g_clear_error (&error);
  g_assert_false (check_callback_query ("code=c&state=goo", "good", &error));
  g_assert_error (error, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_STATE_MISMATCH);
  g_clear_error (&error);
  g_assert_false (check_callback_query ("code=c&state=", "good", &error));
  g_assert_error (error, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_STATE_MISMATCH);
  g_clear_error (&error);

  /* The state is checked before the code is looked for. */
  g_assert_false (check_callback_query ("state=good", "good", &error));
  g_assert_error (error, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_NO_CODE);
  g_clear_error (&error);
  g_assert_false (check_callback_query ("state=evil", "good", &error));
  g_assert_error (error, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_STATE_MISMATCH);
}

static void
test_random_and_pkce (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *first = flows_oauth_random_string (32, &error);
  g_autofree char *second = flows_oauth_random_string (32, &error);
  g_autofree char *short_one = flows_oauth_random_string (16, &error);
  g_autofree char *challenge = NULL;

  g_assert_no_error (error);
  /* 32 bytes: 43 base64url characters, no padding; 16 bytes (128 bits): 22. */
  g_assert_cmpuint (strlen (first), ==, 43);
  g_assert_cmpuint (strlen (short_one), ==, 22);
  g_assert_cmpstr (first, !=, second);
  for (const char *p = first; *p != '\0'; p++)
    g_assert_true (g_ascii_isalnum (*p) || *p == '-' || *p == '_');

  /* RFC 7636 Appendix B. */
  challenge = flows_oauth_code_challenge ("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
  g_assert_cmpstr (challenge, ==, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

/* The system-browser listener --------------------------------------------------------------- */

/* GET @url on a new session (a new connection), waiting in the main loop; returns the status,
 * 0 with @error when there was no response. */
static guint
http_get (const char  *url,
          char       **body,
          GError     **error)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  g_auto(TestAsync) async = { NULL };
  g_autoptr(GBytes) bytes = NULL;

  g_assert_nonnull (message);
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL, test_async_ready, &async);
  bytes = soup_session_send_and_read_finish (session, test_async_wait (&async, 15000), error);
  if (bytes == NULL)
    return 0;
  if (body != NULL)
    *body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  return soup_message_get_status (message);
}

/* Nothing listens on @port of 127.0.0.1 any more. */
static void
assert_port_closed (guint port)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/oauth/callback?code=late&state=late", port);
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (http_get (url, NULL, &error), ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

static void
test_listener_rejects (void)
{
  static const char * const bad[] = {
    "https://127.0.0.1:8976/oauth/callback",        /* the listener speaks http only */
    "http://127.0.0.1/oauth/callback",              /* no port */
    "http://example.com:8976/oauth/callback",       /* not this computer */
    "http://0.0.0.0:8976/oauth/callback",           /* every interface */
    "http://192.168.1.10:8976/oauth/callback",
    "not a url",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FlowsRedirectListener) listener = flows_redirect_listener_new (bad[i], &error);

      if (listener != NULL)
        g_error ("flows_redirect_listener_new accepted %s", bad[i]);
      g_assert_error (error, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_BAD_REDIRECT_URL);
    }
}

static void
test_listener_one_request (void)
{
  guint port = test_closed_port ();
  g_autofree char *redirect_url = g_strdup_printf ("http://127.0.0.1:%u/oauth/callback", port);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlowsRedirectListener) listener = flows_redirect_listener_new (redirect_url, &error);
  ListenWait wait = { 0 };
  static const char * const other_paths[] = {
    "/", "/favicon.ico", "/oauth", "/oauth/callback.evil", "/oauth/callback/x", "/oauth/Callback",
  };
  g_autofree char *callback = NULL;
  g_autofree char *body = NULL;
  g_autofree char *code = NULL;

  g_assert_no_error (error);
  flows_redirect_listener_wait_async (listener, 60, NULL, listen_wait_on_done, &wait);

  /* Other paths: 404, and the wait goes on. */
  for (guint i = 0; i < G_N_ELEMENTS (other_paths); i++)
    {
      g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s?code=wrong&state=wrong", port, other_paths[i]);

      g_assert_cmpuint (http_get (url, NULL, &error), ==, 404);
      g_assert_no_error (error);
      g_assert_false (wait.done);
    }

  /* The redirect: the small page, and the full URI for the sign-in. */
  callback = g_strdup_printf ("%s?code=a%%2Bb%%2Fc%%3D&state=xyz", redirect_url);
  g_assert_cmpuint (http_get (callback, &body, &error), ==, 200);
  g_assert_no_error (error);
  test_assert_contains (body, "You can close this tab");
  test_wait_for (listen_wait_done, &wait, 5000);
  g_assert_no_error (wait.error);
  g_assert_true (flows_oauth_redirect_matches (redirect_url, wait.uri));
  code = query_value (wait.uri, "code");
  g_assert_cmpstr (code, ==, "a+b/c=");

  /* One request only: the socket closes after it. */
  test_spin (100);
  assert_port_closed (port);
  g_free (wait.uri);
}

/* The non-loopback addresses of this machine, as strings. */
static GPtrArray *
non_loopback_addresses (void)
{
  GPtrArray *addresses = g_ptr_array_new_with_free_func (g_free);
  struct ifaddrs *list = NULL;

  if (getifaddrs (&list) != 0)
    return addresses;
  for (struct ifaddrs *item = list; item != NULL; item = item->ifa_next)
    {
      g_autoptr(GSocketAddress) address = NULL;
      GInetAddress *inet;

      if (item->ifa_addr == NULL || (item->ifa_flags & IFF_LOOPBACK) ||
          (item->ifa_addr->sa_family != AF_INET && item->ifa_addr->sa_family != AF_INET6))
        continue;
      address = g_socket_address_new_from_native (item->ifa_addr,
                                                  item->ifa_addr->sa_family == AF_INET ? sizeof (struct sockaddr_in)
                                                                                       : sizeof (struct sockaddr_in6));
      inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));
      if (g_inet_address_get_is_loopback (inet) || g_inet_address_get_is_link_local (inet))
        continue;
      g_ptr_array_add (addresses, g_inet_address_to_string (inet));
    }
  freeifaddrs (list);
  return addresses;
}

static void
test_listener_loopback_only (void)
{
  guint port = test_closed_port ();
  g_autofree char *redirect_url = g_strdup_printf ("http://127.0.0.1:%u/oauth/callback", port);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlowsRedirectListener) listener = flows_redirect_listener_new (redirect_url, &error);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) bound = NULL;
  g_autoptr(GPtrArray) others = non_loopback_addresses ();
  ListenWait wait = { 0 };

  g_assert_no_error (error);
  g_assert_true (flows_redirect_listener_listen (listener, &error));
  g_assert_no_error (error);
  flows_redirect_listener_wait_async (listener, 60, cancellable, listen_wait_on_done, &wait);

  /* The kernel's view: every socket listening on the port is bound to 127.0.0.1 (0100007F)
   * or ::1, none to a wildcard or another interface. */
  bound = listening_addresses (port);
  g_assert_cmpuint (bound->len, >=, 1);
  for (guint i = 0; i < bound->len; i++)
    {
      const char *address = g_ptr_array_index (bound, i);

      g_test_message ("listening on %s (hex, as /proc/net shows it)", address);
      if (g_strcmp0 (address, "0100007F") != 0 && g_strcmp0 (address, "00000000000000000000000001000000") != 0)
        g_error ("the listener is bound to %s on port %u, not to loopback", address, port);
    }

  /* And from outside: every other address of this machine refuses the connection. */
  if (others->len == 0)
    g_test_message ("this machine has no non-loopback address to connect to");
  for (guint i = 0; i < others->len; i++)
    {
      g_autoptr(GSocketClient) client = g_socket_client_new ();
      g_auto(TestAsync) connect = { NULL };
      g_autoptr(GSocketConnection) connection = NULL;
      g_autoptr(GError) connect_error = NULL;

      g_socket_client_set_timeout (client, 5);
      g_socket_client_connect_to_host_async (client, g_ptr_array_index (others, i), port, NULL, test_async_ready, &connect);
      connection = g_socket_client_connect_to_host_finish (client, test_async_wait (&connect, 10000), &connect_error);
      g_test_message ("connecting to %s port %u: %s", (char *)g_ptr_array_index (others, i), port,
                      connect_error != NULL ? connect_error->message : "connected");
      g_assert_nonnull (connect_error);
    }
  g_assert_false (wait.done);

  g_cancellable_cancel (cancellable);
  test_wait_for (listen_wait_done, &wait, 5000);
  g_assert_error (wait.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&wait.error);
  assert_port_closed (port);
}

static void
test_listener_timeout (void)
{
  guint port = test_closed_port ();
  g_autofree char *redirect_url = g_strdup_printf ("http://127.0.0.1:%u/oauth/callback", port);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlowsRedirectListener) listener = flows_redirect_listener_new (redirect_url, &error);
  ListenWait wait = { 0 };
  gint64 started = g_get_monotonic_time ();
  gint64 elapsed;

  g_assert_no_error (error);
  flows_redirect_listener_wait_async (listener, 1, NULL, listen_wait_on_done, &wait);
  test_wait_for (listen_wait_done, &wait, 10000);
  elapsed = g_get_monotonic_time () - started;

  g_assert_error (wait.error, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_TIMED_OUT);
  test_assert_contains (wait.error->message, "1 second");
  g_assert_null (wait.uri);
  /* A timer in whole seconds (g_timeout_add_seconds) may fire a little early. */
  g_assert_cmpint (elapsed, <, 4 * G_USEC_PER_SEC);
  g_clear_error (&wait.error);

  /* Nothing is accepted after the time is up. */
  assert_port_closed (port);
}

static void
test_listener_port_taken (void)
{
  g_autoptr(GSocketListener) other = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  guint16 port = g_socket_listener_add_any_inet_port (other, NULL, &error);
  g_autofree char *redirect_url = NULL;
  g_autoptr(FlowsRedirectListener) listener = NULL;
  ListenWait wait = { 0 };

  g_assert_no_error (error);
  redirect_url = g_strdup_printf ("http://127.0.0.1:%u/oauth/callback", port);
  listener = flows_redirect_listener_new (redirect_url, &error);
  g_assert_no_error (error);

  g_assert_false (flows_redirect_listener_listen (listener, &error));
  g_assert_error (error, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_BAD_REDIRECT_URL);
  {
    g_autofree char *port_text = g_strdup_printf ("%u", port);
    test_assert_contains (error->message, port_text);
  }
  g_clear_error (&error);

  /* wait_async says the same. */
  flows_redirect_listener_wait_async (listener, 60, NULL, listen_wait_on_done, &wait);
  test_wait_for (listen_wait_done, &wait, 5000);
  g_assert_error (wait.error, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_BAD_REDIRECT_URL);
  g_clear_error (&wait.error);
}

/* Sign-in through the window with the sandbox --------------------------------------------- */

static void
check_authorize_url (Sandbox    *sandbox,
                     const char *uri)
{
  g_autofree char *state = query_value (uri, "state");
  g_autofree char *challenge = query_value (uri, "code_challenge");
  g_autofree char *method = query_value (uri, "code_challenge_method");
  g_autofree char *redirect = query_value (uri, "redirect_uri");
  g_autofree char *client_id = query_value (uri, "client_id");
  g_autofree char *response_type = query_value (uri, "response_type");

  g_assert_true (g_str_has_prefix (uri, sandbox->base_url));
  /* At least 128 bits of state: 22 base64url characters. */
  g_assert_nonnull (state);
  g_assert_cmpuint (strlen (state), >=, 22);
  g_assert_cmpuint (strlen (challenge), ==, 43);
  g_assert_cmpstr (method, ==, "S256");
  g_assert_cmpstr (redirect, ==, flows_app_get_redirect_url (sandbox->oauth_app->app));
  g_assert_cmpstr (client_id, ==, FLOWS_SANDBOX_CLIENT_ID);
  g_assert_cmpstr (response_type, ==, "code");
}

static void
test_sign_in_success (void)
{
  g_autoptr(Sandbox) sandbox = NULL;
  g_autoptr(FlowsRun) test_run = NULL;
  g_autofree char *access_token = NULL;
  g_autofree char *refresh_token = NULL;
  g_autofree char *file = NULL;
  g_autofree char *first_state = NULL;
  SignInDrive drive;
  gint64 before;

  sandbox = window_sandbox_new (&drive);
  if (sandbox == NULL)
    return;

  before = g_get_real_time () / G_USEC_PER_SEC;
  sign_in_with_window (&drive, sandbox->oauth_app);
  g_assert_no_error (drive.error);
  g_assert_true (drive.succeeded);

  /* The login page, the consent page, and nothing else was loaded: the redirect never was. */
  g_assert_cmpuint (drive.n_login, ==, 1);
  g_assert_cmpuint (drive.n_consent, ==, 1);
  g_assert_cmpuint (drive.n_other, ==, 0);
  g_assert_cmpuint (drive.pages->len, ==, 2);
  check_authorize_url (sandbox, g_ptr_array_index (drive.pages, 0));
  first_state = query_value (g_ptr_array_index (drive.pages, 0), "state");
  for (guint i = 0; i < drive.failed_loads->len; i++)
    g_test_message ("ignored load: %s", (char *)g_ptr_array_index (drive.failed_loads, i));

  /* The window closed by itself. */
  g_assert_false (sign_in_window_is_open (drive.window));
  g_assert_cmpuint (sandbox_count (sandbox, "authorize"), ==, 1);
  g_assert_cmpuint (sandbox_count (sandbox, "token"), ==, 1);
  g_assert_cmpuint (sandbox_count (sandbox, "refresh"), ==, 0);

  assert_signed_in (sandbox->oauth_app, before, 3600);
  g_assert_cmpstr (flows_connection_get_scope (sandbox->oauth_app->connection), ==, "profile");

  /* The token works: the unchanged Connection Test passes against /userinfo. */
  test_run = test_oauth_app_run (sandbox->oauth_app,
                                 flows_app_find_flow_by_role (sandbox->oauth_app->app, FLOWS_FLOW_ROLE_CONNECTION_TEST),
                                 NULL, NULL);
  test_assert_succeeded (test_run);
  g_assert_cmpuint (flows_run_get_http_status (test_run), ==, 200);
  g_assert_cmpuint (sandbox_count (sandbox, "userinfo"), ==, 1);

  /* No token or secret in the connection's file or its trace. */
  access_token = test_oauth_app_secret (sandbox->oauth_app, FLOWS_SECRETS_ACCESS_TOKEN_KEY);
  refresh_token = test_oauth_app_secret (sandbox->oauth_app, FLOWS_SECRETS_REFRESH_TOKEN_KEY);
  {
    const char * const secrets[] = { access_token, refresh_token, FLOWS_SANDBOX_CLIENT_SECRET, NULL };

    file = test_oauth_app_connection_file (sandbox->oauth_app);
    audit_text ("the connection file", file, secrets);
    /* The App and the connection, at least. */
    g_assert_cmpuint (audit_directory (sandbox->oauth_app->data_dir, secrets), >=, 2);
    audit_run (test_run, secrets);
  }
  sign_in_drive_clear (&drive);

  /* A second sign-in is a new attempt: another state, the login page again (no cookie
   * survived), new tokens. */
  sign_in_drive_init_sandbox (&drive);
  sign_in_with_window (&drive, sandbox->oauth_app);
  g_assert_no_error (drive.error);
  g_assert_cmpuint (drive.n_login, ==, 1);
  {
    g_autofree char *second_state = query_value (g_ptr_array_index (drive.pages, 0), "state");
    g_autofree char *new_access_token = test_oauth_app_secret (sandbox->oauth_app, FLOWS_SECRETS_ACCESS_TOKEN_KEY);

    g_assert_cmpstr (second_state, !=, first_state);
    g_assert_cmpstr (new_access_token, !=, access_token);
  }
  sign_in_drive_clear (&drive);
}

/* A wrong password, then the right one: the provider's own retry works inside the window. */
static void
on_page_wrong_password_first (SignInDrive *drive,
                              PageKind     kind,
                              const char  *uri,
                              gpointer     user_data)
{
  if (kind == PAGE_KIND_LOGIN && drive->n_login == 1)
    drive->login_script =
      "document.getElementById('username').value = 'demo';"
      "document.getElementById('password').value = 'not-the-password';"
      "document.getElementById('sign-in').click();"
      "'login';";
  else if (kind == PAGE_KIND_LOGIN)
    drive->login_script = user_data;
}

static void
test_sign_in_wrong_password_first (void)
{
  g_autoptr(Sandbox) sandbox = NULL;
  SignInDrive drive;
  g_autofree char *right_script = NULL;

  sandbox = window_sandbox_new (&drive);
  if (sandbox == NULL)
    return;

  right_script = g_strdup (drive.login_script);
  drive.on_page = on_page_wrong_password_first;
  drive.on_page_data = right_script;
  sign_in_with_window (&drive, sandbox->oauth_app);
  g_assert_no_error (drive.error);
  g_assert_cmpuint (drive.n_login, ==, 2);
  g_assert_cmpuint (drive.n_consent, ==, 1);
  assert_signed_in (sandbox->oauth_app, 0, 3600);
  sign_in_drive_clear (&drive);
}

/* The provider fails the sign-in, or the user refuses: the window says why, naming the step, and
 * nothing of a sign-in is stored. */
typedef struct
{
  const char        *path;
  FlowsSandboxFault  fault;
  const char        *consent_script;    /* NULL: Allow */
  int                codes[2];          /* of FLOWS_OAUTH_ERROR: either; -1 for none */
  const char        *parts[5];          /* what the message says, up to NULL */
  guint              n_token_requests;  /* the code exchanges the provider saw */
  int                n_consent;         /* the consent pages seen; -1: any */
} SignInRefusal;

static const SignInRefusal sign_in_refusals[] = {
  { "/sign-in/access-denied", FLOWS_SANDBOX_FAULT_ACCESS_DENIED, NULL,
    { FLOWS_OAUTH_ERROR_PROVIDER, -1 }, { "access_denied", "The user denied access" }, 0, -1 },
  { "/sign-in/user-denies", FLOWS_SANDBOX_FAULT_NONE, "document.getElementById('deny').click(); 'deny';",
    { FLOWS_OAUTH_ERROR_PROVIDER, -1 }, { "access_denied", "The user denied access" }, 0, 1 },
  /* The code was never exchanged. */
  { "/sign-in/wrong-state", FLOWS_SANDBOX_FAULT_WRONG_STATE, NULL,
    { FLOWS_OAUTH_ERROR_STATE_MISMATCH, -1 }, { "state" }, 0, -1 },
  { "/sign-in/missing-code", FLOWS_SANDBOX_FAULT_MISSING_CODE, NULL,
    { FLOWS_OAUTH_ERROR_NO_CODE, -1 }, { "code" }, 0, -1 },
  /* Step 2 is named, with the status and the provider's words. */
  { "/sign-in/token-server-error", FLOWS_SANDBOX_FAULT_TOKEN_SERVER_ERROR, NULL,
    { FLOWS_OAUTH_ERROR_STEP_FAILED, -1 },
    { "OAuth Step 2", "500", "server_error", "The token endpoint failed (sandbox fault token-server-error)" }, 1, -1 },
  /* No access_token: an error naming Step 2 with what the provider answered. */
  { "/sign-in/token-html", FLOWS_SANDBOX_FAULT_TOKEN_HTML, NULL,
    { FLOWS_OAUTH_ERROR_NO_ACCESS_TOKEN, FLOWS_OAUTH_ERROR_STEP_FAILED },
    { "OAuth Step 2", "access_token", "Down for maintenance" }, 1, -1 },
};

static void
test_sign_in_refused (gconstpointer data)
{
  const SignInRefusal *refusal = data;
  g_autoptr(Sandbox) sandbox = NULL;
  g_autofree char *message = NULL;
  SignInDrive drive;

  sandbox = window_sandbox_new (&drive);
  if (sandbox == NULL)
    return;

  flows_sandbox_provider_set_fault (sandbox->provider, refusal->fault);
  if (refusal->consent_script != NULL)
    drive.consent_script = refusal->consent_script;
  message = sign_in_must_fail_v (sandbox->oauth_app, &drive, FLOWS_OAUTH_ERROR, -1, refusal->parts);
  g_assert_true (drive.error->code == refusal->codes[0] ||
                 (refusal->codes[1] >= 0 && drive.error->code == refusal->codes[1]));
  test_assert_not_contains (message, FLOWS_SANDBOX_CLIENT_SECRET);
  if (refusal->n_consent >= 0)
    g_assert_cmpint (drive.n_consent, ==, refusal->n_consent);
  g_assert_cmpuint (sandbox_count (sandbox, "token"), ==, refusal->n_token_requests);
  sign_in_drive_clear (&drive);
}

static void
test_sign_in_expires_in_string (void)
{
  g_autoptr(Sandbox) sandbox = NULL;
  SignInDrive drive;
  gint64 before;

  sandbox = window_sandbox_new (&drive);
  if (sandbox == NULL)
    return;

  flows_sandbox_provider_set_fault (sandbox->provider, FLOWS_SANDBOX_FAULT_EXPIRES_IN_STRING);
  flows_sandbox_provider_set_access_token_lifetime (sandbox->provider, 1234);
  before = g_get_real_time () / G_USEC_PER_SEC;
  sign_in_with_window (&drive, sandbox->oauth_app);
  g_assert_no_error (drive.error);
  assert_signed_in (sandbox->oauth_app, before, 1234);
  sign_in_drive_clear (&drive);
}

static void
test_sign_in_special_character_codes (void)
{
  g_autoptr(Sandbox) sandbox = NULL;
  SignInDrive drive;

  sandbox = window_sandbox_new (&drive);
  if (sandbox == NULL)
    return;

  flows_sandbox_provider_set_fault (sandbox->provider, FLOWS_SANDBOX_FAULT_SPECIAL_CHARACTER_CODES);
  sign_in_with_window (&drive, sandbox->oauth_app);
  /* The sandbox takes only the exact code: decoded once from the redirect, encoded once in
   * Step 2's form. */
  g_assert_no_error (drive.error);
  g_assert_cmpuint (sandbox_count (sandbox, "token"), ==, 1);
  assert_signed_in (sandbox->oauth_app, 0, 3600);
  sign_in_drive_clear (&drive);
}

typedef struct
{
  Sandbox *sandbox;
  gint64   arrived_us;
} TokenWatch;

/* Notes when the first /token request arrives. */
static gboolean
note_token_request (gpointer user_data)
{
  TokenWatch *watch = user_data;

  if (sandbox_count (watch->sandbox, "token") == 0)
    return G_SOURCE_CONTINUE;
  watch->arrived_us = g_get_monotonic_time ();
  return G_SOURCE_REMOVE;
}

static void
test_sign_in_slow_token_endpoint (void)
{
  g_autoptr(Sandbox) sandbox = NULL;
  g_autofree char *message = NULL;
  g_autofree char *expected_url = NULL;
  TokenWatch watch = { 0 };
  SignInDrive drive;

  sandbox = window_sandbox_new (&drive);
  if (sandbox == NULL)
    return;

  flows_sandbox_provider_set_auto_consent (sandbox->provider, TRUE);
  flows_sandbox_provider_set_token_delay (sandbox->provider, 4000);
  /* The developer gave Step 2's Call API a timeout of one second. */
  set_stage_int (test_oauth_app_stage (sandbox->oauth_app, FLOWS_FLOW_ROLE_OAUTH_EXCHANGE, "exchange"), "timeout", 1);

  expected_url = g_strconcat (sandbox->base_url, FLOWS_SANDBOX_TOKEN_PATH, NULL);
  watch.sandbox = sandbox;
  g_timeout_add (5, note_token_request, &watch);
  message = sign_in_must_fail (sandbox->oauth_app, &drive, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_STEP_FAILED,
                               "OAuth Step 2", "No response from POST", expected_url, "within 1 second", NULL);
  /* It gave up after its second, not after the provider's four. */
  g_assert_cmpint (watch.arrived_us, >, 0);
  g_assert_cmpint (drive.finished_us - watch.arrived_us, <, 3000 * 1000);
  g_assert_cmpuint (sandbox_count (sandbox, "token"), ==, 1);

  /* When the provider answers at last, nothing changes. */
  test_spin (3500);
  assert_not_signed_in (sandbox->oauth_app, NULL);
  sign_in_drive_clear (&drive);
}

static void
test_sign_in_close_on_login_page (void)
{
  g_autoptr(Sandbox) sandbox = NULL;
  g_autofree char *file_before = NULL;
  SignInDrive drive;

  sandbox = window_sandbox_new (&drive);
  if (sandbox == NULL)
    return;

  file_before = test_oauth_app_connection_file (sandbox->oauth_app);
  drive.close_on_login = 1;
  sign_in_with_window (&drive, sandbox->oauth_app);

  g_assert_error (drive.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (sign_in_window_is_open (drive.window));
  g_assert_cmpuint (sandbox_count (sandbox, "token"), ==, 0);
  assert_not_signed_in (sandbox->oauth_app, file_before);
  sign_in_drive_clear (&drive);
}

typedef struct
{
  Sandbox     *sandbox;
  SignInDrive *drive;
  gboolean     closed;
} CloseWhenExchanging;

static gboolean
close_when_exchanging (gpointer user_data)
{
  CloseWhenExchanging *close = user_data;

  if (close->drive->done)
    return G_SOURCE_REMOVE;
  if (sandbox_count (close->sandbox, "token") == 0)
    return G_SOURCE_CONTINUE;

  /* Step 2 waits for the provider: the window shows that it is finishing. */
  g_assert_cmpstr (sign_in_window_page (close->drive->window), ==, "finishing");
  gtk_window_close (GTK_WINDOW (close->drive->window));
  close->closed = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_sign_in_close_while_exchanging (void)
{
  g_autoptr(Sandbox) sandbox = NULL;
  g_autofree char *file_before = NULL;
  CloseWhenExchanging close = { 0 };
  SignInDrive drive;

  sandbox = window_sandbox_new (&drive);
  if (sandbox == NULL)
    return;

  flows_sandbox_provider_set_token_delay (sandbox->provider, 1500);
  file_before = test_oauth_app_connection_file (sandbox->oauth_app);
  close.sandbox = sandbox;
  close.drive = &drive;
  g_timeout_add (5, close_when_exchanging, &close);
  sign_in_with_window (&drive, sandbox->oauth_app);

  g_assert_true (close.closed);
  g_assert_error (drive.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (sign_in_window_is_open (drive.window));

  /* The provider answers after the window closed: the tokens are not stored. */
  test_spin (2500);
  assert_not_signed_in (sandbox->oauth_app, file_before);
  sign_in_drive_clear (&drive);
}

/* How long WebKit may take to end its processes once the window closed: they end within a second
 * on an idle machine; a loaded one may take several. */
#define WEBKIT_EXIT_TIMEOUT_MS 30000

static void
count_webkit_processes_on_page (SignInDrive *drive,
                                PageKind     kind,
                                const char  *uri,
                                gpointer     user_data)
{
  guint *most = user_data;

  *most = MAX (*most, test_count_webkit_processes (NULL));
}

/* WebKit's web and network processes end when the window that started them closes, whether the
 * sign-in succeeded or the user closed it (docs/ARCHITECTURE.md, "The sign-in module"): a
 * long session of the app does not keep them for each sign-in done. */
static void
test_sign_in_webkit_processes_end (void)
{
  g_autoptr(Sandbox) sandbox = NULL;
  SignInDrive drive;
  guint most = 0;

  sandbox = window_sandbox_new (&drive);
  if (sandbox == NULL)
    return;

  for (guint attempt = 0; attempt < 2; attempt++)
    {
      g_autoptr(GString) names = g_string_new (NULL);
      guint left;

      if (attempt > 0)
        sign_in_drive_init_sandbox (&drive);
      drive.on_page = count_webkit_processes_on_page;
      drive.on_page_data = &most;
      /* The first signs in (the window closes itself), the second is closed on the login page. */
      drive.close_on_login = attempt == 1 ? 1 : 0;
      sign_in_with_window (&drive, sandbox->oauth_app);
      if (attempt == 0)
        g_assert_no_error (drive.error);
      else
        g_assert_error (drive.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_false (sign_in_window_is_open (drive.window));
      /* The count sees the processes of a window on screen, so that zero below means ended. */
      g_assert_cmpuint (most, >, 0);

      /* The drive's reference to the window goes too: in the app nothing but GTK holds it. */
      sign_in_drive_clear (&drive);
      left = test_wait_webkit_processes_end (WEBKIT_EXIT_TIMEOUT_MS, names);
      if (left > 0)
        g_test_message ("WebKit processes left after the window closed:%s", names->str);
      g_assert_cmpuint (left, ==, 0);
    }
}

static void
test_sign_in_bad_authorize_url (void)
{
  g_autoptr(Sandbox) sandbox = NULL;
  g_autofree char *message = NULL;
  SignInDrive drive;

  sandbox = window_sandbox_new (&drive);
  if (sandbox == NULL)
    return;

  flows_connection_set_value (sandbox->oauth_app->connection, "AuthURL", "javascript:alert(document.cookie)");
  message = sign_in_must_fail (sandbox->oauth_app, &drive, FLOWS_OAUTH_ERROR, -1, "OAuth Step 1", NULL);
  g_assert_true (drive.error->code == FLOWS_OAUTH_ERROR_BAD_AUTHORIZE_URL ||
                 drive.error->code == FLOWS_OAUTH_ERROR_STEP_FAILED);
  /* Nothing was loaded. */
  g_assert_cmpuint (drive.pages->len, ==, 0);
  g_assert_cmpuint (sandbox_count (sandbox, "authorize"), ==, 0);
  sign_in_drive_clear (&drive);
}

/* A certificate the system does not trust --------------------------------------------------- */

static void
test_sign_in_tls_error (void)
{
  g_autoptr(TestServer) server = NULL;
  g_autoptr(TestOAuthApp) oauth_app = NULL;
  g_autofree char *auth_url = NULL;
  g_autofree char *token_url = NULL;
  g_autofree char *message = NULL;
  SignInDrive drive;

  if (!test_need_display () || !test_need_keyring ())
    return;

  server = test_server_new_tls ();
  test_server_respond (server, "/authorize", 200, "text/html",
                       "<html><body><form><input id='username'></form></body></html>", -1);
  auth_url = test_server_url (server, "/authorize");
  token_url = test_server_url (server, "/token");
  oauth_app = test_oauth_app_new (NULL, auth_url, token_url, token_url, "client", "tls-client-secret", NULL);

  sign_in_drive_init_sandbox (&drive);
  message = sign_in_must_fail (oauth_app, &drive, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                               "127.0.0.1", "not trusted", "not signed by a known certificate authority", NULL);
  /* The page never showed: the TLS handshake failed before any request. */
  g_assert_cmpuint (drive.n_login, ==, 0);
  g_assert_cmpuint (test_server_n_requests (server), ==, 0);
  sign_in_drive_clear (&drive);
}

/* The provider's own error page -------------------------------------------------------------- */

/* What the window shows above the page when it stopped on the provider's error page: the
 * banner's text, or NULL when there is none. */
static const char *
stopped_banner_text (FlowsSignInWindow *window)
{
  GtkWidget *revealer = test_find_widget_of_type (GTK_WIDGET (window), GTK_TYPE_REVEALER);
  GtkWidget *label;

  g_assert_nonnull (revealer);
  if (!gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)))
    return NULL;
  label = test_find_widget_of_type (revealer, GTK_TYPE_LABEL);
  g_assert_nonnull (label);
  return gtk_label_get_text (GTK_LABEL (label));
}

/* An authorization endpoint that answers every request with @page (HTML) and @status, and an
 * App whose connection signs in there. */
static TestOAuthApp *
error_page_app_new (TestServer *server,
                    guint       status,
                    const char *page)
{
  g_autofree char *auth_url = test_server_url (server, "/authorize");
  g_autofree char *token_url = test_server_url (server, "/token");

  test_server_respond (server, "/authorize", status, "text/html; charset=utf-8", page, -1);
  return test_oauth_app_new (NULL, auth_url, token_url, token_url, "error-page-client",
                             "error-page-client-secret", "openid");
}

/* Signs in through the window, which must stop on the provider's page at /authorize with a
 * message holding @title; the page stays on screen under a banner that says the same. Returns
 * the message. */
static char *
sign_in_must_stop_on_error_page (TestServer   *server,
                                 TestOAuthApp *oauth_app,
                                 guint         wait_ms,
                                 const char   *title)
{
  g_autofree char *file_before = test_oauth_app_connection_file (oauth_app);
  g_autofree char *place = g_strdup_printf ("“%s” (127.0.0.1:%u/authorize)", title, server->port);
  g_autofree char *authorize_url = test_server_url (server, "/authorize?");
  SignInDrive drive;
  char *message;

  sign_in_drive_init_sandbox (&drive);
  sign_in_drive_prepare (&drive, oauth_app);
  flows_sign_in_window_set_error_page_wait (drive.window, wait_ms);
  sign_in_drive_run (&drive);

  g_assert_false (drive.succeeded);
  g_assert_error (drive.error, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_PROVIDER_ERROR_PAGE);
  message = g_strdup (drive.error->message);
  g_test_message ("%s", message);
  test_assert_contains (message, "The provider stopped on its own error page: ");
  test_assert_contains (message, place);
  /* The address without its query: state and challenge say nothing to a person. */
  test_assert_not_contains (message, "state=");
  test_assert_not_contains (message, "client_id");

  /* The page is still there to read, under the reason. */
  g_assert_true (sign_in_window_is_open (drive.window));
  g_assert_cmpstr (sign_in_window_page (drive.window), ==, "web");
  g_assert_cmpstr (stopped_banner_text (drive.window), ==, message);
  g_assert_true (g_str_has_prefix (webkit_web_view_get_uri (drive.web_view), authorize_url));
  if (g_getenv ("FLOWS_SCREENSHOT_DIR") != NULL)
    {
      g_autofree char *path = g_build_filename (g_getenv ("FLOWS_SCREENSHOT_DIR"), "sign-in-error-page.png", NULL);
      g_autoptr(GError) error = NULL;

      test_spin (500);
      g_assert_true (ui_test_save_screenshot (GTK_WIDGET (drive.window), path, &error));
      g_assert_no_error (error);
    }
  sign_in_window_close (drive.window);

  assert_not_signed_in (oauth_app, file_before);
  g_assert_cmpuint (test_server_n_requests (server), ==, 1);
  sign_in_drive_clear (&drive);
  return message;
}

/* A provider's error page at the authorisation endpoint, and how the message names it. */
typedef struct
{
  const char *path;
  guint       status;
  const char *page;
  /* How long the page may stay; longer than the test may take when only the status must stop it. */
  guint       wait_ms;
  const char *named;      /* the page's name in the message */
  const char *status_said;  /* "HTTP 400", or NULL when the message must name no status */
} ErrorPageCase;

static const ErrorPageCase error_pages[] = {
  /* Google's answer to a redirect URL it does not know for the client: the status stops it at
   * once, and the title and heading name it. */
  { "/sign-in/error-page/http-status", 400,
    "<!DOCTYPE html><html><head><title>Error 400: redirect_uri_mismatch</title></head>"
    "<body><h1>Access blocked: this app’s request is invalid</h1>"
    "<p>You can’t sign in because this app sent an invalid request.</p></body></html>",
    SIGN_IN_TIMEOUT_MS * 2, "Error 400: redirect_uri_mismatch — Access blocked: this app’s request is invalid",
    "HTTP 400" },
  /* Status 200, a title that says error, a link and no redirect: stopped once the page stayed a
   * while without navigating. */
  { "/sign-in/error-page/says-error", 200,
    "<!DOCTYPE html><html><head><title>Error</title></head>"
    "<body><h1>Something went wrong</h1><p>invalid_client: the client is not "
    "registered.</p><a href='/'>Back</a></body></html>",
    500, "Error — Something went wrong", NULL },
  /* Without a title, the page's heading names it. */
  { "/sign-in/error-page/untitled", 500,
    "<html><body><h1>Internal Server Error</h1></body></html>",
    SIGN_IN_TIMEOUT_MS * 2, "Internal Server Error", "HTTP 500" },
};

static void
test_error_page (gconstpointer data)
{
  const ErrorPageCase *row = data;
  g_autoptr(TestServer) server = NULL;
  g_autoptr(TestOAuthApp) oauth_app = NULL;
  g_autofree char *message = NULL;

  if (!test_need_display () || !test_need_keyring ())
    return;

  server = test_server_new ();
  oauth_app = error_page_app_new (server, row->status, row->page);
  message = sign_in_must_stop_on_error_page (server, oauth_app, row->wait_ms, row->named);
  if (row->status_said != NULL)
    test_assert_contains (message, row->status_said);
  else
    test_assert_not_contains (message, "HTTP");
}

/* The sandbox provider's own error page, for a client it does not know. */
static void
test_error_page_sandbox_unknown_client (void)
{
  g_autoptr(Sandbox) sandbox = NULL;
  g_autofree char *file_before = NULL;
  SignInDrive drive;

  sandbox = window_sandbox_new (&drive);
  if (sandbox == NULL)
    return;

  flows_connection_set_value (sandbox->oauth_app->connection, "ClientID", "someone-else");
  file_before = test_oauth_app_connection_file (sandbox->oauth_app);
  sign_in_with_window (&drive, sandbox->oauth_app);
  g_assert_error (drive.error, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_PROVIDER_ERROR_PAGE);
  g_test_message ("%s", drive.error->message);
  test_assert_contains (drive.error->message, "“Flows Studio Sandbox — This sign-in request cannot continue” (127.0.0.1:");
  test_assert_contains (drive.error->message, FLOWS_SANDBOX_AUTHORIZE_PATH ")");
  test_assert_contains (drive.error->message, "HTTP 400");
  g_assert_cmpstr (stopped_banner_text (drive.window), ==, drive.error->message);
  sign_in_window_close (drive.window);
  assert_not_signed_in (sandbox->oauth_app, file_before);
  sign_in_drive_clear (&drive);
}

/* A login form shown again with 401 and "Error" after a wrong password is the user's to answer:
 * the sign-in waits for them, however long. */
static gboolean
login_page_seen (gpointer user_data)
{
  return ((SignInDrive *)user_data)->n_login > 0;
}

static void
on_waiting_run_done (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GError **error = user_data;

  g_assert_false (flows_sign_in_window_run_finish (FLOWS_SIGN_IN_WINDOW (source), result, error));
}

static gboolean
error_set (gpointer user_data)
{
  return *(GError **)user_data != NULL;
}

static void
test_error_page_login_form_waits (void)
{
  g_autoptr(TestServer) server = NULL;
  g_autoptr(TestOAuthApp) oauth_app = NULL;
  g_autoptr(GError) error = NULL;
  SignInDrive drive;

  if (!test_need_display () || !test_need_keyring ())
    return;

  server = test_server_new ();
  oauth_app = error_page_app_new (server, 401,
                                  "<!DOCTYPE html><html><head><title>Error: wrong password</title></head>"
                                  "<body><h1>Sign in</h1><p class='error'>Error: the password is wrong.</p>"
                                  "<form method='post'><input id='username' name='username'>"
                                  "<input id='password' name='password' type='password'>"
                                  "<button type='submit'>Sign in</button></form></body></html>");
  sign_in_drive_init_sandbox (&drive);
  drive.login_script = NULL;
  sign_in_drive_prepare (&drive, oauth_app);
  flows_sign_in_window_set_error_page_wait (drive.window, 100);
  flows_sign_in_window_run_async (drive.window, on_waiting_run_done, &error);
  test_wait_for (login_page_seen, &drive, SIGN_IN_TIMEOUT_MS);

  /* Twenty times the wait on an error page. */
  test_spin (2000);
  g_assert_null (error);
  g_assert_null (stopped_banner_text (drive.window));
  g_assert_cmpstr (sign_in_window_page (drive.window), ==, "web");

  /* Still waiting for the user: closing the window is what ends it. */
  gtk_window_close (GTK_WINDOW (drive.window));
  test_wait_for (error_set, &error, SIGN_IN_TIMEOUT_MS);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  sign_in_drive_clear (&drive);
}

/* flows-cli sign-in, with the embedded window, says it and records it on the connection. */
static void
test_error_page_cli (void)
{
  g_autoptr(TestServer) server = NULL;
  g_autoptr(TestOAuthApp) oauth_app = NULL;
  g_autoptr(TestCli) cli = NULL;
  g_autoptr(TestCli) listed = NULL;
  g_autoptr(FlowsConnection) saved = NULL;
  g_autofree char *place = NULL;

  if (!test_need_display () || !test_need_keyring ())
    return;

  server = test_server_new ();
  oauth_app = error_page_app_new (server, 400,
                                  "<html><head><title>invalid_client</title></head>"
                                  "<body><p>Unknown client.</p></body></html>");
  place = g_strdup_printf ("“invalid_client” (127.0.0.1:%u/authorize), HTTP 400", server->port);
  cli = test_cli_exec ((const char * const []) { "sign-in", flows_connection_get_id (oauth_app->connection),
                                                 "--data-dir", oauth_app->data_dir, NULL },
                       NULL, NULL, SIGN_IN_TIMEOUT_MS);
  g_test_message ("%s", cli->err);
  g_assert_cmpint (cli->status, !=, 0);
  test_assert_contains (cli->err, "not signed in: The provider stopped on its own error page: ");
  test_assert_contains (cli->err, place);
  test_assert_not_contains (cli->err, "state=");
  g_assert_cmpuint (test_server_n_requests (server), ==, 1);

  saved = test_oauth_app_reload_connection (oauth_app);
  g_assert_false (flows_connection_get_signed_in (saved));
  test_assert_contains (flows_connection_get_sign_in_failure (saved), place);
  listed = test_cli_exec ((const char * const []) { "connection", "list", "--data-dir", oauth_app->data_dir, NULL },
                          NULL, NULL, SIGN_IN_TIMEOUT_MS);
  test_assert_contains (listed->out, "sign-in failed at ");
}

/* Look-alikes of the redirect URL ----------------------------------------------------------- */

/* An authorization server that sends the browser through look-alikes of the redirect URL before
 * the real one (to which a page navigates with JavaScript, not a 302). Each look-alike carries a
 * code of its own: a capture would exchange it. */
typedef struct
{
  TestServer *server;        /* the authorization server; the redirect URL is on its port */
  TestServer *other;         /* another port */
  char       *redirect_url;
  char       *state;
  GPtrArray  *hops;          /* the look-alike URLs, without query */
  guint       next_hop;
  GPtrArray  *codes;         /* codes that reached /token */
} LookAlikes;

static void
redirect_to (SoupServerMessage *msg,
             const char        *base,
             const char        *code,
             const char        *state)
{
  g_autofree char *escaped_state = g_uri_escape_string (state, NULL, FALSE);
  g_autofree char *location = g_strdup_printf ("%s?code=%s&state=%s", base, code, escaped_state);

  soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, location);
}

static void
on_look_alike_hop (TestServer        *server,
                   SoupServerMessage *msg,
                   TestRequest       *request,
                   gpointer           user_data)
{
  LookAlikes *look_alikes = user_data;

  if (request->query != NULL && look_alikes->state == NULL)
    {
      g_autofree char *uri = g_strconcat ("http://x/?", request->query, NULL);
      look_alikes->state = query_value (uri, "state");
    }
  g_assert_nonnull (look_alikes->state);

  if (look_alikes->next_hop < look_alikes->hops->len)
    {
      g_autofree char *code = g_strdup_printf ("look-alike-%u", look_alikes->next_hop);
      const char *hop = g_ptr_array_index (look_alikes->hops, look_alikes->next_hop++);

      redirect_to (msg, hop, code, look_alikes->state);
    }
  else
    {
      /* The real one last, and not by a 302: a page that navigates there by itself. */
      g_autofree char *escaped_state = g_uri_escape_string (look_alikes->state, NULL, FALSE);
      g_autofree char *page = g_strdup_printf ("<!DOCTYPE html><html><body><p>Redirecting…</p><script>"
                                               "window.location.href = '%s?code=the-real-code&state=%s';"
                                               "</script></body></html>",
                                               look_alikes->redirect_url, escaped_state);

      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY, page, strlen (page));
    }
}

static void
on_look_alike_token (TestServer        *server,
                     SoupServerMessage *msg,
                     TestRequest       *request,
                     gpointer           user_data)
{
  LookAlikes *look_alikes = user_data;
  g_autofree char *body = test_request_body_text (request);
  g_autofree char *uri = g_strconcat ("http://x/?", body, NULL);
  g_autofree char *code = query_value (uri, "code");
  static const char tokens[] = "{\"access_token\":\"look-alike-access-token\",\"token_type\":\"Bearer\",\"expires_in\":600}";
  static const char refused[] = "{\"error\":\"invalid_grant\"}";

  g_ptr_array_add (look_alikes->codes, g_strdup (code));
  if (g_strcmp0 (code, "the-real-code") == 0)
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, tokens, strlen (tokens));
    }
  else
    {
      soup_server_message_set_status (msg, 400, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, refused, strlen (refused));
    }
}

static void
test_sign_in_look_alikes (void)
{
  g_autoptr(TestServer) server = NULL;
  g_autoptr(TestServer) other = NULL;
  g_autoptr(TestOAuthApp) oauth_app = NULL;
  g_autofree char *auth_url = NULL;
  g_autofree char *token_url = NULL;
  LookAlikes look_alikes = { 0 };
  SignInDrive drive;
  const char *paths[] = { "/oauth/callback/evil", "/oauth/callback.evil", "/oauth/Callback", "/oauth",
                          "/oauth/callbac" };

  if (!test_need_display () || !test_need_keyring ())
    return;

  server = test_server_new ();
  other = test_server_new ();
  look_alikes.server = server;
  look_alikes.other = other;
  look_alikes.redirect_url = test_server_url (server, "/oauth/callback");
  look_alikes.hops = g_ptr_array_new_with_free_func (g_free);
  look_alikes.codes = g_ptr_array_new_with_free_func (g_free);

  /* Same path, other port. */
  g_ptr_array_add (look_alikes.hops, test_server_url (other, "/oauth/callback"));
  test_server_handle (other, "/oauth/callback", on_look_alike_hop, &look_alikes);
  /* Same port, other paths. */
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_ptr_array_add (look_alikes.hops, test_server_url (server, paths[i]));
      test_server_handle (server, paths[i], on_look_alike_hop, &look_alikes);
    }
  /* The redirect URL's host and port as user information, in front of another host. */
  g_ptr_array_add (look_alikes.hops, g_strdup_printf ("http://127.0.0.1:%u@127.0.0.1:%u/oauth/callback",
                                                      server->port, other->port));
  test_server_handle (server, "/authorize", on_look_alike_hop, &look_alikes);
  test_server_handle (server, "/token", on_look_alike_token, &look_alikes);
  /* Only a load of the redirect would reach this. */
  test_server_respond (server, "/oauth/callback", 500, "text/plain", "the redirect was loaded", -1);

  auth_url = test_server_url (server, "/authorize");
  token_url = test_server_url (server, "/token");
  oauth_app = test_oauth_app_new (look_alikes.redirect_url, auth_url, token_url, token_url,
                                  "look-alike-client", "look-alike-secret", NULL);

  sign_in_drive_init_sandbox (&drive);
  sign_in_with_window (&drive, oauth_app);
  g_assert_no_error (drive.error);
  g_assert_true (drive.succeeded);

  /* Every look-alike was loaded, not captured; only the real redirect was, and never loaded. */
  g_assert_cmpuint (look_alikes.next_hop, ==, look_alikes.hops->len);
  g_assert_cmpuint (look_alikes.codes->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (look_alikes.codes, 0), ==, "the-real-code");
  for (guint i = 0; i < server->requests->len; i++)
    g_assert_cmpstr (test_server_request (server, i)->path, !=, "/oauth/callback");
  g_assert_cmpuint (test_server_n_requests (other), ==, 2);
  {
    g_autofree char *access_token = test_oauth_app_secret (oauth_app, FLOWS_SECRETS_ACCESS_TOKEN_KEY);
    g_assert_cmpstr (access_token, ==, "look-alike-access-token");
  }

  sign_in_drive_clear (&drive);
  g_free (look_alikes.redirect_url);
  g_free (look_alikes.state);
  g_ptr_array_unref (look_alikes.hops);
  g_ptr_array_unref (look_alikes.codes);
}

/* http://127.0.0.1:PORT@evil/… must not be captured. The test stops the navigation there (after
 * the window let it through) rather than wait for a host that does not exist. */
typedef struct
{
  char     *evil_prefix;
  gboolean  passed_through;
} EvilWatch;

static gboolean
on_decide_policy_after_window (WebKitWebView            *web_view,
                               WebKitPolicyDecision     *decision,
                               WebKitPolicyDecisionType  type,
                               EvilWatch                *watch)
{
  WebKitNavigationAction *action;
  const char *uri;

  if (type != WEBKIT_POLICY_DECISION_TYPE_NAVIGATION_ACTION)
    return FALSE;
  action = webkit_navigation_policy_decision_get_navigation_action (WEBKIT_NAVIGATION_POLICY_DECISION (decision));
  uri = webkit_uri_request_get_uri (webkit_navigation_action_get_request (action));
  g_test_message ("navigation to %s", uri);
  /* WebKit hands over the request without the user information: http://evil.invalid/…. */
  if (!g_str_has_prefix (uri, "http://evil.invalid/") && !g_str_has_prefix (uri, watch->evil_prefix))
    return FALSE;

  watch->passed_through = TRUE;
  webkit_policy_decision_ignore (decision);
  gtk_window_close (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (web_view))));
  return TRUE;
}

static void
on_evil_authorize (TestServer        *server,
                   SoupServerMessage *msg,
                   TestRequest       *request,
                   gpointer           user_data)
{
  EvilWatch *watch = user_data;
  g_autofree char *uri = g_strconcat ("http://x/?", request->query, NULL);
  g_autofree char *state = query_value (uri, "state");
  g_autofree char *base = g_strconcat (watch->evil_prefix, "/oauth/callback", NULL);

  redirect_to (msg, base, "evil-code", state);
}

static void
test_sign_in_look_alike_userinfo_host (void)
{
  g_autoptr(TestServer) server = NULL;
  g_autoptr(TestOAuthApp) oauth_app = NULL;
  g_autofree char *redirect_url = NULL;
  g_autofree char *auth_url = NULL;
  g_autofree char *token_url = NULL;
  EvilWatch watch = { 0 };
  SignInDrive drive;

  if (!test_need_display () || !test_need_keyring ())
    return;

  server = test_server_new ();
  redirect_url = test_server_url (server, "/oauth/callback");
  watch.evil_prefix = g_strdup_printf ("http://127.0.0.1:%u@evil.invalid", server->port);
  test_server_handle (server, "/authorize", on_evil_authorize, &watch);
  auth_url = test_server_url (server, "/authorize");
  token_url = test_server_url (server, "/token");
  oauth_app = test_oauth_app_new (redirect_url, auth_url, token_url, token_url, "evil-client", "evil-secret", NULL);

  sign_in_drive_init_sandbox (&drive);
  sign_in_drive_prepare (&drive, oauth_app);
  g_signal_connect (drive.web_view, "decide-policy", G_CALLBACK (on_decide_policy_after_window), &watch);
  sign_in_drive_run (&drive);

  /* The window let it through (it was not captured): the test closed the window there. */
  g_assert_true (watch.passed_through);
  g_assert_error (drive.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (test_server_n_requests (server), ==, 1);
  assert_not_signed_in (oauth_app, NULL);

  sign_in_drive_clear (&drive);
  g_free (watch.evil_prefix);
}

/* Sign-in with the system browser ------------------------------------------------------------- */

/* A "default browser" for http that is curl: it follows the sandbox's redirects (auto-consent)
 * to the loopback listener, like a browser whose user allowed access. Written into the
 * disposable XDG directories of build-aux/session. */
static gboolean
install_curl_browser (void)
{
  g_autofree char *curl = g_find_program_in_path ("curl");
  g_autofree char *applications = NULL;
  g_autofree char *desktop_path = NULL;
  g_autofree char *desktop = NULL;
  g_autofree char *mimeapps_path = NULL;
  g_autoptr(GError) error = NULL;

  if (curl == NULL)
    {
      g_test_skip ("curl is not installed: it plays the system browser here");
      return FALSE;
    }

  applications = g_build_filename (g_get_user_data_dir (), "applications", NULL);
  g_mkdir_with_parents (applications, 0700);
  desktop_path = g_build_filename (applications, "flows-test-browser.desktop", NULL);
  desktop = g_strdup_printf ("[Desktop Entry]\nType=Application\nName=Test browser\n"
                             "Exec=%s --silent --location --max-redirs 5 --output /dev/null %%u\n"
                             "MimeType=x-scheme-handler/http;x-scheme-handler/https;\nNoDisplay=true\n", curl);
  g_file_set_contents (desktop_path, desktop, -1, &error);
  g_assert_no_error (error);

  g_mkdir_with_parents (g_get_user_config_dir (), 0700);
  mimeapps_path = g_build_filename (g_get_user_config_dir (), "mimeapps.list", NULL);
  g_file_set_contents (mimeapps_path,
                       "[Default Applications]\nx-scheme-handler/http=flows-test-browser.desktop\n"
                       "x-scheme-handler/https=flows-test-browser.desktop\n", -1, &error);
  g_assert_no_error (error);
  return TRUE;
}

typedef struct
{
  gboolean  succeeded;
  GError   *error;
} SystemBrowserWait;

static void
sign_in_with_system_browser (Sandbox           *sandbox,
                             SystemBrowserWait *wait)
{
  g_autoptr(FlowsSignIn) sign_in = flows_sign_in_new (sandbox->oauth_app->runner, sandbox->oauth_app->library,
                                                      sandbox->oauth_app->app, sandbox->oauth_app->connection);
  g_auto(TestAsync) async = { NULL };

  flows_sign_in_with_system_browser_async (sign_in, 30, NULL, test_async_ready, &async);
  wait->succeeded = flows_sign_in_with_system_browser_finish (sign_in, test_async_wait (&async, SIGN_IN_TIMEOUT_MS),
                                                              &wait->error);
}

static void
test_system_browser (void)
{
  g_autoptr(Sandbox) sandbox = NULL;
  g_autoptr(GUri) redirect = NULL;
  SystemBrowserWait wait = { 0 };
  SystemBrowserWait wrong = { 0 };
  g_autofree char *file_before = NULL;

  if (!test_need_keyring () || !install_curl_browser ())
    return;

  sandbox = sandbox_new ();
  flows_sandbox_provider_set_auto_consent (sandbox->provider, TRUE);
  sign_in_with_system_browser (sandbox, &wait);
  g_assert_no_error (wait.error);
  g_assert_true (wait.succeeded);
  g_assert_cmpuint (sandbox_count (sandbox, "authorize"), ==, 1);
  g_assert_cmpuint (sandbox_count (sandbox, "token"), ==, 1);
  assert_signed_in (sandbox->oauth_app, 0, 3600);

  /* The listener is gone. */
  redirect = g_uri_parse (flows_app_get_redirect_url (sandbox->oauth_app->app), G_URI_FLAGS_NONE, NULL);
  test_spin (100);
  assert_port_closed (g_uri_get_port (redirect));

  /* The same checks as in the window: an answer with another state is rejected. */
  {
    g_autofree char *access_token = NULL;

    flows_sandbox_provider_set_fault (sandbox->provider, FLOWS_SANDBOX_FAULT_WRONG_STATE);
    access_token = test_oauth_app_secret (sandbox->oauth_app, FLOWS_SECRETS_ACCESS_TOKEN_KEY);
    file_before = test_oauth_app_connection_file (sandbox->oauth_app);
    sign_in_with_system_browser (sandbox, &wrong);
    g_assert_error (wrong.error, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_STATE_MISMATCH);
    g_assert_cmpuint (sandbox_count (sandbox, "token"), ==, 1);
    g_clear_error (&wrong.error);
    {
      g_autofree char *file_after = test_oauth_app_connection_file (sandbox->oauth_app);
      g_autofree char *still = test_oauth_app_secret (sandbox->oauth_app, FLOWS_SECRETS_ACCESS_TOKEN_KEY);

      g_assert_cmpstr (file_after, ==, file_before);
      g_assert_cmpstr (still, ==, access_token);
    }
  }
}

/* Refresh through the unchanged Step 3 --------------------------------------------------------- */

/* A sandbox with auto-consent and a connection signed in through the window, its access token
 * living @lifetime seconds (0: expired at once). */
static Sandbox *
sandbox_signed_in (guint lifetime)
{
  Sandbox *sandbox = sandbox_new ();

  flows_sandbox_provider_set_auto_consent (sandbox->provider, TRUE);
  flows_sandbox_provider_set_access_token_lifetime (sandbox->provider, lifetime);
  sandbox_sign_in (sandbox);
  flows_sandbox_provider_set_access_token_lifetime (sandbox->provider, 3600);
  g_assert_cmpuint (sandbox_count (sandbox, "token"), ==, 1);
  return sandbox;
}

static FlowsRun *
run_connection_test (Sandbox *sandbox)
{
  FlowsFlow *flow = flows_app_find_flow_by_role (sandbox->oauth_app->app, FLOWS_FLOW_ROLE_CONNECTION_TEST);

  return test_oauth_app_run (sandbox->oauth_app, flow, NULL, NULL);
}

static void
test_refresh_invalid_grant (void)
{
  g_autoptr(Sandbox) sandbox = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlowsConnection) saved = NULL;
  g_autoptr(FlowsRun) run = NULL;
  g_autofree char *access_token = NULL;

  if (!test_need_display () || !test_need_keyring ())
    return;

  sandbox = sandbox_signed_in (3600);
  flows_sandbox_provider_set_fault (sandbox->provider, FLOWS_SANDBOX_FAULT_INVALID_GRANT_ON_REFRESH);
  access_token = test_oauth_app_secret (sandbox->oauth_app, FLOWS_SECRETS_ACCESS_TOKEN_KEY);

  g_assert_false (test_oauth_app_refresh (sandbox->oauth_app, &error));
  g_assert_error (error, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_NEEDS_SIGN_IN);
  test_assert_contains (error->message, "invalid_grant");
  test_assert_contains (error->message, "The refresh token has expired");
  g_assert_cmpuint (sandbox_count (sandbox, "refresh"), ==, 1);

  /* The connection needs sign-in with the provider's words, in memory and in its file. */
  test_assert_contains (flows_connection_get_needs_sign_in (sandbox->oauth_app->connection),
                        "The refresh token has expired");
  saved = test_oauth_app_reload_connection (sandbox->oauth_app);
  g_assert_cmpstr (flows_connection_get_needs_sign_in (saved), ==,
                   flows_connection_get_needs_sign_in (sandbox->oauth_app->connection));

  /* A run whose token expired says so too. */
  flows_connection_set_token_expires_at (sandbox->oauth_app->connection, g_get_real_time () / G_USEC_PER_SEC - 10);
  run = run_connection_test (sandbox);
  g_assert_false (flows_run_get_succeeded (run));
  test_assert_contains (flows_run_get_error_message (run), "The refresh token has expired");
  test_assert_not_contains (flows_run_get_error_message (run), access_token);
  g_assert_cmpuint (sandbox_count (sandbox, "refresh"), <=, 2);
  g_assert_cmpuint (sandbox_count (sandbox, "userinfo"), ==, 0);

  /* Signing in again clears it. */
  flows_sandbox_provider_set_fault (sandbox->provider, FLOWS_SANDBOX_FAULT_NONE);
  sandbox_sign_in (sandbox);
  g_assert_null (flows_connection_get_needs_sign_in (sandbox->oauth_app->connection));
  g_clear_object (&saved);
  saved = test_oauth_app_reload_connection (sandbox->oauth_app);
  g_assert_null (flows_connection_get_needs_sign_in (saved));
}

static void
check_refresh_rotation (gboolean rotate)
{
  g_autoptr(Sandbox) sandbox = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlowsConnection) saved = NULL;
  g_autoptr(FlowsRun) run = NULL;
  g_autofree char *old_access_token = NULL;
  g_autofree char *old_refresh_token = NULL;
  g_autofree char *new_access_token = NULL;
  g_autofree char *new_refresh_token = NULL;
  gint64 before;

  if (!test_need_display () || !test_need_keyring ())
    return;

  sandbox = sandbox_signed_in (3600);
  flows_sandbox_provider_set_rotate_refresh_tokens (sandbox->provider, rotate);
  flows_sandbox_provider_set_access_token_lifetime (sandbox->provider, 900);
  old_access_token = test_oauth_app_secret (sandbox->oauth_app, FLOWS_SECRETS_ACCESS_TOKEN_KEY);
  old_refresh_token = test_oauth_app_secret (sandbox->oauth_app, FLOWS_SECRETS_REFRESH_TOKEN_KEY);

  before = g_get_real_time () / G_USEC_PER_SEC;
  g_assert_true (test_oauth_app_refresh (sandbox->oauth_app, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sandbox_count (sandbox, "refresh"), ==, 1);

  new_access_token = test_oauth_app_secret (sandbox->oauth_app, FLOWS_SECRETS_ACCESS_TOKEN_KEY);
  new_refresh_token = test_oauth_app_secret (sandbox->oauth_app, FLOWS_SECRETS_REFRESH_TOKEN_KEY);
  g_assert_nonnull (new_access_token);
  g_assert_cmpstr (new_access_token, !=, old_access_token);
  g_assert_nonnull (new_refresh_token);
  if (rotate)
    g_assert_cmpstr (new_refresh_token, !=, old_refresh_token);  /* the rotated one replaced it */
  else
    g_assert_cmpstr (new_refresh_token, ==, old_refresh_token);  /* none sent: the old one kept */

  /* The new expiry, saved. */
  g_assert_cmpint (flows_connection_get_token_expires_at (sandbox->oauth_app->connection), >=, before + 900);
  g_assert_cmpint (flows_connection_get_token_expires_at (sandbox->oauth_app->connection), <=,
                   g_get_real_time () / G_USEC_PER_SEC + 900);
  saved = test_oauth_app_reload_connection (sandbox->oauth_app);
  g_assert_cmpint (flows_connection_get_token_expires_at (saved), ==,
                   flows_connection_get_token_expires_at (sandbox->oauth_app->connection));
  g_assert_true (flows_connection_get_signed_in (saved));

  /* The new access token works, and the stored refresh token still refreshes. */
  run = run_connection_test (sandbox);
  test_assert_succeeded (run);
  g_assert_true (test_oauth_app_refresh (sandbox->oauth_app, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sandbox_count (sandbox, "refresh"), ==, 2);
}

static void
test_refresh_rotation (void)
{
  check_refresh_rotation (TRUE);
}

static void
test_refresh_no_rotation (void)
{
  check_refresh_rotation (FALSE);
}

static void
test_refresh_expired_before_call (void)
{
  g_autoptr(Sandbox) sandbox = NULL;
  g_autoptr(FlowsRun) run = NULL;
  g_autofree char *old_access_token = NULL;
  g_autofree char *new_access_token = NULL;
  g_autofree char *refresh_token = NULL;

  if (!test_need_display () || !test_need_keyring ())
    return;

  /* The token the sign-in stored expired when it was issued. */
  sandbox = sandbox_signed_in (0);
  g_assert_true (flows_oauth_token_needs_refresh (sandbox->oauth_app->connection));
  old_access_token = test_oauth_app_secret (sandbox->oauth_app, FLOWS_SECRETS_ACCESS_TOKEN_KEY);

  /* The Call API of the Connection Test refreshes before it calls: the provider never sees the
   * expired token. */
  run = run_connection_test (sandbox);
  test_assert_succeeded (run);
  g_assert_cmpuint (flows_run_get_http_status (run), ==, 200);
  g_assert_cmpuint (sandbox_count (sandbox, "refresh"), ==, 1);
  g_assert_cmpuint (sandbox_count (sandbox, "userinfo"), ==, 1);
  g_assert_false (flows_oauth_token_needs_refresh (sandbox->oauth_app->connection));

  new_access_token = test_oauth_app_secret (sandbox->oauth_app, FLOWS_SECRETS_ACCESS_TOKEN_KEY);
  refresh_token = test_oauth_app_secret (sandbox->oauth_app, FLOWS_SECRETS_REFRESH_TOKEN_KEY);
  g_assert_cmpstr (new_access_token, !=, old_access_token);
  {
    const char * const secrets[] = { old_access_token, new_access_token, refresh_token, FLOWS_SANDBOX_CLIENT_SECRET, NULL };

    audit_run (run, secrets);
    audit_directory (sandbox->oauth_app->data_dir, secrets);
  }

  /* A token within a minute of its end counts as expired as well. */
  flows_connection_set_token_expires_at (sandbox->oauth_app->connection,
                                         g_get_real_time () / G_USEC_PER_SEC + FLOWS_OAUTH_REFRESH_MARGIN - 5);
  g_clear_object (&run);
  run = run_connection_test (sandbox);
  test_assert_succeeded (run);
  g_assert_cmpuint (sandbox_count (sandbox, "refresh"), ==, 2);

  /* And one with time left is not refreshed. */
  g_clear_object (&run);
  run = run_connection_test (sandbox);
  test_assert_succeeded (run);
  g_assert_cmpuint (sandbox_count (sandbox, "refresh"), ==, 2);
  g_assert_cmpuint (sandbox_count (sandbox, "userinfo"), ==, 3);
}

static void
test_refresh_after_401 (void)
{
  g_autoptr(Sandbox) sandbox = NULL;
  g_autoptr(FlowsRun) run = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *access_token = NULL;

  if (!test_need_display () || !test_need_keyring ())
    return;

  /* The connection believes in its token for an hour; the provider has revoked it. */
  sandbox = sandbox_signed_in (3600);
  flows_secrets_store_sync (flows_app_get_id (sandbox->oauth_app->app),
                            flows_connection_get_id (sandbox->oauth_app->connection),
                            FLOWS_SECRETS_ACCESS_TOKEN_KEY, "a-token-the-provider-revoked", NULL, &error);
  g_assert_no_error (error);

  /* One 401, one refresh, one retry that works. */
  run = run_connection_test (sandbox);
  test_assert_succeeded (run);
  g_assert_cmpuint (flows_run_get_http_status (run), ==, 200);
  g_assert_cmpuint (sandbox_count (sandbox, "userinfo"), ==, 2);
  g_assert_cmpuint (sandbox_count (sandbox, "refresh"), ==, 1);
  access_token = test_oauth_app_secret (sandbox->oauth_app, FLOWS_SECRETS_ACCESS_TOKEN_KEY);
  g_assert_cmpstr (access_token, !=, "a-token-the-provider-revoked");
}

static void
test_refresh_after_401_once_only (void)
{
  g_autoptr(Sandbox) sandbox = NULL;
  g_autoptr(TestServer) service = NULL;
  g_autoptr(FlowsRun) run = NULL;
  g_autofree char *service_url = NULL;

  if (!test_need_display () || !test_need_keyring ())
    return;

  /* A service that refuses every token. */
  sandbox = sandbox_signed_in (3600);
  service = test_server_new ();
  test_server_respond (service, "/me", 401, "application/json", "{\"error\":\"invalid_token\"}", -1);
  service_url = test_server_url (service, "/me");
  flows_connection_set_value (sandbox->oauth_app->connection, "TestURL", service_url);

  /* Exactly one refresh and one retry, then the run fails with the 401. */
  run = run_connection_test (sandbox);
  g_assert_false (flows_run_get_succeeded (run));
  test_assert_contains (flows_run_get_error_message (run), "401");
  g_assert_cmpuint (test_server_n_requests (service), ==, 2);
  g_assert_cmpuint (sandbox_count (sandbox, "refresh"), ==, 1);
  {
    TestRequest *first = test_server_request (service, 0);
    TestRequest *second = test_server_request (service, 1);

    /* The retry carries the refreshed token. */
    g_assert_cmpstr (soup_message_headers_get_one (first->headers, "Authorization"), !=,
                     soup_message_headers_get_one (second->headers, "Authorization"));
  }
}

/* Step 1 and Step 2 run directly (as from the flow editor), the authorisation request made with
 * libsoup: their traces, where the client secret and the tokens pass, show none of them. */
static void
test_step_traces (void)
{
  g_autoptr(Sandbox) sandbox = NULL;
  g_autoptr(GHashTable) builtins = NULL;
  g_autoptr(GHashTable) fields = NULL;
  g_autoptr(FlowsRun) authorize = NULL;
  g_autoptr(FlowsRun) exchange = NULL;
  g_autoptr(FlowsRun) test_run = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;
  g_autofree char *verifier = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *url = NULL;
  g_autofree char *refresh_token = NULL;
  char *access_token = NULL;
  g_autoptr(GBytes) fetched = NULL;
  g_auto(TestAsync) fetch = { NULL };
  g_auto(TestAsync) store = { NULL };

  if (!test_need_keyring ())
    return;

  sandbox = sandbox_new ();
  flows_sandbox_provider_set_auto_consent (sandbox->provider, TRUE);
  state = flows_oauth_random_string (32, &error);
  verifier = flows_oauth_random_string (32, &error);
  g_assert_no_error (error);
  challenge = flows_oauth_code_challenge (verifier);
  builtins = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (builtins, (gpointer)FLOWS_BUILTIN_STATE, state);
  g_hash_table_insert (builtins, (gpointer)FLOWS_BUILTIN_CODE_CHALLENGE, challenge);
  g_hash_table_insert (builtins, (gpointer)FLOWS_BUILTIN_CODE_VERIFIER, verifier);

  authorize = test_oauth_app_run (sandbox->oauth_app,
                                  flows_app_find_flow_by_role (sandbox->oauth_app->app, FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE),
                                  NULL, builtins);
  test_assert_succeeded (authorize);
  url = test_response_text (authorize, "authorizeUrl");

  session = soup_session_new ();
  message = soup_message_new ("GET", url);
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL, test_async_ready, &fetch);
  fetched = soup_session_send_and_read_finish (session, test_async_wait (&fetch, 10000), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 302);
  fields = flows_oauth_parse_callback (soup_message_headers_get_one (soup_message_get_response_headers (message), "Location"),
                                       &error);
  g_assert_no_error (error);
  g_assert_true (flows_oauth_check_callback (fields, state, &error));
  g_assert_no_error (error);

  exchange = test_oauth_app_run (sandbox->oauth_app,
                                 flows_app_find_flow_by_role (sandbox->oauth_app->app, FLOWS_FLOW_ROLE_OAUTH_EXCHANGE),
                                 fields, builtins);
  test_assert_succeeded (exchange);
  flows_oauth_store_tokens_async (sandbox->oauth_app->app, sandbox->oauth_app->connection, sandbox->oauth_app->library,
                                  exchange, NULL, test_async_ready, &store);
  access_token = flows_oauth_store_tokens_finish (test_async_wait (&store, SIGN_IN_TIMEOUT_MS), &error);
  g_assert_no_error (error);
  g_assert_nonnull (access_token);
  refresh_token = test_oauth_app_secret (sandbox->oauth_app, FLOWS_SECRETS_REFRESH_TOKEN_KEY);
  g_assert_nonnull (refresh_token);

  test_run = run_connection_test (sandbox);
  test_assert_succeeded (test_run);
  {
    const char * const secrets[] = { access_token, refresh_token, FLOWS_SANDBOX_CLIENT_SECRET, NULL };

    audit_run (authorize, secrets);
    audit_run (exchange, secrets);
    audit_run (test_run, secrets);
    g_assert_cmpuint (audit_directory (sandbox->oauth_app->data_dir, secrets), >=, 2);
  }
  flows_secrets_free (access_token);
}

typedef struct
{
  guint n_done;
  guint n_succeeded;
} Concurrent;

static void
on_concurrent_run (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Concurrent *concurrent = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlowsRun) run = flows_runner_run_finish (FLOWS_RUNNER (source), result, &error);

  g_assert_no_error (error);
  if (flows_run_get_succeeded (run))
    concurrent->n_succeeded++;
  else
    g_test_message ("a run failed: %s", flows_run_get_error_message (run));
  concurrent->n_done++;
}

static void
on_concurrent_refresh (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Concurrent *concurrent = user_data;
  g_autoptr(GError) error = NULL;

  if (flows_token_refresher_refresh_finish (FLOWS_TOKEN_REFRESHER (source), result, &error))
    concurrent->n_succeeded++;
  else
    g_test_message ("a refresh failed: %s", error->message);
  concurrent->n_done++;
}

#define N_CONCURRENT 50

static gboolean
fifty_done (gpointer user_data)
{
  return ((Concurrent *)user_data)->n_done == N_CONCURRENT;
}

static void
test_refresh_single_flight (void)
{
  g_autoptr(Sandbox) sandbox = NULL;
  FlowsFlow *flow;
  Concurrent concurrent = { 0 };

  if (!test_need_display () || !test_need_keyring ())
    return;

  /* The token expired; the provider is slow to refresh, so that every run asks meanwhile. */
  sandbox = sandbox_signed_in (0);
  flows_sandbox_provider_set_token_delay (sandbox->provider, 300);
  flow = flows_app_find_flow_by_role (sandbox->oauth_app->app, FLOWS_FLOW_ROLE_CONNECTION_TEST);

  for (guint i = 0; i < N_CONCURRENT; i++)
    flows_runner_run_async (sandbox->oauth_app->runner, sandbox->oauth_app->app, flow, NULL,
                            sandbox->oauth_app->connection, NULL, NULL, on_concurrent_run, &concurrent);
  test_wait_for (fifty_done, &concurrent, SIGN_IN_TIMEOUT_MS);

  g_assert_cmpuint (concurrent.n_succeeded, ==, N_CONCURRENT);
  /* Exactly one refresh reached the provider; every run then used its token. */
  g_assert_cmpuint (sandbox_count (sandbox, "refresh"), ==, 1);
  g_assert_cmpuint (sandbox_count (sandbox, "userinfo"), ==, N_CONCURRENT);

  /* The same for callers of flows_token_refresher_refresh_async(). */
  memset (&concurrent, 0, sizeof concurrent);
  for (guint i = 0; i < N_CONCURRENT; i++)
    flows_token_refresher_refresh_async (sandbox->oauth_app->refresher, sandbox->oauth_app->app,
                                         sandbox->oauth_app->connection, NULL, on_concurrent_refresh, &concurrent);
  test_wait_for (fifty_done, &concurrent, SIGN_IN_TIMEOUT_MS);
  g_assert_cmpuint (concurrent.n_succeeded, ==, N_CONCURRENT);
  g_assert_cmpuint (sandbox_count (sandbox, "refresh"), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);

  g_test_add_func ("/oauth/redirect-matches", test_redirect_matches);
  g_test_add_func ("/oauth/equal-constant-time", test_equal_constant_time);
  g_test_add_func ("/oauth/parse-callback", test_parse_callback);
  g_test_add_func ("/oauth/check-callback", test_check_callback);
  g_test_add_func ("/oauth/random-and-pkce", test_random_and_pkce);

  g_test_add_func ("/listener/rejects-other-urls", test_listener_rejects);
  g_test_add_func ("/listener/one-request", test_listener_one_request);
  g_test_add_func ("/listener/loopback-only", test_listener_loopback_only);
  g_test_add_func ("/listener/timeout", test_listener_timeout);
  g_test_add_func ("/listener/port-taken", test_listener_port_taken);

  g_test_add_func ("/sign-in/success", test_sign_in_success);
  g_test_add_func ("/sign-in/wrong-password-first", test_sign_in_wrong_password_first);
  test_add_table (sign_in_refusals, test_sign_in_refused);
  g_test_add_func ("/sign-in/expires-in-string", test_sign_in_expires_in_string);
  g_test_add_func ("/sign-in/special-character-codes", test_sign_in_special_character_codes);
  g_test_add_func ("/sign-in/slow-token-endpoint", test_sign_in_slow_token_endpoint);
  g_test_add_func ("/sign-in/close-on-login-page", test_sign_in_close_on_login_page);
  g_test_add_func ("/sign-in/close-while-exchanging", test_sign_in_close_while_exchanging);
  g_test_add_func ("/sign-in/webkit-processes-end", test_sign_in_webkit_processes_end);
  g_test_add_func ("/sign-in/bad-authorize-url", test_sign_in_bad_authorize_url);
  g_test_add_func ("/sign-in/tls-error", test_sign_in_tls_error);
  g_test_add_func ("/sign-in/look-alikes", test_sign_in_look_alikes);
  g_test_add_func ("/sign-in/look-alike-userinfo-host", test_sign_in_look_alike_userinfo_host);
  test_add_table (error_pages, test_error_page);
  g_test_add_func ("/sign-in/error-page/sandbox-unknown-client", test_error_page_sandbox_unknown_client);
  g_test_add_func ("/sign-in/error-page/login-form-waits", test_error_page_login_form_waits);
  g_test_add_func ("/sign-in/error-page/cli", test_error_page_cli);

  g_test_add_func ("/sign-in/system-browser", test_system_browser);

  g_test_add_func ("/refresh/invalid-grant", test_refresh_invalid_grant);
  g_test_add_func ("/refresh/rotation", test_refresh_rotation);
  g_test_add_func ("/refresh/no-rotation", test_refresh_no_rotation);
  g_test_add_func ("/refresh/expired-before-call", test_refresh_expired_before_call);
  g_test_add_func ("/refresh/after-401", test_refresh_after_401);
  g_test_add_func ("/refresh/after-401-once-only", test_refresh_after_401_once_only);
  g_test_add_func ("/refresh/single-flight", test_refresh_single_flight);
  g_test_add_func ("/secrets/step-traces", test_step_traces);

  return g_test_run ();
}
