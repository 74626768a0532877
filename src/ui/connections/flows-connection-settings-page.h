/* flows-connection-settings-page.h — the Connection view of an App: its connection type, the
 * parameters editor and, for OAuth, the redirect URL. Every valid edit is saved at once; a
 * parameter's key when it is applied. */
#pragma once

#include <adwaita.h>

#include "flows-library.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_CONNECTION_SETTINGS_PAGE (flows_connection_settings_page_get_type ())
G_DECLARE_FINAL_TYPE (FlowsConnectionSettingsPage, flows_connection_settings_page, FLOWS, CONNECTION_SETTINGS_PAGE, AdwBin)

/* Actions, for the window's shortcuts and the tests: "settings.add-param",
 * "settings.remove-param" (u: index), "settings.rename-param" ((us): index and new key; when
 * flows refer to the key, asks whether to update them; Undo in its toast),
 * "settings.undo-remove", "settings.move-param-up" and
 * "settings.move-param-down" (u), "settings.set-param-sensitive" ((ub): index, sensitive; turning
 * it off asks first) and "settings.copy-redirect-url". */
GtkWidget    *flows_connection_settings_page_new         (FlowsLibrary                *library);
/* @app may be NULL: the page then shows that no App is selected. */
void          flows_connection_settings_page_set_app     (FlowsConnectionSettingsPage *self,
                                                          FlowsApp                    *app);

/* Why @text cannot be an OAuth redirect URL (an absolute http or https URL without a fragment),
 * or NULL when it can; the preferences check the default redirect URL with it too. */
char         *flows_connection_settings_page_check_redirect_url (const char *text);
/* Reads "401, 403" into @statuses (a GArray of guint it fills); returns why it cannot, or NULL. */
char         *flows_connection_settings_page_parse_statuses     (const char *text,
                                                                 GArray     *statuses);

G_END_DECLS
