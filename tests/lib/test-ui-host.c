/* test-ui-host.c — a view on its own: the toasts, errors and application of the main window,
 * and the library, App and window the view is shown with */

#include "config.h"

#include "flows-application.h"
#include "flows-window.h"
#include "test-files.h"
#include "test-ui-host.h"
#include "test-ui.h"

GPtrArray *test_ui_toasts;
GPtrArray *test_ui_errors;

void
test_ui_host_reset (void)
{
  if (test_ui_toasts == NULL)
    {
      test_ui_toasts = g_ptr_array_new_with_free_func (g_free);
      test_ui_errors = g_ptr_array_new_with_free_func (g_free);
    }
  g_ptr_array_set_size (test_ui_toasts, 0);
  g_ptr_array_set_size (test_ui_errors, 0);
}

void
test_host_set_up (TestHost            *host,
                  const char          *template_name,
                  const char          *app_name,
                  FlowsConnectionType  type)
{
  test_ui_host_reset ();
  host->library = test_library_new_temp (template_name, &host->data_dir);
  host->app = test_library_add_template (host->library, app_name, type);
}

void
test_host_show (TestHost  *host,
                GtkWidget *view,
                int        width,
                int        height)
{
  host->window = test_window_new (view, width, height);
}

char *
test_host_app_path (TestHost *host)
{
  return test_library_app_path (host->data_dir, host->app);
}

FlowsApp *
test_host_load_saved (TestHost *host)
{
  return test_library_load_saved (host->library, host->data_dir, host->app);
}

void
test_host_tear_down (TestHost *host)
{
  g_clear_pointer (&host->window, test_window_destroy);
  g_clear_object (&host->app);
  test_library_remove_temp (&host->library, &host->data_dir);
}

void
flows_widget_show_toast (GtkWidget  *widget,
                         const char *message)
{
  g_test_message ("toast: %s", message);
  g_ptr_array_add (test_ui_toasts, g_strdup (message));
}

void
flows_widget_show_error (GtkWidget  *widget,
                         const char *summary,
                         const char *details)
{
  g_test_message ("error: %s: %s", summary, details != NULL ? details : "");
  g_ptr_array_add (test_ui_errors, g_strdup (summary));
}

GType
flows_application_get_type (void)
{
  return G_TYPE_INVALID;
}

FlowsRunner *
flows_application_get_runner (FlowsApplication *self)
{
  g_assert_not_reached ();
}
