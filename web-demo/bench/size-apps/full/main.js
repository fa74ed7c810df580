// Everything, lnap included: a vendor proof is checked only when the user asks (a click),
// so lnap's module (loadLnap(): a dynamic import) is the "lazy" column.
import {
  init, decode, validate, createInvoiceRequest, checkInvoice, LnSocket, Commando, fetchInvoice,
  decodeRune, attenuateRune, loadLnap, lnapDecode, lnapVerify, lnapCheckOffer,
} from "bolt12-toolkit";

const out = document.getElementById("out");
const q = new URLSearchParams(location.search);
const offer = q.get("offer") ?? "";
init().then(() => {
  out.textContent = JSON.stringify([decode(offer), validate(offer), decodeRune(q.get("rune") ?? "")]);
  const req = createInvoiceRequest(offer, { amountMsat: 1000 });
  out.textContent += JSON.stringify(checkInvoice(q.get("invoice") ?? "", req.invoiceRequest));
  out.textContent += attenuateRune(q.get("rune") ?? "", "method=getinfo");
  out.textContent += typeof LnSocket.connect + typeof Commando.connect + typeof fetchInvoice;
});
document.body.addEventListener("click", async () => {
  const proof = q.get("proof") ?? "";
  await loadLnap();
  out.textContent = JSON.stringify([lnapDecode(proof), lnapVerify(proof), lnapCheckOffer(proof, offer)]);
});
