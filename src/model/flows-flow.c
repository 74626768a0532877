/* flows-flow.c — a flow of an App */

#include "flows-flow.h"
#include "flows-enums.h"
#include "flows-model-private.h"

struct _FlowsFlow
{
  GObject              parent_instance;

  char                *id;
  char                *name;
  char                *description;
  GListStore          *stages;
  /* stage id -> the first FlowsStage with it (a reference), built when first needed and
   * dropped when the stages change: a run looks a stage up for every route it takes. Ids are
   * set when a stage is made, so only adding and removing stages can make it wrong. */
  GHashTable          *stages_by_id;
  FlowsFlowVisibility  visibility;
  FlowsFlowRole        role;
};

G_DEFINE_FINAL_TYPE (FlowsFlow, flows_flow, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_DESCRIPTION,
  PROP_VISIBILITY,
  PROP_ROLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
on_stages_changed (GListModel *stages,
                   guint       position,
                   guint       removed,
                   guint       added,
                   gpointer    user_data)
{
  FlowsFlow *self = user_data;

  g_clear_pointer (&self->stages_by_id, g_hash_table_unref);
}

static void
flows_flow_finalize (GObject *object)
{
  FlowsFlow *self = (FlowsFlow *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->description, g_free);
  /* Whoever still holds the list must not reach this flow through it. */
  g_signal_handlers_disconnect_by_func (self->stages, on_stages_changed, self);
  g_clear_object (&self->stages);
  g_clear_pointer (&self->stages_by_id, g_hash_table_unref);

  G_OBJECT_CLASS (flows_flow_parent_class)->finalize (object);
}

static void
flows_flow_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  FlowsFlow *self = FLOWS_FLOW (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;
    case PROP_VISIBILITY:
      g_value_set_enum (value, self->visibility);
      break;
    case PROP_ROLE:
      g_value_set_enum (value, self->role);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_flow_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  FlowsFlow *self = FLOWS_FLOW (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;
    case PROP_NAME:
      flows_flow_set_name (self, g_value_get_string (value));
      break;
    case PROP_DESCRIPTION:
      flows_flow_set_description (self, g_value_get_string (value));
      break;
    case PROP_VISIBILITY:
      flows_flow_set_visibility (self, g_value_get_enum (value));
      break;
    case PROP_ROLE:
      flows_flow_set_role (self, g_value_get_enum (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_flow_class_init (FlowsFlowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = flows_flow_finalize;
  object_class->get_property = flows_flow_get_property;
  object_class->set_property = flows_flow_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, "", flags);
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, "", flags);
  properties[PROP_VISIBILITY] =
    g_param_spec_enum ("visibility", NULL, NULL,
                       FLOWS_TYPE_FLOW_VISIBILITY, FLOWS_FLOW_VISIBILITY_PRIVATE, flags);
  properties[PROP_ROLE] =
    g_param_spec_enum ("role", NULL, NULL, FLOWS_TYPE_FLOW_ROLE, FLOWS_FLOW_ROLE_NONE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
flows_flow_init (FlowsFlow *self)
{
  self->name = g_strdup ("");
  self->description = g_strdup ("");
  self->stages = g_list_store_new (FLOWS_TYPE_STAGE);
  _flows_model_watch_list (self->stages);
  g_signal_connect (self->stages, "items-changed", G_CALLBACK (on_stages_changed), self);
  _flows_model_changed ();
}

FlowsFlow *
flows_flow_new (const char *id,
                const char *name)
{
  g_return_val_if_fail (id != NULL, NULL);

  return g_object_new (FLOWS_TYPE_FLOW, "id", id, "name", name, NULL);
}

const char *
flows_flow_get_id (FlowsFlow *self)
{
  g_return_val_if_fail (FLOWS_IS_FLOW (self), NULL);
  return self->id;
}

const char *
flows_flow_get_name (FlowsFlow *self)
{
  g_return_val_if_fail (FLOWS_IS_FLOW (self), NULL);
  return self->name;
}

void
flows_flow_set_name (FlowsFlow  *self,
                     const char *name)
{
  g_return_if_fail (FLOWS_IS_FLOW (self));
  _flows_model_set_string (G_OBJECT (self), &self->name, name, properties[PROP_NAME]);
}

const char *
flows_flow_get_description (FlowsFlow *self)
{
  g_return_val_if_fail (FLOWS_IS_FLOW (self), NULL);
  return self->description;
}

void
flows_flow_set_description (FlowsFlow  *self,
                            const char *description)
{
  g_return_if_fail (FLOWS_IS_FLOW (self));
  _flows_model_set_string (G_OBJECT (self), &self->description, description, properties[PROP_DESCRIPTION]);
}

FlowsFlowVisibility
flows_flow_get_visibility (FlowsFlow *self)
{
  g_return_val_if_fail (FLOWS_IS_FLOW (self), FLOWS_FLOW_VISIBILITY_PRIVATE);
  return self->visibility;
}

void
flows_flow_set_visibility (FlowsFlow           *self,
                           FlowsFlowVisibility  visibility)
{
  g_return_if_fail (FLOWS_IS_FLOW (self));
  if (self->visibility == visibility)
    return;
  self->visibility = visibility;
  _flows_model_changed ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VISIBILITY]);
}

FlowsFlowRole
flows_flow_get_role (FlowsFlow *self)
{
  g_return_val_if_fail (FLOWS_IS_FLOW (self), FLOWS_FLOW_ROLE_NONE);
  return self->role;
}

void
flows_flow_set_role (FlowsFlow     *self,
                     FlowsFlowRole  role)
{
  g_return_if_fail (FLOWS_IS_FLOW (self));
  if (self->role == role)
    return;
  self->role = role;
  _flows_model_changed ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROLE]);
}

GListModel *
flows_flow_get_stages (FlowsFlow *self)
{
  g_return_val_if_fail (FLOWS_IS_FLOW (self), NULL);
  return G_LIST_MODEL (self->stages);
}

void
flows_flow_add_stage (FlowsFlow  *self,
                      FlowsStage *stage)
{
  g_return_if_fail (FLOWS_IS_FLOW (self));
  g_return_if_fail (FLOWS_IS_STAGE (stage));

  g_list_store_append (self->stages, stage);
}

void
flows_flow_remove_stage (FlowsFlow  *self,
                         FlowsStage *stage)
{
  guint position;

  g_return_if_fail (FLOWS_IS_FLOW (self));
  g_return_if_fail (FLOWS_IS_STAGE (stage));

  if (g_list_store_find (self->stages, stage, &position))
    g_list_store_remove (self->stages, position);
}

typedef gboolean (*StageMatch) (FlowsStage *stage, gconstpointer data);

/* The first stage for which @match is true; the three finders differ only in what they compare. */
static FlowsStage *
find_stage (FlowsFlow     *self,
            StageMatch     match,
            gconstpointer  data)
{
  GListModel *stages = G_LIST_MODEL (self->stages);
  guint n = g_list_model_get_n_items (stages);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FlowsStage) stage = g_list_model_get_item (stages, i);

      if (match (stage, data))
        return stage;
    }
  return NULL;
}

static gboolean
stage_has_id (FlowsStage    *stage,
              gconstpointer  id)
{
  return g_strcmp0 (flows_stage_get_id (stage), id) == 0;
}

static gboolean
stage_has_key (FlowsStage    *stage,
               gconstpointer  key)
{
  return g_strcmp0 (flows_stage_get_key (stage), key) == 0;
}

static gboolean
stage_is_trigger (FlowsStage    *stage,
                  gconstpointer  unused)
{
  return flows_stage_get_stage_type (stage) == FLOWS_STAGE_TYPE_TRIGGER;
}

FlowsStage *
flows_flow_find_stage (FlowsFlow  *self,
                       const char *id)
{
  g_return_val_if_fail (FLOWS_IS_FLOW (self), NULL);

  /* The index has no NULL key: a NULL id finds a stage without one, if any, by searching. */
  if (id == NULL)
    return find_stage (self, stage_has_id, id);

  if (self->stages_by_id == NULL)
    {
      GListModel *stages = G_LIST_MODEL (self->stages);
      guint n = g_list_model_get_n_items (stages);

      self->stages_by_id = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
      /* From the last to the first, so that the first of stages with the same id wins. */
      for (guint i = n; i > 0; i--)
        {
          FlowsStage *stage = g_list_model_get_item (stages, i - 1);
          const char *stage_id = flows_stage_get_id (stage);

          if (stage_id != NULL)
            g_hash_table_replace (self->stages_by_id, (gpointer)stage_id, stage);
          else
            g_object_unref (stage);
        }
    }
  return g_hash_table_lookup (self->stages_by_id, id);
}

FlowsStage *
flows_flow_find_stage_by_key (FlowsFlow  *self,
                              const char *key)
{
  g_return_val_if_fail (FLOWS_IS_FLOW (self), NULL);
  return find_stage (self, stage_has_key, key);
}

FlowsStage *
flows_flow_get_trigger (FlowsFlow *self)
{
  g_return_val_if_fail (FLOWS_IS_FLOW (self), NULL);
  return find_stage (self, stage_is_trigger, NULL);
}
