// Anchor: lnmessage (pure JavaScript BOLT 8 + Commando).
import Lnmessage from "lnmessage";

const rune = new URLSearchParams(location.search).get("rune") ?? "";
const ln = new Lnmessage({ remoteNodePublicKey: "02".padEnd(66, "0"), wsProxy: "ws://127.0.0.1:1", ip: "127.0.0.1" });
ln.connect().then(async () => {
  document.getElementById("out").textContent = JSON.stringify(await ln.commando({ method: "getinfo", params: [], rune }));
});
