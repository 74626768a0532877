/* flows-types.h — the enumerations shared by the model, the file format and the UI.
 *
 * Each value's nick is the word written in App and connection files, so renaming a nick is a
 * file-format change that needs a migration.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  FLOWS_CONNECTION_TYPE_GENERIC, /*< nick=generic >*/
  FLOWS_CONNECTION_TYPE_OAUTH,   /*< nick=oauth >*/
} FlowsConnectionType;

typedef enum {
  FLOWS_PARAM_KIND_TEXT,      /*< nick=text >*/
  FLOWS_PARAM_KIND_MULTILINE, /*< nick=multiline >*/
  FLOWS_PARAM_KIND_NUMBER,    /*< nick=number >*/
  FLOWS_PARAM_KIND_BOOLEAN,   /*< nick=boolean >*/
  FLOWS_PARAM_KIND_URL,       /*< nick=url >*/
  FLOWS_PARAM_KIND_CHOICE,    /*< nick=choice >*/
} FlowsParamKind;

typedef enum {
  FLOWS_FLOW_VISIBILITY_PRIVATE, /*< nick=private >*/
  FLOWS_FLOW_VISIBILITY_PUBLIC,  /*< nick=public >*/
} FlowsFlowVisibility;

typedef enum {
  FLOWS_FLOW_ROLE_NONE,            /*< nick=none >*/
  FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE, /*< nick=oauth-authorize >*/
  FLOWS_FLOW_ROLE_OAUTH_EXCHANGE,  /*< nick=oauth-exchange >*/
  FLOWS_FLOW_ROLE_OAUTH_REFRESH,   /*< nick=oauth-refresh >*/
  FLOWS_FLOW_ROLE_CONNECTION_TEST, /*< nick=connection-test >*/
} FlowsFlowRole;

typedef enum {
  FLOWS_STAGE_TYPE_TRIGGER,         /*< nick=trigger >*/
  FLOWS_STAGE_TYPE_SET_FIELDS,      /*< nick=set-fields >*/
  FLOWS_STAGE_TYPE_BUILD_URL,       /*< nick=build-url >*/
  FLOWS_STAGE_TYPE_CALL_API,        /*< nick=call-api >*/
  FLOWS_STAGE_TYPE_ROUTE_FLOW,      /*< nick=route-flow >*/
  FLOWS_STAGE_TYPE_CALL_FLOW,       /*< nick=call-flow >*/
  FLOWS_STAGE_TYPE_ADD_TO_RESPONSE, /*< nick=add-to-response >*/
  FLOWS_STAGE_TYPE_SLEEP,           /*< nick=sleep >*/
  FLOWS_STAGE_TYPE_FOR_EACH,        /*< nick=for-each >*/
  FLOWS_STAGE_TYPE_END_WITH_ERROR,  /*< nick=end-with-error >*/
} FlowsStageType;

/* Nick <-> value helpers for the file format and the CLI. They return FALSE for an unknown nick. */
const char *flows_enum_to_nick   (GType       enum_type,
                                  int         value);
gboolean    flows_enum_from_nick (GType       enum_type,
                                  const char *nick,
                                  int        *value);

G_END_DECLS
