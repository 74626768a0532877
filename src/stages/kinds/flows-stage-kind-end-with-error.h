/* flows-stage-kind-end-with-error.h — the End With Error stage type: fails the run with a message */
#pragma once

#include "flows-stage-kind.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_STAGE_KIND_END_WITH_ERROR (flows_stage_kind_end_with_error_get_type ())
G_DECLARE_FINAL_TYPE (FlowsStageKindEndWithError, flows_stage_kind_end_with_error, FLOWS, STAGE_KIND_END_WITH_ERROR,
                      FlowsStageKind)

G_END_DECLS
