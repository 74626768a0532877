/* flows-stage-properties.h — the properties panel of one stage of the flow editor
 *
 * Name and key, then the settings of the stage's type with the widgets that suit them (lists of
 * rows with add and remove, drop-downs, switches, numbers), a problems list and a read-only
 * "Last Run" section. Every edit goes through the FlowsHistory (one step per edit; typing in one
 * field undoes as one step, by a merge tag that is the setting's path), never to the stage
 * directly; the name and the key are applied on Enter or when their row loses the focus. The
 * panel follows the stage: undo, redo and edits made elsewhere show up in place, and the widgets
 * are rebuilt only when the shape of the settings changes (a row added or removed, another body
 * kind), with the focus kept on the same setting.
 *
 * Settings are addressed by the paths validation uses (flows-validate.h): "uriBase",
 * "query[2].value", "body.fields[0].name", "successStatus.min".
 *
 * Text settings that take references have an "insert reference" menu button: it lists what
 * flows_scope_at_stage() gives at this stage, grouped (Parameters, Built-ins, Inputs, then one
 * section per upstream stage), plus the paths of the upstream stages' outputs in the last run
 * when one is set, and inserts `<name>` at the cursor, in place of the selection. The menu
 * items activate "properties.insert-reference" with the (ss) target (setting path, name).
 */
#pragma once

#include <adwaita.h>

#include "flows-app.h"
#include "flows-history.h"
#include "flows-run.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_STAGE_PROPERTIES (flows_stage_properties_get_type ())
G_DECLARE_FINAL_TYPE (FlowsStageProperties, flows_stage_properties, FLOWS, STAGE_PROPERTIES, GtkWidget)

GtkWidget  *flows_stage_properties_new             (void);
/* The App gives parameters and the flows a Call Flow stage can call; the flow and its history
 * are where the stage is and how it is changed. Setting a context shows no stage. */
void        flows_stage_properties_set_context     (FlowsStageProperties  *self,
                                                    FlowsApp              *app,
                                                    FlowsFlow             *flow,
                                                    FlowsHistory          *history);
/* A stage of the context's flow, or NULL for the "No Stage Selected" page. A name or key being
 * typed for the previous stage is applied first. Property "stage". */
FlowsStage *flows_stage_properties_get_stage       (FlowsStageProperties  *self);
void        flows_stage_properties_set_stage       (FlowsStageProperties  *self,
                                                    FlowsStage            *stage);
/* Puts back the stage's name and key in their rows, dropping what was typed and not applied
 * (Escape in the editor). */
void        flows_stage_properties_revert_entries  (FlowsStageProperties  *self);
/* The flow's problems (FlowsProblem; the panel keeps the array, for the stages it shows next,
 * until the next call or another context): a problem with a setting marks that setting's widget
 * (error style, the message as tooltip and accessible description); the others are listed above
 * the settings. NULL clears them. */
void        flows_stage_properties_set_problems    (FlowsStageProperties  *self,
                                                    GPtrArray             *problems);
/* What the stage did in the last run (copied), shown in the "Last Run" section; NULL hides it. */
void        flows_stage_properties_set_trace_entry (FlowsStageProperties  *self,
                                                    const FlowsTraceEntry *entry);
/* The last run of the flow, whose trace adds the actual output paths of upstream stages to the
 * insert-reference menus; NULL for none. */
void        flows_stage_properties_set_last_run    (FlowsStageProperties  *self,
                                                    FlowsRun              *run);

/* The widget that edits @setting (a GtkEditable, GtkSwitch, GtkCheckButton, GtkSpinButton,
 * AdwComboRow, GtkDropDown or GtkTextView), or NULL. */
GtkWidget  *flows_stage_properties_get_setting_widget (FlowsStageProperties *self,
                                                       const char           *setting);
/* Scrolls to and focuses the widget of @setting (as a click on a problem does); FALSE when the
 * panel has none. */
gboolean    flows_stage_properties_focus_setting   (FlowsStageProperties  *self,
                                                    const char            *setting);

G_END_DECLS
