/* flows-cli.h — what the commands of flows-cli share */
#pragma once

#include <gio/gio.h>

#include "flows-library.h"
#include "flows-provider-presets.h"

G_BEGIN_DECLS

/* Exit statuses: a command either did what it was asked, failed (the reason on stderr), or was
 * called wrongly (usage on stderr). */
enum {
  FLOWS_CLI_EXIT_OK = 0,
  FLOWS_CLI_EXIT_FAILED = 1,
  FLOWS_CLI_EXIT_USAGE = 2,
};

typedef struct
{
  /* The command line after the command's own name, and the words of its usage line. */
  char       **argv;
  const char  *command;
  /* Set by --data-dir, else the default library directory. */
  char        *data_dir;
} FlowsCliInvocation;

/* Parses the invocation's options (with the common --data-dir) and checks the number of
 * positional arguments. On a usage error prints it and returns FALSE. */
gboolean      flows_cli_parse_options    (FlowsCliInvocation *invocation,
                                          const char         *parameters,
                                          const char         *summary,
                                          const GOptionEntry *entries,
                                          guint               min_args,
                                          guint               max_args,
                                          char             ***positional);
/* The data directory: --data-dir, else the default one. */
GFile        *flows_cli_get_data_dir     (FlowsCliInvocation *invocation);
/* The built-in provider presets and those of the data directory's providers folder. */
FlowsProviderPresets *flows_cli_load_presets (FlowsCliInvocation *invocation);
/* Loads the library, printing load problems as warnings; NULL with the reason printed. */
FlowsLibrary *flows_cli_open_library     (FlowsCliInvocation *invocation);
FlowsApp     *flows_cli_find_app         (FlowsLibrary       *library,
                                          const char         *id_or_name);
int           flows_cli_fail             (const char         *format,
                                          ...) G_GNUC_PRINTF (1, 2);
int           flows_cli_usage_error      (FlowsCliInvocation *invocation,
                                          const char         *format,
                                          ...) G_GNUC_PRINTF (2, 3);

/* flows-cli-sandbox.c: whether @app signs in to the sandbox provider on its configured port
 * (@connection as for flows_sign_in_list_provider_urls()), and a provider started in this
 * process for a command that signs in to it (NULL when it is not needed or another program
 * serves its port; what happened is printed). */
gboolean      flows_cli_uses_sandbox     (FlowsApp           *app,
                                          FlowsConnection    *connection);
GObject      *flows_cli_start_sandbox_for (FlowsApp          *app,
                                          FlowsConnection    *connection);

int           flows_cli_connection       (FlowsCliInvocation *invocation);
int           flows_cli_run              (FlowsCliInvocation *invocation);
int           flows_cli_test             (FlowsCliInvocation *invocation);
int           flows_cli_sandbox          (FlowsCliInvocation *invocation);
int           flows_cli_sign_in          (FlowsCliInvocation *invocation);
int           flows_cli_refresh          (FlowsCliInvocation *invocation);
int           flows_cli_sign_out         (FlowsCliInvocation *invocation);

G_END_DECLS
