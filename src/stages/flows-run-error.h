/* flows-run-error.h — FLOWS_RUN_ERROR, the errors of a flow itself (docs/ARCHITECTURE.md, "Runs
 * and errors")
 *
 * Here rather than with the runner, because the stage types (flows-stage-kind.h) raise most of
 * them and sit below the engine; flows-run.h gives it to everyone else.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Why a flow failed, where the flow itself is the reason. A failure of the network or a file
 * stays in G_IO_ERROR (and G_RESOLVER_ERROR, G_TLS_ERROR), a keyring failure in
 * FLOWS_SECRETS_ERROR, a reference that resolves to nothing in FLOWS_EXPRESSION_ERROR; a cancelled
 * run is G_IO_ERROR_CANCELLED, as everywhere in GIO. */
#define FLOWS_RUN_ERROR (flows_run_error_quark ())

typedef enum {
  FLOWS_RUN_ERROR_INVALID_SETTING,    /* a setting as written cannot be used (method, comparator, body kind) */
  FLOWS_RUN_ERROR_INVALID_VALUE,      /* a value resolved at run time has the wrong type or form */
  FLOWS_RUN_ERROR_INVALID_URL,        /* a Call API's URL is not an http or https URL */
  FLOWS_RUN_ERROR_HTTP_STATUS,        /* a response outside the stage's success statuses */
  FLOWS_RUN_ERROR_RESPONSE_TOO_LARGE, /* a response body over the runner's cap */
  FLOWS_RUN_ERROR_NOT_SIGNED_IN,      /* a stage needs the connection's token, and there is none */
  FLOWS_RUN_ERROR_NO_TOKEN_SOURCE,    /* a token must be refreshed, and the runner has no way to */
  FLOWS_RUN_ERROR_NO_SUCH_FLOW,       /* a Call Flow names a flow the App does not have */
  FLOWS_RUN_ERROR_TOO_DEEP,           /* Call Flow stages nested beyond FLOWS_RUNNER_MAX_DEPTH */
  FLOWS_RUN_ERROR_TOO_MANY_STEPS,     /* a route leads back, and the run went round too often */
  FLOWS_RUN_ERROR_REFUSED,            /* validation refused the flow before it ran */
  FLOWS_RUN_ERROR_ENDED_WITH_ERROR,   /* an End With Error stage ended the flow with its message */
  FLOWS_RUN_ERROR_NEEDS_SIGN_IN,      /* the same, saying only signing in again can help */
} FlowsRunError;

GQuark flows_run_error_quark (void);

G_END_DECLS
