/* flows-preferences-window.h — the preferences: request timeout, the default redirect URL of new
 * OAuth Apps, and the sandbox provider. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define FLOWS_TYPE_PREFERENCES_WINDOW (flows_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (FlowsPreferencesWindow, flows_preferences_window, FLOWS, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* The sandbox switch drives the "sandbox" action of the default GApplication; it is hidden
 * where there is none. */
GtkWidget *flows_preferences_window_new (GtkWindow *parent);

G_END_DECLS
