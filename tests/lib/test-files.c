/* test-files.c — temporary directories and files for the tests */

#define _GNU_SOURCE /* memmem() */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "flows-document.h"
#include "test-files.h"

char *
test_make_temp_dir (const char *template_name)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp (template_name, &error);

  g_assert_no_error (error);
  return dir;
}

void
test_remove_tree (const char *path)
{
  GStatBuf st;
  int result;

  if (g_lstat (path, &st) != 0)
    return;

  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) dir = NULL;
      const char *name;

      /* A test may have made it read-only. */
      g_chmod (path, 0700);
      dir = g_dir_open (path, 0, NULL);
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          test_remove_tree (child);
        }
      result = g_rmdir (path);
    }
  else
    result = g_unlink (path);

  if (result != 0)
    g_error ("could not remove %s: %s", path, g_strerror (errno));
}

char *
test_read_text (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

void
test_write_text (const char *path,
                 const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *parent = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

guint
test_tree_foreach_file (const char   *path,
                        TestFileFunc  func,
                        gpointer      user_data)
{
  GStatBuf st;

  if (g_lstat (path, &st) != 0)
    return 0;
  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;
      guint n_files = 0;

      g_assert_nonnull (dir);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          n_files += test_tree_foreach_file (child, func, user_data);
        }
      return n_files;
    }
  if (S_ISREG (st.st_mode))
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *contents = NULL;
      gsize length;

      g_file_get_contents (path, &contents, &length, &error);
      g_assert_no_error (error);
      func (path, contents, length, user_data);
      return 1;
    }
  return 0;
}

typedef struct
{
  const char *needle;
  guint       n_holders;
} Search;

static void
search_file (const char *path,
             const char *contents,
             gsize       length,
             gpointer    user_data)
{
  Search *search = user_data;

  if (memmem (contents, length, search->needle, strlen (search->needle)) != NULL)
    {
      g_test_message ("%s holds “%s”", path, search->needle);
      search->n_holders++;
    }
}

guint
test_tree_count_holders (const char *path,
                         const char *needle,
                         guint      *n_files)
{
  Search search = { needle, 0 };
  guint n_read;

  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  n_read = test_tree_foreach_file (path, search_file, &search);
  if (n_files != NULL)
    *n_files = n_read;
  return search.n_holders;
}

gboolean
test_tree_contains (const char *path,
                    const char *needle)
{
  return test_tree_count_holders (path, needle, NULL) > 0;
}

FlowsLibrary *
test_library_open (const char *data_dir)
{
  g_autoptr(GFile) directory = g_file_new_for_path (data_dir);
  g_autoptr(GError) error = NULL;
  FlowsLibrary *library = flows_library_new (directory);

  g_assert_true (flows_library_load (library, &error));
  g_assert_no_error (error);
  return library;
}

FlowsLibrary *
test_library_new_temp (const char  *template_name,
                       char       **data_dir)
{
  *data_dir = test_make_temp_dir (template_name);
  return test_library_open (*data_dir);
}

void
test_library_remove_temp (FlowsLibrary **library,
                          char         **data_dir)
{
  g_clear_object (library);
  if (*data_dir != NULL)
    test_remove_tree (*data_dir);
  g_clear_pointer (data_dir, g_free);
}

FlowsApp *
test_library_add_template (FlowsLibrary        *library,
                           const char          *name,
                           FlowsConnectionType  type)
{
  g_autoptr(FlowsApp) app = flows_app_new_from_template (name, type);
  g_autoptr(GError) error = NULL;

  g_assert_true (flows_library_add_app (library, app, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&app);
}

char *
test_library_app_path (const char *data_dir,
                       FlowsApp   *app)
{
  g_autofree char *basename = g_strconcat (flows_app_get_id (app), ".json", NULL);

  return g_build_filename (data_dir, "apps", basename, NULL);
}

FlowsApp *
test_library_load_saved (FlowsLibrary *library,
                         const char   *data_dir,
                         FlowsApp     *app)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = test_library_app_path (data_dir, app);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  FlowsApp *saved;

  g_assert_true (flows_library_flush (library, &error));
  g_assert_no_error (error);
  saved = flows_document_load_app (file, &error);
  g_assert_no_error (error);
  return saved;
}
