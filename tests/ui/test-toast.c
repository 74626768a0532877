/* test-toast.c — toasts closed while libadwaita 1.2 still shows them, through the real toast
 * widget of a real AdwToastOverlay in a window of the test's: flows_toast_add() holds their
 * dismissal back until the show animations are over (see "Toasts" in docs/ARCHITECTURE.md);
 * without it, the first case aborts in libadwaita and the second writes to freed memory (which
 * the sanitized run of build-aux/test reports). */

#include "config.h"

#include <string.h>

#include "flows-toast.h"
#include "test-ui.h"
#include "test-wait.h"

#define WAIT_MS 10000

typedef struct {
  GtkWindow *window;
  AdwToastOverlay *overlay;
} Fixture;

typedef struct {
  guint clicked;
  guint dismissed;
} Counts;

static void
fixture_set_up (Fixture      *fixture,
                gconstpointer unused)
{
  if (!test_need_display ())
    return;
  fixture->overlay = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  adw_toast_overlay_set_child (fixture->overlay, gtk_label_new ("Content"));
  fixture->window = test_window_new (GTK_WIDGET (fixture->overlay), 640, 480);
}

static void
fixture_tear_down (Fixture      *fixture,
                   gconstpointer unused)
{
  if (fixture->window != NULL)
    test_window_destroy (fixture->window);
}

static void
on_button_clicked (AdwToast *toast,
                   Counts   *counts)
{
  counts->clicked++;
}

static void
on_dismissed (AdwToast *toast,
              Counts   *counts)
{
  counts->dismissed++;
}

/* A toast with Undo, as the pages make them: of high priority, it replaces the one shown. */
static AdwToast *
undo_toast_new (const char *title,
                Counts     *counts)
{
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_button_label (toast, "_Undo");
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_signal_connect (toast, "button-clicked", G_CALLBACK (on_button_clicked), counts);
  g_signal_connect_after (toast, "dismissed", G_CALLBACK (on_dismissed), counts);
  return toast;
}

static gboolean
is_button_labelled (GtkWidget     *widget,
                    gconstpointer  label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static gboolean
is_close_button (GtkWidget     *widget,
                 gconstpointer  unused)
{
  return GTK_IS_BUTTON (widget) &&
         g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (widget)), "window-close-symbolic") == 0;
}

/* The toast widget titled @title, shown or hiding. */
static GtkWidget *
toast_titled (AdwToastOverlay *overlay,
              const char      *title)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (overlay)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      g_autofree char *text = test_widget_text (child);

      if (g_strcmp0 (gtk_widget_get_css_name (child), "toast") == 0 && strstr (text, title) != NULL)
        return child;
    }
  g_assert_not_reached ();
}

/* Clicks a button of the toast titled @title, as a click on it does. */
static void
click (AdwToastOverlay *overlay,
       const char      *title,
       TestWidgetMatch  match,
       gconstpointer    data)
{
  g_signal_emit_by_name (test_get_widget (toast_titled (overlay, title), match, data), "clicked");
}

static gboolean
no_toast_shown (gpointer overlay)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (overlay)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_strcmp0 (gtk_widget_get_css_name (child), "toast") == 0)
      return FALSE;
  return TRUE;
}

static gboolean
dismissed_once (gpointer counts)
{
  return ((Counts *) counts)->dismissed == 1;
}

/* Undo on the toast that has just replaced another: Undo acts at once; the toast goes once
 * the show animations are over, and the one it replaced shows again (libadwaita 1.2 would
 * show it while it still hid, and abort). */
static void
test_undo_on_replacing_toast (Fixture      *fixture,
                              gconstpointer unused)
{
  Counts first_counts = { 0 }, second_counts = { 0 };
  g_autoptr(AdwToast) first = undo_toast_new ("First", &first_counts);
  g_autoptr(AdwToast) second = undo_toast_new ("Second", &second_counts);

  if (fixture->window == NULL)
    return;

  flows_toast_add (fixture->overlay, g_object_ref (first));
  test_spin (100);
  flows_toast_add (fixture->overlay, g_object_ref (second));
  click (fixture->overlay, "Second", is_button_labelled, "_Undo");
  g_assert_cmpuint (second_counts.clicked, ==, 1);
  g_assert_cmpuint (first_counts.clicked, ==, 0);
  /* While it waits to go, it takes no second Undo: a click there reaches none of its buttons.
   * The wait ends 600 ms of the overlay's frame clock after the show began: a machine that
   * stalls that long before this line (a loaded sanitizer run) has let it go already, which
   * is no failure; what must never happen is the crash or a second close. */
  test_wait_idle ();
  if (second_counts.dismissed == 0)
    g_assert_false (gtk_widget_get_can_target (toast_titled (fixture->overlay, "Second")));

  test_wait_for (dismissed_once, &second_counts, WAIT_MS);
  /* Long enough for the first toast to show again, at rest. */
  test_spin (1000);
  g_assert_cmpuint (second_counts.dismissed, ==, 1);
  g_assert_cmpuint (first_counts.dismissed, ==, 0);

  click (fixture->overlay, "First", is_close_button, NULL);
  test_wait_for (dismissed_once, &first_counts, WAIT_MS);
  test_wait_for (no_toast_shown, fixture->overlay, WAIT_MS);
}

/* The close button of a toast that shows while the one before still hides (libadwaita 1.2
 * shows it in 500 ms, hides it in 300 ms and would free it while it showed), and of a toast
 * dismissed as soon as added. */
static void
test_close_while_showing (Fixture      *fixture,
                          gconstpointer unused)
{
  Counts first_counts = { 0 }, second_counts = { 0 }, third_counts = { 0 };
  g_autoptr(AdwToast) first = adw_toast_new ("First");
  g_autoptr(AdwToast) second = adw_toast_new ("Second");
  g_autoptr(AdwToast) third = adw_toast_new ("Third");

  if (fixture->window == NULL)
    return;

  g_signal_connect_after (first, "dismissed", G_CALLBACK (on_dismissed), &first_counts);
  g_signal_connect_after (second, "dismissed", G_CALLBACK (on_dismissed), &second_counts);
  g_signal_connect_after (third, "dismissed", G_CALLBACK (on_dismissed), &third_counts);

  flows_toast_add (fixture->overlay, g_object_ref (first));
  /* At rest: closed as a person would close it. */
  test_spin (1000);
  click (fixture->overlay, "First", is_close_button, NULL);
  g_assert_cmpuint (first_counts.dismissed, ==, 1);

  flows_toast_add (fixture->overlay, g_object_ref (second));
  click (fixture->overlay, "Second", is_close_button, NULL);
  test_wait_for (dismissed_once, &second_counts, WAIT_MS);
  test_wait_for (no_toast_shown, fixture->overlay, WAIT_MS);

  flows_toast_add (fixture->overlay, g_object_ref (third));
  adw_toast_dismiss (third);
  test_wait_for (dismissed_once, &third_counts, WAIT_MS);
  test_wait_for (no_toast_shown, fixture->overlay, WAIT_MS);
  /* Past the end of every animation. */
  test_spin (1000);
}

/* A toast closed during its show, whose window goes at once: the dismissal held back still
 * comes, once, to the handlers that wait for it. */
static void
test_close_then_window_goes (Fixture      *fixture,
                             gconstpointer unused)
{
  Counts first_counts = { 0 }, second_counts = { 0 };
  g_autoptr(AdwToast) first = undo_toast_new ("First", &first_counts);
  g_autoptr(AdwToast) second = undo_toast_new ("Second", &second_counts);

  if (fixture->window == NULL)
    return;

  flows_toast_add (fixture->overlay, g_object_ref (first));
  flows_toast_add (fixture->overlay, g_object_ref (second));
  click (fixture->overlay, "Second", is_close_button, NULL);
  test_window_destroy (g_steal_pointer (&fixture->window));
  test_wait_for (dismissed_once, &second_counts, WAIT_MS);
  test_spin (1000);
  g_assert_cmpuint (second_counts.dismissed, ==, 1);
}

int
main (int    argc,
      char **argv)
{
  test_ui_init (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/toast/undo-on-replacing-toast", test_undo_on_replacing_toast);
  ADD ("/toast/close-while-showing", test_close_while_showing);
  ADD ("/toast/close-then-window-goes", test_close_then_window_goes);
#undef ADD

  return g_test_run ();
}
