/* test-cli.c — flows-cli, run as a subprocess, every command and its error paths.
 *
 * The binary comes from $FLOWS_CLI (set by tests/meson.build), else from the build tree. Every
 * run uses --data-dir on a temporary directory and checks the exit status (0 done, 1 failed,
 * 2 usage), and what the command printed.
 *
 * The cases that store a sensitive value need the disposable keyring of build-aux/test, which
 * sets FLOWS_TEST_SECRET_SERVICE=1; without it they skip rather than write into the user's own
 * keyring. They look the value up in the real keyring, and scan every file under the data
 * directory and the CLI's output for its bytes.
 */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "flows-document.h"
#include "flows-library.h"
#include "flows-secrets.h"
#include "runner-helpers.h"
#include "test-cli.h"
#include "test-files.h"
#include "test-session.h"

/* Helpers ---------------------------------------------------------------------------------- */

/* No command of these tests takes this long; a hang fails instead of blocking. */
#define CLI_TIMEOUT_MS 60000

/* Every temporary directory of these tests. */
#define TEMP_DIR "flows-test-cli-XXXXXX"

#define CLI(...) test_cli_exec ((const char * const []) { __VA_ARGS__, NULL }, NULL, NULL, CLI_TIMEOUT_MS)
#define CLI_INPUT(input, ...) test_cli_exec ((const char * const []) { __VA_ARGS__, NULL }, NULL, (input), CLI_TIMEOUT_MS)

/* The last line of @text, without its line break. */
static char *
last_line (const char *text)
{
  g_autofree char *copy = g_strdup (text);
  char *newline;

  g_assert_true (g_str_has_suffix (copy, "\n"));
  copy[strlen (copy) - 1] = '\0';
  newline = strrchr (copy, '\n');
  return g_strdup (newline != NULL ? newline + 1 : copy);
}

static void
assert_status (TestCli *run,
               int      status)
{
  g_assert_cmpint (run->status, ==, status);
}

/* A failure: exit 1 and one "flows-cli: " line on stderr, nothing on stdout. */
static void
assert_failed (TestCli    *run,
               const char *contains)
{
  assert_status (run, 1);
  g_assert_cmpstr (run->out, ==, "");
  g_assert_true (g_str_has_prefix (run->err, "flows-cli: "));
  test_assert_contains (run->err, contains);
}

/* A usage error: exit 2, the reason and a pointer to --help on stderr, nothing on stdout. */
static void
assert_usage (TestCli    *run,
              const char *contains)
{
  assert_status (run, 2);
  g_assert_cmpstr (run->out, ==, "");
  test_assert_contains (run->err, contains);
}

static char *
document_path (const char *dir,
               const char *subdirectory,
               const char *id)
{
  g_autofree char *basename = g_strconcat (id, ".json", NULL);
  return g_build_filename (dir, subdirectory, basename, NULL);
}

/* A value no file would hold by chance, with characters that need care in URLs and forms. */
static char *
new_secret (char **suffix)
{
  g_autofree char *uuid = g_uuid_string_random ();

  *suffix = g_strndup (uuid, 8);
  return g_strconcat ("s3cr3t-&=#-é-", *suffix, NULL);
}

static char *
lookup_secret (const char *app_id,
               const char *connection_id,
               const char *key)
{
  g_autoptr(GError) error = NULL;
  char *value = flows_secrets_lookup_sync (app_id, connection_id, key, NULL, &error);

  g_assert_no_error (error);
  return value;
}

/* Creates an App with new-app and returns its id. */
static char *
new_app (const char *dir,
         const char *name,
         const char *type)
{
  g_autoptr(TestCli) run = CLI ("new-app", name, "--type", type, "--data-dir", dir);

  assert_status (run, 0);
  g_assert_cmpstr (run->err, ==, "");
  return last_line (run->out);
}

/* General ---------------------------------------------------------------------------------- */

static void
test_no_command (void)
{
  g_autoptr(TestCli) run = CLI ("--data-dir", "/nonexistent");
  g_autoptr(TestCli) none = test_cli_exec ((const char * const []) { NULL }, NULL, NULL, CLI_TIMEOUT_MS);

  assert_usage (none, "Usage: flows-cli COMMAND");
  /* An option is not a command. */
  assert_usage (run, "unknown command “--data-dir”");
}

static void
test_unknown_command (void)
{
  g_autofree char *dir = test_make_temp_dir (TEMP_DIR);
  g_autoptr(TestCli) run = CLI ("frobnicate", "--data-dir", dir);
  g_autoptr(GDir) handle = NULL;

  assert_usage (run, "flows-cli: unknown command “frobnicate”");
  test_assert_contains (run->err, "Usage: flows-cli COMMAND");
  /* Nothing was created. */
  handle = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (handle);
  g_assert_null (g_dir_read_name (handle));
  test_remove_tree (dir);
}

static void
test_help (void)
{
  g_autoptr(TestCli) run = CLI ("--help");
  g_autoptr(TestCli) command_help = CLI ("new-app", "--help");
  static const char * const commands[] = { "apps", "providers", "new-app", "rename-app", "delete-app", "validate", "export", "import",
                                           "connection", NULL };

  assert_status (run, 0);
  g_assert_cmpstr (run->err, ==, "");
  for (guint i = 0; commands[i] != NULL; i++)
    {
      g_autofree char *entry = g_strdup_printf ("\n  %s ", commands[i]);
      test_assert_contains (run->out, entry);
    }
  test_assert_contains (run->out, "--data-dir");

  assert_status (command_help, 0);
  test_assert_contains (command_help->out, "--type");
  test_assert_contains (command_help->out, "--provider");
  test_assert_contains (command_help->out, "--data-dir");
}

/* apps ------------------------------------------------------------------------------------- */

static void
test_apps_empty (void)
{
  g_autofree char *dir = test_make_temp_dir (TEMP_DIR);
  g_autofree char *missing = g_build_filename (dir, "not-yet", NULL);
  g_autoptr(TestCli) run = CLI ("apps", "--data-dir", dir);
  g_autoptr(TestCli) fresh = CLI ("apps", "--data-dir", missing);
  g_autoptr(TestCli) extra = CLI ("apps", "extra", "--data-dir", dir);

  assert_status (run, 0);
  g_assert_cmpstr (run->out, ==, "No Apps yet. Create one with “flows-cli new-app NAME --provider ID” (see “flows-cli providers”) or “flows-cli new-app NAME --type generic|oauth”.\n");
  g_assert_cmpstr (run->err, ==, "");

  /* A library that does not exist yet is empty, and listing it creates nothing. */
  assert_status (fresh, 0);
  g_assert_cmpstr (fresh->out, ==, run->out);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));

  assert_usage (extra, "too many arguments");
  test_remove_tree (dir);
}

static void
test_apps_list (void)
{
  g_autofree char *dir = test_make_temp_dir (TEMP_DIR);
  g_autofree char *zed = new_app (dir, "Zed Service", "generic");
  g_autofree char *alpha = new_app (dir, "Alpha Service", "oauth");
  g_autoptr(TestCli) run = CLI ("apps", "--data-dir", dir);
  g_autofree char *expected = g_strdup_printf ("%s\tOAuth\tAlpha Service\n%s\tGeneric\tZed Service\n", alpha, zed);

  assert_status (run, 0);
  g_assert_cmpstr (run->err, ==, "");
  /* Sorted by name. */
  g_assert_cmpstr (run->out, ==, expected);
  test_remove_tree (dir);
}

static void
test_apps_broken_file (void)
{
  g_autofree char *dir = test_make_temp_dir (TEMP_DIR);
  g_autofree char *good = new_app (dir, "Good", "generic");
  g_autofree char *broken_path = document_path (dir, "apps", "broken");
  const char *broken = "{\n  \"format\" : \"flows-studio/app\",\n  \"version\" : 1,\n"
                       "  \"id\" : \"broken\",\n  \"name\" : 5\n}\n";
  g_autoptr(TestCli) run = NULL;
  g_autofree char *expected_err = NULL;
  g_autofree char *expected_out = NULL;
  g_autofree char *after = NULL;

  test_write_text (broken_path, broken);
  run = CLI ("apps", "--data-dir", dir);

  /* A warning naming the file, line and column, and the rest is still listed. */
  assert_status (run, 0);
  expected_err = g_strdup_printf ("flows-cli: warning: not loaded: %s:5:12: “name” must be a string, not a number\n",
                                  broken_path);
  g_assert_cmpstr (run->err, ==, expected_err);
  expected_out = g_strdup_printf ("%s\tGeneric\tGood\n", good);
  g_assert_cmpstr (run->out, ==, expected_out);

  after = test_read_text (broken_path);
  g_assert_cmpstr (after, ==, broken);
  test_remove_tree (dir);
}

/* new-app ---------------------------------------------------------------------------------- */

static void
test_new_app (void)
{
  g_autofree char *dir = test_make_temp_dir (TEMP_DIR);
  g_autoptr(TestCli) generic = CLI ("new-app", "My API", "--type", "generic", "--description", "Does things", "--data-dir", dir);
  g_autoptr(TestCli) oauth = CLI ("new-app", "My OAuth", "-t", "oauth", "--data-dir", dir);
  g_autofree char *generic_id = NULL;
  g_autofree char *oauth_id = NULL;
  g_autofree char *generic_path = NULL;
  g_autofree char *oauth_path = NULL;
  g_autoptr(FlowsLibrary) library = NULL;
  FlowsApp *app;

  assert_status (generic, 0);
  g_assert_cmpstr (generic->err, ==, "");
  generic_id = last_line (generic->out);
  g_assert_true (g_uuid_string_is_valid (generic_id));
  g_assert_true (g_str_has_prefix (generic->out, "Created the Generic App “My API”.\n"));

  assert_status (oauth, 0);
  oauth_id = last_line (oauth->out);
  g_assert_true (g_uuid_string_is_valid (oauth_id));
  g_assert_cmpstr (oauth_id, !=, generic_id);

  generic_path = document_path (dir, "apps", generic_id);
  oauth_path = document_path (dir, "apps", oauth_id);
  g_assert_true (g_file_test (generic_path, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (oauth_path, G_FILE_TEST_IS_REGULAR));

  library = test_library_open (dir);
  g_assert_cmpuint (flows_library_get_problems (library)->len, ==, 0);
  app = flows_library_find_app (library, generic_id);
  g_assert_nonnull (app);
  g_assert_cmpstr (flows_app_get_name (app), ==, "My API");
  g_assert_cmpstr (flows_app_get_description (app), ==, "Does things");
  g_assert_cmpint (flows_app_get_connection_type (app), ==, FLOWS_CONNECTION_TYPE_GENERIC);
  g_assert_cmpuint (g_list_model_get_n_items (flows_app_get_flows (app)), ==, 1);
  app = flows_library_find_app (library, oauth_id);
  g_assert_nonnull (app);
  g_assert_cmpint (flows_app_get_connection_type (app), ==, FLOWS_CONNECTION_TYPE_OAUTH);
  g_assert_cmpuint (g_list_model_get_n_items (flows_app_get_flows (app)), ==, 4);

  test_remove_tree (dir);
}

static void
test_new_app_usage (void)
{
  g_autofree char *dir = test_make_temp_dir (TEMP_DIR);
  g_autofree char *library_dir = g_build_filename (dir, "library", NULL);
  g_autoptr(TestCli) no_type = CLI ("new-app", "X", "--data-dir", library_dir);
  g_autoptr(TestCli) bad_type = CLI ("new-app", "X", "--type", "soap", "--data-dir", library_dir);
  g_autoptr(TestCli) no_name = CLI ("new-app", "--type", "generic", "--data-dir", library_dir);
  g_autoptr(TestCli) blank_name = CLI ("new-app", "  ", "--type", "generic", "--data-dir", library_dir);
  g_autoptr(TestCli) two_names = CLI ("new-app", "X", "Y", "--type", "generic", "--data-dir", library_dir);
  g_autoptr(TestCli) bad_option = CLI ("new-app", "X", "--type", "generic", "--colour", "--data-dir", library_dir);

  assert_usage (no_type, "--type or --provider is required");
  test_assert_contains (no_type->err, "flows-cli new-app --help");
  assert_usage (bad_type, "unknown type “soap”");
  assert_usage (no_name, "missing arguments");
  assert_usage (blank_name, "the name must not be empty");
  assert_usage (two_names, "too many arguments");
  assert_usage (bad_option, "--colour");

  /* None of them created anything. */
  g_assert_false (g_file_test (library_dir, G_FILE_TEST_EXISTS));
  test_remove_tree (dir);
}

/* providers, new-app --provider -------------------------------------------------------------- */

/* A preset file of the user's in @dir's providers folder. */
static void
write_user_preset (const char *dir,
                   const char *file_name,
                   const char *id,
                   const char *name)
{
  g_autofree char *providers = g_build_filename (dir, "providers", NULL);
  g_autofree char *path = g_build_filename (providers, file_name, NULL);
  g_autofree char *text = g_strdup_printf ("{\"format\": \"flows-studio/provider\", \"version\": 1, \"id\": \"%s\",\n"
                                           " \"name\": \"%s\", \"description\": \"Ours\",\n"
                                           " \"app\": {\"format\": \"flows-studio/app\", \"version\": %d, \"connectionType\": \"oauth\",\n"
                                           "  \"parameters\": [{\"key\": \"TestURL\", \"kind\": \"url\", \"default\": \"https://example.com/me\"}]}}\n",
                                           id, name, FLOWS_DOCUMENT_VERSION);

  g_assert_cmpint (g_mkdir_with_parents (providers, 0700), ==, 0);
  test_write_text (path, text);
}

static void
test_providers (void)
{
  g_autofree char *dir = test_make_temp_dir (TEMP_DIR);
  g_autofree char *broken_path = g_build_filename (dir, "providers", "broken.json", NULL);
  g_autofree char *broken_line = NULL;
  g_autofree char *mine_line = NULL;
  g_autofree char *override_line = NULL;
  g_autoptr(TestCli) built_in = CLI ("providers", "--data-dir", dir);
  g_autoptr(TestCli) run = NULL;
  g_autoptr(TestCli) extra = CLI ("providers", "extra", "--data-dir", dir);

  /* Every built-in preset: id, name, description, a tab apart. */
  assert_status (built_in, 0);
  g_assert_cmpstr (built_in->err, ==, "");
  test_assert_contains (built_in->out, "oauth2\tOAuth 2.0 (any provider)\t");
  test_assert_contains (built_in->out, "\noidc\tOpenID Connect (any provider)\t");
  assert_usage (extra, "too many arguments");

  write_user_preset (dir, "mine.json", "mine", "My Provider");
  write_user_preset (dir, "oidc.json", "oidc", "Our OpenID Provider");
  write_user_preset (dir, "broken.json", "broken", "Broken\" oops");
  run = CLI ("providers", "--data-dir", dir);

  assert_status (run, 0);
  g_assert_cmpstr (run->err, ==, "");
  mine_line = g_strdup_printf ("\nmine\tMy Provider\tOurs\t(user preset: %s/providers/mine.json)\n", dir);
  test_assert_contains (run->out, mine_line);
  override_line = g_strdup_printf ("\noidc\tOur OpenID Provider\tOurs\t(user preset, replaces the built-in one: %s/providers/oidc.json)\n", dir);
  test_assert_contains (run->out, override_line);
  g_assert_null (strstr (run->out, "OpenID Connect (any provider)"));
  g_assert_true (g_str_has_prefix (run->out, "oauth2\tOAuth 2.0 (any provider)\t"));
  /* The broken file last, with its position. */
  broken_line = g_strdup_printf ("\nbroken\t(not loaded)\t%s:2:17: ", broken_path);
  test_assert_contains (run->out, broken_line);

  test_remove_tree (dir);
}

static void
test_new_app_provider (void)
{
  g_autofree char *dir = test_make_temp_dir (TEMP_DIR);
  g_autoptr(TestCli) created = CLI ("new-app", "Sign-in", "--provider", "oidc", "--data-dir", dir);
  g_autoptr(TestCli) validate = CLI ("validate", "Sign-in", "--data-dir", dir);
  g_autoptr(TestCli) unknown = CLI ("new-app", "X", "--provider", "nope", "--data-dir", dir);
  g_autoptr(TestCli) both = CLI ("new-app", "X", "--provider", "oidc", "--type", "oauth", "--data-dir", dir);
  g_autoptr(TestCli) broken = NULL;
  g_autoptr(TestCli) mine = NULL;
  g_autoptr(FlowsLibrary) library = NULL;
  g_autofree char *id = NULL;
  FlowsApp *app;

  assert_status (created, 0);
  g_assert_cmpstr (created->err, ==, "");
  test_assert_contains (created->out, "Created the OAuth App “Sign-in”.\n");
  id = last_line (created->out);
  assert_status (validate, 0);
  test_assert_contains (validate->out, "“Sign-in” has no problems.");

  library = test_library_open (dir);
  app = flows_library_find_app (library, id);
  g_assert_nonnull (app);
  g_assert_cmpstr (flows_param_get_default (flows_app_find_param (app, "Scopes")), ==, "openid profile email");
  g_assert_nonnull (flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_OAUTH_EXCHANGE));

  /* An unknown id says which there are. */
  assert_usage (unknown, "no provider preset has the id “nope”; use one of: oauth2, oidc, atlassian, dropbox, github, google, microsoft, notion, salesforce, slack");
  assert_usage (both, "--type and --provider cannot be used together");

  /* A broken file of that id says why it did not load; the user's own preset works. */
  write_user_preset (dir, "broken.json", "broken", "Broken\" oops");
  write_user_preset (dir, "mine.json", "mine", "My Provider");
  broken = CLI ("new-app", "X", "--provider", "broken", "--data-dir", dir);
  assert_failed (broken, "the provider preset “broken” did not load: ");
  test_assert_contains (broken->err, "broken.json:2:17: ");
  mine = CLI ("new-app", "Mine", "--provider", "mine", "--data-dir", dir);
  assert_status (mine, 0);

  g_clear_object (&library);
  library = test_library_open (dir);
  g_assert_cmpuint (g_list_model_get_n_items (flows_library_get_apps (library)), ==, 2);
  g_assert_cmpstr (flows_param_get_default (flows_app_find_param (flows_library_find_app (library, "Mine"), "TestURL")),
                   ==, "https://example.com/me");
  test_remove_tree (dir);
}

/* No two Apps have the same name, whatever its case: flows-cli finds Apps by name. */
static void
test_new_app_name_taken (void)
{
  g_autofree char *dir = test_make_temp_dir (TEMP_DIR);
  g_autofree char *id = new_app (dir, "Weather", "generic");
  g_autoptr(TestCli) same = CLI ("new-app", "Weather", "--type", "generic", "--data-dir", dir);
  g_autoptr(TestCli) other_case = CLI ("new-app", " WEATHER ", "--type", "oauth", "--data-dir", dir);
  g_autoptr(FlowsLibrary) library = NULL;

  assert_failed (same, "Another App is named “Weather” already");
  assert_failed (other_case, "Another App is named “Weather” already, which differs only in case");
  library = test_library_open (dir);
  g_assert_cmpuint (g_list_model_get_n_items (flows_library_get_apps (library)), ==, 1);
  test_remove_tree (dir);
}

/* validate --------------------------------------------------------------------------------- */

/* Edits App @id's file as a person would: the first @old after @after (from the start when
 * NULL) becomes @replacement. */
static void
edit_app_file (const char *dir,
               const char *id,
               const char *after,
               const char *old,
               const char *replacement)
{
  g_autofree char *path = document_path (dir, "apps", id);
  g_autofree char *text = test_read_text (path);
  g_autofree char *edited = NULL;
  const char *at = text;

  if (after != NULL)
    at = strstr (text, after);
  g_assert_nonnull (at);
  at = strstr (at, old);
  g_assert_nonnull (at);
  edited = g_strdup_printf ("%.*s%s%s", (int)(at - text), text, replacement, at + strlen (old));
  test_write_text (path, edited);
}

static void
test_validate_templates (void)
{
  g_autofree char *dir = test_make_temp_dir (TEMP_DIR);
  g_autofree char *generic = new_app (dir, "Generic One", "generic");
  g_autofree char *oauth = new_app (dir, "OAuth One", "oauth");
  g_autoptr(TestCli) by_id = CLI ("validate", generic, "--data-dir", dir);
  g_autoptr(TestCli) by_name = CLI ("validate", "OAuth One", "--data-dir", dir);
  g_autoptr(TestCli) oauth_by_id = CLI ("validate", oauth, "--data-dir", dir);

  assert_status (by_id, 0);
  g_assert_cmpstr (by_id->out, ==, "“Generic One” has no problems.\n");
  g_assert_cmpstr (by_id->err, ==, "");
  assert_status (by_name, 0);
  g_assert_cmpstr (by_name->out, ==, "“OAuth One” has no problems.\n");
  g_assert_cmpstr (by_name->err, ==, "");
  assert_status (oauth_by_id, 0);
  g_assert_cmpstr (oauth_by_id->out, ==, by_name->out);
  test_remove_tree (dir);
}

static void
test_validate_unknown_reference (void)
{
  g_autofree char *dir = test_make_temp_dir (TEMP_DIR);
  g_autofree char *id = new_app (dir, "Edited", "generic");
  g_autoptr(TestCli) run = NULL;

  /* Edit the file as a person would: the test URL now names a parameter that does not exist. */
  edit_app_file (dir, id, NULL, "\"uriBase\" : \"<TestURL>\"", "\"uriBase\" : \"<Nope>\"");

  run = CLI ("validate", "Edited", "--data-dir", dir);
  assert_status (run, 1);
  /* flow, stage, setting and the reference, on one line */
  g_assert_true (g_str_has_prefix (run->out, "Flow “Connection Test”, stage “Call the test endpoint”, setting uriBase: "));
  test_assert_contains (run->out, "<Nope>");
  /* and only that one */
  g_assert_true (strchr (run->out, '\n') == run->out + strlen (run->out) - 1);
  g_assert_cmpstr (run->err, ==, "1 problem in “Edited”\n");

  test_remove_tree (dir);
}

/* A URL parameter's default that is no web address is a problem of the App. */
static void
test_validate_url_default (void)
{
  g_autofree char *dir = test_make_temp_dir (TEMP_DIR);
  g_autofree char *id = new_app (dir, "Defaults", "generic");
  g_autoptr(TestCli) run = NULL;

  /* The Test URL parameter, the App's one URL, gets a default. */
  edit_app_file (dir, id, "\"kind\" : \"url\"", "\"default\" : \"\"", "\"default\" : \"github dot com/login\"");

  run = CLI ("validate", "Defaults", "--data-dir", dir);
  assert_status (run, 1);
  g_assert_true (g_str_has_prefix (run->out, "Parameter “TestURL”: "));
  test_assert_contains (run->out, "“github dot com/login” is not a web address");
  g_assert_cmpstr (run->err, ==, "1 problem in “Defaults”\n");

  test_remove_tree (dir);
}

static void
test_validate_errors (void)
{
  g_autofree char *dir = test_make_temp_dir (TEMP_DIR);
  g_autoptr(TestCli) unknown = CLI ("validate", "Nothing Here", "--data-dir", dir);
  g_autoptr(TestCli) missing = CLI ("validate", "--data-dir", dir);

  assert_failed (unknown, "no App has the id or name “Nothing Here”");
  assert_usage (missing, "missing arguments");
  test_remove_tree (dir);
}

/* export / import -------------------------------------------------------------------------- */

static void
test_export (void)
{
  g_autofree char *dir = test_make_temp_dir (TEMP_DIR);
  g_autofree char *id = new_app (dir, "Exported", "oauth");
  g_autofree char *app_file = document_path (dir, "apps", id);
  g_autofree char *library_text = test_read_text (app_file);
  g_autofree char *target = g_build_filename (dir, "out", "exported.json", NULL);
  g_autoptr(TestCli) to_file = CLI ("export", "Exported", target, "--data-dir", dir);
  g_autoptr(TestCli) to_stdout = CLI ("export", id, "-", "--data-dir", dir);
  g_autofree char *exported = NULL;
  g_autofree char *expected = g_strdup_printf ("Exported “Exported” to %s.\n", target);

  assert_status (to_file, 0);
  g_assert_cmpstr (to_file->out, ==, expected);
  g_assert_cmpstr (to_file->err, ==, "");
  exported = test_read_text (target);
  g_assert_cmpstr (exported, ==, library_text);

  /* "-" is standard output, and only the document goes there. */
  assert_status (to_stdout, 0);
  g_assert_cmpstr (to_stdout->out, ==, library_text);
  g_assert_cmpstr (to_stdout->err, ==, "");

  test_remove_tree (dir);
}

static void
test_export_errors (void)
{
  g_autofree char *dir = test_make_temp_dir (TEMP_DIR);
  g_autofree char *id = new_app (dir, "Exported", "generic");
  g_autofree char *blocker = g_build_filename (dir, "blocker", NULL);
  g_autofree char *under_blocker = g_build_filename (blocker, "x.json", NULL);
  g_autoptr(TestCli) unknown = NULL;
  g_autoptr(TestCli) no_file = NULL;
  g_autoptr(TestCli) unwritable = NULL;

  unknown = CLI ("export", "Nope", "-", "--data-dir", dir);
  assert_failed (unknown, "“Nope”");
  no_file = CLI ("export", id, "--data-dir", dir);
  assert_usage (no_file, "missing arguments");

  /* A file where a folder should be. */
  test_write_text (blocker, "not a folder");
  unwritable = CLI ("export", id, under_blocker, "--data-dir", dir);
  assert_failed (unwritable, under_blocker);

  test_remove_tree (dir);
}

static void
test_import (void)
{
  g_autofree char *dir_a = test_make_temp_dir (TEMP_DIR);
  g_autofree char *dir_b = test_make_temp_dir (TEMP_DIR);
  g_autofree char *id = new_app (dir_a, "Travelling", "oauth");
  g_autofree char *exported_path = g_build_filename (dir_a, "travelling.json", NULL);
  g_autoptr(TestCli) export = CLI ("export", id, exported_path, "--data-dir", dir_a);
  g_autoptr(TestCli) import = CLI ("import", exported_path, "--data-dir", dir_b);
  g_autoptr(TestCli) again = CLI ("import", exported_path, "--data-dir", dir_b);
  g_autoptr(TestCli) apps = CLI ("apps", "--data-dir", dir_b);
  g_autofree char *imported_id = NULL;
  g_autofree char *imported_path = document_path (dir_b, "apps", id);
  g_autofree char *exported = NULL;
  g_autofree char *imported = NULL;
  g_autofree char *expected_apps = g_strdup_printf ("%s\tOAuth\tTravelling\n", id);

  assert_status (export, 0);
  assert_status (import, 0);
  g_assert_cmpstr (import->err, ==, "");
  imported_id = last_line (import->out);
  g_assert_cmpstr (imported_id, ==, id);
  g_assert_true (g_str_has_prefix (import->out, "Imported “Travelling”.\n"));

  exported = test_read_text (exported_path);
  imported = test_read_text (imported_path);
  g_assert_cmpstr (imported, ==, exported);

  /* The same id again is refused. */
  assert_failed (again, "already has an App with the id");
  test_assert_contains (again->err, id);

  assert_status (apps, 0);
  g_assert_cmpstr (apps->out, ==, expected_apps);

  test_remove_tree (dir_a);
  test_remove_tree (dir_b);
}

static void
test_import_bad_file (void)
{
  g_autofree char *dir = test_make_temp_dir (TEMP_DIR);
  g_autofree char *library_dir = g_build_filename (dir, "library", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.json", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.json", NULL);
  const char *truncated = "{\n  \"format\" : \"flows-studio/app\",\n  \"version\" : 1,\n  \"id\" : \"abc";
  g_autoptr(TestCli) run = NULL;
  g_autoptr(TestCli) not_found = NULL;
  g_autoptr(TestCli) usage = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *after = NULL;

  test_write_text (bad, truncated);
  run = CLI ("import", bad, "--data-dir", library_dir);
  expected = g_strdup_printf ("flows-cli: %s:4:14: ", bad);
  assert_failed (run, "");
  g_assert_true (g_str_has_prefix (run->err, expected));
  after = test_read_text (bad);
  g_assert_cmpstr (after, ==, truncated);
  g_assert_false (g_file_test (library_dir, G_FILE_TEST_EXISTS));

  not_found = CLI ("import", missing, "--data-dir", library_dir);
  assert_failed (not_found, missing);

  usage = CLI ("import", "--data-dir", library_dir);
  assert_usage (usage, "missing arguments");

  test_remove_tree (dir);
}

/* connection ------------------------------------------------------------------------------- */

static void
test_connection_add_values (void)
{
  g_autofree char *dir = test_make_temp_dir (TEMP_DIR);
  g_autofree char *app_id = new_app (dir, "OAuth Service", "oauth");
  g_autoptr(TestCli) run = CLI ("connection", "add", "OAuth Service", "Work account",
                            "--set", "AuthURL=https://example.com/authorize?x=1&y=2",
                            "--set", "TokenURL=https://example.com/token",
                            "--set", "ClientID=client=id#1",
                            "-s", "Scopes=read write",
                            "--set", "TestURL=https://example.com/me",
                            "--data-dir", dir);
  g_autofree char *connection_id = NULL;
  g_autofree char *path = NULL;
  g_autoptr(FlowsLibrary) library = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(FlowsConnection) connection = NULL;
  g_auto(GStrv) keys = NULL;
  GStatBuf st;

  assert_status (run, 0);
  g_assert_cmpstr (run->err, ==, "");
  g_assert_true (g_str_has_prefix (run->out, "Added the connection “Work account” to “OAuth Service”.\n"));
  connection_id = last_line (run->out);
  g_assert_true (g_uuid_string_is_valid (connection_id));

  path = document_path (dir, "connections", connection_id);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0600);

  file = g_file_new_for_path (path);
  connection = flows_document_load_connection (file, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (flows_connection_get_id (connection), ==, connection_id);
  g_assert_cmpstr (flows_connection_get_app_id (connection), ==, app_id);
  g_assert_cmpstr (flows_connection_get_name (connection), ==, "Work account");
  keys = flows_connection_list_value_keys (connection);
  g_assert_cmpstrv (keys, ((const char * const []) { "AuthURL", "ClientID", "Scopes", "TestURL", "TokenURL", NULL }));
  /* Everything after the first "=" is the value. */
  g_assert_cmpstr (flows_connection_get_value (connection, "ClientID"), ==, "client=id#1");
  g_assert_cmpstr (flows_connection_get_value (connection, "AuthURL"), ==, "https://example.com/authorize?x=1&y=2");
  g_assert_cmpstr (flows_connection_get_value (connection, "Scopes"), ==, "read write");

  library = test_library_open (dir);
  g_assert_nonnull (flows_library_find_connection (library, connection_id));

  test_remove_tree (dir);
}

/* Adds a Generic connection whose ApiKey is @secret, given on stdin or on the command line;
 * checks the keyring and that no file and no output holds it, and returns the connection id. */
static char *
add_with_secret (const char *dir,
                 const char *app_id,
                 const char *secret,
                 const char *suffix,
                 gboolean    on_stdin)
{
  g_autofree char *assignment = g_strconcat ("ApiKey=", on_stdin ? "-" : secret, NULL);
  g_autofree char *input = on_stdin ? g_strconcat (secret, "\n", NULL) : NULL;
  g_autoptr(TestCli) run = CLI_INPUT (input, "connection", "add", app_id, "Keyed",
                                  "--set", "TestURL=https://example.com/ping",
                                  "--set", assignment,
                                  "--data-dir", dir);
  g_autofree char *connection_id = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  char *stored;
  guint n_files = 0;

  assert_status (run, 0);
  g_assert_cmpstr (run->err, ==, "");
  connection_id = last_line (run->out);
  g_assert_true (g_uuid_string_is_valid (connection_id));

  /* In the real keyring, exactly as given (without stdin's line break). */
  stored = lookup_secret (app_id, connection_id, "ApiKey");
  g_assert_cmpstr (stored, ==, secret);
  flows_secrets_free (stored);

  /* Not in any file under the data directory: neither whole nor its random part. */
  g_assert_cmpuint (test_tree_count_holders (dir, secret, &n_files), ==, 0);
  g_assert_cmpuint (n_files, >=, 2);
  g_assert_cmpuint (test_tree_count_holders (dir, suffix, NULL), ==, 0);

  /* Not in what the CLI printed. */
  g_assert_null (strstr (run->out, suffix));
  g_assert_null (strstr (run->err, suffix));

  /* The connection file has the other value and no ApiKey. */
  path = document_path (dir, "connections", connection_id);
  contents = test_read_text (path);
  test_assert_contains (contents, "\"TestURL\" : \"https://example.com/ping\"");
  g_assert_null (strstr (contents, "ApiKey"));

  return g_steal_pointer (&connection_id);
}

static void
test_connection_add_secret_stdin (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *app_id = NULL;
  g_autofree char *suffix = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *connection_id = NULL;

  if (!test_need_keyring ())
    return;

  dir = test_make_temp_dir (TEMP_DIR);
  app_id = new_app (dir, "Keyed API", "generic");
  secret = new_secret (&suffix);
  connection_id = add_with_secret (dir, app_id, secret, suffix, TRUE);

  test_clear_connection_secrets (app_id, connection_id);
  test_remove_tree (dir);
}

static void
test_connection_add_secret_argument (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *app_id = NULL;
  g_autofree char *suffix = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *connection_id = NULL;

  if (!test_need_keyring ())
    return;

  dir = test_make_temp_dir (TEMP_DIR);
  app_id = new_app (dir, "Keyed API", "generic");
  secret = new_secret (&suffix);
  connection_id = add_with_secret (dir, app_id, secret, suffix, FALSE);

  test_clear_connection_secrets (app_id, connection_id);
  test_remove_tree (dir);
}

static void
test_connection_add_errors (void)
{
  g_autofree char *dir = test_make_temp_dir (TEMP_DIR);
  g_autofree char *generic = new_app (dir, "Generic API", "generic");
  g_autofree char *oauth = new_app (dir, "OAuth API", "oauth");
  g_autofree char *connections_dir = g_build_filename (dir, "connections", NULL);
  g_autoptr(TestCli) missing_secret = CLI ("connection", "add", generic, "C",
                                       "--set", "TestURL=https://example.com", "--data-dir", dir);
  g_autoptr(TestCli) missing_all = CLI ("connection", "add", oauth, "C", "--data-dir", dir);
  g_autoptr(TestCli) empty_value = CLI ("connection", "add", oauth, "C",
                                    "--set", "AuthURL=", "--set", "TokenURL=https://t",
                                    "--set", "ClientID=id", "--set", "TestURL=https://x", "--data-dir", dir);
  g_autoptr(TestCli) unknown_key = CLI ("connection", "add", generic, "C",
                                    "--set", "Nope=1", "--data-dir", dir);
  g_autoptr(TestCli) bad_assignment = CLI ("connection", "add", generic, "C",
                                       "--set", "ApiKey", "--data-dir", dir);
  g_autoptr(TestCli) unknown_app = CLI ("connection", "add", "No Such App", "C", "--data-dir", dir);
  g_autoptr(TestCli) no_name = CLI ("connection", "add", generic, "--data-dir", dir);

  assert_failed (missing_secret, "required parameters have no value: ApiKey\n");
  assert_failed (missing_all, "required parameters have no value: AuthURL, TokenURL, ClientID, TestURL\n");
  assert_failed (empty_value, "required parameters have no value: AuthURL\n");
  assert_failed (unknown_key, "has no parameter “Nope”");
  assert_usage (bad_assignment, "“ApiKey” is not KEY=VALUE");
  assert_failed (unknown_app, "“No Such App”");
  assert_usage (no_name, "missing arguments");

  /* No connection was written by any of them. */
  g_assert_false (g_file_test (connections_dir, G_FILE_TEST_EXISTS));
  test_remove_tree (dir);
}

static void
test_connection_list (void)
{
  g_autofree char *dir = test_make_temp_dir (TEMP_DIR);
  g_autofree char *first = new_app (dir, "First API", "oauth");
  g_autofree char *second = new_app (dir, "Second API", "oauth");
  g_autofree char *third = new_app (dir, "Third API", "oauth");
  const char *values[] = { "--set", "AuthURL=https://a", "--set", "TokenURL=https://t",
                           "--set", "ClientID=c", "--set", "TestURL=https://x" };
  g_autoptr(TestCli) empty = CLI ("connection", "list", "--data-dir", dir);
  g_autoptr(TestCli) add_a = CLI ("connection", "add", first, "Alpha", values[0], values[1], values[2], values[3],
                              values[4], values[5], values[6], values[7], "--data-dir", dir);
  g_autoptr(TestCli) add_b = CLI ("connection", "add", "Second API", "Beta", values[0], values[1], values[2], values[3],
                              values[4], values[5], values[6], values[7], "--data-dir", dir);
  g_autoptr(TestCli) all = NULL;
  g_autoptr(TestCli) only_second = NULL;
  g_autoptr(TestCli) only_third = NULL;
  g_autoptr(TestCli) unknown = NULL;
  g_autoptr(TestCli) too_many = NULL;
  g_autofree char *id_a = NULL;
  g_autofree char *id_b = NULL;
  g_autofree char *line_a = NULL;
  g_autofree char *line_b = NULL;
  g_autofree char *expected = NULL;

  assert_status (empty, 0);
  g_assert_cmpstr (empty->out, ==, "No connections.\n");
  g_assert_cmpstr (empty->err, ==, "");

  assert_status (add_a, 0);
  assert_status (add_b, 0);
  id_a = last_line (add_a->out);
  id_b = last_line (add_b->out);
  line_a = g_strdup_printf ("%s\tFirst API\tAlpha\tnever tested\n", id_a);
  line_b = g_strdup_printf ("%s\tSecond API\tBeta\tnever tested\n", id_b);

  all = CLI ("connection", "list", "--data-dir", dir);
  assert_status (all, 0);
  g_assert_cmpstr (all->err, ==, "");
  /* In file name order, which is id order. */
  expected = strcmp (id_a, id_b) < 0 ? g_strconcat (line_a, line_b, NULL) : g_strconcat (line_b, line_a, NULL);
  g_assert_cmpstr (all->out, ==, expected);

  only_second = CLI ("connection", "list", second, "--data-dir", dir);
  assert_status (only_second, 0);
  g_assert_cmpstr (only_second->out, ==, line_b);

  only_third = CLI ("connection", "list", "Third API", "--data-dir", dir);
  assert_status (only_third, 0);
  g_assert_cmpstr (only_third->out, ==, "No connections.\n");
  (void)third;

  unknown = CLI ("connection", "list", "Fourth API", "--data-dir", dir);
  assert_failed (unknown, "“Fourth API”");
  too_many = CLI ("connection", "list", "a", "b", "--data-dir", dir);
  assert_usage (too_many, "too many arguments");

  test_remove_tree (dir);
}

static void
test_connection_show (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *app_id = NULL;
  g_autofree char *suffix = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *connection_id = NULL;
  g_autoptr(TestCli) run = NULL;
  g_autofree char *expected = NULL;

  if (!test_need_keyring ())
    return;

  dir = test_make_temp_dir (TEMP_DIR);
  app_id = new_app (dir, "Shown API", "generic");
  secret = new_secret (&suffix);
  connection_id = add_with_secret (dir, app_id, secret, suffix, TRUE);

  run = CLI ("connection", "show", connection_id, "--data-dir", dir);
  assert_status (run, 0);
  g_assert_cmpstr (run->err, ==, "");
  expected = g_strdup_printf ("Name: Keyed\n"
                              "Id: %s\n"
                              "App: Shown API\n"
                              "Status: never tested\n"
                              "Parameters:\n"
                              "  ApiKey: •••••• (sensitive, stored in the keyring)\n"
                              "  TestURL: https://example.com/ping\n",
                              connection_id);
  g_assert_cmpstr (run->out, ==, expected);
  g_assert_null (strstr (run->out, suffix));

  /* A sensitive parameter with nothing stored says so. */
  test_clear_connection_secrets (app_id, connection_id);
  g_clear_pointer (&run, test_cli_free);
  run = CLI ("connection", "show", connection_id, "--data-dir", dir);
  assert_status (run, 0);
  test_assert_contains (run->out, "  ApiKey: (sensitive, not set)\n");

  test_remove_tree (dir);
}

static void
test_connection_delete (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *app_id = NULL;
  g_autofree char *suffix = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *connection_id = NULL;
  g_autofree char *path = NULL;
  g_autoptr(TestCli) run = NULL;
  g_autoptr(TestCli) again = NULL;
  g_autoptr(TestCli) list = NULL;
  char *stored;

  if (!test_need_keyring ())
    return;

  dir = test_make_temp_dir (TEMP_DIR);
  app_id = new_app (dir, "Deleted API", "generic");
  secret = new_secret (&suffix);
  connection_id = add_with_secret (dir, app_id, secret, suffix, FALSE);
  path = document_path (dir, "connections", connection_id);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  run = CLI ("connection", "delete", connection_id, "--data-dir", dir);
  assert_status (run, 0);
  g_assert_cmpstr (run->out, ==, "Deleted the connection “Keyed”.\n");
  g_assert_cmpstr (run->err, ==, "");

  /* The file and the keyring entry are both gone. */
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  stored = lookup_secret (app_id, connection_id, "ApiKey");
  g_assert_null (stored);

  list = CLI ("connection", "list", "--data-dir", dir);
  g_assert_cmpstr (list->out, ==, "No connections.\n");

  again = CLI ("connection", "delete", connection_id, "--data-dir", dir);
  assert_failed (again, connection_id);

  test_remove_tree (dir);
}

static void
test_connection_errors (void)
{
  g_autofree char *dir = test_make_temp_dir (TEMP_DIR);
  g_autoptr(TestCli) show = CLI ("connection", "show", "no-such-id", "--data-dir", dir);
  g_autoptr(TestCli) delete = CLI ("connection", "delete", "no-such-id", "--data-dir", dir);
  g_autoptr(TestCli) bare = CLI ("connection");
  g_autoptr(TestCli) unknown = CLI ("connection", "rename", "x", "--data-dir", dir);
  g_autoptr(TestCli) show_usage = CLI ("connection", "show", "--data-dir", dir);
  g_autoptr(TestCli) delete_usage = CLI ("connection", "delete", "a", "b", "--data-dir", dir);

  assert_failed (show, "no connection has the id “no-such-id”");
  assert_failed (delete, "no connection has the id “no-such-id”");
  assert_usage (bare, "add, list, show or delete");
  assert_usage (unknown, "unknown subcommand “rename”");
  assert_usage (show_usage, "missing arguments");
  assert_usage (delete_usage, "too many arguments");

  test_remove_tree (dir);
}

/* Export never carries a secret, even when a connection of the App has one. */
static void
test_export_has_no_secret (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *app_id = NULL;
  g_autofree char *suffix = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *connection_id = NULL;
  g_autofree char *target = NULL;
  g_autofree char *exported = NULL;
  g_autoptr(TestCli) to_file = NULL;
  g_autoptr(TestCli) to_stdout = NULL;

  if (!test_need_keyring ())
    return;

  dir = test_make_temp_dir (TEMP_DIR);
  app_id = new_app (dir, "Secretive API", "generic");
  secret = new_secret (&suffix);
  connection_id = add_with_secret (dir, app_id, secret, suffix, TRUE);
  target = g_build_filename (dir, "export.json", NULL);

  to_file = CLI ("export", app_id, target, "--data-dir", dir);
  assert_status (to_file, 0);
  exported = test_read_text (target);
  g_assert_null (strstr (exported, suffix));
  g_assert_null (strstr (exported, connection_id));

  to_stdout = CLI ("export", app_id, "-", "--data-dir", dir);
  assert_status (to_stdout, 0);
  g_assert_cmpstr (to_stdout->out, ==, exported);
  g_assert_null (strstr (to_stdout->out, suffix));

  test_clear_connection_secrets (app_id, connection_id);
  test_remove_tree (dir);
}

/* rename-app, delete-app --------------------------------------------------------------------- */

static void
test_rename_app (void)
{
  g_autofree char *dir = test_make_temp_dir (TEMP_DIR);
  g_autofree char *weather_id = new_app (dir, "Weather", "generic");
  g_autofree char *mail_id = new_app (dir, "Mail", "oauth");
  g_autoptr(TestCli) by_name = CLI ("rename-app", "Weather", "  Atmosphere ", "--data-dir", dir);
  g_autoptr(TestCli) by_id = CLI ("rename-app", weather_id, "ATMOSPHERE", "--data-dir", dir);
  g_autoptr(TestCli) taken = CLI ("rename-app", weather_id, "mail", "--data-dir", dir);
  g_autoptr(TestCli) blank = CLI ("rename-app", weather_id, " ", "--data-dir", dir);
  g_autoptr(TestCli) unknown = CLI ("rename-app", "Nothing", "Something", "--data-dir", dir);
  g_autoptr(TestCli) one_argument = CLI ("rename-app", weather_id, "--data-dir", dir);
  g_autoptr(FlowsLibrary) library = NULL;

  assert_status (by_name, 0);
  g_assert_cmpstr (by_name->out, ==, "Renamed “Weather” to “Atmosphere”.\n");
  g_assert_cmpstr (by_name->err, ==, "");
  /* A change of case only is a rename like any other. */
  assert_status (by_id, 0);
  g_assert_cmpstr (by_id->out, ==, "Renamed “Atmosphere” to “ATMOSPHERE”.\n");

  assert_failed (taken, "Another App is named “Mail” already");
  assert_usage (blank, "the name must not be empty");
  assert_failed (unknown, "no App has the id or name “Nothing”");
  assert_usage (one_argument, "missing arguments");

  library = test_library_open (dir);
  g_assert_cmpstr (flows_app_get_name (flows_library_find_app (library, weather_id)), ==, "ATMOSPHERE");
  g_assert_cmpstr (flows_app_get_name (flows_library_find_app (library, mail_id)), ==, "Mail");
  test_remove_tree (dir);
}

/* Asks first, deletes only on "y" or --yes, and says what went: the connections and their
 * keyring items, while another App's connection stays. */
static void
test_delete_app (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *app_id = NULL;
  g_autofree char *other_id = NULL;
  g_autofree char *suffix = NULL;
  g_autofree char *other_suffix = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *other_secret = NULL;
  g_autofree char *connection_id = NULL;
  g_autofree char *other_connection_id = NULL;
  g_autofree char *app_path = NULL;
  g_autofree char *connection_path = NULL;
  g_autofree char *other_connection_path = NULL;
  g_autoptr(TestCli) no_answer = NULL;
  g_autoptr(TestCli) no = NULL;
  g_autoptr(TestCli) yes = NULL;
  g_autoptr(TestCli) again = NULL;
  char *stored;

  if (!test_need_keyring ())
    return;

  dir = test_make_temp_dir (TEMP_DIR);
  app_id = new_app (dir, "Deleted API", "generic");
  other_id = new_app (dir, "Kept API", "generic");
  secret = new_secret (&suffix);
  other_secret = new_secret (&other_suffix);
  connection_id = add_with_secret (dir, app_id, secret, suffix, FALSE);
  other_connection_id = add_with_secret (dir, other_id, other_secret, other_suffix, FALSE);
  app_path = document_path (dir, "apps", app_id);
  connection_path = document_path (dir, "connections", connection_id);
  other_connection_path = document_path (dir, "connections", other_connection_id);

  /* Nothing on standard input, or anything but yes, deletes nothing. */
  no_answer = CLI ("delete-app", "Deleted API", "--data-dir", dir);
  assert_status (no_answer, 1);
  test_assert_contains (no_answer->err, "Delete “Deleted API” with 1 connection (“Keyed”) and 1 keyring item? [y/N]");
  test_assert_contains (no_answer->err, "flows-cli: nothing was deleted");
  no = CLI_INPUT ("n\n", "delete-app", app_id, "--data-dir", dir);
  assert_status (no, 1);
  g_assert_true (g_file_test (app_path, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (connection_path, G_FILE_TEST_IS_REGULAR));

  yes = CLI_INPUT ("y\n", "delete-app", app_id, "--data-dir", dir);
  assert_status (yes, 0);
  g_assert_cmpstr (yes->out, ==, "Deleted “Deleted API” with 1 connection (“Keyed”) and 1 keyring item.\n");
  g_assert_false (g_file_test (app_path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (connection_path, G_FILE_TEST_EXISTS));
  stored = lookup_secret (app_id, connection_id, "ApiKey");
  g_assert_null (stored);

  g_assert_true (g_file_test (other_connection_path, G_FILE_TEST_IS_REGULAR));
  stored = lookup_secret (other_id, other_connection_id, "ApiKey");
  g_assert_cmpstr (stored, ==, other_secret);
  flows_secrets_free (stored);

  again = CLI ("delete-app", app_id, "--yes", "--data-dir", dir);
  assert_failed (again, app_id);

  test_clear_connection_secrets (other_id, other_connection_id);
  test_remove_tree (dir);
}

static void
test_delete_app_without_connections (void)
{
  g_autofree char *dir = test_make_temp_dir (TEMP_DIR);
  g_autofree char *app_id = new_app (dir, "Lonely", "oauth");
  g_autofree char *app_path = document_path (dir, "apps", app_id);
  g_autoptr(TestCli) run = CLI ("delete-app", "Lonely", "-y", "--data-dir", dir);
  g_autoptr(TestCli) apps = CLI ("apps", "--data-dir", dir);

  assert_status (run, 0);
  g_assert_cmpstr (run->out, ==, "Deleted “Lonely” with no connection.\n");
  g_assert_cmpstr (run->err, ==, "");
  g_assert_false (g_file_test (app_path, G_FILE_TEST_EXISTS));
  test_assert_contains (apps->out, "No Apps yet");
  test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/no-command", test_no_command);
  g_test_add_func ("/cli/unknown-command", test_unknown_command);
  g_test_add_func ("/cli/help", test_help);
  g_test_add_func ("/cli/apps/empty", test_apps_empty);
  g_test_add_func ("/cli/apps/list", test_apps_list);
  g_test_add_func ("/cli/apps/broken-file", test_apps_broken_file);
  g_test_add_func ("/cli/new-app/ok", test_new_app);
  g_test_add_func ("/cli/new-app/usage", test_new_app_usage);
  g_test_add_func ("/cli/new-app/name-taken", test_new_app_name_taken);
  g_test_add_func ("/cli/providers", test_providers);
  g_test_add_func ("/cli/new-app/provider", test_new_app_provider);
  g_test_add_func ("/cli/rename-app", test_rename_app);
  g_test_add_func ("/cli/delete-app/with-connections", test_delete_app);
  g_test_add_func ("/cli/delete-app/without-connections", test_delete_app_without_connections);
  g_test_add_func ("/cli/validate/templates", test_validate_templates);
  g_test_add_func ("/cli/validate/unknown-reference", test_validate_unknown_reference);
  g_test_add_func ("/cli/validate/url-default", test_validate_url_default);
  g_test_add_func ("/cli/validate/errors", test_validate_errors);
  g_test_add_func ("/cli/export/ok", test_export);
  g_test_add_func ("/cli/export/errors", test_export_errors);
  g_test_add_func ("/cli/export/no-secret", test_export_has_no_secret);
  g_test_add_func ("/cli/import/ok", test_import);
  g_test_add_func ("/cli/import/bad-file", test_import_bad_file);
  g_test_add_func ("/cli/connection/add/values", test_connection_add_values);
  g_test_add_func ("/cli/connection/add/secret-stdin", test_connection_add_secret_stdin);
  g_test_add_func ("/cli/connection/add/secret-argument", test_connection_add_secret_argument);
  g_test_add_func ("/cli/connection/add/errors", test_connection_add_errors);
  g_test_add_func ("/cli/connection/list", test_connection_list);
  g_test_add_func ("/cli/connection/show", test_connection_show);
  g_test_add_func ("/cli/connection/delete", test_connection_delete);
  g_test_add_func ("/cli/connection/errors", test_connection_errors);

  return g_test_run ();
}
