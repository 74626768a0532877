/* flows-token-source.c — where a runner gets a fresh OAuth access token */

#include "config.h"

#include "flows-token-source.h"

G_DEFINE_INTERFACE (FlowsTokenSource, flows_token_source, G_TYPE_OBJECT)

static void
flows_token_source_default_init (FlowsTokenSourceInterface *iface)
{
}

gboolean
flows_token_source_needs_refresh (FlowsTokenSource *self,
                                  FlowsConnection  *connection)
{
  g_return_val_if_fail (FLOWS_IS_TOKEN_SOURCE (self), FALSE);
  g_return_val_if_fail (FLOWS_IS_CONNECTION (connection), FALSE);

  return FLOWS_TOKEN_SOURCE_GET_IFACE (self)->needs_refresh (self, connection);
}

void
flows_token_source_refresh_async (FlowsTokenSource    *self,
                                  FlowsApp            *app,
                                  FlowsConnection     *connection,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (FLOWS_IS_TOKEN_SOURCE (self));
  g_return_if_fail (FLOWS_IS_APP (app));
  g_return_if_fail (FLOWS_IS_CONNECTION (connection));

  FLOWS_TOKEN_SOURCE_GET_IFACE (self)->refresh_async (self, app, connection, cancellable, callback, user_data);
}

char *
flows_token_source_refresh_finish (FlowsTokenSource  *self,
                                   GAsyncResult      *result,
                                   GError           **error)
{
  g_return_val_if_fail (FLOWS_IS_TOKEN_SOURCE (self), NULL);

  return FLOWS_TOKEN_SOURCE_GET_IFACE (self)->refresh_finish (self, result, error);
}
