//! The filter file format (version 1), shared by the built-in filter and imported ones.
//!
//! All integers are little-endian. A 64-byte header is followed by the bit array:
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 8 | magic `CGNBLOOM` |
//! | 8 | 4 | format version, `1` |
//! | 12 | 4 | bits set per key `k` (1..=32) |
//! | 16 | 8 | number of 512-bit blocks (≥ 1) |
//! | 24 | 8 | number of entries inserted |
//! | 32 | 32 | SHA-256 of bytes 0..32 followed by the bit array |
//! | 64 | 64 × blocks | the blocks |
//!
//! A key is the 20-byte SHA-1 of a password (the binary form of a Pwned Passwords hash).
//! Its block is `⌊u64le(key[0..8]) · blocks / 2^64⌋`; its `k` bit positions in that block
//! come from a SplitMix64 sequence seeded with `u64le(key[8..16]) ⊕ (u32le(key[16..20]) << 32)`,
//! 9 bits at a time (seven positions per 64-bit output, low bits first). Bit `p` of a
//! block is bit `p mod 8` of its byte `p / 8`.

use crate::error::BreachError;
use crate::sizing::{BLOCK_BYTES, MAX_HASHES, Params};
use sha2::{Digest, Sha256};

/// First eight bytes of every filter file.
pub const MAGIC: [u8; 8] = *b"CGNBLOOM";
/// The format version this build writes and reads.
pub const VERSION: u32 = 1;
/// Header length; the bit array starts here.
pub const HEADER_LEN: usize = 64;

/// A parsed and validated header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Block count and bits per key.
    pub params: Params,
    /// Entries inserted when the filter was built.
    pub entries: u64,
    /// SHA-256 over header bytes 0..32 and the bit array.
    pub checksum: [u8; 32],
}

impl Header {
    /// The 32 bytes covered by the checksum (magic through entry count).
    pub fn prefix(params: Params, entries: u64) -> [u8; 32] {
        let mut out = [0_u8; 32];
        out[0..8].copy_from_slice(&MAGIC);
        out[8..12].copy_from_slice(&VERSION.to_le_bytes());
        out[12..16].copy_from_slice(&params.hashes.to_le_bytes());
        out[16..24].copy_from_slice(&params.blocks.to_le_bytes());
        out[24..32].copy_from_slice(&entries.to_le_bytes());
        out
    }

    /// The full 64-byte header.
    pub fn encode(&self) -> [u8; HEADER_LEN] {
        let mut out = [0_u8; HEADER_LEN];
        out[..32].copy_from_slice(&Self::prefix(self.params, self.entries));
        out[32..].copy_from_slice(&self.checksum);
        out
    }

    /// Parses and checks the header fields (not the checksum, which needs the bits).
    pub fn decode(bytes: &[u8]) -> Result<Self, BreachError> {
        if bytes.len() < 8 || bytes[..8] != MAGIC {
            return if bytes.len() < 8 && MAGIC.starts_with(bytes) {
                Err(BreachError::Truncated {
                    expected: HEADER_LEN as u64,
                    found: bytes.len() as u64,
                })
            } else {
                Err(BreachError::NotAFilter)
            };
        }
        let Some(head) = bytes.get(..HEADER_LEN) else {
            return Err(BreachError::Truncated {
                expected: HEADER_LEN as u64,
                found: bytes.len() as u64,
            });
        };
        let u32_at =
            |o: usize| u32::from_le_bytes([head[o], head[o + 1], head[o + 2], head[o + 3]]);
        let u64_at = |o: usize| {
            let mut b = [0_u8; 8];
            b.copy_from_slice(&head[o..o + 8]);
            u64::from_le_bytes(b)
        };
        let version = u32_at(8);
        if version != VERSION {
            return Err(BreachError::UnsupportedVersion(version));
        }
        let hashes = u32_at(12);
        if hashes == 0 || hashes > MAX_HASHES {
            return Err(BreachError::Corrupt(format!(
                "{hashes} bits per key is outside 1..={MAX_HASHES}"
            )));
        }
        let blocks = u64_at(16);
        if blocks == 0 || blocks > u64::MAX / BLOCK_BYTES as u64 - 1 {
            return Err(BreachError::Corrupt(format!("{blocks} blocks")));
        }
        let mut checksum = [0_u8; 32];
        checksum.copy_from_slice(&head[32..64]);
        Ok(Header {
            params: Params { blocks, hashes },
            entries: u64_at(24),
            checksum,
        })
    }

    /// Total file length the header implies.
    pub fn file_len(&self) -> u64 {
        HEADER_LEN as u64 + self.params.bit_bytes()
    }

    /// A hasher already fed with the header prefix; feed it the bits, then [`Self::verify`].
    pub fn hasher(&self) -> Sha256 {
        let mut h = Sha256::new();
        h.update(Self::prefix(self.params, self.entries));
        h
    }

    /// Compares a finished hasher with the stored checksum.
    pub fn verify(&self, hasher: Sha256) -> Result<(), BreachError> {
        let actual: [u8; 32] = hasher.finalize().into();
        if actual == self.checksum {
            Ok(())
        } else {
            Err(BreachError::Corrupt("checksum mismatch".into()))
        }
    }
}

/// Block index and bit positions of a key.
pub struct Probe {
    /// Which block.
    pub block: u64,
    state: u64,
    word: u64,
    left_in_word: u32,
    left: u32,
}

impl Probe {
    /// The probe sequence of `key` in a filter of the given shape.
    pub fn new(key: &[u8; 20], params: Params) -> Self {
        let word = |o: usize| {
            let mut b = [0_u8; 8];
            b.copy_from_slice(&key[o..o + 8]);
            u64::from_le_bytes(b)
        };
        let tail = u32::from_le_bytes([key[16], key[17], key[18], key[19]]);
        #[allow(clippy::cast_possible_truncation)] // < blocks, which is a u64
        let block = ((u128::from(word(0)) * u128::from(params.blocks)) >> 64) as u64;
        Probe {
            block,
            state: word(8) ^ (u64::from(tail) << 32),
            word: 0,
            left_in_word: 0,
            left: params.hashes,
        }
    }
}

impl Iterator for Probe {
    type Item = usize;

    /// The next bit position, 0..512, inside the block.
    fn next(&mut self) -> Option<usize> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        if self.left_in_word == 0 {
            self.word = splitmix64(&mut self.state);
            self.left_in_word = 7;
        }
        self.left_in_word -= 1;
        #[allow(clippy::cast_possible_truncation)] // masked to 9 bits
        let pos = (self.word & 0x1ff) as usize;
        self.word >>= 9;
        Some(pos)
    }
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Whether every bit of `key`'s probe is set in `block` (no early exit).
pub fn block_contains(block: &[u8; BLOCK_BYTES], probe: Probe) -> bool {
    let mut all = 1_u8;
    for pos in probe {
        all &= (block[pos >> 3] >> (pos & 7)) & 1;
    }
    all == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trips() {
        let h = Header {
            params: Params {
                blocks: 12,
                hashes: 9,
            },
            entries: 77,
            checksum: [7; 32],
        };
        let bytes = h.encode();
        assert_eq!(&bytes[..8], b"CGNBLOOM");
        assert_eq!(Header::decode(&bytes).unwrap(), h);
        assert_eq!(h.file_len(), 64 + 12 * 64);
    }

    #[test]
    fn probes_stay_in_range_and_are_deterministic() {
        let params = Params {
            blocks: 3,
            hashes: 20,
        };
        let key = [0xAB; 20];
        let a: Vec<usize> = Probe::new(&key, params).collect();
        let b: Vec<usize> = Probe::new(&key, params).collect();
        assert_eq!(a.len(), 20);
        assert_eq!(a, b);
        assert!(a.iter().all(|&p| p < 512));
        assert!(Probe::new(&[0xFF; 20], params).block < 3);
        assert_eq!(Probe::new(&[0; 20], params).block, 0);
    }

    #[test]
    fn bad_headers_are_refused() {
        let good = Header {
            params: Params {
                blocks: 1,
                hashes: 3,
            },
            entries: 0,
            checksum: [0; 32],
        }
        .encode();
        assert!(matches!(
            Header::decode(&good[..20]),
            Err(BreachError::Truncated { .. })
        ));
        assert!(matches!(
            Header::decode(b"CGN"),
            Err(BreachError::Truncated { .. })
        ));
        assert!(matches!(
            Header::decode(b"hello, world"),
            Err(BreachError::NotAFilter)
        ));
        let mut v2 = good;
        v2[8] = 2;
        assert!(matches!(
            Header::decode(&v2),
            Err(BreachError::UnsupportedVersion(2))
        ));
        let mut k0 = good;
        k0[12] = 0;
        assert!(matches!(Header::decode(&k0), Err(BreachError::Corrupt(_))));
        let mut b0 = good;
        b0[16] = 0;
        assert!(matches!(Header::decode(&b0), Err(BreachError::Corrupt(_))));
    }
}
