//! Figures of one row: a ratio per round (the contenders took turns within each round),
//! reported as the median with its min and max, and checked against the target.

use std::fmt::Write as _;

/// Which way a target points.
#[derive(Debug, Clone, Copy)]
pub enum Goal {
    AtLeast(f64),
    AtMost(f64),
    /// No target: shown for the record.
    Info,
}

impl Goal {
    fn met(self, value: f64) -> bool {
        match self {
            Goal::AtLeast(t) => value >= t,
            Goal::AtMost(t) => value <= t,
            Goal::Info => true,
        }
    }

    fn text(self) -> String {
        match self {
            Goal::AtLeast(t) => format!("≥ {t}×"),
            Goal::AtMost(t) => format!("≤ {t}×"),
            Goal::Info => "–".into(),
        }
    }
}

/// One compared figure: `ratios` has one value per round.
#[derive(Debug, Clone)]
pub struct Ratio {
    pub row: char,
    pub what: String,
    pub ratios: Vec<f64>,
    pub goal: Goal,
    /// The absolute medians behind the ratio (e.g. "Outpost 3.1 s, PouchDB 40.2 s").
    pub detail: String,
    /// Said beside the figure, e.g. when a contender ran fewer rounds.
    pub note: Option<String>,
}

/// The median of `values` (the upper middle one for an even count).
pub fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

impl Ratio {
    pub fn median(&self) -> f64 {
        median(&self.ratios)
    }

    pub fn min(&self) -> f64 {
        self.ratios.iter().copied().fold(f64::INFINITY, f64::min)
    }

    pub fn max(&self) -> f64 {
        self.ratios
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max)
    }

    pub fn met(&self) -> bool {
        self.goal.met(self.median())
    }

    /// "met", "MISSED", or "informational".
    pub fn verdict(&self) -> &'static str {
        match (self.goal, self.met()) {
            (Goal::Info, _) => "informational",
            (_, true) => "met",
            (_, false) => "MISSED",
        }
    }

    pub fn target(&self) -> String {
        self.goal.text()
    }

    /// "4.21× (3.90–4.80, 3 rounds)".
    pub fn figure(&self) -> String {
        let mut s = format!("{}×", fmt(self.median()));
        if self.ratios.len() > 1 {
            let _ = write!(
                s,
                " ({}–{}, {} rounds)",
                fmt(self.min()),
                fmt(self.max()),
                self.ratios.len()
            );
        } else {
            s.push_str(" (1 round)");
        }
        s
    }

    /// The line printed while the benchmark runs.
    pub fn print(&self) {
        println!(
            "({}) {:<58} {:<28} target {:<7} {}",
            self.row,
            self.what,
            self.figure(),
            self.target(),
            self.verdict()
        );
        println!("      {}", self.detail);
        if let Some(note) = &self.note {
            println!("      {note}");
        }
    }
}

/// Two significant decimals for small ratios, fewer for large ones.
pub fn fmt(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}")
    } else if x >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}
