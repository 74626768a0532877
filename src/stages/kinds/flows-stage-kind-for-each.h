/* flows-stage-kind-for-each.h — the For Each stage type: runs its each route once per item of a list */
#pragma once

#include "flows-stage-kind.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_STAGE_KIND_FOR_EACH (flows_stage_kind_for_each_get_type ())
G_DECLARE_FINAL_TYPE (FlowsStageKindForEach, flows_stage_kind_for_each, FLOWS, STAGE_KIND_FOR_EACH, FlowsStageKind)

G_END_DECLS
