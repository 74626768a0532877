/* flows-redirect-listener.c — receives one OAuth redirect on a loopback port */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "flows-oauth.h"
#include "flows-redirect-listener.h"

struct _FlowsRedirectListener
{
  GObject     parent_instance;

  char       *redirect_url;
  char       *host;
  int         port;
  SoupServer *server;
  GTask      *task;
  guint       timeout_id;
  guint       timeout_seconds;
  gulong      cancelled_id;
};

G_DEFINE_FINAL_TYPE (FlowsRedirectListener, flows_redirect_listener, G_TYPE_OBJECT)

static const char done_page[] =
  "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Flows Studio</title>"
  "<style>body{font-family:system-ui,sans-serif;display:grid;place-items:center;height:90vh;"
  "color:#241f31;background:#fafafa}main{text-align:center}h1{font-size:1.4em}</style></head>"
  "<body><main><h1>%s</h1><p>%s</p></main></body></html>";

static void
flows_redirect_listener_dispose (GObject *object)
{
  FlowsRedirectListener *self = (FlowsRedirectListener *)object;

  /* A pending wait holds a reference: nothing is waiting by now. */
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);

  G_OBJECT_CLASS (flows_redirect_listener_parent_class)->dispose (object);
}

static void
flows_redirect_listener_finalize (GObject *object)
{
  FlowsRedirectListener *self = (FlowsRedirectListener *)object;

  g_free (self->redirect_url);
  g_free (self->host);

  G_OBJECT_CLASS (flows_redirect_listener_parent_class)->finalize (object);
}

static void
flows_redirect_listener_class_init (FlowsRedirectListenerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = flows_redirect_listener_dispose;
  object_class->finalize = flows_redirect_listener_finalize;
}

static void
flows_redirect_listener_init (FlowsRedirectListener *self)
{
}

FlowsRedirectListener *
flows_redirect_listener_new (const char  *redirect_url,
                             GError     **error)
{
  /* Without SCHEME_NORMALIZE, which would give a URL without a port the default one (80):
   * the port must be in the URL. */
  g_autoptr(GUri) uri = g_uri_parse (redirect_url, SOUP_HTTP_URI_FLAGS & ~G_URI_FLAGS_SCHEME_NORMALIZE, NULL);
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;
  FlowsRedirectListener *self;

  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 || host == NULL ||
      !(g_str_equal (host, "127.0.0.1") || g_str_equal (host, "::1") || g_ascii_strcasecmp (host, "localhost") == 0) ||
      g_uri_get_port (uri) <= 0)
    {
      g_set_error (error, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_BAD_REDIRECT_URL,
                   _("Signing in with the system browser needs a redirect URL on this computer with a port, such as http://127.0.0.1:8976/oauth/callback; “%s” is not one"),
                   redirect_url);
      return NULL;
    }

  self = g_object_new (FLOWS_TYPE_REDIRECT_LISTENER, NULL);
  self->redirect_url = g_strdup (redirect_url);
  self->host = g_strdup (host);
  self->port = g_uri_get_port (uri);
  return self;
}

/* Completes the wait. The server stays up only when @keep_serving, to finish sending the page. */
static void
complete (FlowsRedirectListener *self,
          char                  *uri,
          GError                *error,
          gboolean               keep_serving)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  if (task == NULL)
    return;
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->cancelled_id != 0)
    g_cancellable_disconnect (g_task_get_cancellable (task), self->cancelled_id);
  self->cancelled_id = 0;
  if (!keep_serving && self->server != NULL)
    soup_server_disconnect (self->server);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, uri, g_free);
}

static void
on_request (SoupServer        *server,
            SoupServerMessage *message,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  FlowsRedirectListener *self = user_data;
  g_autofree char *uri = g_uri_to_string (soup_server_message_get_uri (message));
  g_autofree char *page = NULL;

  /* One redirect only: after it, and for anything that is not it, nothing is accepted. */
  if (self->task == NULL || !flows_oauth_redirect_matches (self->redirect_url, uri))
    {
      soup_server_message_set_status (message, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }

  page = g_strdup_printf (done_page, _("Back to Flows Studio"),
                          _("Flows Studio has the provider’s answer. You can close this tab."));
  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (message, "text/html; charset=utf-8", SOUP_MEMORY_COPY, page, strlen (page));
  soup_message_headers_replace (soup_server_message_get_response_headers (message), "Cache-Control", "no-store");

  /* The socket closes once the page is sent; until then other requests get 404. */
  g_signal_connect_object (message, "finished", G_CALLBACK (soup_server_disconnect), server, G_CONNECT_SWAPPED);
  complete (self, g_steal_pointer (&uri), NULL, TRUE);
}

gboolean
flows_redirect_listener_listen (FlowsRedirectListener  *self,
                                GError                **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;

  g_return_val_if_fail (FLOWS_IS_REDIRECT_LISTENER (self), FALSE);

  if (self->server != NULL)
    return TRUE;

  /* Loopback only: nothing else on the network may answer in the browser's place. */
  address = g_inet_address_new_loopback (g_str_equal (self->host, "::1") ? G_SOCKET_FAMILY_IPV6 : G_SOCKET_FAMILY_IPV4);
  socket_address = g_inet_socket_address_new (address, self->port);
  self->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (self->server, NULL, on_request, self, NULL);

  if (!soup_server_listen (self->server, socket_address, 0, &local_error))
    {
      g_clear_object (&self->server);
      g_set_error (error, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_BAD_REDIRECT_URL,
                   _("Cannot receive the sign-in on port %d (%s): is another sign-in or program using it?"),
                   self->port, local_error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
on_timeout (gpointer user_data)
{
  FlowsRedirectListener *self = user_data;

  self->timeout_id = 0;
  complete (self, NULL,
            g_error_new (FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_TIMED_OUT,
                         g_dngettext (GETTEXT_PACKAGE,
                                      "The browser did not come back within %u second; sign in again when you are ready",
                                      "The browser did not come back within %u seconds; sign in again when you are ready",
                                      self->timeout_seconds),
                         self->timeout_seconds),
            FALSE);
  return G_SOURCE_REMOVE;
}

static gboolean
on_cancelled_idle (gpointer user_data)
{
  g_autoptr(FlowsRedirectListener) self = user_data;

  complete (self, NULL, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Signing in was cancelled")), FALSE);
  return G_SOURCE_REMOVE;
}

static void
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  /* Not from inside the handler: disconnecting it there would deadlock. */
  g_idle_add (on_cancelled_idle, g_object_ref (user_data));
}

void
flows_redirect_listener_wait_async (FlowsRedirectListener *self,
                                    guint                  timeout_seconds,
                                    GCancellable          *cancellable,
                                    GAsyncReadyCallback    callback,
                                    gpointer               user_data)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (FLOWS_IS_REDIRECT_LISTENER (self));
  g_return_if_fail (self->task == NULL);

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, flows_redirect_listener_wait_async);

  if (!flows_redirect_listener_listen (self, &error))
    {
      complete (self, NULL, g_steal_pointer (&error), FALSE);
      return;
    }

  self->timeout_seconds = timeout_seconds;
  self->timeout_id = g_timeout_add_seconds (timeout_seconds, on_timeout, self);
  if (cancellable != NULL)
    self->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), self, NULL);
}

char *
flows_redirect_listener_wait_finish (FlowsRedirectListener  *self,
                                     GAsyncResult           *result,
                                     GError                **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
