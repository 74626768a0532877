/* flows-stage-card.h — one stage on the flow editor's canvas
 *
 * A card shows the stage's icon, name and type, a badge when validation found problems in it,
 * and, during and after a run, what the run did there. It draws no ports or routes: the canvas
 * does, because they belong to the space between cards. Cards are always laid out at their
 * natural size; the canvas scales them with a transform when it zooms.
 */
#pragma once

#include <gtk/gtk.h>

#include "flows-stage.h"

G_BEGIN_DECLS

typedef enum {
  FLOWS_STAGE_RUN_STATE_NONE,
  FLOWS_STAGE_RUN_STATE_RUNNING,
  FLOWS_STAGE_RUN_STATE_SUCCEEDED,
  FLOWS_STAGE_RUN_STATE_FAILED,
  FLOWS_STAGE_RUN_STATE_SKIPPED,
} FlowsStageRunState;

#define FLOWS_TYPE_STAGE_CARD (flows_stage_card_get_type ())
G_DECLARE_FINAL_TYPE (FlowsStageCard, flows_stage_card, FLOWS, STAGE_CARD, GtkWidget)

GtkWidget          *flows_stage_card_new            (FlowsStage         *stage);
/* Shows another stage: the canvas gives the card of a stage gone out of view to one coming in. */
void                flows_stage_card_set_stage      (FlowsStageCard     *self,
                                                     FlowsStage         *stage);
void                flows_stage_card_set_selected   (FlowsStageCard     *self,
                                                     gboolean            selected);
/* @problems: the messages of the stage's problems, one per line; NULL or "" for none. */
void                flows_stage_card_set_problems   (FlowsStageCard     *self,
                                                     const char         *problems);
gboolean            flows_stage_card_has_problems   (FlowsStageCard     *self);
void                flows_stage_card_set_run_state  (FlowsStageCard     *self,
                                                     FlowsStageRunState  state,
                                                     gint64              duration_us);
FlowsStageRunState  flows_stage_card_get_run_state  (FlowsStageCard     *self);

G_END_DECLS
