/* sim-dropbox.c — Dropbox's OAuth 2 and its API v2, as Dropbox documents them:
 *
 *   https://developers.dropbox.com/oauth-guide
 *   https://www.dropbox.com/developers/documentation/http/documentation#oauth2-authorize
 *   https://www.dropbox.com/developers/documentation/http/documentation#oauth2-token
 *   https://www.dropbox.com/developers/documentation/http/documentation#users-get_current_account
 *   https://www.dropbox.com/developers/documentation/http/documentation (RPC endpoints, errors)
 *
 * - GET /oauth2/authorize (www.dropbox.com): client_id, response_type=code, redirect_uri
 *   (exactly a registered one), state, token_access_type (online, offline or legacy; offline
 *   gives a refresh token), scope (space-separated), code_challenge (43 to 128 characters) with
 *   code_challenge_method S256 or plain, force_reapprove, …
 * - POST /oauth2/token (api.dropboxapi.com), form-encoded: code, grant_type, redirect_uri
 *   (when the authorisation had one), code_verifier, and client_id and client_secret either as
 *   parameters or with HTTP Basic. Reply: access_token ("sl."…), expires_in 14400, token_type
 *   "bearer", scope, account_id, uid, refresh_token (offline only). A bad or used code: 400
 *   {"error":"invalid_grant","error_description":"code doesn't exist or has expired"}.
 * - Refresh: a new access token, NO new refresh token (the old one lasts until revoked).
 *   Revoked: 400 {"error":"invalid_grant","error_description":"refresh token is invalid or
 *   revoked"}.
 * - POST /2/users/get_current_account (RPC: POST only; no argument: no body and no
 *   Content-Type, or "null" as application/json; another Content-Type: 400 in plain text).
 *   401 {"error_summary":"expired_access_token/…","error":{".tag":"expired_access_token"}}
 *   for an expired token, invalid_access_token for a bad one.
 */
#include "config.h"

#include <string.h>

#include "provider-sim.h"

#define ACCESS_TOKEN_LIFETIME 14400

static void
on_authorize (ProviderSim       *sim,
              SoupServerMessage *msg,
              const char        *path)
{
  g_autoptr(GHashTable) query = provider_sim_query (msg);
  const char *redirect_uri = g_hash_table_lookup (query, "redirect_uri");
  const char *access_type = g_hash_table_lookup (query, "token_access_type");
  const char *challenge = g_hash_table_lookup (query, "code_challenge");
  const char *method = g_hash_table_lookup (query, "code_challenge_method");
  const char *scope = g_hash_table_lookup (query, "scope");

  (void) path;
  if (g_strcmp0 (g_hash_table_lookup (query, "client_id"), provider_sim_get_client_id (sim)) != 0)
    {
      provider_sim_error_page (msg, SOUP_STATUS_BAD_REQUEST, "Dropbox - 400", "Invalid client_id.");
      return;
    }
  if (g_strcmp0 (redirect_uri, provider_sim_get_redirect_uri (sim)) != 0)
    {
      provider_sim_error_page (msg, SOUP_STATUS_BAD_REQUEST, "Dropbox - 400", "Invalid redirect_uri. It must exactly match one of the redirect URIs you've pre-configured for your app (including the path).");
      return;
    }
  if (g_strcmp0 (g_hash_table_lookup (query, "response_type"), "code") != 0 ||
      (access_type != NULL && !g_str_equal (access_type, "offline") && !g_str_equal (access_type, "online") &&
       !g_str_equal (access_type, "legacy")) ||
      (challenge != NULL && (strlen (challenge) < 43 || strlen (challenge) > 128)) ||
      (method != NULL && !g_str_equal (method, "S256") && !g_str_equal (method, "plain")))
    {
      provider_sim_error_page (msg, SOUP_STATUS_BAD_REQUEST, "Dropbox - 400", "Invalid response_type, token_access_type or code_challenge.");
      return;
    }
  provider_sim_show_consent (sim, msg,
                             provider_sim_grant_new (sim, scope != NULL ? scope : "account_info.read", g_strcmp0 (access_type, "offline") == 0, query),
                             redirect_uri, g_hash_table_lookup (query, "state"), challenge,
                             challenge != NULL && method == NULL ? "plain" : method, NULL);
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
  g_autofree char *refresh = NULL;

  (void) path;
  if (form == NULL)
    {
      provider_sim_reply_json (msg, SOUP_STATUS_BAD_REQUEST, "{\"error\":\"unsupported_grant_type\",\"error_description\":\"missing grant_type\"}");
      return;
    }
  provider_sim_basic_or_body_client (msg, form, &client_id, &client_secret);
  if (!provider_sim_client_is (sim, client_id, client_secret))
    {
      provider_sim_reply_json (msg, SOUP_STATUS_BAD_REQUEST, "{\"error\":\"invalid_client\",\"error_description\":\"Invalid client_id or client_secret\"}");
      return;
    }
  grant_type = g_hash_table_lookup (form, "grant_type");
  if (g_strcmp0 (grant_type, "refresh_token") == 0)
    {
      if (provider_sim_use_refresh_token (sim, g_hash_table_lookup (form, "refresh_token"), FALSE, &grant) != PROVIDER_SIM_VALID)
        {
          provider_sim_reply_json (msg, SOUP_STATUS_BAD_REQUEST,
                                   "{\"error\":\"invalid_grant\",\"error_description\":\"refresh token is invalid or revoked\"}");
          return;
        }
      provider_sim_reply_json (msg, SOUP_STATUS_OK, "{\"access_token\":\"%s\",\"token_type\":\"bearer\",\"expires_in\":%d}",
                               provider_sim_issue_access_token (sim, grant, "sl."), ACCESS_TOKEN_LIFETIME);
      return;
    }
  if (g_strcmp0 (grant_type, "authorization_code") != 0)
    {
      provider_sim_reply_json (msg, SOUP_STATUS_BAD_REQUEST, "{\"error\":\"unsupported_grant_type\",\"error_description\":\"unsupported grant_type\"}");
      return;
    }
  if (provider_sim_redeem_code (sim, g_hash_table_lookup (form, "code"), &code) != PROVIDER_SIM_VALID)
    {
      provider_sim_reply_json (msg, SOUP_STATUS_BAD_REQUEST, "{\"error\":\"invalid_grant\",\"error_description\":\"code doesn't exist or has expired\"}");
      return;
    }
  if (g_strcmp0 (g_hash_table_lookup (form, "redirect_uri"), code->redirect_uri) != 0)
    {
      provider_sim_reply_json (msg, SOUP_STATUS_BAD_REQUEST, "{\"error\":\"invalid_grant\",\"error_description\":\"redirect_uri mismatch\"}");
      return;
    }
  if (!provider_sim_pkce_ok (code, g_hash_table_lookup (form, "code_verifier")))
    {
      provider_sim_reply_json (msg, SOUP_STATUS_BAD_REQUEST, "{\"error\":\"invalid_grant\",\"error_description\":\"invalid code verifier\"}");
      return;
    }
  if (code->grant->offline)
    refresh = g_strdup_printf (",\"refresh_token\":\"%s\"", provider_sim_issue_refresh_token (sim, code->grant, ""));
  provider_sim_reply_json (msg, SOUP_STATUS_OK,
                           "{\"access_token\":\"%s\",\"expires_in\":%d,\"token_type\":\"bearer\",\"scope\":\"%s\","
                           "\"account_id\":\"dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc\",\"uid\":\"12345\"%s}",
                           provider_sim_issue_access_token (sim, code->grant, "sl."), ACCESS_TOKEN_LIFETIME,
                           code->grant->scope, refresh != NULL ? refresh : "");
}

static void
on_get_current_account (ProviderSim       *sim,
                        SoupServerMessage *msg,
                        const char        *path)
{
  const char *content_type = provider_sim_header (msg, "Content-Type");
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autofree char *text = g_strstrip (g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body)));
  ProviderSimState state;

  (void) path;
  if (strcmp (soup_server_message_get_method (msg), "POST") != 0)
    {
      provider_sim_reply (msg, SOUP_STATUS_BAD_REQUEST, "text/plain; charset=utf-8",
                          "Error in call to API function \"users/get_current_account\": Only POST requests are allowed.");
      return;
    }
  if (content_type != NULL && !g_str_has_prefix (content_type, "application/json") &&
      g_strcmp0 (content_type, "text/plain; charset=dropbox-cors-hack") != 0)
    {
      g_autofree char *message = g_strdup_printf ("Error in call to API function \"users/get_current_account\": Bad HTTP \"Content-Type\" "
                                                  "header: \"%s\".  Expecting one of \"application/json\", \"application/json; "
                                                  "charset=utf-8\", \"text/plain; charset=dropbox-cors-hack\".", content_type);

      provider_sim_reply (msg, SOUP_STATUS_BAD_REQUEST, "text/plain; charset=utf-8", message);
      return;
    }
  if ((content_type == NULL && *text != '\0') || (content_type != NULL && !g_str_equal (text, "null") && *text != '\0'))
    {
      provider_sim_reply (msg, SOUP_STATUS_BAD_REQUEST, "text/plain; charset=utf-8",
                          "Error in call to API function \"users/get_current_account\": request body: could not decode input as JSON");
      return;
    }

  state = provider_sim_check_token (sim, msg, NULL, NULL);
  if (state == PROVIDER_SIM_EXPIRED)
    provider_sim_reply_json (msg, SOUP_STATUS_UNAUTHORIZED,
                             "{\"error_summary\":\"expired_access_token/\",\"error\":{\".tag\":\"expired_access_token\"}}");
  else if (state != PROVIDER_SIM_VALID)
    provider_sim_reply_json (msg, SOUP_STATUS_UNAUTHORIZED,
                             "{\"error_summary\":\"invalid_access_token/\",\"error\":{\".tag\":\"invalid_access_token\"}}");
  else
    provider_sim_reply_json (msg, SOUP_STATUS_OK,
                             "{\"account_id\":\"dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc\",\"name\":{\"given_name\":\"Franz\","
                             "\"surname\":\"Ferdinand\",\"familiar_name\":\"Franz\",\"display_name\":\"Franz Ferdinand (Personal)\","
                             "\"abbreviated_name\":\"FF\"},\"email\":\"franz@dropbox.com\",\"email_verified\":true,\"disabled\":false}");
}

ProviderSim *
sim_dropbox_new (const char *client_id,
                 const char *client_secret,
                 const char *redirect_uri)
{
  ProviderSim *sim = provider_sim_new ("Dropbox", client_id, client_secret, redirect_uri);

  provider_sim_handle (sim, "/oauth2/authorize", on_authorize);
  provider_sim_handle (sim, "/oauth2/token", on_token);
  provider_sim_handle (sim, "/2/users/get_current_account", on_get_current_account);
  return sim;
}
