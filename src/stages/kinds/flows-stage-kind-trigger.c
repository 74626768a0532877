/* flows-stage-kind-trigger.c — the Trigger stage type
 *
 * {"inputs": [{"name", "required": bool, "default", "sample"}]}
 * Outputs: the inputs, by name (also reachable as <name> and <key.name>).
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "flows-stage-kind-trigger.h"
#include "flows-stage-settings.h"

struct _FlowsStageKindTrigger
{
  FlowsStageKind parent_instance;
};

G_DEFINE_FINAL_TYPE (FlowsStageKindTrigger, flows_stage_kind_trigger, FLOWS_TYPE_STAGE_KIND)

static const FlowsStageRoute routes[] = {
  { "success", NC_("route", "success") },
  { NULL },
};

static const FlowsSettingSpec input_members[] = {
  FLOWS_SETTING_SPEC_NAME,
  { .member = "required", .type = FLOWS_SETTING_BOOLEAN, .label = N_("Required") },
  { .member = "default", .type = FLOWS_SETTING_TEXT, .flags = FLOWS_SETTING_REFERENCES, .label = N_("Default value") },
  /* Test data, typed as is. */
  { .member = "sample", .type = FLOWS_SETTING_TEXT, .flags = FLOWS_SETTING_LITERAL,
    .label = N_("Sample value for test runs") },
  { NULL },
};

static const FlowsSettingSpec settings[] = {
  { .member = "inputs", .type = FLOWS_SETTING_LIST, .label = N_("Inputs"),
    .description = N_("What a run of the flow is given; each is referenced as <name>."),
    .add_label = N_("Add Input"), .item_noun = N_("Input %u"), .members = input_members },
  { NULL },
};

static void
add_input (const char *name,
           gpointer    user_data)
{
  flows_scope_outputs_add_field (user_data, name, _("Input “%s” of “%s”"));
}

static void
flows_stage_kind_trigger_add_to_scope (FlowsStageKind    *kind,
                                       FlowsStage        *stage,
                                       FlowsApp          *app,
                                       FlowsScopeOutputs *outputs)
{
  flows_settings_foreach_name (flows_stage_get_settings (stage), "inputs", add_input, outputs);
}

static void
flows_stage_kind_trigger_class_init (FlowsStageKindTriggerClass *klass)
{
  FlowsStageKindClass *kind_class = FLOWS_STAGE_KIND_CLASS (klass);

  kind_class->add_to_scope = flows_stage_kind_trigger_add_to_scope;

  flows_stage_kind_class_set_metadata (kind_class, "trigger", N_("Trigger"), "media-playback-start-symbolic",
                                       N_("Where the flow starts, with its inputs"));
  flows_stage_kind_class_set_routes (kind_class, routes);
  flows_stage_kind_class_set_settings (kind_class, settings);
}

static void
flows_stage_kind_trigger_init (FlowsStageKindTrigger *self)
{
}
