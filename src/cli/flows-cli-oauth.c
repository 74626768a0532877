/* flows-cli-oauth.c — flows-cli sign-in | refresh | sign-out */

#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "flows-cli.h"
#include "flows-oauth.h"
#include "flows-redirect-listener.h"
#include "flows-runner.h"
#include "flows-sign-in-loader.h"
#include "flows-sign-in.h"
#include "flows-token-refresher.h"

typedef struct
{
  GMainLoop               *loop;
  gboolean                 succeeded;
  GError                  *error;
  /* The sign-in window's module, for an embedded sign-in. */
  const FlowsSignInModule *window_module;
} Waiter;

/* Finds an OAuth connection and its App, printing why when there is none. */
static gboolean
find_oauth_connection (FlowsLibrary     *library,
                       const char       *id,
                       FlowsConnection **connection,
                       FlowsApp        **app)
{
  if (!(*connection = flows_library_find_connection (library, id)))
    {
      flows_cli_fail (_("no connection has the id “%s” (see “flows-cli connection list”)"), id);
      return FALSE;
    }
  if (!(*app = flows_cli_find_app (library, flows_connection_get_app_id (*connection))))
    return FALSE;
  if (flows_app_get_connection_type (*app) != FLOWS_CONNECTION_TYPE_OAUTH)
    {
      flows_cli_fail (_("“%s” uses a Generic connection: there is nothing to sign in to"), flows_app_get_name (*app));
      return FALSE;
    }
  return TRUE;
}

static void
on_window_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Waiter *waiter = user_data;

  waiter->succeeded = waiter->window_module->run_finish (source, result, &waiter->error);
  g_main_loop_quit (waiter->loop);
}

static void
on_system_browser_done (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  Waiter *waiter = user_data;

  waiter->succeeded = flows_sign_in_with_system_browser_finish (FLOWS_SIGN_IN (source), result, &waiter->error);
  g_main_loop_quit (waiter->loop);
}

/* The browser may not open (none configured, a remote session): the address lets the user
 * open it by hand on this computer, where the redirect comes back to. */
static void
on_authorize_url (FlowsSignIn *sign_in)
{
  g_print (_("If no browser opens, open this address in one on this computer:\n  %s\n"),
           flows_sign_in_get_authorize_url (sign_in));
  fflush (stdout);
}

int
flows_cli_sign_in (FlowsCliInvocation *invocation)
{
  gboolean system_browser = FALSE;
  const GOptionEntry entries[] = {
    { "system-browser", 0, 0, G_OPTION_ARG_NONE, &system_browser,
      N_("Sign in with the default browser instead of the embedded window"), NULL },
    { NULL }
  };
  g_auto(GStrv) args = NULL;
  g_autoptr(FlowsLibrary) library = NULL;
  g_autoptr(FlowsRunner) runner = NULL;
  g_autoptr(FlowsSignIn) sign_in = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) sandbox = NULL;
  FlowsConnection *connection;
  FlowsApp *app;
  Waiter waiter = { 0 };

  if (!flows_cli_parse_options (invocation, _("CONNECTION [--system-browser]"),
                                _("Signs a connection in to its provider and stores the tokens in the keyring. The embedded window needs a display."),
                                entries, 1, 1, &args))
    return FLOWS_CLI_EXIT_USAGE;
  if (!(library = flows_cli_open_library (invocation)) ||
      !find_oauth_connection (library, args[0], &connection, &app))
    return FLOWS_CLI_EXIT_FAILED;

  /* flows-cli links no GTK: the window, and GTK with it, come from the sign-in module. */
  if (!system_browser)
    {
      if ((waiter.window_module = flows_sign_in_loader_load (&error)) == NULL)
        return flows_cli_fail (_("%s; use --system-browser to sign in with the default browser"), error->message);
      if (!waiter.window_module->init_display ())
        return flows_cli_fail (_("the sign-in window needs a display; on a machine without one, use --system-browser"));
    }

  /* Before Step 1: the sandbox's sign-in page must answer as soon as the browser asks. */
  sandbox = flows_cli_start_sandbox_for (app, connection);
  runner = flows_runner_new ();
  sign_in = flows_sign_in_new (runner, library, app, connection);
  loop = g_main_loop_new (NULL, FALSE);
  waiter.loop = loop;

  if (system_browser)
    {
      g_print (_("Opening the provider’s sign-in page in your browser; waiting for it to come back to %s …\n"),
               flows_app_get_redirect_url (app));
      g_signal_connect (sign_in, "notify::authorize-url", G_CALLBACK (on_authorize_url), NULL);
      flows_sign_in_with_system_browser_async (sign_in, FLOWS_REDIRECT_LISTENER_TIMEOUT_SECONDS, NULL,
                                               on_system_browser_done, &waiter);
    }
  else
    {
      GObject *window = waiter.window_module->new_window (NULL, sign_in);

      waiter.window_module->run_async (window, on_window_done, &waiter);
    }
  g_main_loop_run (loop);

  if (!waiter.succeeded)
    {
      g_autoptr(GError) sign_in_error = waiter.error;

      /* `flows-cli connection list` and the app's row say it too. */
      flows_sign_in_record_failure (sign_in, sign_in_error);
      return flows_cli_fail (_("not signed in: %s"), sign_in_error->message);
    }

  g_print (_("Signed in “%s”; the tokens are in the keyring.\n"), flows_connection_get_name (connection));
  return FLOWS_CLI_EXIT_OK;
}

static void
on_refreshed (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Waiter *waiter = user_data;

  waiter->succeeded = flows_token_refresher_refresh_finish (FLOWS_TOKEN_REFRESHER (source), result, &waiter->error);
  g_main_loop_quit (waiter->loop);
}

int
flows_cli_refresh (FlowsCliInvocation *invocation)
{
  g_auto(GStrv) args = NULL;
  g_autoptr(FlowsLibrary) library = NULL;
  g_autoptr(FlowsRunner) runner = NULL;
  FlowsTokenRefresher *refresher;
  g_autoptr(GMainLoop) loop = NULL;
  FlowsConnection *connection;
  FlowsApp *app;
  Waiter waiter = { 0 };

  if (!flows_cli_parse_options (invocation, _("CONNECTION"),
                                _("Gets a new access token with the refresh token (OAuth Step 3)."),
                                NULL, 1, 1, &args))
    return FLOWS_CLI_EXIT_USAGE;
  if (!(library = flows_cli_open_library (invocation)) ||
      !find_oauth_connection (library, args[0], &connection, &app))
    return FLOWS_CLI_EXIT_FAILED;

  runner = flows_runner_new ();
  refresher = flows_token_refresher_attach (runner, library);
  loop = g_main_loop_new (NULL, FALSE);
  waiter.loop = loop;
  flows_token_refresher_refresh_async (refresher, app, connection, NULL, on_refreshed, &waiter);
  g_main_loop_run (loop);

  if (!waiter.succeeded)
    {
      g_autoptr(GError) refresh_error = waiter.error;
      return flows_cli_fail (_("not refreshed: %s"), refresh_error->message);
    }

  if (flows_connection_get_token_expires_at (connection) != 0)
    {
      g_autoptr(GDateTime) expires = g_date_time_new_from_unix_local (flows_connection_get_token_expires_at (connection));
      g_autofree char *when = g_date_time_format (expires, "%Y-%m-%d %H:%M:%S");

      g_print (_("Refreshed “%s”; the new access token expires at %s.\n"), flows_connection_get_name (connection), when);
    }
  else
    g_print (_("Refreshed “%s”.\n"), flows_connection_get_name (connection));
  return FLOWS_CLI_EXIT_OK;
}

static void
on_signed_out (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Waiter *waiter = user_data;

  waiter->succeeded = flows_oauth_sign_out_finish (result, &waiter->error);
  g_main_loop_quit (waiter->loop);
}

int
flows_cli_sign_out (FlowsCliInvocation *invocation)
{
  g_auto(GStrv) args = NULL;
  g_autoptr(FlowsLibrary) library = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  FlowsConnection *connection;
  FlowsApp *app;
  Waiter waiter = { 0 };

  if (!flows_cli_parse_options (invocation, _("CONNECTION"),
                                _("Removes a connection’s tokens from the keyring."),
                                NULL, 1, 1, &args))
    return FLOWS_CLI_EXIT_USAGE;
  if (!(library = flows_cli_open_library (invocation)) ||
      !find_oauth_connection (library, args[0], &connection, &app))
    return FLOWS_CLI_EXIT_FAILED;

  loop = g_main_loop_new (NULL, FALSE);
  waiter.loop = loop;
  flows_oauth_sign_out_async (connection, library, NULL, on_signed_out, &waiter);
  g_main_loop_run (loop);

  if (!waiter.succeeded)
    {
      g_autoptr(GError) sign_out_error = waiter.error;
      return flows_cli_fail (_("not signed out: %s"), sign_out_error->message);
    }

  g_print (_("Signed out “%s”.\n"), flows_connection_get_name (connection));
  return FLOWS_CLI_EXIT_OK;
}
