/* flows-sandbox-provider.h — a small OAuth 2.0 authorization server on loopback
 * (docs/ARCHITECTURE.md, "The sandbox provider").
 *
 * It lets a newcomer sign in end to end without an account anywhere or a network, and lets the
 * tests make a provider misbehave on purpose (FlowsSandboxFault). It listens on 127.0.0.1 only,
 * knows one confidential client (FLOWS_SANDBOX_CLIENT_ID / FLOWS_SANDBOX_CLIENT_SECRET) and one
 * user (FLOWS_SANDBOX_USER_NAME / FLOWS_SANDBOX_PASSWORD), and keeps everything in memory.
 *
 * Endpoints, relative to flows_sandbox_provider_get_base_url():
 *   GET  /authorize   RFC 6749 §4.1.1 with PKCE S256 required (RFC 7636). Any http redirect URI
 *                     on 127.0.0.1, [::1] or localhost is accepted (RFC 8252 §7.3). Shows the
 *                     sign-in page, then the consent page, then redirects with code and state.
 *                     The pages' controls, for tests that fill them in a browser: inputs
 *                     #username and #password with button #sign-in; buttons #allow and #deny.
 *   POST /token       authorization_code and refresh_token grants; client_secret_post or
 *                     client_secret_basic; errors as RFC 6749 §5.2.
 *   GET  /userinfo    the user's claims for a Bearer access token (RFC 6750).
 *   GET  /.well-known/oauth-authorization-server   RFC 8414 metadata.
 *
 * Authorization codes live 60 seconds and work once; using one twice revokes every token that
 * came from it (RFC 6749 §10.5). The server runs on the thread-default main context of the
 * caller of flows_sandbox_provider_start().
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FLOWS_SANDBOX_CLIENT_ID     "flows-studio-sandbox"
#define FLOWS_SANDBOX_CLIENT_SECRET "sandbox-secret"
#define FLOWS_SANDBOX_USER_NAME     "demo"
#define FLOWS_SANDBOX_PASSWORD      "demo"
#define FLOWS_SANDBOX_DEFAULT_PORT  8977

#define FLOWS_SANDBOX_AUTHORIZE_PATH "/authorize"
#define FLOWS_SANDBOX_TOKEN_PATH     "/token"
#define FLOWS_SANDBOX_USERINFO_PATH  "/userinfo"
#define FLOWS_SANDBOX_METADATA_PATH  "/.well-known/oauth-authorization-server"

/* What the provider gets wrong on purpose. The redirect faults (ACCESS_DENIED, WRONG_STATE,
 * MISSING_CODE, SPECIAL_CHARACTER_CODES) act where the user would be sent back: at once with
 * auto-consent, else after sign-in and Allow. The token faults act on every /token request,
 * before the request is checked; INVALID_GRANT_ON_REFRESH on refresh_token grants only. */
typedef enum {
  FLOWS_SANDBOX_FAULT_NONE,
  /* error=access_denied&error_description=The+user+denied+access&state=… */
  FLOWS_SANDBOX_FAULT_ACCESS_DENIED,
  /* a valid code with a state other than the one sent */
  FLOWS_SANDBOX_FAULT_WRONG_STATE,
  /* the state without a code */
  FLOWS_SANDBOX_FAULT_MISSING_CODE,
  /* 500 with a JSON error body */
  FLOWS_SANDBOX_FAULT_TOKEN_SERVER_ERROR,
  /* 200 with a text/html page */
  FLOWS_SANDBOX_FAULT_TOKEN_HTML,
  /* "expires_in": "3600", a string */
  FLOWS_SANDBOX_FAULT_EXPIRES_IN_STRING,
  /* codes with '+', '/' and '=' (percent-encoded in the redirect, still valid) */
  FLOWS_SANDBOX_FAULT_SPECIAL_CHARACTER_CODES,
  /* 400 {"error":"invalid_grant","error_description":"The refresh token has expired"} */
  FLOWS_SANDBOX_FAULT_INVALID_GRANT_ON_REFRESH,
} FlowsSandboxFault;

GType flows_sandbox_fault_get_type (void);
#define FLOWS_TYPE_SANDBOX_FAULT (flows_sandbox_fault_get_type ())

#define FLOWS_TYPE_SANDBOX_PROVIDER (flows_sandbox_provider_get_type ())
G_DECLARE_FINAL_TYPE (FlowsSandboxProvider, flows_sandbox_provider, FLOWS, SANDBOX_PROVIDER, GObject)

FlowsSandboxProvider *flows_sandbox_provider_new                       (void);

/* Listens on 127.0.0.1:@port, or on any free port when @port is 0. A port in use fails with
 * G_IO_ERROR_ADDRESS_IN_USE. */
gboolean              flows_sandbox_provider_start                     (FlowsSandboxProvider  *self,
                                                                        guint                  port,
                                                                        GError               **error);
/* Closes the listener and every connection; issued codes and tokens are kept. */
void                  flows_sandbox_provider_stop                      (FlowsSandboxProvider  *self);
/* The listening port, 0 when stopped. */
guint                 flows_sandbox_provider_get_port                  (FlowsSandboxProvider  *self);
/* "http://127.0.0.1:PORT", NULL when stopped. */
char                 *flows_sandbox_provider_get_base_url              (FlowsSandboxProvider  *self);

/* How many requests arrived: "authorize" (GET /authorize), "token" (/token requests other than
 * refreshes, i.e. code exchanges), "refresh" (refresh_token grants), "userinfo". Counted on
 * arrival, before any fault, delay or check. */
guint                 flows_sandbox_provider_get_request_count         (FlowsSandboxProvider  *self,
                                                                        const char            *endpoint);

gboolean              flows_sandbox_provider_get_auto_consent          (FlowsSandboxProvider  *self);
void                  flows_sandbox_provider_set_auto_consent          (FlowsSandboxProvider  *self,
                                                                        gboolean               auto_consent);
gboolean              flows_sandbox_provider_get_rotate_refresh_tokens (FlowsSandboxProvider  *self);
void                  flows_sandbox_provider_set_rotate_refresh_tokens (FlowsSandboxProvider  *self,
                                                                        gboolean               rotate);
/* In seconds; 0 makes tokens that have already expired. */
guint                 flows_sandbox_provider_get_access_token_lifetime (FlowsSandboxProvider  *self);
void                  flows_sandbox_provider_set_access_token_lifetime (FlowsSandboxProvider  *self,
                                                                        guint                  seconds);
/* In milliseconds, before /token looks at a request. A request whose client gives up during
 * the delay has no effect. */
guint                 flows_sandbox_provider_get_token_delay           (FlowsSandboxProvider  *self);
void                  flows_sandbox_provider_set_token_delay           (FlowsSandboxProvider  *self,
                                                                        guint                  milliseconds);
FlowsSandboxFault     flows_sandbox_provider_get_fault                 (FlowsSandboxProvider  *self);
void                  flows_sandbox_provider_set_fault                 (FlowsSandboxProvider  *self,
                                                                        FlowsSandboxFault      fault);

G_END_DECLS
