/* flows-token-details.h — what a signed-in connection holds, for App builders debugging a
 * provider (docs/ARCHITECTURE.md, "Token details"): the Connections view's Token Details
 * window and `flows-cli connection show --tokens` show the same.
 *
 * It reads the connection's file (token type, granted scope, expiry times) and its tokens in the
 * keyring, which it decodes when they are JSON Web Tokens (flows-jwt.h). It never holds a raw
 * token: the tokens are wiped as soon as they are decoded, and nothing here returns a token, a
 * signature or a sensitive value.
 */
#pragma once

#include <gio/gio.h>

#include "flows-app.h"
#include "flows-connection.h"
#include "flows-jwt.h"

G_BEGIN_DECLS

/* The parameter whose value is the scopes asked for (the templates' and presets' key). */
#define FLOWS_TOKEN_DETAILS_SCOPES_KEY "Scopes"

/* One scope asked for, granted, or both. */
typedef struct
{
  char     *name;
  gboolean  asked;
  gboolean  granted;
  /* Asked for, and not in the scope the provider reported. */
  gboolean  missing;
} FlowsTokenScope;

/* A value kept from the token reply: a parameter filled in at sign-in ("fromSignIn"). A
 * sensitive one is only said to be held (@value NULL): its value stays in the keyring. */
typedef struct
{
  char     *key;
  char     *label;
  char     *value;
  gboolean  sensitive;
  gboolean  held;
} FlowsTokenKeptValue;

/* The text that stands for a sensitive value kept in the keyring. */
#define FLOWS_TOKEN_DETAILS_HIDDEN_VALUE "••••••"

/* One claim of a JWT, or one member of its header, as text: a string as it is, any other value
 * as compact JSON. @date is set for the times of RFC 7519 §4.1 and OpenID Connect (exp, iat,
 * nbf, auth_time) when they are numbers. */
typedef struct
{
  char *name;
  char *value;
  char *date;
} FlowsTokenClaim;

/* A token as decoded: its form, why it cannot be read (FLOWS_JWT_UNREADABLE), and its header
 * and claims as FlowsTokenClaim, the best-known claims first, then the others by name. */
typedef struct
{
  FlowsJwtForm  form;
  char         *problem;
  GPtrArray    *header;
  GPtrArray    *claims;
} FlowsTokenDecoded;

typedef struct
{
  /* token_type as the provider said it, "" when it did not. */
  char              *token_type;
  /* FlowsTokenScope: the asked ones in the order asked, then those granted without being asked.
   * When the provider reported no scope (RFC 6749 §5.1: the scope is then the one asked),
   * @scope_reported is FALSE and none is missing. */
  GPtrArray         *scopes;
  gboolean           scope_reported;
  /* Where the asked scopes come from: the connection's value or the App's default. */
  gboolean           scopes_from_connection;
  /* Unix seconds, 0 when the provider did not say. */
  gint64             expires_at;
  gboolean           refresh_token_held;
  gint64             refresh_expires_at;
  /* FlowsTokenKeptValue, in the order of the App's parameters. */
  GPtrArray         *kept_values;
  /* NULL when the keyring holds no such token. */
  FlowsTokenDecoded *access_token;
  FlowsTokenDecoded *id_token;
} FlowsTokenDetails;

void                flows_token_details_load_async  (FlowsApp             *app,
                                                     FlowsConnection      *connection,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
FlowsTokenDetails  *flows_token_details_load_finish (GAsyncResult         *result,
                                                     GError              **error);
/* The same, waiting in the calling thread (flows-cli). */
FlowsTokenDetails  *flows_token_details_load_sync   (FlowsApp             *app,
                                                     FlowsConnection      *connection,
                                                     GCancellable         *cancellable,
                                                     GError              **error);
void                flows_token_details_free        (FlowsTokenDetails    *details);

/* How long until @expires_at, or since, as people say it: "in 59 min 12 s", "expired 3 min
 * ago"; a precision that shrinks with the distance (days and hours for a far one). */
char               *flows_token_details_describe_expiry (gint64 expires_at,
                                                         gint64 now);
/* @unix_time as a local date and time with its offset: "2025-03-01 14:05:09 +01:00". */
char               *flows_token_details_format_date (gint64 unix_time);
/* What a token's form says, for a line of its own: "JWT (signed, RS256)", "opaque", … */
char               *flows_token_details_describe_form (const FlowsTokenDecoded *decoded);

/* The scopes of a scope string: split on spaces (RFC 6749 §3.3) and commas (as GitHub and
 * others send them), without empty or repeated ones. */
char              **flows_token_details_split_scopes (const char *scope);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlowsTokenDetails, flows_token_details_free)

G_END_DECLS
