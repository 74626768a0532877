/* flows-jwt.h — reading the header and claims of a JSON Web Token, for the token details
 * (docs/ARCHITECTURE.md, "Token details").
 *
 * A token in the JWS compact form (RFC 7515 §7.1: three base64url parts joined by dots) is
 * decoded into its header and its claims; an encrypted one (JWE, RFC 7516: five parts) has only
 * a header to read. The signature is never decoded, kept or returned, and nothing here keeps or
 * prints the token: what is returned holds the decoded JSON only. Nothing is verified either —
 * the claims are shown for debugging, never trusted.
 *
 * A token of another form is opaque, which RFC 6749 allows: that is an answer, not an error.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Tokens above this size are not decoded: far above any real JWT (a few kilobytes). */
#define FLOWS_JWT_MAX_SIZE (64 * 1024)

typedef enum {
  FLOWS_JWT_OPAQUE,      /* not a JWT: its form is the provider's own */
  FLOWS_JWT_SIGNED,      /* a JWS: header and claims decoded */
  FLOWS_JWT_ENCRYPTED,   /* a JWE: header decoded; the claims are for the recipient only */
  FLOWS_JWT_UNREADABLE,  /* it has a JWT's header, but the rest cannot be read (why is said) */
} FlowsJwtForm;

typedef struct
{
  FlowsJwtForm  form;
  JsonObject   *header;    /* SIGNED, ENCRYPTED, and UNREADABLE unless the token is too large */
  JsonObject   *claims;    /* SIGNED only */
  char         *problem;   /* UNREADABLE only: what is wrong, never a part of the token */
} FlowsJwt;

/* Never NULL, even for NULL or "". */
FlowsJwt *flows_jwt_decode (const char *token);
void      flows_jwt_free   (FlowsJwt   *jwt);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlowsJwt, flows_jwt_free)

G_END_DECLS
