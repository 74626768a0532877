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
flows_stage_kind_trigger_execute (FlowsStageKind    *kind,
                                  FlowsStage        *stage,
                                  FlowsStageContext *context)
{
  g_autoptr(GPtrArray) inputs = flows_settings_get_entries (flows_stage_get_settings (stage), "inputs");
  GHashTable *given_inputs = flows_stage_context_get_inputs (context);
  g_autoptr(JsonObject) outputs = json_object_new ();
  GHashTableIter iter;
  gpointer name, value;

  for (guint i = 0; i < inputs->len; i++)
    {
      JsonObject *input = g_ptr_array_index (inputs, i);
      const char *name_text = flows_settings_get_string (input, "name");
      const char *default_text = flows_settings_get_string (input, "default");
      const char *given = g_hash_table_lookup (given_inputs, name_text);
      g_autofree char *fallback = NULL;

      if ((given == NULL || *given == '\0') && *default_text != '\0')
        {
          g_autoptr(GError) error = NULL;
          g_autofree char *setting = g_strdup_printf ("inputs[%u].default", i);

          if (!(fallback = flows_stage_context_expand (context, setting, default_text, FLOWS_EXPANSION_TEXT, &error)))
            {
              flows_stage_context_fail (context, NULL, g_steal_pointer (&error));
              return;
            }
          g_hash_table_insert (given_inputs, g_strdup (name_text), g_strdup (fallback));
          given = fallback;
        }

      if ((given == NULL || *given == '\0') && flows_settings_get_boolean (input, "required"))
        {
          flows_stage_context_fail (context, NULL,
                                    g_error_new (FLOWS_EXPRESSION_ERROR, FLOWS_EXPRESSION_ERROR_UNRESOLVED,
                                                 _("The required input “%s” has no value"), name_text));
          return;
        }

      /* A declared input that is optional and not given is empty, not missing: <name> gives
       * "", so that omitWhenEmpty, whenEmpty and IsEmpty work on it. */
      if (given == NULL && *name_text != '\0')
        g_hash_table_insert (given_inputs, g_strdup (name_text), g_strdup (""));
    }

  /* Every input given is kept, declared or not: a provider's callback may carry more fields
   * than the Trigger lists. */
  g_hash_table_iter_init (&iter, given_inputs);
  while (g_hash_table_iter_next (&iter, &name, &value))
    json_object_set_string_member (outputs, name, value);

  flows_stage_context_finish (context, "success", json_node_init_object (json_node_alloc (), outputs),
                              json_object_ref (outputs), NULL);
}

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

  kind_class->execute = flows_stage_kind_trigger_execute;
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
