/* flows-sign-in.c — one OAuth sign-in attempt for a connection */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "flows-json-util.h"
#include "flows-oauth.h"
#include "flows-redirect-listener.h"
#include "flows-secrets.h"
#include "flows-sign-in.h"

/* 32 random bytes: 256 bits of state, and a 43-character PKCE verifier (RFC 7636 §4.1). */
#define RANDOM_BYTES 32

struct _FlowsSignIn
{
  GObject          parent_instance;

  FlowsRunner     *runner;
  FlowsLibrary    *library;
  FlowsApp        *app;
  FlowsConnection *connection;
  char            *state;
  char            *code_verifier;
  char            *code_challenge;
  char            *authorize_url;
};

G_DEFINE_FINAL_TYPE (FlowsSignIn, flows_sign_in, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_AUTHORIZE_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
flows_sign_in_dispose (GObject *object)
{
  FlowsSignIn *self = (FlowsSignIn *)object;

  g_clear_object (&self->runner);
  g_clear_object (&self->library);
  g_clear_object (&self->app);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (flows_sign_in_parent_class)->dispose (object);
}

static void
flows_sign_in_finalize (GObject *object)
{
  FlowsSignIn *self = (FlowsSignIn *)object;

  flows_secrets_free (self->state);
  flows_secrets_free (self->code_verifier);
  g_free (self->code_challenge);
  /* It carries the state. */
  flows_secrets_free (self->authorize_url);

  G_OBJECT_CLASS (flows_sign_in_parent_class)->finalize (object);
}

static void
flows_sign_in_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  FlowsSignIn *self = FLOWS_SIGN_IN (object);

  switch (prop_id)
    {
    case PROP_AUTHORIZE_URL:
      g_value_set_string (value, self->authorize_url);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_sign_in_class_init (FlowsSignInClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = flows_sign_in_dispose;
  object_class->finalize = flows_sign_in_finalize;
  object_class->get_property = flows_sign_in_get_property;

  properties[PROP_AUTHORIZE_URL] =
    g_param_spec_string ("authorize-url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
flows_sign_in_init (FlowsSignIn *self)
{
}

FlowsSignIn *
flows_sign_in_new (FlowsRunner     *runner,
                   FlowsLibrary    *library,
                   FlowsApp        *app,
                   FlowsConnection *connection)
{
  FlowsSignIn *self;

  g_return_val_if_fail (FLOWS_IS_RUNNER (runner), NULL);
  g_return_val_if_fail (library == NULL || FLOWS_IS_LIBRARY (library), NULL);
  g_return_val_if_fail (FLOWS_IS_APP (app), NULL);
  g_return_val_if_fail (FLOWS_IS_CONNECTION (connection), NULL);

  self = g_object_new (FLOWS_TYPE_SIGN_IN, NULL);
  self->runner = g_object_ref (runner);
  self->library = library != NULL ? g_object_ref (library) : NULL;
  self->app = g_object_ref (app);
  self->connection = g_object_ref (connection);
  return self;
}

FlowsConnection *
flows_sign_in_get_connection (FlowsSignIn *self)
{
  g_return_val_if_fail (FLOWS_IS_SIGN_IN (self), NULL);
  return self->connection;
}

const char *
flows_sign_in_get_authorize_url (FlowsSignIn *self)
{
  g_return_val_if_fail (FLOWS_IS_SIGN_IN (self), NULL);
  return self->authorize_url;
}

gboolean
flows_sign_in_is_redirect (FlowsSignIn *self,
                           const char  *uri)
{
  g_return_val_if_fail (FLOWS_IS_SIGN_IN (self), FALSE);
  return flows_oauth_redirect_matches (flows_app_get_redirect_url (self->app), uri);
}

char **
flows_sign_in_list_provider_urls (FlowsApp        *app,
                                  FlowsConnection *connection)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  GListModel *params;

  g_return_val_if_fail (FLOWS_IS_APP (app), NULL);
  g_return_val_if_fail (connection == NULL || FLOWS_IS_CONNECTION (connection), NULL);

  params = flows_app_get_params (app);
  builder = g_strv_builder_new ();
  for (guint i = 0; i < g_list_model_get_n_items (params); i++)
    {
      g_autoptr(FlowsParam) param = g_list_model_get_item (params, i);
      const char *value = NULL;

      if (flows_param_get_kind (param) != FLOWS_PARAM_KIND_URL || flows_param_get_sensitive (param))
        continue;
      /* As the runner resolves it: the connection's value, else the default. */
      if (connection != NULL)
        value = flows_connection_get_value (connection, flows_param_get_key (param));
      if (value == NULL)
        value = flows_param_get_default (param);
      if (*value != '\0')
        g_strv_builder_add (builder, value);
    }
  return g_strv_builder_end (builder);
}

/* The built-in references of Step 1 and Step 2. */
static GHashTable *
new_builtins (FlowsSignIn *self)
{
  GHashTable *builtins = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, NULL);

  g_hash_table_insert (builtins, (gpointer)FLOWS_BUILTIN_STATE, self->state);
  g_hash_table_insert (builtins, (gpointer)FLOWS_BUILTIN_CODE_CHALLENGE, self->code_challenge);
  g_hash_table_insert (builtins, (gpointer)FLOWS_BUILTIN_CODE_VERIFIER, self->code_verifier);
  return builtins;
}

static FlowsFlow *
find_role_flow (FlowsSignIn    *self,
                FlowsFlowRole   role,
                const char     *name,
                GError        **error)
{
  FlowsFlow *flow = flows_app_find_flow_by_role (self->app, role);

  if (flow == NULL)
    g_set_error (error, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_NO_FLOW,
                 _("“%s” has no %s flow; reset it from the template in the Flows view"),
                 flows_app_get_name (self->app), name);
  return flow;
}

/* Start: Step 1 ------------------------------------------------------------------------------ */

static void
on_authorize_run (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlowsRun) run = flows_runner_run_finish (FLOWS_RUNNER (source), result, &error);
  g_autofree char *url = NULL;
  g_autoptr(GUri) uri = NULL;
  FlowsSignIn *self;

  if (run == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (flows_run_ended_with_error (run))
    {
      g_task_return_new_error (task, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_STEP_FAILED,
                               "%s", flows_run_get_error_message (run));
      return;
    }
  if (!flows_run_get_succeeded (run))
    {
      g_task_return_new_error (task, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_STEP_FAILED,
                               _("OAuth Step 1 failed at stage “%s”: %s"),
                               flows_run_get_failed_stage_name (run) != NULL ? flows_run_get_failed_stage_name (run) : "",
                               flows_run_get_error_message (run));
      return;
    }

  url = flows_json_to_text (json_object_get_member (flows_run_get_response (run), "authorizeUrl"));
  uri = url != NULL ? g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL) : NULL;
  if (uri == NULL || g_uri_get_host (uri) == NULL ||
      (g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 && g_strcmp0 (g_uri_get_scheme (uri), "http") != 0))
    {
      g_autofree char *shown = url != NULL ? flows_run_redact (run, url) : NULL;

      g_task_return_new_error (task, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_BAD_AUTHORIZE_URL,
                               url == NULL ? _("OAuth Step 1 returned no authorizeUrl field; add it with an Add To Response stage")
                                           : _("OAuth Step 1 returned authorizeUrl “%s”, which is not an http or https address"),
                               shown);
      return;
    }

  self = g_task_get_source_object (task);
  flows_secrets_free (self->authorize_url);
  self->authorize_url = g_strdup (url);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTHORIZE_URL]);
  g_task_return_pointer (task, g_steal_pointer (&url), g_free);
}

void
flows_sign_in_start_async (FlowsSignIn         *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GHashTable) builtins = NULL;
  g_autoptr(GError) error = NULL;
  FlowsFlow *flow;

  g_return_if_fail (FLOWS_IS_SIGN_IN (self));
  g_task_set_source_tag (task, flows_sign_in_start_async);

  /* Every attempt has its own state and verifier, and its own address. */
  flows_secrets_free (g_steal_pointer (&self->authorize_url));
  flows_secrets_free (g_steal_pointer (&self->state));
  flows_secrets_free (g_steal_pointer (&self->code_verifier));
  g_clear_pointer (&self->code_challenge, g_free);
  if (!(self->state = flows_oauth_random_string (RANDOM_BYTES, &error)) ||
      !(self->code_verifier = flows_oauth_random_string (RANDOM_BYTES, &error)) ||
      !(flow = find_role_flow (self, FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE, "OAuth Step 1", &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  self->code_challenge = flows_oauth_code_challenge (self->code_verifier);

  builtins = new_builtins (self);
  flows_runner_run_async (self->runner, self->app, flow, NULL, self->connection, builtins,
                          cancellable, on_authorize_run, g_steal_pointer (&task));
}

char *
flows_sign_in_start_finish (FlowsSignIn   *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Complete: Step 2 --------------------------------------------------------------------------- */

static void
save_connection (FlowsSignIn *self)
{
  g_autoptr(GError) error = NULL;

  if (self->library != NULL && !flows_library_save_connection (self->library, self->connection, &error))
    g_warning ("The connection file was not updated after signing in: %s", error->message);
}

/* The tokens are new: a failure before them is over, and a Test made with older ones says
 * nothing of these. */
static void
record_success (FlowsSignIn *self)
{
  if (flows_connection_get_sign_in_failure (self->connection) == NULL &&
      (flows_connection_get_last_test_time (self->connection) == 0 ||
       flows_connection_get_last_test_stale (self->connection)))
    return;

  flows_connection_set_sign_in_failure (self->connection, 0, NULL);
  flows_connection_mark_last_test_stale (self->connection);
  save_connection (self);
}

void
flows_sign_in_record_failure (FlowsSignIn  *self,
                              const GError *error)
{
  g_return_if_fail (FLOWS_IS_SIGN_IN (self));
  g_return_if_fail (error != NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  flows_connection_set_sign_in_failure (self->connection, g_get_real_time () / G_USEC_PER_SEC, error->message);
  save_connection (self);
}

static void
on_old_id_token_cleared (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!flows_secrets_clear_finish (result, &error))
    {
      g_task_return_new_error (task, error->domain, error->code,
                               _("Signed in, but the ID token of an earlier sign-in is still in the keyring and could not be removed: %s"),
                               error->message);
      return;
    }
  record_success (g_task_get_source_object (task));
  g_task_return_boolean (task, TRUE);
}

static void
on_tokens_stored (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  char *access_token = flows_oauth_store_tokens_finish (result, &error);

  if (access_token == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  flows_secrets_free (access_token);

  /* A sign-in is a new identity: an ID token kept from an earlier one would describe whoever
   * signed in then (a refresh, by contrast, keeps it; see flows_oauth_store_tokens_async). */
  if (GPOINTER_TO_INT (g_task_get_task_data (task)) == 0)
    {
      FlowsSignIn *self = g_task_get_source_object (task);
      GCancellable *cancellable = g_task_get_cancellable (task);

      flows_secrets_clear_async (flows_app_get_id (self->app), flows_connection_get_id (self->connection),
                                 FLOWS_SECRETS_ID_TOKEN_KEY, cancellable,
                                 on_old_id_token_cleared, g_steal_pointer (&task));
      return;
    }
  record_success (g_task_get_source_object (task));
  g_task_return_boolean (task, TRUE);
}

static void
on_exchange_run (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FlowsSignIn *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlowsRun) run = flows_runner_run_finish (FLOWS_RUNNER (source), result, &error);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (run == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Whether the provider sent an ID token, for on_tokens_stored. */
  if (flows_run_get_succeeded (run))
    {
      char *id_token = flows_json_to_text (json_object_get_member (flows_run_get_response (run), "id_token"));

      g_task_set_task_data (task, GINT_TO_POINTER (id_token != NULL && *id_token != '\0'), NULL);
      flows_secrets_free (id_token);
    }
  flows_oauth_store_tokens_async (self->app, self->connection, self->library, run,
                                  cancellable, on_tokens_stored, g_steal_pointer (&task));
}

void
flows_sign_in_complete_async (FlowsSignIn         *self,
                              const char          *redirect_uri,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GHashTable) fields = NULL;
  g_autoptr(GHashTable) builtins = NULL;
  g_autoptr(GError) error = NULL;
  FlowsFlow *flow;

  g_return_if_fail (FLOWS_IS_SIGN_IN (self));
  g_return_if_fail (self->state != NULL);
  g_task_set_source_tag (task, flows_sign_in_complete_async);

  if (!(fields = flows_oauth_parse_callback (redirect_uri, &error)) ||
      !flows_oauth_check_callback (fields, self->state, &error) ||
      !(flow = find_role_flow (self, FLOWS_FLOW_ROLE_OAUTH_EXCHANGE, "OAuth Step 2", &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Step 2's Trigger receives the callback's fields as the provider sent them. */
  builtins = new_builtins (self);
  flows_runner_run_async (self->runner, self->app, flow, fields, self->connection, builtins,
                          cancellable, on_exchange_run, g_steal_pointer (&task));
}

gboolean
flows_sign_in_complete_finish (FlowsSignIn   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* With the system browser --------------------------------------------------------------------- */

typedef struct
{
  FlowsRedirectListener *listener;
  guint                  timeout_seconds;
} SystemBrowser;

static void
system_browser_free (SystemBrowser *browser)
{
  g_clear_object (&browser->listener);
  g_free (browser);
}

static void
on_system_browser_completed (GObject      *source,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!flows_sign_in_complete_finish (FLOWS_SIGN_IN (source), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_redirect_received (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FlowsSignIn *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = flows_redirect_listener_wait_finish (FLOWS_REDIRECT_LISTENER (source), result, &error);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (uri == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  flows_sign_in_complete_async (self, uri, cancellable,
                                on_system_browser_completed, g_steal_pointer (&task));
}

static void
on_system_browser_started (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FlowsSignIn *self = FLOWS_SIGN_IN (source);
  SystemBrowser *browser = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = flows_sign_in_start_finish (self, result, &error);
  GCancellable *cancellable;

  if (url == NULL || !g_app_info_launch_default_for_uri (url, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  cancellable = g_task_get_cancellable (task);
  flows_redirect_listener_wait_async (browser->listener, browser->timeout_seconds,
                                      cancellable, on_redirect_received, g_steal_pointer (&task));
}

void
flows_sign_in_with_system_browser_async (FlowsSignIn         *self,
                                         guint                timeout_seconds,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  SystemBrowser *browser = g_new0 (SystemBrowser, 1);
  g_autoptr(GError) error = NULL;

  g_return_if_fail (FLOWS_IS_SIGN_IN (self));

  browser->timeout_seconds = timeout_seconds;
  g_task_set_source_tag (task, flows_sign_in_with_system_browser_async);
  g_task_set_task_data (task, browser, (GDestroyNotify)system_browser_free);

  /* Listen before Step 1 makes the address known ("authorize-url", which flows-cli prints for
   * the user to open), so that no browser can reach the redirect URL before the listener. */
  if (!(browser->listener = flows_redirect_listener_new (flows_app_get_redirect_url (self->app), &error)) ||
      !flows_redirect_listener_listen (browser->listener, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  flows_sign_in_start_async (self, cancellable, on_system_browser_started, task);
}

gboolean
flows_sign_in_with_system_browser_finish (FlowsSignIn   *self,
                                          GAsyncResult  *result,
                                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
