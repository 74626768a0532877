// oidc-provider (a certified OpenID Connect provider, from npm) for the OAuth interop test.
//
//   node tests/interop/provider.mjs --port N --redirect-uri URL [--client-secret S]
//                                   [--access-token-ttl SECONDS] [--watch-stdin]
//
// Serves the issuer http://127.0.0.1:N on 127.0.0.1 only (--port 0 picks a free port) with two
// confidential native clients that must use PKCE S256: "flows-studio-interop", which must use
// client_secret_post (the OAuth template's form fields), and "flows-studio-interop-basic", which
// must use client_secret_basic (what discovery chooses from this provider's metadata). Both have
// the same secret and redirect URI. Sign-in goes through the provider's own development login
// and consent pages (devInteractions): any login and password are accepted.
//
// Endpoints: /auth, /token, /me (userinfo), /.well-known/openid-configuration.
//
// stdout carries exactly one line, "READY http://127.0.0.1:N", once the server listens; all
// logging goes to stderr. SIGTERM or SIGINT closes the server and exits 0; so does the end of
// stdin with --watch-stdin (give it a pipe, e.g. G_SUBPROCESS_FLAGS_STDIN_PIPE, and a test that
// crashes leaves no provider behind).

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

// oidc-provider prints its notices with console.info (stdout); only READY may go there.
console.log = console.info = console.debug = console.error;

const CLIENT_ID = 'flows-studio-interop';
const BASIC_CLIENT_ID = 'flows-studio-interop-basic';
const DEFAULT_CLIENT_SECRET = 'flows-studio-interop-secret-not-for-production';

function usage(message) {
  console.error(`provider.mjs: ${message}`);
  console.error('usage: node provider.mjs --port N --redirect-uri URL [--client-secret S] [--access-token-ttl SECONDS] [--watch-stdin]');
  process.exit(2);
}

let options;
try {
  ({ values: options } = parseArgs({
    options: {
      port: { type: 'string' },
      'redirect-uri': { type: 'string' },
      'client-secret': { type: 'string', default: DEFAULT_CLIENT_SECRET },
      'access-token-ttl': { type: 'string', default: '3600' },
      'watch-stdin': { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  }));
} catch (error) {
  usage(error.message);
}

if (options.port === undefined || !/^\d+$/.test(options.port) || Number(options.port) > 65535) {
  usage('--port must be a number from 0 to 65535');
}
if (!options['redirect-uri']) {
  usage('--redirect-uri is required');
}
if (!/^\d+$/.test(options['access-token-ttl']) || Number(options['access-token-ttl']) < 1) {
  usage('--access-token-ttl must be a positive number of seconds');
}
if (!options['client-secret']) {
  usage('--client-secret must not be empty');
}

// Imported after console is redirected: the module warns as it loads (Node 20 is below the
// runtime it asks for; it works).
const { default: Provider, errors } = await import('oidc-provider');

// The issuer needs the port, so listen first and hand requests to the provider once it exists.
let handler = (_req, res) => {
  res.statusCode = 503;
  res.end();
};
const server = createServer((req, res) => handler(req, res));
try {
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(options.port), '127.0.0.1', resolve);
  });
} catch (error) {
  console.error(`provider.mjs: cannot listen on 127.0.0.1:${options.port}: ${error.message}`);
  process.exit(1);
}
server.on('error', (error) => console.error('provider.mjs: server error:', error));
const issuer = `http://127.0.0.1:${server.address().port}`;

// Fresh keys each run, instead of the module's shared development keys (which it warns about).
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

const configuration = {
  clients: ['client_secret_post', 'client_secret_basic'].map((method) => ({
    client_id: method === 'client_secret_post' ? CLIENT_ID : BASIC_CLIENT_ID,
    client_secret: options['client-secret'],
    client_name: 'Flows Studio interop test',
    // A native client may use an http loopback redirect URI (RFC 8252 §7.3).
    application_type: 'native',
    redirect_uris: [options['redirect-uri']],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    // oidc-provider refuses a client that authenticates any other way.
    token_endpoint_auth_method: method,
  })),

  // Every authorization request must carry a code_challenge; oidc-provider 9 knows only S256
  // (code_challenge_methods_supported is ["S256"], "plain" is refused).
  pkce: { required: () => true },

  scopes: ['openid', 'profile', 'email', 'offline_access'],
  claims: {
    openid: ['sub'],
    profile: ['name'],
    email: ['email'],
  },

  // Any login is accepted (devInteractions ignores the password).
  async findAccount(_ctx, id) {
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          name: `Interop User ${id}`,
          email: id.includes('@') ? id : `${id}@example.test`,
        };
      },
    };
  },

  // offline_access without prompt=consent: OpenID Connect Core §11 says the provider ignores
  // offline_access unless the request has prompt=consent, and oidc-provider 9 does so
  // (lib/actions/authorization/scopes.js removes it from the scope before consent, so it is in
  // neither the grant nor the code). Our Step 1 template sends no prompt, which is what RFC 6749
  // clients do. The supported hook is issueRefreshToken (the default is "the client may use the
  // refresh_token grant AND the code has offline_access"): here any client allowed the
  // refresh_token grant gets a refresh token with its code — the only clients are ours, and
  // they ask for offline_access.
  async issueRefreshToken(_ctx, client) {
    return client.grantTypeAllowed('refresh_token');
  },
  // Tokens outlive the provider's browser session (the default ties them to it unless the scope
  // has offline_access, which was removed above); the sign-in window's session is ephemeral.
  async expiresWithSession() {
    return false;
  },
  // Refresh tokens ROTATE: every refresh answers a new refresh_token and consumes the old one.
  // Presenting a consumed refresh token is answered 400 invalid_grant (the description says only
  // "grant request is invalid"; stderr logs "refresh token already used") and revokes the whole
  // grant, so a client that does not replace its stored token fails loudly.
  rotateRefreshToken: true,

  // Seconds. --access-token-ttl lets a test make the access token expire soon.
  ttl: {
    AccessToken: Number(options['access-token-ttl']),
    AuthorizationCode: 60,
    IdToken: 3600,
    RefreshToken: 14 * 24 * 3600,
    Interaction: 3600,
    Session: 14 * 24 * 3600,
    Grant: 14 * 24 * 3600,
  },

  features: {
    // The provider's own login and consent pages, which the test fills in the WebKit view.
    devInteractions: { enabled: true },
    // The access token goes to the userinfo endpoint (/me) as "Authorization: Bearer". Userinfo
    // takes only an opaque token with the openid scope and no audience; with resource indicators
    // off, every access token is such a token (with them on, a token bound to a resource is
    // refused at userinfo).
    resourceIndicators: { enabled: false },
    userinfo: { enabled: true },
    // Keep the surface to what the test uses.
    rpInitiatedLogout: { enabled: false },
  },

  cookies: {
    keys: [randomBytes(32).toString('base64url')],
  },
  jwks: {
    keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'interop', use: 'sig', alg: 'RS256' }],
  },
};

const provider = new Provider(issuer, configuration);

// One line per request on stderr (path only: queries carry state and codes).
provider.use(async (ctx, next) => {
  await next();
  console.error(`provider.mjs: ${ctx.method} ${ctx.path} ${ctx.status}`);
});

// The development pages' stylesheet imports a web font from fonts.googleapis.com; the test runs
// offline, and a page load should not wait on the network, so that one import is dropped.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path.startsWith('/interaction/') && typeof ctx.body === 'string' && ctx.response.is('html')) {
    ctx.body = ctx.body.replace(/@import url\(https:\/\/fonts\.googleapis\.com\/[^)]*\);/g, '');
  }
});

for (const event of ['server_error', 'authorization.error', 'grant.error', 'userinfo.error']) {
  provider.on(event, (ctx, error) => {
    const detail = error instanceof errors.OIDCProviderError
      ? [error.error, error.error_description, error.error_detail].filter(Boolean).join(': ')
      : (error?.stack ?? String(error));
    console.error(`provider.mjs: ${event}: ${detail}`);
  });
}

handler = provider.callback();

function stop(signal) {
  console.error(`provider.mjs: ${signal}, stopping`);
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
if (options['watch-stdin']) {
  process.stdin.on('end', () => stop('end of stdin'));
  process.stdin.resume();
}

process.stdout.write(`READY ${issuer}\n`);
