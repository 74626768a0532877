/* runner-helpers.h — a SoupServer on 127.0.0.1 that records every request byte for byte (over
 * TLS with a self-signed certificate too), Apps and flows built in code, and runs waited for in
 * a main loop: the engine's tests and every other test that runs flows.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "flows-app.h"
#include "flows-connection.h"
#include "flows-json-util.h"
#include "flows-run.h"
#include "flows-runner.h"
#include "test-wait.h"

G_BEGIN_DECLS

/* The test server ------------------------------------------------------------------------- */

/* One request as the server received it. */
typedef struct
{
  char               *method;
  char               *path;    /* as on the request line: percent-encoding kept (raw-paths) */
  char               *query;   /* likewise; NULL when the request line had no "?" */
  SoupMessageHeaders *headers;
  GBytes             *body;
} TestRequest;

typedef struct _TestServer TestServer;

/* Answers a request; @request is the recorded copy. Leave @msg unanswered (status 0) to get
 * the route's canned response, or pause it to hold the request. */
typedef void (*TestHandler) (TestServer        *server,
                             SoupServerMessage *msg,
                             TestRequest       *request,
                             gpointer           user_data);

struct _TestServer
{
  SoupServer *soup;
  guint       port;
  char       *url;        /* "http://127.0.0.1:PORT" (https for a TLS server), no trailing slash */
  GPtrArray  *requests;   /* TestRequest, in arrival order */
  GHashTable *routes;     /* path -> Route */
  GPtrArray  *held;       /* SoupServerMessage paused and never answered */
};

/* Every unknown path answers 200 with {"ok":true}. */
TestServer  *test_server_new          (void);
/* Serves HTTPS with a self-signed certificate for 127.0.0.1 made for this run (with openssl or
 * certtool), which no client trusts. */
TestServer  *test_server_new_tls      (void);
void         test_server_free         (TestServer      *server);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestServer, test_server_free)

/* "http://127.0.0.1:PORT" + @path. */
char        *test_server_url          (TestServer      *server,
                                       const char      *path);
/* A canned response for @path (any method); @length -1 for a string. */
void         test_server_respond      (TestServer      *server,
                                       const char      *path,
                                       guint            status,
                                       const char      *content_type,
                                       const char      *body,
                                       gssize           length);
void         test_server_handle       (TestServer      *server,
                                       const char      *path,
                                       TestHandler      handler,
                                       gpointer         user_data);
/* Requests to @path without "Authorization: Bearer @token" get 401 with
 * {"error":"invalid token"}; the others go on as the route says. */
void         test_server_require_bearer (TestServer *server,
                                         const char *path,
                                         const char *token);
/* Requests to @path are paused and never answered. */
void         test_server_hold         (TestServer      *server,
                                       const char      *path);
guint        test_server_n_requests   (TestServer      *server);
TestRequest *test_server_request      (TestServer      *server,
                                       guint            index);
/* The only request the server received (asserts there was exactly one). */
TestRequest *test_server_single       (TestServer      *server);
/* The body of @request as a string (asserts it holds no NUL). */
char        *test_request_body_text   (TestRequest     *request);
/* Apps and flows ---------------------------------------------------------------------------- */

/* A JSON object written with single quotes, which reads better in C: every ' stands for ". */
JsonObject  *test_parse_settings      (const char      *single_quoted);

/* A Generic App with no parameters and no flows. */
FlowsApp    *test_app_new             (void);
/* Adds a private flow named @name to @app; the App keeps it. */
FlowsFlow   *test_flow_add            (FlowsApp        *app,
                                       const char      *name);
/* Adds a stage with key @key, id "id-KEY" and name "KEY stage". The settings are JSON in which
 * every ' stands for " (printf-style; write %% for a literal %). The flow keeps the stage. */
FlowsStage  *test_stage_add           (FlowsFlow       *flow,
                                       const char      *key,
                                       FlowsStageType   stage_type,
                                       const char      *settings_format,
                                       ...) G_GNUC_PRINTF (4, 5);
/* Like test_stage_add() with settings as exact JSON (no ' replacement, no printf). */
FlowsStage  *test_stage_add_json      (FlowsFlow       *flow,
                                       const char      *key,
                                       FlowsStageType   stage_type,
                                       const char      *settings_json);
void         test_route               (FlowsStage      *from,
                                       const char      *output,
                                       FlowsStage      *to);
/* A Trigger whose inputs are the NULL-terminated @names, none required. */
FlowsStage  *test_trigger_add         (FlowsFlow       *flow,
                                       ...) G_GNUC_NULL_TERMINATED;
/* A parameter of @app. */
void         test_app_add_param       (FlowsApp        *app,
                                       const char      *key,
                                       gboolean         sensitive,
                                       const char      *default_value);
/* The flow of @flow's Trigger and a chain of @n_stages - 1 stages after it, the rest removed:
 * Set Fields, Call API and Build URL in turn (ids "chain-001"…, keys "step1"…, names
 * "Step 1"…), each with its type's default settings, placed in columns of @per_column; the
 * Call APIs with @call_url as their URL (none when NULL: their cards then show a problem).
 * A view of it is full of cards and routes. */
void         test_flow_make_chain     (FlowsFlow       *flow,
                                       guint            n_stages,
                                       guint            per_column,
                                       const char      *call_url);

/* Runs -------------------------------------------------------------------------------------- */

/* Runs @flow and waits for it. The run must happen (no GError): the outcome is in the result. */
FlowsRun    *test_run                 (FlowsRunner     *runner,
                                       FlowsApp        *app,
                                       FlowsFlow       *flow,
                                       GHashTable      *inputs,
                                       FlowsConnection *connection);
/* The same with a new runner and inputs as NULL-terminated name, value pairs. */
FlowsRun    *test_run_with_inputs     (FlowsApp        *app,
                                       FlowsFlow       *flow,
                                       ...) G_GNUC_NULL_TERMINATED;
/* Runs @flow, cancelling it after @cancel_after_ms (0: when @server holds a request;
 * TEST_CANCEL_BEFORE_START: before it starts), and returns the GError of run_finish (asserting
 * there is one and no run). */
#define TEST_CANCEL_BEFORE_START G_MAXUINT
GError      *test_run_cancelled       (FlowsRunner     *runner,
                                       FlowsApp        *app,
                                       FlowsFlow       *flow,
                                       TestServer      *server,
                                       guint            cancel_after_ms,
                                       gint64          *elapsed_us);
GHashTable  *test_inputs_new          (const char      *first_name,
                                       ...) G_GNUC_NULL_TERMINATED;

/* Assertions on runs ------------------------------------------------------------------------- */

/* "key>route key>route …" for every trace entry ("-" when no route was taken). */
char        *test_trace_summary       (FlowsRun        *run);
#define test_assert_trace(run, expected) \
  G_STMT_START { \
    g_autofree char *_summary = test_trace_summary (run); \
    g_assert_cmpstr (_summary, ==, (expected)); \
  } G_STMT_END
/* The @nth (from 0) trace entry of the stage with key @key; asserts it exists. */
FlowsTraceEntry *test_trace_entry     (FlowsRun        *run,
                                       const char      *key,
                                       guint            nth);
void         test_assert_succeeded    (FlowsRun        *run);
/* The run failed at the stage with key @key with a message containing each of the
 * NULL-terminated strings. */
void         test_assert_failed       (FlowsRun        *run,
                                       const char      *key,
                                       ...) G_GNUC_NULL_TERMINATED;
void         test_assert_contains     (const char      *haystack,
                                       const char      *needle);
void         test_assert_not_contains (const char      *haystack,
                                       const char      *needle);
/* The value at @path below @node as text (flows_json_to_text), NULL when there is none. */
char        *test_json_text           (JsonNode        *node,
                                       const char      *path);
/* The response member @name as text. */
char        *test_response_text       (FlowsRun        *run,
                                       const char      *name);
/* The string setting at @path of a trace entry's resolved settings. */
char        *test_entry_setting       (FlowsTraceEntry *entry,
                                       const char      *path);
/* The output at @path of a trace entry. */
char        *test_entry_output        (FlowsTraceEntry *entry,
                                       const char      *path);
/* Compact JSON of @node, for messages and exact comparisons. */
char        *test_json_compact        (JsonNode        *node);

/* A free port: bound, then closed again, so that connecting to it is refused. */
guint        test_closed_port         (void);

/* Base64url without padding (RFC 4648 §5), written here rather than taken from the code under
 * test, so that a bug there cannot make both sides agree. */
char        *test_base64url           (const char      *text);
/* A compact JWS from the JSON texts of its header and claims and the text of its signature. */
char        *test_jwt_new             (const char      *header,
                                       const char      *claims,
                                       const char      *signature);

G_END_DECLS
