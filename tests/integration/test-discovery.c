/* test-discovery.c — an OAuth App from a provider's published metadata (docs/ARCHITECTURE.md,
 * "Discovery"), against metadata documents served by a SoupServer of the test's.
 *
 * The documents are what providers publish: the OpenID one at ISSUER/.well-known/openid-
 * configuration, the RFC 8414 one when that is not there, and the ways they go wrong (another
 * issuer, no JSON, a missing endpoint, an http endpoint). The App made from a document that
 * allows client_secret_basic only then signs in for real, without a browser: FlowsSignIn's
 * Step 1, the redirect handed back as the browser would, Step 2 against the test's token
 * endpoint, then a refresh through Step 3; the test reads what that endpoint received. Those
 * cases need the keyring of build-aux/session (the client secret lives there) and skip without.
 * flows-cli new-app --discover prints what it found and chose.
 */
#include "config.h"

#include <string.h>

#include "flows-discovery.h"
#include "flows-flow.h"
#include "flows-oauth.h"
#include "flows-param.h"
#include "flows-secrets.h"
#include "flows-sign-in.h"
#include "flows-stage.h"
#include "flows-token-refresher.h"
#include "runner-helpers.h"
#include "test-cases.h"
#include "test-cli.h"
#include "test-files.h"
#include "test-session.h"

#define WAIT_MS 20000
#define CLIENT_ID "client id:with/odd&chars"
#define CLIENT_SECRET "discovery-secret:with spaces+&="

/* A metadata document for the server's issuer; @extra is more members, as JSON text after a
 * comma (or ""). */
static char *
metadata_for (TestServer *server,
              const char *issuer_path,
              const char *extra)
{
  return g_strdup_printf ("{\"issuer\":\"%s%s\","
                          "\"authorization_endpoint\":\"%s/authorize\","
                          "\"token_endpoint\":\"%s/token\","
                          "\"userinfo_endpoint\":\"%s/userinfo\""
                          "%s}",
                          server->url, issuer_path, server->url, server->url, server->url, extra);
}

static FlowsProviderMetadata *
discover (const char  *issuer,
          GError     **error)
{
  g_auto(TestAsync) async = { NULL };

  flows_discovery_fetch_async (NULL, issuer, NULL, test_async_ready, &async);
  return flows_discovery_fetch_finish (test_async_wait (&async, WAIT_MS), error);
}

/* Discovery that must fail with @code and a message holding each of the NULL-terminated
 * strings; returns the message. */
static char *
discover_must_fail (const char *issuer,
                    int         code,
                    ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlowsProviderMetadata) metadata = discover (issuer, &error);
  va_list args;

  g_assert_null (metadata);
  g_assert_error (error, FLOWS_DISCOVERY_ERROR, code);
  g_test_message ("%s", error->message);
  va_start (args, code);
  for (const char *part = va_arg (args, const char *); part != NULL; part = va_arg (args, const char *))
    test_assert_contains (error->message, part);
  va_end (args);
  return g_strdup (error->message);
}

static FlowsProviderPreset *
oidc_preset (void)
{
  static FlowsProviderPresets *presets;
  FlowsProviderPreset *preset;

  if (presets == NULL)
    presets = flows_provider_presets_new (NULL);
  preset = flows_provider_presets_find (presets, FLOWS_DISCOVERY_PRESET_ID);
  g_assert_nonnull (preset);
  return preset;
}

static FlowsApp *
create_app (const FlowsProviderMetadata *metadata)
{
  g_autoptr(GError) error = NULL;
  FlowsApp *app = flows_discovery_create_app (oidc_preset (), "Discovered", metadata, &error);

  g_assert_no_error (error);
  g_assert_nonnull (app);
  return app;
}

static const char *
param_default (FlowsApp   *app,
               const char *key)
{
  FlowsParam *param = flows_app_find_param (app, key);

  g_assert_nonnull (param);
  return flows_param_get_default (param);
}

/* The compact JSON of the settings of the stage @key of the flow of @role. */
static char *
stage_settings (FlowsApp      *app,
                FlowsFlowRole  role,
                const char    *key)
{
  FlowsStage *stage = flows_flow_find_stage_by_key (flows_app_find_flow_by_role (app, role), key);
  g_autoptr(JsonNode) node = NULL;

  g_assert_nonnull (stage);
  node = json_node_init_object (json_node_alloc (), flows_stage_get_settings (stage));
  return test_json_compact (node);
}

/* Metadata read from a document ------------------------------------------------------------- */

static void
test_openid_configuration (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autofree char *document = metadata_for (server, "", ",\"scopes_supported\":[\"openid\",\"profile\",\"offline_access\"],"
                                                        "\"code_challenge_methods_supported\":[\"plain\",\"S256\"]");
  g_autofree char *expected_url = g_strconcat (server->url, "/.well-known/openid-configuration", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlowsProviderMetadata) metadata = NULL;
  g_autofree char *scopes = NULL;

  test_server_respond (server, "/.well-known/openid-configuration", 200, "application/json", document, -1);
  metadata = discover (server->url, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (metadata->issuer, ==, server->url);
  g_assert_cmpstr (metadata->document_url, ==, expected_url);
  test_assert_contains (metadata->authorization_endpoint, "/authorize");
  test_assert_contains (metadata->token_endpoint, "/token");
  test_assert_contains (metadata->userinfo_endpoint, "/userinfo");
  scopes = flows_provider_metadata_suggest_scopes (metadata);
  g_assert_cmpstr (scopes, ==, "openid offline_access");
  g_assert_true (flows_provider_metadata_supports_pkce (metadata));
  /* No list of methods: RFC 8414 §2's default. */
  g_assert_cmpint (flows_provider_metadata_choose_client_auth (metadata), ==, FLOWS_CLIENT_AUTH_BASIC);

  /* One request, with JSON asked for. */
  g_assert_cmpuint (test_server_n_requests (server), ==, 1);
  g_assert_cmpstr (soup_message_headers_get_one (test_server_single (server)->headers, "Accept"), ==, "application/json");
}

/* An issuer with a path: OpenID appends the well-known path, RFC 8414 inserts it after the host;
 * a server that is not an OpenID provider answers 404 to the first. */
static void
test_rfc8414_fallback (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autofree char *issuer = g_strconcat (server->url, "/tenant/one", NULL);
  g_autofree char *document = metadata_for (server, "/tenant/one", "");
  g_autofree char *expected_url = g_strconcat (server->url, "/.well-known/oauth-authorization-server/tenant/one", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlowsProviderMetadata) metadata = NULL;

  test_server_respond (server, "/tenant/one/.well-known/openid-configuration", 404, "text/plain", "Not Found", -1);
  test_server_respond (server, "/.well-known/oauth-authorization-server/tenant/one", 200,
                       "application/json", document, -1);
  metadata = discover (issuer, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (metadata->issuer, ==, issuer);
  g_assert_cmpstr (metadata->document_url, ==, expected_url);
  g_assert_cmpuint (test_server_n_requests (server), ==, 2);
  g_assert_cmpstr (test_server_request (server, 0)->path, ==, "/tenant/one/.well-known/openid-configuration");
  g_assert_cmpstr (test_server_request (server, 1)->path, ==, "/.well-known/oauth-authorization-server/tenant/one");
}

static void
test_no_metadata (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autofree char *oidc_url = g_strconcat (server->url, "/.well-known/openid-configuration (HTTP 404)", NULL);
  g_autofree char *rfc8414_url = g_strconcat (server->url, "/.well-known/oauth-authorization-server (HTTP 404)", NULL);
  g_autofree char *message = NULL;

  test_server_respond (server, "/.well-known/openid-configuration", 404, "text/plain", "Not Found", -1);
  test_server_respond (server, "/.well-known/oauth-authorization-server", 404, "text/plain", "Not Found", -1);
  message = discover_must_fail (server->url, FLOWS_DISCOVERY_ERROR_NOT_FOUND, oidc_url, rfc8414_url,
                                "Check the issuer URL", NULL);
}

/* Metadata that names another issuer is refused (RFC 8414 §3.3), with both named. */
static void
test_issuer_mismatch (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autofree char *document = g_strdup_printf ("{\"issuer\":\"https://impostor.example\","
                                               "\"authorization_endpoint\":\"https://impostor.example/authorize\","
                                               "\"token_endpoint\":\"https://impostor.example/token\"}");
  g_autofree char *where = g_strconcat ("The metadata at ", server->url, "/.well-known/openid-configuration", NULL);
  g_autofree char *asked = g_strconcat ("not “", server->url, "”, the one asked for", NULL);
  g_autofree char *message = NULL;

  test_server_respond (server, "/.well-known/openid-configuration", 200, "application/json", document, -1);
  message = discover_must_fail (server->url, FLOWS_DISCOVERY_ERROR_ISSUER_MISMATCH, where,
                                "names the issuer “https://impostor.example”", asked, "refused", NULL);
}

/* A "/" at the end of what the user typed is the same issuer. */
static void
test_issuer_trailing_slash (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autofree char *document = metadata_for (server, "", "");
  g_autofree char *typed = g_strconcat (server->url, "/", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlowsProviderMetadata) metadata = NULL;

  test_server_respond (server, "/.well-known/openid-configuration", 200, "application/json", document, -1);
  metadata = discover (typed, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (metadata->issuer, ==, server->url);
  g_assert_cmpstr (test_server_single (server)->path, ==, "/.well-known/openid-configuration");
}

/* A site that answers every address with its HTML page. */
static void
test_not_json (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autofree char *where = g_strconcat ("The provider’s metadata at ", server->url, "/.well-known/openid-configuration", NULL);
  g_autofree char *message = NULL;

  test_server_respond (server, "/.well-known/openid-configuration", 200, "text/html",
                       "<!DOCTYPE html><html><body>Welcome to our shop</body></html>", -1);
  message = discover_must_fail (server->url, FLOWS_DISCOVERY_ERROR_NOT_JSON, where, "is not JSON",
                                "“text/html”", "<!DOCTYPE html>", NULL);
}

/* JSON that says it is, and is not. */
static void
test_broken_json (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autofree char *message = NULL;

  test_server_respond (server, "/.well-known/openid-configuration", 200, "application/json", "{\"issuer\":", -1);
  message = discover_must_fail (server->url, FLOWS_DISCOVERY_ERROR_NOT_JSON, "is not JSON", NULL);
}

static void
test_http_error (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autofree char *message = NULL;

  test_server_respond (server, "/.well-known/openid-configuration", 503, "text/plain", "down", -1);
  message = discover_must_fail (server->url, FLOWS_DISCOVERY_ERROR_HTTP, "/.well-known/openid-configuration",
                                "HTTP 503", NULL);
  /* Not a "not there": the other document is not asked for. */
  g_assert_cmpuint (test_server_n_requests (server), ==, 1);
}

/* What is wrong with a document, named with where it is. */
typedef struct
{
  const char *path;
  const char *document;   /* %s: the server's URL, three times at most */
  int         code;
  const char *said;
} BadDocument;

static const BadDocument bad_documents[] = {
  { "/discovery/bad/no-token-endpoint",
    "{\"issuer\":\"%s\",\"authorization_endpoint\":\"%s/authorize\"}",
    FLOWS_DISCOVERY_ERROR_BAD_METADATA, "has no “token_endpoint”, which an OAuth App needs" },
  { "/discovery/bad/endpoint-not-text",
    "{\"issuer\":\"%s\",\"authorization_endpoint\":\"%s/authorize\",\"token_endpoint\":42}",
    FLOWS_DISCOVERY_ERROR_BAD_METADATA, "has a “token_endpoint” that is not a text" },
  { "/discovery/bad/scopes-not-a-list",
    "{\"issuer\":\"%s\",\"authorization_endpoint\":\"%s/authorize\",\"token_endpoint\":\"%s/token\","
    "\"scopes_supported\":\"openid\"}",
    FLOWS_DISCOVERY_ERROR_BAD_METADATA, "has a “scopes_supported” that is not a list of texts" },
  { "/discovery/bad/http-endpoint",
    "{\"issuer\":\"%s\",\"authorization_endpoint\":\"%s/authorize\",\"token_endpoint\":\"http://tokens.example/token\"}",
    FLOWS_DISCOVERY_ERROR_INSECURE_ENDPOINT,
    "gives “http://tokens.example/token” as token_endpoint: an endpoint must use https://" },
  { "/discovery/bad/not-an-object", "[\"%s\"]",
    FLOWS_DISCOVERY_ERROR_BAD_METADATA, "is not a JSON object" },
};

static void
test_bad_document (gconstpointer data)
{
  const BadDocument *row = data;
  g_autoptr(TestServer) server = test_server_new ();
  g_autofree char *document = g_strdup_printf (row->document, server->url, server->url, server->url);
  g_autofree char *where = g_strconcat ("The metadata at ", server->url, "/.well-known/openid-configuration", NULL);
  g_autofree char *message = NULL;

  test_server_respond (server, "/.well-known/openid-configuration", 200, "application/json", document, -1);
  message = discover_must_fail (server->url, row->code, where, row->said, NULL);
}

static void
test_bad_issuer_url (void)
{
  g_autofree char *message = NULL;

  message = discover_must_fail ("http://accounts.example.com", FLOWS_DISCOVERY_ERROR_BAD_ISSUER, "must start with https://", NULL);
  g_free (message);
  message = discover_must_fail ("https://accounts.example.com/?tenant=1", FLOWS_DISCOVERY_ERROR_BAD_ISSUER, "no query", NULL);
  g_free (message);
  message = discover_must_fail ("accounts.example.com", FLOWS_DISCOVERY_ERROR_BAD_ISSUER, "is not an issuer URL", NULL);
}

/* The App -------------------------------------------------------------------------------------- */

static FlowsProviderMetadata *
metadata_with (const char *extra)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strdup_printf ("{\"issuer\":\"https://id.example\","
                                           "\"authorization_endpoint\":\"https://id.example/authorize\","
                                           "\"token_endpoint\":\"https://id.example/token\"%s}", extra);
  g_autoptr(JsonNode) document = json_from_string (text, &error);
  FlowsProviderMetadata *metadata;

  g_assert_no_error (error);
  metadata = flows_provider_metadata_parse ("https://id.example", "https://id.example/.well-known/openid-configuration",
                                            document, &error);
  g_assert_no_error (error);
  return metadata;
}

/* No S256: Step 1 sends no challenge, Step 2 no verifier, and the summary says so. */
static void
test_app_without_pkce (void)
{
  g_autoptr(FlowsProviderMetadata) metadata = metadata_with (",\"code_challenge_methods_supported\":[\"plain\"]");
  g_autoptr(FlowsApp) app = create_app (metadata);
  g_autofree char *authorize = stage_settings (app, FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE, "authorizeUrl");
  g_autofree char *exchange = stage_settings (app, FLOWS_FLOW_ROLE_OAUTH_EXCHANGE, "exchange");
  g_auto(GStrv) described = flows_provider_metadata_describe (metadata);
  g_autofree char *text = g_strjoinv ("\n", described);

  test_assert_not_contains (authorize, "code_challenge");
  test_assert_contains (authorize, "\"state\"");
  test_assert_not_contains (exchange, "code_verifier");
  test_assert_contains (exchange, "\"code\"");
  test_assert_contains (text, "PKCE\nnot supported by the provider: removed from Step 1 and Step 2");
  /* No userinfo endpoint: the Test URL is left to the user, who is told. */
  g_assert_cmpstr (param_default (app, "TestURL"), ==, "");
  test_assert_contains (text, "Test URL\nnone (the provider has no userinfo endpoint)");
}

typedef struct
{
  const char     *path;
  const char     *methods;     /* the member, or "" */
  FlowsClientAuth chosen;
  const char     *said;
} ClientAuthCase;

static const ClientAuthCase client_auth_cases[] = {
  { "/discovery/client-auth/absent", "", FLOWS_CLIENT_AUTH_BASIC, "client_secret_basic (the default" },
  { "/discovery/client-auth/basic-preferred",
    ",\"token_endpoint_auth_methods_supported\":[\"client_secret_post\",\"client_secret_basic\"]",
    FLOWS_CLIENT_AUTH_BASIC, "client_secret_basic: HTTP Basic" },
  { "/discovery/client-auth/post",
    ",\"token_endpoint_auth_methods_supported\":[\"private_key_jwt\",\"client_secret_post\"]",
    FLOWS_CLIENT_AUTH_POST, "client_secret_post: the client ID and secret in the form body" },
  { "/discovery/client-auth/public", ",\"token_endpoint_auth_methods_supported\":[\"none\"]",
    FLOWS_CLIENT_AUTH_NONE, "none: a public client" },
  { "/discovery/client-auth/unsupported", ",\"token_endpoint_auth_methods_supported\":[\"private_key_jwt\",\"tls_client_auth\"]",
    FLOWS_CLIENT_AUTH_POST, "the provider lists only private_key_jwt, tls_client_auth, which Flows Studio cannot do" },
};

/* Step 2 and Step 3 authenticate the client as chosen; the rest of their bodies is the preset's. */
static void
test_app_client_auth (gconstpointer data)
{
  const ClientAuthCase *row = data;
  g_autoptr(FlowsProviderMetadata) metadata = metadata_with (row->methods);
  g_autoptr(FlowsApp) app = create_app (metadata);
  g_auto(GStrv) described = flows_provider_metadata_describe (metadata);
  g_autofree char *text = g_strjoinv ("\n", described);

  g_assert_cmpint (flows_provider_metadata_choose_client_auth (metadata), ==, row->chosen);
  test_assert_contains (text, row->said);

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *settings = i == 0 ? stage_settings (app, FLOWS_FLOW_ROLE_OAUTH_EXCHANGE, "exchange")
                                         : stage_settings (app, FLOWS_FLOW_ROLE_OAUTH_REFRESH, "refresh");

      g_test_message ("%s", settings);
      test_assert_contains (settings, "\"grant_type\"");
      switch (row->chosen)
        {
        case FLOWS_CLIENT_AUTH_BASIC:
          test_assert_contains (settings, "\"auth\":{\"kind\":\"basic\",\"user\":\"<ClientID>\",\"password\":\"<ClientSecret>\"}");
          test_assert_not_contains (settings, "\"client_id\"");
          test_assert_not_contains (settings, "\"client_secret\"");
          break;
        case FLOWS_CLIENT_AUTH_POST:
          test_assert_not_contains (settings, "\"basic\"");
          test_assert_contains (settings, "{\"name\":\"client_id\",\"value\":\"<ClientID>\"}");
          test_assert_contains (settings, "{\"name\":\"client_secret\",\"value\":\"<ClientSecret>\"}");
          break;
        case FLOWS_CLIENT_AUTH_NONE:
        default:
          test_assert_not_contains (settings, "\"basic\"");
          test_assert_contains (settings, "{\"name\":\"client_id\",\"value\":\"<ClientID>\"}");
          test_assert_not_contains (settings, "client_secret");
          break;
        }
    }
}

typedef struct
{
  const char *path;
  const char *scopes_supported;
  const char *suggested;
} ScopesCase;

static const ScopesCase scopes_cases[] = {
  { "/discovery/scopes/absent", "", "openid" },
  { "/discovery/scopes/offline-access", ",\"scopes_supported\":[\"email\",\"offline_access\",\"openid\"]",
    "openid offline_access" },
  /* A plain OAuth server, whose scopes are its own: nothing to suggest. */
  { "/discovery/scopes/no-openid", ",\"scopes_supported\":[\"read\",\"write\"]", "" },
};

static void
test_app_scopes (gconstpointer data)
{
  const ScopesCase *row = data;
  g_autoptr(FlowsProviderMetadata) metadata = metadata_with (row->scopes_supported);
  g_autoptr(FlowsApp) app = create_app (metadata);
  g_autofree char *suggested = flows_provider_metadata_suggest_scopes (metadata);

  g_assert_cmpstr (suggested, ==, row->suggested);
  g_assert_cmpstr (param_default (app, "Scopes"), ==, row->suggested);
  g_assert_cmpstr (flows_app_get_provider (app), ==, "oidc");
  g_assert_cmpstr (param_default (app, "AuthURL"), ==, "https://id.example/authorize");
  g_assert_cmpstr (param_default (app, "TokenURL"), ==, "https://id.example/token");
}

/* A user's own "oidc" preset without the stages discovery adapts is named, not crashed on. */
static void
test_app_from_other_preset (void)
{
  static const char text[] =
    "{\"format\":\"flows-studio/provider\",\"version\":1,\"id\":\"oidc\",\"name\":\"Mine\","
    "\"description\":\"\",\"app\":{\"format\":\"flows-studio/app\",\"version\":1,\"description\":\"\","
    "\"icon\":\"\",\"connectionType\":\"oauth\",\"redirectUrl\":\"http://127.0.0.1:8976/oauth/callback\","
    "\"parameters\":[],\"flows\":[]}}";
  g_autoptr(FlowsProviderPreset) preset = flows_provider_preset_new_from_data (text, strlen (text), "/home/me/oidc.json", TRUE);
  g_autoptr(FlowsProviderMetadata) metadata = metadata_with (",\"token_endpoint_auth_methods_supported\":[\"client_secret_basic\"]");
  g_autoptr(GError) error = NULL;
  g_autoptr(FlowsApp) app = NULL;

  g_assert_null (flows_provider_preset_get_error (preset));
  app = flows_discovery_create_app (preset, "Mine", metadata, &error);
  g_assert_null (app);
  g_assert_error (error, FLOWS_DISCOVERY_ERROR, FLOWS_DISCOVERY_ERROR_BAD_PRESET);
  test_assert_contains (error->message, "The provider preset “oidc” (/home/me/oidc.json) has no stage “authorizeUrl” in its oauth-authorize flow");
}

/* Signing in with the App, client_secret_basic only ------------------------------------------ */

/* application/x-www-form-urlencoded, as RFC 6749 §2.3.1 encodes each part of the credentials:
 * a space is "+". */
static char *
form_encode (const char *text)
{
  g_autofree char *escaped = g_uri_escape_string (text, NULL, FALSE);
  g_auto(GStrv) parts = g_strsplit (escaped, "%20", -1);

  return g_strjoinv ("+", parts);
}

/* A token endpoint that, as a provider allowing client_secret_basic only, refuses a request
 * without the right Basic credentials or with a client secret in the body. */
static void
on_token (TestServer        *server,
          SoupServerMessage *msg,
          TestRequest       *request,
          gpointer           user_data)
{
  g_autofree char *user = form_encode (CLIENT_ID);
  g_autofree char *password = form_encode (CLIENT_SECRET);
  g_autofree char *credentials = g_strconcat (user, ":", password, NULL);
  g_autofree char *encoded = g_base64_encode ((const guchar *)credentials, strlen (credentials));
  g_autofree char *expected = g_strconcat ("Basic ", encoded, NULL);
  g_autofree char *body = test_request_body_text (request);
  const char *reply;

  if (g_strcmp0 (soup_message_headers_get_one (request->headers, "Authorization"), expected) != 0 ||
      strstr (body, "client_secret") != NULL)
    {
      reply = "{\"error\":\"invalid_client\",\"error_description\":\"client_secret_basic only\"}";
      soup_server_message_set_status (msg, 401, NULL);
    }
  else
    {
      reply = strstr (body, "grant_type=refresh_token") != NULL
              ? "{\"access_token\":\"discovery-access-2\",\"token_type\":\"Bearer\",\"expires_in\":3600,\"refresh_token\":\"discovery-refresh-2\"}"
              : "{\"access_token\":\"discovery-access-1\",\"token_type\":\"Bearer\",\"expires_in\":3600,\"refresh_token\":\"discovery-refresh-1\"}";
      soup_server_message_set_status (msg, 200, NULL);
    }
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, reply, strlen (reply));
}

/* The form fields of a request body, decoded. */
static GHashTable *
request_form (TestRequest *request)
{
  g_autofree char *body = test_request_body_text (request);

  return soup_form_decode (body);
}

static void
test_sign_in_basic_only (void)
{
  g_autoptr(TestServer) server = NULL;
  g_autofree char *document = NULL;
  g_autofree char *data_dir = NULL;
  g_autoptr(FlowsLibrary) library = NULL;
  g_autoptr(FlowsProviderMetadata) metadata = NULL;
  g_autoptr(FlowsApp) app = NULL;
  g_autoptr(FlowsConnection) connection = NULL;
  g_autoptr(FlowsRunner) runner = NULL;
  g_autoptr(FlowsSignIn) sign_in = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) exchange_form = NULL;
  g_autoptr(GHashTable) refresh_form = NULL;
  g_autofree char *authorize_url = NULL;
  g_autofree char *state = NULL;
  g_autofree char *redirect = NULL;
  g_autofree char *access_token = NULL;
  g_autofree char *id_token = NULL;
  g_autofree char *connection_id = g_uuid_string_random ();
  FlowsTokenRefresher *refresher;
  TestRequest *exchange;
  TestRequest *refresh;

  if (!test_need_keyring ())
    return;

  server = test_server_new ();
  document = metadata_for (server, "", ",\"scopes_supported\":[\"openid\",\"offline_access\"],"
                                       "\"code_challenge_methods_supported\":[\"S256\"],"
                                       "\"token_endpoint_auth_methods_supported\":[\"client_secret_basic\"]");
  test_server_respond (server, "/.well-known/openid-configuration", 200, "application/json", document, -1);
  test_server_handle (server, "/token", on_token, NULL);

  metadata = discover (server->url, &error);
  g_assert_no_error (error);
  app = create_app (metadata);
  library = test_library_new_temp ("flows-discovery-XXXXXX", &data_dir);
  g_assert_true (flows_library_add_app (library, app, &error));
  g_assert_no_error (error);

  /* A connection with nothing but the client's id and secret: the endpoints are the App's
   * defaults. */
  connection = flows_connection_new (connection_id, flows_app_get_id (app), "Discovered connection");
  flows_connection_set_value (connection, "ClientID", CLIENT_ID);
  g_assert_true (flows_library_add_connection (library, connection, &error));
  g_assert_no_error (error);
  flows_secrets_store_sync (flows_app_get_id (app), connection_id, "ClientSecret", CLIENT_SECRET, NULL, &error);
  g_assert_no_error (error);

  /* An ID token from an earlier sign-in, which this one (whose reply has none) must remove. */
  flows_secrets_store_sync (flows_app_get_id (app), connection_id, FLOWS_SECRETS_ID_TOKEN_KEY,
                            "earlier-id-token", NULL, &error);
  g_assert_no_error (error);

  runner = flows_runner_new ();
  refresher = flows_token_refresher_attach (runner, library);
  sign_in = flows_sign_in_new (runner, library, app, connection);
  {
    g_auto(TestAsync) async = { NULL };

    flows_sign_in_start_async (sign_in, NULL, test_async_ready, &async);
    authorize_url = flows_sign_in_start_finish (sign_in, test_async_wait (&async, WAIT_MS), &error);
    g_assert_no_error (error);
  }
  g_test_message ("%s", authorize_url);
  {
    g_autoptr(GHashTable) query = flows_oauth_parse_callback (authorize_url, &error);

    g_assert_no_error (error);
    test_assert_contains (authorize_url, server->url);
    g_assert_cmpstr (g_hash_table_lookup (query, "scope"), ==, "openid offline_access");
    g_assert_cmpstr (g_hash_table_lookup (query, "code_challenge_method"), ==, "S256");
    g_assert_cmpstr (g_hash_table_lookup (query, "client_id"), ==, CLIENT_ID);
    state = g_strdup (g_hash_table_lookup (query, "state"));
  }

  /* What the provider's page would send the browser to. */
  redirect = g_strdup_printf ("%s?code=the-code&state=%s", flows_app_get_redirect_url (app), state);
  {
    g_auto(TestAsync) async = { NULL };

    flows_sign_in_complete_async (sign_in, redirect, NULL, test_async_ready, &async);
    flows_sign_in_complete_finish (sign_in, test_async_wait (&async, WAIT_MS), &error);
    g_assert_no_error (error);
  }
  access_token = flows_secrets_lookup_sync (flows_app_get_id (app), connection_id, FLOWS_SECRETS_ACCESS_TOKEN_KEY, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (access_token, ==, "discovery-access-1");
  id_token = flows_secrets_lookup_sync (flows_app_get_id (app), connection_id, FLOWS_SECRETS_ID_TOKEN_KEY, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (id_token);

  /* Step 2 sent Basic and no client credentials in the body. */
  g_assert_cmpuint (test_server_n_requests (server), ==, 2);
  exchange = test_server_request (server, 1);
  g_assert_cmpstr (exchange->path, ==, "/token");
  exchange_form = request_form (exchange);
  test_assert_contains (soup_message_headers_get_one (exchange->headers, "Authorization"), "Basic ");
  g_assert_false (g_hash_table_contains (exchange_form, "client_secret"));
  g_assert_false (g_hash_table_contains (exchange_form, "client_id"));
  g_assert_cmpstr (g_hash_table_lookup (exchange_form, "grant_type"), ==, "authorization_code");
  g_assert_cmpstr (g_hash_table_lookup (exchange_form, "code"), ==, "the-code");
  g_assert_nonnull (g_hash_table_lookup (exchange_form, "code_verifier"));

  /* So does Step 3. */
  {
    g_auto(TestAsync) async = { NULL };

    flows_token_refresher_refresh_async (refresher, app, connection, NULL, test_async_ready, &async);
    g_assert_true (flows_token_refresher_refresh_finish (refresher, test_async_wait (&async, WAIT_MS), &error));
    g_assert_no_error (error);
  }
  g_assert_cmpuint (test_server_n_requests (server), ==, 3);
  refresh = test_server_request (server, 2);
  refresh_form = request_form (refresh);
  test_assert_contains (soup_message_headers_get_one (refresh->headers, "Authorization"), "Basic ");
  g_assert_false (g_hash_table_contains (refresh_form, "client_secret"));
  g_assert_cmpstr (g_hash_table_lookup (refresh_form, "refresh_token"), ==, "discovery-refresh-1");

  test_clear_connection_secrets (flows_app_get_id (app), connection_id);
  g_clear_object (&library);
  test_library_remove_temp (&library, &data_dir);
}

/* flows-cli new-app --discover ------------------------------------------------------------------ */

static void
test_cli_discover (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autofree char *document = metadata_for (server, "", ",\"scopes_supported\":[\"openid\",\"offline_access\"],"
                                                        "\"token_endpoint_auth_methods_supported\":[\"client_secret_post\"]");
  g_autofree char *data_dir = test_make_temp_dir ("flows-discovery-cli-XXXXXX");
  g_autofree char *mismatch = NULL;
  g_autoptr(TestCli) cli = NULL;
  g_autoptr(TestCli) refused = NULL;
  g_autoptr(FlowsLibrary) library = NULL;
  g_auto(GStrv) lines = NULL;
  FlowsApp *app;

  test_server_respond (server, "/.well-known/openid-configuration", 404, "text/plain", "Not Found", -1);
  test_server_respond (server, "/.well-known/oauth-authorization-server", 200, "application/json", document, -1);
  cli = test_cli_exec ((const char * const []) { "new-app", "Found", "--discover", server->url,
                                                 "--data-dir", data_dir, NULL }, NULL, NULL, WAIT_MS);
  g_assert_cmpint (cli->status, ==, 0);
  test_assert_contains (cli->out, "Created the OAuth App “Found” from the provider’s metadata:\n");
  test_assert_contains (cli->out, "  Metadata: http://127.0.0.1:");
  test_assert_contains (cli->out, "/.well-known/oauth-authorization-server\n");
  test_assert_contains (cli->out, "/authorize\n");
  test_assert_contains (cli->out, "  Test URL: http://127.0.0.1:");
  test_assert_contains (cli->out, "  Scopes: openid offline_access\n");
  test_assert_contains (cli->out, "  PKCE: not supported by the provider: removed from Step 1 and Step 2\n");
  test_assert_contains (cli->out, "  Client authentication: client_secret_post: the client ID and secret in the form body\n");

  /* Its id last; the App is in the library with the endpoints as defaults. */
  lines = g_strsplit (g_strchomp (cli->out), "\n", -1);
  library = test_library_open (data_dir);
  app = flows_library_find_app (library, lines[g_strv_length (lines) - 1]);
  g_assert_nonnull (app);
  g_assert_true (g_str_has_suffix (param_default (app, "TokenURL"), "/token"));

  /* Refused metadata: the reason, and no App. */
  mismatch = g_strconcat (server->url, "/other", NULL);
  test_server_respond (server, "/other/.well-known/openid-configuration", 200, "application/json", document, -1);
  refused = test_cli_exec ((const char * const []) { "new-app", "Other", "--discover", mismatch,
                                                     "--data-dir", data_dir, NULL }, NULL, NULL, WAIT_MS);
  g_assert_cmpint (refused->status, ==, 1);
  test_assert_contains (refused->err, "names the issuer");
  test_assert_contains (refused->err, "refused");
  g_clear_object (&library);
  library = test_library_open (data_dir);
  g_assert_cmpuint (g_list_model_get_n_items (flows_library_get_apps (library)), ==, 1);

  g_clear_object (&library);
  test_remove_tree (data_dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/discovery/openid-configuration", test_openid_configuration);
  g_test_add_func ("/discovery/rfc8414-fallback", test_rfc8414_fallback);
  g_test_add_func ("/discovery/no-metadata", test_no_metadata);
  g_test_add_func ("/discovery/issuer-mismatch", test_issuer_mismatch);
  g_test_add_func ("/discovery/issuer-trailing-slash", test_issuer_trailing_slash);
  g_test_add_func ("/discovery/not-json", test_not_json);
  g_test_add_func ("/discovery/broken-json", test_broken_json);
  g_test_add_func ("/discovery/http-error", test_http_error);
  test_add_table (bad_documents, test_bad_document);
  g_test_add_func ("/discovery/bad-issuer-url", test_bad_issuer_url);

  g_test_add_func ("/discovery/app/without-pkce", test_app_without_pkce);
  test_add_table (client_auth_cases, test_app_client_auth);
  test_add_table (scopes_cases, test_app_scopes);
  g_test_add_func ("/discovery/app/other-preset", test_app_from_other_preset);

  g_test_add_func ("/discovery/sign-in-basic-only", test_sign_in_basic_only);
  g_test_add_func ("/discovery/cli", test_cli_discover);

  return g_test_run ();
}
