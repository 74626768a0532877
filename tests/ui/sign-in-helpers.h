/* sign-in-helpers.h — what the OAuth sign-in tests share: an App from the unchanged OAuth
 * template in a library of its own, the real sign-in window driven through the provider's pages
 * with JavaScript, and the secrets audit.
 */
#pragma once

#include <adwaita.h>
#include <webkit/webkit.h>

#include "flows-app-templates.h"
#include "flows-library.h"
#include "flows-redirect-listener.h"
#include "flows-runner.h"
#include "flows-sign-in-window.h"
#include "flows-token-refresher.h"
#include "flows-sign-in.h"
#include "test-session.h"
#include "test-ui.h"

G_BEGIN_DECLS

/* No single sign-in should take this long; a hang fails instead of blocking. */
#define SIGN_IN_TIMEOUT_MS 60000

/* test_ui_init() with WebKit set up for Xvfb. Returns whether there is a display. */
gboolean     ui_test_init            (int          *argc,
                                      char       ***argv);

/* An OAuth App from the unchanged template and one connection, saved in a library in a new
 * temporary data directory. */
typedef struct
{
  char            *data_dir;
  FlowsLibrary    *library;
  FlowsApp        *app;
  FlowsConnection *connection;
  FlowsRunner     *runner;
  /* The runner's token source (owned by the runner). */
  FlowsTokenRefresher *refresher;
} TestOAuthApp;

/* @redirect_url NULL: a loopback URL on a port where nothing listens. The client secret goes
 * into the keyring (when not NULL). */
TestOAuthApp *test_oauth_app_new     (const char   *redirect_url,
                                      const char   *auth_url,
                                      const char   *token_url,
                                      const char   *test_url,
                                      const char   *client_id,
                                      const char   *client_secret,
                                      const char   *scopes);
/* The same for @app as it is (its redirect URL set to @redirect_url), with a connection whose
 * values are the NULL-terminated key, value pairs (a NULL value is left out). */
TestOAuthApp *test_oauth_app_new_for_app (FlowsApp   *app,
                                          const char *redirect_url,
                                          const char *client_secret,
                                          const char *first_key,
                                          ...) G_GNUC_NULL_TERMINATED;
/* Clears the connection's secrets and removes the data directory. */
void          test_oauth_app_free    (TestOAuthApp *oauth_app);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestOAuthApp, test_oauth_app_free)

/* The stage with @key of the flow of @role. */
FlowsStage   *test_oauth_app_stage   (TestOAuthApp *oauth_app,
                                      FlowsFlowRole role,
                                      const char   *key);
/* A keyring value of the connection (NULL when none); free with g_free(). */
char         *test_oauth_app_secret  (TestOAuthApp *oauth_app,
                                      const char   *key);
/* The connection as its file says, loaded by a new library from the data directory. */
FlowsConnection *test_oauth_app_reload_connection (TestOAuthApp *oauth_app);
/* The bytes of the connection's file. */
char         *test_oauth_app_connection_file (TestOAuthApp *oauth_app);

/* Runs @flow with the connection and waits for it; asserts the run happened. */
FlowsRun     *test_oauth_app_run     (TestOAuthApp *oauth_app,
                                      FlowsFlow    *flow,
                                      GHashTable   *inputs,
                                      GHashTable   *builtins);
/* flows_token_refresher_refresh_async() and wait; returns its result. */
gboolean      test_oauth_app_refresh (TestOAuthApp *oauth_app,
                                      GError      **error);

/* Parses the callback http://127.0.0.1:8976/oauth/callback?@query and checks it against
 * @expected_state (flows_oauth_check_callback()). */
gboolean      check_callback_query   (const char   *query,
                                      const char   *expected_state,
                                      GError      **error);

/* The system-browser listener: what flows_redirect_listener_wait_async() gave, filled by
 * listen_wait_on_done(); listen_wait_done() says when, for test_wait_for(). */
typedef struct
{
  gboolean  done;
  char     *uri;
  GError   *error;
} ListenWait;

void          listen_wait_on_done    (GObject      *source,
                                      GAsyncResult *result,
                                      gpointer      user_data);
gboolean      listen_wait_done       (gpointer      user_data);
/* The local addresses of the TCP sockets listening on @port, from /proc/net/tcp{,6}, as the
 * kernel writes them ("0100007F" for 127.0.0.1). */
GPtrArray    *listening_addresses    (guint         port);

/* The sign-in window, driven --------------------------------------------------------------- */

typedef enum {
  PAGE_KIND_OTHER,
  PAGE_KIND_LOGIN,
  PAGE_KIND_CONSENT,
} PageKind;

typedef struct _SignInDrive SignInDrive;

/* Called once per page the web view finished loading (not for loads that failed). */
typedef void (*SignInPageFunc) (SignInDrive *drive,
                                PageKind     kind,
                                const char   *uri,
                                gpointer     user_data);

struct _SignInDrive
{
  /* In: which pages, how to fill them. login_script / consent_script are JavaScript run on a
   * page that matches login_selector / consent_selector; they must return a string. */
  const char        *login_selector;
  const char        *login_script;
  const char        *consent_selector;
  const char        *consent_script;
  SignInPageFunc     on_page;
  gpointer           on_page_data;
  /* Close the window once this many login pages were seen (0: never). */
  guint              close_on_login;

  /* Out. */
  FlowsSignInWindow *window;          /* a reference; the window may be destroyed */
  WebKitWebView     *web_view;
  gboolean           done;
  gboolean           succeeded;
  GError            *error;
  guint              n_login;
  guint              n_consent;
  guint              n_other;
  GPtrArray         *pages;           /* URIs of finished loads */
  GPtrArray         *failed_loads;    /* "URI: message" of failed loads */
  gint64             started_us;
  gint64             finished_us;
  gboolean           skip_next_finish;
};

/* The sandbox provider's pages: user demo/demo, then Allow. */
void          sign_in_drive_init_sandbox (SignInDrive *drive);
/* oidc-provider's development pages: any login, then the consent form. */
void          sign_in_drive_init_oidc    (SignInDrive *drive,
                                          const char  *login);
void          sign_in_drive_clear        (SignInDrive *drive);

/* Creates the window (available in drive->window once this returns) without running it. */
FlowsSignInWindow *sign_in_drive_prepare (SignInDrive  *drive,
                                          TestOAuthApp *oauth_app);
/* Runs the prepared window and waits for it to finish. */
void          sign_in_drive_run          (SignInDrive  *drive);
/* Both, for @oauth_app (the sign-in saves the connection through its library). */
void          sign_in_with_window        (SignInDrive  *drive,
                                          TestOAuthApp *oauth_app);

/* Whether the window is still on screen (not destroyed). */
gboolean      sign_in_window_is_open     (FlowsSignInWindow *window);
/* The name of the visible page of the window's stack ("starting", "web", "finishing", "error"). */
const char   *sign_in_window_page        (FlowsSignInWindow *window);
/* The explanation on the window's error page. */
const char   *sign_in_window_error_text  (FlowsSignInWindow *window);
/* The header's title (the host) and subtitle (the TLS state) and its icon. */
const char   *sign_in_window_host        (FlowsSignInWindow *window);
const char   *sign_in_window_security    (FlowsSignInWindow *window);
const char   *sign_in_window_security_icon (FlowsSignInWindow *window);
/* Destroys the window when still open and lets everything settle. */
void          sign_in_window_close       (FlowsSignInWindow *window);

/* Saves what @window shows (the web page included) as a PNG. */
gboolean      ui_test_save_screenshot    (GtkWidget   *window,
                                          const char  *path,
                                          GError     **error);

/* Secrets audit --------------------------------------------------------------------------- */

/* Asserts that no file under @directory contains any of the NULL-terminated @secrets (as is,
 * percent-encoded or JSON-escaped). Returns the number of files read. */
guint         audit_directory            (const char  *directory,
                                          const char * const *secrets);
/* The same for a text (a trace, a message). */
void          audit_text                 (const char  *what,
                                          const char  *text,
                                          const char * const *secrets);
/* The same for flows_run_to_json() of @run and its error message. */
void          audit_run                  (FlowsRun    *run,
                                          const char * const *secrets);

G_END_DECLS
