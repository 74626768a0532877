/* flows-provider-presets.c — the built-in and the user's provider presets */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "flows-app-templates.h"
#include "flows-document.h"
#include "flows-json-util.h"
#include "flows-provider-presets.h"
#include "flows-provider-resources.h"

#define BUILT_IN_PRESETS_PATH "/io/github/flowsstudio/FlowsStudio/providers/"

struct _FlowsProviderPreset
{
  GObject   parent_instance;

  char     *id;
  char     *name;
  char     *description;
  char     *documentation;
  char     *source;
  gboolean  generic;
  gboolean  user;
  gboolean  replaces_built_in;
  /* The App as the preset describes it, with the preset's id and name; NULL when broken. */
  FlowsApp *app;
  GError   *error;
};

G_DEFINE_FINAL_TYPE (FlowsProviderPreset, flows_provider_preset, G_TYPE_OBJECT)

static void
flows_provider_preset_finalize (GObject *object)
{
  FlowsProviderPreset *self = FLOWS_PROVIDER_PRESET (object);

  g_free (self->id);
  g_free (self->name);
  g_free (self->description);
  g_free (self->documentation);
  g_free (self->source);
  g_clear_object (&self->app);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (flows_provider_preset_parent_class)->finalize (object);
}

static void
flows_provider_preset_class_init (FlowsProviderPresetClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = flows_provider_preset_finalize;
}

static void
flows_provider_preset_init (FlowsProviderPreset *self)
{
}

/* "…/github.json" gives "github". */
static char *
name_from_source (const char *source)
{
  g_autofree char *base = g_path_get_basename (source);

  if (g_str_has_suffix (base, ".json"))
    base[strlen (base) - strlen (".json")] = '\0';
  return g_steal_pointer (&base);
}

FlowsProviderPreset *
flows_provider_preset_new_from_data (const char *text,
                                     gsize       length,
                                     const char *source,
                                     gboolean    user)
{
  FlowsProviderPreset *self = g_object_new (FLOWS_TYPE_PROVIDER_PRESET, NULL);
  g_autoptr(FlowsProviderDocument) document = NULL;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (source != NULL, NULL);

  self->source = g_strdup (source);
  self->user = user;

  if (length > FLOWS_DOCUMENT_MAX_SIZE)
    g_set_error (&self->error, FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_TOO_LARGE,
                 _("%s: the file is larger than %d MB"), source, FLOWS_DOCUMENT_MAX_SIZE / (1024 * 1024));
  else
    document = flows_document_provider_from_json (text, length, source, &self->error);

  if (document == NULL)
    {
      self->id = name_from_source (source);
      self->name = g_strdup (self->id);
      self->description = g_strdup ("");
      self->documentation = g_strdup ("");
      return self;
    }

  self->id = g_steal_pointer (&document->id);
  self->name = g_steal_pointer (&document->name);
  self->description = g_steal_pointer (&document->description);
  self->documentation = g_steal_pointer (&document->documentation);
  self->generic = document->generic;
  self->app = g_steal_pointer (&document->app);
  return self;
}

const char *
flows_provider_preset_get_id (FlowsProviderPreset *self)
{
  g_return_val_if_fail (FLOWS_IS_PROVIDER_PRESET (self), NULL);
  return self->id;
}

const char *
flows_provider_preset_get_name (FlowsProviderPreset *self)
{
  g_return_val_if_fail (FLOWS_IS_PROVIDER_PRESET (self), NULL);
  return self->name;
}

const char *
flows_provider_preset_get_description (FlowsProviderPreset *self)
{
  g_return_val_if_fail (FLOWS_IS_PROVIDER_PRESET (self), NULL);
  return self->description;
}

const char *
flows_provider_preset_get_documentation (FlowsProviderPreset *self)
{
  g_return_val_if_fail (FLOWS_IS_PROVIDER_PRESET (self), NULL);
  return self->documentation;
}

gboolean
flows_provider_preset_get_generic (FlowsProviderPreset *self)
{
  g_return_val_if_fail (FLOWS_IS_PROVIDER_PRESET (self), FALSE);
  return self->generic;
}

const char *
flows_provider_preset_get_source (FlowsProviderPreset *self)
{
  g_return_val_if_fail (FLOWS_IS_PROVIDER_PRESET (self), NULL);
  return self->source;
}

gboolean
flows_provider_preset_is_user (FlowsProviderPreset *self)
{
  g_return_val_if_fail (FLOWS_IS_PROVIDER_PRESET (self), FALSE);
  return self->user;
}

gboolean
flows_provider_preset_replaces_built_in (FlowsProviderPreset *self)
{
  g_return_val_if_fail (FLOWS_IS_PROVIDER_PRESET (self), FALSE);
  return self->replaces_built_in;
}

const GError *
flows_provider_preset_get_error (FlowsProviderPreset *self)
{
  g_return_val_if_fail (FLOWS_IS_PROVIDER_PRESET (self), NULL);
  return self->error;
}

/* Gives the flows and stages of an App document (@root) new ids, and everything that names
 * them (routes, a Call Flow's flow) the new ones: two Apps made from one preset share none. */
static void
renew_ids (JsonObject *root)
{
  g_autoptr(GHashTable) flow_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  JsonArray *flows = json_object_get_array_member (root, "flows");

  for (guint f = 0; f < json_array_get_length (flows); f++)
    {
      JsonObject *flow = json_array_get_object_element (flows, f);
      g_autofree char *id = flows_new_id ();

      g_hash_table_insert (flow_ids, g_strdup (json_object_get_string_member (flow, "id")), g_strdup (id));
      json_object_set_string_member (flow, "id", id);
    }

  for (guint f = 0; f < json_array_get_length (flows); f++)
    {
      JsonArray *stages = json_object_get_array_member (json_array_get_object_element (flows, f), "stages");
      g_autoptr(GHashTable) stage_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

      for (guint s = 0; s < json_array_get_length (stages); s++)
        {
          JsonObject *stage = json_array_get_object_element (stages, s);
          g_autofree char *id = flows_new_id ();

          g_hash_table_insert (stage_ids, g_strdup (json_object_get_string_member (stage, "id")), g_strdup (id));
          json_object_set_string_member (stage, "id", id);
        }

      for (guint s = 0; s < json_array_get_length (stages); s++)
        {
          JsonObject *stage = json_array_get_object_element (stages, s);
          JsonObject *routes = json_object_get_object_member (stage, "routes");
          JsonObject *settings = json_object_get_object_member (stage, "settings");
          g_autoptr(GList) outputs = json_object_get_members (routes);
          const char *called;

          for (const GList *l = outputs; l != NULL; l = l->next)
            {
              const char *target = g_hash_table_lookup (stage_ids, json_object_get_string_member (routes, l->data));

              /* A route to no stage of the flow stays as it was: validation reports it. */
              if (target != NULL)
                json_object_set_string_member (routes, l->data, target);
            }

          if (g_str_equal (json_object_get_string_member (stage, "type"), "call-flow") &&
              (called = json_object_get_string_member_with_default (settings, "flow", NULL)) != NULL &&
              g_hash_table_contains (flow_ids, called))
            json_object_set_string_member (settings, "flow", g_hash_table_lookup (flow_ids, called));
        }
    }
}

FlowsApp *
flows_provider_preset_create_app (FlowsProviderPreset  *self,
                                  const char           *name,
                                  GError              **error)
{
  g_autofree char *text = NULL;
  g_autofree char *new_text = NULL;
  g_autofree char *id = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;

  g_return_val_if_fail (FLOWS_IS_PROVIDER_PRESET (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return NULL;
    }

  /* Through the document, as a duplicate is made, so that the App has all the preset has. */
  text = flows_document_app_to_json (self->app);
  if (!json_parser_load_from_data (parser, text, -1, error))
    return NULL;
  root = json_node_get_object (json_parser_get_root (parser));
  id = flows_new_id ();
  json_object_set_string_member (root, "id", id);
  json_object_set_string_member (root, "name", name);
  renew_ids (root);
  new_text = flows_json_generate (json_parser_get_root (parser), TRUE);

  return flows_document_app_from_json (new_text, strlen (new_text), self->source, error);
}


struct _FlowsProviderPresets
{
  GObject    parent_instance;

  GPtrArray *presets;
};

static void flows_provider_presets_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FlowsProviderPresets, flows_provider_presets, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, flows_provider_presets_list_model_init))

static GType
flows_provider_presets_get_item_type (GListModel *model)
{
  return FLOWS_TYPE_PROVIDER_PRESET;
}

static guint
flows_provider_presets_get_n_items (GListModel *model)
{
  return FLOWS_PROVIDER_PRESETS (model)->presets->len;
}

static gpointer
flows_provider_presets_get_item (GListModel *model,
                                 guint       position)
{
  GPtrArray *presets = FLOWS_PROVIDER_PRESETS (model)->presets;

  if (position >= presets->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (presets, position));
}

static void
flows_provider_presets_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = flows_provider_presets_get_item_type;
  iface->get_n_items = flows_provider_presets_get_n_items;
  iface->get_item = flows_provider_presets_get_item;
}

static void
flows_provider_presets_finalize (GObject *object)
{
  g_ptr_array_unref (FLOWS_PROVIDER_PRESETS (object)->presets);

  G_OBJECT_CLASS (flows_provider_presets_parent_class)->finalize (object);
}

static void
flows_provider_presets_class_init (FlowsProviderPresetsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = flows_provider_presets_finalize;
}

static void
flows_provider_presets_init (FlowsProviderPresets *self)
{
  self->presets = g_ptr_array_new_with_free_func (g_object_unref);
}

static void
load_built_in (GHashTable *by_id)
{
  GResource *resource = flows_providers_get_resource ();
  g_auto(GStrv) names = g_resource_enumerate_children (resource, BUILT_IN_PRESETS_PATH,
                                                       G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      g_autofree char *path = g_strconcat (BUILT_IN_PRESETS_PATH, names[i], NULL);
      g_autofree char *uri = g_strconcat ("resource://", path, NULL);
      g_autoptr(GBytes) bytes = g_resource_lookup_data (resource, path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
      gsize length;
      const char *text = g_bytes_get_data (bytes, &length);
      FlowsProviderPreset *preset = flows_provider_preset_new_from_data (text, length, uri, FALSE);

      /* The built-in presets are part of the program: tests/unit/test-provider-presets.c loads
       * each of them. */
      if (preset->error != NULL)
        g_critical ("%s", preset->error->message);
      g_hash_table_replace (by_id, g_strdup (preset->id), preset);
    }
}

static int
compare_file_names (gconstpointer a,
                    gconstpointer b)
{
  return strcmp (g_file_info_get_name (*(GFileInfo **)a), g_file_info_get_name (*(GFileInfo **)b));
}

/* A preset whose file could not be read at all. */
static FlowsProviderPreset *
new_unreadable (const char         *path,
                FlowsDocumentError  code,
                const char         *what)
{
  FlowsProviderPreset *preset = flows_provider_preset_new_from_data ("", 0, path, TRUE);

  g_clear_error (&preset->error);
  g_set_error (&preset->error, FLOWS_DOCUMENT_ERROR, code, "%s: %s", path, what);
  return preset;
}

/* The user's presets, in file name order, each file loaded or with its error. */
static GPtrArray *
load_user (GFile *directory)
{
  g_autoptr(GPtrArray) infos = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) presets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GFileEnumerator) enumerator = NULL;
  GFileInfo *info;

  if (directory == NULL ||
      !(enumerator = g_file_enumerate_children (directory,
                                                G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                                G_FILE_QUERY_INFO_NONE, NULL, NULL)))
    return g_steal_pointer (&presets);

  while ((info = g_file_enumerator_next_file (enumerator, NULL, NULL)) != NULL)
    {
      if (g_str_has_suffix (g_file_info_get_name (info), ".json") && g_file_info_get_name (info)[0] != '.')
        g_ptr_array_add (infos, info);
      else
        g_object_unref (info);
    }
  g_ptr_array_sort (infos, compare_file_names);

  for (guint i = 0; i < infos->len; i++)
    {
      GFileInfo *file_info = g_ptr_array_index (infos, i);
      g_autoptr(GFile) file = g_file_get_child (directory, g_file_info_get_name (file_info));
      g_autofree char *path = g_file_get_path (file);
      g_autofree char *contents = NULL;
      g_autoptr(GError) error = NULL;
      gsize length;

      if (g_file_info_get_file_type (file_info) != G_FILE_TYPE_REGULAR)
        g_ptr_array_add (presets, new_unreadable (path, FLOWS_DOCUMENT_ERROR_NOT_A_FILE, _("not a regular file")));
      else if (!g_file_load_contents (file, NULL, &contents, &length, NULL, &error))
        g_ptr_array_add (presets, new_unreadable (path, FLOWS_DOCUMENT_ERROR_IO, error->message));
      else
        g_ptr_array_add (presets, flows_provider_preset_new_from_data (contents, length, path, TRUE));
    }

  return g_steal_pointer (&presets);
}

/* The generic presets, then the others by name; the broken files last, in file name order
 * (a stable sort keeps it). */
static int
compare_presets (gconstpointer a,
                 gconstpointer b)
{
  FlowsProviderPreset *preset_a = *(FlowsProviderPreset **)a;
  FlowsProviderPreset *preset_b = *(FlowsProviderPreset **)b;
  g_autofree char *key_a = NULL;
  g_autofree char *key_b = NULL;

  if ((preset_a->error != NULL) != (preset_b->error != NULL))
    return preset_a->error != NULL ? 1 : -1;
  if (preset_a->error != NULL)
    return 0;
  if (preset_a->generic != preset_b->generic)
    return preset_a->generic ? -1 : 1;

  key_a = g_utf8_collate_key (preset_a->name, -1);
  key_b = g_utf8_collate_key (preset_b->name, -1);
  return strcmp (key_a, key_b);
}

FlowsProviderPresets *
flows_provider_presets_new (GFile *user_directory)
{
  FlowsProviderPresets *self = g_object_new (FLOWS_TYPE_PROVIDER_PRESETS, NULL);
  g_autoptr(GHashTable) by_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  g_autoptr(GPtrArray) user_presets = load_user (user_directory);
  g_autoptr(GHashTable) user_ids = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer preset;

  g_return_val_if_fail (user_directory == NULL || G_IS_FILE (user_directory), NULL);

  load_built_in (by_id);

  for (guint i = 0; i < user_presets->len; i++)
    {
      FlowsProviderPreset *user_preset = g_ptr_array_index (user_presets, i);
      FlowsProviderPreset *other = g_hash_table_lookup (by_id, user_preset->id);

      if (user_preset->error != NULL)
        {
          g_ptr_array_add (self->presets, g_object_ref (user_preset));
          continue;
        }

      /* Two of the user's files with one id: the first in file name order is the preset. */
      if (g_hash_table_contains (user_ids, user_preset->id))
        {
          g_set_error (&user_preset->error, FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_INVALID,
                       _("%s: the preset “%s” is already defined by %s"),
                       user_preset->source, user_preset->id, other->source);
          g_clear_object (&user_preset->app);
          g_ptr_array_add (self->presets, g_object_ref (user_preset));
          continue;
        }

      user_preset->replaces_built_in = other != NULL;
      g_hash_table_add (user_ids, user_preset->id);
      g_hash_table_replace (by_id, g_strdup (user_preset->id), g_object_ref (user_preset));
    }

  g_hash_table_iter_init (&iter, by_id);
  while (g_hash_table_iter_next (&iter, NULL, &preset))
    g_ptr_array_add (self->presets, g_object_ref (preset));
  g_ptr_array_sort (self->presets, compare_presets);

  return self;
}

GFile *
flows_provider_presets_get_user_directory (GFile *data_directory)
{
  g_return_val_if_fail (G_IS_FILE (data_directory), NULL);

  return g_file_get_child (data_directory, "providers");
}

FlowsProviderPreset *
flows_provider_presets_find (FlowsProviderPresets *self,
                             const char           *id)
{
  g_return_val_if_fail (FLOWS_IS_PROVIDER_PRESETS (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  for (guint i = 0; i < self->presets->len; i++)
    {
      FlowsProviderPreset *preset = g_ptr_array_index (self->presets, i);

      if (preset->error == NULL && g_str_equal (preset->id, id))
        return preset;
    }
  return NULL;
}

char *
flows_provider_presets_describe_ids (FlowsProviderPresets *self)
{
  g_autoptr(GString) ids = g_string_new (NULL);

  g_return_val_if_fail (FLOWS_IS_PROVIDER_PRESETS (self), NULL);

  for (guint i = 0; i < self->presets->len; i++)
    {
      FlowsProviderPreset *preset = g_ptr_array_index (self->presets, i);

      if (preset->error != NULL)
        continue;
      if (ids->len > 0)
        g_string_append (ids, ", ");
      g_string_append (ids, preset->id);
    }
  return g_string_free (g_steal_pointer (&ids), FALSE);
}
