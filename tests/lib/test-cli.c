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

/* flows-cli with @args and @env as test_cli_exec() says, started by a launcher with @flags; its
 * command line, for messages, goes to @line. */
static GSubprocess *
launch (const char * const *args,
        const char * const *env,
        GSubprocessFlags    flags,
        char              **line)
{
  g_autoptr(GSubprocessLauncher) launcher = test_launcher_new (flags);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GString) text = g_string_new ("flows-cli");
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_ptr_array_add (argv, (gpointer)test_cli_path ());
  for (guint i = 0; args[i] != NULL; i++)
    {
      g_ptr_array_add (argv, (gpointer)args[i]);
      g_string_append_printf (text, " %s", args[i]);
    }
  g_ptr_array_add (argv, NULL);
  g_test_message ("$ %s", text->str);

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
  *line = g_string_free (g_steal_pointer (&text), FALSE);
  return process;
}

/* What an ended run of flows-cli did, from what it printed. */
static TestCli *
ended (GSubprocess *process,
       const char  *line,
       GBytes      *out,
       GBytes      *err)
{
  TestCli *cli = g_new0 (TestCli, 1);

  cli->out = output_text (out, "standard output");
  cli->err = output_text (err, "standard error");
  /* A crash or a critical (G_DEBUG=fatal-criticals) is never a valid outcome. */
  if (!g_subprocess_get_if_exited (process))
    g_error ("%s was killed by signal %d; it printed:\n%s\n%s", line,
             g_subprocess_get_term_sig (process), cli->out, cli->err);
  cli->status = g_subprocess_get_exit_status (process);
  g_test_message ("exit %d\nstdout:\n%s\nstderr:\n%s", cli->status, cli->out, cli->err);
  return cli;
}

TestCli *
test_cli_exec (const char * const *args,
               const char * const *env,
               const char         *input,
               guint               timeout_ms)
{
  g_autofree char *line = NULL;
  g_autoptr(GSubprocess) process = launch (args, env, G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                      G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                      G_SUBPROCESS_FLAGS_STDERR_PIPE, &line);
  g_autoptr(GBytes) stdin_bytes = g_bytes_new (input != NULL ? input : "", input != NULL ? strlen (input) : 0);
  Communicate communicate = { 0 };
  TestCli *cli;

  g_subprocess_communicate_async (process, stdin_bytes, NULL, on_communicated, &communicate);
  test_wait_for (communicated, &communicate, timeout_ms);
  g_assert_no_error (communicate.error);

  cli = ended (process, line, communicate.out, communicate.err);
  g_clear_pointer (&communicate.out, g_bytes_unref);
  g_clear_pointer (&communicate.err, g_bytes_unref);
  return cli;
}

struct _TestCliProcess
{
  GSubprocess         *process;
  char                *line;
  GDataInputStream    *out;
  GString             *out_text;
  GOutputStream       *err;
  TestAsync            err_done;
  char                *last_line;
};

TestCliProcess *
test_cli_spawn (const char * const *args,
                const char * const *env)
{
  TestCliProcess *cli = g_new0 (TestCliProcess, 1);

  cli->process = launch (args, env, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &cli->line);
  cli->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (cli->process));
  cli->out_text = g_string_new (NULL);
  /* Read all along, so that a full pipe never blocks flows-cli. */
  cli->err = g_memory_output_stream_new_resizable ();
  g_output_stream_splice_async (cli->err, g_subprocess_get_stderr_pipe (cli->process),
                                G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, G_PRIORITY_DEFAULT, NULL,
                                test_async_ready, &cli->err_done);
  return cli;
}

/* The next line on standard output, NULL at its end. */
static char *
read_line (TestCliProcess *cli,
           guint           timeout_ms)
{
  g_auto(TestAsync) async = { NULL };
  g_autoptr(GError) error = NULL;
  char *line;

  g_data_input_stream_read_line_async (cli->out, G_PRIORITY_DEFAULT, NULL, test_async_ready, &async);
  line = g_data_input_stream_read_line_finish_utf8 (cli->out, test_async_wait (&async, timeout_ms), NULL, &error);
  g_assert_no_error (error);
  if (line != NULL)
    {
      g_test_message ("flows-cli: %s", line);
      g_string_append_printf (cli->out_text, "%s\n", line);
    }
  return line;
}

const char *
test_cli_wait_line (TestCliProcess *cli,
                    const char     *needle,
                    guint           timeout_ms)
{
  while (TRUE)
    {
      g_free (cli->last_line);
      cli->last_line = read_line (cli, timeout_ms);
      if (cli->last_line == NULL)
        g_error ("%s ended its output without a line with “%s”; it printed:\n%s", cli->line, needle,
                 cli->out_text->str);
      if (strstr (cli->last_line, needle) != NULL)
        return cli->last_line;
    }
}

TestCli *
test_cli_finish (TestCliProcess *cli,
                 guint           timeout_ms)
{
  g_auto(TestAsync) waited = { NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  char *line;
  TestCli *result;

  while ((line = read_line (cli, timeout_ms)) != NULL)
    g_free (line);
  g_output_stream_splice_finish (cli->err, test_async_wait (&cli->err_done, timeout_ms), &error);
  g_assert_no_error (error);
  g_subprocess_wait_async (cli->process, NULL, test_async_ready, &waited);
  g_subprocess_wait_finish (cli->process, test_async_wait (&waited, timeout_ms), &error);
  g_assert_no_error (error);

  out = g_bytes_new (cli->out_text->str, cli->out_text->len);
  err = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (cli->err));
  result = ended (cli->process, cli->line, out, err);

  test_async_clear (&cli->err_done);
  g_clear_object (&cli->out);
  g_clear_object (&cli->err);
  g_clear_object (&cli->process);
  g_string_free (cli->out_text, TRUE);
  g_free (cli->last_line);
  g_free (cli->line);
  g_free (cli);
  return result;
}
