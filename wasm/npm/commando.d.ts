/** The Commando entry of bolt12-toolkit: LnSocket (BOLT 8, init, pings), Commando, rune decode and attenuate (no BOLT 12, no lnap). `await init()` in browsers. */
export { init, initSync, type InitInput } from "./init.js";
export { init as default } from "./init.js";
/** Stable codes carried by every `Error` this package throws (`err.code`). */
export type ErrorCode =
  | "NOT_BOLT12"          // not a bolt12 string at all (no `prefix1data` shape)
  | "UNKNOWN_PREFIX"      // prefix is not lno / lnr / lni
  | "INVALID_BOLT12"      // encoding or a BOLT 12 reader rule broken (see `err.kind`)
  | "WRONG_TYPE"          // e.g. an invoice where an offer was expected
  | "BAD_ARGUMENT"        // an option or parameter has the wrong type or value
  | "NOT_INITIALIZED"     // browsers: a synchronous function called before `await init()`
  | "WASM_LOAD_FAILED"    // browsers: `init()` could not fetch or compile the WebAssembly module
  | "BUILD_FAILED"        // an invoice request could not be built (offer expired, amount missing...)
  | "RANDOM_FAILED"       // no secure random source
  | "RUNE_INVALID"        // the rune or restriction does not parse
  | "LNAP_INVALID"        // the lnap proof does not parse
  | "LNAP_ANCHORS"        // trust anchors could not be loaded
  | "BIP353_BAD_NAME" | "BIP353_PROOF_TOO_LONG" | "BIP353_MALFORMED_PROOF" | "BIP353_INVALID_CHAIN"
  | "BIP353_UNSUPPORTED_ALGORITHM" | "BIP353_TOO_MANY_STEPS" | "BIP353_NOT_YET_VALID" | "BIP353_EXPIRED"
  | "BIP353_NO_RECORD" | "BIP353_MULTIPLE_RECORDS" | "BIP353_NOT_UTF8" | "BIP353_BAD_URI"
  | "BIP353_BAD_OFFER"    // verifyBip353: why the name's proof or its payment instructions were refused
  | "BAD_ADDRESS"         // node id, WebSocket URL or host:port malformed
  | "ADDRESS_CONFLICT"    // both `url` and `wsProxy` given
  | "ADDRESS_MISSING"     // neither `url` nor `wsProxy` (with `address`) given
  | "NODE_UNREACHABLE"    // the WebSocket (or in Node, TCP) connection could not be opened (or timed out)
  | "HANDSHAKE_FAILED"    // BOLT 8 handshake failed: wrong node id, or not a Lightning node
  | "INIT_FAILED"         // BOLT 1 init exchange failed
  | "CONNECTION_CLOSED"   // the connection is closed
  | "CONNECTION_ERROR"    // any other connection failure
  | "RUNE_UNAUTHORIZED"   // 19537: the node refused the rune (wrong rune, or method/params not permitted)
  | "COMMANDO_REMOTE"     // 19536: the node's commando refused the request
  | "COMMANDO_LOCAL"      // 19535 reported by the node
  | "RUNE_NOT_AUTHORIZED" // 1501
  | "RUNE_NOT_PERMITTED"  // 1502
  | "RUNE_BLACKLISTED"    // 1503
  | "RPC_ERROR"           // the command itself failed (`err.rpcCode` is the node's code)
  | "TIMEOUT"             // no reply within the timeout
  | "INVOICE_ERROR"       // fetchInvoice: the issuer answered with an invoice_error (its text is the message)
  | "CHECK_FAILED"        // fetchInvoice: the invoice failed a payer check against the request
  | "NO_ROUTE"            // fetchInvoice: the offer gives no way to its issuer from the connected node
  | "DISCONNECTED"        // connection lost before the reply arrived
  | "REPLY_TOO_LARGE"     // Commando: the reply passed the client's limit (`maxReplyBytes` in the commando entry)
  | "REQUEST_TOO_LARGE"
  | "BAD_REPLY";          // the node's reply is not valid JSON-RPC

/** The errors this package throws. */
export interface ToolkitError extends Error {
  /** Stable machine-readable code. */
  code: ErrorCode;
  /** JSON-RPC error code, for errors reported by a node over Commando (19537, -32601, ...). */
  rpcCode?: number;
  /** The node's `data`, if any. */
  data?: unknown;
  /** For `INVALID_BOLT12`: `offer`, `invoice_request` or `invoice`. */
  kind?: string;
  /** For `INVALID_BOLT12`, when Core Lightning's `decode` answers the string with an object
   *  (`valid: false` and its `warning_*` fields) rather than an error: that object. */
  cln?: Record<string, unknown>;
  /** For `INVOICE_ERROR`: the TLV type the issuer objects to, if it named one. */
  erroneousField?: number;
  /** For `INVOICE_ERROR`: the value the issuer suggests for that field (hex), if any. */
  suggestedValue?: string;
}
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
   * 0 disables), as `LnSocketOptions.pingIntervalMs`. No `pong` within `pongTimeoutMs` ends the connection
   * with `CONNECTION_ERROR` (the `retrying`/`failed` event's `code`): with `reconnect` the client
   * reconnects and calls not yet answered keep waiting (until their `timeoutMs`, since a reply the
   * node sent over the lost connection does not come again); without it they reject with
   * `DISCONNECTED`. A non-negative integer, else `BAD_ARGUMENT`. (This entry only: the full and
   * lite entries' `Commando` always pings after 60 s.) */
  pingIntervalMs?: number;
  /** How long a keep-alive ping waits for its `pong` (ms, default 30000), as
   * `LnSocketOptions.pongTimeoutMs`. A positive integer, else `BAD_ARGUMENT`. (This entry only,
   * like `pingIntervalMs`.) */
  pongTimeoutMs?: number;
  /** Largest reply accepted (bytes, default 524288000 = 500 MiB, Core Lightning's own client
   * limit). A longer reply rejects its call with `REPLY_TOO_LARGE` (`rpcCode` 19535) as soon as
   * it passes the limit; what had arrived is dropped, the rest of that reply is ignored and the
   * connection stays up for other calls. A positive integer, else `BAD_ARGUMENT`. (This entry
   * only: the full and lite entries' `Commando` have the fixed 500 MiB limit.) */
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
/** Core Lightning's `decode` JSON for a rune. */
export interface RuneDecoded {
  type: "rune";
  unique_id?: string;
  version?: string;
  /** `HEX-AUTHCODE:RESTRICTIONS` */
  string?: string;
  restrictions?: { alternatives: string[]; summary: string }[];
  valid: boolean;
  [field: string]: unknown;
}

export class Commando {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Runs `method` with `params` (an object or an array; default `{}`) and resolves to
     * the node's `result`. Rejects with the node's error (`RUNE_UNAUTHORIZED` with the
     * node's message for a refused rune, `RPC_ERROR` with `rpcCode`, ...) or a local one
     * (`TIMEOUT`, `DISCONNECTED`, `CONNECTION_CLOSED`, `BAD_ARGUMENT`, `REQUEST_TOO_LARGE`,
     * `REPLY_TOO_LARGE`).
     */
    call(method: string, params: object | unknown[] | undefined, options: CallOptions | undefined): Promise<any>;
    /**
     * Closes the connection; pending and later calls fail with `DISCONNECTED` /
     * `CONNECTION_CLOSED`.
     */
    close(): void;
    /**
     * Connects to the node (BOLT 8 over WebSocket; in Node over TCP for a `host:port`
     * url) and returns the client.
     *
     * Rejects with `BAD_ADDRESS`, `NODE_UNREACHABLE`, `HANDSHAKE_FAILED` (wrong node id
     * or not a Lightning node), `INIT_FAILED` or `CONNECTION_ERROR`.
     */
    static connect(options: CommandoOptions): Promise<Commando>;
    /**
     * Number of calls awaiting their reply.
     */
    readonly inFlight: number;
    /**
     * The node id this client talks to.
     */
    readonly nodeId: string;
    /**
     * The connection state: `connecting`, `connected`, `retrying`, `failed` or `closed`.
     */
    readonly state: ConnectionState;
}

/**
 * A Lightning peer connection (browser WebSocket; in Node TCP or WebSocket): BOLT 8 handshake, `init`
 * exchange, automatic `pong`s and keep-alive pings (while a `recv` is pending or not:
 * a background task owns the connection).
 */
export class LnSocket {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Closes the connection (after a pending `fetchInvoice`, if any, has ended).
     */
    close(): void;
    /**
     * Connects to `nodeId` at `url` (`ws://` or `wss://`; in Node also `host:port`, plain
     * TCP), or with `url` null/undefined through `options.wsProxy` to `options.address`,
     * runs the BOLT 8 handshake as initiator with a fresh random key and exchanges `init`.
     *
     * Rejects with `ADDRESS_CONFLICT` / `ADDRESS_MISSING` (both or neither of `url` and
     * `wsProxy`), `BAD_ADDRESS`, `NODE_UNREACHABLE`, `HANDSHAKE_FAILED` (e.g. wrong node
     * id), `INIT_FAILED` or `CONNECTION_ERROR`.
     */
    static connect(node_id: string, url: string | null | undefined, options: LnSocketOptions | undefined): Promise<LnSocket>;
    /**
     * The next message: any odd type (custom messages included), `error` (type 17) or
     * `warning` (type 1); pings are answered for you. One `recv` at a time.
     * Rejects with `CONNECTION_CLOSED` once the peer has closed, or with the failure.
     */
    recv(): Promise<LnMessage>;
    /**
     * Sends a message of odd type `type` (BOLT 1 forbids unnegotiated even types).
     * Rejects with `BAD_ARGUMENT` or `CONNECTION_CLOSED`.
     */
    send(msg_type: number, payload: Uint8Array | number[]): Promise<void>;
    /**
     * The peer's node id (hex).
     */
    readonly nodeId: string;
    /**
     * The peer's `init` features (big-endian bitmap, hex).
     */
    readonly remoteFeatures: string;
}

/**
 * Attenuates a rune: appends `restriction` (Core Lightning syntax, alternatives separated
 * by `|`, e.g. `method=getinfo|method=listoffers` or `time<1700000000`) and returns the
 * new rune (base64url). Anyone can do this without the node's secret; the node still
 * accepts the result, with the extra restriction.
 *
 * Throws `RUNE_INVALID` for a bad rune or restriction.
 */
export function attenuateRune(rune: string, restriction: string): string;

/**
 * Decodes a rune (base64url) into Core Lightning's `decode` JSON: unique id, version,
 * each restriction with its alternatives and an English summary (`time` restrictions
 * described relative to `now`, seconds since the epoch, default: now).
 *
 * Throws `RUNE_INVALID`.
 */
export function decodeRune(rune: string, now?: number | null): RuneDecoded;

/**
 * The package version.
 */
export function version(): string;
