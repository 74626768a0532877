/* flows-discovery-page.c — the New App dialog's "From the provider's metadata" part */

#include "config.h"

#include <glib/gi18n.h>

#include "flows-discovery-page.h"

struct _FlowsDiscoveryPage
{
  AdwBin                 parent_instance;

  FlowsProviderMetadata *metadata;
  GCancellable          *cancellable;

  AdwEntryRow           *issuer_row;
  GtkButton             *discover_button;
  GtkSpinner            *spinner;
  GtkLabel              *problem_label;
  AdwPreferencesGroup   *found_group;
  GtkListBox            *found_list;
};

G_DEFINE_FINAL_TYPE (FlowsDiscoveryPage, flows_discovery_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_READY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_busy (FlowsDiscoveryPage *self,
          gboolean            busy)
{
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->discover_button), !busy);
}

static void
show_problem (FlowsDiscoveryPage *self,
              const char         *problem)
{
  gtk_label_set_text (self->problem_label, problem != NULL ? problem : "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), problem != NULL);
}

/* Forgets what was found: the issuer URL changed, or a new discovery starts. */
static void
clear_found (FlowsDiscoveryPage *self)
{
  GtkWidget *row;
  gboolean was_ready = self->metadata != NULL;

  g_clear_pointer (&self->metadata, flows_provider_metadata_free);
  while ((row = gtk_widget_get_first_child (GTK_WIDGET (self->found_list))) != NULL)
    gtk_list_box_remove (self->found_list, row);
  gtk_widget_set_visible (GTK_WIDGET (self->found_group), FALSE);
  show_problem (self, NULL);
  if (was_ready)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
}

static void
show_found (FlowsDiscoveryPage *self)
{
  g_auto(GStrv) found = flows_provider_metadata_describe (self->metadata);

  for (guint i = 0; found[i] != NULL && found[i + 1] != NULL; i += 2)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), found[i]);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), found[i + 1]);
      gtk_widget_add_css_class (row, "property");
      gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, found[i],
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, found[i + 1],
                                      -1);
      gtk_list_box_append (self->found_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->found_group), TRUE);
}

static void
on_fetched (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(FlowsDiscoveryPage) self = user_data;
  g_autoptr(GError) error = NULL;
  FlowsProviderMetadata *metadata = flows_discovery_fetch_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);
  if (metadata == NULL)
    {
      show_problem (self, error->message);
      return;
    }

  self->metadata = metadata;
  show_found (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
}

static void
discover (FlowsDiscoveryPage *self)
{
  g_autofree char *issuer = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->issuer_row))));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  clear_found (self);
  if (*issuer == '\0')
    {
      show_problem (self, _("Type the provider’s issuer URL, such as https://accounts.example.com"));
      return;
    }

  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  flows_discovery_fetch_async (NULL, issuer, self->cancellable, on_fetched, g_object_ref (self));
}

static void
on_issuer_changed (FlowsDiscoveryPage *self)
{
  /* What was found belongs to the URL it was found for. */
  g_cancellable_cancel (self->cancellable);
  set_busy (self, FALSE);
  clear_found (self);
}

static void
flows_discovery_page_dispose (GObject *object)
{
  FlowsDiscoveryPage *self = (FlowsDiscoveryPage *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->metadata, flows_provider_metadata_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), FLOWS_TYPE_DISCOVERY_PAGE);

  G_OBJECT_CLASS (flows_discovery_page_parent_class)->dispose (object);
}

static void
flows_discovery_page_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  FlowsDiscoveryPage *self = FLOWS_DISCOVERY_PAGE (object);

  switch (prop_id)
    {
    case PROP_READY:
      g_value_set_boolean (value, self->metadata != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_discovery_page_class_init (FlowsDiscoveryPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = flows_discovery_page_dispose;
  object_class->get_property = flows_discovery_page_get_property;

  properties[PROP_READY] =
    g_param_spec_boolean ("ready", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/flowsstudio/FlowsStudio/flows-discovery-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FlowsDiscoveryPage, issuer_row);
  gtk_widget_class_bind_template_child (widget_class, FlowsDiscoveryPage, discover_button);
  gtk_widget_class_bind_template_child (widget_class, FlowsDiscoveryPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, FlowsDiscoveryPage, problem_label);
  gtk_widget_class_bind_template_child (widget_class, FlowsDiscoveryPage, found_group);
  gtk_widget_class_bind_template_child (widget_class, FlowsDiscoveryPage, found_list);
  gtk_widget_class_bind_template_callback (widget_class, discover);
  gtk_widget_class_bind_template_callback (widget_class, on_issuer_changed);
}

static void
flows_discovery_page_init (FlowsDiscoveryPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
flows_discovery_page_new (void)
{
  return g_object_new (FLOWS_TYPE_DISCOVERY_PAGE, NULL);
}

const FlowsProviderMetadata *
flows_discovery_page_get_metadata (FlowsDiscoveryPage *self)
{
  g_return_val_if_fail (FLOWS_IS_DISCOVERY_PAGE (self), NULL);
  return self->metadata;
}

void
flows_discovery_page_focus (FlowsDiscoveryPage *self)
{
  g_return_if_fail (FLOWS_IS_DISCOVERY_PAGE (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->issuer_row));
}
