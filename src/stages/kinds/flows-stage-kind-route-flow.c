/* flows-stage-kind-route-flow.c — the Route Flow stage type
 *
 * {"match": "all"|"any", "conditions": [{"field", "comparator", "value"}]}
 * Takes the pass route when the conditions hold, the fail route otherwise. Outputs:
 * <key.result>, and <key.conditions>, whether each held.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "flows-stage-kind-route-flow.h"
#include "flows-stage-settings.h"

struct _FlowsStageKindRouteFlow
{
  FlowsStageKind parent_instance;
};

G_DEFINE_FINAL_TYPE (FlowsStageKindRouteFlow, flows_stage_kind_route_flow, FLOWS_TYPE_STAGE_KIND)

static const FlowsStageRoute routes[] = {
  { "pass", NC_("route", "pass") },
  { "fail", NC_("route", "fail") },
  { NULL },
};

static const FlowsSettingChoice match_choices[] = {
  { "all", N_("All Conditions (AND)") },
  { "any", N_("Any Condition (OR)") },
  { NULL },
};

/* The string comparators, then from FIRST_NUMERIC the numeric ones. */
static const FlowsSettingChoice comparators[] = {
  { "Equal", N_("Is equal to") },
  { "NotEqual", N_("Is not equal to") },
  { "Contains", N_("Contains") },
  { "DoesNotContain", N_("Does not contain") },
  { "StartsWith", N_("Starts with") },
  { "EndsWith", N_("Ends with") },
  { "IsEmpty", N_("Is empty") },
  { "IsNotEmpty", N_("Is not empty") },
  { "NumberEqual", N_("Number is equal to") },
  { "NumberNotEqual", N_("Number is not equal to") },
  { "GreaterThan", N_("Number is greater than") },
  { "GreaterThanEqual", N_("Number is at least") },
  { "LessThan", N_("Number is less than") },
  { "LessThanEqual", N_("Number is at most") },
  { NULL },
};
#define FIRST_NUMERIC 8

static const FlowsSettingSpec condition_members[] = {
  { .member = "field", .type = FLOWS_SETTING_TEXT, .flags = FLOWS_SETTING_REFERENCES, .label = N_("Field") },
  { .member = "comparator", .type = FLOWS_SETTING_CHOICE, .flags = FLOWS_SETTING_LITERAL,
    .label = N_("Comparator"), .choices = comparators },
  FLOWS_SETTING_SPEC_VALUE,
  { NULL },
};

static const FlowsSettingSpec settings[] = {
  { .member = "match", .type = FLOWS_SETTING_CHOICE, .flags = FLOWS_SETTING_LITERAL, .label = N_("Pass When"),
    .group = N_("Route"),
    .group_description = N_("The pass route is taken when the conditions hold, the fail route otherwise."),
    .choices = match_choices },
  { .member = "conditions", .type = FLOWS_SETTING_LIST, .label = N_("Conditions"),
    .add_label = N_("Add Condition"), .item_noun = N_("Condition %u"), .members = condition_members },
  { NULL },
};

/* TRUE for the comparators that compare numbers. */
static gboolean
comparator_is_numeric (const char *comparator)
{
  if (comparator == NULL)
    return FALSE;
  for (guint i = FIRST_NUMERIC; comparators[i].value != NULL; i++)
    if (g_str_equal (comparators[i].value, comparator))
      return TRUE;
  return FALSE;
}

static gboolean
parse_number (const char  *text,
              const char  *setting,
              double      *number,
              GError     **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  char *end = NULL;

  *number = g_ascii_strtod (trimmed, &end);
  if (*trimmed == '\0' || *end != '\0')
    {
      g_set_error (error, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_INVALID_VALUE,
                   _("%s: “%s” is not a number"), setting, text);
      return FALSE;
    }
  return TRUE;
}

/* Whether one condition holds; FALSE with @error set when it cannot be evaluated. The field,
 * the value as expanded and the outcome go to @resolved, for the trace. */
static gboolean
evaluate_condition (FlowsStageContext  *context,
                    JsonObject         *condition,
                    guint               index,
                    JsonObject         *resolved,
                    gboolean           *holds,
                    GError            **error)
{
  const char *comparator = flows_settings_get_string (condition, "comparator");
  g_autofree char *field_setting = g_strdup_printf ("conditions[%u].field", index);
  g_autofree char *value_setting = g_strdup_printf ("conditions[%u].value", index);
  g_autoptr(GPtrArray) unresolved = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *field = NULL;
  g_autofree char *value = NULL;

  /* A field that resolves to nothing is empty text: "Is it empty?" is also the way to ask
   * whether something is there at all (an "error" member in an HTTP 200 body), and "Is equal
   * to" compares "" with the value. The trace says which references were missing. */
  field = flows_stage_context_expand_or_empty (context, field_setting, flows_settings_get_string (condition, "field"),
                                               unresolved, error);
  if (field == NULL)
    return FALSE;
  json_object_set_string_member (resolved, "field", field);
  json_object_set_string_member (resolved, "comparator", comparator);
  if (unresolved->len > 0)
    {
      JsonArray *missing = json_array_sized_new (unresolved->len);

      for (guint i = 0; i < unresolved->len; i++)
        json_array_add_string_element (missing, g_ptr_array_index (unresolved, i));
      json_object_set_array_member (resolved, "resolvesToNothing", missing);
    }

  if (g_str_equal (comparator, "IsEmpty") || g_str_equal (comparator, "IsNotEmpty"))
    {
      *holds = (*field == '\0') == g_str_equal (comparator, "IsEmpty");
      return TRUE;
    }

  if (!(value = flows_stage_context_expand (context, value_setting, flows_settings_get_string (condition, "value"),
                                            FLOWS_EXPANSION_TEXT, error)))
    return FALSE;
  json_object_set_string_member (resolved, "value", value);

  if (comparator_is_numeric (comparator))
    {
      double a, b;

      if (unresolved->len > 0)
        {
          g_set_error (error, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_INVALID_VALUE,
                       _("%s: %s resolves to nothing, so there is no number to compare"),
                       field_setting, (const char *) g_ptr_array_index (unresolved, 0));
          return FALSE;
        }
      if (!parse_number (field, field_setting, &a, error) || !parse_number (value, value_setting, &b, error))
        return FALSE;

      if (g_str_equal (comparator, "NumberEqual"))
        *holds = a == b;
      else if (g_str_equal (comparator, "NumberNotEqual"))
        *holds = a != b;
      else if (g_str_equal (comparator, "GreaterThan"))
        *holds = a > b;
      else if (g_str_equal (comparator, "GreaterThanEqual"))
        *holds = a >= b;
      else if (g_str_equal (comparator, "LessThan"))
        *holds = a < b;
      else
        *holds = a <= b;
      return TRUE;
    }

  if (g_str_equal (comparator, "Equal"))
    *holds = g_str_equal (field, value);
  else if (g_str_equal (comparator, "NotEqual"))
    *holds = !g_str_equal (field, value);
  else if (g_str_equal (comparator, "Contains"))
    *holds = strstr (field, value) != NULL;
  else if (g_str_equal (comparator, "DoesNotContain"))
    *holds = strstr (field, value) == NULL;
  else if (g_str_equal (comparator, "StartsWith"))
    *holds = g_str_has_prefix (field, value);
  else if (g_str_equal (comparator, "EndsWith"))
    *holds = g_str_has_suffix (field, value);
  else
    {
      g_set_error (error, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_INVALID_SETTING,
                   _("conditions[%u].comparator: “%s” is not a comparator"), index, comparator);
      return FALSE;
    }
  return TRUE;
}

static void
flows_stage_kind_route_flow_execute (FlowsStageKind    *kind,
                                     FlowsStage        *stage,
                                     FlowsStageContext *context)
{
  JsonObject *settings = flows_stage_get_settings (stage);
  g_autoptr(GPtrArray) conditions = flows_settings_get_entries (settings, "conditions");
  gboolean any = g_str_equal (flows_settings_get_string (settings, "match"), "any");
  g_autoptr(JsonObject) outputs = json_object_new ();
  g_autoptr(JsonObject) resolved = json_object_new ();
  JsonArray *results = json_array_new ();
  JsonArray *resolved_conditions = json_array_new ();
  /* All of none holds; any of none does not. */
  gboolean passed = !any;

  json_object_set_array_member (outputs, "conditions", results);
  json_object_set_string_member (resolved, "match", any ? "any" : "all");
  json_object_set_array_member (resolved, "conditions", resolved_conditions);
  for (guint i = 0; i < conditions->len; i++)
    {
      g_autoptr(GError) error = NULL;
      JsonObject *resolved_condition = json_object_new ();
      gboolean holds;

      json_array_add_object_element (resolved_conditions, resolved_condition);
      if (!evaluate_condition (context, g_ptr_array_index (conditions, i), i, resolved_condition, &holds, &error))
        {
          flows_stage_context_fail (context, g_steal_pointer (&resolved), g_steal_pointer (&error));
          return;
        }
      json_object_set_boolean_member (resolved_condition, "holds", holds);
      json_array_add_boolean_element (results, holds);
      passed = any ? (passed || holds) : (passed && holds);
    }

  json_object_set_boolean_member (outputs, "result", passed);
  flows_stage_context_finish (context, passed ? "pass" : "fail",
                              json_node_init_object (json_node_alloc (), outputs),
                              g_steal_pointer (&resolved), NULL);
}

static void
flows_stage_kind_route_flow_add_to_scope (FlowsStageKind    *kind,
                                          FlowsStage        *stage,
                                          FlowsApp          *app,
                                          FlowsScopeOutputs *outputs)
{
  flows_scope_outputs_add_field (outputs, "result", _("Whether the conditions held (%s) in “%s”"));
}

static void
flows_stage_kind_route_flow_class_init (FlowsStageKindRouteFlowClass *klass)
{
  FlowsStageKindClass *kind_class = FLOWS_STAGE_KIND_CLASS (klass);

  kind_class->execute = flows_stage_kind_route_flow_execute;
  kind_class->add_to_scope = flows_stage_kind_route_flow_add_to_scope;

  flows_stage_kind_class_set_metadata (kind_class, "route-flow", N_("Route Flow"), "media-playlist-shuffle-symbolic",
                                       N_("Takes the pass or fail route by conditions"));
  flows_stage_kind_class_set_routes (kind_class, routes);
  flows_stage_kind_class_set_settings (kind_class, settings);
}

static void
flows_stage_kind_route_flow_init (FlowsStageKindRouteFlow *self)
{
}
