/* test-connection-verdict.c — when a run of a Connection Test flow passes (docs/ARCHITECTURE.md, "Flow roles")
 *
 * The runs are put together as the runner records them, so that each way a test flow can end is
 * judged exactly: the app's Connections view, its result panel and `flows-cli test` all take
 * their PASS or FAIL and their message from flows_run_judge_connection_test().
 */

#include "config.h"

#include "flows-run-private.h"

static void
add_entry (FlowsRun   *run,
           guint       depth,
           const char *name,
           const char *route,
           const char *error)
{
  FlowsTraceEntry *entry = g_new0 (FlowsTraceEntry, 1);

  entry->flow_name = g_strdup ("Connection Test");
  entry->depth = depth;
  entry->stage_id = g_strdup (name);
  entry->stage_key = g_strdup ("stage");
  entry->stage_name = g_strdup (name);
  entry->stage_type = FLOWS_STAGE_TYPE_CALL_API;
  entry->route = g_strdup (route);
  entry->error = g_strdup (error);
  _flows_run_add_entry (run, entry);
}

static void
test_success_route_passes (void)
{
  g_autoptr(FlowsRun) run = _flows_run_new ("Connection Test", g_get_real_time ());
  g_autofree char *message = NULL;

  add_entry (run, 0, "Start", "success", NULL);
  add_entry (run, 0, "Call the test endpoint", "success", NULL);
  _flows_run_finish (run, NULL, NULL, NULL, NULL);

  g_assert_true (flows_run_judge_connection_test (run, &message));
  g_assert_cmpstr (message, ==, "The Connection Test flow ended on a success route.");
}

static void
test_error_fails (void)
{
  g_autoptr(FlowsRun) run = _flows_run_new ("Connection Test", g_get_real_time ());
  g_autofree char *message = NULL;
  g_autoptr(GError) error = g_error_new_literal (FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_HTTP_STATUS, "HTTP 401 Unauthorized");

  add_entry (run, 0, "Start", "success", NULL);
  add_entry (run, 0, "Call the test endpoint", NULL, "HTTP 401 Unauthorized");
  _flows_run_finish (run, NULL, error, "call", "Call the test endpoint");

  g_assert_false (flows_run_judge_connection_test (run, &message));
  g_assert_cmpstr (message, ==, "Stage “Call the test endpoint”: HTTP 401 Unauthorized");
}

/* The run itself succeeds — the fail route handled the error — but the test did not pass,
 * whatever the flow did after the fail route. */
static void
test_fail_route_fails (void)
{
  g_autoptr(FlowsRun) run = _flows_run_new ("Connection Test", g_get_real_time ());
  g_autoptr(FlowsRun) routed = _flows_run_new ("Connection Test", g_get_real_time ());
  g_autofree char *message = NULL;
  g_autofree char *routed_message = NULL;

  add_entry (run, 0, "Start", "success", NULL);
  add_entry (run, 0, "Call the test endpoint", "fail", "HTTP 500 Internal Server Error");
  add_entry (run, 0, "Say why", "success", NULL);
  _flows_run_finish (run, NULL, NULL, NULL, NULL);
  g_assert_true (flows_run_get_succeeded (run));
  g_assert_false (flows_run_judge_connection_test (run, &message));
  g_assert_cmpstr (message, ==, "Stage “Call the test endpoint”: HTTP 500 Internal Server Error");

  /* A Route Flow's fail route carries no error. */
  add_entry (routed, 0, "Start", "success", NULL);
  add_entry (routed, 0, "Is the account active?", "fail", NULL);
  _flows_run_finish (routed, NULL, NULL, NULL, NULL);
  g_assert_false (flows_run_judge_connection_test (routed, &routed_message));
  g_assert_cmpstr (routed_message, ==, "Stage “Is the account active?” took its fail route.");
}

/* A flow called by the test may take its own fail routes: only the test flow's count. */
static void
test_fail_route_inside_call_flow_passes (void)
{
  g_autoptr(FlowsRun) run = _flows_run_new ("Connection Test", g_get_real_time ());

  add_entry (run, 0, "Start", "success", NULL);
  add_entry (run, 1, "Optional lookup", "fail", "HTTP 404 Not Found");
  add_entry (run, 0, "Call a helper flow", "success", NULL);
  _flows_run_finish (run, NULL, NULL, NULL, NULL);

  g_assert_true (flows_run_judge_connection_test (run, NULL));
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/connection-verdict/success-route-passes", test_success_route_passes);
  g_test_add_func ("/connection-verdict/error-fails", test_error_fails);
  g_test_add_func ("/connection-verdict/fail-route-fails", test_fail_route_fails);
  g_test_add_func ("/connection-verdict/fail-route-inside-call-flow-passes", test_fail_route_inside_call_flow_passes);

  return g_test_run ();
}
