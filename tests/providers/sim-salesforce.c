/* sim-salesforce.c — Salesforce's OAuth 2.0 web server flow and REST API, as Salesforce
 * documents them:
 *
 *   https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm
 *   https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_refresh_token_flow.htm
 *   https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_flow_errors.htm
 *   https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_tokens_scopes.htm
 *   https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/intro_rest_resources.htm
 *
 * - GET /services/oauth2/authorize (login.salesforce.com): response_type=code, client_id,
 *   redirect_uri (the connected app's callback URL exactly), scope (space-separated; a
 *   refresh token needs refresh_token or offline_access), state, code_challenge (base64url
 *   SHA-256 of the verifier), prompt. A bad client_id or redirect_uri stops on Salesforce's
 *   page ("error=invalid_client_id", "error=redirect_uri_mismatch").
 * - POST /services/oauth2/token, form-encoded: grant_type, code, client_id, client_secret
 *   (client_secret_post, or client_secret_basic as Salesforce's OpenID configuration lists),
 *   redirect_uri, code_verifier. Reply: access_token, refresh_token (with the scopes above),
 *   signature, scope, instance_url (where the org's API is; here this simulation's address),
 *   id, token_type "Bearer", issued_at; no expires_in.
 * - Refresh (grant_type=refresh_token): a new access token, instance_url, … and no new refresh
 *   token. Revoked: 400 {"error":"invalid_grant","error_description":"expired access/refresh
 *   token"}. A bad code: invalid_grant "authentication failure"; wrong client credentials:
 *   400 invalid_client "invalid client credentials".
 * - GET <instance_url>/services/data/ and /services/data/vNN.N/…: 401
 *   [{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}] with a bad or
 *   expired token.
 */
#include "config.h"

#include <string.h>

#include "provider-sim.h"

static gboolean
has_word (const char *list,
          const char *word)
{
  g_auto(GStrv) words = g_strsplit (list != NULL ? list : "", " ", -1);

  return g_strv_contains ((const char * const *) words, word);
}

static void
on_authorize (ProviderSim       *sim,
              SoupServerMessage *msg,
              const char        *path)
{
  g_autoptr(GHashTable) query = provider_sim_query (msg);
  const char *redirect_uri = g_hash_table_lookup (query, "redirect_uri");
  const char *scope = g_hash_table_lookup (query, "scope");
  const char *challenge = g_hash_table_lookup (query, "code_challenge");

  (void) path;
  if (g_strcmp0 (g_hash_table_lookup (query, "client_id"), provider_sim_get_client_id (sim)) != 0)
    {
      provider_sim_error_page (msg, SOUP_STATUS_BAD_REQUEST, "Remote Access Authorization Error",
                               "error=invalid_client_id&error_description=client%20identifier%20invalid");
      return;
    }
  if (g_strcmp0 (redirect_uri, provider_sim_get_redirect_uri (sim)) != 0)
    {
      provider_sim_error_page (msg, SOUP_STATUS_BAD_REQUEST, "Remote Access Authorization Error",
                               "error=redirect_uri_mismatch&error_description=redirect_uri%20must%20match%20configuration");
      return;
    }
  if (g_strcmp0 (g_hash_table_lookup (query, "response_type"), "code") != 0)
    {
      provider_sim_redirect_error (msg, redirect_uri, g_hash_table_lookup (query, "state"), "unsupported_response_type",
                                   "response type not supported");
      return;
    }
  if (scope != NULL && strchr (scope, ',') != NULL)
    {
      provider_sim_redirect_error (msg, redirect_uri, g_hash_table_lookup (query, "state"), "invalid_scope",
                                   "the requested scope is not allowed");
      return;
    }
  provider_sim_show_consent (sim, msg,
                             provider_sim_grant_new (sim, scope != NULL ? scope : "api refresh_token",
                                                     scope == NULL || has_word (scope, "refresh_token") || has_word (scope, "offline_access"),
                                                     query),
                             redirect_uri, g_hash_table_lookup (query, "state"), challenge, challenge != NULL ? "S256" : NULL, NULL);
}

static void
reply_tokens (ProviderSim       *sim,
              SoupServerMessage *msg,
              ProviderSimGrant  *grant,
              gboolean           with_refresh_token)
{
  g_autofree char *refresh = NULL;

  if (with_refresh_token)
    refresh = g_strdup_printf ("\"refresh_token\":\"%s\",", provider_sim_issue_refresh_token (sim, grant, "5Aep861"));
  provider_sim_reply_json (msg, SOUP_STATUS_OK,
                           "{\"access_token\":\"%s\",%s\"signature\":\"d8KkZ/wcOHJ4Ta0a/fxE6wZr9Ab5ZDwl8kHszC9NVfk=\","
                           "\"scope\":\"%s\",\"instance_url\":\"%s\",\"id\":\"https://login.salesforce.com/id/00Dxx0000001gPLEAY/005xx000001SwiUAAS\","
                           "\"token_type\":\"Bearer\",\"issued_at\":\"1700000000000\"}",
                           provider_sim_issue_access_token (sim, grant, "00Dxx0000001gPL!"), refresh != NULL ? refresh : "", grant->scope,
                           provider_sim_get_url (sim));
}

static void
on_token (ProviderSim       *sim,
          SoupServerMessage *msg,
          const char        *path)
{
  g_autoptr(GHashTable) form = provider_sim_form_body (msg);
  g_autofree char *client_id = NULL;
  g_autofree char *client_secret = NULL;
  const char *grant_type;
  const ProviderSimCode *code = NULL;
  ProviderSimGrant *grant = NULL;

  (void) path;
  if (form == NULL)
    {
      provider_sim_reply_json (msg, SOUP_STATUS_BAD_REQUEST, "{\"error\":\"unsupported_grant_type\",\"error_description\":\"grant type not supported\"}");
      return;
    }
  provider_sim_basic_or_body_client (msg, form, &client_id, &client_secret);
  if (g_strcmp0 (client_id, provider_sim_get_client_id (sim)) != 0)
    {
      provider_sim_reply_json (msg, SOUP_STATUS_BAD_REQUEST, "{\"error\":\"invalid_client_id\",\"error_description\":\"client identifier invalid\"}");
      return;
    }
  if (!provider_sim_client_is (sim, client_id, client_secret))
    {
      provider_sim_reply_json (msg, SOUP_STATUS_BAD_REQUEST, "{\"error\":\"invalid_client\",\"error_description\":\"invalid client credentials\"}");
      return;
    }
  grant_type = g_hash_table_lookup (form, "grant_type");
  if (g_strcmp0 (grant_type, "refresh_token") == 0)
    {
      if (provider_sim_use_refresh_token (sim, g_hash_table_lookup (form, "refresh_token"), FALSE, &grant) != PROVIDER_SIM_VALID)
        {
          provider_sim_reply_json (msg, SOUP_STATUS_BAD_REQUEST, "{\"error\":\"invalid_grant\",\"error_description\":\"expired access/refresh token\"}");
          return;
        }
      reply_tokens (sim, msg, grant, FALSE);
      return;
    }
  if (g_strcmp0 (grant_type, "authorization_code") != 0)
    {
      provider_sim_reply_json (msg, SOUP_STATUS_BAD_REQUEST, "{\"error\":\"unsupported_grant_type\",\"error_description\":\"grant type not supported\"}");
      return;
    }
  if (provider_sim_redeem_code (sim, g_hash_table_lookup (form, "code"), &code) != PROVIDER_SIM_VALID ||
      g_strcmp0 (g_hash_table_lookup (form, "redirect_uri"), code->redirect_uri) != 0)
    {
      provider_sim_reply_json (msg, SOUP_STATUS_BAD_REQUEST, "{\"error\":\"invalid_grant\",\"error_description\":\"authentication failure\"}");
      return;
    }
  if (!provider_sim_pkce_ok (code, g_hash_table_lookup (form, "code_verifier")))
    {
      provider_sim_reply_json (msg, SOUP_STATUS_BAD_REQUEST, "{\"error\":\"invalid_grant\",\"error_description\":\"invalid code verifier\"}");
      return;
    }
  reply_tokens (sim, msg, code->grant, code->grant->offline);
}

static void
on_data (ProviderSim       *sim,
         SoupServerMessage *msg,
         const char        *path)
{
  if (provider_sim_check_token (sim, msg, NULL, NULL) != PROVIDER_SIM_VALID)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "WWW-Authenticate", "Token");
      provider_sim_reply_json (msg, SOUP_STATUS_UNAUTHORIZED, "[{\"message\":\"Session expired or invalid\",\"errorCode\":\"INVALID_SESSION_ID\"}]");
      return;
    }
  if (g_str_equal (path, "/services/data") || g_str_equal (path, "/services/data/"))
    provider_sim_reply_json (msg, SOUP_STATUS_OK, "[{\"label\":\"Winter '24\",\"url\":\"/services/data/v59.0\",\"version\":\"59.0\"}]");
  else if (g_regex_match_simple ("^/services/data/v[0-9]+\\.[0-9]/?", path, 0, 0))
    provider_sim_reply_json (msg, SOUP_STATUS_OK,
                             "{\"limits\":\"/services/data/v59.0/limits\",\"sobjects\":\"/services/data/v59.0/sobjects\","
                             "\"query\":\"/services/data/v59.0/query\",\"search\":\"/services/data/v59.0/search\"}");
  else
    provider_sim_reply_json (msg, SOUP_STATUS_NOT_FOUND,
                             "[{\"errorCode\":\"NOT_FOUND\",\"message\":\"The requested resource does not exist\"}]");
}

static void
on_userinfo (ProviderSim       *sim,
             SoupServerMessage *msg,
             const char        *path)
{
  (void) path;
  if (provider_sim_check_token (sim, msg, NULL, NULL) != PROVIDER_SIM_VALID)
    {
      provider_sim_reply (msg, SOUP_STATUS_FORBIDDEN, "text/plain", "Bad_OAuth_Token");
      return;
    }
  provider_sim_reply_json (msg, SOUP_STATUS_OK, "{\"sub\":\"https://login.salesforce.com/id/00Dxx0000001gPLEAY/005xx000001SwiUAAS\","
                                                "\"preferred_username\":\"user@example.com\"}");
}

ProviderSim *
sim_salesforce_new (const char *client_id,
                    const char *client_secret,
                    const char *redirect_uri)
{
  ProviderSim *sim = provider_sim_new ("Salesforce", client_id, client_secret, redirect_uri);

  provider_sim_handle (sim, "/services/oauth2/authorize", on_authorize);
  provider_sim_handle (sim, "/services/oauth2/token", on_token);
  provider_sim_handle (sim, "/services/oauth2/userinfo", on_userinfo);
  provider_sim_handle (sim, "/services/data", on_data);
  return sim;
}
