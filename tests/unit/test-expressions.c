/* test-expressions.c — the <Name> reference syntax, context-aware expansion, the encoders, and
 * flows_json_locate().
 */
#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "flows-expression.h"
#include "flows-json-locate.h"
#include "test-cases.h"

/* Values chosen to break a request if they were substituted without encoding. */
#define AMPERSAND "a&b=c#d"
#define QUOTED    "\"quoted\""
#define NEWLINES  "line1\nline2\r\n"
#define BRACKETS  "<x>"
#define UNICODE   "é 日本 😀"
#define SYMBOLS   "a b+c/d?e%f~g*h"
#define CONTROLS  "back\\slash\ttab\x01\x1f"

typedef struct {
  GHashTable *values;
  GPtrArray  *asked;  /* every reference the resolver was asked for, in order */
} Resolver;

static char *
resolve (const char  *reference,
         gpointer     user_data,
         GError     **error)
{
  Resolver *resolver = user_data;

  g_ptr_array_add (resolver->asked, g_strdup (reference));

  if (g_str_equal (reference, "broken"))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the lookup failed");
      return NULL;
    }

  return g_strdup (g_hash_table_lookup (resolver->values, reference));
}

static void
resolver_init (Resolver *resolver)
{
  resolver->values = g_hash_table_new (g_str_hash, g_str_equal);
  resolver->asked = g_ptr_array_new_with_free_func (g_free);

  g_hash_table_insert (resolver->values, "ApiKey", "k3y");
  g_hash_table_insert (resolver->values, "amp", AMPERSAND);
  g_hash_table_insert (resolver->values, "quoted", QUOTED);
  g_hash_table_insert (resolver->values, "newlines", NEWLINES);
  g_hash_table_insert (resolver->values, "brackets", BRACKETS);
  g_hash_table_insert (resolver->values, "unicode", UNICODE);
  g_hash_table_insert (resolver->values, "symbols", SYMBOLS);
  g_hash_table_insert (resolver->values, "controls", CONTROLS);
  g_hash_table_insert (resolver->values, "empty", "");
  g_hash_table_insert (resolver->values, "callApi.headers.content-type", "application/json");
  g_hash_table_insert (resolver->values, "items.0.id", "42");
}

static void
resolver_clear (Resolver *resolver)
{
  g_clear_pointer (&resolver->values, g_hash_table_unref);
  g_clear_pointer (&resolver->asked, g_ptr_array_unref);
}

/* Parses @text, which must be valid, and expands it with the test resolver. */
static char *
expand (const char     *text,
        FlowsExpansion  context)
{
  g_autoptr(FlowsExpression) expression = NULL;
  g_autoptr(GError) error = NULL;
  Resolver resolver;
  char *result;

  expression = flows_expression_parse (text, &error);
  g_assert_no_error (error);

  resolver_init (&resolver);
  result = flows_expression_expand (expression, context, resolve, &resolver, &error);
  g_assert_no_error (error);
  resolver_clear (&resolver);

  return result;
}

static void
assert_expands (const char     *text,
                FlowsExpansion  context,
                const char     *expected)
{
  g_autofree char *result = expand (text, context);

  g_assert_cmpstr (result, ==, expected);
}

static void
assert_references (const char         *text,
                   const char * const *expected)
{
  g_autoptr(FlowsExpression) expression = NULL;
  g_autoptr(GError) error = NULL;
  guint n = g_strv_length ((char **) expected);

  expression = flows_expression_parse (text, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (flows_expression_get_n_references (expression), ==, n);
  g_assert_cmpint (flows_expression_is_literal (expression), ==, n == 0);

  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (flows_expression_get_reference (expression, i), ==, expected[i]);
}

static void
assert_syntax_error (const char *text,
                     const char *message)
{
  g_autoptr(FlowsExpression) expression = NULL;
  g_autoptr(GError) error = NULL;

  expression = flows_expression_parse (text, &error);
  g_assert_null (expression);
  g_assert_error (error, FLOWS_EXPRESSION_ERROR, FLOWS_EXPRESSION_ERROR_SYNTAX);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_parse_literal (void)
{
  const char * const none[] = { NULL };
  g_autoptr(FlowsExpression) expression = NULL;
  g_autofree char *result = NULL;

  assert_references ("", none);
  assert_references ("plain text", none);
  assert_references ("a > b and c >= d", none);
  assert_references ("\\<not a reference>", none);

  /* A literal expression expands without a resolver. */
  expression = flows_expression_parse ("https://api.example.com/v1", NULL);
  g_assert_nonnull (expression);
  result = flows_expression_expand (expression, FLOWS_EXPANSION_URL_COMPONENT, NULL, NULL, NULL);
  g_assert_cmpstr (result, ==, "https://api.example.com/v1");
}

static void
test_parse_references (void)
{
  const char * const one[] = { "ApiKey", NULL };
  const char * const several[] = { "AccessToken", "exchange", "_private", "a1", NULL };
  const char * const repeated[] = { "State", "State", NULL };

  assert_references ("<ApiKey>", one);
  assert_references ("Bearer <AccessToken> for <exchange> <_private><a1>", several);
  assert_references ("<State>&<State>", repeated);
}

static void
test_parse_paths (void)
{
  const char * const paths[] = {
    "exchange.body.access_token",
    "items.0.id",
    "callApi.headers.content-type",
    "a.-b-.0x_",
    NULL,
  };

  assert_references ("<exchange.body.access_token>/<items.0.id>"
                     "<callApi.headers.content-type> <a.-b-.0x_>", paths);
}

static void
test_parse_escapes (void)
{
  const char * const inner[] = { "b", NULL };
  const char * const none[] = { NULL };

  /* "\<" is a literal "<"; any other backslash stays as written. */
  assert_expands ("\\<b>", FLOWS_EXPANSION_TEXT, "<b>");
  assert_expands ("C:\\path\\to", FLOWS_EXPANSION_TEXT, "C:\\path\\to");
  assert_expands ("\\d+\\.\\", FLOWS_EXPANSION_TEXT, "\\d+\\.\\");
  assert_expands ("\\\\<b>", FLOWS_EXPANSION_TEXT, "\\<b>");
  assert_expands ("\\<\\<<ApiKey>>", FLOWS_EXPANSION_TEXT, "<<k3y>");
  assert_expands ("x > y", FLOWS_EXPANSION_TEXT, "x > y");
  assert_references ("\\\\<b>", none);
  assert_references ("\\<a> <b>", inner);
}

static void
test_parse_errors (void)
{
  const char *must_start = "\"<\" must start a reference such as <ApiKey>; write \\< for a literal \"<\"";
  g_autofree char *column_3 = g_strdup_printf ("column 3: %s", must_start);

  assert_syntax_error ("a < b", column_3);
  assert_syntax_error ("x <1>", column_3);
  assert_syntax_error ("x <-a>", column_3);
  assert_syntax_error ("x <", column_3);
  assert_syntax_error ("x <>", column_3);
  assert_syntax_error ("x <.a>", column_3);
  assert_syntax_error ("\\\\ <a", "column 4: reference \"<a\" is not closed; expected \">\"");

  assert_syntax_error ("abc <Api Key>",
                       "column 9: expected \".\" or \">\" after \"<Api\", found a space");
  assert_syntax_error ("<api-key>",
                       "column 5: expected \".\" or \">\" after \"<api\", found \"-\"");
  assert_syntax_error ("<a.b c>",
                       "column 5: expected \".\" or \">\" after \"<a.b\", found a space");
  assert_syntax_error ("<a\tb>",
                       "column 3: expected \".\" or \">\" after \"<a\", found a tab");
  assert_syntax_error ("<a\n>",
                       "column 3: expected \".\" or \">\" after \"<a\", found a line break");
  assert_syntax_error ("<a\x01>",
                       "column 3: expected \".\" or \">\" after \"<a\", found U+0001");
  assert_syntax_error ("<a\xff>",
                       "column 3: expected \".\" or \">\" after \"<a\", found the byte 0xFF, which is not UTF-8");

  assert_syntax_error ("<a.>",
                       "column 4: expected a field name or index after \"<a.\", found \">\"");
  assert_syntax_error ("<a..b>",
                       "column 4: expected a field name or index after \"<a.\", found \".\"");
  assert_syntax_error ("<a.b. >",
                       "column 6: expected a field name or index after \"<a.b.\", found a space");

  assert_syntax_error ("<ApiKey", "column 1: reference \"<ApiKey\" is not closed; expected \">\"");
  assert_syntax_error ("x <a.b", "column 3: reference \"<a.b\" is not closed; expected \">\"");
  assert_syntax_error ("<a.", "column 1: reference \"<a.\" is not closed; expected \">\"");
  assert_syntax_error ("<ok> <a.b-", "column 6: reference \"<a.b-\" is not closed; expected \">\"");
}

static void
test_parse_error_positions (void)
{
  /* Columns count characters, not bytes. */
  assert_syntax_error ("é日本 < x",
                       "column 5: \"<\" must start a reference such as <ApiKey>; write \\< for a literal \"<\"");
  assert_syntax_error ("日本 <a本>",
                       "column 6: expected \".\" or \">\" after \"<a\", found \"本\"");

  /* A multi-line template such as a raw body gives the line too. */
  assert_syntax_error ("{\n  \"a\": \"<ok>\",\n  \"b\": <two\n}",
                       "line 3, column 12: expected \".\" or \">\" after \"<two\", found a line break");
  assert_syntax_error ("line one\nline <two",
                       "line 2, column 6: reference \"<two\" is not closed; expected \">\"");
  assert_syntax_error ("<soap:Envelope>\n",
                       "column 6: expected \".\" or \">\" after \"<soap\", found \":\"");
}

static void
test_is_identifier (void)
{
  g_assert_true (flows_expression_is_identifier ("ApiKey"));
  g_assert_true (flows_expression_is_identifier ("_"));
  g_assert_true (flows_expression_is_identifier ("a1_B2"));
  g_assert_false (flows_expression_is_identifier (NULL));
  g_assert_false (flows_expression_is_identifier (""));
  g_assert_false (flows_expression_is_identifier ("1a"));
  g_assert_false (flows_expression_is_identifier ("api-key"));
  g_assert_false (flows_expression_is_identifier ("api key"));
  g_assert_false (flows_expression_is_identifier ("a.b"));
  g_assert_false (flows_expression_is_identifier ("café"));
}

static void
test_ref_counting (void)
{
  FlowsExpression *expression = flows_expression_parse ("<a>", NULL);
  FlowsExpression *copy;

  g_assert_true (G_TYPE_IS_BOXED (FLOWS_TYPE_EXPRESSION));

  g_assert_true (flows_expression_ref (expression) == expression);
  flows_expression_unref (expression);

  copy = g_boxed_copy (FLOWS_TYPE_EXPRESSION, expression);
  g_assert_true (copy == expression);
  g_boxed_free (FLOWS_TYPE_EXPRESSION, copy);

  g_assert_cmpstr (flows_expression_get_reference (expression, 0), ==, "a");
  flows_expression_unref (expression);
}

/* Each context encodes a value its own way; the template around it is written as is. */
typedef struct
{
  const char *text;
  const char *expected;
} Expansion;

typedef struct
{
  const char      *path;
  FlowsExpansion   context;
  const Expansion *expansions;  /* up to one with text NULL */
} ContextCase;

static const Expansion text_expansions[] = {
  { "key=<ApiKey>", "key=k3y" },
  { "<amp>|<quoted>|<newlines>", AMPERSAND "|" QUOTED "|" NEWLINES },
  { "<unicode>", UNICODE },
  { "[<empty>]", "[]" },
  { "<callApi.headers.content-type>; <items.0.id>", "application/json; 42" },
  { NULL, NULL },
};

static const Expansion url_component_expansions[] = {
  { "https://x.test/q?v=<amp>&k=<ApiKey>", "https://x.test/q?v=a%26b%3Dc%23d&k=k3y" },
  { "<quoted>", "%22quoted%22" },
  { "<newlines>", "line1%0Aline2%0D%0A" },
  { "<unicode>", "%C3%A9%20%E6%97%A5%E6%9C%AC%20%F0%9F%98%80" },
  { "<symbols>", "a%20b%2Bc%2Fd%3Fe%25f~g%2Ah" },
  { "<controls>", "back%5Cslash%09tab%01%1F" },
  { NULL, NULL },
};

static const Expansion form_expansions[] = {
  { "grant_type=authorization_code&code=<amp>", "grant_type=authorization_code&code=a%26b%3Dc%23d" },
  { "<quoted>", "%22quoted%22" },
  { "<newlines>", "line1%0Aline2%0D%0A" },
  { "<unicode>", "%C3%A9+%E6%97%A5%E6%9C%AC+%F0%9F%98%80" },
  { "<symbols>", "a+b%2Bc%2Fd%3Fe%25f%7Eg*h" },
  { "<controls>", "back%5Cslash%09tab%01%1F" },
  { NULL, NULL },
};

static const Expansion json_expansions[] = {
  { "<amp>", AMPERSAND },
  { "say <quoted>", "say \\\"quoted\\\"" },
  { "<newlines>", "line1\\nline2\\r\\n" },
  { "<unicode>", UNICODE },
  { "<symbols>", SYMBOLS },
  { "<controls>", "back\\\\slash\\ttab\\u0001\\u001f" },
  { NULL, NULL },
};

static const ContextCase context_cases[] = {
  { "/expression/expand/text", FLOWS_EXPANSION_TEXT, text_expansions },
  { "/expression/expand/url-component", FLOWS_EXPANSION_URL_COMPONENT, url_component_expansions },
  { "/expression/expand/form", FLOWS_EXPANSION_FORM, form_expansions },
  { "/expression/expand/json", FLOWS_EXPANSION_JSON, json_expansions },
};

static void
test_expand_context (gconstpointer data)
{
  const ContextCase *context_case = data;

  for (const Expansion *expansion = context_case->expansions; expansion->text != NULL; expansion++)
    assert_expands (expansion->text, context_case->context, expansion->expected);
}

static void
test_expand_value_not_reparsed (void)
{
  const FlowsExpansion contexts[] = {
    FLOWS_EXPANSION_TEXT, FLOWS_EXPANSION_URL_COMPONENT, FLOWS_EXPANSION_FORM, FLOWS_EXPANSION_JSON,
  };
  const char *expected[] = { "(<x>)", "(%3Cx%3E)", "(%3Cx%3E)", "(<x>)" };
  g_autoptr(FlowsExpression) expression = flows_expression_parse ("(<brackets>)", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (contexts); i++)
    {
      g_autofree char *result = NULL;
      Resolver resolver;

      resolver_init (&resolver);
      result = flows_expression_expand (expression, contexts[i], resolve, &resolver, NULL);
      g_assert_cmpstr (result, ==, expected[i]);

      /* The value "<x>" is never looked up as a reference. */
      g_assert_cmpuint (resolver.asked->len, ==, 1);
      g_assert_cmpstr (g_ptr_array_index (resolver.asked, 0), ==, "brackets");
      resolver_clear (&resolver);
    }
}

static void
test_expand_escaped_literal (void)
{
  /* Literal text is written as is in every context: it is the template, not a value. */
  assert_expands ("\\<tag> <amp>", FLOWS_EXPANSION_TEXT, "<tag> " AMPERSAND);
  assert_expands ("\\<tag> <amp>", FLOWS_EXPANSION_URL_COMPONENT, "<tag> a%26b%3Dc%23d");
  assert_expands ("\\<tag> <amp>", FLOWS_EXPANSION_FORM, "<tag> a%26b%3Dc%23d");
  assert_expands ("\\<tag> \"<quoted>\"", FLOWS_EXPANSION_JSON, "<tag> \"\\\"quoted\\\"\"");
}

static void
test_expand_large (void)
{
  const gsize size = 1024 * 1024;
  g_autoptr(FlowsExpression) expression = flows_expression_parse ("[<big>]", NULL);
  struct {
    FlowsExpansion  context;
    char            byte;
    const char     *encoded;
  } cases[] = {
    { FLOWS_EXPANSION_TEXT, '<', "<" },
    { FLOWS_EXPANSION_URL_COMPONENT, '&', "%26" },
    { FLOWS_EXPANSION_FORM, ' ', "+" },
    { FLOWS_EXPANSION_JSON, '"', "\\\"" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *value = g_malloc (size + 1);
      g_autofree char *result = NULL;
      gsize encoded_length = strlen (cases[i].encoded);
      Resolver resolver;

      memset (value, cases[i].byte, size);
      value[size] = '\0';

      resolver_init (&resolver);
      g_hash_table_insert (resolver.values, "big", value);
      result = flows_expression_expand (expression, cases[i].context, resolve, &resolver, NULL);
      resolver_clear (&resolver);

      g_assert_nonnull (result);
      g_assert_cmpuint (strlen (result), ==, size * encoded_length + 2);
      g_assert_cmpint (result[0], ==, '[');
      g_assert_cmpint (result[size * encoded_length + 1], ==, ']');
      g_assert_true (memcmp (result + 1 + (size - 1) * encoded_length,
                             cases[i].encoded, encoded_length) == 0);
    }
}

static void
test_expand_unresolved (void)
{
  g_autoptr(FlowsExpression) expression = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *result = NULL;
  Resolver resolver;

  resolver_init (&resolver);

  expression = flows_expression_parse ("Bearer <exchange.body.access_token>", NULL);
  result = flows_expression_expand (expression, FLOWS_EXPANSION_TEXT, resolve, &resolver, &error);
  g_assert_null (result);
  g_assert_error (error, FLOWS_EXPRESSION_ERROR, FLOWS_EXPRESSION_ERROR_UNRESOLVED);
  g_assert_cmpstr (error->message, ==, "<exchange.body.access_token> resolves to nothing");

  /* The resolver's own error comes through unchanged, and expansion stops there. */
  g_clear_error (&error);
  g_clear_pointer (&expression, flows_expression_unref);
  g_ptr_array_set_size (resolver.asked, 0);
  expression = flows_expression_parse ("<ApiKey><broken><ApiKey>", NULL);
  result = flows_expression_expand (expression, FLOWS_EXPANSION_TEXT, resolve, &resolver, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "the lookup failed");
  g_assert_cmpuint (resolver.asked->len, ==, 2);

  resolver_clear (&resolver);
}

/* Each encoder on what it must encode and what it must leave alone. */
typedef struct
{
  const char *in;
  const char *out;
} Encoding;

typedef struct
{
  const char     *path;
  char         *(*encode) (const char *text);
  const Encoding *encodings;  /* up to one with in NULL */
} EncoderCase;

static const Encoding url_component_encodings[] = {
  { "", "" },
  { "AZaz09-._~", "AZaz09-._~" },
  { " !\"#$%&'()*+,/:;<=>?@[\\]^`{|}",
    "%20%21%22%23%24%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3C%3D%3E%3F%40%5B%5C%5D%5E%60%7B%7C%7D" },
  { "\x01\x7f", "%01%7F" },
  { "é", "%C3%A9" },
  { "😀", "%F0%9F%98%80" },
  { "\xff\xfe", "%FF%FE" },
  { NULL, NULL },
};

static const Encoding form_encodings[] = {
  { "", "" },
  { "AZaz09*-._", "AZaz09*-._" },
  { "a b  c", "a+b++c" },
  { "~!'()", "%7E%21%27%28%29" },
  { "+&=%", "%2B%26%3D%25" },
  { "\r\n", "%0D%0A" },
  { "é日", "%C3%A9%E6%97%A5" },
  { NULL, NULL },
};

static const Encoding json_string_encodings[] = {
  { "", "" },
  { "plain / text", "plain / text" },
  { "\"\\\b\f\n\r\t", "\\\"\\\\\\b\\f\\n\\r\\t" },
  { "\x01\x1f\x7f", "\\u0001\\u001f\x7f" },
  { "é日本😀", "é日本😀" },
  { "<x>&", "<x>&" },
  /* Invalid UTF-8 would make the document unparsable; it becomes U+FFFD. */
  { "a\xff" "b", "a\xEF\xBF\xBD" "b" },
  { "a\xC3", "a\xEF\xBF\xBD" },
  { NULL, NULL },
};

static const EncoderCase encoder_cases[] = {
  { "/expression/encode/url-component", flows_encode_url_component, url_component_encodings },
  { "/expression/encode/form", flows_encode_form, form_encodings },
  { "/expression/encode/json-string", flows_encode_json_string, json_string_encodings },
};

static void
test_encode (gconstpointer data)
{
  const EncoderCase *encoder_case = data;

  for (const Encoding *encoding = encoder_case->encodings; encoding->in != NULL; encoding++)
    {
      g_autofree char *encoded = encoder_case->encode (encoding->in);

      g_assert_cmpstr (encoded, ==, encoding->out);
    }
}

static void
test_json_round_trip (void)
{
  const char *values[] = {
    AMPERSAND, QUOTED, NEWLINES, BRACKETS, UNICODE, SYMBOLS, CONTROLS, "", "\\", "\"}", "\b\f\x7f",
  };
  g_autoptr(FlowsExpression) expression = flows_expression_parse ("<v>", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *inside = NULL;
      g_autofree char *document = NULL;
      JsonObject *root;
      Resolver resolver;

      resolver_init (&resolver);
      g_hash_table_insert (resolver.values, "v", (gpointer) values[i]);
      inside = flows_expression_expand (expression, FLOWS_EXPANSION_JSON, resolve, &resolver, NULL);
      resolver_clear (&resolver);

      document = g_strconcat ("{\"v\":\"", inside, "\"}", NULL);
      json_parser_load_from_data (parser, document, -1, &error);
      g_assert_no_error (error);

      root = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpuint (json_object_get_size (root), ==, 1);
      g_assert_cmpstr (json_object_get_string_member (root, "v"), ==, values[i]);
    }
}

/* flows_json_locate() */

static const char locate_document[] =
  "{\n"
  "  \"format\": \"flows-studio/app\",\n"
  "  \"flows\": [\n"
  "    {\n"
  "      \"name\": \"Caf\\u00e9 \\\"1\\\"\",\n"
  "      \"stages\": [ {\"type\": \"trigger\"}, {\"type\": 42},\n"
  "        {\"type\" : \"x\", \"na\\u00efve\": true, \"a\\\"b\": null, \"\\ud83d\\ude00\": -1.5e3} ]\n"
  "    }\n"
  "  ],\n"
  "  \"café\": { \"日本\": [1, [2, {\"k\": \"v\"}]] }\n"
  "}\n";

static void
assert_located (const char *text,
                gssize      length,
                const char *path,
                guint       expected_line,
                guint       expected_column)
{
  guint line = 0;
  guint column = 0;

  if (length < 0)
    length = strlen (text);

  g_assert_true (flows_json_locate (text, length, path, &line, &column));
  g_assert_cmpuint (line, ==, expected_line);
  g_assert_cmpuint (column, ==, expected_column);
}

static void
assert_not_located (const char *text,
                    gssize      length,
                    const char *path)
{
  guint line = 0;
  guint column = 0;

  if (length < 0)
    length = strlen (text);

  g_assert_false (flows_json_locate (text, length, path, &line, &column));
}

static void
test_locate_members (void)
{
  assert_located (locate_document, -1, "$", 1, 1);
  assert_located (locate_document, -1, "$.format", 2, 13);
  assert_located (locate_document, -1, "$.flows", 3, 12);
  assert_located (locate_document, -1, "$.flows[0]", 4, 5);
  assert_located (locate_document, -1, "$.flows[0].name", 5, 15);
  assert_located (locate_document, -1, "$.flows[0].stages", 6, 17);
  assert_located (locate_document, -1, "$.flows[0].stages[0].type", 6, 28);
  assert_located (locate_document, -1, "$.flows[0].stages[1].type", 6, 49);
  assert_located (locate_document, -1, "$.flows[0].stages[2]", 7, 9);
  assert_located (locate_document, -1, "$.flows[0].stages[2].type", 7, 19);
}

static void
test_locate_escaped_names (void)
{
  assert_located (locate_document, -1, "$.flows[0].stages[2].naïve", 7, 38);
  assert_located (locate_document, -1, "$.flows[0].stages[2].a\"b", 7, 52);
  assert_located (locate_document, -1, "$.flows[0].stages[2].😀", 7, 74);
}

static void
test_locate_utf8_columns (void)
{
  /* Columns count characters: "café" and "日本" are 4 and 2 wide, not 5 and 6. */
  assert_located (locate_document, -1, "$.café", 10, 11);
  assert_located (locate_document, -1, "$.café.日本", 10, 19);
  assert_located (locate_document, -1, "$.café.日本[1][1].k", 10, 33);
}

static void
test_locate_missing (void)
{
  assert_not_located (locate_document, strlen (locate_document), "$.nope");
  assert_not_located (locate_document, strlen (locate_document), "$.flows[1]");
  assert_not_located (locate_document, strlen (locate_document), "$.flows.name");
  assert_not_located (locate_document, strlen (locate_document), "$.format[0]");
  assert_not_located (locate_document, strlen (locate_document), "$.flows[0].stages[1].type.x");
  assert_not_located ("", 0, "$");
  assert_not_located ("   ", 3, "$");
}

static void
test_locate_paths (void)
{
  /* Paths are built from names found in files, so a malformed one is just not found. */
  assert_not_located (locate_document, strlen (locate_document), "flows");
  assert_not_located (locate_document, strlen (locate_document), "$flows");
  assert_not_located (locate_document, strlen (locate_document), "$.flows[");
  assert_not_located (locate_document, strlen (locate_document), "$.flows[x]");
  assert_not_located (locate_document, strlen (locate_document), "$.flows[-1]");
  assert_not_located (locate_document, strlen (locate_document), "$.flows[0");
  assert_not_located (locate_document, strlen (locate_document), "$.flows[99999999999]");

  /* An empty name is a name. */
  assert_located ("{\"\": {\"\": 1}}", -1, "$..", 1, 11);
}

static void
test_locate_malformed (void)
{
  /* Broken before the target: no answer. */
  assert_not_located ("{\"a\": [1, 2,, 3], \"b\": 1}", -1, "$.b");
  assert_not_located ("{\"a\": \"unterminated, \"b\": 1}", -1, "$.b");
  assert_not_located ("{\"a\" 1, \"b\": 1}", -1, "$.b");
  assert_not_located ("{\"a\": \"\\x\", \"b\": 1}", -1, "$.b");
  assert_not_located ("{\"a\": tru, \"b\": 1}", -1, "$.b");
  assert_not_located ("{\"a\": 1 /* open, \"b\": 1}", -1, "$.b");

  /* Broken after it: the target is still where it is. */
  assert_located ("{\"a\": 1, \"b\": ", -1, "$.a", 1, 7);
  assert_located ("[0, 1, {", -1, "$[1]", 1, 5);
}

static void
test_locate_like_json_glib (void)
{
  g_autofree char *deep = NULL;

  /* json-glib keeps the last of repeated members. */
  assert_located ("{\"a\": 1, \"a\": 2}", -1, "$.a", 1, 15);
  assert_located ("{\"a\": {\"b\": 1}, \"a\": {\"b\": 2}}", -1, "$.a.b", 1, 28);

  /* It allows C comments and a byte order mark, which editors do not show. */
  assert_located ("/* c */ {\"a\": /* x */ 5}", -1, "$.a", 1, 23);
  assert_located ("\xEF\xBB\xBF{\"a\":1}", -1, "$.a", 1, 6);

  /* Windows line endings, and only @length bytes of the text. */
  assert_located ("{\r\n\"a\":\r\n  true}", -1, "$.a", 3, 3);
  assert_located ("{\"a\": 1}garbage", 8, "$.a", 1, 7);
  assert_not_located ("{\"a\": 1, \"b\": 2}", 8, "$.b");

  /* Hostile nesting fails cleanly instead of exhausting the stack. */
  deep = g_strnfill (100000, '[');
  assert_not_located (deep, -1, "$.a");
}

static void
test_locate_optional_outputs (void)
{
  guint line = 0;

  g_assert_true (flows_json_locate ("[1]", 3, "$[0]", NULL, NULL));
  g_assert_true (flows_json_locate ("\n[1]", 4, "$[0]", &line, NULL));
  g_assert_cmpuint (line, ==, 2);
}

/* Renaming a parameter's references: exact, literal text kept byte for byte. */
typedef struct {
  const char *path;
  const char *text;
  const char *expected;   /* NULL: nothing to rename */
  guint       n;
} RenameCase;

static const RenameCase rename_cases[] = {
  { "/expressions/rename/alone", "<Scopes>", "<Scope>", 1 },
  { "/expressions/rename/twice", "a <Scopes> b <Scopes>", "a <Scope> b <Scope>", 2 },
  { "/expressions/rename/escaped-kept", "\\<Scopes> <Scopes>", "\\<Scopes> <Scope>", 1 },
  { "/expressions/rename/only-escaped", "\\<Scopes>", NULL, 0 },
  { "/expressions/rename/stage-output", "<Scopes.body> <scopes>", NULL, 0 },
  { "/expressions/rename/other-name", "<ScopesX> <Scope>", NULL, 0 },
  { "/expressions/rename/backslashes", "C:\\dir\\ \\\\<Scopes> <Scopes>> x", "C:\\dir\\ \\\\<Scopes> <Scope>> x", 1 },
  { "/expressions/rename/multi-line", "a\n<Other.x>\n<Scopes>&\"", "a\n<Other.x>\n<Scope>&\"", 1 },
  { "/expressions/rename/invalid", "<Scopes> <", NULL, 0 },
};

static void
test_rename_reference (gconstpointer data)
{
  const RenameCase *c = data;
  guint n = G_MAXUINT;
  g_autofree char *renamed = flows_expression_rename_reference (c->text, "Scopes", "Scope", &n);

  g_assert_cmpstr (renamed, ==, c->expected);
  g_assert_cmpuint (n, ==, c->n);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/expression/parse/literal", test_parse_literal);
  g_test_add_func ("/expression/parse/references", test_parse_references);
  g_test_add_func ("/expression/parse/paths", test_parse_paths);
  g_test_add_func ("/expression/parse/escapes", test_parse_escapes);
  g_test_add_func ("/expression/parse/errors", test_parse_errors);
  g_test_add_func ("/expression/parse/error-positions", test_parse_error_positions);
  g_test_add_func ("/expression/is-identifier", test_is_identifier);
  g_test_add_func ("/expression/ref-counting", test_ref_counting);
  test_add_table (context_cases, test_expand_context);
  g_test_add_func ("/expression/expand/value-not-reparsed", test_expand_value_not_reparsed);
  g_test_add_func ("/expression/expand/escaped-literal", test_expand_escaped_literal);
  g_test_add_func ("/expression/expand/large", test_expand_large);
  g_test_add_func ("/expression/expand/unresolved", test_expand_unresolved);
  test_add_table (encoder_cases, test_encode);
  test_add_table (rename_cases, test_rename_reference);
  g_test_add_func ("/expression/encode/json-round-trip", test_json_round_trip);
  g_test_add_func ("/json-locate/members", test_locate_members);
  g_test_add_func ("/json-locate/escaped-names", test_locate_escaped_names);
  g_test_add_func ("/json-locate/utf8-columns", test_locate_utf8_columns);
  g_test_add_func ("/json-locate/missing", test_locate_missing);
  g_test_add_func ("/json-locate/paths", test_locate_paths);
  g_test_add_func ("/json-locate/malformed", test_locate_malformed);
  g_test_add_func ("/json-locate/like-json-glib", test_locate_like_json_glib);
  g_test_add_func ("/json-locate/optional-outputs", test_locate_optional_outputs);

  return g_test_run ();
}
