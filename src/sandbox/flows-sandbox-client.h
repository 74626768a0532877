/* flows-sandbox-client.h — the sandbox provider as its clients know it (docs/ARCHITECTURE.md,
 * "The sandbox provider").
 *
 * A provider publishes where it runs and registers its clients; these are the sandbox's: the
 * port it is configured to listen on, whether an address is one of its endpoints (so that a
 * program can tell a connection to the sandbox from any other and start the sandbox for it), and
 * the values a connection needs to sign in to it. Plain strings only: like the provider, this
 * knows nothing of Flows Studio's Apps or connections.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The "sandbox-port" setting, or FLOWS_SANDBOX_DEFAULT_PORT when the settings schema is not
 * installed. */
guint        flows_sandbox_get_configured_port (void);

/* Whether @url is an endpoint of a sandbox on 127.0.0.1:@port (or localhost:@port): one of the
 * paths of flows-sandbox-provider.h, or the root. */
gboolean     flows_sandbox_is_endpoint         (const char          *url,
                                                guint                port);
/* Whether any of the NULL-terminated @urls (NULL: none) is. */
gboolean     flows_sandbox_serves_any          (const char * const  *urls,
                                                guint                port);

/* What a connection needs to sign in to the sandbox on @port and test it, by the parameter keys
 * of the OAuth App template: AuthURL, TokenURL and TestURL (its endpoints), ClientID and
 * ClientSecret (its one client). Keys and values are strings; the client secret is a public
 * demo value, but still a secret to whoever stores it. */
GHashTable  *flows_sandbox_get_connection_values (guint              port);

G_END_DECLS
