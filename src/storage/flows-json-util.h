/* flows-json-util.h — small JSON helpers json-glib 1.6 lacks */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The deepest nesting of arrays and objects that is parsed: json-glib's parser recurses once per
 * level, so a few hundred kilobytes of "[" would overflow the stack. Far deeper than any real
 * document or response. */
#define FLOWS_JSON_MAX_DEPTH 512

/* The first "[" or "{" of the JSON text @data that is nested deeper than FLOWS_JSON_MAX_DEPTH,
 * or NULL: to check before json-glib parses text of unknown origin. Brackets inside strings
 * do not count. */
const char *flows_json_find_too_deep (const char *data,
                                      gsize       size);
/* The first \u escape of the JSON text @data that is half of a UTF-16 surrogate pair (a high
 * surrogate without a low one after it, or a low one alone), or NULL. json-glib 1.6 turns it
 * into bytes that are not UTF-8, which no file or trace may hold. */
const char *flows_json_find_lone_surrogate (const char *data,
                                            gsize       size);
/* TRUE when every string and member name below @node is UTF-8: json-glib 1.6 decodes some
 * \u escapes, even of whole surrogate pairs, into bytes that are not. */
gboolean    flows_json_is_utf8             (JsonNode   *node);
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
/* JSON text of @node, compact or indented by two spaces. Use this rather than JsonGenerator:
 * json-glib 1.6 writes the double 1e20 as "1e+20.0", which is not JSON; this writes "1e+20". */
char     *flows_json_generate   (JsonNode   *node,
                                 gboolean    pretty);

G_END_DECLS
