/* flows-stage-kind-add-to-response.c — the Add To Response stage type
 *
 * {"fields": [{"name", "value", "mode": "fixed"|"dynamic", "optional"?: bool}]}
 * Fixed values are taken when the stage runs, dynamic ones when the flow ends; an optional
 * field whose reference resolves to nothing is left out.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "flows-stage-kind-add-to-response.h"

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

/* The fields with a name; "optional" counts only when it is true. */
static void
flows_stage_kind_add_to_response_foreach_response_field (FlowsStageKind         *kind,
                                                         FlowsStage             *stage,
                                                         FlowsResponseFieldFunc  func,
                                                         gpointer                user_data)
{
  JsonNode *fields = json_object_get_member (flows_stage_get_settings (stage), "fields");

  if (fields == NULL || !JSON_NODE_HOLDS_ARRAY (fields))
    return;

  for (guint i = 0; i < json_array_get_length (json_node_get_array (fields)); i++)
    {
      JsonNode *element = json_array_get_element (json_node_get_array (fields), i);
      JsonNode *name;
      JsonNode *optional;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      name = json_object_get_member (json_node_get_object (element), "name");
      optional = json_object_get_member (json_node_get_object (element), "optional");
      if (name != NULL && JSON_NODE_HOLDS_VALUE (name) && json_node_get_value_type (name) == G_TYPE_STRING &&
          *json_node_get_string (name) != '\0')
        func (json_node_get_string (name),
              optional != NULL && JSON_NODE_HOLDS_VALUE (optional) &&
              json_node_get_value_type (optional) == G_TYPE_BOOLEAN && json_node_get_boolean (optional),
              user_data);
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
