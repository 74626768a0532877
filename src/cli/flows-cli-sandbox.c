/* flows-cli-sandbox.c — flows-cli sandbox: the sandbox OAuth provider in a terminal, until Ctrl+C */

#include "config.h"

#include <signal.h>
#include <stdio.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "flows-cli.h"
#include "flows-sandbox-client.h"
#include "flows-sandbox-provider.h"
#include "flows-sign-in.h"
#include "flows-types.h"

static gboolean
on_stop_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

static void
print_row (const char *label,
           const char *value)
{
  /* Labels are translated, so they are padded by characters rather than by bytes. */
  glong padding = MAX (0, 16 - g_utf8_strlen (label, -1));

  g_print ("  %s%*s%s\n", label, (int)padding, "", value);
}

gboolean
flows_cli_uses_sandbox (FlowsApp        *app,
                        FlowsConnection *connection)
{
  g_auto(GStrv) urls = NULL;

  if (flows_app_get_connection_type (app) != FLOWS_CONNECTION_TYPE_OAUTH)
    return FALSE;
  urls = flows_sign_in_list_provider_urls (app, connection);
  return flows_sandbox_serves_any ((const char * const *)urls, flows_sandbox_get_configured_port ());
}

/* As the app does for the rest of its session, flows-cli starts the sandbox for the command:
 * the provider keeps its codes and tokens in memory, so it stops with the command, and a later
 * command (a Test) needs `flows-cli sandbox` running meanwhile, which this then leaves alone. */
GObject *
flows_cli_start_sandbox_for (FlowsApp        *app,
                             FlowsConnection *connection)
{
  g_autoptr(FlowsSandboxProvider) provider = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  if (!flows_cli_uses_sandbox (app, connection))
    return NULL;

  provider = flows_sandbox_provider_new ();
  if (!flows_sandbox_provider_start (provider, flows_sandbox_get_configured_port (), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        g_print (_("The sandbox provider was not started: %s Signing in to the one that runs there (flows-cli sandbox?).\n"),
                 error->message);
      else
        g_printerr (_("flows-cli: warning: the sandbox provider could not start: %s\n"), error->message);
      /* Translators: the placeholders are the sandbox provider's demo user name and password */
      g_print (_("Sign in as %s with the password %s.\n"), FLOWS_SANDBOX_USER_NAME, FLOWS_SANDBOX_PASSWORD);
      return NULL;
    }

  url = flows_sandbox_provider_get_base_url (provider);
  /* Translators: the placeholders are a URL, then the demo user name and password */
  g_print (_("Started the sandbox provider at %s for this command. Sign in as %s with the password %s.\n"),
           url, FLOWS_SANDBOX_USER_NAME, FLOWS_SANDBOX_PASSWORD);
  fflush (stdout);
  return G_OBJECT (g_steal_pointer (&provider));
}

int
flows_cli_sandbox (FlowsCliInvocation *invocation)
{
  int port = (int)flows_sandbox_get_configured_port ();
  gboolean auto_consent = FALSE;
  g_autofree char *fault_nick = NULL;
  const GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port,
      N_("Listen on PORT of 127.0.0.1 (default: the sandbox-port setting, 8977 unless changed; 0 for any free port)"), N_("PORT") },
    { "auto-consent", 0, 0, G_OPTION_ARG_NONE, &auto_consent,
      N_("Skip the sign-in and consent pages"), NULL },
    { "fault", 0, 0, G_OPTION_ARG_STRING, &fault_nick,
      N_("Misbehave on purpose: access-denied, wrong-state, missing-code, token-server-error, "
         "token-html, expires-in-string, special-character-codes or invalid-grant-on-refresh"),
      N_("FAULT") },
    { NULL }
  };
  g_auto(GStrv) args = NULL;
  g_autoptr(FlowsSandboxProvider) provider = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *authorize_url = NULL;
  g_autofree char *token_url = NULL;
  g_autofree char *userinfo_url = NULL;
  g_autofree char *metadata_url = NULL;
  int fault = FLOWS_SANDBOX_FAULT_NONE;
  guint sigint_id;
  guint sigterm_id;

  if (!flows_cli_parse_options (invocation, "",
                                _("Runs a small OAuth 2.0 provider on 127.0.0.1 to sign in to offline, until Ctrl+C."),
                                entries, 0, 0, &args))
    return FLOWS_CLI_EXIT_USAGE;
  if (port < 0 || port > G_MAXUINT16)
    return flows_cli_usage_error (invocation, _("the port must be between 0 and 65535"));
  if (fault_nick != NULL && !flows_enum_from_nick (FLOWS_TYPE_SANDBOX_FAULT, fault_nick, &fault))
    return flows_cli_usage_error (invocation, _("unknown fault “%s” (see --help)"), fault_nick);

  provider = flows_sandbox_provider_new ();
  flows_sandbox_provider_set_auto_consent (provider, auto_consent);
  flows_sandbox_provider_set_fault (provider, fault);
  if (!flows_sandbox_provider_start (provider, port, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        return flows_cli_fail (_("cannot start the sandbox: %s Choose another one with --port N, or --port 0 for any free port."),
                               error->message);
      return flows_cli_fail (_("cannot start the sandbox: %s"), error->message);
    }

  base_url = flows_sandbox_provider_get_base_url (provider);
  authorize_url = g_strconcat (base_url, FLOWS_SANDBOX_AUTHORIZE_PATH, NULL);
  token_url = g_strconcat (base_url, FLOWS_SANDBOX_TOKEN_PATH, NULL);
  userinfo_url = g_strconcat (base_url, FLOWS_SANDBOX_USERINFO_PATH, NULL);
  metadata_url = g_strconcat (base_url, FLOWS_SANDBOX_METADATA_PATH, NULL);

  g_print (_("The sandbox OAuth provider is running at %s\n"), base_url);
  g_print ("\n%s\n", _("Endpoints:"));
  print_row (_("Authorization"), authorize_url);
  print_row (_("Token"), token_url);
  print_row (_("User info"), userinfo_url);
  print_row (_("Metadata"), metadata_url);
  g_print ("\n%s\n", _("Demo client and user:"));
  print_row (_("Client ID"), FLOWS_SANDBOX_CLIENT_ID);
  print_row (_("Client secret"), FLOWS_SANDBOX_CLIENT_SECRET);
  print_row (_("User name"), FLOWS_SANDBOX_USER_NAME);
  print_row (_("Password"), FLOWS_SANDBOX_PASSWORD);
  if (fault != FLOWS_SANDBOX_FAULT_NONE)
    g_print ("\n%s %s\n", _("Fault:"), fault_nick);
  g_print ("\n%s\n", _("Press Ctrl+C to stop."));
  /* Whoever reads a pipe (a script, a test) needs the address now, not when the buffer fills. */
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  sigint_id = g_unix_signal_add (SIGINT, on_stop_signal, loop);
  sigterm_id = g_unix_signal_add (SIGTERM, on_stop_signal, loop);
  g_main_loop_run (loop);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);

  flows_sandbox_provider_stop (provider);
  g_print ("%s\n", _("Stopped."));
  return FLOWS_CLI_EXIT_OK;
}
