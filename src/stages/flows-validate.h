/* flows-validate.h — the checks an App must pass before anything runs: one Trigger per flow,
 * well-formed and unique stage keys, routes that lead somewhere, settings whose references
 * parse and name something in scope, the settings each stage type needs, Call Flow stages that
 * call a private flow of the App; and, for the editor, stages nothing reaches and role flows
 * that can end without their contract's fields.
 */
#pragma once

#include "flows-app.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_PROBLEM (flows_problem_get_type ())

/* One thing wrong, placed as precisely as possible: @stage_id and @stage_name are NULL for a
 * problem of the flow as a whole; @setting is a path into the stage's settings such as
 * "query[2].value", or NULL when the problem is not in one setting (a key, a route). */
typedef struct {
  char *flow_id;
  char *flow_name;
  char *stage_id;
  char *stage_name;
  char *setting;
  char *message;
} FlowsProblem;

GType               flows_problem_get_type       (void);
FlowsProblem       *flows_problem_copy           (const FlowsProblem *problem);
void                flows_problem_free           (FlowsProblem       *problem);
/* "Flow “X”, stage “Y”, setting fields[0].value: message", omitting what the problem lacks. */
char               *flows_problem_to_string      (const FlowsProblem *problem);

/* Each returns a new array of FlowsProblem (with its free function set), empty when all is well.
 * flows_validate_flow() lists what stops a run (a run checks it first); _full() adds what does
 * not stop one but is still wrong — a stage no route from the Trigger reaches, a role flow that
 * can end without its contract's fields (docs/ARCHITECTURE.md, "Flow roles") — for the editor; the App's list is
 * its parameters' problems, then every flow's full list. */
GPtrArray          *flows_validate_app           (FlowsApp           *app);
GPtrArray          *flows_validate_flow          (FlowsApp           *app,
                                                  FlowsFlow          *flow);
GPtrArray          *flows_validate_flow_full     (FlowsApp           *app,
                                                  FlowsFlow          *flow);

/* Whether @text is an absolute http or https URL with a host. */
gboolean            flows_validate_is_web_address (const char        *text);
/* The same for a value that may hold references to parameters ("https://host/<Tenant>/x"):
 * those are replaced by a sample first, and one that starts with a reference is accepted. */
gboolean            flows_validate_is_web_address_template (const char *text);
/* Why the references in @value, a value of @param (its default or a connection's), cannot be
 * used, or NULL: each must name another parameter of @app (when given) whose own value has no
 * references (docs/ARCHITECTURE.md, "References"). */
char               *flows_validate_param_references (FlowsApp         *app,
                                                     FlowsParam       *param,
                                                     const char       *value);
/* Why @param's default value cannot be used, or NULL when it can: its references, as above,
 * and a URL parameter's default, when it has one, is an http or https URL.
 * flows_validate_app() lists it too, with the key. @app may be NULL. */
char               *flows_validate_param_default  (FlowsApp           *app,
                                                   FlowsParam         *param);

/* The names every flow can reference besides parameters, trigger inputs and stages, NULL-terminated. */
const char * const *flows_validate_builtin_names (void);

/* The validation of one flow, as a stage type sees it when it checks a stage of its own
 * (flows-stage-kind.h). */
typedef struct _FlowsStageCheck FlowsStageCheck;

FlowsApp           *flows_stage_check_get_app     (FlowsStageCheck    *check);
FlowsFlow          *flows_stage_check_get_flow    (FlowsStageCheck    *check);
/* A problem of @stage; @setting is its path, or NULL. */
void                flows_stage_check_add_problem (FlowsStageCheck    *check,
                                                   FlowsStage         *stage,
                                                   const char         *setting,
                                                   const char         *format,
                                                   ...) G_GNUC_PRINTF (4, 5);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlowsProblem, flows_problem_free)

G_END_DECLS
