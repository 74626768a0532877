/* flows-discovery.h — an OAuth App from a provider's published metadata (docs/ARCHITECTURE.md,
 * "Discovery").
 *
 * Reads ISSUER/.well-known/openid-configuration (OpenID Connect Discovery §4), else the RFC 8414
 * document (/.well-known/oauth-authorization-server inserted between host and path), refuses
 * metadata that names another issuer, and makes an OAuth App whose parameters default to the
 * endpoints found and whose flows use what the provider supports: PKCE or not, and how the
 * client authenticates at the token endpoint.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "flows-app.h"
#include "flows-provider-presets.h"

G_BEGIN_DECLS

#define FLOWS_DISCOVERY_ERROR (flows_discovery_error_quark ())

typedef enum {
  FLOWS_DISCOVERY_ERROR_BAD_ISSUER,        /* not an https URL without query and fragment */
  FLOWS_DISCOVERY_ERROR_NOT_FOUND,         /* neither document is there */
  FLOWS_DISCOVERY_ERROR_HTTP,              /* another HTTP error status */
  FLOWS_DISCOVERY_ERROR_NOT_JSON,
  FLOWS_DISCOVERY_ERROR_BAD_METADATA,      /* a required member missing, or one of the wrong type */
  FLOWS_DISCOVERY_ERROR_ISSUER_MISMATCH,   /* RFC 8414 §3.3, OpenID Connect Discovery §4.3 */
  FLOWS_DISCOVERY_ERROR_INSECURE_ENDPOINT, /* an endpoint that is not https (nor loopback) */
  FLOWS_DISCOVERY_ERROR_BAD_PRESET,        /* the preset to start from cannot be adapted */
} FlowsDiscoveryError;

/* How the client authenticates at the token endpoint (RFC 6749 §2.3.1). */
typedef enum {
  FLOWS_CLIENT_AUTH_BASIC, /* client_secret_basic: HTTP Basic with the client id and secret */
  FLOWS_CLIENT_AUTH_POST,  /* client_secret_post: client_id and client_secret in the form body */
  FLOWS_CLIENT_AUTH_NONE,  /* none: a public client, only client_id in the body */
} FlowsClientAuth;

/* What a provider's metadata says, as far as an App needs it. */
typedef struct
{
  char  *issuer;
  char  *document_url;           /* where it was read */
  char  *authorization_endpoint;
  char  *token_endpoint;
  char  *userinfo_endpoint;      /* NULL when the metadata has none */
  /* NULL when the metadata does not say. */
  char **scopes_supported;
  char **code_challenge_methods_supported;
  char **token_endpoint_auth_methods_supported;
} FlowsProviderMetadata;

GQuark                 flows_discovery_error_quark  (void);

void                   flows_provider_metadata_free (FlowsProviderMetadata *metadata);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlowsProviderMetadata, flows_provider_metadata_free)

/* Reads a metadata @document fetched from @document_url for @issuer: the issuer it names must be
 * @issuer (a trailing "/" aside), the endpoints https (http only on a loopback host). */
FlowsProviderMetadata *flows_provider_metadata_parse (const char   *issuer,
                                                      const char   *document_url,
                                                      JsonNode     *document,
                                                      GError      **error);

/* Fetches and reads @issuer's metadata on @session (NULL: a session of its own), with a
 * timeout and a cap on the size. */
void                   flows_discovery_fetch_async  (SoupSession          *session,
                                                     const char           *issuer,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
FlowsProviderMetadata *flows_discovery_fetch_finish (GAsyncResult         *result,
                                                     GError              **error);

/* What an App made from @metadata uses. Scopes: "openid" (unless the provider lists scopes
 * without it), plus "offline_access" when listed; possibly empty. */
char                  *flows_provider_metadata_suggest_scopes (const FlowsProviderMetadata *metadata);
/* TRUE when S256 is listed in code_challenge_methods_supported. */
gboolean               flows_provider_metadata_supports_pkce  (const FlowsProviderMetadata *metadata);
/* client_secret_basic when listed (or when the list is absent: RFC 8414 §2), else
 * client_secret_post, else none; client_secret_post when the provider lists only methods that
 * Flows Studio cannot do (private_key_jwt…), which flows_provider_metadata_describe() says. */
FlowsClientAuth        flows_provider_metadata_choose_client_auth (const FlowsProviderMetadata *metadata);

/* What was found and what an App made from it will use, for a person: labels and values,
 * alternating, NULL-terminated; free with g_strfreev(). */
char                 **flows_provider_metadata_describe (const FlowsProviderMetadata *metadata);

/* The id of the preset an App made by discovery starts from. */
#define FLOWS_DISCOVERY_PRESET_ID "oidc"

/* A new OAuth App named @name for @metadata's provider, from @preset (the presets' "oidc"):
 * AuthURL, TokenURL, TestURL (the userinfo endpoint) and Scopes defaulting to what was found,
 * Step 1 and Step 2 without PKCE when the provider does not support it, and Step 2 and Step 3
 * authenticating the client as flows_provider_metadata_choose_client_auth() says. Fails when
 * the preset does not load, or lacks a stage that this changes (a user's own "oidc" preset). */
FlowsApp              *flows_discovery_create_app   (FlowsProviderPreset         *preset,
                                                     const char                  *name,
                                                     const FlowsProviderMetadata *metadata,
                                                     GError                     **error);

G_END_DECLS
