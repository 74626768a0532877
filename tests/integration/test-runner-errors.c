/* test-runner-errors.c — every way a Call API stage can fail, against a SoupServer on
 * 127.0.0.1 (or no server at all): name resolution, connection refused, timeout, an untrusted
 * TLS certificate, a status outside the success range, invalid JSON, an oversized body and a
 * reference that resolves to nothing. Each error is checked twice: without a fail route the run
 * fails naming the stage; with one the run takes it. Also cancellation in the middle of a
 * request.
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "runner-helpers.h"
#include "test-cases.h"

/* Builds Trigger → Call API (@settings), runs it without and then with a fail route, and
 * checks both outcomes; returns the error message. */
static char *
check_call_error (FlowsRunner *runner,
                  const char  *settings,
                  const char  *expected_message)
{
  g_autoptr(FlowsApp) app = test_app_new ();
  FlowsFlow *flow = test_flow_add (app, "failing");
  FlowsStage *trigger = test_trigger_add (flow, NULL);
  FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API, "%s", settings);
  FlowsStage *handled = test_stage_add (flow, "handled", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE,
                                        "{'fields':[{'name':'handled','value':'yes','mode':'fixed'}]}");
  g_autoptr(FlowsRunner) own_runner = runner == NULL ? flows_runner_new () : NULL;
  char *message;

  if (runner == NULL)
    runner = own_runner;
  test_route (trigger, "success", call);

  /* No fail route: the run fails, naming the stage. */
  {
    g_autoptr(FlowsRun) run = test_run (runner, app, flow, NULL, NULL);
    FlowsTraceEntry *entry;

    test_assert_failed (run, "call", NULL);
    test_assert_trace (run, "trigger>success call>-");
    entry = test_trace_entry (run, "call", 0);
    g_assert_cmpstr (entry->error, ==, flows_run_get_error_message (run));
    if (expected_message != NULL)
      g_assert_cmpstr (flows_run_get_error_message (run), ==, expected_message);
    g_assert_cmpuint (json_object_get_size (flows_run_get_response (run)), ==, 0);
    message = g_strdup (flows_run_get_error_message (run));
  }

  /* A fail route: the stage handles it, and the run goes on. */
  test_route (call, "fail", handled);
  {
    g_autoptr(FlowsRun) run = test_run (runner, app, flow, NULL, NULL);
    g_autofree char *value = NULL;

    test_assert_succeeded (run);
    test_assert_trace (run, "trigger>success call>fail handled>success");
    g_assert_cmpstr (test_trace_entry (run, "call", 0)->error, ==, message);
    value = test_response_text (run, "handled");
    g_assert_cmpstr (value, ==, "yes");
  }

  return message;
}

/* Transport -------------------------------------------------------------------------------- */

static void
test_name_resolution (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autofree char *message = NULL;

  /* .invalid is reserved (RFC 2606): it never resolves, and fails without any network. */
  message = check_call_error (NULL, "{\"method\":\"GET\",\"uriBase\":\"http://flows-test.invalid:8080/api\",\"uriPath\":\"items\"}",
                              NULL);
  test_assert_contains (message, "Could not find the host “flows-test.invalid” for GET http://flows-test.invalid:8080/api/items: ");
  g_assert_cmpuint (test_server_n_requests (server), ==, 0);
}

static void
test_connection_refused (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  guint port = test_closed_port ();
  g_autofree char *settings = g_strdup_printf ("{\"method\":\"POST\",\"uriBase\":\"http://127.0.0.1:%u\",\"uriPath\":\"/x\"}", port);
  g_autofree char *expected = g_strdup_printf ("127.0.0.1:%u refused the connection for POST http://127.0.0.1:%u/x: "
                                               "is the service running there?", port, port);

  /* check_call_error() compares the message with @expected. */
  g_free (check_call_error (NULL, settings, expected));
  g_assert_cmpuint (test_server_n_requests (server), ==, 0);
}

static void
test_timeout (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autofree char *url = test_server_url (server, "/slow");
  g_autofree char *settings = g_strdup_printf ("{\"method\":\"GET\",\"uriBase\":\"%s\",\"uriPath\":\"\",\"timeout\":1}", url);
  g_autofree char *expected = g_strdup_printf ("No response from GET %s within 1 seconds", url);
  g_autofree char *message = NULL;
  gint64 started = g_get_monotonic_time ();
  gint64 elapsed;

  test_server_hold (server, "/slow");
  message = check_call_error (NULL, settings, expected);
  elapsed = g_get_monotonic_time () - started;

  /* Two runs, each waiting its one second, and not much more. */
  g_assert_cmpint (elapsed, >=, 2 * G_USEC_PER_SEC);
  g_assert_cmpint (elapsed, <, 6 * G_USEC_PER_SEC);
  g_assert_cmpuint (test_server_n_requests (server), ==, 2);
}

static void
test_tls_untrusted (void)
{
  g_autoptr(TestServer) server = NULL;
  g_autofree char *url = NULL;
  g_autofree char *settings = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *message = NULL;

  server = test_server_new_tls ();
  g_assert_true (g_str_has_prefix (server->url, "https://127.0.0.1:"));

  url = test_server_url (server, "/secret");
  settings = g_strdup_printf ("{\"method\":\"POST\",\"uriBase\":\"%s\",\"uriPath\":\"\","
                              "\"body\":{\"kind\":\"form\",\"fields\":[{\"name\":\"password\",\"value\":\"hunter2\"}]}}", url);
  expected = g_strdup_printf ("The TLS certificate of 127.0.0.1 is not trusted (it is not signed by a known "
                              "certificate authority), so POST %s was not sent", url);
  message = check_call_error (NULL, settings, expected);

  /* The request never reached the server. */
  g_assert_cmpuint (test_server_n_requests (server), ==, 0);
}

/* HTTP ------------------------------------------------------------------------------------- */

static void
test_status_error (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autofree char *url = test_server_url (server, "/me");
  g_autofree char *settings = g_strdup_printf ("{\"method\":\"GET\",\"uriBase\":\"%s\",\"uriPath\":\"\"}", url);
  g_autofree char *expected = g_strdup_printf ("HTTP 401 Unauthorized from GET %s: {\"error\": \"invalid_token\", \"hint\": \"log in\"}", url);
  g_autofree char *message = NULL;
  g_autofree char *long_body = NULL;
  g_autofree char *long_message = NULL;
  g_autofree char *long_expected = NULL;

  /* Line breaks become spaces: the message is one line. */
  test_server_respond (server, "/me", 401, "application/json", "{\"error\": \"invalid_token\",\n\"hint\": \"log in\"}\n", -1);
  message = check_call_error (NULL, settings, expected);

  /* A long body is quoted in part. */
  long_body = g_strnfill (5000, 'x');
  test_server_respond (server, "/me", 503, "text/plain", long_body, -1);
  long_message = check_call_error (NULL, settings, NULL);
  long_expected = g_strdup_printf ("HTTP 503 Service Unavailable from GET %s: %.*s…", url, 300, long_body);
  g_assert_cmpstr (long_message, ==, long_expected);

  /* And an empty one says so. */
  {
    g_autofree char *empty_message = NULL;
    g_autofree char *empty_expected = g_strdup_printf ("HTTP 500 Internal Server Error from GET %s: (empty body)", url);

    test_server_respond (server, "/me", 500, NULL, NULL, 0);
    empty_message = check_call_error (NULL, settings, empty_expected);
  }
}

/* The run's HTTP status is the last response's, also when it failed. */
static void
test_status_error_run_status (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  g_autoptr(FlowsRun) run = NULL;
  FlowsFlow *flow = test_flow_add (app, "status");
  FlowsStage *trigger = test_trigger_add (flow, NULL);
  FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'GET','uriBase':'%s','uriPath':'gone'}", server->url);
  g_autofree char *status = NULL;
  g_autofree char *error = NULL;

  test_server_respond (server, "/gone", 410, "application/json", "{\"error\":\"gone\"}", -1);
  test_route (trigger, "success", call);
  run = test_run_with_inputs (app, flow, NULL);
  test_assert_failed (run, "call", "HTTP 410 Gone", "{\"error\":\"gone\"}", NULL);
  g_assert_cmpuint (flows_run_get_http_status (run), ==, 410);
  /* The trace keeps the response for reading. */
  status = test_entry_output (test_trace_entry (run, "call", 0), "status");
  error = test_entry_output (test_trace_entry (run, "call", 0), "body.error");
  g_assert_cmpstr (status, ==, "410");
  g_assert_cmpstr (error, ==, "gone");
}

static void
test_invalid_json (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  FlowsFlow *flow = test_flow_add (app, "json");
  FlowsStage *trigger = test_trigger_add (flow, NULL);
  FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'GET','uriBase':'%s','uriPath':'broken'}", server->url);
  FlowsStage *handled = test_stage_add (flow, "handled", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE,
                                        "{'fields':[{'name':'raw','value':'<call.body>','mode':'fixed'},"
                                        "{'name':'status','value':'<call.status>','mode':'fixed'}]}");
  g_autofree char *url = test_server_url (server, "/broken");
  g_autofree char *prefix = g_strdup_printf ("The response of GET %s says it is JSON but is not (", url);

  test_server_respond (server, "/broken", 200, "application/json; charset=utf-8", "{\"items\": [1, 2", -1);
  test_route (trigger, "success", call);
  {
    g_autoptr(FlowsRun) run = test_run_with_inputs (app, flow, NULL);

    test_assert_failed (run, "call", NULL);
    g_assert_true (g_str_has_prefix (flows_run_get_error_message (run), prefix));
    g_assert_true (g_str_has_suffix (flows_run_get_error_message (run), ")"));
    test_assert_not_contains (flows_run_get_error_message (run), "<data>");
  }

  /* The fail route can still read what came. */
  test_route (call, "fail", handled);
  {
    g_autoptr(FlowsRun) run = test_run_with_inputs (app, flow, NULL);
    g_autofree char *raw = NULL;
    g_autofree char *status = NULL;

    test_assert_succeeded (run);
    test_assert_trace (run, "trigger>success call>fail handled>success");
    raw = test_response_text (run, "raw");
    status = test_response_text (run, "status");
    g_assert_cmpstr (raw, ==, "{\"items\": [1, 2");
    g_assert_cmpstr (status, ==, "200");
  }
}

static void
test_oversize (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsRunner) runner = flows_runner_new ();
  g_autofree char *big = g_strnfill (2000, 'a');
  g_autofree char *exact = g_strnfill (1000, 'b');
  g_autofree char *url = test_server_url (server, "/big");
  g_autofree char *settings = g_strdup_printf ("{\"method\":\"GET\",\"uriBase\":\"%s\",\"uriPath\":\"\"}", url);
  g_autofree char *limit = g_format_size (1000);
  g_autofree char *expected = g_strdup_printf ("The response of GET %s is larger than %s, the most a flow reads", url, limit);
  g_autofree char *message = NULL;

  g_assert_cmpuint (flows_runner_get_max_response_size (runner), ==, 10 * 1024 * 1024);
  flows_runner_set_max_response_size (runner, 1000);
  g_assert_cmpuint (flows_runner_get_max_response_size (runner), ==, 1000);

  test_server_respond (server, "/big", 200, "text/plain", big, -1);
  message = check_call_error (runner, settings, expected);

  /* At the limit is not past it. */
  test_server_respond (server, "/exact", 200, "text/plain", exact, -1);
  {
    g_autoptr(FlowsApp) app = test_app_new ();
    g_autoptr(FlowsRun) run = NULL;
    FlowsFlow *flow = test_flow_add (app, "exact");
    FlowsStage *trigger = test_trigger_add (flow, NULL);
    FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                       "{'method':'GET','uriBase':'%s','uriPath':'exact'}", server->url);
    g_autofree char *size = NULL;

    test_route (trigger, "success", call);
    run = test_run (runner, app, flow, NULL, NULL);
    test_assert_succeeded (run);
    size = test_entry_output (test_trace_entry (run, "call", 0), "size");
    g_assert_cmpstr (size, ==, "1000");
  }
}

static void
test_oversize_default (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  gsize size = 11 * 1024 * 1024;
  g_autofree char *big = g_malloc (size);
  g_autofree char *url = test_server_url (server, "/huge");
  g_autofree char *settings = g_strdup_printf ("{\"method\":\"GET\",\"uriBase\":\"%s\",\"uriPath\":\"\"}", url);
  g_autofree char *limit = g_format_size (FLOWS_RUNNER_DEFAULT_MAX_RESPONSE_SIZE);
  g_autofree char *expected = g_strdup_printf ("The response of GET %s is larger than %s, the most a flow reads", url, limit);
  g_autofree char *message = NULL;

  memset (big, '{', size);
  test_server_respond (server, "/huge", 200, "application/json", big, size);
  message = check_call_error (NULL, settings, expected);
}

/* A reference to a value that is not there fails the stage that uses it, in every setting. */
typedef struct
{
  const char *path;
  const char *settings;
  const char *message;
} Unresolved;

static const Unresolved unresolved_references[] = {
  { "/engine/errors/unresolved-reference/uri-path",
    "'uriPath':'items/<first.body.missing>'", "uriPath: <first.body.missing> resolves to nothing" },
  { "/engine/errors/unresolved-reference/query",
    "'uriPath':'','query':[{'name':'q','value':'<first.body.items.5>'}]", "query[0].value: <first.body.items.5> resolves to nothing" },
  { "/engine/errors/unresolved-reference/header",
    "'uriPath':'','headers':[{'name':'X-Id','value':'id <first.headers.x-nothing>'}]", "headers[0].value: <first.headers.x-nothing> resolves to nothing" },
  { "/engine/errors/unresolved-reference/json-body",
    "'uriPath':'','body':{'kind':'json','fields':[{'name':'a','value':'<first.body.none>'}]}", "body.fields[0].value: <first.body.none> resolves to nothing" },
  { "/engine/errors/unresolved-reference/form-body",
    "'uriPath':'','body':{'kind':'form','fields':[{'name':'a','value':'<first.body.items.0.nope>'}]}", "body.fields[0].value: <first.body.items.0.nope> resolves to nothing" },
  { "/engine/errors/unresolved-reference/raw-body",
    "'uriPath':'','body':{'kind':'raw','contentType':'text/plain','text':'<first.nothing>'}", "body.text: <first.nothing> resolves to nothing" },
};

static void
test_unresolved_reference (gconstpointer data)
{
  const Unresolved *unresolved = data;
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  FlowsFlow *flow = test_flow_add (app, "unresolved");
  FlowsStage *trigger = test_trigger_add (flow, NULL);
  FlowsStage *first = test_stage_add (flow, "first", FLOWS_STAGE_TYPE_CALL_API,
                                      "{'method':'GET','uriBase':'%s','uriPath':'first'}", server->url);
  FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'POST','uriBase':'%s/second',%s}", server->url, unresolved->settings);
  FlowsStage *handled = test_stage_add (flow, "handled", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE,
                                        "{'fields':[{'name':'handled','value':'yes','mode':'fixed'}]}");

  test_server_respond (server, "/first", 200, "application/json", "{\"items\":[{\"id\":1}],\"none\":null}", -1);
  test_route (trigger, "success", first);
  test_route (first, "success", call);
  {
    g_autoptr(FlowsRun) run = test_run_with_inputs (app, flow, NULL);

    test_assert_failed (run, "call", NULL);
    g_assert_cmpstr (flows_run_get_error_message (run), ==, unresolved->message);
    test_assert_trace (run, "trigger>success first>success call>-");
  }
  test_route (call, "fail", handled);
  {
    g_autoptr(FlowsRun) run = test_run_with_inputs (app, flow, NULL);

    test_assert_succeeded (run);
    test_assert_trace (run, "trigger>success first>success call>fail handled>success");
  }
  /* Only the first stage's requests reached the server: the failing one sent nothing. */
  g_assert_cmpuint (test_server_n_requests (server), ==, 2);
  for (guint r = 0; r < test_server_n_requests (server); r++)
    g_assert_cmpstr (test_server_request (server, r)->path, ==, "/first");
}

/* Other stages fail the same way: a Set Fields with a reference to nothing. */
static void
test_unresolved_reference_set_fields (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  FlowsFlow *flow = test_flow_add (app, "fields");
  FlowsStage *trigger = test_trigger_add (flow, NULL);
  FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'GET','uriBase':'%s','uriPath':'x'}", server->url);
  FlowsStage *fields = test_stage_add (flow, "fields", FLOWS_STAGE_TYPE_SET_FIELDS,
                                       "{'fields':[{'name':'id','value':'<call.body.user.id>'}]}");

  test_route (trigger, "success", call);
  test_route (call, "success", fields);
  {
    g_autoptr(FlowsRun) run = test_run_with_inputs (app, flow, NULL);

    test_assert_failed (run, "fields", NULL);
    g_assert_cmpstr (flows_run_get_error_message (run), ==, "fields[0].value: <call.body.user.id> resolves to nothing");
  }
}

/* Cancellation ---------------------------------------------------------------------------- */

/* TRUE once the client closed the connection of the request the server holds: the socket reads
 * as end of file. */
static gboolean
held_connection_closed (gpointer user_data)
{
  TestServer *server = user_data;
  GSocket *socket;
  char byte;
  GInputVector vector = { &byte, 1 };
  int flags = G_SOCKET_MSG_PEEK;
  gssize received;

  g_assert_cmpuint (server->held->len, ==, 1);
  socket = soup_server_message_get_socket (g_ptr_array_index (server->held, 0));
  if ((g_socket_condition_check (socket, G_IO_IN | G_IO_HUP | G_IO_ERR) & (G_IO_IN | G_IO_HUP | G_IO_ERR)) == 0)
    return FALSE;
  received = g_socket_receive_message (socket, NULL, &vector, 1, NULL, NULL, &flags, NULL, NULL);
  return received <= 0;
}

static void
test_cancel_mid_request (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  FlowsRunner *runner = flows_runner_new ();
  FlowsApp *app = test_app_new ();
  FlowsFlow *flow = test_flow_add (app, "cancel");
  FlowsStage *trigger = test_trigger_add (flow, NULL);
  FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'POST','uriBase':'%s','uriPath':'slow','timeout':60,"
                                     "'body':{'kind':'json','fields':[{'name':'a','value':'1'}]}}", server->url);
  FlowsStage *after = test_stage_add (flow, "after", FLOWS_STAGE_TYPE_CALL_API,
                                      "{'method':'GET','uriBase':'%s','uriPath':'after'}", server->url);
  GError *error;
  gint64 elapsed;
  gpointer weak_runner = runner;
  gpointer weak_app = app;
  gpointer weak_flow = flow;
  gpointer weak_session = flows_runner_get_session (runner);

  test_server_hold (server, "/slow");
  test_route (trigger, "success", call);
  test_route (call, "success", after);
  /* A fail route is not taken by a cancelled run. */
  test_route (call, "fail", after);

  error = test_run_cancelled (runner, app, flow, server, 0, &elapsed);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpint (elapsed, <, 10 * G_USEC_PER_SEC);

  /* The request was abandoned: the client closed its connection. */
  test_wait_for (held_connection_closed, server, 5000);

  /* The server saw the request, and nothing after it. */
  g_assert_cmpuint (test_server_n_requests (server), ==, 1);
  g_assert_cmpstr (test_server_single (server)->path, ==, "/slow");

  /* The same runner still runs flows. */
  test_server_respond (server, "/slow", 200, "application/json", "{}", -1);
  {
    g_autoptr(FlowsApp) other = test_app_new ();
    g_autoptr(FlowsRun) run = NULL;
    FlowsFlow *other_flow = test_flow_add (other, "after");
    FlowsStage *other_trigger = test_trigger_add (other_flow, NULL);
    FlowsStage *other_call = test_stage_add (other_flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                             "{'method':'GET','uriBase':'%s','uriPath':'after'}", server->url);

    test_route (other_trigger, "success", other_call);
    run = test_run (runner, other, other_flow, NULL, NULL);
    test_assert_succeeded (run);
  }

  /* Nothing of the cancelled run is left: dropping our references frees the runner, its
   * session, the App and its flow. */
  g_object_add_weak_pointer (G_OBJECT (runner), &weak_runner);
  g_object_add_weak_pointer (G_OBJECT (app), &weak_app);
  g_object_add_weak_pointer (G_OBJECT (flow), &weak_flow);
  g_object_add_weak_pointer (G_OBJECT (weak_session), &weak_session);
  test_drain_main_context ();
  g_object_unref (runner);
  g_object_unref (app);
  test_drain_main_context ();
  g_assert_null (weak_runner);
  g_assert_null (weak_app);
  g_assert_null (weak_flow);
  g_assert_null (weak_session);
}

/* Cancelled before it starts, or inside a called flow: the same G_IO_ERROR_CANCELLED. */
static void
test_cancel_in_called_flow (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsRunner) runner = flows_runner_new ();
  g_autoptr(FlowsApp) app = test_app_new ();
  FlowsFlow *main_flow = test_flow_add (app, "main");
  FlowsFlow *helper = test_flow_add (app, "helper");
  FlowsStage *trigger = test_trigger_add (main_flow, NULL);
  FlowsStage *sub = test_stage_add (main_flow, "sub", FLOWS_STAGE_TYPE_CALL_FLOW, "{'flow':'flow-helper','inputs':[]}");
  FlowsStage *recover = test_stage_add (main_flow, "recover", FLOWS_STAGE_TYPE_CALL_API,
                                        "{'method':'GET','uriBase':'%s','uriPath':'recover'}", server->url);
  FlowsStage *helper_trigger = test_trigger_add (helper, NULL);
  FlowsStage *slow = test_stage_add (helper, "slow", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'GET','uriBase':'%s','uriPath':'slow'}", server->url);
  GError *error;

  test_server_hold (server, "/slow");
  test_route (trigger, "success", sub);
  test_route (sub, "fail", recover);
  test_route (helper_trigger, "success", slow);

  error = test_run_cancelled (runner, app, main_flow, server, 0, NULL);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  test_drain_main_context ();
  /* The caller's fail route was not taken. */
  g_assert_cmpuint (test_server_n_requests (server), ==, 1);

  /* Already cancelled: nothing is sent at all. */
  error = test_run_cancelled (runner, app, main_flow, server, TEST_CANCEL_BEFORE_START, NULL);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  test_drain_main_context ();
  g_assert_cmpuint (test_server_n_requests (server), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/errors/name-resolution", test_name_resolution);
  g_test_add_func ("/engine/errors/connection-refused", test_connection_refused);
  g_test_add_func ("/engine/errors/timeout", test_timeout);
  g_test_add_func ("/engine/errors/tls-untrusted", test_tls_untrusted);
  g_test_add_func ("/engine/errors/status", test_status_error);
  g_test_add_func ("/engine/errors/status-run-status", test_status_error_run_status);
  g_test_add_func ("/engine/errors/invalid-json", test_invalid_json);
  g_test_add_func ("/engine/errors/oversize", test_oversize);
  g_test_add_func ("/engine/errors/oversize-default", test_oversize_default);
  test_add_table (unresolved_references, test_unresolved_reference);
  g_test_add_func ("/engine/errors/unresolved-reference-set-fields", test_unresolved_reference_set_fields);
  g_test_add_func ("/engine/cancel/mid-request", test_cancel_mid_request);
  g_test_add_func ("/engine/cancel/called-flow", test_cancel_in_called_flow);

  return g_test_run ();
}
