/* flows-scope.h — what a stage's settings can reference
 *
 * Exactly the names validation accepts at that stage: the App's connection parameters, the
 * built-ins of the flow's role, the Trigger's inputs, and the outputs of the stages that a run
 * passes through before it (upstream along routes), with the paths a stage type is known to give
 * (status, headers, body…). The insert-reference menu lists these.
 */
#pragma once

#include "flows-app.h"

G_BEGIN_DECLS

typedef enum {
  FLOWS_SCOPE_PARAMETER,
  FLOWS_SCOPE_BUILTIN,
  FLOWS_SCOPE_INPUT,
  FLOWS_SCOPE_STAGE_OUTPUT,
} FlowsScopeKind;

typedef struct {
  FlowsScopeKind  kind;
  char           *name;        /* what goes between < and >: "ApiKey", "callApi.body" */
  char           *description; /* a translated line for the menu: the parameter's label, … */
  char           *stage_id;    /* the upstream stage for FLOWS_SCOPE_STAGE_OUTPUT, else NULL */
} FlowsScopeEntry;

void       flows_scope_entry_free (FlowsScopeEntry *entry);
/* A new array of FlowsScopeEntry (free function set), in menu order: parameters, built-ins,
 * inputs, then upstream stages nearest first. */
GPtrArray *flows_scope_at_stage   (FlowsApp        *app,
                                   FlowsFlow       *flow,
                                   FlowsStage      *stage);
/* Stage ids a run can pass through before reaching @stage (not @stage itself). */
GHashTable *flows_scope_upstream  (FlowsFlow       *flow,
                                   FlowsStage      *stage);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlowsScopeEntry, flows_scope_entry_free)

G_END_DECLS
