//! The pointer arithmetic of the plain ABI, kept apart from the exports so it is tested natively.

use std::collections::BTreeMap;

/// Bytes in one wasm page.
pub const PAGE: u64 = 65_536;

/// Why the argument `ptr..ptr+len` cannot be read, or `None` when it lies inside the memory
/// (`memory` bytes) and inside one live buffer (`live`: start -> length).
pub fn check_range(ptr: u32, len: u32, memory: u64, live: &BTreeMap<u32, u32>) -> Option<String> {
    let (start, end) = (u64::from(ptr), u64::from(ptr) + u64::from(len));
    if end > memory {
        return Some(format!(
            "bytes {start}..{end} lie outside the memory ({memory} bytes)"
        ));
    }
    match live.range(..=ptr).next_back() {
        Some((&base, &size)) if end <= u64::from(base) + u64::from(size) => None,
        _ => Some(format!(
            "bytes {start}..{end} are not inside a buffer from handoff_alloc"
        )),
    }
}

/// A result: `ptr` in the high 32 bits, `len` in the low 32 bits.
pub fn pack(ptr: u32, len: u32) -> i64 {
    ((u64::from(ptr) << 32) | u64::from(len)) as i64
}

/// The `(ptr, len)` of a packed result, as a host reads it.
pub fn unpack(result: i64) -> (u32, u32) {
    ((result as u64 >> 32) as u32, result as u64 as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_round_trips_the_whole_range() {
        for (ptr, len) in [
            (1, 1),
            (0x0010_0000, 17),
            (u32::MAX, u32::MAX),
            (0x8000_0000, 3),
        ] {
            assert_eq!(unpack(pack(ptr, len)), (ptr, len));
        }
        assert_eq!(pack(2, 5), (2 << 32) | 5);
    }

    #[test]
    fn ranges_must_lie_in_memory_and_in_a_live_buffer() {
        let live = BTreeMap::from([(1000, 100), (5000, 10)]);
        let memory = PAGE;
        assert_eq!(check_range(1000, 100, memory, &live), None);
        assert_eq!(check_range(1050, 50, memory, &live), None);
        assert_eq!(check_range(5000, 1, memory, &live), None);
        let past_end = check_range(1050, 51, memory, &live).unwrap();
        assert!(past_end.contains("not inside a buffer"), "{past_end}");
        assert!(check_range(999, 2, memory, &live).is_some());
        assert!(check_range(0, 1, memory, &live).is_some());
        assert!(check_range(2000, 1, memory, &live).is_some());
        let outside = check_range(65_530, 10, memory, &live).unwrap();
        assert_eq!(
            outside,
            "bytes 65530..65540 lie outside the memory (65536 bytes)"
        );
        // A negative i32 length read as u32 never wraps around.
        assert!(check_range(1000, -1i32 as u32, memory, &live).is_some());
        assert!(check_range(u32::MAX, u32::MAX, u64::MAX, &live).is_some());
    }
}
