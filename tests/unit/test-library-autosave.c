/* test-library-autosave.c — autosave written by workers: the bytes, the order, errors, the
 * file monitor and quitting (docs/ARCHITECTURE.md, "Data flow") */

#include <glib/gstdio.h>

#include "flows-document.h"
#include "flows-library.h"
#include "flows-stage-catalog.h"
#include "runner-helpers.h"
#include "test-files.h"
#include "test-wait.h"

/* Far longer than an autosave takes: its delay, a worker's write and the monitor's report. */
#define SAVE_TIMEOUT_MS 10000

typedef struct
{
  char         *directory;
  FlowsLibrary *library;
  FlowsApp     *app;
  char         *app_path;
  guint         failures;
  GError       *failure;
  guint         external_changes;
} Fixture;

static void
on_save_failed (FlowsLibrary *library,
                FlowsApp     *app,
                GError       *error,
                Fixture      *fixture)
{
  fixture->failures++;
  g_clear_error (&fixture->failure);
  fixture->failure = g_error_copy (error);
}

static void
on_external_change (FlowsLibrary *library,
                    FlowsApp     *current,
                    FlowsApp     *on_disk,
                    Fixture      *fixture)
{
  fixture->external_changes++;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->library = test_library_new_temp ("flows-test-autosave-XXXXXX", &fixture->directory);
  fixture->app = test_library_add_template (fixture->library, "Weather", FLOWS_CONNECTION_TYPE_OAUTH);
  fixture->app_path = test_library_app_path (fixture->directory, fixture->app);
  g_signal_connect (fixture->library, "save-failed", G_CALLBACK (on_save_failed), fixture);
  g_signal_connect (fixture->library, "external-change", G_CALLBACK (on_external_change), fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->app);
  g_clear_error (&fixture->failure);
  test_library_remove_temp (&fixture->library, &fixture->directory);
  g_free (fixture->app_path);
}

static gboolean
all_saved (gpointer user_data)
{
  Fixture *fixture = user_data;

  return !flows_library_has_unsaved_edits (fixture->library, fixture->app);
}

static FlowsStage *
first_stage (FlowsApp *app)
{
  g_autoptr(FlowsFlow) flow = g_list_model_get_item (flows_app_get_flows (app), 0);
  g_autoptr(FlowsStage) stage = g_list_model_get_item (flows_flow_get_stages (flow), 0);

  return stage;
}

static void
assert_file_contains (const char *path,
                      const char *needle)
{
  g_autofree char *text = test_read_text (path);

  test_assert_contains (text, needle);
}

static void
assert_file_is_app (Fixture *fixture)
{
  g_autofree char *saved = test_read_text (fixture->app_path);
  g_autofree char *canonical = flows_document_app_to_json (fixture->app);

  g_assert_cmpstr (saved, ==, canonical);
}

/* What a worker writes is what the synchronous canonical writer makes, also after edits of
 * stages whose document objects are kept between saves. */
static void
test_bytes_are_canonical (Fixture       *fixture,
                          gconstpointer  data)
{
  FlowsStage *stage = first_stage (fixture->app);
  g_autoptr(JsonObject) settings = NULL;

  flows_app_set_description (fixture->app, "Saved by a worker");
  flows_library_queue_save_app (fixture->library, fixture->app);
  g_assert_true (flows_library_has_unsaved_edits (fixture->library, fixture->app));
  test_wait_for (all_saved, fixture, SAVE_TIMEOUT_MS);
  assert_file_is_app (fixture);

  /* Each kind of change of a stage shows in the next save. */
  flows_stage_set_name (stage, "Renamed stage");
  flows_stage_set_position (stage, 1234, 567);
  flows_library_queue_save_app (fixture->library, fixture->app);
  test_wait_for (all_saved, fixture, SAVE_TIMEOUT_MS);
  assert_file_is_app (fixture);
  assert_file_contains (fixture->app_path, "\"Renamed stage\"");

  flows_stage_set_route (stage, "success", NULL);
  settings = flows_stage_catalog_default_settings (flows_stage_get_stage_type (stage));
  json_object_set_string_member (settings, "added", "by the test");
  flows_stage_set_settings (stage, settings);
  flows_stage_set_key (stage, "renamedKey");
  flows_library_queue_save_app (fixture->library, fixture->app);
  test_wait_for (all_saved, fixture, SAVE_TIMEOUT_MS);
  assert_file_is_app (fixture);
  assert_file_contains (fixture->app_path, "\"renamedKey\"");
  assert_file_contains (fixture->app_path, "\"by the test\"");
  g_assert_cmpuint (fixture->failures, ==, 0);
}

/* A burst of edits, autosaved by workers and saved at once in between: the last edit is what
 * is on disk. */
static void
test_last_edit_wins (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *last = NULL;

  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *name = g_strdup_printf ("Edit %u", i);

      flows_app_set_description (fixture->app, name);
      flows_library_queue_save_app (fixture->library, fixture->app);
      if (i % 9 == 4)
        {
          g_assert_true (flows_library_save_app (fixture->library, fixture->app, &error));
          g_assert_no_error (error);
        }
      /* Long enough now and then for the autosave to start while more edits come. */
      test_spin (i % 5 == 0 ? 320 : 15);
    }
  last = g_strdup (flows_app_get_description (fixture->app));

  test_wait_for (all_saved, fixture, SAVE_TIMEOUT_MS);
  /* Any write still to land would land now. */
  test_spin (500);
  assert_file_is_app (fixture);
  assert_file_contains (fixture->app_path, last);
  g_assert_cmpuint (fixture->failures, ==, 0);
}

/* A write that fails (here a directory in the way of the file, which stops root too) is
 * reported, keeps the edits, and a later save writes them. */
static void
test_write_error_keeps_edits (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autofree char *in_the_way = g_build_filename (fixture->app_path, "in-the-way", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_unlink (fixture->app_path), ==, 0);
  test_write_text (in_the_way, "x");

  flows_app_set_description (fixture->app, "Not lost");
  flows_library_queue_save_app (fixture->library, fixture->app);
  while (fixture->failures == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (fixture->failure, FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_IO);
  test_assert_contains (fixture->failure->message, fixture->app_path);
  g_assert_true (flows_library_has_unsaved_edits (fixture->library, fixture->app));
  g_assert_cmpstr (flows_app_get_description (fixture->app), ==, "Not lost");

  /* Once the way is clear, the next save writes the edits. */
  test_remove_tree (fixture->app_path);
  g_assert_true (flows_library_flush (fixture->library, &error));
  g_assert_no_error (error);
  g_assert_false (flows_library_has_unsaved_edits (fixture->library, fixture->app));
  assert_file_is_app (fixture);
  assert_file_contains (fixture->app_path, "Not lost");
}

/* The file monitor knows the workers' writes as the library's own: no reload, no question. */
static void
test_no_self_reload (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  FlowsApp *before = flows_library_find_app (fixture->library, flows_app_get_id (fixture->app));

  g_assert_true (flows_library_watch (fixture->library, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *name = g_strdup_printf ("Watched %u", i);

      flows_app_set_description (fixture->app, name);
      flows_library_queue_save_app (fixture->library, fixture->app);
      test_spin (i % 3 == 0 ? 350 : 50);
    }
  test_wait_for (all_saved, fixture, SAVE_TIMEOUT_MS);
  /* Give the monitor every chance to report the writes. */
  test_spin (1000);
  g_assert_true (flows_library_find_app (fixture->library, flows_app_get_id (fixture->app)) == before);
  g_assert_cmpuint (fixture->external_changes, ==, 0);
  assert_file_is_app (fixture);
}

/* Quitting: a flush writes what is queued and what a worker is writing; a library that goes
 * lets its worker finish first. */
static void
test_quit_writes_pending (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlowsApp) reloaded = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (fixture->app_path);

  /* Queued, not started: flush() (the application's shutdown) writes it. */
  flows_app_set_description (fixture->app, "Queued at quit");
  flows_library_queue_save_app (fixture->library, fixture->app);
  g_assert_true (flows_library_flush (fixture->library, &error));
  g_assert_no_error (error);
  g_assert_false (flows_library_has_unsaved_edits (fixture->library, fixture->app));
  assert_file_is_app (fixture);

  /* Started by the autosave, with a newer edit queued behind it. */
  flows_app_set_description (fixture->app, "Being written");
  flows_library_queue_save_app (fixture->library, fixture->app);
  test_spin (320);
  flows_app_set_description (fixture->app, "Newer at quit");
  flows_library_queue_save_app (fixture->library, fixture->app);
  g_assert_true (flows_library_flush (fixture->library, &error));
  g_assert_no_error (error);
  assert_file_is_app (fixture);
  assert_file_contains (fixture->app_path, "Newer at quit");

  /* Started, then the library goes without a flush: the write still lands, whole. */
  flows_app_set_description (fixture->app, "Library gone");
  flows_library_queue_save_app (fixture->library, fixture->app);
  test_spin (320);
  g_clear_object (&fixture->library);
  reloaded = flows_document_load_app (file, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (flows_app_get_description (reloaded), ==, "Library gone");
}

typedef struct
{
  Fixture *fixture;
  guint    external_changes;   /* before */
} Settling;

/* The App's autosave is on disk, or a report of the other program's write met its edits
 * unsaved (then the user is asked). */
static gboolean
saved_or_asked (gpointer user_data)
{
  Settling *settling = user_data;
  Fixture *fixture = settling->fixture;
  FlowsApp *app = flows_library_find_app (fixture->library, flows_app_get_id (fixture->app));

  return fixture->external_changes > settling->external_changes ||
         !flows_library_has_unsaved_edits (fixture->library, app);
}

/* Another program writes the App's file at about the moment a worker writes it: its report may
 * come while the write is under way, and is then looked at once the write is taken in. Either
 * the other program's version came last and is loaded, or the library's came last and stays:
 * the App in the library is the file on disk. The moments vary by a millisecond around the
 * autosave's start. */
static void
test_external_write_during_autosave (Fixture       *fixture,
                                     gconstpointer  data)
{
  const char *id = flows_app_get_id (fixture->app);
  g_autoptr(GFile) file = g_file_new_for_path (fixture->app_path);
  g_autoptr(GError) error = NULL;

  g_assert_true (flows_library_watch (fixture->library, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 12; i++)
    {
      FlowsApp *app = flows_library_find_app (fixture->library, id);
      g_autofree char *ours = g_strdup_printf ("Ours %u", i);
      g_autofree char *theirs = g_strdup_printf ("Theirs %u", i);
      g_autoptr(FlowsApp) other = flows_document_load_app (file, &error);
      g_autofree char *text = NULL;
      g_autoptr(FlowsApp) on_disk = NULL;
      Settling settling = { fixture, fixture->external_changes };

      g_assert_no_error (error);
      flows_app_set_description (other, theirs);
      text = flows_document_app_to_json (other);
      flows_app_set_description (app, ours);
      flows_library_queue_save_app (fixture->library, app);
      test_spin (300 + i);
      test_write_text (fixture->app_path, text);
      test_wait_for (saved_or_asked, &settling, SAVE_TIMEOUT_MS);
      /* The monitor's reports, and what they lead to. */
      test_spin (500);

      on_disk = flows_document_load_app (file, &error);
      g_assert_no_error (error);
      /* Asked, the user chooses the file on disk. */
      if (fixture->external_changes > settling.external_changes)
        flows_library_replace_app (fixture->library, on_disk);
      g_assert_cmpstr (flows_app_get_description (flows_library_find_app (fixture->library, id)), ==,
                       flows_app_get_description (on_disk));
    }
}

static gboolean
other_has_description (gpointer user_data)
{
  FlowsLibrary *other = ((gpointer *)user_data)[0];
  const char *id = ((gpointer *)user_data)[1];
  const char *description = ((gpointer *)user_data)[2];
  FlowsApp *app = flows_library_find_app (other, id);

  return app != NULL && g_str_equal (flows_app_get_description (app), description);
}

/* Two libraries on one folder (two instances of the application): each one's autosaves reach
 * the other. */
static void
test_two_libraries_see_each_other (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(FlowsLibrary) other = test_library_open (fixture->directory);
  const char *id = flows_app_get_id (fixture->app);
  g_autoptr(GError) error = NULL;
  FlowsApp *theirs;

  g_assert_true (flows_library_watch (fixture->library, &error));
  g_assert_true (flows_library_watch (other, &error));
  g_assert_no_error (error);

  flows_app_set_description (fixture->app, "Written by the first");
  flows_library_queue_save_app (fixture->library, fixture->app);
  {
    gpointer look[] = { other, (gpointer)id, "Written by the first" };
    test_wait_for (other_has_description, look, SAVE_TIMEOUT_MS);
  }

  theirs = flows_library_find_app (other, id);
  flows_app_set_description (theirs, "Written by the second");
  flows_library_queue_save_app (other, theirs);
  {
    gpointer look[] = { fixture->library, (gpointer)id, "Written by the second" };
    test_wait_for (other_has_description, look, SAVE_TIMEOUT_MS);
  }
  g_assert_true (flows_library_flush (other, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->external_changes, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/library/autosave/bytes-are-canonical", test_bytes_are_canonical);
  ADD ("/library/autosave/last-edit-wins", test_last_edit_wins);
  ADD ("/library/autosave/write-error-keeps-edits", test_write_error_keeps_edits);
  ADD ("/library/autosave/no-self-reload", test_no_self_reload);
  ADD ("/library/autosave/quit-writes-pending", test_quit_writes_pending);
  ADD ("/library/autosave/two-libraries", test_two_libraries_see_each_other);
  ADD ("/library/autosave/external-write-during-autosave", test_external_write_during_autosave);
#undef ADD

  return g_test_run ();
}
