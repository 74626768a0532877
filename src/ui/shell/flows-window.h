/* flows-window.h — the main window: the Apps of the library */
#pragma once

#include <adwaita.h>

#include "flows-library.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_WINDOW (flows_window_get_type ())
G_DECLARE_FINAL_TYPE (FlowsWindow, flows_window, FLOWS, WINDOW, AdwApplicationWindow)

FlowsWindow *flows_window_new        (AdwApplication *application,
                                      FlowsLibrary   *library);
/* Selects the App @app_id in the sidebar and shows it. */
void         flows_window_select_app (FlowsWindow    *self,
                                      const char     *app_id);
/* Adds the App of @file to the library and shows it; errors in a toast. */
void         flows_window_import     (FlowsWindow    *self,
                                      GFile          *file);
/* Shows @message in a toast, for news that needs no decision. */
void         flows_window_show_toast (FlowsWindow    *self,
                                      const char     *message);
/* The toast helpers for any widget inside a FlowsWindow; they do nothing elsewhere. */
void         flows_widget_show_toast (GtkWidget      *widget,
                                      const char     *message);
void         flows_widget_show_error (GtkWidget      *widget,
                                      const char     *summary,
                                      const char     *details);

G_END_DECLS
