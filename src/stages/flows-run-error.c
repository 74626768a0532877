/* flows-run-error.c — FLOWS_RUN_ERROR */

#include "config.h"

#include "flows-run-error.h"

G_DEFINE_QUARK (flows-run-error-quark, flows_run_error)
