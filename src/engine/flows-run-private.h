/* flows-run-private.h — how FlowsRunner fills a FlowsRun */
#pragma once

#include "flows-run.h"

G_BEGIN_DECLS

FlowsRun *_flows_run_new             (const char      *flow_name,
                                      gint64           started_at);
/* Adds a value that must never be shown; empty values are ignored. */
void      _flows_run_add_secret      (FlowsRun        *self,
                                      const char      *secret);
/* Takes @entry; redacts it when the run is finished. */
void      _flows_run_add_entry       (FlowsRun        *self,
                                      FlowsTraceEntry *entry);
void      _flows_run_set_http_status (FlowsRun        *self,
                                      guint            status);

/* The new text for a string of a JSON tree, or NULL to keep it as it is. */
typedef char *(*FlowsRewriteFunc) (const char *text,
                                   gpointer    user_data);
/* @node with the strings @rewrite changes replaced, or NULL when it changes none. The result
 * shares every node without a change with @node, which is never changed: copy on write, for
 * trees that are never changed in place. */
JsonNode *_flows_json_rewrite_strings (JsonNode         *node,
                                       FlowsRewriteFunc  rewrite,
                                       gpointer          user_data);
/* Ends the run: records its outcome (@error NULL when it succeeded) and redacts the trace and
 * the message. */
void      _flows_run_finish          (FlowsRun        *self,
                                      JsonObject      *response,
                                      const GError    *error,
                                      const char      *failed_stage_id,
                                      const char      *failed_stage_name);

G_END_DECLS
