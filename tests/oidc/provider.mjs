// A real OpenID Connect provider (panva's certified oidc-provider) on loopback, for the portal's
// single sign-on tests (tests/portal/test_sso.py starts it). Not for any other use.
//
// Configured by environment variables, all required:
//   OIDC_PORT          the port to listen on; the issuer is http://127.0.0.1:OIDC_PORT
//   OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI   the portal, its one client
//   OIDC_ACCOUNTS      JSON: {"account id": {"email": ..., "email_verified": true|false, "name": ...}}
//
// The sign-in page is the package's development interaction: a form that takes an account id
// (any password); consent is granted at once (the portal is a first-party client). Plain http is
// fine: oidc-provider only insists on https behind `proxy` settings or for implicit-flow clients.
// Prints "listening ISSUER" on stdout once it answers.
import Provider from 'oidc-provider';

const env = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`provider.mjs: ${name} is not set`);
    process.exit(2);
  }
  return value;
};

const port = Number(env('OIDC_PORT'));
const issuer = `http://127.0.0.1:${port}`;
const accounts = JSON.parse(env('OIDC_ACCOUNTS'));
const clientId = env('OIDC_CLIENT_ID');
const scopes = 'openid email profile';

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: env('OIDC_CLIENT_SECRET'),
      redirect_uris: [env('OIDC_REDIRECT_URI')],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      // django-allauth sends the secret in the body when the provider offers it.
      token_endpoint_auth_method: 'client_secret_post',
    },
  ],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  async findAccount(ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, ...account };
      },
    };
  },
  // Consent is implied for the portal (a first-party client): grant the scopes it asks for.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    if (ctx.oidc.client.clientId !== clientId) return undefined;
    const grant = new ctx.oidc.provider.Grant({
      clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(scopes);
    await grant.save();
    return grant;
  },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
});

// Faults inside the provider go to stderr, which the test shows if the provider stops.
provider.on('server_error', (ctx, error) => console.error('server_error', error));

provider.listen(port, '127.0.0.1', () => {
  console.log(`listening ${issuer}`);
});
