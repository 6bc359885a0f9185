//! The rows a log reader hands out, in chunks, and the error that stops a run: shared
//! by the CSV/JSON reader and the Excel sheet reader.

use super::rejection::Rejection;

/// A log problem that stops the run (as opposed to a rejected row).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct LogError(pub String);

impl std::fmt::Display for LogError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LogError {}

/// A reusable buffer of raw rows: records keep their allocations from chunk to chunk.
#[derive(Default)]
pub(super) struct Chunk {
    rows: Vec<RawRow>,
    pub(super) len: usize,
}

impl Chunk {
    pub(super) fn rows(&self) -> &[RawRow] {
        &self.rows[..self.len]
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub(super) fn clear(&mut self) {
        self.len = 0;
    }

    /// The next slot to fill, made a CSV record (reusing the old one if it was).
    pub(super) fn next_csv_record(&mut self) -> &mut csv::ByteRecord {
        if self.len == self.rows.len() {
            self.rows.push(RawRow::Csv(sized_record()));
        }
        let slot = &mut self.rows[self.len];
        if !matches!(slot, RawRow::Csv(_)) {
            *slot = RawRow::Csv(sized_record());
        }
        match slot {
            RawRow::Csv(record) => record,
            _ => unreachable!("the slot was just made a CSV record"),
        }
    }

    pub(super) fn push(&mut self, row: RawRow) {
        if self.len == self.rows.len() {
            self.rows.push(row);
        } else {
            self.rows[self.len] = row;
        }
        self.len += 1;
    }
}

/// Room for a typical log row from the start, so that reused records do not creep up
/// in size over a long log: memory stays the same for 100,000 rows and for 10 million.
fn sized_record() -> csv::ByteRecord {
    csv::ByteRecord::with_capacity(RECORD_BYTES, RECORD_FIELDS)
}

const RECORD_BYTES: usize = 256;
const RECORD_FIELDS: usize = 16;

/// One row as read, before conversion.
#[derive(Debug, Clone)]
pub(super) enum RawRow {
    Csv(csv::ByteRecord),
    Json {
        line: u64,
        text: String,
    },
    /// A row that cannot be decided, covering `lines` physical lines from `line`.
    Broken {
        line: u64,
        lines: u64,
        reason: Rejection,
    },
}
