/* flows-flow-view.h — one flow as a read-only list of its stages, in the order a run takes them
 *
 * Until the flow editor exists, this is how a flow is looked at: each stage with its type, name,
 * key, main settings and routes. The back button activates "flows.show-list", which the Flows
 * page provides.
 */
#pragma once

#include <adwaita.h>

#include "flows-app.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_FLOW_VIEW (flows_flow_view_get_type ())
G_DECLARE_FINAL_TYPE (FlowsFlowView, flows_flow_view, FLOWS, FLOW_VIEW, AdwBin)

GtkWidget  *flows_flow_view_new      (void);
/* The App gives Call Flow stages the names of the flows they call; it may be NULL. */
FlowsApp   *flows_flow_view_get_app  (FlowsFlowView *self);
void        flows_flow_view_set_app  (FlowsFlowView *self,
                                      FlowsApp      *app);
FlowsFlow  *flows_flow_view_get_flow (FlowsFlowView *self);
void        flows_flow_view_set_flow (FlowsFlowView *self,
                                      FlowsFlow     *flow);

/* The badge text of a role ("Step 1 · Authorise"), translated; NULL for FLOWS_FLOW_ROLE_NONE. */
const char *flows_flow_role_badge    (FlowsFlowRole  role);
/* A pill label showing @role's badge, styled by flows-flows-page.css. */
GtkWidget  *flows_flow_role_badge_new (FlowsFlowRole role);

G_END_DECLS
