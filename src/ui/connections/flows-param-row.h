/* flows-param-row.h — the editor of one parameter of an App's connection, as an expander row. */
#pragma once

#include <adwaita.h>

#include "flows-app.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_PARAM_ROW (flows_param_row_get_type ())
G_DECLARE_FINAL_TYPE (FlowsParamRow, flows_param_row, FLOWS, PARAM_ROW, AdwExpanderRow)

/* @app is where the key must be unique. The row emits "changed" after each edit it made to
 * @param. A key is checked as it is typed (an invalid one is shown) and applied on Enter or
 * the apply button, through the page's action "settings.rename-param" ((us): the row's index,
 * the new key). Reordering, removing and the sensitive switch go through the page's actions
 * "settings.move-param-up", "settings.move-param-down", "settings.remove-param" (u: the row's
 * index) and "settings.set-param-sensitive" ((ub): index, sensitive). The row's one action,
 * "param.edit", expands it to the key: what a screen reader's default action does. */
GtkWidget  *flows_param_row_new       (FlowsApp      *app,
                                       FlowsParam    *param);
FlowsParam *flows_param_row_get_param (FlowsParamRow *self);
/* Checks a key waiting in the entry again, for when another parameter's key changed. */
void        flows_param_row_revalidate (FlowsParamRow *self);
/* Expands the row and puts the focus in the key, ready to be typed over. */
void        flows_param_row_edit_key  (FlowsParamRow *self);
/* Whether Move Up and Move Down (menu, Alt+Up, Alt+Down) can move the row. */
void        flows_param_row_set_movable (FlowsParamRow *self,
                                         gboolean       up,
                                         gboolean       down);
/* Puts the focus on the row's header, after the row moved or came back. */
void        flows_param_row_focus     (FlowsParamRow *self);
/* While the values of existing connections move between keyring and files, the sensitive
 * switch waits; when it stops waiting it shows the parameter's state again. */
void        flows_param_row_set_busy  (FlowsParamRow *self,
                                       gboolean       busy);

G_END_DECLS
