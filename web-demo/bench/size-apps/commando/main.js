// A Commando page: BOLT 8 + init/pings + Commando, rune decode and attenuate.
import { init, Commando, LnSocket, decodeRune, attenuateRune } from "bolt12-toolkit/commando";

const out = document.getElementById("out");
const rune = new URLSearchParams(location.search).get("rune") ?? "";
init().then(async () => {
  out.textContent = JSON.stringify(decodeRune(rune)) + attenuateRune(rune, "method=getinfo");
  const c = await Commando.connect({ nodeId: "02".padEnd(66, "0"), url: "ws://127.0.0.1:1", rune });
  out.textContent += JSON.stringify(await c.call("getinfo")) + typeof LnSocket.connect;
});
