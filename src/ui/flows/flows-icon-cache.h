/* flows-icon-cache.h — the flow editor's themed icons, each looked up once per display */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FLOWS_TYPE_ICON_CACHE (flows_icon_cache_get_type ())
G_DECLARE_FINAL_TYPE (FlowsIconCache, flows_icon_cache, FLOWS, ICON_CACHE, GObject)

/* The cache of @display's icon theme, made on first use and kept as long as @display. */
FlowsIconCache *flows_icon_cache_get_for_display (GdkDisplay       *display);

/* The icon @icon_name of the theme, as GtkImage would look it up for a widget of @size pixels,
 * @scale and @direction: the same GtkIconPaintable for as long as the theme does not change
 * (then "changed" is emitted). Transfer none. */
GdkPaintable   *flows_icon_cache_lookup          (FlowsIconCache   *self,
                                                  const char       *icon_name,
                                                  int               size,
                                                  int               scale,
                                                  GtkTextDirection  direction);

/* Shows @icon_name in @image, whose pixel size must be set, through the cache of its display;
 * and again whenever its scale factor, its direction or the icon theme change. */
void            flows_icon_cache_show_in_image   (GtkImage         *image,
                                                  const char       *icon_name);

G_END_DECLS
