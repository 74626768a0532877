/* flows-sign-in-window.h — the embedded browser of an OAuth sign-in (docs/ARCHITECTURE.md,
 * "OAuth sequence", steps 3 and 4).
 *
 * A WebKitWebView on a network session of its own that keeps nothing (no cookie survives the
 * attempt), a header that shows the page's host and whether the connection is secure, TLS
 * errors refused with an explanation, the provider's redirect captured before it loads, and a
 * sign-in that stops on the provider's own error page given up with the page's title and address
 * (FLOWS_OAUTH_ERROR_PROVIDER_ERROR_PAGE) while the page stays on screen.
 */
#pragma once

#include <adwaita.h>
#include <webkit/webkit.h>

#include "flows-sign-in.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_SIGN_IN_WINDOW (flows_sign_in_window_get_type ())
G_DECLARE_FINAL_TYPE (FlowsSignInWindow, flows_sign_in_window, FLOWS, SIGN_IN_WINDOW, AdwWindow)

FlowsSignInWindow *flows_sign_in_window_new          (GtkWindow          *parent,
                                                      FlowsSignIn        *sign_in);
WebKitWebView     *flows_sign_in_window_get_web_view (FlowsSignInWindow  *self);
/* How long a page that says "error" may stay without navigating before the attempt stops on
 * it as the provider's own error page (10 s unless set; for tests). */
void               flows_sign_in_window_set_error_page_wait (FlowsSignInWindow *self,
                                                             guint              milliseconds);

/* Presents the window and signs in. Finishes once the tokens are stored (the window closes),
 * when the attempt fails (the window stays open with the reason until closed; on the provider's
 * own error page, that page stays under a banner with the reason), or when the
 * user closes the window (G_IO_ERROR_CANCELLED; the connection is unchanged). */
void               flows_sign_in_window_run_async    (FlowsSignInWindow   *self,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean           flows_sign_in_window_run_finish   (FlowsSignInWindow   *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

G_END_DECLS
