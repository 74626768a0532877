/* sim-github.c — GitHub's OAuth web application flow for a GitHub App with user access tokens
 * that expire, as GitHub documents it:
 *
 *   https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
 *   https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-user-access-token-for-a-github-app
 *   https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens
 *   https://docs.github.com/en/apps/oauth-apps/maintaining-oauth-apps/troubleshooting-oauth-app-access-token-request-errors
 *   https://docs.github.com/en/apps/oauth-apps/maintaining-oauth-apps/troubleshooting-authorization-request-errors
 *   https://docs.github.com/en/rest/using-the-rest-api/getting-started-with-the-rest-api (User-Agent)
 *   https://docs.github.com/en/rest/users/users#get-the-authenticated-user
 *
 * - GET /login/oauth/authorize: client_id (required), redirect_uri (optional; its host and port
 *   must be the registered callback URL's and its path the callback's or below it), scope,
 *   state, code_challenge with code_challenge_method S256. An unknown client_id stops on
 *   GitHub's own page; a redirect_uri that does not match goes back to the registered callback
 *   URL with error=redirect_uri_mismatch.
 * - POST /login/oauth/access_token: client_id, client_secret, code, redirect_uri, code_verifier
 *   as parameters of the body; the reply is form-encoded unless "Accept: application/json"
 *   asks for JSON, errors included, and errors come with HTTP 200 (incorrect_client_credentials,
 *   redirect_uri_mismatch, bad_verification_code "The code passed is incorrect or expired.").
 *   The user access token expires after eight hours (expires_in 28800), with a refresh token
 *   valid six months (refresh_token_expires_in 15897600).
 * - The same endpoint with grant_type=refresh_token: a new access token AND a new refresh
 *   token; "Once you use a refresh token, that refresh token and the old user access token will
 *   no longer work". A wrong, used or revoked refresh token: bad_refresh_token, "The refresh
 *   token passed is incorrect or expired.".
 * - GET /user (api.github.com): "Authorization: Bearer" or "token"; no User-Agent header is
 *   refused with 403; a bad token with 401 {"message":"Bad credentials",…}.
 */
#include "config.h"

#include <string.h>

#include "provider-sim.h"

#define ACCESS_TOKEN_LIFETIME 28800
#define REFRESH_TOKEN_LIFETIME 15897600

/* GitHub's callback URL rule: same scheme, host and port, the path the same or below. */
static gboolean
redirect_uri_matches (const char *registered,
                      const char *asked)
{
  g_autoptr(GUri) a = g_uri_parse (registered, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GUri) b = g_uri_parse (asked, G_URI_FLAGS_NONE, NULL);
  const char *path;

  if (a == NULL || b == NULL ||
      g_strcmp0 (g_uri_get_scheme (a), g_uri_get_scheme (b)) != 0 ||
      g_strcmp0 (g_uri_get_host (a), g_uri_get_host (b)) != 0 ||
      g_uri_get_port (a) != g_uri_get_port (b))
    return FALSE;
  path = g_uri_get_path (a);
  return g_str_has_prefix (g_uri_get_path (b), path);
}

static void
on_authorize (ProviderSim       *sim,
              SoupServerMessage *msg,
              const char        *path)
{
  g_autoptr(GHashTable) params = provider_sim_query (msg);
  const char *client_id, *redirect_uri, *challenge, *method;

  (void) path;
  client_id = g_hash_table_lookup (params, "client_id");
  redirect_uri = g_hash_table_lookup (params, "redirect_uri");
  challenge = g_hash_table_lookup (params, "code_challenge");
  method = g_hash_table_lookup (params, "code_challenge_method");

  if (g_strcmp0 (client_id, provider_sim_get_client_id (sim)) != 0)
    {
      provider_sim_error_page (msg, SOUP_STATUS_NOT_FOUND, "Page not found", "This is not the web page you are looking for.");
      return;
    }
  if (redirect_uri == NULL)
    redirect_uri = provider_sim_get_redirect_uri (sim);
  else if (!redirect_uri_matches (provider_sim_get_redirect_uri (sim), redirect_uri))
    {
      provider_sim_redirect_error (msg, provider_sim_get_redirect_uri (sim), g_hash_table_lookup (params, "state"),
                                   "redirect_uri_mismatch",
                                   "The redirect_uri MUST match the registered callback URL for this application.");
      return;
    }
  /* PKCE: GitHub takes the S256 method only. */
  if (challenge != NULL && g_strcmp0 (method, "S256") != 0)
    {
      provider_sim_error_page (msg, SOUP_STATUS_BAD_REQUEST, "Error", "code_challenge_method must be S256.");
      return;
    }

  /* A GitHub App's permissions come from its settings, not from scope: the token's scope is
   * empty. Its user tokens expire, with a refresh token. */
  provider_sim_show_consent (sim, msg, provider_sim_grant_new (sim, "", TRUE, params), redirect_uri,
                             g_hash_table_lookup (params, "state"), challenge, method, NULL);
}

/* The token endpoint's reply, in the format that the Accept header asks for. */
static void
reply (SoupServerMessage *msg,
       const char        *first_key,
       ...)
{
  const char *accept = provider_sim_header (msg, "Accept");
  gboolean json = accept != NULL && strstr (accept, "application/json") != NULL;
  g_autoptr(GString) body = g_string_new (json ? "{" : "");
  const char *key = first_key;
  va_list args;

  va_start (args, first_key);
  while (key != NULL)
    {
      const char *value = va_arg (args, const char *);
      gboolean number = value[0] == '#';

      if (number)
        value++;
      if (json)
        g_string_append_printf (body, "%s\"%s\":%s%s%s", body->len > 1 ? "," : "", key,
                                number ? "" : "\"", value, number ? "" : "\"");
      else
        {
          g_autofree char *pair = soup_form_encode (key, value, NULL);

          g_string_append_printf (body, "%s%s", body->len > 0 ? "&" : "", pair);
        }
      key = va_arg (args, const char *);
    }
  va_end (args);
  if (json)
    g_string_append_c (body, '}');
  provider_sim_reply (msg, SOUP_STATUS_OK, json ? "application/json; charset=utf-8" : "application/x-www-form-urlencoded; charset=utf-8",
                      body->str);
}

#define NUMBER(n) ("#" G_STRINGIFY (n))

static void
reply_error (SoupServerMessage *msg,
             const char        *error,
             const char        *description)
{
  reply (msg, "error", error, "error_description", description,
         "error_uri", "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors",
         NULL);
}

static void
reply_tokens (ProviderSim       *sim,
              SoupServerMessage *msg,
              ProviderSimGrant  *grant)
{
  const char *access_token = provider_sim_issue_access_token (sim, grant, "ghu_");
  const char *refresh_token = provider_sim_issue_refresh_token (sim, grant, "ghr_");

  reply (msg, "access_token", access_token, "expires_in", NUMBER (ACCESS_TOKEN_LIFETIME),
         "refresh_token", refresh_token, "refresh_token_expires_in", NUMBER (REFRESH_TOKEN_LIFETIME),
         "scope", grant->scope, "token_type", "bearer", NULL);
}

static void
on_access_token (ProviderSim       *sim,
                 SoupServerMessage *msg,
                 const char        *path)
{
  g_autoptr(GHashTable) form = provider_sim_form_body (msg);
  g_autoptr(JsonObject) object = form == NULL ? provider_sim_json_body (msg) : NULL;
  const char *grant_type = provider_sim_param (form, object, "grant_type");
  const char *redirect_uri = provider_sim_param (form, object, "redirect_uri");
  const ProviderSimCode *code = NULL;
  ProviderSimGrant *grant = NULL;

  (void) path;
  if (strcmp (soup_server_message_get_method (msg), "POST") != 0)
    {
      provider_sim_reply (msg, SOUP_STATUS_NOT_FOUND, "text/plain", "Not Found");
      return;
    }
  if (!provider_sim_client_is (sim, provider_sim_param (form, object, "client_id"),
                               provider_sim_param (form, object, "client_secret")))
    {
      reply_error (msg, "incorrect_client_credentials", "The client_id and/or client_secret passed are incorrect.");
      return;
    }

  if (g_strcmp0 (grant_type, "refresh_token") == 0)
    {
      if (provider_sim_use_refresh_token (sim, provider_sim_param (form, object, "refresh_token"), TRUE, &grant) != PROVIDER_SIM_VALID)
        {
          reply_error (msg, "bad_refresh_token", "The refresh token passed is incorrect or expired.");
          return;
        }
      provider_sim_revoke_grant_access_tokens (sim, grant);
      reply_tokens (sim, msg, grant);
      return;
    }
  if (grant_type != NULL && strcmp (grant_type, "authorization_code") != 0)
    {
      reply_error (msg, "unsupported_grant_type", "The grant type is not supported.");
      return;
    }

  if (provider_sim_redeem_code (sim, provider_sim_param (form, object, "code"), &code) != PROVIDER_SIM_VALID ||
      !provider_sim_pkce_ok (code, provider_sim_param (form, object, "code_verifier")))
    {
      reply_error (msg, "bad_verification_code", "The code passed is incorrect or expired.");
      return;
    }
  if (redirect_uri != NULL && !redirect_uri_matches (provider_sim_get_redirect_uri (sim), redirect_uri))
    {
      reply_error (msg, "redirect_uri_mismatch", "The redirect_uri MUST match the registered callback URL for this application.");
      return;
    }
  reply_tokens (sim, msg, code->grant);
}

static void
on_user (ProviderSim       *sim,
         SoupServerMessage *msg,
         const char        *path)
{
  (void) path;
  if (provider_sim_header (msg, "User-Agent") == NULL)
    {
      provider_sim_reply (msg, SOUP_STATUS_FORBIDDEN, "text/plain; charset=utf-8",
                          "Request forbidden by administrative rules. Please make sure your request has a User-Agent header "
                          "(https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required). "
                          "Check https://developer.github.com for other possible causes.\n");
      return;
    }
  if (provider_sim_check_token (sim, msg, "token", NULL) != PROVIDER_SIM_VALID)
    {
      provider_sim_reply_json (msg, SOUP_STATUS_UNAUTHORIZED,
                               "{\"message\":\"Bad credentials\",\"documentation_url\":\"https://docs.github.com/rest\",\"status\":\"401\"}");
      return;
    }
  provider_sim_reply_json (msg, SOUP_STATUS_OK, "{\"login\":\"octocat\",\"id\":1,\"type\":\"User\",\"name\":\"The Octocat\"}");
}

ProviderSim *
sim_github_new (const char *client_id,
                const char *client_secret,
                const char *redirect_uri)
{
  ProviderSim *sim = provider_sim_new ("GitHub", client_id, client_secret, redirect_uri);

  provider_sim_handle (sim, "/login/oauth/authorize", on_authorize);
  provider_sim_handle (sim, "/login/oauth/access_token", on_access_token);
  provider_sim_handle (sim, "/user", on_user);
  return sim;
}
