//! The crate's one error type. Every variant says where (element path or line) and why, so a
//! person can open the file at that place; the caller adds the file name.

use std::fmt;

/// Where in the input a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    /// An XML element, by path from the message root (`Stmt[1]/Ntry[3]/Amt`) and its line.
    Element { path: String, line: usize },
    /// A line of a line-based format (MT940, BAI2), 1-based.
    Line(usize),
    /// A byte offset, where no line is known yet (undecodable input).
    Byte(usize),
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::Element { path, line } => write!(f, "{path} (line {line})"),
            Position::Line(line) => write!(f, "line {line}"),
            Position::Byte(offset) => write!(f, "byte {offset}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The content matches none of the formats this crate reads.
    #[error("not a bank file this product reads (camt.052/053/054, pain.002, MT940/942, BAI2): {found}")]
    UnknownFormat { found: String },
    /// The input is not well-formed (bad XML, bad encoding).
    #[error("{format} at {at}: malformed: {reason}")]
    Malformed {
        format: &'static str,
        at: Position,
        reason: String,
    },
    /// The input is well-formed but a value is missing or wrong where money or identity is at stake.
    #[error("{format} at {at}: {reason}")]
    Invalid {
        format: &'static str,
        at: Position,
        reason: String,
    },
}

impl Error {
    pub(crate) fn invalid(format: &'static str, at: Position, reason: impl Into<String>) -> Self {
        Error::Invalid {
            format,
            at,
            reason: reason.into(),
        }
    }

    pub(crate) fn line(format: &'static str, line: usize, reason: impl Into<String>) -> Self {
        Error::invalid(format, Position::Line(line), reason)
    }

    /// Where the problem is, when the input got far enough to tell.
    pub fn position(&self) -> Option<&Position> {
        match self {
            Error::UnknownFormat { .. } => None,
            Error::Malformed { at, .. } | Error::Invalid { at, .. } => Some(at),
        }
    }
}
