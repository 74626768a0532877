/* flows-stage-query.c — the query parameters of Build URL and Call API */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "flows-stage-query.h"
#include "flows-stage-settings.h"

const FlowsSettingSpec flows_stage_query_members[] = {
  FLOWS_SETTING_SPEC_NAME,
  FLOWS_SETTING_SPEC_VALUE,
  { .member = "omitWhenEmpty", .type = FLOWS_SETTING_BOOLEAN, .label = N_("Omit when empty") },
  { NULL },
};

gboolean
flows_stage_query_append (FlowsStageContext  *context,
                          GString            *url,
                          JsonObject         *settings,
                          GError            **error)
{
  g_autoptr(GPtrArray) query = flows_settings_get_entries (settings, "query");
  g_autofree char *fragment = NULL;
  const char *hash = strchr (url->str, '#');
  gboolean has_query;

  if (hash != NULL)
    {
      fragment = g_strdup (hash);
      g_string_truncate (url, hash - url->str);
    }
  has_query = strchr (url->str, '?') != NULL;

  for (guint i = 0; i < query->len; i++)
    {
      JsonObject *parameter = g_ptr_array_index (query, i);
      g_autofree char *name_setting = g_strdup_printf ("query[%u].name", i);
      g_autofree char *value_setting = g_strdup_printf ("query[%u].value", i);
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;
      g_autofree char *encoded_name = NULL;
      g_autofree char *encoded_value = NULL;

      if (!(name = flows_stage_context_expand (context, name_setting, flows_settings_get_string (parameter, "name"),
                                               FLOWS_EXPANSION_TEXT, error)) ||
          !(value = flows_stage_context_expand (context, value_setting, flows_settings_get_string (parameter, "value"),
                                                FLOWS_EXPANSION_TEXT, error)))
        return FALSE;
      if (*value == '\0' && flows_settings_get_boolean (parameter, "omitWhenEmpty"))
        continue;

      encoded_name = flows_encode_url_component (name);
      encoded_value = flows_encode_url_component (value);
      g_string_append_c (url, has_query ? '&' : '?');
      g_string_append_printf (url, "%s=%s", encoded_name, encoded_value);
      has_query = TRUE;
    }

  if (fragment != NULL)
    g_string_append (url, fragment);
  return TRUE;
}
