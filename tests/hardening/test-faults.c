/* test-faults.c — what goes wrong around the studio, done on purpose.
 *
 * The keyring cases run in a child process on a private D-Bus bus: one without a Secret
 * Service, one with a GNOME Keyring of its own that the child locks (the keyring of
 * build-aux/session is shared with the tests running beside this one, so it is never locked).
 * The file cases run in a child that, as root, first gives up the capabilities that ignore file
 * permissions; the failing write is a real one: RLIMIT_FSIZE makes the kernel refuse to let the
 * file grow past a few KiB in the middle of the save (EFBIG), which is what a full disk or a
 * quota does too. The network cases use a server on 127.0.0.1 that misbehaves at the socket
 * level (a reset, a close, a body far larger than any flow reads).
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "flows-app-templates.h"
#include "flows-document.h"
#include "flows-library.h"
#include "flows-secrets.h"
#include "hardening-helpers.h"
#include "runner-helpers.h"
#include "test-cli.h"
#include "test-files.h"
#include "test-session.h"

#define API_KEY "fault-api-key-9Zq+/=&\"<x>"

/* Compares documents without printing them whole. */
#define assert_same_text(actual, expected) \
  G_STMT_START { \
    if (g_strcmp0 ((actual), (expected)) != 0) \
      g_error ("%s:%d: %s (%zu bytes) differs from %s (%zu bytes)", __FILE__, __LINE__, \
               #actual, strlen (actual), #expected, strlen (expected)); \
  } G_STMT_END

static char *
list_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc)g_strcmp0);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **)names->pdata);
}

/* A Generic App (its template has a sensitive ApiKey) whose "call" flow sends the key to @url. */
static FlowsApp *
make_api_key_app (const char *url)
{
  FlowsApp *app = flows_app_new_from_template ("Fault App", FLOWS_CONNECTION_TYPE_GENERIC);
  FlowsFlow *flow = test_flow_add (app, "call");
  FlowsStage *trigger = test_trigger_add (flow, NULL);
  FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'GET','uriBase':'%s','uriPath':'','headers':[{'name':'X-Api-Key','value':'<ApiKey>'}]}",
                                     url != NULL ? url : "http://127.0.0.1:9/");

  g_assert_true (flows_param_get_sensitive (flows_app_find_param (app, "ApiKey")));
  test_route (trigger, "success", call);
  return app;
}

/* flows_library_add_connection_with_secrets_async() and wait. */
static gboolean
add_connection_with_api_key (FlowsLibrary     *library,
                             FlowsConnection  *connection,
                             GError          **error)
{
  g_autoptr(GHashTable) secrets = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto(TestAsync) async = { NULL };

  g_hash_table_insert (secrets, "ApiKey", API_KEY);
  flows_library_add_connection_with_secrets_async (library, connection, secrets, NULL, test_async_ready, &async);
  return flows_library_add_connection_with_secrets_finish (library, test_async_wait (&async, 30000), error);
}

static void
assert_nothing_leaked (const char *dir)
{
  g_autoptr(Needles) needles = needles_new ();

  needles_add (needles, "API key", API_KEY);
  needles_assert_absent_in_tree (needles, dir, NULL);
}

/* The keyring ---------------------------------------------------------------------------------- */

/* On a bus where nothing owns org.freedesktop.secrets: no connection file, no plaintext. */
static void
check_no_secret_service_in_child (void)
{
  g_autofree char *dir = test_make_temp_dir ("flows-fault-nokeyring-XXXXXX");
  g_autoptr(FlowsLibrary) library = test_library_open (dir);
  g_autoptr(FlowsApp) app = make_api_key_app (NULL);
  g_autoptr(FlowsConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *connections_dir = g_build_filename (dir, "connections", NULL);
  g_autofree char *listing = NULL;
  g_autoptr(TestCli) cli = NULL;

  g_assert_true (flows_library_add_app (library, app, &error));
  g_assert_no_error (error);
  connection = flows_connection_new ("no-keyring", flows_app_get_id (app), "No keyring");

  g_assert_false (add_connection_with_api_key (library, connection, &error));
  g_assert_nonnull (error);
  g_print ("library: %s\n", error->message);
  test_assert_contains (error->message, "Secret Service");
  test_assert_contains (error->message, "not saved");
  test_assert_not_contains (error->message, API_KEY);
  g_assert_null (flows_library_find_connection (library, "no-keyring"));
  listing = list_dir (connections_dir);
  g_assert_cmpstr (listing, ==, "");

  /* flows-cli the same way, the value on standard input. */
  {
    const char *argv[] = { "connection", "add", "--data-dir", dir, "Fault App", "CLI", "--set", "ApiKey=-", "--set", "TestURL=http://127.0.0.1:9/", NULL };

    cli = test_cli_exec (argv, NULL, API_KEY "\n", 30000);
  }
  g_print ("cli: %s", cli->err);
  g_assert_cmpint (cli->status, ==, 1);
  test_assert_contains (cli->err, "the connection was not added");
  test_assert_contains (cli->err, "Secret Service");
  g_clear_pointer (&listing, g_free);
  listing = list_dir (connections_dir);
  g_assert_cmpstr (listing, ==, "");

  assert_nothing_leaked (dir);
  {
    g_autoptr(Needles) needles = needles_new ();

    needles_add (needles, "API key", API_KEY);
    needles_assert_absent (needles, "flows-cli's output", cli->out, strlen (cli->out));
    needles_assert_absent (needles, "flows-cli's errors", cli->err, strlen (cli->err));
  }
  test_remove_tree (dir);
  g_print ("child-done\n");
}

static void
test_no_secret_service (void)
{
  g_autofree char *output = NULL;

  if (test_is_child ())
    {
      check_no_secret_service_in_child ();
      return;
    }
  if ((output = test_run_child_without_secret_service ()) == NULL)
    return;
  g_assert_true (g_pattern_match_simple ("*library: *ApiKey*was not saved*No Secret Service is available*", output));
  test_assert_not_contains (output, API_KEY);
}

/* A keyring locked after one connection was added: adding another fails without a file, and
 * running a flow that needs the stored value fails before any request, saying why. */
static void
check_locked_keyring_in_child (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autofree char *url = test_server_url (server, "/api");
  g_autofree char *dir = test_make_temp_dir ("flows-fault-locked-XXXXXX");
  g_autoptr(FlowsLibrary) library = test_library_open (dir);
  g_autoptr(FlowsApp) app = make_api_key_app (url);
  g_autoptr(FlowsConnection) stored = NULL;
  g_autoptr(FlowsConnection) refused = NULL;
  g_autoptr(FlowsRunner) runner = flows_runner_new ();
  g_autoptr(FlowsRun) run = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *refused_path = g_build_filename (dir, "connections", "refused.json", NULL);
  FlowsFlow *flow;

  g_assert_true (flows_library_add_app (library, app, &error));
  g_assert_no_error (error);
  stored = flows_connection_new ("stored", flows_app_get_id (app), "Stored before locking");
  g_assert_true (add_connection_with_api_key (library, stored, &error));
  g_assert_no_error (error);

  test_lock_default_keyring ();

  refused = flows_connection_new ("refused", flows_app_get_id (app), "Added while locked");
  g_assert_false (add_connection_with_api_key (library, refused, &error));
  g_assert_nonnull (error);
  g_print ("library: %s\n", error->message);
  test_assert_contains (error->message, "locked");
  g_assert_false (g_file_test (refused_path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* The value is there but cannot be read: the flow must not run with an empty key. */
  flow = flows_app_find_flow (app, "flow-call");
  g_assert_nonnull (flow);
  run = test_run (runner, app, flow, NULL, stored);
  g_assert_false (flows_run_get_succeeded (run));
  g_print ("run: %s\n", flows_run_get_error_message (run));
  test_assert_contains (flows_run_get_error_message (run), "locked");
  g_assert_cmpuint (test_server_n_requests (server), ==, 0);

  assert_nothing_leaked (dir);
  test_remove_tree (dir);
  g_print ("child-done\n");
}

static void
test_locked_keyring (void)
{
  static const char * const programs[] = { "dbus-daemon", "gnome-keyring-daemon", NULL };
  g_autofree char *dir = NULL;
  g_autofree char *address = NULL;
  g_autofree char *env_address = NULL;
  g_autoptr(GSubprocess) bus = NULL;
  g_autoptr(GSubprocess) keyring = NULL;
  g_autofree char *output = NULL;

  if (test_is_child ())
    {
      check_locked_keyring_in_child ();
      return;
    }
  if (!test_need_programs (programs))
    return;

  dir = test_make_temp_dir ("flows-fault-keyring-XXXXXX");
  bus = test_start_bus (dir, &address);
  keyring = test_start_keyring (dir, address);
  env_address = g_strconcat ("DBUS_SESSION_BUS_ADDRESS=", address, NULL);
  {
    const char *env[] = { env_address, NULL };

    output = test_run_child (env);
  }
  g_assert_true (g_pattern_match_simple ("*library: *was not saved*locked*", output));
  g_assert_true (g_pattern_match_simple ("*run: *locked*", output));
  test_assert_not_contains (output, API_KEY);

  test_stop_process (keyring);
  test_stop_process (bus);
  test_remove_tree (dir);
}

/* Files --------------------------------------------------------------------------------------- */

static guint save_failures;

static void
on_save_failed (FlowsLibrary *library,
                FlowsApp     *app,
                GError       *error,
                gpointer      user_data)
{
  g_print ("save-failed: %s\n", error->message);
  save_failures++;
}

static void
make_read_only (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_lstat (path, &st), ==, 0);
  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          make_read_only (child);
        }
      g_assert_cmpint (g_chmod (path, 0555), ==, 0);
    }
  else
    g_assert_cmpint (g_chmod (path, 0444), ==, 0);
}

static void
check_read_only_in_child (void)
{
  g_autofree char *dir = test_make_temp_dir ("flows-fault-readonly-XXXXXX");
  g_autoptr(FlowsLibrary) first = test_library_open (dir);
  g_autoptr(FlowsLibrary) library = NULL;
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Read-only App", FLOWS_CONNECTION_TYPE_GENERIC);
  g_autoptr(FlowsApp) other = flows_app_new_from_template ("Another App", FLOWS_CONNECTION_TYPE_GENERIC);
  g_autoptr(FlowsConnection) connection = flows_connection_new ("read-only", flows_app_get_id (app), "Read-only");
  g_autoptr(GError) error = NULL;
  g_autofree char *app_path = NULL;
  g_autofree char *connection_path = g_build_filename (dir, "connections", "read-only.json", NULL);
  g_autofree char *app_before = NULL;
  g_autofree char *connection_before = NULL;
  g_autofree char *apps_listing = NULL;
  g_autofree char *apps_dir = g_build_filename (dir, "apps", NULL);
  g_autofree char *after = NULL;
  g_autoptr(TestCli) cli = NULL;
  FlowsApp *loaded;
  FlowsConnection *loaded_connection;

  hardening_drop_file_capabilities ();

  g_assert_true (flows_library_add_app (first, app, &error));
  g_assert_no_error (error);
  g_assert_true (flows_library_add_connection (first, connection, &error));
  g_assert_no_error (error);
  app_path = g_strdup_printf ("%s/apps/%s.json", dir, flows_app_get_id (app));
  app_before = test_read_text (app_path);
  connection_before = test_read_text (connection_path);
  apps_listing = list_dir (apps_dir);

  make_read_only (dir);
  /* The capabilities are gone: the kernel now refuses this process too. */
  g_assert_false (g_file_set_contents (app_path, "x", 1, NULL));

  /* Everything loads. */
  library = test_library_open (dir);
  g_assert_cmpuint (flows_library_get_problems (library)->len, ==, 0);
  loaded = flows_library_find_app (library, flows_app_get_id (app));
  g_assert_nonnull (loaded);
  loaded_connection = flows_library_find_connection (library, "read-only");
  g_assert_nonnull (loaded_connection);
  g_signal_connect (library, "save-failed", G_CALLBACK (on_save_failed), NULL);

  /* A save says which file and why, and leaves the file as it was. */
  flows_app_set_name (loaded, "Edited while read-only");
  g_assert_false (flows_library_save_app (library, loaded, &error));
  g_assert_error (error, FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_IO);
  g_print ("save: %s\n", error->message);
  test_assert_contains (error->message, app_path);
  test_assert_contains (error->message, g_strerror (EACCES));
  g_clear_error (&error);

  /* Autosave: the failure is reported, the edits stay in memory and stay queued. */
  save_failures = 0;
  flows_library_queue_save_app (library, loaded);
  g_assert_false (flows_library_flush (library, &error));
  g_assert_error (error, FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_IO);
  g_clear_error (&error);
  g_assert_cmpuint (save_failures, ==, 1);
  g_assert_true (flows_library_has_unsaved_edits (library, loaded));
  g_assert_cmpstr (flows_app_get_name (loaded), ==, "Edited while read-only");

  flows_connection_set_name (loaded_connection, "Renamed while read-only");
  g_assert_false (flows_library_save_connection (library, loaded_connection, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  g_assert_false (flows_library_add_app (library, other, &error));
  g_assert_error (error, FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_IO);
  g_clear_error (&error);
  g_assert_null (flows_library_find_app (library, flows_app_get_id (other)));

  /* flows-cli as well (it cannot regain the capabilities: they left the bounding set). */
  {
    const char *argv[] = { "new-app", "--data-dir", dir, "--type", "generic", "CLI App", NULL };

    cli = test_cli_exec (argv, NULL, NULL, 30000);
  }
  g_print ("cli: %s", cli->err);
  g_assert_cmpint (cli->status, ==, 1);
  test_assert_contains (cli->err, g_strerror (EACCES));

  /* Nothing on disk changed. */
  after = test_read_text (app_path);
  assert_same_text (after, app_before);
  g_clear_pointer (&after, g_free);
  after = test_read_text (connection_path);
  assert_same_text (after, connection_before);
  g_clear_pointer (&after, g_free);
  after = list_dir (apps_dir);
  g_assert_cmpstr (after, ==, apps_listing);
  g_clear_pointer (&after, g_free);

  /* Nothing lost: once the directory can be written again, the queued edits are saved. */
  g_assert_cmpint (g_chmod (dir, 0700), ==, 0);
  g_assert_cmpint (g_chmod (apps_dir, 0700), ==, 0);
  g_assert_cmpint (g_chmod (app_path, 0644), ==, 0);
  g_assert_true (flows_library_flush (library, &error));
  g_assert_no_error (error);
  g_assert_false (flows_library_has_unsaved_edits (library, loaded));
  after = test_read_text (app_path);
  test_assert_contains (after, "Edited while read-only");

  test_remove_tree (dir);
  g_print ("child-done\n");
}

static void
test_read_only_data_dir (void)
{
  g_autofree char *output = NULL;

  if (test_is_child ())
    {
      check_read_only_in_child ();
      return;
    }
  output = test_run_child (NULL);
  g_assert_true (g_pattern_match_simple ("*save: *cannot be saved*", output));
}

/* Adds @n Set Fields stages in a chain after the Trigger of a new public flow. */
static FlowsFlow *
add_long_flow (FlowsApp *app,
               const char *name,
               guint     n)
{
  FlowsFlow *flow = test_flow_add (app, name);
  FlowsStage *previous = test_trigger_add (flow, "input", NULL);

  flows_flow_set_visibility (flow, FLOWS_FLOW_VISIBILITY_PUBLIC);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *key = g_strdup_printf ("s%04u", i);
      FlowsStage *stage = test_stage_add (flow, key, FLOWS_STAGE_TYPE_SET_FIELDS,
                                          "{'fields':[{'name':'f%u','value':'<input> #%u \u00e9 \\\\<not a reference>'}]}", i, i);

      flows_stage_set_position (stage, (i % 40) * 220.5, (i / 40) * 140.25);
      test_route (previous, "success", stage);
      previous = stage;
    }
  return flow;
}

/* The file grows past RLIMIT_FSIZE in the middle of a save: the old file stays, whole. */
static void
check_write_fails_in_child (void)
{
  g_autofree char *dir = test_make_temp_dir ("flows-fault-efbig-XXXXXX");
  g_autoptr(FlowsLibrary) library = test_library_open (dir);
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Interrupted App", FLOWS_CONNECTION_TYPE_OAUTH);
  g_autoptr(FlowsConnection) connection = flows_connection_new ("interrupted", flows_app_get_id (app), "Interrupted");
  g_autoptr(GError) error = NULL;
  g_autofree char *app_path = NULL;
  g_autofree char *apps_dir = g_build_filename (dir, "apps", NULL);
  g_autofree char *connection_path = g_build_filename (dir, "connections", "interrupted.json", NULL);
  g_autofree char *export_path = g_build_filename (dir, "export.json", NULL);
  g_autoptr(GFile) export_file = g_file_new_for_path (export_path);
  g_autofree char *before = NULL;
  g_autofree char *connection_before = NULL;
  g_autofree char *export_before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *listing = NULL;
  g_autofree char *long_name = NULL;
  g_autoptr(TestCli) cli = NULL;
  struct rlimit limit;
  gsize size;

  g_assert_true (flows_library_add_app (library, app, &error));
  g_assert_no_error (error);
  g_assert_true (flows_library_add_connection (library, connection, &error));
  g_assert_no_error (error);
  g_assert_true (flows_library_export_app (library, app, export_file, &error));
  g_assert_no_error (error);
  app_path = g_strdup_printf ("%s/%s.json", apps_dir, flows_app_get_id (app));
  before = test_read_text (app_path);
  connection_before = test_read_text (connection_path);
  export_before = test_read_text (export_path);
  size = MAX (strlen (before), strlen (connection_before));

  /* From here on, no file of this process may grow past what the largest one has now (the
   * kernel's answer is EFBIG, and SIGXFSZ, which would end the process, is ignored). */
  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &limit), ==, 0);
  limit.rlim_cur = size + 16;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);

  add_long_flow (app, "grown", 40);
  g_assert_cmpuint (strlen (flows_document_app_to_json (app)), >, size + 16);

  save_failures = 0;
  g_signal_connect (library, "save-failed", G_CALLBACK (on_save_failed), NULL);
  flows_library_queue_save_app (library, app);
  g_assert_false (flows_library_flush (library, &error));
  g_assert_error (error, FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_IO);
  g_print ("save: %s\n", error->message);
  test_assert_contains (error->message, app_path);
  g_clear_error (&error);
  g_assert_cmpuint (save_failures, ==, 1);
  g_assert_true (flows_library_has_unsaved_edits (library, app));

  /* The old document, byte for byte, and no temporary file left beside it. */
  after = test_read_text (app_path);
  assert_same_text (after, before);
  g_clear_pointer (&after, g_free);
  listing = list_dir (apps_dir);
  {
    g_autofree char *expected = g_strdup_printf ("%s.json", flows_app_get_id (app));
    g_assert_cmpstr (listing, ==, expected);
  }

  /* A private document (a connection) and an export the same way. */
  long_name = g_strnfill (size + 64, 'n');
  flows_connection_set_name (connection, long_name);
  g_assert_false (flows_library_save_connection (library, connection, &error));
  g_assert_error (error, FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_IO);
  g_clear_error (&error);
  after = test_read_text (connection_path);
  assert_same_text (after, connection_before);
  g_clear_pointer (&after, g_free);

  g_assert_false (flows_library_export_app (library, app, export_file, &error));
  g_assert_error (error, FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_IO);
  g_clear_error (&error);
  after = test_read_text (export_path);
  assert_same_text (after, export_before);
  g_clear_pointer (&after, g_free);

  /* flows-cli inherits the limit: its export fails and leaves the old file too. */
  {
    const char *argv[] = { "export", "--data-dir", dir, flows_app_get_id (app), export_path, NULL };

    flows_library_save_app (library, app, NULL);
    cli = test_cli_exec (argv, NULL, NULL, 30000);
  }
  after = test_read_text (export_path);
  assert_same_text (after, export_before);
  g_clear_pointer (&after, g_free);

  /* Nothing lost: with room again, the queued edits are written. */
  limit.rlim_cur = limit.rlim_max;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
  g_assert_true (flows_library_flush (library, &error));
  g_assert_no_error (error);
  after = test_read_text (app_path);
  test_assert_contains (after, "\"s0039\"");

  test_remove_tree (dir);
  g_print ("child-done\n");
}

static void
test_write_fails_mid_save (void)
{
  g_autofree char *output = NULL;

  if (test_is_child ())
    {
      check_write_fails_in_child ();
      return;
    }
  output = test_run_child (NULL);
  g_assert_true (g_pattern_match_simple ("*save: *cannot be saved*", output));
}

/* An App of 1,000 stages ------------------------------------------------------------------------ */

static void
test_thousand_stages (void)
{
  g_autofree char *dir_a = test_make_temp_dir ("flows-fault-big-a-XXXXXX");
  g_autofree char *dir_b = test_make_temp_dir ("flows-fault-big-b-XXXXXX");
  g_autofree char *dir_c = test_make_temp_dir ("flows-fault-big-c-XXXXXX");
  g_autoptr(FlowsLibrary) library_a = test_library_open (dir_a);
  g_autoptr(FlowsLibrary) library_b = test_library_open (dir_b);
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Big App", FLOWS_CONNECTION_TYPE_OAUTH);
  g_autofree char *export_path = g_build_filename (dir_a, "big.json", NULL);
  g_autofree char *cli_export_path = g_build_filename (dir_c, "big-again.json", NULL);
  g_autoptr(GFile) export_file = g_file_new_for_path (export_path);
  g_autoptr(GError) error = NULL;
  g_autofree char *exported = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *saved_path = NULL;
  g_autofree char *again = NULL;
  g_autoptr(FlowsApp) reloaded = NULL;
  g_autoptr(TestCli) cli = NULL;
  FlowsApp *imported;
  FlowsFlow *flow;
  gint64 started;

  add_long_flow (app, "thousand", 1000);
  g_assert_true (flows_library_add_app (library_a, app, &error));
  g_assert_no_error (error);
  g_assert_true (flows_library_export_app (library_a, app, export_file, &error));
  g_assert_no_error (error);
  exported = test_read_text (export_path);
  g_test_message ("1,000 stages: %zu bytes", strlen (exported));
  g_assert_cmpuint (strlen (exported), <, FLOWS_DOCUMENT_MAX_SIZE);

  /* Imported into another library and saved there: the same bytes. */
  started = g_get_monotonic_time ();
  imported = flows_library_import_app (library_b, export_file, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (imported);
  flow = flows_app_find_flow (imported, "flow-thousand");
  g_assert_nonnull (flow);
  g_assert_cmpuint (g_list_model_get_n_items (flows_flow_get_stages (flow)), ==, 1001);
  g_assert_true (flows_library_save_app (library_b, imported, &error));
  g_assert_no_error (error);
  g_test_message ("import and save: %.1f ms", (g_get_monotonic_time () - started) / 1000.0);
  saved_path = g_strdup_printf ("%s/apps/%s.json", dir_b, flows_app_get_id (imported));
  saved = test_read_text (saved_path);
  assert_same_text (saved, exported);

  /* Loaded from that file by a new library: the same model. */
  {
    g_autoptr(FlowsLibrary) library_b2 = test_library_open (dir_b);
    FlowsApp *loaded = flows_library_find_app (library_b2, flows_app_get_id (app));

    g_assert_nonnull (loaded);
    again = flows_document_app_to_json (loaded);
    assert_same_text (again, exported);
  }

  /* flows-cli import and export: the same bytes again. */
  {
    const char *argv[] = { "import", "--data-dir", dir_c, export_path, NULL };

    cli = test_cli_exec (argv, NULL, NULL, 60000);
    g_assert_cmpint (cli->status, ==, 0);
  }
  g_clear_pointer (&cli, test_cli_free);
  {
    const char *argv[] = { "export", "--data-dir", dir_c, flows_app_get_id (app), cli_export_path, NULL };

    cli = test_cli_exec (argv, NULL, NULL, 60000);
    g_assert_cmpint (cli->status, ==, 0);
  }
  g_clear_pointer (&again, g_free);
  again = test_read_text (cli_export_path);
  assert_same_text (again, exported);

  reloaded = flows_document_load_app (export_file, &error);
  g_assert_no_error (error);
  g_clear_pointer (&again, g_free);
  again = flows_document_app_to_json (reloaded);
  assert_same_text (again, exported);

  test_remove_tree (dir_a);
  test_remove_tree (dir_b);
  test_remove_tree (dir_c);
}

/* Two instances on one data directory ----------------------------------------------------------- */

typedef struct
{
  FlowsLibrary *library;
  FlowsApp     *current;
  FlowsApp     *on_disk;
  guint         n_external;
} Instance;

static void
on_external_change (FlowsLibrary *library,
                    FlowsApp     *current,
                    FlowsApp     *on_disk,
                    Instance     *instance)
{
  g_set_object (&instance->current, current);
  g_set_object (&instance->on_disk, on_disk);
  instance->n_external++;
}

static void
instance_init (Instance   *instance,
               const char *dir)
{
  g_autoptr(GError) error = NULL;

  memset (instance, 0, sizeof *instance);
  instance->library = test_library_open (dir);
  g_assert_true (flows_library_watch (instance->library, &error));
  g_assert_no_error (error);
  g_signal_connect (instance->library, "external-change", G_CALLBACK (on_external_change), instance);
}

static void
instance_clear (Instance *instance)
{
  g_clear_object (&instance->current);
  g_clear_object (&instance->on_disk);
  g_clear_object (&instance->library);
}

static const char *
instance_name (Instance   *instance,
               const char *id)
{
  FlowsApp *app = flows_library_find_app (instance->library, id);

  return app != NULL ? flows_app_get_name (app) : NULL;
}

typedef struct
{
  Instance   *instance;
  const char *id;
  const char *name;
} NameWait;

static gboolean
has_name (gpointer user_data)
{
  NameWait *wait = user_data;

  return g_strcmp0 (instance_name (wait->instance, wait->id), wait->name) == 0;
}

static gboolean
saw_external_change (gpointer user_data)
{
  return ((Instance *)user_data)->n_external > 0;
}

static void
test_two_instances (void)
{
  g_autofree char *dir = test_make_temp_dir ("flows-fault-two-XXXXXX");
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Shared App", FLOWS_CONNECTION_TYPE_GENERIC);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  Instance a, b;
  const char *id = flows_app_get_id (app);
  NameWait wait;

  {
    g_autoptr(FlowsLibrary) setup = test_library_open (dir);

    g_assert_true (flows_library_add_app (setup, app, &error));
    g_assert_no_error (error);
  }
  path = g_strdup_printf ("%s/apps/%s.json", dir, id);
  instance_init (&a, dir);
  instance_init (&b, dir);

  /* An edit in A (autosaved) shows up in B. */
  flows_app_set_name (flows_library_find_app (a.library, id), "Edited in A");
  flows_library_queue_save_app (a.library, flows_library_find_app (a.library, id));
  wait = (NameWait) { &b, id, "Edited in A" };
  test_wait_for (has_name, &wait, 10000);
  g_assert_false (flows_library_has_unsaved_edits (a.library, flows_library_find_app (a.library, id)));

  /* And one in B shows up in A. */
  flows_app_set_name (flows_library_find_app (b.library, id), "Edited in B");
  g_assert_true (flows_library_save_app (b.library, flows_library_find_app (b.library, id), &error));
  g_assert_no_error (error);
  wait = (NameWait) { &a, id, "Edited in B" };
  test_wait_for (has_name, &wait, 10000);
  g_assert_cmpuint (a.n_external, ==, 0);

  /* Edits on both sides: A has one not saved yet when B saves another. A is asked… */
  flows_app_set_name (flows_library_find_app (a.library, id), "Unsaved in A");
  flows_library_queue_save_app (a.library, flows_library_find_app (a.library, id));
  flows_app_set_name (flows_library_find_app (b.library, id), "Saved by B");
  g_assert_true (flows_library_save_app (b.library, flows_library_find_app (b.library, id), &error));
  g_assert_no_error (error);
  test_wait_for (saw_external_change, &a, 10000);
  g_assert_cmpstr (flows_app_get_name (a.current), ==, "Unsaved in A");
  g_assert_cmpstr (flows_app_get_name (a.on_disk), ==, "Saved by B");

  /* …and while nobody has answered, neither side's edits are lost: A's autosave does not
   * write over B's file, and A keeps its edits. */
  test_spin (1500);
  text = test_read_text (path);
  test_assert_contains (text, "Saved by B");
  g_assert_cmpstr (instance_name (&a, id), ==, "Unsaved in A");
  g_assert_true (flows_library_has_unsaved_edits (a.library, flows_library_find_app (a.library, id)));
  g_assert_cmpstr (instance_name (&b, id), ==, "Saved by B");
  /* Quitting now must not pass over the question either. */
  g_assert_false (flows_library_flush (a.library, &error));
  g_assert_nonnull (error);
  g_test_message ("flush with a question open: %s", error->message);
  g_clear_error (&error);
  g_clear_pointer (&text, g_free);
  text = test_read_text (path);
  test_assert_contains (text, "Saved by B");

  /* "Keep mine": A's version goes to disk, and B (with nothing unsaved) follows. */
  flows_library_queue_save_app (a.library, a.current);
  wait = (NameWait) { &b, id, "Unsaved in A" };
  test_wait_for (has_name, &wait, 10000);
  g_assert_false (flows_library_has_unsaved_edits (a.library, flows_library_find_app (a.library, id)));

  /* The other answer, "Reload": A takes B's version and saves nothing. */
  a.n_external = 0;
  flows_app_set_name (flows_library_find_app (a.library, id), "Discarded in A");
  flows_library_queue_save_app (a.library, flows_library_find_app (a.library, id));
  flows_app_set_name (flows_library_find_app (b.library, id), "Kept from B");
  g_assert_true (flows_library_save_app (b.library, flows_library_find_app (b.library, id), &error));
  g_assert_no_error (error);
  test_wait_for (saw_external_change, &a, 10000);
  flows_library_replace_app (a.library, a.on_disk);
  g_assert_false (flows_library_has_unsaved_edits (a.library, flows_library_find_app (a.library, id)));
  g_assert_true (flows_library_flush (a.library, &error));
  g_assert_no_error (error);
  test_spin (600);
  g_clear_pointer (&text, g_free);
  text = test_read_text (path);
  test_assert_contains (text, "Kept from B");
  g_assert_cmpstr (instance_name (&a, id), ==, "Kept from B");
  g_assert_cmpstr (instance_name (&b, id), ==, "Kept from B");

  instance_clear (&a);
  instance_clear (&b);
  test_remove_tree (dir);
}

/* The network ----------------------------------------------------------------------------------- */

typedef enum {
  SERVE_RESET,        /* part of the body, then a TCP reset */
  SERVE_CLOSE,        /* part of the body, then an orderly close */
  SERVE_BODY,         /* the body, whole */
  SERVE_ENDLESS,      /* a Content-Length of @size and as many bytes as the client reads */
} ServeMode;

typedef struct
{
  GSocketService *service;
  guint           port;
  ServeMode       mode;
  const char     *body;        /* SERVE_BODY */
  gsize           size;
  gint            n_requests;  /* atomic */
  gsize           sent;        /* atomic, body bytes */
  /* Cancelled when the test is done with the server, so that a handler still writing to a
   * client that stopped reading gives up rather than block. */
  GCancellable   *stopping;
} RawServer;

static gboolean
read_request (GInputStream *input)
{
  char buffer[4096];
  gsize filled = 0;

  while (filled < sizeof buffer - 1)
    {
      gssize got = g_input_stream_read (input, buffer + filled, 1, NULL, NULL);

      if (got <= 0)
        return FALSE;
      filled += got;
      buffer[filled] = '\0';
      if (filled >= 4 && memcmp (buffer + filled - 4, "\r\n\r\n", 4) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
on_raw_run (GThreadedSocketService *service,
            GSocketConnection      *connection,
            GObject                *source,
            gpointer                user_data)
{
  RawServer *server = user_data;
  GOutputStream *output = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  static char block[64 * 1024];
  g_autofree char *head = NULL;
  gsize total = server->mode == SERVE_BODY || server->mode == SERVE_ENDLESS ? server->size : 1024 * 1024;

  if (!read_request (g_io_stream_get_input_stream (G_IO_STREAM (connection))))
    return TRUE;
  g_atomic_int_inc (&server->n_requests);

  memset (block, ' ', sizeof block);
  head = g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n\r\n", total);
  if (!g_output_stream_write_all (output, head, strlen (head), NULL, NULL, NULL))
    return TRUE;

  switch (server->mode)
    {
    case SERVE_RESET:
    case SERVE_CLOSE:
      {
        static const char start[] = "{\"data\":\"";
        struct linger linger = { 1, 0 };

        g_output_stream_write_all (output, start, strlen (start), NULL, NULL, NULL);
        g_output_stream_write_all (output, block, 4096, NULL, NULL, NULL);
        g_output_stream_flush (output, NULL, NULL);
        g_usleep (G_USEC_PER_SEC / 20);
        /* SO_LINGER with a zero time: close() sends RST instead of FIN. */
        if (server->mode == SERVE_RESET)
          setsockopt (g_socket_get_fd (g_socket_connection_get_socket (connection)), SOL_SOCKET, SO_LINGER,
                      &linger, sizeof linger);
        g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      }
      break;

    case SERVE_BODY:
    case SERVE_ENDLESS:
      for (gsize offset = 0; offset < total;)
        {
          gsize chunk = MIN (sizeof block, total - offset);
          const char *data = server->mode == SERVE_BODY ? server->body + offset : block;
          gsize written = 0;

          if (!g_output_stream_write_all (output, data, chunk, &written, server->stopping, NULL))
            {
              g_atomic_pointer_add (&server->sent, written);
              break;
            }
          g_atomic_pointer_add (&server->sent, written);
          offset += chunk;
        }
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      break;

    default:
      g_assert_not_reached ();
    }
  return TRUE;
}

static RawServer *
raw_server_new (ServeMode mode)
{
  RawServer *server = g_new0 (RawServer, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  server->mode = mode;
  server->stopping = g_cancellable_new ();
  server->service = g_threaded_socket_service_new (4);
  g_socket_listener_add_address (G_SOCKET_LISTENER (server->service), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);
  server->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_signal_connect (server->service, "run", G_CALLBACK (on_raw_run), server);
  g_socket_service_start (server->service);
  return server;
}

static void
raw_server_data_free (gpointer data)
{
  RawServer *server = data;

  g_object_unref (server->stopping);
  g_free (server);
}

/* A handler may still be writing to a client that gave up (the 50 MiB case): each handler holds
 * the service, so the server's data goes with the service, after the last handler returned, and
 * the handlers are told to stop. */
static void
raw_server_free (RawServer *server)
{
  GSocketService *service = server->service;

  g_cancellable_cancel (server->stopping);
  g_object_set_data_full (G_OBJECT (service), "raw-server", server, raw_server_data_free);
  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
  g_object_unref (service);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RawServer, raw_server_free)

static char *
raw_server_url (RawServer *server)
{
  return g_strdup_printf ("http://127.0.0.1:%u/data", server->port);
}

/* Runs one Call API to @url and returns the run. */
static FlowsRun *
run_call (const char *url,
          gint64     *elapsed_us)
{
  g_autoptr(FlowsApp) app = test_app_new ();
  g_autoptr(FlowsRunner) runner = flows_runner_new ();
  FlowsFlow *flow = test_flow_add (app, "call");
  FlowsStage *trigger = test_trigger_add (flow, NULL);
  FlowsStage *call = test_stage_add (flow, "call", FLOWS_STAGE_TYPE_CALL_API,
                                     "{'method':'GET','uriBase':'%s','uriPath':'','timeout':30}", url);
  gint64 started = g_get_monotonic_time ();
  FlowsRun *run;

  test_route (trigger, "success", call);
  run = test_run (runner, app, flow, NULL, NULL);
  if (elapsed_us != NULL)
    *elapsed_us = g_get_monotonic_time () - started;
  return run;
}

static void
check_cut_short (ServeMode mode)
{
  g_autoptr(RawServer) server = raw_server_new (mode);
  g_autofree char *url = raw_server_url (server);
  g_autoptr(FlowsRun) run = NULL;
  gint64 elapsed;

  run = run_call (url, &elapsed);
  g_test_message ("%s: %s (%.1f ms)", mode == SERVE_RESET ? "reset" : "close",
                  flows_run_get_error_message (run), elapsed / 1000.0);
  g_assert_false (flows_run_get_succeeded (run));
  g_assert_cmpstr (flows_run_get_failed_stage_id (run), ==, "id-call");
  /* Which request, and that the answer broke off. */
  test_assert_contains (flows_run_get_error_message (run), url);
  g_assert_cmpint (elapsed, <, 10 * G_USEC_PER_SEC);
  g_assert_cmpint (g_atomic_int_get (&server->n_requests), >=, 1);
}

static void
test_provider_resets (void)
{
  check_cut_short (SERVE_RESET);
}

static void
test_provider_closes_early (void)
{
  check_cut_short (SERVE_CLOSE);
}

/* Exactly FLOWS_RUNNER_DEFAULT_MAX_RESPONSE_SIZE (10 MiB) of JSON: read and parsed. */
static void
test_ten_mib_json (void)
{
  gsize size = FLOWS_RUNNER_DEFAULT_MAX_RESPONSE_SIZE;
  g_autoptr(GString) body = g_string_sized_new (size);
  g_autoptr(RawServer) server = raw_server_new (SERVE_BODY);
  g_autofree char *url = raw_server_url (server);
  g_autoptr(FlowsRun) run = NULL;
  g_autofree char *received = NULL;
  FlowsTraceEntry *entry;
  gint64 elapsed;
  guint n = 0;

  g_string_append (body, "{\"items\":[");
  while (body->len + 64 < size)
    g_string_append_printf (body, "%s{\"id\":%u,\"name\":\"item %08u\"}", n > 0 ? "," : "", n, n), n++;
  g_string_append (body, "],\"pad\":\"");
  while (body->len < size - 2)
    g_string_append_c (body, 'p');
  g_string_append (body, "\"}");
  g_assert_cmpuint (body->len, ==, size);
  server->body = body->str;
  server->size = body->len;

  run = run_call (url, &elapsed);
  g_test_message ("10 MiB of JSON (%u items): %.1f ms", n, elapsed / 1000.0);
  test_assert_succeeded (run);
  entry = test_trace_entry (run, "call", 0);
  received = test_entry_output (entry, "size");
  g_assert_cmpstr (received, ==, "10485760");
  {
    JsonNode *items = flows_json_walk (entry->outputs, "body.items");

    g_assert_nonnull (items);
    g_assert_true (JSON_NODE_HOLDS_ARRAY (items));
    g_assert_cmpuint (json_array_get_length (json_node_get_array (items)), ==, n);
  }
}

/* 50 MiB: refused with the limit named, read no further than the limit, in bounded memory. */
static void
test_fifty_mib_refused (void)
{
  g_autoptr(RawServer) server = raw_server_new (SERVE_ENDLESS);
  g_autofree char *url = raw_server_url (server);
  g_autoptr(FlowsRun) run = NULL;
  g_autofree char *limit = g_format_size (FLOWS_RUNNER_DEFAULT_MAX_RESPONSE_SIZE);
  g_autofree char *expected = g_strdup_printf ("The response of GET %s is larger than %s, the most a flow reads", url, limit);
  gboolean reset;
  guint64 before, peak;
  gint64 elapsed;

  server->size = 50 * 1024 * 1024;
  reset = hardening_reset_peak_rss ();
  before = hardening_peak_rss ();
  run = run_call (url, &elapsed);
  peak = hardening_peak_rss ();

  g_test_message ("50 MiB: %s; %.1f ms; peak RSS %s by %.1f MiB; the server sent %.1f MiB", flows_run_get_error_message (run),
                  elapsed / 1000.0, reset ? "grew" : "(not reset) grew", (peak - before) / 1048576.0,
                  g_atomic_pointer_get (&server->sent) / 1048576.0);
  g_assert_false (flows_run_get_succeeded (run));
  test_assert_contains (flows_run_get_error_message (run), expected);
  /* The limit (10 MiB) and the buffer's growth, far below the 50 MiB a buffering reader needs. */
  g_assert_cmpuint (peak - before, <, 32 * 1024 * 1024);
  g_assert_cmpint (elapsed, <, 20 * G_USEC_PER_SEC);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/faults/keyring/no-secret-service", test_no_secret_service);
  g_test_add_func ("/faults/keyring/locked", test_locked_keyring);
  g_test_add_func ("/faults/files/read-only-data-dir", test_read_only_data_dir);
  g_test_add_func ("/faults/files/write-fails-mid-save", test_write_fails_mid_save);
  g_test_add_func ("/faults/files/thousand-stages", test_thousand_stages);
  g_test_add_func ("/faults/files/two-instances", test_two_instances);
  /* The memory bound first, before other cases have raised the peak. */
  g_test_add_func ("/faults/network/fifty-mib-refused", test_fifty_mib_refused);
  g_test_add_func ("/faults/network/ten-mib-json", test_ten_mib_json);
  g_test_add_func ("/faults/network/reset-mid-response", test_provider_resets);
  g_test_add_func ("/faults/network/close-mid-response", test_provider_closes_early);

  return g_test_run ();
}
