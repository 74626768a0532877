/* flows-param-rename.c — a connection parameter's key changed everywhere it is used */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "flows-expression.h"
#include "flows-json-util.h"
#include "flows-param-rename.h"
#include "flows-secrets.h"
#include "flows-stage-registry.h"

/* One stage whose references the rename rewrites: its settings before and after. */
typedef struct
{
  FlowsStage *stage;
  JsonObject *before;
  JsonObject *after;
} StageEdit;

struct _FlowsParamRename
{
  GObject       parent_instance;

  FlowsLibrary *library;
  FlowsApp     *app;
  FlowsParam   *param;
  char         *old_key;
  char         *new_key;
  GArray       *edits;           /* of StageEdit */
  guint         n_references;
  guint         n_flows;
  guint         references_updated : 1;
  guint         applied : 1;
  guint         busy : 1;
};

G_DEFINE_FINAL_TYPE (FlowsParamRename, flows_param_rename, G_TYPE_OBJECT)

static void
stage_edit_clear (gpointer data)
{
  StageEdit *edit = data;

  g_clear_object (&edit->stage);
  g_clear_pointer (&edit->before, json_object_unref);
  g_clear_pointer (&edit->after, json_object_unref);
}

/* References ------------------------------------------------------------------------------- */

static guint rename_in_node (JsonNode   *node,
                             const char *from,
                             const char *to);

/* Rewrites the strings of @object in place (it is a copy of the stage's settings). What
 * validation reads no references in, a name or a choice, is left alone. */
static guint
rename_in_object (JsonObject *object,
                  const char *from,
                  const char *to)
{
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;
  guint count = 0;

  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &member, &value))
    if (!flows_stage_registry_is_literal_setting (member))
      count += rename_in_node (value, from, to);
  return count;
}

static guint
rename_in_node (JsonNode   *node,
                const char *from,
                const char *to)
{
  guint count = 0;

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      count = rename_in_object (json_node_get_object (node), from, to);
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          count += rename_in_node (json_array_get_element (array, i), from, to);
      }
      break;

    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        {
          g_autofree char *renamed = flows_expression_rename_reference (json_node_get_string (node), from, to, &count);

          if (renamed != NULL)
            json_node_set_string (node, renamed);
        }
      break;

    case JSON_NODE_NULL:
    default:
      break;
    }
  return count;
}

/* @settings with the references to @from written as @to, or NULL when it has none. */
static JsonObject *
rename_in_settings (JsonObject *settings,
                    const char *from,
                    const char *to,
                    guint      *n_renamed)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), settings);
  g_autoptr(JsonNode) copy = flows_json_deep_copy (node);

  *n_renamed = rename_in_node (copy, from, to);
  return *n_renamed > 0 ? json_object_ref (json_node_get_object (copy)) : NULL;
}

static void
find_references (FlowsParamRename *self)
{
  GListModel *flows = flows_app_get_flows (self->app);

  for (guint i = 0; i < g_list_model_get_n_items (flows); i++)
    {
      g_autoptr(FlowsFlow) flow = g_list_model_get_item (flows, i);
      GListModel *stages = flows_flow_get_stages (flow);
      guint before = self->n_references;

      for (guint j = 0; j < g_list_model_get_n_items (stages); j++)
        {
          g_autoptr(FlowsStage) stage = g_list_model_get_item (stages, j);
          JsonObject *settings = flows_stage_get_settings (stage);
          StageEdit edit = { NULL, NULL, NULL };
          guint count = 0;

          if (settings == NULL ||
              !(edit.after = rename_in_settings (settings, self->old_key, self->new_key, &count)))
            continue;
          edit.stage = g_object_ref (stage);
          edit.before = json_object_ref (settings);
          g_array_append_val (self->edits, edit);
          self->n_references += count;
        }
      if (self->n_references > before)
        self->n_flows++;
    }
}

/* Moving values ---------------------------------------------------------------------------- */

/* The keyring's part of one move, done in a thread: only strings, no model object. */
typedef struct
{
  char   *app_id;
  GStrv   connection_ids;
  char   *from;
  char   *to;
  /* TRUE to rewrite the references, and in which direction (undo). */
  guint   update_references : 1;
  guint   undo : 1;
} Move;

static void
move_free (Move *move)
{
  g_free (move->app_id);
  g_strfreev (move->connection_ids);
  g_free (move->from);
  g_free (move->to);
  g_free (move);
}

/* New items first, old ones after, so that a value is always somewhere; when one cannot be
 * written, the copies already made go and the old items stay. */
static void
move_secrets_thread (GTask        *task,
                     gpointer      source,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  Move *move = task_data;
  g_autoptr(GPtrArray) copied = g_ptr_array_new ();
  GError *error = NULL;

  for (guint i = 0; move->connection_ids[i] != NULL; i++)
    {
      const char *connection_id = move->connection_ids[i];
      char *value = flows_secrets_lookup_sync (move->app_id, connection_id, move->from, cancellable, &error);

      if (error == NULL && value != NULL)
        {
          if (flows_secrets_store_sync (move->app_id, connection_id, move->to, value, cancellable, &error))
            g_ptr_array_add (copied, (gpointer) connection_id);
        }
      flows_secrets_free (value);
      if (error != NULL)
        {
          for (guint j = 0; j < copied->len; j++)
            flows_secrets_clear_sync (move->app_id, g_ptr_array_index (copied, j), move->to, NULL, NULL);
          g_task_return_error (task, error);
          return;
        }
    }

  /* Every value is under the new key: an old item left behind by a failure here holds a copy
   * nothing reads, which is all it can cost. */
  for (guint i = 0; i < copied->len; i++)
    {
      g_autoptr(GError) clear_error = NULL;

      if (!flows_secrets_clear_sync (move->app_id, g_ptr_array_index (copied, i), move->from, cancellable, &clear_error))
        g_warning ("A copy of a value was left in the keyring under the old key: %s", clear_error->message);
    }
  g_task_return_boolean (task, TRUE);
}

static GPtrArray *
app_connections (FlowsParamRename *self)
{
  GListModel *connections = flows_library_get_connections (self->library);
  GPtrArray *mine = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (connections); i++)
    {
      g_autoptr(FlowsConnection) connection = g_list_model_get_item (connections, i);

      if (g_strcmp0 (flows_connection_get_app_id (connection), flows_app_get_id (self->app)) == 0)
        g_ptr_array_add (mine, g_steal_pointer (&connection));
    }
  return mine;
}

/* The model's part, once the keyring's is done: values in files, the key, the references;
 * then the files are saved. */
static gboolean
commit (FlowsParamRename *self,
        Move             *move,
        GError          **error)
{
  g_autoptr(GPtrArray) connections = app_connections (self);
  g_autoptr(GString) failures = g_string_new (NULL);
  g_autoptr(GError) app_error = NULL;

  for (guint i = 0; i < connections->len; i++)
    {
      FlowsConnection *connection = g_ptr_array_index (connections, i);
      g_autofree char *value = g_strdup (flows_connection_get_value (connection, move->from));
      g_autoptr(GError) save_error = NULL;

      if (value == NULL)
        continue;
      /* One file, written at once: the value is under one key or the other. */
      flows_connection_set_value (connection, move->to, value);
      flows_connection_set_value (connection, move->from, NULL);
      if (!flows_library_save_connection (self->library, connection, &save_error))
        g_string_append_printf (failures, "%s%s", failures->len > 0 ? "\n" : "", save_error->message);
    }

  flows_param_set_key (self->param, move->to);

  if (move->update_references)
    for (guint i = 0; i < self->edits->len; i++)
      {
        StageEdit *edit = &g_array_index (self->edits, StageEdit, i);

        if (!move->undo)
          flows_stage_set_settings (edit->stage, edit->after);
        else if (flows_stage_get_settings (edit->stage) == edit->after)
          flows_stage_set_settings (edit->stage, edit->before);
        else
          {
            /* Edited since: its references to the new key go back, the rest stays. */
            guint count = 0;
            g_autoptr(JsonObject) back = rename_in_settings (flows_stage_get_settings (edit->stage),
                                                             move->from, move->to, &count);

            if (back != NULL)
              flows_stage_set_settings (edit->stage, back);
          }
      }

  if (!flows_library_save_app (self->library, self->app, &app_error))
    g_string_append_printf (failures, "%s%s", failures->len > 0 ? "\n" : "", app_error->message);

  if (failures->len > 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   /* Translators: the placeholders are parameter keys, then the reasons */
                   _("“%s” is now “%s”, but not every file could be saved: %s"),
                   move->from, move->to, failures->str);
      return FALSE;
    }
  return TRUE;
}

static void
on_secrets_moved (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FlowsParamRename *self = g_task_get_source_object (task);
  Move *move = g_task_get_task_data (task);
  GError *error = NULL;

  self->busy = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* The keyring has moved: the rename has happened, whatever the files say. */
  self->applied = !move->undo;
  if (!move->undo)
    self->references_updated = move->update_references;
  if (!commit (self, move, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
run_async (FlowsParamRename   *self,
           gboolean            undo,
           gboolean            update_references,
           GCancellable       *cancellable,
           GAsyncReadyCallback callback,
           gpointer            user_data,
           gpointer            source_tag)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GTask) secrets_task = NULL;
  g_autoptr(GPtrArray) connections = NULL;
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  Move *move;

  g_task_set_source_tag (task, source_tag);

  if (self->busy || self->applied == !undo)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               undo ? _("The rename has not been applied, or is being undone")
                                    : _("The rename has been applied already, or is being applied"));
      return;
    }

  move = g_new0 (Move, 1);
  move->app_id = g_strdup (flows_app_get_id (self->app));
  move->from = g_strdup (undo ? self->new_key : self->old_key);
  move->to = g_strdup (undo ? self->old_key : self->new_key);
  move->update_references = undo ? self->references_updated : update_references;
  move->undo = !!undo;

  /* Only a sensitive parameter has values in the keyring. */
  connections = app_connections (self);
  if (flows_param_get_sensitive (self->param))
    for (guint i = 0; i < connections->len; i++)
      g_strv_builder_add (ids, flows_connection_get_id (g_ptr_array_index (connections, i)));
  move->connection_ids = g_strv_builder_end (ids);
  g_task_set_task_data (task, move, (GDestroyNotify) move_free);

  self->busy = TRUE;
  secrets_task = g_task_new (self, cancellable, on_secrets_moved, g_steal_pointer (&task));
  g_task_set_task_data (secrets_task, move, NULL);
  g_task_run_in_thread (secrets_task, move_secrets_thread);
}

/* The object ------------------------------------------------------------------------------- */

static void
flows_param_rename_finalize (GObject *object)
{
  FlowsParamRename *self = (FlowsParamRename *)object;

  g_clear_pointer (&self->edits, g_array_unref);
  g_clear_object (&self->library);
  g_clear_object (&self->app);
  g_clear_object (&self->param);
  g_clear_pointer (&self->old_key, g_free);
  g_clear_pointer (&self->new_key, g_free);

  G_OBJECT_CLASS (flows_param_rename_parent_class)->finalize (object);
}

static void
flows_param_rename_class_init (FlowsParamRenameClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = flows_param_rename_finalize;
}

static void
flows_param_rename_init (FlowsParamRename *self)
{
  self->edits = g_array_new (FALSE, FALSE, sizeof (StageEdit));
  g_array_set_clear_func (self->edits, stage_edit_clear);
}

FlowsParamRename *
flows_param_rename_new (FlowsLibrary *library,
                        FlowsApp     *app,
                        FlowsParam   *param,
                        const char   *new_key)
{
  FlowsParamRename *self;

  g_return_val_if_fail (FLOWS_IS_LIBRARY (library), NULL);
  g_return_val_if_fail (FLOWS_IS_APP (app), NULL);
  g_return_val_if_fail (FLOWS_IS_PARAM (param), NULL);
  g_return_val_if_fail (flows_expression_is_identifier (new_key), NULL);

  self = g_object_new (FLOWS_TYPE_PARAM_RENAME, NULL);
  self->library = g_object_ref (library);
  self->app = g_object_ref (app);
  self->param = g_object_ref (param);
  self->old_key = g_strdup (flows_param_get_key (param));
  self->new_key = g_strdup (new_key);
  find_references (self);
  return self;
}

const char *
flows_param_rename_get_old_key (FlowsParamRename *self)
{
  g_return_val_if_fail (FLOWS_IS_PARAM_RENAME (self), NULL);
  return self->old_key;
}

const char *
flows_param_rename_get_new_key (FlowsParamRename *self)
{
  g_return_val_if_fail (FLOWS_IS_PARAM_RENAME (self), NULL);
  return self->new_key;
}

guint
flows_param_rename_get_n_references (FlowsParamRename *self)
{
  g_return_val_if_fail (FLOWS_IS_PARAM_RENAME (self), 0);
  return self->n_references;
}

guint
flows_param_rename_get_n_flows (FlowsParamRename *self)
{
  g_return_val_if_fail (FLOWS_IS_PARAM_RENAME (self), 0);
  return self->n_flows;
}

void
flows_param_rename_apply_async (FlowsParamRename   *self,
                                gboolean            update_references,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  g_return_if_fail (FLOWS_IS_PARAM_RENAME (self));

  run_async (self, FALSE, update_references, cancellable, callback, user_data, flows_param_rename_apply_async);
}

gboolean
flows_param_rename_apply_finish (FlowsParamRename  *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
flows_param_rename_undo_async (FlowsParamRename   *self,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  g_return_if_fail (FLOWS_IS_PARAM_RENAME (self));

  run_async (self, TRUE, FALSE, cancellable, callback, user_data, flows_param_rename_undo_async);
}

gboolean
flows_param_rename_undo_finish (FlowsParamRename  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
