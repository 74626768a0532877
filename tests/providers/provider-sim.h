/* provider-sim.h — a simulated OAuth 2.0 provider on 127.0.0.1, for the tests of the provider
 * presets (tests/providers/test-providers.c).
 *
 * What every provider has in common lives here: a SoupServer, one registered client (its id,
 * secret and redirect URL), the consent page a user allows, and the codes, access tokens and
 * refresh tokens issued, in memory, with their state. What a provider's documentation says it
 * does with them (which parameters its endpoints take, which client authentication, which body
 * encodings, which status codes and error shapes, whether refresh tokens rotate) is written in
 * that provider's own file, sim-PROVIDER.c, from its documentation only: never from what Flows
 * Studio sends.
 *
 * Like the sandbox provider (docs/ARCHITECTURE.md, "The sandbox provider"), this links none of
 * the code under test, so that both sides cannot agree on the same mistake.
 *
 * The knobs act as the provider would on its side: a user revoking the App's access (refresh or
 * access tokens), an access token reaching its end of life, a code that someone already
 * redeemed, a request the provider fails.
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _ProviderSim ProviderSim;

/* What the user allowed: the scopes granted and whatever else of the authorisation request the
 * provider keeps with the grant (Google's access_type, Atlassian's audience, …). Owned by the
 * simulation, alive as long as it is. */
typedef struct
{
  char       *scope;
  /* Whether the provider issues a refresh token with this grant's tokens. */
  gboolean    offline;
  /* The authorisation request's parameters, as the browser sent them. */
  GHashTable *request;
} ProviderSimGrant;

/* What a token or code presented to the provider turns out to be. */
typedef enum
{
  PROVIDER_SIM_VALID,
  PROVIDER_SIM_UNKNOWN,
  PROVIDER_SIM_EXPIRED,
  PROVIDER_SIM_REVOKED,
  /* A code redeemed before, a refresh token replaced by a rotation. */
  PROVIDER_SIM_USED,
} ProviderSimState;

/* A code, as the token endpoint sees it. */
typedef struct
{
  ProviderSimGrant *grant;
  char             *redirect_uri;
  char             *code_challenge;        /* NULL: the request had none */
  char             *code_challenge_method;
} ProviderSimCode;

/* A handler of one of the provider's endpoints; @path is the request's (decoded) path. */
typedef void (*ProviderSimHandler) (ProviderSim       *sim,
                                    SoupServerMessage *msg,
                                    const char        *path);

/* A provider named @name (for the consent page and the test's log) with one registered client. */
ProviderSim      *provider_sim_new          (const char         *name,
                                             const char         *client_id,
                                             const char         *client_secret,
                                             const char         *redirect_uri);
void              provider_sim_free         (ProviderSim        *sim);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProviderSim, provider_sim_free)

/* "http://127.0.0.1:PORT", no trailing slash. */
const char       *provider_sim_get_url      (ProviderSim        *sim);
/* @url with its scheme, host and port replaced by the simulation's: the provider's documented
 * endpoint, served here. Anything else (path, query, a `<Reference>`) is kept as it is. */
char             *provider_sim_rebase       (ProviderSim        *sim,
                                             const char         *url);
const char       *provider_sim_get_client_id     (ProviderSim   *sim);
const char       *provider_sim_get_client_secret (ProviderSim   *sim);
const char       *provider_sim_get_redirect_uri  (ProviderSim   *sim);

/* Serves @path and everything below it with @handler. */
void              provider_sim_handle       (ProviderSim        *sim,
                                             const char         *path,
                                             ProviderSimHandler  handler);

/* The authorisation endpoint ------------------------------------------------------------- */

/* After the provider's own checks of an authorisation request: its consent page. Allow sends
 * the browser to @redirect_uri with a new code for @grant (which the simulation takes), @state
 * (NULL: none) and @extra (a form-encoded string the provider adds, NULL: none); Deny sends
 * error=access_denied. The page's form has a hidden "request" field and the buttons
 * id="allow" and id="deny" (name "decision"). */
void              provider_sim_show_consent (ProviderSim        *sim,
                                             SoupServerMessage  *msg,
                                             ProviderSimGrant   *grant,
                                             const char         *redirect_uri,
                                             const char         *state,
                                             const char         *code_challenge,
                                             const char         *code_challenge_method,
                                             const char         *extra);
/* A new grant of @scope with the request's parameters (@query, copied). */
ProviderSimGrant *provider_sim_grant_new    (ProviderSim        *sim,
                                             const char         *scope,
                                             gboolean            offline,
                                             GHashTable         *query);
/* The request's query, decoded (empty without one). */
GHashTable       *provider_sim_query        (SoupServerMessage  *msg);
/* The provider's own error page: no redirect back to the client. */
void              provider_sim_error_page   (SoupServerMessage  *msg,
                                             guint               status,
                                             const char         *title,
                                             const char         *text);
/* An error sent back to the client on its redirect URL (RFC 6749 §4.1.2.1). */
void              provider_sim_redirect_error (SoupServerMessage *msg,
                                               const char        *redirect_uri,
                                               const char        *state,
                                               const char        *error,
                                               const char        *description);

/* The token endpoint --------------------------------------------------------------------- */

/* The request body as a form (NULL unless its type is application/x-www-form-urlencoded) or as
 * a JSON object (NULL unless application/json with an object). */
GHashTable       *provider_sim_form_body    (SoupServerMessage  *msg);
JsonObject       *provider_sim_json_body    (SoupServerMessage  *msg);
/* The client id and secret of an "Authorization: Basic" header, decoded as RFC 6749 §2.3.1
 * says (base64, then each part form-urlencoded). FALSE without one. */
gboolean          provider_sim_basic_auth   (SoupServerMessage  *msg,
                                             char              **client_id,
                                             char              **client_secret);
/* The client credentials of a provider that takes either HTTP Basic (client_secret_basic) or
 * client_id and client_secret in the form body (client_secret_post): the header when there is
 * one, else the body's (NULL where absent). */
void              provider_sim_basic_or_body_client (SoupServerMessage *msg,
                                                     GHashTable        *form,
                                                     char             **client_id,
                                                     char             **client_secret);
/* Whether @client_id and @client_secret are the registered client's (constant time). */
gboolean          provider_sim_client_is    (ProviderSim        *sim,
                                             const char         *client_id,
                                             const char         *client_secret);
/* Redeems @code: VALID once (@out gets it, owned by the simulation), USED afterwards. */
ProviderSimState  provider_sim_redeem_code  (ProviderSim        *sim,
                                             const char         *code,
                                             const ProviderSimCode **out);
/* RFC 7636 §4.6: whether @verifier matches the code's challenge (TRUE when it had none and no
 * verifier came). */
gboolean          provider_sim_pkce_ok      (const ProviderSimCode *code,
                                             const char         *verifier);
/* A new access or refresh token for @grant, starting with @prefix (the provider's own, such as
 * Slack's "xoxb-"). An access token lives until the knobs end it, whatever the expires_in that
 * the provider's reply says, so that no test depends on time passing. */
const char       *provider_sim_issue_access_token  (ProviderSim      *sim,
                                                    ProviderSimGrant *grant,
                                                    const char       *prefix);
const char       *provider_sim_issue_refresh_token (ProviderSim      *sim,
                                                    ProviderSimGrant *grant,
                                                    const char       *prefix);
/* Uses a refresh token: VALID gives its grant; with @rotate the token is USED afterwards (the
 * provider issues a new one). */
ProviderSimState  provider_sim_use_refresh_token   (ProviderSim      *sim,
                                                    const char       *refresh_token,
                                                    gboolean          rotate,
                                                    ProviderSimGrant **grant);

/* Ends the access tokens issued so far for @grant (a provider that ends them at a refresh). */
void              provider_sim_revoke_grant_access_tokens (ProviderSim      *sim,
                                                           ProviderSimGrant *grant);

/* The API ------------------------------------------------------------------------------- */

/* The access token of the request's "Authorization" header, with @scheme ("Bearer", compared
 * without case) or, when @other_scheme is not NULL, with that one. UNKNOWN without a header. */
ProviderSimState  provider_sim_check_token  (ProviderSim        *sim,
                                             SoupServerMessage  *msg,
                                             const char         *other_scheme,
                                             ProviderSimGrant  **grant);

/* Replies ------------------------------------------------------------------------------- */

void              provider_sim_reply        (SoupServerMessage  *msg,
                                             guint               status,
                                             const char         *content_type,
                                             const char         *body);
/* A JSON reply; @format is printf's, the values put in it must need no JSON escaping. */
void              provider_sim_reply_json   (SoupServerMessage  *msg,
                                             guint               status,
                                             const char         *format,
                                             ...) G_GNUC_PRINTF (3, 4);
/* The value of @key in @form or @object as a string (NULL when absent or not a string). */
const char       *provider_sim_param        (GHashTable         *form,
                                             JsonObject         *object,
                                             const char         *key);
/* The value of a header of the request (NULL when absent). */
const char       *provider_sim_header       (SoupServerMessage  *msg,
                                             const char         *name);

/* Notes @fact about the user and this client (what the provider remembers between sign-ins,
 * such as an access already allowed); returns whether it was noted before. Revoking the refresh
 * tokens (the user removing the App's access) forgets every fact. */
gboolean          provider_sim_note         (ProviderSim        *sim,
                                             const char         *fact);

/* Knobs --------------------------------------------------------------------------------- */

/* Every access token issued so far is past its end of life. */
void              provider_sim_expire_access_tokens  (ProviderSim *sim);
/* The user revoked the App's access: every access token, or every refresh token, issued so
 * far is refused. */
void              provider_sim_revoke_access_tokens  (ProviderSim *sim);
void              provider_sim_revoke_refresh_tokens (ProviderSim *sim);
/* The next code issued counts as redeemed already (a code used twice). */
void              provider_sim_spoil_next_code       (ProviderSim *sim);
/* The next request of any kind is answered with @status and @body (of @content_type) instead. */
void              provider_sim_break_next_request    (ProviderSim *sim,
                                                      guint        status,
                                                      const char  *content_type,
                                                      const char  *body);

/* What happened ------------------------------------------------------------------------- */

/* How many requests came to paths that start with @path_prefix. */
guint             provider_sim_count_requests (ProviderSim  *sim,
                                               const char   *path_prefix);
/* What the provider would make of @refresh_token now. */
ProviderSimState  provider_sim_refresh_token_state  (ProviderSim *sim,
                                                     const char  *refresh_token);
/* How many refresh tokens were issued. */
guint             provider_sim_count_refresh_tokens (ProviderSim *sim);

/* The providers (sim-PROVIDER.c): each with its registered client. --------------------- */

typedef ProviderSim *(*ProviderSimNew) (const char *client_id,
                                        const char *client_secret,
                                        const char *redirect_uri);

ProviderSim *sim_github_new     (const char *client_id, const char *client_secret, const char *redirect_uri);
ProviderSim *sim_google_new     (const char *client_id, const char *client_secret, const char *redirect_uri);
ProviderSim *sim_microsoft_new  (const char *client_id, const char *client_secret, const char *redirect_uri);
ProviderSim *sim_slack_new      (const char *client_id, const char *client_secret, const char *redirect_uri);
ProviderSim *sim_notion_new     (const char *client_id, const char *client_secret, const char *redirect_uri);
ProviderSim *sim_atlassian_new  (const char *client_id, const char *client_secret, const char *redirect_uri);
ProviderSim *sim_dropbox_new    (const char *client_id, const char *client_secret, const char *redirect_uri);
ProviderSim *sim_salesforce_new (const char *client_id, const char *client_secret, const char *redirect_uri);

G_END_DECLS
