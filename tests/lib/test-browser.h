/* test-browser.h — a user in a browser, played with a SoupSession: the sandbox provider's
 * sign-in and consent pages (or a simulated provider's consent page) filled in and sent as
 * their forms say, and the redirect back to the client followed, for a program under test that
 * opens "the system browser".
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Opens @authorize_url, signs in as @user_name with @password, allows access and follows the
 * redirect back to the client, each request on the default main context (which keeps running,
 * so that servers of the test answer meanwhile). Returns where the provider sent the browser
 * back to; any page other than the expected one fails the test. */
char *test_browse_sandbox_sign_in (const char *authorize_url,
                                   const char *user_name,
                                   const char *password);

/* Opens @authorize_url on a provider that shows one consent form (a hidden "request" field,
 * buttons named "decision"), sends it with decision=allow and follows the redirect back to the
 * client. Returns where the provider sent the browser back to; NULL when the first page was not
 * a consent form (a provider's error page, whose status and text go to @status and @page). */
char *test_browse_consent (const char  *authorize_url,
                           guint       *status,
                           char       **page);

G_END_DECLS
