//! The import report: every row read, every row skipped and why, every value
//! interpreted, with the sheet and cell address.

/// What happened to a row or a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Kind {
    /// A row read into the ruleset.
    Read,
    /// A row or value left out, and why.
    Skipped,
    /// A value read as a person would read it (`ca` dropped, a range's middle).
    Interpreted,
    /// Something the import could only begin: a manus file with a heading and no words,
    /// which someone must write before the agreement is used.
    ToWrite,
}

/// One line of the report.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Entry {
    /// The sheet's name.
    pub sheet: String,
    /// `E7`, `rad 7` or `rad 7–9`.
    pub at: String,
    /// What happened.
    pub kind: Kind,
    /// In Swedish.
    pub text: String,
}

/// Every row and value accounted for.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Report {
    /// In the order the rows were read.
    pub entries: Vec<Entry>,
}

impl Report {
    pub(crate) fn add(&mut self, sheet: &str, at: &str, kind: Kind, text: String) {
        self.entries.push(Entry {
            sheet: sheet.to_string(),
            at: at.to_string(),
            kind,
            text,
        });
    }

    /// How many entries are of `kind`.
    pub fn count(&self, kind: Kind) -> usize {
        self.entries.iter().filter(|e| e.kind == kind).count()
    }

    /// The report as text, one line per entry, grouped by sheet.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let mut sheet = None;
        for e in &self.entries {
            if sheet != Some(&e.sheet) {
                out.push_str(&format!("blad `{}`:\n", e.sheet));
                sheet = Some(&e.sheet);
            }
            let what = match e.kind {
                Kind::Read => "läst",
                Kind::Skipped => "hoppades över",
                Kind::Interpreted => "tolkat",
                Kind::ToWrite => "att skriva",
            };
            out.push_str(&format!("  {}: {what}: {}\n", e.at, e.text));
        }
        out
    }
}
