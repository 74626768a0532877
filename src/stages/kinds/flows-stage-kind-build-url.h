/* flows-stage-kind-build-url.h — the Build URL stage type: a URL with encoded query parameters */
#pragma once

#include "flows-stage-kind.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_STAGE_KIND_BUILD_URL (flows_stage_kind_build_url_get_type ())
G_DECLARE_FINAL_TYPE (FlowsStageKindBuildUrl, flows_stage_kind_build_url, FLOWS, STAGE_KIND_BUILD_URL, FlowsStageKind)

G_END_DECLS
