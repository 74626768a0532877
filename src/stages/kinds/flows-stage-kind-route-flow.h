/* flows-stage-kind-route-flow.h — the Route Flow stage type: the pass or fail route by conditions */
#pragma once

#include "flows-stage-kind.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_STAGE_KIND_ROUTE_FLOW (flows_stage_kind_route_flow_get_type ())
G_DECLARE_FINAL_TYPE (FlowsStageKindRouteFlow, flows_stage_kind_route_flow, FLOWS, STAGE_KIND_ROUTE_FLOW, FlowsStageKind)

G_END_DECLS
