//! Tables: the rendering of anything "naturally tabular" (an array of maps), as text with
//! comfy-table and as an HTML table with inline styles (so it survives notebook sanitizers
//! and needs no stylesheet).

use std::fmt::Write as _;

use rhai::{Dynamic, Map};

use crate::script::convert::dynamic_to_json;

/// How a cell is highlighted: lab summaries mark steps good (pass), bad (fail) or warn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellStyle {
    Good,
    Bad,
    Warn,
}

impl CellStyle {
    pub fn parse(s: &str) -> Option<CellStyle> {
        match s {
            "good" => Some(CellStyle::Good),
            "bad" => Some(CellStyle::Bad),
            "warn" => Some(CellStyle::Warn),
            _ => None,
        }
    }

    fn css(self) -> &'static str {
        match self {
            CellStyle::Good => "background:#e6f4ea;color:#137333",
            CellStyle::Bad => "background:#fce8e6;color:#a50e0e",
            CellStyle::Warn => "background:#fef7e0;color:#8a5300",
        }
    }
}

/// One table cell: its text and an optional highlight.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub text: String,
    pub style: Option<CellStyle>,
}

impl Cell {
    pub fn plain(text: impl Into<String>) -> Cell {
        Cell { text: text.into(), style: None }
    }

    /// A script value as a cell. A map `#{ value, style }` (style "good" | "bad" | "warn")
    /// is a highlighted cell; strings show as they are, `()` as empty, nested maps and arrays
    /// as compact JSON, blobs as base64.
    pub fn from_dynamic(v: &Dynamic) -> Cell {
        if let Some(m) = v.read_lock::<Map>()
            && m.len() == 2
                && let (Some(value), Some(style)) = (m.get("value"), m.get("style").and_then(|s| s.clone().into_string().ok()))
                    && let Some(style) = CellStyle::parse(&style) {
                        return Cell { text: cell_text(value), style: Some(style) };
                    }
        Cell::plain(cell_text(v))
    }
}

fn cell_text(v: &Dynamic) -> String {
    if v.is_unit() {
        return String::new();
    }
    if let Some(s) = v.read_lock::<rhai::ImmutableString>() {
        return s.to_string();
    }
    if v.is_map() || v.is_array() || v.is_blob() {
        let j = dynamic_to_json(v);
        return match j {
            serde_json::Value::String(s) => s,
            j => j.to_string(),
        };
    }
    if let Some(ts) = v.read_lock::<crate::world::Timestamp>() {
        return ts.iso();
    }
    v.to_string()
}

/// A table with named columns. Build one with [`Table::from_rows`] from an array of maps.
#[derive(Clone, Debug, Default)]
pub struct Table {
    pub title: Option<String>,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// The rows as the maps they were built from, so scripts can index, iterate and filter
    /// a table like the array it came from (`t[0].Decision`, `for r in t`, `t.rows()`).
    pub source: Vec<Map>,
}

impl Table {
    /// Rows are maps; the columns are `columns` if given, else every key of every row in
    /// first-seen order (Rhai maps keep keys sorted, so that is alphabetical within a row).
    /// A row missing a column shows an empty cell. Every row must be a map.
    pub fn from_rows(rows: &[Dynamic], columns: Option<Vec<String>>) -> Result<Table, String> {
        let maps: Vec<Map> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| r.read_lock::<Map>().map(|m| m.clone()).ok_or_else(|| format!("table: row {i} is a {}, not a map", r.type_name())))
            .collect::<Result<_, _>>()?;
        let columns = columns.unwrap_or_else(|| {
            let mut cols: Vec<String> = Vec::new();
            for m in &maps {
                for k in m.keys() {
                    if !cols.iter().any(|c| c == k.as_str()) {
                        cols.push(k.to_string());
                    }
                }
            }
            cols
        });
        let rows = maps
            .iter()
            .map(|m| columns.iter().map(|c| m.get(c.as_str()).map(Cell::from_dynamic).unwrap_or_else(|| Cell::plain(""))).collect())
            .collect();
        Ok(Table { title: None, columns, rows, source: maps })
    }

    /// Highlights cells: `style(column, value)` picks a style for each cell (for tables built
    /// by the simulator, e.g. decisions in an access matrix), leaving the source rows as they are.
    pub fn styled(mut self, style: impl Fn(&str, &Dynamic) -> Option<CellStyle>) -> Table {
        for (row, src) in self.rows.iter_mut().zip(&self.source) {
            for (cell, col) in row.iter_mut().zip(&self.columns) {
                if let Some(v) = src.get(col.as_str())
                    && let Some(s) = style(col, v)
                {
                    cell.style = Some(s);
                }
            }
        }
        self
    }

    /// The source rows as an array of maps.
    pub fn rows_array(&self) -> rhai::Array {
        self.source.iter().map(|m| Dynamic::from_map(m.clone())).collect()
    }

    /// Whether `v` is an array of maps (the convention for tabular results).
    pub fn is_tabular(v: &Dynamic) -> bool {
        v.read_lock::<rhai::Array>().is_some_and(|a| !a.is_empty() && a.iter().all(|r| r.is_map()))
    }

    /// Text rendering (comfy-table, fixed layout: no terminal-width detection, so the output
    /// is the same everywhere). Highlighted cells get a marker: ✓ good, ✗ bad, ! warn.
    pub fn to_text(&self) -> String {
        let mut t = comfy_table::Table::new();
        t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(comfy_table::ContentArrangement::Disabled)
            .set_header(self.columns.iter().map(String::as_str));
        for row in &self.rows {
            t.add_row(row.iter().map(|c| match c.style {
                None => c.text.clone(),
                Some(CellStyle::Good) => format!("✓ {}", c.text),
                Some(CellStyle::Bad) => format!("✗ {}", c.text),
                Some(CellStyle::Warn) => format!("! {}", c.text),
            }));
        }
        match &self.title {
            Some(title) => format!("{title}\n{t}"),
            None => t.to_string(),
        }
    }

    /// HTML rendering: a plain `<table>` with inline styles.
    pub fn to_html(&self) -> String {
        let mut h = String::from("<table class=\"cloudbook-table\" style=\"border-collapse:collapse\">");
        if let Some(title) = &self.title {
            let _ = write!(h, "<caption style=\"text-align:left;font-weight:bold\">{}</caption>", escape_html(title));
        }
        h.push_str("<thead><tr>");
        for c in &self.columns {
            let _ = write!(h, "<th style=\"text-align:left\">{}</th>", escape_html(c));
        }
        h.push_str("</tr></thead><tbody>");
        for row in &self.rows {
            h.push_str("<tr>");
            for c in row {
                match c.style {
                    Some(s) => {
                        let _ = write!(h, "<td style=\"text-align:left;{}\">{}</td>", s.css(), escape_html(&c.text));
                    }
                    None => {
                        let _ = write!(h, "<td style=\"text-align:left\">{}</td>", escape_html(&c.text));
                    }
                }
            }
            h.push_str("</tr>");
        }
        h.push_str("</tbody></table>");
        h
    }
}

/// Tables are equal when they show the same thing (title, columns, cells).
impl PartialEq for Table {
    fn eq(&self, other: &Self) -> bool {
        self.title == other.title && self.columns == other.columns && self.rows == other.rows
    }
}

/// `for row in table { ... }` walks the source rows.
impl IntoIterator for Table {
    type Item = Dynamic;
    type IntoIter = std::vec::IntoIter<Dynamic>;
    fn into_iter(self) -> Self::IntoIter {
        self.rows_array().into_iter()
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(pairs: &[(&str, Dynamic)]) -> Dynamic {
        Dynamic::from_map(pairs.iter().map(|(k, v)| ((*k).into(), v.clone())).collect())
    }

    #[test]
    fn columns_are_the_union_of_keys_in_first_seen_order() {
        let rows = vec![row(&[("b", 1_i64.into()), ("a", "x".into())]), row(&[("c", true.into())])];
        let t = Table::from_rows(&rows, None).unwrap();
        assert_eq!(t.columns, ["a", "b", "c"]);
        assert_eq!(t.rows[0], vec![Cell::plain("x"), Cell::plain("1"), Cell::plain("")]);
        assert_eq!(t.rows[1][2], Cell::plain("true"));
    }

    #[test]
    fn explicit_columns_choose_and_order() {
        let rows = vec![row(&[("b", 1_i64.into()), ("a", "x".into())])];
        let t = Table::from_rows(&rows, Some(vec!["b".into(), "zz".into()])).unwrap();
        assert_eq!(t.columns, ["b", "zz"]);
        assert_eq!(t.rows[0], vec![Cell::plain("1"), Cell::plain("")]);
    }

    #[test]
    fn a_row_that_is_not_a_map_is_an_error() {
        let rows = vec![row(&[("a", 1_i64.into())]), Dynamic::from(3_i64)];
        assert_eq!(Table::from_rows(&rows, None).unwrap_err(), "table: row 1 is a i64, not a map");
    }

    #[test]
    fn styled_cells_and_nested_values() {
        let styled = row(&[("value", "PASS".into()), ("style", "good".into())]);
        let nested = Dynamic::from_array(vec![1_i64.into(), "two".into()]);
        let rows = vec![row(&[("step", styled), ("data", nested)])];
        let t = Table::from_rows(&rows, None).unwrap();
        assert_eq!(t.rows[0][0], Cell::plain(r#"[1,"two"]"#));
        assert_eq!(t.rows[0][1], Cell { text: "PASS".into(), style: Some(CellStyle::Good) });
        assert!(t.to_html().contains("background:#e6f4ea;color:#137333\">PASS</td>"));
        assert!(t.to_text().contains("✓ PASS"));
        // an unknown style is not a styled cell: the map shows as JSON
        let odd = row(&[("value", "x".into()), ("style", "loud".into())]);
        assert_eq!(Cell::from_dynamic(&odd), Cell::plain(r#"{"style":"loud","value":"x"}"#));
    }

    #[test]
    fn text_rendering_is_a_fixed_grid() {
        let rows = vec![row(&[("Name", "alice".into()), ("Age", 30_i64.into())])];
        let mut t = Table::from_rows(&rows, Some(vec!["Name".into(), "Age".into()])).unwrap();
        t.title = Some("People".into());
        let expected = "People\n┌───────┬─────┐\n│ Name  ┆ Age │\n╞═══════╪═════╡\n│ alice ┆ 30  │\n└───────┴─────┘";
        assert_eq!(t.to_text(), expected);
    }

    #[test]
    fn html_escapes_everything_user_supplied() {
        let rows = vec![row(&[("<k>", "a&b \"q\"".into())])];
        let h = Table::from_rows(&rows, None).unwrap().to_html();
        assert!(h.contains("<th style=\"text-align:left\">&lt;k&gt;</th>"));
        assert!(h.contains("a&amp;b &quot;q&quot;"));
        assert!(!h.contains("<k>"));
    }
}
