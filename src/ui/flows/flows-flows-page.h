/* flows-flows-page.h — the Flows view of an App: its private and public flows
 *
 * Everything the page does is an action of the "flows" group on the page, most taking the flow
 * id as a string parameter, so that menus, keyboard shortcuts and tests drive the same code:
 *
 *   flows.new                      asks for a name and adds a private flow with a Trigger
 *   flows.open (s)                 shows the flow's stages
 *   flows.show-list                back from a flow to the list
 *   flows.rename (s)               asks for a new name
 *   flows.duplicate (s)            adds a copy with new ids, right after the original
 *   flows.toggle-visibility (s)    private <-> public (flows without a role)
 *   flows.delete (s)               removes the flow, with Undo in a toast (not for role flows)
 *   flows.undo-delete              puts the last deleted flow back where it was
 *   flows.reset (s)                asks, then replaces a role flow's stages by its template
 *
 * Every change is saved to the App's file at once.
 */
#pragma once

#include <adwaita.h>

#include "flows-library.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_FLOWS_PAGE (flows_flows_page_get_type ())
G_DECLARE_FINAL_TYPE (FlowsFlowsPage, flows_flows_page, FLOWS, FLOWS_PAGE, AdwBin)

GtkWidget    *flows_flows_page_new         (void);
void          flows_flows_page_set_library (FlowsFlowsPage *self,
                                            FlowsLibrary   *library);
/* @app may be NULL: the page then shows that no App is selected. */
void          flows_flows_page_set_app     (FlowsFlowsPage *self,
                                            FlowsApp       *app);

G_END_DECLS
