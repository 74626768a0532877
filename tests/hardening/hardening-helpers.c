/* hardening-helpers.c — what the hardening tests share */

#define _GNU_SOURCE /* memmem() */
#include "config.h"

#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "flows-expression.h"
#include "hardening-helpers.h"
#include "test-files.h"

/* Secret needles ------------------------------------------------------------------------------ */

typedef struct
{
  char  *what;    /* "client secret, base64 at offset 1": never the value */
  char  *bytes;
  gsize  length;
} Needle;

struct _Needles
{
  GPtrArray *items;
};

static void
needle_free (Needle *needle)
{
  g_free (needle->what);
  memset (needle->bytes, 0, needle->length);
  g_free (needle->bytes);
  g_free (needle);
}

Needles *
needles_new (void)
{
  Needles *needles = g_new0 (Needles, 1);

  needles->items = g_ptr_array_new_with_free_func ((GDestroyNotify)needle_free);
  return needles;
}

void
needles_free (Needles *needles)
{
  g_ptr_array_unref (needles->items);
  g_free (needles);
}

static void
add_needle (Needles    *needles,
            const char *name,
            const char *encoding,
            const char *bytes,
            gsize       length)
{
  Needle *needle;

  /* Shorter encoded pieces could turn up by chance; no encoding below is that short for a
   * secret of 12 bytes or more. */
  g_assert_cmpuint (length, >=, 8);
  for (guint i = 0; i < needles->items->len; i++)
    {
      Needle *other = g_ptr_array_index (needles->items, i);

      if (other->length == length && memcmp (other->bytes, bytes, length) == 0)
        return;
    }
  needle = g_new0 (Needle, 1);
  needle->what = g_strdup_printf ("%s (%s)", name, encoding);
  needle->bytes = g_memdup2 (bytes, length);
  needle->length = length;
  g_ptr_array_add (needles->items, needle);
}

static void
add_text_needle (Needles    *needles,
                 const char *name,
                 const char *encoding,
                 char       *text)
{
  add_needle (needles, name, encoding, text, strlen (text));
  memset (text, 0, strlen (text));
  g_free (text);
}

/* The base64 characters that depend on @secret alone when it starts @offset bytes into an
 * encoded text: the whole 3-byte groups it fills. */
static void
add_base64_needles (Needles    *needles,
                    const char *name,
                    const char *secret,
                    guint       offset)
{
  gsize length = strlen (secret);
  g_autofree guint8 *data = g_malloc0 (offset + length);
  g_autofree char *encoded = NULL;
  gsize first_group = (offset + 2) / 3;
  gsize end_group = (offset + length) / 3;
  g_autofree char *piece = NULL;
  g_autofree char *what = g_strdup_printf ("base64 at offset %u", offset);
  g_autofree char *what_url = g_strdup_printf ("base64url at offset %u", offset);

  memcpy (data + offset, secret, length);
  encoded = g_base64_encode (data, offset + length);
  piece = g_strndup (encoded + first_group * 4, (end_group - first_group) * 4);
  add_needle (needles, name, what, piece, strlen (piece));
  g_strdelimit (piece, "+", '-');
  g_strdelimit (piece, "/", '_');
  add_needle (needles, name, what_url, piece, strlen (piece));
  memset (encoded, 0, strlen (encoded));
  memset (piece, 0, strlen (piece));
  memset (data, 0, offset + length);
}

void
needles_add (Needles    *needles,
             const char *name,
             const char *secret)
{
  g_assert_cmpuint (strlen (secret), >=, 12);

  add_needle (needles, name, "as is", secret, strlen (secret));
  add_text_needle (needles, name, "percent-encoded", g_uri_escape_string (secret, NULL, FALSE));
  add_text_needle (needles, name, "percent-encoded, reserved kept", g_uri_escape_string (secret, G_URI_RESERVED_CHARS_ALLOWED_IN_PATH, FALSE));
  add_text_needle (needles, name, "URL component", flows_encode_url_component (secret));
  add_text_needle (needles, name, "form-encoded", flows_encode_form (secret));
  add_text_needle (needles, name, "JSON-escaped", flows_encode_json_string (secret));
  add_text_needle (needles, name, "C-escaped", g_strescape (secret, NULL));
  for (guint offset = 0; offset < 3; offset++)
    add_base64_needles (needles, name, secret, offset);
}

guint
needles_count (Needles *needles)
{
  return needles->items->len;
}

void
needles_assert_absent (Needles    *needles,
                       const char *where,
                       const void *data,
                       gsize       length)
{
  if (data == NULL)
    return;

  for (guint i = 0; i < needles->items->len; i++)
    {
      Needle *needle = g_ptr_array_index (needles->items, i);
      const char *found = memmem (data, length, needle->bytes, needle->length);

      if (found != NULL)
        g_error ("the %s is in %s, at byte %" G_GSIZE_FORMAT,
                 needle->what, where, (gsize)(found - (const char *)data));
    }
}

typedef struct
{
  Needles *needles;
  guint64 *n_bytes;
} TreeAudit;

static void
audit_file (const char *path,
            const char *contents,
            gsize       length,
            gpointer    user_data)
{
  TreeAudit *audit = user_data;

  needles_assert_absent (audit->needles, path, contents, length);
  if (audit->n_bytes != NULL)
    *audit->n_bytes += length;
}

guint
needles_assert_absent_in_tree (Needles    *needles,
                               const char *directory,
                               guint64    *n_bytes)
{
  TreeAudit audit = { needles, n_bytes };

  return test_tree_foreach_file (directory, audit_file, &audit);
}

/* Processes and memory ------------------------------------------------------------------------- */

void
hardening_drop_file_capabilities (void)
{
  struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = { { 0 } };
  const guint32 dropped = (1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH) | (1u << CAP_FOWNER);

  if (geteuid () != 0)
    return;

  /* From the bounding set too, or a program this process runs would have them again. */
  g_assert_cmpint (prctl (PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, 0, 0, 0), ==, 0);
  g_assert_cmpint (prctl (PR_CAPBSET_DROP, CAP_DAC_READ_SEARCH, 0, 0, 0), ==, 0);
  g_assert_cmpint (prctl (PR_CAPBSET_DROP, CAP_FOWNER, 0, 0, 0), ==, 0);
  g_assert_cmpint (syscall (SYS_capget, &header, data), ==, 0);
  data[0].effective &= ~dropped;
  data[0].permitted &= ~dropped;
  data[0].inheritable &= ~dropped;
  g_assert_cmpint (syscall (SYS_capset, &header, data), ==, 0);
}

guint64
hardening_peak_rss (void)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, "\nVmHWM:");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen ("\nVmHWM:"), NULL, 10) * 1024;
}

gboolean
hardening_reset_peak_rss (void)
{
  /* Not g_file_set_contents(): /proc takes no temporary file. */
  FILE *clear_refs = fopen ("/proc/self/clear_refs", "w");
  gboolean reset;

  if (clear_refs == NULL)
    return FALSE;
  reset = fputs ("5", clear_refs) >= 0;
  return fclose (clear_refs) == 0 && reset;
}
