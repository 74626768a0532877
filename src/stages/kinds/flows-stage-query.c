/* flows-stage-query.c — the query parameters of Build URL and Call API */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "flows-stage-query.h"

const FlowsSettingSpec flows_stage_query_members[] = {
  FLOWS_SETTING_SPEC_NAME,
  FLOWS_SETTING_SPEC_VALUE,
  { .member = "omitWhenEmpty", .type = FLOWS_SETTING_BOOLEAN, .label = N_("Omit when empty") },
  { NULL },
};
