//! The core's `log` records, passed on to each language's logging.
//!
//! The native library is the only Rust in a Python, JVM, Swift or C process, so it installs the
//! one `log` logger itself (on first use), and forwards every record at or above the chosen level
//! to the sinks registered here: the uniffi one (Python's `logging`, `java.util.logging`, a Swift
//! handler) and the C callback. With no sink the level is `Off` and logging costs one atomic read.

use std::sync::{Arc, Once, RwLock};

/// Severity of a log record (the `log` crate's levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, uniffi::Enum)]
pub enum LogLevel {
    /// Failures the caller is told about anyway (rare).
    Error,
    /// Something the user should act on, such as a deprecated operation.
    Warn,
    /// Notable events.
    Info,
    /// One line per request, retry and token refresh (no secrets, no bodies).
    Debug,
    /// Finer detail.
    Trace,
}

impl LogLevel {
    fn from_log(level: log::Level) -> Self {
        match level {
            log::Level::Error => LogLevel::Error,
            log::Level::Warn => LogLevel::Warn,
            log::Level::Info => LogLevel::Info,
            log::Level::Debug => LogLevel::Debug,
            log::Level::Trace => LogLevel::Trace,
        }
    }

    fn filter(self) -> log::LevelFilter {
        match self {
            LogLevel::Error => log::LevelFilter::Error,
            LogLevel::Warn => log::LevelFilter::Warn,
            LogLevel::Info => log::LevelFilter::Info,
            LogLevel::Debug => log::LevelFilter::Debug,
            LogLevel::Trace => log::LevelFilter::Trace,
        }
    }
}

/// Receives the core's log records (implemented in the foreign language). Called on the thread
/// that logs, which is the thread of the call in progress.
#[uniffi::export(with_foreign)]
pub trait LogSink: Send + Sync {
    /// One record: its level, its target (`amperity::transport`, `amperity::deprecation`, …) and
    /// its message.
    fn log(&self, level: LogLevel, target: String, message: String);
}

/// A registered destination of the records, with the most verbose level it wants.
type Sink = Arc<dyn Fn(LogLevel, &str, &str) + Send + Sync>;

/// Who may register a sink: one slot per binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SinkSlot {
    /// The uniffi languages (Python, Kotlin, Swift).
    Foreign,
    /// The C API's callback.
    C,
}

static SINKS: RwLock<[Option<(Sink, LogLevel)>; 2]> = RwLock::new([None, None]);
static INSTALL: Once = Once::new();

struct Bridge;

impl log::Log for Bridge {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.target().starts_with("amperity")
    }

    fn log(&self, record: &log::Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let level = LogLevel::from_log(record.level());
        let sinks: Vec<Sink> = SINKS
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .flatten()
            .filter(|(_, max)| level <= *max)
            .map(|(sink, _)| Arc::clone(sink))
            .collect();
        if sinks.is_empty() {
            return;
        }
        let message = record.args().to_string();
        for sink in sinks {
            sink(level, record.target(), &message);
        }
    }

    fn flush(&self) {}
}

/// Registers (or with `None` removes) the sink of `slot`, receiving records up to `max_level`.
pub fn set_sink(slot: SinkSlot, sink: Option<Sink>, max_level: LogLevel) {
    INSTALL.call_once(|| {
        // Another logger may already be installed (a Rust program embedding the library): then
        // the records go there, and the sinks stay silent.
        let _ = log::set_logger(&Bridge);
    });
    let mut sinks = SINKS.write().unwrap_or_else(|e| e.into_inner());
    sinks[slot as usize] = sink.map(|sink| (sink, max_level));
    let most_verbose = sinks
        .iter()
        .flatten()
        .map(|(_, level)| level.filter())
        .max()
        .unwrap_or(log::LevelFilter::Off);
    log::set_max_level(most_verbose);
}

/// Sends the core's log records up to `max_level` to `sink` (Python's `logging`, the JVM's
/// `java.util.logging`, a Swift handler), or stops with `None`.
#[uniffi::export]
pub fn set_log_sink(sink: Option<Arc<dyn LogSink>>, max_level: LogLevel) {
    let sink = sink.map(|sink| -> Sink {
        Arc::new(move |level, target: &str, message: &str| {
            sink.log(level, target.to_owned(), message.to_owned())
        })
    });
    set_sink(SinkSlot::Foreign, sink, max_level);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn records_reach_the_sinks_up_to_their_level() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink: Sink = {
            let seen = Arc::clone(&seen);
            Arc::new(move |level, target: &str, message: &str| {
                seen.lock()
                    .unwrap()
                    .push((level, target.to_owned(), message.to_owned()))
            })
        };
        set_sink(SinkSlot::C, Some(sink), LogLevel::Info);
        log::warn!(target: "amperity::deprecation", "old endpoint");
        log::debug!(target: "amperity::transport", "too verbose");
        log::warn!(target: "other_crate", "not ours");
        set_sink(SinkSlot::C, None, LogLevel::Info);
        log::warn!(target: "amperity::deprecation", "after removal");
        let seen = seen.lock().unwrap();
        assert_eq!(
            *seen,
            [(
                LogLevel::Warn,
                "amperity::deprecation".to_owned(),
                "old endpoint".to_owned()
            )]
        );
    }
}
