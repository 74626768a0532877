/* flows-stage.c — one stage of a flow */

#include "flows-stage.h"
#include "flows-enums.h"
#include "flows-model-private.h"

struct _FlowsStage
{
  GObject         parent_instance;

  char           *id;
  char           *key;
  char           *name;
  JsonObject     *settings;
  /* output name -> target stage id; a JsonObject keeps the order in which routes were added,
   * which keeps saved files stable. */
  JsonObject     *routes;
  double          x;
  double          y;
  FlowsStageType  stage_type;
};

G_DEFINE_FINAL_TYPE (FlowsStage, flows_stage, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_KEY,
  PROP_STAGE_TYPE,
  PROP_NAME,
  PROP_X,
  PROP_Y,
  PROP_SETTINGS,
  N_PROPS
};

enum {
  ROUTES_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
flows_stage_finalize (GObject *object)
{
  FlowsStage *self = (FlowsStage *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->key, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->settings, json_object_unref);
  g_clear_pointer (&self->routes, json_object_unref);

  G_OBJECT_CLASS (flows_stage_parent_class)->finalize (object);
}

static void
flows_stage_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  FlowsStage *self = FLOWS_STAGE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_KEY:
      g_value_set_string (value, self->key);
      break;
    case PROP_STAGE_TYPE:
      g_value_set_enum (value, self->stage_type);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_X:
      g_value_set_double (value, self->x);
      break;
    case PROP_Y:
      g_value_set_double (value, self->y);
      break;
    case PROP_SETTINGS:
      g_value_set_boxed (value, self->settings);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_stage_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  FlowsStage *self = FLOWS_STAGE (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;
    case PROP_KEY:
      flows_stage_set_key (self, g_value_get_string (value));
      break;
    case PROP_STAGE_TYPE:
      self->stage_type = g_value_get_enum (value);
      break;
    case PROP_NAME:
      flows_stage_set_name (self, g_value_get_string (value));
      break;
    case PROP_X:
      flows_stage_set_position (self, g_value_get_double (value), self->y);
      break;
    case PROP_Y:
      flows_stage_set_position (self, self->x, g_value_get_double (value));
      break;
    case PROP_SETTINGS:
      flows_stage_set_settings (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_stage_class_init (FlowsStageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = flows_stage_finalize;
  object_class->get_property = flows_stage_get_property;
  object_class->set_property = flows_stage_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KEY] = g_param_spec_string ("key", NULL, NULL, "", flags);
  properties[PROP_STAGE_TYPE] =
    g_param_spec_enum ("stage-type", NULL, NULL,
                       FLOWS_TYPE_STAGE_TYPE, FLOWS_STAGE_TYPE_TRIGGER,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, "", flags);
  properties[PROP_X] = g_param_spec_double ("x", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  properties[PROP_Y] = g_param_spec_double ("y", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  properties[PROP_SETTINGS] =
    g_param_spec_boxed ("settings", NULL, NULL, JSON_TYPE_OBJECT, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Emitted when a route is added, changed or removed. */
  signals[ROUTES_CHANGED] =
    g_signal_new ("routes-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
flows_stage_init (FlowsStage *self)
{
  self->key = g_strdup ("");
  self->name = g_strdup ("");
  self->settings = json_object_new ();
  self->routes = json_object_new ();
  _flows_model_changed ();
}

FlowsStage *
flows_stage_new (const char     *id,
                 const char     *key,
                 FlowsStageType  stage_type,
                 const char     *name)
{
  g_return_val_if_fail (id != NULL, NULL);

  return g_object_new (FLOWS_TYPE_STAGE,
                       "id", id,
                       "key", key,
                       "stage-type", stage_type,
                       "name", name,
                       NULL);
}

const char *
flows_stage_get_id (FlowsStage *self)
{
  g_return_val_if_fail (FLOWS_IS_STAGE (self), NULL);
  return self->id;
}

const char *
flows_stage_get_key (FlowsStage *self)
{
  g_return_val_if_fail (FLOWS_IS_STAGE (self), NULL);
  return self->key;
}

void
flows_stage_set_key (FlowsStage *self,
                     const char *key)
{
  g_return_if_fail (FLOWS_IS_STAGE (self));
  _flows_model_set_string (G_OBJECT (self), &self->key, key, properties[PROP_KEY]);
}

FlowsStageType
flows_stage_get_stage_type (FlowsStage *self)
{
  g_return_val_if_fail (FLOWS_IS_STAGE (self), FLOWS_STAGE_TYPE_TRIGGER);
  return self->stage_type;
}

const char *
flows_stage_get_name (FlowsStage *self)
{
  g_return_val_if_fail (FLOWS_IS_STAGE (self), NULL);
  return self->name;
}

void
flows_stage_set_name (FlowsStage *self,
                      const char *name)
{
  g_return_if_fail (FLOWS_IS_STAGE (self));
  _flows_model_set_string (G_OBJECT (self), &self->name, name, properties[PROP_NAME]);
}

double
flows_stage_get_x (FlowsStage *self)
{
  g_return_val_if_fail (FLOWS_IS_STAGE (self), 0);
  return self->x;
}

double
flows_stage_get_y (FlowsStage *self)
{
  g_return_val_if_fail (FLOWS_IS_STAGE (self), 0);
  return self->y;
}

void
flows_stage_set_position (FlowsStage *self,
                          double      x,
                          double      y)
{
  g_return_if_fail (FLOWS_IS_STAGE (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (self->x != x)
    {
      self->x = x;
      _flows_model_changed ();
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_X]);
    }
  if (self->y != y)
    {
      self->y = y;
      _flows_model_changed ();
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_Y]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

JsonObject *
flows_stage_get_settings (FlowsStage *self)
{
  g_return_val_if_fail (FLOWS_IS_STAGE (self), NULL);
  return self->settings;
}

void
flows_stage_set_settings (FlowsStage *self,
                          JsonObject *settings)
{
  g_return_if_fail (FLOWS_IS_STAGE (self));

  /* The same object again may have been changed in place since it was set, which is not how to
   * change settings but is told to nobody else: the model changed all the same. */
  _flows_model_changed ();
  if (settings == self->settings)
    return;
  g_clear_pointer (&self->settings, json_object_unref);
  self->settings = settings != NULL ? json_object_ref (settings) : json_object_new ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SETTINGS]);
}

const char *
flows_stage_get_string_setting (FlowsStage *self,
                                const char *name)
{
  JsonNode *node;

  g_return_val_if_fail (FLOWS_IS_STAGE (self), NULL);

  node = json_object_get_member (self->settings, name);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

const char *
flows_stage_get_route (FlowsStage *self,
                       const char *output)
{
  g_return_val_if_fail (FLOWS_IS_STAGE (self), NULL);
  g_return_val_if_fail (output != NULL, NULL);

  if (!json_object_has_member (self->routes, output))
    return NULL;
  return json_object_get_string_member (self->routes, output);
}

void
flows_stage_set_route (FlowsStage *self,
                       const char *output,
                       const char *target_id)
{
  g_return_if_fail (FLOWS_IS_STAGE (self));
  g_return_if_fail (output != NULL);

  if (g_strcmp0 (flows_stage_get_route (self, output), target_id) == 0)
    return;

  if (target_id == NULL)
    json_object_remove_member (self->routes, output);
  else
    json_object_set_string_member (self->routes, output, target_id);

  _flows_model_changed ();
  g_signal_emit (self, signals[ROUTES_CHANGED], 0);
}

char **
flows_stage_list_routes (FlowsStage *self)
{
  g_autoptr(GList) members = NULL;
  GStrvBuilder *builder;
  char **result;

  g_return_val_if_fail (FLOWS_IS_STAGE (self), NULL);

  builder = g_strv_builder_new ();
  members = json_object_get_members (self->routes);
  for (GList *l = members; l != NULL; l = l->next)
    g_strv_builder_add (builder, l->data);
  result = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return result;
}
