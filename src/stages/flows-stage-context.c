/* flows-stage-context.c — what a stage type executes with (docs/ARCHITECTURE.md, "Stage types") */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "flows-json-util.h"
#include "flows-stage-context.h"

/* Requests ----------------------------------------------------------------------------------- */

static void
header_free (FlowsStageHeader *header)
{
  g_free (header->name);
  g_free (header->value);
  g_free (header);
}

FlowsStageRequest *
flows_stage_request_new (void)
{
  FlowsStageRequest *request = g_new0 (FlowsStageRequest, 1);

  request->headers = g_ptr_array_new_with_free_func ((GDestroyNotify) header_free);
  return request;
}

void
flows_stage_request_free (FlowsStageRequest *request)
{
  if (request == NULL)
    return;

  g_free (request->method);
  g_free (request->url);
  g_clear_pointer (&request->uri, g_uri_unref);
  g_ptr_array_unref (request->headers);
  g_clear_pointer (&request->body, g_bytes_unref);
  g_free (request->content_type);
  g_free (request);
}

void
flows_stage_request_add_header (FlowsStageRequest *request,
                                const char        *name,
                                const char        *value,
                                gboolean           replace)
{
  FlowsStageHeader *header;

  g_return_if_fail (request != NULL);
  g_return_if_fail (name != NULL && value != NULL);

  for (guint i = request->headers->len; replace && i > 0; i--)
    if (g_ascii_strcasecmp (((FlowsStageHeader *) g_ptr_array_index (request->headers, i - 1))->name, name) == 0)
      g_ptr_array_remove_index (request->headers, i - 1);

  header = g_new0 (FlowsStageHeader, 1);
  header->name = g_strdup (name);
  header->value = g_strdup (value);
  g_ptr_array_add (request->headers, header);
}

/* Ending a stage ----------------------------------------------------------------------------- */

void
flows_stage_context_finish (FlowsStageContext *context,
                            const char        *route,
                            JsonNode          *outputs,
                            JsonObject        *resolved,
                            GError            *error)
{
  g_return_if_fail (context != NULL);

  context->funcs->finish (context, route, outputs, resolved, error);
}

void
flows_stage_context_fail (FlowsStageContext *context,
                          JsonObject        *resolved,
                          GError            *error)
{
  g_return_if_fail (error != NULL);

  flows_stage_context_finish (context, NULL, NULL, resolved, error);
}

/* Expanding settings ------------------------------------------------------------------------- */

/* That @reference resolves to nothing, in plain words where it is a built-in whose absence
 * means something to the user. */
static GError *
unresolved_error (const char *reference)
{
  if (g_str_equal (reference, "RefreshToken"))
    return g_error_new (FLOWS_EXPRESSION_ERROR, FLOWS_EXPRESSION_ERROR_UNRESOLVED,
                        _("<%s> resolves to nothing: the connection holds no refresh token (the provider issued none at sign-in), so the access token cannot be renewed; sign in again"),
                        reference);
  if (g_str_equal (reference, "AccessToken"))
    return g_error_new (FLOWS_EXPRESSION_ERROR, FLOWS_EXPRESSION_ERROR_UNRESOLVED,
                        _("<%s> resolves to nothing: the connection holds no access token; sign in first"),
                        reference);
  return g_error_new (FLOWS_EXPRESSION_ERROR, FLOWS_EXPRESSION_ERROR_UNRESOLVED,
                      _("<%s> resolves to nothing"), reference);
}

static char *
resolve_text (const char  *reference,
              gpointer     user_data,
              GError     **error)
{
  FlowsStageContext *context = user_data;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) node = context->funcs->resolve (context, reference, &local_error);

  if (node == NULL)
    {
      g_propagate_error (error, local_error != NULL ? g_steal_pointer (&local_error) : unresolved_error (reference));
      return NULL;
    }
  return flows_json_to_text (node);
}

typedef struct
{
  FlowsStageContext *context;
  GPtrArray         *unresolved;
} OrEmpty;

/* Like resolve_text(), but a reference that resolves to nothing gives "", noted in
 * @unresolved when there is one. */
static char *
resolve_text_or_empty (const char  *reference,
                       gpointer     user_data,
                       GError     **error)
{
  OrEmpty *or_empty = user_data;
  g_autoptr(GError) local_error = NULL;
  char *text = resolve_text (reference, or_empty->context, &local_error);

  if (local_error != NULL && !g_error_matches (local_error, FLOWS_EXPRESSION_ERROR, FLOWS_EXPRESSION_ERROR_UNRESOLVED))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (text == NULL && or_empty->unresolved != NULL)
    g_ptr_array_add (or_empty->unresolved, g_strdup_printf ("<%s>", reference));
  return text != NULL ? text : g_strdup ("");
}

static char *
expand_with (FlowsStageContext  *context,
             const char         *setting,
             const char         *text,
             FlowsExpansion      place,
             FlowsResolveFunc    resolve,
             gpointer            resolve_data,
             GError            **error)
{
  g_autoptr(FlowsExpression) expression = NULL;
  char *value;

  /* Without a "<" a template is all literal text ("\<" needs one too) and expands to itself in
   * every place: parsing it would only copy it. Most settings are such constants. */
  if (strchr (text, '<') == NULL)
    return g_strdup (text);

  expression = flows_expression_parse (text, error);
  if (expression == NULL)
    {
      g_prefix_error (error, _("%s: "), setting);
      return NULL;
    }

  value = flows_expression_expand (expression, place, resolve, resolve_data, error);
  if (value == NULL)
    g_prefix_error (error, _("%s: "), setting);
  return value;
}

char *
flows_stage_context_expand (FlowsStageContext  *context,
                            const char         *setting,
                            const char         *text,
                            FlowsExpansion      place,
                            GError            **error)
{
  g_return_val_if_fail (context != NULL, NULL);

  return expand_with (context, setting, text, place, resolve_text, context, error);
}

char *
flows_stage_context_expand_or_empty (FlowsStageContext  *context,
                                     const char         *setting,
                                     const char         *text,
                                     GPtrArray          *unresolved,
                                     GError            **error)
{
  OrEmpty or_empty = { context, unresolved };

  g_return_val_if_fail (context != NULL, NULL);

  return expand_with (context, setting, text, FLOWS_EXPANSION_TEXT, resolve_text_or_empty, &or_empty, error);
}

gboolean
flows_stage_context_is_single_reference (const char *text)
{
  gsize length = strlen (text);

  return length > 2 && text[0] == '<' && text[length - 1] == '>' &&
         strchr (text + 1, '<') == NULL && strchr (text + 1, '>') == text + length - 1;
}

JsonNode *
flows_stage_context_evaluate (FlowsStageContext  *context,
                              const char         *setting,
                              const char         *text,
                              GError            **error)
{
  g_return_val_if_fail (context != NULL, NULL);

  if (flows_stage_context_is_single_reference (text))
    {
      g_autofree char *reference = g_strndup (text + 1, strlen (text) - 2);
      g_autoptr(GError) local_error = NULL;
      JsonNode *node = context->funcs->resolve (context, reference, &local_error);

      if (node == NULL)
        {
          if (local_error == NULL)
            local_error = unresolved_error (reference);
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error), _("%s: "), setting);
        }
      return node;
    }
  else
    {
      g_autofree char *value = flows_stage_context_expand (context, setting, text, FLOWS_EXPANSION_TEXT, error);

      return value != NULL ? json_node_init_string (json_node_alloc (), value) : NULL;
    }
}

/* The run -------------------------------------------------------------------------------------- */

GHashTable *
flows_stage_context_get_inputs (FlowsStageContext *context)
{
  g_return_val_if_fail (context != NULL, NULL);

  return context->funcs->get_inputs (context);
}

JsonObject *
flows_stage_context_get_response (FlowsStageContext *context)
{
  g_return_val_if_fail (context != NULL, NULL);

  return context->funcs->get_response (context);
}

FlowsApp *
flows_stage_context_get_app (FlowsStageContext *context)
{
  g_return_val_if_fail (context != NULL, NULL);

  return context->funcs->get_app (context);
}

GCancellable *
flows_stage_context_get_cancellable (FlowsStageContext *context)
{
  g_return_val_if_fail (context != NULL, NULL);

  return context->funcs->get_cancellable (context);
}

void
flows_stage_context_at_flow_end (FlowsStageContext *context,
                                 FlowsStageEndFunc  func,
                                 gpointer           user_data,
                                 GDestroyNotify     destroy)
{
  g_return_if_fail (context != NULL);
  g_return_if_fail (func != NULL);

  context->funcs->at_flow_end (context, func, user_data, destroy);
}

void
flows_stage_context_start_loop (FlowsStageContext *context,
                                JsonArray         *items)
{
  g_return_if_fail (context != NULL);
  g_return_if_fail (items != NULL);

  context->funcs->start_loop (context, items);
}

gboolean
flows_stage_context_may_run_flow (FlowsStageContext  *context,
                                  FlowsFlow          *flow,
                                  GError            **error)
{
  g_return_val_if_fail (context != NULL, FALSE);
  g_return_val_if_fail (FLOWS_IS_FLOW (flow), FALSE);

  return context->funcs->may_run_flow (context, flow, error);
}

void
flows_stage_context_run_flow (FlowsStageContext  *context,
                              FlowsFlow          *flow,
                              GHashTable         *inputs,
                              FlowsStageFlowDone  done,
                              gpointer            user_data)
{
  g_return_if_fail (context != NULL);
  g_return_if_fail (FLOWS_IS_FLOW (flow));
  g_return_if_fail (done != NULL);

  context->funcs->run_flow (context, flow, inputs, done, user_data);
}

const char *
flows_stage_context_get_access_token (FlowsStageContext  *context,
                                      GError            **error)
{
  g_return_val_if_fail (context != NULL, NULL);

  return context->funcs->get_access_token (context, error);
}

void
flows_stage_context_send_request (FlowsStageContext      *context,
                                  gboolean                uses_token,
                                  FlowsStageBuildRequest  build,
                                  FlowsStageResponseFunc  done,
                                  gpointer                user_data)
{
  g_return_if_fail (context != NULL);
  g_return_if_fail (build != NULL && done != NULL);

  context->funcs->send_request (context, uses_token, build, done, user_data);
}

void
flows_stage_context_add_secret (FlowsStageContext *context,
                                const char        *secret)
{
  g_return_if_fail (context != NULL);

  context->funcs->add_secret (context, secret);
}
