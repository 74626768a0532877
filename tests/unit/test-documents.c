/* test-documents.c — App and connection files: round trips, the library, and bad input.
 *
 * Every bad file is its own case. Each checks the error (domain, code, "PATH:LINE:COLUMN: what"
 * with the position of the offending value), that the file is exactly as it was afterwards
 * (bytes, inode, mode and a deliberately old mtime, so that even a rewrite of the same bytes
 * shows), and that the rest of the library still loads with that one file as its only problem.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "flows-app-templates.h"
#include "flows-document.h"
#include "flows-library.h"
#include "runner-helpers.h"
#include "test-files.h"

/* A time no save made by a test can produce: a rewrite would set the mtime to now. */
#define OLD_MTIME 1000000000

/* Every temporary directory of these tests. */
#define TEMP_DIR "flows-test-documents-XXXXXX"

/* Files and directories ------------------------------------------------------------------- */

static char *
read_text (const char *path,
           gsize      *length)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);
  return contents;
}

static void
write_bytes (const char *path,
             const char *contents,
             gsize       length)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *parent = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

/* The names in @dir, sorted and joined with " ". */
static char *
list_dir (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (handle);
  while ((name = g_dir_read_name (handle)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **)names->pdata);
}

static guint
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

/* What a file or directory is, to compare before and after an operation that must not touch it. */
typedef struct {
  char       *path;
  struct stat st;
  char       *contents; /* NULL for a directory */
  gsize       length;
  char       *listing;  /* for a directory */
} Snapshot;

static void
set_old_mtime (const char *path)
{
  struct timespec times[2] = { { OLD_MTIME, 0 }, { OLD_MTIME, 0 } };

  g_assert_cmpint (utimensat (AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW), ==, 0);
}

static Snapshot *
snapshot_take (const char *path)
{
  Snapshot *snapshot = g_new0 (Snapshot, 1);

  snapshot->path = g_strdup (path);
  g_assert_cmpint (lstat (path, &snapshot->st), ==, 0);
  if (S_ISDIR (snapshot->st.st_mode))
    snapshot->listing = list_dir (path);
  else
    snapshot->contents = read_text (path, &snapshot->length);
  return snapshot;
}

static void
snapshot_free (Snapshot *snapshot)
{
  g_free (snapshot->path);
  g_free (snapshot->contents);
  g_free (snapshot->listing);
  g_free (snapshot);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Snapshot, snapshot_free)

/* The file is the very same one, with the same bytes and times. */
static void
snapshot_assert_unchanged (Snapshot *before)
{
  g_autoptr(Snapshot) after = snapshot_take (before->path);

  g_assert_cmpuint (after->st.st_ino, ==, before->st.st_ino);
  g_assert_cmpuint (after->st.st_mode, ==, before->st.st_mode);
  g_assert_cmpint (after->st.st_size, ==, before->st.st_size);
  g_assert_cmpint (after->st.st_mtim.tv_sec, ==, before->st.st_mtim.tv_sec);
  g_assert_cmpint (after->st.st_mtim.tv_nsec, ==, before->st.st_mtim.tv_nsec);
  g_assert_cmpint (after->st.st_ctim.tv_sec, ==, before->st.st_ctim.tv_sec);
  g_assert_cmpint (after->st.st_ctim.tv_nsec, ==, before->st.st_ctim.tv_nsec);
  g_assert_cmpstr (after->listing, ==, before->listing);
  if (before->contents != NULL)
    g_assert_cmpmem (after->contents, after->length, before->contents, before->length);
}

/* Text positions --------------------------------------------------------------------------- */

/* Where the @n-th (from 1) occurrence of @needle in @text is, plus @offset bytes: line and
 * column, 1-based, the column in characters. */
static void
position_of (const char *text,
             const char *needle,
             guint       n,
             gsize       offset,
             guint      *line,
             guint      *column)
{
  const char *at = text;
  const char *line_start = text;

  for (guint i = 0; i < n; i++)
    {
      at = strstr (i == 0 ? at : at + 1, needle);
      g_assert_nonnull (at);
    }
  at += offset;

  *line = 1;
  for (const char *p = text; p < at; p++)
    if (*p == '\n')
      {
        (*line)++;
        line_start = p + 1;
      }
  *column = g_utf8_strlen (line_start, at - line_start) + 1;
}

/* @text with its only occurrence of @old replaced by @new. */
static char *
replace_once (const char *text,
              const char *old,
              const char *new)
{
  const char *at = strstr (text, old);

  g_assert_nonnull (at);
  g_assert_null (strstr (at + 1, old));
  return g_strdup_printf ("%.*s%s%s", (int)(at - text), text, new, at + strlen (old));
}

/* Apps ------------------------------------------------------------------------------------- */

static FlowsParam *
add_param (FlowsApp       *app,
           const char     *key,
           FlowsParamKind  kind)
{
  g_autoptr(FlowsParam) param = flows_param_new (key, key, kind);

  flows_app_add_param (app, param);
  return param;
}

static FlowsStage *
add_stage (FlowsFlow      *flow,
           const char     *id,
           const char     *key,
           FlowsStageType  stage_type,
           const char     *settings_json)
{
  g_autoptr(FlowsStage) stage = flows_stage_new (id, key, stage_type, key);

  if (settings_json != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = json_from_string (settings_json, &error);

      g_assert_no_error (error);
      flows_stage_set_settings (stage, json_node_get_object (node));
    }
  flows_flow_add_stage (flow, stage);
  return stage;
}

#define ODD "He said \"hi\"\nthen left\t\\ — é ü 🦊 <AuthURL> \\<x> & = # ’"

/* An App with a parameter of every kind, choices, odd characters everywhere, a public flow and
 * stages at negative and fractional positions. */
static FlowsApp *
new_every_kind_app (void)
{
  FlowsApp *app = flows_app_new ("every-kind", "Everything " ODD, FLOWS_CONNECTION_TYPE_OAUTH);
  static const char * const choices[] = { "one", "two \"2\"", "drei é", "🦊", "<x>", NULL };
  g_autoptr(FlowsFlow) flow = flows_flow_new ("flow-public", "Public " ODD);
  FlowsParam *param;
  FlowsStage *stage;

  flows_app_set_description (app, "Line one\nLine two " ODD);
  flows_app_set_icon_name (app, "applications-science-symbolic");
  flows_app_set_redirect_url (app, "http://127.0.0.1:9999/cb?x=<y>&z=\"w\"");

  param = add_param (app, "Text", FLOWS_PARAM_KIND_TEXT);
  flows_param_set_description (param, ODD);
  flows_param_set_default (param, ODD);
  param = add_param (app, "Multi", FLOWS_PARAM_KIND_MULTILINE);
  flows_param_set_default (param, "a\nb\r\nc\n");
  flows_param_set_required (param, TRUE);
  param = add_param (app, "Count", FLOWS_PARAM_KIND_NUMBER);
  flows_param_set_default (param, "-12.5e3");
  param = add_param (app, "Flag", FLOWS_PARAM_KIND_BOOLEAN);
  flows_param_set_default (param, "true");
  param = add_param (app, "Site", FLOWS_PARAM_KIND_URL);
  flows_param_set_default (param, "https://example.com/a?b=c&d=%20#frag");
  param = add_param (app, "Pick", FLOWS_PARAM_KIND_CHOICE);
  flows_param_set_choices (param, choices);
  flows_param_set_default (param, "drei é");
  param = add_param (app, "Secret", FLOWS_PARAM_KIND_TEXT);
  flows_param_set_sensitive (param, TRUE);
  flows_param_set_label (param, "Secret " ODD);

  flows_flow_set_description (flow, ODD);
  flows_flow_set_visibility (flow, FLOWS_FLOW_VISIBILITY_PUBLIC);
  stage = add_stage (flow, "s-trigger", "trigger", FLOWS_STAGE_TYPE_TRIGGER,
                     "{\"inputs\":[{\"name\":\"q\",\"required\":false,\"default\":\"\\u00e9\\\"<q>\\n\",\"sample\":\"🦊\"}]}");
  flows_stage_set_position (stage, -140.5, -0.25);
  flows_stage_set_route (stage, "success", "s-call");
  stage = add_stage (flow, "s-call", "call", FLOWS_STAGE_TYPE_CALL_API,
                     "{\"method\":\"GET\",\"uriBase\":\"<Site>\",\"uriPath\":\"/a b/<q>\","
                     "\"query\":[{\"name\":\"x\",\"value\":\"a&b=c#d \\\\<x>\"}],"
                     "\"headers\":[],\"body\":{\"kind\":\"none\"},\"timeout\":0.1,"
                     "\"ratio\":-1.5e-7,\"big\":9007199254740993,\"nothing\":null,"
                     "\"nested\":{\"deep\":[[], {}, [1, \"two\", true, false, null]]},"
                     "\"useOAuthToken\":true,\"successStatus\":{\"min\":200,\"max\":299}}");
  flows_stage_set_position (stage, 12.75, -33.5);
  flows_stage_set_route (stage, "success", "s-done");
  flows_stage_set_route (stage, "fail", "s-done");
  stage = add_stage (flow, "s-done", "done", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE,
                     "{\"fields\":[{\"name\":\"out\",\"value\":\"" "<call.body.x> \\\"é\\\" 🦊" "\",\"mode\":\"fixed\"}]}");
  flows_stage_set_position (stage, -1e6, 1e6 + 0.5);
  flows_stage_set_name (stage, "Done " ODD);
  flows_app_add_flow (app, flow);

  return app;
}

static FlowsApp *
app_from_text (const char *text,
               const char *source)
{
  g_autoptr(GError) error = NULL;
  FlowsApp *app = flows_document_app_from_json (text, strlen (text), source, &error);

  g_assert_no_error (error);
  g_assert_nonnull (app);
  return app;
}

/* to_json → from_json → to_json gives the same bytes; returns the text. */
static char *
assert_app_round_trip (FlowsApp *app)
{
  g_autofree char *first = flows_document_app_to_json (app);
  g_autoptr(FlowsApp) loaded = app_from_text (first, "first");
  g_autofree char *second = flows_document_app_to_json (loaded);
  g_autoptr(FlowsApp) reloaded = app_from_text (second, "second");
  g_autofree char *third = flows_document_app_to_json (reloaded);

  g_assert_cmpstr (second, ==, first);
  g_assert_cmpstr (third, ==, first);
  g_assert_true (g_str_has_suffix (first, "}\n"));
  g_assert_true (g_utf8_validate (first, -1, NULL));
  return g_steal_pointer (&first);
}

/* Round trips ------------------------------------------------------------------------------ */

static void
test_round_trip_oauth_template (void)
{
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("OAuth ’quoted’ \"App\"", FLOWS_CONNECTION_TYPE_OAUTH);
  g_autofree char *text = assert_app_round_trip (app);
  g_autoptr(FlowsApp) loaded = app_from_text (text, "oauth");

  g_assert_true (g_str_has_prefix (text, "{\n  \"format\" : \"flows-studio/app\",\n  \"version\" : 2,\n"));
  g_assert_cmpstr (flows_app_get_id (loaded), ==, flows_app_get_id (app));
  g_assert_cmpstr (flows_app_get_name (loaded), ==, "OAuth ’quoted’ \"App\"");
  g_assert_cmpuint (g_list_model_get_n_items (flows_app_get_flows (loaded)), ==, 4);
  g_assert_cmpuint (g_list_model_get_n_items (flows_app_get_params (loaded)), ==, 7);
  g_assert_true (flows_param_get_sensitive (flows_app_find_param (loaded, "ClientSecret")));
  g_assert_cmpstr (flows_app_get_redirect_url (loaded), ==, FLOWS_DEFAULT_REDIRECT_URL);
}

/* The members of format version 2 round-trip, and an App without them is written as before. */
static void
test_round_trip_provider_members (void)
{
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Salesforce", FLOWS_CONNECTION_TYPE_OAUTH);
  g_autoptr(FlowsParam) instance_url = flows_param_new ("instance_url", "Instance URL", FLOWS_PARAM_KIND_URL);
  g_autoptr(FlowsApp) plain = flows_app_new_from_template ("Plain", FLOWS_CONNECTION_TYPE_OAUTH);
  g_autofree char *plain_text = assert_app_round_trip (plain);
  static const guint statuses[] = { 401, 403 };
  g_autofree char *text = NULL;
  g_autoptr(FlowsApp) loaded = NULL;
  const guint *loaded_statuses;
  guint n_statuses;

  /* Defaults: no member written. */
  g_assert_null (strstr (plain_text, "\"provider\""));
  g_assert_null (strstr (plain_text, "offlineAccessHint"));
  g_assert_null (strstr (plain_text, "refreshOnStatus"));
  g_assert_null (strstr (plain_text, "fromSignIn"));
  loaded_statuses = flows_app_get_refresh_on_status (plain, &n_statuses);
  g_assert_cmpuint (n_statuses, ==, 1);
  g_assert_cmpuint (loaded_statuses[0], ==, 401);

  flows_app_set_provider (app, "salesforce");
  flows_app_set_offline_access_hint (app, "Salesforce issues one when the scopes include refresh_token.");
  flows_app_set_refresh_on_status (app, statuses, G_N_ELEMENTS (statuses));
  flows_param_set_from_sign_in (instance_url, TRUE);
  flows_app_add_param (app, instance_url);
  text = assert_app_round_trip (app);
  loaded = app_from_text (text, "salesforce");
  g_assert_cmpstr (flows_app_get_provider (loaded), ==, "salesforce");
  g_assert_cmpstr (flows_app_get_offline_access_hint (loaded), ==, "Salesforce issues one when the scopes include refresh_token.");
  loaded_statuses = flows_app_get_refresh_on_status (loaded, &n_statuses);
  g_assert_cmpuint (n_statuses, ==, 2);
  g_assert_cmpuint (loaded_statuses[0], ==, 401);
  g_assert_cmpuint (loaded_statuses[1], ==, 403);
  g_assert_true (flows_param_get_from_sign_in (flows_app_find_param (loaded, "instance_url")));
  g_assert_false (flows_param_get_from_sign_in (flows_app_find_param (loaded, "ClientID")));
  g_assert_nonnull (strstr (text, "\"provider\" : \"salesforce\",\n  \"offlineAccessHint\" : "));
  g_assert_nonnull (strstr (text, "\"refreshOnStatus\" : [\n    401,\n    403\n  ],"));
  g_assert_nonnull (strstr (text, "\"sensitive\" : false,\n      \"fromSignIn\" : true"));
}

/* Version 1 kept a "<" in a parameter's value as it is; version 2 reads references there, so
 * a version 1 document comes in with "\<", which means the same "<" now. */
static void
test_migrate_version_1 (void)
{
  static const char app_text[] =
    "{\"format\":\"flows-studio/app\",\"version\":1,\"id\":\"old\",\"name\":\"Old\",\"connectionType\":\"generic\","
    "\"parameters\":[{\"key\":\"Filter\",\"default\":\"a<b \\\\<c\"},"
    "{\"key\":\"Secret\",\"default\":\"x<y\",\"sensitive\":true}]}";
  static const char connection_text[] =
    "{\"format\":\"flows-studio/connection\",\"version\":1,\"id\":\"c\",\"app\":\"old\","
    "\"values\":{\"Filter\":\"p<q\",\"Plain\":\"r\"}}";
  g_autoptr(FlowsApp) app = app_from_text (app_text, "version-1");
  g_autoptr(GError) error = NULL;
  g_autoptr(FlowsConnection) connection = flows_document_connection_from_json (connection_text, strlen (connection_text),
                                                                               "version-1", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (flows_param_get_default (flows_app_find_param (app, "Filter")), ==, "a\\<b \\\\<c");
  g_assert_cmpstr (flows_param_get_default (flows_app_find_param (app, "Secret")), ==, "x<y");
  g_assert_cmpstr (flows_connection_get_value (connection, "Filter"), ==, "p\\<q");
  g_assert_cmpstr (flows_connection_get_value (connection, "Plain"), ==, "r");
}

static void
test_round_trip_generic_template (void)
{
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Generic", FLOWS_CONNECTION_TYPE_GENERIC);
  g_autofree char *text = assert_app_round_trip (app);
  g_autoptr(FlowsApp) loaded = app_from_text (text, "generic");

  g_assert_cmpint (flows_app_get_connection_type (loaded), ==, FLOWS_CONNECTION_TYPE_GENERIC);
  g_assert_true (flows_param_get_sensitive (flows_app_find_param (loaded, "ApiKey")));
  g_assert_cmpuint (g_list_model_get_n_items (flows_app_get_flows (loaded)), ==, 1);
}

static void
test_round_trip_every_kind (void)
{
  g_autoptr(FlowsApp) app = new_every_kind_app ();
  g_autofree char *text = assert_app_round_trip (app);
  g_autoptr(FlowsApp) loaded = app_from_text (text, "every-kind");
  FlowsParam *pick, *multi, *secret;
  FlowsFlow *flow;
  FlowsStage *trigger, *call, *done;
  g_autofree char *original_settings = NULL;
  g_autofree char *loaded_settings = NULL;
  g_autoptr(JsonNode) original_node = NULL;
  g_autoptr(JsonNode) loaded_node = NULL;

  /* Nothing is lost or changed on the way, however odd. */
  g_assert_cmpstr (flows_app_get_name (loaded), ==, "Everything " ODD);
  g_assert_cmpstr (flows_app_get_description (loaded), ==, "Line one\nLine two " ODD);
  g_assert_cmpstr (flows_app_get_icon_name (loaded), ==, "applications-science-symbolic");
  g_assert_cmpstr (flows_app_get_redirect_url (loaded), ==, "http://127.0.0.1:9999/cb?x=<y>&z=\"w\"");
  g_assert_cmpuint (g_list_model_get_n_items (flows_app_get_params (loaded)), ==, 7);

  for (guint i = 0; i < 7; i++)
    {
      g_autoptr(FlowsParam) a = g_list_model_get_item (flows_app_get_params (app), i);
      g_autoptr(FlowsParam) b = g_list_model_get_item (flows_app_get_params (loaded), i);

      g_assert_cmpstr (flows_param_get_key (b), ==, flows_param_get_key (a));
      g_assert_cmpstr (flows_param_get_label (b), ==, flows_param_get_label (a));
      g_assert_cmpstr (flows_param_get_description (b), ==, flows_param_get_description (a));
      g_assert_cmpint (flows_param_get_kind (b), ==, flows_param_get_kind (a));
      g_assert_cmpint (flows_param_get_required (b), ==, flows_param_get_required (a));
      g_assert_cmpstr (flows_param_get_default (b), ==, flows_param_get_default (a));
      g_assert_cmpint (flows_param_get_sensitive (b), ==, flows_param_get_sensitive (a));
      g_assert_cmpstrv (flows_param_get_choices (b), flows_param_get_choices (a));
    }
  pick = flows_app_find_param (loaded, "Pick");
  g_assert_cmpint (flows_param_get_kind (pick), ==, FLOWS_PARAM_KIND_CHOICE);
  g_assert_cmpstrv (flows_param_get_choices (pick),
                    ((const char * const []) { "one", "two \"2\"", "drei é", "🦊", "<x>", NULL }));
  multi = flows_app_find_param (loaded, "Multi");
  g_assert_cmpstr (flows_param_get_default (multi), ==, "a\nb\r\nc\n");
  secret = flows_app_find_param (loaded, "Secret");
  g_assert_true (flows_param_get_sensitive (secret));

  flow = flows_app_find_flow (loaded, "flow-public");
  g_assert_nonnull (flow);
  g_assert_cmpstr (flows_flow_get_name (flow), ==, "Public " ODD);
  g_assert_cmpint (flows_flow_get_visibility (flow), ==, FLOWS_FLOW_VISIBILITY_PUBLIC);
  g_assert_cmpint (flows_flow_get_role (flow), ==, FLOWS_FLOW_ROLE_NONE);

  /* Positions are stored in whole canvas units, rounded half away from zero. */
  trigger = flows_flow_find_stage (flow, "s-trigger");
  call = flows_flow_find_stage (flow, "s-call");
  done = flows_flow_find_stage (flow, "s-done");
  g_assert_cmpfloat (flows_stage_get_x (trigger), ==, -141);
  g_assert_cmpfloat (flows_stage_get_y (trigger), ==, 0);
  g_assert_cmpfloat (flows_stage_get_x (call), ==, 13);
  g_assert_cmpfloat (flows_stage_get_y (call), ==, -34);
  g_assert_cmpfloat (flows_stage_get_x (done), ==, -1e6);
  g_assert_cmpfloat (flows_stage_get_y (done), ==, 1e6 + 1);
  g_assert_cmpstr (flows_stage_get_name (done), ==, "Done " ODD);
  g_assert_cmpstr (flows_stage_get_route (call, "success"), ==, "s-done");
  g_assert_cmpstr (flows_stage_get_route (call, "fail"), ==, "s-done");
  g_assert_cmpstr (flows_stage_get_route (trigger, "success"), ==, "s-call");

  /* Settings come back as the same JSON. */
  original_node = json_node_init_object (json_node_alloc (),
                                         flows_stage_get_settings (flows_flow_find_stage (flows_app_find_flow (app, "flow-public"), "s-call")));
  loaded_node = json_node_init_object (json_node_alloc (), flows_stage_get_settings (call));
  g_assert_true (json_node_equal (original_node, loaded_node));
  original_settings = json_to_string (original_node, FALSE);
  loaded_settings = json_to_string (loaded_node, FALSE);
  g_assert_cmpstr (loaded_settings, ==, original_settings);
  g_assert_cmpstr (flows_stage_get_string_setting (call, "uriPath"), ==, "/a b/<q>");
}

static FlowsConnection *
new_full_connection (void)
{
  FlowsConnection *connection = flows_connection_new ("conn-full", "every-kind", "Work " ODD);

  flows_connection_set_value (connection, "Text", ODD);
  flows_connection_set_value (connection, "Multi", "a\nb\r\n");
  flows_connection_set_value (connection, "Empty", "");
  flows_connection_set_value (connection, "Site", "https://example.com/?a=1&b=<2>#x");
  flows_connection_set_signed_in (connection, TRUE);
  flows_connection_set_token_expires_at (connection, G_GINT64_CONSTANT (4102444800));
  flows_connection_set_scope (connection, "read write \"admin\" é");
  flows_connection_set_token_type (connection, "Bearer \"x\" é");
  flows_connection_set_refresh_expires_at (connection, G_GINT64_CONSTANT (4102448400));
  flows_connection_set_needs_sign_in (connection, "The provider said: \"invalid_grant\"\n<again>");
  flows_connection_set_last_test (connection, G_GINT64_CONSTANT (1700000000), FALSE, 401,
                                  "Unauthorized: \"bad token\" é 🦊\n<html>");
  return connection;
}

static FlowsConnection *
connection_from_text (const char *text)
{
  g_autoptr(GError) error = NULL;
  FlowsConnection *connection = flows_document_connection_from_json (text, strlen (text), "conn", &error);

  g_assert_no_error (error);
  g_assert_nonnull (connection);
  return connection;
}

static char *
connection_to_text (FlowsConnection *connection,
                    FlowsApp        *app)
{
  g_autoptr(GError) error = NULL;
  char *text = flows_document_connection_to_json (connection, app, &error);

  g_assert_no_error (error);
  g_assert_nonnull (text);
  return text;
}

static void
test_round_trip_connection (void)
{
  g_autoptr(FlowsConnection) connection = new_full_connection ();
  g_autoptr(FlowsApp) app = new_every_kind_app ();
  g_autofree char *first = connection_to_text (connection, app);
  g_autoptr(FlowsConnection) loaded = connection_from_text (first);
  g_autofree char *second = connection_to_text (loaded, app);
  g_autoptr(FlowsConnection) plain = flows_connection_new ("conn-plain", "app", "");
  g_autofree char *plain_first = connection_to_text (plain, NULL);
  g_autoptr(FlowsConnection) plain_loaded = connection_from_text (plain_first);
  g_autofree char *plain_second = connection_to_text (plain_loaded, NULL);
  g_auto(GStrv) keys = NULL;

  g_assert_cmpstr (second, ==, first);
  g_assert_true (g_str_has_prefix (first, "{\n  \"format\" : \"flows-studio/connection\",\n  \"version\" : 2,\n"));
  g_assert_nonnull (strstr (first, "\"lastTest\""));
  g_assert_nonnull (strstr (first, "\"oauth\""));

  g_assert_cmpstr (flows_connection_get_id (loaded), ==, "conn-full");
  g_assert_cmpstr (flows_connection_get_app_id (loaded), ==, "every-kind");
  g_assert_cmpstr (flows_connection_get_name (loaded), ==, "Work " ODD);
  keys = flows_connection_list_value_keys (loaded);
  g_assert_cmpstrv (keys, ((const char * const []) { "Empty", "Multi", "Site", "Text", NULL }));
  g_assert_cmpstr (flows_connection_get_value (loaded, "Text"), ==, ODD);
  g_assert_cmpstr (flows_connection_get_value (loaded, "Multi"), ==, "a\nb\r\n");
  g_assert_cmpstr (flows_connection_get_value (loaded, "Empty"), ==, "");
  g_assert_true (flows_connection_get_signed_in (loaded));
  g_assert_cmpint (flows_connection_get_token_expires_at (loaded), ==, G_GINT64_CONSTANT (4102444800));
  g_assert_cmpstr (flows_connection_get_scope (loaded), ==, "read write \"admin\" é");
  g_assert_cmpstr (flows_connection_get_token_type (loaded), ==, "Bearer \"x\" é");
  g_assert_cmpint (flows_connection_get_refresh_expires_at (loaded), ==, G_GINT64_CONSTANT (4102448400));
  test_assert_contains (first, "\"tokenType\" : \"Bearer \\\"x\\\" é\",\n    \"refreshExpiresAt\" : 4102448400,");
  g_assert_cmpstr (flows_connection_get_needs_sign_in (loaded), ==, "The provider said: \"invalid_grant\"\n<again>");
  g_assert_cmpint (flows_connection_get_last_test_time (loaded), ==, 1700000000);
  g_assert_false (flows_connection_get_last_test_passed (loaded));
  g_assert_cmpuint (flows_connection_get_last_test_status (loaded), ==, 401);
  g_assert_cmpstr (flows_connection_get_last_test_message (loaded), ==, "Unauthorized: \"bad token\" é 🦊\n<html>");

  /* Never tested, never signed in: no lastTest, and still the same bytes. */
  g_assert_cmpstr (plain_second, ==, plain_first);
  g_assert_null (strstr (plain_first, "lastTest"));
  g_assert_cmpint (flows_connection_get_last_test_time (plain_loaded), ==, 0);
  g_assert_false (flows_connection_get_signed_in (plain_loaded));
  g_assert_null (flows_connection_get_needs_sign_in (plain_loaded));
  /* What the provider did not say is not written. */
  g_assert_null (strstr (plain_first, "tokenType"));
  g_assert_null (strstr (plain_first, "refreshExpiresAt"));
  g_assert_cmpstr (flows_connection_get_token_type (plain_loaded), ==, "");
  g_assert_cmpint (flows_connection_get_refresh_expires_at (plain_loaded), ==, 0);
}

/* A sign-in that failed and a Test from before the latest sign-in are kept in the file, in
 * members that older files do not have: those still load, and write the same bytes. */
static void
test_round_trip_connection_sign_in (void)
{
  g_autoptr(FlowsConnection) connection = new_full_connection ();
  g_autoptr(FlowsApp) app = new_every_kind_app ();
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autoptr(FlowsConnection) loaded = NULL;
  g_autofree char *sample_path = g_test_build_filename (G_TEST_DIST, "..", "data", "samples",
                                                        "sandbox-connection.json", NULL);
  g_autofree char *sample = test_read_text (sample_path);
  g_autoptr(FlowsConnection) sample_loaded = connection_from_text (sample);
  g_autofree char *sample_again = connection_to_text (sample_loaded, NULL);

  flows_connection_set_sign_in_failure (connection, G_GINT64_CONSTANT (1700000100),
                                        "The sign-in page at 127.0.0.1:8977 could not be loaded: \"refused\" é\n<x>");
  flows_connection_mark_last_test_stale (connection);
  first = connection_to_text (connection, app);
  loaded = connection_from_text (first);
  second = connection_to_text (loaded, app);

  g_assert_cmpstr (second, ==, first);
  test_assert_contains (first, "\"signInFailure\" : {\n      \"time\" : 1700000100,");
  test_assert_contains (first, "\"stale\" : true");
  g_assert_cmpint (flows_connection_get_sign_in_failure_time (loaded), ==, 1700000100);
  g_assert_cmpstr (flows_connection_get_sign_in_failure (loaded), ==,
                   "The sign-in page at 127.0.0.1:8977 could not be loaded: \"refused\" é\n<x>");
  g_assert_true (flows_connection_get_last_test_stale (loaded));
  g_assert_cmpint (flows_connection_get_last_test_time (loaded), ==, 1700000000);

  /* A new result is current again; a cleared failure leaves no member behind. */
  flows_connection_set_last_test (loaded, G_GINT64_CONSTANT (1700000200), TRUE, 200, "");
  flows_connection_set_sign_in_failure (loaded, 0, NULL);
  g_assert_false (flows_connection_get_last_test_stale (loaded));
  g_clear_pointer (&second, g_free);
  second = connection_to_text (loaded, app);
  g_assert_null (strstr (second, "signInFailure"));
  g_assert_null (strstr (second, "stale"));

  /* Never tested: nothing to mark. */
  {
    g_autoptr(FlowsConnection) untested = flows_connection_new ("conn-untested", "app", "");

    flows_connection_mark_last_test_stale (untested);
    g_assert_false (flows_connection_get_last_test_stale (untested));
  }

  /* A file written before: the sample connection, byte for byte. */
  g_assert_cmpstr (sample_again, ==, sample);
  /* The same file as version 1 wrote it (without the token details' members): it loads with
   * their defaults, and is written again as version 2 with nothing else changed. */
  {
    g_autofree char *sample_v1 = replace_once (sample, "\"version\" : 2,", "\"version\" : 1,");
    g_autoptr(FlowsConnection) v1_loaded = connection_from_text (sample_v1);
    g_autofree char *v1_again = connection_to_text (v1_loaded, NULL);

    g_assert_null (strstr (sample, "tokenType"));
    g_assert_cmpstr (v1_again, ==, sample);
    g_assert_cmpstr (flows_connection_get_token_type (v1_loaded), ==, "");
    g_assert_cmpint (flows_connection_get_refresh_expires_at (v1_loaded), ==, 0);
  }
  g_assert_null (flows_connection_get_sign_in_failure (sample_loaded));
  g_assert_false (flows_connection_get_last_test_stale (sample_loaded));
}

static void
test_connection_refuses_secret (void)
{
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Generic", FLOWS_CONNECTION_TYPE_GENERIC);
  g_autoptr(FlowsConnection) connection = flows_connection_new ("conn-1", flows_app_get_id (app), "Mine");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = test_make_temp_dir (TEMP_DIR);
  g_autoptr(GFile) directory = g_file_new_for_path (dir);
  g_autoptr(FlowsLibrary) library = flows_library_new (directory);
  g_autofree char *connections_dir = g_build_filename (dir, "connections", NULL);
  g_autofree char *text = NULL;

  flows_connection_set_value (connection, "TestURL", "https://example.com/");
  flows_connection_set_value (connection, "ApiKey", "s3cr3t-value");

  text = flows_document_connection_to_json (connection, app, &error);
  g_assert_error (error, FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_CONTAINS_SECRET);
  g_assert_null (text);
  g_assert_nonnull (strstr (error->message, "“ApiKey”"));
  g_assert_null (strstr (error->message, "s3cr3t-value"));
  g_clear_error (&error);

  /* Through the library: refused, and nothing reaches the disk. */
  g_assert_true (flows_library_load (library, &error));
  g_assert_no_error (error);
  g_assert_true (flows_library_add_app (library, app, &error));
  g_assert_no_error (error);
  g_assert_false (flows_library_add_connection (library, connection, &error));
  g_assert_error (error, FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_CONTAINS_SECRET);
  g_clear_error (&error);
  g_assert_false (flows_library_save_connection (library, connection, &error));
  g_assert_error (error, FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_CONTAINS_SECRET);
  g_clear_error (&error);
  g_assert_false (g_file_test (connections_dir, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (g_list_model_get_n_items (flows_library_get_connections (library)), ==, 0);

  /* Without the value it saves. */
  flows_connection_set_value (connection, "ApiKey", NULL);
  g_assert_true (flows_library_add_connection (library, connection, &error));
  g_assert_no_error (error);

  test_remove_tree (dir);
}

/* The library ------------------------------------------------------------------------------ */

static char *
app_path (const char *dir,
          const char *id)
{
  g_autofree char *basename = g_strconcat (id, ".json", NULL);
  return g_build_filename (dir, "apps", basename, NULL);
}

static char *
connection_path (const char *dir,
                 const char *id)
{
  g_autofree char *basename = g_strconcat (id, ".json", NULL);
  return g_build_filename (dir, "connections", basename, NULL);
}

static void
assert_file_is_app (const char *path,
                    FlowsApp   *app)
{
  g_autofree char *expected = flows_document_app_to_json (app);
  g_autofree char *contents = read_text (path, NULL);

  g_assert_cmpstr (contents, ==, expected);
}

static void
test_library_save_reload (void)
{
  g_autofree char *top = test_make_temp_dir (TEMP_DIR);
  g_autofree char *dir = g_build_filename (top, "library", NULL);
  g_autoptr(FlowsLibrary) library = test_library_open (dir);
  g_autoptr(FlowsLibrary) reloaded = NULL;
  g_autoptr(FlowsApp) oauth = flows_app_new_from_template ("B OAuth", FLOWS_CONNECTION_TYPE_OAUTH);
  g_autoptr(FlowsApp) generic = flows_app_new_from_template ("A Generic", FLOWS_CONNECTION_TYPE_GENERIC);
  g_autoptr(FlowsApp) every = new_every_kind_app ();
  g_autoptr(FlowsConnection) full = new_full_connection ();
  g_autoptr(FlowsConnection) small = flows_connection_new ("conn-small", flows_app_get_id (generic), "Small");
  FlowsApp *apps[] = { oauth, generic, every };
  FlowsConnection *connections[] = { full, small };
  g_autoptr(GError) error = NULL;
  guint items_added = 0;

  g_assert_true (flows_library_is_new (library));
  g_assert_cmpuint (g_list_model_get_n_items (flows_library_get_apps (library)), ==, 0);
  g_assert_cmpuint (flows_library_get_problems (library)->len, ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (apps); i++)
    {
      g_assert_true (flows_library_add_app (library, apps[i], &error));
      g_assert_no_error (error);
      items_added++;
    }
  flows_connection_set_value (small, "TestURL", "https://example.com/ping");
  for (guint i = 0; i < G_N_ELEMENTS (connections); i++)
    {
      g_assert_true (flows_library_add_connection (library, connections[i], &error));
      g_assert_no_error (error);
    }
  g_assert_cmpuint (g_list_model_get_n_items (flows_library_get_apps (library)), ==, items_added);

  /* Apps are listed by name. */
  {
    g_autoptr(FlowsApp) first = g_list_model_get_item (flows_library_get_apps (library), 0);
    g_autoptr(FlowsApp) second = g_list_model_get_item (flows_library_get_apps (library), 1);
    g_assert_true (first == generic);
    g_assert_true (second == oauth);
  }

  reloaded = test_library_open (dir);
  g_assert_false (flows_library_is_new (reloaded));
  g_assert_cmpuint (flows_library_get_problems (reloaded)->len, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (flows_library_get_apps (reloaded)), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (flows_library_get_connections (reloaded)), ==, 2);

  for (guint i = 0; i < G_N_ELEMENTS (apps); i++)
    {
      FlowsApp *again = flows_library_find_app (reloaded, flows_app_get_id (apps[i]));
      g_autofree char *expected = flows_document_app_to_json (apps[i]);
      g_autofree char *actual = NULL;
      g_autofree char *path = app_path (dir, flows_app_get_id (apps[i]));

      g_assert_nonnull (again);
      g_assert_true (flows_library_find_app (reloaded, flows_app_get_name (apps[i])) == again);
      actual = flows_document_app_to_json (again);
      g_assert_cmpstr (actual, ==, expected);
      /* The file holds exactly the canonical text of what it reloads as. */
      assert_file_is_app (path, again);
    }

  for (guint i = 0; i < G_N_ELEMENTS (connections); i++)
    {
      FlowsConnection *again = flows_library_find_connection (reloaded, flows_connection_get_id (connections[i]));
      FlowsApp *app = flows_library_find_app (reloaded, flows_connection_get_app_id (connections[i]));
      g_autofree char *expected = connection_to_text (connections[i], app);
      g_autofree char *actual = NULL;
      g_autofree char *path = connection_path (dir, flows_connection_get_id (connections[i]));
      g_autofree char *contents = read_text (path, NULL);

      g_assert_nonnull (again);
      actual = connection_to_text (again, app);
      g_assert_cmpstr (actual, ==, expected);
      g_assert_cmpstr (contents, ==, expected);
    }

  /* Saving what was loaded changes no byte. */
  for (guint i = 0; i < G_N_ELEMENTS (apps); i++)
    {
      FlowsApp *again = flows_library_find_app (reloaded, flows_app_get_id (apps[i]));
      g_autofree char *path = app_path (dir, flows_app_get_id (apps[i]));
      g_autofree char *before = read_text (path, NULL);
      g_autofree char *after = NULL;

      g_assert_true (flows_library_save_app (reloaded, again, &error));
      g_assert_no_error (error);
      after = read_text (path, NULL);
      g_assert_cmpstr (after, ==, before);
    }

  test_remove_tree (top);
}

static void
test_library_items_changed (void)
{
  g_autofree char *dir = test_make_temp_dir (TEMP_DIR);
  g_autoptr(FlowsLibrary) library = test_library_open (dir);
  g_autoptr(FlowsApp) b = flows_app_new_from_template ("B", FLOWS_CONNECTION_TYPE_GENERIC);
  g_autoptr(FlowsApp) a = flows_app_new_from_template ("A", FLOWS_CONNECTION_TYPE_GENERIC);
  g_autoptr(FlowsConnection) connection = flows_connection_new ("conn-1", flows_app_get_id (a), "C");
  g_autoptr(GError) error = NULL;
  guint apps_changed = 0, connections_changed = 0;

  g_signal_connect_swapped (flows_library_get_apps (library), "items-changed",
                            G_CALLBACK (g_atomic_int_inc), &apps_changed);
  g_signal_connect_swapped (flows_library_get_connections (library), "items-changed",
                            G_CALLBACK (g_atomic_int_inc), &connections_changed);

  g_assert_true (flows_library_add_app (library, b, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (apps_changed, ==, 1);
  g_assert_true (flows_library_add_app (library, a, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (apps_changed, ==, 2);
  /* A refused add changes nothing. */
  g_assert_false (flows_library_add_app (library, a, &error));
  g_assert_error (error, FLOWS_LIBRARY_ERROR, FLOWS_LIBRARY_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_cmpuint (apps_changed, ==, 2);

  g_assert_true (flows_library_add_connection (library, connection, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (connections_changed, ==, 1);
  g_assert_false (flows_library_add_connection (library, connection, &error));
  g_assert_error (error, FLOWS_LIBRARY_ERROR, FLOWS_LIBRARY_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_cmpuint (connections_changed, ==, 1);

  g_signal_handlers_disconnect_by_data (flows_library_get_apps (library), &apps_changed);
  g_signal_handlers_disconnect_by_data (flows_library_get_connections (library), &connections_changed);
  test_remove_tree (dir);
}

static void
test_library_atomic_writes (void)
{
  g_autofree char *dir = test_make_temp_dir (TEMP_DIR);
  g_autoptr(FlowsLibrary) library = test_library_open (dir);
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Generic", FLOWS_CONNECTION_TYPE_GENERIC);
  g_autoptr(FlowsConnection) connection = flows_connection_new ("conn-1", flows_app_get_id (app), "Mine");
  g_autofree char *apps_dir = g_build_filename (dir, "apps", NULL);
  g_autofree char *connections_dir = g_build_filename (dir, "connections", NULL);
  g_autofree char *app_file = app_path (dir, flows_app_get_id (app));
  g_autofree char *connection_file = connection_path (dir, "conn-1");
  g_autofree char *app_listing = g_strconcat (flows_app_get_id (app), ".json", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (flows_library_add_app (library, app, &error));
  g_assert_no_error (error);
  g_assert_true (flows_library_add_connection (library, connection, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("Generic %u", i);
      g_autofree char *listing = NULL;
      struct stat before, after;

      g_assert_cmpint (stat (app_file, &before), ==, 0);
      flows_app_set_name (app, name);
      g_assert_true (flows_library_save_app (library, app, &error));
      g_assert_no_error (error);
      flows_connection_set_name (connection, name);
      g_assert_true (flows_library_save_connection (library, connection, &error));
      g_assert_no_error (error);

      /* Replaced by a rename, not rewritten in place, and no temporary file left behind. */
      g_assert_cmpint (stat (app_file, &after), ==, 0);
      g_assert_cmpuint (after.st_ino, !=, before.st_ino);
      listing = list_dir (apps_dir);
      g_assert_cmpstr (listing, ==, app_listing);
      g_clear_pointer (&listing, g_free);
      listing = list_dir (connections_dir);
      g_assert_cmpstr (listing, ==, "conn-1.json");
      g_assert_cmpuint (file_mode (connection_file), ==, 0600);
      assert_file_is_app (app_file, app);
    }

  /* A connection file that became readable by others is private again after a save. */
  g_assert_cmpint (g_chmod (connection_file, 0644), ==, 0);
  flows_connection_set_name (connection, "Mine again");
  g_assert_true (flows_library_save_connection (library, connection, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (file_mode (connection_file), ==, 0600);

  test_remove_tree (dir);
}

static void
test_library_import_export (void)
{
  g_autofree char *dir_a = test_make_temp_dir (TEMP_DIR);
  g_autofree char *dir_b = test_make_temp_dir (TEMP_DIR);
  g_autofree char *outside = test_make_temp_dir (TEMP_DIR);
  g_autoptr(FlowsLibrary) a = test_library_open (dir_a);
  g_autoptr(FlowsLibrary) b = test_library_open (dir_b);
  g_autoptr(FlowsApp) every = new_every_kind_app ();
  g_autoptr(FlowsApp) oauth = flows_app_new_from_template ("OAuth", FLOWS_CONNECTION_TYPE_OAUTH);
  g_autofree char *export_path = g_build_filename (outside, "sub dir", "exported é.json", NULL);
  g_autoptr(GFile) export_file = g_file_new_for_path (export_path);
  g_autoptr(GError) error = NULL;
  FlowsApp *apps[] = { every, oauth };

  for (guint i = 0; i < G_N_ELEMENTS (apps); i++)
    {
      g_autofree char *expected = flows_document_app_to_json (apps[i]);
      g_autofree char *exported = NULL;
      g_autofree char *imported_text = NULL;
      g_autofree char *imported_file = app_path (dir_b, flows_app_get_id (apps[i]));
      g_autofree char *file_contents = NULL;
      FlowsApp *imported;

      g_assert_true (flows_library_add_app (a, apps[i], &error));
      g_assert_no_error (error);
      g_assert_true (flows_library_export_app (a, apps[i], export_file, &error));
      g_assert_no_error (error);
      exported = read_text (export_path, NULL);
      g_assert_cmpstr (exported, ==, expected);

      imported = flows_library_import_app (b, export_file, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (imported);
      g_assert_true (flows_library_find_app (b, flows_app_get_id (apps[i])) == imported);
      imported_text = flows_document_app_to_json (imported);
      g_assert_cmpstr (imported_text, ==, expected);
      file_contents = read_text (imported_file, NULL);
      g_assert_cmpstr (file_contents, ==, expected);
    }

  /* The library reloads with both. */
  {
    g_autoptr(FlowsLibrary) again = test_library_open (dir_b);
    g_assert_cmpuint (g_list_model_get_n_items (flows_library_get_apps (again)), ==, 2);
    g_assert_cmpuint (flows_library_get_problems (again)->len, ==, 0);
  }

  test_remove_tree (dir_a);
  test_remove_tree (dir_b);
  test_remove_tree (outside);
}

/* The imported App belongs to the library, which the caller only borrows it from: it goes with
 * the library (flows-cli and the window once kept a reference of their own that nobody gave
 * back, found by LeakSanitizer in build-aux/test). */
static void
test_library_import_borrowed (void)
{
  g_autofree char *dir = test_make_temp_dir (TEMP_DIR);
  g_autofree char *outside = test_make_temp_dir (TEMP_DIR);
  g_autofree char *export_path = g_build_filename (outside, "exported.json", NULL);
  g_autoptr(GFile) export_file = g_file_new_for_path (export_path);
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Borrowed", FLOWS_CONNECTION_TYPE_GENERIC);
  g_autofree char *text = flows_document_app_to_json (app);
  FlowsLibrary *library = test_library_open (dir);
  g_autoptr(GError) error = NULL;
  FlowsApp *imported;

  write_bytes (export_path, text, strlen (text));
  imported = flows_library_import_app (library, export_file, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (flows_library_find_app (library, flows_app_get_id (app)) == imported);

  g_object_add_weak_pointer (G_OBJECT (imported), (gpointer *) &imported);
  g_object_unref (library);
  g_assert_null (imported);

  test_remove_tree (dir);
  test_remove_tree (outside);
}

/* An App whose name the library has (in any case) comes in as "NAME (2)", then "NAME (3)",
 * and the App that has the name keeps it and its file. */
static void
test_library_import_name_taken (void)
{
  g_autofree char *dir = test_make_temp_dir (TEMP_DIR);
  g_autofree char *outside = test_make_temp_dir (TEMP_DIR);
  g_autoptr(FlowsLibrary) library = test_library_open (dir);
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Weather", FLOWS_CONNECTION_TYPE_GENERIC);
  g_autofree char *export_path = g_build_filename (outside, "weather.json", NULL);
  g_autoptr(GFile) export_file = g_file_new_for_path (export_path);
  g_autofree char *library_file = app_path (dir, flows_app_get_id (app));
  g_autoptr(Snapshot) before = NULL;
  g_autoptr(GError) error = NULL;
  const char *expected[] = { "WEATHER (2)", "WEATHER (3)" };

  g_assert_true (flows_library_add_app (library, app, &error));
  g_assert_no_error (error);
  set_old_mtime (library_file);
  before = snapshot_take (library_file);

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      /* Another id each time: the same id is refused (see import-exists). */
      g_autoptr(FlowsApp) copy = flows_app_new_from_template ("WEATHER", FLOWS_CONNECTION_TYPE_GENERIC);
      g_autofree char *copy_text = flows_document_app_to_json (copy);
      g_autofree char *name_in_file = NULL;
      FlowsApp *imported;

      write_bytes (export_path, copy_text, strlen (copy_text));
      imported = flows_library_import_app (library, export_file, &name_in_file, &error);
      g_assert_no_error (error);
      g_assert_nonnull (imported);
      g_assert_cmpstr (flows_app_get_name (imported), ==, expected[i]);
      g_assert_cmpstr (name_in_file, ==, "WEATHER");
    }

  snapshot_assert_unchanged (before);
  g_assert_cmpstr (flows_app_get_name (app), ==, "Weather");
  g_assert_cmpuint (g_list_model_get_n_items (flows_library_get_apps (library)), ==, 3);

  test_remove_tree (dir);
  test_remove_tree (outside);
}

static void
test_library_import_exists (void)
{
  g_autofree char *dir = test_make_temp_dir (TEMP_DIR);
  g_autofree char *outside = test_make_temp_dir (TEMP_DIR);
  g_autoptr(FlowsLibrary) library = test_library_open (dir);
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Original", FLOWS_CONNECTION_TYPE_GENERIC);
  g_autoptr(FlowsApp) copy = NULL;
  g_autofree char *export_path = g_build_filename (outside, "copy.json", NULL);
  g_autoptr(GFile) export_file = g_file_new_for_path (export_path);
  g_autofree char *library_file = app_path (dir, flows_app_get_id (app));
  g_autofree char *original_text = NULL;
  g_autofree char *changed = NULL;
  g_autoptr(Snapshot) before = NULL;
  g_autoptr(GError) error = NULL;
  FlowsApp *imported;

  g_assert_true (flows_library_add_app (library, app, &error));
  g_assert_no_error (error);
  original_text = flows_document_app_to_json (app);

  /* The same id under another name. */
  copy = app_from_text (original_text, "copy");
  flows_app_set_name (copy, "Renamed copy");
  changed = flows_document_app_to_json (copy);
  write_bytes (export_path, changed, strlen (changed));

  set_old_mtime (library_file);
  before = snapshot_take (library_file);
  imported = flows_library_import_app (library, export_file, NULL, &error);
  g_assert_error (error, FLOWS_LIBRARY_ERROR, FLOWS_LIBRARY_ERROR_EXISTS);
  g_assert_null (imported);
  g_assert_nonnull (strstr (error->message, flows_app_get_id (app)));
  g_clear_error (&error);

  snapshot_assert_unchanged (before);
  g_assert_cmpuint (g_list_model_get_n_items (flows_library_get_apps (library)), ==, 1);
  g_assert_true (flows_library_find_app (library, flows_app_get_id (app)) == app);
  g_assert_cmpstr (flows_app_get_name (app), ==, "Original");

  /* The same from a fresh load of the library. */
  {
    g_autoptr(FlowsLibrary) again = test_library_open (dir);
    imported = flows_library_import_app (again, export_file, NULL, &error);
    g_assert_error (error, FLOWS_LIBRARY_ERROR, FLOWS_LIBRARY_ERROR_EXISTS);
    g_assert_null (imported);
    g_clear_error (&error);
    snapshot_assert_unchanged (before);
  }

  test_remove_tree (dir);
  test_remove_tree (outside);
}

static void
test_library_import_bad_id (void)
{
  g_autofree char *dir = test_make_temp_dir (TEMP_DIR);
  g_autofree char *outside = test_make_temp_dir (TEMP_DIR);
  g_autoptr(FlowsLibrary) library = test_library_open (dir);
  g_autoptr(FlowsApp) app = flows_app_new ("../../escape", "Escape", FLOWS_CONNECTION_TYPE_GENERIC);
  g_autofree char *text = flows_document_app_to_json (app);
  g_autofree char *path = g_build_filename (outside, "escape.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *listing = NULL;
  g_autoptr(GError) error = NULL;

  write_bytes (path, text, strlen (text));
  g_assert_null (flows_library_import_app (library, file, NULL, &error));
  g_assert_error (error, FLOWS_LIBRARY_ERROR, FLOWS_LIBRARY_ERROR_INVALID_ID);
  g_clear_error (&error);

  /* Nothing was written, inside the library or beside it. */
  g_assert_cmpuint (g_list_model_get_n_items (flows_library_get_apps (library)), ==, 0);
  listing = list_dir (dir);
  g_assert_cmpstr (listing, ==, "");
  g_clear_pointer (&listing, g_free);
  listing = list_dir (outside);
  g_assert_cmpstr (listing, ==, "escape.json");

  test_remove_tree (dir);
  test_remove_tree (outside);
}

/* Bad files -------------------------------------------------------------------------------- */

typedef struct {
  char     *dir;
  char     *apps_dir;
  FlowsApp *oauth;
  FlowsApp *generic;
  char     *oauth_text;
  char     *generic_text;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(FlowsLibrary) library = NULL;
  g_autoptr(GError) error = NULL;

  fixture->dir = test_make_temp_dir (TEMP_DIR);
  fixture->apps_dir = g_build_filename (fixture->dir, "apps", NULL);
  fixture->oauth = flows_app_new_from_template ("Good OAuth", FLOWS_CONNECTION_TYPE_OAUTH);
  fixture->generic = flows_app_new_from_template ("Good Generic", FLOWS_CONNECTION_TYPE_GENERIC);
  fixture->oauth_text = flows_document_app_to_json (fixture->oauth);
  fixture->generic_text = flows_document_app_to_json (fixture->generic);

  library = test_library_open (fixture->dir);
  g_assert_true (flows_library_add_app (library, fixture->oauth, &error));
  g_assert_no_error (error);
  g_assert_true (flows_library_add_app (library, fixture->generic, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->apps_dir);
  g_clear_object (&fixture->oauth);
  g_clear_object (&fixture->generic);
  g_free (fixture->oauth_text);
  g_free (fixture->generic_text);
}

/* What loading a bad file must report. line 0: the message has no position. */
typedef struct {
  GQuark      domain;
  int         code;
  guint       line;
  guint       column;
  const char *contains[3];
} Expected;

/* Puts @contents (NULL: a directory) at apps/@basename, then checks the error of loading it alone
 * and within the library, that the good Apps still load, and that the file is untouched. */
static void
check_bad_app_file (Fixture        *fixture,
                    const char     *basename,
                    const char     *contents,
                    gsize           length,
                    const Expected *expected)
{
  g_autofree char *path = g_build_filename (fixture->apps_dir, basename, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *prefix = NULL;
  g_autofree char *listing_before = NULL;
  g_autofree char *listing_after = NULL;
  g_autoptr(Snapshot) before = NULL;
  g_autoptr(FlowsLibrary) library = NULL;
  g_autoptr(FlowsApp) app = NULL;
  g_autoptr(GError) error = NULL;
  FlowsLoadProblem *problem;
  FlowsApp *apps[2] = { fixture->oauth, fixture->generic };

  if (contents != NULL)
    write_bytes (path, contents, length);
  else
    {
      g_autofree char *inside = g_build_filename (path, "keep.txt", NULL);
      g_assert_cmpint (g_mkdir (path, 0755), ==, 0);
      write_bytes (inside, "keep", 4);
      set_old_mtime (inside);
    }
  set_old_mtime (path);
  before = snapshot_take (path);
  listing_before = list_dir (fixture->apps_dir);

  if (expected->line > 0)
    prefix = g_strdup_printf ("%s:%u:%u: ", path, expected->line, expected->column);
  else
    prefix = g_strdup_printf ("%s: ", path);

  /* Alone. */
  app = flows_document_load_app (file, &error);
  g_assert_null (app);
  g_assert_nonnull (error);
  g_test_message ("error: %s", error->message);
  g_assert_error (error, expected->domain, expected->code);
  if (!g_str_has_prefix (error->message, prefix))
    g_error ("“%s” does not start with “%s”", error->message, prefix);
  for (guint i = 0; i < G_N_ELEMENTS (expected->contains) && expected->contains[i] != NULL; i++)
    if (strstr (error->message, expected->contains[i]) == NULL)
      g_error ("“%s” does not contain “%s”", error->message, expected->contains[i]);

  /* Within the library: the only problem, and the other Apps load. */
  library = test_library_open (fixture->dir);
  g_assert_cmpuint (flows_library_get_problems (library)->len, ==, 1);
  problem = g_ptr_array_index (flows_library_get_problems (library), 0);
  g_assert_true (g_file_equal (problem->file, file));
  g_assert_error (problem->error, expected->domain, expected->code);
  g_assert_cmpstr (problem->error->message, ==, error->message);
  g_clear_error (&error);

  g_assert_cmpuint (g_list_model_get_n_items (flows_library_get_apps (library)), ==, 2);
  for (guint i = 0; i < G_N_ELEMENTS (apps); i++)
    {
      FlowsApp *loaded = flows_library_find_app (library, flows_app_get_id (apps[i]));
      g_autofree char *expected_text = flows_document_app_to_json (apps[i]);
      g_autofree char *loaded_text = NULL;

      g_assert_nonnull (loaded);
      loaded_text = flows_document_app_to_json (loaded);
      g_assert_cmpstr (loaded_text, ==, expected_text);

      /* Saving the good ones leaves the bad one alone. */
      g_assert_true (flows_library_save_app (library, loaded, &error));
      g_assert_no_error (error);
    }

  snapshot_assert_unchanged (before);
  listing_after = list_dir (fixture->apps_dir);
  g_assert_cmpstr (listing_after, ==, listing_before);
}

/* The generic template's text with @old replaced by @new; @marker (its @nth occurrence, plus
 * @offset bytes) is where the error must point, which is @line:@column when they are given. */
typedef struct
{
  const char *name;
  const char *old;
  const char *new;
  const char *marker;
  guint       nth;
  gsize       offset;
  guint       line;
  guint       column;
  int         code;         /* of FLOWS_DOCUMENT_ERROR */
  const char *contains[3];
} BadGeneric;

static const BadGeneric bad_generics[] = {
  { "name-type", "\"name\" : \"Good Generic\"", "\"name\" : 5", "\"name\" : 5", 1, sizeof "\"name\" : " - 1, 0, 0,
    FLOWS_DOCUMENT_ERROR_INVALID, { "“name”", "a string", "a number" } },
  { "stage-type", "\"type\" : \"call-api\"", "\"type\" : \"teleport\"", "\"teleport\"", 1, 0, 0, 0,
    FLOWS_DOCUMENT_ERROR_INVALID, { "“teleport”", "type", "“call-api”" } },
  { "unknown-format", "\"format\" : \"flows-studio/app\"", "\"format\" : \"flows-studio/workflow\"",
    "\"flows-studio/workflow\"", 1, 0, 0, 0,
    FLOWS_DOCUMENT_ERROR_FORMAT, { "“flows-studio/workflow”", "“flows-studio/app”" } },
  /* The whole document is at fault: its start. */
  { "missing-format", "\"format\" : \"flows-studio/app\",\n", "", "{", 1, 0, 1, 1,
    FLOWS_DOCUMENT_ERROR_FORMAT, { "“format”" } },
  { "newer-version", "\"version\" : 2,", "\"version\" : 3,", "\"version\" : 3", 1, sizeof "\"version\" : " - 1, 0, 0,
    FLOWS_DOCUMENT_ERROR_NEWER_VERSION, { "newer", "3" } },
  { "version-zero", "\"version\" : 2,", "\"version\" : 0,", "\"version\" : 0", 1, sizeof "\"version\" : " - 1, 0, 0,
    FLOWS_DOCUMENT_ERROR_OLD_VERSION, { "version 0" } },
  { "refresh-on-status", "\"redirectUrl\" : \"\",", "\"redirectUrl\" : \"\",\n  \"refreshOnStatus\" : [401, \"403\"],",
    "\"403\"", 1, 0, 0, 0,
    FLOWS_DOCUMENT_ERROR_INVALID, { "refreshOnStatus", "HTTP status" } },
  /* After two-byte characters on the same line: the column counts characters. */
  { "invalid-utf8", "\"Good Generic\"", "\"Göód \xff\xfe Generic\"", "\"Göód ", 1, sizeof "\"Göód " - 1, 0, 0,
    FLOWS_DOCUMENT_ERROR_SYNTAX, { "UTF-8" } },
};

static void
test_bad_generic (Fixture       *fixture,
                  gconstpointer  user_data)
{
  const BadGeneric *bad = user_data;
  g_autofree char *text = replace_once (fixture->generic_text, bad->old, bad->new);
  Expected expected = { FLOWS_DOCUMENT_ERROR, bad->code, 0, 0, { bad->contains[0], bad->contains[1], bad->contains[2] } };

  position_of (text, bad->marker, bad->nth, bad->offset, &expected.line, &expected.column);
  g_test_message ("expecting %u:%u", expected.line, expected.column);
  if (bad->line > 0)
    {
      g_assert_cmpuint (expected.line, ==, bad->line);
      g_assert_cmpuint (expected.column, ==, bad->column);
    }

  /* The bad file has an id of its own, so that it is not taken for a duplicate of the good one. */
  {
    g_autofree char *own = replace_once (text, flows_app_get_id (fixture->generic), "bad-app-id");
    g_free (text);
    text = g_steal_pointer (&own);
  }
  check_bad_app_file (fixture, "bad.json", text, strlen (text), &expected);
}

/* A file of @length bytes of @contents (NULL: a directory) at apps/@basename. */
typedef struct
{
  const char *name;
  const char *basename;
  const char *contents;
  gsize       length;
  int         code;         /* of FLOWS_DOCUMENT_ERROR */
  const char *contains[3];
} BadContents;

static const BadContents bad_contents[] = {
  { "empty", "empty.json", "", 0,
    FLOWS_DOCUMENT_ERROR_EMPTY, { "empty" } },
  { "whitespace", "blank.json", " \n\t\r\n  \n", 8,
    FLOWS_DOCUMENT_ERROR_EMPTY, { "empty" } },
  { "directory", "x.json", NULL, 0,
    FLOWS_DOCUMENT_ERROR_NOT_A_FILE, { "folder" } },
};

static void
test_bad_contents (Fixture       *fixture,
                   gconstpointer  user_data)
{
  const BadContents *bad = user_data;
  Expected expected = { FLOWS_DOCUMENT_ERROR, bad->code, 0, 0, { bad->contains[0], bad->contains[1], bad->contains[2] } };

  check_bad_app_file (fixture, bad->basename, bad->contents, bad->length, &expected);
}

static void
test_bad_truncated (Fixture       *fixture,
                    gconstpointer  user_data)
{
  /* Cut in the middle of a string: the error is at the end of the file. */
  const char *cut = strstr (fixture->generic_text, "\"name\" : \"Good Gen");
  gsize length = cut - fixture->generic_text + strlen ("\"name\" : \"Good Gen");
  g_autofree char *text = g_strndup (fixture->generic_text, length);
  Expected expected = { FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_SYNTAX, 0, 0, { NULL } };

  position_of (text, "\"Good Gen", 1, strlen ("\"Good Gen"), &expected.line, &expected.column);
  check_bad_app_file (fixture, "truncated.json", text, length, &expected);
}

static void
test_bad_truncated_non_ascii (Fixture       *fixture,
                              gconstpointer  user_data)
{
  /* The column counts characters, as every other position reported does, not bytes. */
  g_autofree char *renamed = replace_once (fixture->generic_text, "\"Good Generic\"", "\"Gööd Généric\"");
  const char *cut = strstr (renamed, "\"Gööd Gén");
  gsize length = cut - renamed + strlen ("\"Gööd Gén");
  g_autofree char *text = g_strndup (renamed, length);
  Expected expected = { FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_SYNTAX, 0, 0, { NULL } };

  position_of (text, "\"Gööd Gén", 1, strlen ("\"Gööd Gén"), &expected.line, &expected.column);
  check_bad_app_file (fixture, "truncated.json", text, length, &expected);
}

static void
test_bad_truncated_at_line_end (Fixture       *fixture,
                                gconstpointer  user_data)
{
  /* Cut after a line break that follows "[": the end of the file is the first column of the
   * next, empty line. */
  const char *cut = strstr (fixture->generic_text, "\"parameters\" : [\n");
  gsize length = cut - fixture->generic_text + strlen ("\"parameters\" : [\n");
  g_autofree char *text = g_strndup (fixture->generic_text, length);
  Expected expected = { FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_SYNTAX, 0, 1, { NULL } };

  position_of (text, "\"parameters\" : [\n", 1, 0, &expected.line, &expected.column);
  expected.line++;
  expected.column = 1;
  check_bad_app_file (fixture, "truncated.json", text, length, &expected);
}

static void
test_bad_too_large (Fixture       *fixture,
                    gconstpointer  user_data)
{
  /* A valid document, padded with blanks to 10 MB. */
  gsize size = 10 * 1024 * 1024;
  g_autofree char *text = g_malloc (size);
  gsize head;
  g_autofree char *own = replace_once (fixture->generic_text, flows_app_get_id (fixture->generic), "big-app-id");
  Expected expected = { FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_TOO_LARGE, 0, 0, { "large" } };

  head = strlen (own) - 2; /* up to the final "}\n" */
  memcpy (text, own, head);
  memset (text + head, ' ', size - head - 2);
  memcpy (text + size - 2, "}\n", 2);

  check_bad_app_file (fixture, "big.json", text, size, &expected);
}

static void
test_bad_duplicate_stage_ids (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(FlowsApp) app = flows_app_new ("dup-app", "Duplicates", FLOWS_CONNECTION_TYPE_GENERIC);
  g_autoptr(FlowsFlow) flow = flows_flow_new ("flow-1", "Twice");
  g_autofree char *text = NULL;
  Expected expected = { FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_INVALID, 0, 0,
                        { "“same-id”", "“Twice”" } };

  add_stage (flow, "same-id", "trigger", FLOWS_STAGE_TYPE_TRIGGER, "{\"inputs\":[]}");
  add_stage (flow, "other", "call", FLOWS_STAGE_TYPE_CALL_API, "{}");
  add_stage (flow, "same-id", "done", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE, "{}");
  flows_app_add_flow (app, flow);
  text = flows_document_app_to_json (app);

  /* The second stage with the id, at its id. */
  position_of (text, "\"id\" : \"same-id\"", 2, strlen ("\"id\" : "), &expected.line, &expected.column);
  check_bad_app_file (fixture, "dup.json", text, strlen (text), &expected);
}

/* Saving over a file that did not load is refused, and leaves it as it is. */
static void
test_bad_save_refused (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autofree char *path = g_build_filename (fixture->apps_dir, "broken-id.json", NULL);
  g_autofree char *outside = test_make_temp_dir (TEMP_DIR);
  g_autofree char *import_path = g_build_filename (outside, "import.json", NULL);
  g_autoptr(GFile) import_file = g_file_new_for_path (import_path);
  g_autoptr(FlowsLibrary) library = NULL;
  g_autoptr(FlowsApp) app = flows_app_new ("broken-id", "Same id as the broken file", FLOWS_CONNECTION_TYPE_GENERIC);
  g_autofree char *app_text = flows_document_app_to_json (app);
  g_autoptr(Snapshot) before = NULL;
  g_autoptr(GError) error = NULL;
  const char *broken = "{\n  \"format\" : \"flows-studio/app\",\n  \"version\" : 2,\n  \"id\" : \"broken-id\",\n  \"name\" : ";

  write_bytes (path, broken, strlen (broken));
  set_old_mtime (path);
  before = snapshot_take (path);

  library = test_library_open (fixture->dir);
  g_assert_cmpuint (flows_library_get_problems (library)->len, ==, 1);

  g_assert_false (flows_library_save_app (library, app, &error));
  g_assert_error (error, FLOWS_LIBRARY_ERROR, FLOWS_LIBRARY_ERROR_BROKEN_FILE);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_clear_error (&error);
  snapshot_assert_unchanged (before);

  g_assert_false (flows_library_add_app (library, app, &error));
  g_assert_error (error, FLOWS_LIBRARY_ERROR, FLOWS_LIBRARY_ERROR_BROKEN_FILE);
  g_clear_error (&error);
  snapshot_assert_unchanged (before);

  write_bytes (import_path, app_text, strlen (app_text));
  g_assert_null (flows_library_import_app (library, import_file, NULL, &error));
  g_assert_error (error, FLOWS_LIBRARY_ERROR, FLOWS_LIBRARY_ERROR_BROKEN_FILE);
  g_clear_error (&error);
  snapshot_assert_unchanged (before);

  g_assert_cmpuint (g_list_model_get_n_items (flows_library_get_apps (library)), ==, 2);
  g_assert_null (flows_library_find_app (library, "broken-id"));

  test_remove_tree (outside);
}

/* A broken connection file is reported the same way, and the good connection loads. */
static void
test_bad_connection_file (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autofree char *path = connection_path (fixture->dir, "broken-conn");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(FlowsConnection) good = flows_connection_new ("good-conn", flows_app_get_id (fixture->generic), "Good");
  g_autoptr(FlowsConnection) same_id = flows_connection_new ("broken-conn", flows_app_get_id (fixture->generic), "Again");
  g_autoptr(FlowsLibrary) library = test_library_open (fixture->dir);
  g_autoptr(Snapshot) before = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *prefix = NULL;
  const char *broken = "{\n  \"format\" : \"flows-studio/connection\",\n  \"version\" : 2,\n"
                       "  \"id\" : \"broken-conn\",\n  \"app\" : true\n}\n";
  FlowsLoadProblem *problem;

  g_assert_true (flows_library_add_connection (library, good, &error));
  g_assert_no_error (error);
  g_clear_object (&library);

  write_bytes (path, broken, strlen (broken));
  set_old_mtime (path);
  before = snapshot_take (path);

  library = test_library_open (fixture->dir);
  g_assert_cmpuint (flows_library_get_problems (library)->len, ==, 1);
  problem = g_ptr_array_index (flows_library_get_problems (library), 0);
  g_assert_true (g_file_equal (problem->file, file));
  g_assert_error (problem->error, FLOWS_DOCUMENT_ERROR, FLOWS_DOCUMENT_ERROR_INVALID);
  prefix = g_strdup_printf ("%s:5:11: ", path);
  g_assert_true (g_str_has_prefix (problem->error->message, prefix));
  g_assert_nonnull (strstr (problem->error->message, "“app”"));
  g_assert_cmpuint (g_list_model_get_n_items (flows_library_get_connections (library)), ==, 1);
  g_assert_nonnull (flows_library_find_connection (library, "good-conn"));
  g_assert_cmpuint (g_list_model_get_n_items (flows_library_get_apps (library)), ==, 2);

  g_assert_false (flows_library_add_connection (library, same_id, &error));
  g_assert_error (error, FLOWS_LIBRARY_ERROR, FLOWS_LIBRARY_ERROR_BROKEN_FILE);
  g_clear_error (&error);
  snapshot_assert_unchanged (before);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/documents/round-trip/oauth-template", test_round_trip_oauth_template);
  g_test_add_func ("/documents/round-trip/generic-template", test_round_trip_generic_template);
  g_test_add_func ("/documents/round-trip/provider-members", test_round_trip_provider_members);
  g_test_add_func ("/documents/migrate/version-1", test_migrate_version_1);
  g_test_add_func ("/documents/round-trip/every-kind", test_round_trip_every_kind);
  g_test_add_func ("/documents/round-trip/connection", test_round_trip_connection);
  g_test_add_func ("/documents/round-trip/connection-sign-in", test_round_trip_connection_sign_in);
  g_test_add_func ("/documents/connection/refuses-secret", test_connection_refuses_secret);
  g_test_add_func ("/documents/library/save-reload", test_library_save_reload);
  g_test_add_func ("/documents/library/items-changed", test_library_items_changed);
  g_test_add_func ("/documents/library/atomic-writes", test_library_atomic_writes);
  g_test_add_func ("/documents/library/import-export", test_library_import_export);
  g_test_add_func ("/documents/library/import-exists", test_library_import_exists);
  g_test_add_func ("/documents/library/import-name-taken", test_library_import_name_taken);
  g_test_add_func ("/documents/library/import-borrowed", test_library_import_borrowed);
  g_test_add_func ("/documents/library/import-bad-id", test_library_import_bad_id);

#define BAD(name, func) \
  g_test_add ("/documents/bad/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  BAD ("truncated", test_bad_truncated);
  BAD ("truncated-non-ascii", test_bad_truncated_non_ascii);
  BAD ("truncated-at-line-end", test_bad_truncated_at_line_end);
  BAD ("too-large", test_bad_too_large);
  BAD ("duplicate-stage-ids", test_bad_duplicate_stage_ids);
  BAD ("save-refused", test_bad_save_refused);
  BAD ("connection-file", test_bad_connection_file);
#undef BAD
  for (guint i = 0; i < G_N_ELEMENTS (bad_generics); i++)
    {
      g_autofree char *path = g_strconcat ("/documents/bad/", bad_generics[i].name, NULL);

      g_test_add (path, Fixture, &bad_generics[i], fixture_set_up, test_bad_generic, fixture_tear_down);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_contents); i++)
    {
      g_autofree char *path = g_strconcat ("/documents/bad/", bad_contents[i].name, NULL);

      g_test_add (path, Fixture, &bad_contents[i], fixture_set_up, test_bad_contents, fixture_tear_down);
    }

  return g_test_run ();
}
