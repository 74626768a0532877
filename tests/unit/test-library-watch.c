/* test-library-watch.c — autosave and changes made to the library's files by others */

#include <glib/gstdio.h>

#include "flows-app-templates.h"
#include "flows-document.h"
#include "flows-library.h"
#include "test-files.h"
#include "test-wait.h"

typedef struct
{
  char         *directory;
  FlowsLibrary *library;
  FlowsApp     *app;
  char         *app_path;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->library = test_library_new_temp ("flows-test-watch-XXXXXX", &fixture->directory);
  fixture->app = test_library_add_template (fixture->library, "Weather", FLOWS_CONNECTION_TYPE_GENERIC);
  fixture->app_path = test_library_app_path (fixture->directory, fixture->app);

  g_assert_true (flows_library_watch (fixture->library, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->app);
  test_library_remove_temp (&fixture->library, &fixture->directory);
  g_free (fixture->app_path);
}

/* How long a change may take to show: file monitors report through the main loop. */
#define WATCH_TIMEOUT_MS 5000

/* Writes @text over @path the way another program would (not through the library). */
static void
write_as_someone_else (const char *path,
                       const char *text)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

static gboolean
file_has_new_name (gpointer user_data)
{
  Fixture *fixture = user_data;
  g_autofree char *text = test_read_text (fixture->app_path);

  return strstr (text, "\"Renamed\"") != NULL;
}

static void
test_queue_save_and_flush (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  flows_app_set_name (fixture->app, "Renamed");
  flows_library_queue_save_app (fixture->library, fixture->app);
  g_assert_true (flows_library_has_unsaved_edits (fixture->library, fixture->app));

  /* The debounced save happens by itself… */
  test_wait_for (file_has_new_name, fixture, WATCH_TIMEOUT_MS);
  g_assert_false (flows_library_has_unsaved_edits (fixture->library, fixture->app));

  /* …and flush() writes what is queued at once. */
  flows_app_set_description (fixture->app, "Flushed");
  flows_library_queue_save_app (fixture->library, fixture->app);
  g_assert_true (flows_library_flush (fixture->library, &error));
  g_assert_no_error (error);
  {
    g_autofree char *text = test_read_text (fixture->app_path);
    g_assert_nonnull (strstr (text, "\"Flushed\""));
  }
}

static gboolean
app_renamed_externally (gpointer user_data)
{
  Fixture *fixture = user_data;
  FlowsApp *app = flows_library_find_app (fixture->library, flows_app_get_id (fixture->app));

  return app != NULL && g_str_equal (flows_app_get_name (app), "Edited Elsewhere");
}

static void
test_external_edit_reloads (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(FlowsApp) copy = NULL;
  g_autofree char *text = test_read_text (fixture->app_path);
  g_autofree char *edited = NULL;
  g_autoptr(GError) error = NULL;

  copy = flows_document_app_from_json (text, strlen (text), "copy", &error);
  g_assert_no_error (error);
  flows_app_set_name (copy, "Edited Elsewhere");
  edited = flows_document_app_to_json (copy);
  write_as_someone_else (fixture->app_path, edited);

  test_wait_for (app_renamed_externally, fixture, WATCH_TIMEOUT_MS);
  g_assert_cmpuint (g_list_model_get_n_items (flows_library_get_apps (fixture->library)), ==, 1);
}

static void
on_external_change (FlowsLibrary *library,
                    FlowsApp     *current,
                    FlowsApp     *on_disk,
                    gpointer      user_data)
{
  FlowsApp **seen = user_data;
  g_set_object (seen, on_disk);
}

static FlowsApp *external_seen;

static gboolean
external_change_seen (gpointer user_data)
{
  return external_seen != NULL;
}

static void
test_external_edit_with_unsaved_edits (Fixture       *fixture,
                                       gconstpointer  data)
{
  g_autofree char *text = test_read_text (fixture->app_path);
  g_autoptr(FlowsApp) copy = NULL;
  g_autofree char *edited = NULL;

  external_seen = NULL;
  g_signal_connect (fixture->library, "external-change", G_CALLBACK (on_external_change), &external_seen);

  /* An edit here that is not saved yet… */
  flows_app_set_name (fixture->app, "Mine");
  flows_library_queue_save_app (fixture->library, fixture->app);

  /* …and one on disk: the library asks instead of choosing. */
  copy = flows_document_app_from_json (text, strlen (text), "copy", NULL);
  flows_app_set_name (copy, "Theirs");
  edited = flows_document_app_to_json (copy);
  write_as_someone_else (fixture->app_path, edited);

  test_wait_for (external_change_seen, fixture, WATCH_TIMEOUT_MS);
  g_assert_cmpstr (flows_app_get_name (external_seen), ==, "Theirs");
  g_assert_cmpstr (flows_app_get_name (flows_library_find_app (fixture->library, flows_app_get_id (fixture->app))), ==, "Mine");
  g_clear_object (&external_seen);
}

static gboolean
has_problem (gpointer user_data)
{
  Fixture *fixture = user_data;

  return flows_library_get_problems (fixture->library)->len == 1;
}

static void
test_external_breakage_becomes_problem (Fixture       *fixture,
                                        gconstpointer  data)
{
  const char *broken = "{ \"format\": \"flows-studio/app\", \"version\": 1, \"id\": ";
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;

  write_as_someone_else (fixture->app_path, broken);
  test_wait_for (has_problem, fixture, WATCH_TIMEOUT_MS);
  g_assert_cmpuint (g_list_model_get_n_items (flows_library_get_apps (fixture->library)), ==, 0);

  /* Never written over, not even by a save of the App that was there. */
  g_assert_false (flows_library_save_app (fixture->library, fixture->app, &error));
  g_assert_error (error, FLOWS_LIBRARY_ERROR, FLOWS_LIBRARY_ERROR_BROKEN_FILE);
  after = test_read_text (fixture->app_path);
  g_assert_cmpstr (after, ==, broken);
}

static void
test_own_saves_do_not_reload (Fixture       *fixture,
                              gconstpointer  data)
{
  FlowsApp *before = flows_library_find_app (fixture->library, flows_app_get_id (fixture->app));
  g_autoptr(GError) error = NULL;

  flows_app_set_name (fixture->app, "Saved Here");
  g_assert_true (flows_library_save_app (fixture->library, fixture->app, &error));
  g_assert_no_error (error);

  /* Give the monitor every chance to report the write; the App object stays the same. */
  test_spin (1000);
  g_assert_true (flows_library_find_app (fixture->library, flows_app_get_id (fixture->app)) == before);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/library/autosave/queue-and-flush", Fixture, NULL, fixture_set_up, test_queue_save_and_flush, fixture_tear_down);
  g_test_add ("/library/watch/external-edit", Fixture, NULL, fixture_set_up, test_external_edit_reloads, fixture_tear_down);
  g_test_add ("/library/watch/external-edit-with-unsaved-edits", Fixture, NULL, fixture_set_up, test_external_edit_with_unsaved_edits, fixture_tear_down);
  g_test_add ("/library/watch/external-breakage", Fixture, NULL, fixture_set_up, test_external_breakage_becomes_problem, fixture_tear_down);
  g_test_add ("/library/watch/own-saves", Fixture, NULL, fixture_set_up, test_own_saves_do_not_reload, fixture_tear_down);

  return g_test_run ();
}
