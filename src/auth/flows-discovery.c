/* flows-discovery.c — an OAuth App from a provider's published metadata */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "flows-discovery.h"
#include "flows-flow.h"
#include "flows-http-call.h"
#include "flows-json-util.h"
#include "flows-param.h"
#include "flows-stage.h"
#include "flows-enums.h"
#include "flows-types.h"

/* A metadata document is a few kilobytes; a provider that takes longer than this to serve one is
 * not going to sign anyone in either. */
#define FETCH_TIMEOUT_SECONDS 20
#define MAX_DOCUMENT_SIZE (256 * 1024)

#define OIDC_DOCUMENT_PATH "/.well-known/openid-configuration"
#define RFC8414_DOCUMENT_PATH "/.well-known/oauth-authorization-server"

G_DEFINE_QUARK (flows-discovery-error-quark, flows_discovery_error)

void
flows_provider_metadata_free (FlowsProviderMetadata *metadata)
{
  if (metadata == NULL)
    return;
  g_free (metadata->issuer);
  g_free (metadata->document_url);
  g_free (metadata->authorization_endpoint);
  g_free (metadata->token_endpoint);
  g_free (metadata->userinfo_endpoint);
  g_strfreev (metadata->scopes_supported);
  g_strfreev (metadata->code_challenge_methods_supported);
  g_strfreev (metadata->token_endpoint_auth_methods_supported);
  g_free (metadata);
}

/* URLs ---------------------------------------------------------------------------------------- */

static gboolean
is_loopback_host (const char *host)
{
  return host != NULL && (g_str_equal (host, "localhost") || g_str_equal (host, "::1") ||
                          g_str_has_prefix (host, "127."));
}

/* https, or http on a loopback host (a provider on this computer: tests, a development server). */
static gboolean
is_secure_url (GUri *uri)
{
  return g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0 ||
         (g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") == 0 && is_loopback_host (g_uri_get_host (uri)));
}

/* An issuer is an https URL with no query and no fragment (RFC 8414 §2). */
static GUri *
parse_issuer (const char  *issuer,
              GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (issuer, G_URI_FLAGS_NONE, NULL);

  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, FLOWS_DISCOVERY_ERROR, FLOWS_DISCOVERY_ERROR_BAD_ISSUER,
                   _("“%s” is not an issuer URL: give the address the provider’s documentation names as its issuer, such as https://accounts.example.com"),
                   issuer);
      return NULL;
    }
  if (!is_secure_url (uri))
    {
      g_set_error (error, FLOWS_DISCOVERY_ERROR, FLOWS_DISCOVERY_ERROR_BAD_ISSUER,
                   _("The issuer URL “%s” must start with https:// (http:// only for a provider on this computer)"),
                   issuer);
      return NULL;
    }
  if (g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL || g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error (error, FLOWS_DISCOVERY_ERROR, FLOWS_DISCOVERY_ERROR_BAD_ISSUER,
                   _("The issuer URL “%s” must have no query (?…), fragment (#…) or user name"),
                   issuer);
      return NULL;
    }
  return g_steal_pointer (&uri);
}

static char *
strip_trailing_slash (const char *text)
{
  gsize length = strlen (text);

  return g_strndup (text, length > 0 && text[length - 1] == '/' ? length - 1 : length);
}

/* OpenID Connect Discovery §4: the issuer, any terminating "/" removed, then the document's path. */
static char *
oidc_document_url (const char *issuer)
{
  g_autofree char *base = strip_trailing_slash (issuer);

  return g_strconcat (base, OIDC_DOCUMENT_PATH, NULL);
}

/* RFC 8414 §3: the well-known path goes between the host and the issuer's path. */
static char *
rfc8414_document_url (GUri *issuer)
{
  g_autofree char *path = strip_trailing_slash (g_uri_get_path (issuer));
  g_autofree char *document_path = g_strconcat (RFC8414_DOCUMENT_PATH, path, NULL);

  return g_uri_join (G_URI_FLAGS_NONE, g_uri_get_scheme (issuer), NULL, g_uri_get_host (issuer),
                     g_uri_get_port (issuer), document_path, NULL, NULL);
}

/* Reading the document ------------------------------------------------------------------------ */

static gboolean
read_string (JsonObject  *document,
             const char  *document_url,
             const char  *name,
             gboolean     required,
             char       **value,
             GError     **error)
{
  JsonNode *node = json_object_get_member (document, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (!required)
        return TRUE;
      g_set_error (error, FLOWS_DISCOVERY_ERROR, FLOWS_DISCOVERY_ERROR_BAD_METADATA,
                   _("The metadata at %s has no “%s”, which an OAuth App needs"), document_url, name);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
      *json_node_get_string (node) == '\0')
    {
      g_set_error (error, FLOWS_DISCOVERY_ERROR, FLOWS_DISCOVERY_ERROR_BAD_METADATA,
                   _("The metadata at %s has a “%s” that is not a text"), document_url, name);
      return FALSE;
    }
  *value = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
read_string_list (JsonObject   *document,
                  const char   *document_url,
                  const char   *name,
                  char       ***values,
                  GError      **error)
{
  JsonNode *node = json_object_get_member (document, name);
  g_autoptr(GStrvBuilder) builder = NULL;
  JsonArray *array;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    goto not_a_list;

  array = json_node_get_array (node);
  builder = g_strv_builder_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        goto not_a_list;
      g_strv_builder_add (builder, json_node_get_string (item));
    }
  *values = g_strv_builder_end (builder);
  return TRUE;

not_a_list:
  g_set_error (error, FLOWS_DISCOVERY_ERROR, FLOWS_DISCOVERY_ERROR_BAD_METADATA,
               _("The metadata at %s has a “%s” that is not a list of texts"), document_url, name);
  return FALSE;
}

/* An endpoint must be an absolute https URL: an authorisation page or a token endpoint over
 * plain http would hand codes and secrets to whoever is on the way. */
static gboolean
check_endpoint (const char  *document_url,
                const char  *name,
                const char  *url,
                GError     **error)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;

  if (url == NULL)
    return TRUE;
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, FLOWS_DISCOVERY_ERROR, FLOWS_DISCOVERY_ERROR_BAD_METADATA,
                   _("The metadata at %s has a “%s” that is not a URL: “%s”"), document_url, name, url);
      return FALSE;
    }
  if (!is_secure_url (uri))
    {
      g_set_error (error, FLOWS_DISCOVERY_ERROR, FLOWS_DISCOVERY_ERROR_INSECURE_ENDPOINT,
                   _("The metadata at %s gives “%s” as %s: an endpoint must use https://, so it is refused"),
                   document_url, url, name);
      return FALSE;
    }
  return TRUE;
}

FlowsProviderMetadata *
flows_provider_metadata_parse (const char  *issuer,
                               const char  *document_url,
                               JsonNode    *document,
                               GError     **error)
{
  g_autoptr(FlowsProviderMetadata) metadata = g_new0 (FlowsProviderMetadata, 1);
  g_autofree char *asked = NULL;
  g_autofree char *named = NULL;
  JsonObject *object;

  g_return_val_if_fail (issuer != NULL, NULL);
  g_return_val_if_fail (document_url != NULL, NULL);
  g_return_val_if_fail (document != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (document))
    {
      g_set_error (error, FLOWS_DISCOVERY_ERROR, FLOWS_DISCOVERY_ERROR_BAD_METADATA,
                   _("The metadata at %s is not a JSON object"), document_url);
      return NULL;
    }
  object = json_node_get_object (document);
  metadata->document_url = g_strdup (document_url);

  if (!read_string (object, document_url, "issuer", TRUE, &metadata->issuer, error))
    return NULL;

  /* Metadata that names another issuer may be an impostor's, or a copy served elsewhere
   * (RFC 8414 §3.3, OpenID Connect Discovery §4.3). A "/" at the end is the same place, which
   * a person types or leaves out. */
  asked = strip_trailing_slash (issuer);
  named = strip_trailing_slash (metadata->issuer);
  if (!g_str_equal (asked, named))
    {
      g_set_error (error, FLOWS_DISCOVERY_ERROR, FLOWS_DISCOVERY_ERROR_ISSUER_MISMATCH,
                   _("The metadata at %s names the issuer “%s”, not “%s”, the one asked for; metadata must name "
                     "the issuer it is published for, so it is refused. If “%s” is the provider’s issuer, "
                     "discover from that URL."),
                   document_url, metadata->issuer, issuer, metadata->issuer);
      return NULL;
    }

  if (!read_string (object, document_url, "authorization_endpoint", TRUE, &metadata->authorization_endpoint, error) ||
      !read_string (object, document_url, "token_endpoint", TRUE, &metadata->token_endpoint, error) ||
      !read_string (object, document_url, "userinfo_endpoint", FALSE, &metadata->userinfo_endpoint, error) ||
      !read_string_list (object, document_url, "scopes_supported", &metadata->scopes_supported, error) ||
      !read_string_list (object, document_url, "code_challenge_methods_supported",
                         &metadata->code_challenge_methods_supported, error) ||
      !read_string_list (object, document_url, "token_endpoint_auth_methods_supported",
                         &metadata->token_endpoint_auth_methods_supported, error))
    return NULL;

  if (!check_endpoint (document_url, "authorization_endpoint", metadata->authorization_endpoint, error) ||
      !check_endpoint (document_url, "token_endpoint", metadata->token_endpoint, error) ||
      !check_endpoint (document_url, "userinfo_endpoint", metadata->userinfo_endpoint, error))
    return NULL;

  return g_steal_pointer (&metadata);
}

/* Fetching ------------------------------------------------------------------------------------ */

typedef struct
{
  SoupSession *session;
  char        *issuer;
  GUri        *issuer_uri;
  char        *document_url;
  /* The OpenID document's status when it was not there and the RFC 8414 one is asked for. */
  guint        oidc_status;
  char        *oidc_url;
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  g_clear_object (&fetch->session);
  g_free (fetch->issuer);
  g_clear_pointer (&fetch->issuer_uri, g_uri_unref);
  g_free (fetch->document_url);
  g_free (fetch->oidc_url);
  g_free (fetch);
}

static void fetch_document (GTask *task);

/* A one-line excerpt of what came instead of JSON. */
static char *
excerpt (const char *text)
{
  g_autofree char *line = g_strndup (text, 80);

  if (!g_utf8_validate (line, -1, NULL))
    return g_strdup ("…");
  g_strdelimit (line, "\r\n\t", ' ');
  g_strstrip (line);
  return strlen (text) > 80 ? g_strconcat (line, "…", NULL) : g_steal_pointer (&line);
}

static void
on_document_fetched (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GError) response_error = NULL;
  GError *error = NULL;
  guint status = 0;
  g_autoptr(JsonObject) outputs = flows_http_call_finish (result, &status, &response_error, &error);
  g_autoptr(JsonNode) parsed = NULL;
  FlowsProviderMetadata *metadata;
  gboolean is_text;
  JsonNode *body;

  if (outputs == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_prefix_error (&error, _("The provider’s metadata could not be read: "));
      g_task_return_error (task, error);
      return;
    }

  /* A provider that is not an OpenID provider may have only the RFC 8414 document. */
  if (fetch->oidc_url == NULL && status >= 400 && status < 500)
    {
      fetch->oidc_status = status;
      fetch->oidc_url = g_steal_pointer (&fetch->document_url);
      fetch->document_url = rfc8414_document_url (fetch->issuer_uri);
      fetch_document (g_steal_pointer (&task));
      return;
    }

  if (status == SOUP_STATUS_NOT_FOUND || status == SOUP_STATUS_GONE)
    {
      g_task_return_new_error (task, FLOWS_DISCOVERY_ERROR, FLOWS_DISCOVERY_ERROR_NOT_FOUND,
                               _("The provider publishes no metadata at %s (HTTP %u) nor at %s (HTTP %u). Check "
                                 "the issuer URL: it is the address the provider’s documentation names as its "
                                 "issuer; without metadata, create an App from the OAuth template and fill in "
                                 "the endpoints."),
                               fetch->oidc_url, fetch->oidc_status, fetch->document_url, status);
      return;
    }
  if (status < 200 || status > 299)
    {
      g_task_return_new_error (task, FLOWS_DISCOVERY_ERROR, FLOWS_DISCOVERY_ERROR_HTTP,
                               _("The provider’s metadata at %s could not be read: HTTP %u %s"),
                               fetch->document_url, status,
                               json_object_get_string_member_with_default (outputs, "reason", ""));
      return;
    }

  body = json_object_get_member (outputs, "body");
  /* JSON served as text/plain is still JSON; HTML (a sign-in page, a site's "not found") is not. */
  is_text = body != NULL && JSON_NODE_HOLDS_VALUE (body) && json_node_get_value_type (body) == G_TYPE_STRING;
  if (is_text)
    parsed = json_from_string (json_node_get_string (body), NULL);
  if (response_error != NULL)
    {
      /* It said it was JSON: the parser's words say where it is not. */
      g_task_return_new_error (task, FLOWS_DISCOVERY_ERROR, FLOWS_DISCOVERY_ERROR_NOT_JSON,
                               _("The provider’s metadata at %s is not JSON: %s"),
                               fetch->document_url, response_error->message);
      return;
    }
  if (body == NULL || JSON_NODE_HOLDS_NULL (body) || (is_text && parsed == NULL))
    {
      g_autofree char *start = excerpt (is_text ? json_node_get_string (body) : "");

      g_task_return_new_error (task, FLOWS_DISCOVERY_ERROR, FLOWS_DISCOVERY_ERROR_NOT_JSON,
                               _("The provider’s metadata at %s is not JSON (content type “%s”): “%s”"),
                               fetch->document_url,
                               json_object_get_string_member_with_default (outputs, "contentType", ""),
                               start);
      return;
    }

  metadata = flows_provider_metadata_parse (fetch->issuer, fetch->document_url,
                                            parsed != NULL ? parsed : body, &error);
  if (metadata == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, metadata, (GDestroyNotify)flows_provider_metadata_free);
}

static void
fetch_document (GTask *task)
{
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_GET, fetch->document_url);
  FlowsHttpRequest request = {
    .method = SOUP_METHOD_GET,
    .url = fetch->document_url,
    .timeout_seconds = FETCH_TIMEOUT_SECONDS,
    .max_response_size = MAX_DOCUMENT_SIZE,
    .min_status = 200,
    .max_status = 299,
  };

  soup_message_headers_replace (soup_message_get_request_headers (message), "Accept", "application/json");
  flows_http_call_async (fetch->session, message, &request, g_task_get_cancellable (task),
                         on_document_fetched, task);
}

void
flows_discovery_fetch_async (SoupSession         *session,
                             const char          *issuer,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;
  Fetch *fetch;
  GError *error = NULL;
  g_autoptr(GUri) issuer_uri = NULL;
  g_autofree char *trimmed = NULL;

  g_return_if_fail (session == NULL || SOUP_IS_SESSION (session));
  g_return_if_fail (issuer != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, flows_discovery_fetch_async);

  trimmed = g_strstrip (g_strdup (issuer));
  if ((issuer_uri = parse_issuer (trimmed, &error)) == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  fetch = g_new0 (Fetch, 1);
  fetch->session = session != NULL ? g_object_ref (session) : soup_session_new ();
  fetch->issuer = g_steal_pointer (&trimmed);
  fetch->issuer_uri = g_steal_pointer (&issuer_uri);
  fetch->document_url = oidc_document_url (fetch->issuer);
  g_task_set_task_data (task, fetch, (GDestroyNotify)fetch_free);
  fetch_document (task);
}

FlowsProviderMetadata *
flows_discovery_fetch_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Choices ------------------------------------------------------------------------------------- */

static gboolean
lists (char * const *values,
       const char   *value)
{
  return values != NULL && g_strv_contains ((const char * const *)values, value);
}

char *
flows_provider_metadata_suggest_scopes (const FlowsProviderMetadata *metadata)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) scopes = NULL;

  g_return_val_if_fail (metadata != NULL, NULL);

  /* A plain OAuth server (RFC 8414) may list its scopes without openid: asking for it would be
   * refused. */
  if (metadata->scopes_supported == NULL || lists (metadata->scopes_supported, "openid"))
    g_strv_builder_add (builder, "openid");
  /* For a refresh token from an OpenID provider (OpenID Connect Core §11). */
  if (lists (metadata->scopes_supported, "offline_access"))
    g_strv_builder_add (builder, "offline_access");
  scopes = g_strv_builder_end (builder);
  return g_strjoinv (" ", scopes);
}

gboolean
flows_provider_metadata_supports_pkce (const FlowsProviderMetadata *metadata)
{
  g_return_val_if_fail (metadata != NULL, FALSE);
  /* RFC 8414 §2: when omitted, the server does not support PKCE. */
  return lists (metadata->code_challenge_methods_supported, "S256");
}

FlowsClientAuth
flows_provider_metadata_choose_client_auth (const FlowsProviderMetadata *metadata)
{
  char * const *methods;

  g_return_val_if_fail (metadata != NULL, FLOWS_CLIENT_AUTH_BASIC);

  methods = metadata->token_endpoint_auth_methods_supported;
  /* RFC 8414 §2: when omitted, the default is client_secret_basic. Basic keeps the secret out
   * of the body, and every server must take it (RFC 6749 §2.3.1). */
  if (methods == NULL || lists (methods, "client_secret_basic"))
    return FLOWS_CLIENT_AUTH_BASIC;
  if (lists (methods, "client_secret_post"))
    return FLOWS_CLIENT_AUTH_POST;
  if (lists (methods, "none"))
    return FLOWS_CLIENT_AUTH_NONE;
  return FLOWS_CLIENT_AUTH_POST;
}

static const char *
client_auth_method_name (FlowsClientAuth client_auth)
{
  switch (client_auth)
    {
    case FLOWS_CLIENT_AUTH_BASIC:
      return "client_secret_basic";
    case FLOWS_CLIENT_AUTH_NONE:
      return "none";
    case FLOWS_CLIENT_AUTH_POST:
    default:
      return "client_secret_post";
    }
}

static char *
describe_client_auth (const FlowsProviderMetadata *metadata)
{
  FlowsClientAuth client_auth = flows_provider_metadata_choose_client_auth (metadata);
  const char *name = client_auth_method_name (client_auth);

  if (!lists (metadata->token_endpoint_auth_methods_supported, name) && client_auth == FLOWS_CLIENT_AUTH_POST)
    {
      g_autofree char *listed = g_strjoinv (", ", metadata->token_endpoint_auth_methods_supported);

      return g_strdup_printf (_("client_secret_post, though the provider lists only %s, which Flows Studio "
                                "cannot do: Step 2 and Step 3 may need changes"), listed);
    }
  switch (client_auth)
    {
    case FLOWS_CLIENT_AUTH_BASIC:
      return g_strdup (metadata->token_endpoint_auth_methods_supported == NULL
                       ? _("client_secret_basic (the default, as the provider lists no methods): HTTP Basic with the client ID and secret")
                       : _("client_secret_basic: HTTP Basic with the client ID and secret"));
    case FLOWS_CLIENT_AUTH_NONE:
      return g_strdup (_("none: a public client, with no client secret"));
    case FLOWS_CLIENT_AUTH_POST:
    default:
      return g_strdup (_("client_secret_post: the client ID and secret in the form body"));
    }
}

char **
flows_provider_metadata_describe (const FlowsProviderMetadata *metadata)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *scopes = NULL;
  g_autofree char *client_auth = NULL;

  g_return_val_if_fail (metadata != NULL, NULL);

  scopes = flows_provider_metadata_suggest_scopes (metadata);
  client_auth = describe_client_auth (metadata);

  g_strv_builder_add_many (builder,
                           _("Issuer"), metadata->issuer,
                           _("Metadata"), metadata->document_url,
                           _("Authorisation endpoint"), metadata->authorization_endpoint,
                           _("Token endpoint"), metadata->token_endpoint,
                           NULL);
  g_strv_builder_add (builder, _("Test URL"));
  g_strv_builder_add (builder, metadata->userinfo_endpoint != NULL
                               ? metadata->userinfo_endpoint
                               : _("none (the provider has no userinfo endpoint): set the Test URL yourself"));
  g_strv_builder_add (builder, _("Scopes"));
  g_strv_builder_add (builder, *scopes != '\0' ? scopes : _("none suggested: set the scopes your App needs"));
  g_strv_builder_add (builder, _("PKCE"));
  g_strv_builder_add (builder, flows_provider_metadata_supports_pkce (metadata)
                               ? _("S256")
                               : _("not supported by the provider: removed from Step 1 and Step 2"));
  g_strv_builder_add_many (builder, _("Client authentication"), client_auth, NULL);
  return g_strv_builder_end (builder);
}

/* The App ------------------------------------------------------------------------------------- */

static void
set_param_default (FlowsApp   *app,
                   const char *key,
                   const char *value)
{
  FlowsParam *param = flows_app_find_param (app, key);

  if (param != NULL && value != NULL)
    flows_param_set_default (param, value);
}

/* A copy of the settings of the stage @key of @app's flow of @role, to change and put back with
 * flows_stage_set_settings(); NULL with @error when the App has no such stage. */
static JsonObject *
copy_stage_settings (FlowsApp             *app,
                     FlowsProviderPreset  *preset,
                     FlowsFlowRole         role,
                     const char           *key,
                     FlowsStage          **stage,
                     GError              **error)
{
  FlowsFlow *flow = flows_app_find_flow_by_role (app, role);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) copy = NULL;

  *stage = flow != NULL ? flows_flow_find_stage_by_key (flow, key) : NULL;
  if (*stage == NULL || (role != FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE && flows_stage_get_stage_type (*stage) != FLOWS_STAGE_TYPE_CALL_API))
    {
      g_set_error (error, FLOWS_DISCOVERY_ERROR, FLOWS_DISCOVERY_ERROR_BAD_PRESET,
                   _("The provider preset “%s” (%s) has no stage “%s” in its %s flow, which discovery adapts to the provider"),
                   flows_provider_preset_get_id (preset), flows_provider_preset_get_source (preset), key,
                   flows_enum_to_nick (FLOWS_TYPE_FLOW_ROLE, role));
      return NULL;
    }
  node = json_node_init_object (json_node_alloc (), flows_stage_get_settings (*stage));
  copy = flows_json_deep_copy (node);
  return json_object_ref (json_node_get_object (copy));
}

/* Removes the entries named in @names (NULL-terminated) from the list @member of the object
 * @path ("" for @settings itself) of @settings, when there is such a list. */
static void
remove_named_entries (JsonObject         *settings,
                      const char         *path,
                      const char         *member,
                      const char * const *names)
{
  JsonObject *object = *path == '\0' ? settings : json_object_get_object_member (settings, path);
  JsonNode *list = object != NULL ? json_object_get_member (object, member) : NULL;
  JsonArray *entries;

  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    return;
  entries = json_node_get_array (list);
  for (guint i = json_array_get_length (entries); i > 0; i--)
    {
      JsonNode *entry = json_array_get_element (entries, i - 1);

      if (JSON_NODE_HOLDS_OBJECT (entry) &&
          g_strv_contains (names, json_object_get_string_member_with_default (json_node_get_object (entry), "name", "")))
        json_array_remove_element (entries, i - 1);
    }
}

static gboolean
remove_pkce (FlowsApp             *app,
             FlowsProviderPreset  *preset,
             GError              **error)
{
  static const char * const challenge[] = { "code_challenge", "code_challenge_method", NULL };
  static const char * const verifier[] = { "code_verifier", NULL };
  FlowsStage *authorize_stage;
  FlowsStage *exchange_stage;
  g_autoptr(JsonObject) authorize = NULL;
  g_autoptr(JsonObject) exchange = NULL;

  if (!(authorize = copy_stage_settings (app, preset, FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE, "authorizeUrl", &authorize_stage, error)) ||
      !(exchange = copy_stage_settings (app, preset, FLOWS_FLOW_ROLE_OAUTH_EXCHANGE, "exchange", &exchange_stage, error)))
    return FALSE;

  remove_named_entries (authorize, "", "query", challenge);
  flows_stage_set_settings (authorize_stage, authorize);
  remove_named_entries (exchange, "body", "fields", verifier);
  flows_stage_set_settings (exchange_stage, exchange);
  return TRUE;
}

/* The token requests of Step 2 and Step 3, as the client authenticates (RFC 6749 §2.3.1). */
static gboolean
set_client_auth (FlowsApp             *app,
                 FlowsProviderPreset  *preset,
                 FlowsFlowRole         role,
                 const char           *key,
                 FlowsClientAuth       client_auth,
                 GError              **error)
{
  static const char * const client_fields[] = { "client_id", "client_secret", NULL };
  static const char * const secret_field[] = { "client_secret", NULL };
  FlowsStage *stage;
  g_autoptr(JsonObject) settings = copy_stage_settings (app, preset, role, key, &stage, error);

  if (settings == NULL)
    return FALSE;

  switch (client_auth)
    {
    case FLOWS_CLIENT_AUTH_BASIC:
      {
        JsonObject *auth = json_object_new ();

        /* The header authenticates the client: the body names it no more (RFC 6749 §4.1.3). */
        json_object_set_string_member (auth, "kind", "basic");
        json_object_set_string_member (auth, "user", "<ClientID>");
        json_object_set_string_member (auth, "password", "<ClientSecret>");
        json_object_set_object_member (settings, "auth", auth);
        remove_named_entries (settings, "body", "fields", client_fields);
      }
      break;
    case FLOWS_CLIENT_AUTH_NONE:
      remove_named_entries (settings, "body", "fields", secret_field);
      break;
    case FLOWS_CLIENT_AUTH_POST:
    default:
      /* The preset's own form fields. */
      return TRUE;
    }
  flows_stage_set_settings (stage, settings);
  return TRUE;
}

FlowsApp *
flows_discovery_create_app (FlowsProviderPreset          *preset,
                            const char                   *name,
                            const FlowsProviderMetadata  *metadata,
                            GError                      **error)
{
  g_autoptr(FlowsApp) app = NULL;
  g_autofree char *scopes = NULL;
  g_autofree char *description = NULL;
  FlowsClientAuth client_auth;

  g_return_val_if_fail (FLOWS_IS_PROVIDER_PRESET (preset), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (metadata != NULL, NULL);

  if (!(app = flows_provider_preset_create_app (preset, name, error)))
    return NULL;
  if (flows_app_get_connection_type (app) != FLOWS_CONNECTION_TYPE_OAUTH)
    {
      g_set_error (error, FLOWS_DISCOVERY_ERROR, FLOWS_DISCOVERY_ERROR_BAD_PRESET,
                   _("The provider preset “%s” (%s) is not an OAuth App"),
                   flows_provider_preset_get_id (preset), flows_provider_preset_get_source (preset));
      return NULL;
    }
  /* Translators: the placeholder is an issuer URL */
  description = g_strdup_printf (_("Made from the metadata of %s"), metadata->issuer);
  flows_app_set_description (app, description);
  flows_app_set_provider (app, FLOWS_DISCOVERY_PRESET_ID);

  scopes = flows_provider_metadata_suggest_scopes (metadata);
  set_param_default (app, "AuthURL", metadata->authorization_endpoint);
  set_param_default (app, "TokenURL", metadata->token_endpoint);
  set_param_default (app, "TestURL", metadata->userinfo_endpoint);
  set_param_default (app, "Scopes", scopes);

  client_auth = flows_provider_metadata_choose_client_auth (metadata);
  if ((!flows_provider_metadata_supports_pkce (metadata) && !remove_pkce (app, preset, error)) ||
      !set_client_auth (app, preset, FLOWS_FLOW_ROLE_OAUTH_EXCHANGE, "exchange", client_auth, error) ||
      !set_client_auth (app, preset, FLOWS_FLOW_ROLE_OAUTH_REFRESH, "refresh", client_auth, error))
    return NULL;

  return g_steal_pointer (&app);
}
