//! BIP 353 (`bolt12::bip353`, feature `bip353`): names, their DNS query, and RFC 9102
//! proofs verified offline to the IANA root trust anchors.
//!
//! The proof (`tests/data/bip353-matt.user._bitcoin-payment.mattcorallo.com.proof`) is a
//! real one: the public DNS records (root DNSKEYs, `com.` DS and DNSKEYs,
//! `mattcorallo.com.` DS and DNSKEYs, the name's two TXT records, and the RRSIGs over each
//! set) that `dnssec-prover` 0.6.10 carries in its own tests, written back to back in wire
//! form with its `write_rr`. Its signatures are valid from 1785988800 to 1786415920
//! (August 2026), so it is checked `at` a time inside that window, and the bad cases are
//! made from it: a time past the window or before it, a forged signature, a link of the
//! chain removed, a changed record, another name, the TXT records removed.
//!
//! Proofs for test zones signed at test time cannot be made: `dnssec-prover` 0.6.10's
//! `verify_rr_stream` trusts only the IANA root keys (`validation::root_hints`, key tags
//! 20326 and 38696; RFC 9102's test anchor is added only under the crate's own
//! `cfg(test)`) and has no parameter for another trust anchor, so a chain from a root key
//! we hold can never verify.
#![cfg(feature = "bip353")]

use bolt12::bip353::dnssec_prover::rr::{Txt, RR};
use bolt12::bip353::dnssec_prover::ser::{parse_rr_stream, write_rr};
use bolt12::bip353::{offer_in_uri, verify_proof, Bip353Error, Hrn, MAX_PROOF_LEN};
use bolt12::json::decode_json_at;
use bolt12::InvoiceRequestBuilder;
use secp256k1::{Keypair, SecretKey, SECP256K1};

const PROOF: &[u8] = include_bytes!("data/bip353-matt.user._bitcoin-payment.mattcorallo.com.proof");
const VALID_FROM: u64 = 1_785_988_800;
const EXPIRES: u64 = 1_786_415_920;
const AT: u64 = 1_786_000_000;
const URI: &str = "bitcoin:bc1qztwy6xen3zdtt7z0vrgapmjtfz8acjkfp5fp7l?lno=lno1zr5qyugqgskrk70kqmuq7v3dnr2fnmhukps9n8hut48vkqpqnskt2svsqwjakp7k6pyhtkuxw7y2kqmsxlwruhzqv0zsnhh9q3t9xhx39suc6qsr07ekm5esdyum0w66mnx8vdquwvp7dp5jp7j3v5cp6aj0w329fnkqqv60q96sz5nkrc5r95qffx002q53tqdk8x9m2tmt85jtpmcycvfnrpx3lr45h2g7na3sec7xguctfzzcm8jjqtj5ya27te60j03vpt0vq9tm2n9yxl2hngfnmygesa25s4u4zlxewqpvp94xt7rur4rhxunwkthk9vly3lm5hh0pqv4aymcqejlgssnlpzwlggykkajp7yjs5jvr2agkyypcdlj280cy46jpynsezrcj2kwa2lyr8xvd6lfkph4xrxtk2xc3lpq";

fn matt() -> Hrn {
    "₿matt@mattcorallo.com".parse().unwrap()
}

fn records() -> Vec<RR> {
    parse_rr_stream(PROOF).unwrap()
}

fn write(rrs: &[RR]) -> Vec<u8> {
    let mut out = Vec::new();
    for rr in rrs {
        write_rr(rr, 3600, &mut out);
    }
    out
}

#[test]
fn a_real_proof_verifies_at_a_time_in_its_window() {
    let r = verify_proof(&matt(), PROOF, AT).unwrap();
    // Of the two TXT records, the one not starting with bitcoin: is ignored.
    assert_eq!(r.uri, URI);
    let offer = r.offer.expect("the URI carries an offer");
    assert_eq!(offer.to_string(), URI.split_once("lno=").unwrap().1);
    assert_eq!(r.valid_from, VALID_FROM);
    assert_eq!(r.expires, EXPIRES);
    assert_eq!(r.max_cache_ttl, 3600);
    // The window's edges are inside it; the records' order does not matter.
    verify_proof(&matt(), PROOF, VALID_FROM).unwrap();
    verify_proof(&matt(), PROOF, EXPIRES).unwrap();
    let mut rrs = records();
    rrs.reverse();
    assert_eq!(verify_proof(&matt(), &write(&rrs), AT).unwrap().uri, URI);
    // The name's case does not matter to DNS.
    let upper: Hrn = "MATT@MattCorallo.COM".parse().unwrap();
    assert_eq!(verify_proof(&upper, PROOF, AT).unwrap().uri, URI);

    // Paying it: the request names the HRN (BOLT 12: "MUST include invreq_bip_353_name"),
    // and `decode` shows it with Core Lightning's field names.
    let payer = Keypair::from_secret_key(SECP256K1, &SecretKey::from_slice(&[3; 32]).unwrap());
    let hrn = matt();
    let request = InvoiceRequestBuilder::new(&offer, vec![1; 16], payer.public_key())
        .unwrap()
        .amount_msat(10_000)
        .bip_353_name(hrn.user(), hrn.domain())
        .build_and_sign(&payer, AT)
        .unwrap();
    let json = decode_json_at(&request.to_string(), Some(AT)).unwrap();
    assert_eq!(json["invreq_bip_353_name"]["name"], "matt");
    assert_eq!(json["invreq_bip_353_name"]["domain"], "mattcorallo.com");
}

#[test]
fn expired_and_not_yet_valid_signatures() {
    assert_eq!(
        verify_proof(&matt(), PROOF, EXPIRES + 1),
        Err(Bip353Error::Expired {
            expires: EXPIRES,
            at: EXPIRES + 1
        })
    );
    assert_eq!(
        verify_proof(&matt(), PROOF, VALID_FROM - 1),
        Err(Bip353Error::NotYetValid {
            valid_from: VALID_FROM,
            at: VALID_FROM - 1
        })
    );
}

#[test]
fn a_broken_chain_is_refused() {
    // A forged signature, anywhere in the chain: flip one byte of each RRSIG in turn.
    let rrs = records();
    let sigs: Vec<usize> = (0..rrs.len())
        .filter(|i| matches!(rrs[*i], RR::RRSig(_)))
        .collect();
    assert_eq!(
        sigs.len(),
        6,
        "root DNSKEY, com. DS and DNSKEY, mattcorallo.com. DS and DNSKEY, TXT"
    );
    for i in sigs {
        let mut forged = rrs.clone();
        if let RR::RRSig(sig) = &mut forged[i] {
            sig.signature[10] ^= 1;
        }
        let got = verify_proof(&matt(), &write(&forged), AT);
        assert_eq!(got, Err(Bip353Error::InvalidChain), "RRSIG {i}");
    }
    // A link removed: without the com. DS (or the root's DNSKEYs, or mattcorallo.com.'s
    // DNSKEYs) nothing below it verifies, and the name has no proven record.
    for (what, drop) in [
        (
            "com. DS",
            (|rr: &RR| matches!(rr, RR::DS(ds) if ds.name.as_str() == "com.")) as fn(&RR) -> bool,
        ),
        (
            "root DNSKEYs",
            |rr: &RR| matches!(rr, RR::DnsKey(k) if k.name.as_str() == "."),
        ),
        (
            "mattcorallo.com. DNSKEYs",
            |rr: &RR| matches!(rr, RR::DnsKey(k) if k.name.as_str() == "mattcorallo.com."),
        ),
    ] {
        let kept: Vec<RR> = records().into_iter().filter(|rr| !drop(rr)).collect();
        let got = verify_proof(&matt(), &write(&kept), AT);
        assert!(
            matches!(
                got,
                Err(Bip353Error::InvalidChain) | Err(Bip353Error::NoRecord(_))
            ),
            "{what}: {got:?}"
        );
    }
    // A record changed after signing: another offer in the TXT record.
    let mut changed = records();
    for rr in &mut changed {
        if let RR::Txt(txt) = rr {
            if txt.data.as_vec().starts_with(b"bitcoin:") {
                let other = URI.replace("bc1qztwy", "bc1qztwz");
                *txt = Txt {
                    name: txt.name.clone(),
                    data: other.as_str().try_into().unwrap(),
                };
            }
        }
    }
    assert_eq!(
        verify_proof(&matt(), &write(&changed), AT),
        Err(Bip353Error::InvalidChain)
    );
}

#[test]
fn a_wrong_name_or_a_missing_record() {
    for other in ["bob@mattcorallo.com", "matt@mattcorallo.org", "matt@com"] {
        let name: Hrn = other.parse().unwrap();
        assert_eq!(
            verify_proof(&name, PROOF, AT),
            Err(Bip353Error::NoRecord(name.dns_name())),
            "{other}"
        );
    }
    // The TXT records and their signature removed: `dnssec-prover` refuses a proof that
    // proves no record at all, so this is a broken proof, not an empty answer.
    let kept: Vec<RR> = records()
        .into_iter()
        .filter(|rr| match rr {
            RR::Txt(_) => false,
            RR::RRSig(s) => s.ty != 16,
            _ => true,
        })
        .collect();
    assert_eq!(
        verify_proof(&matt(), &write(&kept), AT),
        Err(Bip353Error::InvalidChain)
    );
}

#[test]
fn malformed_and_oversized_proofs() {
    assert_eq!(
        verify_proof(&matt(), &PROOF[..PROOF.len() - 1], AT),
        Err(Bip353Error::MalformedProof)
    );
    // No records at all: nothing leads from the root.
    assert_eq!(
        verify_proof(&matt(), &[], AT),
        Err(Bip353Error::InvalidChain)
    );
    let big = vec![0u8; MAX_PROOF_LEN + 1];
    assert_eq!(
        verify_proof(&matt(), &big, AT),
        Err(Bip353Error::ProofTooLong {
            len: MAX_PROOF_LEN + 1,
            max: MAX_PROOF_LEN
        })
    );
}

#[test]
fn names_and_their_dns_query() {
    let h = matt();
    assert_eq!(h.user(), "matt");
    assert_eq!(h.domain(), "mattcorallo.com");
    assert_eq!(h.dns_name(), "matt.user._bitcoin-payment.mattcorallo.com.");
    assert_eq!(h.to_string(), "₿matt@mattcorallo.com");
    assert_eq!("matt@mattcorallo.com.".parse::<Hrn>().unwrap(), h);
    for (bad, why) in [
        ("matt", "no '@'"),
        ("@x.com", "empty user"),
        ("matt@", "empty domain"),
        (
            "ma tt@x.com",
            "user has characters other than 0-9, a-z, A-Z, '-', '_', '.'",
        ),
        (
            "matt@x/y.com",
            "domain has characters other than 0-9, a-z, A-Z, '-', '_', '.'",
        ),
        ("matt@x..com", "empty DNS label"),
    ] {
        assert_eq!(Hrn::parse(bad), Err(Bip353Error::InvalidName(why)), "{bad}");
    }
    let long = format!("{}@x.com", "a".repeat(64));
    assert_eq!(
        Hrn::parse(&long),
        Err(Bip353Error::InvalidName("DNS label longer than 63 bytes"))
    );
    let huge = format!("a@{}", vec!["b".repeat(60); 5].join("."));
    assert_eq!(
        Hrn::parse(&huge),
        Err(Bip353Error::InvalidName("longer than a DNS name can be"))
    );
    // The query: RFC 1035 header (one question, one additional: EDNS0), the name in
    // labels, QTYPE TXT (16), QCLASS IN, then the OPT record with the DNSSEC OK bit.
    let q = h.txt_query().unwrap();
    assert_eq!(&q[2..4], &[0x01, 0x20], "recursion desired, AD");
    assert_eq!(&q[4..12], &[0, 1, 0, 0, 0, 0, 0, 1]);
    let mut name = Vec::new();
    for label in ["matt", "user", "_bitcoin-payment", "mattcorallo", "com"] {
        name.push(label.len() as u8);
        name.extend_from_slice(label.as_bytes());
    }
    name.push(0);
    assert_eq!(&q[12..12 + name.len()], name.as_slice());
    let rest = &q[12 + name.len()..];
    assert_eq!(&rest[..4], &[0, 16, 0, 1]);
    assert_eq!(rest[4..7], [0, 0, 0x29], "OPT at the root name");
    assert_eq!(rest[11..13], [0x80, 0], "DO bit");
}

#[test]
fn the_offer_in_a_bitcoin_uri() {
    let lno = URI.split_once("lno=").unwrap().1;
    // No query: no offer.
    assert_eq!(offer_in_uri("bitcoin:bc1qexample").unwrap(), None);
    assert_eq!(offer_in_uri("bitcoin:?amount=1").unwrap(), None);
    // Parameter names compare without case; other parameters are ignored; no address.
    let o = offer_in_uri(&format!("bitcoin:?amount=0.1&LNO={lno}&label=x")).unwrap();
    assert_eq!(o.unwrap().to_string(), lno);
    // Percent-encoding is decoded.
    let encoded = format!("bitcoin:?lno={}%31{}", &lno[..3], &lno[4..]);
    assert_eq!(offer_in_uri(&encoded).unwrap().unwrap().to_string(), lno);
    assert_eq!(
        offer_in_uri("bitcoin:?lno=%3g"),
        Err(Bip353Error::BadPercentEncoding("lno".into()))
    );
    assert_eq!(
        offer_in_uri("bitcoin:?lno=%+1"),
        Err(Bip353Error::BadPercentEncoding("lno".into()))
    );
    // BIP 21: an unknown req- parameter makes the URI invalid.
    assert_eq!(
        offer_in_uri(&format!("bitcoin:?lno={lno}&req-pop=x")),
        Err(Bip353Error::UnknownRequiredParameter("req-pop".into()))
    );
    assert_eq!(
        offer_in_uri(&format!("bitcoin:?lno={lno}&lno={lno}")),
        Err(Bip353Error::DuplicateParameter("lno"))
    );
    assert!(matches!(
        offer_in_uri("bitcoin:?lno=lno1qqqq"),
        Err(Bip353Error::Offer(_))
    ));
}
