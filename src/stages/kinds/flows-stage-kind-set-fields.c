/* flows-stage-kind-set-fields.c — the Set Fields stage type
 *
 * {"fields": [{"name", "value", "whenEmpty"?}]}
 * A field whose value expands to "" takes "whenEmpty" instead. Outputs: <key.name> for each
 * field.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "flows-stage-kind-set-fields.h"
#include "flows-stage-settings.h"

struct _FlowsStageKindSetFields
{
  FlowsStageKind parent_instance;
};

G_DEFINE_FINAL_TYPE (FlowsStageKindSetFields, flows_stage_kind_set_fields, FLOWS_TYPE_STAGE_KIND)

static const FlowsStageRoute routes[] = {
  { "success", NC_("route", "success") },
  { NULL },
};

static const FlowsSettingSpec field_members[] = {
  FLOWS_SETTING_SPEC_NAME,
  FLOWS_SETTING_SPEC_VALUE,
  { .member = "whenEmpty", .type = FLOWS_SETTING_TEXT, .flags = FLOWS_SETTING_REFERENCES | FLOWS_SETTING_OPTIONAL,
    .label = N_("Value when that is empty") },
  { NULL },
};

static const FlowsSettingSpec settings[] = {
  { .member = "fields", .type = FLOWS_SETTING_LIST, .label = N_("Fields"),
    .description = N_("Each is referenced as <key.name> by the stages that follow."),
    .add_label = N_("Add Field"), .item_noun = N_("Field %u"), .members = field_members },
  { NULL },
};

static void
flows_stage_kind_set_fields_execute (FlowsStageKind    *kind,
                                     FlowsStage        *stage,
                                     FlowsStageContext *context)
{
  g_autoptr(GPtrArray) fields = flows_settings_get_entries (flows_stage_get_settings (stage), "fields");
  g_autoptr(JsonObject) outputs = json_object_new ();

  for (guint i = 0; i < fields->len; i++)
    {
      JsonObject *field = g_ptr_array_index (fields, i);
      const char *when_empty = flows_settings_get_string (field, "whenEmpty");
      g_autofree char *setting = g_strdup_printf ("fields[%u].value", i);
      g_autoptr(GError) error = NULL;
      g_autofree char *value = flows_stage_context_expand (context, setting, flows_settings_get_string (field, "value"),
                                                           FLOWS_EXPANSION_TEXT, &error);

      if (value != NULL && *value == '\0' && *when_empty != '\0')
        {
          g_free (setting);
          g_free (value);
          setting = g_strdup_printf ("fields[%u].whenEmpty", i);
          value = flows_stage_context_expand (context, setting, when_empty, FLOWS_EXPANSION_TEXT, &error);
        }
      if (value == NULL)
        {
          flows_stage_context_fail (context, json_object_ref (outputs), g_steal_pointer (&error));
          return;
        }
      json_object_set_string_member (outputs, flows_settings_get_string (field, "name"), value);
    }

  flows_stage_context_finish (context, "success", json_node_init_object (json_node_alloc (), outputs),
                              json_object_ref (outputs), NULL);
}

static void
add_field (const char *name,
           gpointer    user_data)
{
  /* Translators: a field a stage gives; the first %s is the field, the second the stage. */
  flows_scope_outputs_add_field (user_data, name, _("Field “%s” of “%s”"));
}

static void
flows_stage_kind_set_fields_add_to_scope (FlowsStageKind    *kind,
                                          FlowsStage        *stage,
                                          FlowsApp          *app,
                                          FlowsScopeOutputs *outputs)
{
  flows_settings_foreach_name (flows_stage_get_settings (stage), "fields", add_field, outputs);
}

static void
flows_stage_kind_set_fields_class_init (FlowsStageKindSetFieldsClass *klass)
{
  FlowsStageKindClass *kind_class = FLOWS_STAGE_KIND_CLASS (klass);

  kind_class->execute = flows_stage_kind_set_fields_execute;
  kind_class->add_to_scope = flows_stage_kind_set_fields_add_to_scope;

  flows_stage_kind_class_set_metadata (kind_class, "set-fields", N_("Set Fields"), "document-edit-symbolic",
                                       N_("Names values for the stages that follow"));
  flows_stage_kind_class_set_routes (kind_class, routes);
  flows_stage_kind_class_set_settings (kind_class, settings);
}

static void
flows_stage_kind_set_fields_init (FlowsStageKindSetFields *self)
{
}
