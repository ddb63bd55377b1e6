//! The filtered-zones wasm build: only the time zones a deployment names, for smaller widgets.
//!
//! `cargo xtask wasm --zones Asia/Kolkata,Europe/London` (or `--zones-from CONFIG.json`, which
//! takes every `timezone` in the configuration) builds both modules with the `zone-filter`
//! feature and `CHRONO_TZ_TIMEZONE_FILTER` set to exactly those names (chrono-tz always keeps
//! `UTC` and `GMT`), into `target/wasm/zones/`:
//!
//! - `target/wasm/zones/handoff_abi.wasm`: the `abi` build;
//! - `target/wasm/zones/js/`: the `js` build after wasm-bindgen, the browsers' widget build: also
//!   without the helpdesk integrations (core's feature `integrations`), whose credentials a
//!   browser may not hold, so its configuration reader refuses a helpdesk in
//!   `handoff.integrations` (copy it over `host-node/wasm/` to ship it in a widget's package; edge
//!   workers that run helpdesks keep the package's own build).
//!
//! A configuration naming a zone the build left out is refused by that engine with the list of
//! zones it has, so a mismatch shows at the first `new Engine(config)`, not at the first hours check.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::wasm::{
    bindgen, cargo_build_with, check_abi, copy_stripped, gzip_size, kib, root, zones_dir,
};
use crate::Failure;

/// The filtered js build as cargo wrote it, before wasm-bindgen and with its name section, for
/// `cargo xtask bench`'s size breakdown (not a `.wasm`, so no size table lists it as a build).
pub fn widget_with_names() -> PathBuf {
    zones_dir().join("js-with-names.wasm-unstripped")
}

/// The zones to keep: the names in `list` (comma-separated) and every `timezone` in the
/// configurations `configs`. Each must be a real IANA name.
pub fn collect(list: Option<&str>, configs: &[PathBuf]) -> Result<BTreeSet<String>, Failure> {
    let mut zones = BTreeSet::new();
    for name in list.into_iter().flat_map(|l| l.split(',')) {
        let name = name.trim();
        if !name.is_empty() {
            zones.insert(name.to_string());
        }
    }
    for path in configs {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure::new(format!("cannot read {}: {e}", path.display())))?;
        let value: Value = serde_json::from_str(&text)
            .map_err(|e| Failure::new(format!("{} is not JSON: {e}", path.display())))?;
        let before = zones.len();
        timezones_in(&value, &mut zones);
        if zones.len() == before && !value_names_a_zone(&value) {
            println!(
                "note: {} names no time zone (no \"timezone\" field); it runs in UTC",
                path.display()
            );
        }
    }
    if zones.is_empty() {
        return Err(Failure::new(
            "no time zones named: give --zones Asia/Kolkata,Europe/London or --zones-from CONFIG.json",
        ));
    }
    for name in &zones {
        if name.parse::<chrono_tz::Tz>().is_err() {
            let hint = chrono_tz::TZ_VARIANTS
                .iter()
                .map(|tz| tz.name())
                .find(|n| n.eq_ignore_ascii_case(name) || n.ends_with(&format!("/{name}")))
                .map(|s| format!(" (did you mean \"{s}\"?)"))
                .unwrap_or_else(|| {
                    " (the names are listed at https://en.wikipedia.org/wiki/List_of_tz_database_time_zones)"
                        .into()
                });
            return Err(Failure::new(format!(
                "\"{name}\" is not an IANA time zone name{hint}"
            )));
        }
    }
    Ok(zones)
}

fn value_names_a_zone(value: &Value) -> bool {
    let mut found = BTreeSet::new();
    timezones_in(value, &mut found);
    !found.is_empty()
}

/// Every string under a `timezone` key, anywhere in `value`.
fn timezones_in(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("timezone", Value::String(s)) => {
                        out.insert(s.clone());
                    }
                    _ => timezones_in(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| timezones_in(v, out)),
        _ => {}
    }
}

/// The `CHRONO_TZ_TIMEZONE_FILTER` regex matching exactly `zones`.
pub fn filter_regex(zones: &BTreeSet<String>) -> String {
    let names: Vec<String> = zones.iter().map(|z| escape(z)).collect();
    format!("^({})$", names.join("|"))
}

/// Escapes the regex metacharacters zone names can contain (`+` in `Etc/GMT+5`, `.`, `-`).
fn escape(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if "\\.+*?()|[]{}^$-".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The configuration whose zones the example filtered build keeps (step `wasm-zones`).
pub const EXAMPLE_CONFIG: &str = "examples/business-hours.json";

/// Step `wasm-zones`: the filtered builds for [`EXAMPLE_CONFIG`], which the tests load.
pub fn build_example() -> Result<(), Failure> {
    let zones = collect(None, &[root().join(EXAMPLE_CONFIG)])?;
    build(&zones)
}

/// Builds both modules with only `zones` into [`zones_dir`].
pub fn build(zones: &BTreeSet<String>) -> Result<(), Failure> {
    let regex = filter_regex(zones);
    println!(
        "time zones kept: {} (+ UTC and GMT, always)",
        zones.iter().cloned().collect::<Vec<_>>().join(", ")
    );
    let env = [("CHRONO_TZ_TIMEZONE_FILTER", regex.as_str())];
    let dir = zones_dir();

    let built = cargo_build_with("abi,zone-filter", &env)?;
    let abi = dir.join("handoff_abi.wasm");
    copy_stripped(&built, &abi)?;
    check_abi(&abi)?;

    let built = cargo_build_with("js,zone-filter", &env)?;
    let named = widget_with_names();
    std::fs::copy(&built, &named)
        .map_err(|e| Failure::new(format!("cannot write {}: {e}", named.display())))?;
    let js = dir.join("js");
    bindgen(&built, &js)?;
    std::fs::write(dir.join("ZONES"), format!("{}\n", regex))
        .map_err(|e| Failure::new(format!("cannot write {}: {e}", dir.display())))?;

    for (what, path) in [("abi", abi), ("js", js.join("handoff_wasm_bg.wasm"))] {
        report_size(what, &path);
    }
    println!(
        "filtered builds in {} (copy js/ over host-node/wasm/ to ship them in the npm package)",
        shown(&dir)
    );
    Ok(())
}

fn shown(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

fn report_size(what: &str, path: &Path) {
    match std::fs::metadata(path) {
        Ok(meta) => {
            let gzip = gzip_size(path)
                .map(|g| format!("{} ({g} bytes) gzip -9", kib(g)))
                .unwrap_or_else(|| "gzip size unknown (no gzip on PATH)".into());
            println!(
                "size {what:>3} (filtered zones): {}: {} ({} bytes) raw, {gzip}",
                shown(path),
                kib(meta.len()),
                meta.len()
            );
        }
        Err(e) => println!("size {what:>3}: {}: cannot read: {e}", shown(path)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_regex_matches_exactly_the_names() {
        let zones: BTreeSet<String> = ["Etc/GMT+5", "Asia/Kolkata"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(filter_regex(&zones), r"^(Asia/Kolkata|Etc/GMT\+5)$");
    }

    #[test]
    fn zones_come_from_the_list_and_from_configs() {
        let dir = std::env::temp_dir().join(format!("xtask-zones-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let config = dir.join("c.json");
        std::fs::write(
            &config,
            r#"{"handoff": {"business_hours": {"timezone": "America/New_York"}}}"#,
        )
        .unwrap();
        let zones = collect(Some("Asia/Kolkata, Europe/London"), &[config]).unwrap();
        assert_eq!(
            zones.into_iter().collect::<Vec<_>>(),
            ["America/New_York", "Asia/Kolkata", "Europe/London"]
        );
        let err = collect(Some("asia/kolkata"), &[]).unwrap_err();
        assert!(
            err.message.contains("did you mean \"Asia/Kolkata\""),
            "{}",
            err.message
        );
        let err = collect(Some("Kolkata"), &[]).unwrap_err();
        assert!(
            err.message.contains("did you mean \"Asia/Kolkata\""),
            "{}",
            err.message
        );
        assert!(collect(Some("Nowhere/Atall"), &[]).is_err());
        assert!(collect(None, &[]).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
