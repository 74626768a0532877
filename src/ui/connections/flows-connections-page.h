/* flows-connections-page.h — the Connections view of an App: its connections with their status,
 * adding and editing them, OAuth sign-in and sign-out, and the one-click Test with its result.
 *
 * Actions, for the buttons, the menus and the tests:
 *   connections.add               opens the Add Connection dialog
 *   connection.test          (s)  runs the Connection Test flow with the connection of that id
 *   connection.edit          (s)  opens the dialog for it
 *   connection.delete        (s)  asks, then deletes it and its secrets
 *   connection.sign-in       (s)  signs in through the embedded browser (OAuth Apps)
 *   connection.sign-in-browser (s) signs in through the system browser (OAuth Apps)
 *   connection.sign-out      (s)  forgets its tokens (OAuth Apps)
 */
#pragma once

#include <adwaita.h>

#include "flows-library.h"
#include "flows-runner.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_CONNECTIONS_PAGE (flows_connections_page_get_type ())
G_DECLARE_FINAL_TYPE (FlowsConnectionsPage, flows_connections_page, FLOWS, CONNECTIONS_PAGE, AdwBin)

GtkWidget    *flows_connections_page_new         (void);
void          flows_connections_page_set_library (FlowsConnectionsPage *self,
                                                  FlowsLibrary         *library);
void          flows_connections_page_set_app     (FlowsConnectionsPage *self,
                                                  FlowsApp             *app);
/* The runner of tests and sign-ins. NULL (the default): the application's shared runner. */
void          flows_connections_page_set_runner  (FlowsConnectionsPage *self,
                                                  FlowsRunner          *runner);

G_END_DECLS
