/* test-ui-app.c — the real FlowsApplication on a data directory of the test's */

#include "config.h"

#include "test-ui.h"
#include "test-ui-app.h"
#include "test-wait.h"

/* No window takes this long to be made, even under a loaded Xvfb. */
#define START_TIMEOUT_MS 20000

static gboolean
has_window (gpointer application)
{
  return gtk_application_get_active_window (application) != NULL;
}

FlowsApplication *
test_application_start (const char *data_dir)
{
  FlowsApplication *application;

  g_setenv ("FLOWS_STUDIO_DATA_DIR", data_dir, TRUE);
  application = flows_application_new ();
  /* Beside a Flows Studio of the user's, if one runs on this session bus. */
  g_application_set_flags (G_APPLICATION (application), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (application), NULL, NULL));
  g_application_activate (G_APPLICATION (application));
  test_wait_for (has_window, application, START_TIMEOUT_MS);
  test_spin (200);
  return application;
}

FlowsWindow *
test_application_window (FlowsApplication *application)
{
  return FLOWS_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (application)));
}

void
test_application_stop (FlowsApplication **application)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (*application));

  if (window != NULL)
    test_window_destroy (window);
  g_clear_object (application);
}
