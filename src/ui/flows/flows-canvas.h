/* flows-canvas.h — a flow's stages as cards on a zoomable, pannable surface
 *
 * The canvas shows the stages of one flow as FlowsStageCard children placed at their canvas
 * position, the routes between them as curves, and a dot grid. It implements GtkScrollable: put
 * it in a GtkScrolledWindow, which gives it scrollbars and scroll-wheel panning.
 *
 * The canvas edits the flow only through the FlowsHistory it is given (moving cards, connecting
 * and re-routing, deleting a route), so every edit made on it can be undone. It keeps its own
 * selection (stages, or one route) and shows what the editor tells it: problems per stage, and
 * the state of each stage during and after a run.
 *
 * Only what is in view costs anything: cards are made when they first come into view and are
 * neither allocated nor drawn while out of it; routes out of view are not drawn. Below
 * FLOWS_CANVAS_DETAIL_ZOOM the cards are drawn as plain shapes, their text too small to read.
 */
#pragma once

#include <gtk/gtk.h>

#include "flows-history.h"
#include "flows-stage-card.h"

G_BEGIN_DECLS

#define FLOWS_CANVAS_MIN_ZOOM    0.25
#define FLOWS_CANVAS_MAX_ZOOM    2.0
#define FLOWS_CANVAS_DETAIL_ZOOM 0.5

#define FLOWS_TYPE_CANVAS (flows_canvas_get_type ())
G_DECLARE_FINAL_TYPE (FlowsCanvas, flows_canvas, FLOWS, CANVAS, GtkWidget)

/* Shows @flow, edited through @history (whose flow it must be). Both may be NULL. */
void          flows_canvas_set_flow           (FlowsCanvas        *self,
                                               FlowsFlow          *flow,
                                               FlowsHistory       *history);
FlowsFlow    *flows_canvas_get_flow           (FlowsCanvas        *self);
/* The menu of a card's actions (actions of the canvas's ancestors), opened by a right click on
 * a card, the Menu key or Shift+F10 on a focused card; NULL for none. */
void          flows_canvas_set_stage_menu     (FlowsCanvas        *self,
                                               GMenuModel         *menu);
GtkPopover   *flows_canvas_get_stage_menu     (FlowsCanvas        *self);

/* Zoom, clamped to [FLOWS_CANVAS_MIN_ZOOM, FLOWS_CANVAS_MAX_ZOOM]; property "zoom". */
double        flows_canvas_get_zoom           (FlowsCanvas        *self);
void          flows_canvas_set_zoom           (FlowsCanvas        *self,
                                               double              zoom);
void          flows_canvas_zoom_in            (FlowsCanvas        *self);
void          flows_canvas_zoom_out           (FlowsCanvas        *self);
/* Zooms and scrolls so that every stage is in view (at most 100 %). */
void          flows_canvas_fit                (FlowsCanvas        *self);
/* Scrolls by (@dx, @dy) widget pixels. */
void          flows_canvas_pan                (FlowsCanvas        *self,
                                               double              dx,
                                               double              dy);
/* The canvas point at the middle of the view, snapped to the grid: where a new stage goes. */
void          flows_canvas_get_view_center    (FlowsCanvas        *self,
                                               double             *x,
                                               double             *y);
/* Canvas coordinates of a point of the widget. */
void          flows_canvas_widget_to_canvas   (FlowsCanvas        *self,
                                               double              widget_x,
                                               double              widget_y,
                                               double             *x,
                                               double             *y);
void          flows_canvas_canvas_to_widget   (FlowsCanvas        *self,
                                               double              x,
                                               double              y,
                                               double             *widget_x,
                                               double             *widget_y);
/* Scrolls the least needed for @stage's card to be in view. */
void          flows_canvas_scroll_to_stage    (FlowsCanvas        *self,
                                               FlowsStage         *stage);

/* Selection. The array holds the selected stages in the flow's order (free with
 * g_ptr_array_unref). ::selection-changed fires on every change. */
GPtrArray    *flows_canvas_get_selection      (FlowsCanvas        *self);
gboolean      flows_canvas_is_selected        (FlowsCanvas        *self,
                                               FlowsStage         *stage);
/* Selects @stage alone (or adds it, with @extend), focuses its card and brings it into view. */
void          flows_canvas_select_stage       (FlowsCanvas        *self,
                                               FlowsStage         *stage,
                                               gboolean            extend);
void          flows_canvas_select_stages      (FlowsCanvas        *self,
                                               GPtrArray          *stages);
void          flows_canvas_select_all         (FlowsCanvas        *self);
/* Selects nothing: no stage and no route. */
void          flows_canvas_clear_selection    (FlowsCanvas        *self);
/* Selects the route of @stage's @output (nothing when it has none), in place of any stage. */
void          flows_canvas_select_route       (FlowsCanvas        *self,
                                               FlowsStage         *stage,
                                               const char         *output);
/* Selects the next route (in the type's order, round again to the first) that leads somewhere
 * from the stage of the selected route, or else from the one selected stage; FALSE when there is
 * none. The keyboard's way to a route (Ctrl+Right on the canvas), which Delete then removes. */
gboolean      flows_canvas_select_next_route  (FlowsCanvas        *self);
/* The selected route, if a route rather than stages is selected. */
gboolean      flows_canvas_get_selected_route (FlowsCanvas        *self,
                                               FlowsStage        **stage,
                                               const char        **output);
/* Deletes the selected route, or the selected stages; one undo step. */
void          flows_canvas_delete_selection   (FlowsCanvas        *self);
/* Moves the selected stages by (@dx, @dy), as one undo step. */
void          flows_canvas_nudge_selection    (FlowsCanvas        *self,
                                               double              dx,
                                               double              dy);

/* The card of @stage, made if it was not yet; NULL for a stage not in the flow. */
FlowsStageCard *flows_canvas_get_card         (FlowsCanvas        *self,
                                               FlowsStage         *stage);

/* How many cards have been made so far (cards are made when their stage first comes into
 * view). */
guint         flows_canvas_get_n_cards        (FlowsCanvas        *self);

/* Problems: stage id → messages (one per line), replacing what was shown. NULL clears. */
void          flows_canvas_set_problems       (FlowsCanvas        *self,
                                               GHashTable         *problems);

/* Run states. clear forgets them all; a finished run marks the stages it did not reach as
 * skipped. */
void          flows_canvas_clear_run          (FlowsCanvas        *self);
void          flows_canvas_set_stage_run_state (FlowsCanvas       *self,
                                               const char         *stage_id,
                                               FlowsStageRunState  state,
                                               gint64              duration_us);
/* Marks the route of @stage_id's @output as taken by the run. */
void          flows_canvas_set_route_taken    (FlowsCanvas        *self,
                                               const char         *stage_id,
                                               const char         *output);
gboolean      flows_canvas_is_route_taken     (FlowsCanvas        *self,
                                               const char         *stage_id,
                                               const char         *output);
void          flows_canvas_finish_run         (FlowsCanvas        *self);

/* Connects @stage's @output to @target through the history; what a drag from a port does. */
void          flows_canvas_connect            (FlowsCanvas        *self,
                                               FlowsStage         *stage,
                                               const char         *output,
                                               FlowsStage         *target);

/* Where an output port is, in canvas coordinates. */
gboolean      flows_canvas_get_output_port    (FlowsCanvas        *self,
                                               FlowsStage         *stage,
                                               const char         *output,
                                               double             *x,
                                               double             *y);
/* The point at @t (0 at the port, 1 at the target) along the route of @stage's @output. */
gboolean      flows_canvas_get_route_point    (FlowsCanvas        *self,
                                               FlowsStage         *stage,
                                               const char         *output,
                                               double              t,
                                               double             *x,
                                               double             *y);

G_END_DECLS
