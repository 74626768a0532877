/* test-window.c — the main window as a user meets it: the real FlowsApplication on a library in
 * a temporary folder, driven through its actions and found by what it shows. */

#include <adwaita.h>
#include <glib/gstdio.h>

#include "flows-application.h"
#include "flows-app-templates.h"
#include "flows-document.h"
#include "flows-window.h"
#include "test-files.h"
#include "test-ui-app.h"
#include "test-ui.h"
#include "test-wait.h"

#define BROKEN_TEXT "{\n  \"format\" : \"flows-studio/app\",\n  \"version\" : 1,\n  \"id\" : \"broken\",\n  \"name\" : "

static char *data_dir;
static FlowsApplication *application;

/* How long the window may take to show a change (file monitors and frames take turns). */
#define WAIT_MS 10000

static FlowsWindow *
window (void)
{
  return test_application_window (application);
}

/* The first AdwPreferencesRow below @widget whose title is @title. */
static GtkWidget *
find_row (GtkWidget  *widget,
          const char *title)
{
  if (ADW_IS_PREFERENCES_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0 &&
      gtk_widget_get_mapped (widget))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, title);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The first GtkLabel on screen below @widget that reads @text. */
static GtkWidget *
find_label (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0 &&
      gtk_widget_get_mapped (widget))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The sidebar of Apps: a GtkListView whose rows are recycled. */
static GtkWidget *
find_sidebar (GtkWidget *widget)
{
  if (GTK_IS_LIST_VIEW (widget) && gtk_widget_has_css_class (widget, "navigation-sidebar"))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_sidebar (child);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
sidebar_shows_app (gpointer name)
{
  GtkWidget *sidebar = find_sidebar (GTK_WIDGET (window ()));

  return sidebar != NULL && find_label (sidebar, name) != NULL;
}

static gboolean
window_shows_label (gpointer text)
{
  return find_label (GTK_WIDGET (window ()), text) != NULL;
}

static void
test_broken_file_row (void)
{
  g_autofree char *path = g_build_filename (data_dir, "apps", "broken.json", NULL);
  GtkWidget *row = find_row (GTK_WIDGET (window ()), "broken.json");
  g_autofree char *after = NULL;

  /* Shown with the parser's file, line and column… */
  g_assert_nonnull (row);
  g_assert_true (g_regex_match_simple ("broken\\.json:5:[0-9]+: ", adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), 0, 0));

  /* …and never written, whatever the window saves. */
  g_assert_true (flows_library_flush (flows_application_get_library (application), NULL));
  after = test_read_text (path);
  g_assert_cmpstr (after, ==, BROKEN_TEXT);
}

static gboolean
new_app_dialog_open (gpointer unused)
{
  /* Owned by GTK. */
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (g_str_equal (G_OBJECT_TYPE_NAME (toplevel), "FlowsNewAppDialog") && gtk_widget_get_mapped (GTK_WIDGET (toplevel)))
        return TRUE;
    }
  return FALSE;
}

static GtkWidget *
find_new_app_dialog (void)
{
  /* Owned by GTK. */
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (g_str_equal (G_OBJECT_TYPE_NAME (toplevel), "FlowsNewAppDialog"))
        return GTK_WIDGET (toplevel);
    }
  return NULL;
}

static gboolean
flows_view_shows_oauth_flows (gpointer unused)
{
  return find_row (GTK_WIDGET (window ()), "OAuth Step 1 - Build Authorisation URL") != NULL &&
         find_row (GTK_WIDGET (window ()), "OAuth Step 2 - Exchange temporary token for access and refresh token") != NULL &&
         find_row (GTK_WIDGET (window ()), "OAuth Step 3 - Refresh access token") != NULL &&
         find_row (GTK_WIDGET (window ()), "Connection Test") != NULL;
}

static void
test_new_oauth_app (void)
{
  GtkWidget *dialog;
  GtkWidget *name_row;
  GtkWidget *oauth_check;
  GtkWidget *view_stack;
  FlowsApp *app;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.new-app", NULL));
  test_wait_for (new_app_dialog_open, NULL, WAIT_MS);
  dialog = find_new_app_dialog ();

  /* The first entry row is the name; the OAuth choice is the second check button. */
  name_row = test_find_widget_of_type (dialog, ADW_TYPE_ENTRY_ROW);
  g_assert_nonnull (name_row);
  gtk_editable_set_text (GTK_EDITABLE (name_row), "Calendar Sync");
  /* The type is a group of check buttons: the one in the row titled OAuth. */
  oauth_check = find_row (dialog, "OAuth") != NULL
                  ? test_find_widget_of_type (find_row (dialog, "OAuth"), GTK_TYPE_CHECK_BUTTON) : NULL;
  g_assert_nonnull (oauth_check);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (oauth_check), TRUE);
  g_assert_true (gtk_widget_activate_action (dialog, "new-app.create", NULL));
  test_spin (100);

  app = flows_library_find_app (flows_application_get_library (application), "Calendar Sync");
  g_assert_nonnull (app);
  g_assert_cmpint (flows_app_get_connection_type (app), ==, FLOWS_CONNECTION_TYPE_OAUTH);
  g_assert_cmpuint (g_list_model_get_n_items (flows_app_get_flows (app)), ==, 4);

  /* The window shows the new App; its Flows view lists the four flows. */
  view_stack = test_find_widget_of_type (GTK_WIDGET (window ()), ADW_TYPE_VIEW_STACK);
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (view_stack), "flows");
  test_wait_for (flows_view_shows_oauth_flows, NULL, WAIT_MS);
}

static void
test_external_edit_shows (void)
{
  FlowsLibrary *library = flows_application_get_library (application);
  FlowsApp *app = flows_library_find_app (library, "Weather");
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autoptr(FlowsApp) copy = NULL;
  g_autofree char *edited = NULL;

  g_assert_nonnull (app);
  path = g_strdup_printf ("%s/apps/%s.json", data_dir, flows_app_get_id (app));
  text = test_read_text (path);
  copy = flows_document_app_from_json (text, strlen (text), path, NULL);
  flows_app_set_name (copy, "Weather, Edited in Git");
  edited = flows_document_app_to_json (copy);

  /* As another program would: not through the library. */
  g_assert_true (g_file_set_contents (path, edited, -1, NULL));
  test_wait_for (sidebar_shows_app, "Weather, Edited in Git", WAIT_MS);
}

/* A toplevel of the type named @type_name (the sign-in window's type is in a module). */
static GtkWindow *
find_toplevel (const char *type_name)
{
  /* Owned by GTK. */
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (g_str_equal (G_OBJECT_TYPE_NAME (toplevel), type_name) && gtk_widget_get_mapped (GTK_WIDGET (toplevel)))
        return toplevel;
    }
  return NULL;
}

static gboolean
sign_in_window_open (gpointer unused)
{
  return find_toplevel ("FlowsSignInWindow") != NULL;
}

/* Signs in to the sample sandbox connection from its row in the Connections view. */
static void
sign_in_to_sample (void)
{
  GtkWidget *view_stack = test_find_widget_of_type (GTK_WIDGET (window ()), ADW_TYPE_VIEW_STACK);
  GtkWidget *page;

  flows_window_select_app (window (), "sandbox-sample");
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (view_stack), "connections");
  test_spin (100);
  page = adw_view_stack_get_visible_child (ADW_VIEW_STACK (view_stack));
  g_assert_true (gtk_widget_activate_action (page, "connection.sign-in", "s", "sandbox-sample-connection"));
}

/* flows-studio does not link WebKit: the sign-in window is a module loaded on the first Sign
 * in. Without it, the user is told, and nothing else happens. */
static void
test_sign_in_module_missing (void)
{
  g_autofree char *module = g_strdup (g_getenv ("FLOWS_SIGN_IN_MODULE"));
  g_autofree char *missing = g_build_filename (data_dir, "no-such-module.so", NULL);

  g_assert_nonnull (module);
  g_setenv ("FLOWS_SIGN_IN_MODULE", missing, TRUE);
  sign_in_to_sample ();
  test_wait_for (window_shows_label, "Signing in failed", WAIT_MS);
  g_assert_false (sign_in_window_open (NULL));
  g_setenv ("FLOWS_SIGN_IN_MODULE", module, TRUE);
}

/* With the module, Sign in opens the embedded window; closing it cancels. */
static void
test_sign_in_module (void)
{
  GtkWindow *sign_in_window;

  sign_in_to_sample ();
  test_wait_for (sign_in_window_open, NULL, WAIT_MS);
  sign_in_window = find_toplevel ("FlowsSignInWindow");
  g_assert_true (gtk_window_get_transient_for (sign_in_window) == GTK_WINDOW (window ()));
  gtk_window_close (sign_in_window);
  test_spin (200);
  g_assert_false (sign_in_window_open (NULL));
}

/* Saves the window as a PNG, the way it draws itself. */
static void
save_screenshot (const char *directory,
                 const char *name)
{
  g_autofree char *path = g_build_filename (directory, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (test_save_snapshot (GTK_WIDGET (window ()), path, &error));
  g_assert_no_error (error);
}

/* The screenshots of the metainfo and the README, taken when FLOWS_SCREENSHOT_DIR is set. */
static void
test_screenshots (void)
{
  const char *directory = g_getenv ("FLOWS_SCREENSHOT_DIR");
  static const struct { const char *view; const char *file; } views[] = {
    { "connection", "library.png" },
    { "flows", "flows.png" },
    { "connections", "connections.png" },
  };
  GtkWidget *view_stack;

  if (directory == NULL)
    {
      g_test_skip ("FLOWS_SCREENSHOT_DIR is not set");
      return;
    }

  gtk_window_set_default_size (GTK_WINDOW (window ()), 1200, 800);
  flows_window_select_app (window (), "sandbox-sample");
  view_stack = test_find_widget_of_type (GTK_WIDGET (window ()), ADW_TYPE_VIEW_STACK);
  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    {
      adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (view_stack), views[i].view);
      test_spin (500);
      save_screenshot (directory, views[i].file);
    }
}

static void
copy_sample (const char *name,
             const char *subdirectory)
{
  g_autofree char *source = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "..", "data", "samples", name, NULL);
  g_autofree char *target = g_build_filename (data_dir, subdirectory, name, NULL);
  g_autofree char *text = NULL;

  g_assert_true (g_file_get_contents (source, &text, NULL, NULL));
  g_assert_true (g_file_set_contents (target, text, -1, NULL));
}

static void
write_library (void)
{
  g_autofree char *apps = g_build_filename (data_dir, "apps", NULL);
  g_autofree char *connections = g_build_filename (data_dir, "connections", NULL);
  g_autofree char *broken = g_build_filename (apps, "broken.json", NULL);
  g_autoptr(FlowsApp) weather = flows_app_new_from_template ("Weather", FLOWS_CONNECTION_TYPE_GENERIC);
  g_autofree char *weather_path = g_strdup_printf ("%s/%s.json", apps, flows_app_get_id (weather));
  g_autofree char *weather_text = flows_document_app_to_json (weather);

  g_assert_cmpint (g_mkdir_with_parents (apps, 0700), ==, 0);
  g_assert_true (g_file_set_contents (broken, BROKEN_TEXT, -1, NULL));
  g_assert_true (g_file_set_contents (weather_path, weather_text, -1, NULL));

  /* The samples, for screenshots that look like a first launch. */
  g_assert_cmpint (g_mkdir_with_parents (connections, 0700), ==, 0);
  copy_sample ("sandbox.json", "apps");
  copy_sample ("todoist.json", "apps");
  copy_sample ("sandbox-connection.json", "connections");
}

int
main (int    argc,
      char **argv)
{
  int status;

  if (!test_ui_init (&argc, &argv))
    {
      g_test_skip ("no display");
      return g_test_run ();
    }

  data_dir = test_make_temp_dir ("flows-test-window-XXXXXX");
  write_library ();
  application = test_application_start (data_dir);

  g_test_add_func ("/window/broken-file-row", test_broken_file_row);
  g_test_add_func ("/window/new-oauth-app", test_new_oauth_app);
  g_test_add_func ("/window/external-edit", test_external_edit_shows);
  g_test_add_func ("/window/sign-in-module-missing", test_sign_in_module_missing);
  g_test_add_func ("/window/sign-in-module", test_sign_in_module);
  g_test_add_func ("/window/screenshots", test_screenshots);

  status = g_test_run ();

  test_application_stop (&application);
  test_remove_tree (data_dir);
  return status;
}
