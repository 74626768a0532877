/* flows-stage-kind-call-flow.c — the Call Flow stage type
 *
 * {"flow": flow id, "inputs": [{"name", "value"}]}
 * Runs a private flow of the App other than its own. Outputs: the called flow's response;
 * routes success, fail.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "flows-stage-kind-call-flow.h"
#include "flows-stage-registry.h"

struct _FlowsStageKindCallFlow
{
  FlowsStageKind parent_instance;
};

G_DEFINE_FINAL_TYPE (FlowsStageKindCallFlow, flows_stage_kind_call_flow, FLOWS_TYPE_STAGE_KIND)

static const FlowsStageRoute routes[] = {
  { "success", NC_("route", "success") },
  { "fail", NC_("route", "fail"), TRUE },
  { NULL },
};

static const FlowsSettingSpec input_members[] = {
  FLOWS_SETTING_SPEC_NAME,
  FLOWS_SETTING_SPEC_VALUE,
  { NULL },
};

static const FlowsSettingSpec settings[] = {
  /* The flow's id: the editor offers the App's private flows. */
  { .member = "flow", .type = FLOWS_SETTING_TEXT, .flags = FLOWS_SETTING_LITERAL | FLOWS_SETTING_REQUIRED,
    .label = N_("Flow"), .description = N_("A private flow of the App"), .group = N_("Called Flow"),
    .required_message = N_("Choose the flow this stage calls") },
  { .member = "inputs", .type = FLOWS_SETTING_LIST, .label = N_("Inputs of the Called Flow"),
    .add_label = N_("Add Input"), .item_noun = N_("Input %u"), .members = input_members },
  { NULL },
};

/* The flow called must be a private flow of the App, and not the one calling it. */
static void
flows_stage_kind_call_flow_validate (FlowsStageKind  *kind,
                                     FlowsStage      *stage,
                                     FlowsStageCheck *check)
{
  const char *flow_id = flows_stage_get_string_setting (stage, "flow");
  GListModel *flows;

  FLOWS_STAGE_KIND_CLASS (flows_stage_kind_call_flow_parent_class)->validate (kind, stage, check);

  /* Left blank: the base class said so. */
  if (flow_id == NULL || *flow_id == '\0')
    return;

  if (g_strcmp0 (flow_id, flows_flow_get_id (flows_stage_check_get_flow (check))) == 0)
    {
      flows_stage_check_add_problem (check, stage, "flow", _("A flow cannot call itself"));
      return;
    }

  /* By id only: the App looks flows up by name as well. */
  flows = flows_app_get_flows (flows_stage_check_get_app (check));
  for (guint i = 0; i < g_list_model_get_n_items (flows); i++)
    {
      g_autoptr(FlowsFlow) called = g_list_model_get_item (flows, i);
      const char *name = flows_flow_get_name (called);

      if (g_strcmp0 (flows_flow_get_id (called), flow_id) != 0)
        continue;

      if (flows_flow_get_visibility (called) != FLOWS_FLOW_VISIBILITY_PRIVATE)
        flows_stage_check_add_problem (check, stage, "flow",
                                       _("“%s” is a public flow; a Call Flow stage calls a private flow of the App"),
                                       name != NULL && *name != '\0' ? name : flow_id);
      return;
    }

  flows_stage_check_add_problem (check, stage, "flow", _("No flow of this App has the id “%s”"), flow_id);
}

static void
add_response_field (const char *name,
                    gboolean    optional,
                    gpointer    user_data)
{
  flows_scope_outputs_add_field (user_data, name, _("Response field “%s” of “%s”"));
}

/* The response of the called flow: the fields its stages add to it. */
static void
flows_stage_kind_call_flow_add_to_scope (FlowsStageKind    *kind,
                                         FlowsStage        *stage,
                                         FlowsApp          *app,
                                         FlowsScopeOutputs *outputs)
{
  const char *flow_id = flows_stage_get_string_setting (stage, "flow");
  FlowsFlow *called = flow_id != NULL ? flows_app_find_flow (app, flow_id) : NULL;

  if (called != NULL)
    {
      GListModel *stages = flows_flow_get_stages (called);

      for (guint i = 0; i < g_list_model_get_n_items (stages); i++)
        {
          g_autoptr(FlowsStage) other = g_list_model_get_item (stages, i);

          flows_stage_kind_foreach_response_field (flows_stage_registry_for_stage (other), other,
                                                   add_response_field, outputs);
        }
    }
  if (flows_scope_outputs_is_empty (outputs))
    {
      g_autofree char *description = g_strdup_printf (_("The response of “%s”"), flows_stage_get_name (stage));

      flows_scope_outputs_add_all (outputs, description);
    }
}

static void
flows_stage_kind_call_flow_class_init (FlowsStageKindCallFlowClass *klass)
{
  FlowsStageKindClass *kind_class = FLOWS_STAGE_KIND_CLASS (klass);

  kind_class->validate = flows_stage_kind_call_flow_validate;
  kind_class->add_to_scope = flows_stage_kind_call_flow_add_to_scope;

  flows_stage_kind_class_set_metadata (kind_class, "call-flow", N_("Call Flow"), "emblem-shared-symbolic",
                                       N_("Runs a private flow of the App"));
  flows_stage_kind_class_set_routes (kind_class, routes);
  flows_stage_kind_class_set_settings (kind_class, settings);
}

static void
flows_stage_kind_call_flow_init (FlowsStageKindCallFlow *self)
{
}
