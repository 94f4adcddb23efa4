//! Embeds every Fluent file under `locales/` and every file under `static/` into the binary,
//! so a new locale file or asset needs no code change.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
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

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    entries.sort();
    entries
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
