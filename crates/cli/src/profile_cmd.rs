//! `connkeeper profile ...`

use connkeeper_core::profiles::Profiles;
use connkeeper_core::secrets::SecretStore;
use connkeeper_core::validate::Draft;

use crate::args::{AddArgs, EditArgs, ProfileCmd};
use crate::exit::{Exit, Failure};
use crate::io::Io;
use crate::output::{errln, esc, outln};
use crate::{ask, output, token};

pub fn run<S: SecretStore>(
    profiles: &Profiles<S>,
    cmd: ProfileCmd,
    io: &mut Io,
) -> Result<Exit, Failure> {
    match cmd {
        ProfileCmd::Add(a) => add(profiles, a, io),
        ProfileCmd::List(f) => {
            let views = profiles.list()?;
            if f.json {
                output::json(io, &views)?;
            } else {
                output::profile_table(io, &views)?;
            }
            Ok(Exit::Ok)
        }
        ProfileCmd::Show { name, json } => {
            let p = profiles.find(&name)?;
            let v = profiles.view(&p)?;
            if json.json {
                output::json(io, &v)?;
            } else {
                output::profile_block(io, &v, profiles.secrets().store_name())?;
            }
            Ok(Exit::Ok)
        }
        ProfileCmd::Edit(e) => edit(profiles, e, io),
        ProfileCmd::Delete { name, yes } => delete(profiles, &name, yes, io),
    }
}

fn add<S: SecretStore>(profiles: &Profiles<S>, a: AddArgs, io: &mut Io) -> Result<Exit, Failure> {
    let mut draft = Draft {
        name: a.name,
        description: a.description,
        application: a.application.code().to_owned(),
        host: a.host,
        email: a.email,
        token: None,
        expires: a.expires,
    };
    // Check the fields before asking for the token, so a typo costs no paste.
    let mut draft_errors = match profiles.check(&draft, None) {
        Err(connkeeper_core::Error::Validation(errors)) => errors,
        Err(other) => return Err(other.into()),
        Ok(_) => Vec::new(),
    };
    draft_errors.retain(|e| e.field != connkeeper_core::validate::Field::Token);
    if !draft_errors.is_empty() {
        return Err(connkeeper_core::Error::Validation(draft_errors).into());
    }
    draft.token = Some(token::for_create(io, a.token_stdin)?);
    let saved = profiles.create(&draft)?;
    output::warnings(io, &saved.warnings);
    if a.json {
        output::json(io, &saved.profile)?;
    } else {
        outln!(
            io,
            "Created profile \"{}\" ({}); token stored in {}.",
            esc(&saved.profile.name),
            esc(&saved.profile.host),
            profiles.secrets().store_name()
        );
    }
    Ok(Exit::Ok)
}

fn edit<S: SecretStore>(profiles: &Profiles<S>, e: EditArgs, io: &mut Io) -> Result<Exit, Failure> {
    let current = profiles.find(&e.profile)?;
    let mut draft = Draft::from_profile(&current);
    let mut changed = false;
    let mut set = |slot: &mut String, v: Option<String>| {
        if let Some(v) = v {
            *slot = v;
            changed = true;
        }
    };
    set(&mut draft.name, e.name);
    set(
        &mut draft.application,
        e.application.map(|a| a.code().to_owned()),
    );
    set(&mut draft.host, e.host);
    set(&mut draft.email, e.email);
    set(&mut draft.expires, e.expires);
    if let Some(d) = e.description {
        draft.description = Some(d);
        changed = true;
    }
    if e.token_stdin {
        draft.token = Some(token::from_stdin(io)?);
        changed = true;
    }
    if !changed {
        return Err(Failure::usage(
            "nothing to change: give at least one of --name, --description, --application, --host, --email, --expires, --token-stdin",
        ));
    }
    let saved = profiles.update(current.id, &draft)?;
    output::warnings(io, &saved.warnings);
    if e.json {
        output::json(io, &saved.profile)?;
    } else {
        outln!(io, "Updated profile \"{}\".", esc(&saved.profile.name));
    }
    Ok(Exit::Ok)
}

fn delete<S: SecretStore>(
    profiles: &Profiles<S>,
    name: &str,
    yes: bool,
    io: &mut Io,
) -> Result<Exit, Failure> {
    let p = profiles.find(name)?;
    if !yes {
        if !io.input.is_terminal() {
            return Err(Failure::usage(
                "refusing to delete without confirmation: add --yes",
            ));
        }
        let question = format!(
            "Delete profile \"{}\" ({}) and its API token? [y/N] ",
            esc(&p.name),
            esc(&p.host)
        );
        if !ask::yes(io, &question) {
            errln!(io, "Nothing deleted.");
            return Ok(Exit::Usage);
        }
    }
    let removed = profiles.delete(p.id)?;
    outln!(
        io,
        "Deleted profile \"{}\" and its API token.",
        esc(&removed.name)
    );
    Ok(Exit::Ok)
}
