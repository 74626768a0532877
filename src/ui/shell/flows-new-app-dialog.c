/* flows-new-app-dialog.c — the New App dialog */

#include "config.h"

#include <glib/gi18n.h>

#include "flows-app-templates.h"
#include "flows-connection-settings-page.h"
#include "flows-new-app-dialog.h"
#include "flows-ui-shared.h"

struct _FlowsNewAppDialog
{
  AdwWindow        parent_instance;

  FlowsLibrary    *library;

  AdwToastOverlay *toast_overlay;
  AdwEntryRow     *name_row;
  GtkWidget       *name_problem_label;
  AdwEntryRow     *description_row;
  GtkCheckButton  *oauth_check;
};

G_DEFINE_FINAL_TYPE (FlowsNewAppDialog, flows_new_app_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_LIBRARY,
  N_PROPS
};

enum {
  CREATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static char *
get_name (FlowsNewAppDialog *self)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
}

/* Create is enabled only for a name the library takes (flows_library_check_app_name()).
 * The reason shows under the name once something was typed: an empty field at the start needs
 * no message. */
static gboolean
update_create_action (FlowsNewAppDialog *self,
                      gboolean           show_problem)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = get_name (self);
  gboolean valid = self->library != NULL && flows_library_check_app_name (self->library, name, NULL, &error);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "new-app.create", valid);
  if (show_problem)
    flows_show_field_problem (GTK_WIDGET (self->name_row), self->name_problem_label,
                              valid || error == NULL ? NULL : error->message);
  return valid;
}

static void
on_name_changed (FlowsNewAppDialog *self)
{
  update_create_action (self, TRUE);
}

/* The redirect URL chosen in the preferences, when the schema is installed and the value is a
 * usable URL; NULL keeps the template's. */
static char *
get_default_redirect_url (void)
{
  g_autoptr(GSettingsSchema) schema =
    g_settings_schema_source_lookup (g_settings_schema_source_get_default (), APP_ID, TRUE);
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *url = NULL;
  g_autofree char *problem = NULL;

  if (schema == NULL)
    return NULL;

  settings = g_settings_new (APP_ID);
  url = g_settings_get_string (settings, "default-redirect-url");
  if ((problem = flows_connection_settings_page_check_redirect_url (url)) != NULL)
    return NULL;
  return g_steal_pointer (&url);
}

static void
create (GtkWidget  *widget,
        const char *action_name,
        GVariant   *parameter)
{
  FlowsNewAppDialog *self = FLOWS_NEW_APP_DIALOG (widget);
  g_autofree char *name = get_name (self);
  g_autofree char *description = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->description_row))));
  gboolean oauth = gtk_check_button_get_active (self->oauth_check);
  g_autoptr(FlowsApp) app = NULL;
  g_autoptr(GError) error = NULL;

  if (!update_create_action (self, TRUE))
    return;

  app = flows_app_new_from_template (name, oauth ? FLOWS_CONNECTION_TYPE_OAUTH : FLOWS_CONNECTION_TYPE_GENERIC);
  flows_app_set_description (app, description);
  if (oauth)
    {
      g_autofree char *redirect_url = get_default_redirect_url ();

      if (redirect_url != NULL)
        flows_app_set_redirect_url (app, redirect_url);
    }

  if (!flows_library_add_app (self->library, app, &error))
    {
      /* Translators: the placeholder is the reason */
      g_autofree char *message = g_strdup_printf (_("The App could not be created: %s"), error->message);
      g_autofree char *title = g_markup_escape_text (message, -1);
      AdwToast *toast = adw_toast_new (title);

      /* The dialog stays, with what was typed, so that it can be tried again. */
      adw_toast_set_timeout (toast, 0);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
      return;
    }

  g_signal_emit (self, signals[CREATED], 0, app);
  gtk_window_destroy (GTK_WINDOW (self));
}

/* Typing can start at once. Not the "focus-widget" property: GTK picks the first focusable
 * widget (Cancel) when the window maps, over a focus set before. */
static void
flows_new_app_dialog_map (GtkWidget *widget)
{
  FlowsNewAppDialog *self = FLOWS_NEW_APP_DIALOG (widget);

  GTK_WIDGET_CLASS (flows_new_app_dialog_parent_class)->map (widget);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
}

static void
flows_new_app_dialog_constructed (GObject *object)
{
  G_OBJECT_CLASS (flows_new_app_dialog_parent_class)->constructed (object);
  update_create_action (FLOWS_NEW_APP_DIALOG (object), FALSE);
}

static void
flows_new_app_dialog_dispose (GObject *object)
{
  FlowsNewAppDialog *self = (FlowsNewAppDialog *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), FLOWS_TYPE_NEW_APP_DIALOG);
  g_clear_object (&self->library);

  G_OBJECT_CLASS (flows_new_app_dialog_parent_class)->dispose (object);
}

static void
flows_new_app_dialog_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  FlowsNewAppDialog *self = FLOWS_NEW_APP_DIALOG (object);

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
flows_new_app_dialog_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  FlowsNewAppDialog *self = FLOWS_NEW_APP_DIALOG (object);

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
flows_new_app_dialog_class_init (FlowsNewAppDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = flows_new_app_dialog_constructed;
  object_class->dispose = flows_new_app_dialog_dispose;
  object_class->get_property = flows_new_app_dialog_get_property;
  object_class->set_property = flows_new_app_dialog_set_property;
  widget_class->map = flows_new_app_dialog_map;

  properties[PROP_LIBRARY] =
    g_param_spec_object ("library", NULL, NULL, FLOWS_TYPE_LIBRARY,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CREATED] =
    g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, FLOWS_TYPE_APP);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/flowsstudio/FlowsStudio/flows-new-app-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FlowsNewAppDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FlowsNewAppDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, FlowsNewAppDialog, name_problem_label);
  gtk_widget_class_bind_template_child (widget_class, FlowsNewAppDialog, description_row);
  gtk_widget_class_bind_template_child (widget_class, FlowsNewAppDialog, oauth_check);
  gtk_widget_class_bind_template_callback (widget_class, on_name_changed);

  gtk_widget_class_install_action (widget_class, "new-app.create", NULL, create);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
flows_new_app_dialog_init (FlowsNewAppDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}


GtkWidget *
flows_new_app_dialog_new (GtkWindow    *parent,
                          FlowsLibrary *library)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (FLOWS_IS_LIBRARY (library), NULL);

  return g_object_new (FLOWS_TYPE_NEW_APP_DIALOG,
                       "transient-for", parent,
                       "library", library,
                       NULL);
}
