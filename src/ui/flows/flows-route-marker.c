/* flows-route-marker.c — a route of the canvas as assistive technologies see it */

#include "config.h"

#include "flows-route-marker.h"

struct _FlowsRouteMarker
{
  GtkWidget   parent_instance;

  const char *output;
  char       *name;
  gboolean    selected;
};

G_DEFINE_FINAL_TYPE (FlowsRouteMarker, flows_route_marker, GTK_TYPE_WIDGET)

static void
flows_route_marker_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  *minimum = *natural = FLOWS_ROUTE_MARKER_SIZE;
}

static void
flows_route_marker_finalize (GObject *object)
{
  FlowsRouteMarker *self = FLOWS_ROUTE_MARKER (object);

  g_free (self->name);

  G_OBJECT_CLASS (flows_route_marker_parent_class)->finalize (object);
}

static void
flows_route_marker_class_init (FlowsRouteMarkerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = flows_route_marker_finalize;
  widget_class->measure = flows_route_marker_measure;

  /* A drawn line between two cards: a graphic, named, which a screen reader can list. */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
  gtk_widget_class_set_css_name (widget_class, "routemarker");
}

static void
flows_route_marker_init (FlowsRouteMarker *self)
{
  /* The canvas takes the pointer on routes itself. */
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_STATE_SELECTED, FALSE, -1);
}

GtkWidget *
flows_route_marker_new (void)
{
  return g_object_new (FLOWS_TYPE_ROUTE_MARKER, NULL);
}

void
flows_route_marker_set_output (FlowsRouteMarker *self,
                               const char       *output)
{
  g_return_if_fail (FLOWS_IS_ROUTE_MARKER (self));

  self->output = output;
}

const char *
flows_route_marker_get_output (FlowsRouteMarker *self)
{
  g_return_val_if_fail (FLOWS_IS_ROUTE_MARKER (self), NULL);

  return self->output;
}

void
flows_route_marker_set_name (FlowsRouteMarker *self,
                             const char       *name)
{
  g_return_if_fail (FLOWS_IS_ROUTE_MARKER (self));

  if (g_strcmp0 (self->name, name) == 0)
    return;
  g_free (self->name);
  self->name = g_strdup (name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

void
flows_route_marker_set_selected (FlowsRouteMarker *self,
                                 gboolean          selected)
{
  g_return_if_fail (FLOWS_IS_ROUTE_MARKER (self));

  if (self->selected == !!selected)
    return;
  self->selected = !!selected;
  gtk_accessible_update_state (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_STATE_SELECTED, self->selected, -1);
}
