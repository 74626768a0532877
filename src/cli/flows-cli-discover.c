/* flows-cli-discover.c — flows-cli new-app NAME --discover ISSUER_URL */

#include "config.h"

#include <glib/gi18n.h>

#include "flows-cli.h"
#include "flows-discovery.h"

typedef struct
{
  GMainLoop             *loop;
  FlowsProviderMetadata *metadata;
  GError                *error;
} Discovery;

static void
on_fetched (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Discovery *discovery = user_data;

  discovery->metadata = flows_discovery_fetch_finish (result, &discovery->error);
  g_main_loop_quit (discovery->loop);
}

int
flows_cli_new_app_discovered (FlowsCliInvocation *invocation,
                              FlowsLibrary       *library,
                              const char         *name,
                              const char         *issuer,
                              const char         *description)
{
  g_autoptr(FlowsProviderPresets) presets = flows_cli_load_presets (invocation);
  FlowsProviderPreset *preset = flows_provider_presets_find (presets, FLOWS_DISCOVERY_PRESET_ID);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Discovery discovery = { loop, NULL, NULL };
  g_autoptr(FlowsProviderMetadata) metadata = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlowsApp) app = NULL;
  g_auto(GStrv) found = NULL;

  if (preset == NULL)
    return flows_cli_fail (_("the provider preset “%s”, which discovery starts from, did not load (see “flows-cli providers”)"),
                           FLOWS_DISCOVERY_PRESET_ID);

  flows_discovery_fetch_async (NULL, issuer, NULL, on_fetched, &discovery);
  g_main_loop_run (loop);
  metadata = discovery.metadata;
  if (metadata == NULL)
    {
      g_autoptr(GError) discovery_error = discovery.error;
      return flows_cli_fail ("%s", discovery_error->message);
    }

  if (!(app = flows_discovery_create_app (preset, name, metadata, &error)))
    return flows_cli_fail ("%s", error->message);
  if (description != NULL)
    flows_app_set_description (app, description);
  if (!flows_library_add_app (library, app, &error))
    return flows_cli_fail ("%s", error->message);

  g_print (_("Created the OAuth App “%s” from the provider’s metadata:\n"), flows_app_get_name (app));
  found = flows_provider_metadata_describe (metadata);
  for (guint i = 0; found[i] != NULL && found[i + 1] != NULL; i += 2)
    g_print ("  %s: %s\n", found[i], found[i + 1]);
  g_print (_("Add a connection with the client ID (and secret) the provider gave you, then sign in.\n"));
  g_print ("%s\n", flows_app_get_id (app));
  return FLOWS_CLI_EXIT_OK;
}
