/* flows-library.c — every App and connection under one data directory */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "flows-app-templates.h"
#include "flows-document.h"
#include "flows-json-util.h"
#include "flows-library.h"
#include "flows-secrets.h"

struct _FlowsLibrary
{
  GObject     parent_instance;

  GFile      *directory;
  GListStore *apps;
  GListStore *connections;
  GPtrArray  *problems;
  /* id -> the GFile each App or connection was loaded from or saved to */
  GHashTable *files;
  /* paths of files that failed to load: never written over */
  GHashTable *broken_paths;
  /* path -> checksum of what this library last wrote there, to tell our own writes from
   * someone else's when a file monitor reports a change */
  GHashTable *written;
  /* path -> file_identity() of the file this library last wrote there: the same check without
   * reading the file back */
  GHashTable *written_identity;
  /* App id -> FlowsApp with edits not yet saved */
  GHashTable *pending_saves;
  /* App id -> FlowsApp whose unsaved edits met a change on disk ("external-change"): not
   * autosaved over the other version until someone chooses (queue_save_app() keeps them,
   * replace_app() drops them) */
  GHashTable *held_saves;
  guint       save_source_id;
  /* Autosaves are written by worker threads (docs/ARCHITECTURE.md, "Data flow"), one at a
   * time per App so that an older version never lands after a newer one: App id -> the
   * SaveJob being written, and App id -> the newer one waiting for it (only the latest waits). */
  GHashTable *writing;
  GHashTable *waiting;
  GFileMonitor *monitors[2];
  /* The GFiles of Apps the monitor reported while an autosave of them was being written,
   * looked at again once the write is taken in (see defer_to_write_under_way()) */
  GHashTable *recheck;
  guint       recheck_source_id;
  guint       is_new : 1;
};

G_DEFINE_FINAL_TYPE (FlowsLibrary, flows_library, G_TYPE_OBJECT)
G_DEFINE_QUARK (flows-library-error-quark, flows_library_error)

enum {
  PROP_0,
  PROP_DIRECTORY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SAVE_FAILED,
  PROBLEMS_CHANGED,
  EXTERNAL_CHANGE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* One autosave of an App. The document is taken on the main thread (the model is not
 * thread-safe); a worker makes its text and writes it. */
typedef struct
{
  FlowsLibrary *library;    /* not a reference: a library waits for its writes when it goes */
  FlowsApp     *app;        /* main thread only */
  JsonNode     *document;   /* made and freed on the main thread, only read by the worker */
  GFile        *file;
  /* Set by the worker under save_lock, before the file is replaced: what the file monitor
   * compares a file's bytes with when its identity does not tell. */
  char         *checksum;
  char         *identity;   /* written_file_identity() of the file written */
  GError       *error;
  gboolean      finished;
  /* Main thread: its outcome was taken in (by its callback, or earlier by a flush). */
  gboolean      collected;
  /* Main thread: the file monitor reported its file before the worker noted what it wrote. */
  gboolean      file_changed;
} SaveJob;

/* Static, not in the library: a worker still unlocks them after the last wait for it ended. */
static GMutex save_lock;
static GCond  save_done;

static void
save_job_clear (SaveJob *job)
{
  g_clear_object (&job->file);
  g_clear_pointer (&job->checksum, g_free);
  g_clear_pointer (&job->identity, g_free);
  g_clear_error (&job->error);
}

/* The last reference may go in a worker (with its GTask): what belongs to the main thread is
 * dropped there first, by save_job_discard(). */
static void
save_job_release (SaveJob *job)
{
  g_atomic_rc_box_release_full (job, (GDestroyNotify)save_job_clear);
}

static void
save_job_discard (SaveJob *job)
{
  g_clear_object (&job->app);
  g_clear_pointer (&job->document, json_node_unref);
  save_job_release (job);
}

static void wait_for_write (FlowsLibrary *self,
                            const char   *id,
                            gboolean      quietly);
static void start_write    (FlowsLibrary *self,
                            SaveJob      *job);
static void forget_saves   (FlowsLibrary *self,
                            const char   *id);
static void recheck_later  (FlowsLibrary *self,
                            GFile        *file);

static void
load_problem_free (FlowsLoadProblem *problem)
{
  g_clear_object (&problem->file);
  g_clear_error (&problem->error);
  g_free (problem);
}

static void
flows_library_finalize (GObject *object)
{
  FlowsLibrary *self = (FlowsLibrary *)object;

  /* No write of this library may run on after it: it could land after the directory is gone
   * or over a file someone else writes next. */
  while (g_hash_table_size (self->writing) > 0)
    {
      GHashTableIter iter;
      gpointer id;

      g_hash_table_iter_init (&iter, self->writing);
      g_hash_table_iter_next (&iter, &id, NULL);
      wait_for_write (self, id, TRUE);
    }

  g_clear_object (&self->directory);
  g_clear_object (&self->apps);
  g_clear_object (&self->connections);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  g_clear_pointer (&self->files, g_hash_table_unref);
  g_clear_pointer (&self->broken_paths, g_hash_table_unref);
  g_clear_pointer (&self->written, g_hash_table_unref);
  g_clear_pointer (&self->written_identity, g_hash_table_unref);
  g_clear_pointer (&self->pending_saves, g_hash_table_unref);
  g_clear_pointer (&self->held_saves, g_hash_table_unref);
  g_clear_handle_id (&self->save_source_id, g_source_remove);
  g_clear_pointer (&self->writing, g_hash_table_unref);
  g_clear_pointer (&self->waiting, g_hash_table_unref);
  g_clear_handle_id (&self->recheck_source_id, g_source_remove);
  g_clear_pointer (&self->recheck, g_hash_table_unref);
  for (guint i = 0; i < G_N_ELEMENTS (self->monitors); i++)
    {
      if (self->monitors[i] != NULL)
        g_file_monitor_cancel (self->monitors[i]);
      g_clear_object (&self->monitors[i]);
    }

  G_OBJECT_CLASS (flows_library_parent_class)->finalize (object);
}

static void
flows_library_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  FlowsLibrary *self = FLOWS_LIBRARY (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      g_value_set_object (value, self->directory);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_library_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  FlowsLibrary *self = FLOWS_LIBRARY (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      self->directory = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_library_class_init (FlowsLibraryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = flows_library_finalize;
  object_class->get_property = flows_library_get_property;
  object_class->set_property = flows_library_set_property;

  properties[PROP_DIRECTORY] =
    g_param_spec_object ("directory", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A queued save of an App failed: the edits are still in memory, and the error says why. */
  signals[SAVE_FAILED] =
    g_signal_new ("save-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, FLOWS_TYPE_APP, G_TYPE_ERROR);
  /* The list of files that could not be loaded changed. */
  signals[PROBLEMS_CHANGED] =
    g_signal_new ("problems-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  /* Someone else changed the file of an App that has unsaved edits here: the App as it is in
   * memory and as it is on disk, for the user to choose (flows_library_replace_app()). */
  signals[EXTERNAL_CHANGE] =
    g_signal_new ("external-change", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, FLOWS_TYPE_APP, FLOWS_TYPE_APP);
}

static void
flows_library_init (FlowsLibrary *self)
{
  self->apps = g_list_store_new (FLOWS_TYPE_APP);
  self->connections = g_list_store_new (FLOWS_TYPE_CONNECTION);
  self->problems = g_ptr_array_new_with_free_func ((GDestroyNotify)load_problem_free);
  self->files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->broken_paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->written = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->written_identity = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->pending_saves = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->held_saves = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->writing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)save_job_release);
  self->waiting = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)save_job_discard);
  self->recheck = g_hash_table_new_full (g_file_hash, (GEqualFunc)g_file_equal, g_object_unref, NULL);
}

FlowsLibrary *
flows_library_new (GFile *directory)
{
  g_return_val_if_fail (G_IS_FILE (directory), NULL);

  return g_object_new (FLOWS_TYPE_LIBRARY, "directory", directory, NULL);
}

GFile *
flows_library_get_default_directory (void)
{
  const char *override = g_getenv ("FLOWS_STUDIO_DATA_DIR");

  if (override != NULL && *override != '\0')
    return g_file_new_for_commandline_arg (override);

  return g_file_new_build_filename (g_get_user_data_dir (), "flows-studio", NULL);
}

gboolean
flows_library_is_new (FlowsLibrary *self)
{
  g_return_val_if_fail (FLOWS_IS_LIBRARY (self), FALSE);
  return self->is_new;
}

GPtrArray *
flows_library_get_problems (FlowsLibrary *self)
{
  g_return_val_if_fail (FLOWS_IS_LIBRARY (self), NULL);
  return self->problems;
}

static int
compare_apps (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  int by_name = g_utf8_collate (flows_app_get_name ((FlowsApp *)a), flows_app_get_name ((FlowsApp *)b));

  return by_name != 0 ? by_name : g_strcmp0 (flows_app_get_id ((FlowsApp *)a), flows_app_get_id ((FlowsApp *)b));
}

static void
add_problem (FlowsLibrary *self,
             GFile        *file,
             GError       *error)
{
  FlowsLoadProblem *problem = g_new0 (FlowsLoadProblem, 1);

  problem->file = g_object_ref (file);
  problem->error = error;
  g_ptr_array_add (self->problems, problem);
  g_hash_table_add (self->broken_paths, g_file_get_path (file));
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

/* The *.json file names of @directory, sorted, so that loading is deterministic. */
static GPtrArray *
list_documents (GFile   *directory,
                GError **error)
{
  g_autoptr(GFileEnumerator) enumerator = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local_error = NULL;
  GFileInfo *info;

  enumerator = g_file_enumerate_children (directory, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                          G_FILE_QUERY_INFO_NONE, NULL, &local_error);
  if (enumerator == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return g_steal_pointer (&names);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  while ((info = g_file_enumerator_next_file (enumerator, NULL, &local_error)) != NULL)
    {
      const char *name = g_file_info_get_name (info);

      /* Hidden names include the temporary files of an atomic write in progress. */
      if (name[0] != '.' && g_str_has_suffix (name, ".json"))
        g_ptr_array_add (names, g_strdup (name));
      g_object_unref (info);
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  g_ptr_array_sort (names, compare_names);
  return g_steal_pointer (&names);
}

static gboolean
load_directory (FlowsLibrary  *self,
                const char    *subdirectory,
                gboolean       apps,
                GError       **error)
{
  g_autoptr(GFile) directory = g_file_get_child (self->directory, subdirectory);
  g_autoptr(GPtrArray) names = list_documents (directory, error);

  if (names == NULL)
    return FALSE;

  for (guint i = 0; i < names->len; i++)
    {
      g_autoptr(GFile) file = g_file_get_child (directory, g_ptr_array_index (names, i));
      g_autoptr(GObject) object = NULL;
      GError *load_error = NULL;
      const char *id;

      if (apps)
        object = G_OBJECT (flows_document_load_app (file, &load_error));
      else
        object = G_OBJECT (flows_document_load_connection (file, &load_error));

      if (object == NULL)
        {
          add_problem (self, file, load_error);
          continue;
        }

      id = apps ? flows_app_get_id (FLOWS_APP (object))
                : flows_connection_get_id (FLOWS_CONNECTION (object));
      if (g_hash_table_contains (self->files, id))
        {
          g_autofree char *path = g_file_get_parse_name (file);
          g_autofree char *other = g_file_get_parse_name (g_hash_table_lookup (self->files, id));

          add_problem (self, file,
                       g_error_new (FLOWS_LIBRARY_ERROR, FLOWS_LIBRARY_ERROR_EXISTS,
                                    _("%s: has the same id as %s (“%s”); only the first one is loaded"),
                                    path, other, id));
          continue;
        }

      g_hash_table_insert (self->files, g_strdup (id), g_object_ref (file));
      if (apps)
        g_list_store_insert_sorted (self->apps, object, compare_apps, NULL);
      else
        g_list_store_append (self->connections, object);
    }

  return TRUE;
}

gboolean
flows_library_load (FlowsLibrary  *self,
                    GError       **error)
{
  g_return_val_if_fail (FLOWS_IS_LIBRARY (self), FALSE);

  g_list_store_remove_all (self->apps);
  g_list_store_remove_all (self->connections);
  g_ptr_array_set_size (self->problems, 0);
  g_hash_table_remove_all (self->files);
  g_hash_table_remove_all (self->broken_paths);

  self->is_new = !g_file_query_exists (self->directory, NULL);

  return load_directory (self, "apps", TRUE, error) &&
         load_directory (self, "connections", FALSE, error);
}

GListModel *
flows_library_get_apps (FlowsLibrary *self)
{
  g_return_val_if_fail (FLOWS_IS_LIBRARY (self), NULL);
  return G_LIST_MODEL (self->apps);
}

FlowsApp *
flows_library_find_app (FlowsLibrary *self,
                        const char   *id_or_name)
{
  GListModel *apps;
  FlowsApp *by_name = NULL;

  g_return_val_if_fail (FLOWS_IS_LIBRARY (self), NULL);

  apps = G_LIST_MODEL (self->apps);
  for (guint i = 0; i < g_list_model_get_n_items (apps); i++)
    {
      g_autoptr(FlowsApp) app = g_list_model_get_item (apps, i);

      if (g_strcmp0 (flows_app_get_id (app), id_or_name) == 0)
        return app;
      if (by_name == NULL && g_strcmp0 (flows_app_get_name (app), id_or_name) == 0)
        by_name = app;
    }
  return by_name;
}

/* Ids become file names: letters, digits, '-', '_' and '.', not starting with '.'. */
static gboolean
check_id (const char  *id,
          const char  *kind,
          GError     **error)
{
  gboolean valid = id != NULL && id[0] != '\0' && id[0] != '.' && strlen (id) <= 128;

  for (const char *p = id; valid && *p != '\0'; p++)
    valid = g_ascii_isalnum (*p) || *p == '-' || *p == '_' || *p == '.';

  if (!valid)
    g_set_error (error, FLOWS_LIBRARY_ERROR, FLOWS_LIBRARY_ERROR_INVALID_ID,
                 _("“%s” cannot be the id of %s: use letters, digits, “-”, “_” and “.”"),
                 id != NULL ? id : "", kind);
  return valid;
}

/* The file of the App or connection @id: where it was loaded from, else <subdirectory>/<id>.json.
 * Refuses a file that failed to load, so that it is never written over. */
static GFile *
document_file (FlowsLibrary  *self,
               const char    *subdirectory,
               const char    *id,
               GError       **error)
{
  GFile *known = g_hash_table_lookup (self->files, id);
  g_autofree char *basename = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) directory = NULL;
  g_autoptr(GFile) file = NULL;

  if (known != NULL)
    return g_object_ref (known);

  basename = g_strconcat (id, ".json", NULL);
  directory = g_file_get_child (self->directory, subdirectory);
  file = g_file_get_child (directory, basename);
  path = g_file_get_path (file);
  if (g_hash_table_contains (self->broken_paths, path))
    {
      g_autofree char *name = g_file_get_parse_name (file);
      g_set_error (error, FLOWS_LIBRARY_ERROR, FLOWS_LIBRARY_ERROR_BROKEN_FILE,
                   _("%s could not be loaded, so it is left as it is; fix or move it first"), name);
      return NULL;
    }
  return g_steal_pointer (&file);
}

/* What tells one version of a file from another without reading it: each atomic replace makes
 * a new file, with its own inode and modification time. The functions below return NULL when
 * the file cannot be read. */
static char *
describe_identity (const GStatBuf *st)
{
  return g_strdup_printf ("%ju:%ju:%jd:%jd.%09ld", (uintmax_t)st->st_dev, (uintmax_t)st->st_ino,
                          (intmax_t)st->st_size, (intmax_t)st->st_mtim.tv_sec, st->st_mtim.tv_nsec);
}

/* The identity of the file at @path now. */
static char *
file_identity (const char *path)
{
  GStatBuf st;

  if (path == NULL || g_stat (path, &st) != 0)
    return NULL;
  return describe_identity (&st);
}

/* The identity of the file at @path if it holds the bytes whose SHA-256 is @checksum (what this
 * library has just written there), else NULL. Another program may replace the file right after
 * this library's rename: taking the identity of its file for ours would hide its change from
 * the file monitor. The bytes and the identity are read through one descriptor, so that they
 * are of the same file. */
static char *
written_file_identity (const char *path,
                       const char *checksum)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guchar buffer[65536];
  GStatBuf st;
  gssize length;
  int fd;

  if (path == NULL || (fd = g_open (path, O_RDONLY | O_CLOEXEC, 0)) < 0)
    return NULL;
  if (fstat (fd, &st) != 0)
    {
      g_close (fd, NULL);
      return NULL;
    }
  while ((length = read (fd, buffer, sizeof buffer)) > 0 || (length < 0 && errno == EINTR))
    if (length > 0)
      g_checksum_update (sum, buffer, length);
  g_close (fd, NULL);
  if (length < 0 || g_strcmp0 (g_checksum_get_string (sum), checksum) != 0)
    return NULL;
  return describe_identity (&st);
}

static void
remember_write (FlowsLibrary *self,
                GFile        *file,
                const char   *checksum,
                const char   *identity)
{
  g_hash_table_insert (self->written, g_file_get_path (file), g_strdup (checksum));
  if (identity != NULL)
    g_hash_table_insert (self->written_identity, g_file_get_path (file), g_strdup (identity));
  else
    {
      g_autofree char *path = g_file_get_path (file);
      g_hash_table_remove (self->written_identity, path);
    }
}

/* Writes through flows_document_write(), remembering what was written so that the file
 * monitor does not mistake this library's own saves for someone else's. */
static gboolean
write_document (FlowsLibrary  *self,
                GFile         *file,
                const char    *text,
                int            mode,
                GError       **error)
{
  g_autofree char *checksum = NULL;
  g_autofree char *path = NULL;
  g_autofree char *identity = NULL;

  if (!flows_document_write (file, text, mode, error))
    return FALSE;

  checksum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
  path = g_file_get_path (file);
  identity = written_file_identity (path, checksum);
  remember_write (self, file, checksum, identity);
  return TRUE;
}

/* Takes in the outcome of a finished autosave, on the main thread: a success is remembered
 * as this library's own write; a failure keeps the edits (the App is pending again) and is
 * reported with "save-failed", unless a newer save of the App waits to be written anyway.
 * @quietly (the library is going) only drops what the job holds. */
static void
collect_save (FlowsLibrary *self,
              SaveJob      *job,
              gboolean      quietly)
{
  const char *id = flows_app_get_id (job->app);
  g_autofree char *key = g_strdup (id);

  if (job->collected)
    return;
  job->collected = TRUE;
  if (job->file_changed && !quietly)
    recheck_later (self, job->file);

  if (!quietly && job->error == NULL)
    {
      remember_write (self, job->file, job->checksum, job->identity);
      g_hash_table_insert (self->files, g_strdup (id), g_object_ref (job->file));
    }
  else if (!quietly && !g_hash_table_contains (self->waiting, id))
    {
      g_autoptr(FlowsApp) app = g_object_ref (job->app);
      g_autoptr(GError) error = g_error_copy (job->error);

      if (!g_hash_table_contains (self->pending_saves, id) && !g_hash_table_contains (self->held_saves, id))
        g_hash_table_insert (self->pending_saves, g_strdup (id), g_object_ref (app));
      g_clear_object (&job->app);
      g_clear_pointer (&job->document, json_node_unref);
      g_hash_table_remove (self->writing, key);
      g_signal_emit (self, signals[SAVE_FAILED], 0, app, error);
      return;
    }

  g_clear_object (&job->app);
  g_clear_pointer (&job->document, json_node_unref);
  g_hash_table_remove (self->writing, key);
}

/* Waits until the autosave of the App @id under way, if any, is on disk (or failed), and
 * takes in its outcome. */
static void
wait_for_write (FlowsLibrary *self,
                const char   *id,
                gboolean      quietly)
{
  SaveJob *job = g_hash_table_lookup (self->writing, id);

  if (job == NULL)
    return;

  g_mutex_lock (&save_lock);
  while (!job->finished)
    g_cond_wait (&save_done, &save_lock);
  g_mutex_unlock (&save_lock);
  collect_save (self, job, quietly);
}

/* Drops the autosave of @id waiting for the one under way; its App is pending again, so that
 * its edits are neither written out of order nor forgotten. */
static void
unqueue_waiting_save (FlowsLibrary *self,
                      const char   *id)
{
  SaveJob *job = g_hash_table_lookup (self->waiting, id);

  if (job == NULL)
    return;
  if (!g_hash_table_contains (self->pending_saves, id) && !g_hash_table_contains (self->held_saves, id))
    g_hash_table_insert (self->pending_saves, g_strdup (id), g_object_ref (job->app));
  g_hash_table_remove (self->waiting, id);
}

gboolean
flows_library_save_app (FlowsLibrary  *self,
                        FlowsApp      *app,
                        GError       **error)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (FLOWS_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (FLOWS_IS_APP (app), FALSE);

  if (!(file = document_file (self, "apps", flows_app_get_id (app), error)))
    return FALSE;

  /* This save writes the App as it is now: an autosave under way must land before it, and one
   * waiting is older than it. */
  wait_for_write (self, flows_app_get_id (app), FALSE);
  unqueue_waiting_save (self, flows_app_get_id (app));

  text = flows_document_app_to_json (app);
  if (!write_document (self, file, text, 0644, error))
    return FALSE;
  g_hash_table_remove (self->pending_saves, flows_app_get_id (app));
  g_hash_table_remove (self->held_saves, flows_app_get_id (app));

  g_hash_table_insert (self->files, g_strdup (flows_app_get_id (app)), g_steal_pointer (&file));
  return TRUE;
}

gboolean
flows_library_add_app (FlowsLibrary  *self,
                       FlowsApp      *app,
                       GError       **error)
{
  FlowsApp *existing;

  g_return_val_if_fail (FLOWS_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (FLOWS_IS_APP (app), FALSE);

  if (!check_id (flows_app_get_id (app), _("an App"), error))
    return FALSE;

  existing = flows_library_find_app (self, flows_app_get_id (app));
  if (existing != NULL && g_strcmp0 (flows_app_get_id (existing), flows_app_get_id (app)) == 0)
    {
      g_set_error (error, FLOWS_LIBRARY_ERROR, FLOWS_LIBRARY_ERROR_EXISTS,
                   _("The library already has an App with the id “%s” (“%s”)"),
                   flows_app_get_id (app), flows_app_get_name (existing));
      return FALSE;
    }

  if (!flows_library_save_app (self, app, error))
    return FALSE;

  g_list_store_insert_sorted (self->apps, app, compare_apps, NULL);
  return TRUE;
}

/* @first_format with @name (%s), when it is free and not NULL, else the first free one of
 * @next_format with @name and a number from 2 up (%s, %u); both untranslated. */
static char *
free_name (FlowsLibrary *self,
           const char   *name,
           const char   *first_format,
           const char   *next_format)
{
  char *candidate = first_format != NULL ? g_strdup_printf (_(first_format), name) : NULL;

  for (guint n = 2; candidate == NULL || !flows_library_check_app_name (self, candidate, NULL, NULL); n++)
    {
      g_free (candidate);
      candidate = g_strdup_printf (_(next_format), name, n);
    }
  return candidate;
}

FlowsApp *
flows_library_import_app (FlowsLibrary  *self,
                          GFile         *file,
                          char         **name_in_file,
                          GError       **error)
{
  g_autoptr(FlowsApp) app = NULL;
  g_autofree char *taken = NULL;

  g_return_val_if_fail (FLOWS_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if (!(app = flows_document_load_app (file, error)))
    return NULL;
  if (!flows_library_check_app_name (self, flows_app_get_name (app), NULL, NULL))
    {
      g_autofree char *name = NULL;

      taken = g_strdup (flows_app_get_name (app));
      /* Translators: the name of an imported App whose name the library has already; %s is
       * that name, %u a number from 2 up. */
      name = free_name (self, taken, NULL, N_("%s (%u)"));
      flows_app_set_name (app, name);
    }
  if (!flows_library_add_app (self, app, error))
    return NULL;

  if (name_in_file != NULL)
    *name_in_file = g_steal_pointer (&taken);
  /* Borrowed from the library, which holds the App now; ours goes here. */
  return app;
}

gboolean
flows_library_export_app (FlowsLibrary  *self,
                          FlowsApp      *app,
                          GFile         *file,
                          GError       **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (FLOWS_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (FLOWS_IS_APP (app), FALSE);

  /* The App document holds no secret by construction: sensitive values live only in
   * connections' keyring entries, and an export is just the App document. */
  text = flows_document_app_to_json (app);
  return flows_document_write (file, text, 0644, error);
}

/* Renaming, duplicating and deleting Apps ---------------------------------------------------- */

/* What two App names are compared by: the same text in any case and Unicode form. */
static char *
name_key (const char *name)
{
  g_autofree char *stripped = g_strstrip (g_strdup (name));
  g_autofree char *normal = g_utf8_normalize (stripped, -1, G_NORMALIZE_ALL);

  return g_utf8_casefold (normal != NULL ? normal : stripped, -1);
}

gboolean
flows_library_check_app_name (FlowsLibrary  *self,
                              const char    *name,
                              FlowsApp      *except,
                              GError       **error)
{
  g_autofree char *key = NULL;
  GListModel *apps;

  g_return_val_if_fail (FLOWS_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (except == NULL || FLOWS_IS_APP (except), FALSE);

  key = name_key (name);
  if (*key == '\0')
    {
      g_set_error_literal (error, FLOWS_LIBRARY_ERROR, FLOWS_LIBRARY_ERROR_INVALID_NAME,
                           _("An App needs a name"));
      return FALSE;
    }

  apps = G_LIST_MODEL (self->apps);
  for (guint i = 0; i < g_list_model_get_n_items (apps); i++)
    {
      g_autoptr(FlowsApp) app = g_list_model_get_item (apps, i);
      g_autofree char *other = NULL;

      if (app == except)
        continue;
      other = name_key (flows_app_get_name (app));
      if (g_str_equal (key, other))
        {
          g_autofree char *stripped = g_strstrip (g_strdup (name));

          if (g_str_equal (stripped, flows_app_get_name (app)))
            g_set_error (error, FLOWS_LIBRARY_ERROR, FLOWS_LIBRARY_ERROR_EXISTS,
                         _("Another App is named “%s” already"), flows_app_get_name (app));
          else
            g_set_error (error, FLOWS_LIBRARY_ERROR, FLOWS_LIBRARY_ERROR_EXISTS,
                         _("Another App is named “%s” already, which differs only in case"),
                         flows_app_get_name (app));
          return FALSE;
        }
    }
  return TRUE;
}

/* Moves @app, at @position, to where its name sorts now. It is inserted there before it leaves
 * its old place, so that it never leaves the list: whoever shows it keeps it. */
static void
move_to_sorted_place (FlowsLibrary *self,
                      FlowsApp     *app,
                      guint         position)
{
  GListModel *apps = G_LIST_MODEL (self->apps);
  guint target = 0;

  for (guint i = 0; i < g_list_model_get_n_items (apps); i++)
    {
      g_autoptr(FlowsApp) other = g_list_model_get_item (apps, i);

      if (other != app && compare_apps (other, app, NULL) < 0)
        target++;
    }

  if (target == position)
    return;
  if (target < position)
    {
      g_list_store_insert (self->apps, target, app);
      g_list_store_remove (self->apps, position + 1);
    }
  else
    {
      g_list_store_insert (self->apps, target + 1, app);
      g_list_store_remove (self->apps, position);
    }
}

gboolean
flows_library_rename_app (FlowsLibrary  *self,
                          FlowsApp      *app,
                          const char    *name,
                          GError       **error)
{
  g_autofree char *stripped = NULL;
  g_autofree char *old_name = NULL;
  guint position;

  g_return_val_if_fail (FLOWS_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (FLOWS_IS_APP (app), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (!g_list_store_find (self->apps, app, &position))
    {
      g_set_error (error, FLOWS_LIBRARY_ERROR, FLOWS_LIBRARY_ERROR_NOT_FOUND,
                   _("The App “%s” is not in the library"), flows_app_get_name (app));
      return FALSE;
    }
  if (!flows_library_check_app_name (self, name, app, error))
    return FALSE;
  /* Saving now would write over the other program's version before anyone chose. */
  if (g_hash_table_contains (self->held_saves, flows_app_get_id (app)))
    {
      g_set_error (error, FLOWS_LIBRARY_ERROR, FLOWS_LIBRARY_ERROR_CONFLICT,
                   _("“%s” has edits that are not saved, and another program changed its file: keep your version or reload the file first"),
                   flows_app_get_name (app));
      return FALSE;
    }

  stripped = g_strstrip (g_strdup (name));
  if (g_str_equal (stripped, flows_app_get_name (app)))
    return TRUE;

  old_name = g_strdup (flows_app_get_name (app));
  flows_app_set_name (app, stripped);
  if (!flows_library_save_app (self, app, error))
    {
      flows_app_set_name (app, old_name);
      return FALSE;
    }
  move_to_sorted_place (self, app, position);
  return TRUE;
}

/* "NAME (copy)", else the first free "NAME (copy N)". */
static char *
copy_name (FlowsLibrary *self,
           const char   *name)
{
  /* Translators: the name of a duplicated App; %s is the original's name. */
  return free_name (self, name, N_("%s (copy)"),
                    /* Translators: the name of a duplicated App when "NAME (copy)" is taken;
                     * %s is the original's name, %u a number from 2 up. */
                    N_("%s (copy %u)"));
}

FlowsApp *
flows_library_duplicate_app (FlowsLibrary  *self,
                             FlowsApp      *app,
                             GError       **error)
{
  g_autofree char *text = NULL;
  g_autofree char *copy_text = NULL;
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(FlowsApp) copy = NULL;
  JsonObject *root;

  g_return_val_if_fail (FLOWS_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (FLOWS_IS_APP (app), NULL);

  /* Through the document, so that the copy has all the App has, whatever the format holds. */
  text = flows_document_app_to_json (app);
  if (!json_parser_load_from_data (parser, text, -1, error))
    return NULL;
  root = json_node_get_object (json_parser_get_root (parser));
  id = flows_new_id ();
  name = copy_name (self, flows_app_get_name (app));
  json_object_set_string_member (root, "id", id);
  json_object_set_string_member (root, "name", name);
  copy_text = flows_json_generate (json_parser_get_root (parser), TRUE);

  if (!(copy = flows_document_app_from_json (copy_text, strlen (copy_text), flows_app_get_name (app), error)) ||
      !flows_library_add_app (self, copy, error))
    return NULL;
  return g_steal_pointer (&copy);
}

GPtrArray *
flows_library_get_app_connections (FlowsLibrary *self,
                                   FlowsApp     *app)
{
  GListModel *connections;
  GPtrArray *found;

  g_return_val_if_fail (FLOWS_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (FLOWS_IS_APP (app), NULL);

  connections = G_LIST_MODEL (self->connections);
  found = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < g_list_model_get_n_items (connections); i++)
    {
      g_autoptr(FlowsConnection) connection = g_list_model_get_item (connections, i);

      if (g_strcmp0 (flows_connection_get_app_id (connection), flows_app_get_id (app)) == 0)
        g_ptr_array_add (found, g_steal_pointer (&connection));
    }
  return found;
}

/* The last step of deleting an App, once its connections are gone: its file and its place. */
static gboolean
remove_app_file (FlowsLibrary  *self,
                 FlowsApp      *app,
                 GCancellable  *cancellable,
                 GError       **error)
{
  /* Keeps @app alive past its removal from the store. */
  G_GNUC_UNUSED g_autoptr(FlowsApp) hold = g_object_ref (app);
  const char *id = flows_app_get_id (app);
  GFile *file = g_hash_table_lookup (self->files, id);
  g_autoptr(GError) local_error = NULL;
  guint position;

  /* An autosave landing after the deletion would bring the file back. */
  forget_saves (self, id);
  if (file != NULL && !g_file_delete (file, cancellable, &local_error) &&
      !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_autofree char *name = g_file_get_parse_name (file);
      g_set_error (error, G_IO_ERROR, local_error->code,
                   _("“%s” was not deleted: %s could not be removed (%s)"),
                   flows_app_get_name (app), name, local_error->message);
      return FALSE;
    }

  if (file != NULL)
    {
      g_autofree char *path = g_file_get_path (file);
      g_hash_table_remove (self->written, path);
      g_hash_table_remove (self->written_identity, path);
    }
  g_hash_table_remove (self->files, id);
  if (g_list_store_find (self->apps, app, &position))
    g_list_store_remove (self->apps, position);
  return TRUE;
}

static gboolean
check_app_in_library (FlowsLibrary  *self,
                      FlowsApp      *app,
                      GError       **error)
{
  if (g_list_store_find (self->apps, app, NULL))
    return TRUE;
  g_set_error (error, FLOWS_LIBRARY_ERROR, FLOWS_LIBRARY_ERROR_NOT_FOUND,
               _("The App “%s” is not in the library"), flows_app_get_name (app));
  return FALSE;
}

gboolean
flows_library_delete_app (FlowsLibrary  *self,
                          FlowsApp      *app,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autoptr(GPtrArray) connections = NULL;

  g_return_val_if_fail (FLOWS_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (FLOWS_IS_APP (app), FALSE);

  if (!check_app_in_library (self, app, error))
    return FALSE;

  connections = flows_library_get_app_connections (self, app);
  for (guint i = 0; i < connections->len; i++)
    if (!flows_library_delete_connection (self, g_ptr_array_index (connections, i), cancellable, error))
      {
        g_prefix_error (error, _("“%s” was not deleted: "), flows_app_get_name (app));
        return FALSE;
      }
  return remove_app_file (self, app, cancellable, error);
}

gssize
flows_library_count_app_secrets (FlowsLibrary  *self,
                                 FlowsApp      *app,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  g_autoptr(GPtrArray) connections = NULL;
  gssize total = 0;

  g_return_val_if_fail (FLOWS_IS_LIBRARY (self), -1);
  g_return_val_if_fail (FLOWS_IS_APP (app), -1);

  connections = flows_library_get_app_connections (self, app);
  for (guint i = 0; i < connections->len; i++)
    {
      FlowsConnection *connection = g_ptr_array_index (connections, i);
      gssize n = flows_secrets_count_connection_sync (flows_app_get_id (app), flows_connection_get_id (connection),
                                                      cancellable, error);
      if (n < 0)
        return -1;
      total += n;
    }
  return total;
}

/* The asynchronous count and delete: one connection after the other, then the App. */
typedef struct
{
  FlowsApp  *app;
  GPtrArray *connections;
  guint      next;
  gssize     total;
  gboolean   delete;
} AppSteps;

static void
app_steps_free (AppSteps *steps)
{
  g_clear_object (&steps->app);
  g_clear_pointer (&steps->connections, g_ptr_array_unref);
  g_free (steps);
}

static void app_step (GTask *task);

static void
on_app_step_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  AppSteps *steps = g_task_get_task_data (task);
  FlowsLibrary *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (steps->delete)
    {
      if (!flows_library_delete_connection_finish (self, result, &error))
        {
          g_prefix_error (&error, _("“%s” was not deleted: "), flows_app_get_name (steps->app));
          g_task_return_error (task, error);
          g_object_unref (task);
          return;
        }
    }
  else
    {
      gssize n = flows_secrets_count_connection_finish (result, &error);

      if (n < 0)
        {
          g_task_return_error (task, error);
          g_object_unref (task);
          return;
        }
      steps->total += n;
    }

  steps->next++;
  app_step (task);
}

static void
app_step (GTask *task)
{
  AppSteps *steps = g_task_get_task_data (task);
  FlowsLibrary *self = g_task_get_source_object (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  if (steps->next < steps->connections->len)
    {
      FlowsConnection *connection = g_ptr_array_index (steps->connections, steps->next);

      if (steps->delete)
        flows_library_delete_connection_async (self, connection, cancellable, on_app_step_done, task);
      else
        flows_secrets_count_connection_async (flows_app_get_id (steps->app), flows_connection_get_id (connection),
                                              cancellable, on_app_step_done, task);
      return;
    }

  if (!steps->delete)
    g_task_return_int (task, steps->total);
  else if (!remove_app_file (self, steps->app, cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
app_steps_async (FlowsLibrary        *self,
                 FlowsApp            *app,
                 gboolean             delete,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data,
                 gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  AppSteps *steps = g_new0 (AppSteps, 1);
  GError *error = NULL;

  steps->app = g_object_ref (app);
  steps->connections = flows_library_get_app_connections (self, app);
  steps->delete = delete;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, steps, (GDestroyNotify)app_steps_free);

  if (delete && !check_app_in_library (self, app, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  app_step (task);
}

void
flows_library_count_app_secrets_async (FlowsLibrary        *self,
                                       FlowsApp            *app,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (FLOWS_IS_LIBRARY (self));
  g_return_if_fail (FLOWS_IS_APP (app));

  app_steps_async (self, app, FALSE, cancellable, callback, user_data, flows_library_count_app_secrets_async);
}

gssize
flows_library_count_app_secrets_finish (FlowsLibrary  *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  return g_task_propagate_int (G_TASK (result), error);
}

void
flows_library_delete_app_async (FlowsLibrary        *self,
                                FlowsApp            *app,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (FLOWS_IS_LIBRARY (self));
  g_return_if_fail (FLOWS_IS_APP (app));

  app_steps_async (self, app, TRUE, cancellable, callback, user_data, flows_library_delete_app_async);
}

gboolean
flows_library_delete_app_finish (FlowsLibrary  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

GListModel *
flows_library_get_connections (FlowsLibrary *self)
{
  g_return_val_if_fail (FLOWS_IS_LIBRARY (self), NULL);
  return G_LIST_MODEL (self->connections);
}

FlowsConnection *
flows_library_find_connection (FlowsLibrary *self,
                               const char   *id)
{
  GListModel *connections;

  g_return_val_if_fail (FLOWS_IS_LIBRARY (self), NULL);

  connections = G_LIST_MODEL (self->connections);
  for (guint i = 0; i < g_list_model_get_n_items (connections); i++)
    {
      g_autoptr(FlowsConnection) connection = g_list_model_get_item (connections, i);

      if (g_strcmp0 (flows_connection_get_id (connection), id) == 0)
        return connection;
    }
  return NULL;
}

gboolean
flows_library_save_connection (FlowsLibrary     *self,
                               FlowsConnection  *connection,
                               GError          **error)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *text = NULL;
  FlowsApp *app;

  g_return_val_if_fail (FLOWS_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (FLOWS_IS_CONNECTION (connection), FALSE);

  app = flows_library_find_app (self, flows_connection_get_app_id (connection));
  if (!(text = flows_document_connection_to_json (connection, app, error)) ||
      !(file = document_file (self, "connections", flows_connection_get_id (connection), error)))
    return FALSE;

  /* Connection files say which service a user has access to: readable by the user only. */
  if (!write_document (self, file, text, 0600, error))
    return FALSE;

  g_hash_table_insert (self->files, g_strdup (flows_connection_get_id (connection)), g_steal_pointer (&file));
  return TRUE;
}

gboolean
flows_library_add_connection (FlowsLibrary     *self,
                              FlowsConnection  *connection,
                              GError          **error)
{
  g_return_val_if_fail (FLOWS_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (FLOWS_IS_CONNECTION (connection), FALSE);

  if (!check_id (flows_connection_get_id (connection), _("a connection"), error))
    return FALSE;

  if (flows_library_find_connection (self, flows_connection_get_id (connection)) != NULL)
    {
      g_set_error (error, FLOWS_LIBRARY_ERROR, FLOWS_LIBRARY_ERROR_EXISTS,
                   _("The library already has a connection with the id “%s”"),
                   flows_connection_get_id (connection));
      return FALSE;
    }

  if (!flows_library_save_connection (self, connection, error))
    return FALSE;

  g_list_store_append (self->connections, connection);
  return TRUE;
}

/* The second half of deleting a connection, once its secrets are gone: its file, then the
 * connection itself. */
static gboolean
remove_connection_file (FlowsLibrary     *self,
                        FlowsConnection  *connection,
                        GCancellable     *cancellable,
                        GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  /* Keeps @connection alive past its removal from the store; never read, hence unused. */
  G_GNUC_UNUSED g_autoptr(FlowsConnection) hold = g_object_ref (connection);
  GFile *file = g_hash_table_lookup (self->files, flows_connection_get_id (connection));
  guint position;

  if (file != NULL && !g_file_delete (file, cancellable, &local_error) &&
      !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_autofree char *name = g_file_get_parse_name (file);
      g_set_error (error, G_IO_ERROR, local_error->code,
                   _("The secrets of connection “%s” were removed, but %s could not be deleted: %s"),
                   flows_connection_get_name (connection), name, local_error->message);
      return FALSE;
    }

  g_hash_table_remove (self->files, flows_connection_get_id (connection));
  if (g_list_store_find (self->connections, connection, &position))
    g_list_store_remove (self->connections, position);
  return TRUE;
}

gboolean
flows_library_delete_connection (FlowsLibrary     *self,
                                 FlowsConnection  *connection,
                                 GCancellable     *cancellable,
                                 GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  guint position;

  g_return_val_if_fail (FLOWS_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (FLOWS_IS_CONNECTION (connection), FALSE);

  if (!g_list_store_find (self->connections, connection, &position))
    {
      g_set_error (error, FLOWS_LIBRARY_ERROR, FLOWS_LIBRARY_ERROR_NOT_FOUND,
                   _("Connection “%s” is not in the library"), flows_connection_get_name (connection));
      return FALSE;
    }

  if (!flows_secrets_clear_connection_sync (flows_connection_get_app_id (connection),
                                            flows_connection_get_id (connection),
                                            cancellable, &local_error))
    {
      g_set_error (error, FLOWS_LIBRARY_ERROR, FLOWS_LIBRARY_ERROR_SECRETS,
                   _("Connection “%s” was not deleted, because its secrets could not be removed from the keyring: %s"),
                   flows_connection_get_name (connection), local_error->message);
      return FALSE;
    }

  return remove_connection_file (self, connection, cancellable, error);
}

static void
on_connection_secrets_cleared (GObject      *source,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FlowsLibrary *self = g_task_get_source_object (task);
  FlowsConnection *connection = g_task_get_task_data (task);
  g_autoptr(GError) local_error = NULL;
  GError *error = NULL;

  if (!flows_secrets_clear_connection_finish (result, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&local_error));
      else
        g_task_return_new_error (task, FLOWS_LIBRARY_ERROR, FLOWS_LIBRARY_ERROR_SECRETS,
                                 _("Connection “%s” was not deleted, because its secrets could not be removed from the keyring: %s"),
                                 flows_connection_get_name (connection), local_error->message);
      return;
    }

  if (!remove_connection_file (self, connection, g_task_get_cancellable (task), &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
flows_library_delete_connection_async (FlowsLibrary        *self,
                                       FlowsConnection     *connection,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FLOWS_IS_LIBRARY (self));
  g_return_if_fail (FLOWS_IS_CONNECTION (connection));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, flows_library_delete_connection_async);
  g_task_set_task_data (task, g_object_ref (connection), g_object_unref);

  if (!g_list_store_find (self->connections, connection, NULL))
    {
      g_task_return_new_error (task, FLOWS_LIBRARY_ERROR, FLOWS_LIBRARY_ERROR_NOT_FOUND,
                               _("Connection “%s” is not in the library"), flows_connection_get_name (connection));
      return;
    }

  flows_secrets_clear_connection_async (flows_connection_get_app_id (connection),
                                        flows_connection_get_id (connection),
                                        cancellable, on_connection_secrets_cleared, g_steal_pointer (&task));
}

gboolean
flows_library_delete_connection_finish (FlowsLibrary  *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Storing the secrets of a connection, one after the other ------------------------------------- */

typedef struct
{
  FlowsConnection *connection;
  GPtrArray       *keys;      /* sorted, so that a failure is reproducible */
  GHashTable      *secrets;   /* key -> value, wiped when freed */
  guint            next;
  gboolean         add;       /* then add the connection to the library */
  GError          *error;     /* what stopped the adding, while its secrets are removed */
} StoreSecrets;

static void
store_secrets_free (StoreSecrets *store)
{
  g_clear_object (&store->connection);
  g_clear_pointer (&store->keys, g_ptr_array_unref);
  g_clear_pointer (&store->secrets, g_hash_table_unref);
  g_clear_error (&store->error);
  g_free (store);
}

static void
on_abandoned_secrets_cleared (GObject      *source,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  StoreSecrets *store = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* The connection was not added, so a value left behind is unreachable; the error worth
   * reporting is the one that stopped the adding. */
  if (!flows_secrets_clear_connection_finish (result, &error))
    g_debug ("Secrets of a connection that was not added remain in the keyring: %s", error->message);
  g_task_return_error (task, g_steal_pointer (&store->error));
}

/* Finishes @task with @error; when a connection was being added, first removes the values
 * already stored for it, so that no secret outlives a connection that was never added. */
static void
store_secrets_fail (GTask  *task,
                    GError *error)
{
  StoreSecrets *store = g_task_get_task_data (task);

  if (!store->add || store->next == 0)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  store->error = error;
  /* Not cancellable: the cleanup must happen even when the adding was cancelled. */
  flows_secrets_clear_connection_async (flows_connection_get_app_id (store->connection),
                                        flows_connection_get_id (store->connection),
                                        NULL, on_abandoned_secrets_cleared, task);
}

static void store_next_secret (GTask *task);

static void
on_secret_stored (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!flows_secrets_store_finish (result, &error))
    store_secrets_fail (task, error);
  else
    store_next_secret (task);
}

static void
store_next_secret (GTask *task)
{
  StoreSecrets *store = g_task_get_task_data (task);
  FlowsLibrary *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (store->next < store->keys->len)
    {
      const char *key = g_ptr_array_index (store->keys, store->next);

      /* Counted before it is stored: a failed store may still have left something behind. */
      store->next++;
      flows_secrets_store_async (flows_connection_get_app_id (store->connection),
                                 flows_connection_get_id (store->connection),
                                 key, g_hash_table_lookup (store->secrets, key),
                                 g_task_get_cancellable (task), on_secret_stored, task);
      return;
    }

  if (store->add && !flows_library_add_connection (self, store->connection, &error))
    {
      store_secrets_fail (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
store_secrets_async (FlowsLibrary        *self,
                     FlowsConnection     *connection,
                     GHashTable          *secrets,
                     gboolean             add,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data,
                     gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  StoreSecrets *store = g_new0 (StoreSecrets, 1);

  store->connection = g_object_ref (connection);
  store->keys = g_ptr_array_new_with_free_func (g_free);
  store->secrets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)flows_secrets_free);
  store->add = add;

  /* A copy, so that the caller may wipe its values as soon as this returns. */
  if (secrets != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, secrets);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          g_ptr_array_add (store->keys, g_strdup (key));
          g_hash_table_insert (store->secrets, g_strdup (key), g_strdup (value));
        }
    }
  g_ptr_array_sort (store->keys, compare_names);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, store, (GDestroyNotify)store_secrets_free);
  store_next_secret (task);
}

void
flows_library_store_connection_secrets_async (FlowsLibrary        *self,
                                              FlowsConnection     *connection,
                                              GHashTable          *secrets,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  g_return_if_fail (FLOWS_IS_LIBRARY (self));
  g_return_if_fail (FLOWS_IS_CONNECTION (connection));

  store_secrets_async (self, connection, secrets, FALSE, cancellable, callback, user_data,
                       flows_library_store_connection_secrets_async);
}

gboolean
flows_library_store_connection_secrets_finish (FlowsLibrary  *self,
                                               GAsyncResult  *result,
                                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
flows_library_add_connection_with_secrets_async (FlowsLibrary        *self,
                                                 FlowsConnection     *connection,
                                                 GHashTable          *secrets,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data)
{
  g_return_if_fail (FLOWS_IS_LIBRARY (self));
  g_return_if_fail (FLOWS_IS_CONNECTION (connection));

  store_secrets_async (self, connection, secrets, TRUE, cancellable, callback, user_data,
                       flows_library_add_connection_with_secrets_async);
}

gboolean
flows_library_add_connection_with_secrets_finish (FlowsLibrary  *self,
                                                  GAsyncResult  *result,
                                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Autosave ---------------------------------------------------------------------------------- */

/* Long enough to gather the keystrokes of a word into one write, short enough that a crash
 * loses almost nothing. */
#define SAVE_DELAY_MS 300

static void
on_write_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  SaveJob *job = user_data;
  FlowsLibrary *self = job->library;

  /* A flush, a save of the App or its deletion may have taken it in already; then the library
   * may be gone too. */
  if (!job->collected)
    {
      g_autofree char *id = g_strdup (flows_app_get_id (job->app));
      SaveJob *next;

      collect_save (self, job, FALSE);
      if (g_hash_table_steal_extended (self->waiting, id, NULL, (gpointer *)&next))
        start_write (self, next);
    }
  save_job_release (job);
}

/* In a worker: the text of the document, then the atomic replace of the file (temporary file,
 * fsync, rename) by flows_document_write(). */
static void
write_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  SaveJob *job = task_data;
  g_autofree char *text = flows_document_node_to_text (job->document);
  char *checksum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
  g_autofree char *path = NULL;
  char *identity = NULL;
  GError *error = NULL;

  g_mutex_lock (&save_lock);
  job->checksum = checksum;
  g_mutex_unlock (&save_lock);

  path = g_file_get_path (job->file);
  if (flows_document_write (job->file, text, 0644, &error))
    identity = written_file_identity (path, checksum);

  g_mutex_lock (&save_lock);
  job->identity = identity;
  job->error = error;
  job->finished = TRUE;
  g_cond_broadcast (&save_done);
  g_mutex_unlock (&save_lock);

  g_task_return_boolean (task, TRUE);
}

static void
start_write (FlowsLibrary *self,
             SaveJob      *job)
{
  /* No source object: the task must not keep the library alive, which waits for it instead. */
  g_autoptr(GTask) task = g_task_new (NULL, NULL, on_write_done, g_atomic_rc_box_acquire (job));

  g_task_set_source_tag (task, start_write);
  g_task_set_task_data (task, g_atomic_rc_box_acquire (job), (GDestroyNotify)save_job_release);
  g_hash_table_insert (self->writing, g_strdup (flows_app_get_id (job->app)), job);
  g_task_run_in_thread (task, write_in_thread);
}

/* The autosave of what is pending: each App's document is taken here, on the main thread, and
 * written by a worker; a newer one waits for the write of the same App under way, in the place
 * of any older one waiting (which it contains). */
static void
start_pending_saves (FlowsLibrary *self)
{
  g_autoptr(GPtrArray) apps = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer app;

  g_hash_table_iter_init (&iter, self->pending_saves);
  while (g_hash_table_iter_next (&iter, NULL, &app))
    g_ptr_array_add (apps, g_object_ref (app));

  for (guint i = 0; i < apps->len; i++)
    {
      FlowsApp *pending = g_ptr_array_index (apps, i);
      const char *id = flows_app_get_id (pending);
      g_autoptr(GError) error = NULL;
      GFile *file = document_file (self, "apps", id, &error);
      SaveJob *job;

      if (file == NULL)
        {
          g_signal_emit (self, signals[SAVE_FAILED], 0, pending, error);
          continue;
        }

      job = g_atomic_rc_box_new0 (SaveJob);
      job->library = self;
      job->app = g_object_ref (pending);
      job->document = flows_document_app_to_node (pending);
      job->file = file;
      g_hash_table_remove (self->pending_saves, id);
      if (g_hash_table_contains (self->writing, flows_app_get_id (job->app)))
        g_hash_table_replace (self->waiting, g_strdup (flows_app_get_id (job->app)), job);
      else
        start_write (self, job);
    }
}

/* The keys of @table, copied: what is done with each may change the table. */
static GPtrArray *
copy_keys (GHashTable *table)
{
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, g_strdup (key));
  return keys;
}

gboolean
flows_library_flush (FlowsLibrary  *self,
                     GError       **error)
{
  g_autoptr(GPtrArray) apps = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) ids = NULL;
  gboolean saved_all = TRUE;
  GHashTableIter iter;
  gpointer app;

  g_return_val_if_fail (FLOWS_IS_LIBRARY (self), FALSE);

  g_clear_handle_id (&self->save_source_id, g_source_remove);

  /* The writes under way land first; what waits for them is written below, as the App is now
   * (which contains it). */
  ids = copy_keys (self->writing);
  for (guint i = 0; i < ids->len; i++)
    wait_for_write (self, g_ptr_array_index (ids, i), FALSE);
  g_clear_pointer (&ids, g_ptr_array_unref);
  ids = copy_keys (self->waiting);
  for (guint i = 0; i < ids->len; i++)
    unqueue_waiting_save (self, g_ptr_array_index (ids, i));

  /* A copy: saving removes each App from the table. */
  g_hash_table_iter_init (&iter, self->pending_saves);
  while (g_hash_table_iter_next (&iter, NULL, &app))
    g_ptr_array_add (apps, g_object_ref (app));

  for (guint i = 0; i < apps->len; i++)
    {
      FlowsApp *pending = g_ptr_array_index (apps, i);
      g_autoptr(GError) save_error = NULL;

      if (flows_library_save_app (self, pending, &save_error))
        continue;

      g_signal_emit (self, signals[SAVE_FAILED], 0, pending, save_error);
      if (saved_all && error != NULL)
        *error = g_error_copy (save_error);
      saved_all = FALSE;
    }

  /* Edits waiting for an answer to "external-change" are not saved, and not lost silently. */
  g_hash_table_iter_init (&iter, self->held_saves);
  if (g_hash_table_iter_next (&iter, NULL, &app))
    {
      if (saved_all)
        g_set_error (error, FLOWS_LIBRARY_ERROR, FLOWS_LIBRARY_ERROR_CONFLICT,
                     _("“%s” has edits that are not saved, and another program changed its file: keep your version or reload the file first"),
                     flows_app_get_name (app));
      saved_all = FALSE;
    }

  return saved_all;
}

static gboolean
on_save_timeout (gpointer user_data)
{
  FlowsLibrary *self = user_data;

  self->save_source_id = 0;
  start_pending_saves (self);
  return G_SOURCE_REMOVE;
}

void
flows_library_queue_save_app (FlowsLibrary *self,
                              FlowsApp     *app)
{
  g_return_if_fail (FLOWS_IS_LIBRARY (self));
  g_return_if_fail (FLOWS_IS_APP (app));

  g_hash_table_remove (self->held_saves, flows_app_get_id (app));
  g_hash_table_replace (self->pending_saves, g_strdup (flows_app_get_id (app)), g_object_ref (app));
  if (self->save_source_id == 0)
    self->save_source_id = g_timeout_add (SAVE_DELAY_MS, on_save_timeout, self);
}

gboolean
flows_library_has_unsaved_edits (FlowsLibrary *self,
                                 FlowsApp     *app)
{
  const char *id;

  g_return_val_if_fail (FLOWS_IS_LIBRARY (self), FALSE);

  id = flows_app_get_id (app);
  if (g_hash_table_contains (self->waiting, id))
    return TRUE;
  /* The answer depends on the write under way: others may see its file already, or it may
   * fail. Waiting for one write is short, and nothing asks this on every frame. */
  wait_for_write (self, id, FALSE);
  return g_hash_table_contains (self->pending_saves, id) ||
         g_hash_table_contains (self->held_saves, id);
}

/* Forgets every save of @id not written yet, waiting for the one under way: the App was
 * replaced by another version or is going. */
static void
forget_saves (FlowsLibrary *self,
              const char   *id)
{
  g_autofree char *key = g_strdup (id);

  wait_for_write (self, key, FALSE);
  g_hash_table_remove (self->waiting, key);
  g_hash_table_remove (self->pending_saves, key);
  g_hash_table_remove (self->held_saves, key);
}

/* Watching for changes by others -------------------------------------------------------------- */

void
flows_library_replace_app (FlowsLibrary *self,
                           FlowsApp     *app)
{
  guint position;
  FlowsApp *current;

  g_return_if_fail (FLOWS_IS_LIBRARY (self));
  g_return_if_fail (FLOWS_IS_APP (app));

  forget_saves (self, flows_app_get_id (app));
  current = flows_library_find_app (self, flows_app_get_id (app));
  if (current != NULL && g_list_store_find (self->apps, current, &position))
    g_list_store_remove (self->apps, position);
  g_list_store_insert_sorted (self->apps, app, compare_apps, NULL);
}

/* The id of the App or connection loaded from @file, or NULL. */
static const char *
id_of_file (FlowsLibrary *self,
            GFile        *file)
{
  GHashTableIter iter;
  gpointer id, known;

  g_hash_table_iter_init (&iter, self->files);
  while (g_hash_table_iter_next (&iter, &id, &known))
    if (g_file_equal (known, file))
      return id;
  return NULL;
}

static gboolean
remove_problem (FlowsLibrary *self,
                GFile        *file)
{
  g_autofree char *path = g_file_get_path (file);

  g_hash_table_remove (self->broken_paths, path);
  for (guint i = 0; i < self->problems->len; i++)
    {
      FlowsLoadProblem *problem = g_ptr_array_index (self->problems, i);

      if (g_file_equal (problem->file, file))
        {
          g_ptr_array_remove_index (self->problems, i);
          return TRUE;
        }
    }
  return FALSE;
}

/* Whether the autosave @job, under way, wrote @file: the same file (@identity), or the same
 * bytes (@checksum). Called with save_lock held. */
static gboolean
job_wrote (SaveJob    *job,
           GFile      *file,
           const char *identity,
           const char *checksum)
{
  if (!g_file_equal (job->file, file))
    return FALSE;
  return (identity != NULL && g_strcmp0 (job->identity, identity) == 0) ||
         (checksum != NULL && g_strcmp0 (job->checksum, checksum) == 0);
}

static gboolean
written_by_job (FlowsLibrary *self,
                GFile        *file,
                const char   *identity,
                const char   *checksum)
{
  gboolean own = FALSE;
  GHashTableIter iter;
  gpointer job;

  g_mutex_lock (&save_lock);
  g_hash_table_iter_init (&iter, self->writing);
  while (!own && g_hash_table_iter_next (&iter, NULL, &job))
    own = job_wrote (job, file, identity, checksum);
  g_mutex_unlock (&save_lock);
  return own;
}

/* Whether @file holds what this library wrote last (then the change is our own save), or what
 * an autosave whose worker replaced the file wrote before its outcome is taken in. Its identity
 * tells without reading it; its bytes tell when the worker has not noted that identity yet. */
static gboolean
is_own_write (FlowsLibrary *self,
              GFile        *file)
{
  g_autofree char *path = g_file_get_path (file);
  const char *checksum = g_hash_table_lookup (self->written, path);
  g_autofree char *identity = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *current = NULL;
  gsize length;

  if (checksum == NULL && g_hash_table_size (self->writing) == 0)
    return FALSE;

  identity = file_identity (path);
  if (identity != NULL &&
      (g_strcmp0 (g_hash_table_lookup (self->written_identity, path), identity) == 0 ||
       written_by_job (self, file, identity, NULL)))
    return TRUE;

  if (!g_file_load_contents (file, NULL, &contents, &length, NULL, NULL))
    return FALSE;
  current = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *)contents, length);
  return g_strcmp0 (current, checksum) == 0 || written_by_job (self, file, NULL, current);
}

static void
reload_app_file (FlowsLibrary *self,
                 GFile        *file,
                 gboolean      deleted)
{
  const char *id = id_of_file (self, file);
  FlowsApp *current = id != NULL ? flows_library_find_app (self, id) : NULL;
  g_autoptr(FlowsApp) on_disk = NULL;
  GError *error = NULL;
  gboolean problems_changed = remove_problem (self, file);

  if (deleted)
    {
      guint position;

      /* Unsaved edits bring the file back on the next save; otherwise the App goes. */
      if (current != NULL && !flows_library_has_unsaved_edits (self, current) &&
          g_list_store_find (self->apps, current, &position))
        {
          g_hash_table_remove (self->files, id);
          g_list_store_remove (self->apps, position);
        }
    }
  else if (!(on_disk = flows_document_load_app (file, &error)))
    {
      /* Now broken: shown as a problem and never written over, edits or not. */
      if (current != NULL)
        {
          guint position;

          forget_saves (self, id);
          if (g_list_store_find (self->apps, current, &position))
            g_list_store_remove (self->apps, position);
          g_hash_table_remove (self->files, id);
        }
      add_problem (self, file, error);
      problems_changed = TRUE;
    }
  else if (current != NULL && flows_library_has_unsaved_edits (self, current))
    {
      /* Held, or the autosave would write over the other version before anyone chose. */
      FlowsApp *pending = g_hash_table_lookup (self->pending_saves, id);

      if (pending != NULL)
        {
          g_hash_table_replace (self->held_saves, g_strdup (id), g_object_ref (pending));
          g_hash_table_remove (self->pending_saves, id);
        }
      g_signal_emit (self, signals[EXTERNAL_CHANGE], 0, current, on_disk);
    }
  else if (current == NULL && flows_library_find_app (self, flows_app_get_id (on_disk)) != NULL)
    {
      g_autofree char *path = g_file_get_parse_name (file);
      add_problem (self, file,
                   g_error_new (FLOWS_LIBRARY_ERROR, FLOWS_LIBRARY_ERROR_EXISTS,
                                _("%s: has the id of an App already in the library (“%s”)"),
                                path, flows_app_get_id (on_disk)));
      problems_changed = TRUE;
    }
  else
    {
      g_hash_table_insert (self->files, g_strdup (flows_app_get_id (on_disk)), g_object_ref (file));
      flows_library_replace_app (self, on_disk);
    }

  if (problems_changed)
    g_signal_emit (self, signals[PROBLEMS_CHANGED], 0);
}

static void
reload_connection_file (FlowsLibrary *self,
                        GFile        *file,
                        gboolean      deleted)
{
  const char *id = id_of_file (self, file);
  FlowsConnection *current = id != NULL ? flows_library_find_connection (self, id) : NULL;
  g_autoptr(FlowsConnection) on_disk = NULL;
  GError *error = NULL;
  gboolean problems_changed = remove_problem (self, file);
  guint position = 0;
  gboolean found = current != NULL && g_list_store_find (self->connections, current, &position);

  if (!deleted && !(on_disk = flows_document_load_connection (file, &error)))
    {
      add_problem (self, file, error);
      problems_changed = TRUE;
    }

  if (found)
    {
      g_hash_table_remove (self->files, id);
      g_list_store_remove (self->connections, position);
    }
  if (on_disk != NULL && flows_library_find_connection (self, flows_connection_get_id (on_disk)) == NULL)
    {
      g_hash_table_insert (self->files, g_strdup (flows_connection_get_id (on_disk)), g_object_ref (file));
      g_list_store_insert (self->connections, found ? position : g_list_model_get_n_items (G_LIST_MODEL (self->connections)), on_disk);
    }

  if (problems_changed)
    g_signal_emit (self, signals[PROBLEMS_CHANGED], 0);
}

/* Whether an autosave of @file is under way and its worker has not noted yet what it wrote:
 * then the change reported is most likely its own rename, and is looked at again once the write
 * is taken in (collect_save()), when the file's identity tells without reading it. Reading the
 * file back here instead (is_own_write() by the checksum) costs the main thread about a
 * millisecond per 500 KB, on about every other autosave: the monitor's thread often reports
 * the rename before the worker has noted the identity. */
static gboolean
defer_to_write_under_way (FlowsLibrary *self,
                          GFile        *file)
{
  gboolean deferred = FALSE;
  GHashTableIter iter;
  gpointer value;

  g_mutex_lock (&save_lock);
  g_hash_table_iter_init (&iter, self->writing);
  while (!deferred && g_hash_table_iter_next (&iter, NULL, &value))
    {
      SaveJob *job = value;

      if (!job->finished && g_file_equal (job->file, file))
        deferred = job->file_changed = TRUE;
    }
  g_mutex_unlock (&save_lock);
  return deferred;
}

static void
app_file_changed (FlowsLibrary *self,
                  GFile        *file,
                  gboolean      deleted)
{
  if (!deleted && (defer_to_write_under_way (self, file) || is_own_write (self, file)))
    return;
  reload_app_file (self, file, deleted);
}

static gboolean
on_recheck (gpointer user_data)
{
  FlowsLibrary *self = user_data;
  g_autoptr(GHashTable) files = g_steal_pointer (&self->recheck);
  GHashTableIter iter;
  gpointer file;

  self->recheck_source_id = 0;
  self->recheck = g_hash_table_new_full (g_file_hash, (GEqualFunc)g_file_equal, g_object_unref, NULL);
  g_hash_table_iter_init (&iter, files);
  while (g_hash_table_iter_next (&iter, &file, NULL))
    app_file_changed (self, file, FALSE);
  return G_SOURCE_REMOVE;
}

/* Looks at @file as the monitor reported it, from the main loop: collect_save() runs inside
 * saves and flushes, which must not reload an App under their feet. */
static void
recheck_later (FlowsLibrary *self,
               GFile        *file)
{
  g_hash_table_add (self->recheck, g_object_ref (file));
  if (self->recheck_source_id == 0)
    self->recheck_source_id = g_idle_add (on_recheck, self);
}

static void
on_directory_changed (GFileMonitor      *monitor,
                      GFile             *file,
                      GFile             *other_file,
                      GFileMonitorEvent  event,
                      gpointer           user_data)
{
  FlowsLibrary *self = user_data;
  g_autofree char *name = NULL;
  gboolean apps = monitor == self->monitors[0];
  gboolean deleted;

  /* A rename into place (an atomic save) arrives as the new name appearing. */
  if (event == G_FILE_MONITOR_EVENT_RENAMED || event == G_FILE_MONITOR_EVENT_MOVED_IN)
    file = other_file != NULL ? other_file : file;
  else if (event != G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT &&
           event != G_FILE_MONITOR_EVENT_CREATED &&
           event != G_FILE_MONITOR_EVENT_DELETED &&
           event != G_FILE_MONITOR_EVENT_MOVED_OUT)
    return;

  name = g_file_get_basename (file);
  if (name[0] == '.' || !g_str_has_suffix (name, ".json"))
    return;

  deleted = event == G_FILE_MONITOR_EVENT_DELETED || event == G_FILE_MONITOR_EVENT_MOVED_OUT;
  if (apps)
    app_file_changed (self, file, deleted);
  else if (deleted || !is_own_write (self, file))
    reload_connection_file (self, file, deleted);
}

gboolean
flows_library_watch (FlowsLibrary  *self,
                     GError       **error)
{
  static const char * const subdirectories[] = { "apps", "connections" };

  g_return_val_if_fail (FLOWS_IS_LIBRARY (self), FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (subdirectories); i++)
    {
      g_autoptr(GFile) directory = g_file_get_child (self->directory, subdirectories[i]);
      g_autoptr(GError) local_error = NULL;

      if (self->monitors[i] != NULL)
        continue;
      if (!g_file_make_directory_with_parents (directory, NULL, &local_error) &&
          !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      self->monitors[i] = g_file_monitor_directory (directory, G_FILE_MONITOR_WATCH_MOVES, NULL, error);
      if (self->monitors[i] == NULL)
        return FALSE;
      g_signal_connect (self->monitors[i], "changed", G_CALLBACK (on_directory_changed), self);
    }
  return TRUE;
}
