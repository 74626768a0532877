/* flows-secrets.h — sensitive values in the Secret Service (docs/ARCHITECTURE.md,
 * "Secret Service schema").
 *
 * Sensitive parameter values and OAuth tokens are stored with libsecret in the default
 * collection, one item per (app, connection, key), where key is a parameter key or
 * "oauth:access_token" / "oauth:refresh_token" / "oauth:id_token". Nothing here ever falls back to another store:
 * without a Secret Service, saving fails with FLOWS_SECRETS_ERROR_UNAVAILABLE. Values never
 * appear in messages or logs.
 *
 * A locked keyring is unlocked on demand, which may show the Secret Service's password prompt,
 * so an operation can take as long as the user does: use the async functions from the UI. If the
 * keyring stays locked, every operation fails with FLOWS_SECRETS_ERROR_LOCKED (a locked value is
 * never reported as "not stored", nor a locked item as removed).
 *
 * Cancelling an operation reports G_IO_ERROR_CANCELLED unchanged; every other failure is
 * reported in the FLOWS_SECRETS_ERROR domain with a message fit to show the user: what was not
 * done, why, and the service's own words.
 */
#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

G_BEGIN_DECLS

#define FLOWS_SECRETS_ERROR (flows_secrets_error_quark ())

typedef enum {
  FLOWS_SECRETS_ERROR_UNAVAILABLE, /* no session bus, or no Secret Service on it */
  FLOWS_SECRETS_ERROR_LOCKED,      /* the keyring is locked and was not unlocked */
  FLOWS_SECRETS_ERROR_FAILED,      /* anything else; the message has the service's reason */
} FlowsSecretsError;

/* The keys of an OAuth connection's tokens (docs/ARCHITECTURE.md, "Secret Service schema"). */
#define FLOWS_SECRETS_ACCESS_TOKEN_KEY  "oauth:access_token"
#define FLOWS_SECRETS_REFRESH_TOKEN_KEY "oauth:refresh_token"
/* The OpenID Connect ID token, for the token details only. */
#define FLOWS_SECRETS_ID_TOKEN_KEY      "oauth:id_token"

GQuark              flows_secrets_error_quark           (void);

/* "io.github.flowsstudio.FlowsStudio.Secret" with string attributes app, connection, key. */
const SecretSchema *flows_secrets_get_schema            (void);

/* Stores value (replacing any earlier one) for key of connection_id. */
void                flows_secrets_store_async           (const char           *app_id,
                                                         const char           *connection_id,
                                                         const char           *key,
                                                         const char           *value,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
gboolean            flows_secrets_store_finish          (GAsyncResult         *result,
                                                         GError              **error);
gboolean            flows_secrets_store_sync            (const char           *app_id,
                                                         const char           *connection_id,
                                                         const char           *key,
                                                         const char           *value,
                                                         GCancellable         *cancellable,
                                                         GError              **error);

/* The stored value, or NULL without an error when nothing is stored for key.
 * Free it with flows_secrets_free(). */
void                flows_secrets_lookup_async          (const char           *app_id,
                                                         const char           *connection_id,
                                                         const char           *key,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
char               *flows_secrets_lookup_finish         (GAsyncResult         *result,
                                                         GError              **error);
char               *flows_secrets_lookup_sync           (const char           *app_id,
                                                         const char           *connection_id,
                                                         const char           *key,
                                                         GCancellable         *cancellable,
                                                         GError              **error);

/* Removes the value of one key; a key with nothing stored is not an error. */
void                flows_secrets_clear_async           (const char           *app_id,
                                                         const char           *connection_id,
                                                         const char           *key,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
gboolean            flows_secrets_clear_finish          (GAsyncResult         *result,
                                                         GError              **error);
gboolean            flows_secrets_clear_sync            (const char           *app_id,
                                                         const char           *connection_id,
                                                         const char           *key,
                                                         GCancellable         *cancellable,
                                                         GError              **error);

/* Removes every value of connection_id (for when the connection is deleted). */
void                flows_secrets_clear_connection_async  (const char         *app_id,
                                                           const char         *connection_id,
                                                           GCancellable       *cancellable,
                                                           GAsyncReadyCallback callback,
                                                           gpointer            user_data);
gboolean            flows_secrets_clear_connection_finish (GAsyncResult       *result,
                                                           GError            **error);
gboolean            flows_secrets_clear_connection_sync   (const char         *app_id,
                                                           const char         *connection_id,
                                                           GCancellable       *cancellable,
                                                           GError            **error);

/* How many items connection_id has in the keyring (locked ones too), or -1 with an error. */
void                flows_secrets_count_connection_async  (const char         *app_id,
                                                           const char         *connection_id,
                                                           GCancellable       *cancellable,
                                                           GAsyncReadyCallback callback,
                                                           gpointer            user_data);
gssize              flows_secrets_count_connection_finish (GAsyncResult       *result,
                                                           GError            **error);
gssize              flows_secrets_count_connection_sync   (const char         *app_id,
                                                           const char         *connection_id,
                                                           GCancellable       *cancellable,
                                                           GError            **error);

/* Overwrites the bytes of secret, then frees it. NULL is allowed. */
void                flows_secrets_free                  (char                 *secret);

G_END_DECLS
