/* flows-history.h — every edit of a flow, undoable
 *
 * The flow editor changes a flow only through these functions. Each one records the state of
 * every stage it touches before and after the edit (as the JSON the file format writes, with the
 * stage's index in the flow), so undo and redo put back exactly the document that was saved at
 * that step — stage order, route order and all. Edits between flows_history_begin_group() and
 * flows_history_end_group() are one step; consecutive setting changes with the same merge tag on
 * the same stage fold into one step, so typing a word in an entry undoes as one.
 *
 * Undo and redo change the existing FlowsStage objects in place (their notify:: and
 * ::routes-changed signals fire) and insert or remove stages in the flow's list model, so views
 * bound to the model follow without being rebuilt.
 */
#pragma once

#include "flows-flow.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_HISTORY (flows_history_get_type ())
G_DECLARE_FINAL_TYPE (FlowsHistory, flows_history, FLOWS, HISTORY, GObject)

FlowsHistory *flows_history_new            (FlowsFlow      *flow);
FlowsFlow    *flows_history_get_flow       (FlowsHistory   *self);

/* Properties "can-undo", "can-redo" (notify) and the label of the step each would undo/redo
 * ("Move 3 Stages"), translated, NULL when there is none. */
gboolean      flows_history_get_can_undo   (FlowsHistory   *self);
gboolean      flows_history_get_can_redo   (FlowsHistory   *self);
const char   *flows_history_get_undo_label (FlowsHistory   *self);
const char   *flows_history_get_redo_label (FlowsHistory   *self);
/* Both return FALSE when there is nothing to undo/redo. Every edit, undo and redo emits
 * ::changed once, after the flow is consistent again (the editor saves on it). */
gboolean      flows_history_undo           (FlowsHistory   *self);
gboolean      flows_history_redo           (FlowsHistory   *self);
void          flows_history_clear          (FlowsHistory   *self);

/* Groups nest; the outermost label names the step. An empty group leaves no step. */
void          flows_history_begin_group    (FlowsHistory   *self,
                                            const char     *label);
void          flows_history_end_group      (FlowsHistory   *self);

/* A new stage of @stage_type at (@x, @y): a fresh id, a key unique in the flow made from the type
 * ("callApi", "callApi2"), the catalogue's default settings and name. Returns the stage (owned by
 * the flow). */
FlowsStage   *flows_history_add_stage      (FlowsHistory   *self,
                                            FlowsStageType  stage_type,
                                            double          x,
                                            double          y);
/* Appends stages made elsewhere (a paste); takes no ownership of the array. */
void          flows_history_insert_stages  (FlowsHistory   *self,
                                            GPtrArray      *stages);
/* Removes the stages and clears every route of the remaining stages that led to them. */
void          flows_history_remove_stages  (FlowsHistory   *self,
                                            GPtrArray      *stages);
void          flows_history_move_stages    (FlowsHistory   *self,
                                            GPtrArray      *stages,
                                            double          dx,
                                            double          dy);
void          flows_history_set_position   (FlowsHistory   *self,
                                            FlowsStage     *stage,
                                            double          x,
                                            double          y);
/* @target_id NULL removes the route of @output. */
void          flows_history_set_route      (FlowsHistory   *self,
                                            FlowsStage     *stage,
                                            const char     *output,
                                            const char     *target_id);
void          flows_history_set_name       (FlowsHistory   *self,
                                            FlowsStage     *stage,
                                            const char     *name);
void          flows_history_set_key        (FlowsHistory   *self,
                                            FlowsStage     *stage,
                                            const char     *key);
/* Takes a reference on @settings (the stage keeps it; do not change it afterwards). A non-NULL
 * @merge_tag folds this change into the previous step when that step was a set_settings on the
 * same stage with the same tag and nothing else happened in between. */
void          flows_history_set_settings   (FlowsHistory   *self,
                                            FlowsStage     *stage,
                                            JsonObject     *settings,
                                            const char     *merge_tag);

G_END_DECLS
