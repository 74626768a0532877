/* flows-canvas.c — a flow's stages as cards on a zoomable, pannable surface
 *
 * Coordinates: stages sit at canvas coordinates (pixels at 100 %). The view shows the canvas
 * scaled by the zoom; the adjustments hold the view's top-left corner in zoomed pixels, so a
 * widget point (wx, wy) is the canvas point ((wx + h) / zoom, (wy + v) / zoom). The scrollable
 * area is the stages' bounding box grown by one view on every side, so any card can be brought
 * to any corner.
 *
 * Drawing order: dot grid, routes, cards (child widgets, or plain shapes when zoomed out), ports,
 * then what a drag in progress shows (a route being drawn, the rubber band).
 *
 * What the software renderer would rasterise again in every frame is kept as pixels instead: each
 * card's rendering (draw_cards), the routes in tiles (draw_route_tiles), the dot grid as a mask
 * (draw_grid), each kind of port (paint_port), all painted in one cairo node
 * (flows_canvas_snapshot). A frame that only moves the
 * view paints them again; while the zoom moves, the pixels of the zoom it moved from are painted
 * scaled, and made again for the new zoom once it holds still (zoom_moved). Each stage's routes
 * and their curves are found once per change of the flow (ensure_routes), not in every frame.
 *
 * Child widgets: a card per stage in or near the view, and a route marker (drawn by nobody) per
 * route leaving such a stage, at the middle of its curve, for assistive technologies. Both come
 * and go with the view as the cards do, so a large flow costs only what is in view.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "flows-canvas.h"
#include "flows-enums.h"
#include "flows-layout.h"
#include "flows-route-marker.h"
#include "flows-stage-catalog.h"
#include "flows-stage-registry.h"

#define CARD_WIDTH  FLOWS_LAYOUT_CARD_WIDTH
#define CARD_HEIGHT FLOWS_LAYOUT_CARD_HEIGHT
#define GRID        FLOWS_LAYOUT_GRID
#define PORT_RADIUS 6.0
/* How close (in widget pixels) a press must be to a port, a route or a route's end. */
#define HIT_SLOP    9.0
#define ZOOM_STEP   1.25
/* The drag-and-drop text of a stage type from the palette. */
#define STAGE_TYPE_PREFIX "flows-stage-type:"
/* The side of a tile of drawn routes, in pixels (see draw_route_tiles). */
#define ROUTE_TILE  256
/* While the zoom moves, pixels made at one zoom are drawn scaled at another up to this factor
 * either way (route tiles, cards); further off, they are made again. */
#define MAX_SCALING 2.0
/* The zoom holds still once it has not changed for this long (ms): what was drawn scaled while it
 * moved is then made again, sharp (see zoom_settle_cb). */
#define ZOOM_SETTLE_MS 150

typedef struct _Node Node;

/* A route leaving a node that leads to a stage of the flow, and its curve in canvas coordinates
 * where its ends' stages stand (not where a move in progress drags them). */
typedef struct
{
  guint            output_index;
  const char      *output;
  Node            *target;
  double           points[8];
  graphene_rect_t  box;       /* the curve's control points' bounding box */
} NodeRoute;

struct _Node
{
  FlowsStage *stage;   /* owned by the flow; we hold a reference while it is shown */
  GtkWidget  *card;    /* NULL until the stage first comes into view */
  GPtrArray  *markers; /* FlowsRouteMarker of the routes leaving it, while it has a card */
  gboolean    allocated; /* the card was given a place by the last size_allocate */
  double      x;
  double      y;
  /* The card as last rasterised (see snapshot_card): the render node GTK gave for it, and its
   * pixels at @render_scale, whose top-left corner is at (@render_x, @render_y) surface pixels
   * from the card's. */
  GskRenderNode   *render_content;
  cairo_surface_t *render_surface;
  double           render_scale;
  int              render_x;
  int              render_y;
  /* The stage type's outputs, which never change. */
  const char * const *outputs;
  guint               n_outputs;
  /* The routes leaving it (see ensure_routes), found again only when routes, stages or
   * positions change: what a frame draws, hit-tests and places without a lookup in the stage's
   * settings. Bit i of @routed_outputs: outputs[i] has a route, to a stage of the flow or not. */
  GArray             *routes;   /* NodeRoute */
  guint               routed_outputs;
};

typedef enum {
  DRAG_NONE,
  DRAG_MOVE,
  DRAG_CONNECT,
  DRAG_RUBBER_BAND,
  DRAG_PAN,
} DragKind;

struct _FlowsCanvas
{
  GtkWidget      parent_instance;

  FlowsFlow     *flow;
  GSignalGroup  *stages_signals;
  FlowsHistory  *history;
  /* Node*, in the order of the flow's stage list, and by stage id. */
  GPtrArray     *nodes;
  GHashTable    *nodes_by_id;
  /* Each node's routes must be found again (see ensure_routes). */
  gboolean       routes_dirty;

  GtkAdjustment *hadjustment;
  GtkAdjustment *vadjustment;
  GSignalGroup  *hadjustment_signals;
  GSignalGroup  *vadjustment_signals;
  guint          hscroll_policy : 1;
  guint          vscroll_policy : 1;
  double         zoom;
  /* The stages' bounding box, recomputed when a stage moves, comes or goes. */
  graphene_rect_t bounds;
  gboolean       bounds_dirty;
  /* A fit asked for before the first allocation waits for it. */
  gboolean       fit_pending;
  /* Cards are made before layout, never during it (a new child invalidates the layout being
   * made): an allocation that finds a stage in view without its card asks for this tick. */
  guint          make_cards_tick;
  /* Cards of stages gone out of view, hidden, for the next stages that come into it. */
  GPtrArray     *spare_cards;
  GPtrArray     *spare_markers;
  GtkWidget     *stage_menu;   /* GtkPopoverMenu of a card's actions, or NULL */
  guint          n_cards;
  /* Set while allocating: what listeners do on a zoom change (a label's new text) must wait,
   * as a resize queued in the middle of a layout leaves that layout unfinished. */
  gboolean       in_allocate;
  guint          notify_zoom_source;
  /* The dot grid's mask (see draw_grid) and the step it was made for. */
  cairo_surface_t *grid_mask;
  double         grid_step;
  /* While the zoom moves (see stamp_grid_mask): the mask of each frame, and the dot it is made of. */
  cairo_surface_t *moving_grid_mask;
  cairo_surface_t *grid_dot;
  double         grid_dot_radius;
  /* Each kind of port drawn once (see paint_port): PortStamp, at @port_stamps_radius. */
  GArray        *port_stamps;
  double         port_stamps_radius;
  /* Tiles of drawn routes (see draw_route_tiles): tile_key () → RouteTile, at
   * @route_tiles_zoom, some stroked coarsely while the zoom moved (@route_tiles_coarse). */
  GHashTable    *route_tiles;
  double         route_tiles_zoom;
  gboolean       route_tiles_coarse;
  /* The zoom changed less than ZOOM_SETTLE_MS ago; @zoom_settle_source ends that. */
  gboolean       zoom_moving;
  guint          zoom_settle_source;
  /* Cards drawn from pixels of another zoom, made sharp again in the next frames. */
  guint          sharpen_tick;

  GHashTable    *selection;        /* stage id → Node*, borrowed */
  FlowsStage    *selected_route_stage;
  char          *selected_route_output;

  GHashTable    *problems;         /* stage id → text */
  GHashTable    *run_states;       /* stage id → GINT_TO_POINTER (FlowsStageRunState) */
  GHashTable    *run_durations;    /* stage id → gint64*, microseconds */
  GHashTable    *taken_routes;     /* "id\x1foutput" → NULL */

  /* The drag in progress. */
  DragKind       drag;
  double         drag_start_x;     /* canvas coordinates of the press */
  double         drag_start_y;
  double         drag_x;           /* canvas coordinates now */
  double         drag_y;
  double         drag_dx;          /* a move: the snapped offset of the selection */
  double         drag_dy;
  Node          *drag_node;        /* the card pressed, or the route's stage */
  gboolean       drag_started;     /* the pointer went past the drag threshold */
  char          *drag_output;      /* a connection: the output dragged from */
  double         pan_start_h;
  double         pan_start_v;
  gboolean       rubber_extend;
  gboolean       space_held;
  double         zoom_gesture_start;
};

static void flows_canvas_scrollable_init (GtkScrollableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FlowsCanvas, flows_canvas, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE, flows_canvas_scrollable_init))

enum {
  PROP_0,
  PROP_ZOOM,
  N_PROPS,
  /* GtkScrollable */
  PROP_HADJUSTMENT,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

static GParamSpec *properties[N_PROPS];

enum {
  SELECTION_CHANGED,
  STAGE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void     ensure_cards_in_view  (FlowsCanvas           *self);
static void     update_markers        (FlowsCanvas           *self);
static void     clear_route_selection (FlowsCanvas           *self);
static gboolean curve_in_view         (const double           points[8],
                                       const graphene_rect_t *view);

/* Helpers ---------------------------------------------------------------------------------- */

static double
snap (double value)
{
  return round (value / GRID) * GRID;
}

static double
get_h (FlowsCanvas *self)
{
  return self->hadjustment != NULL ? gtk_adjustment_get_value (self->hadjustment) : 0;
}

static double
get_v (FlowsCanvas *self)
{
  return self->vadjustment != NULL ? gtk_adjustment_get_value (self->vadjustment) : 0;
}

void
flows_canvas_widget_to_canvas (FlowsCanvas *self,
                               double       widget_x,
                               double       widget_y,
                               double      *x,
                               double      *y)
{
  *x = (widget_x + get_h (self)) / self->zoom;
  *y = (widget_y + get_v (self)) / self->zoom;
}

void
flows_canvas_canvas_to_widget (FlowsCanvas *self,
                               double       x,
                               double       y,
                               double      *widget_x,
                               double      *widget_y)
{
  *widget_x = x * self->zoom - get_h (self);
  *widget_y = y * self->zoom - get_v (self);
}

/* The view in canvas coordinates. */
static graphene_rect_t
get_view (FlowsCanvas *self)
{
  double x, y;

  flows_canvas_widget_to_canvas (self, 0, 0, &x, &y);
  return GRAPHENE_RECT_INIT (x, y,
                             gtk_widget_get_width (GTK_WIDGET (self)) / self->zoom,
                             gtk_widget_get_height (GTK_WIDGET (self)) / self->zoom);
}

static gboolean
node_is_moving (FlowsCanvas *self,
                Node        *node)
{
  return self->drag == DRAG_MOVE &&
         g_hash_table_contains (self->selection, flows_stage_get_id (node->stage));
}

/* Where a node is drawn: its position, plus the offset of a move in progress. */
static void
node_position (FlowsCanvas *self,
               Node        *node,
               double      *x,
               double      *y)
{
  gboolean moving = node_is_moving (self, node);

  *x = node->x + (moving ? self->drag_dx : 0);
  *y = node->y + (moving ? self->drag_dy : 0);
}

static graphene_rect_t
node_rect (FlowsCanvas *self,
           Node        *node)
{
  double x, y;

  node_position (self, node, &x, &y);
  return GRAPHENE_RECT_INIT (x, y, CARD_WIDTH, CARD_HEIGHT);
}

static const char * const *
node_outputs (Node *node)
{
  return node->outputs;
}

/* How far down the card the port of output @index is. */
static double
output_port_offset (Node  *node,
                    guint  index)
{
  return CARD_HEIGHT * (index + 1) / (node->n_outputs + 1);
}

static void
node_output_port (FlowsCanvas *self,
                  Node        *node,
                  guint        index,
                  double      *x,
                  double      *y)
{
  node_position (self, node, x, y);
  *x += CARD_WIDTH;
  *y += output_port_offset (node, index);
}

static void
node_input_port (FlowsCanvas *self,
                 Node        *node,
                 double      *x,
                 double      *y)
{
  node_position (self, node, x, y);
  *y += CARD_HEIGHT / 2;
}

static Node *
find_node (FlowsCanvas *self,
           FlowsStage  *stage)
{
  return stage != NULL ? g_hash_table_lookup (self->nodes_by_id, flows_stage_get_id (stage)) : NULL;
}

static gboolean
shows_cards (FlowsCanvas *self)
{
  return self->zoom >= FLOWS_CANVAS_DETAIL_ZOOM;
}

/* Route colours: success and pass green, fail red, the others neutral. */
static void
output_color (const char *output,
              GdkRGBA    *color)
{
  if (g_str_equal (output, "success") || g_str_equal (output, "pass"))
    gdk_rgba_parse (color, "#2ec27e");
  else if (g_str_equal (output, "fail"))
    gdk_rgba_parse (color, "#e01b24");
  else
    gdk_rgba_parse (color, "#9a9996");
}

static char *
route_key (const char *stage_id,
           const char *output)
{
  return g_strconcat (stage_id, "\x1f", output, NULL);
}

/* After any change to what the canvas draws but the view: the tiles of drawn routes may show
 * what was (draw_route_tiles). */
static void
queue_redraw (FlowsCanvas *self)
{
  g_hash_table_remove_all (self->route_tiles);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Bounds and adjustments --------------------------------------------------------------------- */

static void
update_bounds (FlowsCanvas *self)
{
  double min_x = 0, min_y = 0, max_x = CARD_WIDTH, max_y = CARD_HEIGHT;

  if (!self->bounds_dirty)
    return;
  self->bounds_dirty = FALSE;

  for (guint i = 0; i < self->nodes->len; i++)
    {
      Node *node = g_ptr_array_index (self->nodes, i);

      if (i == 0)
        {
          min_x = node->x;
          min_y = node->y;
          max_x = node->x + CARD_WIDTH;
          max_y = node->y + CARD_HEIGHT;
          continue;
        }
      min_x = MIN (min_x, node->x);
      min_y = MIN (min_y, node->y);
      max_x = MAX (max_x, node->x + CARD_WIDTH);
      max_y = MAX (max_y, node->y + CARD_HEIGHT);
    }

  self->bounds = GRAPHENE_RECT_INIT (min_x, min_y, max_x - min_x, max_y - min_y);
}

/* The flow's area changed (a stage came, went or moved, or another flow came): the next
 * allocation sets the adjustments anew, and the scrollbars change with them. A new size, then,
 * not only a new allocation: only when the GtkScrolledWindow itself is allocated does it place
 * its scrollbars after its child, in the same pass. From an allocation of the canvas alone,
 * in a frame where a sibling (the palette sliding in, the zoom button) lays out the overlay
 * too, the scrollbars' request leaves a stale mark on the scrolled window: the canvas's later
 * allocations stop there and never reach the window, and frames draw the canvas without
 * laying it out ("Trying to snapshot FlowsCanvas without a current allocation"). */
static void
queue_bounds_change (FlowsCanvas *self)
{
  self->bounds_dirty = TRUE;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
configure_adjustment (GtkAdjustment *adjustment,
                      double         value,
                      double         lower,
                      double         upper,
                      double         page)
{
  if (adjustment == NULL)
    return;
  upper = MAX (upper, lower + page);
  value = CLAMP (value, lower, upper - page);
  gtk_adjustment_configure (adjustment, value, lower, upper, page * 0.1, page * 0.9, page);
}

/* Sets the scrollable area for the current zoom and bounds, keeping the view at (h, v) as far as
 * the new area allows. */
static void
configure_adjustments (FlowsCanvas *self,
                       double       h,
                       double       v)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  double z = self->zoom;

  update_bounds (self);
  configure_adjustment (self->hadjustment, h,
                        self->bounds.origin.x * z - width,
                        (self->bounds.origin.x + self->bounds.size.width) * z + width,
                        width);
  configure_adjustment (self->vadjustment, v,
                        self->bounds.origin.y * z - height,
                        (self->bounds.origin.y + self->bounds.size.height) * z + height,
                        height);
}

static void
on_adjustment_value_changed (FlowsCanvas *self)
{
  ensure_cards_in_view (self);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static void
set_adjustment (FlowsCanvas    *self,
                GtkAdjustment **slot,
                GSignalGroup   *signals,
                GtkAdjustment  *adjustment)
{
  if (adjustment == *slot && adjustment != NULL)
    return;
  g_clear_object (slot);
  if (adjustment == NULL)
    adjustment = gtk_adjustment_new (0, 0, 0, 0, 0, 0);
  *slot = g_object_ref_sink (adjustment);
  g_signal_group_set_target (signals, adjustment);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

/* Cards ----------------------------------------------------------------------------------------- */

static void
apply_card_states (FlowsCanvas *self,
                   Node        *node)
{
  const char *id = flows_stage_get_id (node->stage);
  FlowsStageCard *card = FLOWS_STAGE_CARD (node->card);
  gint64 *duration = g_hash_table_lookup (self->run_durations, id);

  flows_stage_card_set_selected (card, g_hash_table_contains (self->selection, id));
  flows_stage_card_set_problems (card, g_hash_table_lookup (self->problems, id));
  flows_stage_card_set_run_state (card, GPOINTER_TO_INT (g_hash_table_lookup (self->run_states, id)),
                                  duration != NULL ? *duration : 0);
}

/* The part of the canvas whose cards are placed: the view, and a margin around it so that a
 * little panning shows no gap. */
static graphene_rect_t
get_allocation_view (FlowsCanvas *self)
{
  graphene_rect_t view = get_view (self);

  graphene_rect_inset (&view, -CARD_WIDTH / 2, -CARD_HEIGHT / 2);
  return view;
}

/* Route markers ------------------------------------------------------------------------------- */

/* What a screen reader says of the route of @node's @output: which route, from which stage to
 * which, and after a run whether the run took it. */
static char *
route_name (FlowsCanvas *self,
            Node        *node,
            const char  *output,
            Node        *target)
{
  const FlowsStageInfo *from_info = flows_stage_catalog_lookup (flows_stage_get_stage_type (node->stage));
  const FlowsStageInfo *to_info = flows_stage_catalog_lookup (flows_stage_get_stage_type (target->stage));
  const char *label = flows_stage_registry_route_label (output);
  g_autofree char *route_key_text = route_key (flows_stage_get_id (node->stage), output);
  /* Translators: a route of the flow editor as a screen reader says it: the route's name, the
   * type and name of the stage it leaves, the type and name of the stage it leads to. */
  g_autofree char *name = g_strdup_printf (_("Route “%s” from %s “%s” to %s “%s”"),
                                           label != NULL ? label : output,
                                           from_info->name, flows_stage_get_name (node->stage),
                                           to_info->name, flows_stage_get_name (target->stage));

  if (g_hash_table_size (self->taken_routes) == 0)
    return g_steal_pointer (&name);
  return g_strdup_printf ("%s, %s", name,
                          g_hash_table_contains (self->taken_routes, route_key_text)
                            /* Translators: a route after a run, which the run went along. */
                            ? _("taken")
                            /* Translators: a route after a run, which the run did not go along. */
                            : _("not taken"));
}

/* Markers from @first on go to the spares. */
static void
release_markers (FlowsCanvas *self,
                 Node        *node,
                 guint        first)
{
  if (node->markers == NULL)
    return;
  for (guint i = first; i < node->markers->len; i++)
    {
      GtkWidget *marker = g_ptr_array_index (node->markers, i);

      gtk_widget_set_child_visible (marker, FALSE);
      g_ptr_array_add (self->spare_markers, marker);
    }
  g_ptr_array_set_size (node->markers, first);
}

/* Gives @node, which has a card, a named marker per route leaving it; an edit of routes, names,
 * the selection or a run's outcome calls it again. */
static void
sync_markers (FlowsCanvas *self,
              Node        *node)
{
  const char * const *outputs = node_outputs (node);
  guint n = 0;

  if (node->card == NULL)
    {
      release_markers (self, node, 0);
      return;
    }
  if (node->markers == NULL)
    node->markers = g_ptr_array_new ();
  for (guint i = 0; outputs[i] != NULL; i++)
    {
      const char *target_id = flows_stage_get_route (node->stage, outputs[i]);
      Node *target = target_id != NULL ? g_hash_table_lookup (self->nodes_by_id, target_id) : NULL;
      g_autofree char *name = NULL;
      GtkWidget *marker;

      if (target == NULL)
        continue;
      if (n < node->markers->len)
        marker = g_ptr_array_index (node->markers, n);
      else
        {
          if (self->spare_markers->len > 0)
            marker = g_ptr_array_steal_index_fast (self->spare_markers, self->spare_markers->len - 1);
          else
            {
              marker = flows_route_marker_new ();
              gtk_widget_set_child_visible (marker, FALSE);
              gtk_widget_set_parent (marker, GTK_WIDGET (self));
            }
          g_ptr_array_add (node->markers, marker);
        }
      n++;
      name = route_name (self, node, outputs[i], target);
      flows_route_marker_set_output (FLOWS_ROUTE_MARKER (marker), outputs[i]);
      flows_route_marker_set_name (FLOWS_ROUTE_MARKER (marker), name);
      flows_route_marker_set_selected (FLOWS_ROUTE_MARKER (marker),
                                       self->selected_route_stage == node->stage &&
                                       g_strcmp0 (self->selected_route_output, outputs[i]) == 0);
    }
  release_markers (self, node, n);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

/* After a change that may rename or restate any route in view. Only stages with a card have
 * markers, so this costs what is in view, and it runs on edits and runs, never per frame. */
static void
update_markers (FlowsCanvas *self)
{
  for (guint i = 0; i < self->nodes->len; i++)
    {
      Node *node = g_ptr_array_index (self->nodes, i);

      if (node->card != NULL)
        sync_markers (self, node);
    }
}

/* Gives @node a card: one that another stage left when it went out of view, or a new one.
 * Never while allocating: a card taking its stage's text asks for a new layout. */
static void
ensure_card (FlowsCanvas *self,
             Node        *node)
{
  if (node->card != NULL)
    return;

  if (self->spare_cards->len > 0)
    {
      node->card = g_ptr_array_steal_index_fast (self->spare_cards, self->spare_cards->len - 1);
      flows_stage_card_set_stage (FLOWS_STAGE_CARD (node->card), node->stage);
    }
  else
    {
      node->card = flows_stage_card_new (node->stage);
      gtk_widget_set_child_visible (node->card, FALSE);
      gtk_widget_set_parent (node->card, GTK_WIDGET (self));
      self->n_cards++;
    }
  apply_card_states (self, node);
  sync_markers (self, node);
}

static void
clear_card_rendering (Node *node)
{
  g_clear_pointer (&node->render_content, gsk_render_node_unref);
  g_clear_pointer (&node->render_surface, cairo_surface_destroy);
}

/* The card of a stage out of view goes to the spares, hidden. */
static void
release_card (FlowsCanvas *self,
              Node        *node)
{
  clear_card_rendering (node);
  if (node->card == NULL)
    return;
  gtk_widget_set_child_visible (node->card, FALSE);
  g_ptr_array_add (self->spare_cards, g_steal_pointer (&node->card));
  node->allocated = FALSE;
  release_markers (self, node, 0);
}

/* Cards for every stage in (or just around) the view, before the layout that places them. */
static void
ensure_cards_in_view (FlowsCanvas *self)
{
  graphene_rect_t view;

  if (self->in_allocate || !shows_cards (self) || gtk_widget_get_width (GTK_WIDGET (self)) <= 0)
    return;

  view = get_allocation_view (self);
  for (guint i = 0; i < self->nodes->len; i++)
    {
      Node *node = g_ptr_array_index (self->nodes, i);
      graphene_rect_t rect;

      if (node->card != NULL)
        continue;
      rect = node_rect (self, node);
      if (graphene_rect_intersection (&rect, &view, NULL))
        ensure_card (self, node);
    }
}

/* Nodes follow the flow ----------------------------------------------------------------------- */

static void
on_stage_position_changed (FlowsCanvas *self,
                           GParamSpec  *pspec,
                           FlowsStage  *stage)
{
  Node *node = find_node (self, stage);

  if (node == NULL)
    return;
  node->x = flows_stage_get_x (stage);
  node->y = flows_stage_get_y (stage);
  self->routes_dirty = TRUE;
  queue_bounds_change (self);
  queue_redraw (self);
}

static void
on_stage_routes_changed (FlowsCanvas *self)
{
  self->routes_dirty = TRUE;
  update_markers (self);
  queue_redraw (self);
}

static Node *
node_new (FlowsCanvas *self,
          FlowsStage  *stage)
{
  Node *node = g_new0 (Node, 1);

  node->stage = g_object_ref (stage);
  node->outputs = flows_stage_catalog_lookup (flows_stage_get_stage_type (stage))->outputs;
  node->n_outputs = g_strv_length ((char **)node->outputs);
  node->routes = g_array_new (FALSE, FALSE, sizeof (NodeRoute));
  node->x = flows_stage_get_x (stage);
  node->y = flows_stage_get_y (stage);
  g_signal_connect_swapped (stage, "notify::x", G_CALLBACK (on_stage_position_changed), self);
  g_signal_connect_swapped (stage, "notify::y", G_CALLBACK (on_stage_position_changed), self);
  g_signal_connect_swapped (stage, "routes-changed", G_CALLBACK (on_stage_routes_changed), self);
  /* Route markers name the stages at both ends. */
  g_signal_connect_swapped (stage, "notify::name", G_CALLBACK (update_markers), self);
  g_hash_table_insert (self->nodes_by_id, g_strdup (flows_stage_get_id (stage)), node);

  return node;
}

/* Frees @node; TRUE when it was selected, for the caller to announce once the nodes are
 * consistent again. */
static gboolean
node_free (FlowsCanvas *self,
           Node        *node)
{
  const char *id = flows_stage_get_id (node->stage);
  gboolean was_selected;

  g_signal_handlers_disconnect_by_data (node->stage, self);
  was_selected = g_hash_table_remove (self->selection, id);
  if (self->selected_route_stage == node->stage)
    {
      clear_route_selection (self);
      was_selected = TRUE;
    }
  if (self->drag_node == node)
    {
      self->drag_node = NULL;
      self->drag = DRAG_NONE;
    }
  g_hash_table_remove (self->nodes_by_id, id);
  clear_card_rendering (node);
  if (node->card != NULL)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

      /* The focus goes from a card that goes to the canvas itself. Left to GTK, the window would
       * move it on in its next layout, through our focus(), which selects a stage and lays the
       * canvas out again in the middle of that frame: the frame then skips the canvas
       * ("snapshot without a current allocation") and a stage nobody chose is selected. */
      if (focus != NULL && (focus == node->card || gtk_widget_is_ancestor (focus, node->card)))
        gtk_widget_grab_focus (GTK_WIDGET (self));
      /* A card is never left showing a stage that is gone. */
      gtk_widget_unparent (g_steal_pointer (&node->card));
      self->n_cards--;
    }
  if (node->markers != NULL)
    {
      for (guint i = 0; i < node->markers->len; i++)
        gtk_widget_unparent (g_ptr_array_index (node->markers, i));
      g_ptr_array_unref (node->markers);
    }
  g_array_unref (node->routes);
  g_object_unref (node->stage);
  g_free (node);
  return was_selected;
}

static void
on_stages_changed (FlowsCanvas *self,
                   guint        position,
                   guint        removed,
                   guint        added,
                   GListModel  *stages)
{
  gboolean selection_lost = FALSE;

  /* Routes may lead to nodes freed here. */
  self->routes_dirty = TRUE;
  for (guint i = 0; i < removed; i++)
    selection_lost |= node_free (self, g_ptr_array_index (self->nodes, position + i));
  g_ptr_array_remove_range (self->nodes, position, removed);

  for (guint i = 0; i < added; i++)
    {
      g_autoptr(FlowsStage) stage = g_list_model_get_item (stages, position + i);

      g_ptr_array_insert (self->nodes, position + i, node_new (self, stage));
    }

  /* A route may have lost or found the stage it leads to. */
  update_markers (self);
  queue_bounds_change (self);
  queue_redraw (self);
  if (selection_lost)
    g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

/* Without a word: the caller says what changed. */
static void
clear_nodes (FlowsCanvas *self)
{
  self->routes_dirty = TRUE;
  for (guint i = 0; i < self->nodes->len; i++)
    node_free (self, g_ptr_array_index (self->nodes, i));
  g_ptr_array_set_size (self->nodes, 0);
}

/* Hit testing --------------------------------------------------------------------------------- */

/* The topmost node whose card holds the canvas point. */
static Node *
node_at (FlowsCanvas *self,
         double       x,
         double       y)
{
  for (guint i = self->nodes->len; i > 0; i--)
    {
      Node *node = g_ptr_array_index (self->nodes, i - 1);
      graphene_rect_t rect = node_rect (self, node);

      if (graphene_rect_contains_point (&rect, &GRAPHENE_POINT_INIT (x, y)))
        return node;
    }
  return NULL;
}

static Node *
output_port_at (FlowsCanvas  *self,
                double        x,
                double        y,
                const char  **output)
{
  double slop = HIT_SLOP / self->zoom;

  for (guint i = self->nodes->len; i > 0; i--)
    {
      Node *node = g_ptr_array_index (self->nodes, i - 1);
      const char * const *outputs = node_outputs (node);
      double nx, ny;

      node_position (self, node, &nx, &ny);
      if (fabs (x - (nx + CARD_WIDTH)) > slop || y < ny || y > ny + CARD_HEIGHT)
        continue;
      for (guint j = 0; outputs[j] != NULL; j++)
        {
          double px, py;

          node_output_port (self, node, j, &px, &py);
          if (hypot (x - px, y - py) <= slop)
            {
              *output = outputs[j];
              return node;
            }
        }
    }
  return NULL;
}

static void
route_curve (FlowsCanvas *self,
             double       x0,
             double       y0,
             double       x3,
             double       y3,
             double       points[8])
{
  /* Horizontal tangents at both ends, pulled no further than half the way across so that a
   * short route stays a gentle curve. A route going back left would cut across the cards
   * between its ends: it swings out below both its ends' cards instead. */
  gboolean backwards = x3 < x0 + 2 * GRID;
  double reach = backwards ? MAX (120.0, fabs (x3 - x0) * 0.35) : CLAMP ((x3 - x0) * 0.5, 2 * GRID, 200.0);
  double below = MAX (y0, y3) + CARD_HEIGHT * 1.5;

  points[0] = x0;
  points[1] = y0;
  points[2] = x0 + reach;
  points[3] = backwards ? below : y0;
  points[4] = x3 - reach;
  points[5] = backwards ? below : y3;
  points[6] = x3;
  points[7] = y3;
}

static void
curve_point (const double points[8],
             double       t,
             double      *x,
             double      *y)
{
  double u = 1 - t;

  *x = u * u * u * points[0] + 3 * u * u * t * points[2] + 3 * u * t * t * points[4] + t * t * t * points[6];
  *y = u * u * u * points[1] + 3 * u * u * t * points[3] + 3 * u * t * t * points[5] + t * t * t * points[7];
}

/* The bounding box of a curve's control points, which holds the curve, and a pixel more. */
static graphene_rect_t
curve_box (const double points[8])
{
  double min_x = MIN (MIN (points[0], points[2]), MIN (points[4], points[6]));
  double max_x = MAX (MAX (points[0], points[2]), MAX (points[4], points[6]));
  double min_y = MIN (MIN (points[1], points[3]), MIN (points[5], points[7]));
  double max_y = MAX (MAX (points[1], points[3]), MAX (points[5], points[7]));

  return GRAPHENE_RECT_INIT (min_x, min_y, max_x - min_x + 1, max_y - min_y + 1);
}

/* Finds every node's routes and their curves again after routes, stages or positions changed.
 * A frame then goes through the routes without looking them up in each stage's settings and
 * the target by id: those lookups, for every route of the flow in every frame, were a tenth of
 * a frame's cost (bench-canvas). */
static void
ensure_routes (FlowsCanvas *self)
{
  if (!self->routes_dirty)
    return;
  self->routes_dirty = FALSE;

  for (guint i = 0; i < self->nodes->len; i++)
    {
      Node *node = g_ptr_array_index (self->nodes, i);

      g_array_set_size (node->routes, 0);
      node->routed_outputs = 0;
      for (guint j = 0; j < node->n_outputs; j++)
        {
          const char *target_id = flows_stage_get_route (node->stage, node->outputs[j]);
          NodeRoute route = { .output_index = j, .output = node->outputs[j] };

          if (target_id == NULL)
            continue;
          node->routed_outputs |= 1u << j;
          route.target = g_hash_table_lookup (self->nodes_by_id, target_id);
          if (route.target == NULL)
            continue;
          route_curve (self, node->x + CARD_WIDTH, node->y + output_port_offset (node, j),
                       route.target->x, route.target->y + CARD_HEIGHT / 2, route.points);
          route.box = curve_box (route.points);
          g_array_append_val (node->routes, route);
        }
    }
}

/* The curve of @node's @route as drawn now: the one found with the route, or, while a move
 * drags either end, one that follows it into @scratch. */
static const double *
node_route_points (FlowsCanvas     *self,
                   Node            *node,
                   const NodeRoute *route,
                   double           scratch[8])
{
  double x0, y0, x3, y3;

  if (self->drag != DRAG_MOVE || (!node_is_moving (self, node) && !node_is_moving (self, route->target)))
    return route->points;
  node_output_port (self, node, route->output_index, &x0, &y0);
  node_input_port (self, route->target, &x3, &y3);
  route_curve (self, x0, y0, x3, y3, scratch);
  return scratch;
}

/* The route whose curve passes within reach of the canvas point; @near_end tells whether the
 * point is at its end (the last part, near the target), where a drag re-routes it. */
static Node *
route_at (FlowsCanvas  *self,
          double        x,
          double        y,
          const char  **output,
          gboolean     *near_end)
{
  double slop = HIT_SLOP / self->zoom;

  ensure_routes (self);
  for (guint i = self->nodes->len; i > 0; i--)
    {
      Node *node = g_ptr_array_index (self->nodes, i - 1);

      for (guint j = 0; j < node->routes->len; j++)
        {
          const NodeRoute *route = &g_array_index (node->routes, NodeRoute, j);
          double scratch[8];
          const double *points = node_route_points (self, node, route, scratch);

          if (!curve_in_view (points, &GRAPHENE_RECT_INIT (x - slop, y - slop, 2 * slop, 2 * slop)))
            continue;
          for (guint k = 0; k <= 40; k++)
            {
              double px, py;

              curve_point (points, k / 40.0, &px, &py);
              if (hypot (x - px, y - py) <= slop)
                {
                  *output = route->output;
                  *near_end = k >= 34;
                  return node;
                }
            }
        }
    }
  return NULL;
}

/* Selection ------------------------------------------------------------------------------------ */

static void
update_card_selection (FlowsCanvas *self)
{
  for (guint i = 0; i < self->nodes->len; i++)
    {
      Node *node = g_ptr_array_index (self->nodes, i);

      if (node->card != NULL)
        flows_stage_card_set_selected (FLOWS_STAGE_CARD (node->card),
                                       g_hash_table_contains (self->selection, flows_stage_get_id (node->stage)));
    }
}

static void
selection_changed (FlowsCanvas *self)
{
  update_card_selection (self);
  /* A route marker says whether its route is the one selected. */
  update_markers (self);
  queue_redraw (self);
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

static void
clear_route_selection (FlowsCanvas *self)
{
  self->selected_route_stage = NULL;
  g_clear_pointer (&self->selected_route_output, g_free);
  gtk_accessible_reset_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

GPtrArray *
flows_canvas_get_selection (FlowsCanvas *self)
{
  GPtrArray *stages = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (FLOWS_IS_CANVAS (self), stages);

  for (guint i = 0; i < self->nodes->len; i++)
    {
      Node *node = g_ptr_array_index (self->nodes, i);

      if (g_hash_table_contains (self->selection, flows_stage_get_id (node->stage)))
        g_ptr_array_add (stages, g_object_ref (node->stage));
    }
  return stages;
}

gboolean
flows_canvas_is_selected (FlowsCanvas *self,
                          FlowsStage  *stage)
{
  g_return_val_if_fail (FLOWS_IS_CANVAS (self), FALSE);

  return stage != NULL && g_hash_table_contains (self->selection, flows_stage_get_id (stage));
}

void
flows_canvas_select_stage (FlowsCanvas *self,
                           FlowsStage  *stage,
                           gboolean     extend)
{
  Node *node;

  g_return_if_fail (FLOWS_IS_CANVAS (self));

  if ((node = find_node (self, stage)) == NULL)
    return;

  clear_route_selection (self);
  if (!extend)
    g_hash_table_remove_all (self->selection);
  g_hash_table_insert (self->selection, g_strdup (flows_stage_get_id (stage)), node);
  flows_canvas_scroll_to_stage (self, stage);
  ensure_card (self, node);
  /* Shown now so that it can take the focus; placed by the allocation this queues. */
  gtk_widget_set_child_visible (node->card, TRUE);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
  gtk_widget_grab_focus (node->card);
  selection_changed (self);
}

void
flows_canvas_select_stages (FlowsCanvas *self,
                            GPtrArray   *stages)
{
  g_return_if_fail (FLOWS_IS_CANVAS (self));

  clear_route_selection (self);
  g_hash_table_remove_all (self->selection);
  for (guint i = 0; stages != NULL && i < stages->len; i++)
    {
      Node *node = find_node (self, g_ptr_array_index (stages, i));

      if (node != NULL)
        g_hash_table_insert (self->selection, g_strdup (flows_stage_get_id (node->stage)), node);
    }
  selection_changed (self);
}

void
flows_canvas_select_all (FlowsCanvas *self)
{
  g_return_if_fail (FLOWS_IS_CANVAS (self));

  clear_route_selection (self);
  for (guint i = 0; i < self->nodes->len; i++)
    {
      Node *node = g_ptr_array_index (self->nodes, i);

      g_hash_table_insert (self->selection, g_strdup (flows_stage_get_id (node->stage)), node);
    }
  selection_changed (self);
}

void
flows_canvas_clear_selection (FlowsCanvas *self)
{
  g_return_if_fail (FLOWS_IS_CANVAS (self));

  if (g_hash_table_size (self->selection) == 0 && self->selected_route_stage == NULL)
    return;
  clear_route_selection (self);
  g_hash_table_remove_all (self->selection);
  selection_changed (self);
}

gboolean
flows_canvas_get_selected_route (FlowsCanvas  *self,
                                 FlowsStage  **stage,
                                 const char  **output)
{
  g_return_val_if_fail (FLOWS_IS_CANVAS (self), FALSE);

  if (self->selected_route_stage == NULL)
    return FALSE;
  if (stage != NULL)
    *stage = self->selected_route_stage;
  if (output != NULL)
    *output = self->selected_route_output;
  return TRUE;
}

/* A route is drawn, not a widget: a screen reader hears which one is selected through the
 * canvas's description. */
static void
describe_route_selection (FlowsCanvas *self)
{
  FlowsStage *target;
  g_autofree char *description = NULL;

  if (self->selected_route_stage == NULL || self->flow == NULL)
    return;
  target = flows_flow_find_stage (self->flow, flows_stage_get_route (self->selected_route_stage,
                                                                     self->selected_route_output));
  /* Translators: a selected route of the flow editor: its name, its stage, the stage it leads to. */
  description = g_strdup_printf (_("Route “%s” from “%s” to “%s” selected"),
                                 flows_stage_registry_route_label (self->selected_route_output),
                                 flows_stage_get_name (self->selected_route_stage),
                                 target != NULL ? flows_stage_get_name (target) : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
}

void
flows_canvas_select_route (FlowsCanvas *self,
                           FlowsStage  *stage,
                           const char  *output)
{
  g_return_if_fail (FLOWS_IS_CANVAS (self));

  g_hash_table_remove_all (self->selection);
  clear_route_selection (self);
  if (find_node (self, stage) != NULL && output != NULL && flows_stage_get_route (stage, output) != NULL)
    {
      self->selected_route_stage = stage;
      self->selected_route_output = g_strdup (output);
    }
  describe_route_selection (self);
  selection_changed (self);
}

gboolean
flows_canvas_select_next_route (FlowsCanvas *self)
{
  g_autoptr(GPtrArray) selection = NULL;
  FlowsStage *stage = self->selected_route_stage;
  const char * const *outputs;
  guint n, start = 0;

  g_return_val_if_fail (FLOWS_IS_CANVAS (self), FALSE);

  if (stage == NULL)
    {
      selection = flows_canvas_get_selection (self);
      if (selection->len != 1)
        return FALSE;
      stage = g_ptr_array_index (selection, 0);
    }
  outputs = flows_stage_catalog_lookup (flows_stage_get_stage_type (stage))->outputs;
  n = g_strv_length ((char **) outputs);
  /* After the one selected, round to the first again. */
  for (guint i = 0; self->selected_route_output != NULL && i < n; i++)
    if (g_str_equal (outputs[i], self->selected_route_output))
      start = i + 1;
  for (guint i = 0; i < n; i++)
    {
      const char *output = outputs[(start + i) % n];

      if (flows_stage_get_route (stage, output) != NULL)
        {
          flows_canvas_select_route (self, stage, output);
          return TRUE;
        }
    }
  return FALSE;
}

void
flows_canvas_delete_selection (FlowsCanvas *self)
{
  g_autoptr(GPtrArray) stages = NULL;

  g_return_if_fail (FLOWS_IS_CANVAS (self));

  if (self->history == NULL)
    return;

  if (self->selected_route_stage != NULL)
    {
      g_autofree char *output = g_strdup (self->selected_route_output);
      FlowsStage *stage = self->selected_route_stage;

      clear_route_selection (self);
      flows_history_set_route (self->history, stage, output, NULL);
      selection_changed (self);
      return;
    }

  stages = flows_canvas_get_selection (self);
  if (stages->len > 0)
    flows_history_remove_stages (self->history, stages);
}

void
flows_canvas_nudge_selection (FlowsCanvas *self,
                              double       dx,
                              double       dy)
{
  g_autoptr(GPtrArray) stages = NULL;

  g_return_if_fail (FLOWS_IS_CANVAS (self));

  stages = flows_canvas_get_selection (self);
  if (self->history == NULL || stages->len == 0)
    return;
  flows_history_move_stages (self->history, stages, dx, dy);
  if (stages->len == 1)
    flows_canvas_scroll_to_stage (self, g_ptr_array_index (stages, 0));
}

/* Scrolling and zoom ------------------------------------------------------------------------- */

void
flows_canvas_pan (FlowsCanvas *self,
                  double       dx,
                  double       dy)
{
  g_return_if_fail (FLOWS_IS_CANVAS (self));

  self->fit_pending = FALSE;
  configure_adjustments (self, get_h (self) + dx, get_v (self) + dy);
}

double
flows_canvas_get_zoom (FlowsCanvas *self)
{
  g_return_val_if_fail (FLOWS_IS_CANVAS (self), 1.0);

  return self->zoom;
}

static gboolean
notify_zoom_cb (gpointer user_data)
{
  FlowsCanvas *self = user_data;

  self->notify_zoom_source = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  return G_SOURCE_REMOVE;
}

static void
notify_zoom (FlowsCanvas *self)
{
  if (!self->in_allocate)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  else if (self->notify_zoom_source == 0)
    self->notify_zoom_source = g_idle_add (notify_zoom_cb, self);
}

static gboolean
zoom_settle_cb (gpointer user_data)
{
  FlowsCanvas *self = user_data;

  self->zoom_settle_source = 0;
  self->zoom_moving = FALSE;
  /* What was drawn scaled while the zoom moved is drawn sharp again. */
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return G_SOURCE_REMOVE;
}

/* The zoom changed: until it holds still for ZOOM_SETTLE_MS, the frames draw what they can from
 * pixels made at another zoom, scaled (draw_route_tiles, draw_cards, draw_grid). */
static void
zoom_moved (FlowsCanvas *self)
{
  self->zoom_moving = TRUE;
  g_clear_handle_id (&self->zoom_settle_source, g_source_remove);
  self->zoom_settle_source = g_timeout_add (ZOOM_SETTLE_MS, zoom_settle_cb, self);
}

/* Zooms keeping the canvas point under the widget point (@wx, @wy) where it is. */
static void
zoom_at (FlowsCanvas *self,
         double       zoom,
         double       wx,
         double       wy)
{
  double x, y;

  /* A view chosen now wins over the fit a new flow was waiting for. */
  self->fit_pending = FALSE;
  zoom = CLAMP (zoom, FLOWS_CANVAS_MIN_ZOOM, FLOWS_CANVAS_MAX_ZOOM);
  if (fabs (zoom - self->zoom) < 1e-6)
    return;

  flows_canvas_widget_to_canvas (self, wx, wy, &x, &y);
  self->zoom = zoom;
  zoom_moved (self);
  configure_adjustments (self, x * zoom - wx, y * zoom - wy);
  ensure_cards_in_view (self);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
  /* Not queue_redraw: the route tiles of the zoom it moved from are drawn scaled while it moves. */
  gtk_widget_queue_draw (GTK_WIDGET (self));
  notify_zoom (self);
}

void
flows_canvas_set_zoom (FlowsCanvas *self,
                       double       zoom)
{
  g_return_if_fail (FLOWS_IS_CANVAS (self));

  zoom_at (self, zoom, gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
           gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
}

void
flows_canvas_zoom_in (FlowsCanvas *self)
{
  flows_canvas_set_zoom (self, self->zoom * ZOOM_STEP);
}

void
flows_canvas_zoom_out (FlowsCanvas *self)
{
  flows_canvas_set_zoom (self, self->zoom / ZOOM_STEP);
}

void
flows_canvas_fit (FlowsCanvas *self)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  /* Room around the cards for the ports and for routes that swing out. */
  double margin = 4 * GRID;
  double zoom;

  g_return_if_fail (FLOWS_IS_CANVAS (self));

  if (width <= 0 || height <= 0)
    {
      self->fit_pending = TRUE;
      return;
    }
  self->fit_pending = FALSE;

  self->bounds_dirty = TRUE;
  update_bounds (self);
  zoom = MIN (width / (self->bounds.size.width + 2 * margin),
              height / (self->bounds.size.height + 2 * margin));
  zoom = CLAMP (zoom, FLOWS_CANVAS_MIN_ZOOM, 1.0);
  if (fabs (zoom - self->zoom) > 1e-6)
    {
      self->zoom = zoom;
      zoom_moved (self);
      notify_zoom (self);
    }
  configure_adjustments (self,
                         (self->bounds.origin.x + self->bounds.size.width / 2) * zoom - width / 2,
                         (self->bounds.origin.y + self->bounds.size.height / 2) * zoom - height / 2);
  ensure_cards_in_view (self);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
  queue_redraw (self);
}

void
flows_canvas_get_view_center (FlowsCanvas *self,
                              double      *x,
                              double      *y)
{
  g_return_if_fail (FLOWS_IS_CANVAS (self));

  flows_canvas_widget_to_canvas (self, gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
                                 gtk_widget_get_height (GTK_WIDGET (self)) / 2.0, x, y);
  *x = snap (*x - CARD_WIDTH / 2);
  *y = snap (*y - CARD_HEIGHT / 2);
}

void
flows_canvas_scroll_to_stage (FlowsCanvas *self,
                              FlowsStage  *stage)
{
  Node *node;
  graphene_rect_t view;
  double h, v, pad = GRID;

  g_return_if_fail (FLOWS_IS_CANVAS (self));

  if ((node = find_node (self, stage)) == NULL)
    return;

  view = get_view (self);
  if (view.size.width <= 0 || view.size.height <= 0)
    return;

  h = view.origin.x;
  v = view.origin.y;
  if (node->x - pad < view.origin.x)
    h = node->x - pad;
  else if (node->x + CARD_WIDTH + pad > view.origin.x + view.size.width)
    h = node->x + CARD_WIDTH + pad - view.size.width;
  if (node->y - pad < view.origin.y)
    v = node->y - pad;
  else if (node->y + CARD_HEIGHT + pad > view.origin.y + view.size.height)
    v = node->y + CARD_HEIGHT + pad - view.size.height;

  self->bounds_dirty = TRUE;
  configure_adjustments (self, h * self->zoom, v * self->zoom);
}

/* Editing ------------------------------------------------------------------------------------- */

void
flows_canvas_connect (FlowsCanvas *self,
                      FlowsStage  *stage,
                      const char  *output,
                      FlowsStage  *target)
{
  g_return_if_fail (FLOWS_IS_CANVAS (self));

  if (self->history == NULL || stage == NULL || output == NULL)
    return;
  /* A stage routed to itself would run forever; the run's step limit would stop it, but it is
   * never what was meant. */
  if (target == stage)
    return;
  if (g_strcmp0 (flows_stage_get_route (stage, output), target != NULL ? flows_stage_get_id (target) : NULL) == 0)
    return;
  flows_history_set_route (self->history, stage, output,
                           target != NULL ? flows_stage_get_id (target) : NULL);
}

gboolean
flows_canvas_get_output_port (FlowsCanvas *self,
                              FlowsStage  *stage,
                              const char  *output,
                              double      *x,
                              double      *y)
{
  Node *node;
  const char * const *outputs;

  g_return_val_if_fail (FLOWS_IS_CANVAS (self), FALSE);

  if ((node = find_node (self, stage)) == NULL)
    return FALSE;
  outputs = node_outputs (node);
  for (guint i = 0; outputs[i] != NULL; i++)
    if (g_str_equal (outputs[i], output))
      {
        node_output_port (self, node, i, x, y);
        return TRUE;
      }
  return FALSE;
}

gboolean
flows_canvas_get_route_point (FlowsCanvas *self,
                              FlowsStage  *stage,
                              const char  *output,
                              double       t,
                              double      *x,
                              double      *y)
{
  Node *target;
  const char *target_id;
  double points[8], x0, y0, x3, y3;

  g_return_val_if_fail (FLOWS_IS_CANVAS (self), FALSE);

  target_id = stage != NULL && output != NULL ? flows_stage_get_route (stage, output) : NULL;
  target = target_id != NULL ? g_hash_table_lookup (self->nodes_by_id, target_id) : NULL;
  if (target == NULL || !flows_canvas_get_output_port (self, stage, output, &x0, &y0))
    return FALSE;
  node_input_port (self, target, &x3, &y3);
  route_curve (self, x0, y0, x3, y3, points);
  curve_point (points, CLAMP (t, 0, 1), x, y);
  return TRUE;
}

FlowsStageCard *
flows_canvas_get_card (FlowsCanvas *self,
                       FlowsStage  *stage)
{
  Node *node;

  g_return_val_if_fail (FLOWS_IS_CANVAS (self), NULL);

  if ((node = find_node (self, stage)) == NULL)
    return NULL;
  ensure_card (self, node);
  return FLOWS_STAGE_CARD (node->card);
}

/* Problems and runs ---------------------------------------------------------------------------- */

void
flows_canvas_set_problems (FlowsCanvas *self,
                           GHashTable  *problems)
{
  g_return_if_fail (FLOWS_IS_CANVAS (self));

  g_hash_table_remove_all (self->problems);
  if (problems != NULL)
    {
      GHashTableIter iter;
      gpointer id, text;

      g_hash_table_iter_init (&iter, problems);
      while (g_hash_table_iter_next (&iter, &id, &text))
        g_hash_table_insert (self->problems, g_strdup (id), g_strdup (text));
    }

  for (guint i = 0; i < self->nodes->len; i++)
    {
      Node *node = g_ptr_array_index (self->nodes, i);

      if (node->card != NULL)
        flows_stage_card_set_problems (FLOWS_STAGE_CARD (node->card),
                                       g_hash_table_lookup (self->problems, flows_stage_get_id (node->stage)));
    }
  queue_redraw (self);
}

static void
apply_run_state (FlowsCanvas *self,
                 const char  *stage_id)
{
  Node *node = g_hash_table_lookup (self->nodes_by_id, stage_id);

  if (node != NULL && node->card != NULL)
    apply_card_states (self, node);
  queue_redraw (self);
}

void
flows_canvas_clear_run (FlowsCanvas *self)
{
  g_return_if_fail (FLOWS_IS_CANVAS (self));

  g_hash_table_remove_all (self->run_states);
  g_hash_table_remove_all (self->run_durations);
  g_hash_table_remove_all (self->taken_routes);
  update_markers (self);
  for (guint i = 0; i < self->nodes->len; i++)
    {
      Node *node = g_ptr_array_index (self->nodes, i);

      if (node->card != NULL)
        flows_stage_card_set_run_state (FLOWS_STAGE_CARD (node->card), FLOWS_STAGE_RUN_STATE_NONE, 0);
    }
  queue_redraw (self);
}

void
flows_canvas_set_stage_run_state (FlowsCanvas        *self,
                                  const char         *stage_id,
                                  FlowsStageRunState  state,
                                  gint64              duration_us)
{
  g_return_if_fail (FLOWS_IS_CANVAS (self));
  g_return_if_fail (stage_id != NULL);

  g_hash_table_insert (self->run_states, g_strdup (stage_id), GINT_TO_POINTER (state));
  g_hash_table_insert (self->run_durations, g_strdup (stage_id), g_memdup2 (&duration_us, sizeof duration_us));
  apply_run_state (self, stage_id);
}

void
flows_canvas_set_route_taken (FlowsCanvas *self,
                              const char  *stage_id,
                              const char  *output)
{
  g_return_if_fail (FLOWS_IS_CANVAS (self));

  if (stage_id == NULL || output == NULL)
    return;
  g_hash_table_add (self->taken_routes, route_key (stage_id, output));
  update_markers (self);
  queue_redraw (self);
}

gboolean
flows_canvas_is_route_taken (FlowsCanvas *self,
                             const char  *stage_id,
                             const char  *output)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (FLOWS_IS_CANVAS (self), FALSE);

  key = route_key (stage_id, output);
  return g_hash_table_contains (self->taken_routes, key);
}

void
flows_canvas_finish_run (FlowsCanvas *self)
{
  g_return_if_fail (FLOWS_IS_CANVAS (self));

  for (guint i = 0; i < self->nodes->len; i++)
    {
      Node *node = g_ptr_array_index (self->nodes, i);
      const char *id = flows_stage_get_id (node->stage);
      FlowsStageRunState state = GPOINTER_TO_INT (g_hash_table_lookup (self->run_states, id));

      /* A stage still running when the run ended was cancelled with it. */
      if (state == FLOWS_STAGE_RUN_STATE_NONE || state == FLOWS_STAGE_RUN_STATE_RUNNING)
        flows_canvas_set_stage_run_state (self, id, FLOWS_STAGE_RUN_STATE_SKIPPED, 0);
    }
}

/* Drawing ------------------------------------------------------------------------------------- */

static void
get_foreground (FlowsCanvas *self,
                GdkRGBA     *color)
{
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), color);
}

/* The dot grid's mask: a dot on every grid point of the view and a step more, the first at half a
 * step from the corner. */
static void
make_grid_mask (FlowsCanvas *self,
                double       step,
                double       radius,
                double       width,
                double       height)
{
  int columns = (int)ceil (width / step) + 2, rows = (int)ceil (height / step) + 2;
  cairo_t *cr;

  g_clear_pointer (&self->grid_mask, cairo_surface_destroy);
  self->grid_step = step;
  self->grid_mask = cairo_image_surface_create (CAIRO_FORMAT_A8, (int)ceil (columns * step), (int)ceil (rows * step));
  cr = cairo_create (self->grid_mask);
  for (int row = 0; row < rows; row++)
    for (int column = 0; column < columns; column++)
      {
        cairo_new_sub_path (cr);
        cairo_arc (cr, (column + 0.5) * step, (row + 0.5) * step, radius, 0, 2 * G_PI);
      }
  cairo_fill (cr);
  cairo_destroy (cr);
}

/* While the zoom moves, a mask the size of the view made for each frame: each dot copied on whole
 * pixels from one small dot drawn once (@grid_dot), a few thousand byte copies rather than a
 * few thousand arcs filled. A dot up to half a pixel off its place is not seen in motion. */
static void
stamp_grid_mask (FlowsCanvas *self,
                 double       step,
                 double       radius,
                 double       first_x,
                 double       first_y,
                 int          width,
                 int          height)
{
  int dot_size = (int)ceil (2 * radius) + 2, stride, dot_stride;
  unsigned char *pixels, *dot_pixels;

  if (self->grid_dot == NULL || self->grid_dot_radius != radius)
    {
      cairo_t *cr;

      g_clear_pointer (&self->grid_dot, cairo_surface_destroy);
      self->grid_dot = cairo_image_surface_create (CAIRO_FORMAT_A8, dot_size, dot_size);
      self->grid_dot_radius = radius;
      cr = cairo_create (self->grid_dot);
      cairo_arc (cr, dot_size / 2.0, dot_size / 2.0, radius, 0, 2 * G_PI);
      cairo_fill (cr);
      cairo_destroy (cr);
      cairo_surface_flush (self->grid_dot);
    }
  if (self->moving_grid_mask == NULL ||
      cairo_image_surface_get_width (self->moving_grid_mask) != width ||
      cairo_image_surface_get_height (self->moving_grid_mask) != height)
    {
      g_clear_pointer (&self->moving_grid_mask, cairo_surface_destroy);
      self->moving_grid_mask = cairo_image_surface_create (CAIRO_FORMAT_A8, width, height);
    }

  cairo_surface_flush (self->moving_grid_mask);
  pixels = cairo_image_surface_get_data (self->moving_grid_mask);
  stride = cairo_image_surface_get_stride (self->moving_grid_mask);
  dot_pixels = cairo_image_surface_get_data (self->grid_dot);
  dot_stride = cairo_image_surface_get_stride (self->grid_dot);
  memset (pixels, 0, (size_t)stride * height);
  for (double center_y = first_y; center_y < height + dot_size; center_y += step)
    for (double center_x = first_x; center_x < width + dot_size; center_x += step)
      {
        int left = (int)round (center_x - dot_size / 2.0), top = (int)round (center_y - dot_size / 2.0);

        for (int y = MAX (top, 0); y < MIN (top + dot_size, height); y++)
          for (int x = MAX (left, 0); x < MIN (left + dot_size, width); x++)
            pixels[y * stride + x] = dot_pixels[(y - top) * dot_stride + (x - left)];
      }
  cairo_surface_mark_dirty (self->moving_grid_mask);
}

/* The dot grid: a mask of the dots painted in the grid's colour. Once the zoom holds still, a
 * mask made once and moved by less than a step: the same dot repeated by a repeat node is filled
 * pixel by pixel through a repeating pattern with the software renderer, a sixth of a frame's
 * cost (bench-canvas). While the zoom moves, a mask made for each frame (stamp_grid_mask): the
 * repeat node was then a tenth of a zoom frame's cost, and filling the arcs of a mask again in
 * each frame would cost more. */
static void
draw_grid (FlowsCanvas *self,
           cairo_t     *cr,
           double       width,
           double       height)
{
  GdkRGBA dot;
  double step = GRID * self->zoom;
  double radius = MAX (0.9, 1.3 * MIN (self->zoom, 1.0));
  double offset_x, offset_y;

  /* Dots closer than this are noise: draw every second, fourth… grid point instead. */
  while (step < 12)
    step *= 2;

  get_foreground (self, &dot);
  dot.alpha = 0.25;
  offset_x = -fmod (get_h (self), step);
  offset_y = -fmod (get_v (self), step);
  if (offset_x > 0)
    offset_x -= step;
  if (offset_y > 0)
    offset_y -= step;

  gdk_cairo_set_source_rgba (cr, &dot);
  if (self->zoom_moving)
    {
      /* (offset_x, offset_y) is a grid point, the dot's centre. */
      stamp_grid_mask (self, step, radius, offset_x, offset_y, (int)ceil (width), (int)ceil (height));
      cairo_mask_surface (cr, self->moving_grid_mask, 0, 0);
    }
  else
    {
      /* The dot sits on the grid point at the mask's top-left step; the mask is drawn from half a
       * step before it so that the whole dot is inside. */
      offset_x -= step / 2;
      offset_y -= step / 2;
      if (self->grid_mask == NULL || self->grid_step != step ||
          cairo_image_surface_get_width (self->grid_mask) < width + step ||
          cairo_image_surface_get_height (self->grid_mask) < height + step)
        make_grid_mask (self, step, radius, width, height);
      /* On whole pixels: a mask moved by a fraction of one would be resampled. */
      cairo_mask_surface (cr, self->grid_mask, round (offset_x), round (offset_y));
    }
}

/* Where a cairo context draws the canvas: the canvas point (x, y) is its pixel
 * (x * zoom - h, y * zoom - v). The widget's own pixels (widget_projection), or those of the
 * route tiles, which may be of another zoom (draw_route_tiles). */
typedef struct
{
  double h;
  double v;
  double zoom;
} Projection;

static Projection
widget_projection (FlowsCanvas *self)
{
  return (Projection) { get_h (self), get_v (self), self->zoom };
}

/* Draws a curve given in canvas coordinates into a cairo context set up in @projection's pixels. */
static void
trace_curve (const Projection *projection,
             cairo_t          *cr,
             const double      points[8])
{
  double h = projection->h, v = projection->v, z = projection->zoom;

  cairo_move_to (cr, points[0] * z - h, points[1] * z - v);
  cairo_curve_to (cr,
                  points[2] * z - h, points[3] * z - v,
                  points[4] * z - h, points[5] * z - v,
                  points[6] * z - h, points[7] * z - v);
}

static gboolean
curve_in_view (const double           points[8],
               const graphene_rect_t *view)
{
  graphene_rect_t box = curve_box (points);

  return graphene_rect_intersection (&box, view, NULL);
}

typedef struct
{
  const char      *output;
  double           points[8];
  graphene_rect_t  bounds;   /* pixels of the projection, within the area asked for */
  gboolean         selected;
  gboolean         taken;
} VisibleRoute;

/* The routes whose curves cross @area (pixels of @projection), each with the part of @area its
 * stroke may touch. */
static GArray *
collect_routes (FlowsCanvas           *self,
                const Projection      *projection,
                const graphene_rect_t *area)
{
  gboolean run_shown = g_hash_table_size (self->taken_routes) > 0;
  double h = projection->h, v = projection->v, z = projection->zoom;
  graphene_rect_t view = GRAPHENE_RECT_INIT ((area->origin.x + h) / z, (area->origin.y + v) / z,
                                             area->size.width / z, area->size.height / z);
  GArray *routes = g_array_new (FALSE, FALSE, sizeof (VisibleRoute));

  ensure_routes (self);
  for (guint i = 0; i < self->nodes->len; i++)
    {
      Node *node = g_ptr_array_index (self->nodes, i);
      const char *id = NULL;

      for (guint j = 0; j < node->routes->len; j++)
        {
          const NodeRoute *node_route = &g_array_index (node->routes, NodeRoute, j);
          VisibleRoute route = { .output = node_route->output };
          const double *points;
          double scratch[8], width, min_x, max_x, min_y, max_y;

          /* The route being re-routed follows the pointer instead. */
          if (self->drag == DRAG_CONNECT && self->drag_node == node &&
              g_strcmp0 (self->drag_output, node_route->output) == 0)
            continue;
          points = node_route_points (self, node, node_route, scratch);
          if (points == node_route->points
              ? !graphene_rect_intersection (&node_route->box, &view, NULL)
              : !curve_in_view (points, &view))
            continue;
          memcpy (route.points, points, sizeof route.points);

          if (id == NULL)
            id = flows_stage_get_id (node->stage);
          route.selected = self->selected_route_stage == node->stage &&
                           g_strcmp0 (self->selected_route_output, route.output) == 0;
          route.taken = run_shown && flows_canvas_is_route_taken (self, id, route.output);
          width = route.selected ? 8 * MIN (z, 1.0) + 2 : (route.taken ? 4.0 : 2.0) * MAX (z, 0.5);

          /* The curve stays within the box of its four points. */
          min_x = MIN (MIN (route.points[0], route.points[2]), MIN (route.points[4], route.points[6])) * z - h;
          max_x = MAX (MAX (route.points[0], route.points[2]), MAX (route.points[4], route.points[6])) * z - h;
          min_y = MIN (MIN (route.points[1], route.points[3]), MIN (route.points[5], route.points[7])) * z - v;
          max_y = MAX (MAX (route.points[1], route.points[3]), MAX (route.points[5], route.points[7])) * z - v;
          route.bounds = GRAPHENE_RECT_INIT (floor (min_x - width), floor (min_y - width),
                                             ceil (max_x - min_x + 2 * width + 1), ceil (max_y - min_y + 2 * width + 1));
          if (!graphene_rect_intersection (&route.bounds, area, &route.bounds))
            continue;
          g_array_append_val (routes, route);
        }
    }
  return routes;
}

/* Strokes @route on @cr, set up in @projection's pixels. */
static void
stroke_route (FlowsCanvas        *self,
              const Projection   *projection,
              cairo_t            *cr,
              const VisibleRoute *route)
{
  gboolean run_shown = g_hash_table_size (self->taken_routes) > 0;
  double z = projection->zoom;
  GdkRGBA color;

  output_color (route->output, &color);
  if (run_shown && !route->taken)
    color.alpha = 0.35;
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  trace_curve (projection, cr, route->points);
  if (route->selected)
    {
      cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.45);
      cairo_set_line_width (cr, 8 * MIN (z, 1.0) + 2);
      cairo_stroke_preserve (cr);
    }
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_set_line_width (cr, (route->taken ? 4.0 : 2.0) * MAX (z, 0.5));
  cairo_stroke (cr);
}

/* A tile of drawn routes: pixels for the part of it that routes cross, @width × @height from
 * (@x, @y) in the tile, or none. */
typedef struct
{
  cairo_surface_t *surface;
  int              x;
  int              y;
  int              width;
  int              height;
} RouteTile;

static void
route_tile_free (RouteTile *tile)
{
  g_clear_pointer (&tile->surface, cairo_surface_destroy);
  g_free (tile);
}

static gint64 *
tile_key (gint64 column,
          gint64 row)
{
  gint64 *key = g_new (gint64, 1);

  *key = (gint64)(((guint64)(guint32)column << 32) | (guint32)row);
  return key;
}

typedef struct
{
  gint64 column;
  gint64 row;
} TileIndex;

/* Makes the tiles @missing (TileIndex) of @projection, each stroking the routes that cross it on
 * a surface of its own, no larger than the tile: the surfaces of tiles come and go as the view
 * moves, and larger ones, every few frames, made the allocator return memory to the system and
 * fault it in again in each frame (page faults ×17 in bench-canvas). */
static void
make_route_tiles (FlowsCanvas      *self,
                  const Projection *projection,
                  GArray           *missing)
{
  double h = projection->h, v = projection->v;
  gint64 first_column = G_MAXINT64, first_row = G_MAXINT64, last_column = G_MININT64, last_row = G_MININT64;
  g_autoptr(GArray) routes = NULL;

  for (guint i = 0; i < missing->len; i++)
    {
      TileIndex *index = &g_array_index (missing, TileIndex, i);

      first_column = MIN (first_column, index->column);
      last_column = MAX (last_column, index->column);
      first_row = MIN (first_row, index->row);
      last_row = MAX (last_row, index->row);
    }
  /* The routes of every tile made, found once. */
  routes = collect_routes (self, projection,
                           &GRAPHENE_RECT_INIT (first_column * ROUTE_TILE - h, first_row * ROUTE_TILE - v,
                                                (last_column - first_column + 1) * ROUTE_TILE,
                                                (last_row - first_row + 1) * ROUTE_TILE));

  for (guint i = 0; i < missing->len; i++)
    {
      TileIndex *index = &g_array_index (missing, TileIndex, i);
      graphene_rect_t tile_area = GRAPHENE_RECT_INIT (index->column * ROUTE_TILE - h, index->row * ROUTE_TILE - v,
                                                      ROUTE_TILE, ROUTE_TILE);
      graphene_rect_t drawn = GRAPHENE_RECT_INIT (0, 0, 0, 0);
      RouteTile *tile = g_new0 (RouteTile, 1);
      gboolean any = FALSE;
      cairo_t *cr;

      /* Only the part of the tile that routes cross gets pixels: a sparse flow's tiles are mostly
       * empty, and each pixel kept is blended in every frame. */
      for (guint j = 0; j < routes->len; j++)
        {
          graphene_rect_t part;

          if (!graphene_rect_intersection (&g_array_index (routes, VisibleRoute, j).bounds, &tile_area, &part))
            continue;
          if (any)
            graphene_rect_union (&drawn, &part, &drawn);
          else
            drawn = part;
          any = TRUE;
        }
      g_hash_table_insert (self->route_tiles, tile_key (index->column, index->row), tile);
      if (!any)
        continue;

      tile->x = (int)floor (drawn.origin.x - tile_area.origin.x);
      tile->y = (int)floor (drawn.origin.y - tile_area.origin.y);
      tile->width = MIN ((int)ceil (drawn.size.width) + 1, ROUTE_TILE - tile->x);
      tile->height = MIN ((int)ceil (drawn.size.height) + 1, ROUTE_TILE - tile->y);
      tile->surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, tile->width, tile->height);
      cr = cairo_create (tile->surface);
      if (self->zoom_moving)
        {
          /* Coarser while the zoom moves (a third of the cost, unseen in motion); stroked finely
           * again once it holds (draw_route_tiles). */
          cairo_set_antialias (cr, CAIRO_ANTIALIAS_FAST);
          cairo_set_tolerance (cr, 1.0);
          self->route_tiles_coarse = TRUE;
        }
      /* The projection's pixels, as stroke_route draws in, made the tile surface's. */
      cairo_translate (cr, -tile_area.origin.x - tile->x, -tile_area.origin.y - tile->y);
      for (guint j = 0; j < routes->len; j++)
        {
          VisibleRoute *route = &g_array_index (routes, VisibleRoute, j);

          if (graphene_rect_intersection (&route->bounds, &tile_area, NULL))
            stroke_route (self, projection, cr, route);
        }
      cairo_destroy (cr);
    }
}

/* The routes are drawn in tiles of ROUTE_TILE pixels of the canvas at the tiles' zoom, kept until
 * the routes change (queue_redraw) or the zoom settles at another: a frame that only moves the
 * view paints the tiles again and strokes only those that come into view. Stroking every route in
 * view in every frame was a third of a frame's cost with the software renderer (bench-canvas).
 *
 * While the zoom moves, the tiles of the zoom it moved from are painted scaled, and only those
 * that come into view are stroked, at that zoom and coarsely: a zoom frame costs a few scaled
 * copies instead of stroking every route in view. Once the zoom holds still (zoom_settle_cb), or
 * when the tiles would be scaled more than MAX_SCALING, they are stroked again at the zoom of the
 * moment: as sharp as before the zoom moved. */
static void
draw_route_tiles (FlowsCanvas           *self,
                  cairo_t               *cr,
                  const graphene_rect_t *widget_bounds)
{
  double scale = self->zoom / self->route_tiles_zoom;
  Projection tiles;
  gint64 first_column, first_row, last_column, last_row;
  g_autoptr(GArray) missing = g_array_new (FALSE, FALSE, sizeof (TileIndex));
  GHashTableIter iter;
  gint64 *key;

  if (g_hash_table_size (self->route_tiles) == 0 ||
      (!self->zoom_moving && (scale != 1 || self->route_tiles_coarse)) ||
      scale > MAX_SCALING || scale < 1 / MAX_SCALING)
    {
      g_hash_table_remove_all (self->route_tiles);
      self->route_tiles_zoom = self->zoom;
      self->route_tiles_coarse = FALSE;
      scale = 1;
    }
  /* The view in the tiles' pixels. */
  tiles = (Projection) { get_h (self) / scale, get_v (self) / scale, self->route_tiles_zoom };
  first_column = (gint64)floor (tiles.h / ROUTE_TILE);
  first_row = (gint64)floor (tiles.v / ROUTE_TILE);
  last_column = (gint64)floor ((tiles.h + widget_bounds->size.width / scale) / ROUTE_TILE);
  last_row = (gint64)floor ((tiles.v + widget_bounds->size.height / scale) / ROUTE_TILE);

  /* Tiles out of view go: panning across a large flow keeps only what is in view. */
  g_hash_table_iter_init (&iter, self->route_tiles);
  while (g_hash_table_iter_next (&iter, (gpointer *)&key, NULL))
    {
      gint64 column = (gint32)((guint64)*key >> 32), row = (gint32)(guint32)*key;

      if (column < first_column || column > last_column || row < first_row || row > last_row)
        g_hash_table_iter_remove (&iter);
    }

  for (gint64 row = first_row; row <= last_row; row++)
    for (gint64 column = first_column; column <= last_column; column++)
      {
        g_autofree gint64 *tile_id = tile_key (column, row);

        if (!g_hash_table_contains (self->route_tiles, tile_id))
          g_array_append_val (missing, ((TileIndex) { column, row }));
      }
  if (missing->len > 0)
    make_route_tiles (self, &tiles, missing);

  cairo_save (cr);
  if (scale != 1)
    cairo_scale (cr, scale, scale);
  for (gint64 row = first_row; row <= last_row; row++)
    for (gint64 column = first_column; column <= last_column; column++)
      {
        g_autofree gint64 *tile_id = tile_key (column, row);
        RouteTile *tile = g_hash_table_lookup (self->route_tiles, tile_id);
        double x, y;

        if (tile->surface == NULL)
          continue;
        if (scale == 1)
          {
            /* On whole pixels, as the cards are (paint_card). */
            x = column * ROUTE_TILE - round (tiles.h) + tile->x;
            y = row * ROUTE_TILE - round (tiles.v) + tile->y;
            cairo_set_source_surface (cr, tile->surface, x, y);
          }
        else
          {
            x = column * ROUTE_TILE - tiles.h + tile->x;
            y = row * ROUTE_TILE - tiles.v + tile->y;
            cairo_set_source_surface (cr, tile->surface, x, y);
            cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_BILINEAR);
          }
        cairo_rectangle (cr, x, y, tile->width, tile->height);
        cairo_fill (cr);
      }
  cairo_restore (cr);
}

/* During a drag, what follows the pointer changes in every frame and tiles would be stroked again
 * in every frame: the routes in view are stroked directly then. */
static void
draw_routes (FlowsCanvas *self,
             cairo_t     *cr)
{
  graphene_rect_t widget_bounds = GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (GTK_WIDGET (self)),
                                                      gtk_widget_get_height (GTK_WIDGET (self)));
  Projection projection = widget_projection (self);
  g_autoptr(GArray) routes = NULL;

  if (self->drag == DRAG_NONE)
    {
      draw_route_tiles (self, cr, &widget_bounds);
      return;
    }
  g_hash_table_remove_all (self->route_tiles);

  routes = collect_routes (self, &projection, &widget_bounds);
  cairo_save (cr);
  /* Coarser while the pointer drags (a third of the cost, unseen in motion); the tiles stroke
   * them finely again once the drag ends. */
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_FAST);
  cairo_set_tolerance (cr, 1.0);
  for (guint i = 0; i < routes->len; i++)
    stroke_route (self, &projection, cr, &g_array_index (routes, VisibleRoute, i));
  cairo_restore (cr);
}

/* Zoomed out, a card is a rounded shape in the colour of what matters most about it. */
static void
snapshot_simple_cards (FlowsCanvas           *self,
                       GtkSnapshot           *snapshot,
                       const graphene_rect_t *view)
{
  double h = get_h (self), v = get_v (self), z = self->zoom;
  GdkRGBA fg, fill, border, accent, card_background;

  get_foreground (self, &fg);
  gdk_rgba_parse (&accent, "#3584e4");
  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (GTK_WIDGET (self)), "card_bg_color",
                                       &card_background))
    gdk_rgba_parse (&card_background, "white");
  for (guint i = 0; i < self->nodes->len; i++)
    {
      Node *node = g_ptr_array_index (self->nodes, i);
      graphene_rect_t rect = node_rect (self, node);
      const char *id = flows_stage_get_id (node->stage);
      FlowsStageRunState state = GPOINTER_TO_INT (g_hash_table_lookup (self->run_states, id));
      gboolean selected = g_hash_table_contains (self->selection, id);
      float border_width = selected ? 2 : 1;
      GskRoundedRect shape;

      if (!graphene_rect_intersection (&rect, view, NULL))
        continue;

      if (state == FLOWS_STAGE_RUN_STATE_SUCCEEDED)
        gdk_rgba_parse (&fill, "rgba(46,194,126,0.55)");
      else if (state == FLOWS_STAGE_RUN_STATE_FAILED || g_hash_table_contains (self->problems, id))
        gdk_rgba_parse (&fill, "rgba(224,27,36,0.55)");
      else if (state == FLOWS_STAGE_RUN_STATE_RUNNING)
        gdk_rgba_parse (&fill, "rgba(53,132,228,0.55)");
      else
        fill = (GdkRGBA) { fg.red, fg.green, fg.blue, state == FLOWS_STAGE_RUN_STATE_SKIPPED ? 0.04 : 0.10 };
      border = selected ? accent : (GdkRGBA) { fg.red, fg.green, fg.blue, 0.3 };

      gsk_rounded_rect_init_from_rect (&shape,
                                       &GRAPHENE_RECT_INIT (rect.origin.x * z - h, rect.origin.y * z - v,
                                                            CARD_WIDTH * z, CARD_HEIGHT * z),
                                       12 * z);
      /* Opaque, as the cards are: nothing behind shows through. */
      gtk_snapshot_push_rounded_clip (snapshot, &shape);
      gtk_snapshot_append_color (snapshot, &card_background, &shape.bounds);
      gtk_snapshot_append_color (snapshot, &fill, &shape.bounds);
      gtk_snapshot_pop (snapshot);
      gtk_snapshot_append_border (snapshot, &shape,
                                  (float[4]) { border_width, border_width, border_width, border_width },
                                  (GdkRGBA[4]) { border, border, border, border });
    }
}

/* A port: a disc, or a ring 1.5 pixels wide inside the same circle. */
static void
draw_port (cairo_t       *cr,
           double         x,
           double         y,
           double         radius,
           const GdkRGBA *color,
           gboolean       filled)
{
  gdk_cairo_set_source_rgba (cr, color);
  cairo_new_sub_path (cr);
  if (filled)
    {
      cairo_arc (cr, x, y, radius, 0, 2 * G_PI);
      cairo_fill (cr);
    }
  else
    {
      cairo_arc (cr, x, y, radius - 0.75, 0, 2 * G_PI);
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);
    }
}

/* A port as draw_port draws it, on pixels of its own. */
typedef struct
{
  GdkRGBA          color;
  gboolean         filled;
  cairo_surface_t *surface;
} PortStamp;

static void
port_stamp_clear (PortStamp *stamp)
{
  g_clear_pointer (&stamp->surface, cairo_surface_destroy);
}

/* Beyond this many kinds of port (colours come from the theme), the stamps are drawn anew. */
#define MAX_PORT_STAMPS 16

static cairo_surface_t *
port_stamp (FlowsCanvas   *self,
            double         radius,
            const GdkRGBA *color,
            gboolean       filled)
{
  /* The circle, and a pixel either side for its antialiased edge. */
  int size = (int)ceil (2 * radius) + 2;
  PortStamp stamp = { *color, filled, NULL };
  cairo_t *cr;

  if (self->port_stamps_radius != radius || self->port_stamps->len >= MAX_PORT_STAMPS)
    {
      g_array_set_size (self->port_stamps, 0);
      self->port_stamps_radius = radius;
    }
  for (guint i = 0; i < self->port_stamps->len; i++)
    {
      PortStamp *kept = &g_array_index (self->port_stamps, PortStamp, i);

      if (kept->filled == filled && gdk_rgba_equal (&kept->color, color))
        return kept->surface;
    }
  stamp.surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, size, size);
  cr = cairo_create (stamp.surface);
  draw_port (cr, size / 2.0, size / 2.0, radius, color, filled);
  cairo_destroy (cr);
  g_array_append_val (self->port_stamps, stamp);
  return stamp.surface;
}

/* A port centred at (@x, @y), within half a pixel: its stamp copied on whole pixels. Filling or
 * stroking each port's circle again in every frame was a fifth of a frame's cost with the
 * software renderer (bench-canvas), a copy of a few pixels is almost nothing. */
static void
paint_port (FlowsCanvas   *self,
            cairo_t       *cr,
            double         x,
            double         y,
            double         radius,
            const GdkRGBA *color,
            gboolean       filled)
{
  cairo_surface_t *stamp = port_stamp (self, radius, color, filled);
  int size = cairo_image_surface_get_width (stamp);
  double left = round (x - size / 2.0), top = round (y - size / 2.0);

  cairo_set_source_surface (cr, stamp, left, top);
  cairo_rectangle (cr, left, top, size, size);
  cairo_fill (cr);
}

static void
draw_ports (FlowsCanvas           *self,
            cairo_t               *cr,
            const graphene_rect_t *view)
{
  double h = get_h (self), v = get_v (self), z = self->zoom;
  double radius = PORT_RADIUS * MIN (z, 1.0) + 1;
  GdkRGBA input_color;

  get_foreground (self, &input_color);
  input_color.alpha = 0.55;
  ensure_routes (self);
  for (guint i = 0; i < self->nodes->len; i++)
    {
      Node *node = g_ptr_array_index (self->nodes, i);
      graphene_rect_t rect = node_rect (self, node);
      const char * const *outputs = node_outputs (node);
      double px, py;

      graphene_rect_inset (&rect, -PORT_RADIUS, -PORT_RADIUS);
      if (!graphene_rect_intersection (&rect, view, NULL))
        continue;

      if (flows_stage_get_stage_type (node->stage) != FLOWS_STAGE_TYPE_TRIGGER)
        {
          node_input_port (self, node, &px, &py);
          paint_port (self, cr, px * z - h, py * z - v, radius, &input_color, TRUE);
        }

      /* A port with a route is filled; an open one is a ring. */
      for (guint j = 0; outputs[j] != NULL; j++)
        {
          GdkRGBA color;

          output_color (outputs[j], &color);
          node_output_port (self, node, j, &px, &py);
          paint_port (self, cr, px * z - h, py * z - v, radius, &color,
                      (node->routed_outputs & (1u << j)) != 0);
        }
    }
}

static void
draw_drag (FlowsCanvas *self,
           cairo_t     *cr)
{
  double h = get_h (self), v = get_v (self), z = self->zoom;

  if (self->drag == DRAG_CONNECT && self->drag_node != NULL)
    {
      double points[8], x0, y0;
      GdkRGBA color;

      flows_canvas_get_output_port (self, self->drag_node->stage, self->drag_output, &x0, &y0);
      route_curve (self, x0, y0, self->drag_x, self->drag_y, points);
      output_color (self->drag_output, &color);
      trace_curve (&(Projection) { h, v, z }, cr, points);
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_set_line_width (cr, 2.5 * MAX (z, 0.5));
      cairo_set_dash (cr, (double[]) { 6, 4 }, 2, 0);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }
  else if (self->drag == DRAG_RUBBER_BAND)
    {
      double x = MIN (self->drag_start_x, self->drag_x) * z - h;
      double y = MIN (self->drag_start_y, self->drag_y) * z - v;
      double w = fabs (self->drag_x - self->drag_start_x) * z;
      double hh = fabs (self->drag_y - self->drag_start_y) * z;

      cairo_rectangle (cr, x + 0.5, y + 0.5, w, hh);
      cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.15);
      cairo_fill_preserve (cr);
      cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.8);
      cairo_set_line_width (cr, 1);
      cairo_stroke (cr);
    }
}

/* Card rendering cache ------------------------------------------------------------------------
 *
 * With the software renderer, a card's text, symbolic icons (recoloured pixel by pixel) and
 * rounded borders are rasterised again in every frame in which the view moves, which was most of
 * what a frame cost. So each card is rasterised once into pixels of its own, at the zoom of the
 * moment, and later frames paint those pixels where the card now is. GTK keeps a card's render
 * node for as long as nothing in the card changes (its text, its state: selection, hover, focus,
 * run states, problems), so a new node is what tells that the pixels are out of date.
 *
 * While the zoom moves, rasterising every card in every frame would cost what it cost before: a
 * card whose pixels are of another zoom is drawn scaled from them, and none is rasterised again
 * for the zoom until it holds still (zoom_settle_cb); then SHARPEN_PER_FRAME such cards, those
 * scaled the most, are rasterised again in a frame, and the others follow in the next frames.
 * Pixels more than MAX_SCALING off are always redone. */

#define SHARPEN_PER_FRAME 8

static gboolean
sharpen_cb (GtkWidget     *widget,
            GdkFrameClock *frame_clock,
            gpointer       user_data)
{
  FlowsCanvas *self = FLOWS_CANVAS (widget);

  self->sharpen_tick = 0;
  gtk_widget_queue_draw (widget);
  return G_SOURCE_REMOVE;
}

/* How far off the zoom @node's pixels are, as a factor ≥ 1. */
static double
card_scaling (FlowsCanvas *self,
              Node        *node)
{
  double ratio = self->zoom / node->render_scale;

  return ratio >= 1 ? ratio : 1 / ratio;
}

/* The render node GTK has for @node's card, without the transform that places it (the canvas
 * places the pixels itself), and the transformed node to drop along with it. */
static GskRenderNode *
card_content (FlowsCanvas    *self,
              Node           *node,
              GskRenderNode **placed)
{
  GtkSnapshot *card_snapshot = gtk_snapshot_new ();
  GskRenderNode *content;

  gtk_widget_snapshot_child (GTK_WIDGET (self), node->card, card_snapshot);
  *placed = gtk_snapshot_free_to_node (card_snapshot);
  content = *placed;
  while (content != NULL && gsk_render_node_get_node_type (content) == GSK_TRANSFORM_NODE)
    content = gsk_transform_node_get_child (content);
  return content;
}

static void
rasterise_card (FlowsCanvas   *self,
                Node          *node,
                GskRenderNode *content)
{
  graphene_rect_t bounds;
  double z = self->zoom;
  int x0, y0, x1, y1;
  cairo_t *cr;

  gsk_render_node_get_bounds (content, &bounds);
  x0 = (int)floor (bounds.origin.x * z);
  y0 = (int)floor (bounds.origin.y * z);
  x1 = (int)ceil ((bounds.origin.x + bounds.size.width) * z);
  y1 = (int)ceil ((bounds.origin.y + bounds.size.height) * z);

  /* Referenced first: @content may be the node's own. */
  gsk_render_node_ref (content);
  clear_card_rendering (node);
  node->render_content = content;
  node->render_scale = z;
  node->render_x = x0;
  node->render_y = y0;
  node->render_surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, MAX (x1 - x0, 1), MAX (y1 - y0, 1));
  cr = cairo_create (node->render_surface);
  cairo_translate (cr, -x0, -y0);
  cairo_scale (cr, z, z);
  gsk_render_node_draw (content, cr);
  cairo_destroy (cr);
}

/* Paints @node's pixels where its card is now. */
static void
paint_card (FlowsCanvas *self,
            cairo_t     *cr,
            Node        *node)
{
  double z = self->zoom, factor = z / node->render_scale;
  graphene_rect_t rect = node_rect (self, node);
  /* At the zoom they were made for, on whole pixels: as sharp as the card itself. */
  double x = round (rect.origin.x * z - get_h (self)) + node->render_x * factor;
  double y = round (rect.origin.y * z - get_v (self)) + node->render_y * factor;

  cairo_save (cr);
  cairo_translate (cr, x, y);
  if (factor != 1)
    {
      cairo_scale (cr, factor, factor);
      cairo_set_source_surface (cr, node->render_surface, 0, 0);
      cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_BILINEAR);
    }
  else
    cairo_set_source_surface (cr, node->render_surface, 0, 0);
  cairo_rectangle (cr, 0, 0, cairo_image_surface_get_width (node->render_surface),
                   cairo_image_surface_get_height (node->render_surface));
  cairo_fill (cr);
  cairo_restore (cr);
}

static int
compare_card_scaling (gconstpointer a,
                      gconstpointer b,
                      gpointer      user_data)
{
  double scaling_a = card_scaling (user_data, *(Node **)a);
  double scaling_b = card_scaling (user_data, *(Node **)b);

  return scaling_a > scaling_b ? -1 : scaling_a < scaling_b ? 1 : 0;
}

static void
draw_cards (FlowsCanvas *self,
            cairo_t     *cr)
{
  g_autoptr(GPtrArray) scaled = g_ptr_array_new ();
  g_autoptr(GPtrArray) shown = g_ptr_array_new ();

  for (guint i = 0; i < self->nodes->len; i++)
    {
      Node *node = g_ptr_array_index (self->nodes, i);
      g_autoptr(GskRenderNode) placed = NULL;
      GskRenderNode *content;

      if (node->card == NULL || !node->allocated || !gtk_widget_get_child_visible (node->card))
        continue;
      content = card_content (self, node, &placed);
      if (content == NULL)
        continue;
      if (content != node->render_content || card_scaling (self, node) > MAX_SCALING)
        rasterise_card (self, node, content);
      else if (node->render_scale != self->zoom && !self->zoom_moving)
        g_ptr_array_add (scaled, node);
      g_ptr_array_add (shown, node);
    }

  g_ptr_array_sort_with_data (scaled, compare_card_scaling, self);
  for (guint i = 0; i < scaled->len && i < SHARPEN_PER_FRAME; i++)
    {
      Node *node = g_ptr_array_index (scaled, i);

      rasterise_card (self, node, node->render_content);
    }
  if (scaled->len > SHARPEN_PER_FRAME && self->sharpen_tick == 0)
    self->sharpen_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), sharpen_cb, NULL, NULL);

  /* In the flow's order, as the cards overlap. */
  for (guint i = 0; i < shown->len; i++)
    paint_card (self, cr, g_ptr_array_index (shown, i));
}

static void
flows_canvas_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  FlowsCanvas *self = FLOWS_CANVAS (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, width, height);
  graphene_rect_t view = get_view (self);
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;

  gtk_snapshot_push_clip (snapshot, &bounds);
  /* One cairo node for the grid, the routes, the cards and their ports: with the software
   * renderer, each cairo node is rasterised on a surface of its own, cleared and then blended
   * into the frame pixel by pixel; a node per card, and one per layer the size of the view,
   * cost more than drawing them (bench-canvas). */
  cr = gtk_snapshot_append_cairo (snapshot, &bounds);
  draw_grid (self, cr, width, height);
  draw_routes (self, cr);
  if (shows_cards (self))
    {
      draw_cards (self, cr);
      draw_ports (self, cr, &view);
    }
  cairo_destroy (cr);

  if (!shows_cards (self))
    snapshot_simple_cards (self, snapshot, &view);

  if (self->drag == DRAG_CONNECT || self->drag == DRAG_RUBBER_BAND)
    {
      cr = gtk_snapshot_append_cairo (snapshot, &bounds);
      draw_drag (self, cr);
      cairo_destroy (cr);
    }

  gtk_snapshot_pop (snapshot);
}

/* Layout ------------------------------------------------------------------------------------- */

static void
flows_canvas_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  *minimum = 0;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 600 : 400;
}

/* In the frame's update phase, before its layout: the cards the last allocation missed. */
static gboolean
make_cards_cb (GtkWidget     *widget,
               GdkFrameClock *frame_clock,
               gpointer       user_data)
{
  FlowsCanvas *self = FLOWS_CANVAS (widget);

  self->make_cards_tick = 0;
  ensure_cards_in_view (self);
  gtk_widget_queue_allocate (widget);
  return G_SOURCE_REMOVE;
}

guint
flows_canvas_get_n_cards (FlowsCanvas *self)
{
  g_return_val_if_fail (FLOWS_IS_CANVAS (self), 0);

  return self->n_cards;
}

/* Each marker of @node at the middle of its route's curve. */
static void
allocate_markers (FlowsCanvas *self,
                  Node        *node)
{
  double h = get_h (self), v = get_v (self);

  ensure_routes (self);
  for (guint i = 0; node->markers != NULL && i < node->markers->len; i++)
    {
      GtkWidget *marker = g_ptr_array_index (node->markers, i);
      const char *output = flows_route_marker_get_output (FLOWS_ROUTE_MARKER (marker));
      const NodeRoute *route = NULL;
      const double *points;
      double scratch[8], x, y;

      for (guint j = 0; j < node->routes->len && route == NULL; j++)
        if (g_str_equal (g_array_index (node->routes, NodeRoute, j).output, output))
          route = &g_array_index (node->routes, NodeRoute, j);
      if (route == NULL)
        continue;
      points = node_route_points (self, node, route, scratch);
      curve_point (points, 0.5, &x, &y);
      gtk_widget_set_child_visible (marker, TRUE);
      gtk_widget_size_allocate (marker,
                                &(GtkAllocation) { (int)round (x * self->zoom - h) - FLOWS_ROUTE_MARKER_SIZE / 2,
                                                   (int)round (y * self->zoom - v) - FLOWS_ROUTE_MARKER_SIZE / 2,
                                                   FLOWS_ROUTE_MARKER_SIZE, FLOWS_ROUTE_MARKER_SIZE },
                                -1);
    }
}

static void
flows_canvas_size_allocate (GtkWidget *widget,
                            int        width,
                            int        height,
                            int        baseline)
{
  FlowsCanvas *self = FLOWS_CANVAS (widget);
  graphene_rect_t view;
  GtkWidget *focus;
  gboolean cards_missing;
  double h, v;

  self->in_allocate = TRUE;
  if (self->fit_pending)
    flows_canvas_fit (self);
  else
    configure_adjustments (self, get_h (self), get_v (self));
  self->in_allocate = FALSE;

  h = get_h (self);
  v = get_v (self);
  view = get_allocation_view (self);
  focus = gtk_root_get_focus (gtk_widget_get_root (widget));
  cards_missing = FALSE;

  for (guint i = 0; i < self->nodes->len; i++)
    {
      Node *node = g_ptr_array_index (self->nodes, i);
      graphene_rect_t rect = node_rect (self, node);
      gboolean focused = node->card != NULL && focus != NULL &&
                         (focus == node->card || gtk_widget_is_ancestor (focus, node->card));
      gboolean in_view = graphene_rect_intersection (&rect, &view, NULL);
      GskTransform *transform;
      int min;

      /* A focused card stays allocated out of view: hiding it would take the focus away. */
      node->allocated = FALSE;
      if (!focused && (!in_view || !shows_cards (self)))
        {
          release_card (self, node);
          continue;
        }

      if (node->card == NULL)
        {
          cards_missing = TRUE;
          continue;
        }
      gtk_widget_set_child_visible (node->card, TRUE);
      gtk_widget_measure (node->card, GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
      gtk_widget_measure (node->card, GTK_ORIENTATION_VERTICAL, (int)CARD_WIDTH, &min, NULL, NULL, NULL);
      transform = gsk_transform_translate (NULL, &GRAPHENE_POINT_INIT (rect.origin.x * self->zoom - h,
                                                                       rect.origin.y * self->zoom - v));
      transform = gsk_transform_scale (transform, self->zoom, self->zoom);
      gtk_widget_allocate (node->card, (int)CARD_WIDTH, (int)CARD_HEIGHT, -1, transform);
      node->allocated = TRUE;
      allocate_markers (self, node);
    }

  if (self->stage_menu != NULL)
    gtk_popover_present (GTK_POPOVER (self->stage_menu));

  if (cards_missing && self->make_cards_tick == 0)
    self->make_cards_tick = gtk_widget_add_tick_callback (widget, make_cards_cb, NULL, NULL);
}

/* Focus: Tab and Shift+Tab go through the stages in the flow's order ------------------------- */

static Node *
focused_node (FlowsCanvas *self,
              guint       *index)
{
  GtkWidget *focus = gtk_widget_get_focus_child (GTK_WIDGET (self));

  for (guint i = 0; focus != NULL && i < self->nodes->len; i++)
    {
      Node *node = g_ptr_array_index (self->nodes, i);

      if (node->card == focus)
        {
          if (index != NULL)
            *index = i;
          return node;
        }
    }
  return NULL;
}

static gboolean
flows_canvas_focus (GtkWidget        *widget,
                    GtkDirectionType  direction)
{
  FlowsCanvas *self = FLOWS_CANVAS (widget);
  guint index = 0;
  Node *current = focused_node (self, &index);
  int next;

  if (direction != GTK_DIR_TAB_FORWARD && direction != GTK_DIR_TAB_BACKWARD)
    return current != NULL || gtk_widget_grab_focus (widget);

  if (self->nodes->len == 0)
    {
      if (gtk_widget_is_focus (widget))
        return FALSE;
      return gtk_widget_grab_focus (widget);
    }

  if (current == NULL)
    next = direction == GTK_DIR_TAB_FORWARD ? 0 : (int)self->nodes->len - 1;
  else
    next = (int)index + (direction == GTK_DIR_TAB_FORWARD ? 1 : -1);

  if (next < 0 || next >= (int)self->nodes->len)
    return FALSE;

  flows_canvas_select_stage (self, ((Node *)g_ptr_array_index (self->nodes, next))->stage, FALSE);
  return TRUE;
}

/* Arrow keys follow routes: Right to where the first route of the stage leads, Left back to a
 * stage that leads here; Up and Down go to the nearest stage above or below. */
static Node *
neighbour (FlowsCanvas *self,
           Node        *from,
           guint        keyval)
{
  const char *from_id = flows_stage_get_id (from->stage);
  Node *best = NULL;
  double best_distance = G_MAXDOUBLE;

  if (keyval == GDK_KEY_Right)
    {
      const char * const *outputs = node_outputs (from);

      for (guint i = 0; outputs[i] != NULL; i++)
        {
          const char *target = flows_stage_get_route (from->stage, outputs[i]);

          if (target != NULL && (best = g_hash_table_lookup (self->nodes_by_id, target)) != NULL)
            return best;
        }
      return NULL;
    }

  for (guint i = 0; i < self->nodes->len; i++)
    {
      Node *node = g_ptr_array_index (self->nodes, i);
      double distance;

      if (node == from)
        continue;

      if (keyval == GDK_KEY_Left)
        {
          const char * const *outputs = node_outputs (node);
          gboolean leads_here = FALSE;

          for (guint j = 0; outputs[j] != NULL && !leads_here; j++)
            leads_here = g_strcmp0 (flows_stage_get_route (node->stage, outputs[j]), from_id) == 0;
          if (!leads_here)
            continue;
        }
      else if ((keyval == GDK_KEY_Up && node->y >= from->y) ||
               (keyval == GDK_KEY_Down && node->y <= from->y))
        continue;

      distance = hypot (node->x - from->x, (node->y - from->y) * 0.5);
      if (distance < best_distance)
        {
          best_distance = distance;
          best = node;
        }
    }
  return best;
}

/* The card menu at a widget point, for the stages selected. */
static void
popup_stage_menu (FlowsCanvas *self,
                  double       wx,
                  double       wy)
{
  if (self->stage_menu == NULL)
    return;
  gtk_popover_set_pointing_to (GTK_POPOVER (self->stage_menu),
                               &(GdkRectangle) { (int)wx, (int)wy, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->stage_menu));
}

/* A right click on a card selects it, unless it is one of the stages selected, whose menu it
 * opens then: the menu acts on the selection, as the keyboard shortcuts do. */
static void
on_secondary_pressed (FlowsCanvas     *self,
                      int              n_press,
                      double           wx,
                      double           wy,
                      GtkGestureClick *gesture)
{
  double x, y;
  Node *node;

  flows_canvas_widget_to_canvas (self, wx, wy, &x, &y);
  if ((node = node_at (self, x, y)) == NULL)
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  if (!flows_canvas_is_selected (self, node->stage))
    flows_canvas_select_stage (self, node->stage, FALSE);
  popup_stage_menu (self, wx, wy);
}

static gboolean
on_key_pressed (FlowsCanvas           *self,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                GtkEventControllerKey *controller)
{
  GdkModifierType modifiers = state & gtk_accelerator_get_default_mod_mask ();
  gboolean arrow = keyval == GDK_KEY_Left || keyval == GDK_KEY_Right ||
                   keyval == GDK_KEY_Up || keyval == GDK_KEY_Down;
  Node *current = focused_node (self, NULL);

  if (keyval == GDK_KEY_space && modifiers == 0 && self->drag == DRAG_NONE)
    {
      self->space_held = TRUE;
      gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grab");
      return TRUE;
    }

  /* With nothing to nudge, Alt+Left is left to the Flows page: back to the list. */
  if (arrow && modifiers == GDK_ALT_MASK && g_hash_table_size (self->selection) > 0)
    {
      double dx = keyval == GDK_KEY_Left ? -GRID : keyval == GDK_KEY_Right ? GRID : 0;
      double dy = keyval == GDK_KEY_Up ? -GRID : keyval == GDK_KEY_Down ? GRID : 0;

      flows_canvas_nudge_selection (self, dx, dy);
      return TRUE;
    }

  /* Here rather than as the editor's shortcut: the scrolled window around us takes Ctrl+arrows. */
  if (keyval == GDK_KEY_Right && modifiers == GDK_CONTROL_MASK)
    {
      if (!flows_canvas_select_next_route (self))
        gtk_widget_error_bell (GTK_WIDGET (self));
      return TRUE;
    }

  if (arrow && modifiers == 0)
    {
      Node *next;

      if (current == NULL)
        {
          if (self->nodes->len == 0)
            return FALSE;
          next = g_ptr_array_index (self->nodes, 0);
        }
      else if ((next = neighbour (self, current, keyval)) == NULL)
        return TRUE;
      flows_canvas_select_stage (self, next->stage, FALSE);
      return TRUE;
    }

  if ((keyval == GDK_KEY_Menu && modifiers == 0) || (keyval == GDK_KEY_F10 && modifiers == GDK_SHIFT_MASK))
    {
      if (current != NULL)
        {
          graphene_rect_t rect = node_rect (self, current);
          double wx, wy;

          flows_canvas_canvas_to_widget (self, rect.origin.x + CARD_WIDTH / 2, rect.origin.y + CARD_HEIGHT / 2, &wx, &wy);
          popup_stage_menu (self, wx, wy);
        }
      else
        gtk_widget_error_bell (GTK_WIDGET (self));
      return TRUE;
    }

  if ((keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter) && modifiers == 0 && current != NULL)
    {
      g_signal_emit (self, signals[STAGE_ACTIVATED], 0, current->stage);
      return TRUE;
    }

  if ((keyval == GDK_KEY_Delete || keyval == GDK_KEY_KP_Delete || keyval == GDK_KEY_BackSpace) && modifiers == 0)
    {
      flows_canvas_delete_selection (self);
      return TRUE;
    }

  if (keyval == GDK_KEY_Escape && self->drag != DRAG_NONE)
    {
      self->drag = DRAG_NONE;
      gtk_widget_queue_allocate (GTK_WIDGET (self));
      queue_redraw (self);
      return TRUE;
    }

  return FALSE;
}

static void
on_key_released (FlowsCanvas           *self,
                 guint                  keyval,
                 guint                  keycode,
                 GdkModifierType        state,
                 GtkEventControllerKey *controller)
{
  if (keyval == GDK_KEY_space)
    {
      self->space_held = FALSE;
      gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
    }
}

/* Pointer ------------------------------------------------------------------------------------ */

static void
on_drag_begin (FlowsCanvas    *self,
               double          wx,
               double          wy,
               GtkGestureDrag *gesture)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));
  const char *output = NULL;
  gboolean near_end = FALSE;
  double x, y;
  Node *node;

  flows_canvas_widget_to_canvas (self, wx, wy, &x, &y);
  self->drag_start_x = self->drag_x = x;
  self->drag_start_y = self->drag_y = y;
  self->drag_dx = self->drag_dy = 0;
  self->drag_node = NULL;
  self->drag_started = FALSE;
  g_clear_pointer (&self->drag_output, g_free);

  if (button == GDK_BUTTON_MIDDLE || (button == GDK_BUTTON_PRIMARY && self->space_held))
    {
      self->drag = DRAG_PAN;
      self->pan_start_h = get_h (self);
      self->pan_start_v = get_v (self);
      gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grabbing");
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
      return;
    }
  if (button != GDK_BUTTON_PRIMARY)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }

  gtk_widget_grab_focus (GTK_WIDGET (self));

  if (shows_cards (self) && (node = output_port_at (self, x, y, &output)) != NULL)
    {
      /* From a port: draw a new route, or take the existing one along to re-route it. */
      self->drag = DRAG_CONNECT;
      self->drag_node = node;
      self->drag_output = g_strdup (output);
    }
  else if ((node = node_at (self, x, y)) != NULL)
    {
      const char *id = flows_stage_get_id (node->stage);

      if (state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK))
        {
          clear_route_selection (self);
          if (!g_hash_table_remove (self->selection, id))
            g_hash_table_insert (self->selection, g_strdup (id), node);
          selection_changed (self);
          self->drag = DRAG_NONE;
        }
      else
        {
          if (!g_hash_table_contains (self->selection, id))
            flows_canvas_select_stage (self, node->stage, FALSE);
          else if (node->card != NULL)
            gtk_widget_grab_focus (node->card);
          self->drag = DRAG_MOVE;
          self->drag_node = node;
        }
    }
  else if ((node = route_at (self, x, y, &output, &near_end)) != NULL)
    {
      flows_canvas_select_route (self, node->stage, output);
      if (near_end)
        {
          self->drag = DRAG_CONNECT;
          self->drag_node = node;
          self->drag_output = g_strdup (output);
        }
      else
        self->drag = DRAG_NONE;
    }
  else
    {
      self->drag = DRAG_RUBBER_BAND;
      self->rubber_extend = (state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK)) != 0;
      if (!self->rubber_extend)
        flows_canvas_clear_selection (self);
    }

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
on_drag_update (FlowsCanvas    *self,
                double          offset_x,
                double          offset_y,
                GtkGestureDrag *gesture)
{
  double start_wx, start_wy;

  gtk_gesture_drag_get_start_point (gesture, &start_wx, &start_wy);

  if (self->drag == DRAG_PAN)
    {
      configure_adjustments (self, self->pan_start_h - offset_x, self->pan_start_v - offset_y);
      return;
    }

  flows_canvas_widget_to_canvas (self, start_wx + offset_x, start_wy + offset_y,
                                 &self->drag_x, &self->drag_y);

  /* A press that stays within the threshold is a click: it moves and connects nothing. */
  if (!self->drag_started &&
      gtk_drag_check_threshold (GTK_WIDGET (self), 0, 0, (int)round (offset_x), (int)round (offset_y)))
    self->drag_started = TRUE;

  if (self->drag == DRAG_MOVE && self->drag_node != NULL && self->drag_started)
    {
      GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
      /* From the pointer's offset on the widget, not from canvas coordinates: pressing a card
       * scrolls it into view, which must not count as a move. */
      double dx = offset_x / self->zoom;
      double dy = offset_y / self->zoom;

      /* The grabbed card lands on the grid and the others keep their place relative to it;
       * Alt places it freely. */
      if (!(state & GDK_ALT_MASK))
        {
          dx = snap (self->drag_node->x + dx) - self->drag_node->x;
          dy = snap (self->drag_node->y + dy) - self->drag_node->y;
        }
      self->drag_dx = dx;
      self->drag_dy = dy;
      gtk_widget_queue_allocate (GTK_WIDGET (self));
    }

  queue_redraw (self);
}

static void
finish_rubber_band (FlowsCanvas *self)
{
  graphene_rect_t band = GRAPHENE_RECT_INIT (MIN (self->drag_start_x, self->drag_x),
                                             MIN (self->drag_start_y, self->drag_y),
                                             fabs (self->drag_x - self->drag_start_x),
                                             fabs (self->drag_y - self->drag_start_y));

  if (band.size.width < 2 && band.size.height < 2)
    return;

  for (guint i = 0; i < self->nodes->len; i++)
    {
      Node *node = g_ptr_array_index (self->nodes, i);
      graphene_rect_t rect = node_rect (self, node);

      if (graphene_rect_intersection (&rect, &band, NULL))
        g_hash_table_insert (self->selection, g_strdup (flows_stage_get_id (node->stage)), node);
    }
  selection_changed (self);
}

static void
on_drag_end (FlowsCanvas    *self,
             double          offset_x,
             double          offset_y,
             GtkGestureDrag *gesture)
{
  DragKind drag;
  double dx, dy;
  Node *drag_node;
  g_autofree char *output = NULL;

  /* Where the button was released counts, whatever motion was seen before it. */
  on_drag_update (self, offset_x, offset_y, gesture);
  drag = self->drag;
  dx = self->drag_dx;
  dy = self->drag_dy;
  drag_node = self->drag_node;
  output = g_steal_pointer (&self->drag_output);
  if (!self->drag_started && (drag == DRAG_MOVE || drag == DRAG_CONNECT))
    drag = DRAG_NONE;

  self->drag = DRAG_NONE;
  self->drag_node = NULL;
  self->drag_dx = self->drag_dy = 0;

  switch (drag)
    {
    case DRAG_MOVE:
      if ((dx != 0 || dy != 0) && self->history != NULL)
        {
          g_autoptr(GPtrArray) stages = flows_canvas_get_selection (self);

          flows_history_move_stages (self->history, stages, dx, dy);
        }
      break;

    case DRAG_CONNECT:
      if (drag_node != NULL)
        {
          Node *target = node_at (self, self->drag_x, self->drag_y);

          /* Dropped on a stage: the route leads there. Dropped on nothing: a route that was
           * taken along is removed; a new one is not made. */
          if (target != NULL)
            flows_canvas_connect (self, drag_node->stage, output, target->stage);
          else if (hypot (offset_x, offset_y) > HIT_SLOP &&
                   flows_stage_get_route (drag_node->stage, output) != NULL)
            flows_canvas_connect (self, drag_node->stage, output, NULL);
        }
      break;

    case DRAG_RUBBER_BAND:
      finish_rubber_band (self);
      break;

    case DRAG_PAN:
      gtk_widget_set_cursor_from_name (GTK_WIDGET (self), self->space_held ? "grab" : NULL);
      break;

    case DRAG_NONE:
    default:
      break;
    }

  gtk_widget_queue_allocate (GTK_WIDGET (self));
  queue_redraw (self);
}

static void
on_click_pressed (FlowsCanvas     *self,
                  int              n_press,
                  double           wx,
                  double           wy,
                  GtkGestureClick *gesture)
{
  double x, y;
  Node *node;

  if (n_press != 2)
    return;
  flows_canvas_widget_to_canvas (self, wx, wy, &x, &y);
  if ((node = node_at (self, x, y)) != NULL)
    g_signal_emit (self, signals[STAGE_ACTIVATED], 0, node->stage);
}

static gboolean
on_scroll (FlowsCanvas              *self,
           double                    dx,
           double                    dy,
           GtkEventControllerScroll *controller)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  GdkEvent *event;
  double wx = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
  double wy = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;

  /* Without Ctrl the scrolled window around us pans. */
  if (!(state & GDK_CONTROL_MASK))
    return FALSE;

  event = gtk_event_controller_get_current_event (GTK_EVENT_CONTROLLER (controller));
  if (event != NULL)
    {
      double sx, sy;
      graphene_point_t point;
      GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));

      gdk_event_get_position (event, &sx, &sy);
      /* The event is in the surface's coordinates; ours differ by where we sit in it. */
      if (native != NULL)
        {
          double nx, ny;

          gtk_native_get_surface_transform (native, &nx, &ny);
          sx -= nx;
          sy -= ny;
          if (gtk_widget_compute_point (GTK_WIDGET (native), GTK_WIDGET (self),
                                        &GRAPHENE_POINT_INIT (sx, sy), &point))
            {
              wx = point.x;
              wy = point.y;
            }
        }
    }

  zoom_at (self, self->zoom * pow (ZOOM_STEP, -dy), wx, wy);
  return TRUE;
}

static void
on_zoom_begin (FlowsCanvas    *self,
               GdkEventSequence *sequence,
               GtkGestureZoom *gesture)
{
  self->zoom_gesture_start = self->zoom;
}

static void
on_zoom_scale_changed (FlowsCanvas    *self,
                       double          scale,
                       GtkGestureZoom *gesture)
{
  double wx, wy;

  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &wx, &wy))
    {
      wx = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
      wy = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
    }
  zoom_at (self, self->zoom_gesture_start * scale, wx, wy);
}

/* A stage type dropped from the palette is a new stage where it fell. */
static gboolean
on_drop (FlowsCanvas   *self,
         const GValue  *value,
         double         wx,
         double         wy,
         GtkDropTarget *target)
{
  const char *text = g_value_get_string (value);
  GEnumClass *enum_class;
  GEnumValue *enum_value;
  FlowsStage *stage;
  double x, y;

  if (self->history == NULL || text == NULL || !g_str_has_prefix (text, STAGE_TYPE_PREFIX))
    return FALSE;

  enum_class = g_type_class_ref (FLOWS_TYPE_STAGE_TYPE);
  enum_value = g_enum_get_value_by_nick (enum_class, text + strlen (STAGE_TYPE_PREFIX));
  g_type_class_unref (enum_class);
  if (enum_value == NULL)
    return FALSE;

  flows_canvas_widget_to_canvas (self, wx, wy, &x, &y);
  stage = flows_history_add_stage (self->history, enum_value->value,
                                   snap (x - CARD_WIDTH / 2), snap (y - CARD_HEIGHT / 2));
  flows_canvas_select_stage (self, stage, FALSE);
  return TRUE;
}

/* GObject ------------------------------------------------------------------------------------ */

static void
flows_canvas_dispose (GObject *object)
{
  FlowsCanvas *self = FLOWS_CANVAS (object);

  g_clear_handle_id (&self->notify_zoom_source, g_source_remove);
  if (self->make_cards_tick != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->make_cards_tick);
      self->make_cards_tick = 0;
    }
  if (self->sharpen_tick != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->sharpen_tick);
      self->sharpen_tick = 0;
    }
  g_clear_handle_id (&self->zoom_settle_source, g_source_remove);
  g_clear_object (&self->stages_signals);
  if (self->flow != NULL)
    clear_nodes (self);
  g_clear_object (&self->flow);
  g_clear_object (&self->history);
  for (guint i = 0; i < self->spare_cards->len; i++)
    gtk_widget_unparent (g_ptr_array_index (self->spare_cards, i));
  g_ptr_array_set_size (self->spare_cards, 0);
  for (guint i = 0; i < self->spare_markers->len; i++)
    gtk_widget_unparent (g_ptr_array_index (self->spare_markers, i));
  g_ptr_array_set_size (self->spare_markers, 0);
  g_clear_pointer (&self->stage_menu, gtk_widget_unparent);
  g_clear_object (&self->hadjustment_signals);
  g_clear_object (&self->vadjustment_signals);
  g_clear_object (&self->hadjustment);
  g_clear_object (&self->vadjustment);

  G_OBJECT_CLASS (flows_canvas_parent_class)->dispose (object);
}

static void
flows_canvas_finalize (GObject *object)
{
  FlowsCanvas *self = FLOWS_CANVAS (object);

  g_ptr_array_unref (self->nodes);
  g_ptr_array_unref (self->spare_cards);
  g_ptr_array_unref (self->spare_markers);
  g_hash_table_unref (self->nodes_by_id);
  g_hash_table_unref (self->selection);
  g_hash_table_unref (self->problems);
  g_hash_table_unref (self->run_states);
  g_hash_table_unref (self->run_durations);
  g_hash_table_unref (self->taken_routes);
  g_free (self->selected_route_output);
  g_free (self->drag_output);
  g_clear_pointer (&self->grid_mask, cairo_surface_destroy);
  g_clear_pointer (&self->moving_grid_mask, cairo_surface_destroy);
  g_clear_pointer (&self->grid_dot, cairo_surface_destroy);
  g_array_unref (self->port_stamps);
  g_hash_table_unref (self->route_tiles);

  G_OBJECT_CLASS (flows_canvas_parent_class)->finalize (object);
}

static void
flows_canvas_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  FlowsCanvas *self = FLOWS_CANVAS (object);

  switch (prop_id)
    {
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    case PROP_HADJUSTMENT:
      g_value_set_object (value, self->hadjustment);
      break;
    case PROP_VADJUSTMENT:
      g_value_set_object (value, self->vadjustment);
      break;
    case PROP_HSCROLL_POLICY:
      g_value_set_enum (value, self->hscroll_policy);
      break;
    case PROP_VSCROLL_POLICY:
      g_value_set_enum (value, self->vscroll_policy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_canvas_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  FlowsCanvas *self = FLOWS_CANVAS (object);

  switch (prop_id)
    {
    case PROP_ZOOM:
      flows_canvas_set_zoom (self, g_value_get_double (value));
      break;
    case PROP_HADJUSTMENT:
      set_adjustment (self, &self->hadjustment, self->hadjustment_signals, g_value_get_object (value));
      break;
    case PROP_VADJUSTMENT:
      set_adjustment (self, &self->vadjustment, self->vadjustment_signals, g_value_get_object (value));
      break;
    case PROP_HSCROLL_POLICY:
      self->hscroll_policy = g_value_get_enum (value);
      break;
    case PROP_VSCROLL_POLICY:
      self->vscroll_policy = g_value_get_enum (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static gboolean
flows_canvas_get_border (GtkScrollable *scrollable,
                         GtkBorder     *border)
{
  return FALSE;
}

static void
flows_canvas_scrollable_init (GtkScrollableInterface *iface)
{
  iface->get_border = flows_canvas_get_border;
}

static void
flows_canvas_class_init (FlowsCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = flows_canvas_dispose;
  object_class->finalize = flows_canvas_finalize;
  object_class->get_property = flows_canvas_get_property;
  object_class->set_property = flows_canvas_set_property;

  widget_class->snapshot = flows_canvas_snapshot;
  widget_class->measure = flows_canvas_measure;
  widget_class->size_allocate = flows_canvas_size_allocate;
  widget_class->focus = flows_canvas_focus;

  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL,
                         FLOWS_CANVAS_MIN_ZOOM, FLOWS_CANVAS_MAX_ZOOM, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  signals[SELECTION_CHANGED] =
    g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[STAGE_ACTIVATED] =
    g_signal_new ("stage-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, FLOWS_TYPE_STAGE);

  gtk_widget_class_set_css_name (widget_class, "flowcanvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
flows_canvas_init (FlowsCanvas *self)
{
  GtkGesture *drag, *click, *zoom;
  GtkEventController *key, *scroll;
  GtkDropTarget *drop;

  self->zoom = 1.0;
  self->nodes = g_ptr_array_new ();
  self->spare_cards = g_ptr_array_new ();
  self->port_stamps = g_array_new (FALSE, FALSE, sizeof (PortStamp));
  g_array_set_clear_func (self->port_stamps, (GDestroyNotify)port_stamp_clear);
  self->route_tiles = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify)route_tile_free);
  self->spare_markers = g_ptr_array_new ();
  self->nodes_by_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->selection = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->problems = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->run_states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->run_durations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->taken_routes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->bounds_dirty = TRUE;
  self->stages_signals = g_signal_group_new (G_TYPE_LIST_MODEL);
  g_signal_group_connect_swapped (self->stages_signals, "items-changed", G_CALLBACK (on_stages_changed), self);
  self->hadjustment_signals = g_signal_group_new (GTK_TYPE_ADJUSTMENT);
  g_signal_group_connect_swapped (self->hadjustment_signals, "value-changed", G_CALLBACK (on_adjustment_value_changed), self);
  self->vadjustment_signals = g_signal_group_new (GTK_TYPE_ADJUSTMENT);
  g_signal_group_connect_swapped (self->vadjustment_signals, "value-changed", G_CALLBACK (on_adjustment_value_changed), self);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Flow canvas"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Tab moves through the stages, arrow keys follow routes, Alt and an arrow key moves the selection"),
                                  -1);

  drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), 0);
  g_signal_connect_swapped (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect_swapped (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect_swapped (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  click = gtk_gesture_click_new ();
  g_signal_connect_swapped (click, "pressed", G_CALLBACK (on_click_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect_swapped (click, "pressed", G_CALLBACK (on_secondary_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  zoom = gtk_gesture_zoom_new ();
  g_signal_connect_swapped (zoom, "begin", G_CALLBACK (on_zoom_begin), self);
  g_signal_connect_swapped (zoom, "scale-changed", G_CALLBACK (on_zoom_scale_changed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (zoom));

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect_swapped (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  key = gtk_event_controller_key_new ();
  g_signal_connect_swapped (key, "key-pressed", G_CALLBACK (on_key_pressed), self);
  g_signal_connect_swapped (key, "key-released", G_CALLBACK (on_key_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);

  drop = gtk_drop_target_new (G_TYPE_STRING, GDK_ACTION_COPY);
  g_signal_connect_swapped (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}

void
flows_canvas_set_flow (FlowsCanvas  *self,
                       FlowsFlow    *flow,
                       FlowsHistory *history)
{
  g_return_if_fail (FLOWS_IS_CANVAS (self));

  g_signal_group_set_target (self->stages_signals, flow != NULL ? flows_flow_get_stages (flow) : NULL);
  if (self->flow != NULL)
    clear_nodes (self);
  g_set_object (&self->flow, flow);
  g_set_object (&self->history, history);
  clear_route_selection (self);
  g_hash_table_remove_all (self->selection);
  g_hash_table_remove_all (self->problems);
  flows_canvas_clear_run (self);

  if (flow != NULL)
    {
      GListModel *stages = flows_flow_get_stages (flow);

      on_stages_changed (self, 0, 0, g_list_model_get_n_items (stages), stages);
      self->fit_pending = TRUE;
    }

  queue_bounds_change (self);
  queue_redraw (self);
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

void
flows_canvas_set_stage_menu (FlowsCanvas *self,
                             GMenuModel  *menu)
{
  g_return_if_fail (FLOWS_IS_CANVAS (self));
  g_return_if_fail (menu == NULL || G_IS_MENU_MODEL (menu));

  g_clear_pointer (&self->stage_menu, gtk_widget_unparent);
  if (menu == NULL)
    return;
  self->stage_menu = gtk_popover_menu_new_from_model (menu);
  gtk_popover_set_has_arrow (GTK_POPOVER (self->stage_menu), FALSE);
  gtk_widget_set_halign (self->stage_menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->stage_menu, GTK_WIDGET (self));
}

GtkPopover *
flows_canvas_get_stage_menu (FlowsCanvas *self)
{
  g_return_val_if_fail (FLOWS_IS_CANVAS (self), NULL);

  return self->stage_menu != NULL ? GTK_POPOVER (self->stage_menu) : NULL;
}

FlowsFlow *
flows_canvas_get_flow (FlowsCanvas *self)
{
  g_return_val_if_fail (FLOWS_IS_CANVAS (self), NULL);

  return self->flow;
}
