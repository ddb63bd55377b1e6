//! Conformance vectors (filled by the engine issue).
