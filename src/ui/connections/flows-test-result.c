/* flows-test-result.c — what a Connection Test did */

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "flows-json-util.h"
#include "flows-stage-catalog.h"
#include "flows-test-result.h"

/* JSON longer than this is cut: a label with megabytes of text would stall the window, and the
 * engine keeps only an excerpt of bodies anyway. */
#define MAX_JSON_CHARS 8000

struct _FlowsTestResult
{
  AdwBin               parent_instance;

  FlowsRun            *run;
  /* The rows of the trace group, to remove them for the next run. */
  GPtrArray           *trace_rows;

  GtkImage            *verdict_icon;
  GtkLabel            *verdict_label;
  GtkLabel            *summary_label;
  GtkLabel            *message_label;
  GtkLabel            *status_label;
  GtkLabel            *duration_label;
  GtkLabel            *flow_label;
  AdwExpanderRow      *response_row;
  GtkLabel            *response_label;
  AdwPreferencesGroup *trace_group;
};

G_DEFINE_FINAL_TYPE (FlowsTestResult, flows_test_result, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_RUN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
format_duration (gint64 microseconds)
{
  if (microseconds < 1000 * 1000)
    return g_strdup_printf (_("%.1f ms"), microseconds / 1000.0);
  return g_strdup_printf (_("%.2f s"), microseconds / 1000000.0);
}

static char *
format_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = NULL;
  g_autofree char *text = NULL;

  if (node == NULL)
    return NULL;

  /* A string (a text body, most often) reads better as itself than as a quoted JSON string. */
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    text = g_strdup (json_node_get_string (node));
  else
    {
      generator = json_generator_new ();
      json_generator_set_pretty (generator, TRUE);
      json_generator_set_indent (generator, 2);
      json_generator_set_root (generator, node);
      text = json_generator_to_data (generator, NULL);
    }

  if (g_utf8_strlen (text, -1) > MAX_JSON_CHARS)
    {
      g_autofree char *head = g_utf8_substring (text, 0, MAX_JSON_CHARS);
      /* Translators: after a long text that was cut */
      return g_strconcat (head, "\n", _("… (cut)"), NULL);
    }
  return g_steal_pointer (&text);
}

static char *
describe_http_status (guint status)
{
  if (status == 0)
    return g_strdup (_("None — no request was made"));
  return g_strdup_printf ("%u %s", status, soup_status_get_phrase (status));
}

/* The last request of the run: its outputs hold the response the verdict rests on. */
static FlowsTraceEntry *
find_last_call (FlowsRun *run)
{
  GPtrArray *trace = flows_run_get_trace (run);

  for (guint i = trace->len; i > 0; i--)
    {
      FlowsTraceEntry *entry = g_ptr_array_index (trace, i - 1);

      if (entry->stage_type == FLOWS_STAGE_TYPE_CALL_API && entry->outputs != NULL &&
          JSON_NODE_HOLDS_OBJECT (entry->outputs))
        return entry;
    }
  return NULL;
}

/* A heading and a block of text, for one part of a stage's trace. */
static void
append_section (GtkBox     *box,
                const char *heading,
                const char *text,
                gboolean    is_error)
{
  GtkWidget *heading_label = gtk_label_new (heading);
  GtkWidget *text_label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (heading_label), 0);
  /* Sections apart from each other, a heading close to its text. */
  if (gtk_widget_get_first_child (GTK_WIDGET (box)) != NULL)
    gtk_widget_set_margin_top (heading_label, 12);
  gtk_widget_add_css_class (heading_label, "caption-heading");
  gtk_widget_add_css_class (heading_label, "dim-label");

  gtk_label_set_xalign (GTK_LABEL (text_label), 0);
  gtk_label_set_wrap (GTK_LABEL (text_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (text_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (text_label), TRUE);
  gtk_widget_add_css_class (text_label, is_error ? "error" : "monospace");

  gtk_box_append (box, heading_label);
  gtk_box_append (box, text_label);
}

static GtkWidget *
create_trace_row (FlowsTraceEntry *entry)
{
  const FlowsStageInfo *info = flows_stage_catalog_lookup (entry->stage_type);
  GtkWidget *row = adw_expander_row_new ();
  GtkWidget *details = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *type_icon = g_object_new (GTK_TYPE_IMAGE,
                                       "icon-name", info->icon_name,
                                       "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                       NULL);
  GtkWidget *outcome_icon = gtk_image_new_from_icon_name (entry->error != NULL ? "dialog-error-symbolic"
                                                                                : "emblem-ok-symbolic");
  const char *name = *entry->stage_name != '\0' ? entry->stage_name : entry->stage_key;
  g_autofree char *title = NULL;
  g_autofree char *duration = format_duration (entry->finished_at - entry->started_at);
  g_autofree char *route = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *settings = NULL;
  g_autofree char *outputs = format_json (entry->outputs);

  /* A stage of a called flow says which flow it belongs to. */
  if (entry->depth > 0)
    /* Translators: a flow's name, then the name of one of its stages */
    title = g_strdup_printf (_("%s ▸ %s"), entry->flow_name, name);
  else
    title = g_strdup (name);

  if (entry->route != NULL)
    /* Translators: the route a stage took, such as “success” or “fail” */
    route = g_strdup_printf (_("took “%s”"), entry->route);
  else
    route = g_strdup (entry->error != NULL ? _("failed") : _("ended the flow"));
  /* Translators: a stage type, what the stage did, and how long it took */
  subtitle = g_strdup_printf (_("%s · %s · %s"), info->name, route, duration);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
  adw_expander_row_add_prefix (ADW_EXPANDER_ROW (row), type_icon);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), outcome_icon);
  gtk_widget_add_css_class (outcome_icon, entry->error != NULL ? "error" : "success");
  gtk_accessible_update_property (GTK_ACCESSIBLE (outcome_icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  entry->error != NULL ? _("Failed") : _("Succeeded"), -1);
  gtk_widget_set_valign (outcome_icon, GTK_ALIGN_CENTER);

  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  if (entry->error != NULL)
    append_section (GTK_BOX (box), _("Error"), entry->error, TRUE);
  if (entry->settings != NULL)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), entry->settings);

      settings = format_json (node);
      append_section (GTK_BOX (box), _("Settings, as resolved"), settings, FALSE);
    }
  if (outputs != NULL)
    append_section (GTK_BOX (box), _("Outputs"), outputs, FALSE);

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (details), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (details), box);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), details);
  /* The failing stage is what the reader came for: show it open. */
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), entry->error != NULL);
  return row;
}

static void
clear_trace (FlowsTestResult *self)
{
  for (guint i = 0; i < self->trace_rows->len; i++)
    adw_preferences_group_remove (self->trace_group, g_ptr_array_index (self->trace_rows, i));
  g_ptr_array_set_size (self->trace_rows, 0);
}

static void
show_response (FlowsTestResult *self)
{
  FlowsTraceEntry *call = find_last_call (self->run);
  JsonObject *outputs = call != NULL ? json_node_get_object (call->outputs) : NULL;
  g_autofree char *body = NULL;

  if (outputs != NULL && json_object_has_member (outputs, "body"))
    body = format_json (json_object_get_member (outputs, "body"));

  gtk_widget_set_visible (GTK_WIDGET (self->response_row), body != NULL && *body != '\0');
  if (body == NULL || *body == '\0')
    return;

  adw_expander_row_set_subtitle (self->response_row,
                                 json_object_has_member (outputs, "contentType")
                                   ? json_object_get_string_member (outputs, "contentType") : "");
  gtk_label_set_text (self->response_label, body);
}

static void
flows_test_result_dispose (GObject *object)
{
  FlowsTestResult *self = (FlowsTestResult *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), FLOWS_TYPE_TEST_RESULT);
  g_clear_object (&self->run);
  g_clear_pointer (&self->trace_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (flows_test_result_parent_class)->dispose (object);
}

static void
flows_test_result_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  FlowsTestResult *self = FLOWS_TEST_RESULT (object);

  switch (prop_id)
    {
    case PROP_RUN:
      g_value_set_object (value, self->run);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_test_result_class_init (FlowsTestResultClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = flows_test_result_dispose;
  object_class->get_property = flows_test_result_get_property;

  properties[PROP_RUN] =
    g_param_spec_object ("run", NULL, NULL, FLOWS_TYPE_RUN,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/flowsstudio/FlowsStudio/flows-test-result.ui");
  gtk_widget_class_bind_template_child (widget_class, FlowsTestResult, verdict_icon);
  gtk_widget_class_bind_template_child (widget_class, FlowsTestResult, verdict_label);
  gtk_widget_class_bind_template_child (widget_class, FlowsTestResult, summary_label);
  gtk_widget_class_bind_template_child (widget_class, FlowsTestResult, message_label);
  gtk_widget_class_bind_template_child (widget_class, FlowsTestResult, status_label);
  gtk_widget_class_bind_template_child (widget_class, FlowsTestResult, duration_label);
  gtk_widget_class_bind_template_child (widget_class, FlowsTestResult, flow_label);
  gtk_widget_class_bind_template_child (widget_class, FlowsTestResult, response_row);
  gtk_widget_class_bind_template_child (widget_class, FlowsTestResult, response_label);
  gtk_widget_class_bind_template_child (widget_class, FlowsTestResult, trace_group);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
flows_test_result_init (FlowsTestResult *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->trace_rows = g_ptr_array_new ();
}

void
flows_test_result_set_run (FlowsTestResult *self,
                           FlowsRun        *run,
                           const char      *connection_name)
{
  GPtrArray *trace;
  gboolean passed;
  g_autoptr(GDateTime) started = NULL;
  g_autofree char *time = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *message = NULL;
  g_autofree char *status = NULL;
  g_autofree char *duration = NULL;

  g_return_if_fail (FLOWS_IS_TEST_RESULT (self));
  g_return_if_fail (run == NULL || FLOWS_IS_RUN (run));

  if (!g_set_object (&self->run, run))
    return;

  clear_trace (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUN]);
  if (run == NULL)
    return;

  passed = flows_run_judge_connection_test (run, &message);
  started = g_date_time_new_from_unix_local (flows_run_get_started_at (run) / G_USEC_PER_SEC);
  /* Translators: the time of day a test ran, see g_date_time_format() */
  time = g_date_time_format (started, _("%H:%M:%S"));
  /* Translators: a connection's name, then the time of day */
  summary = g_strdup_printf (_("“%s”, tested at %s"), connection_name, time);


  /* Not translated: the verdict is the same word in the CLI, logs and bug reports. */
  gtk_label_set_text (self->verdict_label, passed ? "PASS" : "FAIL");
  gtk_widget_remove_css_class (GTK_WIDGET (self->verdict_label), passed ? "error" : "success");
  gtk_widget_add_css_class (GTK_WIDGET (self->verdict_label), passed ? "success" : "error");
  gtk_image_set_from_icon_name (self->verdict_icon, passed ? "emblem-ok-symbolic" : "dialog-error-symbolic");
  gtk_widget_remove_css_class (GTK_WIDGET (self->verdict_icon), passed ? "error" : "success");
  gtk_widget_add_css_class (GTK_WIDGET (self->verdict_icon), passed ? "success" : "error");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->verdict_label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  passed ? _("Test passed") : _("Test failed"), -1);
  gtk_label_set_text (self->summary_label, summary);
  gtk_label_set_text (self->message_label, message);

  status = describe_http_status (flows_run_get_http_status (run));
  duration = format_duration (flows_run_get_duration (run));
  gtk_label_set_text (self->status_label, status);
  gtk_label_set_text (self->duration_label, duration);
  gtk_label_set_text (self->flow_label, flows_run_get_flow_name (run));
  show_response (self);

  trace = flows_run_get_trace (run);
  for (guint i = 0; i < trace->len; i++)
    {
      GtkWidget *row = create_trace_row (g_ptr_array_index (trace, i));

      adw_preferences_group_add (self->trace_group, row);
      g_ptr_array_add (self->trace_rows, row);
    }
}

FlowsRun *
flows_test_result_get_run (FlowsTestResult *self)
{
  g_return_val_if_fail (FLOWS_IS_TEST_RESULT (self), NULL);
  return self->run;
}
