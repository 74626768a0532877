/* test-browser.h — a user in a browser, played with a SoupSession: the sandbox provider's
 * sign-in and consent pages filled in and sent as their forms say, and the redirect back to
 * the client followed, for a program under test that opens "the system browser".
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

G_END_DECLS
