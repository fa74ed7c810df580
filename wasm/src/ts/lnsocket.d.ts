/**
 * Connecting through a WebSocket proxy (lnmessage's scheme), instead of `url`: the WebSocket
 * is opened to `${wsProxy}/${host}:${port}`, `address` being the node's own Lightning
 * address, and the proxy bridges it to that TCP port. The BOLT 8 handshake is end to end
 * with the node id, so the proxy only relays ciphertext. Giving both `url` and `wsProxy`
 * rejects with `ADDRESS_CONFLICT`, neither (or `wsProxy` without `address`) with `ADDRESS_MISSING`.
 */
export interface WsProxyOptions {
  /** `ws://` or `wss://` URL of the proxy, e.g. `wss://proxy.example.com`. */
  wsProxy?: string;
  /** The node's `host:port` (port 9735 when left out), which the proxy connects to. */
  address?: string;
}

/** Options of `LnSocket.connect`. */
export interface LnSocketOptions extends WsProxyOptions {
  /** Limit for opening the connection, the BOLT 8 handshake and the init exchange, each (ms, default 10000). */
  timeoutMs?: number;
  /** Send a keep-alive ping (BOLT 1 `ping`) after this long without traffic from the peer (ms,
   * default 60000; 0 disables). A peer that does not answer with a `pong` within
   * `pongTimeoutMs` ends the connection with `CONNECTION_ERROR` (a pending `recv` rejects with
   * it). A non-negative integer, else `BAD_ARGUMENT`. */
  pingIntervalMs?: number;
  /** How long a keep-alive ping waits for its `pong` (ms, default 30000). A positive integer,
   * else `BAD_ARGUMENT`. */
  pongTimeoutMs?: number;
}

/** A message received by `LnSocket.recv`: any odd type (custom messages included), `error` (17) or `warning` (1). */
export interface LnMessage {
  type: number;
  payload: Uint8Array;
}

/** Connection states reported to `CommandoOptions.onState`. */
export type ConnectionState = "connecting" | "connected" | "retrying" | "failed" | "closed";

/** A state change of a `Commando` connection. */
export interface ConnectionStateEvent {
  state: ConnectionState;
  /** Connection attempt number: 1 = the first connection, 2 = the first reconnection attempt... */
  attempt: number;
  /** Why the connection was lost or could not be made. */
  error?: string;
  /** Stable code for `error`. */
  code?: ErrorCode;
}

/** Options of `Commando.connect`. */
export interface CommandoOptions extends WsProxyOptions {
  /** The node's id (33-byte compressed public key, hex). */
  nodeId: string;
  /** `ws://host:port` or `wss://host/path` where the node accepts BOLT 8 over WebSocket; in Node
   * also `host:port` (plain TCP, the node's Lightning port). Browsers have only WebSocket.
   * Required unless `wsProxy` (with `address`) is given. */
  url?: string;
  /** Default rune for `call`. */
  rune?: string;
  /** Per-command timeout (ms, default 30000). */
  timeoutMs?: number;
  /** Limit for each connection attempt (ms, default 10000). */
  connectTimeoutMs?: number;
  /** Re-establish a dropped connection (default true). */
  reconnect?: boolean;
  /** Attempts per reconnection (default 10). */
  reconnectAttempts?: number;
  /** Pause between attempts (ms, default 1000). */
  reconnectDelayMs?: number;
  /** Send a keep-alive ping after this long without traffic from the node (ms, default 60000;
   * 0 disables), as `LnSocketOptions.pingIntervalMs`. No `pong` within `pongTimeoutMs` ends the
   * connection with `CONNECTION_ERROR` (the `retrying`/`failed` event's `code`): with
   * `reconnect` the client reconnects and calls not yet answered keep waiting (until their
   * `timeoutMs`, since a reply the node sent over the lost connection does not come again);
   * without it they reject with `DISCONNECTED`. A non-negative integer, else `BAD_ARGUMENT`. */
  pingIntervalMs?: number;
  /** How long a keep-alive ping waits for its `pong` (ms, default 30000), as
   * `LnSocketOptions.pongTimeoutMs`. A positive integer, else `BAD_ARGUMENT`. */
  pongTimeoutMs?: number;
  /** Largest reply accepted (bytes, default 524288000 = 500 MiB, Core Lightning's own client
   * limit). A longer reply rejects its call with `REPLY_TOO_LARGE` (`rpcCode` 19535) as soon as
   * it passes the limit; what had arrived is dropped, the rest of that reply is ignored and the
   * connection stays up for other calls. A positive integer, else `BAD_ARGUMENT`. */
  maxReplyBytes?: number;
  /** Called on every state change. */
  onState?: (event: ConnectionStateEvent) => void;
}

/** Options of `Commando.call`. */
export interface CallOptions {
  /** Rune for this call (default: the connection's). */
  rune?: string;
  /** Timeout for this call (ms). */
  timeoutMs?: number;
  /** A Core Lightning filter object. */
  filter?: unknown;
}
