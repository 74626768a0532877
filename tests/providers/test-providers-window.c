/* test-providers-window.c — provider presets signed in through the real embedded WebKit
 * sign-in window under Xvfb, as the app signs in: GitHub, Google and Slack, each preset
 * UNCHANGED against its simulation (sim-PROVIDER.c).
 *
 * The App and its connection are made with flows-cli as in test-providers.c; the sign-in runs
 * here, in the window, with the connection loaded from the data directory, and the consent page
 * is answered with JavaScript; then `flows-cli test` must PASS with the tokens the window
 * stored. The cases need a display and the disposable keyring of build-aux/session.
 */
#include "config.h"

#include <string.h>

#include "flows-library.h"
#include "provider-run.h"
#include "runner-helpers.h"
#include "sign-in-helpers.h"
#include "test-cases.h"
#include "test-files.h"

typedef struct
{
  const char     *path;
  const char     *id;
  ProviderSimNew  sim_new;
} WindowCase;

static const WindowCase cases[] = {
  { "/providers-window/github", "github", sim_github_new },
  { "/providers-window/google", "google", sim_google_new },
  { "/providers-window/slack", "slack", sim_slack_new },
};

static char *base_dir;

static void
test_window_sign_in (gconstpointer data)
{
  const WindowCase *row = data;
  g_autofree char *data_dir = g_build_filename (base_dir, row->id, NULL);
  ProviderRun run = { 0 };
  TestOAuthApp oauth_app = { 0 };
  SignInDrive drive;
  g_autofree char *access_token = NULL;

  if (!test_need_display () || !test_need_keyring ())
    return;

  provider_run_start (&run, row->id, data_dir, row->sim_new);
  run.connection_id = provider_run_add_connection (&run, "Mine", PROVIDER_RUN_CLIENT_SECRET);

  /* The connection as the app has it: from the data directory, with a runner of its own. */
  oauth_app.data_dir = run.data_dir;
  oauth_app.library = test_library_open (run.data_dir);
  oauth_app.app = g_object_ref (flows_library_find_app (oauth_app.library, run.app_id));
  oauth_app.connection = g_object_ref (flows_library_find_connection (oauth_app.library, run.connection_id));
  oauth_app.runner = flows_runner_new ();
  oauth_app.refresher = flows_token_refresher_attach (oauth_app.runner, oauth_app.library);

  /* The simulation's consent page: Allow. There is no login page. */
  memset (&drive, 0, sizeof drive);
  drive.login_selector = "#no-login-page";
  drive.login_script = "'none';";
  drive.consent_selector = "#allow";
  drive.consent_script = "document.getElementById('allow').click(); 'allow';";
  sign_in_with_window (&drive, &oauth_app);
  if (drive.error != NULL)
    g_test_message ("sign-in error: %s", drive.error->message);
  g_assert_no_error (drive.error);
  g_assert_true (drive.succeeded);
  g_assert_cmpuint (drive.n_consent, ==, 1);
  sign_in_drive_clear (&drive);
  g_assert_true (flows_library_flush (oauth_app.library, NULL));

  access_token = provider_run_secret (&run, run.connection_id, "oauth:access_token");
  g_assert_nonnull (access_token);
  provider_run_assert_test_passes (&run);

  g_clear_object (&oauth_app.runner);
  g_clear_object (&oauth_app.connection);
  g_clear_object (&oauth_app.app);
  g_clear_object (&oauth_app.library);
  provider_run_clear (&run);
}

int
main (int    argc,
      char **argv)
{
  int status;

  if (!ui_test_init (&argc, &argv))
    {
      g_test_skip ("no display");
      return g_test_run ();
    }
  base_dir = test_make_temp_dir ("flows-test-providers-window-XXXXXX");
  provider_run_init (base_dir);
  test_add_table (cases, test_window_sign_in);
  status = g_test_run ();
  provider_run_shutdown ();
  test_remove_tree (base_dir);
  g_free (base_dir);
  return status;
}
