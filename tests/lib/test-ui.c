/* test-ui.c — GTK set up, windows of the test's, widgets found, snapshots */

#include "config.h"

#include <string.h>

#include "test-ui.h"
#include "test-wait.h"

/* No window takes this long to show its first frame, even under a loaded Xvfb. */
#define SHOW_TIMEOUT_MS 20000

static gboolean have_display;

gboolean
test_ui_init (int    *argc,
              char ***argv)
{
  g_test_init (argc, argv, NULL);
  have_display = gtk_init_check ();
  if (have_display)
    adw_init ();
  return have_display;
}

gboolean
test_ui_have_display (void)
{
  return have_display;
}

gboolean
test_need_display (void)
{
  if (have_display)
    return TRUE;
  g_test_skip ("no display: run under build-aux/session (Xvfb)");
  return FALSE;
}

typedef struct
{
  GtkWidget *window;
  gboolean   painted;
} Showing;

static void
on_after_paint (GdkFrameClock *clock,
                Showing       *showing)
{
  showing->painted = TRUE;
}

static gboolean
shown (gpointer user_data)
{
  Showing *showing = user_data;

  return gtk_widget_get_mapped (showing->window) && showing->painted;
}

void
test_window_show (GtkWindow *window)
{
  Showing showing = { GTK_WIDGET (window), FALSE };
  GdkFrameClock *clock;
  gulong handler;

  gtk_window_present (window);
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_assert_nonnull (clock);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &showing);
  gtk_widget_queue_draw (GTK_WIDGET (window));
  test_wait_for (shown, &showing, SHOW_TIMEOUT_MS);
  g_signal_handler_disconnect (clock, handler);
  test_wait_idle ();
}

GtkWindow *
test_window_new (GtkWidget *child,
                 int        width,
                 int        height)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_default_size (window, width, height);
  gtk_window_set_child (window, child);
  test_window_show (window);
  return window;
}

void
test_window_destroy (GtkWindow *window)
{
  gtk_window_destroy (window);
  test_wait_idle ();
}

GtkWidget *
test_find_widget (GtkWidget       *root,
                  TestWidgetMatch  match,
                  gconstpointer    data)
{
  if (match (root, data))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = test_find_widget (child, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

GtkWidget *
test_get_widget (GtkWidget       *root,
                 TestWidgetMatch  match,
                 gconstpointer    data)
{
  GtkWidget *widget = test_find_widget (root, match, data);

  if (widget == NULL)
    g_error ("no widget below %s matches", G_OBJECT_TYPE_NAME (root));
  return widget;
}

gboolean
test_is_row_titled (GtkWidget     *widget,
                    gconstpointer  title)
{
  return ADW_IS_PREFERENCES_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

gboolean
test_has_action (GtkWidget     *widget,
                 gconstpointer  action_name)
{
  return GTK_IS_ACTIONABLE (widget) &&
         g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0;
}

gboolean
test_is_tooltip_label (GtkWidget     *widget,
                       gconstpointer  text)
{
  GtkNative *native = gtk_widget_get_native (widget);

  return GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) && native != NULL &&
         g_str_equal (G_OBJECT_TYPE_NAME (native), "GtkTooltipWindow") &&
         strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL;
}

static gboolean
is_of_type (GtkWidget     *widget,
            gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

GtkWidget *
test_find_widget_of_type (GtkWidget *root,
                          GType      type)
{
  return test_find_widget (root, is_of_type, GSIZE_TO_POINTER (type));
}

GtkWindow *
test_find_toplevel (GType type)
{
  /* Owned by GTK. */
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

static void
collect_labels (GtkWidget *root,
                GString   *text)
{
  if (GTK_IS_LABEL (root))
    {
      g_string_append (text, gtk_label_get_text (GTK_LABEL (root)));
      g_string_append_c (text, '\n');
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    collect_labels (child, text);
}

/* The accessible @property of @widget as text, or NULL when it has none: GTK 4.8 has no getter,
 * but its test helper returns the value whenever it differs from the one asked about. */
static char *
accessible_text (GtkWidget             *widget,
                 GtkAccessibleProperty  property)
{
  if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), property))
    return NULL;
  return gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget), property, "");
}

static void
collect_all_text (GtkWidget *widget,
                  GString   *text)
{
  const char *shown[4] = { NULL };
  char *said[2] = {
    accessible_text (widget, GTK_ACCESSIBLE_PROPERTY_LABEL),
    accessible_text (widget, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION),
  };

  if (GTK_IS_LABEL (widget))
    shown[0] = gtk_label_get_text (GTK_LABEL (widget));
  else if (GTK_IS_EDITABLE (widget))
    shown[0] = gtk_editable_get_text (GTK_EDITABLE (widget));
  else if (GTK_IS_WINDOW (widget))
    shown[0] = gtk_window_get_title (GTK_WINDOW (widget));
  if (ADW_IS_PREFERENCES_ROW (widget))
    shown[1] = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));
  if (ADW_IS_ACTION_ROW (widget))
    shown[2] = adw_action_row_get_subtitle (ADW_ACTION_ROW (widget));
  shown[3] = gtk_widget_get_tooltip_text (widget);

  for (guint i = 0; i < G_N_ELEMENTS (shown); i++)
    if (shown[i] != NULL)
      g_string_append_printf (text, "%s\n", shown[i]);
  for (guint i = 0; i < G_N_ELEMENTS (said); i++)
    {
      if (said[i] != NULL)
        g_string_append_printf (text, "%s\n", said[i]);
      g_free (said[i]);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    collect_all_text (child, text);
}

char *
test_widget_all_text (GtkWidget *root)
{
  GString *text = g_string_new (NULL);

  collect_all_text (root, text);
  return g_string_free (text, FALSE);
}

char *
test_widget_text (GtkWidget *root)
{
  GString *text = g_string_new (NULL);

  collect_labels (root, text);
  return g_string_free (text, FALSE);
}

/* Appends what @widget draws to @snapshot: the paintable of a widget that is drawn (a window or
 * a popover, each on a surface of its own). */
static void
append_widget (GtkSnapshot *snapshot,
               GtkWidget   *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), gtk_widget_get_width (widget), gtk_widget_get_height (widget));
}

/* Renders @snapshot's node with @widget's renderer and saves @area of it as a PNG at @path. */
static gboolean
save_node (GtkWidget              *widget,
           GtkSnapshot            *snapshot,
           const graphene_rect_t  *area,
           const char             *path,
           GError                **error)
{
  g_autoptr(GskRenderNode) node = gtk_snapshot_free_to_node (snapshot);
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  /* In the window's device pixels (GDK_SCALE), as the screen shows it. */
  int scale = gtk_widget_get_scale_factor (widget);
  graphene_rect_t device_area;

  if (node == NULL || renderer == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s drew nothing", G_OBJECT_TYPE_NAME (widget));
      return FALSE;
    }
  if (scale != 1)
    {
      g_autoptr(GskTransform) transform = gsk_transform_scale (NULL, scale, scale);
      GskRenderNode *scaled = gsk_transform_node_new (node, transform);

      gsk_render_node_unref (node);
      node = scaled;
    }
  graphene_rect_scale (area, scale, scale, &device_area);
  texture = gsk_renderer_render_texture (renderer, node, &device_area);
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "could not write %s", path);
      return FALSE;
    }
  return TRUE;
}

gboolean
test_save_snapshot (GtkWidget   *widget,
                    const char  *path,
                    GError     **error)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();

  append_widget (snapshot, widget);
  return save_node (widget, snapshot, &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget), gtk_widget_get_height (widget)),
                    path, error);
}

gboolean
test_save_snapshot_with_popover (GtkWidget              *window,
                                 GtkWidget              *popover,
                                 const graphene_rect_t  *area,
                                 const char             *path,
                                 GError                **error)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GdkSurface *popup = gtk_native_get_surface (GTK_NATIVE (popover));
  double window_x, window_y, popover_x, popover_y;

  /* Where the popover's surface is on the window's, less the shadows around both. */
  gtk_native_get_surface_transform (GTK_NATIVE (window), &window_x, &window_y);
  gtk_native_get_surface_transform (GTK_NATIVE (popover), &popover_x, &popover_y);
  append_widget (snapshot, window);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (gdk_popup_get_position_x (GDK_POPUP (popup)) + popover_x - window_x,
                                                          gdk_popup_get_position_y (GDK_POPUP (popup)) + popover_y - window_y));
  append_widget (snapshot, popover);
  gtk_snapshot_restore (snapshot);
  return save_node (window, snapshot, area, path, error);
}
