/* flows-ui-shared.h — what several views need the same way, written once
 *
 * Header-only, so that every program and test that compiles a view gets them without one more
 * source file to list.
 */
#pragma once

#include <gtk/gtk.h>

#include "flows-application.h"
#include "flows-sandbox-client.h"
#include "flows-sign-in.h"

G_BEGIN_DECLS

/* The runner for a view's runs: the application's, so that the whole application has one HTTP
 * session and one token refresh at a time; outside Flows Studio's application (a test, a
 * previewer), one of the view's own in *@own_runner, saving connections to @library. */
static inline FlowsRunner *
flows_shared_runner (FlowsRunner  **own_runner,
                     FlowsLibrary  *library)
{
  GApplication *application = g_application_get_default ();

  if (FLOWS_IS_APPLICATION (application))
    return flows_application_get_runner (FLOWS_APPLICATION (application));

  if (*own_runner == NULL)
    {
      *own_runner = flows_runner_new ();
      flows_token_refresher_attach (*own_runner, library);
    }
  return *own_runner;
}

/* Whether @app signs in to the sandbox provider built into the app, on its configured port
 * (docs/ARCHITECTURE.md, "The sandbox provider"): one of its URL parameters, as @connection
 * has it (or by default; only the defaults when @connection is NULL), is an endpoint of it. */
static inline gboolean
flows_uses_sandbox (FlowsApp        *app,
                    FlowsConnection *connection)
{
  g_auto(GStrv) urls = NULL;

  if (app == NULL || flows_app_get_connection_type (app) != FLOWS_CONNECTION_TYPE_OAUTH)
    return FALSE;
  urls = flows_sign_in_list_provider_urls (app, connection);
  return flows_sandbox_serves_any ((const char * const *)urls, flows_sandbox_get_configured_port ());
}

/* Before a sign-in or a test of a connection to the sandbox provider: the application's
 * "sandbox" action starts it, for the rest of the session, unless it runs (the application says
 * why when it cannot). Outside Flows Studio's application there is no such action. */
static inline void
flows_start_sandbox_for (FlowsApp        *app,
                         FlowsConnection *connection)
{
  GApplication *application = g_application_get_default ();

  if (application != NULL && g_action_group_has_action (G_ACTION_GROUP (application), "sandbox") &&
      flows_uses_sandbox (app, connection))
    g_action_group_change_action_state (G_ACTION_GROUP (application), "sandbox", g_variant_new_boolean (TRUE));
}

/* Loads a stylesheet of ours from the resources for the display, the first time a view that
 * uses it is made; @loaded is that view's static flag. */
static inline void
flows_load_css_once (gsize      *loaded,
                     const char *resource_path)
{
  if (g_once_init_enter (loaded))
    {
      g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();
      GdkDisplay *display = gdk_display_get_default ();

      gtk_css_provider_load_from_resource (provider, resource_path);
      if (display != NULL)
        gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                                    GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      g_once_init_leave (loaded, 1);
    }
}

/* Shows @problem (NULL: none) under the text field @field in @label, and marks the field
 * invalid for assistive technologies, which read the label as its description. */
static inline void
flows_show_field_problem (GtkWidget  *field,
                          GtkWidget  *label,
                          const char *problem)
{
  if (problem != NULL)
    gtk_widget_add_css_class (field, "error");
  else
    gtk_widget_remove_css_class (field, "error");
  gtk_label_set_text (GTK_LABEL (label), problem != NULL ? problem : "");
  gtk_widget_set_visible (label, problem != NULL);
  gtk_accessible_update_state (GTK_ACCESSIBLE (field), GTK_ACCESSIBLE_STATE_INVALID,
                               problem != NULL ? GTK_ACCESSIBLE_INVALID_TRUE : GTK_ACCESSIBLE_INVALID_FALSE, -1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (field), GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, label, NULL, -1);
}

G_END_DECLS
