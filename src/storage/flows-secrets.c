/* flows-secrets.c — sensitive values in the Secret Service, through libsecret.
 *
 * Every operation first makes sure there is a session bus, so that "no bus" and "no Secret
 * Service on the bus" can both be told apart from a failure of the service itself, then runs the
 * matching secret_password_*v() call.
 *
 * A locked keyring needs care: when its unlock prompt is dismissed (or cannot be shown),
 * libsecret's lookup answers "nothing stored" and its clear "done", while the items are still
 * there. So a lookup that finds nothing and every clear end with a search, and matching items
 * that are still locked turn the answer into FLOWS_SECRETS_ERROR_LOCKED.
 *
 * Errors from libsecret and GDBus become FLOWS_SECRETS_ERROR with a message that says what was
 * not done and why. Values never reach a message or a log.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "flows-secrets.h"

typedef enum {
  OPERATION_STORE,
  OPERATION_LOOKUP,
  OPERATION_CLEAR,
  OPERATION_CLEAR_CONNECTION,
  OPERATION_COUNT_CONNECTION,
} Operation;

typedef struct {
  Operation        operation;
  char            *connection_id;
  char            *key;        /* NULL for OPERATION_CLEAR_CONNECTION and _COUNT_CONNECTION */
  char            *value;      /* OPERATION_STORE only; wiped when freed */
  GHashTable      *attributes; /* of the schema: app, connection and (but to clear a
                                * connection) key */
  GDBusConnection *bus;        /* held so that libsecret finds the same connection */
} Request;

G_DEFINE_QUARK (flows-secrets-error-quark, flows_secrets_error)

const SecretSchema *
flows_secrets_get_schema (void)
{
  static const SecretSchema schema = {
    "io.github.flowsstudio.FlowsStudio.Secret", SECRET_SCHEMA_NONE,
    {
      { "app", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "connection", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "key", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

void
flows_secrets_free (char *secret)
{
  if (secret == NULL)
    return;

  secret_password_wipe (secret);
  g_free (secret);
}

static GHashTable *
make_attributes (const char *app_id,
                 const char *connection_id,
                 const char *key)
{
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_hash_table_insert (attributes, (char *) "app", g_strdup (app_id));
  g_hash_table_insert (attributes, (char *) "connection", g_strdup (connection_id));
  if (key != NULL)
    g_hash_table_insert (attributes, (char *) "key", g_strdup (key));

  return attributes;
}

static void
request_free (gpointer data)
{
  Request *request = data;

  g_free (request->connection_id);
  g_free (request->key);
  flows_secrets_free (request->value);
  g_hash_table_unref (request->attributes);
  g_clear_object (&request->bus);
  g_free (request);
}

static char *
make_label (const char *connection_id,
            const char *key)
{
  /* Translators: the label of a stored secret, as seen in Passwords and Keys (Seahorse).
   * The first %s is a parameter key such as "api_key" or "oauth:access_token", the second the
   * identifier of a connection. */
  return g_strdup_printf (_("Flows Studio: %s for connection %s"), key, connection_id);
}

/* Whether error says that nothing answers for org.freedesktop.secrets on the session bus. */
static gboolean
is_service_unreachable (const GError *error)
{
  if (error->domain == G_DBUS_ERROR)
    {
      switch (error->code)
        {
        case G_DBUS_ERROR_SERVICE_UNKNOWN:
        case G_DBUS_ERROR_NAME_HAS_NO_OWNER:
        case G_DBUS_ERROR_NO_SERVER:
        case G_DBUS_ERROR_DISCONNECTED:
        case G_DBUS_ERROR_TIMEOUT: /* activation timed out */
        case G_DBUS_ERROR_SPAWN_EXEC_FAILED:
        case G_DBUS_ERROR_SPAWN_FORK_FAILED:
        case G_DBUS_ERROR_SPAWN_CHILD_EXITED:
        case G_DBUS_ERROR_SPAWN_CHILD_SIGNALED:
        case G_DBUS_ERROR_SPAWN_FAILED:
        case G_DBUS_ERROR_SPAWN_SETUP_FAILED:
        case G_DBUS_ERROR_SPAWN_CONFIG_INVALID:
        case G_DBUS_ERROR_SPAWN_SERVICE_INVALID:
        case G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND:
        case G_DBUS_ERROR_SPAWN_PERMISSIONS_INVALID:
        case G_DBUS_ERROR_SPAWN_FILE_INVALID:
        case G_DBUS_ERROR_SPAWN_NO_MEMORY:
          return TRUE;
        default:
          return FALSE;
        }
    }

  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
}

/* Takes error (NULL when libsecret failed without saying why) and returns the error to report:
 * cancellation unchanged, anything else in FLOWS_SECRETS_ERROR. no_bus: error came from
 * connecting to the session bus. */
static GError *
translate_error (Operation   operation,
                 const char *connection_id,
                 const char *key,
                 GError     *error,
                 gboolean    no_bus)
{
  g_autoptr(GError) cause = error;
  g_autofree char *what = NULL;
  const char *why;
  FlowsSecretsError code;

  if (cause == NULL)
    cause = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, _("No reason was given"));

  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_steal_pointer (&cause);

  if (no_bus || is_service_unreachable (cause))
    {
      code = FLOWS_SECRETS_ERROR_UNAVAILABLE;
      why = _("No Secret Service is available: a Secret Service such as GNOME Keyring must be running.");
    }
  else if (g_error_matches (cause, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    {
      code = FLOWS_SECRETS_ERROR_LOCKED;
      why = _("The keyring is locked and was not unlocked.");
    }
  else
    {
      code = FLOWS_SECRETS_ERROR_FAILED;
      why = _("The Secret Service reported an error.");
    }

  switch (operation)
    {
    case OPERATION_STORE:
      /* Translators: %s is a parameter key such as "api_key" or "oauth:access_token". */
      what = g_strdup_printf (_("“%s” was not saved."), key);
      break;
    case OPERATION_LOOKUP:
      /* Translators: %s is a parameter key such as "api_key" or "oauth:access_token". */
      what = g_strdup_printf (_("“%s” could not be read from the keyring."), key);
      break;
    case OPERATION_CLEAR:
      /* Translators: %s is a parameter key such as "api_key" or "oauth:access_token". */
      what = g_strdup_printf (_("“%s” could not be removed from the keyring."), key);
      break;
    case OPERATION_CLEAR_CONNECTION:
      /* Translators: %s is the identifier of a connection. */
      what = g_strdup_printf (_("The secrets of connection “%s” could not be removed from the keyring."),
                              connection_id);
      break;
    case OPERATION_COUNT_CONNECTION:
      /* Translators: %s is the identifier of a connection. */
      what = g_strdup_printf (_("The secrets of connection “%s” could not be counted."), connection_id);
      break;
    default:
      g_assert_not_reached ();
    }

  /* The remote error name ("GDBus.Error:org.freedesktop…") says nothing to a person. */
  g_dbus_error_strip_remote_error (cause);

  return g_error_new (FLOWS_SECRETS_ERROR, code, "%s %s (%s)", what, why, cause->message);
}

/* The items that a search after the operation still found, as the error to report (or NULL
 * when none of them is locked). */
static GError *
locked_items_error (Operation   operation,
                    const char *connection_id,
                    const char *key,
                    GList      *items)
{
  guint n_locked = 0;

  for (const GList *l = items; l != NULL; l = l->next)
    {
      if (SECRET_IS_ITEM (l->data) && secret_item_get_locked (l->data))
        n_locked++;
    }

  if (n_locked == 0)
    return NULL;

  return translate_error (operation, connection_id, key,
                          g_error_new (SECRET_ERROR, SECRET_ERROR_IS_LOCKED,
                                       g_dngettext (GETTEXT_PACKAGE,
                                                    "%u stored item is in a locked collection",
                                                    "%u stored items are in a locked collection",
                                                    n_locked),
                                       n_locked),
                          FALSE);
}

static void
on_locked_checked (GObject      *source_object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autolist(GObject) items = NULL;
  GError *error = NULL;

  items = secret_password_search_finish (result, &error);
  if (error == NULL)
    error = locked_items_error (request->operation, request->connection_id, request->key, items);
  else
    error = translate_error (request->operation, request->connection_id, request->key,
                             error, FALSE);

  if (error != NULL)
    g_task_return_error (task, error);
  else if (request->operation == OPERATION_LOOKUP)
    g_task_return_pointer (task, NULL, NULL);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_operation_done (GObject      *source_object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  GError *error = NULL;
  char *secret;

  switch (request->operation)
    {
    case OPERATION_STORE:
      if (secret_password_store_finish (result, &error))
        {
          g_task_return_boolean (task, TRUE);
          return;
        }
      break;

    case OPERATION_LOOKUP:
      secret = secret_password_lookup_finish (result, &error);
      if (secret != NULL)
        {
          g_task_return_pointer (task, secret, (GDestroyNotify) flows_secrets_free);
          return;
        }
      break;

    case OPERATION_CLEAR:
    case OPERATION_CLEAR_CONNECTION:
      /* FALSE without an error only says that nothing was removed. */
      secret_password_clear_finish (result, &error);
      break;

    default:
      g_assert_not_reached ();
    }

  if (error == NULL && request->operation != OPERATION_STORE)
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      secret_password_searchv (flows_secrets_get_schema (), request->attributes,
                               SECRET_SEARCH_ALL, cancellable,
                               on_locked_checked, g_steal_pointer (&task));
      return;
    }

  g_task_return_error (task, translate_error (request->operation, request->connection_id,
                                              request->key, error, FALSE));
}

/* Locked items count too: they are there, and deleting the connection removes them. */
static void
on_counted (GObject      *source_object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autolist(GObject) items = NULL;
  GError *error = NULL;

  items = secret_password_search_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, translate_error (request->operation, request->connection_id, NULL, error, FALSE));
  else
    g_task_return_int (task, g_list_length (items));
}

static void
on_bus_ready (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  const SecretSchema *schema = flows_secrets_get_schema ();
  g_autofree char *label = NULL;
  GError *error = NULL;

  request->bus = g_bus_get_finish (result, &error);
  if (request->bus == NULL)
    {
      g_task_return_error (task, translate_error (request->operation, request->connection_id,
                                                  request->key, error, TRUE));
      return;
    }

  switch (request->operation)
    {
    case OPERATION_STORE:
      label = make_label (request->connection_id, request->key);
      secret_password_storev (schema, request->attributes, SECRET_COLLECTION_DEFAULT, label,
                              request->value, cancellable,
                              on_operation_done, g_steal_pointer (&task));
      break;

    case OPERATION_LOOKUP:
      secret_password_lookupv (schema, request->attributes, cancellable,
                               on_operation_done, g_steal_pointer (&task));
      break;

    case OPERATION_CLEAR:
    case OPERATION_CLEAR_CONNECTION:
      secret_password_clearv (schema, request->attributes, cancellable,
                              on_operation_done, g_steal_pointer (&task));
      break;

    case OPERATION_COUNT_CONNECTION:
      secret_password_searchv (schema, request->attributes, SECRET_SEARCH_ALL, cancellable,
                               on_counted, g_steal_pointer (&task));
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
start_request (Operation            operation,
               gpointer             source_tag,
               const char          *app_id,
               const char          *connection_id,
               const char          *key,
               const char          *value,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Request *request;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  request = g_new0 (Request, 1);
  request->operation = operation;
  request->connection_id = g_strdup (connection_id);
  request->key = g_strdup (key);
  request->value = g_strdup (value);
  request->attributes = make_attributes (app_id, connection_id, key);
  g_task_set_task_data (task, request, request_free);

  g_bus_get (G_BUS_TYPE_SESSION, cancellable, on_bus_ready, g_steal_pointer (&task));
}

/* The session bus, or NULL with the error translated for operation. */
static GDBusConnection *
get_bus_sync (Operation      operation,
              const char    *connection_id,
              const char    *key,
              GCancellable  *cancellable,
              GError       **error)
{
  GDBusConnection *bus;
  GError *local_error = NULL;

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, cancellable, &local_error);
  if (bus == NULL)
    g_propagate_error (error, translate_error (operation, connection_id, key, local_error, TRUE));

  return bus;
}

/* See on_locked_checked(). */
static gboolean
check_locked_sync (Operation      operation,
                   const char    *connection_id,
                   const char    *key,
                   GHashTable    *attributes,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autolist(GObject) items = NULL;
  GError *local_error = NULL;

  items = secret_password_searchv_sync (flows_secrets_get_schema (), attributes,
                                        SECRET_SEARCH_ALL, cancellable, &local_error);
  if (local_error == NULL)
    local_error = locked_items_error (operation, connection_id, key, items);
  else
    local_error = translate_error (operation, connection_id, key, local_error, FALSE);

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  return TRUE;
}

void
flows_secrets_store_async (const char          *app_id,
                           const char          *connection_id,
                           const char          *key,
                           const char          *value,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (app_id != NULL);
  g_return_if_fail (connection_id != NULL);
  g_return_if_fail (key != NULL);
  g_return_if_fail (value != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_request (OPERATION_STORE, flows_secrets_store_async,
                 app_id, connection_id, key, value,
                 cancellable, callback, user_data);
}

gboolean
flows_secrets_store_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == flows_secrets_store_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
flows_secrets_store_sync (const char    *app_id,
                          const char    *connection_id,
                          const char    *key,
                          const char    *value,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autofree char *label = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (app_id != NULL, FALSE);
  g_return_val_if_fail (connection_id != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  bus = get_bus_sync (OPERATION_STORE, connection_id, key, cancellable, error);
  if (bus == NULL)
    return FALSE;

  attributes = make_attributes (app_id, connection_id, key);
  label = make_label (connection_id, key);
  if (!secret_password_storev_sync (flows_secrets_get_schema (), attributes,
                                    SECRET_COLLECTION_DEFAULT, label, value,
                                    cancellable, &local_error))
    {
      g_propagate_error (error, translate_error (OPERATION_STORE, connection_id, key,
                                                 local_error, FALSE));
      return FALSE;
    }

  return TRUE;
}

void
flows_secrets_lookup_async (const char          *app_id,
                            const char          *connection_id,
                            const char          *key,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (app_id != NULL);
  g_return_if_fail (connection_id != NULL);
  g_return_if_fail (key != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_request (OPERATION_LOOKUP, flows_secrets_lookup_async,
                 app_id, connection_id, key, NULL,
                 cancellable, callback, user_data);
}

char *
flows_secrets_lookup_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == flows_secrets_lookup_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
flows_secrets_lookup_sync (const char    *app_id,
                           const char    *connection_id,
                           const char    *key,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  GError *local_error = NULL;
  char *secret;

  g_return_val_if_fail (app_id != NULL, NULL);
  g_return_val_if_fail (connection_id != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  bus = get_bus_sync (OPERATION_LOOKUP, connection_id, key, cancellable, error);
  if (bus == NULL)
    return NULL;

  attributes = make_attributes (app_id, connection_id, key);
  secret = secret_password_lookupv_sync (flows_secrets_get_schema (), attributes,
                                         cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, translate_error (OPERATION_LOOKUP, connection_id, key,
                                                 local_error, FALSE));
      return NULL;
    }

  if (secret == NULL)
    check_locked_sync (OPERATION_LOOKUP, connection_id, key, attributes, cancellable, error);

  return secret;
}

void
flows_secrets_clear_async (const char          *app_id,
                           const char          *connection_id,
                           const char          *key,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (app_id != NULL);
  g_return_if_fail (connection_id != NULL);
  g_return_if_fail (key != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_request (OPERATION_CLEAR, flows_secrets_clear_async,
                 app_id, connection_id, key, NULL,
                 cancellable, callback, user_data);
}

gboolean
flows_secrets_clear_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == flows_secrets_clear_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* key NULL: every key of the connection. */
static gboolean
clear_sync (Operation      operation,
            const char    *app_id,
            const char    *connection_id,
            const char    *key,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  GError *local_error = NULL;

  bus = get_bus_sync (operation, connection_id, key, cancellable, error);
  if (bus == NULL)
    return FALSE;

  attributes = make_attributes (app_id, connection_id, key);
  /* FALSE without an error only says that nothing was removed. */
  secret_password_clearv_sync (flows_secrets_get_schema (), attributes,
                               cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, translate_error (operation, connection_id, key,
                                                 local_error, FALSE));
      return FALSE;
    }

  return check_locked_sync (operation, connection_id, key, attributes, cancellable, error);
}

gboolean
flows_secrets_clear_sync (const char    *app_id,
                          const char    *connection_id,
                          const char    *key,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_return_val_if_fail (app_id != NULL, FALSE);
  g_return_val_if_fail (connection_id != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return clear_sync (OPERATION_CLEAR, app_id, connection_id, key, cancellable, error);
}

void
flows_secrets_clear_connection_async (const char          *app_id,
                                      const char          *connection_id,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_return_if_fail (app_id != NULL);
  g_return_if_fail (connection_id != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_request (OPERATION_CLEAR_CONNECTION, flows_secrets_clear_connection_async,
                 app_id, connection_id, NULL, NULL,
                 cancellable, callback, user_data);
}

gboolean
flows_secrets_clear_connection_finish (GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == flows_secrets_clear_connection_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
flows_secrets_clear_connection_sync (const char    *app_id,
                                     const char    *connection_id,
                                     GCancellable  *cancellable,
                                     GError       **error)
{
  g_return_val_if_fail (app_id != NULL, FALSE);
  g_return_val_if_fail (connection_id != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return clear_sync (OPERATION_CLEAR_CONNECTION, app_id, connection_id, NULL, cancellable, error);
}

void
flows_secrets_count_connection_async (const char          *app_id,
                                      const char          *connection_id,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_return_if_fail (app_id != NULL);
  g_return_if_fail (connection_id != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_request (OPERATION_COUNT_CONNECTION, flows_secrets_count_connection_async,
                 app_id, connection_id, NULL, NULL,
                 cancellable, callback, user_data);
}

gssize
flows_secrets_count_connection_finish (GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), -1);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == flows_secrets_count_connection_async, -1);

  return g_task_propagate_int (G_TASK (result), error);
}

gssize
flows_secrets_count_connection_sync (const char    *app_id,
                                     const char    *connection_id,
                                     GCancellable  *cancellable,
                                     GError       **error)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autolist(GObject) items = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (app_id != NULL, -1);
  g_return_val_if_fail (connection_id != NULL, -1);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  bus = get_bus_sync (OPERATION_COUNT_CONNECTION, connection_id, NULL, cancellable, error);
  if (bus == NULL)
    return -1;

  attributes = make_attributes (app_id, connection_id, NULL);
  items = secret_password_searchv_sync (flows_secrets_get_schema (), attributes,
                                        SECRET_SEARCH_ALL, cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, translate_error (OPERATION_COUNT_CONNECTION, connection_id, NULL,
                                                 local_error, FALSE));
      return -1;
    }

  return g_list_length (items);
}
