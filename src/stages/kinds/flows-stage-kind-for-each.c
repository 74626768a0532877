/* flows-stage-kind-for-each.c — the For Each stage type
 *
 * {"list": "<a.reference.to.a.list>"}
 * The "each" route runs once per item with <key.item> and <key.index>, then the "done" route.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "flows-json-util.h"
#include "flows-stage-kind-for-each.h"
#include "flows-stage-settings.h"

struct _FlowsStageKindForEach
{
  FlowsStageKind parent_instance;
};

G_DEFINE_FINAL_TYPE (FlowsStageKindForEach, flows_stage_kind_for_each, FLOWS_TYPE_STAGE_KIND)

static const FlowsStageRoute routes[] = {
  { "each", NC_("route", "each") },
  { "done", NC_("route", "done") },
  { NULL },
};

static const FlowsSettingSpec settings[] = {
  { .member = "list", .type = FLOWS_SETTING_TEXT, .flags = FLOWS_SETTING_REFERENCES | FLOWS_SETTING_REQUIRED,
    .label = N_("List"), .group = N_("Items"),
    .group_description = N_("The each route runs once per item, with <key.item> and <key.index>; then the done route."),
    .required_message = N_("Choose the list to go through, such as <callApi.body.items>") },
  { NULL },
};

static void
flows_stage_kind_for_each_execute (FlowsStageKind    *kind,
                                   FlowsStage        *stage,
                                   FlowsStageContext *context)
{
  const char *list_text = flows_settings_get_string (flows_stage_get_settings (stage), "list");
  g_autoptr(JsonObject) resolved = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) list = NULL;
  JsonArray *items;

  if (!flows_stage_context_is_single_reference (list_text))
    {
      flows_stage_context_fail (context, NULL,
                                g_error_new (FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_INVALID_SETTING,
                                             _("list: name one list with a single reference, such as <call.body.items>")));
      return;
    }
  if (!(list = flows_stage_context_evaluate (context, "list", list_text, &error)))
    {
      flows_stage_context_fail (context, NULL, g_steal_pointer (&error));
      return;
    }
  if (!JSON_NODE_HOLDS_ARRAY (list))
    {
      g_autofree char *text = flows_json_to_text (list);

      flows_stage_context_fail (context, NULL,
                                g_error_new (FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_INVALID_VALUE,
                                             _("list: %s is not a list but “%s”"), list_text, text != NULL ? text : "null"));
      return;
    }

  items = json_node_get_array (list);
  json_object_set_int_member (resolved, "count", json_array_get_length (items));

  if (json_array_get_length (items) == 0 || flows_stage_get_route (stage, "each") == NULL)
    {
      flows_stage_context_finish (context, "done", NULL, json_object_ref (resolved), NULL);
      return;
    }

  flows_stage_context_start_loop (context, items);
  flows_stage_context_finish (context, "each", NULL, json_object_ref (resolved), NULL);
}

static void
flows_stage_kind_for_each_add_to_scope (FlowsStageKind    *kind,
                                        FlowsStage        *stage,
                                        FlowsApp          *app,
                                        FlowsScopeOutputs *outputs)
{
  flows_scope_outputs_add_field (outputs, "item", _("The current item (%s) of “%s”"));
  flows_scope_outputs_add_field (outputs, "index", _("The index of the current item (%s) of “%s”"));
}

static void
flows_stage_kind_for_each_class_init (FlowsStageKindForEachClass *klass)
{
  FlowsStageKindClass *kind_class = FLOWS_STAGE_KIND_CLASS (klass);

  kind_class->execute = flows_stage_kind_for_each_execute;
  kind_class->add_to_scope = flows_stage_kind_for_each_add_to_scope;

  flows_stage_kind_class_set_metadata (kind_class, "for-each", N_("For Each"), "view-list-symbolic",
                                       N_("Runs the each route once per item of a list"));
  flows_stage_kind_class_set_routes (kind_class, routes);
  flows_stage_kind_class_set_settings (kind_class, settings);
}

static void
flows_stage_kind_for_each_init (FlowsStageKindForEach *self)
{
}
