/* flows-param-rename.h — a new key for a connection parameter, everywhere the old one is used:
 * the `<Key>` references in the App's flows (rewritten through the expression parser, so that
 * `\<Key>` and a stage's output `<Key.path>` stay as they are) and the values of the App's
 * connections, in their files or, for a sensitive parameter, in the keyring.
 *
 * A rename is made for one parameter and one new key, counts what it would change, is applied
 * once and can then be undone once. Values are never lost on the way: a keyring item is
 * written under the new key before the old one is removed, and nothing in the model changes
 * until every item has moved (a failure removes the copies made and leaves all as it was).
 */
#pragma once

#include "flows-library.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_PARAM_RENAME (flows_param_rename_get_type ())
G_DECLARE_FINAL_TYPE (FlowsParamRename, flows_param_rename, FLOWS, PARAM_RENAME, GObject)

/* @param is one of @app's parameters; @new_key a valid key no other parameter has (the caller
 * checks: see flows_expression_is_identifier()). */
FlowsParamRename *flows_param_rename_new              (FlowsLibrary      *library,
                                                       FlowsApp          *app,
                                                       FlowsParam        *param,
                                                       const char        *new_key);
const char       *flows_param_rename_get_old_key      (FlowsParamRename  *self);
const char       *flows_param_rename_get_new_key      (FlowsParamRename  *self);
/* The references to the old key in the App's flows, and in how many flows they are. */
guint             flows_param_rename_get_n_references (FlowsParamRename  *self);
guint             flows_param_rename_get_n_flows      (FlowsParamRename  *self);

/* Renames the key, moves the connections' values and, when @update_references, rewrites the
 * references; saves the App and the connections. */
void              flows_param_rename_apply_async      (FlowsParamRename  *self,
                                                       gboolean           update_references,
                                                       GCancellable      *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer           user_data);
gboolean          flows_param_rename_apply_finish     (FlowsParamRename  *self,
                                                       GAsyncResult      *result,
                                                       GError           **error);
/* Puts everything back as it was before the rename was applied: the key, the values and the
 * references it rewrote (a stage edited since has its references to the new key rewritten
 * back instead). */
void              flows_param_rename_undo_async       (FlowsParamRename  *self,
                                                       GCancellable      *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer           user_data);
gboolean          flows_param_rename_undo_finish      (FlowsParamRename  *self,
                                                       GAsyncResult      *result,
                                                       GError           **error);

G_END_DECLS
