/* bench-engine.c — what the flow engine costs on top of the HTTP request it makes.
 *
 * In one process, a SoupServer on 127.0.0.1 serves a small JSON document and the
 * same URL is fetched
 *
 *   engine: by a flow Trigger → Call API (GET the URL) → Add To Response (name = <call.body.name>)
 *           run through flows_runner_run_async();
 *   bare:   by plain libsoup on a SoupSession configured like the runner's (same user agent,
 *           max-conns, max-conns-per-host): soup_message_new() from the URL text,
 *           soup_session_send_async(), g_input_stream_read_bytes_async() in 64 KiB chunks until
 *           end of stream (the engine's read pattern), then json_parser_load_from_data() and a
 *           check that the root object's "name" is the expected string. The engine parses the
 *           JSON body too: a baseline that skipped parsing would charge the engine for work any
 *           client of a JSON API does. The baseline sets no timeout and no cancellable, builds no
 *           trace and no response object: that is the overhead being measured.
 *
 * Sequential: after a warm-up of both, the two are measured in alternating blocks (engine first
 * in even blocks, bare first in odd ones), so drift and machine noise hit both. Each request is
 * awaited before the next starts and is timed from the call that starts it until control is back
 * in the driver loop below, so freeing what the request made (the FlowsRun, the parser) counts.
 * Both wait the same way: g_main_context_iteration() on the default context until a flag is set.
 * The client thread's CPU time per request (user and system, mean, read once per block) is
 * printed too: it leaves out the time spent waiting for the server and is less at the mercy of
 * the scheduler than the wall-clock times, so it shows the engine's own cost more steadily.
 *
 * Concurrent: rounds of N requests started at once (N engine runs on one runner, then N bare
 * requests on one session, alternating which goes first), timed until the last one finishes.
 *
 * Where the server runs. It runs in its own thread with its own GMainContext, not on the
 * client's context. On the client's context, every request's server work (accepting, parsing
 * the request, writing the response) would be dispatched between the client's own callbacks:
 * the same absolute cost added to both sides, which pulls the ratio towards 1 and flatters the
 * engine, and server and client callbacks would compete for the one loop, so that how they
 * interleave (which differs between the two clients) would change what is measured. In its own
 * thread the server works in parallel (this machine has 2 cores), each side's time is its own
 * CPU time plus the same loopback round trip, and the ratio shows the engine's real overhead.
 * Both sides talk to the same server, in the same way, at alternating times.
 *
 * Exit status: 0 when every request succeeded, 1 otherwise. Times are only printed, never
 * checked; the last line is `engine-overhead-ratio: X.XX` (engine median / bare median).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "flows-app.h"
#include "flows-runner.h"

#define DOCUMENT "{\"id\":1,\"name\":\"x\",\"items\":[1,2,3]}"
#define EXPECTED_NAME "x"
#define READ_CHUNK_SIZE (64 * 1024)

static int count = 2000;
static int warmup = 100;
static int block = 100;
static int concurrency = 200;
static int rounds = 5;
static char *only = NULL;

static const GOptionEntry options[] = {
  { "count", 'n', 0, G_OPTION_ARG_INT, &count, "Sequential requests of each kind (2000)", "N" },
  { "warmup", 'w', 0, G_OPTION_ARG_INT, &warmup, "Warm-up requests of each kind (100)", "N" },
  { "block", 'b', 0, G_OPTION_ARG_INT, &block, "Requests per alternating block (100)", "N" },
  { "concurrency", 'c', 0, G_OPTION_ARG_INT, &concurrency, "Requests started at once (200)", "N" },
  { "rounds", 'r', 0, G_OPTION_ARG_INT, &rounds, "Concurrent rounds of each kind (5)", "N" },
  { "only", 0, 0, G_OPTION_ARG_STRING, &only,
    "Run one side only, for a profiler; prints no ratio", "engine|bare" },
  { NULL }
};

static gint64
clock_ns (clockid_t clock)
{
  struct timespec ts;

  clock_gettime (clock, &ts);
  return (gint64)ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

static gint64
now_ns (void)
{
  return clock_ns (CLOCK_MONOTONIC);
}

/* CPU time of the calling thread (the client's): read once per block, not per request, so that
 * the system call it takes stays out of the per-request times. */
static gint64
thread_cpu_ns (void)
{
  return clock_ns (CLOCK_THREAD_CPUTIME_ID);
}

static void G_GNUC_NORETURN G_GNUC_PRINTF (1, 2)
fail (const char *format,
      ...)
{
  va_list args;

  va_start (args, format);
  fprintf (stderr, "bench-engine: ");
  vfprintf (stderr, format, args);
  fprintf (stderr, "\n");
  va_end (args);
  exit (1);
}

/* The server, in its own thread ----------------------------------------------------------- */

typedef struct
{
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  char         *url;
  GMutex        mutex;
  GCond         cond;
  gboolean      ready;
  /* Client ports seen, to count connections; under the mutex. */
  GHashTable   *ports;
  guint         new_connections;
} Server;

static void
handle_document (SoupServer        *soup_server,
                 SoupServerMessage *message,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  Server *server = user_data;
  GSocketAddress *remote = soup_server_message_get_remote_address (message);
  guint port = G_IS_INET_SOCKET_ADDRESS (remote) ? g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (remote)) : 0;

  g_mutex_lock (&server->mutex);
  if (g_hash_table_add (server->ports, GUINT_TO_POINTER (port)))
    server->new_connections++;
  g_mutex_unlock (&server->mutex);

  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC,
                                    DOCUMENT, strlen (DOCUMENT));
}

static gpointer
server_thread (gpointer data)
{
  Server *server = data;
  g_autoptr(SoupServer) soup_server = NULL;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (server->context);

  /* Listening sockets attach to the thread-default context: this thread's. */
  soup_server = soup_server_new (NULL, NULL);
  soup_server_add_handler (soup_server, "/document", handle_document, server, NULL);
  if (!soup_server_listen_local (soup_server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    fail ("cannot listen on 127.0.0.1: %s", error->message);

  uris = soup_server_get_uris (soup_server);
  g_mutex_lock (&server->mutex);
  server->url = g_strdup_printf ("http://127.0.0.1:%d/document", g_uri_get_port (uris->data));
  server->ready = TRUE;
  g_cond_signal (&server->cond);
  g_mutex_unlock (&server->mutex);
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);

  g_main_loop_run (server->loop);

  soup_server_disconnect (soup_server);
  g_main_context_pop_thread_default (server->context);
  return NULL;
}

static void
server_start (Server *server)
{
  g_mutex_init (&server->mutex);
  g_cond_init (&server->cond);
  server->ports = g_hash_table_new (NULL, NULL);
  server->context = g_main_context_new ();
  server->loop = g_main_loop_new (server->context, FALSE);
  server->thread = g_thread_new ("bench-server", server_thread, server);

  g_mutex_lock (&server->mutex);
  while (!server->ready)
    g_cond_wait (&server->cond, &server->mutex);
  g_mutex_unlock (&server->mutex);
}

static void
server_stop (Server *server)
{
  g_main_loop_quit (server->loop);
  g_thread_join (server->thread);
  g_main_loop_unref (server->loop);
  g_main_context_unref (server->context);
  g_hash_table_unref (server->ports);
  g_free (server->url);
  g_mutex_clear (&server->mutex);
  g_cond_clear (&server->cond);
}

/* How many client connections the server saw opened since the last call. */
static guint
server_take_connections (Server *server)
{
  guint n;

  g_mutex_lock (&server->mutex);
  n = server->new_connections;
  server->new_connections = 0;
  g_mutex_unlock (&server->mutex);
  return n;
}

/* The two clients ------------------------------------------------------------------------- */

typedef struct
{
  /* engine */
  FlowsRunner *runner;
  FlowsApp    *app;
  FlowsFlow   *flow;
  /* bare */
  SoupSession *session;
  const char  *url;
  /* requests not finished yet */
  guint        pending;
} Bench;

typedef struct
{
  Bench       *bench;
  SoupMessage *message;
  GByteArray  *body;
} BareRequest;

static void
engine_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Bench *bench = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlowsRun) run = flows_runner_run_finish (FLOWS_RUNNER (source), result, &error);
  JsonObject *response;

  if (run == NULL)
    fail ("engine: the run did not happen: %s", error->message);
  if (!flows_run_get_succeeded (run))
    fail ("engine: the run failed at “%s”: %s",
          flows_run_get_failed_stage_name (run), flows_run_get_error_message (run));
  response = flows_run_get_response (run);
  if (g_strcmp0 (json_object_get_string_member_with_default (response, "name", NULL), EXPECTED_NAME) != 0)
    fail ("engine: the response has no name “%s”", EXPECTED_NAME);

  bench->pending--;
}

static void
engine_start (Bench *bench)
{
  bench->pending++;
  flows_runner_run_async (bench->runner, bench->app, bench->flow, NULL, NULL, NULL, NULL,
                          engine_done, bench);
}

static void
bare_request_free (BareRequest *request)
{
  g_clear_object (&request->message);
  g_clear_pointer (&request->body, g_byte_array_unref);
  g_free (request);
}

static void
bare_parse (BareRequest *request)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  if (!json_parser_load_from_data (parser, (const char *)request->body->data, request->body->len, &error))
    fail ("bare: the body is not JSON: %s", error->message);
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root) ||
      g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (root), "name", NULL),
                 EXPECTED_NAME) != 0)
    fail ("bare: the body has no name “%s”", EXPECTED_NAME);
}

static void
bare_read (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  BareRequest *request = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);

  if (chunk == NULL)
    fail ("bare: reading the body failed: %s", error->message);

  if (g_bytes_get_size (chunk) > 0)
    {
      g_byte_array_append (request->body, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
      g_input_stream_read_bytes_async (G_INPUT_STREAM (source), READ_CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                       NULL, bare_read, request);
      return;
    }

  bare_parse (request);
  request->bench->pending--;
  /* Drops the last reference to the stream: libsoup may reuse the connection. */
  g_object_unref (source);
  bare_request_free (request);
}

static void
bare_sent (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  BareRequest *request = user_data;
  g_autoptr(GError) error = NULL;
  GInputStream *stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);

  if (stream == NULL)
    fail ("bare: the request failed: %s", error->message);
  if (soup_message_get_status (request->message) != SOUP_STATUS_OK)
    fail ("bare: HTTP %u", soup_message_get_status (request->message));

  request->body = g_byte_array_new ();
  g_input_stream_read_bytes_async (stream, READ_CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                   NULL, bare_read, request);
}

static void
bare_start (Bench *bench)
{
  BareRequest *request = g_new0 (BareRequest, 1);

  request->bench = bench;
  request->message = soup_message_new ("GET", bench->url);
  bench->pending++;
  soup_session_send_async (bench->session, request->message, G_PRIORITY_DEFAULT, NULL,
                           bare_sent, request);
}

typedef void (*StartFunc) (Bench *bench);

/* Both clients wait for their requests in exactly this way. */
static void
wait_all (Bench *bench)
{
  while (bench->pending > 0)
    g_main_context_iteration (NULL, TRUE);
}

/* Runs @n requests one after the other; each one's duration (ns) goes into @times. */
static void
run_sequential (Bench     *bench,
                StartFunc  start,
                int        n,
                GArray    *times)
{
  for (int i = 0; i < n; i++)
    {
      gint64 begin = now_ns ();
      gint64 elapsed;

      start (bench);
      wait_all (bench);
      elapsed = now_ns () - begin;
      if (times != NULL)
        g_array_append_val (times, elapsed);
    }
}

/* Starts @n requests at once; returns how long until the last one finished (ns). */
static gint64
run_concurrent (Bench     *bench,
                StartFunc  start,
                int        n)
{
  gint64 begin = now_ns ();

  for (int i = 0; i < n; i++)
    start (bench);
  wait_all (bench);
  return now_ns () - begin;
}

/* Whether this run measures the engine (@engine) or bare libsoup (!@engine). */
static gboolean
measures (gboolean engine)
{
  return only == NULL || g_str_equal (only, engine ? "engine" : "bare");
}

/* Figures ---------------------------------------------------------------------------------- */

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *)a;
  gint64 y = *(const gint64 *)b;

  return x < y ? -1 : x > y;
}

/* The @p quantile of @values (sorted in place), nearest rank. */
static double
quantile (GArray *values,
          double  p)
{
  guint rank;

  g_array_sort (values, compare_int64);
  rank = (guint)(p * values->len + 0.999999);
  rank = CLAMP (rank, 1, values->len);
  return (double)g_array_index (values, gint64, rank - 1);
}

static double
mean (GArray *values)
{
  double sum = 0;

  for (guint i = 0; i < values->len; i++)
    sum += (double)g_array_index (values, gint64, i);
  return sum / values->len;
}

/* The flow ---------------------------------------------------------------------------------- */

static FlowsStage *
add_stage (FlowsFlow      *flow,
           const char     *id,
           FlowsStageType  type,
           const char     *name,
           const char     *settings_json,
           const char     *next_id)
{
  g_autoptr(FlowsStage) stage = flows_stage_new (id, id, type, name);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) settings = json_from_string (settings_json, &error);

  if (settings == NULL)
    fail ("bad settings for %s: %s", id, error->message);
  flows_stage_set_settings (stage, json_node_get_object (settings));
  if (next_id != NULL)
    flows_stage_set_route (stage, "success", next_id);
  flows_flow_add_stage (flow, stage);
  return stage; /* the flow keeps it */
}

static void
build_flow (Bench      *bench,
            const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uri));
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) call_settings = NULL;
  g_autofree char *call_json = NULL;

  /* The URL goes through the settings as JSON, so that nothing in it needs escaping by hand. */
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, "GET");
  json_builder_set_member_name (builder, "uriBase");
  json_builder_add_string_value (builder, base);
  json_builder_set_member_name (builder, "uriPath");
  json_builder_add_string_value (builder, g_uri_get_path (uri));
  json_builder_set_member_name (builder, "query");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "headers");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "body");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, "none");
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "timeout");
  json_builder_add_int_value (builder, 30);
  json_builder_end_object (builder);
  call_settings = json_builder_get_root (builder);
  call_json = json_to_string (call_settings, FALSE);

  bench->app = flows_app_new ("bench", "Benchmark", FLOWS_CONNECTION_TYPE_GENERIC);
  bench->flow = flows_flow_new ("fetch", "Fetch");
  add_stage (bench->flow, "trigger", FLOWS_STAGE_TYPE_TRIGGER, "Trigger", "{\"inputs\": []}", "call");
  add_stage (bench->flow, "call", FLOWS_STAGE_TYPE_CALL_API, "Call API", call_json, "respond");
  add_stage (bench->flow, "respond", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE, "Add To Response",
             "{\"fields\": [{\"name\": \"name\", \"value\": \"<call.body.name>\", \"mode\": \"fixed\"}]}",
             NULL);
  flows_app_add_flow (bench->app, bench->flow);
}

/* Main ------------------------------------------------------------------------------------- */

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) option_context = g_option_context_new ("— the flow engine against bare libsoup");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) engine_times = NULL;
  g_autoptr(GArray) bare_times = NULL;
  g_autoptr(GArray) engine_rounds = NULL;
  g_autoptr(GArray) bare_rounds = NULL;
  gint64 engine_cpu = 0;
  gint64 bare_cpu = 0;
  guint engine_connections = 0;
  guint bare_connections = 0;
  Server server = { 0 };
  Bench bench = { 0 };
  double engine_median = 0, bare_median = 0;
  double engine_round, bare_round;

  g_option_context_add_main_entries (option_context, options, NULL);
  if (!g_option_context_parse (option_context, &argc, &argv, &error))
    fail ("%s", error->message);
  if (count < 1 || warmup < 0 || block < 1 || concurrency < 1 || rounds < 1)
    fail ("counts must be positive");
  if (only != NULL && !g_str_equal (only, "engine") && !g_str_equal (only, "bare"))
    fail ("--only takes engine or bare");

  server_start (&server);

  bench.url = server.url;
  bench.runner = flows_runner_new ();
  /* Configured as flows_runner_init() configures the runner's. */
  bench.session = soup_session_new_with_options ("user-agent", "FlowsStudio/" PACKAGE_VERSION " ",
                                                 "max-conns", 128,
                                                 "max-conns-per-host", 32,
                                                 NULL);
  build_flow (&bench, server.url);

  printf ("GET %s: %zu bytes of application/json, server in its own thread\n", server.url, strlen (DOCUMENT));
  printf ("engine: Trigger -> Call API -> Add To Response (name = <call.body.name>), flows_runner_run_async\n");
  printf ("bare:   soup_session_send_async + read to end + json_parser_load_from_data, same session settings\n");

  /* Warm-up: connections opened, caches and allocator pools filled, lazy initialisations done. */
  if (measures (TRUE))
    run_sequential (&bench, engine_start, warmup, NULL);
  if (measures (FALSE))
    run_sequential (&bench, bare_start, warmup, NULL);
  server_take_connections (&server);

  /* Sequential, in alternating blocks. */
  engine_times = g_array_sized_new (FALSE, FALSE, sizeof (gint64), count);
  bare_times = g_array_sized_new (FALSE, FALSE, sizeof (gint64), count);
  for (int done = 0, b = 0; done < count; done += block, b++)
    {
      int n = MIN (block, count - done);

      for (int side = 0; side < 2; side++)
        {
          gboolean engine = (side == 0) == (b % 2 == 0);
          gint64 cpu;

          if (!measures (engine))
            continue;
          cpu = thread_cpu_ns ();
          run_sequential (&bench, engine ? engine_start : bare_start, n, engine ? engine_times : bare_times);
          *(engine ? &engine_cpu : &bare_cpu) += thread_cpu_ns () - cpu;
          if (engine)
            engine_connections += server_take_connections (&server);
          else
            bare_connections += server_take_connections (&server);
        }
    }

  if (measures (TRUE))
    {
      engine_median = quantile (engine_times, 0.5) / 1000.0;
      printf ("sequential engine: median %7.1f us, p90 %7.1f us, mean %7.1f us, client CPU %6.1f us (%d runs, %u new connection(s))\n",
              engine_median, quantile (engine_times, 0.9) / 1000.0, mean (engine_times) / 1000.0,
              engine_cpu / 1000.0 / count, count, engine_connections);
    }
  if (measures (FALSE))
    {
      bare_median = quantile (bare_times, 0.5) / 1000.0;
      printf ("sequential bare:   median %7.1f us, p90 %7.1f us, mean %7.1f us, client CPU %6.1f us (%d requests, %u new connection(s))\n",
              bare_median, quantile (bare_times, 0.9) / 1000.0, mean (bare_times) / 1000.0,
              bare_cpu / 1000.0 / count, count, bare_connections);
    }

  /* Concurrent, in alternating rounds. */
  engine_rounds = g_array_new (FALSE, FALSE, sizeof (gint64));
  bare_rounds = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (int r = 0; r < rounds; r++)
    for (int side = 0; side < 2; side++)
      {
        gboolean engine = (side == 0) == (r % 2 == 0);
        gint64 elapsed;

        if (!measures (engine))
          continue;
        elapsed = run_concurrent (&bench, engine ? engine_start : bare_start, concurrency);
        g_array_append_val (engine ? engine_rounds : bare_rounds, elapsed);
      }

  if (measures (TRUE))
    {
      engine_round = quantile (engine_rounds, 0.5) / 1e9;
      printf ("concurrent engine: %d runs at once on one runner: %7.0f runs/s (median of %d rounds: %.1f ms)\n",
              concurrency, concurrency / engine_round, rounds, engine_round * 1000);
    }
  if (measures (FALSE))
    {
      bare_round = quantile (bare_rounds, 0.5) / 1e9;
      printf ("concurrent bare:   %d requests at once on one session: %7.0f requests/s (median of %d rounds: %.1f ms)\n",
              concurrency, concurrency / bare_round, rounds, bare_round * 1000);
    }

  g_clear_object (&bench.runner);
  g_clear_object (&bench.session);
  g_clear_object (&bench.app);
  g_clear_object (&bench.flow);
  server_stop (&server);

  if (only == NULL)
    printf ("engine-overhead-ratio: %.2f\n", engine_median / bare_median);
  g_free (only);
  return 0;
}
