/* test-token-details.c — JWT decoding (flows-jwt.h) and the token details of a connection
 * (flows-token-details.h): the forms a token can take, malformed ones, and what is read from a
 * connection's file and its tokens in the real keyring of build-aux/session (those cases skip
 * without it).
 */
#include "config.h"

#include <string.h>

#include "flows-app-templates.h"
#include "flows-jwt.h"
#include "flows-secrets.h"
#include "flows-token-details.h"
#include "runner-helpers.h"
#include "test-cases.h"
#include "test-session.h"
#include "test-wait.h"

#define RS256_HEADER "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}"
#define SIGNATURE "signature-bytes-never-shown"

static const char *
claim_value (GPtrArray  *claims,
             const char *name)
{
  for (guint i = 0; claims != NULL && i < claims->len; i++)
    {
      FlowsTokenClaim *claim = g_ptr_array_index (claims, i);

      if (g_str_equal (claim->name, name))
        return claim->value;
    }
  return NULL;
}

static FlowsTokenClaim *
find_claim (GPtrArray  *claims,
            const char *name)
{
  for (guint i = 0; i < claims->len; i++)
    if (g_str_equal (((FlowsTokenClaim *)g_ptr_array_index (claims, i))->name, name))
      return g_ptr_array_index (claims, i);
  return NULL;
}

/* JWT decoding ------------------------------------------------------------------------------- */

static void
test_jwt_signed (void)
{
  g_autofree char *token = test_jwt_new (RS256_HEADER,
                                     "{\"iss\":\"https://id.example\",\"sub\":\"alice\",\"aud\":[\"a\",\"b\"],"
                                     "\"exp\":1700003600,\"scope\":\"read write\",\"nested\":{\"x\":1},\"n\":null}",
                                     SIGNATURE);
  g_autoptr(FlowsJwt) jwt = flows_jwt_decode (token);

  g_assert_cmpint (jwt->form, ==, FLOWS_JWT_SIGNED);
  g_assert_null (jwt->problem);
  g_assert_cmpstr (json_object_get_string_member (jwt->header, "alg"), ==, "RS256");
  g_assert_cmpstr (json_object_get_string_member (jwt->claims, "sub"), ==, "alice");
  g_assert_cmpint (json_object_get_int_member (jwt->claims, "exp"), ==, 1700003600);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (jwt->claims, "aud")), ==, 2);
  /* The decoded parts are all there is: no signature member anywhere. */
  g_assert_false (json_object_has_member (jwt->header, "signature"));
}

/* An unsecured JWT (RFC 7519 §6) has an empty signature. */
static void
test_jwt_unsigned (void)
{
  g_autofree char *header = test_base64url ("{\"alg\":\"none\"}");
  g_autofree char *payload = test_base64url ("{\"sub\":\"x\"}");
  g_autofree char *token = g_strconcat (header, ".", payload, ".", NULL);
  g_autoptr(FlowsJwt) jwt = flows_jwt_decode (token);

  g_assert_cmpint (jwt->form, ==, FLOWS_JWT_SIGNED);
  g_assert_cmpstr (json_object_get_string_member (jwt->header, "alg"), ==, "none");
  g_assert_cmpstr (json_object_get_string_member (jwt->claims, "sub"), ==, "x");
}

static void
test_jwt_encrypted (void)
{
  const char *header = "{\"alg\":\"RSA-OAEP\",\"enc\":\"A256GCM\"}";
  g_autofree char *encoded = test_base64url (header);
  g_autofree char *token = g_strconcat (encoded, ".a2V5.aXY.Y2lwaGVy.dGFn", NULL);
  g_autoptr(FlowsJwt) jwt = flows_jwt_decode (token);

  g_assert_cmpint (jwt->form, ==, FLOWS_JWT_ENCRYPTED);
  g_assert_cmpstr (json_object_get_string_member (jwt->header, "enc"), ==, "A256GCM");
  g_assert_null (jwt->claims);
}

typedef struct
{
  const char   *path;
  const char   *token;        /* NULL: built by the case */
  FlowsJwtForm  form;
  const char   *problem;      /* a part of the problem said, for UNREADABLE */
} JwtCase;

#define HEADER_B64 "eyJhbGciOiJSUzI1NiJ9"   /* {"alg":"RS256"} */

static const JwtCase jwt_cases[] = {
  /* Opaque: the provider's own forms. */
  { "/jwt/opaque/null", NULL, FLOWS_JWT_OPAQUE, NULL },
  { "/jwt/opaque/empty", "", FLOWS_JWT_OPAQUE, NULL },
  { "/jwt/opaque/no-dots", "2YotnFZFEjr1zCsicMWpAA", FLOWS_JWT_OPAQUE, NULL },
  { "/jwt/opaque/one-dot", HEADER_B64 ".e30", FLOWS_JWT_OPAQUE, NULL },
  { "/jwt/opaque/three-dots", HEADER_B64 ".e30.e30.e30", FLOWS_JWT_OPAQUE, NULL },
  { "/jwt/opaque/six-dots", HEADER_B64 ".a.b.c.d.e.f", FLOWS_JWT_OPAQUE, NULL },
  { "/jwt/opaque/dotted-words", "gho_abc.def.ghi", FLOWS_JWT_OPAQUE, NULL },
  /* A header that is JSON but names no algorithm: {"typ":"JWT"}. */
  { "/jwt/opaque/header-without-alg", "eyJ0eXAiOiJKV1QifQ.e30.c2ln", FLOWS_JWT_OPAQUE, NULL },
  /* Header in the standard alphabet with padding, or a JSON array. */
  { "/jwt/opaque/header-padded", "eyJhbGciOiJSUzI1NiJ9==.e30.c2ln", FLOWS_JWT_OPAQUE, NULL },
  { "/jwt/opaque/header-array", "WyJhbGciXQ.e30.c2ln", FLOWS_JWT_OPAQUE, NULL },
  { "/jwt/opaque/header-empty", ".e30.c2ln", FLOWS_JWT_OPAQUE, NULL },
  /* A JWT's header, then claims that cannot be read. */
  { "/jwt/unreadable/claims-bad-base64url", HEADER_B64 ".e30*.c2ln", FLOWS_JWT_UNREADABLE, "base64url" },
  { "/jwt/unreadable/claims-one-char-group", HEADER_B64 ".e30ab.c2ln", FLOWS_JWT_UNREADABLE, "base64url" },
  { "/jwt/unreadable/claims-empty", HEADER_B64 "..c2ln", FLOWS_JWT_UNREADABLE, "base64url" },
  /* "not json" */
  { "/jwt/unreadable/claims-not-json", HEADER_B64 ".bm90IGpzb24.c2ln", FLOWS_JWT_UNREADABLE, "JSON object" },
  /* "[1]" */
  { "/jwt/unreadable/claims-array", HEADER_B64 ".WzFd.c2ln", FLOWS_JWT_UNREADABLE, "JSON object" },
  /* bytes ff fe */
  { "/jwt/unreadable/claims-not-utf8", HEADER_B64 "._-4.c2ln", FLOWS_JWT_UNREADABLE, "UTF-8" },
  /* {"a":"\ud800"}: a lone surrogate */
  { "/jwt/unreadable/claims-lone-surrogate", HEADER_B64 ".eyJhIjoiXHVkODAwIn0.c2ln", FLOWS_JWT_UNREADABLE, "UTF-8" },
  /* A JWE's header on three parts. {"alg":"dir","enc":"A128GCM"} */
  { "/jwt/unreadable/enc-with-three-parts", "eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4R0NNIn0.e30.c2ln", FLOWS_JWT_UNREADABLE, "encryption" },
};

static void
test_jwt_case (gconstpointer data)
{
  const JwtCase *row = data;
  g_autoptr(FlowsJwt) jwt = flows_jwt_decode (row->token);

  g_assert_cmpint (jwt->form, ==, row->form);
  if (row->form == FLOWS_JWT_OPAQUE)
    {
      g_assert_null (jwt->header);
      g_assert_null (jwt->claims);
      g_assert_null (jwt->problem);
      return;
    }
  g_assert_null (jwt->claims);
  g_assert_nonnull (jwt->problem);
  test_assert_contains (jwt->problem, row->problem);
  /* The problem says what is wrong, never a part of the token. */
  g_assert_null (strstr (jwt->problem, HEADER_B64));
}

/* Claims nested deeper than json-glib can parse safely, and tokens too large to decode. */
static void
test_jwt_hostile (void)
{
  g_autoptr(GString) deep = g_string_new ("{\"a\":");
  g_autofree char *deep_token = NULL;
  g_autoptr(FlowsJwt) deep_jwt = NULL;
  g_autoptr(GString) huge = g_string_new (HEADER_B64 ".");
  g_autoptr(FlowsJwt) huge_jwt = NULL;
  g_autoptr(GString) huge_opaque = g_string_new ("opaque.");
  g_autoptr(FlowsJwt) huge_opaque_jwt = NULL;

  /* Small enough to be decoded, deeper than json-glib may parse. */
  for (guint i = 0; i < 20000; i++)
    g_string_append_c (deep, '[');
  deep_token = test_jwt_new (RS256_HEADER, deep->str, SIGNATURE);
  g_assert_cmpuint (strlen (deep_token), <, FLOWS_JWT_MAX_SIZE);
  deep_jwt = flows_jwt_decode (deep_token);
  g_assert_cmpint (deep_jwt->form, ==, FLOWS_JWT_UNREADABLE);
  test_assert_contains (deep_jwt->problem, "nested too deep");

  while (huge->len <= FLOWS_JWT_MAX_SIZE)
    g_string_append (huge, "e30e30e30e30");
  g_string_append (huge, ".c2ln");
  huge_jwt = flows_jwt_decode (huge->str);
  g_assert_cmpint (huge_jwt->form, ==, FLOWS_JWT_UNREADABLE);
  test_assert_contains (huge_jwt->problem, "KB");
  g_assert_null (huge_jwt->header);

  while (huge_opaque->len <= FLOWS_JWT_MAX_SIZE)
    g_string_append (huge_opaque, "abcdefgh");
  g_string_append (huge_opaque, ".x");
  huge_opaque_jwt = flows_jwt_decode (huge_opaque->str);
  g_assert_cmpint (huge_opaque_jwt->form, ==, FLOWS_JWT_OPAQUE);
}

/* Text ------------------------------------------------------------------------------------ */

static void
test_describe_expiry (void)
{
  static const struct { gint64 delta; const char *text; } cases[] = {
    { 0, "in 0 s" },
    { 59, "in 59 s" },
    { 3599, "in 59 min 59 s" },
    { 3600, "in 1 h 0 min" },
    { 90061, "in 1 d 1 h" },
    { -1, "expired 1 s ago" },
    { -59, "expired 59 s ago" },
    { -180, "expired 3 min ago" },
    { -239, "expired 3 min ago" },
    { -7200, "expired 2 h 0 min ago" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = flows_token_details_describe_expiry (1700000000 + cases[i].delta, 1700000000);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_split_scopes (void)
{
  g_auto(GStrv) spaces = flows_token_details_split_scopes ("openid  profile\temail openid");
  g_auto(GStrv) commas = flows_token_details_split_scopes ("repo,gist, read:org");
  g_auto(GStrv) none = flows_token_details_split_scopes (NULL);

  g_assert_cmpstrv (spaces, ((const char * const []) { "openid", "profile", "email", NULL }));
  g_assert_cmpstrv (commas, ((const char * const []) { "repo", "gist", "read:org", NULL }));
  g_assert_cmpstrv (none, ((const char * const []) { NULL }));
}

/* Token details of a connection ------------------------------------------------------------- */

typedef struct
{
  FlowsApp        *app;
  FlowsConnection *connection;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autofree char *id = g_uuid_string_random ();

  fixture->app = flows_app_new_from_template ("Token Details", FLOWS_CONNECTION_TYPE_OAUTH);
  fixture->connection = flows_connection_new (id, flows_app_get_id (fixture->app), "Mine");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  if (test_have_keyring ())
    {
      g_autoptr(GError) error = NULL;

      flows_secrets_clear_connection_sync (flows_app_get_id (fixture->app),
                                           flows_connection_get_id (fixture->connection), NULL, &error);
      g_assert_no_error (error);
    }
  g_clear_object (&fixture->connection);
  g_clear_object (&fixture->app);
}

static void
store (Fixture    *fixture,
       const char *key,
       const char *value)
{
  g_autoptr(GError) error = NULL;

  flows_secrets_store_sync (flows_app_get_id (fixture->app), flows_connection_get_id (fixture->connection),
                            key, value, NULL, &error);
  g_assert_no_error (error);
}

static FlowsTokenDetails *
load (Fixture *fixture)
{
  g_auto(TestAsync) async = { NULL };
  g_autoptr(GError) error = NULL;
  FlowsTokenDetails *details;

  flows_token_details_load_async (fixture->app, fixture->connection, NULL, test_async_ready, &async);
  details = flows_token_details_load_finish (test_async_wait (&async, 10000), &error);
  g_assert_no_error (error);
  g_assert_nonnull (details);
  return details;
}

static void
assert_scope (FlowsTokenDetails *details,
              guint              index,
              const char        *name,
              gboolean           asked,
              gboolean           granted,
              gboolean           missing)
{
  FlowsTokenScope *scope;

  g_assert_cmpuint (index, <, details->scopes->len);
  scope = g_ptr_array_index (details->scopes, index);
  g_assert_cmpstr (scope->name, ==, name);
  g_assert_cmpint (scope->asked, ==, asked);
  g_assert_cmpint (scope->granted, ==, granted);
  g_assert_cmpint (scope->missing, ==, missing);
}

/* A signed-in connection whose access token is a JWT and whose ID token is one too: the scopes
 * side by side, a missing one flagged, the claims decoded, the dates given. */
static void
test_details_jwt (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autofree char *access_token = test_jwt_new (RS256_HEADER,
                                            "{\"iss\":\"https://id.example\",\"aud\":\"api\",\"scp\":[\"read\"],"
                                            "\"exp\":1700003600,\"iat\":1700000000,\"zz\":true,\"client_id\":\"c\"}",
                                            SIGNATURE);
  g_autofree char *id_token = test_jwt_new (RS256_HEADER,
                                        "{\"sub\":\"alice\",\"email\":\"alice@example.test\",\"name\":\"Alice\","
                                        "\"nbf\":1699999990,\"aud\":\"client\",\"iss\":\"https://id.example\"}",
                                        SIGNATURE);
  g_autoptr(FlowsTokenDetails) details = NULL;
  static const char * const kept_keys[] = { "InstanceURL", "TeamToken", "BotId" };
  FlowsTokenClaim *exp;

  if (!test_need_keyring ())
    return;

  flows_connection_set_value (fixture->connection, "Scopes", "openid read write");
  /* Values kept from the token reply: one in the file, one sensitive in the keyring, one not
   * received yet. */
  for (guint i = 0; i < G_N_ELEMENTS (kept_keys); i++)
    {
      test_app_add_param (fixture->app, kept_keys[i], g_str_equal (kept_keys[i], "TeamToken"), NULL);
      flows_param_set_from_sign_in (flows_app_find_param (fixture->app, kept_keys[i]), TRUE);
    }
  flows_connection_set_value (fixture->connection, "InstanceURL", "https://eu.example.test");
  store (fixture, "TeamToken", "team-token-never-shown");
  flows_connection_set_signed_in (fixture->connection, TRUE);
  flows_connection_set_scope (fixture->connection, "read openid admin");
  flows_connection_set_token_type (fixture->connection, "Bearer");
  flows_connection_set_token_expires_at (fixture->connection, 1700003600);
  flows_connection_set_refresh_expires_at (fixture->connection, 1701000000);
  store (fixture, FLOWS_SECRETS_ACCESS_TOKEN_KEY, access_token);
  store (fixture, FLOWS_SECRETS_REFRESH_TOKEN_KEY, "refresh-opaque");
  store (fixture, FLOWS_SECRETS_ID_TOKEN_KEY, id_token);

  details = load (fixture);
  g_assert_cmpstr (details->token_type, ==, "Bearer");
  g_assert_cmpint (details->expires_at, ==, 1700003600);
  g_assert_true (details->refresh_token_held);
  g_assert_cmpint (details->refresh_expires_at, ==, 1701000000);
  g_assert_true (details->scope_reported);
  g_assert_true (details->scopes_from_connection);
  g_assert_cmpuint (details->scopes->len, ==, 4);
  assert_scope (details, 0, "openid", TRUE, TRUE, FALSE);
  assert_scope (details, 1, "read", TRUE, TRUE, FALSE);
  assert_scope (details, 2, "write", TRUE, FALSE, TRUE);
  assert_scope (details, 3, "admin", FALSE, TRUE, FALSE);

  g_assert_nonnull (details->access_token);
  g_assert_cmpint (details->access_token->form, ==, FLOWS_JWT_SIGNED);
  g_assert_cmpstr (claim_value (details->access_token->header, "alg"), ==, "RS256");
  g_assert_cmpstr (claim_value (details->access_token->claims, "scp"), ==, "[\"read\"]");
  g_assert_cmpstr (claim_value (details->access_token->claims, "zz"), ==, "true");
  /* The best-known first, in their order, then the others by name. */
  g_assert_cmpstr (((FlowsTokenClaim *)g_ptr_array_index (details->access_token->claims, 0))->name, ==, "iss");
  g_assert_cmpstr (((FlowsTokenClaim *)g_ptr_array_index (details->access_token->claims, 1))->name, ==, "aud");
  g_assert_cmpstr (((FlowsTokenClaim *)g_ptr_array_index (details->access_token->claims, 2))->name, ==, "client_id");
  g_assert_cmpstr (((FlowsTokenClaim *)g_ptr_array_index (details->access_token->claims,
                                                          details->access_token->claims->len - 1))->name, ==, "zz");
  exp = find_claim (details->access_token->claims, "exp");
  g_assert_cmpstr (exp->value, ==, "1700003600");
  {
    g_autofree char *date = flows_token_details_format_date (1700003600);
    g_assert_cmpstr (exp->date, ==, date);
  }
  g_assert_null (find_claim (details->access_token->claims, "aud")->date);

  g_assert_cmpuint (details->kept_values->len, ==, 3);
  {
    FlowsTokenKeptValue *instance = g_ptr_array_index (details->kept_values, 0);
    FlowsTokenKeptValue *team = g_ptr_array_index (details->kept_values, 1);
    FlowsTokenKeptValue *bot = g_ptr_array_index (details->kept_values, 2);

    g_assert_cmpstr (instance->key, ==, "InstanceURL");
    g_assert_cmpstr (instance->value, ==, "https://eu.example.test");
    g_assert_true (instance->held && !instance->sensitive);
    g_assert_cmpstr (team->key, ==, "TeamToken");
    g_assert_true (team->held && team->sensitive);
    g_assert_null (team->value);
    g_assert_cmpstr (bot->key, ==, "BotId");
    g_assert_false (bot->held);
  }

  g_assert_nonnull (details->id_token);
  g_assert_cmpint (details->id_token->form, ==, FLOWS_JWT_SIGNED);
  g_assert_cmpstr (claim_value (details->id_token->claims, "email"), ==, "alice@example.test");
  g_assert_nonnull (find_claim (details->id_token->claims, "nbf")->date);
}

/* Opaque tokens, no ID token, no refresh token, no scope reported, the App's default scopes. */
static void
test_details_opaque (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(FlowsTokenDetails) details = NULL;
  FlowsParam *scopes = flows_app_find_param (fixture->app, "Scopes");

  if (!test_need_keyring ())
    return;

  flows_param_set_default (scopes, "profile email");
  flows_connection_set_signed_in (fixture->connection, TRUE);
  store (fixture, FLOWS_SECRETS_ACCESS_TOKEN_KEY, "2YotnFZFEjr1zCsicMWpAA");

  details = load (fixture);
  g_assert_cmpstr (details->token_type, ==, "");
  g_assert_cmpint (details->expires_at, ==, 0);
  g_assert_false (details->refresh_token_held);
  g_assert_false (details->scopes_from_connection);
  /* RFC 6749 §5.1: no scope in the reply means the one asked: nothing is missing. */
  g_assert_false (details->scope_reported);
  assert_scope (details, 0, "profile", TRUE, FALSE, FALSE);
  assert_scope (details, 1, "email", TRUE, FALSE, FALSE);
  g_assert_cmpint (details->access_token->form, ==, FLOWS_JWT_OPAQUE);
  g_assert_cmpuint (details->access_token->claims->len, ==, 0);
  g_assert_null (details->id_token);
}

/* Nothing in the keyring (signed out): no tokens, and the same in the calling thread. */
static void
test_details_signed_out (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(FlowsTokenDetails) details = NULL;
  g_autoptr(GError) error = NULL;

  if (!test_need_keyring ())
    return;

  details = flows_token_details_load_sync (fixture->app, fixture->connection, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (details->access_token);
  g_assert_null (details->id_token);
  g_assert_false (details->refresh_token_held);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/jwt/signed", test_jwt_signed);
  g_test_add_func ("/jwt/unsigned", test_jwt_unsigned);
  g_test_add_func ("/jwt/encrypted", test_jwt_encrypted);
  g_test_add_func ("/jwt/hostile", test_jwt_hostile);
  test_add_table (jwt_cases, test_jwt_case);
  g_test_add_func ("/token-details/describe-expiry", test_describe_expiry);
  g_test_add_func ("/token-details/split-scopes", test_split_scopes);
  g_test_add ("/token-details/jwt", Fixture, NULL, fixture_set_up, test_details_jwt, fixture_tear_down);
  g_test_add ("/token-details/opaque", Fixture, NULL, fixture_set_up, test_details_opaque, fixture_tear_down);
  g_test_add ("/token-details/signed-out", Fixture, NULL, fixture_set_up, test_details_signed_out, fixture_tear_down);

  return g_test_run ();
}
