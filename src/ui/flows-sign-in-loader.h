/* flows-sign-in-loader.h — the embedded sign-in window, loaded on the first sign-in.
 *
 * flows-studio does not link WebKit: the sign-in window (flows-sign-in-window.c) is a module of
 * its own that is loaded with GModule when it is first needed, so that start-up pays neither
 * for WebKit's libraries nor for their memory (issue 5, item 9). Programs that link the window
 * themselves (flows-cli, tests) get it without loading anything.
 */
#pragma once

#include <adwaita.h>
#include <gmodule.h>

#include "flows-sign-in.h"

G_BEGIN_DECLS

/* Raised whenever FlowsSignInModule changes, so that a stale module is refused, not called. */
#define FLOWS_SIGN_IN_MODULE_ABI 1

/* FlowsSignInWindow's public functions (flows-sign-in-window.h), with the window as a
 * GtkWindow so that callers need no WebKit headers. */
typedef struct
{
  guint       abi;
  GtkWindow *(*new_window) (GtkWindow           *parent,
                            FlowsSignIn         *sign_in);
  void       (*run_async)  (GtkWindow           *window,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data);
  gboolean   (*run_finish) (GtkWindow           *window,
                            GAsyncResult        *result,
                            GError             **error);
} FlowsSignInModule;

/* The module's entry point, looked up by this name; defined in flows-sign-in-window.c. */
#define FLOWS_SIGN_IN_MODULE_ENTRY "flows_sign_in_window_get_module"
G_MODULE_EXPORT const FlowsSignInModule *flows_sign_in_window_get_module (void);

/* The sign-in window's functions: from this program when it links the window, otherwise from
 * the module, loaded once and kept. NULL with @error when the module cannot be found or loaded
 * (a broken installation); a later call tries again. */
const FlowsSignInModule *flows_sign_in_loader_load (GError **error);

G_END_DECLS
