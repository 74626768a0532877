/* flows-discovery-page.h — the New App dialog's "From the provider's metadata" part: an issuer
 * URL, a Discover button, and what discovery found and will use, or why it failed
 * (docs/ARCHITECTURE.md, "Discovery"). */
#pragma once

#include <adwaita.h>

#include "flows-discovery.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_DISCOVERY_PAGE (flows_discovery_page_get_type ())
G_DECLARE_FINAL_TYPE (FlowsDiscoveryPage, flows_discovery_page, FLOWS, DISCOVERY_PAGE, AdwBin)

GtkWidget                   *flows_discovery_page_new          (void);
/* The metadata of the issuer URL as it is now, once discovered (the "ready" property says
 * when); NULL before, after a failure, or once the URL was changed. */
const FlowsProviderMetadata *flows_discovery_page_get_metadata (FlowsDiscoveryPage *self);
/* Puts the focus in the issuer URL. */
void                         flows_discovery_page_focus        (FlowsDiscoveryPage *self);

G_END_DECLS
