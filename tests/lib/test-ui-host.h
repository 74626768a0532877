/* test-ui-host.h — a view or the editor tested on its own, in a window of the test's instead of
 * the main window, and without FlowsApplication.
 *
 * The object behind this header defines, for the program that links it, what the main window
 * and the application otherwise define: flows_widget_show_toast() and flows_widget_show_error()
 * record what they were given (and say it in the test's log), flows_application_get_type() is
 * G_TYPE_INVALID, so that a view asks no application for its runner and makes its own. The
 * program calls test_ui_host_reset() or test_host_set_up() (which link that object) and must
 * not use the real FlowsApplication or FlowsWindow.
 */
#pragma once

#include <adwaita.h>

#include "flows-library.h"

G_BEGIN_DECLS

/* The messages of the toasts and the summaries of the errors shown since test_ui_host_reset(),
 * in order. */
extern GPtrArray *test_ui_toasts;
extern GPtrArray *test_ui_errors;

/* Forgets what was shown (and makes the arrays the first time). */
void      test_ui_host_reset   (void);

/* What a test of a view starts from: a library in a new temporary data directory with one App
 * made from a template, and the window of the test's that shows the view. */
typedef struct
{
  char         *data_dir;
  FlowsLibrary *library;
  FlowsApp     *app;
  GtkWindow    *window;
} TestHost;

/* test_ui_host_reset(), then the library (@template_name as for test_make_temp_dir()) with the
 * App @app_name made from the template of @type. */
void      test_host_set_up     (TestHost            *host,
                                const char          *template_name,
                                const char          *app_name,
                                FlowsConnectionType  type);
/* Shows @view in a window of @width × @height (test_window_new()). */
void      test_host_show       (TestHost            *host,
                                GtkWidget           *view,
                                int                  width,
                                int                  height);
/* The path of the App's file, and the App as saved (test_library_load_saved()). */
char     *test_host_app_path   (TestHost            *host);
FlowsApp *test_host_load_saved (TestHost            *host);
/* Destroys the window, drops the App and the library, and removes the data directory: what of
 * them there is (nothing, when the test skipped before setting up). */
void      test_host_tear_down  (TestHost            *host);

G_END_DECLS
