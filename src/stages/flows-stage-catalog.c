/* flows-stage-catalog.c — the stage types' entries, from the registry (docs/ARCHITECTURE.md,
 * "Stage types") */

#include "config.h"

#include "flows-stage-catalog.h"
#include "flows-stage-registry.h"

const FlowsStageInfo *
flows_stage_catalog_lookup (FlowsStageType stage_type)
{
  FlowsStageKind *kind = flows_stage_registry_lookup (stage_type);

  return kind != NULL ? flows_stage_kind_get_info (kind) : NULL;
}

JsonObject *
flows_stage_catalog_default_settings (FlowsStageType stage_type)
{
  FlowsStageKind *kind = flows_stage_registry_lookup (stage_type);

  return kind != NULL ? flows_stage_kind_new_default_settings (kind) : NULL;
}

const char *
flows_stage_catalog_output_label (const char *output)
{
  const char *label;

  g_return_val_if_fail (output != NULL, NULL);

  label = flows_stage_registry_route_label (output);
  return label != NULL ? label : output;
}
