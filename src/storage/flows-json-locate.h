/* flows-json-locate.h — where a value sits in a JSON text, for "file:line:column: reason"
 * reports of problems that json-glib cannot place (a member of the wrong type, a bad value).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @path names a value from the root "$": ".name" selects an object member, "[N]" an array
 * element, as in "$.flows[0].stages[2].type"; a name runs to the next "." or "[", so a member
 * whose name holds one cannot be found. Sets @line and @column (1-based, the column in
 * characters) to where that value starts and returns TRUE; returns FALSE when the path is
 * malformed, or the text does not hold such a value or is not well-formed JSON up to it. Like
 * json-glib, a repeated member name means its last occurrence, and C-style comments are allowed
 * between tokens. */
gboolean flows_json_locate (const char *text,
                            gsize       length,
                            const char *path,
                            guint      *line,
                            guint      *column);

G_END_DECLS
