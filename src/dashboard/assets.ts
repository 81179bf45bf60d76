// The page's files, built by `npm run build` (scripts/build-dashboard.mjs) into dist/dashboard/ and served
// from there: no CDN, nothing fetched at run time. The Content-Security-Policy makes that a rule of the page.
import { readFileSync } from 'node:fs';
import type { Hono } from 'hono';

/** dist/src/dashboard/assets.js -> dist/dashboard/ */
const ASSET_DIR = new URL('../../dashboard/', import.meta.url);

const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";

const FILES: Record<string, string> = { 'app.js': 'text/javascript; charset=utf-8', 'app.css': 'text/css; charset=utf-8' };

function loadAssets(): Map<string, Buffer> {
  const assets = new Map<string, Buffer>();
  for (const name of Object.keys(FILES)) {
    try {
      assets.set(name, readFileSync(new URL(name, ASSET_DIR)));
    } catch (error) {
      throw new Error(`the dashboard page is not built (${new URL(name, ASSET_DIR).pathname} is missing): run npm run build`, { cause: error });
    }
  }
  return assets;
}

const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>durabletask dashboard</title>
<link rel="stylesheet" href="/assets/app.css">
</head>
<body>
<div id="app"></div>
<script type="module" src="/assets/app.js"></script>
</body>
</html>
`;

export function addAssetRoutes(app: Hono): void {
  const assets = loadAssets();
  app.get('/assets/:name', (c) => {
    const name = c.req.param('name');
    const body = assets.get(name);
    if (!body) return c.json({ error: { code: 'NOT_FOUND', message: `no asset named '${name}'` } }, 404);
    return c.body(new Uint8Array(body), 200, { 'content-type': FILES[name]!, 'cache-control': 'no-cache' });
  });
  app.get('/', (c) => c.html(INDEX_HTML, 200, { 'content-security-policy': CSP }));
}
