/* flows-setting-spec.h — the description of a stage type's settings
 *
 * A stage's settings are a JSON object (flows-stage.h). Each stage type describes the members of
 * that object with an array of FlowsSettingSpec, ended by one whose member is NULL: what each
 * member is, its label, its default. Defaults of a new stage, of a new list item and of a body
 * kind chosen in the editor are derived from it; the properties panel builds its widgets from
 * it; validation reads which members are required and which are never templates
 * (docs/ARCHITECTURE.md, "Stage types").
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
  FLOWS_SETTING_TEXT,    /* a string; a template unless FLOWS_SETTING_LITERAL */
  FLOWS_SETTING_NUMBER,
  FLOWS_SETTING_BOOLEAN,
  FLOWS_SETTING_CHOICE,  /* a string from @choices */
  FLOWS_SETTING_LIST,    /* an array of objects, each with @members */
  FLOWS_SETTING_OBJECT,  /* an object with @members */
} FlowsSettingType;

typedef enum {
  FLOWS_SETTING_NONE       = 0,
  /* A stage cannot run without it: validation reports it, with @required_message, when it is
   * missing or blank. Read on the top-level members. */
  FLOWS_SETTING_REQUIRED   = 1 << 0,
  /* A text the editor offers the insert-reference menu for. */
  FLOWS_SETTING_REFERENCES = 1 << 1,
  /* A name or a choice, never a template: validation looks for no references in a member of
   * this name, wherever it is (flows-validate.c). */
  FLOWS_SETTING_LITERAL    = 1 << 2,
  /* Left out of defaults: added by hand or by the editor when it is needed. */
  FLOWS_SETTING_OPTIONAL   = 1 << 3,
  /* A text of several lines. */
  FLOWS_SETTING_MULTILINE  = 1 << 4,
} FlowsSettingFlags;

typedef struct _FlowsSettingSpec FlowsSettingSpec;

/* One choice of a FLOWS_SETTING_CHOICE. A choice with @members is a kind of the object that
 * holds the choice (a Call API body): choosing it adds these members after the choice. */
typedef struct {
  const char             *value;
  const char             *label;   /* N_(); NULL: people read the value itself (HTTP methods) */
  const FlowsSettingSpec *members;
} FlowsSettingChoice;

struct _FlowsSettingSpec {
  const char               *member;            /* the JSON member; NULL ends an array */
  FlowsSettingType          type;
  FlowsSettingFlags         flags;
  const char               *label;             /* N_(): row title, list title, placeholder */
  const char               *description;       /* N_(): row subtitle, list description */
  /* Rows with the same group share one group of the panel, where the group first appears; a
   * list is a group of its own. N_(). */
  const char               *group;
  const char               *group_description; /* N_(), read on the group's first member */
  const char               *required_message;  /* N_(), with FLOWS_SETTING_REQUIRED */

  const char               *default_text;      /* TEXT; NULL is "" */
  double                    default_number;    /* NUMBER */
  gboolean                  default_boolean;   /* BOOLEAN */
  double                    minimum;           /* NUMBER, what the editor lets one pick */
  double                    maximum;
  guint                     digits;            /* NUMBER: 0 stores whole numbers */

  const FlowsSettingChoice *choices;           /* CHOICE, ended by a NULL value; the first is the default */
  const FlowsSettingSpec   *members;           /* LIST: each item's members; OBJECT: its own */
  const char               *add_label;         /* LIST, N_(): "Add Header" */
  const char               *item_noun;         /* LIST, N_(): "Header %u", numbered from 1 */
};

/* The names and values members most list items have. */
#define FLOWS_SETTING_SPEC_NAME \
  { .member = "name", .type = FLOWS_SETTING_TEXT, .flags = FLOWS_SETTING_LITERAL, .label = N_("Name") }
#define FLOWS_SETTING_SPEC_VALUE \
  { .member = "value", .type = FLOWS_SETTING_TEXT, .flags = FLOWS_SETTING_REFERENCES, .label = N_("Value") }

const FlowsSettingSpec   *flows_setting_spec_find          (const FlowsSettingSpec *specs,
                                                            const char             *member);
const FlowsSettingChoice *flows_setting_spec_find_choice   (const FlowsSettingSpec *spec,
                                                            const char             *value);
/* The default value of @spec: a new node. */
JsonNode                 *flows_setting_spec_new_default   (const FlowsSettingSpec *spec);
/* An object with the defaults of @specs, in their order, but the optional ones; a choice with
 * members is followed by the default members of its first choice. */
JsonObject               *flows_setting_spec_new_defaults  (const FlowsSettingSpec *specs);
/* Adds to @names (a set of strings it does not own) the members of @specs, at any depth, that
 * are FLOWS_SETTING_LITERAL. */
void                      flows_setting_spec_collect_literal (const FlowsSettingSpec *specs,
                                                              GHashTable             *names);

G_END_DECLS
