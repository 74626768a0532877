/* test-flow-editor.c — the flow editor in a real window under Xvfb
 *
 * Runs alone (is_parallel: false in tests/meson.build): the pointer goes to whatever window is
 * on top at that place of the shared X screen.
 *
 * Edits are made the way a user makes them: through the editor's actions, and through the
 * pointer and the keyboard of the X server (XTest), so that the canvas's own gestures and key
 * handling do the work. The file the library saves is the measure of every edit: undo and redo
 * must give back exactly the bytes saved at each step. Runs go to a SoupServer of the test's.
 */

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <X11/keysym.h>

#include "flows-app-templates.h"
#include "flows-document.h"
#include "flows-flow-editor.h"
#include "flows-flows-page.h"
#include "flows-icon-cache.h"
#include "flows-layout.h"
#include "flows-stage-catalog.h"
#include "flows-stage-palette.h"
#include "flows-stage-properties.h"
#include "flows-validate.h"
#include "runner-helpers.h"
#include "test-files.h"
#include "test-ui-host.h"
#include "test-ui.h"
#include "test-wait.h"
#include "test-xtest.h"

typedef struct
{
  TestHost         host;
  FlowsFlowEditor *editor;
  SoupServer      *server;
  char            *server_url;
  guint            requests;
  int              wanted_width;
} Fixture;

/* Helpers ---------------------------------------------------------------------------------- */

/* Lets the main loop run for @ms, so that frames are drawn and events delivered. */
static void
spin (guint ms)
{
  test_spin (ms);
  test_wait_idle ();
}

static FlowsFlow *
find_flow (FlowsApp      *app,
           FlowsFlowRole  role)
{
  GListModel *flows = flows_app_get_flows (app);

  for (guint i = 0; i < g_list_model_get_n_items (flows); i++)
    {
      g_autoptr(FlowsFlow) flow = g_list_model_get_item (flows, i);

      if (flows_flow_get_role (flow) == role)
        return flow;
    }
  g_assert_not_reached ();
}

static FlowsStage *
stage_by_name (FlowsFlow  *flow,
               const char *name)
{
  GListModel *stages = flows_flow_get_stages (flow);

  for (guint i = 0; i < g_list_model_get_n_items (stages); i++)
    {
      g_autoptr(FlowsStage) stage = g_list_model_get_item (stages, i);

      if (g_str_equal (flows_stage_get_name (stage), name))
        return stage;
    }
  return NULL;
}

static const char *
setting_text_of (FlowsStage *stage,
                 const char *member)
{
  return json_object_get_string_member (flows_stage_get_settings (stage), member);
}

static guint
n_stages (FlowsFlow *flow)
{
  return g_list_model_get_n_items (flows_flow_get_stages (flow));
}

/* The App's file as the library saved it after everything queued so far. */
static char *
saved_file (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = test_host_app_path (&fixture->host);

  test_wait_idle ();
  g_assert_true (flows_library_flush (fixture->host.library, &error));
  g_assert_no_error (error);
  return test_read_text (path);
}

static void
activate (Fixture    *fixture,
          const char *action,
          GVariant   *parameter)
{
  /* Ours to release: GTK 4.8 passes a floating parameter on to a widget class's action without
   * sinking it, and nothing frees it then. */
  g_autoptr(GVariant) owned = parameter != NULL ? g_variant_ref_sink (parameter) : NULL;

  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (fixture->editor), action, owned));
  test_wait_idle ();
}

static void
open_flow (Fixture   *fixture,
           FlowsFlow *flow)
{
  flows_flow_editor_set_flow (fixture->editor, fixture->host.app, flow);
  /* Laid out and drawn, however slow the machine. */
  test_xtest_settle ();
  spin (50);
}

/* Opens the App's flow of @role at a zoom of 100 %. */
static FlowsFlow *
open_role_actual_size (Fixture       *fixture,
                       FlowsFlowRole  role)
{
  FlowsFlow *flow = find_flow (fixture->host.app, role);

  open_flow (fixture, flow);
  activate (fixture, "editor.zoom-reset", NULL);
  return flow;
}

/* The loopback service: /ok answers 200 with JSON, /slow answers after a while, anything else
 * 404. */
static gboolean
answer_later_cb (gpointer user_data)
{
  SoupServerMessage *msg = user_data;

  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{}", 2);
  soup_server_message_unpause (msg);
  g_object_unref (msg);
  return G_SOURCE_REMOVE;
}

static void
server_callback (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  Fixture *fixture = user_data;
  static const char body[] = "{\"id\": 7, \"name\": \"Ada\"}";

  fixture->requests++;
  if (g_str_equal (path, "/ok"))
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, body, strlen (body));
    }
  else if (g_str_equal (path, "/slow"))
    {
      soup_server_message_pause (msg);
      g_timeout_add (3000, answer_later_cb, g_object_ref (msg));
    }
  else
    soup_server_message_set_status (msg, 404, NULL);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;

  if (!test_ui_have_display ())
    return;

  test_host_set_up (&fixture->host, "flow-editor-XXXXXX", "Editor Test", FLOWS_CONNECTION_TYPE_OAUTH);

  fixture->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->server, NULL, server_callback, fixture, NULL);
  g_assert_true (soup_server_listen_local (fixture->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (fixture->server);
  fixture->server_url = g_uri_to_string (uris->data);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify)g_uri_unref);

  fixture->editor = FLOWS_FLOW_EDITOR (flows_flow_editor_new ());
  flows_flow_editor_set_library (fixture->editor, fixture->host.library);
  test_host_show (&fixture->host, GTK_WIDGET (fixture->editor), 1200, 800);
  test_xtest_set_frame_widget (GTK_WIDGET (fixture->host.window));
  spin (100);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (!test_ui_have_display ())
    return;

  test_xtest_set_frame_widget (NULL);
  g_clear_object (&fixture->server);
  g_free (fixture->server_url);
  test_host_tear_down (&fixture->host);
}

/* Canvas geometry ------------------------------------------------------------------------------ */

static void
stage_widget_point (Fixture    *fixture,
                    FlowsStage *stage,
                    double      dx,
                    double      dy,
                    double     *x,
                    double     *y)
{
  FlowsCanvas *canvas = flows_flow_editor_get_canvas (fixture->editor);

  flows_canvas_canvas_to_widget (canvas, flows_stage_get_x (stage) + dx, flows_stage_get_y (stage) + dy, x, y);
}

/* Tests ------------------------------------------------------------------------------------ */

static void
test_template_on_canvas (Fixture       *fixture,
                         gconstpointer  data)
{
  FlowsFlow *step1;
  FlowsCanvas *canvas;
  GListModel *stages;

  if (!test_need_display ())
    return;

  step1 = find_flow (fixture->host.app, FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE);
  open_flow (fixture, step1);
  canvas = flows_flow_editor_get_canvas (fixture->editor);
  stages = flows_flow_get_stages (step1);

  /* Fit to view at first: every card is in view, and shown. */
  for (guint i = 0; i < g_list_model_get_n_items (stages); i++)
    {
      g_autoptr(FlowsStage) stage = g_list_model_get_item (stages, i);
      FlowsStageCard *card = flows_canvas_get_card (canvas, stage);
      double x, y;

      stage_widget_point (fixture, stage, 0, 0, &x, &y);
      g_assert_cmpfloat (x, >=, 0);
      g_assert_cmpfloat (y, >=, 0);
      g_assert_cmpfloat (x, <, gtk_widget_get_width (GTK_WIDGET (canvas)));
      g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (card)));
      g_assert_false (flows_stage_card_has_problems (card));
    }

  /* Zoom: bounded, stepped by the actions. */
  activate (fixture, "editor.zoom-reset", NULL);
  g_assert_cmpfloat (flows_canvas_get_zoom (canvas), ==, 1.0);
  activate (fixture, "editor.zoom-in", NULL);
  g_assert_cmpfloat (flows_canvas_get_zoom (canvas), >, 1.0);
  for (guint i = 0; i < 10; i++)
    activate (fixture, "editor.zoom-out", NULL);
  g_assert_cmpfloat (flows_canvas_get_zoom (canvas), ==, FLOWS_CANVAS_MIN_ZOOM);
  for (guint i = 0; i < 10; i++)
    activate (fixture, "editor.zoom-in", NULL);
  g_assert_cmpfloat (flows_canvas_get_zoom (canvas), ==, FLOWS_CANVAS_MAX_ZOOM);
  activate (fixture, "editor.fit", NULL);
  g_assert_cmpfloat (flows_canvas_get_zoom (canvas), <=, 1.0);
}

static void
test_gestures (Fixture       *fixture,
               gconstpointer  data)
{
  FlowsFlow *test_flow;
  FlowsCanvas *canvas;
  FlowsStage *sleep_stage, *trigger;
  g_autoptr(GPtrArray) selection = NULL;
  double x0, y0, x, y, px, py, start_x, start_y;
  g_autofree char *before = NULL;

  if (!test_need_display ())
    return;

  test_flow = open_role_actual_size (fixture, FLOWS_FLOW_ROLE_CONNECTION_TEST);
  canvas = flows_flow_editor_get_canvas (fixture->editor);
  trigger = flows_flow_get_trigger (test_flow);

  /* A new stage from the palette's action, at the middle of the view, selected. */
  activate (fixture, "editor.add-stage", g_variant_new_string ("sleep"));
  sleep_stage = stage_by_name (test_flow, flows_stage_catalog_lookup (FLOWS_STAGE_TYPE_SLEEP)->name);
  g_assert_nonnull (sleep_stage);
  g_assert_true (flows_canvas_is_selected (canvas, sleep_stage));
  test_xtest_settle ();

  /* Drag the card by its title: it moves by the drag, on the grid. */
  start_x = flows_stage_get_x (sleep_stage);
  start_y = flows_stage_get_y (sleep_stage);
  stage_widget_point (fixture, sleep_stage, 60, 20, &x0, &y0);
  test_pointer_drag (GTK_WIDGET (canvas), x0, y0, x0 + 303, y0 + 41);
  g_assert_cmpfloat (flows_stage_get_x (sleep_stage), ==, start_x + 300);
  g_assert_cmpfloat (flows_stage_get_y (sleep_stage), ==, start_y + 40);

  /* One step to undo it. */
  activate (fixture, "editor.undo", NULL);
  g_assert_cmpfloat (flows_stage_get_x (sleep_stage), ==, start_x);
  activate (fixture, "editor.redo", NULL);
  g_assert_cmpfloat (flows_stage_get_x (sleep_stage), ==, start_x + 300);
  spin (50);

  /* Connect: from the Trigger's port onto the new card. */
  g_assert_true (flows_canvas_get_output_port (canvas, trigger, "success", &px, &py));
  flows_canvas_canvas_to_widget (canvas, px, py, &x0, &y0);
  stage_widget_point (fixture, sleep_stage, FLOWS_LAYOUT_CARD_WIDTH / 2, FLOWS_LAYOUT_CARD_HEIGHT / 2, &x, &y);
  test_pointer_drag (GTK_WIDGET (canvas), x0, y0, x, y);
  g_assert_cmpstr (flows_stage_get_route (trigger, "success"), ==, flows_stage_get_id (sleep_stage));

  /* Rubber band around both cards selects them. */
  before = saved_file (fixture);
  {
    double tx, ty, sx, sy;

    stage_widget_point (fixture, trigger, -10, -10, &tx, &ty);
    stage_widget_point (fixture, sleep_stage, FLOWS_LAYOUT_CARD_WIDTH + 10, FLOWS_LAYOUT_CARD_HEIGHT + 10, &sx, &sy);
    /* Start on empty canvas, left of and above everything. */
    test_pointer_drag (GTK_WIDGET (canvas), MIN (tx, sx) - 30, MIN (ty, sy) - 30, MAX (tx, sx) + 10, MAX (ty, sy) + 10);
  }
  selection = flows_canvas_get_selection (canvas);
  g_assert_cmpuint (selection->len, >=, 2);
  g_assert_true (flows_canvas_is_selected (canvas, trigger));
  g_assert_true (flows_canvas_is_selected (canvas, sleep_stage));
  /* Selecting changes nothing in the file. */
  {
    g_autofree char *after = saved_file (fixture);

    g_assert_cmpstr (before, ==, after);
  }

  /* Click a route to select it; Delete removes it. */
  flows_canvas_select_stage (canvas, sleep_stage, FALSE);
  spin (30);
  {
    double points_x, points_y, mx, my;

    g_assert_true (flows_canvas_get_route_point (canvas, trigger, "success", 0.5, &mx, &my));
    flows_canvas_canvas_to_widget (canvas, mx, my, &points_x, &points_y);
    test_pointer_move_to (GTK_WIDGET (canvas), points_x, points_y);
    test_pointer_button (1, TRUE);
    test_pointer_button (1, FALSE);
  }
  g_assert_true (flows_canvas_get_selected_route (canvas, NULL, NULL));
  test_press_key (XK_Delete, 0);
  g_assert_null (flows_stage_get_route (trigger, "success"));
  activate (fixture, "editor.undo", NULL);
  g_assert_cmpstr (flows_stage_get_route (trigger, "success"), ==, flows_stage_get_id (sleep_stage));

  /* Ctrl+scroll zooms; without Ctrl the view scrolls. */
  {
    double zoom = flows_canvas_get_zoom (canvas);

    test_pointer_move_to (GTK_WIDGET (canvas), 300, 300);
    test_key_event (XK_Control_L, TRUE);
    test_xtest_settle ();
    test_pointer_button (4, TRUE);
    test_pointer_button (4, FALSE);
    test_key_event (XK_Control_L, FALSE);
    test_xtest_settle ();
    g_assert_cmpfloat (flows_canvas_get_zoom (canvas), >, zoom);
  }
}

/* A press and a release with a jitter within the drag threshold: a click, never a move. */
static void
pointer_click_with_jitter (GtkWidget *widget,
                           double     x,
                           double     y)
{
  test_pointer_move_to (widget, x, y);
  test_pointer_button (1, TRUE);
  test_pointer_move_to (widget, x + 1, y + 1);
  test_pointer_button (1, FALSE);
  /* Apart from the next click, so that two are not taken for a double click. */
  spin (400);
}

static void
test_click_does_not_move (Fixture       *fixture,
                          gconstpointer  data)
{
  FlowsFlow *step1;
  FlowsCanvas *canvas;
  FlowsStage *trigger, *second;
  GtkAdjustment *hadjustment;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  static const double places[][2] = { { 60, 20 }, { 10, 10 }, { 120, 50 }, { 200, 70 } };
  double x, y;

  if (!test_need_display ())
    return;

  step1 = open_role_actual_size (fixture, FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE);
  canvas = flows_flow_editor_get_canvas (fixture->editor);
  trigger = flows_flow_get_trigger (step1);
  second = flows_flow_find_stage (step1, flows_stage_get_route (trigger, "success"));
  /* The properties panel open, as after choosing a stage. */
  flows_canvas_select_stage (canvas, trigger, FALSE);
  activate (fixture, "editor.properties", NULL);
  spin (400);
  before = saved_file (fixture);

  for (guint i = 0; i < G_N_ELEMENTS (places); i++)
    {
      stage_widget_point (fixture, trigger, places[i][0], places[i][1], &x, &y);
      pointer_click_with_jitter (GTK_WIDGET (canvas), x, y);
      g_assert_true (flows_canvas_is_selected (canvas, trigger));
    }

  /* A card half under the properties panel: the click scrolls it into view, and it stays
   * where it was in the flow. */
  hadjustment = gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (canvas));
  gtk_adjustment_set_value (hadjustment,
                            flows_stage_get_x (second) * flows_canvas_get_zoom (canvas) -
                            gtk_widget_get_width (GTK_WIDGET (canvas)) +
                            FLOWS_LAYOUT_CARD_WIDTH * flows_canvas_get_zoom (canvas) / 2);
  spin (50);
  stage_widget_point (fixture, second, 0, 0, &x, &y);
  g_assert_cmpfloat (x + FLOWS_LAYOUT_CARD_WIDTH, >, gtk_widget_get_width (GTK_WIDGET (canvas)));
  g_assert_cmpfloat (x, <, gtk_widget_get_width (GTK_WIDGET (canvas)));
  stage_widget_point (fixture, second, 20, 30, &x, &y);
  pointer_click_with_jitter (GTK_WIDGET (canvas), x, y);
  g_assert_true (flows_canvas_is_selected (canvas, second));
  /* Again, now that it is in view, and near its bottom edge. */
  stage_widget_point (fixture, second, 40, FLOWS_LAYOUT_CARD_HEIGHT - 6, &x, &y);
  pointer_click_with_jitter (GTK_WIDGET (canvas), x, y);

  after = saved_file (fixture);
  g_assert_cmpstr (before, ==, after);
  g_assert_false (flows_history_get_can_undo (flows_flow_editor_get_history (fixture->editor)));
}

static void
test_keyboard (Fixture       *fixture,
               gconstpointer  data)
{
  FlowsFlow *step1;
  FlowsCanvas *canvas;
  FlowsStage *trigger, *second;
  double x, y, old_x;
  GtkWidget *focus;

  if (!test_need_display ())
    return;

  step1 = find_flow (fixture->host.app, FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE);
  open_flow (fixture, step1);
  canvas = flows_flow_editor_get_canvas (fixture->editor);
  trigger = flows_flow_get_trigger (step1);
  second = flows_flow_find_stage (step1, flows_stage_get_route (trigger, "success"));

  /* The pointer over the window gives it the keyboard under a bare X server. */
  stage_widget_point (fixture, trigger, 10, 10, &x, &y);
  test_pointer_move_to (GTK_WIDGET (canvas), x, y);
  gtk_widget_grab_focus (GTK_WIDGET (canvas));
  spin (30);

  /* Tab goes to the first stage; Right follows its route. */
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (canvas), GTK_DIR_TAB_FORWARD));
  g_assert_true (flows_canvas_is_selected (canvas, trigger));
  focus = gtk_root_get_focus (GTK_ROOT (fixture->host.window));
  g_assert_true (focus == GTK_WIDGET (flows_canvas_get_card (canvas, trigger)));
  test_press_key (XK_Right, 0);
  g_assert_true (flows_canvas_is_selected (canvas, second));
  test_press_key (XK_Left, 0);
  g_assert_true (flows_canvas_is_selected (canvas, trigger));

  /* Alt+Right nudges by a grid step; Ctrl+Z puts it back. */
  old_x = flows_stage_get_x (trigger);
  test_press_key (XK_Right, XK_Alt_L, 0);
  g_assert_cmpfloat (flows_stage_get_x (trigger), ==, old_x + FLOWS_LAYOUT_GRID);
  test_press_key (XK_z, XK_Control_L, 0);
  g_assert_cmpfloat (flows_stage_get_x (trigger), ==, old_x);
  test_press_key (XK_z, XK_Control_L, XK_Shift_L, 0);
  g_assert_cmpfloat (flows_stage_get_x (trigger), ==, old_x + FLOWS_LAYOUT_GRID);

  /* Ctrl+A selects all; Delete removes them; Ctrl+Z brings them back. */
  test_press_key (XK_a, XK_Control_L, 0);
  {
    g_autoptr(GPtrArray) selection = flows_canvas_get_selection (canvas);

    g_assert_cmpuint (selection->len, ==, n_stages (step1));
  }
  test_press_key (XK_Delete, 0);
  g_assert_cmpuint (n_stages (step1), ==, 0);
  test_press_key (XK_z, XK_Control_L, 0);
  g_assert_cmpuint (n_stages (step1), ==, 5);

  /* Ctrl+F finds a stage by name. */
  test_press_key (XK_f, XK_Control_L, 0);
  {
    GtkWidget *entry = gtk_root_get_focus (GTK_ROOT (fixture->host.window));
    const char *name = flows_stage_get_name (second);
    g_autofree char *part = g_utf8_substring (name, 1, 5);

    g_assert_true (GTK_IS_TEXT (entry));
    gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_ancestor (entry, GTK_TYPE_SEARCH_ENTRY)), part);
    spin (300);
    g_assert_true (flows_canvas_is_selected (canvas, flows_flow_find_stage (step1, flows_stage_get_id (second))));
  }
}

/* Delete on a stage whose card has the focus: the focus stays in the canvas, on nothing, and
 * the canvas is drawn in the frames that follow (GTK moving the focus on by itself used to
 * select another stage in the middle of a frame, which then skipped drawing the canvas with a
 * warning). */
static void
test_delete_focused_stage (Fixture       *fixture,
                           gconstpointer  data)
{
  FlowsFlow *step1;
  FlowsCanvas *canvas;
  FlowsStage *trigger, *second;
  guint before;
  double x, y;

  if (!test_need_display ())
    return;

  step1 = open_role_actual_size (fixture, FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE);
  canvas = flows_flow_editor_get_canvas (fixture->editor);
  trigger = flows_flow_get_trigger (step1);
  second = flows_flow_find_stage (step1, flows_stage_get_route (trigger, "success"));
  before = n_stages (step1);

  /* The pointer over the window gives it the keyboard under a bare X server. */
  stage_widget_point (fixture, trigger, 10, 10, &x, &y);
  test_pointer_move_to (GTK_WIDGET (canvas), x, y);
  flows_canvas_select_stage (canvas, second, FALSE);
  test_xtest_settle ();
  g_assert_true (gtk_root_get_focus (GTK_ROOT (fixture->host.window)) == GTK_WIDGET (flows_canvas_get_card (canvas, second)));

  test_press_key (XK_Delete, 0);
  test_xtest_settle ();
  g_assert_cmpuint (n_stages (step1), ==, before - 1);
  g_assert_true (gtk_root_get_focus (GTK_ROOT (fixture->host.window)) == GTK_WIDGET (canvas));
  {
    g_autoptr(GPtrArray) selection = flows_canvas_get_selection (canvas);

    g_assert_cmpuint (selection->len, ==, 0);
  }

  /* The keyboard goes on from the canvas: Right selects a stage again. */
  test_press_key (XK_Right, 0);
  g_assert_true (flows_canvas_is_selected (canvas, trigger));
}

typedef struct
{
  FlowsStage *stage;
  gboolean    stop;
} MoveEachFrame;

/* In each frame's update, before its layout: @stage a little further right, past every other,
 * so that the flow's area grows. */
static gboolean
move_right_each_frame_cb (GtkWidget     *widget,
                          GdkFrameClock *frame_clock,
                          gpointer       user_data)
{
  MoveEachFrame *move = user_data;

  if (move->stop)
    return G_SOURCE_REMOVE;
  flows_stage_set_position (move->stage, flows_stage_get_x (move->stage) + 20, flows_stage_get_y (move->stage));
  return G_SOURCE_CONTINUE;
}

/* Where @stage's card is drawn on the canvas. */
static graphene_point_t
card_origin (FlowsCanvas *canvas,
             FlowsStage  *stage)
{
  GtkWidget *card = GTK_WIDGET (flows_canvas_get_card (canvas, stage));
  graphene_point_t origin;

  g_assert_nonnull (card);
  g_assert_true (gtk_widget_compute_point (card, GTK_WIDGET (canvas), &GRAPHENE_POINT_INIT (0, 0), &origin));
  return origin;
}

/* The flow grows (a stage moves out to the right, frame after frame) while the palette slides
 * in over the canvas and after: in the frames that place the palette, the canvas's scrollable
 * area changes too. Each later change still lays the canvas out: no frame draws it without a
 * layout ("Trying to snapshot FlowsCanvas without a current allocation", fatal here), and its
 * cards follow their stages. */
static void
test_flow_grows_while_palette_slides (Fixture       *fixture,
                                      gconstpointer  data)
{
  FlowsFlow *step1;
  FlowsCanvas *canvas;
  GListModel *stages;
  FlowsStage *trigger;
  MoveEachFrame move = { NULL, FALSE };
  graphene_point_t before, after;

  if (!test_need_display ())
    return;

  step1 = open_role_actual_size (fixture, FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE);
  canvas = flows_flow_editor_get_canvas (fixture->editor);
  trigger = flows_flow_get_trigger (step1);
  stages = flows_flow_get_stages (step1);
  for (guint i = 0; i < g_list_model_get_n_items (stages); i++)
    {
      g_autoptr(FlowsStage) stage = g_list_model_get_item (stages, i);

      if (stage != trigger && (move.stage == NULL || flows_stage_get_x (stage) > flows_stage_get_x (move.stage)))
        move.stage = stage;
    }
  g_assert_nonnull (move.stage);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->editor), "editor.show-palette", NULL));
  gtk_widget_add_tick_callback (GTK_WIDGET (canvas), move_right_each_frame_cb, &move, NULL);
  test_wait_settled (GTK_WIDGET (canvas));
  /* Frames after the palette's last one, the stage still moving. */
  test_xtest_settle ();
  move.stop = TRUE;
  test_xtest_settle ();

  /* A stage in view moves: its card goes with it (at actual size, as far on screen). */
  before = card_origin (canvas, trigger);
  flows_stage_set_position (trigger, flows_stage_get_x (trigger) + 40, flows_stage_get_y (trigger) + 20);
  test_xtest_settle ();
  after = card_origin (canvas, trigger);
  g_assert_cmpfloat_with_epsilon (after.x - before.x, 40, 0.5);
  g_assert_cmpfloat_with_epsilon (after.y - before.y, 20, 0.5);
}

/* Escape never leaves the editor for the list of flows, and each flow keeps its undo history
 * when it is closed and opened again. The editor here is the Flows page's own. */
static void
test_escape_and_kept_history (Fixture       *fixture,
                              gconstpointer  data)
{
  GtkWidget *page;
  GtkWindow *window;
  FlowsFlowEditor *editor;
  FlowsFlow *step1;
  FlowsCanvas *canvas;
  FlowsStage *trigger;
  GtkWidget *key_row, *focus;
  guint before;

  if (!test_need_display ())
    return;

  page = flows_flows_page_new ();
  flows_flows_page_set_library (FLOWS_FLOWS_PAGE (page), fixture->host.library);
  flows_flows_page_set_app (FLOWS_FLOWS_PAGE (page), fixture->host.app);
  window = test_window_new (page, 1200, 800);
  test_xtest_set_frame_widget (GTK_WIDGET (window));
  step1 = find_flow (fixture->host.app, FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE);
  g_assert_true (gtk_widget_activate_action (page, "flows.open", "s", flows_flow_get_id (step1)));
  test_xtest_settle ();
  editor = FLOWS_FLOW_EDITOR (test_find_widget_of_type (page, FLOWS_TYPE_FLOW_EDITOR));
  canvas = flows_flow_editor_get_canvas (editor);
  trigger = flows_flow_get_trigger (step1);
  before = n_stages (step1);

  /* The pointer over the window gives it the keyboard under a bare X server. */
  test_pointer_move_to (GTK_WIDGET (canvas), 20, 20);

  /* Escape in the Key field: what was typed goes, the stage has the focus again. */
  flows_canvas_select_stage (canvas, trigger, FALSE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.properties", NULL));
  spin (400);
  key_row = test_get_widget (GTK_WIDGET (editor), test_is_row_titled, "Key, for References");
  gtk_widget_grab_focus (key_row);
  test_xtest_settle ();
  test_type_text ("zz");
  g_assert_true (g_str_has_suffix (gtk_editable_get_text (GTK_EDITABLE (key_row)), "zz"));
  test_press_key (XK_Escape, 0);
  g_assert_true (flows_flow_editor_get_flow (editor) == step1);
  g_assert_cmpstr (flows_stage_get_key (trigger), ==, "trigger");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (key_row)), ==, "trigger");
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_true (focus == GTK_WIDGET (flows_canvas_get_card (canvas, trigger)));

  /* A stage added from the palette by the keyboard, then Escape, Escape, Escape: the palette
   * closes, the selection goes, and the editor stays. */
  test_press_key (XK_a, XK_Control_L, XK_Shift_L, 0);
  test_type_text ("sleep");
  spin (300);
  test_press_key (XK_Return, 0);
  g_assert_cmpuint (n_stages (step1), ==, before + 1);
  for (guint i = 0; i < 3; i++)
    {
      test_press_key (XK_Escape, 0);
      g_assert_true (flows_flow_editor_get_flow (editor) == step1);
    }
  {
    g_autoptr(GPtrArray) selection = flows_canvas_get_selection (canvas);

    g_assert_cmpuint (selection->len, ==, 0);
  }

  /* Back to the list, and the flow again: Undo takes the new stage away. */
  test_press_key (XK_Left, XK_Alt_L, 0);
  g_assert_null (flows_flow_editor_get_flow (editor));
  g_assert_true (gtk_widget_activate_action (page, "flows.open", "s", flows_flow_get_id (step1)));
  test_xtest_settle ();
  g_assert_true (flows_history_get_can_undo (flows_flow_editor_get_history (editor)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.undo", NULL));
  g_assert_cmpuint (n_stages (step1), ==, before);

  /* A flow changed while it was closed starts a new history. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.redo", NULL));
  g_assert_true (gtk_widget_activate_action (page, "flows.show-list", NULL));
  flows_stage_set_position (trigger, flows_stage_get_x (trigger) + 20, flows_stage_get_y (trigger));
  g_assert_true (gtk_widget_activate_action (page, "flows.open", "s", flows_flow_get_id (step1)));
  g_assert_false (flows_history_get_can_undo (flows_flow_editor_get_history (editor)));

  test_xtest_set_frame_widget (GTK_WIDGET (fixture->host.window));
  test_window_destroy (window);
}

/* The insert-reference menu, opened with the pointer and used with the keyboard, inserts at the
 * cursor in place of the selection. */
static void
test_reference_at_cursor (Fixture       *fixture,
                          gconstpointer  data)
{
  FlowsFlow *step1;
  FlowsCanvas *canvas;
  FlowsStage *stage;
  FlowsStageProperties *properties;
  GtkWidget *row, *button;
  g_autoptr(JsonObject) settings = NULL;

  if (!test_need_display ())
    return;

  step1 = open_role_actual_size (fixture, FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE);
  canvas = flows_flow_editor_get_canvas (fixture->editor);
  stage = flows_flow_find_stage_by_key (step1, "authorizeUrl");
  settings = json_object_ref (flows_stage_get_settings (stage));
  json_object_set_string_member (settings, "base", "AAAABBBBCC");
  flows_history_set_settings (flows_flow_editor_get_history (fixture->editor), stage, settings, NULL);
  flows_canvas_select_stage (canvas, stage, FALSE);
  activate (fixture, "editor.properties", NULL);
  spin (400);
  properties = FLOWS_STAGE_PROPERTIES (test_find_widget_of_type (GTK_WIDGET (fixture->editor), FLOWS_TYPE_STAGE_PROPERTIES));
  row = flows_stage_properties_get_setting_widget (properties, "base");
  g_assert_true (ADW_IS_ENTRY_ROW (row));
  button = test_find_widget_of_type (row, GTK_TYPE_MENU_BUTTON);
  g_assert_nonnull (button);

  /* The pointer over the window gives it the keyboard under a bare X server. */
  test_pointer_move_to (row, 10, 10);
  gtk_widget_grab_focus (row);
  test_xtest_settle ();
  /* The cursor after AAAA, with BBBB selected. */
  test_press_key (XK_Home, 0);
  for (guint i = 0; i < 4; i++)
    test_press_key (XK_Right, 0);
  for (guint i = 0; i < 4; i++)
    test_press_key (XK_Right, XK_Shift_L, 0);

  /* The menu opens on its first name, the first parameter. */
  test_pointer_move_to (button, gtk_widget_get_width (button) / 2.0, gtk_widget_get_height (button) / 2.0);
  test_pointer_button (1, TRUE);
  test_pointer_button (1, FALSE);
  spin (200);
  test_press_key (XK_Return, 0);
  spin (200);
  g_assert_cmpstr (setting_text_of (stage, "base"), ==, "AAAA<AuthURL>CC");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "AAAA<AuthURL>CC");
  /* One step. */
  activate (fixture, "editor.undo", NULL);
  g_assert_cmpstr (setting_text_of (stage, "base"), ==, "AAAABBBBCC");
}

/* Routes made and removed from the keyboard alone: Ctrl+K, a search, Enter; Ctrl+Right to a
 * route, Delete. One undo step each. */
static void
test_routes_from_keyboard (Fixture       *fixture,
                           gconstpointer  data)
{
  FlowsFlow *test_flow;
  FlowsCanvas *canvas;
  FlowsStage *call, *sleep_stage;
  FlowsStage *route_stage = NULL;
  const char *route_output = NULL;

  if (!test_need_display ())
    return;

  test_flow = open_role_actual_size (fixture, FLOWS_FLOW_ROLE_CONNECTION_TEST);
  canvas = flows_flow_editor_get_canvas (fixture->editor);
  call = flows_flow_find_stage_by_key (test_flow, "test");
  sleep_stage = flows_history_add_stage (flows_flow_editor_get_history (fixture->editor), FLOWS_STAGE_TYPE_SLEEP, 280, 280);
  flows_history_set_name (flows_flow_editor_get_history (fixture->editor), sleep_stage, "Wait a little");
  g_assert_null (flows_stage_get_route (call, "fail"));
  /* The pointer over the window gives it the keyboard under a bare X server. */
  test_pointer_move_to (GTK_WIDGET (canvas), 20, 20);
  flows_canvas_select_stage (canvas, call, FALSE);
  test_xtest_settle ();

  /* Connect to…: the search narrows the (route, stage) choices to one; Enter takes it. */
  test_press_key (XK_k, XK_Control_L, 0);
  spin (200);
  test_type_text ("fail wait");
  spin (300);
  test_press_key (XK_Return, 0);
  spin (200);
  g_assert_cmpstr (flows_stage_get_route (call, "fail"), ==, flows_stage_get_id (sleep_stage));
  g_assert_null (flows_stage_get_route (call, "success"));
  activate (fixture, "editor.undo", NULL);
  g_assert_null (flows_stage_get_route (call, "fail"));
  activate (fixture, "editor.redo", NULL);
  g_assert_cmpstr (flows_stage_get_route (call, "fail"), ==, flows_stage_get_id (sleep_stage));

  /* Ctrl+Right selects the stage's route that leads somewhere; Delete removes it. */
  flows_canvas_select_stage (canvas, call, FALSE);
  test_xtest_settle ();
  test_press_key (XK_Right, XK_Control_L, 0);
  g_assert_true (flows_canvas_get_selected_route (canvas, &route_stage, &route_output));
  g_assert_true (route_stage == call);
  g_assert_cmpstr (route_output, ==, "fail");
  test_press_key (XK_Delete, 0);
  g_assert_null (flows_stage_get_route (call, "fail"));
  activate (fixture, "editor.undo", NULL);
  g_assert_cmpstr (flows_stage_get_route (call, "fail"), ==, flows_stage_get_id (sleep_stage));
}

/* Whether @text's focus controller believes it has the keyboard focus (GtkText's cursor blinks
 * while it does). */
static gboolean
text_believes_focused (GtkWidget *text)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (text);
  gboolean is_focus = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_FOCUS (controller))
        is_focus = is_focus || gtk_event_controller_focus_is_focus (GTK_EVENT_CONTROLLER_FOCUS (controller));
    }
  return is_focus;
}

/* Connect to…'s search gives the focus back as its popover closes, and the popover closes when
 * the selection stops being one stage. Otherwise GTK 4.8 keeps the focus in the hidden popover
 * until its next frame, and drops the focus-out of a focused text whose ancestor turns
 * insensitive (the Connect button does with such a selection): its cursor then blinks on without
 * the focus, and GTK warns "GtkText - did not receive a focus-out event" at the next frame. */
static void
test_connect_search_gives_focus_back (Fixture       *fixture,
                                      gconstpointer  data)
{
  FlowsFlow *test_flow;
  FlowsCanvas *canvas;
  FlowsStage *call, *sleep_stage;
  GtkRoot *root;
  GtkWidget *search_text, *search, *popover, *focus;

  if (!test_need_display ())
    return;

  test_flow = open_role_actual_size (fixture, FLOWS_FLOW_ROLE_CONNECTION_TEST);
  canvas = flows_flow_editor_get_canvas (fixture->editor);
  root = gtk_widget_get_root (GTK_WIDGET (fixture->editor));
  call = flows_flow_find_stage_by_key (test_flow, "test");
  sleep_stage = flows_history_add_stage (flows_flow_editor_get_history (fixture->editor), FLOWS_STAGE_TYPE_SLEEP, 280, 280);
  flows_history_set_name (flows_flow_editor_get_history (fixture->editor), sleep_stage, "Wait a little");
  test_pointer_move_to (GTK_WIDGET (canvas), 20, 20);

  /* A route taken from the search: the focus is on the stage's card at once. */
  flows_canvas_select_stage (canvas, call, FALSE);
  test_xtest_settle ();
  activate (fixture, "editor.connect", NULL);
  test_wait_settled (GTK_WIDGET (fixture->editor));
  search_text = gtk_root_get_focus (root);
  g_assert_true (GTK_IS_TEXT (search_text));
  search = gtk_widget_get_ancestor (search_text, GTK_TYPE_SEARCH_ENTRY);
  popover = gtk_widget_get_ancestor (search_text, GTK_TYPE_POPOVER);
  g_assert_nonnull (search);
  g_assert_nonnull (popover);
  gtk_editable_set_text (GTK_EDITABLE (search), "fail wait");
  /* The search's own delay before it filters. */
  spin (400);
  g_signal_emit_by_name (search, "activate");
  g_assert_false (gtk_widget_get_visible (popover));
  g_assert_cmpstr (flows_stage_get_route (call, "fail"), ==, flows_stage_get_id (sleep_stage));
  focus = gtk_root_get_focus (root);
  g_assert_true (focus == GTK_WIDGET (flows_canvas_get_card (canvas, call)));
  g_assert_false (text_believes_focused (search_text));
  spin (200);

  /* The flow closed while the search has the focus: the selection empties, the popover closes
   * and no text is left that believes it has the focus. */
  flows_canvas_select_stage (canvas, call, FALSE);
  test_xtest_settle ();
  activate (fixture, "editor.connect", NULL);
  test_wait_settled (GTK_WIDGET (fixture->editor));
  g_assert_true (gtk_root_get_focus (root) == search_text);
  g_assert_true (text_believes_focused (search_text));
  flows_flow_editor_set_flow (fixture->editor, NULL, NULL);
  g_assert_false (gtk_widget_get_visible (popover));
  g_assert_false (text_believes_focused (search_text));
  focus = gtk_root_get_focus (root);
  g_assert_true (focus == NULL || !gtk_widget_is_ancestor (focus, popover));
  /* Frames drawn, in which a blinking cursor without the focus would warn. */
  spin (300);
  test_wait_settled (GTK_WIDGET (fixture->editor));
}

/* An item of a GtkPopoverMenu labelled @label (as shown: no mnemonic underscore). GTK 4.8's menu items carry
 * no action name of their own: the menu activates the model's. */
static gboolean
is_menu_item (GtkWidget     *widget,
              gconstpointer  label)
{
  g_autofree char *text = NULL;

  if (g_object_class_find_property (G_OBJECT_GET_CLASS (widget), "text") == NULL ||
      g_object_class_find_property (G_OBJECT_GET_CLASS (widget), "accel") == NULL)
    return FALSE;
  g_object_get (widget, "text", &text, NULL);
  return g_strcmp0 (text, label) == 0;
}

/* A card's menu: a right click on a card selects it and opens the menu of the stage's actions,
 * each with its shortcut shown; the Menu key and Shift+F10 open it on the focused card. */
static void
test_card_menu (Fixture       *fixture,
                gconstpointer  data)
{
  FlowsFlow *test_flow;
  FlowsCanvas *canvas;
  FlowsStage *call;
  GtkPopover *menu;
  GtkWidget *item;
  g_autofree char *accel = NULL;
  g_autoptr(GPtrArray) selection = NULL;
  guint stages_before;
  double x, y;

  if (!test_need_display ())
    return;

  test_flow = open_role_actual_size (fixture, FLOWS_FLOW_ROLE_CONNECTION_TEST);
  canvas = flows_flow_editor_get_canvas (fixture->editor);
  call = flows_flow_find_stage_by_key (test_flow, "test");
  flows_canvas_clear_selection (canvas);
  stages_before = n_stages (test_flow);

  /* Right click on the card: it is selected and the menu opens there. */
  stage_widget_point (fixture, call, FLOWS_LAYOUT_CARD_WIDTH / 2, FLOWS_LAYOUT_CARD_HEIGHT / 2, &x, &y);
  test_pointer_move_to (GTK_WIDGET (canvas), x, y);
  test_pointer_button (3, TRUE);
  test_pointer_button (3, FALSE);
  spin (300);
  menu = flows_canvas_get_stage_menu (canvas);
  g_assert_nonnull (menu);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (menu)));
  g_assert_true (flows_canvas_is_selected (canvas, call));
  for (guint i = 0; i < 7; i++)
    {
      const char *labels[] = { "Properties", "Connect To…", "Select the Next Route", "Cut", "Copy", "Paste", "Delete" };

      g_assert_nonnull (test_get_widget (GTK_WIDGET (menu), is_menu_item, labels[i]));
    }
  item = test_get_widget (GTK_WIDGET (menu), is_menu_item, "Duplicate");
  g_object_get (item, "accel", &accel, NULL);
  g_assert_cmpstr (accel, ==, "<Control>d");

  /* Duplicate from the menu, with the pointer: one stage more, the menu gone. */
  test_pointer_click (item);
  spin (300);
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (menu)));
  g_assert_cmpuint (n_stages (test_flow), ==, stages_before + 1);
  activate (fixture, "editor.undo", NULL);
  g_assert_cmpuint (n_stages (test_flow), ==, stages_before);

  /* The Menu key on the focused card; Escape closes the menu and leaves the editor as it was. */
  flows_canvas_select_stage (canvas, call, FALSE);
  test_xtest_settle ();
  test_press_key (XK_Menu, 0);
  spin (300);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (menu)));
  test_press_key (XK_Escape, 0);
  spin (300);
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (menu)));
  g_assert_true (flows_flow_editor_get_flow (fixture->editor) == test_flow);

  /* Shift+F10, then Delete in the menu: the stage goes, as with the Delete key. */
  flows_canvas_select_stage (canvas, call, FALSE);
  test_xtest_settle ();
  test_press_key (XK_F10, XK_Shift_L, 0);
  spin (300);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (menu)));
  test_pointer_click (test_get_widget (GTK_WIDGET (menu), is_menu_item, "Delete"));
  spin (300);
  g_assert_null (flows_flow_find_stage_by_key (test_flow, "test"));
  selection = flows_canvas_get_selection (canvas);
  g_assert_cmpuint (selection->len, ==, 0);
  activate (fixture, "editor.undo", NULL);
  g_assert_nonnull (flows_flow_find_stage_by_key (test_flow, "test"));
}

/* The pixels a drag of the pointer may lose to GTK's drag threshold. */
#define DRAG_SLACK 8

/* The properties panel in @scroller needs no horizontal scrolling: its content fits. */
static void
assert_panel_fits (Fixture   *fixture,
                   GtkWidget *scroller)
{
  int minimum;

  gtk_widget_measure (gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller)),
                      GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  g_assert_cmpint (minimum, <=, gtk_widget_get_width (scroller));
  g_assert_cmpint (gtk_widget_get_width (scroller), >=, 280);
}

/* The middle of the paned's handle, left of the panel, in the editor's coordinates: the
 * handle moves with the pointer, the editor stays. */
static void
handle_point (Fixture          *fixture,
              GtkWidget        *scroller,
              graphene_point_t *point)
{
  g_assert_true (gtk_widget_compute_point (scroller, GTK_WIDGET (fixture->editor), &GRAPHENE_POINT_INIT (-0.5, 200), point));
}

/* The handle dragged with the pointer to @to_x of the editor; the panel's width after it. */
static int
drag_handle (Fixture   *fixture,
             GtkWidget *scroller,
             double     to_x)
{
  graphene_point_t point;

  handle_point (fixture, scroller, &point);
  test_pointer_drag (GTK_WIDGET (fixture->editor), point.x, point.y, to_x, point.y);
  test_xtest_settle ();
  return gtk_widget_get_width (scroller);
}

static gboolean
editor_has_width (gpointer data)
{
  Fixture *fixture = data;

  return gtk_widget_get_width (GTK_WIDGET (fixture->editor)) == fixture->wanted_width;
}

/* The window resized so that the editor is @width wide, and laid out again. */
static void
resize_window (Fixture *fixture,
               int      width)
{
  int default_width, default_height;

  gtk_window_get_default_size (fixture->host.window, &default_width, &default_height);
  fixture->wanted_width = width;
  gtk_window_set_default_size (fixture->host.window, default_width + width - gtk_widget_get_width (GTK_WIDGET (fixture->editor)), default_height);
  test_wait_for (editor_has_width, fixture, 20000);
  test_xtest_settle ();
  test_xtest_settle ();
}

/* Room for the canvas: the palette lies over it; the properties panel is resized by its handle
 * and keeps its width, gives way to a narrow window and gets it back with the room. */
static void
test_room (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  FlowsFlow *step1;
  FlowsCanvas *canvas;
  GtkWidget *scroller;
  GtkPaned *paned;
  graphene_point_t point;
  int canvas_width, width, minimum;

  if (!test_need_display ())
    return;

  step1 = open_role_actual_size (fixture, FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE);
  canvas = flows_flow_editor_get_canvas (fixture->editor);
  canvas_width = gtk_widget_get_width (GTK_WIDGET (canvas));

  /* The palette open takes nothing from the canvas. */
  activate (fixture, "editor.show-palette", NULL);
  spin (400);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (canvas)), ==, canvas_width);

  /* Escape in its empty search closes it. */
  test_press_key (XK_Escape, 0);
  spin (400);
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (test_find_widget_of_type (GTK_WIDGET (fixture->editor), FLOWS_TYPE_STAGE_PALETTE))));

  /* The panel opens at its remembered width, whatever its content asks for. */
  g_settings_reset (settings, "properties-width");
  flows_canvas_select_stage (canvas, flows_flow_get_trigger (step1), FALSE);
  activate (fixture, "editor.properties", NULL);
  test_xtest_settle ();
  scroller = gtk_widget_get_ancestor (test_find_widget_of_type (GTK_WIDGET (fixture->editor), FLOWS_TYPE_STAGE_PROPERTIES),
                                      GTK_TYPE_SCROLLED_WINDOW);
  paned = GTK_PANED (gtk_widget_get_ancestor (scroller, GTK_TYPE_PANED));
  g_assert_cmpint (gtk_widget_get_width (scroller), ==, 420);
  assert_panel_fits (fixture, scroller);

  /* The handle dragged 100 px to the left: 100 px wider, and remembered when the panel is
   * closed and opened again. */
  handle_point (fixture, scroller, &point);
  width = drag_handle (fixture, scroller, point.x - 100);
  /* GTK's drag threshold may take a few pixels from the way. */
  g_assert_cmpint (ABS (width - 520), <=, DRAG_SLACK);
  test_wait_idle ();
  g_assert_cmpint (g_settings_get_int (settings, "properties-width"), ==, width);
  activate (fixture, "editor.properties", NULL);
  test_xtest_settle ();
  g_assert_false (gtk_widget_get_mapped (scroller));
  activate (fixture, "editor.properties", NULL);
  test_xtest_settle ();
  g_assert_cmpint (gtk_widget_get_width (scroller), ==, width);

  /* Never wider than leaves the canvas its room, however far it is dragged, and never
   * narrower than its minimum. */
  drag_handle (fixture, scroller, 5);
  g_assert_cmpint (gtk_widget_get_width (gtk_paned_get_start_child (paned)), ==, 240);
  g_assert_cmpint (drag_handle (fixture, scroller, gtk_widget_get_width (GTK_WIDGET (fixture->editor)) - 5), ==, 280);
  assert_panel_fits (fixture, scroller);
  handle_point (fixture, scroller, &point);
  width = drag_handle (fixture, scroller, point.x - 140);
  g_assert_cmpint (ABS (width - 420), <=, DRAG_SLACK);
  test_wait_idle ();
  g_assert_cmpint (g_settings_get_int (settings, "properties-width"), ==, width);

  /* A window of 800 px: nothing asks for more (the editor beside the Apps sidebar fits 800 px,
   * or the window's leaflet folds), the panel keeps its width, its content fits. */
  resize_window (fixture, 800);
  gtk_widget_measure (GTK_WIDGET (fixture->editor), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  g_test_message ("the editor's minimum width with the panel open: %d px", minimum);
  g_assert_cmpint (minimum, <=, 560);
  g_assert_cmpint (gtk_widget_get_width (scroller), ==, width);
  assert_panel_fits (fixture, scroller);

  /* Narrower than the panel and the canvas at their widths: the panel gives way, and gets its
   * width back with the room, the remembered width untouched. */
  resize_window (fixture, 600);
  g_assert_cmpint (gtk_widget_get_width (gtk_paned_get_start_child (paned)), ==, 240);
  g_assert_cmpint (gtk_widget_get_width (scroller), <, width);
  assert_panel_fits (fixture, scroller);
  resize_window (fixture, 1200);
  g_assert_cmpint (gtk_widget_get_width (scroller), ==, width);
  g_assert_cmpint (g_settings_get_int (settings, "properties-width"), ==, width);

  /* Opened in the same turn of the main loop as the flow, before anything was laid out. */
  flows_flow_editor_set_flow (fixture->editor, NULL, NULL);
  flows_flow_editor_set_flow (fixture->editor, fixture->host.app, step1);
  flows_canvas_select_stage (canvas, flows_flow_get_trigger (step1), FALSE);
  activate (fixture, "editor.properties", NULL);
  test_xtest_settle ();
  spin (50);
  g_assert_cmpint (gtk_widget_get_width (scroller), ==, width);

  /* With the palette open too, the editor fits 560 px. */
  activate (fixture, "editor.show-palette", NULL);
  spin (400);
  gtk_widget_measure (GTK_WIDGET (fixture->editor), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  g_test_message ("the editor's minimum width: %d px", minimum);
  g_assert_cmpint (minimum, <=, 560);

  /* Ctrl+B and the toolbar's toggle fold the window's sidebar away ("win.show-sidebar"), here
   * a stand-in of the test's. */
  {
    g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
    g_autoptr(GPropertyAction) show_sidebar = NULL;
    GtkWidget *sidebar = gtk_label_new ("Apps");
    GtkWidget *toggle;

    g_object_ref_sink (sidebar);
    show_sidebar = g_property_action_new ("show-sidebar", sidebar, "visible");
    g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (show_sidebar));
    gtk_widget_insert_action_group (GTK_WIDGET (fixture->host.window), "win", G_ACTION_GROUP (group));
    gtk_widget_grab_focus (GTK_WIDGET (canvas));
    test_xtest_settle ();
    test_press_key (XK_b, XK_Control_L, 0);
    g_assert_false (gtk_widget_get_visible (sidebar));
    toggle = test_get_widget (GTK_WIDGET (fixture->editor), test_has_action, "win.show-sidebar");
    g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (toggle)));
    test_press_key (XK_b, XK_Control_L, 0);
    g_assert_true (gtk_widget_get_visible (sidebar));
    g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (toggle)));
    gtk_widget_insert_action_group (GTK_WIDGET (fixture->host.window), "win", NULL);
    g_object_unref (sidebar);
  }
}

/* The undo history, measured on the saved file: 50 mixed edits, then undo to the start and redo
 * to the end, with the file compared at every step. */
static void
test_undo_redo_file (Fixture       *fixture,
                     gconstpointer  data)
{
  FlowsFlow *flow;
  FlowsCanvas *canvas;
  FlowsHistory *history;
  g_autoptr(GPtrArray) saved = g_ptr_array_new_with_free_func (g_free);
  GRand *rand = g_rand_new_with_seed (4242);
  static const char * const types[] = { "sleep", "set-fields", "call-api", "route-flow", "build-url" };

  if (!test_need_display ())
    return;

  flow = find_flow (fixture->host.app, FLOWS_FLOW_ROLE_OAUTH_EXCHANGE);
  open_flow (fixture, flow);
  canvas = flows_flow_editor_get_canvas (fixture->editor);
  history = flows_flow_editor_get_history (fixture->editor);
  g_ptr_array_add (saved, saved_file (fixture));

  for (guint step = 0; step < 50; step++)
    {
      guint n = n_stages (flow);
      g_autoptr(FlowsStage) some = g_list_model_get_item (flows_flow_get_stages (flow), g_rand_int_range (rand, 0, n));
      g_autoptr(FlowsStage) other = g_list_model_get_item (flows_flow_get_stages (flow), g_rand_int_range (rand, 0, n));

      switch (step % 8)
        {
        case 0:
          activate (fixture, "editor.add-stage", g_variant_new_string (types[g_rand_int_range (rand, 0, G_N_ELEMENTS (types))]));
          break;
        case 1:
          flows_canvas_select_stage (canvas, some, FALSE);
          flows_canvas_nudge_selection (canvas, FLOWS_LAYOUT_GRID, -FLOWS_LAYOUT_GRID);
          break;
        case 2:
          {
            const char * const *outputs = flows_stage_catalog_lookup (flows_stage_get_stage_type (some))->outputs;

            if (outputs[0] != NULL && some != other)
              flows_canvas_connect (canvas, some, outputs[0], other);
            else
              flows_history_set_name (history, some, "Renamed on the way");
          }
          break;
        case 3:
          flows_canvas_select_stage (canvas, some, FALSE);
          activate (fixture, "editor.duplicate", NULL);
          break;
        case 4:
          {
            g_autofree char *name = g_strdup_printf ("Stage %u", step);

            flows_history_set_name (history, some, name);
          }
          break;
        case 5:
          if (flows_stage_get_stage_type (some) != FLOWS_STAGE_TYPE_TRIGGER)
            {
              flows_canvas_select_stage (canvas, some, FALSE);
              activate (fixture, "editor.delete", NULL);
            }
          else
            flows_history_set_position (history, some, 0, 0);
          break;
        case 6:
          activate (fixture, "editor.auto-layout", NULL);
          break;
        case 7:
          {
            g_autoptr(JsonObject) settings = json_object_new ();
            JsonObject *old = flows_stage_get_settings (some);
            GList *members = old != NULL ? json_object_get_members (old) : NULL;

            for (GList *l = members; l != NULL; l = l->next)
              json_object_set_member (settings, l->data, json_node_copy (json_object_get_member (old, l->data)));
            g_list_free (members);
            json_object_set_string_member (settings, "note", "edited");
            flows_history_set_settings (history, some, settings, NULL);
          }
          break;
        default:
          g_assert_not_reached ();
        }
      test_wait_idle ();
      {
        char *now = saved_file (fixture);

        /* An edit that changed nothing (a duplicate route, a layout already in place) saves
         * nothing new and leaves no step. */
        if (g_strcmp0 (now, g_ptr_array_index (saved, saved->len - 1)) != 0)
          g_ptr_array_add (saved, now);
        else
          g_free (now);
      }
    }

  g_assert_cmpuint (saved->len, >, 40);

  for (guint i = saved->len - 1; i > 0; i--)
    {
      g_autofree char *now = NULL;

      activate (fixture, "editor.undo", NULL);
      now = saved_file (fixture);
      g_assert_cmpstr (now, ==, g_ptr_array_index (saved, i - 1));
    }
  g_assert_false (flows_history_get_can_undo (history));

  for (guint i = 1; i < saved->len; i++)
    {
      g_autofree char *now = NULL;

      activate (fixture, "editor.redo", NULL);
      now = saved_file (fixture);
      g_assert_cmpstr (now, ==, g_ptr_array_index (saved, i));
    }
  g_assert_false (flows_history_get_can_redo (history));
  g_rand_free (rand);
}

static void
wait_for_clipboard (void)
{
  /* The clipboard answers through the X server, even to ourselves. */
  spin (150);
}

static void
test_copy_paste_between_flows (Fixture       *fixture,
                               gconstpointer  data)
{
  FlowsFlow *step1, *test_flow;
  FlowsCanvas *canvas;
  FlowsStage *trigger, *second;
  g_autoptr(GPtrArray) copied = g_ptr_array_new ();
  g_autoptr(GPtrArray) pasted = NULL;
  guint before;

  if (!test_need_display ())
    return;

  step1 = find_flow (fixture->host.app, FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE);
  test_flow = find_flow (fixture->host.app, FLOWS_FLOW_ROLE_CONNECTION_TEST);
  open_flow (fixture, step1);
  canvas = flows_flow_editor_get_canvas (fixture->editor);

  /* Two stages joined by a route, and a third that leads outside them. */
  trigger = flows_flow_get_trigger (step1);
  second = flows_flow_find_stage (step1, flows_stage_get_route (trigger, "success"));
  g_ptr_array_add (copied, trigger);
  g_ptr_array_add (copied, second);
  flows_canvas_select_stages (canvas, copied);
  activate (fixture, "editor.copy", NULL);
  wait_for_clipboard ();

  open_flow (fixture, test_flow);
  before = n_stages (test_flow);
  activate (fixture, "editor.paste", NULL);
  wait_for_clipboard ();
  g_assert_cmpuint (n_stages (test_flow), ==, before + 2);

  /* The pasted stages are selected; the route between them is kept, with new ids. */
  pasted = flows_canvas_get_selection (canvas);
  g_assert_cmpuint (pasted->len, ==, 2);
  {
    FlowsStage *a = g_ptr_array_index (pasted, 0);
    FlowsStage *b = g_ptr_array_index (pasted, 1);
    FlowsStage *from = flows_stage_get_stage_type (a) == FLOWS_STAGE_TYPE_TRIGGER ? a : b;
    FlowsStage *to = from == a ? b : a;

    g_assert_cmpstr (flows_stage_get_id (from), !=, flows_stage_get_id (trigger));
    g_assert_cmpstr (flows_stage_get_route (from, "success"), ==, flows_stage_get_id (to));
    g_assert_cmpstr (flows_stage_get_name (to), ==, flows_stage_get_name (second));
  }

  /* One undo step takes the paste away. */
  activate (fixture, "editor.undo", NULL);
  g_assert_cmpuint (n_stages (test_flow), ==, before);

  /* Cut removes; paste into the same flow again gives unique keys. */
  open_flow (fixture, step1);
  canvas = flows_flow_editor_get_canvas (fixture->editor);
  flows_canvas_select_stage (canvas, second, FALSE);
  activate (fixture, "editor.duplicate", NULL);
  {
    g_autoptr(GPtrArray) duplicate = flows_canvas_get_selection (canvas);

    g_assert_cmpuint (duplicate->len, ==, 1);
    g_assert_cmpstr (flows_stage_get_key (g_ptr_array_index (duplicate, 0)), !=, flows_stage_get_key (second));
  }
}

static gboolean
is_problem_badge (GtkWidget     *widget,
                  gconstpointer  data)
{
  return gtk_widget_get_mapped (widget) && gtk_widget_has_css_class (widget, "stage-card-problem");
}

typedef struct
{
  GtkWidget  *window;
  const char *text;
} TooltipWait;

static gboolean
tooltip_says (gpointer user_data)
{
  TooltipWait *wait = user_data;

  return test_find_widget (wait->window, test_is_tooltip_label, wait->text) != NULL;
}

/* The problem badge of @stage's card, pointed at, shows the stage's problem in its tooltip. */
static void
assert_badge_tooltip (Fixture    *fixture,
                      FlowsStage *stage)
{
  FlowsCanvas *canvas = flows_flow_editor_get_canvas (fixture->editor);
  GPtrArray *problems = flows_flow_editor_get_problems (fixture->editor);
  TooltipWait wait = { GTK_WIDGET (fixture->host.window), NULL };
  GtkWidget *badge;

  for (guint i = 0; i < problems->len && wait.text == NULL; i++)
    {
      FlowsProblem *problem = g_ptr_array_index (problems, i);

      if (g_strcmp0 (problem->stage_id, flows_stage_get_id (stage)) == 0)
        wait.text = problem->message;
    }
  g_assert_nonnull (wait.text);
  flows_canvas_scroll_to_stage (canvas, stage);
  test_xtest_settle ();
  badge = test_get_widget (GTK_WIDGET (flows_canvas_get_card (canvas, stage)), is_problem_badge, NULL);
  /* Two moves: GTK takes a tooltip's place from motion inside the window, not from entering it. */
  test_pointer_move_to (badge, 4, 4);
  test_pointer_move_to (badge, 6, 6);
  test_wait_for (tooltip_says, &wait, 5000);
  test_pointer_move_to (GTK_WIDGET (canvas), 5, 5);
}

static void
test_validation_badges (Fixture       *fixture,
                        gconstpointer  data)
{
  FlowsFlow *step1;
  FlowsCanvas *canvas;
  FlowsHistory *history;
  FlowsStage *stage, *trigger, *second;
  GPtrArray *problems;

  if (!test_need_display ())
    return;

  step1 = find_flow (fixture->host.app, FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE);
  open_flow (fixture, step1);
  canvas = flows_flow_editor_get_canvas (fixture->editor);
  history = flows_flow_editor_get_history (fixture->editor);
  g_assert_cmpuint (flows_flow_editor_get_problems (fixture->editor)->len, ==, 0);
  trigger = flows_flow_get_trigger (step1);
  second = flows_flow_find_stage (step1, flows_stage_get_route (trigger, "success"));

  /* Unreachable: a stage no route leads to. */
  stage = flows_history_add_stage (history, FLOWS_STAGE_TYPE_SLEEP, 0, 400);
  flows_flow_editor_validate (fixture->editor);
  g_assert_true (flows_stage_card_has_problems (flows_canvas_get_card (canvas, stage)));
  assert_badge_tooltip (fixture, stage);

  /* Unknown reference. */
  {
    g_autoptr(JsonObject) settings = json_object_new ();
    g_autoptr(JsonArray) fields = json_array_new ();
    JsonObject *field = json_object_new ();

    json_object_set_string_member (field, "name", "x");
    json_object_set_string_member (field, "value", "<NoSuchThing>");
    json_array_add_object_element (fields, field);
    json_object_set_array_member (settings, "fields", json_array_ref (fields));
    stage = flows_history_add_stage (history, FLOWS_STAGE_TYPE_SET_FIELDS, 0, 600);
    flows_history_set_settings (history, stage, settings, NULL);
    flows_history_set_route (history, second, "success", flows_stage_get_id (stage));
  }
  flows_flow_editor_validate (fixture->editor);
  problems = flows_flow_editor_get_problems (fixture->editor);
  {
    gboolean found = FALSE;

    for (guint i = 0; i < problems->len; i++)
      {
        FlowsProblem *problem = g_ptr_array_index (problems, i);

        if (g_strcmp0 (problem->stage_id, flows_stage_get_id (stage)) == 0 && strstr (problem->message, "NoSuchThing"))
          found = TRUE;
      }
    g_assert_true (found);
  }
  g_assert_true (flows_stage_card_has_problems (flows_canvas_get_card (canvas, stage)));

  /* Missing required setting: a Call API with no URI base. */
  {
    FlowsStage *call = flows_history_add_stage (history, FLOWS_STAGE_TYPE_CALL_API, 300, 600);
    g_autoptr(JsonObject) settings = flows_stage_catalog_default_settings (FLOWS_STAGE_TYPE_CALL_API);

    json_object_set_string_member (settings, "uriBase", "");
    flows_history_set_settings (history, call, settings, NULL);
    flows_history_set_route (history, stage, "success", flows_stage_get_id (call));
    flows_flow_editor_validate (fixture->editor);
    g_assert_true (flows_stage_card_has_problems (flows_canvas_get_card (canvas, call)));
  }

  /* The role contract: Step 1 that can end without authorizeUrl. Cutting the route into the
   * stage that adds it leaves a path ending early. */
  while (flows_history_get_can_undo (history))
    activate (fixture, "editor.undo", NULL);
  flows_flow_editor_validate (fixture->editor);
  g_assert_cmpuint (flows_flow_editor_get_problems (fixture->editor)->len, ==, 0);
  flows_history_set_route (history, second, "success", NULL);
  flows_flow_editor_validate (fixture->editor);
  problems = flows_flow_editor_get_problems (fixture->editor);
  g_assert_cmpuint (problems->len, >, 0);
  {
    gboolean contract = FALSE;

    for (guint i = 0; i < problems->len; i++)
      if (strstr (((FlowsProblem *)g_ptr_array_index (problems, i))->message, "authorizeUrl") != NULL)
        contract = TRUE;
    g_assert_true (contract);
  }
}

static gboolean
is_problems_group (GtkWidget     *widget,
                   gconstpointer  data)
{
  return ADW_IS_PREFERENCES_GROUP (widget) &&
         g_strcmp0 (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (widget)), "Problems") == 0;
}

/* A stage's problems are in its properties whenever it is shown, also after the flow was closed
 * and opened again, with no edit in between. */
static void
test_problems_after_reopen (Fixture       *fixture,
                            gconstpointer  data)
{
  FlowsFlow *step1, *test_flow;
  FlowsCanvas *canvas;
  FlowsStage *stage;
  GtkWidget *properties, *group;

  if (!test_need_display ())
    return;

  step1 = open_role_actual_size (fixture, FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE);
  test_flow = find_flow (fixture->host.app, FLOWS_FLOW_ROLE_CONNECTION_TEST);
  canvas = flows_flow_editor_get_canvas (fixture->editor);
  properties = test_find_widget_of_type (GTK_WIDGET (fixture->editor), FLOWS_TYPE_STAGE_PROPERTIES);
  group = test_get_widget (properties, is_problems_group, NULL);

  /* A stage no route leads to. */
  stage = flows_history_add_stage (flows_flow_editor_get_history (fixture->editor), FLOWS_STAGE_TYPE_SLEEP, 0, 400);
  flows_flow_editor_validate (fixture->editor);
  flows_canvas_select_stage (canvas, stage, FALSE);
  test_wait_idle ();
  g_assert_true (gtk_widget_get_visible (group));

  for (guint i = 0; i < 2; i++)
    {
      /* Another stage, then this one again; another flow, then this one again. */
      flows_canvas_select_stage (canvas, flows_flow_get_trigger (step1), FALSE);
      test_wait_idle ();
      g_assert_false (gtk_widget_get_visible (group));
      if (i == 1)
        {
          open_flow (fixture, test_flow);
          open_flow (fixture, step1);
        }
      flows_canvas_select_stage (canvas, stage, FALSE);
      test_wait_idle ();
      g_assert_true (gtk_widget_get_visible (group));
    }
}

static void
wait_run (Fixture *fixture)
{
  for (guint i = 0; i < 500 && flows_flow_editor_is_running (fixture->editor); i++)
    spin (10);
  g_assert_false (flows_flow_editor_is_running (fixture->editor));
}

static void
test_run_on_cards (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(FlowsApp) app = NULL;
  FlowsFlow *flow;
  FlowsCanvas *canvas;
  FlowsHistory *history;
  FlowsStage *trigger, *call, *sleep_stage;
  GListModel *stages;
  g_autofree char *ok_url = NULL;
  g_autofree char *slow_url = NULL;

  if (!test_need_display ())
    return;

  /* A Generic App whose Connection Test calls the loopback server. */
  app = test_library_add_template (fixture->host.library, "Run Test", FLOWS_CONNECTION_TYPE_GENERIC);
  g_set_object (&fixture->host.app, app);
  flow = find_flow (app, FLOWS_FLOW_ROLE_CONNECTION_TEST);
  open_flow (fixture, flow);
  canvas = flows_flow_editor_get_canvas (fixture->editor);
  history = flows_flow_editor_get_history (fixture->editor);
  trigger = flows_flow_get_trigger (flow);

  /* Trigger → Call API (the server's /ok) → end; and a Sleep stage nothing reaches on success. */
  stages = flows_flow_get_stages (flow);
  call = NULL;
  for (guint i = 0; i < g_list_model_get_n_items (stages); i++)
    {
      g_autoptr(FlowsStage) stage = g_list_model_get_item (stages, i);

      if (flows_stage_get_stage_type (stage) == FLOWS_STAGE_TYPE_CALL_API)
        call = stage;
    }
  g_assert_nonnull (call);
  ok_url = g_strconcat (fixture->server_url, "ok", NULL);
  {
    g_autoptr(JsonObject) settings = flows_stage_catalog_default_settings (FLOWS_STAGE_TYPE_CALL_API);

    json_object_set_string_member (settings, "uriBase", ok_url);
    flows_history_set_settings (history, call, settings, NULL);
  }
  sleep_stage = flows_history_add_stage (history, FLOWS_STAGE_TYPE_SLEEP, 400, 400);
  flows_history_set_route (history, call, "fail", flows_stage_get_id (sleep_stage));

  flows_flow_editor_run (fixture->editor, NULL, NULL);
  g_assert_true (flows_flow_editor_is_running (fixture->editor));
  wait_run (fixture);

  g_assert_nonnull (flows_flow_editor_get_last_run (fixture->editor));
  g_assert_true (flows_run_get_succeeded (flows_flow_editor_get_last_run (fixture->editor)));
  g_assert_cmpint (flows_stage_card_get_run_state (flows_canvas_get_card (canvas, trigger)), ==, FLOWS_STAGE_RUN_STATE_SUCCEEDED);
  g_assert_cmpint (flows_stage_card_get_run_state (flows_canvas_get_card (canvas, call)), ==, FLOWS_STAGE_RUN_STATE_SUCCEEDED);
  g_assert_cmpint (flows_stage_card_get_run_state (flows_canvas_get_card (canvas, sleep_stage)), ==, FLOWS_STAGE_RUN_STATE_SKIPPED);
  g_assert_true (flows_canvas_is_route_taken (canvas, flows_stage_get_id (trigger), "success"));
  g_assert_false (flows_canvas_is_route_taken (canvas, flows_stage_get_id (call), "fail"));
  g_assert_cmpuint (fixture->requests, ==, 1);

  /* A 404 takes the fail route into the Sleep stage. */
  {
    g_autofree char *missing = g_strconcat (fixture->server_url, "missing", NULL);
    g_autoptr(JsonObject) settings = json_object_ref (flows_stage_get_settings (call));
    g_autoptr(JsonObject) changed = json_object_new ();
    GList *members = json_object_get_members (settings);

    for (GList *l = members; l != NULL; l = l->next)
      json_object_set_member (changed, l->data, json_node_copy (json_object_get_member (settings, l->data)));
    g_list_free (members);
    json_object_set_string_member (changed, "uriBase", missing);
    flows_history_set_settings (history, call, changed, NULL);
  }
  flows_flow_editor_run (fixture->editor, NULL, NULL);
  wait_run (fixture);
  /* The stage failed, and its fail route carried the run on. */
  g_assert_cmpint (flows_stage_card_get_run_state (flows_canvas_get_card (canvas, call)), ==, FLOWS_STAGE_RUN_STATE_FAILED);
  g_assert_true (flows_canvas_is_route_taken (canvas, flows_stage_get_id (call), "fail"));
  g_assert_false (flows_canvas_is_route_taken (canvas, flows_stage_get_id (call), "success"));
  g_assert_cmpint (flows_stage_card_get_run_state (flows_canvas_get_card (canvas, sleep_stage)), ==, FLOWS_STAGE_RUN_STATE_SUCCEEDED);

  /* Stop: a slow answer, the run cancelled while the card shows it running. */
  slow_url = g_strconcat (fixture->server_url, "slow", NULL);
  {
    g_autoptr(JsonObject) settings = flows_stage_catalog_default_settings (FLOWS_STAGE_TYPE_CALL_API);

    json_object_set_string_member (settings, "uriBase", slow_url);
    flows_history_set_settings (history, call, settings, NULL);
  }
  flows_flow_editor_run (fixture->editor, NULL, NULL);
  for (guint i = 0; i < 200 && flows_stage_card_get_run_state (flows_canvas_get_card (canvas, call)) != FLOWS_STAGE_RUN_STATE_RUNNING; i++)
    spin (10);
  g_assert_cmpint (flows_stage_card_get_run_state (flows_canvas_get_card (canvas, call)), ==, FLOWS_STAGE_RUN_STATE_RUNNING);
  activate (fixture, "editor.cancel-run", NULL);
  wait_run (fixture);
  g_assert_cmpint (flows_stage_card_get_run_state (flows_canvas_get_card (canvas, call)), !=, FLOWS_STAGE_RUN_STATE_RUNNING);
}

/* Icons across editors ------------------------------------------------------------------------- */

#define ICON_FLOW_STAGES 120
#define ICON_EDITORS     40

/* Every icon shown below @root is a paintable of @root's display's icon cache, none an icon
 * name GtkImage would look up in the theme; returns how many there are. */
static guint
assert_icons_from_cache (GtkWidget *root)
{
  FlowsIconCache *cache = flows_icon_cache_get_for_display (gtk_widget_get_display (root));
  guint n = 0;

  if (GTK_IS_IMAGE (root) && gtk_widget_is_visible (root))
    {
      GtkImage *image = GTK_IMAGE (root);
      GdkPaintable *paintable = gtk_image_get_paintable (image);

      g_assert_cmpint (gtk_image_get_storage_type (image), ==, GTK_IMAGE_PAINTABLE);
      g_assert_true (GTK_IS_ICON_PAINTABLE (paintable));
      /* Recoloured from the CSS colour as an icon name's would be. */
      g_assert_true (gtk_icon_paintable_is_symbolic (GTK_ICON_PAINTABLE (paintable)));
      g_assert_true (paintable == flows_icon_cache_lookup (cache, gtk_icon_paintable_get_icon_name (GTK_ICON_PAINTABLE (paintable)),
                                                           gtk_image_get_pixel_size (image), gtk_widget_get_scale_factor (root),
                                                           gtk_widget_get_direction (root)));
      n++;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    n += assert_icons_from_cache (child);
  return n;
}

typedef struct
{
  GtkImage     *image;
  GdkPaintable *before;
} PaintableChange;

static gboolean
paintable_changed (gpointer user_data)
{
  PaintableChange *change = user_data;

  return gtk_image_get_paintable (change->image) != change->before;
}

static void
on_editor_finalized (gpointer  data,
                     GObject  *where_the_object_was)
{
  (*(guint *) data)--;
}

/* Editors on a flow full of cards made and destroyed ICON_EDITORS times, as each window makes
 * its own: with GTK 4.8, images given icon names looked them up again at each change of style,
 * and an icon left only to the theme's loading threads could be finalized by one of them while
 * the next editor's cards looked it up (flows-icon-cache.c). The cards' and the palette's icons
 * come from the display's icon cache instead, the same paintable for every card of a type, and
 * new ones when the icon theme changes; every editor made is finalized. */
static void
test_icons_across_editors (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(FlowsApp) app = NULL;
  FlowsFlow *flow;
  FlowsCanvas *canvas;
  guint alive = 0, images;
  GtkWidget *palette;

  if (!test_need_display ())
    return;

  app = test_library_add_template (fixture->host.library, "Icon Test", FLOWS_CONNECTION_TYPE_GENERIC);
  g_set_object (&fixture->host.app, app);
  flow = find_flow (app, FLOWS_FLOW_ROLE_CONNECTION_TEST);
  /* Call APIs without a URL: their cards show a problem badge. */
  test_flow_make_chain (flow, ICON_FLOW_STAGES, 12, NULL);

  for (guint i = 0; i < ICON_EDITORS; i++)
    {
      fixture->editor = FLOWS_FLOW_EDITOR (flows_flow_editor_new ());
      flows_flow_editor_set_library (fixture->editor, fixture->host.library);
      alive++;
      g_object_weak_ref (G_OBJECT (fixture->editor), on_editor_finalized, &alive);
      /* The editor shown before is destroyed here, while its icons may still be loading. */
      gtk_window_set_child (fixture->host.window, GTK_WIDGET (fixture->editor));
      flows_flow_editor_set_flow (fixture->editor, app, flow);
      flows_canvas_set_zoom (flows_flow_editor_get_canvas (fixture->editor), 1.0);
      test_xtest_settle ();
    }
  spin (50);
  g_assert_cmpuint (alive, ==, 1);
  /* The last one goes with the fixture, after @alive. */
  g_object_weak_unref (G_OBJECT (fixture->editor), on_editor_finalized, &alive);

  canvas = flows_flow_editor_get_canvas (fixture->editor);
  /* A run's states on the cards, every stage's card made: status icons of both colours. */
  for (guint i = 0; i < n_stages (flow); i++)
    {
      g_autoptr(FlowsStage) stage = g_list_model_get_item (flows_flow_get_stages (flow), i);

      if (i % 4 < 2)
        flows_stage_card_set_run_state (flows_canvas_get_card (canvas, stage),
                                        i % 4 == 0 ? FLOWS_STAGE_RUN_STATE_SUCCEEDED : FLOWS_STAGE_RUN_STATE_FAILED,
                                        (i + 1) * G_TIME_SPAN_MILLISECOND);
    }
  test_xtest_settle ();

  /* The palette open beside the cards. */
  activate (fixture, "editor.show-palette", NULL);
  test_xtest_settle ();
  spin (300);

  if (g_getenv ("FLOWS_SCREENSHOT_DIR") != NULL)
    {
      g_autofree char *path = g_build_filename (g_getenv ("FLOWS_SCREENSHOT_DIR"), "editor-icons.png", NULL);
      g_autoptr(GError) error = NULL;

      g_mkdir_with_parents (g_getenv ("FLOWS_SCREENSHOT_DIR"), 0755);
      g_assert_true (test_save_snapshot (GTK_WIDGET (fixture->host.window), path, &error));
      g_assert_no_error (error);
    }

  /* The type icons, the problem badges of the Call APIs and the status icons. */
  images = assert_icons_from_cache (GTK_WIDGET (canvas));
  g_assert_cmpuint (flows_canvas_get_n_cards (canvas), >=, 12);
  g_assert_cmpuint (images, >, flows_canvas_get_n_cards (canvas));

  /* The palette's rows. */
  palette = test_find_widget_of_type (GTK_WIDGET (fixture->editor), FLOWS_TYPE_STAGE_PALETTE);
  g_assert_cmpuint (assert_icons_from_cache (test_find_widget_of_type (palette, GTK_TYPE_LIST_BOX)), >=, 10);

  /* The icon theme changes (a folder more to look in, then the folders it had): the cards show
   * the changed theme's icons. */
  {
    GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (GTK_WIDGET (canvas)));
    g_auto(GStrv) search_path = gtk_icon_theme_get_search_path (theme);
    PaintableChange change = { 0 };

    change.image = GTK_IMAGE (test_find_widget_of_type (GTK_WIDGET (flows_canvas_get_card (canvas, flows_flow_get_trigger (flow))),
                                                        GTK_TYPE_IMAGE));
    for (guint i = 0; i < 2; i++)
      {
        /* Held, so that a new paintable cannot take its address. */
        change.before = g_object_ref (gtk_image_get_paintable (change.image));
        if (i == 0)
          gtk_icon_theme_add_search_path (theme, fixture->host.data_dir);
        else
          gtk_icon_theme_set_search_path (theme, (const char * const *)search_path);
        test_wait_for (paintable_changed, &change, 10000);
        g_clear_object (&change.before);
        assert_icons_from_cache (GTK_WIDGET (canvas));
      }
  }
}

int
main (int   argc,
      char *argv[])
{
  /* GL under Xvfb costs seconds per window and tests nothing here; XTest needs X11, the only
   * display GTK may then open. */
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GDK_BACKEND", "x11", TRUE);
  test_ui_init (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/flow-editor/template-on-canvas", test_template_on_canvas);
  ADD ("/flow-editor/gestures", test_gestures);
  ADD ("/flow-editor/click-does-not-move", test_click_does_not_move);
  ADD ("/flow-editor/keyboard", test_keyboard);
  ADD ("/flow-editor/delete-focused-stage", test_delete_focused_stage);
  ADD ("/flow-editor/flow-grows-while-palette-slides", test_flow_grows_while_palette_slides);
  ADD ("/flow-editor/escape-and-kept-history", test_escape_and_kept_history);
  ADD ("/flow-editor/reference-at-cursor", test_reference_at_cursor);
  ADD ("/flow-editor/routes-from-keyboard", test_routes_from_keyboard);
  ADD ("/flow-editor/connect-search-gives-focus-back", test_connect_search_gives_focus_back);
  ADD ("/flow-editor/card-menu", test_card_menu);
  ADD ("/flow-editor/room", test_room);
  ADD ("/flow-editor/undo-redo-file", test_undo_redo_file);
  ADD ("/flow-editor/copy-paste-between-flows", test_copy_paste_between_flows);
  ADD ("/flow-editor/validation-badges", test_validation_badges);
  ADD ("/flow-editor/problems-after-reopen", test_problems_after_reopen);
  ADD ("/flow-editor/run-on-cards", test_run_on_cards);
  ADD ("/flow-editor/icons-across-editors", test_icons_across_editors);
#undef ADD

  return g_test_run ();
}
