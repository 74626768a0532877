/* flows-stage-kind-set-fields.h — the Set Fields stage type: names values for the stages that follow */
#pragma once

#include "flows-stage-kind.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_STAGE_KIND_SET_FIELDS (flows_stage_kind_set_fields_get_type ())
G_DECLARE_FINAL_TYPE (FlowsStageKindSetFields, flows_stage_kind_set_fields, FLOWS, STAGE_KIND_SET_FIELDS, FlowsStageKind)

G_END_DECLS
