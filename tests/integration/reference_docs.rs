//! README.md's reference tables against the schemas the code reads with:
//! `handbook.toml` (`config::SCHEMA`), each page kind's front matter
//! (`kinds::schema`), and the fields every page has. A key added, renamed or
//! retyped in one and not the other fails here, so the docs cannot drift.

use std::path::Path;

use handbook::fields::Field;
use handbook::kinds::Kind;

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md")
}

/// The rows of the first table after `heading` (a line of README.md), as
/// cells, header and separator left out.
fn table_after(readme: &str, heading: &str) -> Vec<Vec<String>> {
    let start = readme
        .find(heading)
        .unwrap_or_else(|| panic!("README.md has no {heading:?}"));
    readme[start..]
        .lines()
        .map(str::trim)
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

/// The names in backticks in `cell`.
fn ticked(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// `handbook.toml`'s key cell for a schema row: `` `[git] edit_url`, `history_url` ``.
fn config_cell(field: &Field) -> String {
    let mut names: Vec<String> = field.keys.iter().map(|k| format!("`{k}`")).collect();
    if !field.table.is_empty() {
        match names.first_mut() {
            Some(first) => *first = format!("`[{}] {}`", field.table, first.trim_matches('`')),
            None => names.push(format!("`[{}]`", field.table)),
        }
    }
    names.join(", ")
}

#[test]
fn the_handbook_toml_table_is_the_config_schema() {
    let rows = table_after(&readme(), "## `handbook.toml`");
    let documented: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| (r[0].clone(), r[1].clone(), r[2].clone()))
        .collect();
    let declared: Vec<(String, String, String)> = handbook::config::SCHEMA
        .iter()
        .map(|f| (config_cell(f), f.ty.to_string(), f.default.to_string()))
        .collect();
    assert_eq!(documented, declared, "README.md's handbook.toml table");
}

/// A kind's table against its schema: the keys of each row (other
/// spellings may be documented too), its type, and the keys of the tables it
/// holds named in its meaning.
fn check_kind_table(readme: &str, heading: &str, kind: Kind) {
    let rows = table_after(readme, heading);
    let schema = handbook::kinds::schema(kind);
    let top: Vec<&Field> = schema.iter().filter(|f| f.table.is_empty()).collect();
    // A row whose first cell names no key (`number | from the file name`)
    // documents something the tool works out, not a field.
    let keyed: Vec<&Vec<String>> = rows.iter().filter(|r| r[0].contains('`')).collect();
    assert_eq!(
        keyed.len(),
        top.len(),
        "{heading}: README rows {:?}",
        keyed.iter().map(|r| &r[0]).collect::<Vec<_>>()
    );
    for (row, field) in keyed.iter().zip(&top) {
        let names = ticked(&row[0]);
        for key in field.keys {
            assert!(
                names.iter().any(|n| n == key),
                "{heading}: `{key}` in {:?}",
                row[0]
            );
        }
        for name in &names {
            assert!(
                field.keys.contains(&name.as_str()) || field.also.contains(&name.as_str()),
                "{heading}: README names `{name}`, which the {} schema does not read",
                kind.name()
            );
        }
        assert_eq!(
            row[1], field.ty,
            "{heading}: the type of `{}`",
            field.keys[0]
        );
        for nested in schema.iter().filter(|f| f.table == field.keys[0]) {
            let named = ticked(&row[2]);
            for key in nested.keys {
                assert!(
                    named.iter().any(|n| n == key),
                    "{heading}: `{}` rows need `{key}` in {:?}",
                    field.keys[0],
                    row[2]
                );
            }
        }
    }
}

#[test]
fn each_kind_table_is_its_schema() {
    let readme = readme();
    check_kind_table(&readme, "### Architecture decision records", Kind::Adr);
    check_kind_table(&readme, "### Runbooks", Kind::Runbook);
    check_kind_table(
        &readme,
        "### After-action reviews and retrospectives",
        Kind::Aar,
    );
    check_kind_table(&readme, "- The charter (`charter.md`)", Kind::Charter);
    check_kind_table(&readme, "- The channel guide", Kind::Channels);
}

#[test]
fn the_front_matter_example_shows_every_common_field() {
    let readme = readme();
    let start = readme.find("## Front matter").expect("Front matter");
    let block: String = readme[start..]
        .lines()
        .skip_while(|l| !l.starts_with("```toml"))
        .skip(1)
        .take_while(|l| !l.starts_with("```"))
        .collect::<Vec<_>>()
        .join("\n");
    for key in handbook::kinds::COMMON_FIELDS {
        assert!(
            block.lines().any(|l| l.starts_with(&format!("{key} = "))),
            "the front matter example lacks `{key}`"
        );
    }
}
