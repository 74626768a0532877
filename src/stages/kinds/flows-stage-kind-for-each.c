/* flows-stage-kind-for-each.c — the For Each stage type
 *
 * {"list": "<a.reference.to.a.list>"}
 * The "each" route runs once per item with <key.item> and <key.index>, then the "done" route.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "flows-stage-kind-for-each.h"

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
