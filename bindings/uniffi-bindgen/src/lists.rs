//! The paginated list endpoints of the uniffi `Client`, read from the library's metadata: what
//! the per-language resource generators (`python_lists.rs`, `kotlin_lists.rs`,
//! `swift_lists.rs`) turn into `client.<resource>.list(...)`.
//!
//! A list endpoint is a `Client` method named `list_<resource>` that returns a pager object
//! (declared with `lists!` in `core/src/uniffi_api/pager.rs`). Its parameters are path ids
//! (strings), then at most one filter record, then `page: PageOptions`.

use crate::names::{pascal_case, snake_case};
use anyhow::{bail, Context, Result};
use camino::Utf8Path;
use std::collections::{BTreeMap, BTreeSet};
use uniffi_meta::{EnumMetadata, FieldMetadata, Metadata, MethodMetadata, RecordMetadata, Type};

/// The resources whose class the hand-written layer extends with more calls than `list`
/// (Python and Kotlin: the generated class derives from `<Resource>Operations`; Swift: the
/// hand-written code adds an `extension`).
pub const EXTENDED: &[&str] = &["Indexes", "Profiles", "WorkflowRuns"];

/// Filter fields that carry a workflow state's wire value: Kotlin and Swift take a `RunState`.
pub const RUN_STATE_FIELDS: &[(&str, &str)] = &[("WorkflowRunFilter", "state")];

/// A filter field that is a list of records of two strings (`conditions: Vec<AttributeMatch {
/// attribute, value }>`): each language takes it as its ordered map (Python `Mapping`, Kotlin
/// `Map`, Swift `KeyValuePairs`).
pub struct Pairs {
    /// The record, e.g. `AttributeMatch`.
    pub record: String,
    /// Its first field (the map's key), e.g. `attribute`.
    pub key: String,
    /// Its second field (the map's value), e.g. `value`.
    pub value: String,
}

/// What a filter field is, as each language's parameter needs it.
pub enum FieldKind<'a> {
    /// A workflow state's wire value (see [`RUN_STATE_FIELDS`]).
    RunState,
    /// A list of string pairs, taken as a map (see [`Pairs`]).
    Pairs(&'a Pairs),
    /// `Option<String>`.
    OptionalString,
    /// `Option<bool>`.
    OptionalBool,
    /// `Option<i32>`.
    OptionalInt32,
    /// `Option<i64>`.
    OptionalInt64,
    /// `Option<Timestamp>`.
    OptionalTimestamp,
    /// `HashMap<String, String>`.
    StringMap,
    /// `Vec<String>`.
    StringList,
}

/// One `Client.list_<resource>` method.
pub struct ListEndpoint {
    /// The uniffi method name, e.g. `list_campaign_drafts`.
    pub method: String,
    /// The resource, snake case: `campaign_drafts`.
    pub resource: String,
    /// The doc comment of the method.
    pub doc: String,
    /// The path ids, in order (`index_id`).
    pub ids: Vec<String>,
    /// The filter record, if the list takes one.
    pub filter: Option<RecordMetadata>,
    /// The pager object, e.g. `CampaignPager`.
    pub pager: String,
    /// The page record the pager returns, e.g. `CampaignPage`.
    pub page: String,
    /// The item record, e.g. `Campaign`.
    pub item: String,
    /// The filter fields taken as maps, by field name (see [`Pairs`]).
    pub pairs: BTreeMap<String, Pairs>,
}

impl ListEndpoint {
    /// The resource class: `CampaignDrafts`.
    pub fn class(&self) -> String {
        pascal_case(&self.resource)
    }

    /// True when the hand-written layer adds calls to this resource's class.
    pub fn extended(&self) -> bool {
        EXTENDED.contains(&self.class().as_str())
    }

    /// The filter's fields (none without a filter).
    pub fn filter_fields(&self) -> &[FieldMetadata] {
        self.filter.as_ref().map_or(&[], |f| f.fields.as_slice())
    }

    /// True when `field` of this list's filter is a workflow state (see [`RUN_STATE_FIELDS`]).
    pub fn is_run_state(&self, field: &str) -> bool {
        let filter = self.filter.as_ref().map_or("", |f| f.name.as_str());
        RUN_STATE_FIELDS.contains(&(filter, field))
    }

    /// What `field` of this list's filter is; an error for a type no generator maps.
    pub fn field_kind(&self, field: &FieldMetadata) -> Result<FieldKind<'_>> {
        if self.is_run_state(&field.name) {
            return Ok(FieldKind::RunState);
        }
        if let Some(pairs) = self.pairs(&field.name) {
            return Ok(FieldKind::Pairs(pairs));
        }
        Ok(match &field.ty {
            Type::Optional { inner_type } => match inner_type.as_ref() {
                Type::String => FieldKind::OptionalString,
                Type::Boolean => FieldKind::OptionalBool,
                Type::Int32 => FieldKind::OptionalInt32,
                Type::Int64 => FieldKind::OptionalInt64,
                Type::Custom { name, .. } if name == "Timestamp" => FieldKind::OptionalTimestamp,
                other => bail!(
                    "{}: no parameter for a filter field of type Option<{other:?}>",
                    field.name
                ),
            },
            Type::Map {
                key_type,
                value_type,
            } if **key_type == Type::String && **value_type == Type::String => FieldKind::StringMap,
            Type::Sequence { inner_type } if **inner_type == Type::String => FieldKind::StringList,
            other => bail!(
                "{}: no parameter for a filter field of type {other:?}",
                field.name
            ),
        })
    }

    /// The map form of `field` of this list's filter, if it is a list of string pairs.
    pub fn pairs(&self, field: &str) -> Option<&Pairs> {
        self.pairs.get(field)
    }

    /// The first sentence of the method's doc, for attribute docs: "Lists segments (`GET
    /// /segments`)".
    pub fn summary(&self) -> String {
        first_sentence(&self.doc)
    }
}

/// Everything the generators need from the metadata.
pub struct Schema {
    pub records: BTreeMap<String, RecordMetadata>,
    pub enums: BTreeMap<String, EnumMetadata>,
    pub methods: Vec<MethodMetadata>,
    pub lists: Vec<ListEndpoint>,
}

impl Schema {
    /// Reads the uniffi metadata of `library`.
    pub fn read(library: &str) -> Result<Schema> {
        let metadata = uniffi_bindgen::macro_metadata::extract_from_library(Utf8Path::new(library))
            .with_context(|| format!("reading the uniffi metadata of {library}"))?;
        let mut records = BTreeMap::new();
        let mut enums = BTreeMap::new();
        let mut methods = Vec::new();
        for item in metadata {
            match item {
                Metadata::Record(record) => {
                    records.insert(record.name.clone(), record);
                }
                Metadata::Enum(e) => {
                    enums.insert(e.name.clone(), e);
                }
                Metadata::Method(method) => methods.push(method),
                _ => {}
            }
        }
        let mut lists = Vec::new();
        for method in methods.iter().filter(|m| m.self_name == "Client") {
            let Some(resource) = method.name.strip_prefix("list_") else {
                continue;
            };
            let Some(Type::Object { name: pager, .. }) = &method.return_type else {
                continue; // a list that is not paginated (list_ingest_jobs)
            };
            lists.push(list_endpoint(&records, &methods, method, resource, pager)?);
        }
        lists.sort_by(|a, b| a.method.cmp(&b.method));
        Ok(Schema {
            records,
            enums,
            methods,
            lists,
        })
    }

    /// The item records of the lists and every record they contain, sorted by name.
    pub fn item_records(&self) -> Vec<&RecordMetadata> {
        let mut names = BTreeSet::new();
        for list in &self.lists {
            self.collect(&list.item, &mut names);
        }
        names.iter().filter_map(|n| self.records.get(n)).collect()
    }

    /// Adds `name` and every record it contains to `names`.
    pub fn collect(&self, name: &str, names: &mut BTreeSet<String>) {
        if !names.insert(name.to_owned()) {
            return;
        }
        if let Some(record) = self.records.get(name) {
            for field in &record.fields {
                for nested in record_names(&field.ty) {
                    self.collect(&nested, names);
                }
            }
        }
    }

    /// The distinct pagers, with a list that uses each.
    pub fn pagers(&self) -> Vec<&ListEndpoint> {
        let mut seen = BTreeSet::new();
        self.lists
            .iter()
            .filter(|l| seen.insert(l.pager.clone()))
            .collect()
    }
}

/// The records a type refers to.
fn record_names(ty: &Type) -> Vec<String> {
    match ty {
        Type::Record { name, .. } => vec![name.clone()],
        Type::Optional { inner_type }
        | Type::Sequence { inner_type }
        | Type::Box { inner_type } => record_names(inner_type),
        Type::Map { value_type, .. } => record_names(value_type),
        _ => Vec::new(),
    }
}

fn list_endpoint(
    records: &BTreeMap<String, RecordMetadata>,
    methods: &[MethodMetadata],
    method: &MethodMetadata,
    resource: &str,
    pager: &str,
) -> Result<ListEndpoint> {
    let name = &method.name;
    let mut ids = Vec::new();
    let mut filter = None;
    let mut page_seen = false;
    for input in &method.inputs {
        match &input.ty {
            Type::String if filter.is_none() && !page_seen => ids.push(input.name.clone()),
            Type::Record { name: record, .. } if record == "PageOptions" => page_seen = true,
            Type::Record { name: record, .. } if filter.is_none() && !page_seen => {
                let record = records
                    .get(record)
                    .with_context(|| format!("{name}: no record {record}"))?;
                filter = Some(record.clone());
            }
            other => bail!(
                "{name}: unexpected parameter {} of type {other:?}",
                input.name
            ),
        }
    }
    if !page_seen {
        bail!("{name}: a list takes `page: PageOptions` last");
    }
    let next_page = methods
        .iter()
        .find(|m| m.self_name == pager && m.name == "next_page")
        .with_context(|| format!("{pager} has no next_page"))?;
    let page = match &next_page.return_type {
        Some(Type::Optional { inner_type }) => match inner_type.as_ref() {
            Type::Record { name, .. } => name.clone(),
            other => bail!("{pager}.next_page returns {other:?}"),
        },
        other => bail!("{pager}.next_page returns {other:?}"),
    };
    let items = records
        .get(&page)
        .and_then(|r| r.fields.iter().find(|f| f.name == "items"))
        .with_context(|| format!("{page} has no items"))?;
    let item = match &items.ty {
        Type::Sequence { inner_type } => match inner_type.as_ref() {
            Type::Record { name, .. } => name.clone(),
            other => bail!("{page}.items holds {other:?}, not records"),
        },
        other => bail!("{page}.items is {other:?}"),
    };
    let mut pairs = BTreeMap::new();
    for field in filter.iter().flat_map(|f| &f.fields) {
        if let Type::Sequence { inner_type } = &field.ty {
            if let Type::Record { name: record, .. } = inner_type.as_ref() {
                if let Some(RecordMetadata { fields, .. }) = records.get(record) {
                    if let [key, value] = fields.as_slice() {
                        if key.ty == Type::String && value.ty == Type::String {
                            pairs.insert(
                                field.name.clone(),
                                Pairs {
                                    record: record.clone(),
                                    key: key.name.clone(),
                                    value: value.name.clone(),
                                },
                            );
                        }
                    }
                }
            }
        }
    }
    Ok(ListEndpoint {
        pairs,
        method: name.clone(),
        resource: snake_case(&pascal_case(resource)),
        doc: method
            .docstring
            .clone()
            .with_context(|| format!("{name} has no doc comment"))?,
        ids,
        filter,
        pager: pager.to_owned(),
        page,
        item,
    })
}

/// A doc comment's first paragraph, on one line.
pub fn first_paragraph(doc: &str) -> String {
    let paragraph = doc.split("\n\n").next().unwrap_or("");
    paragraph.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A doc comment's first sentence (without its full stop).
pub fn first_sentence(doc: &str) -> String {
    let paragraph = first_paragraph(doc);
    let end = paragraph.find(". ").unwrap_or(paragraph.len());
    paragraph[..end].trim_end_matches('.').to_owned()
}
