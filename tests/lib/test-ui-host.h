/* test-ui-host.h — a view or the editor tested on its own, in a window of the test's instead of
 * the main window, and without FlowsApplication.
 *
 * The object behind this header defines, for the program that links it, what the main window
 * and the application otherwise define: flows_widget_show_toast() and flows_widget_show_error()
 * record what they were given (and say it in the test's log), flows_application_get_type() is
 * G_TYPE_INVALID, so that a view asks no application for its runner and makes its own. The
 * program calls test_ui_host_reset() (which links that object) and must not use the real
 * FlowsApplication or FlowsWindow.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The messages of the toasts and the summaries of the errors shown since test_ui_host_reset(),
 * in order. */
extern GPtrArray *test_ui_toasts;
extern GPtrArray *test_ui_errors;

/* Forgets what was shown (and makes the arrays the first time). */
void test_ui_host_reset (void);

G_END_DECLS
