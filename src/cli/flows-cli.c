/* flows-cli.c — flows-cli: the library, headless
 *
 * Every command takes --data-dir DIR; APP may be an id or a name. Errors go to stderr with exit
 * status 1, usage errors with 2.
 */

#include "config.h"

#include <locale.h>
#include <stdio.h>

#include <glib/gi18n.h>

#include "flows-app-templates.h"
#include "flows-cli.h"
#include "flows-document.h"
#include "flows-enums.h"
#include "flows-provider-presets.h"
#include "flows-validate.h"

int
flows_cli_fail (const char *format,
                ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("flows-cli: %s\n", message);
  return FLOWS_CLI_EXIT_FAILED;
}

int
flows_cli_usage_error (FlowsCliInvocation *invocation,
                       const char         *format,
                       ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("flows-cli %s: %s\n", invocation->command, message);
  g_printerr (_("Try “flows-cli %s --help”.\n"), invocation->command);
  return FLOWS_CLI_EXIT_USAGE;
}

gboolean
flows_cli_parse_options (FlowsCliInvocation *invocation,
                         const char         *parameters,
                         const char         *summary,
                         const GOptionEntry *entries,
                         guint               min_args,
                         guint               max_args,
                         char             ***positional)
{
  const GOptionEntry common_entries[] = {
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &invocation->data_dir,
      N_("Use the library in DIR instead of the default one"), N_("DIR") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, positional, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (parameters);
  g_autoptr(GError) error = NULL;
  guint n_args;

  /* The usage line reads "flows-cli COMMAND [OPTION…] PARAMETERS": GOption takes the program
   * name from argv[0]. */
  g_free (invocation->argv[0]);
  invocation->argv[0] = g_strconcat ("flows-cli ", invocation->command, NULL);

  g_option_context_set_summary (context, summary);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, common_entries, GETTEXT_PACKAGE);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse_strv (context, &invocation->argv, &error))
    {
      flows_cli_usage_error (invocation, "%s", error->message);
      return FALSE;
    }

  /* parse_strv leaves the program name in argv[0]; positional arguments went to G_OPTION_REMAINING. */
  n_args = *positional != NULL ? g_strv_length (*positional) : 0;
  if (n_args < min_args || n_args > max_args)
    {
      flows_cli_usage_error (invocation, n_args < min_args ? _("missing arguments") : _("too many arguments"));
      return FALSE;
    }
  return TRUE;
}

GFile *
flows_cli_get_data_dir (FlowsCliInvocation *invocation)
{
  if (invocation->data_dir != NULL)
    return g_file_new_for_commandline_arg (invocation->data_dir);
  return flows_library_get_default_directory ();
}

FlowsProviderPresets *
flows_cli_load_presets (FlowsCliInvocation *invocation)
{
  g_autoptr(GFile) data_dir = flows_cli_get_data_dir (invocation);
  g_autoptr(GFile) user_dir = flows_provider_presets_get_user_directory (data_dir);

  return flows_provider_presets_new (user_dir);
}

FlowsLibrary *
flows_cli_open_library (FlowsCliInvocation *invocation)
{
  g_autoptr(GFile) directory = flows_cli_get_data_dir (invocation);
  g_autoptr(FlowsLibrary) library = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *problems;

  library = flows_library_new (directory);
  if (!flows_library_load (library, &error))
    {
      flows_cli_fail (_("cannot read the library: %s"), error->message);
      return NULL;
    }

  problems = flows_library_get_problems (library);
  for (guint i = 0; i < problems->len; i++)
    {
      FlowsLoadProblem *problem = g_ptr_array_index (problems, i);
      g_printerr (_("flows-cli: warning: not loaded: %s\n"), problem->error->message);
    }

  return g_steal_pointer (&library);
}

FlowsApp *
flows_cli_find_app (FlowsLibrary *library,
                    const char   *id_or_name)
{
  FlowsApp *app = flows_library_find_app (library, id_or_name);

  if (app == NULL)
    flows_cli_fail (_("no App has the id or name “%s” (see “flows-cli apps”)"), id_or_name);
  return app;
}

static const char *
connection_type_label (FlowsConnectionType connection_type)
{
  return connection_type == FLOWS_CONNECTION_TYPE_OAUTH ? _("OAuth") : _("Generic");
}

static int
command_apps (FlowsCliInvocation *invocation)
{
  g_auto(GStrv) args = NULL;
  g_autoptr(FlowsLibrary) library = NULL;
  GListModel *apps;

  if (!flows_cli_parse_options (invocation, "", _("Lists the Apps of the library."), NULL, 0, 0, &args))
    return FLOWS_CLI_EXIT_USAGE;
  if (!(library = flows_cli_open_library (invocation)))
    return FLOWS_CLI_EXIT_FAILED;

  apps = flows_library_get_apps (library);
  if (g_list_model_get_n_items (apps) == 0)
    {
      g_print (_("No Apps yet. Create one with “flows-cli new-app NAME --provider ID” (see “flows-cli providers”) or “flows-cli new-app NAME --type generic|oauth”.\n"));
      return FLOWS_CLI_EXIT_OK;
    }

  for (guint i = 0; i < g_list_model_get_n_items (apps); i++)
    {
      g_autoptr(FlowsApp) app = g_list_model_get_item (apps, i);

      g_print ("%s\t%s\t%s\n", flows_app_get_id (app),
               connection_type_label (flows_app_get_connection_type (app)),
               flows_app_get_name (app));
    }
  return FLOWS_CLI_EXIT_OK;
}

static int
command_providers (FlowsCliInvocation *invocation)
{
  g_auto(GStrv) args = NULL;
  g_autoptr(FlowsProviderPresets) presets = NULL;
  GListModel *model;

  if (!flows_cli_parse_options (invocation, "",
                                _("Lists the provider presets that “new-app --provider ID” starts from: id, name and description, the user’s own (DATA_DIR/providers/*.json) marked, and the files that did not load with their errors."),
                                NULL, 0, 0, &args))
    return FLOWS_CLI_EXIT_USAGE;

  presets = flows_cli_load_presets (invocation);
  model = G_LIST_MODEL (presets);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FlowsProviderPreset) preset = g_list_model_get_item (model, i);
      const GError *error = flows_provider_preset_get_error (preset);
      const char *source = flows_provider_preset_get_source (preset);
      g_autofree char *mark = NULL;

      if (error != NULL)
        {
          g_print ("%s\t%s\t%s\n", flows_provider_preset_get_id (preset), _("(not loaded)"), error->message);
          continue;
        }

      if (flows_provider_preset_replaces_built_in (preset))
        /* Translators: the placeholder is the path of the preset's file */
        mark = g_strdup_printf (_("\t(user preset, replaces the built-in one: %s)"), source);
      else if (flows_provider_preset_is_user (preset))
        /* Translators: the placeholder is the path of the preset's file */
        mark = g_strdup_printf (_("\t(user preset: %s)"), source);
      g_print ("%s\t%s\t%s%s\n", flows_provider_preset_get_id (preset), flows_provider_preset_get_name (preset),
               flows_provider_preset_get_description (preset), mark != NULL ? mark : "");
    }
  return FLOWS_CLI_EXIT_OK;
}

/* A new App from the preset @provider_id, or NULL with the reason printed and *@status set. */
static FlowsApp *
new_app_from_preset (FlowsCliInvocation *invocation,
                     const char         *name,
                     const char         *provider_id,
                     int                *status)
{
  g_autoptr(FlowsProviderPresets) presets = flows_cli_load_presets (invocation);
  FlowsProviderPreset *preset = flows_provider_presets_find (presets, provider_id);
  g_autoptr(GError) error = NULL;
  FlowsApp *app;

  if (preset == NULL)
    {
      g_autofree char *ids = flows_provider_presets_describe_ids (presets);

      /* A file of that name that did not load says why. */
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (presets)); i++)
        {
          g_autoptr(FlowsProviderPreset) broken = g_list_model_get_item (G_LIST_MODEL (presets), i);

          if (flows_provider_preset_get_error (broken) != NULL &&
              g_str_equal (flows_provider_preset_get_id (broken), provider_id))
            {
              *status = flows_cli_fail (_("the provider preset “%s” did not load: %s"), provider_id,
                                        flows_provider_preset_get_error (broken)->message);
              return NULL;
            }
        }
      *status = flows_cli_usage_error (invocation, _("no provider preset has the id “%s”; use one of: %s"), provider_id, ids);
      return NULL;
    }

  if (!(app = flows_provider_preset_create_app (preset, name, &error)))
    *status = flows_cli_fail ("%s", error->message);
  return app;
}

static int
command_new_app (FlowsCliInvocation *invocation)
{
  g_autofree char *type = NULL;
  g_autofree char *provider = NULL;
  g_autofree char *description = NULL;
  const GOptionEntry entries[] = {
    { "type", 't', 0, G_OPTION_ARG_STRING, &type,
      N_("The connection type: generic (parameters such as an API key) or oauth"), N_("TYPE") },
    { "provider", 'p', 0, G_OPTION_ARG_STRING, &provider,
      N_("Start from the provider preset ID (see “flows-cli providers”)"), N_("ID") },
    { "description", 'd', 0, G_OPTION_ARG_STRING, &description,
      N_("What the App is for"), N_("TEXT") },
    { NULL }
  };
  g_auto(GStrv) args = NULL;
  g_autoptr(FlowsLibrary) library = NULL;
  g_autoptr(FlowsApp) app = NULL;
  g_autoptr(GError) error = NULL;
  int connection_type = FLOWS_CONNECTION_TYPE_GENERIC;
  int status = FLOWS_CLI_EXIT_OK;

  if (!flows_cli_parse_options (invocation, _("NAME --type generic|oauth | --provider ID"),
                                _("Creates an App with the parameters and flows of its connection type, or of a provider preset, and prints its id last."),
                                entries, 1, 1, &args))
    return FLOWS_CLI_EXIT_USAGE;

  if (type == NULL && provider == NULL)
    return flows_cli_usage_error (invocation, _("--type or --provider is required: a type (generic or oauth), or a provider preset (see “flows-cli providers”)"));
  if (type != NULL && provider != NULL)
    return flows_cli_usage_error (invocation, _("--type and --provider cannot be used together: a preset has its own type"));
  if (type != NULL && !flows_enum_from_nick (FLOWS_TYPE_CONNECTION_TYPE, type, &connection_type))
    return flows_cli_usage_error (invocation, _("unknown type “%s”: use generic or oauth"), type);
  if (*g_strstrip (args[0]) == '\0')
    return flows_cli_usage_error (invocation, _("the name must not be empty"));

  if (!(library = flows_cli_open_library (invocation)))
    return FLOWS_CLI_EXIT_FAILED;
  if (!flows_library_check_app_name (library, args[0], NULL, &error))
    return flows_cli_fail ("%s", error->message);

  if (provider == NULL)
    app = flows_app_new_from_template (args[0], connection_type);
  else if (!(app = new_app_from_preset (invocation, args[0], provider, &status)))
    return status;
  if (description != NULL)
    flows_app_set_description (app, description);
  if (!flows_library_add_app (library, app, &error))
    return flows_cli_fail ("%s", error->message);

  g_print (_("Created the %s App “%s”.\n"),
           connection_type_label (flows_app_get_connection_type (app)), flows_app_get_name (app));
  g_print ("%s\n", flows_app_get_id (app));
  return FLOWS_CLI_EXIT_OK;
}

static int
command_rename_app (FlowsCliInvocation *invocation)
{
  g_auto(GStrv) args = NULL;
  g_autoptr(FlowsLibrary) library = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *old_name = NULL;
  FlowsApp *app;

  if (!flows_cli_parse_options (invocation, _("APP NEW-NAME"),
                                _("Renames an App. No two Apps have the same name, whatever its case."),
                                NULL, 2, 2, &args))
    return FLOWS_CLI_EXIT_USAGE;
  if (*g_strstrip (args[1]) == '\0')
    return flows_cli_usage_error (invocation, _("the name must not be empty"));
  if (!(library = flows_cli_open_library (invocation)) ||
      !(app = flows_cli_find_app (library, args[0])))
    return FLOWS_CLI_EXIT_FAILED;

  old_name = g_strdup (flows_app_get_name (app));
  if (!flows_library_rename_app (library, app, args[1], &error))
    return flows_cli_fail ("%s", error->message);

  g_print (_("Renamed “%s” to “%s”.\n"), old_name, flows_app_get_name (app));
  return FLOWS_CLI_EXIT_OK;
}

/* "2 connections (“Work”, “Home”) and 3 keyring items", or "no connection". */
static char *
describe_app_contents (GPtrArray *connections,
                       gssize     n_secrets)
{
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *connections_text = NULL;
  g_autofree char *secrets_text = NULL;

  if (connections->len == 0)
    return g_strdup (_("no connection"));

  for (guint i = 0; i < connections->len; i++)
    g_string_append_printf (names, i == 0 ? "“%s”" : ", “%s”",
                            flows_connection_get_name (g_ptr_array_index (connections, i)));
  connections_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u connection (%s)", "%u connections (%s)",
                                                   connections->len),
                                      connections->len, names->str);
  secrets_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u keyring item", "%u keyring items", n_secrets),
                                  (guint)n_secrets);
  /* Translators: "2 connections (“Work”, “Home”) and 3 keyring items" */
  return g_strdup_printf (_("%s and %s"), connections_text, secrets_text);
}

/* Asks on stderr and reads the answer from stdin: only "y" or "yes" says yes, so that a script
 * without --yes, or with nothing on its standard input, deletes nothing. */
static gboolean
confirm (const char *question)
{
  char answer[16] = { 0 };

  g_printerr ("%s ", question);
  if (fgets (answer, sizeof answer, stdin) == NULL)
    {
      g_printerr ("\n");
      return FALSE;
    }
  g_strstrip (answer);
  return g_ascii_strcasecmp (answer, "y") == 0 || g_ascii_strcasecmp (answer, "yes") == 0;
}

static int
command_delete_app (FlowsCliInvocation *invocation)
{
  gboolean yes = FALSE;
  const GOptionEntry entries[] = {
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &yes, N_("Delete without asking first"), NULL },
    { NULL }
  };
  g_auto(GStrv) args = NULL;
  g_autoptr(FlowsLibrary) library = NULL;
  g_autoptr(GPtrArray) connections = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *contents = NULL;
  FlowsApp *app;
  gssize n_secrets;

  if (!flows_cli_parse_options (invocation, _("APP"),
                                _("Deletes an App with its connections and their secrets in the keyring. Asks first, unless --yes."),
                                entries, 1, 1, &args))
    return FLOWS_CLI_EXIT_USAGE;
  if (!(library = flows_cli_open_library (invocation)) ||
      !(app = flows_cli_find_app (library, args[0])))
    return FLOWS_CLI_EXIT_FAILED;

  name = g_strdup (flows_app_get_name (app));
  connections = flows_library_get_app_connections (library, app);
  if ((n_secrets = flows_library_count_app_secrets (library, app, NULL, &error)) < 0)
    return flows_cli_fail ("%s", error->message);
  contents = describe_app_contents (connections, n_secrets);

  if (!yes)
    {
      /* Translators: the first %s is an App's name, the second says what goes with it:
       * "2 connections (“Work”, “Home”) and 3 keyring items" or "no connection" */
      g_autofree char *question = g_strdup_printf (_("Delete “%s” with %s? [y/N]"), name, contents);

      if (!confirm (question))
        return flows_cli_fail (_("nothing was deleted"));
    }

  if (!flows_library_delete_app (library, app, NULL, &error))
    return flows_cli_fail ("%s", error->message);

  /* Translators: the first %s is an App's name, the second says what went with it:
   * "2 connections (“Work”, “Home”) and 3 keyring items" or "no connection" */
  g_print (_("Deleted “%s” with %s.\n"), name, contents);
  return FLOWS_CLI_EXIT_OK;
}

static int
command_validate (FlowsCliInvocation *invocation)
{
  g_auto(GStrv) args = NULL;
  g_autoptr(FlowsLibrary) library = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  FlowsApp *app;

  if (!flows_cli_parse_options (invocation, _("APP"),
                                _("Checks the parameters and every flow of an App and prints each problem: parameter, or flow, stage, setting, and what is wrong."),
                                NULL, 1, 1, &args))
    return FLOWS_CLI_EXIT_USAGE;
  if (!(library = flows_cli_open_library (invocation)) ||
      !(app = flows_cli_find_app (library, args[0])))
    return FLOWS_CLI_EXIT_FAILED;

  problems = flows_validate_app (app);
  for (guint i = 0; i < problems->len; i++)
    {
      g_autofree char *text = flows_problem_to_string (g_ptr_array_index (problems, i));
      g_print ("%s\n", text);
    }

  if (problems->len > 0)
    {
      g_printerr (g_dngettext (GETTEXT_PACKAGE, "%u problem in “%s”\n", "%u problems in “%s”\n", problems->len),
                  problems->len, flows_app_get_name (app));
      return FLOWS_CLI_EXIT_FAILED;
    }

  g_print (_("“%s” has no problems.\n"), flows_app_get_name (app));
  return FLOWS_CLI_EXIT_OK;
}

static int
command_export (FlowsCliInvocation *invocation)
{
  g_auto(GStrv) args = NULL;
  g_autoptr(FlowsLibrary) library = NULL;
  g_autoptr(GError) error = NULL;
  FlowsApp *app;

  if (!flows_cli_parse_options (invocation, _("APP FILE"),
                                _("Writes an App as one JSON document (it never contains a secret). FILE “-” is standard output."),
                                NULL, 2, 2, &args))
    return FLOWS_CLI_EXIT_USAGE;
  if (!(library = flows_cli_open_library (invocation)) ||
      !(app = flows_cli_find_app (library, args[0])))
    return FLOWS_CLI_EXIT_FAILED;

  if (g_strcmp0 (args[1], "-") == 0)
    {
      g_autofree char *text = flows_document_app_to_json (app);
      fputs (text, stdout);
      return FLOWS_CLI_EXIT_OK;
    }
  else
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (args[1]);

      if (!flows_library_export_app (library, app, file, &error))
        return flows_cli_fail ("%s", error->message);
      g_print (_("Exported “%s” to %s.\n"), flows_app_get_name (app), args[1]);
      return FLOWS_CLI_EXIT_OK;
    }
}

static int
command_import (FlowsCliInvocation *invocation)
{
  g_auto(GStrv) args = NULL;
  g_autoptr(FlowsLibrary) library = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  FlowsApp *app;

  if (!flows_cli_parse_options (invocation, _("FILE"),
                                _("Adds the App of an exported document to the library and prints its id last."),
                                NULL, 1, 1, &args))
    return FLOWS_CLI_EXIT_USAGE;
  if (!(library = flows_cli_open_library (invocation)))
    return FLOWS_CLI_EXIT_FAILED;

  file = g_file_new_for_commandline_arg (args[0]);
  if (!(app = flows_library_import_app (library, file, &error)))
    return flows_cli_fail ("%s", error->message);

  g_print (_("Imported “%s”.\n"), flows_app_get_name (app));
  g_print ("%s\n", flows_app_get_id (app));
  return FLOWS_CLI_EXIT_OK;
}

typedef struct
{
  const char *name;
  const char *synopsis;
  int       (*run) (FlowsCliInvocation *invocation);
} Command;

static const Command commands[] = {
  { "apps", N_("List the Apps"), command_apps },
  { "providers", N_("List the provider presets an App can start from"), command_providers },
  { "new-app", N_("Create an App from a provider preset or its connection type’s template"), command_new_app },
  { "rename-app", N_("Rename an App"), command_rename_app },
  { "delete-app", N_("Delete an App with its connections"), command_delete_app },
  { "validate", N_("Check an App’s flows"), command_validate },
  { "export", N_("Write an App to a file"), command_export },
  { "import", N_("Add an App from a file"), command_import },
  { "connection", N_("Add, list, show and delete connections"), flows_cli_connection },
  { "run", N_("Run a flow and print its trace"), flows_cli_run },
  { "test", N_("Test a connection"), flows_cli_test },
  { "sign-in", N_("Sign a connection in to its OAuth provider"), flows_cli_sign_in },
  { "refresh", N_("Refresh a connection’s access token"), flows_cli_refresh },
  { "sign-out", N_("Remove a connection’s tokens"), flows_cli_sign_out },
  { "sandbox", N_("Run the sandbox OAuth provider on this computer"), flows_cli_sandbox },
};

static void
print_help (FILE *stream)
{
  fprintf (stream, "%s\n", _("Usage: flows-cli COMMAND [OPTION…] [ARGUMENT…]"));
  fprintf (stream, "\n%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (stream, "  %-12s %s\n", commands[i].name, _(commands[i].synopsis));
  fprintf (stream, "\n%s\n", _("Every command takes --data-dir DIR and --help."));
}

int
main (int    argc,
      char **argv)
{
  FlowsCliInvocation invocation = { 0 };
  int status;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2)
    {
      print_help (stderr);
      return FLOWS_CLI_EXIT_USAGE;
    }
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") || g_str_equal (argv[1], "help"))
    {
      print_help (stdout);
      return FLOWS_CLI_EXIT_OK;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("flows-cli %s\n", PACKAGE_VERSION);
      return FLOWS_CLI_EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (!g_str_equal (argv[1], commands[i].name))
        continue;

      /* The command's options are parsed from "flows-cli COMMAND …" minus the command word. */
      invocation.command = commands[i].name;
      invocation.argv = g_strdupv (argv + 1);
      status = commands[i].run (&invocation);
      g_strfreev (invocation.argv);
      g_free (invocation.data_dir);
      return status;
    }

  g_printerr (_("flows-cli: unknown command “%s”\n\n"), argv[1]);
  print_help (stderr);
  return FLOWS_CLI_EXIT_USAGE;
}
