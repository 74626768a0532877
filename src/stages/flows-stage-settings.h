/* flows-stage-settings.h — reading a stage's settings
 *
 * Settings come from files people edit by hand: any member may hold any type, and a reader
 * takes what it finds for what it should be, or nothing.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The string @member of @object (which may be NULL), or "" when it is missing or no string. */
const char *flows_settings_get_string  (JsonObject *object,
                                        const char *member);
/* TRUE only when @member is the boolean true. */
gboolean    flows_settings_get_boolean (JsonObject *object,
                                        const char *member);
/* @member as a number, also from a string that is one, or @fallback. */
double      flows_settings_get_number  (JsonObject *object,
                                        const char *member,
                                        double      fallback);
/* A new array of the objects in the list @member (borrowed from @object); elements that are not
 * objects are skipped. */
GPtrArray  *flows_settings_get_entries (JsonObject *object,
                                        const char *member);

typedef void (*FlowsSettingsNameFunc) (const char *name,
                                       gpointer    user_data);

/* Calls @func with the "name" of each object in the list @member of @settings, in order,
 * when it is a string that is not empty. */
void flows_settings_foreach_name (JsonObject            *settings,
                                  const char            *member,
                                  FlowsSettingsNameFunc  func,
                                  gpointer               user_data);

G_END_DECLS
