/* hardening-helpers.c — what the hardening tests share */

#define _GNU_SOURCE /* memmem() */
#include "config.h"

#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "flows-expression.h"
#include "hardening-helpers.h"

char *hardening_test_program;

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

guint
needles_assert_absent_in_tree (Needles    *needles,
                               const char *directory,
                               guint64    *n_bytes)
{
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  const char *name;
  guint n_files = 0;

  if (dir == NULL)
    return 0;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (directory, name, NULL);
      GStatBuf st;

      if (g_lstat (path, &st) != 0)
        continue;
      if (S_ISDIR (st.st_mode))
        n_files += needles_assert_absent_in_tree (needles, path, n_bytes);
      else if (S_ISREG (st.st_mode))
        {
          g_autoptr(GError) error = NULL;
          g_autofree char *contents = NULL;
          gsize length;

          g_file_get_contents (path, &contents, &length, &error);
          g_assert_no_error (error);
          needles_assert_absent (needles, path, contents, length);
          if (n_bytes != NULL)
            *n_bytes += length;
          n_files++;
        }
    }
  return n_files;
}

/* flows-cli ------------------------------------------------------------------------------------ */

void
cli_result_free (CliResult *result)
{
  g_free (result->out);
  g_free (result->err);
  g_free (result);
}

const char *
cli_path (void)
{
  const char *path = g_getenv ("FLOWS_CLI");

  g_assert_nonnull (path);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE));
  return path;
}

typedef struct
{
  GBytes  *out;
  GBytes  *err;
  GError  *error;
  gboolean done;
} Communicate;

static void
on_communicated (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Communicate *communicate = user_data;

  g_subprocess_communicate_finish (G_SUBPROCESS (source), result, &communicate->out, &communicate->err, &communicate->error);
  communicate->done = TRUE;
}

static char *
bytes_to_text (GBytes *bytes)
{
  gsize length = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &length) : NULL;

  return g_strndup (data != NULL ? data : "", length);
}

CliResult *
cli_run (const char * const *argv,
         const char * const *env,
         const char         *input,
         guint               timeout_ms)
{
  g_autoptr(GSubprocessLauncher) launcher = hardening_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                    G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                    G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GBytes) stdin_bytes = g_bytes_new (input != NULL ? input : "", input != NULL ? strlen (input) : 0);
  g_autoptr(GError) error = NULL;
  Communicate communicate = { 0 };
  gint64 deadline = g_get_monotonic_time () + (gint64)timeout_ms * 1000;
  CliResult *result;

  g_ptr_array_add (args, (char *)cli_path ());
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (char *)argv[i]);
  g_ptr_array_add (args, NULL);

  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      const char *equals = strchr (env[i], '=');

      if (equals == NULL)
        g_subprocess_launcher_unsetenv (launcher, env[i]);
      else
        {
          g_autofree char *name = g_strndup (env[i], equals - env[i]);
          g_subprocess_launcher_setenv (launcher, name, equals + 1, TRUE);
        }
    }

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *)args->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_async (process, stdin_bytes, NULL, on_communicated, &communicate);
  while (!communicate.done)
    {
      if (g_get_monotonic_time () > deadline)
        {
          g_subprocess_force_exit (process);
          g_error ("flows-cli %s did not finish within %u ms", argv[0], timeout_ms);
        }
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  g_assert_no_error (communicate.error);

  result = g_new0 (CliResult, 1);
  result->out = bytes_to_text (communicate.out);
  result->err = bytes_to_text (communicate.err);
  g_clear_pointer (&communicate.out, g_bytes_unref);
  g_clear_pointer (&communicate.err, g_bytes_unref);
  /* A crash or a critical (G_DEBUG=fatal-criticals) is never a valid outcome. */
  if (!g_subprocess_get_if_exited (process))
    g_error ("flows-cli %s was killed by signal %d; it printed:\n%s\n%s", argv[0],
             g_subprocess_get_term_sig (process), result->out, result->err);
  result->status = g_subprocess_get_exit_status (process);
  return result;
}

/* Processes and directories --------------------------------------------------------------------- */

char *
hardening_make_dir (const char *template_name)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp (template_name, &error);

  g_assert_no_error (error);
  return dir;
}

void
hardening_remove_tree (const char *path)
{
  GStatBuf st;

  if (g_lstat (path, &st) != 0)
    return;
  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) dir = NULL;
      const char *name;

      /* A test may have made it read-only. */
      g_chmod (path, 0700);
      dir = g_dir_open (path, 0, NULL);
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          hardening_remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

/* Helper daemons go when this process goes, even when an assertion aborts it. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

GSubprocessLauncher *
hardening_launcher_new (GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  return launcher;
}

GSubprocess *
hardening_start_bus (const char  *dir,
                     char       **address)
{
  static const char config_template[] =
    "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
    " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
    "<busconfig>\n"
    "  <type>session</type>\n"
    "  <listen>unix:dir=%s</listen>\n"
    "  <auth>EXTERNAL</auth>\n"
    "  <policy context=\"default\">\n"
    "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
    "    <allow eavesdrop=\"true\"/>\n"
    "    <allow own=\"*\"/>\n"
    "  </policy>\n"
    "</busconfig>\n";
  g_autofree char *config_path = g_build_filename (dir, "session.conf", NULL);
  g_autofree char *config = g_strdup_printf (config_template, dir);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) output = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *daemon;

  g_file_set_contents (config_path, config, -1, &error);
  g_assert_no_error (error);

  launcher = hardening_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  daemon = g_subprocess_launcher_spawn (launcher, &error, "dbus-daemon", "--nofork", "--print-address",
                                        "--config-file", config_path, NULL);
  g_assert_no_error (error);
  output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (daemon));
  *address = g_data_input_stream_read_line (output, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (*address);
  return daemon;
}

static gboolean
name_has_owner (GDBusConnection *bus,
                const char      *name)
{
  g_autoptr(GVariant) reply = NULL;
  gboolean has_owner = FALSE;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", name), G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);
  return has_owner;
}

GSubprocess *
hardening_start_keyring (const char *dir,
                         const char *address)
{
  g_autofree char *runtime_dir = g_build_filename (dir, "keyring-runtime", NULL);
  g_autofree char *data_dir = g_build_filename (dir, "keyring-data", NULL);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  GOutputStream *input;
  GSubprocess *keyring;
  gint64 deadline;

  g_assert_cmpint (g_mkdir (runtime_dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (data_dir, 0700), ==, 0);
  launcher = hardening_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                     G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", address, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", runtime_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_dir, TRUE);
  keyring = g_subprocess_launcher_spawn (launcher, &error, "gnome-keyring-daemon", "--foreground", "--unlock",
                                         "--components=secrets", NULL);
  g_assert_no_error (error);
  /* A non-empty password: with an empty one the daemon would prompt to create the keyring. */
  input = g_subprocess_get_stdin_pipe (keyring);
  g_output_stream_write_all (input, "hardening-password", 18, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (input, NULL, &error);
  g_assert_no_error (error);

  connection = g_dbus_connection_new_for_address_sync (address,
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                       G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &error);
  g_assert_no_error (error);
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!name_has_owner (connection, "org.freedesktop.secrets"))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (G_USEC_PER_SEC / 20);
    }
  g_dbus_connection_close_sync (connection, NULL, NULL);
  return keyring;
}

void
hardening_stop (GSubprocess *process)
{
  if (process == NULL)
    return;
  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, NULL);
}

gboolean
hardening_need_programs (const char * const *programs)
{
  for (guint i = 0; programs[i] != NULL; i++)
    {
      g_autofree char *path = g_find_program_in_path (programs[i]);

      if (path == NULL)
        {
          g_autofree char *message = g_strdup_printf ("%s is not installed", programs[i]);
          g_test_skip (message);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
hardening_is_child (void)
{
  return g_strcmp0 (g_getenv ("HARDENING_CHILD"), "1") == 0;
}

char *
hardening_run_child (const char * const *env)
{
  g_autoptr(GSubprocessLauncher) launcher = hardening_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                    G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  char *output = NULL;

  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      const char *equals = strchr (env[i], '=');
      g_autofree char *name = g_strndup (env[i], equals - env[i]);

      g_subprocess_launcher_setenv (launcher, name, equals + 1, TRUE);
    }
  g_subprocess_launcher_setenv (launcher, "HARDENING_CHILD", "1", TRUE);
  child = g_subprocess_launcher_spawn (launcher, &error, hardening_test_program, "-p", g_test_get_path (), NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (child, NULL, NULL, &output, NULL, &error);
  g_assert_no_error (error);

  g_test_message ("child:\n%s", output);
  if (!g_subprocess_get_if_exited (child) || g_subprocess_get_exit_status (child) != 0)
    g_error ("the child running %s failed:\n%s", g_test_get_path (), output);
  g_assert_nonnull (strstr (output, "child-done"));
  return output;
}

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

static gboolean
on_spin_timeout (gpointer user_data)
{
  *(gboolean *)user_data = TRUE;
  return G_SOURCE_REMOVE;
}

void
hardening_spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, on_spin_timeout, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* Memory ----------------------------------------------------------------------------------------- */

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
