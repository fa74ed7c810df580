// Node 20 has no global WebSocket; give the wasm build the `ws` package's,
// which implements the browser API used by web-sys (binaryType, on* handlers).
globalThis.WebSocket = require('ws');
