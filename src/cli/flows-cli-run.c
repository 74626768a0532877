/* flows-cli-run.c — flows-cli run | test: flows against real services, from a terminal */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "flows-cli.h"
#include "flows-enums.h"
#include "flows-json-util.h"
#include "flows-oauth.h"
#include "flows-runner.h"
#include "flows-token-refresher.h"

typedef struct
{
  GMainLoop *loop;
  FlowsRun  *run;
  GError    *error;
} Waiter;

static void
on_run_finished (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Waiter *waiter = user_data;

  waiter->run = flows_runner_run_finish (FLOWS_RUNNER (source), result, &waiter->error);
  g_main_loop_quit (waiter->loop);
}

/* Runs @flow and waits for it, in a main loop of its own; a connection whose token the run
 * refreshes is saved through @library. */
static FlowsRun *
run_and_wait (FlowsLibrary     *library,
              FlowsApp         *app,
              FlowsFlow        *flow,
              GHashTable       *inputs,
              FlowsConnection  *connection,
              GError          **error)
{
  g_autoptr(FlowsRunner) runner = flows_runner_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Waiter waiter = { loop, NULL, NULL };

  flows_token_refresher_attach (runner, library);
  flows_runner_run_async (runner, app, flow, inputs, connection, NULL, NULL, on_run_finished, &waiter);
  g_main_loop_run (loop);

  if (waiter.error != NULL)
    g_propagate_error (error, waiter.error);
  return waiter.run;
}

static char *
format_duration (gint64 microseconds)
{
  if (microseconds < 1000 * 1000)
    return g_strdup_printf (_("%.1f ms"), microseconds / 1000.0);
  return g_strdup_printf (_("%.2f s"), microseconds / 1000000.0);
}

/* One line per stage, with what a reader needs below it: the request, the status, the error. */
static void
print_trace (FlowsRun *run)
{
  GPtrArray *trace = flows_run_get_trace (run);

  g_print ("%s\n", _("Trace:"));
  for (guint i = 0; i < trace->len; i++)
    {
      FlowsTraceEntry *entry = g_ptr_array_index (trace, i);
      g_autofree char *duration = format_duration (entry->finished_at - entry->started_at);
      g_autofree char *indent = g_strnfill (2 * entry->depth, ' ');
      /* Only a Call API stage made a request: the fields of other stages may have any name,
       * "status" and "method" included. */
      gboolean is_call = entry->stage_type == FLOWS_STAGE_TYPE_CALL_API;
      JsonNode *status = is_call && entry->outputs != NULL ? flows_json_walk (entry->outputs, "status") : NULL;
      const char *method = is_call && entry->settings != NULL && json_object_has_member (entry->settings, "method")
                             ? json_object_get_string_member (entry->settings, "method") : NULL;

      g_print ("%s%3u. %-32s %-16s %-9s %10s\n", indent, i + 1,
               *entry->stage_name != '\0' ? entry->stage_name : entry->stage_key,
               flows_enum_to_nick (FLOWS_TYPE_STAGE_TYPE, entry->stage_type),
               entry->route != NULL ? entry->route : "—", duration);
      if (method != NULL)
        g_print ("%s       %s %s\n", indent, method, json_object_get_string_member (entry->settings, "url"));
      if (status != NULL)
        g_print ("%s       HTTP %" G_GINT64_FORMAT " %s, %s\n", indent, json_node_get_int (status),
                 json_object_get_string_member (json_node_get_object (entry->outputs), "reason"),
                 json_object_get_string_member (json_node_get_object (entry->outputs), "contentType"));
      if (entry->error != NULL)
        g_print ("%s       %s %s\n", indent, _("Error:"), entry->error);
    }
}

static void
print_response (JsonNode *run_json)
{
  JsonObject *response = json_object_get_object_member (json_node_get_object (run_json), "response");
  g_autoptr(GList) names = json_object_get_members (response);

  g_print ("%s\n", _("Response:"));
  if (names == NULL)
    g_print ("  %s\n", _("(no fields)"));
  for (GList *l = names; l != NULL; l = l->next)
    {
      g_autofree char *text = flows_json_to_text (json_object_get_member (response, l->data));
      g_print ("  %s: %s\n", (const char *)l->data, text != NULL ? text : "null");
    }
}

int
flows_cli_run (FlowsCliInvocation *invocation)
{
  g_auto(GStrv) assignments = NULL;
  g_autofree char *connection_id = NULL;
  gboolean as_json = FALSE;
  const GOptionEntry entries[] = {
    { "input", 'i', 0, G_OPTION_ARG_STRING_ARRAY, &assignments,
      N_("Give the Trigger input NAME a value"), N_("NAME=VALUE") },
    { "connection", 'c', 0, G_OPTION_ARG_STRING, &connection_id,
      N_("Run with this connection’s values, secrets and tokens"), N_("ID") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the run as JSON"), NULL },
    { NULL }
  };
  g_auto(GStrv) args = NULL;
  g_autoptr(FlowsLibrary) library = NULL;
  g_autoptr(GHashTable) inputs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(FlowsRun) run = NULL;
  g_autoptr(JsonNode) run_json = NULL;
  g_autoptr(GError) error = NULL;
  FlowsConnection *connection = NULL;
  FlowsFlow *flow;
  FlowsApp *app;

  if (!flows_cli_parse_options (invocation, _("APP FLOW [--input NAME=VALUE…] [--connection ID] [--json]"),
                                _("Runs a flow and prints its response and the trace of every stage. Exits 1 when the flow fails."),
                                entries, 2, 2, &args))
    return FLOWS_CLI_EXIT_USAGE;

  for (guint i = 0; assignments != NULL && assignments[i] != NULL; i++)
    {
      const char *equals = strchr (assignments[i], '=');

      if (equals == NULL || equals == assignments[i])
        return flows_cli_usage_error (invocation, _("“%s” is not NAME=VALUE"), assignments[i]);
      g_hash_table_insert (inputs, g_strndup (assignments[i], equals - assignments[i]), g_strdup (equals + 1));
    }

  if (!(library = flows_cli_open_library (invocation)) ||
      !(app = flows_cli_find_app (library, args[0])))
    return FLOWS_CLI_EXIT_FAILED;
  if (!(flow = flows_app_find_flow (app, args[1])))
    return flows_cli_fail (_("“%s” has no flow with the id or name “%s”"), flows_app_get_name (app), args[1]);
  if (connection_id != NULL)
    {
      connection = flows_library_find_connection (library, connection_id);
      if (connection == NULL)
        return flows_cli_fail (_("no connection has the id “%s” (see “flows-cli connection list”)"), connection_id);
      if (g_strcmp0 (flows_connection_get_app_id (connection), flows_app_get_id (app)) != 0)
        return flows_cli_fail (_("connection “%s” belongs to another App"), flows_connection_get_name (connection));
    }

  if (!(run = run_and_wait (library, app, flow, inputs, connection, &error)))
    return flows_cli_fail ("%s", error->message);

  run_json = flows_run_to_json (run);
  if (as_json)
    {
      g_autofree char *text = flows_json_generate (run_json, TRUE);

      g_print ("%s\n", text);
    }
  else
    {
      print_response (run_json);
      print_trace (run);
    }

  if (!flows_run_get_succeeded (run))
    return flows_cli_fail (_("“%s” failed at stage “%s”: %s"), flows_flow_get_name (flow),
                           flows_run_get_failed_stage_name (run) != NULL ? flows_run_get_failed_stage_name (run) : "",
                           flows_run_get_error_message (run));
  return FLOWS_CLI_EXIT_OK;
}

int
flows_cli_test (FlowsCliInvocation *invocation)
{
  g_auto(GStrv) args = NULL;
  g_autoptr(FlowsLibrary) library = NULL;
  g_autoptr(FlowsRun) run = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *duration = NULL;
  g_autofree char *message = NULL;
  FlowsConnection *connection;
  FlowsFlow *flow;
  FlowsApp *app;
  gboolean passed;

  if (!flows_cli_parse_options (invocation, _("CONNECTION"),
                                _("Runs the App’s Connection Test flow with a connection. Prints PASS or FAIL first; exits 0 on PASS, 1 on FAIL."),
                                NULL, 1, 1, &args))
    return FLOWS_CLI_EXIT_USAGE;
  if (!(library = flows_cli_open_library (invocation)))
    return FLOWS_CLI_EXIT_FAILED;
  if (!(connection = flows_library_find_connection (library, args[0])))
    return flows_cli_fail (_("no connection has the id “%s” (see “flows-cli connection list”)"), args[0]);
  if (!(app = flows_cli_find_app (library, flows_connection_get_app_id (connection))))
    return FLOWS_CLI_EXIT_FAILED;
  if (!(flow = flows_app_find_flow_by_role (app, FLOWS_FLOW_ROLE_CONNECTION_TEST)))
    return flows_cli_fail (_("“%s” has no Connection Test flow"), flows_app_get_name (app));

  if (!(run = run_and_wait (library, app, flow, NULL, connection, &error)))
    return flows_cli_fail ("%s", error->message);

  passed = flows_oauth_record_connection_test (connection, run, &message);
  duration = format_duration (flows_run_get_duration (run));

  g_print ("%s\n", passed ? "PASS" : "FAIL");
  if (flows_run_get_http_status (run) != 0)
    g_print (_("HTTP status: %u\n"), flows_run_get_http_status (run));
  else
    g_print ("%s\n", _("HTTP status: none (no request was made)"));
  g_print (_("Duration: %s\n"), duration);
  g_print (_("Message: %s\n"), message);

  if (!flows_library_save_connection (library, connection, &error))
    g_printerr (_("flows-cli: warning: the result was not saved: %s\n"), error->message);

  return passed ? FLOWS_CLI_EXIT_OK : FLOWS_CLI_EXIT_FAILED;
}
