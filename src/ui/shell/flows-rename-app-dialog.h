/* flows-rename-app-dialog.h — asks for an App's new name and renames it */
#pragma once

#include <adwaita.h>

#include "flows-library.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_RENAME_APP_DIALOG (flows_rename_app_dialog_get_type ())
G_DECLARE_FINAL_TYPE (FlowsRenameAppDialog, flows_rename_app_dialog, FLOWS, RENAME_APP_DIALOG, AdwMessageDialog)

/* The response "rename" renames @app through flows_library_rename_app(); it is enabled only
 * while the name typed is one the library takes, and the reason shows under the name while it
 * is not. A failure to save goes to flows_widget_show_error() on @parent. */
GtkWidget *flows_rename_app_dialog_new (GtkWindow    *parent,
                                        FlowsLibrary *library,
                                        FlowsApp     *app);

G_END_DECLS
