/* flows-stage-kind-sleep.h — the Sleep stage type: waits before going on */
#pragma once

#include "flows-stage-kind.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_STAGE_KIND_SLEEP (flows_stage_kind_sleep_get_type ())
G_DECLARE_FINAL_TYPE (FlowsStageKindSleep, flows_stage_kind_sleep, FLOWS, STAGE_KIND_SLEEP, FlowsStageKind)

G_END_DECLS
