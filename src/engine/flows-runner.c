/* flows-runner.c — runs flows
 *
 * A run walks the flow from its Trigger: each stage's type (flows-stage-kind.h) resolves its
 * settings (references expanded for the place each value goes), does its work and names the
 * route it takes, through the run's FlowsStageContext (flows-stage-context.h), which this file
 * implements; the runner records the trace entry and goes on. Stages that wait (Call API, Sleep,
 * Call Flow) finish from a callback; the others finish at once, and advance() runs them in a loop
 * rather than by recursion, so a long flow or a large For Each cannot exhaust the stack.
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "flows-expression.h"
#include "flows-http-call.h"
#include "flows-json-util.h"
#include "flows-run-private.h"
#include "flows-runner.h"
#include "flows-secrets.h"
#include "flows-stage-registry.h"
#include "flows-token-source.h"
#include "flows-validate.h"

/* A run stops after this many stage executions: a route that leads back to an earlier stage
 * must not spin forever. Large enough for a For Each over tens of thousands of items. */
#define MAX_STEPS 200000
/* How much of a response body a trace keeps. */
#define TRACE_EXCERPT_SIZE 4096


struct _FlowsRunner
{
  GObject       parent_instance;

  SoupSession      *session;
  /* Refreshes the connections' tokens; NULL: a runner that cannot refresh them. */
  FlowsTokenSource *token_source;
  gsize             max_response_size;
};

G_DEFINE_FINAL_TYPE (FlowsRunner, flows_runner, G_TYPE_OBJECT)

enum {
  STAGE_STARTED,
  STAGE_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What the flows of one run share, the one that was started and those it calls. */
typedef struct
{
  FlowsRunner     *runner;
  FlowsApp        *app;
  FlowsConnection *connection;
  /* The tables are NULL when there is nothing to put in them, which is most runs: builtins
   * when none were given, secrets and secret_errors without a connection (no keyring lookups,
   * no tokens). Read them with lookup(). */
  GHashTable      *builtins;      /* name -> value */
  GHashTable      *secrets;       /* keyring key -> value, wiped when freed */
  GHashTable      *secret_errors; /* keyring key -> why it could not be read */
  /* The caller's; NULL when it gave none, as nothing else cancels a run. */
  GCancellable    *cancellable;
  FlowsRun        *result;
  GTask           *task;
  guint            pending_lookups;
  guint            steps;
} Shared;

typedef struct
{
  FlowsStage *stage;
  JsonArray  *items;
  guint       index;
} Loop;

/* Work a stage left for when its flow ends (flows_stage_context_at_flow_end()). */
typedef struct
{
  FlowsStage        *stage;
  FlowsStageEndFunc  func;
  gpointer           user_data;
  GDestroyNotify     destroy;
} FlowEnd;

typedef struct _Run Run;
typedef void (*RunDone) (Run *run, gpointer user_data);

/* One flow being run: the started one, or one called by a Call Flow stage. It is the context its
 * stages execute with: the first member, so that the one is the other. */
struct _Run
{
  FlowsStageContext  context;
  Shared            *shared;
  FlowsFlow         *flow;
  guint              depth;
  GHashTable        *inputs;         /* trigger input name -> value */
  GHashTable        *outputs;        /* stage key -> JsonNode */
  JsonObject        *response;
  GPtrArray         *flow_ends;      /* FlowEnd */
  GArray            *loops;          /* Loop, innermost last */
  FlowsStage        *current;
  FlowsTraceEntry   *entry;          /* the current stage's, owned by the result */
  GError            *stop_error;     /* why the run stops early */
  FlowsStage        *failed_stage;
  RunDone            done;
  gpointer           done_data;
  guint              in_advance : 1;
  guint              waiting : 1;
};

static void advance (Run *run);

/* Runner ------------------------------------------------------------------------------------ */

static void
flows_runner_dispose (GObject *object)
{
  FlowsRunner *self = (FlowsRunner *)object;

  g_clear_object (&self->session);
  g_clear_object (&self->token_source);

  G_OBJECT_CLASS (flows_runner_parent_class)->dispose (object);
}

static void
flows_runner_class_init (FlowsRunnerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = flows_runner_dispose;

  signals[STAGE_STARTED] =
    g_signal_new ("stage-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL,
                  G_TYPE_NONE, 3, FLOWS_TYPE_FLOW, G_TYPE_UINT, G_TYPE_STRING);
  signals[STAGE_FINISHED] =
    g_signal_new ("stage-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL,
                  G_TYPE_NONE, 6, FLOWS_TYPE_FLOW, G_TYPE_UINT, G_TYPE_STRING, G_TYPE_STRING,
                  G_TYPE_BOOLEAN, G_TYPE_INT64);
}

static void
flows_runner_init (FlowsRunner *self)
{
  self->session = soup_session_new_with_options ("user-agent", "FlowsStudio/" PACKAGE_VERSION " ",
                                                 "max-conns", 128,
                                                 "max-conns-per-host", 32,
                                                 NULL);
  self->max_response_size = FLOWS_RUNNER_DEFAULT_MAX_RESPONSE_SIZE;
}

FlowsRunner *
flows_runner_new (void)
{
  return g_object_new (FLOWS_TYPE_RUNNER, NULL);
}

SoupSession *
flows_runner_get_session (FlowsRunner *self)
{
  g_return_val_if_fail (FLOWS_IS_RUNNER (self), NULL);
  return self->session;
}

gsize
flows_runner_get_max_response_size (FlowsRunner *self)
{
  g_return_val_if_fail (FLOWS_IS_RUNNER (self), 0);
  return self->max_response_size;
}

void
flows_runner_set_max_response_size (FlowsRunner *self,
                                    gsize        max_size)
{
  g_return_if_fail (FLOWS_IS_RUNNER (self));
  self->max_response_size = max_size;
}

void
flows_runner_set_token_source (FlowsRunner      *self,
                               FlowsTokenSource *token_source)
{
  g_return_if_fail (FLOWS_IS_RUNNER (self));
  g_return_if_fail (token_source == NULL || FLOWS_IS_TOKEN_SOURCE (token_source));
  g_set_object (&self->token_source, token_source);
}

FlowsTokenSource *
flows_runner_get_token_source (FlowsRunner *self)
{
  g_return_val_if_fail (FLOWS_IS_RUNNER (self), NULL);
  return self->token_source;
}

/* References ------------------------------------------------------------------------------- */

/* The value of @key in @table, which may be NULL (see Shared). */
static gpointer
lookup (GHashTable *table,
        const char *key)
{
  return table != NULL ? g_hash_table_lookup (table, key) : NULL;
}

static JsonNode *
string_node (const char *value)
{
  return value != NULL ? json_node_init_string (json_node_alloc (), value) : NULL;
}

static JsonNode *param_node (Run         *run,
                             FlowsParam  *param,
                             gboolean     expand,
                             GError     **error);
static JsonNode *expand_param (Run         *run,
                               FlowsParam  *param,
                               const char  *value,
                               gboolean     expand,
                               GError     **error);

static JsonNode *
secret_node (Run         *run,
             const char  *key,
             GError     **error)
{
  const char *failure = lookup (run->shared->secret_errors, key);

  if (failure != NULL)
    {
      g_set_error (error, FLOWS_SECRETS_ERROR, FLOWS_SECRETS_ERROR_FAILED,
                   _("“%s” could not be read from the keyring: %s"), key, failure);
      return NULL;
    }
  return string_node (lookup (run->shared->secrets, key));
}

/* The value of a non-sensitive parameter as the connection or the App gives it, before its
 * references are expanded; NULL when it has none. */
static const char *
param_text (Shared     *shared,
            FlowsParam *param)
{
  const char *value = NULL;

  if (shared->connection != NULL)
    value = flows_connection_get_value (shared->connection, flows_param_get_key (param));
  if (value == NULL && *flows_param_get_default (param) != '\0')
    value = flows_param_get_default (param);
  return value;
}

typedef struct
{
  Run        *run;
  FlowsParam *param;
} ParamExpansion;

/* A reference inside a parameter's value: another parameter, whose own value is used as it is
 * (one level: validation refuses deeper chains, and so does this). */
static char *
resolve_in_param (const char  *reference,
                  gpointer     user_data,
                  GError     **error)
{
  ParamExpansion *expansion = user_data;
  FlowsParam *other = flows_app_find_param (expansion->run->shared->app, reference);
  g_autoptr(JsonNode) node = NULL;

  if (other == NULL || other == expansion->param)
    {
      g_set_error (error, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_INVALID_VALUE,
                   other == NULL ? _("its value refers to <%s>, which is not a parameter of this App")
                                 : _("its value refers to <%s>, the parameter itself"),
                   reference);
      return NULL;
    }
  if (!(node = param_node (expansion->run, other, FALSE, error)))
    return NULL;
  return flows_json_to_text (node);
}

/* The value of @param: from the keyring when sensitive, else the connection's or the default,
 * with its references to other parameters expanded when @expand (docs/ARCHITECTURE.md,
 * "References"); NULL (with @error set when reading it failed) for a required one without. */
static JsonNode *
param_node (Run         *run,
            FlowsParam  *param,
            gboolean     expand,
            GError     **error)
{
  const char *value;
  JsonNode *node;

  if (flows_param_get_sensitive (param))
    {
      if ((node = secret_node (run, flows_param_get_key (param), error)) != NULL || (error != NULL && *error != NULL))
        return node;
    }
  else if ((value = param_text (run->shared, param)) != NULL)
    {
      /* A value the provider gave at sign-in is data, never a template. */
      if (flows_param_get_from_sign_in (param) || strchr (value, '<') == NULL)
        return string_node (value);
      return expand_param (run, param, value, expand, error);
    }

  /* An optional parameter left empty is "", as a flow expects of a form field; a required
   * one without a value is an error worth reporting. */
  return flows_param_get_required (param) ? NULL : string_node ("");
}

/* @value of @param with its references expanded, or as it is written (only "\<" read) when
 * not @expand: a parameter read inside another's value must have no references of its own. */
static JsonNode *
expand_param (Run         *run,
              FlowsParam  *param,
              const char  *value,
              gboolean     expand,
              GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(FlowsExpression) expression = flows_expression_parse (value, &local_error);
  ParamExpansion expansion = { run, param };
  g_autofree char *text = NULL;

  if (expression != NULL && !expand && !flows_expression_is_literal (expression))
    local_error = g_error_new (FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_INVALID_VALUE,
                               _("its value refers to other parameters: references in parameters go one level deep"));
  else if (expression != NULL)
    text = flows_expression_expand (expression, FLOWS_EXPANSION_TEXT, resolve_in_param, &expansion, &local_error);

  if (text == NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), _("Parameter “%s”: "), flows_param_get_key (param));
      return NULL;
    }
  return string_node (text);
}

/* The value of @reference, or NULL (with @error set when looking it up failed). Stage outputs
 * come first, then trigger inputs, built-ins and connection parameters; validation keeps stage
 * keys from clashing with the others. */
static JsonNode *
resolve_node (Run         *run,
              const char  *reference,
              GError     **error)
{
  Shared *shared = run->shared;
  const char *dot = strchr (reference, '.');
  g_autofree char *name = dot != NULL ? g_strndup (reference, dot - reference) : g_strdup (reference);
  JsonNode *outputs = g_hash_table_lookup (run->outputs, name);
  FlowsParam *param;

  if (outputs != NULL)
    {
      JsonNode *node = flows_json_walk (outputs, dot != NULL ? dot + 1 : NULL);
      return node != NULL ? json_node_copy (node) : NULL;
    }
  if (dot != NULL)
    return NULL;

  if (g_hash_table_contains (run->inputs, name))
    return string_node (g_hash_table_lookup (run->inputs, name));

  if (g_str_equal (name, "ConnectionID"))
    return string_node (shared->connection != NULL ? flows_connection_get_id (shared->connection) : NULL);
  if (g_str_equal (name, "RedirectURL"))
    return string_node (flows_app_get_redirect_url (shared->app));
  if (g_str_equal (name, "AccessToken"))
    return secret_node (run, FLOWS_SECRETS_ACCESS_TOKEN_KEY, error);
  if (g_str_equal (name, "RefreshToken"))
    return secret_node (run, FLOWS_SECRETS_REFRESH_TOKEN_KEY, error);
  if (shared->builtins != NULL && g_hash_table_contains (shared->builtins, name))
    return string_node (g_hash_table_lookup (shared->builtins, name));

  param = flows_app_find_param (shared->app, name);
  if (param != NULL)
    return param_node (run, param, TRUE, error);

  return NULL;
}

/* Stage bookkeeping ------------------------------------------------------------------------ */

/* A string of an output as the trace keeps it: cut to an excerpt when it is longer than that,
 * otherwise NULL (kept as it is). */
static char *
cut_for_trace (const char *text,
               gpointer    user_data)
{
  gsize length = strlen (text);
  const char *end;

  if (length <= TRACE_EXCERPT_SIZE)
    return NULL;

  /* Cut on a character boundary. */
  end = text + TRACE_EXCERPT_SIZE;
  while (end > text && (*end & 0xC0) == 0x80)
    end--;
  return g_strdup_printf (_("%.*s… (%zu bytes in all)"), (int)(end - text), text, length);
}

/* @outputs as the trace keeps them, with every string longer than the trace keeps cut to an
 * excerpt. Copy on write: what needs no cut is shared with @outputs, which is then @outputs
 * itself for most stages. Sharing is safe because nothing changes outputs in place: the run
 * reads them, the response takes copies of them (Add To Response) and redaction copies
 * what it changes (_flows_run_finish()). Runs for every stage of every run. */
static JsonNode *
excerpt (JsonNode *outputs)
{
  JsonNode *cut;

  if (outputs == NULL)
    return NULL;

  cut = _flows_json_rewrite_strings (outputs, cut_for_trace, NULL);
  return cut != NULL ? cut : json_node_ref (outputs);
}

static void
begin_entry (Run        *run,
             FlowsStage *stage)
{
  FlowsTraceEntry *entry = g_new0 (FlowsTraceEntry, 1);

  entry->flow_name = g_strdup (flows_flow_get_name (run->flow));
  entry->depth = run->depth;
  entry->stage_id = g_strdup (flows_stage_get_id (stage));
  entry->stage_key = g_strdup (flows_stage_get_key (stage));
  entry->stage_name = g_strdup (flows_stage_get_name (stage));
  entry->stage_type = flows_stage_get_stage_type (stage);
  entry->started_at = g_get_real_time ();

  run->entry = entry;
  _flows_run_add_entry (run->shared->result, entry);
  g_signal_emit (run->shared->runner, signals[STAGE_STARTED], 0, run->flow, run->depth,
                 entry->stage_id);
}

static FlowsStage *
stage_at_route (Run        *run,
                FlowsStage *stage,
                const char *route)
{
  const char *target = route != NULL ? flows_stage_get_route (stage, route) : NULL;

  return target != NULL ? flows_flow_find_stage (run->flow, target) : NULL;
}

static void
set_loop_outputs (Run  *run,
                  Loop *loop)
{
  g_autoptr(JsonObject) outputs = json_object_new ();
  const char *key = flows_stage_get_key (loop->stage);

  json_object_set_member (outputs, "item",
                          json_node_copy (json_array_get_element (loop->items, loop->index)));
  json_object_set_int_member (outputs, "index", loop->index);
  json_object_set_int_member (outputs, "count", json_array_get_length (loop->items));
  if (*key != '\0')
    g_hash_table_insert (run->outputs, g_strdup (key),
                         json_node_init_object (json_node_alloc (), outputs));
}

/* Where the run goes after @stage took @route. A route that leads nowhere ends the innermost
 * For Each iteration (the next item starts, or the loop's done route is taken) or the flow. */
static FlowsStage *
next_stage (Run        *run,
            FlowsStage *stage,
            const char *route)
{
  FlowsStage *next = stage_at_route (run, stage, route);

  while (next == NULL && run->loops->len > 0)
    {
      Loop *loop = &g_array_index (run->loops, Loop, run->loops->len - 1);

      if (++loop->index < json_array_get_length (loop->items))
        {
          set_loop_outputs (run, loop);
          return stage_at_route (run, loop->stage, "each");
        }

      stage = loop->stage;
      json_array_unref (loop->items);
      g_array_set_size (run->loops, run->loops->len - 1);
      next = stage_at_route (run, stage, "done");
    }

  return next;
}

/* Every stage ends here, at once or from a callback. Takes @outputs, @resolved and @error. The
 * trace keeps @resolved as it is and shares @outputs (see excerpt()): neither changes after. */
static void
stage_finished (Run        *run,
                const char *route,
                JsonNode   *outputs,
                JsonObject *resolved,
                GError     *error)
{
  FlowsStage *stage = run->current;
  FlowsTraceEntry *entry = run->entry;
  const char *key = flows_stage_get_key (stage);

  run->waiting = FALSE;
  entry->finished_at = g_get_real_time ();
  entry->settings = resolved;
  entry->outputs = excerpt (outputs);

  if (outputs != NULL && *key != '\0')
    g_hash_table_insert (run->outputs, g_strdup (key), outputs);
  else
    g_clear_pointer (&outputs, json_node_unref);

  if (error != NULL)
    {
      entry->error = g_strdup (error->message);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
          flows_stage_get_route (stage, "fail") != NULL)
        {
          /* The stage handles its own failure. */
          entry->route = g_strdup ("fail");
          run->current = next_stage (run, stage, "fail");
          g_error_free (error);
        }
      else
        {
          run->failed_stage = stage;
          run->current = NULL;
          run->stop_error = error;
        }
    }
  else
    {
      entry->route = g_strdup (route);
      run->current = next_stage (run, stage, route);
    }

  /* Only what cannot carry a secret: the redacted settings and outputs exist when the run ends. */
  g_signal_emit (run->shared->runner, signals[STAGE_FINISHED], 0, run->flow, run->depth,
                 entry->stage_id, entry->route, entry->error != NULL,
                 entry->finished_at - entry->started_at);

  if (!run->in_advance)
    advance (run);
}

/* The stage context ------------------------------------------------------------------------ */

static Run *run_new (Shared     *shared,
                     FlowsFlow  *flow,
                     guint       depth,
                     GHashTable *inputs,
                     RunDone     done,
                     gpointer    done_data);
static void start (Run *run);

static Run *
run_of (FlowsStageContext *context)
{
  return (Run *) context;
}

static JsonNode *
context_resolve (FlowsStageContext  *context,
                 const char         *reference,
                 GError            **error)
{
  return resolve_node (run_of (context), reference, error);
}

static GHashTable *
context_get_inputs (FlowsStageContext *context)
{
  return run_of (context)->inputs;
}

static JsonObject *
context_get_response (FlowsStageContext *context)
{
  return run_of (context)->response;
}

static FlowsApp *
context_get_app (FlowsStageContext *context)
{
  return run_of (context)->shared->app;
}

static GCancellable *
context_get_cancellable (FlowsStageContext *context)
{
  return run_of (context)->shared->cancellable;
}

static void
context_finish (FlowsStageContext *context,
                const char        *route,
                JsonNode          *outputs,
                JsonObject        *resolved,
                GError            *error)
{
  stage_finished (run_of (context), route, outputs, resolved, error);
}

static void
flow_end_free (FlowEnd *end)
{
  if (end->destroy != NULL)
    end->destroy (end->user_data);
  g_object_unref (end->stage);
  g_free (end);
}

static void
context_at_flow_end (FlowsStageContext *context,
                     FlowsStageEndFunc  func,
                     gpointer           user_data,
                     GDestroyNotify     destroy)
{
  Run *run = run_of (context);
  FlowEnd *end = g_new0 (FlowEnd, 1);

  /* The stage that left the work is the one the run fails at when it fails. */
  end->stage = g_object_ref (run->current);
  end->func = func;
  end->user_data = user_data;
  end->destroy = destroy;
  g_ptr_array_add (run->flow_ends, end);
}

static void
context_start_loop (FlowsStageContext *context,
                    JsonArray         *items)
{
  Run *run = run_of (context);
  Loop loop = { run->current, json_array_ref (items), 0 };

  g_array_append_val (run->loops, loop);
  set_loop_outputs (run, &loop);
}

static gboolean
context_may_run_flow (FlowsStageContext  *context,
                      FlowsFlow          *flow,
                      GError            **error)
{
  if (run_of (context)->depth + 1 < FLOWS_RUNNER_MAX_DEPTH)
    return TRUE;

  g_set_error (error, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_TOO_DEEP,
               _("Flows are nested more than %d deep: does “%s” end up calling itself?"),
               FLOWS_RUNNER_MAX_DEPTH, flows_flow_get_name (flow));
  return FALSE;
}

/* A flow run by a stage of another. */
typedef struct
{
  Run                *caller;
  FlowsStageFlowDone  done;
  gpointer            user_data;
} CalledFlow;

static void
on_called_flow_done (Run      *child,
                     gpointer  user_data)
{
  CalledFlow *called = user_data;

  called->done (&called->caller->context, child->flow, child->response, child->stop_error, child->failed_stage,
                called->user_data);
  g_free (called);
}

static void
context_run_flow (FlowsStageContext  *context,
                  FlowsFlow          *flow,
                  GHashTable         *inputs,
                  FlowsStageFlowDone  done,
                  gpointer            user_data)
{
  Run *run = run_of (context);
  CalledFlow *called = g_new0 (CalledFlow, 1);

  called->caller = run;
  called->done = done;
  called->user_data = user_data;
  start (run_new (run->shared, flow, run->depth + 1, inputs, on_called_flow_done, called));
}

static const char *
context_get_access_token (FlowsStageContext  *context,
                          GError            **error)
{
  Shared *shared = run_of (context)->shared;
  const char *token = lookup (shared->secrets, FLOWS_SECRETS_ACCESS_TOKEN_KEY);
  const char *failure;

  if (token != NULL)
    return token;

  failure = lookup (shared->secret_errors, FLOWS_SECRETS_ACCESS_TOKEN_KEY);
  if (failure != NULL)
    g_set_error (error, FLOWS_SECRETS_ERROR, FLOWS_SECRETS_ERROR_FAILED,
                 _("The access token could not be read from the keyring: %s"), failure);
  else if (shared->connection == NULL)
    g_set_error (error, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_NOT_SIGNED_IN,
                 _("This stage uses the connection’s OAuth token, but the run has no connection"));
  else
    g_set_error (error, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_NOT_SIGNED_IN,
                 _("Connection “%s” is not signed in: it has no access token"),
                 flows_connection_get_name (shared->connection));
  return NULL;
}

/* Requests --------------------------------------------------------------------------------- */

/* One request of a stage, sent again once after a 401 (or a status of the App's
 * refreshOnStatus) when it uses the connection's token. */
typedef struct
{
  Run                    *run;
  FlowsStageBuildRequest  build;
  FlowsStageResponseFunc  done;
  gpointer                user_data;
  JsonObject             *resolved;     /* the settings of the request last built */
  char                   *method;       /* of the request sent, for the refusal's message */
  char                   *url;
  guint                   refused_status; /* the status that asked for a refresh (401) */
  guint                   uses_token : 1;
  guint                   after_refresh : 1;  /* a refusal refreshes and retries once, not again */
} Request;

static void send_request (Request *request);

static void
request_free (Request *request)
{
  g_clear_pointer (&request->resolved, json_object_unref);
  g_free (request->method);
  g_free (request->url);
  g_free (request);
}

/* Hands the outcome to the stage: takes @error. */
static void
request_done (Request    *request,
              JsonObject *outputs,
              GError     *error)
{
  FlowsStageContext *context = &request->run->context;
  FlowsStageResponseFunc done = request->done;
  gpointer user_data = request->user_data;
  JsonObject *resolved = g_steal_pointer (&request->resolved);

  request_free (request);
  done (context, outputs, resolved, error, user_data);
}

static void
on_refreshed (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Request *request = user_data;
  Shared *shared = request->run->shared;
  g_autoptr(GError) error = NULL;
  char *token = flows_token_source_refresh_finish (FLOWS_TOKEN_SOURCE (source), result, &error);

  if (token == NULL)
    {
      if (request->after_refresh)
        {
          g_autofree char *unauthorized = g_strdup_printf (_("HTTP %u from %s %s"), request->refused_status,
                                                           request->method, request->url);

          g_prefix_error (&error, _("%s; the token was refreshed for a retry, but that failed: "), unauthorized);
        }
      else
        g_prefix_error (&error, _("The access token had expired, and refreshing it failed: "));
      request_done (request, NULL, g_steal_pointer (&error));
      return;
    }

  _flows_run_add_secret (shared->result, token);
  g_hash_table_replace (shared->secrets, g_strdup (FLOWS_SECRETS_ACCESS_TOKEN_KEY), token);
  request->after_refresh = TRUE;
  send_request (request);
}

/* Refreshes the run's connection, then builds and sends the request again: before it is sent,
 * or after it was refused (@request->after_refresh set). */
static void
refresh_token (Request *request)
{
  Shared *shared = request->run->shared;

  if (shared->runner->token_source == NULL)
    {
      g_autofree char *unauthorized = request->after_refresh
                                        ? g_strdup_printf (_("HTTP %u from %s %s"), request->refused_status,
                                                           request->method, request->url)
                                        : g_strdup (_("The access token has expired"));

      request_done (request, NULL,
                    g_error_new (FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_NO_TOKEN_SOURCE,
                                 _("%s: the access token must be refreshed, and this program cannot refresh tokens"),
                                 unauthorized));
      return;
    }
  flows_token_source_refresh_async (shared->runner->token_source, shared->app, shared->connection,
                                    shared->cancellable, on_refreshed, request);
}

static void
on_http_call_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Request *request = user_data;
  g_autoptr(GError) error = NULL;
  GError *response_error = NULL;
  guint status = 0;
  g_autoptr(JsonObject) outputs = flows_http_call_finish (result, &status, &response_error, &error);

  if (outputs == NULL)
    {
      request_done (request, NULL, g_steal_pointer (&error));
      return;
    }
  _flows_run_set_http_status (request->run->shared->result, status);

  /* A token can be revoked or expire early: one refresh, then one retry, after a 401 or
   * another status the App names (docs/ARCHITECTURE.md, "OAuth sequence"). */
  if (request->uses_token && !request->after_refresh &&
      flows_app_refreshes_on_status (request->run->shared->app, status))
    {
      request->refused_status = status;
      g_clear_error (&response_error);
      g_clear_pointer (&request->resolved, json_object_unref);
      request->after_refresh = TRUE;
      refresh_token (request);
      return;
    }

  request_done (request, outputs, response_error);
}

static void
send_request (Request *request)
{
  Run *run = request->run;
  FlowsRunner *runner = run->shared->runner;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlowsStageRequest) built = NULL;
  g_autoptr(SoupMessage) message = NULL;
  SoupMessageHeaders *headers;
  FlowsHttpRequest http = { 0 };

  g_clear_pointer (&request->resolved, json_object_unref);
  built = request->build (&run->context, request->user_data, &request->resolved, &error);
  if (built == NULL)
    {
      request_done (request, NULL, g_steal_pointer (&error));
      return;
    }

  message = soup_message_new_from_uri (built->method, built->uri);
  headers = soup_message_get_request_headers (message);
  for (guint i = 0; i < built->headers->len; i++)
    {
      FlowsStageHeader *header = g_ptr_array_index (built->headers, i);

      soup_message_headers_append (headers, header->name, header->value);
    }
  if (built->body != NULL)
    soup_message_set_request_body_from_bytes (message, built->content_type, built->body);

  g_free (request->method);
  g_free (request->url);
  request->method = g_strdup (built->method);
  request->url = g_strdup (built->url);
  http.method = built->method;
  http.url = built->url;
  http.timeout_seconds = built->timeout_seconds;
  http.max_response_size = runner->max_response_size;
  http.min_status = built->min_status;
  http.max_status = built->max_status;
  flows_http_call_async (runner->session, message, &http, run->shared->cancellable, on_http_call_done, request);
}

static void
context_send_request (FlowsStageContext      *context,
                      gboolean                uses_token,
                      FlowsStageBuildRequest  build,
                      FlowsStageResponseFunc  done,
                      gpointer                user_data)
{
  Run *run = run_of (context);
  Shared *shared = run->shared;
  Request *request = g_new0 (Request, 1);

  request->run = run;
  request->build = build;
  request->done = done;
  request->user_data = user_data;
  request->uses_token = uses_token;

  /* A token about to expire is refreshed first, rather than sent to fail. */
  if (uses_token && shared->connection != NULL && shared->runner->token_source != NULL &&
      flows_token_source_needs_refresh (shared->runner->token_source, shared->connection))
    {
      refresh_token (request);
      return;
    }

  send_request (request);
}

static void
context_add_secret (FlowsStageContext *context,
                    const char        *secret)
{
  _flows_run_add_secret (run_of (context)->shared->result, secret);
}

static const FlowsStageContextFuncs context_funcs = {
  .resolve = context_resolve,
  .get_inputs = context_get_inputs,
  .get_response = context_get_response,
  .get_app = context_get_app,
  .get_cancellable = context_get_cancellable,
  .finish = context_finish,
  .at_flow_end = context_at_flow_end,
  .start_loop = context_start_loop,
  .may_run_flow = context_may_run_flow,
  .run_flow = context_run_flow,
  .get_access_token = context_get_access_token,
  .send_request = context_send_request,
  .add_secret = context_add_secret,
};

/* Running ---------------------------------------------------------------------------------- */

static void
run_free (Run *run)
{
  for (guint i = 0; i < run->loops->len; i++)
    json_array_unref (g_array_index (run->loops, Loop, i).items);
  g_array_unref (run->loops);
  g_hash_table_unref (run->inputs);
  g_hash_table_unref (run->outputs);
  json_object_unref (run->response);
  g_ptr_array_unref (run->flow_ends);
  g_object_unref (run->flow);
  g_clear_error (&run->stop_error);
  g_free (run);
}

/* Ends the run: does the work its stages left for the end (the dynamic response fields), then
 * reports to whoever started it. */
static void
finish (Run *run)
{
  for (guint i = 0; run->stop_error == NULL && i < run->flow_ends->len; i++)
    {
      FlowEnd *end = g_ptr_array_index (run->flow_ends, i);

      if (!end->func (&run->context, end->user_data, &run->stop_error))
        run->failed_stage = end->stage;
    }

  run->done (run, run->done_data);
  run_free (run);
}

static void
advance (Run *run)
{
  Shared *shared = run->shared;

  run->in_advance = TRUE;
  while (run->current != NULL && run->stop_error == NULL)
    {
      FlowsStage *stage = run->current;

      if (g_cancellable_set_error_if_cancelled (shared->cancellable, &run->stop_error))
        break;
      if (++shared->steps > MAX_STEPS)
        {
          run->failed_stage = stage;
          run->stop_error = g_error_new (FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_TOO_MANY_STEPS,
                                         _("The run stopped after %d stages: does a route lead back to an earlier stage?"),
                                         MAX_STEPS);
          break;
        }

      begin_entry (run, stage);
      run->waiting = TRUE;
      flows_stage_kind_execute (flows_stage_registry_for_stage (stage), stage, &run->context);
      if (run->waiting)
        {
          /* The stage finishes from a callback, which calls advance() again. */
          run->in_advance = FALSE;
          return;
        }
    }
  run->in_advance = FALSE;

  finish (run);
}

static Run *
run_new (Shared     *shared,
         FlowsFlow  *flow,
         guint       depth,
         GHashTable *inputs,
         RunDone     done,
         gpointer    done_data)
{
  Run *run = g_new0 (Run, 1);

  run->context.funcs = &context_funcs;
  run->shared = shared;
  run->flow = g_object_ref (flow);
  run->depth = depth;
  run->inputs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (inputs != NULL)
    {
      GHashTableIter iter;
      gpointer name, value;

      g_hash_table_iter_init (&iter, inputs);
      while (g_hash_table_iter_next (&iter, &name, &value))
        g_hash_table_insert (run->inputs, g_strdup (name), g_strdup (value));
    }
  run->outputs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)json_node_unref);
  run->response = json_object_new ();
  run->flow_ends = g_ptr_array_new_with_free_func ((GDestroyNotify)flow_end_free);
  run->loops = g_array_new (FALSE, FALSE, sizeof (Loop));
  run->done = done;
  run->done_data = done_data;
  return run;
}

/* Checks the flow, then runs it from its Trigger. A flow with problems does not run at all:
 * the first problem is the failure, on its stage. */
static void
start (Run *run)
{
  g_autoptr(GPtrArray) problems = flows_validate_flow (run->shared->app, run->flow);

  if (problems->len > 0)
    {
      FlowsProblem *problem = g_ptr_array_index (problems, 0);
      g_autofree char *text = flows_problem_to_string (problem);

      run->failed_stage = problem->stage_id != NULL ? flows_flow_find_stage (run->flow, problem->stage_id) : NULL;
      run->stop_error = g_error_new (FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_REFUSED,
                                     g_dngettext (GETTEXT_PACKAGE,
                                                  "The flow was not run: it has %u problem. %s",
                                                  "The flow was not run: it has %u problems. The first: %s",
                                                  problems->len),
                                     problems->len, text);
    }

  run->current = flows_flow_get_trigger (run->flow);
  advance (run);
}

/* The top-level run ------------------------------------------------------------------------ */

static void
shared_free (Shared *shared)
{
  g_clear_object (&shared->runner);
  g_clear_object (&shared->app);
  g_clear_object (&shared->connection);
  g_clear_pointer (&shared->builtins, g_hash_table_unref);
  g_clear_pointer (&shared->secrets, g_hash_table_unref);
  g_clear_pointer (&shared->secret_errors, g_hash_table_unref);
  g_clear_object (&shared->cancellable);
  g_clear_object (&shared->result);
  g_free (shared);
}

/* The response field @name, when there is one, is a secret of the run. */
static void
add_response_secret (Shared     *shared,
                     JsonObject *response,
                     const char *name)
{
  g_autofree char *text = flows_json_to_text (json_object_get_member (response, name));

  _flows_run_add_secret (shared->result, text);
}

static void
on_top_run_done (Run      *run,
                 gpointer  user_data)
{
  Shared *shared = run->shared;
  g_autoptr(GTask) task = g_steal_pointer (&shared->task);

  if (g_error_matches (run->stop_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, g_error_copy (run->stop_error));
  else
    {
      /* Token fields of a response never show in traces or exports, nor do the fields that
       * fill in a sensitive parameter at sign-in. */
      static const char * const token_fields[] = { "access_token", "refresh_token", "id_token", NULL };
      GListModel *params = flows_app_get_params (shared->app);

      for (guint i = 0; token_fields[i] != NULL; i++)
        add_response_secret (shared, run->response, token_fields[i]);
      for (guint i = 0; i < g_list_model_get_n_items (params); i++)
        {
          g_autoptr(FlowsParam) param = g_list_model_get_item (params, i);

          if (flows_param_get_from_sign_in (param) && flows_param_get_sensitive (param))
            add_response_secret (shared, run->response, flows_param_get_key (param));
        }

      _flows_run_finish (shared->result,
                         run->response,
                         run->stop_error,
                         run->failed_stage != NULL ? flows_stage_get_id (run->failed_stage) : NULL,
                         run->failed_stage != NULL ? flows_stage_get_name (run->failed_stage) : NULL);
      g_task_return_pointer (task, g_object_ref (shared->result), g_object_unref);
    }

  shared_free (shared);
}

static void
wipe_secret (gpointer data)
{
  flows_secrets_free (data);
}

typedef struct
{
  Run  *run;
  char *key;
} Lookup;

static void
on_secret_looked_up (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Lookup *lookup = user_data;
  Run *run = lookup->run;
  Shared *shared = run->shared;
  g_autoptr(GError) error = NULL;
  char *secret = flows_secrets_lookup_finish (result, &error);

  if (secret != NULL)
    {
      _flows_run_add_secret (shared->result, secret);
      g_hash_table_insert (shared->secrets, g_steal_pointer (&lookup->key), secret);
    }
  else if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    /* Only a failure if the flow needs this value: recorded for the stage that asks. */
    g_hash_table_insert (shared->secret_errors, g_steal_pointer (&lookup->key), g_strdup (error->message));

  g_free (lookup->key);
  g_free (lookup);

  if (--shared->pending_lookups == 0)
    start (run);
}

/* Reads the connection's sensitive values and tokens from the keyring, then starts. */
static void
look_up_secrets (Run *run)
{
  Shared *shared = run->shared;
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  GListModel *params = flows_app_get_params (shared->app);

  if (shared->connection != NULL)
    {
      for (guint i = 0; i < g_list_model_get_n_items (params); i++)
        {
          g_autoptr(FlowsParam) param = g_list_model_get_item (params, i);

          if (flows_param_get_sensitive (param))
            g_ptr_array_add (keys, (gpointer)flows_param_get_key (param));
        }
      if (flows_app_get_connection_type (shared->app) == FLOWS_CONNECTION_TYPE_OAUTH)
        {
          g_ptr_array_add (keys, (gpointer)FLOWS_SECRETS_ACCESS_TOKEN_KEY);
          g_ptr_array_add (keys, (gpointer)FLOWS_SECRETS_REFRESH_TOKEN_KEY);
        }
    }

  if (keys->len == 0)
    {
      start (run);
      return;
    }

  shared->pending_lookups = keys->len;
  for (guint i = 0; i < keys->len; i++)
    {
      Lookup *lookup = g_new0 (Lookup, 1);

      lookup->run = run;
      lookup->key = g_strdup (g_ptr_array_index (keys, i));
      flows_secrets_lookup_async (flows_app_get_id (shared->app),
                                  flows_connection_get_id (shared->connection),
                                  lookup->key, shared->cancellable,
                                  on_secret_looked_up, lookup);
    }
}

void
flows_runner_run_async (FlowsRunner         *self,
                        FlowsApp            *app,
                        FlowsFlow           *flow,
                        GHashTable          *inputs,
                        FlowsConnection     *connection,
                        GHashTable          *builtins,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  Shared *shared;
  Run *run;

  g_return_if_fail (FLOWS_IS_RUNNER (self));
  g_return_if_fail (FLOWS_IS_APP (app));
  g_return_if_fail (FLOWS_IS_FLOW (flow));
  g_return_if_fail (connection == NULL || FLOWS_IS_CONNECTION (connection));

  shared = g_new0 (Shared, 1);
  shared->runner = g_object_ref (self);
  shared->app = g_object_ref (app);
  shared->connection = connection != NULL ? g_object_ref (connection) : NULL;
  if (builtins != NULL)
    {
      GHashTableIter iter;
      gpointer name, value;

      shared->builtins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, wipe_secret);
      g_hash_table_iter_init (&iter, builtins);
      while (g_hash_table_iter_next (&iter, &name, &value))
        g_hash_table_insert (shared->builtins, g_strdup (name), g_strdup (value));
    }
  /* Secrets come from the connection's keyring entries and from refreshing its token. */
  if (connection != NULL)
    {
      shared->secrets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, wipe_secret);
      shared->secret_errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    }
  shared->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  shared->result = _flows_run_new (flows_flow_get_name (flow), g_get_real_time ());
  shared->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (shared->task, flows_runner_run_async);
  /* The task's result, not the cancellable, says whether the run was cancelled. */
  g_task_set_check_cancellable (shared->task, FALSE);

  /* The PKCE verifier is a secret of the sign-in: never shown. */
  _flows_run_add_secret (shared->result, lookup (shared->builtins, FLOWS_BUILTIN_CODE_VERIFIER));

  run = run_new (shared, flow, 0, inputs, on_top_run_done, NULL);
  look_up_secrets (run);
}

FlowsRun *
flows_runner_run_finish (FlowsRunner   *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (FLOWS_IS_RUNNER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
