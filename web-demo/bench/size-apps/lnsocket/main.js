// Anchor: lnsocket (Core Lightning's C BOLT 8 + Commando, emscripten).
import lnsocket from "lnsocket";

const rune = new URLSearchParams(location.search).get("rune") ?? "";
lnsocket().then(async (ln) => {
  ln.genkey();
  await ln.connect_and_init("02".padEnd(66, "0"), "ws://127.0.0.1:1");
  document.getElementById("out").textContent = JSON.stringify(await ln.rpc({ method: "getinfo", rune }));
});
