/* flows-stage-kind-add-to-response.h — the Add To Response stage type: fields of what the flow returns */
#pragma once

#include "flows-stage-kind.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_STAGE_KIND_ADD_TO_RESPONSE (flows_stage_kind_add_to_response_get_type ())
G_DECLARE_FINAL_TYPE (FlowsStageKindAddToResponse, flows_stage_kind_add_to_response, FLOWS, STAGE_KIND_ADD_TO_RESPONSE, FlowsStageKind)

G_END_DECLS
