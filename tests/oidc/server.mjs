// A real OpenID Provider (oidc-provider 8) on loopback for the single sign-on tests.
// Reads its client and users from the JSON in OIDC_TEST_CONFIG, listens on a free port of
// 127.0.0.1 and prints its issuer as the first line on stdout once it serves.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(process.env.OIDC_TEST_CONFIG);
const users = config.users;

const server = createServer();
await new Promise((resolve) => { server.listen(0, '127.0.0.1', resolve); });
const issuer = `http://127.0.0.1:${server.address().port}`;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), use: 'sig', alg: 'RS256' };

const provider = new Provider(issuer, {
  clients: [{
    client_id: config.client_id,
    client_secret: config.client_secret,
    redirect_uris: config.redirect_uris,
    post_logout_redirect_uris: config.post_logout_redirect_uris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomUUID()] },
  pkce: { required: () => true, methods: ['S256'] },
  // Entra ID and Keycloak put the e-mail, name and groups in the ID token itself.
  conformIdTokenClaims: false,
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  async findAccount(ctx, sub) {
    const user = users[sub];
    if (!user) return undefined;
    return {
      accountId: sub,
      async claims() {
        return { sub, email: user.email, email_verified: true, name: user.name, groups: user.groups };
      },
    };
  },
  // A first-party client: no consent screen, the grant covers what was asked.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(ctx.oidc.params.scope);
    await grant.save();
    return grant;
  },
});

// The development login form records no authentication method: a user configured with `amr`
// gets it in the ID token, as a provider that asked for a second factor would.
const issuePayload = provider.IdToken.prototype.payload;
provider.IdToken.prototype.payload = async function payload() {
  const claims = await issuePayload.call(this);
  const amr = users[claims.sub]?.amr;
  return amr ? { ...claims, amr } : claims;
};

server.on('request', provider.callback());
process.stdout.write(`${issuer}\n`);
