/* flows-stage-kind-sleep.c — the Sleep stage type
 *
 * {"seconds": number}
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "flows-stage-kind-sleep.h"
#include "flows-stage-settings.h"

struct _FlowsStageKindSleep
{
  FlowsStageKind parent_instance;
};

G_DEFINE_FINAL_TYPE (FlowsStageKindSleep, flows_stage_kind_sleep, FLOWS_TYPE_STAGE_KIND)

static const FlowsStageRoute routes[] = {
  { "success", NC_("route", "success") },
  { NULL },
};

static const FlowsSettingSpec settings_spec[] = {
  { .member = "seconds", .type = FLOWS_SETTING_NUMBER, .flags = FLOWS_SETTING_REQUIRED, .label = N_("Duration"),
    .description = N_("Seconds"), .group = N_("Wait"), .required_message = N_("Enter how many seconds to wait"),
    .default_number = 1, .minimum = 0, .maximum = 3600, .digits = 1 },
  { NULL },
};

static void
flows_stage_kind_sleep_validate (FlowsStageKind  *kind,
                                 FlowsStage      *stage,
                                 FlowsStageCheck *check)
{
  JsonNode *seconds = json_object_get_member (flows_stage_get_settings (stage), "seconds");

  FLOWS_STAGE_KIND_CLASS (flows_stage_kind_sleep_parent_class)->validate (kind, stage, check);

  /* Not a number: the base class said so. */
  if (seconds != NULL && JSON_NODE_HOLDS_VALUE (seconds) &&
      (json_node_get_value_type (seconds) == G_TYPE_INT64 || json_node_get_value_type (seconds) == G_TYPE_DOUBLE) &&
      json_node_get_double (seconds) < 0)
    flows_stage_check_add_problem (check, stage, "seconds", _("A stage cannot wait a negative number of seconds"));
}

/* Running ----------------------------------------------------------------------------------- */

typedef struct
{
  FlowsStageContext *context;
  GCancellable      *cancellable;
  guint              timeout_id;
  gulong             cancelled_id;
  double             seconds;
} Sleep;

static void
sleep_done (Sleep  *sleep,
            GError *error)
{
  FlowsStageContext *context = sleep->context;
  g_autoptr(JsonObject) resolved = json_object_new ();

  g_clear_handle_id (&sleep->timeout_id, g_source_remove);
  /* Disconnecting from inside the cancelled handler would deadlock; it is done from an idle. */
  if (sleep->cancelled_id != 0)
    g_signal_handler_disconnect (sleep->cancellable, sleep->cancelled_id);
  json_object_set_double_member (resolved, "seconds", sleep->seconds);
  g_free (sleep);

  flows_stage_context_finish (context, "success", NULL, json_object_ref (resolved), error);
}

static gboolean
on_sleep_over (gpointer user_data)
{
  Sleep *sleep = user_data;

  sleep->timeout_id = 0;
  sleep_done (sleep, NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
on_sleep_cancelled_idle (gpointer user_data)
{
  sleep_done (user_data, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The run was cancelled")));
  return G_SOURCE_REMOVE;
}

static void
on_sleep_cancelled (GCancellable *cancellable,
                    gpointer      user_data)
{
  Sleep *sleep = user_data;

  g_clear_handle_id (&sleep->timeout_id, g_source_remove);
  g_idle_add (on_sleep_cancelled_idle, sleep);
}

static void
flows_stage_kind_sleep_execute (FlowsStageKind    *kind,
                                FlowsStage        *stage,
                                FlowsStageContext *context)
{
  Sleep *sleep = g_new0 (Sleep, 1);
  double seconds = flows_settings_get_number (flows_stage_get_settings (stage), "seconds", settings_spec[0].default_number);

  sleep->context = context;
  /* The run's cancellable outlives the stage. */
  sleep->cancellable = flows_stage_context_get_cancellable (context);
  sleep->seconds = CLAMP (seconds, 0, 24 * 3600);
  sleep->timeout_id = g_timeout_add ((guint)(sleep->seconds * 1000), on_sleep_over, sleep);
  if (sleep->cancellable != NULL)
    {
      sleep->cancelled_id = g_signal_connect (sleep->cancellable, "cancelled", G_CALLBACK (on_sleep_cancelled), sleep);
      if (g_cancellable_is_cancelled (sleep->cancellable))
        on_sleep_cancelled (sleep->cancellable, sleep);
    }
}

static void
flows_stage_kind_sleep_class_init (FlowsStageKindSleepClass *klass)
{
  FlowsStageKindClass *kind_class = FLOWS_STAGE_KIND_CLASS (klass);

  kind_class->execute = flows_stage_kind_sleep_execute;
  kind_class->validate = flows_stage_kind_sleep_validate;

  flows_stage_kind_class_set_metadata (kind_class, "sleep", N_("Sleep"), "alarm-symbolic", N_("Waits before going on"));
  flows_stage_kind_class_set_routes (kind_class, routes);
  flows_stage_kind_class_set_settings (kind_class, settings_spec);
}

static void
flows_stage_kind_sleep_init (FlowsStageKindSleep *self)
{
}
