//! Profile operations over the store and the keyring, keeping the two consistent:
//! the keyring entry is written first and removed (or restored) when the metadata
//! cannot be saved; a delete removes the token first, so no orphan secret remains.
//! The CLI and the desktop app both go through here.

use std::cell::Cell;
use std::sync::Arc;

use secrecy::SecretString;

use crate::binding::{self, Binding, Opened};
use crate::clock::Clock;
use crate::error::Error;
use crate::jira::ClientConfig;
use crate::model::{Dated, Profile, ProfileId, ProfileView};
use crate::secrets::SecretStore;
use crate::store::ProfileStore;
use crate::validate::{self, Draft, FieldError, Mode, Rules};

/// The result of a create or update: the saved profile and any cautions.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Saved {
    pub profile: ProfileView,
    pub warnings: Vec<FieldError>,
}

/// Profile operations for one data folder and one keyring service.
pub struct Profiles<S> {
    store: ProfileStore,
    secrets: S,
    clock: Arc<dyn Clock>,
    allow_loopback_http: bool,
    client: ClientConfig,
}

impl<S> std::fmt::Debug for Profiles<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Profiles")
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}

impl<S: SecretStore> Profiles<S> {
    pub fn new(store: ProfileStore, secrets: S, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            secrets,
            clock,
            allow_loopback_http: false,
            client: ClientConfig::default(),
        }
    }

    /// Accept `http://127.0.0.1:PORT` / `http://localhost:PORT` hosts (local test servers),
    /// in profiles and in the Jira client.
    pub fn allow_loopback_http(mut self, yes: bool) -> Self {
        self.allow_loopback_http = yes;
        self.client.allow_loopback_http = yes;
        self
    }

    /// The Jira client's tuning for audits (the loopback switch stays this one's).
    pub fn with_client(mut self, client: ClientConfig) -> Self {
        self.client = ClientConfig {
            allow_loopback_http: self.allow_loopback_http,
            ..client
        };
        self
    }

    /// The Jira client's tuning for audits.
    pub fn client(&self) -> &ClientConfig {
        &self.client
    }

    /// The settings of this data folder.
    pub fn settings(&self) -> crate::settings::SettingsStore {
        crate::settings::SettingsStore::new(self.store.dir())
    }

    /// Whether loopback `http://` hosts are accepted.
    pub fn loopback_allowed(&self) -> bool {
        self.allow_loopback_http
    }

    pub fn store(&self) -> &ProfileStore {
        &self.store
    }

    pub fn secrets(&self) -> &S {
        &self.secrets
    }

    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// Every profile as stored, in file order.
    pub fn load(&self) -> Result<Vec<Profile>, Error> {
        Ok(self.store.load()?)
    }

    /// Every profile's view, most urgent expiry first, then by name.
    pub fn list(&self) -> Result<Vec<ProfileView>, Error> {
        let profiles = self.load()?;
        let today = self.clock.today();
        let mut views = match self.secrets.stored_ids()? {
            Some(stored) => profiles
                .iter()
                .map(|p| {
                    ProfileView::new(p, today, stored.contains(&p.id))
                        .with_failure(crate::health::last_failure(self, p.id))
                })
                .collect(),
            None => profiles
                .iter()
                .map(|p| self.view(p))
                .collect::<Result<Vec<_>, _>>()?,
        };
        views.sort_by(|a, b| {
            a.expires
                .cmp(&b.expires)
                .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
        });
        Ok(views)
    }

    /// Every profile's expiry, most urgent first, from the store alone (no keyring call).
    pub fn dated(&self) -> Result<Vec<Dated>, Error> {
        Ok(self.dated_from(&self.load()?))
    }

    /// The expiry of `profiles` as of today, most urgent first.
    pub fn dated_from(&self, profiles: &[Profile]) -> Vec<Dated> {
        let today = self.clock.today();
        let mut dated: Vec<Dated> = profiles.iter().map(|p| Dated::new(p, today)).collect();
        dated.sort_by_key(Dated::urgency);
        dated
    }

    /// The view of one profile (asks the keyring whether its token is stored).
    pub fn view(&self, p: &Profile) -> Result<ProfileView, Error> {
        let stored = self.secrets.contains(p.id)?;
        Ok(ProfileView::new(p, self.clock.today(), stored)
            .with_failure(crate::health::last_failure(self, p.id)))
    }

    /// Finds a profile for a person's argument: by id first, then by name (ignoring case).
    /// Commands that receive an id from a program use [`Profiles::get`].
    pub fn find(&self, name_or_id: &str) -> Result<Profile, Error> {
        let profiles = self.load()?;
        find_in(&profiles, name_or_id)
            .cloned()
            .ok_or_else(|| Error::ProfileNotFound {
                name_or_id: name_or_id.to_owned(),
            })
    }

    /// The profile with this id; never a name lookup.
    pub fn get(&self, id: ProfileId) -> Result<Profile, Error> {
        by_id(&self.load()?, id).cloned()
    }

    /// The stored token of profile `id`, as it may be sent: only when its keyring item
    /// is bound to the profile's host and email (or not bound yet). `None` when no token
    /// is stored; [`Error::TokenBindingMismatch`] when the item is for something else.
    pub fn token(&self, id: ProfileId) -> Result<Option<SecretString>, Error> {
        let profile = self.get(id)?;
        match self.stored_token(&profile) {
            Ok(released) => Ok(Some(released.token)),
            Err(Error::TokenMissing { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The token stored for `p`, released only for `p`'s own host and email: the
    /// keyring item must be a profile token bound to them, or an item of an older
    /// version bound to nothing yet (`bound: false`).
    pub(crate) fn stored_token(&self, p: &Profile) -> Result<Released, Error> {
        if !p.id.is_profile_id() {
            return Err(self.mismatch(p));
        }
        let stored = self.secrets.get(p.id)?.ok_or_else(|| Error::TokenMissing {
            name: p.name.clone(),
        })?;
        match binding::open(&stored) {
            Opened::Bound(b, token) if b.allows(&Binding::profile(&p.host, &p.email)) => {
                Ok(Released { token, bound: true })
            }
            Opened::Unbound(token) => Ok(Released {
                token,
                bound: false,
            }),
            Opened::Bound(..) | Opened::Unreadable => {
                tracing::warn!(profile = %p.id, "the keyring item is bound to another host, account or kind; not sent");
                Err(self.mismatch(p))
            }
        }
    }

    fn mismatch(&self, p: &Profile) -> Error {
        Error::TokenBindingMismatch {
            name: p.name.clone(),
            host: p.host.clone(),
        }
    }

    /// Stores `token` for profile `id`, bound to `host` and `email`.
    pub(crate) fn put_token(
        &self,
        id: ProfileId,
        host: &str,
        email: &str,
        token: &SecretString,
    ) -> Result<(), Error> {
        let sealed = binding::seal(&Binding::profile(host, email), token);
        Ok(self.secrets.set(id, &sealed)?)
    }

    /// Binds profile `p`'s keyring item to its host and email when it is not bound yet
    /// (an item of an older version): after a successful audit, or an edit the user
    /// saved. A bound item is left as it is.
    pub(crate) fn bind_if_unbound(&self, p: &Profile) -> Result<bool, Error> {
        match self.secrets.get(p.id)? {
            Some(stored) => self.bind_unbound(p, &stored),
            None => Ok(false),
        }
    }

    /// [`Self::bind_if_unbound`] for the item `stored` already read.
    fn bind_unbound(&self, p: &Profile, stored: &SecretString) -> Result<bool, Error> {
        let Opened::Unbound(token) = binding::open(stored) else {
            return Ok(false);
        };
        self.put_token(p.id, &p.host, &p.email, &token)?;
        tracing::info!(profile = %p.id, "keyring item bound to the profile's host and email");
        Ok(true)
    }

    /// Validates a draft against the current profiles without saving anything
    /// (`editing` names the profile being edited, if any).
    pub fn check(
        &self,
        draft: &Draft,
        editing: Option<ProfileId>,
    ) -> Result<Vec<FieldError>, Error> {
        let profiles = self.load()?;
        let editing = match editing {
            Some(id) => Some(by_id(&profiles, id)?),
            None => None,
        };
        self.validate(draft, &profiles, editing).map(|v| v.warnings)
    }

    /// Validates `draft` as a new profile (`editing` None) or as an edit of `editing`:
    /// then the date rules of an edit apply and the stored token stays bound to the
    /// stored host and email.
    fn validate(
        &self,
        draft: &Draft,
        profiles: &[Profile],
        editing: Option<&Profile>,
    ) -> Result<validate::Valid, Error> {
        let editing_id = editing.map(|p| p.id);
        let others: Vec<&str> = profiles
            .iter()
            .filter(|p| Some(p.id) != editing_id)
            .map(|p| p.name.as_str())
            .collect();
        let rules = Rules {
            today: self.clock.today(),
            mode: editing.map_or(Mode::Create, |p| Mode::Edit {
                stored_expires: p.expires,
            }),
            allow_loopback_http: self.allow_loopback_http,
            other_names: &others,
            bound_to: editing.map(Profile::target),
        };
        validate::validate(draft, &rules).map_err(Error::Validation)
    }

    /// Creates a profile: validates, stores the token in the keyring, then the metadata.
    pub fn create(&self, draft: &Draft) -> Result<Saved, Error> {
        let token_written = Cell::new(None::<ProfileId>);
        let result = self.store.update(|profiles| {
            let valid = self.validate(draft, profiles, None)?;
            let token = valid.token.as_ref().expect("create requires a token");
            let now = self.clock.now();
            let profile = Profile {
                id: ProfileId::new(),
                name: valid.name,
                description: valid.description,
                application: valid.application,
                host: valid.host,
                email: valid.email,
                expires: valid.expires,
                created_at: now,
                updated_at: now,
                last_audit: None,
                confirmed_host: None,
                life: Default::default(),
                token_kind: None,
            };
            self.put_token(profile.id, &profile.host, &profile.email, token)?;
            token_written.set(Some(profile.id));
            profiles.push(profile.clone());
            Ok::<_, Error>((profile, valid.warnings))
        });
        match result {
            Ok((profile, warnings)) => {
                tracing::info!(profile = %profile.id, name = %profile.name, "profile created");
                Ok(Saved {
                    profile: ProfileView::new(&profile, self.clock.today(), true),
                    warnings,
                })
            }
            Err(e) => {
                if let Some(id) = token_written.get() {
                    if let Err(undo) = self.secrets.delete(id) {
                        tracing::error!(profile = %id, error = %undo, "could not remove the token after a failed save");
                    }
                }
                Err(e)
            }
        }
    }

    /// Updates a profile from a full draft. A draft without a token keeps the stored
    /// one; with a token, the entry is replaced (and restored if the save fails).
    pub fn update(&self, id: ProfileId, draft: &Draft) -> Result<Saved, Error> {
        let replaced = Cell::new(None::<Option<SecretString>>);
        let result = self.store.update(|profiles| {
            let idx = profiles
                .iter()
                .position(|p| p.id == id)
                .ok_or_else(|| not_found(id))?;
            let valid = self.validate(draft, profiles, Some(&profiles[idx]))?;
            if let Some(token) = &valid.token {
                let previous = self.secrets.get(id)?;
                self.put_token(id, &valid.host, &valid.email, token)?;
                replaced.set(Some(previous));
            } else if profiles[idx].target().same_as(&valid.host, &valid.email) {
                // An edit the user saved binds an item of an older version to what the
                // form showed.
                if let Some(stored) = self.secrets.get(id)? {
                    if self.bind_unbound(&profiles[idx], &stored)? {
                        replaced.set(Some(Some(stored)));
                    }
                }
            }
            let p = &mut profiles[idx];
            let host_changed = !p.target().same_as(&valid.host, &valid.email);
            if p.host != valid.host {
                p.confirmed_host = None;
            }
            p.name = valid.name;
            p.description = valid.description;
            p.application = valid.application;
            p.host = valid.host;
            p.email = valid.email;
            if p.expires != valid.expires {
                p.life.expires_source = crate::model::ExpiresSource::Manual;
            }
            p.expires = valid.expires;
            p.updated_at = self.clock.now();
            if host_changed || valid.token.is_some() {
                p.last_audit = None; // the last audit was of other credentials
                p.token_kind = None; // and a new token may be of the other kind
                p.life.atlassian = None; // what Atlassian said was of the old token
            }
            Ok::<_, Error>((p.clone(), valid.warnings))
        });
        match result {
            Ok((profile, warnings)) => {
                tracing::info!(profile = %profile.id, "profile updated");
                Ok(Saved {
                    profile: self.view(&profile)?,
                    warnings,
                })
            }
            Err(e) => {
                if let Some(previous) = replaced.take() {
                    self.put_back(id, previous);
                }
                Err(e)
            }
        }
    }

    /// Deletes a profile and its token (a missing token is fine).
    pub fn delete(&self, id: ProfileId) -> Result<Profile, Error> {
        let removed = self.store.update(|profiles| {
            let idx = profiles
                .iter()
                .position(|p| p.id == id)
                .ok_or_else(|| not_found(id))?;
            self.secrets.delete(id)?;
            Ok::<_, Error>(profiles.remove(idx))
        })?;
        if let Err(e) = std::fs::remove_file(crate::audit::report_path(self, id)) {
            if e.kind() != std::io::ErrorKind::NotFound {
                tracing::warn!(profile = %id, error = %e, "could not remove the audit report");
            }
        }
        crate::health::forget(self, id);
        tracing::info!(profile = %id, "profile deleted");
        Ok(removed)
    }

    /// Puts the keyring entry `id` back as it was before a change that could not be
    /// saved: the previous secret, or no entry.
    pub(crate) fn put_back(&self, id: ProfileId, previous: Option<SecretString>) {
        let undo = match previous {
            Some(old) => self.secrets.set(id, &old),
            None => self.secrets.delete(id),
        };
        if let Err(undo) = undo {
            tracing::error!(entry = %id, error = %undo, "could not restore a keyring entry after a failed save");
        }
    }

    /// Changes profile `id` in one locked load-modify-save of the store.
    pub(crate) fn change<T>(
        &self,
        id: ProfileId,
        f: impl FnOnce(&mut Profile) -> Result<T, Error>,
    ) -> Result<T, Error> {
        self.store.update(|profiles| f(by_id_mut(profiles, id)?))
    }
}

/// Profile `id` of a loaded list; never a name lookup.
pub(crate) fn by_id(list: &[Profile], id: ProfileId) -> Result<&Profile, Error> {
    list.iter()
        .find(|p| p.id == id)
        .ok_or_else(|| not_found(id))
}

/// Profile `id` of a loaded list, to change it.
pub(crate) fn by_id_mut(list: &mut [Profile], id: ProfileId) -> Result<&mut Profile, Error> {
    list.iter_mut()
        .find(|p| p.id == id)
        .ok_or_else(|| not_found(id))
}

fn not_found(id: ProfileId) -> Error {
    Error::ProfileNotFound {
        name_or_id: id.to_string(),
    }
}

/// A stored token released for its profile's own host and email.
pub(crate) struct Released {
    pub(crate) token: SecretString,
    /// Whether the keyring item is bound to that host and email (false: an item of an
    /// older version, bound on its next successful audit or saved edit).
    pub(crate) bound: bool,
}

/// The user's say on sending a token to a host outside Atlassian's domains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Consent {
    /// Not asked: such a host is [`Error::ConfirmationRequired`], which a face may ask about.
    NotAsked,
    /// Given beforehand for the host the profile names (the CLI's `--yes`).
    Beforehand,
    /// Given for exactly this host, as the user was shown it.
    For(String),
}

impl Consent {
    /// Whether this consent lets a token go to `host`: it must be the host the user was
    /// shown (the profile may have been edited while the question was open).
    pub fn covers(&self, host: &str) -> Result<(), Error> {
        match self {
            Consent::Beforehand => Ok(()),
            Consent::For(shown) if shown == host => Ok(()),
            Consent::For(shown) => Err(Error::Conflict(format!(
                "Nothing was sent: you confirmed {shown}, but the profile's host is now {host}. Try again."
            ))),
            Consent::NotAsked => Err(Error::ConfirmationRequired {
                host: host.to_owned(),
            }),
        }
    }

    /// `Beforehand` when `yes`, else `NotAsked`.
    pub fn from_yes(yes: bool) -> Self {
        if yes {
            Consent::Beforehand
        } else {
            Consent::NotAsked
        }
    }
}

/// Finds a profile by id first, then by name (ignoring case and surrounding spaces):
/// a profile whose name is another profile's id can never stand in for it.
pub fn find_in<'a>(profiles: &'a [Profile], name_or_id: &str) -> Option<&'a Profile> {
    let key = name_or_id.trim();
    if let Ok(id) = key.parse::<ProfileId>() {
        if let Some(p) = profiles.iter().find(|p| p.id == id) {
            return Some(p);
        }
    }
    let folded = key.to_lowercase();
    profiles.iter().find(|p| p.name.to_lowercase() == folded)
}

impl Draft {
    /// A draft holding a profile's current values (no token), to apply edits on.
    pub fn from_profile(p: &Profile) -> Self {
        Draft {
            name: p.name.clone(),
            description: p.description.clone(),
            application: p.application.code().to_owned(),
            host: p.host.clone(),
            email: p.email.clone(),
            token: None,
            expires: p.expires.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    //! Rollback between the keyring and the file, on the in-memory store (the same logic;
    //! tests/it/keyring.rs proves it on the real Secret Service).
    use super::*;
    use crate::clock::FixedClock;
    use crate::secrets::MemoryStore;
    use crate::store::fault::FAIL_NEXT_SAVE;
    use crate::ErrorKind;
    use secrecy::ExposeSecret;

    fn draft(token: &str) -> Draft {
        Draft {
            name: "Acme".into(),
            description: None,
            application: "jira".into(),
            host: "acme.atlassian.net".into(),
            email: "admin@acme.com".into(),
            token: Some(SecretString::from(token.to_owned())),
            expires: "2027-01-10".into(),
        }
    }

    fn profiles(dir: &std::path::Path) -> Profiles<Arc<MemoryStore>> {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        Profiles::new(
            ProfileStore::new(dir),
            Arc::new(MemoryStore::new()),
            Arc::new(FixedClock::on(today)),
        )
    }

    #[test]
    fn failed_metadata_write_removes_the_new_keyring_entry() {
        let dir = tempfile::tempdir().unwrap();
        let p = profiles(dir.path());
        FAIL_NEXT_SAVE.with(|f| f.set(true));
        let err = p
            .create(&draft("ATATT3xFfGF0-rollback-000001"))
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Store);
        assert!(p.load().unwrap().is_empty());
        assert!(p.secrets().is_empty(), "no orphan entry");
        // Without the fault the same create stores one entry: the check above can fail.
        p.create(&draft("ATATT3xFfGF0-rollback-000001")).unwrap();
        assert_eq!(p.secrets().len(), 1);
    }

    #[test]
    fn failed_metadata_write_restores_the_previous_token() {
        let dir = tempfile::tempdir().unwrap();
        let p = profiles(dir.path());
        let id = p
            .create(&draft("ATATT3xFfGF0-original-00001"))
            .unwrap()
            .profile
            .id;
        let mut d = Draft::from_profile(&p.find("Acme").unwrap());
        d.token = Some(SecretString::from("ATATT3xFfGF0-replacement-01".to_owned()));
        FAIL_NEXT_SAVE.with(|f| f.set(true));
        assert!(p.update(id, &d).is_err());
        assert_eq!(
            p.token(id).unwrap().unwrap().expose_secret(),
            "ATATT3xFfGF0-original-00001"
        );
        p.update(id, &d).unwrap();
        assert_eq!(
            p.token(id).unwrap().unwrap().expose_secret(),
            "ATATT3xFfGF0-replacement-01"
        );
    }

    #[test]
    fn a_refusing_keyring_writes_nothing_and_deletes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let p = profiles(dir.path());
        p.secrets().set_failing(true);
        let err = p.create(&draft("ATATT3xFfGF0-refused-000001")).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::KeyringUnavailable);
        assert!(p.load().unwrap().is_empty());
        p.secrets().set_failing(false);
        let id = p
            .create(&draft("ATATT3xFfGF0-refused-000001"))
            .unwrap()
            .profile
            .id;
        // A delete that cannot remove the token keeps the profile, so no secret is orphaned.
        p.secrets().set_failing(true);
        assert_eq!(
            p.delete(id).unwrap_err().kind(),
            ErrorKind::KeyringUnavailable
        );
        assert_eq!(p.load().unwrap().len(), 1);
        p.secrets().set_failing(false);
        p.delete(id).unwrap();
        assert!(p.load().unwrap().is_empty() && p.secrets().is_empty());
    }
}
