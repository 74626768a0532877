/* flows-stage-settings.c — reading a stage's settings */

#include "config.h"

#include "flows-stage-settings.h"

const char *
flows_settings_get_string (JsonObject *object,
                           const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return "";
  return json_node_get_string (node);
}

gboolean
flows_settings_get_boolean (JsonObject *object,
                            const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

double
flows_settings_get_number (JsonObject *object,
                           const char *member,
                           double      fallback)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
    case G_TYPE_DOUBLE:
      return json_node_get_double (node);
    case G_TYPE_STRING:
      {
        char *end = NULL;
        double value = g_ascii_strtod (json_node_get_string (node), &end);
        return end != json_node_get_string (node) && *end == '\0' ? value : fallback;
      }
    default:
      return fallback;
    }
}

GPtrArray *
flows_settings_get_entries (JsonObject *object,
                            const char *member)
{
  GPtrArray *entries = g_ptr_array_new ();
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_OBJECT (element))
            g_ptr_array_add (entries, json_node_get_object (element));
        }
    }
  return entries;
}

void
flows_settings_foreach_name (JsonObject            *settings,
                             const char            *member,
                             FlowsSettingsNameFunc  func,
                             gpointer               user_data)
{
  g_autoptr(GPtrArray) entries = flows_settings_get_entries (settings, member);

  for (guint i = 0; i < entries->len; i++)
    {
      const char *name = flows_settings_get_string (g_ptr_array_index (entries, i), "name");

      if (*name != '\0')
        func (name, user_data);
    }
}
