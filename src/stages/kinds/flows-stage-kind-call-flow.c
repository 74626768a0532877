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
#include "flows-stage-settings.h"

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
on_called_flow_done (FlowsStageContext *context,
                     FlowsFlow         *flow,
                     JsonObject        *response,
                     const GError      *error,
                     FlowsStage        *failed_stage,
                     gpointer           user_data)
{
  g_autoptr(JsonObject) resolved = json_object_new ();

  json_object_set_string_member (resolved, "flow", flows_flow_get_name (flow));

  if (error != NULL)
    {
      GError *stage_error;

      /* An End With Error's message is the flow's own words, meant for whoever reads the
       * outcome: it goes up as it is. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          g_error_matches (error, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_ENDED_WITH_ERROR) ||
          g_error_matches (error, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_NEEDS_SIGN_IN))
        stage_error = g_error_copy (error);
      else
        stage_error = g_error_new (error->domain, error->code, _("Flow “%s” failed at stage “%s”: %s"),
                                   flows_flow_get_name (flow),
                                   failed_stage != NULL ? flows_stage_get_name (failed_stage) : "",
                                   error->message);
      flows_stage_context_fail (context, json_object_ref (resolved), stage_error);
      return;
    }

  flows_stage_context_finish (context, "success", json_node_init_object (json_node_alloc (), response),
                              json_object_ref (resolved), NULL);
}

static void
flows_stage_kind_call_flow_execute (FlowsStageKind    *kind,
                                    FlowsStage        *stage,
                                    FlowsStageContext *context)
{
  JsonObject *settings = flows_stage_get_settings (stage);
  const char *flow_id = flows_settings_get_string (settings, "flow");
  FlowsFlow *flow = flows_app_find_flow (flows_stage_context_get_app (context), flow_id);
  g_autoptr(GPtrArray) inputs = flows_settings_get_entries (settings, "inputs");
  g_autoptr(GHashTable) values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GError) error = NULL;

  if (flow == NULL)
    {
      flows_stage_context_fail (context, NULL,
                                g_error_new (FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_NO_SUCH_FLOW,
                                             _("flow: the App has no flow “%s”"), flow_id));
      return;
    }
  if (!flows_stage_context_may_run_flow (context, flow, &error))
    {
      flows_stage_context_fail (context, NULL, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; i < inputs->len; i++)
    {
      JsonObject *input = g_ptr_array_index (inputs, i);
      g_autofree char *setting = g_strdup_printf ("inputs[%u].value", i);
      char *value = flows_stage_context_expand (context, setting, flows_settings_get_string (input, "value"),
                                                FLOWS_EXPANSION_TEXT, &error);

      if (value == NULL)
        {
          flows_stage_context_fail (context, NULL, g_steal_pointer (&error));
          return;
        }
      g_hash_table_insert (values, g_strdup (flows_settings_get_string (input, "name")), value);
    }

  flows_stage_context_run_flow (context, flow, values, on_called_flow_done, NULL);
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

  kind_class->execute = flows_stage_kind_call_flow_execute;
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
