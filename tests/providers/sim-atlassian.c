/* sim-atlassian.c — Atlassian's OAuth 2.0 (3LO) for Jira and Confluence Cloud apps, as
 * Atlassian documents it:
 *
 *   https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/
 *   https://developer.atlassian.com/cloud/oauth/getting-started/refresh-tokens
 *
 * - GET /authorize (auth.atlassian.com): audience=api.atlassian.com, client_id, scope (space
 *   separated; offline_access for a refresh token), redirect_uri (the app's callback URL),
 *   state, response_type=code and prompt=consent, all of them required.
 * - POST /oauth/token with "Content-Type: application/json" and {"grant_type":
 *   "authorization_code","client_id":…,"client_secret":…,"code":…,"redirect_uri":…}: {
 *   "access_token", "expires_in" 3600, "scope", "refresh_token" (with offline_access),
 *   "token_type" "Bearer"}.
 * - Refresh (JSON {"grant_type":"refresh_token","client_id","client_secret","refresh_token"}):
 *   rotating refresh tokens, "You receive a new refresh token as well and the refresh token
 *   you used for the request is disabled". A refused refresh token: "403 Forbidden with
 *   {"error": "invalid_grant", "error_description": "Unknown or invalid refresh token."}".
 * - Errors otherwise: a wrong client secret 401 {"error":"access_denied","error_description":
 *   "Unauthorized"}; a bad or used code 403 invalid_grant; a body that is not JSON 400
 *   invalid_request.
 * - GET /oauth/token/accessible-resources and /me (api.atlassian.com) with "Authorization:
 *   Bearer": 401 {"code":401,"message":"Unauthorized"} on a bad token.
 */
#include "config.h"

#include <string.h>

#include "provider-sim.h"

#define ACCESS_TOKEN_LIFETIME 3600

static void
on_authorize (ProviderSim       *sim,
              SoupServerMessage *msg,
              const char        *path)
{
  g_autoptr(GHashTable) query = provider_sim_query (msg);
  const char *redirect_uri = g_hash_table_lookup (query, "redirect_uri");
  const char *scope = g_hash_table_lookup (query, "scope");
  g_auto(GStrv) scopes = NULL;

  (void) path;
  if (g_strcmp0 (g_hash_table_lookup (query, "client_id"), provider_sim_get_client_id (sim)) != 0 ||
      g_strcmp0 (redirect_uri, provider_sim_get_redirect_uri (sim)) != 0)
    {
      provider_sim_error_page (msg, SOUP_STATUS_BAD_REQUEST, "Something went wrong",
                               "The app’s client_id or callback URL does not match its settings in the developer console.");
      return;
    }
  if (g_strcmp0 (g_hash_table_lookup (query, "audience"), "api.atlassian.com") != 0 ||
      g_strcmp0 (g_hash_table_lookup (query, "response_type"), "code") != 0 ||
      g_strcmp0 (g_hash_table_lookup (query, "prompt"), "consent") != 0 ||
      g_hash_table_lookup (query, "state") == NULL || scope == NULL || *scope == '\0')
    {
      provider_sim_error_page (msg, SOUP_STATUS_BAD_REQUEST, "Something went wrong",
                               "The authorization URL must have audience=api.atlassian.com, client_id, scope, redirect_uri, state, "
                               "response_type=code and prompt=consent.");
      return;
    }
  if (strchr (scope, ',') != NULL)
    {
      provider_sim_redirect_error (msg, redirect_uri, g_hash_table_lookup (query, "state"), "invalid_scope",
                                   "The scopes are separated by spaces.");
      return;
    }
  scopes = g_strsplit (scope, " ", -1);
  provider_sim_show_consent (sim, msg,
                             provider_sim_grant_new (sim, scope, g_strv_contains ((const char * const *) scopes, "offline_access"), query),
                             redirect_uri, g_hash_table_lookup (query, "state"), NULL, NULL, NULL);
}

static void
reply_tokens (ProviderSim       *sim,
              SoupServerMessage *msg,
              ProviderSimGrant  *grant)
{
  const char *access_token = provider_sim_issue_access_token (sim, grant, "eyJraWQiOiJhdGwifQ.");
  g_autofree char *refresh = NULL;

  if (grant->offline)
    refresh = g_strdup_printf (",\"refresh_token\":\"%s\"", provider_sim_issue_refresh_token (sim, grant, "eyJraWQiOiJydCJ9."));
  provider_sim_reply_json (msg, SOUP_STATUS_OK, "{\"access_token\":\"%s\",\"expires_in\":%d,\"token_type\":\"Bearer\",\"scope\":\"%s\"%s}",
                           access_token, ACCESS_TOKEN_LIFETIME, grant->scope, refresh != NULL ? refresh : "");
}

static void
on_token (ProviderSim       *sim,
          SoupServerMessage *msg,
          const char        *path)
{
  g_autoptr(JsonObject) body = provider_sim_json_body (msg);
  const char *grant_type;
  const ProviderSimCode *code = NULL;
  ProviderSimGrant *grant = NULL;

  (void) path;
  if (body == NULL)
    {
      provider_sim_reply_json (msg, SOUP_STATUS_BAD_REQUEST,
                               "{\"error\":\"invalid_request\",\"error_description\":\"Missing required parameter: grant_type\"}");
      return;
    }
  if (!provider_sim_client_is (sim, provider_sim_param (NULL, body, "client_id"), provider_sim_param (NULL, body, "client_secret")))
    {
      provider_sim_reply_json (msg, SOUP_STATUS_UNAUTHORIZED, "{\"error\":\"access_denied\",\"error_description\":\"Unauthorized\"}");
      return;
    }
  grant_type = provider_sim_param (NULL, body, "grant_type");
  if (g_strcmp0 (grant_type, "refresh_token") == 0)
    {
      if (provider_sim_use_refresh_token (sim, provider_sim_param (NULL, body, "refresh_token"), TRUE, &grant) != PROVIDER_SIM_VALID)
        {
          provider_sim_reply_json (msg, SOUP_STATUS_FORBIDDEN,
                                   "{\"error\":\"invalid_grant\",\"error_description\":\"Unknown or invalid refresh token.\"}");
          return;
        }
      reply_tokens (sim, msg, grant);
      return;
    }
  if (g_strcmp0 (grant_type, "authorization_code") != 0)
    {
      provider_sim_reply_json (msg, SOUP_STATUS_FORBIDDEN,
                               "{\"error\":\"unsupported_grant_type\",\"error_description\":\"Unsupported grant type\"}");
      return;
    }
  if (provider_sim_redeem_code (sim, provider_sim_param (NULL, body, "code"), &code) != PROVIDER_SIM_VALID ||
      g_strcmp0 (provider_sim_param (NULL, body, "redirect_uri"), code->redirect_uri) != 0)
    {
      provider_sim_reply_json (msg, SOUP_STATUS_FORBIDDEN, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid authorization code\"}");
      return;
    }
  reply_tokens (sim, msg, code->grant);
}

static void
on_api (ProviderSim       *sim,
        SoupServerMessage *msg,
        const char        *path)
{
  if (provider_sim_check_token (sim, msg, NULL, NULL) != PROVIDER_SIM_VALID)
    {
      provider_sim_reply_json (msg, SOUP_STATUS_UNAUTHORIZED, "{\"code\":401,\"message\":\"Unauthorized\"}");
      return;
    }
  if (g_str_equal (path, "/me"))
    provider_sim_reply_json (msg, SOUP_STATUS_OK,
                             "{\"account_type\":\"atlassian\",\"account_id\":\"112233aa-bb11-cc22-33dd-445566abcabc\","
                             "\"email\":\"mia@example.com\",\"name\":\"Mia Krystof\",\"account_status\":\"active\"}");
  else
    provider_sim_reply_json (msg, SOUP_STATUS_OK,
                             "[{\"id\":\"1324a887-45db-1bf4-1e99-ef0ff456d421\",\"name\":\"your-domain\","
                             "\"url\":\"https://your-domain.atlassian.net\",\"scopes\":[\"read:jira-work\"],"
                             "\"avatarUrl\":\"https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/flag.png\"}]");
}

ProviderSim *
sim_atlassian_new (const char *client_id,
                   const char *client_secret,
                   const char *redirect_uri)
{
  ProviderSim *sim = provider_sim_new ("Atlassian", client_id, client_secret, redirect_uri);

  provider_sim_handle (sim, "/authorize", on_authorize);
  provider_sim_handle (sim, "/oauth/token", on_token);
  provider_sim_handle (sim, "/oauth/token/accessible-resources", on_api);
  provider_sim_handle (sim, "/me", on_api);
  return sim;
}
