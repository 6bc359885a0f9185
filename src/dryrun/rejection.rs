//! Why a log row was rejected, typed: the report groups rows by the kind of problem
//! (never by splitting its sentence); the Swedish is in `wording`.

use crate::clock::TimeError;

/// Why a row of the log could not be decided.
#[derive(Debug, Clone, PartialEq)]
pub enum Rejection {
    /// The row names no ärendetyp.
    MissingCaseType,
    /// The time column is not a time.
    BadTime(TimeError),
    /// A CSV row with another number of fields than the header.
    FieldCount {
        /// Fields in the row.
        len: u64,
        /// Fields in the header.
        expected: u64,
    },
    /// A CSV row the reader cannot take apart (the reader's own message).
    Unreadable(String),
    /// A quoted field over several lines (a stray quote?): every line it covers,
    /// and what else was wrong with the record, if anything.
    Swallowed {
        /// The first line.
        line: u64,
        /// The lines it covers.
        lines: u64,
        /// The record's own problem, if it had one.
        also: Option<Box<Rejection>>,
    },
    /// A quote opened on `line` and never closed before the end of the file: the rows
    /// from the record it is in to the end, `lines` lines.
    UnterminatedQuote {
        /// The line the record with the quote starts on.
        line: u64,
        /// The lines from there to the end of the file.
        lines: u64,
    },
    /// A line longer than the reader's limit (`MAX_LINE_BYTES`, 1 MiB): read past, never
    /// held in memory.
    LineTooLong,
    /// Bytes that are not UTF-8 (a Latin-1 file).
    NotUtf8,
    /// A JSON Lines row that is not a JSON object (the parser's message).
    InvalidJson(String),
    /// A known field (ärendetyp, kanal, …) that is not text.
    FieldNotText(String),
    /// An attribute whose value is a list or an object.
    AttributeType(String),
    /// An Excel cell that cannot be read as CSV text.
    Cell {
        /// `C2`.
        cell: String,
        /// The column's header.
        column: String,
        /// What is wrong with it.
        problem: CellProblem,
    },
    /// The CSV columns were not known (a bug, not the log's fault).
    MissingColumns,
}

/// Why an Excel cell cannot be used.
#[derive(Debug, Clone, PartialEq)]
pub enum CellProblem {
    /// A time of day without a date.
    TimeWithoutDate,
    /// A duration, not a point in time.
    Duration,
    /// An error value such as `#N/A`.
    ErrorValue(String),
}
