//! The contract with the UI: the commands of `command_list.rs` as data (their TypeScript
//! form is `crate::schema`, generated in tests by the same macro). `contract_tests.rs` writes the
//! capability file and `ui/js/gen/` from the list and checks the running handler.

/// One command of `command_list.rs`.
#[derive(Debug, Clone, Copy)]
pub struct Command {
    pub name: &'static str,
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
    pub use connkeeper_core::export::Exported;
    pub use connkeeper_core::export::Format;
    pub use connkeeper_core::import::{ImportPreview, ImportReport};
    pub use connkeeper_core::jira::{AuditPurpose, AuditReport};
    pub use connkeeper_core::model::ProfileView;
    pub use connkeeper_core::org::{OrgDraft, OrgSync, OrgView};
    pub use connkeeper_core::profiles::Saved;
    pub use connkeeper_core::requirements::RequirementsView;
    pub use connkeeper_core::rotation::{RotateRequest, RotationOutcome, RotationPlan};
    pub use connkeeper_core::settings::Settings;
    pub use connkeeper_core::validate::{Draft, FieldError};
}
