/* sim-notion.c — Notion's public connections (OAuth) and its API, as Notion documents them:
 *
 *   https://developers.notion.com/docs/authorization
 *   https://developers.notion.com/reference/create-a-token
 *   https://developers.notion.com/reference/refresh-a-token
 *   https://developers.notion.com/reference/get-self
 *   https://developers.notion.com/reference/versioning
 *   https://developers.notion.com/reference/status-codes
 *
 * - GET /v1/oauth/authorize (api.notion.com): client_id, response_type=code, owner=user,
 *   redirect_uri (a registered one), state. The user picks pages, then goes back with code and
 *   state (or error=access_denied).
 * - POST /v1/oauth/token: HTTP Basic authentication with "CLIENT_ID:CLIENT_SECRET" base64
 *   encoded, and a JSON body {"grant_type":"authorization_code","code":…,"redirect_uri":…};
 *   redirect_uri is required when the authorisation URL had one. The reply: access_token,
 *   token_type "bearer", refresh_token, bot_id, workspace_name, workspace_icon, workspace_id,
 *   owner, duplicated_template_id, request_id. Without the Basic header, or with a wrong
 *   secret: 401 {"error":"invalid_client"} and nothing more; a bad or reused code: 400
 *   invalid_grant; a body that is not JSON: 400 invalid_request.
 * - Refresh, the same endpoint with {"grant_type":"refresh_token","refresh_token":…}:
 *   "generating a new access token and new refresh token"; the one used is refused afterwards
 *   (400 invalid_grant), as a revoked one is.
 * - GET /v1/users/me with "Authorization: Bearer" and a Notion-Version header: 400
 *   missing_version without the header, 401 unauthorized "API token is invalid." with a bad
 *   token, each as {"object":"error","status":…,"code":…,"message":…,"request_id":…}.
 */
#include "config.h"

#include <string.h>

#include "provider-sim.h"

#define REQUEST_ID "\"request_id\":\"5b6f0e64-0000-4000-8000-000000000001\""

static void
reply_oauth_error (SoupServerMessage *msg,
                   guint              status,
                   const char        *error,
                   const char        *description)
{
  if (description == NULL)
    provider_sim_reply_json (msg, status, "{\"error\":\"%s\"}", error);
  else
    provider_sim_reply_json (msg, status, "{\"error\":\"%s\",\"error_description\":\"%s\"}", error, description);
}

static void
reply_api_error (SoupServerMessage *msg,
                 guint              status,
                 const char        *code,
                 const char        *message)
{
  provider_sim_reply_json (msg, status, "{\"object\":\"error\",\"status\":%u,\"code\":\"%s\",\"message\":\"%s\"," REQUEST_ID "}",
                           status, code, message);
}

static void
on_authorize (ProviderSim       *sim,
              SoupServerMessage *msg,
              const char        *path)
{
  g_autoptr(GHashTable) query = provider_sim_query (msg);
  const char *redirect_uri = g_hash_table_lookup (query, "redirect_uri");

  (void) path;
  if (g_strcmp0 (g_hash_table_lookup (query, "client_id"), provider_sim_get_client_id (sim)) != 0)
    {
      provider_sim_error_page (msg, SOUP_STATUS_BAD_REQUEST, "Notion", "Missing or invalid client_id.");
      return;
    }
  if (redirect_uri == NULL)
    redirect_uri = provider_sim_get_redirect_uri (sim);
  else if (!g_str_equal (redirect_uri, provider_sim_get_redirect_uri (sim)))
    {
      provider_sim_error_page (msg, SOUP_STATUS_BAD_REQUEST, "Notion", "Invalid redirect_uri.");
      return;
    }
  if (g_strcmp0 (g_hash_table_lookup (query, "response_type"), "code") != 0 ||
      g_strcmp0 (g_hash_table_lookup (query, "owner"), "user") != 0)
    {
      provider_sim_error_page (msg, SOUP_STATUS_BAD_REQUEST, "Notion", "Missing or invalid response_type or owner.");
      return;
    }
  provider_sim_show_consent (sim, msg, provider_sim_grant_new (sim, "", FALSE, query), redirect_uri,
                             g_hash_table_lookup (query, "state"), NULL, NULL, NULL);
}

static void
reply_tokens (ProviderSim       *sim,
              SoupServerMessage *msg,
              ProviderSimGrant  *grant)
{
  provider_sim_reply_json (msg, SOUP_STATUS_OK,
                           "{\"access_token\":\"%s\",\"token_type\":\"bearer\",\"refresh_token\":\"%s\","
                           "\"bot_id\":\"b3414d65-0000-4000-8000-000000000002\",\"workspace_name\":\"Acme\",\"workspace_icon\":null,"
                           "\"workspace_id\":\"d4a4e5f6-0000-4000-8000-000000000003\","
                           "\"owner\":{\"type\":\"user\",\"user\":{\"object\":\"user\",\"id\":\"e79a0b74-0000-4000-8000-000000000004\"}},"
                           "\"duplicated_template_id\":null," REQUEST_ID "}",
                           provider_sim_issue_access_token (sim, grant, "ntn_"), provider_sim_issue_refresh_token (sim, grant, "nrt_"));
}

static void
on_token (ProviderSim       *sim,
          SoupServerMessage *msg,
          const char        *path)
{
  g_autofree char *client_id = NULL;
  g_autofree char *client_secret = NULL;
  g_autoptr(JsonObject) body = NULL;
  const ProviderSimCode *code = NULL;
  ProviderSimGrant *grant = NULL;
  const char *redirect_uri, *grant_type;

  (void) path;
  if (!provider_sim_basic_auth (msg, &client_id, &client_secret) ||
      !provider_sim_client_is (sim, client_id, client_secret))
    {
      reply_oauth_error (msg, SOUP_STATUS_UNAUTHORIZED, "invalid_client", NULL);
      return;
    }
  if ((body = provider_sim_json_body (msg)) == NULL)
    {
      reply_oauth_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request", "Request body is not valid JSON.");
      return;
    }
  grant_type = provider_sim_param (NULL, body, "grant_type");
  if (g_strcmp0 (grant_type, "refresh_token") == 0)
    {
      if (provider_sim_use_refresh_token (sim, provider_sim_param (NULL, body, "refresh_token"), TRUE, &grant) != PROVIDER_SIM_VALID)
        {
          reply_oauth_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant", "Invalid refresh token.");
          return;
        }
      reply_tokens (sim, msg, grant);
      return;
    }
  if (g_strcmp0 (grant_type, "authorization_code") != 0)
    {
      reply_oauth_error (msg, SOUP_STATUS_BAD_REQUEST, "unsupported_grant_type", "Unsupported grant_type.");
      return;
    }
  if (provider_sim_redeem_code (sim, provider_sim_param (NULL, body, "code"), &code) != PROVIDER_SIM_VALID)
    {
      reply_oauth_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant", "Invalid code.");
      return;
    }
  redirect_uri = provider_sim_param (NULL, body, "redirect_uri");
  if ((redirect_uri == NULL && g_hash_table_contains (code->grant->request, "redirect_uri")) ||
      (redirect_uri != NULL && g_strcmp0 (redirect_uri, code->redirect_uri) != 0))
    {
      reply_oauth_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant", "Invalid redirect_uri.");
      return;
    }
  reply_tokens (sim, msg, code->grant);
}

static void
on_users_me (ProviderSim       *sim,
             SoupServerMessage *msg,
             const char        *path)
{
  static const char * const versions[] = { "2021-05-13", "2021-08-16", "2022-02-22", "2022-06-28", "2025-09-03", "2026-03-11", NULL };
  const char *version = provider_sim_header (msg, "Notion-Version");

  (void) path;
  if (version == NULL)
    {
      reply_api_error (msg, SOUP_STATUS_BAD_REQUEST, "missing_version",
                       "Notion-Version header failed validation: Notion-Version header should be defined, instead was `undefined`.");
      return;
    }
  if (!g_strv_contains (versions, version))
    {
      reply_api_error (msg, SOUP_STATUS_BAD_REQUEST, "validation_error", "Notion-Version header failed validation.");
      return;
    }
  if (provider_sim_check_token (sim, msg, NULL, NULL) != PROVIDER_SIM_VALID)
    {
      reply_api_error (msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized", "API token is invalid.");
      return;
    }
  provider_sim_reply_json (msg, SOUP_STATUS_OK,
                           "{\"object\":\"user\",\"id\":\"b3414d65-0000-4000-8000-000000000002\",\"name\":\"Acme integration\","
                           "\"avatar_url\":null,\"type\":\"bot\",\"bot\":{\"owner\":{\"type\":\"workspace\",\"workspace\":true},"
                           "\"workspace_name\":\"Acme\"}," REQUEST_ID "}");
}

ProviderSim *
sim_notion_new (const char *client_id,
                const char *client_secret,
                const char *redirect_uri)
{
  ProviderSim *sim = provider_sim_new ("Notion", client_id, client_secret, redirect_uri);

  provider_sim_handle (sim, "/v1/oauth/authorize", on_authorize);
  provider_sim_handle (sim, "/v1/oauth/token", on_token);
  provider_sim_handle (sim, "/v1/users/me", on_users_me);
  return sim;
}
