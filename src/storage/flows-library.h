/* flows-library.h — every App and connection under one data directory.
 *
 * The directory holds apps/<id>.json and connections/<id>.json. A file that cannot be loaded
 * becomes a FlowsLoadProblem and is never written over; the rest of the library still loads.
 */
#pragma once

#include <gio/gio.h>

#include "flows-app.h"
#include "flows-connection.h"

G_BEGIN_DECLS

#define FLOWS_LIBRARY_ERROR (flows_library_error_quark ())

typedef enum {
  FLOWS_LIBRARY_ERROR_NOT_FOUND,
  FLOWS_LIBRARY_ERROR_EXISTS,
  FLOWS_LIBRARY_ERROR_BROKEN_FILE,
  FLOWS_LIBRARY_ERROR_INVALID_ID,
  FLOWS_LIBRARY_ERROR_SECRETS,
  FLOWS_LIBRARY_ERROR_CONFLICT,   /* unsaved edits wait for an answer to "external-change" */
  FLOWS_LIBRARY_ERROR_INVALID_NAME,
} FlowsLibraryError;

/* A file of the library that did not load: which one and why (the message starts with the
 * path, and gives line and column where there is one). */
typedef struct
{
  GFile  *file;
  GError *error;
} FlowsLoadProblem;

#define FLOWS_TYPE_LIBRARY (flows_library_get_type ())
G_DECLARE_FINAL_TYPE (FlowsLibrary, flows_library, FLOWS, LIBRARY, GObject)

GQuark           flows_library_error_quark                (void);

FlowsLibrary    *flows_library_new                        (GFile            *directory);
/* $FLOWS_STUDIO_DATA_DIR when set, else $XDG_DATA_HOME/flows-studio. */
GFile           *flows_library_get_default_directory      (void);

/* Loads every document. Returns FALSE only when the directory itself cannot be read; problems
 * with single files are in flows_library_get_problems(). */
gboolean         flows_library_load                       (FlowsLibrary     *self,
                                                           GError          **error);
/* TRUE when the directory did not exist before flows_library_load(): a first launch. */
gboolean         flows_library_is_new                     (FlowsLibrary     *self);
/* Array of FlowsLoadProblem, in file name order. */
GPtrArray       *flows_library_get_problems               (FlowsLibrary     *self);

/* GListModel of FlowsApp, sorted by name. */
GListModel      *flows_library_get_apps                   (FlowsLibrary     *self);
/* By id, then by name. */
FlowsApp        *flows_library_find_app                   (FlowsLibrary     *self,
                                                           const char       *id_or_name);
gboolean         flows_library_add_app                    (FlowsLibrary     *self,
                                                           FlowsApp         *app,
                                                           GError          **error);
gboolean         flows_library_save_app                   (FlowsLibrary     *self,
                                                           FlowsApp         *app,
                                                           GError          **error);
/* Adds the App of the exported document @file. An App never takes the place of another: one
 * with an id the library has is refused (FLOWS_LIBRARY_ERROR_EXISTS), and one whose name
 * another App has (flows_library_check_app_name()) is added as "NAME (2)", or the next free
 * number, with the name it had in @name_in_file (NULL when it kept its name). Returns the App,
 * which the library holds (transfer none), or NULL with @error set. */
FlowsApp        *flows_library_import_app                 (FlowsLibrary     *self,
                                                           GFile            *file,
                                                           char            **name_in_file,
                                                           GError          **error);
gboolean         flows_library_export_app                 (FlowsLibrary     *self,
                                                           FlowsApp         *app,
                                                           GFile            *file,
                                                           GError          **error);

/* App names are unique in a library, ignoring case and surrounding spaces: flows-cli finds an
 * App by its name, and two names that differ only in case look the same in a list. Fails with
 * FLOWS_LIBRARY_ERROR_INVALID_NAME for a name that is empty and FLOWS_LIBRARY_ERROR_EXISTS for
 * one that another App than @except (NULL: any App) has, each with a message to show. Adding
 * an App does not check: files written by others keep the names they have. */
gboolean         flows_library_check_app_name             (FlowsLibrary     *self,
                                                           const char       *name,
                                                           FlowsApp         *except,
                                                           GError          **error);
/* Renames @app to @name without its surrounding spaces, after flows_library_check_app_name(),
 * and saves it at once; on failure the App keeps its name. The App moves to its place in the
 * sorted list without leaving it. */
gboolean         flows_library_rename_app                 (FlowsLibrary     *self,
                                                           FlowsApp         *app,
                                                           const char       *name,
                                                           GError          **error);
/* Adds a copy of @app under a new id with every parameter and flow, named "NAME (copy)" or the
 * next free "NAME (copy N)". Connections are not copied: they belong to their users. */
FlowsApp        *flows_library_duplicate_app              (FlowsLibrary     *self,
                                                           FlowsApp         *app,
                                                           GError          **error);
/* The connections of @app (FlowsConnection, new array), in file name order. */
GPtrArray       *flows_library_get_app_connections        (FlowsLibrary     *self,
                                                           FlowsApp         *app);
/* How many keyring items the connections of @app have, or -1 with an error. */
gssize           flows_library_count_app_secrets          (FlowsLibrary     *self,
                                                           FlowsApp         *app,
                                                           GCancellable     *cancellable,
                                                           GError          **error);
void             flows_library_count_app_secrets_async    (FlowsLibrary     *self,
                                                           FlowsApp         *app,
                                                           GCancellable     *cancellable,
                                                           GAsyncReadyCallback callback,
                                                           gpointer          user_data);
gssize           flows_library_count_app_secrets_finish   (FlowsLibrary     *self,
                                                           GAsyncResult     *result,
                                                           GError          **error);
/* Deletes @app with its connections: each connection as flows_library_delete_connection() does
 * (keyring items first, then the file), then the App's file, last, so that an interruption
 * leaves an App with fewer connections, never a connection or a secret without its App. Stops
 * at the first failure, with what is not deleted yet still there. */
gboolean         flows_library_delete_app                 (FlowsLibrary     *self,
                                                           FlowsApp         *app,
                                                           GCancellable     *cancellable,
                                                           GError          **error);
void             flows_library_delete_app_async           (FlowsLibrary     *self,
                                                           FlowsApp         *app,
                                                           GCancellable     *cancellable,
                                                           GAsyncReadyCallback callback,
                                                           gpointer          user_data);
gboolean         flows_library_delete_app_finish          (FlowsLibrary     *self,
                                                           GAsyncResult     *result,
                                                           GError          **error);

/* GListModel of FlowsConnection, in file name order. */
GListModel      *flows_library_get_connections            (FlowsLibrary     *self);
FlowsConnection *flows_library_find_connection            (FlowsLibrary     *self,
                                                           const char       *id);
gboolean         flows_library_add_connection             (FlowsLibrary     *self,
                                                           FlowsConnection  *connection,
                                                           GError          **error);
gboolean         flows_library_save_connection            (FlowsLibrary     *self,
                                                           FlowsConnection  *connection,
                                                           GError          **error);
/* Removes the connection's secrets from the keyring, then its file. When the keyring cannot be
 * reached nothing is deleted, so that no secret is left behind without its connection. */
gboolean         flows_library_delete_connection          (FlowsLibrary     *self,
                                                           FlowsConnection  *connection,
                                                           GCancellable     *cancellable,
                                                           GError          **error);
void             flows_library_delete_connection_async    (FlowsLibrary     *self,
                                                           FlowsConnection  *connection,
                                                           GCancellable     *cancellable,
                                                           GAsyncReadyCallback callback,
                                                           gpointer          user_data);
gboolean         flows_library_delete_connection_finish   (FlowsLibrary     *self,
                                                           GAsyncResult     *result,
                                                           GError          **error);
/* Stores @secrets (parameter key -> value; NULL for none) of @connection in the keyring, one
 * after the other, and stops at the first that fails. The connection itself is not saved. */
void             flows_library_store_connection_secrets_async  (FlowsLibrary     *self,
                                                                FlowsConnection  *connection,
                                                                GHashTable       *secrets,
                                                                GCancellable     *cancellable,
                                                                GAsyncReadyCallback callback,
                                                                gpointer          user_data);
gboolean         flows_library_store_connection_secrets_finish (FlowsLibrary     *self,
                                                                GAsyncResult     *result,
                                                                GError          **error);
/* Stores @secrets first, then adds @connection: when the keyring refuses a value no file is
 * written, and when adding fails the values already stored are removed again. */
void             flows_library_add_connection_with_secrets_async  (FlowsLibrary     *self,
                                                                   FlowsConnection  *connection,
                                                                   GHashTable       *secrets,
                                                                   GCancellable     *cancellable,
                                                                   GAsyncReadyCallback callback,
                                                                   gpointer          user_data);
gboolean         flows_library_add_connection_with_secrets_finish (FlowsLibrary     *self,
                                                                   GAsyncResult     *result,
                                                                   GError          **error);

/* Autosave: saves @app within a moment, gathering quick edits into one write. A failure emits
 * "save-failed" and keeps the edits. flush() saves everything queued now (before quitting); it
 * fails with FLOWS_LIBRARY_ERROR_CONFLICT while edits wait for an answer to "external-change"
 * (those are held, not autosaved: queue_save_app() keeps them, replace_app() drops them). */
void             flows_library_queue_save_app             (FlowsLibrary     *self,
                                                           FlowsApp         *app);
gboolean         flows_library_has_unsaved_edits          (FlowsLibrary     *self,
                                                           FlowsApp         *app);
gboolean         flows_library_flush                      (FlowsLibrary     *self,
                                                           GError          **error);

/* Watches the directory for changes made by others (another instance, the CLI, git): a changed
 * App is reloaded (or, with unsaved edits here, "external-change" is emitted), a broken one
 * becomes a problem ("problems-changed"), connections are reloaded. */
gboolean         flows_library_watch                      (FlowsLibrary     *self,
                                                           GError          **error);
/* Puts @app in the place of the App with its id (reloading it from disk, for example). */
void             flows_library_replace_app                (FlowsLibrary     *self,
                                                           FlowsApp         *app);

G_END_DECLS
