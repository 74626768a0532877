/* test-input.h — the pointer and the keyboard of the X server (XTest), for tests that drive a
 * window the way a user does, so that GTK's own gestures and key handling do the work. GTK must
 * use X11 (GDK_BACKEND=x11), and the test runs alone on the X screen (is_parallel: false): the
 * pointer goes to whatever window is on top at that place.
 */
#pragma once

#include <gtk/gtk.h>
#include <X11/X.h>
#include <X11/keysym.h>

G_BEGIN_DECLS

/* The window whose frames test_input_settle() counts (NULL: none, then it only waits until
 * nothing is pending). */
void test_input_set_frame_widget (GtkWidget *widget);
/* Waits until GTK has handled what was sent: the X server has taken it (XSync), and the frame
 * widget has drawn two frames since, GTK handing input to widgets at the start of a frame. */
void test_input_settle           (void);

/* Moves the pointer to (@x, @y) of @widget, then settles. */
void test_pointer_move_to        (GtkWidget *widget,
                                  double     x,
                                  double     y);
void test_pointer_button         (guint      button,
                                  gboolean   press);
/* A press at one point of @widget, a drag through a few points, a release at another. */
void test_pointer_drag           (GtkWidget *widget,
                                  double     from_x,
                                  double     from_y,
                                  double     to_x,
                                  double     to_y);

/* Presses or releases @keysym (an XK_ keysym) without settling. */
void test_key_event              (KeySym     keysym,
                                  gboolean   press);
/* Presses @keysym with the modifiers (XK_ keysyms, 0-terminated) held, then settles. */
void test_press_key              (KeySym     keysym,
                                  ...);
/* Types @text: ASCII letters, digits and spaces. */
void test_type_text              (const char *text);

G_END_DECLS
