//! BOLT 8 handshake acts fed to the sans-IO state machines (`lnsocket::noise`): the
//! responder reads act one and act three, the initiator reads act two.
//!
//! The first byte picks the act; the rest is XORed onto the honest act of a handshake
//! between two fixed keys (a longer or shorter input changes the length). A state machine
//! accepts exactly the honest act: any other bytes (a flipped bit, a truncation, an extra
//! byte) are refused. After an accepted act the handshake completes and the two
//! transports exchange a message each way. With the top bit of the first byte set, the
//! input is the act itself (arbitrary bytes, never a panic).
#![no_main]
use libfuzzer_sys::fuzz_target;
use lnsocket::noise::{Initiator, PrivateKey, Responder, Transport};

fn key(byte: u8) -> PrivateKey {
    PrivateKey::from_bytes(&[byte; 32]).expect("valid key")
}

fn tamper(honest: &[u8], mask: &[u8]) -> Vec<u8> {
    mask.iter()
        .enumerate()
        .map(|(i, m)| honest.get(i).copied().unwrap_or(0) ^ m)
        .collect()
}

fn talk(mut a: Transport, mut b: Transport, msg: &[u8]) {
    let msg = &msg[..msg.len().min(usize::from(u16::MAX))];
    let packet = a.send.encrypt(msg).expect("short message");
    assert_eq!(b.recv.decrypt(&packet).expect("peer decrypts"), msg);
    let packet = b.send.encrypt(msg).expect("short message");
    assert_eq!(a.recv.decrypt(&packet).expect("peer decrypts"), msg);
}

fuzz_target!(|input: &[u8]| {
    let Some((&selector, data)) = input.split_first() else {
        return;
    };
    let raw = selector & 0x80 != 0;
    let (i_ls, r_ls) = (key(0x11), key(0x21));
    let r_pub = r_ls.public_key();
    let initiator = Initiator::with_ephemeral(i_ls.clone(), r_pub, key(0x12));
    let responder = Responder::with_ephemeral(r_ls, key(0x22));
    let (i_wait, act_one) = initiator.act_one();
    let act = |honest: &[u8]| {
        if raw {
            data.to_vec()
        } else {
            tamper(honest, data)
        }
    };
    match selector % 3 {
        0 => {
            let fed = act(&act_one);
            match responder.read_act_one(&fed) {
                Ok((r_wait, act_two)) => {
                    assert!(raw || fed == act_one, "tampered act one accepted");
                    if fed == act_one {
                        let (act_three, i_t) = i_wait.read_act_two(&act_two).expect("honest");
                        let (remote, r_t) = r_wait.read_act_three(&act_three).expect("honest");
                        assert_eq!(remote, i_ls.public_key());
                        talk(i_t, r_t, data);
                    }
                }
                Err(_) => assert!(fed != act_one, "honest act one refused"),
            }
        }
        1 => {
            let (r_wait, act_two) = responder.read_act_one(&act_one).expect("honest act one");
            let fed = act(&act_two);
            match i_wait.read_act_two(&fed) {
                Ok((act_three, i_t)) => {
                    assert_eq!(fed, act_two, "tampered act two accepted");
                    let (_, r_t) = r_wait.read_act_three(&act_three).expect("honest act three");
                    talk(i_t, r_t, data);
                }
                Err(_) => assert!(fed != act_two, "honest act two refused"),
            }
        }
        _ => {
            let (r_wait, act_two) = responder.read_act_one(&act_one).expect("honest act one");
            let (act_three, i_t) = i_wait.read_act_two(&act_two).expect("honest act two");
            let fed = act(&act_three);
            match r_wait.read_act_three(&fed) {
                Ok((remote, r_t)) => {
                    assert_eq!(fed, act_three, "tampered act three accepted");
                    assert_eq!(remote, i_ls.public_key());
                    talk(i_t, r_t, data);
                }
                Err(_) => assert!(fed != act_three, "honest act three refused"),
            }
        }
    }
});
