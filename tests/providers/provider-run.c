/* provider-run.c — what the preset tests share (see provider-run.h) */

#include "config.h"

#include <string.h>

#include "flows-app.h"
#include "flows-library.h"
#include "flows-secrets.h"
#include "provider-run.h"
#include "runner-helpers.h"
#include "test-files.h"
#include "test-session.h"

static char *browser_env[3];

void
provider_run_init (const char *base_dir)
{
  g_autofree char *config_home = g_build_filename (base_dir, "config", NULL);
  g_autofree char *data_home = g_build_filename (base_dir, "xdg-data", NULL);
  g_autofree char *desktop_path = g_build_filename (data_home, "applications", "flows-test-no-browser.desktop", NULL);
  g_autofree char *mimeapps_path = g_build_filename (config_home, "mimeapps.list", NULL);
  g_autofree char *browser = g_find_program_in_path ("true");
  g_autofree char *desktop = NULL;

  /* A "default browser" that opens nothing: the test plays the user in it. */
  g_assert_nonnull (browser);
  desktop = g_strdup_printf ("[Desktop Entry]\nType=Application\nName=No browser\nExec=%s %%u\n"
                             "MimeType=x-scheme-handler/http;x-scheme-handler/https;\nNoDisplay=true\n", browser);
  test_write_text (desktop_path, desktop);
  test_write_text (mimeapps_path,
                   "[Default Applications]\nx-scheme-handler/http=flows-test-no-browser.desktop\n"
                   "x-scheme-handler/https=flows-test-no-browser.desktop\n");
  browser_env[0] = g_strconcat ("XDG_CONFIG_HOME=", config_home, NULL);
  browser_env[1] = g_strconcat ("XDG_DATA_HOME=", data_home, NULL);
}

void
provider_run_shutdown (void)
{
  g_clear_pointer (&browser_env[0], g_free);
  g_clear_pointer (&browser_env[1], g_free);
}

const char * const *
provider_run_env (void)
{
  return (const char * const *) browser_env;
}

TestCli *
provider_run_cli (ProviderRun        *run,
                  const char         *input,
                  const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, (gpointer) "--data-dir");
  g_ptr_array_add (argv, run->data_dir);
  g_ptr_array_add (argv, NULL);
  return test_cli_exec ((const char * const *) argv->pdata, provider_run_env (), input, PROVIDER_RUN_WAIT_MS);
}

void
provider_run_start (ProviderRun    *run,
                    const char     *preset,
                    const char     *data_dir,
                    ProviderSimNew  sim_new)
{
  g_autofree char *name = g_strdup_printf ("%s App", preset);
  g_autoptr(TestCli) created = NULL;
  g_autoptr(FlowsLibrary) library = NULL;
  g_autoptr(FlowsApp) app = NULL;
  GListModel *apps;

  run->preset = g_strdup (preset);
  run->data_dir = g_strdup (data_dir);
  created = PROVIDER_RUN_CLI (run, NULL, "new-app", name, "--provider", preset);
  g_assert_cmpint (created->status, ==, 0);

  library = test_library_open (run->data_dir);
  apps = flows_library_get_apps (library);
  g_assert_cmpuint (g_list_model_get_n_items (apps), ==, 1);
  app = g_list_model_get_item (apps, 0);
  run->app_id = g_strdup (flows_app_get_id (app));
  run->sim = sim_new (PROVIDER_RUN_CLIENT_ID, PROVIDER_RUN_CLIENT_SECRET, flows_app_get_redirect_url (app));
}

void
provider_run_clear (ProviderRun *run)
{
  g_autoptr(FlowsLibrary) library = NULL;
  GListModel *connections;

  if (run->data_dir != NULL && run->app_id != NULL && test_have_keyring ())
    {
      library = test_library_open (run->data_dir);
      connections = flows_library_get_connections (library);
      for (guint i = 0; i < g_list_model_get_n_items (connections); i++)
        {
          g_autoptr(FlowsConnection) connection = g_list_model_get_item (connections, i);

          test_clear_connection_secrets (run->app_id, flows_connection_get_id (connection));
        }
    }
  g_clear_pointer (&run->sim, provider_sim_free);
  g_clear_pointer (&run->preset, g_free);
  g_clear_pointer (&run->data_dir, g_free);
  g_clear_pointer (&run->app_id, g_free);
  g_clear_pointer (&run->connection_id, g_free);
}

/* `--set KEY=VALUE` for @param when its default is an address (the provider's endpoints, a
 * Login URL): the preset's default with the simulation in place of the provider's host. */
static void
add_rebased (GPtrArray   *argv,
             ProviderSim *sim,
             FlowsParam  *param)
{
  const char *url = flows_param_get_default (param);
  g_autofree char *rebased = NULL;

  if (url == NULL || !g_str_has_prefix (url, "https://"))
    return;
  rebased = provider_sim_rebase (sim, url);
  g_ptr_array_add (argv, g_strdup ("--set"));
  g_ptr_array_add (argv, g_strdup_printf ("%s=%s", flows_param_get_key (param), rebased));
}

char *
provider_run_add_connection (ProviderRun *run,
                             const char  *name,
                             const char  *secret)
{
  g_autoptr(FlowsLibrary) library = test_library_open (run->data_dir);
  FlowsApp *app = flows_library_find_app (library, run->app_id);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(TestCli) added = NULL;
  g_autofree char *input = g_strconcat (secret, "\n", NULL);
  g_auto(GStrv) lines = NULL;

  g_assert_nonnull (app);
  g_ptr_array_add (argv, g_strdup ("connection"));
  g_ptr_array_add (argv, g_strdup ("add"));
  g_ptr_array_add (argv, g_strdup (run->app_id));
  g_ptr_array_add (argv, g_strdup (name));
  for (guint i = 0; i < g_list_model_get_n_items (flows_app_get_params (app)); i++)
    {
      g_autoptr(FlowsParam) param = g_list_model_get_item (flows_app_get_params (app), i);

      add_rebased (argv, run->sim, param);
    }
  g_ptr_array_add (argv, g_strdup ("--set"));
  g_ptr_array_add (argv, g_strdup ("ClientID=" PROVIDER_RUN_CLIENT_ID));
  g_ptr_array_add (argv, g_strdup ("--set"));
  g_ptr_array_add (argv, g_strdup ("ClientSecret=-"));
  g_ptr_array_add (argv, NULL);

  added = provider_run_cli (run, input, (const char * const *) argv->pdata);
  g_assert_cmpint (added->status, ==, 0);
  lines = g_strsplit (g_strchomp (added->out), "\n", -1);
  return g_strdup (lines[g_strv_length (lines) - 1]);
}

char *
provider_run_secret (ProviderRun *run,
                     const char  *connection_id,
                     const char  *key)
{
  g_autoptr(GError) error = NULL;
  char *value = flows_secrets_lookup_sync (run->app_id, connection_id, key, NULL, &error);

  g_assert_no_error (error);
  return value;
}

void
provider_run_assert_test_passes (ProviderRun *run)
{
  g_autoptr(TestCli) tested = PROVIDER_RUN_CLI (run, NULL, "test", run->connection_id);

  test_assert_contains (tested->out, "PASS\n");
  g_assert_true (g_str_has_prefix (tested->out, "PASS\n"));
  g_assert_cmpint (tested->status, ==, 0);
}
