/* fuzz-app.c — the App file loader, flows_document_app_from_json(), on any bytes.
 *
 * Whatever it accepts must save and load again to the same text (flows-document.h promises
 * canonical text); whatever it refuses, it refuses with a FLOWS_DOCUMENT_ERROR in UTF-8.
 */
#include <string.h>

#include "flows-document.h"
#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlowsApp) app = NULL;
  g_autoptr(FlowsApp) again = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;

  /* Not NUL-terminated: the loader must stay within @size. */
  app = flows_document_app_from_json ((const char *)data, size, "fuzz.json", &error);
  if (app == NULL)
    {
      fuzz_check_error (error);
      g_assert_true (error->domain == FLOWS_DOCUMENT_ERROR);
      return 0;
    }

  text = flows_document_app_to_json (app);
  again = flows_document_app_from_json (text, strlen (text), "saved.json", &error);
  if (again == NULL)
    g_error ("a saved App does not load: %s\n%s", error->message, text);
  text_again = flows_document_app_to_json (again);
  g_assert_cmpstr (text, ==, text_again);
  return 0;
}
