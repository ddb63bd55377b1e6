//! What the read benches measure: the queue sizes, the wrk runs and how the queue is filled.

use std::time::Duration;

/// Queued conversations at which the queue is read.
pub const QUEUE_SIZES: [usize; 2] = [10_000, 100_000];
/// The size at which the service's throughput is compared with and without queue reads.
pub const THROUGHPUT_QUEUED: usize = 10_000;
/// wrk runs of each kind (without reads, with reads), alternating.
pub const THROUGHPUT_RUNS: usize = 3;
/// Seconds per wrk run.
pub const THROUGHPUT_SECONDS: u32 = 8;
/// Connections queueing conversations.
pub const FILL_CONNECTIONS: usize = 32;
/// Longest the service may take to queue up to the largest size over HTTP.
pub const FILL_LIMIT: Duration = Duration::from_secs(120);
