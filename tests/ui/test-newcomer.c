/* test-newcomer.c — a newcomer's first run, the way a user makes it under Xvfb
 *
 * The real FlowsApplication on a data directory that does not exist yet (a first launch: the
 * library is created with the samples), driven with the pointer and the keyboard of the X server
 * (XTest): the orientation on the first screen, the OAuth Sandbox sample, a new connection with
 * nothing typed, Sign In in the real WebKit page (demo / demo typed into the sandbox provider's
 * form), Test, PASS — with no other setup: the sandbox provider starts by itself. Then the same
 * with flows-cli, whose system browser the test plays with an HTTP client.
 *
 * Runs alone (is_parallel: false in tests/meson.build): the pointer goes to whatever window is
 * on top at that place of the shared X screen, and the sandbox provider listens on its
 * configured port, 8977.
 *
 * The fixed loopback ports are what is tested here, not a choice of the test's: a newcomer
 * changes no setting, so the sandbox provider starts on its default port (8977, which the
 * OAuth Sandbox sample's URLs name), and flows-cli's sign-in with the system browser listens on
 * the sample's registered redirect URL (http://127.0.0.1:8976/oauth/callback), which the
 * sandbox provider sends the browser back to. Two runs of this test at once on one machine (in
 * two worktrees) therefore meet on those ports ("address already in use"); every other test
 * listens on a port of its own choice (port 0, or a free port it names in the setting).
 */

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <X11/keysym.h>

#include "flows-application.h"
#include "flows-connection-editor.h"
#include "flows-connections-page.h"
#include "flows-document.h"
#include "flows-sandbox-client.h"
#include "flows-sandbox-provider.h"
#include "flows-secrets.h"
#include "flows-test-result.h"
#include "flows-welcome-banner.h"
#include "flows-window.h"
#include "runner-helpers.h"
#include "sign-in-helpers.h"
#include "test-browser.h"
#include "test-cli.h"
#include "test-files.h"
#include "test-ui-app.h"
#include "test-wait.h"
#include "test-xtest.h"

/* How long the window may take to show a change, and a sign-in to go through. */
#define WAIT_MS 20000

static char *base_dir;
static char *data_dir;
static FlowsApplication *application;

static FlowsWindow *
window (void)
{
  return test_application_window (application);
}

static FlowsLibrary *
library (void)
{
  return flows_application_get_library (application);
}

static gboolean
sandbox_running (void)
{
  g_autoptr(GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (application), "sandbox");

  return g_variant_get_boolean (state);
}

/* Widgets, as a user finds them ---------------------------------------------------------------- */

static gboolean
is_mapped_label (GtkWidget     *widget,
                 gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

static gboolean
is_mapped_action (GtkWidget     *widget,
                  gconstpointer  action_name)
{
  return test_has_action (widget, action_name) && gtk_widget_get_mapped (widget);
}

/* A button of the view switcher: one of its labels reads @title. */
static gboolean
is_switcher_button (GtkWidget     *widget,
                    gconstpointer  title)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (!GTK_IS_TOGGLE_BUTTON (widget) || !gtk_widget_get_mapped (widget))
    return FALSE;
  text = test_widget_text (widget);
  lines = g_strsplit (text, "\n", -1);
  return g_strv_contains ((const char * const *)lines, title);
}

static FlowsConnectionsPage *
connections_page (void)
{
  GtkWidget *page = test_find_widget_of_type (GTK_WIDGET (window ()), FLOWS_TYPE_CONNECTIONS_PAGE);

  g_assert_nonnull (page);
  return FLOWS_CONNECTIONS_PAGE (page);
}

static GtkWidget *
connection_row (FlowsConnection *connection)
{
  test_wait_settled (GTK_WIDGET (window ()));
  return test_get_widget (GTK_WIDGET (connections_page ()), test_is_row_titled, flows_connection_get_name (connection));
}

static const char *
row_status (FlowsConnection *connection)
{
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (connection_row (connection)));
}

/* Clicks the button of @action in @connection's row. */
static void
click_row_button (FlowsConnection *connection,
                  const char      *action)
{
  test_pointer_click (test_get_widget (connection_row (connection), is_mapped_action, action));
}

/* The title of the view that shows the Connections page, whatever the view switcher calls it. */
static const char *
connections_view_title (AdwViewStack *views)
{
  AdwViewStackPage *page = adw_view_stack_get_page (views, GTK_WIDGET (connections_page ()));

  g_assert_nonnull (page);
  return adw_view_stack_page_get_title (page);
}

static gboolean
connections_view_shown (gpointer views)
{
  return adw_view_stack_get_visible_child (views) == GTK_WIDGET (connections_page ());
}

/* The header names the App the views show. */
static gboolean
app_shown (gpointer app_id)
{
  GtkWidget *switcher = test_find_widget_of_type (GTK_WIDGET (window ()), ADW_TYPE_VIEW_SWITCHER_TITLE);
  /* The name's label is the switcher's neighbour. */
  GtkWidget *title = gtk_widget_get_prev_sibling (switcher);

  return GTK_IS_LABEL (title) &&
         g_strcmp0 (gtk_label_get_text (GTK_LABEL (title)), flows_app_get_name (flows_library_find_app (library (), app_id))) == 0;
}

/* Waits ---------------------------------------------------------------------------------------- */

static gboolean
toplevel_open (gpointer type)
{
  return test_find_toplevel (GPOINTER_TO_SIZE (type)) != NULL;
}

static gboolean
toplevel_closed (gpointer type)
{
  return test_find_toplevel (GPOINTER_TO_SIZE (type)) == NULL;
}

typedef struct
{
  const char *connection_id;
  gint64      after;
} TestWait;

/* A Test of the connection ran after @after and its verdict is on screen. */
static gboolean
tested (gpointer user_data)
{
  TestWait *wait = user_data;
  FlowsConnection *connection = flows_library_find_connection (library (), wait->connection_id);
  const char *verdict = flows_connection_get_last_test_passed (connection) ? "PASS" : "FAIL";

  return flows_connection_get_last_test_time (connection) != wait->after &&
         test_find_widget (GTK_WIDGET (connections_page ()), is_mapped_label, verdict) != NULL;
}

/* Presses Test in the connection's row and waits for the verdict, which it returns. */
static gboolean
press_test (FlowsConnection *connection)
{
  TestWait wait = { flows_connection_get_id (connection), flows_connection_get_last_test_time (connection) };

  /* Test results are kept to the second: a new one must differ from the last. */
  while (g_get_real_time () / G_USEC_PER_SEC == wait.after)
    test_spin (50);
  click_row_button (connection, "connection.test");
  test_wait_for (tested, &wait, WAIT_MS);
  return flows_connection_get_last_test_passed (flows_library_find_connection (library (), wait.connection_id));
}

/* The page in the sign-in window ------------------------------------------------------------- */

static char *
run_script (WebKitWebView *web_view,
            const char    *script)
{
  g_auto(TestAsync) async = { NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(JSCValue) value = NULL;

  webkit_web_view_evaluate_javascript (web_view, script, -1, NULL, NULL, NULL, test_async_ready, &async);
  value = webkit_web_view_evaluate_javascript_finish (web_view, test_async_wait (&async, WAIT_MS), &error);
  if (value == NULL)
    {
      /* The page was replaced while the script ran: the next look sees the new one. */
      g_test_message ("script: %s", error->message);
      return g_strdup ("");
    }
  return jsc_value_to_string (value);
}

/* Waits until the page shows the element @selector, and returns where its middle is, in the
 * web view's coordinates. */
static void
wait_for_element (WebKitWebView *web_view,
                  const char    *selector,
                  double        *x,
                  double        *y)
{
  g_autofree char *script = g_strdup_printf ("(function () {"
                                             "  if (document.readyState !== 'complete') return '';"
                                             "  const e = document.querySelector('%s');"
                                             "  if (!e) return '';"
                                             "  const r = e.getBoundingClientRect();"
                                             "  return (r.left + r.width / 2) + ' ' + (r.top + r.height / 2);"
                                             "})()", selector);
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < deadline)
    {
      g_autofree char *where = webkit_web_view_is_loading (web_view) ? NULL : run_script (web_view, script);
      char *end = NULL;

      /* "x y", in the page's pixels, which are the web view's. */
      if (where != NULL && *where != '\0')
        {
          *x = g_ascii_strtod (where, &end);
          *y = g_ascii_strtod (end, NULL);
          g_test_message ("%s at %.0f, %.0f of %s", selector, *x, *y, webkit_web_view_get_uri (web_view));
          return;
        }
      test_spin (100);
    }
  g_error ("the sign-in page never showed %s (at %s)", selector, webkit_web_view_get_uri (web_view));
}

static void
click_element (WebKitWebView *web_view,
               const char    *selector)
{
  double x, y;

  wait_for_element (web_view, selector, &x, &y);
  test_pointer_move_to (GTK_WIDGET (web_view), x, y);
  test_pointer_button (1, TRUE);
  test_pointer_button (1, FALSE);
}

static gboolean
signed_in (gpointer connection_id)
{
  FlowsConnection *connection = flows_library_find_connection (library (), connection_id);

  return flows_connection_get_signed_in (connection) && flows_connection_get_needs_sign_in (connection) == NULL &&
         test_find_toplevel (FLOWS_TYPE_SIGN_IN_WINDOW) == NULL;
}

/* Presses Sign In in the connection's row and signs in as a user does in the window: the user
 * name typed into the field clicked, Tab, the password, Enter, then Allow. */
static void
sign_in (FlowsConnection *connection)
{
  g_autofree char *id = g_strdup (flows_connection_get_id (connection));
  FlowsSignInWindow *sign_in_window;
  WebKitWebView *web_view;

  click_row_button (connection, "connection.sign-in");
  test_wait_for (toplevel_open, GSIZE_TO_POINTER (FLOWS_TYPE_SIGN_IN_WINDOW), WAIT_MS);
  sign_in_window = FLOWS_SIGN_IN_WINDOW (test_find_toplevel (FLOWS_TYPE_SIGN_IN_WINDOW));
  web_view = flows_sign_in_window_get_web_view (sign_in_window);

  click_element (web_view, "#username");
  test_type_text (FLOWS_SANDBOX_USER_NAME);
  test_press_key (XK_Tab, 0);
  test_type_text (FLOWS_SANDBOX_PASSWORD);
  test_press_key (XK_Return, 0);

  /* The consent page, when the provider asks. */
  click_element (web_view, "#allow");
  test_wait_for (signed_in, id, WAIT_MS);
}

/* The newcomer's path ------------------------------------------------------------------------- */

static gboolean
orientation_shown (gpointer banner)
{
  GtkWidget *revealer = adw_bin_get_child (banner);

  return gtk_widget_get_mapped (banner) && gtk_revealer_get_child_revealed (GTK_REVEALER (revealer));
}

static gboolean
orientation_hidden (gpointer banner)
{
  return !gtk_widget_get_visible (banner);
}

static void
save_screenshot (const char *name)
{
  const char *directory = g_getenv ("FLOWS_SCREENSHOT_DIR");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (directory == NULL)
    return;
  path = g_build_filename (directory, name, NULL);
  g_assert_true (test_save_snapshot (GTK_WIDGET (window ()), path, &error));
  g_assert_no_error (error);
}

static gboolean
editor_ready (gpointer unused)
{
  GtkWindow *editor = test_find_toplevel (FLOWS_TYPE_CONNECTION_EDITOR);

  return editor != NULL && gtk_widget_get_mapped (GTK_WIDGET (editor));
}

/* The connection of the sandbox sample App that the test added: the one that is not the
 * sample's own. */
static FlowsConnection *
find_new_connection (void)
{
  GListModel *connections = flows_library_get_connections (library ());

  for (guint i = 0; i < g_list_model_get_n_items (connections); i++)
    {
      g_autoptr(FlowsConnection) connection = g_list_model_get_item (connections, i);

      if (g_str_equal (flows_connection_get_app_id (connection), FLOWS_SANDBOX_SAMPLE_APP_ID) &&
          !g_str_equal (flows_connection_get_id (connection), "sandbox-sample-connection"))
        return connection;
    }
  return NULL;
}

static gboolean
connection_added (gpointer unused)
{
  return find_new_connection () != NULL && test_find_toplevel (FLOWS_TYPE_CONNECTION_EDITOR) == NULL;
}

static void
test_first_run (void)
{
  GtkWidget *banner;
  GtkWidget *editor;
  GtkWidget *views;
  g_autofree char *text = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *path = NULL;
  g_autofree char *file = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = NULL;
  FlowsConnection *connection;

  if (!test_need_display () || !test_need_keyring ())
    return;

  /* A first launch: the samples, and the orientation on them. */
  test_window_show (GTK_WINDOW (window ()));
  g_assert_nonnull (flows_library_find_app (library (), FLOWS_SANDBOX_SAMPLE_APP_ID));
  banner = test_find_widget_of_type (GTK_WIDGET (window ()), FLOWS_TYPE_WELCOME_BANNER);
  g_assert_nonnull (banner);
  test_wait_for (orientation_shown, banner, WAIT_MS);
  text = test_widget_text (banner);
  test_assert_contains (text, "OAuth Sandbox sample");
  test_assert_contains (text, "Sign In");
  test_assert_contains (text, "demo with the password demo");
  test_assert_contains (text, "Test");
  save_screenshot ("first-run.png");

  /* The sample App, from the sidebar; its Connections, from the view switcher. */
  test_pointer_click (test_get_widget (GTK_WIDGET (window ()), is_mapped_label, "OAuth Sandbox (sample)"));
  test_wait_for (app_shown, FLOWS_SANDBOX_SAMPLE_APP_ID, WAIT_MS);
  views = test_find_widget_of_type (GTK_WIDGET (window ()), ADW_TYPE_VIEW_STACK);
  test_pointer_click (test_get_widget (GTK_WIDGET (window ()), is_switcher_button,
                                       connections_view_title (ADW_VIEW_STACK (views))));
  test_wait_for (connections_view_shown, views, WAIT_MS);
  test_wait_settled (views);

  /* A new connection: the sandbox's values are filled in, the secret too; nothing is typed. */
  test_pointer_click (test_get_widget (GTK_WIDGET (connections_page ()), is_mapped_action, "connections.add"));
  test_wait_for (editor_ready, NULL, WAIT_MS);
  editor = GTK_WIDGET (test_find_toplevel (FLOWS_TYPE_CONNECTION_EDITOR));
  g_clear_pointer (&text, g_free);
  text = test_widget_text (editor);
  test_assert_contains (text, "Sign in as “demo” with the password “demo”");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (test_get_widget (editor, test_is_row_titled, "Client secret"))),
                   ==, FLOWS_SANDBOX_CLIENT_SECRET);
  test_pointer_click (test_get_widget (editor, is_mapped_action, "editor.save"));
  test_wait_for (connection_added, NULL, WAIT_MS);
  connection = find_new_connection ();
  secret = flows_secrets_lookup_sync (FLOWS_SANDBOX_SAMPLE_APP_ID, flows_connection_get_id (connection),
                                      "ClientSecret", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, FLOWS_SANDBOX_CLIENT_SECRET);
  test_wait_idle ();
  test_assert_contains (row_status (connection), "Not signed in");
  test_assert_contains (row_status (connection), "sign in as demo, password demo");

  /* Sign In starts the sandbox provider, which nothing had started. */
  g_assert_false (sandbox_running ());
  sign_in (connection);
  g_assert_true (sandbox_running ());
  g_assert_true (g_str_has_prefix (row_status (connection), "Signed in, token expires at "));

  /* Test: PASS. */
  g_assert_true (press_test (connection));
  test_assert_contains (row_status (connection), " · Passed at ");

  /* The provider restarted (as after quitting the app) knows none of the tokens: Test starts
   * it again and fails, and the connection needs signing in… */
  g_action_group_activate_action (G_ACTION_GROUP (application), "sandbox", NULL);
  g_assert_false (sandbox_running ());
  g_assert_false (press_test (connection));
  g_assert_true (sandbox_running ());
  test_assert_contains (row_status (connection), "Needs sign-in");

  /* …which signing in again gives; the failed test is about the tokens from before and is no
   * longer shown as the connection's state, until Test runs again. */
  sign_in (connection);
  test_wait_idle ();
  test_assert_contains (row_status (connection), "Not tested since signing in");
  g_assert_null (strstr (row_status (connection), "Failed"));
  g_assert_null (test_find_widget (GTK_WIDGET (connections_page ()), is_mapped_label, "FAIL"));
  path = g_strdup_printf ("%s/connections/%s.json", data_dir, flows_connection_get_id (connection));
  file = test_read_text (path);
  test_assert_contains (file, "\"stale\" : true");
  g_assert_true (press_test (connection));
  g_clear_pointer (&file, g_free);
  file = test_read_text (path);
  g_assert_null (strstr (file, "stale"));

  /* The orientation goes for good. */
  test_pointer_click (test_get_widget (banner, is_mapped_action, "welcome.dismiss"));
  test_wait_for (orientation_hidden, banner, WAIT_MS);
  settings = g_settings_new (APP_ID);
  g_assert_false (g_settings_get_boolean (settings, "show-orientation"));

  test_clear_connection_secrets (FLOWS_SANDBOX_SAMPLE_APP_ID, flows_connection_get_id (connection));
}

/* A sign-in whose page cannot be loaded says where, in a few words, and the row keeps it. */
static gboolean
sign_in_failed (gpointer connection_id)
{
  FlowsConnection *connection = flows_library_find_connection (library (), connection_id);
  GtkWindow *sign_in_window = test_find_toplevel (FLOWS_TYPE_SIGN_IN_WINDOW);

  return flows_connection_get_sign_in_failure (connection) != NULL && sign_in_window != NULL &&
         g_strcmp0 (sign_in_window_page (FLOWS_SIGN_IN_WINDOW (sign_in_window)), "error") == 0;
}

static void
test_sign_in_cannot_connect (void)
{
  guint port = test_closed_port ();
  g_autofree char *auth_url = g_strdup_printf ("http://127.0.0.1:%u/authorize", port);
  g_autofree char *place = g_strdup_printf ("127.0.0.1:%u", port);
  g_autofree char *id = g_uuid_string_random ();
  g_autoptr(FlowsConnection) connection = flows_connection_new (id, FLOWS_SANDBOX_SAMPLE_APP_ID, "Nowhere");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(FlowsConnection) saved = NULL;
  g_autoptr(TestCli) listed = NULL;
  FlowsSignInWindow *sign_in_window;
  const char *message;

  if (!test_need_display () || !test_need_keyring ())
    return;

  flows_connection_set_value (connection, "AuthURL", auth_url);
  g_assert_true (flows_library_add_connection (library (), connection, &error));
  g_assert_no_error (error);
  flows_window_select_app (window (), FLOWS_SANDBOX_SAMPLE_APP_ID);
  test_wait_idle ();

  gtk_widget_activate_action (GTK_WIDGET (connections_page ()), "connection.sign-in", "s", id);
  test_wait_for (sign_in_failed, id, WAIT_MS);
  sign_in_window = FLOWS_SIGN_IN_WINDOW (test_find_toplevel (FLOWS_TYPE_SIGN_IN_WINDOW));
  message = sign_in_window_error_text (sign_in_window);
  g_test_message ("%s", message);
  test_assert_contains (message, place);
  test_assert_contains (message, "sign in again");
  /* Not the address with its query: state, challenge and scopes say nothing to a person. */
  g_assert_null (strstr (message, "state="));
  g_assert_null (strstr (message, "/authorize"));
  test_assert_contains (flows_connection_get_sign_in_failure (connection), place);
  gtk_window_close (GTK_WINDOW (sign_in_window));
  test_wait_for (toplevel_closed, GSIZE_TO_POINTER (FLOWS_TYPE_SIGN_IN_WINDOW), WAIT_MS);

  /* The row says it, and the file keeps it. */
  test_assert_contains (row_status (connection), "Sign-in failed at ");
  test_assert_contains (row_status (connection), place);
  path = g_strdup_printf ("%s/connections/%s.json", data_dir, id);
  file = g_file_new_for_path (path);
  saved = flows_document_load_connection (file, &error);
  g_assert_no_error (error);
  test_assert_contains (flows_connection_get_sign_in_failure (saved), place);
  g_assert_cmpint (flows_connection_get_sign_in_failure_time (saved), >, 0);

  /* flows-cli says it too. */
  listed = test_cli_exec ((const char * const []) { "connection", "list", "--data-dir", data_dir, NULL }, NULL, NULL, WAIT_MS);
  g_assert_cmpint (listed->status, ==, 0);
  test_assert_contains (listed->out, "\tNowhere\tsign-in failed at ");
}

/* `flows-cli connection add APP NAME` in @dir, without --set; returns the new connection's id,
 * which it prints last. */
static char *
add_connection (const char         *dir,
                const char         *app,
                const char * const *env,
                char              **out)
{
  g_autoptr(TestCli) added = test_cli_exec ((const char * const []) { "connection", "add", app, "Mine", "--data-dir", dir, NULL },
                                            env, NULL, WAIT_MS);
  g_auto(GStrv) lines = NULL;

  g_assert_cmpint (added->status, ==, 0);
  lines = g_strsplit (g_strchomp (added->out), "\n", -1);
  *out = g_steal_pointer (&added->out);
  return g_strdup (lines[g_strv_length (lines) - 1]);
}

/* flows-cli: the same App, no --set, the system browser played by the test. */
static void
test_cli (void)
{
  g_autofree char *cli_dir = g_build_filename (base_dir, "cli", NULL);
  g_autofree char *config_home = g_build_filename (base_dir, "cli-config", NULL);
  g_autofree char *data_home = g_build_filename (base_dir, "cli-data", NULL);
  g_autofree char *desktop_path = g_build_filename (data_home, "applications", "flows-test-no-browser.desktop", NULL);
  g_autofree char *mimeapps_path = g_build_filename (config_home, "mimeapps.list", NULL);
  g_autofree char *browser = g_find_program_in_path ("true");
  g_autofree char *desktop = NULL;
  g_autofree char *sample = g_test_build_filename (G_TEST_DIST, "..", "data", "samples", "sandbox.json", NULL);
  g_autofree char *config_env = g_strconcat ("XDG_CONFIG_HOME=", config_home, NULL);
  g_autofree char *data_env = g_strconcat ("XDG_DATA_HOME=", data_home, NULL);
  const char * const env[] = { config_env, data_env, NULL };
  g_autoptr(TestCli) imported = NULL;
  g_autoptr(TestCli) shown = NULL;
  g_autoptr(TestCli) signed_in = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *added = NULL;
  g_autofree char *id = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *token = NULL;
  g_autofree char *authorize_url = NULL;
  g_autofree char *back = NULL;
  TestCliProcess *sign_in;

  if (!test_need_keyring ())
    return;
  g_assert_nonnull (browser);

  /* A "default browser" that opens nothing: the test plays the user in it. */
  desktop = g_strdup_printf ("[Desktop Entry]\nType=Application\nName=No browser\nExec=%s %%u\n"
                             "MimeType=x-scheme-handler/http;x-scheme-handler/https;\nNoDisplay=true\n", browser);
  test_write_text (desktop_path, desktop);
  test_write_text (mimeapps_path,
                   "[Default Applications]\nx-scheme-handler/http=flows-test-no-browser.desktop\n"
                   "x-scheme-handler/https=flows-test-no-browser.desktop\n");

  imported = test_cli_exec ((const char * const []) { "import", sample, "--data-dir", cli_dir, NULL }, env, NULL, WAIT_MS);
  g_assert_cmpint (imported->status, ==, 0);

  /* No --set: the sandbox's values, its secret in the keyring. */
  id = add_connection (cli_dir, "sandbox-sample", env, &added);
  test_assert_contains (added, "Sign in as demo with the password demo");
  secret = flows_secrets_lookup_sync (FLOWS_SANDBOX_SAMPLE_APP_ID, id, "ClientSecret", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, FLOWS_SANDBOX_CLIENT_SECRET);
  shown = test_cli_exec ((const char * const []) { "connection", "show", id, "--data-dir", cli_dir, NULL }, env, NULL, WAIT_MS);
  test_assert_contains (shown->out, "AuthURL: http://127.0.0.1:8977/authorize");
  test_assert_contains (shown->out, "ClientSecret: •••••• (sensitive, stored in the keyring)");

  /* sign-in starts the sandbox provider for its own duration, says how to sign in, and prints
   * the address to open; the test opens it as a user would. */
  g_assert_true (flows_sandbox_get_configured_port () == FLOWS_SANDBOX_DEFAULT_PORT);
  sign_in = test_cli_spawn ((const char * const []) { "sign-in", id, "--system-browser", "--data-dir", cli_dir, NULL }, env);
  test_assert_contains (test_cli_wait_line (sign_in, "Started the sandbox provider", WAIT_MS),
                        "at http://127.0.0.1:8977");
  test_cli_wait_line (sign_in, "If no browser opens", WAIT_MS);
  authorize_url = g_strstrip (g_strdup (test_cli_wait_line (sign_in, "http://", WAIT_MS)));
  g_assert_true (g_str_has_prefix (authorize_url, "http://127.0.0.1:8977/authorize?"));
  back = test_browse_sandbox_sign_in (authorize_url, FLOWS_SANDBOX_USER_NAME, FLOWS_SANDBOX_PASSWORD);
  g_assert_true (g_str_has_prefix (back, "http://127.0.0.1:8976/oauth/callback?code="));
  signed_in = test_cli_finish (sign_in, WAIT_MS);
  g_assert_cmpint (signed_in->status, ==, 0);
  test_assert_contains (signed_in->out, "Signed in “Mine”");
  token = flows_secrets_lookup_sync (FLOWS_SANDBOX_SAMPLE_APP_ID, id, "oauth:access_token", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);

  test_clear_connection_secrets (FLOWS_SANDBOX_SAMPLE_APP_ID, id);
}

/* An App of the user's whose authorisation URL is the sandbox's: a connection added without
 * --set gets the sandbox's other values too, where the App has no default of its own. */
static void
test_cli_template_app (void)
{
  g_autofree char *cli_dir = NULL;
  g_autoptr(FlowsLibrary) cli_library = test_library_new_temp ("flows-test-newcomer-cli-XXXXXX", &cli_dir);
  g_autoptr(FlowsApp) app = test_library_add_template (cli_library, "Sandboxed", FLOWS_CONNECTION_TYPE_OAUTH);
  g_autoptr(TestCli) shown = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *added = NULL;
  g_autofree char *id = NULL;
  g_autofree char *secret = NULL;

  if (!test_need_keyring ())
    {
      test_library_remove_temp (&cli_library, &cli_dir);
      return;
    }

  flows_param_set_default (flows_app_find_param (app, "AuthURL"), "http://localhost:8977/authorize");
  flows_param_set_default (flows_app_find_param (app, "ClientID"), "mine");
  g_assert_true (flows_library_save_app (cli_library, app, &error));
  g_assert_no_error (error);

  id = add_connection (cli_dir, "Sandboxed", NULL, &added);
  shown = test_cli_exec ((const char * const []) { "connection", "show", id, "--data-dir", cli_dir, NULL }, NULL, NULL, WAIT_MS);
  test_assert_contains (shown->out, "AuthURL: http://localhost:8977/authorize");
  test_assert_contains (shown->out, "TokenURL: http://127.0.0.1:8977/token");
  test_assert_contains (shown->out, "TestURL: http://127.0.0.1:8977/userinfo");
  /* The App's own default wins. */
  test_assert_contains (shown->out, "ClientID: mine");
  test_assert_contains (shown->out, "RefreshURL: (not set)");
  secret = flows_secrets_lookup_sync (flows_app_get_id (app), id, "ClientSecret", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, FLOWS_SANDBOX_CLIENT_SECRET);

  test_clear_connection_secrets (flows_app_get_id (app), id);
  test_library_remove_temp (&cli_library, &cli_dir);
}

int
main (int    argc,
      char **argv)
{
  int status;

  /* GL under Xvfb costs seconds per window and tests nothing here; XTest needs X11. */
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GDK_BACKEND", "x11", TRUE);
  if (!ui_test_init (&argc, &argv))
    {
      g_test_skip ("no display");
      return g_test_run ();
    }

  /* A first launch: the data directory does not exist yet. */
  base_dir = test_make_temp_dir ("flows-test-newcomer-XXXXXX");
  data_dir = g_build_filename (base_dir, "data", NULL);
  application = test_application_start (data_dir);

  /* flows-cli first: its sandbox needs the port that the app's keeps once started. */
  g_test_add_func ("/newcomer/cli", test_cli);
  g_test_add_func ("/newcomer/cli-template-app", test_cli_template_app);
  g_test_add_func ("/newcomer/first-run", test_first_run);
  g_test_add_func ("/newcomer/sign-in-cannot-connect", test_sign_in_cannot_connect);

  status = g_test_run ();

  test_application_stop (&application);
  test_clear_connection_secrets (FLOWS_SANDBOX_SAMPLE_APP_ID, "sandbox-sample-connection");
  test_remove_tree (base_dir);
  return status;
}
