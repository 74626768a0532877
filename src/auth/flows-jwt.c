/* flows-jwt.c — reading the header and claims of a JSON Web Token */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "flows-json-util.h"
#include "flows-jwt.h"

/* The parts of a compact JWS (header, payload, signature) and of a compact JWE (header,
 * encrypted key, initialisation vector, ciphertext, tag). */
#define JWS_PARTS 3
#define JWE_PARTS 5

/* Decodes one base64url part (RFC 7515 §2: no padding, no other characters); NULL when it is
 * not one. g_base64_decode() alone would skip characters outside its alphabet. */
static GBytes *
base64url_decode (const char *part,
                  gsize       length)
{
  g_autoptr(GString) standard = NULL;
  guchar *decoded;
  gsize decoded_length;

  /* A last group of one character encodes no whole byte. */
  if (length == 0 || length % 4 == 1)
    return NULL;

  standard = g_string_sized_new (length + 3);
  for (gsize i = 0; i < length; i++)
    {
      char c = part[i];

      if (c == '-')
        c = '+';
      else if (c == '_')
        c = '/';
      else if (!g_ascii_isalnum (c))
        return NULL;
      g_string_append_c (standard, c);
    }
  while (standard->len % 4 != 0)
    g_string_append_c (standard, '=');

  decoded = g_base64_decode (standard->str, &decoded_length);
  return g_bytes_new_take (decoded, decoded_length);
}

/* A part as a JSON object; NULL when it is not one, with @problem set to why when given (the
 * claims': a part without a JSON header is only said to be opaque). */
static JsonObject *
decode_object (const char  *part,
               gsize        length,
               char       **problem)
{
  g_autoptr(GBytes) bytes = base64url_decode (part, length);
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  const char *text;
  gsize size;
  JsonNode *root;

  if (bytes == NULL)
    {
      if (problem != NULL)
        *problem = g_strdup (_("its claims are not base64url"));
      return NULL;
    }
  text = g_bytes_get_data (bytes, &size);
  if (size == 0 || !g_utf8_validate (text, size, NULL) || memchr (text, '\0', size) != NULL)
    {
      if (problem != NULL)
        *problem = g_strdup (_("its claims are not UTF-8 text"));
      return NULL;
    }
  /* json-glib recurses per level and turns a lone surrogate into bytes that are not UTF-8:
   * both are checked first, as for every JSON of unknown origin. */
  if (flows_json_find_too_deep (text, size) != NULL || flows_json_find_lone_surrogate (text, size) != NULL)
    {
      if (problem != NULL)
        *problem = g_strdup (_("its claims are nested too deep or hold text that is not UTF-8"));
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, text, size, &error) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      !flows_json_is_utf8 (root))
    {
      if (problem != NULL)
        *problem = g_strdup (_("its claims are not a JSON object"));
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

FlowsJwt *
flows_jwt_decode (const char *token)
{
  g_autoptr(FlowsJwt) jwt = g_new0 (FlowsJwt, 1);
  const char *dots[JWE_PARTS];
  guint n_dots = 0;
  gsize length;

  jwt->form = FLOWS_JWT_OPAQUE;
  if (token == NULL)
    return g_steal_pointer (&jwt);

  /* Where the dots are, without copying the token: its parts are never kept. */
  length = strlen (token);
  for (const char *p = strchr (token, '.'); p != NULL; p = strchr (p + 1, '.'))
    {
      if (n_dots == G_N_ELEMENTS (dots))
        return g_steal_pointer (&jwt);
      dots[n_dots++] = p;
    }
  if (n_dots != JWS_PARTS - 1 && n_dots != JWE_PARTS - 1)
    return g_steal_pointer (&jwt);

  if (length > FLOWS_JWT_MAX_SIZE)
    {
      /* Not decoded at all; "eyJ" is how the base64url of a JSON object ("{\"") starts. */
      if (g_str_has_prefix (token, "eyJ"))
        {
          jwt->form = FLOWS_JWT_UNREADABLE;
          jwt->problem = g_strdup_printf (_("it is %u KB long, more than the %u KB that are decoded"),
                                          (guint)MIN (length / 1024, G_MAXUINT), (guint)(FLOWS_JWT_MAX_SIZE / 1024));
        }
      return g_steal_pointer (&jwt);
    }

  /* A token with a JWT's shape but without a JSON header is an opaque one with dots in it. */
  jwt->header = decode_object (token, dots[0] - token, NULL);
  /* RFC 7515 §4.1.1 and RFC 7516 §4.1.1: every JOSE header names its algorithm. */
  if (jwt->header == NULL || !json_object_has_member (jwt->header, "alg"))
    {
      g_clear_pointer (&jwt->header, json_object_unref);
      return g_steal_pointer (&jwt);
    }

  /* RFC 7516 §9: a JWE header names its content encryption. */
  if (n_dots == JWE_PARTS - 1 || json_object_has_member (jwt->header, "enc"))
    {
      jwt->form = n_dots == JWE_PARTS - 1 ? FLOWS_JWT_ENCRYPTED : FLOWS_JWT_UNREADABLE;
      if (jwt->form == FLOWS_JWT_UNREADABLE)
        jwt->problem = g_strdup (_("its header names an encryption, but it has the three parts of a signed token"));
      return g_steal_pointer (&jwt);
    }

  jwt->claims = decode_object (dots[0] + 1, dots[1] - dots[0] - 1, &jwt->problem);
  jwt->form = jwt->claims != NULL ? FLOWS_JWT_SIGNED : FLOWS_JWT_UNREADABLE;
  return g_steal_pointer (&jwt);
}

void
flows_jwt_free (FlowsJwt *jwt)
{
  if (jwt == NULL)
    return;
  g_clear_pointer (&jwt->header, json_object_unref);
  g_clear_pointer (&jwt->claims, json_object_unref);
  g_free (jwt->problem);
  g_free (jwt);
}
