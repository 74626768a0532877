/* flows-sign-in-window.c — the embedded browser of an OAuth sign-in */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "flows-oauth.h"
#include "flows-sign-in-loader.h"
#include "flows-sign-in-window.h"

/* How long a page that says it is an error may stay without navigating before the attempt is
 * given up (docs/ARCHITECTURE.md, "OAuth sequence", step 3): long enough for a page that
 * redirects by itself after showing a message, short enough not to look like a hang. */
#define ERROR_PAGE_WAIT_MS 10000

struct _FlowsSignInWindow
{
  AdwWindow             parent_instance;

  FlowsSignIn          *sign_in;
  WebKitWebContext     *web_context;
  WebKitNetworkSession *network_session;
  WebKitWebView        *web_view;
  GCancellable         *cancellable;
  GTask                *task;
  guint                 captured : 1;
  /* A page committed since the last load started: only such a load is a page to look at (an
   * ignored redirect starts and finishes a load without one). */
  guint                 page_committed : 1;
  /* Counts the loads started, so that a look at a page that is gone by then is dropped. */
  guint                 page_serial;
  guint                 error_page_wait_ms;
  guint                 error_page_timeout_id;
  /* What the page that may be the provider's error page said, for the message: its status and
   * its title (its first heading when it has none). */
  guint                 page_status;
  char                 *page_title;

  GtkImage             *security_icon;
  GtkButton            *cancel_button;
  GtkRevealer          *stopped_revealer;
  GtkLabel             *stopped_label;
  AdwWindowTitle       *address_title;
  GtkProgressBar       *progress_bar;
  GtkStack             *stack;
  GtkBox               *web_box;
  AdwStatusPage        *error_page;
};

G_DEFINE_FINAL_TYPE (FlowsSignInWindow, flows_sign_in_window, ADW_TYPE_WINDOW)

/* Returns the attempt's result (once). */
static void
return_result (FlowsSignInWindow *self,
               GError            *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  g_clear_handle_id (&self->error_page_timeout_id, g_source_remove);
  if (task != NULL)
    {
      if (error != NULL)
        g_task_return_error (task, error);
      else
        g_task_return_boolean (task, TRUE);
    }
  else
    g_clear_error (&error);
}

/* Ends the attempt (once): success closes the window, a failure stays on screen. */
static void
finish_attempt (FlowsSignInWindow *self,
                GError            *error)
{
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* The description is markup, and messages quote references (<Name>) and providers' pages. */
      g_autofree char *description = g_markup_escape_text (error->message, -1);

      adw_status_page_set_description (self->error_page, description);
      gtk_stack_set_visible_child_name (self->stack, "error");
      if (self->web_view != NULL)
        webkit_web_view_stop_loading (self->web_view);
    }
  return_result (self, error);
}

static void
on_completed (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(FlowsSignInWindow) self = user_data;
  GError *error = NULL;

  if (!flows_sign_in_complete_finish (FLOWS_SIGN_IN (source), result, &error))
    {
      finish_attempt (self, error);
      return;
    }

  finish_attempt (self, NULL);
  gtk_window_destroy (GTK_WINDOW (self));
}

static gboolean
on_decide_policy (WebKitWebView            *web_view,
                  WebKitPolicyDecision     *decision,
                  WebKitPolicyDecisionType  type,
                  FlowsSignInWindow        *self)
{
  WebKitNavigationAction *action;
  const char *uri;

  if (type != WEBKIT_POLICY_DECISION_TYPE_NAVIGATION_ACTION &&
      type != WEBKIT_POLICY_DECISION_TYPE_NEW_WINDOW_ACTION)
    return FALSE;

  action = webkit_navigation_policy_decision_get_navigation_action (WEBKIT_NAVIGATION_POLICY_DECISION (decision));
  uri = webkit_uri_request_get_uri (webkit_navigation_action_get_request (action));

  if (!flows_sign_in_is_redirect (self->sign_in, uri))
    return FALSE;

  /* The redirect never loads: a page at that address (or nothing at all) must not see it. */
  webkit_policy_decision_ignore (decision);
  if (self->captured || self->task == NULL)
    return TRUE;

  self->captured = TRUE;
  gtk_stack_set_visible_child_name (self->stack, "finishing");
  flows_sign_in_complete_async (self->sign_in, uri, self->cancellable, on_completed, g_object_ref (self));
  return TRUE;
}

static void
update_address (FlowsSignInWindow *self)
{
  const char *uri = webkit_web_view_get_uri (self->web_view);
  g_autoptr(GUri) parsed = uri != NULL ? g_uri_parse (uri, G_URI_FLAGS_NONE, NULL) : NULL;
  GTlsCertificate *certificate = NULL;
  GTlsCertificateFlags errors = 0;
  gboolean secure;

  if (parsed == NULL || g_uri_get_host (parsed) == NULL)
    return;

  secure = webkit_web_view_get_tls_info (self->web_view, &certificate, &errors) && errors == 0;
  adw_window_title_set_title (self->address_title, g_uri_get_host (parsed));
  adw_window_title_set_subtitle (self->address_title,
                                 secure ? _("Secure connection") : _("Not encrypted"));
  gtk_image_set_from_icon_name (self->security_icon,
                                secure ? "channel-secure-symbolic" : "channel-insecure-symbolic");
}

/* Where a page is, for a person: "host:port". The whole address would bury it under the query
 * (state, challenge, scopes: hundreds of characters) and tell the user nothing more. */
static char *
describe_place (const char *uri)
{
  g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_NONE, NULL);

  if (parsed == NULL || g_uri_get_host (parsed) == NULL)
    return g_strdup (_("the provider"));
  if (g_uri_get_port (parsed) > 0)
    return g_strdup_printf ("%s:%d", g_uri_get_host (parsed), g_uri_get_port (parsed));
  return g_strdup (g_uri_get_host (parsed));
}

static GError *
describe_load_failure (const char   *failing_uri,
                       const GError *error)
{
  g_autofree char *place = describe_place (failing_uri);
  g_autofree char *reason = g_strchomp (g_strdup (error->message));
  gsize length = strlen (reason);

  /* The sentence ends with its own full stop. */
  if (length > 0 && reason[length - 1] == '.')
    reason[length - 1] = '\0';
  return g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                      /* Translators: the first placeholder is a host and port ("example.com:443"), the
                       * second why the page did not load, as the network library says it */
                      _("The sign-in page at %s could not be loaded: %s. Check that the provider "
                        "runs there and can be reached from this computer, and that the connection’s "
                        "authorisation URL is right; then sign in again."),
                      place, reason);
}

/* The provider's own error page ------------------------------------------------------------
 *
 * A provider that refuses a request it cannot send back (an unknown client, a redirect URL it
 * does not know: RFC 6749 §4.1.2.1) shows a page of its own and never redirects, so the attempt
 * would wait for ever (docs/ARCHITECTURE.md, "OAuth sequence", step 3). Such a page is one that
 * came with an HTTP error status, or one that says "error" and stays a while without any
 * navigation. A page with fields to fill is the user's to answer, never an error page: a login
 * form shown again after a wrong password may come with 401, and may say "error". The attempt
 * then fails with the page's title and address, and the page stays on screen under a banner. */

/* Run in a script world of its own, where the page's scripts cannot change what it sees. */
#define PROBE_WORLD "flows-sign-in"
static const char probe_script[] =
  "(function () {"
  "  var says = /\\b(error|invalid_request|invalid_client|unauthorized_client|access_denied|"
  "unsupported_response_type|invalid_scope|server_error|temporarily_unavailable|redirect_uri_mismatch)\\b/i;"
  "  var visible = function (list) {"
  "    return Array.prototype.some.call (list, function (e) { return e.getClientRects ().length > 0; });"
  "  };"
  "  var text = document.body ? document.body.innerText : '';"
  "  var heading = document.querySelector ('h1, h2');"
  "  var fields = document.querySelectorAll ('input:not([type]), input[type=text], input[type=email], "
  "input[type=password], input[type=tel], input[type=number], textarea');"
  "  var submits = document.querySelectorAll ('form button, form input[type=submit]');"
  "  return JSON.stringify ({ saysError: says.test (document.title) || says.test (text),"
  "                          hasFields: visible (fields), hasSubmit: visible (submits),"
  "                          title: document.title, heading: heading ? heading.innerText.trim () : '' });"
  "}) ()";

/* A text of a page, as a message quotes it: one line, cut after @max_chars. */
static char *
quote_page_text (const char *text,
                 glong       max_chars)
{
  g_autofree char *line = g_strdup (text != NULL ? text : "");
  g_autofree char *cut = NULL;

  g_strdelimit (line, "\r\n\t", ' ');
  g_strstrip (line);
  if (!g_utf8_validate (line, -1, NULL))
    return g_strdup ("");
  if (g_utf8_strlen (line, -1) <= max_chars)
    return g_steal_pointer (&line);
  cut = g_utf8_substring (line, 0, max_chars);
  return g_strconcat (cut, "…", NULL);
}

/* Where a page is, for a person: host, port and path; the query (state, challenge, scopes)
 * would bury them under hundreds of characters that say nothing. */
static char *
describe_page_address (const char *uri)
{
  g_autoptr(GUri) parsed = uri != NULL ? g_uri_parse (uri, G_URI_FLAGS_NONE, NULL) : NULL;
  g_autofree char *place = NULL;
  g_autofree char *path = NULL;

  if (parsed == NULL || g_uri_get_host (parsed) == NULL)
    return g_strdup (_("an unknown address"));
  place = describe_place (uri);
  path = quote_page_text (g_uri_get_path (parsed), 100);
  return g_strconcat (place, path, NULL);
}

static void
stop_on_error_page (FlowsSignInWindow *self)
{
  g_autofree char *address = describe_page_address (webkit_web_view_get_uri (self->web_view));
  g_autofree char *page = NULL;
  GError *error;

  if (self->page_title == NULL || *self->page_title == '\0')
    page = g_strdup_printf (_("an untitled page at %s"), address);
  else
    /* Translators: a web page, by its title and address ("“Error” (example.com/authorize)") */
    page = g_strdup_printf (_("“%s” (%s)"), self->page_title, address);

  if (self->page_status >= 400)
    error = g_error_new (FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_PROVIDER_ERROR_PAGE,
                         /* Translators: the first placeholder is a page (“Title” (example.com/path)), the second an HTTP status */
                         _("The provider stopped on its own error page: %s, HTTP %u. It will not send the sign-in back; "
                           "the page says why (often a client ID or redirect URL the provider does not know for this "
                           "client). Correct that, then sign in again."),
                         page, self->page_status);
  else
    error = g_error_new (FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_PROVIDER_ERROR_PAGE,
                         /* Translators: the placeholder is a page (“Title” (example.com/path)) */
                         _("The provider stopped on its own error page: %s. It will not send the sign-in back; "
                           "the page says why (often a client ID or redirect URL the provider does not know for this "
                           "client). Correct that, then sign in again."),
                         page);

  /* The page stays: what it says is the best clue to what is wrong. */
  gtk_label_set_text (self->stopped_label, error->message);
  gtk_revealer_set_reveal_child (self->stopped_revealer, TRUE);
  gtk_button_set_label (self->cancel_button, _("_Close"));
  return_result (self, error);
}

static gboolean
on_error_page_still (gpointer user_data)
{
  FlowsSignInWindow *self = user_data;

  self->error_page_timeout_id = 0;
  if (self->task != NULL && !self->captured)
    stop_on_error_page (self);
  return G_SOURCE_REMOVE;
}

/* A page by its title and its first heading, as far as they say different things: a
 * provider's error pages often have a title of a few words ("Error 400: redirect_uri_mismatch",
 * or only the provider's name) and a heading that says the rest. */
static char *
describe_page_title (const char *title,
                     const char *heading)
{
  g_autofree char *quoted_title = quote_page_text (title, 120);
  g_autofree char *quoted_heading = quote_page_text (heading, 120);

  /* One of them may add nothing to the other. */
  if (*quoted_heading == '\0' || strstr (quoted_title, quoted_heading) != NULL)
    return g_steal_pointer (&quoted_title);
  if (*quoted_title == '\0' || strstr (quoted_heading, quoted_title) != NULL)
    return g_steal_pointer (&quoted_heading);
  return g_strconcat (quoted_title, " — ", quoted_heading, NULL);
}

typedef struct
{
  FlowsSignInWindow *self;  /* a reference */
  guint              page_serial;
} PageProbe;

static void
on_page_probed (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  PageProbe *probe = user_data;
  g_autoptr(FlowsSignInWindow) self = probe->self;
  guint page_serial = probe->page_serial;
  g_autoptr(JSCValue) value = webkit_web_view_evaluate_javascript_finish (WEBKIT_WEB_VIEW (source), result, NULL);
  g_autofree char *json = NULL;
  g_autoptr(JsonNode) node = NULL;
  WebKitWebResource *resource;
  WebKitURIResponse *response;
  JsonObject *look;

  g_free (probe);
  /* A page that cannot be looked at (no script world: a plain-text page) is judged by its
   * status alone. */
  if (self->task == NULL || self->captured || page_serial != self->page_serial)
    return;
  if (value != NULL && jsc_value_is_string (value))
    json = jsc_value_to_string (value);
  node = json != NULL ? json_from_string (json, NULL) : NULL;
  look = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

  resource = webkit_web_view_get_main_resource (self->web_view);
  response = resource != NULL ? webkit_web_resource_get_response (resource) : NULL;
  self->page_status = response != NULL ? webkit_uri_response_get_status_code (response) : 0;
  g_free (self->page_title);
  self->page_title = describe_page_title (look != NULL ? json_object_get_string_member_with_default (look, "title", "")
                                                       : webkit_web_view_get_title (self->web_view),
                                          look != NULL ? json_object_get_string_member_with_default (look, "heading", "")
                                                       : NULL);

  if (look != NULL && json_object_get_boolean_member_with_default (look, "hasFields", FALSE))
    return;
  if (self->page_status >= 400)
    stop_on_error_page (self);
  else if (look != NULL && json_object_get_boolean_member_with_default (look, "saysError", FALSE) &&
           !json_object_get_boolean_member_with_default (look, "hasSubmit", FALSE))
    {
      g_clear_handle_id (&self->error_page_timeout_id, g_source_remove);
      self->error_page_timeout_id = g_timeout_add (self->error_page_wait_ms, on_error_page_still, self);
    }
}

static void
probe_page (FlowsSignInWindow *self)
{
  PageProbe *probe = g_new0 (PageProbe, 1);

  probe->self = g_object_ref (self);
  probe->page_serial = self->page_serial;
  webkit_web_view_evaluate_javascript (self->web_view, probe_script, -1, PROBE_WORLD, NULL,
                                       self->cancellable, on_page_probed, probe);
}

static void
on_load_changed (WebKitWebView     *web_view,
                 WebKitLoadEvent    event,
                 FlowsSignInWindow *self)
{
  switch (event)
    {
    case WEBKIT_LOAD_STARTED:
      /* Any navigation ends the wait on a page that said error. */
      self->page_serial++;
      self->page_committed = FALSE;
      g_clear_handle_id (&self->error_page_timeout_id, g_source_remove);
      break;
    case WEBKIT_LOAD_COMMITTED:
      self->page_committed = TRUE;
      update_address (self);
      break;
    case WEBKIT_LOAD_FINISHED:
      update_address (self);
      if (self->page_committed && self->task != NULL && !self->captured)
        probe_page (self);
      break;
    case WEBKIT_LOAD_REDIRECTED:
    default:
      break;
    }
}

static gboolean
on_load_failed (WebKitWebView     *web_view,
                WebKitLoadEvent    event,
                const char        *failing_uri,
                GError            *error,
                FlowsSignInWindow *self)
{
  /* Ignoring the captured redirect interrupts its load: that is no failure. */
  if (self->captured ||
      g_error_matches (error, WEBKIT_NETWORK_ERROR, WEBKIT_NETWORK_ERROR_CANCELLED) ||
      g_error_matches (error, WEBKIT_POLICY_ERROR, WEBKIT_POLICY_ERROR_FRAME_LOAD_INTERRUPTED_BY_POLICY_CHANGE))
    return FALSE;

  finish_attempt (self, describe_load_failure (failing_uri, error));
  return TRUE;
}

static const char *
describe_certificate_errors (GTlsCertificateFlags errors)
{
  if (errors & G_TLS_CERTIFICATE_UNKNOWN_CA)
    return _("it is not signed by a known certificate authority");
  if (errors & G_TLS_CERTIFICATE_BAD_IDENTITY)
    return _("it was issued for another site");
  if (errors & G_TLS_CERTIFICATE_EXPIRED)
    return _("it has expired");
  if (errors & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    return _("it is not valid yet");
  if (errors & G_TLS_CERTIFICATE_REVOKED)
    return _("it has been revoked");
  return _("it could not be verified");
}

static gboolean
on_load_failed_with_tls_errors (WebKitWebView        *web_view,
                                const char           *failing_uri,
                                GTlsCertificate      *certificate,
                                GTlsCertificateFlags  errors,
                                FlowsSignInWindow    *self)
{
  g_autoptr(GUri) parsed = g_uri_parse (failing_uri, G_URI_FLAGS_NONE, NULL);

  /* Never an exception: a sign-in page behind a bad certificate may be an impostor. */
  finish_attempt (self, g_error_new (G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                                     _("The certificate of %s is not trusted: %s. Signing in was stopped, because a page with a certificate problem may not be the provider’s."),
                                     parsed != NULL ? g_uri_get_host (parsed) : failing_uri,
                                     describe_certificate_errors (errors)));
  return TRUE;
}

static void
on_progress (FlowsSignInWindow *self)
{
  double progress = webkit_web_view_get_estimated_load_progress (self->web_view);

  gtk_progress_bar_set_fraction (self->progress_bar, progress);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), progress > 0 && progress < 1);
}

static void
on_started (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(FlowsSignInWindow) self = user_data;
  GError *error = NULL;
  g_autofree char *url = flows_sign_in_start_finish (FLOWS_SIGN_IN (source), result, &error);

  if (url == NULL)
    {
      finish_attempt (self, error);
      return;
    }

  gtk_stack_set_visible_child_name (self->stack, "web");
  webkit_web_view_load_uri (self->web_view, url);
  gtk_widget_grab_focus (GTK_WIDGET (self->web_view));
}

static gboolean
flows_sign_in_window_close_request (GtkWindow *window)
{
  FlowsSignInWindow *self = FLOWS_SIGN_IN_WINDOW (window);

  /* Closing is cancelling: the connection stays as it was. */
  g_cancellable_cancel (self->cancellable);
  finish_attempt (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Signing in was cancelled")));

  return GTK_WINDOW_CLASS (flows_sign_in_window_parent_class)->close_request (window);
}

static void
flows_sign_in_window_dispose (GObject *object)
{
  FlowsSignInWindow *self = (FlowsSignInWindow *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->error_page_timeout_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), FLOWS_TYPE_SIGN_IN_WINDOW);
  g_clear_pointer (&self->page_title, g_free);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->web_context);
  g_clear_object (&self->network_session);
  g_clear_object (&self->sign_in);
  g_clear_object (&self->task);

  G_OBJECT_CLASS (flows_sign_in_window_parent_class)->dispose (object);
}

static void
flows_sign_in_window_class_init (FlowsSignInWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = flows_sign_in_window_dispose;
  window_class->close_request = flows_sign_in_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/flowsstudio/FlowsStudio/flows-sign-in-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FlowsSignInWindow, security_icon);
  gtk_widget_class_bind_template_child (widget_class, FlowsSignInWindow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, FlowsSignInWindow, stopped_revealer);
  gtk_widget_class_bind_template_child (widget_class, FlowsSignInWindow, stopped_label);
  gtk_widget_class_bind_template_child (widget_class, FlowsSignInWindow, address_title);
  gtk_widget_class_bind_template_child (widget_class, FlowsSignInWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, FlowsSignInWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, FlowsSignInWindow, web_box);
  gtk_widget_class_bind_template_child (widget_class, FlowsSignInWindow, error_page);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
flows_sign_in_window_init (FlowsSignInWindow *self)
{
  WebKitSettings *settings;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->error_page_wait_ms = ERROR_PAGE_WAIT_MS;

  /* A new ephemeral session per attempt: cookies and storage die with the window. TLS errors
   * fail the load (the default policy, set explicitly because it must never change). */
  self->network_session = webkit_network_session_new_ephemeral ();
  webkit_network_session_set_tls_errors_policy (self->network_session, WEBKIT_TLS_ERRORS_POLICY_FAIL);
  /* A web context of the window's own, so that WebKit's web and network processes end when the
   * window closes (docs/ARCHITECTURE.md, "The sign-in module"): the default context lives as
   * long as the program and keeps a web process of the last site in its process cache, with the
   * network process it needs, for half an hour. A document viewer's cache model keeps no process
   * for a site left while the window is open either: a sign-in visits each page once. */
  self->web_context = webkit_web_context_new ();
  webkit_web_context_set_cache_model (self->web_context, WEBKIT_CACHE_MODEL_DOCUMENT_VIEWER);
  self->web_view = g_object_new (WEBKIT_TYPE_WEB_VIEW,
                                 "web-context", self->web_context,
                                 "network-session", self->network_session,
                                 "vexpand", TRUE,
                                 "hexpand", TRUE,
                                 NULL);
  settings = webkit_web_view_get_settings (self->web_view);
  webkit_settings_set_enable_developer_extras (settings, FALSE);
  webkit_settings_set_javascript_can_open_windows_automatically (settings, FALSE);
  gtk_box_append (self->web_box, GTK_WIDGET (self->web_view));

  g_signal_connect (self->web_view, "decide-policy", G_CALLBACK (on_decide_policy), self);
  g_signal_connect (self->web_view, "load-changed", G_CALLBACK (on_load_changed), self);
  g_signal_connect (self->web_view, "load-failed", G_CALLBACK (on_load_failed), self);
  g_signal_connect (self->web_view, "load-failed-with-tls-errors", G_CALLBACK (on_load_failed_with_tls_errors), self);
  g_signal_connect_swapped (self->web_view, "notify::estimated-load-progress", G_CALLBACK (on_progress), self);
}

FlowsSignInWindow *
flows_sign_in_window_new (GtkWindow   *parent,
                          FlowsSignIn *sign_in)
{
  FlowsSignInWindow *self;
  g_autofree char *title = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (FLOWS_IS_SIGN_IN (sign_in), NULL);

  self = g_object_new (FLOWS_TYPE_SIGN_IN_WINDOW, "transient-for", parent, NULL);
  self->sign_in = g_object_ref (sign_in);
  title = g_strdup_printf (_("Sign In — %s"), flows_connection_get_name (flows_sign_in_get_connection (sign_in)));
  gtk_window_set_title (GTK_WINDOW (self), title);
  return self;
}

WebKitWebView *
flows_sign_in_window_get_web_view (FlowsSignInWindow *self)
{
  g_return_val_if_fail (FLOWS_IS_SIGN_IN_WINDOW (self), NULL);
  return self->web_view;
}

void
flows_sign_in_window_set_error_page_wait (FlowsSignInWindow *self,
                                          guint              milliseconds)
{
  g_return_if_fail (FLOWS_IS_SIGN_IN_WINDOW (self));
  self->error_page_wait_ms = milliseconds;
}

void
flows_sign_in_window_run_async (FlowsSignInWindow   *self,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (FLOWS_IS_SIGN_IN_WINDOW (self));
  g_return_if_fail (self->task == NULL);

  self->task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (self->task, flows_sign_in_window_run_async);

  gtk_window_present (GTK_WINDOW (self));
  flows_sign_in_start_async (self->sign_in, self->cancellable, on_started, g_object_ref (self));
}

gboolean
flows_sign_in_window_run_finish (FlowsSignInWindow  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The module's entry point (flows-sign-in-loader.h): flows-studio and flows-cli load this window
 * only for a sign-in, and reach it through these. */

static gboolean
module_init_display (void)
{
  if (!gtk_is_initialized () && !gtk_init_check ())
    return FALSE;
  adw_init ();
  return TRUE;
}

static GObject *
module_new_window (GObject     *parent,
                   FlowsSignIn *sign_in)
{
  return G_OBJECT (flows_sign_in_window_new (parent != NULL ? GTK_WINDOW (parent) : NULL, sign_in));
}

static void
module_run_async (GObject             *window,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  flows_sign_in_window_run_async (FLOWS_SIGN_IN_WINDOW (window), callback, user_data);
}

static gboolean
module_run_finish (GObject       *window,
                   GAsyncResult  *result,
                   GError       **error)
{
  return flows_sign_in_window_run_finish (FLOWS_SIGN_IN_WINDOW (window), result, error);
}

const FlowsSignInModule *
flows_sign_in_window_get_module (void)
{
  static const FlowsSignInModule module = {
    FLOWS_SIGN_IN_MODULE_ABI,
    module_init_display,
    module_new_window,
    module_run_async,
    module_run_finish,
  };

  return &module;
}
