/* flows-token-source.h — where a runner gets a fresh OAuth access token.
 *
 * The engine sends requests with a connection's token, but refreshing a token is OAuth's
 * business (Step 3, the provider's answer, the keyring, "needs sign-in"), which lives above the
 * engine in src/auth (docs/ARCHITECTURE.md, "Modules"). So a runner asks its token source,
 * which src/auth implements (FlowsTokenRefresher): before a Call API stage sends a token that is
 * about to expire, and once after a 401.
 */
#pragma once

#include <gio/gio.h>

#include "flows-app.h"
#include "flows-connection.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_TOKEN_SOURCE (flows_token_source_get_type ())
G_DECLARE_INTERFACE (FlowsTokenSource, flows_token_source, FLOWS, TOKEN_SOURCE, GObject)

struct _FlowsTokenSourceInterface
{
  GTypeInterface parent_iface;

  gboolean  (*needs_refresh)  (FlowsTokenSource     *self,
                               FlowsConnection      *connection);
  void      (*refresh_async)  (FlowsTokenSource     *self,
                               FlowsApp             *app,
                               FlowsConnection      *connection,
                               GCancellable         *cancellable,
                               GAsyncReadyCallback   callback,
                               gpointer              user_data);
  char     *(*refresh_finish) (FlowsTokenSource     *self,
                               GAsyncResult         *result,
                               GError              **error);
};

/* TRUE when @connection's access token should be refreshed before it is sent. */
gboolean  flows_token_source_needs_refresh  (FlowsTokenSource     *self,
                                             FlowsConnection      *connection);
/* Refreshes @connection's tokens and stores them. */
void      flows_token_source_refresh_async  (FlowsTokenSource     *self,
                                             FlowsApp             *app,
                                             FlowsConnection      *connection,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
/* The new access token, to free with flows_secrets_free(); NULL with @error. */
char     *flows_token_source_refresh_finish (FlowsTokenSource     *self,
                                             GAsyncResult         *result,
                                             GError              **error);

G_END_DECLS
