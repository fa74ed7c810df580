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
  | "LNAP_NOT_LOADED"     // browsers (full entry): an lnap function called before `await loadLnap()`
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
  | "REPLY_TOO_LARGE"
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
