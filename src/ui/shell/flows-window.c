/* flows-window.c — the main window: Apps in a sidebar, the selected App in three views */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "flows-connection-settings-page.h"
#include "flows-connections-page.h"
#include "flows-flows-page.h"
#include "flows-new-app-dialog.h"
#include "flows-rename-app-dialog.h"
#include "flows-toast.h"
#include "flows-ui-shared.h"
#include "flows-welcome-banner.h"
#include "flows-window.h"

/* Places added to the sidebar's list after each frame while it grows (see sync_app_slots()). */
#define APP_SLOTS_AFTER_FRAME 20
/* Rows off screen drawn after each frame once a search moved them to other Apps (see
 * sync_app_slots()). */
#define APP_ROWS_DRAWN_AFTER_FRAME 20
/* How many rows GTK 4.8's GtkListView makes from the top of its screen (its
 * GTK_LIST_VIEW_MAX_LIST_ITEMS). */
#define LIST_VIEW_ROWS 200

static void show_error (FlowsWindow *self,
                        const char  *summary,
                        const char  *details);

/* An App deleted from the window but not from the library yet: hidden from the sidebar while its
 * toast offers Undo; its files and keyring items go when the toast does (or the window, or the
 * application). Reference-counted: the keyring calls made for it may end after the window. */
typedef struct
{
  FlowsWindow  *window;        /* NULL once the window let go of it */
  FlowsApp     *app;
  guint         n_connections;
  AdwToast     *toast;         /* NULL until its keyring items are counted */
  GCancellable *cancellable;   /* of the count */
  gboolean      committing;    /* being deleted from the library: too late to undo */
} Deletion;

struct _FlowsWindow
{
  AdwApplicationWindow        parent_instance;

  FlowsLibrary               *library;
  GSettings                  *settings;
  GtkFilterListModel         *filtered_apps;
  /* What the sidebar's list shows: one plain object per App that the search lets through, standing
   * for a place in the list rather than an App (see sync_app_slots()). */
  GListStore                 *app_slots;
  /* The list's tick callback that adds the places past the screen and draws the rows past it, or
   * 0 (see sync_app_slots()), and the frame it waits for. */
  guint                       catch_up_id;
  gint64                      catch_up_after_frame;
  /* Rows the list let go of, for the next it makes (see setup_app_row()); NULL once disposing. */
  GPtrArray                  *spare_rows;
  GtkSingleSelection         *apps_selection;
  GtkCustomFilter            *search_filter;
  /* The search's text as the filter last applied it, case-folded. */
  char                       *search_needle;
  FlowsApp                   *app;
  /* The selected App's id: an App reloaded from disk is a new object with the same id. */
  char                       *app_id;
  GtkFileChooserNative       *file_chooser;
  GtkWindow                  *shortcuts_window;
  /* The window's title and the header follow the name and description of the App shown. */
  GBindingGroup              *app_bindings;
  GSignalGroup               *app_signals;
  /* Deletion, in the order they were made: the last is the one Ctrl+Z brings back. */
  GPtrArray                  *deletions;
  /* The application's "shutdown", when the deletions still waiting are made. */
  GSignalGroup               *application_signals;

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
  GtkWidget                  *app_title;
  GtkStack                   *content_stack;
  AdwStatusPage              *empty_page;
  AdwStatusPage              *hidden_page;
  GMenuModel                 *app_menu;
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

/* What a sidebar row shows: its App, and the handler that keeps the row's name the App's (a
 * signal handler rather than a binding: a search moves 100 rows to other Apps a keystroke, and a
 * GBinding is an object made and destroyed each time). A row off screen may show an earlier
 * App's name, icon and description for a few frames after a search (see sync_app_slots()), never
 * when it has the focus, and what the row does (its menu, its keys) is always for its App. */
typedef struct
{
  FlowsApp *app;
  gulong    name_handler;
  gboolean  drawn;        /* the name, icon and description are the App's */
} RowApp;

static void
row_app_free (RowApp *shown)
{
  g_signal_handler_disconnect (shown->app, shown->name_handler);
  g_object_unref (shown->app);
  g_free (shown);
}

/* The App a sidebar row shows (see set_row_app()), or NULL. */
static FlowsApp *
row_get_app (GtkWidget *row)
{
  RowApp *shown = g_object_get_data (G_OBJECT (row), "app");

  return shown != NULL ? shown->app : NULL;
}

/* "row.rename" and the others: the window's action of that name for the row's App. */
static void
activate_row_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  GtkWidget *row = user_data;
  FlowsApp *app = row_get_app (row);
  g_autofree char *window_action = NULL;

  if (app == NULL)
    return;
  window_action = g_strconcat ("win.", g_action_get_name (G_ACTION (action)), "-app", NULL);
  gtk_widget_activate_action (row, window_action, "s", flows_app_get_id (app));
}

static void
popup_row_menu (GtkWidget *row)
{
  gtk_menu_button_popup (GTK_MENU_BUTTON (gtk_widget_get_last_child (row)));
}

/* The sidebar row at @x, @y of the list of Apps, or NULL. */
static GtkWidget *
row_at (GtkWidget *apps_list,
        double     x,
        double     y)
{
  for (GtkWidget *widget = gtk_widget_pick (apps_list, x, y, GTK_PICK_DEFAULT);
       widget != NULL && widget != apps_list; widget = gtk_widget_get_parent (widget))
    if (g_object_get_data (G_OBJECT (widget), "list-item") != NULL)
      return widget;
  return NULL;
}

/* A right click and a long press open the menu of the row under them: one gesture of each for
 * the whole list rather than per row, since GTK makes rows ahead of the screen (see
 * setup_app_row()). */
static void
on_apps_secondary_click (GtkGestureClick *gesture,
                         int              n_press,
                         double           x,
                         double           y,
                         gpointer         user_data)
{
  GtkWidget *row = row_at (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture)), x, y);

  if (row == NULL)
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  popup_row_menu (row);
}

static void
on_apps_long_press (GtkGestureLongPress *gesture,
                    double               x,
                    double               y,
                    gpointer             user_data)
{
  GtkWidget *row = row_at (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture)), x, y);

  if (row != NULL)
    popup_row_menu (row);
}

/* A name cut short shows whole in a tooltip; one that fits needs none. */
static gboolean
on_row_query_tooltip (GtkWidget  *row,
                      int         x,
                      int         y,
                      gboolean    keyboard_mode,
                      GtkTooltip *tooltip,
                      GtkLabel   *title)
{
  if (!pango_layout_is_ellipsized (gtk_label_get_layout (title)))
    return FALSE;
  gtk_tooltip_set_text (tooltip, gtk_label_get_text (title));
  return TRUE;
}

static gboolean
on_label_query_tooltip (GtkLabel   *label,
                        int         x,
                        int         y,
                        gboolean    keyboard_mode,
                        GtkTooltip *tooltip)
{
  return on_row_query_tooltip (GTK_WIDGET (label), x, y, keyboard_mode, tooltip, label);
}

/* Gives a row's menu button its menu, and the row the actions of the menu ("row.rename" and the
 * others, for the row's App), the first time it opens. */
static void
create_row_menu (GtkMenuButton *menu_button,
                 gpointer       user_data)
{
  static const GActionEntry row_actions[] = {
    { "rename", activate_row_action },
    { "duplicate", activate_row_action },
    { "export", activate_row_action },
    { "delete", activate_row_action },
  };
  FlowsWindow *self = user_data;
  GtkWidget *row = gtk_widget_get_parent (GTK_WIDGET (menu_button));
  g_autoptr(GSimpleActionGroup) actions = g_simple_action_group_new ();

  g_action_map_add_action_entries (G_ACTION_MAP (actions), row_actions, G_N_ELEMENTS (row_actions), row);
  gtk_widget_insert_action_group (row, "row", G_ACTION_GROUP (actions));
  gtk_menu_button_set_menu_model (menu_button, self->app_menu);
}

/* A sidebar row: an icon, the App's name and a one-line description, and the button of the
 * App's menu (also on a right click, a long press, Shift+F10 and the Menu key); the name follows
 * the App the row shows (see set_row_app()). It holds only what it shows, and what
 * only some rows ever need (the menu, its actions) is made when first used. */
static GtkWidget *
make_app_row (FlowsWindow *self)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = gtk_label_new (NULL);
  GtkWidget *menu_button = gtk_menu_button_new ();

  gtk_widget_set_valign (labels, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (labels, TRUE);
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

  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu_button), "view-more-symbolic");
  /* The menu is made when it first opens: a popover per row cost every row made a menu's
   * widgets, which the start-up benchmark saw. */
  gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (menu_button), create_row_menu, self, NULL);
  gtk_widget_set_valign (menu_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (menu_button, "flat");
  gtk_widget_set_tooltip_text (menu_button, _("App Menu"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (menu_button), GTK_ACCESSIBLE_PROPERTY_LABEL, _("App Menu"), -1);

  gtk_box_append (GTK_BOX (row), gtk_image_new ());
  gtk_box_append (GTK_BOX (row), labels);
  gtk_box_append (GTK_BOX (row), menu_button);

  gtk_widget_set_has_tooltip (row, TRUE);
  g_signal_connect (row, "query-tooltip", G_CALLBACK (on_row_query_tooltip), title);
  return g_object_ref_sink (row);
}

/* Sidebar rows are made by the GtkListView, which in GTK 4.8 keeps up to 200 of them around the
 * rows on screen (all of them in a library of 100 Apps), drops those whose places a search
 * removes and makes new ones when a search adds places again (see sync_app_slots()). Each new row
 * takes one the list dropped before, if any, so that a search that narrows the list and widens it
 * again makes and destroys no widgets but the list's own (see teardown_app_row()). */
static void
setup_app_row (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               FlowsWindow              *self)
{
  GtkWidget *row = self->spare_rows != NULL && self->spare_rows->len > 0
                     ? g_ptr_array_steal_index_fast (self->spare_rows, self->spare_rows->len - 1)
                     : make_app_row (self);

  gtk_list_item_set_child (item, row);
  g_object_set_data (G_OBJECT (row), "list-item", item);
  /* The list item's reference is let go of before "teardown": this one keeps the row for then. */
  g_object_set_data_full (G_OBJECT (item), "row", row, g_object_unref);
}

/* GTK has taken the row out of its list item (and unbound it): it waits for the next setup. */
static void
teardown_app_row (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  FlowsWindow              *self)
{
  GtkWidget *row;

  if (self->spare_rows == NULL)
    return;
  row = g_object_steal_data (G_OBJECT (item), "row");
  if (row == NULL)
    return;
  g_object_set_data (G_OBJECT (row), "list-item", NULL);
  g_ptr_array_add (self->spare_rows, row);
}

/* The name label of a sidebar row. */
static GtkLabel *
row_get_title (GtkWidget *row)
{
  return GTK_LABEL (gtk_widget_get_first_child (gtk_widget_get_next_sibling (gtk_widget_get_first_child (row))));
}

static void
on_row_app_name_changed (FlowsApp   *app,
                         GParamSpec *pspec,
                         GtkWidget  *row)
{
  gtk_label_set_text (row_get_title (row), flows_app_get_name (app));
}

/* Gives @row @app (NULL: none), unless it has it already; its name, icon and description show
 * once drawn (see draw_row()). */
static void
set_row_app (GtkWidget *row,
             FlowsApp  *app)
{
  RowApp *shown;

  if (row_get_app (row) == app)
    return;
  if (app == NULL)
    {
      g_object_set_data (G_OBJECT (row), "app", NULL);
      return;
    }
  shown = g_new0 (RowApp, 1);
  shown->app = g_object_ref (app);
  shown->name_handler = g_signal_connect (app, "notify::name", G_CALLBACK (on_row_app_name_changed), row);
  g_object_set_data_full (G_OBJECT (row), "app", shown, (GDestroyNotify)row_app_free);
}

/* Whether @row's name, icon and description are still an earlier App's. */
static gboolean
row_is_stale (GtkWidget *row)
{
  RowApp *shown = g_object_get_data (G_OBJECT (row), "app");

  return shown != NULL && !shown->drawn;
}

/* Shows the name, icon and description of @row's App, unless they show already. What does not
 * change from one App to the next is left as it is: GtkImage draws its icon anew once set, even
 * to the same. */
static void
draw_row (GtkWidget *row)
{
  RowApp *shown = g_object_get_data (G_OBJECT (row), "app");
  GtkWidget *icon = gtk_widget_get_first_child (row);
  GtkWidget *subtitle = gtk_widget_get_next_sibling (GTK_WIDGET (row_get_title (row)));
  const char *icon_name;
  g_autofree char *description = NULL;

  if (shown == NULL || shown->drawn)
    return;
  shown->drawn = TRUE;
  gtk_label_set_text (row_get_title (row), flows_app_get_name (shown->app));
  description = describe_app (shown->app);
  gtk_label_set_text (GTK_LABEL (subtitle), description);
  icon_name = flows_app_get_connection_type (shown->app) == FLOWS_CONNECTION_TYPE_OAUTH
                ? "system-users-symbolic" : "dialog-password-symbolic";
  if (g_strcmp0 (gtk_image_get_icon_name (GTK_IMAGE (icon)), icon_name) != 0)
    gtk_image_set_from_icon_name (GTK_IMAGE (icon), icon_name);
}

/* The App the search lets through at @position of the sidebar, or NULL. */
static FlowsApp *
app_at_position (FlowsWindow *self,
                 guint        position)
{
  g_autoptr(FlowsApp) app = g_list_model_get_item (G_LIST_MODEL (self->filtered_apps), position);

  /* The filter model holds it. */
  return app;
}

static void
bind_app_row (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              FlowsWindow              *self)
{
  GtkWidget *row = gtk_list_item_get_child (item);

  set_row_app (row, app_at_position (self, gtk_list_item_get_position (item)));
  draw_row (row);
  flows_name_list_row (row, GTK_WIDGET (row_get_title (row)));
}

static void
unbind_app_row (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                FlowsWindow              *self)
{
  set_row_app (gtk_list_item_get_child (item), NULL);
}

/* Places past the end of the sidebar's list, up to @n_slots, or up to one for each App the
 * search lets through. */
static void
add_app_slots (FlowsWindow *self,
               guint        n_slots)
{
  guint n_apps = g_list_model_get_n_items (G_LIST_MODEL (self->filtered_apps));
  guint n_now = g_list_model_get_n_items (G_LIST_MODEL (self->app_slots));
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = n_now; i < MIN (n_slots, n_apps); i++)
    g_ptr_array_add (added, g_object_new (G_TYPE_OBJECT, NULL));
  if (added->len > 0)
    g_list_store_splice (self->app_slots, n_now, 0, added->pdata, added->len);
}

/* Every place the search lets through, at once: for a row about to be selected. */
static void
complete_app_slots (FlowsWindow *self)
{
  add_app_slots (self, G_MAXUINT);
}

/* The places of the sidebar whose rows show on screen, from *@first to before *@end, counted
 * from the top, with a row more at each end; FALSE before the list has a row on screen. The
 * scroll position may not have followed a list that just shrank: the last screenful counts too
 * then (see row_on_screen()). */
static gboolean
app_positions_on_screen (FlowsWindow *self,
                         guint       *first,
                         guint       *end)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->apps_list));
  int row_height = 0;

  /* Every row is as high as the others: an icon and two lines of text. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->apps_list)); child != NULL && row_height <= 0;
       child = gtk_widget_get_next_sibling (child))
    row_height = gtk_widget_get_height (child);
  if (adjustment == NULL || row_height <= 0 || gtk_adjustment_get_page_size (adjustment) <= 0)
    return FALSE;
  *first = (guint)(gtk_adjustment_get_value (adjustment) / row_height);
  *first = *first > 1 ? *first - 1 : 0;
  *end = (guint)((gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment)) / row_height) + 2;
  return TRUE;
}

/* How many places the sidebar's list needs for the rows that show on screen, counted from the
 * top; G_MAXUINT before it has any row on screen. */
static guint
app_slots_on_screen (FlowsWindow *self)
{
  guint first, end;

  return app_positions_on_screen (self, &first, &end) ? end : G_MAXUINT;
}

/* Whether the row at @position of the sidebar shows on screen, or may in the next frame. */
static gboolean
row_on_screen (FlowsWindow *self,
               guint        position)
{
  guint n_slots = g_list_model_get_n_items (G_LIST_MODEL (self->app_slots));
  guint first, end;

  if (!app_positions_on_screen (self, &first, &end))
    return TRUE;
  return (position >= first && position < end) || position + (end - first) >= n_slots;
}

/* The rows GTK made and bound (children of the list, each holding one of ours). */
static GPtrArray *
bound_app_rows (FlowsWindow *self)
{
  GPtrArray *rows = g_ptr_array_new ();

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->apps_list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *row = gtk_widget_get_first_child (child);
      GtkListItem *item = row != NULL ? g_object_get_data (G_OBJECT (row), "list-item") : NULL;

      if (item != NULL && gtk_list_item_get_item (item) != NULL)
        g_ptr_array_add (rows, row);
    }
  return rows;
}

static guint
row_position (GtkWidget *row)
{
  return gtk_list_item_get_position (g_object_get_data (G_OBJECT (row), "list-item"));
}

/* Draws the stale rows on screen, and up to @n_more others; FALSE when none is left stale. */
static gboolean
draw_stale_rows (FlowsWindow *self,
                 guint        n_more)
{
  g_autoptr(GPtrArray) rows = bound_app_rows (self);
  gboolean stale_left = FALSE;

  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);

      if (!row_is_stale (row))
        continue;
      if (row_on_screen (self, row_position (row)))
        draw_row (row);
      else if (n_more > 0)
        {
          draw_row (row);
          n_more--;
        }
      else
        stale_left = TRUE;
    }
  return stale_left;
}

/* After the frame that shows a search's result, a few more places and rows drawn each frame; GTK
 * removes the callback with the list. */
static gboolean
catch_up_next_frame (GtkWidget     *apps_list,
                     GdkFrameClock *clock,
                     gpointer       user_data)
{
  FlowsWindow *self = user_data;
  guint n_slots = g_list_model_get_n_items (G_LIST_MODEL (self->app_slots));
  guint with_rows = app_slots_on_screen (self);
  guint n_slots_next = n_slots + APP_SLOTS_AFTER_FRAME;
  gboolean stale_left;

  /* Not in the frame that shows the search's result, but a row that scrolls into view is drawn
   * before any frame shows it. */
  if (gdk_frame_clock_get_frame_counter (clock) <= self->catch_up_after_frame)
    {
      draw_stale_rows (self, 0);
      return G_SOURCE_CONTINUE;
    }
  /* Past the rows GTK 4.8 makes from the top of the screen, places cost no row: all at once. */
  if (with_rows == G_MAXUINT || n_slots >= with_rows + LIST_VIEW_ROWS)
    n_slots_next = G_MAXUINT;
  add_app_slots (self, n_slots_next);
  stale_left = draw_stale_rows (self, APP_ROWS_DRAWN_AFTER_FRAME);
  if (stale_left || n_slots_next < g_list_model_get_n_items (G_LIST_MODEL (self->filtered_apps)))
    return G_SOURCE_CONTINUE;
  self->catch_up_id = 0;
  return G_SOURCE_REMOVE;
}

/* The sidebar's list shows places, not Apps: when a search changes which Apps show, only the
 * number of places changes, at the end, and the rows already made show their place's new App.
 * GTK 4.8's GtkListView would otherwise drop every row whose App went and make one for every
 * App that came, up to 200 rows a keystroke (see setup_app_row()), which took ten times longer
 * than a frame at 1,000 Apps. What is still made when the list grows is the row of each new
 * place, about 0.3 ms each: the places on screen come at once, those past it a few at a time
 * after the frame, so that a keystroke that lets 900 Apps back shows them in the next frame and
 * the scroll bar grows over the next few. Likewise GTK lays out and draws again each of its 200
 * rows whose text changed: every row gets its new App at once (what it does is for that App),
 * but only those on screen show its name, icon and description before the frame, the others a
 * few a frame after it, or as soon as they scroll into view or get the focus. Called first when
 * the filtered Apps change. */
static void
sync_app_slots (FlowsWindow *self)
{
  guint n_apps = g_list_model_get_n_items (G_LIST_MODEL (self->filtered_apps));
  guint n_slots = g_list_model_get_n_items (G_LIST_MODEL (self->app_slots));
  g_autoptr(GPtrArray) rows = NULL;
  gboolean catch_up = FALSE;

  if (n_slots < n_apps)
    {
      add_app_slots (self, app_slots_on_screen (self));
      catch_up = g_list_model_get_n_items (G_LIST_MODEL (self->app_slots)) < n_apps;
    }
  else if (n_slots > n_apps)
    g_list_store_splice (self->app_slots, n_apps, n_slots - n_apps, NULL, 0);

  rows = bound_app_rows (self);
  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);
      guint position = row_position (row);

      set_row_app (row, app_at_position (self, position));
      if (row_on_screen (self, position))
        draw_row (row);
      catch_up = catch_up || row_is_stale (row);
    }

  if (catch_up && self->catch_up_id == 0)
    {
      GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self->apps_list));

      self->catch_up_after_frame = clock != NULL ? gdk_frame_clock_get_frame_counter (clock) + 1 : 0;
      self->catch_up_id = gtk_widget_add_tick_callback (GTK_WIDGET (self->apps_list), catch_up_next_frame, self, NULL);
    }
}

/* The sidebar row that has the keyboard focus (or holds the widget that has it), or NULL. */
static GtkWidget *
focused_row (FlowsWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  for (GtkWidget *widget = focus; widget != NULL && widget != GTK_WIDGET (self->apps_list);
       widget = gtk_widget_get_parent (widget))
    {
      GtkWidget *child = gtk_widget_get_first_child (widget);

      if (g_object_get_data (G_OBJECT (widget), "list-item") != NULL)
        return widget;
      if (child != NULL && g_object_get_data (G_OBJECT (child), "list-item") != NULL)
        return child;
    }
  return NULL;
}

/* A row off screen that a search moved to another App is drawn at the latest when it gets the
 * focus, before a screen reader reads its name (see sync_app_slots()). */
static void
on_focus_widget_changed (FlowsWindow *self)
{
  GtkWidget *row = focused_row (self);

  if (row != NULL)
    draw_row (row);
}

/* The keys of the sidebar (the shortcuts window lists them): @args names what to do for the App
 * of the focused row. */
static gboolean
on_sidebar_shortcut (GtkWidget *apps_list,
                     GVariant  *args,
                     gpointer   user_data)
{
  FlowsWindow *self = FLOWS_WINDOW (gtk_widget_get_root (apps_list));
  const char *what = g_variant_get_string (args, NULL);
  GtkWidget *row = focused_row (self);
  FlowsApp *app = row != NULL ? row_get_app (row) : NULL;
  g_autofree char *action = NULL;

  if (g_str_equal (what, "undo-delete"))
    return gtk_widget_activate_action (GTK_WIDGET (self), "win.undo-delete-app", NULL);
  if (app == NULL)
    return FALSE;
  if (g_str_equal (what, "menu"))
    {
      popup_row_menu (row);
      return TRUE;
    }
  action = g_strconcat ("win.", what, "-app", NULL);
  return gtk_widget_activate_action (GTK_WIDGET (self), action, "s", flows_app_get_id (app));
}

static void
add_sidebar_shortcuts (FlowsWindow *self)
{
  static const struct { const char *trigger; const char *what; } keys[] = {
    { "F2", "rename" },
    { "<Control>d", "duplicate" },
    { "Delete|KP_Delete", "delete" },
    { "<Control>z", "undo-delete" },
    { "<Shift>F10|Menu", "menu" },
  };
  GtkEventController *controller = gtk_shortcut_controller_new ();

  /* Before the search bar's key capture, which takes the keys that edit text. */
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      GtkShortcut *shortcut = gtk_shortcut_new (gtk_shortcut_trigger_parse_string (keys[i].trigger),
                                                gtk_callback_action_new (on_sidebar_shortcut, NULL, NULL));

      gtk_shortcut_set_arguments (shortcut, g_variant_new_string (keys[i].what));
      gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller), shortcut);
    }
  gtk_widget_add_controller (GTK_WIDGET (self->apps_list), controller);
}

static Deletion *
find_deletion (FlowsWindow *self,
               const char  *app_id)
{
  /* None once the window is disposing. */
  if (self->deletions == NULL)
    return NULL;
  for (guint i = 0; i < self->deletions->len; i++)
    {
      Deletion *deletion = g_ptr_array_index (self->deletions, i);

      if (g_strcmp0 (flows_app_get_id (deletion->app), app_id) == 0)
        return deletion;
    }
  return NULL;
}

/* The App @app_id of the library, unless it is deleted and waiting for its toast to go. */
static FlowsApp *
find_shown_app (FlowsWindow *self,
                const char  *app_id)
{
  FlowsApp *app = app_id != NULL ? flows_library_find_app (self->library, app_id) : NULL;

  /* find_app() also goes by name: only the App with that id will do. */
  if (app == NULL || g_strcmp0 (flows_app_get_id (app), app_id) != 0 || find_deletion (self, app_id) != NULL)
    return NULL;
  return app;
}

/* What the search looks in, case-folded once for each name and description an App has. */
typedef struct
{
  char *name;
  char *description;
  char *folded_name;
  char *folded_description;
} SearchKeys;

static void
search_keys_free (SearchKeys *keys)
{
  g_free (keys->name);
  g_free (keys->description);
  g_free (keys->folded_name);
  g_free (keys->folded_description);
  g_free (keys);
}

static SearchKeys *
app_search_keys (FlowsApp *app)
{
  static GQuark quark;
  SearchKeys *keys;

  if (quark == 0)
    quark = g_quark_from_static_string ("flows-window-search-keys");
  keys = g_object_get_qdata (G_OBJECT (app), quark);
  if (keys == NULL || g_strcmp0 (keys->name, flows_app_get_name (app)) != 0 ||
      g_strcmp0 (keys->description, flows_app_get_description (app)) != 0)
    {
      keys = g_new0 (SearchKeys, 1);
      keys->name = g_strdup (flows_app_get_name (app));
      keys->description = g_strdup (flows_app_get_description (app));
      keys->folded_name = g_utf8_casefold (keys->name, -1);
      keys->folded_description = g_utf8_casefold (keys->description, -1);
      g_object_set_qdata_full (G_OBJECT (app), quark, keys, (GDestroyNotify)search_keys_free);
    }
  return keys;
}

static gboolean
app_matches_search (gpointer item,
                    gpointer user_data)
{
  FlowsWindow *self = user_data;
  SearchKeys *keys;

  if (find_deletion (self, flows_app_get_id (item)) != NULL)
    return FALSE;
  if (self->search_needle == NULL || *self->search_needle == '\0')
    return TRUE;

  keys = app_search_keys (item);
  return strstr (keys->folded_name, self->search_needle) != NULL ||
         strstr (keys->folded_description, self->search_needle) != NULL;
}

/* A keystroke that adds to the text can only hide Apps, one that takes from it only show
 * some again: GTK then checks only the Apps shown, or only those hidden. */
static void
on_search_changed (FlowsWindow *self)
{
  g_autofree char *needle = g_utf8_casefold (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), -1);
  g_autofree char *previous = g_steal_pointer (&self->search_needle);
  GtkFilterChange change = GTK_FILTER_CHANGE_DIFFERENT;

  if (previous != NULL && g_str_equal (previous, needle))
    {
      self->search_needle = g_steal_pointer (&needle);
      return;
    }
  if (previous != NULL && strstr (needle, previous) != NULL)
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (previous != NULL && strstr (previous, needle) != NULL)
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  self->search_needle = g_steal_pointer (&needle);
  gtk_filter_changed (GTK_FILTER (self->search_filter), change);
}

static void
clear_search (FlowsWindow *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  on_search_changed (self);
}

static void select_position (FlowsWindow *self,
                             guint        position);
static void show_content    (FlowsWindow *self);

/* Enter in the search: the first App that matches, which is the one when only one does. */
static void
on_search_activate (FlowsWindow *self)
{
  /* The search applies at once, not after the entry's typing delay. */
  on_search_changed (self);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->filtered_apps)) == 0)
    return;
  select_position (self, 0);
  show_content (self);
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

static gboolean
transform_window_title (GBinding     *binding,
                        const GValue *from_value,
                        GValue       *to_value,
                        gpointer      user_data)
{
  /* Translators: the window's title; %s is the name of the App it shows. */
  g_value_take_string (to_value, g_strdup_printf (_("%s – Flows Studio"), g_value_get_string (from_value)));
  return TRUE;
}

static guint find_position (FlowsWindow *self,
                            const char  *app_id);

/* The name beside the view switcher, unless there is no App on show. */
static void
update_app_title (FlowsWindow *self)
{
  gboolean shown = self->app != NULL && g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "app") == 0;

  gtk_label_set_text (GTK_LABEL (self->app_title), shown ? flows_app_get_name (self->app) : _("Flows Studio"));
}

/* The content shows the window's App when the sidebar does too: an App that the search hides
 * is not shown as if it had been chosen, and comes back with the search cleared. The window's
 * title and the header name the App shown, and follow it when it is renamed. */
static void
update_content (FlowsWindow *self)
{
  const char *page = "empty";

  if (self->app != NULL)
    page = find_position (self, self->app_id) != GTK_INVALID_LIST_POSITION ? "app" : "hidden";

  g_binding_group_set_source (self->app_bindings, g_str_equal (page, "app") ? self->app : NULL);
  g_signal_group_set_target (self->app_signals, g_str_equal (page, "app") ? self->app : NULL);
  if (!g_str_equal (page, "app"))
    {
      gtk_window_set_title (GTK_WINDOW (self), _("Flows Studio"));
    }
  if (g_str_equal (page, "hidden"))
    {
      g_autofree char *description = g_strdup_printf (_("“%s” does not match the search."), flows_app_get_name (self->app));

      adw_status_page_set_description (self->hidden_page, description);
    }
  gtk_stack_set_visible_child_name (self->content_stack, page);
  update_app_title (self);
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
      /* Only a real change is written: each write is a round trip to the settings service. */
      if (self->settings != NULL)
        {
          g_autofree char *last_app = g_settings_get_string (self->settings, "last-app");

          if (!g_str_equal (last_app, self->app_id))
            g_settings_set_string (self->settings, "last-app", self->app_id);
        }
    }
  update_content (self);
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

/* The App of the selected row, or NULL. */
static FlowsApp *
selected_app (FlowsWindow *self)
{
  guint position = gtk_single_selection_get_selected (self->apps_selection);

  return position != GTK_INVALID_LIST_POSITION ? app_at_position (self, position) : NULL;
}

/* Selects the row at @position without taking the user to the content, and scrolls to it. */
static void
select_position (FlowsWindow *self,
                 guint        position)
{
  if (position == GTK_INVALID_LIST_POSITION || gtk_single_selection_get_selected (self->apps_selection) == position)
    return;
  if (position >= g_list_model_get_n_items (G_LIST_MODEL (self->app_slots)))
    complete_app_slots (self);
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
  FlowsApp *app = selected_app (self);

  /* Nothing selected: a search hid the App, which the views keep for when it is back. */
  if (app == NULL)
    update_content (self);
  else
    show_app (self, app);
}

/* A row chosen with a click or Enter shows the App, also when the sidebar covers the window;
 * moving through the rows with the arrow keys only selects. */
static void
show_content (FlowsWindow *self)
{
  if (selected_app (self) != NULL)
    adw_leaflet_set_visible_child (self->leaflet, self->content);
}

/* The leaflet folds when the window is too narrow for the sidebar beside the content, as when a
 * flow opens in the editor: the page being worked in stays in sight, the other a back button
 * away. The keyboard focus says which page that is.
 *
 * libadwaita 1.2's leaflet says it has folded from its size_allocate, where it also starts its
 * fold animation and ends any slide between pages; changing its visible child there would start
 * a slide in the middle of that layout, and GTK may then draw the content before laying it out
 * ("Trying to snapshot GtkStack … without a current allocation"). So, while unfolded, the
 * visible child follows the focus (see follow_focus()) and is already the right one here: this
 * is only for a focus the window did not see move. */
static void
keep_working_page (FlowsWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  if (adw_leaflet_get_folded (self->leaflet) && focus != NULL && gtk_widget_is_ancestor (focus, self->content))
    adw_leaflet_set_visible_child (self->leaflet, self->content);
}

/* While the leaflet is unfolded its visible child shows nothing different, and changing it
 * starts no transition: it is kept on the page that has the focus, for when the leaflet folds. */
static void
follow_focus (FlowsWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  if (adw_leaflet_get_folded (self->leaflet) || focus == NULL)
    return;
  if (gtk_widget_is_ancestor (focus, self->content))
    adw_leaflet_set_visible_child (self->leaflet, self->content);
  else if (gtk_widget_is_ancestor (focus, self->sidebar))
    adw_leaflet_set_visible_child (self->leaflet, self->sidebar);
}

/* "win.show-sidebar" (Ctrl+B and the flow editor's toggle) says whether the Apps are in sight.
 * In a wide window the sidebar shows beside the content or is hidden, a choice kept in its
 * "visible" property. In a folded window the Apps are a page of their own: Ctrl+B goes to it
 * and back to the content, as the back button and choosing an App do, and the sidebar stays
 * visible, the leaflet's page (a choice made in a wide window holds when it unfolds again).
 * Hiding it there would unfold the leaflet wherever the content fits alone and showing it fold
 * the leaflet again, each from the leaflet's allocation (see keep_working_page()), for a window
 * that looked the same before and after but for its back button. */
static gboolean
apps_in_sight (FlowsWindow *self)
{
  if (adw_leaflet_get_folded (self->leaflet))
    return adw_leaflet_get_visible_child (self->leaflet) == self->sidebar;
  return gtk_widget_get_visible (self->sidebar);
}

static void
sync_show_sidebar_state (FlowsWindow *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "show-sidebar");

  if (action != NULL)
    g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_boolean (apps_in_sight (self)));
}

static gboolean
sync_show_sidebar_state_idle (gpointer user_data)
{
  sync_show_sidebar_state (user_data);
  return G_SOURCE_REMOVE;
}

/* After the leaflet's allocation, which says it has folded or unfolded: the editor's toggle
 * follows the state, and changes nothing in the middle of that layout. */
static void
sync_show_sidebar_state_later (FlowsWindow *self)
{
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, sync_show_sidebar_state_idle, g_object_ref (self), g_object_unref);
}

/* Whether the leaflet has room for each of its visible pages side by side (its fold threshold
 * policy is the minimum width). */
static gboolean
leaflet_fits_pages (FlowsWindow *self)
{
  int needed = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->leaflet));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int minimum = 0;

      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
      needed += minimum;
    }
  return needed <= gtk_widget_get_width (GTK_WIDGET (self->leaflet));
}

static void
show_apps_in_sight (FlowsWindow *self)
{
  /* Also in a folded window, where a sidebar hidden in a wide one is no page to go to (a
   * window too narrow for the content alone folds without it). */
  gtk_widget_set_visible (self->sidebar, TRUE);
  if (adw_leaflet_get_folded (self->leaflet))
    {
      adw_leaflet_set_visible_child (self->leaflet, self->sidebar);
      return;
    }
  /* A window too narrow for the Apps beside the content folds as they come back: they are
   * what was asked for, so they are the page shown, and the focus goes with them. */
  if (!leaflet_fits_pages (self))
    {
      adw_leaflet_set_visible_child (self->leaflet, self->sidebar);
      gtk_widget_grab_focus (GTK_WIDGET (self->apps_list));
    }
}

static void
change_show_sidebar (GSimpleAction *action,
                     GVariant      *value,
                     gpointer       user_data)
{
  FlowsWindow *self = user_data;

  if (g_variant_get_boolean (value))
    show_apps_in_sight (self);
  else
    {
      /* The sidebar going, the content is the leaflet's page (in a wide window, for when it
       * folds). */
      adw_leaflet_set_visible_child (self->leaflet, self->content);
      if (!adw_leaflet_get_folded (self->leaflet))
        gtk_widget_set_visible (self->sidebar, FALSE);
    }
  sync_show_sidebar_state (self);
}

/* Ctrl+B outside the flow editor, in a folded window only: between the Apps and the content, as
 * the editor's Ctrl+B does. In a wide window it is the editor's alone. */
static gboolean
toggle_apps_when_folded (GtkWidget *widget,
                         GVariant  *args,
                         gpointer   user_data)
{
  FlowsWindow *self = FLOWS_WINDOW (widget);

  if (!adw_leaflet_get_folded (self->leaflet))
    return FALSE;
  g_action_group_activate_action (G_ACTION_GROUP (self), "show-sidebar", NULL);
  return TRUE;
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
  GtkWidget *target = gtk_widget_pick (GTK_WIDGET (self->apps_list), x, y, GTK_PICK_DEFAULT);

  /* A row's menu button opens the menu over the sidebar. */
  if (target != NULL && gtk_widget_get_ancestor (target, GTK_TYPE_MENU_BUTTON) != NULL)
    return;
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
  FlowsApp *current = find_shown_app (self, self->app_id);
  guint n_deleted = 0;
  guint position;
  gboolean has_apps;
  gboolean no_match;

  /* Deleted Apps stay in the library until their toasts go. */
  for (guint i = 0; i < self->deletions->len; i++)
    {
      Deletion *deletion = g_ptr_array_index (self->deletions, i);

      if (flows_library_find_app (self->library, flows_app_get_id (deletion->app)) == deletion->app)
        n_deleted++;
    }
  has_apps = g_list_model_get_n_items (apps) > n_deleted;
  no_match = has_apps && g_list_model_get_n_items (G_LIST_MODEL (self->filtered_apps)) == 0;

  gtk_widget_set_visible (self->no_match_label, no_match);
  gtk_widget_set_visible (self->apps_scroller, !no_match);

  sync_app_slots (self);
  if (current != self->app)
    show_app (self, current);
  /* The row selected stays in its place while another App may have taken it: the selection
   * follows the App, or goes when the search hides it. */
  if (current != NULL && (position = find_position (self, self->app_id)) != GTK_INVALID_LIST_POSITION)
    select_position (self, position);
  else
    gtk_single_selection_set_selected (self->apps_selection, GTK_INVALID_LIST_POSITION);
  update_content (self);

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
  /* A new App starts where it is set up, whatever view the last one was left on. */
  adw_view_stack_set_visible_child_name (self->view_stack, "connection");
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
  FlowsApp *app = g_object_get_data (G_OBJECT (chooser), "app");
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    {
      if (!flows_library_export_app (self->library, app, file, &error))
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
start_export (FlowsWindow *self,
              FlowsApp    *app)
{
  g_autoptr(GtkFileFilter) filter = json_filter ();
  g_autofree char *name = NULL;

  g_clear_object (&self->file_chooser);
  self->file_chooser = gtk_file_chooser_native_new (_("Export App"), GTK_WINDOW (self),
                                                    GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), NULL);
  g_object_set_data_full (G_OBJECT (self->file_chooser), "app", g_object_ref (app), g_object_unref);
  name = g_strconcat (flows_app_get_name (app), ".json", NULL);
  g_strdelimit (name, "/", '-');
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->file_chooser), name);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->file_chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->file_chooser), TRUE);
  g_signal_connect (self->file_chooser, "response", G_CALLBACK (on_export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->file_chooser));
}

/* Ctrl+E: the App shown. */
static void
export_app (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  FlowsWindow *self = FLOWS_WINDOW (widget);

  if (self->app != NULL)
    start_export (self, self->app);
}

/* The actions of an App's menu ------------------------------------------------------------------ */

/* The App whose id is @parameter, when the sidebar lists it. */
static FlowsApp *
lookup_app (FlowsWindow *self,
            GVariant    *parameter)
{
  return find_shown_app (self, g_variant_get_string (parameter, NULL));
}

static void
export_app_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  FlowsWindow *self = FLOWS_WINDOW (widget);
  FlowsApp *app = lookup_app (self, parameter);

  if (app != NULL)
    start_export (self, app);
}

static void
rename_app_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  FlowsWindow *self = FLOWS_WINDOW (widget);
  FlowsApp *app = lookup_app (self, parameter);

  if (app != NULL)
    gtk_window_present (GTK_WINDOW (flows_rename_app_dialog_new (GTK_WINDOW (self), self->library, app)));
}

static void
duplicate_app_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  FlowsWindow *self = FLOWS_WINDOW (widget);
  FlowsApp *app = lookup_app (self, parameter);
  g_autoptr(FlowsApp) copy = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (app == NULL)
    return;
  if (!(copy = flows_library_duplicate_app (self->library, app, &error)))
    {
      g_autofree char *summary = g_strdup_printf (_("“%s” was not duplicated"), flows_app_get_name (app));

      show_error (self, summary, error->message);
      return;
    }

  flows_window_select_app (self, flows_app_get_id (copy));
  /* Translators: %s is the name of the new App. */
  message = g_strdup_printf (_("Duplicated as “%s”. Connections are not copied."), flows_app_get_name (copy));
  flows_window_show_toast (self, message);
}

static void
deletion_clear (Deletion *deletion)
{
  g_clear_object (&deletion->app);
  g_clear_object (&deletion->toast);
  g_clear_object (&deletion->cancellable);
}

static void
deletion_release (Deletion *deletion)
{
  g_rc_box_release_full (deletion, (GDestroyNotify)deletion_clear);
}

static Deletion *
find_deletion_by_toast (FlowsWindow *self,
                        AdwToast    *toast)
{
  if (self->deletions == NULL)
    return NULL;
  for (guint i = 0; i < self->deletions->len; i++)
    {
      Deletion *deletion = g_ptr_array_index (self->deletions, i);

      if (deletion->toast == toast)
        return deletion;
    }
  return NULL;
}

/* Takes @deletion off the window's list: its App shows again unless the library let it go. */
static void
forget_deletion (FlowsWindow *self,
                 Deletion    *deletion)
{
  g_cancellable_cancel (deletion->cancellable);
  deletion->window = NULL;
  g_ptr_array_remove (self->deletions, deletion);
  gtk_filter_changed (GTK_FILTER (self->search_filter), GTK_FILTER_CHANGE_LESS_STRICT);
}

static void
undo_deletion (FlowsWindow *self,
               Deletion    *deletion)
{
  g_autoptr(FlowsApp) app = g_object_ref (deletion->app);

  if (deletion->committing)
    return;
  if (deletion->toast != NULL)
    adw_toast_dismiss (deletion->toast);
  forget_deletion (self, deletion);
  flows_window_select_app (self, flows_app_get_id (app));
}

static void
on_deletion_undo_clicked (AdwToast    *toast,
                          FlowsWindow *self)
{
  Deletion *deletion = find_deletion_by_toast (self, toast);

  if (deletion != NULL)
    undo_deletion (self, deletion);
}

/* Ctrl+Z in the sidebar: the last deletion that can still be undone. */
static void
undo_delete_app_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  FlowsWindow *self = FLOWS_WINDOW (widget);

  for (guint i = self->deletions->len; i > 0; i--)
    {
      Deletion *deletion = g_ptr_array_index (self->deletions, i - 1);

      if (!deletion->committing)
        {
          undo_deletion (self, deletion);
          return;
        }
    }
}

static void
on_app_deleted (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Deletion *deletion = user_data;
  FlowsWindow *self = deletion->window;
  g_autoptr(GError) error = NULL;

  if (!flows_library_delete_app_finish (FLOWS_LIBRARY (source), result, &error) && self != NULL)
    {
      g_autofree char *summary = g_strdup_printf (_("“%s” was not deleted"), flows_app_get_name (deletion->app));

      show_error (self, summary, error->message);
    }
  else if (error != NULL)
    g_warning ("“%s” was not deleted: %s", flows_app_get_name (deletion->app), error->message);

  /* Gone from the library, or back in the sidebar with what is left of it. */
  if (self != NULL)
    forget_deletion (self, deletion);
  deletion_release (deletion);
}

/* Once its toast is gone, a deletion is made: the connections' keyring items and files, then
 * the App's file. */
static void
on_deletion_toast_dismissed (AdwToast    *toast,
                             FlowsWindow *self)
{
  Deletion *deletion = find_deletion_by_toast (self, toast);

  if (deletion == NULL || deletion->committing)
    return;
  deletion->committing = TRUE;
  flows_library_delete_app_async (self->library, deletion->app, NULL, on_app_deleted, g_rc_box_acquire (deletion));
}

/* "“Weather” deleted with 2 connections and 3 stored secrets"; @n_secrets is -1 when the
 * keyring could not say. */
static char *
describe_deletion (Deletion *deletion,
                   gssize    n_secrets)
{
  const char *name = flows_app_get_name (deletion->app);
  g_autofree char *connections = NULL;
  g_autofree char *secrets = NULL;

  /* Translators: %s is the name of an App. */
  if (deletion->n_connections == 0)
    return g_strdup_printf (_("“%s” deleted"), name);

  connections = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u connection", "%u connections", deletion->n_connections),
                                 deletion->n_connections);
  /* Translators: the first %s is the name of an App, the second "2 connections". */
  if (n_secrets <= 0)
    return g_strdup_printf (_("“%s” deleted with %s"), name, connections);

  secrets = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u stored secret", "%u stored secrets", n_secrets),
                             (guint)n_secrets);
  /* Translators: the first %s is the name of an App, then "2 connections", "3 stored secrets". */
  return g_strdup_printf (_("“%s” deleted with %s and %s"), name, connections, secrets);
}

static void
on_deletion_counted (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Deletion *deletion = user_data;
  FlowsWindow *self = deletion->window;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  g_autofree char *escaped = NULL;
  gssize n_secrets = flows_library_count_app_secrets_finish (FLOWS_LIBRARY (source), result, &error);

  /* Undone, or the window is gone, before the keyring answered. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self == NULL)
    {
      deletion_release (deletion);
      return;
    }

  title = describe_deletion (deletion, n_secrets);
  /* libadwaita 1.2 reads toast titles as markup. */
  escaped = g_markup_escape_text (title, -1);
  deletion->toast = adw_toast_new (escaped);
  adw_toast_set_button_label (deletion->toast, _("_Undo"));
  adw_toast_set_priority (deletion->toast, ADW_TOAST_PRIORITY_HIGH);
  g_signal_connect_object (deletion->toast, "button-clicked", G_CALLBACK (on_deletion_undo_clicked), self, 0);
  g_signal_connect_object (deletion->toast, "dismissed", G_CALLBACK (on_deletion_toast_dismissed), self, G_CONNECT_AFTER);
  flows_toast_add (self->toast_overlay, g_object_ref (deletion->toast));
  deletion_release (deletion);
}

/* Deleting hides the App at once and offers Undo in a toast, which says what goes with it; the
 * files and keyring items stay until the toast goes, so a crash meanwhile loses nothing. */
static void
delete_app_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  FlowsWindow *self = FLOWS_WINDOW (widget);
  FlowsApp *app = lookup_app (self, parameter);
  g_autoptr(GPtrArray) connections = NULL;
  Deletion *deletion;
  guint position;
  gboolean shown;

  if (app == NULL)
    return;

  connections = flows_library_get_app_connections (self->library, app);
  deletion = g_rc_box_new0 (Deletion);
  deletion->window = self;
  deletion->app = g_object_ref (app);
  deletion->n_connections = connections->len;
  deletion->cancellable = g_cancellable_new ();
  g_ptr_array_add (self->deletions, deletion);

  position = find_position (self, flows_app_get_id (app));
  shown = app == self->app;
  gtk_filter_changed (GTK_FILTER (self->search_filter), GTK_FILTER_CHANGE_MORE_STRICT);
  /* The App in its place takes over, or the one before it at the end of the list. */
  if (shown)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->filtered_apps));

      if (n == 0)
        show_app (self, NULL);
      else
        {
          g_autoptr(FlowsApp) next = g_list_model_get_item (G_LIST_MODEL (self->filtered_apps), MIN (position, n - 1));
          flows_window_select_app (self, flows_app_get_id (next));
        }
    }

  flows_library_count_app_secrets_async (self->library, app, deletion->cancellable, on_deletion_counted,
                                         g_rc_box_acquire (deletion));
}

/* Makes every deletion still waiting for its toast, at once: the window or the application is
 * going, and Undo with it. */
static void
commit_deletions (FlowsWindow *self)
{
  g_autoptr(GPtrArray) waiting = g_ptr_array_new_with_free_func ((GDestroyNotify)deletion_release);

  for (guint i = 0; i < self->deletions->len; i++)
    {
      Deletion *deletion = g_ptr_array_index (self->deletions, i);

      /* One being made finishes on its own. */
      if (!deletion->committing)
        g_ptr_array_add (waiting, g_rc_box_acquire (deletion));
    }

  for (guint i = 0; i < waiting->len; i++)
    {
      Deletion *deletion = g_ptr_array_index (waiting, i);
      g_autoptr(GError) error = NULL;

      deletion->committing = TRUE;
      g_cancellable_cancel (deletion->cancellable);
      if (!flows_library_delete_app (self->library, deletion->app, NULL, &error))
        g_warning ("%s", error->message);
      forget_deletion (self, deletion);
    }
}

static void
show_apps (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  FlowsWindow *self = FLOWS_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* The Keyboard Shortcuts window, made when it is asked for: GtkApplication makes one with every
 * window when the resources hold gtk/help-overlay.ui, about 2.7 MB of the start-up for a window
 * seldom opened. Closing it destroys it, and what it took goes with it. */
static void
show_shortcuts (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  FlowsWindow *self = FLOWS_WINDOW (widget);

  if (self->shortcuts_window == NULL)
    {
      g_autoptr(GtkBuilder) builder =
        gtk_builder_new_from_resource ("/io/github/flowsstudio/FlowsStudio/flows-shortcuts-window.ui");

      self->shortcuts_window = GTK_WINDOW (gtk_builder_get_object (builder, "shortcuts_window"));
      g_object_add_weak_pointer (G_OBJECT (self->shortcuts_window), (gpointer *)&self->shortcuts_window);
      gtk_window_set_transient_for (self->shortcuts_window, GTK_WINDOW (self));
      gtk_window_set_destroy_with_parent (self->shortcuts_window, TRUE);
    }
  gtk_window_present (self->shortcuts_window);
}

static void
toggle_search (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FlowsWindow *self = FLOWS_WINDOW (widget);

  show_apps_in_sight (self);
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
  self->app_slots = g_list_store_new (G_TYPE_OBJECT);
  self->spare_rows = g_ptr_array_new_with_free_func (g_object_unref);
  self->apps_selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->app_slots)));
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

  /* Whatever waits for its toast is deleted now; Undo goes with the window. */
  if (self->deletions != NULL)
    {
      commit_deletions (self);
      for (guint i = 0; i < self->deletions->len; i++)
        ((Deletion *)g_ptr_array_index (self->deletions, i))->window = NULL;
      g_clear_pointer (&self->deletions, g_ptr_array_unref);
    }
  g_clear_object (&self->application_signals);
  if (self->app_bindings != NULL)
    g_binding_group_set_source (self->app_bindings, NULL);
  g_clear_object (&self->app_bindings);
  g_clear_object (&self->app_signals);

  /* The template's children go one by one, each a change the leaflet reports. */
  if (self->leaflet != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->leaflet, keep_working_page, self);
      g_signal_handlers_disconnect_by_func (self->leaflet, sync_show_sidebar_state, self);
      g_signal_handlers_disconnect_by_func (self->leaflet, sync_show_sidebar_state_later, self);
      g_signal_handlers_disconnect_by_func (self->sidebar, sync_show_sidebar_state, self);
      g_signal_handlers_disconnect_by_func (self, follow_focus, self);
    }
  /* The list's rows go with it, not to the spares. */
  g_clear_pointer (&self->spare_rows, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), FLOWS_TYPE_WINDOW);
  /* Went with the list. */
  self->catch_up_id = 0;
  g_clear_object (&self->file_chooser);
  if (self->shortcuts_window != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->shortcuts_window), (gpointer *)&self->shortcuts_window);
      gtk_window_destroy (self->shortcuts_window);
      self->shortcuts_window = NULL;
    }
  g_clear_object (&self->apps_selection);
  g_clear_object (&self->app_slots);
  g_clear_object (&self->filtered_apps);
  g_clear_object (&self->search_filter);
  g_clear_pointer (&self->search_needle, g_free);
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
  g_type_ensure (FLOWS_TYPE_WELCOME_BANNER);

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
  gtk_widget_class_bind_template_child (widget_class, FlowsWindow, app_title);
  gtk_widget_class_bind_template_child (widget_class, FlowsWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, FlowsWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, FlowsWindow, hidden_page);
  gtk_widget_class_bind_template_child (widget_class, FlowsWindow, app_menu);
  gtk_widget_class_bind_template_child (widget_class, FlowsWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, FlowsWindow, settings_page);
  gtk_widget_class_bind_template_child (widget_class, FlowsWindow, flows_page);
  gtk_widget_class_bind_template_child (widget_class, FlowsWindow, connections_page);
  gtk_widget_class_bind_template_callback (widget_class, setup_app_row);
  gtk_widget_class_bind_template_callback (widget_class, bind_app_row);
  gtk_widget_class_bind_template_callback (widget_class, unbind_app_row);
  gtk_widget_class_bind_template_callback (widget_class, teardown_app_row);
  gtk_widget_class_bind_template_callback (widget_class, show_content);
  gtk_widget_class_bind_template_callback (widget_class, on_apps_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_apps_secondary_click);
  gtk_widget_class_bind_template_callback (widget_class, on_apps_long_press);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, clear_search);
  gtk_widget_class_bind_template_callback (widget_class, update_app_title);
  gtk_widget_class_bind_template_callback (widget_class, on_label_query_tooltip);
  gtk_widget_class_bind_template_callback (widget_class, update_views);

  gtk_widget_class_install_action (widget_class, "win.new-app", NULL, new_app);
  gtk_widget_class_install_action (widget_class, "win.import", NULL, import_app);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_app);
  gtk_widget_class_install_action (widget_class, "win.show-apps", NULL, show_apps);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, toggle_search);
  gtk_widget_class_install_action (widget_class, "win.show-shortcuts", NULL, show_shortcuts);
  /* The actions of an App's menu, for the App whose id they are given. */
  gtk_widget_class_install_action (widget_class, "win.rename-app", "s", rename_app_action);
  gtk_widget_class_install_action (widget_class, "win.duplicate-app", "s", duplicate_app_action);
  gtk_widget_class_install_action (widget_class, "win.export-app", "s", export_app_action);
  gtk_widget_class_install_action (widget_class, "win.delete-app", "s", delete_app_action);
  gtk_widget_class_install_action (widget_class, "win.undo-delete-app", NULL, undo_delete_app_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new-app", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.import", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_b, GDK_CONTROL_MASK, toggle_apps_when_folded, NULL);
}

static void
flows_window_init (FlowsWindow *self)
{
  g_autoptr(GSimpleAction) show_sidebar = g_simple_action_new_stateful ("show-sidebar", NULL, g_variant_new_boolean (TRUE));

  gtk_widget_init_template (GTK_WIDGET (self));
  /* The flow editor folds the sidebar away with it (its toggle, Ctrl+B). */
  g_signal_connect (show_sidebar, "change-state", G_CALLBACK (change_show_sidebar), self);
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (show_sidebar));
  g_signal_connect_swapped (self->leaflet, "notify::folded", G_CALLBACK (keep_working_page), self);
  g_signal_connect_swapped (self->leaflet, "notify::folded", G_CALLBACK (sync_show_sidebar_state_later), self);
  g_signal_connect_swapped (self->leaflet, "notify::visible-child", G_CALLBACK (sync_show_sidebar_state), self);
  g_signal_connect_swapped (self->sidebar, "notify::visible", G_CALLBACK (sync_show_sidebar_state), self);
  g_signal_connect_swapped (self, "notify::focus-widget", G_CALLBACK (follow_focus), self);
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  g_signal_connect (self, "notify::focus-widget", G_CALLBACK (on_focus_widget_changed), NULL);
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self->apps_list));
  add_sidebar_shortcuts (self);

  self->deletions = g_ptr_array_new_with_free_func ((GDestroyNotify)deletion_release);
  self->app_bindings = g_binding_group_new ();
  g_binding_group_bind_full (self->app_bindings, "name", self, "title", G_BINDING_SYNC_CREATE,
                             transform_window_title, NULL, NULL, NULL);
  self->app_signals = g_signal_group_new (FLOWS_TYPE_APP);
  g_signal_group_connect_swapped (self->app_signals, "notify::name", G_CALLBACK (update_app_title), self);

  /* Ctrl+Q and the session end the application without closing the window first. */
  self->application_signals = g_signal_group_new (GTK_TYPE_APPLICATION);
  g_signal_group_connect_swapped (self->application_signals, "shutdown", G_CALLBACK (commit_deletions), self);
  g_object_bind_property (self, "application", self->application_signals, "target", G_BINDING_SYNC_CREATE);
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
  g_autofree char *name_in_file = NULL;
  FlowsApp *app;

  g_return_if_fail (FLOWS_IS_WINDOW (self));

  if ((app = flows_library_import_app (self->library, file, &name_in_file, &error)) == NULL)
    {
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *summary = g_strdup_printf (_("%s was not imported"), name);

      show_error (self, summary, error->message);
      return;
    }
  flows_window_select_app (self, flows_app_get_id (app));
  if (name_in_file != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Imported “%s” as “%s”: the library has an App of that name already"),
                                                  name_in_file, flows_app_get_name (app));

      flows_window_show_toast (self, message);
    }
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
  flows_toast_add (self->toast_overlay, toast);
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
  flows_toast_add (self->toast_overlay, toast);
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
