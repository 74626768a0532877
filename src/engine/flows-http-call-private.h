/* flows-http-call-private.h — the piece of the HTTP client that the fuzzers (tests/fuzz) call
 * directly */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Reads a response body by its media type (a Content-Type without parameters, or NULL): JSON
 * into a tree, a form into an object of its fields, text as a string, anything else as null.
 * NULL with @error set when a body that says it is JSON is not; @method and @url name the
 * request in that error. */
JsonNode *_flows_http_parse_body (GBytes      *body,
                                  const char  *media_type,
                                  const char  *method,
                                  const char  *url,
                                  GError     **error);

G_END_DECLS
