//! What a wasm module is made of: code bytes per crate (per module for `handoff_core`), from the
//! module's name section, and its data bytes. The size budget's "why", like a profile for time.
//!
//! Reads the module cargo wrote before wasm-bindgen and stripping (`strip = "debuginfo"` keeps the
//! name section): the function bodies are the same code the shipped module carries, give or take
//! wasm-bindgen's own descriptors.

use std::collections::BTreeMap;

/// A module's size by part.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Breakdown {
    /// Bytes of function bodies (the code section).
    pub code: u64,
    /// Bytes of data segments (the data section): tables, strings, time-zone data.
    pub data: u64,
    /// Code bytes per group (`serde_json`, `handoff_core::config`, ...), largest first.
    pub groups: Vec<(String, u64)>,
}

/// Reads an unsigned LEB128 number at `*at`.
fn leb(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    let mut shift = 0;
    loop {
        let byte = *bytes.get(*at)?;
        *at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return Some(value);
        }
        shift += 7;
        if shift > 63 {
            return None;
        }
    }
}

fn name_at(bytes: &[u8], at: &mut usize) -> Option<String> {
    let len = usize::try_from(leb(bytes, at)?).ok()?;
    let text = bytes.get(*at..*at + len)?;
    *at += len;
    Some(String::from_utf8_lossy(text).into_owned())
}

/// The group a (mangled) function name belongs to: `handoff_core::<module>` for the engine, else
/// the first crate named in it (for `<T as Trait>::f`, `T`'s crate).
pub fn group_of(mangled: &str) -> String {
    let crate_and_module = |path: Vec<String>| -> String {
        match path.as_slice() {
            [first, second, ..] if first == "handoff_core" => format!("handoff_core::{second}"),
            [first, ..] => first.clone(),
            [] => "(unnamed)".into(),
        }
    };
    if let Some(rest) = mangled.strip_prefix("_ZN") {
        // Legacy mangling: length-prefixed segments; `$LT$`, `..` inside impl segments.
        let mut segments = Vec::new();
        let b = rest.as_bytes();
        let mut i = 0;
        while i < b.len() && b[i].is_ascii_digit() {
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            let Ok(len) = rest[start..i].parse::<usize>() else {
                break;
            };
            let Some(segment) = rest.get(i..i + len) else {
                break;
            };
            segments.push(segment.to_string());
            i += len;
        }
        let first = segments.first().cloned().unwrap_or_default();
        let path: Vec<String> = if first.starts_with("_$LT$") || first.starts_with("$LT$") {
            // `<a..b..C as d..E>`: the implementing type's path.
            let inner = first.trim_start_matches('_').trim_start_matches("$LT$");
            let inner = inner.split("$u20$").next().unwrap_or("");
            let inner = inner
                .trim_start_matches("$RF$")
                .trim_start_matches("mut$u20$");
            inner
                .split("..")
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        } else {
            segments
        };
        return crate_and_module(path);
    }
    if mangled.starts_with("_R") {
        // v0 mangling (the standard library): the first crate root is `C<disambiguator>_<len><name>`
        // or `C<len><name>`.
        let b = mangled.as_bytes();
        let mut names = Vec::new();
        let mut i = 2;
        while i < b.len() && names.len() < 2 {
            if b[i] == b'C' {
                let mut j = i + 1;
                if j < b.len() && b[j] == b's' {
                    while j < b.len() && b[j] != b'_' {
                        j += 1;
                    }
                    j += 1;
                }
                let start = j;
                while j < b.len() && b[j].is_ascii_digit() {
                    j += 1;
                }
                if let Ok(len) = mangled[start..j].parse::<usize>() {
                    if let Some(name) = mangled.get(j..j + len) {
                        names.push(name.to_string());
                        break;
                    }
                }
            }
            i += 1;
        }
        return crate_and_module(names);
    }
    // Unmangled: exports and C-like symbols.
    let path: Vec<String> = mangled.split("::").map(str::to_string).collect();
    if path.len() > 1 {
        crate_and_module(path)
    } else {
        "(exports and unmangled)".into()
    }
}

/// Reads `bytes` (a wasm module) into a [`Breakdown`].
///
/// # Errors
/// When the bytes are not a wasm module or have no name section.
pub fn of(bytes: &[u8]) -> Result<Breakdown, String> {
    if bytes.get(..4) != Some(b"\0asm") {
        return Err("not a wasm module".into());
    }
    let mut at = 8;
    let mut imported_functions = 0u64;
    let mut bodies: Vec<u64> = Vec::new();
    let mut names: BTreeMap<u64, String> = BTreeMap::new();
    let mut data = 0u64;
    let cut = || "truncated module".to_string();
    while at < bytes.len() {
        let id = bytes[at];
        at += 1;
        let size = usize::try_from(leb(bytes, &mut at).ok_or_else(cut)?).map_err(|_| cut())?;
        let start = at;
        let end = start + size;
        if end > bytes.len() {
            return Err(cut());
        }
        match id {
            2 => {
                let mut p = start;
                let count = leb(bytes, &mut p).ok_or_else(cut)?;
                for _ in 0..count {
                    name_at(bytes, &mut p).ok_or_else(cut)?;
                    name_at(bytes, &mut p).ok_or_else(cut)?;
                    let kind = *bytes.get(p).ok_or_else(cut)?;
                    p += 1;
                    match kind {
                        0 => {
                            leb(bytes, &mut p).ok_or_else(cut)?;
                            imported_functions += 1;
                        }
                        1 => {
                            p += 1;
                            let flags = leb(bytes, &mut p).ok_or_else(cut)?;
                            leb(bytes, &mut p).ok_or_else(cut)?;
                            if flags & 1 == 1 {
                                leb(bytes, &mut p).ok_or_else(cut)?;
                            }
                        }
                        2 => {
                            let flags = leb(bytes, &mut p).ok_or_else(cut)?;
                            leb(bytes, &mut p).ok_or_else(cut)?;
                            if flags & 1 == 1 {
                                leb(bytes, &mut p).ok_or_else(cut)?;
                            }
                        }
                        3 => p += 2,
                        _ => return Err(format!("unknown import kind {kind}")),
                    }
                }
            }
            10 => {
                let mut p = start;
                let count = leb(bytes, &mut p).ok_or_else(cut)?;
                for _ in 0..count {
                    let len = leb(bytes, &mut p).ok_or_else(cut)?;
                    bodies.push(len);
                    p += usize::try_from(len).map_err(|_| cut())?;
                }
            }
            11 => data = size as u64,
            0 => {
                let mut p = start;
                if name_at(bytes, &mut p).as_deref() == Some("name") {
                    while p < end {
                        let sub = bytes[p];
                        p += 1;
                        let sub_size = usize::try_from(leb(bytes, &mut p).ok_or_else(cut)?)
                            .map_err(|_| cut())?;
                        if sub == 1 {
                            let mut q = p;
                            let count = leb(bytes, &mut q).ok_or_else(cut)?;
                            for _ in 0..count {
                                let index = leb(bytes, &mut q).ok_or_else(cut)?;
                                names.insert(index, name_at(bytes, &mut q).ok_or_else(cut)?);
                            }
                        }
                        p += sub_size;
                    }
                }
            }
            _ => {}
        }
        at = end;
    }
    if names.is_empty() {
        return Err("the module has no function names (name section stripped)".into());
    }
    let mut groups: BTreeMap<String, u64> = BTreeMap::new();
    for (k, size) in bodies.iter().enumerate() {
        let group = names
            .get(&(imported_functions + k as u64))
            .map_or_else(|| "(unnamed)".to_string(), |n| group_of(n));
        *groups.entry(group).or_default() += size;
    }
    let mut groups: Vec<(String, u64)> = groups.into_iter().collect();
    groups.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(Breakdown {
        code: bodies.iter().sum(),
        data,
        groups,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_grouped_by_crate_and_engine_module() {
        assert_eq!(
            group_of("_ZN12handoff_core6config13parse_handoff17h0123456789abcdefE"),
            "handoff_core::config"
        );
        assert_eq!(
            group_of("_ZN10serde_json2de10from_trait17h0123456789abcdefE"),
            "serde_json"
        );
        assert_eq!(
            group_of("_ZN77_$LT$handoff_core..input..Input$u20$as$u20$serde_core..de..Deserialize$GT$11deserialize17h0123456789abcdefE"),
            "handoff_core::input"
        );
        assert_eq!(
            group_of(
                "_RNvNtNtNtNtCsgXGp5Oqx2Ny_4core3num7flt2dec8strategy6dragon15format_shortest"
            ),
            "core"
        );
        assert_eq!(group_of("handoff_alloc"), "(exports and unmangled)");
    }

    /// A module with one imported function, two bodies (3 and 5 bytes), 4 data bytes and names.
    fn module() -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        let section = |m: &mut Vec<u8>, id: u8, body: &[u8]| {
            m.push(id);
            m.push(body.len() as u8);
            m.extend_from_slice(body);
        };
        // import "e" "f" func type 0
        section(&mut m, 2, &[1, 1, b'e', 1, b'f', 0, 0]);
        // two bodies: sizes 3 and 5
        section(&mut m, 10, &[2, 3, 0, 0, 0x0b, 5, 0, 0, 0, 0, 0x0b]);
        section(&mut m, 11, &[1, 2, 3, 4]);
        let f1 = b"_ZN12handoff_core6config1f17hE";
        let f2 = b"_ZN10serde_json1g17hE";
        let mut names = vec![1u8]; // function names subsection
        let mut sub = vec![2u8, 1, f1.len() as u8];
        sub.extend_from_slice(f1);
        sub.extend_from_slice(&[2, f2.len() as u8]);
        sub.extend_from_slice(f2);
        names.push(sub.len() as u8);
        names.extend_from_slice(&sub);
        let mut custom = vec![4u8];
        custom.extend_from_slice(b"name");
        custom.extend_from_slice(&names);
        section(&mut m, 0, &custom);
        m
    }

    #[test]
    fn a_module_is_read_into_code_data_and_groups() {
        let b = of(&module()).unwrap();
        assert_eq!((b.code, b.data), (8, 4));
        assert_eq!(
            b.groups,
            vec![
                ("serde_json".to_string(), 5),
                ("handoff_core::config".to_string(), 3)
            ]
        );
    }

    #[test]
    fn bad_modules_are_refused() {
        assert!(of(b"nope").is_err());
        let mut m = module();
        m.truncate(m.len() - 3);
        assert!(of(&m).is_err());
    }
}
