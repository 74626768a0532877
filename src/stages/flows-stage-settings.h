/* flows-stage-settings.h — reading a stage's settings
 *
 * Settings come from files people edit by hand: any member may hold any type, and a reader
 * takes what it finds for what it should be, or nothing.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef void (*FlowsSettingsNameFunc) (const char *name,
                                       gpointer    user_data);

/* Calls @func with the "name" of each object in the list @member of @settings, in order,
 * when it is a string that is not empty. */
void flows_settings_foreach_name (JsonObject            *settings,
                                  const char            *member,
                                  FlowsSettingsNameFunc  func,
                                  gpointer               user_data);

G_END_DECLS
