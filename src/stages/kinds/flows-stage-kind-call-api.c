/* flows-stage-kind-call-api.c — the Call API stage type
 *
 * {"method": GET|POST|PUT|PATCH|DELETE|HEAD, "uriBase", "uriPath",
 *  "query": [{"name", "value", "omitWhenEmpty"?}], "headers": [{"name", "value"}],
 *  "body": {"kind": "none"}
 *        | {"kind": "json", "fields": [{"name", "value", "type"?: string|number|boolean|json}]}
 *        | {"kind": "form", "fields": [{"name", "value"}]}
 *        | {"kind": "raw", "contentType", "text"},
 *  "timeout": seconds, "useOAuthToken": bool, "successStatus": {"min", "max"}}
 * Outputs: <key.status>, <key.headers.NAME> (lower case), <key.body…>, <key.size>,
 * <key.contentType>. A status outside the success range, like any error, takes the fail route.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "flows-stage-kind-call-api.h"
#include "flows-stage-query.h"

struct _FlowsStageKindCallApi
{
  FlowsStageKind parent_instance;
};

G_DEFINE_FINAL_TYPE (FlowsStageKindCallApi, flows_stage_kind_call_api, FLOWS_TYPE_STAGE_KIND)

static const FlowsStageRoute routes[] = {
  { "success", NC_("route", "success") },
  { "fail", NC_("route", "fail"), TRUE },
  { NULL },
};

static const FlowsSettingChoice methods[] = {
  { "GET" }, { "POST" }, { "PUT" }, { "PATCH" }, { "DELETE" }, { "HEAD" },
  { NULL },
};

static const FlowsSettingSpec name_value_members[] = {
  FLOWS_SETTING_SPEC_NAME,
  FLOWS_SETTING_SPEC_VALUE,
  { NULL },
};

static const FlowsSettingChoice json_types[] = {
  { "string", N_("Text") },
  { "number", N_("Number") },
  { "boolean", N_("Yes or No") },
  { "json", N_("JSON") },
  { NULL },
};

static const FlowsSettingSpec json_field_members[] = {
  FLOWS_SETTING_SPEC_NAME,
  FLOWS_SETTING_SPEC_VALUE,
  { .member = "type", .type = FLOWS_SETTING_CHOICE, .label = N_("Type"), .choices = json_types },
  { NULL },
};

static const FlowsSettingSpec json_body[] = {
  { .member = "fields", .type = FLOWS_SETTING_LIST, .label = N_("JSON Fields"),
    .description = N_("Sent as a JSON object; values are escaped."),
    .add_label = N_("Add JSON Field"), .item_noun = N_("JSON field %u"), .members = json_field_members },
  { NULL },
};

static const FlowsSettingSpec form_body[] = {
  { .member = "fields", .type = FLOWS_SETTING_LIST, .label = N_("Form Fields"),
    .description = N_("Sent as application/x-www-form-urlencoded; values are encoded."),
    .add_label = N_("Add Form Field"), .item_noun = N_("Form field %u"), .members = name_value_members },
  { NULL },
};

static const FlowsSettingSpec raw_body[] = {
  { .member = "contentType", .type = FLOWS_SETTING_TEXT, .flags = FLOWS_SETTING_REFERENCES,
    .label = N_("Content Type"), .default_text = "application/json" },
  { .member = "text", .type = FLOWS_SETTING_TEXT, .flags = FLOWS_SETTING_REFERENCES | FLOWS_SETTING_MULTILINE,
    .label = N_("Body Text") },
  { NULL },
};

static const FlowsSettingChoice body_kinds[] = {
  { "none", N_("None") },
  { "json", N_("JSON Fields"), json_body },
  { "form", N_("Form Fields"), form_body },
  { "raw", N_("Raw Text"), raw_body },
  { NULL },
};

static const FlowsSettingSpec body_members[] = {
  { .member = "kind", .type = FLOWS_SETTING_CHOICE, .flags = FLOWS_SETTING_LITERAL, .label = N_("Kind"),
    .choices = body_kinds },
  { NULL },
};

static const FlowsSettingSpec status_members[] = {
  { .member = "min", .type = FLOWS_SETTING_NUMBER, .label = N_("Lowest success status"),
    .default_number = 200, .minimum = 100, .maximum = 599 },
  { .member = "max", .type = FLOWS_SETTING_NUMBER, .label = N_("Highest success status"),
    .default_number = 299, .minimum = 100, .maximum = 599 },
  { NULL },
};

static const FlowsSettingSpec settings[] = {
  { .member = "method", .type = FLOWS_SETTING_CHOICE, .flags = FLOWS_SETTING_LITERAL, .label = N_("Method"),
    .group = N_("Request"), .choices = methods },
  { .member = "uriBase", .type = FLOWS_SETTING_TEXT, .flags = FLOWS_SETTING_REFERENCES | FLOWS_SETTING_REQUIRED,
    .label = N_("URI Base"), .group = N_("Request"),
    .required_message = N_("Enter the URI base: the address the request goes to") },
  { .member = "uriPath", .type = FLOWS_SETTING_TEXT, .flags = FLOWS_SETTING_REFERENCES, .label = N_("URI Path"),
    .group = N_("Request") },
  FLOWS_STAGE_QUERY_SETTING,
  { .member = "headers", .type = FLOWS_SETTING_LIST, .label = N_("Headers"), .add_label = N_("Add Header"),
    .item_noun = N_("Header %u"), .members = name_value_members },
  { .member = "body", .type = FLOWS_SETTING_OBJECT, .label = N_("Body"), .group = N_("Body"),
    .members = body_members },
  { .member = "timeout", .type = FLOWS_SETTING_NUMBER, .label = N_("Timeout"),
    .description = N_("Seconds to wait for the response"), .group = N_("Response"),
    .default_number = 30, .minimum = 1, .maximum = 3600 },
  { .member = "useOAuthToken", .type = FLOWS_SETTING_BOOLEAN, .label = N_("Use the Connection’s OAuth Token"),
    .description = N_("Sends the signed-in connection’s access token, refreshed when it expires"),
    .group = N_("Response") },
  { .member = "successStatus", .type = FLOWS_SETTING_OBJECT, .label = N_("Success Status"),
    .description = N_("A response in this range takes the success route"), .group = N_("Response"),
    .members = status_members },
  { NULL },
};

static void
flows_stage_kind_call_api_add_to_scope (FlowsStageKind    *kind,
                                        FlowsStage        *stage,
                                        FlowsApp          *app,
                                        FlowsScopeOutputs *outputs)
{
  flows_scope_outputs_add_field (outputs, "status", _("The HTTP status code (%s) of “%s”"));
  flows_scope_outputs_add_field (outputs, "headers", _("The response headers (%s.NAME, lower case) of “%s”"));
  flows_scope_outputs_add_field (outputs, "body", _("The response body (%s, with .field paths when JSON) of “%s”"));
  flows_scope_outputs_add_field (outputs, "size", _("The size of the response body (%s) of “%s”"));
  flows_scope_outputs_add_field (outputs, "contentType", _("The content type (%s) of the response of “%s”"));
}

static void
flows_stage_kind_call_api_class_init (FlowsStageKindCallApiClass *klass)
{
  FlowsStageKindClass *kind_class = FLOWS_STAGE_KIND_CLASS (klass);

  kind_class->add_to_scope = flows_stage_kind_call_api_add_to_scope;

  flows_stage_kind_class_set_metadata (kind_class, "call-api", N_("Call API"), "network-transmit-receive-symbolic",
                                       N_("Sends an HTTP request and reads the response"));
  flows_stage_kind_class_set_routes (kind_class, routes);
  flows_stage_kind_class_set_settings (kind_class, settings);
}

static void
flows_stage_kind_call_api_init (FlowsStageKindCallApi *self)
{
}
