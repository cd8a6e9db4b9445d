/** Optional API key: `Authorization: Bearer <key>` or `X-API-Key: <key>`; health, docs and the web page stay open. */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { HttpError } from './limits.js';

const OPEN_PATHS = [/^\/v2\/health\//, /^\/metrics$/, /^\/docs(\/|$)/, /^\/$/, /^\/web\//, /^\/favicon\.ico$/];

export function isOpenPath(path: string): boolean {
  return OPEN_PATHS.some((p) => p.test(path));
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function presentedKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m) return m[1];
  }
  const key = headers['x-api-key'];
  return typeof key === 'string' ? key : undefined;
}

export function installApiKey(app: FastifyInstance, apiKey: string | undefined): void {
  if (!apiKey) return;
  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0]!;
    if (isOpenPath(path) || request.method === 'OPTIONS') return;
    const key = presentedKey(request.headers);
    if (key === undefined || !same(key, apiKey)) {
      throw new HttpError(401, 'missing or wrong API key: send "Authorization: Bearer <key>" or "X-API-Key: <key>"', {
        'www-authenticate': 'Bearer',
      });
    }
  });
}
