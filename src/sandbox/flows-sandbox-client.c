/* flows-sandbox-client.c — the sandbox provider as its clients know it */

#include "config.h"

#include "flows-sandbox-client.h"
#include "flows-sandbox-provider.h"

guint
flows_sandbox_get_configured_port (void)
{
  g_autoptr(GSettingsSchema) schema =
    g_settings_schema_source_lookup (g_settings_schema_source_get_default (), APP_ID, TRUE);
  g_autoptr(GSettings) settings = NULL;

  if (schema == NULL)
    return FLOWS_SANDBOX_DEFAULT_PORT;
  settings = g_settings_new (APP_ID);
  return g_settings_get_uint (settings, "sandbox-port");
}

gboolean
flows_sandbox_is_endpoint (const char *url,
                           guint       port)
{
  static const char * const paths[] = {
    "", "/",
    FLOWS_SANDBOX_AUTHORIZE_PATH,
    FLOWS_SANDBOX_TOKEN_PATH,
    FLOWS_SANDBOX_USERINFO_PATH,
    FLOWS_SANDBOX_METADATA_PATH,
  };
  g_autoptr(GUri) uri = NULL;
  const char *host;

  if (url == NULL || port == 0 ||
      !(uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL)) ||
      g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") != 0 ||
      (host = g_uri_get_host (uri)) == NULL ||
      (g_strcmp0 (host, "127.0.0.1") != 0 && g_ascii_strcasecmp (host, "localhost") != 0) ||
      g_uri_get_port (uri) != (int)port)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    if (g_str_equal (g_uri_get_path (uri), paths[i]))
      return TRUE;
  return FALSE;
}

gboolean
flows_sandbox_serves_any (const char * const *urls,
                          guint               port)
{
  for (guint i = 0; urls != NULL && urls[i] != NULL; i++)
    if (flows_sandbox_is_endpoint (urls[i], port))
      return TRUE;
  return FALSE;
}

GHashTable *
flows_sandbox_get_connection_values (guint port)
{
  GHashTable *values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autofree char *base = g_strdup_printf ("http://127.0.0.1:%u", port);

  g_hash_table_insert (values, (gpointer)"AuthURL", g_strconcat (base, FLOWS_SANDBOX_AUTHORIZE_PATH, NULL));
  g_hash_table_insert (values, (gpointer)"TokenURL", g_strconcat (base, FLOWS_SANDBOX_TOKEN_PATH, NULL));
  g_hash_table_insert (values, (gpointer)"TestURL", g_strconcat (base, FLOWS_SANDBOX_USERINFO_PATH, NULL));
  g_hash_table_insert (values, (gpointer)"ClientID", g_strdup (FLOWS_SANDBOX_CLIENT_ID));
  g_hash_table_insert (values, (gpointer)"ClientSecret", g_strdup (FLOWS_SANDBOX_CLIENT_SECRET));
  return values;
}
