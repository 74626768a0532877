/* sign-in-helpers.c — the sign-in window driven through a provider's pages, and the audits */

#include "config.h"

#include <string.h>

#include "flows-flow.h"
#include "flows-oauth.h"
#include "flows-secrets.h"
#include "flows-stage.h"
#include "runner-helpers.h"
#include "sign-in-helpers.h"
#include "test-files.h"

#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

gboolean
ui_test_init (int    *argc,
              char ***argv)
{
  /* Xvfb has no DRM device: there, WebKit's DMA-BUF renderer leaves the page blank (the tests
   * still pass, the screenshot shows nothing). Shared-memory rendering shows it. */
  g_setenv ("WEBKIT_DISABLE_DMABUF_RENDERER", "1", FALSE);

  return test_ui_init (argc, argv);
}

/* The App and its connection ---------------------------------------------------------------- */

TestOAuthApp *
test_oauth_app_new_for_app (FlowsApp   *app,
                            const char *redirect_url,
                            const char *client_secret,
                            const char *first_key,
                            ...)
{
  TestOAuthApp *oauth_app = g_new0 (TestOAuthApp, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *connection_id = g_uuid_string_random ();
  g_autofree char *default_redirect = NULL;
  va_list args;

  oauth_app->library = test_library_new_temp ("flows-sign-in-XXXXXX", &oauth_app->data_dir);

  oauth_app->app = g_object_ref (app);
  if (redirect_url == NULL)
    redirect_url = default_redirect = g_strdup_printf ("http://127.0.0.1:%u/oauth/callback", test_closed_port ());
  flows_app_set_redirect_url (oauth_app->app, redirect_url);
  flows_library_add_app (oauth_app->library, oauth_app->app, &error);
  g_assert_no_error (error);

  oauth_app->connection = flows_connection_new (connection_id, flows_app_get_id (oauth_app->app), "Sign-in test connection");
  va_start (args, first_key);
  for (const char *key = first_key; key != NULL; key = va_arg (args, const char *))
    {
      const char *value = va_arg (args, const char *);

      if (value != NULL)
        flows_connection_set_value (oauth_app->connection, key, value);
    }
  va_end (args);
  flows_library_add_connection (oauth_app->library, oauth_app->connection, &error);
  g_assert_no_error (error);

  if (client_secret != NULL)
    {
      flows_secrets_store_sync (flows_app_get_id (oauth_app->app), connection_id, "ClientSecret", client_secret,
                                NULL, &error);
      g_assert_no_error (error);
    }

  oauth_app->runner = flows_runner_new ();
  oauth_app->refresher = flows_token_refresher_attach (oauth_app->runner, oauth_app->library);
  return oauth_app;
}

TestOAuthApp *
test_oauth_app_new (const char *redirect_url,
                    const char *auth_url,
                    const char *token_url,
                    const char *test_url,
                    const char *client_id,
                    const char *client_secret,
                    const char *scopes)
{
  /* The template as a developer creates it: its flows are not touched. */
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Sign-in test", FLOWS_CONNECTION_TYPE_OAUTH);

  return test_oauth_app_new_for_app (app, redirect_url, client_secret,
                                     "AuthURL", auth_url, "TokenURL", token_url, "TestURL", test_url,
                                     "ClientID", client_id, "Scopes", scopes, NULL);
}

void
test_oauth_app_free (TestOAuthApp *oauth_app)
{
  test_clear_connection_secrets (flows_app_get_id (oauth_app->app), flows_connection_get_id (oauth_app->connection));
  test_remove_tree (oauth_app->data_dir);

  g_clear_object (&oauth_app->runner);
  g_clear_object (&oauth_app->connection);
  g_clear_object (&oauth_app->app);
  g_clear_object (&oauth_app->library);
  g_free (oauth_app->data_dir);
  g_free (oauth_app);
}

FlowsStage *
test_oauth_app_stage (TestOAuthApp  *oauth_app,
                      FlowsFlowRole  role,
                      const char    *key)
{
  FlowsFlow *flow = flows_app_find_flow_by_role (oauth_app->app, role);
  FlowsStage *stage;

  g_assert_nonnull (flow);
  stage = flows_flow_find_stage_by_key (flow, key);
  g_assert_nonnull (stage);
  return stage;
}

char *
test_oauth_app_secret (TestOAuthApp *oauth_app,
                       const char   *key)
{
  g_autoptr(GError) error = NULL;
  char *secret = flows_secrets_lookup_sync (flows_app_get_id (oauth_app->app),
                                            flows_connection_get_id (oauth_app->connection),
                                            key, NULL, &error);

  g_assert_no_error (error);
  return secret;
}

FlowsConnection *
test_oauth_app_reload_connection (TestOAuthApp *oauth_app)
{
  g_autoptr(GFile) directory = g_file_new_for_path (oauth_app->data_dir);
  g_autoptr(FlowsLibrary) library = flows_library_new (directory);
  g_autoptr(GError) error = NULL;
  FlowsConnection *connection;

  flows_library_load (library, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (flows_library_get_problems (library)->len, ==, 0);
  connection = flows_library_find_connection (library, flows_connection_get_id (oauth_app->connection));
  g_assert_nonnull (connection);
  return g_object_ref (connection);
}

char *
test_oauth_app_connection_file (TestOAuthApp *oauth_app)
{
  g_autofree char *name = g_strconcat (flows_connection_get_id (oauth_app->connection), ".json", NULL);
  g_autofree char *path = g_build_filename (oauth_app->data_dir, "connections", name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

FlowsRun *
test_oauth_app_run (TestOAuthApp *oauth_app,
                    FlowsFlow    *flow,
                    GHashTable   *inputs,
                    GHashTable   *builtins)
{
  g_auto(TestAsync) async = { NULL };
  g_autoptr(GError) error = NULL;
  FlowsRun *run;

  flows_runner_run_async (oauth_app->runner, oauth_app->app, flow, inputs, oauth_app->connection, builtins,
                          NULL, test_async_ready, &async);
  run = flows_runner_run_finish (oauth_app->runner, test_async_wait (&async, SIGN_IN_TIMEOUT_MS), &error);
  g_assert_no_error (error);
  g_assert_nonnull (run);
  if (!flows_run_get_succeeded (run))
    g_test_message ("run of “%s” failed at “%s”: %s", flows_flow_get_name (flow),
                    flows_run_get_failed_stage_name (run), flows_run_get_error_message (run));
  return run;
}

gboolean
test_oauth_app_refresh (TestOAuthApp  *oauth_app,
                        GError       **error)
{
  g_auto(TestAsync) async = { NULL };
  g_autoptr(GError) own_error = NULL;
  gboolean refreshed;

  flows_token_refresher_refresh_async (oauth_app->refresher, oauth_app->app, oauth_app->connection, NULL,
                                       test_async_ready, &async);
  refreshed = flows_token_refresher_refresh_finish (oauth_app->refresher, test_async_wait (&async, SIGN_IN_TIMEOUT_MS),
                                                    &own_error);
  g_assert_true (refreshed == (own_error == NULL));
  if (own_error != NULL)
    g_propagate_error (error, g_steal_pointer (&own_error));
  return refreshed;
}

/* Callbacks -------------------------------------------------------------------------------- */

gboolean
check_callback_query (const char  *query,
                      const char  *expected_state,
                      GError     **error)
{
  g_autofree char *uri = g_strconcat ("http://127.0.0.1:8976/oauth/callback?", query, NULL);
  g_autoptr(GHashTable) fields = flows_oauth_parse_callback (uri, NULL);

  g_assert_nonnull (fields);
  return flows_oauth_check_callback (fields, expected_state, error);
}

/* The system-browser listener ---------------------------------------------------------------- */

void
listen_wait_on_done (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  ListenWait *wait = user_data;

  wait->uri = flows_redirect_listener_wait_finish (FLOWS_REDIRECT_LISTENER (source), result, &wait->error);
  wait->done = TRUE;
}

gboolean
listen_wait_done (gpointer user_data)
{
  return ((ListenWait *)user_data)->done;
}

GPtrArray *
listening_addresses (guint port)
{
  static const char * const tables[] = { "/proc/net/tcp", "/proc/net/tcp6" };
  GPtrArray *addresses = g_ptr_array_new_with_free_func (g_free);

  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      g_autofree char *contents = NULL;
      g_auto(GStrv) lines = NULL;

      if (!g_file_get_contents (tables[t], &contents, NULL, NULL))
        continue;
      lines = g_strsplit (contents, "\n", -1);
      for (guint i = 1; lines[i] != NULL; i++)
        {
          g_auto(GStrv) words = NULL;
          g_autoptr(GPtrArray) fields = g_ptr_array_new ();
          const char *local;
          const char *colon;

          words = g_strsplit_set (lines[i], " ", -1);
          for (guint w = 0; words[w] != NULL; w++)
            if (*words[w] != '\0')
              g_ptr_array_add (fields, words[w]);
          /* sl local_address rem_address st: 0A is LISTEN. */
          if (fields->len < 4 || g_strcmp0 (g_ptr_array_index (fields, 3), "0A") != 0)
            continue;
          local = g_ptr_array_index (fields, 1);
          colon = strchr (local, ':');
          if (colon != NULL && g_ascii_strtoull (colon + 1, NULL, 16) == port)
            g_ptr_array_add (addresses, g_strndup (local, colon - local));
        }
    }
  return addresses;
}

/* The window, driven ------------------------------------------------------------------------ */

void
sign_in_drive_init_sandbox (SignInDrive *drive)
{
  memset (drive, 0, sizeof *drive);
  drive->login_selector = "#username";
  drive->login_script =
    "document.getElementById('username').value = 'demo';"
    "document.getElementById('password').value = 'demo';"
    "document.getElementById('sign-in').click();"
    "'login';";
  drive->consent_selector = "#allow";
  drive->consent_script = "document.getElementById('allow').click(); 'allow';";
}

void
sign_in_drive_init_oidc (SignInDrive *drive,
                         const char  *login)
{
  static char *login_script;

  memset (drive, 0, sizeof *drive);
  /* oidc-provider's development interactions: a login form (any login and password) and a
   * consent form, each sent with its button.login-submit. */
  g_clear_pointer (&login_script, g_free);
  login_script = g_strdup_printf ("document.querySelector('input[name=login]').value = '%s';"
                                  "document.querySelector('input[name=password]').value = 'anything';"
                                  "document.querySelector('button.login-submit').click();"
                                  "'login';", login);
  drive->login_selector = "input[name=login]";
  drive->login_script = login_script;
  drive->consent_selector = "input[name=prompt][value=consent]";
  drive->consent_script = "document.querySelector('button.login-submit').click(); 'consent';";
}

void
sign_in_drive_clear (SignInDrive *drive)
{
  g_clear_object (&drive->window);
  g_clear_error (&drive->error);
  g_clear_pointer (&drive->pages, g_ptr_array_unref);
  g_clear_pointer (&drive->failed_loads, g_ptr_array_unref);
}

static void
on_action_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JSCValue) value = webkit_web_view_evaluate_javascript_finish (WEBKIT_WEB_VIEW (source), result, &error);

  /* The page may navigate away while the script runs: that is what clicking does. */
  if (value == NULL)
    g_test_message ("a page script did not finish: %s", error->message);
}

typedef struct
{
  SignInDrive *drive;
  char        *uri;
} Classify;

static void
on_classified (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Classify *classify = user_data;
  SignInDrive *drive = classify->drive;
  g_autoptr(GError) error = NULL;
  g_autoptr(JSCValue) value = webkit_web_view_evaluate_javascript_finish (WEBKIT_WEB_VIEW (source), result, &error);
  g_autofree char *kind_name = value != NULL ? jsc_value_to_string (value) : NULL;
  PageKind kind = PAGE_KIND_OTHER;
  const char *script = NULL;

  if (value == NULL)
    g_test_message ("could not look at %s: %s", classify->uri, error->message);
  else if (g_strcmp0 (kind_name, "login") == 0)
    {
      kind = PAGE_KIND_LOGIN;
      drive->n_login++;
    }
  else if (g_strcmp0 (kind_name, "consent") == 0)
    {
      kind = PAGE_KIND_CONSENT;
      drive->n_consent++;
    }
  else
    drive->n_other++;
  g_test_message ("page %s: %s", kind_name != NULL ? kind_name : "?", classify->uri);

  if (!drive->done)
    {
      /* on_page may change the scripts. */
      if (drive->on_page != NULL)
        drive->on_page (drive, kind, classify->uri, drive->on_page_data);
      script = kind == PAGE_KIND_LOGIN ? drive->login_script
             : kind == PAGE_KIND_CONSENT ? drive->consent_script
             : NULL;

      if (kind == PAGE_KIND_LOGIN && drive->close_on_login != 0 && drive->n_login >= drive->close_on_login)
        gtk_window_close (GTK_WINDOW (drive->window));
      else if (script != NULL && !drive->done && sign_in_window_is_open (drive->window))
        webkit_web_view_evaluate_javascript (drive->web_view, script, -1, NULL, NULL, NULL, on_action_done, drive);
    }

  g_free (classify->uri);
  g_free (classify);
}

static void
on_load_changed (WebKitWebView   *web_view,
                 WebKitLoadEvent  event,
                 SignInDrive     *drive)
{
  g_autofree char *script = NULL;
  Classify *classify;

  switch (event)
    {
    case WEBKIT_LOAD_STARTED:
      drive->skip_next_finish = TRUE;
      return;
    case WEBKIT_LOAD_COMMITTED:
      /* Only a committed load shows a new page: an ignored redirect finishes without one. */
      drive->skip_next_finish = FALSE;
      return;
    case WEBKIT_LOAD_REDIRECTED:
      return;
    case WEBKIT_LOAD_FINISHED:
    default:
      break;
    }

  if (drive->skip_next_finish || drive->done)
    return;
  drive->skip_next_finish = TRUE;

  g_ptr_array_add (drive->pages, g_strdup (webkit_web_view_get_uri (web_view)));
  script = g_strdup_printf ("document.querySelector(\"%s\") ? 'login' : "
                            "document.querySelector(\"%s\") ? 'consent' : 'other';",
                            drive->login_selector, drive->consent_selector);
  classify = g_new0 (Classify, 1);
  classify->drive = drive;
  classify->uri = g_strdup (webkit_web_view_get_uri (web_view));
  webkit_web_view_evaluate_javascript (web_view, script, -1, NULL, NULL, NULL, on_classified, classify);
}

static gboolean
on_load_failed (WebKitWebView   *web_view,
                WebKitLoadEvent  event,
                const char      *failing_uri,
                GError          *error,
                SignInDrive     *drive)
{
  g_ptr_array_add (drive->failed_loads, g_strdup_printf ("%s: %s", failing_uri, error->message));
  return FALSE;
}

static void
on_window_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  SignInDrive *drive = user_data;

  drive->succeeded = flows_sign_in_window_run_finish (FLOWS_SIGN_IN_WINDOW (source), result, &drive->error);
  drive->finished_us = g_get_monotonic_time ();
  drive->done = TRUE;
  g_assert_true (drive->succeeded == (drive->error == NULL));
  if (drive->error != NULL)
    g_test_message ("sign-in failed: %s", drive->error->message);
}

static gboolean
drive_done (gpointer user_data)
{
  return ((SignInDrive *)user_data)->done;
}

FlowsSignInWindow *
sign_in_drive_prepare (SignInDrive  *drive,
                       TestOAuthApp *oauth_app)
{
  g_autoptr(FlowsSignIn) sign_in = flows_sign_in_new (oauth_app->runner, oauth_app->library,
                                                      oauth_app->app, oauth_app->connection);

  drive->pages = g_ptr_array_new_with_free_func (g_free);
  drive->failed_loads = g_ptr_array_new_with_free_func (g_free);
  /* GTK owns the window; this reference keeps the object (not the window) for the checks. */
  drive->window = g_object_ref (flows_sign_in_window_new (NULL, sign_in));
  drive->web_view = flows_sign_in_window_get_web_view (drive->window);
  g_signal_connect (drive->web_view, "load-changed", G_CALLBACK (on_load_changed), drive);
  g_signal_connect (drive->web_view, "load-failed", G_CALLBACK (on_load_failed), drive);
  return drive->window;
}

void
sign_in_drive_run (SignInDrive *drive)
{
  drive->started_us = g_get_monotonic_time ();
  flows_sign_in_window_run_async (drive->window, on_window_done, drive);
  test_wait_for (drive_done, drive, SIGN_IN_TIMEOUT_MS);
}

void
sign_in_with_window (SignInDrive  *drive,
                     TestOAuthApp *oauth_app)
{
  sign_in_drive_prepare (drive, oauth_app);
  sign_in_drive_run (drive);
}

gboolean
sign_in_window_is_open (FlowsSignInWindow *window)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (item == (GObject *)window)
        return TRUE;
    }
  return FALSE;
}

const char *
sign_in_window_page (FlowsSignInWindow *window)
{
  GtkWidget *stack = test_find_widget_of_type (GTK_WIDGET (window), GTK_TYPE_STACK);

  g_assert_nonnull (stack);
  return gtk_stack_get_visible_child_name (GTK_STACK (stack));
}

const char *
sign_in_window_error_text (FlowsSignInWindow *window)
{
  GtkWidget *stack = test_find_widget_of_type (GTK_WIDGET (window), GTK_TYPE_STACK);
  GtkWidget *page;

  g_assert_nonnull (stack);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "error");
  page = gtk_stack_get_visible_child (GTK_STACK (stack));
  g_assert_true (ADW_IS_STATUS_PAGE (page));
  return adw_status_page_get_description (ADW_STATUS_PAGE (page));
}

static AdwWindowTitle *
window_title (FlowsSignInWindow *window)
{
  GtkWidget *header = test_find_widget_of_type (GTK_WIDGET (window), ADW_TYPE_HEADER_BAR);
  GtkWidget *title;

  g_assert_nonnull (header);
  title = test_find_widget_of_type (header, ADW_TYPE_WINDOW_TITLE);
  g_assert_nonnull (title);
  return ADW_WINDOW_TITLE (title);
}

const char *
sign_in_window_host (FlowsSignInWindow *window)
{
  return adw_window_title_get_title (window_title (window));
}

const char *
sign_in_window_security (FlowsSignInWindow *window)
{
  return adw_window_title_get_subtitle (window_title (window));
}

const char *
sign_in_window_security_icon (FlowsSignInWindow *window)
{
  GtkWidget *box = gtk_widget_get_parent (GTK_WIDGET (window_title (window)));
  GtkWidget *image = test_find_widget_of_type (box, GTK_TYPE_IMAGE);

  g_assert_nonnull (image);
  return gtk_image_get_icon_name (GTK_IMAGE (image));
}

void
sign_in_window_close (FlowsSignInWindow *window)
{
  if (window != NULL && sign_in_window_is_open (window))
    gtk_window_destroy (GTK_WINDOW (window));
  test_spin (50);
}

/* What the X server shows of @window (the web page included: WebKit draws it in a process of
 * its own, which a GTK snapshot of the window does not always hold), with ImageMagick. */
static gboolean
save_x11_screenshot (GtkWidget   *window,
                     const char  *path,
                     GError     **error)
{
#ifdef GDK_WINDOWING_X11
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  g_autofree char *import = g_find_program_in_path ("import");
  g_autofree char *xid = NULL;
  g_autofree char *err = NULL;
  int status;

  if (import == NULL || !GDK_IS_X11_SURFACE (surface))
    return FALSE;

  xid = g_strdup_printf ("0x%lx", (unsigned long)gdk_x11_surface_get_xid (surface));
  {
    const char *argv[] = { import, "-silent", "-window", xid, path, NULL };

    if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err, &status, error) ||
        !g_spawn_check_wait_status (status, error))
      {
        if (error != NULL && *error != NULL)
          g_prefix_error (error, "import: %s: ", err);
        return FALSE;
      }
  }
  return TRUE;
#else
  return FALSE;
#endif
}

gboolean
ui_test_save_screenshot (GtkWidget   *window,
                         const char  *path,
                         GError     **error)
{
  g_autoptr(GError) x11_error = NULL;

  if (save_x11_screenshot (window, path, &x11_error))
    return TRUE;
  if (x11_error != NULL)
    g_test_message ("no X11 screenshot (%s): a GTK snapshot instead", x11_error->message);
  return test_save_snapshot (window, path, error);
}

/* Secrets audit --------------------------------------------------------------------------- */

void
audit_text (const char         *what,
            const char         *text,
            const char * const *secrets)
{
  if (text == NULL)
    return;

  for (guint i = 0; secrets[i] != NULL; i++)
    {
      g_autofree char *percent = g_uri_escape_string (secrets[i], NULL, FALSE);
      g_autofree char *escaped = g_strescape (secrets[i], NULL);

      g_assert_cmpuint (strlen (secrets[i]), >=, 8);
      if (strstr (text, secrets[i]) != NULL || strstr (text, percent) != NULL || strstr (text, escaped) != NULL)
        g_error ("secret #%u (%zu bytes) appears in %s", i, strlen (secrets[i]), what);
    }
}

typedef struct
{
  const char * const *secrets;
} TreeAudit;

static void
audit_file (const char *path,
            const char *contents,
            gsize       length,
            gpointer    user_data)
{
  TreeAudit *audit = user_data;
  g_autofree char *text = g_memdup2 (contents, length + 1);

  /* Binary files too: NULs end no search that matters here. */
  for (gsize i = 0; i < length; i++)
    if (text[i] == '\0')
      text[i] = ' ';
  audit_text (path, text, audit->secrets);
}

guint
audit_directory (const char         *directory,
                 const char * const *secrets)
{
  TreeAudit audit = { secrets };

  return test_tree_foreach_file (directory, audit_file, &audit);
}

void
audit_run (FlowsRun           *run,
           const char * const *secrets)
{
  g_autoptr(JsonNode) json = flows_run_to_json (run);
  g_autofree char *text = json_to_string (json, FALSE);
  g_autofree char *what = g_strdup_printf ("the trace of “%s”", flows_run_get_flow_name (run));

  audit_text (what, text, secrets);
  audit_text ("a run's error message", flows_run_get_error_message (run), secrets);
}
