/* flows-token-refresher.c — refreshing a connection's OAuth tokens through the App's Step 3 flow */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "flows-oauth.h"
#include "flows-secrets.h"
#include "flows-token-refresher.h"

struct _FlowsTokenRefresher
{
  GObject       parent_instance;

  /* Weak: the runner owns its token source. */
  FlowsRunner  *runner;
  FlowsLibrary *library;
  /* connection id -> Refresh under way: one per connection, however many runs wait */
  GHashTable   *refreshes;
};

static void flows_token_refresher_token_source_init (FlowsTokenSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FlowsTokenRefresher, flows_token_refresher, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FLOWS_TYPE_TOKEN_SOURCE,
                                                      flows_token_refresher_token_source_init))

static void
flows_token_refresher_finalize (GObject *object)
{
  FlowsTokenRefresher *self = FLOWS_TOKEN_REFRESHER (object);

  g_clear_weak_pointer (&self->runner);
  g_clear_object (&self->library);
  /* Empty: every Refresh holds a reference to its refresher until it is done. */
  g_hash_table_unref (self->refreshes);

  G_OBJECT_CLASS (flows_token_refresher_parent_class)->finalize (object);
}

static void
flows_token_refresher_class_init (FlowsTokenRefresherClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = flows_token_refresher_finalize;
}

static void
flows_token_refresher_init (FlowsTokenRefresher *self)
{
  self->refreshes = g_hash_table_new (g_str_hash, g_str_equal);
}

FlowsTokenRefresher *
flows_token_refresher_attach (FlowsRunner  *runner,
                              FlowsLibrary *library)
{
  g_autoptr(FlowsTokenRefresher) self = NULL;

  g_return_val_if_fail (FLOWS_IS_RUNNER (runner), NULL);
  g_return_val_if_fail (library == NULL || FLOWS_IS_LIBRARY (library), NULL);

  self = g_object_new (FLOWS_TYPE_TOKEN_REFRESHER, NULL);
  g_set_weak_pointer (&self->runner, runner);
  g_set_object (&self->library, library);
  flows_runner_set_token_source (runner, FLOWS_TOKEN_SOURCE (self));
  return self;
}

/* One refresh of one connection, and everyone waiting for it. */
typedef struct
{
  FlowsTokenRefresher *refresher;
  FlowsRunner     *runner;
  FlowsApp        *app;
  FlowsConnection *connection;
  char            *connection_id;
  GPtrArray       *waiters;       /* GTask */
} Refresh;

static void
refresh_free (Refresh *refresh)
{
  g_clear_object (&refresh->refresher);
  g_clear_object (&refresh->runner);
  g_clear_object (&refresh->app);
  g_clear_object (&refresh->connection);
  g_free (refresh->connection_id);
  g_ptr_array_unref (refresh->waiters);
  g_free (refresh);
}

/* Ends the refresh for everyone: @token (taken) or @error (taken). */
static void
refresh_done (Refresh *refresh,
              char    *token,
              GError  *error)
{
  g_hash_table_remove (refresh->refresher->refreshes, refresh->connection_id);

  for (guint i = 0; i < refresh->waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (refresh->waiters, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_pointer (task, g_strdup (token), (GDestroyNotify)flows_secrets_free);
    }

  flows_secrets_free (token);
  g_clear_error (&error);
  refresh_free (refresh);
}

/* Marks the connection as needing sign-in for @reason, saves it, and ends the refresh with
 * FLOWS_OAUTH_ERROR_NEEDS_SIGN_IN. */
static void
refresh_needs_sign_in (Refresh    *refresh,
                       const char *reason)
{
  g_autoptr(GError) save_error = NULL;

  flows_connection_set_needs_sign_in (refresh->connection, reason);
  if (refresh->refresher->library != NULL &&
      !flows_library_save_connection (refresh->refresher->library, refresh->connection, &save_error))
    g_warning ("The connection needs sign-in, but its file was not updated: %s", save_error->message);

  refresh_done (refresh, NULL, g_error_new_literal (FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_NEEDS_SIGN_IN, reason));
}

static void
on_refresh_stored (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Refresh *refresh = user_data;
  GError *error = NULL;
  char *token = flows_oauth_store_tokens_finish (result, &error);

  refresh_done (refresh, token, error);
}

static void
on_refresh_run (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Refresh *refresh = user_data;
  GError *error = NULL;
  g_autoptr(FlowsRun) run = flows_runner_run_finish (FLOWS_RUNNER (source), result, &error);
  const char *code = NULL, *description = NULL;

  if (run == NULL)
    {
      refresh_done (refresh, NULL, error);
      return;
    }

  /* The provider no longer honours the refresh token: only signing in again helps. */
  if (!flows_run_get_succeeded (run) && flows_oauth_read_provider_error (run, &code, &description) &&
      g_str_equal (code, "invalid_grant"))
    {
      g_autofree char *reason = description != NULL
                                  ? g_strdup_printf (_("The provider refused the refresh token (invalid_grant: %s); sign in again"), description)
                                  : g_strdup (_("The provider refused the refresh token (invalid_grant); sign in again"));

      refresh_needs_sign_in (refresh, reason);
      return;
    }
  /* Step 3 said so itself, in the provider's words (an End With Error stage with "needsSignIn"):
   * a refusal that is not invalid_grant, or one inside an HTTP 200 body. */
  if (flows_run_error_matches (run, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_NEEDS_SIGN_IN))
    {
      refresh_needs_sign_in (refresh, flows_run_get_error_message (run));
      return;
    }

  flows_oauth_store_tokens_async (refresh->app, refresh->connection, refresh->refresher->library, run,
                                  NULL, on_refresh_stored, refresh);
}

static GError *
no_refresh_flow_error (FlowsApp *app)
{
  return g_error_new (FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_NO_FLOW,
                      _("“%s” has no OAuth Step 3 flow to refresh tokens with"), flows_app_get_name (app));
}

static void
on_refresh_token_looked_up (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  Refresh *refresh = user_data;
  g_autoptr(GError) error = NULL;
  char *refresh_token = flows_secrets_lookup_finish (result, &error);
  g_autoptr(GHashTable) inputs = NULL;
  FlowsFlow *flow;

  flows_secrets_free (refresh_token);
  if (refresh_token == NULL && error == NULL)
    {
      const char *hint = flows_app_get_offline_access_hint (refresh->app);
      g_autofree char *reason = NULL;

      /* Translators: then, when the App knows one, how to ask this provider for a refresh token */
      reason = g_strconcat (_("The provider issued no refresh token, so the access token cannot be renewed: sign in again."),
                            *hint != '\0' ? " " : "", hint, NULL);
      refresh_needs_sign_in (refresh, reason);
      return;
    }

  /* A keyring that cannot be read is Step 3's to report, on the reference that needs it. */
  flow = flows_app_find_flow_by_role (refresh->app, FLOWS_FLOW_ROLE_OAUTH_REFRESH);
  if (flow == NULL)
    {
      refresh_done (refresh, NULL, no_refresh_flow_error (refresh->app));
      return;
    }
  inputs = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (inputs, "ConnectionID", refresh->connection_id);
  /* Not cancellable by one waiter: the others still want the tokens. */
  flows_runner_run_async (refresh->runner, refresh->app, flow, inputs, refresh->connection, NULL, NULL,
                          on_refresh_run, refresh);
}

/* flows_token_refresher_refresh_async(), returning the new access token. */
static void
request_refresh (FlowsTokenRefresher *self,
                 FlowsApp            *app,
                 FlowsConnection     *connection,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  const char *connection_id = flows_connection_get_id (connection);
  Refresh *refresh = g_hash_table_lookup (self->refreshes, connection_id);
  FlowsFlow *flow;

  g_task_set_source_tag (task, request_refresh);

  if (self->runner == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED,
                               _("The tokens cannot be refreshed: the runner is gone"));
      g_object_unref (task);
      return;
    }

  /* Single flight: a refresh under way serves every caller, so that a provider that rotates
   * refresh tokens never sees the same one twice. */
  if (refresh != NULL)
    {
      g_ptr_array_add (refresh->waiters, task);
      return;
    }

  refresh = g_new0 (Refresh, 1);
  refresh->refresher = g_object_ref (self);
  refresh->runner = g_object_ref (self->runner);
  refresh->app = g_object_ref (app);
  refresh->connection = g_object_ref (connection);
  refresh->connection_id = g_strdup (connection_id);
  refresh->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (refresh->waiters, task);
  g_hash_table_insert (self->refreshes, refresh->connection_id, refresh);

  flow = flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_OAUTH_REFRESH);
  if (flow == NULL)
    {
      refresh_done (refresh, NULL, no_refresh_flow_error (app));
      return;
    }

  /* Step 3 without a refresh token could only fail on <RefreshToken>: say why instead. */
  flows_secrets_lookup_async (flows_app_get_id (app), connection_id, FLOWS_SECRETS_REFRESH_TOKEN_KEY,
                              NULL, on_refresh_token_looked_up, refresh);
}


void
flows_token_refresher_refresh_async (FlowsTokenRefresher *self,
                                     FlowsApp            *app,
                                     FlowsConnection     *connection,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (FLOWS_IS_TOKEN_REFRESHER (self));
  g_return_if_fail (FLOWS_IS_APP (app));
  g_return_if_fail (FLOWS_IS_CONNECTION (connection));

  request_refresh (self, app, connection, cancellable, callback, user_data);
}

gboolean
flows_token_refresher_refresh_finish (FlowsTokenRefresher  *self,
                                      GAsyncResult         *result,
                                      GError              **error)
{
  char *token;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  token = g_task_propagate_pointer (G_TASK (result), error);
  flows_secrets_free (token);
  return token != NULL;
}

/* FlowsTokenSource */

static gboolean
token_source_needs_refresh (FlowsTokenSource *source,
                            FlowsConnection  *connection)
{
  return flows_oauth_token_needs_refresh (connection);
}

static void
token_source_refresh_async (FlowsTokenSource    *source,
                            FlowsApp            *app,
                            FlowsConnection     *connection,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  request_refresh (FLOWS_TOKEN_REFRESHER (source), app, connection, cancellable, callback, user_data);
}

static char *
token_source_refresh_finish (FlowsTokenSource  *source,
                             GAsyncResult      *result,
                             GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
flows_token_refresher_token_source_init (FlowsTokenSourceInterface *iface)
{
  iface->needs_refresh = token_source_needs_refresh;
  iface->refresh_async = token_source_refresh_async;
  iface->refresh_finish = token_source_refresh_finish;
}
