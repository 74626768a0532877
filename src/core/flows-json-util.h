/* flows-json-util.h — small JSON helpers json-glib 1.6 lacks */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A copy that shares nothing with @node (json_node_copy() shares objects and arrays). */
JsonNode *flows_json_deep_copy  (JsonNode   *node);
/* The value at @path below @node: dot-separated member names and array indexes
 * ("items.0.id"); NULL when there is none. An empty path is @node itself. */
JsonNode *flows_json_walk       (JsonNode   *node,
                                 const char *path);
/* A value as text for substitution: strings as they are, numbers and booleans as JSON writes
 * them, objects and arrays as compact JSON; NULL for null. */
char     *flows_json_to_text    (JsonNode   *node);
/* Compact JSON text of @node. */
char     *flows_json_to_compact (JsonNode   *node);

G_END_DECLS
