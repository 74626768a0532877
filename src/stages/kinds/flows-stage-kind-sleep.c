/* flows-stage-kind-sleep.c — the Sleep stage type
 *
 * {"seconds": number}
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "flows-stage-kind-sleep.h"

struct _FlowsStageKindSleep
{
  FlowsStageKind parent_instance;
};

G_DEFINE_FINAL_TYPE (FlowsStageKindSleep, flows_stage_kind_sleep, FLOWS_TYPE_STAGE_KIND)

static const FlowsStageRoute routes[] = {
  { "success", NC_("route", "success") },
  { NULL },
};

static const FlowsSettingSpec settings[] = {
  { .member = "seconds", .type = FLOWS_SETTING_NUMBER, .flags = FLOWS_SETTING_REQUIRED, .label = N_("Duration"),
    .description = N_("Seconds"), .group = N_("Wait"), .required_message = N_("Enter how many seconds to wait"),
    .default_number = 1, .minimum = 0, .maximum = 3600, .digits = 1 },
  { NULL },
};

static void
flows_stage_kind_sleep_validate (FlowsStageKind  *kind,
                                 FlowsStage      *stage,
                                 FlowsStageCheck *check)
{
  JsonNode *seconds = json_object_get_member (flows_stage_get_settings (stage), "seconds");

  FLOWS_STAGE_KIND_CLASS (flows_stage_kind_sleep_parent_class)->validate (kind, stage, check);

  /* Not a number: the base class said so. */
  if (seconds != NULL && JSON_NODE_HOLDS_VALUE (seconds) &&
      (json_node_get_value_type (seconds) == G_TYPE_INT64 || json_node_get_value_type (seconds) == G_TYPE_DOUBLE) &&
      json_node_get_double (seconds) < 0)
    flows_stage_check_add_problem (check, stage, "seconds", _("A stage cannot wait a negative number of seconds"));
}

static void
flows_stage_kind_sleep_class_init (FlowsStageKindSleepClass *klass)
{
  FlowsStageKindClass *kind_class = FLOWS_STAGE_KIND_CLASS (klass);

  kind_class->validate = flows_stage_kind_sleep_validate;

  flows_stage_kind_class_set_metadata (kind_class, "sleep", N_("Sleep"), "alarm-symbolic", N_("Waits before going on"));
  flows_stage_kind_class_set_routes (kind_class, routes);
  flows_stage_kind_class_set_settings (kind_class, settings);
}

static void
flows_stage_kind_sleep_init (FlowsStageKindSleep *self)
{
}
