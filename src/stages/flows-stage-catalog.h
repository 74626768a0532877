/* flows-stage-catalog.h — what each stage type is, for those who need no more than its entry
 *
 * Thin wrappers over the registry of stage types (flows-stage-registry.h), where each type
 * describes its settings, routes and behaviour (docs/ARCHITECTURE.md, "Stage types").
 */
#pragma once

#include "flows-stage-kind.h"

G_BEGIN_DECLS

const FlowsStageInfo *flows_stage_catalog_lookup           (FlowsStageType  stage_type);
/* Settings for a new stage of @stage_type: every member present, empty lists. */
JsonObject           *flows_stage_catalog_default_settings (FlowsStageType  stage_type);
/* A route's name for people ("success" → "success", translated); @output itself when it is
 * not a route of any stage type. */
const char           *flows_stage_catalog_output_label     (const char     *output);

G_END_DECLS
