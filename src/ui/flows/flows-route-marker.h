/* flows-route-marker.h — what a screen reader finds of a route on the flow editor's canvas
 *
 * Routes are drawn by the canvas, not widgets, so assistive technologies would not know them.
 * A marker is a small widget that draws nothing and takes no pointer events, placed by the
 * canvas at the middle of its route's curve, whose accessible name says the route: its output,
 * the stage it leaves, the stage it leads to and, after a run, whether the run took it.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FLOWS_ROUTE_MARKER_SIZE 12

#define FLOWS_TYPE_ROUTE_MARKER (flows_route_marker_get_type ())
G_DECLARE_FINAL_TYPE (FlowsRouteMarker, flows_route_marker, FLOWS, ROUTE_MARKER, GtkWidget)

GtkWidget  *flows_route_marker_new        (void);
/* @output: the route's output name, a string of the stage catalogue (kept, not copied). */
void        flows_route_marker_set_output (FlowsRouteMarker *self,
                                           const char       *output);
const char *flows_route_marker_get_output (FlowsRouteMarker *self);
/* @name: what a screen reader says; set again only when it differs. */
void        flows_route_marker_set_name   (FlowsRouteMarker *self,
                                           const char       *name);
void        flows_route_marker_set_selected (FlowsRouteMarker *self,
                                             gboolean          selected);

G_END_DECLS
