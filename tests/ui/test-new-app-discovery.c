/* test-new-app-discovery.c — the New App dialog's "From the provider’s metadata…" entry
 * (docs/ARCHITECTURE.md, "Discovery"), in a window of the test's, against metadata served by a
 * SoupServer of the test's: what was found is shown before Create, an error inline under the
 * issuer URL, and the App made is the oidc preset filled in.
 *
 * With FLOWS_SCREENSHOT_DIR set, the dialog with what was found is saved there as
 * new-app-discovery.png.
 */
#include "config.h"

#include "flows-discovery-page.h"
#include "flows-new-app-dialog.h"
#include "flows-param.h"
#include "runner-helpers.h"
#include "test-files.h"
#include "test-ui.h"
#include "test-wait.h"

#define WAIT_MS 20000
#define DISCOVERY_ROW "From the provider’s metadata…"

typedef struct
{
  TestServer   *server;
  char         *data_dir;
  FlowsLibrary *library;
  GtkWidget    *dialog;   /* weak */
  FlowsApp     *created;
} Fixture;

static void
on_created (GtkWidget *dialog,
            FlowsApp  *app,
            Fixture   *fixture)
{
  fixture->created = g_object_ref (app);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  if (!test_ui_have_display ())
    return;
  fixture->server = test_server_new ();
  fixture->library = test_library_new_temp ("flows-new-app-discovery-XXXXXX", &fixture->data_dir);
  fixture->dialog = flows_new_app_dialog_new (NULL, fixture->library);
  g_object_add_weak_pointer (G_OBJECT (fixture->dialog), (gpointer *)&fixture->dialog);
  g_signal_connect (fixture->dialog, "created", G_CALLBACK (on_created), fixture);
  test_window_show (GTK_WINDOW (fixture->dialog));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (fixture->dialog));
  g_clear_object (&fixture->created);
  if (fixture->library != NULL)
    test_library_remove_temp (&fixture->library, &fixture->data_dir);
  g_clear_pointer (&fixture->server, test_server_free);
}

static GtkWidget *
find_row (Fixture    *fixture,
          const char *title)
{
  return test_get_widget (fixture->dialog, test_is_row_titled, title);
}

static gboolean
is_button_labelled (GtkWidget     *widget,
                    gconstpointer  label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static gboolean
create_enabled (Fixture *fixture)
{
  return gtk_widget_is_sensitive (test_get_widget (fixture->dialog, is_button_labelled, "C_reate"));
}

static FlowsDiscoveryPage *
discovery_page (Fixture *fixture)
{
  return FLOWS_DISCOVERY_PAGE (test_find_widget_of_type (fixture->dialog, FLOWS_TYPE_DISCOVERY_PAGE));
}

static void
choose_discovery (Fixture *fixture)
{
  GtkWidget *row = find_row (fixture, DISCOVERY_ROW);

  gtk_list_box_select_row (GTK_LIST_BOX (gtk_widget_get_parent (row)), GTK_LIST_BOX_ROW (row));
  test_wait_idle ();
}

static gboolean
discovery_done (gpointer user_data)
{
  Fixture *fixture = user_data;
  GtkWidget *page = GTK_WIDGET (discovery_page (fixture));
  GtkWidget *spinner = test_find_widget_of_type (page, GTK_TYPE_SPINNER);

  return !gtk_widget_get_visible (spinner) && gtk_widget_is_sensitive (test_get_widget (page, is_button_labelled, "_Discover"));
}

/* Types @issuer and presses Discover, then waits for the answer. */
static void
discover (Fixture    *fixture,
          const char *issuer)
{
  GtkWidget *page = GTK_WIDGET (discovery_page (fixture));

  gtk_editable_set_text (GTK_EDITABLE (find_row (fixture, "Issuer URL")), issuer);
  test_wait_idle ();
  g_signal_emit_by_name (test_get_widget (page, is_button_labelled, "_Discover"), "clicked");
  test_wait_for (discovery_done, fixture, WAIT_MS);
  test_wait_idle ();
}

static gboolean
is_error_label (GtkWidget     *widget,
                gconstpointer  user_data)
{
  return GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "error");
}

/* The text under the issuer URL, "" when none shows. */
static const char *
problem_text (Fixture *fixture)
{
  GtkWidget *label = test_get_widget (GTK_WIDGET (discovery_page (fixture)), is_error_label, NULL);

  return gtk_widget_get_visible (label) ? gtk_label_get_text (GTK_LABEL (label)) : "";
}

static const char *
found_value (Fixture    *fixture,
             const char *label)
{
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (test_get_widget (GTK_WIDGET (discovery_page (fixture)),
                                                                       test_is_row_titled, label)));
}

static void
serve_metadata (Fixture    *fixture,
                const char *issuer)
{
  g_autofree char *document = g_strdup_printf ("{\"issuer\":\"%s\",\"authorization_endpoint\":\"%s/authorize\","
                                               "\"token_endpoint\":\"%s/token\",\"userinfo_endpoint\":\"%s/userinfo\","
                                               "\"scopes_supported\":[\"openid\",\"email\",\"offline_access\"],"
                                               "\"code_challenge_methods_supported\":[\"S256\"],"
                                               "\"token_endpoint_auth_methods_supported\":[\"client_secret_basic\"]}",
                                               issuer, fixture->server->url, fixture->server->url, fixture->server->url);

  test_server_respond (fixture->server, "/.well-known/openid-configuration", 200, "application/json", document, -1);
}

/* Whether the top of the discovery page is in the dialog's view. */
static gboolean
page_in_view (gpointer user_data)
{
  Fixture *fixture = user_data;
  GtkWidget *page = GTK_WIDGET (discovery_page (fixture));
  GtkWidget *scrolled = test_find_widget_of_type (fixture->dialog, GTK_TYPE_SCROLLED_WINDOW);
  graphene_rect_t bounds;

  return gtk_widget_compute_bounds (page, scrolled, &bounds) && bounds.origin.y >= 0 &&
         bounds.origin.y + 100 <= gtk_widget_get_height (scrolled);
}

/* Found, shown, created: the App is the oidc preset with the provider's endpoints. */
static void
test_discover_and_create (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *token_url = NULL;
  FlowsApp *app;
  FlowsFlow *exchange;
  g_autoptr(JsonNode) settings = NULL;
  g_autofree char *text = NULL;

  if (!test_need_display ())
    return;

  serve_metadata (fixture, fixture->server->url);
  /* Hidden until chosen; then Create waits for what discovery finds. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (discovery_page (fixture))));
  choose_discovery (fixture);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (discovery_page (fixture))));
  g_assert_false (create_enabled (fixture));

  discover (fixture, fixture->server->url);
  g_assert_cmpstr (problem_text (fixture), ==, "");
  token_url = g_strconcat (fixture->server->url, "/token", NULL);
  g_assert_cmpstr (found_value (fixture, "Token endpoint"), ==, token_url);
  g_assert_cmpstr (found_value (fixture, "Scopes"), ==, "openid offline_access");
  g_assert_cmpstr (found_value (fixture, "PKCE"), ==, "S256");
  g_assert_cmpstr (found_value (fixture, "Client authentication"), ==,
                   "client_secret_basic: HTTP Basic with the client ID and secret");
  /* The issuer's host names the App until the user types a name. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_row (fixture, "Name"))), ==, "127.0.0.1");
  g_assert_true (create_enabled (fixture));
  /* The list is longer than the dialog: what was found is scrolled into view. */
  test_wait_for (page_in_view, fixture, WAIT_MS);

  if (g_getenv ("FLOWS_SCREENSHOT_DIR") != NULL)
    {
      g_autofree char *path = g_build_filename (g_getenv ("FLOWS_SCREENSHOT_DIR"), "new-app-discovery.png", NULL);
      g_autoptr(GError) error = NULL;

      test_spin (500);
      test_save_snapshot (fixture->dialog, path, &error);
      g_assert_no_error (error);
    }

  gtk_editable_set_text (GTK_EDITABLE (find_row (fixture, "Name")), "Local provider");
  gtk_widget_activate_action (fixture->dialog, "new-app.create", NULL);
  test_wait_idle ();
  g_assert_null (fixture->dialog);
  g_assert_nonnull (fixture->created);
  app = flows_library_find_app (fixture->library, flows_app_get_id (fixture->created));
  g_assert_true (app == fixture->created);
  g_assert_cmpstr (flows_app_get_name (app), ==, "Local provider");
  g_assert_cmpstr (flows_app_get_provider (app), ==, "oidc");
  g_assert_cmpstr (flows_param_get_default (flows_app_find_param (app, "TokenURL")), ==, token_url);
  exchange = flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_OAUTH_EXCHANGE);
  settings = json_node_init_object (json_node_alloc (),
                                    flows_stage_get_settings (flows_flow_find_stage_by_key (exchange, "exchange")));
  text = test_json_compact (settings);
  test_assert_contains (text, "\"auth\":{\"kind\":\"basic\"");
}

/* Metadata for another issuer: the reason under the URL, and nothing to create. Changing the URL
 * clears it. */
static void
test_discover_refused (Fixture       *fixture,
                       gconstpointer  data)
{
  if (!test_need_display ())
    return;

  serve_metadata (fixture, "https://elsewhere.example");
  choose_discovery (fixture);
  gtk_editable_set_text (GTK_EDITABLE (find_row (fixture, "Name")), "Mine");
  discover (fixture, fixture->server->url);
  test_assert_contains (problem_text (fixture), "names the issuer “https://elsewhere.example”");
  test_assert_contains (problem_text (fixture), "refused");
  g_assert_false (create_enabled (fixture));
  gtk_widget_activate_action (fixture->dialog, "new-app.create", NULL);
  test_wait_idle ();
  g_assert_null (fixture->created);

  gtk_editable_set_text (GTK_EDITABLE (find_row (fixture, "Issuer URL")), "https://elsewhere.example");
  test_wait_idle ();
  g_assert_cmpstr (problem_text (fixture), ==, "");

  /* Another choice hides it. */
  {
    GtkWidget *row = find_row (fixture, "Generic (API key)");

    gtk_list_box_select_row (GTK_LIST_BOX (gtk_widget_get_parent (row)), GTK_LIST_BOX_ROW (row));
    test_wait_idle ();
  }
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (discovery_page (fixture))));
  g_assert_true (create_enabled (fixture));
}

static gboolean
page_shown (gpointer user_data)
{
  return gtk_widget_get_visible (GTK_WIDGET (discovery_page (user_data)));
}

/* Searching finds the entry by what it does. */
static void
test_search_finds_it (Fixture       *fixture,
                      gconstpointer  data)
{
  GtkListBoxRow *selected;

  if (!test_need_display ())
    return;

  gtk_editable_set_text (GTK_EDITABLE (test_find_widget_of_type (fixture->dialog, GTK_TYPE_SEARCH_ENTRY)), "metadata");
  test_wait_for (page_shown, fixture, WAIT_MS);
  selected = gtk_list_box_get_selected_row (GTK_LIST_BOX (gtk_widget_get_parent (find_row (fixture, DISCOVERY_ROW))));
  g_assert_true (GTK_WIDGET (selected) == find_row (fixture, DISCOVERY_ROW));
}

int
main (int   argc,
      char *argv[])
{
  test_ui_init (&argc, &argv);

  g_test_add ("/new-app/discovery/discover-and-create", Fixture, NULL, fixture_set_up, test_discover_and_create, fixture_tear_down);
  g_test_add ("/new-app/discovery/refused", Fixture, NULL, fixture_set_up, test_discover_refused, fixture_tear_down);
  g_test_add ("/new-app/discovery/search", Fixture, NULL, fixture_set_up, test_search_finds_it, fixture_tear_down);

  return g_test_run ();
}
