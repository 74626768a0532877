/* test-runner-hostile.c — values that try to change the structure of a request, through every
 * place a value can go: a URL path component, query values (Call API and Build URL), form
 * fields (built and raw), JSON fields (string and json types) and a raw JSON body, and header
 * values. The values come in as Trigger inputs; the SoupServer on 127.0.0.1 asserts the exact
 * bytes it received, then decodes them and finds the value unchanged.
 */
#include "config.h"

#include <string.h>

#include "runner-helpers.h"

typedef struct
{
  const char *value;
  const char *url;   /* percent-encoded, RFC 3986 unreserved characters kept */
  const char *form;  /* application/x-www-form-urlencoded */
  const char *json;  /* the inside of a JSON string */
} Hostile;

/* Every encoding below is written out by hand from the rules, not produced by the engine. */
static const Hostile hostile_values[] = {
  { "a&b=c#d", "a%26b%3Dc%23d", "a%26b%3Dc%23d", "a&b=c#d" },
  { "\"quoted\"", "%22quoted%22", "%22quoted%22", "\\\"quoted\\\"" },
  { "line1\nline2", "line1%0Aline2", "line1%0Aline2", "line1\\nline2" },
  { "<x>", "%3Cx%3E", "%3Cx%3E", "<x>" },
  { "\\<", "%5C%3C", "%5C%3C", "\\\\<" },
  { "é ü 日本 😀", "%C3%A9%20%C3%BC%20%E6%97%A5%E6%9C%AC%20%F0%9F%98%80",
    "%C3%A9+%C3%BC+%E6%97%A5%E6%9C%AC+%F0%9F%98%80", "é ü 日本 😀" },
  { "50% +1/2?x=<ApiKey>", "50%25%20%2B1%2F2%3Fx%3D%3CApiKey%3E", "50%25+%2B1%2F2%3Fx%3D%3CApiKey%3E",
    "50% +1/2?x=<ApiKey>" },
};

/* A flow that sends <v> through every context but headers, one request per context, in this
 * order: path, query, Build URL, form, raw form, JSON, JSON typed json, raw JSON. A Set Fields
 * stage passes the value on first, so that it is substituted twice and must still be encoded
 * once. */
static FlowsFlow *
build_contexts_flow (FlowsApp   *app,
                     TestServer *server)
{
  FlowsFlow *flow = test_flow_add (app, "contexts");
  FlowsStage *stages[10];
  guint n = 0;

  test_app_add_param (app, "ApiKey", FALSE, "must-not-appear");
  stages[n++] = test_trigger_add (flow, "v", NULL);
  stages[n++] = test_stage_add (flow, "copy", FLOWS_STAGE_TYPE_SET_FIELDS,
                                "{'fields':[{'name':'v','value':'<v>'}]}");
  stages[n++] = test_stage_add (flow, "path", FLOWS_STAGE_TYPE_CALL_API,
                                "{'method':'GET','uriBase':'%s/items','uriPath':'<copy.v>/details'}", server->url);
  stages[n++] = test_stage_add (flow, "query", FLOWS_STAGE_TYPE_CALL_API,
                                "{'method':'GET','uriBase':'%s','uriPath':'query',"
                                "'query':[{'name':'q','value':'<v>'},{'name':'after','value':'1'}]}", server->url);
  stages[n++] = test_stage_add (flow, "build", FLOWS_STAGE_TYPE_BUILD_URL,
                                "{'base':'%s/built','resultField':'url',"
                                "'query':[{'name':'q','value':'<copy.v>','omitWhenEmpty':true},{'name':'after','value':'1'}]}",
                                server->url);
  stages[n++] = test_stage_add (flow, "built", FLOWS_STAGE_TYPE_CALL_API,
                                "{'method':'GET','uriBase':'<build.url>','uriPath':''}");
  stages[n++] = test_stage_add (flow, "form", FLOWS_STAGE_TYPE_CALL_API,
                                "{'method':'POST','uriBase':'%s','uriPath':'form','body':{'kind':'form','fields':["
                                "{'name':'v','value':'<v>'},{'name':'after','value':'1'}]}}", server->url);
  stages[n++] = test_stage_add (flow, "rawForm", FLOWS_STAGE_TYPE_CALL_API,
                                "{'method':'POST','uriBase':'%s','uriPath':'raw-form','body':{'kind':'raw',"
                                "'contentType':'application/x-www-form-urlencoded','text':'v=<copy.v>&after=1'}}", server->url);
  stages[n++] = test_stage_add (flow, "json", FLOWS_STAGE_TYPE_CALL_API,
                                "{'method':'POST','uriBase':'%s','uriPath':'json','body':{'kind':'json','fields':["
                                "{'name':'v','value':'<v>'},"
                                "{'name':'typed','value':'{\\'v\\':\\'<copy.v>\\',\\'n\\':1}','type':'json'}]}}", server->url);
  stages[n++] = test_stage_add (flow, "rawJson", FLOWS_STAGE_TYPE_CALL_API,
                                "{'method':'PUT','uriBase':'%s','uriPath':'raw-json','body':{'kind':'raw',"
                                "'contentType':'application/json','text':'{\\'v\\':\\'<v>\\',\\'after\\':1}'}}", server->url);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (stages));
  for (guint i = 0; i + 1 < n; i++)
    test_route (stages[i], "success", stages[i + 1]);
  return flow;
}

static void
assert_form (const char *body,
             const char *name,
             const char *value)
{
  g_autoptr(GHashTable) form = soup_form_decode (body);

  g_assert_cmpuint (g_hash_table_size (form), ==, 2);
  g_assert_cmpstr (g_hash_table_lookup (form, name), ==, value);
  g_assert_cmpstr (g_hash_table_lookup (form, "after"), ==, "1");
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

static void
test_hostile_contexts (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (hostile_values); i++)
    {
      const Hostile *h = &hostile_values[i];
      g_autoptr(TestServer) server = test_server_new ();
      g_autoptr(FlowsApp) app = test_app_new ();
      g_autoptr(FlowsRun) run = NULL;
      FlowsFlow *flow = build_contexts_flow (app, server);
      g_autofree char *path = g_strconcat ("/items/", h->url, "/details", NULL);
      g_autofree char *query = g_strconcat ("q=", h->url, "&after=1", NULL);
      g_autofree char *form = g_strconcat ("v=", h->form, "&after=1", NULL);
      g_autofree char *json = g_strconcat ("{\"v\":\"", h->json, "\",\"typed\":{\"v\":\"", h->json, "\",\"n\":1}}", NULL);
      g_autofree char *raw_json = g_strconcat ("{\"v\":\"", h->json, "\",\"after\":1}", NULL);
      g_autofree char *body = NULL;
      g_autofree char *decoded = NULL;
      g_autoptr(JsonObject) object = NULL;

      g_test_message ("value %u", i);
      run = test_run_with_inputs (app, flow, "v", h->value, NULL);
      test_assert_succeeded (run);
      g_assert_cmpuint (test_server_n_requests (server), ==, 7);

      /* Path: one segment, whatever the value holds. */
      g_assert_cmpstr (test_server_request (server, 0)->method, ==, "GET");
      g_assert_cmpstr (test_server_request (server, 0)->path, ==, path);
      g_assert_null (test_server_request (server, 0)->query);
      decoded = g_uri_unescape_segment (h->url, NULL, NULL);
      g_assert_cmpstr (decoded, ==, h->value);

      /* Query, from Call API and from Build URL. */
      for (guint r = 1; r <= 2; r++)
        {
          TestRequest *request = test_server_request (server, r);

          g_assert_cmpstr (request->path, ==, r == 1 ? "/query" : "/built");
          g_assert_cmpstr (request->query, ==, query);
          assert_form (request->query, "q", h->value);
        }

      /* Form fields, built and raw. */
      for (guint r = 3; r <= 4; r++)
        {
          TestRequest *request = test_server_request (server, r);

          g_clear_pointer (&body, g_free);
          body = test_request_body_text (request);
          g_assert_cmpstr (soup_message_headers_get_one (request->headers, "Content-Type"), ==,
                           "application/x-www-form-urlencoded");
          g_assert_cmpstr (body, ==, form);
          assert_form (body, "v", h->value);
        }

      /* JSON fields, as a string and inside a json-typed field. */
      g_clear_pointer (&body, g_free);
      body = test_request_body_text (test_server_request (server, 5));
      g_assert_cmpstr (body, ==, json);
      object = parse_object (body);
      g_assert_cmpuint (json_object_get_size (object), ==, 2);
      g_assert_cmpstr (json_object_get_string_member (object, "v"), ==, h->value);
      g_assert_cmpuint (json_object_get_size (json_object_get_object_member (object, "typed")), ==, 2);
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "typed"), "v"), ==, h->value);
      g_clear_pointer (&object, json_object_unref);

      /* A raw JSON body. */
      g_clear_pointer (&body, g_free);
      body = test_request_body_text (test_server_request (server, 6));
      g_assert_cmpstr (soup_message_headers_get_one (test_server_request (server, 6)->headers, "Content-Type"), ==,
                       "application/json");
      g_assert_cmpstr (body, ==, raw_json);
      object = parse_object (body);
      g_assert_cmpuint (json_object_get_size (object), ==, 2);
      g_assert_cmpstr (json_object_get_string_member (object, "v"), ==, h->value);
      g_assert_cmpint (json_object_get_int_member (object, "after"), ==, 1);

      /* A value is never expanded again: <ApiKey> inside it stayed text. */
      for (guint r = 0; r < test_server_n_requests (server); r++)
        {
          TestRequest *request = test_server_request (server, r);
          g_autofree char *text = test_request_body_text (request);

          test_assert_not_contains (request->path, "must-not-appear");
          test_assert_not_contains (request->query, "must-not-appear");
          test_assert_not_contains (text, "must-not-appear");
        }
    }
}

/* Header values are sent as they are; one with a line break is refused and nothing is sent. */
static void
test_hostile_headers (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (hostile_values); i++)
    {
      const Hostile *h = &hostile_values[i];
      g_autoptr(TestServer) server = test_server_new ();
      g_autoptr(FlowsApp) app = test_app_new ();
      g_autoptr(FlowsRun) run = NULL;
      FlowsFlow *flow = test_flow_add (app, "headers");
      FlowsStage *trigger = test_trigger_add (flow, "v", NULL);
      FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                         "{'method':'GET','uriBase':'%s','uriPath':'h',"
                                         "'headers':[{'name':'X-Value','value':'<v>'},"
                                         "{'name':'Authorization','value':'Bearer <v>'}]}", server->url);

      test_route (trigger, "success", call);
      g_test_message ("value %u", i);
      run = test_run_with_inputs (app, flow, "v", h->value, NULL);

      if (strchr (h->value, '\n') != NULL)
        {
          test_assert_failed (run, "call", NULL);
          g_assert_cmpstr (flows_run_get_error_message (run), ==,
                           "headers[0].value: the value of header “X-Value” contains a line break");
          g_assert_cmpuint (test_server_n_requests (server), ==, 0);
        }
      else
        {
          TestRequest *request;
          g_autofree char *bearer = g_strconcat ("Bearer ", h->value, NULL);
          guint n_values = 0;
          SoupMessageHeadersIter iter;
          const char *name, *value;

          test_assert_succeeded (run);
          request = test_server_single (server);
          g_assert_cmpstr (soup_message_headers_get_one (request->headers, "X-Value"), ==, h->value);
          g_assert_cmpstr (soup_message_headers_get_one (request->headers, "Authorization"), ==, bearer);
          /* No header came from inside a value. */
          soup_message_headers_iter_init (&iter, request->headers);
          while (soup_message_headers_iter_next (&iter, &name, &value))
            if (g_ascii_strcasecmp (name, "X-Value") == 0)
              n_values++;
          g_assert_cmpuint (n_values, ==, 1);
        }
    }
}

/* A carriage return alone is a line break as well, and so is one in the second header. */
static void
test_hostile_header_carriage_return (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  g_autoptr(FlowsRun) run = NULL;
  FlowsFlow *flow = test_flow_add (app, "cr");
  FlowsStage *trigger = test_trigger_add (flow, "v", NULL);
  FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'GET','uriBase':'%s','uriPath':'h',"
                                     "'headers':[{'name':'X-Fine','value':'ok'},"
                                     "{'name':'X-Value','value':'a <v>'}]}", server->url);

  test_route (trigger, "success", call);
  run = test_run_with_inputs (app, flow, "v", "x\rSet-Cookie: evil=1", NULL);
  test_assert_failed (run, "call", NULL);
  g_assert_cmpstr (flows_run_get_error_message (run), ==,
                   "headers[1].value: the value of header “X-Value” contains a line break");
  g_assert_cmpuint (test_server_n_requests (server), ==, 0);
}

/* A value can hold the whole path: slashes, dots and a query of its own stay in one segment. */
static void
test_hostile_path_traversal (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  g_autoptr(FlowsRun) run = NULL;
  FlowsFlow *flow = test_flow_add (app, "traversal");
  FlowsStage *trigger = test_trigger_add (flow, "id", NULL);
  FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'DELETE','uriBase':'%s/users','uriPath':'<id>'}", server->url);

  test_route (trigger, "success", call);
  run = test_run_with_inputs (app, flow, "id", "../admin/../../x?all=1#top", NULL);
  test_assert_succeeded (run);
  g_assert_cmpstr (test_server_single (server)->path, ==, "/users/..%2Fadmin%2F..%2F..%2Fx%3Fall%3D1%23top");
  g_assert_null (test_server_single (server)->query);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/hostile/contexts", test_hostile_contexts);
  g_test_add_func ("/engine/hostile/headers", test_hostile_headers);
  g_test_add_func ("/engine/hostile/header-carriage-return", test_hostile_header_carriage_return);
  g_test_add_func ("/engine/hostile/path-traversal", test_hostile_path_traversal);

  return g_test_run ();
}
