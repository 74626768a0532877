/* test-files.h — temporary directories and the files in them: made, read, written, searched and
 * removed, failing the test on any error; and a library in a new temporary data directory.
 */
#pragma once

#include <gio/gio.h>

#include "flows-app-templates.h"
#include "flows-library.h"

G_BEGIN_DECLS

/* A new directory (0700) from g_dir_make_tmp()'s @template_name ("flows-what-XXXXXX"). */
char         *test_make_temp_dir    (const char  *template_name);
/* Removes @path and everything below it; symbolic links are removed, not followed, and a
 * directory a test made read-only is made writable first. A path that does not exist is fine;
 * one that stays fails the test. */
void          test_remove_tree      (const char  *path);
/* The contents of @path as a string. */
char         *test_read_text        (const char  *path);
/* Writes @text to @path, making the directories above it (0700). */
void          test_write_text       (const char  *path,
                                     const char  *text);
/* Calls @func with the bytes of every regular file below @path (or of @path itself), NULs
 * included, without following symbolic links; returns how many files it read. A @path that does
 * not exist holds none. */
typedef void (*TestFileFunc) (const char *path,
                              const char *contents,
                              gsize       length,
                              gpointer    user_data);
guint         test_tree_foreach_file (const char  *path,
                                      TestFileFunc func,
                                      gpointer     user_data);
/* How many regular files below @path (which must exist), or @path itself, hold the bytes of
 * @needle, saying which in the test's log; @n_files (when given) gets how many were read. */
guint         test_tree_count_holders (const char *path,
                                       const char *needle,
                                       guint      *n_files);
/* Whether any does. */
gboolean      test_tree_contains    (const char  *path,
                                     const char  *needle);

/* A library loaded from @data_dir (its files may have problems: see flows_library_get_problems()). */
FlowsLibrary *test_library_open         (const char           *data_dir);
/* A library in a new temporary data directory (@template_name as for test_make_temp_dir()),
 * whose path goes to @data_dir. */
FlowsLibrary *test_library_new_temp     (const char           *template_name,
                                         char                **data_dir);
/* The end of test_library_new_temp(): drops @library, removes @data_dir with everything in it
 * and frees it; both are left NULL. */
void          test_library_remove_temp  (FlowsLibrary        **library,
                                         char                **data_dir);
/* Adds an App named @name, made from the template of @type, to @library and saves it; returns
 * a reference to it. */
FlowsApp     *test_library_add_template (FlowsLibrary         *library,
                                         const char           *name,
                                         FlowsConnectionType   type);
/* The path of the file of @app in a library in @data_dir. */
char         *test_library_app_path     (const char           *data_dir,
                                         FlowsApp             *app);
/* @app as @library in @data_dir saved it: the autosave is flushed, then the App's file is
 * loaded anew. */
FlowsApp     *test_library_load_saved   (FlowsLibrary         *library,
                                         const char           *data_dir,
                                         FlowsApp             *app);

G_END_DECLS
