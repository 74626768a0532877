/* flows-icon-cache.c — the flow editor's themed icons, each looked up once per display
 *
 * Why the cards and the palette do not give their GtkImages icon names (GTK 4.8.3,
 * gtk/gtkicontheme.c and gtk/gtkiconhelper.c): a GtkImage showing an icon name looks the icon
 * up in the display's GtkIconTheme again at each change of its style, with
 * GTK_ICON_LOOKUP_PRELOAD. For an icon whose pixels are not loaded yet, that lookup starts a
 * GTask in GIO's thread pool, and the task holds the GtkIconPaintable. The theme finds the
 * icons it gave in a table that holds none of them, and keeps only the last 100 it gave alive
 * (a ring, one slot per lookup of an icon other than the one before). A canvas of cards, each
 * looking up its stage type's icon and its problem badge, turns that ring over many times per
 * frame; the editor's other icons then live only through their widgets and their loading
 * tasks, and when an editor is destroyed while such tasks wait for a thread, the last task to
 * end finalizes its icon in its thread. A new editor's lookup of the same icon on the main
 * thread meanwhile finds it in the table and references an object being finalized
 * ("g_object_ref: assertion '!object_already_finalized' failed").
 *
 * Here each icon is looked up once per (name, size, scale, direction), without PRELOAD (its
 * pixels are loaded on the main thread when first drawn), and held for as long as the theme
 * does not change; the images show it with gtk_image_set_from_paintable(), which looks up
 * nothing. A GtkIconPaintable is a GtkSymbolicPaintable, which GtkImage recolours from its CSS
 * colour as it does an icon name's, so the icons look the same. */

#include "config.h"

#include "flows-icon-cache.h"

struct _FlowsIconCache
{
  GObject       parent_instance;

  GtkIconTheme *theme;
  /* "size scale direction name" → GtkIconPaintable */
  GHashTable   *paintables;
};

G_DEFINE_FINAL_TYPE (FlowsIconCache, flows_icon_cache, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The icon name an image shows through the cache. */
static GQuark image_icon_name_quark;

static void
on_theme_changed (FlowsIconCache *self)
{
  g_hash_table_remove_all (self->paintables);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
flows_icon_cache_dispose (GObject *object)
{
  FlowsIconCache *self = FLOWS_ICON_CACHE (object);

  if (self->theme != NULL)
    g_signal_handlers_disconnect_by_func (self->theme, on_theme_changed, self);
  g_clear_object (&self->theme);
  g_hash_table_remove_all (self->paintables);

  G_OBJECT_CLASS (flows_icon_cache_parent_class)->dispose (object);
}

static void
flows_icon_cache_finalize (GObject *object)
{
  FlowsIconCache *self = FLOWS_ICON_CACHE (object);

  g_hash_table_unref (self->paintables);

  G_OBJECT_CLASS (flows_icon_cache_parent_class)->finalize (object);
}

static void
flows_icon_cache_class_init (FlowsIconCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = flows_icon_cache_dispose;
  object_class->finalize = flows_icon_cache_finalize;

  /* The icon theme changed: every paintable given before is out of date. */
  signals[CHANGED] = g_signal_new ("changed",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);

  image_icon_name_quark = g_quark_from_static_string ("flows-icon-cache-icon-name");
}

static void
flows_icon_cache_init (FlowsIconCache *self)
{
  self->paintables = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

FlowsIconCache *
flows_icon_cache_get_for_display (GdkDisplay *display)
{
  FlowsIconCache *self;

  g_return_val_if_fail (GDK_IS_DISPLAY (display), NULL);

  self = g_object_get_data (G_OBJECT (display), "flows-icon-cache");
  if (self == NULL)
    {
      self = g_object_new (FLOWS_TYPE_ICON_CACHE, NULL);
      self->theme = g_object_ref (gtk_icon_theme_get_for_display (display));
      g_signal_connect_swapped (self->theme, "changed", G_CALLBACK (on_theme_changed), self);
      g_object_set_data_full (G_OBJECT (display), "flows-icon-cache", self, g_object_unref);
    }
  return self;
}

GdkPaintable *
flows_icon_cache_lookup (FlowsIconCache   *self,
                         const char       *icon_name,
                         int               size,
                         int               scale,
                         GtkTextDirection  direction)
{
  g_autofree char *key = NULL;
  GtkIconPaintable *icon;

  g_return_val_if_fail (FLOWS_IS_ICON_CACHE (self), NULL);
  g_return_val_if_fail (icon_name != NULL, NULL);
  g_return_val_if_fail (size > 0 && scale > 0, NULL);

  key = g_strdup_printf ("%d %d %d %s", size, scale, direction, icon_name);
  icon = g_hash_table_lookup (self->paintables, key);
  if (icon == NULL)
    {
      /* The names GtkImage looks up for an icon name (with the symbolic and regular variants
       * GThemedIcon adds), and its flags for the default -gtk-icon-style, less PRELOAD. */
      g_autoptr(GIcon) gicon = g_themed_icon_new (icon_name);

      icon = gtk_icon_theme_lookup_by_gicon (self->theme, gicon, size, scale, direction, 0);
      g_hash_table_insert (self->paintables, g_steal_pointer (&key), icon);
    }
  return GDK_PAINTABLE (icon);
}

static void
update_image (GtkImage *image)
{
  GtkWidget *widget = GTK_WIDGET (image);
  FlowsIconCache *cache = flows_icon_cache_get_for_display (gtk_widget_get_display (widget));
  GdkPaintable *paintable = flows_icon_cache_lookup (cache,
                                                     g_object_get_qdata (G_OBJECT (image), image_icon_name_quark),
                                                     gtk_image_get_pixel_size (image),
                                                     gtk_widget_get_scale_factor (widget),
                                                     gtk_widget_get_direction (widget));

  if (gtk_image_get_paintable (image) != paintable)
    gtk_image_set_from_paintable (image, paintable);
}

void
flows_icon_cache_show_in_image (GtkImage   *image,
                                const char *icon_name)
{
  FlowsIconCache *cache;
  const char *shown;

  g_return_if_fail (GTK_IS_IMAGE (image));
  g_return_if_fail (icon_name != NULL);
  /* The size is what GtkImage would take from the style; the cache cannot read that. */
  g_return_if_fail (gtk_image_get_pixel_size (image) > 0);

  cache = flows_icon_cache_get_for_display (gtk_widget_get_display (GTK_WIDGET (image)));
  shown = g_object_get_qdata (G_OBJECT (image), image_icon_name_quark);
  if (shown == NULL)
    {
      /* What GtkImage itself looks an icon up again for, but for the style: the cache's
       * icons follow the CSS colour without being looked up again. */
      g_signal_connect (image, "notify::scale-factor", G_CALLBACK (update_image), NULL);
      g_signal_connect (image, "direction-changed", G_CALLBACK (update_image), NULL);
      g_signal_connect_object (cache, "changed", G_CALLBACK (update_image), image, G_CONNECT_SWAPPED);
    }
  else if (g_str_equal (shown, icon_name))
    return;

  g_object_set_qdata_full (G_OBJECT (image), image_icon_name_quark, g_strdup (icon_name), g_free);
  update_image (image);
}
