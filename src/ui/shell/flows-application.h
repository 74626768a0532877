/* flows-application.h — the Flows Studio application: one instance, one library */
#pragma once

#include <adwaita.h>

#include "flows-library.h"
#include "flows-runner.h"
#include "flows-token-refresher.h"

G_BEGIN_DECLS

/* The sample OAuth App that signs in to the sandbox provider, added on a first launch. */
#define FLOWS_SANDBOX_SAMPLE_APP_ID "sandbox-sample"

#define FLOWS_TYPE_APPLICATION (flows_application_get_type ())
G_DECLARE_FINAL_TYPE (FlowsApplication, flows_application, FLOWS, APPLICATION, AdwApplication)

FlowsApplication *flows_application_new         (void);
FlowsLibrary     *flows_application_get_library (FlowsApplication *self);
/* The runner every flow, test and sign-in of the app goes through (one HTTP session). */
FlowsRunner      *flows_application_get_runner  (FlowsApplication *self);

G_END_DECLS
