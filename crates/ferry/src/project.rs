//! What every command that reads the tree shares: the configuration (found
//! above the current folder, else above the given paths), the packs and
//! settings it and the flags select, the phases, and the files to work on.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use ferry_engine::{Pack, RuleSelection, Settings};
use ferry_report::{FileReport, ReportPhase, RuleInfo, ScanReport};
use ferry_workspace::{
    display_path, find_config, load_config, Config, DiscoverOptions, Discovered, PhasePlan, Walk,
};

use crate::cli::Selection;

/// The configuration, packs, settings and phases of one run.
pub struct Project {
    pub config: Option<Config>,
    pub plan: PhasePlan,
    pub packs: Vec<&'static Pack>,
    pub settings: Settings,
    pub cwd: PathBuf,
}

/// The files a command works on.
pub struct Inputs {
    pub discovered: Discovered,
}

impl Project {
    pub fn load(selection: &Selection) -> Result<Self> {
        let cwd = std::env::current_dir().context("cannot read the current directory")?;
        let config = match &selection.config {
            Some(file) => Some(load_config(file)?),
            None => find_project_config(&selection.paths, &cwd)?,
        };
        let packs = packs(config.as_ref(), &selection.pack)?;
        let settings = settings(selection, config.as_ref(), &packs)?;
        let plan = PhasePlan::new(config.as_ref(), &cwd);
        for name in &selection.phase {
            if plan.index_of(name).is_none() {
                let known: Vec<&str> = plan.phases().iter().map(|p| p.name.as_str()).collect();
                match &config {
                    Some(config) => bail!(
                        "--phase `{name}`: no such phase in {} (phases: {})",
                        display_path(&config.file, &cwd),
                        known.join(", ")
                    ),
                    None => bail!(
                        "--phase `{name}`: no ferry.toml or [tool.ferry] defines phases here (run `ferry init` to write one)"
                    ),
                }
            }
        }
        Ok(Self {
            config,
            plan,
            packs,
            settings,
            cwd,
        })
    }

    /// The packs and settings of the flags alone: no configuration, no
    /// phases (`ferry init`, which writes the first configuration).
    pub fn load_without_config(selection: &Selection, cwd: &Path) -> Result<Self> {
        let packs = packs(None, &selection.pack)?;
        let settings = settings(selection, None, &packs)?;
        Ok(Self {
            config: None,
            plan: PhasePlan::new(None, cwd),
            packs,
            settings,
            cwd: cwd.to_path_buf(),
        })
    }

    /// The walk over the selected paths, without what the configuration
    /// excludes and what is outside the selected phases. Nothing is read yet:
    /// a scan or a fix runs it and takes each file as the walk meets it.
    pub fn walk(&self, selection: &Selection) -> Result<Walk> {
        let roots = if selection.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            selection.paths.clone()
        };
        let options = DiscoverOptions {
            exclude: selection.exclude.clone(),
        };
        let phases: Vec<usize> = selection
            .phase
            .iter()
            .filter_map(|name| self.plan.index_of(name))
            .collect();
        let (plan, cwd) = (self.plan.clone(), self.cwd.clone());
        let keep = move |path: &Path| {
            !plan.is_excluded(path, &cwd)
                && (phases.is_empty() || phases.contains(&plan.phase_of(path, &cwd)))
        };
        Ok(Walk::new(&roots, &options)?.filter(keep))
    }

    /// The files of [`Project::walk`], listed and sorted before the run, for
    /// commands that need them all at once (plan, report, verify).
    pub fn inputs(&self, selection: &Selection) -> Result<Inputs> {
        let discovered = self.walk(selection)?.collect();
        self.note_skipped_notebooks(&discovered);
        Ok(Inputs { discovered })
    }

    /// What a finished walk met besides files: its notebooks are announced
    /// on stderr; the paths it could not read are returned as inputs with
    /// no files.
    pub fn walked(&self, walk: Walk) -> Inputs {
        let discovered = walk.into_notes();
        self.note_skipped_notebooks(&discovered);
        Inputs { discovered }
    }

    fn note_skipped_notebooks(&self, discovered: &Discovered) {
        if let Some(first) = discovered.skipped_notebooks.first() {
            let count = discovered.skipped_notebooks.len();
            let more = if count > 1 {
                format!(" and {} more", count - 1)
            } else {
                String::new()
            };
            crate::diag::note(format_args!(
                "skipped {count} Jupyter notebook{} (.ipynb is not supported yet; they are never changed): {}{more}",
                if count == 1 { "" } else { "s" },
                display_path(first, &self.cwd)
            ));
        }
    }

    /// The phase of a path as reports show it (relative to the current folder).
    pub fn phase_of_shown(&self, shown: &str) -> usize {
        self.plan.phase_of(Path::new(shown), &self.cwd)
    }

    pub fn report_phases(&self) -> Vec<ReportPhase> {
        self.plan
            .phases()
            .iter()
            .map(|phase| ReportPhase {
                name: phase.name.clone(),
                impact: phase.impact.clone(),
                description: phase.description.clone(),
                paths: phase.paths.clone(),
            })
            .collect()
    }

    /// The packs' rules (and the pin bump) as reports explain them.
    pub fn rule_infos(&self) -> Vec<RuleInfo> {
        let mut rules: Vec<RuleInfo> = self
            .packs
            .iter()
            .flat_map(|pack| {
                pack.rules.iter().map(|rule| RuleInfo {
                    code: rule.code().to_string(),
                    name: rule.rule.name().to_string(),
                    pack: pack.name.to_string(),
                    summary: rule.summary().to_string(),
                    doc: rule.doc().to_string(),
                })
            })
            .collect();
        rules.extend(self.packs.iter().filter_map(|pack| pin_bump_info(pack)));
        rules
    }

    /// `library version` for each library a report is about, as reports
    /// name the target: the packs given a target, and those a rule (or pin
    /// bump) of which is among `codes`, the codes the report's files hold;
    /// every pack when that leaves none (nothing found: what was checked).
    /// A project that never imports httpx is not told about httpx's pins.
    pub fn target_names(&self, codes: &std::collections::BTreeSet<&str>) -> Vec<String> {
        let concerns = |pack: &&&Pack| {
            self.settings.targets.contains_key(pack.library)
                || pack.rules.iter().any(|rule| codes.contains(rule.code()))
                || pack
                    .migration
                    .is_some_and(|m| codes.contains(m.pin_bump.code))
        };
        let about: Vec<&&Pack> = self.packs.iter().filter(concerns).collect();
        let packs = if about.is_empty() {
            self.packs.iter().collect()
        } else {
            about
        };
        packs
            .into_iter()
            .map(|pack| match self.settings.targets.get(pack.library) {
                Some(version) => format!("{} {version}", pack.library),
                None => format!(
                    "{}: what each file's project pins, else the newest release",
                    pack.library
                ),
            })
            .collect()
    }

    /// The project folder as shown; the current folder by its name.
    pub fn shown_root(&self) -> String {
        let shown = display_path(self.plan.root(), &self.cwd);
        if shown.is_empty() {
            self.plan
                .root()
                .file_name()
                .map_or_else(|| ".".to_string(), |n| n.to_string_lossy().to_string())
        } else {
            shown
        }
    }

    pub fn shown_config(&self) -> Option<String> {
        self.config
            .as_ref()
            .map(|c| display_path(&c.file, &self.cwd))
    }
}

/// A pack's pin bump (`WS900`), listed and explained with its rules.
pub fn pin_bump_info(pack: &Pack) -> Option<RuleInfo> {
    let bump = pack.migration?.pin_bump;
    Some(RuleInfo {
        code: bump.code.to_string(),
        name: bump.name.to_string(),
        pack: pack.name.to_string(),
        summary: bump.summary.to_string(),
        doc: format!("{}\n\n{}", bump.summary, bump.doc.trim()),
    })
}

/// Walk errors become error rows of the report, like unreadable files.
pub fn with_walk_errors(report: ScanReport, inputs: &Inputs, cwd: &Path) -> ScanReport {
    let mut files = report.files;
    for (path, reason) in &inputs.discovered.errors {
        files.push(FileReport::error(
            display_path(path, cwd),
            format!("cannot read: {reason}"),
        ));
    }
    ScanReport::new(files, report.files_scanned).with_pins(report.pins)
}

/// The configuration above the current folder; else the one above the
/// given paths, if they agree on one.
fn find_project_config(paths: &[PathBuf], cwd: &Path) -> Result<Option<Config>> {
    if let Some(config) = find_config(cwd)? {
        return Ok(Some(config));
    }
    let mut found: Option<Config> = None;
    for path in paths {
        let start = if path.is_dir() {
            path.clone()
        } else {
            path.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        let start = if start.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            start
        };
        let Some(config) = find_config(&start)? else {
            continue;
        };
        match &found {
            Some(previous) if previous.file != config.file => bail!(
                "the paths belong to different configurations ({} and {}): run Ferry on one project at a time, or choose one with --config",
                display_path(&previous.file, cwd),
                display_path(&config.file, cwd)
            ),
            _ => found = Some(config),
        }
    }
    Ok(found)
}

/// The packs `ferry rules` and `ferry explain` show: the configuration's
/// above the current folder (or every built-in pack), and `--pack` files.
pub fn listed_packs(pack_files: &[PathBuf]) -> Result<Vec<&'static Pack>> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let config = ferry_workspace::find_config(&cwd)?;
    packs(config.as_ref(), pack_files)
}

/// The packs of a run: the configuration's `packs` (built-in names, or
/// pack files relative to the configuration), else the default built-in
/// packs; then each `--pack` (a file, or a built-in pack's name). Two packs
/// may not share a rule code.
pub fn packs(config: Option<&Config>, pack_files: &[PathBuf]) -> Result<Vec<&'static Pack>> {
    let all = ferry_rules::all_packs();
    let mut packs: Vec<&'static Pack> = match config.and_then(|c| c.packs.as_ref()) {
        None => ferry_rules::default_packs().to_vec(),
        Some(names) => {
            let config = config.expect("packs come from a configuration");
            let folder = config.file.parent().unwrap_or(Path::new("."));
            names
                .iter()
                .map(|name| {
                    if is_pack_file(name) {
                        return ferry_packs::load_pack_file(&folder.join(name))
                            .map_err(anyhow::Error::from);
                    }
                    ferry_rules::pack(name).ok_or_else(|| {
                        let known: Vec<&str> = all.iter().map(|p| p.name).collect();
                        anyhow::anyhow!(
                            "{}: packs: no pack named `{name}` (packs: {}; a pack file is a path ending in `.toml`)",
                            config.file.display(),
                            known.join(", ")
                        )
                    })
                })
                .collect::<Result<_>>()?
        }
    };
    for file in pack_files {
        // A built-in pack's name (`--pack python`), where no such file is.
        let built_in = file
            .to_str()
            .filter(|name| !is_pack_file(name) && !file.exists())
            .and_then(ferry_rules::pack);
        match built_in {
            // Already loaded (a default pack): asking for it again is no error.
            Some(pack) if packs.iter().any(|p| std::ptr::eq(*p, pack)) => {}
            Some(pack) => packs.push(pack),
            None => packs.push(ferry_packs::load_pack_file(file)?),
        }
    }
    check_distinct(&packs)?;
    Ok(packs)
}

/// A `packs` entry that names a file rather than a built-in pack.
fn is_pack_file(entry: &str) -> bool {
    entry.ends_with(".toml") || entry.contains('/') || entry.contains('\\')
}

/// Rule codes (the pin bumps' too) and pack names are unique across a run's packs.
pub fn check_distinct(packs: &[&'static Pack]) -> Result<()> {
    let mut codes: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    let mut names = std::collections::HashSet::new();
    for pack in packs {
        if !names.insert(pack.name) {
            bail!("two packs are named `{}`: load each pack once", pack.name);
        }
        let pack_codes = pack
            .rules
            .iter()
            .map(|r| r.code())
            .chain(pack.migration.map(|m| m.pin_bump.code));
        for code in pack_codes {
            if let Some(other) = codes.insert(code, pack.name) {
                bail!(
                    "packs `{other}` and `{}` both have a rule `{code}`: give one of them another prefix",
                    pack.name
                );
            }
        }
    }
    Ok(())
}

fn settings(
    selection: &Selection,
    config: Option<&Config>,
    packs: &[&'static Pack],
) -> Result<Settings> {
    let normalize = |codes: &[String]| -> Vec<String> {
        codes
            .iter()
            .map(|s| s.trim().to_ascii_uppercase())
            .collect()
    };
    let mut settings = Settings {
        selection: RuleSelection {
            select: normalize(&selection.select),
            ignore: normalize(&selection.ignore),
        },
        ..Settings::default()
    };
    for prefix in settings
        .selection
        .select
        .iter()
        .chain(&settings.selection.ignore)
    {
        if prefix.is_empty() {
            bail!("`--select` and `--ignore` take rule codes or prefixes (`WS001`, `WS0`), and an empty one would match every rule: leave the flag out to run every rule");
        }
        let known = packs
            .iter()
            .flat_map(|p| p.rules.iter())
            .map(|r| r.code())
            .chain(
                packs
                    .iter()
                    .filter_map(|p| Some(p.migration?.pin_bump.code)),
            )
            .any(|code| code.starts_with(prefix.as_str()));
        if !known {
            bail!("no rule code starts with `{prefix}` (see `ferry rules`)");
        }
    }
    // The configuration's targets first; --target overrides them.
    if let Some(config) = config {
        for (library, version) in &config.target {
            let shown = config.file.display();
            if !packs.iter().any(|p| p.library == library) {
                bail!("{shown}: target: no pack migrates `{library}`");
            }
            let version = version
                .parse()
                .with_context(|| format!("{shown}: target: `{library} = \"{version}\"`"))?;
            settings.targets.insert(library.clone(), version);
        }
    }
    for target in &selection.target {
        let Some((library, version)) = target.split_once("==") else {
            bail!("--target `{target}`: expected LIB==VERSION, e.g. websockets==15.0.1");
        };
        let library = library.trim();
        if !packs.iter().any(|p| p.library == library) {
            bail!("--target `{target}`: no pack migrates `{library}`");
        }
        let version = version
            .parse()
            .with_context(|| format!("--target `{target}`"))?;
        settings.targets.insert(library.to_string(), version);
    }
    Ok(settings)
}
