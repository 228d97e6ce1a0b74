//! Writes the Python SDK's model classes from the library's uniffi metadata.
//!
//! The Python layer receives pages and results as one JSON text (the `*_json` twins) and builds
//! light `__slots__` objects from it, because uniffi's interpreted record lifting is slow. Those
//! classes are generated here instead of written by hand: their names, fields, types and docs
//! come from the uniffi records (which are the core's own models), and `RunState`'s wire values
//! from the core's `RunState::parse`. The JSON name of a field is its Rust name except for the
//! serde renames listed in [`RENAMES`]; generation checks every name against the core's serde
//! derive (a sample object built with these names must leave the model's `extra` empty), so a
//! rename missing here fails the generation instead of shipping a wrong key.

use crate::lists::Schema;
use crate::names::{kebab_case, screaming_snake_case, snake_case};
use anyhow::{bail, Context, Result};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use uniffi_meta::{EnumMetadata, RecordMetadata, Type};

/// The fields whose JSON name differs from the Rust name (serde `rename`): record, field, name.
const RENAMES: &[(&str, &str, &str)] = &[
    ("Workflow", "workflow_type", "type"),
    ("WorkflowError", "error_type", "type"),
];

/// How the Python layer gets a record.
enum Source {
    /// Built from the core's JSON (checked against the core's serde names).
    Json,
    /// Built from the uniffi record itself (keyword construction).
    Record,
}

/// The fields the uniffi layer adds to the core's JSON of a record (computed fields of a mirror).
const ADDED: &[(&str, &[&str])] = &[("Workflow", &["is_finished"])];

/// The records built from uniffi records (errors and callbacks carry them as records).
const FROM_RECORDS: &[&str] = &["DeprecationNotice", "RequestInfo"];

/// The records the Python layer exposes: the list items (from the list endpoints), the results
/// of the `*_json` twins (the records their typed twins return), everything these contain, and
/// [`FROM_RECORDS`]; sorted by name.
fn models(schema: &Schema) -> Vec<(String, Source)> {
    let methods = &schema.methods;
    let mut names: BTreeSet<String> = schema
        .item_records()
        .iter()
        .map(|r| r.name.clone())
        .collect();
    for method in methods.iter().filter(|m| m.self_name == "Client") {
        let Some(typed) = method.name.strip_suffix("_json") else {
            continue;
        };
        if let Some(twin) = methods
            .iter()
            .find(|m| m.self_name == "Client" && m.name == typed)
        {
            if let Some(Type::Record { name, .. }) = &twin.return_type {
                schema.collect(name, &mut names);
            }
        }
    }
    let mut models: Vec<(String, Source)> = names.into_iter().map(|n| (n, Source::Json)).collect();
    models.extend(FROM_RECORDS.iter().map(|n| (n.to_string(), Source::Record)));
    models
}

/// The JSON name of `field` of `record`.
fn wire_name<'a>(record: &str, field: &'a str) -> &'a str {
    RENAMES
        .iter()
        .find(|(r, f, _)| *r == record && *f == field)
        .map_or(field, |(_, _, wire)| wire)
}

/// A JSON object with every field of `record` set, under the names this generator uses.
fn sample(records: &BTreeMap<String, RecordMetadata>, record: &RecordMetadata) -> Result<Value> {
    let mut object = Map::new();
    for field in &record.fields {
        if is_extra(&field.name, &field.ty) {
            continue;
        }
        let value = sample_value(records, &field.ty)?;
        object.insert(wire_name(&record.name, &field.name).to_owned(), value);
    }
    Ok(Value::Object(object))
}

fn sample_value(records: &BTreeMap<String, RecordMetadata>, ty: &Type) -> Result<Value> {
    Ok(match ty {
        Type::Optional { inner_type } | Type::Box { inner_type } => {
            sample_value(records, inner_type)?
        }
        Type::Sequence { inner_type } => json!([sample_value(records, inner_type)?]),
        Type::Map { value_type, .. } => json!({"key": sample_value(records, value_type)?}),
        Type::Record { name, .. } => {
            let nested = records
                .get(name)
                .with_context(|| format!("no record {name}"))?;
            sample(records, nested)?
        }
        Type::Enum { name, .. } if name == "RunState" => json!("running"),
        Type::Custom { name, .. } if name == "Timestamp" => json!("2024-06-19T14:57:00Z"),
        Type::Custom { name, .. } if name == "JsonValue" => json!({"any": ["json"]}),
        Type::String => json!("text"),
        Type::Boolean => json!(true),
        Type::Int8 | Type::Int16 | Type::Int32 | Type::Int64 => json!(7),
        other => bail!("no sample value for {other:?}"),
    })
}

/// The forward-compatibility map every JSON model has (Python derives it from the JSON object).
fn is_extra(name: &str, ty: &Type) -> bool {
    name == "extra" && matches!(ty, Type::Custom { name, .. } if name == "Extra")
}

/// Reads the metadata of `library` and writes the Python module to `output`.
pub fn write(library: &str, output: &str) -> Result<()> {
    let schema = Schema::read(library)?;
    let records = &schema.records;
    let mut out = String::from(HEADER);
    let run_state = schema
        .enums
        .get("RunState")
        .context("the library has no RunState enum")?;
    write_run_state(&mut out, run_state)?;
    let models = models(&schema);
    let names: Vec<String> = models.iter().map(|(n, _)| format!("{n:?}")).collect();
    out.push('\n');
    write_all(
        &mut out,
        &[&["\"RunState\"".to_owned()][..], &names].concat(),
    )?;
    for (name, source) in &models {
        let record = records
            .get(name)
            .with_context(|| format!("the library has no {name} record"))?;
        write_record(&mut out, records, record, source)?;
    }
    std::fs::write(output, out).with_context(|| format!("writing {output}"))
}

const HEADER: &str = r#"# Generated by bindings/generate.sh from the uniffi metadata of libamperity (the core's
# models) and the core's JSON field names. Do not edit: tests/python.sh fails when this file
# differs from a fresh generation.
"""Typed result objects, built from the core's JSON text."""

from __future__ import annotations

import datetime as _dt
from typing import Any, Dict, Final, Iterator, List, Optional

from ._model_base import (
    _JsonModel,
    _Model,
    _new,
    _opt_time,
    _RunStateMethods,
    _state_name,
    _time,
    _utc,
)

"#;

fn write_run_state(out: &mut String, run_state: &EnumMetadata) -> Result<()> {
    writeln!(out, "\nclass RunState(_RunStateMethods):")?;
    writeln!(
        out,
        "    \"\"\"Wire values of workflow, task and feed states (``Workflow.state`` is a plain ``str``).\n"
    )?;
    writeln!(
        out,
        "    States are an open set: a value this SDK does not know is kept exactly as received.\n    \"\"\"\n"
    )?;
    for variant in &run_state.variants {
        if !variant.fields.is_empty() {
            continue; // `Other { value }`: any other string
        }
        let kebab = kebab_case(&variant.name);
        let state = amperity::RunState::parse(&kebab);
        if matches!(state, amperity::RunState::Other { .. }) {
            bail!("RunState::{} has no wire value {kebab:?}", variant.name);
        }
        if let Some(doc) = &variant.docstring {
            writeln!(out, "    #: {}", python_doc(doc))?;
        }
        // `Final` makes each constant its own `Literal` type for mypy, so it is accepted where
        // the filters take `RunStateName`.
        writeln!(
            out,
            "    {}: Final = {:?}",
            screaming_snake_case(&variant.name),
            state.as_str()
        )?;
    }
    Ok(())
}

fn write_record(
    out: &mut String,
    records: &BTreeMap<String, RecordMetadata>,
    record: &RecordMetadata,
    source: &Source,
) -> Result<()> {
    let name = &record.name;
    let has_extra = record.fields.iter().any(|f| is_extra(&f.name, &f.ty));
    let base = if has_extra { "_JsonModel" } else { "_Model" };
    writeln!(out, "\n\nclass {name}({base}):")?;
    let doc = record.docstring.as_deref().unwrap_or(name);
    writeln!(out, "    \"\"\"{}", python_doc_block(doc, "    ", 7))?;
    writeln!(out, "\n    Attributes:")?;
    for field in &record.fields {
        let doc = field.docstring.as_deref().unwrap_or("");
        let lead = format!("        {}: ", field.name);
        let text = python_doc_block(doc, "            ", lead.len());
        writeln!(out, "{lead}{text}")?;
    }
    writeln!(out, "    \"\"\"\n")?;
    // Stored fields; `extra` is derived from the JSON object (`_JsonModel`).
    let stored: Vec<_> = record
        .fields
        .iter()
        .filter(|f| !is_extra(&f.name, &f.ty))
        .collect();
    let slots: Vec<String> = stored.iter().map(|f| format!("{:?}", f.name)).collect();
    write_tuple(out, "__slots__", &slots, "")?;
    for field in &stored {
        writeln!(out, "    {}: {}", field.name, python_type(&field.ty)?)?;
    }
    let wire: Vec<String> = stored
        .iter()
        .map(|f| format!("{:?}", wire_name(name, &f.name)))
        .collect();
    if has_extra {
        writeln!(out)?;
        write_tuple(out, "_KNOWN", &wire, "frozenset")?;
    }
    // A record that is a list of items behaves like one.
    if let Some(items) = record.fields.iter().find(|f| f.name == "items") {
        if let Type::Sequence { inner_type } = &items.ty {
            let item = python_type(inner_type)?;
            writeln!(
                out,
                "\n    def __iter__(self) -> Iterator[{item}]:\n        return iter(self.items)"
            )?;
            writeln!(
                out,
                "\n    def __len__(self) -> int:\n        return len(self.items)"
            )?;
        }
    }
    write_record_builder(out, record, &stored, has_extra)?;
    let Source::Json = source else {
        return Ok(());
    };
    // Every name must be one the core's serde derive knows: nothing may land in `extra`.
    let mut sample = sample(records, record)?;
    let added = ADDED
        .iter()
        .find(|(r, _)| r == name)
        .map_or(&[][..], |(_, added)| *added);
    if let Value::Object(object) = &mut sample {
        object.retain(|key, _| !added.contains(&key.as_str()));
    }
    let unknown = match amperity::unknown_json_fields(name, sample) {
        Some(result) => result.with_context(|| format!("{name}: the core refused the sample"))?,
        None if has_extra => bail!(
            "{name} has an `extra` map but is not listed in core/src/models/mod.rs unknown_json_fields"
        ),
        None => Vec::new(),
    };
    if !unknown.is_empty() {
        bail!("{name}: the core does not know the JSON names {unknown:?}: add their serde renames to RENAMES");
    }
    writeln!(
        out,
        "\n\ndef {}(d: Dict[str, Any]) -> {name}:",
        builder_name(name)
    )?;
    writeln!(out, "    o = _new({name})\n    g = d.get")?;
    for field in &stored {
        let key = wire_name(name, &field.name);
        writeln!(out, "    o.{} = {}", field.name, from_json(&field.ty, key)?)?;
    }
    if has_extra {
        writeln!(out, "    o._json = d")?;
    }
    writeln!(out, "    return o")?;
    Ok(())
}

/// `__all__ = [...]`: on one line when it fits in 99 columns, else one name per line.
pub fn write_all(out: &mut String, names: &[String]) -> Result<()> {
    let one_line = format!("__all__ = [{}]", names.join(", "));
    if one_line.len() <= 99 {
        writeln!(out, "{one_line}")?;
    } else {
        writeln!(out, "__all__ = [")?;
        for name in names {
            writeln!(out, "    {name},")?;
        }
        writeln!(out, "]")?;
    }
    Ok(())
}

/// `    name = (a, b)` on one line when it fits in 99 columns, else one item per line; `call`
/// wraps the tuple (`frozenset(...)`).
pub fn write_tuple(out: &mut String, name: &str, items: &[String], call: &str) -> Result<()> {
    let (open, close) = if call.is_empty() {
        ("(".to_owned(), ")")
    } else {
        (format!("{call}(("), "))")
    };
    let one_line = match items {
        [only] => format!("    {name} = {open}{only},{close}"),
        _ => format!("    {name} = {open}{}{close}", items.join(", ")),
    };
    if one_line.len() <= 99 {
        writeln!(out, "{one_line}")?;
    } else {
        writeln!(out, "    {name} = {open}")?;
        for item in items {
            writeln!(out, "        {item},")?;
        }
        writeln!(out, "    {close}")?;
    }
    Ok(())
}

/// Writes `_<record>_rec(r)`, which builds the class from the uniffi record itself (for the
/// records that errors and a few calls carry as records, not as JSON text).
fn write_record_builder(
    out: &mut String,
    record: &RecordMetadata,
    stored: &[&uniffi_meta::FieldMetadata],
    has_extra: bool,
) -> Result<()> {
    let name = &record.name;
    writeln!(out, "\n\ndef {}_rec(r: Any) -> {name}:", builder_name(name))?;
    writeln!(out, "    o = _new({name})")?;
    for field in stored {
        let value = from_record(&field.ty, &format!("r.{}", field.name))?;
        writeln!(out, "    o.{} = {value}", field.name)?;
    }
    if has_extra {
        // Only the fields the model lacks are known here (see `raw`).
        writeln!(out, "    o._json = dict(r.extra)")?;
    }
    writeln!(out, "    return o")?;
    Ok(())
}

/// The Python expression that turns `value`, a field of a uniffi record, into the class's form.
fn from_record(ty: &Type, value: &str) -> Result<String> {
    Ok(match ty {
        Type::Optional { inner_type } => {
            let inner = from_record(inner_type, "v")?;
            if inner == "v" {
                value.to_owned()
            } else {
                format!("None if (v := {value}) is None else {inner}")
            }
        }
        Type::Sequence { inner_type } => {
            let inner = from_record(inner_type, "x")?;
            if inner == "x" {
                format!("list({value})")
            } else {
                format!("[{inner} for x in {value}]")
            }
        }
        Type::Record { name, .. } => format!("{}_rec({value})", builder_name(name)),
        Type::Enum { name, .. } if name == "RunState" => format!("_state_name({value})"),
        Type::Custom { name, .. } if name == "Timestamp" => format!("_utc({value})"),
        _ => value.to_owned(),
    })
}

/// The builder function of a record: `_segment`, `_audit_event`, `_ingest_job_list`.
pub fn builder_name(record: &str) -> String {
    format!("_{}", snake_case(record))
}

/// The Python expression that reads field `key` of the JSON object `d` as `ty`.
fn from_json(ty: &Type, key: &str) -> Result<String> {
    Ok(match ty {
        Type::Optional { inner_type } => match inner_type.as_ref() {
            Type::Custom { name, .. } if name == "Timestamp" => format!("_opt_time(g({key:?}))"),
            Type::Record { name, .. } => {
                format!(
                    "None if (v := g({key:?})) is None else {}(v)",
                    builder_name(name)
                )
            }
            _ => format!("g({key:?})"),
        },
        // Empty lists are left out of the JSON, and `null` is read as empty.
        Type::Sequence { inner_type } => match inner_type.as_ref() {
            Type::Record { name, .. } => {
                format!("[{}(x) for x in g({key:?}) or ()]", builder_name(name))
            }
            _ => format!("list(g({key:?}) or ())"),
        },
        Type::Custom { name, .. } if name == "Timestamp" => format!("_time(d[{key:?}])"),
        Type::Record { name, .. } => format!("{}(d[{key:?}])", builder_name(name)),
        _ => format!("d[{key:?}]"),
    })
}

pub fn python_type(ty: &Type) -> Result<String> {
    Ok(match ty {
        Type::String => "str".into(),
        Type::Boolean => "bool".into(),
        Type::Int8
        | Type::Int16
        | Type::Int32
        | Type::Int64
        | Type::UInt8
        | Type::UInt16
        | Type::UInt32
        | Type::UInt64 => "int".into(),
        Type::Float32 | Type::Float64 => "float".into(),
        Type::Optional { inner_type } => format!("Optional[{}]", python_type(inner_type)?),
        Type::Sequence { inner_type } => format!("List[{}]", python_type(inner_type)?),
        Type::Map {
            key_type,
            value_type,
        } => format!(
            "Dict[{}, {}]",
            python_type(key_type)?,
            python_type(value_type)?
        ),
        Type::Record { name, .. } => name.clone(),
        // Enums of the models (RunState) are their wire strings in Python.
        Type::Enum { .. } => "str".into(),
        Type::Custom { name, .. } if name == "Timestamp" => "_dt.datetime".into(),
        Type::Custom { name, .. } if name == "JsonValue" => "Any".into(),
        other => bail!("no Python type for {other:?}"),
    })
}

/// Rust doc text as Python doc text: one paragraph per blank line, inline code in double
/// backticks, intra-doc links as plain code.
pub fn python_doc(doc: &str) -> String {
    let mut text = doc.split_whitespace().collect::<Vec<_>>().join(" ");
    text = text.replace("[`", "`").replace("`]", "`");
    let mut out = String::new();
    let mut in_code = false;
    for c in text.chars() {
        if c == '`' {
            out.push_str("``");
            in_code = !in_code;
        } else {
            out.push(c);
        }
    }
    out
}

/// A doc of several paragraphs, wrapped at 99 columns; the first line starts at column `first`,
/// the others at `indent`.
pub fn python_doc_block(doc: &str, indent: &str, first: usize) -> String {
    let paragraphs: Vec<String> = doc
        .split("\n\n")
        .map(python_doc)
        .filter(|p| !p.is_empty())
        .collect();
    let mut out = String::new();
    for (index, paragraph) in paragraphs.iter().enumerate() {
        if index > 0 {
            out.push_str("\n\n");
            out.push_str(indent);
        }
        let mut line_len = if index == 0 { first } else { indent.len() };
        for (word_index, word) in paragraph.split(' ').enumerate() {
            if word_index > 0 {
                if line_len + 1 + word.len() > 99 {
                    out.push('\n');
                    out.push_str(indent);
                    line_len = indent.len();
                } else {
                    out.push(' ');
                    line_len += 1;
                }
            }
            out.push_str(word);
            line_len += word.len();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_docs() {
        assert_eq!(
            python_doc("Segment id, e.g. `seg-1`;\nsee [`RunState`]."),
            "Segment id, e.g. ``seg-1``; see ``RunState``."
        );
    }

    #[test]
    fn renames_are_the_core_serde_names() {
        let error = serde_json::from_value::<amperity::WorkflowError>(json!({
            wire_name("WorkflowError", "error_type"): "x", "message": "m"
        }))
        .unwrap();
        assert!(error.extra.is_empty() && error.error_type == "x");
        assert_eq!(wire_name("Segment", "id"), "id");
    }
}
