/* flows-run.h — what one run of a flow did: its outcome, its response and a trace of every
 * stage it executed.
 *
 * Secrets: the response is what the flow returned (the OAuth runtime needs the tokens in it), but
 * everything meant for people — the trace, the error message, flows_run_to_json() — has the run's
 * secret values (sensitive parameters, tokens, and token fields of responses) replaced by •••.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "flows-run-error.h"
#include "flows-types.h"

G_BEGIN_DECLS

/* FLOWS_RUN_ERROR, why a flow failed where the flow itself is the reason, comes with
 * flows-run-error.h. */

/* One execution of one stage. Times are g_get_real_time() microseconds. A trace is for reading:
 * entries share nodes with each other and with the run's records of the stages (only what
 * redaction or cutting changes is copied), so their settings and outputs are never changed in
 * place. */
typedef struct
{
  char           *flow_name;
  guint           depth;        /* 0 for the flow that was run, 1 inside a Call Flow, … */
  char           *stage_id;
  char           *stage_key;
  char           *stage_name;
  FlowsStageType  stage_type;
  gint64          started_at;
  gint64          finished_at;
  char           *route;        /* the route taken; NULL when the run stopped here */
  JsonObject     *settings;     /* as resolved, secrets redacted */
  JsonNode       *outputs;      /* secrets redacted, bodies cut to an excerpt; may be NULL */
  char           *error;        /* NULL when the stage succeeded */
} FlowsTraceEntry;

#define FLOWS_TYPE_TRACE_ENTRY (flows_trace_entry_get_type ())
GType            flows_trace_entry_get_type  (void);
FlowsTraceEntry *flows_trace_entry_copy      (const FlowsTraceEntry *entry);
void             flows_trace_entry_free      (FlowsTraceEntry       *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlowsTraceEntry, flows_trace_entry_free)

#define FLOWS_TYPE_RUN (flows_run_get_type ())
G_DECLARE_FINAL_TYPE (FlowsRun, flows_run, FLOWS, RUN, GObject)

const char  *flows_run_get_flow_name       (FlowsRun   *self);
gboolean     flows_run_get_succeeded       (FlowsRun   *self);
/* Why the run failed (redacted), and at which stage; NULL when it succeeded. */
const char  *flows_run_get_error_message   (FlowsRun   *self);
/* Whether the run failed with that error (its domain and code): an End With Error stage's
 * FLOWS_RUN_ERROR_ENDED_WITH_ERROR or FLOWS_RUN_ERROR_NEEDS_SIGN_IN, for instance. */
gboolean     flows_run_error_matches       (FlowsRun   *self,
                                            GQuark      domain,
                                            int         code);
/* TRUE when an End With Error stage ended the run: its message is the flow's own words. */
gboolean     flows_run_ended_with_error    (FlowsRun   *self);
const char  *flows_run_get_failed_stage_id (FlowsRun   *self);
const char  *flows_run_get_failed_stage_name (FlowsRun *self);
/* The fields added by Add To Response. Not redacted: for the runtime, not for display. It shares
 * nothing with the trace. */
JsonObject  *flows_run_get_response        (FlowsRun   *self);
/* Array of FlowsTraceEntry in execution order. */
GPtrArray   *flows_run_get_trace           (FlowsRun   *self);
gint64       flows_run_get_started_at      (FlowsRun   *self);
gint64       flows_run_get_duration        (FlowsRun   *self);
/* The status of the last HTTP response of the run; 0 when it made no request. */
guint        flows_run_get_http_status     (FlowsRun   *self);

/* The verdict on a run of a Connection Test flow (docs/ARCHITECTURE.md, "Flow roles"): it
 * passes when it ends on a success route, and fails on an error or when a stage of the flow
 * took its fail route on the way, whatever the flow did after. *@message (may be NULL) gets the
 * words for the connection's status, redacted, the same for the app and flows-cli. */
gboolean     flows_run_judge_connection_test (FlowsRun  *self,
                                              char     **message);
/* The whole run for display or export, with secrets redacted. */
JsonNode    *flows_run_to_json             (FlowsRun   *self);
/* @text with every secret of the run replaced by •••. */
char        *flows_run_redact              (FlowsRun   *self,
                                            const char *text);

G_END_DECLS
