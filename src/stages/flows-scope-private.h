/* flows-scope-private.h — the pieces of scope that validation and layout share
 *
 * A flow's routes as a graph of stage indices, and the names every stage of a flow can
 * reference (parameters, built-ins, Trigger inputs), so that what the insert-reference menu
 * offers and what validation accepts come from one place.
 */
#pragma once

#include "flows-app.h"
#include "flows-scope.h"

G_BEGIN_DECLS

typedef struct {
  guint       target;   /* index of the stage the route leads to */
  const char *output;   /* the route's name, interned */
} FlowsRouteEdge;

/* The stages of a flow (in list order, referenced) and the routes among them. Routes to ids
 * that are no stage of the flow, and empty ones, are left out. Build one, use it, free it: it
 * does not follow changes. */
typedef struct {
  guint        n_stages;
  FlowsStage **stages;
  GHashTable  *index;   /* stage id -> index + 1 */
  GArray     **out;     /* per stage, FlowsRouteEdge in route order */
  GArray     **in;      /* per stage, FlowsRouteEdge whose target is the source's index */
  int          trigger; /* index of the first Trigger, or -1 */
} FlowsRouteGraph;

FlowsRouteGraph *_flows_route_graph_new       (FlowsFlow       *flow);
void             _flows_route_graph_free      (FlowsRouteGraph *graph);
/* -1 when no stage has @id. */
int              _flows_route_graph_find      (FlowsRouteGraph *graph,
                                               const char      *id);
/* A new array of n_stages booleans: TRUE for the stages a walk from @start along routes reaches
 * (@start included). With @skip_output, routes of that name are not followed. */
guint8          *_flows_route_graph_reach     (FlowsRouteGraph *graph,
                                               guint            start,
                                               const char      *skip_output);
/* A new array of n_stages distances: for each stage, the fewest routes from it to @stage, or -1
 * when @stage cannot be reached from it (@stage itself is 0). */
int             *_flows_route_graph_distances_to (FlowsRouteGraph *graph,
                                                  guint            stage);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlowsRouteGraph, _flows_route_graph_free)

/* Called for each name of these kinds in menu order: connection parameters (@object is the
 * FlowsParam), built-ins (@object NULL), then the inputs of @trigger as they are (@object is
 * the input's JsonObject, @name may be NULL or not an identifier, @index its place in the
 * list): validation reports on them, scope skips the bad ones. */
typedef void (*FlowsScopeNameFunc) (FlowsScopeKind  kind,
                                    const char     *name,
                                    gpointer        object,
                                    guint           index,
                                    gpointer        user_data);

void             _flows_scope_foreach_name    (FlowsApp           *app,
                                               FlowsStage         *trigger,
                                               FlowsScopeNameFunc  func,
                                               gpointer            user_data);

/* The outputs of one upstream stage, as its type adds them to a scope (flows-stage-kind.h). */
typedef struct _FlowsScopeOutputs FlowsScopeOutputs;

/* Adds <key.@field>, described by @format: a translated text with %s for @field, then %s for
 * the stage. A path already added, or one that cannot be referenced ("a b"), is left out. */
void             flows_scope_outputs_add_field (FlowsScopeOutputs *outputs,
                                                const char        *field,
                                                const char        *format);
/* Adds <key>, the stage's outputs as a whole. */
void             flows_scope_outputs_add_all   (FlowsScopeOutputs *outputs,
                                                const char        *description);
/* TRUE until a field was added. */
gboolean         flows_scope_outputs_is_empty  (FlowsScopeOutputs *outputs);

G_END_DECLS
