// A real OpenID provider for the sign-in tests (tests/oidc/conftest.py starts it).
//
// node server.mjs CONFIG.json — CONFIG: {"clients": [...], "users": {"<login>": {...}}}.
// Listens on a free loopback port and prints one line of JSON, {"issuer": "http://127.0.0.1:<port>"},
// once it answers. Its sign-in page (/interaction/<uid>) takes a login and a password; the
// account's `amr` and `acr` go into the ID token as the provider's proof of how it signed in.
//
// One test hook, POST /__test/next-id-token {"aud": "...", "expired": true}: the next token
// response carries an ID token re-signed with the provider's own key but with that audience,
// or one that expired an hour ago — what a misconfigured or hostile provider would send.
import { readFileSync } from 'node:fs';
import http from 'node:http';

import { SignJWT, decodeJwt, exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const users = config.users;
let mischief = null;

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: config.clients,
  jwks: { keys: [jwk] },
  cookies: { keys: ['portal-test-cookie-key'] },
  features: { devInteractions: { enabled: false } },
  claims: { amr: null, openid: ['sub', 'acr', 'amr', 'auth_time'], email: ['email', 'email_verified'], profile: ['name'] },
  acrValues: ['urn:test:pwd', 'urn:test:mfa'],
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const user = users[id];
    if (!user) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: user.email, email_verified: user.email_verified, name: user.name };
      },
    };
  },
});

provider.use(async (ctx, next) => {
  await next();
  if (ctx.path === '/token' && mischief && ctx.body && ctx.body.id_token) {
    const claims = decodeJwt(ctx.body.id_token);
    if (mischief.aud) claims.aud = mischief.aud;
    if (mischief.expired) {
      claims.iat = Math.floor(Date.now() / 1000) - 7200;
      claims.exp = claims.iat + 3600;
    }
    ctx.body = {
      ...ctx.body,
      id_token: await new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
        .sign(privateKey),
    };
    mischief = null;
  }
});

function readForm(req) {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => resolve(Object.fromEntries(new URLSearchParams(body))));
  });
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(res, status, body) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html lang="en"><head><title>Test identity provider</title></head><body>${body}</body></html>`);
}

async function signInPage(req, res, uid, error) {
  const details = await provider.interactionDetails(req, res);
  const hint = details.params.login_hint || '';
  page(res, error ? 401 : 200, `<h1>Test identity provider</h1>
    ${error ? `<p role="alert">${escape(error)}</p>` : ''}
    <form method="post" action="/interaction/${escape(uid)}/login">
      <label>Login <input name="login" value="${escape(hint)}"></label>
      <label>Password <input name="password" type="password"></label>
      <button type="submit">Sign in at the provider</button>
    </form>`);
}

async function finish(req, res, accountId, details) {
  const user = users[accountId];
  const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, {
    login: { accountId, amr: user.amr || ['pwd'], acr: user.acr || 'urn:test:pwd' },
    consent: { grantId },
  }, { mergeWithLastSubmission: false });
}

const callback = provider.callback();
server.on('request', async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    if (url.pathname === '/__test/next-id-token' && req.method === 'POST') {
      let body = '';
      for await (const chunk of req) body += chunk;
      mischief = JSON.parse(body || '{}');
      res.writeHead(204);
      res.end();
      return;
    }
    const match = url.pathname.match(/^\/interaction\/([^/]+)(\/login)?$/);
    if (match) {
      const [, uid, login] = match;
      if (!login) {
        await signInPage(req, res, uid);
        return;
      }
      const form = await readForm(req);
      const details = await provider.interactionDetails(req, res);
      const user = users[form.login];
      if (!user || user.password !== form.password) {
        await signInPage(req, res, uid, 'Wrong login or password.');
        return;
      }
      await finish(req, res, form.login, details);
      return;
    }
    callback(req, res);
  } catch (error) {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(String(error && error.stack ? error.stack : error));
  }
});

process.stdout.write(`${JSON.stringify({ issuer })}\n`);
