/* test-window.c — the main window as a user meets it: the real FlowsApplication on a library in
 * a temporary folder, driven through its actions, the pointer and the keyboard of the X server
 * (XTest), and found by what it shows.
 *
 * Runs alone (is_parallel: false in tests/meson.build): keys go to the window under the pointer
 * of the shared X screen. */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <X11/keysym.h>

#include "flows-application.h"
#include "flows-app-templates.h"
#include "flows-canvas.h"
#include "flows-document.h"
#include "flows-flow-editor.h"
#include "flows-rename-app-dialog.h"
#include "flows-secrets.h"
#include "flows-window.h"
#include "runner-helpers.h"
#include "test-files.h"
#include "test-session.h"
#include "test-ui-app.h"
#include "test-xtest.h"
#include "test-ui.h"
#include "test-wait.h"

#define BROKEN_TEXT "{\n  \"format\" : \"flows-studio/app\",\n  \"version\" : 1,\n  \"id\" : \"broken\",\n  \"name\" : "

static char *data_dir;
static FlowsApplication *application;
/* Where the sandbox provider that Sign In starts listens (see use_free_sandbox_port()). */
static guint sandbox_port;

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
  GtkWidget *oauth_row;
  GtkWidget *view_stack;
  FlowsApp *app;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.new-app", NULL));
  test_wait_for (new_app_dialog_open, NULL, WAIT_MS);
  dialog = find_new_app_dialog ();

  /* The first entry row is the name; the OAuth choice is the second check button. */
  name_row = test_find_widget_of_type (dialog, ADW_TYPE_ENTRY_ROW);
  g_assert_nonnull (name_row);
  gtk_editable_set_text (GTK_EDITABLE (name_row), "Calendar Sync");
  /* What the App starts from is a row of a list: the generic OAuth 2.0 preset. */
  oauth_row = find_row (dialog, "OAuth 2.0 (any provider)");
  g_assert_nonnull (oauth_row);
  gtk_list_box_select_row (GTK_LIST_BOX (gtk_widget_get_parent (oauth_row)), GTK_LIST_BOX_ROW (oauth_row));
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

/* Apps: rename, duplicate, delete, names, search ----------------------------------------------- */

/* Lets @widget draw two frames: what was changed is laid out and drawn. */
static void
settle_on (GtkWidget *widget)
{
  test_xtest_set_frame_widget (widget);
  test_xtest_settle ();
  test_xtest_set_frame_widget (NULL);
}

static FlowsLibrary *
library (void)
{
  return flows_application_get_library (application);
}

/* The row of the sidebar that shows the App named @name: the list item around its label. */
static GtkWidget *
sidebar_row (const char *name)
{
  GtkWidget *sidebar = find_sidebar (GTK_WIDGET (window ()));
  GtkWidget *widget = find_label (sidebar, name);

  g_assert_nonnull (widget);
  while (gtk_widget_get_parent (widget) != sidebar)
    widget = gtk_widget_get_parent (widget);
  return widget;
}

static gboolean
sidebar_lacks_app (gpointer name)
{
  return !sidebar_shows_app (name);
}

static gboolean
window_title_is (gpointer title)
{
  return g_strcmp0 (gtk_window_get_title (GTK_WINDOW (window ())), title) == 0;
}

static const char *
content_page (void)
{
  GtkWidget *view_stack = test_find_widget_of_type (GTK_WIDGET (window ()), ADW_TYPE_VIEW_STACK);
  GtkStack *content_stack = GTK_STACK (gtk_widget_get_ancestor (view_stack, GTK_TYPE_STACK));

  return gtk_stack_get_visible_child_name (content_stack);
}

static gboolean
is_mapped_button_labelled (GtkWidget     *widget,
                           gconstpointer  label)
{
  return GTK_IS_BUTTON (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static gboolean
is_mapped_button_with_icon (GtkWidget     *widget,
                            gconstpointer  icon_name)
{
  return GTK_IS_BUTTON (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (widget)), icon_name) == 0;
}

static gboolean
is_toast_close_button (GtkWidget     *widget,
                       gconstpointer  unused)
{
  return is_mapped_button_with_icon (widget, "window-close-symbolic") &&
         gtk_widget_get_ancestor (widget, g_type_from_name ("AdwToastWidget")) != NULL;
}

/* Whether the toast around @widget has come to rest at the bottom of its overlay, or is gone.
 *
 * libadwaita 1.2 slides a toast up from below the overlay, in 300 ms, or in 500 ms when it
 * replaces one still hiding (a toast with Undo, of high priority, replaces the toast on show),
 * and hides one in 300 ms. A toast hidden before it has come to rest is freed when its hide
 * animation ends while its show animation still runs, and the end of that one then writes to
 * the freed toast (SIGSEGV; the show animation's "done" handler, show_done_cb()). The animations
 * count the frame clock's time, which a busy machine leaves behind: a fixed wait before closing
 * (it was 400 ms) is not enough, so the tests close a toast once it is seen at rest, as a person
 * does. (The app holds such a dismissal back, see flows_toast_add(); tests/ui/test-toast.c
 * closes toasts while they show.) */
static gboolean
toast_at_rest (gpointer widget)
{
  GtkWidget *toast = gtk_widget_get_ancestor (widget, g_type_from_name ("AdwToastWidget"));
  GtkWidget *overlay = toast != NULL ? gtk_widget_get_parent (toast) : NULL;
  graphene_rect_t bounds;
  GtkBorder margin;

  if (overlay == NULL || !gtk_widget_get_mapped (toast))
    return TRUE;
  if (!gtk_widget_compute_bounds (toast, overlay, &bounds) || bounds.size.height <= 0)
    return FALSE;
  /* At rest, its margin box ends right at the overlay's bottom; sliding, it ends below (and
   * before its first allocation, anywhere). */
  gtk_style_context_get_margin (gtk_widget_get_style_context (toast), &margin);
  return bounds.origin.y + bounds.size.height + margin.bottom == gtk_widget_get_height (overlay);
}

/* Closes the toasts on show, and those queued behind them: an error toast stays until closed. */
static void
close_toasts (void)
{
  GtkWidget *found;

  while ((found = test_find_widget (GTK_WIDGET (window ()), is_toast_close_button, NULL)) != NULL)
    {
      /* Held: a toast with a timeout may go while the show animation runs, and its button with
       * it (on a slow machine, or under the sanitizers of build-aux/test). */
      g_autoptr (GtkWidget) close = g_object_ref (found);

      test_wait_for (toast_at_rest, close, WAIT_MS);
      if (gtk_widget_get_mapped (close))
        g_signal_emit_by_name (close, "clicked");
      test_spin (400);
    }
}

static gboolean
undo_toast_shown (gpointer unused)
{
  return test_find_widget (GTK_WIDGET (window ()), is_mapped_button_labelled, "_Undo") != NULL;
}

/* The toast with Undo, once shown and at rest (libadwaita 1.2 must not have it dismissed
 * before: see toast_at_rest()). */
static GtkWidget *
wait_for_undo_toast (void)
{
  GtkWidget *undo;

  test_wait_for (undo_toast_shown, NULL, WAIT_MS);
  undo = test_find_widget (GTK_WIDGET (window ()), is_mapped_button_labelled, "_Undo");
  g_assert_nonnull (undo);
  test_wait_for (toast_at_rest, undo, WAIT_MS);
  return gtk_widget_get_parent (undo);
}

static FlowsApp *
add_app (const char *name)
{
  g_autoptr(FlowsApp) app = test_library_add_template (library (), name, FLOWS_CONNECTION_TYPE_GENERIC);

  test_wait_for (sidebar_shows_app, (gpointer)name, WAIT_MS);
  return g_steal_pointer (&app);
}

static gboolean
is_mapped_error_label (GtkWidget     *widget,
                       gconstpointer  unused)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) && gtk_widget_has_css_class (widget, "error");
}

/* What the name field of a dialog says is wrong with the name, or NULL. */
static const char *
name_problem (GtkWidget *dialog)
{
  GtkWidget *label = test_find_widget (dialog, is_mapped_error_label, NULL);

  return label != NULL ? gtk_label_get_text (GTK_LABEL (label)) : NULL;
}

static gboolean
rename_dialog_open (gpointer unused)
{
  return test_find_toplevel (FLOWS_TYPE_RENAME_APP_DIALOG) != NULL;
}

static gboolean
rename_dialog_closed (gpointer unused)
{
  return test_find_toplevel (FLOWS_TYPE_RENAME_APP_DIALOG) == NULL;
}

/* Rename refuses an empty name and one another App has in any case, saying why, and renames;
 * the window title, the header and the sidebar follow. */
static void
test_apps_rename (void)
{
  g_autoptr(FlowsApp) app = add_app ("Barometer");
  g_autofree char *path = test_library_app_path (data_dir, app);
  AdwMessageDialog *dialog;
  GtkWidget *entry;

  flows_window_select_app (window (), flows_app_get_id (app));
  test_wait_for (window_title_is, "Barometer – Flows Studio", WAIT_MS);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.rename-app", "s", flows_app_get_id (app)));
  test_wait_for (rename_dialog_open, NULL, WAIT_MS);
  dialog = ADW_MESSAGE_DIALOG (test_find_toplevel (FLOWS_TYPE_RENAME_APP_DIALOG));
  entry = test_find_widget_of_type (GTK_WIDGET (dialog), GTK_TYPE_ENTRY);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "Barometer");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "rename"));
  g_assert_null (name_problem (GTK_WIDGET (dialog)));

  gtk_editable_set_text (GTK_EDITABLE (entry), "  ");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "rename"));
  g_assert_cmpstr (name_problem (GTK_WIDGET (dialog)), ==, "An App needs a name");

  gtk_editable_set_text (GTK_EDITABLE (entry), "oauth SANDBOX (sample)");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "rename"));
  g_assert_cmpstr (name_problem (GTK_WIDGET (dialog)), ==, "Another App is named “OAuth Sandbox (sample)” already, which differs only in case");

  gtk_editable_set_text (GTK_EDITABLE (entry), "Hygrometer");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "rename"));
  g_assert_null (name_problem (GTK_WIDGET (dialog)));
  adw_message_dialog_response (dialog, "rename");
  gtk_window_close (GTK_WINDOW (dialog));
  test_wait_for (rename_dialog_closed, NULL, WAIT_MS);

  g_assert_cmpstr (flows_app_get_name (app), ==, "Hygrometer");
  g_assert_true (test_tree_contains (path, "\"Hygrometer\""));
  test_wait_for (sidebar_shows_app, "Hygrometer", WAIT_MS);
  test_wait_for (window_title_is, "Hygrometer – Flows Studio", WAIT_MS);
  g_assert_cmpstr (content_page (), ==, "app");
}

static void
test_apps_duplicate (void)
{
  g_autoptr(FlowsApp) app = add_app ("Thermometer");
  g_autoptr(GPtrArray) connections = NULL;
  FlowsApp *copy;

  close_toasts ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.duplicate-app", "s", flows_app_get_id (app)));
  copy = flows_library_find_app (library (), "Thermometer (copy)");
  g_assert_nonnull (copy);
  g_assert_cmpstr (flows_app_get_id (copy), !=, flows_app_get_id (app));
  g_assert_cmpuint (g_list_model_get_n_items (flows_app_get_flows (copy)), ==,
                    g_list_model_get_n_items (flows_app_get_flows (app)));
  g_assert_cmpuint (g_list_model_get_n_items (flows_app_get_params (copy)), ==,
                    g_list_model_get_n_items (flows_app_get_params (app)));
  connections = flows_library_get_app_connections (library (), copy);
  g_assert_cmpuint (connections->len, ==, 0);

  /* The copy is shown, and the toast says its connections were not copied. */
  test_wait_for (sidebar_shows_app, "Thermometer (copy)", WAIT_MS);
  test_wait_for (window_title_is, "Thermometer (copy) – Flows Studio", WAIT_MS);
  test_wait_for (window_shows_label, "Duplicated as “Thermometer (copy)”. Connections are not copied.", WAIT_MS);
}

/* An App with a connection whose two values are in the keyring. */
typedef struct
{
  FlowsApp        *app;
  FlowsConnection *connection;
  char            *app_path;
  char            *connection_path;
} Doomed;

static void
doomed_set_up (Doomed     *doomed,
               const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *connection_id = g_strconcat (name, "-connection", NULL);
  g_autofree char *basename = g_strconcat (connection_id, ".json", NULL);

  doomed->app = add_app (name);
  doomed->app_path = test_library_app_path (data_dir, doomed->app);
  doomed->connection = flows_connection_new (connection_id, flows_app_get_id (doomed->app), "Office");
  doomed->connection_path = g_build_filename (data_dir, "connections", basename, NULL);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *key = g_strdup_printf ("Key%u", i);

      g_assert_true (flows_secrets_store_sync (flows_app_get_id (doomed->app), connection_id, key, "s3cr3t", NULL, &error));
      g_assert_no_error (error);
    }
  g_assert_true (flows_library_add_connection (library (), doomed->connection, &error));
  g_assert_no_error (error);
}

static gssize
doomed_secrets (Doomed *doomed)
{
  g_autoptr(GError) error = NULL;
  gssize n = flows_secrets_count_connection_sync (flows_app_get_id (doomed->app),
                                                  flows_connection_get_id (doomed->connection), NULL, &error);

  g_assert_no_error (error);
  return n;
}

/* Everything is where it was: in the library, on disk and in the keyring. */
static void
assert_doomed_kept (Doomed *doomed)
{
  g_assert_true (flows_library_find_app (library (), flows_app_get_id (doomed->app)) == doomed->app);
  g_assert_nonnull (flows_library_find_connection (library (), flows_connection_get_id (doomed->connection)));
  g_assert_true (g_file_test (doomed->app_path, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (doomed->connection_path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (doomed_secrets (doomed), ==, 2);
}

static gboolean
doomed_gone (gpointer user_data)
{
  Doomed *doomed = user_data;

  return flows_library_find_app (library (), flows_app_get_id (doomed->app)) == NULL;
}

static void
assert_doomed_deleted (Doomed *doomed)
{
  test_wait_for (doomed_gone, doomed, WAIT_MS);
  g_assert_null (flows_library_find_connection (library (), flows_connection_get_id (doomed->connection)));
  g_assert_false (g_file_test (doomed->app_path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (doomed->connection_path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (doomed_secrets (doomed), ==, 0);
}

static void
doomed_tear_down (Doomed *doomed)
{
  if (doomed->app != NULL)
    test_clear_connection_secrets (flows_app_get_id (doomed->app), flows_connection_get_id (doomed->connection));
  g_clear_object (&doomed->app);
  g_clear_object (&doomed->connection);
  g_clear_pointer (&doomed->app_path, g_free);
  g_clear_pointer (&doomed->connection_path, g_free);
}

/* Delete hides the App at once and leaves its files and keyring items until the toast goes;
 * Undo brings it back as it was. */
static void
test_apps_delete_undo (void)
{
  Doomed doomed = { 0 };
  GtkWidget *toast;
  g_autofree char *toast_text = NULL;

  if (!test_need_keyring ())
    return;

  doomed_set_up (&doomed, "Anemometer");
  flows_window_select_app (window (), flows_app_get_id (doomed.app));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.delete-app", "s", flows_app_get_id (doomed.app)));
  test_wait_for (sidebar_lacks_app, "Anemometer", WAIT_MS);
  /* Another App took its place. */
  g_assert_false (window_title_is ("Anemometer – Flows Studio"));
  g_assert_cmpstr (content_page (), ==, "app");

  toast = wait_for_undo_toast ();
  toast_text = test_widget_text (toast);
  test_assert_contains (toast_text, "“Anemometer” deleted with 1 connection and 2 stored secrets");
  assert_doomed_kept (&doomed);

  g_signal_emit_by_name (test_find_widget (toast, is_mapped_button_labelled, "_Undo"), "clicked");
  test_wait_for (sidebar_shows_app, "Anemometer", WAIT_MS);
  test_wait_for (window_title_is, "Anemometer – Flows Studio", WAIT_MS);
  /* Long after the toast would have gone, nothing is deleted. */
  test_spin (500);
  assert_doomed_kept (&doomed);
  doomed_tear_down (&doomed);
}

/* Once the toast goes, the App's file, its connection's file and its keyring items go. */
static void
test_apps_delete_committed (void)
{
  Doomed doomed = { 0 };
  GtkWidget *toast;

  if (!test_need_keyring ())
    return;

  doomed_set_up (&doomed, "Pluviometer");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.delete-app", "s", flows_app_get_id (doomed.app)));
  toast = wait_for_undo_toast ();
  assert_doomed_kept (&doomed);
  g_signal_emit_by_name (test_get_widget (toast, is_toast_close_button, NULL), "clicked");
  assert_doomed_deleted (&doomed);
  g_assert_false (sidebar_shows_app ("Pluviometer"));
  doomed_tear_down (&doomed);
}

/* A window that goes (the application quits after it) deletes what waits for its toast. */
static void
test_apps_delete_committed_with_window (void)
{
  Doomed doomed = { 0 };
  FlowsWindow *second;

  if (!test_need_keyring ())
    return;

  doomed_set_up (&doomed, "Hyetometer");
  second = flows_window_new (ADW_APPLICATION (application), library ());
  test_window_show (GTK_WINDOW (second));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (second), "win.delete-app", "s", flows_app_get_id (doomed.app)));
  test_spin (200);
  assert_doomed_kept (&doomed);
  test_window_destroy (GTK_WINDOW (second));
  assert_doomed_deleted (&doomed);
  doomed_tear_down (&doomed);
}

/* The New App dialog refuses a name another App has, in any case, with the reason under the
 * name; the new App opens on its Authentication view, whatever view was on before. */
static void
test_apps_new_app_name (void)
{
  GtkWidget *view_stack = test_find_widget_of_type (GTK_WIDGET (window ()), ADW_TYPE_VIEW_STACK);
  GtkWidget *dialog;
  GtkWidget *name_row;

  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (view_stack), "connections");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.new-app", NULL));
  test_wait_for (new_app_dialog_open, NULL, WAIT_MS);
  dialog = find_new_app_dialog ();
  name_row = test_find_widget_of_type (dialog, ADW_TYPE_ENTRY_ROW);

  /* Empty at first: Create does nothing, and there is nothing to say yet. */
  gtk_widget_activate_action (dialog, "new-app.create", NULL);
  g_assert_nonnull (find_new_app_dialog ());
  g_assert_null (name_problem (dialog));

  gtk_editable_set_text (GTK_EDITABLE (name_row), "TODOIST (Sample)");
  test_wait_idle ();
  g_assert_cmpstr (name_problem (dialog), ==, "Another App is named “Todoist (sample)” already, which differs only in case");
  g_assert_true (gtk_widget_has_css_class (name_row, "error"));
  gtk_widget_activate_action (dialog, "new-app.create", NULL);
  g_assert_nonnull (find_new_app_dialog ());
  g_assert_null (flows_library_find_app (library (), "TODOIST (Sample)"));

  gtk_editable_set_text (GTK_EDITABLE (name_row), "Hail Sensor");
  test_wait_idle ();
  g_assert_null (name_problem (dialog));
  g_assert_false (gtk_widget_has_css_class (name_row, "error"));
  g_assert_true (gtk_widget_activate_action (dialog, "new-app.create", NULL));
  test_spin (100);
  g_assert_nonnull (flows_library_find_app (library (), "Hail Sensor"));
  test_wait_for (window_title_is, "Hail Sensor – Flows Studio", WAIT_MS);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (view_stack)), ==, "connection");
}

static gboolean
name_row_reads (gpointer data)
{
  GtkWidget *dialog = find_new_app_dialog ();
  GtkWidget *name_row = dialog != NULL ? test_find_widget_of_type (dialog, ADW_TYPE_ENTRY_ROW) : NULL;

  return name_row != NULL && g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (name_row)), data) == 0;
}

static gboolean
app_exists (gpointer name)
{
  return flows_library_find_app (library (), name) != NULL;
}

/* The value of the query parameter @name of Step 1's Build URL stage. */
static const char *
authorize_query_value (FlowsApp   *app,
                       const char *name)
{
  FlowsFlow *step1 = flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE);
  GListModel *stages = flows_flow_get_stages (step1);

  for (guint i = 0; i < g_list_model_get_n_items (stages); i++)
    {
      g_autoptr(FlowsStage) stage = g_list_model_get_item (stages, i);
      JsonArray *query;

      if (flows_stage_get_stage_type (stage) != FLOWS_STAGE_TYPE_BUILD_URL)
        continue;
      query = json_object_get_array_member (flows_stage_get_settings (stage), "query");
      for (guint q = 0; q < json_array_get_length (query); q++)
        {
          JsonObject *entry = json_array_get_object_element (query, q);

          if (g_str_equal (json_object_get_string_member (entry, "name"), name))
            return json_object_get_string_member (entry, "value");
        }
    }
  return NULL;
}

/* A provider from the New App dialog as a user picks one, with the real keyboard and pointer:
 * a click in the search field, "goog" typed, Enter. The App is named after the provider, has
 * the Google preset's parameters and flows, and opens on its Authentication view. */
static void
test_new_app_from_preset (void)
{
  const char *directory = g_getenv ("FLOWS_SCREENSHOT_DIR");
  GtkWidget *view_stack = test_find_widget_of_type (GTK_WIDGET (window ()), ADW_TYPE_VIEW_STACK);
  GtkWidget *dialog;
  GtkWidget *search;
  FlowsApp *app;

  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (view_stack), "flows");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.new-app", NULL));
  test_wait_for (new_app_dialog_open, NULL, WAIT_MS);
  dialog = find_new_app_dialog ();
  settle_on (dialog);

  if (directory != NULL)
    {
      g_autofree char *path = g_build_filename (directory, "new-app-providers.png", NULL);
      g_autoptr(GError) error = NULL;

      g_assert_true (test_save_snapshot (dialog, path, &error));
      g_assert_no_error (error);
    }

  /* Keys go to the window under the pointer (Xvfb has no window manager). */
  search = test_find_widget_of_type (dialog, GTK_TYPE_SEARCH_ENTRY);
  test_xtest_set_frame_widget (dialog);
  test_pointer_click (search);
  test_type_text ("goog");
  test_wait_for (name_row_reads, (gpointer) "Google", WAIT_MS);
  test_press_key (XK_Return, 0);
  test_wait_for (app_exists, (gpointer) "Google", WAIT_MS);
  test_wait_for (window_title_is, "Google – Flows Studio", WAIT_MS);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (view_stack)), ==, "connection");

  app = flows_library_find_app (library (), "Google");
  g_assert_cmpint (flows_app_get_connection_type (app), ==, FLOWS_CONNECTION_TYPE_OAUTH);
  g_assert_cmpstr (flows_param_get_default (flows_app_find_param (app, "AuthURL")), ==,
                   "https://accounts.google.com/o/oauth2/v2/auth");
  g_assert_cmpstr (flows_param_get_default (flows_app_find_param (app, "TokenURL")), ==,
                   "https://oauth2.googleapis.com/token");
  g_assert_cmpstr (flows_param_get_default (flows_app_find_param (app, "TestURL")), ==,
                   "https://openidconnect.googleapis.com/v1/userinfo");
  g_assert_true (flows_param_get_sensitive (flows_app_find_param (app, "ClientSecret")));
  g_assert_cmpuint (g_list_model_get_n_items (flows_app_get_flows (app)), ==, 4);
  g_assert_nonnull (flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_OAUTH_EXCHANGE));
  g_assert_nonnull (flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_OAUTH_REFRESH));
  g_assert_nonnull (flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_CONNECTION_TEST));
  /* What asks Google for a refresh token. */
  g_assert_cmpstr (authorize_query_value (app, "access_type"), ==, "offline");
  g_assert_cmpstr (authorize_query_value (app, "prompt"), ==, "consent");
  /* The dialog, where the last pointer move went, is gone. */
  test_xtest_set_frame_widget (GTK_WIDGET (window ()));
}

/* Import of an App named like one of the library (in any case): it comes in as "NAME (2)",
 * shown, with a toast that says why; the App that has the name keeps it and its file. */
static void
test_apps_import_name_taken (void)
{
  g_autoptr(FlowsApp) resident = add_app ("Hygrometer");
  g_autoptr(FlowsApp) exported = flows_app_new_from_template ("hygrometer", FLOWS_CONNECTION_TYPE_OAUTH);
  g_autofree char *path = g_build_filename (data_dir, "hygrometer-export.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *text = flows_document_app_to_json (exported);
  g_autofree char *resident_path = g_strdup_printf ("%s/apps/%s.json", data_dir, flows_app_get_id (resident));
  g_autofree char *resident_before = NULL;
  g_autofree char *resident_after = NULL;
  g_autofree char *window_text = NULL;

  g_assert_true (g_file_get_contents (resident_path, &resident_before, NULL, NULL));
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  close_toasts ();
  flows_window_import (window (), file);
  test_wait_for (window_title_is, "hygrometer (2) – Flows Studio", WAIT_MS);
  test_spin (400);
  window_text = test_widget_text (GTK_WIDGET (window ()));
  test_assert_contains (window_text, "Imported “hygrometer” as “hygrometer (2)”: the library has an App of that name already");
  g_assert_cmpstr (flows_app_get_name (resident), ==, "Hygrometer");
  g_assert_true (g_file_get_contents (resident_path, &resident_after, NULL, NULL));
  g_assert_cmpstr (resident_after, ==, resident_before);
  close_toasts ();
  g_assert_true (flows_library_delete_app (library (), flows_library_find_app (library (), "hygrometer (2)"), NULL, NULL));
}

/* A search that hides the App shown shows that instead of the App; Enter picks the first match. */
static void
test_apps_search (void)
{
  GtkWidget *entry = test_find_widget_of_type (GTK_WIDGET (window ()), GTK_TYPE_SEARCH_ENTRY);
  g_autoptr(FlowsApp) app = add_app ("Seismograph");

  flows_window_select_app (window (), flows_app_get_id (app));
  test_wait_for (window_title_is, "Seismograph – Flows Studio", WAIT_MS);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.search", NULL));
  gtk_editable_set_text (GTK_EDITABLE (entry), "todo");
  test_wait_for (sidebar_lacks_app, "Seismograph", WAIT_MS);
  g_assert_cmpstr (content_page (), ==, "hidden");
  g_assert_true (window_title_is ("Flows Studio"));
  g_assert_true (window_shows_label ("“Seismograph” does not match the search."));

  g_signal_emit_by_name (entry, "activate");
  test_wait_for (window_title_is, "Todoist (sample) – Flows Studio", WAIT_MS);
  g_assert_cmpstr (content_page (), ==, "app");

  /* Cleared, the sidebar lists every App again. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  test_wait_for (sidebar_shows_app, "Seismograph", WAIT_MS);
  gtk_search_bar_set_search_mode (GTK_SEARCH_BAR (gtk_widget_get_ancestor (entry, GTK_TYPE_SEARCH_BAR)), FALSE);
}

/* More Apps than the sidebar has room for: the rows a search keeps show the Apps that match, as
 * the text grows, shrinks or changes, the rows it lets back show the rest in order, and an App
 * far down the list is selected and shown, its row too. */
static void
test_apps_search_many (void)
{
  GtkWidget *entry = test_find_widget_of_type (GTK_WIDGET (window ()), GTK_TYPE_SEARCH_ENTRY);
  g_autoptr(GPtrArray) apps = g_ptr_array_new_with_free_func (g_object_unref);
  FlowsApp *last;

  for (guint i = 0; i < 60; i++)
    {
      g_autofree char *name = g_strdup_printf ("Tachometer %02u", i);

      g_ptr_array_add (apps, test_library_add_template (library (), name, FLOWS_CONNECTION_TYPE_GENERIC));
    }
  last = g_ptr_array_index (apps, apps->len - 1);
  test_wait_for (sidebar_shows_app, "Tachometer 00", WAIT_MS);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.search", NULL));
  gtk_editable_set_text (GTK_EDITABLE (entry), "tachometer 5");
  test_wait_for (sidebar_lacks_app, "Tachometer 00", WAIT_MS);
  for (guint i = 50; i < 60; i++)
    {
      g_autofree char *name = g_strdup_printf ("Tachometer %02u", i);

      g_assert_true (sidebar_shows_app (name));
    }
  g_assert_false (sidebar_shows_app ("Seismograph"));
  /* Typing on narrows, deleting widens again, other text starts over. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "tachometer 57");
  test_wait_for (sidebar_lacks_app, "Tachometer 50", WAIT_MS);
  g_assert_true (sidebar_shows_app ("Tachometer 57"));
  gtk_editable_set_text (GTK_EDITABLE (entry), "TACHOMETER 5");
  test_wait_for (sidebar_shows_app, "Tachometer 50", WAIT_MS);
  gtk_editable_set_text (GTK_EDITABLE (entry), "todoist");
  test_wait_for (sidebar_lacks_app, "Tachometer 50", WAIT_MS);
  g_assert_true (sidebar_shows_app ("Todoist (sample)"));

  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  test_wait_for (sidebar_shows_app, "Tachometer 00", WAIT_MS);
  flows_window_select_app (window (), flows_app_get_id (last));
  test_wait_for (window_title_is, "Tachometer 59 – Flows Studio", WAIT_MS);
  test_wait_for (sidebar_shows_app, "Tachometer 59", WAIT_MS);
  g_assert_true (gtk_widget_get_state_flags (sidebar_row ("Tachometer 59")) & GTK_STATE_FLAG_SELECTED);

  gtk_search_bar_set_search_mode (GTK_SEARCH_BAR (gtk_widget_get_ancestor (entry, GTK_TYPE_SEARCH_BAR)), FALSE);
  for (guint i = 0; i < apps->len; i++)
    g_assert_true (flows_library_delete_app (library (), g_ptr_array_index (apps, i), NULL, NULL));
}

/* The Keyboard Shortcuts window is made when first asked for (Ctrl+?), lists the sidebar's and
 * the editor's keys, draws both its sections without a warning (they are fatal here), and is made
 * again after it was closed. */
static void
test_shortcuts_window (void)
{
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (application), "win.show-shortcuts");
  GtkWindow *shortcuts;
  g_autofree char *text = NULL;

  g_assert_true (g_strv_contains ((const char *const *)accels, "<Control>question"));
  g_assert_null (test_find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.show-shortcuts", NULL));
  shortcuts = test_find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_nonnull (shortcuts);
  g_assert_true (gtk_window_get_transient_for (shortcuts) == GTK_WINDOW (window ()));
  test_window_show (shortcuts);
  text = test_widget_text (GTK_WIDGET (shortcuts));
  g_assert_nonnull (strstr (text, "Search Apps"));
  g_assert_nonnull (strstr (text, "Undo Deleting an App"));
  /* The editor's keys are a section of their own, drawn when chosen. */
  g_object_set (shortcuts, "section-name", "editor", NULL);
  test_window_show (shortcuts);
  g_free (text);
  text = test_widget_text (GTK_WIDGET (shortcuts));
  g_assert_nonnull (strstr (text, "Connect the Stage to…"));

  gtk_window_close (shortcuts);
  test_wait_idle ();
  g_assert_null (test_find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.show-shortcuts", NULL));
  shortcuts = test_find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_nonnull (shortcuts);
  test_window_show (shortcuts);
  gtk_window_close (shortcuts);
  test_wait_idle ();
  g_assert_null (test_find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW));
}

static gboolean
tooltip_shows (gpointer text)
{
  return test_find_widget (GTK_WIDGET (window ()), test_is_tooltip_label, text) != NULL;
}

/* A long name is cut short in the sidebar, and shows whole in the row's tooltip. */
static void
test_apps_long_name (void)
{
  static const char *name = "Meteorological Observatory of the Upper Atmosphere and Its Many Instruments";
  g_autoptr(FlowsApp) app = add_app (name);
  GtkWidget *title;
  GtkWidget *header_title;

  /* Laid out, so that the pointer goes where the row is now. */
  test_xtest_set_frame_widget (GTK_WIDGET (window ()));
  test_xtest_settle ();
  title = find_label (sidebar_row (name), name);
  g_assert_true (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (title))));
  /* Two moves: GTK takes a tooltip's place from motion inside the window, not from entering it. */
  test_pointer_move_to (title, 20, 8);
  test_pointer_move_to (title, 24, 8);
  test_wait_for (tooltip_shows, (gpointer)name, WAIT_MS);
  test_pointer_move_to (GTK_WIDGET (window ()), 600, 5);

  /* The header gives the name all the room the view switcher leaves it (it had 14 characters'
   * worth beside a switcher kept in the middle), and when that is still too short, the whole
   * name is in its tooltip. */
  flows_window_select_app (window (), flows_app_get_id (app));
  test_xtest_settle ();
  header_title = gtk_widget_get_prev_sibling (test_find_widget_of_type (GTK_WIDGET (window ()), ADW_TYPE_VIEW_SWITCHER_TITLE));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (header_title)), ==, name);
  g_test_message ("header title %d px of a %d px window", gtk_widget_get_width (header_title), gtk_widget_get_width (GTK_WIDGET (window ())));
  g_assert_cmpint (gtk_widget_get_width (header_title), >=, gtk_widget_get_width (GTK_WIDGET (window ())) / 4);
  g_assert_true (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (header_title))));
  test_pointer_move_to (header_title, 20, 8);
  test_pointer_move_to (header_title, 24, 8);
  test_wait_for (tooltip_shows, (gpointer)name, WAIT_MS);
  test_pointer_move_to (GTK_WIDGET (window ()), 600, 5);
  test_xtest_set_frame_widget (NULL);
}

static gboolean
row_menu_open (gpointer row)
{
  GtkMenuButton *button = GTK_MENU_BUTTON (test_find_widget_of_type (row, GTK_TYPE_MENU_BUTTON));
  GtkPopover *popover = gtk_menu_button_get_popover (button);

  return popover != NULL && gtk_widget_get_mapped (GTK_WIDGET (popover));
}

static gboolean
row_menu_closed (gpointer row)
{
  return !row_menu_open (row);
}

/* The row menu and the list's keys, from the keyboard alone: Shift+F10 opens the menu, whose
 * first item renames; F2 renames; Delete deletes and Ctrl+Z brings the App back. */
static void
test_apps_keyboard (void)
{
  g_autoptr(FlowsApp) app = add_app ("Barograph");
  GtkWidget *row = sidebar_row ("Barograph");
  GtkWidget *list = find_sidebar (GTK_WIDGET (window ()));

  /* Keys go to the window under the pointer (Xvfb has no window manager). */
  test_xtest_set_frame_widget (GTK_WIDGET (window ()));
  test_pointer_move_to (list, 60, 5);
  gtk_widget_grab_focus (row);
  test_xtest_settle ();

  test_press_key (XK_F10, XK_Shift_L, 0);
  test_wait_for (row_menu_open, row, WAIT_MS);
  test_press_key (XK_Escape, 0);
  test_wait_for (row_menu_closed, row, WAIT_MS);
  test_press_key (XK_Menu, 0);
  test_wait_for (row_menu_open, row, WAIT_MS);
  /* The first item, Rename…, has the focus. */
  test_press_key (XK_Return, 0);
  test_wait_for (rename_dialog_open, NULL, WAIT_MS);
  test_press_key (XK_a, XK_Control_L, 0);
  test_type_text ("Thermograph");
  test_press_key (XK_Return, 0);
  test_wait_for (rename_dialog_closed, NULL, WAIT_MS);
  g_assert_cmpstr (flows_app_get_name (app), ==, "Thermograph");

  /* F2 on the row, which kept the focus; Escape cancels. */
  row = sidebar_row ("Thermograph");
  gtk_widget_grab_focus (row);
  test_press_key (XK_F2, 0);
  test_wait_for (rename_dialog_open, NULL, WAIT_MS);
  test_press_key (XK_Escape, 0);
  test_wait_for (rename_dialog_closed, NULL, WAIT_MS);
  g_assert_cmpstr (flows_app_get_name (app), ==, "Thermograph");

  /* Delete, then Ctrl+Z in the list. */
  row = sidebar_row ("Thermograph");
  gtk_widget_grab_focus (row);
  test_press_key (XK_Delete, 0);
  test_wait_for (sidebar_lacks_app, "Thermograph", WAIT_MS);
  wait_for_undo_toast ();
  gtk_widget_grab_focus (list);
  test_press_key (XK_z, XK_Control_L, 0);
  test_wait_for (sidebar_shows_app, "Thermograph", WAIT_MS);
  test_spin (500);
  g_assert_true (flows_library_find_app (library (), flows_app_get_id (app)) == app);
  test_xtest_set_frame_widget (NULL);
}

/* Saves the window as a PNG, the way it draws itself. */
static void
save_screenshot (const char *directory,
                 const char *name)
{
  g_autofree char *path = g_build_filename (directory, name, NULL);
  g_autoptr(GError) error = NULL;
  gboolean saved;

  /* A window whose last change is not drawn yet has nothing to show. */
  settle_on (GTK_WIDGET (window ()));
  saved = test_save_snapshot (GTK_WIDGET (window ()), path, &error);
  g_assert_no_error (error);
  g_assert_true (saved);
}

/* The sidebar with the menu of the sample's row open. */
static void
save_menu_screenshot (const char *directory,
                      const char *name)
{
  g_autofree char *path = g_build_filename (directory, name, NULL);
  g_autoptr(GError) error = NULL;
  GtkWidget *row = sidebar_row ("OAuth Sandbox (sample)");
  GtkMenuButton *button = GTK_MENU_BUTTON (test_find_widget_of_type (row, GTK_TYPE_MENU_BUTTON));
  GtkWidget *popover;
  gboolean saved;

  gtk_menu_button_popup (button);
  test_wait_for (row_menu_open, row, WAIT_MS);
  /* The row makes its menu when it is first opened. */
  popover = GTK_WIDGET (gtk_menu_button_get_popover (button));
  g_assert_nonnull (popover);
  /* Drawn, the popover's animation over. */
  test_spin (300);
  settle_on (popover);
  saved = test_save_snapshot_with_popover (GTK_WIDGET (window ()), popover, &GRAPHENE_RECT_INIT (0, 0, 560, 340), path, &error);
  g_assert_no_error (error);
  g_assert_true (saved);
  gtk_popover_popdown (GTK_POPOVER (popover));
}

/* The editor in a narrow window ------------------------------------------------------------- */

#define STEP2_NAME "OAuth Step 2 - Exchange temporary token for access and refresh token"

static gboolean
window_has_width (gpointer width)
{
  /* The surface's: the window widget leaves out the frame around it. */
  return gdk_surface_get_width (gtk_native_get_surface (GTK_NATIVE (window ()))) == GPOINTER_TO_INT (width);
}

/* The window @width px wide (and 700 px high), laid out again. */
static void
resize_window (int width)
{
  gtk_window_set_default_size (GTK_WINDOW (window ()), width, 700);
  test_wait_for (window_has_width, GINT_TO_POINTER (width), WAIT_MS);
  test_wait_settled (GTK_WIDGET (window ()));
  settle_on (GTK_WIDGET (window ()));
}

static GtkWidget *
canvas (void)
{
  return test_find_widget_of_type (GTK_WIDGET (window ()), FLOWS_TYPE_CANVAS);
}

/* The editor is in sight with room for the canvas: what a user working on a flow must see. */
static gboolean
editor_shown (gpointer unused)
{
  GtkWidget *widget = canvas ();

  return widget != NULL && gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) >= 240;
}

/* The leaflet is still while it slides between its pages, and, once folded, when its page fills
 * it: it folds and unfolds in an animation (libadwaita 1.2's mode transition, 250 ms), in which
 * the page grows from its minimum width. That animation starts in the leaflet's allocation,
 * where it also ends any slide between pages, and a page slide that starts in it may make GTK
 * draw the content before it is laid out: keys wait for the window to be still, as a person
 * does for what they look at. */
static gboolean
leaflet_still (gpointer unused)
{
  AdwLeaflet *leaflet = ADW_LEAFLET (test_find_widget_of_type (GTK_WIDGET (window ()), ADW_TYPE_LEAFLET));
  GtkWidget *page = adw_leaflet_get_visible_child (leaflet);

  if (adw_leaflet_get_child_transition_running (leaflet))
    return FALSE;
  return !adw_leaflet_get_folded (leaflet) || gtk_widget_get_width (page) == gtk_widget_get_width (GTK_WIDGET (leaflet));
}

static void
assert_editor_shown (const char *when)
{
  AdwLeaflet *leaflet = ADW_LEAFLET (test_find_widget_of_type (GTK_WIDGET (window ()), ADW_TYPE_LEAFLET));

  test_wait_for (editor_shown, NULL, WAIT_MS);
  test_wait_for (leaflet_still, NULL, WAIT_MS);
  test_wait_settled (GTK_WIDGET (window ()));
  g_test_message ("%s: a %d px window, the canvas %d px wide, the Apps %s", when,
                  gdk_surface_get_width (gtk_native_get_surface (GTK_NATIVE (window ()))), gtk_widget_get_width (canvas ()),
                  adw_leaflet_get_folded (leaflet) ? "folded away" : "beside it");
  g_assert_true (editor_shown (NULL));
}

static gboolean
apps_list_shown (gpointer unused)
{
  GtkWidget *sidebar = find_sidebar (GTK_WIDGET (window ()));

  return gtk_widget_get_mapped (sidebar) && !gtk_widget_get_mapped (canvas ());
}

static gboolean
is_button_with_icon (GtkWidget     *widget,
                     gconstpointer  icon_name)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (widget)), icon_name) == 0;
}

/* Ctrl+B takes the Apps away and brings them back. In a wide window the sidebar goes and comes
 * back beside the editor, which stays in sight all along; in a folded window the Apps are a page
 * of their own: Ctrl+B goes to it, and from it back to the editor, the sidebar visible all along
 * and the window folded. There the second press comes as soon as the Apps show, while the
 * leaflet may still slide to them, as in a quick double press. GTK's warnings stay fatal. */
static void
toggle_sidebar_twice (const char *apps_screenshot)
{
  const char *directory = g_getenv ("FLOWS_SCREENSHOT_DIR");
  GtkWidget *sidebar = gtk_widget_get_ancestor (find_sidebar (GTK_WIDGET (window ())), GTK_TYPE_BOX);
  AdwLeaflet *leaflet = ADW_LEAFLET (test_find_widget_of_type (GTK_WIDGET (window ()), ADW_TYPE_LEAFLET));
  gboolean folded = adw_leaflet_get_folded (leaflet);

  /* Keys go to the window under the pointer, which a narrower window may have left. */
  test_pointer_move_to (canvas (), 20, 20);
  gtk_widget_grab_focus (canvas ());
  test_press_key (XK_b, XK_Control_L, 0);
  if (folded)
    {
      test_wait_for (apps_list_shown, NULL, WAIT_MS);
      g_assert_true (gtk_widget_get_visible (sidebar));
      g_assert_true (adw_leaflet_get_folded (leaflet));
      g_test_message ("the Apps shown: their page in a folded window");
      if (directory != NULL && apps_screenshot != NULL)
        save_screenshot (directory, apps_screenshot);
    }
  else
    {
      g_assert_false (gtk_widget_get_visible (sidebar));
      assert_editor_shown ("the Apps hidden");
    }
  test_press_key (XK_b, XK_Control_L, 0);
  g_assert_true (gtk_widget_get_visible (sidebar));
  assert_editor_shown ("the Apps back");
  g_assert_true (adw_leaflet_get_folded (leaflet) == folded);
}

/* The editor works in a window of 800 px and of 600 px: a flow opened with a click shows in
 * the editor, also where the Apps no longer fit beside it; Ctrl+B takes the Apps away and back
 * (see toggle_sidebar_twice()); the back button of the folded window goes to the Apps, and
 * choosing the App comes back to the flow. */
static void
test_editor_narrow (void)
{
  const char *directory = g_getenv ("FLOWS_SCREENSHOT_DIR");
  GtkWidget *view_stack = test_find_widget_of_type (GTK_WIDGET (window ()), ADW_TYPE_VIEW_STACK);
  GtkWidget *editor;
  FlowsFlow *flow;

  close_toasts ();
  flows_window_select_app (window (), "sandbox-sample");
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (view_stack), "flows");
  /* Keys go to the window under the pointer (Xvfb has no window manager). */
  test_xtest_set_frame_widget (GTK_WIDGET (window ()));
  resize_window (800);
  test_pointer_click (find_row (GTK_WIDGET (window ()), STEP2_NAME));
  assert_editor_shown ("opened at 800 px");
  toggle_sidebar_twice (NULL);

  /* The properties panel of the Call API stage, open beside the canvas. */
  editor = test_find_widget_of_type (GTK_WIDGET (window ()), FLOWS_TYPE_FLOW_EDITOR);
  flow = flows_flow_editor_get_flow (FLOWS_FLOW_EDITOR (editor));
  g_assert_cmpstr (flows_flow_get_name (flow), ==, STEP2_NAME);
  flows_canvas_select_stage (FLOWS_CANVAS (canvas ()), g_list_model_get_item (flows_flow_get_stages (flow), 1), FALSE);
  g_object_unref (g_list_model_get_item (flows_flow_get_stages (flow), 1));
  test_pointer_click (test_get_widget (editor, is_button_with_icon, "sidebar-show-right-symbolic"));
  assert_editor_shown ("the properties open at 800 px");
  if (directory != NULL)
    save_screenshot (directory, "editor-800.png");
  toggle_sidebar_twice (NULL);

  /* 600 px: the Apps fold away, the editor stays. */
  resize_window (600);
  assert_editor_shown ("600 px");

  /* Back to the Apps, and to the flow again by choosing its App. */
  test_pointer_click (test_get_widget (GTK_WIDGET (window ()), test_has_action, "win.show-apps"));
  test_wait_for (apps_list_shown, NULL, WAIT_MS);
  test_pointer_click (sidebar_row ("OAuth Sandbox (sample)"));
  assert_editor_shown ("the App chosen again");

  /* Opened while the window is folded on the Flows list. */
  test_pointer_click (test_get_widget (editor, test_has_action, "flows.show-list"));
  test_pointer_click (find_row (GTK_WIDGET (window ()), STEP2_NAME));
  assert_editor_shown ("opened at 600 px");
  if (directory != NULL)
    save_screenshot (directory, "narrow-editor.png");
  toggle_sidebar_twice ("narrow-apps.png");
  test_xtest_set_frame_widget (NULL);
  resize_window (1200);
  gtk_window_set_default_size (GTK_WINDOW (window ()), 1200, 800);
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (view_stack), "connection");
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
  close_toasts ();
  flows_window_select_app (window (), "sandbox-sample");
  view_stack = test_find_widget_of_type (GTK_WIDGET (window ()), ADW_TYPE_VIEW_STACK);
  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    {
      adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (view_stack), views[i].view);
      test_spin (500);
      save_screenshot (directory, views[i].file);
    }
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (view_stack), "connection");
  save_menu_screenshot (directory, "apps-menu.png");
}

/* Sign In to the sandbox sample starts the sandbox provider on its configured port, 8977 unless
 * changed, which the samples name. Which port is not what this test is about, and two runs on
 * one machine (parallel worktrees) would meet on that one: the setting names a free port of
 * the test's choice, and the samples are copied with it. */
static void
use_free_sandbox_port (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  sandbox_port = test_closed_port ();
  g_assert_true (g_settings_set_uint (settings, "sandbox-port", sandbox_port));
}

static void
copy_sample (const char *name,
             const char *subdirectory)
{
  g_autofree char *source = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "..", "data", "samples", name, NULL);
  g_autofree char *target = g_build_filename (data_dir, subdirectory, name, NULL);
  g_autofree char *text = NULL;
  g_autofree char *sandbox_host = g_strdup_printf ("127.0.0.1:%u", sandbox_port);
  g_auto(GStrv) pieces = NULL;
  g_autofree char *copied = NULL;

  g_assert_true (g_file_get_contents (source, &text, NULL, NULL));
  pieces = g_strsplit (text, "127.0.0.1:8977", -1);
  copied = g_strjoinv (sandbox_host, pieces);
  g_assert_true (g_file_set_contents (target, copied, -1, NULL));
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

  /* XTest needs X11, the only display GTK may then open. */
  g_setenv ("GDK_BACKEND", "x11", TRUE);
  if (!test_ui_init (&argc, &argv))
    {
      g_test_skip ("no display");
      return g_test_run ();
    }

  data_dir = test_make_temp_dir ("flows-test-window-XXXXXX");
  use_free_sandbox_port ();
  write_library ();
  application = test_application_start (data_dir);

  g_test_add_func ("/window/broken-file-row", test_broken_file_row);
  g_test_add_func ("/window/new-oauth-app", test_new_oauth_app);
  g_test_add_func ("/window/external-edit", test_external_edit_shows);
  g_test_add_func ("/window/sign-in-module-missing", test_sign_in_module_missing);
  g_test_add_func ("/window/sign-in-module", test_sign_in_module);
  g_test_add_func ("/window/apps/rename", test_apps_rename);
  g_test_add_func ("/window/apps/duplicate", test_apps_duplicate);
  g_test_add_func ("/window/apps/delete-undo", test_apps_delete_undo);
  g_test_add_func ("/window/apps/delete-committed", test_apps_delete_committed);
  g_test_add_func ("/window/apps/delete-committed-with-window", test_apps_delete_committed_with_window);
  g_test_add_func ("/window/apps/new-app-name", test_apps_new_app_name);
  g_test_add_func ("/window/new-app-from-preset", test_new_app_from_preset);
  g_test_add_func ("/window/apps/import-name-taken", test_apps_import_name_taken);
  g_test_add_func ("/window/apps/search", test_apps_search);
  g_test_add_func ("/window/apps/search-many", test_apps_search_many);
  g_test_add_func ("/window/shortcuts", test_shortcuts_window);
  g_test_add_func ("/window/apps/long-name", test_apps_long_name);
  g_test_add_func ("/window/apps/keyboard", test_apps_keyboard);
  g_test_add_func ("/window/screenshots", test_screenshots);
  /* After the Apps' tests, which expect the window as it started. */
  g_test_add_func ("/window/narrow/editor", test_editor_narrow);

  status = g_test_run ();

  test_application_stop (&application);
  test_remove_tree (data_dir);
  return status;
}
