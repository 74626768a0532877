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
#include "flows-run.h"
#include "flows-token-source.h"

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

/* Where Call API stages get a fresh access token (flows-token-source.h): before they send a
 * token that expires within a minute, and once after a 401. src/auth's FlowsTokenRefresher is
 * the one the programs use (flows_token_refresher_attach()). NULL: this runner refreshes no
 * token, and a stage that needs a refreshed one fails saying so. */
void              flows_runner_set_token_source (FlowsRunner      *self,
                                                 FlowsTokenSource *token_source);
FlowsTokenSource *flows_runner_get_token_source (FlowsRunner      *self);

G_END_DECLS
