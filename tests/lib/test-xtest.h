/* test-xtest.h — a user's pointer and keyboard, through the X server (XTest).
 *
 * The events go to whatever window is on top at that place of the shared X screen (Xvfb under
 * build-aux/session), so a test that uses them runs alone (is_parallel: false) and on X11
 * (GDK_BACKEND=x11). Every call returns once GTK has handled what it sent.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The widget whose window's frames test_xtest_settle() waits for (NULL: none, then it only waits
 * for the X server and for the main loop to be idle). Pointer moves set it to their widget. */
void test_xtest_set_frame_widget (GtkWidget  *widget);
/* GTK hands input to widgets at the start of a frame: after the X server has taken an event
 * (XSync), two frames later it has been handled, however loaded the machine is. */
void test_xtest_settle           (void);

/* Waits until the stacks and revealers of @widget's window have finished their transitions:
 * until then, what they show is not where a click goes. */
void test_wait_settled           (GtkWidget  *widget);

/* Moves the pointer to the point (@x, @y) of @widget. */
void test_pointer_move_to        (GtkWidget  *widget,
                                  double      x,
                                  double      y);
/* Presses or releases pointer button @button where the pointer is. */
void test_pointer_button         (guint       button,
                                  gboolean    press);
/* A click with the first button in the middle of @widget, which must be on screen, once its
 * window has settled (test_wait_settled()). */
void test_pointer_click          (GtkWidget  *widget);
/* A press at one point of @widget, a drag through a few points, a release at another. */
void test_pointer_drag           (GtkWidget  *widget,
                                  double      from_x,
                                  double      from_y,
                                  double      to_x,
                                  double      to_y);
/* The same as a quick hand does it: the pointer to (@from_x, @from_y), then the press, one
 * motion to (@to_x, @to_y) and the release, handed to GTK together (it takes them in order).
 * Two waits for GTK rather than seven, for tests that drag by the hundred. */
void test_pointer_quick_drag     (GtkWidget  *widget,
                                  double      from_x,
                                  double      from_y,
                                  double      to_x,
                                  double      to_y);
/* A click at (@x, @y) of @widget, the press and the release handed to GTK together. */
void test_pointer_quick_click    (GtkWidget  *widget,
                                  double      x,
                                  double      y);
/* Presses or releases the key of the X keysym @keysym (XK_…), as the X server has taken it;
 * with a pointer event between, to hold a modifier. */
void test_key_event              (guint       keysym,
                                  gboolean    press);
/* Presses the key of the X keysym @keysym (XK_…) with the modifiers (XK_… keysyms too, then 0)
 * held. */
void test_press_key              (guint       keysym,
                                  ...);
/* Types @text, ASCII letters, digits and punctuation, a key at a time. */
void test_type_text              (const char *text);

G_END_DECLS
