//! What each wasmtime store of a guest holds: its resource limits, and whether the memory limit
//! refused to grow (so a trap can be named as running out of memory).

use wasmtime::StoreLimits;

/// What a store holds: its resource limits, and whether the memory limit refused to grow.
pub(crate) struct StoreData {
    pub(crate) limits: StoreLimits,
    /// The largest memory allowed, to name it in errors.
    pub(crate) max_memory_bytes: usize,
    /// Set when the guest asked for more memory than the limit allows (reset for each call): the
    /// guest then aborts with `unreachable`, which alone would say nothing of the cause.
    pub(crate) memory_refused: bool,
}

impl wasmtime::ResourceLimiter for StoreData {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let allowed = self.limits.memory_growing(current, desired, maximum)?;
        if !allowed {
            self.memory_refused = true;
        }
        Ok(allowed)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        self.limits.table_growing(current, desired, maximum)
    }

    fn instances(&self) -> usize {
        self.limits.instances()
    }

    fn tables(&self) -> usize {
        self.limits.tables()
    }

    fn memories(&self) -> usize {
        self.limits.memories()
    }
}
