/* flows-new-app-dialog.h — asks for a new App's name, description and what it starts from (the
 * generic API key template, or a provider preset found by searching the list), and adds the
 * App to the library. */
#pragma once

#include <adwaita.h>

#include "flows-library.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_NEW_APP_DIALOG (flows_new_app_dialog_get_type ())
G_DECLARE_FINAL_TYPE (FlowsNewAppDialog, flows_new_app_dialog, FLOWS, NEW_APP_DIALOG, AdwWindow)

/* The dialog emits "created" (FlowsApp *app) once the App is in the library, then closes. Its
 * action "new-app.create" does what the Create button does. */
GtkWidget *flows_new_app_dialog_new (GtkWindow    *parent,
                                     FlowsLibrary *library);

G_END_DECLS
