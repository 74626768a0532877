/* flows-app-templates.h — what a new App starts with (docs/ARCHITECTURE.md, "Flow roles"): the connection parameters
 * of its type, and the private flows of the OAuth steps and the Connection Test as real stage
 * graphs that the engine runs unchanged. */
#pragma once

#include "flows-app.h"

G_BEGIN_DECLS

/* A new random id for an App, a connection, a flow or a stage. */
char      *flows_new_id                    (void);

FlowsApp  *flows_app_new_from_template     (const char          *name,
                                            FlowsConnectionType  connection_type);

/* A fresh copy of the template flow of @role for @app's connection type (used to create an App
 * and to reset a role flow); NULL when the type has no such role. */
FlowsFlow *flows_app_templates_create_flow (FlowsConnectionType  connection_type,
                                            FlowsFlowRole        role);

G_END_DECLS
