/* test-stage-registry.c — every registered stage type, one case per type: its stored name, its
 * default settings against its own description and validation, its routes against the
 * catalogue; and the registry as a whole against FlowsStageType.
 */
#include "flows-enums.h"
#include "flows-stage-catalog.h"
#include "flows-stage-registry.h"
#include "flows-validate.h"

/* The stored name leads to the type and back, by name and by FlowsStageType; the type has what
 * the palette shows and can run. */
static void
test_name_round_trip (gconstpointer data)
{
  FlowsStageKind *kind = (FlowsStageKind *) data;
  const char *name = flows_stage_kind_get_name (kind);
  int stage_type;

  g_assert_true (flows_stage_registry_lookup_name (name) == kind);
  g_assert_true (flows_enum_from_nick (FLOWS_TYPE_STAGE_TYPE, name, &stage_type));
  g_assert_cmpint (stage_type, ==, flows_stage_kind_get_stage_type (kind));
  g_assert_true (flows_stage_registry_lookup (stage_type) == kind);
  g_assert_cmpstr (flows_enum_to_nick (FLOWS_TYPE_STAGE_TYPE, stage_type), ==, name);
  g_assert_true (flows_stage_catalog_lookup (stage_type) == flows_stage_kind_get_info (kind));

  g_assert_cmpstr (flows_stage_kind_get_display_name (kind), !=, "");
  g_assert_cmpstr (flows_stage_kind_get_description (kind), !=, "");
  g_assert_true (g_str_has_suffix (flows_stage_kind_get_icon_name (kind), "-symbolic"));
  /* Every type can run. */
  g_assert_nonnull (FLOWS_STAGE_KIND_GET_CLASS (kind)->execute);
}

/* A stage with the defaults, after a Trigger, has no problem but the required texts its
 * description leaves without a default, each with its message. */
static void
test_defaults_validate (gconstpointer data)
{
  FlowsStageKind *kind = (FlowsStageKind *) data;
  FlowsStageType stage_type = flows_stage_kind_get_stage_type (kind);
  g_autoptr(FlowsApp) app = flows_app_new ("app-registry", "Registry", FLOWS_CONNECTION_TYPE_GENERIC);
  g_autoptr(FlowsFlow) flow = flows_flow_new ("flow-main", "Main");
  g_autoptr(FlowsStage) trigger = flows_stage_new ("stage-trigger", "trigger", FLOWS_STAGE_TYPE_TRIGGER, "Start");
  g_autoptr(FlowsStage) stage = flows_stage_new ("stage-new", "fresh", stage_type, "New");
  g_autoptr(JsonObject) trigger_settings = flows_stage_catalog_default_settings (FLOWS_STAGE_TYPE_TRIGGER);
  g_autoptr(JsonObject) settings = flows_stage_kind_new_default_settings (kind);
  g_autoptr(GPtrArray) problems = NULL;
  guint expected = 0;

  flows_stage_set_settings (trigger, trigger_settings);
  flows_flow_add_stage (flow, trigger);
  flows_app_add_flow (app, flow);
  if (stage_type != FLOWS_STAGE_TYPE_TRIGGER)
    {
      flows_stage_set_settings (stage, settings);
      flows_stage_set_route (trigger, "success", "stage-new");
      flows_flow_add_stage (flow, stage);
    }

  problems = flows_validate_flow (app, flow);
  for (const FlowsSettingSpec *spec = flows_stage_kind_get_settings (kind); spec->member != NULL; spec++)
    {
      if (!(spec->flags & FLOWS_SETTING_REQUIRED))
        continue;
      g_assert_nonnull (spec->required_message);
      /* A number has a default; a text may have none. */
      if (spec->type != FLOWS_SETTING_TEXT || (spec->default_text != NULL && *spec->default_text != '\0'))
        continue;
      g_assert_cmpuint (expected, <, problems->len);
      g_assert_cmpstr (((FlowsProblem *) g_ptr_array_index (problems, expected))->stage_id, ==, "stage-new");
      g_assert_cmpstr (((FlowsProblem *) g_ptr_array_index (problems, expected))->setting, ==, spec->member);
      g_assert_cmpstr (((FlowsProblem *) g_ptr_array_index (problems, expected))->message, ==, spec->required_message);
      expected++;
    }
  g_assert_cmpuint (problems->len, ==, expected);
}

/* Every member of @object is described by @specs, in the order of the description. */
static void
assert_described (JsonObject             *object,
                  const FlowsSettingSpec *specs,
                  const char             *path)
{
  const FlowsSettingSpec *last = specs;
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &member, &value))
    {
      const FlowsSettingSpec *spec = flows_setting_spec_find (specs, member);
      const FlowsSettingChoice *chosen;

      g_test_message ("%s%s", path, member);
      if (spec == NULL)
        {
          /* A member a choice before it brings ("fields" of a JSON body). */
          g_assert_true (last->type == FLOWS_SETTING_CHOICE);
          chosen = flows_setting_spec_find_choice (last, json_object_get_string_member (object, last->member));
          g_assert_nonnull (chosen);
          spec = flows_setting_spec_find (chosen->members, member);
          g_assert_nonnull (spec);
        }
      else
        {
          g_assert_true (spec >= last);
          last = spec;
        }
      g_assert_false (spec->flags & FLOWS_SETTING_OPTIONAL);

      switch (spec->type)
        {
        case FLOWS_SETTING_TEXT:
        case FLOWS_SETTING_CHOICE:
          g_assert_cmpint (json_node_get_value_type (value), ==, G_TYPE_STRING);
          if (spec->type == FLOWS_SETTING_CHOICE)
            g_assert_nonnull (flows_setting_spec_find_choice (spec, json_node_get_string (value)));
          break;
        case FLOWS_SETTING_NUMBER:
          g_assert_cmpfloat (json_node_get_double (value), ==, spec->default_number);
          g_assert_cmpfloat (spec->default_number, >=, spec->minimum);
          g_assert_cmpfloat (spec->default_number, <=, spec->maximum);
          break;
        case FLOWS_SETTING_BOOLEAN:
          g_assert_cmpint (json_node_get_boolean (value), ==, spec->default_boolean);
          break;
        case FLOWS_SETTING_LIST:
          g_assert_true (JSON_NODE_HOLDS_ARRAY (value));
          g_assert_nonnull (spec->members);
          g_assert_nonnull (spec->add_label);
          g_assert_nonnull (spec->item_noun);
          break;
        case FLOWS_SETTING_OBJECT:
          {
            g_autofree char *inner = g_strdup_printf ("%s%s.", path, member);

            g_assert_true (JSON_NODE_HOLDS_OBJECT (value));
            assert_described (json_node_get_object (value), spec->members, inner);
          }
          break;
        default:
          g_assert_not_reached ();
        }
    }
}

/* The description covers every member of the default settings, and each required member is
 * there. */
static void
test_description_covers_defaults (gconstpointer data)
{
  FlowsStageKind *kind = (FlowsStageKind *) data;
  g_autoptr(JsonObject) settings = flows_stage_kind_new_default_settings (kind);

  assert_described (settings, flows_stage_kind_get_settings (kind), "");
  for (const FlowsSettingSpec *spec = flows_stage_kind_get_settings (kind); spec->member != NULL; spec++)
    if (spec->flags & FLOWS_SETTING_REQUIRED)
      g_assert_true (json_object_has_member (settings, spec->member));
}

/* The routes of the type are the catalogue's outputs, in order, each with a label of its own. */
static void
test_routes_match_catalogue (gconstpointer data)
{
  FlowsStageKind *kind = (FlowsStageKind *) data;
  const FlowsStageInfo *info = flows_stage_catalog_lookup (flows_stage_kind_get_stage_type (kind));
  const FlowsStageRoute *routes = flows_stage_kind_get_routes (kind);
  guint n = 0;

  for (; routes[n].name != NULL; n++)
    {
      g_assert_cmpstr (info->outputs[n], ==, routes[n].name);
      g_assert_true (flows_stage_kind_find_route (kind, routes[n].name) == &routes[n]);
      g_assert_cmpstr (flows_stage_catalog_output_label (routes[n].name), ==, flows_stage_route_get_label (&routes[n]));
    }
  /* Only a stage that ends the flow has no route at all. */
  if (flows_stage_kind_get_stage_type (kind) == FLOWS_STAGE_TYPE_END_WITH_ERROR)
    g_assert_cmpuint (n, ==, 0);
  else
    g_assert_cmpuint (n, >, 0);
  g_assert_null (info->outputs[n]);
  g_assert_null (flows_stage_kind_find_route (kind, "no-such-route"));
}

/* Every FlowsStageType is a registered type, in the order of the enumeration. */
static void
test_every_stage_type (void)
{
  g_autoptr(GEnumClass) enum_class = g_type_class_ref (FLOWS_TYPE_STAGE_TYPE);

  g_assert_cmpuint (flows_stage_registry_get_n_kinds (), ==, enum_class->n_values);
  for (guint i = 0; i < enum_class->n_values; i++)
    g_assert_true (flows_stage_registry_lookup (enum_class->values[i].value) == flows_stage_registry_get_nth_kind (i));
  g_assert_null (flows_stage_registry_lookup_name ("no-such-type"));
}

/* New stages get the settings they always got: the file format of a new stage is unchanged. */
static void
test_defaults_as_before (void)
{
  static const struct {
    FlowsStageType  stage_type;
    const char     *json;
  } defaults[] = {
    { FLOWS_STAGE_TYPE_TRIGGER, "{\"inputs\":[]}" },
    { FLOWS_STAGE_TYPE_SET_FIELDS, "{\"fields\":[]}" },
    { FLOWS_STAGE_TYPE_BUILD_URL, "{\"base\":\"\",\"query\":[],\"resultField\":\"url\"}" },
    { FLOWS_STAGE_TYPE_CALL_API,
      "{\"method\":\"GET\",\"uriBase\":\"\",\"uriPath\":\"\",\"query\":[],\"headers\":[],"
      "\"auth\":{\"kind\":\"none\"},\"body\":{\"kind\":\"none\"},\"timeout\":30,\"useOAuthToken\":false,"
      "\"successStatus\":{\"min\":200,\"max\":299}}" },
    { FLOWS_STAGE_TYPE_ROUTE_FLOW, "{\"match\":\"all\",\"conditions\":[]}" },
    { FLOWS_STAGE_TYPE_CALL_FLOW, "{\"flow\":\"\",\"inputs\":[]}" },
    { FLOWS_STAGE_TYPE_ADD_TO_RESPONSE, "{\"fields\":[]}" },
    { FLOWS_STAGE_TYPE_SLEEP, "{\"seconds\":1}" },
    { FLOWS_STAGE_TYPE_FOR_EACH, "{\"list\":\"\"}" },
    { FLOWS_STAGE_TYPE_END_WITH_ERROR, "{\"message\":\"\",\"code\":\"\",\"needsSignIn\":false}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (defaults); i++)
    {
      g_autoptr(JsonObject) settings = flows_stage_catalog_default_settings (defaults[i].stage_type);
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), settings);
      g_autofree char *text = json_to_string (node, FALSE);

      g_assert_cmpstr (text, ==, defaults[i].json);
    }
}

/* Validation reads no references in names and choices, whatever the stage type. */
static void
test_literal_settings (void)
{
  static const char * const literal[] = {
    "name", "flow", "kind", "method", "match", "comparator", "mode", "sample",
  };

  for (guint i = 0; i < G_N_ELEMENTS (literal); i++)
    g_assert_true (flows_stage_registry_is_literal_setting (literal[i]));
  g_assert_false (flows_stage_registry_is_literal_setting ("value"));
  g_assert_false (flows_stage_registry_is_literal_setting ("uriBase"));
  g_assert_false (flows_stage_registry_is_literal_setting ("resultField"));
}

int
main (int   argc,
      char *argv[])
{
  static const struct {
    const char    *name;
    GTestDataFunc  func;
  } cases[] = {
    { "name-round-trip", test_name_round_trip },
    { "defaults-validate", test_defaults_validate },
    { "description-covers-defaults", test_description_covers_defaults },
    { "routes-match-catalogue", test_routes_match_catalogue },
  };

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < flows_stage_registry_get_n_kinds (); i++)
    {
      FlowsStageKind *kind = flows_stage_registry_get_nth_kind (i);

      for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
        {
          g_autofree char *path = g_strdup_printf ("/stage-registry/%s/%s", flows_stage_kind_get_name (kind), cases[c].name);

          g_test_add_data_func (path, kind, cases[c].func);
        }
    }
  g_test_add_func ("/stage-registry/every-stage-type", test_every_stage_type);
  g_test_add_func ("/stage-registry/defaults-as-before", test_defaults_as_before);
  g_test_add_func ("/stage-registry/literal-settings", test_literal_settings);

  return g_test_run ();
}
