//! The contract with the UI: the commands of `command_list.rs` as data, and (in tests)
//! their TypeScript form. `contract_tests.rs` checks the capability file and the running
//! handler against the list and keeps `ui/js/gen/` current.

/// One command of `command_list.rs`.
#[derive(Debug, Clone, Copy)]
pub struct Command {
    pub name: &'static str,
    /// The doc comment lines of its entry.
    pub doc: &'static [&'static str],
    /// Its arguments as declared (snake_case).
    pub args: &'static [&'static str],
}

impl Command {
    /// The arguments as the UI passes them: Tauri expects each Rust name in camelCase.
    pub fn js_args(&self) -> Vec<String> {
        self.args.iter().map(|a| camel_case(a)).collect()
    }

    /// The permission granting it in `capabilities/` (`allow-list-profiles`).
    pub fn permission(&self) -> String {
        format!("allow-{}", self.name.replace('_', "-"))
    }
}

/// `run_id` -> `runId`, as Tauri renames command arguments.
pub fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The types `command_list.rs` names.
pub(crate) mod types {
    pub use connkeeper_core::export::Format;
    pub use connkeeper_core::import::ImportReport;
    pub use connkeeper_core::jira::{AuditPurpose, AuditReport};
    pub use connkeeper_core::model::ProfileView;
    pub use connkeeper_core::org::{OrgDraft, OrgSync, OrgView};
    pub use connkeeper_core::profiles::Saved;
    pub use connkeeper_core::rotation::{RotateRequest, RotationOutcome, RotationPlan};
    pub use connkeeper_core::settings::Settings;
    pub use connkeeper_core::ui::{Exported, ImportPreview, RequirementsView};
    pub use connkeeper_core::validate::{Draft, FieldError};
}

#[cfg(test)]
pub(crate) use ts::{exporters_of as ts_exporters, Arg, Signature};

#[cfg(test)]
mod ts {
    use ts_rs::{Config, Dependency, ExportError, TypeVisitor, TS};

    /// Writes one type's declaration file (and those of its dependencies).
    pub(crate) type Exporter = fn(&Config) -> Result<(), ExportError>;

    /// A command's argument in TypeScript.
    pub(crate) struct Arg {
        pub name: String,
        pub ts: String,
        pub optional: bool,
        pub deps: Vec<Dependency>,
        pub exporters: Vec<Exporter>,
    }

    impl Arg {
        pub(crate) fn new<T: TS + 'static>(cfg: &Config, name: &str) -> Self {
            let ts = T::name(cfg);
            Self {
                name: super::camel_case(name),
                optional: ts.ends_with(" | null"),
                ts,
                deps: deps_of::<T>(cfg),
                exporters: exporters_of::<T>(),
            }
        }
    }

    /// A command's signature in TypeScript.
    pub(crate) struct Signature {
        pub name: &'static str,
        pub args: Vec<Arg>,
        pub ok: String,
        pub deps: Vec<Dependency>,
        pub exporters: Vec<Exporter>,
    }

    impl Signature {
        pub(crate) fn new<T: TS + 'static>(
            cfg: &Config,
            name: &'static str,
            args: Vec<Arg>,
        ) -> Self {
            Self {
                name,
                args,
                ok: T::name(cfg),
                deps: deps_of::<T>(cfg),
                exporters: exporters_of::<T>(),
            }
        }
    }

    /// The declared types a type's TypeScript name refers to: itself, or what a wrapper
    /// (`Option`, `Vec`) wraps.
    fn deps_of<T: TS + 'static>(cfg: &Config) -> Vec<Dependency> {
        struct Collect<'a>(&'a Config, Vec<Dependency>);
        impl TypeVisitor for Collect<'_> {
            fn visit<U: TS + 'static + ?Sized>(&mut self) {
                match Dependency::from_ty::<U>(self.0) {
                    Some(d) => self.1.push(d),
                    None => U::visit_generics(self),
                }
            }
        }
        let mut c = Collect(cfg, Vec::new());
        c.visit::<T>();
        c.1
    }

    /// The exporters of every declared type `T` reaches (itself included).
    pub(crate) fn exporters_of<T: TS + 'static + ?Sized>() -> Vec<Exporter> {
        struct Collect(Vec<Exporter>);
        impl TypeVisitor for Collect {
            fn visit<U: TS + 'static + ?Sized>(&mut self) {
                if U::output_path().is_some() {
                    self.0.push(U::export_all);
                } else {
                    U::visit_dependencies(self);
                    U::visit_generics(self);
                }
            }
        }
        let mut c = Collect(Vec::new());
        c.visit::<T>();
        c.0
    }
}
