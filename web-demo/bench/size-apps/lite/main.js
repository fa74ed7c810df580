// Everything but lnap: BOLT 12 decode/build/check, LnSocket, Commando, runes, fetchInvoice.
import {
  init, decode, validate, createInvoiceRequest, checkInvoice, LnSocket, Commando, fetchInvoice,
  decodeRune, attenuateRune,
} from "bolt12-toolkit/lite";

const out = document.getElementById("out");
const q = new URLSearchParams(location.search);
const offer = q.get("offer") ?? "";
init().then(async () => {
  out.textContent = JSON.stringify([decode(offer), validate(offer), decodeRune(q.get("rune") ?? "")]);
  const req = createInvoiceRequest(offer, { amountMsat: 1000 });
  out.textContent += JSON.stringify(checkInvoice(q.get("invoice") ?? "", req.invoiceRequest));
  out.textContent += attenuateRune(q.get("rune") ?? "", "method=getinfo");
  const s = await LnSocket.connect("02".padEnd(66, "0"), "ws://127.0.0.1:1");
  out.textContent += JSON.stringify(await s.fetchInvoice(offer, {}));
  out.textContent += typeof Commando.connect + typeof fetchInvoice;
});
