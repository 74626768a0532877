/* flows-stage-kind.c — the base class of the stage types (docs/ARCHITECTURE.md, "Stage types") */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "flows-enums.h"
#include "flows-stage-kind.h"

typedef struct
{
  FlowsStageInfo  info;
  GPtrArray      *outputs; /* the route names of info.outputs, NULL-terminated */
} FlowsStageKindPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (FlowsStageKind, flows_stage_kind, G_TYPE_OBJECT)

/* Is @member of @settings missing or not what a required setting of its type must be? A text
 * must be a string that is not empty, a number a number. */
static gboolean
is_blank (JsonObject             *settings,
          const FlowsSettingSpec *spec)
{
  JsonNode *node = settings != NULL ? json_object_get_member (settings, spec->member) : NULL;
  GType value_type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return TRUE;
  value_type = json_node_get_value_type (node);
  if (spec->type == FLOWS_SETTING_NUMBER)
    return value_type != G_TYPE_INT64 && value_type != G_TYPE_DOUBLE;
  return value_type != G_TYPE_STRING || *json_node_get_string (node) == '\0';
}

/* One problem per required setting left blank, at its path, in the order of the description. */
static void
flows_stage_kind_real_validate (FlowsStageKind  *self,
                                FlowsStage      *stage,
                                FlowsStageCheck *check)
{
  JsonObject *settings = flows_stage_get_settings (stage);

  for (const FlowsSettingSpec *spec = flows_stage_kind_get_settings (self); spec != NULL && spec->member != NULL; spec++)
    if ((spec->flags & FLOWS_SETTING_REQUIRED) && is_blank (settings, spec))
      flows_stage_check_add_problem (check, stage, spec->member, "%s", _(spec->required_message));
}

static void
flows_stage_kind_constructed (GObject *object)
{
  FlowsStageKind *self = FLOWS_STAGE_KIND (object);
  FlowsStageKindPrivate *priv = flows_stage_kind_get_instance_private (self);
  FlowsStageKindClass *klass = FLOWS_STAGE_KIND_GET_CLASS (self);
  int stage_type = 0;

  G_OBJECT_CLASS (flows_stage_kind_parent_class)->constructed (object);

  /* The stored name is a nick of FlowsStageType: the model keeps a stage's type as that. */
  if (!flows_enum_from_nick (FLOWS_TYPE_STAGE_TYPE, klass->name, &stage_type))
    g_critical ("Stage type “%s” of %s is no value of FlowsStageType", klass->name, G_OBJECT_TYPE_NAME (self));

  priv->outputs = g_ptr_array_new ();
  for (const FlowsStageRoute *route = klass->routes; route != NULL && route->name != NULL; route++)
    g_ptr_array_add (priv->outputs, (gpointer) route->name);
  g_ptr_array_add (priv->outputs, NULL);

  /* Translated once, when the registry makes the instance: after the program set its locale. */
  priv->info.stage_type = stage_type;
  priv->info.name = _(klass->display_name);
  priv->info.icon_name = klass->icon_name;
  priv->info.description = _(klass->description);
  priv->info.outputs = (const char * const *) priv->outputs->pdata;
}

static void
flows_stage_kind_finalize (GObject *object)
{
  FlowsStageKindPrivate *priv = flows_stage_kind_get_instance_private (FLOWS_STAGE_KIND (object));

  g_clear_pointer (&priv->outputs, g_ptr_array_unref);

  G_OBJECT_CLASS (flows_stage_kind_parent_class)->finalize (object);
}

static void
flows_stage_kind_class_init (FlowsStageKindClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = flows_stage_kind_constructed;
  object_class->finalize = flows_stage_kind_finalize;

  klass->validate = flows_stage_kind_real_validate;
}

static void
flows_stage_kind_init (FlowsStageKind *self)
{
}

void
flows_stage_kind_class_set_metadata (FlowsStageKindClass *klass,
                                     const char          *name,
                                     const char          *display_name,
                                     const char          *icon_name,
                                     const char          *description)
{
  g_return_if_fail (FLOWS_IS_STAGE_KIND_CLASS (klass));
  g_return_if_fail (name != NULL && display_name != NULL && icon_name != NULL && description != NULL);

  klass->name = name;
  klass->display_name = display_name;
  klass->icon_name = icon_name;
  klass->description = description;
}

void
flows_stage_kind_class_set_routes (FlowsStageKindClass   *klass,
                                   const FlowsStageRoute *routes)
{
  g_return_if_fail (FLOWS_IS_STAGE_KIND_CLASS (klass));
  g_return_if_fail (routes != NULL);

  klass->routes = routes;
}

void
flows_stage_kind_class_set_settings (FlowsStageKindClass    *klass,
                                     const FlowsSettingSpec *settings)
{
  g_return_if_fail (FLOWS_IS_STAGE_KIND_CLASS (klass));
  g_return_if_fail (settings != NULL);

  klass->settings = settings;
}

const char *
flows_stage_kind_get_name (FlowsStageKind *self)
{
  g_return_val_if_fail (FLOWS_IS_STAGE_KIND (self), NULL);

  return FLOWS_STAGE_KIND_GET_CLASS (self)->name;
}

FlowsStageType
flows_stage_kind_get_stage_type (FlowsStageKind *self)
{
  g_return_val_if_fail (FLOWS_IS_STAGE_KIND (self), 0);

  return flows_stage_kind_get_info (self)->stage_type;
}

const char *
flows_stage_kind_get_display_name (FlowsStageKind *self)
{
  g_return_val_if_fail (FLOWS_IS_STAGE_KIND (self), NULL);

  return flows_stage_kind_get_info (self)->name;
}

const char *
flows_stage_kind_get_icon_name (FlowsStageKind *self)
{
  g_return_val_if_fail (FLOWS_IS_STAGE_KIND (self), NULL);

  return flows_stage_kind_get_info (self)->icon_name;
}

const char *
flows_stage_kind_get_description (FlowsStageKind *self)
{
  g_return_val_if_fail (FLOWS_IS_STAGE_KIND (self), NULL);

  return flows_stage_kind_get_info (self)->description;
}

const FlowsStageInfo *
flows_stage_kind_get_info (FlowsStageKind *self)
{
  FlowsStageKindPrivate *priv;

  g_return_val_if_fail (FLOWS_IS_STAGE_KIND (self), NULL);

  priv = flows_stage_kind_get_instance_private (self);
  return &priv->info;
}

const FlowsStageRoute *
flows_stage_kind_get_routes (FlowsStageKind *self)
{
  g_return_val_if_fail (FLOWS_IS_STAGE_KIND (self), NULL);

  return FLOWS_STAGE_KIND_GET_CLASS (self)->routes;
}

const FlowsStageRoute *
flows_stage_kind_find_route (FlowsStageKind *self,
                             const char     *name)
{
  g_return_val_if_fail (FLOWS_IS_STAGE_KIND (self), NULL);

  for (const FlowsStageRoute *route = FLOWS_STAGE_KIND_GET_CLASS (self)->routes; route != NULL && route->name != NULL; route++)
    if (g_strcmp0 (route->name, name) == 0)
      return route;
  return NULL;
}

const char *
flows_stage_route_get_label (const FlowsStageRoute *route)
{
  g_return_val_if_fail (route != NULL, NULL);

  return g_dpgettext2 (GETTEXT_PACKAGE, "route", route->label);
}

const FlowsSettingSpec *
flows_stage_kind_get_settings (FlowsStageKind *self)
{
  g_return_val_if_fail (FLOWS_IS_STAGE_KIND (self), NULL);

  return FLOWS_STAGE_KIND_GET_CLASS (self)->settings;
}

JsonObject *
flows_stage_kind_new_default_settings (FlowsStageKind *self)
{
  g_return_val_if_fail (FLOWS_IS_STAGE_KIND (self), NULL);

  return flows_setting_spec_new_defaults (flows_stage_kind_get_settings (self));
}

void
flows_stage_kind_execute (FlowsStageKind    *self,
                          FlowsStage        *stage,
                          FlowsStageContext *context)
{
  g_return_if_fail (FLOWS_IS_STAGE_KIND (self));
  g_return_if_fail (FLOWS_IS_STAGE (stage));
  g_return_if_fail (context != NULL);

  FLOWS_STAGE_KIND_GET_CLASS (self)->execute (self, stage, context);
}

void
flows_stage_kind_validate (FlowsStageKind  *self,
                           FlowsStage      *stage,
                           FlowsStageCheck *check)
{
  g_return_if_fail (FLOWS_IS_STAGE_KIND (self));
  g_return_if_fail (FLOWS_IS_STAGE (stage));
  g_return_if_fail (check != NULL);

  FLOWS_STAGE_KIND_GET_CLASS (self)->validate (self, stage, check);
}

void
flows_stage_kind_add_to_scope (FlowsStageKind    *self,
                               FlowsStage        *stage,
                               FlowsApp          *app,
                               FlowsScopeOutputs *outputs)
{
  FlowsStageKindClass *klass;

  g_return_if_fail (FLOWS_IS_STAGE_KIND (self));
  g_return_if_fail (FLOWS_IS_STAGE (stage));
  g_return_if_fail (outputs != NULL);

  klass = FLOWS_STAGE_KIND_GET_CLASS (self);
  if (klass->add_to_scope != NULL)
    klass->add_to_scope (self, stage, app, outputs);
}

void
flows_stage_kind_foreach_response_field (FlowsStageKind         *self,
                                         FlowsStage             *stage,
                                         FlowsResponseFieldFunc  func,
                                         gpointer                user_data)
{
  FlowsStageKindClass *klass;

  g_return_if_fail (FLOWS_IS_STAGE_KIND (self));
  g_return_if_fail (FLOWS_IS_STAGE (stage));
  g_return_if_fail (func != NULL);

  klass = FLOWS_STAGE_KIND_GET_CLASS (self);
  if (klass->foreach_response_field != NULL)
    klass->foreach_response_field (self, stage, func, user_data);
}
