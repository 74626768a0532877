/* flows-window.h — the main window: the Apps of the library */
#pragma once

#include <adwaita.h>

#include "flows-library.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_WINDOW (flows_window_get_type ())
G_DECLARE_FINAL_TYPE (FlowsWindow, flows_window, FLOWS, WINDOW, AdwApplicationWindow)

FlowsWindow *flows_window_new        (AdwApplication *application,
                                      FlowsLibrary   *library);
/* Shows @message in a toast, for errors that need no decision. */
void         flows_window_show_toast (FlowsWindow    *self,
                                      const char     *message);

G_END_DECLS
