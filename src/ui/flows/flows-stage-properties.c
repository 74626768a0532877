/* flows-stage-properties.c — the properties panel of one stage of the flow editor */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "flows-expression.h"
#include "flows-json-util.h"
#include "flows-scope.h"
#include "flows-stage-catalog.h"
#include "flows-stage-properties.h"
#include "flows-stage-registry.h"
#include "flows-validate.h"

/* Output paths of a last run offered per upstream stage, and how deep they go: enough for a
 * token response or a page of results without turning the menu into a dump of the body. */
#define MAX_RUN_PATHS 40
#define MAX_RUN_PATH_DEPTH 4

typedef enum {
  FIELD_TEXT,
  FIELD_MULTILINE,
  FIELD_BOOLEAN,
  FIELD_NUMBER,
  FIELD_CHOICE,
} FieldKind;

/* One setting and the widget that edits it. */
typedef struct
{
  char       *path;       /* "query[2].value" */
  FieldKind   kind;
  GtkWidget  *widget;     /* edits the value; see flows_stage_properties_get_setting_widget() */
  GtkWidget  *marked;     /* shows a problem: the row, or the entry of a list item */
  char       *tooltip;    /* the tooltip of @marked when it shows no problem */
  char       *subtitle;   /* action rows: the subtitle a problem's message takes the place of */
  GStrv       choices;    /* FIELD_CHOICE: the JSON values, in the order of the drop-down */
  const FlowsSettingSpec *spec;    /* FIELD_CHOICE: the choice described, when it is one */
  const FlowsSettingSpec *members; /* FIELD_CHOICE: the members of the object it is in */
  double      fallback;   /* FIELD_NUMBER: shown when the setting is missing */
  guint       integer : 1;
} Field;

struct _FlowsStageProperties
{
  GtkWidget            parent_instance;

  FlowsApp            *app;
  FlowsFlow           *flow;
  FlowsHistory        *history;
  FlowsStage          *stage;
  FlowsRun            *last_run;
  GPtrArray           *problems;      /* FlowsProblem of the stage */
  GPtrArray           *flow_problems; /* the flow's, as last given, for the next stage shown */
  FlowsTraceEntry     *trace_entry;

  GPtrArray           *fields;        /* Field, owned */
  GHashTable          *fields_by_path;
  GHashTable          *lists;         /* array path → its FlowsSettingSpec */
  GHashTable          *add_buttons;   /* array path → its add button */
  GPtrArray           *problem_rows;
  char                *shape;         /* what the widgets were built for, see settings_shape() */
  char                *pending_focus; /* the setting to focus once the widgets are rebuilt */
  guint                rebuild_source;
  /* The widgets list the App's flows (a Call Flow's flow): rebuilt when they change. */
  guint                lists_flows : 1;

  /* Set while widgets are filled from the stage, so that doing so is not an edit. */
  guint                syncing : 1;
  /* Set while an edit of ours goes through the history. */
  guint                writing : 1;

  GtkStack            *stack;
  GtkScrolledWindow   *scroller;
  GtkImage            *type_icon;
  GtkLabel            *type_label;
  AdwPreferencesGroup *problems_group;
  AdwEntryRow         *name_row;
  AdwEntryRow         *key_row;
  GtkLabel            *key_error_label;
  GtkBox              *settings_box;
  AdwPreferencesGroup *last_run_group;
  AdwActionRow        *status_row;
  AdwActionRow        *duration_row;
  AdwActionRow        *error_row;
  GtkWidget           *outputs_label;
  GtkTextView         *resolved_view;
  GtkTextView         *outputs_view;
};

G_DEFINE_FINAL_TYPE (FlowsStageProperties, flows_stage_properties, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void rebuild (FlowsStageProperties *self);
static void apply_problems (FlowsStageProperties *self);

static void
field_free (Field *field)
{
  g_free (field->path);
  g_free (field->tooltip);
  g_free (field->subtitle);
  g_strfreev (field->choices);
  g_free (field);
}

/* Setting paths ---------------------------------------------------------------------------- */

/* One step of a path: a member name, or an array index when @member is NULL. */
typedef struct
{
  char *member;
  guint index;
} PathStep;

static void
path_step_clear (PathStep *step)
{
  g_free (step->member);
}

static GArray *
parse_path (const char *path)
{
  GArray *steps = g_array_new (FALSE, TRUE, sizeof (PathStep));
  const char *p = path;

  g_array_set_clear_func (steps, (GDestroyNotify) path_step_clear);
  while (*p != '\0')
    {
      PathStep step = { NULL, 0 };

      if (*p == '.')
        {
          p++;
          continue;
        }
      if (*p == '[')
        {
          char *end;

          step.index = strtoul (p + 1, &end, 10);
          p = *end == ']' ? end + 1 : end;
        }
      else
        {
          gsize length = strcspn (p, ".[");

          step.member = g_strndup (p, length);
          p += length;
        }
      g_array_append_val (steps, step);
    }
  return steps;
}

static JsonNode *
step_into (JsonNode *node,
           PathStep *step)
{
  if (node == NULL)
    return NULL;
  if (step->member != NULL)
    return JSON_NODE_HOLDS_OBJECT (node) ? json_object_get_member (json_node_get_object (node), step->member) : NULL;
  if (JSON_NODE_HOLDS_ARRAY (node) && step->index < json_array_get_length (json_node_get_array (node)))
    return json_array_get_element (json_node_get_array (node), step->index);
  return NULL;
}

/* The value at @path in @settings, or NULL. */
static JsonNode *
lookup_setting (JsonObject *settings,
                const char *path)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(GArray) steps = parse_path (path);
  JsonNode *node = root;

  json_node_set_object (root, settings);
  for (guint i = 0; i < steps->len && node != NULL; i++)
    node = step_into (node, &g_array_index (steps, PathStep, i));
  return node;
}

/* Sets the member @path names, creating the objects on the way that are missing (a stage saved
 * before "successStatus" existed); FALSE when the path leads through something else. */
static gboolean
store_setting (JsonObject *settings,
               const char *path,
               JsonNode   *value)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(GArray) steps = parse_path (path);
  JsonNode *node = root;
  PathStep *last;

  if (steps->len == 0)
    return FALSE;
  json_node_set_object (root, settings);
  for (guint i = 0; i + 1 < steps->len; i++)
    {
      PathStep *step = &g_array_index (steps, PathStep, i);
      JsonNode *next = step_into (node, step);

      if (next == NULL && step->member != NULL && JSON_NODE_HOLDS_OBJECT (node))
        {
          json_object_set_object_member (json_node_get_object (node), step->member, json_object_new ());
          next = json_object_get_member (json_node_get_object (node), step->member);
        }
      if (next == NULL)
        return FALSE;
      node = next;
    }

  last = &g_array_index (steps, PathStep, steps->len - 1);
  if (last->member == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  json_object_set_member (json_node_get_object (node), last->member, json_node_ref (value));
  return TRUE;
}

/* A copy of the stage's settings to change: the stage's own object is never changed in place. */
static JsonObject *
copy_settings (FlowsStage *stage)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) copy = NULL;

  json_node_set_object (node, flows_stage_get_settings (stage));
  copy = flows_json_deep_copy (node);
  return json_object_ref (json_node_get_object (copy));
}

static guint
array_length (JsonObject *settings,
              const char *path)
{
  JsonNode *node = lookup_setting (settings, path);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_array_get_length (json_node_get_array (node)) : 0;
}

/* TRUE for a choice whose values bring members of their own: the body "kind" of a Call API. */
static gboolean
is_kind_choice (const FlowsSettingSpec *spec)
{
  for (const FlowsSettingChoice *choice = spec->choices; choice != NULL && choice->value != NULL; choice++)
    if (choice->members != NULL)
      return TRUE;
  return FALSE;
}

/* Adds to @names the kind choices of @specs, at any depth. */
static void
collect_kind_choices (const FlowsSettingSpec *specs,
                      GHashTable             *names)
{
  for (const FlowsSettingSpec *spec = specs; spec != NULL && spec->member != NULL; spec++)
    {
      if (is_kind_choice (spec))
        g_hash_table_add (names, (gpointer) spec->member);
      collect_kind_choices (spec->members, names);
      for (const FlowsSettingChoice *choice = spec->choices; choice != NULL && choice->value != NULL; choice++)
        collect_kind_choices (choice->members, names);
    }
}

/* What decides which widgets there are: the length of every list and the value of every choice
 * that brings members (@kinds). When it stays the same, an edit or an undo only changes values
 * in the widgets there are. */
static void
append_shape (GString    *shape,
              JsonNode   *node,
              const char *member,
              GHashTable *kinds)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      g_string_append_c (shape, '{');
      json_object_iter_init_ordered (&iter, json_node_get_object (node));
      while (json_object_iter_next_ordered (&iter, &name, &value))
        if (JSON_NODE_HOLDS_OBJECT (value) || JSON_NODE_HOLDS_ARRAY (value) || g_hash_table_contains (kinds, name))
          append_shape (shape, value, name, kinds);
      g_string_append_c (shape, '}');
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      g_string_append_printf (shape, "%s[%u", member, json_array_get_length (array));
      for (guint i = 0; i < json_array_get_length (array); i++)
        append_shape (shape, json_array_get_element (array, i), NULL, kinds);
      g_string_append_c (shape, ']');
    }
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    g_string_append_printf (shape, "%s=%s;", member, json_node_get_string (node));
}

static char *
settings_shape (FlowsStage *stage)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(GHashTable) kinds = g_hash_table_new (g_str_hash, g_str_equal);
  GString *shape = g_string_new (flows_stage_get_id (stage));

  collect_kind_choices (flows_stage_kind_get_settings (flows_stage_registry_for_stage (stage)), kinds);
  json_node_set_object (node, flows_stage_get_settings (stage));
  append_shape (shape, node, NULL, kinds);
  return g_string_free (shape, FALSE);
}

/* Showing values ---------------------------------------------------------------------------- */

static const char *
node_string (JsonNode *node)
{
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return "";
}

/* Only text that differs is set, so that the cursor of the entry being typed in stays put. */
static void
set_editable_text (GtkEditable *editable,
                   const char  *text)
{
  if (g_strcmp0 (gtk_editable_get_text (editable), text) != 0)
    gtk_editable_set_text (editable, text);
}

static guint
choice_index (Field      *field,
              const char *value)
{
  for (guint i = 0; field->choices[i] != NULL; i++)
    if (g_str_equal (field->choices[i], value))
      return i;
  return GTK_INVALID_LIST_POSITION;
}

static void
show_field_value (FlowsStageProperties *self,
                  Field                *field)
{
  JsonNode *node = lookup_setting (flows_stage_get_settings (self->stage), field->path);

  switch (field->kind)
    {
    case FIELD_TEXT:
      set_editable_text (GTK_EDITABLE (field->widget), node_string (node));
      break;

    case FIELD_MULTILINE:
      {
        GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (field->widget));
        GtkTextIter start, end;
        g_autofree char *shown = NULL;

        gtk_text_buffer_get_bounds (buffer, &start, &end);
        shown = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
        if (g_strcmp0 (shown, node_string (node)) != 0)
          gtk_text_buffer_set_text (buffer, node_string (node), -1);
      }
      break;

    case FIELD_BOOLEAN:
      {
        gboolean value = node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
                         json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);

        if (GTK_IS_SWITCH (field->widget))
          gtk_switch_set_active (GTK_SWITCH (field->widget), value);
        else
          gtk_check_button_set_active (GTK_CHECK_BUTTON (field->widget), value);
      }
      break;

    case FIELD_NUMBER:
      {
        double value = field->fallback;

        if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
            (json_node_get_value_type (node) == G_TYPE_INT64 || json_node_get_value_type (node) == G_TYPE_DOUBLE))
          value = json_node_get_double (node);
        if (gtk_spin_button_get_value (GTK_SPIN_BUTTON (field->widget)) != value)
          gtk_spin_button_set_value (GTK_SPIN_BUTTON (field->widget), value);
      }
      break;

    case FIELD_CHOICE:
      {
        const char *value = node_string (node);
        guint index = choice_index (field, value);

        /* A missing member means the first choice, which is each list's default. */
        if (index == GTK_INVALID_LIST_POSITION && *value == '\0')
          index = 0;
        if (ADW_IS_COMBO_ROW (field->widget))
          adw_combo_row_set_selected (ADW_COMBO_ROW (field->widget), index);
        else
          gtk_drop_down_set_selected (GTK_DROP_DOWN (field->widget), index);
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
show_values (FlowsStageProperties *self)
{
  self->syncing = TRUE;
  for (guint i = 0; i < self->fields->len; i++)
    show_field_value (self, g_ptr_array_index (self->fields, i));
  self->syncing = FALSE;
}

/* Editing ----------------------------------------------------------------------------------- */

/* Hands the new settings to the history. When the change alters the shape, the widgets are
 * rebuilt once the edit is over: the widget whose signal got us here is still at work. */
static void
write_settings (FlowsStageProperties *self,
                JsonObject           *settings,
                const char           *merge_tag)
{
  if (self->history == NULL || self->stage == NULL)
    return;

  self->writing = TRUE;
  flows_history_set_settings (self->history, self->stage, settings, merge_tag);
  self->writing = FALSE;
}

static void
write_field (FlowsStageProperties *self,
             Field                *field,
             JsonNode             *value,
             gboolean              merge)
{
  g_autoptr(JsonObject) settings = NULL;

  if (self->syncing || self->stage == NULL)
    return;

  settings = copy_settings (self->stage);
  if (store_setting (settings, field->path, value))
    write_settings (self, settings, merge ? field->path : NULL);
}

static Field *
field_of (FlowsStageProperties *self,
          GtkWidget            *widget)
{
  return g_object_get_data (G_OBJECT (widget), "flows-field");
}

static void
on_text_changed (GtkEditable          *editable,
                 FlowsStageProperties *self)
{
  g_autoptr(JsonNode) value = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (value, gtk_editable_get_text (editable));
  write_field (self, field_of (self, GTK_WIDGET (editable)), value, TRUE);
}

static void
on_buffer_changed (GtkTextBuffer        *buffer,
                   FlowsStageProperties *self)
{
  GtkWidget *view = g_object_get_data (G_OBJECT (buffer), "flows-view");
  g_autoptr(JsonNode) value = json_node_new (JSON_NODE_VALUE);
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  json_node_set_string (value, text);
  write_field (self, field_of (self, view), value, TRUE);
}

static void
on_switch_active (GtkSwitch            *toggle,
                  GParamSpec           *pspec,
                  FlowsStageProperties *self)
{
  g_autoptr(JsonNode) value = json_node_new (JSON_NODE_VALUE);

  json_node_set_boolean (value, gtk_switch_get_active (toggle));
  write_field (self, field_of (self, GTK_WIDGET (toggle)), value, FALSE);
}

static void
on_check_toggled (GtkCheckButton       *check,
                  FlowsStageProperties *self)
{
  g_autoptr(JsonNode) value = json_node_new (JSON_NODE_VALUE);

  json_node_set_boolean (value, gtk_check_button_get_active (check));
  write_field (self, field_of (self, GTK_WIDGET (check)), value, FALSE);
}

static void
on_spin_value_changed (GtkSpinButton        *spin,
                       FlowsStageProperties *self)
{
  Field *field = field_of (self, GTK_WIDGET (spin));
  g_autoptr(JsonNode) value = json_node_new (JSON_NODE_VALUE);

  if (field->integer)
    json_node_set_int (value, gtk_spin_button_get_value_as_int (spin));
  else
    json_node_set_double (value, gtk_spin_button_get_value (spin));
  write_field (self, field, value, TRUE);
}

/* Whether @previous, the value a member had under another kind, is one for @spec to keep: a list,
 * a text that is not empty, a value of its type. */
static gboolean
carries_over (const FlowsSettingSpec *spec,
              JsonNode               *previous)
{
  if (previous == NULL)
    return FALSE;
  switch (spec->type)
    {
    case FLOWS_SETTING_LIST:
      return JSON_NODE_HOLDS_ARRAY (previous);
    case FLOWS_SETTING_OBJECT:
      return JSON_NODE_HOLDS_OBJECT (previous);
    case FLOWS_SETTING_TEXT:
    case FLOWS_SETTING_CHOICE:
      return *node_string (previous) != '\0';
    case FLOWS_SETTING_BOOLEAN:
      return JSON_NODE_HOLDS_VALUE (previous) && json_node_get_value_type (previous) == G_TYPE_BOOLEAN;
    case FLOWS_SETTING_NUMBER:
    default:
      return JSON_NODE_HOLDS_VALUE (previous) && (json_node_get_value_type (previous) == G_TYPE_INT64 ||
                                                  json_node_get_value_type (previous) == G_TYPE_DOUBLE);
    }
}

/* @old, of the members @members, with @kind_spec set to @value: another kind is another object.
 * The members the new kind brings keep their values from @old where they fit (fields carry over
 * between JSON and form bodies) and take their defaults otherwise; those of other kinds are
 * left out. */
static JsonObject *
switch_kind (JsonObject             *old,
             const FlowsSettingSpec *members,
             const FlowsSettingSpec *kind_spec,
             const char             *value)
{
  const FlowsSettingChoice *chosen = flows_setting_spec_find_choice (kind_spec, value);
  JsonObject *object = json_object_new ();

  for (const FlowsSettingSpec *spec = members; spec->member != NULL; spec++)
    {
      JsonNode *previous = json_object_get_member (old, spec->member);

      if (spec != kind_spec)
        {
          if (previous != NULL)
            json_object_set_member (object, spec->member, json_node_ref (previous));
          continue;
        }

      json_object_set_string_member (object, spec->member, value);
      for (const FlowsSettingSpec *brought = chosen->members; brought != NULL && brought->member != NULL; brought++)
        {
          previous = json_object_get_member (old, brought->member);
          json_object_set_member (object, brought->member,
                                  carries_over (brought, previous) ? json_node_ref (previous)
                                                                   : flows_setting_spec_new_default (brought));
        }
    }
  return object;
}

static void
on_choice_selected (GtkWidget            *widget,
                    GParamSpec           *pspec,
                    FlowsStageProperties *self)
{
  Field *field = field_of (self, widget);
  guint selected = ADW_IS_COMBO_ROW (widget) ? adw_combo_row_get_selected (ADW_COMBO_ROW (widget))
                                             : gtk_drop_down_get_selected (GTK_DROP_DOWN (widget));
  g_autoptr(JsonObject) settings = NULL;
  g_autoptr(JsonNode) value = NULL;

  if (self->syncing || self->stage == NULL || selected == GTK_INVALID_LIST_POSITION)
    return;
  if (g_str_equal (field->choices[selected], node_string (lookup_setting (flows_stage_get_settings (self->stage), field->path))))
    return;

  settings = copy_settings (self->stage);

  /* A choice whose values bring members of their own (a body's kind) makes another object. */
  if (field->spec != NULL && is_kind_choice (field->spec))
    {
      const char *dot = strrchr (field->path, '.');
      g_autofree char *object_path = dot != NULL ? g_strndup (field->path, dot - field->path) : NULL;
      JsonNode *old = object_path != NULL ? lookup_setting (settings, object_path) : NULL;
      g_autoptr(JsonObject) none = json_object_new ();
      g_autoptr(JsonObject) switched = NULL;
      g_autoptr(JsonNode) object = NULL;

      /* A stage saved without the object gets one. */
      switched = switch_kind (object_path == NULL ? settings : old != NULL && JSON_NODE_HOLDS_OBJECT (old) ? json_node_get_object (old) : none,
                              field->members, field->spec, field->choices[selected]);
      if (object_path == NULL)
        {
          write_settings (self, switched, NULL);
          return;
        }
      object = json_node_init_object (json_node_alloc (), switched);
      if (store_setting (settings, object_path, object))
        write_settings (self, settings, NULL);
      return;
    }

  value = json_node_new (JSON_NODE_VALUE);
  json_node_set_string (value, field->choices[selected]);
  if (store_setting (settings, field->path, value))
    write_settings (self, settings, NULL);
}

/* Widgets of settings ----------------------------------------------------------------------- */

static Field *
add_field (FlowsStageProperties *self,
           const char           *path,
           FieldKind             kind,
           GtkWidget            *widget,
           GtkWidget            *marked)
{
  Field *field = g_new0 (Field, 1);

  field->path = g_strdup (path);
  field->kind = kind;
  field->widget = widget;
  field->marked = marked;
  field->tooltip = g_strdup (gtk_widget_get_tooltip_text (marked));
  if (ADW_IS_ACTION_ROW (marked))
    field->subtitle = g_strdup (adw_action_row_get_subtitle (ADW_ACTION_ROW (marked)));
  g_object_set_data (G_OBJECT (widget), "flows-field", field);
  g_ptr_array_add (self->fields, field);
  g_hash_table_insert (self->fields_by_path, field->path, field);
  return field;
}

/* The menu of a text setting's insert-reference button is made when it opens: what is in scope
 * changes with every route and key, and most menus are never opened. */
static GMenuModel *reference_menu_new (FlowsStageProperties *self,
                                       const char           *path);

static void
create_reference_popup (GtkMenuButton *button,
                        gpointer       user_data)
{
  FlowsStageProperties *self = FLOWS_STAGE_PROPERTIES (gtk_widget_get_ancestor (GTK_WIDGET (button), FLOWS_TYPE_STAGE_PROPERTIES));
  g_autoptr(GMenuModel) menu = NULL;

  if (self == NULL)
    return;
  menu = reference_menu_new (self, g_object_get_data (G_OBJECT (button), "flows-path"));
  gtk_menu_button_set_menu_model (button, menu);
}

static GtkWidget *
reference_button_new (const char *path,
                      const char *label)
{
  GtkWidget *button = gtk_menu_button_new ();
  g_autofree char *accessible = g_strdup_printf (_("Insert a reference into %s"), label);

  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "insert-text-symbolic");
  gtk_widget_set_tooltip_text (button, _("Insert Reference"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  g_object_set_data_full (G_OBJECT (button), "flows-path", g_strdup (path), g_free);
  gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (button), create_reference_popup, NULL, NULL);
  return button;
}

static GtkWidget *
add_group (FlowsStageProperties *self,
           const char           *title,
           const char           *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  if (title != NULL)
    adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  /* libadwaita 1.2 reads descriptions as markup; ours show <key.name> literally. */
  if (description != NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (description, -1);

      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), escaped);
    }
  gtk_box_append (self->settings_box, group);
  return group;
}

/* A translated text of a setting's description, which may have none. */
static const char *
translated (const char *text)
{
  return text != NULL ? _(text) : NULL;
}

static void
add_text_row (FlowsStageProperties   *self,
              GtkWidget              *group,
              const char             *path,
              const FlowsSettingSpec *spec)
{
  const char *title = _(spec->label);
  GtkWidget *row = adw_entry_row_new ();

  /* Before the title: it is plain text, not markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_entry_row_set_input_hints (ADW_ENTRY_ROW (row), GTK_INPUT_HINT_NO_SPELLCHECK);
  if (spec->flags & FLOWS_SETTING_REFERENCES)
    adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), reference_button_new (path, title));
  add_field (self, path, FIELD_TEXT, row, row);
  g_signal_connect (row, "changed", G_CALLBACK (on_text_changed), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
}

static void
add_multiline_row (FlowsStageProperties   *self,
                   GtkWidget              *group,
                   const char             *path,
                   const FlowsSettingSpec *spec)
{
  const char *title = _(spec->label);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *view = gtk_text_view_new ();
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));

  gtk_widget_set_margin_top (header, 12);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (header), label);
  gtk_box_append (GTK_BOX (header), reference_button_new (path, title));

  gtk_text_view_set_monospace (GTK_TEXT_VIEW (view), TRUE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 8);
  gtk_widget_set_size_request (view, -1, 120);
  gtk_widget_add_css_class (view, "card");
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);

  add_field (self, path, FIELD_MULTILINE, view, view);
  g_object_set_data (G_OBJECT (buffer), "flows-view", view);
  g_signal_connect (buffer, "changed", G_CALLBACK (on_buffer_changed), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), header);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), view);
}

static GtkWidget *
action_row_new (const char *title,
                const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  /* Before the title: it is plain text, not markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  return row;
}

static void
add_switch_row (FlowsStageProperties   *self,
                GtkWidget              *group,
                const char             *path,
                const FlowsSettingSpec *spec)
{
  const char *title = _(spec->label);
  GtkWidget *row = action_row_new (title, translated (spec->description));
  GtkWidget *toggle = gtk_switch_new ();

  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  /* Which also names the switch by the row's title (its mnemonic label). */
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  add_field (self, path, FIELD_BOOLEAN, toggle, row);
  g_signal_connect (toggle, "notify::active", G_CALLBACK (on_switch_active), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
}

/* The default is shown when the setting is missing. */
static GtkWidget *
spin_button_new (FlowsStageProperties   *self,
                 const char             *path,
                 const FlowsSettingSpec *spec,
                 GtkWidget              *marked)
{
  GtkWidget *spin = gtk_spin_button_new_with_range (spec->minimum, spec->maximum, spec->digits == 0 ? 1 : 0.5);
  Field *field;

  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), spec->digits);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, _(spec->label), -1);
  field = add_field (self, path, FIELD_NUMBER, spin, marked != NULL ? marked : spin);
  field->fallback = spec->default_number;
  field->integer = spec->digits == 0;
  g_signal_connect (spin, "value-changed", G_CALLBACK (on_spin_value_changed), self);
  return spin;
}

static void
add_number_row (FlowsStageProperties   *self,
                GtkWidget              *group,
                const char             *path,
                const FlowsSettingSpec *spec)
{
  GtkWidget *row = action_row_new (_(spec->label), translated (spec->description));
  GtkWidget *spin = spin_button_new (self, path, spec, row);

  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
}

/* The values and the labels of @spec's choices, in order; a choice without a label shows its
 * value (HTTP methods). */
static GtkStringList *
choices_model (const FlowsSettingSpec  *spec,
               GStrv                   *values)
{
  GtkStringList *model = gtk_string_list_new (NULL);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (const FlowsSettingChoice *choice = spec->choices; choice->value != NULL; choice++)
    {
      gtk_string_list_append (model, choice->label != NULL ? _(choice->label) : choice->value);
      g_strv_builder_add (builder, choice->value);
    }
  *values = g_strv_builder_end (builder);
  return model;
}

/* @members: those of the object @spec is a member of. */
static Field *
add_choice_row (FlowsStageProperties   *self,
                GtkWidget              *group,
                const char             *path,
                const FlowsSettingSpec *spec,
                const FlowsSettingSpec *members)
{
  GtkWidget *row = adw_combo_row_new ();
  g_auto(GStrv) values = NULL;
  g_autoptr(GtkStringList) model = choices_model (spec, &values);
  Field *field;

  /* Before the title: it is plain text, not markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(spec->label));
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  field = add_field (self, path, FIELD_CHOICE, row, row);
  field->choices = g_steal_pointer (&values);
  field->spec = spec;
  field->members = members;
  g_signal_connect (row, "notify::selected", G_CALLBACK (on_choice_selected), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return field;
}

static GtkWidget *
item_row_new (FlowsStageProperties   *self,
              const char             *array_path,
              const FlowsSettingSpec *spec,
              guint                   index)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *options = NULL;
  g_autofree char *noun = g_strdup_printf (_(spec->item_noun), index + 1);
  g_autoptr(GPtrArray) switches = g_ptr_array_new ();
  gboolean first_text = TRUE;

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, FALSE);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 8);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, noun, -1);

  for (const FlowsSettingSpec *item = spec->members; item->member != NULL; item++)
    {
      g_autofree char *path = g_strdup_printf ("%s[%u].%s", array_path, index, item->member);
      /* Translators: the accessible name of one field of a list item: "Query parameter 2: Value" */
      g_autofree char *accessible = g_strdup_printf (_("%s: %s"), noun, _(item->label));

      if (item->type == FLOWS_SETTING_TEXT)
        {
          GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
          GtkWidget *entry = gtk_entry_new ();

          options = NULL;
          gtk_widget_set_hexpand (entry, TRUE);
          gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _(item->label));
          gtk_entry_set_input_hints (GTK_ENTRY (entry), GTK_INPUT_HINT_NO_SPELLCHECK);
          gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
          gtk_box_append (GTK_BOX (line), entry);
          if (item->flags & FLOWS_SETTING_REFERENCES)
            gtk_box_append (GTK_BOX (line), reference_button_new (path, accessible));
          add_field (self, path, FIELD_TEXT, entry, entry);
          g_signal_connect (entry, "changed", G_CALLBACK (on_text_changed), self);

          if (first_text)
            {
              GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
              g_autofree char *remove_label = g_strdup_printf (_("Remove %s"), noun);

              gtk_widget_add_css_class (remove, "flat");
              gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
              gtk_widget_set_tooltip_text (remove, _("Remove"));
              gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label, -1);
              gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "properties.remove-item");
              gtk_actionable_set_action_target (GTK_ACTIONABLE (remove), "(su)", array_path, index);
              gtk_box_append (GTK_BOX (line), remove);
              first_text = FALSE;
            }
          gtk_box_append (GTK_BOX (box), line);
          continue;
        }

      if (item->type == FLOWS_SETTING_BOOLEAN)
        {
          GtkWidget *check = gtk_check_button_new_with_label (_(item->label));

          gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
          add_field (self, path, FIELD_BOOLEAN, check, check);
          g_signal_connect (check, "toggled", G_CALLBACK (on_check_toggled), self);
          g_ptr_array_add (switches, check);
        }
      else if (item->type == FLOWS_SETTING_CHOICE)
        {
          g_auto(GStrv) values = NULL;
          g_autoptr(GtkStringList) model = choices_model (item, &values);
          GtkWidget *drop_down = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (model)), NULL);
          Field *field;

          /* Choices share a line below the texts before them. */
          if (options == NULL)
            {
              options = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
              gtk_box_append (GTK_BOX (box), options);
            }
          gtk_widget_set_tooltip_text (drop_down, _(item->label));
          gtk_accessible_update_property (GTK_ACCESSIBLE (drop_down), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
          field = add_field (self, path, FIELD_CHOICE, drop_down, drop_down);
          field->choices = g_steal_pointer (&values);
          g_signal_connect (drop_down, "notify::selected", G_CALLBACK (on_choice_selected), self);
          gtk_box_append (GTK_BOX (options), drop_down);
        }
    }

  /* The check buttons of an item go last, on the line of its last choices or one of their own:
   * they qualify the item as a whole. */
  if (switches->len > 0 && options == NULL)
    {
      options = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      gtk_box_append (GTK_BOX (box), options);
    }
  for (guint i = 0; i < switches->len; i++)
    gtk_box_append (GTK_BOX (options), g_ptr_array_index (switches, i));

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  return row;
}

/* A list setting: a group whose header has the add button, with a row per item. */
static void
add_list (FlowsStageProperties   *self,
          const char             *path,
          const FlowsSettingSpec *spec)
{
  GtkWidget *group = add_group (self, _(spec->label), translated (spec->description));
  GtkWidget *add = gtk_button_new_from_icon_name ("list-add-symbolic");
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *placeholder = gtk_label_new (_("None"));
  guint n_items = array_length (flows_stage_get_settings (self->stage), path);

  gtk_widget_add_css_class (add, "flat");
  gtk_widget_set_valign (add, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (add, _(spec->add_label));
  gtk_accessible_update_property (GTK_ACCESSIBLE (add), GTK_ACCESSIBLE_PROPERTY_LABEL, _(spec->add_label), -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (add), "properties.add-item");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (add), "s", path);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), add);

  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 12);
  gtk_widget_set_margin_bottom (placeholder, 12);
  gtk_list_box_set_placeholder (GTK_LIST_BOX (list), placeholder);
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL, _(spec->label), -1);
  for (guint i = 0; i < n_items; i++)
    gtk_list_box_append (GTK_LIST_BOX (list), item_row_new (self, path, spec, i));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), list);

  g_hash_table_insert (self->lists, g_strdup (path), (gpointer) spec);
  g_hash_table_insert (self->add_buttons, g_strdup (path), add);
}

/* Settings with widgets of their own -------------------------------------------------------- */

/* A Call Flow stage calls a private flow of the App other than its own. */
static void
add_flow_choice_row (FlowsStageProperties   *self,
                     GtkWidget              *group,
                     const char             *path,
                     const FlowsSettingSpec *spec)
{
  GListModel *flows = flows_app_get_flows (self->app);
  g_autoptr(GStrvBuilder) values = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) labels = g_strv_builder_new ();
  g_auto(GStrv) value_list = NULL;
  g_auto(GStrv) label_list = NULL;
  g_autoptr(GtkStringList) model = NULL;
  GtkWidget *row = adw_combo_row_new ();
  Field *field;

  g_strv_builder_add (values, "");
  g_strv_builder_add (labels, _("None Chosen"));
  for (guint i = 0; i < g_list_model_get_n_items (flows); i++)
    {
      g_autoptr(FlowsFlow) flow = g_list_model_get_item (flows, i);

      if (flow == self->flow || flows_flow_get_visibility (flow) != FLOWS_FLOW_VISIBILITY_PRIVATE)
        continue;
      g_strv_builder_add (values, flows_flow_get_id (flow));
      g_strv_builder_add (labels, flows_flow_get_name (flow));
    }
  value_list = g_strv_builder_end (values);
  label_list = g_strv_builder_end (labels);
  model = gtk_string_list_new ((const char * const *) label_list);

  /* Before the title: it is plain text, not markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(spec->label));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _(spec->description));
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  field = add_field (self, path, FIELD_CHOICE, row, row);
  field->choices = g_steal_pointer (&value_list);
  g_signal_connect (row, "notify::selected", G_CALLBACK (on_choice_selected), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  self->lists_flows = TRUE;
}

/* A Call API's success range is one row: two numbers that mean something only together. */
static void
add_range_row (FlowsStageProperties   *self,
               GtkWidget              *group,
               const char             *path,
               const FlowsSettingSpec *spec)
{
  GtkWidget *row = action_row_new (_(spec->label), translated (spec->description));
  GtkWidget *range = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  for (const FlowsSettingSpec *bound = spec->members; bound->member != NULL; bound++)
    {
      g_autofree char *bound_path = g_strdup_printf ("%s.%s", path, bound->member);

      if (bound != spec->members)
        gtk_box_append (GTK_BOX (range), gtk_label_new ("–"));
      gtk_box_append (GTK_BOX (range), spin_button_new (self, bound_path, bound, NULL));
    }
  gtk_widget_set_valign (range, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), range);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
}

typedef void (*BuildSetting) (FlowsStageProperties   *self,
                              GtkWidget              *group,
                              const char             *path,
                              const FlowsSettingSpec *spec);

/* The settings whose widgets are not those of their description's type, by stage type and path. */
static const struct {
  const char   *stage_type;
  const char   *path;
  BuildSetting  build;
} special_settings[] = {
  { "call-api", "successStatus", add_range_row },
  { "call-flow", "flow", add_flow_choice_row },
};

static BuildSetting
find_special_setting (FlowsStageKind *kind,
                      const char     *path)
{
  for (guint i = 0; i < G_N_ELEMENTS (special_settings); i++)
    if (g_str_equal (special_settings[i].stage_type, flows_stage_kind_get_name (kind)) &&
        g_str_equal (special_settings[i].path, path))
      return special_settings[i].build;
  return NULL;
}

/* Building from the description ------------------------------------------------------------- */

typedef struct
{
  FlowsStageKind *kind;
  GHashTable     *groups;  /* the untranslated title of each group made -> the group */
  GtkWidget      *group;   /* the group rows without one of their own go to */
} Building;

/* The group for a row of @spec: its own, made where it first appears, or the current one. */
static GtkWidget *
group_for (FlowsStageProperties   *self,
           Building               *building,
           const FlowsSettingSpec *spec)
{
  if (spec->group != NULL)
    {
      GtkWidget *group = g_hash_table_lookup (building->groups, spec->group);

      if (group == NULL)
        {
          group = add_group (self, _(spec->group), translated (spec->group_description));
          g_hash_table_insert (building->groups, (gpointer) spec->group, group);
        }
      building->group = group;
    }
  else if (building->group == NULL)
    building->group = add_group (self, NULL, NULL);
  return building->group;
}

/* The widgets of the members @specs of the object at @prefix ("" for the settings, "body."). */
static void
add_settings (FlowsStageProperties   *self,
              Building               *building,
              const FlowsSettingSpec *specs,
              const char             *prefix)
{
  JsonObject *settings = flows_stage_get_settings (self->stage);

  for (const FlowsSettingSpec *spec = specs; spec != NULL && spec->member != NULL; spec++)
    {
      g_autofree char *path = g_strconcat (prefix, spec->member, NULL);
      BuildSetting special = find_special_setting (building->kind, path);
      GtkWidget *group;

      /* A list is a group of its own, and the rows after it start another. */
      if (spec->type == FLOWS_SETTING_LIST)
        {
          add_list (self, path, spec);
          building->group = NULL;
          continue;
        }

      group = group_for (self, building, spec);
      if (special != NULL)
        {
          special (self, group, path, spec);
          continue;
        }

      switch (spec->type)
        {
        case FLOWS_SETTING_TEXT:
          if (spec->flags & FLOWS_SETTING_MULTILINE)
            add_multiline_row (self, group, path, spec);
          else
            add_text_row (self, group, path, spec);
          break;

        case FLOWS_SETTING_NUMBER:
          add_number_row (self, group, path, spec);
          break;

        case FLOWS_SETTING_BOOLEAN:
          add_switch_row (self, group, path, spec);
          break;

        case FLOWS_SETTING_CHOICE:
          {
            const FlowsSettingChoice *chosen;

            add_choice_row (self, group, path, spec, specs);
            /* The members the chosen value brings, after it (a body's fields). */
            chosen = flows_setting_spec_find_choice (spec, node_string (lookup_setting (settings, path)));
            if (chosen != NULL)
              add_settings (self, building, chosen->members, prefix);
          }
          break;

        case FLOWS_SETTING_OBJECT:
          {
            g_autofree char *member_prefix = g_strconcat (path, ".", NULL);

            add_settings (self, building, spec->members, member_prefix);
          }
          break;

        case FLOWS_SETTING_LIST:
        default:
          g_assert_not_reached ();
        }
    }
}

static void
build_settings (FlowsStageProperties *self)
{
  g_autoptr(GHashTable) groups = g_hash_table_new (g_str_hash, g_str_equal);
  Building building = { flows_stage_registry_for_stage (self->stage), groups, NULL };

  add_settings (self, &building, flows_stage_kind_get_settings (building.kind), "");
}

/* Rebuilding ---------------------------------------------------------------------------------- */

static Field *
focused_field (FlowsStageProperties *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus == NULL || !gtk_widget_is_ancestor (focus, GTK_WIDGET (self->settings_box)))
    return NULL;
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      if (focus == field->widget || gtk_widget_is_ancestor (focus, field->widget))
        return field;
    }
  return NULL;
}

static void
clear_settings_widgets (FlowsStageProperties *self)
{
  GtkWidget *child;

  /* The widgets go first, while the fields their handlers point to are still there. */
  self->syncing = TRUE;
  g_hash_table_remove_all (self->fields_by_path);
  g_hash_table_remove_all (self->lists);
  g_hash_table_remove_all (self->add_buttons);
  self->lists_flows = FALSE;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->settings_box))) != NULL)
    gtk_box_remove (self->settings_box, child);
  g_ptr_array_set_size (self->fields, 0);
  self->syncing = FALSE;
}

static void
focus_field (Field *field,
             int    position)
{
  GtkWidget *delegate = GTK_IS_EDITABLE (field->widget) ? GTK_WIDGET (gtk_editable_get_delegate (GTK_EDITABLE (field->widget))) : NULL;

  /* Focus without selecting everything, so that typing goes on where it was. */
  if (delegate != NULL && GTK_IS_TEXT (delegate))
    {
      gtk_text_grab_focus_without_selecting (GTK_TEXT (delegate));
      if (position >= 0)
        gtk_editable_set_position (GTK_EDITABLE (field->widget), position);
    }
  else
    gtk_widget_grab_focus (field->widget);
}

static void
rebuild (FlowsStageProperties *self)
{
  Field *focused = focused_field (self);
  g_autofree char *focus_path = NULL;
  int position = -1;

  g_clear_handle_id (&self->rebuild_source, g_source_remove);

  if (self->pending_focus != NULL)
    focus_path = g_steal_pointer (&self->pending_focus);
  else if (focused != NULL)
    {
      focus_path = g_strdup (focused->path);
      if (GTK_IS_EDITABLE (focused->widget))
        position = gtk_editable_get_position (GTK_EDITABLE (focused->widget));
    }

  clear_settings_widgets (self);
  g_clear_pointer (&self->shape, g_free);
  if (self->stage == NULL)
    return;

  self->shape = settings_shape (self->stage);
  build_settings (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->settings_box), self->history != NULL);
  show_values (self);
  apply_problems (self);

  if (focus_path != NULL)
    {
      Field *field = g_hash_table_lookup (self->fields_by_path, focus_path);
      GtkWidget *add = g_hash_table_lookup (self->add_buttons, focus_path);

      if (field != NULL)
        focus_field (field, position);
      else if (add != NULL)
        gtk_widget_grab_focus (add);
    }
}

static gboolean
rebuild_idle (gpointer user_data)
{
  FlowsStageProperties *self = user_data;

  self->rebuild_source = 0;
  rebuild (self);
  return G_SOURCE_REMOVE;
}

static void
on_settings_changed (FlowsStageProperties *self)
{
  g_autofree char *shape = settings_shape (self->stage);

  if (g_strcmp0 (shape, self->shape) == 0)
    {
      show_values (self);
      return;
    }

  /* Our own edit came from a widget that is still handling its signal: rebuild after it. */
  if (self->writing)
    {
      if (self->rebuild_source == 0)
        self->rebuild_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, rebuild_idle, self, NULL);
    }
  else
    rebuild (self);
}

static void
on_app_flows_changed (FlowsStageProperties *self)
{
  if (self->stage != NULL && self->lists_flows)
    rebuild (self);
}

/* List items -------------------------------------------------------------------------------- */

static void
add_item (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  FlowsStageProperties *self = FLOWS_STAGE_PROPERTIES (widget);
  const char *path = g_variant_get_string (parameter, NULL);
  const FlowsSettingSpec *spec = g_hash_table_lookup (self->lists, path);
  g_autoptr(JsonObject) settings = NULL;
  g_autoptr(JsonObject) defaults = NULL;
  JsonNode *item;
  JsonNode *array;

  if (spec == NULL || self->stage == NULL)
    return;

  settings = copy_settings (self->stage);
  array = lookup_setting (settings, path);
  if (array == NULL)
    {
      g_autoptr(JsonNode) empty = json_node_new (JSON_NODE_ARRAY);

      json_node_take_array (empty, json_array_new ());
      store_setting (settings, path, empty);
      array = lookup_setting (settings, path);
    }
  if (array == NULL || !JSON_NODE_HOLDS_ARRAY (array))
    return;

  defaults = flows_setting_spec_new_defaults (spec->members);
  item = json_node_init_object (json_node_alloc (), defaults);
  g_free (self->pending_focus);
  self->pending_focus = g_strdup_printf ("%s[%u].%s", path, json_array_get_length (json_node_get_array (array)),
                                         spec->members[0].member);
  json_array_add_element (json_node_get_array (array), item);
  write_settings (self, settings, NULL);
}

static void
remove_item (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FlowsStageProperties *self = FLOWS_STAGE_PROPERTIES (widget);
  const FlowsSettingSpec *spec;
  const char *path;
  guint index;
  guint length;
  g_autoptr(JsonObject) settings = NULL;
  JsonNode *array;

  g_variant_get (parameter, "(&su)", &path, &index);
  spec = g_hash_table_lookup (self->lists, path);
  if (spec == NULL || self->stage == NULL)
    return;

  settings = copy_settings (self->stage);
  array = lookup_setting (settings, path);
  if (array == NULL || !JSON_NODE_HOLDS_ARRAY (array) || index >= json_array_get_length (json_node_get_array (array)))
    return;

  /* The focus goes to the item that takes the removed one's place, else to the one before,
   * else to the add button: never back to the top of the window. */
  length = json_array_get_length (json_node_get_array (array));
  g_free (self->pending_focus);
  if (length > 1)
    self->pending_focus = g_strdup_printf ("%s[%u].%s", path, MIN (index, length - 2), spec->members[0].member);
  else
    self->pending_focus = g_strdup (path);
  json_array_remove_element (json_node_get_array (array), index);
  write_settings (self, settings, NULL);
}

/* Problems ---------------------------------------------------------------------------------- */

static void
mark_field (Field      *field,
            const char *message)
{
  gboolean invalid = message != NULL;

  if (invalid)
    gtk_widget_add_css_class (field->marked, "error");
  else
    gtk_widget_remove_css_class (field->marked, "error");
  gtk_widget_set_tooltip_text (field->marked, invalid ? message : field->tooltip);
  if (ADW_IS_ACTION_ROW (field->marked))
    adw_action_row_set_subtitle (ADW_ACTION_ROW (field->marked), invalid ? message : (field->subtitle != NULL ? field->subtitle : ""));

  gtk_accessible_update_state (GTK_ACCESSIBLE (field->widget), GTK_ACCESSIBLE_STATE_INVALID,
                               invalid ? GTK_ACCESSIBLE_INVALID_TRUE : GTK_ACCESSIBLE_INVALID_FALSE, -1);
  if (invalid)
    gtk_accessible_update_property (GTK_ACCESSIBLE (field->widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (field->widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

static void
on_problem_row_activated (AdwActionRow         *row,
                          FlowsStageProperties *self)
{
  flows_stage_properties_focus_setting (self, g_object_get_data (G_OBJECT (row), "flows-path"));
}

static void
apply_problems (FlowsStageProperties *self)
{
  g_autoptr(GHashTable) messages = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  for (guint i = 0; i < self->problem_rows->len; i++)
    adw_preferences_group_remove (self->problems_group, g_ptr_array_index (self->problem_rows, i));
  g_ptr_array_set_size (self->problem_rows, 0);

  for (guint i = 0; i < self->problems->len; i++)
    {
      FlowsProblem *problem = g_ptr_array_index (self->problems, i);
      Field *field = problem->setting != NULL ? g_hash_table_lookup (self->fields_by_path, problem->setting) : NULL;

      if (field != NULL)
        {
          /* Several problems of one setting show together. */
          char *previous = g_hash_table_lookup (messages, field->path);
          char *message = previous != NULL ? g_strconcat (previous, "\n", problem->message, NULL) : g_strdup (problem->message);

          g_hash_table_insert (messages, field->path, message);
        }
      else
        {
          /* Not in one widget: the key, the routes, or a setting without a widget of its own. */
          GtkWidget *row = action_row_new (problem->message, problem->setting);

          adw_action_row_set_icon_name (ADW_ACTION_ROW (row), "dialog-warning-symbolic");
          if (problem->setting != NULL && g_hash_table_contains (self->add_buttons, problem->setting))
            {
              gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
              g_object_set_data_full (G_OBJECT (row), "flows-path", g_strdup (problem->setting), g_free);
              g_signal_connect (row, "activated", G_CALLBACK (on_problem_row_activated), self);
            }
          adw_preferences_group_add (self->problems_group, row);
          g_ptr_array_add (self->problem_rows, row);
        }
    }
  gtk_widget_set_visible (GTK_WIDGET (self->problems_group), self->problem_rows->len > 0);

  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      mark_field (field, g_hash_table_lookup (messages, field->path));
    }
}

/* Insert reference ----------------------------------------------------------------------------- */

/* GtkPopoverMenu reads "_" as a mnemonic: access_token must show as typed. */
static char *
escape_mnemonic (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, "_", -1);

  return g_strjoinv ("__", parts);
}

static void
append_reference (GMenu      *section,
                  const char *path,
                  const char *name,
                  const char *description)
{
  g_autofree char *escaped = escape_mnemonic (name);
  g_autofree char *label = NULL;
  g_autoptr(GMenuItem) item = NULL;

  if (description != NULL && *description != '\0' && g_strcmp0 (description, name) != 0)
    {
      g_autofree char *escaped_description = escape_mnemonic (description);

      label = g_strdup_printf ("%s — %s", escaped, escaped_description);
    }
  item = g_menu_item_new (label != NULL ? label : escaped, NULL);
  g_menu_item_set_action_and_target (item, "properties.insert-reference", "(ss)", path, name);
  g_menu_append_item (section, item);
}

/* Whether @path is usable between < and >: validation will accept what the menu offers. */
static gboolean
is_reference_path (const char *path)
{
  g_autofree char *text = g_strdup_printf ("<%s>", path);
  g_autoptr(FlowsExpression) expression = flows_expression_parse (text, NULL);

  return expression != NULL && flows_expression_get_n_references (expression) == 1 &&
         g_str_equal (flows_expression_get_reference (expression, 0), path);
}

static void
collect_run_paths (JsonNode   *node,
                   GString    *path,
                   guint       depth,
                   GPtrArray  *paths)
{
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) || depth >= MAX_RUN_PATH_DEPTH)
    return;

  json_object_iter_init_ordered (&iter, json_node_get_object (node));
  while (json_object_iter_next_ordered (&iter, &member, &value) && paths->len < MAX_RUN_PATHS)
    {
      gsize length = path->len;

      g_string_append_printf (path, ".%s", member);
      if (is_reference_path (path->str))
        {
          g_ptr_array_add (paths, g_strdup (path->str));
          collect_run_paths (value, path, depth + 1, paths);
        }
      g_string_truncate (path, length);
    }
}

/* The paths a stage's outputs had in the last run, under the stage's key. */
static GPtrArray *
run_paths (FlowsStageProperties *self,
           FlowsStage           *stage)
{
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *trace;
  const FlowsTraceEntry *entry = NULL;

  if (self->last_run == NULL)
    return paths;

  /* The last time the stage ran in this flow itself (inside a For Each, the last item). */
  trace = flows_run_get_trace (self->last_run);
  for (guint i = 0; i < trace->len; i++)
    {
      const FlowsTraceEntry *candidate = g_ptr_array_index (trace, i);

      if (candidate->depth == 0 && g_strcmp0 (candidate->stage_id, flows_stage_get_id (stage)) == 0)
        entry = candidate;
    }
  if (entry != NULL)
    {
      g_autoptr(GString) path = g_string_new (flows_stage_get_key (stage));

      collect_run_paths (entry->outputs, path, 0, paths);
    }
  return paths;
}

static GMenuModel *
reference_menu_new (FlowsStageProperties *self,
                    const char           *path)
{
  GMenu *menu = g_menu_new ();
  g_autoptr(GPtrArray) scope = NULL;
  g_autoptr(GMenu) section = NULL;
  g_autoptr(GHashTable) listed = g_hash_table_new (g_str_hash, g_str_equal);
  FlowsScopeKind section_kind = FLOWS_SCOPE_PARAMETER;
  const char *section_stage = NULL;

  if (self->app == NULL || self->flow == NULL || self->stage == NULL)
    return G_MENU_MODEL (menu);

  scope = flows_scope_at_stage (self->app, self->flow, self->stage);
  for (guint i = 0; i <= scope->len; i++)
    {
      FlowsScopeEntry *entry = i < scope->len ? g_ptr_array_index (scope, i) : NULL;

      /* A section ends where the kind, or the upstream stage, changes. */
      if (section != NULL &&
          (entry == NULL || entry->kind != section_kind || g_strcmp0 (entry->stage_id, section_stage) != 0))
        {
          const char *label = NULL;
          FlowsStage *upstream = NULL;

          switch (section_kind)
            {
            case FLOWS_SCOPE_PARAMETER:
              label = _("Parameters");
              break;
            case FLOWS_SCOPE_BUILTIN:
              label = _("Built-ins");
              break;
            case FLOWS_SCOPE_INPUT:
              label = _("Inputs");
              break;
            case FLOWS_SCOPE_STAGE_OUTPUT:
            default:
              upstream = section_stage != NULL ? flows_flow_find_stage (self->flow, section_stage) : NULL;
              label = upstream != NULL ? flows_stage_get_name (upstream) : _("Stage Outputs");
              break;
            }

          if (upstream != NULL)
            {
              g_autoptr(GPtrArray) paths = run_paths (self, upstream);

              for (guint j = 0; j < paths->len; j++)
                if (!g_hash_table_contains (listed, g_ptr_array_index (paths, j)))
                  append_reference (section, path, g_ptr_array_index (paths, j), NULL);
            }
          g_menu_append_section (menu, label, G_MENU_MODEL (section));
          g_clear_object (&section);
        }
      if (entry == NULL)
        break;

      if (section == NULL)
        {
          section = g_menu_new ();
          section_kind = entry->kind;
          section_stage = entry->stage_id;
        }
      append_reference (section, path, entry->name, entry->description);
      g_hash_table_add (listed, entry->name);
    }

  return G_MENU_MODEL (menu);
}

static void
insert_reference (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FlowsStageProperties *self = FLOWS_STAGE_PROPERTIES (widget);
  const char *path;
  const char *name;
  g_autofree char *text = NULL;
  Field *field;

  g_variant_get (parameter, "(&s&s)", &path, &name);
  field = g_hash_table_lookup (self->fields_by_path, path);
  if (field == NULL)
    return;

  text = g_strdup_printf ("<%s>", name);
  if (field->kind == FIELD_TEXT)
    {
      GtkEditable *editable = GTK_EDITABLE (field->widget);
      int position = gtk_editable_get_position (editable);
      int start, end;

      /* In place of the selection, as typing would; one step, as the delete and the insert
       * share the field's merge tag. */
      if (gtk_editable_get_selection_bounds (editable, &start, &end))
        {
          gtk_editable_delete_text (editable, start, end);
          position = start;
        }
      gtk_editable_insert_text (editable, text, -1, &position);
      focus_field (field, position);
    }
  else if (field->kind == FIELD_MULTILINE)
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (field->widget));

      gtk_text_buffer_delete_selection (buffer, TRUE, TRUE);
      gtk_text_buffer_insert_at_cursor (buffer, text, -1);
      gtk_widget_grab_focus (field->widget);
    }
}

/* Last run ------------------------------------------------------------------------------------ */

static void
set_view_json (GtkTextView *view,
               JsonNode    *node)
{
  g_autofree char *text = node != NULL ? json_to_string (node, TRUE) : NULL;

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text != NULL ? text : "", -1);
}

static void
show_trace_entry (FlowsStageProperties *self)
{
  const FlowsTraceEntry *entry = self->trace_entry;
  g_autofree char *status = NULL;
  g_autofree char *duration = NULL;
  g_autoptr(JsonNode) settings = NULL;
  double milliseconds;

  gtk_widget_set_visible (GTK_WIDGET (self->last_run_group), entry != NULL);
  if (entry == NULL)
    return;

  if (entry->error != NULL)
    status = entry->route != NULL ? g_strdup_printf (_("Failed, took the “%s” route"),
                                                                    flows_stage_catalog_output_label (entry->route))
                                  : g_strdup (_("Failed; the run stopped here"));
  else
    status = entry->route != NULL ? g_strdup_printf (_("Succeeded, took the “%s” route"),
                                                                    flows_stage_catalog_output_label (entry->route))
                                  : g_strdup (_("Succeeded; the run ended here"));
  adw_action_row_set_subtitle (self->status_row, status);

  milliseconds = (entry->finished_at - entry->started_at) / 1000.0;
  if (milliseconds < 1000)
    /* Translators: a duration in milliseconds */
    duration = g_strdup_printf (_("%.0f ms"), milliseconds);
  else
    /* Translators: a duration in seconds */
    duration = g_strdup_printf (_("%.2f s"), milliseconds / 1000);
  adw_action_row_set_subtitle (self->duration_row, duration);

  gtk_widget_set_visible (GTK_WIDGET (self->error_row), entry->error != NULL);
  adw_action_row_set_subtitle (self->error_row, entry->error != NULL ? entry->error : "");

  if (entry->settings != NULL)
    {
      settings = json_node_new (JSON_NODE_OBJECT);
      json_node_set_object (settings, entry->settings);
    }
  set_view_json (self->resolved_view, settings);
  gtk_widget_set_visible (self->outputs_label, entry->outputs != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->outputs_view), entry->outputs != NULL);
  set_view_json (self->outputs_view, entry->outputs);
}

/* Name and key -------------------------------------------------------------------------------- */

/* Why @key cannot be the stage's key, or NULL when it can. */
static char *
check_key (FlowsStageProperties *self,
           const char           *key)
{
  FlowsStage *other;

  if (*key == '\0')
    return g_strdup (_("A key is required: later stages refer to this one’s outputs by it."));
  if (!flows_expression_is_identifier (key))
    /* Translators: <key.name> is literal syntax, keep it as is */
    return g_strdup (_("A key starts with a letter or “_” and has only letters, digits and “_”, so that it can be referenced as <key.name>."));
  other = self->flow != NULL ? flows_flow_find_stage_by_key (self->flow, key) : NULL;
  if (other != NULL && other != self->stage)
    return g_strdup_printf (_("Stage “%s” already has this key."), flows_stage_get_name (other));
  return NULL;
}

static void
show_key_error (FlowsStageProperties *self,
                const char           *message)
{
  gboolean invalid = message != NULL;

  if (invalid)
    gtk_widget_add_css_class (GTK_WIDGET (self->key_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->key_row), "error");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->key_row), message);
  /* Said under the row too: a red row alone does not say what is wrong. */
  gtk_label_set_text (self->key_error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->key_error_label), invalid);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->key_row), GTK_ACCESSIBLE_STATE_INVALID,
                               invalid ? GTK_ACCESSIBLE_INVALID_TRUE : GTK_ACCESSIBLE_INVALID_FALSE, -1);
  if (invalid)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->key_row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self->key_row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

static void
on_key_changed (FlowsStageProperties *self)
{
  g_autofree char *error = NULL;

  if (self->syncing || self->stage == NULL)
    return;
  error = check_key (self, gtk_editable_get_text (GTK_EDITABLE (self->key_row)));
  show_key_error (self, error);
}

/* The name and the key are applied as a whole, on Enter or when the row is left: one step each,
 * and no half-typed key that references would be checked against. */
static void
apply_name (FlowsStageProperties *self)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));

  if (self->syncing || self->stage == NULL || self->history == NULL)
    return;
  if (g_strcmp0 (name, flows_stage_get_name (self->stage)) != 0)
    flows_history_set_name (self->history, self->stage, name);
}

static void
apply_key (FlowsStageProperties *self)
{
  const char *key = gtk_editable_get_text (GTK_EDITABLE (self->key_row));
  g_autofree char *error = NULL;

  if (self->syncing || self->stage == NULL || self->history == NULL)
    return;
  error = check_key (self, key);
  if (error == NULL && g_strcmp0 (key, flows_stage_get_key (self->stage)) != 0)
    flows_history_set_key (self->history, self->stage, key);
}

static void
show_name_and_key (FlowsStageProperties *self)
{
  self->syncing = TRUE;
  set_editable_text (GTK_EDITABLE (self->name_row), flows_stage_get_name (self->stage));
  set_editable_text (GTK_EDITABLE (self->key_row), flows_stage_get_key (self->stage));
  self->syncing = FALSE;
  show_key_error (self, NULL);
}

/* Public API ---------------------------------------------------------------------------------- */

static void
take_stage_problems (FlowsStageProperties *self)
{
  GPtrArray *problems = self->flow_problems;

  g_ptr_array_set_size (self->problems, 0);
  for (guint i = 0; problems != NULL && self->stage != NULL && i < problems->len; i++)
    {
      const FlowsProblem *problem = g_ptr_array_index (problems, i);

      if (g_strcmp0 (problem->stage_id, flows_stage_get_id (self->stage)) == 0)
        g_ptr_array_add (self->problems, flows_problem_copy (problem));
    }
}

void
flows_stage_properties_revert_entries (FlowsStageProperties *self)
{
  g_return_if_fail (FLOWS_IS_STAGE_PROPERTIES (self));

  if (self->stage != NULL)
    show_name_and_key (self);
}

GtkWidget *
flows_stage_properties_new (void)
{
  return g_object_new (FLOWS_TYPE_STAGE_PROPERTIES, NULL);
}

void
flows_stage_properties_set_context (FlowsStageProperties *self,
                                    FlowsApp             *app,
                                    FlowsFlow            *flow,
                                    FlowsHistory         *history)
{
  g_return_if_fail (FLOWS_IS_STAGE_PROPERTIES (self));
  g_return_if_fail (app == NULL || FLOWS_IS_APP (app));
  g_return_if_fail (flow == NULL || FLOWS_IS_FLOW (flow));
  g_return_if_fail (history == NULL || FLOWS_IS_HISTORY (history));

  flows_stage_properties_set_stage (self, NULL);
  g_clear_pointer (&self->flow_problems, g_ptr_array_unref);

  if (self->app != NULL)
    g_signal_handlers_disconnect_by_data (flows_app_get_flows (self->app), self);
  g_set_object (&self->app, app);
  g_set_object (&self->flow, flow);
  g_set_object (&self->history, history);
  if (self->app != NULL)
    g_signal_connect_object (flows_app_get_flows (self->app), "items-changed",
                             G_CALLBACK (on_app_flows_changed), self, G_CONNECT_SWAPPED);
}

FlowsStage *
flows_stage_properties_get_stage (FlowsStageProperties *self)
{
  g_return_val_if_fail (FLOWS_IS_STAGE_PROPERTIES (self), NULL);

  return self->stage;
}

void
flows_stage_properties_set_stage (FlowsStageProperties *self,
                                  FlowsStage           *stage)
{
  g_return_if_fail (FLOWS_IS_STAGE_PROPERTIES (self));
  g_return_if_fail (stage == NULL || FLOWS_IS_STAGE (stage));

  if (stage == self->stage)
    return;

  if (self->stage != NULL)
    {
      apply_name (self);
      apply_key (self);
      g_signal_handlers_disconnect_by_data (self->stage, self);
    }
  g_set_object (&self->stage, stage);
  /* The stage's problems from the flow's last validation, until the next one. */
  take_stage_problems (self);
  g_clear_pointer (&self->trace_entry, flows_trace_entry_free);
  g_clear_pointer (&self->pending_focus, g_free);

  if (stage != NULL)
    {
      FlowsStageKind *kind = flows_stage_registry_for_stage (stage);

      g_signal_connect_object (stage, "notify::settings", G_CALLBACK (on_settings_changed), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (stage, "notify::name", G_CALLBACK (show_name_and_key), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (stage, "notify::key", G_CALLBACK (show_name_and_key), self, G_CONNECT_SWAPPED);
      gtk_image_set_from_icon_name (self->type_icon, flows_stage_kind_get_icon_name (kind));
      gtk_label_set_text (self->type_label, flows_stage_kind_get_display_name (kind));
      gtk_widget_set_sensitive (GTK_WIDGET (self->name_row), self->history != NULL);
      gtk_widget_set_sensitive (GTK_WIDGET (self->key_row), self->history != NULL);
      show_name_and_key (self);
    }

  rebuild (self);
  show_trace_entry (self);
  gtk_stack_set_visible_child_name (self->stack, stage != NULL ? "stage" : "empty");
  if (stage != NULL)
    gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STAGE]);
}

void
flows_stage_properties_set_problems (FlowsStageProperties *self,
                                     GPtrArray            *problems)
{
  g_return_if_fail (FLOWS_IS_STAGE_PROPERTIES (self));

  if (problems != self->flow_problems)
    {
      g_clear_pointer (&self->flow_problems, g_ptr_array_unref);
      self->flow_problems = problems != NULL ? g_ptr_array_ref (problems) : NULL;
    }
  take_stage_problems (self);
  apply_problems (self);
}

void
flows_stage_properties_set_trace_entry (FlowsStageProperties  *self,
                                        const FlowsTraceEntry *entry)
{
  g_return_if_fail (FLOWS_IS_STAGE_PROPERTIES (self));

  g_clear_pointer (&self->trace_entry, flows_trace_entry_free);
  if (entry != NULL)
    self->trace_entry = flows_trace_entry_copy (entry);
  show_trace_entry (self);
}

void
flows_stage_properties_set_last_run (FlowsStageProperties *self,
                                     FlowsRun             *run)
{
  g_return_if_fail (FLOWS_IS_STAGE_PROPERTIES (self));
  g_return_if_fail (run == NULL || FLOWS_IS_RUN (run));

  g_set_object (&self->last_run, run);
}

GtkWidget *
flows_stage_properties_get_setting_widget (FlowsStageProperties *self,
                                           const char           *setting)
{
  Field *field;

  g_return_val_if_fail (FLOWS_IS_STAGE_PROPERTIES (self), NULL);
  g_return_val_if_fail (setting != NULL, NULL);

  field = g_hash_table_lookup (self->fields_by_path, setting);
  return field != NULL ? field->widget : NULL;
}

gboolean
flows_stage_properties_focus_setting (FlowsStageProperties *self,
                                      const char           *setting)
{
  Field *field;
  GtkWidget *add;

  g_return_val_if_fail (FLOWS_IS_STAGE_PROPERTIES (self), FALSE);

  if (setting == NULL)
    return FALSE;
  field = g_hash_table_lookup (self->fields_by_path, setting);
  add = g_hash_table_lookup (self->add_buttons, setting);
  if (field != NULL)
    focus_field (field, -1);
  else if (add != NULL)
    gtk_widget_grab_focus (add);
  return field != NULL || add != NULL;
}

/* GObject ------------------------------------------------------------------------------------- */

static void
flows_stage_properties_dispose (GObject *object)
{
  FlowsStageProperties *self = (FlowsStageProperties *)object;

  /* The stage goes first: rows losing the focus as they go must not apply anything. */
  if (self->stage != NULL)
    g_signal_handlers_disconnect_by_data (self->stage, self);
  g_clear_object (&self->stage);
  g_clear_handle_id (&self->rebuild_source, g_source_remove);
  clear_settings_widgets (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), FLOWS_TYPE_STAGE_PROPERTIES);
  g_clear_object (&self->history);
  g_clear_object (&self->flow);
  g_clear_object (&self->app);
  g_clear_object (&self->last_run);
  g_clear_pointer (&self->trace_entry, flows_trace_entry_free);
  g_clear_pointer (&self->shape, g_free);
  g_clear_pointer (&self->pending_focus, g_free);

  G_OBJECT_CLASS (flows_stage_properties_parent_class)->dispose (object);
}

static void
flows_stage_properties_finalize (GObject *object)
{
  FlowsStageProperties *self = (FlowsStageProperties *)object;

  g_ptr_array_unref (self->fields);
  g_hash_table_unref (self->fields_by_path);
  g_hash_table_unref (self->lists);
  g_hash_table_unref (self->add_buttons);
  g_ptr_array_unref (self->problems);
  g_clear_pointer (&self->flow_problems, g_ptr_array_unref);
  g_ptr_array_unref (self->problem_rows);

  G_OBJECT_CLASS (flows_stage_properties_parent_class)->finalize (object);
}

static void
flows_stage_properties_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  FlowsStageProperties *self = FLOWS_STAGE_PROPERTIES (object);

  switch (prop_id)
    {
    case PROP_STAGE:
      g_value_set_object (value, self->stage);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_stage_properties_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  FlowsStageProperties *self = FLOWS_STAGE_PROPERTIES (object);

  switch (prop_id)
    {
    case PROP_STAGE:
      flows_stage_properties_set_stage (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_stage_properties_class_init (FlowsStagePropertiesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = flows_stage_properties_dispose;
  object_class->finalize = flows_stage_properties_finalize;
  object_class->get_property = flows_stage_properties_get_property;
  object_class->set_property = flows_stage_properties_set_property;

  properties[PROP_STAGE] =
    g_param_spec_object ("stage", NULL, NULL, FLOWS_TYPE_STAGE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/flowsstudio/FlowsStudio/flows-stage-properties.ui");
  gtk_widget_class_bind_template_child (widget_class, FlowsStageProperties, stack);
  gtk_widget_class_bind_template_child (widget_class, FlowsStageProperties, scroller);
  gtk_widget_class_bind_template_child (widget_class, FlowsStageProperties, type_icon);
  gtk_widget_class_bind_template_child (widget_class, FlowsStageProperties, type_label);
  gtk_widget_class_bind_template_child (widget_class, FlowsStageProperties, problems_group);
  gtk_widget_class_bind_template_child (widget_class, FlowsStageProperties, name_row);
  gtk_widget_class_bind_template_child (widget_class, FlowsStageProperties, key_row);
  gtk_widget_class_bind_template_child (widget_class, FlowsStageProperties, key_error_label);
  gtk_widget_class_bind_template_child (widget_class, FlowsStageProperties, settings_box);
  gtk_widget_class_bind_template_child (widget_class, FlowsStageProperties, last_run_group);
  gtk_widget_class_bind_template_child (widget_class, FlowsStageProperties, status_row);
  gtk_widget_class_bind_template_child (widget_class, FlowsStageProperties, duration_row);
  gtk_widget_class_bind_template_child (widget_class, FlowsStageProperties, error_row);
  gtk_widget_class_bind_template_child (widget_class, FlowsStageProperties, outputs_label);
  gtk_widget_class_bind_template_child (widget_class, FlowsStageProperties, resolved_view);
  gtk_widget_class_bind_template_child (widget_class, FlowsStageProperties, outputs_view);
  gtk_widget_class_bind_template_callback (widget_class, apply_name);
  gtk_widget_class_bind_template_callback (widget_class, apply_key);
  gtk_widget_class_bind_template_callback (widget_class, on_key_changed);

  gtk_widget_class_install_action (widget_class, "properties.insert-reference", "(ss)", insert_reference);
  gtk_widget_class_install_action (widget_class, "properties.add-item", "s", add_item);
  gtk_widget_class_install_action (widget_class, "properties.remove-item", "(su)", remove_item);
}

static void
flows_stage_properties_init (FlowsStageProperties *self)
{
  self->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) field_free);
  self->fields_by_path = g_hash_table_new (g_str_hash, g_str_equal);
  self->lists = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->add_buttons = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->problems = g_ptr_array_new_with_free_func ((GDestroyNotify) flows_problem_free);
  self->problem_rows = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}
