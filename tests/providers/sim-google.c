/* sim-google.c — Google's OAuth 2.0 for web server and installed applications, as Google
 * documents it:
 *
 *   https://developers.google.com/identity/protocols/oauth2/web-server
 *   https://developers.google.com/identity/protocols/oauth2/native-app
 *   https://developers.google.com/identity/openid-connect/openid-connect
 *
 * - GET /o/oauth2/v2/auth (accounts.google.com): client_id, redirect_uri (exactly a registered
 *   one), response_type=code and scope (space-delimited) are required, or Google's own error
 *   page says "Error 400: invalid_request" / "redirect_uri_mismatch" / "Error 401:
 *   invalid_client" and nothing goes back to the client. access_type=offline asks for a
 *   refresh token, which Google issues "the first time your application exchanges an
 *   authorization code for a user", again only when prompt=consent asks the user for consent
 *   anew; state, code_challenge (S256 or plain), include_granted_scopes, login_hint.
 * - POST /token (oauth2.googleapis.com), form-encoded: code, client_id, client_secret (or HTTP
 *   Basic: client_secret_basic in Google's discovery document), redirect_uri, grant_type,
 *   code_verifier. JSON reply: access_token, expires_in 3599, refresh_token (offline only),
 *   scope (the scopes granted, "email" and "profile" as their full URLs), token_type Bearer,
 *   id_token with openid. A bad code: 400 invalid_grant; a wrong secret: 401 invalid_client.
 * - Refresh (grant_type=refresh_token): a new access token and NO refresh token, the old one
 *   stays. Revoked: 400 {"error":"invalid_grant","error_description":"Token has been expired or
 *   revoked."}.
 * - GET /v1/userinfo (openidconnect.googleapis.com) and /oauth2/v3/userinfo (www.googleapis.com)
 *   with "Authorization: Bearer": 401 with WWW-Authenticate on a bad token.
 */
#include "config.h"

#include <string.h>

#include "provider-sim.h"

#define ACCESS_TOKEN_LIFETIME 3599

static gboolean
has_word (const char *list,
          const char *word)
{
  g_auto(GStrv) words = g_strsplit (list != NULL ? list : "", " ", -1);

  return g_strv_contains ((const char * const *) words, word);
}

/* The scopes as Google's token reply names them. */
static char *
granted_scope (const char *asked)
{
  g_auto(GStrv) words = g_strsplit (asked, " ", -1);
  g_autoptr(GString) granted = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    {
      const char *word = words[i];

      if (*word == '\0')
        continue;
      if (g_str_equal (word, "email"))
        word = "https://www.googleapis.com/auth/userinfo.email";
      else if (g_str_equal (word, "profile"))
        word = "https://www.googleapis.com/auth/userinfo.profile";
      g_string_append_printf (granted, "%s%s", granted->len > 0 ? " " : "", word);
    }
  return g_string_free (g_steal_pointer (&granted), FALSE);
}

static void
on_auth (ProviderSim       *sim,
         SoupServerMessage *msg,
         const char        *path)
{
  g_autoptr(GHashTable) query = provider_sim_query (msg);
  const char *redirect_uri = g_hash_table_lookup (query, "redirect_uri");
  const char *scope = g_hash_table_lookup (query, "scope");
  const char *access_type = g_hash_table_lookup (query, "access_type");
  const char *prompt = g_hash_table_lookup (query, "prompt");
  const char *method = g_hash_table_lookup (query, "code_challenge_method");
  const char *challenge = g_hash_table_lookup (query, "code_challenge");
  gboolean offline;
  g_autofree char *granted = NULL;

  (void) path;
  if (g_strcmp0 (g_hash_table_lookup (query, "client_id"), provider_sim_get_client_id (sim)) != 0)
    {
      provider_sim_error_page (msg, SOUP_STATUS_UNAUTHORIZED, "Access blocked: authorization error",
                               "The OAuth client was not found. Error 401: invalid_client");
      return;
    }
  if (g_strcmp0 (redirect_uri, provider_sim_get_redirect_uri (sim)) != 0)
    {
      provider_sim_error_page (msg, SOUP_STATUS_BAD_REQUEST, "Access blocked: This app’s request is invalid",
                               "Error 400: redirect_uri_mismatch");
      return;
    }
  if (g_strcmp0 (g_hash_table_lookup (query, "response_type"), "code") != 0 || scope == NULL || *scope == '\0' ||
      (access_type != NULL && !g_str_equal (access_type, "offline") && !g_str_equal (access_type, "online")) ||
      (challenge != NULL && method != NULL && !g_str_equal (method, "S256") && !g_str_equal (method, "plain")))
    {
      provider_sim_error_page (msg, SOUP_STATUS_BAD_REQUEST, "Access blocked: This app’s request is invalid",
                               scope == NULL || *scope == '\0' ? "Error 400: invalid_request Missing required parameter: scope"
                                                               : "Error 400: invalid_request");
      return;
    }
  if (strchr (scope, ',') != NULL)
    {
      /* Scopes are space-delimited: a comma makes one unknown scope. */
      provider_sim_error_page (msg, SOUP_STATUS_BAD_REQUEST, "Access blocked: This app’s request is invalid",
                               "Error 400: invalid_scope");
      return;
    }

  /* Google issues a refresh token the first time the user gives offline access, and again only
   * when prompt=consent asks for consent anew. */
  offline = g_strcmp0 (access_type, "offline") == 0 &&
            (!provider_sim_note (sim, "offline access given") || has_word (prompt, "consent"));
  granted = granted_scope (scope);
  {
    g_autofree char *extra = soup_form_encode ("scope", granted, "authuser", "0", "prompt", "consent", NULL);

    provider_sim_show_consent (sim, msg, provider_sim_grant_new (sim, granted, offline, query), redirect_uri,
                               g_hash_table_lookup (query, "state"), challenge,
                               challenge != NULL && method == NULL ? "plain" : method, extra);
  }
}

/* An ID token as Google's has its parts; its signature is no real one, as nothing here checks
 * it. */
static char *
id_token (ProviderSim *sim)
{
  g_autofree char *header = g_base64_encode ((const guchar *) "{\"alg\":\"RS256\",\"typ\":\"JWT\"}", 27);
  g_autofree char *claims_text = g_strdup_printf ("{\"iss\":\"https://accounts.google.com\",\"aud\":\"%s\",\"sub\":\"110169484474386276334\","
                                                  "\"email\":\"user@example.com\",\"iat\":1700000000,\"exp\":1700003600}",
                                                  provider_sim_get_client_id (sim));
  g_autofree char *claims = g_base64_encode ((const guchar *) claims_text, strlen (claims_text));

  g_strdelimit (header, "+/=", '_');
  g_strdelimit (claims, "+/=", '_');
  return g_strconcat (header, ".", claims, ".c2lnbmF0dXJl", NULL);
}

static void
reply_tokens (ProviderSim       *sim,
              SoupServerMessage *msg,
              ProviderSimGrant  *grant,
              gboolean           with_refresh_token)
{
  const char *access_token = provider_sim_issue_access_token (sim, grant, "ya29.");
  g_autofree char *refresh = NULL;
  g_autofree char *id = NULL;

  if (with_refresh_token)
    refresh = g_strdup_printf (",\"refresh_token\":\"%s\"", provider_sim_issue_refresh_token (sim, grant, "1//"));
  if (has_word (grant->scope, "openid"))
    {
      g_autofree char *token = id_token (sim);

      id = g_strdup_printf (",\"id_token\":\"%s\"", token);
    }
  provider_sim_reply_json (msg, SOUP_STATUS_OK,
                           "{\"access_token\":\"%s\",\"expires_in\":%d%s,\"scope\":\"%s\",\"token_type\":\"Bearer\"%s}",
                           access_token, ACCESS_TOKEN_LIFETIME, refresh != NULL ? refresh : "", grant->scope,
                           id != NULL ? id : "");
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
  ProviderSimState state;

  (void) path;
  if (strcmp (soup_server_message_get_method (msg), "POST") != 0 || form == NULL)
    {
      provider_sim_reply_json (msg, SOUP_STATUS_BAD_REQUEST,
                               "{\"error\":\"invalid_request\",\"error_description\":\"Required parameter is missing: grant_type\"}");
      return;
    }
  provider_sim_basic_or_body_client (msg, form, &client_id, &client_secret);
  grant_type = g_hash_table_lookup (form, "grant_type");
  if (grant_type == NULL)
    {
      provider_sim_reply_json (msg, SOUP_STATUS_BAD_REQUEST,
                               "{\"error\":\"invalid_request\",\"error_description\":\"Required parameter is missing: grant_type\"}");
      return;
    }
  if (g_strcmp0 (client_id, provider_sim_get_client_id (sim)) != 0)
    {
      provider_sim_reply_json (msg, SOUP_STATUS_UNAUTHORIZED,
                               "{\"error\":\"invalid_client\",\"error_description\":\"The OAuth client was not found.\"}");
      return;
    }
  if (!provider_sim_client_is (sim, client_id, client_secret))
    {
      provider_sim_reply_json (msg, SOUP_STATUS_UNAUTHORIZED, "{\"error\":\"invalid_client\",\"error_description\":\"Unauthorized\"}");
      return;
    }

  if (g_str_equal (grant_type, "refresh_token"))
    {
      if (provider_sim_use_refresh_token (sim, g_hash_table_lookup (form, "refresh_token"), FALSE, &grant) != PROVIDER_SIM_VALID)
        {
          provider_sim_reply_json (msg, SOUP_STATUS_BAD_REQUEST,
                                   "{\"error\":\"invalid_grant\",\"error_description\":\"Token has been expired or revoked.\"}");
          return;
        }
      reply_tokens (sim, msg, grant, FALSE);
      return;
    }
  if (!g_str_equal (grant_type, "authorization_code"))
    {
      provider_sim_reply_json (msg, SOUP_STATUS_BAD_REQUEST,
                               "{\"error\":\"unsupported_grant_type\",\"error_description\":\"Invalid grant_type: %s\"}",
                               g_str_is_ascii (grant_type) && strpbrk (grant_type, "\"\\") == NULL ? grant_type : "?");
      return;
    }

  state = provider_sim_redeem_code (sim, g_hash_table_lookup (form, "code"), &code);
  if (state != PROVIDER_SIM_VALID)
    {
      provider_sim_reply_json (msg, SOUP_STATUS_BAD_REQUEST, "{\"error\":\"invalid_grant\",\"error_description\":\"Bad Request\"}");
      return;
    }
  if (code->code_challenge != NULL && g_hash_table_lookup (form, "code_verifier") == NULL)
    {
      provider_sim_reply_json (msg, SOUP_STATUS_BAD_REQUEST, "{\"error\":\"invalid_grant\",\"error_description\":\"Missing code verifier.\"}");
      return;
    }
  if (!provider_sim_pkce_ok (code, g_hash_table_lookup (form, "code_verifier")))
    {
      provider_sim_reply_json (msg, SOUP_STATUS_BAD_REQUEST, "{\"error\":\"invalid_grant\",\"error_description\":\"Bad Request\"}");
      return;
    }
  if (g_strcmp0 (g_hash_table_lookup (form, "redirect_uri"), code->redirect_uri) != 0)
    {
      provider_sim_reply_json (msg, SOUP_STATUS_BAD_REQUEST, "{\"error\":\"redirect_uri_mismatch\",\"error_description\":\"Bad Request\"}");
      return;
    }
  reply_tokens (sim, msg, code->grant, code->grant->offline);
}

static void
on_userinfo (ProviderSim       *sim,
             SoupServerMessage *msg,
             const char        *path)
{
  (void) path;
  if (provider_sim_check_token (sim, msg, NULL, NULL) != PROVIDER_SIM_VALID)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "WWW-Authenticate",
                                    "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"");
      provider_sim_reply_json (msg, SOUP_STATUS_UNAUTHORIZED,
                               "{\"error\":\"invalid_request\",\"error_description\":\"Invalid Credentials\"}");
      return;
    }
  provider_sim_reply_json (msg, SOUP_STATUS_OK,
                           "{\"sub\":\"110169484474386276334\",\"email\":\"user@example.com\",\"email_verified\":true,\"name\":\"A User\"}");
}

ProviderSim *
sim_google_new (const char *client_id,
                const char *client_secret,
                const char *redirect_uri)
{
  ProviderSim *sim = provider_sim_new ("Google", client_id, client_secret, redirect_uri);

  provider_sim_handle (sim, "/o/oauth2/v2/auth", on_auth);
  provider_sim_handle (sim, "/o/oauth2/auth", on_auth);
  provider_sim_handle (sim, "/token", on_token);
  provider_sim_handle (sim, "/o/oauth2/token", on_token);
  provider_sim_handle (sim, "/v1/userinfo", on_userinfo);
  provider_sim_handle (sim, "/oauth2/v3/userinfo", on_userinfo);
  provider_sim_handle (sim, "/oauth2/v2/userinfo", on_userinfo);
  return sim;
}
