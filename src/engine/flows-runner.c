/* flows-runner.c — runs flows
 *
 * A run walks the flow from its Trigger: each stage resolves its settings (references expanded
 * for the place each value goes), does its work, records a trace entry and names the route it
 * takes. Stages that wait (Call API, Sleep, Call Flow) finish from a callback; the others finish
 * at once, and advance() runs them in a loop rather than by recursion, so a long flow or a large
 * For Each cannot exhaust the stack.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "flows-expression.h"
#include "flows-http-call.h"
#include "flows-json-util.h"
#include "flows-run-private.h"
#include "flows-runner.h"
#include "flows-secrets.h"
#include "flows-token-source.h"
#include "flows-stage-catalog.h"
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

typedef struct
{
  FlowsStage *stage;
  JsonObject *field;
  char       *setting; /* "fields[N].value", for the error message */
} DynamicField;

typedef struct _Run Run;
typedef void (*RunDone) (Run *run, gpointer user_data);

/* One flow being run: the started one, or one called by a Call Flow stage. */
struct _Run
{
  Shared          *shared;
  FlowsFlow       *flow;
  guint            depth;
  GHashTable      *inputs;         /* trigger input name -> value */
  GHashTable      *outputs;        /* stage key -> JsonNode */
  JsonObject      *response;
  GPtrArray       *dynamic_fields; /* DynamicField */
  GArray          *loops;          /* Loop, innermost last */
  FlowsStage      *current;
  FlowsTraceEntry *entry;          /* the current stage's, owned by the result */
  GError          *stop_error;     /* why the run stops early */
  FlowsStage      *failed_stage;
  RunDone          done;
  gpointer         done_data;
  guint            in_advance : 1;
  guint            waiting : 1;
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

/* Settings ---------------------------------------------------------------------------------- */

static const char *
get_string (JsonObject *object,
            const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return "";
  return json_node_get_string (node);
}

static gboolean
get_boolean (JsonObject *object,
             const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

static double
get_number (JsonObject *object,
            const char *member,
            double      fallback)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
    case G_TYPE_DOUBLE:
      return json_node_get_double (node);
    case G_TYPE_STRING:
      {
        char *end = NULL;
        double value = g_ascii_strtod (json_node_get_string (node), &end);
        return end != json_node_get_string (node) && *end == '\0' ? value : fallback;
      }
    default:
      return fallback;
    }
}

/* The objects of the list @member; elements that are not objects are skipped. */
static GPtrArray *
get_entries (JsonObject *object,
             const char *member)
{
  GPtrArray *entries = g_ptr_array_new ();
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_OBJECT (element))
            g_ptr_array_add (entries, json_node_get_object (element));
        }
    }
  return entries;
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
    {
      const char *value = NULL;

      JsonNode *node;

      if (flows_param_get_sensitive (param))
        {
          if ((node = secret_node (run, name, error)) != NULL || (error != NULL && *error != NULL))
            return node;
        }
      else
        {
          if (shared->connection != NULL)
            value = flows_connection_get_value (shared->connection, name);
          if (value == NULL && *flows_param_get_default (param) != '\0')
            value = flows_param_get_default (param);
          if (value != NULL)
            return string_node (value);
        }

      /* An optional parameter left empty is "", as a flow expects of a form field; a required
       * one without a value is an error worth reporting. */
      return flows_param_get_required (param) ? NULL : string_node ("");
    }

  return NULL;
}

static char *
resolve_text (const char  *reference,
              gpointer     user_data,
              GError     **error)
{
  g_autoptr(JsonNode) node = resolve_node (user_data, reference, error);

  return flows_json_to_text (node);
}

/* Like resolve_text(), but a reference that resolves to nothing gives "": for conditions
 * that ask whether something is empty. */
static char *
resolve_text_or_empty (const char  *reference,
                       gpointer     user_data,
                       GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  char *text = resolve_text (reference, user_data, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return text != NULL ? text : g_strdup ("");
}

/* Expands the template @text of setting @setting for @context; errors name the setting. */
static char *
expand_with (Run              *run,
             const char       *setting,
             const char       *text,
             FlowsExpansion    context,
             FlowsResolveFunc  resolve,
             GError          **error)
{
  g_autoptr(FlowsExpression) expression = NULL;
  char *value;

  /* Without a "<" a template is all literal text ("\<" needs one too) and expands to itself in
   * every context: parsing it would only copy it. Most settings are such constants. */
  if (strchr (text, '<') == NULL)
    return g_strdup (text);

  expression = flows_expression_parse (text, error);
  if (expression == NULL)
    {
      g_prefix_error (error, _("%s: "), setting);
      return NULL;
    }

  value = flows_expression_expand (expression, context, resolve, run, error);
  if (value == NULL)
    g_prefix_error (error, _("%s: "), setting);
  return value;
}

static char *
expand (Run            *run,
        const char     *setting,
        const char     *text,
        FlowsExpansion  context,
        GError        **error)
{
  return expand_with (run, setting, text, context, resolve_text, error);
}

/* When @text is exactly one reference, its value as JSON (keeping numbers, objects and lists
 * as they are); otherwise NULL and the caller expands it as text. */
static gboolean
is_single_reference (const char *text)
{
  gsize length = strlen (text);

  return length > 2 && text[0] == '<' && text[length - 1] == '>' &&
         strchr (text + 1, '<') == NULL && strchr (text + 1, '>') == text + length - 1;
}

/* The value of a setting for the response or a loop: JSON when it is one reference. */
static JsonNode *
evaluate (Run         *run,
          const char  *setting,
          const char  *text,
          GError     **error)
{
  if (is_single_reference (text))
    {
      g_autofree char *reference = g_strndup (text + 1, strlen (text) - 2);
      g_autoptr(GError) local_error = NULL;
      JsonNode *node = resolve_node (run, reference, &local_error);

      if (node == NULL)
        {
          if (local_error == NULL)
            local_error = g_error_new (FLOWS_EXPRESSION_ERROR, FLOWS_EXPRESSION_ERROR_UNRESOLVED,
                                       _("%s resolves to nothing"), text);
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error), _("%s: "), setting);
        }
      return node;
    }
  else
    {
      char *value = expand (run, setting, text, FLOWS_EXPANSION_TEXT, error);
      return value != NULL ? json_node_init_string (json_node_alloc (), value) : NULL;
    }
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
 * reads them, the response takes copies of them (add_response_field()) and redaction copies
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

static void
stage_failed (Run        *run,
              JsonObject *resolved,
              GError     *error)
{
  stage_finished (run, NULL, NULL, resolved, error);
}

/* Trigger, Set Fields, Build URL ---------------------------------------------------------- */

static void
run_trigger (Run        *run,
             FlowsStage *stage)
{
  g_autoptr(GPtrArray) inputs = get_entries (flows_stage_get_settings (stage), "inputs");
  g_autoptr(JsonObject) outputs = json_object_new ();
  GHashTableIter iter;
  gpointer name, value;

  for (guint i = 0; i < inputs->len; i++)
    {
      JsonObject *input = g_ptr_array_index (inputs, i);
      const char *name_text = get_string (input, "name");
      const char *given = g_hash_table_lookup (run->inputs, name_text);
      g_autofree char *fallback = NULL;

      if ((given == NULL || *given == '\0') && *get_string (input, "default") != '\0')
        {
          g_autoptr(GError) error = NULL;
          g_autofree char *setting = g_strdup_printf ("inputs[%u].default", i);

          if (!(fallback = expand (run, setting, get_string (input, "default"), FLOWS_EXPANSION_TEXT, &error)))
            {
              stage_failed (run, NULL, g_steal_pointer (&error));
              return;
            }
          g_hash_table_insert (run->inputs, g_strdup (name_text), g_strdup (fallback));
          given = fallback;
        }

      if ((given == NULL || *given == '\0') && get_boolean (input, "required"))
        {
          stage_failed (run, NULL,
                        g_error_new (FLOWS_EXPRESSION_ERROR, FLOWS_EXPRESSION_ERROR_UNRESOLVED,
                                     _("The required input “%s” has no value"), name_text));
          return;
        }

      /* A declared input that is optional and not given is empty, not missing: <name> gives
       * "", so that omitWhenEmpty, whenEmpty and IsEmpty work on it. */
      if (given == NULL && *name_text != '\0')
        g_hash_table_insert (run->inputs, g_strdup (name_text), g_strdup (""));
    }

  /* Every input given is kept, declared or not: a provider's callback may carry more fields
   * than the Trigger lists. */
  g_hash_table_iter_init (&iter, run->inputs);
  while (g_hash_table_iter_next (&iter, &name, &value))
    json_object_set_string_member (outputs, name, value);

  stage_finished (run, "success", json_node_init_object (json_node_alloc (), outputs),
                  json_object_ref (outputs), NULL);
}

static void
run_set_fields (Run        *run,
                FlowsStage *stage)
{
  g_autoptr(GPtrArray) fields = get_entries (flows_stage_get_settings (stage), "fields");
  g_autoptr(JsonObject) outputs = json_object_new ();

  for (guint i = 0; i < fields->len; i++)
    {
      JsonObject *field = g_ptr_array_index (fields, i);
      g_autofree char *setting = g_strdup_printf ("fields[%u].value", i);
      g_autoptr(GError) error = NULL;
      g_autofree char *value = expand (run, setting, get_string (field, "value"), FLOWS_EXPANSION_TEXT, &error);

      if (value != NULL && *value == '\0' && *get_string (field, "whenEmpty") != '\0')
        {
          g_free (setting);
          g_free (value);
          setting = g_strdup_printf ("fields[%u].whenEmpty", i);
          value = expand (run, setting, get_string (field, "whenEmpty"), FLOWS_EXPANSION_TEXT, &error);
        }
      if (value == NULL)
        {
          stage_failed (run, json_object_ref (outputs), g_steal_pointer (&error));
          return;
        }
      json_object_set_string_member (outputs, get_string (field, "name"), value);
    }

  stage_finished (run, "success", json_node_init_object (json_node_alloc (), outputs),
                  json_object_ref (outputs), NULL);
}

/* Appends percent-encoded query parameters to @url (a GString), before any fragment. Returns
 * FALSE with @error set when a name or value cannot be resolved. */
static gboolean
append_query (Run        *run,
              GString    *url,
              JsonObject *settings,
              GError    **error)
{
  g_autoptr(GPtrArray) query = get_entries (settings, "query");
  g_autofree char *fragment = NULL;
  const char *hash = strchr (url->str, '#');
  gboolean has_query;

  if (hash != NULL)
    {
      fragment = g_strdup (hash);
      g_string_truncate (url, hash - url->str);
    }
  has_query = strchr (url->str, '?') != NULL;

  for (guint i = 0; i < query->len; i++)
    {
      JsonObject *parameter = g_ptr_array_index (query, i);
      g_autofree char *name_setting = g_strdup_printf ("query[%u].name", i);
      g_autofree char *value_setting = g_strdup_printf ("query[%u].value", i);
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;
      g_autofree char *encoded_name = NULL;
      g_autofree char *encoded_value = NULL;

      if (!(name = expand (run, name_setting, get_string (parameter, "name"), FLOWS_EXPANSION_TEXT, error)) ||
          !(value = expand (run, value_setting, get_string (parameter, "value"), FLOWS_EXPANSION_TEXT, error)))
        return FALSE;
      if (*value == '\0' && get_boolean (parameter, "omitWhenEmpty"))
        continue;

      encoded_name = flows_encode_url_component (name);
      encoded_value = flows_encode_url_component (value);
      g_string_append_c (url, has_query ? '&' : '?');
      g_string_append_printf (url, "%s=%s", encoded_name, encoded_value);
      has_query = TRUE;
    }

  if (fragment != NULL)
    g_string_append (url, fragment);
  return TRUE;
}

static void
run_build_url (Run        *run,
               FlowsStage *stage)
{
  JsonObject *settings = flows_stage_get_settings (stage);
  g_autoptr(JsonObject) outputs = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *base = expand (run, "base", get_string (settings, "base"), FLOWS_EXPANSION_TEXT, &error);
  const char *result_field = get_string (settings, "resultField");
  g_autoptr(GString) url = NULL;

  if (base == NULL)
    {
      stage_failed (run, NULL, g_steal_pointer (&error));
      return;
    }

  url = g_string_new (base);
  if (!append_query (run, url, settings, &error))
    {
      stage_failed (run, NULL, g_steal_pointer (&error));
      return;
    }

  json_object_set_string_member (outputs, *result_field != '\0' ? result_field : "url", url->str);
  stage_finished (run, "success", json_node_init_object (json_node_alloc (), outputs),
                  json_object_ref (outputs), NULL);
}

/* Call API --------------------------------------------------------------------------------- */

typedef struct
{
  Run          *run;
  FlowsStage   *stage;
  SoupMessage  *message;
  JsonObject   *resolved;
  char         *method;
  char         *url;
  guint         uses_token : 1;
  guint         after_refresh : 1;  /* a 401 refreshes and retries once, not again */
} CallApi;

static void send_call_api (Run        *run,
                           FlowsStage *stage,
                           gboolean    after_refresh);
static void refresh_for_run (Run        *run,
                             CallApi    *call,
                             FlowsStage *stage);

static void
call_api_free (CallApi *call)
{
  g_clear_object (&call->message);
  g_clear_pointer (&call->resolved, json_object_unref);
  g_free (call->method);
  g_free (call->url);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CallApi, call_api_free)

static void
call_api_finish (CallApi    *call,
                 const char *route,
                 JsonNode   *outputs,
                 GError     *error)
{
  Run *run = call->run;
  JsonObject *resolved = g_steal_pointer (&call->resolved);

  call_api_free (call);
  stage_finished (run, route, outputs, resolved, error);
}

static gboolean
is_token_char (char c)
{
  return g_ascii_isalnum (c) || strchr ("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Adds the request headers; a name that is not an HTTP token or a value with a line break is
 * refused, so a value can never add headers of its own. */
static gboolean
add_headers (Run         *run,
             CallApi     *call,
             JsonObject  *settings,
             JsonObject  *resolved_headers,
             GError     **error)
{
  g_autoptr(GPtrArray) headers = get_entries (settings, "headers");
  SoupMessageHeaders *request_headers = soup_message_get_request_headers (call->message);

  for (guint i = 0; i < headers->len; i++)
    {
      JsonObject *header = g_ptr_array_index (headers, i);
      g_autofree char *name_setting = g_strdup_printf ("headers[%u].name", i);
      g_autofree char *value_setting = g_strdup_printf ("headers[%u].value", i);
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (!(name = expand (run, name_setting, get_string (header, "name"), FLOWS_EXPANSION_TEXT, error)) ||
          !(value = expand (run, value_setting, get_string (header, "value"), FLOWS_EXPANSION_TEXT, error)))
        return FALSE;

      if (*name == '\0')
        continue;
      for (const char *p = name; *p != '\0'; p++)
        if (!is_token_char (*p))
          {
            g_set_error (error, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_INVALID_VALUE,
                         _("%s: “%s” is not a valid header name"), name_setting, name);
            return FALSE;
          }
      if (strpbrk (value, "\r\n") != NULL)
        {
          g_set_error (error, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_INVALID_VALUE,
                       _("%s: the value of header “%s” contains a line break"), value_setting, name);
          return FALSE;
        }

      soup_message_headers_append (request_headers, name, value);
      json_object_set_string_member (resolved_headers, name, value);
    }

  return TRUE;
}

/* The request body, as bytes and a content type; NULL bytes for none. */
static gboolean
build_body (Run         *run,
            JsonObject  *settings,
            GBytes     **bytes,
            char       **content_type,
            GError     **error)
{
  JsonNode *body_node = json_object_get_member (settings, "body");
  JsonObject *body = body_node != NULL && JSON_NODE_HOLDS_OBJECT (body_node) ? json_node_get_object (body_node) : NULL;
  const char *kind = get_string (body, "kind");
  g_autoptr(GPtrArray) fields = get_entries (body, "fields");

  *bytes = NULL;
  *content_type = NULL;

  if (*kind == '\0' || g_str_equal (kind, "none"))
    return TRUE;

  if (g_str_equal (kind, "form"))
    {
      g_autoptr(GString) text = g_string_new (NULL);

      for (guint i = 0; i < fields->len; i++)
        {
          JsonObject *field = g_ptr_array_index (fields, i);
          g_autofree char *setting = g_strdup_printf ("body.fields[%u].value", i);
          g_autofree char *value = expand (run, setting, get_string (field, "value"), FLOWS_EXPANSION_TEXT, error);
          g_autofree char *encoded_name = flows_encode_form (get_string (field, "name"));
          g_autofree char *encoded_value = NULL;

          if (value == NULL)
            return FALSE;
          encoded_value = flows_encode_form (value);
          g_string_append_printf (text, "%s%s=%s", i > 0 ? "&" : "", encoded_name, encoded_value);
        }
      *content_type = g_strdup ("application/x-www-form-urlencoded");
      *bytes = g_string_free_to_bytes (g_steal_pointer (&text));
      return TRUE;
    }

  if (g_str_equal (kind, "json"))
    {
      g_autoptr(JsonObject) object = json_object_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      for (guint i = 0; i < fields->len; i++)
        {
          JsonObject *field = g_ptr_array_index (fields, i);
          const char *type = get_string (field, "type");
          g_autofree char *setting = g_strdup_printf ("body.fields[%u].value", i);
          /* A "json" field is a JSON text with references inside its strings, so values are
           * escaped for a JSON string; the others are plain text. */
          g_autofree char *value = expand (run, setting, get_string (field, "value"),
                                           g_str_equal (type, "json") ? FLOWS_EXPANSION_JSON : FLOWS_EXPANSION_TEXT,
                                           error);
          JsonNode *node;

          if (value == NULL)
            return FALSE;

          if (g_str_equal (type, "number"))
            {
              char *end = NULL;
              double number = g_ascii_strtod (value, &end);

              /* JSON has no NaN or infinity ("nan", "inf" and "1e999" read as those). */
              if (*value == '\0' || *end != '\0' || !isfinite (number))
                {
                  g_set_error (error, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_INVALID_VALUE,
                               _("%s: “%s” is not a number"), setting, value);
                  return FALSE;
                }
              node = json_node_alloc ();
              /* In range before the cast, which is undefined beyond gint64. */
              if (number > -9.0e18 && number < 9.0e18 && number == (gint64)number &&
                  strpbrk (value, ".eE") == NULL)
                json_node_init_int (node, (gint64)number);
              else
                json_node_init_double (node, number);
            }
          else if (g_str_equal (type, "boolean"))
            {
              if (!g_str_equal (value, "true") && !g_str_equal (value, "false"))
                {
                  g_set_error (error, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_INVALID_VALUE,
                               _("%s: “%s” is not true or false"), setting, value);
                  return FALSE;
                }
              node = json_node_init_boolean (json_node_alloc (), g_str_equal (value, "true"));
            }
          else if (g_str_equal (type, "json"))
            {
              g_autoptr(GError) parse_error = NULL;
              const char *surrogate;

              if (flows_json_find_too_deep (value, strlen (value)) != NULL)
                {
                  g_set_error (error, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_INVALID_VALUE,
                               _("%s: lists and objects are nested more than %d deep"),
                               setting, FLOWS_JSON_MAX_DEPTH);
                  return FALSE;
                }
              if ((surrogate = flows_json_find_lone_surrogate (value, strlen (value))) != NULL)
                {
                  g_set_error (error, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_INVALID_VALUE,
                               _("%s: “%.6s” is half of a UTF-16 surrogate pair, not a character"),
                               setting, surrogate);
                  return FALSE;
                }
              if (!(node = json_from_string (value, &parse_error)))
                {
                  g_set_error (error, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_INVALID_VALUE,
                               _("%s: not valid JSON: %s"), setting,
                               parse_error != NULL ? parse_error->message : _("empty"));
                  return FALSE;
                }
            }
          else
            node = json_node_init_string (json_node_alloc (), value);

          json_object_set_member (object, get_string (field, "name"), node);
        }

      root = json_node_init_object (json_node_alloc (), object);
      text = flows_json_to_compact (root);
      *content_type = g_strdup ("application/json");
      *bytes = g_bytes_new_take (g_steal_pointer (&text), strlen (text));
      return TRUE;
    }

  if (g_str_equal (kind, "raw"))
    {
      g_autofree char *type = expand (run, "body.contentType", get_string (body, "contentType"),
                                      FLOWS_EXPANSION_TEXT, error);
      g_autofree char *media = NULL;
      FlowsExpansion context = FLOWS_EXPANSION_TEXT;
      char *text;

      if (type == NULL)
        return FALSE;
      if (*type == '\0')
        {
          g_free (type);
          type = g_strdup ("text/plain; charset=utf-8");
        }

      /* References inside a raw JSON or form body are encoded for it. */
      media = g_ascii_strdown (type, strcspn (type, ";"));
      g_strstrip (media);
      if (g_str_equal (media, "application/json") || g_str_has_suffix (media, "+json"))
        context = FLOWS_EXPANSION_JSON;
      else if (g_str_equal (media, "application/x-www-form-urlencoded"))
        context = FLOWS_EXPANSION_FORM;

      if (!(text = expand (run, "body.text", get_string (body, "text"), context, error)))
        return FALSE;
      *content_type = g_steal_pointer (&type);
      *bytes = g_bytes_new_take (text, strlen (text));
      return TRUE;
    }

  g_set_error (error, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_INVALID_SETTING,
               _("body.kind: “%s” is not a body kind; use none, json, form or raw"), kind);
  return FALSE;
}

/* Joins the URI base and path with exactly one slash between them. A query or fragment of the
 * base stays after the joined path: "https://host/api?key=1" + "items" is
 * "https://host/api/items?key=1", not a path appended to the query. A GString, which the query
 * is appended to next. */
static GString *
join_uri (const char *base,
          const char *path)
{
  gsize base_length = strcspn (base, "?#");
  const char *query_and_fragment = base + base_length;
  GString *url;

  if (*path == '\0')
    return g_string_new (base);
  while (base_length > 0 && base[base_length - 1] == '/')
    base_length--;
  while (*path == '/')
    path++;
  url = g_string_new_len (base, base_length);
  g_string_append_c (url, '/');
  g_string_append (url, path);
  g_string_append (url, query_and_fragment);
  return url;
}

static void
on_http_call_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  CallApi *call = user_data;
  g_autoptr(GError) error = NULL;
  GError *response_error = NULL;
  guint status = 0;
  g_autoptr(JsonObject) outputs = flows_http_call_finish (result, &status, &response_error, &error);

  if (outputs == NULL)
    {
      call_api_finish (call, NULL, NULL, g_steal_pointer (&error));
      return;
    }
  _flows_run_set_http_status (call->run->shared->result, status);

  /* A token can be revoked or expire early: one refresh, then one retry. */
  if (status == SOUP_STATUS_UNAUTHORIZED && call->uses_token && !call->after_refresh)
    {
      g_clear_error (&response_error);
      refresh_for_run (call->run, call, call->stage);
      return;
    }

  call_api_finish (call, "success", json_node_init_object (json_node_alloc (), outputs), response_error);
}

static void
send_call_api (Run        *run,
               FlowsStage *stage,
               gboolean    after_refresh)
{
  static const char * const methods[] = { "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", NULL };
  JsonObject *settings = flows_stage_get_settings (stage);
  JsonNode *status_node = json_object_get_member (settings, "successStatus");
  JsonObject *status_range = status_node != NULL && JSON_NODE_HOLDS_OBJECT (status_node)
                               ? json_node_get_object (status_node) : NULL;
  g_autoptr(CallApi) call = g_new0 (CallApi, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) url = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *base = NULL;
  g_autofree char *path = NULL;
  g_autofree char *content_type = NULL;
  JsonObject *resolved_headers = json_object_new ();
  FlowsHttpRequest request = { 0 };
  SoupMessage *message;
  double timeout;

  call->run = run;
  call->stage = stage;
  call->after_refresh = after_refresh;
  call->resolved = json_object_new ();
  call->method = g_ascii_strup (*get_string (settings, "method") != '\0' ? get_string (settings, "method") : "GET", -1);
  request.min_status = (guint)get_number (status_range, "min", 200);
  request.max_status = (guint)get_number (status_range, "max", 299);
  json_object_set_object_member (call->resolved, "headers", resolved_headers);

  if (!g_strv_contains (methods, call->method))
    {
      error = g_error_new (FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_INVALID_SETTING,
                           _("method: “%s” is not one of GET, POST, PUT, PATCH, DELETE and HEAD"), call->method);
      goto failed;
    }

  if (!(base = expand (run, "uriBase", get_string (settings, "uriBase"), FLOWS_EXPANSION_TEXT, &error)) ||
      !(path = expand (run, "uriPath", get_string (settings, "uriPath"), FLOWS_EXPANSION_URL_COMPONENT, &error)))
    goto failed;

  url = join_uri (base, path);
  if (!append_query (run, url, settings, &error))
    goto failed;
  call->url = g_string_free (g_steal_pointer (&url), FALSE);
  json_object_set_string_member (call->resolved, "method", call->method);
  json_object_set_string_member (call->resolved, "url", call->url);

  uri = g_uri_parse (call->url, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 && g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
    {
      error = g_error_new (FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_INVALID_URL,
                           _("“%s” is not an http or https URL (from uriBase and uriPath)"), call->url);
      goto failed;
    }

  call->message = soup_message_new_from_uri (call->method, uri);
  if (!add_headers (run, call, settings, resolved_headers, &error))
    goto failed;

  if (get_boolean (settings, "useOAuthToken"))
    {
      const char *token = lookup (run->shared->secrets, FLOWS_SECRETS_ACCESS_TOKEN_KEY);

      call->uses_token = TRUE;
      g_autofree char *authorization = NULL;

      if (token == NULL)
        {
          const char *failure = lookup (run->shared->secret_errors, FLOWS_SECRETS_ACCESS_TOKEN_KEY);

          if (failure != NULL)
            error = g_error_new (FLOWS_SECRETS_ERROR, FLOWS_SECRETS_ERROR_FAILED,
                                 _("The access token could not be read from the keyring: %s"), failure);
          else if (run->shared->connection == NULL)
            error = g_error_new (FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_NOT_SIGNED_IN,
                                 _("This stage uses the connection’s OAuth token, but the run has no connection"));
          else
            error = g_error_new (FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_NOT_SIGNED_IN,
                                 _("Connection “%s” is not signed in: it has no access token"),
                                 flows_connection_get_name (run->shared->connection));
          goto failed;
        }
      authorization = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (call->message), "Authorization", authorization);
      json_object_set_string_member (resolved_headers, "Authorization", authorization);
    }

  if (!build_body (run, settings, &body, &content_type, &error))
    goto failed;
  if (body != NULL)
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));

      soup_message_set_request_body_from_bytes (call->message, content_type, body);
      json_object_set_string_member (call->resolved, "contentType", content_type);
      json_object_set_string_member (call->resolved, "body", text);
    }

  timeout = get_number (settings, "timeout", 30);
  request.method = call->method;
  request.url = call->url;
  request.timeout_seconds = (guint)CLAMP (timeout, 1, 3600);
  request.max_response_size = run->shared->runner->max_response_size;
  message = call->message;
  flows_http_call_async (run->shared->runner->session, message, &request, run->shared->cancellable,
                         on_http_call_done, g_steal_pointer (&call));
  return;

failed:
  call_api_finish (g_steal_pointer (&call), NULL, NULL, g_steal_pointer (&error));
}

typedef struct
{
  Run        *run;
  FlowsStage *stage;
  /* Why the refresh happens after a request: the 401's message, kept for the error. */
  char       *unauthorized;
} RefreshWait;

static void
on_refreshed_for_run (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  RefreshWait *wait = user_data;
  Run *run = wait->run;
  FlowsStage *stage = wait->stage;
  g_autofree char *unauthorized = g_steal_pointer (&wait->unauthorized);
  g_autoptr(GError) error = NULL;
  char *token = flows_token_source_refresh_finish (FLOWS_TOKEN_SOURCE (source), result, &error);

  g_free (wait);

  if (token == NULL)
    {
      if (unauthorized != NULL)
        g_prefix_error (&error, _("%s; the token was refreshed for a retry, but that failed: "), unauthorized);
      else
        g_prefix_error (&error, _("The access token had expired, and refreshing it failed: "));
      stage_failed (run, NULL, g_steal_pointer (&error));
      return;
    }

  _flows_run_add_secret (run->shared->result, token);
  g_hash_table_replace (run->shared->secrets, g_strdup (FLOWS_SECRETS_ACCESS_TOKEN_KEY), token);
  send_call_api (run, stage, TRUE);
}

/* Refreshes the run's connection, then sends the stage's request (again). @call, when given, is
 * the request that got a 401: it is dropped. */
static void
refresh_for_run (Run        *run,
                 CallApi    *call,
                 FlowsStage *stage)
{
  Shared *shared = run->shared;
  RefreshWait *wait = g_new0 (RefreshWait, 1);

  wait->run = run;
  wait->stage = stage;
  if (call != NULL)
    {
      wait->unauthorized = g_strdup_printf (_("HTTP 401 from %s %s"), call->method, call->url);
      call_api_free (call);
    }

  if (shared->runner->token_source == NULL)
    {
      g_autofree char *unauthorized = g_steal_pointer (&wait->unauthorized);

      g_free (wait);
      stage_failed (run, NULL,
                    g_error_new (FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_NO_TOKEN_SOURCE,
                                 _("%s: the access token must be refreshed, and this program cannot refresh tokens"),
                                 unauthorized != NULL ? unauthorized : _("The access token has expired")));
      return;
    }
  flows_token_source_refresh_async (shared->runner->token_source, shared->app, shared->connection,
                                    shared->cancellable, on_refreshed_for_run, wait);
}

static void
run_call_api (Run        *run,
              FlowsStage *stage)
{
  FlowsConnection *connection = run->shared->connection;

  /* A token about to expire is refreshed first, rather than sent to fail. */
  if (get_boolean (flows_stage_get_settings (stage), "useOAuthToken") &&
      connection != NULL && run->shared->runner->token_source != NULL &&
      flows_token_source_needs_refresh (run->shared->runner->token_source, connection))
    {
      refresh_for_run (run, NULL, stage);
      return;
    }

  send_call_api (run, stage, FALSE);
}

/* Route Flow ------------------------------------------------------------------------------- */

static gboolean
parse_number (const char  *text,
              const char  *setting,
              double      *number,
              GError     **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  char *end = NULL;

  *number = g_ascii_strtod (trimmed, &end);
  if (*trimmed == '\0' || *end != '\0')
    {
      g_set_error (error, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_INVALID_VALUE,
                   _("%s: “%s” is not a number"), setting, text);
      return FALSE;
    }
  return TRUE;
}

/* Whether one condition holds; FALSE with @error set when it cannot be evaluated. */
static gboolean
evaluate_condition (Run         *run,
                    JsonObject  *condition,
                    guint        index,
                    gboolean    *holds,
                    GError     **error)
{
  const char *comparator = get_string (condition, "comparator");
  gboolean about_emptiness = g_str_equal (comparator, "IsEmpty") || g_str_equal (comparator, "IsNotEmpty");
  g_autofree char *field_setting = g_strdup_printf ("conditions[%u].field", index);
  g_autofree char *value_setting = g_strdup_printf ("conditions[%u].value", index);
  g_autofree char *field = NULL;
  g_autofree char *value = NULL;

  /* "Is it empty?" is also the way to ask whether something exists at all. */
  field = expand_with (run, field_setting, get_string (condition, "field"), FLOWS_EXPANSION_TEXT,
                       about_emptiness ? resolve_text_or_empty : resolve_text, error);
  if (field == NULL)
    return FALSE;

  if (about_emptiness)
    {
      *holds = (*field == '\0') == g_str_equal (comparator, "IsEmpty");
      return TRUE;
    }

  if (!(value = expand (run, value_setting, get_string (condition, "value"), FLOWS_EXPANSION_TEXT, error)))
    return FALSE;

  if (flows_stage_catalog_comparator_is_numeric (comparator))
    {
      double a, b;

      if (!parse_number (field, field_setting, &a, error) || !parse_number (value, value_setting, &b, error))
        return FALSE;

      if (g_str_equal (comparator, "NumberEqual"))
        *holds = a == b;
      else if (g_str_equal (comparator, "NumberNotEqual"))
        *holds = a != b;
      else if (g_str_equal (comparator, "GreaterThan"))
        *holds = a > b;
      else if (g_str_equal (comparator, "GreaterThanEqual"))
        *holds = a >= b;
      else if (g_str_equal (comparator, "LessThan"))
        *holds = a < b;
      else
        *holds = a <= b;
      return TRUE;
    }

  if (g_str_equal (comparator, "Equal"))
    *holds = g_str_equal (field, value);
  else if (g_str_equal (comparator, "NotEqual"))
    *holds = !g_str_equal (field, value);
  else if (g_str_equal (comparator, "Contains"))
    *holds = strstr (field, value) != NULL;
  else if (g_str_equal (comparator, "DoesNotContain"))
    *holds = strstr (field, value) == NULL;
  else if (g_str_equal (comparator, "StartsWith"))
    *holds = g_str_has_prefix (field, value);
  else if (g_str_equal (comparator, "EndsWith"))
    *holds = g_str_has_suffix (field, value);
  else
    {
      g_set_error (error, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_INVALID_SETTING,
                   _("conditions[%u].comparator: “%s” is not a comparator"), index, comparator);
      return FALSE;
    }
  return TRUE;
}

static void
run_route_flow (Run        *run,
                FlowsStage *stage)
{
  JsonObject *settings = flows_stage_get_settings (stage);
  g_autoptr(GPtrArray) conditions = get_entries (settings, "conditions");
  gboolean any = g_str_equal (get_string (settings, "match"), "any");
  g_autoptr(JsonObject) outputs = json_object_new ();
  JsonArray *results = json_array_new ();
  /* All of none holds; any of none does not. */
  gboolean passed = !any;

  json_object_set_array_member (outputs, "conditions", results);
  for (guint i = 0; i < conditions->len; i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean holds;

      if (!evaluate_condition (run, g_ptr_array_index (conditions, i), i, &holds, &error))
        {
          stage_failed (run, NULL, g_steal_pointer (&error));
          return;
        }
      json_array_add_boolean_element (results, holds);
      passed = any ? (passed || holds) : (passed && holds);
    }

  json_object_set_boolean_member (outputs, "result", passed);
  stage_finished (run, passed ? "pass" : "fail",
                  json_node_init_object (json_node_alloc (), outputs),
                  json_object_ref (outputs), NULL);
}

/* Add To Response -------------------------------------------------------------------------- */

/* Adds one field to the response. An optional field that resolves to nothing is left out.
 * The response takes a copy that shares nothing with the stage outputs the value came from: the
 * trace shares those (see excerpt()), and the response is the caller's, to keep or change. The
 * value itself, when there is one, goes to @traced for the trace (@traced may be NULL). */
static gboolean
add_response_field (Run         *run,
                    JsonObject  *field,
                    const char  *setting,
                    JsonNode   **traced,
                    GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) value = evaluate (run, setting, get_string (field, "value"), &local_error);

  if (value == NULL)
    {
      if (get_boolean (field, "optional") &&
          g_error_matches (local_error, FLOWS_EXPRESSION_ERROR, FLOWS_EXPRESSION_ERROR_UNRESOLVED))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  json_object_set_member (run->response, get_string (field, "name"), flows_json_deep_copy (value));
  if (traced != NULL)
    *traced = g_steal_pointer (&value);
  return TRUE;
}

static void
run_add_to_response (Run        *run,
                     FlowsStage *stage)
{
  g_autoptr(GPtrArray) fields = get_entries (flows_stage_get_settings (stage), "fields");
  g_autoptr(JsonObject) added = json_object_new ();

  for (guint i = 0; i < fields->len; i++)
    {
      JsonObject *field = g_ptr_array_index (fields, i);
      const char *name = get_string (field, "name");
      g_autofree char *setting = g_strdup_printf ("fields[%u].value", i);
      g_autoptr(GError) error = NULL;
      JsonNode *value = NULL;

      if (g_str_equal (get_string (field, "mode"), "dynamic"))
        {
          DynamicField *dynamic = g_new0 (DynamicField, 1);

          /* Taken when the flow ends, so it can refer to stages that run later. */
          dynamic->stage = g_object_ref (stage);
          dynamic->field = json_object_ref (field);
          dynamic->setting = g_steal_pointer (&setting);
          g_ptr_array_add (run->dynamic_fields, dynamic);
          json_object_set_string_member (added, name, _("(when the flow ends)"));
          continue;
        }

      if (!add_response_field (run, field, setting, &value, &error))
        {
          stage_failed (run, json_object_ref (added), g_steal_pointer (&error));
          return;
        }
      /* An optional field left out shows what the response holds under its name, if anything:
       * a copy, as the response is not the trace's. */
      if (value == NULL && json_object_has_member (run->response, name))
        value = flows_json_deep_copy (json_object_get_member (run->response, name));
      if (value != NULL)
        json_object_set_member (added, name, value);
    }

  stage_finished (run, "success", json_node_init_object (json_node_alloc (), added),
                  json_object_ref (added), NULL);
}

static void
dynamic_field_free (DynamicField *dynamic)
{
  g_object_unref (dynamic->stage);
  json_object_unref (dynamic->field);
  g_free (dynamic->setting);
  g_free (dynamic);
}

/* Sleep ------------------------------------------------------------------------------------ */

typedef struct
{
  Run          *run;
  guint         timeout_id;
  gulong        cancelled_id;
  double        seconds;
} Sleep;

static void
sleep_done (Sleep  *sleep,
            GError *error)
{
  Run *run = sleep->run;
  g_autoptr(JsonObject) resolved = json_object_new ();

  g_clear_handle_id (&sleep->timeout_id, g_source_remove);
  /* Disconnecting from inside the cancelled handler would deadlock; it is done from an idle. */
  if (sleep->cancelled_id != 0)
    g_signal_handler_disconnect (run->shared->cancellable, sleep->cancelled_id);
  json_object_set_double_member (resolved, "seconds", sleep->seconds);
  g_free (sleep);

  stage_finished (run, "success", NULL, json_object_ref (resolved), error);
}

static gboolean
on_sleep_over (gpointer user_data)
{
  Sleep *sleep = user_data;

  sleep->timeout_id = 0;
  sleep_done (sleep, NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
on_sleep_cancelled_idle (gpointer user_data)
{
  sleep_done (user_data, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The run was cancelled")));
  return G_SOURCE_REMOVE;
}

static void
on_sleep_cancelled (GCancellable *cancellable,
                    gpointer      user_data)
{
  Sleep *sleep = user_data;

  g_clear_handle_id (&sleep->timeout_id, g_source_remove);
  g_idle_add (on_sleep_cancelled_idle, sleep);
}

static void
run_sleep (Run        *run,
           FlowsStage *stage)
{
  Sleep *sleep = g_new0 (Sleep, 1);

  sleep->run = run;
  sleep->seconds = CLAMP (get_number (flows_stage_get_settings (stage), "seconds", 1), 0, 24 * 3600);
  sleep->timeout_id = g_timeout_add ((guint)(sleep->seconds * 1000), on_sleep_over, sleep);
  if (run->shared->cancellable != NULL)
    {
      sleep->cancelled_id = g_signal_connect (run->shared->cancellable, "cancelled",
                                              G_CALLBACK (on_sleep_cancelled), sleep);
      if (g_cancellable_is_cancelled (run->shared->cancellable))
        on_sleep_cancelled (run->shared->cancellable, sleep);
    }
}

/* For Each --------------------------------------------------------------------------------- */

static void
run_for_each (Run        *run,
              FlowsStage *stage)
{
  const char *list_text = get_string (flows_stage_get_settings (stage), "list");
  g_autoptr(JsonObject) resolved = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) list = NULL;
  Loop loop = { stage, NULL, 0 };

  if (!is_single_reference (list_text))
    {
      stage_failed (run, NULL,
                    g_error_new (FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_INVALID_SETTING,
                                 _("list: name one list with a single reference, such as <call.body.items>")));
      return;
    }
  if (!(list = evaluate (run, "list", list_text, &error)))
    {
      stage_failed (run, NULL, g_steal_pointer (&error));
      return;
    }
  if (!JSON_NODE_HOLDS_ARRAY (list))
    {
      g_autofree char *text = flows_json_to_text (list);
      stage_failed (run, NULL,
                    g_error_new (FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_INVALID_VALUE,
                                 _("list: %s is not a list but “%s”"), list_text, text != NULL ? text : "null"));
      return;
    }

  loop.items = json_array_ref (json_node_get_array (list));
  json_object_set_int_member (resolved, "count", json_array_get_length (loop.items));

  if (json_array_get_length (loop.items) == 0 || flows_stage_get_route (stage, "each") == NULL)
    {
      json_array_unref (loop.items);
      stage_finished (run, "done", NULL, json_object_ref (resolved), NULL);
      return;
    }

  g_array_append_val (run->loops, loop);
  set_loop_outputs (run, &loop);
  stage_finished (run, "each", NULL, json_object_ref (resolved), NULL);
}

/* Call Flow -------------------------------------------------------------------------------- */

static Run *run_new (Shared     *shared,
                     FlowsFlow  *flow,
                     guint       depth,
                     GHashTable *inputs,
                     RunDone     done,
                     gpointer    done_data);
static void start (Run *run);

static void
on_called_flow_done (Run      *child,
                     gpointer  user_data)
{
  Run *run = user_data;
  g_autoptr(JsonObject) resolved = json_object_new ();

  json_object_set_string_member (resolved, "flow", flows_flow_get_name (child->flow));

  if (child->stop_error != NULL)
    {
      GError *error;

      if (g_error_matches (child->stop_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        error = g_error_copy (child->stop_error);
      else
        error = g_error_new (child->stop_error->domain, child->stop_error->code,
                             _("Flow “%s” failed at stage “%s”: %s"),
                             flows_flow_get_name (child->flow),
                             child->failed_stage != NULL ? flows_stage_get_name (child->failed_stage) : "",
                             child->stop_error->message);
      stage_failed (run, json_object_ref (resolved), error);
      return;
    }

  stage_finished (run, "success", json_node_init_object (json_node_alloc (), child->response),
                  json_object_ref (resolved), NULL);
}

static void
run_call_flow (Run        *run,
               FlowsStage *stage)
{
  JsonObject *settings = flows_stage_get_settings (stage);
  FlowsFlow *flow = flows_app_find_flow (run->shared->app, get_string (settings, "flow"));
  g_autoptr(GPtrArray) inputs = get_entries (settings, "inputs");
  g_autoptr(GHashTable) values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(JsonObject) resolved = json_object_new ();

  if (flow == NULL)
    {
      stage_failed (run, NULL,
                    g_error_new (FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_NO_SUCH_FLOW,
                                 _("flow: the App has no flow “%s”"), get_string (settings, "flow")));
      return;
    }
  if (run->depth + 1 >= FLOWS_RUNNER_MAX_DEPTH)
    {
      stage_failed (run, NULL,
                    g_error_new (FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_INVALID_VALUE,
                                 _("Flows are nested more than %d deep: does “%s” end up calling itself?"),
                                 FLOWS_RUNNER_MAX_DEPTH, flows_flow_get_name (flow)));
      return;
    }

  for (guint i = 0; i < inputs->len; i++)
    {
      JsonObject *input = g_ptr_array_index (inputs, i);
      g_autofree char *setting = g_strdup_printf ("inputs[%u].value", i);
      g_autoptr(GError) error = NULL;
      char *value = expand (run, setting, get_string (input, "value"), FLOWS_EXPANSION_TEXT, &error);

      if (value == NULL)
        {
          stage_failed (run, NULL, g_steal_pointer (&error));
          return;
        }
      json_object_set_string_member (resolved, get_string (input, "name"), value);
      g_hash_table_insert (values, g_strdup (get_string (input, "name")), value);
    }

  start (run_new (run->shared, flow, run->depth + 1, values, on_called_flow_done, run));
}

/* Running ---------------------------------------------------------------------------------- */

static void
execute (Run        *run,
         FlowsStage *stage)
{
  switch (flows_stage_get_stage_type (stage))
    {
    case FLOWS_STAGE_TYPE_TRIGGER:
      run_trigger (run, stage);
      break;
    case FLOWS_STAGE_TYPE_SET_FIELDS:
      run_set_fields (run, stage);
      break;
    case FLOWS_STAGE_TYPE_BUILD_URL:
      run_build_url (run, stage);
      break;
    case FLOWS_STAGE_TYPE_CALL_API:
      run_call_api (run, stage);
      break;
    case FLOWS_STAGE_TYPE_ROUTE_FLOW:
      run_route_flow (run, stage);
      break;
    case FLOWS_STAGE_TYPE_CALL_FLOW:
      run_call_flow (run, stage);
      break;
    case FLOWS_STAGE_TYPE_ADD_TO_RESPONSE:
      run_add_to_response (run, stage);
      break;
    case FLOWS_STAGE_TYPE_SLEEP:
      run_sleep (run, stage);
      break;
    case FLOWS_STAGE_TYPE_FOR_EACH:
      run_for_each (run, stage);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
run_free (Run *run)
{
  for (guint i = 0; i < run->loops->len; i++)
    json_array_unref (g_array_index (run->loops, Loop, i).items);
  g_array_unref (run->loops);
  g_hash_table_unref (run->inputs);
  g_hash_table_unref (run->outputs);
  json_object_unref (run->response);
  g_ptr_array_unref (run->dynamic_fields);
  g_object_unref (run->flow);
  g_clear_error (&run->stop_error);
  g_free (run);
}

/* Ends the run: takes the dynamic response fields, then reports to whoever started it. */
static void
finish (Run *run)
{
  for (guint i = 0; run->stop_error == NULL && i < run->dynamic_fields->len; i++)
    {
      DynamicField *dynamic = g_ptr_array_index (run->dynamic_fields, i);

      if (!add_response_field (run, dynamic->field, dynamic->setting, NULL, &run->stop_error))
        run->failed_stage = dynamic->stage;
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
      execute (run, stage);
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
  run->dynamic_fields = g_ptr_array_new_with_free_func ((GDestroyNotify)dynamic_field_free);
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
      /* Token fields of a response never show in traces or exports. */
      static const char * const token_fields[] = { "access_token", "refresh_token", "id_token", NULL };

      for (guint i = 0; token_fields[i] != NULL; i++)
        {
          JsonNode *node = json_object_get_member (run->response, token_fields[i]);
          g_autofree char *text = flows_json_to_text (node);

          _flows_run_add_secret (shared->result, text);
        }

      _flows_run_finish (shared->result,
                         run->response,
                         run->stop_error != NULL ? run->stop_error->message : NULL,
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
