//! Output formats: JSON, NDJSON, CSV and a table, written as the pages arrive (one page in
//! memory).

use serde_json::Value;
use std::io::{self, Write};

/// `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A JSON array for lists, an object for one record.
    Json,
    /// One JSON object per line.
    Ndjson,
    /// A header of the command's columns, then one row per record.
    Csv,
    /// Aligned columns (the default on a terminal).
    Table,
}

/// The names `--output` takes.
pub const FORMAT_NAMES: [&str; 4] = ["json", "ndjson", "csv", "table"];

impl Format {
    /// Parses a name of [`FORMAT_NAMES`].
    pub fn parse(name: &str) -> Option<Format> {
        match name {
            "json" => Some(Format::Json),
            "ndjson" => Some(Format::Ndjson),
            "csv" => Some(Format::Csv),
            "table" => Some(Format::Table),
            _ => None,
        }
    }
}

/// The widest a table cell gets before it is cut with `…`.
const MAX_CELL: usize = 48;

/// A cell's text: strings as they are, absent as empty, anything else as compact JSON.
fn cell(record: &Value, column: &str) -> String {
    match record.get(column) {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    }
}

fn fit(text: &str, width: usize) -> String {
    let text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let count = text.chars().count();
    if count <= width {
        format!("{text}{}", " ".repeat(width - count))
    } else {
        let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// Writes a list as it pages: [`page`](Self::page) for each page, then [`finish`](Self::finish).
pub struct ListWriter<W: Write> {
    format: Format,
    columns: Vec<String>,
    out: W,
    written: usize,
    widths: Option<Vec<usize>>,
}

impl<W: Write> ListWriter<W> {
    /// A writer of records with these table/CSV columns.
    pub fn new(format: Format, columns: Vec<String>, out: W) -> Self {
        ListWriter {
            format,
            columns,
            out,
            written: 0,
            widths: None,
        }
    }

    /// Records written so far.
    pub fn written(&self) -> usize {
        self.written
    }

    fn csv_row(&mut self, cells: &[String]) -> io::Result<()> {
        let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
        writer.write_record(cells).map_err(io::Error::other)?;
        let bytes = writer
            .into_inner()
            .map_err(|e| io::Error::other(e.to_string()))?;
        self.out.write_all(&bytes)
    }

    fn table_row(&mut self, cells: &[String]) -> io::Result<()> {
        let widths = self.widths.clone().unwrap_or_default();
        let line: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(text, width)| fit(text, *width))
            .collect();
        writeln!(self.out, "{}", line.join("  ").trim_end())
    }

    /// Writes one page of records and flushes.
    pub fn page(&mut self, records: &[Value]) -> io::Result<()> {
        for record in records {
            let columns = self.columns.clone();
            let cells = || -> Vec<String> { columns.iter().map(|c| cell(record, c)).collect() };
            match self.format {
                Format::Json => {
                    let sep = if self.written == 0 { "[\n  " } else { ",\n  " };
                    write!(self.out, "{sep}{record}")?;
                }
                Format::Ndjson => writeln!(self.out, "{record}")?,
                Format::Csv => {
                    if self.written == 0 {
                        let header = self.columns.clone();
                        self.csv_row(&header)?;
                    }
                    let row = cells();
                    self.csv_row(&row)?;
                }
                Format::Table => {
                    if self.widths.is_none() {
                        // Widths from the first page; later pages cut what is wider.
                        let widths = self
                            .columns
                            .iter()
                            .map(|c| {
                                records
                                    .iter()
                                    .map(|r| cell(r, c).chars().count())
                                    .chain([c.chars().count()])
                                    .max()
                                    .unwrap_or(0)
                                    .min(MAX_CELL)
                            })
                            .collect();
                        self.widths = Some(widths);
                        let header: Vec<String> =
                            self.columns.iter().map(|c| c.to_uppercase()).collect();
                        self.table_row(&header)?;
                    }
                    let row = cells();
                    self.table_row(&row)?;
                }
            }
            self.written += 1;
        }
        self.out.flush()
    }

    /// Ends the list (closes the JSON array; an empty table says so on stderr).
    pub fn finish(mut self) -> io::Result<()> {
        match self.format {
            Format::Json if self.written == 0 => writeln!(self.out, "[]")?,
            Format::Json => writeln!(self.out, "\n]")?,
            Format::Csv if self.written == 0 => {
                let header = self.columns.clone();
                self.csv_row(&header)?;
            }
            Format::Table if self.written == 0 => eprintln!("(no records)"),
            _ => {}
        }
        self.out.flush()
    }
}

/// Writes one record: pretty JSON, one NDJSON line, a CSV header and row, or a two-column table
/// of every field (the command's columns first).
pub fn write_one(
    format: Format,
    columns: &[String],
    record: &Value,
    mut out: impl Write,
) -> io::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, record)?;
            writeln!(out)?;
        }
        Format::Ndjson | Format::Csv => {
            let mut list = ListWriter::new(format, columns.to_vec(), &mut out);
            list.page(std::slice::from_ref(record))?;
            list.finish()?;
        }
        Format::Table => match record.as_object() {
            None => writeln!(out, "{record}")?,
            Some(fields) => {
                let mut keys: Vec<&String> = columns
                    .iter()
                    .filter(|c| fields.contains_key(c.as_str()))
                    .collect();
                keys.extend(fields.keys().filter(|k| !columns.contains(k)));
                let width = keys.iter().map(|k| k.len()).max().unwrap_or(0);
                for key in keys {
                    let value = cell(record, key);
                    writeln!(out, "{key:<width$}  {value}")?;
                }
            }
        },
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn render(format: Format, pages: &[Vec<Value>]) -> String {
        let mut out = Vec::new();
        let mut list = ListWriter::new(format, vec!["id".into(), "name".into()], &mut out);
        for page in pages {
            list.page(page).unwrap();
        }
        list.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn formats_stream_pages() {
        let pages = vec![
            vec![json!({"id": "a", "name": "x,y"})],
            vec![json!({"id": "b", "name": null, "n": 1})],
        ];
        let json: Value = serde_json::from_str(&render(Format::Json, &pages)).unwrap();
        assert_eq!(json.as_array().unwrap().len(), 2);
        assert_eq!(render(Format::Ndjson, &pages).lines().count(), 2);
        assert_eq!(render(Format::Csv, &pages), "id,name\na,\"x,y\"\nb,\n");
        assert_eq!(render(Format::Table, &pages), "ID  NAME\na   x,y\nb\n");
        assert_eq!(render(Format::Json, &[]), "[]\n");
    }

    #[test]
    fn wide_cells_are_cut() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("a\nb", 4), "a b ");
    }
}
