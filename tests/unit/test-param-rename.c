/* test-param-rename.c — a parameter's key renamed in the App's flows, its connections' files
 * and the keyring, then undone; checked in the model, the saved files and the keyring.
 */
#include "config.h"

#include <string.h>

#include "flows-param-rename.h"
#include "flows-secrets.h"
#include "runner-helpers.h"
#include "test-files.h"
#include "test-session.h"
#include "test-wait.h"

#define WAIT_MS 20000

typedef struct
{
  char            *data_dir;
  FlowsLibrary    *library;
  FlowsApp        *app;
  FlowsApp        *other_app;
  FlowsConnection *with_value;
  FlowsConnection *without_value;
  FlowsConnection *other;
  FlowsStage      *probe;
} Fixture;

static FlowsConnection *
add_connection (Fixture    *fixture,
                FlowsApp   *app,
                const char *key,
                const char *value)
{
  g_autofree char *id = flows_new_id ();
  FlowsConnection *connection = flows_connection_new (id, flows_app_get_id (app), "Connection");
  g_autoptr(GError) error = NULL;

  if (value != NULL)
    flows_connection_set_value (connection, key, value);
  g_assert_true (flows_library_add_connection (fixture->library, connection, &error));
  g_assert_no_error (error);
  return connection;
}

/* An OAuth App, whose Step 1 refers to <Scopes>, with a stage of its own in the Connection
 * Test that holds what must not change; two connections of it and one of another App. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(JsonObject) settings = NULL;
  FlowsFlow *test_flow;
  g_autoptr(GError) error = NULL;

  fixture->library = test_library_new_temp ("flows-rename-XXXXXX", &fixture->data_dir);
  fixture->app = test_library_add_template (fixture->library, "Renames", FLOWS_CONNECTION_TYPE_OAUTH);
  fixture->other_app = test_library_add_template (fixture->library, "Other", FLOWS_CONNECTION_TYPE_OAUTH);

  test_flow = flows_app_find_flow_by_role (fixture->app, FLOWS_FLOW_ROLE_CONNECTION_TEST);
  fixture->probe = flows_stage_new ("stage-probe", "probe", FLOWS_STAGE_TYPE_SET_FIELDS, "Probe");
  settings = test_parse_settings ("{'fields':["
                                  "{'name':'<Scopes>','value':'\\\\<Scopes> and <Scopes>'},"
                                  "{'name':'outputs','value':'<Scopes.body> <settings.Scopes> <ScopesX>'}]}");
  flows_stage_set_settings (fixture->probe, settings);
  flows_flow_add_stage (test_flow, fixture->probe);
  g_assert_true (flows_library_save_app (fixture->library, fixture->app, &error));
  g_assert_no_error (error);

  fixture->with_value = add_connection (fixture, fixture->app, "Scopes", "read write");
  fixture->without_value = add_connection (fixture, fixture->app, NULL, NULL);
  fixture->other = add_connection (fixture, fixture->other_app, "Scopes", "other scopes");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->probe);
  g_clear_object (&fixture->with_value);
  g_clear_object (&fixture->without_value);
  g_clear_object (&fixture->other);
  g_clear_object (&fixture->other_app);
  g_clear_object (&fixture->app);
  test_library_remove_temp (&fixture->library, &fixture->data_dir);
}

static const char *
field_value (FlowsStage *stage,
             guint       index)
{
  JsonArray *fields = json_object_get_array_member (flows_stage_get_settings (stage), "fields");

  return json_object_get_string_member (json_array_get_object_element (fields, index), "value");
}

static const char *
field_name (FlowsStage *stage,
            guint       index)
{
  JsonArray *fields = json_object_get_array_member (flows_stage_get_settings (stage), "fields");

  return json_object_get_string_member (json_array_get_object_element (fields, index), "name");
}

/* The Step 1 stage that holds the App's settings, in @app. */
static FlowsStage *
step1_settings (FlowsApp *app)
{
  FlowsFlow *flow = flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE);
  GListModel *stages = flows_flow_get_stages (flow);

  for (guint i = 0; i < g_list_model_get_n_items (stages); i++)
    {
      g_autoptr(FlowsStage) stage = g_list_model_get_item (stages, i);

      if (g_strcmp0 (flows_stage_get_key (stage), "settings") == 0)
        return stage;
    }
  g_assert_not_reached ();
}

static FlowsStage *
find_probe (FlowsApp *app)
{
  FlowsFlow *flow = flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_CONNECTION_TEST);

  return flows_flow_find_stage (flow, "stage-probe");
}

/* What the App and the connections look like, in memory and as saved, with the key @key and
 * the references renamed or not. */
static void
assert_state (Fixture    *fixture,
              const char *key,
              gboolean    references_renamed)
{
  g_autoptr(FlowsApp) saved = test_library_load_saved (fixture->library, fixture->data_dir, fixture->app);
  g_autoptr(FlowsLibrary) reloaded = test_library_open (fixture->data_dir);
  const char *other_key = strcmp (key, "Scopes") == 0 ? "Scope" : "Scopes";
  const char *reference = references_renamed ? "<Scope>" : "<Scopes>";
  g_autofree char *probe_value = g_strdup_printf ("\\<Scopes> and %s", reference);
  FlowsApp *apps[] = { fixture->app, saved };

  for (guint i = 0; i < G_N_ELEMENTS (apps); i++)
    {
      FlowsStage *probe = find_probe (apps[i]);

      g_assert_nonnull (flows_app_find_param (apps[i], key));
      g_assert_null (flows_app_find_param (apps[i], other_key));
      g_assert_cmpstr (field_value (step1_settings (apps[i]), 1), ==, reference);
      /* A field's name is no template; a stage's output and another name stay. */
      g_assert_cmpstr (field_name (step1_settings (apps[i]), 1), ==, "Scopes");
      g_assert_cmpstr (field_name (probe, 0), ==, "<Scopes>");
      g_assert_cmpstr (field_value (probe, 0), ==, probe_value);
      g_assert_cmpstr (field_value (probe, 1), ==, "<Scopes.body> <settings.Scopes> <ScopesX>");
    }

  {
    FlowsConnection *with_value = flows_library_find_connection (reloaded, flows_connection_get_id (fixture->with_value));
    FlowsConnection *other = flows_library_find_connection (reloaded, flows_connection_get_id (fixture->other));

    g_assert_cmpstr (flows_connection_get_value (with_value, key), ==, "read write");
    g_assert_null (flows_connection_get_value (with_value, other_key));
    g_assert_cmpstr (flows_connection_get_value (other, "Scopes"), ==, "other scopes");
    g_assert_null (flows_connection_get_value (other, "Scope"));
  }
}

static void
apply (FlowsParamRename *rename,
       gboolean          update_references)
{
  g_auto(TestAsync) async = { NULL };
  g_autoptr(GError) error = NULL;

  flows_param_rename_apply_async (rename, update_references, NULL, test_async_ready, &async);
  g_assert_true (flows_param_rename_apply_finish (rename, test_async_wait (&async, WAIT_MS), &error));
  g_assert_no_error (error);
}

static void
undo (FlowsParamRename *rename)
{
  g_auto(TestAsync) async = { NULL };
  g_autoptr(GError) error = NULL;

  flows_param_rename_undo_async (rename, NULL, test_async_ready, &async);
  g_assert_true (flows_param_rename_undo_finish (rename, test_async_wait (&async, WAIT_MS), &error));
  g_assert_no_error (error);
}

static void
test_references_and_values (Fixture       *fixture,
                            gconstpointer  data)
{
  FlowsParam *param = flows_app_find_param (fixture->app, "Scopes");
  g_autoptr(FlowsParamRename) rename = flows_param_rename_new (fixture->library, fixture->app, param, "Scope");
  JsonObject *probe_before = flows_stage_get_settings (fixture->probe);
  g_auto(TestAsync) async = { NULL };
  g_autoptr(GError) error = NULL;

  /* Step 1's <Scopes> and the probe's one. */
  g_assert_cmpuint (flows_param_rename_get_n_references (rename), ==, 2);
  g_assert_cmpuint (flows_param_rename_get_n_flows (rename), ==, 2);
  g_assert_cmpstr (flows_param_rename_get_old_key (rename), ==, "Scopes");
  g_assert_cmpstr (flows_param_rename_get_new_key (rename), ==, "Scope");
  assert_state (fixture, "Scopes", FALSE);

  /* Undoing what was not applied does nothing. */
  flows_param_rename_undo_async (rename, NULL, test_async_ready, &async);
  g_assert_false (flows_param_rename_undo_finish (rename, test_async_wait (&async, WAIT_MS), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_clear_error (&error);

  apply (rename, TRUE);
  assert_state (fixture, "Scope", TRUE);

  undo (rename);
  assert_state (fixture, "Scopes", FALSE);
  /* Exactly the settings it had. */
  g_assert_true (flows_stage_get_settings (fixture->probe) == probe_before);
}

static void
test_rename_only (Fixture       *fixture,
                  gconstpointer  data)
{
  FlowsParam *param = flows_app_find_param (fixture->app, "Scopes");
  g_autoptr(FlowsParamRename) rename = flows_param_rename_new (fixture->library, fixture->app, param, "Scope");

  apply (rename, FALSE);
  assert_state (fixture, "Scope", FALSE);
  undo (rename);
  assert_state (fixture, "Scopes", FALSE);
}

/* A stage edited after the rename keeps its edit when the rename is undone. */
static void
test_undo_after_edit (Fixture       *fixture,
                      gconstpointer  data)
{
  FlowsParam *param = flows_app_find_param (fixture->app, "Scopes");
  g_autoptr(FlowsParamRename) rename = flows_param_rename_new (fixture->library, fixture->app, param, "Scope");
  g_autoptr(JsonObject) edited = NULL;

  apply (rename, TRUE);
  edited = test_parse_settings ("{'fields':[{'name':'<Scopes>','value':'\\\\<Scopes> and <Scope>'},"
                                "{'name':'outputs','value':'<Scopes.body> <settings.Scopes> <ScopesX>'},"
                                "{'name':'added','value':'<Scope>!'}]}");
  flows_stage_set_settings (fixture->probe, edited);

  undo (rename);
  assert_state (fixture, "Scopes", FALSE);
  g_assert_cmpstr (field_value (fixture->probe, 2), ==, "<Scopes>!");
}

/* A sensitive parameter's values move in the keyring: written under the new key, then gone
 * from the old one; undo moves them back. */
static void
test_keyring (Fixture       *fixture,
              gconstpointer  data)
{
  const char *app_id;
  const char *ids[2];
  FlowsParam *param;
  g_autoptr(FlowsParamRename) rename = NULL;
  g_autoptr(GError) error = NULL;

  if (!test_need_keyring ())
    return;

  app_id = flows_app_get_id (fixture->app);
  ids[0] = flows_connection_get_id (fixture->with_value);
  ids[1] = flows_connection_get_id (fixture->without_value);
  g_assert_true (flows_secrets_store_sync (app_id, ids[0], "ClientSecret", "s3cr3t-rename", NULL, &error));
  g_assert_no_error (error);
  /* Another key of the same connection stays where it is. */
  g_assert_true (flows_secrets_store_sync (app_id, ids[0], "oauth:access_token", "t0ken", NULL, &error));
  g_assert_no_error (error);

  param = flows_app_find_param (fixture->app, "ClientSecret");
  g_assert_true (flows_param_get_sensitive (param));
  rename = flows_param_rename_new (fixture->library, fixture->app, param, "AppSecret");
  apply (rename, TRUE);

  {
    g_autofree char *moved = flows_secrets_lookup_sync (app_id, ids[0], "AppSecret", NULL, &error);
    g_autofree char *old = flows_secrets_lookup_sync (app_id, ids[0], "ClientSecret", NULL, &error);
    g_autofree char *none = flows_secrets_lookup_sync (app_id, ids[1], "AppSecret", NULL, &error);
    g_autofree char *token = flows_secrets_lookup_sync (app_id, ids[0], "oauth:access_token", NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (moved, ==, "s3cr3t-rename");
    g_assert_null (old);
    g_assert_null (none);
    g_assert_cmpstr (token, ==, "t0ken");
  }
  /* Never in a file. */
  g_assert_false (test_tree_contains (fixture->data_dir, "s3cr3t-rename"));

  undo (rename);
  {
    g_autofree char *back = flows_secrets_lookup_sync (app_id, ids[0], "ClientSecret", NULL, &error);
    g_autofree char *gone = flows_secrets_lookup_sync (app_id, ids[0], "AppSecret", NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (back, ==, "s3cr3t-rename");
    g_assert_null (gone);
  }
  g_assert_nonnull (flows_app_find_param (fixture->app, "ClientSecret"));

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    test_clear_connection_secrets (app_id, ids[i]);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/param-rename/references-and-values", test_references_and_values);
  ADD ("/param-rename/rename-only", test_rename_only);
  ADD ("/param-rename/undo-after-edit", test_undo_after_edit);
  ADD ("/param-rename/keyring", test_keyring);
#undef ADD

  return g_test_run ();
}
