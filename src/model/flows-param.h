/* flows-param.h — one parameter of an App's connection (an API key, a URL, a client id …). */
#pragma once

#include "flows-types.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_PARAM (flows_param_get_type ())
G_DECLARE_FINAL_TYPE (FlowsParam, flows_param, FLOWS, PARAM, GObject)

FlowsParam         *flows_param_new             (const char     *key,
                                                 const char     *label,
                                                 FlowsParamKind  kind);
const char         *flows_param_get_key         (FlowsParam     *self);
void                flows_param_set_key         (FlowsParam     *self,
                                                 const char     *key);
const char         *flows_param_get_label       (FlowsParam     *self);
void                flows_param_set_label       (FlowsParam     *self,
                                                 const char     *label);
const char         *flows_param_get_description (FlowsParam     *self);
void                flows_param_set_description (FlowsParam     *self,
                                                 const char     *description);
FlowsParamKind      flows_param_get_kind        (FlowsParam     *self);
void                flows_param_set_kind        (FlowsParam     *self,
                                                 FlowsParamKind  kind);
gboolean            flows_param_get_required    (FlowsParam     *self);
void                flows_param_set_required    (FlowsParam     *self,
                                                 gboolean        required);
const char         *flows_param_get_default     (FlowsParam     *self);
void                flows_param_set_default     (FlowsParam     *self,
                                                 const char     *default_value);
gboolean            flows_param_get_sensitive   (FlowsParam     *self);
void                flows_param_set_sensitive   (FlowsParam     *self,
                                                 gboolean        sensitive);
/* A value the sign-in fills in: Steps 2 and 3 return a field of the parameter's key, kept with
 * the connection (docs/ARCHITECTURE.md, "Flow roles"); nobody is asked for it. */
gboolean            flows_param_get_from_sign_in (FlowsParam    *self);
void                flows_param_set_from_sign_in (FlowsParam    *self,
                                                  gboolean       from_sign_in);
const char * const *flows_param_get_choices     (FlowsParam     *self);
void                flows_param_set_choices     (FlowsParam     *self,
                                                 const char * const *choices);

G_END_DECLS
