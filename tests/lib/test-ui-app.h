/* test-ui-app.h — the real FlowsApplication, as flows-studio runs it, on a data directory of the
 * test's: its startup loads (or, for a directory that does not exist yet, creates) the library,
 * and activate opens the main window.
 *
 * Apart from test-ui-host, which stands in for the application: a program uses one or the other.
 */
#pragma once

#include "flows-application.h"
#include "flows-window.h"

G_BEGIN_DECLS

/* Starts the application on the library in @data_dir (FLOWS_STUDIO_DATA_DIR) and returns it,
 * once its window is there. */
FlowsApplication *test_application_start  (const char        *data_dir);
/* Its main window. */
FlowsWindow      *test_application_window (FlowsApplication  *application);
/* Destroys the window and drops the application; *@application is left NULL. */
void              test_application_stop   (FlowsApplication **application);

G_END_DECLS
