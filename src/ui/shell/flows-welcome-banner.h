/* flows-welcome-banner.h — the first-run orientation: what to try first on the sample Apps.
 *
 * Shown above the views while the "show-orientation" setting is on: the application turns it on
 * when a first launch creates the library with the samples, and dismissing the banner turns it
 * off for good. Without the settings schema it never shows.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define FLOWS_TYPE_WELCOME_BANNER (flows_welcome_banner_get_type ())
G_DECLARE_FINAL_TYPE (FlowsWelcomeBanner, flows_welcome_banner, FLOWS, WELCOME_BANNER, AdwBin)

GtkWidget *flows_welcome_banner_new (void);

G_END_DECLS
