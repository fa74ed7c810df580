// A decode-only page: decode/validate, invoice requests, invoice checks.
import { init, decode, validate, createInvoiceRequest, checkInvoice } from "bolt12-toolkit/decode";

const out = document.getElementById("out");
const q = new URLSearchParams(location.search);
const offer = q.get("offer") ?? "";
init().then(() => {
  out.textContent = JSON.stringify([decode(offer), validate(offer)]);
  const req = createInvoiceRequest(offer, { amountMsat: 1000 });
  out.textContent += JSON.stringify(checkInvoice(q.get("invoice") ?? "", req.invoiceRequest));
});
