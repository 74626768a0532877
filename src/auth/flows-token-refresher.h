/* flows-token-refresher.h — refreshing a connection's OAuth tokens through the App's Step 3 flow
 * (docs/ARCHITECTURE.md, "OAuth sequence", step 6).
 *
 * The token source of a runner: Call API stages of that runner ask it for a fresh access token
 * before they send one that is about to expire, and once after a 401. Every caller asking while
 * a refresh of the same connection is under way waits for that one, so a provider that rotates
 * refresh tokens never sees the same one twice. A refused refresh (invalid_grant) marks the
 * connection as needing sign-in with the provider's words (FLOWS_OAUTH_ERROR_NEEDS_SIGN_IN).
 */
#pragma once

#include <gio/gio.h>

#include "flows-library.h"
#include "flows-runner.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_TOKEN_REFRESHER (flows_token_refresher_get_type ())
G_DECLARE_FINAL_TYPE (FlowsTokenRefresher, flows_token_refresher, FLOWS, TOKEN_REFRESHER, GObject)

/* Makes a refresher that runs Step 3 flows on @runner and saves the connections whose tokens
 * change through @library (NULL: saves nothing), and makes it @runner's token source, which
 * owns it. Returns it (transfer none), to refresh with directly. */
FlowsTokenRefresher *flows_token_refresher_attach         (FlowsRunner          *runner,
                                                           FlowsLibrary         *library);

/* Refreshes @connection's tokens and stores them: the tokens in the keyring, the expiry in the
 * connection, saved through the library. */
void                 flows_token_refresher_refresh_async  (FlowsTokenRefresher  *self,
                                                           FlowsApp             *app,
                                                           FlowsConnection      *connection,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean             flows_token_refresher_refresh_finish (FlowsTokenRefresher  *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

G_END_DECLS
