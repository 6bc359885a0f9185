//! Erlang C staffing for the phone queue of a kundtjänst.
//!
//! The model is M/M/N with waiting callers: Poisson arrivals, exponential
//! handling times, nobody hangs up. It therefore overstates the staff a
//! little (abandoned calls are served anyway) and must be fed per-interval
//! volumes so that peaks are not averaged away. Reports built on these
//! numbers should say so.
//!
//! Formulas (A = offered traffic in erlangs, N = agents, t = target time):
//! - Erlang B: B(0) = 1, B(k) = A·B(k−1) / (k + A·B(k−1))
//! - P(wait) = C(N, A) = N·B(N) / (N − A·(1 − B(N)))
//! - SL(t) = 1 − C(N, A)·exp(−(N − A)·t / AHT)
//! - ASA = C(N, A)·AHT / (N − A), occupancy = A / N

use std::fmt;

/// Upper bound on agents (and rostered staff) that [`required_staff`] will
/// compute. It keeps the linear search short and the result inside `u32`;
/// even a large city needs a few hundred agents per interval.
pub const MAX_AGENTS: u32 = 1_000_000;

/// Slack for ceilings of quotients that should be whole numbers: with
/// shrinkage 0.3, 21 / (1 − 0.3) is 30.000000000000004 in binary floating
/// point and must give 30, not 31.
const CEIL_EPSILON: f64 = 1e-9;

/// What to staff for: call volume of one interval and the service goal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StaffingInput {
    /// Calls offered during the interval.
    pub calls: f64,
    /// Length of the interval in seconds (1800 for half an hour).
    pub interval_seconds: f64,
    /// Average handling time per call in seconds (talk plus wrap-up).
    pub aht_seconds: f64,
    /// Share of calls to answer within `target_seconds`, e.g. 0.8.
    pub target_share: f64,
    /// Target answer time in seconds, e.g. 20.
    pub target_seconds: f64,
    /// Highest acceptable occupancy per agent, e.g. 0.85.
    pub max_occupancy: f64,
    /// Share of paid time not spent on the phone (breaks, meetings,
    /// training), e.g. 0.3.
    pub shrinkage: f64,
}

/// Result of [`required_staff`]: the staff needed and the service it gives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Staffing {
    /// Offered traffic A = calls · AHT / interval, in erlangs.
    pub traffic_erlangs: f64,
    /// Agents that must be on the phone during the interval.
    pub agents: u32,
    /// Staff to roster so that `agents` remain after shrinkage.
    pub rostered: u32,
    /// Share of calls answered within the target time with `agents`.
    pub service_level: f64,
    /// Probability that a caller has to wait at all (Erlang C).
    pub wait_probability: f64,
    /// Average speed of answer in seconds.
    pub asa_seconds: f64,
    /// Average share of time an agent is busy with calls.
    pub occupancy: f64,
}

/// An input to [`required_staff`] that is out of range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StaffingError {
    /// `calls` is negative or not finite.
    Calls,
    /// `interval_seconds` is not a finite number above zero.
    IntervalSeconds,
    /// `aht_seconds` is not a finite number above zero.
    AhtSeconds,
    /// `target_share` is outside 0 ≤ x < 1.
    TargetShare,
    /// `target_seconds` is negative or not finite.
    TargetSeconds,
    /// `max_occupancy` is outside 0 < x ≤ 1.
    MaxOccupancy,
    /// `shrinkage` is outside 0 ≤ x < 1.
    Shrinkage,
    /// The inputs call for more than [`MAX_AGENTS`] agents or rostered staff.
    TooManyAgents,
}

impl fmt::Display for StaffingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = match self {
            Self::Calls => "calls must be a finite number of at least 0",
            Self::IntervalSeconds => "interval_seconds must be a finite number above 0",
            Self::AhtSeconds => "aht_seconds must be a finite number above 0",
            Self::TargetShare => "target_share must be at least 0 and below 1",
            Self::TargetSeconds => "target_seconds must be a finite number of at least 0",
            Self::MaxOccupancy => "max_occupancy must be above 0 and at most 1",
            Self::Shrinkage => "shrinkage must be at least 0 and below 1",
            Self::TooManyAgents => {
                return write!(
                    f,
                    "the inputs require more than {MAX_AGENTS} agents; check calls, aht_seconds, max_occupancy and shrinkage"
                );
            }
        };
        f.write_str(message)
    }
}

impl std::error::Error for StaffingError {}

/// Erlang B blocking probability for `agents` servers and `traffic` erlangs.
///
/// Uses the recursion B(k) = A·B(k−1) / (k + A·B(k−1)), which stays within
/// [0, 1] at every step and so is stable for thousands of agents, unlike the
/// textbook formula with Aᴺ/N!. Returns NaN if `traffic` is negative or not
/// finite.
#[must_use]
pub fn erlang_b(agents: u32, traffic: f64) -> f64 {
    if !traffic.is_finite() || traffic < 0.0 {
        return f64::NAN;
    }
    let mut b = 1.0;
    for k in 1..=agents {
        b = erlang_b_step(b, k, traffic);
    }
    b
}

/// Erlang C: probability that a caller has to wait, for `agents` agents and
/// `traffic` erlangs.
///
/// With `agents` ≤ `traffic` the queue grows without bound and every caller
/// waits, so the result is 1. Returns NaN if `traffic` is negative or not
/// finite.
#[must_use]
pub fn erlang_c(agents: u32, traffic: f64) -> f64 {
    erlang_c_from_b(agents, traffic, erlang_b(agents, traffic))
}

/// Share of calls answered within `target_seconds`.
///
/// Returns 1 with no traffic and 0 when `agents` ≤ `traffic` (unstable
/// queue). Returns NaN for negative or non-finite arguments.
#[must_use]
pub fn service_level(agents: u32, traffic: f64, aht_seconds: f64, target_seconds: f64) -> f64 {
    let c = erlang_c(agents, traffic);
    service_level_from_c(agents, traffic, c, aht_seconds, target_seconds)
}

/// Average speed of answer in seconds, averaged over all calls (including
/// those answered at once).
///
/// Returns 0 with no traffic and infinity when `agents` ≤ `traffic`.
/// Returns NaN for negative or non-finite arguments.
#[must_use]
pub fn asa(agents: u32, traffic: f64, aht_seconds: f64) -> f64 {
    let c = erlang_c(agents, traffic);
    asa_from_c(agents, traffic, c, aht_seconds)
}

/// Agents and rostered staff needed to meet the service goal in `input`.
///
/// Agents are the smallest N above the offered traffic whose service level
/// reaches `target_share`, raised to ⌈A / max_occupancy⌉ when the occupancy
/// cap is stricter. Rostered staff is ⌈N / (1 − shrinkage)⌉. With no calls
/// everything is zero and the service level is 1.
///
/// # Errors
///
/// Returns the [`StaffingError`] naming the first field out of range, or
/// [`StaffingError::TooManyAgents`] if the result would exceed
/// [`MAX_AGENTS`].
///
/// ```
/// use rosa::dryrun::erlang::{StaffingInput, required_staff};
/// // The textbook case: 100 calls in half an hour, 3 minutes each (10 erlangs); 80 %
/// // answered within 20 s, occupancy at most 85 %, 30 % of paid time off the phone.
/// let staffing = required_staff(&StaffingInput {
///     calls: 100.0,
///     interval_seconds: 1800.0,
///     aht_seconds: 180.0,
///     target_share: 0.8,
///     target_seconds: 20.0,
///     max_occupancy: 0.85,
///     shrinkage: 0.3,
/// })?;
/// assert_eq!(staffing.agents, 14);
/// assert!((staffing.service_level - 0.888).abs() < 0.0005);
/// assert!((staffing.asa_seconds - 7.84).abs() < 0.005);
/// assert_eq!(staffing.rostered, 20); // ⌈14 / (1 − 0.3)⌉
/// # Ok::<(), rosa::dryrun::erlang::StaffingError>(())
/// ```
pub fn required_staff(input: &StaffingInput) -> Result<Staffing, StaffingError> {
    validate(input)?;

    let traffic = input.calls * input.aht_seconds / input.interval_seconds;
    if traffic == 0.0 {
        return Ok(Staffing {
            traffic_erlangs: 0.0,
            agents: 0,
            rostered: 0,
            service_level: 1.0,
            wait_probability: 0.0,
            asa_seconds: 0.0,
            occupancy: 0.0,
        });
    }
    // Also catches infinite traffic from huge finite inputs.
    if traffic >= f64::from(MAX_AGENTS) {
        return Err(StaffingError::TooManyAgents);
    }

    // The service-level search, carrying B(N) forward so the whole search is
    // linear in N instead of quadratic.
    let first = traffic.floor() as u32 + 1;
    let mut agents = first;
    let mut b = erlang_b(first, traffic);
    loop {
        let c = erlang_c_from_b(agents, traffic, b);
        let sl = service_level_from_c(agents, traffic, c, input.aht_seconds, input.target_seconds);
        if sl >= input.target_share {
            break;
        }
        if agents >= MAX_AGENTS {
            return Err(StaffingError::TooManyAgents);
        }
        agents += 1;
        b = erlang_b_step(b, agents, traffic);
    }

    let occupancy_floor = ceil_with_slack(traffic / input.max_occupancy);
    if occupancy_floor > f64::from(MAX_AGENTS) {
        return Err(StaffingError::TooManyAgents);
    }
    agents = agents.max(occupancy_floor as u32);

    let rostered = ceil_with_slack(f64::from(agents) / (1.0 - input.shrinkage));
    if rostered > f64::from(MAX_AGENTS) {
        return Err(StaffingError::TooManyAgents);
    }

    let c = erlang_c(agents, traffic);
    Ok(Staffing {
        traffic_erlangs: traffic,
        agents,
        rostered: rostered as u32,
        service_level: service_level_from_c(
            agents,
            traffic,
            c,
            input.aht_seconds,
            input.target_seconds,
        ),
        wait_probability: c,
        asa_seconds: asa_from_c(agents, traffic, c, input.aht_seconds),
        occupancy: traffic / f64::from(agents),
    })
}

fn validate(input: &StaffingInput) -> Result<(), StaffingError> {
    // Written as `!(in range)` so that NaN fails every check.
    let finite_at_least_zero = |x: f64| x.is_finite() && x >= 0.0;
    if !finite_at_least_zero(input.calls) {
        return Err(StaffingError::Calls);
    }
    if !(input.interval_seconds.is_finite() && input.interval_seconds > 0.0) {
        return Err(StaffingError::IntervalSeconds);
    }
    if !(input.aht_seconds.is_finite() && input.aht_seconds > 0.0) {
        return Err(StaffingError::AhtSeconds);
    }
    // A target of 1 is never reached exactly: Erlang C only approaches it.
    if !(input.target_share >= 0.0 && input.target_share < 1.0) {
        return Err(StaffingError::TargetShare);
    }
    if !finite_at_least_zero(input.target_seconds) {
        return Err(StaffingError::TargetSeconds);
    }
    if !(input.max_occupancy > 0.0 && input.max_occupancy <= 1.0) {
        return Err(StaffingError::MaxOccupancy);
    }
    if !(input.shrinkage >= 0.0 && input.shrinkage < 1.0) {
        return Err(StaffingError::Shrinkage);
    }
    Ok(())
}

fn erlang_b_step(previous: f64, k: u32, traffic: f64) -> f64 {
    let ab = traffic * previous;
    ab / (f64::from(k) + ab)
}

fn erlang_c_from_b(agents: u32, traffic: f64, b: f64) -> f64 {
    if b.is_nan() {
        return f64::NAN;
    }
    if traffic == 0.0 {
        return 0.0;
    }
    let n = f64::from(agents);
    if n <= traffic {
        return 1.0;
    }
    (n * b / (n - traffic * (1.0 - b))).min(1.0)
}

fn service_level_from_c(
    agents: u32,
    traffic: f64,
    c: f64,
    aht_seconds: f64,
    target_seconds: f64,
) -> f64 {
    if c.is_nan() || !(aht_seconds > 0.0 && target_seconds >= 0.0) {
        return f64::NAN;
    }
    if traffic == 0.0 {
        return 1.0;
    }
    let n = f64::from(agents);
    if n <= traffic {
        return 0.0;
    }
    (1.0 - c * (-(n - traffic) * target_seconds / aht_seconds).exp()).clamp(0.0, 1.0)
}

fn asa_from_c(agents: u32, traffic: f64, c: f64, aht_seconds: f64) -> f64 {
    if c.is_nan() || !(aht_seconds >= 0.0 && aht_seconds.is_finite()) {
        return f64::NAN;
    }
    if traffic == 0.0 {
        return 0.0;
    }
    let n = f64::from(agents);
    if n <= traffic {
        return f64::INFINITY;
    }
    c * aht_seconds / (n - traffic)
}

fn ceil_with_slack(x: f64) -> f64 {
    (x - CEIL_EPSILON).ceil().max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(calls: f64, interval_seconds: f64, aht_seconds: f64) -> StaffingInput {
        StaffingInput {
            calls,
            interval_seconds,
            aht_seconds,
            target_share: 0.8,
            target_seconds: 20.0,
            max_occupancy: 0.85,
            shrinkage: 0.3,
        }
    }

    fn assert_close(actual: f64, expected: f64, tolerance: f64) {
        assert!(
            (actual - expected).abs() <= tolerance,
            "expected {expected} ± {tolerance}, got {actual}"
        );
    }

    #[test]
    fn reference_half_hour_100_calls() {
        let s = required_staff(&input(100.0, 1800.0, 180.0)).unwrap();
        assert_close(s.traffic_erlangs, 10.0, 1e-12);
        assert_eq!(s.agents, 14);
        assert_close(s.service_level, 0.888, 0.0005);
        assert_close(s.occupancy, 0.714, 0.0005);
        assert_close(s.wait_probability, 0.174, 0.0005);
        assert_close(s.asa_seconds, 7.84, 0.005);
        assert_eq!(s.rostered, 20);
    }

    #[test]
    fn ceilings_ignore_floating_point_dust() {
        let rostered = 21.0_f64 / (1.0 - 0.3);
        // The plain ceiling really is wrong here, so the test bites.
        assert_eq!(rostered.ceil(), 31.0);
        assert_eq!(ceil_with_slack(rostered), 30.0);
        assert_eq!(ceil_with_slack(14.0 / (1.0 - 0.3)), 20.0);
        assert_eq!(ceil_with_slack(30.01), 31.0);
        assert_eq!(ceil_with_slack(0.0), 0.0);
    }

    #[test]
    fn reference_hour_1000_calls() {
        let s = required_staff(&input(1000.0, 3600.0, 120.0)).unwrap();
        assert_close(s.traffic_erlangs, 100.0 / 3.0, 1e-12);
        assert_eq!(s.agents, 40);
        assert_close(s.service_level, 0.937, 0.0005);
        assert_close(s.asa_seconds, 3.43, 0.005);
        assert_eq!(s.rostered, 58);
    }

    #[test]
    fn thirteen_agents_miss_the_target() {
        // Confirms 14 is the smallest N, not just some N meeting the target.
        assert!(service_level(13, 10.0, 180.0, 20.0) < 0.8);
        assert!(service_level(14, 10.0, 180.0, 20.0) >= 0.8);
    }

    #[test]
    fn occupancy_cap_binds() {
        let mut i = input(100.0, 1800.0, 180.0);
        i.max_occupancy = 0.6;
        let s = required_staff(&i).unwrap();
        // ⌈10 / 0.6⌉ = 17 beats the 14 the service level asks for.
        assert_eq!(s.agents, 17);
        assert_close(s.occupancy, 10.0 / 17.0, 1e-12);
        assert!(s.occupancy <= 0.6);
        // Service figures describe the 17 agents actually staffed (textbook Erlang C for
        // N = 17, A = 10 erl, AHT 180 s, target 20 s, computed independently).
        assert_close(s.service_level, 0.985815, 1e-6);
        assert_close(s.asa_seconds, 0.79396, 1e-5);
        assert_eq!(s.rostered, 25); // ⌈17 / 0.7⌉ = ⌈24.29⌉
    }

    #[test]
    fn exact_occupancy_ceiling_is_not_rounded_up() {
        // 10 / 0.5 = 20 exactly, must stay 20.
        let mut i = input(100.0, 1800.0, 180.0);
        i.max_occupancy = 0.5;
        i.shrinkage = 0.0;
        let s = required_staff(&i).unwrap();
        assert_eq!(s.agents, 20);
        assert_eq!(s.rostered, 20);
    }

    #[test]
    fn zero_calls() {
        let s = required_staff(&input(0.0, 1800.0, 180.0)).unwrap();
        assert_eq!(s.agents, 0);
        assert_eq!(s.rostered, 0);
        assert_eq!(s.service_level, 1.0);
        assert_eq!(s.wait_probability, 0.0);
        assert_eq!(s.asa_seconds, 0.0);
        assert_eq!(s.occupancy, 0.0);
        assert_eq!(s.traffic_erlangs, 0.0);
    }

    #[test]
    fn tiny_traffic_needs_one_agent() {
        let s = required_staff(&input(1.0, 3600.0, 60.0)).unwrap();
        assert_eq!(s.agents, 1);
        assert_eq!(s.rostered, 2); // ⌈1 / 0.7⌉
        assert!(s.service_level >= 0.8);
    }

    #[test]
    fn bad_inputs() {
        let ok = input(100.0, 1800.0, 180.0);
        let cases: Vec<(StaffingInput, StaffingError)> = vec![
            (StaffingInput { calls: -1.0, ..ok }, StaffingError::Calls),
            (
                StaffingInput {
                    calls: f64::NAN,
                    ..ok
                },
                StaffingError::Calls,
            ),
            (
                StaffingInput {
                    calls: f64::INFINITY,
                    ..ok
                },
                StaffingError::Calls,
            ),
            (
                StaffingInput {
                    interval_seconds: 0.0,
                    ..ok
                },
                StaffingError::IntervalSeconds,
            ),
            (
                StaffingInput {
                    interval_seconds: f64::NAN,
                    ..ok
                },
                StaffingError::IntervalSeconds,
            ),
            (
                StaffingInput {
                    aht_seconds: -180.0,
                    ..ok
                },
                StaffingError::AhtSeconds,
            ),
            (
                StaffingInput {
                    aht_seconds: 0.0,
                    ..ok
                },
                StaffingError::AhtSeconds,
            ),
            (
                StaffingInput {
                    aht_seconds: f64::INFINITY,
                    ..ok
                },
                StaffingError::AhtSeconds,
            ),
            (
                StaffingInput {
                    target_share: 1.0,
                    ..ok
                },
                StaffingError::TargetShare,
            ),
            (
                StaffingInput {
                    target_share: -0.1,
                    ..ok
                },
                StaffingError::TargetShare,
            ),
            (
                StaffingInput {
                    target_share: f64::NAN,
                    ..ok
                },
                StaffingError::TargetShare,
            ),
            (
                StaffingInput {
                    target_seconds: -1.0,
                    ..ok
                },
                StaffingError::TargetSeconds,
            ),
            (
                StaffingInput {
                    target_seconds: f64::NAN,
                    ..ok
                },
                StaffingError::TargetSeconds,
            ),
            (
                StaffingInput {
                    max_occupancy: 0.0,
                    ..ok
                },
                StaffingError::MaxOccupancy,
            ),
            (
                StaffingInput {
                    max_occupancy: -0.5,
                    ..ok
                },
                StaffingError::MaxOccupancy,
            ),
            (
                StaffingInput {
                    max_occupancy: 1.5,
                    ..ok
                },
                StaffingError::MaxOccupancy,
            ),
            (
                StaffingInput {
                    max_occupancy: f64::NAN,
                    ..ok
                },
                StaffingError::MaxOccupancy,
            ),
            (
                StaffingInput {
                    shrinkage: 1.0,
                    ..ok
                },
                StaffingError::Shrinkage,
            ),
            (
                StaffingInput {
                    shrinkage: -0.1,
                    ..ok
                },
                StaffingError::Shrinkage,
            ),
            (
                StaffingInput {
                    shrinkage: f64::NAN,
                    ..ok
                },
                StaffingError::Shrinkage,
            ),
            (
                StaffingInput {
                    calls: 1e300,
                    aht_seconds: 1e300,
                    ..ok
                },
                StaffingError::TooManyAgents,
            ),
            (
                StaffingInput {
                    max_occupancy: 1e-300,
                    ..ok
                },
                StaffingError::TooManyAgents,
            ),
            (
                StaffingInput {
                    shrinkage: 0.999_999_999,
                    ..ok
                },
                StaffingError::TooManyAgents,
            ),
        ];
        for (bad, expected) in cases {
            assert_eq!(required_staff(&bad), Err(expected), "{bad:?}");
        }
    }

    #[test]
    fn error_messages_name_the_field() {
        assert!(StaffingError::Shrinkage.to_string().contains("shrinkage"));
        assert!(
            StaffingError::MaxOccupancy
                .to_string()
                .contains("max_occupancy")
        );
        assert!(StaffingError::Calls.to_string().starts_with("calls "));
    }

    #[test]
    fn erlang_b_known_values() {
        // B(1, A) = A / (1 + A).
        assert_close(erlang_b(1, 1.0), 0.5, 1e-15);
        assert_close(erlang_b(0, 5.0), 1.0, 0.0);
        assert_close(erlang_b(5, 0.0), 0.0, 0.0);
        // Published table value: B(10, 5) ≈ 0.018385.
        assert_close(erlang_b(10, 5.0), 0.018_385, 1e-6);
        assert!(erlang_b(3, -1.0).is_nan());
        assert!(erlang_b(3, f64::NAN).is_nan());
    }

    #[test]
    fn erlang_b_is_stable_for_large_n() {
        for &(n, a) in &[(2000_u32, 1900.0), (5000, 4900.0), (2000, 2500.0)] {
            let b = erlang_b(n, a);
            assert!(
                b.is_finite() && (0.0..=1.0).contains(&b),
                "B({n}, {a}) = {b}"
            );
            let c = erlang_c(n, a);
            assert!(
                c.is_finite() && (0.0..=1.0).contains(&c),
                "C({n}, {a}) = {c}"
            );
        }
        // More agents never block more.
        assert!(erlang_b(2001, 1900.0) < erlang_b(2000, 1900.0));
    }

    #[test]
    fn unstable_queue() {
        assert_eq!(erlang_c(10, 10.0), 1.0);
        assert_eq!(erlang_c(5, 10.0), 1.0);
        assert_eq!(service_level(10, 10.0, 180.0, 20.0), 0.0);
        assert_eq!(asa(10, 10.0, 180.0), f64::INFINITY);
    }

    #[test]
    fn large_call_centre_is_fast_and_sane() {
        let s = required_staff(&input(60_000.0, 3600.0, 120.0)).unwrap();
        assert_close(s.traffic_erlangs, 2000.0, 1e-9);
        assert!(s.agents > 2000 && s.agents < 2400, "{}", s.agents);
        assert!(s.service_level >= 0.8);
    }
}
