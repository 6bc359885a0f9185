//! What the policy means when a statement is left out (docs/regelsprak.md §4).

/// `skala`: ROSA with 6 levels.
pub const SCALE: u8 = 6;
/// `direkt rosa 1-2`.
pub const DIRECT_LEVELS: (u8, u8) = (1, 2);
/// `manus rosa 3-4`.
pub const SCRIPTED_LEVELS: (u8, u8) = (3, 4);
/// `mål 70 %`, as a share.
pub const GOAL_SHARE: f64 = 0.7;
/// `årsarbetstid 1600 tim`.
pub const PRODUCTIVE_HOURS_PER_FTE: f64 = 1600.0;
/// `servicenivå 80 % inom 20 s`: the share …
pub const SERVICE_LEVEL_SHARE: f64 = 0.8;
/// … and the seconds.
pub const SERVICE_LEVEL_SECONDS: f64 = 20.0;
/// `maxbeläggning 85 %`, as a share.
pub const MAX_OCCUPANCY: f64 = 0.85;
/// `frånvaro 30 %`, as a share.
pub const SHRINKAGE: f64 = 0.3;
/// `tid 5 min, förvaltning 10 min`: minutes in kundtjänst …
pub const MINUTES_KUNDTJANST: f64 = 5.0;
/// … and in the förvaltning.
pub const MINUTES_FORVALTNING: f64 = 10.0;
/// `öppettider mån-fre 08:00-17:00`: the weekdays (1 = måndag) …
pub const OPEN_WEEKDAYS: (u8, u8) = (1, 5);
/// … opening, in minutes after midnight …
pub const OPENS: u32 = 8 * 60;
/// … and closing.
pub const CLOSES: u32 = 17 * 60;
/// `stängt helgdagar, midsommarafton, julafton, nyårsafton`: without `stängt`,
/// kundtjänst is closed on the public holidays and all three aftnar.
pub const CLOSED_DAYS: &str = "helgdagar, midsommarafton, julafton, nyårsafton";

#[cfg(test)]
mod tests {
    /// The guide's policy table says the same in its "standard" column.
    #[test]
    fn the_guide_states_these_defaults() {
        let guide = include_str!("../../docs/regelsprak.md");
        let default_of = |statement: &str| -> &str {
            let row = guide
                .lines()
                .skip_while(|l| *l != "| uppgift | betyder | standard |")
                .take_while(|l| l.starts_with('|'))
                .find(|l| l.starts_with(&format!("| `{statement}")))
                .unwrap_or_else(|| panic!("no row for `{statement}`"));
            row.trim_end_matches('|')
                .rsplit('|')
                .next()
                .unwrap_or("")
                .trim()
        };
        let percent = |share: f64| format!("{} %", (share * 100.0).round());
        assert_eq!(default_of("skala"), format!("{} nivåer", super::SCALE));
        let (d0, d1) = super::DIRECT_LEVELS;
        assert_eq!(default_of("direkt rosa"), format!("{d0}–{d1}"));
        let (s0, s1) = super::SCRIPTED_LEVELS;
        assert_eq!(default_of("manus rosa"), format!("{s0}–{s1}"));
        assert_eq!(default_of("mål"), percent(super::GOAL_SHARE));
        assert_eq!(
            default_of("årsarbetstid"),
            format!("{} tim", super::PRODUCTIVE_HOURS_PER_FTE)
        );
        assert_eq!(
            default_of("servicenivå"),
            format!(
                "{} inom {} s",
                percent(super::SERVICE_LEVEL_SHARE),
                super::SERVICE_LEVEL_SECONDS
            )
        );
        assert_eq!(default_of("maxbeläggning"), percent(super::MAX_OCCUPANCY));
        assert_eq!(default_of("frånvaro"), percent(super::SHRINKAGE));
        assert_eq!(
            default_of("tid"),
            format!(
                "{} min och {} min",
                super::MINUTES_KUNDTJANST,
                super::MINUTES_FORVALTNING
            )
        );
        assert_eq!(default_of("stängt"), super::CLOSED_DAYS);
        assert_eq!(
            default_of("öppettider"),
            format!(
                "{}–{} {:02}:00–{:02}:00",
                super::super::weekday_name(super::OPEN_WEEKDAYS.0),
                super::super::weekday_name(super::OPEN_WEEKDAYS.1),
                super::OPENS / 60,
                super::CLOSES / 60
            )
        );
    }
}
