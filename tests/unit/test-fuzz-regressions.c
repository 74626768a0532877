/* test-fuzz-regressions.c — one case for every bug that the fuzzers of tests/fuzz and the
 * sanitizer tree of build-aux/test found, with the input that found it (or its essence).
 *
 * The leaks LeakSanitizer found have no case here: the core suite itself, run under it by
 * build-aux/test, is their regression test.
 */
#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "flows-document.h"
#include "flows-json-util.h"
#include "flows-oauth.h"
#include "flows-http-call-private.h"
#include "runner-helpers.h"
#include "test-cases.h"

/* json-glib quotes the token it choked on cut after a number of bytes, here in the middle of
 * the 13th "→" (3 bytes each). */
#define SPLIT_CHARACTER_JSON "{\"→→→→→→→→→→→→→→→\" 1}"

static char *
nested (guint       depth,
        const char *before,
        const char *after)
{
  GString *text = g_string_new (before);

  for (guint i = 0; i < depth; i++)
    g_string_append_c (text, '[');
  for (guint i = 0; i < depth; i++)
    g_string_append_c (text, ']');
  g_string_append (text, after);
  return g_string_free (text, FALSE);
}

static void
assert_utf8_message (const GError *error)
{
  g_assert_nonnull (error);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

/* fuzz-app, fuzz-connection: a syntax error quoted half a character. */
static void
test_document_error_is_utf8 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlowsApp) app = NULL;
  g_autoptr(FlowsConnection) connection = NULL;

  app = flows_document_app_from_json (SPLIT_CHARACTER_JSON, strlen (SPLIT_CHARACTER_JSON), "app.json", &error);
  g_assert_null (app);
  g_assert_error (error, FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_SYNTAX);
  assert_utf8_message (error);
  g_assert_true (g_str_has_prefix (error->message, "app.json:1:"));
  g_clear_error (&error);

  connection = flows_document_connection_from_json (SPLIT_CHARACTER_JSON, strlen (SPLIT_CHARACTER_JSON),
                                                    "connection.json", &error);
  g_assert_null (connection);
  g_assert_error (error, FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_SYNTAX);
  assert_utf8_message (error);
}

/* json-glib's parser recurses once per level: 100,000 "[" (200 KB) overflowed the stack. */
static void
test_document_too_deep (void)
{
  static const char before[] =
    "{\"format\":\"flows-studio/app\",\"version\":1,\"id\":\"deep\",\"name\":\"Deep\","
    "\"connectionType\":\"generic\",\"flows\":[{\"id\":\"f\",\"name\":\"F\",\"stages\":"
    "[{\"id\":\"s\",\"type\":\"trigger\",\"settings\":{\"x\":";
  static const char after[] = "}}]}]}";
  g_autofree char *deep = nested (100000, before, after);
  g_autofree char *fine = nested (400, before, after);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlowsApp) app = NULL;
  g_autoptr(FlowsApp) fine_app = NULL;
  g_autoptr(FlowsConnection) connection = NULL;

  app = flows_document_app_from_json (deep, strlen (deep), "deep.json", &error);
  g_assert_null (app);
  g_assert_error (error, FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_SYNTAX);
  g_assert_nonnull (strstr (error->message, "nested more than 512 deep"));
  /* Where the 513th level opens: 7 levels before the settings' first "[". */
  g_assert_true (g_str_has_prefix (error->message, "deep.json:1:"));
  g_clear_error (&error);

  /* Deep, but not too deep, still loads. */
  fine_app = flows_document_app_from_json (fine, strlen (fine), "fine.json", &error);
  g_assert_no_error (error);
  g_assert_nonnull (fine_app);

  connection = flows_document_connection_from_json (deep, strlen (deep), "deep.json", &error);
  g_assert_null (connection);
  g_assert_error (error, FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_SYNTAX);
}

static void
test_find_too_deep (void)
{
  g_autofree char *limit = nested (FLOWS_JSON_MAX_DEPTH, "", "");
  g_autofree char *over = nested (FLOWS_JSON_MAX_DEPTH + 1, "{\"a\":", "}");
  g_autofree char *quoted = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *commented = NULL;
  g_autofree char *brackets = g_strnfill (1000, '[');

  g_assert_null (flows_json_find_too_deep (limit, strlen (limit)));
  /* The object is one level: the last "[" is the one too deep. */
  g_assert_true (flows_json_find_too_deep (over, strlen (over)) == over + 5 + FLOWS_JSON_MAX_DEPTH - 1);
  /* Only the given length counts. */
  g_assert_null (flows_json_find_too_deep (over, 5 + FLOWS_JSON_MAX_DEPTH - 1));

  /* Brackets inside strings and comments are not nesting. */
  quoted = g_strconcat ("[\"", brackets, "\", '", brackets, "']", NULL);
  g_assert_null (flows_json_find_too_deep (quoted, strlen (quoted)));
  escaped = g_strconcat ("[\"\\\"", brackets, "\"]", NULL);
  g_assert_null (flows_json_find_too_deep (escaped, strlen (escaped)));
  commented = g_strconcat ("[/* \" ", brackets, " */ 1]", NULL);
  g_assert_null (flows_json_find_too_deep (commented, strlen (commented)));
  /* A quote inside a comment does not hide what follows. */
  g_free (commented);
  commented = g_strconcat ("/* \" */", brackets, NULL);
  g_assert_nonnull (flows_json_find_too_deep (commented, strlen (commented)));
}

/* UndefinedBehaviorSanitizer in fuzz-app and fuzz-connection: numbers of a document were cast
 * to int or gint64 whatever their size. */
static void
test_document_huge_numbers (void)
{
  static const char version[] = "{\"format\":\"flows-studio/app\",\"version\":1e300}";
  static const char position[] =
    "{\"format\":\"flows-studio/app\",\"version\":1,\"id\":\"p\",\"name\":\"P\","
    "\"connectionType\":\"generic\",\"flows\":[{\"id\":\"f\",\"name\":\"F\",\"stages\":"
    "[{\"id\":\"s\",\"type\":\"trigger\",\"position\":{\"x\":1e300,\"y\":-1e300}}]}]}";
  static const char times[] =
    "{\"format\":\"flows-studio/connection\",\"version\":1,\"id\":\"c\",\"app\":\"a\","
    "\"oauth\":{\"expiresAt\":1e300},\"lastTest\":{\"time\":-1e300,\"passed\":true}}";
  g_autoptr(GError) error = NULL;
  g_autoptr(FlowsApp) refused = NULL;
  g_autoptr(FlowsApp) app = NULL;
  g_autoptr(FlowsConnection) connection = NULL;
  g_autofree char *saved = NULL;
  FlowsFlow *flow;
  g_autoptr(FlowsStage) stage = NULL;

  refused = flows_document_app_from_json (version, strlen (version), "v.json", &error);
  g_assert_null (refused);
  g_assert_error (error, FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_OLD_VERSION);
  g_clear_error (&error);

  /* Positions are kept within a billion canvas units. */
  app = flows_document_app_from_json (position, strlen (position), "p.json", &error);
  g_assert_no_error (error);
  flow = flows_app_find_flow (app, "f");
  stage = g_list_model_get_item (flows_flow_get_stages (flow), 0);
  g_assert_cmpfloat (flows_stage_get_x (stage), ==, 1e9);
  g_assert_cmpfloat (flows_stage_get_y (stage), ==, -1e9);
  flows_stage_set_position (stage, -1e300, 1e300);
  saved = flows_document_app_to_json (app);
  g_assert_nonnull (strstr (saved, "\"x\" : -1000000000,"));
  g_assert_nonnull (strstr (saved, "\"y\" : 1000000000\n"));

  /* Times saturate. */
  connection = flows_document_connection_from_json (times, strlen (times), "c.json", &error);
  g_assert_no_error (error);
  g_assert_cmpint (flows_connection_get_token_expires_at (connection), ==, G_MAXINT64);
  g_assert_cmpint (flows_connection_get_last_test_time (connection), ==, G_MININT64);
}

/* json-glib 1.6 writes the double 1e20 as "1e+20.0": an App with such a number in a stage's
 * settings was saved as a file that does not load. */
static void
test_document_exponent_round_trip (void)
{
  static const char text[] =
    "{\"format\":\"flows-studio/app\",\"version\":1,\"id\":\"n\",\"name\":\"N\","
    "\"connectionType\":\"generic\",\"flows\":[{\"id\":\"f\",\"name\":\"F\",\"stages\":"
    "[{\"id\":\"s\",\"type\":\"trigger\",\"settings\":{\"big\":1e20,\"small\":-3E-300,"
    "\"text\":\"1e+20.0\",\"list\":[2e17,1.5e300]}}]}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(FlowsApp) app = flows_document_app_from_json (text, strlen (text), "n.json", &error);
  g_autoptr(FlowsApp) again = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *saved_again = NULL;

  g_assert_no_error (error);
  saved = flows_document_app_to_json (app);
  g_assert_nonnull (strstr (saved, "\"big\" : 1e+20,"));
  g_assert_nonnull (strstr (saved, "\"text\" : \"1e+20.0\""));
  g_assert_nonnull (strstr (saved, "2e+17,"));
  again = flows_document_app_from_json (saved, strlen (saved), "saved.json", &error);
  g_assert_no_error (error);
  saved_again = flows_document_app_to_json (again);
  g_assert_cmpstr (saved_again, ==, saved);
}

static JsonNode *
parse_body (const char  *media_type,
            const char  *text,
            gsize        length,
            GError     **error)
{
  g_autoptr(GBytes) body = g_bytes_new (text, length);

  return _flows_http_parse_body (body, media_type, "POST", "https://provider.invalid/token", error);
}

/* fuzz-connection: json-glib reads "\ud83d" without its low half as bytes that are not UTF-8,
 * so the connection was saved as a file that does not load. */
static void
test_lone_surrogate (void)
{
  static const char connection_text[] =
    "{\"format\":\"flows-studio/connection\",\"version\":1,\"id\":\"c\",\"app\":\"a\",\n"
    "\"name\":\"Work \\ud83dude00\"}";
  static const char pair[] = "[\"\\ud83d\\ude00\", \"\\uD83D\\uDE00\", \"\\\\ud83d\", '\\ud83d', \"\\u00e9\"]";
  g_autoptr(GError) error = NULL;
  g_autoptr(FlowsConnection) connection = NULL;
  g_autoptr(JsonNode) body = NULL;

  connection = flows_document_connection_from_json (connection_text, strlen (connection_text), "c.json", &error);
  g_assert_null (connection);
  g_assert_error (error, FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_SYNTAX);
  g_assert_cmpstr (error->message, ==, "c.json:2:14: “\\ud83d” is half of a UTF-16 surrogate pair, not a character");
  g_clear_error (&error);

  g_assert_nonnull (flows_json_find_lone_surrogate ("\"\\udc00\"", 8));
  g_assert_nonnull (flows_json_find_lone_surrogate ("\"\\ud800\\u0041\"", 14));
  /* A whole pair, an escaped backslash, a single-quoted string: none. */
  g_assert_null (flows_json_find_lone_surrogate (pair, strlen (pair)));

  body = parse_body ("application/json", connection_text, strlen (connection_text), &error);
  g_assert_null (body);
  g_assert_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "half of a UTF-16 surrogate pair"));
}

/* fuzz-response-body: "%cc" in a form body decoded to a byte that is not UTF-8, in a trace. */
static void
test_form_body_is_utf8 (void)
{
  static const char form[] = "access_token=a%CCb&sc%FFope=r";
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = parse_body ("application/x-www-form-urlencoded", form, strlen (form), &error);
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  text = flows_json_to_compact (body);
  g_assert_cmpstr (text, ==, "{\"access_token\":\"a\xEF\xBF\xBD" "b\",\"sc\xEF\xBF\xBD" "ope\":\"r\"}");
}

/* fuzz-callback: error=%97 put a byte that is not UTF-8 into the message. */
static void
test_callback_error_is_utf8 (void)
{
  g_autoptr(GHashTable) fields = NULL;
  g_autoptr(GError) error = NULL;

  fields = flows_oauth_parse_callback ("http://127.0.0.1:8976/callback?error=%97cV&error_description=a%FFb&state=s",
                                       &error);
  g_assert_no_error (error);
  g_assert_false (flows_oauth_check_callback (fields, "s", &error));
  g_assert_error (error, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_PROVIDER);
  assert_utf8_message (error);
  g_assert_nonnull (strstr (error->message, "\xEF\xBF\xBD" "cV"));
  g_assert_nonnull (strstr (error->message, "a\xEF\xBF\xBD" "b"));
}

/* fuzz-response-body: the same split character in a JSON response's error; a body of white
 * space came back as NULL without an error; a deep body overflowed the stack. */
static void
test_response_body (void)
{
  g_autofree char *deep = nested (100000, "", "");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) broken = NULL;
  g_autoptr(JsonNode) blank = NULL;
  g_autoptr(JsonNode) too_deep = NULL;

  broken = parse_body ("application/json", SPLIT_CHARACTER_JSON, strlen (SPLIT_CHARACTER_JSON), &error);
  g_assert_null (broken);
  g_assert_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA);
  assert_utf8_message (error);
  g_clear_error (&error);

  blank = parse_body ("application/json", "\r\n ", 3, &error);
  g_assert_no_error (error);
  g_assert_nonnull (blank);
  g_assert_cmpstr (json_node_get_string (blank), ==, "");

  /* json-glib reads the largest double as infinity, and wrote it back as "inf.0". */
  {
    static const char largest[] = "{\"max\":1.7976931348623157e308,\"big\":1e20}";
    g_autoptr(JsonNode) node = parse_body ("application/json", largest, strlen (largest), &error);
    g_autofree char *text = NULL;
    g_autoptr(JsonNode) again = NULL;

    g_assert_no_error (error);
    text = flows_json_to_compact (node);
    again = json_from_string (text, &error);
    g_assert_no_error (error);
    g_assert_nonnull (again);
    g_assert_nonnull (strstr (text, "\"big\":1e+20"));
  }

  too_deep = parse_body ("application/problem+json", deep, strlen (deep), &error);
  g_assert_null (too_deep);
  g_assert_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "nests lists and objects more than 512 deep"));
}

/* A number field of a JSON body was cast to gint64 whatever its size ("1e300": undefined
 * behaviour), NaN and infinity were sent as "nan" and "inf", and 1e20 as "1e+20.0": none of
 * them JSON. */
typedef struct
{
  const char *path;
  const char *value;
  const char *sent;  /* NULL: refused */
} NumberField;

static const NumberField number_fields[] = {
  { "/fuzz-regressions/body/number-field/nan", "nan", NULL },
  { "/fuzz-regressions/body/number-field/inf", "inf", NULL },
  { "/fuzz-regressions/body/number-field/minus-infinity", "-infinity", NULL },
  { "/fuzz-regressions/body/number-field/overflow", "1e999", NULL },
  { "/fuzz-regressions/body/number-field/twenty-digits", "99999999999999999999", "{\"v\":1e+20}" },
  { "/fuzz-regressions/body/number-field/minus-1e300", "-1e300", "{\"v\":-1.0000000000000001e+300}" },
  { "/fuzz-regressions/body/number-field/beyond-2-53", "9007199254740993", "{\"v\":9007199254740992}" },
};

static void
test_body_number_field (gconstpointer data)
{
  const NumberField *field = data;
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  g_autoptr(FlowsRun) run = NULL;
  FlowsFlow *flow = test_flow_add (app, "number");
  FlowsStage *trigger = test_trigger_add (flow, NULL);
  FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'POST','uriBase':'%s','uriPath':'n','body':{'kind':'json','fields':["
                                     "{'name':'v','value':'%s','type':'number'}]}}",
                                     server->url, field->value);

  test_route (trigger, "success", call);
  run = test_run_with_inputs (app, flow, NULL);
  if (field->sent == NULL)
    {
      g_autofree char *message = g_strdup_printf ("“%s” is not a number", field->value);

      test_assert_failed (run, "call", message, NULL);
      g_assert_cmpuint (test_server_n_requests (server), ==, 0);
    }
  else
    {
      g_autofree char *body = NULL;

      test_assert_succeeded (run);
      body = test_request_body_text (test_server_single (server));
      g_assert_cmpstr (body, ==, field->sent);
    }
}

/* A "json" field of a JSON body is parsed by json-glib too: the same depth limit. */
static void
test_body_json_field_too_deep (void)
{
  g_autofree char *deep = nested (100000, "", "");
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  g_autoptr(FlowsRun) run = NULL;
  FlowsFlow *flow = test_flow_add (app, "deep");
  FlowsStage *trigger = test_trigger_add (flow, "deep", NULL);
  FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'POST','uriBase':'%s','uriPath':'j','body':{'kind':'json','fields':["
                                     "{'name':'v','value':'<deep>','type':'json'}]}}",
                                     server->url);

  test_route (trigger, "success", call);
  run = test_run_with_inputs (app, flow, "deep", deep, NULL);
  test_assert_failed (run, "call", "body.fields[0].value: lists and objects are nested more than 512 deep", NULL);
  g_assert_cmpuint (test_server_n_requests (server), ==, 0);
}

/* fuzz-callback: "h:" matched the redirect URL "h://h:@:", which has user information and no
 * host, and so did not even match itself. Such a redirect URL matches nothing. */
static void
test_redirect_without_host (void)
{
  static const char * const redirect_urls[] = { "h://h:@:", "h://h:@", "h:", "http://user@127.0.0.1:8976/callback" };

  for (guint i = 0; i < G_N_ELEMENTS (redirect_urls); i++)
    {
      g_assert_false (flows_oauth_redirect_matches (redirect_urls[i], "h:"));
      g_assert_false (flows_oauth_redirect_matches (redirect_urls[i], redirect_urls[i]));
    }
  g_assert_true (flows_oauth_redirect_matches ("http://127.0.0.1:8976/callback", "http://127.0.0.1:8976/callback?code=c"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fuzz-regressions/document/error-is-utf8", test_document_error_is_utf8);
  g_test_add_func ("/fuzz-regressions/document/too-deep", test_document_too_deep);
  g_test_add_func ("/fuzz-regressions/document/huge-numbers", test_document_huge_numbers);
  g_test_add_func ("/fuzz-regressions/document/exponent-round-trip", test_document_exponent_round_trip);
  g_test_add_func ("/fuzz-regressions/json/find-too-deep", test_find_too_deep);
  g_test_add_func ("/fuzz-regressions/callback/error-is-utf8", test_callback_error_is_utf8);
  g_test_add_func ("/fuzz-regressions/callback/redirect-without-host", test_redirect_without_host);
  g_test_add_func ("/fuzz-regressions/json/lone-surrogate", test_lone_surrogate);
  g_test_add_func ("/fuzz-regressions/response-body/form-is-utf8", test_form_body_is_utf8);
  g_test_add_func ("/fuzz-regressions/response-body", test_response_body);
  test_add_table (number_fields, test_body_number_field);
  g_test_add_func ("/fuzz-regressions/body/json-field-too-deep", test_body_json_field_too_deep);

  return g_test_run ();
}
