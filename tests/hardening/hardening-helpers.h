/* hardening-helpers.h — what the hardening tests share beyond tests/lib: looking for secret
 * bytes in every encoding they could take, giving up root's power to ignore file permissions,
 * and the peak memory of the process.
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

/* Processes and memory ------------------------------------------------------------------------- */

/* As root, gives up the capabilities that ignore file permissions (CAP_DAC_OVERRIDE,
 * CAP_DAC_READ_SEARCH, CAP_FOWNER), so that a read-only directory is read-only for this process
 * too. Only for a child process: it cannot be undone. */
void        hardening_drop_file_capabilities (void);

/* Peak resident memory of this process (VmHWM), in bytes. */
guint64     hardening_peak_rss        (void);
/* Resets the peak to the current size (Linux' /proc/self/clear_refs); FALSE when it cannot. */
gboolean    hardening_reset_peak_rss  (void);

G_END_DECLS
