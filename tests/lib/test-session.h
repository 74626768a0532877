/* test-session.h — what the tests need of the session around them, and sessions of their own.
 *
 * build-aux/session runs the tests on a private D-Bus session bus with a disposable, unlocked
 * GNOME Keyring (and sets FLOWS_TEST_SECRET_SERVICE=1) and an X server: the cases that need them
 * skip without, so that `meson test` on a desktop never writes into the user's own keyring. The
 * cases that need a bus or a keyring in a state of their own (none, locked) start them here and
 * run in a child process of the test program that uses them.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Whether the disposable keyring of build-aux/session is there. */
gboolean     test_have_keyring          (void);
/* The same, skipping the current test (FALSE) without it. */
gboolean     test_need_keyring          (void);
/* Removes every secret of the connection @connection_id of @app_id from the keyring. */
void         test_clear_connection_secrets (const char   *app_id,
                                            const char   *connection_id);
/* Whether there is a display for the programs this test starts (DISPLAY or WAYLAND_DISPLAY);
 * skips the current test (FALSE) without. */
gboolean     test_need_display_server   (void);
/* Whether the NULL-terminated @programs are installed; skips the current test (FALSE) when one
 * is not. */
gboolean     test_need_programs         (const char * const *programs);

/* A launcher whose children die with this process, even when an assertion aborts it. */
GSubprocessLauncher *test_launcher_new  (GSubprocessFlags     flags);
/* A private session bus with its socket in @dir, on which nothing can be activated (no Secret
 * Service, no prompter); its address goes to @address. */
GSubprocess *test_start_bus             (const char          *dir,
                                         char               **address);
/* gnome-keyring-daemon serving the Secret Service on the bus at @address with a login keyring
 * unlocked by a password, its files under @dir; returns once it owns org.freedesktop.secrets. */
GSubprocess *test_start_keyring         (const char          *dir,
                                         const char          *address);
/* Ends @process (NULL: nothing) and waits for it. */
void         test_stop_process          (GSubprocess         *process);
/* Locks the default collection of the Secret Service on the session bus. Locking needs no
 * prompt; unlocking would, and the buses above have no prompter to show one. */
void         test_lock_default_keyring  (void);

/* Runs the current test again in a child process of this program with @env ("NAME=VALUE"
 * overrides, NULL-terminated; NULL for none) and asserts that it passed and printed
 * "child-done"; returns what it printed (standard output and error). The child sees
 * FLOWS_TEST_CHILD=1: test_is_child(). */
char        *test_run_child             (const char * const  *env);
/* The same on a session bus of its own on which there is no Secret Service (test_start_bus()),
 * stopped afterwards. NULL when dbus-daemon is not installed: the current test is skipped. */
char        *test_run_child_without_secret_service (void);
gboolean     test_is_child              (void);

G_END_DECLS
