/* flows-stage-context.h — what a stage type executes with (docs/ARCHITECTURE.md, "Stage types")
 *
 * A stage type does its work in its execute() (flows-stage-kind.h) through a FlowsStageContext:
 * the run it is part of, which the engine implements (flows-runner.c) and which stays below it
 * here. The engine keeps the scheduling, the trace, the references' values, the HTTP client and
 * the connection's token; the stage type reads its settings, expands them and names its route.
 *
 * A stage ends exactly once, with flows_stage_context_finish() or flows_stage_context_fail(), at
 * once or later from a callback (Call API, Sleep, Call Flow). The context outlives the stage's
 * callbacks: it is the run's.
 */
#pragma once

#include <gio/gio.h>

#include "flows-app.h"
#include "flows-expression.h"
#include "flows-run-error.h"

G_BEGIN_DECLS

typedef struct _FlowsStageContext FlowsStageContext;

/* An HTTP request of a stage, built from its settings, for the engine's HTTP client. */
typedef struct
{
  char       *name;
  char       *value;
} FlowsStageHeader;

typedef struct
{
  char       *method;          /* upper case */
  char       *url;             /* as the flow built it, for messages */
  GUri       *uri;             /* @url, parsed: http or https with a host */
  GPtrArray  *headers;         /* FlowsStageHeader, in the order they are sent */
  GBytes     *body;            /* NULL: no body */
  char       *content_type;    /* of @body */
  guint       timeout_seconds;
  /* The statuses that take the success route; another is an error. */
  guint       min_status;
  guint       max_status;
} FlowsStageRequest;

FlowsStageRequest *flows_stage_request_new  (void);
void               flows_stage_request_free (FlowsStageRequest *request);
/* Appends a header; with @replace, the headers of that name (in any case) go first. */
void               flows_stage_request_add_header (FlowsStageRequest *request,
                                                   const char        *name,
                                                   const char        *value,
                                                   gboolean           replace);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlowsStageRequest, flows_stage_request_free)

/* Builds the request to send, or NULL with @error; *@resolved gets the settings as resolved so
 * far, for the trace, either way. Called again for a retry. */
typedef FlowsStageRequest *(*FlowsStageBuildRequest) (FlowsStageContext  *context,
                                                      gpointer            user_data,
                                                      JsonObject        **resolved,
                                                      GError            **error);
/* The response as outputs (flows-http-call.h), and what is wrong with it in @error; or NULL
 * @outputs and the reason no response came. Takes @resolved and @error. */
typedef void (*FlowsStageResponseFunc) (FlowsStageContext *context,
                                        JsonObject        *outputs,
                                        JsonObject        *resolved,
                                        GError            *error,
                                        gpointer           user_data);
/* A called flow ended: with its @response, or with @error at @failed_stage (which may be NULL). */
typedef void (*FlowsStageFlowDone) (FlowsStageContext *context,
                                    FlowsFlow         *flow,
                                    JsonObject        *response,
                                    const GError      *error,
                                    FlowsStage        *failed_stage,
                                    gpointer           user_data);
/* Work left for when the flow ends; FALSE with @error fails the run at the stage that left it. */
typedef gboolean (*FlowsStageEndFunc) (FlowsStageContext  *context,
                                       gpointer            user_data,
                                       GError            **error);

/* What the engine implements. */
typedef struct
{
  /* The value of @reference (a copy), or NULL: with @error set when looking it up failed. */
  JsonNode     *(*resolve)          (FlowsStageContext      *context,
                                     const char             *reference,
                                     GError                **error);
  /* The inputs the run was given (name -> value), which the Trigger completes. */
  GHashTable   *(*get_inputs)       (FlowsStageContext      *context);
  /* What the flow returns, for Add To Response to add to. */
  JsonObject   *(*get_response)     (FlowsStageContext      *context);
  FlowsApp     *(*get_app)          (FlowsStageContext      *context);
  /* The run's; NULL when nothing can cancel it. */
  GCancellable *(*get_cancellable)  (FlowsStageContext      *context);
  /* Ends the stage (see flows_stage_context_finish()). */
  void          (*finish)           (FlowsStageContext      *context,
                                     const char             *route,
                                     JsonNode               *outputs,
                                     JsonObject             *resolved,
                                     GError                 *error);
  void          (*at_flow_end)      (FlowsStageContext      *context,
                                     FlowsStageEndFunc       func,
                                     gpointer                user_data,
                                     GDestroyNotify          destroy);
  void          (*start_loop)       (FlowsStageContext      *context,
                                     JsonArray              *items);
  gboolean      (*may_run_flow)     (FlowsStageContext      *context,
                                     FlowsFlow              *flow,
                                     GError                **error);
  void          (*run_flow)         (FlowsStageContext      *context,
                                     FlowsFlow              *flow,
                                     GHashTable             *inputs,
                                     FlowsStageFlowDone      done,
                                     gpointer                user_data);
  const char   *(*get_access_token) (FlowsStageContext      *context,
                                     GError                **error);
  void          (*send_request)     (FlowsStageContext      *context,
                                     gboolean                uses_token,
                                     FlowsStageBuildRequest  build,
                                     FlowsStageResponseFunc  done,
                                     gpointer                user_data);
  /* Adds a value the run must never show (see flows_stage_context_add_secret()). */
  void          (*add_secret)       (FlowsStageContext      *context,
                                     const char             *secret);
} FlowsStageContextFuncs;

struct _FlowsStageContext
{
  const FlowsStageContextFuncs *funcs;
};

/* Ends the stage: it takes @route with @outputs (<key.…>, may be NULL), or fails with @error,
 * which takes its fail route when it has one. @resolved is its settings as resolved, for the
 * trace (may be NULL). Takes @outputs, @resolved and @error. */
void          flows_stage_context_finish           (FlowsStageContext  *context,
                                                    const char         *route,
                                                    JsonNode           *outputs,
                                                    JsonObject         *resolved,
                                                    GError             *error);
/* flows_stage_context_finish() with @error and no route or outputs. */
void          flows_stage_context_fail             (FlowsStageContext  *context,
                                                    JsonObject         *resolved,
                                                    GError             *error);

/* The template @text of the setting at @setting ("fields[0].value") expanded, each value encoded
 * for @place (flows-expression.h); NULL with @error, which names the setting. */
char         *flows_stage_context_expand           (FlowsStageContext  *context,
                                                    const char         *setting,
                                                    const char         *text,
                                                    FlowsExpansion      place,
                                                    GError            **error);
/* As flows_stage_context_expand(), as text, but a reference that resolves to nothing is "":
 * for asking whether something is empty, or there at all. Each such reference ("<a.b>") is
 * added to @unresolved (strings it owns) when it is not NULL, for the trace to say so. */
char         *flows_stage_context_expand_or_empty  (FlowsStageContext  *context,
                                                    const char         *setting,
                                                    const char         *text,
                                                    GPtrArray          *unresolved,
                                                    GError            **error);
/* TRUE when @text is one reference and nothing else: "<call.body.items>". */
gboolean      flows_stage_context_is_single_reference (const char      *text);
/* The value of a setting as JSON when it is a single reference (a list stays a list), as text
 * otherwise; NULL with @error (FLOWS_EXPRESSION_ERROR_UNRESOLVED for a reference to nothing). */
JsonNode     *flows_stage_context_evaluate         (FlowsStageContext  *context,
                                                    const char         *setting,
                                                    const char         *text,
                                                    GError            **error);

GHashTable   *flows_stage_context_get_inputs       (FlowsStageContext  *context);
JsonObject   *flows_stage_context_get_response     (FlowsStageContext  *context);
FlowsApp     *flows_stage_context_get_app          (FlowsStageContext  *context);
GCancellable *flows_stage_context_get_cancellable  (FlowsStageContext  *context);

/* Calls @func when the flow ends, after its last stage (Add To Response's dynamic fields). */
void          flows_stage_context_at_flow_end      (FlowsStageContext  *context,
                                                    FlowsStageEndFunc   func,
                                                    gpointer            user_data,
                                                    GDestroyNotify      destroy);
/* Runs the stage's "each" route once per item of @items, with <key.item>, <key.index> and
 * <key.count>, then its "done" route. The stage then finishes with the route "each". */
void          flows_stage_context_start_loop       (FlowsStageContext  *context,
                                                    JsonArray          *items);
/* FALSE with @error when calling @flow from here would nest flows too deep. */
gboolean      flows_stage_context_may_run_flow     (FlowsStageContext  *context,
                                                    FlowsFlow          *flow,
                                                    GError            **error);
/* Runs @flow of the App with @inputs (name -> value), within this run, then calls @done. */
void          flows_stage_context_run_flow         (FlowsStageContext  *context,
                                                    FlowsFlow          *flow,
                                                    GHashTable         *inputs,
                                                    FlowsStageFlowDone  done,
                                                    gpointer            user_data);
/* The connection's access token, or NULL with @error saying why there is none. */
const char   *flows_stage_context_get_access_token (FlowsStageContext  *context,
                                                    GError            **error);
/* Sends the request @build makes through the engine's HTTP client, then calls @done. With
 * @uses_token, a token about to expire is refreshed first, and a 401 (or a status of the
 * App's refreshOnStatus) refreshes it and builds and sends the request once more. */
void          flows_stage_context_send_request     (FlowsStageContext      *context,
                                                    gboolean                uses_token,
                                                    FlowsStageBuildRequest  build,
                                                    FlowsStageResponseFunc  done,
                                                    gpointer                user_data);

/* @secret is redacted wherever the run is shown (its trace, its error message), as the
 * connection's sensitive values and tokens are: for a value a stage makes of a secret, which
 * the run cannot recognise by itself (the base64 of HTTP Basic credentials). */
void          flows_stage_context_add_secret       (FlowsStageContext      *context,
                                                    const char             *secret);

G_END_DECLS
