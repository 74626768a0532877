/* flows-role-badge.h — the pill beside a flow's name that says what the runtime uses it for */
#pragma once

#include <gtk/gtk.h>

#include "flows-types.h"

G_BEGIN_DECLS

/* A pill label showing @role's badge, styled by flows-flows-page.css. */
GtkWidget  *flows_flow_role_badge_new (FlowsFlowRole role);

G_END_DECLS
