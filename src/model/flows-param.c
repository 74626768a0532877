/* flows-param.c — one parameter of an App's connection */

#include "flows-param.h"
#include "flows-enums.h"
#include "flows-model-private.h"

struct _FlowsParam
{
  GObject         parent_instance;

  char           *key;
  char           *label;
  char           *description;
  char           *default_value;
  char          **choices;
  FlowsParamKind  kind;
  guint           required : 1;
  guint           sensitive : 1;
  guint           from_sign_in : 1;
};

G_DEFINE_FINAL_TYPE (FlowsParam, flows_param, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_KEY,
  PROP_LABEL,
  PROP_DESCRIPTION,
  PROP_KIND,
  PROP_REQUIRED,
  PROP_DEFAULT,
  PROP_SENSITIVE,
  PROP_FROM_SIGN_IN,
  PROP_CHOICES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
flows_param_finalize (GObject *object)
{
  FlowsParam *self = (FlowsParam *)object;

  g_clear_pointer (&self->key, g_free);
  g_clear_pointer (&self->label, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->default_value, g_free);
  g_clear_pointer (&self->choices, g_strfreev);

  G_OBJECT_CLASS (flows_param_parent_class)->finalize (object);
}

static void
flows_param_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  FlowsParam *self = FLOWS_PARAM (object);

  switch (prop_id)
    {
    case PROP_KEY:
      g_value_set_string (value, self->key);
      break;
    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_REQUIRED:
      g_value_set_boolean (value, self->required);
      break;
    case PROP_DEFAULT:
      g_value_set_string (value, self->default_value);
      break;
    case PROP_SENSITIVE:
      g_value_set_boolean (value, self->sensitive);
      break;
    case PROP_FROM_SIGN_IN:
      g_value_set_boolean (value, self->from_sign_in);
      break;
    case PROP_CHOICES:
      g_value_set_boxed (value, self->choices);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_param_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  FlowsParam *self = FLOWS_PARAM (object);

  switch (prop_id)
    {
    case PROP_KEY:
      flows_param_set_key (self, g_value_get_string (value));
      break;
    case PROP_LABEL:
      flows_param_set_label (self, g_value_get_string (value));
      break;
    case PROP_DESCRIPTION:
      flows_param_set_description (self, g_value_get_string (value));
      break;
    case PROP_KIND:
      flows_param_set_kind (self, g_value_get_enum (value));
      break;
    case PROP_REQUIRED:
      flows_param_set_required (self, g_value_get_boolean (value));
      break;
    case PROP_DEFAULT:
      flows_param_set_default (self, g_value_get_string (value));
      break;
    case PROP_SENSITIVE:
      flows_param_set_sensitive (self, g_value_get_boolean (value));
      break;
    case PROP_FROM_SIGN_IN:
      flows_param_set_from_sign_in (self, g_value_get_boolean (value));
      break;
    case PROP_CHOICES:
      flows_param_set_choices (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_param_class_init (FlowsParamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = flows_param_finalize;
  object_class->get_property = flows_param_get_property;
  object_class->set_property = flows_param_set_property;

  properties[PROP_KEY] = g_param_spec_string ("key", NULL, NULL, "", flags);
  properties[PROP_LABEL] = g_param_spec_string ("label", NULL, NULL, "", flags);
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, "", flags);
  properties[PROP_KIND] = g_param_spec_enum ("kind", NULL, NULL,
                                             FLOWS_TYPE_PARAM_KIND, FLOWS_PARAM_KIND_TEXT, flags);
  properties[PROP_REQUIRED] = g_param_spec_boolean ("required", NULL, NULL, FALSE, flags);
  properties[PROP_DEFAULT] = g_param_spec_string ("default", NULL, NULL, "", flags);
  properties[PROP_SENSITIVE] = g_param_spec_boolean ("sensitive", NULL, NULL, FALSE, flags);
  properties[PROP_FROM_SIGN_IN] = g_param_spec_boolean ("from-sign-in", NULL, NULL, FALSE, flags);
  properties[PROP_CHOICES] = g_param_spec_boxed ("choices", NULL, NULL, G_TYPE_STRV, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
flows_param_init (FlowsParam *self)
{
  self->key = g_strdup ("");
  self->label = g_strdup ("");
  self->description = g_strdup ("");
  self->default_value = g_strdup ("");
  self->choices = g_new0 (char *, 1);
  _flows_model_changed ();
}

FlowsParam *
flows_param_new (const char     *key,
                 const char     *label,
                 FlowsParamKind  kind)
{
  return g_object_new (FLOWS_TYPE_PARAM,
                       "key", key,
                       "label", label,
                       "kind", kind,
                       NULL);
}

const char *
flows_param_get_key (FlowsParam *self)
{
  g_return_val_if_fail (FLOWS_IS_PARAM (self), NULL);
  return self->key;
}

void
flows_param_set_key (FlowsParam *self,
                     const char *key)
{
  g_return_if_fail (FLOWS_IS_PARAM (self));
  _flows_model_set_string (G_OBJECT (self), &self->key, key, properties[PROP_KEY]);
}

const char *
flows_param_get_label (FlowsParam *self)
{
  g_return_val_if_fail (FLOWS_IS_PARAM (self), NULL);
  return self->label;
}

void
flows_param_set_label (FlowsParam *self,
                       const char *label)
{
  g_return_if_fail (FLOWS_IS_PARAM (self));
  _flows_model_set_string (G_OBJECT (self), &self->label, label, properties[PROP_LABEL]);
}

const char *
flows_param_get_description (FlowsParam *self)
{
  g_return_val_if_fail (FLOWS_IS_PARAM (self), NULL);
  return self->description;
}

void
flows_param_set_description (FlowsParam *self,
                             const char *description)
{
  g_return_if_fail (FLOWS_IS_PARAM (self));
  _flows_model_set_string (G_OBJECT (self), &self->description, description, properties[PROP_DESCRIPTION]);
}

FlowsParamKind
flows_param_get_kind (FlowsParam *self)
{
  g_return_val_if_fail (FLOWS_IS_PARAM (self), FLOWS_PARAM_KIND_TEXT);
  return self->kind;
}

void
flows_param_set_kind (FlowsParam     *self,
                      FlowsParamKind  kind)
{
  g_return_if_fail (FLOWS_IS_PARAM (self));
  if (self->kind == kind)
    return;
  self->kind = kind;
  _flows_model_changed ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KIND]);
}

gboolean
flows_param_get_required (FlowsParam *self)
{
  g_return_val_if_fail (FLOWS_IS_PARAM (self), FALSE);
  return self->required;
}

void
flows_param_set_required (FlowsParam *self,
                          gboolean    required)
{
  g_return_if_fail (FLOWS_IS_PARAM (self));
  required = !!required;
  if (self->required == (guint)required)
    return;
  self->required = required;
  _flows_model_changed ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REQUIRED]);
}

const char *
flows_param_get_default (FlowsParam *self)
{
  g_return_val_if_fail (FLOWS_IS_PARAM (self), NULL);
  return self->default_value;
}

void
flows_param_set_default (FlowsParam *self,
                         const char *default_value)
{
  g_return_if_fail (FLOWS_IS_PARAM (self));
  _flows_model_set_string (G_OBJECT (self), &self->default_value, default_value, properties[PROP_DEFAULT]);
}

gboolean
flows_param_get_sensitive (FlowsParam *self)
{
  g_return_val_if_fail (FLOWS_IS_PARAM (self), FALSE);
  return self->sensitive;
}

void
flows_param_set_sensitive (FlowsParam *self,
                           gboolean    sensitive)
{
  g_return_if_fail (FLOWS_IS_PARAM (self));
  sensitive = !!sensitive;
  if (self->sensitive == (guint)sensitive)
    return;
  self->sensitive = sensitive;
  _flows_model_changed ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SENSITIVE]);
}

gboolean
flows_param_get_from_sign_in (FlowsParam *self)
{
  g_return_val_if_fail (FLOWS_IS_PARAM (self), FALSE);
  return self->from_sign_in;
}

void
flows_param_set_from_sign_in (FlowsParam *self,
                              gboolean    from_sign_in)
{
  g_return_if_fail (FLOWS_IS_PARAM (self));
  from_sign_in = !!from_sign_in;
  if (self->from_sign_in == (guint)from_sign_in)
    return;
  self->from_sign_in = from_sign_in;
  _flows_model_changed ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FROM_SIGN_IN]);
}

const char * const *
flows_param_get_choices (FlowsParam *self)
{
  g_return_val_if_fail (FLOWS_IS_PARAM (self), NULL);
  return (const char * const *)self->choices;
}

void
flows_param_set_choices (FlowsParam         *self,
                         const char * const *choices)
{
  static const char * const no_choices[] = { NULL };

  g_return_if_fail (FLOWS_IS_PARAM (self));

  if (choices == NULL)
    choices = no_choices;
  if (g_strv_equal ((const char * const *)self->choices, choices))
    return;
  g_strfreev (self->choices);
  self->choices = g_strdupv ((char **)choices);
  _flows_model_changed ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHOICES]);
}
