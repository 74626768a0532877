/* flows-welcome-banner.c — the first-run orientation */

#include "config.h"

#include <glib/gi18n.h>

#include "flows-application.h"
#include "flows-ui-shared.h"
#include "flows-welcome-banner.h"
#include "flows-window.h"

#define SETTING "show-orientation"

struct _FlowsWelcomeBanner
{
  AdwBin       parent_instance;

  GSettings   *settings;

  GtkRevealer *revealer;
};

G_DEFINE_FINAL_TYPE (FlowsWelcomeBanner, flows_welcome_banner, ADW_TYPE_BIN)

static void
update (FlowsWelcomeBanner *self)
{
  gboolean shown = self->settings != NULL && g_settings_get_boolean (self->settings, SETTING);

  gtk_revealer_set_reveal_child (self->revealer, shown);
  /* Hidden, it takes no room and no focus. */
  gtk_widget_set_visible (GTK_WIDGET (self), shown);
}

static AdwViewStack *
find_view_stack (GtkWidget *widget)
{
  if (ADW_IS_VIEW_STACK (widget))
    return ADW_VIEW_STACK (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      AdwViewStack *found = find_view_stack (child);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The sample's connections are where the steps start. */
static void
open_sample (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GApplication *application = g_application_get_default ();
  AdwViewStack *views;

  if (!FLOWS_IS_WINDOW (root))
    return;
  if (FLOWS_IS_APPLICATION (application) &&
      flows_library_find_app (flows_application_get_library (FLOWS_APPLICATION (application)),
                              FLOWS_SANDBOX_SAMPLE_APP_ID) == NULL)
    {
      flows_window_show_toast (FLOWS_WINDOW (root), _("The OAuth Sandbox sample is no longer in the library"));
      return;
    }

  flows_window_select_app (FLOWS_WINDOW (root), FLOWS_SANDBOX_SAMPLE_APP_ID);
  views = find_view_stack (GTK_WIDGET (root));
  if (views != NULL && adw_view_stack_get_child_by_name (views, "connections") != NULL)
    adw_view_stack_set_visible_child_name (views, "connections");
}

static void
dismiss (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  FlowsWelcomeBanner *self = FLOWS_WELCOME_BANNER (widget);

  if (self->settings != NULL)
    g_settings_set_boolean (self->settings, SETTING, FALSE);
}

static void
flows_welcome_banner_dispose (GObject *object)
{
  FlowsWelcomeBanner *self = (FlowsWelcomeBanner *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), FLOWS_TYPE_WELCOME_BANNER);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (flows_welcome_banner_parent_class)->dispose (object);
}

static void
flows_welcome_banner_class_init (FlowsWelcomeBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = flows_welcome_banner_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/flowsstudio/FlowsStudio/flows-welcome-banner.ui");
  gtk_widget_class_install_action (widget_class, "welcome.open-sample", NULL, open_sample);
  gtk_widget_class_install_action (widget_class, "welcome.dismiss", NULL, dismiss);
}

static void
flows_welcome_banner_init (FlowsWelcomeBanner *self)
{
  static gsize css_loaded;
  g_autoptr(GSettingsSchema) schema =
    g_settings_schema_source_lookup (g_settings_schema_source_get_default (), APP_ID, TRUE);

  flows_load_css_once (&css_loaded, "/io/github/flowsstudio/FlowsStudio/flows-welcome-banner.css");
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Not a template child: gtk_widget_dispose_template() would unparent it behind AdwBin's back,
   * and AdwBin would then unparent it a second time. */
  self->revealer = GTK_REVEALER (adw_bin_get_child (ADW_BIN (self)));

  if (schema != NULL)
    {
      self->settings = g_settings_new (APP_ID);
      g_signal_connect_object (self->settings, "changed::" SETTING, G_CALLBACK (update), self, G_CONNECT_SWAPPED);
    }
  update (self);
}

GtkWidget *
flows_welcome_banner_new (void)
{
  return g_object_new (FLOWS_TYPE_WELCOME_BANNER, NULL);
}
