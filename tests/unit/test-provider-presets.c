/* test-provider-presets.c — the provider presets (docs/ARCHITECTURE.md, "File format"): every
 * built-in one loads and makes an App that validates, laid out as Auto Layout lays it out; the
 * user's presets add to them and replace them; a broken file is listed with its error and
 * position and stops nothing else.
 */
#include "config.h"

#include <string.h>

#include "flows-app-templates.h"
#include "flows-document.h"
#include "flows-layout.h"
#include "flows-provider-presets.h"
#include "flows-validate.h"
#include "runner-helpers.h"
#include "test-cases.h"
#include "test-files.h"

#define TEMP_DIR "flows-test-presets-XXXXXX"

/* Every built-in preset, by id. */
static const char * const built_in_ids[] = {
  "oauth2", "oidc", "atlassian", "dropbox", "github", "google", "microsoft", "notion", "salesforce", "slack",
};

/* The keys a connection can override on every OAuth preset (docs/ARCHITECTURE.md, "Flow
 * roles"). */
static const char * const standard_keys[] = {
  "AuthURL", "TokenURL", "RefreshURL", "ClientID", "ClientSecret", "Scopes",
};

/* Values of the token reply that later calls need, kept with the connection. */
static const struct { const char *preset; const char *key; } kept_from_sign_in[] = {
  { "salesforce", "instance_url" },
  { "slack", "team_id" },
};

static const FlowsFlowRole oauth_roles[] = {
  FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE,
  FLOWS_FLOW_ROLE_OAUTH_EXCHANGE,
  FLOWS_FLOW_ROLE_OAUTH_REFRESH,
  FLOWS_FLOW_ROLE_CONNECTION_TEST,
};

static void
test_built_in_ids (void)
{
  g_autoptr(FlowsProviderPresets) presets = flows_provider_presets_new (NULL);
  GListModel *model = G_LIST_MODEL (presets);

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, G_N_ELEMENTS (built_in_ids));
  for (guint i = 0; i < G_N_ELEMENTS (built_in_ids); i++)
    g_assert_nonnull (flows_provider_presets_find (presets, built_in_ids[i]));

  /* The generic presets first, then by name. */
  for (guint i = 0; i + 1 < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FlowsProviderPreset) a = g_list_model_get_item (model, i);
      g_autoptr(FlowsProviderPreset) b = g_list_model_get_item (model, i + 1);

      g_assert_true (flows_provider_preset_get_generic (a) >= flows_provider_preset_get_generic (b));
      if (flows_provider_preset_get_generic (a) == flows_provider_preset_get_generic (b))
        g_assert_cmpint (g_utf8_collate (flows_provider_preset_get_name (a), flows_provider_preset_get_name (b)), <, 0);
    }
}

/* Each stage where Auto Layout puts it. */
static void
assert_laid_out (FlowsFlow *flow)
{
  g_autoptr(GHashTable) positions = flows_layout_compute (flow);
  GListModel *stages = flows_flow_get_stages (flow);

  for (guint i = 0; i < g_list_model_get_n_items (stages); i++)
    {
      g_autoptr(FlowsStage) stage = g_list_model_get_item (stages, i);
      FlowsPoint *point = g_hash_table_lookup (positions, flows_stage_get_id (stage));

      if (point->x != flows_stage_get_x (stage) || point->y != flows_stage_get_y (stage))
        g_error ("flow “%s”, stage “%s”: at (%g, %g), Auto Layout puts it at (%g, %g)",
                 flows_flow_get_name (flow), flows_stage_get_key (stage),
                 flows_stage_get_x (stage), flows_stage_get_y (stage), point->x, point->y);
    }
}

static void
test_built_in_preset (gconstpointer data)
{
  const char *id = data;
  g_autoptr(FlowsProviderPresets) presets = flows_provider_presets_new (NULL);
  FlowsProviderPreset *preset = flows_provider_presets_find (presets, id);
  g_autoptr(FlowsApp) app = NULL;
  g_autoptr(FlowsApp) other = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *source = g_strdup_printf ("resource:///io/github/flowsstudio/FlowsStudio/providers/%s.json", id);

  g_assert_nonnull (preset);
  g_assert_null (flows_provider_preset_get_error (preset));
  g_assert_cmpstr (flows_provider_preset_get_source (preset), ==, source);
  g_assert_false (flows_provider_preset_is_user (preset));
  g_assert_cmpstr (flows_provider_preset_get_name (preset), !=, "");
  g_assert_cmpstr (flows_provider_preset_get_description (preset), !=, "");
  g_assert_null (strchr (flows_provider_preset_get_description (preset), '\n'));
  g_assert_true (g_str_has_prefix (flows_provider_preset_get_documentation (preset), "https://"));

  app = flows_provider_preset_create_app (preset, "From a preset", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (flows_app_get_name (app), ==, "From a preset");
  g_assert_cmpint (flows_app_get_connection_type (app), ==, FLOWS_CONNECTION_TYPE_OAUTH);
  g_assert_cmpstr (flows_app_get_redirect_url (app), ==, FLOWS_DEFAULT_REDIRECT_URL);

  for (guint i = 0; i < G_N_ELEMENTS (standard_keys); i++)
    if (flows_app_find_param (app, standard_keys[i]) == NULL)
      g_error ("the preset has no parameter “%s”", standard_keys[i]);
  g_assert_true (flows_param_get_sensitive (flows_app_find_param (app, "ClientSecret")));

  /* A named provider's App says which it is, and how to ask it for offline access. */
  if (!flows_provider_preset_get_generic (preset))
    {
      g_assert_cmpstr (flows_app_get_provider (app), ==, id);
      g_assert_cmpstr (flows_app_get_offline_access_hint (app), !=, "");
    }
  for (guint i = 0; i < G_N_ELEMENTS (kept_from_sign_in); i++)
    if (g_str_equal (kept_from_sign_in[i].preset, id))
      g_assert_true (flows_param_get_from_sign_in (flows_app_find_param (app, kept_from_sign_in[i].key)));

  for (guint i = 0; i < G_N_ELEMENTS (oauth_roles); i++)
    {
      FlowsFlow *flow = flows_app_find_flow_by_role (app, oauth_roles[i]);

      g_assert_nonnull (flow);
      /* oauth2 is the template as flows-app-templates.c lays it out (test_oauth2_is_the_template()). */
      if (!g_str_equal (id, "oauth2"))
        assert_laid_out (flow);
    }

  /* What flows-cli validate checks: nothing to report. */
  problems = flows_validate_app (app);
  for (guint i = 0; i < problems->len; i++)
    {
      g_autofree char *text = flows_problem_to_string (g_ptr_array_index (problems, i));
      g_printerr ("%s\n", text);
    }
  g_assert_cmpuint (problems->len, ==, 0);

  /* Two Apps from one preset share no id. */
  other = flows_provider_preset_create_app (preset, "Another", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (flows_app_get_id (app), !=, flows_app_get_id (other));
  g_assert_cmpstr (flows_app_get_id (app), !=, id);
  for (guint i = 0; i < G_N_ELEMENTS (oauth_roles); i++)
    {
      FlowsFlow *flow = flows_app_find_flow_by_role (app, oauth_roles[i]);
      FlowsFlow *other_flow = flows_app_find_flow_by_role (other, oauth_roles[i]);
      g_autoptr(FlowsStage) stage = g_list_model_get_item (flows_flow_get_stages (flow), 0);
      g_autoptr(FlowsStage) other_stage = g_list_model_get_item (flows_flow_get_stages (other_flow), 0);

      g_assert_cmpstr (flows_flow_get_id (flow), !=, flows_flow_get_id (other_flow));
      g_assert_cmpstr (flows_stage_get_id (stage), !=, flows_stage_get_id (other_stage));
    }
}

/* The App a document holds, with its ids replaced by their order of appearance: two Apps made
 * alike give the same text. */
static char *
app_without_ids (FlowsApp *app)
{
  g_autofree char *text = flows_document_app_to_json (app);
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GRegex) uuid = g_regex_new ("\"(id|[a-z]+)\" : \"([^\"]*)\"", 0, 0, NULL);
  g_autoptr(GString) result = g_string_new (NULL);
  g_autoptr(GMatchInfo) match = NULL;
  const char *end = text;

  /* Every string value that is also the value of an "id" member is an id. */
  g_regex_match (uuid, text, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *member = g_match_info_fetch (match, 1);
      g_autofree char *value = g_match_info_fetch (match, 2);

      if (g_str_equal (member, "id") && !g_hash_table_contains (ids, value))
        g_hash_table_insert (ids, g_strdup (value), g_strdup_printf ("ID%u", g_hash_table_size (ids)));
      g_match_info_next (match, NULL);
    }
  g_clear_pointer (&match, g_match_info_free);

  g_regex_match (uuid, text, 0, &match);
  while (g_match_info_matches (match))
    {
      int start, stop;
      g_autofree char *value = g_match_info_fetch (match, 2);
      const char *replacement = g_hash_table_lookup (ids, value);

      g_match_info_fetch_pos (match, 2, &start, &stop);
      g_string_append_len (result, end, text + start - end);
      g_string_append (result, replacement != NULL ? replacement : value);
      end = text + stop;
      g_match_info_next (match, NULL);
    }
  g_string_append (result, end);
  return g_string_free (g_steal_pointer (&result), FALSE);
}

/* The oauth2 preset is the OAuth template (flows-app-templates.c), unchanged. */
static void
test_oauth2_is_the_template (void)
{
  g_autoptr(FlowsProviderPresets) presets = flows_provider_presets_new (NULL);
  g_autoptr(FlowsApp) from_preset = NULL;
  g_autoptr(FlowsApp) from_template = flows_app_new_from_template ("Generic", FLOWS_CONNECTION_TYPE_OAUTH);
  g_autoptr(GError) error = NULL;
  g_autofree char *preset_text = NULL;
  g_autofree char *template_text = NULL;

  from_preset = flows_provider_preset_create_app (flows_provider_presets_find (presets, "oauth2"), "Generic", &error);
  g_assert_no_error (error);
  preset_text = app_without_ids (from_preset);
  template_text = app_without_ids (from_template);
  g_assert_cmpstr (preset_text, ==, template_text);
}

/* A minimal valid preset, with @id and @name. */
static char *
user_preset_text (const char *id,
                  const char *name)
{
  return g_strdup_printf ("{\n"
                          "  \"format\": \"flows-studio/provider\",\n"
                          "  \"version\": 1,\n"
                          "  \"id\": \"%s\",\n"
                          "  \"name\": \"%s\",\n"
                          "  \"description\": \"A preset of the user's\",\n"
                          "  \"documentation\": \"https://example.com/oauth\",\n"
                          "  \"app\": {\n"
                          "    \"format\": \"flows-studio/app\",\n"
                          "    \"version\": %d,\n"
                          "    \"connectionType\": \"oauth\",\n"
                          "    \"parameters\": [{\"key\": \"ClientID\", \"kind\": \"text\", \"default\": \"mine\"}],\n"
                          "    \"flows\": []\n"
                          "  }\n"
                          "}\n", id, name, FLOWS_DOCUMENT_VERSION);
}

static void
write_user_preset (const char *directory,
                   const char *file_name,
                   const char *text)
{
  g_autofree char *path = g_build_filename (directory, file_name, NULL);

  test_write_text (path, text);
}

static FlowsProviderPreset *
find_by_source (FlowsProviderPresets *presets,
                const char           *source)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (presets)); i++)
    {
      g_autoptr(FlowsProviderPreset) preset = g_list_model_get_item (G_LIST_MODEL (presets), i);

      if (g_str_equal (flows_provider_preset_get_source (preset), source))
        return preset;
    }
  return NULL;
}

static void
test_user_presets (void)
{
  g_autofree char *data_dir = test_make_temp_dir (TEMP_DIR);
  g_autoptr(GFile) data_file = g_file_new_for_path (data_dir);
  g_autoptr(GFile) user_dir = flows_provider_presets_get_user_directory (data_file);
  g_autofree char *user_path = g_file_get_path (user_dir);
  g_autofree char *mine = user_preset_text ("mine", "My Provider");
  g_autofree char *override = user_preset_text ("oidc", "Our OpenID Provider");
  g_autofree char *duplicate = user_preset_text ("mine", "My Provider Again");
  g_autofree char *duplicate_path = g_build_filename (user_path, "zz-mine.json", NULL);
  g_autoptr(FlowsProviderPresets) presets = NULL;
  g_autoptr(FlowsApp) app = NULL;
  g_autoptr(GError) error = NULL;
  FlowsProviderPreset *preset;

  g_assert_cmpint (g_mkdir_with_parents (user_path, 0700), ==, 0);
  write_user_preset (user_path, "mine.json", mine);
  write_user_preset (user_path, "oidc.json", override);
  write_user_preset (user_path, "zz-mine.json", duplicate);
  write_user_preset (user_path, "notes.txt", "not a preset");

  presets = flows_provider_presets_new (user_dir);
  /* The built-in ones, mine, and the duplicate listed as broken; oidc replaced, not added. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (presets)), ==, G_N_ELEMENTS (built_in_ids) + 2);

  preset = flows_provider_presets_find (presets, "mine");
  g_assert_nonnull (preset);
  g_assert_true (flows_provider_preset_is_user (preset));
  g_assert_false (flows_provider_preset_replaces_built_in (preset));
  g_assert_cmpstr (flows_provider_preset_get_name (preset), ==, "My Provider");
  app = flows_provider_preset_create_app (preset, "Mine", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (flows_param_get_default (flows_app_find_param (app, "ClientID")), ==, "mine");

  preset = flows_provider_presets_find (presets, "oidc");
  g_assert_true (flows_provider_preset_is_user (preset));
  g_assert_true (flows_provider_preset_replaces_built_in (preset));
  g_assert_cmpstr (flows_provider_preset_get_name (preset), ==, "Our OpenID Provider");

  /* Two files with one id: the first in file name order wins, the other says which. */
  preset = find_by_source (presets, duplicate_path);
  g_assert_nonnull (preset);
  g_assert_error (flows_provider_preset_get_error (preset), FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_INVALID);
  test_assert_contains (flows_provider_preset_get_error (preset)->message, "mine.json");
  test_assert_contains (flows_provider_preset_get_error (preset)->message, "“mine” is already defined");

  test_remove_tree (data_dir);
}

typedef struct
{
  const char *test_path;
  /* The preset text: a valid preset with one replacement of @from by @to. */
  const char *from;
  const char *to;
  FlowsDocumentError code;
  /* What the message says after "PATH:": line:column: what. */
  const char *message;
} BrokenCase;

static const BrokenCase broken_cases[] = {
  { "/provider-presets/broken/syntax", "\"name\": \"", "\"name\" \"",
    FLOWS_DOCUMENT_ERROR_SYNTAX, ":5:" },
  { "/provider-presets/broken/format", "flows-studio/provider", "flows-studio/app",
    FLOWS_DOCUMENT_ERROR_FORMAT, ":2:13: this is a “flows-studio/app” document, not a Flows Studio provider preset" },
  { "/provider-presets/broken/newer", "\"version\": 1,", "\"version\": 7,",
    FLOWS_DOCUMENT_ERROR_NEWER_VERSION, ":3:14: this provider preset was saved by a newer Flows Studio" },
  { "/provider-presets/broken/no-id", "\"id\": \"broken\",", "",
    FLOWS_DOCUMENT_ERROR_INVALID, ":1:1: “id” is missing here" },
  { "/provider-presets/broken/bad-id", "\"id\": \"broken\"", "\"id\": \"my provider\"",
    FLOWS_DOCUMENT_ERROR_INVALID, ":4:9: the id “my provider” may only hold letters" },
  { "/provider-presets/broken/no-app", "\"app\"", "\"application\"",
    FLOWS_DOCUMENT_ERROR_INVALID, ":1:1: “app” is missing here" },
  { "/provider-presets/broken/app-format", "flows-studio/app", "flows-studio/connection",
    FLOWS_DOCUMENT_ERROR_FORMAT, ":9:15: this is a “flows-studio/connection” document, not a Flows Studio App" },
  { "/provider-presets/broken/stage-type", "\"trigger\"", "\"teleport\"",
    FLOWS_DOCUMENT_ERROR_INVALID, ":13:88: “teleport” is not a valid type" },
  { "/provider-presets/broken/description", "A preset of the user's", "Two\\nlines",
    FLOWS_DOCUMENT_ERROR_INVALID, ":6:18: the description must be one line" },
};

/* The file of broken_cases before the replacement. */
static const char broken_base[] =
  "{\n"
  "  \"format\": \"flows-studio/provider\",\n"
  "  \"version\": 1,\n"
  "  \"id\": \"broken\",\n"
  "  \"name\": \"Broken\",\n"
  "  \"description\": \"A preset of the user's\",\n"
  "  \"documentation\": \"https://example.com/oauth\",\n"
  "  \"app\": {\n"
  "    \"format\": \"flows-studio/app\",\n"
  "    \"version\": 1,\n"
  "    \"connectionType\": \"oauth\",\n"
  "    \"flows\": [{\"id\": \"f\", \"name\": \"Test\", \"role\": \"connection-test\", \"stages\": [\n"
  "      {\"id\": \"s\", \"key\": \"start\", \"name\": \"Start\", \"settings\": {\"inputs\": []}, \"type\": \"trigger\"}]}]\n"
  "  }\n"
  "}\n";

static void
test_broken_file (gconstpointer data)
{
  const BrokenCase *row = data;
  g_autofree char *data_dir = test_make_temp_dir (TEMP_DIR);
  g_autoptr(GFile) data_file = g_file_new_for_path (data_dir);
  g_autoptr(GFile) user_dir = flows_provider_presets_get_user_directory (data_file);
  g_autofree char *user_path = g_file_get_path (user_dir);
  g_autofree char *path = g_build_filename (user_path, "broken.json", NULL);
  g_autofree char *expected = g_strconcat (path, row->message, NULL);
  g_autofree char *good = user_preset_text ("good", "Good");
  g_autoptr(GString) text = g_string_new (broken_base);
  g_autoptr(FlowsProviderPresets) presets = NULL;
  g_autoptr(FlowsApp) app = NULL;
  g_autoptr(GError) error = NULL;
  FlowsProviderPreset *preset;
  const GError *problem;
  guint n_items;

  g_assert_cmpint (g_mkdir_with_parents (user_path, 0700), ==, 0);
  g_assert_cmpuint (g_string_replace (text, row->from, row->to, 1), ==, 1);
  write_user_preset (user_path, "broken.json", text->str);
  write_user_preset (user_path, "good.json", good);

  presets = flows_provider_presets_new (user_dir);
  n_items = g_list_model_get_n_items (G_LIST_MODEL (presets));
  g_assert_cmpuint (n_items, ==, G_N_ELEMENTS (built_in_ids) + 2);

  /* Listed last, under its file's name, with the error; the others load. */
  preset = find_by_source (presets, path);
  g_assert_nonnull (preset);
  {
    g_autoptr(FlowsProviderPreset) last = g_list_model_get_item (G_LIST_MODEL (presets), n_items - 1);
    g_assert_true (last == preset);
  }
  g_assert_cmpstr (flows_provider_preset_get_id (preset), ==, "broken");
  g_assert_null (flows_provider_presets_find (presets, "broken"));
  problem = flows_provider_preset_get_error (preset);
  g_assert_error (problem, FLOWS_DOCUMENT_ERROR, (int)row->code);
  if (!g_str_has_prefix (problem->message, expected))
    g_error ("“%s” does not start with “%s”", problem->message, expected);

  app = flows_provider_preset_create_app (preset, "Broken", &error);
  g_assert_null (app);
  g_assert_error (error, FLOWS_DOCUMENT_ERROR, (int)row->code);

  g_assert_nonnull (flows_provider_presets_find (presets, "good"));
  for (guint i = 0; i < G_N_ELEMENTS (built_in_ids); i++)
    g_assert_nonnull (flows_provider_presets_find (presets, built_in_ids[i]));

  test_remove_tree (data_dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/provider-presets/built-in/ids", test_built_in_ids);
  for (guint i = 0; i < G_N_ELEMENTS (built_in_ids); i++)
    {
      g_autofree char *path = g_strdup_printf ("/provider-presets/built-in/%s", built_in_ids[i]);
      g_test_add_data_func (path, built_in_ids[i], test_built_in_preset);
    }
  g_test_add_func ("/provider-presets/oauth2-is-the-template", test_oauth2_is_the_template);
  g_test_add_func ("/provider-presets/user", test_user_presets);
  test_add_table (broken_cases, test_broken_file);

  return g_test_run ();
}
