/* flows-scope.c — what a stage's settings can reference, and the route graph behind it */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "flows-expression.h"
#include "flows-scope-private.h"
#include "flows-stage-registry.h"
#include "flows-validate.h"

/* Route graph ------------------------------------------------------------------------------ */

FlowsRouteGraph *
_flows_route_graph_new (FlowsFlow *flow)
{
  GListModel *model = flows_flow_get_stages (flow);
  FlowsRouteGraph *graph = g_new0 (FlowsRouteGraph, 1);

  graph->n_stages = g_list_model_get_n_items (model);
  graph->stages = g_new0 (FlowsStage *, MAX (graph->n_stages, 1));
  graph->index = g_hash_table_new (g_str_hash, g_str_equal);
  graph->out = g_new0 (GArray *, MAX (graph->n_stages, 1));
  graph->in = g_new0 (GArray *, MAX (graph->n_stages, 1));
  graph->trigger = -1;

  for (guint i = 0; i < graph->n_stages; i++)
    {
      graph->stages[i] = g_list_model_get_item (model, i);
      graph->out[i] = g_array_new (FALSE, FALSE, sizeof (FlowsRouteEdge));
      graph->in[i] = g_array_new (FALSE, FALSE, sizeof (FlowsRouteEdge));
      /* Ids are unique in a loaded flow; should two match, the first one is the one routes find. */
      if (!g_hash_table_contains (graph->index, flows_stage_get_id (graph->stages[i])))
        g_hash_table_insert (graph->index, (gpointer) flows_stage_get_id (graph->stages[i]),
                             GUINT_TO_POINTER (i + 1));
      if (graph->trigger < 0 && flows_stage_get_stage_type (graph->stages[i]) == FLOWS_STAGE_TYPE_TRIGGER)
        graph->trigger = i;
    }

  for (guint i = 0; i < graph->n_stages; i++)
    {
      g_auto(GStrv) outputs = flows_stage_list_routes (graph->stages[i]);

      for (guint o = 0; outputs[o] != NULL; o++)
        {
          const char *target = flows_stage_get_route (graph->stages[i], outputs[o]);
          int t = target != NULL ? _flows_route_graph_find (graph, target) : -1;
          /* Output names are few: interned, they outlive the routes and compare as pointers. */
          FlowsRouteEdge out = { t, g_intern_string (outputs[o]) };
          FlowsRouteEdge in = { i, out.output };

          if (t < 0)
            continue;
          g_array_append_val (graph->out[i], out);
          g_array_append_val (graph->in[t], in);
        }
    }

  return graph;
}

void
_flows_route_graph_free (FlowsRouteGraph *graph)
{
  if (graph == NULL)
    return;

  for (guint i = 0; i < graph->n_stages; i++)
    {
      g_object_unref (graph->stages[i]);
      g_array_unref (graph->out[i]);
      g_array_unref (graph->in[i]);
    }
  g_free (graph->stages);
  g_free (graph->out);
  g_free (graph->in);
  g_hash_table_unref (graph->index);
  g_free (graph);
}

int
_flows_route_graph_find (FlowsRouteGraph *graph,
                         const char      *id)
{
  return (int) GPOINTER_TO_UINT (g_hash_table_lookup (graph->index, id)) - 1;
}

guint8 *
_flows_route_graph_reach (FlowsRouteGraph *graph,
                          guint            start,
                          const char      *skip_output)
{
  guint8 *reached = g_new0 (guint8, MAX (graph->n_stages, 1));
  g_autoptr(GArray) queue = g_array_new (FALSE, FALSE, sizeof (guint));
  const char *skip = skip_output != NULL ? g_intern_string (skip_output) : NULL;

  g_return_val_if_fail (start < graph->n_stages, reached);

  reached[start] = TRUE;
  g_array_append_val (queue, start);
  for (guint q = 0; q < queue->len; q++)
    {
      GArray *edges = graph->out[g_array_index (queue, guint, q)];

      for (guint e = 0; e < edges->len; e++)
        {
          FlowsRouteEdge *edge = &g_array_index (edges, FlowsRouteEdge, e);

          if (reached[edge->target] || (skip != NULL && edge->output == skip))
            continue;
          reached[edge->target] = TRUE;
          g_array_append_val (queue, edge->target);
        }
    }
  return reached;
}

int *
_flows_route_graph_distances_to (FlowsRouteGraph *graph,
                                 guint            stage)
{
  int *distance = g_new (int, MAX (graph->n_stages, 1));
  g_autoptr(GArray) queue = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < graph->n_stages; i++)
    distance[i] = -1;
  g_return_val_if_fail (stage < graph->n_stages, distance);

  distance[stage] = 0;
  g_array_append_val (queue, stage);
  for (guint q = 0; q < queue->len; q++)
    {
      guint current = g_array_index (queue, guint, q);
      GArray *edges = graph->in[current];

      for (guint e = 0; e < edges->len; e++)
        {
          guint source = g_array_index (edges, FlowsRouteEdge, e).target;

          if (distance[source] >= 0)
            continue;
          distance[source] = distance[current] + 1;
          g_array_append_val (queue, source);
        }
    }
  return distance;
}

/* Names ------------------------------------------------------------------------------------ */

void
_flows_scope_foreach_name (FlowsApp           *app,
                           FlowsStage         *trigger,
                           FlowsScopeNameFunc  func,
                           gpointer            user_data)
{
  const char * const *builtins = flows_validate_builtin_names ();
  GListModel *params = flows_app_get_params (app);
  guint n_params = g_list_model_get_n_items (params);
  JsonNode *inputs;

  for (guint i = 0; i < n_params; i++)
    {
      g_autoptr(FlowsParam) param = g_list_model_get_item (params, i);

      if (flows_param_get_key (param) != NULL)
        func (FLOWS_SCOPE_PARAMETER, flows_param_get_key (param), param, i, user_data);
    }

  for (guint i = 0; builtins[i] != NULL; i++)
    func (FLOWS_SCOPE_BUILTIN, builtins[i], NULL, i, user_data);

  if (trigger == NULL)
    return;

  /* Settings come from files people edit by hand: any member may hold any type. */
  inputs = json_object_get_member (flows_stage_get_settings (trigger), "inputs");
  if (inputs == NULL || !JSON_NODE_HOLDS_ARRAY (inputs))
    return;

  for (guint i = 0; i < json_array_get_length (json_node_get_array (inputs)); i++)
    {
      JsonNode *input = json_array_get_element (json_node_get_array (inputs), i);
      JsonNode *name;

      if (!JSON_NODE_HOLDS_OBJECT (input))
        continue;
      name = json_object_get_member (json_node_get_object (input), "name");
      func (FLOWS_SCOPE_INPUT,
            name != NULL && JSON_NODE_HOLDS_VALUE (name) && json_node_get_value_type (name) == G_TYPE_STRING
              ? json_node_get_string (name) : NULL,
            json_node_get_object (input), i, user_data);
    }
}

/* Entries ---------------------------------------------------------------------------------- */

void
flows_scope_entry_free (FlowsScopeEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->name);
  g_free (entry->description);
  g_free (entry->stage_id);
  g_free (entry);
}

static void
add_entry (GPtrArray      *entries,
           FlowsScopeKind  kind,
           char           *name,
           char           *description,
           FlowsStage     *stage)
{
  FlowsScopeEntry *entry = g_new0 (FlowsScopeEntry, 1);

  entry->kind = kind;
  entry->name = name;
  entry->description = description;
  entry->stage_id = stage != NULL ? g_strdup (flows_stage_get_id (stage)) : NULL;
  g_ptr_array_add (entries, entry);
}

static const char *
builtin_description (const char *name)
{
  static const struct {
    const char *name;
    const char *description;
  } descriptions[] = {
    { "ConnectionID", N_("The id of the connection the flow runs with") },
    { "RedirectURL", N_("The App’s OAuth redirect URL") },
    { "State", N_("The OAuth state of this sign-in (Steps 1 and 2)") },
    { "CodeChallenge", N_("The PKCE code challenge of this sign-in (Step 1)") },
    { "CodeVerifier", N_("The PKCE code verifier of this sign-in (Step 2)") },
    { "AccessToken", N_("The connection’s OAuth access token") },
    { "RefreshToken", N_("The connection’s OAuth refresh token") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (descriptions); i++)
    if (g_str_equal (descriptions[i].name, name))
      return _(descriptions[i].description);
  return _("Built-in value");
}

typedef struct {
  GPtrArray  *entries;
  GHashTable *seen;
} NameCollection;

static void
collect_name (FlowsScopeKind  kind,
              const char     *name,
              gpointer        object,
              guint           index,
              gpointer        user_data)
{
  NameCollection *collection = user_data;
  char *description;

  /* An input may share a parameter's name (Step 3 receives ConnectionID): one entry. */
  if (name == NULL || !flows_expression_is_identifier (name) || !g_hash_table_add (collection->seen, (gpointer) name))
    return;

  switch (kind)
    {
    case FLOWS_SCOPE_PARAMETER:
      description = g_strdup (*flows_param_get_label (object) != '\0' ? flows_param_get_label (object) : name);
      break;
    case FLOWS_SCOPE_BUILTIN:
      description = g_strdup (builtin_description (name));
      break;
    case FLOWS_SCOPE_INPUT:
    case FLOWS_SCOPE_STAGE_OUTPUT:
    default:
      description = g_strdup (_("Input of the Trigger"));
      break;
    }
  add_entry (collection->entries, kind, g_strdup (name), description, NULL);
}

/* TRUE when "<@path>" is a reference to exactly @path: a field called "a b" cannot be named. */
static gboolean
reference_is (const char *path)
{
  g_autofree char *text = g_strdup_printf ("<%s>", path);
  g_autoptr(FlowsExpression) expression = flows_expression_parse (text, NULL);

  return expression != NULL && flows_expression_get_n_references (expression) == 1 &&
         g_str_equal (flows_expression_get_reference (expression, 0), path);
}

struct _FlowsScopeOutputs {
  GPtrArray  *entries;
  FlowsStage *stage;
  GHashTable *seen;     /* paths already listed for this stage */
};

void
flows_scope_outputs_add_field (FlowsScopeOutputs *outputs,
                               const char        *field,
                               const char        *format)
{
  const char *stage_name;
  char *path;

  g_return_if_fail (outputs != NULL);
  g_return_if_fail (field != NULL && format != NULL);

  stage_name = flows_stage_get_name (outputs->stage);
  path = g_strdup_printf ("%s.%s", flows_stage_get_key (outputs->stage), field);
  if (!reference_is (path) || g_hash_table_contains (outputs->seen, path))
    {
      g_free (path);
      return;
    }
  g_hash_table_add (outputs->seen, path);
  add_entry (outputs->entries, FLOWS_SCOPE_STAGE_OUTPUT, g_strdup (path),
             g_strdup_printf (format, field, *stage_name != '\0' ? stage_name : flows_stage_get_key (outputs->stage)),
             outputs->stage);
}

void
flows_scope_outputs_add_all (FlowsScopeOutputs *outputs,
                             const char        *description)
{
  g_return_if_fail (outputs != NULL);

  add_entry (outputs->entries, FLOWS_SCOPE_STAGE_OUTPUT, g_strdup (flows_stage_get_key (outputs->stage)),
             g_strdup (description), outputs->stage);
}

gboolean
flows_scope_outputs_is_empty (FlowsScopeOutputs *outputs)
{
  g_return_val_if_fail (outputs != NULL, TRUE);

  return g_hash_table_size (outputs->seen) == 0;
}

/* The outputs a stage of each type is known to give (flows-stage-kind.h). */
static void
add_stage_outputs (GPtrArray  *entries,
                   FlowsApp   *app,
                   FlowsStage *stage)
{
  g_autoptr(GHashTable) seen = NULL;
  FlowsScopeOutputs outputs;

  if (!flows_expression_is_identifier (flows_stage_get_key (stage)))
    return;

  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  outputs = (FlowsScopeOutputs) { entries, stage, seen };
  flows_stage_kind_add_to_scope (flows_stage_registry_for_stage (stage), stage, app, &outputs);
}

GHashTable *
flows_scope_upstream (FlowsFlow  *flow,
                      FlowsStage *stage)
{
  g_autoptr(FlowsRouteGraph) graph = NULL;
  GHashTable *upstream;
  g_autofree int *distance = NULL;
  g_autofree guint8 *reached = NULL;
  int index;

  g_return_val_if_fail (FLOWS_IS_FLOW (flow), NULL);
  g_return_val_if_fail (FLOWS_IS_STAGE (stage), NULL);

  upstream = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  graph = _flows_route_graph_new (flow);
  index = _flows_route_graph_find (graph, flows_stage_get_id (stage));
  if (index < 0)
    return upstream;

  /* Stages from which a route path leads here; of those, the ones a run from the Trigger can
   * pass through (a stage no route from the Trigger reaches never runs). */
  distance = _flows_route_graph_distances_to (graph, index);
  if (graph->trigger >= 0)
    reached = _flows_route_graph_reach (graph, graph->trigger, NULL);

  for (guint i = 0; i < graph->n_stages; i++)
    if (distance[i] > 0 && (reached == NULL || !reached[index] || reached[i]))
      g_hash_table_add (upstream, g_strdup (flows_stage_get_id (graph->stages[i])));

  return upstream;
}

GPtrArray *
flows_scope_at_stage (FlowsApp   *app,
                      FlowsFlow  *flow,
                      FlowsStage *stage)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) upstream = NULL;
  g_autoptr(FlowsRouteGraph) graph = NULL;
  g_autoptr(GArray) order = NULL;
  g_autofree int *distance = NULL;
  GPtrArray *entries;
  NameCollection names;
  int index;

  g_return_val_if_fail (FLOWS_IS_APP (app), NULL);
  g_return_val_if_fail (FLOWS_IS_FLOW (flow), NULL);
  g_return_val_if_fail (FLOWS_IS_STAGE (stage), NULL);

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) flows_scope_entry_free);
  names = (NameCollection) { entries, seen };
  _flows_scope_foreach_name (app, flows_flow_get_trigger (flow), collect_name, &names);

  graph = _flows_route_graph_new (flow);
  index = _flows_route_graph_find (graph, flows_stage_get_id (stage));
  if (index < 0)
    return entries;

  /* Nearest first; at the same distance, in the flow's order. */
  upstream = flows_scope_upstream (flow, stage);
  distance = _flows_route_graph_distances_to (graph, index);
  order = g_array_new (FALSE, FALSE, sizeof (guint));
  for (int d = 1; order->len < g_hash_table_size (upstream) && d <= (int) graph->n_stages; d++)
    for (guint i = 0; i < graph->n_stages; i++)
      if (distance[i] == d && g_hash_table_contains (upstream, flows_stage_get_id (graph->stages[i])))
        g_array_append_val (order, i);

  for (guint i = 0; i < order->len; i++)
    add_stage_outputs (entries, app, graph->stages[g_array_index (order, guint, i)]);

  return entries;
}
