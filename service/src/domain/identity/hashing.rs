//! The keyed hash under which resident ID numbers are stored and looked up.

use std::fmt;

use hmac::digest::common::Key;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use super::ResidentId;

type HmacSha256 = Hmac<Sha256>;

/// HMAC-SHA256 of an ID number under a secret key, as 64 lowercase hex characters.
///
/// ID numbers are stored as this hash plus [`ResidentId::masked`], never in clear; a lookup by
/// ID number hashes the number it is given and compares hashes. Hence the key:
/// - must be a secret (from configuration, at least 32 random bytes): with it, anyone can test
///   candidate numbers against the stored hashes, and the space of valid numbers is small;
/// - must stay the same for as long as the hashes are kept: under another key no stored
///   hash matches, so lookups by ID number and the per-person booking limits stop working.
///
/// `Debug` never shows the key.
#[derive(Clone)]
pub struct IdHasher {
    /// The MAC already keyed; cloned for each hash.
    keyed: HmacSha256,
}

impl IdHasher {
    pub fn new(key: &[u8]) -> Self {
        Self {
            keyed: HmacSha256::new(&block_key(key)),
        }
    }

    /// The hash of the number's 18 characters (check character upper-case).
    pub fn hash(&self, id: &ResidentId) -> String {
        self.hash_text(id.clear())
    }

    /// The hash of any other personal text kept as a key (a phone number in a rate-limit
    /// counter, say).
    pub fn hash_text(&self, text: &str) -> String {
        let mut mac = self.keyed.clone();
        mac.update(text.as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }
}

/// The key as HMAC uses it (RFC 2104): a key longer than the SHA-256 block is hashed first,
/// then the key is padded with zeros to the block. Done here so that keying cannot fail.
fn block_key(key: &[u8]) -> Key<HmacSha256> {
    let mut block = Key::<HmacSha256>::default();
    let hashed;
    let key = if key.len() > block.len() {
        hashed = Sha256::digest(key);
        hashed.as_slice()
    } else {
        key
    };
    for (slot, byte) in block.iter_mut().zip(key) {
        *slot = *byte;
    }
    block
}

impl fmt::Debug for IdHasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdHasher").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(value: &str) -> ResidentId {
        ResidentId::parse("id_number", value).expect(value)
    }

    fn mac_hex(key: &[u8], data: &[u8]) -> String {
        let mut mac = IdHasher::new(key).keyed;
        mac.update(data);
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }

    #[test]
    fn keying_matches_the_rfc_4231_vectors() {
        // Test case 1: a short key.
        assert_eq!(
            mac_hex(&[0x0b; 20], b"Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
        // Test case 6: a 131-byte key, longer than the block, hashed first.
        assert_eq!(
            mac_hex(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            ),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn the_same_key_and_number_always_give_the_same_hash() {
        let hasher = IdHasher::new(b"a secret of at least thirty-two bytes");
        let first = hasher.hash(&id("11010519491231002X"));
        assert_eq!(first.len(), 64);
        assert!(first.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')));
        assert_eq!(first, hasher.hash(&id("11010519491231002x")));
        let again = IdHasher::new(b"a secret of at least thirty-two bytes");
        assert_eq!(first, again.hash(&id("11010519491231002X")));
    }

    #[test]
    fn another_key_or_another_number_gives_another_hash() {
        let sample = id("11010519491231002X");
        let hasher = IdHasher::new(b"key one");
        assert_ne!(
            hasher.hash(&sample),
            IdHasher::new(b"key two").hash(&sample)
        );
        assert_ne!(hasher.hash(&sample), hasher.hash(&id("440305199003071236")));
        assert!(!hasher.hash(&sample).contains("19491231"));
    }

    #[test]
    fn debug_does_not_show_the_key() {
        let hasher = IdHasher::new(b"very-secret-key");
        assert_eq!(format!("{hasher:?}"), "IdHasher { .. }");
    }
}
