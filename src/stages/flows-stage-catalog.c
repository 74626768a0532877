/* flows-stage-catalog.c — the stage types (docs/ARCHITECTURE.md, "Stage types") */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "flows-stage-catalog.h"

static const char * const next_only[] = { "success", NULL };
static const char * const success_or_fail[] = { "success", "fail", NULL };
static const char * const pass_or_fail[] = { "pass", "fail", NULL };
static const char * const each_then_done[] = { "each", "done", NULL };

/* Indexed by FlowsStageType. Names are translated on lookup. */
static const FlowsStageInfo catalog[] = {
  { FLOWS_STAGE_TYPE_TRIGGER, N_("Trigger"), "media-playback-start-symbolic",
    N_("Where the flow starts, with its inputs"), next_only },
  { FLOWS_STAGE_TYPE_SET_FIELDS, N_("Set Fields"), "document-edit-symbolic",
    N_("Names values for the stages that follow"), next_only },
  { FLOWS_STAGE_TYPE_BUILD_URL, N_("Build URL"), "insert-link-symbolic",
    N_("Builds a URL with encoded query parameters"), next_only },
  { FLOWS_STAGE_TYPE_CALL_API, N_("Call API"), "network-transmit-receive-symbolic",
    N_("Sends an HTTP request and reads the response"), success_or_fail },
  { FLOWS_STAGE_TYPE_ROUTE_FLOW, N_("Route Flow"), "media-playlist-shuffle-symbolic",
    N_("Takes the pass or fail route by conditions"), pass_or_fail },
  { FLOWS_STAGE_TYPE_CALL_FLOW, N_("Call Flow"), "emblem-shared-symbolic",
    N_("Runs a private flow of the App"), success_or_fail },
  { FLOWS_STAGE_TYPE_ADD_TO_RESPONSE, N_("Add To Response"), "mail-reply-sender-symbolic",
    N_("Adds fields to what the flow returns"), next_only },
  { FLOWS_STAGE_TYPE_SLEEP, N_("Sleep"), "alarm-symbolic",
    N_("Waits before going on"), next_only },
  { FLOWS_STAGE_TYPE_FOR_EACH, N_("For Each"), "view-list-symbolic",
    N_("Runs the each route once per item of a list"), each_then_done },
};

static const char * const default_settings[] = {
  [FLOWS_STAGE_TYPE_TRIGGER] = "{\"inputs\":[]}",
  [FLOWS_STAGE_TYPE_SET_FIELDS] = "{\"fields\":[]}",
  [FLOWS_STAGE_TYPE_BUILD_URL] = "{\"base\":\"\",\"query\":[],\"resultField\":\"url\"}",
  [FLOWS_STAGE_TYPE_CALL_API] =
    "{\"method\":\"GET\",\"uriBase\":\"\",\"uriPath\":\"\",\"query\":[],\"headers\":[],"
    "\"body\":{\"kind\":\"none\"},\"timeout\":30,\"useOAuthToken\":false,"
    "\"successStatus\":{\"min\":200,\"max\":299}}",
  [FLOWS_STAGE_TYPE_ROUTE_FLOW] = "{\"match\":\"all\",\"conditions\":[]}",
  [FLOWS_STAGE_TYPE_CALL_FLOW] = "{\"flow\":\"\",\"inputs\":[]}",
  [FLOWS_STAGE_TYPE_ADD_TO_RESPONSE] = "{\"fields\":[]}",
  [FLOWS_STAGE_TYPE_SLEEP] = "{\"seconds\":1}",
  [FLOWS_STAGE_TYPE_FOR_EACH] = "{\"list\":\"\"}",
};

static const char * const comparators[] = {
  "Equal", "NotEqual", "Contains", "DoesNotContain", "StartsWith", "EndsWith", "IsEmpty", "IsNotEmpty",
  "NumberEqual", "NumberNotEqual", "GreaterThan", "GreaterThanEqual", "LessThan", "LessThanEqual",
  NULL
};
/* comparators[FIRST_NUMERIC…] compare numbers */
#define FIRST_NUMERIC 8

const FlowsStageInfo *
flows_stage_catalog_lookup (FlowsStageType stage_type)
{
  static FlowsStageInfo translated[G_N_ELEMENTS (catalog)];
  static gsize initialized;

  g_return_val_if_fail (stage_type < G_N_ELEMENTS (catalog), NULL);

  if (g_once_init_enter (&initialized))
    {
      for (guint i = 0; i < G_N_ELEMENTS (catalog); i++)
        {
          translated[i] = catalog[i];
          translated[i].name = _(catalog[i].name);
          translated[i].description = _(catalog[i].description);
        }
      g_once_init_leave (&initialized, 1);
    }

  return &translated[stage_type];
}

JsonObject *
flows_stage_catalog_default_settings (FlowsStageType stage_type)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (stage_type < G_N_ELEMENTS (default_settings), NULL);

  node = json_from_string (default_settings[stage_type], NULL);
  return json_object_ref (json_node_get_object (node));
}

gboolean
flows_stage_catalog_has_output (FlowsStageType  stage_type,
                                const char     *output)
{
  g_return_val_if_fail (stage_type < G_N_ELEMENTS (catalog), FALSE);

  return output != NULL && g_strv_contains ((const char * const *)catalog[stage_type].outputs, output);
}

const char * const *
flows_stage_catalog_comparators (void)
{
  return comparators;
}

gboolean
flows_stage_catalog_comparator_is_numeric (const char *comparator)
{
  return comparator != NULL && g_strv_contains (comparators + FIRST_NUMERIC, comparator);
}

const char *
flows_stage_catalog_output_label (const char *output)
{
  g_return_val_if_fail (output != NULL, NULL);

  if (g_str_equal (output, "success"))
    return C_("route", "success");
  if (g_str_equal (output, "fail"))
    return C_("route", "fail");
  if (g_str_equal (output, "pass"))
    return C_("route", "pass");
  if (g_str_equal (output, "each"))
    return C_("route", "each");
  if (g_str_equal (output, "done"))
    return C_("route", "done");
  return output;
}
