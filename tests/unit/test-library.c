/* test-library.c — what the library does to whole Apps: names that must be unique, renaming,
 * duplicating, and deleting an App with its connections and their keyring items.
 *
 * The cases with keyring items need the disposable keyring of build-aux/session and skip
 * without; the one without a Secret Service starts a bus of its own and runs in a child.
 */
#include "config.h"

#include <string.h>

#include "flows-document.h"
#include "flows-library.h"
#include "flows-secrets.h"
#include "runner-helpers.h"
#include "test-cases.h"
#include "test-files.h"
#include "test-session.h"
#include "test-wait.h"

#define TEMP_DIR "flows-test-library-XXXXXX"
#define ASYNC_TIMEOUT_MS 30000

typedef struct
{
  char         *directory;
  FlowsLibrary *library;
  FlowsApp     *weather;
  FlowsApp     *mail;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->library = test_library_new_temp (TEMP_DIR, &fixture->directory);
  fixture->weather = test_library_add_template (fixture->library, "Weather", FLOWS_CONNECTION_TYPE_GENERIC);
  fixture->mail = test_library_add_template (fixture->library, "Mail", FLOWS_CONNECTION_TYPE_OAUTH);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->weather);
  g_clear_object (&fixture->mail);
  test_library_remove_temp (&fixture->library, &fixture->directory);
}

/* The names of the library's Apps, in its order, joined by "|". */
static char *
app_names (FlowsLibrary *library)
{
  GListModel *apps = flows_library_get_apps (library);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < g_list_model_get_n_items (apps); i++)
    {
      g_autoptr(FlowsApp) app = g_list_model_get_item (apps, i);
      g_ptr_array_add (names, g_strdup (flows_app_get_name (app)));
    }
  g_ptr_array_add (names, NULL);
  return g_strjoinv ("|", (char **)names->pdata);
}

/* Adds a connection of @app with one value in its file and @n_secrets items in the keyring. */
static FlowsConnection *
add_connection (Fixture    *fixture,
                FlowsApp   *app,
                const char *id,
                guint       n_secrets)
{
  g_autoptr(FlowsConnection) connection = flows_connection_new (id, flows_app_get_id (app), id);
  g_autoptr(GError) error = NULL;

  flows_connection_set_value (connection, "Region", "eu");
  for (guint i = 0; i < n_secrets; i++)
    {
      g_autofree char *key = g_strdup_printf ("Secret%u", i);

      g_assert_true (flows_secrets_store_sync (flows_app_get_id (app), id, key, "s3cr3t", NULL, &error));
      g_assert_no_error (error);
    }
  g_assert_true (flows_library_add_connection (fixture->library, connection, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&connection);
}

static char *
connection_path (Fixture    *fixture,
                 const char *id)
{
  g_autofree char *basename = g_strconcat (id, ".json", NULL);
  return g_build_filename (fixture->directory, "connections", basename, NULL);
}

static gssize
count_secrets (FlowsApp   *app,
               const char *connection_id)
{
  g_autoptr(GError) error = NULL;
  gssize n = flows_secrets_count_connection_sync (flows_app_get_id (app), connection_id, NULL, &error);

  g_assert_no_error (error);
  return n;
}

/* Names ---------------------------------------------------------------------------------- */

typedef struct
{
  const char *path;
  const char *name;
  gboolean    except_weather;  /* the name is checked for Weather itself (a rename) */
  int         code;            /* a FlowsLibraryError, or -1 when the name is free */
} NameCase;

static const NameCase name_cases[] = {
  { "/library/app-name/free", "Calendar", FALSE, -1 },
  { "/library/app-name/taken", "Weather", FALSE, FLOWS_LIBRARY_ERROR_EXISTS },
  { "/library/app-name/taken-other-case", "wEATHER", FALSE, FLOWS_LIBRARY_ERROR_EXISTS },
  { "/library/app-name/taken-with-spaces", "  Weather ", FALSE, FLOWS_LIBRARY_ERROR_EXISTS },
  { "/library/app-name/own-name", "weather", TRUE, -1 },
  { "/library/app-name/other-app-on-rename", "MAIL", TRUE, FLOWS_LIBRARY_ERROR_EXISTS },
  { "/library/app-name/empty", "", FALSE, FLOWS_LIBRARY_ERROR_INVALID_NAME },
  { "/library/app-name/spaces-only", " \t ", TRUE, FLOWS_LIBRARY_ERROR_INVALID_NAME },
};

static void
test_app_name (gconstpointer data)
{
  const NameCase *row = data;
  g_autoptr(GError) error = NULL;
  Fixture fixture = { 0 };
  gboolean free_name;

  fixture_set_up (&fixture, NULL);
  free_name = flows_library_check_app_name (fixture.library, row->name, row->except_weather ? fixture.weather : NULL, &error);
  if (row->code < 0)
    {
      g_assert_no_error (error);
      g_assert_true (free_name);
    }
  else
    {
      g_assert_error (error, FLOWS_LIBRARY_ERROR, row->code);
      g_assert_false (free_name);
      g_assert_cmpstr (error->message, !=, "");
    }
  fixture_tear_down (&fixture, NULL);
}

/* The same name in another Unicode form (é as one character, and as e with an accent). */
static void
test_app_name_unicode_forms (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (flows_library_rename_app (fixture->library, fixture->weather, "Caf\xc3\xa9", &error));
  g_assert_no_error (error);
  g_assert_false (flows_library_check_app_name (fixture->library, "CAFE\xcc\x81", NULL, &error));
  g_assert_error (error, FLOWS_LIBRARY_ERROR, FLOWS_LIBRARY_ERROR_EXISTS);
  test_assert_contains (error->message, "differs only in case");
}

/* Renaming ------------------------------------------------------------------------------- */

static void
count_removals (GListModel *model,
                guint       position,
                guint       removed,
                guint       added,
                gpointer    user_data)
{
  guint *fewest = user_data;

  *fewest = MIN (*fewest, g_list_model_get_n_items (model));
}

static void
test_rename (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *path = test_library_app_path (fixture->directory, fixture->weather);
  g_autoptr(FlowsLibrary) reloaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *names = NULL;
  guint fewest = G_MAXUINT;
  gulong handler;

  names = app_names (fixture->library);
  g_assert_cmpstr (names, ==, "Mail|Weather");

  /* Saved at once, without the spaces around it, and in its new place in the list, which it
   * never left. */
  handler = g_signal_connect (flows_library_get_apps (fixture->library), "items-changed", G_CALLBACK (count_removals), &fewest);
  g_assert_true (flows_library_rename_app (fixture->library, fixture->weather, "  Atmosphere ", &error));
  g_assert_no_error (error);
  g_signal_handler_disconnect (flows_library_get_apps (fixture->library), handler);
  g_assert_cmpuint (fewest, ==, 2);
  g_assert_cmpstr (flows_app_get_name (fixture->weather), ==, "Atmosphere");
  g_clear_pointer (&names, g_free);
  names = app_names (fixture->library);
  g_assert_cmpstr (names, ==, "Atmosphere|Mail");

  reloaded = test_library_open (fixture->directory);
  g_assert_nonnull (flows_library_find_app (reloaded, "Atmosphere"));
  g_assert_null (flows_library_find_app (reloaded, "Weather"));
  g_assert_true (test_tree_contains (path, "\"Atmosphere\""));

  /* Only the case changes: the App's own name does not stand in its way. */
  g_assert_true (flows_library_rename_app (fixture->library, fixture->weather, "ATMOSPHERE", &error));
  g_assert_no_error (error);
  g_assert_true (test_tree_contains (path, "\"ATMOSPHERE\""));
}

static void
test_rename_refused (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *path = test_library_app_path (fixture->directory, fixture->weather);
  g_autofree char *before = test_read_text (path);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (flows_library_rename_app (fixture->library, fixture->weather, "mail", &error));
  g_assert_error (error, FLOWS_LIBRARY_ERROR, FLOWS_LIBRARY_ERROR_EXISTS);
  test_assert_contains (error->message, "“Mail”");
  g_clear_error (&error);

  g_assert_false (flows_library_rename_app (fixture->library, fixture->weather, "   ", &error));
  g_assert_error (error, FLOWS_LIBRARY_ERROR, FLOWS_LIBRARY_ERROR_INVALID_NAME);

  g_assert_cmpstr (flows_app_get_name (fixture->weather), ==, "Weather");
  after = test_read_text (path);
  g_assert_cmpstr (after, ==, before);
}

/* Duplicating ---------------------------------------------------------------------------- */

/* @text with every @from replaced by @to. */
static char *
replace_all (const char *text,
             const char *from,
             const char *to)
{
  g_auto(GStrv) parts = g_strsplit (text, from, -1);
  return g_strjoinv (to, parts);
}

static void
test_duplicate (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(FlowsConnection) connection = NULL;
  g_autoptr(FlowsApp) copy = NULL;
  g_autoptr(FlowsApp) second = NULL;
  g_autoptr(FlowsApp) saved = NULL;
  g_autoptr(GPtrArray) copy_connections = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *original_text = NULL;
  g_autofree char *copy_text = NULL;
  g_autofree char *with_id = NULL;
  g_autofree char *as_original = NULL;

  connection = add_connection (fixture, fixture->mail, "mail-home", 0);
  copy = flows_library_duplicate_app (fixture->library, fixture->mail, &error);
  g_assert_no_error (error);
  g_assert_nonnull (copy);
  g_assert_cmpstr (flows_app_get_name (copy), ==, "Mail (copy)");
  g_assert_cmpstr (flows_app_get_id (copy), !=, flows_app_get_id (fixture->mail));

  /* Everything but the id and the name is the original's, and it is on disk. */
  saved = test_library_load_saved (fixture->library, fixture->directory, copy);
  copy_text = flows_document_app_to_json (saved);
  original_text = flows_document_app_to_json (fixture->mail);
  with_id = replace_all (copy_text, flows_app_get_id (copy), flows_app_get_id (fixture->mail));
  as_original = replace_all (with_id, "\"Mail (copy)\"", "\"Mail\"");
  g_assert_cmpstr (as_original, ==, original_text);
  g_assert_cmpuint (g_list_model_get_n_items (flows_app_get_flows (copy)), ==, 4);

  /* The connections stay with the original. */
  copy_connections = flows_library_get_app_connections (fixture->library, copy);
  g_assert_cmpuint (copy_connections->len, ==, 0);

  /* The next copy takes the next free name, whatever the case of the taken one. */
  g_assert_true (flows_library_rename_app (fixture->library, copy, "MAIL (COPY)", &error));
  second = flows_library_duplicate_app (fixture->library, fixture->mail, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (flows_app_get_name (second), ==, "Mail (copy 2)");
}

/* Deleting ------------------------------------------------------------------------------- */

/* Weather with two connections (two and one keyring items), and Mail with one of its own that
 * deleting Weather must leave alone. */
typedef struct
{
  FlowsConnection *home;
  FlowsConnection *work;
  FlowsConnection *mail;
} Connections;

static void
add_connections (Fixture     *fixture,
                 Connections *connections)
{
  connections->home = add_connection (fixture, fixture->weather, "weather-home", 2);
  connections->work = add_connection (fixture, fixture->weather, "weather-work", 1);
  connections->mail = add_connection (fixture, fixture->mail, "mail-home", 1);
}

static void
clear_connections (Connections *connections)
{
  g_clear_object (&connections->home);
  g_clear_object (&connections->work);
  g_clear_object (&connections->mail);
}

static void
assert_weather_deleted (Fixture     *fixture,
                        Connections *connections)
{
  g_autofree char *app_path = g_strdup_printf ("%s/apps/%s.json", fixture->directory, flows_app_get_id (fixture->weather));
  g_autofree char *home_path = connection_path (fixture, "weather-home");
  g_autofree char *work_path = connection_path (fixture, "weather-work");
  g_autofree char *mail_path = connection_path (fixture, "mail-home");
  g_autoptr(FlowsLibrary) reloaded = test_library_open (fixture->directory);
  g_autofree char *names = app_names (fixture->library);

  g_assert_false (g_file_test (app_path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (home_path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (work_path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (count_secrets (fixture->weather, "weather-home"), ==, 0);
  g_assert_cmpint (count_secrets (fixture->weather, "weather-work"), ==, 0);
  g_assert_cmpstr (names, ==, "Mail");
  g_assert_null (flows_library_find_connection (fixture->library, "weather-home"));
  g_assert_null (flows_library_find_app (reloaded, flows_app_get_id (fixture->weather)));

  /* Another App's connection is untouched. */
  g_assert_true (g_file_test (mail_path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (count_secrets (fixture->mail, "mail-home"), ==, 1);
  g_assert_nonnull (flows_library_find_connection (reloaded, "mail-home"));
  test_clear_connection_secrets (flows_app_get_id (fixture->mail), "mail-home");
}

static void
test_delete (Fixture       *fixture,
             gconstpointer  data)
{
  Connections connections = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;

  if (!test_need_keyring ())
    return;

  add_connections (fixture, &connections);
  found = flows_library_get_app_connections (fixture->library, fixture->weather);
  g_assert_cmpuint (found->len, ==, 2);
  g_assert_cmpint (flows_library_count_app_secrets (fixture->library, fixture->weather, NULL, &error), ==, 3);
  g_assert_no_error (error);

  g_assert_true (flows_library_delete_app (fixture->library, fixture->weather, NULL, &error));
  g_assert_no_error (error);
  assert_weather_deleted (fixture, &connections);

  /* Gone is gone: a second delete says so. */
  g_assert_false (flows_library_delete_app (fixture->library, fixture->weather, NULL, &error));
  g_assert_error (error, FLOWS_LIBRARY_ERROR, FLOWS_LIBRARY_ERROR_NOT_FOUND);
  clear_connections (&connections);
}

static void
test_delete_async (Fixture       *fixture,
                   gconstpointer  data)
{
  Connections connections = { 0 };
  g_autoptr(GError) error = NULL;
  g_auto(TestAsync) count = { 0 };
  g_auto(TestAsync) deletion = { 0 };

  if (!test_need_keyring ())
    return;

  add_connections (fixture, &connections);
  flows_library_count_app_secrets_async (fixture->library, fixture->weather, NULL, test_async_ready, &count);
  g_assert_cmpint (flows_library_count_app_secrets_finish (fixture->library, test_async_wait (&count, ASYNC_TIMEOUT_MS), &error), ==, 3);
  g_assert_no_error (error);

  flows_library_delete_app_async (fixture->library, fixture->weather, NULL, test_async_ready, &deletion);
  g_assert_true (flows_library_delete_app_finish (fixture->library, test_async_wait (&deletion, ASYNC_TIMEOUT_MS), &error));
  g_assert_no_error (error);
  assert_weather_deleted (fixture, &connections);
  clear_connections (&connections);
}

/* An App without connections needs no keyring to go. */
static void
test_delete_without_connections (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autofree char *path = test_library_app_path (fixture->directory, fixture->weather);
  g_autoptr(GError) error = NULL;
  g_autofree char *names = NULL;

  g_assert_cmpint (flows_library_count_app_secrets (fixture->library, fixture->weather, NULL, &error), ==, 0);
  g_assert_true (flows_library_delete_app (fixture->library, fixture->weather, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  names = app_names (fixture->library);
  g_assert_cmpstr (names, ==, "Mail");
}

/* Without a Secret Service nothing is deleted: no connection loses its file while its keyring
 * items stay, and the App keeps its file. */
static void
check_delete_without_secret_service_in_child (void)
{
  Fixture fixture = { 0 };
  g_autoptr(FlowsConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *app_path = NULL;
  g_autofree char *connection_file = NULL;

  fixture_set_up (&fixture, NULL);
  connection = add_connection (&fixture, fixture.weather, "weather-home", 0);
  app_path = test_library_app_path (fixture.directory, fixture.weather);
  connection_file = connection_path (&fixture, "weather-home");

  g_assert_false (flows_library_delete_app (fixture.library, fixture.weather, NULL, &error));
  g_assert_error (error, FLOWS_LIBRARY_ERROR, FLOWS_LIBRARY_ERROR_SECRETS);
  g_print ("delete: %s\n", error->message);
  g_assert_true (g_file_test (app_path, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (connection_file, G_FILE_TEST_EXISTS));
  g_assert_nonnull (flows_library_find_app (fixture.library, flows_app_get_id (fixture.weather)));
  g_assert_nonnull (flows_library_find_connection (fixture.library, "weather-home"));

  g_clear_object (&connection);
  fixture_tear_down (&fixture, NULL);
  g_print ("child-done\n");
}

static void
test_delete_without_secret_service (void)
{
  g_autofree char *output = NULL;

  if (test_is_child ())
    {
      check_delete_without_secret_service_in_child ();
      return;
    }
  if ((output = test_run_child_without_secret_service ()) == NULL)
    return;
  g_assert_true (g_pattern_match_simple ("*delete: *Weather* was not deleted: *No Secret Service is available*", output));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  test_add_table (name_cases, test_app_name);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/library/app-name/unicode-forms", test_app_name_unicode_forms);
  ADD ("/library/rename/ok", test_rename);
  ADD ("/library/rename/refused", test_rename_refused);
  ADD ("/library/duplicate", test_duplicate);
  ADD ("/library/delete/sync", test_delete);
  ADD ("/library/delete/async", test_delete_async);
  ADD ("/library/delete/without-connections", test_delete_without_connections);
#undef ADD
  g_test_add_func ("/library/delete/without-secret-service", test_delete_without_secret_service);

  return g_test_run ();
}
