/* flows-stage-kind.h — what a stage of one type is and does (docs/ARCHITECTURE.md, "Stage types")
 *
 * Each stage type is a subclass of FlowsStageKind in src/stages/kinds, with one instance held by
 * the registry (flows-stage-registry.h). (FlowsStageType, the name one would expect, is the
 * enumeration of flows-types.h whose nicks are the stored names.) A subclass sets, in its
 * class_init, its stored name, display name, icon, description, routes and the description of
 * its settings, from which its defaults are derived; and overrides the virtual functions for what
 * is its own: what a stage of the type does when it runs, the problems validation reports beyond
 * the required settings, the outputs it adds to the scope of the stages after it, the fields it
 * adds to its flow's response.
 */
#pragma once

#include "flows-app.h"
#include "flows-scope-private.h"
#include "flows-setting-spec.h"
#include "flows-stage-context.h"
#include "flows-validate.h"

G_BEGIN_DECLS

/* What the rest of the program knows of a stage type without its class: the catalogue's entry
 * (flows-stage-catalog.h). */
typedef struct
{
  FlowsStageType      stage_type;
  const char         *name;        /* translated display name */
  const char         *icon_name;
  const char         *description; /* translated, one line */
  /* The routes a stage of this type can take, in display order, NULL-terminated. */
  const char * const *outputs;
} FlowsStageInfo;

/* A route a stage can take. Arrays of routes end with a NULL name. */
typedef struct
{
  const char *name;     /* stored in the stage's routes: "success" */
  const char *label;    /* NC_("route", …): the name for people */
  /* Taken when the stage fails: when it leads nowhere, the run fails rather than ends there. */
  gboolean    on_error;
} FlowsStageRoute;

/* @route's label, translated. */
const char             *flows_stage_route_get_label             (const FlowsStageRoute  *route);

typedef void (*FlowsResponseFieldFunc) (const char *name,
                                        gboolean    optional,
                                        gpointer    user_data);

#define FLOWS_TYPE_STAGE_KIND (flows_stage_kind_get_type ())
G_DECLARE_DERIVABLE_TYPE (FlowsStageKind, flows_stage_kind, FLOWS, STAGE_KIND, GObject)

struct _FlowsStageKindClass
{
  GObjectClass parent_class;

  /* Runs @stage: reads its settings, does its work through @context and ends it there, at once
   * or from a callback (flows-stage-context.h). Required. */
  void (*execute)                (FlowsStageKind         *self,
                                  FlowsStage             *stage,
                                  FlowsStageContext      *context);
  /* Reports what is wrong with @stage's settings besides a required one left blank, which the
   * base class reports: subclasses chain up first. */
  void (*validate)               (FlowsStageKind         *self,
                                  FlowsStage             *stage,
                                  FlowsStageCheck        *check);
  /* Adds the outputs a stage of this type is known to give (<key.status>, …) to the scope of
   * the stages after it (flows-scope.h). */
  void (*add_to_scope)           (FlowsStageKind         *self,
                                  FlowsStage             *stage,
                                  FlowsApp               *app,
                                  FlowsScopeOutputs      *outputs);
  /* Calls @func for each field @stage adds to the response of its flow, @optional when the
   * field may be left out. */
  void (*foreach_response_field) (FlowsStageKind         *self,
                                  FlowsStage             *stage,
                                  FlowsResponseFieldFunc  func,
                                  gpointer                user_data);

  /*< private >*/
  const char             *name;
  const char             *display_name;
  const char             *icon_name;
  const char             *description;
  const FlowsStageRoute  *routes;
  const FlowsSettingSpec *settings;

  gpointer                padding[8];
};

/* For class_init. @display_name and @description are N_() strings, translated when the
 * registry makes the instance; @name is the stored name, a nick of FlowsStageType. */
void                    flows_stage_kind_class_set_metadata     (FlowsStageKindClass    *klass,
                                                                 const char             *name,
                                                                 const char             *display_name,
                                                                 const char             *icon_name,
                                                                 const char             *description);
/* @routes in display order, ended by a NULL name; static. */
void                    flows_stage_kind_class_set_routes       (FlowsStageKindClass    *klass,
                                                                 const FlowsStageRoute  *routes);
/* @settings ended by a NULL member; static. */
void                    flows_stage_kind_class_set_settings     (FlowsStageKindClass    *klass,
                                                                 const FlowsSettingSpec *settings);

const char             *flows_stage_kind_get_name               (FlowsStageKind         *self);
FlowsStageType          flows_stage_kind_get_stage_type         (FlowsStageKind         *self);
/* Translated. */
const char             *flows_stage_kind_get_display_name       (FlowsStageKind         *self);
const char             *flows_stage_kind_get_icon_name          (FlowsStageKind         *self);
const char             *flows_stage_kind_get_description        (FlowsStageKind         *self);
const FlowsStageInfo   *flows_stage_kind_get_info               (FlowsStageKind         *self);

const FlowsStageRoute  *flows_stage_kind_get_routes             (FlowsStageKind         *self);
/* NULL when @name is none of the routes of this type. */
const FlowsStageRoute  *flows_stage_kind_find_route             (FlowsStageKind         *self,
                                                                 const char             *name);

const FlowsSettingSpec *flows_stage_kind_get_settings           (FlowsStageKind         *self);
/* Settings for a new stage: every member but the optional ones, lists empty. */
JsonObject             *flows_stage_kind_new_default_settings   (FlowsStageKind         *self);

void                    flows_stage_kind_execute                (FlowsStageKind         *self,
                                                                 FlowsStage             *stage,
                                                                 FlowsStageContext      *context);
void                    flows_stage_kind_validate               (FlowsStageKind         *self,
                                                                 FlowsStage             *stage,
                                                                 FlowsStageCheck        *check);
void                    flows_stage_kind_add_to_scope           (FlowsStageKind         *self,
                                                                 FlowsStage             *stage,
                                                                 FlowsApp               *app,
                                                                 FlowsScopeOutputs      *outputs);
void                    flows_stage_kind_foreach_response_field (FlowsStageKind         *self,
                                                                 FlowsStage             *stage,
                                                                 FlowsResponseFieldFunc  func,
                                                                 gpointer                user_data);

G_END_DECLS
