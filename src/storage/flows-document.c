/* flows-document.c — reading and writing App and connection documents */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "flows-document.h"
#include "flows-enums.h"
#include "flows-json-locate.h"
#include "flows-json-util.h"

G_DEFINE_QUARK (flows-document-error-quark, flows_document_error)

/* Where a document is read from, so that every error can say file:line:column. */
typedef struct
{
  const char  *text;
  gsize        length;
  const char  *source;
  GError     **error;
} Reader;

/* A migration turns the root object of version N into version N + 1, in place; migrations[N - 1]
 * upgrades version N. A format change that only adds members, whose absence means their
 * defaults, needs none. */
typedef gboolean (*Migration) (JsonObject *root, GError **error);
/* @text with every "<" written "\<": a literal "<" of version 1, where it meant nothing. */
static char *
escape_references (const char *text)
{
  g_autoptr(GString) escaped = g_string_new (text);

  g_string_replace (escaped, "<", "\\<", 0);
  return g_string_free (g_steal_pointer (&escaped), FALSE);
}

static void
escape_member (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);
  g_autofree char *escaped = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
      strchr (json_node_get_string (node), '<') == NULL)
    return;
  escaped = escape_references (json_node_get_string (node));
  json_object_set_string_member (object, member, escaped);
}

/* Version 2 reads references to other parameters in a non-sensitive parameter's value (its
 * default, a connection's value; docs/ARCHITECTURE.md, "References"): a "<" that version 1 kept
 * as it is becomes "\<", which means the same now. Reading the file only checks types later,
 * so anything that is not what it should be is left for that to report. */
static gboolean
migrate_parameter_references (JsonObject  *root,
                              GError     **error)
{
  JsonNode *params = json_object_get_member (root, "parameters");
  JsonNode *values = json_object_get_member (root, "values");

  if (params != NULL && JSON_NODE_HOLDS_ARRAY (params))
    for (guint i = 0; i < json_array_get_length (json_node_get_array (params)); i++)
      {
        JsonNode *param = json_array_get_element (json_node_get_array (params), i);
        JsonNode *sensitive;

        if (!JSON_NODE_HOLDS_OBJECT (param))
          continue;
        sensitive = json_object_get_member (json_node_get_object (param), "sensitive");
        if (sensitive != NULL && JSON_NODE_HOLDS_VALUE (sensitive) &&
            json_node_get_value_type (sensitive) == G_TYPE_BOOLEAN && json_node_get_boolean (sensitive))
          continue;
        escape_member (json_node_get_object (param), "default");
      }

  if (values != NULL && JSON_NODE_HOLDS_OBJECT (values))
    {
      g_autoptr(GList) keys = json_object_get_members (json_node_get_object (values));

      for (const GList *l = keys; l != NULL; l = l->next)
        escape_member (json_node_get_object (values), l->data);
    }
  return TRUE;
}

static const Migration migrations[FLOWS_DOCUMENT_VERSION] = { migrate_parameter_references, NULL };
/* The same for the provider preset format, whose "app" member follows migrations[]. */
static const Migration provider_migrations[FLOWS_PROVIDER_VERSION] = { NULL };

/* Stage positions are kept within this many canvas units of the origin, far beyond any real
 * flow: a position such as 1e300 would not fit the integers a canvas or a file uses. */
#define MAX_POSITION 1e9

G_GNUC_PRINTF (4, 5)
static gboolean
reader_fail (Reader             *reader,
             FlowsDocumentError  code,
             const char         *path,
             const char         *format,
             ...)
{
  g_autofree char *what = NULL;
  guint line, column;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  /* A stage read from an object (flows_document_stage_from_object()) has no text to point in. */
  if (reader->source == NULL)
    g_set_error_literal (reader->error, FLOWS_DOCUMENT_ERROR, code, what);
  else if (flows_json_locate (reader->text, reader->length, path, &line, &column))
    g_set_error (reader->error, FLOWS_DOCUMENT_ERROR, code,
                 "%s:%u:%u: %s", reader->source, line, column, what);
  else
    g_set_error (reader->error, FLOWS_DOCUMENT_ERROR, code, "%s: %s", reader->source, what);

  return FALSE;
}

static const char *
describe_node (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      return _("an object");
    case JSON_NODE_ARRAY:
      return _("a list");
    case JSON_NODE_NULL:
      return _("null");
    case JSON_NODE_VALUE:
    default:
      break;
    }

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return _("a string");
    case G_TYPE_BOOLEAN:
      return _("true or false");
    default:
      return _("a number");
    }
}

static gboolean
node_holds (JsonNode *node,
            GType     value_type)
{
  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (value_type == G_TYPE_DOUBLE)
    return json_node_get_value_type (node) == G_TYPE_DOUBLE ||
           json_node_get_value_type (node) == G_TYPE_INT64;
  return json_node_get_value_type (node) == value_type;
}

/* Looks up @member of @object (at @path) and checks its type. Returns the node, or NULL when it
 * is absent and optional (error unset) or wrong (error set). */
static JsonNode *
read_member (Reader      *reader,
             JsonObject  *object,
             const char  *path,
             const char  *member,
             JsonNodeType node_type,
             GType        value_type,
             const char  *expected,
             gboolean     required)
{
  g_autofree char *member_path = g_strdup_printf ("%s.%s", path, member);
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    {
      if (required)
        reader_fail (reader, FLOWS_DOCUMENT_ERROR_INVALID, path,
                     _("“%s” is missing here"), member);
      return NULL;
    }

  if (json_node_get_node_type (node) != node_type ||
      (node_type == JSON_NODE_VALUE && !node_holds (node, value_type)))
    {
      reader_fail (reader, FLOWS_DOCUMENT_ERROR_INVALID, member_path,
                   _("“%s” must be %s, not %s"), member, expected, describe_node (node));
      return NULL;
    }

  return node;
}

/* Reads a string member into @out. Absent and optional gives @fallback. */
static gboolean
read_string (Reader      *reader,
             JsonObject  *object,
             const char  *path,
             const char  *member,
             gboolean     required,
             const char  *fallback,
             const char **out)
{
  JsonNode *node = read_member (reader, object, path, member,
                                JSON_NODE_VALUE, G_TYPE_STRING, _("a string"), required);

  if (node == NULL)
    {
      *out = fallback;
      return *reader->error == NULL;
    }

  *out = json_node_get_string (node);
  if (required && **out == '\0')
    {
      g_autofree char *member_path = g_strdup_printf ("%s.%s", path, member);
      return reader_fail (reader, FLOWS_DOCUMENT_ERROR_INVALID, member_path,
                          _("“%s” must not be empty"), member);
    }
  return TRUE;
}

static gboolean
read_boolean (Reader     *reader,
              JsonObject *object,
              const char *path,
              const char *member,
              gboolean   *out)
{
  JsonNode *node = read_member (reader, object, path, member,
                                JSON_NODE_VALUE, G_TYPE_BOOLEAN, _("true or false"), FALSE);

  *out = node != NULL ? json_node_get_boolean (node) : FALSE;
  return *reader->error == NULL;
}

static gboolean
read_number (Reader     *reader,
             JsonObject *object,
             const char *path,
             const char *member,
             gboolean    required,
             double     *out)
{
  JsonNode *node = read_member (reader, object, path, member,
                                JSON_NODE_VALUE, G_TYPE_DOUBLE, _("a number"), required);

  *out = node != NULL ? json_node_get_double (node) : 0;
  return *reader->error == NULL;
}

/* Reads a string member that must be the nick of a value of @enum_type. */
static gboolean
read_enum (Reader     *reader,
           JsonObject *object,
           const char *path,
           const char *member,
           GType       enum_type,
           gboolean    required,
           int         fallback,
           int        *out)
{
  g_autoptr(GEnumClass) klass = NULL;
  g_autoptr(GString) choices = NULL;
  g_autofree char *member_path = NULL;
  const char *nick;

  if (!read_string (reader, object, path, member, required, NULL, &nick))
    return FALSE;

  *out = fallback;
  if (nick == NULL || flows_enum_from_nick (enum_type, nick, out))
    return TRUE;

  klass = g_type_class_ref (enum_type);
  choices = g_string_new (NULL);
  for (guint i = 0; i < klass->n_values; i++)
    g_string_append_printf (choices, "%s“%s”", i > 0 ? ", " : "", klass->values[i].value_nick);

  member_path = g_strdup_printf ("%s.%s", path, member);
  return reader_fail (reader, FLOWS_DOCUMENT_ERROR_INVALID, member_path,
                      _("“%s” is not a valid %s; use one of %s"), nick, member, choices->str);
}

/* An optional list member; absent gives NULL and no error. */
static gboolean
read_array (Reader      *reader,
            JsonObject  *object,
            const char  *path,
            const char  *member,
            JsonArray  **out)
{
  JsonNode *node = read_member (reader, object, path, member,
                                JSON_NODE_ARRAY, G_TYPE_INVALID, _("a list"), FALSE);

  *out = node != NULL ? json_node_get_array (node) : NULL;
  return *reader->error == NULL;
}

static gboolean
read_object (Reader      *reader,
             JsonObject  *object,
             const char  *path,
             const char  *member,
             JsonObject **out)
{
  JsonNode *node = read_member (reader, object, path, member,
                                JSON_NODE_OBJECT, G_TYPE_INVALID, _("an object"), FALSE);

  *out = node != NULL ? json_node_get_object (node) : NULL;
  return *reader->error == NULL;
}

/* The element @index of @array as an object. */
static JsonObject *
read_element (Reader     *reader,
              JsonArray  *array,
              const char *path,
              guint       index)
{
  JsonNode *node = json_array_get_element (array, index);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree char *element_path = g_strdup_printf ("%s[%u]", path, index);
      reader_fail (reader, FLOWS_DOCUMENT_ERROR_INVALID, element_path,
                   _("each entry of this list must be an object, not %s"), describe_node (node));
      return NULL;
    }
  return json_node_get_object (node);
}

/* json-glib's scanner counts columns in bytes, and says 0 at the start of a line. Every other
 * position we report is 1-based and counts characters (see flows-json-locate.h), as editors do:
 * convert. Bytes past the end of the line (the scanner looking at the end of the text) count one
 * column each. */
static guint
scanner_column_to_column (Reader *reader,
                          guint   line,
                          guint   byte_column)
{
  const char *end = reader->text + reader->length;
  const char *line_start = reader->text;
  const char *line_end;
  gsize line_length;
  guint column;

  for (guint l = 1; l < line && line_start < end; line_start++)
    if (*line_start == '\n')
      l++;
  line_end = memchr (line_start, '\n', end - line_start);
  line_length = (line_end != NULL ? line_end : end) - line_start;

  if (byte_column <= line_length)
    column = g_utf8_strlen (line_start, byte_column);
  else
    column = g_utf8_strlen (line_start, line_length) + (byte_column - line_length);
  return MAX (column, 1);
}

/* The line and the column (in characters, from 1) of @position in the text; the bytes before
 * @position are UTF-8. */
static void
locate_pointer (Reader     *reader,
                const char *position,
                guint      *line,
                glong      *column)
{
  const char *line_start = reader->text;

  *line = 1;
  for (const char *p = reader->text; p < position; p++)
    if (*p == '\n')
      {
        (*line)++;
        line_start = p + 1;
      }
  *column = g_utf8_pointer_to_offset (line_start, position) + 1;
}

/* A number of a document as a gint64, saturated: the cast is undefined beyond its range
 * ("expiresAt": 1e300). */
static gint64
to_int64 (double value)
{
  if (value <= (double)G_MININT64)
    return G_MININT64;
  if (value >= (double)G_MAXINT64)
    return G_MAXINT64;
  return (gint64)value;
}

/* Parses @text into its root object, which must be a JSON object (a Flows Studio @kind). */
static JsonObject *
parse_root (Reader     *reader,
            const char *kind)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) parse_error = NULL;
  const char *invalid_utf8;
  const char *too_deep;
  const char *surrogate;
  JsonNode *root_node;

  if (!g_utf8_validate (reader->text, reader->length, &invalid_utf8))
    {
      guint line;
      glong column;

      locate_pointer (reader, invalid_utf8, &line, &column);
      g_set_error (reader->error, FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_SYNTAX,
                   _("%s:%u:%ld: the file is not valid UTF-8 text"),
                   reader->source, line, column);
      return NULL;
    }

  /* json-glib recurses once per level: a deep enough file would overflow the stack. */
  if ((too_deep = flows_json_find_too_deep (reader->text, reader->length)) != NULL)
    {
      guint line;
      glong column;

      locate_pointer (reader, too_deep, &line, &column);
      g_set_error (reader->error, FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_SYNTAX,
                   _("%s:%u:%ld: lists and objects are nested more than %d deep here"),
                   reader->source, line, column, FLOWS_JSON_MAX_DEPTH);
      return NULL;
    }

  /* json-glib would turn it into text that is not UTF-8: saved, the file would not load. */
  if ((surrogate = flows_json_find_lone_surrogate (reader->text, reader->length)) != NULL)
    {
      guint line;
      glong column;

      locate_pointer (reader, surrogate, &line, &column);
      g_set_error (reader->error, FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_SYNTAX,
                   _("%s:%u:%ld: “%.6s” is half of a UTF-16 surrogate pair, not a character"),
                   reader->source, line, column, surrogate);
      return NULL;
    }

  if (!json_parser_load_from_data (parser, reader->text, reader->length, &parse_error))
    {
      /* json-glib says "<data>:LINE:COLUMN: Parse error: WHAT"; keep LINE:COLUMN: WHAT. WHAT
       * quotes the text it choked on, cut at a byte count that can split a character. */
      g_autofree char *valid = g_utf8_make_valid (parse_error->message, -1);
      const char *message = valid;
      guint line, column;
      int consumed = 0;

      if (g_str_has_prefix (message, "<data>:"))
        message += strlen ("<data>:");
      if (sscanf (message, "%u:%u: %n", &line, &column, &consumed) == 2 && consumed > 0)
        g_set_error (reader->error, FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_SYNTAX,
                     _("%s:%u:%u: %s"), reader->source, line,
                     scanner_column_to_column (reader, line, column), message + consumed);
      else
        g_set_error (reader->error, FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_SYNTAX,
                     _("%s:%s"), reader->source, message);
      return NULL;
    }

  root_node = json_parser_get_root (parser);
  if (root_node != NULL && !flows_json_is_utf8 (root_node))
    {
      g_set_error (reader->error, FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_SYNTAX,
                   _("%s: a \\u escape in the file does not make a character"), reader->source);
      return NULL;
    }
  if (root_node == NULL || !JSON_NODE_HOLDS_OBJECT (root_node))
    {
      reader_fail (reader, FLOWS_DOCUMENT_ERROR_FORMAT, "$",
                   _("a Flows Studio %s is a JSON object, but this is %s"),
                   kind, root_node != NULL ? describe_node (root_node) : _("nothing"));
      return NULL;
    }
  return json_object_ref (json_node_get_object (root_node));
}

/* Checks the "format" and "version" of @object (at @path), a @kind whose format is
 * @expected_format and whose newest version is @newest_version, and migrates an older version
 * in memory with @migration_steps (the file itself is only rewritten when the user saves).
 * Returns @object, or the migrated copy (a new reference), or NULL with the error set. */
static JsonObject *
check_format (Reader           *reader,
              JsonObject       *object,
              const char       *path,
              const char       *expected_format,
              const char       *kind,
              int               newest_version,
              const Migration  *migration_steps)
{
  g_autofree char *format_path = g_strdup_printf ("%s.format", path);
  g_autofree char *version_path = g_strdup_printf ("%s.version", path);
  const char *format;
  double version;

  if (!json_object_has_member (object, "format"))
    {
      reader_fail (reader, FLOWS_DOCUMENT_ERROR_FORMAT, path,
                   _("this is not a Flows Studio %s: it has no “format” member"), kind);
      return NULL;
    }
  if (!read_string (reader, object, path, "format", TRUE, NULL, &format))
    return NULL;
  if (g_strcmp0 (format, expected_format) != 0)
    {
      reader_fail (reader, FLOWS_DOCUMENT_ERROR_FORMAT, format_path,
                   _("this is a “%s” document, not a Flows Studio %s (“%s”)"),
                   format, kind, expected_format);
      return NULL;
    }

  if (!read_number (reader, object, path, "version", TRUE, &version))
    return NULL;
  /* In range before the cast, which is undefined beyond int ("version": 1e300). */
  if (version < 1 || version > G_MAXINT || version != (int)version)
    {
      reader_fail (reader, FLOWS_DOCUMENT_ERROR_OLD_VERSION, version_path,
                   _("version %g is not a version of the Flows Studio %s format"), version, kind);
      return NULL;
    }
  if (version > newest_version)
    {
      reader_fail (reader, FLOWS_DOCUMENT_ERROR_NEWER_VERSION, version_path,
                   _("this %s was saved by a newer Flows Studio (format version %d; this one reads up to %d): update Flows Studio to open it"),
                   kind, (int)version, newest_version);
      return NULL;
    }

  if ((int)version == newest_version)
    return json_object_ref (object);

  /* The parser's tree is immutable: an older document is migrated in a copy. */
  {
    g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
    g_autoptr(JsonNode) copy = flows_json_deep_copy (node);
    JsonObject *migrated = json_node_get_object (copy);

    for (int v = (int)version; v < newest_version; v++)
      if (migration_steps[v - 1] != NULL && !migration_steps[v - 1] (migrated, reader->error))
        return NULL;
    return json_object_ref (migrated);
  }
}

/* Parses @text into its root object and checks "format" and "version" (see check_format()). */
static JsonObject *
read_root (Reader     *reader,
           const char *expected_format,
           const char *kind)
{
  g_autoptr(JsonObject) root = parse_root (reader, kind);

  if (root == NULL)
    return NULL;
  return check_format (reader, root, "$", expected_format, kind, FLOWS_DOCUMENT_VERSION, migrations);
}

static FlowsParam *
read_param (Reader     *reader,
            JsonObject *object,
            const char *path)
{
  g_autoptr(FlowsParam) param = NULL;
  g_autoptr(GStrvBuilder) choices = g_strv_builder_new ();
  g_auto(GStrv) choice_list = NULL;
  const char *key, *label, *description, *default_value;
  gboolean required, sensitive, from_sign_in;
  JsonArray *choice_array;
  int kind;

  if (!read_string (reader, object, path, "key", TRUE, NULL, &key) ||
      !read_string (reader, object, path, "label", FALSE, "", &label) ||
      !read_string (reader, object, path, "description", FALSE, "", &description) ||
      !read_enum (reader, object, path, "kind", FLOWS_TYPE_PARAM_KIND, FALSE, FLOWS_PARAM_KIND_TEXT, &kind) ||
      !read_boolean (reader, object, path, "required", &required) ||
      !read_string (reader, object, path, "default", FALSE, "", &default_value) ||
      !read_boolean (reader, object, path, "sensitive", &sensitive) ||
      !read_boolean (reader, object, path, "fromSignIn", &from_sign_in) ||
      !read_array (reader, object, path, "choices", &choice_array))
    return NULL;

  for (guint i = 0; choice_array != NULL && i < json_array_get_length (choice_array); i++)
    {
      JsonNode *node = json_array_get_element (choice_array, i);

      if (!node_holds (node, G_TYPE_STRING))
        {
          g_autofree char *choice_path = g_strdup_printf ("%s.choices[%u]", path, i);
          reader_fail (reader, FLOWS_DOCUMENT_ERROR_INVALID, choice_path,
                       _("each choice must be a string, not %s"), describe_node (node));
          return NULL;
        }
      g_strv_builder_add (choices, json_node_get_string (node));
    }
  choice_list = g_strv_builder_end (choices);

  param = flows_param_new (key, label, kind);
  flows_param_set_description (param, description);
  flows_param_set_required (param, required);
  flows_param_set_default (param, default_value);
  flows_param_set_sensitive (param, sensitive);
  flows_param_set_from_sign_in (param, from_sign_in);
  flows_param_set_choices (param, (const char * const *)choice_list);
  return g_steal_pointer (&param);
}

static FlowsStage *
read_stage (Reader     *reader,
            JsonObject *object,
            const char *path)
{
  g_autoptr(FlowsStage) stage = NULL;
  g_autofree char *routes_path = g_strdup_printf ("%s.routes", path);
  const char *id, *key, *name;
  JsonObject *position, *settings, *routes;
  double x = 0, y = 0;
  int stage_type;

  if (!read_string (reader, object, path, "id", TRUE, NULL, &id) ||
      !read_string (reader, object, path, "key", FALSE, "", &key) ||
      !read_enum (reader, object, path, "type", FLOWS_TYPE_STAGE_TYPE, TRUE, 0, &stage_type) ||
      !read_string (reader, object, path, "name", FALSE, "", &name) ||
      !read_object (reader, object, path, "position", &position) ||
      !read_object (reader, object, path, "settings", &settings) ||
      !read_object (reader, object, path, "routes", &routes))
    return NULL;

  if (position != NULL)
    {
      g_autofree char *position_path = g_strdup_printf ("%s.position", path);

      if (!read_number (reader, position, position_path, "x", TRUE, &x) ||
          !read_number (reader, position, position_path, "y", TRUE, &y))
        return NULL;
    }

  stage = flows_stage_new (id, key, stage_type, name);
  flows_stage_set_position (stage, CLAMP (x, -MAX_POSITION, MAX_POSITION),
                            CLAMP (y, -MAX_POSITION, MAX_POSITION));
  if (settings != NULL)
    flows_stage_set_settings (stage, settings);

  if (routes != NULL)
    {
      g_autoptr(GList) outputs = json_object_get_members (routes);

      for (const GList *l = outputs; l != NULL; l = l->next)
        {
          const char *target;

          if (!read_string (reader, routes, routes_path, l->data, TRUE, NULL, &target))
            return NULL;
          flows_stage_set_route (stage, l->data, target);
        }
    }

  return g_steal_pointer (&stage);
}

FlowsStage *
flows_document_stage_from_object (JsonObject  *object,
                                  GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  Reader reader = { NULL, 0, NULL, &local_error };
  FlowsStage *stage;

  g_return_val_if_fail (object != NULL, NULL);

  stage = read_stage (&reader, object, "$");
  if (stage == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return stage;
}

static FlowsFlow *
read_flow (Reader     *reader,
           JsonObject *object,
           const char *path)
{
  g_autoptr(FlowsFlow) flow = NULL;
  g_autoptr(GHashTable) stage_ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *stages_path = g_strdup_printf ("%s.stages", path);
  const char *id, *name, *description;
  int visibility, role;
  JsonArray *stages;

  if (!read_string (reader, object, path, "id", TRUE, NULL, &id) ||
      !read_string (reader, object, path, "name", TRUE, NULL, &name) ||
      !read_string (reader, object, path, "description", FALSE, "", &description) ||
      !read_enum (reader, object, path, "visibility", FLOWS_TYPE_FLOW_VISIBILITY, FALSE,
                  FLOWS_FLOW_VISIBILITY_PRIVATE, &visibility) ||
      !read_enum (reader, object, path, "role", FLOWS_TYPE_FLOW_ROLE, FALSE,
                  FLOWS_FLOW_ROLE_NONE, &role) ||
      !read_array (reader, object, path, "stages", &stages))
    return NULL;

  flow = flows_flow_new (id, name);
  flows_flow_set_description (flow, description);
  flows_flow_set_visibility (flow, visibility);
  flows_flow_set_role (flow, role);

  for (guint i = 0; stages != NULL && i < json_array_get_length (stages); i++)
    {
      g_autofree char *stage_path = g_strdup_printf ("%s[%u]", stages_path, i);
      g_autoptr(FlowsStage) stage = NULL;
      JsonObject *stage_object;

      if (!(stage_object = read_element (reader, stages, stages_path, i)) ||
          !(stage = read_stage (reader, stage_object, stage_path)))
        return NULL;

      if (!g_hash_table_add (stage_ids, (gpointer)flows_stage_get_id (stage)))
        {
          g_autofree char *id_path = g_strdup_printf ("%s.id", stage_path);
          reader_fail (reader, FLOWS_DOCUMENT_ERROR_INVALID, id_path,
                       _("two stages of flow “%s” have the id “%s”"), name, flows_stage_get_id (stage));
          return NULL;
        }
      flows_flow_add_stage (flow, stage);
    }

  return g_steal_pointer (&flow);
}

/* Reads the members of an App (@object, at @path) but its id and name, which are given. */
static FlowsApp *
read_app (Reader     *reader,
          JsonObject *object,
          const char *path,
          const char *id,
          const char *name)
{
  g_autoptr(FlowsApp) app = NULL;
  g_autoptr(GHashTable) flow_ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *params_path = g_strdup_printf ("%s.parameters", path);
  g_autofree char *flows_path = g_strdup_printf ("%s.flows", path);
  const char *description, *icon, *redirect_url, *provider, *offline_access_hint;
  JsonArray *params, *flows, *refresh_on_status;
  g_autoptr(GArray) statuses = g_array_new (FALSE, FALSE, sizeof (guint));
  int connection_type;

  if (!read_string (reader, object, path, "description", FALSE, "", &description) ||
      !read_string (reader, object, path, "icon", FALSE, "", &icon) ||
      !read_enum (reader, object, path, "connectionType", FLOWS_TYPE_CONNECTION_TYPE, TRUE, 0, &connection_type) ||
      !read_string (reader, object, path, "redirectUrl", FALSE, "", &redirect_url) ||
      !read_string (reader, object, path, "provider", FALSE, "", &provider) ||
      !read_string (reader, object, path, "offlineAccessHint", FALSE, "", &offline_access_hint) ||
      !read_array (reader, object, path, "refreshOnStatus", &refresh_on_status) ||
      !read_array (reader, object, path, "parameters", &params) ||
      !read_array (reader, object, path, "flows", &flows))
    return NULL;

  for (guint i = 0; refresh_on_status != NULL && i < json_array_get_length (refresh_on_status); i++)
    {
      JsonNode *node = json_array_get_element (refresh_on_status, i);
      double status = node_holds (node, G_TYPE_DOUBLE) ? json_node_get_double (node) : 0;

      if (status < 100 || status > 599 || status != (guint) status)
        {
          g_autofree char *status_path = g_strdup_printf ("%s.refreshOnStatus[%u]", path, i);
          reader_fail (reader, FLOWS_DOCUMENT_ERROR_INVALID, status_path,
                       _("each entry of “refreshOnStatus” must be an HTTP status, a whole number from 100 to 599"));
          return NULL;
        }
      g_array_append_val (statuses, (guint) { (guint) status });
    }

  app = flows_app_new (id, name, connection_type);
  flows_app_set_description (app, description);
  flows_app_set_icon_name (app, icon);
  flows_app_set_redirect_url (app, redirect_url);
  flows_app_set_provider (app, provider);
  flows_app_set_offline_access_hint (app, offline_access_hint);
  /* Absent or empty: the default. */
  flows_app_set_refresh_on_status (app, (const guint *)(gpointer) statuses->data, statuses->len);

  for (guint i = 0; params != NULL && i < json_array_get_length (params); i++)
    {
      g_autofree char *param_path = g_strdup_printf ("%s[%u]", params_path, i);
      g_autoptr(FlowsParam) param = NULL;
      JsonObject *element;

      if (!(element = read_element (reader, params, params_path, i)) ||
          !(param = read_param (reader, element, param_path)))
        return NULL;

      if (flows_app_find_param (app, flows_param_get_key (param)) != NULL)
        {
          g_autofree char *key_path = g_strdup_printf ("%s.key", param_path);
          reader_fail (reader, FLOWS_DOCUMENT_ERROR_INVALID, key_path,
                       _("two parameters have the key “%s”"), flows_param_get_key (param));
          return NULL;
        }
      flows_app_add_param (app, param);
    }

  for (guint i = 0; flows != NULL && i < json_array_get_length (flows); i++)
    {
      g_autofree char *flow_path = g_strdup_printf ("%s[%u]", flows_path, i);
      g_autoptr(FlowsFlow) flow = NULL;
      JsonObject *element;

      if (!(element = read_element (reader, flows, flows_path, i)) ||
          !(flow = read_flow (reader, element, flow_path)))
        return NULL;

      if (!g_hash_table_add (flow_ids, (gpointer)flows_flow_get_id (flow)))
        {
          g_autofree char *id_path = g_strdup_printf ("%s.id", flow_path);
          reader_fail (reader, FLOWS_DOCUMENT_ERROR_INVALID, id_path,
                       _("two flows have the id “%s”"), flows_flow_get_id (flow));
          return NULL;
        }
      flows_app_add_flow (app, flow);
    }

  return g_steal_pointer (&app);
}

FlowsApp *
flows_document_app_from_json (const char  *text,
                              gsize        length,
                              const char  *source,
                              GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  Reader reader = { text, length, source, &local_error };
  g_autoptr(JsonObject) root = NULL;
  g_autoptr(FlowsApp) app = NULL;
  const char *id, *name;

  g_return_val_if_fail (text != NULL, NULL);

  if (!(root = read_root (&reader, FLOWS_APP_FORMAT, _("App"))) ||
      !read_string (&reader, root, "$", "id", TRUE, NULL, &id) ||
      !read_string (&reader, root, "$", "name", TRUE, NULL, &name) ||
      !(app = read_app (&reader, root, "$", id, name)))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_steal_pointer (&app);
}

void
flows_provider_document_free (FlowsProviderDocument *document)
{
  g_free (document->id);
  g_free (document->name);
  g_free (document->description);
  g_free (document->documentation);
  g_clear_object (&document->app);
  g_free (document);
}

/* A preset's id is a word of the command line (flows-cli new-app --provider ID). */
static gboolean
is_provider_id (const char *id)
{
  for (const char *c = id; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && *c != '-' && *c != '_' && *c != '.')
      return FALSE;
  return *id != '\0';
}

FlowsProviderDocument *
flows_document_provider_from_json (const char  *text,
                                   gsize        length,
                                   const char  *source,
                                   GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  Reader reader = { text, length, source, &local_error };
  g_autoptr(JsonObject) root = NULL;
  g_autoptr(JsonObject) parsed = NULL;
  g_autoptr(JsonObject) app_root = NULL;
  g_autoptr(FlowsProviderDocument) document = g_new0 (FlowsProviderDocument, 1);
  const char *id, *name, *description, *documentation;
  JsonObject *app_object;

  g_return_val_if_fail (text != NULL, NULL);

  if (!(parsed = parse_root (&reader, _("provider preset"))) ||
      !(root = check_format (&reader, parsed, "$", FLOWS_PROVIDER_FORMAT, _("provider preset"),
                             FLOWS_PROVIDER_VERSION, provider_migrations)) ||
      !read_string (&reader, root, "$", "id", TRUE, NULL, &id) ||
      !read_string (&reader, root, "$", "name", TRUE, NULL, &name) ||
      !read_string (&reader, root, "$", "description", FALSE, "", &description) ||
      !read_string (&reader, root, "$", "documentation", FALSE, "", &documentation) ||
      !read_boolean (&reader, root, "$", "generic", &document->generic) ||
      !read_object (&reader, root, "$", "app", &app_object))
    goto failed;

  if (!is_provider_id (id))
    {
      reader_fail (&reader, FLOWS_DOCUMENT_ERROR_INVALID, "$.id",
                   _("the id “%s” may only hold letters, digits, “-”, “_” and “.”"), id);
      goto failed;
    }
  /* One line in a list of presets. */
  if (strchr (description, '\n') != NULL)
    {
      reader_fail (&reader, FLOWS_DOCUMENT_ERROR_INVALID, "$.description",
                   _("the description must be one line"));
      goto failed;
    }
  if (app_object == NULL)
    {
      reader_fail (&reader, FLOWS_DOCUMENT_ERROR_INVALID, "$", _("“%s” is missing here"), "app");
      goto failed;
    }
  if (!(app_root = check_format (&reader, app_object, "$.app", FLOWS_APP_FORMAT, _("App"),
                                 FLOWS_DOCUMENT_VERSION, migrations)) ||
      !(document->app = read_app (&reader, app_root, "$.app", id, name)))
    goto failed;

  document->id = g_strdup (id);
  document->name = g_strdup (name);
  document->description = g_strdup (description);
  document->documentation = g_strdup (documentation);
  return g_steal_pointer (&document);

failed:
  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

FlowsConnection *
flows_document_connection_from_json (const char  *text,
                                     gsize        length,
                                     const char  *source,
                                     GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  Reader reader = { text, length, source, &local_error };
  g_autoptr(JsonObject) root = NULL;
  g_autoptr(FlowsConnection) connection = NULL;
  g_autoptr(GList) keys = NULL;
  const char *id, *app_id, *name;
  JsonObject *values, *oauth, *last_test;

  g_return_val_if_fail (text != NULL, NULL);

  if (!(root = read_root (&reader, FLOWS_CONNECTION_FORMAT, _("connection"))) ||
      !read_string (&reader, root, "$", "id", TRUE, NULL, &id) ||
      !read_string (&reader, root, "$", "app", TRUE, NULL, &app_id) ||
      !read_string (&reader, root, "$", "name", FALSE, "", &name) ||
      !read_object (&reader, root, "$", "values", &values) ||
      !read_object (&reader, root, "$", "oauth", &oauth) ||
      !read_object (&reader, root, "$", "lastTest", &last_test))
    goto failed;

  connection = flows_connection_new (id, app_id, name);

  keys = values != NULL ? json_object_get_members (values) : NULL;
  for (const GList *l = keys; l != NULL; l = l->next)
    {
      const char *value;

      if (!read_string (&reader, values, "$.values", l->data, FALSE, "", &value))
        goto failed;
      flows_connection_set_value (connection, l->data, value);
    }

  if (oauth != NULL)
    {
      const char *scope, *token_type, *needs_sign_in;
      gboolean signed_in;
      double expires_at, refresh_expires_at;
      JsonObject *failure;

      if (!read_boolean (&reader, oauth, "$.oauth", "signedIn", &signed_in) ||
          !read_number (&reader, oauth, "$.oauth", "expiresAt", FALSE, &expires_at) ||
          !read_string (&reader, oauth, "$.oauth", "scope", FALSE, "", &scope) ||
          !read_string (&reader, oauth, "$.oauth", "tokenType", FALSE, "", &token_type) ||
          !read_number (&reader, oauth, "$.oauth", "refreshExpiresAt", FALSE, &refresh_expires_at) ||
          !read_string (&reader, oauth, "$.oauth", "needsSignIn", FALSE, NULL, &needs_sign_in) ||
          !read_object (&reader, oauth, "$.oauth", "signInFailure", &failure))
        goto failed;
      flows_connection_set_signed_in (connection, signed_in);
      flows_connection_set_token_expires_at (connection, to_int64 (expires_at));
      flows_connection_set_scope (connection, scope);
      flows_connection_set_token_type (connection, token_type);
      flows_connection_set_refresh_expires_at (connection, to_int64 (refresh_expires_at));
      flows_connection_set_needs_sign_in (connection, needs_sign_in);

      /* Optional, so that files written before sign-in failures were kept still load as they
       * are, and files without one are written byte for byte as before. */
      if (failure != NULL)
        {
          const char *message;
          double time;

          if (!read_number (&reader, failure, "$.oauth.signInFailure", "time", TRUE, &time) ||
              !read_string (&reader, failure, "$.oauth.signInFailure", "message", FALSE, "", &message))
            goto failed;
          flows_connection_set_sign_in_failure (connection, to_int64 (time), message);
        }
    }

  if (last_test != NULL)
    {
      const char *message;
      gboolean passed, stale;
      double time, status;

      if (!read_number (&reader, last_test, "$.lastTest", "time", TRUE, &time) ||
          !read_boolean (&reader, last_test, "$.lastTest", "passed", &passed) ||
          !read_number (&reader, last_test, "$.lastTest", "status", FALSE, &status) ||
          !read_string (&reader, last_test, "$.lastTest", "message", FALSE, "", &message) ||
          !read_boolean (&reader, last_test, "$.lastTest", "stale", &stale))
        goto failed;
      flows_connection_set_last_test (connection, to_int64 (time), passed,
                                      (guint)CLAMP (status, 0, 999), message);
      if (stale)
        flows_connection_mark_last_test_stale (connection);
    }

  return g_steal_pointer (&connection);

failed:
  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

/* Writing ---------------------------------------------------------------------------------- */

static char *
to_text (JsonObject *root)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), root);

  return flows_document_node_to_text (node);
}

static JsonObject *
new_document (const char *format)
{
  JsonObject *root = json_object_new ();

  json_object_set_string_member (root, "format", format);
  json_object_set_int_member (root, "version", FLOWS_DOCUMENT_VERSION);
  return root;
}

static JsonObject *
param_to_object (FlowsParam *param)
{
  JsonObject *object = json_object_new ();
  const char * const *choices = flows_param_get_choices (param);

  json_object_set_string_member (object, "key", flows_param_get_key (param));
  json_object_set_string_member (object, "label", flows_param_get_label (param));
  json_object_set_string_member (object, "description", flows_param_get_description (param));
  json_object_set_string_member (object, "kind",
                                 flows_enum_to_nick (FLOWS_TYPE_PARAM_KIND, flows_param_get_kind (param)));
  json_object_set_boolean_member (object, "required", flows_param_get_required (param));
  json_object_set_string_member (object, "default", flows_param_get_default (param));
  json_object_set_boolean_member (object, "sensitive", flows_param_get_sensitive (param));
  /* Only when set, so that the documents of Apps without one keep their bytes. */
  if (flows_param_get_from_sign_in (param))
    json_object_set_boolean_member (object, "fromSignIn", TRUE);
  if (choices[0] != NULL)
    {
      JsonArray *array = json_array_new ();

      for (guint i = 0; choices[i] != NULL; i++)
        json_array_add_string_element (array, choices[i]);
      json_object_set_array_member (object, "choices", array);
    }
  return object;
}

static gint64
round_to_unit (double value)
{
  value = CLAMP (value, -MAX_POSITION, MAX_POSITION);
  return (gint64)(value < 0 ? value - 0.5 : value + 0.5);
}

JsonObject *
flows_document_stage_to_object (FlowsStage *stage)
{
  JsonObject *object = json_object_new ();
  JsonObject *position = json_object_new ();
  JsonObject *routes = json_object_new ();
  g_auto(GStrv) outputs = flows_stage_list_routes (stage);
  g_autoptr(JsonNode) settings = json_node_init_object (json_node_alloc (),
                                                        flows_stage_get_settings (stage));

  json_object_set_string_member (object, "id", flows_stage_get_id (stage));
  json_object_set_string_member (object, "key", flows_stage_get_key (stage));
  json_object_set_string_member (object, "type",
                                 flows_enum_to_nick (FLOWS_TYPE_STAGE_TYPE, flows_stage_get_stage_type (stage)));
  json_object_set_string_member (object, "name", flows_stage_get_name (stage));
  /* Whole canvas units: finer positions mean nothing on screen and would make diffs noisy. */
  json_object_set_int_member (position, "x", round_to_unit (flows_stage_get_x (stage)));
  json_object_set_int_member (position, "y", round_to_unit (flows_stage_get_y (stage)));
  json_object_set_object_member (object, "position", position);
  json_object_set_member (object, "settings", json_node_copy (settings));
  for (guint i = 0; outputs[i] != NULL; i++)
    json_object_set_string_member (routes, outputs[i], flows_stage_get_route (stage, outputs[i]));
  json_object_set_object_member (object, "routes", routes);
  return object;
}

/* The autosave makes the document of an App again and again while one stage or two change
 * (docs/ARCHITECTURE.md, "Data flow"): each stage keeps the object of its last document until
 * it changes (any property, or a route), and documents made meanwhile share it. A kept object
 * is never changed, so that a worker may read it while the main thread goes on. */
static GQuark
stage_object_quark (void)
{
  return g_quark_from_static_string ("flows-document-stage-object");
}

static void
forget_stage_object (FlowsStage *stage)
{
  g_object_set_qdata (G_OBJECT (stage), stage_object_quark (), NULL);
}

static JsonObject *
kept_stage_object (FlowsStage *stage)
{
  static GQuark watched;
  JsonObject *object = g_object_get_qdata (G_OBJECT (stage), stage_object_quark ());

  if (object != NULL)
    return json_object_ref (object);

  if (watched == 0)
    watched = g_quark_from_static_string ("flows-document-stage-watched");
  if (g_object_get_qdata (G_OBJECT (stage), watched) == NULL)
    {
      g_signal_connect (stage, "notify", G_CALLBACK (forget_stage_object), NULL);
      g_signal_connect (stage, "routes-changed", G_CALLBACK (forget_stage_object), NULL);
      g_object_set_qdata (G_OBJECT (stage), watched, GINT_TO_POINTER (TRUE));
    }
  object = flows_document_stage_to_object (stage);
  g_object_set_qdata_full (G_OBJECT (stage), stage_object_quark (), object, (GDestroyNotify)json_object_unref);
  return json_object_ref (object);
}

static JsonObject *
flow_to_object (FlowsFlow *flow)
{
  JsonObject *object = json_object_new ();
  JsonArray *stages = json_array_new ();
  GListModel *model = flows_flow_get_stages (flow);

  json_object_set_string_member (object, "id", flows_flow_get_id (flow));
  json_object_set_string_member (object, "name", flows_flow_get_name (flow));
  json_object_set_string_member (object, "description", flows_flow_get_description (flow));
  json_object_set_string_member (object, "visibility",
                                 flows_enum_to_nick (FLOWS_TYPE_FLOW_VISIBILITY, flows_flow_get_visibility (flow)));
  json_object_set_string_member (object, "role",
                                 flows_enum_to_nick (FLOWS_TYPE_FLOW_ROLE, flows_flow_get_role (flow)));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FlowsStage) stage = g_list_model_get_item (model, i);
      json_array_add_object_element (stages, kept_stage_object (stage));
    }
  json_object_set_array_member (object, "stages", stages);
  return object;
}

/* The members an App has only when they differ from their defaults, so that the documents of
 * Apps without them keep their bytes. */
static void
write_app_extras (JsonObject *root,
                  FlowsApp   *app)
{
  guint n_statuses;
  const guint *statuses = flows_app_get_refresh_on_status (app, &n_statuses);

  if (*flows_app_get_provider (app) != '\0')
    json_object_set_string_member (root, "provider", flows_app_get_provider (app));
  if (*flows_app_get_offline_access_hint (app) != '\0')
    json_object_set_string_member (root, "offlineAccessHint", flows_app_get_offline_access_hint (app));
  if (n_statuses != 1 || statuses[0] != FLOWS_APP_DEFAULT_REFRESH_ON_STATUS)
    {
      JsonArray *array = json_array_sized_new (n_statuses);

      for (guint i = 0; i < n_statuses; i++)
        json_array_add_int_element (array, statuses[i]);
      json_object_set_array_member (root, "refreshOnStatus", array);
    }
}

JsonNode *
flows_document_app_to_node (FlowsApp *app)
{
  JsonNode *document;
  JsonObject *root;
  JsonArray *params;
  JsonArray *flows;
  GListModel *model;

  g_return_val_if_fail (FLOWS_IS_APP (app), NULL);

  root = new_document (FLOWS_APP_FORMAT);
  params = json_array_new ();
  flows = json_array_new ();

  json_object_set_string_member (root, "id", flows_app_get_id (app));
  json_object_set_string_member (root, "name", flows_app_get_name (app));
  json_object_set_string_member (root, "description", flows_app_get_description (app));
  json_object_set_string_member (root, "icon", flows_app_get_icon_name (app));
  json_object_set_string_member (root, "connectionType",
                                 flows_enum_to_nick (FLOWS_TYPE_CONNECTION_TYPE, flows_app_get_connection_type (app)));
  json_object_set_string_member (root, "redirectUrl", flows_app_get_redirect_url (app));
  write_app_extras (root, app);

  model = flows_app_get_params (app);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FlowsParam) param = g_list_model_get_item (model, i);
      json_array_add_object_element (params, param_to_object (param));
    }
  json_object_set_array_member (root, "parameters", params);

  model = flows_app_get_flows (app);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FlowsFlow) flow = g_list_model_get_item (model, i);
      json_array_add_object_element (flows, flow_to_object (flow));
    }
  json_object_set_array_member (root, "flows", flows);

  document = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (document, root);
  return document;
}

char *
flows_document_node_to_text (JsonNode *document)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (JSON_NODE_HOLDS_OBJECT (document), NULL);

  text = flows_json_generate (document, TRUE);
  return g_strconcat (text, "\n", NULL);
}

char *
flows_document_app_to_json (FlowsApp *app)
{
  g_autoptr(JsonNode) document = NULL;

  g_return_val_if_fail (FLOWS_IS_APP (app), NULL);

  document = flows_document_app_to_node (app);
  return flows_document_node_to_text (document);
}

char *
flows_document_connection_to_json (FlowsConnection  *connection,
                                   FlowsApp         *app,
                                   GError          **error)
{
  g_autoptr(JsonObject) root = new_document (FLOWS_CONNECTION_FORMAT);
  g_auto(GStrv) keys = flows_connection_list_value_keys (connection);
  JsonObject *values = json_object_new ();
  JsonObject *oauth = json_object_new ();
  const char *needs_sign_in = flows_connection_get_needs_sign_in (connection);

  g_return_val_if_fail (FLOWS_IS_CONNECTION (connection), NULL);

  json_object_set_string_member (root, "id", flows_connection_get_id (connection));
  json_object_set_string_member (root, "app", flows_connection_get_app_id (connection));
  json_object_set_string_member (root, "name", flows_connection_get_name (connection));

  for (guint i = 0; keys[i] != NULL; i++)
    {
      FlowsParam *param = app != NULL ? flows_app_find_param (app, keys[i]) : NULL;

      /* The last guard between a secret and the disk: callers keep sensitive values in the
       * keyring, and a bug that put one here must fail loudly, not write it. */
      if (param != NULL && flows_param_get_sensitive (param))
        {
          json_object_unref (values);
          json_object_unref (oauth);
          g_set_error (error, FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_CONTAINS_SECRET,
                       _("Connection “%s” was not saved: “%s” is sensitive and belongs in the keyring, not in a file"),
                       flows_connection_get_name (connection), keys[i]);
          return NULL;
        }
      json_object_set_string_member (values, keys[i], flows_connection_get_value (connection, keys[i]));
    }
  json_object_set_object_member (root, "values", values);

  json_object_set_boolean_member (oauth, "signedIn", flows_connection_get_signed_in (connection));
  json_object_set_int_member (oauth, "expiresAt", flows_connection_get_token_expires_at (connection));
  json_object_set_string_member (oauth, "scope", flows_connection_get_scope (connection));
  /* Written only when the provider said them, as files without them mean "not said". */
  if (*flows_connection_get_token_type (connection) != '\0')
    json_object_set_string_member (oauth, "tokenType", flows_connection_get_token_type (connection));
  if (flows_connection_get_refresh_expires_at (connection) != 0)
    json_object_set_int_member (oauth, "refreshExpiresAt", flows_connection_get_refresh_expires_at (connection));
  if (needs_sign_in != NULL)
    json_object_set_string_member (oauth, "needsSignIn", needs_sign_in);
  if (flows_connection_get_sign_in_failure (connection) != NULL)
    {
      JsonObject *failure = json_object_new ();

      json_object_set_int_member (failure, "time", flows_connection_get_sign_in_failure_time (connection));
      json_object_set_string_member (failure, "message", flows_connection_get_sign_in_failure (connection));
      json_object_set_object_member (oauth, "signInFailure", failure);
    }
  json_object_set_object_member (root, "oauth", oauth);

  if (flows_connection_get_last_test_time (connection) > 0)
    {
      JsonObject *last_test = json_object_new ();

      json_object_set_int_member (last_test, "time", flows_connection_get_last_test_time (connection));
      json_object_set_boolean_member (last_test, "passed", flows_connection_get_last_test_passed (connection));
      json_object_set_int_member (last_test, "status", flows_connection_get_last_test_status (connection));
      json_object_set_string_member (last_test, "message", flows_connection_get_last_test_message (connection));
      if (flows_connection_get_last_test_stale (connection))
        json_object_set_boolean_member (last_test, "stale", TRUE);
      json_object_set_object_member (root, "lastTest", last_test);
    }

  return to_text (root);
}

/* Files ------------------------------------------------------------------------------------ */

static gboolean
is_blank (const char *text,
          gsize       length)
{
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isspace (text[i]))
      return FALSE;
  return TRUE;
}

/* Reads a whole document, refusing directories, empty and oversized files. */
static char *
read_document (GFile   *file,
               gsize   *length,
               GError **error)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = g_file_get_parse_name (file);
  g_autofree char *contents = NULL;
  gsize size;

  info = g_file_query_info (file,
                            G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                            G_FILE_QUERY_INFO_NONE, NULL, &local_error);
  if (info == NULL)
    {
      g_set_error (error, FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_IO,
                   _("%s: cannot be read: %s"), name, local_error->message);
      return NULL;
    }

  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_set_error (error, FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_NOT_A_FILE,
                   g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY
                     ? _("%s: is a folder, not a document")
                     : _("%s: is not a regular file"),
                   name);
      return NULL;
    }

  if (g_file_info_get_size (info) > FLOWS_DOCUMENT_MAX_SIZE)
    {
      g_autofree char *size_text = g_format_size (g_file_info_get_size (info));
      g_autofree char *limit_text = g_format_size (FLOWS_DOCUMENT_MAX_SIZE);

      g_set_error (error, FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_TOO_LARGE,
                   _("%s: is too large to be a Flows Studio document (%s; the limit is %s)"),
                   name, size_text, limit_text);
      return NULL;
    }

  if (!g_file_load_contents (file, NULL, &contents, &size, NULL, &local_error))
    {
      g_set_error (error, FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_IO,
                   _("%s: cannot be read: %s"), name, local_error->message);
      return NULL;
    }

  /* The size was checked before reading, but the file may have grown since. */
  if (size > FLOWS_DOCUMENT_MAX_SIZE)
    {
      g_set_error (error, FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_TOO_LARGE,
                   _("%s: is too large to be a Flows Studio document"), name);
      return NULL;
    }

  if (is_blank (contents, size))
    {
      g_set_error (error, FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_EMPTY,
                   _("%s: is empty"), name);
      return NULL;
    }

  *length = size;
  return g_steal_pointer (&contents);
}

/* Loads @file with @parse, naming the file by its path in messages. */
static gpointer
load_document (GFile     *file,
               gpointer (*parse) (const char *, gsize, const char *, GError **),
               GError   **error)
{
  g_autofree char *name = g_file_get_parse_name (file);
  g_autofree char *text = NULL;
  gsize length;

  if (!(text = read_document (file, &length, error)))
    return NULL;

  return parse (text, length, name, error);
}

FlowsApp *
flows_document_load_app (GFile   *file,
                         GError **error)
{
  return load_document (file, (gpointer)flows_document_app_from_json, error);
}

FlowsConnection *
flows_document_load_connection (GFile   *file,
                                GError **error)
{
  return load_document (file, (gpointer)flows_document_connection_from_json, error);
}

/* Writes a temporary file beside @file and renames it over. Not g_file_replace_contents():
 * when a write fails half-way (a full disk, a quota), GLib 2.74 still renames the truncated
 * temporary file over @file (tests/hardening/test-faults.c). A private document (@mode without
 * bits for others) becomes private again even if someone opened up the old file; a shared one
 * keeps the permissions it has. */
static gboolean
replace_contents (GFile       *file,
                  const char  *text,
                  int          mode,
                  GError     **error)
{
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(GCancellable) abandon = NULL;
  GStatBuf st;

  if (path != NULL)
    {
      if ((mode & 0077) != 0 && g_stat (path, &st) == 0)
        mode = st.st_mode & 0777;
      /* It removes its temporary file when a write fails. */
      return g_file_set_contents_full (path, text, strlen (text), G_FILE_SET_CONTENTS_CONSISTENT, mode, error);
    }

  /* A file without a local path (GVfs): closing a replace stream with a cancelled cancellable
   * leaves the destination as it was. */
  stream = g_file_replace (file, NULL, FALSE,
                           (mode & 0077) == 0 ? G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION
                                              : G_FILE_CREATE_NONE,
                           NULL, error);
  if (stream == NULL)
    return FALSE;
  if (g_output_stream_write_all (G_OUTPUT_STREAM (stream), text, strlen (text), NULL, NULL, error))
    return g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, error);

  abandon = g_cancellable_new ();
  g_cancellable_cancel (abandon);
  g_output_stream_close (G_OUTPUT_STREAM (stream), abandon, NULL);
  return FALSE;
}

gboolean
flows_document_write (GFile       *file,
                      const char  *text,
                      int          mode,
                      GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autofree char *name = g_file_get_parse_name (file);

  if (!g_file_make_directory_with_parents (parent, NULL, &local_error) &&
      !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_set_error (error, FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_IO,
                   _("%s: cannot be saved: %s"), name, local_error->message);
      return FALSE;
    }
  g_clear_error (&local_error);

  if (!replace_contents (file, text, mode, &local_error))
    {
      g_set_error (error, FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_IO,
                   _("%s: cannot be saved: %s"), name, local_error->message);
      return FALSE;
    }

  return TRUE;
}
