/* bench-growth.c — memory over a working day: what opening and closing costs for good
 *
 * Under the X server of build-aux/session:
 *   - the flow editor on a flow of 200 stages (its view full of cards) opened and closed 200
 *     times, the way the Flows page does it (one editor, the flow shown and left), and 200 times
 *     more with a new editor each time (the editor made and destroyed, as with each window);
 *   - the OAuth sign-in window opened on a loopback page and closed by the user, 20 times, with
 *     the WebKit processes it starts (WebKitWebProcess, WebKitNetworkProcess: children of this
 *     process, read from /proc) counted while it is open and after it closed.
 *
 * How the growth is measured: the resident memory of the process (Rss of /proc/self/smaps_rollup)
 * after a warm-up of a few opens (caches filled: fonts, icons, style, the type system, WebKit's
 * libraries loaded), then after the opens counted. Before each reading the main loop is drained
 * (frames drawn, idles run, what was closed finalized) and malloc_trim(0) gives the allocator's
 * free pages back, so that what remains is memory still held, not free memory glibc kept. The
 * editors, canvases, sign-in windows, web views, web contexts and network sessions made are
 * watched with weak references, and those never finalized are counted: a leak of them shows
 * there whatever the allocator does. (GObject's own instance counts need a GLib built with debugging,
 * which Debian's is not.)
 *
 * "bench-growth editor" or "bench-growth sign-in" measures one part alone.
 *
 * Prints "editor-reopen-growth-kb: N" (the Flows page's way; target ≤ 5,000),
 * "editor-recreate-growth-kb: N", "signin-reopen-growth-kb: N" and
 * "signin-webkit-processes-after-close: N" (waiting up to 30 s for them to end; with the most
 * there were just after a window closed, which shows whether they pile up).
 */

#include "config.h"

#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include <adwaita.h>

#include "flows-app-templates.h"
#include "flows-flow-editor.h"
#include "flows-runner.h"
#include "flows-secrets.h"
#include "flows-sign-in-window.h"
#include "flows-stage-card.h"
#include "runner-helpers.h"
#include "test-files.h"
#include "test-processes.h"
#include "test-session.h"
#include "test-ui-host.h"
#include "test-ui.h"
#include "test-wait.h"

#define N_STAGES          200
#define N_EDITOR_OPENS    200
#define N_SIGN_INS        20
#define N_WARM_UP         5
#define N_SIGN_IN_WARM_UP 2
#define TIMEOUT_MS        60000
/* How long WebKit is given to end its processes once the last window closed. */
#define WEBKIT_EXIT_WAIT_MS 30000

/* Memory ---------------------------------------------------------------------------------------- */

static long
rss_kb (void)
{
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/smaps_rollup", &text, NULL, NULL) || (line = strstr (text, "\nRss:")) == NULL)
    g_error ("no Rss in /proc/self/smaps_rollup");
  return strtol (line + strlen ("\nRss:"), NULL, 10);
}

/* What is still held: the main loop drained (what was closed is finalized), the allocator's free
 * pages given back. */
static long
settled_rss_kb (void)
{
  test_wait_idle ();
  test_spin (200);
  test_wait_idle ();
  malloc_trim (0);
  return rss_kb ();
}

/* Objects that should be gone once what made them closed: counted alive through weak
 * references, whatever the allocator does with their memory. */
static guint n_alive;

static void
on_finalized (gpointer  data,
              GObject  *where_the_object_was)
{
  n_alive--;
}

static void
watch (gpointer object)
{
  n_alive++;
  g_object_weak_ref (object, on_finalized, NULL);
}

/* Frames ---------------------------------------------------------------------------------------- */

static gboolean
count_frame_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  (*(guint *) user_data)++;
  return G_SOURCE_CONTINUE;
}

/* Until @widget's window has drawn two frames: what was shown is laid out and painted. */
static void
wait_frames (GtkWidget *widget)
{
  guint frames = 0;
  guint tick = gtk_widget_add_tick_callback (widget, count_frame_cb, &frames, NULL);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (frames < 2 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  gtk_widget_remove_tick_callback (widget, tick);
  test_wait_idle ();
}

/* The editor ------------------------------------------------------------------------------------ */

/* A chain of 200 stages in columns of 20 from the Trigger of the App's Connection Test, each
 * Call API's fail route jumping ahead: a view of the flow at 100 % is full of cards and routes. */
static FlowsFlow *
make_large_flow (FlowsApp *app)
{
  FlowsFlow *flow = flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_CONNECTION_TEST);
  GListModel *stages = flows_flow_get_stages (flow);

  test_flow_make_chain (flow, N_STAGES, 20, "http://127.0.0.1:9/");
  for (guint i = 4; i < N_STAGES - 1; i++)
    {
      g_autoptr(FlowsStage) stage = g_list_model_get_item (stages, i);
      g_autoptr(FlowsStage) back = g_list_model_get_item (stages, i - 2);

      if (flows_stage_get_stage_type (stage) == FLOWS_STAGE_TYPE_CALL_API)
        flows_stage_set_route (stage, "fail", flows_stage_get_id (back));
    }
  return flow;
}

static void
open_flow (FlowsFlowEditor *editor,
           FlowsApp        *app,
           FlowsFlow       *flow)
{
  flows_flow_editor_set_flow (editor, app, flow);
  flows_canvas_set_zoom (flows_flow_editor_get_canvas (editor), 1.0);
  wait_frames (GTK_WIDGET (editor));
}

static FlowsFlowEditor *
new_editor (GtkWindow    *window,
            FlowsLibrary *library)
{
  FlowsFlowEditor *editor = FLOWS_FLOW_EDITOR (flows_flow_editor_new ());

  flows_flow_editor_set_library (editor, library);
  gtk_window_set_child (window, GTK_WIDGET (editor));
  return editor;
}

static void
measure_editor (void)
{
  g_autofree char *data_dir = NULL;
  FlowsLibrary *library = test_library_new_temp ("flows-bench-growth-XXXXXX", &data_dir);
  g_autoptr(FlowsApp) app = test_library_add_template (library, "Growth", FLOWS_CONNECTION_TYPE_GENERIC);
  FlowsFlow *flow = make_large_flow (app);
  GtkWindow *window = test_window_new (gtk_label_new (""), 1200, 800);
  FlowsFlowEditor *editor = new_editor (window, library);
  long start_kb, end_kb;
  gint64 started;
  guint cards;

  g_print ("The flow editor on a flow of %u stages, 1200×800, at 100 %%\n", N_STAGES);

  /* The Flows page's way: one editor, the flow shown and left. */
  for (guint i = 0; i < N_WARM_UP; i++)
    {
      open_flow (editor, app, flow);
      flows_flow_editor_set_flow (editor, NULL, NULL);
    }
  start_kb = settled_rss_kb ();
  started = g_get_monotonic_time ();
  for (guint i = 0; i < N_EDITOR_OPENS; i++)
    {
      open_flow (editor, app, flow);
      cards = flows_canvas_get_n_cards (flows_flow_editor_get_canvas (editor));
      flows_flow_editor_set_flow (editor, NULL, NULL);
    }
  end_kb = settled_rss_kb ();
  g_print ("%u opens and closes in %.1f s (%u cards on show each time); RSS %ld kB → %ld kB\n",
           N_EDITOR_OPENS, (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC, cards, start_kb, end_kb);
  g_print ("editor-reopen-growth-kb: %ld\n", end_kb - start_kb);

  /* A new editor each time, destroyed with what it made. */
  for (guint i = 0; i < N_WARM_UP; i++)
    {
      editor = new_editor (window, library);
      open_flow (editor, app, flow);
    }
  start_kb = settled_rss_kb ();
  started = g_get_monotonic_time ();
  for (guint i = 0; i < N_EDITOR_OPENS; i++)
    {
      editor = new_editor (window, library);
      watch (editor);
      watch (flows_flow_editor_get_canvas (editor));
      open_flow (editor, app, flow);
    }
  gtk_window_set_child (window, NULL);
  end_kb = settled_rss_kb ();
  g_print ("%u editors made, shown and destroyed in %.1f s; RSS %ld kB → %ld kB; editors and canvases not finalized: %u\n",
           N_EDITOR_OPENS, (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC, start_kb, end_kb, n_alive);
  g_print ("editor-recreate-growth-kb: %ld\n", end_kb - start_kb);

  test_window_destroy (window);
  test_library_remove_temp (&library, &data_dir);
}

/* The sign-in window ---------------------------------------------------------------------------- */

typedef struct
{
  gboolean loaded;
  gboolean done;
  GError  *error;
} SignInWait;

static void
on_load_changed (WebKitWebView   *web_view,
                 WebKitLoadEvent  event,
                 SignInWait      *wait)
{
  if (event == WEBKIT_LOAD_FINISHED)
    wait->loaded = TRUE;
}

static void
on_window_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  SignInWait *wait = user_data;

  flows_sign_in_window_run_finish (FLOWS_SIGN_IN_WINDOW (source), result, &wait->error);
  wait->done = TRUE;
}

static gboolean
page_loaded (gpointer user_data)
{
  return ((SignInWait *) user_data)->loaded;
}

static gboolean
attempt_done (gpointer user_data)
{
  return ((SignInWait *) user_data)->done;
}

/* Opens the window on the provider's page (the loopback server's), waits for the page, and
 * closes the window as a user who changed their mind does. Returns the WebKit processes there
 * were with the page shown. */
static guint
open_and_close_sign_in (FlowsRunner     *runner,
                        FlowsLibrary    *library,
                        FlowsApp        *app,
                        FlowsConnection *connection,
                        guint           *after_close)
{
  g_autoptr(FlowsSignIn) sign_in = flows_sign_in_new (runner, library, app, connection);
  FlowsSignInWindow *window = flows_sign_in_window_new (NULL, sign_in);
  SignInWait wait = { 0 };
  guint processes;

  watch (window);
  watch (flows_sign_in_window_get_web_view (window));
  watch (webkit_web_view_get_context (flows_sign_in_window_get_web_view (window)));
  watch (webkit_web_view_get_network_session (flows_sign_in_window_get_web_view (window)));
  g_signal_connect (flows_sign_in_window_get_web_view (window), "load-changed", G_CALLBACK (on_load_changed), &wait);
  flows_sign_in_window_run_async (window, on_window_done, &wait);
  test_wait_for (page_loaded, &wait, TIMEOUT_MS);
  processes = test_count_webkit_processes (NULL);
  gtk_window_close (GTK_WINDOW (window));
  test_wait_for (attempt_done, &wait, TIMEOUT_MS);
  if (!g_error_matches (wait.error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_error ("closing the sign-in window did not cancel the attempt: %s", wait.error != NULL ? wait.error->message : "it succeeded");
  g_clear_error (&wait.error);
  test_wait_idle ();
  *after_close = MAX (*after_close, test_count_webkit_processes (NULL));
  return processes;
}

static void
measure_sign_in (void)
{
  g_autoptr(TestServer) server = test_server_new ();
  g_autoptr(FlowsRunner) runner = flows_runner_new ();
  g_autoptr(FlowsApp) app = flows_app_new_from_template ("Growth sign-in", FLOWS_CONNECTION_TYPE_OAUTH);
  g_autoptr(FlowsConnection) connection = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *authorize_url = test_server_url (server, "/authorize");
  g_autofree char *token_url = test_server_url (server, "/token");
  g_autofree char *redirect_url = g_strdup_printf ("http://127.0.0.1:%u/oauth/callback", test_closed_port ());
  g_autoptr(GError) error = NULL;
  FlowsLibrary *library;
  guint most = 0, after_close = 0, left;
  long start_kb, end_kb;
  gint64 closed;

  if (!test_have_keyring ())
    {
      g_print ("The sign-in window: skipped, it needs the disposable keyring of build-aux/session\n");
      return;
    }

  /* A sign-in page with a form: the user's to answer, so the window waits on it. */
  test_server_respond (server, "/authorize", 200, "text/html",
                       "<!DOCTYPE html><html><head><title>Sign in</title></head><body><h1>Sign in</h1>"
                       "<form method=\"post\"><input name=\"user\"><input type=\"password\" name=\"password\">"
                       "<button>Sign in</button></form></body></html>", -1);
  library = test_library_new_temp ("flows-bench-growth-XXXXXX", &data_dir);
  flows_app_set_redirect_url (app, redirect_url);
  connection = flows_connection_new ("growth-connection", flows_app_get_id (app), "Loopback");
  flows_connection_set_value (connection, "AuthURL", authorize_url);
  flows_connection_set_value (connection, "TokenURL", token_url);
  flows_connection_set_value (connection, "TestURL", token_url);
  flows_connection_set_value (connection, "ClientID", "growth");
  if (!flows_library_add_app (library, app, &error) || !flows_library_add_connection (library, connection, &error))
    g_error ("%s", error->message);

  g_print ("The sign-in window on a loopback page, opened and closed by the user %u times\n", N_SIGN_INS);
  for (guint i = 0; i < N_SIGN_IN_WARM_UP; i++)
    most = MAX (most, open_and_close_sign_in (runner, library, app, connection, &after_close));
  start_kb = settled_rss_kb ();
  for (guint i = 0; i < N_SIGN_INS; i++)
    most = MAX (most, open_and_close_sign_in (runner, library, app, connection, &after_close));
  closed = g_get_monotonic_time ();
  end_kb = settled_rss_kb ();
  g_print ("RSS %ld kB → %ld kB; WebKit processes with a page shown: %u at most, just after a close: %u at most; "
           "windows, web views, web contexts and network sessions not finalized: %u\n",
           start_kb, end_kb, most, after_close, n_alive);
  g_print ("signin-reopen-growth-kb: %ld\n", end_kb - start_kb);

  /* The window's web context and network session end WebKit's processes
   * (docs/ARCHITECTURE.md, "The sign-in module"). */
  {
    g_autoptr(GString) names = g_string_new (NULL);

    left = test_wait_webkit_processes_end (WEBKIT_EXIT_WAIT_MS, names);
    if (left == 0)
      g_print ("WebKit processes gone %.1f s after the last window closed\n", (g_get_monotonic_time () - closed) / (double) G_USEC_PER_SEC);
    else
      g_print ("WebKit processes still there %d s after the last window closed: %u:%s\n", WEBKIT_EXIT_WAIT_MS / 1000, left, names->str);
  }
  g_print ("signin-webkit-processes-after-close: %u\n", left);

  flows_secrets_clear_connection_sync (flows_app_get_id (app), flows_connection_get_id (connection), NULL, NULL);
  test_library_remove_temp (&library, &data_dir);
}

int
main (int   argc,
      char *argv[])
{
  /* Xvfb has no DRM device: WebKit's DMA-BUF renderer would draw nothing there. */
  g_setenv ("WEBKIT_DISABLE_DMABUF_RENDERER", "1", FALSE);
  /* GL under Xvfb costs seconds per window and measures nothing here. */
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  if (!test_ui_init (&argc, &argv))
    {
      g_printerr ("bench-growth: needs a display (run it under build-aux/session)\n");
      return 77;
    }
  test_ui_host_reset ();

  /* "editor" or "sign-in" measures that part alone. */
  if (argc < 2 || g_str_equal (argv[1], "editor"))
    measure_editor ();
  if (argc < 2 || g_str_equal (argv[1], "sign-in"))
    measure_sign_in ();
  return 0;
}
