/* flows-connections-page.c — the Connections view of an App */

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "flows-application.h"
#include "flows-connection-editor.h"
#include "flows-connections-page.h"
#include "flows-oauth.h"
#include "flows-sandbox-provider.h"
#include "flows-sign-in-loader.h"
#include "flows-sign-in.h"
#include "flows-test-result.h"
#include "flows-token-details-dialog.h"
#include "flows-ui-shared.h"
#include "flows-window.h"

/* How long "Sign in with system browser" waits for the browser to come back. */
#define BROWSER_SIGN_IN_TIMEOUT_SECONDS 300

struct _FlowsConnectionsPage
{
  AdwBin              parent_instance;

  FlowsLibrary       *library;
  FlowsApp           *app;
  GSignalGroup       *app_signals;
  /* The runner given through the "runner" property, and one of the page's own for when
   * neither that nor the application's exists. */
  FlowsRunner        *runner;
  FlowsRunner        *own_runner;
  /* The library's connections of this App. */
  GtkFilterListModel *connections;
  GtkCustomFilter    *filter;
  /* Connection id -> GCancellable of its test or sign-in under way. */
  GHashTable         *tests;
  GHashTable         *sign_ins;
  /* Everything else asynchronous (sign-out, delete): cancelled with the page. */
  GCancellable       *cancellable;

  /* The connection whose test the result panel shows. */
  char               *result_connection_id;

  GtkStack           *stack;
  GtkListBox         *list_box;
  GtkWidget          *result_box;
  FlowsTestResult    *test_result;
};

G_DEFINE_FINAL_TYPE (FlowsConnectionsPage, flows_connections_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_LIBRARY,
  PROP_APP,
  PROP_RUNNER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The widgets of one connection's row. */
typedef struct
{
  FlowsConnectionsPage *page;        /* not a reference: the page outlives its rows */
  FlowsConnection      *connection;
  GtkWidget            *row;
  GtkWidget            *status_icon;
  GtkWidget            *spinner;
  GtkWidget            *sign_in_button;
  GtkWidget            *test_button;
  GtkWidget            *menu_button;
} Row;

/* What an asynchronous operation needs once it is done: the page held weakly, so that a
 * closed window is never touched, and the connection by id, because the library replaces a
 * connection's object when its file changes on disk. */
typedef struct
{
  GWeakRef      page;
  char         *app_id;
  char         *connection_id;
  char         *connection_name;
  FlowsSignIn  *sign_in;
  /* A sign-in's own, to tell it from a newer attempt that replaced it. */
  GCancellable *cancellable;
} Operation;

static Operation *
operation_new (FlowsConnectionsPage *self,
               FlowsConnection      *connection)
{
  Operation *operation = g_new0 (Operation, 1);

  g_weak_ref_init (&operation->page, self);
  operation->app_id = g_strdup (flows_connection_get_app_id (connection));
  operation->connection_id = g_strdup (flows_connection_get_id (connection));
  operation->connection_name = g_strdup (flows_connection_get_name (connection));
  return operation;
}

static void
operation_free (Operation *operation)
{
  g_weak_ref_clear (&operation->page);
  g_free (operation->app_id);
  g_free (operation->connection_id);
  g_free (operation->connection_name);
  g_clear_object (&operation->sign_in);
  g_clear_object (&operation->cancellable);
  g_free (operation);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Operation, operation_free)

static void
operation_free_closure (gpointer  operation,
                        GClosure *closure)
{
  operation_free (operation);
}

static gboolean
is_oauth (FlowsConnectionsPage *self)
{
  return self->app != NULL && flows_app_get_connection_type (self->app) == FLOWS_CONNECTION_TYPE_OAUTH;
}

static GtkWindow *
get_window (FlowsConnectionsPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static FlowsRunner *
get_runner (FlowsConnectionsPage *self)
{
  return self->runner != NULL ? self->runner : flows_shared_runner (&self->own_runner, self->library);
}

/* Status ------------------------------------------------------------------------------------- */

static char *
format_time (gint64 unix_time)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (unix_time);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (g_date_time_get_year (time) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (time) == g_date_time_get_day_of_year (now))
    /* Translators: a time today, see g_date_time_format() */
    return g_date_time_format (time, _("%H:%M"));
  if (g_date_time_get_year (time) == g_date_time_get_year (now))
    /* Translators: a date this year and a time, see g_date_time_format() */
    return g_date_time_format (time, _("%-d %b, %H:%M"));
  /* Translators: a date and a time, see g_date_time_format() */
  return g_date_time_format (time, _("%-d %b %Y, %H:%M"));
}

/* The status line of a connection, with the icon and style class that go with it. A
 * connection to the sandbox provider says how to sign in to it while it is not signed in. */
static char *
describe_status (FlowsConnection  *connection,
                 gboolean          oauth,
                 gboolean          sandbox,
                 const char      **icon_name,
                 const char      **style_class)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  const char *needs_sign_in = flows_connection_get_needs_sign_in (connection);
  const char *sign_in_failure = oauth ? flows_connection_get_sign_in_failure (connection) : NULL;
  gint64 tested = flows_connection_get_last_test_time (connection);
  /* Something about signing in matters more than an older test. */
  gboolean sign_in_problem = oauth && (needs_sign_in != NULL || sign_in_failure != NULL);

  *icon_name = "network-transmit-receive-symbolic";
  *style_class = "dim-label";

  if (oauth && needs_sign_in != NULL)
    {
      g_ptr_array_add (parts, g_strdup_printf (_("Needs sign-in: %s"), needs_sign_in));
      *icon_name = "dialog-warning-symbolic";
      *style_class = "warning";
    }
  else if (oauth && !flows_connection_get_signed_in (connection))
    {
      if (sign_in_failure == NULL)
        g_ptr_array_add (parts, g_strdup (_("Not signed in")));
      *icon_name = "dialog-password-symbolic";
    }
  else if (oauth)
    {
      gint64 expires = flows_connection_get_token_expires_at (connection);
      g_autofree char *when = expires != 0 ? format_time (expires) : NULL;

      if (expires == 0)
        g_ptr_array_add (parts, g_strdup (_("Signed in")));
      else if (expires > g_get_real_time () / G_USEC_PER_SEC)
        g_ptr_array_add (parts, g_strdup_printf (_("Signed in, token expires at %s"), when));
      else
        /* The runner refreshes it before the next request. */
        g_ptr_array_add (parts, g_strdup_printf (_("Signed in, token expired at %s"), when));
    }

  if (sign_in_failure != NULL)
    {
      g_autofree char *when = format_time (flows_connection_get_sign_in_failure_time (connection));

      /* Translators: a time, then why signing in failed */
      g_ptr_array_add (parts, g_strdup_printf (_("Sign-in failed at %s: %s"), when, sign_in_failure));
      if (needs_sign_in == NULL)
        {
          *icon_name = "dialog-error-symbolic";
          *style_class = "error";
        }
    }

  if (sandbox && (!flows_connection_get_signed_in (connection) || sign_in_problem))
    /* Translators: the placeholders are the sandbox provider's demo user name and password */
    g_ptr_array_add (parts, g_strdup_printf (_("Sandbox provider: sign in as %s, password %s"),
                                             FLOWS_SANDBOX_USER_NAME, FLOWS_SANDBOX_PASSWORD));

  if (tested == 0)
    g_ptr_array_add (parts, g_strdup (_("Never tested")));
  else if (flows_connection_get_last_test_stale (connection))
    /* Its result was about the tokens before: it says nothing, until Test runs again. */
    g_ptr_array_add (parts, g_strdup (_("Not tested since signing in")));
  else
    {
      g_autofree char *when = format_time (tested);
      gboolean passed = flows_connection_get_last_test_passed (connection);

      guint status = flows_connection_get_last_test_status (connection);

      if (passed)
        g_ptr_array_add (parts, g_strdup_printf (_("Passed at %s"), when));
      else if (status >= 300)
        /* The status says it in a few words; the whole message is in the tooltip. */
        /* Translators: a time, then an HTTP status code and its phrase */
        g_ptr_array_add (parts, g_strdup_printf (_("Failed at %s: HTTP %u %s"), when, status,
                                                 soup_status_get_phrase (status)));
      else
        /* Translators: a time, then why the test failed */
        g_ptr_array_add (parts, g_strdup_printf (_("Failed at %s: %s"), when,
                                                 flows_connection_get_last_test_message (connection)));
      if (!sign_in_problem)
        {
          *icon_name = passed ? "emblem-ok-symbolic" : "dialog-error-symbolic";
          *style_class = passed ? "success" : "error";
        }
    }

  g_ptr_array_add (parts, NULL);
  /* Translators: between the parts of a connection's status */
  return g_strjoinv (_(" · "), (char **)parts->pdata);
}

/* The whole of what the status line shortens: why signing in or the last test failed. */
static const char *
describe_problem (FlowsConnection *connection,
                  gboolean         oauth)
{
  if (oauth && flows_connection_get_sign_in_failure (connection) != NULL)
    return flows_connection_get_sign_in_failure (connection);
  if (flows_connection_get_last_test_time (connection) != 0 && !flows_connection_get_last_test_passed (connection) &&
      !flows_connection_get_last_test_stale (connection))
    return flows_connection_get_last_test_message (connection);
  return NULL;
}

static void
append_item (GMenu      *menu,
             const char *label,
             const char *action,
             const char *connection_id)
{
  g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

  g_menu_item_set_action_and_target_value (item, action, g_variant_new_string (connection_id));
  g_menu_append_item (menu, item);
}

static GMenuModel *
create_row_menu (FlowsConnectionsPage *self,
                 FlowsConnection      *connection)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) manage = g_menu_new ();
  const char *id = flows_connection_get_id (connection);

  if (is_oauth (self))
    {
      g_autoptr(GMenu) oauth = g_menu_new ();

      /* Signed in, the row has no Sign In button: signing in again (as another account, or
       * with new scopes) is here. */
      if (flows_connection_get_signed_in (connection))
        append_item (oauth, _("Sign _In Again"), "connection.sign-in", id);
      /* For providers that refuse embedded browsers. */
      append_item (oauth, _("Sign In with System _Browser"), "connection.sign-in-browser", id);
      if (flows_connection_get_signed_in (connection))
        {
          /* Alt+Return on the row does the same (see create_row()). */
          append_item (oauth, _("Token _Details"), "connection.token-details", id);
          append_item (oauth, _("Sign _Out"), "connection.sign-out", id);
        }
      g_menu_append_section (menu, NULL, G_MENU_MODEL (oauth));
    }

  append_item (manage, _("_Edit…"), "connection.edit", id);
  append_item (manage, _("_Delete…"), "connection.delete", id);
  g_menu_append_section (menu, NULL, G_MENU_MODEL (manage));
  return G_MENU_MODEL (g_steal_pointer (&menu));
}

static void
update_row (Row *row)
{
  FlowsConnectionsPage *self = row->page;
  FlowsConnection *connection = row->connection;
  const char *id = flows_connection_get_id (connection);
  const char *name = flows_connection_get_name (connection);
  gboolean testing = g_hash_table_contains (self->tests, id);
  gboolean signing_in = g_hash_table_contains (self->sign_ins, id);
  gboolean oauth = is_oauth (self);
  const char *icon_name, *style_class;
  g_autofree char *status = describe_status (connection, oauth, flows_uses_sandbox (self->app, connection),
                                             &icon_name, &style_class);
  g_autofree char *test_label = g_strdup_printf (_("Test “%s”"), name);
  g_autofree char *sign_in_label = g_strdup_printf (_("Sign in to “%s”"), name);
  g_autofree char *menu_label = g_strdup_printf (_("More actions for “%s”"), name);
  g_autoptr(GMenuModel) menu = create_row_menu (self, connection);
  static const char * const status_classes[] = { "dim-label", "success", "warning", "error" };

  adw_action_row_set_subtitle (ADW_ACTION_ROW (row->row), status);
  gtk_widget_set_tooltip_text (row->row, describe_problem (connection, oauth));
  gtk_image_set_from_icon_name (GTK_IMAGE (row->status_icon), icon_name);
  for (guint i = 0; i < G_N_ELEMENTS (status_classes); i++)
    gtk_widget_remove_css_class (row->status_icon, status_classes[i]);
  gtk_widget_add_css_class (row->status_icon, style_class);

  gtk_widget_set_visible (row->spinner, testing || signing_in);
  gtk_spinner_set_spinning (GTK_SPINNER (row->spinner), testing || signing_in);
  gtk_widget_set_tooltip_text (row->spinner, testing ? _("Testing…") : _("Signing in…"));
  gtk_widget_set_sensitive (row->test_button, !testing);
  gtk_widget_set_visible (row->sign_in_button,
                          oauth && (!flows_connection_get_signed_in (connection) ||
                                    flows_connection_get_needs_sign_in (connection) != NULL));

  gtk_accessible_update_property (GTK_ACCESSIBLE (row->test_button), GTK_ACCESSIBLE_PROPERTY_LABEL, test_label, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->sign_in_button), GTK_ACCESSIBLE_PROPERTY_LABEL, sign_in_label, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->menu_button), GTK_ACCESSIBLE_PROPERTY_LABEL, menu_label, -1);
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (row->menu_button), menu);
}

static void
row_free (Row *row)
{
  g_clear_object (&row->connection);
  g_free (row);
}

static void
on_row_activated (AdwActionRow *action_row,
                  Row          *row)
{
  gtk_widget_activate_action (GTK_WIDGET (row->page), "connection.edit", "s", flows_connection_get_id (row->connection));
}

static void
on_connection_notify (GtkWidget *widget)
{
  update_row (g_object_get_data (G_OBJECT (widget), "flows-row"));
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  FlowsConnectionsPage *self = user_data;
  FlowsConnection *connection = item;
  GVariant *id = g_variant_new_string (flows_connection_get_id (connection));
  Row *row = g_new0 (Row, 1);

  g_variant_ref_sink (id);
  row->page = self;
  row->connection = g_object_ref (connection);
  row->row = adw_action_row_new ();
  /* Decorative: the subtitle says the same in words. */
  row->status_icon = g_object_new (GTK_TYPE_IMAGE, "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION, NULL);
  row->spinner = gtk_spinner_new ();
  row->sign_in_button = gtk_button_new_with_mnemonic (_("Sign _In"));
  row->test_button = gtk_button_new_with_mnemonic (_("_Test"));
  row->menu_button = gtk_menu_button_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row->row), FALSE);
  g_object_bind_property (connection, "name", row->row, "title", G_BINDING_SYNC_CREATE);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row->row), 2);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row->row), TRUE);
  g_signal_connect (row->row, "activated", G_CALLBACK (on_row_activated), row);

  gtk_widget_set_valign (row->status_icon, GTK_ALIGN_CENTER);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row->row), row->status_icon);

  gtk_widget_set_valign (row->spinner, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row->row), row->spinner);

  gtk_widget_set_valign (row->sign_in_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (row->sign_in_button, "suggested-action");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row->sign_in_button), "connection.sign-in");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (row->sign_in_button), id);
  gtk_widget_set_tooltip_text (row->sign_in_button, _("Sign in to the service in a browser window"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row->row), row->sign_in_button);

  gtk_widget_set_valign (row->test_button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row->test_button), "connection.test");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (row->test_button), id);
  gtk_widget_set_tooltip_text (row->test_button, _("Run the App’s Connection Test flow with this connection"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row->row), row->test_button);

  gtk_widget_set_valign (row->menu_button, GTK_ALIGN_CENTER);
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (row->menu_button), "view-more-symbolic");
  gtk_widget_add_css_class (row->menu_button, "flat");
  gtk_widget_set_tooltip_text (row->menu_button, _("More"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row->row), row->menu_button);

  /* Alt+Return, GNOME's key for an item's properties, opens the token details of a focused row
   * (the action does nothing for a connection that is not signed in). */
  {
    GtkEventController *shortcuts = gtk_shortcut_controller_new ();
    GtkShortcut *shortcut = gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Return, GDK_ALT_MASK),
                                              gtk_named_action_new ("connection.token-details"));

    gtk_shortcut_set_arguments (shortcut, id);
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), shortcut);
    gtk_widget_add_controller (row->row, shortcuts);
  }

  g_object_set_data_full (G_OBJECT (row->row), "flows-row", row, (GDestroyNotify)row_free);
  g_signal_connect_object (connection, "notify", G_CALLBACK (on_connection_notify), row->row, G_CONNECT_SWAPPED);
  update_row (row);
  g_variant_unref (id);
  return row->row;
}

/* Calls update_row() for the row of @connection_id, if it is shown. */
static void
update_row_of (FlowsConnectionsPage *self,
               const char           *connection_id)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      Row *row = g_object_get_data (G_OBJECT (child), "flows-row");

      if (row != NULL && g_str_equal (flows_connection_get_id (row->connection), connection_id))
        update_row (row);
    }
}

/* The view ----------------------------------------------------------------------------------- */

static gboolean
belongs_to_app (gpointer item,
                gpointer user_data)
{
  FlowsConnectionsPage *self = user_data;

  return self->app != NULL &&
         g_strcmp0 (flows_connection_get_app_id (item), flows_app_get_id (self->app)) == 0;
}

static void
update_view (FlowsConnectionsPage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->connections));

  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "list" : "empty");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "connections.add", self->app != NULL && self->library != NULL);
}

/* Rows differ by connection type (OAuth rows sign in), so a change of App or type rebuilds
 * them all. */
static void
rebuild (FlowsConnectionsPage *self)
{
  gboolean oauth = is_oauth (self);

  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  gtk_list_box_bind_model (self->list_box, G_LIST_MODEL (self->connections), create_row, self, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "connection.sign-in", oauth);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "connection.sign-in-browser", oauth);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "connection.sign-out", oauth);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "connection.token-details", oauth);
  update_view (self);
}

static void
close_result (FlowsConnectionsPage *self)
{
  flows_test_result_set_run (self->test_result, NULL, NULL);
  gtk_widget_set_visible (self->result_box, FALSE);
  g_clear_pointer (&self->result_connection_id, g_free);
}

/* The connection an action names, if it is one of this App's. */
static FlowsConnection *
find_connection (FlowsConnectionsPage *self,
                 GVariant             *parameter)
{
  FlowsConnection *connection;

  if (self->library == NULL || self->app == NULL)
    return NULL;
  connection = flows_library_find_connection (self->library, g_variant_get_string (parameter, NULL));
  if (connection == NULL || g_strcmp0 (flows_connection_get_app_id (connection), flows_app_get_id (self->app)) != 0)
    return NULL;
  return connection;
}

/* Add, edit, delete --------------------------------------------------------------------------- */

static void
open_editor (FlowsConnectionsPage *self,
             FlowsConnection      *connection)
{
  FlowsConnectionEditor *editor = flows_connection_editor_new (get_window (self), self->library, self->app, connection);

  gtk_window_present (GTK_WINDOW (editor));
}

static void
add_connection (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  FlowsConnectionsPage *self = FLOWS_CONNECTIONS_PAGE (widget);

  if (self->library != NULL && self->app != NULL)
    open_editor (self, NULL);
}

static void
edit_connection (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  FlowsConnectionsPage *self = FLOWS_CONNECTIONS_PAGE (widget);
  FlowsConnection *connection = find_connection (self, parameter);

  if (connection != NULL)
    open_editor (self, connection);
}

static void
on_deleted (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Operation) operation = user_data;
  g_autoptr(FlowsConnectionsPage) self = g_weak_ref_get (&operation->page);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (!flows_library_delete_connection_finish (FLOWS_LIBRARY (source), result, &error))
    {
      if (self != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        flows_widget_show_error (GTK_WIDGET (self), _("The connection was not deleted"), error->message);
      return;
    }
  if (self == NULL)
    return;

  message = g_strdup_printf (_("Deleted the connection “%s”"), operation->connection_name);
  flows_widget_show_toast (GTK_WIDGET (self), message);
}

static void
on_delete_response (AdwMessageDialog *dialog,
                    const char       *response,
                    Operation        *operation)
{
  g_autoptr(FlowsConnectionsPage) self = g_weak_ref_get (&operation->page);
  FlowsConnection *connection;

  if (self == NULL || !g_str_equal (response, "delete") || self->library == NULL)
    return;
  if (!(connection = flows_library_find_connection (self->library, operation->connection_id)))
    return;

  /* The test result shown may be this connection's: it goes with it. */
  close_result (self);
  flows_library_delete_connection_async (self->library, connection, self->cancellable, on_deleted,
                                         operation_new (self, connection));
}

static void
delete_connection (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  FlowsConnectionsPage *self = FLOWS_CONNECTIONS_PAGE (widget);
  FlowsConnection *connection = find_connection (self, parameter);
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  if (connection == NULL)
    return;

  heading = g_strdup_printf (_("Delete “%s”?"), flows_connection_get_name (connection));
  dialog = adw_message_dialog_new (get_window (self), heading,
                                   _("Its values are deleted, and its secrets and tokens are removed from the keyring. This cannot be undone."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_delete_response),
                         operation_new (self, connection), operation_free_closure, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Test ---------------------------------------------------------------------------------------- */

static void
on_test_finished (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Operation) operation = user_data;
  g_autoptr(FlowsConnectionsPage) self = g_weak_ref_get (&operation->page);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlowsRun) run = flows_runner_run_finish (FLOWS_RUNNER (source), result, &error);
  g_autofree char *message = NULL;
  FlowsConnection *connection;

  if (self == NULL)
    return;

  g_hash_table_remove (self->tests, operation->connection_id);
  update_row_of (self, operation->connection_id);

  if (run == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        flows_widget_show_error (GTK_WIDGET (self), _("The test could not run"), error->message);
      return;
    }

  /* Judged, worded and recorded as `flows-cli test` does, so that both agree on every connection. */
  connection = flows_library_find_connection (self->library, operation->connection_id);
  if (connection != NULL)
    {
      flows_oauth_record_connection_test (connection, run, &message);
      if (!flows_library_save_connection (self->library, connection, &error))
        flows_widget_show_error (GTK_WIDGET (self), _("The test result was not saved"), error->message);
    }

  /* The user may have moved on to another App meanwhile. */
  if (self->app == NULL || g_strcmp0 (flows_app_get_id (self->app), operation->app_id) != 0)
    return;

  flows_test_result_set_run (self->test_result, run, connection != NULL ? flows_connection_get_name (connection)
                                                                         : operation->connection_name);
  gtk_widget_set_visible (self->result_box, TRUE);
  g_free (self->result_connection_id);
  self->result_connection_id = g_strdup (operation->connection_id);
}

static void
test_connection (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  FlowsConnectionsPage *self = FLOWS_CONNECTIONS_PAGE (widget);
  FlowsConnection *connection = find_connection (self, parameter);
  g_autoptr(GCancellable) cancellable = NULL;
  FlowsFlow *flow;

  if (connection == NULL || g_hash_table_contains (self->tests, flows_connection_get_id (connection)))
    return;

  if (!(flow = flows_app_find_flow_by_role (self->app, FLOWS_FLOW_ROLE_CONNECTION_TEST)))
    {
      flows_widget_show_error (GTK_WIDGET (self), _("This App has no Connection Test flow"),
                               _("A connection is tested by the App’s flow with the Connection Test role. Give that role to a flow, or create a new App to get one from the template."));
      return;
    }

  /* After a restart the sandbox provider is not running, and a test of a connection to it
   * would only say that nothing listens. */
  flows_start_sandbox_for (self->app, connection);
  cancellable = g_cancellable_new ();
  g_hash_table_insert (self->tests, g_strdup (flows_connection_get_id (connection)), g_object_ref (cancellable));
  update_row_of (self, flows_connection_get_id (connection));
  flows_runner_run_async (get_runner (self), self->app, flow, NULL, connection, NULL, cancellable,
                          on_test_finished, operation_new (self, connection));
}

/* Sign in and out ----------------------------------------------------------------------------- */

/* A new sign-in replaces one still waiting (a browser tab left open, say). */
static Operation *
begin_sign_in (FlowsConnectionsPage *self,
               FlowsConnection      *connection)
{
  Operation *operation = operation_new (self, connection);
  GCancellable *pending = g_hash_table_lookup (self->sign_ins, flows_connection_get_id (connection));

  if (pending != NULL)
    g_cancellable_cancel (pending);
  operation->cancellable = g_cancellable_new ();
  g_hash_table_insert (self->sign_ins, g_strdup (operation->connection_id), g_object_ref (operation->cancellable));
  update_row_of (self, operation->connection_id);
  return operation;
}

static void
end_sign_in (FlowsConnectionsPage *self,
             Operation            *operation)
{
  /* A replaced attempt ends after its successor began: the row is the successor's now. */
  if (g_hash_table_lookup (self->sign_ins, operation->connection_id) != operation->cancellable)
    return;
  g_hash_table_remove (self->sign_ins, operation->connection_id);
  update_row_of (self, operation->connection_id);
}

/* What every attempt does at its end: a failure is kept on the connection (its row says it),
 * and a test result shown from before a sign-in goes, as it was about the old tokens. */
static void
record_sign_in (FlowsConnectionsPage *self,
                Operation            *operation,
                gboolean              signed_in,
                GError               *error)
{
  if (!signed_in)
    flows_sign_in_record_failure (operation->sign_in, error);
  else if (g_strcmp0 (self->result_connection_id, operation->connection_id) == 0)
    close_result (self);
}

static void
finish_sign_in (FlowsConnectionsPage *self,
                Operation            *operation,
                gboolean              signed_in,
                GError               *error)
{
  g_autofree char *message = NULL;

  end_sign_in (self, operation);
  record_sign_in (self, operation, signed_in, error);
  if (signed_in)
    {
      message = g_strdup_printf (_("Signed in to “%s”"), operation->connection_name);
      flows_widget_show_toast (GTK_WIDGET (self), message);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    flows_widget_show_error (GTK_WIDGET (self), _("Signing in failed"), error->message);
}

static void
on_signed_in (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Operation) operation = user_data;
  g_autoptr(FlowsConnectionsPage) self = g_weak_ref_get (&operation->page);
  g_autoptr(GError) error = NULL;
  /* Loaded: the window that finished came from it. */
  const FlowsSignInModule *module = flows_sign_in_loader_load (NULL);
  gboolean signed_in = module->run_finish (source, result, &error);

  if (self == NULL)
    return;

  /* The sign-in window shows its own failure and stays open with it. */
  if (!signed_in && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      end_sign_in (self, operation);
      record_sign_in (self, operation, signed_in, error);
      return;
    }
  finish_sign_in (self, operation, signed_in, error);
}

static void
on_signed_in_with_browser (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(Operation) operation = user_data;
  g_autoptr(FlowsConnectionsPage) self = g_weak_ref_get (&operation->page);
  g_autoptr(GError) error = NULL;
  gboolean signed_in = flows_sign_in_with_system_browser_finish (FLOWS_SIGN_IN (source), result, &error);

  if (self != NULL)
    finish_sign_in (self, operation, signed_in, error);
}

static void
sign_in (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  FlowsConnectionsPage *self = FLOWS_CONNECTIONS_PAGE (widget);
  FlowsConnection *connection = find_connection (self, parameter);
  g_autoptr(FlowsSignIn) attempt = NULL;
  g_autoptr(GError) error = NULL;
  const FlowsSignInModule *module;
  GtkWindow *window;
  Operation *operation;

  if (connection == NULL || !is_oauth (self))
    return;

  /* The window is loaded with WebKit on the first sign-in, not at start-up. */
  if ((module = flows_sign_in_loader_load (&error)) == NULL)
    {
      flows_widget_show_error (GTK_WIDGET (self), _("Signing in failed"), error->message);
      return;
    }

  flows_start_sandbox_for (self->app, connection);
  attempt = flows_sign_in_new (get_runner (self), self->library, self->app, connection);
  window = GTK_WINDOW (module->new_window (G_OBJECT (get_window (self)), attempt));
  operation = begin_sign_in (self, connection);
  operation->sign_in = g_object_ref (attempt);
  /* Closing the window is how this attempt is cancelled: a newer attempt closes it. */
  g_signal_connect_object (operation->cancellable, "cancelled", G_CALLBACK (gtk_window_close), window,
                           G_CONNECT_SWAPPED);
  module->run_async (G_OBJECT (window), on_signed_in, operation);
}

static void
sign_in_with_browser (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  FlowsConnectionsPage *self = FLOWS_CONNECTIONS_PAGE (widget);
  FlowsConnection *connection = find_connection (self, parameter);
  Operation *operation;

  if (connection == NULL || !is_oauth (self))
    return;

  flows_start_sandbox_for (self->app, connection);
  operation = begin_sign_in (self, connection);
  operation->sign_in = flows_sign_in_new (get_runner (self), self->library, self->app, connection);
  flows_widget_show_toast (GTK_WIDGET (self), _("Continue signing in in your web browser"));
  flows_sign_in_with_system_browser_async (operation->sign_in, BROWSER_SIGN_IN_TIMEOUT_SECONDS,
                                           operation->cancellable, on_signed_in_with_browser, operation);
}

static void
on_signed_out (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Operation) operation = user_data;
  g_autoptr(FlowsConnectionsPage) self = g_weak_ref_get (&operation->page);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (!flows_oauth_sign_out_finish (result, &error))
    {
      if (self != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        flows_widget_show_error (GTK_WIDGET (self), _("Signing out failed"), error->message);
      return;
    }
  if (self == NULL)
    return;

  message = g_strdup_printf (_("Signed out of “%s”"), operation->connection_name);
  flows_widget_show_toast (GTK_WIDGET (self), message);
}

static void
sign_out (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  FlowsConnectionsPage *self = FLOWS_CONNECTIONS_PAGE (widget);
  FlowsConnection *connection = find_connection (self, parameter);

  if (connection == NULL || !is_oauth (self))
    return;

  flows_oauth_sign_out_async (connection, self->library, self->cancellable, on_signed_out,
                              operation_new (self, connection));
}

static void
show_token_details (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  FlowsConnectionsPage *self = FLOWS_CONNECTIONS_PAGE (widget);
  FlowsConnection *connection = find_connection (self, parameter);

  if (connection == NULL || !is_oauth (self) || !flows_connection_get_signed_in (connection))
    return;
  gtk_window_present (GTK_WINDOW (flows_token_details_dialog_new (get_window (self), self->app, connection)));
}

static void
close_result_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  close_result (FLOWS_CONNECTIONS_PAGE (widget));
}

/* GObject ------------------------------------------------------------------------------------ */

static void
cancel_all (GHashTable *operations)
{
  GHashTableIter iter;
  gpointer cancellable;

  g_hash_table_iter_init (&iter, operations);
  while (g_hash_table_iter_next (&iter, NULL, &cancellable))
    g_cancellable_cancel (cancellable);
}

static void
flows_connections_page_dispose (GObject *object)
{
  FlowsConnectionsPage *self = (FlowsConnectionsPage *)object;

  g_cancellable_cancel (self->cancellable);
  cancel_all (self->tests);
  cancel_all (self->sign_ins);
  if (self->list_box != NULL)
    gtk_list_box_bind_model (self->list_box, NULL, NULL, NULL, NULL);
  g_clear_object (&self->app_signals);
  gtk_widget_dispose_template (GTK_WIDGET (self), FLOWS_TYPE_CONNECTIONS_PAGE);
  g_clear_object (&self->connections);
  g_clear_object (&self->filter);
  g_clear_object (&self->runner);
  g_clear_object (&self->own_runner);
  g_clear_object (&self->app);
  g_clear_object (&self->library);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->tests, g_hash_table_unref);
  g_clear_pointer (&self->sign_ins, g_hash_table_unref);
  g_clear_pointer (&self->result_connection_id, g_free);

  G_OBJECT_CLASS (flows_connections_page_parent_class)->dispose (object);
}

static void
flows_connections_page_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  FlowsConnectionsPage *self = FLOWS_CONNECTIONS_PAGE (object);

  switch (prop_id)
    {
    case PROP_LIBRARY:
      g_value_set_object (value, self->library);
      break;
    case PROP_APP:
      g_value_set_object (value, self->app);
      break;
    case PROP_RUNNER:
      g_value_set_object (value, self->runner);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_connections_page_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  FlowsConnectionsPage *self = FLOWS_CONNECTIONS_PAGE (object);

  switch (prop_id)
    {
    case PROP_LIBRARY:
      flows_connections_page_set_library (self, g_value_get_object (value));
      break;
    case PROP_APP:
      flows_connections_page_set_app (self, g_value_get_object (value));
      break;
    case PROP_RUNNER:
      flows_connections_page_set_runner (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_connections_page_class_init (FlowsConnectionsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = flows_connections_page_dispose;
  object_class->get_property = flows_connections_page_get_property;
  object_class->set_property = flows_connections_page_set_property;

  properties[PROP_LIBRARY] = g_param_spec_object ("library", NULL, NULL, FLOWS_TYPE_LIBRARY, flags);
  properties[PROP_APP] = g_param_spec_object ("app", NULL, NULL, FLOWS_TYPE_APP, flags);
  properties[PROP_RUNNER] = g_param_spec_object ("runner", NULL, NULL, FLOWS_TYPE_RUNNER, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (FLOWS_TYPE_TEST_RESULT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/flowsstudio/FlowsStudio/flows-connections-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FlowsConnectionsPage, list_box);
  gtk_widget_class_bind_template_child (widget_class, FlowsConnectionsPage, result_box);
  gtk_widget_class_bind_template_child (widget_class, FlowsConnectionsPage, test_result);

  gtk_widget_class_install_action (widget_class, "connections.add", NULL, add_connection);
  gtk_widget_class_install_action (widget_class, "connections.close-result", NULL, close_result_action);
  gtk_widget_class_install_action (widget_class, "connection.test", "s", test_connection);
  gtk_widget_class_install_action (widget_class, "connection.edit", "s", edit_connection);
  gtk_widget_class_install_action (widget_class, "connection.delete", "s", delete_connection);
  gtk_widget_class_install_action (widget_class, "connection.sign-in", "s", sign_in);
  gtk_widget_class_install_action (widget_class, "connection.sign-in-browser", "s", sign_in_with_browser);
  gtk_widget_class_install_action (widget_class, "connection.sign-out", "s", sign_out);
  gtk_widget_class_install_action (widget_class, "connection.token-details", "s", show_token_details);
}

static void
flows_connections_page_init (FlowsConnectionsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Not a template child: gtk_widget_dispose_template() would unparent it behind AdwBin's back,
   * and AdwBin would then unparent it a second time. */
  self->stack = GTK_STACK (adw_bin_get_child (ADW_BIN (self)));

  self->app_signals = g_signal_group_new (FLOWS_TYPE_APP);
  g_signal_group_connect_swapped (self->app_signals, "notify::connection-type", G_CALLBACK (rebuild), self);
  self->cancellable = g_cancellable_new ();
  self->tests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->sign_ins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->filter = gtk_custom_filter_new (belongs_to_app, self, NULL);
  self->connections = gtk_filter_list_model_new (NULL, g_object_ref (GTK_FILTER (self->filter)));
  g_signal_connect_object (self->connections, "items-changed", G_CALLBACK (update_view), self, G_CONNECT_SWAPPED);
  rebuild (self);
}

GtkWidget *
flows_connections_page_new (void)
{
  return g_object_new (FLOWS_TYPE_CONNECTIONS_PAGE, NULL);
}

void
flows_connections_page_set_library (FlowsConnectionsPage *self,
                                    FlowsLibrary         *library)
{
  g_return_if_fail (FLOWS_IS_CONNECTIONS_PAGE (self));
  g_return_if_fail (library == NULL || FLOWS_IS_LIBRARY (library));

  if (!g_set_object (&self->library, library))
    return;

  gtk_filter_list_model_set_model (self->connections, library != NULL ? flows_library_get_connections (library) : NULL);
  /* A runner of the page's own saves into the library it was made for. */
  g_clear_object (&self->own_runner);
  close_result (self);
  update_view (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIBRARY]);
}

void
flows_connections_page_set_app (FlowsConnectionsPage *self,
                                FlowsApp             *app)
{
  g_return_if_fail (FLOWS_IS_CONNECTIONS_PAGE (self));
  g_return_if_fail (app == NULL || FLOWS_IS_APP (app));

  if (self->app == app)
    return;

  g_set_object (&self->app, app);
  g_signal_group_set_target (self->app_signals, app);
  close_result (self);
  rebuild (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_APP]);
}

void
flows_connections_page_set_runner (FlowsConnectionsPage *self,
                                   FlowsRunner          *runner)
{
  g_return_if_fail (FLOWS_IS_CONNECTIONS_PAGE (self));
  g_return_if_fail (runner == NULL || FLOWS_IS_RUNNER (runner));

  if (g_set_object (&self->runner, runner))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNER]);
}
