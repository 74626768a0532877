/* flows-oauth.h — the pieces of OAuth 2.0 sign-in that do not depend on a browser
 * (docs/ARCHITECTURE.md, "OAuth sequence"):
 * state and PKCE from the OS random source, matching and reading the provider's redirect,
 * reading and storing tokens, and refreshing them once for everyone who waits.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "flows-app.h"
#include "flows-connection.h"
#include "flows-library.h"
#include "flows-run.h"

G_BEGIN_DECLS

#define FLOWS_OAUTH_ERROR (flows_oauth_error_quark ())

typedef enum {
  FLOWS_OAUTH_ERROR_RANDOM,             /* the OS random source failed */
  FLOWS_OAUTH_ERROR_NO_FLOW,            /* the App lacks a role flow */
  FLOWS_OAUTH_ERROR_STEP_FAILED,        /* a role flow failed */
  FLOWS_OAUTH_ERROR_BAD_AUTHORIZE_URL,  /* Step 1 returned no http(s) authorizeUrl */
  FLOWS_OAUTH_ERROR_PROVIDER,           /* the provider answered error= */
  FLOWS_OAUTH_ERROR_STATE_MISMATCH,     /* state missing or different */
  FLOWS_OAUTH_ERROR_NO_CODE,
  FLOWS_OAUTH_ERROR_NO_ACCESS_TOKEN,
  FLOWS_OAUTH_ERROR_BAD_TOKEN_RESPONSE, /* e.g. expires_in that is not a number */
  FLOWS_OAUTH_ERROR_NEEDS_SIGN_IN,      /* refresh refused (invalid_grant): sign in again */
  FLOWS_OAUTH_ERROR_BAD_REDIRECT_URL,
  FLOWS_OAUTH_ERROR_TIMED_OUT,
  FLOWS_OAUTH_ERROR_PROVIDER_ERROR_PAGE, /* the browser stopped on the provider's own error page */
} FlowsOAuthError;

/* A token that expires within this many seconds is refreshed before it is used. */
#define FLOWS_OAUTH_REFRESH_MARGIN 60

GQuark      flows_oauth_error_quark          (void);

/* @n_bytes from getrandom(2), base64url without padding. */
char       *flows_oauth_random_string        (gsize        n_bytes,
                                              GError     **error);
/* BASE64URL(SHA256(verifier)), RFC 7636 S256. */
char       *flows_oauth_code_challenge       (const char  *verifier);
/* Compares in time that depends only on the lengths, not on where the strings differ. */
gboolean    flows_oauth_equal_constant_time  (const char  *a,
                                              const char  *b);

/* TRUE when @uri has the scheme, host, port and path of @redirect_url (not a prefix match; a
 * URI with user information never matches). */
gboolean    flows_oauth_redirect_matches     (const char  *redirect_url,
                                              const char  *uri);
/* The fields of a redirect: its query, then its fragment, each decoded exactly once. */
GHashTable *flows_oauth_parse_callback       (const char  *uri,
                                              GError     **error);
/* Checks a callback: an error from the provider, a missing or different state, a missing code. */
gboolean    flows_oauth_check_callback       (GHashTable  *fields,
                                              const char  *expected_state,
                                              GError     **error);

/* Reads the tokens from a finished Step 2 or Step 3 run and stores them: the tokens in the
 * keyring (a refresh token only when the provider sent one, so an old one is kept otherwise),
 * expiry and scope in @connection, which is saved through @library when given. */
void        flows_oauth_store_tokens_async   (FlowsApp            *app,
                                              FlowsConnection     *connection,
                                              FlowsLibrary        *library,
                                              FlowsRun            *run,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
/* Returns the new access token; free with flows_secrets_free(). */
char       *flows_oauth_store_tokens_finish  (GAsyncResult        *result,
                                              GError             **error);

/* The provider's answer in a run of a role flow: the last trace entry with a response body (a
 * Call API's), or NULL. The one reader of what a token endpoint said, for every message. */
FlowsTraceEntry *flows_oauth_find_provider_answer (FlowsRun  *run);
/* The provider's OAuth error in that answer (RFC 6749 §5.2: "error" and "error_description"),
 * as the trace has it (redacted); FALSE when the answer has no "error" string. */
gboolean    flows_oauth_read_provider_error  (FlowsRun            *run,
                                              const char         **code,
                                              const char         **description);

/* Records a finished Connection Test on @connection, as the app and flows-cli both do: its
 * verdict (flows_run_judge_connection_test) as the last test and, when the flow ended saying
 * the connection must sign in again (an End With Error stage with "needsSignIn", for a token
 * the provider revoked), that the connection needs sign-in. Returns whether it passed; the
 * verdict's words go to @message. The caller saves the connection. */
gboolean    flows_oauth_record_connection_test (FlowsConnection  *connection,
                                                FlowsRun         *run,
                                                char            **message);

/* TRUE when the connection's access token expires within FLOWS_OAUTH_REFRESH_MARGIN. */
gboolean    flows_oauth_token_needs_refresh  (FlowsConnection     *connection);

/* Removes the tokens from the keyring and marks the connection signed out. */
void        flows_oauth_sign_out_async       (FlowsConnection     *connection,
                                              FlowsLibrary        *library,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean    flows_oauth_sign_out_finish      (GAsyncResult        *result,
                                              GError             **error);

G_END_DECLS
