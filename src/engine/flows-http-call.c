/* flows-http-call.c — the HTTP client of Call API stages */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "flows-http-call.h"
#include "flows-http-call-private.h"
#include "flows-json-util.h"
#include "flows-run.h"

/* How much of a response body an error message quotes. */
#define ERROR_EXCERPT_SIZE 300
#define READ_CHUNK_SIZE (64 * 1024)

typedef struct
{
  SoupMessage  *message;
  char         *method;
  char         *url;
  guint         timeout_seconds;
  gsize         max_response_size;
  guint         min_status;
  guint         max_status;
  /* This request's: cancelled by the caller's, or by the timeout. */
  GCancellable *cancellable;
  GCancellable *caller_cancellable;
  gulong        cancelled_id;
  guint         timeout_id;
  GInputStream *stream;
  GByteArray   *body;
  gboolean      timed_out;
} HttpCall;

/* What a finished call hands back. */
typedef struct
{
  JsonObject *outputs;
  guint       status;
  GError     *response_error;
} HttpResponse;

static void
http_call_free (HttpCall *call)
{
  if (call->cancelled_id != 0)
    g_cancellable_disconnect (call->caller_cancellable, call->cancelled_id);
  g_clear_handle_id (&call->timeout_id, g_source_remove);
  g_clear_object (&call->message);
  g_clear_object (&call->cancellable);
  g_clear_object (&call->caller_cancellable);
  g_clear_object (&call->stream);
  g_clear_pointer (&call->body, g_byte_array_unref);
  g_free (call->method);
  g_free (call->url);
  g_free (call);
}

static void
http_response_free (HttpResponse *response)
{
  g_clear_pointer (&response->outputs, json_object_unref);
  g_clear_error (&response->response_error);
  g_free (response);
}

static const char *
describe_tls_errors (GTlsCertificateFlags flags)
{
  if (flags & G_TLS_CERTIFICATE_UNKNOWN_CA)
    return _("it is not signed by a known certificate authority");
  if (flags & G_TLS_CERTIFICATE_BAD_IDENTITY)
    return _("it was issued for another host");
  if (flags & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    return _("it is not valid yet");
  if (flags & G_TLS_CERTIFICATE_EXPIRED)
    return _("it has expired");
  if (flags & G_TLS_CERTIFICATE_REVOKED)
    return _("it has been revoked");
  if (flags & G_TLS_CERTIFICATE_INSECURE)
    return _("its algorithm is insecure");
  return _("it could not be verified");
}


/* Turns a transport failure into a message that says what happened, and where. */
static GError *
describe_transport_error (HttpCall *call,
                          GError   *error)
{
  GUri *uri = soup_message_get_uri (call->message);
  const char *host = g_uri_get_host (uri);
  int port = g_uri_get_port (uri);
  GTlsCertificateFlags tls_errors = soup_message_get_tls_peer_certificate_errors (call->message);

  if (call->timed_out)
    return g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                        _("No response from %s %s within %u seconds"),
                        call->method, call->url, call->timeout_seconds);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);
  if (error->domain == G_RESOLVER_ERROR || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND))
    return g_error_new (G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
                        _("Could not find the host “%s” for %s %s: %s"),
                        host, call->method, call->url, error->message);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return g_error_new (G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED,
                        _("%s:%d refused the connection for %s %s: is the service running there?"),
                        host, port, call->method, call->url);
  if (error->domain == G_TLS_ERROR || tls_errors != 0)
    return g_error_new (G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                        _("The TLS certificate of %s is not trusted (%s), so %s %s was not sent"),
                        host, describe_tls_errors (tls_errors), call->method, call->url);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                        _("%s %s timed out: %s"), call->method, call->url, error->message);
  return g_error_new (error->domain, error->code,
                      _("%s %s failed: %s"), call->method, call->url, error->message);
}


static void
collect_header (const char *name,
                const char *value,
                gpointer    user_data)
{
  JsonObject *headers = user_data;
  /* Names are lowered on the stack when they fit, as most do: this runs for every header of
   * every response. */
  char small[64];
  g_autofree char *large = NULL;
  gsize length = strlen (name);
  char *key = length < sizeof small ? small : (large = g_malloc (length + 1));
  JsonNode *previous;

  for (gsize i = 0; i <= length; i++)
    key[i] = g_ascii_tolower (name[i]);

  previous = json_object_get_member (headers, key);
  if (previous != NULL)
    {
      g_autofree char *joined = g_strconcat (json_node_get_string (previous), ", ", value, NULL);
      json_object_set_string_member (headers, key, joined);
    }
  else
    json_object_set_string_member (headers, key, value);
}


/* A one-line excerpt of a response body for an error message. */
static char *
body_excerpt (GBytes *body)
{
  gsize size;
  const char *data = g_bytes_get_data (body, &size);
  g_autofree char *text = NULL;

  if (size == 0)
    return g_strdup (_("(empty body)"));
  if (!g_utf8_validate_len (data, size, NULL))
    return g_strdup_printf (_("(%zu bytes of binary data)"), size);

  text = g_strndup (data, size);
  g_strdelimit (text, "\r\n\t", ' ');
  if (g_utf8_strlen (text, -1) > ERROR_EXCERPT_SIZE)
    {
      *g_utf8_offset_to_pointer (text, ERROR_EXCERPT_SIZE) = '\0';
      return g_strconcat (g_strstrip (text), "…", NULL);
    }
  return g_strdup (g_strstrip (text));
}


/* Reads the body by its content type: JSON into a tree, a form into fields, text as text,
 * anything else by its size only. */
JsonNode *
_flows_http_parse_body (GBytes      *body,
                        const char  *media_type,
                        const char  *method,
                        const char  *url,
                        GError     **error)
{
  gsize size;
  const char *data = g_bytes_get_data (body, &size);
  g_autofree char *media = g_ascii_strdown (media_type != NULL ? media_type : "", -1);

  if (size == 0)
    return json_node_init_string (json_node_alloc (), "");

  if (g_str_equal (media, "application/json") || g_str_has_suffix (media, "+json"))
    {
      /* Not an immutable parser: sealing walks and hashes the whole tree once more, and nothing
       * changes it in place anyway (see excerpt()). */
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) parse_error = NULL;
      const char *surrogate;
      JsonNode *root;

      if (flows_json_find_too_deep (data, size) != NULL)
        {
          g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                       _("The response of %s %s nests lists and objects more than %d deep"),
                       method, url, FLOWS_JSON_MAX_DEPTH);
          return NULL;
        }
      /* json-glib would turn it into a string that is not UTF-8, in every trace and export. */
      if ((surrogate = flows_json_find_lone_surrogate (data, size)) != NULL)
        {
          g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                       _("The response of %s %s holds “%.6s”, half of a UTF-16 surrogate pair, not a character"),
                       method, url, surrogate);
          return NULL;
        }
      if (!json_parser_load_from_data (parser, data, size, &parse_error))
        {
          /* json-glib quotes the text it choked on, cut at a byte count that can split a
           * character. */
          g_autofree char *valid = g_utf8_make_valid (parse_error->message, -1);
          const char *reason = valid;

          if (g_str_has_prefix (reason, "<data>:"))
            reason += strlen ("<data>:");
          g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                       _("The response of %s %s says it is JSON but is not (%s)"),
                       method, url, reason);
          return NULL;
        }
      root = json_parser_steal_root (parser);
      if (root != NULL && !flows_json_is_utf8 (root))
        {
          json_node_unref (root);
          g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                       _("The response of %s %s holds a \\u escape that does not make a character"),
                       method, url);
          return NULL;
        }
      /* Only white space: no value, as an empty body. */
      return root != NULL ? root : json_node_init_string (json_node_alloc (), "");
    }

  if (g_str_equal (media, "application/x-www-form-urlencoded") && g_utf8_validate_len (data, size, NULL))
    {
      g_autofree char *text = g_strndup (data, size);
      g_autoptr(GHashTable) form = soup_form_decode (text);
      g_autoptr(JsonObject) fields = json_object_new ();
      g_autoptr(GList) keys = g_list_sort (g_hash_table_get_keys (form), (GCompareFunc)strcmp);

      /* Percent-decoding gives any bytes; a trace holds UTF-8. */
      for (GList *l = keys; l != NULL; l = l->next)
        {
          g_autofree char *name = g_utf8_make_valid (l->data, -1);
          g_autofree char *value = g_utf8_make_valid (g_hash_table_lookup (form, l->data), -1);

          json_object_set_string_member (fields, name, value);
        }
      return json_node_init_object (json_node_alloc (), fields);
    }

  if ((g_str_has_prefix (media, "text/") || g_str_has_suffix (media, "xml") ||
       g_str_equal (media, "application/javascript") || *media == '\0') &&
      g_utf8_validate_len (data, size, NULL))
    {
      g_autofree char *text = g_strndup (data, size);
      return json_node_init_string (json_node_alloc (), text);
    }

  /* Binary: only its size (in the "size" output) means anything in a flow. */
  return json_node_init_null (json_node_alloc ());
}


static void
complete (GTask *task)
{
  HttpCall *call = g_task_get_task_data (task);
  SoupMessage *message = call->message;
  guint status = soup_message_get_status (message);
  g_autoptr(GBytes) body = g_byte_array_free_to_bytes (g_steal_pointer (&call->body));
  g_autoptr(JsonObject) headers = json_object_new ();
  g_autofree char *final_url = g_uri_to_string_partial (soup_message_get_uri (message), G_URI_HIDE_PASSWORD);
  const char *media_type = soup_message_headers_get_content_type (soup_message_get_response_headers (message), NULL);
  HttpResponse *response = g_new0 (HttpResponse, 1);
  JsonNode *parsed;

  soup_message_headers_foreach (soup_message_get_response_headers (message), collect_header, headers);

  response->status = status;
  response->outputs = json_object_new ();
  json_object_set_int_member (response->outputs, "status", status);
  json_object_set_string_member (response->outputs, "reason", soup_message_get_reason_phrase (message));
  json_object_set_object_member (response->outputs, "headers", g_steal_pointer (&headers));
  json_object_set_int_member (response->outputs, "size", g_bytes_get_size (body));
  json_object_set_string_member (response->outputs, "contentType", media_type != NULL ? media_type : "");
  json_object_set_string_member (response->outputs, "url", final_url);

  parsed = _flows_http_parse_body (body, media_type, call->method, call->url, &response->response_error);
  if (parsed == NULL)
    {
      /* Keep the text, so that a fail route can still look at it. */
      g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
      parsed = json_node_init_string (json_node_alloc (), g_utf8_validate (text, -1, NULL) ? text : "");
    }
  json_object_set_member (response->outputs, "body", parsed);

  if (response->response_error == NULL && (status < call->min_status || status > call->max_status))
    {
      g_autofree char *excerpt_text = body_excerpt (body);
      response->response_error = g_error_new (FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_HTTP_STATUS,
                                              _("HTTP %u %s from %s %s: %s"),
                                              status, soup_message_get_reason_phrase (message),
                                              call->method, call->url, excerpt_text);
    }

  g_task_return_pointer (task, response, (GDestroyNotify)http_response_free);
  g_object_unref (task);
}

static void
on_body_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  HttpCall *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);

  if (chunk == NULL)
    {
      g_task_return_error (task, describe_transport_error (call, error));
      g_object_unref (task);
      return;
    }

  if (g_bytes_get_size (chunk) == 0)
    {
      complete (task);
      return;
    }

  if (call->body->len + g_bytes_get_size (chunk) > call->max_response_size)
    {
      g_autofree char *limit = g_format_size (call->max_response_size);

      /* Stop reading: the rest is never downloaded. */
      g_cancellable_cancel (call->cancellable);
      g_task_return_new_error (task, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_RESPONSE_TOO_LARGE,
                               _("The response of %s %s is larger than %s, the most a flow reads"),
                               call->method, call->url, limit);
      g_object_unref (task);
      return;
    }

  g_byte_array_append (call->body, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  g_input_stream_read_bytes_async (call->stream, READ_CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                   call->cancellable, on_body_read, task);
}

static void
on_request_sent (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  HttpCall *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  call->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (call->stream == NULL)
    {
      g_task_return_error (task, describe_transport_error (call, error));
      g_object_unref (task);
      return;
    }

  call->body = g_byte_array_new ();
  g_input_stream_read_bytes_async (call->stream, READ_CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                   call->cancellable, on_body_read, task);
}

static gboolean
on_timeout (gpointer user_data)
{
  HttpCall *call = user_data;

  call->timeout_id = 0;
  call->timed_out = TRUE;
  g_cancellable_cancel (call->cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_caller_cancelled (GCancellable *cancellable,
                     gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

void
flows_http_call_async (SoupSession             *session,
                       SoupMessage             *message,
                       const FlowsHttpRequest  *request,
                       GCancellable            *cancellable,
                       GAsyncReadyCallback      callback,
                       gpointer                 user_data)
{
  GTask *task = g_task_new (session, NULL, callback, user_data);
  HttpCall *call = g_new0 (HttpCall, 1);

  g_task_set_source_tag (task, flows_http_call_async);
  /* The result says whether the call was cancelled, with the words of describe_transport_error(). */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, call, (GDestroyNotify)http_call_free);

  call->message = g_object_ref (message);
  call->method = g_strdup (request->method);
  call->url = g_strdup (request->url);
  call->timeout_seconds = request->timeout_seconds;
  call->max_response_size = request->max_response_size;
  call->min_status = request->min_status;
  call->max_status = request->max_status;
  call->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      call->caller_cancellable = g_object_ref (cancellable);
      call->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                                                  g_object_ref (call->cancellable), g_object_unref);
    }
  /* Not g_timeout_add_seconds(): it rounds to a whole second and may fire up to a quarter of a
   * second early, before the time the stage promises to wait. */
  call->timeout_id = g_timeout_add (call->timeout_seconds * 1000, on_timeout, call);

  soup_session_send_async (session, message, G_PRIORITY_DEFAULT, call->cancellable, on_request_sent, task);
}

JsonObject *
flows_http_call_finish (GAsyncResult  *result,
                        guint         *status,
                        GError       **response_error,
                        GError       **error)
{
  HttpResponse *response;
  JsonObject *outputs;

  g_return_val_if_fail (G_IS_TASK (result) && g_task_get_source_tag (G_TASK (result)) == flows_http_call_async, NULL);

  if (!(response = g_task_propagate_pointer (G_TASK (result), error)))
    return NULL;
  *status = response->status;
  if (response->response_error != NULL)
    g_propagate_error (response_error, g_steal_pointer (&response->response_error));
  outputs = g_steal_pointer (&response->outputs);
  http_response_free (response);
  return outputs;
}
