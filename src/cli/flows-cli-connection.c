/* flows-cli-connection.c — flows-cli connection add | list | show | delete */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "flows-app-templates.h"
#include "flows-cli.h"
#include "flows-sandbox-client.h"
#include "flows-sandbox-provider.h"
#include "flows-secrets.h"

/* A sensitive value given as "-" is read from standard input, so that it never appears in the
 * process list or the shell history. One line; the line break is not part of the value. */
static char *
read_secret_from_stdin (void)
{
  g_autoptr(GString) value = g_string_new (NULL);
  int c;

  while ((c = getchar ()) != EOF && c != '\n')
    g_string_append_c (value, (char)c);
  if (value->len > 0 && value->str[value->len - 1] == '\r')
    g_string_truncate (value, value->len - 1);
  return g_string_free (g_steal_pointer (&value), FALSE);
}

static FlowsConnection *
find_connection (FlowsLibrary *library,
                 const char   *id)
{
  FlowsConnection *connection = flows_library_find_connection (library, id);

  if (connection == NULL)
    flows_cli_fail (_("no connection has the id “%s” (see “flows-cli connection list”)"), id);
  return connection;
}

static int
connection_add (FlowsCliInvocation *invocation)
{
  g_auto(GStrv) assignments = NULL;
  const GOptionEntry entries[] = {
    { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &assignments,
      N_("Give parameter KEY a value; a sensitive one as “-” is read from standard input"), N_("KEY=VALUE") },
    { NULL }
  };
  g_auto(GStrv) args = NULL;
  g_autoptr(FlowsLibrary) library = NULL;
  g_autoptr(FlowsConnection) connection = NULL;
  g_autoptr(GHashTable) secrets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify)flows_secrets_free);
  g_autoptr(GPtrArray) missing = g_ptr_array_new ();
  g_autoptr(GHashTable) sandbox_values = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  GHashTableIter iter;
  gpointer key, value;
  GListModel *params;
  FlowsApp *app;

  if (!flows_cli_parse_options (invocation, _("APP NAME [--set KEY=VALUE…]"),
                                _("Adds a connection to an App and prints its id last. Sensitive values go to the keyring, never to a file."),
                                entries, 2, 2, &args))
    return FLOWS_CLI_EXIT_USAGE;
  if (!(library = flows_cli_open_library (invocation)) ||
      !(app = flows_cli_find_app (library, args[0])))
    return FLOWS_CLI_EXIT_FAILED;

  id = flows_new_id ();
  connection = flows_connection_new (id, flows_app_get_id (app), args[1]);

  for (guint i = 0; assignments != NULL && assignments[i] != NULL; i++)
    {
      const char *equals = strchr (assignments[i], '=');
      g_autofree char *param_key = NULL;
      FlowsParam *param;

      if (equals == NULL)
        return flows_cli_usage_error (invocation, _("“%s” is not KEY=VALUE"), assignments[i]);

      param_key = g_strndup (assignments[i], equals - assignments[i]);
      if (!(param = flows_app_find_param (app, param_key)))
        return flows_cli_fail (_("“%s” has no parameter “%s”"), flows_app_get_name (app), param_key);
      if (flows_param_get_from_sign_in (param))
        return flows_cli_fail (_("“%s” is filled in at sign-in, not given"), param_key);

      if (flows_param_get_sensitive (param))
        g_hash_table_insert (secrets, g_strdup (param_key),
                             g_str_equal (equals + 1, "-") ? read_secret_from_stdin () : g_strdup (equals + 1));
      else
        flows_connection_set_value (connection, param_key, equals + 1);
    }

  /* A connection to the sandbox provider gets what it needs to sign in, as in the app's Add
   * Connection dialog: what --set gives and the App's defaults come first. */
  if (flows_cli_uses_sandbox (app, NULL))
    sandbox_values = flows_sandbox_get_connection_values (flows_sandbox_get_configured_port ());

  params = flows_app_get_params (app);
  for (guint i = 0; i < g_list_model_get_n_items (params); i++)
    {
      g_autoptr(FlowsParam) param = g_list_model_get_item (params, i);
      const char *param_key = flows_param_get_key (param);
      gboolean sensitive = flows_param_get_sensitive (param);
      const char *given = sensitive ? g_hash_table_lookup (secrets, param_key)
                                    : flows_connection_get_value (connection, param_key);
      const char *fallback = !sensitive && *flows_param_get_default (param) != '\0'
                               ? flows_param_get_default (param)
                               : sandbox_values != NULL ? g_hash_table_lookup (sandbox_values, param_key) : NULL;

      /* Nobody gives it: Steps 2 and 3 fill it in. */
      if (flows_param_get_from_sign_in (param))
        continue;
      if (given == NULL && fallback != NULL && sensitive)
        g_hash_table_insert (secrets, g_strdup (param_key), g_strdup (fallback));
      else if (given == NULL && fallback != NULL)
        flows_connection_set_value (connection, param_key, fallback);
      else if ((given == NULL || *given == '\0') && flows_param_get_required (param))
        g_ptr_array_add (missing, (gpointer)param_key);
    }
  if (missing->len > 0)
    {
      g_ptr_array_add (missing, NULL);
      g_autofree char *list = g_strjoinv (", ", (char **)missing->pdata);
      return flows_cli_fail (_("the connection was not added: required parameters have no value: %s"), list);
    }

  /* Secrets first: when the keyring cannot take them, no connection file is written. */
  g_hash_table_iter_init (&iter, secrets);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (!flows_secrets_store_sync (flows_app_get_id (app), id, key, value, NULL, &error))
        {
          flows_secrets_clear_connection_sync (flows_app_get_id (app), id, NULL, NULL);
          return flows_cli_fail (_("the connection was not added: %s"), error->message);
        }
    }

  if (!flows_library_add_connection (library, connection, &error))
    {
      flows_secrets_clear_connection_sync (flows_app_get_id (app), id, NULL, NULL);
      return flows_cli_fail ("%s", error->message);
    }

  g_print (_("Added the connection “%s” to “%s”.\n"), flows_connection_get_name (connection), flows_app_get_name (app));
  if (sandbox_values != NULL)
    /* Translators: the placeholders are the sandbox provider's demo user name and password */
    g_print (_("It signs in to the sandbox provider built into Flows Studio: “flows-cli sign-in” starts it. Sign in as %s with the password %s.\n"),
             FLOWS_SANDBOX_USER_NAME, FLOWS_SANDBOX_PASSWORD);
  g_print ("%s\n", id);
  return FLOWS_CLI_EXIT_OK;
}

static char *
format_time (gint64 unix_time)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (unix_time);

  return g_date_time_format (time, "%Y-%m-%d %H:%M");
}

static char *
describe_status (FlowsConnection *connection)
{
  g_autofree char *when = NULL;

  if (flows_connection_get_needs_sign_in (connection) != NULL)
    return g_strdup_printf (_("needs sign-in: %s"), flows_connection_get_needs_sign_in (connection));
  if (flows_connection_get_sign_in_failure (connection) != NULL)
    {
      when = format_time (flows_connection_get_sign_in_failure_time (connection));
      return g_strdup_printf (_("sign-in failed at %s: %s"), when, flows_connection_get_sign_in_failure (connection));
    }
  if (flows_connection_get_last_test_stale (connection))
    return g_strdup (_("signed in; not tested since signing in"));
  if (flows_connection_get_last_test_time (connection) == 0)
    {
      if (flows_connection_get_signed_in (connection) && flows_connection_get_token_expires_at (connection) != 0)
        {
          g_autofree char *expiry = format_time (flows_connection_get_token_expires_at (connection));
          return g_strdup_printf (_("signed in, token expires at %s; never tested"), expiry);
        }
      if (flows_connection_get_signed_in (connection))
        return g_strdup (_("signed in; never tested"));
      return g_strdup (_("never tested"));
    }

  when = format_time (flows_connection_get_last_test_time (connection));
  if (flows_connection_get_last_test_passed (connection))
    return g_strdup_printf (_("passed at %s"), when);
  return g_strdup_printf (_("failed at %s: %s"), when, flows_connection_get_last_test_message (connection));
}

static int
connection_list (FlowsCliInvocation *invocation)
{
  g_auto(GStrv) args = NULL;
  g_autoptr(FlowsLibrary) library = NULL;
  GListModel *connections;
  FlowsApp *only_app = NULL;
  guint shown = 0;

  if (!flows_cli_parse_options (invocation, _("[APP]"), _("Lists the connections, of one App or of all."),
                                NULL, 0, 1, &args))
    return FLOWS_CLI_EXIT_USAGE;
  if (!(library = flows_cli_open_library (invocation)))
    return FLOWS_CLI_EXIT_FAILED;
  if (args != NULL && args[0] != NULL && !(only_app = flows_cli_find_app (library, args[0])))
    return FLOWS_CLI_EXIT_FAILED;

  connections = flows_library_get_connections (library);
  for (guint i = 0; i < g_list_model_get_n_items (connections); i++)
    {
      g_autoptr(FlowsConnection) connection = g_list_model_get_item (connections, i);
      const char *app_id = flows_connection_get_app_id (connection);
      FlowsApp *app = flows_library_find_app (library, app_id);
      g_autofree char *status = NULL;

      if (only_app != NULL && app != only_app)
        continue;

      status = describe_status (connection);
      g_print ("%s\t%s\t%s\t%s\n", flows_connection_get_id (connection),
               app != NULL ? flows_app_get_name (app) : app_id,
               flows_connection_get_name (connection), status);
      shown++;
    }

  if (shown == 0)
    g_print ("%s\n", _("No connections."));
  return FLOWS_CLI_EXIT_OK;
}

static int
connection_show (FlowsCliInvocation *invocation)
{
  g_auto(GStrv) args = NULL;
  g_autoptr(FlowsLibrary) library = NULL;
  g_autofree char *status = NULL;
  FlowsConnection *connection;
  FlowsApp *app;
  GListModel *params;

  if (!flows_cli_parse_options (invocation, _("ID"),
                                _("Shows a connection. Sensitive values are never printed: only whether the keyring holds one."),
                                NULL, 1, 1, &args))
    return FLOWS_CLI_EXIT_USAGE;
  if (!(library = flows_cli_open_library (invocation)) ||
      !(connection = find_connection (library, args[0])))
    return FLOWS_CLI_EXIT_FAILED;

  app = flows_library_find_app (library, flows_connection_get_app_id (connection));
  status = describe_status (connection);

  g_print (_("Name: %s\n"), flows_connection_get_name (connection));
  g_print (_("Id: %s\n"), flows_connection_get_id (connection));
  g_print (_("App: %s\n"), app != NULL ? flows_app_get_name (app) : flows_connection_get_app_id (connection));
  g_print (_("Status: %s\n"), status);

  if (app == NULL)
    {
      g_printerr (_("flows-cli: warning: the App of this connection is not in the library\n"));
      return FLOWS_CLI_EXIT_OK;
    }

  g_print ("%s\n", _("Parameters:"));
  params = flows_app_get_params (app);
  for (guint i = 0; i < g_list_model_get_n_items (params); i++)
    {
      g_autoptr(FlowsParam) param = g_list_model_get_item (params, i);
      const char *key = flows_param_get_key (param);

      if (flows_param_get_sensitive (param))
        {
          g_autoptr(GError) error = NULL;
          char *secret = flows_secrets_lookup_sync (flows_app_get_id (app), flows_connection_get_id (connection),
                                                    key, NULL, &error);

          if (error != NULL)
            g_print (_("  %s: (sensitive; the keyring cannot be read: %s)\n"), key, error->message);
          else if (secret != NULL)
            g_print (_("  %s: •••••• (sensitive, stored in the keyring)\n"), key);
          else
            g_print (_("  %s: (sensitive, not set)\n"), key);
          flows_secrets_free (secret);
        }
      else
        {
          const char *value = flows_connection_get_value (connection, key);
          g_print ("  %s: %s\n", key, value != NULL ? value : _("(not set)"));
        }
    }
  return FLOWS_CLI_EXIT_OK;
}

static int
connection_delete (FlowsCliInvocation *invocation)
{
  g_auto(GStrv) args = NULL;
  g_autoptr(FlowsLibrary) library = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  FlowsConnection *connection;

  if (!flows_cli_parse_options (invocation, _("ID"), _("Deletes a connection and its secrets in the keyring."),
                                NULL, 1, 1, &args))
    return FLOWS_CLI_EXIT_USAGE;
  if (!(library = flows_cli_open_library (invocation)) ||
      !(connection = find_connection (library, args[0])))
    return FLOWS_CLI_EXIT_FAILED;

  name = g_strdup (flows_connection_get_name (connection));
  if (!flows_library_delete_connection (library, connection, NULL, &error))
    return flows_cli_fail ("%s", error->message);

  g_print (_("Deleted the connection “%s”.\n"), name);
  return FLOWS_CLI_EXIT_OK;
}

int
flows_cli_connection (FlowsCliInvocation *invocation)
{
  static const struct {
    const char *name;
    const char *command;
    int       (*run) (FlowsCliInvocation *invocation);
  } subcommands[] = {
    { "add", "connection add", connection_add },
    { "list", "connection list", connection_list },
    { "show", "connection show", connection_show },
    { "delete", "connection delete", connection_delete },
  };
  /* The subcommand's own command line: its name first, as GOption expects, then every other word. */
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  const char *name = NULL;

  g_ptr_array_add (words, NULL);
  /* The subcommand is the first word that is not an option, so that options such as
   * --data-dir may come before it: "connection --data-dir D list". */
  for (guint i = 1; invocation->argv[i] != NULL; i++)
    {
      const char *word = invocation->argv[i];

      if (name == NULL && word[0] != '-')
        {
          name = word;
          continue;
        }
      g_ptr_array_add (words, g_strdup (word));
      if (name == NULL && g_str_equal (word, "--data-dir") && invocation->argv[i + 1] != NULL)
        g_ptr_array_add (words, g_strdup (invocation->argv[++i]));
    }
  g_ptr_array_add (words, NULL);

  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (subcommands); i++)
    {
      if (g_str_equal (name, subcommands[i].name))
        {
          FlowsCliInvocation sub = *invocation;
          int status;

          g_ptr_array_index (words, 0) = g_strdup (name);
          sub.command = subcommands[i].command;
          sub.argv = (char **)g_ptr_array_free (g_steal_pointer (&words), FALSE);
          status = subcommands[i].run (&sub);
          g_strfreev (sub.argv);
          g_free (sub.data_dir);
          return status;
        }
    }

  if (name == NULL)
    return flows_cli_usage_error (invocation, _("which one: add, list, show or delete?"));
  return flows_cli_usage_error (invocation, _("unknown subcommand “%s”: use add, list, show or delete"), name);
}
