/* flows-sign-in.h — one OAuth sign-in attempt for a connection (docs/ARCHITECTURE.md,
 * "OAuth sequence").
 *
 * start() makes the state and the PKCE verifier and runs Step 1 for the authorisation URL; the
 * caller shows that URL in a browser and hands back the redirect it captured to complete(),
 * which checks it, runs Step 2 and stores the tokens. The browser is not part of this class:
 * the app uses an embedded WebKit view, flows-cli and the "system browser" choice use
 * with_system_browser().
 */
#pragma once

#include <gio/gio.h>

#include "flows-library.h"
#include "flows-runner.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_SIGN_IN (flows_sign_in_get_type ())
G_DECLARE_FINAL_TYPE (FlowsSignIn, flows_sign_in, FLOWS, SIGN_IN, GObject)

/* @library, when given, saves the connection once the tokens are stored. */
FlowsSignIn *flows_sign_in_new                       (FlowsRunner          *runner,
                                                      FlowsLibrary         *library,
                                                      FlowsApp             *app,
                                                      FlowsConnection      *connection);
FlowsConnection *flows_sign_in_get_connection        (FlowsSignIn          *self);
/* The authorisation URL of the attempt once Step 1 returned it (the "authorize-url" property
 * says when), else NULL. */
const char  *flows_sign_in_get_authorize_url         (FlowsSignIn          *self);
/* TRUE when @uri is the redirect this attempt waits for (scheme, host, port and path). */
gboolean     flows_sign_in_is_redirect               (FlowsSignIn          *self,
                                                      const char           *uri);

void         flows_sign_in_start_async               (FlowsSignIn          *self,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
/* The authorisation URL to open. */
char        *flows_sign_in_start_finish              (FlowsSignIn          *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

void         flows_sign_in_complete_async            (FlowsSignIn          *self,
                                                      const char           *redirect_uri,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
gboolean     flows_sign_in_complete_finish           (FlowsSignIn          *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

/* Keeps @error as the connection's latest sign-in failure, with the time, and saves the
 * connection (a cancelled attempt is no failure and is not kept). A sign-in that succeeds
 * clears it, and marks the connection's last Test as from before it. */
void         flows_sign_in_record_failure            (FlowsSignIn          *self,
                                                      const GError         *error);

/* Where @app's provider is, as @connection would sign in to it: the values of the App's URL
 * parameters, the connection's or else their defaults (only the defaults when @connection is
 * NULL). Empty values are left out; free with g_strfreev(). */
char       **flows_sign_in_list_provider_urls        (FlowsApp             *app,
                                                      FlowsConnection      *connection);

/* The whole sign-in with the default browser: listens once on the loopback redirect URL,
 * opens the authorisation URL, completes with what comes back (or times out). */
void         flows_sign_in_with_system_browser_async (FlowsSignIn          *self,
                                                      guint                 timeout_seconds,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
gboolean     flows_sign_in_with_system_browser_finish (FlowsSignIn         *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

G_END_DECLS
