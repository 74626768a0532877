/* flows-stage-registry.c — every stage type (docs/ARCHITECTURE.md, "Stage types") */

#include "config.h"

#include "flows-enums.h"
#include "flows-stage-registry.h"

#include "flows-stage-kind-trigger.h"
#include "flows-stage-kind-set-fields.h"
#include "flows-stage-kind-build-url.h"
#include "flows-stage-kind-call-api.h"
#include "flows-stage-kind-route-flow.h"
#include "flows-stage-kind-call-flow.h"
#include "flows-stage-kind-add-to-response.h"
#include "flows-stage-kind-sleep.h"
#include "flows-stage-kind-for-each.h"
#include "flows-stage-kind-end-with-error.h"

/* The stage types, one line each, in the order of the palette. */
static GType (* const kind_types[]) (void) = {
  flows_stage_kind_trigger_get_type,
  flows_stage_kind_set_fields_get_type,
  flows_stage_kind_build_url_get_type,
  flows_stage_kind_call_api_get_type,
  flows_stage_kind_route_flow_get_type,
  flows_stage_kind_call_flow_get_type,
  flows_stage_kind_add_to_response_get_type,
  flows_stage_kind_sleep_get_type,
  flows_stage_kind_for_each_get_type,
  flows_stage_kind_end_with_error_get_type,
};

typedef struct
{
  FlowsStageKind *kinds[G_N_ELEMENTS (kind_types)];
  GHashTable     *by_name;     /* stored name -> FlowsStageKind */
  GPtrArray      *by_type;     /* FlowsStageType -> FlowsStageKind, or NULL */
  GHashTable     *literal;     /* member names that are never templates */
} Registry;

/* Made once and kept for the life of the program, like the types it holds. */
static Registry *
get_registry (void)
{
  static Registry *registry;

  if (g_once_init_enter (&registry))
    {
      Registry *made = g_new0 (Registry, 1);
      g_autoptr(GEnumClass) enum_class = g_type_class_ref (FLOWS_TYPE_STAGE_TYPE);

      made->by_name = g_hash_table_new (g_str_hash, g_str_equal);
      made->by_type = g_ptr_array_new ();
      g_ptr_array_set_size (made->by_type, enum_class->n_values);
      made->literal = g_hash_table_new (g_str_hash, g_str_equal);

      for (guint i = 0; i < G_N_ELEMENTS (kind_types); i++)
        {
          FlowsStageKind *kind = g_object_new (kind_types[i] (), NULL);
          int stage_type;

          if (g_hash_table_contains (made->by_name, flows_stage_kind_get_name (kind)))
            g_critical ("Two stage types are stored as “%s”", flows_stage_kind_get_name (kind));
          made->kinds[i] = kind;
          g_hash_table_insert (made->by_name, (gpointer) flows_stage_kind_get_name (kind), kind);
          /* The model keeps a stage's type as a FlowsStageType, so every stage type is one. */
          if (flows_enum_from_nick (FLOWS_TYPE_STAGE_TYPE, flows_stage_kind_get_name (kind), &stage_type))
            g_ptr_array_index (made->by_type, stage_type) = kind;
          flows_setting_spec_collect_literal (flows_stage_kind_get_settings (kind), made->literal);
        }

      g_once_init_leave (&registry, made);
    }

  return registry;
}

FlowsStageKind *
flows_stage_registry_lookup (FlowsStageType stage_type)
{
  Registry *registry = get_registry ();
  FlowsStageKind *kind = stage_type < registry->by_type->len ? g_ptr_array_index (registry->by_type, stage_type) : NULL;

  g_return_val_if_fail (kind != NULL, NULL);

  return kind;
}

FlowsStageKind *
flows_stage_registry_lookup_name (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  return g_hash_table_lookup (get_registry ()->by_name, name);
}

FlowsStageKind *
flows_stage_registry_for_stage (FlowsStage *stage)
{
  g_return_val_if_fail (FLOWS_IS_STAGE (stage), NULL);

  return flows_stage_registry_lookup (flows_stage_get_stage_type (stage));
}

guint
flows_stage_registry_get_n_kinds (void)
{
  return G_N_ELEMENTS (kind_types);
}

FlowsStageKind *
flows_stage_registry_get_nth_kind (guint position)
{
  g_return_val_if_fail (position < G_N_ELEMENTS (kind_types), NULL);

  return get_registry ()->kinds[position];
}

gboolean
flows_stage_registry_is_literal_setting (const char *member)
{
  g_return_val_if_fail (member != NULL, FALSE);

  return g_hash_table_contains (get_registry ()->literal, member);
}

const char *
flows_stage_registry_route_label (const char *route)
{
  Registry *registry = get_registry ();

  g_return_val_if_fail (route != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (kind_types); i++)
    {
      const FlowsStageRoute *found = flows_stage_kind_find_route (registry->kinds[i], route);

      if (found != NULL)
        return flows_stage_route_get_label (found);
    }
  return NULL;
}
