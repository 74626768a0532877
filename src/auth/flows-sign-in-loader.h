/* flows-sign-in-loader.h — the embedded sign-in window, loaded on the first sign-in.
 *
 * Neither flows-studio nor flows-cli links WebKit or (for flows-cli) GTK: the sign-in window
 * (src/sign-in) is a module of its own, loaded with GModule when it is first needed, so that
 * start-up pays neither for WebKit's libraries nor for their memory, and flows-cli runs on a
 * machine without a display stack (docs/ARCHITECTURE.md, "The sign-in module"). Programs that
 * link the window themselves (tests) get it without loading anything.
 *
 * The interface has no GTK type in it, so that this loader belongs to the auth library: the
 * window is a GObject here, a GtkWindow to those who know GTK.
 */
#pragma once

#include <gio/gio.h>
#include <gmodule.h>

#include "flows-sign-in.h"

G_BEGIN_DECLS

/* Raised whenever FlowsSignInModule changes, so that a stale module is refused, not called. */
#define FLOWS_SIGN_IN_MODULE_ABI 2

/* FlowsSignInWindow's public functions (flows-sign-in-window.h), with the windows as GObjects
 * (GtkWindows) so that callers need neither WebKit nor GTK headers. */
typedef struct
{
  guint       abi;
  /* Opens the display and initialises GTK and libadwaita when the program has not (flows-cli);
   * FALSE when there is no display. */
  gboolean   (*init_display) (void);
  GObject   *(*new_window)   (GObject             *parent,
                              FlowsSignIn         *sign_in);
  void       (*run_async)    (GObject             *window,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data);
  gboolean   (*run_finish)   (GObject             *window,
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
