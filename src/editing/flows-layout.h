/* flows-layout.h — a layered, left-to-right placement of a flow's stages
 *
 * Stages are put in columns by their longest distance from the Trigger along routes (stages no
 * route reaches follow in a column of their own), ordered within a column to keep routes from
 * crossing (barycentre sweeps), and placed on the canvas grid. Used on demand (Auto Layout) and
 * for flows imported without positions.
 */
#pragma once

#include "flows-flow.h"

G_BEGIN_DECLS

/* The canvas's geometry in canvas units (pixels at 100 %): every card has this size, sits on
 * this grid. */
#define FLOWS_LAYOUT_GRID        20.0
#define FLOWS_LAYOUT_CARD_WIDTH  240.0
#define FLOWS_LAYOUT_CARD_HEIGHT 80.0

typedef struct {
  double x;
  double y;
} FlowsPoint;

/* Stage id → FlowsPoint (owned by the table) for every stage of @flow. */
GHashTable *flows_layout_compute             (FlowsFlow *flow);
/* TRUE when every stage sits at (0, 0): the flow came without positions. */
gboolean    flows_layout_needs_positions     (FlowsFlow *flow);

G_END_DECLS
