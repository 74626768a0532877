/* flows-json-util.c — small JSON helpers json-glib 1.6 lacks */

#include <stdlib.h>
#include <string.h>

#include "flows-json-util.h"

const char *
flows_json_find_too_deep (const char *data,
                          gsize       size)
{
  guint depth = 0;
  gsize i = 0;

  /* What json-glib's scanner steps over besides brackets: "strings" with escapes, 'strings'
   * without, and comments. */
  while (i < size)
    {
      switch (data[i++])
        {
        case '"':
          while (i < size && data[i] != '"')
            i += data[i] == '\\' ? 2 : 1;
          i++;
          break;
        case '\'':
          while (i < size && data[i] != '\'')
            i++;
          i++;
          break;
        case '/':
          if (i < size && data[i] == '*')
            {
              for (i++; i + 1 < size && !(data[i] == '*' && data[i + 1] == '/'); i++)
                ;
              i += 2;
            }
          break;
        case '[':
        case '{':
          if (++depth > FLOWS_JSON_MAX_DEPTH)
            return data + i - 1;
          break;
        case ']':
        case '}':
          if (depth > 0)
            depth--;
          break;
        default:
          break;
        }
    }

  return NULL;
}

/* The value of the \uXXXX escape at @p, or -1 when there is none. */
static int
unicode_escape (const char *p,
                const char *end)
{
  int value = 0;

  if (end - p < 6 || p[0] != '\\' || p[1] != 'u')
    return -1;
  for (int i = 2; i < 6; i++)
    {
      if (!g_ascii_isxdigit (p[i]))
        return -1;
      value = value * 16 + g_ascii_xdigit_value (p[i]);
    }
  return value;
}

const char *
flows_json_find_lone_surrogate (const char *data,
                                gsize       size)
{
  const char *end = data + size;
  const char *p = data;

  while (p < end)
    {
      if (*p == '/' && p + 1 < end && p[1] == '*')
        {
          for (p += 2; p + 1 < end && !(p[0] == '*' && p[1] == '/'); p++)
            ;
          p += 2;
        }
      else if (*p == '\'')
        {
          for (p++; p < end && *p != '\''; p++)
            ;
          p++;
        }
      else if (*p == '"')
        {
          for (p++; p < end && *p != '"'; )
            {
              int unit = unicode_escape (p, end);

              if (unit >= 0xD800 && unit <= 0xDBFF)
                {
                  int low = unicode_escape (p + 6, end);

                  if (low < 0xDC00 || low > 0xDFFF)
                    return p;
                  p += 12;
                }
              else if (unit >= 0xDC00 && unit <= 0xDFFF)
                return p;
              else
                p += *p == '\\' ? 2 : 1;
            }
          p++;
        }
      else
        p++;
    }

  return NULL;
}

gboolean
flows_json_is_utf8 (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &name, &member))
          if (!g_utf8_validate (name, -1, NULL) || !flows_json_is_utf8 (member))
            return FALSE;
        return TRUE;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          if (!flows_json_is_utf8 (json_array_get_element (array, i)))
            return FALSE;
        return TRUE;
      }
    case JSON_NODE_VALUE:
      return json_node_get_value_type (node) != G_TYPE_STRING ||
             g_utf8_validate (json_node_get_string (node), -1, NULL);
    case JSON_NODE_NULL:
    default:
      return TRUE;
    }
}

JsonNode *
flows_json_deep_copy (JsonNode *node)
{
  JsonNode *copy;

  if (node == NULL)
    return NULL;

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(JsonObject) object_copy = json_object_new ();
        g_autoptr(GList) members = json_object_get_members (object);

        for (GList *l = members; l != NULL; l = l->next)
          json_object_set_member (object_copy, l->data,
                                  flows_json_deep_copy (json_object_get_member (object, l->data)));
        copy = json_node_init_object (json_node_alloc (), object_copy);
      }
      break;
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        g_autoptr(JsonArray) array_copy = json_array_sized_new (json_array_get_length (array));

        for (guint i = 0; i < json_array_get_length (array); i++)
          json_array_add_element (array_copy, flows_json_deep_copy (json_array_get_element (array, i)));
        copy = json_node_init_array (json_node_alloc (), array_copy);
      }
      break;
    case JSON_NODE_VALUE:
      /* json_node_copy() shares the JsonValue, so changing the copy in place (as redaction
       * does with json_node_set_string()) would change @node too. */
      copy = json_node_alloc ();
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          json_node_init_string (copy, json_node_get_string (node));
          break;
        case G_TYPE_INT64:
          json_node_init_int (copy, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          json_node_init_double (copy, json_node_get_double (node));
          break;
        case G_TYPE_BOOLEAN:
          json_node_init_boolean (copy, json_node_get_boolean (node));
          break;
        default:
          json_node_unref (copy);
          copy = json_node_copy (node);
          break;
        }
      break;
    case JSON_NODE_NULL:
    default:
      copy = json_node_copy (node);
      break;
    }

  return copy;
}

JsonNode *
flows_json_walk (JsonNode   *node,
                 const char *path)
{
  g_auto(GStrv) segments = NULL;

  if (path == NULL || *path == '\0')
    return node;

  segments = g_strsplit (path, ".", -1);
  for (guint i = 0; node != NULL && segments[i] != NULL; i++)
    {
      const char *segment = segments[i];

      if (JSON_NODE_HOLDS_OBJECT (node))
        node = json_object_get_member (json_node_get_object (node), segment);
      else if (JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);
          char *end = NULL;
          guint64 index;

          if (!g_ascii_isdigit (segment[0]))
            return NULL;
          index = g_ascii_strtoull (segment, &end, 10);
          if (*end != '\0' || index >= json_array_get_length (array))
            return NULL;
          node = json_array_get_element (array, index);
        }
      else
        return NULL;
    }

  return node;
}

/* json-glib 1.6 formats a double with "%.17g" and appends ".0" when the result has no ".":
 * "1e+20.0", "inf.0". Outside strings, ".0" right after an exponent's digits is never JSON:
 * drop it; infinity and NaN become null. */
static char *
fix_exponents (char *text)
{
  GString *out = g_string_sized_new (strlen (text));
  gboolean in_string = FALSE;

  for (const char *p = text; *p != '\0'; )
    {
      if (in_string)
        {
          if (*p == '\\' && p[1] != '\0')
            g_string_append_c (out, *p++);
          else if (*p == '"')
            in_string = FALSE;
          g_string_append_c (out, *p++);
          continue;
        }

      if (*p == '"')
        in_string = TRUE;
      else if (g_str_has_prefix (p + (*p == '-'), "inf") || g_str_has_prefix (p + (*p == '-'), "nan"))
        {
          /* json-glib reads 1.7976931348623157e308 as infinity, and JSON has none: null, in
           * place of the whole token ("inf.0", "-nan.0"…). */
          g_string_append (out, "null");
          for (p += (*p == '-') + 3; *p == '.' || g_ascii_isdigit (*p); p++)
            ;
          continue;
        }
      else if ((*p == 'e' || *p == 'E') && p > text && g_ascii_isdigit (p[-1]))
        {
          const char *q = p + 1;

          if (*q == '+' || *q == '-')
            q++;
          while (g_ascii_isdigit (*q))
            q++;
          if (q[0] == '.' && q[1] == '0' && !g_ascii_isdigit (q[2]))
            {
              g_string_append_len (out, p, q - p);
              p = q + 2;
              continue;
            }
        }
      g_string_append_c (out, *p++);
    }
  g_free (text);
  return g_string_free (out, FALSE);
}

char *
flows_json_generate (JsonNode *node,
                     gboolean  pretty)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_pretty (generator, pretty);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, node);
  return fix_exponents (json_generator_to_data (generator, NULL));
}

char *
flows_json_to_compact (JsonNode *node)
{
  return flows_json_generate (node, FALSE);
}

char *
flows_json_to_text (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;

  if (JSON_NODE_HOLDS_VALUE (node))
    {
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          return g_strdup (json_node_get_string (node));
        case G_TYPE_BOOLEAN:
          return g_strdup (json_node_get_boolean (node) ? "true" : "false");
        case G_TYPE_INT64:
          return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
        default:
          break;
        }
    }

  return flows_json_to_compact (node);
}
