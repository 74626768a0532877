/* flows-setting-spec.c — defaults and lookups over the description of a stage type's settings */

#include "config.h"

#include "flows-setting-spec.h"

const FlowsSettingSpec *
flows_setting_spec_find (const FlowsSettingSpec *specs,
                         const char             *member)
{
  g_return_val_if_fail (member != NULL, NULL);

  for (const FlowsSettingSpec *spec = specs; spec != NULL && spec->member != NULL; spec++)
    if (g_str_equal (spec->member, member))
      return spec;
  return NULL;
}

const FlowsSettingChoice *
flows_setting_spec_find_choice (const FlowsSettingSpec *spec,
                                const char             *value)
{
  g_return_val_if_fail (spec != NULL, NULL);

  for (const FlowsSettingChoice *choice = spec->choices; choice != NULL && choice->value != NULL; choice++)
    if (g_strcmp0 (choice->value, value) == 0)
      return choice;
  return NULL;
}

JsonNode *
flows_setting_spec_new_default (const FlowsSettingSpec *spec)
{
  g_return_val_if_fail (spec != NULL, NULL);

  switch (spec->type)
    {
    case FLOWS_SETTING_TEXT:
      return json_node_init_string (json_node_alloc (), spec->default_text != NULL ? spec->default_text : "");

    case FLOWS_SETTING_NUMBER:
      /* A whole number is stored as one, as a file written by hand has it. */
      if (spec->default_number == (gint64) spec->default_number)
        return json_node_init_int (json_node_alloc (), (gint64) spec->default_number);
      return json_node_init_double (json_node_alloc (), spec->default_number);

    case FLOWS_SETTING_BOOLEAN:
      return json_node_init_boolean (json_node_alloc (), spec->default_boolean);

    case FLOWS_SETTING_CHOICE:
      g_return_val_if_fail (spec->choices != NULL && spec->choices[0].value != NULL, NULL);
      return json_node_init_string (json_node_alloc (), spec->choices[0].value);

    case FLOWS_SETTING_LIST:
      {
        JsonNode *node = json_node_new (JSON_NODE_ARRAY);

        json_node_take_array (node, json_array_new ());
        return node;
      }

    case FLOWS_SETTING_OBJECT:
      {
        g_autoptr(JsonObject) object = flows_setting_spec_new_defaults (spec->members);

        return json_node_init_object (json_node_alloc (), object);
      }

    default:
      g_return_val_if_reached (NULL);
    }
}

JsonObject *
flows_setting_spec_new_defaults (const FlowsSettingSpec *specs)
{
  JsonObject *object = json_object_new ();

  for (const FlowsSettingSpec *spec = specs; spec != NULL && spec->member != NULL; spec++)
    {
      if (spec->flags & FLOWS_SETTING_OPTIONAL)
        continue;

      json_object_set_member (object, spec->member, flows_setting_spec_new_default (spec));

      /* The members the default choice brings: {"kind": "none"} has none. */
      if (spec->type == FLOWS_SETTING_CHOICE && spec->choices[0].members != NULL)
        {
          g_autoptr(JsonObject) chosen = flows_setting_spec_new_defaults (spec->choices[0].members);
          JsonObjectIter iter;
          const char *member;
          JsonNode *value;

          json_object_iter_init_ordered (&iter, chosen);
          while (json_object_iter_next_ordered (&iter, &member, &value))
            json_object_set_member (object, member, json_node_ref (value));
        }
    }
  return object;
}

void
flows_setting_spec_collect_literal (const FlowsSettingSpec *specs,
                                    GHashTable             *names)
{
  for (const FlowsSettingSpec *spec = specs; spec != NULL && spec->member != NULL; spec++)
    {
      if (spec->flags & FLOWS_SETTING_LITERAL)
        g_hash_table_add (names, (gpointer) spec->member);
      flows_setting_spec_collect_literal (spec->members, names);
      for (const FlowsSettingChoice *choice = spec->choices; choice != NULL && choice->value != NULL; choice++)
        flows_setting_spec_collect_literal (choice->members, names);
    }
}
