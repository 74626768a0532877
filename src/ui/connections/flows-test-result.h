/* flows-test-result.h — what a Connection Test did: PASS or FAIL, the HTTP status, the duration,
 * the message, the response and a trace of every stage.
 *
 * Everything shown comes from the run's trace and messages, which the engine has already
 * redacted: no secret reaches this widget.
 */
#pragma once

#include <adwaita.h>

#include "flows-run.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_TEST_RESULT (flows_test_result_get_type ())
G_DECLARE_FINAL_TYPE (FlowsTestResult, flows_test_result, FLOWS, TEST_RESULT, AdwBin)

/* Shows @run, a run of the Connection Test flow with the connection called @connection_name.
 * NULL clears the panel. */
void       flows_test_result_set_run (FlowsTestResult *self,
                                      FlowsRun        *run,
                                      const char      *connection_name);
FlowsRun  *flows_test_result_get_run (FlowsTestResult *self);

G_END_DECLS
