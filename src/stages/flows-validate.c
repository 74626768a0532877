/* flows-validate.c — the checks that run before a flow does, so that a mistake is shown on the
 * stage and setting where it was made rather than halfway through a run.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "flows-expression.h"
#include "flows-model-private.h"
#include "flows-scope-private.h"
#include "flows-stage-registry.h"
#include "flows-validate.h"

static const char * const builtin_names[] = {
  "ConnectionID", "RedirectURL", "State", "CodeChallenge", "CodeVerifier", "AccessToken",
  "RefreshToken", NULL,
};

/* Zero is what a lookup of an unknown name gives. */
typedef enum {
  NAME_PARAM = 1,
  NAME_BUILTIN,
  NAME_INPUT,
} NameKind;

/* One validation of one flow; the stage types see it as a FlowsStageCheck (flows-validate.h). */
typedef struct _FlowsStageCheck Validation;

struct _FlowsStageCheck {
  FlowsApp   *app;
  FlowsFlow  *flow;
  GHashTable *names;    /* parameter keys, built-ins and trigger inputs -> NameKind (shared
                         * with the insert-reference menu: flows-scope.c) */
  GHashTable *stages;   /* stage key -> the first FlowsStage with it */
  GHashTable *ids;      /* the ids of the flow's stages, for routes */
  GString    *path;     /* the path of the setting being checked, reused for every stage */
  GPtrArray  *problems;
};

G_DEFINE_BOXED_TYPE (FlowsProblem, flows_problem, flows_problem_copy, flows_problem_free)

FlowsProblem *
flows_problem_copy (const FlowsProblem *problem)
{
  FlowsProblem *copy;

  g_return_val_if_fail (problem != NULL, NULL);

  copy = g_new0 (FlowsProblem, 1);
  copy->flow_id = g_strdup (problem->flow_id);
  copy->flow_name = g_strdup (problem->flow_name);
  copy->stage_id = g_strdup (problem->stage_id);
  copy->stage_name = g_strdup (problem->stage_name);
  copy->setting = g_strdup (problem->setting);
  copy->message = g_strdup (problem->message);

  return copy;
}

void
flows_problem_free (FlowsProblem *problem)
{
  if (problem == NULL)
    return;

  g_free (problem->flow_id);
  g_free (problem->flow_name);
  g_free (problem->stage_id);
  g_free (problem->stage_name);
  g_free (problem->setting);
  g_free (problem->message);
  g_free (problem);
}

/* Names are optional in the model; an id still tells the reader which one is meant. */
static const char *
display_name (const char *name,
              const char *id)
{
  return name != NULL && *name != '\0' ? name : id;
}

char *
flows_problem_to_string (const FlowsProblem *problem)
{
  const char *flow;
  const char *stage;

  g_return_val_if_fail (problem != NULL, NULL);

  flow = display_name (problem->flow_name, problem->flow_id);
  stage = display_name (problem->stage_name, problem->stage_id);

  if (flow == NULL)
    return g_strdup (problem->message);

  if (stage == NULL)
    return g_strdup_printf (_("Flow “%s”: %s"), flow, problem->message);

  if (problem->setting == NULL)
    return g_strdup_printf (_("Flow “%s”, stage “%s”: %s"), flow, stage, problem->message);

  return g_strdup_printf (_("Flow “%s”, stage “%s”, setting %s: %s"),
                          flow, stage, problem->setting, problem->message);
}

const char * const *
flows_validate_builtin_names (void)
{
  return builtin_names;
}

static void add_problem (Validation *v,
                         FlowsStage *stage,
                         const char *setting,
                         const char *format,
                         ...) G_GNUC_PRINTF (4, 5);

static void
add_problem (Validation *v,
             FlowsStage *stage,
             const char *setting,
             const char *format,
             ...)
{
  FlowsProblem *problem = g_new0 (FlowsProblem, 1);
  va_list args;

  problem->flow_id = g_strdup (flows_flow_get_id (v->flow));
  problem->flow_name = g_strdup (flows_flow_get_name (v->flow));
  if (stage != NULL)
    {
      problem->stage_id = g_strdup (flows_stage_get_id (stage));
      problem->stage_name = g_strdup (flows_stage_get_name (stage));
    }
  problem->setting = g_strdup (setting);

  va_start (args, format);
  problem->message = g_strdup_vprintf (format, args);
  va_end (args);

  g_ptr_array_add (v->problems, problem);
}

FlowsApp *
flows_stage_check_get_app (FlowsStageCheck *check)
{
  g_return_val_if_fail (check != NULL, NULL);

  return check->app;
}

FlowsFlow *
flows_stage_check_get_flow (FlowsStageCheck *check)
{
  g_return_val_if_fail (check != NULL, NULL);

  return check->flow;
}

void
flows_stage_check_add_problem (FlowsStageCheck *check,
                               FlowsStage      *stage,
                               const char      *setting,
                               const char      *format,
                               ...)
{
  g_autofree char *message = NULL;
  va_list args;

  g_return_if_fail (check != NULL);

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  add_problem (check, stage, setting, "%s", message);
}

static const char *
stage_display_name (FlowsStage *stage)
{
  return display_name (flows_stage_get_name (stage), flows_stage_get_key (stage));
}

/* Parameters and built-ins go in as they are; each Trigger input is referenced as <name> and
 * checked first. */
static void
collect_name (FlowsScopeKind  kind,
              const char     *name,
              gpointer        object,
              guint           index,
              gpointer        user_data)
{
  Validation *v = user_data;
  FlowsStage *trigger;
  g_autofree char *setting = NULL;

  if (kind == FLOWS_SCOPE_PARAMETER)
    {
      g_hash_table_insert (v->names, (gpointer) name, GINT_TO_POINTER (NAME_PARAM));
      return;
    }
  if (kind == FLOWS_SCOPE_BUILTIN)
    {
      g_hash_table_insert (v->names, (gpointer) name, GINT_TO_POINTER (NAME_BUILTIN));
      return;
    }

  trigger = flows_flow_get_trigger (v->flow);
  setting = g_strdup_printf ("inputs[%u].name", index);
  if (name == NULL || *name == '\0')
    {
      add_problem (v, trigger, setting, _("The input has no name"));
      return;
    }

  if (!flows_expression_is_identifier (name))
    {
      add_problem (v, trigger, setting,
                   _("Input name “%s” cannot be referenced: use letters, digits and “_”, not starting with a digit"),
                   name);
      return;
    }

  if (g_hash_table_lookup (v->names, name) == GINT_TO_POINTER (NAME_INPUT))
    {
      add_problem (v, trigger, setting, _("Another input is already called “%s”"), name);
      return;
    }

  /* An input may share a parameter's or built-in's name: Step 3 receives ConnectionID. */
  g_hash_table_insert (v->names, (gpointer) name, GINT_TO_POINTER (NAME_INPUT));
}

static void
check_triggers (Validation *v)
{
  GListModel *stages = flows_flow_get_stages (v->flow);
  FlowsStage *first = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (stages); i++)
    {
      g_autoptr(FlowsStage) stage = g_list_model_get_item (stages, i);

      if (flows_stage_get_stage_type (stage) != FLOWS_STAGE_TYPE_TRIGGER)
        continue;

      if (first == NULL)
        first = stage;
      else
        {
          add_problem (v, stage, NULL,
                       _("A flow has one Trigger stage and this flow already starts at “%s”"),
                       stage_display_name (first));
        }
    }

  _flows_scope_foreach_name (v->app, first, collect_name, v);
  if (first == NULL)
    add_problem (v, NULL, NULL, _("The flow has no Trigger stage to start from"));
}

static void
check_key (Validation *v,
           FlowsStage *stage)
{
  const char *key = flows_stage_get_key (stage);
  FlowsStage *other;

  if (key == NULL || *key == '\0')
    {
      add_problem (v, stage, NULL, _("The stage has no key, so its outputs cannot be referenced"));
      return;
    }

  if (!flows_expression_is_identifier (key))
    {
      add_problem (v, stage, NULL,
                   _("Stage key “%s” cannot be referenced: use letters, digits and “_”, not starting with a digit"),
                   key);
      return;
    }

  other = g_hash_table_lookup (v->stages, key);
  if (other != NULL)
    {
      add_problem (v, stage, NULL, _("Stage key “%s” is already used by stage “%s”"),
                   key, stage_display_name (other));
      return;
    }

  g_hash_table_insert (v->stages, (gpointer) key, stage);

  /* <key> would mean two things; the message says which, to make the fix obvious. */
  switch (GPOINTER_TO_INT (g_hash_table_lookup (v->names, key)))
    {
    case NAME_PARAM:
      add_problem (v, stage, NULL,
                   _("Stage key “%s” is also a connection parameter; choose another so that <%s> means one thing"),
                   key, key);
      break;
    case NAME_BUILTIN:
      add_problem (v, stage, NULL,
                   _("Stage key “%s” is also a built-in name; choose another so that <%s> means one thing"),
                   key, key);
      break;
    case NAME_INPUT:
      add_problem (v, stage, NULL,
                   _("Stage key “%s” is also a trigger input; choose another so that <%s> means one thing"),
                   key, key);
      break;
    default:
      break;
    }
}

static void
check_routes (Validation *v,
              FlowsStage *stage)
{
  g_auto(GStrv) outputs = flows_stage_list_routes (stage);

  for (guint i = 0; outputs != NULL && outputs[i] != NULL; i++)
    {
      const char *target = flows_stage_get_route (stage, outputs[i]);

      /* An empty route ends the flow there, which is allowed. */
      if (target == NULL || *target == '\0')
        continue;

      if (!g_hash_table_contains (v->ids, target))
        add_problem (v, stage, NULL,
                     _("The “%s” route leads to “%s”, which is not a stage of this flow"),
                     outputs[i], target);
    }
}

/* A case-insensitive match, when there is exactly one, is almost certainly what was meant. */
static const char *
suggest_name (Validation *v,
              const char *name)
{
  GHashTable *tables[] = { v->names, v->stages };
  const char *suggestion = NULL;

  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, tables[t]);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        {
          if (g_ascii_strcasecmp (key, name) != 0)
            continue;
          if (suggestion != NULL && strcmp (suggestion, key) != 0)
            return NULL;
          suggestion = key;
        }
    }

  return suggestion;
}

static void
check_template (Validation *v,
                FlowsStage *stage,
                const char *setting,
                const char *text)
{
  g_autoptr(FlowsExpression) expression = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) reported = NULL;

  /* Without a "<" a template is all literal text: it cannot fail to parse ("\<" needs a "<"
   * too) and names nothing. Most settings are such constants, and this runs before every run. */
  if (strchr (text, '<') == NULL)
    return;

  expression = flows_expression_parse (text, &error);
  if (expression == NULL)
    {
      add_problem (v, stage, setting, "%s", error->message);
      return;
    }

  for (guint i = 0; i < flows_expression_get_n_references (expression); i++)
    {
      const char *reference = flows_expression_get_reference (expression, i);
      g_autofree char *name = g_strndup (reference, strcspn (reference, "."));
      const char *suggestion;

      if (g_hash_table_contains (v->names, name) || g_hash_table_contains (v->stages, name))
        continue;

      /* One problem per unknown name, however often the setting uses it. */
      if (reported == NULL)
        reported = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      if (!g_hash_table_add (reported, g_strdup (name)))
        continue;

      suggestion = suggest_name (v, name);
      if (suggestion != NULL)
        add_problem (v, stage, setting,
                     _("Unknown reference <%s>: no connection parameter, built-in, trigger input or stage is called “%s”; did you mean “%s”?"),
                     reference, name, suggestion);
      else
        add_problem (v, stage, setting,
                     _("Unknown reference <%s>: no connection parameter, built-in, trigger input or stage is called “%s”"),
                     reference, name);
    }
}

static void check_settings_node (Validation *v,
                                 FlowsStage *stage,
                                 JsonNode   *node,
                                 GString    *path);

/* @path is the setting's path so far ("body.fields[0]"); it is restored before returning. */
static void
check_settings_object (Validation *v,
                       FlowsStage *stage,
                       JsonObject *object,
                       GString    *path)
{
  gsize length = path->len;
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &member, &value))
    {
      /* A name or a choice, in any stage type's description: "<" in it is no reference. */
      if (flows_stage_registry_is_literal_setting (member))
        continue;

      if (path->len > 0)
        g_string_append_c (path, '.');
      g_string_append (path, member);
      check_settings_node (v, stage, value, path);
      g_string_truncate (path, length);
    }
}

/* @path is the setting's path so far ("body.fields[0]"); it is restored before returning. */
static void
check_settings_node (Validation *v,
                     FlowsStage *stage,
                     JsonNode   *node,
                     GString    *path)
{
  gsize length = path->len;

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      check_settings_object (v, stage, json_node_get_object (node), path);
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            g_string_append_printf (path, "[%u]", i);
            check_settings_node (v, stage, json_array_get_element (array, i), path);
            g_string_truncate (path, length);
          }
      }
      break;

    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        check_template (v, stage, path->str, json_node_get_string (node));
      break;

    case JSON_NODE_NULL:
    default:
      break;
    }
}

static void
check_settings (Validation *v,
                FlowsStage *stage)
{
  JsonObject *settings = flows_stage_get_settings (stage);

  if (settings == NULL)
    return;

  g_string_truncate (v->path, 0);
  check_settings_object (v, stage, settings, v->path);
}

/* Routes ---------------------------------------------------------------------------------- */

static void
check_reachable (Validation *v,
                 FlowsRouteGraph *graph)
{
  g_autofree guint8 *reached = NULL;

  /* Without a Trigger nothing runs, which is reported once for the flow. */
  if (graph->trigger < 0)
    return;

  reached = _flows_route_graph_reach (graph, graph->trigger, NULL);
  for (guint i = 0; i < graph->n_stages; i++)
    {
      /* A second Trigger has its own problem. */
      if (reached[i] || flows_stage_get_stage_type (graph->stages[i]) == FLOWS_STAGE_TYPE_TRIGGER)
        continue;
      add_problem (v, graph->stages[i], NULL,
                   _("No route from the Trigger leads to this stage, so it never runs"));
    }
}

typedef struct {
  const char *field;
  gboolean    found;
} FieldSearch;

static void
find_field (const char *name,
            gboolean    optional,
            gpointer    user_data)
{
  FieldSearch *search = user_data;

  search->found |= !optional && g_str_equal (name, search->field);
}

/* TRUE when @stage adds @field to the response whatever happens: not as an optional field,
 * which may be left out. */
static gboolean
adds_field (FlowsStage *stage,
            const char *field)
{
  FieldSearch search = { field, FALSE };

  flows_stage_kind_foreach_response_field (flows_stage_registry_for_stage (stage), stage, find_field, &search);
  return search.found;
}

/* The route @output of @stage ends the flow normally when it leads nowhere. An error with no
 * fail route to take fails the run instead (that is no end to check), and a For Each's
 * "each" route that leads nowhere only ends an item. */
static gboolean
ends_flow (FlowsRouteGraph       *graph,
           FlowsStage            *stage,
           const FlowsStageRoute *route)
{
  const char *target = flows_stage_get_route (stage, route->name);

  if (g_str_equal (route->name, "each") || route->on_error)
    return FALSE;
  return target == NULL || _flows_route_graph_find (graph, target) < 0;
}

/* The flow's role asks for a field on every way to its end (docs/ARCHITECTURE.md, "Flow roles"), or, for the
 * Connection Test, a way to end on success. Only the stages a run of the flow itself goes
 * through count: not those of a For Each's body, which may run no time at all. */
static void
check_contract (Validation *v,
                FlowsRouteGraph *graph)
{
  FlowsFlowRole role = flows_flow_get_role (v->flow);
  const char *field = NULL;
  g_autofree guint8 *level = NULL;
  g_autofree guint8 *has = NULL;
  gboolean changed = TRUE;

  switch (role)
    {
    case FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE:
      field = "authorizeUrl";
      break;
    case FLOWS_FLOW_ROLE_OAUTH_EXCHANGE:
    case FLOWS_FLOW_ROLE_OAUTH_REFRESH:
      field = "access_token";
      break;
    case FLOWS_FLOW_ROLE_CONNECTION_TEST:
      break;
    case FLOWS_FLOW_ROLE_NONE:
    default:
      return;
    }

  if (graph->trigger < 0)
    return;

  level = _flows_route_graph_reach (graph, graph->trigger, "each");

  if (role == FLOWS_FLOW_ROLE_CONNECTION_TEST)
    {
      /* A run that only passes the Trigger tested nothing. */
      for (guint i = 0; i < graph->n_stages; i++)
        {
          const FlowsStageRoute *routes = flows_stage_kind_get_routes (flows_stage_registry_for_stage (graph->stages[i]));

          if (!level[i] || (int) i == graph->trigger)
            continue;
          for (const FlowsStageRoute *route = routes; route->name != NULL; route++)
            if (!g_str_equal (route->name, "fail") && ends_flow (graph, graph->stages[i], route))
              return;
        }
      add_problem (v, NULL, NULL,
                   _("The Connection Test never ends on a success route: a connection can only pass when a path ends after a stage’s success or pass route"));
      return;
    }

  /* has[i]: every way from the Trigger through stage i has added @field. The greatest fixed
   * point, from "yes" everywhere down, so that loops settle. */
  has = g_new (guint8, graph->n_stages);
  for (guint i = 0; i < graph->n_stages; i++)
    has[i] = TRUE;
  while (changed)
    {
      changed = FALSE;
      for (guint i = 0; i < graph->n_stages; i++)
        {
          gboolean before = (int) i != graph->trigger;
          GArray *edges = graph->in[i];
          gboolean value;

          for (guint e = 0; e < edges->len && before; e++)
            {
              FlowsRouteEdge *edge = &g_array_index (edges, FlowsRouteEdge, e);

              if (level[edge->target] && !g_str_equal (edge->output, "each"))
                before = has[edge->target];
            }
          value = before || adds_field (graph->stages[i], field);
          if (level[i] && value != has[i])
            {
              has[i] = value;
              changed = TRUE;
            }
        }
    }

  for (guint i = 0; i < graph->n_stages; i++)
    {
      const FlowsStageRoute *routes = flows_stage_kind_get_routes (flows_stage_registry_for_stage (graph->stages[i]));

      if (!level[i] || has[i])
        continue;
      for (const FlowsStageRoute *route = routes; route->name != NULL; route++)
        if (ends_flow (graph, graph->stages[i], route))
          {
            add_problem (v, graph->stages[i], NULL,
                         _("The flow can end here, after the “%s” route, without returning “%s”: add it with an Add To Response stage on the way"),
                         flows_stage_route_get_label (route), field);
            break;
          }
    }
}

/* The last time a flow was found to have no problems: in which App, at which revision of the
 * model. Kept on the flow, as qdata. The App is not referenced (it holds the flow: a reference
 * would be a cycle), only compared: an App made since, even at the same address, comes with a
 * newer revision, as making one is a change. */
typedef struct {
  FlowsApp *app;
  gsize     revision;
} CleanValidation;

static GQuark
clean_validation_quark (void)
{
  static GQuark quark;

  if (G_UNLIKELY (quark == 0))
    quark = g_quark_from_static_string ("flows-validate-clean");
  return quark;
}

static GPtrArray *validate_flow (FlowsApp  *app,
                                 FlowsFlow *flow);

/* Every run validates its flow first. Nothing in the result can change while the model's
 * revision stays the same (see flows-model-private.h), so a flow found without problems is not
 * checked again until something changes; one with problems is, to list them afresh. */
GPtrArray *
flows_validate_flow (FlowsApp  *app,
                     FlowsFlow *flow)
{
  gsize revision = _flows_model_get_revision ();
  CleanValidation *clean;
  GPtrArray *problems;

  g_return_val_if_fail (FLOWS_IS_APP (app), NULL);
  g_return_val_if_fail (FLOWS_IS_FLOW (flow), NULL);

  clean = g_object_get_qdata (G_OBJECT (flow), clean_validation_quark ());
  if (clean != NULL && clean->app == app && clean->revision == revision)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) flows_problem_free);

  problems = validate_flow (app, flow);
  if (problems->len == 0)
    {
      if (clean == NULL)
        {
          clean = g_new (CleanValidation, 1);
          g_object_set_qdata_full (G_OBJECT (flow), clean_validation_quark (), clean, g_free);
        }
      clean->app = app;
      clean->revision = revision;
    }
  return problems;
}

static GPtrArray *
validate_flow (FlowsApp  *app,
               FlowsFlow *flow)
{
  g_autoptr(GHashTable) names = NULL;
  g_autoptr(GHashTable) stages_by_key = NULL;
  g_autoptr(GHashTable) ids = NULL;
  g_autoptr(GString) path = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  GListModel *stages;
  guint n_stages;
  Validation v;

  /* Keys and names are borrowed from the model, which nothing changes while this runs. */
  names = g_hash_table_new (g_str_hash, g_str_equal);
  stages_by_key = g_hash_table_new (g_str_hash, g_str_equal);
  ids = g_hash_table_new (g_str_hash, g_str_equal);
  path = g_string_new (NULL);
  problems = g_ptr_array_new_with_free_func ((GDestroyNotify) flows_problem_free);
  v = (Validation) { app, flow, names, stages_by_key, ids, path, problems };

  check_triggers (&v);

  stages = flows_flow_get_stages (flow);
  n_stages = g_list_model_get_n_items (stages);
  for (guint i = 0; i < n_stages; i++)
    {
      g_autoptr(FlowsStage) stage = g_list_model_get_item (stages, i);
      const char *id = flows_stage_get_id (stage);

      /* Routes are checked against this set rather than by searching the flow for each. */
      if (id != NULL)
        g_hash_table_add (ids, (gpointer) id);
      check_key (&v, stage);
    }

  /* Settings are checked once every key is known: a stage may reference one placed after it. */
  for (guint i = 0; i < n_stages; i++)
    {
      g_autoptr(FlowsStage) stage = g_list_model_get_item (stages, i);

      check_routes (&v, stage);
      check_settings (&v, stage);
      /* What the stage's type asks of its settings (flows-stage-kind.h). */
      flows_stage_kind_validate (flows_stage_registry_for_stage (stage), stage, &v);
    }

  return g_steal_pointer (&problems);
}

GPtrArray *
flows_validate_flow_full (FlowsApp  *app,
                          FlowsFlow *flow)
{
  g_autoptr(FlowsRouteGraph) graph = NULL;
  GPtrArray *problems;
  Validation v = { 0 };

  problems = flows_validate_flow (app, flow);
  g_return_val_if_fail (problems != NULL, NULL);

  /* What depends on the routes as a whole: a stage never reached, a role's contract. */
  graph = _flows_route_graph_new (flow);
  v.app = app;
  v.flow = flow;
  v.problems = problems;
  check_reachable (&v, graph);
  check_contract (&v, graph);

  return problems;
}

/* What each reference of a URL template stands for while its form is checked. */
static char *
sample_value (const char  *reference,
              gpointer     user_data,
              GError     **error)
{
  return g_strdup ("x");
}

gboolean
flows_validate_is_web_address (const char *text)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host;

  g_return_val_if_fail (text != NULL, FALSE);

  uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  host = uri != NULL ? g_uri_get_host (uri) : NULL;
  return scheme != NULL && host != NULL && *host != '\0' &&
         (g_ascii_strcasecmp (scheme, "http") == 0 || g_ascii_strcasecmp (scheme, "https") == 0);
}

gboolean
flows_validate_is_web_address_template (const char *text)
{
  g_autoptr(FlowsExpression) expression = NULL;
  g_autofree char *sample = NULL;

  g_return_val_if_fail (text != NULL, FALSE);

  if (strchr (text, '<') == NULL)
    return flows_validate_is_web_address (text);
  /* A syntax error is a problem of its own (flows_validate_param_default()). */
  if (!(expression = flows_expression_parse (text, NULL)))
    return TRUE;
  /* What a reference gives is only known when a flow reads it: a value that starts with one
   * ("<instance_url>/services/") can be any address, and one such as
   * "https://host/<Tenant>/authorize" must be one whatever it gives. */
  if (flows_expression_get_n_references (expression) > 0 && g_str_has_prefix (text, "<"))
    return TRUE;
  sample = flows_expression_expand (expression, FLOWS_EXPANSION_TEXT, sample_value, NULL, NULL);
  return sample != NULL && flows_validate_is_web_address (sample);
}

char *
flows_validate_param_references (FlowsApp   *app,
                                 FlowsParam *param,
                                 const char *value)
{
  g_autoptr(FlowsExpression) expression = NULL;
  g_autoptr(GError) error = NULL;
  const char *key = flows_param_get_key (param);

  g_return_val_if_fail (FLOWS_IS_PARAM (param), NULL);
  g_return_val_if_fail (value != NULL, NULL);

  /* A sensitive value and one the provider gave at sign-in are data, never templates. */
  if (flows_param_get_sensitive (param) || flows_param_get_from_sign_in (param) || strchr (value, '<') == NULL)
    return NULL;
  if (!(expression = flows_expression_parse (value, &error)))
    /* Translators: what is wrong with a reference in a parameter's value, then how to write a "<" */
    return g_strdup_printf (_("%s (write \\< for a “<” of its own)"), error->message);

  for (guint i = 0; i < flows_expression_get_n_references (expression); i++)
    {
      const char *name = flows_expression_get_reference (expression, i);
      FlowsParam *other = app != NULL ? flows_app_find_param (app, name) : NULL;
      g_autoptr(FlowsExpression) other_expression = NULL;

      if (g_str_equal (name, key))
        return g_strdup_printf (_("The value refers to <%s>, this parameter itself"), name);
      if (app != NULL && other == NULL)
        return g_strdup_printf (_("The value refers to <%s>, which is not a parameter of this App: a parameter’s value can only use other parameters"), name);
      if (other == NULL || flows_param_get_sensitive (other) || flows_param_get_from_sign_in (other))
        continue;
      other_expression = flows_expression_parse (flows_param_get_default (other), NULL);
      if (other_expression != NULL && flows_expression_get_n_references (other_expression) > 0)
        return g_strdup_printf (_("The value refers to <%s>, whose own value refers to other parameters: references in parameters go one level deep"), name);
    }
  return NULL;
}

char *
flows_validate_param_default (FlowsApp   *app,
                              FlowsParam *param)
{
  const char *value;
  char *references;

  g_return_val_if_fail (FLOWS_IS_PARAM (param), NULL);

  value = flows_param_get_default (param);
  if ((references = flows_validate_param_references (app, param, value)) != NULL)
    return references;
  if (flows_param_get_kind (param) == FLOWS_PARAM_KIND_URL && value != NULL && *value != '\0' &&
      !flows_validate_is_web_address_template (value))
    /* Translators: the placeholder is the default value as entered */
    return g_strdup_printf (_("The default value “%s” is not a web address: enter one starting with http:// or https://, such as https://example.com/."),
                            value);
  return NULL;
}

GPtrArray *
flows_validate_app (FlowsApp *app)
{
  GPtrArray *problems;
  GListModel *params;
  GListModel *flows;

  g_return_val_if_fail (FLOWS_IS_APP (app), NULL);

  problems = g_ptr_array_new_with_free_func ((GDestroyNotify) flows_problem_free);

  /* A problem of a parameter has no flow: its message names the parameter. */
  params = flows_app_get_params (app);
  for (guint i = 0; i < g_list_model_get_n_items (params); i++)
    {
      g_autoptr(FlowsParam) param = g_list_model_get_item (params, i);
      g_autofree char *message = flows_validate_param_default (app, param);

      if (message != NULL)
        {
          FlowsProblem *problem = g_new0 (FlowsProblem, 1);

          /* Translators: the first placeholder is a parameter's key, the second what is wrong */
          problem->message = g_strdup_printf (_("Parameter “%s”: %s"), flows_param_get_key (param), message);
          g_ptr_array_add (problems, problem);
        }
    }

  flows = flows_app_get_flows (app);

  for (guint i = 0; i < g_list_model_get_n_items (flows); i++)
    {
      g_autoptr(FlowsFlow) flow = g_list_model_get_item (flows, i);

      g_ptr_array_extend_and_steal (problems, flows_validate_flow_full (app, flow));
    }

  return problems;
}
