/* flows-history.c — every edit of a flow, undoable
 *
 * A step is a list of changes, one per stage it touched: the stage as the file format writes it
 * (and its index in the flow) before the step and after it, either absent when the step added or
 * removed the stage. Undo puts every touched stage back to its "before" state, redo to its
 * "after" one. Snapshots rather than inverse operations: whatever an edit did, even several
 * edits in a group touching one stage many times, undo restores exactly what was saved.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "flows-document.h"
#include "flows-enums.h"
#include "flows-history.h"
#include "flows-stage-catalog.h"
#include "flows-types.h"

typedef struct {
  char       *stage_id;
  JsonObject *before;       /* NULL: the stage did not exist before the step */
  JsonObject *after;        /* NULL: the step removed it */
  guint       before_index;
  guint       after_index;
} Change;

typedef struct {
  char       *label;
  GPtrArray  *changes;      /* of Change */
  char       *merge_tag;    /* set_settings steps that later ones with this tag may fold into */
} Step;

struct _FlowsHistory
{
  GObject     parent_instance;

  FlowsFlow  *flow;
  GPtrArray  *undo_steps;   /* of Step, oldest first */
  GPtrArray  *redo_steps;   /* of Step, the next to redo last */

  /* The step being recorded: open while depth > 0. */
  guint       depth;
  Step       *open;
  GHashTable *open_changes; /* stage id -> Change of the open step */
  GHashTable *start_index;  /* stage id -> index + 1 in the flow when the step began; lazily */

  /* Stages that undo, redo or an edit took out of the flow, by id: putting one back reuses the
   * same object, so that whatever holds it (a selection, a card) still means that stage. */
  GHashTable *removed;

  /* The last step may take the next set_settings of this tag on this stage. */
  gboolean    can_merge;
};

G_DEFINE_FINAL_TYPE (FlowsHistory, flows_history, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FLOW,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  PROP_UNDO_LABEL,
  PROP_REDO_LABEL,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
change_free (Change *change)
{
  g_free (change->stage_id);
  g_clear_pointer (&change->before, json_object_unref);
  g_clear_pointer (&change->after, json_object_unref);
  g_free (change);
}

static void
step_free (Step *step)
{
  g_free (step->label);
  g_ptr_array_unref (step->changes);
  g_free (step->merge_tag);
  g_free (step);
}

static Step *
step_new (const char *label)
{
  Step *step = g_new0 (Step, 1);

  step->label = g_strdup (label);
  step->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) change_free);
  return step;
}

/* Label and can-undo/can-redo, notified only when they change. */
typedef struct {
  gboolean    can_undo;
  gboolean    can_redo;
  const Step *undo;
  const Step *redo;
} State;

static State
get_state (FlowsHistory *self)
{
  State state = { self->undo_steps->len > 0, self->redo_steps->len > 0, NULL, NULL };

  if (state.can_undo)
    state.undo = g_ptr_array_index (self->undo_steps, self->undo_steps->len - 1);
  if (state.can_redo)
    state.redo = g_ptr_array_index (self->redo_steps, self->redo_steps->len - 1);
  return state;
}

static void
notify_state (FlowsHistory *self,
              const State  *old)
{
  State now = get_state (self);

  g_object_freeze_notify (G_OBJECT (self));
  if (now.can_undo != old->can_undo)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  if (now.can_redo != old->can_redo)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
  if (now.undo != old->undo)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNDO_LABEL]);
  if (now.redo != old->redo)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REDO_LABEL]);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
flows_history_dispose (GObject *object)
{
  FlowsHistory *self = (FlowsHistory *)object;

  g_clear_object (&self->flow);
  g_clear_pointer (&self->removed, g_hash_table_unref);

  G_OBJECT_CLASS (flows_history_parent_class)->dispose (object);
}

static void
flows_history_finalize (GObject *object)
{
  FlowsHistory *self = (FlowsHistory *)object;

  g_clear_pointer (&self->undo_steps, g_ptr_array_unref);
  g_clear_pointer (&self->redo_steps, g_ptr_array_unref);
  g_clear_pointer (&self->open, step_free);
  g_clear_pointer (&self->open_changes, g_hash_table_unref);
  g_clear_pointer (&self->start_index, g_hash_table_unref);

  G_OBJECT_CLASS (flows_history_parent_class)->finalize (object);
}

static void
flows_history_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  FlowsHistory *self = FLOWS_HISTORY (object);

  switch (prop_id)
    {
    case PROP_FLOW:
      g_value_set_object (value, self->flow);
      break;
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, flows_history_get_can_undo (self));
      break;
    case PROP_CAN_REDO:
      g_value_set_boolean (value, flows_history_get_can_redo (self));
      break;
    case PROP_UNDO_LABEL:
      g_value_set_string (value, flows_history_get_undo_label (self));
      break;
    case PROP_REDO_LABEL:
      g_value_set_string (value, flows_history_get_redo_label (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_history_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  FlowsHistory *self = FLOWS_HISTORY (object);

  switch (prop_id)
    {
    case PROP_FLOW:
      self->flow = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_history_class_init (FlowsHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags read_only = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = flows_history_dispose;
  object_class->finalize = flows_history_finalize;
  object_class->get_property = flows_history_get_property;
  object_class->set_property = flows_history_set_property;

  properties[PROP_FLOW] =
    g_param_spec_object ("flow", NULL, NULL, FLOWS_TYPE_FLOW,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_UNDO] = g_param_spec_boolean ("can-undo", NULL, NULL, FALSE, read_only);
  properties[PROP_CAN_REDO] = g_param_spec_boolean ("can-redo", NULL, NULL, FALSE, read_only);
  properties[PROP_UNDO_LABEL] = g_param_spec_string ("undo-label", NULL, NULL, NULL, read_only);
  properties[PROP_REDO_LABEL] = g_param_spec_string ("redo-label", NULL, NULL, NULL, read_only);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Once per edit (or group), undo and redo, when the flow is consistent again. */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
flows_history_init (FlowsHistory *self)
{
  self->undo_steps = g_ptr_array_new_with_free_func ((GDestroyNotify) step_free);
  self->redo_steps = g_ptr_array_new_with_free_func ((GDestroyNotify) step_free);
  self->removed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

FlowsHistory *
flows_history_new (FlowsFlow *flow)
{
  g_return_val_if_fail (FLOWS_IS_FLOW (flow), NULL);

  return g_object_new (FLOWS_TYPE_HISTORY, "flow", flow, NULL);
}

FlowsFlow *
flows_history_get_flow (FlowsHistory *self)
{
  g_return_val_if_fail (FLOWS_IS_HISTORY (self), NULL);
  return self->flow;
}

gboolean
flows_history_get_can_undo (FlowsHistory *self)
{
  g_return_val_if_fail (FLOWS_IS_HISTORY (self), FALSE);
  return self->undo_steps->len > 0;
}

gboolean
flows_history_get_can_redo (FlowsHistory *self)
{
  g_return_val_if_fail (FLOWS_IS_HISTORY (self), FALSE);
  return self->redo_steps->len > 0;
}

const char *
flows_history_get_undo_label (FlowsHistory *self)
{
  g_return_val_if_fail (FLOWS_IS_HISTORY (self), NULL);
  return get_state (self).undo != NULL ? get_state (self).undo->label : NULL;
}

const char *
flows_history_get_redo_label (FlowsHistory *self)
{
  g_return_val_if_fail (FLOWS_IS_HISTORY (self), NULL);
  return get_state (self).redo != NULL ? get_state (self).redo->label : NULL;
}

/* Applying snapshots --------------------------------------------------------------------- */

static GListStore *
flow_store (FlowsHistory *self)
{
  /* The flow's list is a GListStore; inserting at an index is what putting a stage back needs
   * and FlowsFlow only appends. Changes made on the store directly count as model changes (see
   * flows-model-private.h). */
  return G_LIST_STORE (flows_flow_get_stages (self->flow));
}

static gboolean
routes_equal (FlowsStage *stage,
              JsonObject *routes)
{
  g_auto(GStrv) outputs = flows_stage_list_routes (stage);
  g_autoptr(GList) members = routes != NULL ? json_object_get_members (routes) : NULL;
  guint i = 0;

  for (const GList *l = members; l != NULL; l = l->next, i++)
    {
      if (outputs[i] == NULL || g_strcmp0 (outputs[i], l->data) != 0 ||
          g_strcmp0 (flows_stage_get_route (stage, outputs[i]),
                     json_object_get_string_member (routes, l->data)) != 0)
        return FALSE;
    }
  return outputs[i] == NULL;
}

/* Makes @stage what @object (a snapshot of it) says: only what differs is set, so that only
 * the properties that changed notify. */
static void
apply_object (FlowsStage *stage,
              JsonObject *object)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlowsStage) saved = flows_document_stage_from_object (object, &error);
  JsonObject *routes;

  /* The snapshot was written by flows_document_stage_to_object() from a stage. */
  g_return_if_fail (saved != NULL);

  g_object_freeze_notify (G_OBJECT (stage));
  flows_stage_set_key (stage, flows_stage_get_key (saved));
  flows_stage_set_name (stage, flows_stage_get_name (saved));
  flows_stage_set_position (stage, flows_stage_get_x (saved), flows_stage_get_y (saved));
  if (!json_object_equal (flows_stage_get_settings (stage), flows_stage_get_settings (saved)))
    flows_stage_set_settings (stage, flows_stage_get_settings (saved));

  /* Routes keep the order they were added in, which the file keeps: put back every route in
   * the saved order when anything about them differs. */
  routes = json_object_get_object_member (object, "routes");
  if (!routes_equal (stage, routes))
    {
      g_auto(GStrv) outputs = flows_stage_list_routes (stage);
      g_autoptr(GList) members = routes != NULL ? json_object_get_members (routes) : NULL;

      for (guint i = 0; outputs[i] != NULL; i++)
        flows_stage_set_route (stage, outputs[i], NULL);
      for (const GList *l = members; l != NULL; l = l->next)
        flows_stage_set_route (stage, l->data, json_object_get_string_member (routes, l->data));
    }
  g_object_thaw_notify (G_OBJECT (stage));
}

typedef struct {
  JsonObject *object;
  guint       index;
} Insertion;

static int
compare_insertions (gconstpointer a,
                    gconstpointer b)
{
  const Insertion *x = a;
  const Insertion *y = b;

  return x->index < y->index ? -1 : x->index > y->index;
}

/* Puts every stage @step touched in its state before (@undo) or after the step. Stages are
 * never reordered by an edit, only added or removed, so once the removed ones are out, putting
 * the missing ones in at their saved indices, lowest first, gives the saved order. */
static void
apply_step (FlowsHistory *self,
            Step         *step,
            gboolean      undo)
{
  GListStore *store = flow_store (self);
  g_autoptr(GArray) insertions = g_array_new (FALSE, FALSE, sizeof (Insertion));

  for (guint i = 0; i < step->changes->len; i++)
    {
      Change *change = g_ptr_array_index (step->changes, i);
      JsonObject *target = undo ? change->before : change->after;
      FlowsStage *stage = flows_flow_find_stage (self->flow, change->stage_id);

      if (target == NULL)
        {
          guint position;

          if (stage != NULL && g_list_store_find (store, stage, &position))
            {
              g_hash_table_replace (self->removed, g_strdup (change->stage_id), g_object_ref (stage));
              g_list_store_remove (store, position);
            }
        }
      else if (stage != NULL)
        {
          apply_object (stage, target);
        }
      else
        {
          Insertion insertion = { target, undo ? change->before_index : change->after_index };
          g_array_append_val (insertions, insertion);
        }
    }

  g_array_sort (insertions, compare_insertions);
  for (guint i = 0; i < insertions->len; i++)
    {
      Insertion *insertion = &g_array_index (insertions, Insertion, i);
      const char *id = json_object_get_string_member (insertion->object, "id");
      g_autoptr(FlowsStage) stage = NULL;
      gpointer removed_id;
      guint n = g_list_model_get_n_items (G_LIST_MODEL (store));

      if (g_hash_table_steal_extended (self->removed, id, &removed_id, (gpointer *) &stage))
        {
          g_free (removed_id);
          apply_object (stage, insertion->object);
        }
      else
        {
          g_autoptr(GError) error = NULL;

          stage = flows_document_stage_from_object (insertion->object, &error);
          g_return_if_fail (stage != NULL);
        }
      g_list_store_insert (store, MIN (insertion->index, n), stage);
    }
}

/* Recording ------------------------------------------------------------------------------ */

static void
begin (FlowsHistory *self,
       const char   *label)
{
  if (self->depth++ > 0)
    return;

  self->open = step_new (label);
  self->open_changes = g_hash_table_new (g_str_hash, g_str_equal);
}

/* Where each stage sat when the step began. Built when the step first records a stage, which
 * every edit does before it changes anything, so the flow is still as it was. */
static guint
start_index (FlowsHistory *self,
             const char   *id)
{
  if (self->start_index == NULL)
    {
      GListModel *stages = flows_flow_get_stages (self->flow);
      guint n = g_list_model_get_n_items (stages);

      self->start_index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(FlowsStage) stage = g_list_model_get_item (stages, i);
          g_hash_table_insert (self->start_index, g_strdup (flows_stage_get_id (stage)),
                               GUINT_TO_POINTER (i + 1));
        }
    }

  return GPOINTER_TO_UINT (g_hash_table_lookup (self->start_index, id));
}

/* Keeps the state of @stage before the open step touched it, the first time it does. A stage
 * not in the flow (about to be added) has no state before. */
static void
record (FlowsHistory *self,
        FlowsStage   *stage)
{
  const char *id = flows_stage_get_id (stage);
  Change *change;
  guint index;

  if (g_hash_table_contains (self->open_changes, id))
    return;

  change = g_new0 (Change, 1);
  change->stage_id = g_strdup (id);
  index = start_index (self, id);
  if (index > 0)
    {
      change->before = flows_document_stage_to_object (stage);
      change->before_index = index - 1;
    }
  g_ptr_array_add (self->open->changes, change);
  g_hash_table_insert (self->open_changes, change->stage_id, change);
}

static gboolean
same_state (JsonObject *a,
            guint       a_index,
            JsonObject *b,
            guint       b_index)
{
  if (a == NULL || b == NULL)
    return a == b;
  return a_index == b_index && json_object_equal (a, b);
}

/* Takes the state after the step of every stage it touched, drops what ends as it began. */
static void
finish_changes (FlowsHistory *self,
                Step         *step)
{
  GListModel *stages = flows_flow_get_stages (self->flow);
  guint n = g_list_model_get_n_items (stages);
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < step->changes->len; i++)
    {
      Change *change = g_ptr_array_index (step->changes, i);
      g_hash_table_insert (wanted, change->stage_id, change);
    }

  for (guint i = 0; i < n && g_hash_table_size (wanted) > 0; i++)
    {
      g_autoptr(FlowsStage) stage = g_list_model_get_item (stages, i);
      Change *change;

      if (!g_hash_table_steal_extended (wanted, flows_stage_get_id (stage), NULL, (gpointer *) &change))
        continue;
      g_clear_pointer (&change->after, json_object_unref);
      change->after = flows_document_stage_to_object (stage);
      change->after_index = i;
    }

  /* What remains in @wanted is no longer in the flow. */
  for (guint i = step->changes->len; i > 0; i--)
    {
      Change *change = g_ptr_array_index (step->changes, i - 1);

      if (g_hash_table_contains (wanted, change->stage_id))
        g_clear_pointer (&change->after, json_object_unref);
      if (same_state (change->before, change->before_index, change->after, change->after_index))
        g_ptr_array_remove_index (step->changes, i - 1);
    }
}

/* Closes one level; the outermost closes the step: it becomes the last undo step unless it
 * changed nothing. @merge_tag and @merge_stage name a set_settings that may fold into the
 * previous step. */
static void
end (FlowsHistory *self,
     const char   *merge_tag,
     FlowsStage   *merge_stage)
{
  Step *step;
  Step *last;
  State old;

  g_return_if_fail (self->depth > 0);

  if (--self->depth > 0)
    return;

  step = g_steal_pointer (&self->open);
  g_clear_pointer (&self->open_changes, g_hash_table_unref);
  g_clear_pointer (&self->start_index, g_hash_table_unref);
  old = get_state (self);

  finish_changes (self, step);
  if (step->changes->len == 0)
    {
      step_free (step);
      return;
    }

  /* Typing into one stage's field makes one step, not one per keystroke: a step with the same
   * merge tag on the same stage as the last one extends it, and one that ends where that step
   * began undoes it, so both go. */
  last = old.undo != NULL ? (Step *) old.undo : NULL;
  if (merge_tag != NULL && self->can_merge && last != NULL &&
      g_strcmp0 (last->merge_tag, merge_tag) == 0 &&
      last->changes->len == 1 && step->changes->len == 1 &&
      g_strcmp0 (((Change *) g_ptr_array_index (last->changes, 0))->stage_id,
                 flows_stage_get_id (merge_stage)) == 0)
    {
      Change *previous = g_ptr_array_index (last->changes, 0);
      Change *change = g_ptr_array_index (step->changes, 0);

      g_clear_pointer (&previous->after, json_object_unref);
      previous->after = g_steal_pointer (&change->after);
      previous->after_index = change->after_index;
      step_free (step);
      if (same_state (previous->before, previous->before_index, previous->after, previous->after_index))
        g_ptr_array_set_size (self->undo_steps, self->undo_steps->len - 1);
    }
  else
    {
      step->merge_tag = g_strdup (merge_tag);
      g_ptr_array_add (self->undo_steps, step);
    }

  /* A new edit makes the undone steps unreachable. */
  g_ptr_array_set_size (self->redo_steps, 0);
  self->can_merge = merge_tag != NULL;

  notify_state (self, &old);
  g_signal_emit (self, signals[CHANGED], 0);
}

void
flows_history_begin_group (FlowsHistory *self,
                           const char   *label)
{
  g_return_if_fail (FLOWS_IS_HISTORY (self));
  begin (self, label);
}

void
flows_history_end_group (FlowsHistory *self)
{
  g_return_if_fail (FLOWS_IS_HISTORY (self));
  g_return_if_fail (self->depth > 0);
  end (self, NULL, NULL);
}

gboolean
flows_history_undo (FlowsHistory *self)
{
  State old;
  Step *step;

  g_return_val_if_fail (FLOWS_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (self->depth == 0, FALSE);

  if (self->undo_steps->len == 0)
    return FALSE;

  old = get_state (self);
  step = g_ptr_array_steal_index (self->undo_steps, self->undo_steps->len - 1);
  apply_step (self, step, TRUE);
  g_ptr_array_add (self->redo_steps, step);
  self->can_merge = FALSE;

  notify_state (self, &old);
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

gboolean
flows_history_redo (FlowsHistory *self)
{
  State old;
  Step *step;

  g_return_val_if_fail (FLOWS_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (self->depth == 0, FALSE);

  if (self->redo_steps->len == 0)
    return FALSE;

  old = get_state (self);
  step = g_ptr_array_steal_index (self->redo_steps, self->redo_steps->len - 1);
  apply_step (self, step, FALSE);
  g_ptr_array_add (self->undo_steps, step);
  self->can_merge = FALSE;

  notify_state (self, &old);
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

void
flows_history_clear (FlowsHistory *self)
{
  State old;

  g_return_if_fail (FLOWS_IS_HISTORY (self));

  old = get_state (self);
  g_ptr_array_set_size (self->undo_steps, 0);
  g_ptr_array_set_size (self->redo_steps, 0);
  g_hash_table_remove_all (self->removed);
  self->can_merge = FALSE;
  notify_state (self, &old);
}

/* Edits ---------------------------------------------------------------------------------- */

/* "call-api" gives "callApi": a key is an identifier. */
static char *
key_base (FlowsStageType stage_type)
{
  const char *nick = flows_enum_to_nick (FLOWS_TYPE_STAGE_TYPE, stage_type);
  GString *key = g_string_new (NULL);
  gboolean upper = FALSE;

  for (const char *p = nick; *p != '\0'; p++)
    {
      if (*p == '-')
        upper = TRUE;
      else
        {
          g_string_append_c (key, upper ? g_ascii_toupper (*p) : *p);
          upper = FALSE;
        }
    }
  return g_string_free (key, FALSE);
}

FlowsStage *
flows_history_add_stage (FlowsHistory   *self,
                         FlowsStageType  stage_type,
                         double          x,
                         double          y)
{
  const FlowsStageInfo *info;
  g_autoptr(FlowsStage) stage = NULL;
  g_autoptr(JsonObject) settings = NULL;
  g_autofree char *id = NULL;
  g_autofree char *base = NULL;
  g_autofree char *key = NULL;
  g_autofree char *label = NULL;

  g_return_val_if_fail (FLOWS_IS_HISTORY (self), NULL);

  info = flows_stage_catalog_lookup (stage_type);
  g_return_val_if_fail (info != NULL, NULL);

  base = key_base (stage_type);
  key = g_strdup (base);
  for (guint n = 2; flows_flow_find_stage_by_key (self->flow, key) != NULL; n++)
    {
      g_free (key);
      key = g_strdup_printf ("%s%u", base, n);
    }

  id = g_uuid_string_random ();
  stage = flows_stage_new (id, key, stage_type, info->name);
  settings = flows_stage_catalog_default_settings (stage_type);
  flows_stage_set_settings (stage, settings);
  flows_stage_set_position (stage, x, y);

  /* Translators: the undo label of adding a stage; %s is its type, such as "Call API". */
  label = g_strdup_printf (_("Add %s"), info->name);
  begin (self, label);
  record (self, stage);
  flows_flow_add_stage (self->flow, stage);
  end (self, NULL, NULL);

  return stage;
}

void
flows_history_insert_stages (FlowsHistory *self,
                             GPtrArray    *stages)
{
  g_autofree char *label = NULL;

  g_return_if_fail (FLOWS_IS_HISTORY (self));
  g_return_if_fail (stages != NULL);

  if (stages->len == 1)
    label = g_strdup_printf (_("Add %s"),
                             flows_stage_catalog_lookup (flows_stage_get_stage_type (g_ptr_array_index (stages, 0)))->name);
  else
    label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Add %u Stage", "Add %u Stages", stages->len),
                             stages->len);

  begin (self, label);
  for (guint i = 0; i < stages->len; i++)
    record (self, g_ptr_array_index (stages, i));
  for (guint i = 0; i < stages->len; i++)
    flows_flow_add_stage (self->flow, g_ptr_array_index (stages, i));
  end (self, NULL, NULL);
}

void
flows_history_remove_stages (FlowsHistory *self,
                             GPtrArray    *stages)
{
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) incoming = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *label = NULL;
  GListModel *model;
  guint n;

  g_return_if_fail (FLOWS_IS_HISTORY (self));
  g_return_if_fail (stages != NULL);

  if (stages->len == 0)
    return;

  for (guint i = 0; i < stages->len; i++)
    g_hash_table_add (ids, (gpointer) flows_stage_get_id (g_ptr_array_index (stages, i)));

  /* The stages that keep a route to a removed one. */
  model = flows_flow_get_stages (self->flow);
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      FlowsStage *stage = g_list_model_get_item (model, i);
      g_auto(GStrv) outputs = flows_stage_list_routes (stage);
      gboolean leads_there = FALSE;

      if (!g_hash_table_contains (ids, flows_stage_get_id (stage)))
        for (guint o = 0; outputs[o] != NULL && !leads_there; o++)
          leads_there = g_hash_table_contains (ids, flows_stage_get_route (stage, outputs[o]));

      if (leads_there)
        g_ptr_array_add (incoming, stage);
      else
        g_object_unref (stage);
    }

  if (stages->len == 1)
    label = g_strdup (_("Delete Stage"));
  else
    label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Delete %u Stage", "Delete %u Stages", stages->len),
                             stages->len);

  begin (self, label);
  for (guint i = 0; i < stages->len; i++)
    record (self, g_ptr_array_index (stages, i));
  for (guint i = 0; i < incoming->len; i++)
    record (self, g_ptr_array_index (incoming, i));

  for (guint i = 0; i < incoming->len; i++)
    {
      FlowsStage *stage = g_ptr_array_index (incoming, i);
      g_auto(GStrv) outputs = flows_stage_list_routes (stage);

      for (guint o = 0; outputs[o] != NULL; o++)
        if (g_hash_table_contains (ids, flows_stage_get_route (stage, outputs[o])))
          flows_stage_set_route (stage, outputs[o], NULL);
    }
  for (guint i = 0; i < stages->len; i++)
    {
      FlowsStage *stage = g_ptr_array_index (stages, i);

      g_hash_table_replace (self->removed, g_strdup (flows_stage_get_id (stage)), g_object_ref (stage));
      flows_flow_remove_stage (self->flow, stage);
    }
  end (self, NULL, NULL);
}

void
flows_history_move_stages (FlowsHistory *self,
                           GPtrArray    *stages,
                           double        dx,
                           double        dy)
{
  g_autofree char *label = NULL;

  g_return_if_fail (FLOWS_IS_HISTORY (self));
  g_return_if_fail (stages != NULL);

  if (stages->len == 1)
    label = g_strdup (_("Move Stage"));
  else
    label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Move %u Stage", "Move %u Stages", stages->len),
                             stages->len);

  begin (self, label);
  for (guint i = 0; i < stages->len; i++)
    record (self, g_ptr_array_index (stages, i));
  for (guint i = 0; i < stages->len; i++)
    {
      FlowsStage *stage = g_ptr_array_index (stages, i);
      flows_stage_set_position (stage, flows_stage_get_x (stage) + dx, flows_stage_get_y (stage) + dy);
    }
  end (self, NULL, NULL);
}

void
flows_history_set_position (FlowsHistory *self,
                            FlowsStage   *stage,
                            double        x,
                            double        y)
{
  g_return_if_fail (FLOWS_IS_HISTORY (self));
  g_return_if_fail (FLOWS_IS_STAGE (stage));

  begin (self, _("Move Stage"));
  record (self, stage);
  flows_stage_set_position (stage, x, y);
  end (self, NULL, NULL);
}

void
flows_history_set_route (FlowsHistory *self,
                         FlowsStage   *stage,
                         const char   *output,
                         const char   *target_id)
{
  g_return_if_fail (FLOWS_IS_HISTORY (self));
  g_return_if_fail (FLOWS_IS_STAGE (stage));
  g_return_if_fail (output != NULL);

  begin (self, target_id != NULL ? _("Connect Stages") : _("Remove Route"));
  record (self, stage);
  flows_stage_set_route (stage, output, target_id);
  end (self, NULL, NULL);
}

void
flows_history_set_name (FlowsHistory *self,
                        FlowsStage   *stage,
                        const char   *name)
{
  g_return_if_fail (FLOWS_IS_HISTORY (self));
  g_return_if_fail (FLOWS_IS_STAGE (stage));

  begin (self, _("Rename Stage"));
  record (self, stage);
  flows_stage_set_name (stage, name);
  end (self, NULL, NULL);
}

void
flows_history_set_key (FlowsHistory *self,
                       FlowsStage   *stage,
                       const char   *key)
{
  g_return_if_fail (FLOWS_IS_HISTORY (self));
  g_return_if_fail (FLOWS_IS_STAGE (stage));

  begin (self, _("Change Key"));
  record (self, stage);
  flows_stage_set_key (stage, key);
  end (self, NULL, NULL);
}

void
flows_history_set_settings (FlowsHistory *self,
                            FlowsStage   *stage,
                            JsonObject   *settings,
                            const char   *merge_tag)
{
  g_return_if_fail (FLOWS_IS_HISTORY (self));
  g_return_if_fail (FLOWS_IS_STAGE (stage));

  begin (self, _("Change Settings"));
  record (self, stage);
  flows_stage_set_settings (stage, settings);
  /* Inside a group the step is the group's; only a step of its own may take later ones. */
  end (self, self->depth == 1 ? merge_tag : NULL, stage);
}
