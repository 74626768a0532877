/* flows-stage-kind-trigger.h — the Trigger stage type: where a flow starts, with its inputs */
#pragma once

#include "flows-stage-kind.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_STAGE_KIND_TRIGGER (flows_stage_kind_trigger_get_type ())
G_DECLARE_FINAL_TYPE (FlowsStageKindTrigger, flows_stage_kind_trigger, FLOWS, STAGE_KIND_TRIGGER, FlowsStageKind)

G_END_DECLS
