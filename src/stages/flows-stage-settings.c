/* flows-stage-settings.c — reading a stage's settings */

#include "config.h"

#include "flows-stage-settings.h"

void
flows_settings_foreach_name (JsonObject            *settings,
                             const char            *member,
                             FlowsSettingsNameFunc  func,
                             gpointer               user_data)
{
  JsonNode *node = settings != NULL ? json_object_get_member (settings, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;

  for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
    {
      JsonNode *element = json_array_get_element (json_node_get_array (node), i);
      JsonNode *name;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      name = json_object_get_member (json_node_get_object (element), "name");
      if (name != NULL && JSON_NODE_HOLDS_VALUE (name) && json_node_get_value_type (name) == G_TYPE_STRING &&
          *json_node_get_string (name) != '\0')
        func (json_node_get_string (name), user_data);
    }
}
