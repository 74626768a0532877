/* test-long-session.c — a long working session in the flow editor, at random, checked as it goes
 *
 * A seeded random sequence of the edits a user makes, through the paths a user takes: the
 * editor's actions (gtk_widget_activate_action, as menus and shortcuts do) and the pointer and
 * keyboard of the X server (XTest), so that the canvas's gestures, the palette, "Connect to…" and
 * the properties panel do the work. Add a stage, delete, connect, re-route, drag a card, nudge,
 * cut, copy and paste, rename a stage's key, auto layout, zoom, undo, redo, run the flow against
 * a loopback server, close the flow and open it again.
 *
 * Every CHECK_EVERY actions the invariants are checked: nothing logged a warning or a critical,
 * validation runs on every flow of the App, ids and keys are unique and every route leads to a
 * stage of the flow, and the file the library saved (its pending save flushed) is the App as it
 * is in memory and loads back to the same bytes. At the end, undoing everything gives back the
 * starting file byte for byte, and redoing everything the final one.
 *
 * FLOWS_LONG_SESSION_ACTIONS (2,000 unless set; the benchmark sets 20,000) and
 * FLOWS_LONG_SESSION_SEED (1 unless set; "random": a new one) choose the session. A failure (an
 * assertion, a warning, a crash, a sanitizer's report) prints the seed and the last actions, so
 * that the session can be replayed:
 *   FLOWS_LONG_SESSION_SEED=N FLOWS_LONG_SESSION_ACTIONS=M build-aux/session build/tests/test-long-session
 *
 * Runs alone (is_parallel: false in tests/meson.build): the pointer goes to whatever window is
 * on top at that place of the shared X screen.
 */

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <adwaita.h>
#include <X11/keysym.h>

#include "flows-document.h"
#include "flows-flow-editor.h"
#include "flows-layout.h"
#include "flows-stage-catalog.h"
#include "flows-stage-palette.h"
#include "flows-validate.h"
#include "runner-helpers.h"
#include "test-files.h"
#include "test-ui-host.h"
#include "test-ui.h"
#include "test-wait.h"
#include "test-xtest.h"

#define DEFAULT_ACTIONS 2000
#define DEFAULT_SEED    1
#define CHECK_EVERY     100
#define N_RECENT        20
/* Above this many stages, removing is likelier than adding, so that the flow stays the size of
 * a real one rather than growing for ever. */
#define COMFORTABLE_STAGES 30
/* Room kept between a point the pointer goes to and the canvas's edges. */
#define EDGE_MARGIN 24

typedef struct
{
  TestHost         host;
  FlowsFlowEditor *editor;
  FlowsCanvas     *canvas;
  FlowsFlow       *flow;        /* the flow edited */
  FlowsFlow       *other_flow;  /* another of the App's, opened in between */
  TestServer      *server;
  GRand           *rand;
  guint32          seed;
  guint            n_actions;
  guint            action;      /* the one under way, from 1 */
  guint            checks;
  guint            key_counter;
  char            *recent[N_RECENT];
  guint            n_notes;
} Session;

/* Replay --------------------------------------------------------------------------------------- */

/* What a failure prints, kept ready: a crash or an abort prints it from a signal handler, where
 * nothing may be allocated. */
static char replay_text[8192];
static gsize replay_length;
static guint n_warnings;

static void
print_replay (void)
{
  if (replay_length > 0 && write (STDERR_FILENO, replay_text, replay_length) < 0)
    return;
}

static void
update_replay (Session *session)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text,
                          "\n# long session: seed %u, action %u of %u; replay with "
                          "FLOWS_LONG_SESSION_SEED=%u FLOWS_LONG_SESSION_ACTIONS=%u\n"
                          "# the last actions, oldest first:\n",
                          session->seed, session->action, session->n_actions, session->seed, session->action);
  for (guint i = 0; i < N_RECENT; i++)
    {
      guint index = (session->n_notes + i) % N_RECENT;

      if (session->recent[index] != NULL)
        g_string_append_printf (text, "#   %s\n", session->recent[index]);
    }
  replay_length = MIN (text->len, sizeof replay_text);
  memcpy (replay_text, text->str, replay_length);
  g_string_free (text, TRUE);
}

static void
on_fatal_signal (int signal_number)
{
  print_replay ();
  signal (signal_number, SIG_DFL);
  raise (signal_number);
}

/* AddressSanitizer ends the process without a signal; it calls this first. */
extern void __sanitizer_set_death_callback (void (*callback) (void)) __attribute__((weak));

/* Every warning and critical counts (the checks want none), and says the replay first: a test
 * makes them fatal, and the default writer ends the process once it has written one. */
static GLogWriterOutput
log_writer (GLogLevelFlags   log_level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    {
      n_warnings++;
      print_replay ();
    }
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

/* Notes the action about to be done: the replay names it even when it is what crashes. */
static void note (Session    *session,
                  const char *format,
                  ...) G_GNUC_PRINTF (2, 3);

static void
note (Session    *session,
      const char *format,
      ...)
{
  va_list args;
  g_autofree char *what = NULL;
  guint index = session->n_notes++ % N_RECENT;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_free (session->recent[index]);
  session->recent[index] = g_strdup_printf ("%u: %s", session->action, what);
  update_replay (session);
}

/* Helpers -------------------------------------------------------------------------------------- */

static guint
n_stages (Session *session)
{
  return g_list_model_get_n_items (flows_flow_get_stages (session->flow));
}

static FlowsStage *
stage_at (Session *session,
          guint    index)
{
  g_autoptr(FlowsStage) stage = g_list_model_get_item (flows_flow_get_stages (session->flow), index);

  return stage;
}

/* A stage of the flow at random (NULL when it has none); without the Trigger when @not_trigger. */
static FlowsStage *
random_stage (Session  *session,
              gboolean  not_trigger)
{
  guint n = n_stages (session);

  for (guint tries = 0; n > 0 && tries < 8; tries++)
    {
      FlowsStage *stage = stage_at (session, g_rand_int_range (session->rand, 0, n));

      if (!not_trigger || flows_stage_get_stage_type (stage) != FLOWS_STAGE_TYPE_TRIGGER)
        return stage;
    }
  return NULL;
}

static const char *
describe (FlowsStage *stage)
{
  return stage != NULL ? flows_stage_get_key (stage) : "(none)";
}

static gboolean
chance (Session *session,
        double   probability)
{
  return g_rand_double (session->rand) < probability;
}

static void
activate (Session    *session,
          const char *action,
          GVariant   *parameter)
{
  /* A disabled action (nothing selected to copy) is refused, as its menu item would be. */
  gtk_widget_activate_action_variant (GTK_WIDGET (session->editor), action, parameter);
  test_wait_idle ();
}

/* Keys go to the focus of the window under the pointer: the pointer stays over the canvas. */
static void
focus_canvas (Session *session)
{
  gtk_widget_grab_focus (GTK_WIDGET (session->canvas));
}

static gboolean
point_in_view (Session *session,
               double   x,
               double   y)
{
  return x >= EDGE_MARGIN && y >= EDGE_MARGIN &&
         x < gtk_widget_get_width (GTK_WIDGET (session->canvas)) - EDGE_MARGIN &&
         y < gtk_widget_get_height (GTK_WIDGET (session->canvas)) - EDGE_MARGIN;
}

/* The widget point of (@dx, @dy) from @stage's top left corner, if it is in view. */
static gboolean
stage_point (Session    *session,
             FlowsStage *stage,
             double      dx,
             double      dy,
             double     *x,
             double     *y)
{
  flows_canvas_canvas_to_widget (session->canvas, flows_stage_get_x (stage) + dx, flows_stage_get_y (stage) + dy, x, y);
  return point_in_view (session, *x, *y);
}

/* Cards are drawn (and have ports) from this zoom up; below, a user zooms in first. */
static void
zoom_for_cards (Session *session)
{
  if (flows_canvas_get_zoom (session->canvas) < FLOWS_CANVAS_DETAIL_ZOOM)
    activate (session, "editor.zoom-reset", NULL);
}

/* Selects @stage (its card takes the focus) and brings it into view; for the pointer, lets the
 * canvas draw it there first. */
static void
select_stage (Session    *session,
              FlowsStage *stage)
{
  flows_canvas_select_stage (session->canvas, stage, FALSE);
  test_wait_idle ();
}

static void
select_stage_for_pointer (Session    *session,
                          FlowsStage *stage)
{
  flows_canvas_select_stage (session->canvas, stage, FALSE);
  test_xtest_settle ();
}

/* Whatever lies over the canvas (the palette, the properties panel) closed: the pointer then
 * reaches the canvas wherever it goes. */
static void
clear_canvas (Session *session)
{
  GtkWidget *palette = test_find_widget_of_type (GTK_WIDGET (session->editor), FLOWS_TYPE_STAGE_PALETTE);
  GtkWidget *properties_button = test_find_widget (GTK_WIDGET (session->editor), test_has_action, "editor.properties");
  gboolean changed = FALSE;

  if (gtk_widget_get_mapped (palette))
    {
      focus_canvas (session);
      test_press_key (XK_Escape, 0);
      changed = TRUE;
    }
  if (properties_button != NULL && GTK_IS_TOGGLE_BUTTON (properties_button) &&
      gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (properties_button)))
    {
      activate (session, "editor.properties", NULL);
      changed = TRUE;
    }
  if (changed)
    test_wait_settled (GTK_WIDGET (session->editor));
}

/* Types @text (letters, digits, "-", "_" and spaces) into the focus, every key sent before GTK
 * is waited for once: the X server keeps them in order, and a text entry takes them in one
 * frame as from a fast typist. */
static void
type_quickly (const char *text)
{
  for (const char *c = text; *c != '\0'; c++)
    {
      gboolean shifted = g_ascii_isupper (*c) || *c == '_';
      guint keysym = *c == '-' || *c == '_' ? XK_minus : *c == ' ' ? XK_space : (guchar) g_ascii_tolower (*c);

      g_assert_true (g_ascii_isalnum (*c) || *c == '-' || *c == '_' || *c == ' ');
      if (shifted)
        test_key_event (XK_Shift_L, TRUE);
      test_key_event (keysym, TRUE);
      test_key_event (keysym, FALSE);
      if (shifted)
        test_key_event (XK_Shift_L, FALSE);
    }
  test_xtest_settle ();
}

/* The same for @times presses of @keysym with @modifier (an XK_ keysym, or 0) held. */
static void
press_repeatedly (guint keysym,
                  guint modifier,
                  guint times)
{
  if (modifier != 0)
    test_key_event (modifier, TRUE);
  for (guint i = 0; i < times; i++)
    {
      test_key_event (keysym, TRUE);
      test_key_event (keysym, FALSE);
    }
  if (modifier != 0)
    test_key_event (modifier, FALSE);
  test_xtest_settle ();
}

/* Ctrl+C and Ctrl+V go through the X server's clipboard, even to ourselves. */
static void
wait_for_clipboard (void)
{
  test_spin (50);
  test_wait_idle ();
}

static void
pointer_drag (Session *session,
              double   from_x,
              double   from_y,
              double   to_x,
              double   to_y)
{
  test_pointer_quick_drag (GTK_WIDGET (session->canvas), from_x, from_y, to_x, to_y);
}

/* A stage other than @source whose middle is in view, at random; NULL when none is. */
static FlowsStage *
random_stage_in_view (Session    *session,
                      FlowsStage *source,
                      double     *x,
                      double     *y)
{
  guint n = n_stages (session);
  guint start = n > 0 ? g_rand_int_range (session->rand, 0, n) : 0;

  for (guint k = 0; k < n; k++)
    {
      FlowsStage *stage = stage_at (session, (start + k) % n);

      if (stage != source && flows_stage_get_stage_type (stage) != FLOWS_STAGE_TYPE_TRIGGER &&
          stage_point (session, stage, FLOWS_LAYOUT_CARD_WIDTH / 2.0, FLOWS_LAYOUT_CARD_HEIGHT / 2.0, x, y))
        return stage;
    }
  return NULL;
}

/* A stage's output at random; NULL for a stage without any (an End With Error). */
static const char *
random_output (Session    *session,
               FlowsStage *stage)
{
  const char * const *outputs = flows_stage_catalog_lookup (flows_stage_get_stage_type (stage))->outputs;
  guint n = outputs != NULL ? g_strv_length ((char **) outputs) : 0;

  return n > 0 ? outputs[g_rand_int_range (session->rand, 0, n)] : NULL;
}

/* Actions -------------------------------------------------------------------------------------- */

static const char * const added_types[] = {
  "set-fields", "build-url", "call-api", "route-flow", "add-to-response", "sleep", "end-with-error", "for-each",
};
/* What a user types into the palette's search for each of them: a word or two, not the whole
 * name. Enter adds whatever the search lists first. */
static const char * const palette_searches[] = {
  "set f", "build", "call a", "route", "add to", "sleep", "end w", "for e",
};

static void
act_add_stage (Session *session)
{
  guint index = g_rand_int_range (session->rand, 0, G_N_ELEMENTS (added_types));
  const char *type = added_types[index];

  if (chance (session, 0.8))
    {
      note (session, "add a %s stage (editor.add-stage)", type);
      activate (session, "editor.add-stage", g_variant_new_string (type));
    }
  else
    {
      /* The palette from the keyboard: Ctrl+Shift+A, its search, Enter. */
      note (session, "add a stage from the palette (Ctrl+Shift+A, type \"%s\", Enter)", palette_searches[index]);
      focus_canvas (session);
      test_press_key (XK_a, XK_Control_L, XK_Shift_L, 0);
      test_wait_settled (GTK_WIDGET (session->editor));
      type_quickly (palette_searches[index]);
      test_press_key (XK_Return, 0);
      clear_canvas (session);
    }
}

static void
act_delete (Session *session)
{
  FlowsStage *stage = random_stage (session, !chance (session, 0.05));

  if (stage == NULL)
    return;
  if (chance (session, 0.2))
    {
      /* A route: Ctrl+Right selects the stage's next route, Delete removes it. */
      note (session, "delete a route of %s (Ctrl+Right, Delete)", describe (stage));
      select_stage (session, stage);
      test_press_key (XK_Right, XK_Control_L, 0);
      if (flows_canvas_get_selected_route (session->canvas, NULL, NULL))
        test_press_key (XK_Delete, 0);
      return;
    }
  if (chance (session, 0.5))
    {
      note (session, "delete %s (Delete key)", describe (stage));
      select_stage (session, stage);
      test_press_key (XK_Delete, 0);
    }
  else
    {
      note (session, "delete %s (editor.delete)", describe (stage));
      select_stage (session, stage);
      activate (session, "editor.delete", NULL);
    }
}

static void
act_connect (Session *session)
{
  FlowsStage *source = random_stage (session, FALSE);
  FlowsStage *target;
  const char *output;
  double px, py, x0, y0, x1, y1;

  if (source == NULL || (output = random_output (session, source)) == NULL)
    return;

  if (chance (session, 0.5))
    {
      guint downs = g_rand_int_range (session->rand, 0, 6);

      /* Connect to…: Ctrl+K, Down into the list of (route, stage), Enter. */
      note (session, "connect %s with Connect to… (Ctrl+K, Down ×%u, Enter)", describe (source), downs);
      select_stage (session, source);
      test_press_key (XK_k, XK_Control_L, 0);
      test_wait_settled (GTK_WIDGET (session->editor));
      /* The first Down goes from the search into the list. */
      if (downs > 0)
        press_repeatedly (XK_Down, 0, downs);
      test_press_key (XK_Return, 0);
      test_wait_settled (GTK_WIDGET (session->editor));
      return;
    }

  /* A drag from the port onto another card in view. */
  zoom_for_cards (session);
  select_stage_for_pointer (session, source);
  if (!flows_canvas_get_output_port (session->canvas, source, output, &px, &py))
    return;
  flows_canvas_canvas_to_widget (session->canvas, px, py, &x0, &y0);
  if (!point_in_view (session, x0, y0) || (target = random_stage_in_view (session, source, &x1, &y1)) == NULL)
    return;
  note (session, "connect %s's %s to %s (drag from the port)", describe (source), output, describe (target));
  pointer_drag (session, x0, y0, x1, y1);
}

static void
act_reroute (Session *session)
{
  GListModel *stages = flows_flow_get_stages (session->flow);
  g_autoptr(GPtrArray) routed = g_ptr_array_new ();
  g_autoptr(GPtrArray) outputs = g_ptr_array_new ();
  FlowsStage *stage, *end, *target;
  const char *output;
  double rx, ry, x0, y0, x1, y1;
  guint pick;

  /* Every route there is, one at random. */
  for (guint i = 0; i < g_list_model_get_n_items (stages); i++)
    {
      FlowsStage *some = stage_at (session, i);
      const char * const *names = flows_stage_catalog_lookup (flows_stage_get_stage_type (some))->outputs;

      for (guint j = 0; names != NULL && names[j] != NULL; j++)
        if (flows_stage_get_route (some, names[j]) != NULL)
          {
            g_ptr_array_add (routed, some);
            g_ptr_array_add (outputs, (gpointer) names[j]);
          }
    }
  if (routed->len == 0)
    return;
  pick = g_rand_int_range (session->rand, 0, routed->len);
  stage = g_ptr_array_index (routed, pick);
  output = g_ptr_array_index (outputs, pick);
  end = flows_flow_find_stage (session->flow, flows_stage_get_route (stage, output));

  /* The route's end (where a drag takes it along) in view: its target's card is. */
  zoom_for_cards (session);
  flows_canvas_scroll_to_stage (session->canvas, end);
  test_xtest_settle ();
  if (!flows_canvas_get_route_point (session->canvas, stage, output, 0.95, &rx, &ry))
    return;
  flows_canvas_canvas_to_widget (session->canvas, rx, ry, &x0, &y0);
  if (!point_in_view (session, x0, y0))
    return;
  target = random_stage_in_view (session, stage, &x1, &y1);
  if (target == NULL || chance (session, 0.15))
    {
      /* Dropped on nothing: the route goes. */
      x1 = CLAMP (x0 + 40, EDGE_MARGIN, gtk_widget_get_width (GTK_WIDGET (session->canvas)) - EDGE_MARGIN);
      y1 = y0 < gtk_widget_get_height (GTK_WIDGET (session->canvas)) / 2.0 ? y0 + 160 : y0 - 160;
      note (session, "re-route %s's %s onto the canvas at (%.0f, %.0f) (drag its end)", describe (stage), output, x1, y1);
    }
  else
    note (session, "re-route %s's %s to %s (drag its end)", describe (stage), output, describe (target));
  pointer_drag (session, x0, y0, x1, y1);
}

static void
act_drag_card (Session *session)
{
  FlowsStage *stage = random_stage (session, FALSE);
  double x, y, dx, dy;

  if (stage == NULL)
    return;
  zoom_for_cards (session);
  select_stage_for_pointer (session, stage);
  /* By its title: away from the ports. */
  if (!stage_point (session, stage, 60, 20, &x, &y))
    return;
  dx = g_rand_int_range (session->rand, -6, 7) * 20;
  dy = g_rand_int_range (session->rand, -4, 5) * 20;
  note (session, "drag %s by (%+.0f, %+.0f)", describe (stage), dx, dy);
  pointer_drag (session, x, y, x + dx, y + dy);
}

static void
act_nudge (Session *session)
{
  static const guint keys[] = { XK_Left, XK_Right, XK_Up, XK_Down };
  static const char * const names[] = { "Left", "Right", "Up", "Down" };
  FlowsStage *stage = random_stage (session, FALSE);
  guint key = g_rand_int_range (session->rand, 0, G_N_ELEMENTS (keys));
  guint times = g_rand_int_range (session->rand, 1, 4);

  if (stage == NULL)
    return;
  note (session, "nudge %s with Alt+%s ×%u", describe (stage), names[key], times);
  select_stage (session, stage);
  press_repeatedly (keys[key], XK_Alt_L, times);
}

/* One to three stages selected, as by Ctrl+click. */
static void
select_some (Session *session,
             GString *what)
{
  g_autoptr(GPtrArray) stages = g_ptr_array_new ();
  guint n = g_rand_int_range (session->rand, 1, 4);

  for (guint i = 0; i < n; i++)
    {
      FlowsStage *stage = random_stage (session, FALSE);

      if (stage != NULL && !g_ptr_array_find (stages, stage, NULL))
        {
          g_ptr_array_add (stages, stage);
          g_string_append_printf (what, "%s%s", what->len > 0 ? ", " : "", describe (stage));
        }
    }
  flows_canvas_select_stages (session->canvas, stages);
  focus_canvas (session);
  test_wait_idle ();
}

static void
act_clipboard (Session *session)
{
  g_autoptr(GString) what = g_string_new (NULL);
  guint kind = g_rand_int_range (session->rand, 0, 4);

  if (kind == 3)
    {
      gboolean by_key = chance (session, 0.5);

      note (session, "paste (%s)", by_key ? "Ctrl+V" : "editor.paste");
      focus_canvas (session);
      if (by_key)
        test_press_key (XK_v, XK_Control_L, 0);
      else
        activate (session, "editor.paste", NULL);
      wait_for_clipboard ();
      return;
    }

  select_some (session, what);
  switch (kind)
    {
    case 0:
      note (session, "copy %s (Ctrl+C)", what->str);
      test_press_key (XK_c, XK_Control_L, 0);
      wait_for_clipboard ();
      break;
    case 1:
      note (session, "cut %s (editor.cut)", what->str);
      activate (session, "editor.cut", NULL);
      wait_for_clipboard ();
      break;
    default:
      note (session, "duplicate %s (Ctrl+D)", what->str);
      test_press_key (XK_d, XK_Control_L, 0);
      break;
    }
}

/* The Key row of the properties panel: select its text, type a key, Enter. Some keys are refused
 * (taken, or not a name), which the row says; Escape then puts the stage's key back. */
static void
act_rename_key (Session *session)
{
  FlowsStage *stage = random_stage (session, FALSE);
  GtkWidget *row;
  g_autofree char *key = NULL;
  guint kind = g_rand_int_range (session->rand, 0, 10);

  if (stage == NULL)
    return;
  if (kind == 0)
    key = g_strdup ("9lives");
  else if (kind == 1)
    {
      FlowsStage *other = random_stage (session, FALSE);

      key = g_strdup (flows_stage_get_key (other));
    }
  else
    key = g_strdup_printf ("renamed%u", ++session->key_counter);
  note (session, "rename %s's key to \"%s\" (properties panel, Enter)", describe (stage), key);

  select_stage (session, stage);
  activate (session, "editor.properties", NULL);
  test_wait_settled (GTK_WIDGET (session->editor));
  row = test_find_widget (GTK_WIDGET (session->editor), test_is_row_titled, "Key, for References");
  if (row == NULL || !gtk_widget_is_drawable (row))
    {
      clear_canvas (session);
      return;
    }
  gtk_widget_grab_focus (row);
  test_xtest_settle ();
  test_press_key (XK_a, XK_Control_L, 0);
  type_quickly (key);
  test_press_key (XK_Return, 0);
  if (g_strcmp0 (flows_stage_get_key (stage), key) != 0)
    test_press_key (XK_Escape, 0);
  clear_canvas (session);
  focus_canvas (session);
}

static void
act_auto_layout (Session *session)
{
  if (chance (session, 0.5))
    {
      note (session, "auto layout (editor.auto-layout)");
      activate (session, "editor.auto-layout", NULL);
    }
  else
    {
      note (session, "auto layout (Ctrl+Shift+L)");
      focus_canvas (session);
      test_press_key (XK_l, XK_Control_L, XK_Shift_L, 0);
    }
}

static void
act_zoom (Session *session)
{
  static const char * const actions[] = { "editor.zoom-in", "editor.zoom-out", "editor.zoom-reset", "editor.fit" };
  guint kind = g_rand_int_range (session->rand, 0, G_N_ELEMENTS (actions) + 1);

  if (kind < G_N_ELEMENTS (actions))
    {
      note (session, "zoom (%s)", actions[kind]);
      activate (session, actions[kind], NULL);
      return;
    }

  /* Ctrl+scroll over the canvas. */
  {
    guint button = chance (session, 0.5) ? 4 : 5;
    double x = g_rand_double_range (session->rand, EDGE_MARGIN, gtk_widget_get_width (GTK_WIDGET (session->canvas)) - EDGE_MARGIN);
    double y = g_rand_double_range (session->rand, EDGE_MARGIN, gtk_widget_get_height (GTK_WIDGET (session->canvas)) - EDGE_MARGIN);

    note (session, "zoom %s (Ctrl+scroll at %.0f, %.0f)", button == 4 ? "in" : "out", x, y);
    test_pointer_move_to (GTK_WIDGET (session->canvas), x, y);
    test_key_event (XK_Control_L, TRUE);
    test_xtest_settle ();
    test_pointer_button (button, TRUE);
    test_pointer_button (button, FALSE);
    test_key_event (XK_Control_L, FALSE);
    test_xtest_settle ();
  }
}

static void
act_undo_redo (Session *session)
{
  gboolean undo = chance (session, 0.6);
  gboolean by_key = chance (session, 0.5);
  guint times = g_rand_int_range (session->rand, 1, 5);

  note (session, "%s ×%u (%s)", undo ? "undo" : "redo", times,
        by_key ? (undo ? "Ctrl+Z" : "Ctrl+Shift+Z") : (undo ? "editor.undo" : "editor.redo"));
  focus_canvas (session);
  if (by_key && undo)
    press_repeatedly (XK_z, XK_Control_L, times);
  else if (by_key)
    {
      test_key_event (XK_Shift_L, TRUE);
      press_repeatedly (XK_z, XK_Control_L, times);
      test_key_event (XK_Shift_L, FALSE);
    }
  else
    for (guint i = 0; i < times; i++)
      activate (session, undo ? "editor.undo" : "editor.redo", NULL);
}

static gboolean
run_is_over (gpointer user_data)
{
  Session *session = user_data;

  return !flows_flow_editor_is_running (session->editor);
}

/* A run as the Run dialog starts it. A flow with Sleep stages takes a while: past 2 s, Stop. */
static void
act_run (Session *session)
{
  gint64 deadline;

  note (session, "run the flow (loopback server)");
  flows_flow_editor_run (session->editor, NULL, NULL);
  deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  while (flows_flow_editor_is_running (session->editor) && g_get_monotonic_time () < deadline)
    test_spin (20);
  if (flows_flow_editor_is_running (session->editor))
    {
      note (session, "stop the run (editor.cancel-run)");
      activate (session, "editor.cancel-run", NULL);
      test_wait_for (run_is_over, session, 10000);
    }
}

static void
act_reopen (Session *session)
{
  gboolean through_other = chance (session, 0.5);

  note (session, "close the flow and open it again%s", through_other ? ", another flow in between" : "");
  flows_flow_editor_set_flow (session->editor, NULL, NULL);
  test_wait_idle ();
  if (through_other)
    {
      flows_flow_editor_set_flow (session->editor, session->host.app, session->other_flow);
      test_xtest_settle ();
    }
  flows_flow_editor_set_flow (session->editor, session->host.app, session->flow);
  test_xtest_settle ();
}

static void
act_select (Session *session)
{
  FlowsStage *stage = random_stage (session, FALSE);
  double x, y;

  if (chance (session, 0.3))
    {
      note (session, "select all (Ctrl+A)");
      focus_canvas (session);
      test_press_key (XK_a, XK_Control_L, 0);
      return;
    }
  if (stage == NULL)
    return;
  zoom_for_cards (session);
  flows_canvas_scroll_to_stage (session->canvas, stage);
  test_xtest_settle ();
  if (!stage_point (session, stage, 30, 30, &x, &y))
    return;
  note (session, "click %s", describe (stage));
  test_pointer_quick_click (GTK_WIDGET (session->canvas), x, y);
}

typedef struct
{
  const char *name;
  guint       weight;
  void      (*act) (Session *session);
} Action;

/* Weighted so that a session edits much and the slower gestures (a drag waits for GTK at each
 * of its four steps) still come by the hundred in 2,000 actions. */
static const Action actions[] = {
  { "add", 16, act_add_stage },
  { "delete", 10, act_delete },
  { "connect", 8, act_connect },
  { "re-route", 3, act_reroute },
  { "drag", 5, act_drag_card },
  { "nudge", 8, act_nudge },
  { "clipboard", 8, act_clipboard },
  { "rename-key", 3, act_rename_key },
  { "auto-layout", 3, act_auto_layout },
  { "zoom", 8, act_zoom },
  { "undo-redo", 18, act_undo_redo },
  { "run", 2, act_run },
  { "reopen", 2, act_reopen },
  { "select", 6, act_select },
};

/* How many of each action were done, and the time they took: where a slow session goes. */
static guint action_counts[G_N_ELEMENTS (actions)];
static gint64 action_us[G_N_ELEMENTS (actions)];

static void
act_at_random (Session *session)
{
  guint total = 0, pick;

  /* A flow grown past its comfortable size sheds stages more than it gains them. */
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    total += actions[i].weight;
  pick = g_rand_int_range (session->rand, 0, total);
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      if (pick < actions[i].weight)
        {
          gint64 started = g_get_monotonic_time ();

          if (actions[i].act == act_add_stage && n_stages (session) > COMFORTABLE_STAGES)
            act_delete (session);
          else
            actions[i].act (session);
          action_counts[i]++;
          action_us[i] += g_get_monotonic_time () - started;
          return;
        }
      pick -= actions[i].weight;
    }
}

/* Invariants ----------------------------------------------------------------------------------- */

static void
check_flow (Session   *session,
            FlowsFlow *flow)
{
  GListModel *stages = flows_flow_get_stages (flow);
  guint n = g_list_model_get_n_items (stages);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) problems = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FlowsStage) stage = g_list_model_get_item (stages, i);

      if (!g_hash_table_add (ids, (gpointer) flows_stage_get_id (stage)))
        g_error ("flow “%s”: two stages have the id %s", flows_flow_get_name (flow), flows_stage_get_id (stage));
      if (!g_hash_table_add (keys, (gpointer) flows_stage_get_key (stage)))
        g_error ("flow “%s”: two stages have the key %s", flows_flow_get_name (flow), flows_stage_get_key (stage));
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FlowsStage) stage = g_list_model_get_item (stages, i);
      g_auto(GStrv) outputs = flows_stage_list_routes (stage);

      for (guint j = 0; outputs[j] != NULL; j++)
        {
          const char *target = flows_stage_get_route (stage, outputs[j]);

          if (target != NULL && !g_hash_table_contains (ids, target))
            g_error ("flow “%s”: the %s route of %s leads to %s, which is not a stage of the flow",
                     flows_flow_get_name (flow), outputs[j], flows_stage_get_key (stage), target);
        }
    }

  /* Whatever it finds, it must find it without a crash or a critical. */
  problems = flows_validate_flow_full (session->host.app, flow);
  g_assert_nonnull (problems);
}

/* The file the library saved, once its pending save is written. */
static char *
saved_file (Session *session)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = test_host_app_path (&session->host);

  test_wait_idle ();
  g_assert_true (flows_library_flush (session->host.library, &error));
  g_assert_no_error (error);
  return test_read_text (path);
}

static void
check_invariants (Session *session)
{
  GListModel *flows = flows_app_get_flows (session->host.app);
  g_autofree char *saved = NULL;
  g_autofree char *in_memory = NULL;
  g_autofree char *reloaded_text = NULL;
  g_autoptr(FlowsApp) reloaded = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (n_warnings, ==, 0);
  for (guint i = 0; i < g_list_model_get_n_items (flows); i++)
    {
      g_autoptr(FlowsFlow) flow = g_list_model_get_item (flows, i);

      check_flow (session, flow);
    }

  saved = saved_file (session);
  in_memory = flows_document_app_to_json (session->host.app);
  g_assert_cmpstr (saved, ==, in_memory);
  reloaded = flows_document_app_from_json (saved, strlen (saved), "the saved file", &error);
  g_assert_no_error (error);
  reloaded_text = flows_document_app_to_json (reloaded);
  g_assert_cmpstr (reloaded_text, ==, saved);
  session->checks++;
}

/* The session ---------------------------------------------------------------------------------- */

static guint
env_number (const char *name,
            guint       fallback)
{
  const char *text = g_getenv (name);
  guint64 value;

  if (text == NULL || *text == '\0')
    return fallback;
  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT32, &value, NULL))
    g_error ("%s=%s is not a number", name, text);
  return value;
}

/* The Connection Test of a Generic App, whose Call API goes to the loopback server. */
static void
session_set_up (Session *session)
{
  g_autofree char *ok_url = NULL;
  GListModel *stages;

  test_host_set_up (&session->host, "long-session-XXXXXX", "Long Session", FLOWS_CONNECTION_TYPE_GENERIC);
  session->flow = flows_app_find_flow_by_role (session->host.app, FLOWS_FLOW_ROLE_CONNECTION_TEST);
  g_assert_nonnull (session->flow);
  {
    GListModel *flows = flows_app_get_flows (session->host.app);

    for (guint i = 0; i < g_list_model_get_n_items (flows) && session->other_flow == NULL; i++)
      {
        g_autoptr(FlowsFlow) flow = g_list_model_get_item (flows, i);

        if (flow != session->flow)
          session->other_flow = flow;
      }
    if (session->other_flow == NULL)
      session->other_flow = session->flow;
  }

  session->server = test_server_new ();
  ok_url = test_server_url (session->server, "/ok");
  stages = flows_flow_get_stages (session->flow);
  for (guint i = 0; i < g_list_model_get_n_items (stages); i++)
    {
      g_autoptr(FlowsStage) stage = g_list_model_get_item (stages, i);

      if (flows_stage_get_stage_type (stage) == FLOWS_STAGE_TYPE_CALL_API)
        {
          g_autoptr(JsonObject) settings = flows_stage_catalog_default_settings (FLOWS_STAGE_TYPE_CALL_API);

          json_object_set_string_member (settings, "uriBase", ok_url);
          flows_stage_set_settings (stage, settings);
        }
    }
  flows_library_queue_save_app (session->host.library, session->host.app);

  session->editor = FLOWS_FLOW_EDITOR (flows_flow_editor_new ());
  session->canvas = flows_flow_editor_get_canvas (session->editor);
  flows_flow_editor_set_library (session->editor, session->host.library);
  test_host_show (&session->host, GTK_WIDGET (session->editor), 1200, 800);
  test_xtest_set_frame_widget (GTK_WIDGET (session->host.window));
  flows_flow_editor_set_flow (session->editor, session->host.app, session->flow);
  test_xtest_settle ();
  activate (session, "editor.zoom-reset", NULL);
  /* The pointer over the window gives it the keyboard under a bare X server. */
  test_pointer_move_to (GTK_WIDGET (session->canvas), 20, 20);
}

static void
session_tear_down (Session *session)
{
  test_xtest_set_frame_widget (NULL);
  g_clear_pointer (&session->server, test_server_free);
  test_host_tear_down (&session->host);
  for (guint i = 0; i < N_RECENT; i++)
    g_clear_pointer (&session->recent[i], g_free);
  g_clear_pointer (&session->rand, g_rand_free);
}

static void
test_long_session (void)
{
  Session session = { 0 };
  g_autofree char *start = NULL;
  g_autofree char *end = NULL;
  FlowsHistory *history;
  gint64 started, finished;
  guint undone = 0;
  gboolean redo_left;

  if (!test_need_display ())
    return;

  session.n_actions = env_number ("FLOWS_LONG_SESSION_ACTIONS", DEFAULT_ACTIONS);
  /* The suite replays one session, so that a failure there is one to look into, not chance;
   * "random" (the benchmark's) explores a new one each run. */
  session.seed = g_strcmp0 (g_getenv ("FLOWS_LONG_SESSION_SEED"), "random") == 0
                 ? g_random_int ()
                 : env_number ("FLOWS_LONG_SESSION_SEED", DEFAULT_SEED);
  session.rand = g_rand_new_with_seed (session.seed);
  g_test_message ("long session: seed %u, %u actions (replay with FLOWS_LONG_SESSION_SEED=%u)",
                  session.seed, session.n_actions, session.seed);
  update_replay (&session);

  session_set_up (&session);
  start = saved_file (&session);

  started = g_get_monotonic_time ();
  for (session.action = 1; session.action <= session.n_actions; session.action++)
    {
      act_at_random (&session);
      if (session.action % CHECK_EVERY == 0)
        {
          note (&session, "(check the invariants)");
          check_invariants (&session);
        }
    }
  finished = g_get_monotonic_time ();
  session.action = session.n_actions;
  check_invariants (&session);
  end = saved_file (&session);

  /* Undo everything: the file as it started; redo everything: as it ended. */
  note (&session, "(undo everything)");
  history = flows_flow_editor_get_history (session.editor);
  /* The session may have ended after an undo: those steps stay to redo after the others. */
  redo_left = flows_history_get_can_redo (history);
  while (flows_history_get_can_undo (history))
    {
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (session.editor), "editor.undo", NULL));
      test_wait_idle ();
      undone++;
    }
  {
    g_autofree char *now = saved_file (&session);

    g_assert_cmpstr (now, ==, start);
  }
  note (&session, "(redo everything)");
  for (guint i = 0; i < undone; i++)
    {
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (session.editor), "editor.redo", NULL));
      test_wait_idle ();
    }
  g_assert_cmpint (flows_history_get_can_redo (history), ==, redo_left);
  {
    g_autofree char *now = saved_file (&session);

    g_assert_cmpstr (now, ==, end);
  }
  check_invariants (&session);

  g_test_message ("long-session-actions: %u", session.n_actions);
  g_test_message ("long-session-actions-per-s: %.1f", session.n_actions / ((finished - started) / (double) G_USEC_PER_SEC));
  g_test_message ("long-session-invariant-checks: %u (every %u actions and at the end; %u steps undone and redone)",
                  session.checks, CHECK_EVERY, undone);
  g_test_message ("long-session-stages-at-end: %u", n_stages (&session));
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    g_test_message ("  %-12s %5u actions, %6.1f ms each", actions[i].name, action_counts[i],
                    action_counts[i] > 0 ? action_us[i] / 1000.0 / action_counts[i] : 0.0);

  session_tear_down (&session);
}

int
main (int   argc,
      char *argv[])
{
  g_log_set_writer_func (log_writer, NULL, NULL);
  signal (SIGABRT, on_fatal_signal);
  signal (SIGTRAP, on_fatal_signal);
  /* Under AddressSanitizer a crash is its to report. */
  if (__sanitizer_set_death_callback != NULL)
    __sanitizer_set_death_callback (print_replay);
  else
    {
      signal (SIGSEGV, on_fatal_signal);
      signal (SIGBUS, on_fatal_signal);
    }

  /* GL under Xvfb costs seconds per window and tests nothing here; XTest needs X11, the only
   * display GTK may then open. */
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GDK_BACKEND", "x11", TRUE);
  test_ui_init (&argc, &argv);
  /* Transitions only make every step wait longer; what they lead to is the same. */
  if (test_ui_have_display ())
    g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add_func ("/long-session/editor", test_long_session);

  return g_test_run ();
}
