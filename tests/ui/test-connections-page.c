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
 * flows_widget_show_toast() and flows_widget_show_error() are tests/lib's recorders
 * (test-ui-host.h), so that the page is tested without the main window. There is no
 * FlowsApplication either: the page is given a runner of the test's own.
 *
 * With FLOWS_SCREENSHOT_DIR set, the windows are saved there as PNG: the empty page, the editor
 * adding and editing, and the page once the result panel shows each verdict.
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "flows-app-templates.h"
#include "flows-connection-editor.h"
#include "flows-connections-page.h"
#include "flows-oauth.h"
#include "flows-sandbox-provider.h"
#include "flows-secrets.h"
#include "flows-sign-in-window.h"
#include "flows-test-result.h"
#include "flows-token-details.h"
#include "flows-token-details-dialog.h"
#include "flows-token-refresher.h"
#include "runner-helpers.h"
#include "test-files.h"
#include "test-session.h"
#include "test-ui-host.h"
#include "test-ui.h"

#define GOOD_KEY "sk-live-4f0c2b9e-9d1a-4c3e-8b7f-GOOD"
#define WRONG_KEY "sk-live-0000-WRONG-0000"
#define WAIT_MS 20000

typedef struct
{
  TestHost              host;
  FlowsRunner          *runner;
  TestServer           *server;
  FlowsConnectionsPage *page;
} Fixture;

/* Helpers ---------------------------------------------------------------------------------- */

static gboolean
has_class (GtkWidget     *widget,
           gconstpointer  css_class)
{
  return gtk_widget_has_css_class (widget, css_class);
}

static gboolean
no_editor_open (gpointer user_data)
{
  return test_find_toplevel (FLOWS_TYPE_CONNECTION_EDITOR) == NULL;
}

static gboolean
test_finished (gpointer user_data)
{
  Fixture *fixture = user_data;
  GtkWidget *spinner = test_find_widget_of_type (GTK_WIDGET (fixture->page), GTK_TYPE_SPINNER);

  return spinner == NULL || !gtk_widget_get_visible (spinner);
}

static gboolean
connection_gone (gpointer user_data)
{
  Fixture *fixture = user_data;

  return g_list_model_get_n_items (flows_library_get_connections (fixture->host.library)) == 0;
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
  test_wait_idle ();
  editor = test_find_toplevel (FLOWS_TYPE_CONNECTION_EDITOR);
  g_assert_nonnull (editor);
  g_assert_true (gtk_window_get_modal (editor));
  g_assert_true (gtk_window_get_transient_for (editor) == fixture->host.window);
  return FLOWS_CONNECTION_EDITOR (editor);
}

static GtkWidget *
editor_row (FlowsConnectionEditor *editor,
            const char            *title)
{
  return test_get_widget (GTK_WIDGET (editor), test_is_row_titled, title);
}

static gboolean
save_enabled (FlowsConnectionEditor *editor)
{
  return gtk_widget_get_sensitive (test_get_widget (GTK_WIDGET (editor), test_has_action, "editor.save"));
}

static char *
editor_problem (FlowsConnectionEditor *editor)
{
  return test_widget_text (GTK_WIDGET (editor));
}

/* Adds a connection through the editor with @key and the server's test URL; returns it. */
static FlowsConnection *
add_connection (Fixture    *fixture,
                const char *name,
                const char *key)
{
  FlowsConnectionEditor *editor = open_editor (fixture, "connections.add", NULL);
  g_autofree char *test_url = test_server_url (fixture->server, "/me");
  GListModel *connections = flows_library_get_connections (fixture->host.library);
  guint before = g_list_model_get_n_items (connections);
  g_autoptr(FlowsConnection) connection = NULL;

  g_assert_true (ADW_IS_PASSWORD_ENTRY_ROW (editor_row (editor, "API key")));
  gtk_editable_set_text (GTK_EDITABLE (editor_row (editor, "Name")), name);
  gtk_editable_set_text (GTK_EDITABLE (editor_row (editor, "API key")), key);
  gtk_editable_set_text (GTK_EDITABLE (editor_row (editor, "Test URL")), test_url);
  g_assert_true (save_enabled (editor));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL));
  test_wait_for (no_editor_open, NULL, WAIT_MS);
  test_wait_idle ();

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
  test_wait_idle ();

  result = test_find_widget_of_type (GTK_WIDGET (fixture->page), FLOWS_TYPE_TEST_RESULT);
  g_assert_nonnull (result);
  g_assert_true (gtk_widget_is_visible (result));
  g_assert_nonnull (flows_test_result_get_run (FLOWS_TEST_RESULT (result)));
  return FLOWS_TEST_RESULT (result);
}

static GtkLabel *
verdict_label (FlowsTestResult *result)
{
  GtkWidget *label = test_find_widget (GTK_WIDGET (result), has_class, "title-1");

  g_assert_true (GTK_IS_LABEL (label));
  return GTK_LABEL (label);
}

static char *
result_text (FlowsTestResult *result)
{
  return test_widget_text (GTK_WIDGET (result));
}

/* The subtitle of the page's row for @connection. */
static const char *
row_status (Fixture         *fixture,
            FlowsConnection *connection)
{
  GtkWidget *row = test_find_widget (GTK_WIDGET (fixture->page), test_is_row_titled, flows_connection_get_name (connection));

  g_assert_true (ADW_IS_ACTION_ROW (row));
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
}

static void
save_screenshot (GtkWindow  *window,
                 const char *name)
{
  const char *directory = g_getenv ("FLOWS_SCREENSHOT_DIR");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (directory == NULL)
    return;

  /* Let the window settle: a new result panel is laid out and painted over a few frames. */
  for (guint i = 0; i < 20; i++)
    {
      test_wait_idle ();
      g_usleep (20000);
    }

  path = g_build_filename (directory, name, NULL);
  g_assert_true (test_save_snapshot (GTK_WIDGET (window), path, &error));
  g_assert_no_error (error);
  g_test_message ("Screenshot: %s", path);
}

/* Fixture ---------------------------------------------------------------------------------- */

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  AdwToastOverlay *overlay;
  GtkWidget *header_bar;
  GtkWidget *box;

  if (!test_ui_have_display ())
    return;

  test_host_set_up (&fixture->host, "flows-connections-XXXXXX", "Example API", FLOWS_CONNECTION_TYPE_GENERIC);

  fixture->server = test_server_new ();
  test_server_handle (fixture->server, "/me", on_test_request, NULL);
  fixture->runner = flows_runner_new ();
  flows_token_refresher_attach (fixture->runner, fixture->host.library);

  /* A header bar as in the main window, so that screenshots look like the app. */
  fixture->host.window = GTK_WINDOW (adw_window_new ());
  gtk_window_set_title (fixture->host.window, "Flows Studio");
  gtk_window_set_default_size (fixture->host.window, 1200, 800);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header_bar = adw_header_bar_new ();
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header_bar), adw_window_title_new ("Example API", "Connections"));
  gtk_box_append (GTK_BOX (box), header_bar);
  overlay = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (overlay), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (overlay));
  fixture->page = FLOWS_CONNECTIONS_PAGE (flows_connections_page_new ());
  g_object_set (fixture->page,
                "library", fixture->host.library,
                "app", fixture->host.app,
                "runner", fixture->runner,
                NULL);
  adw_toast_overlay_set_child (overlay, GTK_WIDGET (fixture->page));
  adw_window_set_content (ADW_WINDOW (fixture->host.window), box);
  test_window_show (fixture->host.window);
  /* The default size counts the frame's shadow: grow it so that the window itself is
   * 1200×800, the size of the screenshots. */
  gtk_window_set_default_size (fixture->host.window,
                               2400 - gtk_widget_get_width (GTK_WIDGET (fixture->host.window)),
                               1600 - gtk_widget_get_height (GTK_WIDGET (fixture->host.window)));
  test_wait_idle ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  GListModel *connections;

  if (!test_ui_have_display ())
    return;

  /* The session's keyring is disposable, but a test leaves nothing behind anyway. */
  connections = flows_library_get_connections (fixture->host.library);
  for (guint i = 0; i < g_list_model_get_n_items (connections); i++)
    {
      g_autoptr(FlowsConnection) connection = g_list_model_get_item (connections, i);

      flows_secrets_clear_connection_sync (flows_connection_get_app_id (connection),
                                           flows_connection_get_id (connection), NULL, NULL);
    }

  g_clear_pointer (&fixture->server, test_server_free);
  g_clear_object (&fixture->runner);
  test_host_tear_down (&fixture->host);
}

/* Tests ------------------------------------------------------------------------------------ */

static void
test_empty_state (Fixture       *fixture,
                  gconstpointer  data)
{
  GtkStack *stack;
  GtkWidget *button;

  if (!test_need_display ())
    return;

  stack = GTK_STACK (adw_bin_get_child (ADW_BIN (fixture->page)));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");
  save_screenshot (fixture->host.window, "connections-empty.png");
  button = test_find_widget (gtk_stack_get_visible_child (stack), test_has_action, "connections.add");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_sensitive (button));

  /* Without an App there is nothing to add a connection to. */
  flows_connections_page_set_app (fixture->page, NULL);
  test_wait_idle ();
  g_assert_false (gtk_widget_get_sensitive (button));
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "connections.add", NULL);
  test_wait_idle ();
  g_assert_null (test_find_toplevel (FLOWS_TYPE_CONNECTION_EDITOR));
}

static void
test_editor_validates (Fixture       *fixture,
                       gconstpointer  data)
{
  FlowsConnectionEditor *editor;
  GtkWidget *url_row;
  g_autofree char *problem = NULL;
  g_autofree char *malformed = NULL;

  if (!test_need_display ())
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
  test_wait_idle ();
  g_assert_null (test_find_toplevel (FLOWS_TYPE_CONNECTION_EDITOR));
  g_assert_cmpuint (g_list_model_get_n_items (flows_library_get_connections (fixture->host.library)), ==, 0);
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

  if (!test_need_display ())
    return;

  add_param (app, "Port", "Port", FLOWS_PARAM_KIND_NUMBER, TRUE, "443");
  add_param (app, "Sandbox", "Use the sandbox", FLOWS_PARAM_KIND_BOOLEAN, FALSE, "true");
  flows_param_set_choices (add_param (app, "Region", "Region", FLOWS_PARAM_KIND_CHOICE, TRUE, "us"), regions);
  flows_param_set_choices (add_param (app, "Tier", "Tier", FLOWS_PARAM_KIND_CHOICE, FALSE, ""), regions);
  add_param (app, "Notes", "Notes", FLOWS_PARAM_KIND_MULTILINE, FALSE, "");
  /* Filled in at sign-in: shown, never asked for, even when required. */
  flows_param_set_from_sign_in (add_param (app, "instance_url", "Instance", FLOWS_PARAM_KIND_URL, TRUE, ""), TRUE);
  g_assert_true (flows_library_add_app (fixture->host.library, app, &error));
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
  g_assert_true (ADW_IS_ACTION_ROW (editor_row (editor, "Instance")));
  g_assert_false (ADW_IS_ENTRY_ROW (editor_row (editor, "Instance")));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (editor_row (editor, "Instance"))), ==, "Filled in at sign-in");

  /* Defaults, and "None" first for the optional choice. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (number_row)), ==, "443");
  toggle = test_find_widget_of_type (switch_row, GTK_TYPE_SWITCH);
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
  view = test_find_widget_of_type (notes_row, GTK_TYPE_TEXT_VIEW);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  gtk_text_buffer_set_text (buffer, "line one\nline two", -1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL));
  test_wait_for (no_editor_open, NULL, WAIT_MS);

  connection = g_list_model_get_item (flows_library_get_connections (fixture->host.library), 0);
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
  g_assert_cmpstr (g_ptr_array_index (test_ui_toasts, test_ui_toasts->len - 1), ==, "Saved the connection “Kinds”");

  /* Once the sign-in filled it in, the value shows, and saving keeps it. */
  flows_connection_set_value (connection, "instance_url", "https://na1.example.com");
  editor = open_editor (fixture, "connection.edit", flows_connection_get_id (connection));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (editor_row (editor, "Instance"))), ==,
                   "Filled in at sign-in: https://na1.example.com");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL));
  test_wait_for (no_editor_open, NULL, WAIT_MS);
  g_assert_cmpstr (flows_connection_get_value (connection, "instance_url"), ==, "https://na1.example.com");
}

static void
test_add_keeps_secret_in_keyring (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(FlowsConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = NULL;
  GtkStack *stack;

  if (!test_need_display () || !test_need_keyring ())
    return;

  connection = add_connection (fixture, "Production", GOOD_KEY);

  stored = flows_secrets_lookup_sync (flows_app_get_id (fixture->host.app), flows_connection_get_id (connection),
                                      "ApiKey", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored, ==, GOOD_KEY);
  g_assert_false (test_tree_contains (fixture->host.data_dir, GOOD_KEY));
  g_assert_true (test_tree_contains (fixture->host.data_dir, flows_connection_get_id (connection)));

  /* The page shows it, never tested, and said so. */
  stack = GTK_STACK (adw_bin_get_child (ADW_BIN (fixture->page)));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "list");
  g_assert_cmpstr (row_status (fixture, connection), ==, "Never tested");
  g_assert_cmpuint (test_ui_toasts->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (test_ui_toasts, 0), ==, "Added the connection “Production”");
  g_assert_cmpuint (test_ui_errors->len, ==, 0);
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

  if (!test_need_display () || !test_need_keyring ())
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
  save_screenshot (fixture->host.window, "connections-pass.png");

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
  stored = flows_secrets_lookup_sync (flows_app_get_id (fixture->host.app), flows_connection_get_id (connection),
                                      "ApiKey", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored, ==, WRONG_KEY);
  g_assert_false (test_tree_contains (fixture->host.data_dir, WRONG_KEY));

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
  g_assert_cmpuint (test_ui_errors->len, ==, 0);
  save_screenshot (fixture->host.window, "connections-fail.png");

  /* The result was saved with the connection. */
  g_assert_true (test_tree_contains (fixture->host.data_dir, "HTTP 401 Unauthorized"));
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

  if (!test_need_display () || !test_need_keyring ())
    return;

  connection = add_connection (fixture, "Staging", GOOD_KEY);
  file = g_strdup_printf ("%s/connections/%s.json", fixture->host.data_dir, flows_connection_get_id (connection));
  g_assert_true (g_file_test (file, G_FILE_TEST_EXISTS));

  /* Cancelling the confirmation keeps everything. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "connection.delete", "s",
                                             flows_connection_get_id (connection)));
  test_wait_idle ();
  dialog = ADW_MESSAGE_DIALOG (test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Delete “Staging”?");
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  test_wait_idle ();
  g_assert_cmpuint (g_list_model_get_n_items (flows_library_get_connections (fixture->host.library)), ==, 1);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "connection.delete", "s",
                                             flows_connection_get_id (connection)));
  test_wait_idle ();
  dialog = ADW_MESSAGE_DIALOG (test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "delete");
  test_wait_for (connection_gone, fixture, WAIT_MS);
  test_wait_idle ();

  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
  stored = flows_secrets_lookup_sync (flows_app_get_id (fixture->host.app), flows_connection_get_id (connection),
                                      "ApiKey", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (stored);
  stack = GTK_STACK (adw_bin_get_child (ADW_BIN (fixture->page)));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");
  g_assert_cmpstr (g_ptr_array_index (test_ui_toasts, test_ui_toasts->len - 1), ==, "Deleted the connection “Staging”");
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

  if (!test_need_display () || !test_need_keyring ())
    return;

  g_assert_true (flows_library_add_app (fixture->host.library, app, &error));
  g_assert_true (flows_library_add_connection (fixture->host.library, connection, &error));
  g_assert_no_error (error);
  g_assert_true (flows_secrets_store_sync (flows_app_get_id (app), id, "oauth:access_token", "at-123", NULL, &error));
  g_assert_no_error (error);

  /* Only the shown App's connections are listed. */
  g_assert_null (test_find_widget (GTK_WIDGET (fixture->page), test_is_row_titled, "Work account"));
  flows_connections_page_set_app (fixture->page, app);
  test_wait_idle ();

  g_assert_cmpstr (row_status (fixture, connection), ==, "Not signed in · Never tested");
  sign_in_button = test_find_widget (GTK_WIDGET (fixture->page), test_has_action, "connection.sign-in");
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
  test_wait_idle ();
  token = flows_secrets_lookup_sync (flows_app_get_id (app), id, "oauth:access_token", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (token);
  g_assert_cmpstr (row_status (fixture, connection), ==, "Not signed in · Never tested");
  g_assert_cmpstr (g_ptr_array_index (test_ui_toasts, test_ui_toasts->len - 1), ==, "Signed out of “Work account”");

  /* A Generic App has no sign-in. */
  flows_connections_page_set_app (fixture->page, fixture->host.app);
  test_wait_idle ();
  g_assert_null (test_find_widget (GTK_WIDGET (fixture->page), test_has_action, "connection.sign-in"));
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

  if (!test_need_display () || !test_need_keyring ())
    return;

  connections = flows_library_get_connections (fixture->host.library);
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
  g_assert_true (flows_library_add_app (fixture->host.library, app, &error));
  g_assert_no_error (error);
  flows_connections_page_set_app (fixture->page, app);
  test_wait_idle ();

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
  test_wait_idle ();
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
  test_wait_idle ();
  g_assert_cmpuint (flows_sandbox_provider_get_request_count (provider, "authorize"), ==, 1);
  g_assert_cmpuint (flows_sandbox_provider_get_request_count (provider, "token"), ==, 1);
  g_assert_null (test_find_toplevel (FLOWS_TYPE_SIGN_IN_WINDOW));
  token = flows_secrets_lookup_sync (flows_app_get_id (app), flows_connection_get_id (connection),
                                     "oauth:access_token", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);
  g_assert_true (g_str_has_prefix (row_status (fixture, connection), "Signed in, token expires at "));
  g_assert_cmpstr (g_ptr_array_index (test_ui_toasts, test_ui_toasts->len - 1), ==, "Signed in to “Sandbox account”");

  /* Test calls the user info endpoint with the access token. */
  result = run_test (fixture, connection);
  g_assert_cmpstr (gtk_label_get_text (verdict_label (result)), ==, "PASS");
  text = result_text (result);
  g_assert_null (strstr (text, token));
  g_assert_null (strstr (text, FLOWS_SANDBOX_CLIENT_SECRET));
  g_assert_false (test_tree_contains (fixture->host.data_dir, token));
  g_assert_false (test_tree_contains (fixture->host.data_dir, FLOWS_SANDBOX_CLIENT_SECRET));
  g_assert_nonnull (strstr (row_status (fixture, connection), " · Passed at "));
  g_assert_cmpuint (test_ui_errors->len, ==, 0);
  save_screenshot (fixture->host.window, "connections-oauth.png");

  flows_sandbox_provider_stop (provider);
}

/* Token details ----------------------------------------------------------------------------- */

#define TOKEN_SIGNATURE "signature-of-the-provider-never-shown"

typedef struct
{
  char *access_token;
  char *id_token;
  char *refresh_token;
} ProviderTokens;

/* The provider's token endpoint: JWT access and ID tokens, one scope of those asked left out,
 * and the refresh token's lifetime (as GitHub says it). */
static void
on_token_request (TestServer        *server,
                  SoupServerMessage *msg,
                  TestRequest       *request,
                  gpointer           user_data)
{
  ProviderTokens *tokens = user_data;
  g_autofree char *body = g_strdup_printf ("{\"access_token\":\"%s\",\"token_type\":\"Bearer\",\"expires_in\":3600,"
                                           "\"scope\":\"openid read\",\"refresh_token\":\"%s\","
                                           "\"refresh_token_expires_in\":15897600,\"id_token\":\"%s\"}",
                                           tokens->access_token, tokens->refresh_token, tokens->id_token);

  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static gboolean
details_shown (gpointer user_data)
{
  FlowsTokenDetailsDialog *dialog = user_data;
  GtkWidget *stack = test_find_widget_of_type (GTK_WIDGET (dialog), GTK_TYPE_STACK);

  return g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (stack)), "details") == 0;
}

static GtkLabel *
countdown_label (FlowsTokenDetailsDialog *dialog)
{
  GtkWidget *stack = test_find_widget_of_type (GTK_WIDGET (dialog), GTK_TYPE_STACK);

  return GTK_LABEL (test_get_widget (gtk_stack_get_visible_child (GTK_STACK (stack)), has_class, "token-countdown"));
}

typedef struct
{
  FlowsTokenDetailsDialog *dialog;
  char                    *before;
} CountdownWait;

static gboolean
countdown_changed (gpointer user_data)
{
  CountdownWait *wait = user_data;

  return g_strcmp0 (gtk_label_get_text (countdown_label (wait->dialog)), wait->before) != 0;
}

static gboolean
countdown_expired (gpointer user_data)
{
  return details_shown (user_data) &&
         g_str_has_prefix (gtk_label_get_text (countdown_label (user_data)), "expired ");
}

/* Signs in through the unchanged Step 2 against the test's token endpoint and opens the Token
 * Details: a countdown that moves, the scope asked and not granted marked as missing in words,
 * the claims of both JWTs, and none of the tokens in any text, tooltip or accessible name of
 * the window. The row menu and Alt+Return open it. */
static void
test_token_details (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Token Provider", FLOWS_CONNECTION_TYPE_OAUTH);
  g_autofree char *id = flows_new_id ();
  g_autoptr(FlowsConnection) connection = flows_connection_new (id, flows_app_get_id (app), "Debugging");
  g_autofree char *token_url = test_server_url (fixture->server, "/token");
  g_autofree char *signature = test_base64url (TOKEN_SIGNATURE);
  ProviderTokens tokens = {
    test_jwt_new ("{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"key-7\"}",
                  "{\"iss\":\"https://id.example.test\",\"sub\":\"ada\",\"aud\":\"https://api.example.test\","
                  "\"scp\":[\"openid\",\"read\"],\"exp\":4102444800,\"iat\":1700000000,\"client_id\":\"flows\"}",
                  TOKEN_SIGNATURE),
    test_jwt_new ("{\"alg\":\"ES256\",\"kid\":\"id-key\"}",
                  "{\"iss\":\"https://id.example.test\",\"sub\":\"ada\",\"aud\":\"flows\",\"email\":\"ada@example.test\","
                  "\"name\":\"Ada Lovelace\",\"nbf\":1700000000}",
                  TOKEN_SIGNATURE),
    g_strdup_printf ("rt-%s", id),
  };
  g_autoptr(GHashTable) inputs = test_inputs_new ("code", "the-code", "state", "the-state", NULL);
  g_autoptr(GHashTable) builtins = test_inputs_new ("CodeVerifier", "the-verifier", NULL);
  g_auto(TestAsync) exchange = { NULL };
  g_autoptr(FlowsRun) run = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(TestAsync) store = { NULL };
  FlowsTokenDetailsDialog *dialog;
  g_autofree char *text = NULL;
  g_autofree char *all_text = NULL;
  GtkWidget *missing_row, *row, *menu_button;
  CountdownWait wait = { NULL, NULL };
  GtkEventController *shortcuts = NULL;
  g_autoptr(GtkShortcut) shortcut = NULL;
  char *stored;

  if (!test_need_display () || !test_need_keyring ())
    return;

  test_server_handle (fixture->server, "/token", on_token_request, &tokens);
  /* Values kept from a token reply, one sensitive. */
  test_app_add_param (app, "InstanceURL", FALSE, NULL);
  test_app_add_param (app, "TeamToken", TRUE, NULL);
  flows_param_set_from_sign_in (flows_app_find_param (app, "InstanceURL"), TRUE);
  flows_param_set_from_sign_in (flows_app_find_param (app, "TeamToken"), TRUE);
  flows_connection_set_value (connection, "InstanceURL", "https://eu.example.test");
  flows_connection_set_value (connection, "TokenURL", token_url);
  flows_connection_set_value (connection, "ClientID", "flows");
  flows_connection_set_value (connection, "Scopes", "openid read write");
  g_assert_true (flows_library_add_app (fixture->host.library, app, &error));
  g_assert_true (flows_library_add_connection (fixture->host.library, connection, &error));
  g_assert_no_error (error);
  g_assert_true (flows_secrets_store_sync (flows_app_get_id (app), id, "ClientSecret", "client-secret-1", NULL, &error));
  g_assert_true (flows_secrets_store_sync (flows_app_get_id (app), id, "TeamToken", "team-token-never-shown", NULL, &error));
  g_assert_no_error (error);

  /* Step 2 as signing in runs it, and the tokens stored as signing in stores them. */
  flows_runner_run_async (fixture->runner, app, flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_OAUTH_EXCHANGE),
                          inputs, connection, builtins, NULL, test_async_ready, &exchange);
  run = flows_runner_run_finish (fixture->runner, test_async_wait (&exchange, WAIT_MS), &error);
  g_assert_no_error (error);
  test_assert_succeeded (run);
  flows_oauth_store_tokens_async (app, connection, fixture->host.library, run, NULL, test_async_ready, &store);
  stored = flows_oauth_store_tokens_finish (test_async_wait (&store, WAIT_MS), &error);
  g_assert_no_error (error);
  flows_secrets_free (stored);
  g_assert_cmpstr (flows_connection_get_token_type (connection), ==, "Bearer");
  g_assert_cmpint (flows_connection_get_refresh_expires_at (connection), >, g_get_real_time () / G_USEC_PER_SEC);
  stored = flows_secrets_lookup_sync (flows_app_get_id (app), id, FLOWS_SECRETS_ID_TOKEN_KEY, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored, ==, tokens.id_token);
  flows_secrets_free (stored);

  flows_connections_page_set_app (fixture->page, app);
  test_wait_idle ();

  /* The row menu offers it, once signed in. */
  row = test_get_widget (GTK_WIDGET (fixture->page), test_is_row_titled, "Debugging");
  menu_button = test_find_widget_of_type (row, GTK_TYPE_MENU_BUTTON);
  {
    GMenuModel *menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (menu_button));
    GMenuModel *section = g_menu_model_get_item_link (menu, 0, G_MENU_LINK_SECTION);
    gboolean found = FALSE;

    for (int i = 0; i < g_menu_model_get_n_items (section); i++)
      {
        g_autofree char *action = NULL;

        g_menu_model_get_item_attribute (section, i, G_MENU_ATTRIBUTE_ACTION, "s", &action);
        found |= g_strcmp0 (action, "connection.token-details") == 0;
      }
    g_object_unref (section);
    g_assert_true (found);
  }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "connection.token-details", "s", id));
  test_wait_idle ();
  dialog = FLOWS_TOKEN_DETAILS_DIALOG (test_find_toplevel (FLOWS_TYPE_TOKEN_DETAILS_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == fixture->host.window);
  test_wait_for (details_shown, dialog, WAIT_MS);
  test_wait_idle ();

  text = test_widget_text (GTK_WIDGET (dialog));
  test_assert_contains (text, "Token type\n\nBearer\n");
  test_assert_contains (text, "JWT, signed with RS256 (not verified here)");
  test_assert_contains (text, "JWT, signed with ES256 (not verified here)");
  test_assert_contains (text, "Asked: the connection’s Scopes value.");
  /* Decoded claims of both tokens, times also as dates. */
  test_assert_contains (text, "client_id\n\nflows\n");
  test_assert_contains (text, "scp\n\n[\"openid\",\"read\"]\n");
  test_assert_contains (text, "email\n\nada@example.test\n");
  test_assert_contains (text, "name\n\nAda Lovelace\n");
  test_assert_contains (text, "kid\n\nid-key\n");
  test_assert_contains (text, "InstanceURL\nInstanceURL\nhttps://eu.example.test\n");
  test_assert_contains (text, "TeamToken\nTeamToken\n•••••• (kept in the keyring)\n");
  {
    g_autofree char *date = flows_token_details_format_date (4102444800);
    g_autofree char *exp = g_strdup_printf ("exp\n%s\n4102444800\n", date);
    test_assert_contains (text, exp);
  }

  /* The scope asked and not granted: marked by a style class, and said in words. */
  missing_row = test_get_widget (GTK_WIDGET (dialog), has_class, "token-scope-missing");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (missing_row)), ==, "write");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (missing_row)), ==, "Asked, not granted");
  {
    g_autofree char *missing_text = test_widget_text (missing_row);
    test_assert_contains (missing_text, "Missing");
  }
  g_assert_null (test_find_widget (test_get_widget (GTK_WIDGET (dialog), test_is_row_titled, "read"),
                                   has_class, "token-scope-missing"));

  /* The countdown moves, once a second. */
  wait.dialog = dialog;
  wait.before = g_strdup (gtk_label_get_text (countdown_label (dialog)));
  g_assert_true (g_str_has_prefix (wait.before, "in "));
  test_wait_for (countdown_changed, &wait, WAIT_MS);
  g_assert_true (g_str_has_prefix (gtk_label_get_text (countdown_label (dialog)), "in "));
  g_free (wait.before);
  save_screenshot (GTK_WINDOW (dialog), "token-details.png");
  if (g_getenv ("FLOWS_SCREENSHOT_DIR") != NULL)
    {
      GtkWidget *stack = test_find_widget_of_type (GTK_WIDGET (dialog), GTK_TYPE_STACK);
      GtkWidget *scrolled = test_find_widget_of_type (gtk_stack_get_visible_child (GTK_STACK (stack)), GTK_TYPE_SCROLLED_WINDOW);
      GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));

      /* The decoded claims, further down. */
      gtk_adjustment_set_value (adjustment, 760);
      save_screenshot (GTK_WINDOW (dialog), "token-details-claims.png");
      gtk_adjustment_set_value (adjustment, 0);
    }

  /* No token, no signature, anywhere a person or a screen reader could read it. */
  all_text = test_widget_all_text (GTK_WIDGET (dialog));
  {
    g_auto(GStrv) access_parts = g_strsplit (tokens.access_token, ".", -1);
    g_auto(GStrv) id_parts = g_strsplit (tokens.id_token, ".", -1);
    const char *secrets[] = { tokens.access_token, tokens.id_token, tokens.refresh_token, signature, "team-token-never-shown",
                              access_parts[0], access_parts[1], id_parts[0], id_parts[1], TOKEN_SIGNATURE };

    test_assert_contains (all_text, "Copy the value of “sub”");
    for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
      g_assert_null (strstr (all_text, secrets[i]));
  }
  g_assert_false (test_tree_contains (fixture->host.data_dir, tokens.access_token));
  g_assert_false (test_tree_contains (fixture->host.data_dir, tokens.id_token));
  g_assert_false (test_tree_contains (fixture->host.data_dir, tokens.refresh_token));

  /* Once the access token has expired, the countdown says how long ago. */
  flows_connection_set_token_expires_at (connection, g_get_real_time () / G_USEC_PER_SEC - 180);
  test_wait_for (countdown_expired, dialog, WAIT_MS);
  g_assert_cmpstr (gtk_label_get_text (countdown_label (dialog)), ==, "expired 3 min ago");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (countdown_label (dialog)), "error"));
  gtk_window_destroy (GTK_WINDOW (dialog));
  test_wait_idle ();

  /* Alt+Return on the row: its shortcut opens the same window. */
  for (guint i = 0; shortcut == NULL; i++)
    {
      g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (row);
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      g_assert_nonnull (controller);
      if (GTK_IS_SHORTCUT_CONTROLLER (controller))
        {
          shortcuts = GTK_EVENT_CONTROLLER (controller);
          shortcut = g_list_model_get_item (G_LIST_MODEL (shortcuts), 0);
        }
    }
  {
    g_autofree char *trigger = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));

    g_assert_cmpstr (trigger, ==, "<Alt>Return");
  }
  g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, row, gtk_shortcut_get_arguments (shortcut)));
  test_wait_idle ();
  dialog = FLOWS_TOKEN_DETAILS_DIALOG (test_find_toplevel (FLOWS_TYPE_TOKEN_DETAILS_DIALOG));
  g_assert_nonnull (dialog);
  gtk_window_destroy (GTK_WINDOW (dialog));
  test_wait_idle ();

  /* Signing out takes the ID token with the others. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "connection.sign-out", "s", id));
  test_wait_for (signed_out, connection, WAIT_MS);
  stored = flows_secrets_lookup_sync (flows_app_get_id (app), id, FLOWS_SECRETS_ID_TOKEN_KEY, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (stored);
  g_assert_cmpstr (flows_connection_get_token_type (connection), ==, "");

  test_clear_connection_secrets (flows_app_get_id (app), id);
  g_free (tokens.access_token);
  g_free (tokens.id_token);
  g_free (tokens.refresh_token);
}

int
main (int    argc,
      char **argv)
{
  test_ui_init (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/connections-page/empty-state", test_empty_state);
  ADD ("/connections-page/editor-validates", test_editor_validates);
  ADD ("/connections-page/editor-kinds", test_editor_kinds);
  ADD ("/connections-page/add-keeps-secret-in-keyring", test_add_keeps_secret_in_keyring);
  ADD ("/connections-page/test-pass-then-fail", test_pass_then_fail);
  ADD ("/connections-page/delete", test_delete);
  ADD ("/connections-page/oauth-status", test_oauth_status);
  ADD ("/connections-page/oauth-sign-in-and-test", test_oauth_sign_in_and_test);
  ADD ("/connections-page/token-details", test_token_details);
#undef ADD

  return g_test_run ();
}
