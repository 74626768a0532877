/* flows-flow.h — a flow of an App: an ordered list of stages joined by routes. */
#pragma once

#include <gio/gio.h>

#include "flows-stage.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_FLOW (flows_flow_get_type ())
G_DECLARE_FINAL_TYPE (FlowsFlow, flows_flow, FLOWS, FLOW, GObject)

FlowsFlow           *flows_flow_new                (const char          *id,
                                                    const char          *name);
const char          *flows_flow_get_id             (FlowsFlow           *self);
const char          *flows_flow_get_name           (FlowsFlow           *self);
void                 flows_flow_set_name           (FlowsFlow           *self,
                                                    const char          *name);
const char          *flows_flow_get_description    (FlowsFlow           *self);
void                 flows_flow_set_description    (FlowsFlow           *self,
                                                    const char          *description);
FlowsFlowVisibility  flows_flow_get_visibility     (FlowsFlow           *self);
void                 flows_flow_set_visibility     (FlowsFlow           *self,
                                                    FlowsFlowVisibility  visibility);
FlowsFlowRole        flows_flow_get_role           (FlowsFlow           *self);
void                 flows_flow_set_role           (FlowsFlow           *self,
                                                    FlowsFlowRole        role);

/* A GListModel of FlowsStage. */
GListModel          *flows_flow_get_stages         (FlowsFlow           *self);
void                 flows_flow_add_stage          (FlowsFlow           *self,
                                                    FlowsStage          *stage);
void                 flows_flow_remove_stage       (FlowsFlow           *self,
                                                    FlowsStage          *stage);
FlowsStage          *flows_flow_find_stage         (FlowsFlow           *self,
                                                    const char          *id);
FlowsStage          *flows_flow_find_stage_by_key  (FlowsFlow           *self,
                                                    const char          *key);
/* The flow's first Trigger stage, where a run starts; NULL when it has none. */
FlowsStage          *flows_flow_get_trigger        (FlowsFlow           *self);

G_END_DECLS
