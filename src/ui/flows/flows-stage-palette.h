/* flows-stage-palette.h — the stage types that can be added to a flow, searchable
 *
 * A search entry above a list of every type of the catalogue (icon, name, one-line description).
 * Typing filters the list; Down moves from the entry into the list, Up from the first row back;
 * Enter in the entry activates the first match, Enter on a row activates that row. Activating
 * emits ::stage-type-activated. Each row can also be dragged: the drag carries a string
 * "flows-stage-type:<nick>" (the FlowsStageType nick of the file format), which a drop target
 * turns back into the type with flows_stage_palette_type_from_drop().
 */
#pragma once

#include <adwaita.h>

#include "flows-types.h"

G_BEGIN_DECLS

#define FLOWS_STAGE_PALETTE_DROP_PREFIX "flows-stage-type:"

#define FLOWS_TYPE_STAGE_PALETTE (flows_stage_palette_get_type ())
G_DECLARE_FINAL_TYPE (FlowsStagePalette, flows_stage_palette, FLOWS, STAGE_PALETTE, GtkWidget)

/* Signals:
 *   stage-type-activated (FlowsStagePalette *palette, FlowsStageType stage_type)
 *   dismissed (FlowsStagePalette *palette): Escape in the empty search
 */
GtkWidget  *flows_stage_palette_new            (void);
/* Clears the search and puts the focus in the search entry. */
void        flows_stage_palette_start_search   (FlowsStagePalette *self);
void        flows_stage_palette_set_search_text (FlowsStagePalette *self,
                                                 const char        *text);
/* How many types the current search shows. */
guint       flows_stage_palette_get_n_visible  (FlowsStagePalette *self);

/* The string a row's drag carries for @stage_type (newly allocated). */
char       *flows_stage_palette_drop_string    (FlowsStageType     stage_type);
/* TRUE, with @stage_type set, when @text is such a string. */
gboolean    flows_stage_palette_type_from_drop (const char        *text,
                                                FlowsStageType    *stage_type);

G_END_DECLS
