/* sim-slack.c — Slack's OAuth v2 ("Sign in with Slack" aside) and the Web API's auth.test, as
 * Slack documents them, for an app without token rotation (its default):
 *
 *   https://api.slack.com/authentication/oauth-v2
 *   https://api.slack.com/methods/oauth.v2.access
 *   https://api.slack.com/methods/auth.test
 *   https://api.slack.com/web (HTTP 200 and "ok" for every method; tokens in the
 *     Authorization header)
 *
 * - GET /oauth/v2/authorize (slack.com): client_id, scope (bot scopes) and user_scope (user
 *   scopes), each COMMA-separated, redirect_uri (a configured Redirect URL or below it), state,
 *   team. An unknown client_id or a redirect_uri that matches no configured one stops on
 *   Slack's own page.
 * - POST /api/oauth.v2.access, form-encoded: code, redirect_uri, and the client credentials,
 *   preferably as HTTP Basic, else client_id and client_secret in the body. Always HTTP 200:
 *   {"ok":true,"access_token":"xoxb-…","token_type":"bot","scope":…,"bot_user_id":…,
 *   "app_id":…,"team":{…},"enterprise":null,"authed_user":{"id":…,"scope":…,
 *   "access_token":"xoxp-…","token_type":"user"}} (no top-level token without bot scopes, no
 *   user token without user scopes), or {"ok":false,"error":"invalid_code"} (a code used
 *   twice), "bad_client_secret", "invalid_client_id", "bad_redirect_uri". Without token
 *   rotation, tokens do not expire and no refresh token is issued; a refresh request gets
 *   {"ok":false,"error":"invalid_refresh_token"}.
 * - auth.test (GET or POST /api/auth.test), always HTTP 200: {"ok":true,"url":…,"team":…,
 *   "user":…,"team_id":…,"user_id":…}, or ok:false with "not_authed" (no token),
 *   "invalid_auth", "token_revoked", "token_expired".
 */
#include "config.h"

#include <string.h>

#include "provider-sim.h"

static void
reply_error (SoupServerMessage *msg,
             const char        *error)
{
  provider_sim_reply_json (msg, SOUP_STATUS_OK, "{\"ok\":false,\"error\":\"%s\"}", error);
}

static gboolean
redirect_uri_matches (const char *registered,
                      const char *asked)
{
  return asked != NULL && g_str_has_prefix (asked, registered);
}

static gboolean
is_scope_list (const char *list)
{
  /* Scope names have letters, digits, ':' and '.'; the list separates them with commas. */
  return list == NULL || strspn (list, "abcdefghijklmnopqrstuvwxyz0123456789:._,") == strlen (list);
}

static void
on_authorize (ProviderSim       *sim,
              SoupServerMessage *msg,
              const char        *path)
{
  g_autoptr(GHashTable) query = provider_sim_query (msg);
  const char *redirect_uri = g_hash_table_lookup (query, "redirect_uri");
  const char *scope = g_hash_table_lookup (query, "scope");
  const char *user_scope = g_hash_table_lookup (query, "user_scope");
  g_autofree char *both = NULL;

  (void) path;
  if (g_strcmp0 (g_hash_table_lookup (query, "client_id"), provider_sim_get_client_id (sim)) != 0)
    {
      provider_sim_error_page (msg, SOUP_STATUS_BAD_REQUEST, "Slack", "Oops! Something went wrong. Invalid client_id parameter");
      return;
    }
  if (redirect_uri == NULL)
    redirect_uri = provider_sim_get_redirect_uri (sim);
  else if (!redirect_uri_matches (provider_sim_get_redirect_uri (sim), redirect_uri))
    {
      provider_sim_error_page (msg, SOUP_STATUS_BAD_REQUEST, "Slack", "Oops! Something went wrong. redirect_uri did not match any configured URIs.");
      return;
    }
  if ((scope == NULL || *scope == '\0') && (user_scope == NULL || *user_scope == '\0'))
    {
      provider_sim_error_page (msg, SOUP_STATUS_BAD_REQUEST, "Slack", "Oops! Something went wrong. Missing scope.");
      return;
    }
  if (!is_scope_list (scope) || !is_scope_list (user_scope))
    {
      provider_sim_redirect_error (msg, redirect_uri, g_hash_table_lookup (query, "state"), "invalid_scope", NULL);
      return;
    }

  both = g_strdup_printf ("%s|%s", scope != NULL ? scope : "", user_scope != NULL ? user_scope : "");
  provider_sim_show_consent (sim, msg, provider_sim_grant_new (sim, both, FALSE, query), redirect_uri,
                             g_hash_table_lookup (query, "state"), NULL, NULL, NULL);
}

static void
on_access (ProviderSim       *sim,
           SoupServerMessage *msg,
           const char        *path)
{
  g_autoptr(GHashTable) form = provider_sim_form_body (msg);
  g_autofree char *client_id = NULL;
  g_autofree char *client_secret = NULL;
  const char *redirect_uri;
  const ProviderSimCode *code = NULL;
  g_auto(GStrv) scopes = NULL;
  g_autofree char *bot = NULL;
  g_autofree char *user = NULL;

  (void) path;
  if (form == NULL)
    form = g_hash_table_new (g_str_hash, g_str_equal);
  provider_sim_basic_or_body_client (msg, form, &client_id, &client_secret);
  if (g_strcmp0 (client_id, provider_sim_get_client_id (sim)) != 0)
    {
      reply_error (msg, "invalid_client_id");
      return;
    }
  if (!provider_sim_client_is (sim, client_id, client_secret))
    {
      reply_error (msg, "bad_client_secret");
      return;
    }
  if (g_strcmp0 (g_hash_table_lookup (form, "grant_type"), "refresh_token") == 0)
    {
      /* No token rotation: there is no refresh token to use. */
      reply_error (msg, "invalid_refresh_token");
      return;
    }
  if (provider_sim_redeem_code (sim, g_hash_table_lookup (form, "code"), &code) != PROVIDER_SIM_VALID)
    {
      reply_error (msg, "invalid_code");
      return;
    }
  redirect_uri = g_hash_table_lookup (form, "redirect_uri");
  if (g_strcmp0 (redirect_uri, code->redirect_uri) != 0)
    {
      reply_error (msg, "bad_redirect_uri");
      return;
    }

  scopes = g_strsplit (code->grant->scope, "|", 2);
  if (*scopes[0] != '\0')
    bot = g_strdup_printf ("\"access_token\":\"%s\",\"token_type\":\"bot\",\"scope\":\"%s\",\"bot_user_id\":\"U0KRQLJ9H\",",
                           provider_sim_issue_access_token (sim, code->grant, "xoxb-"), scopes[0]);
  if (*scopes[1] != '\0')
    user = g_strdup_printf (",\"scope\":\"%s\",\"access_token\":\"%s\",\"token_type\":\"user\"",
                            scopes[1], provider_sim_issue_access_token (sim, code->grant, "xoxp-"));
  provider_sim_reply_json (msg, SOUP_STATUS_OK,
                           "{\"ok\":true,%s\"app_id\":\"A0KRD7HC3\",\"team\":{\"name\":\"Slack Softball Team\",\"id\":\"T9TK3CUKW\"},"
                           "\"enterprise\":null,\"is_enterprise_install\":false,\"authed_user\":{\"id\":\"U1234\"%s}}",
                           bot != NULL ? bot : "", user != NULL ? user : "");
}

static void
on_auth_test (ProviderSim       *sim,
              SoupServerMessage *msg,
              const char        *path)
{
  const char *header = provider_sim_header (msg, "Authorization");
  g_autoptr(GHashTable) form = provider_sim_form_body (msg);
  g_autofree char *bearer = NULL;
  const char *token = NULL;
  ProviderSimState state;

  (void) path;
  /* The token: in the Authorization header, or as the "token" argument. */
  if (header != NULL && g_ascii_strncasecmp (header, "Bearer ", 7) == 0)
    token = header + 7;
  else if (form != NULL)
    token = g_hash_table_lookup (form, "token");
  if (token == NULL || *token == '\0')
    {
      reply_error (msg, "not_authed");
      return;
    }
  bearer = g_strconcat ("Bearer ", token, NULL);
  soup_message_headers_replace (soup_server_message_get_request_headers (msg), "Authorization", bearer);
  state = provider_sim_check_token (sim, msg, NULL, NULL);
  if (state == PROVIDER_SIM_REVOKED)
    reply_error (msg, "token_revoked");
  else if (state == PROVIDER_SIM_EXPIRED)
    reply_error (msg, "token_expired");
  else if (state != PROVIDER_SIM_VALID)
    reply_error (msg, "invalid_auth");
  else
    provider_sim_reply_json (msg, SOUP_STATUS_OK,
                             "{\"ok\":true,\"url\":\"https://subarachnoid.slack.com/\",\"team\":\"Subarachnoid Workspace\","
                             "\"user\":\"grace\",\"team_id\":\"T12345678\",\"user_id\":\"W12345678\"}");
}

ProviderSim *
sim_slack_new (const char *client_id,
               const char *client_secret,
               const char *redirect_uri)
{
  ProviderSim *sim = provider_sim_new ("Slack", client_id, client_secret, redirect_uri);

  provider_sim_handle (sim, "/oauth/v2/authorize", on_authorize);
  provider_sim_handle (sim, "/api/oauth.v2.access", on_access);
  provider_sim_handle (sim, "/api/auth.test", on_auth_test);
  return sim;
}
