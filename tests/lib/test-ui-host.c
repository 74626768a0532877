/* test-ui-host.c — the toasts, errors and application of the main window, for a view on its own */

#include "config.h"

#include "flows-application.h"
#include "flows-window.h"
#include "test-ui-host.h"

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
