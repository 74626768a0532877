/* flows-stage-kind-end-with-error.c — the End With Error stage type
 *
 * {"message": TEMPLATE, "code": TEMPLATE, "needsSignIn": bool}
 * Ends the flow by failing the run: FLOWS_RUN_ERROR_NEEDS_SIGN_IN with "needsSignIn", otherwise
 * FLOWS_RUN_ERROR_ENDED_WITH_ERROR; the message is "CODE: MESSAGE", or MESSAGE when the code is
 * empty. No routes and no outputs. A flow reports a provider's error with it (an error inside an
 * HTTP 200 body, a refused refresh in the provider's own words): what the OAuth sequence and the
 * Connection Test do with it is in docs/ARCHITECTURE.md, "Runs and errors".
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "flows-stage-kind-end-with-error.h"
#include "flows-stage-settings.h"

struct _FlowsStageKindEndWithError
{
  FlowsStageKind parent_instance;
};

G_DEFINE_FINAL_TYPE (FlowsStageKindEndWithError, flows_stage_kind_end_with_error, FLOWS_TYPE_STAGE_KIND)

static const FlowsStageRoute routes[] = {
  { NULL },
};

static const FlowsSettingSpec settings_spec[] = {
  { .member = "message", .type = FLOWS_SETTING_TEXT, .flags = FLOWS_SETTING_REFERENCES | FLOWS_SETTING_REQUIRED,
    .label = N_("Message"), .group = N_("Error"),
    .group_description = N_("The run fails with this message. A reference to nothing is left empty."),
    .required_message = N_("Enter the message the run fails with") },
  { .member = "code", .type = FLOWS_SETTING_TEXT, .flags = FLOWS_SETTING_REFERENCES, .label = N_("Code"),
    .description = N_("The provider’s error code, shown before the message"), .group = N_("Error") },
  { .member = "needsSignIn", .type = FLOWS_SETTING_BOOLEAN, .label = N_("Needs Sign-In"),
    .description = N_("Only signing in again can help: a refresh ending here marks the connection as needing sign-in"),
    .group = N_("Error") },
  { NULL },
};

static void
flows_stage_kind_end_with_error_execute (FlowsStageKind    *kind,
                                         FlowsStage        *stage,
                                         FlowsStageContext *context)
{
  JsonObject *settings = flows_stage_get_settings (stage);
  gboolean needs_sign_in = flows_settings_get_boolean (settings, "needsSignIn");
  g_autoptr(JsonObject) resolved = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *code = NULL;

  /* This stage reports what is missing: a field the provider left out must not fail it. */
  if (!(message = flows_stage_context_expand_or_empty (context, "message", flows_settings_get_string (settings, "message"),
                                                       NULL, &error)) ||
      !(code = flows_stage_context_expand_or_empty (context, "code", flows_settings_get_string (settings, "code"),
                                                    NULL, &error)))
    {
      flows_stage_context_fail (context, NULL, g_steal_pointer (&error));
      return;
    }

  json_object_set_string_member (resolved, "message", message);
  json_object_set_string_member (resolved, "code", code);
  json_object_set_boolean_member (resolved, "needsSignIn", needs_sign_in);
  flows_stage_context_fail (context, g_steal_pointer (&resolved),
                            g_error_new (FLOWS_RUN_ERROR,
                                         needs_sign_in ? FLOWS_RUN_ERROR_NEEDS_SIGN_IN : FLOWS_RUN_ERROR_ENDED_WITH_ERROR,
                                         "%s%s%s", code, *code != '\0' ? ": " : "", message));
}

static void
flows_stage_kind_end_with_error_class_init (FlowsStageKindEndWithErrorClass *klass)
{
  FlowsStageKindClass *kind_class = FLOWS_STAGE_KIND_CLASS (klass);

  kind_class->execute = flows_stage_kind_end_with_error_execute;

  flows_stage_kind_class_set_metadata (kind_class, "end-with-error", N_("End With Error"), "dialog-error-symbolic",
                                       N_("Ends the flow, failing it with a message"));
  flows_stage_kind_class_set_routes (kind_class, routes);
  flows_stage_kind_class_set_settings (kind_class, settings_spec);
}

static void
flows_stage_kind_end_with_error_init (FlowsStageKindEndWithError *self)
{
}
