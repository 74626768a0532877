/* flows-redirect-listener.h — receives one OAuth redirect on a loopback port, for signing in
 * with the system browser (RFC 8252 §7.3) when a provider refuses embedded browsers. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* How long the browser has to come back. */
#define FLOWS_REDIRECT_LISTENER_TIMEOUT_SECONDS (5 * 60)

#define FLOWS_TYPE_REDIRECT_LISTENER (flows_redirect_listener_get_type ())
G_DECLARE_FINAL_TYPE (FlowsRedirectListener, flows_redirect_listener, FLOWS, REDIRECT_LISTENER, GObject)

/* Fails unless @redirect_url is http on 127.0.0.1, [::1] or localhost with a port. */
FlowsRedirectListener *flows_redirect_listener_new          (const char             *redirect_url,
                                                             GError                **error);
/* Starts listening (on loopback only) and waits for the one request to the redirect path;
 * finish returns its full URI. Any other path gets 404 and is not counted; after the redirect,
 * the socket is closed. */
void                   flows_redirect_listener_wait_async   (FlowsRedirectListener  *self,
                                                             guint                   timeout_seconds,
                                                             GCancellable           *cancellable,
                                                             GAsyncReadyCallback     callback,
                                                             gpointer                user_data);
char                  *flows_redirect_listener_wait_finish  (FlowsRedirectListener  *self,
                                                             GAsyncResult           *result,
                                                             GError                **error);
/* Listening starts in wait_async(); this says whether it did (the port may be taken). */
gboolean               flows_redirect_listener_listen       (FlowsRedirectListener  *self,
                                                             GError                **error);

G_END_DECLS
