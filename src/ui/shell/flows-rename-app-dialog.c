/* flows-rename-app-dialog.c — asks for an App's new name and renames it */

#include "config.h"

#include <glib/gi18n.h>

#include "flows-rename-app-dialog.h"
#include "flows-ui-shared.h"
#include "flows-window.h"

struct _FlowsRenameAppDialog
{
  AdwMessageDialog  parent_instance;

  FlowsLibrary     *library;
  FlowsApp         *app;
  GtkWidget        *entry;
  GtkWidget        *problem_label;
};

G_DEFINE_FINAL_TYPE (FlowsRenameAppDialog, flows_rename_app_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
on_name_changed (FlowsRenameAppDialog *self)
{
  g_autoptr(GError) error = NULL;
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  gboolean valid = flows_library_check_app_name (self->library, name, self->app, &error);

  flows_show_field_problem (self->entry, self->problem_label, valid ? NULL : error->message);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "rename", valid);
}

static void
flows_rename_app_dialog_response (AdwMessageDialog *dialog,
                                  const char       *response)
{
  FlowsRenameAppDialog *self = FLOWS_RENAME_APP_DIALOG (dialog);
  g_autoptr(GError) error = NULL;
  g_autofree char *old_name = NULL;

  if (!g_str_equal (response, "rename"))
    return;

  old_name = g_strdup (flows_app_get_name (self->app));
  if (!flows_library_rename_app (self->library, self->app, gtk_editable_get_text (GTK_EDITABLE (self->entry)), &error))
    {
      g_autofree char *summary = g_strdup_printf (_("“%s” was not renamed"), old_name);
      GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

      if (parent != NULL)
        flows_widget_show_error (GTK_WIDGET (parent), summary, error->message);
    }
}

static void
flows_rename_app_dialog_dispose (GObject *object)
{
  FlowsRenameAppDialog *self = (FlowsRenameAppDialog *)object;

  g_clear_object (&self->library);
  g_clear_object (&self->app);

  G_OBJECT_CLASS (flows_rename_app_dialog_parent_class)->dispose (object);
}

static void
flows_rename_app_dialog_class_init (FlowsRenameAppDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AdwMessageDialogClass *dialog_class = ADW_MESSAGE_DIALOG_CLASS (klass);

  object_class->dispose = flows_rename_app_dialog_dispose;
  dialog_class->response = flows_rename_app_dialog_response;
}

static void
flows_rename_app_dialog_init (FlowsRenameAppDialog *self)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (self);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  self->entry = gtk_entry_new ();
  /* Enter renames, through the default response, only while the name is one to take. */
  gtk_entry_set_activates_default (GTK_ENTRY (self->entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("New Name"), -1);
  self->problem_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->problem_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->problem_label), 0);
  gtk_widget_add_css_class (self->problem_label, "error");
  gtk_widget_set_visible (self->problem_label, FALSE);
  gtk_box_append (GTK_BOX (box), self->entry);
  gtk_box_append (GTK_BOX (box), self->problem_label);

  adw_message_dialog_set_heading (dialog, _("Rename App"));
  adw_message_dialog_set_extra_child (dialog, box);
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "rename", _("_Rename"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "rename", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "rename");
  adw_message_dialog_set_close_response (dialog, "cancel");
}

GtkWidget *
flows_rename_app_dialog_new (GtkWindow    *parent,
                             FlowsLibrary *library,
                             FlowsApp     *app)
{
  FlowsRenameAppDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (FLOWS_IS_LIBRARY (library), NULL);
  g_return_val_if_fail (FLOWS_IS_APP (app), NULL);

  self = g_object_new (FLOWS_TYPE_RENAME_APP_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       "destroy-with-parent", TRUE,
                       NULL);
  self->library = g_object_ref (library);
  self->app = g_object_ref (app);
  gtk_editable_set_text (GTK_EDITABLE (self->entry), flows_app_get_name (app));
  g_signal_connect_swapped (self->entry, "changed", G_CALLBACK (on_name_changed), self);
  on_name_changed (self);
  return GTK_WIDGET (self);
}
