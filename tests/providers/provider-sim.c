/* provider-sim.c — a simulated OAuth 2.0 provider on 127.0.0.1 (see provider-sim.h) */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "provider-sim.h"

#define CONSENT_PATH "/__simulation/consent"

typedef struct
{
  ProviderSimGrant *grant;
  ProviderSimState  state;
  gboolean          expired;
} Token;

typedef struct
{
  ProviderSimCode code;
  gboolean        redeemed;
} Code;

/* An authorisation request shown on the consent page, waiting for the user's decision. */
typedef struct
{
  ProviderSimGrant *grant;
  char             *redirect_uri;
  char             *state;
  char             *code_challenge;
  char             *code_challenge_method;
  char             *extra;
} Pending;

struct _ProviderSim
{
  char        *name;
  char        *client_id;
  char        *client_secret;
  char        *redirect_uri;
  SoupServer  *server;
  char        *url;
  GPtrArray   *grants;          /* ProviderSimGrant, owned */
  GHashTable  *pending;         /* request id -> Pending */
  GHashTable  *codes;           /* code -> Code */
  GHashTable  *access_tokens;   /* token -> Token */
  GHashTable  *refresh_tokens;  /* token -> Token */
  GPtrArray   *paths;           /* every request's path, in order */
  GHashTable  *handlers;        /* registered path -> ProviderSimHandler */
  GHashTable  *facts;           /* provider_sim_note() */
  gboolean     spoil_next_code;
  guint        break_status;
  char        *break_content_type;
  char        *break_body;
};

static void
grant_free (ProviderSimGrant *grant)
{
  g_free (grant->scope);
  g_clear_pointer (&grant->request, g_hash_table_unref);
  g_free (grant);
}

static void
pending_free (Pending *pending)
{
  g_free (pending->redirect_uri);
  g_free (pending->state);
  g_free (pending->code_challenge);
  g_free (pending->code_challenge_method);
  g_free (pending->extra);
  g_free (pending);
}

static void
code_free (Code *code)
{
  g_free (code->code.redirect_uri);
  g_free (code->code.code_challenge);
  g_free (code->code.code_challenge_method);
  g_free (code);
}

/* Random values, from the system's CSPRNG as a provider's are. */
static char *
random_token (const char *prefix)
{
  guint8 bytes[24];
  gsize filled = 0;
  g_autofree char *text = NULL;

  while (filled < sizeof bytes)
    {
      gssize n = getrandom (bytes + filled, sizeof bytes - filled, 0);

      if (n < 0 && errno != EINTR)
        g_error ("getrandom: %s", g_strerror (errno));
      if (n > 0)
        filled += n;
    }
  text = g_base64_encode (bytes, sizeof bytes);
  g_strdelimit (text, "+", '-');
  g_strdelimit (text, "/", '_');
  return g_strconcat (prefix, text, NULL);
}

static gboolean
equal_constant_time (const char *a,
                     const char *b)
{
  gsize a_length = strlen (a);
  gsize b_length = strlen (b);
  guint8 difference = a_length != b_length;

  for (gsize i = 0; i < a_length; i++)
    difference |= a[i] ^ b[b_length > 0 ? i % b_length : 0];
  return difference == 0;
}

/* The server ------------------------------------------------------------------------------ */

static void
on_request (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  ProviderSim *sim = user_data;
  ProviderSimHandler handler = NULL;
  g_autofree char *prefix = g_strdup (path);

  (void) server;
  (void) query;
  g_ptr_array_add (sim->paths, g_strdup (path));
  g_test_message ("%s simulation: %s %s", sim->name, soup_server_message_get_method (msg), path);

  if (sim->break_status != 0)
    {
      provider_sim_reply (msg, sim->break_status, sim->break_content_type, sim->break_body);
      sim->break_status = 0;
      return;
    }

  /* The longest registered path that is this one or above it. */
  while (handler == NULL)
    {
      char *slash;

      handler = g_hash_table_lookup (sim->handlers, prefix);
      if (handler != NULL || (slash = strrchr (prefix, '/')) == NULL)
        break;
      if (slash == prefix)
        {
          if (prefix[1] == '\0')
            break;
          prefix[1] = '\0';
        }
      else
        *slash = '\0';
    }
  if (handler == NULL)
    {
      provider_sim_reply (msg, SOUP_STATUS_NOT_FOUND, "text/plain", "Not Found");
      return;
    }
  handler (sim, msg, path);
}

static void on_consent (ProviderSim *sim, SoupServerMessage *msg, const char *path);

ProviderSim *
provider_sim_new (const char *name,
                  const char *client_id,
                  const char *client_secret,
                  const char *redirect_uri)
{
  ProviderSim *sim = g_new0 (ProviderSim, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;
  g_autofree char *text = NULL;

  sim->name = g_strdup (name);
  sim->client_id = g_strdup (client_id);
  sim->client_secret = g_strdup (client_secret);
  sim->redirect_uri = g_strdup (redirect_uri);
  sim->grants = g_ptr_array_new_with_free_func ((GDestroyNotify) grant_free);
  sim->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) pending_free);
  sim->codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) code_free);
  sim->access_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sim->refresh_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sim->paths = g_ptr_array_new_with_free_func (g_free);
  sim->handlers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sim->facts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  sim->server = soup_server_new ("server-header", "provider-simulation", NULL);
  soup_server_add_handler (sim->server, NULL, on_request, sim, NULL);
  soup_server_listen_local (sim->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (sim->server);
  g_assert_nonnull (uris);
  text = g_uri_to_string (uris->data);
  sim->url = g_strndup (text, strlen (text) - (g_str_has_suffix (text, "/") ? 1 : 0));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

  provider_sim_handle (sim, CONSENT_PATH, on_consent);
  return sim;
}

void
provider_sim_free (ProviderSim *sim)
{
  if (sim == NULL)
    return;
  soup_server_disconnect (sim->server);
  g_clear_object (&sim->server);
  g_hash_table_unref (sim->handlers);
  g_hash_table_unref (sim->facts);
  g_ptr_array_unref (sim->paths);
  g_hash_table_unref (sim->refresh_tokens);
  g_hash_table_unref (sim->access_tokens);
  g_hash_table_unref (sim->codes);
  g_hash_table_unref (sim->pending);
  g_ptr_array_unref (sim->grants);
  g_free (sim->break_content_type);
  g_free (sim->break_body);
  g_free (sim->url);
  g_free (sim->redirect_uri);
  g_free (sim->client_secret);
  g_free (sim->client_id);
  g_free (sim->name);
  g_free (sim);
}

const char *
provider_sim_get_url (ProviderSim *sim)
{
  return sim->url;
}

char *
provider_sim_rebase (ProviderSim *sim,
                     const char  *url)
{
  const char *scheme_end = strstr (url, "://");
  const char *path;

  g_assert_nonnull (scheme_end);
  path = strchr (scheme_end + 3, '/');
  return g_strconcat (sim->url, path, NULL);
}

const char *
provider_sim_get_client_id (ProviderSim *sim)
{
  return sim->client_id;
}

const char *
provider_sim_get_client_secret (ProviderSim *sim)
{
  return sim->client_secret;
}

const char *
provider_sim_get_redirect_uri (ProviderSim *sim)
{
  return sim->redirect_uri;
}

void
provider_sim_handle (ProviderSim        *sim,
                     const char         *path,
                     ProviderSimHandler  handler)
{
  g_hash_table_replace (sim->handlers, g_strdup (path), handler);
}

/* The authorisation endpoint ------------------------------------------------------------- */

ProviderSimGrant *
provider_sim_grant_new (ProviderSim *sim,
                        const char  *scope,
                        gboolean     offline,
                        GHashTable  *query)
{
  ProviderSimGrant *grant = g_new0 (ProviderSimGrant, 1);
  GHashTableIter iter;
  gpointer key, value;

  grant->scope = g_strdup (scope != NULL ? scope : "");
  grant->offline = offline;
  grant->request = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (query != NULL)
    {
      g_hash_table_iter_init (&iter, query);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (grant->request, g_strdup (key), g_strdup (value));
    }
  g_ptr_array_add (sim->grants, grant);
  return grant;
}

GHashTable *
provider_sim_query (SoupServerMessage *msg)
{
  const char *query = g_uri_get_query (soup_server_message_get_uri (msg));

  return query != NULL ? soup_form_decode (query) : g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static void
reply_page (SoupServerMessage *msg,
            guint              status,
            const char        *title,
            const char        *body_html)
{
  g_autofree char *escaped_title = g_markup_escape_text (title, -1);
  g_autofree char *page = g_strdup_printf ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                                           "<title>%s</title></head>\n<body><h1>%s</h1>\n%s\n</body></html>\n",
                                           escaped_title, escaped_title, body_html);

  provider_sim_reply (msg, status, "text/html; charset=utf-8", page);
}

void
provider_sim_error_page (SoupServerMessage *msg,
                         guint              status,
                         const char        *title,
                         const char        *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  g_autofree char *body = g_strdup_printf ("<p id=\"error\">%s</p>", escaped);

  reply_page (msg, status, title, body);
}

static void
redirect_with (SoupServerMessage *msg,
               const char        *redirect_uri,
               const char        *parameters)
{
  g_autofree char *location = g_strconcat (redirect_uri, strchr (redirect_uri, '?') != NULL ? "&" : "?",
                                           parameters, NULL);

  soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, location);
}

void
provider_sim_redirect_error (SoupServerMessage *msg,
                             const char        *redirect_uri,
                             const char        *state,
                             const char        *error,
                             const char        *description)
{
  g_autoptr(GString) parameters = g_string_new (NULL);
  g_autofree char *encoded = NULL;

  encoded = soup_form_encode ("error", error, NULL);
  g_string_append (parameters, encoded);
  if (description != NULL)
    {
      g_autofree char *part = soup_form_encode ("error_description", description, NULL);

      g_string_append_printf (parameters, "&%s", part);
    }
  if (state != NULL)
    {
      g_autofree char *part = soup_form_encode ("state", state, NULL);

      g_string_append_printf (parameters, "&%s", part);
    }
  redirect_with (msg, redirect_uri, parameters->str);
}

void
provider_sim_show_consent (ProviderSim       *sim,
                           SoupServerMessage *msg,
                           ProviderSimGrant  *grant,
                           const char        *redirect_uri,
                           const char        *state,
                           const char        *code_challenge,
                           const char        *code_challenge_method,
                           const char        *extra)
{
  Pending *pending = g_new0 (Pending, 1);
  g_autofree char *request_id = random_token ("req-");
  g_autofree char *client = g_markup_escape_text (sim->client_id, -1);
  g_autofree char *scope = g_markup_escape_text (grant->scope, -1);
  g_autofree char *title = g_strdup_printf ("%s: authorize access", sim->name);
  g_autofree char *body = NULL;

  pending->grant = grant;
  pending->redirect_uri = g_strdup (redirect_uri);
  pending->state = g_strdup (state);
  pending->code_challenge = g_strdup (code_challenge);
  pending->code_challenge_method = g_strdup (code_challenge_method);
  pending->extra = g_strdup (extra);
  g_hash_table_insert (sim->pending, g_strdup (request_id), pending);

  body = g_strdup_printf ("<p>The application <b>%s</b> asks for: <span id=\"scope\">%s</span></p>\n"
                          "<form method=\"post\" action=\"%s\">\n"
                          "<input type=\"hidden\" name=\"request\" value=\"%s\">\n"
                          "<button id=\"allow\" type=\"submit\" name=\"decision\" value=\"allow\">Allow</button>\n"
                          "<button id=\"deny\" type=\"submit\" name=\"decision\" value=\"deny\">Deny</button>\n"
                          "</form>",
                          client, scope, CONSENT_PATH, request_id);
  reply_page (msg, SOUP_STATUS_OK, title, body);
}

static void
on_consent (ProviderSim       *sim,
            SoupServerMessage *msg,
            const char        *path)
{
  g_autoptr(GHashTable) form = provider_sim_form_body (msg);
  const char *request_id = form != NULL ? g_hash_table_lookup (form, "request") : NULL;
  const char *decision = form != NULL ? g_hash_table_lookup (form, "decision") : NULL;
  Pending *pending;
  g_autoptr(GString) parameters = NULL;
  g_autofree char *value = NULL;
  g_autofree char *encoded = NULL;
  Code *code;

  (void) path;
  if (request_id == NULL || (pending = g_hash_table_lookup (sim->pending, request_id)) == NULL)
    {
      provider_sim_error_page (msg, SOUP_STATUS_BAD_REQUEST, "Error", "This authorization request has expired.");
      return;
    }
  if (g_strcmp0 (decision, "allow") != 0)
    {
      provider_sim_redirect_error (msg, pending->redirect_uri, pending->state, "access_denied",
                                   "The user denied the request.");
      g_hash_table_remove (sim->pending, request_id);
      return;
    }

  value = random_token ("code-");
  code = g_new0 (Code, 1);
  code->code.grant = pending->grant;
  code->code.redirect_uri = g_strdup (pending->redirect_uri);
  code->code.code_challenge = g_strdup (pending->code_challenge);
  code->code.code_challenge_method = g_strdup (pending->code_challenge_method);
  code->redeemed = sim->spoil_next_code;
  sim->spoil_next_code = FALSE;
  g_hash_table_insert (sim->codes, g_strdup (value), code);

  parameters = g_string_new (NULL);
  encoded = soup_form_encode ("code", value, NULL);
  g_string_append (parameters, encoded);
  if (pending->state != NULL)
    {
      g_autofree char *part = soup_form_encode ("state", pending->state, NULL);

      g_string_append_printf (parameters, "&%s", part);
    }
  if (pending->extra != NULL)
    g_string_append_printf (parameters, "&%s", pending->extra);
  redirect_with (msg, pending->redirect_uri, parameters->str);
  g_hash_table_remove (sim->pending, request_id);
}

/* The token endpoint --------------------------------------------------------------------- */

static gboolean
content_type_is (SoupServerMessage *msg,
                 const char        *type)
{
  const char *content_type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg), NULL);

  return content_type != NULL && g_ascii_strcasecmp (content_type, type) == 0;
}

static GBytes *
request_body (SoupServerMessage *msg)
{
  return soup_message_body_flatten (soup_server_message_get_request_body (msg));
}

GHashTable *
provider_sim_form_body (SoupServerMessage *msg)
{
  g_autoptr(GBytes) body = NULL;
  g_autofree char *text = NULL;

  if (!content_type_is (msg, "application/x-www-form-urlencoded"))
    return NULL;
  body = request_body (msg);
  text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  return soup_form_decode (text);
}

JsonObject *
provider_sim_json_body (SoupServerMessage *msg)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  if (!content_type_is (msg, "application/json"))
    return NULL;
  body = request_body (msg);
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

gboolean
provider_sim_basic_auth (SoupServerMessage  *msg,
                         char              **client_id,
                         char              **client_secret)
{
  const char *header = provider_sim_header (msg, "Authorization");
  g_autofree guchar *decoded = NULL;
  g_autofree char *text = NULL;
  gsize length = 0;
  char *colon;

  if (header == NULL || g_ascii_strncasecmp (header, "Basic ", 6) != 0)
    return FALSE;
  decoded = g_base64_decode (header + 6, &length);
  text = g_strndup ((const char *) decoded, length);
  if ((colon = strchr (text, ':')) == NULL)
    return FALSE;
  *colon = '\0';
  /* RFC 6749 §2.3.1: each part was form-urlencoded before the two were joined. */
  g_strdelimit (text, "+", ' ');
  g_strdelimit (colon + 1, "+", ' ');
  *client_id = g_uri_unescape_string (text, NULL);
  *client_secret = g_uri_unescape_string (colon + 1, NULL);
  return *client_id != NULL && *client_secret != NULL;
}

void
provider_sim_basic_or_body_client (SoupServerMessage  *msg,
                                   GHashTable         *form,
                                   char              **client_id,
                                   char              **client_secret)
{
  if (provider_sim_basic_auth (msg, client_id, client_secret))
    return;
  *client_id = g_strdup (form != NULL ? g_hash_table_lookup (form, "client_id") : NULL);
  *client_secret = g_strdup (form != NULL ? g_hash_table_lookup (form, "client_secret") : NULL);
}

gboolean
provider_sim_client_is (ProviderSim *sim,
                        const char  *client_id,
                        const char  *client_secret)
{
  return client_id != NULL && client_secret != NULL &&
         g_str_equal (client_id, sim->client_id) &&
         equal_constant_time (client_secret, sim->client_secret);
}

ProviderSimState
provider_sim_redeem_code (ProviderSim            *sim,
                          const char             *code,
                          const ProviderSimCode **out)
{
  Code *found = code != NULL ? g_hash_table_lookup (sim->codes, code) : NULL;

  if (found == NULL)
    return PROVIDER_SIM_UNKNOWN;
  if (found->redeemed)
    return PROVIDER_SIM_USED;
  found->redeemed = TRUE;
  *out = &found->code;
  return PROVIDER_SIM_VALID;
}

gboolean
provider_sim_pkce_ok (const ProviderSimCode *code,
                      const char            *verifier)
{
  g_autoptr(GChecksum) checksum = NULL;
  guint8 digest[32];
  gsize digest_length = sizeof digest;
  g_autofree char *computed = NULL;
  gsize length;

  if (code->code_challenge == NULL)
    return verifier == NULL;
  if (verifier == NULL)
    return FALSE;
  /* RFC 7636 §4.1: 43 to 128 unreserved characters. */
  length = strlen (verifier);
  if (length < 43 || length > 128 || strspn (verifier, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~") != length)
    return FALSE;
  if (g_strcmp0 (code->code_challenge_method, "S256") != 0)
    return equal_constant_time (verifier, code->code_challenge);

  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, (const guchar *) verifier, -1);
  g_checksum_get_digest (checksum, digest, &digest_length);
  computed = g_base64_encode (digest, digest_length);
  g_strdelimit (computed, "+", '-');
  g_strdelimit (computed, "/", '_');
  if (strchr (computed, '=') != NULL)
    *strchr (computed, '=') = '\0';
  return equal_constant_time (computed, code->code_challenge);
}

static const char *
issue (GHashTable       *table,
       const char       *prefix,
       ProviderSimGrant *grant)
{
  char *value = random_token (prefix);
  Token *token = g_new0 (Token, 1);

  token->grant = grant;
  token->state = PROVIDER_SIM_VALID;
  g_hash_table_insert (table, value, token);
  return value;
}

const char *
provider_sim_issue_access_token (ProviderSim      *sim,
                                 ProviderSimGrant *grant,
                                 const char       *prefix)
{
  return issue (sim->access_tokens, prefix, grant);
}

const char *
provider_sim_issue_refresh_token (ProviderSim      *sim,
                                  ProviderSimGrant *grant,
                                  const char       *prefix)
{
  return issue (sim->refresh_tokens, prefix, grant);
}

ProviderSimState
provider_sim_use_refresh_token (ProviderSim       *sim,
                                const char        *refresh_token,
                                gboolean           rotate,
                                ProviderSimGrant **grant)
{
  Token *token = refresh_token != NULL ? g_hash_table_lookup (sim->refresh_tokens, refresh_token) : NULL;

  if (token == NULL)
    return PROVIDER_SIM_UNKNOWN;
  if (token->state != PROVIDER_SIM_VALID)
    return token->state;
  if (rotate)
    token->state = PROVIDER_SIM_USED;
  *grant = token->grant;
  return PROVIDER_SIM_VALID;
}

void
provider_sim_revoke_grant_access_tokens (ProviderSim      *sim,
                                         ProviderSimGrant *grant)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, sim->access_tokens);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Token *) value)->grant == grant && ((Token *) value)->state == PROVIDER_SIM_VALID)
      ((Token *) value)->state = PROVIDER_SIM_REVOKED;
}

/* The API ------------------------------------------------------------------------------- */

ProviderSimState
provider_sim_check_token (ProviderSim        *sim,
                          SoupServerMessage  *msg,
                          const char         *other_scheme,
                          ProviderSimGrant  **grant)
{
  const char *header = provider_sim_header (msg, "Authorization");
  const char *value = NULL;
  Token *token;

  if (header == NULL)
    return PROVIDER_SIM_UNKNOWN;
  if (g_ascii_strncasecmp (header, "Bearer ", 7) == 0)
    value = header + 7;
  else if (other_scheme != NULL && g_ascii_strncasecmp (header, other_scheme, strlen (other_scheme)) == 0 &&
           header[strlen (other_scheme)] == ' ')
    value = header + strlen (other_scheme) + 1;
  if (value == NULL || (token = g_hash_table_lookup (sim->access_tokens, value)) == NULL)
    return PROVIDER_SIM_UNKNOWN;
  if (token->state != PROVIDER_SIM_VALID)
    return token->state;
  if (token->expired)
    return PROVIDER_SIM_EXPIRED;
  if (grant != NULL)
    *grant = token->grant;
  return PROVIDER_SIM_VALID;
}

/* Replies ------------------------------------------------------------------------------- */

void
provider_sim_reply (SoupServerMessage *msg,
                    guint              status,
                    const char        *content_type,
                    const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  /* RFC 6749 §5.1: token replies are never cached; harmless on the others. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Cache-Control", "no-store");
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, body, strlen (body));
}

void
provider_sim_reply_json (SoupServerMessage *msg,
                         guint              status,
                         const char        *format,
                         ...)
{
  va_list args;
  g_autofree char *body = NULL;

  va_start (args, format);
  body = g_strdup_vprintf (format, args);
  va_end (args);
  provider_sim_reply (msg, status, "application/json; charset=utf-8", body);
}

const char *
provider_sim_param (GHashTable *form,
                    JsonObject *object,
                    const char *key)
{
  JsonNode *node;

  if (form != NULL)
    return g_hash_table_lookup (form, key);
  if (object != NULL && (node = json_object_get_member (object, key)) != NULL &&
      JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

const char *
provider_sim_header (SoupServerMessage *msg,
                     const char        *name)
{
  return soup_message_headers_get_one (soup_server_message_get_request_headers (msg), name);
}

gboolean
provider_sim_note (ProviderSim *sim,
                   const char  *fact)
{
  return !g_hash_table_add (sim->facts, g_strdup (fact));
}

/* Knobs --------------------------------------------------------------------------------- */

static void
set_all (GHashTable       *table,
         ProviderSimState  state,
         gboolean          expired)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Token *token = value;

      if (expired)
        token->expired = TRUE;
      else if (token->state == PROVIDER_SIM_VALID)
        token->state = state;
    }
}

void
provider_sim_expire_access_tokens (ProviderSim *sim)
{
  set_all (sim->access_tokens, PROVIDER_SIM_VALID, TRUE);
}

void
provider_sim_revoke_access_tokens (ProviderSim *sim)
{
  set_all (sim->access_tokens, PROVIDER_SIM_REVOKED, FALSE);
}

void
provider_sim_revoke_refresh_tokens (ProviderSim *sim)
{
  set_all (sim->refresh_tokens, PROVIDER_SIM_REVOKED, FALSE);
  g_hash_table_remove_all (sim->facts);
}

void
provider_sim_spoil_next_code (ProviderSim *sim)
{
  sim->spoil_next_code = TRUE;
}

void
provider_sim_break_next_request (ProviderSim *sim,
                                 guint        status,
                                 const char  *content_type,
                                 const char  *body)
{
  sim->break_status = status;
  g_free (sim->break_content_type);
  sim->break_content_type = g_strdup (content_type);
  g_free (sim->break_body);
  sim->break_body = g_strdup (body);
}

/* What happened ------------------------------------------------------------------------- */

guint
provider_sim_count_requests (ProviderSim *sim,
                             const char  *path_prefix)
{
  guint n = 0;

  for (guint i = 0; i < sim->paths->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (sim->paths, i), path_prefix))
      n++;
  return n;
}

ProviderSimState
provider_sim_refresh_token_state (ProviderSim *sim,
                                  const char  *refresh_token)
{
  Token *token = g_hash_table_lookup (sim->refresh_tokens, refresh_token);

  return token != NULL ? token->state : PROVIDER_SIM_UNKNOWN;
}

guint
provider_sim_count_refresh_tokens (ProviderSim *sim)
{
  return g_hash_table_size (sim->refresh_tokens);
}
