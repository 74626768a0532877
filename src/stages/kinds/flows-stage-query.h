/* flows-stage-query.h — the query parameters of Build URL and Call API */
#pragma once

#include "flows-setting-spec.h"
#include "flows-stage-context.h"

G_BEGIN_DECLS

/* [{"name", "value", "omitWhenEmpty": bool}]: names and values are percent-encoded; a
 * parameter whose value expands to "" is left out when it says so. */
extern const FlowsSettingSpec flows_stage_query_members[];

#define FLOWS_STAGE_QUERY_SETTING \
  { .member = "query", .type = FLOWS_SETTING_LIST, .label = N_("Query Parameters"), \
    .add_label = N_("Add Query Parameter"), .item_noun = N_("Query parameter %u"), \
    .members = flows_stage_query_members }

/* Appends the query parameters of @settings to @url, percent-encoded, before any fragment; FALSE
 * with @error when a name or value cannot be expanded. */
gboolean flows_stage_query_append (FlowsStageContext  *context,
                                   GString            *url,
                                   JsonObject         *settings,
                                   GError            **error);

G_END_DECLS
