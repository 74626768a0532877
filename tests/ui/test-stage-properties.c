/* test-stage-properties.c — the flow editor's properties panel, stage palette and Run dialog,
 * each in a window of the test's, on the flows of an OAuth App made from the templates.
 *
 * Edits are made the way a user makes them (text typed into the widget, menu items and buttons
 * activated through their actions) and checked in the stage's settings and the history.
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "flows-app-templates.h"
#include "flows-library.h"
#include "flows-run-dialog.h"
#include "flows-run-private.h"
#include "flows-scope.h"
#include "flows-stage-catalog.h"
#include "flows-stage-palette.h"
#include "flows-stage-properties.h"
#include "flows-validate.h"
#include "test-files.h"
#include "test-ui.h"
#include "test-wait.h"

#define STEP1_NAME "OAuth Step 1 - Build Authorisation URL"
#define STEP2_NAME "OAuth Step 2 - Exchange temporary token for access and refresh token"
#define STEP3_NAME "OAuth Step 3 - Refresh access token"

static char *state_dir;

typedef struct
{
  FlowsApp             *app;
  GtkWindow            *window;
  FlowsStageProperties *properties;
  FlowsHistory         *history;
} Fixture;

/* Helpers ---------------------------------------------------------------------------------- */

static GtkWidget *
find_last_of_type (GtkWidget *widget,
                   GType      type)
{
  for (GtkWidget *child = gtk_widget_get_last_child (widget); child != NULL; child = gtk_widget_get_prev_sibling (child))
    {
      GtkWidget *found = find_last_of_type (child, type);

      if (found != NULL)
        return found;
    }
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, type) ? widget : NULL;
}

static FlowsStage *
stage_by_key (FlowsFlow  *flow,
              const char *key)
{
  FlowsStage *stage = flows_flow_find_stage_by_key (flow, key);

  g_assert_nonnull (stage);
  return stage;
}

static const char *
setting_text (FlowsStage *stage,
              const char *member)
{
  return json_object_get_string_member (flows_stage_get_settings (stage), member);
}

/* The setting's element @index of the array @array, member @member. */
static const char *
item_text (FlowsStage *stage,
           const char *array,
           guint       index,
           const char *member)
{
  JsonArray *items = json_object_get_array_member (flows_stage_get_settings (stage), array);

  return json_object_get_string_member (json_array_get_object_element (items, index), member);
}

/* Types @text at the end of @editable one character at a time, as a keyboard does. */
static void
type_text (GtkWidget  *editable,
           const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      int position = g_utf8_strlen (gtk_editable_get_text (GTK_EDITABLE (editable)), -1);

      gtk_editable_insert_text (GTK_EDITABLE (editable), p, g_utf8_next_char (p) - p, &position);
      gtk_editable_set_position (GTK_EDITABLE (editable), position);
    }
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  if (!test_ui_have_display ())
    return;

  fixture->app = flows_app_new_from_template ("Test OAuth", FLOWS_CONNECTION_TYPE_OAUTH);
  fixture->properties = FLOWS_STAGE_PROPERTIES (flows_stage_properties_new ());
  fixture->window = test_window_new (GTK_WIDGET (fixture->properties), 420, 800);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (!test_ui_have_display ())
    return;

  g_clear_pointer (&fixture->window, test_window_destroy);
  g_clear_object (&fixture->history);
  g_clear_object (&fixture->app);
}

/* Shows @key of the flow called @flow_name in the panel, with a new history of that flow. */
static FlowsStage *
show_stage (Fixture    *fixture,
            const char *flow_name,
            const char *key)
{
  FlowsFlow *flow = flows_app_find_flow (fixture->app, flow_name);
  FlowsStage *stage;

  g_assert_nonnull (flow);
  g_clear_object (&fixture->history);
  fixture->history = flows_history_new (flow);
  stage = stage_by_key (flow, key);
  flows_stage_properties_set_context (fixture->properties, fixture->app, flow, fixture->history);
  flows_stage_properties_set_stage (fixture->properties, stage);
  test_wait_idle ();
  return stage;
}

/* The properties panel -------------------------------------------------------------------------- */

static void
test_edit_uri_undo (Fixture       *fixture,
                    gconstpointer  data)
{
  FlowsStage *stage;
  GtkWidget *uri_base;

  if (!test_need_display ())
    return;

  stage = show_stage (fixture, STEP2_NAME, "exchange");
  uri_base = flows_stage_properties_get_setting_widget (fixture->properties, "uriBase");
  g_assert_true (ADW_IS_ENTRY_ROW (uri_base));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (uri_base)), ==, "<TokenURL>");

  gtk_widget_grab_focus (uri_base);
  type_text (uri_base, "/oauth/token");
  test_wait_idle ();
  g_assert_cmpstr (setting_text (stage, "uriBase"), ==, "<TokenURL>/oauth/token");

  /* Twelve keystrokes, one step. */
  g_assert_true (flows_history_get_can_undo (fixture->history));
  g_assert_true (flows_history_undo (fixture->history));
  g_assert_false (flows_history_get_can_undo (fixture->history));
  test_wait_idle ();
  g_assert_cmpstr (setting_text (stage, "uriBase"), ==, "<TokenURL>");

  /* The panel follows in the same widget, with the focus where it was, and following made no
   * step of its own: redo is still there. */
  g_assert_true (flows_stage_properties_get_setting_widget (fixture->properties, "uriBase") == uri_base);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (uri_base)), ==, "<TokenURL>");
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (fixture->window)), uri_base));
  g_assert_true (flows_history_get_can_redo (fixture->history));

  g_assert_true (flows_history_redo (fixture->history));
  test_wait_idle ();
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (uri_base)), ==, "<TokenURL>/oauth/token");
  g_assert_false (flows_history_get_can_redo (fixture->history));
}

static void
test_lists_and_choices (Fixture       *fixture,
                        gconstpointer  data)
{
  FlowsStage *stage;
  GtkWidget *widget;
  JsonArray *headers;

  if (!test_need_display ())
    return;

  stage = show_stage (fixture, STEP2_NAME, "exchange");
  headers = json_object_get_array_member (flows_stage_get_settings (stage), "headers");
  g_assert_cmpuint (json_array_get_length (headers), ==, 1);

  /* Add a header: one step, and the new row has the focus. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->properties), "properties.add-item", "s", "headers");
  test_wait_idle ();
  headers = json_object_get_array_member (flows_stage_get_settings (stage), "headers");
  g_assert_cmpuint (json_array_get_length (headers), ==, 2);
  widget = flows_stage_properties_get_setting_widget (fixture->properties, "headers[1].name");
  g_assert_true (GTK_IS_ENTRY (widget));
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (fixture->window)), widget));
  type_text (widget, "X-Trace");
  test_wait_idle ();
  g_assert_cmpstr (item_text (stage, "headers", 1, "name"), ==, "X-Trace");

  /* The method drop-down writes the method. */
  widget = flows_stage_properties_get_setting_widget (fixture->properties, "method");
  g_assert_true (ADW_IS_COMBO_ROW (widget));
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (widget)), ==, 1); /* POST */
  adw_combo_row_set_selected (ADW_COMBO_ROW (widget), 2);
  test_wait_idle ();
  g_assert_cmpstr (setting_text (stage, "method"), ==, "PUT");

  /* Another body kind shows its own editor; undo brings the form fields back. */
  g_assert_true (GTK_IS_ENTRY (flows_stage_properties_get_setting_widget (fixture->properties, "body.fields[0].value")));
  widget = flows_stage_properties_get_setting_widget (fixture->properties, "body.kind");
  adw_combo_row_set_selected (ADW_COMBO_ROW (widget), 3); /* raw */
  test_wait_idle ();
  g_assert_null (flows_stage_properties_get_setting_widget (fixture->properties, "body.fields[0].value"));
  g_assert_true (GTK_IS_TEXT_VIEW (flows_stage_properties_get_setting_widget (fixture->properties, "body.text")));
  g_assert_true (flows_history_undo (fixture->history));
  test_wait_idle ();
  g_assert_true (GTK_IS_ENTRY (flows_stage_properties_get_setting_widget (fixture->properties, "body.fields[0].value")));

  /* The success range is two numbers. */
  widget = flows_stage_properties_get_setting_widget (fixture->properties, "successStatus.max");
  g_assert_true (GTK_IS_SPIN_BUTTON (widget));
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (widget)), ==, 299);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (widget), 399);
  test_wait_idle ();
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (flows_stage_get_settings (stage), "successStatus"), "max"), ==, 399);

  /* Remove the header again. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->properties), "properties.remove-item", "(su)", "headers", 1);
  test_wait_idle ();
  headers = json_object_get_array_member (flows_stage_get_settings (stage), "headers");
  g_assert_cmpuint (json_array_get_length (headers), ==, 1);
  g_assert_null (flows_stage_properties_get_setting_widget (fixture->properties, "headers[1].name"));
}

/* The (ss) targets of the menu's items, section by section: "Label: name name …". */
static GPtrArray *
menu_sections (GMenuModel *menu)
{
  GPtrArray *sections = g_ptr_array_new_with_free_func (g_free);

  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);
      g_autofree char *label = NULL;
      GString *text;

      g_assert_nonnull (section);
      g_assert_true (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_LABEL, "s", &label));
      text = g_string_new (label);
      g_string_append_c (text, ':');
      for (int j = 0; j < g_menu_model_get_n_items (section); j++)
        {
          g_autoptr(GVariant) target = g_menu_model_get_item_attribute_value (section, j, G_MENU_ATTRIBUTE_TARGET, G_VARIANT_TYPE ("(ss)"));
          const char *name;

          g_assert_nonnull (target);
          g_variant_get (target, "(&s&s)", NULL, &name);
          g_string_append_printf (text, " %s", name);
        }
      g_ptr_array_add (sections, g_string_free (text, FALSE));
    }
  return sections;
}

static GMenuModel *
open_reference_menu (Fixture    *fixture,
                     const char *setting)
{
  GtkWidget *widget = flows_stage_properties_get_setting_widget (fixture->properties, setting);
  GtkWidget *container = ADW_IS_ENTRY_ROW (widget) ? widget : gtk_widget_get_parent (widget);
  GtkWidget *button = test_find_widget_of_type (container, GTK_TYPE_MENU_BUTTON);
  GMenuModel *menu;

  g_assert_nonnull (button);
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  test_wait_idle ();
  menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button));
  g_assert_nonnull (menu);
  gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
  test_wait_idle ();
  return menu;
}

static void
test_reference_menu (Fixture       *fixture,
                     gconstpointer  data)
{
  FlowsStage *stage;
  g_autoptr(GPtrArray) scope = NULL;
  g_autoptr(GPtrArray) sections = NULL;
  g_autoptr(GString) all = g_string_new (NULL);
  g_autoptr(GString) expected = g_string_new (NULL);
  GMenuModel *menu;
  FlowsFlow *flow;

  if (!test_need_display ())
    return;

  /* Step 2's response stage: parameters, built-ins, the callback's inputs, the exchange. */
  stage = show_stage (fixture, STEP2_NAME, "response");
  flow = flows_app_find_flow (fixture->app, STEP2_NAME);
  menu = open_reference_menu (fixture, "fields[0].value");
  sections = menu_sections (menu);
  for (guint i = 0; i < sections->len; i++)
    g_test_message ("%s", (char *) g_ptr_array_index (sections, i));

  g_assert_cmpuint (sections->len, >=, 4);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (sections, 0),
                                   "Parameters: AuthURL TokenURL RefreshURL ClientID ClientSecret Scopes TestURL"));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (sections, 1), "Built-ins: "));
  g_assert_nonnull (strstr (g_ptr_array_index (sections, 1), " CodeVerifier"));
  g_assert_cmpstr (g_ptr_array_index (sections, 2), ==, "Inputs: code state");
  /* Upstream stages nearest first: the exchange, then the Trigger. */
  g_assert_true (g_str_has_prefix (g_ptr_array_index (sections, 3), "Exchange code for tokens: exchange.status"));
  g_assert_cmpstr (g_ptr_array_index (sections, 4), ==, "Callback: trigger.code trigger.state");

  /* Exactly the scope, in its order. */
  for (guint i = 0; i < sections->len; i++)
    g_string_append (all, strchr (g_ptr_array_index (sections, i), ':') + 1);
  scope = flows_scope_at_stage (fixture->app, flow, stage);
  for (guint i = 0; i < scope->len; i++)
    g_string_append_printf (expected, " %s", ((FlowsScopeEntry *) g_ptr_array_index (scope, i))->name);
  g_assert_cmpstr (all->str, ==, expected->str);

  /* Choosing one inserts <Name> at the cursor. */
  {
    GtkWidget *value = flows_stage_properties_get_setting_widget (fixture->properties, "fields[1].value");

    gtk_editable_set_text (GTK_EDITABLE (value), "");
    gtk_editable_set_position (GTK_EDITABLE (value), 0);
    gtk_widget_activate_action (GTK_WIDGET (fixture->properties), "properties.insert-reference", "(ss)",
                                "fields[1].value", "ClientID");
    test_wait_idle ();
    g_assert_cmpstr (item_text (stage, "fields", 1, "value"), ==, "<ClientID>");
    gtk_editable_set_position (GTK_EDITABLE (value), 1);
    gtk_widget_activate_action (GTK_WIDGET (fixture->properties), "properties.insert-reference", "(ss)",
                                "fields[1].value", "State");
    test_wait_idle ();
    g_assert_cmpstr (item_text (stage, "fields", 1, "value"), ==, "<<State>ClientID>");
  }
}

static void
test_reference_menu_last_run (Fixture       *fixture,
                              gconstpointer  data)
{
  FlowsStage *exchange;
  g_autoptr(FlowsRun) run = NULL;
  g_autoptr(GPtrArray) sections = NULL;
  FlowsTraceEntry *entry;
  const char *last;

  if (!test_need_display ())
    return;

  exchange = stage_by_key (flows_app_find_flow (fixture->app, STEP2_NAME), "exchange");
  show_stage (fixture, STEP2_NAME, "response");

  /* A run whose exchange answered with a token: its paths join the exchange's section. */
  run = _flows_run_new (STEP2_NAME, g_get_real_time ());
  entry = g_new0 (FlowsTraceEntry, 1);
  entry->flow_name = g_strdup (STEP2_NAME);
  entry->stage_id = g_strdup (flows_stage_get_id (exchange));
  entry->stage_key = g_strdup ("exchange");
  entry->stage_name = g_strdup (flows_stage_get_name (exchange));
  entry->stage_type = FLOWS_STAGE_TYPE_CALL_API;
  entry->started_at = g_get_real_time ();
  entry->finished_at = entry->started_at + 42000;
  entry->route = g_strdup ("success");
  entry->settings = json_object_new ();
  entry->outputs = json_from_string ("{\"status\":200,\"body\":{\"access_token\":\"secret-token\",\"expires_in\":3600}}", NULL);
  _flows_run_add_secret (run, "secret-token");
  _flows_run_add_entry (run, entry);
  _flows_run_finish (run, NULL, NULL, NULL, NULL);

  flows_stage_properties_set_last_run (fixture->properties, run);
  sections = menu_sections (open_reference_menu (fixture, "fields[0].value"));
  last = g_ptr_array_index (sections, 3);
  g_assert_true (g_str_has_prefix (last, "Exchange code for tokens: "));
  g_assert_nonnull (strstr (last, " exchange.body.access_token"));
  g_assert_nonnull (strstr (last, " exchange.body.expires_in"));

  /* The last run of a stage shows, redacted. */
  flows_stage_properties_set_stage (fixture->properties, exchange);
  flows_stage_properties_set_trace_entry (fixture->properties, g_ptr_array_index (flows_run_get_trace (run), 0));
  test_wait_idle ();
  {
    /* The outputs are the panel's last text view. */
    GtkWidget *view = find_last_of_type (GTK_WIDGET (fixture->properties), GTK_TYPE_TEXT_VIEW);
    GtkTextIter start, end;
    g_autofree char *text = NULL;

    g_assert_nonnull (view);
    g_assert_true (gtk_widget_is_visible (view));
    gtk_text_buffer_get_bounds (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), &start, &end);
    text = gtk_text_buffer_get_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), &start, &end, FALSE);
    g_assert_nonnull (strstr (text, "\"expires_in\" : 3600"));
    g_assert_null (strstr (text, "secret-token"));
  }
}

static void
test_problem_marks_row (Fixture       *fixture,
                        gconstpointer  data)
{
  FlowsStage *stage;
  FlowsFlow *flow;
  g_autoptr(GPtrArray) problems = NULL;
  GtkWidget *bad;
  GtkWidget *good;
  const char *tooltip;

  if (!test_need_display ())
    return;

  stage = show_stage (fixture, STEP1_NAME, "authorizeUrl");
  flow = flows_app_find_flow (fixture->app, STEP1_NAME);
  bad = flows_stage_properties_get_setting_widget (fixture->properties, "query[0].value");
  good = flows_stage_properties_get_setting_widget (fixture->properties, "query[1].value");

  /* A reference to nothing, typed into the first query parameter's value. */
  gtk_editable_set_text (GTK_EDITABLE (bad), "<NoSuchThing>");
  test_wait_idle ();
  g_assert_cmpstr (item_text (stage, "query", 0, "value"), ==, "<NoSuchThing>");
  problems = flows_validate_flow (fixture->app, flow);
  flows_stage_properties_set_problems (fixture->properties, problems);

  g_assert_true (gtk_widget_has_css_class (bad, "error"));
  tooltip = gtk_widget_get_tooltip_text (bad);
  g_assert_nonnull (tooltip);
  g_assert_nonnull (strstr (tooltip, "NoSuchThing"));
  g_assert_false (gtk_widget_has_css_class (good, "error"));

  /* Fixed, and the mark goes. */
  g_clear_pointer (&problems, g_ptr_array_unref);
  g_assert_true (flows_history_undo (fixture->history));
  problems = flows_validate_flow (fixture->app, flow);
  flows_stage_properties_set_problems (fixture->properties, problems);
  g_assert_false (gtk_widget_has_css_class (bad, "error"));
}

static void
test_name_and_key (Fixture       *fixture,
                   gconstpointer  data)
{
  FlowsStage *stage;
  GtkWidget *entry;

  if (!test_need_display ())
    return;

  stage = show_stage (fixture, STEP1_NAME, "settings");
  entry = test_find_widget_of_type (GTK_WIDGET (fixture->properties), ADW_TYPE_ENTRY_ROW);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, flows_stage_get_name (stage));

  /* A name is one step, applied with Enter. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "Provider settings");
  g_signal_emit_by_name (entry, "entry-activated");
  g_assert_cmpstr (flows_stage_get_name (stage), ==, "Provider settings");
  g_assert_true (flows_history_undo (fixture->history));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, flows_stage_get_name (stage));
  g_assert_false (flows_history_get_can_undo (fixture->history));
}

static gboolean
is_visible_label_with (GtkWidget     *widget,
                       gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_is_drawable (widget) &&
         strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL;
}

/* A key another stage has is said in words under the row, not only in red, and not applied. */
static void
test_duplicate_key_message (Fixture       *fixture,
                            gconstpointer  data)
{
  FlowsStage *stage;
  GtkWidget *key_row;

  if (!test_need_display ())
    return;

  stage = show_stage (fixture, STEP1_NAME, "settings");
  key_row = test_get_widget (GTK_WIDGET (fixture->properties), test_is_row_titled, "Key, for References");
  g_assert_null (test_find_widget (GTK_WIDGET (fixture->properties), is_visible_label_with, "already has this key"));

  gtk_editable_set_text (GTK_EDITABLE (key_row), "optional");
  test_wait_idle ();
  g_assert_true (gtk_widget_has_css_class (key_row, "error"));
  g_assert_nonnull (test_find_widget (GTK_WIDGET (fixture->properties), is_visible_label_with,
                                      "Stage “Optional parameters” already has this key."));
  g_signal_emit_by_name (key_row, "entry-activated");
  g_assert_cmpstr (flows_stage_get_key (stage), ==, "settings");

  /* A good key again: the message goes. */
  gtk_editable_set_text (GTK_EDITABLE (key_row), "provider");
  test_wait_idle ();
  g_assert_false (gtk_widget_has_css_class (key_row, "error"));
  g_assert_null (test_find_widget (GTK_WIDGET (fixture->properties), is_visible_label_with, "already has this key"));
}

/* The JSON of member @member of @stage's settings, compact. */
static char *
setting_json (FlowsStage *stage,
              const char *member)
{
  return json_to_string (json_object_get_member (flows_stage_get_settings (stage), member), FALSE);
}

/* The JSON of the last item of the list @array of @stage's settings, compact. */
static char *
last_item_json (FlowsStage *stage,
                const char *array)
{
  JsonArray *items = json_object_get_array_member (flows_stage_get_settings (stage), array);

  return json_to_string (json_array_get_element (items, json_array_get_length (items) - 1), FALSE);
}

static void
test_new_items_and_body_kinds (Fixture       *fixture,
                               gconstpointer  data)
{
  FlowsStage *stage;
  GtkWidget *kind;
  g_autofree char *form_fields = NULL;
  char *json;

  if (!test_need_display ())
    return;

  /* A new item has every member of its kind of list but the optional ones, in file order. */
  stage = show_stage (fixture, STEP2_NAME, "trigger");
  gtk_widget_activate_action (GTK_WIDGET (fixture->properties), "properties.add-item", "s", "inputs");
  test_wait_idle ();
  json = last_item_json (stage, "inputs");
  g_assert_cmpstr (json, ==, "{\"name\":\"\",\"required\":false,\"default\":\"\",\"sample\":\"\"}");
  g_free (json);
  g_assert_true (GTK_IS_CHECK_BUTTON (flows_stage_properties_get_setting_widget (fixture->properties, "inputs[2].required")));

  stage = show_stage (fixture, STEP2_NAME, "response");
  gtk_widget_activate_action (GTK_WIDGET (fixture->properties), "properties.add-item", "s", "fields");
  test_wait_idle ();
  json = last_item_json (stage, "fields");
  g_assert_cmpstr (json, ==, "{\"name\":\"\",\"value\":\"\",\"mode\":\"fixed\"}");
  g_free (json);

  /* Another body kind is another object: the fields carry over from a form to JSON, a raw body
   * starts as JSON text, no body keeps nothing. */
  stage = show_stage (fixture, STEP2_NAME, "exchange");
  form_fields = json_to_string (json_object_get_member (json_object_get_object_member (flows_stage_get_settings (stage), "body"), "fields"), FALSE);
  kind = flows_stage_properties_get_setting_widget (fixture->properties, "body.kind");
  adw_combo_row_set_selected (ADW_COMBO_ROW (kind), 1); /* json */
  test_wait_idle ();
  json = setting_json (stage, "body");
  g_assert_true (g_str_has_prefix (json, "{\"kind\":\"json\",\"fields\":"));
  g_assert_nonnull (strstr (json, form_fields));
  g_free (json);
  g_assert_true (GTK_IS_DROP_DOWN (flows_stage_properties_get_setting_widget (fixture->properties, "body.fields[0].type")));

  kind = flows_stage_properties_get_setting_widget (fixture->properties, "body.kind");
  adw_combo_row_set_selected (ADW_COMBO_ROW (kind), 3); /* raw */
  test_wait_idle ();
  json = setting_json (stage, "body");
  g_assert_cmpstr (json, ==, "{\"kind\":\"raw\",\"contentType\":\"application/json\",\"text\":\"\"}");
  g_free (json);

  kind = flows_stage_properties_get_setting_widget (fixture->properties, "body.kind");
  adw_combo_row_set_selected (ADW_COMBO_ROW (kind), 0); /* none */
  test_wait_idle ();
  json = setting_json (stage, "body");
  g_assert_cmpstr (json, ==, "{\"kind\":\"none\"}");
  g_free (json);
  g_assert_null (flows_stage_properties_get_setting_widget (fixture->properties, "body.contentType"));
}

/* Saves the panel as @name in $FLOWS_SCREENSHOT_DIR, when it is set. */
static void
save_screenshot (Fixture    *fixture,
                 const char *name)
{
  g_autofree char *shot = NULL;
  g_autoptr(GError) error = NULL;

  if (g_getenv ("FLOWS_SCREENSHOT_DIR") == NULL)
    return;
  /* A few frames, so that the new rows are drawn. */
  for (guint i = 0; i < 10; i++)
    {
      test_wait_idle ();
      g_usleep (20000);
    }
  shot = g_build_filename (g_getenv ("FLOWS_SCREENSHOT_DIR"), name, NULL);
  test_save_snapshot (GTK_WIDGET (fixture->window), shot, &error);
  g_assert_no_error (error);
  g_test_message ("Screenshot: %s", shot);
}

/* A Call API's authentication is a choice with members, as its body is: HTTP Basic brings a
 * user and a password, both with the reference menu; End With Error has its three settings. */
static void
test_auth_and_end_with_error (Fixture       *fixture,
                              gconstpointer  data)
{
  FlowsStage *stage;
  GtkWidget *kind;
  FlowsFlow *flow;
  g_autoptr(FlowsStage) end = NULL;
  g_autoptr(JsonObject) end_settings = NULL;
  char *json;

  if (!test_need_display ())
    return;

  /* Tall enough to show the Authentication group in a screenshot. */
  gtk_window_set_default_size (fixture->window, 420, 1300);
  stage = show_stage (fixture, STEP2_NAME, "exchange");
  /* A stage written before "auth" has none, which is "none". */
  g_assert_false (json_object_has_member (flows_stage_get_settings (stage), "auth"));
  kind = flows_stage_properties_get_setting_widget (fixture->properties, "auth.kind");
  g_assert_true (ADW_IS_COMBO_ROW (kind));
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (kind)), ==, 0);
  adw_combo_row_set_selected (ADW_COMBO_ROW (kind), 1); /* basic */
  test_wait_idle ();
  json = setting_json (stage, "auth");
  g_assert_cmpstr (json, ==, "{\"kind\":\"basic\",\"user\":\"\",\"password\":\"\"}");
  g_free (json);
  g_assert_true (ADW_IS_ENTRY_ROW (flows_stage_properties_get_setting_widget (fixture->properties, "auth.user")));
  g_assert_true (ADW_IS_ENTRY_ROW (flows_stage_properties_get_setting_widget (fixture->properties, "auth.password")));
  gtk_editable_set_text (GTK_EDITABLE (flows_stage_properties_get_setting_widget (fixture->properties, "auth.user")),
                         "<ClientID>");
  gtk_editable_set_text (GTK_EDITABLE (flows_stage_properties_get_setting_widget (fixture->properties, "auth.password")),
                         "<ClientSecret>");
  test_wait_idle ();
  save_screenshot (fixture, "call-api-basic-auth.png");
  kind = flows_stage_properties_get_setting_widget (fixture->properties, "auth.kind");
  adw_combo_row_set_selected (ADW_COMBO_ROW (kind), 0); /* none */
  test_wait_idle ();
  json = setting_json (stage, "auth");
  g_assert_cmpstr (json, ==, "{\"kind\":\"none\"}");
  g_free (json);
  g_assert_null (flows_stage_properties_get_setting_widget (fixture->properties, "auth.user"));

  flow = flows_app_find_flow (fixture->app, STEP2_NAME);
  end = flows_stage_new ("stage-end", "end", FLOWS_STAGE_TYPE_END_WITH_ERROR, "Provider error");
  end_settings = flows_stage_catalog_default_settings (FLOWS_STAGE_TYPE_END_WITH_ERROR);
  flows_stage_set_settings (end, end_settings);
  flows_flow_add_stage (flow, end);
  show_stage (fixture, STEP2_NAME, "end");
  g_assert_true (ADW_IS_ENTRY_ROW (flows_stage_properties_get_setting_widget (fixture->properties, "message")));
  g_assert_true (ADW_IS_ENTRY_ROW (flows_stage_properties_get_setting_widget (fixture->properties, "code")));
  g_assert_nonnull (flows_stage_properties_get_setting_widget (fixture->properties, "needsSignIn"));
  save_screenshot (fixture, "end-with-error-properties.png");
}

/* The palette ------------------------------------------------------------------------------------ */

static void
on_stage_type_activated (FlowsStagePalette *palette,
                         FlowsStageType     stage_type,
                         int               *activated)
{
  *activated = stage_type;
}

static void
test_palette (void)
{
  GtkWindow *window;
  FlowsStagePalette *palette;
  GtkWidget *search;
  int activated = -1;
  FlowsStageType parsed;
  g_autofree char *drop = NULL;

  if (!test_need_display ())
    return;

  palette = FLOWS_STAGE_PALETTE (flows_stage_palette_new ());
  window = test_window_new (GTK_WIDGET (palette), -1, -1);
  g_signal_connect (palette, "stage-type-activated", G_CALLBACK (on_stage_type_activated), &activated);

  g_assert_cmpuint (flows_stage_palette_get_n_visible (palette), ==, 10);
  flows_stage_palette_set_search_text (palette, "end with error");
  g_assert_cmpuint (flows_stage_palette_get_n_visible (palette), ==, 1);
  flows_stage_palette_set_search_text (palette, "api");
  g_assert_cmpuint (flows_stage_palette_get_n_visible (palette), ==, 1);
  search = test_find_widget_of_type (GTK_WIDGET (palette), GTK_TYPE_SEARCH_ENTRY);
  g_signal_emit_by_name (search, "activate");
  g_assert_cmpint (activated, ==, FLOWS_STAGE_TYPE_CALL_API);

  /* Searching looks in descriptions too. */
  flows_stage_palette_set_search_text (palette, "WAITS");
  g_assert_cmpuint (flows_stage_palette_get_n_visible (palette), ==, 1);
  g_signal_emit_by_name (search, "activate");
  g_assert_cmpint (activated, ==, FLOWS_STAGE_TYPE_SLEEP);
  flows_stage_palette_set_search_text (palette, "no such stage");
  g_assert_cmpuint (flows_stage_palette_get_n_visible (palette), ==, 0);

  /* A row's drag carries the type's nick. */
  drop = flows_stage_palette_drop_string (FLOWS_STAGE_TYPE_FOR_EACH);
  g_assert_cmpstr (drop, ==, "flows-stage-type:for-each");
  g_assert_true (flows_stage_palette_type_from_drop (drop, &parsed));
  g_assert_cmpint (parsed, ==, FLOWS_STAGE_TYPE_FOR_EACH);
  g_assert_false (flows_stage_palette_type_from_drop ("flows-stage-type:nope", &parsed));
  g_assert_false (flows_stage_palette_type_from_drop ("call-api", &parsed));

  test_window_destroy (window);
}

/* The Run dialog ---------------------------------------------------------------------------------- */

typedef struct
{
  GHashTable      *inputs;
  FlowsConnection *connection;
  guint            count;
} Requested;

static void
on_run_requested (FlowsRunDialog  *dialog,
                  GHashTable      *inputs,
                  FlowsConnection *connection,
                  Requested       *requested)
{
  g_clear_pointer (&requested->inputs, g_hash_table_unref);
  requested->inputs = g_hash_table_ref (inputs);
  g_set_object (&requested->connection, connection);
  requested->count++;
}

static FlowsRunDialog *
open_run_dialog (FlowsLibrary *library,
                 FlowsApp     *app,
                 FlowsFlow    *flow,
                 Requested    *requested)
{
  FlowsRunDialog *dialog = FLOWS_RUN_DIALOG (flows_run_dialog_new (library, app, flow));

  g_signal_connect (dialog, "run-requested", G_CALLBACK (on_run_requested), requested);
  test_window_show (GTK_WINDOW (dialog));
  return dialog;
}

static const char *
row_text (FlowsRunDialog *dialog,
          const char     *name)
{
  GtkWidget *row = flows_run_dialog_get_input_row (dialog, name);

  g_assert_nonnull (row);
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static void
test_run_dialog_remembers (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL;
  g_autoptr(FlowsLibrary) library = NULL;
  g_autoptr(FlowsApp) app = NULL;
  g_autoptr(FlowsConnection) connection = NULL;
  g_autofree char *state_path = g_build_filename (state_dir, "flows-studio", "test-inputs.ini", NULL);
  g_autofree char *saved = NULL;
  g_autoptr(JsonNode) settings = NULL;
  Requested requested = { NULL, NULL, 0 };
  FlowsFlow *step2;
  FlowsFlow *step3;
  FlowsRunDialog *dialog;
  GStatBuf info;

  if (!test_need_display ())
    return;

  library = test_library_new_temp ("run-dialog-XXXXXX", &data_dir);
  app = test_library_add_template (library, "Test OAuth", FLOWS_CONNECTION_TYPE_OAUTH);
  connection = flows_connection_new ("0b4c5c64-1d0e-4bd4-9a55-3c7f1f5d6e01", flows_app_get_id (app), "Sandbox");
  g_assert_true (flows_library_add_connection (library, connection, &error));
  g_assert_no_error (error);

  /* Step 2's callback also takes an input named like the sensitive ClientSecret parameter. */
  step2 = flows_app_find_flow (app, STEP2_NAME);
  step3 = flows_app_find_flow (app, STEP3_NAME);
  settings = json_from_string (
    "{\"inputs\":[{\"name\":\"code\",\"required\":true,\"default\":\"\",\"sample\":\"sample-code\"},"
    "{\"name\":\"state\",\"required\":true,\"default\":\"fallback\",\"sample\":\"\"},"
    "{\"name\":\"ClientSecret\",\"required\":false,\"default\":\"\",\"sample\":\"\"}]}", NULL);
  flows_stage_set_settings (flows_flow_get_trigger (step2), json_node_get_object (settings));

  /* Nothing remembered: the sample, else the default. */
  dialog = open_run_dialog (library, app, step2, &requested);
  g_assert_cmpstr (row_text (dialog, "code"), ==, "sample-code");
  g_assert_cmpstr (row_text (dialog, "state"), ==, "fallback");
  g_assert_true (ADW_IS_PASSWORD_ENTRY_ROW (flows_run_dialog_get_input_row (dialog, "ClientSecret")));
  g_assert_true (flows_run_dialog_get_connection (dialog) == connection);

  gtk_editable_set_text (GTK_EDITABLE (flows_run_dialog_get_input_row (dialog, "code")), "the-code");
  gtk_editable_set_text (GTK_EDITABLE (flows_run_dialog_get_input_row (dialog, "state")), "the-state");
  gtk_editable_set_text (GTK_EDITABLE (flows_run_dialog_get_input_row (dialog, "ClientSecret")), "hunter2");
  flows_run_dialog_set_connection (dialog, NULL);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "run-dialog.run", NULL);
  test_wait_idle ();

  g_assert_cmpuint (requested.count, ==, 1);
  g_assert_cmpstr (g_hash_table_lookup (requested.inputs, "code"), ==, "the-code");
  g_assert_cmpstr (g_hash_table_lookup (requested.inputs, "ClientSecret"), ==, "hunter2");
  g_assert_null (requested.connection);

  /* Remembered in the state file, only by the user, without the secret. */
  g_assert_true (g_file_get_contents (state_path, &saved, NULL, NULL));
  g_assert_nonnull (strstr (saved, "the-code"));
  g_assert_null (strstr (saved, "hunter2"));
  g_assert_null (strstr (saved, "ClientSecret"));
  g_assert_cmpint (g_stat (state_path, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0600);

  /* The same flow again: its values and its connection choice; the secret is asked again. */
  dialog = open_run_dialog (library, app, step2, &requested);
  g_assert_cmpstr (row_text (dialog, "code"), ==, "the-code");
  g_assert_cmpstr (row_text (dialog, "state"), ==, "the-state");
  g_assert_cmpstr (row_text (dialog, "ClientSecret"), ==, "");
  g_assert_null (flows_run_dialog_get_connection (dialog));
  gtk_window_close (GTK_WINDOW (dialog));
  test_wait_idle ();
  g_assert_cmpuint (requested.count, ==, 1);

  /* Another flow remembers nothing of it. */
  dialog = open_run_dialog (library, app, step3, &requested);
  g_assert_cmpstr (row_text (dialog, "ConnectionID"), ==, "");
  g_assert_null (flows_run_dialog_get_input_row (dialog, "code"));
  g_assert_true (flows_run_dialog_get_connection (dialog) == connection);
  gtk_window_close (GTK_WINDOW (dialog));
  test_wait_idle ();

  g_clear_pointer (&requested.inputs, g_hash_table_unref);
  g_clear_object (&requested.connection);
  g_clear_object (&library);
  test_remove_tree (data_dir);
}

int
main (int    argc,
      char **argv)
{
  int result;

  /* Before GLib reads it: the Run dialog's remembered values go to a directory of the test's. */
  state_dir = test_make_temp_dir ("stage-properties-state-XXXXXX");
  g_setenv ("XDG_STATE_HOME", state_dir, TRUE);

  /* GL under Xvfb costs seconds per window and tests nothing here. */
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  test_ui_init (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/stage-properties/edit-uri-undo", test_edit_uri_undo);
  ADD ("/stage-properties/lists-and-choices", test_lists_and_choices);
  ADD ("/stage-properties/reference-menu", test_reference_menu);
  ADD ("/stage-properties/reference-menu-last-run", test_reference_menu_last_run);
  ADD ("/stage-properties/problem-marks-row", test_problem_marks_row);
  ADD ("/stage-properties/name-and-key", test_name_and_key);
  ADD ("/stage-properties/duplicate-key-message", test_duplicate_key_message);
  ADD ("/stage-properties/new-items-and-body-kinds", test_new_items_and_body_kinds);
  ADD ("/stage-properties/auth-and-end-with-error", test_auth_and_end_with_error);
#undef ADD
  g_test_add_func ("/stage-palette/search-and-activate", test_palette);
  g_test_add_func ("/run-dialog/remembers-inputs", test_run_dialog_remembers);

  result = g_test_run ();
  test_remove_tree (state_dir);
  g_free (state_dir);
  return result;
}
