/* flows-token-details.c — what a signed-in connection holds */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "flows-json-util.h"
#include "flows-secrets.h"
#include "flows-token-details.h"

/* The claims people look for first (RFC 7519 §4.1, OpenID Connect Core §2 and §5.1, RFC 9068
 * §2.2), in this order; the others follow by name. */
static const char * const known_claims[] = {
  "iss", "sub", "aud", "azp", "client_id", "scp", "scope", "roles",
  "exp", "iat", "nbf", "auth_time",
  "name", "preferred_username", "email", "email_verified", "tid", "oid",
  NULL
};
static const char * const known_header[] = { "alg", "typ", "kid", "enc", NULL };
/* Claims whose number is a time (NumericDate, RFC 7519 §2). */
static const char * const date_claims[] = { "exp", "iat", "nbf", "auth_time", "updated_at", NULL };

static void
token_scope_free (FlowsTokenScope *scope)
{
  g_free (scope->name);
  g_free (scope);
}

static void
token_kept_value_free (FlowsTokenKeptValue *kept)
{
  g_free (kept->key);
  g_free (kept->label);
  g_free (kept->value);
  g_free (kept);
}

static void
token_claim_free (FlowsTokenClaim *claim)
{
  g_free (claim->name);
  g_free (claim->value);
  g_free (claim->date);
  g_free (claim);
}

static void
token_decoded_free (FlowsTokenDecoded *decoded)
{
  if (decoded == NULL)
    return;
  g_free (decoded->problem);
  g_clear_pointer (&decoded->header, g_ptr_array_unref);
  g_clear_pointer (&decoded->claims, g_ptr_array_unref);
  g_free (decoded);
}

void
flows_token_details_free (FlowsTokenDetails *details)
{
  if (details == NULL)
    return;
  g_free (details->token_type);
  g_clear_pointer (&details->scopes, g_ptr_array_unref);
  g_clear_pointer (&details->kept_values, g_ptr_array_unref);
  token_decoded_free (details->access_token);
  token_decoded_free (details->id_token);
  g_free (details);
}

char *
flows_token_details_format_date (gint64 unix_time)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (unix_time);

  if (time == NULL)
    return g_strdup_printf ("%" G_GINT64_FORMAT, unix_time);
  return g_date_time_format (time, "%Y-%m-%d %H:%M:%S %:z");
}

/* A duration of @seconds (>= 0) in the two largest units that matter. */
static char *
describe_duration (gint64 seconds)
{
  /* An int holds 68 years of seconds; no token lives that long. */
  int s = (int)MIN (seconds, G_MAXINT);
  int minutes = s / 60, hours = s / 3600, days = s / 86400;

  if (s < 60)
    /* Translators: a duration in seconds */
    return g_strdup_printf (_("%d s"), s);
  if (s < 3600)
    /* Translators: a duration in minutes and seconds */
    return g_strdup_printf (_("%d min %d s"), minutes, s % 60);
  if (s < 86400)
    /* Translators: a duration in hours and minutes */
    return g_strdup_printf (_("%d h %d min"), hours, minutes % 60);
  /* Translators: a duration in days and hours */
  return g_strdup_printf (_("%d d %d h"), days, hours % 24);
}

char *
flows_token_details_describe_expiry (gint64 expires_at,
                                     gint64 now)
{
  gint64 elapsed = now - expires_at;
  g_autofree char *duration = NULL;

  if (elapsed <= 0)
    {
      duration = describe_duration (-elapsed);
      /* Translators: %s is a duration such as "59 min 12 s" */
      return g_strdup_printf (_("in %s"), duration);
    }
  /* Whole minutes once it is a minute gone: the seconds would only make the line flicker. */
  if (elapsed >= 60 && elapsed < 3600)
    /* Translators: a duration in minutes */
    duration = g_strdup_printf (_("%d min"), (int)(elapsed / 60));
  else
    duration = describe_duration (elapsed);
  /* Translators: %s is a duration such as "3 min" */
  return g_strdup_printf (_("expired %s ago"), duration);
}

char *
flows_token_details_describe_form (const FlowsTokenDecoded *decoded)
{
  const char *alg = NULL;

  for (guint i = 0; decoded->header != NULL && i < decoded->header->len; i++)
    {
      FlowsTokenClaim *member = g_ptr_array_index (decoded->header, i);

      if (g_str_equal (member->name, "alg"))
        alg = member->value;
    }

  switch (decoded->form)
    {
    case FLOWS_JWT_OPAQUE:
      return g_strdup (_("Opaque: not a JWT, only the provider can read it"));
    case FLOWS_JWT_SIGNED:
      if (g_strcmp0 (alg, "none") == 0)
        return g_strdup (_("JWT, not signed (alg “none”)"));
      /* Translators: %s is a signing algorithm such as RS256 */
      return g_strdup_printf (_("JWT, signed with %s (not verified here)"), alg);
    case FLOWS_JWT_ENCRYPTED:
      /* Translators: %s is a key management algorithm such as RSA-OAEP */
      return g_strdup_printf (_("JWT, encrypted with %s: its claims are for the service only"), alg);
    case FLOWS_JWT_UNREADABLE:
    default:
      /* Translators: %s says what is wrong, e.g. "its claims are not base64url" */
      return g_strdup_printf (_("Shaped like a JWT, but %s"), decoded->problem);
    }
}

char **
flows_token_details_split_scopes (const char *scope)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto(GStrv) words = g_strsplit_set (scope != NULL ? scope : "", " \t\r\n,", -1);

  for (guint i = 0; words[i] != NULL; i++)
    {
      if (*words[i] == '\0' || !g_hash_table_add (seen, words[i]))
        continue;
      g_strv_builder_add (builder, words[i]);
    }
  return g_strv_builder_end (builder);
}

/* Decoding ----------------------------------------------------------------------------------- */

static int
known_rank (const char         *name,
            const char * const *known)
{
  for (int i = 0; known[i] != NULL; i++)
    if (g_str_equal (known[i], name))
      return i;
  return G_MAXINT;
}

static int
compare_claims (gconstpointer a,
                gconstpointer b,
                gpointer      known)
{
  const FlowsTokenClaim *claim_a = *(FlowsTokenClaim * const *)a;
  const FlowsTokenClaim *claim_b = *(FlowsTokenClaim * const *)b;
  int rank_a = known_rank (claim_a->name, known);
  int rank_b = known_rank (claim_b->name, known);

  if (rank_a != rank_b)
    return rank_a < rank_b ? -1 : 1;
  return strcmp (claim_a->name, claim_b->name);
}

static GPtrArray *
list_members (JsonObject         *object,
              const char * const *known)
{
  GPtrArray *members = g_ptr_array_new_with_free_func ((GDestroyNotify)token_claim_free);
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  if (object == NULL)
    return members;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &node))
    {
      FlowsTokenClaim *claim = g_new0 (FlowsTokenClaim, 1);

      claim->name = g_strdup (name);
      claim->value = JSON_NODE_HOLDS_NULL (node) ? g_strdup ("null") : flows_json_to_text (node);
      if (g_strv_contains (date_claims, name) && JSON_NODE_HOLDS_VALUE (node) &&
          (json_node_get_value_type (node) == G_TYPE_INT64 || json_node_get_value_type (node) == G_TYPE_DOUBLE))
        {
          double seconds = json_node_get_double (node);

          /* Within what GDateTime can hold (years 1 to 9999). */
          if (seconds > -62135596800.0 && seconds < 253402300799.0)
            claim->date = flows_token_details_format_date ((gint64)seconds);
        }
      g_ptr_array_add (members, claim);
    }
  g_ptr_array_sort_with_data (members, compare_claims, (gpointer)known);
  return members;
}

/* Decodes @token and wipes it: from here on only its decoded parts exist. */
static FlowsTokenDecoded *
decode_token (char *token)
{
  g_autoptr(FlowsJwt) jwt = NULL;
  FlowsTokenDecoded *decoded;

  if (token == NULL)
    return NULL;

  jwt = flows_jwt_decode (token);
  flows_secrets_free (token);
  decoded = g_new0 (FlowsTokenDecoded, 1);
  decoded->form = jwt->form;
  decoded->problem = g_strdup (jwt->problem);
  decoded->header = list_members (jwt->header, known_header);
  decoded->claims = list_members (jwt->claims, known_claims);
  return decoded;
}

/* Loading ------------------------------------------------------------------------------------ */

/* What the thread reads the keyring for, copied from the objects, which stay in their thread. */
typedef struct
{
  char              *app_id;
  char              *connection_id;
  FlowsTokenDetails *details;
} Load;

static void
load_free (Load *load)
{
  g_free (load->app_id);
  g_free (load->connection_id);
  flows_token_details_free (load->details);
  g_free (load);
}

static void
add_scope (GPtrArray  *scopes,
           const char *name,
           gboolean    asked,
           gboolean    granted)
{
  FlowsTokenScope *scope = g_new0 (FlowsTokenScope, 1);

  scope->name = g_strdup (name);
  scope->asked = asked;
  scope->granted = granted;
  g_ptr_array_add (scopes, scope);
}

/* What the connection's file says: read where the objects live. */
static FlowsTokenDetails *
read_connection (FlowsApp        *app,
                 FlowsConnection *connection)
{
  FlowsTokenDetails *details = g_new0 (FlowsTokenDetails, 1);
  GListModel *params = flows_app_get_params (app);
  FlowsParam *scopes_param = flows_app_find_param (app, FLOWS_TOKEN_DETAILS_SCOPES_KEY);
  const char *asked_text = flows_connection_get_value (connection, FLOWS_TOKEN_DETAILS_SCOPES_KEY);
  g_auto(GStrv) asked = NULL;
  g_auto(GStrv) granted = NULL;

  details->scopes_from_connection = asked_text != NULL && *asked_text != '\0';
  if (!details->scopes_from_connection)
    asked_text = scopes_param != NULL ? flows_param_get_default (scopes_param) : NULL;
  asked = flows_token_details_split_scopes (asked_text);
  granted = flows_token_details_split_scopes (flows_connection_get_scope (connection));

  details->token_type = g_strdup (flows_connection_get_token_type (connection));
  details->scope_reported = granted[0] != NULL;
  details->expires_at = flows_connection_get_token_expires_at (connection);
  details->refresh_expires_at = flows_connection_get_refresh_expires_at (connection);

  details->scopes = g_ptr_array_new_with_free_func ((GDestroyNotify)token_scope_free);
  for (guint i = 0; asked[i] != NULL; i++)
    {
      gboolean is_granted = g_strv_contains ((const char * const *)granted, asked[i]);

      add_scope (details->scopes, asked[i], TRUE, is_granted);
      ((FlowsTokenScope *)g_ptr_array_index (details->scopes, details->scopes->len - 1))->missing =
        details->scope_reported && !is_granted;
    }
  for (guint i = 0; granted[i] != NULL; i++)
    if (!g_strv_contains ((const char * const *)asked, granted[i]))
      add_scope (details->scopes, granted[i], FALSE, TRUE);

  /* A sensitive one is looked up in the keyring, in the thread. */
  details->kept_values = g_ptr_array_new_with_free_func ((GDestroyNotify)token_kept_value_free);
  for (guint i = 0; i < g_list_model_get_n_items (params); i++)
    {
      g_autoptr(FlowsParam) param = g_list_model_get_item (params, i);
      FlowsTokenKeptValue *kept;

      if (!flows_param_get_from_sign_in (param))
        continue;
      kept = g_new0 (FlowsTokenKeptValue, 1);
      kept->key = g_strdup (flows_param_get_key (param));
      kept->label = g_strdup (*flows_param_get_label (param) != '\0' ? flows_param_get_label (param) : kept->key);
      kept->sensitive = flows_param_get_sensitive (param);
      if (!kept->sensitive)
        {
          kept->value = g_strdup (flows_connection_get_value (connection, kept->key));
          kept->held = kept->value != NULL;
        }
      g_ptr_array_add (details->kept_values, kept);
    }
  return details;
}

/* One value of the connection in the keyring; FALSE only when the keyring cannot be read. */
static gboolean
lookup (Load          *load,
        const char    *key,
        GCancellable  *cancellable,
        char         **value,
        GError       **error)
{
  GError *local_error = NULL;

  *value = flows_secrets_lookup_sync (load->app_id, load->connection_id, key, cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

static void
read_keyring (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Load *load = task_data;
  FlowsTokenDetails *details = load->details;
  g_autoptr(GError) error = NULL;
  char *value;

  if (!lookup (load, FLOWS_SECRETS_ACCESS_TOKEN_KEY, cancellable, &value, &error))
    goto failed;
  details->access_token = decode_token (value);

  if (!lookup (load, FLOWS_SECRETS_ID_TOKEN_KEY, cancellable, &value, &error))
    goto failed;
  details->id_token = decode_token (value);

  /* Only whether they are there: a refresh token is opaque to its client by design, and a
   * sensitive value is never shown. */
  if (!lookup (load, FLOWS_SECRETS_REFRESH_TOKEN_KEY, cancellable, &value, &error))
    goto failed;
  details->refresh_token_held = value != NULL;
  flows_secrets_free (value);

  for (guint i = 0; i < details->kept_values->len; i++)
    {
      FlowsTokenKeptValue *kept = g_ptr_array_index (details->kept_values, i);

      if (!kept->sensitive)
        continue;
      if (!lookup (load, kept->key, cancellable, &value, &error))
        goto failed;
      kept->held = value != NULL;
      flows_secrets_free (value);
    }

  g_task_return_pointer (task, g_steal_pointer (&load->details), (GDestroyNotify)flows_token_details_free);
  return;

failed:
  g_task_return_error (task, g_steal_pointer (&error));
}

static GTask *
new_load_task (FlowsApp            *app,
               FlowsConnection     *connection,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Load *load = g_new0 (Load, 1);

  load->app_id = g_strdup (flows_app_get_id (app));
  load->connection_id = g_strdup (flows_connection_get_id (connection));
  load->details = read_connection (app, connection);
  g_task_set_source_tag (task, flows_token_details_load_async);
  g_task_set_task_data (task, load, (GDestroyNotify)load_free);
  return task;
}

/* The keyring is read in a thread: a locked one may ask for its password, and the lookups are
 * sync there, which keeps the three in one simple sequence. */
void
flows_token_details_load_async (FlowsApp            *app,
                                FlowsConnection     *connection,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FLOWS_IS_APP (app));
  g_return_if_fail (FLOWS_IS_CONNECTION (connection));

  task = new_load_task (app, connection, cancellable, callback, user_data);
  g_task_run_in_thread (task, read_keyring);
}

FlowsTokenDetails *
flows_token_details_load_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

FlowsTokenDetails *
flows_token_details_load_sync (FlowsApp         *app,
                               FlowsConnection  *connection,
                               GCancellable     *cancellable,
                               GError          **error)
{
  g_autoptr(GTask) task = NULL;

  g_return_val_if_fail (FLOWS_IS_APP (app), NULL);
  g_return_val_if_fail (FLOWS_IS_CONNECTION (connection), NULL);

  task = new_load_task (app, connection, cancellable, NULL, NULL);
  g_task_run_in_thread_sync (task, read_keyring);
  return g_task_propagate_pointer (task, error);
}
