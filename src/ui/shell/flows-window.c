/* flows-window.c — the main window: Apps in a sidebar, the selected App in three views */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "flows-connection-settings-page.h"
#include "flows-connections-page.h"
#include "flows-flows-page.h"
#include "flows-new-app-dialog.h"
#include "flows-window.h"

static void show_error (FlowsWindow *self,
                        const char  *summary,
                        const char  *details);

struct _FlowsWindow
{
  AdwApplicationWindow        parent_instance;

  FlowsLibrary               *library;
  GSettings                  *settings;
  GtkFilterListModel         *filtered_apps;
  GtkSingleSelection         *apps_selection;
  GtkCustomFilter            *search_filter;
  FlowsApp                   *app;
  /* The selected App's id: an App reloaded from disk is a new object with the same id. */
  char                       *app_id;
  GtkFileChooserNative       *file_chooser;

  AdwToastOverlay            *toast_overlay;
  AdwLeaflet                 *leaflet;
  GtkWidget                  *sidebar;
  GtkWidget                  *content;
  GtkSearchBar               *search_bar;
  GtkSearchEntry             *search_entry;
  GtkListView                *apps_list;
  GtkWidget                  *apps_scroller;
  GtkWidget                  *no_match_label;
  GtkWidget                  *problems_heading;
  GtkListBox                 *problems_list;
  GtkWidget                  *problems_scroller;
  AdwViewSwitcherTitle       *switcher_title;
  GtkStack                   *content_stack;
  AdwStatusPage              *empty_page;
  AdwViewStack               *view_stack;
  FlowsConnectionSettingsPage *settings_page;
  FlowsFlowsPage             *flows_page;
  FlowsConnectionsPage       *connections_page;
};

G_DEFINE_FINAL_TYPE (FlowsWindow, flows_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_LIBRARY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The sidebar ------------------------------------------------------------------------------ */

static char *
describe_app (FlowsApp *app)
{
  guint n_flows = g_list_model_get_n_items (flows_app_get_flows (app));
  const char *type = flows_app_get_connection_type (app) == FLOWS_CONNECTION_TYPE_OAUTH
                       ? _("OAuth") : _("Generic");
  g_autofree char *flows = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u flow", "%u flows", n_flows), n_flows);

  return g_strdup_printf ("%s · %s", type, flows);
}

/* Sidebar rows are recycled (GtkListView): only those on screen exist, whatever the size of
 * the library. A row is an icon, the App's name and a one-line description; the name follows
 * the App the row shows through the row's binding group. */
static void
setup_app_row (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               FlowsWindow              *self)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = gtk_label_new (NULL);
  GBindingGroup *app_bindings = g_binding_group_new ();

  gtk_widget_set_valign (labels, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_top (row, 6);
  gtk_widget_set_margin_bottom (row, 6);
  /* One line each: a sidebar row never needs more. */
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_box_append (GTK_BOX (labels), title);
  gtk_box_append (GTK_BOX (labels), subtitle);
  gtk_box_append (GTK_BOX (row), gtk_image_new ());
  gtk_box_append (GTK_BOX (row), labels);
  gtk_list_item_set_child (item, row);
  g_binding_group_bind (app_bindings, "name", title, "label", G_BINDING_SYNC_CREATE);
  g_object_set_data_full (G_OBJECT (item), "app-bindings", app_bindings, g_object_unref);
}

static void
bind_app_row (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              FlowsWindow              *self)
{
  FlowsApp *app = gtk_list_item_get_item (item);
  GtkWidget *row = gtk_list_item_get_child (item);
  GtkWidget *icon = gtk_widget_get_first_child (row);
  GtkWidget *title = gtk_widget_get_first_child (gtk_widget_get_last_child (row));
  GtkWidget *subtitle = gtk_widget_get_next_sibling (title);
  g_autofree char *description = describe_app (app);

  g_binding_group_set_source (g_object_get_data (G_OBJECT (item), "app-bindings"), app);
  gtk_image_set_from_icon_name (GTK_IMAGE (icon), flows_app_get_connection_type (app) == FLOWS_CONNECTION_TYPE_OAUTH
                                                  ? "system-users-symbolic" : "dialog-password-symbolic");
  gtk_label_set_text (GTK_LABEL (subtitle), description);
}

static void
unbind_app_row (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                FlowsWindow              *self)
{
  g_binding_group_set_source (g_object_get_data (G_OBJECT (item), "app-bindings"), NULL);
}

static gboolean
app_matches_search (gpointer item,
                    gpointer user_data)
{
  FlowsWindow *self = user_data;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *needle = NULL;
  g_autofree char *name = NULL;
  g_autofree char *description = NULL;

  if (*text == '\0')
    return TRUE;

  needle = g_utf8_casefold (text, -1);
  name = g_utf8_casefold (flows_app_get_name (item), -1);
  description = g_utf8_casefold (flows_app_get_description (item), -1);
  return strstr (name, needle) != NULL || strstr (description, needle) != NULL;
}

static void
on_search_changed (FlowsWindow *self)
{
  gtk_filter_changed (GTK_FILTER (self->search_filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
show_file_clicked (GtkButton   *button,
                   FlowsWindow *self)
{
  GFile *file = g_object_get_data (G_OBJECT (button), "file");
  g_autoptr(GFile) folder = g_file_get_parent (file);
  g_autofree char *uri = g_file_get_uri (folder);

  /* The folder, where a file manager or an editor takes it from there. */
  gtk_show_uri (GTK_WINDOW (self), uri, GDK_CURRENT_TIME);
}

/* Files that did not load are shown with their error, so that nothing vanishes silently. */
static void
fill_problems (FlowsWindow *self)
{
  GPtrArray *problems = flows_library_get_problems (self->library);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->problems_list))) != NULL)
    gtk_list_box_remove (self->problems_list, child);

  for (guint i = 0; i < problems->len; i++)
    {
      FlowsLoadProblem *problem = g_ptr_array_index (problems, i);
      g_autofree char *basename = g_file_get_basename (problem->file);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
      GtkWidget *button = gtk_button_new_from_icon_name ("folder-open-symbolic");

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), basename);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), problem->error->message);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 6);
      gtk_widget_add_css_class (icon, "error");
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (button, _("Show File"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Show File"), -1);
      gtk_widget_add_css_class (button, "flat");
      g_object_set_data_full (G_OBJECT (button), "file", g_object_ref (problem->file), g_object_unref);
      g_signal_connect (button, "clicked", G_CALLBACK (show_file_clicked), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

      gtk_list_box_append (self->problems_list, row);
    }

  gtk_widget_set_visible (self->problems_heading, problems->len > 0);
  gtk_widget_set_visible (self->problems_scroller, problems->len > 0);
}

/* Selection --------------------------------------------------------------------------------- */

/* Only the view on screen is given the App; the others get it when they are shown, so that
 * starting or choosing an App builds one view, not three. Hidden views let go of an App that is
 * no longer the window's, and keep theirs (an open flow, say) while it still is. */
static void
update_view (FlowsWindow *self,
             GtkWidget   *view)
{
  gboolean shown = adw_view_stack_get_visible_child (self->view_stack) == view;
  g_autoptr(FlowsApp) app = NULL;

  g_object_get (view, "app", &app, NULL);
  if (app != self->app)
    g_object_set (view, "app", shown ? self->app : NULL, NULL);
}

static void
update_views (FlowsWindow *self)
{
  update_view (self, GTK_WIDGET (self->settings_page));
  update_view (self, GTK_WIDGET (self->flows_page));
  update_view (self, GTK_WIDGET (self->connections_page));
}

static void
show_app (FlowsWindow *self,
          FlowsApp    *app)
{
  if (g_set_object (&self->app, app))
    update_views (self);

  if (app != NULL)
    {
      g_free (self->app_id);
      self->app_id = g_strdup (flows_app_get_id (app));
      adw_view_switcher_title_set_title (self->switcher_title, flows_app_get_name (app));
      adw_view_switcher_title_set_subtitle (self->switcher_title, flows_app_get_description (app));
      gtk_stack_set_visible_child_name (self->content_stack, "app");
      /* Only a real change is written: each write is a round trip to the settings service. */
      if (self->settings != NULL)
        {
          g_autofree char *last_app = g_settings_get_string (self->settings, "last-app");

          if (!g_str_equal (last_app, self->app_id))
            g_settings_set_string (self->settings, "last-app", self->app_id);
        }
    }
  else
    {
      adw_view_switcher_title_set_title (self->switcher_title, _("Flows Studio"));
      adw_view_switcher_title_set_subtitle (self->switcher_title, NULL);
      gtk_stack_set_visible_child_name (self->content_stack, "empty");
    }
}

/* The position of @app_id among the Apps the sidebar shows, or GTK_INVALID_LIST_POSITION. */
static guint
find_position (FlowsWindow *self,
               const char  *app_id)
{
  GListModel *apps = G_LIST_MODEL (self->filtered_apps);

  for (guint i = 0; i < g_list_model_get_n_items (apps); i++)
    {
      g_autoptr(FlowsApp) app = g_list_model_get_item (apps, i);

      if (g_strcmp0 (flows_app_get_id (app), app_id) == 0)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

/* Selects the row at @position without taking the user to the content, and scrolls to it. */
static void
select_position (FlowsWindow *self,
                 guint        position)
{
  if (position == GTK_INVALID_LIST_POSITION || gtk_single_selection_get_selected (self->apps_selection) == position)
    return;
  gtk_single_selection_set_selected (self->apps_selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self->apps_list), "list.scroll-to-item", "u", position);
}

void
flows_window_select_app (FlowsWindow *self,
                         const char  *app_id)
{
  guint position;

  g_return_if_fail (FLOWS_IS_WINDOW (self));

  /* A search could hide it: clear the search first. */
  if ((position = find_position (self, app_id)) == GTK_INVALID_LIST_POSITION &&
      *gtk_editable_get_text (GTK_EDITABLE (self->search_entry)) != '\0')
    {
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
      on_search_changed (self);
      position = find_position (self, app_id);
    }
  select_position (self, position);
}

static void
on_selection_changed (FlowsWindow *self)
{
  FlowsApp *app = gtk_single_selection_get_selected_item (self->apps_selection);

  /* Nothing selected: a search hid the App, which stays on show. */
  if (app == NULL)
    return;
  show_app (self, app);
}

/* A row chosen with a click or Enter shows the App, also when the sidebar covers the window;
 * moving through the rows with the arrow keys only selects. */
static void
show_content (FlowsWindow *self)
{
  if (gtk_single_selection_get_selected_item (self->apps_selection) != NULL)
    adw_leaflet_set_visible_child (self->leaflet, self->content);
}

static gboolean
show_content_after_click (gpointer user_data)
{
  show_content (user_data);
  return G_SOURCE_REMOVE;
}

static void
on_apps_clicked (GtkGestureClick *gesture,
                 int              n_press,
                 double           x,
                 double           y,
                 FlowsWindow     *self)
{
  /* The row selects itself as the click ends, after this (capture) handler: the App is shown
   * once it has. */
  if (adw_leaflet_get_folded (self->leaflet))
    g_idle_add_full (G_PRIORITY_HIGH_IDLE, show_content_after_click, g_object_ref (self), g_object_unref);
}

/* The list changed: an App added, removed, renamed, or reloaded from disk as a new object. */
static void
on_apps_changed (FlowsWindow *self)
{
  GListModel *apps = flows_library_get_apps (self->library);
  gboolean has_apps = g_list_model_get_n_items (apps) > 0;
  FlowsApp *current = self->app_id != NULL ? flows_library_find_app (self->library, self->app_id) : NULL;

  gboolean no_match = has_apps && g_list_model_get_n_items (G_LIST_MODEL (self->filtered_apps)) == 0;

  gtk_widget_set_visible (self->no_match_label, no_match);
  gtk_widget_set_visible (self->apps_scroller, !no_match);

  if (current != self->app)
    show_app (self, current);
  if (current != NULL)
    select_position (self, find_position (self, self->app_id));

  adw_status_page_set_title (self->empty_page, has_apps ? _("No App Selected") : _("No Apps Yet"));
}

/* Saving and outside changes ---------------------------------------------------------------- */

static void
on_save_failed (FlowsWindow *self,
                FlowsApp    *app,
                GError      *error)
{
  g_autofree char *summary = g_strdup_printf (_("“%s” could not be saved"), flows_app_get_name (app));

  show_error (self, summary, error->message);
}

static void
on_external_change_response (AdwMessageDialog *dialog,
                             const char       *response,
                             FlowsWindow      *self)
{
  FlowsApp *on_disk = g_object_get_data (G_OBJECT (dialog), "on-disk");
  FlowsApp *current = g_object_get_data (G_OBJECT (dialog), "current");

  if (g_str_equal (response, "reload"))
    flows_library_replace_app (self->library, on_disk);
  else
    /* Keep mine: the next save writes the edits over the other version. */
    flows_library_queue_save_app (self->library, current);
}

static void
on_external_change (FlowsWindow *self,
                    FlowsApp    *current,
                    FlowsApp    *on_disk)
{
  g_autofree char *heading = g_strdup_printf (_("“%s” Changed on Disk"), flows_app_get_name (current));
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading,
                                              _("Another program changed this App’s file while you have edits that are not saved yet. Reload the file and lose your edits, or keep your version and save it over the file?"));

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep Mine"),
                                    "reload", _("_Reload"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "reload", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_object_set_data_full (G_OBJECT (dialog), "on-disk", g_object_ref (on_disk), g_object_unref);
  g_object_set_data_full (G_OBJECT (dialog), "current", g_object_ref (current), g_object_unref);
  g_signal_connect (dialog, "response", G_CALLBACK (on_external_change_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_close_anyway (AdwMessageDialog *dialog,
                 const char       *response,
                 FlowsWindow      *self)
{
  if (g_str_equal (response, "close"))
    gtk_window_destroy (GTK_WINDOW (self));
}

/* Nothing is lost on close: queued edits are written first, and a failure keeps the window. */
static gboolean
flows_window_close_request (GtkWindow *window)
{
  FlowsWindow *self = FLOWS_WINDOW (window);
  g_autoptr(GError) error = NULL;
  GtkWidget *dialog;

  if (flows_library_flush (self->library, &error))
    return GTK_WINDOW_CLASS (flows_window_parent_class)->close_request (window);

  dialog = adw_message_dialog_new (window, _("Edits Not Saved"), error->message);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep Open"),
                                    "close", _("_Close Without Saving"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "close", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect (dialog, "response", G_CALLBACK (on_close_anyway), self);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

/* Actions ------------------------------------------------------------------------------------ */

static void
on_app_created (FlowsNewAppDialog *dialog,
                FlowsApp          *app,
                FlowsWindow       *self)
{
  flows_window_select_app (self, flows_app_get_id (app));
  adw_leaflet_set_visible_child (self->leaflet, self->content);
}

static void
new_app (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  FlowsWindow *self = FLOWS_WINDOW (widget);
  GtkWidget *dialog = flows_new_app_dialog_new (GTK_WINDOW (self), self->library);

  g_signal_connect_object (dialog, "created", G_CALLBACK (on_app_created), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkFileFilter *
json_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Flows Studio Apps"));
  gtk_file_filter_add_mime_type (filter, "application/json");
  gtk_file_filter_add_suffix (filter, "json");
  return filter;
}

static void
on_import_response (GtkNativeDialog *chooser,
                    int              response,
                    FlowsWindow     *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    flows_window_import (self, file);
  g_clear_object (&self->file_chooser);
}

static void
import_app (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  FlowsWindow *self = FLOWS_WINDOW (widget);
  g_autoptr(GtkFileFilter) filter = json_filter ();

  g_clear_object (&self->file_chooser);
  self->file_chooser = gtk_file_chooser_native_new (_("Import App"), GTK_WINDOW (self),
                                                    GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"), NULL);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->file_chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->file_chooser), TRUE);
  g_signal_connect (self->file_chooser, "response", G_CALLBACK (on_import_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->file_chooser));
}

static void
on_export_response (GtkNativeDialog *chooser,
                    int              response,
                    FlowsWindow     *self)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT && self->app != NULL &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    {
      if (!flows_library_export_app (self->library, self->app, file, &error))
        show_error (self, _("The App was not exported"), error->message);
      else
        {
          g_autofree char *name = g_file_get_basename (file);
          g_autofree char *message = g_strdup_printf (_("Exported to %s"), name);
          flows_window_show_toast (self, message);
        }
    }
  g_clear_object (&self->file_chooser);
}

static void
export_app (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  FlowsWindow *self = FLOWS_WINDOW (widget);
  g_autoptr(GtkFileFilter) filter = json_filter ();
  g_autofree char *name = NULL;

  if (self->app == NULL)
    return;

  g_clear_object (&self->file_chooser);
  self->file_chooser = gtk_file_chooser_native_new (_("Export App"), GTK_WINDOW (self),
                                                    GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), NULL);
  name = g_strconcat (flows_app_get_name (self->app), ".json", NULL);
  g_strdelimit (name, "/", '-');
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->file_chooser), name);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->file_chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->file_chooser), TRUE);
  g_signal_connect (self->file_chooser, "response", G_CALLBACK (on_export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->file_chooser));
}

static void
show_apps (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  FlowsWindow *self = FLOWS_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
toggle_search (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FlowsWindow *self = FLOWS_WINDOW (widget);

  adw_leaflet_set_visible_child (self->leaflet, self->sidebar);
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* Lifecycle --------------------------------------------------------------------------------- */

/* Window state is remembered only when the schema is installed (it is not in a bare build
 * tree run without GSETTINGS_SCHEMA_DIR). */
static void
bind_window_state (FlowsWindow *self)
{
  g_autoptr(GSettingsSchema) schema =
    g_settings_schema_source_lookup (g_settings_schema_source_get_default (), APP_ID, TRUE);
  g_autofree char *last_app = NULL;

  if (schema == NULL)
    {
      g_message ("GSettings schema %s is not installed: window size and last App are not remembered", APP_ID);
      return;
    }

  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);

  last_app = g_settings_get_string (self->settings, "last-app");
  if (*last_app != '\0')
    flows_window_select_app (self, last_app);
}

static void
flows_window_constructed (GObject *object)
{
  FlowsWindow *self = (FlowsWindow *)object;
  GListModel *apps = flows_library_get_apps (self->library);

  G_OBJECT_CLASS (flows_window_parent_class)->constructed (object);

  g_object_set (self->settings_page, "library", self->library, NULL);
  g_object_set (self->flows_page, "library", self->library, NULL);
  g_object_set (self->connections_page, "library", self->library, NULL);

  self->search_filter = gtk_custom_filter_new (app_matches_search, self, NULL);
  self->filtered_apps = gtk_filter_list_model_new (g_object_ref (apps), GTK_FILTER (g_object_ref (self->search_filter)));
  self->apps_selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->filtered_apps)));
  gtk_single_selection_set_autoselect (self->apps_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->apps_selection, TRUE);
  gtk_single_selection_set_selected (self->apps_selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect_object (self->apps_selection, "notify::selected-item", G_CALLBACK (on_selection_changed), self,
                           G_CONNECT_SWAPPED);
  gtk_list_view_set_model (self->apps_list, GTK_SELECTION_MODEL (self->apps_selection));
  g_signal_connect_object (self->filtered_apps, "items-changed", G_CALLBACK (on_apps_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->library, "problems-changed", G_CALLBACK (fill_problems), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->library, "save-failed", G_CALLBACK (on_save_failed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->library, "external-change", G_CALLBACK (on_external_change), self, G_CONNECT_SWAPPED);

  fill_problems (self);
  on_apps_changed (self);
  bind_window_state (self);

  /* Without a remembered App, the first one: a window that opens on content. */
  if (self->app == NULL && g_list_model_get_n_items (G_LIST_MODEL (self->filtered_apps)) > 0)
    {
      g_autoptr(FlowsApp) first = g_list_model_get_item (G_LIST_MODEL (self->filtered_apps), 0);
      flows_window_select_app (self, flows_app_get_id (first));
    }
}

static void
flows_window_dispose (GObject *object)
{
  FlowsWindow *self = (FlowsWindow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), FLOWS_TYPE_WINDOW);
  g_clear_object (&self->file_chooser);
  g_clear_object (&self->apps_selection);
  g_clear_object (&self->filtered_apps);
  g_clear_object (&self->search_filter);
  g_clear_object (&self->settings);
  g_clear_object (&self->app);
  g_clear_pointer (&self->app_id, g_free);
  g_clear_object (&self->library);

  G_OBJECT_CLASS (flows_window_parent_class)->dispose (object);
}

static void
flows_window_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  FlowsWindow *self = FLOWS_WINDOW (object);

  switch (prop_id)
    {
    case PROP_LIBRARY:
      g_value_set_object (value, self->library);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_window_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  FlowsWindow *self = FLOWS_WINDOW (object);

  switch (prop_id)
    {
    case PROP_LIBRARY:
      self->library = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_window_class_init (FlowsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = flows_window_constructed;
  object_class->dispose = flows_window_dispose;
  object_class->get_property = flows_window_get_property;
  object_class->set_property = flows_window_set_property;
  window_class->close_request = flows_window_close_request;

  properties[PROP_LIBRARY] =
    g_param_spec_object ("library", NULL, NULL, FLOWS_TYPE_LIBRARY,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (FLOWS_TYPE_CONNECTION_SETTINGS_PAGE);
  g_type_ensure (FLOWS_TYPE_FLOWS_PAGE);
  g_type_ensure (FLOWS_TYPE_CONNECTIONS_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/flowsstudio/FlowsStudio/flows-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FlowsWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FlowsWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, FlowsWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, FlowsWindow, content);
  gtk_widget_class_bind_template_child (widget_class, FlowsWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, FlowsWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, FlowsWindow, apps_list);
  gtk_widget_class_bind_template_child (widget_class, FlowsWindow, apps_scroller);
  gtk_widget_class_bind_template_child (widget_class, FlowsWindow, no_match_label);
  gtk_widget_class_bind_template_child (widget_class, FlowsWindow, problems_heading);
  gtk_widget_class_bind_template_child (widget_class, FlowsWindow, problems_list);
  gtk_widget_class_bind_template_child (widget_class, FlowsWindow, problems_scroller);
  gtk_widget_class_bind_template_child (widget_class, FlowsWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, FlowsWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, FlowsWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, FlowsWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, FlowsWindow, settings_page);
  gtk_widget_class_bind_template_child (widget_class, FlowsWindow, flows_page);
  gtk_widget_class_bind_template_child (widget_class, FlowsWindow, connections_page);
  gtk_widget_class_bind_template_callback (widget_class, setup_app_row);
  gtk_widget_class_bind_template_callback (widget_class, bind_app_row);
  gtk_widget_class_bind_template_callback (widget_class, unbind_app_row);
  gtk_widget_class_bind_template_callback (widget_class, show_content);
  gtk_widget_class_bind_template_callback (widget_class, on_apps_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, update_views);

  gtk_widget_class_install_action (widget_class, "win.new-app", NULL, new_app);
  gtk_widget_class_install_action (widget_class, "win.import", NULL, import_app);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_app);
  gtk_widget_class_install_action (widget_class, "win.show-apps", NULL, show_apps);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, toggle_search);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new-app", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.import", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
}

static void
flows_window_init (FlowsWindow *self)
{
  g_autoptr(GPropertyAction) show_sidebar = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  /* The flow editor folds the sidebar away with it (its toggle, Ctrl+B). */
  show_sidebar = g_property_action_new ("show-sidebar", self->sidebar, "visible");
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (show_sidebar));
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self->apps_list));
}

FlowsWindow *
flows_window_new (AdwApplication *application,
                  FlowsLibrary   *library)
{
  return g_object_new (FLOWS_TYPE_WINDOW,
                       "application", application,
                       "library", library,
                       NULL);
}

void
flows_window_import (FlowsWindow *self,
                     GFile       *file)
{
  g_autoptr(GError) error = NULL;
  FlowsApp *app;

  g_return_if_fail (FLOWS_IS_WINDOW (self));

  if ((app = flows_library_import_app (self->library, file, &error)) == NULL)
    {
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *summary = g_strdup_printf (_("%s was not imported"), name);

      show_error (self, summary, error->message);
      return;
    }
  flows_window_select_app (self, flows_app_get_id (app));
}

void
flows_window_show_toast (FlowsWindow *self,
                         const char  *message)
{
  AdwToast *toast;

  g_autofree char *escaped = NULL;

  g_return_if_fail (FLOWS_IS_WINDOW (self));

  /* libadwaita 1.2 reads toast titles as markup; names users type may hold "&" or "<". */
  escaped = g_markup_escape_text (message, -1);
  toast = adw_toast_new (escaped);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
on_details_clicked (AdwToast    *toast,
                    FlowsWindow *self)
{
  const char *summary = g_object_get_data (G_OBJECT (toast), "summary");
  const char *details = g_object_get_data (G_OBJECT (toast), "details");
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), summary, details);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_body_use_markup (ADW_MESSAGE_DIALOG (dialog), FALSE);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Shows an error in a toast with a Details button that opens @details (the full message: file,
 * line, HTTP status, what the provider said). @details may be NULL. */
static void
show_error (FlowsWindow *self,
            const char  *summary,
            const char  *details)
{
  AdwToast *toast;

  g_autofree char *escaped = NULL;

  g_return_if_fail (FLOWS_IS_WINDOW (self));

  escaped = g_markup_escape_text (summary, -1);
  toast = adw_toast_new (escaped);
  /* Errors stay until dismissed: they may need reading twice. */
  adw_toast_set_timeout (toast, 0);
  if (details != NULL && *details != '\0' && g_strcmp0 (details, summary) != 0)
    {
      adw_toast_set_button_label (toast, _("_Details"));
      g_object_set_data_full (G_OBJECT (toast), "summary", g_strdup (summary), g_free);
      g_object_set_data_full (G_OBJECT (toast), "details", g_strdup (details), g_free);
      g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_details_clicked), self, 0);
    }
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* The main window of @widget: its root, or the window its dialog belongs to. */
static FlowsWindow *
find_window (GtkWidget *widget)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWindow *window = GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;

  while (window != NULL && !FLOWS_IS_WINDOW (window))
    window = gtk_window_get_transient_for (window);
  return window != NULL ? FLOWS_WINDOW (window) : NULL;
}

void
flows_widget_show_toast (GtkWidget  *widget,
                         const char *message)
{
  FlowsWindow *window = find_window (widget);

  if (window != NULL)
    flows_window_show_toast (window, message);
}

void
flows_widget_show_error (GtkWidget  *widget,
                         const char *summary,
                         const char *details)
{
  FlowsWindow *window = find_window (widget);

  /* Outside the main window (a test hosting one page) the error still reaches the log. */
  if (window != NULL)
    show_error (window, summary, details);
  else
    g_message ("%s: %s", summary, details != NULL ? details : "");
}
