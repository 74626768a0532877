/* flows-flow-editor.h — the flow editor: a flow on a canvas, with its palette, properties,
 * problems, undo history and test runs
 *
 * The Flows page shows it when a flow is opened; its back button activates "flows.show-list",
 * which the page provides. Every edit goes through the editor's FlowsHistory and is saved by the
 * library's autosave. The editor's actions ("editor.undo", "editor.copy", "editor.run", …) carry
 * its keyboard shortcuts, listed in the Keyboard Shortcuts window. Its sidebar toggle and Ctrl+B
 * use "win.show-sidebar", a boolean action of the window that says whether the Apps are in sight
 * and brings them or takes them away (in a folded window, by going to their page or back);
 * leaving a flow shows the sidebar again where it was beside the editor.
 */
#pragma once

#include <adwaita.h>

#include "flows-canvas.h"
#include "flows-library.h"
#include "flows-runner.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_FLOW_EDITOR (flows_flow_editor_get_type ())
G_DECLARE_FINAL_TYPE (FlowsFlowEditor, flows_flow_editor, FLOWS, FLOW_EDITOR, AdwBin)

GtkWidget    *flows_flow_editor_new          (void);
/* The library saves the edits and lists the connections a run can use. */
void          flows_flow_editor_set_library  (FlowsFlowEditor *self,
                                              FlowsLibrary    *library);
/* Shows @flow of @app (both NULL: nothing). Each flow keeps its undo history while another is
 * shown (the last 32 flows shown), unless it was changed meanwhile. */
void          flows_flow_editor_set_flow     (FlowsFlowEditor *self,
                                              FlowsApp        *app,
                                              FlowsFlow       *flow);
FlowsApp     *flows_flow_editor_get_app      (FlowsFlowEditor *self);
FlowsFlow    *flows_flow_editor_get_flow     (FlowsFlowEditor *self);
FlowsCanvas  *flows_flow_editor_get_canvas   (FlowsFlowEditor *self);
FlowsHistory *flows_flow_editor_get_history  (FlowsFlowEditor *self);
/* The flow's problems as last validated (FlowsProblem); validation follows every edit. */
GPtrArray    *flows_flow_editor_get_problems (FlowsFlowEditor *self);
/* Validates now rather than after the edit settles. */
void          flows_flow_editor_validate     (FlowsFlowEditor *self);

/* Runs the flow with these Trigger inputs (may be NULL) and connection (may be NULL), as the
 * Run dialog does; the cards follow the run. */
void          flows_flow_editor_run          (FlowsFlowEditor *self,
                                              GHashTable      *inputs,
                                              FlowsConnection *connection);
gboolean      flows_flow_editor_is_running   (FlowsFlowEditor *self);
/* The last finished run of the flow in this editor, or NULL. */
FlowsRun     *flows_flow_editor_get_last_run (FlowsFlowEditor *self);

G_END_DECLS
