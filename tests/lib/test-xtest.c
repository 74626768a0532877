/* test-xtest.c — a user's pointer and keyboard, through the X server */

#include "config.h"

#include <gdk/x11/gdkx.h>
#include <X11/XKBlib.h>
#include <X11/extensions/XTest.h>
#include <X11/keysym.h>

#include "test-wait.h"
#include "test-xtest.h"

static GtkWidget *frame_widget;

void
test_xtest_set_frame_widget (GtkWidget *widget)
{
  /* Weak: a click may close its window. */
  g_set_weak_pointer (&frame_widget, widget);
}

static gboolean
count_frame_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  (*(guint *)user_data)++;
  return G_SOURCE_CONTINUE;
}

static Display *
x_display (void)
{
  return gdk_x11_display_get_xdisplay (gdk_display_get_default ());
}

void
test_xtest_settle (void)
{
  g_autoptr(GtkWidget) widget = NULL;
  guint frames = 0;
  guint tick;
  gint64 deadline = g_get_monotonic_time () + 5 * G_TIME_SPAN_SECOND;

  XSync (x_display (), False);
  test_wait_idle ();
  if (frame_widget == NULL || !gtk_widget_get_mapped (frame_widget))
    return;
  widget = g_object_ref (frame_widget);
  tick = gtk_widget_add_tick_callback (widget, count_frame_cb, &frames, NULL);
  while (frames < 2 && gtk_widget_get_mapped (widget) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  gtk_widget_remove_tick_callback (widget, tick);
  test_wait_idle ();
}

/* Where a point of @widget is on the X screen. */
static void
widget_to_screen (GtkWidget *widget,
                  double     x,
                  double     y,
                  int       *screen_x,
                  int       *screen_y)
{
  GtkNative *native = gtk_widget_get_native (widget);
  GdkSurface *surface = gtk_native_get_surface (native);
  graphene_point_t point;
  double surface_x, surface_y;
  int origin_x, origin_y;
  Window child;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native), &GRAPHENE_POINT_INIT (x, y), &point));
  gtk_native_get_surface_transform (native, &surface_x, &surface_y);
  XTranslateCoordinates (x_display (), gdk_x11_surface_get_xid (surface),
                         DefaultRootWindow (x_display ()), 0, 0, &origin_x, &origin_y, &child);
  *screen_x = origin_x + (int)(surface_x + point.x);
  *screen_y = origin_y + (int)(surface_y + point.y);
}

void
test_pointer_move_to (GtkWidget *widget,
                      double     x,
                      double     y)
{
  int screen_x, screen_y;

  /* Where the widget is after the layout that is due, not before it. */
  test_xtest_set_frame_widget (GTK_WIDGET (gtk_widget_get_root (widget)));
  test_xtest_settle ();
  widget_to_screen (widget, x, y, &screen_x, &screen_y);
  XTestFakeMotionEvent (x_display (), -1, screen_x, screen_y, CurrentTime);
  test_xtest_settle ();
}

void
test_pointer_button (guint    button,
                     gboolean press)
{
  XTestFakeButtonEvent (x_display (), button, press, CurrentTime);
  test_xtest_settle ();
}

/* Whether a stack or a revealer below @widget is between two states: what it shows then is not
 * where a click goes. */
static gboolean
animating (GtkWidget *widget)
{
  if (GTK_IS_STACK (widget) && gtk_stack_get_transition_running (GTK_STACK (widget)))
    return TRUE;
  if (GTK_IS_REVEALER (widget) &&
      gtk_revealer_get_reveal_child (GTK_REVEALER (widget)) != gtk_revealer_get_child_revealed (GTK_REVEALER (widget)))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_get_mapped (child) && animating (child))
      return TRUE;
  return FALSE;
}

static gboolean
settled (gpointer root)
{
  return !animating (root);
}

void
test_wait_settled (GtkWidget *widget)
{
  test_wait_for (settled, gtk_widget_get_root (widget), 5000);
}

/* Whether what is under the pointer, as GTK delivers a click there, is @widget or inside it:
 * not a toast, a popover or another window over it, nor a place it left for a new layout. */
static gboolean
pointer_over (GtkWidget *widget)
{
  GtkNative *native = gtk_widget_get_native (widget);
  GdkSurface *surface = gtk_native_get_surface (native);
  double surface_x, surface_y;
  int root_x, root_y, x, y;
  unsigned int mask;
  Window root, child;
  GtkWidget *picked;

  if (!XQueryPointer (x_display (), gdk_x11_surface_get_xid (surface), &root, &child, &root_x, &root_y, &x, &y, &mask))
    return FALSE;
  gtk_native_get_surface_transform (native, &surface_x, &surface_y);
  picked = gtk_widget_pick (GTK_WIDGET (native), x - surface_x, y - surface_y, GTK_PICK_DEFAULT);
  return picked != NULL && (picked == widget || gtk_widget_is_ancestor (picked, widget));
}

void
test_pointer_click (GtkWidget *widget)
{
  guint tries = 0;

  test_wait_settled (widget);
  g_assert_true (gtk_widget_get_mapped (widget));
  do
    {
      if (tries++ == 10)
        g_error ("the pointer never got over %s: something else is there", G_OBJECT_TYPE_NAME (widget));
      test_pointer_move_to (widget, gtk_widget_get_width (widget) / 2.0, gtk_widget_get_height (widget) / 2.0);
    }
  while (!pointer_over (widget));
  test_pointer_button (1, TRUE);
  test_pointer_button (1, FALSE);
}

void
test_pointer_drag (GtkWidget *widget,
                   double     from_x,
                   double     from_y,
                   double     to_x,
                   double     to_y)
{
  test_pointer_move_to (widget, from_x, from_y);
  test_pointer_button (1, TRUE);
  for (guint i = 1; i <= 5; i++)
    test_pointer_move_to (widget, from_x + (to_x - from_x) * i / 5, from_y + (to_y - from_y) * i / 5);
  test_pointer_button (1, FALSE);
}

void
test_pointer_quick_drag (GtkWidget *widget,
                         double     from_x,
                         double     from_y,
                         double     to_x,
                         double     to_y)
{
  int screen_x, screen_y;

  test_pointer_move_to (widget, from_x, from_y);
  widget_to_screen (widget, to_x, to_y, &screen_x, &screen_y);
  XTestFakeButtonEvent (x_display (), 1, True, CurrentTime);
  XTestFakeMotionEvent (x_display (), -1, screen_x, screen_y, CurrentTime);
  XTestFakeButtonEvent (x_display (), 1, False, CurrentTime);
  test_xtest_settle ();
}

void
test_pointer_quick_click (GtkWidget *widget,
                          double     x,
                          double     y)
{
  test_pointer_move_to (widget, x, y);
  XTestFakeButtonEvent (x_display (), 1, True, CurrentTime);
  XTestFakeButtonEvent (x_display (), 1, False, CurrentTime);
  test_xtest_settle ();
}

void
test_key_event (guint    keysym,
                gboolean press)
{
  KeyCode code = XKeysymToKeycode (x_display (), keysym);

  g_assert_cmpuint (code, !=, 0);
  XTestFakeKeyEvent (x_display (), code, press, CurrentTime);
  XSync (x_display (), False);
}

static void
press_key_with (KeySym        keysym,
                const KeySym *modifiers,
                guint         n_modifiers)
{
  for (guint i = 0; i < n_modifiers; i++)
    test_key_event (modifiers[i], TRUE);
  test_key_event (keysym, TRUE);
  test_key_event (keysym, FALSE);
  for (guint i = n_modifiers; i > 0; i--)
    test_key_event (modifiers[i - 1], FALSE);
  test_xtest_settle ();
}

void
test_press_key (guint keysym,
                ...)
{
  KeySym modifiers[4];
  guint n = 0;
  va_list args;
  guint modifier;

  va_start (args, keysym);
  while ((modifier = va_arg (args, guint)) != 0)
    {
      g_assert_cmpuint (n, <, G_N_ELEMENTS (modifiers));
      modifiers[n++] = modifier;
    }
  va_end (args);

  press_key_with (keysym, modifiers, n);
}

void
test_type_text (const char *text)
{
  static const KeySym shift[] = { XK_Shift_L };

  for (const char *c = text; *c != '\0'; c++)
    {
      /* Latin-1 characters are their own keysyms. */
      KeySym keysym = (guchar)*c;
      KeyCode code;

      g_assert_true (g_ascii_isprint (*c));
      code = XKeysymToKeycode (x_display (), keysym);
      g_assert_cmpuint (code, !=, 0);
      /* The keysym on the key's second level needs Shift, as a user would hold it. */
      press_key_with (keysym, shift, XkbKeycodeToKeysym (x_display (), code, 0, 0) != keysym ? 1 : 0);
    }
}
