/* flows-role-badge.c — the pill beside a flow's name that says what the runtime uses it for */

#include "config.h"

#include <glib/gi18n.h>

#include "flows-role-badge.h"
#include "flows-ui-shared.h"

/* The badge text of a role ("Step 1 · Authorise"), translated; NULL for FLOWS_FLOW_ROLE_NONE. */
static const char *
role_badge_text (FlowsFlowRole role)
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

GtkWidget *
flows_flow_role_badge_new (FlowsFlowRole role)
{
  const char *text = role_badge_text (role);
  GtkWidget *label;

  g_return_val_if_fail (text != NULL, NULL);

  /* The pill style is ours, not libadwaita's; it is loaded with the first badge so that any
   * view showing one gets it. */
  static gsize css_loaded;

  flows_load_css_once (&css_loaded, "/io/github/flowsstudio/FlowsStudio/flows-flows-page.css");
  label = gtk_label_new (text);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, "flow-role-badge");
  gtk_widget_add_css_class (label, role == FLOWS_FLOW_ROLE_CONNECTION_TEST ? "test" : "oauth");
  gtk_widget_set_tooltip_text (label, role == FLOWS_FLOW_ROLE_CONNECTION_TEST
                                      ? _("Runs when a connection is tested; it cannot be deleted")
                                      : _("A step of the OAuth sign-in; it cannot be deleted"));
  return label;
}
