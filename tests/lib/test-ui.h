/* test-ui.h — what the tests of windows share: GTK set up when there is a display (the cases
 * skip without), windows of the test's presented and drawn, widgets found by what they are, and
 * snapshots saved as PNG.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* g_test_init(), then GTK and libadwaita when there is a display. Returns whether there is. */
gboolean   test_ui_init             (int            *argc,
                                     char         ***argv);
/* Whether test_ui_init() found a display; test_need_display() skips the current test (FALSE)
 * without. */
gboolean   test_ui_have_display     (void);
gboolean   test_need_display        (void);

/* Presents @window, waits until it is mapped and has drawn a frame, then until nothing is
 * pending: what a test does next meets a laid-out window. */
void       test_window_show         (GtkWindow      *window);
/* A plain window of @width × @height around @child, shown with test_window_show(). The test
 * destroys it: test_window_destroy(). */
GtkWindow *test_window_new          (GtkWidget      *child,
                                     int             width,
                                     int             height);
/* Destroys @window and lets what that queued run. */
void       test_window_destroy      (GtkWindow      *window);

typedef gboolean (*TestWidgetMatch) (GtkWidget     *widget,
                                     gconstpointer  data);
/* The first widget below @root (or @root itself), depth first, that @match accepts; NULL when
 * none does. */
GtkWidget *test_find_widget         (GtkWidget      *root,
                                     TestWidgetMatch match,
                                     gconstpointer   data);
/* The same, failing the test when there is none. */
GtkWidget *test_get_widget          (GtkWidget      *root,
                                     TestWidgetMatch match,
                                     gconstpointer   data);
/* Matches for test_find_widget(): an AdwPreferencesRow titled @title; a GtkActionable whose
 * action is @action_name. */
gboolean   test_is_row_titled       (GtkWidget      *widget,
                                     gconstpointer   title);
gboolean   test_has_action          (GtkWidget      *widget,
                                     gconstpointer   action_name);
/* A match for test_find_widget(): a label of a tooltip on show whose text contains @text. */
gboolean   test_is_tooltip_label    (GtkWidget      *widget,
                                     gconstpointer   text);
/* The same for the first widget of @type. */
GtkWidget *test_find_widget_of_type (GtkWidget      *root,
                                     GType           type);
/* The first visible toplevel window of @type, NULL when none is. */
GtkWindow *test_find_toplevel       (GType           type);
/* The text of every label below @root, depth first, one a line. */
char      *test_widget_text         (GtkWidget      *root);
/* Every text @root and the widgets below it show or say: labels, editable texts, tooltips,
 * window and row titles and subtitles, and the accessible labels and descriptions that screen
 * readers read; one a line. For audits of what must never be shown. */
char      *test_widget_all_text     (GtkWidget      *root);

/* Saves what @widget draws (GTK's own rendering of it) as a PNG at @path, in the device pixels
 * of its window's scale factor (twice the size under GDK_SCALE=2), as the screen shows it. */
gboolean   test_save_snapshot       (GtkWidget      *widget,
                                     const char     *path,
                                     GError        **error);
/* The same for @window with @popover, open on it, drawn over it at its place; only @area
 * (in @window's coordinates) is saved. A popover is a surface of its own, which the window's
 * own rendering leaves out. */
gboolean   test_save_snapshot_with_popover (GtkWidget             *window,
                                            GtkWidget             *popover,
                                            const graphene_rect_t *area,
                                            const char            *path,
                                            GError               **error);

G_END_DECLS
