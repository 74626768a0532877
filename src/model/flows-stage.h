/* flows-stage.h — one stage of a flow: its type, where it sits on the canvas, its settings and
 * the routes that leave it.
 *
 * Settings are kept as a JSON object because every stage type has its own shape (see
 * docs/ARCHITECTURE.md, "Stage types"); the file format stores them as they are. Routes map an
 * output name ("success", "fail", "pass", "each", "done") to the id of the next stage.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "flows-types.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_STAGE (flows_stage_get_type ())
G_DECLARE_FINAL_TYPE (FlowsStage, flows_stage, FLOWS, STAGE, GObject)

FlowsStage     *flows_stage_new            (const char     *id,
                                            const char     *key,
                                            FlowsStageType  stage_type,
                                            const char     *name);
const char     *flows_stage_get_id         (FlowsStage     *self);
const char     *flows_stage_get_key        (FlowsStage     *self);
void            flows_stage_set_key        (FlowsStage     *self,
                                            const char     *key);
FlowsStageType  flows_stage_get_stage_type (FlowsStage     *self);
const char     *flows_stage_get_name       (FlowsStage     *self);
void            flows_stage_set_name       (FlowsStage     *self,
                                            const char     *name);
double          flows_stage_get_x          (FlowsStage     *self);
double          flows_stage_get_y          (FlowsStage     *self);
void            flows_stage_set_position   (FlowsStage     *self,
                                            double          x,
                                            double          y);

/* The settings object is owned by the stage; change it through flows_stage_set_settings() so
 * that listeners are told and what was computed from the settings (a flow found valid, see
 * flows-validate.c) is computed again. Never change it in place: nothing would know. */
JsonObject     *flows_stage_get_settings   (FlowsStage     *self);
void            flows_stage_set_settings   (FlowsStage     *self,
                                            JsonObject     *settings);
const char     *flows_stage_get_string_setting (FlowsStage *self,
                                                const char *name);

const char     *flows_stage_get_route      (FlowsStage     *self,
                                            const char     *output);
void            flows_stage_set_route      (FlowsStage     *self,
                                            const char     *output,
                                            const char     *target_id);
/* Output names in the order they were added; free with g_strfreev(). */
char          **flows_stage_list_routes    (FlowsStage     *self);

G_END_DECLS
