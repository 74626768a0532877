/* fuzz-expression.c — the reference parser, flows_expression_parse(), and expansion in every
 * substitution context (TEXT, URL_COMPONENT, FORM, JSON).
 *
 * Input: a template, a NUL byte, a value. The template is parsed and expanded with every
 * reference resolving to the value; the value is encoded for each context and decoded again
 * the way the receiving end decodes it: it must come back unchanged and must not be able to
 * change the structure around it.
 */
#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "flows-expression.h"
#include "fuzz-common.h"

static const FlowsExpansion contexts[] = {
  FLOWS_EXPANSION_TEXT,
  FLOWS_EXPANSION_URL_COMPONENT,
  FLOWS_EXPANSION_FORM,
  FLOWS_EXPANSION_JSON,
};

typedef struct {
  const char *value;
  guint       asked;
} Resolver;

static char *
resolve (const char  *reference,
         gpointer     user_data,
         GError     **error)
{
  Resolver *resolver = user_data;

  resolver->asked++;
  if (g_str_equal (reference, "missing"))
    return NULL;
  if (g_str_equal (reference, "broken"))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the lookup failed");
      return NULL;
    }
  return g_strdup (resolver->value);
}

/* The grammar of flows-expression.h, written again: name ("." segment)*. */
static gboolean
is_reference (const char *text)
{
  const char *p = text;

  if (!g_ascii_isalpha (*p) && *p != '_')
    return FALSE;
  while (g_ascii_isalnum (*p) || *p == '_')
    p++;
  while (*p == '.')
    {
      const char *segment = ++p;

      while (g_ascii_isalnum (*p) || *p == '_' || *p == '-')
        p++;
      if (p == segment)
        return FALSE;
    }
  return *p == '\0';
}

/* The template with every reference expanded to nothing: its literal text, "\<" decoded. */
static char *
literal_text (const char *template)
{
  GString *text = g_string_new (NULL);

  for (const char *p = template; *p != '\0'; p++)
    {
      if (p[0] == '\\' && p[1] == '<')
        g_string_append_c (text, *++p);
      else if (*p == '<')
        p = strchr (p, '>');
      else
        g_string_append_c (text, *p);
    }
  return g_string_free (text, FALSE);
}

static void
check_url_component (const char *value)
{
  g_autofree char *encoded = flows_encode_url_component (value);
  g_autofree char *decoded = NULL;

  for (const char *p = encoded; *p != '\0'; p++)
    g_assert_true (g_ascii_isalnum (*p) || strchr ("-._~%", *p) != NULL);
  decoded = g_uri_unescape_string (encoded, NULL);
  g_assert_cmpstr (decoded, ==, value);
}

static void
check_form (const char *value)
{
  g_autofree char *encoded = flows_encode_form (value);
  g_autofree char *body = NULL;
  g_autoptr(GHashTable) fields = NULL;

  for (const char *p = encoded; *p != '\0'; p++)
    g_assert_true (g_ascii_isalnum (*p) || strchr ("*-._+%", *p) != NULL);
  body = g_strconcat ("before=1&field=", encoded, "&after=2", NULL);
  fields = soup_form_decode (body);
  g_assert_cmpuint (g_hash_table_size (fields), ==, 3);
  g_assert_cmpstr (g_hash_table_lookup (fields, "field"), ==, value);
}

static void
check_json (const char *value)
{
  g_autofree char *encoded = flows_encode_json_string (value);
  g_autofree char *document = g_strconcat ("[\"", encoded, "\", 2]", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *array;

  g_assert_true (g_utf8_validate (encoded, -1, NULL));
  if (!json_parser_load_from_data (parser, document, -1, &error))
    g_error ("%s does not parse: %s", document, error->message);
  array = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  /* Invalid UTF-8 becomes U+FFFD; everything else arrives as it was. */
  if (g_utf8_validate (value, -1, NULL))
    g_assert_cmpstr (json_array_get_string_element (array, 0), ==, value);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const uint8_t *separator = memchr (data, '\0', size);
  g_autofree char *template = g_strndup ((const char *)data, separator != NULL ? (gsize)(separator - data) : size);
  g_autofree char *value = separator != NULL ? g_strndup ((const char *)separator + 1, size - (separator + 1 - data))
                                             : g_strdup ("");
  g_autoptr(FlowsExpression) expression = NULL;
  g_autoptr(FlowsExpression) single = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *literal = NULL;
  gboolean resolvable = TRUE;
  guint n_references;

  check_url_component (value);
  check_form (value);
  check_json (value);

  /* One reference alone expands to exactly the encoded value. */
  single = flows_expression_parse ("<value>", &error);
  g_assert_no_error (error);
  for (guint c = 0; c < G_N_ELEMENTS (contexts); c++)
    {
      Resolver resolver = { value, 0 };
      g_autofree char *expanded = flows_expression_expand (single, contexts[c], resolve, &resolver, &error);
      g_autofree char *encoded = NULL;

      g_assert_no_error (error);
      switch (contexts[c])
        {
        case FLOWS_EXPANSION_URL_COMPONENT:
          encoded = flows_encode_url_component (value);
          break;
        case FLOWS_EXPANSION_FORM:
          encoded = flows_encode_form (value);
          break;
        case FLOWS_EXPANSION_JSON:
          encoded = flows_encode_json_string (value);
          break;
        case FLOWS_EXPANSION_TEXT:
        default:
          encoded = g_strdup (value);
          break;
        }
      g_assert_cmpstr (expanded, ==, encoded);
    }

  (void)flows_expression_is_identifier (template);

  expression = flows_expression_parse (template, &error);
  if (expression == NULL)
    {
      g_assert_error (error, FLOWS_EXPRESSION_ERROR, FLOWS_EXPRESSION_ERROR_SYNTAX);
      /* Settings come from JSON documents, so a template in a real message is UTF-8. */
      if (g_utf8_validate (template, -1, NULL))
        fuzz_check_error (error);
      return 0;
    }

  n_references = flows_expression_get_n_references (expression);
  g_assert_true (flows_expression_is_literal (expression) == (n_references == 0));
  for (guint i = 0; i < n_references; i++)
    {
      const char *reference = flows_expression_get_reference (expression, i);

      g_assert_true (is_reference (reference));
      if (g_str_equal (reference, "missing") || g_str_equal (reference, "broken"))
        resolvable = FALSE;
    }

  literal = literal_text (template);
  for (guint c = 0; c < G_N_ELEMENTS (contexts); c++)
    {
      Resolver resolver = { value, 0 };
      Resolver empty = { "", 0 };
      g_autofree char *expanded = flows_expression_expand (expression, contexts[c], resolve, &resolver, &error);
      g_autofree char *bare = NULL;

      if (!resolvable)
        {
          g_assert_null (expanded);
          g_assert_nonnull (error);
          g_clear_error (&error);
          continue;
        }
      g_assert_no_error (error);
      g_assert_nonnull (expanded);
      g_assert_cmpuint (resolver.asked, ==, n_references);

      /* With empty values, what is left is the literal text, in every context. */
      bare = flows_expression_expand (expression, contexts[c], resolve, &empty, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (bare, ==, literal);
    }

  return 0;
}
