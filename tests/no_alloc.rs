//! A decision without guarded rules allocates nothing, counted by a global allocator
//! that counts this thread's allocations (README "Performance"; docs/semantik.md §3–§8).

use rosa::{Channel, Engine, Inquiry, Outcome, Ruleset};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards every call to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        // SAFETY: same layout contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        // SAFETY: as for `dealloc` and `alloc`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

fn allocations_during(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

#[test]
fn deciding_without_conditions_allocates_nothing() {
    let ruleset = Ruleset::load("rulesets/exempelkommun").unwrap_or_else(|d| panic!("{d}"));
    let engine = Engine::new(&ruleset);
    let mut decided = 0;
    let mut outcomes = [0usize; 3];
    for (t, typ) in ruleset.arendetyper().iter().enumerate() {
        for (u, unit) in typ.units.iter().enumerate() {
            if engine.has_conditions(t, u) {
                continue;
            }
            let channels = Channel::all()
                .map(|c| Some(c.name()))
                .chain([None, Some("fax")]);
            for channel in channels {
                let count = allocations_during(|| {
                    let inquiry = Inquiry {
                        part: unit.part.as_deref(),
                        channel,
                        ..Inquiry::new(typ.id.as_str())
                    };
                    let decision = engine.decide(&inquiry);
                    outcomes[decision.outcome as usize] += 1;
                    std::hint::black_box(decision);
                });
                assert_eq!(count, 0, "{} {:?} {channel:?}", typ.id, unit.part);
                decided += 1;
            }
        }
    }
    // Every outcome and many units were exercised, not a handful.
    assert!(decided > 1_500, "{decided}");
    assert!(outcomes.iter().all(|&n| n > 100), "{outcomes:?}");
    // Unknown types and parts are forwarded without allocating too.
    for inquiry in [
        Inquiry::new("finns-inte").channel("telefon"),
        Inquiry::new("bygglov").part("finns-inte"),
    ] {
        let count = allocations_during(|| {
            let decision = engine.decide(&inquiry);
            assert_eq!(decision.outcome, Outcome::Forwarded);
        });
        assert_eq!(count, 0, "{inquiry:?}");
    }
}

/// An inquiry built with the builder from borrowed strings allocates nothing either, and
/// nor does dropping it.
#[test]
fn building_a_borrowed_inquiry_allocates_nothing() {
    let case_type = String::from("bygglov");
    let count = allocations_during(|| {
        let inquiry = Inquiry::new(case_type.as_str())
            .part("regler")
            .channel("telefon")
            .time("2026-03-02T10:15");
        std::hint::black_box(&inquiry);
    });
    assert_eq!(count, 0);
}

/// The counter counts: building an owned inquiry does allocate.
#[test]
fn the_counter_sees_allocations() {
    let count = allocations_during(|| {
        std::hint::black_box(Inquiry::new("bygglov-status").to_owned_inquiry());
    });
    assert!(count >= 1);
}
