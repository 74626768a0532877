/* flows-stage-kind-route-flow.c — the Route Flow stage type
 *
 * {"match": "all"|"any", "conditions": [{"field", "comparator", "value"}]}
 * Takes the pass route when the conditions hold, the fail route otherwise. Outputs:
 * <key.result>, and <key.conditions>, whether each held.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "flows-stage-kind-route-flow.h"

struct _FlowsStageKindRouteFlow
{
  FlowsStageKind parent_instance;
};

G_DEFINE_FINAL_TYPE (FlowsStageKindRouteFlow, flows_stage_kind_route_flow, FLOWS_TYPE_STAGE_KIND)

static const FlowsStageRoute routes[] = {
  { "pass", NC_("route", "pass") },
  { "fail", NC_("route", "fail") },
  { NULL },
};

static const FlowsSettingChoice match_choices[] = {
  { "all", N_("All Conditions (AND)") },
  { "any", N_("Any Condition (OR)") },
  { NULL },
};

/* The string comparators, then from FIRST_NUMERIC the numeric ones. */
static const FlowsSettingChoice comparators[] = {
  { "Equal", N_("Is equal to") },
  { "NotEqual", N_("Is not equal to") },
  { "Contains", N_("Contains") },
  { "DoesNotContain", N_("Does not contain") },
  { "StartsWith", N_("Starts with") },
  { "EndsWith", N_("Ends with") },
  { "IsEmpty", N_("Is empty") },
  { "IsNotEmpty", N_("Is not empty") },
  { "NumberEqual", N_("Number is equal to") },
  { "NumberNotEqual", N_("Number is not equal to") },
  { "GreaterThan", N_("Number is greater than") },
  { "GreaterThanEqual", N_("Number is at least") },
  { "LessThan", N_("Number is less than") },
  { "LessThanEqual", N_("Number is at most") },
  { NULL },
};
#define FIRST_NUMERIC 8

static const FlowsSettingSpec condition_members[] = {
  { .member = "field", .type = FLOWS_SETTING_TEXT, .flags = FLOWS_SETTING_REFERENCES, .label = N_("Field") },
  { .member = "comparator", .type = FLOWS_SETTING_CHOICE, .flags = FLOWS_SETTING_LITERAL,
    .label = N_("Comparator"), .choices = comparators },
  FLOWS_SETTING_SPEC_VALUE,
  { NULL },
};

static const FlowsSettingSpec settings[] = {
  { .member = "match", .type = FLOWS_SETTING_CHOICE, .flags = FLOWS_SETTING_LITERAL, .label = N_("Pass When"),
    .group = N_("Route"),
    .group_description = N_("The pass route is taken when the conditions hold, the fail route otherwise."),
    .choices = match_choices },
  { .member = "conditions", .type = FLOWS_SETTING_LIST, .label = N_("Conditions"),
    .add_label = N_("Add Condition"), .item_noun = N_("Condition %u"), .members = condition_members },
  { NULL },
};

gboolean
flows_stage_kind_route_flow_comparator_is_numeric (const char *comparator)
{
  if (comparator == NULL)
    return FALSE;
  for (guint i = FIRST_NUMERIC; comparators[i].value != NULL; i++)
    if (g_str_equal (comparators[i].value, comparator))
      return TRUE;
  return FALSE;
}

static void
flows_stage_kind_route_flow_add_to_scope (FlowsStageKind    *kind,
                                          FlowsStage        *stage,
                                          FlowsApp          *app,
                                          FlowsScopeOutputs *outputs)
{
  flows_scope_outputs_add_field (outputs, "result", _("Whether the conditions held (%s) in “%s”"));
}

static void
flows_stage_kind_route_flow_class_init (FlowsStageKindRouteFlowClass *klass)
{
  FlowsStageKindClass *kind_class = FLOWS_STAGE_KIND_CLASS (klass);

  kind_class->add_to_scope = flows_stage_kind_route_flow_add_to_scope;

  flows_stage_kind_class_set_metadata (kind_class, "route-flow", N_("Route Flow"), "media-playlist-shuffle-symbolic",
                                       N_("Takes the pass or fail route by conditions"));
  flows_stage_kind_class_set_routes (kind_class, routes);
  flows_stage_kind_class_set_settings (kind_class, settings);
}

static void
flows_stage_kind_route_flow_init (FlowsStageKindRouteFlow *self)
{
}
