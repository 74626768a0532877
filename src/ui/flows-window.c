/* flows-window.c — the main window: the Apps of the library */

#include "config.h"

#include <glib/gi18n.h>

#include "flows-window.h"

struct _FlowsWindow
{
  AdwApplicationWindow  parent_instance;

  FlowsLibrary         *library;
  GSettings            *settings;

  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  GtkListBox           *apps_list;
  GtkWidget            *problems_heading;
  GtkListBox           *problems_list;
};

G_DEFINE_FINAL_TYPE (FlowsWindow, flows_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_LIBRARY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
describe_app (FlowsApp *app)
{
  guint n_flows = g_list_model_get_n_items (flows_app_get_flows (app));
  const char *type = flows_app_get_connection_type (app) == FLOWS_CONNECTION_TYPE_OAUTH
                       ? _("OAuth connection") : _("Generic connection");
  g_autofree char *flows = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u flow", "%u flows", n_flows), n_flows);

  return g_strdup_printf ("%s · %s", type, flows);
}

static GtkWidget *
create_app_row (gpointer item,
                gpointer user_data)
{
  FlowsApp *app = item;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (flows_app_get_connection_type (app) == FLOWS_CONNECTION_TYPE_OAUTH
                                                  ? "system-users-symbolic" : "dialog-password-symbolic");
  g_autofree char *subtitle = describe_app (app);

  g_object_bind_property (app, "name", row, "title", G_BINDING_SYNC_CREATE);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  if (*flows_app_get_description (app) != '\0')
    gtk_widget_set_tooltip_text (row, flows_app_get_description (app));
  return row;
}

static void
update_view (FlowsWindow *self)
{
  GListModel *apps = flows_library_get_apps (self->library);
  GPtrArray *problems = flows_library_get_problems (self->library);
  gboolean empty = g_list_model_get_n_items (apps) == 0 && problems->len == 0;

  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "apps");
  gtk_widget_set_visible (GTK_WIDGET (self->apps_list), g_list_model_get_n_items (apps) > 0);
  gtk_widget_set_visible (self->problems_heading, problems->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->problems_list), problems->len > 0);
}

/* Files that did not load are shown with their error, so nothing vanishes silently. */
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

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), basename);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), problem->error->message);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 4);
      gtk_widget_add_css_class (icon, "error");
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      gtk_list_box_append (self->problems_list, row);
    }
}

static void
on_apps_changed (FlowsWindow *self)
{
  update_view (self);
}

/* Window size is remembered only when the schema is installed (it is not in a bare build
 * tree run without GSETTINGS_SCHEMA_DIR). */
static void
bind_window_state (FlowsWindow *self)
{
  g_autoptr(GSettingsSchema) schema =
    g_settings_schema_source_lookup (g_settings_schema_source_get_default (), APP_ID, TRUE);

  if (schema == NULL)
    {
      g_warning ("GSettings schema %s is not installed: the window size will not be remembered", APP_ID);
      return;
    }

  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
}

static void
flows_window_constructed (GObject *object)
{
  FlowsWindow *self = (FlowsWindow *)object;
  GListModel *apps = flows_library_get_apps (self->library);

  G_OBJECT_CLASS (flows_window_parent_class)->constructed (object);

  gtk_list_box_bind_model (self->apps_list, apps, create_app_row, self, NULL);
  g_signal_connect_object (apps, "items-changed", G_CALLBACK (on_apps_changed), self, G_CONNECT_SWAPPED);
  fill_problems (self);
  update_view (self);
  bind_window_state (self);
}

static void
flows_window_dispose (GObject *object)
{
  FlowsWindow *self = (FlowsWindow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), FLOWS_TYPE_WINDOW);
  g_clear_object (&self->settings);
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

  object_class->constructed = flows_window_constructed;
  object_class->dispose = flows_window_dispose;
  object_class->get_property = flows_window_get_property;
  object_class->set_property = flows_window_set_property;

  properties[PROP_LIBRARY] =
    g_param_spec_object ("library", NULL, NULL, FLOWS_TYPE_LIBRARY,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/flowsstudio/FlowsStudio/flows-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FlowsWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FlowsWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, FlowsWindow, apps_list);
  gtk_widget_class_bind_template_child (widget_class, FlowsWindow, problems_heading);
  gtk_widget_class_bind_template_child (widget_class, FlowsWindow, problems_list);
}

static void
flows_window_init (FlowsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
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
flows_window_show_toast (FlowsWindow *self,
                         const char  *message)
{
  AdwToast *toast;

  g_return_if_fail (FLOWS_IS_WINDOW (self));

  toast = adw_toast_new (message);
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

void
flows_window_show_error (FlowsWindow *self,
                         const char  *summary,
                         const char  *details)
{
  AdwToast *toast;

  g_return_if_fail (FLOWS_IS_WINDOW (self));

  toast = adw_toast_new (summary);
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
    flows_window_show_error (window, summary, details);
  else
    g_message ("%s: %s", summary, details != NULL ? details : "");
}
