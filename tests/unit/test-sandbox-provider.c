/* test-sandbox-provider.c — the sandbox OAuth provider, driven over HTTP with a SoupSession.
 *
 * Each test starts its own provider on a free port of 127.0.0.1. Requests run on the test's main
 * context, which also serves the provider, and never follow redirects, so that every redirect
 * to the client can be read.
 */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "flows-sandbox-client.h"
#include "flows-sandbox-provider.h"
#include "test-cases.h"

#define REDIRECT_URI "http://127.0.0.1:8976/oauth/callback"
#define VERIFIER "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
#define OTHER_VERIFIER "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define STATE "xyz-state-123"

typedef struct {
  FlowsSandboxProvider *provider;
  SoupSession          *session;
  char                 *base_url;
} Fixture;

typedef struct {
  guint  status;
  char  *body;
  char  *location;
  char  *content_type;
  char  *cache_control;
  char  *www_authenticate;
} Response;

static void
response_free (Response *response)
{
  g_free (response->body);
  g_free (response->location);
  g_free (response->content_type);
  g_free (response->cache_control);
  g_free (response->www_authenticate);
  g_free (response);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Response, response_free)

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->provider = flows_sandbox_provider_new ();
  flows_sandbox_provider_start (fixture->provider, 0, &error);
  g_assert_no_error (error);
  fixture->base_url = flows_sandbox_provider_get_base_url (fixture->provider);
  fixture->session = soup_session_new ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->session);
  flows_sandbox_provider_stop (fixture->provider);
  while (g_main_context_iteration (g_main_context_get_thread_default (), FALSE));
  g_assert_finalize_object (fixture->provider);
  g_free (fixture->base_url);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

/* Sends @msg on the test's main context, without following redirects. */
static Response *
send_message (Fixture     *fixture,
              SoupMessage *msg,
              GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) body = NULL;
  SoupMessageHeaders *headers;
  Response *response;

  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  soup_session_send_and_read_async (fixture->session, msg, G_PRIORITY_DEFAULT, NULL, on_sent, &result);
  while (result == NULL)
    g_main_context_iteration (g_main_context_get_thread_default (), TRUE);

  body = soup_session_send_and_read_finish (fixture->session, result, error);
  if (body == NULL)
    return NULL;

  headers = soup_message_get_response_headers (msg);
  response = g_new0 (Response, 1);
  response->status = soup_message_get_status (msg);
  response->body = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  response->location = g_strdup (soup_message_headers_get_one (headers, "Location"));
  response->content_type = g_strdup (soup_message_headers_get_content_type (headers, NULL));
  response->cache_control = g_strdup (soup_message_headers_get_one (headers, "Cache-Control"));
  response->www_authenticate = g_strdup (soup_message_headers_get_one (headers, "WWW-Authenticate"));
  return response;
}

static Response *
send_ok (Fixture     *fixture,
         SoupMessage *msg)
{
  g_autoptr(GError) error = NULL;
  Response *response = send_message (fixture, msg, &error);

  g_assert_no_error (error);
  return response;
}

static Response *
get (Fixture    *fixture,
     const char *url)
{
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, url);

  return send_ok (fixture, msg);
}

static Response *
post_form (Fixture    *fixture,
           const char *path,
           const char *form)
{
  g_autofree char *url = g_strconcat (fixture->base_url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_POST, url);
  g_autoptr(GBytes) body = g_bytes_new (form, strlen (form));

  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", body);
  return send_ok (fixture, msg);
}

static char *
challenge_for (const char *verifier)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;
  char *text;

  g_checksum_update (checksum, (const guchar *)verifier, -1);
  g_checksum_get_digest (checksum, digest, &length);
  text = g_base64_encode (digest, length);
  g_strdelimit (text, "+", '-');
  g_strdelimit (text, "/", '_');
  *strchr (text, '=') = '\0';
  return text;
}

static char *
authorize_url (Fixture    *fixture,
               const char *client_id,
               const char *redirect_uri,
               const char *challenge_method)
{
  g_autofree char *challenge = challenge_for (VERIFIER);
  g_autofree char *query = soup_form_encode ("response_type", "code",
                                             "client_id", client_id,
                                             "redirect_uri", redirect_uri,
                                             "scope", "profile email offline_access",
                                             "state", STATE,
                                             "code_challenge", challenge,
                                             "code_challenge_method", challenge_method,
                                             NULL);

  return g_strconcat (fixture->base_url, FLOWS_SANDBOX_AUTHORIZE_PATH, "?", query, NULL);
}

static char *
find_request_id (const char *html)
{
  g_autoptr(GRegex) regex = g_regex_new ("name=\"request\" value=\"([^\"]+)\"", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  g_assert_true (g_regex_match (regex, html, 0, &match));
  return g_match_info_fetch (match, 1);
}

/* The fields of a redirect to REDIRECT_URI. */
static GHashTable *
callback_fields (Response *response)
{
  g_autoptr(GUri) uri = NULL;

  g_assert_cmpuint (response->status, ==, SOUP_STATUS_FOUND);
  g_assert_nonnull (response->location);
  g_assert_true (g_str_has_prefix (response->location, REDIRECT_URI "?"));
  uri = g_uri_parse (response->location, G_URI_FLAGS_ENCODED, NULL);
  g_assert_nonnull (uri);
  return soup_form_decode (g_uri_get_query (uri));
}

/* GET /authorize and sign in as demo: the consent page. */
static Response *
sign_in (Fixture  *fixture,
         char    **request_id)
{
  g_autofree char *url = authorize_url (fixture, FLOWS_SANDBOX_CLIENT_ID, REDIRECT_URI, "S256");
  g_autoptr(Response) login = get (fixture, url);
  g_autofree char *form = NULL;
  Response *consent;

  g_assert_cmpuint (login->status, ==, SOUP_STATUS_OK);
  *request_id = find_request_id (login->body);
  form = soup_form_encode ("request", *request_id, "username", "demo", "password", "demo", NULL);
  consent = post_form (fixture, FLOWS_SANDBOX_AUTHORIZE_PATH "/login", form);
  g_assert_cmpuint (consent->status, ==, SOUP_STATUS_OK);
  return consent;
}

/* Signs in and allows, or with auto-consent just asks: the callback's fields. */
static GHashTable *
authorize (Fixture *fixture)
{
  g_autofree char *request_id = NULL;
  g_autoptr(Response) consent = NULL;
  g_autoptr(Response) redirect = NULL;
  g_autofree char *form = NULL;

  if (flows_sandbox_provider_get_auto_consent (fixture->provider))
    {
      g_autofree char *url = authorize_url (fixture, FLOWS_SANDBOX_CLIENT_ID, REDIRECT_URI, "S256");

      redirect = get (fixture, url);
      return callback_fields (redirect);
    }

  consent = sign_in (fixture, &request_id);
  form = soup_form_encode ("request", request_id, "decision", "allow", NULL);
  redirect = post_form (fixture, FLOWS_SANDBOX_AUTHORIZE_PATH "/consent", form);
  return callback_fields (redirect);
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = json_from_string (text, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

/* The token endpoint's JSON answer, which must be @status and never cached. */
static JsonObject *
post_token (Fixture    *fixture,
            const char *form,
            guint       status)
{
  g_autoptr(Response) response = post_form (fixture, FLOWS_SANDBOX_TOKEN_PATH, form);

  g_assert_cmpuint (response->status, ==, status);
  g_assert_cmpstr (response->content_type, ==, "application/json");
  g_assert_cmpstr (response->cache_control, ==, "no-store");
  return parse_object (response->body);
}

static char *
exchange_form (const char *code,
               const char *verifier)
{
  return soup_form_encode ("grant_type", "authorization_code",
                           "code", code,
                           "redirect_uri", REDIRECT_URI,
                           "client_id", FLOWS_SANDBOX_CLIENT_ID,
                           "client_secret", FLOWS_SANDBOX_CLIENT_SECRET,
                           "code_verifier", verifier,
                           NULL);
}

static JsonObject *
exchange (Fixture    *fixture,
          const char *code,
          const char *verifier,
          guint       status)
{
  g_autofree char *form = exchange_form (code, verifier);

  return post_token (fixture, form, status);
}

static JsonObject *
refresh (Fixture    *fixture,
         const char *refresh_token,
         guint       status)
{
  g_autofree char *form = soup_form_encode ("grant_type", "refresh_token",
                                            "refresh_token", refresh_token,
                                            "client_id", FLOWS_SANDBOX_CLIENT_ID,
                                            "client_secret", FLOWS_SANDBOX_CLIENT_SECRET,
                                            NULL);

  return post_token (fixture, form, status);
}

/* Signs in and exchanges the code: the token response. */
static JsonObject *
get_tokens (Fixture *fixture)
{
  g_autoptr(GHashTable) fields = NULL;

  flows_sandbox_provider_set_auto_consent (fixture->provider, TRUE);
  fields = authorize (fixture);
  flows_sandbox_provider_set_auto_consent (fixture->provider, FALSE);
  return exchange (fixture, g_hash_table_lookup (fields, "code"), VERIFIER, SOUP_STATUS_OK);
}

static void
assert_token_error (JsonObject *object,
                    const char *error)
{
  g_assert_cmpstr (json_object_get_string_member (object, "error"), ==, error);
  g_assert_true (json_object_has_member (object, "error_description"));
}

static Response *
get_userinfo (Fixture    *fixture,
              const char *access_token)
{
  g_autofree char *url = g_strconcat (fixture->base_url, FLOWS_SANDBOX_USERINFO_PATH, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, url);

  if (access_token != NULL)
    {
      g_autofree char *header = g_strconcat ("Bearer ", access_token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", header);
    }
  return send_ok (fixture, msg);
}

/* Tests */

static void
test_start_stop (void)
{
  g_autoptr(FlowsSandboxProvider) provider = flows_sandbox_provider_new ();
  g_autoptr(FlowsSandboxProvider) second = flows_sandbox_provider_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *expected = NULL;
  guint port;

  g_assert_cmpuint (flows_sandbox_provider_get_port (provider), ==, 0);
  g_assert_null (flows_sandbox_provider_get_base_url (provider));
  g_assert_true (flows_sandbox_provider_get_rotate_refresh_tokens (provider));
  g_assert_cmpuint (flows_sandbox_provider_get_access_token_lifetime (provider), ==, 3600);
  g_assert_cmpuint (flows_sandbox_provider_get_token_delay (provider), ==, 0);
  g_assert_false (flows_sandbox_provider_get_auto_consent (provider));
  g_assert_cmpint (flows_sandbox_provider_get_fault (provider), ==, FLOWS_SANDBOX_FAULT_NONE);

  g_assert_true (flows_sandbox_provider_start (provider, 0, &error));
  g_assert_no_error (error);
  port = flows_sandbox_provider_get_port (provider);
  g_assert_cmpuint (port, >, 0);
  base_url = flows_sandbox_provider_get_base_url (provider);
  expected = g_strdup_printf ("http://127.0.0.1:%u", port);
  g_assert_cmpstr (base_url, ==, expected);

  /* A port in use is a clear, recognisable error. */
  g_assert_false (flows_sandbox_provider_start (second, port, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
  g_assert_nonnull (strstr (error->message, expected + strlen ("http://127.0.0.1:")));
  g_assert_cmpuint (flows_sandbox_provider_get_port (second), ==, 0);
  g_clear_error (&error);

  flows_sandbox_provider_stop (provider);
  g_assert_cmpuint (flows_sandbox_provider_get_port (provider), ==, 0);
  /* The port is free again. */
  g_assert_true (flows_sandbox_provider_start (second, port, &error));
  g_assert_no_error (error);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  (*(guint *)user_data)++;
}

static void
test_properties (void)
{
  g_autoptr(FlowsSandboxProvider) provider = flows_sandbox_provider_new ();
  guint notifications = 0;
  FlowsSandboxFault fault;
  guint delay;

  g_signal_connect (provider, "notify::fault", G_CALLBACK (count_notify), &notifications);

  g_object_set (provider, "fault", FLOWS_SANDBOX_FAULT_TOKEN_HTML, "token-delay", 250, NULL);
  g_object_get (provider, "fault", &fault, "token-delay", &delay, NULL);
  g_assert_cmpint (fault, ==, FLOWS_SANDBOX_FAULT_TOKEN_HTML);
  g_assert_cmpuint (delay, ==, 250);
  /* Explicit notify: setting the same value again says nothing. */
  flows_sandbox_provider_set_fault (provider, FLOWS_SANDBOX_FAULT_TOKEN_HTML);
  g_assert_cmpuint (notifications, ==, 1);
}

static void
test_metadata (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autofree char *url = g_strconcat (fixture->base_url, FLOWS_SANDBOX_METADATA_PATH, NULL);
  g_autofree char *token_url = g_strconcat (fixture->base_url, FLOWS_SANDBOX_TOKEN_PATH, NULL);
  g_autoptr(Response) response = get (fixture, url);
  g_autoptr(JsonObject) metadata = NULL;
  JsonArray *methods;

  g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
  metadata = parse_object (response->body);
  g_assert_cmpstr (json_object_get_string_member (metadata, "issuer"), ==, fixture->base_url);
  g_assert_cmpstr (json_object_get_string_member (metadata, "token_endpoint"), ==, token_url);
  g_assert_true (g_str_has_suffix (json_object_get_string_member (metadata, "authorization_endpoint"), "/authorize"));
  g_assert_true (g_str_has_suffix (json_object_get_string_member (metadata, "userinfo_endpoint"), "/userinfo"));
  methods = json_object_get_array_member (metadata, "code_challenge_methods_supported");
  g_assert_cmpuint (json_array_get_length (methods), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (methods, 0), ==, "S256");
}

/* What a client is given to sign in to the sandbox is what the sandbox itself publishes, and
 * its endpoints are recognised as the sandbox's. */
static void
test_client_values (Fixture       *fixture,
                    gconstpointer  user_data)
{
  guint port = flows_sandbox_provider_get_port (fixture->provider);
  g_autoptr(GHashTable) values = flows_sandbox_get_connection_values (port);
  g_autofree char *url = g_strconcat (fixture->base_url, FLOWS_SANDBOX_METADATA_PATH, NULL);
  g_autoptr(Response) response = get (fixture, url);
  g_autoptr(JsonObject) metadata = parse_object (response->body);
  const char * const urls[] = { "https://example.com/authorize", g_hash_table_lookup (values, "TokenURL"), NULL };

  g_assert_cmpuint (g_hash_table_size (values), ==, 5);
  g_assert_cmpstr (g_hash_table_lookup (values, "AuthURL"), ==,
                   json_object_get_string_member (metadata, "authorization_endpoint"));
  g_assert_cmpstr (g_hash_table_lookup (values, "TokenURL"), ==, json_object_get_string_member (metadata, "token_endpoint"));
  g_assert_cmpstr (g_hash_table_lookup (values, "TestURL"), ==,
                   json_object_get_string_member (metadata, "userinfo_endpoint"));
  g_assert_cmpstr (g_hash_table_lookup (values, "ClientID"), ==, FLOWS_SANDBOX_CLIENT_ID);
  g_assert_cmpstr (g_hash_table_lookup (values, "ClientSecret"), ==, FLOWS_SANDBOX_CLIENT_SECRET);

  g_assert_true (flows_sandbox_serves_any (urls, port));
  g_assert_false (flows_sandbox_serves_any (urls, port + 1));
  g_assert_false (flows_sandbox_serves_any (urls + 2, port));
  g_assert_false (flows_sandbox_serves_any (NULL, port));
}

typedef struct
{
  const char *path;
  const char *url;
  gboolean    endpoint;
} EndpointCase;

/* Whether an address is the sandbox's, on port 8977: by scheme, host, port and path. */
static const EndpointCase endpoint_cases[] = {
  { "/sandbox-client/endpoint/authorize", "http://127.0.0.1:8977/authorize", TRUE },
  { "/sandbox-client/endpoint/token", "http://127.0.0.1:8977/token", TRUE },
  { "/sandbox-client/endpoint/userinfo-query", "http://127.0.0.1:8977/userinfo?x=1", TRUE },
  { "/sandbox-client/endpoint/metadata", "http://127.0.0.1:8977/.well-known/oauth-authorization-server", TRUE },
  { "/sandbox-client/endpoint/root", "http://127.0.0.1:8977", TRUE },
  { "/sandbox-client/endpoint/localhost", "http://LocalHost:8977/authorize", TRUE },
  { "/sandbox-client/endpoint/other-port", "http://127.0.0.1:8978/authorize", FALSE },
  { "/sandbox-client/endpoint/no-port", "http://127.0.0.1/authorize", FALSE },
  { "/sandbox-client/endpoint/https", "https://127.0.0.1:8977/authorize", FALSE },
  { "/sandbox-client/endpoint/other-host", "http://127.0.0.2:8977/authorize", FALSE },
  { "/sandbox-client/endpoint/ipv6", "http://[::1]:8977/authorize", FALSE },
  { "/sandbox-client/endpoint/other-path", "http://127.0.0.1:8977/api/authorize", FALSE },
  { "/sandbox-client/endpoint/sub-path", "http://127.0.0.1:8977/authorize/login", FALSE },
  { "/sandbox-client/endpoint/not-a-url", "127.0.0.1:8977/authorize", FALSE },
  { "/sandbox-client/endpoint/empty", "", FALSE },
};

static void
test_endpoint (gconstpointer data)
{
  const EndpointCase *row = data;

  g_assert_cmpint (flows_sandbox_is_endpoint (row->url, 8977), ==, row->endpoint);
  g_assert_false (flows_sandbox_is_endpoint (row->url, 0));
}

static void
test_full_sign_in (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *request_id = NULL;
  g_autoptr(Response) consent = NULL;
  g_autoptr(Response) redirect = NULL;
  g_autoptr(Response) userinfo = NULL;
  g_autoptr(GHashTable) fields = NULL;
  g_autoptr(JsonObject) tokens = NULL;
  g_autoptr(JsonObject) claims = NULL;
  g_autofree char *form = NULL;
  g_autofree char *url = authorize_url (fixture, FLOWS_SANDBOX_CLIENT_ID, REDIRECT_URI, "S256");
  g_autoptr(Response) login = get (fixture, url);

  /* The sign-in page: a form with the controls that browser tests fill in. */
  g_assert_cmpuint (login->status, ==, SOUP_STATUS_OK);
  g_assert_cmpstr (login->content_type, ==, "text/html");
  g_assert_nonnull (strstr (login->body, "<title>Flows Studio Sandbox</title>"));
  g_assert_nonnull (strstr (login->body, "id=\"username\""));
  g_assert_nonnull (strstr (login->body, "id=\"password\""));
  g_assert_nonnull (strstr (login->body, "id=\"sign-in\""));
  request_id = find_request_id (login->body);

  /* The consent page lists the scopes asked for. */
  form = soup_form_encode ("request", request_id, "username", "demo", "password", "demo", NULL);
  consent = post_form (fixture, FLOWS_SANDBOX_AUTHORIZE_PATH "/login", form);
  g_assert_cmpuint (consent->status, ==, SOUP_STATUS_OK);
  g_assert_nonnull (strstr (consent->body, "<code>profile</code>"));
  g_assert_nonnull (strstr (consent->body, "<code>email</code>"));
  g_assert_nonnull (strstr (consent->body, "<code>offline_access</code>"));
  g_assert_nonnull (strstr (consent->body, "id=\"allow\""));
  g_assert_nonnull (strstr (consent->body, "id=\"deny\""));

  g_clear_pointer (&form, g_free);
  form = soup_form_encode ("request", request_id, "decision", "allow", NULL);
  redirect = post_form (fixture, FLOWS_SANDBOX_AUTHORIZE_PATH "/consent", form);
  fields = callback_fields (redirect);
  g_assert_cmpstr (g_hash_table_lookup (fields, "state"), ==, STATE);
  g_assert_nonnull (g_hash_table_lookup (fields, "code"));
  g_assert_cmpuint (g_hash_table_size (fields), ==, 2);

  tokens = exchange (fixture, g_hash_table_lookup (fields, "code"), VERIFIER, SOUP_STATUS_OK);
  g_assert_cmpstr (json_object_get_string_member (tokens, "token_type"), ==, "Bearer");
  g_assert_cmpint (json_object_get_int_member (tokens, "expires_in"), ==, 3600);
  g_assert_cmpstr (json_object_get_string_member (tokens, "scope"), ==, "profile email offline_access");
  /* 256 bits, base64url. */
  g_assert_cmpuint (strlen (json_object_get_string_member (tokens, "access_token")), ==, 43);
  g_assert_cmpuint (strlen (json_object_get_string_member (tokens, "refresh_token")), ==, 43);
  g_assert_cmpstr (json_object_get_string_member (tokens, "access_token"), !=,
                   json_object_get_string_member (tokens, "refresh_token"));

  userinfo = get_userinfo (fixture, json_object_get_string_member (tokens, "access_token"));
  g_assert_cmpuint (userinfo->status, ==, SOUP_STATUS_OK);
  claims = parse_object (userinfo->body);
  g_assert_cmpstr (json_object_get_string_member (claims, "sub"), ==, "demo");
  g_assert_cmpstr (json_object_get_string_member (claims, "name"), ==, "Demo User");
  g_assert_cmpstr (json_object_get_string_member (claims, "email"), ==, "demo@example.invalid");

  /* The sign-in pages do not count as authorize requests. */
  g_assert_cmpuint (flows_sandbox_provider_get_request_count (fixture->provider, "authorize"), ==, 1);
  g_assert_cmpuint (flows_sandbox_provider_get_request_count (fixture->provider, "token"), ==, 1);
  g_assert_cmpuint (flows_sandbox_provider_get_request_count (fixture->provider, "refresh"), ==, 0);
  g_assert_cmpuint (flows_sandbox_provider_get_request_count (fixture->provider, "userinfo"), ==, 1);
}

static void
test_wrong_password (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autofree char *url = authorize_url (fixture, FLOWS_SANDBOX_CLIENT_ID, REDIRECT_URI, "S256");
  g_autoptr(Response) login = get (fixture, url);
  g_autofree char *request_id = find_request_id (login->body);
  g_autofree char *form = soup_form_encode ("request", request_id, "username", "demo", "password", "wrong", NULL);
  g_autoptr(Response) again = post_form (fixture, FLOWS_SANDBOX_AUTHORIZE_PATH "/login", form);
  g_autofree char *again_id = NULL;
  g_autofree char *consent_form = soup_form_encode ("request", request_id, "decision", "allow", NULL);
  g_autoptr(Response) refused = NULL;

  /* The sign-in page again, with the error and the same request. */
  g_assert_cmpuint (again->status, ==, SOUP_STATUS_OK);
  g_assert_null (again->location);
  g_assert_nonnull (strstr (again->body, "class=\"error\""));
  g_assert_nonnull (strstr (again->body, "id=\"password\""));
  g_assert_nonnull (strstr (again->body, "value=\"demo\""));
  again_id = find_request_id (again->body);
  g_assert_cmpstr (again_id, ==, request_id);

  /* Without a sign-in, the consent cannot be given. */
  refused = post_form (fixture, FLOWS_SANDBOX_AUTHORIZE_PATH "/consent", consent_form);
  g_assert_cmpuint (refused->status, ==, SOUP_STATUS_BAD_REQUEST);
  g_assert_null (refused->location);
}

static void
test_deny (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_autofree char *request_id = NULL;
  g_autofree char *form = NULL;
  g_autoptr(Response) redirect = NULL;
  g_autoptr(GHashTable) fields = NULL;
  g_autoptr(Response) replay = NULL;

  /* The consent page: sign_in() checks it and finds the request's id in it. */
  response_free (sign_in (fixture, &request_id));
  form = soup_form_encode ("request", request_id, "decision", "deny", NULL);
  redirect = post_form (fixture, FLOWS_SANDBOX_AUTHORIZE_PATH "/consent", form);
  fields = callback_fields (redirect);
  g_assert_nonnull (strstr (redirect->location, "error=access_denied&error_description=The+user+denied+access&state="));
  g_assert_cmpstr (g_hash_table_lookup (fields, "error"), ==, "access_denied");
  g_assert_cmpstr (g_hash_table_lookup (fields, "error_description"), ==, "The user denied access");
  g_assert_cmpstr (g_hash_table_lookup (fields, "state"), ==, STATE);
  g_assert_false (g_hash_table_contains (fields, "code"));

  /* The request is answered: it cannot be answered again. */
  replay = post_form (fixture, FLOWS_SANDBOX_AUTHORIZE_PATH "/consent", form);
  g_assert_cmpuint (replay->status, ==, SOUP_STATUS_BAD_REQUEST);
  g_assert_null (replay->location);
}

static void
test_bad_authorize_requests (Fixture       *fixture,
                             gconstpointer  user_data)
{
  struct {
    const char *client_id;
    const char *redirect_uri;
  } not_redirected[] = {
    { "someone-else", REDIRECT_URI },
    { FLOWS_SANDBOX_CLIENT_ID, "https://127.0.0.1:8976/cb" },
    { FLOWS_SANDBOX_CLIENT_ID, "http://evil.example/cb" },
    { FLOWS_SANDBOX_CLIENT_ID, "http://127.0.0.1.evil.example/cb" },
    { FLOWS_SANDBOX_CLIENT_ID, "http://user@127.0.0.1/cb" },
    { FLOWS_SANDBOX_CLIENT_ID, "http://127.0.0.1/cb#fragment" },
    { FLOWS_SANDBOX_CLIENT_ID, "not a uri" },
  };
  const char *accepted[] = { "http://[::1]:9000/cb", "http://localhost/cb", "http://127.0.0.1:1/cb?keep=1" };
  g_autofree char *no_client = g_strconcat (fixture->base_url, FLOWS_SANDBOX_AUTHORIZE_PATH "?response_type=code", NULL);
  g_autoptr(Response) response = get (fixture, no_client);
  g_autofree char *url = NULL;
  g_autoptr(GHashTable) fields = NULL;
  g_autofree char *token_response_type = NULL;

  /* RFC 6749 §4.1.2.1: a bad client or redirect URI is told to the user, never redirected to. */
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_BAD_REQUEST);
  g_assert_null (response->location);
  g_assert_nonnull (strstr (response->body, "client_id"));

  for (guint i = 0; i < G_N_ELEMENTS (not_redirected); i++)
    {
      g_autofree char *bad = authorize_url (fixture, not_redirected[i].client_id, not_redirected[i].redirect_uri, "S256");
      g_autoptr(Response) page = get (fixture, bad);

      g_test_message ("client %s, redirect URI %s", not_redirected[i].client_id, not_redirected[i].redirect_uri);
      g_assert_cmpuint (page->status, ==, SOUP_STATUS_BAD_REQUEST);
      g_assert_null (page->location);
      g_assert_cmpstr (page->content_type, ==, "text/html");
    }

  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_autofree char *good = authorize_url (fixture, FLOWS_SANDBOX_CLIENT_ID, accepted[i], "S256");
      g_autoptr(Response) page = get (fixture, good);

      g_test_message ("redirect URI %s", accepted[i]);
      g_assert_cmpuint (page->status, ==, SOUP_STATUS_OK);
    }

  /* With a good client and redirect URI, the other mistakes go back to the client. */
  url = authorize_url (fixture, FLOWS_SANDBOX_CLIENT_ID, REDIRECT_URI, "plain");
  g_clear_pointer (&response, response_free);
  response = get (fixture, url);
  fields = callback_fields (response);
  g_assert_cmpstr (g_hash_table_lookup (fields, "error"), ==, "invalid_request");
  g_assert_cmpstr (g_hash_table_lookup (fields, "state"), ==, STATE);
  g_clear_pointer (&fields, g_hash_table_unref);

  token_response_type = g_strconcat (fixture->base_url, FLOWS_SANDBOX_AUTHORIZE_PATH,
                                     "?response_type=token&client_id=" FLOWS_SANDBOX_CLIENT_ID
                                     "&redirect_uri=http%3A%2F%2F127.0.0.1%3A8976%2Foauth%2Fcallback&state=s", NULL);
  g_clear_pointer (&response, response_free);
  response = get (fixture, token_response_type);
  fields = callback_fields (response);
  g_assert_cmpstr (g_hash_table_lookup (fields, "error"), ==, "unsupported_response_type");
  g_assert_cmpstr (g_hash_table_lookup (fields, "state"), ==, "s");
  g_clear_pointer (&fields, g_hash_table_unref);

  /* PKCE is required. */
  g_clear_pointer (&token_response_type, g_free);
  token_response_type = g_strconcat (fixture->base_url, FLOWS_SANDBOX_AUTHORIZE_PATH,
                                     "?response_type=code&client_id=" FLOWS_SANDBOX_CLIENT_ID
                                     "&redirect_uri=http%3A%2F%2F127.0.0.1%3A8976%2Foauth%2Fcallback", NULL);
  g_clear_pointer (&response, response_free);
  response = get (fixture, token_response_type);
  fields = callback_fields (response);
  g_assert_cmpstr (g_hash_table_lookup (fields, "error"), ==, "invalid_request");
  g_assert_false (g_hash_table_contains (fields, "state"));
}

static void
test_unknown_request (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autofree char *url = g_strconcat (fixture->base_url, "/nowhere", NULL);
  g_autofree char *token_url = g_strconcat (fixture->base_url, FLOWS_SANDBOX_TOKEN_PATH, NULL);
  g_autoptr(Response) missing = get (fixture, url);
  g_autoptr(Response) wrong_method = get (fixture, token_url);
  g_autoptr(Response) unknown_id = post_form (fixture, FLOWS_SANDBOX_AUTHORIZE_PATH "/login",
                                              "request=nope&username=demo&password=demo");

  g_assert_cmpuint (missing->status, ==, SOUP_STATUS_NOT_FOUND);
  g_assert_cmpuint (wrong_method->status, ==, SOUP_STATUS_METHOD_NOT_ALLOWED);
  g_assert_cmpuint (unknown_id->status, ==, SOUP_STATUS_BAD_REQUEST);
  g_assert_null (unknown_id->location);
}

static void
test_token_errors (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GHashTable) fields = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *form = NULL;
  g_autofree char *token_url = g_strconcat (fixture->base_url, FLOWS_SANDBOX_TOKEN_PATH, NULL);
  g_autoptr(SoupMessage) json_body = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(Response) response = NULL;
  const char *code;

  flows_sandbox_provider_set_auto_consent (fixture->provider, TRUE);

  /* A wrong verifier, and the code is used up. */
  fields = authorize (fixture);
  code = g_hash_table_lookup (fields, "code");
  object = exchange (fixture, code, OTHER_VERIFIER, SOUP_STATUS_BAD_REQUEST);
  assert_token_error (object, "invalid_grant");
  g_clear_pointer (&object, json_object_unref);
  object = exchange (fixture, code, VERIFIER, SOUP_STATUS_BAD_REQUEST);
  assert_token_error (object, "invalid_grant");
  g_clear_pointer (&object, json_object_unref);
  g_clear_pointer (&fields, g_hash_table_unref);

  /* A redirect URI other than the authorization request's. */
  fields = authorize (fixture);
  form = soup_form_encode ("grant_type", "authorization_code", "code", g_hash_table_lookup (fields, "code"),
                           "redirect_uri", "http://127.0.0.1:8976/other",
                           "client_id", FLOWS_SANDBOX_CLIENT_ID, "client_secret", FLOWS_SANDBOX_CLIENT_SECRET,
                           "code_verifier", VERIFIER, NULL);
  object = post_token (fixture, form, SOUP_STATUS_BAD_REQUEST);
  assert_token_error (object, "invalid_grant");
  g_clear_pointer (&object, json_object_unref);
  g_clear_pointer (&fields, g_hash_table_unref);
  g_clear_pointer (&form, g_free);

  /* A wrong client secret: 401 with a challenge. */
  fields = authorize (fixture);
  form = soup_form_encode ("grant_type", "authorization_code", "code", g_hash_table_lookup (fields, "code"),
                           "redirect_uri", REDIRECT_URI,
                           "client_id", FLOWS_SANDBOX_CLIENT_ID, "client_secret", "guess",
                           "code_verifier", VERIFIER, NULL);
  response = post_form (fixture, FLOWS_SANDBOX_TOKEN_PATH, form);
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_UNAUTHORIZED);
  g_assert_nonnull (response->www_authenticate);
  object = parse_object (response->body);
  assert_token_error (object, "invalid_client");
  g_clear_pointer (&object, json_object_unref);
  g_clear_pointer (&form, g_free);
  g_clear_pointer (&response, response_free);

  /* The same code is still good: a failed client authentication does not use it up. */
  object = exchange (fixture, g_hash_table_lookup (fields, "code"), VERIFIER, SOUP_STATUS_OK);
  g_clear_pointer (&object, json_object_unref);
  g_clear_pointer (&fields, g_hash_table_unref);

  /* No client authentication at all. */
  object = post_token (fixture, "grant_type=authorization_code&code=x&redirect_uri=x&code_verifier=x",
                       SOUP_STATUS_UNAUTHORIZED);
  assert_token_error (object, "invalid_client");
  g_clear_pointer (&object, json_object_unref);

  /* Missing parameters and unknown grants. */
  object = post_token (fixture, "grant_type=authorization_code&client_id=" FLOWS_SANDBOX_CLIENT_ID
                       "&client_secret=" FLOWS_SANDBOX_CLIENT_SECRET, SOUP_STATUS_BAD_REQUEST);
  assert_token_error (object, "invalid_request");
  g_clear_pointer (&object, json_object_unref);
  object = post_token (fixture, "grant_type=password&client_id=" FLOWS_SANDBOX_CLIENT_ID
                       "&client_secret=" FLOWS_SANDBOX_CLIENT_SECRET, SOUP_STATUS_BAD_REQUEST);
  assert_token_error (object, "unsupported_grant_type");
  g_clear_pointer (&object, json_object_unref);
  object = post_token (fixture, "client_id=" FLOWS_SANDBOX_CLIENT_ID "&client_secret=" FLOWS_SANDBOX_CLIENT_SECRET,
                       SOUP_STATUS_BAD_REQUEST);
  assert_token_error (object, "invalid_request");
  g_clear_pointer (&object, json_object_unref);
  object = exchange (fixture, "no-such-code", VERIFIER, SOUP_STATUS_BAD_REQUEST);
  assert_token_error (object, "invalid_grant");
  g_clear_pointer (&object, json_object_unref);

  /* The body must be a form. */
  json_body = soup_message_new (SOUP_METHOD_POST, token_url);
  bytes = g_bytes_new_static ("{\"grant_type\":\"authorization_code\"}", 35);
  soup_message_set_request_body_from_bytes (json_body, "application/json", bytes);
  response = send_ok (fixture, json_body);
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_BAD_REQUEST);
  object = parse_object (response->body);
  assert_token_error (object, "invalid_request");
}

static void
test_code_reuse (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(GHashTable) fields = NULL;
  g_autoptr(JsonObject) tokens = NULL;
  g_autoptr(JsonObject) replay = NULL;
  g_autoptr(JsonObject) refused = NULL;
  g_autoptr(Response) userinfo = NULL;

  flows_sandbox_provider_set_auto_consent (fixture->provider, TRUE);
  fields = authorize (fixture);
  tokens = exchange (fixture, g_hash_table_lookup (fields, "code"), VERIFIER, SOUP_STATUS_OK);
  replay = exchange (fixture, g_hash_table_lookup (fields, "code"), VERIFIER, SOUP_STATUS_BAD_REQUEST);
  assert_token_error (replay, "invalid_grant");

  /* RFC 6749 §10.5: the replay revokes what the code gave. */
  userinfo = get_userinfo (fixture, json_object_get_string_member (tokens, "access_token"));
  g_assert_cmpuint (userinfo->status, ==, SOUP_STATUS_UNAUTHORIZED);
  refused = refresh (fixture, json_object_get_string_member (tokens, "refresh_token"), SOUP_STATUS_BAD_REQUEST);
  assert_token_error (refused, "invalid_grant");
}

static void
test_http_basic (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(GHashTable) fields = NULL;
  g_autofree char *url = g_strconcat (fixture->base_url, FLOWS_SANDBOX_TOKEN_PATH, NULL);
  g_autofree char *credentials = g_base64_encode ((const guchar *)FLOWS_SANDBOX_CLIENT_ID ":" FLOWS_SANDBOX_CLIENT_SECRET,
                                                  strlen (FLOWS_SANDBOX_CLIENT_ID ":" FLOWS_SANDBOX_CLIENT_SECRET));
  g_autofree char *header = g_strconcat ("Basic ", credentials, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_POST, url);
  g_autoptr(SoupMessage) both = soup_message_new (SOUP_METHOD_POST, url);
  g_autofree char *form = NULL;
  g_autofree char *form_with_secret = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) body_with_secret = NULL;
  g_autoptr(Response) response = NULL;
  g_autoptr(Response) twice = NULL;
  g_autoptr(JsonObject) tokens = NULL;
  g_autoptr(JsonObject) error = NULL;

  flows_sandbox_provider_set_auto_consent (fixture->provider, TRUE);
  fields = authorize (fixture);
  form = soup_form_encode ("grant_type", "authorization_code", "code", g_hash_table_lookup (fields, "code"),
                           "redirect_uri", REDIRECT_URI, "code_verifier", VERIFIER, NULL);
  body = g_bytes_new (form, strlen (form));
  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", body);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", header);
  response = send_ok (fixture, msg);
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
  tokens = parse_object (response->body);
  g_assert_true (json_object_has_member (tokens, "access_token"));

  /* Two authentication methods at once are refused. */
  form_with_secret = soup_form_encode ("grant_type", "refresh_token",
                                       "refresh_token", json_object_get_string_member (tokens, "refresh_token"),
                                       "client_secret", FLOWS_SANDBOX_CLIENT_SECRET, NULL);
  body_with_secret = g_bytes_new (form_with_secret, strlen (form_with_secret));
  soup_message_set_request_body_from_bytes (both, "application/x-www-form-urlencoded", body_with_secret);
  soup_message_headers_replace (soup_message_get_request_headers (both), "Authorization", header);
  twice = send_ok (fixture, both);
  g_assert_cmpuint (twice->status, ==, SOUP_STATUS_BAD_REQUEST);
  error = parse_object (twice->body);
  assert_token_error (error, "invalid_request");
}

static void
test_refresh_rotation (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(JsonObject) tokens = get_tokens (fixture);
  const char *first = json_object_get_string_member (tokens, "refresh_token");
  g_autoptr(JsonObject) refreshed = refresh (fixture, first, SOUP_STATUS_OK);
  const char *second = json_object_get_string_member (refreshed, "refresh_token");
  g_autoptr(JsonObject) old = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(Response) userinfo = NULL;

  g_assert_nonnull (second);
  g_assert_cmpstr (second, !=, first);
  g_assert_cmpstr (json_object_get_string_member (refreshed, "access_token"), !=,
                   json_object_get_string_member (tokens, "access_token"));
  g_assert_cmpint (json_object_get_int_member (refreshed, "expires_in"), ==, 3600);
  g_assert_cmpstr (json_object_get_string_member (refreshed, "scope"), ==, "profile email offline_access");

  userinfo = get_userinfo (fixture, json_object_get_string_member (refreshed, "access_token"));
  g_assert_cmpuint (userinfo->status, ==, SOUP_STATUS_OK);

  /* The old refresh token is revoked; the new one works. */
  old = refresh (fixture, first, SOUP_STATUS_BAD_REQUEST);
  assert_token_error (old, "invalid_grant");
  again = refresh (fixture, second, SOUP_STATUS_OK);
  g_assert_true (json_object_has_member (again, "refresh_token"));

  g_assert_cmpuint (flows_sandbox_provider_get_request_count (fixture->provider, "token"), ==, 1);
  g_assert_cmpuint (flows_sandbox_provider_get_request_count (fixture->provider, "refresh"), ==, 3);
}

static void
test_refresh_without_rotation (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autoptr(JsonObject) tokens = NULL;
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) second = NULL;
  g_autoptr(JsonObject) narrower = NULL;
  g_autoptr(JsonObject) wider = NULL;
  g_autofree char *narrow_form = NULL;
  g_autofree char *wide_form = NULL;
  const char *refresh_token;

  flows_sandbox_provider_set_rotate_refresh_tokens (fixture->provider, FALSE);
  tokens = get_tokens (fixture);
  refresh_token = json_object_get_string_member (tokens, "refresh_token");

  /* No refresh_token in the answer, and the old one keeps working. */
  first = refresh (fixture, refresh_token, SOUP_STATUS_OK);
  g_assert_true (json_object_has_member (first, "access_token"));
  g_assert_false (json_object_has_member (first, "refresh_token"));
  second = refresh (fixture, refresh_token, SOUP_STATUS_OK);
  g_assert_false (json_object_has_member (second, "refresh_token"));

  /* RFC 6749 §6: a narrower scope may be asked for, a wider one not. */
  narrow_form = soup_form_encode ("grant_type", "refresh_token", "refresh_token", refresh_token, "scope", "email",
                                  "client_id", FLOWS_SANDBOX_CLIENT_ID, "client_secret", FLOWS_SANDBOX_CLIENT_SECRET, NULL);
  narrower = post_token (fixture, narrow_form, SOUP_STATUS_OK);
  g_assert_cmpstr (json_object_get_string_member (narrower, "scope"), ==, "email");
  wide_form = soup_form_encode ("grant_type", "refresh_token", "refresh_token", refresh_token, "scope", "email admin",
                                "client_id", FLOWS_SANDBOX_CLIENT_ID, "client_secret", FLOWS_SANDBOX_CLIENT_SECRET, NULL);
  wider = post_token (fixture, wide_form, SOUP_STATUS_BAD_REQUEST);
  assert_token_error (wider, "invalid_scope");
}

static void
test_userinfo (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(JsonObject) expired_now = NULL;
  g_autoptr(JsonObject) expires_soon = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(Response) missing = get_userinfo (fixture, NULL);
  g_autoptr(Response) unknown = get_userinfo (fixture, "not-a-token");
  g_autoptr(Response) expired = NULL;
  g_autoptr(Response) valid = NULL;
  g_autoptr(Response) later = NULL;

  /* RFC 6750 §3.1: no credentials, no error code; a bad token, invalid_token. */
  g_assert_cmpuint (missing->status, ==, SOUP_STATUS_UNAUTHORIZED);
  g_assert_cmpstr (missing->www_authenticate, ==, "Bearer realm=\"Flows Studio Sandbox\"");
  g_assert_cmpuint (unknown->status, ==, SOUP_STATUS_UNAUTHORIZED);
  g_assert_true (g_str_has_prefix (unknown->www_authenticate, "Bearer "));
  g_assert_nonnull (strstr (unknown->www_authenticate, "error=\"invalid_token\""));
  body = parse_object (unknown->body);
  assert_token_error (body, "invalid_token");

  flows_sandbox_provider_set_access_token_lifetime (fixture->provider, 0);
  expired_now = get_tokens (fixture);
  g_assert_cmpint (json_object_get_int_member (expired_now, "expires_in"), ==, 0);
  expired = get_userinfo (fixture, json_object_get_string_member (expired_now, "access_token"));
  g_assert_cmpuint (expired->status, ==, SOUP_STATUS_UNAUTHORIZED);
  g_assert_nonnull (strstr (expired->www_authenticate, "error=\"invalid_token\""));
  g_assert_nonnull (strstr (expired->www_authenticate, "expired"));

  flows_sandbox_provider_set_access_token_lifetime (fixture->provider, 1);
  expires_soon = get_tokens (fixture);
  valid = get_userinfo (fixture, json_object_get_string_member (expires_soon, "access_token"));
  g_assert_cmpuint (valid->status, ==, SOUP_STATUS_OK);
  g_usleep (1100 * 1000);
  later = get_userinfo (fixture, json_object_get_string_member (expires_soon, "access_token"));
  g_assert_cmpuint (later->status, ==, SOUP_STATUS_UNAUTHORIZED);

  g_assert_cmpuint (flows_sandbox_provider_get_request_count (fixture->provider, "userinfo"), ==, 5);
}

static void
test_auto_consent (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *url = authorize_url (fixture, FLOWS_SANDBOX_CLIENT_ID, "http://127.0.0.1:8976/oauth/callback?keep=1", "S256");
  g_autoptr(Response) response = NULL;
  g_autoptr(GUri) location = NULL;
  g_autoptr(GHashTable) fields = NULL;

  flows_sandbox_provider_set_auto_consent (fixture->provider, TRUE);
  response = get (fixture, url);
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_FOUND);
  /* The redirect URI's own query is kept (RFC 6749 §3.1.2). */
  g_assert_true (g_str_has_prefix (response->location, "http://127.0.0.1:8976/oauth/callback?keep=1&code="));
  location = g_uri_parse (response->location, G_URI_FLAGS_ENCODED, NULL);
  fields = soup_form_decode (g_uri_get_query (location));
  g_assert_cmpstr (g_hash_table_lookup (fields, "keep"), ==, "1");
  g_assert_cmpstr (g_hash_table_lookup (fields, "state"), ==, STATE);
  g_assert_nonnull (g_hash_table_lookup (fields, "code"));
}

static void
on_timed_out (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);

  g_assert_null (body);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  *(gboolean *)user_data = TRUE;
}

static gboolean
on_idle_wait (gpointer user_data)
{
  *(gboolean *)user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_token_delay (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GHashTable) fields = NULL;
  g_autoptr(JsonObject) tokens = NULL;
  g_autoptr(SoupSession) impatient = soup_session_new_with_options ("timeout", 1, NULL);
  g_autofree char *url = g_strconcat (fixture->base_url, FLOWS_SANDBOX_TOKEN_PATH, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_POST, url);
  g_autoptr(GBytes) body = NULL;
  g_autofree char *form = NULL;
  gboolean timed_out = FALSE;
  gboolean waited = FALSE;
  gint64 started;

  flows_sandbox_provider_set_auto_consent (fixture->provider, TRUE);
  flows_sandbox_provider_set_token_delay (fixture->provider, 300);

  fields = authorize (fixture);
  started = g_get_monotonic_time ();
  tokens = exchange (fixture, g_hash_table_lookup (fields, "code"), VERIFIER, SOUP_STATUS_OK);
  g_assert_cmpint (g_get_monotonic_time () - started, >=, 300 * 1000);
  g_assert_true (json_object_has_member (tokens, "access_token"));

  /* A client that gives up before the answer: it times out, and the provider carries on. */
  flows_sandbox_provider_set_token_delay (fixture->provider, 1500);
  form = soup_form_encode ("grant_type", "refresh_token",
                           "refresh_token", json_object_get_string_member (tokens, "refresh_token"),
                           "client_id", FLOWS_SANDBOX_CLIENT_ID, "client_secret", FLOWS_SANDBOX_CLIENT_SECRET, NULL);
  body = g_bytes_new (form, strlen (form));
  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", body);
  soup_session_send_and_read_async (impatient, msg, G_PRIORITY_DEFAULT, NULL, on_timed_out, &timed_out);
  while (!timed_out)
    g_main_context_iteration (NULL, TRUE);

  g_timeout_add (1000, on_idle_wait, &waited);
  while (!waited)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (flows_sandbox_provider_get_request_count (fixture->provider, "refresh"), ==, 1);
}

static void
stop_provider (gpointer user_data)
{
  flows_sandbox_provider_stop (user_data);
}

static void
test_stop_during_delay (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autofree char *url = g_strconcat (fixture->base_url, FLOWS_SANDBOX_TOKEN_PATH, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_POST, url);
  g_autoptr(GBytes) body = g_bytes_new_static ("grant_type=refresh_token", 24);
  g_autoptr(GError) error = NULL;
  g_autoptr(Response) response = NULL;

  flows_sandbox_provider_set_token_delay (fixture->provider, 60 * 1000);
  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", body);
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);

  /* Stop while the request waits: the connection closes, nothing is answered or leaked. */
  g_timeout_add_once (200, stop_provider, fixture->provider);
  response = send_message (fixture, msg, &error);
  g_assert_null (response);
  g_assert_nonnull (error);
  g_assert_cmpuint (flows_sandbox_provider_get_port (fixture->provider), ==, 0);
}

/* An application may run the provider on a main context of its own, token-delay included. */
static void
test_thread_default_context (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GHashTable) fields = NULL;
  g_autoptr(JsonObject) tokens = NULL;
  Fixture fixture = { 0 };

  g_main_context_push_thread_default (context);
  fixture_set_up (&fixture, NULL);
  flows_sandbox_provider_set_auto_consent (fixture.provider, TRUE);
  flows_sandbox_provider_set_token_delay (fixture.provider, 50);

  fields = authorize (&fixture);
  tokens = exchange (&fixture, g_hash_table_lookup (fields, "code"), VERIFIER, SOUP_STATUS_OK);
  g_assert_true (json_object_has_member (tokens, "access_token"));

  fixture_tear_down (&fixture, NULL);
  g_main_context_pop_thread_default (context);
}

static void
test_fault_access_denied (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(GHashTable) fields = NULL;
  g_autofree char *url = authorize_url (fixture, FLOWS_SANDBOX_CLIENT_ID, REDIRECT_URI, "S256");
  g_autoptr(Response) response = NULL;

  flows_sandbox_provider_set_fault (fixture->provider, FLOWS_SANDBOX_FAULT_ACCESS_DENIED);

  /* Through the pages: Allow still ends in access_denied. */
  fields = authorize (fixture);
  g_assert_cmpstr (g_hash_table_lookup (fields, "error"), ==, "access_denied");
  g_assert_cmpstr (g_hash_table_lookup (fields, "error_description"), ==, "The user denied access");
  g_assert_cmpstr (g_hash_table_lookup (fields, "state"), ==, STATE);
  g_assert_false (g_hash_table_contains (fields, "code"));

  /* With auto-consent, at once. */
  flows_sandbox_provider_set_auto_consent (fixture->provider, TRUE);
  response = get (fixture, url);
  g_assert_nonnull (strstr (response->location, "?error=access_denied&error_description=The+user+denied+access&state=" STATE));
}

static void
test_fault_wrong_state (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GHashTable) fields = NULL;
  g_autoptr(JsonObject) tokens = NULL;

  flows_sandbox_provider_set_fault (fixture->provider, FLOWS_SANDBOX_FAULT_WRONG_STATE);
  fields = authorize (fixture);
  g_assert_nonnull (g_hash_table_lookup (fields, "state"));
  g_assert_cmpstr (g_hash_table_lookup (fields, "state"), !=, STATE);
  g_assert_nonnull (g_hash_table_lookup (fields, "code"));

  /* The code itself is good: only the client's state check can catch this. */
  tokens = exchange (fixture, g_hash_table_lookup (fields, "code"), VERIFIER, SOUP_STATUS_OK);
  g_assert_true (json_object_has_member (tokens, "access_token"));
}

static void
test_fault_missing_code (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GHashTable) fields = NULL;

  flows_sandbox_provider_set_fault (fixture->provider, FLOWS_SANDBOX_FAULT_MISSING_CODE);
  flows_sandbox_provider_set_auto_consent (fixture->provider, TRUE);
  fields = authorize (fixture);
  g_assert_cmpstr (g_hash_table_lookup (fields, "state"), ==, STATE);
  g_assert_false (g_hash_table_contains (fields, "code"));
  g_assert_false (g_hash_table_contains (fields, "error"));
}

static void
test_fault_token_server_error (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autoptr(GHashTable) fields = NULL;
  g_autoptr(JsonObject) error = NULL;
  g_autoptr(JsonObject) tokens = NULL;

  flows_sandbox_provider_set_auto_consent (fixture->provider, TRUE);
  fields = authorize (fixture);
  flows_sandbox_provider_set_fault (fixture->provider, FLOWS_SANDBOX_FAULT_TOKEN_SERVER_ERROR);
  error = exchange (fixture, g_hash_table_lookup (fields, "code"), VERIFIER, SOUP_STATUS_INTERNAL_SERVER_ERROR);
  assert_token_error (error, "server_error");

  /* The fault stops the request before it is looked at: the code is still good afterwards. */
  flows_sandbox_provider_set_fault (fixture->provider, FLOWS_SANDBOX_FAULT_NONE);
  tokens = exchange (fixture, g_hash_table_lookup (fields, "code"), VERIFIER, SOUP_STATUS_OK);
  g_assert_cmpuint (flows_sandbox_provider_get_request_count (fixture->provider, "token"), ==, 2);
}

static void
test_fault_token_html (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GHashTable) fields = NULL;
  g_autofree char *form = NULL;
  g_autoptr(Response) response = NULL;

  flows_sandbox_provider_set_auto_consent (fixture->provider, TRUE);
  flows_sandbox_provider_set_fault (fixture->provider, FLOWS_SANDBOX_FAULT_TOKEN_HTML);
  fields = authorize (fixture);
  form = exchange_form (g_hash_table_lookup (fields, "code"), VERIFIER);
  response = post_form (fixture, FLOWS_SANDBOX_TOKEN_PATH, form);
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
  g_assert_cmpstr (response->content_type, ==, "text/html");
  g_assert_true (g_str_has_prefix (response->body, "<html>"));
}

static void
test_fault_expires_in_string (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(JsonObject) tokens = NULL;
  g_autoptr(JsonObject) refreshed = NULL;
  JsonNode *expires_in;

  flows_sandbox_provider_set_fault (fixture->provider, FLOWS_SANDBOX_FAULT_EXPIRES_IN_STRING);
  tokens = get_tokens (fixture);
  expires_in = json_object_get_member (tokens, "expires_in");
  g_assert_cmpuint (json_node_get_value_type (expires_in), ==, G_TYPE_STRING);
  g_assert_cmpstr (json_node_get_string (expires_in), ==, "3600");

  refreshed = refresh (fixture, json_object_get_string_member (tokens, "refresh_token"), SOUP_STATUS_OK);
  g_assert_cmpstr (json_object_get_string_member (refreshed, "expires_in"), ==, "3600");
}

static void
test_fault_special_character_codes (Fixture       *fixture,
                                    gconstpointer  user_data)
{
  g_autoptr(GHashTable) fields = NULL;
  g_autoptr(JsonObject) tokens = NULL;
  g_autoptr(JsonObject) mangled = NULL;
  g_autoptr(GHashTable) second = NULL;
  g_autoptr(GString) as_if_unencoded = NULL;
  g_autofree char *form = NULL;
  g_autofree char *request_id = NULL;
  g_autoptr(Response) consent = NULL;
  g_autoptr(Response) redirect = NULL;
  const char *code;

  flows_sandbox_provider_set_fault (fixture->provider, FLOWS_SANDBOX_FAULT_SPECIAL_CHARACTER_CODES);
  consent = sign_in (fixture, &request_id);
  form = soup_form_encode ("request", request_id, "decision", "allow", NULL);
  redirect = post_form (fixture, FLOWS_SANDBOX_AUTHORIZE_PATH "/consent", form);

  /* In the redirect, percent-encoded; decoded once, the code has all three characters. */
  g_assert_nonnull (strstr (redirect->location, "%2B"));
  g_assert_nonnull (strstr (redirect->location, "%2F"));
  g_assert_nonnull (strstr (redirect->location, "%3D"));
  fields = callback_fields (redirect);
  code = g_hash_table_lookup (fields, "code");
  g_assert_nonnull (strchr (code, '+'));
  g_assert_nonnull (strchr (code, '/'));
  g_assert_nonnull (strchr (code, '='));

  tokens = exchange (fixture, code, VERIFIER, SOUP_STATUS_OK);
  g_assert_true (json_object_has_member (tokens, "access_token"));

  /* A client that puts the code in the form unencoded sends '+' as a space: refused. */
  flows_sandbox_provider_set_auto_consent (fixture->provider, TRUE);
  second = authorize (fixture);
  as_if_unencoded = g_string_new (g_hash_table_lookup (second, "code"));
  g_string_replace (as_if_unencoded, "+", " ", 0);
  mangled = exchange (fixture, as_if_unencoded->str, VERIFIER, SOUP_STATUS_BAD_REQUEST);
  assert_token_error (mangled, "invalid_grant");
}

static void
test_fault_invalid_grant_on_refresh (Fixture       *fixture,
                                     gconstpointer  user_data)
{
  g_autoptr(JsonObject) tokens = get_tokens (fixture);
  g_autoptr(JsonObject) error = NULL;

  flows_sandbox_provider_set_fault (fixture->provider, FLOWS_SANDBOX_FAULT_INVALID_GRANT_ON_REFRESH);
  error = refresh (fixture, json_object_get_string_member (tokens, "refresh_token"), SOUP_STATUS_BAD_REQUEST);
  g_assert_cmpstr (json_object_get_string_member (error, "error"), ==, "invalid_grant");
  g_assert_cmpstr (json_object_get_string_member (error, "error_description"), ==, "The refresh token has expired");
  g_assert_cmpuint (flows_sandbox_provider_get_request_count (fixture->provider, "refresh"), ==, 1);
}

static void
test_fault_nicks (void)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (FLOWS_TYPE_SANDBOX_FAULT);

  g_assert_cmpint (g_enum_get_value_by_nick (klass, "special-character-codes")->value, ==,
                   FLOWS_SANDBOX_FAULT_SPECIAL_CHARACTER_CODES);
  g_assert_cmpint (g_enum_get_value_by_nick (klass, "invalid-grant-on-refresh")->value, ==,
                   FLOWS_SANDBOX_FAULT_INVALID_GRANT_ON_REFRESH);
  g_assert_cmpuint (klass->n_values, ==, 9);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sandbox-provider/start-stop", test_start_stop);
  g_test_add_func ("/sandbox-provider/properties", test_properties);
  g_test_add_func ("/sandbox-provider/fault-nicks", test_fault_nicks);
  test_add_table (endpoint_cases, test_endpoint);

#define ADD(path, function) \
  g_test_add ("/sandbox-provider/" path, Fixture, NULL, fixture_set_up, function, fixture_tear_down)

  ADD ("metadata", test_metadata);
  ADD ("client-values", test_client_values);
  ADD ("full-sign-in", test_full_sign_in);
  ADD ("wrong-password", test_wrong_password);
  ADD ("deny", test_deny);
  ADD ("bad-authorize-requests", test_bad_authorize_requests);
  ADD ("unknown-request", test_unknown_request);
  ADD ("token-errors", test_token_errors);
  ADD ("code-reuse", test_code_reuse);
  ADD ("http-basic", test_http_basic);
  ADD ("refresh/rotation", test_refresh_rotation);
  ADD ("refresh/no-rotation", test_refresh_without_rotation);
  ADD ("userinfo", test_userinfo);
  ADD ("auto-consent", test_auto_consent);
  ADD ("token-delay", test_token_delay);
  ADD ("stop-during-delay", test_stop_during_delay);
  g_test_add_func ("/sandbox-provider/thread-default-context", test_thread_default_context);
  ADD ("fault/access-denied", test_fault_access_denied);
  ADD ("fault/wrong-state", test_fault_wrong_state);
  ADD ("fault/missing-code", test_fault_missing_code);
  ADD ("fault/token-server-error", test_fault_token_server_error);
  ADD ("fault/token-html", test_fault_token_html);
  ADD ("fault/expires-in-string", test_fault_expires_in_string);
  ADD ("fault/special-character-codes", test_fault_special_character_codes);
  ADD ("fault/invalid-grant-on-refresh", test_fault_invalid_grant_on_refresh);

#undef ADD

  return g_test_run ();
}
