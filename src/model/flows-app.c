/* flows-app.c — an App: its connection definition and its flows */

#include <string.h>

#include "flows-app.h"
#include "flows-enums.h"
#include "flows-model-private.h"

struct _FlowsApp
{
  GObject              parent_instance;

  char                *id;
  char                *name;
  char                *description;
  char                *icon_name;
  char                *redirect_url;
  char                *provider;
  char                *offline_access_hint;
  GArray              *refresh_on_status;  /* guint */
  GListStore          *params;
  GListStore          *flows;
  FlowsConnectionType  connection_type;
};

G_DEFINE_FINAL_TYPE (FlowsApp, flows_app, G_TYPE_OBJECT)

/* The model's revision (see flows-model-private.h). Atomic: objects may be built in any thread,
 * and a lost increment could bring the count back to a value a cache already holds. */
static gsize model_revision;

gsize
_flows_model_get_revision (void)
{
  return g_atomic_pointer_get (&model_revision);
}

void
_flows_model_changed (void)
{
  g_atomic_pointer_add (&model_revision, 1);
}

static void
on_list_items_changed (GListModel *list,
                       guint       position,
                       guint       removed,
                       guint       added,
                       gpointer    user_data)
{
  _flows_model_changed ();
}

void
_flows_model_watch_list (GListStore *store)
{
  g_signal_connect (store, "items-changed", G_CALLBACK (on_list_items_changed), NULL);
}

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_DESCRIPTION,
  PROP_ICON_NAME,
  PROP_CONNECTION_TYPE,
  PROP_REDIRECT_URL,
  PROP_PROVIDER,
  PROP_OFFLINE_ACCESS_HINT,
  PROP_REFRESH_ON_STATUS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
flows_app_finalize (GObject *object)
{
  FlowsApp *self = (FlowsApp *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->icon_name, g_free);
  g_clear_pointer (&self->redirect_url, g_free);
  g_clear_pointer (&self->provider, g_free);
  g_clear_pointer (&self->offline_access_hint, g_free);
  g_clear_pointer (&self->refresh_on_status, g_array_unref);
  g_clear_object (&self->params);
  g_clear_object (&self->flows);

  G_OBJECT_CLASS (flows_app_parent_class)->finalize (object);
}

static void
flows_app_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  FlowsApp *self = FLOWS_APP (object);

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
    case PROP_ICON_NAME:
      g_value_set_string (value, self->icon_name);
      break;
    case PROP_CONNECTION_TYPE:
      g_value_set_enum (value, self->connection_type);
      break;
    case PROP_REDIRECT_URL:
      g_value_set_string (value, self->redirect_url);
      break;
    case PROP_PROVIDER:
      g_value_set_string (value, self->provider);
      break;
    case PROP_OFFLINE_ACCESS_HINT:
      g_value_set_string (value, self->offline_access_hint);
      break;
    case PROP_REFRESH_ON_STATUS:
      g_value_set_boxed (value, self->refresh_on_status);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_app_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  FlowsApp *self = FLOWS_APP (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;
    case PROP_NAME:
      flows_app_set_name (self, g_value_get_string (value));
      break;
    case PROP_DESCRIPTION:
      flows_app_set_description (self, g_value_get_string (value));
      break;
    case PROP_ICON_NAME:
      flows_app_set_icon_name (self, g_value_get_string (value));
      break;
    case PROP_CONNECTION_TYPE:
      flows_app_set_connection_type (self, g_value_get_enum (value));
      break;
    case PROP_REDIRECT_URL:
      flows_app_set_redirect_url (self, g_value_get_string (value));
      break;
    case PROP_PROVIDER:
      flows_app_set_provider (self, g_value_get_string (value));
      break;
    case PROP_OFFLINE_ACCESS_HINT:
      flows_app_set_offline_access_hint (self, g_value_get_string (value));
      break;
    case PROP_REFRESH_ON_STATUS:
      {
        GArray *statuses = g_value_get_boxed (value);

        flows_app_set_refresh_on_status (self, statuses != NULL ? (const guint *)(gpointer) statuses->data : NULL,
                                         statuses != NULL ? statuses->len : 0);
      }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_app_class_init (FlowsAppClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = flows_app_finalize;
  object_class->get_property = flows_app_get_property;
  object_class->set_property = flows_app_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, "", flags);
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, "", flags);
  properties[PROP_ICON_NAME] = g_param_spec_string ("icon-name", NULL, NULL, "", flags);
  properties[PROP_CONNECTION_TYPE] =
    g_param_spec_enum ("connection-type", NULL, NULL,
                       FLOWS_TYPE_CONNECTION_TYPE, FLOWS_CONNECTION_TYPE_GENERIC, flags);
  properties[PROP_REDIRECT_URL] = g_param_spec_string ("redirect-url", NULL, NULL, "", flags);
  properties[PROP_PROVIDER] = g_param_spec_string ("provider", NULL, NULL, "", flags);
  properties[PROP_OFFLINE_ACCESS_HINT] = g_param_spec_string ("offline-access-hint", NULL, NULL, "", flags);
  /* A GArray of guint. */
  properties[PROP_REFRESH_ON_STATUS] = g_param_spec_boxed ("refresh-on-status", NULL, NULL, G_TYPE_ARRAY, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
flows_app_init (FlowsApp *self)
{
  self->name = g_strdup ("");
  self->description = g_strdup ("");
  self->icon_name = g_strdup ("");
  self->redirect_url = g_strdup ("");
  self->provider = g_strdup ("");
  self->offline_access_hint = g_strdup ("");
  self->refresh_on_status = g_array_new (FALSE, FALSE, sizeof (guint));
  flows_app_set_refresh_on_status (self, NULL, 0);
  self->params = g_list_store_new (FLOWS_TYPE_PARAM);
  self->flows = g_list_store_new (FLOWS_TYPE_FLOW);
  _flows_model_watch_list (self->params);
  _flows_model_watch_list (self->flows);
  _flows_model_changed ();
}

FlowsApp *
flows_app_new (const char          *id,
               const char          *name,
               FlowsConnectionType  connection_type)
{
  g_return_val_if_fail (id != NULL, NULL);

  return g_object_new (FLOWS_TYPE_APP,
                       "id", id,
                       "name", name,
                       "connection-type", connection_type,
                       NULL);
}


const char *
flows_app_get_id (FlowsApp *self)
{
  g_return_val_if_fail (FLOWS_IS_APP (self), NULL);
  return self->id;
}

const char *
flows_app_get_name (FlowsApp *self)
{
  g_return_val_if_fail (FLOWS_IS_APP (self), NULL);
  return self->name;
}

void
flows_app_set_name (FlowsApp   *self,
                    const char *name)
{
  g_return_if_fail (FLOWS_IS_APP (self));
  _flows_model_set_string (G_OBJECT (self), &self->name, name, properties[PROP_NAME]);
}

const char *
flows_app_get_description (FlowsApp *self)
{
  g_return_val_if_fail (FLOWS_IS_APP (self), NULL);
  return self->description;
}

void
flows_app_set_description (FlowsApp   *self,
                           const char *description)
{
  g_return_if_fail (FLOWS_IS_APP (self));
  _flows_model_set_string (G_OBJECT (self), &self->description, description, properties[PROP_DESCRIPTION]);
}

const char *
flows_app_get_icon_name (FlowsApp *self)
{
  g_return_val_if_fail (FLOWS_IS_APP (self), NULL);
  return self->icon_name;
}

void
flows_app_set_icon_name (FlowsApp   *self,
                         const char *icon_name)
{
  g_return_if_fail (FLOWS_IS_APP (self));
  _flows_model_set_string (G_OBJECT (self), &self->icon_name, icon_name, properties[PROP_ICON_NAME]);
}

FlowsConnectionType
flows_app_get_connection_type (FlowsApp *self)
{
  g_return_val_if_fail (FLOWS_IS_APP (self), FLOWS_CONNECTION_TYPE_GENERIC);
  return self->connection_type;
}

void
flows_app_set_connection_type (FlowsApp            *self,
                               FlowsConnectionType  connection_type)
{
  g_return_if_fail (FLOWS_IS_APP (self));
  if (self->connection_type == connection_type)
    return;
  self->connection_type = connection_type;
  _flows_model_changed ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION_TYPE]);
}

const char *
flows_app_get_redirect_url (FlowsApp *self)
{
  g_return_val_if_fail (FLOWS_IS_APP (self), NULL);
  return self->redirect_url;
}

void
flows_app_set_redirect_url (FlowsApp   *self,
                            const char *redirect_url)
{
  g_return_if_fail (FLOWS_IS_APP (self));
  _flows_model_set_string (G_OBJECT (self), &self->redirect_url, redirect_url, properties[PROP_REDIRECT_URL]);
}

GListModel *
flows_app_get_params (FlowsApp *self)
{
  g_return_val_if_fail (FLOWS_IS_APP (self), NULL);
  return G_LIST_MODEL (self->params);
}

void
flows_app_add_param (FlowsApp   *self,
                     FlowsParam *param)
{
  g_return_if_fail (FLOWS_IS_APP (self));
  g_return_if_fail (FLOWS_IS_PARAM (param));
  g_list_store_append (self->params, param);
}

void
flows_app_remove_param (FlowsApp   *self,
                        FlowsParam *param)
{
  guint position;

  g_return_if_fail (FLOWS_IS_APP (self));
  if (g_list_store_find (self->params, param, &position))
    g_list_store_remove (self->params, position);
}

FlowsParam *
flows_app_find_param (FlowsApp   *self,
                      const char *key)
{
  GListModel *params;
  guint n;

  g_return_val_if_fail (FLOWS_IS_APP (self), NULL);

  params = G_LIST_MODEL (self->params);
  n = g_list_model_get_n_items (params);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FlowsParam) param = g_list_model_get_item (params, i);

      if (g_strcmp0 (flows_param_get_key (param), key) == 0)
        return param;
    }
  return NULL;
}

GListModel *
flows_app_get_flows (FlowsApp *self)
{
  g_return_val_if_fail (FLOWS_IS_APP (self), NULL);
  return G_LIST_MODEL (self->flows);
}

void
flows_app_add_flow (FlowsApp  *self,
                    FlowsFlow *flow)
{
  g_return_if_fail (FLOWS_IS_APP (self));
  g_return_if_fail (FLOWS_IS_FLOW (flow));
  g_list_store_append (self->flows, flow);
}

void
flows_app_remove_flow (FlowsApp  *self,
                       FlowsFlow *flow)
{
  guint position;

  g_return_if_fail (FLOWS_IS_APP (self));
  if (g_list_store_find (self->flows, flow, &position))
    g_list_store_remove (self->flows, position);
}

FlowsFlow *
flows_app_find_flow (FlowsApp   *self,
                     const char *id_or_name)
{
  GListModel *flows;
  FlowsFlow *by_name = NULL;
  guint n;

  g_return_val_if_fail (FLOWS_IS_APP (self), NULL);

  flows = G_LIST_MODEL (self->flows);
  n = g_list_model_get_n_items (flows);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FlowsFlow) flow = g_list_model_get_item (flows, i);

      if (g_strcmp0 (flows_flow_get_id (flow), id_or_name) == 0)
        return flow;
      if (by_name == NULL && g_strcmp0 (flows_flow_get_name (flow), id_or_name) == 0)
        by_name = flow;
    }
  return by_name;
}

FlowsFlow *
flows_app_find_flow_by_role (FlowsApp      *self,
                             FlowsFlowRole  role)
{
  GListModel *flows;
  guint n;

  g_return_val_if_fail (FLOWS_IS_APP (self), NULL);
  g_return_val_if_fail (role != FLOWS_FLOW_ROLE_NONE, NULL);

  flows = G_LIST_MODEL (self->flows);
  n = g_list_model_get_n_items (flows);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FlowsFlow) flow = g_list_model_get_item (flows, i);

      if (flows_flow_get_role (flow) == role)
        return flow;
    }
  return NULL;
}

void
_flows_model_set_string (GObject     *object,
                         char       **field,
                         const char  *value,
                         GParamSpec  *pspec)
{
  if (value == NULL)
    value = "";
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  _flows_model_changed ();
  g_object_notify_by_pspec (object, pspec);
}

const char *
flows_app_get_provider (FlowsApp *self)
{
  g_return_val_if_fail (FLOWS_IS_APP (self), NULL);

  return self->provider;
}

void
flows_app_set_provider (FlowsApp   *self,
                        const char *provider)
{
  g_return_if_fail (FLOWS_IS_APP (self));

  _flows_model_set_string (G_OBJECT (self), &self->provider, provider, properties[PROP_PROVIDER]);
}

const char *
flows_app_get_offline_access_hint (FlowsApp *self)
{
  g_return_val_if_fail (FLOWS_IS_APP (self), NULL);

  return self->offline_access_hint;
}

void
flows_app_set_offline_access_hint (FlowsApp   *self,
                                   const char *hint)
{
  g_return_if_fail (FLOWS_IS_APP (self));

  _flows_model_set_string (G_OBJECT (self), &self->offline_access_hint, hint, properties[PROP_OFFLINE_ACCESS_HINT]);
}

const guint *
flows_app_get_refresh_on_status (FlowsApp *self,
                                 guint    *n_statuses)
{
  g_return_val_if_fail (FLOWS_IS_APP (self), NULL);

  *n_statuses = self->refresh_on_status->len;
  return (const guint *)(gpointer) self->refresh_on_status->data;
}

void
flows_app_set_refresh_on_status (FlowsApp    *self,
                                 const guint *statuses,
                                 guint        n_statuses)
{
  static const guint default_statuses[] = { FLOWS_APP_DEFAULT_REFRESH_ON_STATUS };

  g_return_if_fail (FLOWS_IS_APP (self));
  g_return_if_fail (statuses != NULL || n_statuses == 0);

  /* None given is the default: a token is always worth refreshing after a 401. */
  if (n_statuses == 0)
    {
      statuses = default_statuses;
      n_statuses = G_N_ELEMENTS (default_statuses);
    }
  if (self->refresh_on_status->len == n_statuses &&
      memcmp (self->refresh_on_status->data, statuses, n_statuses * sizeof (guint)) == 0)
    return;

  g_array_set_size (self->refresh_on_status, 0);
  g_array_append_vals (self->refresh_on_status, statuses, n_statuses);
  _flows_model_changed ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFRESH_ON_STATUS]);
}

gboolean
flows_app_refreshes_on_status (FlowsApp *self,
                               guint     status)
{
  g_return_val_if_fail (FLOWS_IS_APP (self), FALSE);

  for (guint i = 0; i < self->refresh_on_status->len; i++)
    if (g_array_index (self->refresh_on_status, guint, i) == status)
      return TRUE;
  return FALSE;
}
