/* flows-flows-page.c — the Flows view of an App: its private and public flows */

#include "config.h"

#include <glib/gi18n.h>

#include "flows-app-templates.h"
#include "flows-flow-editor.h"
#include "flows-role-badge.h"
#include "flows-flows-page.h"
#include "flows-toast.h"
#include "flows-stage-catalog.h"
#include "flows-validate.h"
#include "flows-window.h"

/* A deleted flow, kept until its toast goes away so that Undo can put it back where it was. */
typedef struct
{
  FlowsApp  *app;
  FlowsFlow *flow;
  guint      position;
  AdwToast  *toast; /* NULL outside a toast overlay */
} Deletion;

struct _FlowsFlowsPage
{
  AdwBin              parent_instance;

  FlowsLibrary       *library;
  FlowsApp           *app;
  /* On the App's list of flows. */
  GSignalGroup       *flows_signals;
  GtkFilterListModel *private_flows;
  GtkFilterListModel *public_flows;
  /* Flows whose visibility we listen to, to move them between the lists. */
  GPtrArray          *watched_flows;
  /* Deletion, most recent last. */
  GPtrArray          *deletions;

  GtkStack           *stack;
  GtkListBox         *private_list;
  GtkListBox         *public_list;
  /* Made when a flow is first opened: most sessions start elsewhere, and the editor is the
   * heaviest view to build. */
  FlowsFlowEditor    *flow_editor;
  AdwBin             *flow_editor_slot;
};

G_DEFINE_FINAL_TYPE (FlowsFlowsPage, flows_flows_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_LIBRARY,
  PROP_APP,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
deletion_free (Deletion *deletion)
{
  g_clear_object (&deletion->app);
  g_clear_object (&deletion->flow);
  g_clear_object (&deletion->toast);
  g_free (deletion);
}

/* Model helpers ------------------------------------------------------------------------------ */

static gboolean
find_position (GListModel *model,
               gpointer    item,
               guint      *position)
{
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) other = g_list_model_get_item (model, i);

      if (other == item)
        {
          *position = i;
          return TRUE;
        }
    }
  return FALSE;
}

/* FlowsApp only appends; order matters to the user (role flows first, a copy next to its
 * original, an undone deletion back in its place), so the flows after @position are taken out
 * and put back after @flow. */
static void
insert_flow (FlowsApp  *app,
             FlowsFlow *flow,
             guint      position)
{
  GListModel *flows = flows_app_get_flows (app);
  g_autoptr(GPtrArray) tail = g_ptr_array_new_with_free_func (g_object_unref);

  while (g_list_model_get_n_items (flows) > position)
    {
      FlowsFlow *after = g_list_model_get_item (flows, position);

      g_ptr_array_add (tail, after);
      flows_app_remove_flow (app, after);
    }
  flows_app_add_flow (app, flow);
  for (guint i = 0; i < tail->len; i++)
    flows_app_add_flow (app, g_ptr_array_index (tail, i));
}

static JsonObject *
copy_json_object (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  g_autofree char *text = json_to_string (node, FALSE);
  g_autoptr(JsonNode) copy = json_from_string (text, NULL);

  return json_object_ref (json_node_get_object (copy));
}

/* A deep copy with new flow and stage ids; routes follow the new ids. The copy has no role: a
 * role belongs to one flow of the App. */
static FlowsFlow *
duplicate_flow (FlowsFlow *source)
{
  g_autofree char *id = flows_new_id ();
  /* Translators: the name of a copy of the flow named %s. */
  g_autofree char *name = g_strdup_printf (_("%s (copy)"), flows_flow_get_name (source));
  g_autoptr(FlowsFlow) copy = flows_flow_new (id, name);
  g_autoptr(GHashTable) new_ids = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  GListModel *stages = flows_flow_get_stages (source);
  guint n = g_list_model_get_n_items (stages);

  flows_flow_set_description (copy, flows_flow_get_description (source));
  flows_flow_set_visibility (copy, flows_flow_get_visibility (source));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FlowsStage) stage = g_list_model_get_item (stages, i);

      g_hash_table_insert (new_ids, (gpointer)flows_stage_get_id (stage), flows_new_id ());
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FlowsStage) stage = g_list_model_get_item (stages, i);
      g_autoptr(FlowsStage) stage_copy = NULL;
      g_autoptr(JsonObject) settings = copy_json_object (flows_stage_get_settings (stage));
      g_auto(GStrv) outputs = flows_stage_list_routes (stage);

      stage_copy = flows_stage_new (g_hash_table_lookup (new_ids, flows_stage_get_id (stage)),
                                    flows_stage_get_key (stage),
                                    flows_stage_get_stage_type (stage),
                                    flows_stage_get_name (stage));
      flows_stage_set_position (stage_copy, flows_stage_get_x (stage), flows_stage_get_y (stage));
      flows_stage_set_settings (stage_copy, settings);
      for (guint j = 0; outputs[j] != NULL; j++)
        {
          const char *target = flows_stage_get_route (stage, outputs[j]);
          const char *new_target = g_hash_table_lookup (new_ids, target);

          /* A route to a stage that does not exist stays broken, as in the original, so that
           * validation reports it on the copy too. */
          flows_stage_set_route (stage_copy, outputs[j], new_target != NULL ? new_target : target);
        }
      flows_flow_add_stage (copy, stage_copy);
    }

  return g_steal_pointer (&copy);
}

/* Autosave: the library gathers quick edits into one write and reports a failure itself
 * ("save-failed", shown by the window). Without a library the page only shows an App. */
static void
save_app (FlowsFlowsPage *self,
          FlowsApp       *app)
{
  if (self->library != NULL)
    flows_library_queue_save_app (self->library, app);
}

/* Rows --------------------------------------------------------------------------------------- */

static void
update_stage_count (GListModel *stages,
                    guint       position,
                    guint       removed,
                    guint       added,
                    GtkLabel   *label)
{
  guint n = g_list_model_get_n_items (stages);
  g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u stage", "%u stages", n), n);

  gtk_label_set_text (label, text);
}

static void
append_flow_item (GMenu      *section,
                  const char *label,
                  const char *action,
                  const char *flow_id)
{
  g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

  g_menu_item_set_action_and_target_value (item, action, g_variant_new_string (flow_id));
  g_menu_append_item (section, item);
}

static GMenuModel *
create_flow_menu (FlowsFlow *flow)
{
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenu) open = g_menu_new ();
  g_autoptr(GMenu) edit = g_menu_new ();
  g_autoptr(GMenu) remove = g_menu_new ();
  const char *id = flows_flow_get_id (flow);
  gboolean has_role = flows_flow_get_role (flow) != FLOWS_FLOW_ROLE_NONE;

  append_flow_item (open, _("_Open"), "flows.open", id);
  append_flow_item (edit, _("_Rename…"), "flows.rename", id);
  append_flow_item (edit, _("D_uplicate"), "flows.duplicate", id);
  /* The runtime finds role flows among the private ones: they stay private. */
  if (!has_role)
    append_flow_item (edit, flows_flow_get_visibility (flow) == FLOWS_FLOW_VISIBILITY_PRIVATE
                            ? _("Make _Public") : _("Make _Private"),
                      "flows.toggle-visibility", id);
  if (has_role)
    append_flow_item (remove, _("Reset to _Template…"), "flows.reset", id);
  else
    append_flow_item (remove, _("_Delete"), "flows.delete", id);

  g_menu_append_section (menu, NULL, G_MENU_MODEL (open));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (edit));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (remove));
  return G_MENU_MODEL (menu);
}

/* The problem badge of a flow's row: how many problems the flow has
 * (flows_validate_flow_full(), as the editor shows them), hidden when it has none; its
 * tooltip lists their messages. */
static void
update_problem_badge (FlowsFlowsPage *self,
                      GtkWidget      *row)
{
  GtkWidget *badge = g_object_get_data (G_OBJECT (row), "flows-problem-badge");
  FlowsFlow *flow = g_object_get_data (G_OBJECT (row), "flows-flow");
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GString) messages = NULL;
  g_autofree char *count = NULL;
  g_autofree char *label = NULL;

  if (badge == NULL || flow == NULL || self->app == NULL ||
      (problems = flows_validate_flow_full (self->app, flow))->len == 0)
    {
      if (badge != NULL)
        gtk_widget_set_visible (badge, FALSE);
      return;
    }

  messages = g_string_new (NULL);
  for (guint i = 0; i < problems->len; i++)
    {
      FlowsProblem *problem = g_ptr_array_index (problems, i);

      if (i > 0)
        g_string_append_c (messages, '\n');
      if (problem->stage_name != NULL && *problem->stage_name != '\0')
        /* Translators: a stage's name, then one of its problems */
        g_string_append_printf (messages, _("%s: %s"), problem->stage_name, problem->message);
      else
        g_string_append (messages, problem->message);
    }

  count = g_strdup_printf ("%u", problems->len);
  label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u problem", "%u problems", problems->len), problems->len);
  gtk_label_set_text (GTK_LABEL (badge), count);
  gtk_widget_set_tooltip_text (badge, messages->str);
  gtk_accessible_update_property (GTK_ACCESSIBLE (badge),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, messages->str,
                                  -1);
  gtk_widget_set_visible (badge, TRUE);
}

/* Flows are edited in the editor and their references depend on the parameters, edited in
 * another view: the badges are taken again whenever the list shows. */
static void
update_problem_badges (FlowsFlowsPage *self)
{
  GtkListBox *lists[] = { self->private_list, self->public_list };

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (lists[i]));
         child != NULL;
         child = gtk_widget_get_next_sibling (child))
      update_problem_badge (self, child);
}

static GtkWidget *
create_flow_row (gpointer item,
                 gpointer user_data)
{
  FlowsFlow *flow = item;
  GListModel *stages = flows_flow_get_stages (flow);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *count = gtk_label_new (NULL);
  GtkWidget *menu_button = gtk_menu_button_new ();
  GtkWidget *arrow = gtk_image_new_from_icon_name ("go-next-symbolic");
  g_autoptr(GMenuModel) menu = create_flow_menu (flow);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  g_object_bind_property (flow, "name", row, "title", G_BINDING_SYNC_CREATE);
  g_object_bind_property (flow, "description", row, "subtitle", G_BINDING_SYNC_CREATE);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (row), g_variant_new_string (flows_flow_get_id (flow)));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "flows.open");
  g_object_set_data_full (G_OBJECT (row), "flows-flow", g_object_ref (flow), g_object_unref);

  if (flows_flow_get_role (flow) != FLOWS_FLOW_ROLE_NONE)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), flows_flow_role_badge_new (flows_flow_get_role (flow)));

  {
    GtkWidget *badge = gtk_label_new (NULL);

    gtk_widget_add_css_class (badge, "flow-problem-badge");
    gtk_widget_add_css_class (badge, "numeric");
    gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
    g_object_set_data (G_OBJECT (row), "flows-problem-badge", badge);
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);
    update_problem_badge (user_data, row);
  }

  gtk_widget_add_css_class (count, "dim-label");
  gtk_widget_add_css_class (count, "numeric");
  update_stage_count (stages, 0, 0, 0, GTK_LABEL (count));
  g_signal_connect_object (stages, "items-changed", G_CALLBACK (update_stage_count), count, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), count);

  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu_button), "view-more-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (menu_button), menu);
  gtk_widget_set_valign (menu_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (menu_button, "flat");
  gtk_widget_set_tooltip_text (menu_button, _("Flow Actions"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (menu_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Flow Actions"), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), menu_button);

  adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);
  return row;
}

static FlowsFlow *
row_get_flow (GtkWidget *row)
{
  return row != NULL ? g_object_get_data (G_OBJECT (row), "flows-flow") : NULL;
}

static GtkWidget *
find_row (FlowsFlowsPage *self,
          FlowsFlow      *flow)
{
  GtkListBox *lists[] = { self->private_list, self->public_list };

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (lists[i]));
         child != NULL;
         child = gtk_widget_get_next_sibling (child))
      if (row_get_flow (child) == flow)
        return child;
  return NULL;
}

static void
focus_flow (FlowsFlowsPage *self,
            FlowsFlow      *flow)
{
  GtkWidget *row = find_row (self, flow);

  if (row != NULL)
    gtk_widget_grab_focus (row);
}

/* The flow of the row that has the keyboard focus, for F2 and Delete. */
static FlowsFlow *
get_focused_flow (FlowsFlowsPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  GtkWidget *row;

  if (focus == NULL ||
      !(gtk_widget_is_ancestor (focus, GTK_WIDGET (self->private_list)) ||
        gtk_widget_is_ancestor (focus, GTK_WIDGET (self->public_list))))
    return NULL;

  row = GTK_IS_LIST_BOX_ROW (focus) ? focus : gtk_widget_get_ancestor (focus, GTK_TYPE_LIST_BOX_ROW);
  return row_get_flow (row);
}

/* Views -------------------------------------------------------------------------------------- */

static FlowsFlow *
get_shown_flow (FlowsFlowsPage *self)
{
  return self->flow_editor != NULL ? flows_flow_editor_get_flow (self->flow_editor) : NULL;
}

static void
show_list (FlowsFlowsPage *self)
{
  FlowsFlow *shown = get_shown_flow (self);

  gtk_stack_set_visible_child_name (self->stack, self->app != NULL ? "list" : "none");
  update_problem_badges (self);
  /* Back where the user left: on the row of the flow they looked at. */
  if (shown != NULL)
    focus_flow (self, shown);
  if (self->flow_editor != NULL)
    flows_flow_editor_set_flow (self->flow_editor, NULL, NULL);
}

static void
show_flow (FlowsFlowsPage *self,
           FlowsFlow      *flow)
{
  if (self->flow_editor == NULL)
    {
      self->flow_editor = FLOWS_FLOW_EDITOR (flows_flow_editor_new ());
      flows_flow_editor_set_library (self->flow_editor, self->library);
      adw_bin_set_child (self->flow_editor_slot, GTK_WIDGET (self->flow_editor));
    }
  flows_flow_editor_set_flow (self->flow_editor, self->app, flow);
  gtk_stack_set_visible_child_name (self->stack, "flow");
  gtk_widget_grab_focus (GTK_WIDGET (flows_flow_editor_get_canvas (self->flow_editor)));
}

static gboolean
filter_private (gpointer item,
                gpointer user_data)
{
  return flows_flow_get_visibility (item) == FLOWS_FLOW_VISIBILITY_PRIVATE;
}

static gboolean
filter_public (gpointer item,
               gpointer user_data)
{
  return flows_flow_get_visibility (item) == FLOWS_FLOW_VISIBILITY_PUBLIC;
}

static void
refilter (FlowsFlowsPage *self)
{
  gtk_filter_changed (gtk_filter_list_model_get_filter (self->private_flows), GTK_FILTER_CHANGE_DIFFERENT);
  gtk_filter_changed (gtk_filter_list_model_get_filter (self->public_flows), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
unwatch_flows (FlowsFlowsPage *self)
{
  for (guint i = 0; i < self->watched_flows->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->watched_flows, i), self);
  g_ptr_array_set_size (self->watched_flows, 0);
}

static void
on_flows_changed (FlowsFlowsPage *self)
{
  GListModel *flows = flows_app_get_flows (self->app);
  FlowsFlow *shown = get_shown_flow (self);
  guint n = g_list_model_get_n_items (flows);
  guint position;

  unwatch_flows (self);
  for (guint i = 0; i < n; i++)
    {
      FlowsFlow *flow = g_list_model_get_item (flows, i);

      g_ptr_array_add (self->watched_flows, flow);
      g_signal_connect_object (flow, "notify::visibility", G_CALLBACK (refilter), self, G_CONNECT_SWAPPED);
    }

  /* The flow on show was deleted (here, or in the file by someone else). */
  if (shown != NULL && !find_position (flows, shown, &position))
    show_list (self);
}

/* Name prompts ------------------------------------------------------------------------------- */

typedef void (*NameCallback) (FlowsFlowsPage *self,
                              FlowsApp       *app,
                              FlowsFlow      *flow,
                              const char     *name);

static void
on_name_changed (GtkEditable      *entry,
                 AdwMessageDialog *dialog)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  adw_message_dialog_set_response_enabled (dialog, "apply", *name != '\0');
}

static void
on_name_response (AdwMessageDialog *dialog,
                  const char       *response,
                  FlowsFlowsPage   *self)
{
  GtkWidget *entry = adw_message_dialog_get_extra_child (dialog);
  NameCallback callback = g_object_get_data (G_OBJECT (dialog), "flows-callback");
  FlowsApp *app = g_object_get_data (G_OBJECT (dialog), "flows-app");
  FlowsFlow *flow = g_object_get_data (G_OBJECT (dialog), "flows-flow");
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));

  if (g_str_equal (response, "apply") && *name != '\0')
    callback (self, app, flow, name);
}

static GtkWindow *
get_parent_window (FlowsFlowsPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

/* A small dialog asking for a name; @callback gets it, trimmed, when the user confirms. */
static void
prompt_name (FlowsFlowsPage *self,
             const char     *heading,
             const char     *body,
             const char     *apply_label,
             const char     *initial,
             FlowsFlow      *flow,
             NameCallback    callback)
{
  GtkWidget *dialog = adw_message_dialog_new (get_parent_window (self), heading, body);
  GtkWidget *entry = gtk_entry_new ();

  gtk_editable_set_text (GTK_EDITABLE (entry), initial);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Flow name"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "apply", apply_label,
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "apply", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "apply");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  on_name_changed (GTK_EDITABLE (entry), ADW_MESSAGE_DIALOG (dialog));

  /* The App and flow are those of the moment the dialog opened, whatever is selected since. */
  g_object_set_data (G_OBJECT (dialog), "flows-callback", callback);
  g_object_set_data_full (G_OBJECT (dialog), "flows-app", g_object_ref (self->app), g_object_unref);
  if (flow != NULL)
    g_object_set_data_full (G_OBJECT (dialog), "flows-flow", g_object_ref (flow), g_object_unref);
  g_signal_connect_object (entry, "changed", G_CALLBACK (on_name_changed), dialog, 0);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_name_response), self, 0);

  gtk_window_present (GTK_WINDOW (dialog));
}

/* Actions ------------------------------------------------------------------------------------ */

/* The flow named by an action's parameter, in the App on show; NULL when there is none (a menu
 * left open while the file was reloaded without the flow). */
static FlowsFlow *
lookup_flow (FlowsFlowsPage *self,
             GVariant       *parameter)
{
  const char *id = g_variant_get_string (parameter, NULL);
  FlowsFlow *flow = self->app != NULL ? flows_app_find_flow (self->app, id) : NULL;

  if (flow == NULL)
    g_debug ("No flow “%s” in the App on show", id);
  return flow;
}

static void
create_flow (FlowsFlowsPage *self,
             FlowsApp       *app,
             FlowsFlow      *unused,
             const char     *name)
{
  g_autofree char *flow_id = flows_new_id ();
  g_autofree char *stage_id = flows_new_id ();
  g_autoptr(FlowsFlow) flow = flows_flow_new (flow_id, name);
  g_autoptr(FlowsStage) trigger = flows_stage_new (stage_id, "trigger", FLOWS_STAGE_TYPE_TRIGGER,
                                                   /* Translators: the name of a new flow's Trigger stage. */
                                                   _("Start"));
  g_autoptr(JsonObject) settings = flows_stage_catalog_default_settings (FLOWS_STAGE_TYPE_TRIGGER);

  flows_stage_set_settings (trigger, settings);
  flows_flow_add_stage (flow, trigger);
  flows_flow_set_visibility (flow, FLOWS_FLOW_VISIBILITY_PRIVATE);
  flows_app_add_flow (app, flow);
  save_app (self, app);
  focus_flow (self, flow);
}

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  FlowsFlowsPage *self = FLOWS_FLOWS_PAGE (widget);

  if (self->app == NULL)
    return;

  prompt_name (self, _("New Flow"), _("A new private flow, starting with a Trigger."),
               _("C_reate"), "", NULL, create_flow);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FlowsFlowsPage *self = FLOWS_FLOWS_PAGE (widget);
  FlowsFlow *flow = lookup_flow (self, parameter);

  if (flow != NULL)
    show_flow (self, flow);
}

static void
show_list_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  show_list (FLOWS_FLOWS_PAGE (widget));
}

static void
rename_flow (FlowsFlowsPage *self,
             FlowsApp       *app,
             FlowsFlow      *flow,
             const char     *name)
{
  if (g_str_equal (name, flows_flow_get_name (flow)))
    return;

  flows_flow_set_name (flow, name);
  save_app (self, app);
}

static void
rename_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FlowsFlowsPage *self = FLOWS_FLOWS_PAGE (widget);
  FlowsFlow *flow = lookup_flow (self, parameter);

  if (flow != NULL)
    prompt_name (self, _("Rename Flow"), NULL, _("_Rename"), flows_flow_get_name (flow), flow, rename_flow);
}

static void
duplicate_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FlowsFlowsPage *self = FLOWS_FLOWS_PAGE (widget);
  FlowsFlow *flow = lookup_flow (self, parameter);
  g_autoptr(FlowsFlow) copy = NULL;
  guint position;

  if (flow == NULL || !find_position (flows_app_get_flows (self->app), flow, &position))
    return;

  copy = duplicate_flow (flow);
  insert_flow (self->app, copy, position + 1);
  save_app (self, self->app);
  focus_flow (self, copy);
}

static void
toggle_visibility_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  FlowsFlowsPage *self = FLOWS_FLOWS_PAGE (widget);
  FlowsFlow *flow = lookup_flow (self, parameter);

  if (flow == NULL || flows_flow_get_role (flow) != FLOWS_FLOW_ROLE_NONE)
    return;

  flows_flow_set_visibility (flow, flows_flow_get_visibility (flow) == FLOWS_FLOW_VISIBILITY_PRIVATE
                                   ? FLOWS_FLOW_VISIBILITY_PUBLIC : FLOWS_FLOW_VISIBILITY_PRIVATE);
  save_app (self, self->app);
  /* The row moved to the other list: the focus goes with it. */
  focus_flow (self, flow);
}

static void
update_undo_action (FlowsFlowsPage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "flows.undo-delete", self->deletions->len > 0);
}

static void
undo_deletion (FlowsFlowsPage *self,
               Deletion       *deletion)
{
  guint index;
  guint n;

  if (!g_ptr_array_find (self->deletions, deletion, &index))
    return;
  g_ptr_array_steal_index (self->deletions, index);
  update_undo_action (self);
  n = g_list_model_get_n_items (flows_app_get_flows (deletion->app));

  /* Back in place, unless the file was reloaded meanwhile with the flow in it already. */
  if (flows_app_find_flow (deletion->app, flows_flow_get_id (deletion->flow)) == NULL)
    {
      insert_flow (deletion->app, deletion->flow, MIN (deletion->position, n));
      save_app (self, deletion->app);
      if (deletion->app == self->app)
        focus_flow (self, deletion->flow);
    }

  if (deletion->toast != NULL)
    adw_toast_dismiss (deletion->toast);
  deletion_free (deletion);
}

static Deletion *
find_deletion_by_toast (FlowsFlowsPage *self,
                        AdwToast       *toast)
{
  for (guint i = 0; i < self->deletions->len; i++)
    {
      Deletion *deletion = g_ptr_array_index (self->deletions, i);

      if (deletion->toast == toast)
        return deletion;
    }
  return NULL;
}

static void
on_undo_clicked (AdwToast       *toast,
                 FlowsFlowsPage *self)
{
  Deletion *deletion = find_deletion_by_toast (self, toast);

  if (deletion != NULL)
    undo_deletion (self, deletion);
}

/* Once its toast is gone, a deletion is final. */
static void
on_undo_toast_dismissed (AdwToast       *toast,
                         FlowsFlowsPage *self)
{
  Deletion *deletion = find_deletion_by_toast (self, toast);

  if (deletion != NULL)
    {
      g_ptr_array_remove (self->deletions, deletion);
      update_undo_action (self);
    }
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FlowsFlowsPage *self = FLOWS_FLOWS_PAGE (widget);
  FlowsFlow *flow = lookup_flow (self, parameter);
  GtkWidget *overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  GtkWidget *row;
  GtkListBox *list = NULL;
  Deletion *deletion;
  int index = -1;
  guint position;

  if (flow == NULL || !find_position (flows_app_get_flows (self->app), flow, &position))
    return;

  if (flows_flow_get_role (flow) != FLOWS_FLOW_ROLE_NONE)
    {
      g_autofree char *summary = g_strdup_printf (_("“%s” cannot be deleted"), flows_flow_get_name (flow));

      flows_widget_show_error (widget, summary,
                               _("The App’s sign-in and connection test run this flow. "
                                 "Use Reset to Template in its menu to start it over."));
      return;
    }

  /* The focus moves to the row that takes the deleted one's place. */
  if ((row = find_row (self, flow)) != NULL)
    {
      list = GTK_LIST_BOX (gtk_widget_get_parent (row));
      index = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row));
    }

  deletion = g_new0 (Deletion, 1);
  deletion->app = g_object_ref (self->app);
  deletion->flow = g_object_ref (flow);
  deletion->position = position;
  g_ptr_array_add (self->deletions, deletion);

  flows_app_remove_flow (self->app, flow);
  save_app (self, self->app);
  update_undo_action (self);

  if (list != NULL)
    {
      GtkListBoxRow *next = gtk_list_box_get_row_at_index (list, index);

      if (next == NULL && index > 0)
        next = gtk_list_box_get_row_at_index (list, index - 1);
      if (next != NULL)
        gtk_widget_grab_focus (GTK_WIDGET (next));
    }

  if (overlay != NULL)
    {
      g_autofree char *name = g_markup_escape_text (flows_flow_get_name (flow), -1);

      /* Translators: %s is the name of a flow. */
      deletion->toast = adw_toast_new_format (_("“%s” deleted"), name);
      adw_toast_set_button_label (deletion->toast, _("_Undo"));
      adw_toast_set_priority (deletion->toast, ADW_TOAST_PRIORITY_HIGH);
      g_signal_connect_object (deletion->toast, "button-clicked", G_CALLBACK (on_undo_clicked), self, 0);
      g_signal_connect_object (deletion->toast, "dismissed", G_CALLBACK (on_undo_toast_dismissed), self, G_CONNECT_AFTER);
      flows_toast_add (ADW_TOAST_OVERLAY (overlay), g_object_ref (deletion->toast));
    }
}

static void
undo_delete_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  FlowsFlowsPage *self = FLOWS_FLOWS_PAGE (widget);

  if (self->deletions->len > 0)
    undo_deletion (self, g_ptr_array_index (self->deletions, self->deletions->len - 1));
}

static void
reset_flow (FlowsFlowsPage *self,
            FlowsApp       *app,
            FlowsFlow      *flow)
{
  g_autoptr(FlowsFlow) template = flows_app_templates_create_flow (flows_app_get_connection_type (app),
                                                                   flows_flow_get_role (flow));
  GListModel *stages = flows_flow_get_stages (flow);
  GListModel *template_stages;
  g_autofree char *message = NULL;

  if (template == NULL)
    {
      g_autofree char *summary = g_strdup_printf (_("“%s” has no template"), flows_flow_get_name (flow));

      flows_widget_show_error (GTK_WIDGET (self), summary,
                               _("Only the OAuth steps and the connection test have templates, and the OAuth steps only in OAuth Apps."));
      return;
    }

  /* The flow keeps its id, name and role, so Call Flow stages and the runtime still find it;
   * only the stages are the template's. */
  while (g_list_model_get_n_items (stages) > 0)
    {
      g_autoptr(FlowsStage) stage = g_list_model_get_item (stages, g_list_model_get_n_items (stages) - 1);

      flows_flow_remove_stage (flow, stage);
    }
  template_stages = flows_flow_get_stages (template);
  for (guint i = 0; i < g_list_model_get_n_items (template_stages); i++)
    {
      g_autoptr(FlowsStage) stage = g_list_model_get_item (template_stages, i);

      flows_flow_add_stage (flow, stage);
    }
  save_app (self, app);

  /* Translators: %s is the name of a flow. */
  message = g_strdup_printf (_("“%s” reset to its template"), flows_flow_get_name (flow));
  flows_widget_show_toast (GTK_WIDGET (self), message);
}

static void
on_reset_response (AdwMessageDialog *dialog,
                   const char       *response,
                   FlowsFlowsPage   *self)
{
  if (g_str_equal (response, "reset"))
    reset_flow (self,
                g_object_get_data (G_OBJECT (dialog), "flows-app"),
                g_object_get_data (G_OBJECT (dialog), "flows-flow"));
}

static void
reset_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  FlowsFlowsPage *self = FLOWS_FLOWS_PAGE (widget);
  FlowsFlow *flow = lookup_flow (self, parameter);
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  if (flow == NULL || flows_flow_get_role (flow) == FLOWS_FLOW_ROLE_NONE)
    return;

  /* Translators: %s is the name of a flow. */
  heading = g_strdup_printf (_("Reset “%s”?"), flows_flow_get_name (flow));
  dialog = adw_message_dialog_new (get_parent_window (self), heading,
                                   _("Its stages are replaced by a fresh copy of the template. "
                                     "Every change made to them is lost."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "reset", _("_Reset"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "reset", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "flows-app", g_object_ref (self->app), g_object_unref);
  g_object_set_data_full (G_OBJECT (dialog), "flows-flow", g_object_ref (flow), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_reset_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Keys on the focused row: F2 renames, Delete deletes (or offers the reset of a role flow). */
static gboolean
activate_on_focused (GtkWidget *widget,
                     GVariant  *args,
                     gpointer   user_data)
{
  FlowsFlowsPage *self = FLOWS_FLOWS_PAGE (widget);
  FlowsFlow *flow = get_focused_flow (self);
  const char *action = args != NULL ? g_variant_get_string (args, NULL) : NULL;

  if (flow == NULL || action == NULL)
    return FALSE;

  if (g_str_equal (action, "flows.delete") && flows_flow_get_role (flow) != FLOWS_FLOW_ROLE_NONE)
    action = "flows.reset";
  return gtk_widget_activate_action (widget, action, "s", flows_flow_get_id (flow));
}

static gboolean
go_back (GtkWidget *widget,
         GVariant  *args,
         gpointer   user_data)
{
  FlowsFlowsPage *self = FLOWS_FLOWS_PAGE (widget);

  if (!g_str_equal (gtk_stack_get_visible_child_name (self->stack), "flow"))
    return FALSE;
  show_list (self);
  return TRUE;
}

/* GObject ------------------------------------------------------------------------------------ */

static void
flows_flows_page_dispose (GObject *object)
{
  FlowsFlowsPage *self = (FlowsFlowsPage *)object;

  if (self->watched_flows != NULL)
    unwatch_flows (self);
  g_clear_object (&self->flows_signals);
  gtk_widget_dispose_template (GTK_WIDGET (self), FLOWS_TYPE_FLOWS_PAGE);
  g_clear_object (&self->private_flows);
  g_clear_object (&self->public_flows);
  g_clear_object (&self->app);
  g_clear_object (&self->library);
  if (self->deletions != NULL)
    g_ptr_array_set_size (self->deletions, 0);

  G_OBJECT_CLASS (flows_flows_page_parent_class)->dispose (object);
}

static void
flows_flows_page_finalize (GObject *object)
{
  FlowsFlowsPage *self = (FlowsFlowsPage *)object;

  g_clear_pointer (&self->watched_flows, g_ptr_array_unref);
  g_clear_pointer (&self->deletions, g_ptr_array_unref);

  G_OBJECT_CLASS (flows_flows_page_parent_class)->finalize (object);
}

static void
flows_flows_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  FlowsFlowsPage *self = FLOWS_FLOWS_PAGE (object);

  switch (prop_id)
    {
    case PROP_LIBRARY:
      g_value_set_object (value, self->library);
      break;
    case PROP_APP:
      g_value_set_object (value, self->app);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_flows_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  FlowsFlowsPage *self = FLOWS_FLOWS_PAGE (object);

  switch (prop_id)
    {
    case PROP_LIBRARY:
      flows_flows_page_set_library (self, g_value_get_object (value));
      break;
    case PROP_APP:
      flows_flows_page_set_app (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_flows_page_class_init (FlowsFlowsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = flows_flows_page_dispose;
  object_class->finalize = flows_flows_page_finalize;
  object_class->get_property = flows_flows_page_get_property;
  object_class->set_property = flows_flows_page_set_property;

  properties[PROP_LIBRARY] =
    g_param_spec_object ("library", NULL, NULL, FLOWS_TYPE_LIBRARY,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_APP] =
    g_param_spec_object ("app", NULL, NULL, FLOWS_TYPE_APP,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/flowsstudio/FlowsStudio/flows-flows-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FlowsFlowsPage, private_list);
  gtk_widget_class_bind_template_child (widget_class, FlowsFlowsPage, public_list);
  gtk_widget_class_bind_template_child (widget_class, FlowsFlowsPage, flow_editor_slot);

  gtk_widget_class_install_action (widget_class, "flows.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "flows.open", "s", open_action);
  gtk_widget_class_install_action (widget_class, "flows.show-list", NULL, show_list_action);
  gtk_widget_class_install_action (widget_class, "flows.rename", "s", rename_action);
  gtk_widget_class_install_action (widget_class, "flows.duplicate", "s", duplicate_action);
  gtk_widget_class_install_action (widget_class, "flows.toggle-visibility", "s", toggle_visibility_action);
  gtk_widget_class_install_action (widget_class, "flows.delete", "s", delete_action);
  gtk_widget_class_install_action (widget_class, "flows.undo-delete", NULL, undo_delete_action);
  gtk_widget_class_install_action (widget_class, "flows.reset", "s", reset_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "flows.new", NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_F2, 0, activate_on_focused, "s", "flows.rename");
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Delete, 0, activate_on_focused, "s", "flows.delete");
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Delete, 0, activate_on_focused, "s", "flows.delete");
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Left, GDK_ALT_MASK, go_back, NULL);
}

static void
flows_flows_page_init (FlowsFlowsPage *self)
{
  GtkCustomFilter *private_filter = gtk_custom_filter_new (filter_private, NULL, NULL);
  GtkCustomFilter *public_filter = gtk_custom_filter_new (filter_public, NULL, NULL);

  self->watched_flows = g_ptr_array_new_with_free_func (g_object_unref);
  self->deletions = g_ptr_array_new_with_free_func ((GDestroyNotify)deletion_free);
  self->flows_signals = g_signal_group_new (G_TYPE_LIST_MODEL);
  g_signal_group_connect_swapped (self->flows_signals, "items-changed", G_CALLBACK (on_flows_changed), self);

  gtk_widget_init_template (GTK_WIDGET (self));
  /* Not a template child: gtk_widget_dispose_template() would unparent it behind AdwBin's back,
   * and AdwBin would then unparent it a second time. */
  self->stack = GTK_STACK (adw_bin_get_child (ADW_BIN (self)));

  self->private_flows = gtk_filter_list_model_new (NULL, GTK_FILTER (private_filter));
  self->public_flows = gtk_filter_list_model_new (NULL, GTK_FILTER (public_filter));
  gtk_list_box_bind_model (self->private_list, G_LIST_MODEL (self->private_flows), create_flow_row, self, NULL);
  gtk_list_box_bind_model (self->public_list, G_LIST_MODEL (self->public_flows), create_flow_row, self, NULL);
  g_signal_connect (self, "map", G_CALLBACK (update_problem_badges), NULL);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "flows.new", FALSE);
  update_undo_action (self);
}

GtkWidget *
flows_flows_page_new (void)
{
  return g_object_new (FLOWS_TYPE_FLOWS_PAGE, NULL);
}

void
flows_flows_page_set_library (FlowsFlowsPage *self,
                              FlowsLibrary   *library)
{
  g_return_if_fail (FLOWS_IS_FLOWS_PAGE (self));
  g_return_if_fail (library == NULL || FLOWS_IS_LIBRARY (library));

  if (g_set_object (&self->library, library))
    {
      if (self->flow_editor != NULL)
        flows_flow_editor_set_library (self->flow_editor, library);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIBRARY]);
    }
}

void
flows_flows_page_set_app (FlowsFlowsPage *self,
                          FlowsApp       *app)
{
  GListModel *flows = app != NULL ? flows_app_get_flows (app) : NULL;

  g_return_if_fail (FLOWS_IS_FLOWS_PAGE (self));
  g_return_if_fail (app == NULL || FLOWS_IS_APP (app));

  if (self->app == app)
    return;

  g_signal_group_set_target (self->flows_signals, flows);
  unwatch_flows (self);
  g_set_object (&self->app, app);

  if (self->flow_editor != NULL)
    flows_flow_editor_set_flow (self->flow_editor, NULL, NULL);
  gtk_filter_list_model_set_model (self->private_flows, flows);
  gtk_filter_list_model_set_model (self->public_flows, flows);
  if (app != NULL)
    on_flows_changed (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "flows.new", app != NULL);
  gtk_stack_set_visible_child_name (self->stack, app != NULL ? "list" : "none");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_APP]);
}
