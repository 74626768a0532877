/* fuzz-jwt.c — JWT decoding (flows-jwt.h) and the claims the token details list from it
 * (flows-token-details.h).
 *
 * Input: a token. Whatever it is, decoding ends with one of its forms; a decoded header names an
 * algorithm; only a signed token has claims; a problem is said only for an unreadable one, is
 * UTF-8 and holds no part of the token longer than a few characters.
 */
#include <string.h>

#include "flows-jwt.h"
#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *token = g_strndup ((const char *)data, size);
  g_autoptr(FlowsJwt) jwt = flows_jwt_decode (token);

  switch (jwt->form)
    {
    case FLOWS_JWT_OPAQUE:
      g_assert_null (jwt->header);
      g_assert_null (jwt->claims);
      g_assert_null (jwt->problem);
      break;
    case FLOWS_JWT_SIGNED:
      g_assert_nonnull (jwt->header);
      g_assert_true (json_object_has_member (jwt->header, "alg"));
      g_assert_nonnull (jwt->claims);
      g_assert_null (jwt->problem);
      break;
    case FLOWS_JWT_ENCRYPTED:
      g_assert_nonnull (jwt->header);
      g_assert_null (jwt->claims);
      break;
    case FLOWS_JWT_UNREADABLE:
      g_assert_null (jwt->claims);
      g_assert_nonnull (jwt->problem);
      g_assert_true (g_utf8_validate (jwt->problem, -1, NULL));
      /* The problem is our sentence: a long enough piece of the token in it would be a leak. */
      if (strlen (token) >= 16)
        g_assert_null (strstr (jwt->problem, token + strlen (token) - 16));
      break;
    default:
      g_assert_not_reached ();
    }
  return 0;
}
