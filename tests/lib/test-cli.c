/* test-cli.c — flows-cli run as a subprocess */

#include "config.h"

#include <string.h>

#include "test-cli.h"
#include "test-session.h"
#include "test-wait.h"

void
test_cli_free (TestCli *cli)
{
  g_free (cli->out);
  g_free (cli->err);
  g_free (cli);
}

const char *
test_cli_path (void)
{
  static char *path = NULL;

  if (path == NULL)
    {
      const char *from_env = g_getenv ("FLOWS_CLI");

      if (from_env != NULL && *from_env != '\0')
        path = g_strdup (from_env);
      else
        path = g_test_build_filename (G_TEST_BUILT, "..", "src", "cli", "flows-cli", NULL);
    }
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE));
  return path;
}

typedef struct
{
  GBytes   *out;
  GBytes   *err;
  GError   *error;
  gboolean  done;
} Communicate;

static void
on_communicated (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Communicate *communicate = user_data;

  g_subprocess_communicate_finish (G_SUBPROCESS (source), result, &communicate->out, &communicate->err,
                                   &communicate->error);
  communicate->done = TRUE;
}

static gboolean
communicated (gpointer user_data)
{
  return ((Communicate *)user_data)->done;
}

/* @bytes as a string, which must hold no NUL and be UTF-8. */
static char *
output_text (GBytes     *bytes,
             const char *what)
{
  gsize length = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &length) : NULL;
  char *text = g_strndup (length > 0 ? data : "", length);

  if (strlen (text) != length || !g_utf8_validate (text, -1, NULL))
    g_error ("flows-cli printed %" G_GSIZE_FORMAT " bytes on %s that are not UTF-8 text", length, what);
  return text;
}

TestCli *
test_cli_exec (const char * const *args,
              const char * const *env,
              const char         *input,
              guint               timeout_ms)
{
  g_autoptr(GSubprocessLauncher) launcher = test_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                               G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                               G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GBytes) stdin_bytes = g_bytes_new (input != NULL ? input : "", input != NULL ? strlen (input) : 0);
  g_autoptr(GString) line = g_string_new ("flows-cli");
  g_autoptr(GError) error = NULL;
  Communicate communicate = { 0 };
  TestCli *cli;

  g_ptr_array_add (argv, (gpointer)test_cli_path ());
  for (guint i = 0; args[i] != NULL; i++)
    {
      g_ptr_array_add (argv, (gpointer)args[i]);
      g_string_append_printf (line, " %s", args[i]);
    }
  g_ptr_array_add (argv, NULL);
  g_test_message ("$ %s", line->str);

  /* Messages are UTF-8 text (“quotes”, •): a C locale would turn them into '?'. */
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "FLOWS_STUDIO_DATA_DIR");
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

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *)argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_async (process, stdin_bytes, NULL, on_communicated, &communicate);
  test_wait_for (communicated, &communicate, timeout_ms);
  g_assert_no_error (communicate.error);

  cli = g_new0 (TestCli, 1);
  cli->out = output_text (communicate.out, "standard output");
  cli->err = output_text (communicate.err, "standard error");
  g_clear_pointer (&communicate.out, g_bytes_unref);
  g_clear_pointer (&communicate.err, g_bytes_unref);
  /* A crash or a critical (G_DEBUG=fatal-criticals) is never a valid outcome. */
  if (!g_subprocess_get_if_exited (process))
    g_error ("%s was killed by signal %d; it printed:\n%s\n%s", line->str,
             g_subprocess_get_term_sig (process), cli->out, cli->err);
  cli->status = g_subprocess_get_exit_status (process);
  g_test_message ("exit %d\nstdout:\n%s\nstderr:\n%s", cli->status, cli->out, cli->err);
  return cli;
}
