/* flows-stage-kind-call-api.h — the Call API stage type: an HTTP request and its response */
#pragma once

#include "flows-stage-kind.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_STAGE_KIND_CALL_API (flows_stage_kind_call_api_get_type ())
G_DECLARE_FINAL_TYPE (FlowsStageKindCallApi, flows_stage_kind_call_api, FLOWS, STAGE_KIND_CALL_API, FlowsStageKind)

G_END_DECLS
