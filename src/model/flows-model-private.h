/* flows-model-private.h — the revision of the model, for what is computed from it and kept
 *
 * One number for the state of every App, parameter, flow and stage: it grows whenever one of
 * them is created or changed, so a result computed from the model at one revision (such as a
 * flow found valid, see flows-validate.c) still holds while the revision is the same. Every
 * setter of flows-app.c, flows-flow.c, flows-stage.c and flows-param.c calls
 * _flows_model_changed() itself, before returning: not from a notify handler, which a freeze
 * would delay while the change can already be seen. Creating an object counts as a change, so
 * that an object that takes the place (and the address) of a freed one is never mistaken for it.
 * Stage settings are JSON objects, changed with flows_stage_set_settings(), never in place.
 *
 * One number for the whole model rather than one per App: a stage, flow or parameter needs no
 * link to what holds it (and may be held by more than one), and a change is seen wherever it is.
 * The price, checking again after a change elsewhere, is one validation.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gsize _flows_model_get_revision (void);
void  _flows_model_changed      (void);
/* Counts every change to the items of @store (added, removed, or in any way, even directly on
 * the store through the GListModel a getter returns) as a change to the model. */
void  _flows_model_watch_list   (GListStore *store);
/* The string setter of every model class: stores @value (NULL is kept as "") in *@field and,
 * when it changed, counts a change and notifies @pspec of @object. */
void  _flows_model_set_string   (GObject     *object,
                                 char       **field,
                                 const char  *value,
                                 GParamSpec  *pspec);

G_END_DECLS
