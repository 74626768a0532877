/* test-connections-page.c — the Connections view driven through its actions and real dialogs.
 *
 * The page is hosted in a plain 1200×800 window with a toast overlay, as in the main window,
 * with a Generic App made from the template (a sensitive, required "API key" and a "Test URL")
 * and a SoupServer on 127.0.0.1 that answers 200 only to "Authorization: Bearer <the key>".
 * Connections are added and edited by typing into the editor's rows and activating its save
 * action; tests run through "connection.test" and are judged by what the result panel shows.
 * Secrets are checked where they must be (the real keyring of build-aux/session) and where they
 * must not be (any byte of any file under the data directory, any label of the result panel).
 *
 * flows_widget_show_toast() and flows_widget_show_error() are replaced here by recorders, so
 * that the page is tested without the main window. There is no FlowsApplication either: the
 * page is given a runner of the test's own.
 *
 * With FLOWS_SCREENSHOT_DIR set, the windows are saved there as PNG: the empty page, the editor
 * adding and editing, and the page once the result panel shows each verdict.
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "flows-app-templates.h"
#include "flows-application.h"
#include "flows-connection-editor.h"
#include "flows-connections-page.h"
#include "flows-sandbox-provider.h"
#include "flows-secrets.h"
#include "flows-sign-in-window.h"
#include "flows-test-result.h"
#include "flows-window.h"
#include "runner-helpers.h"

#define GOOD_KEY "sk-live-4f0c2b9e-9d1a-4c3e-8b7f-GOOD"
#define WRONG_KEY "sk-live-0000-WRONG-0000"
#define WAIT_MS 20000

static gboolean have_display;
static GPtrArray *shown_toasts;
static GPtrArray *shown_errors;

void
flows_widget_show_toast (GtkWidget  *widget,
                         const char *message)
{
  g_ptr_array_add (shown_toasts, g_strdup (message));
}

void
flows_widget_show_error (GtkWidget  *widget,
                         const char *summary,
                         const char *details)
{
  g_ptr_array_add (shown_errors, g_strconcat (summary, ": ", details, NULL));
}

/* The page asks for the application's shared runner only when it has none; the test always
 * gives it one, and there is no FlowsApplication in this process. */
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

typedef struct
{
  char                 *data_dir;
  FlowsLibrary         *library;
  FlowsApp             *app;
  FlowsRunner          *runner;
  TestServer           *server;
  GtkWindow            *window;
  FlowsConnectionsPage *page;
} Fixture;

/* Helpers ---------------------------------------------------------------------------------- */

static void
wait_idle (void)
{
  /* Twice: a dialog mapping or a list rebuilding queues more work from its idle handlers. */
  for (guint i = 0; i < 2; i++)
    while (g_main_context_iteration (NULL, FALSE))
      ;
}

static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
    }
  g_remove (path);
}

/* Whether @needle occurs in any file below @path. */
static gboolean
tree_contains (const char *path,
               const char *needle)
{
  g_autofree char *contents = NULL;
  gsize length;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (tree_contains (child, needle))
            return TRUE;
        }
      return FALSE;
    }

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  /* Byte by byte: a file may hold anything, NULs included. */
  for (gsize i = 0; i + strlen (needle) <= length; i++)
    if (memcmp (contents + i, needle, strlen (needle)) == 0)
      return TRUE;
  return FALSE;
}

typedef gboolean (*WidgetMatch) (GtkWidget *widget,
                                 gconstpointer data);

static GtkWidget *
find_widget (GtkWidget     *root,
             WidgetMatch    match,
             gconstpointer  data)
{
  if (match (root, data))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
collect_labels (GtkWidget *root,
                GString   *text)
{
  if (GTK_IS_LABEL (root))
    {
      g_string_append (text, gtk_label_get_text (GTK_LABEL (root)));
      g_string_append_c (text, '\n');
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    collect_labels (child, text);
}

static gboolean
is_row_titled (GtkWidget     *widget,
               gconstpointer  title)
{
  return ADW_IS_PREFERENCES_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static gboolean
is_type (GtkWidget     *widget,
         gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

static gboolean
has_action (GtkWidget     *widget,
            gconstpointer  action_name)
{
  return GTK_IS_ACTIONABLE (widget) &&
         g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0;
}

static gboolean
has_class (GtkWidget     *widget,
           gconstpointer  css_class)
{
  return gtk_widget_has_css_class (widget, css_class);
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

static gboolean
no_editor_open (gpointer user_data)
{
  return find_toplevel (FLOWS_TYPE_CONNECTION_EDITOR) == NULL;
}

static gboolean
test_finished (gpointer user_data)
{
  Fixture *fixture = user_data;
  GtkWidget *spinner = find_widget (GTK_WIDGET (fixture->page), is_type, GSIZE_TO_POINTER (GTK_TYPE_SPINNER));

  return spinner == NULL || !gtk_widget_get_visible (spinner);
}

static gboolean
connection_gone (gpointer user_data)
{
  Fixture *fixture = user_data;

  return g_list_model_get_n_items (flows_library_get_connections (fixture->library)) == 0;
}

/* The service: 200 for the good key only, 401 with a JSON reason for anything else. */
static void
on_test_request (TestServer        *server,
                 SoupServerMessage *msg,
                 TestRequest       *request,
                 gpointer           user_data)
{
  const char *authorization = soup_message_headers_get_one (request->headers, "Authorization");
  gboolean good = g_strcmp0 (authorization, "Bearer " GOOD_KEY) == 0;
  const char *body = good ? "{\"user\":\"ada\",\"plan\":\"team\"}"
                          : "{\"error\":\"invalid_api_key\",\"message\":\"The API key is not valid.\"}";

  soup_server_message_set_status (msg, good ? 200 : 401, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, body, strlen (body));
}

/* Opens the editor through @action (with the connection id @id, or none) and returns it. */
static FlowsConnectionEditor *
open_editor (Fixture    *fixture,
             const char *action,
             const char *id)
{
  GtkWindow *editor;

  if (id != NULL)
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), action, "s", id));
  else
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), action, NULL));
  wait_idle ();
  editor = find_toplevel (FLOWS_TYPE_CONNECTION_EDITOR);
  g_assert_nonnull (editor);
  g_assert_true (gtk_window_get_modal (editor));
  g_assert_true (gtk_window_get_transient_for (editor) == fixture->window);
  return FLOWS_CONNECTION_EDITOR (editor);
}

static GtkWidget *
editor_row (FlowsConnectionEditor *editor,
            const char            *title)
{
  GtkWidget *row = find_widget (GTK_WIDGET (editor), is_row_titled, title);

  g_assert_nonnull (row);
  return row;
}

static gboolean
save_enabled (FlowsConnectionEditor *editor)
{
  GtkWidget *button = find_widget (GTK_WIDGET (editor), has_action, "editor.save");

  g_assert_nonnull (button);
  return gtk_widget_get_sensitive (button);
}

static char *
editor_problem (FlowsConnectionEditor *editor)
{
  g_autoptr(GString) text = g_string_new (NULL);

  collect_labels (GTK_WIDGET (editor), text);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Adds a connection through the editor with @key and the server's test URL; returns it. */
static FlowsConnection *
add_connection (Fixture    *fixture,
                const char *name,
                const char *key)
{
  FlowsConnectionEditor *editor = open_editor (fixture, "connections.add", NULL);
  g_autofree char *test_url = test_server_url (fixture->server, "/me");
  GListModel *connections = flows_library_get_connections (fixture->library);
  guint before = g_list_model_get_n_items (connections);
  g_autoptr(FlowsConnection) connection = NULL;

  g_assert_true (ADW_IS_PASSWORD_ENTRY_ROW (editor_row (editor, "API key")));
  gtk_editable_set_text (GTK_EDITABLE (editor_row (editor, "Name")), name);
  gtk_editable_set_text (GTK_EDITABLE (editor_row (editor, "API key")), key);
  gtk_editable_set_text (GTK_EDITABLE (editor_row (editor, "Test URL")), test_url);
  g_assert_true (save_enabled (editor));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL));
  test_wait_for (no_editor_open, NULL, WAIT_MS);
  wait_idle ();

  g_assert_cmpuint (g_list_model_get_n_items (connections), ==, before + 1);
  connection = g_list_model_get_item (connections, before);
  g_assert_cmpstr (flows_connection_get_name (connection), ==, name);
  g_assert_cmpstr (flows_connection_get_value (connection, "TestURL"), ==, test_url);
  /* The sensitive value is never a value of the connection object, let alone its file. */
  g_assert_null (flows_connection_get_value (connection, "ApiKey"));
  return g_steal_pointer (&connection);
}

static FlowsTestResult *
run_test (Fixture         *fixture,
          FlowsConnection *connection)
{
  GtkWidget *result;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "connection.test", "s",
                                             flows_connection_get_id (connection)));
  test_wait_for (test_finished, fixture, WAIT_MS);
  wait_idle ();

  result = find_widget (GTK_WIDGET (fixture->page), is_type, GSIZE_TO_POINTER (FLOWS_TYPE_TEST_RESULT));
  g_assert_nonnull (result);
  g_assert_true (gtk_widget_is_visible (result));
  g_assert_nonnull (flows_test_result_get_run (FLOWS_TEST_RESULT (result)));
  return FLOWS_TEST_RESULT (result);
}

static GtkLabel *
verdict_label (FlowsTestResult *result)
{
  GtkWidget *label = find_widget (GTK_WIDGET (result), has_class, "title-1");

  g_assert_true (GTK_IS_LABEL (label));
  return GTK_LABEL (label);
}

static char *
result_text (FlowsTestResult *result)
{
  g_autoptr(GString) text = g_string_new (NULL);

  collect_labels (GTK_WIDGET (result), text);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The subtitle of the page's row for @connection. */
static const char *
row_status (Fixture         *fixture,
            FlowsConnection *connection)
{
  GtkWidget *row = find_widget (GTK_WIDGET (fixture->page), is_row_titled, flows_connection_get_name (connection));

  g_assert_true (ADW_IS_ACTION_ROW (row));
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
}

static void
save_screenshot (GtkWindow  *window,
                 const char *name)
{
  const char *directory = g_getenv ("FLOWS_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  GskRenderer *renderer;
  int width, height;

  if (directory == NULL)
    return;

  /* Let the window settle: a new result panel is laid out and painted over a few frames. */
  for (guint i = 0; i < 20; i++)
    {
      wait_idle ();
      g_usleep (20000);
    }

  paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  width = gtk_widget_get_width (GTK_WIDGET (window));
  height = gtk_widget_get_height (GTK_WIDGET (window));
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  path = g_build_filename (directory, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Screenshot: %s", path);
}

static gboolean
need_display (void)
{
  if (!have_display)
    g_test_skip ("no display");
  return have_display;
}

static gboolean
need_keyring (void)
{
  if (!need_display ())
    return FALSE;
  if (g_strcmp0 (g_getenv ("FLOWS_TEST_SECRET_SERVICE"), "1") != 0)
    {
      g_test_skip ("no disposable Secret Service: run under build-aux/session");
      return FALSE;
    }
  return TRUE;
}

/* Fixture ---------------------------------------------------------------------------------- */

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GFile) directory = NULL;
  g_autoptr(GError) error = NULL;
  AdwToastOverlay *overlay;
  GtkWidget *header_bar;
  GtkWidget *box;

  if (!have_display)
    return;

  g_ptr_array_set_size (shown_toasts, 0);
  g_ptr_array_set_size (shown_errors, 0);

  fixture->data_dir = g_dir_make_tmp ("flows-connections-XXXXXX", &error);
  g_assert_no_error (error);
  directory = g_file_new_for_path (fixture->data_dir);
  fixture->library = flows_library_new (directory);
  g_assert_true (flows_library_load (fixture->library, &error));
  g_assert_no_error (error);

  fixture->app = flows_app_new_from_template ("Example API", FLOWS_CONNECTION_TYPE_GENERIC);
  g_assert_true (flows_library_add_app (fixture->library, fixture->app, &error));
  g_assert_no_error (error);

  fixture->server = test_server_new ();
  test_server_handle (fixture->server, "/me", on_test_request, NULL);
  fixture->runner = flows_runner_new ();
  flows_token_refresher_attach (fixture->runner, fixture->library);

  /* A header bar as in the main window, so that screenshots look like the app. */
  fixture->window = GTK_WINDOW (adw_window_new ());
  gtk_window_set_title (fixture->window, "Flows Studio");
  gtk_window_set_default_size (fixture->window, 1200, 800);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header_bar = adw_header_bar_new ();
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header_bar), adw_window_title_new ("Example API", "Connections"));
  gtk_box_append (GTK_BOX (box), header_bar);
  overlay = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (overlay), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (overlay));
  fixture->page = FLOWS_CONNECTIONS_PAGE (flows_connections_page_new ());
  g_object_set (fixture->page,
                "library", fixture->library,
                "app", fixture->app,
                "runner", fixture->runner,
                NULL);
  adw_toast_overlay_set_child (overlay, GTK_WIDGET (fixture->page));
  adw_window_set_content (ADW_WINDOW (fixture->window), box);
  gtk_window_present (fixture->window);
  wait_idle ();
  /* The default size counts the frame's shadow: grow it so that the window itself is
   * 1200×800, the size of the screenshots. */
  gtk_window_set_default_size (fixture->window,
                               2400 - gtk_widget_get_width (GTK_WIDGET (fixture->window)),
                               1600 - gtk_widget_get_height (GTK_WIDGET (fixture->window)));
  wait_idle ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  GListModel *connections;

  if (!have_display)
    return;

  /* The session's keyring is disposable, but a test leaves nothing behind anyway. */
  connections = flows_library_get_connections (fixture->library);
  for (guint i = 0; i < g_list_model_get_n_items (connections); i++)
    {
      g_autoptr(FlowsConnection) connection = g_list_model_get_item (connections, i);

      flows_secrets_clear_connection_sync (flows_connection_get_app_id (connection),
                                           flows_connection_get_id (connection), NULL, NULL);
    }

  g_clear_pointer (&fixture->window, gtk_window_destroy);
  wait_idle ();
  g_clear_pointer (&fixture->server, test_server_free);
  g_clear_object (&fixture->runner);
  g_clear_object (&fixture->app);
  g_clear_object (&fixture->library);
  remove_tree (fixture->data_dir);
  g_clear_pointer (&fixture->data_dir, g_free);
}

/* Tests ------------------------------------------------------------------------------------ */

static void
test_empty_state (Fixture       *fixture,
                  gconstpointer  data)
{
  GtkStack *stack;
  GtkWidget *button;

  if (!need_display ())
    return;

  stack = GTK_STACK (adw_bin_get_child (ADW_BIN (fixture->page)));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");
  save_screenshot (fixture->window, "connections-empty.png");
  button = find_widget (gtk_stack_get_visible_child (stack), has_action, "connections.add");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_sensitive (button));

  /* Without an App there is nothing to add a connection to. */
  flows_connections_page_set_app (fixture->page, NULL);
  wait_idle ();
  g_assert_false (gtk_widget_get_sensitive (button));
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "connections.add", NULL);
  wait_idle ();
  g_assert_null (find_toplevel (FLOWS_TYPE_CONNECTION_EDITOR));
}

static void
test_editor_validates (Fixture       *fixture,
                       gconstpointer  data)
{
  FlowsConnectionEditor *editor;
  GtkWidget *url_row;
  g_autofree char *problem = NULL;
  g_autofree char *malformed = NULL;

  if (!need_display ())
    return;

  editor = open_editor (fixture, "connections.add", NULL);
  /* The name is suggested; the required parameters are not filled in. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (editor_row (editor, "Name"))), ==, "Example API");
  g_assert_false (save_enabled (editor));
  problem = editor_problem (editor);
  g_assert_nonnull (strstr (problem, "API key"));
  g_assert_nonnull (strstr (problem, "Test URL"));

  gtk_editable_set_text (GTK_EDITABLE (editor_row (editor, "API key")), "k");
  url_row = editor_row (editor, "Test URL");
  gtk_editable_set_text (GTK_EDITABLE (url_row), "not a web address");
  g_assert_false (save_enabled (editor));
  g_assert_true (gtk_widget_has_css_class (url_row, "error"));
  malformed = editor_problem (editor);
  g_assert_nonnull (strstr (malformed, "“Test URL” must be a web address"));
  save_screenshot (GTK_WINDOW (editor), "connection-editor-invalid.png");

  gtk_editable_set_text (GTK_EDITABLE (url_row), "https://api.example.com/me");
  g_assert_false (gtk_widget_has_css_class (url_row, "error"));
  g_assert_true (save_enabled (editor));

  /* A blank name is no name. */
  gtk_editable_set_text (GTK_EDITABLE (editor_row (editor, "Name")), "   ");
  g_assert_false (save_enabled (editor));

  /* Saving while invalid does nothing; closing adds nothing. */
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
  gtk_window_close (GTK_WINDOW (editor));
  wait_idle ();
  g_assert_null (find_toplevel (FLOWS_TYPE_CONNECTION_EDITOR));
  g_assert_cmpuint (g_list_model_get_n_items (flows_library_get_connections (fixture->library)), ==, 0);
}

static FlowsParam *
add_param (FlowsApp       *app,
           const char     *key,
           const char     *label,
           FlowsParamKind  kind,
           gboolean        required,
           const char     *default_value)
{
  g_autoptr(FlowsParam) param = flows_param_new (key, label, kind);

  flows_param_set_required (param, required);
  flows_param_set_default (param, default_value);
  flows_app_add_param (app, param);
  return param;
}

/* One row of the right kind per parameter, defaults filled in, and what they hold saved. */
static void
test_editor_kinds (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(FlowsApp) app = flows_app_new ("kinds", "Kinds", FLOWS_CONNECTION_TYPE_GENERIC);
  const char * const regions[] = { "eu", "us", "ap", NULL };
  g_autoptr(FlowsConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  FlowsConnectionEditor *editor;
  GtkWidget *number_row, *switch_row, *region_row, *tier_row, *notes_row, *toggle, *view;
  GtkTextBuffer *buffer;

  if (!need_display ())
    return;

  add_param (app, "Port", "Port", FLOWS_PARAM_KIND_NUMBER, TRUE, "443");
  add_param (app, "Sandbox", "Use the sandbox", FLOWS_PARAM_KIND_BOOLEAN, FALSE, "true");
  flows_param_set_choices (add_param (app, "Region", "Region", FLOWS_PARAM_KIND_CHOICE, TRUE, "us"), regions);
  flows_param_set_choices (add_param (app, "Tier", "Tier", FLOWS_PARAM_KIND_CHOICE, FALSE, ""), regions);
  add_param (app, "Notes", "Notes", FLOWS_PARAM_KIND_MULTILINE, FALSE, "");
  g_assert_true (flows_library_add_app (fixture->library, app, &error));
  g_assert_no_error (error);
  flows_connections_page_set_app (fixture->page, app);

  editor = open_editor (fixture, "connections.add", NULL);
  number_row = editor_row (editor, "Port");
  switch_row = editor_row (editor, "Use the sandbox");
  region_row = editor_row (editor, "Region");
  tier_row = editor_row (editor, "Tier");
  notes_row = editor_row (editor, "Notes");
  g_assert_true (ADW_IS_ENTRY_ROW (number_row));
  g_assert_true (ADW_IS_ACTION_ROW (switch_row));
  g_assert_true (ADW_IS_COMBO_ROW (region_row));
  g_assert_true (ADW_IS_COMBO_ROW (tier_row));
  g_assert_true (ADW_IS_EXPANDER_ROW (notes_row));

  /* Defaults, and "None" first for the optional choice. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (number_row)), ==, "443");
  toggle = find_widget (switch_row, is_type, GSIZE_TO_POINTER (GTK_TYPE_SWITCH));
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (toggle)));
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (region_row)), ==, 1);
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (tier_row)), ==, 0);
  g_assert_true (save_enabled (editor));

  gtk_editable_set_text (GTK_EDITABLE (number_row), "4x3");
  g_assert_false (save_enabled (editor));
  g_assert_true (gtk_widget_has_css_class (number_row, "error"));
  gtk_editable_set_text (GTK_EDITABLE (number_row), "8443");
  g_assert_true (save_enabled (editor));

  gtk_switch_set_active (GTK_SWITCH (toggle), FALSE);
  adw_combo_row_set_selected (ADW_COMBO_ROW (region_row), 2);
  adw_combo_row_set_selected (ADW_COMBO_ROW (tier_row), 1);
  view = find_widget (notes_row, is_type, GSIZE_TO_POINTER (GTK_TYPE_TEXT_VIEW));
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  gtk_text_buffer_set_text (buffer, "line one\nline two", -1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL));
  test_wait_for (no_editor_open, NULL, WAIT_MS);

  connection = g_list_model_get_item (flows_library_get_connections (fixture->library), 0);
  g_assert_cmpstr (flows_connection_get_value (connection, "Port"), ==, "8443");
  g_assert_cmpstr (flows_connection_get_value (connection, "Sandbox"), ==, "false");
  g_assert_cmpstr (flows_connection_get_value (connection, "Region"), ==, "ap");
  g_assert_cmpstr (flows_connection_get_value (connection, "Tier"), ==, "eu");
  g_assert_cmpstr (flows_connection_get_value (connection, "Notes"), ==, "line one\nline two");

  /* Editing shows what was saved; "None" removes the optional value. */
  editor = open_editor (fixture, "connection.edit", flows_connection_get_id (connection));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (editor_row (editor, "Port"))), ==, "8443");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (editor_row (editor, "Region"))), ==, 2);
  adw_combo_row_set_selected (ADW_COMBO_ROW (editor_row (editor, "Tier")), 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL));
  test_wait_for (no_editor_open, NULL, WAIT_MS);
  g_assert_null (flows_connection_get_value (connection, "Tier"));
  g_assert_cmpstr (flows_connection_get_value (connection, "Region"), ==, "ap");
  g_assert_cmpstr (g_ptr_array_index (shown_toasts, shown_toasts->len - 1), ==, "Saved the connection “Kinds”");
}

static void
test_add_keeps_secret_in_keyring (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(FlowsConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = NULL;
  GtkStack *stack;

  if (!need_keyring ())
    return;

  connection = add_connection (fixture, "Production", GOOD_KEY);

  stored = flows_secrets_lookup_sync (flows_app_get_id (fixture->app), flows_connection_get_id (connection),
                                      "ApiKey", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored, ==, GOOD_KEY);
  g_assert_false (tree_contains (fixture->data_dir, GOOD_KEY));
  g_assert_true (tree_contains (fixture->data_dir, flows_connection_get_id (connection)));

  /* The page shows it, never tested, and said so. */
  stack = GTK_STACK (adw_bin_get_child (ADW_BIN (fixture->page)));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "list");
  g_assert_cmpstr (row_status (fixture, connection), ==, "Never tested");
  g_assert_cmpuint (shown_toasts->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (shown_toasts, 0), ==, "Added the connection “Production”");
  g_assert_cmpuint (shown_errors->len, ==, 0);
}

static void
test_pass_then_fail (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(FlowsConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *pass_text = NULL;
  g_autofree char *fail_text = NULL;
  FlowsConnectionEditor *editor;
  FlowsTestResult *result;
  GtkLabel *verdict;
  GtkWidget *key_row;

  if (!need_keyring ())
    return;

  connection = add_connection (fixture, "Production", GOOD_KEY);

  /* PASS: the server saw the key from the keyring. */
  result = run_test (fixture, connection);
  pass_text = result_text (result);
  g_test_message ("The result panel says:\n%s", pass_text);
  verdict = verdict_label (result);
  g_assert_cmpstr (gtk_label_get_text (verdict), ==, "PASS");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (verdict), "success"));
  g_assert_nonnull (strstr (pass_text, "200 OK"));
  g_assert_nonnull (strstr (pass_text, "Call the test endpoint"));
  g_assert_nonnull (strstr (pass_text, "\"plan\" : \"team\""));
  g_assert_null (strstr (pass_text, GOOD_KEY));
  g_assert_nonnull (strstr (pass_text, "Bearer •••"));
  g_assert_true (flows_connection_get_last_test_passed (connection));
  g_assert_cmpuint (flows_connection_get_last_test_status (connection), ==, 200);
  g_assert_true (g_str_has_prefix (row_status (fixture, connection), "Passed at "));
  save_screenshot (fixture->window, "connections-pass.png");

  /* Edit: the stored key is not shown, and typing replaces it. */
  editor = open_editor (fixture, "connection.edit", flows_connection_get_id (connection));
  key_row = editor_row (editor, "API key — stored in the keyring, leave empty to keep");
  g_assert_true (ADW_IS_PASSWORD_ENTRY_ROW (key_row));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (key_row)), ==, "");
  g_assert_true (save_enabled (editor));
  save_screenshot (GTK_WINDOW (editor), "connection-editor-edit.png");
  gtk_editable_set_text (GTK_EDITABLE (key_row), WRONG_KEY);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL));
  test_wait_for (no_editor_open, NULL, WAIT_MS);
  stored = flows_secrets_lookup_sync (flows_app_get_id (fixture->app), flows_connection_get_id (connection),
                                      "ApiKey", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored, ==, WRONG_KEY);
  g_assert_false (tree_contains (fixture->data_dir, WRONG_KEY));

  /* FAIL, with the server's status in the message and the status row. */
  result = run_test (fixture, connection);
  verdict = verdict_label (result);
  g_assert_cmpstr (gtk_label_get_text (verdict), ==, "FAIL");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (verdict), "error"));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (verdict), "success"));
  fail_text = result_text (result);
  g_assert_nonnull (strstr (fail_text, "Stage “Call the test endpoint”: HTTP 401 Unauthorized"));
  g_assert_nonnull (strstr (fail_text, "401 Unauthorized"));
  g_assert_nonnull (strstr (fail_text, "invalid_api_key"));
  g_assert_null (strstr (fail_text, WRONG_KEY));
  g_assert_false (flows_connection_get_last_test_passed (connection));
  g_assert_cmpuint (flows_connection_get_last_test_status (connection), ==, 401);
  g_assert_true (g_str_has_prefix (row_status (fixture, connection), "Failed at "));
  g_assert_nonnull (strstr (row_status (fixture, connection), "401"));
  g_assert_cmpuint (shown_errors->len, ==, 0);
  save_screenshot (fixture->window, "connections-fail.png");

  /* The result was saved with the connection. */
  g_assert_true (tree_contains (fixture->data_dir, "HTTP 401 Unauthorized"));
}

static void
test_delete (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(FlowsConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *file = NULL;
  AdwMessageDialog *dialog;
  GtkStack *stack;

  if (!need_keyring ())
    return;

  connection = add_connection (fixture, "Staging", GOOD_KEY);
  file = g_strdup_printf ("%s/connections/%s.json", fixture->data_dir, flows_connection_get_id (connection));
  g_assert_true (g_file_test (file, G_FILE_TEST_EXISTS));

  /* Cancelling the confirmation keeps everything. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "connection.delete", "s",
                                             flows_connection_get_id (connection)));
  wait_idle ();
  dialog = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Delete “Staging”?");
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  wait_idle ();
  g_assert_cmpuint (g_list_model_get_n_items (flows_library_get_connections (fixture->library)), ==, 1);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "connection.delete", "s",
                                             flows_connection_get_id (connection)));
  wait_idle ();
  dialog = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "delete");
  test_wait_for (connection_gone, fixture, WAIT_MS);
  wait_idle ();

  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
  stored = flows_secrets_lookup_sync (flows_app_get_id (fixture->app), flows_connection_get_id (connection),
                                      "ApiKey", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (stored);
  stack = GTK_STACK (adw_bin_get_child (ADW_BIN (fixture->page)));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");
  g_assert_cmpstr (g_ptr_array_index (shown_toasts, shown_toasts->len - 1), ==, "Deleted the connection “Staging”");
}

static gboolean
signed_out (gpointer user_data)
{
  return !flows_connection_get_signed_in (user_data);
}

static void
test_oauth_status (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Example OAuth", FLOWS_CONNECTION_TYPE_OAUTH);
  g_autofree char *id = flows_new_id ();
  g_autoptr(FlowsConnection) connection = flows_connection_new (id, flows_app_get_id (app), "Work account");
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  GtkWidget *sign_in_button;

  if (!need_keyring ())
    return;

  g_assert_true (flows_library_add_app (fixture->library, app, &error));
  g_assert_true (flows_library_add_connection (fixture->library, connection, &error));
  g_assert_no_error (error);
  g_assert_true (flows_secrets_store_sync (flows_app_get_id (app), id, "oauth:access_token", "at-123", NULL, &error));
  g_assert_no_error (error);

  /* Only the shown App's connections are listed. */
  g_assert_null (find_widget (GTK_WIDGET (fixture->page), is_row_titled, "Work account"));
  flows_connections_page_set_app (fixture->page, app);
  wait_idle ();

  g_assert_cmpstr (row_status (fixture, connection), ==, "Not signed in · Never tested");
  sign_in_button = find_widget (GTK_WIDGET (fixture->page), has_action, "connection.sign-in");
  g_assert_nonnull (sign_in_button);
  g_assert_true (gtk_widget_get_visible (sign_in_button));

  /* The row follows the connection as the runtime changes it. */
  flows_connection_set_signed_in (connection, TRUE);
  flows_connection_set_token_expires_at (connection, g_get_real_time () / G_USEC_PER_SEC + 3600);
  g_assert_true (g_str_has_prefix (row_status (fixture, connection), "Signed in, token expires at "));
  g_assert_true (g_str_has_suffix (row_status (fixture, connection), " · Never tested"));
  g_assert_false (gtk_widget_get_visible (sign_in_button));

  flows_connection_set_needs_sign_in (connection, "The provider refused the refresh token (invalid_grant)");
  g_assert_cmpstr (row_status (fixture, connection), ==,
                   "Needs sign-in: The provider refused the refresh token (invalid_grant) · Never tested");
  g_assert_true (gtk_widget_get_visible (sign_in_button));
  flows_connection_set_needs_sign_in (connection, NULL);

  /* Sign out forgets the tokens, in the keyring and in the file. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "connection.sign-out", "s", id));
  test_wait_for (signed_out, connection, WAIT_MS);
  wait_idle ();
  token = flows_secrets_lookup_sync (flows_app_get_id (app), id, "oauth:access_token", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (token);
  g_assert_cmpstr (row_status (fixture, connection), ==, "Not signed in · Never tested");
  g_assert_cmpstr (g_ptr_array_index (shown_toasts, shown_toasts->len - 1), ==, "Signed out of “Work account”");

  /* A Generic App has no sign-in. */
  flows_connections_page_set_app (fixture->page, fixture->app);
  wait_idle ();
  g_assert_null (find_widget (GTK_WIDGET (fixture->page), has_action, "connection.sign-in"));
}

static gboolean
signed_in (gpointer user_data)
{
  return flows_connection_get_signed_in (user_data);
}

/* The whole OAuth round through the page: add the connection in the editor (the client secret
 * to the keyring), Sign In through the embedded window against the sandbox provider, then
 * Test with the access token. */
static void
test_oauth_sign_in_and_test (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Sandbox", FLOWS_CONNECTION_TYPE_OAUTH);
  g_autoptr(FlowsSandboxProvider) provider = flows_sandbox_provider_new ();
  g_autoptr(FlowsConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *redirect_url = NULL;
  g_autofree char *auth_url = NULL;
  g_autofree char *token_url = NULL;
  g_autofree char *userinfo_url = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *token = NULL;
  g_autofree char *text = NULL;
  FlowsConnectionEditor *editor;
  FlowsTestResult *result;
  GListModel *connections;

  if (!need_keyring ())
    return;

  connections = flows_library_get_connections (fixture->library);
  g_assert_true (flows_sandbox_provider_start (provider, 0, &error));
  g_assert_no_error (error);
  flows_sandbox_provider_set_auto_consent (provider, TRUE);
  base_url = flows_sandbox_provider_get_base_url (provider);
  auth_url = g_strconcat (base_url, FLOWS_SANDBOX_AUTHORIZE_PATH, NULL);
  token_url = g_strconcat (base_url, FLOWS_SANDBOX_TOKEN_PATH, NULL);
  userinfo_url = g_strconcat (base_url, FLOWS_SANDBOX_USERINFO_PATH, NULL);
  /* Nothing listens there: the window captures the redirect before it loads. */
  redirect_url = g_strdup_printf ("http://127.0.0.1:%u/oauth/callback", test_closed_port ());
  flows_app_set_redirect_url (app, redirect_url);
  g_assert_true (flows_library_add_app (fixture->library, app, &error));
  g_assert_no_error (error);
  flows_connections_page_set_app (fixture->page, app);
  wait_idle ();

  editor = open_editor (fixture, "connections.add", NULL);
  g_assert_true (ADW_IS_PASSWORD_ENTRY_ROW (editor_row (editor, "Client secret")));
  gtk_editable_set_text (GTK_EDITABLE (editor_row (editor, "Name")), "Sandbox account");
  gtk_editable_set_text (GTK_EDITABLE (editor_row (editor, "Authorisation URL")), auth_url);
  gtk_editable_set_text (GTK_EDITABLE (editor_row (editor, "Token URL")), token_url);
  gtk_editable_set_text (GTK_EDITABLE (editor_row (editor, "Client ID")), FLOWS_SANDBOX_CLIENT_ID);
  gtk_editable_set_text (GTK_EDITABLE (editor_row (editor, "Client secret")), FLOWS_SANDBOX_CLIENT_SECRET);
  gtk_editable_set_text (GTK_EDITABLE (editor_row (editor, "Test URL")), userinfo_url);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL));
  test_wait_for (no_editor_open, NULL, WAIT_MS);
  wait_idle ();
  g_assert_cmpuint (g_list_model_get_n_items (connections), ==, 1);
  connection = g_list_model_get_item (connections, 0);
  secret = flows_secrets_lookup_sync (flows_app_get_id (app), flows_connection_get_id (connection),
                                      "ClientSecret", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, FLOWS_SANDBOX_CLIENT_SECRET);
  g_assert_cmpstr (row_status (fixture, connection), ==, "Not signed in · Never tested");

  /* Sign In opens the embedded window, which closes by itself once the tokens are stored: the
   * provider saw the browser at its authorisation page, and the code exchanged once. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "connection.sign-in", "s",
                                             flows_connection_get_id (connection)));
  test_wait_for (signed_in, connection, WAIT_MS * 3);
  test_wait_for (test_finished, fixture, WAIT_MS);
  wait_idle ();
  g_assert_cmpuint (flows_sandbox_provider_get_request_count (provider, "authorize"), ==, 1);
  g_assert_cmpuint (flows_sandbox_provider_get_request_count (provider, "token"), ==, 1);
  g_assert_null (find_toplevel (FLOWS_TYPE_SIGN_IN_WINDOW));
  token = flows_secrets_lookup_sync (flows_app_get_id (app), flows_connection_get_id (connection),
                                     "oauth:access_token", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);
  g_assert_true (g_str_has_prefix (row_status (fixture, connection), "Signed in, token expires at "));
  g_assert_cmpstr (g_ptr_array_index (shown_toasts, shown_toasts->len - 1), ==, "Signed in to “Sandbox account”");

  /* Test calls the user info endpoint with the access token. */
  result = run_test (fixture, connection);
  g_assert_cmpstr (gtk_label_get_text (verdict_label (result)), ==, "PASS");
  text = result_text (result);
  g_assert_null (strstr (text, token));
  g_assert_null (strstr (text, FLOWS_SANDBOX_CLIENT_SECRET));
  g_assert_false (tree_contains (fixture->data_dir, token));
  g_assert_false (tree_contains (fixture->data_dir, FLOWS_SANDBOX_CLIENT_SECRET));
  g_assert_nonnull (strstr (row_status (fixture, connection), " · Passed at "));
  g_assert_cmpuint (shown_errors->len, ==, 0);
  save_screenshot (fixture->window, "connections-oauth.png");

  flows_sandbox_provider_stop (provider);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  shown_toasts = g_ptr_array_new_with_free_func (g_free);
  shown_errors = g_ptr_array_new_with_free_func (g_free);
  have_display = gtk_init_check ();
  if (have_display)
    adw_init ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/connections-page/empty-state", test_empty_state);
  ADD ("/connections-page/editor-validates", test_editor_validates);
  ADD ("/connections-page/editor-kinds", test_editor_kinds);
  ADD ("/connections-page/add-keeps-secret-in-keyring", test_add_keeps_secret_in_keyring);
  ADD ("/connections-page/test-pass-then-fail", test_pass_then_fail);
  ADD ("/connections-page/delete", test_delete);
  ADD ("/connections-page/oauth-status", test_oauth_status);
  ADD ("/connections-page/oauth-sign-in-and-test", test_oauth_sign_in_and_test);
#undef ADD

  return g_test_run ();
}
