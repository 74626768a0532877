/* test-providers.c — every provider preset, UNCHANGED, against a simulation of its provider
 * written from the provider's documentation (sim-PROVIDER.c), through flows-cli as a user
 * would go: `flows-cli new-app NAME --provider ID`, `connection add` with the simulation's
 * address in place of the provider's host (the preset's paths and parameters are kept), sign-in
 * with the system browser (the test plays the browser on the simulation's consent page),
 * `test`, `refresh`, and what the user sees when the provider revokes the App's access and on
 * the provider's typical error.
 *
 * Each provider is a row of the table below; its steps are test cases run in order on one data
 * directory, one simulation and one connection, with the real keyring of build-aux/session
 * (they skip without).
 */
#include "config.h"

#include <string.h>

#include "flows-app.h"
#include "flows-flow.h"
#include "flows-library.h"
#include "flows-param.h"
#include "flows-stage.h"
#include "provider-run.h"
#include "runner-helpers.h"
#include "test-browser.h"
#include "test-files.h"
#include "test-session.h"

#define WAIT_MS PROVIDER_RUN_WAIT_MS
#define WRONG_SECRET "sim-secret_wrong"

/* What the provider does with refresh tokens, as documented. */
typedef enum
{
  /* Each refresh gives a new refresh token and the used one is refused afterwards. */
  REFRESH_ROTATES,
  /* Each refresh gives a new refresh token, and the used one stays valid until it expires
   * (Microsoft: "doesn't revoke old refresh tokens when used to fetch new access tokens"). */
  REFRESH_REPLACES,
  /* The refresh reply has no refresh token: the old one is kept and works again. */
  REFRESH_KEEPS,
  /* No refresh token at all (the access token does not expire). */
  REFRESH_NONE,
} RefreshKind;

/* The provider's typical error, provoked on its side. */
typedef enum
{
  /* The code comes back to the App already redeemed (used twice). */
  TYPICAL_REUSED_CODE,
  /* A connection with a wrong client secret signs in. */
  TYPICAL_WRONG_SECRET,
  /* The App asked for no offline access: no refresh token, then the access token ends. */
  TYPICAL_NO_OFFLINE_ACCESS,
} TypicalError;

typedef struct
{
  const char     *path;
  const char     *id;            /* the preset */
  ProviderSimNew  sim_new;
  RefreshKind     refresh;
  /* What the user is told once the user revoked the App's access: the connection's status
   * after "needs sign-in: " (without refresh tokens: the Test's message), its first line. */
  const char     *revoked_message;
  TypicalError    typical;
  /* What the user is told on the provider's typical error: flows-cli's message after "not
   * signed in: " (TYPICAL_NO_OFFLINE_ACCESS: the Test's), its first line. "{sim}" stands for
   * the simulation's address. */
  const char     *typical_message;
} ProviderCase;

/* What the engine says around the provider's words: after them, where a refused Step 2 token
 * request went; before them, that a refresh was refused. */
#define AT_STEP_2(status, url) " (HTTP " status " from POST {sim}" url ", in “OAuth Step 2 - Exchange temporary token for access and refresh token” at “Exchange code for tokens”)"
#define REFUSED "The provider refused the refresh token (invalid_grant: "

static const ProviderCase providers[] = {
  { "/providers/github", "github", sim_github_new, REFRESH_ROTATES,
    "bad_refresh_token: The refresh token passed is incorrect or expired.",
    TYPICAL_REUSED_CODE, "bad_verification_code: The code passed is incorrect or expired." },
  { "/providers/google", "google", sim_google_new, REFRESH_KEEPS,
    REFUSED "Token has been expired or revoked.); sign in again",
    TYPICAL_NO_OFFLINE_ACCESS,
    "Stage “Call the test endpoint”: HTTP 401 from GET {sim}/v1/userinfo; the token was refreshed for a retry, but that "
    "failed: The provider issued no refresh token, so the access token cannot be renewed: sign in again. Google issues "
    "one only with access_type=offline and prompt=consent, which Step 1 sends; if none came, remove the App’s access at "
    "https://myaccount.google.com/permissions and sign in again." },
  { "/providers/microsoft", "microsoft", sim_microsoft_new, REFRESH_REPLACES,
    REFUSED "AADSTS50173: The provided grant has expired due to it being revoked, a fresh auth token is needed. "
    "The user might have changed or reset their password.",
    TYPICAL_WRONG_SECRET,
    /* The description goes on after a line break, with trace and correlation ids. */
    "invalid_client: AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is "
    "the client secret value, not the client secret ID, for a secret added to app." },
  { "/providers/slack", "slack", sim_slack_new, REFRESH_NONE,
    "token_revoked: Slack no longer accepts the token (the App was removed, the token revoked or the account "
    "deactivated): sign in again",
    TYPICAL_REUSED_CODE, "invalid_code: Slack answered ok: false (see the method’s errors in Slack’s documentation)" },
  { "/providers/notion", "notion", sim_notion_new, REFRESH_ROTATES,
    REFUSED "Invalid refresh token.); sign in again",
    TYPICAL_WRONG_SECRET,
    "invalid_client" AT_STEP_2 ("401 Unauthorized", "/v1/oauth/token") },
  { "/providers/atlassian", "atlassian", sim_atlassian_new, REFRESH_ROTATES,
    REFUSED "Unknown or invalid refresh token.); sign in again",
    TYPICAL_REUSED_CODE,
    "invalid_grant: Invalid authorization code" AT_STEP_2 ("403 Forbidden", "/oauth/token") },
  { "/providers/dropbox", "dropbox", sim_dropbox_new, REFRESH_KEEPS,
    REFUSED "refresh token is invalid or revoked); sign in again",
    TYPICAL_REUSED_CODE,
    "invalid_grant: code doesn't exist or has expired" AT_STEP_2 ("400 Bad Request", "/oauth2/token") },
  { "/providers/salesforce", "salesforce", sim_salesforce_new, REFRESH_KEEPS,
    REFUSED "expired access/refresh token); sign in again",
    TYPICAL_WRONG_SECRET,
    "invalid_client: invalid client credentials" AT_STEP_2 ("400 Bad Request", "/services/oauth2/token") },
};

static char *base_dir;
/* One provider's state across its steps. */
static ProviderRun runs[G_N_ELEMENTS (providers)];

static ProviderRun *
run_of (const ProviderCase *row)
{
  return &runs[row - providers];
}

#define CLI PROVIDER_RUN_CLI

/* `flows-cli sign-in ID --system-browser`, the browser played on the simulation's consent
 * page. Returns what flows-cli did. A provider that stops on its own error page fails the test:
 * nothing would come back to flows-cli. */
static TestCli *
sign_in (ProviderRun *run,
         const char  *connection_id)
{
  const char * const args[] = { "sign-in", connection_id, "--system-browser", "--data-dir", run->data_dir, NULL };
  TestCliProcess *process = test_cli_spawn (args, provider_run_env ());
  g_autofree char *authorize_url = NULL;
  g_autofree char *back = NULL;
  g_autofree char *error_page = NULL;
  guint status = 0;

  test_cli_wait_line (process, "If no browser opens", WAIT_MS);
  authorize_url = g_strstrip (g_strdup (test_cli_wait_line (process, "http", WAIT_MS)));
  g_test_message ("authorize URL: %s", authorize_url);
  g_assert_true (g_str_has_prefix (authorize_url, provider_sim_get_url (run->sim)));

  back = test_browse_consent (authorize_url, &status, &error_page);
  if (back == NULL)
    g_error ("the provider refused the authorisation request on its own page (HTTP %u):\n%s", status, error_page);
  return test_cli_finish (process, WAIT_MS);
}

static gboolean
need_run (ProviderRun *run,
          gboolean     signed_in)
{
  if (!test_need_keyring ())
    return FALSE;
  if (run->sim == NULL || (signed_in && !run->signed_in))
    {
      g_test_skip ("the sign-in step did not succeed");
      return FALSE;
    }
  return TRUE;
}

/* The steps ----------------------------------------------------------------------------- */

static void
test_sign_in (gconstpointer data)
{
  const ProviderCase *row = data;
  ProviderRun *run = run_of (row);
  g_autoptr(TestCli) signed_in = NULL;
  g_autofree char *data_dir = g_build_filename (base_dir, row->id, NULL);
  g_autofree char *access_token = NULL;
  g_autofree char *refresh_token = NULL;
  g_autofree char *again = NULL;

  if (!test_need_keyring ())
    return;
  provider_run_start (run, row->id, data_dir, row->sim_new);
  run->connection_id = provider_run_add_connection (run, "Mine", PROVIDER_RUN_CLIENT_SECRET);

  signed_in = sign_in (run, run->connection_id);
  g_assert_cmpint (signed_in->status, ==, 0);
  test_assert_contains (signed_in->out, "Signed in “Mine”");

  access_token = provider_run_secret (run, run->connection_id, "oauth:access_token");
  refresh_token = provider_run_secret (run, run->connection_id, "oauth:refresh_token");
  g_assert_nonnull (access_token);
  if (row->refresh == REFRESH_NONE)
    g_assert_null (refresh_token);
  else
    g_assert_nonnull (refresh_token);
  run->signed_in = TRUE;

  /* Signing in again, as after changing accounts: the provider has seen this user allow the
   * App before (Google then issues a refresh token only when asked to prompt for consent), and
   * a new refresh token must come all the same. */
  g_clear_pointer (&signed_in, test_cli_free);
  signed_in = sign_in (run, run->connection_id);
  g_assert_cmpint (signed_in->status, ==, 0);
  again = provider_run_secret (run, run->connection_id, "oauth:refresh_token");
  if (row->refresh != REFRESH_NONE)
    {
      g_assert_nonnull (again);
      g_assert_cmpstr (again, !=, refresh_token);
    }
}

static void
test_connection_test (gconstpointer data)
{
  ProviderRun *run = run_of (data);

  if (!need_run (run, TRUE))
    return;
  provider_run_assert_test_passes (run);
}

/* The provider fails a request on its side (503): the Test fails, and the connection does not
 * need signing in again for it; the next Test passes. */
static void
test_outage (gconstpointer data)
{
  ProviderRun *run = run_of (data);
  g_autoptr(TestCli) tested = NULL;
  g_autoptr(TestCli) shown = NULL;

  if (!need_run (run, TRUE))
    return;
  provider_sim_break_next_request (run->sim, SOUP_STATUS_SERVICE_UNAVAILABLE, "text/html; charset=utf-8",
                                   "<html><body>Service Unavailable</body></html>");
  tested = CLI (run, NULL, "test", run->connection_id);
  g_assert_true (g_str_has_prefix (tested->out, "FAIL\n"));
  test_assert_contains (tested->out, "HTTP status: 503");
  shown = CLI (run, NULL, "connection", "show", run->connection_id);
  test_assert_not_contains (shown->out, "needs sign-in");
  provider_run_assert_test_passes (run);
}

static void
test_refresh (gconstpointer data)
{
  const ProviderCase *row = data;
  ProviderRun *run = run_of (row);
  g_autoptr(TestCli) refreshed = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;

  if (!need_run (run, TRUE))
    return;

  if (row->refresh == REFRESH_NONE)
    {
      /* Nothing to refresh with: the user is told so, and the connection keeps working. */
      refreshed = CLI (run, NULL, "refresh", run->connection_id);
      g_assert_cmpint (refreshed->status, !=, 0);
      test_assert_contains (refreshed->err, "provider issued no refresh token");
      provider_run_assert_test_passes (run);
      return;
    }

  first = provider_run_secret (run, run->connection_id, "oauth:refresh_token");
  refreshed = CLI (run, NULL, "refresh", run->connection_id);
  g_assert_cmpint (refreshed->status, ==, 0);
  test_assert_contains (refreshed->out, "Refreshed “Mine”");
  second = provider_run_secret (run, run->connection_id, "oauth:refresh_token");
  if (row->refresh == REFRESH_KEEPS)
    g_assert_cmpstr (second, ==, first);
  else
    {
      g_assert_cmpstr (second, !=, first);
      /* What the provider now does with the one used. */
      g_assert_cmpint (provider_sim_refresh_token_state (run->sim, first), ==,
                       row->refresh == REFRESH_ROTATES ? PROVIDER_SIM_USED : PROVIDER_SIM_VALID);
    }
  /* The new access token works (GitHub has ended the old one). */
  provider_run_assert_test_passes (run);

  /* Again: a rotating provider refuses the refresh token used before, so this works only with
   * the one that the first refresh stored; a keeping one takes the same again. */
  g_clear_pointer (&refreshed, test_cli_free);
  refreshed = CLI (run, NULL, "refresh", run->connection_id);
  g_assert_cmpint (refreshed->status, ==, 0);
  third = provider_run_secret (run, run->connection_id, "oauth:refresh_token");
  if (row->refresh == REFRESH_KEEPS)
    g_assert_cmpstr (third, ==, first);
  else
    g_assert_cmpstr (third, !=, second);

  /* The access token ends on the provider's side: the Test refreshes it and passes. */
  provider_sim_expire_access_tokens (run->sim);
  provider_run_assert_test_passes (run);
}

/* @message with the simulation's address for "{sim}". */
static char *
expected_message (ProviderRun *run,
                  const char  *message)
{
  g_autoptr(GString) expected = g_string_new (message);

  g_string_replace (expected, "{sim}", provider_sim_get_url (run->sim), 0);
  return g_string_free (g_steal_pointer (&expected), FALSE);
}

/* Asserts that @output has a line with @label followed by @message (see expected_message()), up
 * to the end of that line. A different message fails the case without stopping the program: the
 * other providers' cases still run and report. */
static void
assert_message (ProviderRun *run,
                const char  *output,
                const char  *label,
                const char  *message)
{
  const char *start = strstr (output, label);
  g_autofree char *expected = expected_message (run, message);
  g_autofree char *line = NULL;

  if (start == NULL)
    g_error ("no “%s” in:\n%s", label, output);
  start += strlen (label);
  line = g_strndup (start, strcspn (start, "\r\n"));
  if (!g_str_equal (line, expected))
    {
      /* TAP takes one line after "not ok": the two messages go to the log first. */
      g_test_message ("the user is told:\n  %s\ninstead of:\n  %s", line, expected);
      g_test_fail_printf ("the user is told another message after “%s” (see above)", label);
    }
}

static void
test_revoked (gconstpointer data)
{
  const ProviderCase *row = data;
  ProviderRun *run = run_of (row);
  g_autoptr(TestCli) tested = NULL;
  g_autoptr(TestCli) shown = NULL;
  g_autoptr(TestCli) refreshed = NULL;

  if (!need_run (run, TRUE))
    return;

  if (row->refresh == REFRESH_NONE)
    {
      /* The user removed the App: its token is refused, the Test says what the provider said,
       * and the connection needs signing in again. */
      provider_sim_revoke_access_tokens (run->sim);
      tested = CLI (run, NULL, "test", run->connection_id);
      g_assert_true (g_str_has_prefix (tested->out, "FAIL\n"));
      assert_message (run, tested->out, "Message: ", row->revoked_message);
      shown = CLI (run, NULL, "connection", "show", run->connection_id);
      assert_message (run, shown->out, "Status: needs sign-in: ", row->revoked_message);
      return;
    }

  provider_sim_revoke_refresh_tokens (run->sim);
  provider_sim_expire_access_tokens (run->sim);
  tested = CLI (run, NULL, "test", run->connection_id);
  g_assert_true (g_str_has_prefix (tested->out, "FAIL\n"));
  test_assert_contains (tested->out, row->revoked_message);

  shown = CLI (run, NULL, "connection", "show", run->connection_id);
  assert_message (run, shown->out, "Status: needs sign-in: ", row->revoked_message);

  refreshed = CLI (run, NULL, "refresh", run->connection_id);
  g_assert_cmpint (refreshed->status, !=, 0);
  assert_message (run, refreshed->err, "not refreshed: ", row->revoked_message);
}

/* Removes, below @node, every entry of a list that is an object named @name (a query parameter,
 * a form field); returns how many. */
static guint
remove_named_entries (JsonNode   *node,
                      const char *name)
{
  guint n = 0;

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autoptr(GList) members = json_object_get_members (json_node_get_object (node));

      for (GList *l = members; l != NULL; l = l->next)
        n += remove_named_entries (json_object_get_member (json_node_get_object (node), l->data), name);
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = json_array_get_length (array); i-- > 0;)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_OBJECT (element) &&
              g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (element), "name", NULL), name) == 0)
            {
              json_array_remove_element (array, i);
              n++;
            }
          else
            n += remove_named_entries (element, name);
        }
    }
  return n;
}

/* The App as a user who took the parameter @name out of its authorisation request leaves it:
 * out of Step 1's stages and out of the authorisation URL's query. */
static void
drop_authorize_parameter (ProviderRun *run,
                          const char  *name)
{
  g_autoptr(FlowsLibrary) library = test_library_open (run->data_dir);
  FlowsApp *app = flows_library_find_app (library, run->app_id);
  FlowsParam *auth_url = flows_app_find_param (app, "AuthURL");
  FlowsFlow *flow = flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE);
  GListModel *stages = flows_flow_get_stages (flow);
  g_autofree char *pattern = g_strdup_printf ("[?&]%s=[^&]*", name);
  g_autoptr(GError) error = NULL;
  guint removed = 0;

  if (auth_url != NULL && flows_param_get_default (auth_url) != NULL)
    {
      g_autoptr(GRegex) regex = g_regex_new (pattern, 0, 0, NULL);
      g_autofree char *url = g_regex_replace_literal (regex, flows_param_get_default (auth_url), -1, 0, "", 0, NULL);

      if (!g_str_equal (url, flows_param_get_default (auth_url)))
        {
          flows_param_set_default (auth_url, url);
          removed++;
        }
    }
  for (guint i = 0; i < g_list_model_get_n_items (stages); i++)
    {
      g_autoptr(FlowsStage) stage = g_list_model_get_item (stages, i);
      g_autoptr(JsonNode) settings = json_node_init_object (json_node_alloc (), flows_stage_get_settings (stage));
      g_autofree char *text = json_to_string (settings, FALSE);
      g_autoptr(JsonNode) copy = json_from_string (text, NULL);
      guint n = remove_named_entries (copy, name);

      if (n > 0)
        flows_stage_set_settings (stage, json_node_get_object (copy));
      removed += n;
    }
  g_assert_cmpuint (removed, >, 0);
  g_assert_true (flows_library_save_app (library, app, &error));
  g_assert_no_error (error);
}

static void
test_typical_error (gconstpointer data)
{
  const ProviderCase *row = data;
  ProviderRun *run = run_of (row);
  g_autoptr(TestCli) signed_in = NULL;
  g_autoptr(TestCli) shown = NULL;
  g_autofree char *connection_id = NULL;

  if (!need_run (run, FALSE))
    return;

  switch (row->typical)
    {
    case TYPICAL_REUSED_CODE:
      connection_id = provider_run_add_connection (run, "Code used twice", PROVIDER_RUN_CLIENT_SECRET);
      provider_sim_spoil_next_code (run->sim);
      signed_in = sign_in (run, connection_id);
      g_assert_cmpint (signed_in->status, !=, 0);
      assert_message (run, signed_in->err, "not signed in: ", row->typical_message);
      break;

    case TYPICAL_WRONG_SECRET:
      connection_id = provider_run_add_connection (run, "Wrong secret", WRONG_SECRET);
      signed_in = sign_in (run, connection_id);
      g_assert_cmpint (signed_in->status, !=, 0);
      assert_message (run, signed_in->err, "not signed in: ", row->typical_message);
      break;

    case TYPICAL_NO_OFFLINE_ACCESS:
      {
        g_autoptr(TestCli) tested = NULL;
        g_autofree char *refresh_token = NULL;

        drop_authorize_parameter (run, "access_type");
        connection_id = provider_run_add_connection (run, "Without offline access", PROVIDER_RUN_CLIENT_SECRET);
        signed_in = sign_in (run, connection_id);
        g_assert_cmpint (signed_in->status, ==, 0);
        refresh_token = provider_run_secret (run, connection_id, "oauth:refresh_token");
        g_assert_null (refresh_token);

        /* The access token ends: the refresh it needs cannot be made, and the user is told
         * why and what to do. */
        provider_sim_expire_access_tokens (run->sim);
        tested = CLI (run, NULL, "test", connection_id);
        g_assert_true (g_str_has_prefix (tested->out, "FAIL\n"));
        assert_message (run, tested->out, "Message: ", row->typical_message);
        return;
      }
    }

  /* The connection's row says it too. */
  shown = CLI (run, NULL, "connection", "show", connection_id);
  test_assert_contains (shown->out, "Status: sign-in failed at ");
  {
    g_autofree char *expected = expected_message (run, row->typical_message);

    if (strstr (shown->out, expected) == NULL)
      {
        g_test_message ("the connection's status does not say:\n  %s", expected);
        g_test_fail_printf ("the connection's status says another message (see above)");
      }
  }
}

static void
add_steps (const ProviderCase *row)
{
  static const struct
  {
    const char    *name;
    GTestDataFunc  func;
  } steps[] = {
    { "sign-in", test_sign_in },
    { "test", test_connection_test },
    { "outage", test_outage },
    { "refresh", test_refresh },
    { "revoked", test_revoked },
    { "typical-error", test_typical_error },
  };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/%s", row->path, steps[i].name);

      g_test_add_data_func (path, row, steps[i].func);
    }
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  base_dir = test_make_temp_dir ("flows-test-providers-XXXXXX");
  provider_run_init (base_dir);

  for (guint i = 0; i < G_N_ELEMENTS (providers); i++)
    add_steps (&providers[i]);
  status = g_test_run ();

  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    provider_run_clear (&runs[i]);
  provider_run_shutdown ();
  test_remove_tree (base_dir);
  g_free (base_dir);
  return status;
}
