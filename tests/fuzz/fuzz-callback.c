/* fuzz-callback.c — the redirect and callback URL parser of flows-oauth.h:
 * flows_oauth_redirect_matches(), flows_oauth_parse_callback(), flows_oauth_check_callback().
 *
 * Input: a redirect URL, a line break, the URL the provider redirected to (no line break: the
 * sandbox's redirect URL). A redirect that matches never carries user information, and every
 * error (they quote the provider's words) is UTF-8.
 */
#include <string.h>

#include <libsoup/soup.h>

#include "flows-oauth.h"
#include "fuzz-common.h"

#define DEFAULT_REDIRECT_URL "http://127.0.0.1:8976/callback"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *input = g_strndup ((const char *)data, size);
  char *line_break = strchr (input, '\n');
  const char *redirect_url = DEFAULT_REDIRECT_URL;
  const char *uri = input;
  g_autoptr(GHashTable) fields = NULL;
  g_autoptr(GError) error = NULL;

  if (line_break != NULL)
    {
      *line_break = '\0';
      redirect_url = input;
      uri = line_break + 1;
    }

  if (flows_oauth_redirect_matches (redirect_url, uri))
    {
      g_autoptr(GUri) parsed = g_uri_parse (uri, SOUP_HTTP_URI_FLAGS, NULL);

      g_assert_nonnull (parsed);
      g_assert_null (g_uri_get_userinfo (parsed));
      g_assert_true (flows_oauth_redirect_matches (redirect_url, redirect_url));
    }

  fields = flows_oauth_parse_callback (uri, &error);
  if (fields == NULL)
    {
      g_assert_true (error->domain == FLOWS_OAUTH_ERROR);
      fuzz_check_error (error);
      return 0;
    }
  g_assert_no_error (error);

  if (flows_oauth_check_callback (fields, "fuzz-state", &error))
    {
      g_assert_cmpstr (g_hash_table_lookup (fields, "state"), ==, "fuzz-state");
      g_assert_nonnull (g_hash_table_lookup (fields, "code"));
      g_assert_null (g_hash_table_lookup (fields, "error"));
    }
  else
    {
      g_assert_true (error->domain == FLOWS_OAUTH_ERROR);
      fuzz_check_error (error);
    }
  return 0;
}
