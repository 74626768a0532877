/* test-input.c — the pointer and the keyboard of the X server (XTest) */

#include "config.h"

#include <gdk/x11/gdkx.h>
#include <X11/XKBlib.h>
#include <X11/extensions/XTest.h>

#include "test-input.h"
#include "test-wait.h"

static GtkWidget *frame_widget;

void
test_input_set_frame_widget (GtkWidget *widget)
{
  frame_widget = widget;
}

static Display *
x_display (void)
{
  return gdk_x11_display_get_xdisplay (gdk_display_get_default ());
}

static gboolean
count_frame_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  (*(guint *)user_data)++;
  return G_SOURCE_CONTINUE;
}

void
test_input_settle (void)
{
  guint frames = 0;
  guint tick;
  gint64 deadline = g_get_monotonic_time () + 5 * G_TIME_SPAN_SECOND;

  XSync (x_display (), False);
  test_wait_idle ();
  if (frame_widget == NULL)
    return;
  tick = gtk_widget_add_tick_callback (frame_widget, count_frame_cb, &frames, NULL);
  while (frames < 2 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  gtk_widget_remove_tick_callback (frame_widget, tick);
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

  widget_to_screen (widget, x, y, &screen_x, &screen_y);
  XTestFakeMotionEvent (x_display (), -1, screen_x, screen_y, CurrentTime);
  test_input_settle ();
}

void
test_pointer_button (guint    button,
                     gboolean press)
{
  XTestFakeButtonEvent (x_display (), button, press, CurrentTime);
  test_input_settle ();
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
test_key_event (KeySym   keysym,
                gboolean press)
{
  XTestFakeKeyEvent (x_display (), XKeysymToKeycode (x_display (), keysym), press, CurrentTime);
  XSync (x_display (), False);
}

void
test_press_key (KeySym keysym,
                ...)
{
  KeySym modifiers[4];
  guint n = 0;
  va_list args;
  KeySym modifier;

  va_start (args, keysym);
  while (n < G_N_ELEMENTS (modifiers) && (modifier = va_arg (args, KeySym)) != 0)
    modifiers[n++] = modifier;
  va_end (args);

  for (guint i = 0; i < n; i++)
    test_key_event (modifiers[i], TRUE);
  test_key_event (keysym, TRUE);
  test_key_event (keysym, FALSE);
  for (guint i = n; i > 0; i--)
    test_key_event (modifiers[i - 1], FALSE);
  test_input_settle ();
}

void
test_type_text (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      char name[2] = { *p, '\0' };
      KeySym keysym;
      KeyCode keycode;
      gboolean shifted;

      g_assert_true (g_ascii_isalnum (*p) || *p == ' ');
      keysym = *p == ' ' ? XK_space : XStringToKeysym (name);
      keycode = XKeysymToKeycode (x_display (), keysym);
      g_assert_true (keycode != 0);
      /* The keysym that needs Shift is the second of its key. */
      shifted = XkbKeycodeToKeysym (x_display (), keycode, 0, 0) != keysym;
      if (shifted)
        test_key_event (XK_Shift_L, TRUE);
      test_key_event (keysym, TRUE);
      test_key_event (keysym, FALSE);
      if (shifted)
        test_key_event (XK_Shift_L, FALSE);
    }
  test_input_settle ();
}
