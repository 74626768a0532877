/* flows-provider-presets.h — provider presets: for a known provider, the App to start from
 * (docs/ARCHITECTURE.md, "File format").
 *
 * The built-in presets are data/providers/ID.json, compiled into this library as a GResource;
 * the user’s own are the .json files of DATA_DIR/providers. A user preset with the id of a built-in one
 * replaces it. A file that does not load is listed too, with its error, and never stops the
 * others loading.
 */
#pragma once

#include <gio/gio.h>

#include "flows-app.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_PROVIDER_PRESET (flows_provider_preset_get_type ())
G_DECLARE_FINAL_TYPE (FlowsProviderPreset, flows_provider_preset, FLOWS, PROVIDER_PRESET, GObject)

/* A broken preset has no id, name or description of its own: its id and name are its file's
 * name without ".json", its description is empty. */
const char   *flows_provider_preset_get_id            (FlowsProviderPreset  *self);
const char   *flows_provider_preset_get_name          (FlowsProviderPreset  *self);
const char   *flows_provider_preset_get_description   (FlowsProviderPreset  *self);
/* The provider's OAuth documentation (a URL), or "". */
const char   *flows_provider_preset_get_documentation (FlowsProviderPreset  *self);
/* TRUE for a preset that suits any provider of a protocol (OAuth 2.0, OpenID Connect). */
gboolean      flows_provider_preset_get_generic       (FlowsProviderPreset  *self);
/* Where it was read from: a path for the user's, a resource:// URI for the built-in ones. */
const char   *flows_provider_preset_get_source        (FlowsProviderPreset  *self);
gboolean      flows_provider_preset_is_user           (FlowsProviderPreset  *self);
/* A user preset that has the id of a built-in one, which it replaces. */
gboolean      flows_provider_preset_replaces_built_in (FlowsProviderPreset  *self);
/* Why the file did not load (its message starts with the file, line and column), or NULL. */
const GError *flows_provider_preset_get_error         (FlowsProviderPreset  *self);

/* A new App named @name with the preset's parameters and flows, and new ids for the App, its
 * flows and its stages. Fails with the preset's own error for a broken preset. */
FlowsApp     *flows_provider_preset_create_app        (FlowsProviderPreset  *self,
                                                       const char           *name,
                                                       GError              **error);
/* Reads one preset document; @source names it in errors (a path). Never NULL: a preset that
 * does not load carries its error. */
FlowsProviderPreset *flows_provider_preset_new_from_data (const char        *text,
                                                          gsize              length,
                                                          const char        *source,
                                                          gboolean           user);


#define FLOWS_TYPE_PROVIDER_PRESETS (flows_provider_presets_get_type ())
G_DECLARE_FINAL_TYPE (FlowsProviderPresets, flows_provider_presets, FLOWS, PROVIDER_PRESETS, GObject)

/* Loads the built-in presets and those of @user_directory (which may be NULL or not exist).
 * The result is a GListModel of FlowsProviderPreset: the generic presets first, then the
 * others by name, then the files that did not load, by file name. */
FlowsProviderPresets *flows_provider_presets_new                  (GFile                *user_directory);
/* Where the user's presets are in the library @data_directory: its "providers" folder. */
GFile                *flows_provider_presets_get_user_directory   (GFile                *data_directory);
/* The preset with @id that loaded, or NULL. */
FlowsProviderPreset  *flows_provider_presets_find                 (FlowsProviderPresets *self,
                                                                   const char           *id);
/* The ids of the presets that loaded, in list order: "oauth2, oidc, atlassian, …". */
char                 *flows_provider_presets_describe_ids         (FlowsProviderPresets *self);

G_END_DECLS
