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

G_END_DECLS
