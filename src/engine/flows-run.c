/* flows-run.c — what one run of a flow did */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "flows-enums.h"
#include "flows-expression.h"
#include "flows-json-util.h"
#include "flows-run-private.h"

#define REDACTED "•••"

struct _FlowsRun
{
  GObject     parent_instance;

  char       *flow_name;
  char       *error_message;
  GQuark      error_domain;
  int         error_code;
  char       *failed_stage_id;
  char       *failed_stage_name;
  JsonObject *response;
  GPtrArray  *trace;
  /* Values never to show; wiped when the run is freed. */
  GPtrArray  *secrets;
  gint64      started_at;
  gint64      finished_at;
  guint       http_status;
  guint       succeeded : 1;
};

G_DEFINE_FINAL_TYPE (FlowsRun, flows_run, G_TYPE_OBJECT)

FlowsTraceEntry *
flows_trace_entry_copy (const FlowsTraceEntry *entry)
{
  FlowsTraceEntry *copy = g_new0 (FlowsTraceEntry, 1);

  *copy = *entry;
  copy->flow_name = g_strdup (entry->flow_name);
  copy->stage_id = g_strdup (entry->stage_id);
  copy->stage_key = g_strdup (entry->stage_key);
  copy->stage_name = g_strdup (entry->stage_name);
  copy->route = g_strdup (entry->route);
  copy->settings = entry->settings != NULL ? json_object_ref (entry->settings) : NULL;
  copy->outputs = entry->outputs != NULL ? json_node_copy (entry->outputs) : NULL;
  copy->error = g_strdup (entry->error);
  return copy;
}

void
flows_trace_entry_free (FlowsTraceEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->flow_name);
  g_free (entry->stage_id);
  g_free (entry->stage_key);
  g_free (entry->stage_name);
  g_free (entry->route);
  g_clear_pointer (&entry->settings, json_object_unref);
  g_clear_pointer (&entry->outputs, json_node_unref);
  g_free (entry->error);
  g_free (entry);
}

G_DEFINE_BOXED_TYPE (FlowsTraceEntry, flows_trace_entry, flows_trace_entry_copy, flows_trace_entry_free)

static void
wipe_and_free (gpointer data)
{
  char *secret = data;

  memset (secret, 0, strlen (secret));
  g_free (secret);
}

static void
flows_run_finalize (GObject *object)
{
  FlowsRun *self = (FlowsRun *)object;

  g_clear_pointer (&self->flow_name, g_free);
  g_clear_pointer (&self->error_message, g_free);
  g_clear_pointer (&self->failed_stage_id, g_free);
  g_clear_pointer (&self->failed_stage_name, g_free);
  g_clear_pointer (&self->response, json_object_unref);
  g_clear_pointer (&self->trace, g_ptr_array_unref);
  g_clear_pointer (&self->secrets, g_ptr_array_unref);

  G_OBJECT_CLASS (flows_run_parent_class)->finalize (object);
}

static void
flows_run_class_init (FlowsRunClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = flows_run_finalize;
}

static void
flows_run_init (FlowsRun *self)
{
  self->trace = g_ptr_array_new_with_free_func ((GDestroyNotify)flows_trace_entry_free);
  self->secrets = g_ptr_array_new_with_free_func (wipe_and_free);
}

FlowsRun *
_flows_run_new (const char *flow_name,
                gint64      started_at)
{
  FlowsRun *self = g_object_new (FLOWS_TYPE_RUN, NULL);

  self->flow_name = g_strdup (flow_name);
  self->started_at = started_at;
  self->finished_at = started_at;
  return self;
}

/* Keeps the secrets longest first, so that redaction replaces a secret containing another
 * whole; sorted here, once, rather than for every string redacted. */
static void
add_secret_text (FlowsRun   *self,
                 const char *text)
{
  gsize length = strlen (text);
  guint position = self->secrets->len;

  for (guint i = 0; i < self->secrets->len; i++)
    {
      const char *secret = g_ptr_array_index (self->secrets, i);

      if (g_str_equal (secret, text))
        return;
      if (position == self->secrets->len && strlen (secret) < length)
        position = i;
    }
  g_ptr_array_insert (self->secrets, position, g_strdup (text));
}

void
_flows_run_add_secret (FlowsRun   *self,
                       const char *secret)
{
  g_autofree char *url = NULL;
  g_autofree char *form = NULL;
  g_autofree char *json = NULL;

  g_return_if_fail (FLOWS_IS_RUN (self));

  if (secret == NULL || *secret == '\0')
    return;
  add_secret_text (self, secret);

  /* A secret substituted into a URL, a form or a JSON body is encoded there, and the trace
   * shows those URLs and bodies: its encoded forms are as secret as it is. */
  url = flows_encode_url_component (secret);
  form = flows_encode_form (secret);
  json = flows_encode_json_string (secret);
  add_secret_text (self, url);
  add_secret_text (self, form);
  add_secret_text (self, json);
  memset (url, 0, strlen (url));
  memset (form, 0, strlen (form));
  memset (json, 0, strlen (json));
}

void
_flows_run_add_entry (FlowsRun        *self,
                      FlowsTraceEntry *entry)
{
  g_return_if_fail (FLOWS_IS_RUN (self));
  g_ptr_array_add (self->trace, entry);
}

void
_flows_run_set_http_status (FlowsRun *self,
                            guint     status)
{
  g_return_if_fail (FLOWS_IS_RUN (self));
  self->http_status = status;
}

/* @text with every secret replaced by •••, or NULL when it contains none: most strings do not,
 * and finding that out costs no copy. The secrets are longest first (see add_secret_text()). */
static char *
redact_text (const char *text,
             gpointer    user_data)
{
  FlowsRun *self = user_data;
  GString *redacted = NULL;

  for (guint i = 0; i < self->secrets->len; i++)
    {
      const char *secret = g_ptr_array_index (self->secrets, i);

      if (strstr (redacted != NULL ? redacted->str : text, secret) == NULL)
        continue;
      if (redacted == NULL)
        redacted = g_string_new (text);
      g_string_replace (redacted, secret, REDACTED, 0);
    }
  return redacted != NULL ? g_string_free (redacted, FALSE) : NULL;
}

char *
flows_run_redact (FlowsRun   *self,
                  const char *text)
{
  char *redacted;

  g_return_val_if_fail (FLOWS_IS_RUN (self), NULL);

  if (text == NULL)
    return NULL;

  redacted = redact_text (text, self);
  return redacted != NULL ? redacted : g_strdup (text);
}

/* The members of @object before the one called @name, shared: the start of a copy of @object
 * in which that member changes. */
static JsonObject *
copy_members_before (JsonObject *object,
                     const char *name)
{
  JsonObject *copy = json_object_new ();
  JsonObjectIter iter;
  const char *member_name;
  JsonNode *member;

  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &member_name, &member) &&
         !g_str_equal (member_name, name))
    json_object_set_member (copy, member_name, json_node_ref (member));
  return copy;
}

JsonNode *
_flows_json_rewrite_strings (JsonNode           *node,
                             FlowsRewriteFunc    rewrite,
                             gpointer            user_data)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(JsonObject) copy = NULL;
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        json_object_iter_init_ordered (&iter, object);
        while (json_object_iter_next_ordered (&iter, &name, &member))
          {
            JsonNode *rewritten = _flows_json_rewrite_strings (member, rewrite, user_data);

            if (rewritten != NULL && copy == NULL)
              copy = copy_members_before (object, name);
            if (copy != NULL)
              json_object_set_member (copy, name, rewritten != NULL ? rewritten : json_node_ref (member));
          }
        return copy != NULL ? json_node_init_object (json_node_alloc (), copy) : NULL;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint length = json_array_get_length (array);
        g_autoptr(JsonArray) copy = NULL;

        for (guint i = 0; i < length; i++)
          {
            JsonNode *element = json_array_get_element (array, i);
            JsonNode *rewritten = _flows_json_rewrite_strings (element, rewrite, user_data);

            if (rewritten != NULL && copy == NULL)
              {
                copy = json_array_sized_new (length);
                for (guint j = 0; j < i; j++)
                  json_array_add_element (copy, json_node_ref (json_array_get_element (array, j)));
              }
            if (copy != NULL)
              json_array_add_element (copy, rewritten != NULL ? rewritten : json_node_ref (element));
          }
        return copy != NULL ? json_node_init_array (json_node_alloc (), copy) : NULL;
      }
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        {
          g_autofree char *text = rewrite (json_node_get_string (node), user_data);

          return text != NULL ? json_node_init_string (json_node_alloc (), text) : NULL;
        }
      return NULL;
    case JSON_NODE_NULL:
    default:
      return NULL;
    }
}

/* Redaction makes copies of what it changes: the trace shares the stages' outputs and settings
 * (see stage_finished() in flows-runner.c), which are never changed in place. */
static void
redact_entry (FlowsRun        *self,
              FlowsTraceEntry *entry)
{
  char *error;

  if (entry->settings != NULL)
    {
      g_autoptr(JsonNode) settings = json_node_init_object (json_node_alloc (), entry->settings);
      g_autoptr(JsonNode) redacted = _flows_json_rewrite_strings (settings, redact_text, self);

      if (redacted != NULL)
        {
          json_object_unref (entry->settings);
          entry->settings = json_object_ref (json_node_get_object (redacted));
        }
    }
  if (entry->outputs != NULL)
    {
      JsonNode *redacted = _flows_json_rewrite_strings (entry->outputs, redact_text, self);

      if (redacted != NULL)
        {
          json_node_unref (entry->outputs);
          entry->outputs = redacted;
        }
    }
  if (entry->error != NULL && (error = redact_text (entry->error, self)) != NULL)
    {
      g_free (entry->error);
      entry->error = error;
    }
}

void
_flows_run_finish (FlowsRun     *self,
                   JsonObject   *response,
                   const GError *error,
                   const char   *failed_stage_id,
                   const char   *failed_stage_name)
{
  g_return_if_fail (FLOWS_IS_RUN (self));

  self->finished_at = g_get_real_time ();
  self->succeeded = error == NULL;
  /* Set here, not when the run is made: a run is only seen once it is finished. */
  self->response = response != NULL ? json_object_ref (response) : json_object_new ();
  self->error_message = error != NULL ? flows_run_redact (self, error->message) : NULL;
  self->error_domain = error != NULL ? error->domain : 0;
  self->error_code = error != NULL ? error->code : 0;
  self->failed_stage_id = g_strdup (failed_stage_id);
  self->failed_stage_name = g_strdup (failed_stage_name);

  /* Without secrets there is nothing to redact: the trace stays as the stages left it. */
  if (self->secrets->len > 0)
    for (guint i = 0; i < self->trace->len; i++)
      redact_entry (self, g_ptr_array_index (self->trace, i));
}

gboolean
flows_run_judge_connection_test (FlowsRun  *self,
                                 char     **message)
{
  FlowsTraceEntry *failed = NULL;

  g_return_val_if_fail (FLOWS_IS_RUN (self), FALSE);

  if (!self->succeeded)
    {
      /* An End With Error stage says what is wrong in the flow's own words: they stand alone. */
      if (message != NULL)
        *message = self->failed_stage_name != NULL && !flows_run_ended_with_error (self)
                   ? g_strdup_printf (_("Stage “%s”: %s"), self->failed_stage_name, self->error_message)
                   : g_strdup (self->error_message);
      return FALSE;
    }

  /* The first stage of the test flow itself that took its fail route. */
  for (guint i = 0; i < self->trace->len && failed == NULL; i++)
    {
      FlowsTraceEntry *entry = g_ptr_array_index (self->trace, i);

      if (entry->depth == 0 && g_strcmp0 (entry->route, "fail") == 0)
        failed = entry;
    }

  if (failed == NULL)
    {
      if (message != NULL)
        *message = g_strdup (_("The Connection Test flow ended on a success route."));
      return TRUE;
    }

  if (message != NULL)
    *message = failed->error != NULL
               ? g_strdup_printf (_("Stage “%s”: %s"), failed->stage_name, failed->error)
               : g_strdup_printf (_("Stage “%s” took its fail route."), failed->stage_name);
  return FALSE;
}

const char *
flows_run_get_flow_name (FlowsRun *self)
{
  g_return_val_if_fail (FLOWS_IS_RUN (self), NULL);
  return self->flow_name;
}

gboolean
flows_run_get_succeeded (FlowsRun *self)
{
  g_return_val_if_fail (FLOWS_IS_RUN (self), FALSE);
  return self->succeeded;
}

const char *
flows_run_get_error_message (FlowsRun *self)
{
  g_return_val_if_fail (FLOWS_IS_RUN (self), NULL);
  return self->error_message;
}

gboolean
flows_run_error_matches (FlowsRun *self,
                         GQuark    domain,
                         int       code)
{
  g_return_val_if_fail (FLOWS_IS_RUN (self), FALSE);
  return !self->succeeded && self->error_domain == domain && self->error_code == code;
}

gboolean
flows_run_ended_with_error (FlowsRun *self)
{
  return flows_run_error_matches (self, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_ENDED_WITH_ERROR) ||
         flows_run_error_matches (self, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_NEEDS_SIGN_IN);
}

const char *
flows_run_get_failed_stage_id (FlowsRun *self)
{
  g_return_val_if_fail (FLOWS_IS_RUN (self), NULL);
  return self->failed_stage_id;
}

const char *
flows_run_get_failed_stage_name (FlowsRun *self)
{
  g_return_val_if_fail (FLOWS_IS_RUN (self), NULL);
  return self->failed_stage_name;
}

JsonObject *
flows_run_get_response (FlowsRun *self)
{
  g_return_val_if_fail (FLOWS_IS_RUN (self), NULL);
  return self->response;
}

GPtrArray *
flows_run_get_trace (FlowsRun *self)
{
  g_return_val_if_fail (FLOWS_IS_RUN (self), NULL);
  return self->trace;
}

gint64
flows_run_get_started_at (FlowsRun *self)
{
  g_return_val_if_fail (FLOWS_IS_RUN (self), 0);
  return self->started_at;
}

gint64
flows_run_get_duration (FlowsRun *self)
{
  g_return_val_if_fail (FLOWS_IS_RUN (self), 0);
  return self->finished_at - self->started_at;
}

guint
flows_run_get_http_status (FlowsRun *self)
{
  g_return_val_if_fail (FLOWS_IS_RUN (self), 0);
  return self->http_status;
}

static JsonNode *
entry_to_json (const FlowsTraceEntry *entry)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "flow");
  json_builder_add_string_value (builder, entry->flow_name);
  json_builder_set_member_name (builder, "depth");
  json_builder_add_int_value (builder, entry->depth);
  json_builder_set_member_name (builder, "stageId");
  json_builder_add_string_value (builder, entry->stage_id);
  json_builder_set_member_name (builder, "stageKey");
  json_builder_add_string_value (builder, entry->stage_key);
  json_builder_set_member_name (builder, "stageName");
  json_builder_add_string_value (builder, entry->stage_name);
  json_builder_set_member_name (builder, "stageType");
  json_builder_add_string_value (builder, flows_enum_to_nick (FLOWS_TYPE_STAGE_TYPE, entry->stage_type));
  json_builder_set_member_name (builder, "startedAt");
  json_builder_add_int_value (builder, entry->started_at);
  json_builder_set_member_name (builder, "durationUs");
  json_builder_add_int_value (builder, entry->finished_at - entry->started_at);
  json_builder_set_member_name (builder, "route");
  if (entry->route != NULL)
    json_builder_add_string_value (builder, entry->route);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "settings");
  if (entry->settings != NULL)
    json_builder_add_value (builder, json_node_init_object (json_node_alloc (), entry->settings));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "outputs");
  if (entry->outputs != NULL)
    json_builder_add_value (builder, json_node_copy (entry->outputs));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "error");
  if (entry->error != NULL)
    json_builder_add_string_value (builder, entry->error);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

JsonNode *
flows_run_to_json (FlowsRun *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) view = NULL;
  g_autoptr(JsonNode) redacted = NULL;
  JsonNode *response;

  g_return_val_if_fail (FLOWS_IS_RUN (self), NULL);

  /* The response is kept as the flow returned it; what is shown is a redacted copy that shares
   * nothing with it. */
  view = json_node_init_object (json_node_alloc (), self->response);
  redacted = _flows_json_rewrite_strings (view, redact_text, self);
  response = flows_json_deep_copy (redacted != NULL ? redacted : view);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "flow");
  json_builder_add_string_value (builder, self->flow_name);
  json_builder_set_member_name (builder, "succeeded");
  json_builder_add_boolean_value (builder, self->succeeded);
  json_builder_set_member_name (builder, "error");
  if (self->error_message != NULL)
    json_builder_add_string_value (builder, self->error_message);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "failedStage");
  if (self->failed_stage_name != NULL)
    json_builder_add_string_value (builder, self->failed_stage_name);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "httpStatus");
  json_builder_add_int_value (builder, self->http_status);
  json_builder_set_member_name (builder, "durationUs");
  json_builder_add_int_value (builder, flows_run_get_duration (self));
  json_builder_set_member_name (builder, "response");
  json_builder_add_value (builder, response);
  json_builder_set_member_name (builder, "trace");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->trace->len; i++)
    json_builder_add_value (builder, entry_to_json (g_ptr_array_index (self->trace, i)));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
