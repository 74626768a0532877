/* test-connection-settings.c — the New App dialog, the Connection view and the preferences,
 * driven through their actions and their real rows, and checked in the saved files and the
 * keyring.
 *
 * What counts is what was saved: every check of an edit flushes the library's autosave and
 * reads the App file back from disk, and secrets are looked for in the bytes of every file.
 * flows_widget_show_toast() and flows_widget_show_error() are tests/lib's recorders
 * (test-ui-host.h), so that a page can be tested outside the main window and its errors seen. GSettings uses the memory
 * backend and the schema compiled in the build tree.
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "flows-app-templates.h"
#include "flows-connection-settings-page.h"
#include "flows-document.h"
#include "flows-new-app-dialog.h"
#include "flows-param-row.h"
#include "flows-preferences-window.h"
#include "flows-secrets.h"
#include "test-files.h"
#include "test-session.h"
#include "test-ui-host.h"
#include "test-ui.h"
#include "test-wait.h"
#include "test-xtest.h"

#include <X11/keysym.h>

#define SECRET_MARKER "s3cr3t-marker-"

typedef struct
{
  TestHost                     host;
  FlowsConnectionSettingsPage *page;
} Fixture;

/* Helpers ---------------------------------------------------------------------------------- */

/* What a switch or the clipboard may take to settle. */
#define WAIT_MS 20000

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  FlowsConnectionType type = GPOINTER_TO_INT (data);

  if (!test_ui_have_display ())
    return;

  test_host_set_up (&fixture->host, "flows-settings-XXXXXX", "Test App", type);

  fixture->page = FLOWS_CONNECTION_SETTINGS_PAGE (flows_connection_settings_page_new (fixture->host.library));
  g_object_set (fixture->page, "app", fixture->host.app, NULL);
  test_host_show (&fixture->host, GTK_WIDGET (fixture->page), 1000, 800);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  test_host_tear_down (&fixture->host);
}

static gboolean
need_schema (void)
{
  g_autoptr(GSettingsSchema) schema =
    g_settings_schema_source_lookup (g_settings_schema_source_get_default (), APP_ID, TRUE);

  if (schema == NULL)
    g_test_skip ("the GSettings schema is not compiled: set GSETTINGS_SCHEMA_DIR");
  return schema != NULL;
}

/* The keys of @app's parameters, in order, joined with spaces. */
static char *
current_keys (FlowsApp *app)
{
  GListModel *params = flows_app_get_params (app);
  g_autoptr(GString) keys = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (params); i++)
    {
      g_autoptr(FlowsParam) param = g_list_model_get_item (params, i);

      g_string_append_printf (keys, "%s%s", i > 0 ? " " : "", flows_param_get_key (param));
    }
  return g_string_free (g_steal_pointer (&keys), FALSE);
}

/* The same for the App as saved. */
static char *
saved_keys (Fixture *fixture)
{
  g_autoptr(FlowsApp) saved = test_host_load_saved (&fixture->host);

  return current_keys (saved);
}

static gboolean
is_status_page_titled (GtkWidget     *widget,
                       gconstpointer  title)
{
  return ADW_IS_STATUS_PAGE (widget) &&
         g_strcmp0 (adw_status_page_get_title (ADW_STATUS_PAGE (widget)), title) == 0;
}

static gboolean
is_param_row_of (GtkWidget     *widget,
                 gconstpointer  key)
{
  return FLOWS_IS_PARAM_ROW (widget) &&
         g_strcmp0 (flows_param_get_key (flows_param_row_get_param (FLOWS_PARAM_ROW (widget))), key) == 0;
}

static gboolean
is_label_containing (GtkWidget     *widget,
                     gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL;
}

static gboolean
is_button_for (GtkWidget     *widget,
               gconstpointer  action_name)
{
  return GTK_IS_BUTTON (widget) &&
         g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0;
}

static GtkWidget *
find_button (GtkWidget  *within,
             const char *action_name)
{
  return test_get_widget (within, is_button_for, action_name);
}

static GtkWidget *
find_row (GtkWidget  *within,
          const char *title)
{
  return test_get_widget (within, test_is_row_titled, title);
}

static FlowsParamRow *
find_param_row (Fixture    *fixture,
                const char *key)
{
  return FLOWS_PARAM_ROW (test_get_widget (GTK_WIDGET (fixture->page), is_param_row_of, key));
}

/* The switch of the action row titled @title inside @within. */
static GtkSwitch *
find_switch (GtkWidget  *within,
             const char *title)
{
  GtkWidget *toggle = test_find_widget_of_type (find_row (within, title), GTK_TYPE_SWITCH);

  g_assert_nonnull (toggle);
  return GTK_SWITCH (toggle);
}

static void
type_into (GtkWidget  *within,
           const char *row_title,
           const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (find_row (within, row_title)), text);
  test_wait_idle ();
}

/* A message dialog of the page, once it shows. */
static gboolean
message_dialog_shown (gpointer data)
{
  return test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

static gboolean
message_dialog_gone (gpointer data)
{
  return !message_dialog_shown (data);
}

/* Answers the dialog that shows with @response and closes it, as its buttons do. */
static void
respond (const char *response)
{
  GtkWindow *dialog;

  test_wait_for (message_dialog_shown, NULL, WAIT_MS);
  dialog = test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), response);
  gtk_window_destroy (dialog);
  test_wait_for (message_dialog_gone, NULL, WAIT_MS);
}

static gboolean
param_has_key (gpointer data)
{
  FlowsParamRow *row = data;

  return g_strcmp0 (flows_param_get_key (flows_param_row_get_param (row)),
                    gtk_editable_get_text (GTK_EDITABLE (find_row (GTK_WIDGET (row), "Key")))) == 0;
}

/* Scrolls the page so that @widget shows a third of the way down. */
static void
scroll_to (GtkWidget *widget)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  GtkWidget *content = gtk_viewport_get_child (GTK_VIEWPORT (gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller))));
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  graphene_point_t point;

  test_xtest_settle ();
  g_assert_true (gtk_widget_compute_point (widget, content, &GRAPHENE_POINT_INIT (0, 0), &point));
  gtk_adjustment_set_value (adjustment, point.y - gtk_widget_get_height (scroller) / 3.0);
  test_xtest_settle ();
}

/* A click in @row's field titled @title, its row opened and scrolled into view first: the
 * field has the keyboard focus, and the pointer is over the window, which keys go to. */
static GtkWidget *
click_field (FlowsParamRow *row,
             const char    *title)
{
  GtkWidget *field = find_row (GTK_WIDGET (row), title);
  GtkWidget *text = test_find_widget_of_type (field, GTK_TYPE_TEXT);

  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
  test_xtest_set_frame_widget (GTK_WIDGET (row));
  /* The page scrolled to the field, as a user does before clicking it. */
  scroll_to (field);
  gtk_widget_grab_focus (text);
  test_xtest_settle ();
  /* The row's title lies over its text: the click goes to the row, which gives the text the
   * focus. */
  test_pointer_click (field);
  /* The window's focus: a dialog closed before may have left the window inactive. */
  g_assert_true (gtk_root_get_focus (gtk_widget_get_root (text)) == text);
  return text;
}

/* Types @text over what @row's field titled @title holds, as a user does (a click, Ctrl+A,
 * the keys), then presses @keysym there (0: nothing). */
static void
type_over (FlowsParamRow *row,
           const char    *title,
           const char    *text,
           guint          keysym)
{
  click_field (row, title);
  test_press_key (XK_a, XK_Control_L, 0);
  if (*text == '\0')
    test_press_key (XK_BackSpace, 0);
  else
    test_type_text (text);
  if (keysym != 0)
    test_press_key (keysym, 0);
  test_wait_idle ();
}

static void
type_key (FlowsParamRow *row,
          const char    *key,
          guint          keysym)
{
  type_over (row, "Key", key, keysym);
}

/* Types @key into @row's Key and presses Enter: a valid key is applied, answering the dialog
 * that asks about references with @response when it shows. */
static void
apply_key (FlowsParamRow *row,
           const char    *key,
           const char    *response)
{
  GtkWidget *key_row = find_row (GTK_WIDGET (row), "Key");

  type_key (row, key, XK_Return);
  if (response != NULL)
    respond (response);
  if (!gtk_widget_has_css_class (key_row, "error") && g_strcmp0 (response, "cancel") != 0)
    test_wait_for (param_has_key, row, WAIT_MS);
}

static guint
index_of_key (FlowsApp   *app,
              const char *key)
{
  GListModel *params = flows_app_get_params (app);

  for (guint i = 0; i < g_list_model_get_n_items (params); i++)
    {
      g_autoptr(FlowsParam) param = g_list_model_get_item (params, i);

      if (g_strcmp0 (flows_param_get_key (param), key) == 0)
        return i;
    }
  g_assert_not_reached ();
}

/* The New App dialog ----------------------------------------------------------------------- */

static void
on_created (FlowsNewAppDialog *dialog,
            FlowsApp          *app,
            FlowsApp         **created)
{
  *created = g_object_ref (app);
}

static void
test_new_oauth_app (void)
{
  g_autofree char *data_dir = NULL;
  g_autoptr(FlowsLibrary) library = NULL;
  g_autoptr(FlowsLibrary) reloaded = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(FlowsApp) created = NULL;
  const char *redirect_url = "http://127.0.0.1:9123/callback";
  GtkWidget *dialog;
  FlowsApp *app;
  const FlowsFlowRole roles[] = {
    FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE,
    FLOWS_FLOW_ROLE_OAUTH_EXCHANGE,
    FLOWS_FLOW_ROLE_OAUTH_REFRESH,
    FLOWS_FLOW_ROLE_CONNECTION_TEST,
  };

  if (!test_need_display () || !need_schema ())
    return;

  settings = g_settings_new (APP_ID);
  g_settings_set_string (settings, "default-redirect-url", redirect_url);

  library = test_library_new_temp ("flows-settings-XXXXXX", &data_dir);
  dialog = flows_new_app_dialog_new (NULL, library);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *)&dialog);
  g_signal_connect (dialog, "created", G_CALLBACK (on_created), &created);
  test_window_show (GTK_WINDOW (dialog));

  /* Create waits for a name; blanks are not one. */
  g_assert_false (gtk_widget_is_sensitive (find_button (dialog, "new-app.create")));
  type_into (dialog, "Name", "   ");
  g_assert_false (gtk_widget_is_sensitive (find_button (dialog, "new-app.create")));
  gtk_widget_activate_action (dialog, "new-app.create", NULL);
  test_wait_idle ();
  g_assert_null (created);
  g_assert_nonnull (dialog);
  g_assert_cmpuint (g_list_model_get_n_items (flows_library_get_apps (library)), ==, 0);

  type_into (dialog, "Name", "Acme CRM");
  g_assert_true (gtk_widget_is_sensitive (find_button (dialog, "new-app.create")));
  type_into (dialog, "Description (Optional)", "Contacts and deals");
  /* Choosing a row, as a click does, keeps the name typed. */
  gtk_list_box_select_row (GTK_LIST_BOX (gtk_widget_get_parent (find_row (dialog, "OAuth 2.0 (any provider)"))),
                           GTK_LIST_BOX_ROW (find_row (dialog, "OAuth 2.0 (any provider)")));
  test_wait_idle ();
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_row (dialog, "Name"))), ==, "Acme CRM");
  g_assert_null (created);
  gtk_widget_activate_action (dialog, "new-app.create", NULL);
  test_wait_idle ();

  g_assert_nonnull (created);
  g_assert_null (dialog); /* it closed */
  app = flows_library_find_app (library, flows_app_get_id (created));
  g_assert_true (app == created);
  g_assert_cmpstr (flows_app_get_name (app), ==, "Acme CRM");
  g_assert_cmpstr (flows_app_get_description (app), ==, "Contacts and deals");
  g_assert_cmpint (flows_app_get_connection_type (app), ==, FLOWS_CONNECTION_TYPE_OAUTH);
  g_assert_cmpstr (flows_app_get_redirect_url (app), ==, redirect_url);

  /* On disk, as a new library sees it: the four flows of an OAuth App, one per role. */
  reloaded = test_library_open (data_dir);
  app = flows_library_find_app (reloaded, flows_app_get_id (created));
  g_assert_nonnull (app);
  g_assert_cmpint (flows_app_get_connection_type (app), ==, FLOWS_CONNECTION_TYPE_OAUTH);
  g_assert_cmpstr (flows_app_get_redirect_url (app), ==, redirect_url);
  g_assert_cmpuint (g_list_model_get_n_items (flows_app_get_flows (app)), ==, G_N_ELEMENTS (roles));
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    g_assert_nonnull (flows_app_find_flow_by_role (app, roles[i]));

  g_settings_reset (settings, "default-redirect-url");
  test_remove_tree (data_dir);
}

static void
test_new_generic_app_cancel (void)
{
  g_autofree char *data_dir = NULL;
  g_autoptr(FlowsLibrary) library = NULL;
  g_autoptr(FlowsApp) created = NULL;
  GtkWidget *dialog;

  if (!test_need_display ())
    return;

  library = test_library_new_temp ("flows-settings-XXXXXX", &data_dir);
  dialog = flows_new_app_dialog_new (NULL, library);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *)&dialog);
  g_signal_connect (dialog, "created", G_CALLBACK (on_created), &created);
  test_window_show (GTK_WINDOW (dialog));

  /* Typing can start at once: the name has the focus. */
  {
    GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (dialog));

    g_assert_nonnull (focus);
    g_assert_true (focus == find_row (dialog, "Name") || gtk_widget_is_ancestor (focus, find_row (dialog, "Name")));
  }
  type_into (dialog, "Name", "Weather");
  gtk_widget_activate_action (dialog, "window.close", NULL);
  test_wait_idle ();
  g_assert_null (dialog);
  g_assert_null (created);
  g_assert_cmpuint (g_list_model_get_n_items (flows_library_get_apps (library)), ==, 0);

  /* Generic (API key) is chosen unless another row is, and gets only the Connection Test flow. */
  dialog = flows_new_app_dialog_new (NULL, library);
  g_signal_connect (dialog, "created", G_CALLBACK (on_created), &created);
  test_window_show (GTK_WINDOW (dialog));
  type_into (dialog, "Name", "Weather");
  gtk_widget_activate_action (dialog, "new-app.create", NULL);
  test_wait_idle ();
  g_assert_nonnull (created);
  g_assert_cmpint (flows_app_get_connection_type (created), ==, FLOWS_CONNECTION_TYPE_GENERIC);
  g_assert_nonnull (flows_app_find_flow_by_role (created, FLOWS_FLOW_ROLE_CONNECTION_TEST));
  g_assert_null (flows_app_find_flow_by_role (created, FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE));

  test_remove_tree (data_dir);
}

/* The parameters editor -------------------------------------------------------------------- */

static void
test_add_rename_reorder_remove (Fixture       *fixture,
                                gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (fixture->page);
  g_autofree char *before = NULL;
  g_autofree char *keys = NULL;
  g_autofree char *new_key = NULL;
  g_autoptr(FlowsApp) saved = NULL;
  FlowsParamRow *row;
  guint n;

  if (!test_need_display ())
    return;

  before = current_keys (fixture->host.app);
  n = g_list_model_get_n_items (flows_app_get_params (fixture->host.app));

  /* Add: a new parameter with a valid key, saved at once, its row open on the key. */
  g_assert_true (gtk_widget_activate_action (page, "settings.add-param", NULL));
  test_wait_idle ();
  g_assert_cmpuint (g_list_model_get_n_items (flows_app_get_params (fixture->host.app)), ==, n + 1);
  new_key = g_strdup_printf ("Parameter%u", n + 1);
  row = find_param_row (fixture, new_key);
  g_assert_true (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (row)));
  keys = saved_keys (fixture);
  g_assert_true (g_str_has_suffix (keys, new_key));
  g_clear_pointer (&keys, g_free);

  /* Rename it, and give it a label, a kind and a default, as typed into its rows. */
  apply_key (row, "Region", NULL);
  type_over (row, "Label", "Data region", 0);
  type_into (GTK_WIDGET (row), "Default Value", "eu");
  adw_combo_row_set_selected (ADW_COMBO_ROW (find_row (GTK_WIDGET (row), "Kind")), FLOWS_PARAM_KIND_CHOICE);
  test_wait_idle ();
  type_into (GTK_WIDGET (row), "Choices, Separated by Commas", "eu, us,, ap");
  gtk_switch_set_active (find_switch (GTK_WIDGET (row), "Required"), TRUE);
  gtk_switch_set_active (find_switch (GTK_WIDGET (row), "Filled in at Sign-In"), TRUE);
  test_wait_idle ();
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Data region");
  g_assert_nonnull (strstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (row)), "filled in at sign-in"));

  saved = test_host_load_saved (&fixture->host);
  {
    FlowsParam *param = flows_app_find_param (saved, "Region");
    const char * const *choices;

    g_assert_nonnull (param);
    g_assert_null (flows_app_find_param (saved, new_key));
    g_assert_cmpstr (flows_param_get_label (param), ==, "Data region");
    g_assert_cmpstr (flows_param_get_default (param), ==, "eu");
    g_assert_cmpint (flows_param_get_kind (param), ==, FLOWS_PARAM_KIND_CHOICE);
    g_assert_true (flows_param_get_required (param));
    g_assert_true (flows_param_get_from_sign_in (param));
    choices = flows_param_get_choices (param);
    g_assert_nonnull (choices);
    g_assert_cmpuint (g_strv_length ((char **)choices), ==, 3);
    g_assert_cmpstr (choices[0], ==, "eu");
    g_assert_cmpstr (choices[2], ==, "ap");
  }
  g_clear_object (&saved);

  /* Reorder: up twice, then down once, through the page's actions. */
  g_assert_true (gtk_widget_activate_action (page, "settings.move-param-up", "u", n));
  g_assert_true (gtk_widget_activate_action (page, "settings.move-param-up", "u", n - 1));
  test_wait_idle ();
  g_assert_cmpuint (index_of_key (fixture->host.app, "Region"), ==, n - 2);
  g_assert_true (gtk_widget_activate_action (page, "settings.move-param-down", "u", n - 2));
  test_wait_idle ();
  g_assert_cmpuint (index_of_key (fixture->host.app, "Region"), ==, n - 1);
  {
    g_autofree char *expected = current_keys (fixture->host.app);

    keys = saved_keys (fixture);
    g_assert_cmpstr (keys, ==, expected);
    g_clear_pointer (&keys, g_free);
  }
  /* The ends do not move further, and the row buttons follow. */
  row = find_param_row (fixture, "Region");
  g_assert_true (gtk_widget_activate_action (page, "settings.move-param-down", "u", n));
  /* Through the row's menu, whose items' actions are the row's. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (test_find_widget_of_type (GTK_WIDGET (row), GTK_TYPE_MENU_BUTTON)))),
                                             "param.move-up", NULL));
  test_wait_idle ();
  g_assert_cmpuint (index_of_key (fixture->host.app, "Region"), ==, n - 2);

  /* Remove, then Undo: back in its place, in the file too. */
  {
    g_autofree char *expected = current_keys (fixture->host.app);

    g_assert_true (gtk_widget_activate_action (page, "settings.remove-param", "u", n - 2));
    test_wait_idle ();
    g_assert_null (flows_app_find_param (fixture->host.app, "Region"));
    saved = test_host_load_saved (&fixture->host);
    g_assert_null (flows_app_find_param (saved, "Region"));
    g_clear_object (&saved);

    g_assert_true (gtk_widget_activate_action (page, "settings.undo-remove", NULL));
    test_wait_idle ();
    keys = saved_keys (fixture);
    g_assert_cmpstr (keys, ==, expected);
    g_clear_pointer (&keys, g_free);
  }

  /* Remove for good: the parameters are those the App started with. */
  g_assert_true (gtk_widget_activate_action (page, "settings.remove-param", "u", index_of_key (fixture->host.app, "Region")));
  test_wait_idle ();
  keys = saved_keys (fixture);
  g_assert_cmpstr (keys, ==, before);
}

static void
test_invalid_key_not_saved (Fixture       *fixture,
                            gconstpointer  data)
{
  const char *bad_keys[] = { "", "9lives", "has space", "dash-ed", "Scopes", "scopes", "<Key>" };
  g_autoptr(FlowsApp) saved = NULL;
  FlowsParamRow *row;
  GtkWidget *key_row;

  if (!test_need_display ())
    return;

  /* ClientID and Scopes are parameters of the OAuth template. */
  row = find_param_row (fixture, "ClientID");
  key_row = find_row (GTK_WIDGET (row), "Key");

  for (guint i = 0; i < G_N_ELEMENTS (bad_keys); i++)
    {
      apply_key (row, bad_keys[i], NULL);
      g_assert_true (gtk_widget_has_css_class (key_row, "error"));
      g_assert_cmpstr (flows_param_get_key (flows_param_row_get_param (row)), ==, "ClientID");
      saved = test_host_load_saved (&fixture->host);
      g_assert_nonnull (flows_app_find_param (saved, "ClientID"));
      g_assert_cmpuint (g_list_model_get_n_items (flows_app_get_params (saved)), ==,
                        g_list_model_get_n_items (flows_app_get_params (fixture->host.app)));
      if (*bad_keys[i] != '\0' && strcmp (bad_keys[i], "Scopes") != 0)
        {
          g_autofree char *path = test_host_app_path (&fixture->host);
          g_autofree char *text = test_read_text (path);
          g_autofree char *quoted = g_strdup_printf ("\"%s\"", bad_keys[i]);

          g_assert_null (strstr (text, quoted));
        }
      g_clear_object (&saved);
    }

  /* Typed, not applied: nothing changes, even a key on its way to a valid one. */
  type_key (row, "ClientI", 0);
  g_assert_false (gtk_widget_has_css_class (key_row, "error"));
  g_assert_cmpstr (flows_param_get_key (flows_param_row_get_param (row)), ==, "ClientID");
  saved = test_host_load_saved (&fixture->host);
  g_assert_nonnull (flows_app_find_param (saved, "ClientID"));
  g_assert_null (flows_app_find_param (saved, "ClientI"));
  g_clear_object (&saved);

  /* A valid key clears the error and is saved once applied (Step 1 refers to <ClientID>). */
  apply_key (row, "ClientId2", "update");
  g_assert_false (gtk_widget_has_css_class (key_row, "error"));
  saved = test_host_load_saved (&fixture->host);
  g_assert_nonnull (flows_app_find_param (saved, "ClientId2"));
  g_assert_null (flows_app_find_param (saved, "ClientID"));
  g_clear_object (&saved);

  /* A key waiting for another parameter's key is fine once that one is renamed, and still
   * waits to be applied. */
  type_key (row, "TestURL", 0);
  g_assert_true (gtk_widget_has_css_class (key_row, "error"));
  apply_key (find_param_row (fixture, "TestURL"), "ProbeURL", "update");
  g_assert_false (gtk_widget_has_css_class (key_row, "error"));
  saved = test_host_load_saved (&fixture->host);
  g_assert_nonnull (flows_app_find_param (saved, "ProbeURL"));
  g_assert_nonnull (flows_app_find_param (saved, "ClientId2"));
  g_clear_object (&saved);
  apply_key (row, "TestURL", "update");
  saved = test_host_load_saved (&fixture->host);
  g_assert_nonnull (flows_app_find_param (saved, "TestURL"));
  g_assert_null (flows_app_find_param (saved, "ClientId2"));
}

/* The App's file as saved now, the autosave flushed. */
static char *
saved_text (Fixture *fixture)
{
  g_autoptr(FlowsApp) saved = test_host_load_saved (&fixture->host);
  g_autofree char *path = test_host_app_path (&fixture->host);

  return test_read_text (path);
}

/* A duplicate key typed and Enter pressed: the row says why, the file stays as it was, byte
 * for byte; Escape then puts the applied key back in the field. */
static void
test_duplicate_key_and_escape (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  FlowsParamRow *row;
  GtkWidget *key_row;
  GtkWidget *message;

  if (!test_need_display ())
    return;

  before = saved_text (fixture);
  row = find_param_row (fixture, "Scopes");
  key_row = find_row (GTK_WIDGET (row), "Key");
  type_key (row, "ClientID", XK_Return);
  g_assert_true (gtk_widget_has_css_class (key_row, "error"));
  message = test_get_widget (GTK_WIDGET (row), is_label_containing, "Another parameter already has the key “ClientID”");
  g_assert_true (gtk_widget_is_visible (message));
  g_assert_null (test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_cmpstr (flows_param_get_key (flows_param_row_get_param (row)), ==, "Scopes");
  after = saved_text (fixture);
  g_assert_cmpstr (after, ==, before);
  g_clear_pointer (&after, g_free);

  /* Escape, the focus still in the field: the applied key again, no error, nothing saved. */
  test_press_key (XK_Escape, 0);
  test_wait_idle ();
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (key_row)), ==, "Scopes");
  g_assert_false (gtk_widget_has_css_class (key_row, "error"));
  g_assert_false (gtk_widget_is_visible (message));

  /* The same for a valid key typed and not applied. */
  type_key (row, "Scope", XK_Escape);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (key_row)), ==, "Scopes");
  g_assert_null (test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  after = saved_text (fixture);
  g_assert_cmpstr (after, ==, before);
  test_xtest_set_frame_widget (NULL);
}

static gboolean
is_button_labelled (GtkWidget     *widget,
                    gconstpointer  label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static gboolean
param_key_is_scopes (gpointer data)
{
  return g_strcmp0 (flows_param_get_key (data), "Scopes") == 0;
}

static gboolean
undo_button_shown (gpointer data)
{
  Fixture *fixture = data;

  return test_find_widget (GTK_WIDGET (fixture->page), is_button_labelled, "_Undo") != NULL;
}

/* Renaming Scopes, which Step 1 refers to: the dialog asks, the references and a connection's
 * value follow, and the toast's Undo puts everything back. */
static void
test_rename_updates_references (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(FlowsConnection) connection = NULL;
  g_autoptr(FlowsApp) saved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = flows_new_id ();
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *shot = NULL;
  AdwMessageDialog *dialog;
  FlowsParamRow *row;
  GtkWidget *undo;

  if (!test_need_display ())
    return;

  connection = flows_connection_new (id, flows_app_get_id (fixture->host.app), "Mine");
  flows_connection_set_value (connection, "Scopes", "read write");
  g_assert_true (flows_library_add_connection (fixture->host.library, connection, &error));
  g_assert_no_error (error);

  row = find_param_row (fixture, "Scopes");
  type_key (row, "Scope", XK_Return);
  test_wait_for (message_dialog_shown, NULL, WAIT_MS);
  dialog = ADW_MESSAGE_DIALOG (test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Update 1 Reference in 1 Flow?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "<Scopes>"));
  /* The screenshot of the dialog, taken when FLOWS_SCREENSHOT_DIR is set. */
  if (g_getenv ("FLOWS_SCREENSHOT_DIR") != NULL)
    {
      for (guint i = 0; i < 10; i++)
        {
          test_wait_idle ();
          g_usleep (20000);
        }
      shot = g_build_filename (g_getenv ("FLOWS_SCREENSHOT_DIR"), "rename-key.png", NULL);
      g_assert_true (test_save_snapshot (GTK_WIDGET (dialog), shot, &error));
      g_assert_no_error (error);
      g_test_message ("Screenshot: %s", shot);
    }

  /* Cancel: nothing renamed, the key waits in its entry. */
  respond ("cancel");
  g_assert_cmpstr (flows_param_get_key (flows_param_row_get_param (row)), ==, "Scopes");

  apply_key (row, "Scope", "update");
  saved = test_host_load_saved (&fixture->host);
  g_assert_nonnull (flows_app_find_param (saved, "Scope"));
  g_assert_null (flows_app_find_param (saved, "Scopes"));
  g_clear_object (&saved);
  path = test_host_app_path (&fixture->host);
  text = test_read_text (path);
  g_assert_nonnull (strstr (text, "\"<Scope>\""));
  g_assert_null (strstr (text, "\"<Scopes>\""));
  /* A stage's output of that name is no parameter. */
  g_assert_nonnull (strstr (text, "<settings.Scopes>"));
  g_clear_pointer (&text, g_free);
  g_assert_cmpstr (flows_connection_get_value (connection, "Scope"), ==, "read write");
  g_assert_null (flows_connection_get_value (connection, "Scopes"));

  /* Undo, from the toast. */
  test_wait_for (undo_button_shown, fixture, WAIT_MS);
  undo = test_find_widget (GTK_WIDGET (fixture->page), is_button_labelled, "_Undo");
  gtk_widget_activate (undo);
  test_wait_for (param_key_is_scopes, flows_param_row_get_param (row), WAIT_MS);
  test_wait_idle ();
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_row (GTK_WIDGET (row), "Key"))), ==, "Scopes");
  text = test_read_text (path);
  g_assert_nonnull (strstr (text, "\"<Scopes>\""));
  g_assert_null (strstr (text, "\"<Scope>\""));
  g_assert_cmpstr (flows_connection_get_value (connection, "Scopes"), ==, "read write");
}

static gboolean
problem_count_shown (Fixture *fixture)
{
  GtkWidget *row = test_find_widget (GTK_WIDGET (fixture->page), test_is_row_titled, "1 Problem in This App");

  return row != NULL && gtk_widget_is_visible (row);
}

/* A URL parameter's default that is no web address is saved as typed, and the row says what
 * is wrong with it until it is one. */
static void
test_url_default_checked (Fixture       *fixture,
                          gconstpointer  data)
{
  FlowsParamRow *row;
  GtkWidget *default_row;
  GtkWidget *message;

  if (!test_need_display ())
    return;

  row = find_param_row (fixture, "AuthURL");
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
  default_row = find_row (GTK_WIDGET (row), "Default Value");
  g_assert_false (gtk_widget_has_css_class (default_row, "error"));

  /* The page counts the App's problems: none yet. */
  g_assert_false (problem_count_shown (fixture));

  type_into (GTK_WIDGET (row), "Default Value", "github dot com/login");
  g_assert_true (gtk_widget_has_css_class (default_row, "error"));
  message = test_get_widget (GTK_WIDGET (row), is_label_containing, "is not a web address");
  g_assert_true (gtk_widget_is_visible (message));
  {
    GtkWidget *problems = find_row (GTK_WIDGET (fixture->page), "1 Problem in This App");

    g_assert_true (gtk_widget_is_visible (problems));
    g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (problems)), "Parameter “AuthURL”: "));
  }

  /* Changing the kind to text makes any default fine. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (find_row (GTK_WIDGET (row), "Kind")), FLOWS_PARAM_KIND_TEXT);
  test_wait_idle ();
  g_assert_false (gtk_widget_has_css_class (default_row, "error"));
  g_assert_false (gtk_widget_is_visible (message));

  adw_combo_row_set_selected (ADW_COMBO_ROW (find_row (GTK_WIDGET (row), "Kind")), FLOWS_PARAM_KIND_URL);
  test_wait_idle ();
  g_assert_true (gtk_widget_is_visible (message));
  type_into (GTK_WIDGET (row), "Default Value", "https://github.com/login/oauth/authorize");
  g_assert_false (gtk_widget_has_css_class (default_row, "error"));
  g_assert_false (gtk_widget_is_visible (message));
  g_assert_false (problem_count_shown (fixture));
}

/* Ctrl+Z in a text row undoes what was typed there, never the text the row was filled with:
 * undoing past the typing would empty the label and save that. */
static void
test_label_undo_keeps_label (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(FlowsApp) saved = NULL;
  FlowsParamRow *row;
  GtkWidget *label_row;
  const char *label;

  if (!test_need_display ())
    return;

  row = find_param_row (fixture, "ClientID");
  label = flows_param_get_label (flows_param_row_get_param (row));
  g_assert_cmpstr (label, !=, "");
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
  label_row = find_row (GTK_WIDGET (row), "Label");
  click_field (row, "Label");

  /* Nothing typed yet: Ctrl+Z has nothing to take back. */
  test_press_key (XK_z, XK_Control_L, 0);
  test_wait_idle ();
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (label_row)), ==, "Client ID");
  saved = test_host_load_saved (&fixture->host);
  g_assert_cmpstr (flows_param_get_label (flows_app_find_param (saved, "ClientID")), ==, "Client ID");
  g_clear_object (&saved);

  /* Typed, then undone with more Ctrl+Z than there were edits: the label as it was, in the
   * file too. */
  test_press_key (XK_End, 0);
  test_type_text (" (web)");
  test_wait_idle ();
  g_assert_cmpstr (flows_param_get_label (flows_param_row_get_param (row)), ==, "Client ID (web)");
  for (guint i = 0; i < 3; i++)
    test_press_key (XK_z, XK_Control_L, 0);
  test_wait_idle ();
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (label_row)), ==, "Client ID");
  saved = test_host_load_saved (&fixture->host);
  g_assert_cmpstr (flows_param_get_label (flows_app_find_param (saved, "ClientID")), ==, "Client ID");
  test_xtest_set_frame_widget (NULL);
}

/* Sensitive values ------------------------------------------------------------------------- */

typedef struct
{
  FlowsConnection *mine[2];
  FlowsConnection *other;
  FlowsApp        *other_app;
} Connections;

/* Two connections of the App with a value for Region in their files, and one of another App
 * with a Region of its own, which must be left alone. */
static void
add_connections (Fixture     *fixture,
                 Connections *connections)
{
  g_autoptr(FlowsParam) param = flows_param_new ("Region", "Region", FLOWS_PARAM_KIND_TEXT);
  g_autoptr(FlowsParam) other_param = flows_param_new ("Region", "Region", FLOWS_PARAM_KIND_TEXT);
  g_autoptr(GError) error = NULL;

  flows_app_add_param (fixture->host.app, param);
  g_assert_true (flows_library_save_app (fixture->host.library, fixture->host.app, &error));
  g_assert_no_error (error);

  connections->other_app = flows_app_new_from_template ("Other", FLOWS_CONNECTION_TYPE_GENERIC);
  flows_app_add_param (connections->other_app, other_param);
  g_assert_true (flows_library_add_app (fixture->host.library, connections->other_app, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *id = flows_new_id ();
      g_autofree char *value = g_strdup_printf (SECRET_MARKER "%u", i);

      connections->mine[i] = flows_connection_new (id, flows_app_get_id (fixture->host.app), "Mine");
      flows_connection_set_value (connections->mine[i], "Region", value);
      g_assert_true (flows_library_add_connection (fixture->host.library, connections->mine[i], &error));
      g_assert_no_error (error);
    }

  {
    g_autofree char *id = flows_new_id ();

    connections->other = flows_connection_new (id, flows_app_get_id (connections->other_app), "Other");
    flows_connection_set_value (connections->other, "Region", "other-region");
    g_assert_true (flows_library_add_connection (fixture->host.library, connections->other, &error));
    g_assert_no_error (error);
  }
  test_wait_idle ();
}

static void
clear_connections (Connections *connections)
{
  for (guint i = 0; i < 2; i++)
    {
      flows_secrets_clear_connection_sync (flows_connection_get_app_id (connections->mine[i]),
                                           flows_connection_get_id (connections->mine[i]), NULL, NULL);
      g_clear_object (&connections->mine[i]);
    }
  g_clear_object (&connections->other);
  g_clear_object (&connections->other_app);
}

static gboolean
switch_settled (gpointer data)
{
  FlowsParamRow *row = data;
  GtkSwitch *toggle = find_switch (GTK_WIDGET (row), "Sensitive");

  return gtk_widget_is_sensitive (GTK_WIDGET (toggle)) &&
         gtk_switch_get_active (toggle) == gtk_switch_get_state (toggle);
}

static void
assert_saved_sensitive (Fixture    *fixture,
                        gboolean    sensitive)
{
  g_autoptr(FlowsApp) saved = test_host_load_saved (&fixture->host);

  g_assert_cmpint (flows_param_get_sensitive (flows_app_find_param (saved, "Region")), ==, sensitive);
}

static void
test_sensitive_on_moves_values_to_keyring (Fixture       *fixture,
                                           gconstpointer  data)
{
  Connections connections = { { NULL, NULL }, NULL, NULL };
  g_autofree char *connections_dir = NULL;
  FlowsParamRow *row;
  GtkSwitch *toggle;
  GtkWidget *dialog = NULL;

  if (!test_need_display () || !test_need_keyring ())
    return;

  add_connections (fixture, &connections);
  connections_dir = g_build_filename (fixture->host.data_dir, "connections", NULL);
  g_assert_true (test_tree_contains (connections_dir, SECRET_MARKER "0"));
  g_assert_true (test_tree_contains (connections_dir, SECRET_MARKER "1"));

  /* On: the values go into the keyring and out of every file. */
  row = find_param_row (fixture, "Region");
  toggle = find_switch (GTK_WIDGET (row), "Sensitive");
  gtk_switch_set_active (toggle, TRUE);
  test_wait_for (switch_settled, row, WAIT_MS);
  test_wait_idle ();
  g_assert_cmpuint (test_ui_errors->len, ==, 0);
  g_assert_true (gtk_switch_get_active (toggle));
  assert_saved_sensitive (fixture, TRUE);

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *expected = g_strdup_printf (SECRET_MARKER "%u", i);
      char *secret = flows_secrets_lookup_sync (flows_app_get_id (fixture->host.app),
                                                flows_connection_get_id (connections.mine[i]),
                                                "Region", NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (secret, ==, expected);
      flows_secrets_free (secret);
      g_assert_null (flows_connection_get_value (connections.mine[i], "Region"));
    }
  g_assert_false (test_tree_contains (fixture->host.data_dir, SECRET_MARKER));
  /* The other App's connection keeps its value. */
  g_assert_true (test_tree_contains (connections_dir, "other-region"));

  /* Off: only after confirming; the values come back to the files and leave the keyring. */
  gtk_switch_set_active (toggle, FALSE);
  test_wait_idle ();
  for (GList *l = gtk_window_list_toplevels (); l != NULL; l = g_list_delete_link (l, l))
    if (ADW_IS_MESSAGE_DIALOG (l->data))
      dialog = l->data;
  g_assert_nonnull (dialog);
  g_assert_false (test_tree_contains (fixture->host.data_dir, SECRET_MARKER));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "plain-text");
  test_wait_for (switch_settled, row, WAIT_MS);
  test_wait_idle ();
  g_assert_cmpuint (test_ui_errors->len, ==, 0);
  g_assert_false (gtk_switch_get_active (toggle));
  assert_saved_sensitive (fixture, FALSE);
  g_assert_true (test_tree_contains (connections_dir, SECRET_MARKER "0"));
  g_assert_true (test_tree_contains (connections_dir, SECRET_MARKER "1"));
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GError) error = NULL;
      char *secret = flows_secrets_lookup_sync (flows_app_get_id (fixture->host.app),
                                                flows_connection_get_id (connections.mine[i]),
                                                "Region", NULL, &error);

      g_assert_no_error (error);
      g_assert_null (secret);
    }

  clear_connections (&connections);
}

static void
test_sensitive_off_cancelled (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(FlowsParam) param = flows_param_new ("Token", "Token", FLOWS_PARAM_KIND_TEXT);
  FlowsParamRow *row;
  GtkSwitch *toggle;
  GtkWidget *dialog = NULL;

  if (!test_need_display ())
    return;

  flows_param_set_sensitive (param, TRUE);
  flows_app_add_param (fixture->host.app, param);
  test_wait_idle ();

  row = find_param_row (fixture, "Token");
  toggle = find_switch (GTK_WIDGET (row), "Sensitive");
  gtk_switch_set_active (toggle, FALSE);
  test_wait_idle ();
  for (GList *l = gtk_window_list_toplevels (); l != NULL; l = g_list_delete_link (l, l))
    if (ADW_IS_MESSAGE_DIALOG (l->data))
      dialog = l->data;
  g_assert_nonnull (dialog);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  test_wait_for (switch_settled, row, WAIT_MS);
  test_wait_idle ();
  g_assert_true (gtk_switch_get_active (toggle));
  g_assert_true (flows_param_get_sensitive (param));
}

/* Without a Secret Service the switch goes back, the files keep their values, and an error
 * says why. Run in a subprocess whose session bus address leads nowhere. */
static void
test_sensitive_on_keyring_failure (Fixture       *fixture,
                                   gconstpointer  data)
{
  Connections connections = { { NULL, NULL }, NULL, NULL };
  g_autofree char *connections_dir = NULL;
  FlowsParamRow *row;
  GtkSwitch *toggle;

  if (!test_need_display ())
    return;

  /* The child inherits the address from its start, before GTK connects to the bus. */
  if (!g_test_subprocess ())
    {
      g_autofree char *address = g_strdup (g_getenv ("DBUS_SESSION_BUS_ADDRESS"));

      g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/flows-test-bus", TRUE);
      /* Without a bus, accessibility has nowhere to go either; it would only warn. */
      g_setenv ("GTK_A11Y", "none", TRUE);
      g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      if (address != NULL)
        g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);
      else
        g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
      g_unsetenv ("GTK_A11Y");
      g_test_trap_assert_passed ();
      return;
    }

  add_connections (fixture, &connections);
  connections_dir = g_build_filename (fixture->host.data_dir, "connections", NULL);

  row = find_param_row (fixture, "Region");
  toggle = find_switch (GTK_WIDGET (row), "Sensitive");
  gtk_switch_set_active (toggle, TRUE);
  test_wait_for (switch_settled, row, WAIT_MS);
  test_wait_idle ();

  g_assert_false (gtk_switch_get_active (toggle));
  g_assert_false (flows_param_get_sensitive (flows_param_row_get_param (row)));
  assert_saved_sensitive (fixture, FALSE);
  g_assert_cmpuint (test_ui_errors->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (test_ui_errors, 0), "was not made sensitive"));
  g_assert_true (test_tree_contains (connections_dir, SECRET_MARKER "0"));
  g_assert_true (test_tree_contains (connections_dir, SECRET_MARKER "1"));

  g_clear_object (&connections.mine[0]);
  g_clear_object (&connections.mine[1]);
  g_clear_object (&connections.other);
  g_clear_object (&connections.other_app);
}

/* Redirect URL ----------------------------------------------------------------------------- */

static void
on_text_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **text = user_data;
  g_autoptr(GError) error = NULL;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_assert_no_error (error);
}

static gboolean
is_set (gpointer data)
{
  return *(char **)data != NULL;
}

static void
test_redirect_url (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (fixture->page);
  const char *url = "http://127.0.0.1:8999/oauth/done";
  GdkClipboard *clipboard = gtk_widget_get_clipboard (page);
  g_autoptr(FlowsApp) saved = NULL;
  g_autofree char *copied = NULL;
  GtkWidget *row;

  if (!test_need_display ())
    return;

  row = find_row (page, "Redirect URL");
  g_assert_true (gtk_widget_get_mapped (row));

  /* Not a URL, not http(s), or with a fragment: shown, not saved, not copyable. */
  type_into (page, "Redirect URL", "ftp://127.0.0.1/cb");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  type_into (page, "Redirect URL", "http://127.0.0.1:8999/cb#x");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  type_into (page, "Redirect URL", "not a url");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_false (gtk_widget_is_sensitive (find_button (page, "settings.copy-redirect-url")));
  saved = test_host_load_saved (&fixture->host);
  g_assert_cmpstr (flows_app_get_redirect_url (saved), ==, FLOWS_DEFAULT_REDIRECT_URL);
  g_clear_object (&saved);

  type_into (page, "Redirect URL", url);
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  g_assert_true (gtk_widget_is_sensitive (find_button (page, "settings.copy-redirect-url")));
  saved = test_host_load_saved (&fixture->host);
  g_assert_cmpstr (flows_app_get_redirect_url (saved), ==, url);

  /* The copy button puts it on the clipboard. */
  g_assert_true (gtk_widget_activate_action (page, "settings.copy-redirect-url", NULL));
  gdk_clipboard_read_text_async (clipboard, NULL, on_text_read, &copied);
  test_wait_for (is_set, &copied, WAIT_MS);
  test_wait_idle ();
  g_assert_cmpstr (copied, ==, url);
}

/* The statuses after which a request with the token refreshes it and retries: "401" by
 * default, typed as a list, checked, saved. */
static void
test_refresh_on_status_row (Fixture       *fixture,
                            gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (fixture->page);
  g_autoptr(FlowsApp) saved = NULL;
  GtkWidget *row;
  const guint *statuses;
  guint n;

  if (!test_need_display ())
    return;

  row = find_row (page, "Refresh and Retry on Statuses");
  g_assert_true (gtk_widget_get_mapped (row));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "401");

  type_into (page, "Refresh and Retry on Statuses", "401, 4O3");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_nonnull (test_find_widget (page, is_label_containing, "“4O3” is not an HTTP status"));
  type_into (page, "Refresh and Retry on Statuses", " ");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  saved = test_host_load_saved (&fixture->host);
  statuses = flows_app_get_refresh_on_status (saved, &n);
  g_assert_cmpuint (n, ==, 1);
  g_clear_object (&saved);

  type_into (page, "Refresh and Retry on Statuses", "401, 403");
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  saved = test_host_load_saved (&fixture->host);
  statuses = flows_app_get_refresh_on_status (saved, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (statuses[0], ==, 401);
  g_assert_cmpuint (statuses[1], ==, 403);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "401, 403");

  /* The screenshot of the page, taken when FLOWS_SCREENSHOT_DIR is set. */
  if (g_getenv ("FLOWS_SCREENSHOT_DIR") != NULL)
    {
      g_autofree char *shot = g_build_filename (g_getenv ("FLOWS_SCREENSHOT_DIR"), "refresh-on-status.png", NULL);
      g_autoptr(GError) error = NULL;

      type_into (page, "Refresh and Retry on Statuses", "401, 4O3");
      for (guint i = 0; i < 10; i++)
        {
          test_wait_idle ();
          g_usleep (20000);
        }
      g_assert_true (test_save_snapshot (GTK_WIDGET (gtk_widget_get_root (page)), shot, &error));
      g_assert_no_error (error);
      g_test_message ("Screenshot: %s", shot);
    }
}

static void
test_generic_has_no_redirect_url (Fixture       *fixture,
                                  gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (fixture->page);
  guint n = g_list_model_get_n_items (flows_app_get_params (fixture->host.app));

  if (!test_need_display ())
    return;

  g_assert_false (gtk_widget_get_mapped (find_row (page, "Redirect URL")));
  g_assert_false (gtk_widget_get_mapped (find_row (page, "Refresh and Retry on Statuses")));
  g_assert_true (gtk_widget_get_mapped (find_row (page, "Generic")));

  /* Without an App the page says so, and its actions do nothing. */
  flows_connection_settings_page_set_app (fixture->page, NULL);
  test_wait_idle ();
  g_assert_true (gtk_widget_get_mapped (test_find_widget (page, is_status_page_titled, "No App Selected")));
  gtk_widget_activate_action (page, "settings.add-param", NULL);
  test_wait_idle ();
  g_assert_cmpuint (g_list_model_get_n_items (flows_app_get_params (fixture->host.app)), ==, n);
}

/* Preferences ------------------------------------------------------------------------------ */

static void
test_preferences (void)
{
  g_autoptr(GSettings) settings = NULL;
  GtkWidget *window;
  GtkWidget *spin;

  if (!test_need_display () || !need_schema ())
    return;

  settings = g_settings_new (APP_ID);
  window = flows_preferences_window_new (NULL);
  test_window_show (GTK_WINDOW (window));

  /* No application with a "sandbox" action here: its switch is hidden. */
  g_assert_false (gtk_widget_get_visible (find_row (window, "Run Sandbox Provider")));

  /* The timeout, both ways. */
  spin = test_find_widget_of_type (find_row (window, "Request Timeout"), GTK_TYPE_SPIN_BUTTON);
  g_assert_nonnull (spin);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)), ==, 30);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 45);
  g_assert_cmpuint (g_settings_get_uint (settings, "request-timeout"), ==, 45);
  g_settings_set_uint (settings, "request-timeout", 12);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)), ==, 12);

  type_into (window, "Default Redirect URL", "mailto:someone");
  g_assert_true (gtk_widget_has_css_class (find_row (window, "Default Redirect URL"), "error"));
  {
    g_autofree char *stored = g_settings_get_string (settings, "default-redirect-url");

    g_assert_cmpstr (stored, ==, FLOWS_DEFAULT_REDIRECT_URL);
  }
  type_into (window, "Default Redirect URL", "https://example.com/callback");
  {
    g_autofree char *stored = g_settings_get_string (settings, "default-redirect-url");

    g_assert_cmpstr (stored, ==, "https://example.com/callback");
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_reset (settings, "default-redirect-url");
  g_settings_reset (settings, "request-timeout");
}

static gboolean sandbox_can_start;

/* Stands in for app.sandbox of FlowsApplication: starting can fail, as with a port in use. */
static void
toggle_sandbox (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_autoptr(GVariant) state = g_action_get_state (G_ACTION (action));
  gboolean running = g_variant_get_boolean (state);

  if (running || sandbox_can_start)
    g_simple_action_set_state (action, g_variant_new_boolean (!running));
}

static void
test_preferences_sandbox (void)
{
  static const GActionEntry entries[] = {
    { "sandbox", NULL, NULL, "false", toggle_sandbox },
  };
  g_autoptr(GApplication) application = NULL;
  GtkWidget *window;
  GtkWidget *row;
  GtkSwitch *toggle;
  GAction *action;

  if (!test_need_display () || !need_schema ())
    return;

  application = g_application_new ("io.github.flowsstudio.FlowsStudio.Test", G_APPLICATION_NON_UNIQUE);
  g_action_map_add_action_entries (G_ACTION_MAP (application), entries, G_N_ELEMENTS (entries), NULL);
  g_assert_true (g_application_register (application, NULL, NULL));
  action = g_action_map_lookup_action (G_ACTION_MAP (application), "sandbox");

  window = flows_preferences_window_new (NULL);
  test_window_show (GTK_WINDOW (window));

  row = find_row (window, "Run Sandbox Provider");
  g_assert_true (gtk_widget_get_visible (row));
  toggle = find_switch (window, "Run Sandbox Provider");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "Stopped");

  /* Starting fails: the switch goes back. */
  sandbox_can_start = FALSE;
  gtk_switch_set_active (toggle, TRUE);
  test_wait_idle ();
  g_assert_false (gtk_switch_get_active (toggle));

  sandbox_can_start = TRUE;
  gtk_switch_set_active (toggle, TRUE);
  test_wait_idle ();
  g_assert_true (gtk_switch_get_active (toggle));
  g_assert_true (gtk_switch_get_state (toggle));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "http://127.0.0.1:8977"));

  /* Stopped elsewhere (the primary menu): the switch follows. */
  g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_boolean (FALSE));
  test_wait_idle ();
  g_assert_false (gtk_switch_get_active (toggle));

  gtk_window_destroy (GTK_WINDOW (window));
  test_wait_idle ();
}

int
main (int    argc,
      char **argv)
{
  /* Settings in memory (the schema comes from $GSETTINGS_SCHEMA_DIR): the user's stay as
   * they are. */
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  /* XTest needs X11, the only display GTK may then open. */
  g_setenv ("GDK_BACKEND", "x11", TRUE);

  test_ui_init (&argc, &argv);

  g_test_add_func ("/connection-settings/new-app/oauth", test_new_oauth_app);
  g_test_add_func ("/connection-settings/new-app/generic-and-cancel", test_new_generic_app_cancel);

#define ADD(path, type, func) \
  g_test_add (path, Fixture, GINT_TO_POINTER (type), fixture_set_up, func, fixture_tear_down)
  ADD ("/connection-settings/params/add-rename-reorder-remove", FLOWS_CONNECTION_TYPE_OAUTH, test_add_rename_reorder_remove);
  ADD ("/connection-settings/params/invalid-key-not-saved", FLOWS_CONNECTION_TYPE_OAUTH, test_invalid_key_not_saved);
  ADD ("/connection-settings/params/rename-updates-references", FLOWS_CONNECTION_TYPE_OAUTH, test_rename_updates_references);
  ADD ("/connection-settings/params/duplicate-key-and-escape", FLOWS_CONNECTION_TYPE_OAUTH, test_duplicate_key_and_escape);
  ADD ("/connection-settings/params/url-default", FLOWS_CONNECTION_TYPE_OAUTH, test_url_default_checked);
  ADD ("/connection-settings/params/label-undo", FLOWS_CONNECTION_TYPE_OAUTH, test_label_undo_keeps_label);
  ADD ("/connection-settings/sensitive/on-and-off", FLOWS_CONNECTION_TYPE_GENERIC, test_sensitive_on_moves_values_to_keyring);
  ADD ("/connection-settings/sensitive/off-cancelled", FLOWS_CONNECTION_TYPE_GENERIC, test_sensitive_off_cancelled);
  ADD ("/connection-settings/sensitive/keyring-failure", FLOWS_CONNECTION_TYPE_GENERIC, test_sensitive_on_keyring_failure);
  ADD ("/connection-settings/redirect-url", FLOWS_CONNECTION_TYPE_OAUTH, test_redirect_url);
  ADD ("/connection-settings/refresh-on-status", FLOWS_CONNECTION_TYPE_OAUTH, test_refresh_on_status_row);
  ADD ("/connection-settings/generic-and-no-app", FLOWS_CONNECTION_TYPE_GENERIC, test_generic_has_no_redirect_url);
#undef ADD

  g_test_add_func ("/connection-settings/preferences", test_preferences);
  g_test_add_func ("/connection-settings/preferences-sandbox", test_preferences_sandbox);

  return g_test_run ();
}
