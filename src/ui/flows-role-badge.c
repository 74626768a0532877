/* flows-role-badge.c — the pill beside a flow's name that says what the runtime uses it for */

#include "config.h"

#include <glib/gi18n.h>

#include "flows-role-badge.h"

const char *
flows_flow_role_badge (FlowsFlowRole role)
{
  switch (role)
    {
    case FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE:
      return _("Step 1 · Authorise");
    case FLOWS_FLOW_ROLE_OAUTH_EXCHANGE:
      return _("Step 2 · Exchange");
    case FLOWS_FLOW_ROLE_OAUTH_REFRESH:
      return _("Step 3 · Refresh");
    case FLOWS_FLOW_ROLE_CONNECTION_TEST:
      return _("Connection Test");
    case FLOWS_FLOW_ROLE_NONE:
    default:
      return NULL;
    }
}

/* The pill style is ours, not libadwaita's; it is loaded with the first badge so that any view
 * showing one gets it. */
static void
ensure_badge_css (void)
{
  static gsize loaded;

  if (g_once_init_enter (&loaded))
    {
      g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();
      GdkDisplay *display = gdk_display_get_default ();

      gtk_css_provider_load_from_resource (provider, "/io/github/flowsstudio/FlowsStudio/flows-flows-page.css");
      if (display != NULL)
        gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                                    GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      g_once_init_leave (&loaded, 1);
    }
}

GtkWidget *
flows_flow_role_badge_new (FlowsFlowRole role)
{
  const char *text = flows_flow_role_badge (role);
  GtkWidget *label;

  g_return_val_if_fail (text != NULL, NULL);

  ensure_badge_css ();
  label = gtk_label_new (text);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, "flow-role-badge");
  gtk_widget_add_css_class (label, role == FLOWS_FLOW_ROLE_CONNECTION_TEST ? "test" : "oauth");
  gtk_widget_set_tooltip_text (label, role == FLOWS_FLOW_ROLE_CONNECTION_TEST
                                      ? _("Runs when a connection is tested; it cannot be deleted")
                                      : _("A step of the OAuth sign-in; it cannot be deleted"));
  return label;
}
