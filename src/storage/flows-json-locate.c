/* flows-json-locate.c — a small JSON scanner that finds where a value starts.
 *
 * json-glib keeps no positions in its tree, so the loader asks this scanner where the value it
 * rejected came from. The scanner walks the whole text once, checking only as much grammar as it
 * needs to step over values, and remembers the start of every value found at the path: the last
 * one wins, as json-glib keeps the last of repeated members.
 */
#include <string.h>

#include "flows-json-locate.h"

/* Deeper nesting than any App file needs; the limit keeps hostile input off the stack. */
#define MAX_DEPTH 512

typedef struct {
  char  *name;  /* a member name, or NULL for an array element */
  guint  index;
} Step;

typedef struct {
  const char *p;
  const char *end;
  GArray     *steps;  /* of Step */
  const char *target; /* start of the last value found at the path */
  GString    *name;   /* scratch space for decoded member names */
} Scanner;

static void
step_clear (gpointer data)
{
  Step *step = data;

  g_clear_pointer (&step->name, g_free);
}

static gboolean
parse_path (const char *path,
            GArray     *steps)
{
  const char *p = path;

  if (*p++ != '$')
    return FALSE;

  while (*p != '\0')
    {
      Step step = { NULL, 0 };

      if (*p == '.')
        {
          gsize length = strcspn (++p, ".[");

          step.name = g_strndup (p, length);
          p += length;
        }
      else if (*p == '[')
        {
          char *end = NULL;
          guint64 index;

          if (!g_ascii_isdigit (*++p))
            return FALSE;

          index = g_ascii_strtoull (p, &end, 10);
          if (*end != ']' || index > G_MAXUINT)
            return FALSE;

          step.index = index;
          p = end + 1;
        }
      else
        {
          return FALSE;
        }

      g_array_append_val (steps, step);
    }

  return TRUE;
}

static gboolean
skip_space (Scanner *s)
{
  while (s->p < s->end)
    {
      if (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r')
        {
          s->p++;
        }
      else if (*s->p == '/' && s->p + 1 < s->end && s->p[1] == '*')
        {
          const char *close = g_strstr_len (s->p + 2, s->end - s->p - 2, "*/");

          if (close == NULL)
            return FALSE;
          s->p = close + 2;
        }
      else
        {
          break;
        }
    }

  return TRUE;
}

static int
hex_value (char c)
{
  return g_ascii_isxdigit (c) ? g_ascii_xdigit_value (c) : -1;
}

static gboolean
read_hex4 (Scanner  *s,
           gunichar *value)
{
  *value = 0;

  if (s->end - s->p < 4)
    return FALSE;

  for (guint i = 0; i < 4; i++)
    {
      int digit = hex_value (*s->p++);

      if (digit < 0)
        return FALSE;
      *value = (*value << 4) | digit;
    }

  return TRUE;
}

/* Steps over a string; decodes it into @decoded when that is not NULL. */
static gboolean
scan_string (Scanner *s,
             GString *decoded)
{
  s->p++;

  while (s->p < s->end)
    {
      char c = *s->p++;
      gunichar unit;

      if (c == '"')
        return TRUE;

      if (c != '\\')
        {
          if (decoded != NULL)
            g_string_append_c (decoded, c);
          continue;
        }

      if (s->p == s->end)
        return FALSE;

      c = *s->p++;
      switch (c)
        {
        case '"':
        case '\\':
        case '/':
          break;
        case 'b':
          c = '\b';
          break;
        case 'f':
          c = '\f';
          break;
        case 'n':
          c = '\n';
          break;
        case 'r':
          c = '\r';
          break;
        case 't':
          c = '\t';
          break;
        case 'u':
          if (!read_hex4 (s, &unit))
            return FALSE;

          /* A UTF-16 surrogate pair spells one character outside the BMP. */
          if (unit >= 0xD800 && unit < 0xDC00 &&
              s->end - s->p >= 6 && s->p[0] == '\\' && s->p[1] == 'u')
            {
              const char *pair = s->p;
              gunichar low;

              s->p += 2;
              if (read_hex4 (s, &low) && low >= 0xDC00 && low < 0xE000)
                unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
              else
                s->p = pair;
            }

          if (decoded != NULL)
            g_string_append_unichar (decoded, g_unichar_validate (unit) ? unit : 0xFFFD);
          continue;
        default:
          return FALSE;
        }

      if (decoded != NULL)
        g_string_append_c (decoded, c);
    }

  return FALSE;
}

static gboolean
scan_word (Scanner    *s,
           const char *word)
{
  gsize length = strlen (word);

  if ((gsize) (s->end - s->p) < length || memcmp (s->p, word, length) != 0)
    return FALSE;

  s->p += length;
  return TRUE;
}

static gboolean
scan_number (Scanner *s)
{
  const char *start = s->p;

  /* Loose on purpose: the scanner locates values, json-glib already judged the syntax. */
  while (s->p < s->end && (g_ascii_isdigit (*s->p) || memchr ("+-.eE", *s->p, 5) != NULL))
    s->p++;

  return s->p > start;
}

static gboolean scan_value (Scanner *s,
                            guint    depth,
                            gboolean on_path);

/* @on_path: this container is the value at the first @depth steps of the path. */
static gboolean
scan_object (Scanner  *s,
             guint     depth,
             gboolean  on_path)
{
  const Step *step = on_path ? &g_array_index (s->steps, Step, depth) : NULL;
  gboolean want_name = step != NULL && step->name != NULL;

  s->p++;
  if (!skip_space (s))
    return FALSE;

  if (s->p < s->end && *s->p == '}')
    {
      s->p++;
      return TRUE;
    }

  for (;;)
    {
      gboolean match;

      if (!skip_space (s) || s->p == s->end || *s->p != '"')
        return FALSE;

      g_string_truncate (s->name, 0);
      if (!scan_string (s, want_name ? s->name : NULL))
        return FALSE;

      /* Compare lengths too: a decoded name may hold "\u0000". */
      match = want_name &&
              s->name->len == strlen (step->name) &&
              memcmp (s->name->str, step->name, s->name->len) == 0;

      if (!skip_space (s) || s->p == s->end || *s->p != ':')
        return FALSE;
      s->p++;

      if (!scan_value (s, depth + 1, match))
        return FALSE;

      if (!skip_space (s) || s->p == s->end)
        return FALSE;

      if (*s->p == '}')
        {
          s->p++;
          return TRUE;
        }

      if (*s->p++ != ',')
        return FALSE;
    }
}

static gboolean
scan_array (Scanner  *s,
            guint     depth,
            gboolean  on_path)
{
  const Step *step = on_path ? &g_array_index (s->steps, Step, depth) : NULL;
  gboolean want_index = step != NULL && step->name == NULL;

  s->p++;
  if (!skip_space (s))
    return FALSE;

  if (s->p < s->end && *s->p == ']')
    {
      s->p++;
      return TRUE;
    }

  for (guint i = 0; ; i++)
    {
      if (!scan_value (s, depth + 1, want_index && i == step->index))
        return FALSE;

      if (!skip_space (s) || s->p == s->end)
        return FALSE;

      if (*s->p == ']')
        {
          s->p++;
          return TRUE;
        }

      if (*s->p++ != ',')
        return FALSE;
    }
}

/* @depth: how many steps of the path lead here; @on_path: whether they all matched. */
static gboolean
scan_value (Scanner  *s,
            guint     depth,
            gboolean  on_path)
{
  if (depth > MAX_DEPTH || !skip_space (s) || s->p == s->end)
    return FALSE;

  if (on_path && depth == s->steps->len)
    {
      s->target = s->p;
      on_path = FALSE;
    }

  switch (*s->p)
    {
    case '{':
      return scan_object (s, depth, on_path);
    case '[':
      return scan_array (s, depth, on_path);
    case '"':
      return scan_string (s, NULL);
    case 't':
      return scan_word (s, "true");
    case 'f':
      return scan_word (s, "false");
    case 'n':
      return scan_word (s, "null");
    default:
      return scan_number (s);
    }
}

gboolean
flows_json_locate (const char *text,
                   gsize       length,
                   const char *path,
                   guint      *line,
                   guint      *column)
{
  g_autoptr(GArray) steps = NULL;
  g_autoptr(GString) name = NULL;
  const char *start = text;
  const char *line_start;
  Scanner s;

  g_return_val_if_fail (text != NULL || length == 0, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  steps = g_array_new (FALSE, FALSE, sizeof (Step));
  g_array_set_clear_func (steps, step_clear);
  /* Paths are built from member names found in files, so a strange one is not a bug here. */
  if (!parse_path (path, steps))
    return FALSE;

  /* A byte order mark is not a character anyone sees in an editor. */
  if (length >= 3 && memcmp (text, "\xEF\xBB\xBF", 3) == 0)
    start += 3;

  name = g_string_new (NULL);
  s = (Scanner) { start, text + length, steps, NULL, name };

  /* A text broken after the target still tells where the target is. */
  scan_value (&s, 0, TRUE);
  if (s.target == NULL)
    return FALSE;

  line_start = start;
  if (line != NULL)
    *line = 1;

  for (const char *p = start; p < s.target; p++)
    {
      if (*p == '\n')
        {
          line_start = p + 1;
          if (line != NULL)
            (*line)++;
        }
    }

  if (column != NULL)
    {
      *column = 1;
      for (const char *p = line_start; p < s.target; p++)
        {
          /* UTF-8 continuation bytes do not start a character. */
          if (((guchar) *p & 0xC0) != 0x80)
            (*column)++;
        }
    }

  return TRUE;
}
