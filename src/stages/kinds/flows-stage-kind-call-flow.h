/* flows-stage-kind-call-flow.h — the Call Flow stage type: runs a private flow of the App */
#pragma once

#include "flows-stage-kind.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_STAGE_KIND_CALL_FLOW (flows_stage_kind_call_flow_get_type ())
G_DECLARE_FINAL_TYPE (FlowsStageKindCallFlow, flows_stage_kind_call_flow, FLOWS, STAGE_KIND_CALL_FLOW, FlowsStageKind)

G_END_DECLS
