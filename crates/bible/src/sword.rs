//! Installed SWORD modules: where SWORD keeps them, and their configuration.
//!
//! SWORD (and so `mod2imp`, which reads the modules) finds its module library
//! in this order: the folder `$SWORD_PATH` names; else the `DataPath` of the
//! first `sword.conf` among `~/.sword/sword.conf`, `~/sword/sword.conf`,
//! `/etc/sword.conf` and `/usr/local/etc/sword.conf` (Debian's libsword ships
//! `/etc/sword.conf` with `DataPath=/usr/share/sword/`), with that file's
//! `AugmentPath`s; and it always adds the personal libraries `~/.sword` and
//! `~/sword`. A library is a folder with a `mods.d` folder of `.conf` files,
//! one per module. Where no `sword.conf` names a library, the folders the
//! Debian packages install into (`/usr/share/sword`, `/usr/local/share/sword`)
//! are looked at instead.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// An installed SWORD module.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SwordModule {
    /// The module's name, e.g. `engWEB2015eb`.
    pub name: String,
    /// Its configuration file, `<library>/mods.d/<name>.conf`.
    pub conf: PathBuf,
}

/// Every SWORD module installed where SWORD finds modules (see
/// [`sword_libraries`]), by name; a module in two libraries is listed once,
/// from the first.
pub fn sword_modules() -> Vec<SwordModule> {
    let mut modules: Vec<SwordModule> = Vec::new();
    for conf in confs(&sword_libraries()) {
        if !modules
            .iter()
            .any(|m| m.name.eq_ignore_ascii_case(&conf.name))
        {
            modules.push(SwordModule {
                name: conf.name,
                conf: conf.path,
            });
        }
    }
    modules.sort_by(|a, b| a.name.cmp(&b.name));
    modules
}

/// The installed module called `name` (case-insensitive), if any.
pub fn find_sword_module(name: &str) -> Option<SwordModule> {
    sword_modules()
        .into_iter()
        .find(|m| m.name.eq_ignore_ascii_case(name))
}

/// The module libraries SWORD reads, in its order: `$SWORD_PATH`, or the
/// `DataPath` and `AugmentPath`s of the first `sword.conf`; then `~/.sword`
/// and `~/sword`. Only folders that hold a `mods.d` folder are listed.
pub fn sword_libraries() -> Vec<PathBuf> {
    libraries(&|name| std::env::var_os(name), SYSTEM_CONFS)
}

/// The system-wide `sword.conf` files, in SWORD's order.
const SYSTEM_CONFS: &[&str] = &["/etc/sword.conf", "/usr/local/etc/sword.conf"];

/// Where the Debian packages put modules, for a system without `sword.conf`.
const PACKAGED: &[&str] = &["/usr/share/sword", "/usr/local/share/sword"];

fn is_library(dir: &Path) -> bool {
    dir.join("mods.d").is_dir()
}

/// [`sword_libraries`] with the environment and the system-wide
/// `sword.conf` files given, for tests.
fn libraries(var: &dyn Fn(&str) -> Option<OsString>, system_confs: &[&str]) -> Vec<PathBuf> {
    let home = var("HOME").filter(|h| !h.is_empty()).map(PathBuf::from);
    let mut dirs: Vec<PathBuf> = Vec::new();
    match var("SWORD_PATH")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
    {
        Some(dir) if is_library(&dir) => dirs.push(dir),
        _ => {
            let personal = home
                .iter()
                .flat_map(|h| [h.join(".sword/sword.conf"), h.join("sword/sword.conf")]);
            let system = system_confs.iter().map(PathBuf::from);
            if let Some(text) = personal
                .chain(system)
                .find_map(|p| std::fs::read_to_string(p).ok())
            {
                dirs.extend(install_paths(&text));
            } else {
                dirs.extend(PACKAGED.iter().map(PathBuf::from));
            }
        }
    }
    if let Some(home) = &home {
        dirs.push(home.join(".sword"));
        dirs.push(home.join("sword"));
    }
    let mut seen = Vec::new();
    dirs.retain(|d| {
        is_library(d) && !seen.contains(d) && {
            seen.push(d.clone());
            true
        }
    });
    dirs
}

/// The `DataPath` and then the `AugmentPath`s of the `[Install]` section of a
/// `sword.conf`.
fn install_paths(text: &str) -> Vec<PathBuf> {
    let mut data = Vec::new();
    let mut augment = Vec::new();
    let mut install = false;
    for line in text.lines() {
        let line = line.trim();
        if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            install = section.eq_ignore_ascii_case("Install");
        } else if install && let Some((key, value)) = line.split_once('=') {
            let value = value.trim();
            match key.trim() {
                "DataPath" if !value.is_empty() => data.push(PathBuf::from(value)),
                "AugmentPath" if !value.is_empty() => augment.push(PathBuf::from(value)),
                _ => {}
            }
        }
    }
    data.truncate(1);
    data.extend(augment);
    data
}

/// A module's `.conf`: its `[Name]` and `Key=Value` lines.
#[derive(Debug, Default)]
pub(crate) struct Conf {
    pub(crate) name: String,
    pub(crate) path: PathBuf,
    pub(crate) entries: Vec<(String, String)>,
}

impl Conf {
    /// The value of `key` (case-insensitive), unless it is blank.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.trim().is_empty())
    }

    fn parse(path: &Path, text: &str) -> Option<Conf> {
        let mut conf = Conf {
            path: path.to_owned(),
            ..Conf::default()
        };
        let mut last: Option<usize> = None;
        for line in text.lines() {
            let line = line.trim_end();
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                if conf.name.is_empty() {
                    conf.name = name.to_owned();
                }
                continue;
            }
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            // A value ending with `\` continues on the next line.
            if let Some(i) = last {
                let value = &mut conf.entries[i].1;
                if value.ends_with('\\') {
                    value.pop();
                    value.push(' ');
                    value.push_str(line.trim());
                    continue;
                }
            }
            if let Some((k, v)) = line.split_once('=') {
                conf.entries
                    .push((k.trim().to_owned(), v.trim().to_owned()));
                last = Some(conf.entries.len() - 1);
            }
        }
        (!conf.name.is_empty()).then_some(conf)
    }
}

/// The module configurations of `libraries`, in order.
fn confs(libraries: &[PathBuf]) -> Vec<Conf> {
    let mut found = Vec::new();
    for library in libraries {
        let dir = library.join("mods.d");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "conf"))
            .collect();
        paths.sort();
        for path in paths {
            if let Ok(text) = std::fs::read_to_string(&path)
                && let Some(conf) = Conf::parse(&path, &text)
            {
                found.push(conf);
            }
        }
    }
    found
}

/// The configuration of the installed module `name`, or the names of those
/// that are installed.
pub(crate) fn find_conf(name: &str) -> Result<Conf, Vec<String>> {
    let confs = confs(&sword_libraries());
    let mut installed: Vec<String> = confs.iter().map(|c| c.name.clone()).collect();
    match confs
        .into_iter()
        .find(|c| c.name.eq_ignore_ascii_case(name))
    {
        Some(conf) => Ok(conf),
        None => {
            installed.sort();
            installed.dedup();
            Err(installed)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn library(root: &Path, name: &str, modules: &[&str]) -> PathBuf {
        let dir = root.join(name);
        std::fs::create_dir_all(dir.join("mods.d")).unwrap();
        for m in modules {
            std::fs::write(
                dir.join("mods.d")
                    .join(format!("{}.conf", m.to_ascii_lowercase())),
                format!("[{m}]\nModDrv=zText\n"),
            )
            .unwrap();
        }
        dir
    }

    #[test]
    fn sword_path_comes_first_and_home_is_added() {
        let root = tempfile::tempdir().unwrap();
        let custom = library(root.path(), "custom", &["Mine"]);
        let home = root.path().join("home");
        let personal = library(&home, ".sword", &["Personal"]);
        let env = |name: &str| match name {
            "SWORD_PATH" => Some(custom.clone().into_os_string()),
            "HOME" => Some(home.clone().into_os_string()),
            _ => None,
        };
        assert_eq!(libraries(&env, &[]), [custom.clone(), personal.clone()]);
        let names: Vec<String> = confs(&libraries(&env, &[]))
            .into_iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(names, ["Mine", "Personal"]);
    }

    #[test]
    fn sword_conf_names_the_library_and_its_augment_paths() {
        let root = tempfile::tempdir().unwrap();
        let data = library(root.path(), "data", &["One"]);
        let more = library(root.path(), "more", &["Two"]);
        let conf = root.path().join("sword.conf");
        std::fs::write(
            &conf,
            format!(
                "[Install]\nDataPath={}/\nAugmentPath={}\n",
                data.display(),
                more.display()
            ),
        )
        .unwrap();
        let conf = conf.to_string_lossy().into_owned();
        // A SWORD_PATH without modules is passed over, as SWORD does.
        let empty = root.path().join("empty");
        let env = |name: &str| (name == "SWORD_PATH").then(|| empty.clone().into_os_string());
        let found = libraries(&env, &[&conf]);
        assert_eq!(found, [data, more]);
    }

    #[test]
    fn a_continued_value_is_joined() {
        let conf = Conf::parse(
            Path::new("x.conf"),
            "[X]\nAbout=one\\\ntwo\nLang=en\n# comment\n",
        )
        .unwrap();
        assert_eq!(conf.get("About"), Some("one two"));
        assert_eq!(conf.get("lang"), Some("en"));
    }
}
