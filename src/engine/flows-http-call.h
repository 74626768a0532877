/* flows-http-call.h — the HTTP client of Call API stages.
 *
 * Sends one request on the runner's SoupSession and reads the response as a flow sees it
 * (docs/ARCHITECTURE.md, "Runs and errors"): with a timeout, the run's cancellation, a cap on
 * the body (the rest is never downloaded), transport failures described with the host and what
 * to check, and the body read by its content type. What goes into the request (the stage's
 * settings, expanded) is the Call API stage's business, not this file's.
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct
{
  /* For messages: the method and the URL as the flow built them. */
  const char *method;
  const char *url;
  guint       timeout_seconds;
  gsize       max_response_size;
  /* The statuses that count as success; another is a response error. */
  guint       min_status;
  guint       max_status;
} FlowsHttpRequest;

void        flows_http_call_async  (SoupSession             *session,
                                    SoupMessage             *message,
                                    const FlowsHttpRequest  *request,
                                    GCancellable            *cancellable,
                                    GAsyncReadyCallback      callback,
                                    gpointer                 user_data);
/* The response as the stage's outputs: status, reason, headers (names in lower case, repeats
 * joined), size, contentType, url, body. @response_error gets what is wrong with a response that
 * came (a status outside the success range, a body that says it is JSON and is not): the
 * outputs are there all the same, for a fail route to look at. NULL with @error when no
 * response came (the transport failed, the timeout passed, the body was too large, the run was
 * cancelled). */
JsonObject *flows_http_call_finish (GAsyncResult            *result,
                                    guint                   *status,
                                    GError                 **response_error,
                                    GError                 **error);

G_END_DECLS
