/** The Commando entry of bolt12-toolkit: LnSocket (BOLT 8, init, pings), Commando, rune decode and attenuate (no BOLT 12, no lnap). `await init()` in browsers. */
export { init, initSync, type InitInput } from "./init.js";
export { init as default } from "./init.js";
// Commando, LnSocket, ErrorCode, ToolkitError, WsProxyOptions, LnSocketOptions, LnMessage,
// ConnectionState, ConnectionStateEvent, CommandoOptions, CallOptions and RuneDecoded: the
// other entries' declarations, appended to this file by wasm/build.sh from wasm/src/ts/.

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
