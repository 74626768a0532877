/* hardening-helpers.h — what the hardening tests share: looking for secret bytes in
 * every encoding they could take, running flows-cli, private D-Bus buses with or without a
 * keyring of their own, and giving up root's power to ignore file permissions.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Secret needles ------------------------------------------------------------------------------ */

typedef struct _Needles Needles;

Needles    *needles_new               (void);
void        needles_free              (Needles     *needles);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Needles, needles_free)
/* Adds @secret (at least 12 bytes) as it is, percent-encoded (URL component and form),
 * JSON- and C-escaped, and in base64 and base64url at each of the three alignments a secret can
 * have inside a longer encoded text. @name says which secret it is, in failure messages (never
 * the value). */
void        needles_add               (Needles     *needles,
                                       const char  *name,
                                       const char  *secret);
guint       needles_count             (Needles     *needles);
/* Fails the test when @data holds any needle. Binary data is fine: NULs do not end the search. */
void        needles_assert_absent     (Needles     *needles,
                                       const char  *where,
                                       const void  *data,
                                       gsize        length);
/* The same for every regular file below @directory (symbolic links are not followed); returns
 * how many files were read and adds their sizes to @n_bytes when given. */
guint       needles_assert_absent_in_tree (Needles    *needles,
                                           const char *directory,
                                           guint64    *n_bytes);

/* flows-cli ------------------------------------------------------------------------------------ */

typedef struct
{
  int   status;
  char *out;
  char *err;
} CliResult;

void        cli_result_free           (CliResult   *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CliResult, cli_result_free)

/* $FLOWS_CLI (set by tests/meson.build). */
const char *cli_path                  (void);
/* Runs flows-cli with @argv (NULL-terminated, without the program), @env (NULL-terminated
 * "NAME=VALUE" overrides; "NAME" alone unsets) and @input on standard input, while the default
 * main context keeps running (so that servers inside the test answer). Fails the test on a crash
 * or after @timeout_ms. */
CliResult  *cli_run                   (const char * const *argv,
                                       const char * const *env,
                                       const char  *input,
                                       guint        timeout_ms);

/* Processes and directories --------------------------------------------------------------------- */

/* A new temporary directory (0700). */
char       *hardening_make_dir        (const char  *template_name);
void        hardening_remove_tree     (const char  *path);
/* A launcher whose children die with this process. */
GSubprocessLauncher *hardening_launcher_new (GSubprocessFlags flags);
/* A private session bus in @dir on which nothing can be activated. */
GSubprocess *hardening_start_bus      (const char  *dir,
                                       char       **address);
/* gnome-keyring-daemon serving the Secret Service on @address with a login keyring unlocked by a
 * password, its files under @dir; waits until it owns org.freedesktop.secrets. */
GSubprocess *hardening_start_keyring  (const char  *dir,
                                       const char  *address);
void        hardening_stop            (GSubprocess *process);
/* Whether the programs are installed; skips the test when one is not. */
gboolean    hardening_need_programs   (const char * const *programs);
/* Runs the current test again in a child process of this program with @env ("NAME=VALUE"
 * overrides, NULL-terminated) and asserts that it passed; returns what it printed. The child
 * sees HARDENING_CHILD=1 (hardening_is_child()). */
char       *hardening_run_child       (const char * const *env);
gboolean    hardening_is_child        (void);
/* Set from main(): the path of this test program. */
extern char *hardening_test_program;

/* As root, gives up the capabilities that ignore file permissions (CAP_DAC_OVERRIDE,
 * CAP_DAC_READ_SEARCH, CAP_FOWNER), so that a read-only directory is read-only for this process
 * too. Only for a child process: it cannot be undone. */
void        hardening_drop_file_capabilities (void);

/* Runs the default main context for @ms milliseconds. */
void        hardening_spin            (guint        ms);

/* Peak resident memory of this process (VmHWM), in bytes. */
guint64     hardening_peak_rss        (void);
/* Resets the peak to the current size (Linux' /proc/self/clear_refs); FALSE when it cannot. */
gboolean    hardening_reset_peak_rss  (void);

G_END_DECLS
