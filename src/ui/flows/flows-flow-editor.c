/* flows-flow-editor.c — the flow editor */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "flows-flow-editor.h"
#include "flows-role-badge.h"
#include "flows-layout.h"
#include "flows-run-dialog.h"
#include "flows-stage-catalog.h"
#include "flows-stage-clipboard.h"
#include "flows-stage-palette.h"
#include "flows-stage-properties.h"
#include "flows-stage-registry.h"
#include "flows-ui-shared.h"
#include "flows-validate.h"
#include "flows-window.h"

/* A paste lands this far from what was copied when that is in view, so both can be seen. */
#define PASTE_OFFSET (2 * FLOWS_LAYOUT_GRID)
/* Validation waits for a burst of edits (typing) to settle. */
#define VALIDATE_DELAY_MS 150
/* The properties panel: its width at first and its narrowest (the panel's and the canvas's
 * minimum widths are in flows-flow-editor.ui, the narrowest is the schema's too). */
#define PROPERTIES_WIDTH 420
#define MIN_PROPERTIES_WIDTH 280
/* The flows whose undo history is kept while another is shown: the last ones shown. */
#define MAX_KEPT_HISTORIES 32

/* The undo history of a flow not on show, and the flow's stages as they were when it was left:
 * a flow changed meanwhile (reset to its template, reloaded) starts a new history, since the
 * old steps would not fit it. */
typedef struct
{
  FlowsHistory *history;
  char         *stages;
} KeptHistory;

struct _FlowsFlowEditor
{
  AdwBin                parent_instance;

  FlowsLibrary         *library;
  FlowsRunner          *own_runner;
  FlowsApp             *app;
  FlowsFlow            *flow;
  GSignalGroup         *flow_signals;
  FlowsHistory         *history;
  GSignalGroup         *history_signals;
  GPtrArray            *kept_histories;   /* KeptHistory, the one left last at the end */
  GPtrArray            *problems;
  guint                 validate_source;
  GtkWidget            *badge;

  /* The run in progress, or the last one; the runner's signals while it runs. */
  GCancellable         *run_cancellable;
  GSignalGroup         *runner_signals;
  FlowsRun             *last_run;

  GtkBox               *title_box;
  GtkLabel             *title_label;
  GtkLabel             *run_status_label;
  GtkToggleButton      *palette_button;
  GtkLabel             *zoom_label;
  GtkMenuButton        *problems_button;
  GtkLabel             *problems_label;
  GtkListBox           *problems_list;
  GtkPopover           *problems_popover;
  GtkWidget            *run_button;
  GtkWidget            *cancel_button;
  GtkToggleButton      *properties_button;
  GtkPaned             *properties_paned;
  GtkWidget            *properties_scroller;
  int                   placed_paned_width; /* the paned's width when the panel was last placed */
  gboolean              placing;            /* the position changing is ours, not the user's */
  gboolean              place_pending;      /* the panel is to be placed once laid out */
  gboolean              reveal_pending;     /* its stage is to be scrolled into view then */
  guint                 layout_tick;
  guint                 remember_source;
  GSettings            *settings;          /* NULL without the installed schema */
  GtkSearchBar         *find_bar;
  GtkSearchEntry       *find_entry;
  GtkMenuButton        *connect_button;
  GtkPopover           *connect_popover;
  GtkSearchEntry       *connect_search;
  GtkListBox           *connect_list;
  FlowsStage           *connect_source;   /* the stage the rows of connect_list are for */
  FlowsStagePalette    *palette;
  FlowsCanvas          *canvas;
  GMenuModel           *stage_menu;
  FlowsStageProperties *properties;
};

G_DEFINE_FINAL_TYPE (FlowsFlowEditor, flows_flow_editor, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_LIBRARY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_actions (FlowsFlowEditor *self);
static void show_stage_details (FlowsFlowEditor *self);

static GPtrArray *
get_selection (FlowsFlowEditor *self)
{
  return flows_canvas_get_selection (self->canvas);
}

/* Kept histories ------------------------------------------------------------------------------ */

static void
kept_history_free (KeptHistory *kept)
{
  g_object_unref (kept->history);
  g_free (kept->stages);
  g_free (kept);
}

static char *
serialize_stages (FlowsFlow *flow)
{
  GListModel *stages = flows_flow_get_stages (flow);
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (stages); i++)
    g_ptr_array_add (all, g_list_model_get_item (stages, i));
  return flows_stage_clipboard_serialize (all);
}

/* Undo history lives per flow for as long as the editor does (the Flows page keeps one for the
 * session): closing a flow and opening it again keeps its steps. */
static void
keep_history (FlowsFlowEditor *self)
{
  KeptHistory *kept;

  if (self->history == NULL)
    return;
  kept = g_new0 (KeptHistory, 1);
  kept->history = g_steal_pointer (&self->history);
  kept->stages = serialize_stages (flows_history_get_flow (kept->history));
  g_ptr_array_add (self->kept_histories, kept);
  if (self->kept_histories->len > MAX_KEPT_HISTORIES)
    g_ptr_array_remove_index (self->kept_histories, 0);
}

static FlowsHistory *
take_history (FlowsFlowEditor *self,
              FlowsFlow       *flow)
{
  for (guint i = 0; i < self->kept_histories->len; i++)
    {
      KeptHistory *kept = g_ptr_array_index (self->kept_histories, i);

      if (flows_history_get_flow (kept->history) == flow)
        {
          g_autofree char *now = serialize_stages (flow);
          FlowsHistory *history = g_str_equal (now, kept->stages) ? g_object_ref (kept->history) : NULL;

          g_ptr_array_remove_index (self->kept_histories, i);
          if (history != NULL)
            return history;
          break;
        }
    }
  return flows_history_new (flow);
}

/* Validation ------------------------------------------------------------------------------- */

static void
on_problem_row_activated (FlowsFlowEditor *self,
                          GtkListBoxRow   *row)
{
  const char *stage_id = g_object_get_data (G_OBJECT (row), "stage-id");
  FlowsStage *stage = stage_id != NULL && self->flow != NULL ? flows_flow_find_stage (self->flow, stage_id) : NULL;

  gtk_popover_popdown (self->problems_popover);
  if (stage != NULL)
    flows_canvas_select_stage (self->canvas, stage, FALSE);
}

/* The rows of the Problems list, made when the list is shown: a large flow can have hundreds of
 * problems, and rows nobody looks at cost more than the validation itself. */
static void
fill_problem_rows (FlowsFlowEditor *self)
{
  GtkWidget *child;
  guint n = self->problems != NULL ? self->problems->len : 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->problems_list))) != NULL)
    gtk_list_box_remove (self->problems_list, child);

  for (guint i = 0; i < n; i++)
    {
      FlowsProblem *problem = g_ptr_array_index (self->problems, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;

      /* Row titles and subtitles are markup in libadwaita 1.2; a message quotes the user's own
       * text. */
      title = problem->stage_name != NULL ? g_markup_escape_text (problem->stage_name, -1)
                                          : g_markup_escape_text (_("The flow"), -1);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      subtitle = g_markup_escape_text (problem->message, -1);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      g_object_set_data_full (G_OBJECT (row), "stage-id", g_strdup (problem->stage_id), g_free);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), problem->stage_id != NULL);
      gtk_list_box_append (self->problems_list, row);
    }
}

static void
fill_problems (FlowsFlowEditor *self)
{
  g_autoptr(GHashTable) by_stage = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  guint n = self->problems != NULL ? self->problems->len : 0;

  for (guint i = 0; i < n; i++)
    {
      FlowsProblem *problem = g_ptr_array_index (self->problems, i);
      char *text;

      if (problem->stage_id == NULL)
        continue;
      text = g_hash_table_lookup (by_stage, problem->stage_id);
      g_hash_table_replace (by_stage, problem->stage_id,
                            text != NULL ? g_strconcat (text, "\n", problem->message, NULL)
                                         : g_strdup (problem->message));
    }

  flows_canvas_set_problems (self->canvas, by_stage);
  flows_stage_properties_set_problems (self->properties, self->problems);
  if (gtk_widget_get_visible (GTK_WIDGET (self->problems_popover)))
    fill_problem_rows (self);

  gtk_widget_set_visible (GTK_WIDGET (self->problems_button), n > 0);
  if (n > 0)
    {
      g_autofree char *label = g_strdup_printf (ngettext ("%u Problem", "%u Problems", n), n);

      gtk_label_set_text (self->problems_label, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->problems_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
    }
  else
    gtk_popover_popdown (self->problems_popover);
}

void
flows_flow_editor_validate (FlowsFlowEditor *self)
{
  g_return_if_fail (FLOWS_IS_FLOW_EDITOR (self));

  g_clear_handle_id (&self->validate_source, g_source_remove);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  if (self->app != NULL && self->flow != NULL)
    self->problems = flows_validate_flow_full (self->app, self->flow);
  fill_problems (self);
}

static gboolean
validate_later_cb (gpointer user_data)
{
  FlowsFlowEditor *self = user_data;

  self->validate_source = 0;
  flows_flow_editor_validate (self);
  return G_SOURCE_REMOVE;
}

static void
validate_later (FlowsFlowEditor *self)
{
  g_clear_handle_id (&self->validate_source, g_source_remove);
  self->validate_source = g_timeout_add (VALIDATE_DELAY_MS, validate_later_cb, self);
}

/* History ---------------------------------------------------------------------------------- */

static void
on_history_changed (FlowsFlowEditor *self)
{
  if (self->library != NULL && self->app != NULL)
    flows_library_queue_save_app (self->library, self->app);
  validate_later (self);
  update_actions (self);
}

static void
update_actions (FlowsFlowEditor *self)
{
  g_autoptr(GPtrArray) selection = get_selection (self);
  gboolean has_flow = self->flow != NULL;
  gboolean has_selection = selection->len > 0;
  gboolean running = self->run_cancellable != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.undo",
                                 self->history != NULL && flows_history_get_can_undo (self->history));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.redo",
                                 self->history != NULL && flows_history_get_can_redo (self->history));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.cut", has_selection);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.copy", has_selection);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.duplicate", has_selection);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.delete",
                                 has_selection || flows_canvas_get_selected_route (self->canvas, NULL, NULL));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.paste", has_flow);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.connect", selection->len == 1);
  /* Connect to… is for one selected stage; closed first, it has given the focus back before its
   * button turns insensitive (on_connect_popover_closed says why that matters). */
  if (selection->len != 1)
    gtk_popover_popdown (self->connect_popover);
  gtk_widget_set_sensitive (GTK_WIDGET (self->connect_button), selection->len == 1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.select-route",
                                 selection->len == 1 || flows_canvas_get_selected_route (self->canvas, NULL, NULL));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.run", has_flow && !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.cancel-run", running);
  gtk_widget_set_visible (self->run_button, !running);
  gtk_widget_set_visible (self->cancel_button, running);
}

static void
on_can_undo_changed (FlowsFlowEditor *self)
{
  update_actions (self);
}

/* Title -------------------------------------------------------------------------------------- */

static void
update_title (FlowsFlowEditor *self)
{
  if (self->badge != NULL)
    {
      gtk_box_remove (self->title_box, self->badge);
      self->badge = NULL;
    }
  gtk_label_set_text (self->title_label, self->flow != NULL ? flows_flow_get_name (self->flow) : "");
  if (self->flow != NULL && flows_flow_get_role (self->flow) != FLOWS_FLOW_ROLE_NONE)
    {
      self->badge = flows_flow_role_badge_new (flows_flow_get_role (self->flow));
      gtk_box_append (self->title_box, self->badge);
    }
}

static void
on_zoom_changed (FlowsFlowEditor *self)
{
  g_autofree char *text = NULL;

  /* Translators: the canvas's zoom level. */
  text = g_strdup_printf (_("%.0f %%"), flows_canvas_get_zoom (self->canvas) * 100);
  gtk_label_set_text (self->zoom_label, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_parent (GTK_WIDGET (self->zoom_label))),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

/* Selection and properties -------------------------------------------------------------------- */

static const FlowsTraceEntry *
last_trace_entry (FlowsFlowEditor *self,
                  FlowsStage      *stage)
{
  GPtrArray *trace;

  if (self->last_run == NULL || stage == NULL)
    return NULL;

  /* The last time the stage ran in this flow (a For Each runs it more than once). */
  trace = flows_run_get_trace (self->last_run);
  for (guint i = trace->len; i > 0; i--)
    {
      FlowsTraceEntry *entry = g_ptr_array_index (trace, i - 1);

      if (entry->depth == 0 && g_strcmp0 (entry->stage_id, flows_stage_get_id (stage)) == 0)
        return entry;
    }
  return NULL;
}

static void
show_stage_details (FlowsFlowEditor *self)
{
  g_autoptr(GPtrArray) selection = get_selection (self);
  FlowsStage *stage = selection->len == 1 ? g_ptr_array_index (selection, 0) : NULL;

  flows_stage_properties_set_stage (self->properties, stage);
  flows_stage_properties_set_trace_entry (self->properties, last_trace_entry (self, stage));
}

static void
on_selection_changed (FlowsFlowEditor *self)
{
  show_stage_details (self);
  update_actions (self);
}

static void
on_stage_activated (FlowsFlowEditor *self,
                    FlowsStage      *stage)
{
  gtk_toggle_button_set_active (self->properties_button, TRUE);
  flows_stage_properties_set_stage (self->properties, stage);
  gtk_widget_child_focus (GTK_WIDGET (self->properties), GTK_DIR_TAB_FORWARD);
}

/* Room ---------------------------------------------------------------------------------------- */

/* The panel and the canvas share a GtkPaned: the user's handle decides the panel's width, which
 * is remembered ("properties-width"); the window decides the room. The panel has its remembered
 * width whenever the room allows it, and both shrink to their minimum widths (in the template)
 * rather than make the window wider. The width is a position of the paned, so it can only be
 * set once the paned is laid out: opening the panel as the flow opens finds it unallocated. */

static int
handle_width (FlowsFlowEditor *self)
{
  GtkWidget *handle = gtk_widget_get_next_sibling (gtk_paned_get_start_child (self->properties_paned));
  int width = 0;

  if (handle != NULL)
    gtk_widget_measure (handle, GTK_ORIENTATION_HORIZONTAL, -1, &width, NULL, NULL, NULL);
  return width;
}

static int
remembered_width (FlowsFlowEditor *self)
{
  return self->settings != NULL ? g_settings_get_int (self->settings, "properties-width") : PROPERTIES_WIDTH;
}

static void
place_properties (FlowsFlowEditor *self)
{
  int paned_width = gtk_widget_get_width (GTK_WIDGET (self->properties_paned));
  int canvas_minimum, panel_minimum, room, position;

  if (paned_width <= 0)
    {
      self->place_pending = TRUE;
      return;
    }
  gtk_widget_measure (gtk_paned_get_start_child (self->properties_paned), GTK_ORIENTATION_HORIZONTAL, -1,
                      &canvas_minimum, NULL, NULL, NULL);
  gtk_widget_measure (self->properties_scroller, GTK_ORIENTATION_HORIZONTAL, -1, &panel_minimum, NULL, NULL, NULL);
  room = paned_width - handle_width (self);
  /* Clamped here as the paned would: a position it clamps itself would look like the user's. */
  position = MAX (canvas_minimum, MIN (room - remembered_width (self), room - panel_minimum));
  self->place_pending = FALSE;
  self->placed_paned_width = paned_width;
  self->placing = TRUE;
  gtk_paned_set_position (self->properties_paned, position);
  self->placing = FALSE;
}

/* Runs at the start of each frame until what was waiting for a layout is done: placing the
 * panel, then (a frame later, once the canvas has its new width) scrolling its stage into
 * view, so that the panel never covers the stage it shows. */
static gboolean
after_layout_tick (GtkWidget     *widget,
                   GdkFrameClock *frame_clock,
                   gpointer       user_data)
{
  FlowsFlowEditor *self = user_data;
  FlowsStage *stage;

  if (self->place_pending)
    {
      place_properties (self);
      return G_SOURCE_CONTINUE;
    }
  stage = flows_stage_properties_get_stage (self->properties);
  if (self->reveal_pending && stage != NULL && gtk_widget_get_visible (self->properties_scroller))
    flows_canvas_scroll_to_stage (self->canvas, stage);
  self->reveal_pending = FALSE;
  self->layout_tick = 0;
  return G_SOURCE_REMOVE;
}

static void
wait_for_layout (FlowsFlowEditor *self)
{
  if (self->layout_tick == 0)
    self->layout_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self->properties_paned), after_layout_tick, self, NULL);
}

static gboolean
remember_properties_width (gpointer user_data)
{
  FlowsFlowEditor *self = user_data;
  int width = gtk_widget_get_width (self->properties_scroller);

  self->remember_source = 0;
  if (self->settings != NULL && width >= MIN_PROPERTIES_WIDTH)
    g_settings_set_int (self->settings, "properties-width", width);
  return G_SOURCE_REMOVE;
}

/* The position moves when the user drags the handle (or moves it with F8 and the arrow keys),
 * and when the window changes width: the first is remembered, once the drag has been laid
 * out; the second places the panel again, back to its width if the room came back. */
static void
on_paned_position_changed (FlowsFlowEditor *self)
{
  if (self->placing || !gtk_widget_get_visible (self->properties_scroller))
    return;
  if (self->place_pending || gtk_widget_get_width (GTK_WIDGET (self->properties_paned)) != self->placed_paned_width)
    {
      self->place_pending = TRUE;
      wait_for_layout (self);
      return;
    }
  if (self->remember_source == 0)
    self->remember_source = g_idle_add_full (G_PRIORITY_LOW, remember_properties_width, self, NULL);
}

/* Opening the panel fits the remembered width into the room there is now, and brings the
 * stage it shows into view. */
static void
on_properties_toggled (FlowsFlowEditor *self)
{
  if (!gtk_toggle_button_get_active (self->properties_button))
    return;
  place_properties (self);
  self->reveal_pending = TRUE;
  wait_for_layout (self);
}

/* The window's Apps sidebar folds away for a flow (the window's "win.show-sidebar"); leaving
 * the flow brings it back. In a folded window the Apps are a page of their own, a back button
 * away, and the editor was all that showed: nothing to bring back. */
static void
show_window_sidebar (FlowsFlowEditor *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GAction *action = G_IS_ACTION_MAP (root) ? g_action_map_lookup_action (G_ACTION_MAP (root), "show-sidebar") : NULL;
  g_autoptr(GVariant) state = action != NULL ? g_action_get_state (action) : NULL;
  GtkWidget *leaflet = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_LEAFLET);

  if (leaflet != NULL && adw_leaflet_get_folded (ADW_LEAFLET (leaflet)))
    return;
  if (state != NULL && !g_variant_get_boolean (state))
    g_action_change_state (action, g_variant_new_boolean (TRUE));
}

static void
on_palette_dismissed (FlowsFlowEditor *self)
{
  gtk_toggle_button_set_active (self->palette_button, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
}

/* Connecting from the keyboard --------------------------------------------------------------- */

/* "Connect to…": every (route, stage) a route of the selected stage can lead to, searchable;
 * choosing one sets that route, one undo step, as a drag from the port does. */

static gboolean
filter_connect_row (GtkListBoxRow *row,
                    gpointer       user_data)
{
  FlowsFlowEditor *self = user_data;
  g_autofree char *needle = g_utf8_casefold (gtk_editable_get_text (GTK_EDITABLE (self->connect_search)), -1);
  g_autofree char *title = g_utf8_casefold (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), -1);
  g_auto(GStrv) words = g_strsplit (needle, " ", -1);

  /* Every word, in any order: "fail wait" finds "Fail → Wait a little". */
  for (guint i = 0; words[i] != NULL; i++)
    if (strstr (title, words[i]) == NULL)
      return FALSE;
  return TRUE;
}

static GtkListBoxRow *
first_connect_row (FlowsFlowEditor *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->connect_list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child) && filter_connect_row (GTK_LIST_BOX_ROW (child), self))
      return GTK_LIST_BOX_ROW (child);
  return NULL;
}

static GtkWidget *
connect_row_new (FlowsFlowEditor       *self,
                 const FlowsStageRoute *route,
                 FlowsStage            *target)
{
  GtkWidget *row = adw_action_row_new ();
  /* Translators: a choice of "Connect to…": a route of the stage, and the stage it would lead to. */
  g_autofree char *title = g_strdup_printf (_("%s → %s"), flows_stage_route_get_label (route), flows_stage_get_name (target));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  if (g_strcmp0 (flows_stage_get_route (self->connect_source, route->name), flows_stage_get_id (target)) == 0)
    {
      GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic");

      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Current route"), -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Current route"));
    }
  g_object_set_data_full (G_OBJECT (row), "flows-output", g_strdup (route->name), g_free);
  g_object_set_data_full (G_OBJECT (row), "flows-target", g_strdup (flows_stage_get_id (target)), g_free);
  return row;
}

static void
fill_connect_rows (FlowsFlowEditor *self)
{
  g_autoptr(GPtrArray) selection = get_selection (self);
  FlowsStage *source = selection->len == 1 ? g_ptr_array_index (selection, 0) : NULL;
  GListModel *stages;
  const FlowsStageRoute *routes;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->connect_list))) != NULL)
    gtk_list_box_remove (self->connect_list, child);
  g_set_object (&self->connect_source, source);
  gtk_editable_set_text (GTK_EDITABLE (self->connect_search), "");
  if (self->connect_source == NULL || self->flow == NULL)
    return;

  stages = flows_flow_get_stages (self->flow);
  routes = flows_stage_kind_get_routes (flows_stage_registry_for_stage (self->connect_source));
  for (guint r = 0; routes[r].name != NULL; r++)
    for (guint i = 0; i < g_list_model_get_n_items (stages); i++)
      {
        g_autoptr(FlowsStage) target = g_list_model_get_item (stages, i);

        /* The Trigger starts the flow; no route leads into it, nor back into the stage itself. */
        if (target != self->connect_source && flows_stage_get_stage_type (target) != FLOWS_STAGE_TYPE_TRIGGER)
          gtk_list_box_append (self->connect_list, connect_row_new (self, &routes[r], target));
      }
  gtk_list_box_select_row (self->connect_list, first_connect_row (self));
}

static void
on_connect_search_changed (FlowsFlowEditor *self)
{
  gtk_list_box_invalidate_filter (self->connect_list);
  gtk_list_box_select_row (self->connect_list, first_connect_row (self));
}

static void
on_connect_row_activated (FlowsFlowEditor *self,
                          GtkListBoxRow   *row)
{
  FlowsStage *source = self->connect_source;
  FlowsStage *target;

  if (source == NULL || self->flow == NULL)
    return;
  target = flows_flow_find_stage (self->flow, g_object_get_data (G_OBJECT (row), "flows-target"));
  gtk_popover_popdown (self->connect_popover);
  if (target != NULL)
    flows_canvas_connect (self->canvas, source, g_object_get_data (G_OBJECT (row), "flows-output"), target);
  flows_canvas_select_stage (self->canvas, source, FALSE);
}

static void
on_connect_search_activate (FlowsFlowEditor *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->connect_list);

  if (row != NULL && gtk_widget_get_child_visible (GTK_WIDGET (row)))
    on_connect_row_activated (self, row);
}

/* Down from the search goes into the list. */
static gboolean
on_connect_search_key_pressed (FlowsFlowEditor *self,
                               guint            keyval,
                               guint            keycode,
                               GdkModifierType  state)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->connect_list);

  if ((keyval != GDK_KEY_Down && keyval != GDK_KEY_KP_Down) || row == NULL)
    return FALSE;
  gtk_widget_grab_focus (GTK_WIDGET (row));
  return TRUE;
}

static void
on_connect_popover_map (FlowsFlowEditor *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->connect_search));
}

/* Connect to… closed, however (a route taken, Escape, a click elsewhere, a selection that is no
 * longer one stage): the focus goes back to the stage it was opened for, or to the canvas, now.
 * GTK would move it only at its next frame, and until then the hidden search keeps it; and GTK
 * 4.8 loses the focus-out of a focused text whose ancestor turns insensitive, as the Connect
 * button does: gtk_widget_propagate_state() marks the text insensitive before it unsets the
 * focus, and focus controllers ignore crossings of insensitive widgets. The text's cursor then
 * blinks on without the focus, and GTK warns "GtkText - did not receive a focus-out event". */
static void
on_connect_popover_closed (FlowsFlowEditor *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  FlowsStageCard *card;

  if (focus == NULL || !gtk_widget_is_ancestor (focus, GTK_WIDGET (self->connect_popover)))
    return;
  card = self->connect_source != NULL ? flows_canvas_get_card (self->canvas, self->connect_source) : NULL;
  if (!gtk_widget_grab_focus (card != NULL ? GTK_WIDGET (card) : GTK_WIDGET (self->canvas)))
    gtk_root_set_focus (root, NULL);
}

/* Adding stages ------------------------------------------------------------------------------- */

static gboolean
place_is_free (FlowsFlowEditor *self,
               double           x,
               double           y)
{
  GListModel *stages = flows_flow_get_stages (self->flow);
  guint n = g_list_model_get_n_items (stages);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FlowsStage) stage = g_list_model_get_item (stages, i);

      if (ABS (flows_stage_get_x (stage) - x) < FLOWS_LAYOUT_CARD_WIDTH &&
          ABS (flows_stage_get_y (stage) - y) < FLOWS_LAYOUT_CARD_HEIGHT)
        return FALSE;
    }
  return TRUE;
}

static void
add_stage (FlowsFlowEditor *self,
           FlowsStageType   stage_type)
{
  FlowsStage *stage;
  double x, y;

  if (self->history == NULL)
    return;

  /* At the middle of the view, or below it where a card already sits there. */
  flows_canvas_get_view_center (self->canvas, &x, &y);
  for (guint i = 0; i < 50 && !place_is_free (self, x, y); i++)
    y += FLOWS_LAYOUT_CARD_HEIGHT + 2 * FLOWS_LAYOUT_GRID;

  stage = flows_history_add_stage (self->history, stage_type, x, y);
  flows_canvas_select_stage (self->canvas, stage, FALSE);
}

static void
on_palette_activated (FlowsFlowEditor *self,
                      FlowsStageType   stage_type)
{
  add_stage (self, stage_type);
}

/* Clipboard ---------------------------------------------------------------------------------- */

static void
copy_selection (FlowsFlowEditor *self)
{
  g_autoptr(GPtrArray) selection = get_selection (self);
  g_autofree char *text = NULL;

  if (selection->len == 0)
    return;
  text = flows_stage_clipboard_serialize (selection);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
}

/* Pastes @text's stages: beside the originals when those are in view, else in the middle of the
 * view. */
static void
paste_text (FlowsFlowEditor *self,
            const char      *text)
{
  g_autoptr(GPtrArray) stages = NULL;
  g_autoptr(GError) error = NULL;
  double min_x = G_MAXDOUBLE, min_y = G_MAXDOUBLE, center_x, center_y, dx, dy;
  double view_x, view_y, view_x2, view_y2;

  if (self->history == NULL || text == NULL)
    return;

  if (!(stages = flows_stage_clipboard_parse (text, self->flow, 0, 0, &error)))
    {
      g_autofree char *message = g_strdup_printf (_("Nothing to paste: %s"), error->message);

      flows_widget_show_toast (GTK_WIDGET (self), message);
      return;
    }
  if (stages->len == 0)
    return;

  for (guint i = 0; i < stages->len; i++)
    {
      FlowsStage *stage = g_ptr_array_index (stages, i);

      min_x = MIN (min_x, flows_stage_get_x (stage));
      min_y = MIN (min_y, flows_stage_get_y (stage));
    }

  flows_canvas_widget_to_canvas (self->canvas, 0, 0, &view_x, &view_y);
  flows_canvas_widget_to_canvas (self->canvas,
                                 gtk_widget_get_width (GTK_WIDGET (self->canvas)),
                                 gtk_widget_get_height (GTK_WIDGET (self->canvas)),
                                 &view_x2, &view_y2);
  if (min_x >= view_x && min_x < view_x2 && min_y >= view_y && min_y < view_y2)
    {
      dx = PASTE_OFFSET;
      dy = PASTE_OFFSET;
    }
  else
    {
      flows_canvas_get_view_center (self->canvas, &center_x, &center_y);
      dx = center_x - min_x;
      dy = center_y - min_y;
    }

  for (guint i = 0; i < stages->len; i++)
    {
      FlowsStage *stage = g_ptr_array_index (stages, i);

      flows_stage_set_position (stage, flows_stage_get_x (stage) + dx, flows_stage_get_y (stage) + dy);
    }

  flows_history_begin_group (self->history, ngettext ("Paste Stage", "Paste Stages", stages->len));
  flows_history_insert_stages (self->history, stages);
  flows_history_end_group (self->history);
  flows_canvas_select_stages (self->canvas, stages);
}

static void
on_clipboard_text (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(FlowsFlowEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);

  if (text == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        flows_widget_show_toast (GTK_WIDGET (self), _("Nothing to paste: the clipboard holds no text"));
      return;
    }
  paste_text (self, text);
}

/* Runs --------------------------------------------------------------------------------------- */

static void
on_stage_started (FlowsFlowEditor *self,
                  FlowsFlow       *flow,
                  guint            depth,
                  const char      *stage_id)
{
  if (flow != self->flow || depth != 0)
    return;
  flows_canvas_set_stage_run_state (self->canvas, stage_id, FLOWS_STAGE_RUN_STATE_RUNNING, 0);
}

static void
on_stage_finished (FlowsFlowEditor *self,
                   FlowsFlow       *flow,
                   guint            depth,
                   const char      *stage_id,
                   const char      *route,
                   gboolean         failed,
                   gint64           duration_us)
{
  if (flow != self->flow || depth != 0)
    return;
  flows_canvas_set_stage_run_state (self->canvas, stage_id,
                                    failed ? FLOWS_STAGE_RUN_STATE_FAILED : FLOWS_STAGE_RUN_STATE_SUCCEEDED,
                                    duration_us);
  if (route != NULL)
    flows_canvas_set_route_taken (self->canvas, stage_id, route);
}

static void
disconnect_run (FlowsFlowEditor *self)
{
  g_signal_group_set_target (self->runner_signals, NULL);
  g_clear_object (&self->run_cancellable);
}

static void
set_run_status (FlowsFlowEditor *self,
                const char      *text,
                const char      *style)
{
  gtk_label_set_text (self->run_status_label, text != NULL ? text : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->run_status_label), text);
  gtk_widget_set_visible (GTK_WIDGET (self->run_status_label), text != NULL);
  gtk_widget_remove_css_class (GTK_WIDGET (self->run_status_label), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->run_status_label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->run_status_label), "dim-label");
  if (style != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->run_status_label), style);
}

/* A run's completion finds its editor, and knows whether the editor still waits for it. */
typedef struct
{
  FlowsFlowEditor *self;
  GCancellable    *cancellable;
} RunData;

static void
on_run_finished (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  RunData *data = user_data;
  g_autoptr(FlowsFlowEditor) self = data->self;
  g_autoptr(GCancellable) cancellable = data->cancellable;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlowsRun) run = flows_runner_run_finish (FLOWS_RUNNER (source), result, &error);

  g_free (data);

  /* The editor moved on to another flow while this run went on. */
  if (cancellable != self->run_cancellable)
    return;

  disconnect_run (self);
  flows_canvas_finish_run (self->canvas);

  if (run == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_run_status (self, _("Run stopped"), "dim-label");
      else
        {
          g_autofree char *text = g_strdup_printf (_("Could not run: %s"), error->message);

          set_run_status (self, text, "error");
        }
    }
  else
    {
      g_autofree char *text = NULL;
      double ms = flows_run_get_duration (run) / 1000.0;

      g_set_object (&self->last_run, run);
      if (flows_run_get_succeeded (run) && ms < 1000)
        text = g_strdup_printf (_("Succeeded in %.0f ms"), ms);
      else if (flows_run_get_succeeded (run))
        text = g_strdup_printf (_("Succeeded in %.1f s"), ms / 1000);
      else if (flows_run_get_failed_stage_name (run) != NULL)
        text = g_strdup_printf (_("Failed at “%s”: %s"), flows_run_get_failed_stage_name (run),
                                flows_run_get_error_message (run));
      else
        text = g_strdup_printf (_("Failed: %s"), flows_run_get_error_message (run));
      set_run_status (self, text, flows_run_get_succeeded (run) ? "success" : "error");
      flows_stage_properties_set_last_run (self->properties, run);
      show_stage_details (self);
    }

  update_actions (self);
}

void
flows_flow_editor_run (FlowsFlowEditor *self,
                       GHashTable      *inputs,
                       FlowsConnection *connection)
{
  FlowsRunner *runner;
  RunData *data;

  g_return_if_fail (FLOWS_IS_FLOW_EDITOR (self));

  if (self->flow == NULL || self->run_cancellable != NULL)
    return;

  runner = flows_shared_runner (&self->own_runner, self->library);
  self->run_cancellable = g_cancellable_new ();
  g_signal_group_set_target (self->runner_signals, runner);

  flows_canvas_clear_run (self->canvas);
  set_run_status (self, _("Running…"), "dim-label");
  data = g_new0 (RunData, 1);
  data->self = g_object_ref (self);
  data->cancellable = g_object_ref (self->run_cancellable);
  flows_runner_run_async (runner, self->app, self->flow, inputs, connection, NULL,
                          self->run_cancellable, on_run_finished, data);
  update_actions (self);
}

gboolean
flows_flow_editor_is_running (FlowsFlowEditor *self)
{
  g_return_val_if_fail (FLOWS_IS_FLOW_EDITOR (self), FALSE);

  return self->run_cancellable != NULL;
}

FlowsRun *
flows_flow_editor_get_last_run (FlowsFlowEditor *self)
{
  g_return_val_if_fail (FLOWS_IS_FLOW_EDITOR (self), NULL);

  return self->last_run;
}

static void
on_run_requested (FlowsFlowEditor *self,
                  GHashTable      *inputs,
                  FlowsConnection *connection,
                  FlowsRunDialog  *dialog)
{
  flows_flow_editor_run (self, inputs, connection);
}

/* Find --------------------------------------------------------------------------------------- */

/* The next stage after the selected one whose name contains the text, case aside. */
static void
find_next (FlowsFlowEditor *self,
           gboolean         skip_current)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->find_entry));
  g_autofree char *needle = g_utf8_casefold (text, -1);
  g_autoptr(GPtrArray) selection = get_selection (self);
  GListModel *stages;
  guint n, start = 0;

  if (self->flow == NULL || *needle == '\0')
    return;

  stages = flows_flow_get_stages (self->flow);
  n = g_list_model_get_n_items (stages);
  if (selection->len == 1)
    for (guint i = 0; i < n; i++)
      {
        g_autoptr(FlowsStage) stage = g_list_model_get_item (stages, i);

        if (stage == g_ptr_array_index (selection, 0))
          {
            start = skip_current ? i + 1 : i;
            break;
          }
      }

  for (guint k = 0; k < n; k++)
    {
      g_autoptr(FlowsStage) stage = g_list_model_get_item (stages, (start + k) % n);
      g_autofree char *name = g_utf8_casefold (flows_stage_get_name (stage), -1);

      if (strstr (name, needle) != NULL)
        {
          g_autoptr(GPtrArray) found = g_ptr_array_new ();

          g_ptr_array_add (found, stage);
          flows_canvas_select_stages (self->canvas, found);
          flows_canvas_scroll_to_stage (self->canvas, stage);
          gtk_widget_remove_css_class (GTK_WIDGET (self->find_entry), "error");
          return;
        }
    }
  gtk_widget_add_css_class (GTK_WIDGET (self->find_entry), "error");
}

static void
on_find_changed (FlowsFlowEditor *self)
{
  find_next (self, FALSE);
}

static void
on_find_next (FlowsFlowEditor *self)
{
  find_next (self, TRUE);
}

/* Enter: the found stage takes the focus, and the search bar closes. */
static void
on_find_activate (FlowsFlowEditor *self)
{
  g_autoptr(GPtrArray) selection = get_selection (self);

  gtk_search_bar_set_search_mode (self->find_bar, FALSE);
  if (selection->len == 1)
    flows_canvas_select_stage (self->canvas, g_ptr_array_index (selection, 0), FALSE);
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
}

/* Actions ------------------------------------------------------------------------------------ */

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FlowsFlowEditor *self = FLOWS_FLOW_EDITOR (widget);

  if (self->history != NULL)
    flows_history_undo (self->history);
}

static void
redo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FlowsFlowEditor *self = FLOWS_FLOW_EDITOR (widget);

  if (self->history != NULL)
    flows_history_redo (self->history);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  copy_selection (FLOWS_FLOW_EDITOR (widget));
}

static void
cut_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  FlowsFlowEditor *self = FLOWS_FLOW_EDITOR (widget);
  g_autoptr(GPtrArray) selection = get_selection (self);

  if (selection->len == 0 || self->history == NULL)
    return;
  copy_selection (self);
  flows_history_begin_group (self->history, ngettext ("Cut Stage", "Cut Stages", selection->len));
  flows_history_remove_stages (self->history, selection);
  flows_history_end_group (self->history);
}

static void
paste_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  FlowsFlowEditor *self = FLOWS_FLOW_EDITOR (widget);

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (widget), NULL, on_clipboard_text,
                                 g_object_ref (self));
}

static void
duplicate_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FlowsFlowEditor *self = FLOWS_FLOW_EDITOR (widget);
  g_autoptr(GPtrArray) selection = get_selection (self);
  g_autofree char *text = NULL;

  if (selection->len == 0)
    return;
  text = flows_stage_clipboard_serialize (selection);
  paste_text (self, text);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  flows_canvas_delete_selection (FLOWS_FLOW_EDITOR (widget)->canvas);
}

static void
select_all_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  flows_canvas_select_all (FLOWS_FLOW_EDITOR (widget)->canvas);
}

static void
find_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FlowsFlowEditor *self = FLOWS_FLOW_EDITOR (widget);

  gtk_search_bar_set_search_mode (self->find_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->find_entry));
}

static void
zoom_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  flows_canvas_zoom_in (FLOWS_FLOW_EDITOR (widget)->canvas);
}

static void
zoom_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  flows_canvas_zoom_out (FLOWS_FLOW_EDITOR (widget)->canvas);
}

static void
zoom_reset_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  flows_canvas_set_zoom (FLOWS_FLOW_EDITOR (widget)->canvas, 1.0);
}

static void
fit_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  flows_canvas_fit (FLOWS_FLOW_EDITOR (widget)->canvas);
}

/* Moves every stage to where the layered layout puts it, as one undo step. */
static void
auto_layout_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  FlowsFlowEditor *self = FLOWS_FLOW_EDITOR (widget);
  g_autoptr(GHashTable) positions = NULL;
  GListModel *stages;
  guint n;

  if (self->flow == NULL || self->history == NULL)
    return;

  positions = flows_layout_compute (self->flow);
  stages = flows_flow_get_stages (self->flow);
  n = g_list_model_get_n_items (stages);
  flows_history_begin_group (self->history, _("Auto Layout"));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FlowsStage) stage = g_list_model_get_item (stages, i);
      FlowsPoint *point = g_hash_table_lookup (positions, flows_stage_get_id (stage));

      if (point != NULL && (point->x != flows_stage_get_x (stage) || point->y != flows_stage_get_y (stage)))
        flows_history_set_position (self->history, stage, point->x, point->y);
    }
  flows_history_end_group (self->history);
  flows_canvas_fit (self->canvas);
}

static void
add_stage_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FlowsFlowEditor *self = FLOWS_FLOW_EDITOR (widget);
  FlowsStageType stage_type;
  g_autofree char *text = g_strconcat (FLOWS_STAGE_PALETTE_DROP_PREFIX, g_variant_get_string (parameter, NULL), NULL);

  if (flows_stage_palette_type_from_drop (text, &stage_type))
    add_stage (self, stage_type);
}

static void
show_palette_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  FlowsFlowEditor *self = FLOWS_FLOW_EDITOR (widget);

  gtk_toggle_button_set_active (self->palette_button, TRUE);
  flows_stage_palette_start_search (self->palette);
}

static void
properties_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  FlowsFlowEditor *self = FLOWS_FLOW_EDITOR (widget);

  gtk_toggle_button_set_active (self->properties_button,
                                !gtk_toggle_button_get_active (self->properties_button));
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  FlowsFlowEditor *self = FLOWS_FLOW_EDITOR (widget);
  GtkWidget *dialog;
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->flow == NULL || self->library == NULL || self->run_cancellable != NULL)
    return;

  dialog = flows_run_dialog_new (self->library, self->app, self->flow);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (root));
  g_signal_connect_object (dialog, "run-requested", G_CALLBACK (on_run_requested), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
connect_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  FlowsFlowEditor *self = FLOWS_FLOW_EDITOR (widget);

  gtk_menu_button_popup (self->connect_button);
}

static void
select_route_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  FlowsFlowEditor *self = FLOWS_FLOW_EDITOR (widget);

  if (!flows_canvas_select_next_route (self->canvas))
    gtk_widget_error_bell (widget);
}

static void
cancel_run_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  FlowsFlowEditor *self = FLOWS_FLOW_EDITOR (widget);

  if (self->run_cancellable != NULL)
    g_cancellable_cancel (self->run_cancellable);
}

/* Escape closes the innermost thing open, one at a time, and never leaves the editor: only the
 * Back button and Alt+Left go back to the list of flows. */
static gboolean
escape_cb (GtkWidget *widget,
           GVariant  *args,
           gpointer   user_data)
{
  FlowsFlowEditor *self = FLOWS_FLOW_EDITOR (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  g_autoptr(GPtrArray) selection = get_selection (self);

  if (self->run_cancellable != NULL)
    g_cancellable_cancel (self->run_cancellable);
  else if (gtk_search_bar_get_search_mode (self->find_bar))
    {
      gtk_search_bar_set_search_mode (self->find_bar, FALSE);
      gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
    }
  else if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->properties)))
    {
      /* A field edit: what was typed in the name or key goes, and the stage has the focus. */
      FlowsStage *stage = flows_stage_properties_get_stage (self->properties);
      FlowsStageCard *card = stage != NULL ? flows_canvas_get_card (self->canvas, stage) : NULL;

      flows_stage_properties_revert_entries (self->properties);
      gtk_widget_grab_focus (card != NULL ? GTK_WIDGET (card) : GTK_WIDGET (self->canvas));
    }
  else if (gtk_toggle_button_get_active (self->palette_button))
    {
      gtk_toggle_button_set_active (self->palette_button, FALSE);
      if (focus == NULL || gtk_widget_is_ancestor (focus, GTK_WIDGET (self->palette)))
        gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
    }
  else if (selection->len > 0 || flows_canvas_get_selected_route (self->canvas, NULL, NULL))
    {
      flows_canvas_clear_selection (self->canvas);
      gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
    }
  return TRUE;
}

/* GObject ------------------------------------------------------------------------------------ */

static void
flows_flow_editor_dispose (GObject *object)
{
  FlowsFlowEditor *self = FLOWS_FLOW_EDITOR (object);

  flows_flow_editor_set_flow (self, NULL, NULL);
  g_clear_pointer (&self->kept_histories, g_ptr_array_unref);
  g_clear_object (&self->connect_source);
  /* A width dragged just before closing is still remembered. */
  if (self->remember_source != 0)
    {
      g_clear_handle_id (&self->remember_source, g_source_remove);
      remember_properties_width (self);
    }
  g_clear_object (&self->settings);
  if (self->layout_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->properties_paned), self->layout_tick);
  self->layout_tick = 0;
  g_clear_handle_id (&self->validate_source, g_source_remove);
  /* The children go before we do; what they say on their way out is not for us. */
  g_signal_handlers_disconnect_by_data (self->canvas, self);
  g_signal_handlers_disconnect_by_data (self->palette, self);
  g_clear_object (&self->flow_signals);
  g_clear_object (&self->history_signals);
  g_clear_object (&self->runner_signals);
  gtk_widget_dispose_template (GTK_WIDGET (self), FLOWS_TYPE_FLOW_EDITOR);
  g_clear_object (&self->library);
  g_clear_object (&self->own_runner);

  G_OBJECT_CLASS (flows_flow_editor_parent_class)->dispose (object);
}

static void
flows_flow_editor_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  FlowsFlowEditor *self = FLOWS_FLOW_EDITOR (object);

  switch (prop_id)
    {
    case PROP_LIBRARY:
      g_value_set_object (value, self->library);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_flow_editor_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  FlowsFlowEditor *self = FLOWS_FLOW_EDITOR (object);

  switch (prop_id)
    {
    case PROP_LIBRARY:
      flows_flow_editor_set_library (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
add_shortcut (GtkWidgetClass  *widget_class,
              guint            keyval,
              GdkModifierType  modifiers,
              const char      *action)
{
  gtk_widget_class_add_binding_action (widget_class, keyval, modifiers, action, NULL);
}

static void
flows_flow_editor_class_init (FlowsFlowEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = flows_flow_editor_dispose;
  object_class->get_property = flows_flow_editor_get_property;
  object_class->set_property = flows_flow_editor_set_property;

  properties[PROP_LIBRARY] =
    g_param_spec_object ("library", NULL, NULL, FLOWS_TYPE_LIBRARY,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (FLOWS_TYPE_CANVAS);
  g_type_ensure (FLOWS_TYPE_STAGE_PALETTE);
  g_type_ensure (FLOWS_TYPE_STAGE_PROPERTIES);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/flowsstudio/FlowsStudio/flows-flow-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, FlowsFlowEditor, title_box);
  gtk_widget_class_bind_template_child (widget_class, FlowsFlowEditor, title_label);
  gtk_widget_class_bind_template_child (widget_class, FlowsFlowEditor, run_status_label);
  gtk_widget_class_bind_template_child (widget_class, FlowsFlowEditor, palette_button);
  gtk_widget_class_bind_template_child (widget_class, FlowsFlowEditor, zoom_label);
  gtk_widget_class_bind_template_child (widget_class, FlowsFlowEditor, problems_button);
  gtk_widget_class_bind_template_child (widget_class, FlowsFlowEditor, problems_label);
  gtk_widget_class_bind_template_child (widget_class, FlowsFlowEditor, problems_list);
  gtk_widget_class_bind_template_child (widget_class, FlowsFlowEditor, problems_popover);
  gtk_widget_class_bind_template_child (widget_class, FlowsFlowEditor, run_button);
  gtk_widget_class_bind_template_child (widget_class, FlowsFlowEditor, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, FlowsFlowEditor, properties_button);
  gtk_widget_class_bind_template_child (widget_class, FlowsFlowEditor, properties_paned);
  gtk_widget_class_bind_template_child (widget_class, FlowsFlowEditor, properties_scroller);
  gtk_widget_class_bind_template_child (widget_class, FlowsFlowEditor, connect_button);
  gtk_widget_class_bind_template_child (widget_class, FlowsFlowEditor, connect_popover);
  gtk_widget_class_bind_template_child (widget_class, FlowsFlowEditor, connect_search);
  gtk_widget_class_bind_template_child (widget_class, FlowsFlowEditor, connect_list);
  gtk_widget_class_bind_template_child (widget_class, FlowsFlowEditor, find_bar);
  gtk_widget_class_bind_template_child (widget_class, FlowsFlowEditor, find_entry);
  gtk_widget_class_bind_template_child (widget_class, FlowsFlowEditor, palette);
  gtk_widget_class_bind_template_child (widget_class, FlowsFlowEditor, canvas);
  gtk_widget_class_bind_template_child (widget_class, FlowsFlowEditor, stage_menu);
  gtk_widget_class_bind_template_child (widget_class, FlowsFlowEditor, properties);

  gtk_widget_class_install_action (widget_class, "editor.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "editor.redo", NULL, redo_action);
  gtk_widget_class_install_action (widget_class, "editor.cut", NULL, cut_action);
  gtk_widget_class_install_action (widget_class, "editor.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "editor.paste", NULL, paste_action);
  gtk_widget_class_install_action (widget_class, "editor.duplicate", NULL, duplicate_action);
  gtk_widget_class_install_action (widget_class, "editor.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "editor.select-all", NULL, select_all_action);
  gtk_widget_class_install_action (widget_class, "editor.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "editor.zoom-in", NULL, zoom_in_action);
  gtk_widget_class_install_action (widget_class, "editor.zoom-out", NULL, zoom_out_action);
  gtk_widget_class_install_action (widget_class, "editor.zoom-reset", NULL, zoom_reset_action);
  gtk_widget_class_install_action (widget_class, "editor.fit", NULL, fit_action);
  gtk_widget_class_install_action (widget_class, "editor.auto-layout", NULL, auto_layout_action);
  gtk_widget_class_install_action (widget_class, "editor.add-stage", "s", add_stage_action);
  gtk_widget_class_install_action (widget_class, "editor.show-palette", NULL, show_palette_action);
  gtk_widget_class_install_action (widget_class, "editor.properties", NULL, properties_action);
  gtk_widget_class_install_action (widget_class, "editor.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "editor.cancel-run", NULL, cancel_run_action);
  gtk_widget_class_install_action (widget_class, "editor.connect", NULL, connect_action);
  gtk_widget_class_install_action (widget_class, "editor.select-route", NULL, select_route_action);

  add_shortcut (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "editor.undo");
  add_shortcut (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "editor.redo");
  add_shortcut (widget_class, GDK_KEY_Z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "editor.redo");
  add_shortcut (widget_class, GDK_KEY_x, GDK_CONTROL_MASK, "editor.cut");
  add_shortcut (widget_class, GDK_KEY_c, GDK_CONTROL_MASK, "editor.copy");
  add_shortcut (widget_class, GDK_KEY_v, GDK_CONTROL_MASK, "editor.paste");
  add_shortcut (widget_class, GDK_KEY_d, GDK_CONTROL_MASK, "editor.duplicate");
  add_shortcut (widget_class, GDK_KEY_a, GDK_CONTROL_MASK, "editor.select-all");
  add_shortcut (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "editor.find");
  add_shortcut (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "editor.zoom-in");
  add_shortcut (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "editor.zoom-in");
  add_shortcut (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK, "editor.zoom-in");
  add_shortcut (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "editor.zoom-out");
  add_shortcut (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK, "editor.zoom-out");
  add_shortcut (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "editor.zoom-reset");
  add_shortcut (widget_class, GDK_KEY_KP_0, GDK_CONTROL_MASK, "editor.zoom-reset");
  add_shortcut (widget_class, GDK_KEY_9, GDK_CONTROL_MASK, "editor.fit");
  add_shortcut (widget_class, GDK_KEY_l, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "editor.auto-layout");
  add_shortcut (widget_class, GDK_KEY_L, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "editor.auto-layout");
  add_shortcut (widget_class, GDK_KEY_a, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "editor.show-palette");
  add_shortcut (widget_class, GDK_KEY_A, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "editor.show-palette");
  add_shortcut (widget_class, GDK_KEY_F9, 0, "editor.properties");
  add_shortcut (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "editor.run");
  add_shortcut (widget_class, GDK_KEY_F5, 0, "editor.run");
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0, escape_cb, NULL);
  add_shortcut (widget_class, GDK_KEY_k, GDK_CONTROL_MASK, "editor.connect");
  add_shortcut (widget_class, GDK_KEY_b, GDK_CONTROL_MASK, "win.show-sidebar");
}

static void
flows_flow_editor_init (FlowsFlowEditor *self)
{
  /* The stylesheet of cards and canvas, for the display, with the first editor. */
  static gsize css_loaded;

  flows_load_css_once (&css_loaded, "/io/github/flowsstudio/FlowsStudio/flows-flow-editor.css");
  gtk_widget_init_template (GTK_WIDGET (self));
  self->kept_histories = g_ptr_array_new_with_free_func ((GDestroyNotify) kept_history_free);

  self->flow_signals = g_signal_group_new (FLOWS_TYPE_FLOW);
  g_signal_group_connect_swapped (self->flow_signals, "notify::name", G_CALLBACK (update_title), self);
  self->history_signals = g_signal_group_new (FLOWS_TYPE_HISTORY);
  g_signal_group_connect_swapped (self->history_signals, "changed", G_CALLBACK (on_history_changed), self);
  g_signal_group_connect_swapped (self->history_signals, "notify::can-undo", G_CALLBACK (on_can_undo_changed), self);
  g_signal_group_connect_swapped (self->history_signals, "notify::can-redo", G_CALLBACK (on_can_undo_changed), self);
  self->runner_signals = g_signal_group_new (FLOWS_TYPE_RUNNER);
  g_signal_group_connect_swapped (self->runner_signals, "stage-started", G_CALLBACK (on_stage_started), self);
  g_signal_group_connect_swapped (self->runner_signals, "stage-finished", G_CALLBACK (on_stage_finished), self);

  gtk_search_bar_connect_entry (self->find_bar, GTK_EDITABLE (self->find_entry));
  g_signal_connect_swapped (self->find_entry, "search-changed", G_CALLBACK (on_find_changed), self);
  g_signal_connect_swapped (self->find_entry, "next-match", G_CALLBACK (on_find_next), self);
  g_signal_connect_swapped (self->find_entry, "activate", G_CALLBACK (on_find_activate), self);
  g_signal_connect_swapped (self->problems_list, "row-activated", G_CALLBACK (on_problem_row_activated), self);
  g_signal_connect_swapped (self->problems_popover, "show", G_CALLBACK (fill_problem_rows), self);
  {
    g_autoptr(GSettingsSchema) schema =
      g_settings_schema_source_lookup (g_settings_schema_source_get_default (), APP_ID, TRUE);

    /* Remembered only with the installed schema, as the window's size is. */
    if (schema != NULL)
      self->settings = g_settings_new (APP_ID);
  }
  g_signal_connect_swapped (self->properties_paned, "notify::position", G_CALLBACK (on_paned_position_changed), self);
  g_signal_connect_swapped (self->properties_button, "toggled", G_CALLBACK (on_properties_toggled), self);
  g_signal_connect_swapped (self->palette, "dismissed", G_CALLBACK (on_palette_dismissed), self);
  gtk_list_box_set_filter_func (self->connect_list, filter_connect_row, self, NULL);
  g_signal_connect_swapped (self->connect_popover, "show", G_CALLBACK (fill_connect_rows), self);
  g_signal_connect_swapped (self->connect_popover, "map", G_CALLBACK (on_connect_popover_map), self);
  g_signal_connect_swapped (self->connect_popover, "closed", G_CALLBACK (on_connect_popover_closed), self);
  g_signal_connect_swapped (self->connect_list, "row-activated", G_CALLBACK (on_connect_row_activated), self);
  g_signal_connect_swapped (self->connect_search, "search-changed", G_CALLBACK (on_connect_search_changed), self);
  g_signal_connect_swapped (self->connect_search, "activate", G_CALLBACK (on_connect_search_activate), self);
  g_signal_connect_swapped (self->connect_search, "stop-search", G_CALLBACK (gtk_popover_popdown), self->connect_popover);
  {
    GtkEventController *keys = gtk_event_controller_key_new ();

    g_signal_connect_swapped (keys, "key-pressed", G_CALLBACK (on_connect_search_key_pressed), self);
    gtk_widget_add_controller (GTK_WIDGET (self->connect_search), keys);
  }
  g_signal_connect_swapped (self->canvas, "notify::zoom", G_CALLBACK (on_zoom_changed), self);
  g_signal_connect_swapped (self->canvas, "selection-changed", G_CALLBACK (on_selection_changed), self);
  g_signal_connect_swapped (self->canvas, "stage-activated", G_CALLBACK (on_stage_activated), self);
  flows_canvas_set_stage_menu (self->canvas, self->stage_menu);
  g_signal_connect_swapped (self->palette, "stage-type-activated", G_CALLBACK (on_palette_activated), self);

  on_zoom_changed (self);
  update_actions (self);
}

GtkWidget *
flows_flow_editor_new (void)
{
  return g_object_new (FLOWS_TYPE_FLOW_EDITOR, NULL);
}

void
flows_flow_editor_set_library (FlowsFlowEditor *self,
                               FlowsLibrary    *library)
{
  g_return_if_fail (FLOWS_IS_FLOW_EDITOR (self));

  if (g_set_object (&self->library, library))
    {
      if (self->own_runner != NULL)
        flows_token_refresher_attach (self->own_runner, library);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIBRARY]);
    }
}

void
flows_flow_editor_set_flow (FlowsFlowEditor *self,
                            FlowsApp        *app,
                            FlowsFlow       *flow)
{
  g_return_if_fail (FLOWS_IS_FLOW_EDITOR (self));

  if (flow == self->flow && app == self->app)
    return;
  if (flow == NULL)
    show_window_sidebar (self);

  /* A run of the flow on show goes on; its cards are no longer ours to paint. */
  if (self->run_cancellable != NULL)
    g_cancellable_cancel (self->run_cancellable);
  disconnect_run (self);
  g_clear_object (&self->last_run);
  set_run_status (self, NULL, NULL);

  keep_history (self);
  g_set_object (&self->app, app);
  g_set_object (&self->flow, flow);

  if (flow != NULL)
    {
      /* A flow that came without positions (an import) is laid out before it is shown. */
      if (flows_layout_needs_positions (flow))
        {
          g_autoptr(GHashTable) positions = flows_layout_compute (flow);
          GListModel *stages = flows_flow_get_stages (flow);
          guint n = g_list_model_get_n_items (stages);

          for (guint i = 0; i < n; i++)
            {
              g_autoptr(FlowsStage) stage = g_list_model_get_item (stages, i);
              FlowsPoint *point = g_hash_table_lookup (positions, flows_stage_get_id (stage));

              if (point != NULL)
                flows_stage_set_position (stage, point->x, point->y);
            }
          if (self->library != NULL && app != NULL && n > 0)
            flows_library_queue_save_app (self->library, app);
        }

      self->history = take_history (self, flow);
    }
  g_signal_group_set_target (self->history_signals, self->history);
  g_signal_group_set_target (self->flow_signals, flow);

  /* A flow opens with nothing selected: the panel would only say so, in the canvas's room. */
  gtk_toggle_button_set_active (self->properties_button, FALSE);
  flows_canvas_set_flow (self->canvas, flow, self->history);
  flows_stage_properties_set_context (self->properties, app, flow, self->history);
  flows_stage_properties_set_last_run (self->properties, NULL);
  gtk_search_bar_set_search_mode (self->find_bar, FALSE);
  update_title (self);
  flows_flow_editor_validate (self);
  show_stage_details (self);
  update_actions (self);
}

FlowsApp *
flows_flow_editor_get_app (FlowsFlowEditor *self)
{
  g_return_val_if_fail (FLOWS_IS_FLOW_EDITOR (self), NULL);

  return self->app;
}

FlowsFlow *
flows_flow_editor_get_flow (FlowsFlowEditor *self)
{
  g_return_val_if_fail (FLOWS_IS_FLOW_EDITOR (self), NULL);

  return self->flow;
}

FlowsCanvas *
flows_flow_editor_get_canvas (FlowsFlowEditor *self)
{
  g_return_val_if_fail (FLOWS_IS_FLOW_EDITOR (self), NULL);

  return self->canvas;
}

FlowsHistory *
flows_flow_editor_get_history (FlowsFlowEditor *self)
{
  g_return_val_if_fail (FLOWS_IS_FLOW_EDITOR (self), NULL);

  return self->history;
}

GPtrArray *
flows_flow_editor_get_problems (FlowsFlowEditor *self)
{
  g_return_val_if_fail (FLOWS_IS_FLOW_EDITOR (self), NULL);

  return self->problems;
}
