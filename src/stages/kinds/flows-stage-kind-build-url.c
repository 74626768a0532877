/* flows-stage-kind-build-url.c — the Build URL stage type
 *
 * {"base", "query": [{"name", "value", "omitWhenEmpty": bool}], "resultField"}
 * Names and values are percent-encoded. Outputs: <key.resultField>, "url" when it is empty.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "flows-stage-kind-build-url.h"
#include "flows-stage-query.h"
#include "flows-stage-settings.h"

struct _FlowsStageKindBuildUrl
{
  FlowsStageKind parent_instance;
};

G_DEFINE_FINAL_TYPE (FlowsStageKindBuildUrl, flows_stage_kind_build_url, FLOWS_TYPE_STAGE_KIND)

static const FlowsStageRoute routes[] = {
  { "success", NC_("route", "success") },
  { NULL },
};

static const FlowsSettingSpec settings[] = {
  { .member = "base", .type = FLOWS_SETTING_TEXT, .flags = FLOWS_SETTING_REFERENCES | FLOWS_SETTING_REQUIRED,
    .label = N_("Base URL"), .group = N_("URL"), .required_message = N_("Enter the base URL to build on") },
  FLOWS_STAGE_QUERY_SETTING,
  { .member = "resultField", .type = FLOWS_SETTING_TEXT, .label = N_("Result Field"), .group = N_("URL"),
    .default_text = "url" },
  { NULL },
};

static void
flows_stage_kind_build_url_execute (FlowsStageKind    *kind,
                                    FlowsStage        *stage,
                                    FlowsStageContext *context)
{
  JsonObject *settings = flows_stage_get_settings (stage);
  g_autoptr(JsonObject) outputs = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *base = flows_stage_context_expand (context, "base", flows_settings_get_string (settings, "base"),
                                                      FLOWS_EXPANSION_TEXT, &error);
  const char *result_field = flows_settings_get_string (settings, "resultField");
  g_autoptr(GString) url = NULL;

  if (base == NULL)
    {
      flows_stage_context_fail (context, NULL, g_steal_pointer (&error));
      return;
    }

  url = g_string_new (base);
  if (!flows_stage_query_append (context, url, settings, &error))
    {
      flows_stage_context_fail (context, NULL, g_steal_pointer (&error));
      return;
    }

  json_object_set_string_member (outputs, *result_field != '\0' ? result_field : "url", url->str);
  flows_stage_context_finish (context, "success", json_node_init_object (json_node_alloc (), outputs),
                              json_object_ref (outputs), NULL);
}

static void
flows_stage_kind_build_url_add_to_scope (FlowsStageKind    *kind,
                                         FlowsStage        *stage,
                                         FlowsApp          *app,
                                         FlowsScopeOutputs *outputs)
{
  const char *result = flows_stage_get_string_setting (stage, "resultField");

  /* The stage calls an unnamed result "url". */
  flows_scope_outputs_add_field (outputs, result != NULL && *result != '\0' ? result : "url",
                                 _("The URL “%s” built by “%s”"));
}

static void
flows_stage_kind_build_url_class_init (FlowsStageKindBuildUrlClass *klass)
{
  FlowsStageKindClass *kind_class = FLOWS_STAGE_KIND_CLASS (klass);

  kind_class->execute = flows_stage_kind_build_url_execute;
  kind_class->add_to_scope = flows_stage_kind_build_url_add_to_scope;

  flows_stage_kind_class_set_metadata (kind_class, "build-url", N_("Build URL"), "insert-link-symbolic",
                                       N_("Builds a URL with encoded query parameters"));
  flows_stage_kind_class_set_routes (kind_class, routes);
  flows_stage_kind_class_set_settings (kind_class, settings);
}

static void
flows_stage_kind_build_url_init (FlowsStageKindBuildUrl *self)
{
}
