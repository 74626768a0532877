/* flows-sandbox-provider.c — a small OAuth 2.0 authorization server on loopback
 *
 * Everything lives in four tables: authorization requests waiting for the user (keyed by a
 * random id that the pages carry in a hidden field), authorization codes, access tokens and
 * refresh tokens. Tokens carry the number of the grant (one code exchange) they descend from,
 * so that a replayed code can revoke all of them.
 *
 * The pages are for people and are translated; the protocol's own words (error codes, the
 * error_description of JSON and redirects) are not, as RFC 6749 §5.2 limits them to ASCII and
 * clients show them as the provider's words.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "flows-sandbox-provider.h"

#define REALM "Flows Studio Sandbox"
#define USER_DISPLAY_NAME "Demo User"
#define USER_EMAIL "demo@example.invalid"
#define DEFAULT_SCOPE "profile"
/* 256 bits per token or code. */
#define TOKEN_BYTES 32
#define CODE_LIFETIME (60 * G_USEC_PER_SEC)
/* How long the user has to get through the sign-in and consent pages. */
#define AUTHORIZATION_LIFETIME (10 * 60 * G_USEC_PER_SEC)
/* An expired access token is remembered this long, so that /userinfo can say "expired". */
#define EXPIRED_TOKEN_MEMORY (10 * 60 * G_USEC_PER_SEC)
/* RFC 7636 §4.2: BASE64URL of a SHA-256 digest. */
#define CODE_CHALLENGE_LENGTH 43

G_DEFINE_ENUM_TYPE (FlowsSandboxFault, flows_sandbox_fault,
  G_DEFINE_ENUM_VALUE (FLOWS_SANDBOX_FAULT_NONE, "none"),
  G_DEFINE_ENUM_VALUE (FLOWS_SANDBOX_FAULT_ACCESS_DENIED, "access-denied"),
  G_DEFINE_ENUM_VALUE (FLOWS_SANDBOX_FAULT_WRONG_STATE, "wrong-state"),
  G_DEFINE_ENUM_VALUE (FLOWS_SANDBOX_FAULT_MISSING_CODE, "missing-code"),
  G_DEFINE_ENUM_VALUE (FLOWS_SANDBOX_FAULT_TOKEN_SERVER_ERROR, "token-server-error"),
  G_DEFINE_ENUM_VALUE (FLOWS_SANDBOX_FAULT_TOKEN_HTML, "token-html"),
  G_DEFINE_ENUM_VALUE (FLOWS_SANDBOX_FAULT_EXPIRES_IN_STRING, "expires-in-string"),
  G_DEFINE_ENUM_VALUE (FLOWS_SANDBOX_FAULT_SPECIAL_CHARACTER_CODES, "special-character-codes"),
  G_DEFINE_ENUM_VALUE (FLOWS_SANDBOX_FAULT_INVALID_GRANT_ON_REFRESH, "invalid-grant-on-refresh"))

/* Between GET /authorize and the redirect back to the client. */
typedef struct {
  char     *redirect_uri;
  char     *scope;
  char     *state;          /* NULL when the client sent none */
  char     *code_challenge;
  gint64    expires_at;     /* monotonic */
  gboolean  signed_in;
} Authorization;

typedef struct {
  char    *redirect_uri;
  char    *scope;
  char    *code_challenge;
  gint64   expires_at;      /* monotonic */
  guint64  grant;           /* 0 until the first exchange attempt uses the code up */
} Code;

typedef struct {
  guint64  grant;
  char    *scope;
  gint64   expires_at;      /* monotonic */
} AccessToken;

typedef struct {
  guint64  grant;
  char    *scope;
} RefreshToken;

/* A /token request waiting out the token-delay. */
typedef struct {
  FlowsSandboxProvider *self;
  SoupServerMessage    *msg;
  GHashTable           *form;
  GSource              *timeout;
} DelayedRequest;

struct _FlowsSandboxProvider
{
  GObject            parent_instance;

  SoupServer        *server;
  guint              port;

  GHashTable        *authorizations;  /* id → Authorization */
  GHashTable        *codes;           /* code → Code */
  GHashTable        *access_tokens;   /* token → AccessToken */
  GHashTable        *refresh_tokens;  /* token → RefreshToken */
  GPtrArray         *delayed;         /* of DelayedRequest */
  guint64            last_grant;

  guint              n_authorize;
  guint              n_token;
  guint              n_refresh;
  guint              n_userinfo;

  FlowsSandboxFault  fault;
  guint              access_token_lifetime;
  guint              token_delay;
  guint              auto_consent : 1;
  guint              rotate_refresh_tokens : 1;
};

G_DEFINE_FINAL_TYPE (FlowsSandboxProvider, flows_sandbox_provider, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_AUTO_CONSENT,
  PROP_ROTATE_REFRESH_TOKENS,
  PROP_ACCESS_TOKEN_LIFETIME,
  PROP_TOKEN_DELAY,
  PROP_FAULT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
authorization_free (Authorization *authorization)
{
  g_free (authorization->redirect_uri);
  g_free (authorization->scope);
  g_free (authorization->state);
  g_free (authorization->code_challenge);
  g_free (authorization);
}

static void
code_free (Code *code)
{
  g_free (code->redirect_uri);
  g_free (code->scope);
  g_free (code->code_challenge);
  g_free (code);
}

static void
access_token_free (AccessToken *token)
{
  g_free (token->scope);
  g_free (token);
}

static void
refresh_token_free (RefreshToken *token)
{
  g_free (token->scope);
  g_free (token);
}

static void
delayed_request_free (DelayedRequest *request)
{
  g_source_destroy (request->timeout);
  g_source_unref (request->timeout);
  g_clear_object (&request->msg);
  g_clear_pointer (&request->form, g_hash_table_unref);
  g_free (request);
}

/* Random values */

static gboolean
fill_random (guint8  *buffer,
             gsize    length,
             GError **error)
{
  gsize filled = 0;

  while (filled < length)
    {
      gssize n = getrandom (buffer + filled, length - filled, 0);

      if (n < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR)
            continue;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("The system’s random number source failed: %s"), g_strerror (saved_errno));
          return FALSE;
        }
      filled += n;
    }
  return TRUE;
}

static void
fill_random_or_abort (guint8 *buffer,
                      gsize   length)
{
  g_autoptr(GError) error = NULL;

  /* start() has seen getrandom() work. If it fails later, no token may be issued at all: a
   * guessable one would be worse than no sandbox. */
  if (!fill_random (buffer, length, &error))
    g_error ("%s", error->message);
}

static char *
base64url_encode (const guint8 *data,
                  gsize         length)
{
  char *text = g_base64_encode (data, length);

  for (char *p = text; *p != '\0'; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
      else if (*p == '=')
        {
          *p = '\0';
          break;
        }
    }
  return text;
}

static char *
random_token (void)
{
  guint8 bytes[TOKEN_BYTES];

  fill_random_or_abort (bytes, sizeof bytes);
  return base64url_encode (bytes, sizeof bytes);
}

/* For FLOWS_SANDBOX_FAULT_SPECIAL_CHARACTER_CODES: standard base64 halves joined by "+/", so
 * that '+', '/' and '=' all appear, in the middle and at the end, wherever a client might cut. */
static char *
special_character_code (void)
{
  guint8 bytes[TOKEN_BYTES];
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  fill_random_or_abort (bytes, sizeof bytes);
  first = g_base64_encode (bytes, TOKEN_BYTES / 2);
  second = g_base64_encode (bytes + TOKEN_BYTES / 2, TOKEN_BYTES / 2);
  return g_strconcat (first, "+/", second, NULL);
}

/* Takes time that depends on the lengths only, not on where the strings differ. */
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

/* RFC 7636 §4.1 and §4.6. */
static gboolean
is_valid_code_verifier (const char *verifier)
{
  gsize length = strlen (verifier);

  if (length < 43 || length > 128)
    return FALSE;
  for (const char *p = verifier; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("-._~", *p) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
is_valid_code_challenge (const char *challenge)
{
  if (strlen (challenge) != CODE_CHALLENGE_LENGTH)
    return FALSE;
  for (const char *p = challenge; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

static gboolean
verifier_matches_challenge (const char *verifier,
                            const char *challenge)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize digest_length = sizeof digest;
  g_autofree char *computed = NULL;

  g_checksum_update (checksum, (const guchar *)verifier, -1);
  g_checksum_get_digest (checksum, digest, &digest_length);
  computed = base64url_encode (digest, digest_length);
  return equal_constant_time (computed, challenge);
}

/* RFC 8252 §7.3: native apps receive the redirect on a loopback http port of their choosing. A
 * fragment is not allowed (RFC 6749 §3.1.2), nor user information, which could fool a reader. */
static gboolean
is_loopback_redirect_uri (const char *uri)
{
  g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_NONE, NULL);
  const char *host;

  if (parsed == NULL ||
      g_strcmp0 (g_uri_get_scheme (parsed), "http") != 0 ||
      g_uri_get_fragment (parsed) != NULL ||
      g_uri_get_userinfo (parsed) != NULL ||
      (host = g_uri_get_host (parsed)) == NULL)
    return FALSE;

  return g_str_equal (host, "127.0.0.1") || g_str_equal (host, "::1") ||
         g_ascii_strcasecmp (host, "localhost") == 0;
}

/* TRUE when every scope of @requested was granted in @granted. */
static gboolean
scope_is_subset (const char *requested,
                 const char *granted)
{
  g_auto(GStrv) requested_scopes = g_strsplit (requested, " ", -1);
  g_auto(GStrv) granted_scopes = g_strsplit (granted, " ", -1);

  for (guint i = 0; requested_scopes[i] != NULL; i++)
    if (*requested_scopes[i] != '\0' &&
        !g_strv_contains ((const char * const *)granted_scopes, requested_scopes[i]))
      return FALSE;
  return TRUE;
}

static const char *
lookup (GHashTable *table,
        const char *key)
{
  return table != NULL ? g_hash_table_lookup (table, key) : NULL;
}

/* Responses */

static void
set_no_store (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "Pragma", "no-cache");
}

static void
respond_json (SoupServerMessage *msg,
              guint              status,
              JsonBuilder       *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  char *text = json_to_string (root, TRUE);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text, strlen (text));
}

/* An RFC 6749 §5.2 error from /token. */
static void
respond_token_error (SoupServerMessage *msg,
                     guint              status,
                     const char        *error,
                     const char        *description)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, error);
  json_builder_set_member_name (builder, "error_description");
  json_builder_add_string_value (builder, description);
  json_builder_end_object (builder);

  /* A 401 must say how to authenticate (RFC 7235 §3.1). */
  if (status == SOUP_STATUS_UNAUTHORIZED)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "WWW-Authenticate", "Basic realm=\"" REALM "\"");
  respond_json (msg, status, builder);
}

static const char page_style[] =
  ":root{color-scheme:light dark;--accent:#3584e4}"
  "*{box-sizing:border-box}"
  "body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;"
  "padding:24px;background:#f6f5f4;color:#241f31;"
  "font:15px/1.5 system-ui,-apple-system,Cantarell,'Segoe UI',Roboto,sans-serif}"
  ".card{width:100%;max-width:380px;padding:32px;background:#fff;border-radius:14px;"
  "box-shadow:0 1px 3px rgba(0,0,0,.1),0 10px 30px rgba(0,0,0,.08)}"
  ".brand{margin:0 0 20px;color:var(--accent);font-weight:700;font-size:13px;"
  "letter-spacing:.04em;text-transform:uppercase}"
  "h1{margin:0 0 6px;font-size:24px;line-height:1.25}"
  ".subtitle{margin:0 0 20px;color:#5e5c64}"
  "label{display:block;margin:16px 0 6px;font-weight:600;font-size:14px}"
  "input{width:100%;padding:10px 12px;font:inherit;color:inherit;background:transparent;"
  "border:1px solid #c0bfbc;border-radius:8px}"
  "input:focus{outline:2px solid var(--accent);outline-offset:-1px;border-color:var(--accent)}"
  "button{flex:1;width:100%;padding:11px 16px;font:inherit;font-weight:600;border:0;"
  "border-radius:8px;cursor:pointer}"
  ".primary{background:var(--accent);color:#fff}"
  ".primary:hover{filter:brightness(1.08)}"
  ".secondary{background:rgba(0,0,0,.08);color:inherit}"
  ".secondary:hover{background:rgba(0,0,0,.12)}"
  ".actions{display:flex;gap:12px;margin-top:24px}"
  ".error{margin:0 0 4px;padding:10px 12px;border-radius:8px;background:rgba(224,27,36,.1);"
  "color:#c01c28}"
  ".scopes{margin:0;padding:0;list-style:none;border-top:1px solid rgba(0,0,0,.1)}"
  ".scopes li{padding:10px 0;border-bottom:1px solid rgba(0,0,0,.1)}"
  ".scopes code{display:block;color:#5e5c64;font-size:13px}"
  ".hint{margin:20px 0 0;color:#5e5c64;font-size:13px;text-align:center}"
  "@media (prefers-color-scheme:dark){"
  "body{background:#1e1e1e;color:#fff}.card{background:#2e2e32;box-shadow:none}"
  ".subtitle,.hint,.scopes code{color:#c0bfbc}input{border-color:#5e5c64}"
  ".secondary{background:rgba(255,255,255,.1)}.error{color:#ff7b63}"
  ".scopes,.scopes li{border-color:rgba(255,255,255,.1)}}";

/* A page of the sandbox: @heading and @subtitle are plain text, @content is markup. */
static void
respond_page (SoupServerMessage *msg,
              guint              status,
              const char        *heading,
              const char        *subtitle,
              const char        *content)
{
  g_autofree char *title = g_markup_escape_text (_("Flows Studio Sandbox"), -1);
  g_autofree char *escaped_heading = g_markup_escape_text (heading, -1);
  g_autofree char *escaped_subtitle = g_markup_escape_text (subtitle, -1);
  char *page;

  page = g_strdup_printf ("<!DOCTYPE html>\n"
                          "<html><head><meta charset=\"utf-8\">"
                          "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
                          "<title>%s</title><style>%s</style></head>\n"
                          "<body><main class=\"card\">"
                          "<p class=\"brand\">%s</p><h1>%s</h1><p class=\"subtitle\">%s</p>\n"
                          "%s</main></body></html>\n",
                          title, page_style, title, escaped_heading, escaped_subtitle, content);

  soup_server_message_set_status (msg, status, NULL);
  set_no_store (msg);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_TAKE, page, strlen (page));
}

/* For a request that cannot be sent back to its client (RFC 6749 §4.1.2.1): the user is told,
 * and nothing goes to a redirect URI that may not be the client's. */
static void
respond_error_page (SoupServerMessage *msg,
                    const char        *reason)
{
  g_autofree char *escaped_reason = g_markup_escape_text (reason, -1);
  g_autofree char *content = NULL;

  content = g_strdup_printf ("<p class=\"error\" role=\"alert\">%s</p>"
                             "<p class=\"hint\">%s</p>",
                             escaped_reason,
                             _("Check the client ID and redirect URL of the App, then sign in again from Flows Studio."));
  respond_page (msg, SOUP_STATUS_BAD_REQUEST, _("This sign-in request cannot continue"),
                _("Nothing was sent back to the application."), content);
}

static void
append_form_encoded (GString    *query,
                     const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isalnum (*p) || strchr ("-._~", *p) != NULL)
        g_string_append_c (query, *p);
      else if (*p == ' ')
        g_string_append_c (query, '+');
      else
        g_string_append_printf (query, "%%%02X", (guchar)*p);
    }
}

/* Redirects to @redirect_uri with the name/value pairs that follow, up to a NULL name; a pair
 * with a NULL value is left out. RFC 6749 §4.1.2 asks for the query to be
 * application/x-www-form-urlencoded and keeps any query the redirect URI already has. */
static void
redirect_to_client (SoupServerMessage *msg,
                    const char        *redirect_uri,
                    ...)
{
  g_autoptr(GString) location = g_string_new (redirect_uri);
  const char *name;
  gboolean first = TRUE;
  va_list args;

  va_start (args, redirect_uri);
  while ((name = va_arg (args, const char *)) != NULL)
    {
      const char *value = va_arg (args, const char *);

      if (value == NULL)
        continue;
      if (first && strchr (redirect_uri, '?') == NULL)
        g_string_append_c (location, '?');
      else if (location->str[location->len - 1] != '?' && location->str[location->len - 1] != '&')
        g_string_append_c (location, '&');
      first = FALSE;

      append_form_encoded (location, name);
      g_string_append_c (location, '=');
      append_form_encoded (location, value);
    }
  va_end (args);

  set_no_store (msg);
  soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, location->str);
}

static void
respond_login_page (SoupServerMessage *msg,
                    const char        *request_id,
                    const char        *user_name,
                    const char        *error)
{
  g_autoptr(GString) content = g_string_new (NULL);
  g_autofree char *escaped_id = g_markup_escape_text (request_id, -1);
  g_autofree char *escaped_user = g_markup_escape_text (user_name != NULL ? user_name : "", -1);
  g_autofree char *subtitle = g_strdup_printf (_("Sign in to continue to %s."), FLOWS_SANDBOX_CLIENT_ID);
  g_autofree char *hint_format = NULL;
  g_autofree char *hint = NULL;

  g_string_append_printf (content,
                          "<form method=\"post\" action=\"%s/login\">"
                          "<input type=\"hidden\" name=\"request\" value=\"%s\">",
                          FLOWS_SANDBOX_AUTHORIZE_PATH, escaped_id);
  if (error != NULL)
    {
      g_autofree char *escaped_error = g_markup_escape_text (error, -1);
      g_string_append_printf (content, "<p class=\"error\" role=\"alert\">%s</p>", escaped_error);
    }
  g_string_append_printf (content,
                          "<label for=\"username\">%s</label>"
                          "<input id=\"username\" name=\"username\" type=\"text\" value=\"%s\" "
                          "autocomplete=\"username\" autocapitalize=\"none\" spellcheck=\"false\" required%s>"
                          "<label for=\"password\">%s</label>"
                          "<input id=\"password\" name=\"password\" type=\"password\" "
                          "autocomplete=\"current-password\" required%s>"
                          "<div class=\"actions\"><button id=\"sign-in\" class=\"primary\" type=\"submit\">%s</button></div>"
                          "</form>",
                          /* After a failed attempt the user name is kept: the password is what to retype. */
                          _("User name"), escaped_user, user_name != NULL ? "" : " autofocus",
                          _("Password"), user_name != NULL ? " autofocus" : "", _("Sign In"));

  /* Translators: the two placeholders are the demo user name and password, in bold. */
  hint_format = g_markup_escape_text (_("This test server runs on your computer. Sign in as %s with the password %s."), -1);
  hint = g_strdup_printf (hint_format, "<b>" FLOWS_SANDBOX_USER_NAME "</b>", "<b>" FLOWS_SANDBOX_PASSWORD "</b>");
  g_string_append_printf (content, "<p class=\"hint\">%s</p>", hint);

  respond_page (msg, SOUP_STATUS_OK, _("Sign in"), subtitle, content->str);
}

static const char *
describe_scope (const char *scope)
{
  static const struct {
    const char *scope;
    const char *description;
  } known[] = {
    { "openid", N_("Confirm who you are") },
    { "profile", N_("See your name") },
    { "email", N_("See your email address") },
    { "offline_access", N_("Keep access while you are away") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (g_str_equal (scope, known[i].scope))
      return _(known[i].description);
  return _("Use a permission of the App");
}

static void
respond_consent_page (SoupServerMessage *msg,
                      const char        *request_id,
                      Authorization     *authorization)
{
  g_autoptr(GString) content = g_string_new ("<ul class=\"scopes\">");
  g_auto(GStrv) scopes = g_strsplit (authorization->scope, " ", -1);
  g_autofree char *escaped_id = g_markup_escape_text (request_id, -1);
  g_autoptr(GUri) redirect = g_uri_parse (authorization->redirect_uri, G_URI_FLAGS_NONE, NULL);
  g_autofree char *destination = NULL;
  g_autofree char *hint = NULL;
  g_autofree char *escaped_hint = NULL;
  g_autofree char *subtitle = NULL;

  for (guint i = 0; scopes[i] != NULL; i++)
    {
      g_autofree char *escaped_scope = NULL;
      g_autofree char *escaped_description = NULL;

      if (*scopes[i] == '\0')
        continue;
      escaped_scope = g_markup_escape_text (scopes[i], -1);
      escaped_description = g_markup_escape_text (describe_scope (scopes[i]), -1);
      g_string_append_printf (content, "<li>%s<code>%s</code></li>", escaped_description, escaped_scope);
    }
  g_string_append (content, "</ul>");

  g_string_append_printf (content,
                          "<form method=\"post\" action=\"%s/consent\">"
                          "<input type=\"hidden\" name=\"request\" value=\"%s\">"
                          "<div class=\"actions\">"
                          "<button id=\"deny\" class=\"secondary\" type=\"submit\" name=\"decision\" value=\"deny\">%s</button>"
                          "<button id=\"allow\" class=\"primary\" type=\"submit\" name=\"decision\" value=\"allow\" autofocus>%s</button>"
                          "</div></form>",
                          FLOWS_SANDBOX_AUTHORIZE_PATH, escaped_id, _("Deny"), _("Allow"));

  /* The redirect URI was checked to be a loopback http URL, so it parses and has a host. */
  destination = g_uri_join (G_URI_FLAGS_NONE, "http", NULL, g_uri_get_host (redirect),
                            g_uri_get_port (redirect), "", NULL, NULL);
  hint = g_strdup_printf (_("Either way you will be sent back to %s."), destination);
  escaped_hint = g_markup_escape_text (hint, -1);
  g_string_append_printf (content, "<p class=\"hint\">%s</p>", escaped_hint);

  subtitle = g_strdup_printf (_("%s wants to use your account “%s”:"),
                              FLOWS_SANDBOX_CLIENT_ID, FLOWS_SANDBOX_USER_NAME);
  respond_page (msg, SOUP_STATUS_OK, _("Allow access?"), subtitle, content->str);
}

/* Bookkeeping */

static gboolean
authorization_expired (gpointer key,
                       gpointer value,
                       gpointer user_data)
{
  return ((Authorization *)value)->expires_at <= *(gint64 *)user_data;
}

static gboolean
code_expired (gpointer key,
              gpointer value,
              gpointer user_data)
{
  return ((Code *)value)->expires_at <= *(gint64 *)user_data;
}

static gboolean
access_token_long_expired (gpointer key,
                           gpointer value,
                           gpointer user_data)
{
  return ((AccessToken *)value)->expires_at + EXPIRED_TOKEN_MEMORY <= *(gint64 *)user_data;
}

static void
forget_expired (FlowsSandboxProvider *self)
{
  gint64 now = g_get_monotonic_time ();

  g_hash_table_foreach_remove (self->authorizations, authorization_expired, &now);
  g_hash_table_foreach_remove (self->codes, code_expired, &now);
  g_hash_table_foreach_remove (self->access_tokens, access_token_long_expired, &now);
}

static gboolean
access_token_of_grant (gpointer key,
                       gpointer value,
                       gpointer user_data)
{
  return ((AccessToken *)value)->grant == *(guint64 *)user_data;
}

static gboolean
refresh_token_of_grant (gpointer key,
                        gpointer value,
                        gpointer user_data)
{
  return ((RefreshToken *)value)->grant == *(guint64 *)user_data;
}

static void
revoke_grant (FlowsSandboxProvider *self,
              guint64               grant)
{
  g_hash_table_foreach_remove (self->access_tokens, access_token_of_grant, &grant);
  g_hash_table_foreach_remove (self->refresh_tokens, refresh_token_of_grant, &grant);
}

static char *
issue_refresh_token (FlowsSandboxProvider *self,
                     guint64               grant,
                     const char           *scope)
{
  RefreshToken *token = g_new0 (RefreshToken, 1);
  char *value = random_token ();

  token->grant = grant;
  token->scope = g_strdup (scope);
  g_hash_table_insert (self->refresh_tokens, g_strdup (value), token);
  return value;
}

/* Answers /token with a new access token, and @refresh_token when not NULL. */
static void
respond_tokens (FlowsSandboxProvider *self,
                SoupServerMessage    *msg,
                guint64               grant,
                const char           *scope,
                const char           *refresh_token)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *access_token = random_token ();
  AccessToken *token = g_new0 (AccessToken, 1);

  token->grant = grant;
  token->scope = g_strdup (scope);
  token->expires_at = g_get_monotonic_time () + (gint64)self->access_token_lifetime * G_USEC_PER_SEC;
  g_hash_table_insert (self->access_tokens, g_strdup (access_token), token);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "access_token");
  json_builder_add_string_value (builder, access_token);
  json_builder_set_member_name (builder, "token_type");
  json_builder_add_string_value (builder, "Bearer");
  json_builder_set_member_name (builder, "expires_in");
  if (self->fault == FLOWS_SANDBOX_FAULT_EXPIRES_IN_STRING)
    {
      g_autofree char *lifetime = g_strdup_printf ("%u", self->access_token_lifetime);
      json_builder_add_string_value (builder, lifetime);
    }
  else
    json_builder_add_int_value (builder, self->access_token_lifetime);
  if (refresh_token != NULL)
    {
      json_builder_set_member_name (builder, "refresh_token");
      json_builder_add_string_value (builder, refresh_token);
    }
  json_builder_set_member_name (builder, "scope");
  json_builder_add_string_value (builder, scope);
  json_builder_end_object (builder);

  respond_json (msg, SOUP_STATUS_OK, builder);
}

/* GET /authorize and its pages */

static void
send_back_denied (SoupServerMessage *msg,
                  Authorization     *authorization)
{
  redirect_to_client (msg, authorization->redirect_uri,
                      "error", "access_denied",
                      "error_description", "The user denied access",
                      "state", authorization->state,
                      NULL);
}

/* The user allowed access: back to the client with a code, unless a fault says otherwise. */
static void
send_back_allowed (FlowsSandboxProvider *self,
                   SoupServerMessage    *msg,
                   Authorization        *authorization)
{
  g_autofree char *other_state = NULL;
  Code *code;
  char *value;

  switch (self->fault)
    {
    case FLOWS_SANDBOX_FAULT_ACCESS_DENIED:
      send_back_denied (msg, authorization);
      return;
    case FLOWS_SANDBOX_FAULT_MISSING_CODE:
      redirect_to_client (msg, authorization->redirect_uri, "state", authorization->state, NULL);
      return;
    case FLOWS_SANDBOX_FAULT_WRONG_STATE:
      other_state = random_token ();
      break;
    default:
      break;
    }

  code = g_new0 (Code, 1);
  code->redirect_uri = g_strdup (authorization->redirect_uri);
  code->scope = g_strdup (authorization->scope);
  code->code_challenge = g_strdup (authorization->code_challenge);
  code->expires_at = g_get_monotonic_time () + CODE_LIFETIME;
  value = self->fault == FLOWS_SANDBOX_FAULT_SPECIAL_CHARACTER_CODES ? special_character_code () : random_token ();
  g_hash_table_insert (self->codes, value, code);

  redirect_to_client (msg, authorization->redirect_uri,
                      "code", value,
                      "state", other_state != NULL ? other_state : authorization->state,
                      NULL);
}

static void
handle_authorize (FlowsSandboxProvider *self,
                  SoupServerMessage    *msg,
                  GHashTable           *query)
{
  const char *client_id = lookup (query, "client_id");
  const char *redirect_uri = lookup (query, "redirect_uri");
  const char *response_type = lookup (query, "response_type");
  const char *scope = lookup (query, "scope");
  const char *state = lookup (query, "state");
  const char *code_challenge = lookup (query, "code_challenge");
  const char *code_challenge_method = lookup (query, "code_challenge_method");
  Authorization *authorization;
  char *request_id;

  self->n_authorize++;
  forget_expired (self);

  if (client_id == NULL)
    {
      respond_error_page (msg, _("The request has no client_id."));
      return;
    }
  if (!g_str_equal (client_id, FLOWS_SANDBOX_CLIENT_ID))
    {
      g_autofree char *reason = g_strdup_printf (_("The client ID “%s” is unknown here. The sandbox has one client: %s."),
                                                 client_id, FLOWS_SANDBOX_CLIENT_ID);
      respond_error_page (msg, reason);
      return;
    }
  if (redirect_uri == NULL)
    {
      respond_error_page (msg, _("The request has no redirect_uri."));
      return;
    }
  if (!is_loopback_redirect_uri (redirect_uri))
    {
      g_autofree char *reason = g_strdup_printf (_("The redirect URI “%s” is not allowed: it must be an http:// address on 127.0.0.1, [::1] or localhost, without a fragment."),
                                                 redirect_uri);
      respond_error_page (msg, reason);
      return;
    }

  /* The client and its redirect URI are good: from here, errors go back to the client. */
  if (g_strcmp0 (response_type, "code") != 0)
    {
      redirect_to_client (msg, redirect_uri,
                          "error", "unsupported_response_type",
                          "error_description", "The sandbox supports response_type=code only",
                          "state", state, NULL);
      return;
    }
  if (code_challenge == NULL || g_strcmp0 (code_challenge_method, "S256") != 0)
    {
      redirect_to_client (msg, redirect_uri,
                          "error", "invalid_request",
                          "error_description", "PKCE is required: send code_challenge with code_challenge_method=S256",
                          "state", state, NULL);
      return;
    }
  if (!is_valid_code_challenge (code_challenge))
    {
      redirect_to_client (msg, redirect_uri,
                          "error", "invalid_request",
                          "error_description", "code_challenge must be 43 base64url characters, the S256 of the code verifier",
                          "state", state, NULL);
      return;
    }

  authorization = g_new0 (Authorization, 1);
  authorization->redirect_uri = g_strdup (redirect_uri);
  authorization->scope = g_strdup (scope != NULL && *scope != '\0' ? scope : DEFAULT_SCOPE);
  authorization->state = g_strdup (state);
  authorization->code_challenge = g_strdup (code_challenge);
  authorization->expires_at = g_get_monotonic_time () + AUTHORIZATION_LIFETIME;

  if (self->auto_consent)
    {
      send_back_allowed (self, msg, authorization);
      authorization_free (authorization);
      return;
    }

  request_id = random_token ();
  g_hash_table_insert (self->authorizations, request_id, authorization);
  respond_login_page (msg, request_id, NULL, NULL);
}

static GHashTable *
read_form (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *content_type = soup_message_headers_get_content_type (headers, NULL);
  g_autoptr(GBytes) body = NULL;
  g_autofree char *text = NULL;

  if (content_type == NULL || g_ascii_strcasecmp (content_type, "application/x-www-form-urlencoded") != 0)
    return g_hash_table_new (g_str_hash, g_str_equal);

  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  return soup_form_decode (text);
}

/* The authorization request that a page's form refers to, or NULL after answering that it is
 * gone. */
static Authorization *
find_authorization (FlowsSandboxProvider *self,
                    SoupServerMessage    *msg,
                    GHashTable           *form)
{
  const char *request_id = lookup (form, "request");
  Authorization *authorization = NULL;

  forget_expired (self);
  if (request_id != NULL)
    authorization = g_hash_table_lookup (self->authorizations, request_id);
  if (authorization == NULL)
    respond_error_page (msg, _("This sign-in request has expired or was already answered. Start the sign-in again from Flows Studio."));
  return authorization;
}

static void
handle_login (FlowsSandboxProvider *self,
              SoupServerMessage    *msg,
              GHashTable           *query)
{
  g_autoptr(GHashTable) form = read_form (msg);
  const char *user_name = lookup (form, "username");
  const char *password = lookup (form, "password");
  Authorization *authorization;

  if (!(authorization = find_authorization (self, msg, form)))
    return;

  if (g_strcmp0 (user_name, FLOWS_SANDBOX_USER_NAME) != 0 ||
      password == NULL || !equal_constant_time (password, FLOWS_SANDBOX_PASSWORD))
    {
      respond_login_page (msg, lookup (form, "request"), user_name,
                          _("The user name or password is not right."));
      return;
    }

  authorization->signed_in = TRUE;
  respond_consent_page (msg, lookup (form, "request"), authorization);
}

static void
handle_consent (FlowsSandboxProvider *self,
                SoupServerMessage    *msg,
                GHashTable           *query)
{
  g_autoptr(GHashTable) form = read_form (msg);
  const char *request_id = lookup (form, "request");
  const char *decision = lookup (form, "decision");
  Authorization *authorization;

  if (!(authorization = find_authorization (self, msg, form)))
    return;

  /* The consent form is only shown after signing in; a post without it is not a user's answer. */
  if (!authorization->signed_in)
    {
      respond_error_page (msg, _("Sign in before answering the consent page."));
      return;
    }

  if (g_strcmp0 (decision, "allow") == 0)
    send_back_allowed (self, msg, authorization);
  else if (g_strcmp0 (decision, "deny") == 0)
    send_back_denied (msg, authorization);
  else
    {
      respond_error_page (msg, _("The consent page was answered with neither Allow nor Deny."));
      return;
    }

  g_hash_table_remove (self->authorizations, request_id);
}

/* POST /token */

/* RFC 6749 §2.3.1: the id and secret are form-encoded before they are joined and base64-encoded. */
static gboolean
decode_basic_credentials (const char  *encoded,
                          char       **client_id,
                          char       **client_secret)
{
  g_autofree char *copy = g_strstrip (g_strdup (encoded));
  g_autofree guchar *decoded = NULL;
  g_autofree char *text = NULL;
  char *colon;
  gsize length;

  decoded = g_base64_decode (copy, &length);
  text = g_strndup ((const char *)decoded, length);
  if (strlen (text) != length || !g_utf8_validate (text, -1, NULL) ||
      (colon = strchr (text, ':')) == NULL)
    return FALSE;

  *colon = '\0';
  g_strdelimit (text, "+", ' ');
  g_strdelimit (colon + 1, "+", ' ');
  *client_id = g_uri_unescape_string (text, NULL);
  *client_secret = g_uri_unescape_string (colon + 1, NULL);
  if (*client_id == NULL || *client_secret == NULL)
    {
      g_clear_pointer (client_id, g_free);
      g_clear_pointer (client_secret, g_free);
      return FALSE;
    }
  return TRUE;
}

/* client_secret_post or client_secret_basic; never both (RFC 6749 §2.3). Answers the request
 * and returns FALSE when the client is not authenticated. */
static gboolean
authenticate_client (SoupServerMessage *msg,
                     GHashTable        *form)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
  const char *client_id = lookup (form, "client_id");
  const char *client_secret = lookup (form, "client_secret");
  g_autofree char *basic_id = NULL;
  g_autofree char *basic_secret = NULL;

  if (header != NULL && g_ascii_strncasecmp (header, "Basic ", 6) == 0)
    {
      if (!decode_basic_credentials (header + 6, &basic_id, &basic_secret))
        {
          respond_token_error (msg, SOUP_STATUS_UNAUTHORIZED, "invalid_client",
                               "The Authorization header does not hold valid Basic credentials");
          return FALSE;
        }
      if (client_secret != NULL)
        {
          respond_token_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                               "The client authenticated twice: use HTTP Basic or client_secret in the body, not both");
          return FALSE;
        }
      if (client_id != NULL && !g_str_equal (client_id, basic_id))
        {
          respond_token_error (msg, SOUP_STATUS_UNAUTHORIZED, "invalid_client",
                               "The client_id in the body differs from the one in the Authorization header");
          return FALSE;
        }
      client_id = basic_id;
      client_secret = basic_secret;
    }

  if (client_id == NULL)
    {
      respond_token_error (msg, SOUP_STATUS_UNAUTHORIZED, "invalid_client",
                           "The client did not authenticate: send client_id and client_secret in the body, or HTTP Basic");
      return FALSE;
    }
  if (!g_str_equal (client_id, FLOWS_SANDBOX_CLIENT_ID))
    {
      respond_token_error (msg, SOUP_STATUS_UNAUTHORIZED, "invalid_client",
                           "Unknown client_id; the sandbox has one client: " FLOWS_SANDBOX_CLIENT_ID);
      return FALSE;
    }
  if (client_secret == NULL || !equal_constant_time (client_secret, FLOWS_SANDBOX_CLIENT_SECRET))
    {
      respond_token_error (msg, SOUP_STATUS_UNAUTHORIZED, "invalid_client",
                           client_secret == NULL ? "The client_secret is missing" : "The client_secret is wrong");
      return FALSE;
    }
  return TRUE;
}

static void
exchange_code (FlowsSandboxProvider *self,
               SoupServerMessage    *msg,
               GHashTable           *form)
{
  const char *value = lookup (form, "code");
  const char *redirect_uri = lookup (form, "redirect_uri");
  const char *code_verifier = lookup (form, "code_verifier");
  g_autofree char *refresh_token = NULL;
  Code *code;

  if (value == NULL || redirect_uri == NULL || code_verifier == NULL)
    {
      respond_token_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                           value == NULL ? "The code is missing" :
                           redirect_uri == NULL ? "The redirect_uri is missing" :
                           "The code_verifier is missing (PKCE is required)");
      return;
    }

  code = g_hash_table_lookup (self->codes, value);
  if (code == NULL)
    {
      respond_token_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant",
                           "The authorization code is unknown or has expired");
      return;
    }
  if (code->grant != 0)
    {
      /* A replayed code may have been stolen: RFC 6749 §10.5. */
      revoke_grant (self, code->grant);
      respond_token_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant",
                           "The authorization code was already used; the tokens issued for it are revoked");
      return;
    }

  /* Any attempt uses the code up, so that a verifier cannot be guessed by trying again. */
  code->grant = ++self->last_grant;

  if (!g_str_equal (redirect_uri, code->redirect_uri))
    respond_token_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant",
                         "The redirect_uri differs from the one of the authorization request");
  else if (!is_valid_code_verifier (code_verifier))
    respond_token_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant",
                         "The code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636)");
  else if (!verifier_matches_challenge (code_verifier, code->code_challenge))
    respond_token_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant",
                         "The code_verifier does not match the code_challenge");
  else
    {
      refresh_token = issue_refresh_token (self, code->grant, code->scope);
      respond_tokens (self, msg, code->grant, code->scope, refresh_token);
    }
}

static void
refresh (FlowsSandboxProvider *self,
         SoupServerMessage    *msg,
         GHashTable           *form)
{
  const char *value = lookup (form, "refresh_token");
  const char *requested_scope = lookup (form, "scope");
  g_autofree char *granted_scope = NULL;
  g_autofree char *new_refresh_token = NULL;
  RefreshToken *token;
  guint64 grant;

  if (value == NULL)
    {
      respond_token_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request", "The refresh_token is missing");
      return;
    }
  if (!(token = g_hash_table_lookup (self->refresh_tokens, value)))
    {
      respond_token_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant",
                           "The refresh token is unknown or was revoked");
      return;
    }
  if (requested_scope != NULL && !scope_is_subset (requested_scope, token->scope))
    {
      respond_token_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_scope",
                           "The requested scope is wider than the one granted");
      return;
    }

  /* RFC 6749 §6: a narrower scope may be asked for; the refresh token keeps the whole grant. */
  granted_scope = g_strdup (requested_scope != NULL ? requested_scope : token->scope);
  grant = token->grant;
  if (self->rotate_refresh_tokens)
    {
      g_autofree char *scope = g_strdup (token->scope);

      g_hash_table_remove (self->refresh_tokens, value);
      new_refresh_token = issue_refresh_token (self, grant, scope);
    }

  respond_tokens (self, msg, grant, granted_scope, new_refresh_token);
}

static void
answer_token_request (FlowsSandboxProvider *self,
                      SoupServerMessage    *msg,
                      GHashTable           *form)
{
  const char *grant_type = lookup (form, "grant_type");
  const char *content_type;

  set_no_store (msg);

  switch (self->fault)
    {
    case FLOWS_SANDBOX_FAULT_TOKEN_SERVER_ERROR:
      respond_token_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "server_error",
                           "The token endpoint failed (sandbox fault token-server-error)");
      return;
    case FLOWS_SANDBOX_FAULT_TOKEN_HTML:
      {
        /* What a proxy in front of a provider answers: its own page, not the provider's words, so
         * not ours to translate. */
        static const char html[] =
          "<html><head><title>Service Unavailable</title></head>"
          "<body><h1>Down for maintenance</h1><p>Please try again later.</p></body></html>\n";

        soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
        soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_STATIC,
                                          html, strlen (html));
        return;
      }
    case FLOWS_SANDBOX_FAULT_INVALID_GRANT_ON_REFRESH:
      if (g_strcmp0 (grant_type, "refresh_token") == 0)
        {
          respond_token_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant", "The refresh token has expired");
          return;
        }
      break;
    default:
      break;
    }

  content_type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg), NULL);
  if (content_type == NULL || g_ascii_strcasecmp (content_type, "application/x-www-form-urlencoded") != 0)
    {
      respond_token_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                           "The body must be application/x-www-form-urlencoded");
      return;
    }
  if (!authenticate_client (msg, form))
    return;

  forget_expired (self);
  if (grant_type == NULL)
    respond_token_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request", "The grant_type is missing");
  else if (g_str_equal (grant_type, "authorization_code"))
    exchange_code (self, msg, form);
  else if (g_str_equal (grant_type, "refresh_token"))
    refresh (self, msg, form);
  else
    respond_token_error (msg, SOUP_STATUS_BAD_REQUEST, "unsupported_grant_type",
                         "The sandbox supports the grant types authorization_code and refresh_token");
}

static gboolean
on_token_delay_elapsed (gpointer user_data)
{
  DelayedRequest *request = user_data;

  answer_token_request (request->self, request->msg, request->form);
  soup_server_message_unpause (request->msg);
  g_ptr_array_remove_fast (request->self->delayed, request);
  return G_SOURCE_REMOVE;
}

static void
handle_token (FlowsSandboxProvider *self,
              SoupServerMessage    *msg,
              GHashTable           *query)
{
  g_autoptr(GHashTable) form = read_form (msg);
  DelayedRequest *request;

  if (g_strcmp0 (lookup (form, "grant_type"), "refresh_token") == 0)
    self->n_refresh++;
  else
    self->n_token++;

  if (self->token_delay == 0)
    {
      answer_token_request (self, msg, form);
      return;
    }

  /* Like a slow provider, the request is still carried out when its client gives up waiting. */
  request = g_new0 (DelayedRequest, 1);
  request->self = self;
  request->msg = g_object_ref (msg);
  request->form = g_steal_pointer (&form);
  /* On the context the server runs on, which need not be the global default one. */
  request->timeout = g_timeout_source_new (self->token_delay);
  g_source_set_callback (request->timeout, on_token_delay_elapsed, request, NULL);
  g_source_attach (request->timeout, g_main_context_get_thread_default ());
  g_ptr_array_add (self->delayed, request);
  soup_server_message_pause (msg);
}

/* GET /userinfo */

static void
respond_invalid_token (SoupServerMessage *msg,
                       const char        *description)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *challenge = NULL;

  challenge = g_strdup_printf ("Bearer realm=\"" REALM "\", error=\"invalid_token\", error_description=\"%s\"",
                               description);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "WWW-Authenticate", challenge);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, "invalid_token");
  json_builder_set_member_name (builder, "error_description");
  json_builder_add_string_value (builder, description);
  json_builder_end_object (builder);
  respond_json (msg, SOUP_STATUS_UNAUTHORIZED, builder);
}

static void
handle_userinfo (FlowsSandboxProvider *self,
                 SoupServerMessage    *msg,
                 GHashTable           *query)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *value = NULL;
  AccessToken *token;

  self->n_userinfo++;
  set_no_store (msg);

  /* RFC 6750 §3.1: a request without credentials gets the challenge but no error code. */
  if (header == NULL || g_ascii_strncasecmp (header, "Bearer ", 7) != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "WWW-Authenticate", "Bearer realm=\"" REALM "\"");
      soup_server_message_set_status (msg, SOUP_STATUS_UNAUTHORIZED, NULL);
      return;
    }

  value = g_strstrip (g_strdup (header + 7));
  token = g_hash_table_lookup (self->access_tokens, value);
  if (token == NULL)
    {
      respond_invalid_token (msg, "The access token is unknown or was revoked");
      return;
    }
  if (token->expires_at <= g_get_monotonic_time ())
    {
      respond_invalid_token (msg, "The access token expired");
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "sub");
  json_builder_add_string_value (builder, FLOWS_SANDBOX_USER_NAME);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, USER_DISPLAY_NAME);
  json_builder_set_member_name (builder, "email");
  json_builder_add_string_value (builder, USER_EMAIL);
  json_builder_end_object (builder);
  respond_json (msg, SOUP_STATUS_OK, builder);
}

/* GET /.well-known/oauth-authorization-server */

static void
add_string_array (JsonBuilder *builder,
                  const char  *name,
                  ...)
{
  const char *value;
  va_list args;

  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  va_start (args, name);
  while ((value = va_arg (args, const char *)) != NULL)
    json_builder_add_string_value (builder, value);
  va_end (args);
  json_builder_end_array (builder);
}

static void
handle_metadata (FlowsSandboxProvider *self,
                 SoupServerMessage    *msg,
                 GHashTable           *query)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *base_url = flows_sandbox_provider_get_base_url (self);
  g_autofree char *authorize = g_strconcat (base_url, FLOWS_SANDBOX_AUTHORIZE_PATH, NULL);
  g_autofree char *token = g_strconcat (base_url, FLOWS_SANDBOX_TOKEN_PATH, NULL);
  g_autofree char *userinfo = g_strconcat (base_url, FLOWS_SANDBOX_USERINFO_PATH, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "issuer");
  json_builder_add_string_value (builder, base_url);
  json_builder_set_member_name (builder, "authorization_endpoint");
  json_builder_add_string_value (builder, authorize);
  json_builder_set_member_name (builder, "token_endpoint");
  json_builder_add_string_value (builder, token);
  json_builder_set_member_name (builder, "userinfo_endpoint");
  json_builder_add_string_value (builder, userinfo);
  add_string_array (builder, "scopes_supported", "openid", "profile", "email", "offline_access", NULL);
  add_string_array (builder, "response_types_supported", "code", NULL);
  add_string_array (builder, "response_modes_supported", "query", NULL);
  add_string_array (builder, "grant_types_supported", "authorization_code", "refresh_token", NULL);
  add_string_array (builder, "token_endpoint_auth_methods_supported",
                    "client_secret_post", "client_secret_basic", NULL);
  add_string_array (builder, "code_challenge_methods_supported", "S256", NULL);
  json_builder_end_object (builder);

  respond_json (msg, SOUP_STATUS_OK, builder);
}

static void
handle_request (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  static const struct {
    const char *path;
    const char *method;
    void      (*handle) (FlowsSandboxProvider *self,
                         SoupServerMessage    *msg,
                         GHashTable           *query);
  } routes[] = {
    /* Method names as strings: SOUP_METHOD_* are interned at run time, not constants. */
    { FLOWS_SANDBOX_AUTHORIZE_PATH, "GET", handle_authorize },
    { FLOWS_SANDBOX_AUTHORIZE_PATH "/login", "POST", handle_login },
    { FLOWS_SANDBOX_AUTHORIZE_PATH "/consent", "POST", handle_consent },
    { FLOWS_SANDBOX_TOKEN_PATH, "POST", handle_token },
    { FLOWS_SANDBOX_USERINFO_PATH, "GET", handle_userinfo },
    { FLOWS_SANDBOX_METADATA_PATH, "GET", handle_metadata },
  };
  FlowsSandboxProvider *self = user_data;
  const char *method = soup_server_message_get_method (msg);

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      if (!g_str_equal (path, routes[i].path))
        continue;

      if (!g_str_equal (method, routes[i].method))
        {
          soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", routes[i].method);
          soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
          return;
        }
      routes[i].handle (self, msg, query);
      return;
    }

  soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

/* GObject */

static void
flows_sandbox_provider_dispose (GObject *object)
{
  FlowsSandboxProvider *self = (FlowsSandboxProvider *)object;

  flows_sandbox_provider_stop (self);

  G_OBJECT_CLASS (flows_sandbox_provider_parent_class)->dispose (object);
}

static void
flows_sandbox_provider_finalize (GObject *object)
{
  FlowsSandboxProvider *self = (FlowsSandboxProvider *)object;

  g_clear_pointer (&self->authorizations, g_hash_table_unref);
  g_clear_pointer (&self->codes, g_hash_table_unref);
  g_clear_pointer (&self->access_tokens, g_hash_table_unref);
  g_clear_pointer (&self->refresh_tokens, g_hash_table_unref);
  g_clear_pointer (&self->delayed, g_ptr_array_unref);

  G_OBJECT_CLASS (flows_sandbox_provider_parent_class)->finalize (object);
}

static void
flows_sandbox_provider_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  FlowsSandboxProvider *self = FLOWS_SANDBOX_PROVIDER (object);

  switch (prop_id)
    {
    case PROP_AUTO_CONSENT:
      g_value_set_boolean (value, self->auto_consent);
      break;
    case PROP_ROTATE_REFRESH_TOKENS:
      g_value_set_boolean (value, self->rotate_refresh_tokens);
      break;
    case PROP_ACCESS_TOKEN_LIFETIME:
      g_value_set_uint (value, self->access_token_lifetime);
      break;
    case PROP_TOKEN_DELAY:
      g_value_set_uint (value, self->token_delay);
      break;
    case PROP_FAULT:
      g_value_set_enum (value, self->fault);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_sandbox_provider_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  FlowsSandboxProvider *self = FLOWS_SANDBOX_PROVIDER (object);

  switch (prop_id)
    {
    case PROP_AUTO_CONSENT:
      flows_sandbox_provider_set_auto_consent (self, g_value_get_boolean (value));
      break;
    case PROP_ROTATE_REFRESH_TOKENS:
      flows_sandbox_provider_set_rotate_refresh_tokens (self, g_value_get_boolean (value));
      break;
    case PROP_ACCESS_TOKEN_LIFETIME:
      flows_sandbox_provider_set_access_token_lifetime (self, g_value_get_uint (value));
      break;
    case PROP_TOKEN_DELAY:
      flows_sandbox_provider_set_token_delay (self, g_value_get_uint (value));
      break;
    case PROP_FAULT:
      flows_sandbox_provider_set_fault (self, g_value_get_enum (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_sandbox_provider_class_init (FlowsSandboxProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = flows_sandbox_provider_dispose;
  object_class->finalize = flows_sandbox_provider_finalize;
  object_class->get_property = flows_sandbox_provider_get_property;
  object_class->set_property = flows_sandbox_provider_set_property;

  /* GET /authorize redirects at once with a code, without the sign-in and consent pages. */
  properties[PROP_AUTO_CONSENT] =
    g_param_spec_boolean ("auto-consent", NULL, NULL, FALSE, flags);
  /* A refresh answers with a new refresh token and revokes the old one. */
  properties[PROP_ROTATE_REFRESH_TOKENS] =
    g_param_spec_boolean ("rotate-refresh-tokens", NULL, NULL, TRUE, flags);
  /* Seconds; the expires_in of new access tokens. */
  properties[PROP_ACCESS_TOKEN_LIFETIME] =
    g_param_spec_uint ("access-token-lifetime", NULL, NULL, 0, G_MAXINT32, 3600, flags);
  /* Milliseconds before /token answers. */
  properties[PROP_TOKEN_DELAY] =
    g_param_spec_uint ("token-delay", NULL, NULL, 0, G_MAXINT32, 0, flags);
  properties[PROP_FAULT] =
    g_param_spec_enum ("fault", NULL, NULL, FLOWS_TYPE_SANDBOX_FAULT, FLOWS_SANDBOX_FAULT_NONE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
flows_sandbox_provider_init (FlowsSandboxProvider *self)
{
  self->rotate_refresh_tokens = TRUE;
  self->access_token_lifetime = 3600;
  self->authorizations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)authorization_free);
  self->codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)code_free);
  self->access_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)access_token_free);
  self->refresh_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)refresh_token_free);
  self->delayed = g_ptr_array_new_with_free_func ((GDestroyNotify)delayed_request_free);
}

FlowsSandboxProvider *
flows_sandbox_provider_new (void)
{
  return g_object_new (FLOWS_TYPE_SANDBOX_PROVIDER, NULL);
}

gboolean
flows_sandbox_provider_start (FlowsSandboxProvider  *self,
                              guint                  port,
                              GError               **error)
{
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GError) local_error = NULL;
  GSList *uris;
  guint8 probe[1];

  g_return_val_if_fail (FLOWS_IS_SANDBOX_PROVIDER (self), FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);
  g_return_val_if_fail (port <= G_MAXUINT16, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Every token comes from getrandom(2): find out now, not in the middle of a sign-in. */
  if (!fill_random (probe, sizeof probe, error))
    return FALSE;

  server = soup_server_new ("server-header", "FlowsStudioSandbox ", NULL);
  soup_server_add_handler (server, NULL, handle_request, self, NULL);

  if (!soup_server_listen_local (server, port, SOUP_SERVER_LISTEN_IPV4_ONLY, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                     _("Port %u on 127.0.0.1 is already in use."), port);
      else
        g_set_error (error, local_error->domain, local_error->code,
                     _("Cannot listen on 127.0.0.1:%u: %s"), port, local_error->message);
      return FALSE;
    }

  uris = soup_server_get_uris (server);
  self->port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
  self->server = g_steal_pointer (&server);
  return TRUE;
}

void
flows_sandbox_provider_stop (FlowsSandboxProvider *self)
{
  g_return_if_fail (FLOWS_IS_SANDBOX_PROVIDER (self));

  if (self->server == NULL)
    return;

  /* Requests waiting out the token-delay are dropped unanswered, as their connections close. */
  g_ptr_array_set_size (self->delayed, 0);
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  self->port = 0;
}

guint
flows_sandbox_provider_get_port (FlowsSandboxProvider *self)
{
  g_return_val_if_fail (FLOWS_IS_SANDBOX_PROVIDER (self), 0);
  return self->port;
}

char *
flows_sandbox_provider_get_base_url (FlowsSandboxProvider *self)
{
  g_return_val_if_fail (FLOWS_IS_SANDBOX_PROVIDER (self), NULL);

  if (self->port == 0)
    return NULL;
  return g_strdup_printf ("http://127.0.0.1:%u", self->port);
}

guint
flows_sandbox_provider_get_request_count (FlowsSandboxProvider *self,
                                          const char           *endpoint)
{
  g_return_val_if_fail (FLOWS_IS_SANDBOX_PROVIDER (self), 0);
  g_return_val_if_fail (endpoint != NULL, 0);

  if (g_str_equal (endpoint, "authorize"))
    return self->n_authorize;
  if (g_str_equal (endpoint, "token"))
    return self->n_token;
  if (g_str_equal (endpoint, "refresh"))
    return self->n_refresh;
  if (g_str_equal (endpoint, "userinfo"))
    return self->n_userinfo;

  g_critical ("%s: unknown endpoint “%s”", G_STRFUNC, endpoint);
  return 0;
}

gboolean
flows_sandbox_provider_get_auto_consent (FlowsSandboxProvider *self)
{
  g_return_val_if_fail (FLOWS_IS_SANDBOX_PROVIDER (self), FALSE);
  return self->auto_consent;
}

void
flows_sandbox_provider_set_auto_consent (FlowsSandboxProvider *self,
                                         gboolean              auto_consent)
{
  g_return_if_fail (FLOWS_IS_SANDBOX_PROVIDER (self));

  auto_consent = !!auto_consent;
  if (self->auto_consent == auto_consent)
    return;
  self->auto_consent = auto_consent;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTO_CONSENT]);
}

gboolean
flows_sandbox_provider_get_rotate_refresh_tokens (FlowsSandboxProvider *self)
{
  g_return_val_if_fail (FLOWS_IS_SANDBOX_PROVIDER (self), FALSE);
  return self->rotate_refresh_tokens;
}

void
flows_sandbox_provider_set_rotate_refresh_tokens (FlowsSandboxProvider *self,
                                                  gboolean              rotate)
{
  g_return_if_fail (FLOWS_IS_SANDBOX_PROVIDER (self));

  rotate = !!rotate;
  if (self->rotate_refresh_tokens == rotate)
    return;
  self->rotate_refresh_tokens = rotate;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROTATE_REFRESH_TOKENS]);
}

guint
flows_sandbox_provider_get_access_token_lifetime (FlowsSandboxProvider *self)
{
  g_return_val_if_fail (FLOWS_IS_SANDBOX_PROVIDER (self), 0);
  return self->access_token_lifetime;
}

void
flows_sandbox_provider_set_access_token_lifetime (FlowsSandboxProvider *self,
                                                  guint                 seconds)
{
  g_return_if_fail (FLOWS_IS_SANDBOX_PROVIDER (self));
  g_return_if_fail (seconds <= G_MAXINT32);

  if (self->access_token_lifetime == seconds)
    return;
  self->access_token_lifetime = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCESS_TOKEN_LIFETIME]);
}

guint
flows_sandbox_provider_get_token_delay (FlowsSandboxProvider *self)
{
  g_return_val_if_fail (FLOWS_IS_SANDBOX_PROVIDER (self), 0);
  return self->token_delay;
}

void
flows_sandbox_provider_set_token_delay (FlowsSandboxProvider *self,
                                        guint                 milliseconds)
{
  g_return_if_fail (FLOWS_IS_SANDBOX_PROVIDER (self));
  g_return_if_fail (milliseconds <= G_MAXINT32);

  if (self->token_delay == milliseconds)
    return;
  self->token_delay = milliseconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN_DELAY]);
}

FlowsSandboxFault
flows_sandbox_provider_get_fault (FlowsSandboxProvider *self)
{
  g_return_val_if_fail (FLOWS_IS_SANDBOX_PROVIDER (self), FLOWS_SANDBOX_FAULT_NONE);
  return self->fault;
}

void
flows_sandbox_provider_set_fault (FlowsSandboxProvider *self,
                                  FlowsSandboxFault     fault)
{
  g_return_if_fail (FLOWS_IS_SANDBOX_PROVIDER (self));

  if (self->fault == fault)
    return;
  self->fault = fault;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAULT]);
}
