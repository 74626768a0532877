/* flows-stage-kind-add-to-response.c — the Add To Response stage type
 *
 * {"fields": [{"name", "value", "mode": "fixed"|"dynamic", "optional"?: bool}]}
 * Fixed values are taken when the stage runs, dynamic ones when the flow ends; an optional
 * field whose reference resolves to nothing is left out.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "flows-json-util.h"
#include "flows-stage-kind-add-to-response.h"
#include "flows-stage-settings.h"

struct _FlowsStageKindAddToResponse
{
  FlowsStageKind parent_instance;
};

G_DEFINE_FINAL_TYPE (FlowsStageKindAddToResponse, flows_stage_kind_add_to_response, FLOWS_TYPE_STAGE_KIND)

static const FlowsStageRoute routes[] = {
  { "success", NC_("route", "success") },
  { NULL },
};

static const FlowsSettingChoice modes[] = {
  { "fixed", N_("Fixed: Value When the Stage Runs") },
  { "dynamic", N_("Dynamic: Value When the Flow Ends") },
  { NULL },
};

static const FlowsSettingSpec field_members[] = {
  FLOWS_SETTING_SPEC_NAME,
  FLOWS_SETTING_SPEC_VALUE,
  { .member = "mode", .type = FLOWS_SETTING_CHOICE, .flags = FLOWS_SETTING_LITERAL,
    .label = N_("When the value is taken"), .choices = modes },
  { .member = "optional", .type = FLOWS_SETTING_BOOLEAN, .flags = FLOWS_SETTING_OPTIONAL, .label = N_("Optional") },
  { NULL },
};

static const FlowsSettingSpec settings[] = {
  { .member = "fields", .type = FLOWS_SETTING_LIST, .label = N_("Response Fields"),
    .description = N_("What the flow returns."), .add_label = N_("Add Response Field"),
    .item_noun = N_("Response field %u"), .members = field_members },
  { NULL },
};

/* Adds one field to the response. An optional field that resolves to nothing is left out.
 * The response takes a copy that shares nothing with the stage outputs the value came from: the
 * trace shares those, and the response is the caller's, to keep or change. The value itself,
 * when there is one, goes to @traced for the trace (@traced may be NULL). */
static gboolean
add_response_field (FlowsStageContext  *context,
                    JsonObject         *field,
                    const char         *setting,
                    JsonNode          **traced,
                    GError            **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) value = flows_stage_context_evaluate (context, setting, flows_settings_get_string (field, "value"),
                                                            &local_error);

  if (value == NULL)
    {
      if (flows_settings_get_boolean (field, "optional") &&
          g_error_matches (local_error, FLOWS_EXPRESSION_ERROR, FLOWS_EXPRESSION_ERROR_UNRESOLVED))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  json_object_set_member (flows_stage_context_get_response (context), flows_settings_get_string (field, "name"),
                          flows_json_deep_copy (value));
  if (traced != NULL)
    *traced = g_steal_pointer (&value);
  return TRUE;
}

/* A dynamic field, taken when the flow ends. */
typedef struct
{
  JsonObject *field;
  char       *setting; /* "fields[N].value", for the error message */
} DynamicField;

static void
dynamic_field_free (DynamicField *dynamic)
{
  json_object_unref (dynamic->field);
  g_free (dynamic->setting);
  g_free (dynamic);
}

static gboolean
add_dynamic_field (FlowsStageContext  *context,
                   gpointer            user_data,
                   GError            **error)
{
  DynamicField *dynamic = user_data;

  return add_response_field (context, dynamic->field, dynamic->setting, NULL, error);
}

static void
flows_stage_kind_add_to_response_execute (FlowsStageKind    *kind,
                                          FlowsStage        *stage,
                                          FlowsStageContext *context)
{
  g_autoptr(GPtrArray) fields = flows_settings_get_entries (flows_stage_get_settings (stage), "fields");
  JsonObject *response = flows_stage_context_get_response (context);
  g_autoptr(JsonObject) added = json_object_new ();

  for (guint i = 0; i < fields->len; i++)
    {
      JsonObject *field = g_ptr_array_index (fields, i);
      const char *name = flows_settings_get_string (field, "name");
      g_autofree char *setting = g_strdup_printf ("fields[%u].value", i);
      g_autoptr(GError) error = NULL;
      JsonNode *value = NULL;

      if (g_str_equal (flows_settings_get_string (field, "mode"), "dynamic"))
        {
          DynamicField *dynamic = g_new0 (DynamicField, 1);

          /* Taken when the flow ends, so it can refer to stages that run later. */
          dynamic->field = json_object_ref (field);
          dynamic->setting = g_steal_pointer (&setting);
          flows_stage_context_at_flow_end (context, add_dynamic_field, dynamic, (GDestroyNotify) dynamic_field_free);
          json_object_set_string_member (added, name, _("(when the flow ends)"));
          continue;
        }

      if (!add_response_field (context, field, setting, &value, &error))
        {
          flows_stage_context_fail (context, json_object_ref (added), g_steal_pointer (&error));
          return;
        }
      /* An optional field left out shows what the response holds under its name, if anything:
       * a copy, as the response is not the trace's. */
      if (value == NULL && json_object_has_member (response, name))
        value = flows_json_deep_copy (json_object_get_member (response, name));
      if (value != NULL)
        json_object_set_member (added, name, value);
    }

  flows_stage_context_finish (context, "success", json_node_init_object (json_node_alloc (), added),
                              json_object_ref (added), NULL);
}

/* The fields with a name; "optional" counts only when it is true. */
static void
flows_stage_kind_add_to_response_foreach_response_field (FlowsStageKind         *kind,
                                                         FlowsStage             *stage,
                                                         FlowsResponseFieldFunc  func,
                                                         gpointer                user_data)
{
  g_autoptr(GPtrArray) fields = flows_settings_get_entries (flows_stage_get_settings (stage), "fields");

  for (guint i = 0; i < fields->len; i++)
    {
      JsonObject *field = g_ptr_array_index (fields, i);
      const char *name = flows_settings_get_string (field, "name");

      if (*name != '\0')
        func (name, flows_settings_get_boolean (field, "optional"), user_data);
    }
}

static void
add_field (const char *name,
           gboolean    optional,
           gpointer    user_data)
{
  /* Translators: a field a stage gives; the first %s is the field, the second the stage. */
  flows_scope_outputs_add_field (user_data, name, _("Field “%s” of “%s”"));
}

static void
flows_stage_kind_add_to_response_add_to_scope (FlowsStageKind    *kind,
                                               FlowsStage        *stage,
                                               FlowsApp          *app,
                                               FlowsScopeOutputs *outputs)
{
  flows_stage_kind_add_to_response_foreach_response_field (kind, stage, add_field, outputs);
}

static void
flows_stage_kind_add_to_response_class_init (FlowsStageKindAddToResponseClass *klass)
{
  FlowsStageKindClass *kind_class = FLOWS_STAGE_KIND_CLASS (klass);

  kind_class->execute = flows_stage_kind_add_to_response_execute;
  kind_class->add_to_scope = flows_stage_kind_add_to_response_add_to_scope;
  kind_class->foreach_response_field = flows_stage_kind_add_to_response_foreach_response_field;

  flows_stage_kind_class_set_metadata (kind_class, "add-to-response", N_("Add To Response"), "mail-reply-sender-symbolic",
                                       N_("Adds fields to what the flow returns"));
  flows_stage_kind_class_set_routes (kind_class, routes);
  flows_stage_kind_class_set_settings (kind_class, settings);
}

static void
flows_stage_kind_add_to_response_init (FlowsStageKindAddToResponse *self)
{
}
