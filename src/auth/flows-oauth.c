/* flows-oauth.c — OAuth 2.0 pieces that do not depend on a browser */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "flows-json-util.h"
#include "flows-oauth.h"
#include "flows-secrets.h"

G_DEFINE_QUARK (flows-oauth-error-quark, flows_oauth_error)

/* Base64url without padding (RFC 4648 §5), as state values and PKCE want. */
static char *
base64url (const guint8 *data,
           gsize         length)
{
  char *text = g_base64_encode (data, length);
  gsize end = strlen (text);

  while (end > 0 && text[end - 1] == '=')
    end--;
  text[end] = '\0';
  g_strdelimit (text, "+", '-');
  g_strdelimit (text, "/", '_');
  return text;
}

char *
flows_oauth_random_string (gsize    n_bytes,
                           GError **error)
{
  g_autofree guint8 *bytes = g_malloc (n_bytes);
  gsize filled = 0;
  char *text;

  /* The kernel's CSPRNG: state and verifiers must not be guessable (never GRand). */
  while (filled < n_bytes)
    {
      ssize_t got = getrandom (bytes + filled, n_bytes - filled, 0);

      if (got < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR)
            continue;
          g_set_error (error, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_RANDOM,
                       _("The system’s random number source failed: %s"), g_strerror (saved_errno));
          return NULL;
        }
      filled += got;
    }

  text = base64url (bytes, n_bytes);
  memset (bytes, 0, n_bytes);
  return text;
}

char *
flows_oauth_code_challenge (const char *verifier)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize digest_length = sizeof digest;

  g_checksum_update (checksum, (const guchar *)verifier, strlen (verifier));
  g_checksum_get_digest (checksum, digest, &digest_length);
  return base64url (digest, digest_length);
}

gboolean
flows_oauth_equal_constant_time (const char *a,
                                 const char *b)
{
  gsize length_a, length_b;
  guint8 difference;

  if (a == NULL || b == NULL)
    return FALSE;

  length_a = strlen (a);
  length_b = strlen (b);
  difference = length_a != length_b;
  /* Every byte of @a is looked at, whatever the first difference. */
  for (gsize i = 0; i < length_a; i++)
    difference |= (guint8)a[i] ^ (guint8)(length_b > 0 ? b[i % length_b] : 0);
  return difference == 0;
}

/* The port of @uri, with the scheme's default when it names none. */
static int
effective_port (GUri *uri)
{
  int port = g_uri_get_port (uri);

  if (port > 0)
    return port;
  return g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0 ? 443 : 80;
}

static const char *
effective_path (GUri *uri)
{
  const char *path = g_uri_get_path (uri);

  return *path != '\0' ? path : "/";
}

gboolean
flows_oauth_redirect_matches (const char *redirect_url,
                              const char *uri)
{
  g_autoptr(GUri) expected = NULL;
  g_autoptr(GUri) actual = NULL;

  if (redirect_url == NULL || uri == NULL)
    return FALSE;

  expected = g_uri_parse (redirect_url, SOUP_HTTP_URI_FLAGS, NULL);
  actual = g_uri_parse (uri, SOUP_HTTP_URI_FLAGS, NULL);
  if (expected == NULL || actual == NULL)
    return FALSE;

  /* http://127.0.0.1:8976@evil/ has host "evil"; refusing any user information as well keeps
   * look-alikes such as http://user@127.0.0.1:8976/… out entirely. */
  if (g_uri_get_userinfo (actual) != NULL)
    return FALSE;
  /* A redirect URL names a place to come back to: one with user information or without a host
   * ("h://u:@", "h:") matches nothing, not even itself, rather than every other hostless URI. */
  if (g_uri_get_userinfo (expected) != NULL ||
      g_uri_get_host (expected) == NULL || *g_uri_get_host (expected) == '\0')
    return FALSE;

  return g_ascii_strcasecmp (g_uri_get_scheme (expected), g_uri_get_scheme (actual)) == 0 &&
         g_ascii_strcasecmp (g_uri_get_host (expected) != NULL ? g_uri_get_host (expected) : "",
                             g_uri_get_host (actual) != NULL ? g_uri_get_host (actual) : "") == 0 &&
         effective_port (expected) == effective_port (actual) &&
         g_str_equal (effective_path (expected), effective_path (actual));
}

/* Fields that may come once (RFC 6749 §3.1): of two, which one counts would depend on who
 * reads them, and one may not be the provider's (state=forged&state=real). */
static const char * const single_fields[] = { "code", "state", "error", NULL };

/* Adds the fields of a form-encoded @part to @fields, keeping fields already there. */
static gboolean
add_form_fields (GHashTable  *fields,
                 const char  *part,
                 GError     **error)
{
  g_autoptr(GHashTable) form = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_auto(GStrv) pairs = NULL;
  GHashTableIter iter;
  gpointer name, value;

  if (part == NULL || *part == '\0')
    return TRUE;

  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  pairs = g_strsplit (part, "&", -1);
  for (guint i = 0; pairs[i] != NULL; i++)
    {
      g_autofree char *encoded = g_strndup (pairs[i], strcspn (pairs[i], "="));
      g_autofree char *decoded = g_uri_unescape_string (g_strdelimit (encoded, "+", ' '), NULL);

      if (decoded == NULL || !g_strv_contains (single_fields, decoded))
        continue;
      if (g_hash_table_contains (seen, decoded))
        {
          g_set_error (error, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_BAD_REDIRECT_URL,
                       _("The provider’s answer carries “%s” more than once, so which one is meant is unclear: the sign-in was rejected"),
                       decoded);
          return FALSE;
        }
      g_hash_table_add (seen, g_steal_pointer (&decoded));
    }

  form = soup_form_decode (part);
  g_hash_table_iter_init (&iter, form);
  while (g_hash_table_iter_next (&iter, &name, &value))
    if (!g_hash_table_contains (fields, name))
      g_hash_table_insert (fields, g_strdup (name), g_strdup (value));
  return TRUE;
}

GHashTable *
flows_oauth_parse_callback (const char  *uri,
                            GError     **error)
{
  g_autoptr(GHashTable) fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  /* ENCODED keeps the query and fragment as sent, so that they are decoded once, here. */
  g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED, NULL);

  if (parsed == NULL)
    {
      g_set_error (error, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_BAD_REDIRECT_URL,
                   _("The provider redirected to an address that cannot be read"));
      return NULL;
    }

  if (!add_form_fields (fields, g_uri_get_query (parsed), error) ||
      !add_form_fields (fields, g_uri_get_fragment (parsed), error))
    return NULL;
  return g_steal_pointer (&fields);
}

gboolean
flows_oauth_check_callback (GHashTable  *fields,
                            const char  *expected_state,
                            GError     **error)
{
  const char *provider_error = g_hash_table_lookup (fields, "error");
  const char *state = g_hash_table_lookup (fields, "state");

  if (provider_error != NULL)
    {
      const char *description = g_hash_table_lookup (fields, "error_description");
      /* Percent-decoding gives any bytes; the message is shown, so it must be UTF-8. */
      g_autofree char *valid_error = g_utf8_make_valid (provider_error, -1);
      g_autofree char *valid_description = description != NULL ? g_utf8_make_valid (description, -1) : NULL;

      g_set_error (error, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_PROVIDER,
                   description != NULL ? _("The provider did not sign you in (%s): %s")
                                       : _("The provider did not sign you in (%s)"),
                   valid_error, valid_description);
      return FALSE;
    }

  /* Without this check another site could complete a sign-in it started (RFC 6749 §10.12). */
  if (state == NULL)
    {
      g_set_error (error, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_STATE_MISMATCH,
                   _("The provider’s answer carries no state, so it cannot be told apart from a forged one: the sign-in was rejected"));
      return FALSE;
    }
  if (!flows_oauth_equal_constant_time (state, expected_state))
    {
      g_set_error (error, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_STATE_MISMATCH,
                   _("The provider’s answer belongs to another sign-in attempt (its state does not match): the sign-in was rejected"));
      return FALSE;
    }

  if (g_hash_table_lookup (fields, "code") == NULL)
    {
      g_set_error (error, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_NO_CODE,
                   _("The provider’s answer has no authorisation code"));
      return FALSE;
    }

  return TRUE;
}

gboolean
flows_oauth_record_connection_test (FlowsConnection  *connection,
                                    FlowsRun         *run,
                                    char            **message)
{
  gboolean passed = flows_run_judge_connection_test (run, message);

  flows_connection_set_last_test (connection, g_get_real_time () / G_USEC_PER_SEC, passed,
                                  flows_run_get_http_status (run), *message);
  if (flows_run_error_matches (run, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_NEEDS_SIGN_IN))
    flows_connection_set_needs_sign_in (connection, flows_run_get_error_message (run));
  return passed;
}

gboolean
flows_oauth_token_needs_refresh (FlowsConnection *connection)
{
  gint64 expires_at = flows_connection_get_token_expires_at (connection);

  return expires_at != 0 && expires_at - g_get_real_time () / G_USEC_PER_SEC < FLOWS_OAUTH_REFRESH_MARGIN;
}

/* Storing tokens ---------------------------------------------------------------------------- */

/* One value for the keyring. */
typedef struct
{
  const char *key;
  char       *value;
} Secret;

/* What the token details show beyond the tokens (docs/ARCHITECTURE.md, "Flow roles"): the
 * token type and the refresh token's lifetime. The OpenID Connect ID token, which only the
 * token details read, goes to the keyring with the other tokens. */
typedef struct
{
  char     *token_type;
  gint64    refresh_expires_in;   /* -1 when the provider said nothing */
  gboolean  new_refresh_token;
} TokenDetails;

static void
token_details_clear (TokenDetails *details)
{
  g_clear_pointer (&details->token_type, g_free);
}

typedef struct
{
  FlowsApp        *app;
  FlowsConnection *connection;
  FlowsLibrary    *library;
  char            *access_token;
  GArray          *secrets;      /* Secret, stored in this order: the access token first */
  guint            next_secret;
  GHashTable      *kept_values;  /* key -> value of the non-sensitive parameters filled in at sign-in */
  char            *scope;
  gint64           expires_in;   /* -1 when the provider said nothing */
  TokenDetails     details;
} StoreTokens;

static void
store_tokens_free (StoreTokens *store)
{
  g_clear_object (&store->app);
  g_clear_object (&store->connection);
  g_clear_object (&store->library);
  flows_secrets_free (store->access_token);
  for (guint i = 0; i < store->secrets->len; i++)
    flows_secrets_free (g_array_index (store->secrets, Secret, i).value);
  g_array_unref (store->secrets);
  g_hash_table_unref (store->kept_values);
  g_free (store->scope);
  token_details_clear (&store->details);
  g_free (store);
}

FlowsTraceEntry *
flows_oauth_find_provider_answer (FlowsRun *run)
{
  GPtrArray *trace;

  g_return_val_if_fail (FLOWS_IS_RUN (run), NULL);

  trace = flows_run_get_trace (run);
  for (guint i = trace->len; i > 0; i--)
    {
      FlowsTraceEntry *entry = g_ptr_array_index (trace, i - 1);

      if (entry->outputs != NULL && flows_json_walk (entry->outputs, "body") != NULL)
        return entry;
    }
  return NULL;
}

static const char *
get_string_member (JsonNode   *node,
                   const char *name)
{
  JsonNode *member = node != NULL ? flows_json_walk (node, name) : NULL;

  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (member);
}

gboolean
flows_oauth_read_provider_error (FlowsRun    *run,
                                 const char **code,
                                 const char **description)
{
  FlowsTraceEntry *answer = flows_oauth_find_provider_answer (run);
  JsonNode *body = answer != NULL ? flows_json_walk (answer->outputs, "body") : NULL;

  *code = get_string_member (body, "error");
  *description = *code != NULL ? get_string_member (body, "error_description") : NULL;
  return *code != NULL;
}

/* What the token endpoint said, for an error message: the last Call API's body, as the trace
 * has it (redacted). */
static char *
describe_provider_answer (FlowsRun *run)
{
  FlowsTraceEntry *entry = flows_oauth_find_provider_answer (run);
  g_autofree char *text = NULL;

  if (entry == NULL)
    return g_strdup (_("(no response was recorded)"));
  text = flows_json_to_text (flows_json_walk (entry->outputs, "body"));
  return g_strdup (text != NULL && *text != '\0' ? text : _("(an empty body)"));
}

/* Where a provider's refusal came from, for a message that quotes the refusal itself: "HTTP
 * 401 Unauthorized from POST URL, OAuth Step 2's stage “…”". */
static char *
describe_refusal (FlowsTraceEntry *answer,
                  const char      *flow_name)
{
  JsonObject *outputs = answer->outputs != NULL && JSON_NODE_HOLDS_OBJECT (answer->outputs)
                        ? json_node_get_object (answer->outputs) : NULL;
  const char *method = answer->settings != NULL ? json_object_get_string_member_with_default (answer->settings, "method", "") : "";
  const char *reason = outputs != NULL ? json_object_get_string_member_with_default (outputs, "reason", "") : "";
  const char *url = outputs != NULL ? json_object_get_string_member_with_default (outputs, "url", "") : "";
  gint64 status = outputs != NULL ? json_object_get_int_member_with_default (outputs, "status", 0) : 0;

  /* Translators: an HTTP status and its reason, the request's method and URL, a flow's name and
   * one of its stages, e.g. HTTP 401 Unauthorized from POST https://…/token, in “OAuth Step 2 …” at “Exchange code for tokens” */
  return g_strdup_printf (_("HTTP %u %s from %s %s, in “%s” at “%s”"), (guint)status, reason, method, url,
                          flow_name, answer->stage_name != NULL ? answer->stage_name : "");
}

/* Reads a lifetime such as expires_in: a number, or a string of digits (as some providers send
 * it). */
static gboolean
read_expires_in (JsonObject  *response,
                 const char  *member,
                 const char  *flow_name,
                 gint64      *expires_in,
                 GError     **error)
{
  JsonNode *node = json_object_get_member (response, member);
  g_autofree char *text = flows_json_to_text (node);
  guint64 value;

  *expires_in = -1;
  if (text == NULL || *text == '\0')
    return TRUE;

  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT32, &value, NULL))
    {
      g_set_error (error, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_BAD_TOKEN_RESPONSE,
                   /* Translators: a flow's name, a member of the token reply (expires_in), its value */
                   _("%s returned %s “%s”, which is not a number of seconds"), flow_name, member, text);
      return FALSE;
    }
  *expires_in = (gint64)value;
  return TRUE;
}

/* Reads the token details of a Step 2 or Step 3 response; an empty string is not a value. */
static gboolean
read_token_details (JsonObject    *response,
                    const char    *flow_name,
                    TokenDetails  *details,
                    GError       **error)
{
  char *refresh_token = flows_json_to_text (json_object_get_member (response, "refresh_token"));

  details->new_refresh_token = refresh_token != NULL && *refresh_token != '\0';
  flows_secrets_free (refresh_token);
  details->token_type = flows_json_to_text (json_object_get_member (response, "token_type"));
  if (details->token_type != NULL && *details->token_type == '\0')
    g_clear_pointer (&details->token_type, g_free);
  return read_expires_in (response, "refresh_token_expires_in", flow_name, &details->refresh_expires_in, error);
}

/* Keeps the details in @connection. What a reply leaves out is kept from the one before, as
 * refresh replies often say less than the first; a new refresh token without a lifetime has an
 * unknown one. */
static void
apply_token_details (FlowsConnection    *connection,
                     const TokenDetails *details)
{
  if (details->token_type != NULL)
    flows_connection_set_token_type (connection, details->token_type);
  if (details->refresh_expires_in >= 0)
    flows_connection_set_refresh_expires_at (connection,
                                             g_get_real_time () / G_USEC_PER_SEC + details->refresh_expires_in);
  else if (details->new_refresh_token)
    flows_connection_set_refresh_expires_at (connection, 0);
}

static void
on_tokens_stored (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  StoreTokens *store = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) save_error = NULL;

  GHashTableIter iter;
  gpointer key, value;

  if (result != NULL && !flows_secrets_store_finish (result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* One at a time, the access token first: the refresh token and the sensitive values filled
   * in at sign-in go once it is safe. */
  if (store->next_secret < store->secrets->len)
    {
      Secret *secret = &g_array_index (store->secrets, Secret, store->next_secret++);
      GCancellable *cancellable = g_task_get_cancellable (task);

      flows_secrets_store_async (flows_app_get_id (store->app), flows_connection_get_id (store->connection),
                                 secret->key, secret->value,
                                 cancellable, on_tokens_stored, g_steal_pointer (&task));
      return;
    }

  g_object_freeze_notify (G_OBJECT (store->connection));
  g_hash_table_iter_init (&iter, store->kept_values);
  while (g_hash_table_iter_next (&iter, &key, &value))
    flows_connection_set_value (store->connection, key, value);
  flows_connection_set_signed_in (store->connection, TRUE);
  flows_connection_set_needs_sign_in (store->connection, NULL);
  flows_connection_set_token_expires_at (store->connection,
                                         store->expires_in >= 0
                                           ? g_get_real_time () / G_USEC_PER_SEC + store->expires_in
                                           : 0);
  if (store->scope != NULL)
    flows_connection_set_scope (store->connection, store->scope);
  apply_token_details (store->connection, &store->details);
  g_object_thaw_notify (G_OBJECT (store->connection));

  /* The tokens are stored; a file that cannot be written only loses the expiry time. */
  if (store->library != NULL && !flows_library_save_connection (store->library, store->connection, &save_error))
    g_warning ("The tokens are in the keyring, but the connection file was not updated: %s", save_error->message);

  g_task_return_pointer (task, g_steal_pointer (&store->access_token), (GDestroyNotify)flows_secrets_free);
}

/* Adds @value (taken) to the keyring writes under @key, unless it is NULL or empty. */
static void
add_secret (StoreTokens *store,
            const char  *key,
            char        *value)
{
  Secret secret = { key, value };

  if (value == NULL || *value == '\0')
    {
      flows_secrets_free (value);
      return;
    }
  g_array_append_val (store->secrets, secret);
}

/* The values of the parameters filled in at sign-in that @response has a field for, in the
 * keyring when sensitive, in the connection's file otherwise; a field the provider left out
 * keeps the value the connection has (a refresh reply often repeats only the tokens). */
static void
keep_sign_in_values (StoreTokens *store,
                     JsonObject  *response)
{
  GListModel *params = flows_app_get_params (store->app);

  for (guint i = 0; i < g_list_model_get_n_items (params); i++)
    {
      g_autoptr(FlowsParam) param = g_list_model_get_item (params, i);
      const char *key = flows_param_get_key (param);
      char *value;

      if (!flows_param_get_from_sign_in (param) ||
          !(value = flows_json_to_text (json_object_get_member (response, key))))
        continue;
      if (flows_param_get_sensitive (param))
        add_secret (store, g_intern_string (key), value);
      else
        g_hash_table_replace (store->kept_values, g_strdup (key), value);
    }
}

void
flows_oauth_store_tokens_async (FlowsApp            *app,
                                FlowsConnection     *connection,
                                FlowsLibrary        *library,
                                FlowsRun            *run,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  JsonObject *response = flows_run_get_response (run);
  const char *flow_name = flows_run_get_flow_name (run);
  StoreTokens *store = g_new0 (StoreTokens, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *access_token = NULL;

  g_task_set_source_tag (task, flows_oauth_store_tokens_async);
  g_task_set_task_data (task, store, (GDestroyNotify)store_tokens_free);
  store->app = g_object_ref (app);
  store->connection = g_object_ref (connection);
  store->library = library != NULL ? g_object_ref (library) : NULL;
  store->secrets = g_array_new (FALSE, FALSE, sizeof (Secret));
  store->kept_values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  /* An End With Error stage said what went wrong in the flow's own words (a provider's error
   * inside an HTTP 200 body): they are the whole message. */
  if (flows_run_ended_with_error (run))
    {
      g_task_return_new_error (task, FLOWS_OAUTH_ERROR,
                               flows_run_error_matches (run, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_NEEDS_SIGN_IN)
                                 ? FLOWS_OAUTH_ERROR_NEEDS_SIGN_IN : FLOWS_OAUTH_ERROR_PROVIDER,
                               "%s", flows_run_get_error_message (run));
      return;
    }

  if (!flows_run_get_succeeded (run))
    {
      FlowsTraceEntry *answer = flows_oauth_find_provider_answer (run);
      const char *code = NULL;
      const char *description = NULL;
      g_autofree char *message = g_strdup_printf (_("%s failed at stage “%s”: %s"), flow_name,
                                                  flows_run_get_failed_stage_name (run) != NULL ? flows_run_get_failed_stage_name (run) : "",
                                                  flows_run_get_error_message (run));

      /* An RFC 6749 §5.2 error in the answer (most providers send it with a 400 or 401 status)
       * is what the user acts on: the provider's code and description come first, then where
       * it came from, without the body that said it all again. */
      if (flows_oauth_read_provider_error (run, &code, &description))
        {
          g_autofree char *where = describe_refusal (answer, flow_name);

          g_free (message);
          message = description != NULL
            /* Translators: the provider's error code, its description, then where it came from */
            ? g_strdup_printf (_("%s: %s (%s)"), code, description, where)
            /* Translators: the provider's error code, then where it came from */
            : g_strdup_printf (_("%s (%s)"), code, where);
        }

      /* A stage after the provider's answer failed (the template's Add To Response finds no
       * access_token in an HTML page): the answer says why. A failed Call API quotes it itself. */
      if (answer != NULL && g_strcmp0 (answer->stage_id, flows_run_get_failed_stage_id (run)) != 0)
        {
          g_autofree char *answer_text = describe_provider_answer (run);
          g_autofree char *with_answer = g_strdup_printf (_("%s. The provider answered: %s"), message, answer_text);

          g_task_return_new_error (task, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_STEP_FAILED, "%s", with_answer);
          return;
        }
      g_task_return_new_error (task, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_STEP_FAILED, "%s", message);
      return;
    }

  access_token = flows_json_to_text (json_object_get_member (response, "access_token"));
  if (access_token == NULL || *access_token == '\0')
    {
      g_autofree char *answer = describe_provider_answer (run);

      g_task_return_new_error (task, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_NO_ACCESS_TOKEN,
                               _("%s returned no access_token. The provider answered: %s"), flow_name, answer);
      return;
    }
  if (!read_expires_in (response, "expires_in", flow_name, &store->expires_in, &error) ||
      !read_token_details (response, flow_name, &store->details, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  store->access_token = g_steal_pointer (&access_token);
  add_secret (store, FLOWS_SECRETS_ACCESS_TOKEN_KEY, g_strdup (store->access_token));
  /* A refresh token only when the provider sent one: the old one is kept otherwise. */
  add_secret (store, FLOWS_SECRETS_REFRESH_TOKEN_KEY,
              flows_json_to_text (json_object_get_member (response, "refresh_token")));
  /* Likewise the ID token, which OpenID Connect refresh replies may leave out (Core §12.2). */
  add_secret (store, FLOWS_SECRETS_ID_TOKEN_KEY, flows_json_to_text (json_object_get_member (response, "id_token")));
  keep_sign_in_values (store, response);
  store->scope = flows_json_to_text (json_object_get_member (response, "scope"));

  on_tokens_stored (NULL, NULL, g_steal_pointer (&task));
}

char *
flows_oauth_store_tokens_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Signing out ------------------------------------------------------------------------------- */

typedef struct
{
  FlowsConnection *connection;
  FlowsLibrary    *library;
  /* The keys still to clear, access token first. */
  guint            next_key;
} SignOut;

static const char * const token_keys[] = { FLOWS_SECRETS_ACCESS_TOKEN_KEY, FLOWS_SECRETS_REFRESH_TOKEN_KEY,
                                            FLOWS_SECRETS_ID_TOKEN_KEY };

static void
sign_out_free (SignOut *sign_out)
{
  g_clear_object (&sign_out->connection);
  g_clear_object (&sign_out->library);
  g_free (sign_out);
}

static void
clear_next_token (GTask *task);

static void
on_token_cleared (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SignOut *sign_out = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!flows_secrets_clear_finish (result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (sign_out->next_key < G_N_ELEMENTS (token_keys))
    {
      clear_next_token (g_steal_pointer (&task));
      return;
    }

  flows_connection_set_signed_in (sign_out->connection, FALSE);
  flows_connection_set_token_expires_at (sign_out->connection, 0);
  flows_connection_set_scope (sign_out->connection, NULL);
  flows_connection_set_token_type (sign_out->connection, NULL);
  flows_connection_set_refresh_expires_at (sign_out->connection, 0);
  if (sign_out->library != NULL &&
      !flows_library_save_connection (sign_out->library, sign_out->connection, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
clear_next_token (GTask *task)
{
  SignOut *sign_out = g_task_get_task_data (task);

  flows_secrets_clear_async (flows_connection_get_app_id (sign_out->connection),
                             flows_connection_get_id (sign_out->connection),
                             token_keys[sign_out->next_key++],
                             g_task_get_cancellable (task), on_token_cleared, task);
}

void
flows_oauth_sign_out_async (FlowsConnection     *connection,
                            FlowsLibrary        *library,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  SignOut *sign_out = g_new0 (SignOut, 1);

  sign_out->connection = g_object_ref (connection);
  sign_out->library = library != NULL ? g_object_ref (library) : NULL;
  g_task_set_source_tag (task, flows_oauth_sign_out_async);
  g_task_set_task_data (task, sign_out, (GDestroyNotify)sign_out_free);
  clear_next_token (task);
}

gboolean
flows_oauth_sign_out_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
