//! Just enough of the zip format to read a zip of USFM books: the central
//! directory, stored and deflated entries. Encrypted and zip64 archives are
//! refused with a message. Sizes are bounded, so a hostile archive cannot
//! exhaust memory.

use std::io::Read;

/// At most this many bytes per entry, and in all, once inflated.
const MAX_ENTRY: u64 = 64 << 20;
const MAX_TOTAL: u64 = 512 << 20;

fn u16_at(b: &[u8], at: usize) -> Result<u16, String> {
    b.get(at..at + 2)
        .map(|s| u16::from_le_bytes([s[0], s[1]]))
        .ok_or_else(|| "zip: truncated archive".to_owned())
}

fn u32_at(b: &[u8], at: usize) -> Result<u32, String> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
        .ok_or_else(|| "zip: truncated archive".to_owned())
}

/// The files of a zip archive: `(name, content)`.
pub(crate) fn entries(zip: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    // End of central directory: 22 bytes plus a comment of up to 64 KiB.
    let min = zip.len().saturating_sub(22 + 0xFFFF);
    let eocd = (min..zip.len().saturating_sub(21))
        .rev()
        .find(|&i| zip[i..].starts_with(&[0x50, 0x4b, 0x05, 0x06]))
        .ok_or("not a zip archive (no end of central directory)")?;
    let count = usize::from(u16_at(zip, eocd + 10)?);
    let mut at = u32_at(zip, eocd + 16)? as usize;
    if count == 0xFFFF || at == 0xFFFF_FFFF {
        return Err("zip64 archives are not supported".into());
    }
    let mut out = Vec::with_capacity(count.min(1024));
    let mut total = 0u64;
    for _ in 0..count {
        if u32_at(zip, at)? != 0x0201_4b50 {
            return Err("zip: damaged central directory".into());
        }
        let flags = u16_at(zip, at + 8)?;
        let method = u16_at(zip, at + 10)?;
        let packed = u64::from(u32_at(zip, at + 20)?);
        let size = u64::from(u32_at(zip, at + 24)?);
        let name_len = usize::from(u16_at(zip, at + 28)?);
        let extra_len = usize::from(u16_at(zip, at + 30)?);
        let comment_len = usize::from(u16_at(zip, at + 32)?);
        let local = u32_at(zip, at + 42)? as usize;
        let name_bytes = zip
            .get(at + 46..at + 46 + name_len)
            .ok_or("zip: truncated archive")?;
        let name = String::from_utf8_lossy(name_bytes).into_owned();
        at += 46 + name_len + extra_len + comment_len;
        if name.ends_with('/') {
            continue;
        }
        if flags & 1 != 0 {
            return Err(format!("zip: {name} is encrypted"));
        }
        if size > MAX_ENTRY || packed == 0xFFFF_FFFF {
            return Err(format!("zip: {name} is too large"));
        }
        total += size;
        if total > MAX_TOTAL {
            return Err("zip: the archive is too large once unpacked".into());
        }
        if u32_at(zip, local)? != 0x0403_4b50 {
            return Err(format!("zip: damaged entry {name}"));
        }
        let start = local
            + 30
            + usize::from(u16_at(zip, local + 26)?)
            + usize::from(u16_at(zip, local + 28)?);
        let data = zip
            .get(start..start + packed as usize)
            .ok_or_else(|| format!("zip: {name} lies outside the archive"))?;
        let content = match method {
            0 => data.to_vec(),
            8 => {
                let mut content = Vec::with_capacity(size as usize);
                flate2::read::DeflateDecoder::new(data)
                    .take(MAX_ENTRY)
                    .read_to_end(&mut content)
                    .map_err(|e| format!("zip: {name}: {e}"))?;
                content
            }
            m => {
                return Err(format!(
                    "zip: {name} uses compression method {m}; only stored and deflated entries are supported"
                ));
            }
        };
        out.push((name, content));
    }
    Ok(out)
}
