/* flows-stage-catalog.h — what each stage type is: its name, icon, routes and settings.
 *
 * Settings are a JSON object per stage. String settings are templates (flows-expression.h);
 * numbers and booleans are plain. The shapes, by type:
 *
 * trigger          {"inputs": [{"name", "required": bool, "default", "sample"}]}
 *                  outputs: the inputs, by name (also reachable as <name> and <key.name>)
 * set-fields       {"fields": [{"name", "value", "whenEmpty"?}]}
 *                  a field whose value expands to "" takes "whenEmpty" instead
 *                  outputs: <key.name> for each field
 * build-url        {"base", "query": [{"name", "value", "omitWhenEmpty": bool}], "resultField"}
 *                  names and values are percent-encoded; outputs: <key.resultField>
 * call-api         {"method": GET|POST|PUT|PATCH|DELETE|HEAD, "uriBase", "uriPath",
 *                   "query": [{"name", "value", "omitWhenEmpty"?}], "headers": [{"name", "value"}],
 *                   "body": {"kind": "none"}
 *                         | {"kind": "json", "fields": [{"name", "value", "type"?: string|number|boolean|json}]}
 *                         | {"kind": "form", "fields": [{"name", "value"}]}
 *                         | {"kind": "raw", "contentType", "text"},
 *                   "timeout": seconds, "useOAuthToken": bool, "successStatus": {"min", "max"}}
 *                  outputs: <key.status>, <key.headers.NAME> (lower case), <key.body…>,
 *                  <key.size>, <key.contentType>; routes success, fail
 * route-flow       {"match": "all"|"any", "conditions": [{"field", "comparator", "value"}]}
 *                  routes pass, fail
 * call-flow        {"flow": flow id, "inputs": [{"name", "value"}]}
 *                  outputs: the called flow's response; routes success, fail
 * add-to-response  {"fields": [{"name", "value", "mode": "fixed"|"dynamic", "optional"?: bool}]}
 *                  fixed values are taken when the stage runs, dynamic ones when the flow ends;
 *                  an optional field whose reference resolves to nothing is left out
 * sleep            {"seconds": number}
 * for-each         {"list": "<a.reference.to.a.list>"}
 *                  the "each" route runs once per item with <key.item> and <key.index>, then
 *                  the "done" route
 */
#pragma once

#include <json-glib/json-glib.h>

#include "flows-types.h"

G_BEGIN_DECLS

typedef struct
{
  FlowsStageType      stage_type;
  const char         *name;        /* translated display name */
  const char         *icon_name;
  const char         *description; /* translated, one line */
  /* The routes a stage of this type can take, in display order, NULL-terminated. */
  const char * const *outputs;
} FlowsStageInfo;

const FlowsStageInfo *flows_stage_catalog_lookup            (FlowsStageType stage_type);
/* Settings for a new stage of @stage_type: every member present, empty lists. */
JsonObject           *flows_stage_catalog_default_settings  (FlowsStageType stage_type);
/* TRUE when @output is one of the routes of @stage_type. */
gboolean              flows_stage_catalog_has_output        (FlowsStageType stage_type,
                                                             const char    *output);

/* String comparators of Route Flow conditions, then the numeric ones. */
const char * const   *flows_stage_catalog_comparators       (void);
gboolean              flows_stage_catalog_comparator_is_numeric (const char *comparator);
/* A route's name for people ("success" → "success", translated); @output itself when it is
 * not one of the catalogue's. */
const char           *flows_stage_catalog_output_label        (const char *output);

G_END_DECLS
