//! Chaos mode (`--chaos SEED:RATE[:STALL_MS]`, [`MockConfig::chaos`](crate::MockConfig::chaos)):
//! every API and stream request that no installed fault rule or `X-Mock-Fault` header matched
//! gets, with probability RATE, a fault drawn from a fixed mix by a generator seeded with SEED,
//! for soak tests. What was injected is counted (`GET /__mock/chaos`, [`ChaosStats`]).

use std::collections::BTreeMap;
use std::time::Duration;

use crate::data::Rng;
use crate::fault::Fault;

/// The default stall of the `stall` chaos fault: longer than a soak client's read timeout.
pub const DEFAULT_CHAOS_STALL: Duration = Duration::from_millis(3000);

/// The chaos mode's settings.
#[derive(Clone, Debug, PartialEq)]
pub struct Chaos {
    /// Seed of the fault draws.
    pub seed: u64,
    /// Probability, from 0 to 1, that a request gets a fault.
    pub rate: f64,
    /// How long the `stall` fault stalls mid-body (default [`DEFAULT_CHAOS_STALL`]).
    pub stall: Duration,
}

impl Chaos {
    /// Parses `SEED:RATE[:STALL_MS]`, e.g. `7:0.15` or `7:0.15:2000`.
    pub fn parse(spec: &str) -> Result<Chaos, String> {
        let mut parts = spec.split(':');
        let seed = parts
            .next()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .ok_or_else(|| format!("chaos needs SEED:RATE[:STALL_MS], got {spec:?}"))?;
        let rate = parts
            .next()
            .and_then(|s| s.trim().parse::<f64>().ok())
            .filter(|r| r.is_finite() && (0.0..=1.0).contains(r))
            .ok_or_else(|| format!("chaos RATE must be a number from 0 to 1, in {spec:?}"))?;
        let stall = match parts.next() {
            None => DEFAULT_CHAOS_STALL,
            Some(ms) => Duration::from_millis(
                ms.trim()
                    .parse()
                    .map_err(|_| format!("chaos STALL_MS must be an integer, in {spec:?}"))?,
            ),
        };
        if parts.next().is_some() {
            return Err(format!("chaos needs SEED:RATE[:STALL_MS], got {spec:?}"));
        }
        Ok(Chaos { seed, rate, stall })
    }
}

impl std::fmt::Display for Chaos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.seed, self.rate, self.stall.as_millis())
    }
}

/// What the chaos mode did so far (`GET /__mock/chaos`, [`MockServer::chaos_stats`](
/// crate::MockServer::chaos_stats)).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ChaosStats {
    /// Requests the chaos mode saw (those no fault rule matched).
    pub requests: u64,
    /// Faults injected.
    pub injected: u64,
    /// Faults injected by kind (the names of [`CHAOS_KINDS`]).
    pub by_kind: BTreeMap<String, u64>,
}

/// The chaos mix: every kind is drawn with the same probability.
pub const CHAOS_KINDS: &[&str] = &[
    "429",
    "429_retry_after",
    "500",
    "502",
    "503",
    "504",
    "502_html",
    "503_html",
    "reset",
    "close_mid_body",
    "truncated_json",
    "stall",
];

pub(crate) struct ChaosState {
    cfg: Chaos,
    rng: Rng,
    pub(crate) stats: ChaosStats,
}

impl ChaosState {
    pub(crate) fn new(cfg: Chaos) -> ChaosState {
        ChaosState {
            rng: Rng::new(cfg.seed),
            cfg,
            stats: ChaosStats::default(),
        }
    }

    /// Draws the fate of one request.
    pub(crate) fn draw(&mut self) -> Option<Fault> {
        self.stats.requests += 1;
        // 53 bits of the draw, as a float in [0, 1).
        let x = (self.rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        if x >= self.cfg.rate {
            return None;
        }
        let kind = CHAOS_KINDS[self.rng.below(CHAOS_KINDS.len() as u64) as usize];
        self.stats.injected += 1;
        *self.stats.by_kind.entry(kind.to_string()).or_insert(0) += 1;
        let status = |status: u16, retry_after: Option<&str>, html: bool| Fault::Status {
            status,
            retry_after: retry_after.map(str::to_string),
            html,
        };
        Some(match kind {
            "429" => status(429, None, false),
            "429_retry_after" => status(429, Some("1"), false),
            "500" => status(500, None, false),
            "502" => status(502, None, false),
            "503" => status(503, None, false),
            "504" => status(504, None, false),
            "502_html" => status(502, None, true),
            "503_html" => status(503, None, true),
            "reset" => Fault::Reset,
            "close_mid_body" => Fault::CloseMidBody,
            "truncated_json" => Fault::TruncatedJson,
            _ => Fault::Stall(self.cfg.stall),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats() {
        let c = Chaos::parse("7:0.25").unwrap();
        assert_eq!(c.seed, 7);
        assert_eq!(c.rate, 0.25);
        assert_eq!(c.stall, DEFAULT_CHAOS_STALL);
        assert_eq!(Chaos::parse(&c.to_string()).unwrap(), c);
        assert_eq!(
            Chaos::parse("1:1:500").unwrap().stall,
            Duration::from_millis(500)
        );
        for bad in ["", "x:0.1", "1", "1:2", "1:-0.1", "1:0.1:x", "1:0.1:5:6"] {
            assert!(Chaos::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn same_seed_same_draws_and_rate_holds() {
        let c = Chaos::parse("11:0.2:100").unwrap();
        let (mut a, mut b) = (ChaosState::new(c.clone()), ChaosState::new(c));
        for _ in 0..10_000 {
            assert_eq!(a.draw(), b.draw());
        }
        let hit = a.stats.injected as f64 / a.stats.requests as f64;
        assert!((0.17..0.23).contains(&hit), "{hit}");
        assert_eq!(a.stats.by_kind.len(), CHAOS_KINDS.len());
        let mut none = ChaosState::new(Chaos::parse("11:0").unwrap());
        assert!((0..1000).all(|_| none.draw().is_none()));
    }
}
