/* sim-microsoft.c — the Microsoft identity platform (Entra ID v2.0 endpoints) and Microsoft
 * Graph, as Microsoft documents them:
 *
 *   https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow
 *   https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens
 *   https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes
 *   https://learn.microsoft.com/en-us/entra/identity-platform/reply-url (loopback ports)
 *   https://learn.microsoft.com/en-us/graph/api/user-get
 *
 * - GET /{tenant}/oauth2/v2.0/authorize, {tenant} one of common, organizations, consumers, a
 *   tenant id or a domain (another: AADSTS90002 on Microsoft's page): client_id (unknown:
 *   AADSTS700016 on the page), response_type=code, redirect_uri (a registered one; for
 *   http://127.0.0.1 and localhost the port is ignored; else AADSTS50011 on the page), scope
 *   (space-separated; a refresh token needs offline_access), state, prompt, code_challenge with
 *   code_challenge_method S256 or plain. Errors on the request itself go back to the client
 *   with error_description "AADSTSnnnn: …".
 * - POST /{tenant}/oauth2/v2.0/token, form-encoded: client_id, scope, code, redirect_uri,
 *   grant_type, code_verifier, client_secret in the body or the client credentials in an HTTP
 *   Basic header (RFC 6749). JSON reply: token_type Bearer, scope, expires_in, ext_expires_in,
 *   access_token, refresh_token (with offline_access), id_token (with openid).
 * - Refresh: a new refresh token comes with each reply ("refresh tokens replace themselves with
 *   a fresh token upon every use"); the old one is not revoked by the refresh. Revoked: 400
 *   invalid_grant, "AADSTS50173: The provided grant has expired due to it being revoked, a
 *   fresh auth token is needed."
 * - Errors: JSON with error, error_description ("AADSTSnnnn: text\r\nTrace ID: …\r\n
 *   Correlation ID: …\r\nTimestamp: …"), error_codes, timestamp, trace_id, correlation_id,
 *   error_uri. A wrong secret: 401 invalid_client AADSTS7000215; a code redeemed twice: 400
 *   invalid_grant AADSTS54005; a verifier that does not match: AADSTS501481.
 * - GET /v1.0/me (graph.microsoft.com): 401 {"error":{"code":"InvalidAuthenticationToken",…}}.
 */
#include "config.h"

#include <string.h>

#include "provider-sim.h"

#define ACCESS_TOKEN_LIFETIME 3599

static gboolean
tenant_is_valid (const char *tenant)
{
  static const char * const named[] = { "common", "organizations", "consumers", NULL };

  if (g_strv_contains (named, tenant))
    return TRUE;
  /* A tenant id (a GUID) or a verified domain. */
  return (strlen (tenant) == 36 && strspn (tenant, "0123456789abcdefABCDEF-") == 36) ||
         (strchr (tenant, '.') != NULL && strspn (tenant, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") == strlen (tenant));
}

/* Entra's rule for loopback redirect URIs: the port is not compared. */
static gboolean
redirect_uri_matches (const char *registered,
                      const char *asked)
{
  g_autoptr(GUri) a = g_uri_parse (registered, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GUri) b = asked != NULL ? g_uri_parse (asked, G_URI_FLAGS_NONE, NULL) : NULL;

  if (a == NULL || b == NULL)
    return FALSE;
  if (g_strcmp0 (g_uri_get_scheme (b), "http") == 0 &&
      (g_strcmp0 (g_uri_get_host (b), "127.0.0.1") == 0 || g_strcmp0 (g_uri_get_host (b), "localhost") == 0))
    return g_strcmp0 (g_uri_get_host (a), g_uri_get_host (b)) == 0 &&
           g_strcmp0 (g_uri_get_path (a), g_uri_get_path (b)) == 0 &&
           g_uri_get_query (b) == NULL;
  return g_str_equal (registered, asked);
}

static void
reply_error (SoupServerMessage *msg,
             guint              status,
             const char        *error,
             guint              code,
             const char        *text)
{
  provider_sim_reply_json (msg, status,
                           "{\"error\":\"%s\",\"error_description\":\"AADSTS%u: %s\\r\\nTrace ID: 0a1b2c3d-0000-4000-8000-000000000001\\r\\n"
                           "Correlation ID: 0a1b2c3d-0000-4000-8000-000000000002\\r\\nTimestamp: 2024-05-01 10:00:00Z\","
                           "\"error_codes\":[%u],\"timestamp\":\"2024-05-01 10:00:00Z\","
                           "\"trace_id\":\"0a1b2c3d-0000-4000-8000-000000000001\","
                           "\"correlation_id\":\"0a1b2c3d-0000-4000-8000-000000000002\","
                           "\"error_uri\":\"https://login.microsoftonline.com/error?code=%u\"}",
                           error, code, text, code, code);
}

/* "/TENANT/oauth2/v2.0/ENDPOINT": the tenant, or NULL when the path is not of that shape. */
static char *
split_tenant (const char *path,
              const char *endpoint)
{
  g_autofree char *suffix = g_strconcat ("/oauth2/v2.0/", endpoint, NULL);

  if (path[0] != '/' || !g_str_has_suffix (path, suffix) || strlen (path) <= strlen (suffix) + 1)
    return NULL;
  return g_strndup (path + 1, strlen (path) - strlen (suffix) - 1);
}

static void
on_authorize (ProviderSim       *sim,
              SoupServerMessage *msg,
              const char        *tenant)
{
  g_autoptr(GHashTable) query = provider_sim_query (msg);
  const char *redirect_uri = g_hash_table_lookup (query, "redirect_uri");
  const char *scope = g_hash_table_lookup (query, "scope");
  const char *state = g_hash_table_lookup (query, "state");
  const char *challenge = g_hash_table_lookup (query, "code_challenge");
  const char *method = g_hash_table_lookup (query, "code_challenge_method");
  g_auto(GStrv) scopes = NULL;

  if (!tenant_is_valid (tenant))
    {
      provider_sim_error_page (msg, SOUP_STATUS_BAD_REQUEST, "Sign in",
                               "AADSTS90002: Tenant not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.");
      return;
    }
  if (g_strcmp0 (g_hash_table_lookup (query, "client_id"), provider_sim_get_client_id (sim)) != 0)
    {
      provider_sim_error_page (msg, SOUP_STATUS_BAD_REQUEST, "Sign in",
                               "AADSTS700016: Application with the identifier was not found in the directory.");
      return;
    }
  if (!redirect_uri_matches (provider_sim_get_redirect_uri (sim), redirect_uri))
    {
      provider_sim_error_page (msg, SOUP_STATUS_BAD_REQUEST, "Sign in",
                               "AADSTS50011: The redirect URI specified in the request does not match the redirect URIs configured for the application.");
      return;
    }
  if (g_strcmp0 (g_hash_table_lookup (query, "response_type"), "code") != 0)
    {
      provider_sim_redirect_error (msg, redirect_uri, state, "unsupported_response_type",
                                   "AADSTS700054: response_type 'id_token' is not enabled for the application.");
      return;
    }
  if (scope == NULL || *scope == '\0')
    {
      provider_sim_redirect_error (msg, redirect_uri, state, "invalid_request",
                                   "AADSTS900144: The request body must contain the following parameter: 'scope'.");
      return;
    }
  if (challenge != NULL && method != NULL && !g_str_equal (method, "S256") && !g_str_equal (method, "plain"))
    {
      provider_sim_redirect_error (msg, redirect_uri, state, "invalid_request",
                                   "AADSTS501491: Invalid size of Code_Challenge parameter.");
      return;
    }

  scopes = g_strsplit (scope, " ", -1);
  provider_sim_show_consent (sim, msg,
                             provider_sim_grant_new (sim, scope, g_strv_contains ((const char * const *) scopes, "offline_access"), query),
                             redirect_uri, state, challenge, challenge != NULL && method == NULL ? "plain" : method,
                             "session_state=5a6b7c8d-0000-4000-8000-000000000003");
}

static void
reply_tokens (ProviderSim       *sim,
              SoupServerMessage *msg,
              ProviderSimGrant  *grant)
{
  const char *access_token = provider_sim_issue_access_token (sim, grant, "eyJ0eXAiOiJKV1QifQ.");
  g_autofree char *refresh = NULL;

  if (grant->offline)
    refresh = g_strdup_printf (",\"refresh_token\":\"%s\"", provider_sim_issue_refresh_token (sim, grant, "0.AX0A"));
  provider_sim_reply_json (msg, SOUP_STATUS_OK,
                           "{\"token_type\":\"Bearer\",\"scope\":\"%s\",\"expires_in\":%d,\"ext_expires_in\":%d,"
                           "\"access_token\":\"%s\"%s}",
                           grant->scope, ACCESS_TOKEN_LIFETIME, ACCESS_TOKEN_LIFETIME, access_token,
                           refresh != NULL ? refresh : "");
}

static void
on_token (ProviderSim       *sim,
          SoupServerMessage *msg,
          const char        *tenant)
{
  g_autoptr(GHashTable) form = provider_sim_form_body (msg);
  g_autofree char *client_id = NULL;
  g_autofree char *client_secret = NULL;
  const char *grant_type;
  const ProviderSimCode *code = NULL;
  ProviderSimGrant *grant = NULL;

  if (!tenant_is_valid (tenant))
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request", 90002, "Tenant not found.");
      return;
    }
  if (strcmp (soup_server_message_get_method (msg), "POST") != 0 || form == NULL)
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request", 900144,
                   "The request body must contain the following parameter: 'grant_type'.");
      return;
    }
  provider_sim_basic_or_body_client (msg, form, &client_id, &client_secret);
  grant_type = g_hash_table_lookup (form, "grant_type");
  if (grant_type == NULL)
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request", 900144,
                   "The request body must contain the following parameter: 'grant_type'.");
      return;
    }
  if (client_id == NULL)
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request", 900144,
                   "The request body must contain the following parameter: 'client_id'.");
      return;
    }
  if (!g_str_equal (client_id, provider_sim_get_client_id (sim)))
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, "unauthorized_client", 700016,
                   "Application with the identifier was not found in the directory.");
      return;
    }
  if (client_secret == NULL)
    {
      reply_error (msg, SOUP_STATUS_UNAUTHORIZED, "invalid_client", 7000218,
                   "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
      return;
    }
  if (!provider_sim_client_is (sim, client_id, client_secret))
    {
      reply_error (msg, SOUP_STATUS_UNAUTHORIZED, "invalid_client", 7000215,
                   "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, "
                   "not the client secret ID, for a secret added to app.");
      return;
    }

  if (g_str_equal (grant_type, "refresh_token"))
    {
      ProviderSimState state = provider_sim_use_refresh_token (sim, g_hash_table_lookup (form, "refresh_token"), FALSE, &grant);

      if (state == PROVIDER_SIM_REVOKED)
        reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant", 50173,
                     "The provided grant has expired due to it being revoked, a fresh auth token is needed. "
                     "The user might have changed or reset their password.");
      else if (state != PROVIDER_SIM_VALID)
        reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.");
      else
        reply_tokens (sim, msg, grant);
      return;
    }
  if (!g_str_equal (grant_type, "authorization_code"))
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, "unsupported_grant_type", 70003,
                   "The app requested an unsupported grant type.");
      return;
    }

  switch (provider_sim_redeem_code (sim, g_hash_table_lookup (form, "code"), &code))
    {
    case PROVIDER_SIM_VALID:
      break;
    case PROVIDER_SIM_USED:
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant", 54005,
                   "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.");
      return;
    default:
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.");
      return;
    }
  if (!provider_sim_pkce_ok (code, g_hash_table_lookup (form, "code_verifier")))
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant", 501481,
                   "The Code_Verifier does not match the code_challenge supplied in the authorization request.");
      return;
    }
  if (g_strcmp0 (g_hash_table_lookup (form, "redirect_uri"), code->redirect_uri) != 0)
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant", 500117,
                   "The reply uri specified in the request isn't expected.");
      return;
    }
  reply_tokens (sim, msg, code->grant);
}

/* Everything below the root: the tenant is in the path. */
static void
on_login (ProviderSim       *sim,
          SoupServerMessage *msg,
          const char        *path)
{
  g_autofree char *authorize_tenant = split_tenant (path, "authorize");
  g_autofree char *token_tenant = split_tenant (path, "token");

  if (authorize_tenant != NULL)
    on_authorize (sim, msg, authorize_tenant);
  else if (token_tenant != NULL)
    on_token (sim, msg, token_tenant);
  else
    provider_sim_error_page (msg, SOUP_STATUS_NOT_FOUND, "Not Found", "The resource you are looking for has been removed.");
}

static void
on_me (ProviderSim       *sim,
       SoupServerMessage *msg,
       const char        *path)
{
  ProviderSimState state = provider_sim_check_token (sim, msg, NULL, NULL);

  (void) path;
  if (state == PROVIDER_SIM_EXPIRED)
    provider_sim_reply_json (msg, SOUP_STATUS_UNAUTHORIZED,
                             "{\"error\":{\"code\":\"InvalidAuthenticationToken\",\"message\":\"Access token has expired or is not yet valid.\","
                             "\"innerError\":{\"date\":\"2024-05-01T10:00:00\",\"request-id\":\"0a1b2c3d-0000-4000-8000-000000000004\"}}}");
  else if (state != PROVIDER_SIM_VALID)
    provider_sim_reply_json (msg, SOUP_STATUS_UNAUTHORIZED,
                             "{\"error\":{\"code\":\"InvalidAuthenticationToken\",\"message\":\"Access token validation failure.\","
                             "\"innerError\":{\"date\":\"2024-05-01T10:00:00\",\"request-id\":\"0a1b2c3d-0000-4000-8000-000000000004\"}}}");
  else
    provider_sim_reply_json (msg, SOUP_STATUS_OK,
                             "{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#users/$entity\","
                             "\"displayName\":\"Adele Vance\",\"userPrincipalName\":\"AdeleV@contoso.com\","
                             "\"id\":\"87d349ed-44d7-43e1-9a83-5f2406dee5bd\"}");
}

ProviderSim *
sim_microsoft_new (const char *client_id,
                   const char *client_secret,
                   const char *redirect_uri)
{
  ProviderSim *sim = provider_sim_new ("Microsoft", client_id, client_secret, redirect_uri);

  provider_sim_handle (sim, "/", on_login);
  provider_sim_handle (sim, "/v1.0/me", on_me);
  return sim;
}
