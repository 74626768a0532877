/* runner-helpers.c — the test server, flow building and run helpers */

#include "config.h"

#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>

#include "flows-flow.h"
#include "flows-layout.h"
#include "flows-stage-catalog.h"
#include "flows-stage.h"
#include "runner-helpers.h"
#include "test-files.h"

/* No single run in these tests should take this long; a hang fails instead of blocking. */
#define RUN_TIMEOUT_MS 30000

/* The test server ------------------------------------------------------------------------- */

typedef struct
{
  guint        status;
  char        *content_type;
  GBytes      *body;
  TestHandler  handler;
  gpointer     user_data;
  gboolean     hold;
  char        *bearer;    /* "Bearer TOKEN" that requests must send; NULL: any */
} Route;

static void
route_free (Route *route)
{
  g_free (route->content_type);
  g_clear_pointer (&route->body, g_bytes_unref);
  g_free (route->bearer);
  g_free (route);
}

static void
test_request_free (TestRequest *request)
{
  g_free (request->method);
  g_free (request->path);
  g_free (request->query);
  soup_message_headers_unref (request->headers);
  g_bytes_unref (request->body);
  g_free (request);
}

static Route *
route_for (TestServer *server,
           const char *path)
{
  Route *route = g_hash_table_lookup (server->routes, path);

  if (route == NULL)
    {
      route = g_new0 (Route, 1);
      g_hash_table_insert (server->routes, g_strdup (path), route);
    }
  return route;
}

static void
copy_header (const char *name,
             const char *value,
             gpointer    user_data)
{
  soup_message_headers_append (user_data, name, value);
}

static void
on_held_finished (SoupServerMessage *msg,
                  TestServer        *server)
{
  g_ptr_array_remove (server->held, msg);
}

static void
on_request (SoupServer        *soup,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  TestServer *server = user_data;
  GUri *uri = soup_server_message_get_uri (msg);
  TestRequest *request = g_new0 (TestRequest, 1);
  Route *route;

  request->method = g_strdup (soup_server_message_get_method (msg));
  request->path = g_strdup (g_uri_get_path (uri));
  request->query = g_strdup (g_uri_get_query (uri));
  request->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  soup_message_headers_foreach (soup_server_message_get_request_headers (msg), copy_header, request->headers);
  request->body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_ptr_array_add (server->requests, request);

  route = g_hash_table_lookup (server->routes, request->path);
  if (route == NULL)
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{\"ok\":true}", 11);
      return;
    }

  if (route->bearer != NULL &&
      g_strcmp0 (soup_message_headers_get_one (request->headers, "Authorization"), route->bearer) != 0)
    {
      soup_server_message_set_status (msg, 401, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        "{\"error\":\"invalid token\"}", 25);
      return;
    }

  if (route->hold)
    {
      soup_server_message_pause (msg);
      g_ptr_array_add (server->held, msg);
      g_signal_connect (msg, "finished", G_CALLBACK (on_held_finished), server);
      return;
    }

  if (route->handler != NULL)
    {
      route->handler (server, msg, request, route->user_data);
      if (soup_server_message_get_status (msg) != 0)
        return;
    }

  soup_server_message_set_status (msg, route->status, NULL);
  if (route->body != NULL)
    soup_server_message_set_response (msg, route->content_type, SOUP_MEMORY_COPY,
                                      g_bytes_get_data (route->body, NULL), g_bytes_get_size (route->body));
}

static TestServer *
server_new (GTlsCertificate *certificate)
{
  TestServer *server = g_new0 (TestServer, 1);
  g_autoptr(GError) error = NULL;
  GSList *listeners;
  GSList *uris;

  /* raw-paths: the request's path as it came on the request line, percent-encoding kept
   * (SoupServer decodes it otherwise), so that tests compare the bytes the client sent. */
  server->soup = soup_server_new ("raw-paths", TRUE, "tls-certificate", certificate, NULL);
  server->requests = g_ptr_array_new_with_free_func ((GDestroyNotify)test_request_free);
  server->routes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)route_free);
  server->held = g_ptr_array_new ();
  soup_server_add_handler (server->soup, NULL, on_request, server, NULL);

  soup_server_listen_local (server->soup, 0,
                            SOUP_SERVER_LISTEN_IPV4_ONLY | (certificate != NULL ? SOUP_SERVER_LISTEN_HTTPS : 0),
                            &error);
  g_assert_no_error (error);

  /* SoupServer listens with a backlog of 10: the connections that a runner opens at once
   * (up to 32 per host) would overflow it and be reset. Listening again sets a larger one
   * (GSocket refuses to change the backlog of a listening socket, the kernel does not). */
  listeners = soup_server_get_listeners (server->soup);
  for (GSList *l = listeners; l != NULL; l = l->next)
    g_assert_cmpint (listen (g_socket_get_fd (l->data), 256), ==, 0);
  g_slist_free (listeners);

  uris = soup_server_get_uris (server->soup);
  g_assert_nonnull (uris);
  server->port = g_uri_get_port (uris->data);
  g_assert_cmpuint (server->port, >, 0);
  g_assert_cmpstr (g_uri_get_host (uris->data), ==, "127.0.0.1");
  server->url = g_strdup_printf ("%s://127.0.0.1:%u", certificate != NULL ? "https" : "http", server->port);
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
  return server;
}

TestServer *
test_server_new (void)
{
  return server_new (NULL);
}

/* A self-signed certificate for 127.0.0.1 (subject and IP address), made for this run. */
static GTlsCertificate *
new_self_signed_certificate (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *certtool = g_find_program_in_path ("certtool");
  g_autofree char *directory = test_make_temp_dir ("flows-tls-XXXXXX");
  g_autofree char *cert_path = g_build_filename (directory, "cert.pem", NULL);
  g_autofree char *key_path = g_build_filename (directory, "key.pem", NULL);
  g_autofree char *err = NULL;
  GTlsCertificate *certificate;
  int status;

  if (openssl != NULL)
    {
      const char *argv[] = { openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-days", "1",
                             "-keyout", key_path, "-out", cert_path, NULL };

      g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err, &status, &error);
      g_assert_no_error (error);
    }
  else if (certtool != NULL)
    {
      g_autofree char *template_path = g_build_filename (directory, "template", NULL);
      const char *key_argv[] = { certtool, "--generate-privkey", "--outfile", key_path, NULL };
      const char *cert_argv[] = { certtool, "--generate-self-signed", "--load-privkey", key_path,
                                  "--template", template_path, "--outfile", cert_path, NULL };

      g_file_set_contents (template_path, "cn = 127.0.0.1\nip_address = 127.0.0.1\nexpiration_days = 1\ntls_www_server\n",
                           -1, &error);
      g_assert_no_error (error);
      g_spawn_sync (NULL, (char **)key_argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err, &status, &error);
      g_assert_no_error (error);
      if (!g_spawn_check_wait_status (status, &error))
        g_error ("could not make a key: %s\n%s", error->message, err);
      g_clear_pointer (&err, g_free);
      g_spawn_sync (NULL, (char **)cert_argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err, &status, &error);
      g_assert_no_error (error);
    }
  else
    g_error ("neither openssl nor certtool is installed (build-aux/deps test installs openssl)");

  if (!g_spawn_check_wait_status (status, &error))
    g_error ("could not make a certificate: %s\n%s", error->message, err);

  certificate = g_tls_certificate_new_from_files (cert_path, key_path, &error);
  g_assert_no_error (error);
  test_remove_tree (directory);
  return certificate;
}

TestServer *
test_server_new_tls (void)
{
  g_autoptr(GTlsCertificate) certificate = NULL;

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    g_error ("GIO has no TLS backend: install glib-networking");
  certificate = new_self_signed_certificate ();
  return server_new (certificate);
}

void
test_server_free (TestServer *server)
{
  /* Answer what is still held, so that no connection is left half done. */
  while (server->held->len > 0)
    {
      SoupServerMessage *msg = g_ptr_array_steal_index (server->held, 0);

      g_signal_handlers_disconnect_by_func (msg, on_held_finished, server);
      soup_server_message_set_status (msg, 503, NULL);
      soup_server_message_unpause (msg);
    }
  test_drain_main_context ();
  soup_server_disconnect (server->soup);
  test_drain_main_context ();
  g_object_unref (server->soup);
  g_ptr_array_unref (server->requests);
  g_hash_table_unref (server->routes);
  g_ptr_array_unref (server->held);
  g_free (server->url);
  g_free (server);
}

char *
test_server_url (TestServer *server,
                 const char *path)
{
  return g_strconcat (server->url, path, NULL);
}

void
test_server_respond (TestServer *server,
                     const char *path,
                     guint       status,
                     const char *content_type,
                     const char *body,
                     gssize      length)
{
  Route *route = route_for (server, path);

  route->status = status;
  g_free (route->content_type);
  route->content_type = g_strdup (content_type);
  g_clear_pointer (&route->body, g_bytes_unref);
  if (body != NULL)
    route->body = g_bytes_new (body, length < 0 ? strlen (body) : (gsize)length);
}

void
test_server_handle (TestServer  *server,
                    const char  *path,
                    TestHandler  handler,
                    gpointer     user_data)
{
  Route *route = route_for (server, path);

  route->handler = handler;
  route->user_data = user_data;
  if (route->status == 0)
    route->status = 200;
}

void
test_server_require_bearer (TestServer *server,
                            const char *path,
                            const char *token)
{
  Route *route = route_for (server, path);

  g_free (route->bearer);
  route->bearer = g_strconcat ("Bearer ", token, NULL);
}

void
test_server_hold (TestServer *server,
                  const char *path)
{
  route_for (server, path)->hold = TRUE;
}

guint
test_server_n_requests (TestServer *server)
{
  return server->requests->len;
}

TestRequest *
test_server_request (TestServer *server,
                     guint       index)
{
  g_assert_cmpuint (index, <, server->requests->len);
  return g_ptr_array_index (server->requests, index);
}

TestRequest *
test_server_single (TestServer *server)
{
  g_assert_cmpuint (server->requests->len, ==, 1);
  return g_ptr_array_index (server->requests, 0);
}

char *
test_request_body_text (TestRequest *request)
{
  gsize size;
  const char *data = g_bytes_get_data (request->body, &size);

  g_assert_null (size > 0 ? memchr (data, '\0', size) : NULL);
  return g_strndup (size > 0 ? data : "", size);
}


/* Apps and flows ---------------------------------------------------------------------------- */

JsonObject *
test_parse_settings (const char *single_quoted)
{
  g_autofree char *text = g_strdup (single_quoted);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  g_strdelimit (text, "'", '"');
  node = json_from_string (text, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

FlowsApp *
test_app_new (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *id = g_strconcat ("test-", uuid, NULL);

  return flows_app_new (id, "Engine test", FLOWS_CONNECTION_TYPE_GENERIC);
}

FlowsFlow *
test_flow_add (FlowsApp   *app,
               const char *name)
{
  g_autofree char *id = g_strconcat ("flow-", name, NULL);
  g_autoptr(FlowsFlow) flow = flows_flow_new (id, name);

  flows_flow_set_visibility (flow, FLOWS_FLOW_VISIBILITY_PRIVATE);
  flows_app_add_flow (app, flow);
  return flow;
}

FlowsStage *
test_stage_add_json (FlowsFlow      *flow,
                     const char     *key,
                     FlowsStageType  stage_type,
                     const char     *settings_json)
{
  g_autofree char *id = g_strconcat ("id-", key, NULL);
  g_autofree char *name = g_strconcat (key, " stage", NULL);
  g_autoptr(FlowsStage) stage = flows_stage_new (id, key, stage_type, name);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (settings_json, &error);

  if (error != NULL)
    g_error ("settings of %s are not JSON (%s): %s", key, error->message, settings_json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  flows_stage_set_settings (stage, json_node_get_object (node));
  flows_flow_add_stage (flow, stage);
  return stage;
}

FlowsStage *
test_stage_add (FlowsFlow      *flow,
                const char     *key,
                FlowsStageType  stage_type,
                const char     *settings_format,
                ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, settings_format);
  text = g_strdup_vprintf (settings_format, args);
  va_end (args);

  g_strdelimit (text, "'", '"');
  return test_stage_add_json (flow, key, stage_type, text);
}

void
test_route (FlowsStage *from,
            const char *output,
            FlowsStage *to)
{
  flows_stage_set_route (from, output, to != NULL ? flows_stage_get_id (to) : NULL);
}

FlowsStage *
test_trigger_add (FlowsFlow *flow,
                  ...)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  va_list args;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "inputs");
  json_builder_begin_array (builder);
  va_start (args, flow);
  for (const char *name = va_arg (args, const char *); name != NULL; name = va_arg (args, const char *))
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, name);
      json_builder_set_member_name (builder, "required");
      json_builder_add_boolean_value (builder, FALSE);
      json_builder_set_member_name (builder, "default");
      json_builder_add_string_value (builder, "");
      json_builder_set_member_name (builder, "sample");
      json_builder_add_string_value (builder, "");
      json_builder_end_object (builder);
    }
  va_end (args);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);
  return test_stage_add_json (flow, "trigger", FLOWS_STAGE_TYPE_TRIGGER, text);
}

void
test_app_add_param (FlowsApp   *app,
                    const char *key,
                    gboolean    sensitive,
                    const char *default_value)
{
  g_autoptr(FlowsParam) param = flows_param_new (key, key, FLOWS_PARAM_KIND_TEXT);

  flows_param_set_sensitive (param, sensitive);
  if (default_value != NULL)
    flows_param_set_default (param, default_value);
  flows_app_add_param (app, param);
}

void
test_flow_make_chain (FlowsFlow  *flow,
                      guint       n_stages,
                      guint       per_column,
                      const char *call_url)
{
  static const FlowsStageType types[] = { FLOWS_STAGE_TYPE_SET_FIELDS, FLOWS_STAGE_TYPE_CALL_API, FLOWS_STAGE_TYPE_BUILD_URL };
  GListModel *stages = flows_flow_get_stages (flow);
  g_autoptr(FlowsStage) last = g_object_ref (flows_flow_get_trigger (flow));

  for (guint i = g_list_model_get_n_items (stages); i > 0; i--)
    {
      g_autoptr(FlowsStage) stage = g_list_model_get_item (stages, i - 1);

      if (stage != last)
        flows_flow_remove_stage (flow, stage);
    }
  flows_stage_set_route (last, "success", NULL);

  for (guint i = 1; i < n_stages; i++)
    {
      FlowsStageType type = types[i % G_N_ELEMENTS (types)];
      g_autofree char *id = g_strdup_printf ("chain-%03u", i);
      g_autofree char *key = g_strdup_printf ("step%u", i);
      g_autofree char *name = g_strdup_printf ("Step %u", i);
      g_autoptr(FlowsStage) stage = flows_stage_new (id, key, type, name);
      g_autoptr(JsonObject) settings = flows_stage_catalog_default_settings (type);

      if (type == FLOWS_STAGE_TYPE_CALL_API && call_url != NULL)
        json_object_set_string_member (settings, "uriBase", call_url);
      flows_stage_set_settings (stage, settings);
      flows_stage_set_position (stage, (i / per_column) * (FLOWS_LAYOUT_CARD_WIDTH + 4 * FLOWS_LAYOUT_GRID),
                                (i % per_column) * (FLOWS_LAYOUT_CARD_HEIGHT + 2 * FLOWS_LAYOUT_GRID));
      flows_flow_add_stage (flow, stage);
      flows_stage_set_route (last, flows_stage_catalog_lookup (flows_stage_get_stage_type (last))->outputs[0], id);
      g_set_object (&last, stage);
    }
}

/* Runs -------------------------------------------------------------------------------------- */

typedef struct
{
  GMainLoop *loop;
  FlowsRun  *run;
  GError    *error;
  gboolean   done;
  gboolean   timed_out;
} Waiter;

static void
on_run_finished (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Waiter *waiter = user_data;

  waiter->run = flows_runner_run_finish (FLOWS_RUNNER (source), result, &waiter->error);
  waiter->done = TRUE;
  g_main_loop_quit (waiter->loop);
}

static gboolean
on_run_timeout (gpointer user_data)
{
  Waiter *waiter = user_data;

  waiter->timed_out = TRUE;
  g_main_loop_quit (waiter->loop);
  return G_SOURCE_REMOVE;
}

static void
wait_for_run (Waiter *waiter)
{
  guint timeout_id = g_timeout_add (RUN_TIMEOUT_MS, on_run_timeout, waiter);

  g_main_loop_run (waiter->loop);
  g_assert_false (waiter->timed_out);
  g_source_remove (timeout_id);
  g_assert_true (waiter->done);
}

FlowsRun *
test_run (FlowsRunner     *runner,
          FlowsApp        *app,
          FlowsFlow       *flow,
          GHashTable      *inputs,
          FlowsConnection *connection)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Waiter waiter = { loop, NULL, NULL, FALSE, FALSE };

  flows_runner_run_async (runner, app, flow, inputs, connection, NULL, NULL, on_run_finished, &waiter);
  wait_for_run (&waiter);
  g_assert_no_error (waiter.error);
  g_assert_nonnull (waiter.run);

  if (!flows_run_get_succeeded (waiter.run))
    g_test_message ("run of \"%s\" failed at \"%s\": %s", flows_flow_get_name (flow),
                    flows_run_get_failed_stage_name (waiter.run), flows_run_get_error_message (waiter.run));
  return waiter.run;
}

GHashTable *
test_inputs_new (const char *first_name,
                 ...)
{
  GHashTable *inputs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  va_list args;

  va_start (args, first_name);
  for (const char *name = first_name; name != NULL; name = va_arg (args, const char *))
    g_hash_table_insert (inputs, g_strdup (name), g_strdup (va_arg (args, const char *)));
  va_end (args);
  return inputs;
}

FlowsRun *
test_run_with_inputs (FlowsApp  *app,
                      FlowsFlow *flow,
                      ...)
{
  g_autoptr(FlowsRunner) runner = flows_runner_new ();
  g_autoptr(GHashTable) inputs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  va_list args;

  va_start (args, flow);
  for (const char *name = va_arg (args, const char *); name != NULL; name = va_arg (args, const char *))
    g_hash_table_insert (inputs, g_strdup (name), g_strdup (va_arg (args, const char *)));
  va_end (args);

  return test_run (runner, app, flow, inputs, NULL);
}

typedef struct
{
  GCancellable *cancellable;
  TestServer   *server;
} CancelWhenHeld;

static gboolean
cancel_now (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
on_check_held (gpointer user_data)
{
  CancelWhenHeld *cancel = user_data;

  if (cancel->server->held->len == 0)
    return G_SOURCE_CONTINUE;
  g_cancellable_cancel (cancel->cancellable);
  return G_SOURCE_REMOVE;
}

GError *
test_run_cancelled (FlowsRunner *runner,
                    FlowsApp    *app,
                    FlowsFlow   *flow,
                    TestServer  *server,
                    guint        cancel_after_ms,
                    gint64      *elapsed_us)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Waiter waiter = { loop, NULL, NULL, FALSE, FALSE };
  CancelWhenHeld cancel = { cancellable, server };
  gint64 started = g_get_monotonic_time ();
  guint source_id;

  if (cancel_after_ms == TEST_CANCEL_BEFORE_START)
    {
      g_cancellable_cancel (cancellable);
      source_id = 0;
    }
  else if (cancel_after_ms > 0)
    source_id = g_timeout_add (cancel_after_ms, cancel_now, cancellable);
  else
    source_id = g_timeout_add (5, on_check_held, &cancel);

  flows_runner_run_async (runner, app, flow, NULL, NULL, NULL, cancellable, on_run_finished, &waiter);
  wait_for_run (&waiter);
  if (elapsed_us != NULL)
    *elapsed_us = g_get_monotonic_time () - started;

  /* The source removed itself when it cancelled. */
  g_assert_true (g_cancellable_is_cancelled (cancellable));
  if (source_id != 0)
    g_assert_null (g_main_context_find_source_by_id (NULL, source_id));
  g_assert_null (waiter.run);
  g_assert_nonnull (waiter.error);
  return waiter.error;
}

/* Assertions on runs ------------------------------------------------------------------------- */

char *
test_trace_summary (FlowsRun *run)
{
  GPtrArray *trace = flows_run_get_trace (run);
  g_autoptr(GString) summary = g_string_new (NULL);

  for (guint i = 0; i < trace->len; i++)
    {
      FlowsTraceEntry *entry = g_ptr_array_index (trace, i);

      g_string_append_printf (summary, "%s%s>%s", i > 0 ? " " : "", entry->stage_key,
                              entry->route != NULL ? entry->route : "-");
    }
  return g_string_free (g_steal_pointer (&summary), FALSE);
}

FlowsTraceEntry *
test_trace_entry (FlowsRun   *run,
                  const char *key,
                  guint       nth)
{
  GPtrArray *trace = flows_run_get_trace (run);

  for (guint i = 0; i < trace->len; i++)
    {
      FlowsTraceEntry *entry = g_ptr_array_index (trace, i);

      if (g_str_equal (entry->stage_key, key) && nth-- == 0)
        return entry;
    }
  g_error ("the trace has no entry %u for stage “%s”", nth, key);
  return NULL;
}

void
test_assert_succeeded (FlowsRun *run)
{
  if (!flows_run_get_succeeded (run))
    g_error ("the run failed at “%s”: %s", flows_run_get_failed_stage_name (run),
             flows_run_get_error_message (run));
  g_assert_null (flows_run_get_error_message (run));
  g_assert_null (flows_run_get_failed_stage_id (run));
  g_assert_null (flows_run_get_failed_stage_name (run));
}

void
test_assert_contains (const char *haystack,
                      const char *needle)
{
  if (haystack == NULL || strstr (haystack, needle) == NULL)
    g_error ("“%s” does not contain “%s”", haystack, needle);
}

void
test_assert_not_contains (const char *haystack,
                          const char *needle)
{
  if (haystack != NULL && strstr (haystack, needle) != NULL)
    g_error ("“%s” contains “%s”", haystack, needle);
}

void
test_assert_failed (FlowsRun   *run,
                    const char *key,
                    ...)
{
  g_autofree char *id = g_strconcat ("id-", key, NULL);
  g_autofree char *name = g_strconcat (key, " stage", NULL);
  va_list args;

  g_assert_false (flows_run_get_succeeded (run));
  g_assert_cmpstr (flows_run_get_failed_stage_id (run), ==, id);
  g_assert_cmpstr (flows_run_get_failed_stage_name (run), ==, name);
  g_assert_nonnull (flows_run_get_error_message (run));

  va_start (args, key);
  for (const char *part = va_arg (args, const char *); part != NULL; part = va_arg (args, const char *))
    test_assert_contains (flows_run_get_error_message (run), part);
  va_end (args);
}

char *
test_json_text (JsonNode   *node,
                const char *path)
{
  return node != NULL ? flows_json_to_text (flows_json_walk (node, path)) : NULL;
}

char *
test_response_text (FlowsRun   *run,
                    const char *name)
{
  JsonObject *response = flows_run_get_response (run);

  if (!json_object_has_member (response, name))
    return NULL;
  return flows_json_to_text (json_object_get_member (response, name));
}

char *
test_entry_setting (FlowsTraceEntry *entry,
                    const char      *path)
{
  g_autoptr(JsonNode) node = NULL;

  if (entry->settings == NULL)
    return NULL;
  node = json_node_init_object (json_node_alloc (), entry->settings);
  return test_json_text (node, path);
}

char *
test_entry_output (FlowsTraceEntry *entry,
                   const char      *path)
{
  return test_json_text (entry->outputs, path);
}

char *
test_json_compact (JsonNode *node)
{
  return node != NULL ? flows_json_to_compact (node) : g_strdup ("(none)");
}

guint
test_closed_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  guint port;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, &error);
  g_assert_no_error (error);
  return port;
}

char *
test_base64url (const char *text)
{
  char *encoded = g_base64_encode ((const guchar *)text, strlen (text));

  encoded[strcspn (encoded, "=")] = '\0';
  g_strdelimit (encoded, "+", '-');
  g_strdelimit (encoded, "/", '_');
  return encoded;
}

char *
test_jwt_new (const char *header,
              const char *claims,
              const char *signature)
{
  g_autofree char *encoded_header = test_base64url (header);
  g_autofree char *encoded_claims = test_base64url (claims);
  g_autofree char *encoded_signature = test_base64url (signature);

  return g_strjoin (".", encoded_header, encoded_claims, encoded_signature, NULL);
}
