/* test-flows-page.c — the Flows view driven through its actions, checked in the saved App file.
 *
 * The page is hosted in a plain window with a toast overlay, as in the main window. Edits go
 * through the "flows.*" actions and the real dialogs (a name typed into the entry and Enter
 * pressed, a confirmation answered), and every check of an edit reads the App file back from
 * disk after the library's autosave is flushed: what counts is what was saved.
 *
 * flows_widget_show_toast() and flows_widget_show_error() are tests/lib's recorders
 * (test-ui-host.h), so that the page is tested on its own and the refusal to delete a role flow
 * can be seen.
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "flows-app-templates.h"
#include "flows-document.h"
#include "flows-flow-editor.h"
#include "flows-flows-page.h"
#include "flows-validate.h"
#include "test-files.h"
#include "test-ui-host.h"
#include "test-ui.h"
#include "test-wait.h"

#define STEP1_NAME "OAuth Step 1 - Build Authorisation URL"

typedef struct
{
  TestHost         host;
  AdwToastOverlay *overlay;
  FlowsFlowsPage  *page;
} Fixture;

/* Helpers ---------------------------------------------------------------------------------- */

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  if (!test_ui_have_display ())
    return;

  test_host_set_up (&fixture->host, "flows-page-XXXXXX", "Test OAuth", FLOWS_CONNECTION_TYPE_OAUTH);

  fixture->overlay = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  fixture->page = FLOWS_FLOWS_PAGE (flows_flows_page_new ());
  g_object_set (fixture->page, "library", fixture->host.library, "app", fixture->host.app, NULL);
  adw_toast_overlay_set_child (fixture->overlay, GTK_WIDGET (fixture->page));
  test_host_show (&fixture->host, GTK_WIDGET (fixture->overlay), 900, 700);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  test_host_tear_down (&fixture->host);
}

static FlowsFlow *
flow_at (FlowsApp *app,
         guint     index)
{
  g_autoptr(FlowsFlow) flow = g_list_model_get_item (flows_app_get_flows (app), index);

  g_assert_nonnull (flow);
  return flow; /* the App keeps it */
}

static gboolean
is_group_titled (GtkWidget     *widget,
                 gconstpointer  title)
{
  return ADW_IS_PREFERENCES_GROUP (widget) &&
         g_strcmp0 (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (widget)), title) == 0;
}

/* Not the group's own list, which holds only AdwPreferencesRows added to the group and stays
 * hidden here. */
static gboolean
is_list_box (GtkWidget     *widget,
             gconstpointer  data)
{
  return GTK_IS_LIST_BOX (widget) && gtk_widget_get_visible (widget);
}

static gboolean
is_badge (GtkWidget     *widget,
          gconstpointer  data)
{
  return GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "flow-role-badge");
}

/* The list inside the group with this (visible) title. */
static GtkListBox *
group_list (GtkWidget  *root,
            const char *title)
{
  GtkWidget *group = test_find_widget (root, is_group_titled, title);

  g_assert_nonnull (group);
  return GTK_LIST_BOX (test_find_widget (group, is_list_box, NULL));
}

static guint
count_rows (GtkListBox *list)
{
  guint n = 0;

  while (gtk_list_box_get_row_at_index (list, n) != NULL)
    n++;
  return n;
}

static GtkWidget *
row_at (GtkListBox *list,
        guint       index)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (list, index);

  g_assert_nonnull (row);
  return GTK_WIDGET (row);
}

static AdwMessageDialog *
find_dialog (void)
{
  return (AdwMessageDialog *)test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
}

static gboolean
no_dialog_open (gpointer user_data)
{
  return find_dialog () == NULL;
}

/* An activated button shows itself pressed for a moment before it emits "clicked". */
static void
wait_for_dialog_to_close (void)
{
  test_wait_for (no_dialog_open, NULL, 5000);
  test_wait_idle ();
}

/* Types @name into the open name prompt and presses Enter in it. */
static void
answer_name_prompt (const char *expected_text,
                    const char *name)
{
  AdwMessageDialog *dialog;
  GtkWidget *entry;

  test_wait_idle ();
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  entry = adw_message_dialog_get_extra_child (dialog);
  g_assert_true (GTK_IS_ENTRY (entry));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, expected_text);
  /* Nothing to create or rename to while the name is blank. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "   ");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "apply"));
  gtk_editable_set_text (GTK_EDITABLE (entry), name);
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "apply"));
  /* What Enter does: the entry's text widget activates the dialog's default response. */
  g_signal_emit_by_name (test_find_widget_of_type (entry, GTK_TYPE_TEXT), "activate");
  wait_for_dialog_to_close ();
}

static FlowsFlow *
find_flow_by_name (FlowsApp   *app,
                   const char *name)
{
  GListModel *flows = flows_app_get_flows (app);

  for (guint i = 0; i < g_list_model_get_n_items (flows); i++)
    {
      FlowsFlow *flow = flow_at (app, i);

      if (g_strcmp0 (flows_flow_get_name (flow), name) == 0)
        return flow;
    }
  return NULL;
}

static void
activate (Fixture    *fixture,
          const char *action,
          FlowsFlow  *flow)
{
  if (flow != NULL)
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), action, "s", flows_flow_get_id (flow)));
  else
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), action, NULL));
  test_wait_idle ();
}

/* A new flow through the prompt, returned from the page's App. */
static FlowsFlow *
create_flow (Fixture    *fixture,
             const char *name)
{
  FlowsFlow *flow;

  activate (fixture, "flows.new", NULL);
  answer_name_prompt ("", name);
  flow = find_flow_by_name (fixture->host.app, name);
  g_assert_nonnull (flow);
  return flow;
}

/* Tests -------------------------------------------------------------------------------------- */

static void
test_oauth_app_lists_role_flows (Fixture       *fixture,
                                 gconstpointer  data)
{
  static const char * const badges[] = {
    "Step 1 · Authorise", "Step 2 · Exchange", "Step 3 · Refresh", "Connection Test",
  };
  GtkListBox *private_list;
  GtkListBox *public_list;

  if (!test_need_display ())
    return;

  private_list = group_list (GTK_WIDGET (fixture->page), "Private Flows");
  public_list = group_list (GTK_WIDGET (fixture->page), "Public Flows");
  g_assert_cmpuint (count_rows (private_list), ==, 4);
  g_assert_cmpuint (count_rows (public_list), ==, 0);

  for (guint i = 0; i < 4; i++)
    {
      GtkWidget *row = row_at (private_list, i);
      GtkWidget *badge = test_find_widget (row, is_badge, NULL);
      FlowsFlow *flow = flow_at (fixture->host.app, i);

      g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, flows_flow_get_name (flow));
      g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, flows_flow_get_description (flow));
      g_assert_nonnull (badge);
      g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (badge)), ==, badges[i]);
      g_assert_true (gtk_widget_get_focusable (row));
      g_assert_true (gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (row)));
    }
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row_at (private_list, 0))), ==, STEP1_NAME);
}

static void
test_new_and_rename (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(FlowsApp) saved = NULL;
  g_autoptr(FlowsApp) renamed = NULL;
  GtkListBox *private_list;
  FlowsFlow *flow;
  FlowsFlow *saved_flow;
  FlowsStage *trigger;

  if (!test_need_display ())
    return;

  /* The name is trimmed. */
  activate (fixture, "flows.new", NULL);
  answer_name_prompt ("", "  Fetch contacts  ");
  flow = find_flow_by_name (fixture->host.app, "Fetch contacts");
  g_assert_nonnull (flow);

  saved = test_host_load_saved (&fixture->host);
  g_assert_cmpuint (g_list_model_get_n_items (flows_app_get_flows (saved)), ==, 5);
  saved_flow = flows_app_find_flow (saved, flows_flow_get_id (flow));
  g_assert_nonnull (saved_flow);
  g_assert_cmpstr (flows_flow_get_name (saved_flow), ==, "Fetch contacts");
  g_assert_cmpint (flows_flow_get_visibility (saved_flow), ==, FLOWS_FLOW_VISIBILITY_PRIVATE);
  g_assert_cmpint (flows_flow_get_role (saved_flow), ==, FLOWS_FLOW_ROLE_NONE);
  g_assert_cmpuint (g_list_model_get_n_items (flows_flow_get_stages (saved_flow)), ==, 1);
  trigger = flows_flow_get_trigger (saved_flow);
  g_assert_nonnull (trigger);
  g_assert_true (json_object_has_member (flows_stage_get_settings (trigger), "inputs"));

  /* The new row is there, with the focus on it for the next keystroke. */
  private_list = group_list (GTK_WIDGET (fixture->page), "Private Flows");
  g_assert_cmpuint (count_rows (private_list), ==, 5);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row_at (private_list, 4))), ==, "Fetch contacts");
  g_assert_true (gtk_widget_has_focus (row_at (private_list, 4)));

  activate (fixture, "flows.rename", flow);
  answer_name_prompt ("Fetch contacts", "List contacts");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row_at (private_list, 4))), ==, "List contacts");
  renamed = test_host_load_saved (&fixture->host);
  g_assert_cmpstr (flows_flow_get_name (flows_app_find_flow (renamed, flows_flow_get_id (flow))), ==, "List contacts");

  /* Cancelling the prompt changes nothing. */
  activate (fixture, "flows.rename", flow);
  adw_message_dialog_response (find_dialog (), "cancel");
  gtk_window_destroy (GTK_WINDOW (find_dialog ()));
  g_assert_cmpstr (flows_flow_get_name (flow), ==, "List contacts");
  g_assert_false (flows_library_has_unsaved_edits (fixture->host.library, fixture->host.app));
}

static void
test_duplicate (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(FlowsApp) saved = NULL;
  g_autoptr(GHashTable) original_ids = g_hash_table_new (g_str_hash, g_str_equal);
  FlowsFlow *step1 = flow_at (fixture->host.app, 0);
  GListModel *original_stages = flows_flow_get_stages (step1);
  FlowsFlow *copy;
  GListModel *copy_stages;
  guint n;

  if (!test_need_display ())
    return;

  activate (fixture, "flows.duplicate", step1);
  saved = test_host_load_saved (&fixture->host);
  g_assert_cmpuint (g_list_model_get_n_items (flows_app_get_flows (saved)), ==, 5);

  /* Right after its original, a flow of its own. */
  copy = flow_at (saved, 1);
  g_assert_cmpstr (flows_flow_get_name (copy), ==, STEP1_NAME " (copy)");
  g_assert_cmpstr (flows_flow_get_id (copy), !=, flows_flow_get_id (step1));
  g_assert_cmpint (flows_flow_get_role (copy), ==, FLOWS_FLOW_ROLE_NONE);
  g_assert_cmpint (flows_flow_get_role (flow_at (saved, 0)), ==, FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE);
  g_assert_cmpstr (flows_flow_get_description (copy), ==, flows_flow_get_description (step1));

  copy_stages = flows_flow_get_stages (copy);
  n = g_list_model_get_n_items (original_stages);
  g_assert_cmpuint (g_list_model_get_n_items (copy_stages), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FlowsStage) stage = g_list_model_get_item (original_stages, i);

      g_hash_table_add (original_ids, (gpointer)flows_stage_get_id (stage));
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FlowsStage) original = g_list_model_get_item (original_stages, i);
      g_autoptr(FlowsStage) stage = g_list_model_get_item (copy_stages, i);
      g_autofree char *original_settings = NULL;
      g_autofree char *copy_settings = NULL;
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      const char *next = flows_stage_get_route (stage, "success");
      const char *original_next = flows_stage_get_route (original, "success");

      g_assert_false (g_hash_table_contains (original_ids, flows_stage_get_id (stage)));
      g_assert_cmpstr (flows_stage_get_key (stage), ==, flows_stage_get_key (original));
      g_assert_cmpstr (flows_stage_get_name (stage), ==, flows_stage_get_name (original));
      g_assert_cmpint (flows_stage_get_stage_type (stage), ==, flows_stage_get_stage_type (original));
      json_node_set_object (node, flows_stage_get_settings (original));
      original_settings = json_to_string (node, FALSE);
      json_node_set_object (node, flows_stage_get_settings (stage));
      copy_settings = json_to_string (node, FALSE);
      g_assert_cmpstr (copy_settings, ==, original_settings);

      /* Routes lead to the same stages, by their new ids. */
      if (original_next == NULL)
        g_assert_null (next);
      else
        {
          FlowsStage *target = flows_flow_find_stage (copy, next);
          FlowsStage *original_target = flows_flow_find_stage (step1, original_next);

          g_assert_nonnull (target);
          g_assert_cmpstr (flows_stage_get_key (target), ==, flows_stage_get_key (original_target));
        }
    }

  /* The copy's settings are its own: changing them leaves the original alone. */
  {
    g_autoptr(FlowsFlow) live_copy = g_list_model_get_item (flows_app_get_flows (fixture->host.app), 1);
    g_autoptr(FlowsStage) stage = g_list_model_get_item (flows_flow_get_stages (live_copy), 1);
    g_autoptr(FlowsStage) original = g_list_model_get_item (original_stages, 1);

    json_object_set_string_member (flows_stage_get_settings (stage), "probe", "x");
    g_assert_false (json_object_has_member (flows_stage_get_settings (original), "probe"));
  }
}

static void
test_delete_and_undo (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(FlowsApp) after_delete = NULL;
  g_autoptr(FlowsApp) after_undo = NULL;
  GtkListBox *private_list;
  FlowsFlow *first;
  FlowsFlow *second;
  g_autofree char *id = NULL;

  if (!test_need_display ())
    return;

  first = create_flow (fixture, "First");
  second = create_flow (fixture, "Second");
  id = g_strdup (flows_flow_get_id (first));

  activate (fixture, "flows.delete", first);
  after_delete = test_host_load_saved (&fixture->host);
  g_assert_null (flows_app_find_flow (after_delete, id));
  g_assert_cmpuint (g_list_model_get_n_items (flows_app_get_flows (after_delete)), ==, 5);
  /* The flow after it took its place, and the focus. */
  g_assert_cmpstr (flows_flow_get_id (flow_at (after_delete, 4)), ==, flows_flow_get_id (second));
  private_list = group_list (GTK_WIDGET (fixture->page), "Private Flows");
  g_assert_cmpuint (count_rows (private_list), ==, 5);
  g_assert_true (gtk_widget_has_focus (row_at (private_list, 4)));

  activate (fixture, "flows.undo-delete", NULL);
  after_undo = test_host_load_saved (&fixture->host);
  g_assert_cmpuint (g_list_model_get_n_items (flows_app_get_flows (after_undo)), ==, 6);
  g_assert_cmpstr (flows_flow_get_id (flow_at (after_undo, 4)), ==, id);
  g_assert_cmpstr (flows_flow_get_name (flow_at (after_undo, 4)), ==, "First");
  g_assert_cmpstr (flows_flow_get_id (flow_at (after_undo, 5)), ==, flows_flow_get_id (second));
  g_assert_cmpuint (count_rows (private_list), ==, 6);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row_at (private_list, 4))), ==, "First");

  /* Nothing left to undo: a second Undo does nothing. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "flows.undo-delete", NULL));
  test_wait_idle ();
  g_assert_cmpuint (g_list_model_get_n_items (flows_app_get_flows (fixture->host.app)), ==, 6);
}

static void
test_delete_role_flow_refused (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(FlowsApp) saved = NULL;
  FlowsFlow *step2 = flow_at (fixture->host.app, 1);

  if (!test_need_display ())
    return;

  g_assert_cmpint (flows_flow_get_role (step2), ==, FLOWS_FLOW_ROLE_OAUTH_EXCHANGE);
  activate (fixture, "flows.delete", step2);

  g_assert_cmpuint (test_ui_errors->len, ==, 1);
  g_assert_true (strstr (g_ptr_array_index (test_ui_errors, 0), "cannot be deleted") != NULL);
  g_assert_false (flows_library_has_unsaved_edits (fixture->host.library, fixture->host.app));
  saved = test_host_load_saved (&fixture->host);
  g_assert_cmpuint (g_list_model_get_n_items (flows_app_get_flows (saved)), ==, 4);
  g_assert_nonnull (flows_app_find_flow (saved, flows_flow_get_id (step2)));
  g_assert_cmpuint (count_rows (group_list (GTK_WIDGET (fixture->page), "Private Flows")), ==, 4);
}

static void
test_reset_to_template (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(FlowsApp) edited = NULL;
  g_autoptr(FlowsApp) saved = NULL;
  g_autoptr(FlowsFlow) template = flows_app_templates_create_flow (FLOWS_CONNECTION_TYPE_OAUTH,
                                                                   FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE);
  FlowsFlow *step1 = flow_at (fixture->host.app, 0);
  g_autofree char *id = g_strdup (flows_flow_get_id (step1));
  g_autoptr(FlowsStage) optional = g_list_model_get_item (flows_flow_get_stages (step1), 2);
  FlowsFlow *saved_flow;
  GListModel *saved_stages;
  GListModel *template_stages = flows_flow_get_stages (template);
  AdwMessageDialog *dialog;

  if (!test_need_display ())
    return;

  /* Someone broke the flow: a stage gone and one renamed. */
  flows_flow_remove_stage (step1, optional);
  flows_stage_set_name (flows_flow_find_stage_by_key (step1, "settings"), "Mine");
  flows_library_queue_save_app (fixture->host.library, fixture->host.app);
  edited = test_host_load_saved (&fixture->host);
  g_assert_cmpuint (g_list_model_get_n_items (flows_flow_get_stages (flow_at (edited, 0))), ==, 4);

  /* Asked first; cancelling keeps the edits. */
  activate (fixture, "flows.reset", step1);
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_cmpuint (g_list_model_get_n_items (flows_flow_get_stages (step1)), ==, 4);

  activate (fixture, "flows.reset", step1);
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "reset");
  gtk_window_destroy (GTK_WINDOW (dialog));
  test_wait_idle ();

  saved = test_host_load_saved (&fixture->host);
  saved_flow = flow_at (saved, 0);
  g_assert_cmpstr (flows_flow_get_id (saved_flow), ==, id);
  g_assert_cmpstr (flows_flow_get_name (saved_flow), ==, STEP1_NAME);
  g_assert_cmpint (flows_flow_get_role (saved_flow), ==, FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE);
  saved_stages = flows_flow_get_stages (saved_flow);
  g_assert_cmpuint (g_list_model_get_n_items (saved_stages), ==, g_list_model_get_n_items (template_stages));
  for (guint i = 0; i < g_list_model_get_n_items (template_stages); i++)
    {
      g_autoptr(FlowsStage) expected = g_list_model_get_item (template_stages, i);
      g_autoptr(FlowsStage) stage = g_list_model_get_item (saved_stages, i);

      g_assert_cmpstr (flows_stage_get_key (stage), ==, flows_stage_get_key (expected));
      g_assert_cmpstr (flows_stage_get_name (stage), ==, flows_stage_get_name (expected));
    }
  g_assert_cmpuint (test_ui_toasts->len, ==, 1);
}

static void
test_visibility (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(FlowsApp) saved = NULL;
  GtkListBox *private_list;
  GtkListBox *public_list;
  FlowsFlow *flow;

  if (!test_need_display ())
    return;

  flow = create_flow (fixture, "Send invoice");
  activate (fixture, "flows.toggle-visibility", flow);
  saved = test_host_load_saved (&fixture->host);
  g_assert_cmpint (flows_flow_get_visibility (flows_app_find_flow (saved, flows_flow_get_id (flow))), ==,
                   FLOWS_FLOW_VISIBILITY_PUBLIC);

  private_list = group_list (GTK_WIDGET (fixture->page), "Private Flows");
  public_list = group_list (GTK_WIDGET (fixture->page), "Public Flows");
  g_assert_cmpuint (count_rows (private_list), ==, 4);
  g_assert_cmpuint (count_rows (public_list), ==, 1);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row_at (public_list, 0))), ==, "Send invoice");
  g_assert_true (gtk_widget_has_focus (row_at (public_list, 0)));

  /* Role flows stay private. */
  activate (fixture, "flows.toggle-visibility", flow_at (fixture->host.app, 3));
  g_assert_cmpint (flows_flow_get_visibility (flow_at (fixture->host.app, 3)), ==, FLOWS_FLOW_VISIBILITY_PRIVATE);
  g_assert_cmpuint (count_rows (private_list), ==, 4);
}

static gboolean
is_flow_editor (GtkWidget     *widget,
                gconstpointer  data)
{
  return FLOWS_IS_FLOW_EDITOR (widget);
}

static void
test_open_in_editor (Fixture       *fixture,
                     gconstpointer  data)
{
  FlowsFlow *step1 = flow_at (fixture->host.app, 0);
  GtkWidget *editor;
  GtkStack *stack = GTK_STACK (adw_bin_get_child (ADW_BIN (fixture->page)));
  GListModel *stages = flows_flow_get_stages (step1);
  FlowsCanvas *canvas;
  g_autoptr(FlowsStage) stray = NULL;

  if (!test_need_display ())
    return;

  /* The editor is made when a flow is first opened. */
  g_assert_null (test_find_widget (GTK_WIDGET (fixture->page), is_flow_editor, NULL));
  activate (fixture, "flows.open", step1);
  editor = test_find_widget (GTK_WIDGET (fixture->page), is_flow_editor, NULL);
  g_assert_nonnull (editor);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "flow");
  g_assert_true (flows_flow_editor_get_flow (FLOWS_FLOW_EDITOR (editor)) == step1);
  g_assert_true (flows_flow_editor_get_app (FLOWS_FLOW_EDITOR (editor)) == fixture->host.app);

  /* A card per stage, and the template has nothing to complain about. */
  canvas = flows_flow_editor_get_canvas (FLOWS_FLOW_EDITOR (editor));
  g_assert_true (flows_canvas_get_flow (canvas) == step1);
  for (guint i = 0; i < g_list_model_get_n_items (stages); i++)
    {
      g_autoptr(FlowsStage) stage = g_list_model_get_item (stages, i);
      FlowsStageCard *card = flows_canvas_get_card (canvas, stage);

      g_assert_nonnull (card);
      g_assert_false (flows_stage_card_has_problems (card));
    }
  g_assert_cmpuint (flows_flow_editor_get_problems (FLOWS_FLOW_EDITOR (editor))->len, ==, 0);

  /* A stage no route leads to gets a problem badge once validation catches up. */
  stray = flows_stage_new ("stray-stage", "stray", FLOWS_STAGE_TYPE_SLEEP, "Forgotten pause");
  flows_flow_add_stage (step1, stray);
  flows_flow_editor_validate (FLOWS_FLOW_EDITOR (editor));
  g_assert_true (flows_stage_card_has_problems (flows_canvas_get_card (canvas, stray)));

  /* Back to the list, on the row of the flow. */
  activate (fixture, "flows.show-list", NULL);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "list");
  g_assert_null (flows_flow_editor_get_flow (FLOWS_FLOW_EDITOR (editor)));
  g_assert_true (gtk_widget_has_focus (row_at (group_list (GTK_WIDGET (fixture->page), "Private Flows"), 0)));
}

static gboolean
is_problem_badge (GtkWidget     *widget,
                  gconstpointer  data)
{
  return GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "flow-problem-badge");
}

/* A flow with problems is marked in the list with their number; its tooltip has each message. */
static void
test_problem_badge (Fixture       *fixture,
                    gconstpointer  data)
{
  FlowsFlow *step1 = flow_at (fixture->host.app, 0);
  g_autoptr(FlowsStage) stray = NULL;
  GtkWidget *row;
  GtkWidget *badge;

  if (!test_need_display ())
    return;

  row = row_at (group_list (GTK_WIDGET (fixture->page), "Private Flows"), 0);
  badge = test_get_widget (row, is_problem_badge, NULL);
  g_assert_false (gtk_widget_get_visible (badge));

  /* Two stages no route leads to: their problems are counted once the list shows again. */
  stray = flows_stage_new ("stray-stage", "stray", FLOWS_STAGE_TYPE_SLEEP, "Forgotten pause");
  flows_flow_add_stage (step1, stray);
  g_clear_object (&stray);
  stray = flows_stage_new ("stray-stage-2", "stray2", FLOWS_STAGE_TYPE_SLEEP, "Another pause");
  flows_flow_add_stage (step1, stray);
  activate (fixture, "flows.open", step1);
  activate (fixture, "flows.show-list", NULL);
  row = row_at (group_list (GTK_WIDGET (fixture->page), "Private Flows"), 0);
  badge = test_get_widget (row, is_problem_badge, NULL);
  g_assert_true (gtk_widget_get_visible (badge));
  {
    g_autoptr(GPtrArray) problems = flows_validate_flow_full (fixture->host.app, step1);
    g_autofree char *count = g_strdup_printf ("%u", problems->len);
    g_auto(GStrv) lines = g_strsplit (gtk_widget_get_tooltip_text (badge), "\n", -1);

    /* Each stray stage is unreachable, at least. */
    g_assert_cmpuint (problems->len, >=, 2);
    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (badge)), ==, count);
    g_assert_cmpuint (g_strv_length (lines), ==, problems->len);
    g_assert_true (g_str_has_prefix (lines[0], "Forgotten pause: "));
    g_assert_true (g_str_has_prefix (lines[problems->len - 1], "Another pause: "));
  }
  /* The other flows have none. */
  g_assert_false (gtk_widget_get_visible (test_get_widget (row_at (group_list (GTK_WIDGET (fixture->page), "Private Flows"), 1),
                                                           is_problem_badge, NULL)));

  /* Fixed: the mark goes. */
  flows_flow_remove_stage (step1, stray);
  flows_flow_remove_stage (step1, flows_flow_find_stage (step1, "stray-stage"));
  activate (fixture, "flows.show-list", NULL);
  g_assert_false (gtk_widget_get_visible (test_get_widget (row_at (group_list (GTK_WIDGET (fixture->page), "Private Flows"), 0),
                                                           is_problem_badge, NULL)));
}

static void
test_no_app (Fixture       *fixture,
             gconstpointer  data)
{
  GtkStack *stack;

  if (!test_need_display ())
    return;

  stack = GTK_STACK (adw_bin_get_child (ADW_BIN (fixture->page)));
  flows_flows_page_set_app (fixture->page, NULL);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "none");
  /* No App, no new flow. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "flows.new", NULL);
  test_wait_idle ();
  g_assert_null (find_dialog ());
}

int
main (int    argc,
      char **argv)
{
  /* GL under Xvfb costs seconds per window and tests nothing here. */
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  test_ui_init (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/flows-page/oauth-app-role-flows", test_oauth_app_lists_role_flows);
  ADD ("/flows-page/new-and-rename", test_new_and_rename);
  ADD ("/flows-page/duplicate", test_duplicate);
  ADD ("/flows-page/delete-and-undo", test_delete_and_undo);
  ADD ("/flows-page/delete-role-flow-refused", test_delete_role_flow_refused);
  ADD ("/flows-page/reset-to-template", test_reset_to_template);
  ADD ("/flows-page/visibility", test_visibility);
  ADD ("/flows-page/open-in-editor", test_open_in_editor);
  ADD ("/flows-page/no-app", test_no_app);
  ADD ("/flows-page/problem-badge", test_problem_badge);
#undef ADD

  return g_test_run ();
}
