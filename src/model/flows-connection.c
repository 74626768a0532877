/* flows-connection.c — an installed instance of an App's connection */

#include <stdlib.h>
#include <string.h>

#include "flows-connection.h"

struct _FlowsConnection
{
  GObject     parent_instance;

  char       *id;
  char       *app_id;
  char       *name;
  GHashTable *values;
  char       *scope;
  char       *token_type;
  char       *needs_sign_in;
  char       *last_test_message;
  char       *sign_in_failure;
  gint64      token_expires_at;
  gint64      refresh_expires_at;
  gint64      last_test_time;
  gint64      sign_in_failure_time;
  guint       last_test_status;
  guint       signed_in : 1;
  guint       last_test_passed : 1;
  guint       last_test_stale : 1;
};

G_DEFINE_FINAL_TYPE (FlowsConnection, flows_connection, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_APP_ID,
  PROP_NAME,
  PROP_SIGNED_IN,
  PROP_TOKEN_EXPIRES_AT,
  PROP_SCOPE,
  PROP_TOKEN_TYPE,
  PROP_REFRESH_EXPIRES_AT,
  PROP_NEEDS_SIGN_IN,
  PROP_LAST_TEST_TIME,
  PROP_LAST_TEST_PASSED,
  PROP_LAST_TEST_STATUS,
  PROP_LAST_TEST_MESSAGE,
  PROP_LAST_TEST_STALE,
  PROP_SIGN_IN_FAILURE_TIME,
  PROP_SIGN_IN_FAILURE,
  N_PROPS
};

enum {
  VALUES_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
flows_connection_finalize (GObject *object)
{
  FlowsConnection *self = (FlowsConnection *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->app_id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->values, g_hash_table_unref);
  g_clear_pointer (&self->scope, g_free);
  g_clear_pointer (&self->token_type, g_free);
  g_clear_pointer (&self->needs_sign_in, g_free);
  g_clear_pointer (&self->last_test_message, g_free);
  g_clear_pointer (&self->sign_in_failure, g_free);

  G_OBJECT_CLASS (flows_connection_parent_class)->finalize (object);
}

static void
flows_connection_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  FlowsConnection *self = FLOWS_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_APP_ID:
      g_value_set_string (value, self->app_id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_SIGNED_IN:
      g_value_set_boolean (value, self->signed_in);
      break;
    case PROP_TOKEN_EXPIRES_AT:
      g_value_set_int64 (value, self->token_expires_at);
      break;
    case PROP_SCOPE:
      g_value_set_string (value, self->scope);
      break;
    case PROP_TOKEN_TYPE:
      g_value_set_string (value, self->token_type);
      break;
    case PROP_REFRESH_EXPIRES_AT:
      g_value_set_int64 (value, self->refresh_expires_at);
      break;
    case PROP_NEEDS_SIGN_IN:
      g_value_set_string (value, self->needs_sign_in);
      break;
    case PROP_LAST_TEST_TIME:
      g_value_set_int64 (value, self->last_test_time);
      break;
    case PROP_LAST_TEST_PASSED:
      g_value_set_boolean (value, self->last_test_passed);
      break;
    case PROP_LAST_TEST_STATUS:
      g_value_set_uint (value, self->last_test_status);
      break;
    case PROP_LAST_TEST_MESSAGE:
      g_value_set_string (value, self->last_test_message);
      break;
    case PROP_LAST_TEST_STALE:
      g_value_set_boolean (value, self->last_test_stale);
      break;
    case PROP_SIGN_IN_FAILURE_TIME:
      g_value_set_int64 (value, self->sign_in_failure_time);
      break;
    case PROP_SIGN_IN_FAILURE:
      g_value_set_string (value, self->sign_in_failure);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_connection_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  FlowsConnection *self = FLOWS_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;
    case PROP_APP_ID:
      self->app_id = g_value_dup_string (value);
      break;
    case PROP_NAME:
      flows_connection_set_name (self, g_value_get_string (value));
      break;
    case PROP_SIGNED_IN:
      flows_connection_set_signed_in (self, g_value_get_boolean (value));
      break;
    case PROP_TOKEN_EXPIRES_AT:
      flows_connection_set_token_expires_at (self, g_value_get_int64 (value));
      break;
    case PROP_SCOPE:
      flows_connection_set_scope (self, g_value_get_string (value));
      break;
    case PROP_TOKEN_TYPE:
      flows_connection_set_token_type (self, g_value_get_string (value));
      break;
    case PROP_REFRESH_EXPIRES_AT:
      flows_connection_set_refresh_expires_at (self, g_value_get_int64 (value));
      break;
    case PROP_NEEDS_SIGN_IN:
      flows_connection_set_needs_sign_in (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_connection_class_init (FlowsConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags construct_only = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;
  const GParamFlags read_only = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = flows_connection_finalize;
  object_class->get_property = flows_connection_get_property;
  object_class->set_property = flows_connection_set_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, construct_only);
  properties[PROP_APP_ID] = g_param_spec_string ("app-id", NULL, NULL, NULL, construct_only);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, "", flags);
  properties[PROP_SIGNED_IN] = g_param_spec_boolean ("signed-in", NULL, NULL, FALSE, flags);
  properties[PROP_TOKEN_EXPIRES_AT] =
    g_param_spec_int64 ("token-expires-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_SCOPE] = g_param_spec_string ("scope", NULL, NULL, "", flags);
  properties[PROP_TOKEN_TYPE] = g_param_spec_string ("token-type", NULL, NULL, "", flags);
  properties[PROP_REFRESH_EXPIRES_AT] =
    g_param_spec_int64 ("refresh-expires-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_NEEDS_SIGN_IN] = g_param_spec_string ("needs-sign-in", NULL, NULL, NULL, flags);
  /* The last test is set as a whole through flows_connection_set_last_test(). */
  properties[PROP_LAST_TEST_TIME] =
    g_param_spec_int64 ("last-test-time", NULL, NULL, 0, G_MAXINT64, 0, read_only);
  properties[PROP_LAST_TEST_PASSED] =
    g_param_spec_boolean ("last-test-passed", NULL, NULL, FALSE, read_only);
  properties[PROP_LAST_TEST_STATUS] =
    g_param_spec_uint ("last-test-status", NULL, NULL, 0, 999, 0, read_only);
  properties[PROP_LAST_TEST_MESSAGE] =
    g_param_spec_string ("last-test-message", NULL, NULL, "", read_only);
  properties[PROP_LAST_TEST_STALE] =
    g_param_spec_boolean ("last-test-stale", NULL, NULL, FALSE, read_only);
  /* Set as a whole through flows_connection_set_sign_in_failure(). */
  properties[PROP_SIGN_IN_FAILURE_TIME] =
    g_param_spec_int64 ("sign-in-failure-time", NULL, NULL, 0, G_MAXINT64, 0, read_only);
  properties[PROP_SIGN_IN_FAILURE] =
    g_param_spec_string ("sign-in-failure", NULL, NULL, NULL, read_only);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Emitted when a parameter value is set or removed. */
  signals[VALUES_CHANGED] =
    g_signal_new ("values-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
flows_connection_init (FlowsConnection *self)
{
  self->name = g_strdup ("");
  self->scope = g_strdup ("");
  self->token_type = g_strdup ("");
  self->last_test_message = g_strdup ("");
  self->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

FlowsConnection *
flows_connection_new (const char *id,
                      const char *app_id,
                      const char *name)
{
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (app_id != NULL, NULL);

  return g_object_new (FLOWS_TYPE_CONNECTION,
                       "id", id,
                       "app-id", app_id,
                       "name", name,
                       NULL);
}

const char *
flows_connection_get_id (FlowsConnection *self)
{
  g_return_val_if_fail (FLOWS_IS_CONNECTION (self), NULL);
  return self->id;
}

const char *
flows_connection_get_app_id (FlowsConnection *self)
{
  g_return_val_if_fail (FLOWS_IS_CONNECTION (self), NULL);
  return self->app_id;
}

const char *
flows_connection_get_name (FlowsConnection *self)
{
  g_return_val_if_fail (FLOWS_IS_CONNECTION (self), NULL);
  return self->name;
}

void
flows_connection_set_name (FlowsConnection *self,
                           const char      *name)
{
  g_return_if_fail (FLOWS_IS_CONNECTION (self));
  if (name == NULL)
    name = "";
  if (g_strcmp0 (self->name, name) == 0)
    return;
  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

const char *
flows_connection_get_value (FlowsConnection *self,
                            const char      *key)
{
  g_return_val_if_fail (FLOWS_IS_CONNECTION (self), NULL);
  return g_hash_table_lookup (self->values, key);
}

void
flows_connection_set_value (FlowsConnection *self,
                            const char      *key,
                            const char      *value)
{
  g_return_if_fail (FLOWS_IS_CONNECTION (self));
  g_return_if_fail (key != NULL);

  if (g_strcmp0 (g_hash_table_lookup (self->values, key), value) == 0)
    return;

  if (value == NULL)
    g_hash_table_remove (self->values, key);
  else
    g_hash_table_insert (self->values, g_strdup (key), g_strdup (value));

  g_signal_emit (self, signals[VALUES_CHANGED], 0);
}

static int
compare_strings (const void *a,
                 const void *b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

char **
flows_connection_list_value_keys (FlowsConnection *self)
{
  g_autofree const char **keys = NULL;
  guint n_keys;

  g_return_val_if_fail (FLOWS_IS_CONNECTION (self), NULL);

  keys = (const char **)g_hash_table_get_keys_as_array (self->values, &n_keys);
  qsort (keys, n_keys, sizeof (char *), compare_strings);
  return g_strdupv ((char **)keys);
}

gboolean
flows_connection_get_signed_in (FlowsConnection *self)
{
  g_return_val_if_fail (FLOWS_IS_CONNECTION (self), FALSE);
  return self->signed_in;
}

void
flows_connection_set_signed_in (FlowsConnection *self,
                                gboolean         signed_in)
{
  g_return_if_fail (FLOWS_IS_CONNECTION (self));
  signed_in = !!signed_in;
  if (self->signed_in == (guint)signed_in)
    return;
  self->signed_in = signed_in;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNED_IN]);
}

gint64
flows_connection_get_token_expires_at (FlowsConnection *self)
{
  g_return_val_if_fail (FLOWS_IS_CONNECTION (self), 0);
  return self->token_expires_at;
}

void
flows_connection_set_token_expires_at (FlowsConnection *self,
                                       gint64           unix_time)
{
  g_return_if_fail (FLOWS_IS_CONNECTION (self));
  if (self->token_expires_at == unix_time)
    return;
  self->token_expires_at = unix_time;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN_EXPIRES_AT]);
}

const char *
flows_connection_get_scope (FlowsConnection *self)
{
  g_return_val_if_fail (FLOWS_IS_CONNECTION (self), NULL);
  return self->scope;
}

void
flows_connection_set_scope (FlowsConnection *self,
                            const char      *scope)
{
  g_return_if_fail (FLOWS_IS_CONNECTION (self));
  if (scope == NULL)
    scope = "";
  if (g_strcmp0 (self->scope, scope) == 0)
    return;
  g_free (self->scope);
  self->scope = g_strdup (scope);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCOPE]);
}

const char *
flows_connection_get_token_type (FlowsConnection *self)
{
  g_return_val_if_fail (FLOWS_IS_CONNECTION (self), NULL);
  return self->token_type;
}

void
flows_connection_set_token_type (FlowsConnection *self,
                                 const char      *token_type)
{
  g_return_if_fail (FLOWS_IS_CONNECTION (self));
  if (token_type == NULL)
    token_type = "";
  if (g_strcmp0 (self->token_type, token_type) == 0)
    return;
  g_free (self->token_type);
  self->token_type = g_strdup (token_type);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN_TYPE]);
}

gint64
flows_connection_get_refresh_expires_at (FlowsConnection *self)
{
  g_return_val_if_fail (FLOWS_IS_CONNECTION (self), 0);
  return self->refresh_expires_at;
}

void
flows_connection_set_refresh_expires_at (FlowsConnection *self,
                                         gint64           unix_time)
{
  g_return_if_fail (FLOWS_IS_CONNECTION (self));
  if (self->refresh_expires_at == unix_time)
    return;
  self->refresh_expires_at = unix_time;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFRESH_EXPIRES_AT]);
}

const char *
flows_connection_get_needs_sign_in (FlowsConnection *self)
{
  g_return_val_if_fail (FLOWS_IS_CONNECTION (self), NULL);
  return self->needs_sign_in;
}

void
flows_connection_set_needs_sign_in (FlowsConnection *self,
                                    const char      *reason)
{
  g_return_if_fail (FLOWS_IS_CONNECTION (self));
  if (g_strcmp0 (self->needs_sign_in, reason) == 0)
    return;
  g_free (self->needs_sign_in);
  self->needs_sign_in = g_strdup (reason);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEEDS_SIGN_IN]);
}

gint64
flows_connection_get_last_test_time (FlowsConnection *self)
{
  g_return_val_if_fail (FLOWS_IS_CONNECTION (self), 0);
  return self->last_test_time;
}

gboolean
flows_connection_get_last_test_passed (FlowsConnection *self)
{
  g_return_val_if_fail (FLOWS_IS_CONNECTION (self), FALSE);
  return self->last_test_passed;
}

guint
flows_connection_get_last_test_status (FlowsConnection *self)
{
  g_return_val_if_fail (FLOWS_IS_CONNECTION (self), 0);
  return self->last_test_status;
}

const char *
flows_connection_get_last_test_message (FlowsConnection *self)
{
  g_return_val_if_fail (FLOWS_IS_CONNECTION (self), NULL);
  return self->last_test_message;
}

void
flows_connection_set_last_test (FlowsConnection *self,
                                gint64           unix_time,
                                gboolean         passed,
                                guint            http_status,
                                const char      *message)
{
  g_return_if_fail (FLOWS_IS_CONNECTION (self));

  g_object_freeze_notify (G_OBJECT (self));
  self->last_test_time = unix_time;
  self->last_test_passed = !!passed;
  self->last_test_status = http_status;
  g_free (self->last_test_message);
  self->last_test_message = g_strdup (message != NULL ? message : "");
  self->last_test_stale = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_TEST_TIME]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_TEST_PASSED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_TEST_STATUS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_TEST_MESSAGE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_TEST_STALE]);
  g_object_thaw_notify (G_OBJECT (self));
}

gboolean
flows_connection_get_last_test_stale (FlowsConnection *self)
{
  g_return_val_if_fail (FLOWS_IS_CONNECTION (self), FALSE);
  return self->last_test_stale;
}

void
flows_connection_mark_last_test_stale (FlowsConnection *self)
{
  g_return_if_fail (FLOWS_IS_CONNECTION (self));
  /* A connection never tested has no result to mark. */
  if (self->last_test_time == 0 || self->last_test_stale)
    return;
  self->last_test_stale = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_TEST_STALE]);
}

gint64
flows_connection_get_sign_in_failure_time (FlowsConnection *self)
{
  g_return_val_if_fail (FLOWS_IS_CONNECTION (self), 0);
  return self->sign_in_failure_time;
}

const char *
flows_connection_get_sign_in_failure (FlowsConnection *self)
{
  g_return_val_if_fail (FLOWS_IS_CONNECTION (self), NULL);
  return self->sign_in_failure;
}

void
flows_connection_set_sign_in_failure (FlowsConnection *self,
                                      gint64           unix_time,
                                      const char      *message)
{
  g_return_if_fail (FLOWS_IS_CONNECTION (self));

  if (message == NULL)
    unix_time = 0;
  if (self->sign_in_failure_time == unix_time && g_strcmp0 (self->sign_in_failure, message) == 0)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  self->sign_in_failure_time = unix_time;
  g_free (self->sign_in_failure);
  self->sign_in_failure = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGN_IN_FAILURE_TIME]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGN_IN_FAILURE]);
  g_object_thaw_notify (G_OBJECT (self));
}
