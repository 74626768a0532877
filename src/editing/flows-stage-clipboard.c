/* flows-stage-clipboard.c — stages as text, for cut, copy, paste and duplicate */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "flows-document.h"
#include "flows-expression.h"
#include "flows-stage-clipboard.h"

#define STAGES_FORMAT  "flows-studio/stages"
#define STAGES_VERSION 1

/* Settings whose strings are names or choices, never templates (as in flows-validate.c): a
 * "<" in them is no reference to rewrite. */
static const char * const non_expression_settings[] = {
  "name", "flow", "kind", "method", "match", "comparator", "mode", "sample", NULL,
};

char *
flows_stage_clipboard_serialize (GPtrArray *stages)
{
  g_autoptr(JsonObject) root = json_object_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) node = NULL;
  JsonArray *array = json_array_new ();

  g_return_val_if_fail (stages != NULL, NULL);

  json_object_set_string_member (root, "format", STAGES_FORMAT);
  json_object_set_int_member (root, "version", STAGES_VERSION);
  for (guint i = 0; i < stages->len; i++)
    json_array_add_object_element (array, flows_document_stage_to_object (g_ptr_array_index (stages, i)));
  json_object_set_array_member (root, "stages", array);

  node = json_node_init_object (json_node_alloc (), root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

/* @text with every reference whose first name is a key of @renamed given the new key. "\<" is
 * a literal "<" and stays as it is. */
static char *
rewrite_references (const char *text,
                    GHashTable *renamed)
{
  GString *result = g_string_sized_new (strlen (text));
  const char *p = text;

  while (*p != '\0')
    {
      const char *name;
      gsize length;
      g_autofree char *key = NULL;
      const char *new_key;

      if (p[0] == '\\' && p[1] == '<')
        {
          g_string_append_len (result, p, 2);
          p += 2;
          continue;
        }
      if (*p != '<')
        {
          g_string_append_c (result, *p++);
          continue;
        }

      g_string_append_c (result, *p++);
      name = p;
      length = 0;
      if (g_ascii_isalpha (name[0]) || name[0] == '_')
        while (g_ascii_isalnum (name[length]) || name[length] == '_')
          length++;
      if (length == 0 || (name[length] != '.' && name[length] != '>'))
        continue;

      key = g_strndup (name, length);
      new_key = g_hash_table_lookup (renamed, key);
      g_string_append (result, new_key != NULL ? new_key : key);
      p += length;
    }

  return g_string_free (result, FALSE);
}

static JsonNode *
rewrite_node (JsonNode   *node,
              GHashTable *renamed)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        g_autoptr(JsonObject) copy = json_object_new ();
        JsonObjectIter iter;
        const char *member;
        JsonNode *value;

        json_object_iter_init_ordered (&iter, json_node_get_object (node));
        while (json_object_iter_next_ordered (&iter, &member, &value))
          json_object_set_member (copy, member,
                                  g_strv_contains (non_expression_settings, member)
                                    ? json_node_copy (value) : rewrite_node (value, renamed));
        return json_node_init_object (json_node_alloc (), copy);
      }

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        g_autoptr(JsonArray) copy = json_array_sized_new (json_array_get_length (array));

        for (guint i = 0; i < json_array_get_length (array); i++)
          json_array_add_element (copy, rewrite_node (json_array_get_element (array, i), renamed));
        return json_node_init_array (json_node_alloc (), copy);
      }

    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING && strchr (json_node_get_string (node), '<') != NULL)
        {
          g_autofree char *text = rewrite_references (json_node_get_string (node), renamed);
          return json_node_init_string (json_node_alloc (), text);
        }
      return json_node_copy (node);

    case JSON_NODE_NULL:
    default:
      return json_node_copy (node);
    }
}

/* @key, or @key with a number ("callApi2", "callApi3"…) when the flow or an earlier pasted
 * stage has it. */
static char *
unique_key (const char *key,
            FlowsFlow  *target,
            GHashTable *taken)
{
  g_autofree char *base = NULL;
  char *candidate;
  gsize length = strlen (key);

  if (flows_flow_find_stage_by_key (target, key) == NULL && !g_hash_table_contains (taken, key))
    return g_strdup (key);

  /* "callApi2" pasted again becomes "callApi3", not "callApi22". */
  while (length > 0 && g_ascii_isdigit (key[length - 1]))
    length--;
  base = g_strndup (key, length);

  for (guint n = 2; ; n++)
    {
      candidate = g_strdup_printf ("%s%u", base, n);
      if (flows_flow_find_stage_by_key (target, candidate) == NULL && !g_hash_table_contains (taken, candidate))
        return candidate;
      g_free (candidate);
    }
}

static gboolean
fail (GError             **error,
      FlowsDocumentError   code,
      const char          *format,
      ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError             **error,
      FlowsDocumentError   code,
      const char          *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, FLOWS_DOCUMENT_ERROR, code, message);
  return FALSE;
}

/* The stages of the clipboard document @text, as they were copied. */
static GPtrArray *
read_stages (const char  *text,
             GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GPtrArray) stages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) local_error = NULL;
  JsonObject *root;
  JsonNode *node;
  JsonArray *array;

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, &local_error) ||
      json_parser_get_root (parser) == NULL)
    {
      fail (error, FLOWS_DOCUMENT_ERROR_SYNTAX, _("The text is not stages copied from Flows Studio: %s"),
            local_error != NULL ? local_error->message : _("there is no text"));
      return NULL;
    }

  node = json_parser_get_root (parser);
  root = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  node = root != NULL ? json_object_get_member (root, "format") : NULL;
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
      g_strcmp0 (json_node_get_string (node), STAGES_FORMAT) != 0)
    {
      fail (error, FLOWS_DOCUMENT_ERROR_FORMAT, _("The text is not stages copied from Flows Studio"));
      return NULL;
    }

  node = json_object_get_member (root, "version");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_INT64 && json_node_get_value_type (node) != G_TYPE_DOUBLE) ||
      json_node_get_double (node) < 1)
    {
      fail (error, FLOWS_DOCUMENT_ERROR_INVALID, _("The copied stages have no valid “version”"));
      return NULL;
    }
  if (json_node_get_double (node) > STAGES_VERSION)
    {
      fail (error, FLOWS_DOCUMENT_ERROR_NEWER_VERSION,
            _("The stages were copied from a newer Flows Studio: update Flows Studio to paste them"));
      return NULL;
    }

  node = json_object_get_member (root, "stages");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      fail (error, FLOWS_DOCUMENT_ERROR_INVALID, _("The copied stages have no “stages” list"));
      return NULL;
    }

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autoptr(GError) stage_error = NULL;
      FlowsStage *stage;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          fail (error, FLOWS_DOCUMENT_ERROR_INVALID, _("Copied stage %u is not an object"), i + 1);
          return NULL;
        }
      stage = flows_document_stage_from_object (json_node_get_object (element), &stage_error);
      if (stage == NULL)
        {
          fail (error, FLOWS_DOCUMENT_ERROR_INVALID, _("Copied stage %u: %s"), i + 1, stage_error->message);
          return NULL;
        }
      g_ptr_array_add (stages, stage);
      if (!g_hash_table_add (ids, (gpointer) flows_stage_get_id (stage)))
        {
          fail (error, FLOWS_DOCUMENT_ERROR_INVALID, _("Two copied stages have the id “%s”"),
                flows_stage_get_id (stage));
          return NULL;
        }
    }

  return g_steal_pointer (&stages);
}

GPtrArray *
flows_stage_clipboard_parse (const char  *text,
                             FlowsFlow   *target,
                             double       dx,
                             double       dy,
                             GError     **error)
{
  g_autoptr(GPtrArray) copied = NULL;
  g_autoptr(GHashTable) new_ids = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(GHashTable) renamed = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(GHashTable) taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *stages;

  g_return_val_if_fail (FLOWS_IS_FLOW (target), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(copied = read_stages (text, error)))
    return NULL;

  /* Fresh ids, and keys unique in the target flow: known before any settings are rewritten. */
  for (guint i = 0; i < copied->len; i++)
    {
      FlowsStage *stage = g_ptr_array_index (copied, i);
      const char *key = flows_stage_get_key (stage);

      g_hash_table_insert (new_ids, (gpointer) flows_stage_get_id (stage), g_uuid_string_random ());
      if (*key != '\0')
        {
          char *new_key = unique_key (key, target, taken);

          /* Every key maps to its new one (often itself); should two copied stages share a
           * key, references follow the last. */
          g_hash_table_add (taken, g_strdup (new_key));
          g_hash_table_insert (renamed, (gpointer) key, new_key);
        }
    }

  stages = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < copied->len; i++)
    {
      FlowsStage *old = g_ptr_array_index (copied, i);
      const char *key = flows_stage_get_key (old);
      g_autoptr(JsonNode) settings = json_node_init_object (json_node_alloc (), flows_stage_get_settings (old));
      g_autoptr(JsonNode) new_settings = rewrite_node (settings, renamed);
      g_auto(GStrv) outputs = flows_stage_list_routes (old);
      FlowsStage *stage;

      stage = flows_stage_new (g_hash_table_lookup (new_ids, flows_stage_get_id (old)),
                               *key != '\0' ? g_hash_table_lookup (renamed, key) : "",
                               flows_stage_get_stage_type (old), flows_stage_get_name (old));
      flows_stage_set_position (stage, flows_stage_get_x (old) + dx, flows_stage_get_y (old) + dy);
      flows_stage_set_settings (stage, json_node_get_object (new_settings));

      /* Routes among the pasted stages follow them; the others led into the flow they came
       * from. */
      for (guint o = 0; outputs[o] != NULL; o++)
        {
          const char *target_id = g_hash_table_lookup (new_ids, flows_stage_get_route (old, outputs[o]));

          if (target_id != NULL)
            flows_stage_set_route (stage, outputs[o], target_id);
        }
      g_ptr_array_add (stages, stage);
    }

  return stages;
}
