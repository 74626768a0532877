/* test-cli.h — flows-cli run as a subprocess by the tests. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What a run of flows-cli did: its exit status and what it printed (UTF-8, no NUL). */
typedef struct
{
  int   status;
  char *out;
  char *err;
} TestCli;

void        test_cli_free (TestCli            *cli);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestCli, test_cli_free)

/* $FLOWS_CLI (set by tests/meson.build), else the one in the build tree. */
const char *test_cli_path (void);
/* Runs flows-cli with @args (NULL-terminated, without the program) and @input on its standard
 * input (NULL: none), in a UTF-8 C locale without FLOWS_STUDIO_DATA_DIR, then @env
 * (NULL-terminated "NAME=VALUE" overrides, "NAME" alone unsets; NULL: none). The default main
 * context keeps running meanwhile, so that servers inside the test answer. A crash, a critical
 * (G_DEBUG=fatal-criticals), output that is not UTF-8 or a run longer than @timeout_ms fails the
 * test. */
TestCli    *test_cli_exec (const char * const *args,
                           const char * const *env,
                           const char         *input,
                           guint               timeout_ms);

/* flows-cli started as test_cli_exec() starts it (nothing on its standard input), for a test that
 * acts while it runs on what it prints: test_cli_wait_line() reads its standard output a line
 * at a time, test_cli_finish() waits for its end. */
typedef struct _TestCliProcess TestCliProcess;

TestCliProcess *test_cli_spawn     (const char * const *args,
                                    const char * const *env);
/* Reads standard output up to the next line that contains @needle and returns that line,
 * without its line break (owned by @cli, until the next call). The end of the output, or
 * @timeout_ms for a line, fails the test. */
const char     *test_cli_wait_line (TestCliProcess     *cli,
                                    const char         *needle,
                                    guint               timeout_ms);
/* Waits (@timeout_ms at most for each part) for flows-cli to end and returns what
 * test_cli_exec() would, with everything it printed; frees @cli. */
TestCli        *test_cli_finish    (TestCliProcess     *cli,
                                    guint               timeout_ms);

G_END_DECLS
