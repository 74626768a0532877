/* flows-ui-shared.h — what several views need the same way, written once
 *
 * Header-only, so that every program and test that compiles a view gets them without one more
 * source file to list.
 */
#pragma once

#include <adwaita.h>
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


/* GTK 4.8 gives the row widgets of a list view no accessible name, yet that row is what a
 * screen reader visits: @label, the text that @child (the list item's child) shows, names it. */
static inline void
flows_name_list_row (GtkWidget *child,
                     GtkWidget *label)
{
  gtk_accessible_update_relation (GTK_ACCESSIBLE (gtk_widget_get_parent (child)),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);
}

static inline void
flows_combo_item_check (AdwComboRow *row,
                        GParamSpec  *pspec,
                        GtkListItem *item)
{
  GtkWidget *check = gtk_widget_get_last_child (gtk_list_item_get_child (item));

  gtk_widget_set_opacity (check, adw_combo_row_get_selected_item (row) == gtk_list_item_get_item (item) ? 1 : 0);
}

static inline void
flows_combo_item_setup (GtkSignalListItemFactory *factory,
                        GtkListItem              *item,
                        AdwComboRow              *row)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 20);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name ("object-select-symbolic"));
  gtk_list_item_set_child (item, box);
}

static inline void
flows_combo_item_bind (GtkSignalListItemFactory *factory,
                       GtkListItem              *item,
                       AdwComboRow              *row)
{
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *label = gtk_widget_get_first_child (box);
  GtkWidget *check = gtk_widget_get_last_child (box);
  gboolean in_popover = gtk_widget_get_ancestor (box, GTK_TYPE_POPOVER) != NULL;

  gtk_label_set_text (GTK_LABEL (label), gtk_string_object_get_string (gtk_list_item_get_item (item)));
  flows_name_list_row (box, label);
  gtk_widget_set_visible (check, in_popover);
  if (in_popover)
    {
      g_signal_connect (row, "notify::selected-item", G_CALLBACK (flows_combo_item_check), item);
      flows_combo_item_check (row, NULL, item);
    }
}

static inline void
flows_combo_item_unbind (GtkSignalListItemFactory *factory,
                         GtkListItem              *item,
                         AdwComboRow              *row)
{
  g_signal_handlers_disconnect_by_func (row, flows_combo_item_check, item);
}

/* @row's items (a GtkStringList's) as libadwaita's own factory shows them, the chosen one with a
 * check mark in the list, each row named by its text (see flows_name_list_row). */
static inline void
flows_name_combo_items (AdwComboRow *row)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (flows_combo_item_setup), row);
  g_signal_connect (factory, "bind", G_CALLBACK (flows_combo_item_bind), row);
  g_signal_connect (factory, "unbind", G_CALLBACK (flows_combo_item_unbind), row);
  adw_combo_row_set_factory (row, factory);
}

G_END_DECLS
