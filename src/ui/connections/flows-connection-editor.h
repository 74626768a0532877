/* flows-connection-editor.h — the dialog that adds a connection to an App, or edits one.
 *
 * One row per parameter of the App, of the parameter's kind; sensitive ones are password rows
 * whose values go to the keyring before anything is written to the connection's file. Editing
 * never shows a stored secret: an empty sensitive row keeps the stored value.
 */
#pragma once

#include <adwaita.h>

#include "flows-library.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_CONNECTION_EDITOR (flows_connection_editor_get_type ())
G_DECLARE_FINAL_TYPE (FlowsConnectionEditor, flows_connection_editor, FLOWS, CONNECTION_EDITOR, AdwWindow)

/* @connection NULL: adds a new connection to @app. */
FlowsConnectionEditor *flows_connection_editor_new            (GtkWindow             *parent,
                                                               FlowsLibrary          *library,
                                                               FlowsApp              *app,
                                                               FlowsConnection       *connection);

G_END_DECLS
