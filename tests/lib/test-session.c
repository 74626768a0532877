/* test-session.c — the session around the tests, and sessions of their own */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include <glib/gstdio.h>

#include "flows-secrets.h"
#include "test-files.h"
#include "test-session.h"

gboolean
test_have_keyring (void)
{
  return g_strcmp0 (g_getenv ("FLOWS_TEST_SECRET_SERVICE"), "1") == 0;
}

gboolean
test_need_keyring (void)
{
  if (test_have_keyring ())
    return TRUE;
  g_test_skip ("needs the disposable keyring of build-aux/session (FLOWS_TEST_SECRET_SERVICE=1)");
  return FALSE;
}

void
test_clear_connection_secrets (const char *app_id,
                               const char *connection_id)
{
  g_autoptr(GError) error = NULL;

  flows_secrets_clear_connection_sync (app_id, connection_id, NULL, &error);
  g_assert_no_error (error);
}

gboolean
test_need_display_server (void)
{
  if (g_getenv ("DISPLAY") != NULL || g_getenv ("WAYLAND_DISPLAY") != NULL)
    return TRUE;
  g_test_skip ("needs a display: run under build-aux/session (Xvfb)");
  return FALSE;
}

gboolean
test_need_programs (const char * const *programs)
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

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

GSubprocessLauncher *
test_launcher_new (GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  return launcher;
}

GSubprocess *
test_start_bus (const char  *dir,
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

  launcher = test_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
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
test_start_keyring (const char *dir,
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
  launcher = test_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", address, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", runtime_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_dir, TRUE);
  keyring = g_subprocess_launcher_spawn (launcher, &error, "gnome-keyring-daemon", "--foreground", "--unlock",
                                         "--components=secrets", NULL);
  g_assert_no_error (error);
  /* A non-empty password: with an empty one the daemon would prompt to create the keyring. */
  input = g_subprocess_get_stdin_pipe (keyring);
  g_output_stream_write_all (input, "test-password", 13, NULL, NULL, &error);
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
      if (g_get_monotonic_time () > deadline)
        g_error ("gnome-keyring-daemon did not own org.freedesktop.secrets on %s within 20 s", address);
      g_usleep (G_USEC_PER_SEC / 20);
    }
  g_dbus_connection_close_sync (connection, NULL, NULL);
  return keyring;
}

void
test_stop_process (GSubprocess *process)
{
  if (process == NULL)
    return;
  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, NULL);
}

void
test_lock_default_keyring (void)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *collection = NULL;

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                       "org.freedesktop.Secret.Service", "ReadAlias",
                                       g_variant_new ("(s)", "default"), G_VARIANT_TYPE ("(o)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(o)", &collection);
  g_clear_pointer (&reply, g_variant_unref);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                       "org.freedesktop.Secret.Service", "Lock",
                                       g_variant_new_parsed ("([%o],)", collection), NULL,
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
}

gboolean
test_is_child (void)
{
  return g_strcmp0 (g_getenv ("FLOWS_TEST_CHILD"), "1") == 0;
}

char *
test_run_child (const char * const *env)
{
  g_autoptr(GSubprocessLauncher) launcher = test_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                               G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *program = g_file_read_link ("/proc/self/exe", &error);
  char *output = NULL;

  g_assert_no_error (error);
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      const char *equals = strchr (env[i], '=');
      g_autofree char *name = NULL;

      g_assert_nonnull (equals);
      name = g_strndup (env[i], equals - env[i]);
      g_subprocess_launcher_setenv (launcher, name, equals + 1, TRUE);
    }
  g_subprocess_launcher_setenv (launcher, "FLOWS_TEST_CHILD", "1", TRUE);
  child = g_subprocess_launcher_spawn (launcher, &error, program, "-p", g_test_get_path (), NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (child, NULL, NULL, &output, NULL, &error);
  g_assert_no_error (error);

  g_test_message ("child:\n%s", output);
  if (!g_subprocess_get_if_exited (child) || g_subprocess_get_exit_status (child) != 0)
    g_error ("the child running %s failed:\n%s", g_test_get_path (), output);
  g_assert_nonnull (strstr (output, "child-done"));
  return output;
}

char *
test_run_child_without_secret_service (void)
{
  static const char * const programs[] = { "dbus-daemon", NULL };
  g_autofree char *dir = NULL;
  g_autofree char *address = NULL;
  g_autofree char *env_address = NULL;
  g_autoptr(GSubprocess) bus = NULL;
  char *output;

  if (!test_need_programs (programs))
    return NULL;

  dir = test_make_temp_dir ("flows-test-bus-XXXXXX");
  bus = test_start_bus (dir, &address);
  env_address = g_strconcat ("DBUS_SESSION_BUS_ADDRESS=", address, NULL);
  {
    const char *env[] = { env_address, NULL };

    output = test_run_child (env);
  }
  test_stop_process (bus);
  test_remove_tree (dir);
  return output;
}
