//! Reading ISO 20022 XML with quick-xml: the message is streamed, and each direct child of the
//! message element (`GrpHdr`, every `Stmt`, …) is built as a small tree, handed over and
//! dropped, so memory stays at one statement however long the file is. Names are compared
//! without namespace prefixes, so any namespace version or prefix reads the same.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::detect::XML_MESSAGES;
use crate::error::{Error, Position};
use crate::statement::Format;

/// One element and everything under it.
#[derive(Debug, Default)]
pub(crate) struct Node {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Node>,
    pub line: usize,
}

/// The message element found in the document.
#[derive(Debug, Clone)]
pub(crate) struct Message {
    pub format: Format,
    /// The message element's name (`BkToCstmrStmt`) and line.
    pub element: &'static str,
    pub line: usize,
    /// `camt.053.001.08` from the namespace, else the format name.
    pub version: String,
}

/// An element with its path from the message element, for error messages.
#[derive(Clone)]
pub(crate) struct El<'a> {
    node: &'a Node,
    pub path: String,
}

impl<'a> El<'a> {
    pub fn root(node: &'a Node, path: String) -> Self {
        El { node, path }
    }

    #[cfg(test)]
    pub fn line(&self) -> usize {
        self.node.line
    }

    pub fn name(&self) -> &'a str {
        &self.node.name
    }

    /// The first child element called `name`.
    pub fn child(&self, name: &str) -> Option<El<'a>> {
        self.node.children.iter().find(|c| c.name == name).map(|node| El {
            node,
            path: format!("{}/{}", self.path, name),
        })
    }

    /// Every child element called `name`, with 1-based indices in their paths.
    pub fn children(&self, name: &str) -> Vec<El<'a>> {
        self.node
            .children
            .iter()
            .filter(|c| c.name == name)
            .enumerate()
            .map(|(i, node)| El {
                node,
                path: format!("{}/{}[{}]", self.path, name, i + 1),
            })
            .collect()
    }

    /// The element at a `/`-separated relative path (first match at each step).
    pub fn find(&self, path: &str) -> Option<El<'a>> {
        path.split('/').try_fold(self.clone(), |el, step| el.child(step))
    }

    /// Trimmed text content; `None` when empty.
    pub fn text(&self) -> Option<&'a str> {
        let t = self.node.text.trim();
        (!t.is_empty()).then_some(t)
    }

    /// Trimmed text at a relative path.
    pub fn get(&self, path: &str) -> Option<String> {
        self.find(path).and_then(|e| e.text()).map(str::to_string)
    }

    /// The first of several alternative paths that has text (schema versions move elements).
    pub fn get_any(&self, paths: &[&str]) -> Option<String> {
        paths.iter().find_map(|p| self.get(p))
    }

    /// Texts of every element matching the path's last step under its parent.
    pub fn texts(&self, path: &str) -> Vec<String> {
        let (parent, last) = match path.rsplit_once('/') {
            Some((p, l)) => (self.find(p), l),
            None => (Some(self.clone()), path),
        };
        parent
            .map(|p| {
                p.children(last)
                    .iter()
                    .filter_map(|e| e.text().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn attr(&self, name: &str) -> Option<&'a str> {
        self.node
            .attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    pub fn error(&self, format: &'static str, reason: impl Into<String>) -> Error {
        Error::invalid(
            format,
            Position::Element {
                path: self.path.clone(),
                line: self.node.line,
            },
            reason,
        )
    }

    /// The error for a child that must be there.
    pub fn missing(&self, format: &'static str, child: &str) -> Error {
        self.error(format, format!("no {child} element: it is required here"))
    }
}

/// ISO 20022 messages nest about 15 levels; far deeper input is hostile or broken, and is
/// refused before the tree gets deep enough to exhaust the stack when dropped.
const MAX_DEPTH: usize = 64;

/// Byte offset → 1-based line.
struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines(starts)
    }

    fn line(&self, offset: u64) -> usize {
        let offset = usize::try_from(offset).unwrap_or(usize::MAX);
        self.0.partition_point(|&s| s <= offset).max(1)
    }
}

/// Streams the document and calls `on_block` with each direct child of the message element,
/// in order, with its path (`Stmt[2]`). Returns the message found.
pub(crate) fn read_message(
    text: &str,
    on_block: &mut dyn FnMut(&Message, El<'_>) -> Result<(), Error>,
) -> Result<Message, Error> {
    let lines = Lines::new(text);
    let mut reader = Reader::from_str(text);
    let mut namespaces: Vec<String> = Vec::new();
    let mut message: Option<(Message, usize)> = None; // and the depth of the message element
    let mut stack: Vec<Node> = Vec::new();
    let mut open: Vec<String> = Vec::new();
    let mut block_counts: Vec<(String, usize)> = Vec::new();

    let malformed = |line: usize, reason: String| Error::Malformed {
        format: "XML",
        at: Position::Line(line),
        reason,
    };

    loop {
        let event = reader
            .read_event()
            .map_err(|e| malformed(lines.line(reader.error_position()), e.to_string()))?;
        let line = lines.line(reader.buffer_position().saturating_sub(1));
        match event {
            Event::Start(e) => {
                if open.len() >= MAX_DEPTH {
                    return Err(malformed(
                        line,
                        format!("elements nested deeper than {MAX_DEPTH} levels"),
                    ));
                }
                let name = e.local_name().as_ref().to_string();
                if inside(&message, open.len()) {
                    stack.push(node_from(&e, line));
                } else if message.is_none() {
                    namespaces.extend(namespace_values(&e));
                    message = message_element(&name, &namespaces, line).map(|m| (m, open.len() + 1));
                }
                open.push(name);
            }
            Event::Empty(e) => {
                if inside(&message, open.len()) {
                    attach(&mut stack, node_from(&e, line), &message, &mut block_counts, on_block)?;
                } else if message.is_none() {
                    namespaces.extend(namespace_values(&e));
                    let name = e.local_name().as_ref().to_string();
                    message = message_element(&name, &namespaces, line).map(|m| (m, open.len() + 1));
                }
            }
            Event::End(_) => {
                open.pop();
                if let Some(node) = stack.pop() {
                    attach(&mut stack, node, &message, &mut block_counts, on_block)?;
                }
            }
            Event::Text(t) => {
                if let Some(n) = stack.last_mut() {
                    n.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(c) => {
                if let Some(n) = stack.last_mut() {
                    n.text.push_str(&c);
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(ch)) => ch.to_string(),
                    Ok(None) => quick_xml::escape::resolve_predefined_entity(&r)
                        .map(str::to_string)
                        .ok_or_else(|| malformed(line, format!("unknown entity &{};", &*r)))?,
                    Err(e) => return Err(malformed(line, e.to_string())),
                };
                if let Some(n) = stack.last_mut() {
                    n.text.push_str(&resolved);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(name) = open.last() {
        return Err(malformed(
            lines.line(text.len() as u64),
            format!("the document ends inside <{name}>: the file is cut short"),
        ));
    }
    message.map(|(m, _)| m).ok_or_else(|| Error::UnknownFormat {
        found: "XML without a camt.052/053/054 or pain.002 message element".into(),
    })
}

/// Whether the reader is inside the message element (depth counted in open elements).
fn inside(message: &Option<(Message, usize)>, open: usize) -> bool {
    message.as_ref().is_some_and(|(_, depth)| open >= *depth)
}

fn message_element(name: &str, namespaces: &[String], line: usize) -> Option<Message> {
    XML_MESSAGES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(element, format)| Message {
            format: *format,
            element,
            line,
            version: version_from(namespaces, *format),
        })
}

/// Hangs a finished node under its parent, or, when it is a direct child of the message
/// element, hands it to `on_block`.
fn attach(
    stack: &mut [Node],
    node: Node,
    message: &Option<(Message, usize)>,
    block_counts: &mut Vec<(String, usize)>,
    on_block: &mut dyn FnMut(&Message, El<'_>) -> Result<(), Error>,
) -> Result<(), Error> {
    if let Some(parent) = stack.last_mut() {
        parent.children.push(node);
        return Ok(());
    }
    let Some((msg, _)) = message else {
        return Ok(());
    };
    let index = match block_counts.iter_mut().find(|(n, _)| *n == node.name) {
        Some((_, count)) => {
            *count += 1;
            *count
        }
        None => {
            block_counts.push((node.name.clone(), 1));
            1
        }
    };
    let path = format!("{}[{}]", node.name, index);
    on_block(msg, El::root(&node, path))
}

fn node_from(e: &BytesStart<'_>, line: usize) -> Node {
    let attrs = e
        .attributes()
        .with_checks(false)
        .filter_map(Result::ok)
        .map(|a| {
            let value = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_default();
            (a.key.local_name().as_ref().to_string(), value)
        })
        .collect();
    Node {
        name: e.local_name().as_ref().to_string(),
        attrs,
        line,
        ..Node::default()
    }
}

fn namespace_values(e: &BytesStart<'_>) -> Vec<String> {
    e.attributes()
        .with_checks(false)
        .filter_map(Result::ok)
        .filter(|a| {
            let key: &str = a.key.as_ref();
            key == "xmlns" || key.starts_with("xmlns:")
        })
        .map(|a| a.value.into_owned())
        .collect()
}

/// `camt.053.001.02` out of `urn:iso:std:iso:20022:tech:xsd:camt.053.001.02` (or a bank's own
/// namespace such as SIX's `…/pain.002.001.03.ch.02.xsd`).
fn version_from(namespaces: &[String], format: Format) -> String {
    let prefix = format.name();
    for ns in namespaces.iter().rev() {
        if let Some(i) = ns.find(prefix) {
            let rest = &ns[i + prefix.len()..];
            let b = rest.as_bytes();
            // ".001.02": a dot, three digits, a dot, two digits.
            let well_formed = b.len() >= 7
                && b[0] == b'.'
                && b[1..4].iter().all(u8::is_ascii_digit)
                && b[4] == b'.'
                && b[5..7].iter().all(u8::is_ascii_digit);
            if well_formed {
                return format!("{prefix}{}", &rest[..7]);
            }
        }
    }
    prefix.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Path, `Id` text and the line of `Bal/Amt` of each block.
    type Seen = Vec<(String, String, usize)>;

    fn blocks(xml: &str) -> Result<(Message, Seen), Error> {
        let mut seen = Vec::new();
        let msg = read_message(xml, &mut |_, el| {
            seen.push((
                el.path.clone(),
                el.get("Id").unwrap_or_default(),
                el.find("Bal/Amt").map(|a| a.line()).unwrap_or(0),
            ));
            Ok(())
        })?;
        Ok((msg, seen))
    }

    #[test]
    fn streams_blocks_with_paths_lines_and_version() {
        let xml = "<?xml version=\"1.0\"?>\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\">\n<BkToCstmrStmt><GrpHdr><MsgId>M</MsgId></GrpHdr>\n<Stmt><Id>A &amp; B</Id>\n<Bal><Amt Ccy=\"EUR\">1</Amt></Bal></Stmt>\n<Stmt><Id>C</Id><Empty/></Stmt></BkToCstmrStmt></Document>";
        let (msg, seen) = blocks(xml).unwrap();
        assert_eq!(msg.version, "camt.053.001.08");
        assert_eq!(msg.format, Format::Camt053);
        assert_eq!(
            seen,
            vec![
                ("GrpHdr[1]".into(), String::new(), 0),
                ("Stmt[1]".into(), "A & B".into(), 5),
                ("Stmt[2]".into(), "C".into(), 0)
            ]
        );
    }

    #[test]
    fn prefixed_names_and_six_namespaces_read_the_same() {
        let xml = "<p:Document xmlns:p=\"http://www.six-interbank-clearing.com/de/pain.002.001.03.ch.02.xsd\"><p:CstmrPmtStsRpt><p:GrpHdr><p:MsgId>X</p:MsgId></p:GrpHdr></p:CstmrPmtStsRpt></p:Document>";
        let (msg, _) = blocks(xml).unwrap();
        assert_eq!(msg.version, "pain.002.001.03");
    }

    #[test]
    fn broken_xml_is_refused_with_a_line() {
        let err = blocks("<Document>\n<BkToCstmrStmt>\n<Stmt></Ntry>").unwrap_err();
        assert!(
            matches!(
                err,
                Error::Malformed {
                    at: Position::Line(3),
                    ..
                }
            ),
            "{err}"
        );
        let err = blocks("<Document>\n<BkToCstmrStmt>\n<Stmt>").unwrap_err();
        assert!(err.to_string().contains("cut short"), "{err}");
        assert!(matches!(blocks("<a/>"), Err(Error::UnknownFormat { .. })));
    }
}
