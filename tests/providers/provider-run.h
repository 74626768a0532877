/* provider-run.h — what the preset tests share: a preset's App made with `flows-cli new-app
 * --provider` in a data directory of its own, its simulated provider, connections to it made
 * with `flows-cli connection add` (the preset's URLs with the simulation's address in place of
 * the provider's host), and flows-cli runs with a "default browser" that opens nothing.
 */
#pragma once

#include "provider-sim.h"
#include "test-cli.h"

G_BEGIN_DECLS

#define PROVIDER_RUN_WAIT_MS 60000
#define PROVIDER_RUN_CLIENT_ID "flows-sim-client"
/* Client secrets of real providers are letters, digits, '-' and '_'. */
#define PROVIDER_RUN_CLIENT_SECRET "sim-secret_7f3a9c2e41b8d605"

typedef struct
{
  char        *preset;
  char        *data_dir;
  ProviderSim *sim;
  char        *app_id;
  char        *connection_id;     /* the first connection's */
  gboolean     signed_in;
} ProviderRun;

/* Makes the "default browser" that opens nothing, under @base_dir. */
void         provider_run_init        (const char         *base_dir);
void         provider_run_shutdown    (void);

/* `flows-cli new-app` with the preset @preset in @data_dir, and its provider's simulation made
 * by @sim_new for the App's redirect URL. */
void         provider_run_start       (ProviderRun        *run,
                                       const char         *preset,
                                       const char         *data_dir,
                                       ProviderSimNew      sim_new);
/* Clears the connections' secrets; stops the simulation. */
void         provider_run_clear       (ProviderRun        *run);

/* flows-cli with @args (NULL-terminated) and the run's --data-dir, @input on standard input. */
TestCli     *provider_run_cli         (ProviderRun        *run,
                                       const char         *input,
                                       const char * const *args);
#define PROVIDER_RUN_CLI(run, input, ...) \
  provider_run_cli ((run), (input), (const char * const []) { __VA_ARGS__, NULL })
/* The environment of those runs (NULL-terminated "NAME=VALUE"). */
const char * const *provider_run_env  (void);

/* A connection named @name with the client secret @secret; returns its id. */
char        *provider_run_add_connection (ProviderRun     *run,
                                          const char      *name,
                                          const char      *secret);
/* A keyring value of the connection @connection_id (NULL when none). */
char        *provider_run_secret      (ProviderRun        *run,
                                       const char         *connection_id,
                                       const char         *key);
/* Asserts that `flows-cli test` says PASS. */
void         provider_run_assert_test_passes (ProviderRun *run);

G_END_DECLS
