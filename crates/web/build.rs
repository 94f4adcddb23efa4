//! Embeds every Fluent file under `locales/` and every file under `static/` into the binary,
//! so a new locale file or asset needs no code change.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    // Read at run time: `env!` would fix the path of the checkout that compiled this script,
    // and cargo reuses the compiled script for another checkout sharing the target directory.
    let manifest_dir =
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest_dir).join("../..");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));

    let locales = root.join("locales");
    println!("cargo:rerun-if-changed={}", locales.display());
    let mut code = String::from("/// (language, file name, contents) of every Fluent file.\n");
    code.push_str("pub static FILES: &[(&str, &str, &str)] = &[\n");
    for language in sorted_entries(&locales) {
        println!("cargo:rerun-if-changed={}", language.display());
        let lang = file_name(&language);
        for file in sorted_entries(&language) {
            if file.extension().is_some_and(|e| e == "ftl") {
                let _ = writeln!(
                    code,
                    "    ({lang:?}, {:?}, include_str!({:?})),",
                    file_name(&file),
                    file.canonicalize()
                        .expect("locale file path")
                        .display()
                        .to_string()
                );
            }
        }
    }
    code.push_str("];\n");
    std::fs::write(out.join("locales.rs"), code).expect("write locales.rs");

    let assets = root.join("static");
    let mut code = String::from("/// (URL path under /static/, contents) of every static file.\n");
    code.push_str("pub static FILES: &[(&str, &[u8])] = &[\n");
    embed_dir(&assets, &assets, &mut code);
    code.push_str("];\n");
    std::fs::write(out.join("assets.rs"), code).expect("write assets.rs");
}

fn embed_dir(base: &Path, dir: &Path, code: &mut String) {
    println!("cargo:rerun-if-changed={}", dir.display());
    for entry in sorted_entries(dir) {
        if entry.is_dir() {
            embed_dir(base, &entry, code);
        } else if entry.extension().is_some_and(|e| e != "md") {
            let relative = entry.strip_prefix(base).expect("file under static/");
            let _ = writeln!(
                code,
                "    ({:?}, include_bytes!({:?})),",
                relative.to_string_lossy().replace('\\', "/"),
                entry
                    .canonicalize()
                    .expect("asset path")
                    .display()
                    .to_string()
            );
        }
    }
}

/// Lists a directory sorted by path. A directory that cannot be read fails the build, since a
/// binary without its translations or assets would only show message ids.
fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let reader = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", dir.display()));
    let mut entries: Vec<PathBuf> = reader
        .map(|entry| {
            entry
                .unwrap_or_else(|error| panic!("cannot read {}: {error}", dir.display()))
                .path()
        })
        .collect();
    entries.sort();
    entries
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
