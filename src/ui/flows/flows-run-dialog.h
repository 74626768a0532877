/* flows-run-dialog.h — "Run Flow": test values for a flow's Trigger inputs and a connection
 *
 * One entry row per input of the flow's Trigger, prefilled with the value last used for this
 * flow, else the input's sample value, else its default; and a choice of the App's connections
 * (or none). Run emits ::run-requested and closes the window; Cancel and Escape close it.
 *
 * The values used are remembered per flow id in $XDG_STATE_HOME/flows-studio/test-inputs.ini,
 * except those of inputs named like a sensitive parameter of the App (see the .c file).
 */
#pragma once

#include <adwaita.h>

#include "flows-library.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_RUN_DIALOG (flows_run_dialog_get_type ())
G_DECLARE_FINAL_TYPE (FlowsRunDialog, flows_run_dialog, FLOWS, RUN_DIALOG, AdwWindow)

/* Signals:
 *   run-requested (FlowsRunDialog  *dialog,
 *                  GHashTable      *inputs,      input name → value, every input of the
 *                                                Trigger as typed (an empty value takes the
 *                                                input's default when the flow runs)
 *                  FlowsConnection *connection)  the chosen connection, or NULL for none
 *   Both arguments belong to the dialog; take a reference to keep them. The values are saved
 *   before the signal is emitted.
 *
 * Actions: "run-dialog.run" (what the Run button does), "window.close" (Cancel). */
GtkWidget       *flows_run_dialog_new            (FlowsLibrary   *library,
                                                  FlowsApp       *app,
                                                  FlowsFlow      *flow);
FlowsConnection *flows_run_dialog_get_connection (FlowsRunDialog *self);
/* The entry row of the input @name, or NULL (for tests and for focusing an input). */
GtkWidget       *flows_run_dialog_get_input_row  (FlowsRunDialog *self,
                                                  const char     *name);
/* Selects @connection (NULL: "No connection"); does nothing for a connection of another App. */
void             flows_run_dialog_set_connection (FlowsRunDialog  *self,
                                                  FlowsConnection *connection);

G_END_DECLS
