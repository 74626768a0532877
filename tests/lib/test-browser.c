/* test-browser.c — a user in a browser, played with a SoupSession */

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "test-browser.h"
#include "test-wait.h"

/* No request of a page on loopback should take this long. */
#define PAGE_TIMEOUT_MS 30000

typedef struct
{
  guint  status;
  char  *body;
  char  *location;
} Page;

static void
page_free (Page *page)
{
  g_free (page->body);
  g_free (page->location);
  g_free (page);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Page, page_free)

/* Sends @msg without following redirects, as the test reads each one; NULL when it could not be
 * sent, with @error set (NULL: that fails the test). */
static Page *
send_or_fail (SoupSession  *session,
              SoupMessage  *msg,
              GError      **error)
{
  g_auto(TestAsync) async = { NULL };
  g_autoptr(GBytes) body = NULL;
  Page *page;

  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  g_test_message ("browser: %s %s", soup_message_get_method (msg), g_uri_get_path (soup_message_get_uri (msg)));
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, test_async_ready, &async);
  body = soup_session_send_and_read_finish (session, test_async_wait (&async, PAGE_TIMEOUT_MS), error);
  if (body == NULL)
    return NULL;

  page = g_new0 (Page, 1);
  page->status = soup_message_get_status (msg);
  page->body = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  page->location = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg), "Location"));
  return page;
}

static Page *
send (SoupSession *session,
      SoupMessage *msg)
{
  g_autoptr(GError) error = NULL;
  Page *page = send_or_fail (session, msg, &error);

  g_assert_no_error (error);
  return page;
}

/* The first match of @pattern's group in @html, which must be there. */
static char *
find (const char *html,
      const char *pattern)
{
  g_autoptr(GRegex) regex = g_regex_new (pattern, 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  if (!g_regex_match (regex, html, 0, &match))
    g_error ("the page has nothing that matches %s:\n%s", pattern, html);
  return g_match_info_fetch (match, 1);
}

/* Sends the page's one form, as a browser would: to its action, resolved against the page's
 * address, with its hidden fields and @fields (a form-encoded string). */
static Page *
submit (SoupSession *session,
        const char  *page_url,
        const Page  *page,
        const char  *fields)
{
  g_autofree char *action = find (page->body, "<form method=\"post\" action=\"([^\"]+)\"");
  g_autofree char *request_id = find (page->body, "name=\"request\" value=\"([^\"]+)\"");
  g_autofree char *url = g_uri_resolve_relative (page_url, action, G_URI_FLAGS_NONE, NULL);
  g_autofree char *hidden = soup_form_encode ("request", request_id, NULL);
  g_autofree char *form = g_strconcat (hidden, "&", fields, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_POST, url);
  g_autoptr(GBytes) body = g_bytes_new (form, strlen (form));

  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", body);
  return send (session, msg);
}

char *
test_browse_sandbox_sign_in (const char *authorize_url,
                             const char *user_name,
                             const char *password)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) open = soup_message_new (SOUP_METHOD_GET, authorize_url);
  g_autoptr(Page) login = NULL;
  g_autoptr(Page) consent = NULL;
  g_autoptr(Page) redirect = NULL;
  g_autoptr(Page) back = NULL;
  g_autoptr(SoupMessage) follow = NULL;
  g_autofree char *credentials = soup_form_encode ("username", user_name, "password", password, NULL);
  g_autofree char *decision = soup_form_encode ("decision", "allow", NULL);

  g_assert_nonnull (open);
  login = send (session, open);
  g_assert_cmpuint (login->status, ==, SOUP_STATUS_OK);
  g_assert_nonnull (strstr (login->body, "id=\"username\""));

  consent = submit (session, authorize_url, login, credentials);
  g_assert_cmpuint (consent->status, ==, SOUP_STATUS_OK);
  g_assert_nonnull (strstr (consent->body, "id=\"allow\""));

  redirect = submit (session, authorize_url, consent, decision);
  g_assert_cmpuint (redirect->status, ==, SOUP_STATUS_FOUND);
  g_assert_nonnull (redirect->location);

  /* Back to the client: the program's loopback listener answers with a page of its own. */
  follow = soup_message_new (SOUP_METHOD_GET, redirect->location);
  g_assert_nonnull (follow);
  back = send (session, follow);
  g_assert_cmpuint (back->status, ==, SOUP_STATUS_OK);
  return g_strdup (redirect->location);
}

char *
test_browse_consent (const char  *authorize_url,
                     guint       *status,
                     char       **page)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) open = soup_message_new (SOUP_METHOD_GET, authorize_url);
  g_autoptr(Page) consent = NULL;
  g_autoptr(Page) redirect = NULL;
  g_autoptr(Page) back = NULL;
  g_autoptr(SoupMessage) follow = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (open);
  consent = send (session, open);
  *status = consent->status;
  if (consent->status != SOUP_STATUS_OK || strstr (consent->body, "name=\"decision\"") == NULL)
    {
      *page = g_steal_pointer (&consent->body);
      return NULL;
    }
  *page = NULL;

  redirect = submit (session, authorize_url, consent, "decision=allow");
  *status = redirect->status;
  g_assert_cmpuint (redirect->status, ==, SOUP_STATUS_FOUND);
  g_assert_nonnull (redirect->location);

  /* Back to the client; where nothing listens, the program under test says why. */
  follow = soup_message_new (SOUP_METHOD_GET, redirect->location);
  g_assert_nonnull (follow);
  back = send_or_fail (session, follow, &error);
  if (back == NULL)
    g_test_message ("browser: %s", error->message);
  return g_strdup (redirect->location);
}
