/* flows-token-details-dialog.h — the Token Details window of a signed-in connection
 * (docs/ARCHITECTURE.md, "Token details"): token type, a live countdown to the access token's
 * expiry, scopes granted next to those asked with a missing one marked, the refresh token, and
 * the decoded header and claims of tokens that are JWTs.
 *
 * It shows what flows_token_details_load_async() gives, which holds no raw token: no token or
 * signature can reach a label, a tooltip or an accessible name here.
 */
#pragma once

#include <adwaita.h>

#include "flows-app.h"
#include "flows-connection.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_TOKEN_DETAILS_DIALOG (flows_token_details_dialog_get_type ())
G_DECLARE_FINAL_TYPE (FlowsTokenDetailsDialog, flows_token_details_dialog, FLOWS, TOKEN_DETAILS_DIALOG, AdwWindow)

/* Reads the details at once, and again when the connection's tokens change. */
FlowsTokenDetailsDialog *flows_token_details_dialog_new (GtkWindow       *parent,
                                                         FlowsApp        *app,
                                                         FlowsConnection *connection);

G_END_DECLS
