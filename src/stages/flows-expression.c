/* flows-expression.c — parsing and context-aware expansion of `<Name>` references.
 *
 * Grammar: reference = "<" name ("." segment)* ">", name = [A-Za-z_][A-Za-z0-9_]*,
 * segment = [A-Za-z0-9_-]+ (array indexes and header names such as content-type are segments).
 * "\<" is a literal "<"; a backslash before anything else is itself; a lone ">" is literal.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "flows-expression.h"

typedef struct {
  char     *text;          /* literal text with "\<" decoded, or the dotted reference */
  gboolean  is_reference;
} Part;

struct _FlowsExpression {
  GArray    *parts;          /* of Part */
  GPtrArray *references;     /* borrowed from parts, for indexed access */
  gsize      literal_length; /* bytes of literal text: the least an expansion needs */
};

G_DEFINE_QUARK (flows-expression-error-quark, flows_expression_error)

G_DEFINE_BOXED_TYPE (FlowsExpression, flows_expression, flows_expression_ref, flows_expression_unref)

static void
part_clear (gpointer data)
{
  Part *part = data;

  g_clear_pointer (&part->text, g_free);
}

static void
expression_clear (gpointer data)
{
  FlowsExpression *self = data;

  g_clear_pointer (&self->references, g_ptr_array_unref);
  g_clear_pointer (&self->parts, g_array_unref);
}

static FlowsExpression *
expression_new (void)
{
  FlowsExpression *self = g_atomic_rc_box_new0 (FlowsExpression);

  self->parts = g_array_new (FALSE, FALSE, sizeof (Part));
  g_array_set_clear_func (self->parts, part_clear);
  self->references = g_ptr_array_new ();

  return self;
}

FlowsExpression *
flows_expression_ref (FlowsExpression *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

void
flows_expression_unref (FlowsExpression *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, expression_clear);
}

static void
add_literal (FlowsExpression *self,
             GString         *literal)
{
  Part part = { NULL, FALSE };

  if (literal->len == 0)
    return;

  self->literal_length += literal->len;
  part.text = g_strndup (literal->str, literal->len);
  g_array_append_val (self->parts, part);
  g_string_truncate (literal, 0);
}

static void
add_reference (FlowsExpression *self,
               const char      *start,
               gsize            length)
{
  Part part = { g_strndup (start, length), TRUE };

  g_array_append_val (self->parts, part);
  g_ptr_array_add (self->references, part.text);
}

static inline gboolean
is_name_start (char c)
{
  return g_ascii_isalpha (c) || c == '_';
}

static inline gboolean
is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

static inline gboolean
is_segment_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '-';
}

/* "column 7", or "line 3, column 7" in a multi-line template such as a raw body, counting
 * characters rather than bytes because that is what an editor shows. */
static char *
describe_position (const char *text,
                   const char *position)
{
  const char *line_start = text;
  guint line = 1;
  guint column = 1;

  for (const char *p = text; p < position; p++)
    {
      if (*p == '\n')
        {
          line++;
          line_start = p + 1;
        }
    }

  for (const char *p = line_start; p < position; p++)
    {
      /* UTF-8 continuation bytes do not start a character. */
      if (((guchar) *p & 0xC0) != 0x80)
        column++;
    }

  if (line == 1)
    return g_strdup_printf (_("column %u"), column);

  return g_strdup_printf (_("line %u, column %u"), line, column);
}

/* What the parser found instead of what it expected, readable even for invisible characters. */
static char *
describe_character (const char *p)
{
  gunichar c = g_utf8_get_char_validated (p, -1);

  switch (c)
    {
    case ' ':
      return g_strdup (_("a space"));
    case '\t':
      return g_strdup (_("a tab"));
    case '\n':
    case '\r':
      return g_strdup (_("a line break"));
    case (gunichar) -1:
    case (gunichar) -2:
      return g_strdup_printf (_("the byte 0x%02X, which is not UTF-8"), (guchar) *p);
    default:
      if (g_unichar_isgraph (c))
        return g_strdup_printf ("\"%.*s\"", (int) (g_utf8_next_char (p) - p), p);
      return g_strdup_printf ("U+%04X", c);
    }
}

/* Checks the reference starting at the "<" at @start and sets @end to its ">". */
static gboolean
scan_reference (const char  *text,
                const char  *start,
                const char **end,
                GError     **error)
{
  const char *p = start + 1;
  g_autofree char *position = NULL;
  g_autofree char *found = NULL;

  if (!is_name_start (*p))
    {
      position = describe_position (text, start);
      g_set_error (error, FLOWS_EXPRESSION_ERROR, FLOWS_EXPRESSION_ERROR_SYNTAX,
                   _("%s: \"<\" must start a reference such as <ApiKey>; write \\< for a literal \"<\""),
                   position);
      return FALSE;
    }

  while (is_name_char (*p))
    p++;

  for (;;)
    {
      if (*p == '>')
        {
          *end = p;
          return TRUE;
        }

      if (*p == '\0')
        break;

      if (*p != '.')
        {
          position = describe_position (text, p);
          found = describe_character (p);
          g_set_error (error, FLOWS_EXPRESSION_ERROR, FLOWS_EXPRESSION_ERROR_SYNTAX,
                       _("%s: expected \".\" or \">\" after \"%.*s\", found %s"),
                       position, (int) (p - start), start, found);
          return FALSE;
        }

      p++;

      if (*p == '\0')
        break;

      if (!is_segment_char (*p))
        {
          position = describe_position (text, p);
          found = describe_character (p);
          g_set_error (error, FLOWS_EXPRESSION_ERROR, FLOWS_EXPRESSION_ERROR_SYNTAX,
                       _("%s: expected a field name or index after \"%.*s\", found %s"),
                       position, (int) (p - start), start, found);
          return FALSE;
        }

      while (is_segment_char (*p))
        p++;
    }

  /* Point at the "<": the end of a long body says little about which reference is open. */
  position = describe_position (text, start);
  g_set_error (error, FLOWS_EXPRESSION_ERROR, FLOWS_EXPRESSION_ERROR_SYNTAX,
               _("%s: reference \"%s\" is not closed; expected \">\""),
               position, start);
  return FALSE;
}

FlowsExpression *
flows_expression_parse (const char  *text,
                        GError     **error)
{
  g_autoptr(FlowsExpression) self = NULL;
  g_autoptr(GString) literal = NULL;
  const char *p = text;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = expression_new ();
  literal = g_string_new (NULL);

  while (*p != '\0')
    {
      gsize plain = strcspn (p, "\\<");
      const char *end;

      g_string_append_len (literal, p, plain);
      p += plain;

      if (*p == '\\')
        {
          /* Only "\<" is an escape, so Windows paths and regular expressions need no doubling. */
          if (p[1] == '<')
            {
              g_string_append_c (literal, '<');
              p += 2;
            }
          else
            {
              g_string_append_c (literal, '\\');
              p++;
            }
        }
      else if (*p == '<')
        {
          if (!scan_reference (text, p, &end, error))
            return NULL;

          add_literal (self, literal);
          add_reference (self, p + 1, end - p - 1);
          p = end + 1;
        }
    }

  add_literal (self, literal);

  return g_steal_pointer (&self);
}

guint
flows_expression_get_n_references (FlowsExpression *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->references->len;
}

const char *
flows_expression_get_reference (FlowsExpression *self,
                                guint            index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->references->len, NULL);

  return g_ptr_array_index (self->references, index);
}

gboolean
flows_expression_is_literal (FlowsExpression *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->references->len == 0;
}

/* The parts are decoded text, so the template is walked again beside them: each reference
 * part is the next "<" that is not escaped, and what lies between is copied as it was. */
char *
flows_expression_rename_reference (const char *text,
                                   const char *old_name,
                                   const char *new_name,
                                   guint      *n_renamed)
{
  g_autoptr(FlowsExpression) expression = NULL;
  g_autoptr(GString) renamed = NULL;
  const char *p = text;
  guint count = 0;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (old_name != NULL, NULL);
  g_return_val_if_fail (new_name != NULL, NULL);

  if (n_renamed != NULL)
    *n_renamed = 0;

  if (!(expression = flows_expression_parse (text, NULL)) || expression->references->len == 0)
    return NULL;

  renamed = g_string_sized_new (strlen (text));
  for (guint i = 0; i < expression->parts->len; i++)
    {
      const Part *part = &g_array_index (expression->parts, Part, i);
      const char *start;
      gsize length;

      if (!part->is_reference)
        continue;

      /* The "<" of this reference: the first one not escaped by a backslash before it. */
      start = p;
      for (;;)
        {
          start += strcspn (start, "\\<");
          if (*start == '\\')
            start += start[1] == '<' ? 2 : 1;
          else
            break;
        }
      g_string_append_len (renamed, p, start - p);

      length = strlen (part->text);
      if (strcmp (part->text, old_name) == 0)
        {
          g_string_append_printf (renamed, "<%s>", new_name);
          count++;
        }
      else
        g_string_append_len (renamed, start, length + 2);
      p = start + length + 2;
    }
  g_string_append (renamed, p);

  if (n_renamed != NULL)
    *n_renamed = count;
  if (count == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&renamed), FALSE);
}

gboolean
flows_expression_is_identifier (const char *text)
{
  if (text == NULL || !is_name_start (*text))
    return FALSE;

  for (const char *p = text + 1; *p != '\0'; p++)
    {
      if (!is_name_char (*p))
        return FALSE;
    }

  return TRUE;
}

static inline void
append_percent (GString *out,
                guchar   byte)
{
  static const char hex[] = "0123456789ABCDEF";
  char escaped[3] = { '%', hex[byte >> 4], hex[byte & 0xF] };

  g_string_append_len (out, escaped, sizeof escaped);
}

static void
append_url_component (GString    *out,
                      const char *value)
{
  for (const guchar *p = (const guchar *) value; *p != '\0'; p++)
    {
      if (g_ascii_isalnum (*p) || *p == '-' || *p == '.' || *p == '_' || *p == '~')
        g_string_append_c (out, *p);
      else
        append_percent (out, *p);
    }
}

static void
append_form (GString    *out,
             const char *value)
{
  for (const guchar *p = (const guchar *) value; *p != '\0'; p++)
    {
      if (g_ascii_isalnum (*p) || *p == '*' || *p == '-' || *p == '.' || *p == '_')
        g_string_append_c (out, *p);
      else if (*p == ' ')
        g_string_append_c (out, '+');
      else
        append_percent (out, *p);
    }
}

static void
append_json_string (GString    *out,
                    const char *value)
{
  const char *p = value;

  while (*p != '\0')
    {
      guchar byte = *p;

      if (byte >= 0x80)
        {
          gunichar c = g_utf8_get_char_validated (p, -1);

          /* Invalid UTF-8 would make the whole document unparsable, so it becomes U+FFFD. */
          if (c == (gunichar) -1 || c == (gunichar) -2)
            {
              g_string_append (out, "\xEF\xBF\xBD");
              p++;
            }
          else
            {
              const char *next = g_utf8_next_char (p);

              g_string_append_len (out, p, next - p);
              p = next;
            }
          continue;
        }

      switch (byte)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        case '\b':
          g_string_append (out, "\\b");
          break;
        case '\f':
          g_string_append (out, "\\f");
          break;
        default:
          if (byte < 0x20)
            g_string_append_printf (out, "\\u%04x", byte);
          else
            g_string_append_c (out, byte);
          break;
        }
      p++;
    }
}

static void
append_encoded (GString        *out,
                const char     *value,
                FlowsExpansion  context)
{
  switch (context)
    {
    case FLOWS_EXPANSION_TEXT:
      g_string_append (out, value);
      break;
    case FLOWS_EXPANSION_URL_COMPONENT:
      append_url_component (out, value);
      break;
    case FLOWS_EXPANSION_FORM:
      append_form (out, value);
      break;
    case FLOWS_EXPANSION_JSON:
      append_json_string (out, value);
      break;
    default:
      g_assert_not_reached ();
    }
}

char *
flows_expression_expand (FlowsExpression  *self,
                         FlowsExpansion    context,
                         FlowsResolveFunc  resolve,
                         gpointer          user_data,
                         GError          **error)
{
  g_autoptr(GString) result = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (resolve != NULL || self->references->len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Room for the literal text and typical values; GString doubles beyond that. */
  result = g_string_sized_new (self->literal_length + 64 * self->references->len);

  for (guint i = 0; i < self->parts->len; i++)
    {
      const Part *part = &g_array_index (self->parts, Part, i);
      g_autoptr(GError) local_error = NULL;
      g_autofree char *value = NULL;

      if (!part->is_reference)
        {
          g_string_append (result, part->text);
          continue;
        }

      value = resolve (part->text, user_data, &local_error);

      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      if (value == NULL)
        {
          g_set_error (error, FLOWS_EXPRESSION_ERROR, FLOWS_EXPRESSION_ERROR_UNRESOLVED,
                       _("<%s> resolves to nothing"), part->text);
          return NULL;
        }

      append_encoded (result, value, context);
    }

  return g_string_free (g_steal_pointer (&result), FALSE);
}

static char *
encode (const char     *value,
        FlowsExpansion  context)
{
  GString *out = g_string_sized_new (strlen (value) + 16);

  append_encoded (out, value, context);

  return g_string_free (out, FALSE);
}

char *
flows_encode_url_component (const char *value)
{
  g_return_val_if_fail (value != NULL, NULL);

  return encode (value, FLOWS_EXPANSION_URL_COMPONENT);
}

char *
flows_encode_form (const char *value)
{
  g_return_val_if_fail (value != NULL, NULL);

  return encode (value, FLOWS_EXPANSION_FORM);
}

char *
flows_encode_json_string (const char *value)
{
  g_return_val_if_fail (value != NULL, NULL);

  return encode (value, FLOWS_EXPANSION_JSON);
}
