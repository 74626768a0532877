/* test-runner-call-api.c — the Call API stage against a SoupServer on 127.0.0.1: every method,
 * how URI base and path are joined, query, headers, every body kind, the success status range
 * and how responses are parsed by content type. The server records each request as it came
 * over the wire, and the tests compare those bytes exactly.
 */
#include "config.h"

#include <string.h>

#include "flows-secrets.h"
#include "runner-helpers.h"
#include "test-session.h"

static const char *
header (TestRequest *request,
        const char  *name)
{
  return soup_message_headers_get_one (request->headers, name);
}

/* Methods ---------------------------------------------------------------------------------- */

static void
test_methods (void)
{
  static const char * const methods[] = { "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD" };
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  g_autoptr(FlowsRun) run = NULL;
  FlowsFlow *flow = test_flow_add (app, "methods");
  FlowsStage *previous = test_trigger_add (flow, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_autofree char *key = g_ascii_strdown (methods[i], -1);
      gboolean has_body = i >= 1 && i <= 3;
      FlowsStage *stage = test_stage_add (flow, key, FLOWS_STAGE_TYPE_CALL_API,
                                          "{'method':'%s','uriBase':'%s','uriPath':'/m/%s',"
                                          "'body':%s}",
                                          methods[i], server->url, key,
                                          has_body ? "{'kind':'json','fields':[{'name':'n','value':'1'}]}"
                                                   : "{'kind':'none'}");
      test_route (previous, "success", stage);
      previous = stage;
    }

  run = test_run_with_inputs (app, flow, NULL);
  test_assert_succeeded (run);
  test_assert_trace (run, "trigger>success get>success post>success put>success patch>success "
                          "delete>success head>success");
  g_assert_cmpuint (test_server_n_requests (server), ==, G_N_ELEMENTS (methods));

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      TestRequest *request = test_server_request (server, i);
      g_autofree char *key = g_ascii_strdown (methods[i], -1);
      g_autofree char *path = g_strconcat ("/m/", key, NULL);
      g_autofree char *body = test_request_body_text (request);
      FlowsTraceEntry *entry = test_trace_entry (run, key, 0);
      g_autofree char *status = test_entry_output (entry, "status");
      g_autofree char *method = test_entry_setting (entry, "method");
      g_autofree char *url = test_entry_setting (entry, "url");
      g_autofree char *expected_url = test_server_url (server, path);
      gboolean has_body = i >= 1 && i <= 3;

      g_assert_cmpstr (request->method, ==, methods[i]);
      g_assert_cmpstr (request->path, ==, path);
      g_assert_null (request->query);
      g_assert_cmpstr (body, ==, has_body ? "{\"n\":\"1\"}" : "");
      g_assert_cmpstr (header (request, "Content-Type"), ==, has_body ? "application/json" : NULL);
      g_assert_cmpstr (status, ==, "200");
      g_assert_cmpstr (method, ==, methods[i]);
      g_assert_cmpstr (url, ==, expected_url);
    }

  /* HEAD has no body to read. */
  {
    FlowsTraceEntry *head = test_trace_entry (run, "head", 0);
    g_autofree char *size = test_entry_output (head, "size");
    g_autofree char *body = test_entry_output (head, "body");

    g_assert_cmpstr (size, ==, "0");
    g_assert_cmpstr (body, ==, "");
  }
  /* GET read the server's JSON. */
  {
    FlowsTraceEntry *get = test_trace_entry (run, "get", 0);
    g_autofree char *ok = test_entry_output (get, "body.ok");

    g_assert_cmpstr (ok, ==, "true");
  }
}

/* URI base + path ------------------------------------------------------------------------- */

typedef struct
{
  const char *base;   /* appended to the server's URL */
  const char *path;
  const char *expected_path;
  const char *expected_query;
} JoinCase;

static void
test_join (void)
{
  static const JoinCase cases[] = {
    { "", "", "/", NULL },
    { "/", "", "/", NULL },
    { "", "items", "/items", NULL },
    { "", "/items", "/items", NULL },
    { "/", "items", "/items", NULL },
    { "/", "/items", "/items", NULL },
    { "", "items/", "/items/", NULL },
    { "/", "/items/", "/items/", NULL },
    { "/api", "", "/api", NULL },
    { "/api/", "", "/api/", NULL },
    { "/api", "items", "/api/items", NULL },
    { "/api", "/items", "/api/items", NULL },
    { "/api/", "items", "/api/items", NULL },
    { "/api/", "/items", "/api/items", NULL },
    { "/api//", "//items", "/api/items", NULL },
    { "/api/v1", "projects/<id>/tasks", "/api/v1/projects/42/tasks", NULL },
    /* A base with a query or a fragment: the path goes into the path, before them. */
    { "/api?format=json", "items", "/api/items", "format=json" },
    { "/api/?format=json", "/items", "/api/items", "format=json" },
    { "/api#top", "items", "/api/items", NULL },
  };
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  g_autoptr(FlowsRun) run = NULL;
  g_autoptr(GString) expected_trace = g_string_new ("trigger>success");
  FlowsFlow *flow = test_flow_add (app, "join");
  FlowsStage *previous = test_trigger_add (flow, "id", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *key = g_strdup_printf ("c%u", i);
      FlowsStage *stage = test_stage_add (flow, key, FLOWS_STAGE_TYPE_CALL_API,
                                          "{'method':'GET','uriBase':'%s%s','uriPath':'%s'}",
                                          server->url, cases[i].base, cases[i].path);
      test_route (previous, "success", stage);
      previous = stage;
      g_string_append_printf (expected_trace, " %s>success", key);
    }

  run = test_run_with_inputs (app, flow, "id", "42", NULL);
  test_assert_succeeded (run);
  test_assert_trace (run, expected_trace->str);
  g_assert_cmpuint (test_server_n_requests (server), ==, G_N_ELEMENTS (cases));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      TestRequest *request = test_server_request (server, i);

      g_test_message ("base \"%s\" + path \"%s\"", cases[i].base, cases[i].path);
      g_assert_cmpstr (request->path, ==, cases[i].expected_path);
      g_assert_cmpstr (request->query, ==, cases[i].expected_query);
    }

  /* The trace shows the URL as sent. */
  {
    g_autofree char *url = test_entry_setting (test_trace_entry (run, "c11", 0), "url");
    g_autofree char *expected = test_server_url (server, "/api/items");

    g_assert_cmpstr (url, ==, expected);
  }
}

/* Query and headers ------------------------------------------------------------------------ */

static void
test_query (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  g_autoptr(FlowsRun) run = NULL;
  FlowsFlow *flow = test_flow_add (app, "query");
  FlowsStage *trigger = test_trigger_add (flow, "q", "page", NULL);
  FlowsStage *plain = test_stage_add (flow, "plain", FLOWS_STAGE_TYPE_CALL_API,
                                      "{'method':'GET','uriBase':'%s','uriPath':'search',"
                                      "'query':[{'name':'q','value':'<q>'},"
                                      "{'name':'page','value':'<page>','omitWhenEmpty':true},"
                                      "{'name':'empty','value':'','omitWhenEmpty':false},"
                                      "{'name':'sort by','value':'date desc'}]}",
                                      server->url);
  FlowsStage *existing = test_stage_add (flow, "existing", FLOWS_STAGE_TYPE_CALL_API,
                                         "{'method':'GET','uriBase':'%s/search?fixed=1','uriPath':'',"
                                         "'query':[{'name':'q','value':'<q>'}]}",
                                         server->url);
  g_autofree char *url = NULL;
  g_autofree char *expected_url = NULL;

  test_route (trigger, "success", plain);
  test_route (plain, "success", existing);

  run = test_run_with_inputs (app, flow, "q", "hello world", "page", "", NULL);
  test_assert_succeeded (run);
  test_assert_trace (run, "trigger>success plain>success existing>success");
  g_assert_cmpuint (test_server_n_requests (server), ==, 2);
  g_assert_cmpstr (test_server_request (server, 0)->path, ==, "/search");
  g_assert_cmpstr (test_server_request (server, 0)->query, ==, "q=hello%20world&empty=&sort%20by=date%20desc");
  g_assert_cmpstr (test_server_request (server, 1)->path, ==, "/search");
  g_assert_cmpstr (test_server_request (server, 1)->query, ==, "fixed=1&q=hello%20world");

  url = test_entry_setting (test_trace_entry (run, "plain", 0), "url");
  expected_url = test_server_url (server, "/search?q=hello%20world&empty=&sort%20by=date%20desc");
  g_assert_cmpstr (url, ==, expected_url);
}

static void
test_headers (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  g_autoptr(FlowsRun) run = NULL;
  FlowsFlow *flow = test_flow_add (app, "headers");
  FlowsStage *trigger = test_trigger_add (flow, "token", NULL);
  FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'GET','uriBase':'%s','uriPath':'h',"
                                     "'headers':[{'name':'X-Literal','value':'plain value'},"
                                     "{'name':'Authorization','value':'Token <token>'},"
                                     "{'name':'','value':'ignored'},"
                                     "{'name':'X-Empty','value':''},"
                                     "{'name':'Accept','value':'application/json'}]}",
                                     server->url);
  TestRequest *request;
  FlowsTraceEntry *entry;
  g_autofree char *resolved_authorization = NULL;
  g_autofree char *resolved_literal = NULL;

  test_route (trigger, "success", call);
  run = test_run_with_inputs (app, flow, "token", "abc.123", NULL);
  test_assert_succeeded (run);

  request = test_server_single (server);
  g_assert_cmpstr (header (request, "X-Literal"), ==, "plain value");
  g_assert_cmpstr (header (request, "Authorization"), ==, "Token abc.123");
  g_assert_cmpstr (header (request, "X-Empty"), ==, "");
  g_assert_cmpstr (header (request, "Accept"), ==, "application/json");

  entry = test_trace_entry (run, "call", 0);
  resolved_authorization = test_entry_setting (entry, "headers.Authorization");
  resolved_literal = test_entry_setting (entry, "headers.X-Literal");
  g_assert_cmpstr (resolved_authorization, ==, "Token abc.123");
  g_assert_cmpstr (resolved_literal, ==, "plain value");
}

static void
test_header_name_invalid (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  g_autoptr(FlowsRun) run = NULL;
  FlowsFlow *flow = test_flow_add (app, "bad-header");
  FlowsStage *trigger = test_trigger_add (flow, NULL);
  FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'GET','uriBase':'%s','uriPath':'h',"
                                     "'headers':[{'name':'X Bad: yes','value':'v'}]}",
                                     server->url);

  test_route (trigger, "success", call);
  run = test_run_with_inputs (app, flow, NULL);
  test_assert_failed (run, "call", "headers[0].name: “X Bad: yes” is not a valid header name", NULL);
  g_assert_cmpuint (test_server_n_requests (server), ==, 0);
}

/* Bodies ----------------------------------------------------------------------------------- */

static void
test_body_none (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  g_autoptr(FlowsRun) run = NULL;
  FlowsFlow *flow = test_flow_add (app, "none");
  FlowsStage *trigger = test_trigger_add (flow, NULL);
  FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'POST','uriBase':'%s','uriPath':'n','body':{'kind':'none'}}",
                                     server->url);
  TestRequest *request;

  test_route (trigger, "success", call);
  run = test_run_with_inputs (app, flow, NULL);
  test_assert_succeeded (run);

  request = test_server_single (server);
  g_assert_cmpstr (request->method, ==, "POST");
  g_assert_cmpuint (g_bytes_get_size (request->body), ==, 0);
  g_assert_null (header (request, "Content-Type"));
  g_assert_false (json_object_has_member (test_trace_entry (run, "call", 0)->settings, "body"));
}

static void
test_body_json (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  g_autoptr(FlowsRun) run = NULL;
  FlowsFlow *flow = test_flow_add (app, "json");
  FlowsStage *trigger = test_trigger_add (flow, "name", "count", "quote", NULL);
  FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'POST','uriBase':'%s','uriPath':'j','body':{'kind':'json','fields':["
                                     "{'name':'name','value':'<name>'},"
                                     "{'name':'untyped','value':'12'},"
                                     "{'name':'count','value':'<count>','type':'number'},"
                                     "{'name':'ratio','value':'-1.5','type':'number'},"
                                     "{'name':'active','value':'true','type':'boolean'},"
                                     "{'name':'off','value':'false','type':'boolean'},"
                                     "{'name':'meta','value':'{\\'a\\':[1,2],\\'b\\':\\'<quote>\\',\\'c\\':null}','type':'json'}]}}",
                                     server->url);
  TestRequest *request;
  g_autofree char *body = NULL;
  g_autofree char *resolved_body = NULL;

  test_route (trigger, "success", call);
  run = test_run_with_inputs (app, flow, "name", "Ada", "count", "42", "quote", "x\"y", NULL);
  test_assert_succeeded (run);

  request = test_server_single (server);
  body = test_request_body_text (request);
  g_assert_cmpstr (header (request, "Content-Type"), ==, "application/json");
  g_assert_cmpstr (body, ==,
                   "{\"name\":\"Ada\",\"untyped\":\"12\",\"count\":42,\"ratio\":-1.5,\"active\":true,"
                   "\"off\":false,\"meta\":{\"a\":[1,2],\"b\":\"x\\\"y\",\"c\":null}}");

  /* The trace shows the body as sent. */
  resolved_body = test_entry_setting (test_trace_entry (run, "call", 0), "body");
  g_assert_cmpstr (resolved_body, ==, body);
}

static void
test_body_json_bad_values (void)
{
  static const struct {
    const char *type;
    const char *value;
    const char *message;
  } cases[] = {
    { "number", "12abc", "body.fields[0].value: “12abc” is not a number" },
    { "number", "", "body.fields[0].value: “” is not a number" },
    { "boolean", "yes", "body.fields[0].value: “yes” is not true or false" },
    { "json", "{\\'a\\':", "body.fields[0].value: not valid JSON" },
  };
  g_autoptr(TestServer) server = test_server_new ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(FlowsApp) app = test_app_new ();
      g_autoptr(FlowsRun) run = NULL;
      FlowsFlow *flow = test_flow_add (app, "bad-json");
      FlowsStage *trigger = test_trigger_add (flow, NULL);
      FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                         "{'method':'POST','uriBase':'%s','uriPath':'j','body':{'kind':'json','fields':["
                                         "{'name':'v','value':'%s','type':'%s'}]}}",
                                         server->url, cases[i].value, cases[i].type);

      test_route (trigger, "success", call);
      run = test_run_with_inputs (app, flow, NULL);
      test_assert_failed (run, "call", cases[i].message, NULL);
    }
  /* Nothing was sent. */
  g_assert_cmpuint (test_server_n_requests (server), ==, 0);
}

static void
test_body_form (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  g_autoptr(FlowsRun) run = NULL;
  FlowsFlow *flow = test_flow_add (app, "form");
  FlowsStage *trigger = test_trigger_add (flow, "code", NULL);
  FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'POST','uriBase':'%s','uriPath':'token','body':{'kind':'form','fields':["
                                     "{'name':'grant_type','value':'authorization_code'},"
                                     "{'name':'code','value':'<code>'},"
                                     "{'name':'redirect uri','value':'http://127.0.0.1:8976/cb?x=1'}]}}",
                                     server->url);
  TestRequest *request;
  g_autofree char *body = NULL;
  g_autoptr(GHashTable) decoded = NULL;

  test_route (trigger, "success", call);
  run = test_run_with_inputs (app, flow, "code", "a b&c=d", NULL);
  test_assert_succeeded (run);

  request = test_server_single (server);
  body = test_request_body_text (request);
  g_assert_cmpstr (header (request, "Content-Type"), ==, "application/x-www-form-urlencoded");
  g_assert_cmpstr (body, ==,
                   "grant_type=authorization_code&code=a+b%26c%3Dd&redirect+uri=http%3A%2F%2F127.0.0.1%3A8976%2Fcb%3Fx%3D1");

  decoded = soup_form_decode (body);
  g_assert_cmpuint (g_hash_table_size (decoded), ==, 3);
  g_assert_cmpstr (g_hash_table_lookup (decoded, "code"), ==, "a b&c=d");
  g_assert_cmpstr (g_hash_table_lookup (decoded, "redirect uri"), ==, "http://127.0.0.1:8976/cb?x=1");
}

static void
test_body_raw (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  g_autoptr(FlowsRun) run = NULL;
  FlowsFlow *flow = test_flow_add (app, "raw");
  FlowsStage *trigger = test_trigger_add (flow, "name", NULL);
  FlowsStage *csv = test_stage_add (flow, "csv", FLOWS_STAGE_TYPE_CALL_API,
                                    "{'method':'PUT','uriBase':'%s','uriPath':'csv','body':{'kind':'raw',"
                                    "'contentType':'text/csv','text':'id,name\\n1,<name>\\n2,\\\\<literal>'}}",
                                    server->url);
  FlowsStage *plain = test_stage_add (flow, "plain", FLOWS_STAGE_TYPE_CALL_API,
                                      "{'method':'POST','uriBase':'%s','uriPath':'plain','body':{'kind':'raw',"
                                      "'contentType':'','text':'hello <name>'}}",
                                      server->url);
  FlowsStage *json = test_stage_add (flow, "json", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'POST','uriBase':'%s','uriPath':'json','body':{'kind':'raw',"
                                     "'contentType':'application/json; charset=utf-8','text':'{\\'name\\':\\'<name>\\'}'}}",
                                     server->url);
  g_autofree char *csv_body = NULL;
  g_autofree char *plain_body = NULL;
  g_autofree char *json_body = NULL;

  test_route (trigger, "success", csv);
  test_route (csv, "success", plain);
  test_route (plain, "success", json);
  run = test_run_with_inputs (app, flow, "name", "Ada \"L\"", NULL);
  test_assert_succeeded (run);
  g_assert_cmpuint (test_server_n_requests (server), ==, 3);

  csv_body = test_request_body_text (test_server_request (server, 0));
  g_assert_cmpstr (header (test_server_request (server, 0), "Content-Type"), ==, "text/csv");
  g_assert_cmpstr (csv_body, ==, "id,name\n1,Ada \"L\"\n2,<literal>");

  plain_body = test_request_body_text (test_server_request (server, 1));
  g_assert_cmpstr (header (test_server_request (server, 1), "Content-Type"), ==, "text/plain; charset=utf-8");
  g_assert_cmpstr (plain_body, ==, "hello Ada \"L\"");

  /* In a raw JSON body, a value is escaped for the JSON string it stands in. */
  json_body = test_request_body_text (test_server_request (server, 2));
  g_assert_cmpstr (header (test_server_request (server, 2), "Content-Type"), ==, "application/json; charset=utf-8");
  g_assert_cmpstr (json_body, ==, "{\"name\":\"Ada \\\"L\\\"\"}");
}

/* Status range ----------------------------------------------------------------------------- */

static void
test_success_status (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  g_autoptr(FlowsRun) run = NULL;
  FlowsFlow *flow = test_flow_add (app, "status");
  FlowsStage *trigger = test_trigger_add (flow, NULL);
  FlowsStage *missing = test_stage_add (flow, "missing", FLOWS_STAGE_TYPE_CALL_API,
                                        "{'method':'GET','uriBase':'%s','uriPath':'missing',"
                                        "'successStatus':{'min':200,'max':404}}", server->url);
  FlowsStage *created = test_stage_add (flow, "created", FLOWS_STAGE_TYPE_CALL_API,
                                        "{'method':'POST','uriBase':'%s','uriPath':'created'}", server->url);
  FlowsStage *empty = test_stage_add (flow, "empty", FLOWS_STAGE_TYPE_CALL_API,
                                      "{'method':'DELETE','uriBase':'%s','uriPath':'empty'}", server->url);
  FlowsStage *strict = test_stage_add (flow, "strict", FLOWS_STAGE_TYPE_CALL_API,
                                       "{'method':'GET','uriBase':'%s','uriPath':'ok',"
                                       "'successStatus':{'min':201,'max':299}}", server->url);
  FlowsStage *after = test_stage_add (flow, "after", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE,
                                      "{'fields':[{'name':'missing','value':'<missing.status>','mode':'fixed'},"
                                      "{'name':'strict','value':'<strict.status>','mode':'fixed'},"
                                      "{'name':'error','value':'<missing.body.error>','mode':'fixed'}]}");
  FlowsTraceEntry *entry;
  g_autofree char *missing_status = NULL;
  g_autofree char *strict_status = NULL;
  g_autofree char *error = NULL;
  g_autofree char *empty_size = NULL;

  test_server_respond (server, "/missing", 404, "application/json", "{\"error\":\"nope\"}", -1);
  test_server_respond (server, "/created", 201, "application/json", "{\"id\":1}", -1);
  test_server_respond (server, "/empty", 204, NULL, NULL, 0);
  test_route (trigger, "success", missing);
  test_route (missing, "success", created);
  test_route (created, "success", empty);
  test_route (empty, "success", strict);
  test_route (strict, "fail", after);

  run = test_run_with_inputs (app, flow, NULL);
  test_assert_succeeded (run);
  test_assert_trace (run, "trigger>success missing>success created>success empty>success strict>fail after>success");

  missing_status = test_response_text (run, "missing");
  strict_status = test_response_text (run, "strict");
  error = test_response_text (run, "error");
  g_assert_cmpstr (missing_status, ==, "404");
  g_assert_cmpstr (strict_status, ==, "200");
  g_assert_cmpstr (error, ==, "nope");

  empty_size = test_entry_output (test_trace_entry (run, "empty", 0), "size");
  g_assert_cmpstr (empty_size, ==, "0");

  /* The status outside the range is the stage's error, with the body. */
  entry = test_trace_entry (run, "strict", 0);
  g_assert_nonnull (entry->error);
  test_assert_contains (entry->error, "HTTP 200 OK from GET ");
  test_assert_contains (entry->error, "/ok: {\"ok\":true}");
  g_assert_cmpuint (flows_run_get_http_status (run), ==, 200);
}

/* Responses -------------------------------------------------------------------------------- */

static void
add_custom_header (TestServer        *server,
                   SoupServerMessage *msg,
                   TestRequest       *request,
                   gpointer           user_data)
{
  soup_message_headers_append (soup_server_message_get_response_headers (msg), "X-Custom", "one");
  soup_message_headers_append (soup_server_message_get_response_headers (msg), "X-Custom", "two");
}

static void
test_response_json (void)
{
  static const char document[] = "{\"items\":[{\"id\":\"first\"},{\"id\":7,\"tags\":[\"a\",\"b\"]}],"
                                 "\"total\":2,\"ratio\":0.5,\"ok\":true,\"none\":null,\"title\":\"Ünïcödé\"}";
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  g_autoptr(FlowsRun) run = NULL;
  FlowsFlow *flow = test_flow_add (app, "json");
  FlowsStage *trigger = test_trigger_add (flow, NULL);
  FlowsStage *plain = test_stage_add (flow, "plain", FLOWS_STAGE_TYPE_CALL_API,
                                      "{'method':'GET','uriBase':'%s','uriPath':'plain'}", server->url);
  FlowsStage *charset = test_stage_add (flow, "charset", FLOWS_STAGE_TYPE_CALL_API,
                                        "{'method':'GET','uriBase':'%s','uriPath':'charset'}", server->url);
  FlowsStage *problem = test_stage_add (flow, "problem", FLOWS_STAGE_TYPE_CALL_API,
                                        "{'method':'GET','uriBase':'%s','uriPath':'problem'}", server->url);
  FlowsStage *response = test_stage_add (flow, "response", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE,
                                         "{'fields':["
                                         "{'name':'first','value':'<plain.body.items.0.id>','mode':'fixed'},"
                                         "{'name':'second','value':'<plain.body.items.1.id>','mode':'fixed'},"
                                         "{'name':'tag','value':'<charset.body.items.1.tags.1>','mode':'fixed'},"
                                         "{'name':'items','value':'<charset.body.items>','mode':'fixed'},"
                                         "{'name':'total','value':'<plain.body.total>','mode':'fixed'},"
                                         "{'name':'text','value':'total <plain.body.total>, ratio <plain.body.ratio>, ok <plain.body.ok>','mode':'fixed'},"
                                         "{'name':'title','value':'<problem.body.title>','mode':'fixed'},"
                                         "{'name':'contentType','value':'<charset.contentType>','mode':'fixed'},"
                                         "{'name':'header','value':'<plain.headers.x-custom>','mode':'fixed'},"
                                         "{'name':'size','value':'<plain.size>','mode':'fixed'}]}");
  JsonObject *result;
  g_autofree char *items = NULL;
  g_autofree char *expected_size = g_strdup_printf ("%zu", strlen (document));

  test_server_respond (server, "/plain", 200, "application/json", document, -1);
  test_server_handle (server, "/plain", add_custom_header, NULL);
  test_server_respond (server, "/charset", 200, "application/json; charset=utf-8", document, -1);
  test_server_respond (server, "/problem", 200, "application/problem+json", document, -1);
  test_route (trigger, "success", plain);
  test_route (plain, "success", charset);
  test_route (charset, "success", problem);
  test_route (problem, "success", response);

  run = test_run_with_inputs (app, flow, NULL);
  test_assert_succeeded (run);
  result = flows_run_get_response (run);

  g_assert_cmpstr (json_object_get_string_member (result, "first"), ==, "first");
  /* A single reference keeps its JSON type. */
  g_assert_cmpint (json_object_get_int_member (result, "second"), ==, 7);
  g_assert_cmpint (json_object_get_int_member (result, "total"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (result, "tag"), ==, "b");
  items = test_json_compact (json_object_get_member (result, "items"));
  g_assert_cmpstr (items, ==, "[{\"id\":\"first\"},{\"id\":7,\"tags\":[\"a\",\"b\"]}]");
  g_assert_cmpstr (json_object_get_string_member (result, "text"), ==, "total 2, ratio 0.5, ok true");
  g_assert_cmpstr (json_object_get_string_member (result, "title"), ==, "Ünïcödé");
  g_assert_cmpstr (json_object_get_string_member (result, "contentType"), ==, "application/json");
  g_assert_cmpstr (json_object_get_string_member (result, "header"), ==, "one, two");
  g_assert_cmpint (json_object_get_int_member (result, "size"), ==, strlen (document));

  /* The trace keeps the parsed body. */
  {
    g_autofree char *id = test_entry_output (test_trace_entry (run, "charset", 0), "body.items.0.id");
    g_autofree char *size = test_entry_output (test_trace_entry (run, "plain", 0), "size");

    g_assert_cmpstr (id, ==, "first");
    g_assert_cmpstr (size, ==, expected_size);
  }
}

static void
test_response_form (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  g_autoptr(FlowsRun) run = NULL;
  FlowsFlow *flow = test_flow_add (app, "form");
  FlowsStage *trigger = test_trigger_add (flow, NULL);
  FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'POST','uriBase':'%s','uriPath':'token'}", server->url);
  FlowsStage *response = test_stage_add (flow, "response", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE,
                                         "{'fields':["
                                         "{'name':'token','value':'<call.body.access_token>','mode':'fixed'},"
                                         "{'name':'scope','value':'<call.body.scope>','mode':'fixed'},"
                                         "{'name':'odd','value':'<call.body.odd>','mode':'fixed'}]}");
  g_autofree char *token = NULL;
  g_autofree char *scope = NULL;
  g_autofree char *odd = NULL;
  g_autofree char *body = NULL;

  test_server_respond (server, "/token", 200, "application/x-www-form-urlencoded",
                       "access_token=abc123&scope=read+write&odd=%26%3D%23", -1);
  test_route (trigger, "success", call);
  test_route (call, "success", response);

  run = test_run_with_inputs (app, flow, NULL);
  test_assert_succeeded (run);
  token = test_response_text (run, "token");
  scope = test_response_text (run, "scope");
  odd = test_response_text (run, "odd");
  g_assert_cmpstr (token, ==, "abc123");
  g_assert_cmpstr (scope, ==, "read write");
  g_assert_cmpstr (odd, ==, "&=#");

  body = test_json_compact (test_trace_entry (run, "call", 0)->outputs);
  test_assert_contains (body, "\"body\":{\"access_token\":\"abc123\",\"odd\":\"&=#\",\"scope\":\"read write\"}");
}

static void
test_response_plain_text (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  g_autoptr(FlowsRun) run = NULL;
  FlowsFlow *flow = test_flow_add (app, "text");
  FlowsStage *trigger = test_trigger_add (flow, NULL);
  FlowsStage *text = test_stage_add (flow, "text", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'GET','uriBase':'%s','uriPath':'text'}", server->url);
  FlowsStage *html = test_stage_add (flow, "html", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'GET','uriBase':'%s','uriPath':'html'}", server->url);
  FlowsStage *response = test_stage_add (flow, "response", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE,
                                         "{'fields':["
                                         "{'name':'text','value':'<text.body>','mode':'fixed'},"
                                         "{'name':'html','value':'<html.body>','mode':'fixed'},"
                                         "{'name':'type','value':'<text.contentType>','mode':'fixed'}]}");
  g_autofree char *text_value = NULL;
  g_autofree char *html_value = NULL;
  g_autofree char *type = NULL;

  test_server_respond (server, "/text", 200, "text/plain; charset=utf-8", "hello\nwörld {not json}", -1);
  test_server_respond (server, "/html", 200, "text/html", "<p>hi</p>", -1);
  test_route (trigger, "success", text);
  test_route (text, "success", html);
  test_route (html, "success", response);

  run = test_run_with_inputs (app, flow, NULL);
  test_assert_succeeded (run);
  text_value = test_response_text (run, "text");
  html_value = test_response_text (run, "html");
  type = test_response_text (run, "type");
  g_assert_cmpstr (text_value, ==, "hello\nwörld {not json}");
  g_assert_cmpstr (html_value, ==, "<p>hi</p>");
  g_assert_cmpstr (type, ==, "text/plain");
}

static void
test_response_binary (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  g_autoptr(FlowsRun) run = NULL;
  FlowsFlow *flow = test_flow_add (app, "binary");
  FlowsStage *trigger = test_trigger_add (flow, NULL);
  FlowsStage *bin = test_stage_add (flow, "bin", FLOWS_STAGE_TYPE_CALL_API,
                                    "{'method':'GET','uriBase':'%s','uriPath':'file.bin'}", server->url);
  FlowsStage *png = test_stage_add (flow, "png", FLOWS_STAGE_TYPE_CALL_API,
                                    "{'method':'GET','uriBase':'%s','uriPath':'image.png'}", server->url);
  FlowsStage *response = test_stage_add (flow, "response", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE,
                                         "{'fields':["
                                         "{'name':'binSize','value':'<bin.size>','mode':'fixed'},"
                                         "{'name':'pngSize','value':'<png.size>','mode':'fixed'},"
                                         "{'name':'type','value':'<png.contentType>','mode':'fixed'},"
                                         "{'name':'content','value':'<bin.body>','mode':'fixed','optional':true}]}");
  guint8 data[1000];
  JsonNode *body;

  for (guint i = 0; i < sizeof data; i++)
    data[i] = (guint8)(i * 7);
  test_server_respond (server, "/file.bin", 200, "application/octet-stream", (const char *)data, sizeof data);
  test_server_respond (server, "/image.png", 200, "image/png", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  test_route (trigger, "success", bin);
  test_route (bin, "success", png);
  test_route (png, "success", response);

  run = test_run_with_inputs (app, flow, NULL);
  test_assert_succeeded (run);
  g_assert_cmpint (json_object_get_int_member (flows_run_get_response (run), "binSize"), ==, 1000);
  g_assert_cmpint (json_object_get_int_member (flows_run_get_response (run), "pngSize"), ==, 16);
  g_assert_cmpstr (json_object_get_string_member (flows_run_get_response (run), "type"), ==, "image/png");
  /* A binary body is its size only: its content is null. */
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (flows_run_get_response (run), "content")));

  body = flows_json_walk (test_trace_entry (run, "bin", 0)->outputs, "body");
  g_assert_nonnull (body);
  g_assert_true (JSON_NODE_HOLDS_NULL (body));
}

/* A long body is cut in the trace only: the flow reads all of it. */
static void
test_response_long (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  g_autoptr(FlowsRun) run = NULL;
  FlowsFlow *flow = test_flow_add (app, "long");
  FlowsStage *trigger = test_trigger_add (flow, NULL);
  FlowsStage *text = test_stage_add (flow, "text", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'GET','uriBase':'%s','uriPath':'text'}", server->url);
  FlowsStage *json = test_stage_add (flow, "json", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'GET','uriBase':'%s','uriPath':'json'}", server->url);
  FlowsStage *response = test_stage_add (flow, "response", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE,
                                         "{'fields':["
                                         "{'name':'text','value':'<text.body>','mode':'fixed'},"
                                         "{'name':'big','value':'<json.body.big>','mode':'fixed'}]}");
  g_autofree char *long_text = g_strnfill (10000, 't');
  g_autofree char *long_value = g_strnfill (10000, 'j');
  g_autofree char *document = g_strdup_printf ("{\"big\":\"%s\"}", long_value);
  g_autofree char *trace_text = NULL;
  g_autofree char *trace_big = NULL;

  test_server_respond (server, "/text", 200, "text/plain", long_text, -1);
  test_server_respond (server, "/json", 200, "application/json", document, -1);
  test_route (trigger, "success", text);
  test_route (text, "success", json);
  test_route (json, "success", response);

  run = test_run_with_inputs (app, flow, NULL);
  test_assert_succeeded (run);
  g_assert_cmpstr (json_object_get_string_member (flows_run_get_response (run), "text"), ==, long_text);
  g_assert_cmpstr (json_object_get_string_member (flows_run_get_response (run), "big"), ==, long_value);

  trace_text = test_entry_output (test_trace_entry (run, "text", 0), "body");
  trace_big = test_entry_output (test_trace_entry (run, "json", 0), "body.big");
  g_assert_cmpuint (strlen (trace_text), <, 5000);
  g_assert_true (g_str_has_suffix (trace_text, "… (10000 bytes in all)"));
  g_assert_true (g_str_has_suffix (trace_big, "… (10000 bytes in all)"));
}

/* HTTP Basic authentication ------------------------------------------------------------------ */

/* A client id and secret with every character RFC 6749, section 2.3.1, is about: ":" (the
 * separator of Basic credentials), "%" and "+" (which form encoding writes), a space and
 * non-ASCII text. */
#define BASIC_USER "id:1 %+é"
#define BASIC_PASSWORD "s3cr:t%+ é☃ and more"
/* Their application/x-www-form-urlencoded forms, written out by hand from the rule (letters,
 * digits and *-._ kept, a space as "+", every other byte %XX), not by the code under test. */
#define BASIC_USER_FORM "id%3A1+%25%2B%C3%A9"
#define BASIC_PASSWORD_FORM "s3cr%3At%25%2B+%C3%A9%E2%98%83+and+more"

static FlowsFlow *
add_basic_auth_flow (FlowsApp   *app,
                     TestServer *server,
                     const char *user,
                     const char *password)
{
  FlowsFlow *flow = test_flow_add (app, "basic");
  FlowsStage *trigger = test_trigger_add (flow, NULL);
  FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'POST','uriBase':'%s','uriPath':'token','headers':[],"
                                     "'auth':{'kind':'basic','user':'%s','password':'%s'},"
                                     "'body':{'kind':'form','fields':[{'name':'grant_type','value':'client_credentials'}]}}",
                                     server->url, user, password);

  test_route (trigger, "success", call);
  return flow;
}

/* The Authorization header as RFC 6749, section 2.3.1, and RFC 7617 say, computed here. */
static char *
expected_basic_header (void)
{
  static const char credentials[] = BASIC_USER_FORM ":" BASIC_PASSWORD_FORM;
  g_autofree char *base64 = g_base64_encode ((const guchar *) credentials, strlen (credentials));

  return g_strconcat ("Basic ", base64, NULL);
}

/* The encoded credentials and the password are secrets of the run: what people see of it
 * (@expected being the header sent) shows neither, only the user. */
static void
assert_credentials_hidden (FlowsRun   *run,
                           const char *expected)
{
  g_autoptr(JsonNode) json = flows_run_to_json (run);
  g_autofree char *text = test_json_compact (json);
  FlowsTraceEntry *entry = test_trace_entry (run, "call", 0);
  g_autofree char *authorization = test_entry_setting (entry, "headers.Authorization");
  g_autofree char *user = test_entry_setting (entry, "auth.user");
  g_autofree char *password = test_entry_setting (entry, "auth.password");

  test_assert_not_contains (text, expected + strlen ("Basic "));
  test_assert_not_contains (text, BASIC_PASSWORD);
  test_assert_not_contains (text, BASIC_PASSWORD_FORM);
  g_assert_cmpstr (authorization, ==, "Basic •••");
  g_assert_cmpstr (user, ==, BASIC_USER);
  g_assert_cmpstr (password, ==, "•••");
}

/* Literal user and password: the header, byte for byte. */
static void
test_basic_auth_header (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  g_autoptr(FlowsRun) run = NULL;
  g_autofree char *expected = expected_basic_header ();
  FlowsFlow *flow = add_basic_auth_flow (app, server, BASIC_USER, BASIC_PASSWORD);

  run = test_run_with_inputs (app, flow, NULL);
  test_assert_succeeded (run);
  g_assert_cmpstr (header (test_server_single (server), "Authorization"), ==, expected);

  assert_credentials_hidden (run, expected);
}

/* No "auth" (every stage written before it existed) and kind none send no Authorization. */
static void
test_basic_auth_none (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  g_autoptr(FlowsRun) run = NULL;
  FlowsFlow *flow = test_flow_add (app, "none");
  FlowsStage *trigger = test_trigger_add (flow, NULL);
  FlowsStage *without = test_stage_add (flow, "without", FLOWS_STAGE_TYPE_CALL_API,
                                        "{'method':'GET','uriBase':'%s','uriPath':'a'}", server->url);
  FlowsStage *none = test_stage_add (flow, "none", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'GET','uriBase':'%s','uriPath':'b','auth':{'kind':'none'}}", server->url);
  FlowsStage *bad = test_stage_add (flow, "bad", FLOWS_STAGE_TYPE_CALL_API,
                                    "{'method':'GET','uriBase':'%s','uriPath':'c','auth':{'kind':'digest'}}", server->url);

  test_route (trigger, "success", without);
  test_route (without, "success", none);
  test_route (none, "success", bad);
  run = test_run_with_inputs (app, flow, NULL);
  test_assert_failed (run, "bad", "auth.kind", "digest", NULL);
  g_assert_cmpuint (test_server_n_requests (server), ==, 2);
  g_assert_null (header (test_server_request (server, 0), "Authorization"));
  g_assert_null (header (test_server_request (server, 1), "Authorization"));
}

/* From the connection's parameters, the secret from the real keyring: the same bytes, and
 * neither the secret nor the encoded header in what people see of the run. */
static void
test_basic_auth_connection (void)
{
  g_autoptr(TestServer) server = NULL;
  g_autoptr(FlowsApp) app = NULL;
  g_autoptr(FlowsConnection) connection = NULL;
  g_autoptr(FlowsRunner) runner = NULL;
  g_autoptr(FlowsRun) run = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = expected_basic_header ();
  g_autofree char *connection_id = g_uuid_string_random ();
  FlowsFlow *flow;

  if (!test_need_keyring ())
    return;
  server = test_server_new ();
  app = test_app_new ();
  test_app_add_param (app, "ClientID", FALSE, BASIC_USER);
  test_app_add_param (app, "ClientSecret", TRUE, NULL);
  flow = add_basic_auth_flow (app, server, "<ClientID>", "<ClientSecret>");
  connection = flows_connection_new (connection_id, flows_app_get_id (app), "Basic");
  flows_secrets_store_sync (flows_app_get_id (app), connection_id, "ClientSecret", BASIC_PASSWORD, NULL, &error);
  g_assert_no_error (error);

  runner = flows_runner_new ();
  run = test_run (runner, app, flow, NULL, connection);
  test_assert_succeeded (run);
  g_assert_cmpstr (header (test_server_single (server), "Authorization"), ==, expected);
  assert_credentials_hidden (run, expected);
  test_clear_connection_secrets (flows_app_get_id (app), connection_id);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/call-api/methods", test_methods);
  g_test_add_func ("/engine/call-api/join", test_join);
  g_test_add_func ("/engine/call-api/query", test_query);
  g_test_add_func ("/engine/call-api/headers", test_headers);
  g_test_add_func ("/engine/call-api/header-name-invalid", test_header_name_invalid);
  g_test_add_func ("/engine/call-api/body-none", test_body_none);
  g_test_add_func ("/engine/call-api/body-json", test_body_json);
  g_test_add_func ("/engine/call-api/body-json-bad-values", test_body_json_bad_values);
  g_test_add_func ("/engine/call-api/body-form", test_body_form);
  g_test_add_func ("/engine/call-api/body-raw", test_body_raw);
  g_test_add_func ("/engine/call-api/success-status", test_success_status);
  g_test_add_func ("/engine/call-api/response-json", test_response_json);
  g_test_add_func ("/engine/call-api/response-form", test_response_form);
  g_test_add_func ("/engine/call-api/response-text", test_response_plain_text);
  g_test_add_func ("/engine/call-api/response-binary", test_response_binary);
  g_test_add_func ("/engine/call-api/response-long", test_response_long);
  g_test_add_func ("/engine/call-api/basic-auth-header", test_basic_auth_header);
  g_test_add_func ("/engine/call-api/basic-auth-none", test_basic_auth_none);
  g_test_add_func ("/engine/call-api/basic-auth-connection", test_basic_auth_connection);

  return g_test_run ();
}
