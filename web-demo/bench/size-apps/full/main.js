// Everything, lnap included: a vendor proof is checked only when the user asks (a click).
import {
  init, decode, validate, createInvoiceRequest, checkInvoice, LnSocket, Commando, fetchInvoice,
  decodeRune, attenuateRune, lnapDecode, lnapVerify, lnapCheckOffer,
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
  out.textContent = JSON.stringify([await lnapDecode(proof), await lnapVerify(proof), await lnapCheckOffer(proof, offer)]);
});
