// How the browser entries (index.js, lite.js, decode.js, ...) load their WebAssembly
// module: on `await init()`, or by itself on the first asynchronous call (Commando.connect,
// LnSocket.connect, fetchInvoice), never at import. No top-level `await`, which Vite 6's
// default build target ("Top-level await is not available in the configured target
// environment") and older defaults of other bundlers refuse.
//
// Synchronous functions (decode, validate, ...) cannot wait: called before the module is
// loaded they throw an Error with `code: "NOT_INITIALIZED"` naming `init()`. A module
// that cannot be fetched or compiled rejects `init()` with `code: "WASM_LOAD_FAILED"`.
//
// A part fetched on first use (`lazyPart`: lnap in the full entry) is a separate module
// behind a dynamic `import()`, which bundlers emit as its own chunk with its own .wasm:
// `await load()` fetches it; its synchronous functions throw `notLoaded` until then.

/** An Error with the package's stable `code`, as the WebAssembly side throws them. */
export function toolkitError(code, message, cause) {
  const e = new Error(message, cause === undefined ? undefined : { cause });
  e.name = "ToolkitError";
  e.code = code;
  return e;
}

/**
 * The loader of one entry: `glueInit` / `glueInitSync` are wasm-bindgen's (`--target web`)
 * and `wasmUrl` the entry's `new URL("./<entry>/bolt12_toolkit_bg.wasm", import.meta.url)`
 * (written in the entry itself, where bundlers see it and emit the asset).
 */
export function loader(glueInit, glueInitSync, wasmUrl) {
  let ready = false;
  let loading = null;

  /** `init()`, `init(urlOrBytesOrModuleOrResponse)` or `init({ module_or_path })`. */
  function init(source) {
    if (ready) return Promise.resolve();
    if (!loading) {
      const input = source && typeof source === "object" && "module_or_path" in source ? source.module_or_path : source;
      const from = input ?? wasmUrl;
      loading = glueInit({ module_or_path: from }).then(
        () => { ready = true; },
        (e) => {
          loading = null;
          const where = typeof from === "string" || from instanceof URL ? ` from ${from}` : "";
          throw toolkitError("WASM_LOAD_FAILED", `could not load the WebAssembly module${where}: ${e && e.message || e}`, e);
        });
    }
    return loading;
  }

  /** Loads from bytes (or a compiled `WebAssembly.Module`) synchronously. */
  function initSync(module) {
    if (ready) return;
    const m = module && typeof module === "object" && "module" in module ? module.module : module;
    try {
      glueInitSync({ module: m });
    } catch (e) {
      throw toolkitError("WASM_LOAD_FAILED", `could not load the WebAssembly module: ${e && e.message || e}`, e);
    }
    ready = true;
  }

  /** `fn`, refusing with NOT_INITIALIZED until the module is loaded. */
  function sync(fn, name) {
    const guarded = function (...args) {
      if (!ready) {
        throw toolkitError("NOT_INITIALIZED",
          `${name}() was called before the WebAssembly module was loaded: \`await init()\` first ` +
          "(imported from bolt12-toolkit; asynchronous functions such as Commando.connect load it themselves)");
      }
      return fn.apply(this, args);
    };
    Object.defineProperty(guarded, "name", { value: name });
    return guarded;
  }

  /** `fn` (returning a promise), loading the module first. */
  function lazy(fn, name) {
    const wrapped = function (...args) {
      return init().then(() => fn.apply(this, args));
    };
    Object.defineProperty(wrapped, "name", { value: name });
    return wrapped;
  }

  /** The class with its static async `methods` loading the module first (same class: `instanceof` holds). */
  function lazyStatics(cls, methods) {
    for (const m of methods) cls[m] = lazy(cls[m], m);
    return cls;
  }

  return { init, initSync, sync, lazy, lazyStatics, isReady: () => ready };
}

/**
 * A part of an entry in its own module, fetched on first use: `importer` is the entry's
 * `() => import("./<part>.js")` (written in the entry, where bundlers see it and emit a
 * separate chunk), whose module exports `init` (a `loader`'s) and the functions. `load()`
 * imports it and loads its WebAssembly (once; a failure, code `WASM_LOAD_FAILED`, lets a
 * later call try again); `sync(name)` is its function `name`, throwing `notLoaded` (a
 * ToolkitError code naming `loadName`) until then.
 */
export function lazyPart(importer, what, loadName, notLoaded) {
  let mod = null;
  let loading = null;

  function load(source) {
    if (mod) return Promise.resolve();
    if (!loading) {
      loading = Promise.resolve()
        .then(importer)
        .catch((e) => {
          throw toolkitError("WASM_LOAD_FAILED", `could not load the ${what} module: ${e && e.message || e}`, e);
        })
        .then((m) => m.init(source).then(() => { mod = m; }))
        .catch((e) => { loading = null; throw e; });
    }
    return loading;
  }

  function sync(name) {
    const guarded = function (...args) {
      if (!mod) {
        throw toolkitError(notLoaded,
          `${name}() was called before the ${what} module was loaded: \`await ${loadName}()\` first ` +
          `(bolt12-toolkit fetches ${what}'s WebAssembly only when asked, so pages that never use it never download it)`);
      }
      return mod[name].apply(this, args);
    };
    Object.defineProperty(guarded, "name", { value: name });
    return guarded;
  }

  return { load, sync, isLoaded: () => mod !== null };
}
