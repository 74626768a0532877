/* test-secrets.c — the Secret Service store against a real GNOME Keyring.
 *
 * build-aux/test (through build-aux/session) runs the tests inside a private D-Bus session with
 * a disposable, unlocked gnome-keyring-daemon and sets FLOWS_TEST_SECRET_SERVICE=1. Without it
 * the tests that need that keyring skip, so that `meson test` on a desktop never writes into
 * the user's own login keyring. Every test uses its own App and connection ids.
 *
 * The error tests need no session keyring: each runs a child process on a bus of its own, one
 * without a Secret Service, no bus at all, or one with a private keyring that gets locked.
 */
#include "config.h"

#include <string.h>

#include "flows-secrets.h"
#include "test-files.h"
#include "test-session.h"

typedef struct {
  char *app_id;
  char *connection_id;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autofree char *app_uuid = g_uuid_string_random ();

  fixture->app_id = g_strconcat ("io.github.flowsstudio.Test-", app_uuid, NULL);
  fixture->connection_id = g_uuid_string_random ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  /* Leave nothing in the keyring that the other tests share. */
  if (test_have_keyring ())
    {
      flows_secrets_clear_connection_sync (fixture->app_id, fixture->connection_id, NULL, &error);
      g_assert_no_error (error);
    }

  g_free (fixture->app_id);
  g_free (fixture->connection_id);
}

static void
assert_stored (const char *app_id,
               const char *connection_id,
               const char *key,
               const char *expected)
{
  g_autoptr(GError) error = NULL;
  char *secret;

  secret = flows_secrets_lookup_sync (app_id, connection_id, key, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, expected);
  flows_secrets_free (secret);
}

static void
store (const char *app_id,
       const char *connection_id,
       const char *key,
       const char *value)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = flows_secrets_store_sync (app_id, connection_id, key, value, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
}

/* The items stored for these attributes, found directly through libsecret. */
static GList *
search_items (const char *app_id,
              const char *connection_id,
              const char *key)
{
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  GList *items;

  g_hash_table_insert (attributes, "app", (char *) app_id);
  g_hash_table_insert (attributes, "connection", (char *) connection_id);
  if (key != NULL)
    g_hash_table_insert (attributes, "key", (char *) key);

  items = secret_password_searchv_sync (flows_secrets_get_schema (), attributes,
                                        SECRET_SEARCH_ALL, NULL, &error);
  g_assert_no_error (error);
  return items;
}

static void
test_schema (void)
{
  const SecretSchema *schema = flows_secrets_get_schema ();

  g_assert_cmpstr (schema->name, ==, "io.github.flowsstudio.FlowsStudio.Secret");
  g_assert_cmpstr (schema->attributes[0].name, ==, "app");
  g_assert_cmpint (schema->attributes[0].type, ==, SECRET_SCHEMA_ATTRIBUTE_STRING);
  g_assert_cmpstr (schema->attributes[1].name, ==, "connection");
  g_assert_cmpint (schema->attributes[1].type, ==, SECRET_SCHEMA_ATTRIBUTE_STRING);
  g_assert_cmpstr (schema->attributes[2].name, ==, "key");
  g_assert_cmpint (schema->attributes[2].type, ==, SECRET_SCHEMA_ATTRIBUTE_STRING);
  g_assert_null (schema->attributes[3].name);
  g_assert_true (flows_secrets_get_schema () == schema);
}

static void
test_store_lookup (Fixture       *fixture,
                   gconstpointer  user_data)
{
  if (!test_need_keyring ())
    return;

  store (fixture->app_id, fixture->connection_id, "api_key", "k-123456");
  assert_stored (fixture->app_id, fixture->connection_id, "api_key", "k-123456");

  /* Every attribute takes part in the match. */
  assert_stored (fixture->app_id, fixture->connection_id, "api_key2", NULL);
  assert_stored ("io.github.flowsstudio.SomeOtherApp", fixture->connection_id, "api_key", NULL);
}

static void
test_label_and_attributes (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autolist(GObject) items = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autofree char *label = NULL;
  g_autofree char *expected = NULL;

  if (!test_need_keyring ())
    return;

  store (fixture->app_id, fixture->connection_id, "oauth:access_token", "at-1");

  items = search_items (fixture->app_id, fixture->connection_id, "oauth:access_token");
  g_assert_cmpuint (g_list_length (items), ==, 1);

  label = secret_retrievable_get_label (items->data);
  expected = g_strdup_printf ("Flows Studio: oauth:access_token for connection %s",
                              fixture->connection_id);
  g_assert_cmpstr (label, ==, expected);

  attributes = secret_retrievable_get_attributes (items->data);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "app"), ==, fixture->app_id);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "connection"), ==, fixture->connection_id);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "key"), ==, "oauth:access_token");
  g_assert_cmpstr (g_hash_table_lookup (attributes, "xdg:schema"), ==,
                   "io.github.flowsstudio.FlowsStudio.Secret");
}

static void
test_overwrite (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autolist(GObject) items = NULL;

  if (!test_need_keyring ())
    return;

  store (fixture->app_id, fixture->connection_id, "oauth:refresh_token", "first");
  store (fixture->app_id, fixture->connection_id, "oauth:refresh_token", "second");
  assert_stored (fixture->app_id, fixture->connection_id, "oauth:refresh_token", "second");

  /* Replaced, not stored twice. */
  items = search_items (fixture->app_id, fixture->connection_id, "oauth:refresh_token");
  g_assert_cmpuint (g_list_length (items), ==, 1);
}

static void
test_lookup_missing (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  char *secret;

  if (!test_need_keyring ())
    return;

  secret = flows_secrets_lookup_sync (fixture->app_id, fixture->connection_id, "never_stored",
                                      NULL, &error);
  g_assert_no_error (error);
  g_assert_null (secret);
}

static void
test_clear (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (!test_need_keyring ())
    return;

  store (fixture->app_id, fixture->connection_id, "client_secret", "cs");
  store (fixture->app_id, fixture->connection_id, "api_key", "ak");

  ok = flows_secrets_clear_sync (fixture->app_id, fixture->connection_id, "client_secret",
                                 NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  assert_stored (fixture->app_id, fixture->connection_id, "client_secret", NULL);
  assert_stored (fixture->app_id, fixture->connection_id, "api_key", "ak");

  /* Clearing what is not stored (any more) is not an error. */
  ok = flows_secrets_clear_sync (fixture->app_id, fixture->connection_id, "client_secret",
                                 NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  ok = flows_secrets_clear_connection_sync (fixture->app_id, "no-such-connection", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
}

static void
test_clear_connection (Fixture       *fixture,
                       gconstpointer  user_data)
{
  static const char *keys[] = { "api_key", "client_secret", "oauth:access_token",
                                "oauth:refresh_token" };
  g_autofree char *other_connection = g_uuid_string_random ();
  g_autofree char *other_app_uuid = g_uuid_string_random ();
  g_autofree char *other_app = g_strconcat ("io.github.flowsstudio.Test-", other_app_uuid, NULL);
  g_autolist(GObject) items = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (!test_need_keyring ())
    return;

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    store (fixture->app_id, fixture->connection_id, keys[i], keys[i]);
  store (fixture->app_id, other_connection, "api_key", "other connection");
  /* The same connection id under another App is another connection. */
  store (other_app, fixture->connection_id, "api_key", "other app");

  ok = flows_secrets_clear_connection_sync (fixture->app_id, fixture->connection_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    assert_stored (fixture->app_id, fixture->connection_id, keys[i], NULL);
  items = search_items (fixture->app_id, fixture->connection_id, NULL);
  g_assert_null (items);

  assert_stored (fixture->app_id, other_connection, "api_key", "other connection");
  assert_stored (other_app, fixture->connection_id, "api_key", "other app");

  flows_secrets_clear_connection_sync (fixture->app_id, other_connection, NULL, &error);
  g_assert_no_error (error);
  flows_secrets_clear_connection_sync (other_app, fixture->connection_id, NULL, &error);
  g_assert_no_error (error);
}

static void
test_non_ascii (Fixture       *fixture,
                gconstpointer  user_data)
{
  const char *value = "Grüße, ключ, 秘密, 🔑 — \"quoted\" <ref> & a\ttab\nand a new line";

  if (!test_need_keyring ())
    return;

  store (fixture->app_id, fixture->connection_id, "pass_phrase", value);
  assert_stored (fixture->app_id, fixture->connection_id, "pass_phrase", value);
}

static void
test_large (Fixture       *fixture,
            gconstpointer  user_data)
{
  const gsize size = 64 * 1024;
  g_autofree char *value = g_malloc (size + 1);

  if (!test_need_keyring ())
    return;

  /* Varied printable text, so that a truncation or shift anywhere shows. */
  for (gsize i = 0; i < size; i++)
    value[i] = 0x21 + (char) ((i * 7 + i / 94) % 94);
  value[size] = '\0';

  store (fixture->app_id, fixture->connection_id, "certificate", value);
  assert_stored (fixture->app_id, fixture->connection_id, "certificate", value);
}

/* Async tests: a main loop that runs until the callback has stored its result. */

typedef struct {
  GMainLoop    *loop;
  GAsyncResult *result;
} Wait;

static void
on_ready (GObject      *source_object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Wait *wait = user_data;

  g_assert_null (source_object);
  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static GAsyncResult *
wait_for_result (Wait *wait)
{
  g_main_loop_run (wait->loop);
  g_assert_nonnull (wait->result);
  return g_steal_pointer (&wait->result);
}

static void
test_async (Fixture       *fixture,
            gconstpointer  user_data)
{
  Wait wait = { NULL, NULL };
  g_autoptr(GError) error = NULL;
  GAsyncResult *result;
  gboolean ok;
  char *secret;

  if (!test_need_keyring ())
    return;

  wait.loop = g_main_loop_new (NULL, FALSE);

  flows_secrets_store_async (fixture->app_id, fixture->connection_id, "oauth:access_token",
                             "async-access", NULL, on_ready, &wait);
  result = wait_for_result (&wait);
  ok = flows_secrets_store_finish (result, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_object_unref (result);

  flows_secrets_store_async (fixture->app_id, fixture->connection_id, "oauth:refresh_token",
                             "async-refresh", NULL, on_ready, &wait);
  result = wait_for_result (&wait);
  ok = flows_secrets_store_finish (result, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_object_unref (result);

  flows_secrets_lookup_async (fixture->app_id, fixture->connection_id, "oauth:access_token",
                              NULL, on_ready, &wait);
  result = wait_for_result (&wait);
  secret = flows_secrets_lookup_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "async-access");
  flows_secrets_free (secret);
  g_object_unref (result);

  flows_secrets_lookup_async (fixture->app_id, fixture->connection_id, "missing",
                              NULL, on_ready, &wait);
  result = wait_for_result (&wait);
  secret = flows_secrets_lookup_finish (result, &error);
  g_assert_no_error (error);
  g_assert_null (secret);
  g_object_unref (result);

  flows_secrets_clear_async (fixture->app_id, fixture->connection_id, "oauth:access_token",
                             NULL, on_ready, &wait);
  result = wait_for_result (&wait);
  ok = flows_secrets_clear_finish (result, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_object_unref (result);
  assert_stored (fixture->app_id, fixture->connection_id, "oauth:access_token", NULL);
  assert_stored (fixture->app_id, fixture->connection_id, "oauth:refresh_token", "async-refresh");

  flows_secrets_clear_connection_async (fixture->app_id, fixture->connection_id,
                                        NULL, on_ready, &wait);
  result = wait_for_result (&wait);
  ok = flows_secrets_clear_connection_finish (result, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_object_unref (result);
  assert_stored (fixture->app_id, fixture->connection_id, "oauth:refresh_token", NULL);

  g_main_loop_unref (wait.loop);
}

static void
test_cancelled (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Wait wait = { NULL, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  gboolean ok;

  if (!test_need_keyring ())
    return;

  /* Cancellation is reported as such, not as a keyring failure. */
  wait.loop = g_main_loop_new (NULL, FALSE);
  g_cancellable_cancel (cancellable);
  flows_secrets_store_async (fixture->app_id, fixture->connection_id, "api_key", "never",
                             cancellable, on_ready, &wait);
  result = wait_for_result (&wait);
  ok = flows_secrets_store_finish (result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (ok);
  g_main_loop_unref (wait.loop);
}

/* Error cases run in a child process (this program, running just that test, with
 * FLOWS_TEST_CHILD=1) whose DBUS_SESSION_BUS_ADDRESS points at a bus set up for the case: a bus
 * without a Secret Service, no bus at all, or a bus with a keyring of its own that gets locked.
 * A launcher gives the child its environment, so this process never changes its own. */

/* Runs the current test in a child on the bus at @bus_address and returns what it printed. */
static char *
run_child (const char *bus_address)
{
  g_autofree char *variable = g_strconcat ("DBUS_SESSION_BUS_ADDRESS=", bus_address, NULL);
  const char *env[] = { variable, NULL };

  return test_run_child (env);
}

static void
assert_unavailable (const GError *error,
                    const char   *secret_value)
{
  g_assert_error (error, FLOWS_SECRETS_ERROR, FLOWS_SECRETS_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "Secret Service"));
  g_assert_nonnull (strstr (error->message, "GNOME Keyring"));
  g_assert_null (strstr (error->message, secret_value));
}

static void
check_unavailable_in_child (void)
{
  const char *value = "do-not-print-this-secret";
  g_autoptr(GError) error = NULL;
  Wait wait = { NULL, NULL };
  g_autoptr(GAsyncResult) result = NULL;
  char *secret;

  g_assert_false (flows_secrets_store_sync ("io.github.flowsstudio.Test", "c1", "api_key",
                                            value, NULL, &error));
  assert_unavailable (error, value);
  g_assert_nonnull (strstr (error->message, "not saved"));
  /* The parent checks what a person would read. */
  g_print ("store: %s\n", error->message);
  g_clear_error (&error);

  secret = flows_secrets_lookup_sync ("io.github.flowsstudio.Test", "c1", "api_key",
                                      NULL, &error);
  g_assert_null (secret);
  assert_unavailable (error, value);
  g_print ("lookup: %s\n", error->message);
  g_clear_error (&error);

  g_assert_false (flows_secrets_clear_sync ("io.github.flowsstudio.Test", "c1", "api_key",
                                            NULL, &error));
  assert_unavailable (error, value);
  g_clear_error (&error);

  g_assert_false (flows_secrets_clear_connection_sync ("io.github.flowsstudio.Test", "c1",
                                                       NULL, &error));
  assert_unavailable (error, value);
  g_clear_error (&error);

  wait.loop = g_main_loop_new (NULL, FALSE);
  flows_secrets_store_async ("io.github.flowsstudio.Test", "c1", "api_key", value,
                             NULL, on_ready, &wait);
  result = wait_for_result (&wait);
  g_assert_false (flows_secrets_store_finish (result, &error));
  assert_unavailable (error, value);
  g_assert_nonnull (strstr (error->message, "not saved"));
  g_main_loop_unref (wait.loop);

  g_print ("child-done\n");
}

static void
assert_unavailable_output (const char *output)
{
  g_assert_true (g_pattern_match_simple ("*store: *was not saved*Secret Service*GNOME Keyring*",
                                         output));
  g_assert_null (strstr (output, "do-not-print-this-secret"));
}

/* A session bus where org.freedesktop.secrets has no owner and cannot be activated. */
static void
test_unavailable_no_service (void)
{
  static const char * const programs[] = { "dbus-daemon", NULL };
  g_autofree char *dir = NULL;
  g_autofree char *address = NULL;
  g_autofree char *output = NULL;
  g_autoptr(GSubprocess) bus = NULL;

  if (test_is_child ())
    {
      check_unavailable_in_child ();
      return;
    }

  if (!test_need_programs (programs))
    return;

  dir = test_make_temp_dir ("flows-test-bus-XXXXXX");
  bus = test_start_bus (dir, &address);

  output = run_child (address);
  assert_unavailable_output (output);

  test_stop_process (bus);
  test_remove_tree (dir);
}

/* No session bus at all: its socket does not exist. */
static void
test_unavailable_no_bus (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *address = NULL;
  g_autofree char *output = NULL;

  if (test_is_child ())
    {
      check_unavailable_in_child ();
      return;
    }

  dir = test_make_temp_dir ("flows-test-nobus-XXXXXX");
  address = g_strdup_printf ("unix:path=%s/no-such-socket", dir);

  output = run_child (address);
  assert_unavailable_output (output);

  test_remove_tree (dir);
}

static void
assert_locked (const GError *error)
{
  g_assert_error (error, FLOWS_SECRETS_ERROR, FLOWS_SECRETS_ERROR_LOCKED);
  g_assert_nonnull (strstr (error->message, "locked"));
  g_assert_null (strstr (error->message, "locked-value"));
}

static void
check_locked_in_child (void)
{
  const char *app = "io.github.flowsstudio.Test";
  g_autoptr(GError) error = NULL;
  Wait wait = { NULL, NULL };
  GAsyncResult *result;
  char *secret;

  store (app, "c1", "api_key", "locked-value");
  store (app, "c1", "oauth:access_token", "locked-value");
  test_lock_default_keyring ();

  /* A locked value is not "not stored". */
  secret = flows_secrets_lookup_sync (app, "c1", "api_key", NULL, &error);
  g_assert_null (secret);
  assert_locked (error);
  g_print ("lookup: %s\n", error->message);
  g_clear_error (&error);

  g_assert_false (flows_secrets_store_sync (app, "c1", "api_key", "locked-value", NULL, &error));
  assert_locked (error);
  g_print ("store: %s\n", error->message);
  g_clear_error (&error);

  /* Nothing removed is not "removed". */
  g_assert_false (flows_secrets_clear_sync (app, "c1", "api_key", NULL, &error));
  assert_locked (error);
  g_clear_error (&error);
  g_assert_false (flows_secrets_clear_connection_sync (app, "c1", NULL, &error));
  assert_locked (error);
  g_print ("clear-connection: %s\n", error->message);
  g_clear_error (&error);

  /* What was never stored is still just not stored. */
  secret = flows_secrets_lookup_sync (app, "c1", "never_stored", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (secret);
  g_assert_true (flows_secrets_clear_sync (app, "c2", "api_key", NULL, &error));
  g_assert_no_error (error);

  wait.loop = g_main_loop_new (NULL, FALSE);

  flows_secrets_lookup_async (app, "c1", "oauth:access_token", NULL, on_ready, &wait);
  result = wait_for_result (&wait);
  secret = flows_secrets_lookup_finish (result, &error);
  g_assert_null (secret);
  assert_locked (error);
  g_clear_error (&error);
  g_object_unref (result);

  flows_secrets_store_async (app, "c1", "oauth:access_token", "locked-value",
                             NULL, on_ready, &wait);
  result = wait_for_result (&wait);
  g_assert_false (flows_secrets_store_finish (result, &error));
  assert_locked (error);
  g_clear_error (&error);
  g_object_unref (result);

  flows_secrets_clear_connection_async (app, "c1", NULL, on_ready, &wait);
  result = wait_for_result (&wait);
  g_assert_false (flows_secrets_clear_connection_finish (result, &error));
  assert_locked (error);
  g_clear_error (&error);
  g_object_unref (result);

  flows_secrets_lookup_async (app, "c1", "never_stored", NULL, on_ready, &wait);
  result = wait_for_result (&wait);
  secret = flows_secrets_lookup_finish (result, &error);
  g_assert_no_error (error);
  g_assert_null (secret);
  g_object_unref (result);

  g_main_loop_unref (wait.loop);
  g_print ("child-done\n");
}

/* A keyring of its own on a private bus, locked by the child after storing. */
static void
test_locked (void)
{
  static const char * const programs[] = { "dbus-daemon", "gnome-keyring-daemon", NULL };
  g_autofree char *dir = NULL;
  g_autofree char *address = NULL;
  g_autofree char *output = NULL;
  g_autoptr(GSubprocess) bus = NULL;
  g_autoptr(GSubprocess) keyring = NULL;

  if (test_is_child ())
    {
      check_locked_in_child ();
      return;
    }

  if (!test_need_programs (programs))
    return;

  dir = test_make_temp_dir ("flows-test-locked-XXXXXX");
  bus = test_start_bus (dir, &address);
  keyring = test_start_keyring (dir, address);

  output = run_child (address);
  g_assert_true (g_pattern_match_simple ("*lookup: *could not be read*locked*", output));
  g_assert_true (g_pattern_match_simple ("*store: *was not saved*locked*", output));
  g_assert_null (strstr (output, "locked-value"));

  test_stop_process (keyring);
  test_stop_process (bus);
  test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/secrets/schema", test_schema);
  g_test_add_func ("/secrets/unavailable/no-service", test_unavailable_no_service);
  g_test_add_func ("/secrets/unavailable/no-bus", test_unavailable_no_bus);
  g_test_add_func ("/secrets/locked", test_locked);
#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/secrets/store-lookup", test_store_lookup);
  ADD ("/secrets/label-and-attributes", test_label_and_attributes);
  ADD ("/secrets/overwrite", test_overwrite);
  ADD ("/secrets/lookup-missing", test_lookup_missing);
  ADD ("/secrets/clear", test_clear);
  ADD ("/secrets/clear-connection", test_clear_connection);
  ADD ("/secrets/non-ascii", test_non_ascii);
  ADD ("/secrets/large", test_large);
  ADD ("/secrets/async", test_async);
  ADD ("/secrets/cancelled", test_cancelled);
#undef ADD

  return g_test_run ();
}
