//! The filter itself: [`BloomBuilder`] sets bits in memory and writes a filter file;
//! [`BloomFilter`] answers lookups from static bytes, memory or a file on disk.

use crate::error::BreachError;
use crate::format::{HEADER_LEN, Header, Probe, block_contains};
use crate::sizing::{BLOCK_BYTES, Params, expected_fpr};
use std::borrow::Cow;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// How an opened filter file is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Residency {
    /// Read into memory: lookups never touch the disk (costs the filter's size in RAM).
    Memory,
    /// Kept on disk: each lookup reads one 64-byte block with a positional read, and the
    /// operating system's page cache keeps the hot pages.
    #[default]
    Disk,
}

/// A read-only blocked Bloom filter of SHA-1 password digests.
#[derive(Debug)]
pub struct BloomFilter {
    header: Header,
    bits: Bits,
}

#[derive(Debug)]
enum Bits {
    Bytes(Cow<'static, [u8]>),
    File { file: BlockFile, path: PathBuf },
}

impl BloomFilter {
    /// Parses a whole filter (header and bits) held in memory, checking its checksum.
    pub fn from_bytes(bytes: impl Into<Cow<'static, [u8]>>) -> Result<Self, BreachError> {
        let bytes = bytes.into();
        let header = Header::decode(&bytes)?;
        if bytes.len() as u64 != header.file_len() {
            return Err(BreachError::Truncated {
                expected: header.file_len(),
                found: bytes.len() as u64,
            });
        }
        let mut hasher = header.hasher();
        sha2::Digest::update(&mut hasher, &bytes[HEADER_LEN..]);
        header.verify(hasher)?;
        Ok(BloomFilter {
            header,
            bits: Bits::Bytes(bytes),
        })
    }

    /// Opens a filter file, checking its length and checksum (this reads the whole file
    /// once, streaming, whatever the residency).
    pub fn open(path: &Path, residency: Residency) -> Result<Self, BreachError> {
        Self::open_inner(path, residency).map_err(|e| BreachError::in_file(path, e))
    }

    fn open_inner(path: &Path, residency: Residency) -> Result<Self, BreachError> {
        let mut file = File::open(path).map_err(|e| BreachError::io(path, e))?;
        let found = file.metadata().map_err(|e| BreachError::io(path, e))?.len();
        let mut head = [0_u8; HEADER_LEN];
        let got = read_up_to(&mut file, &mut head).map_err(|e| BreachError::io(path, e))?;
        let header = Header::decode(&head[..got])?;
        if found != header.file_len() {
            return Err(BreachError::Truncated {
                expected: header.file_len(),
                found,
            });
        }
        let mut hasher = header.hasher();
        let bits = match residency {
            Residency::Memory => {
                let len = usize::try_from(header.params.bit_bytes()).map_err(|_| {
                    BreachError::OutOfMemory {
                        bytes: header.params.bit_bytes(),
                    }
                })?;
                let mut all = try_zeroed(HEADER_LEN + len)?;
                all[..HEADER_LEN].copy_from_slice(&head);
                file.read_exact(&mut all[HEADER_LEN..])
                    .map_err(|e| BreachError::io(path, e))?;
                sha2::Digest::update(&mut hasher, &all[HEADER_LEN..]);
                Bits::Bytes(Cow::Owned(all))
            }
            Residency::Disk => {
                let mut buf = vec![0_u8; 1 << 20];
                let mut left = header.params.bit_bytes();
                while left > 0 {
                    let want = usize::try_from(left.min(buf.len() as u64)).unwrap_or(buf.len());
                    file.read_exact(&mut buf[..want])
                        .map_err(|e| BreachError::io(path, e))?;
                    sha2::Digest::update(&mut hasher, &buf[..want]);
                    left -= want as u64;
                }
                Bits::File {
                    file: BlockFile::new(file),
                    path: path.to_owned(),
                }
            }
        };
        header.verify(hasher)?;
        Ok(BloomFilter { header, bits })
    }

    /// Whether the key (a password's SHA-1) may be in the set. `false` is certain;
    /// `true` is wrong with probability [`Self::estimated_fpr`]. Errors only come from
    /// reading a disk-resident filter.
    pub fn contains(&self, key: &[u8; 20]) -> Result<bool, BreachError> {
        let probe = Probe::new(key, self.header.params);
        let offset = HEADER_LEN as u64 + probe.block * BLOCK_BYTES as u64;
        match &self.bits {
            Bits::Bytes(bytes) => {
                let start = usize::try_from(offset).unwrap_or(usize::MAX);
                let block = bytes
                    .get(start..)
                    .and_then(|rest| rest.first_chunk::<BLOCK_BYTES>())
                    .ok_or_else(|| BreachError::Corrupt("block out of range".into()))?;
                Ok(block_contains(block, probe))
            }
            Bits::File { file, path } => {
                let mut block = [0_u8; BLOCK_BYTES];
                file.read_block(offset, &mut block)
                    .map_err(|e| BreachError::io(path, e))?;
                Ok(block_contains(&block, probe))
            }
        }
    }

    /// Number of entries inserted when the filter was built.
    pub fn entries(&self) -> u64 {
        self.header.entries
    }

    /// Block count and bits per key.
    pub fn params(&self) -> Params {
        self.header.params
    }

    /// Size of the bit array in bytes (the file is 64 bytes longer).
    pub fn size_bytes(&self) -> u64 {
        self.header.params.bit_bytes()
    }

    /// False-positive rate expected from the filter's shape and entry count.
    pub fn estimated_fpr(&self) -> f64 {
        expected_fpr(
            self.header.entries,
            self.header.params.blocks,
            self.header.params.hashes,
        )
    }
}

/// Sets bits in memory for a known number of entries, then writes a filter file.
#[derive(Debug)]
pub struct BloomBuilder {
    params: Params,
    /// Room for the header, then the bit array.
    buf: Vec<u8>,
    entries: u64,
}

impl BloomBuilder {
    /// A builder sized for `expected_entries` keys at false-positive rate `fpr`.
    /// Allocates the whole bit array now; fails cleanly if memory is short.
    pub fn new(expected_entries: u64, fpr: f64) -> Result<Self, BreachError> {
        Self::with_params(Params::for_entries(expected_entries, fpr)?)
    }

    /// A builder with explicit parameters.
    pub fn with_params(params: Params) -> Result<Self, BreachError> {
        let too_big = || BreachError::OutOfMemory {
            bytes: params.bit_bytes(),
        };
        let len = usize::try_from(params.bit_bytes())
            .ok()
            .and_then(|n| n.checked_add(HEADER_LEN))
            .ok_or_else(too_big)?;
        Ok(BloomBuilder {
            params,
            buf: try_zeroed(len)?,
            entries: 0,
        })
    }

    /// Adds a key (a password's SHA-1).
    pub fn insert(&mut self, key: &[u8; 20]) {
        let probe = Probe::new(key, self.params);
        // block < blocks, so the block lies inside the buffer allocated for them.
        let base = HEADER_LEN + usize::try_from(probe.block).unwrap_or(usize::MAX) * BLOCK_BYTES;
        if let Some(block) = self.buf.get_mut(base..base + BLOCK_BYTES) {
            for pos in probe {
                block[pos >> 3] |= 1 << (pos & 7);
            }
            self.entries += 1;
        }
    }

    /// Adds a password (hashed with SHA-1 first).
    pub fn insert_password(&mut self, password: &str) {
        self.insert(&crate::password_key(password));
    }

    /// Keys inserted so far.
    pub fn entries(&self) -> u64 {
        self.entries
    }

    /// The filter's parameters.
    pub fn params(&self) -> Params {
        self.params
    }

    /// False-positive rate expected with the keys inserted so far.
    pub fn estimated_fpr(&self) -> f64 {
        expected_fpr(self.entries, self.params.blocks, self.params.hashes)
    }

    /// Fills in the header (with the checksum of the bits) and returns it.
    fn seal(&mut self) -> Header {
        let mut header = Header {
            params: self.params,
            entries: self.entries,
            checksum: [0; 32],
        };
        let mut hasher = header.hasher();
        sha2::Digest::update(&mut hasher, &self.buf[HEADER_LEN..]);
        header.checksum = sha2::Digest::finalize(hasher).into();
        self.buf[..HEADER_LEN].copy_from_slice(&header.encode());
        header
    }

    /// The complete file contents (header and bits).
    pub fn into_bytes(mut self) -> Vec<u8> {
        self.seal();
        self.buf
    }

    /// A queryable in-memory filter.
    pub fn finish(mut self) -> BloomFilter {
        let header = self.seal();
        BloomFilter {
            header,
            bits: Bits::Bytes(Cow::Owned(self.buf)),
        }
    }

    /// Writes the filter to `path` atomically: a temporary file in the same directory
    /// is written, flushed to disk and renamed over `path`.
    pub fn write_to(&mut self, path: &Path) -> Result<(), BreachError> {
        self.seal();
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
            _ => PathBuf::from("."),
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "filter".into());
        let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let result = (|| {
            let mut f = File::create(&tmp)?;
            f.write_all(&self.buf)?;
            f.sync_all()?;
            std::fs::rename(&tmp, path)
        })();
        if let Err(e) = result {
            let _ = std::fs::remove_file(&tmp);
            return Err(BreachError::io(path, e));
        }
        Ok(())
    }
}

fn try_zeroed(len: usize) -> Result<Vec<u8>, BreachError> {
    let mut v = Vec::new();
    v.try_reserve_exact(len)
        .map_err(|_| BreachError::OutOfMemory { bytes: len as u64 })?;
    v.resize(len, 0);
    Ok(v)
}

/// Reads until `buf` is full or the file ends; returns how much was read.
fn read_up_to(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match file.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// A file read one block at a time at arbitrary offsets, from many threads.
#[derive(Debug)]
struct BlockFile {
    #[cfg(unix)]
    file: File,
    #[cfg(not(unix))]
    file: std::sync::Mutex<File>,
}

impl BlockFile {
    #[cfg(unix)]
    fn new(file: File) -> Self {
        BlockFile { file }
    }

    #[cfg(not(unix))]
    fn new(file: File) -> Self {
        BlockFile {
            file: std::sync::Mutex::new(file),
        }
    }

    #[cfg(unix)]
    fn read_block(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
        std::os::unix::fs::FileExt::read_exact_at(&self.file, buf, offset)
    }

    #[cfg(not(unix))]
    fn read_block(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
        use std::io::{Seek, SeekFrom};
        let mut f = self
            .file
            .lock()
            .map_err(|_| std::io::Error::other("filter file lock poisoned"))?;
        f.seek(SeekFrom::Start(offset))?;
        f.read_exact(buf)
    }
}
