/* flows-runner.h — runs flows (docs/ARCHITECTURE.md, "Runs and errors").
 *
 * A runner owns one SoupSession shared by all its runs, so connections to a service are reused.
 * Runs are asynchronous and never block the main loop; many can run at once on one runner.
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "flows-app.h"
#include "flows-connection.h"
#include "flows-library.h"
#include "flows-run.h"

G_BEGIN_DECLS

/* Built-in references a caller may provide for a run (the OAuth sign-in does). */
#define FLOWS_BUILTIN_STATE          "State"
#define FLOWS_BUILTIN_CODE_CHALLENGE "CodeChallenge"
#define FLOWS_BUILTIN_CODE_VERIFIER  "CodeVerifier"

/* Call Flow stages may nest this deep. */
#define FLOWS_RUNNER_MAX_DEPTH 16
/* Default cap on a response body. */
#define FLOWS_RUNNER_DEFAULT_MAX_RESPONSE_SIZE (10 * 1024 * 1024)

#define FLOWS_TYPE_RUNNER (flows_runner_get_type ())
G_DECLARE_FINAL_TYPE (FlowsRunner, flows_runner, FLOWS, RUNNER, GObject)

/* Signals, for a view that follows a run as it goes (the flow editor's cards):
 *   ::stage-started (FlowsFlow *flow, guint depth, const char *stage_id)
 *   ::stage-finished (FlowsFlow *flow, guint depth, const char *stage_id, const char *route,
 *                     gboolean failed, gint64 duration_us)
 * @depth is 0 for the flow that was run, 1 inside a Call Flow, …; @route is the route taken,
 * NULL when the run stopped at the stage. They carry no settings, outputs or messages: those may
 * hold secrets until the run ends and its trace is redacted (flows_run_get_trace()). */
FlowsRunner *flows_runner_new                   (void);
SoupSession *flows_runner_get_session           (FlowsRunner      *self);
gsize        flows_runner_get_max_response_size (FlowsRunner      *self);
void         flows_runner_set_max_response_size (FlowsRunner      *self,
                                                 gsize             max_size);

/* Runs @flow of @app. @inputs (name → value) feed the Trigger; @connection, when given,
 * provides parameter values and, through the keyring, sensitive values and tokens; @builtins
 * (name → value) provides State, CodeChallenge and CodeVerifier. Both tables may be NULL.
 *
 * The result is a FlowsRun whether the flow succeeded or failed; the GError is for a run that
 * could not happen at all, or was cancelled (G_IO_ERROR_CANCELLED). */
void         flows_runner_run_async             (FlowsRunner      *self,
                                                 FlowsApp         *app,
                                                 FlowsFlow        *flow,
                                                 GHashTable       *inputs,
                                                 FlowsConnection  *connection,
                                                 GHashTable       *builtins,
                                                 GCancellable     *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer          user_data);
FlowsRun    *flows_runner_run_finish            (FlowsRunner      *self,
                                                 GAsyncResult     *result,
                                                 GError          **error);

/* The library that saves a connection after its tokens change (a refresh, or a refresh that
 * was refused and left the connection needing sign-in). NULL: the runner saves nothing. */
void         flows_runner_set_library           (FlowsRunner      *self,
                                                 FlowsLibrary     *library);

/* Refreshes @connection's access token through the App's OAuth Step 3 flow and stores the new
 * tokens. Every caller asking while a refresh of the same connection is under way waits for
 * that one: the provider sees a single request. A refused refresh (invalid_grant) marks the
 * connection as needing sign-in with the provider's words (FLOWS_OAUTH_ERROR_NEEDS_SIGN_IN).
 * Call API stages that use the connection's token do this by themselves, before a token that
 * expires within a minute is used and once after a 401. */
void         flows_runner_refresh_async         (FlowsRunner      *self,
                                                 FlowsApp         *app,
                                                 FlowsConnection  *connection,
                                                 GCancellable     *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer          user_data);
gboolean     flows_runner_refresh_finish        (FlowsRunner      *self,
                                                 GAsyncResult     *result,
                                                 GError          **error);

G_END_DECLS
