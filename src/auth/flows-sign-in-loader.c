/* flows-sign-in-loader.c — the embedded sign-in window, loaded on the first sign-in */

#include "config.h"

#include <glib/gi18n.h>

#include "flows-sign-in-loader.h"
#include "flows-sign-in-module-paths.h"

/* Tests and benchmarks name the module to load; nothing else is tried then. */
#define MODULE_ENV "FLOWS_SIGN_IN_MODULE"

static const FlowsSignInModule *loaded;

/* The module's entry in @module, if it has one of this version. */
static const FlowsSignInModule *
find_entry (GModule *module)
{
  const FlowsSignInModule *(*get_module) (void) = NULL;
  const FlowsSignInModule *entry;

  if (!g_module_symbol (module, FLOWS_SIGN_IN_MODULE_ENTRY, (gpointer *)&get_module) || get_module == NULL)
    return NULL;
  entry = get_module ();
  return entry != NULL && entry->abi == FLOWS_SIGN_IN_MODULE_ABI ? entry : NULL;
}

/* flows-cli and the tests link the window: loading the module as well would register its types
 * twice. Seen only when the program exports its symbols (export_dynamic in meson). */
static const FlowsSignInModule *
find_in_program (void)
{
  GModule *program = g_module_open (NULL, G_MODULE_BIND_LOCAL);
  const FlowsSignInModule *entry;

  if (program == NULL)
    return NULL;
  entry = find_entry (program);
  g_module_close (program);
  return entry;
}

/* Where the module may be, in order: the build tree's, when the program runs uninstalled from
 * that build tree; the installation the program belongs to (found from the program, so that a
 * relocated or `meson install --destdir` tree works too); the configured installation
 * directory. */
static GPtrArray *
list_candidates (void)
{
  GPtrArray *candidates = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *program = g_file_read_link ("/proc/self/exe", NULL);

  if (program != NULL)
    {
      g_autofree char *directory = g_path_get_dirname (program);

      if (g_str_has_prefix (program, SIGN_IN_MODULE_BUILD_ROOT G_DIR_SEPARATOR_S))
        g_ptr_array_add (candidates, g_strdup (SIGN_IN_MODULE_BUILD_PATH));
      g_ptr_array_add (candidates, g_build_filename (directory, SIGN_IN_MODULE_DIR_FROM_BINDIR,
                                                     SIGN_IN_MODULE_NAME, NULL));
    }
  g_ptr_array_add (candidates, g_build_filename (SIGN_IN_MODULE_DIR, SIGN_IN_MODULE_NAME, NULL));
  return candidates;
}

static const FlowsSignInModule *
open_module (const char  *path,
             GError     **error)
{
  GModule *module;
  const FlowsSignInModule *entry;

  /* Not lazy: a symbol missing from the program fails here, not with an abort in mid-call. */
  module = g_module_open (path, G_MODULE_BIND_LOCAL);
  if (module == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("The sign-in window could not be loaded: %s"),
                   g_module_error ());
      return NULL;
    }
  if ((entry = find_entry (module)) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("%s is not the sign-in window of this version of Flows Studio"), path);
      g_module_close (module);
      return NULL;
    }
  /* Its GTypes cannot be unregistered: the module stays for the life of the process. */
  g_module_make_resident (module);
  return entry;
}

const FlowsSignInModule *
flows_sign_in_loader_load (GError **error)
{
  const char *path = g_getenv (MODULE_ENV);
  g_autoptr(GPtrArray) candidates = NULL;

  if (loaded != NULL || (loaded = find_in_program ()) != NULL)
    return loaded;

  if (path != NULL && *path != '\0')
    return loaded = open_module (path, error);

  candidates = list_candidates ();
  for (guint i = 0; i < candidates->len; i++)
    if (g_file_test (g_ptr_array_index (candidates, i), G_FILE_TEST_EXISTS))
      return loaded = open_module (g_ptr_array_index (candidates, i), error);

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
               _("The sign-in window is not installed: %s was not found"),
               (const char *)g_ptr_array_index (candidates, candidates->len - 1));
  return NULL;
}
