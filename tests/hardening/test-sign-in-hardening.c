/* test-sign-in-hardening.c — the sign-in's defences, attacked.
 *
 * The redirect capture against look-alike URLs; the state check, its answers and its timing;
 * the system-browser listener against a second connection, a forged Host, an idle connection
 * and other addresses; and the real sign-in window (tests/ui/sign-in-helpers.c drives it)
 * refusing a certificate it cannot trust, also when the provider's plain-HTTP page sends the
 * browser there, and saying why. The window cases need build-aux/session (Xvfb and its keyring).
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "flows-oauth.h"
#include "flows-redirect-listener.h"
#include "flows-secrets.h"
#include "hardening-helpers.h"
#include "runner-helpers.h"
#include "sign-in-helpers.h"
#include "test-cases.h"
#include "test-session.h"

/* The redirect match ---------------------------------------------------------------------------- */

typedef struct
{
  const char *uri;
  gboolean    matches;
} Candidate;

static const Candidate loopback[] = {
  { "http://127.0.0.1:8976/oauth/callback", TRUE },
  { "http://127.0.0.1:8976/oauth/callback?code=c&state=s", TRUE },
  { "http://127.0.0.1:8976/oauth/callback#code=c&state=s", TRUE },
  { "HTTP://127.0.0.1:8976/oauth/callback?code=c", TRUE },          /* schemes have no case */
  /* Another port, or none. */
  { "http://127.0.0.1:8977/oauth/callback?code=c", FALSE },
  { "http://127.0.0.1/oauth/callback?code=c", FALSE },
  { "http://127.0.0.1:80/oauth/callback?code=c", FALSE },
  /* Another path, however close. */
  { "http://127.0.0.1:8976/oauth/callback.evil?code=c", FALSE },
  { "http://127.0.0.1:8976/oauth/callback/?code=c", FALSE },
  { "http://127.0.0.1:8976/oauth/callback/evil?code=c", FALSE },
  { "http://127.0.0.1:8976/oauth/callbac?code=c", FALSE },
  { "http://127.0.0.1:8976/oauth/callback2?code=c", FALSE },
  { "http://127.0.0.1:8976/oauth/Callback?code=c", FALSE },
  { "http://127.0.0.1:8976/OAUTH/CALLBACK?code=c", FALSE },
  { "http://127.0.0.1:8976/oauth?code=c", FALSE },
  { "http://127.0.0.1:8976/?code=c", FALSE },
  { "http://127.0.0.1:8976?code=c", FALSE },
  { "http://127.0.0.1:8976//oauth/callback?code=c", FALSE },
  { "http://127.0.0.1:8976/oauth//callback?code=c", FALSE },
  { "http://127.0.0.1:8976/oauth/callback%2F?code=c", FALSE },
  { "http://127.0.0.1:8976/oauth%2Fcallback?code=c", FALSE },
  { "http://127.0.0.1:8976/oauth/c%61llback?code=c", TRUE },       /* the same URL (RFC 3986 §6.2.2.2) */
  { "http://127.0.0.1:8976/oauth/callback%00?code=c", FALSE },
  { "http://127.0.0.1:8976/oauth/callback%20?code=c", FALSE },
  /* Encoded dots are dots (as for the browser, which loads /oauth/callback): the same URL. */
  { "http://127.0.0.1:8976/evil/%2e%2e/oauth/callback?code=c", TRUE },
  { "http://127.0.0.1:8976/evil/%2E%2E/oauth/callback?code=c", TRUE },
  { "http://127.0.0.1:8976/oauth/%2e/callback?code=c", TRUE },
  { "http://127.0.0.1:8976/oauth/%2e%2e/callback?code=c", FALSE },
  { "http://127.0.0.1:8976/oauth/callback/%2e%2e/callback?code=c", TRUE },
  { "http://127.0.0.1:8976/oauth/callback/%2e%2e?code=c", FALSE },
  { "http://127.0.0.1:8976/oauth/callback/%2e?code=c", FALSE },
  { "http://127.0.0.1:8976/oauth/callback;evil?code=c", FALSE },
  /* User information: the host is what follows the last @. */
  { "http://127.0.0.1:8976@evil.example/oauth/callback?code=c", FALSE },
  { "http://127.0.0.1:8976@evil.example:8976/oauth/callback?code=c", FALSE },
  { "http://user@127.0.0.1:8976/oauth/callback?code=c", FALSE },
  { "http://user:password@127.0.0.1:8976/oauth/callback?code=c", FALSE },
  { "http://@127.0.0.1:8976/oauth/callback?code=c", FALSE },
  { "http://evil.example@127.0.0.1:8976/oauth/callback?code=c", FALSE },
  { "http://127.0.0.1%3A8976@evil.example/oauth/callback?code=c", FALSE },
  /* Another host. */
  { "http://127.0.0.1.evil.example:8976/oauth/callback?code=c", FALSE },
  { "http://evil.example:8976/oauth/callback?code=c", FALSE },
  { "http://127.0.0.2:8976/oauth/callback?code=c", FALSE },
  { "http://localhost:8976/oauth/callback?code=c", FALSE },
  { "http://[::1]:8976/oauth/callback?code=c", FALSE },
  { "http://0.0.0.0:8976/oauth/callback?code=c", FALSE },
  { "http://127.0.0.1.:8976/oauth/callback?code=c", FALSE },
  { "http://127.1:8976/oauth/callback?code=c", FALSE },
  /* Another scheme. */
  { "https://127.0.0.1:8976/oauth/callback?code=c", FALSE },
  { "ws://127.0.0.1:8976/oauth/callback?code=c", FALSE },
  { "file:///oauth/callback?code=c", FALSE },
  { "javascript:alert(1)//http://127.0.0.1:8976/oauth/callback", FALSE },
  { "data:text/html,http://127.0.0.1:8976/oauth/callback", FALSE },
  /* Not URLs, or only parts of one. */
  { "/oauth/callback?code=c", FALSE },
  { "//127.0.0.1:8976/oauth/callback?code=c", FALSE },
  { "127.0.0.1:8976/oauth/callback?code=c", FALSE },
  { "", FALSE },
  /* The query is read as fields, whatever it holds. */
  { "http://127.0.0.1:8976/oauth/callback?code=c http://evil.example/", TRUE },
  { "http://127.0.0.1:8976/oauth/callback?@evil.example/", TRUE },
  { "http://127.0.0.1:8976/oauth/callback#@evil.example:8976/", TRUE },
};
static const Candidate named[] = {
  { "http://localhost:8976/cb?code=c", TRUE },
  { "http://LOCALHOST:8976/cb?code=c", TRUE },                    /* host names have no case */
  { "http://LocalHost:8976/cb?code=c", TRUE },
  { "http://localhost:8976/cb/?code=c", FALSE },
  { "http://localhost:8976/CB?code=c", FALSE },
  { "http://localhost.:8976/cb?code=c", FALSE },
  { "http://localhost.evil.example:8976/cb?code=c", FALSE },
  { "http://127.0.0.1:8976/cb?code=c", FALSE },
  { "http://localhost:8976@evil.example/cb?code=c", FALSE },
};
static const Candidate default_port[] = {
  { "http://127.0.0.1/cb?code=c", TRUE },
  { "http://127.0.0.1:80/cb?code=c", TRUE },                      /* the same port, spelt out */
  { "http://127.0.0.1:8080/cb?code=c", FALSE },
  { "https://127.0.0.1/cb?code=c", FALSE },
  { "http://127.0.0.1:443/cb?code=c", FALSE },
};
static const Candidate ipv6[] = {
  { "http://[::1]:8976/cb?code=c", TRUE },
  { "http://127.0.0.1:8976/cb?code=c", FALSE },
  { "http://[::1]:8977/cb?code=c", FALSE },
  { "http://[::2]:8976/cb?code=c", FALSE },
  { "http://[::1]@evil.example:8976/cb?code=c", FALSE },
};

/* A redirect URL and the URLs a browser might come back with, each taken or not. */
typedef struct
{
  const char      *path;
  const char      *redirect_url;
  const Candidate *candidates;
  gsize            n_candidates;
} LookAlikes;

static const LookAlikes look_alikes[] = {
  { "/sign-in-hardening/redirect/look-alikes/loopback", "http://127.0.0.1:8976/oauth/callback",
    loopback, G_N_ELEMENTS (loopback) },
  { "/sign-in-hardening/redirect/look-alikes/host-name", "http://localhost:8976/cb", named, G_N_ELEMENTS (named) },
  { "/sign-in-hardening/redirect/look-alikes/default-port", "http://127.0.0.1/cb",
    default_port, G_N_ELEMENTS (default_port) },
  { "/sign-in-hardening/redirect/look-alikes/ipv6", "http://[::1]:8976/cb", ipv6, G_N_ELEMENTS (ipv6) },
};

static void
test_redirect_look_alikes (gconstpointer data)
{
  const LookAlikes *look = data;
  g_autoptr(GString) wrong = g_string_new (NULL);

  for (gsize i = 0; i < look->n_candidates; i++)
    {
      gboolean matches = flows_oauth_redirect_matches (look->redirect_url, look->candidates[i].uri);

      if (matches != look->candidates[i].matches)
        g_string_append_printf (wrong, "\n  %s %s", look->candidates[i].uri, matches ? "was taken" : "was not taken");
    }
  if (wrong->len > 0)
    g_error ("for the redirect URL %s:%s", look->redirect_url, wrong->str);
}

static void
test_redirect_unreadable (void)
{
  /* Nothing matches a redirect URL that is missing or cannot be read. */
  g_assert_false (flows_oauth_redirect_matches (NULL, "http://127.0.0.1:8976/oauth/callback"));
  g_assert_false (flows_oauth_redirect_matches ("http://127.0.0.1:8976/oauth/callback", NULL));
  g_assert_false (flows_oauth_redirect_matches ("", ""));
  g_assert_false (flows_oauth_redirect_matches ("not a url", "not a url"));
}

/* The state ------------------------------------------------------------------------------------- */

/* A callback with a code and @state_query, checked against the state @expected. */
static gboolean
check_state (const char  *state_query,
             const char  *expected,
             GError     **error)
{
  g_autofree char *query = g_strconcat ("code=the-code&", state_query, NULL);

  return check_callback_query (query, expected, error);
}

static void
assert_state_refused (const char *state_query,
                      const char *expected)
{
  g_autoptr(GError) error = NULL;

  if (check_state (state_query, expected, &error))
    g_error ("“%s” was accepted for the state %s", state_query, expected);
  g_assert_error (error, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_STATE_MISMATCH);
  test_assert_contains (error->message, "rejected");
}

static void
test_state_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = flows_oauth_random_string (16, &error);
  g_autofree char *same_length = g_strdup (expected);
  g_autofree char *query = NULL;
  gsize length = strlen (expected);

  g_assert_no_error (error);
  /* At least 128 bits. */
  g_assert_cmpuint (length, >=, 22);

  query = g_strconcat ("state=", expected, NULL);
  g_assert_true (check_state (query, expected, &error));
  g_assert_no_error (error);

#define REFUSED(...) G_STMT_START { \
    g_autofree char *_query = g_strconcat ("state=", __VA_ARGS__, NULL); \
    assert_state_refused (_query, expected); \
  } G_STMT_END

  /* Of the same length: different at the first byte, at the last, everywhere, by case. */
  same_length[0] = same_length[0] == 'A' ? 'B' : 'A';
  REFUSED (same_length);
  strcpy (same_length, expected);
  same_length[length - 1] = same_length[length - 1] == 'A' ? 'B' : 'A';
  REFUSED (same_length);
  memset (same_length, 'x', length);
  REFUSED (same_length);
  {
    g_autofree char *upper = g_ascii_strup (expected, -1);
    g_autofree char *lower = g_ascii_strdown (expected, -1);

    if (!g_str_equal (upper, expected))
      REFUSED (upper);
    if (!g_str_equal (lower, expected))
      REFUSED (lower);
  }

  /* Of another length: a prefix, one byte short, one more, twice over, empty. */
  {
    g_autofree char *prefix = g_strndup (expected, length / 2);
    g_autofree char *short_one = g_strndup (expected, length - 1);

    REFUSED (prefix);
    REFUSED (short_one);
    REFUSED (expected, "x");
    REFUSED (expected, expected);
    REFUSED ("");
    REFUSED (expected + 1);
  }

  /* Encoded so that it decodes to something else, or twice. */
  {
    g_autofree char *encoded_twice = g_strdup_printf ("%%2573%s", expected + 1);

    REFUSED (encoded_twice);
  }

#undef REFUSED

  /* Two states (or codes, or errors): which one counts would depend on the reader, so the
   * answer is refused whichever comes first (RFC 6749 §3.1: parameters come once). */
  {
    const char *templates[] = { "state=wrong&state=%s", "state=%s&state=wrong", "state=%s&state=%s",
                                "state=%s&st%%61te=wrong", "state=%s&code=other", "state=%s&error=x&error=y" };

    for (guint i = 0; i < G_N_ELEMENTS (templates); i++)
      {
        g_autofree char *query = g_strdup_printf (templates[i], expected, expected);
        g_autofree char *uri = g_strconcat ("http://127.0.0.1:8976/oauth/callback?code=the-code&", query, NULL);
        g_autoptr(GHashTable) fields = flows_oauth_parse_callback (uri, &error);

        g_assert_null (fields);
        g_assert_error (error, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_BAD_REDIRECT_URL);
        test_assert_contains (error->message, "more than once");
        g_clear_error (&error);
      }
  }

  /* No state at all. */
  {
    g_autoptr(GHashTable) fields = flows_oauth_parse_callback ("http://127.0.0.1:8976/oauth/callback?code=c", NULL);

    g_assert_false (flows_oauth_check_callback (fields, expected, &error));
    g_assert_error (error, FLOWS_OAUTH_ERROR, FLOWS_OAUTH_ERROR_STATE_MISMATCH);
    g_clear_error (&error);
  }
}

/* The best of @rounds timings of @n comparisons of @a with @b, in nanoseconds per comparison. */
static double
time_comparison (const char *a,
                 const char *b,
                 guint       n,
                 guint       rounds)
{
  double best = G_MAXDOUBLE;
  volatile gboolean sink = FALSE;

  for (guint r = 0; r < rounds; r++)
    {
      gint64 started = g_get_monotonic_time ();

      for (guint i = 0; i < n; i++)
        sink ^= flows_oauth_equal_constant_time (a, b);
      best = MIN (best, (g_get_monotonic_time () - started) * 1000.0 / n);
    }
  (void)sink;
  return best;
}

/* The comparison reads every byte wherever the first difference is: on a long state, a
 * comparison that stops early would be hundreds of times faster for an early difference. */
static void
test_state_constant_time (void)
{
  gsize length = 256 * 1024;
  g_autofree char *expected = g_malloc (length + 1);
  g_autofree char *early = NULL;
  g_autofree char *late = NULL;
  g_autofree char *shorter = NULL;
  double equal_ns, early_ns, late_ns, shorter_ns;

  for (gsize i = 0; i < length; i++)
    expected[i] = 'a' + i % 26;
  expected[length] = '\0';
  early = g_strdup (expected);
  early[0] = '#';
  late = g_strdup (expected);
  late[length - 1] = '#';
  shorter = g_strndup (expected, length - 1);

  g_assert_true (flows_oauth_equal_constant_time (expected, expected));
  g_assert_false (flows_oauth_equal_constant_time (early, expected));
  g_assert_false (flows_oauth_equal_constant_time (late, expected));
  g_assert_false (flows_oauth_equal_constant_time (shorter, expected));
  g_assert_false (flows_oauth_equal_constant_time (expected, shorter));
  g_assert_false (flows_oauth_equal_constant_time ("", expected));
  g_assert_false (flows_oauth_equal_constant_time (expected, ""));
  g_assert_false (flows_oauth_equal_constant_time (NULL, expected));
  g_assert_false (flows_oauth_equal_constant_time (expected, NULL));
  g_assert_true (flows_oauth_equal_constant_time ("", ""));

  equal_ns = time_comparison (expected, expected, 20, 7);
  early_ns = time_comparison (early, expected, 20, 7);
  late_ns = time_comparison (late, expected, 20, 7);
  shorter_ns = time_comparison (shorter, expected, 20, 7);
  g_test_message ("256 KiB states: equal %.0f ns, first byte differs %.0f ns, last byte differs %.0f ns, "
                  "one byte shorter %.0f ns", equal_ns, early_ns, late_ns, shorter_ns);

  /* Generous bounds: a shared machine is noisy, an early exit is not subtle. */
  g_assert_cmpfloat (early_ns, >, late_ns / 3);
  g_assert_cmpfloat (early_ns, <, late_ns * 3);
  g_assert_cmpfloat (equal_ns, >, late_ns / 3);
  g_assert_cmpfloat (shorter_ns, >, late_ns / 3);
}

/* The system-browser listener -------------------------------------------------------------------- */

/* One HTTP exchange over a plain socket, in a thread, while the main loop serves. */
typedef struct
{
  GSocketConnection *connection;  /* when given, used (and kept) instead of a new one */
  char              *host;
  guint              port;
  char              *request;
  char              *response;    /* what came back until the peer closed or 2 s passed */
  GError            *error;       /* connecting failed */
  gboolean           done;
} RawExchange;

static gpointer
raw_exchange_thread (gpointer user_data)
{
  RawExchange *exchange = user_data;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) own = NULL;
  GSocketConnection *connection = exchange->connection;
  g_autoptr(GString) response = g_string_new (NULL);
  char buffer[4096];
  gssize got;

  if (connection == NULL)
    {
      g_socket_client_set_timeout (client, 5);
      connection = own = g_socket_client_connect_to_host (client, exchange->host, exchange->port, NULL, &exchange->error);
      if (connection == NULL)
        {
          g_atomic_int_set (&exchange->done, TRUE);
          g_main_context_wakeup (NULL);
          return NULL;
        }
    }

  g_socket_set_timeout (g_socket_connection_get_socket (connection), 2);
  if (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                 exchange->request, strlen (exchange->request), NULL, NULL, NULL))
    while ((got = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                                       buffer, sizeof buffer, NULL, NULL)) > 0)
      {
        g_string_append_len (response, buffer, got);
        /* One response is enough; the connection may stay open. */
        if (strstr (response->str, "\r\n\r\n") != NULL &&
            (strstr (response->str, "Content-Length: 0") != NULL || strstr (response->str, "</html>") != NULL))
          break;
      }
  exchange->response = g_string_free (g_steal_pointer (&response), FALSE);
  g_atomic_int_set (&exchange->done, TRUE);
  /* The main loop may be asleep with nothing of its own to do. */
  g_main_context_wakeup (NULL);
  return NULL;
}

static gboolean
exchange_done (gpointer user_data)
{
  return g_atomic_int_get (&((RawExchange *)user_data)->done);
}

/* Sends @request to 127.0.0.1:@port (or over @connection) and returns the response, NULL with
 * @error when no connection could be made. */
static char *
raw_exchange (GSocketConnection  *connection,
              const char         *host,
              guint               port,
              const char         *request,
              GError            **error)
{
  RawExchange exchange = { connection, (char *)host, port, (char *)request, NULL, NULL, FALSE };
  GThread *thread = g_thread_new ("raw-exchange", raw_exchange_thread, &exchange);

  test_wait_for (exchange_done, &exchange, 15000);
  g_thread_join (thread);
  if (exchange.error != NULL)
    g_propagate_error (error, exchange.error);
  return exchange.response;
}

static char *
redirect_request (const char *host_header,
                  const char *query)
{
  return g_strdup_printf ("GET /oauth/callback?%s HTTP/1.1\r\nHost: %s\r\nConnection: keep-alive\r\n\r\n",
                          query, host_header);
}

static void
assert_refused (guint port)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *response = NULL;
  g_autofree char *host = g_strdup_printf ("127.0.0.1:%u", port);
  g_autofree char *host_request = redirect_request (host, "code=late&state=late");

  response = raw_exchange (NULL, "127.0.0.1", port, host_request, &error);
  g_assert_null (response);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

static void
test_listener_single_use (void)
{
  guint port = test_closed_port ();
  g_autofree char *redirect_url = g_strdup_printf ("http://127.0.0.1:%u/oauth/callback", port);
  g_autofree char *host = g_strdup_printf ("127.0.0.1:%u", port);
  g_autofree char *forged_host = g_strdup_printf ("evil.example:%u", port);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlowsRedirectListener) listener = flows_redirect_listener_new (redirect_url, &error);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) idle = NULL;
  ListenWait wait = { 0 };
  g_autofree char *response = NULL;
  g_autofree char *request = NULL;

  g_assert_no_error (error);
  flows_redirect_listener_wait_async (listener, 60, NULL, listen_wait_on_done, &wait);

  /* A connection that says nothing holds nobody up. */
  idle = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);

  /* A page elsewhere that resolves its own name to 127.0.0.1 (DNS rebinding) sends its own
   * Host: the redirect is not for it. */
  request = redirect_request (forged_host, "code=forged&state=forged");
  response = raw_exchange (NULL, "127.0.0.1", port, request, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (response, "HTTP/1.1 404"));
  g_assert_false (wait.done);
  g_clear_pointer (&response, g_free);
  g_clear_pointer (&request, g_free);

  /* The redirect. */
  request = redirect_request (host, "code=the-code&state=the-state");
  response = raw_exchange (NULL, "127.0.0.1", port, request, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (response, "HTTP/1.1 200"));
  test_wait_for (listen_wait_done, &wait, 5000);
  g_assert_no_error (wait.error);
  test_assert_contains (wait.uri, "code=the-code");
  g_clear_pointer (&response, g_free);
  g_clear_pointer (&request, g_free);

  /* Then nothing more: the idle connection gets no second redirect in… */
  request = redirect_request (host, "code=second&state=second");
  response = raw_exchange (idle, NULL, 0, request, &error);
  g_assert_no_error (error);
  g_test_message ("a second request on a connection opened before: %.12s", response);
  g_assert_false (g_str_has_prefix (response, "HTTP/1.1 200"));
  test_assert_not_contains (wait.uri, "second");

  /* …and a new connection is refused: the socket is closed. */
  test_spin (100);
  assert_refused (port);
  g_free (wait.uri);
}

/* The listener for a redirect URL on @host listens on @kernel_address (as /proc/net shows it)
 * only, not on @other_loopback. */
typedef struct
{
  const char *path;
  const char *host;
  const char *kernel_address;
  const char *other_loopback;
} Loopback;

static const Loopback loopbacks[] = {
  { "/sign-in-hardening/listener/loopback-only/ipv4", "127.0.0.1", "0100007F", "::1" },
  { "/sign-in-hardening/listener/loopback-only/localhost", "localhost", "0100007F", "::1" },
  { "/sign-in-hardening/listener/loopback-only/ipv6", "[::1]", "00000000000000000000000001000000", "127.0.0.1" },
};

static void
test_listener_loopback_only (gconstpointer data)
{
  const Loopback *loopback = data;
  guint port = test_closed_port ();
  g_autofree char *redirect_url = g_strdup_printf ("http://%s:%u/oauth/callback", loopback->host, port);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlowsRedirectListener) listener = flows_redirect_listener_new (redirect_url, &error);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) bound = NULL;
  ListenWait wait = { 0 };

  g_assert_no_error (error);
  if (!flows_redirect_listener_listen (listener, &error))
    {
      /* A machine without IPv6. */
      g_autofree char *message = g_strdup_printf ("cannot listen on %s: %s", redirect_url, error->message);

      g_test_skip (message);
      return;
    }
  flows_redirect_listener_wait_async (listener, 60, cancellable, listen_wait_on_done, &wait);

  bound = listening_addresses (port);
  g_assert_cmpuint (bound->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (bound, 0), ==, loopback->kernel_address);

  /* The other loopback family is not listened on either. */
  if (loopback->other_loopback != NULL)
    {
      g_autofree char *response = NULL;
      g_autofree char *request = redirect_request ("localhost", "code=c&state=s");

      response = raw_exchange (NULL, loopback->other_loopback, port, request, &error);
      g_assert_null (response);
      g_assert_nonnull (error);
      g_clear_error (&error);
    }

  g_cancellable_cancel (cancellable);
  test_wait_for (listen_wait_done, &wait, 5000);
  g_assert_error (wait.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&wait.error);
  assert_refused (port);
}

/* The sign-in window and certificates --------------------------------------------------------------- */

/* The provider's own page is plain HTTP on loopback and sends the browser on to a sign-in page
 * behind a certificate nobody vouches for: the window stops there, before the page is asked
 * for, and says why, on screen until it is closed. */
static void
test_window_refuses_untrusted_certificate (void)
{
  g_autoptr(TestServer) impostor = NULL;
  g_autoptr(TestServer) provider = NULL;
  g_autoptr(TestOAuthApp) oauth_app = NULL;
  g_autofree char *login_url = NULL;
  g_autofree char *authorize_page = NULL;
  g_autofree char *auth_url = NULL;
  g_autofree char *token_url = NULL;
  g_autofree char *markup = NULL;
  g_autofree char *file_after = NULL;
  SignInDrive drive;

  if (!test_need_display () || !test_need_keyring ())
    return;

  impostor = test_server_new_tls ();
  test_server_respond (impostor, "/login", 200, "text/html",
                       "<html><body><form><input id='username'><input id='password'></form></body></html>", -1);
  login_url = test_server_url (impostor, "/login");

  provider = test_server_new ();
  authorize_page = g_strdup_printf ("<html><head><meta http-equiv='refresh' content='0; url=%s'></head>"
                                    "<body>Redirecting…</body></html>", login_url);
  test_server_respond (provider, "/authorize", 200, "text/html", authorize_page, -1);
  auth_url = test_server_url (provider, "/authorize");
  token_url = test_server_url (provider, "/token");
  oauth_app = test_oauth_app_new (NULL, auth_url, token_url, token_url, "client", "tls-hardening-client-secret", NULL);

  sign_in_drive_init_sandbox (&drive);
  sign_in_with_window (&drive, oauth_app);
  g_assert_false (drive.succeeded);
  g_assert_error (drive.error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_test_message ("%s", drive.error->message);
  test_assert_contains (drive.error->message, "127.0.0.1");
  test_assert_contains (drive.error->message, "not trusted");
  test_assert_contains (drive.error->message, "not signed by a known certificate authority");

  /* The provider's page loaded; the impostor was never asked for anything: the handshake
   * failed first. */
  g_assert_cmpuint (test_server_n_requests (provider), >=, 1);
  g_assert_cmpuint (test_server_n_requests (impostor), ==, 0);
  g_assert_cmpuint (drive.n_login, ==, 0);

  /* Why, on screen. */
  g_assert_true (sign_in_window_is_open (drive.window));
  g_assert_cmpstr (sign_in_window_page (drive.window), ==, "error");
  markup = g_markup_escape_text (drive.error->message, -1);
  g_assert_cmpstr (sign_in_window_error_text (drive.window), ==, markup);
  sign_in_window_close (drive.window);

  /* Not signed in, nothing in the keyring. */
  g_assert_null (test_oauth_app_secret (oauth_app, FLOWS_SECRETS_ACCESS_TOKEN_KEY));
  file_after = test_oauth_app_connection_file (oauth_app);
  test_assert_contains (file_after, "\"signedIn\" : false");
  sign_in_drive_clear (&drive);
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);

  test_add_table (look_alikes, test_redirect_look_alikes);
  g_test_add_func ("/sign-in-hardening/redirect/unreadable", test_redirect_unreadable);
  g_test_add_func ("/sign-in-hardening/state/refused", test_state_refused);
  g_test_add_func ("/sign-in-hardening/state/constant-time", test_state_constant_time);
  g_test_add_func ("/sign-in-hardening/listener/single-use", test_listener_single_use);
  test_add_table (loopbacks, test_listener_loopback_only);
  g_test_add_func ("/sign-in-hardening/window/untrusted-certificate", test_window_refuses_untrusted_certificate);

  return g_test_run ();
}
