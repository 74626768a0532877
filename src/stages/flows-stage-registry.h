/* flows-stage-registry.h — every stage type, by stored name and by FlowsStageType
 *
 * One instance of each FlowsStageKind subclass (flows-stage-kind.h), made on first use, in the
 * order of the palette. Adding a stage type registers its class here (docs/ARCHITECTURE.md,
 * "Stage types").
 */
#pragma once

#include "flows-stage-kind.h"

G_BEGIN_DECLS

/* NULL (with a critical warning) for a value with no stage type. */
FlowsStageKind *flows_stage_registry_lookup            (FlowsStageType  stage_type);
/* NULL when no stage type is stored as @name. */
FlowsStageKind *flows_stage_registry_lookup_name       (const char     *name);
FlowsStageKind *flows_stage_registry_for_stage         (FlowsStage     *stage);

guint           flows_stage_registry_get_n_kinds       (void);
FlowsStageKind *flows_stage_registry_get_nth_kind      (guint           position);

/* TRUE when a member called @member is never a template in any stage type's settings
 * (FLOWS_SETTING_LITERAL). */
gboolean        flows_stage_registry_is_literal_setting (const char    *member);
/* The translated label of the route called @route in any stage type, or NULL. */
const char     *flows_stage_registry_route_label       (const char     *route);

G_END_DECLS
