/* flows-sign-in-window.c — the embedded browser of an OAuth sign-in */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "flows-sign-in-loader.h"
#include "flows-sign-in-window.h"

struct _FlowsSignInWindow
{
  AdwWindow             parent_instance;

  FlowsSignIn          *sign_in;
  WebKitNetworkSession *network_session;
  WebKitWebView        *web_view;
  GCancellable         *cancellable;
  GTask                *task;
  guint                 captured : 1;

  GtkImage             *security_icon;
  AdwWindowTitle       *address_title;
  GtkProgressBar       *progress_bar;
  GtkStack             *stack;
  GtkBox               *web_box;
  AdwStatusPage        *error_page;
};

G_DEFINE_FINAL_TYPE (FlowsSignInWindow, flows_sign_in_window, ADW_TYPE_WINDOW)

/* Ends the attempt (once): success closes the window, a failure stays on screen. */
static void
finish_attempt (FlowsSignInWindow *self,
                GError            *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* The description is markup, and messages quote references (<Name>) and providers' pages. */
      g_autofree char *description = g_markup_escape_text (error->message, -1);

      adw_status_page_set_description (self->error_page, description);
      gtk_stack_set_visible_child_name (self->stack, "error");
      if (self->web_view != NULL)
        webkit_web_view_stop_loading (self->web_view);
    }

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

static void
on_load_changed (WebKitWebView     *web_view,
                 WebKitLoadEvent    event,
                 FlowsSignInWindow *self)
{
  if (event == WEBKIT_LOAD_COMMITTED || event == WEBKIT_LOAD_FINISHED)
    update_address (self);
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
  gtk_widget_dispose_template (GTK_WIDGET (self), FLOWS_TYPE_SIGN_IN_WINDOW);
  g_clear_object (&self->cancellable);
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

  /* A new ephemeral session per attempt: cookies and storage die with the window. TLS errors
   * fail the load (the default policy, set explicitly because it must never change). */
  self->network_session = webkit_network_session_new_ephemeral ();
  webkit_network_session_set_tls_errors_policy (self->network_session, WEBKIT_TLS_ERRORS_POLICY_FAIL);
  self->web_view = g_object_new (WEBKIT_TYPE_WEB_VIEW,
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
