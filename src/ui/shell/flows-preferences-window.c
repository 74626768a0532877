/* flows-preferences-window.c — the preferences */

#include "config.h"

#include <glib/gi18n.h>

#include "flows-connection-settings-page.h"
#include "flows-preferences-window.h"
#include "flows-sandbox-provider.h"

#define SANDBOX_ACTION "sandbox"

struct _FlowsPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;
  GActionGroup         *actions;

  AdwPreferencesGroup  *requests_group;
  AdwPreferencesGroup  *oauth_group;
  GtkSpinButton        *timeout_spin;
  AdwEntryRow          *redirect_row;
  GtkLabel             *redirect_error_label;
  AdwActionRow         *sandbox_row;
  GtkSwitch            *sandbox_switch;
  GtkSpinButton        *port_spin;
  AdwActionRow         *account_row;

  /* Set while widgets are filled from the settings or the action, so that it is not an edit. */
  guint                 syncing : 1;
};

G_DEFINE_FINAL_TYPE (FlowsPreferencesWindow, flows_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* The keys are unsigned and spin buttons hold doubles, which GSettings does not map itself. */
static gboolean
uint_to_double (GValue   *value,
                GVariant *variant,
                gpointer  user_data)
{
  g_value_set_double (value, g_variant_get_uint32 (variant));
  return TRUE;
}

static GVariant *
double_to_uint (const GValue       *value,
                const GVariantType *expected_type,
                gpointer            user_data)
{
  return g_variant_new_uint32 ((guint32)CLAMP (g_value_get_double (value), 0, G_MAXUINT32));
}

static void
show_redirect_error (FlowsPreferencesWindow *self,
                     const char             *message)
{
  gboolean invalid = message != NULL;

  gtk_label_set_text (self->redirect_error_label, invalid ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->redirect_error_label), invalid);
  if (invalid)
    gtk_widget_add_css_class (GTK_WIDGET (self->redirect_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->redirect_row), "error");

  gtk_accessible_update_state (GTK_ACCESSIBLE (self->redirect_row),
                               GTK_ACCESSIBLE_STATE_INVALID,
                               invalid ? GTK_ACCESSIBLE_INVALID_TRUE : GTK_ACCESSIBLE_INVALID_FALSE,
                               -1);
  if (invalid)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->redirect_row),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message,
                                    -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self->redirect_row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

/* Only a valid URL is stored; one being typed stays in the entry with its error. */
static void
on_redirect_changed (FlowsPreferencesWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->redirect_row));
  g_autofree char *error = NULL;
  g_autofree char *stored = NULL;

  if (self->syncing || self->settings == NULL)
    return;

  error = flows_connection_settings_page_check_redirect_url (text);
  show_redirect_error (self, error);
  stored = g_settings_get_string (self->settings, "default-redirect-url");
  if (error == NULL && g_strcmp0 (stored, text) != 0)
    g_settings_set_string (self->settings, "default-redirect-url", text);
}

static void
sync_redirect (FlowsPreferencesWindow *self)
{
  g_autofree char *url = g_settings_get_string (self->settings, "default-redirect-url");

  if (gtk_widget_get_visible (GTK_WIDGET (self->redirect_error_label)) ||
      g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->redirect_row)), url) == 0)
    return;

  self->syncing = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->redirect_row), url);
  self->syncing = FALSE;
}

static gboolean
sandbox_running (FlowsPreferencesWindow *self)
{
  g_autoptr(GVariant) state = NULL;

  if (self->actions == NULL)
    return FALSE;
  state = g_action_group_get_action_state (self->actions, SANDBOX_ACTION);
  return state != NULL && g_variant_is_of_type (state, G_VARIANT_TYPE_BOOLEAN) && g_variant_get_boolean (state);
}

static void
sync_sandbox (FlowsPreferencesWindow *self)
{
  gboolean running = sandbox_running (self);

  self->syncing = TRUE;
  gtk_switch_set_active (self->sandbox_switch, running);
  gtk_switch_set_state (self->sandbox_switch, running);
  self->syncing = FALSE;

  if (running)
    {
      guint port = self->settings != NULL ? g_settings_get_uint (self->settings, "sandbox-port")
                                          : FLOWS_SANDBOX_DEFAULT_PORT;
      /* Translators: the placeholder is a URL */
      g_autofree char *subtitle = g_strdup_printf (_("Running at http://127.0.0.1:%u"), port);

      adw_action_row_set_subtitle (self->sandbox_row, subtitle);
    }
  else
    adw_action_row_set_subtitle (self->sandbox_row, _("Stopped"));
}

/* The switch shows the action's state, not the click: starting can fail (a port in use), and
 * the menu can start or stop the provider too. */
static gboolean
on_sandbox_state_set (FlowsPreferencesWindow *self,
                      gboolean                state,
                      GtkSwitch              *toggle)
{
  if (self->syncing)
    return FALSE;

  if (self->actions != NULL && state != sandbox_running (self))
    g_action_group_activate_action (self->actions, SANDBOX_ACTION, NULL);
  sync_sandbox (self);
  return TRUE;
}

static void
on_sandbox_action_state_changed (FlowsPreferencesWindow *self)
{
  sync_sandbox (self);
}

static void
bind_settings (FlowsPreferencesWindow *self)
{
  g_autoptr(GSettingsSchema) schema =
    g_settings_schema_source_lookup (g_settings_schema_source_get_default (), APP_ID, TRUE);

  if (schema == NULL)
    {
      /* Nothing could be remembered: better unchangeable than forgotten. */
      gtk_widget_set_sensitive (GTK_WIDGET (self->requests_group), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->oauth_group), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->port_spin), FALSE);
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (_("Preferences cannot be saved: the settings schema is not installed")));
      return;
    }

  self->settings = g_settings_new (APP_ID);
  g_settings_bind_with_mapping (self->settings, "request-timeout",
                                gtk_spin_button_get_adjustment (self->timeout_spin), "value",
                                G_SETTINGS_BIND_DEFAULT, uint_to_double, double_to_uint, NULL, NULL);
  g_settings_bind_with_mapping (self->settings, "sandbox-port",
                                gtk_spin_button_get_adjustment (self->port_spin), "value",
                                G_SETTINGS_BIND_DEFAULT, uint_to_double, double_to_uint, NULL, NULL);
  g_signal_connect_object (self->settings, "changed::default-redirect-url",
                           G_CALLBACK (sync_redirect), self, G_CONNECT_SWAPPED);
  sync_redirect (self);
}

static void
bind_sandbox (FlowsPreferencesWindow *self)
{
  GApplication *application = g_application_get_default ();
  /* Translators: the placeholders are the sandbox provider's demo user name and password */
  g_autofree char *account = g_strdup_printf (_("User “%s”, password “%s”"),
                                              FLOWS_SANDBOX_USER_NAME, FLOWS_SANDBOX_PASSWORD);

  adw_action_row_set_subtitle (self->account_row, account);

  if (application == NULL || !g_application_get_is_registered (application) ||
      !g_action_group_has_action (G_ACTION_GROUP (application), SANDBOX_ACTION))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->sandbox_row), FALSE);
      return;
    }

  self->actions = G_ACTION_GROUP (g_object_ref (application));
  g_signal_connect_object (self->actions, "action-state-changed::" SANDBOX_ACTION,
                           G_CALLBACK (on_sandbox_action_state_changed), self, G_CONNECT_SWAPPED);
  sync_sandbox (self);
}

static void
flows_preferences_window_dispose (GObject *object)
{
  FlowsPreferencesWindow *self = (FlowsPreferencesWindow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), FLOWS_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->actions);

  G_OBJECT_CLASS (flows_preferences_window_parent_class)->dispose (object);
}

static void
flows_preferences_window_class_init (FlowsPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = flows_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/flowsstudio/FlowsStudio/flows-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FlowsPreferencesWindow, requests_group);
  gtk_widget_class_bind_template_child (widget_class, FlowsPreferencesWindow, oauth_group);
  gtk_widget_class_bind_template_child (widget_class, FlowsPreferencesWindow, timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, FlowsPreferencesWindow, redirect_row);
  gtk_widget_class_bind_template_child (widget_class, FlowsPreferencesWindow, redirect_error_label);
  gtk_widget_class_bind_template_child (widget_class, FlowsPreferencesWindow, sandbox_row);
  gtk_widget_class_bind_template_child (widget_class, FlowsPreferencesWindow, sandbox_switch);
  gtk_widget_class_bind_template_child (widget_class, FlowsPreferencesWindow, port_spin);
  gtk_widget_class_bind_template_child (widget_class, FlowsPreferencesWindow, account_row);
  gtk_widget_class_bind_template_callback (widget_class, on_redirect_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_sandbox_state_set);
}

static void
flows_preferences_window_init (FlowsPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  bind_settings (self);
  bind_sandbox (self);
}

GtkWidget *
flows_preferences_window_new (GtkWindow *parent)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (FLOWS_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       NULL);
}
