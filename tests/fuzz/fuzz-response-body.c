/* fuzz-response-body.c — reading a response body (JSON and form), as Call API does for every
 * response, token responses included: _flows_http_parse_body(), then what the engine and the
 * OAuth steps do with the tree (walking paths, values as text, copies, redaction).
 *
 * Input: a media type, a line break, the body (no line break: the whole input is a JSON body;
 * a first byte of '&' picks a form body instead). Whatever tree comes out must write as JSON
 * that reads back: run traces and exports are written from it.
 */
#include <string.h>

#include "flows-json-util.h"
#include "flows-run-private.h"
#include "flows-http-call-private.h"
#include "fuzz-common.h"

static const char * const paths[] = {
  "access_token", "refresh_token", "expires_in", "token_type", "scope", "error",
  "error_description", "items.0.id", "data.0", "0", "a.b.c", "",
};

static char *
redact (const char *text,
        gpointer    user_data)
{
  return strstr (text, "secret") != NULL ? g_strdup ("[redacted]") : NULL;
}

/* TRUE when a string of @node (not a member name: redaction keeps those) contains @needle. */
static gboolean
has_string_with (JsonNode   *node,
                 const char *needle)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &name, &member))
        if (has_string_with (member, needle))
          return TRUE;
      return FALSE;
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        if (has_string_with (json_array_get_element (array, i), needle))
          return TRUE;
      return FALSE;
    }
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
         strstr (json_node_get_string (node), needle) != NULL;
}

static void
check_writes_json (JsonNode *node)
{
  g_autofree char *text = flows_json_to_compact (node);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text_again = NULL;

  g_assert_true (g_utf8_validate (text, -1, NULL));
  if (!json_parser_load_from_data (parser, text, -1, &error))
    g_error ("a body written as JSON does not read back: %s\n%s", error->message, text);
  text_again = flows_json_to_compact (json_parser_get_root (parser));
  g_assert_cmpstr (text, ==, text_again);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const uint8_t *line_break = memchr (data, '\n', size);
  g_autofree char *media_type = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) copy = NULL;
  g_autoptr(JsonNode) redacted = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *copy_text = NULL;

  if (line_break != NULL)
    {
      media_type = g_strndup ((const char *)data, line_break - data);
      body = g_bytes_new (line_break + 1, size - (line_break + 1 - data));
    }
  else if (size > 0 && data[0] == '&')
    {
      media_type = g_strdup ("application/x-www-form-urlencoded");
      body = g_bytes_new (data + 1, size - 1);
    }
  else
    {
      media_type = g_strdup ("application/json");
      body = g_bytes_new (data, size);
    }

  node = _flows_http_parse_body (body, media_type, "POST", "https://provider.invalid/token", &error);
  if (node == NULL)
    {
      fuzz_check_error (error);
      return 0;
    }
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *value = flows_json_to_text (flows_json_walk (node, paths[i]));
      (void)value;
    }

  check_writes_json (node);

  copy = flows_json_deep_copy (node);
  text = flows_json_to_compact (node);
  copy_text = flows_json_to_compact (copy);
  g_assert_cmpstr (text, ==, copy_text);

  redacted = _flows_json_rewrite_strings (node, redact, NULL);
  if (redacted != NULL)
    {
      g_autofree char *text_after = flows_json_to_compact (node);

      g_assert_false (has_string_with (redacted, "secret"));
      /* Copy on write: the tree it was given is never changed. */
      g_assert_cmpstr (text_after, ==, text);
    }
  else
    g_assert_false (has_string_with (node, "secret"));
  return 0;
}
