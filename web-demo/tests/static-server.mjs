// Serves the demo page (www/), the npm package as installed in node_modules
// (/pkg/ = node_modules/bolt12-toolkit/) and /node_modules/ on loopback, for pages that
// talk to a node other than our demo node (which serves the page itself).
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { join, normalize, extname } from "node:path";

const DEMO = fileURLToPath(new URL("..", import.meta.url));
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css",
  ".wasm": "application/wasm", ".json": "application/json", ".svg": "image/svg+xml" };
const ROOTS = [
  ["/pkg/", join(DEMO, "node_modules", "bolt12-toolkit")],
  ["/node_modules/", join(DEMO, "node_modules")],
  ["/", join(DEMO, "www")],
];

/** Resolves with `{ url, close() }`; `/blank.html` is an empty page of the same origin. */
export function startStaticServer() {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (path === "/blank.html") {
      res.writeHead(200, { "content-type": "text/html" });
      return res.end("<!doctype html><meta charset=utf-8><title>bolt12-toolkit npm package</title>");
    }
    const [prefix, dir] = ROOTS.find(([p]) => path.startsWith(p));
    let rel = path.slice(prefix.length) || "index.html";
    const file = normalize(join(dir, rel));
    if (!file.startsWith(dir)) { res.writeHead(403); return res.end(); }
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] || "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
    }
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
  })));
}
