/* flows-app-templates.c — the parameters and flows a new App starts with */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "flows-app-templates.h"

/* Horizontal distance between the stages of a template, in canvas units. */
#define STAGE_SPACING 280

char *
flows_new_id (void)
{
  return g_uuid_string_random ();
}

/* Settings are written below as JSON with single quotes, which reads far better in C; no
 * template value contains an apostrophe. */
static JsonObject *
settings_from_template (const char *single_quoted)
{
  g_autofree char *text = g_strdup (single_quoted);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  g_strdelimit (text, "'", '"');
  node = json_from_string (text, &error);
  /* The templates are part of the program: a broken one is a programming error. */
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (node));
}

/* Appends a stage after the last one, routed from it by "success". */
static void
append_stage (FlowsFlow      *flow,
              const char     *key,
              FlowsStageType  stage_type,
              const char     *name,
              const char     *settings)
{
  GListModel *stages = flows_flow_get_stages (flow);
  guint n_stages = g_list_model_get_n_items (stages);
  g_autofree char *id = flows_new_id ();
  g_autoptr(FlowsStage) stage = flows_stage_new (id, key, stage_type, name);
  g_autoptr(JsonObject) settings_object = settings_from_template (settings);

  flows_stage_set_settings (stage, settings_object);
  flows_stage_set_position (stage, n_stages * STAGE_SPACING, 0);

  if (n_stages > 0)
    {
      g_autoptr(FlowsStage) previous = g_list_model_get_item (stages, n_stages - 1);
      flows_stage_set_route (previous, "success", id);
    }

  flows_flow_add_stage (flow, stage);
}

static FlowsFlow *
new_private_flow (const char    *name,
                  const char    *description,
                  FlowsFlowRole  role)
{
  g_autofree char *id = flows_new_id ();
  FlowsFlow *flow = flows_flow_new (id, name);

  flows_flow_set_description (flow, description);
  flows_flow_set_visibility (flow, FLOWS_FLOW_VISIBILITY_PRIVATE);
  flows_flow_set_role (flow, role);
  return flow;
}

/* Step 2 and Step 3 return the same fields, read from the provider's token response
 * (docs/ARCHITECTURE.md, "Flow roles"). */
#define TOKEN_RESPONSE_FIELDS(stage) \
  "{'fields':[" \
  "{'name':'access_token','value':'<" stage ".body.access_token>','mode':'fixed'}," \
  "{'name':'refresh_token','value':'<" stage ".body.refresh_token>','mode':'fixed','optional':true}," \
  "{'name':'expires_in','value':'<" stage ".body.expires_in>','mode':'fixed','optional':true}," \
  "{'name':'token_type','value':'<" stage ".body.token_type>','mode':'fixed','optional':true}," \
  "{'name':'scope','value':'<" stage ".body.scope>','mode':'fixed','optional':true}," \
  "{'name':'refresh_token_expires_in','value':'<" stage ".body.refresh_token_expires_in>','mode':'fixed','optional':true}," \
  "{'name':'id_token','value':'<" stage ".body.id_token>','mode':'fixed','optional':true}]}"

static FlowsFlow *
create_authorize_flow (void)
{
  FlowsFlow *flow = new_private_flow ("OAuth Step 1 - Build Authorisation URL",
                                      _("Builds the address of the provider’s sign-in page. It must return one field, authorizeUrl."),
                                      FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE);

  append_stage (flow, "trigger", FLOWS_STAGE_TYPE_TRIGGER, _("Start"), "{'inputs':[]}");
  append_stage (flow, "settings", FLOWS_STAGE_TYPE_SET_FIELDS, _("Authorisation settings"),
                "{'fields':["
                "{'name':'AuthURL','value':'<AuthURL>'},"
                "{'name':'Scopes','value':'<Scopes>'}]}");
  append_stage (flow, "optional", FLOWS_STAGE_TYPE_SET_FIELDS, _("Optional parameters"),
                "{'fields':[]}");
  append_stage (flow, "authorizeUrl", FLOWS_STAGE_TYPE_BUILD_URL, _("Build authorisation URL"),
                "{'base':'<settings.AuthURL>','resultField':'url','query':["
                "{'name':'response_type','value':'code','omitWhenEmpty':false},"
                "{'name':'client_id','value':'<ClientID>','omitWhenEmpty':false},"
                "{'name':'redirect_uri','value':'<RedirectURL>','omitWhenEmpty':false},"
                "{'name':'scope','value':'<settings.Scopes>','omitWhenEmpty':true},"
                "{'name':'state','value':'<State>','omitWhenEmpty':false},"
                "{'name':'code_challenge','value':'<CodeChallenge>','omitWhenEmpty':false},"
                "{'name':'code_challenge_method','value':'S256','omitWhenEmpty':false}]}");
  append_stage (flow, "response", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE, _("Return the URL"),
                "{'fields':[{'name':'authorizeUrl','value':'<authorizeUrl.url>','mode':'fixed'}]}");
  return flow;
}

static FlowsFlow *
create_exchange_flow (void)
{
  FlowsFlow *flow = new_private_flow ("OAuth Step 2 - Exchange temporary token for access and refresh token",
                                      _("Receives the fields of the provider’s callback and exchanges the code for tokens."),
                                      FLOWS_FLOW_ROLE_OAUTH_EXCHANGE);

  append_stage (flow, "trigger", FLOWS_STAGE_TYPE_TRIGGER, _("Callback"),
                "{'inputs':["
                "{'name':'code','required':true,'default':'','sample':''},"
                "{'name':'state','required':true,'default':'','sample':''}]}");
  append_stage (flow, "exchange", FLOWS_STAGE_TYPE_CALL_API, _("Exchange code for tokens"),
                "{'method':'POST','uriBase':'<TokenURL>','uriPath':'','query':[],"
                "'headers':[{'name':'Accept','value':'application/json'}],"
                "'body':{'kind':'form','fields':["
                "{'name':'grant_type','value':'authorization_code'},"
                "{'name':'code','value':'<code>'},"
                "{'name':'redirect_uri','value':'<RedirectURL>'},"
                "{'name':'client_id','value':'<ClientID>'},"
                "{'name':'client_secret','value':'<ClientSecret>'},"
                "{'name':'code_verifier','value':'<CodeVerifier>'}]},"
                "'timeout':30,'useOAuthToken':false,'successStatus':{'min':200,'max':299}}");
  append_stage (flow, "response", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE, _("Return the tokens"),
                TOKEN_RESPONSE_FIELDS ("exchange"));
  return flow;
}

static FlowsFlow *
create_refresh_flow (void)
{
  FlowsFlow *flow = new_private_flow ("OAuth Step 3 - Refresh access token",
                                      _("Trades the refresh token for a new access token. Other flows call it with <ConnectionID>."),
                                      FLOWS_FLOW_ROLE_OAUTH_REFRESH);

  append_stage (flow, "trigger", FLOWS_STAGE_TYPE_TRIGGER, _("Start"),
                "{'inputs':[{'name':'ConnectionID','required':true,'default':'','sample':''}]}");
  /* Providers without a separate refresh endpoint refresh at the token endpoint. */
  append_stage (flow, "endpoint", FLOWS_STAGE_TYPE_SET_FIELDS, _("Refresh endpoint"),
                "{'fields':[{'name':'url','value':'<RefreshURL>','whenEmpty':'<TokenURL>'}]}");
  append_stage (flow, "refresh", FLOWS_STAGE_TYPE_CALL_API, _("Refresh the access token"),
                "{'method':'POST','uriBase':'<endpoint.url>','uriPath':'','query':[],"
                "'headers':[{'name':'Accept','value':'application/json'}],"
                "'body':{'kind':'form','fields':["
                "{'name':'grant_type','value':'refresh_token'},"
                "{'name':'refresh_token','value':'<RefreshToken>'},"
                "{'name':'client_id','value':'<ClientID>'},"
                "{'name':'client_secret','value':'<ClientSecret>'}]},"
                "'timeout':30,'useOAuthToken':false,'successStatus':{'min':200,'max':299}}");
  append_stage (flow, "response", FLOWS_STAGE_TYPE_ADD_TO_RESPONSE, _("Return the tokens"),
                TOKEN_RESPONSE_FIELDS ("refresh"));
  return flow;
}

static FlowsFlow *
create_connection_test_flow (FlowsConnectionType connection_type)
{
  FlowsFlow *flow = new_private_flow ("Connection Test",
                                      _("Calls a simple endpoint of the service: the connection passes when this flow ends on a success route."),
                                      FLOWS_FLOW_ROLE_CONNECTION_TEST);

  append_stage (flow, "trigger", FLOWS_STAGE_TYPE_TRIGGER, _("Start"), "{'inputs':[]}");
  if (connection_type == FLOWS_CONNECTION_TYPE_OAUTH)
    append_stage (flow, "test", FLOWS_STAGE_TYPE_CALL_API, _("Call the test endpoint"),
                  "{'method':'GET','uriBase':'<TestURL>','uriPath':'','query':[],'headers':[],"
                  "'body':{'kind':'none'},'timeout':30,'useOAuthToken':true,"
                  "'successStatus':{'min':200,'max':299}}");
  else
    append_stage (flow, "test", FLOWS_STAGE_TYPE_CALL_API, _("Call the test endpoint"),
                  "{'method':'GET','uriBase':'<TestURL>','uriPath':'','query':[],"
                  "'headers':[{'name':'Authorization','value':'Bearer <ApiKey>'}],"
                  "'body':{'kind':'none'},'timeout':30,'useOAuthToken':false,"
                  "'successStatus':{'min':200,'max':299}}");
  return flow;
}

FlowsFlow *
flows_app_templates_create_flow (FlowsConnectionType connection_type,
                                 FlowsFlowRole       role)
{
  gboolean oauth = connection_type == FLOWS_CONNECTION_TYPE_OAUTH;

  switch (role)
    {
    case FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE:
      return oauth ? create_authorize_flow () : NULL;
    case FLOWS_FLOW_ROLE_OAUTH_EXCHANGE:
      return oauth ? create_exchange_flow () : NULL;
    case FLOWS_FLOW_ROLE_OAUTH_REFRESH:
      return oauth ? create_refresh_flow () : NULL;
    case FLOWS_FLOW_ROLE_CONNECTION_TEST:
      return create_connection_test_flow (connection_type);
    case FLOWS_FLOW_ROLE_NONE:
    default:
      return NULL;
    }
}

static void
add_param (FlowsApp       *app,
           const char     *key,
           const char     *label,
           const char     *description,
           FlowsParamKind  kind,
           gboolean        required,
           gboolean        sensitive)
{
  g_autoptr(FlowsParam) param = flows_param_new (key, label, kind);

  flows_param_set_description (param, description);
  flows_param_set_required (param, required);
  flows_param_set_sensitive (param, sensitive);
  flows_app_add_param (app, param);
}

FlowsApp *
flows_app_new_from_template (const char          *name,
                             FlowsConnectionType  connection_type)
{
  static const FlowsFlowRole oauth_roles[] = {
    FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE,
    FLOWS_FLOW_ROLE_OAUTH_EXCHANGE,
    FLOWS_FLOW_ROLE_OAUTH_REFRESH,
  };
  g_autofree char *id = flows_new_id ();
  g_autoptr(FlowsApp) app = flows_app_new (id, name, connection_type);
  g_autoptr(FlowsFlow) test_flow = NULL;

  if (connection_type == FLOWS_CONNECTION_TYPE_OAUTH)
    {
      flows_app_set_redirect_url (app, FLOWS_DEFAULT_REDIRECT_URL);

      add_param (app, "AuthURL", _("Authorisation URL"),
                 _("The provider’s sign-in page, where users authorise the App"),
                 FLOWS_PARAM_KIND_URL, TRUE, FALSE);
      add_param (app, "TokenURL", _("Token URL"),
                 _("Where the temporary code is exchanged for an access token"),
                 FLOWS_PARAM_KIND_URL, TRUE, FALSE);
      add_param (app, "RefreshURL", _("Refresh URL"),
                 _("Where access tokens are refreshed; leave empty to use the token URL"),
                 FLOWS_PARAM_KIND_URL, FALSE, FALSE);
      add_param (app, "ClientID", _("Client ID"),
                 _("The id of the OAuth application registered at the provider"),
                 FLOWS_PARAM_KIND_TEXT, TRUE, FALSE);
      add_param (app, "ClientSecret", _("Client secret"),
                 _("The secret of the OAuth application; kept in the keyring"),
                 FLOWS_PARAM_KIND_TEXT, FALSE, TRUE);
      add_param (app, "Scopes", _("Scopes"),
                 _("The permissions to ask for, separated by spaces"),
                 FLOWS_PARAM_KIND_TEXT, FALSE, FALSE);
      add_param (app, "TestURL", _("Test URL"),
                 _("An endpoint that answers 2xx when the access token works"),
                 FLOWS_PARAM_KIND_URL, TRUE, FALSE);

      for (guint i = 0; i < G_N_ELEMENTS (oauth_roles); i++)
        {
          g_autoptr(FlowsFlow) flow = flows_app_templates_create_flow (connection_type, oauth_roles[i]);
          flows_app_add_flow (app, flow);
        }
    }
  else
    {
      add_param (app, "ApiKey", _("API key"),
                 _("The key the service gave you; kept in the keyring"),
                 FLOWS_PARAM_KIND_TEXT, TRUE, TRUE);
      add_param (app, "TestURL", _("Test URL"),
                 _("An endpoint that answers 2xx when the API key works"),
                 FLOWS_PARAM_KIND_URL, TRUE, FALSE);
    }

  test_flow = flows_app_templates_create_flow (connection_type, FLOWS_FLOW_ROLE_CONNECTION_TEST);
  flows_app_add_flow (app, test_flow);

  return g_steal_pointer (&app);
}
