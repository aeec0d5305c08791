//! Expiry reminders: a pure engine that, given the profiles, the local time and what
//! already fired, says which reminders are due now and when to look again.
//!
//! Rules:
//! - thresholds are days before expiry (default 30, 14, 7, 3, 1 and 0 = on the day);
//!   a threshold is due from [`ReminderPolicy::hour`] o'clock local time on its date;
//! - once expired, one reminder a day until the date changes or the profile is deleted;
//! - each threshold fires once per (profile, expiry date); a new date starts over;
//! - after sleep or time off only the most urgent missed reminder of a profile fires;
//! - optional working-day shift: a reminder falling on a Saturday or Sunday fires the
//!   Friday before (and expired-daily reminders pause at weekends).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use serde::{Deserialize, Serialize};

use crate::model::{days_left, Application, Dated, Profile, ProfileId};
use crate::requirements::TOKEN_PAGE;
use crate::settings::{Settings, DEFAULT_THRESHOLDS};
use crate::store::{read_json, write_json, StoreError};

/// When and how to remind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderPolicy {
    /// Days before expiry, any order.
    pub thresholds: Vec<u32>,
    pub working_day_shift: bool,
    /// Local hour from which a day's reminder is due.
    pub hour: u32,
}

impl Default for ReminderPolicy {
    fn default() -> Self {
        Self {
            thresholds: DEFAULT_THRESHOLDS.to_vec(),
            working_day_shift: false,
            hour: 9,
        }
    }
}

impl From<&Settings> for ReminderPolicy {
    fn from(s: &Settings) -> Self {
        Self {
            thresholds: s.thresholds.clone(),
            working_day_shift: s.working_day_shift,
            ..Self::default()
        }
    }
}

/// What fired for one profile's current expiry date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fired {
    /// The expiry date these entries belong to.
    pub expires: NaiveDate,
    /// Thresholds (days before) already fired or passed over in a catch-up.
    pub thresholds: BTreeSet<u32>,
    /// The last day an "expired" reminder fired.
    pub last_expired_day: Option<NaiveDate>,
}

/// The persisted memory of what fired (`reminders.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ReminderState {
    pub fired: BTreeMap<ProfileId, Fired>,
}

/// Why a reminder fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "days")]
pub enum DueKind {
    /// A threshold: this many days before expiry (0 = the day itself).
    Before(u32),
    /// Already expired, this many days ago.
    Expired(u32),
}

/// What expires: a profile's API token, or the Atlassian organisation's API key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Subject {
    Token {
        name: String,
        application: Application,
        host: String,
    },
    OrgKey {
        org_id: String,
    },
}

impl Subject {
    /// How a list of reminders names it.
    pub fn label(&self) -> String {
        match self {
            Self::Token { name, .. } => name.clone(),
            Self::OrgKey { org_id } => format!("Atlassian organisation API key ({org_id})"),
        }
    }
}

/// An expiring credential as the reminder engine sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expiring {
    /// The key its fired reminders are remembered under (a profile's id).
    pub id: ProfileId,
    pub subject: Subject,
    pub expires: NaiveDate,
}

impl From<&Profile> for Expiring {
    fn from(p: &Profile) -> Self {
        Self {
            id: p.id,
            subject: Subject::Token {
                name: p.name.clone(),
                application: p.application,
                host: p.host.clone(),
            },
            expires: p.expires,
        }
    }
}

/// A reminder to show now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Due {
    pub id: ProfileId,
    pub subject: Subject,
    pub expires: NaiveDate,
    /// Whole days left today (negative once expired).
    pub days_left: i64,
    pub kind: DueKind,
}

/// The engine's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub due: Vec<Due>,
    /// The state to persist once the reminders were shown.
    pub state: ReminderState,
    /// When something can next become due (callers also wake at least hourly).
    pub next_check: DateTime<Utc>,
}

fn shift(date: NaiveDate, policy: &ReminderPolicy) -> NaiveDate {
    if !policy.working_day_shift {
        return date;
    }
    match date.weekday() {
        Weekday::Sat => date - Days::new(1),
        Weekday::Sun => date - Days::new(2),
        _ => date,
    }
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The instant `hour`:00 local on `date` (a time skipped by a DST change moves later).
pub fn local_instant<Tz: TimeZone>(tz: &Tz, date: NaiveDate, hour: u32) -> DateTime<Utc> {
    let mut t = date.and_time(NaiveTime::from_hms_opt(hour.min(23), 0, 0).expect("valid hour"));
    for _ in 0..4 {
        if let Some(dt) = tz.from_local_datetime(&t).earliest() {
            return dt.with_timezone(&Utc);
        }
        t += chrono::Duration::minutes(30);
    }
    date.and_time(NaiveTime::MIN).and_utc()
}

/// Computes the reminders due at `now` in time zone `tz` for `credentials`.
pub fn due_reminders<Tz: TimeZone>(
    now: DateTime<Utc>,
    tz: &Tz,
    credentials: &[Expiring],
    state: &ReminderState,
    policy: &ReminderPolicy,
) -> Outcome {
    let local_now = now.with_timezone(tz).naive_local();
    let today = local_now.date();
    // The day's reminders are due from `hour` o'clock.
    let effective_today =
        if local_now.time() >= NaiveTime::from_hms_opt(policy.hour.min(23), 0, 0).expect("hour") {
            Some(today)
        } else {
            today.pred_opt()
        };
    let mut thresholds: Vec<u32> = policy.thresholds.clone();
    thresholds.sort_unstable();
    thresholds.dedup();

    let mut due = Vec::new();
    let mut next_state = ReminderState::default();
    let mut next_dates: Vec<NaiveDate> = Vec::new();

    for p in credentials {
        let mut fired = match state.fired.get(&p.id) {
            Some(f) if f.expires == p.expires => f.clone(),
            _ => Fired {
                expires: p.expires,
                thresholds: BTreeSet::new(),
                last_expired_day: None,
            },
        };
        let left = days_left(p.expires, today);
        let mut kind = None;
        if let Some(day) = effective_today {
            if day > p.expires {
                // Expired: every threshold has passed; one reminder a day.
                fired.thresholds.extend(thresholds.iter().copied());
                let weekend_pause = policy.working_day_shift && is_weekend(day);
                if fired.last_expired_day.is_none_or(|d| d < day) && !weekend_pause {
                    fired.last_expired_day = Some(day);
                    let ago = u32::try_from((day - p.expires).num_days()).unwrap_or(u32::MAX);
                    kind = Some(DueKind::Expired(ago));
                }
            } else {
                // Thresholds whose (shifted) date has come and that have not fired.
                let mut reached: Vec<u32> = thresholds
                    .iter()
                    .copied()
                    .filter(|t| !fired.thresholds.contains(t))
                    .filter(|t| {
                        p.expires
                            .checked_sub_days(Days::new(u64::from(*t)))
                            .is_some_and(|d| shift(d, policy) <= day)
                    })
                    .collect();
                reached.sort_unstable();
                if let Some(most_urgent) = reached.first().copied() {
                    kind = Some(DueKind::Before(most_urgent));
                    fired.thresholds.extend(reached); // stale ones never fire later
                }
            }
        }
        if let Some(kind) = kind {
            due.push(Due {
                id: p.id,
                subject: p.subject.clone(),
                expires: p.expires,
                days_left: left,
                kind,
            });
        }
        // The next date this profile can fire on.
        let upcoming = thresholds
            .iter()
            .filter(|t| !fired.thresholds.contains(t))
            .filter_map(|t| {
                p.expires
                    .checked_sub_days(Days::new(u64::from(*t)))
                    .map(|d| shift(d, policy))
            })
            .filter(|d| Some(*d) > effective_today)
            .min();
        let after_expiry = p.expires.succ_opt().map(|d| {
            let tomorrow = today.succ_opt().unwrap_or(today);
            d.max(if effective_today == Some(today) {
                tomorrow
            } else {
                today
            })
        });
        next_dates.extend(upcoming.or(after_expiry));
        next_state.fired.insert(p.id, fired);
    }
    due.sort_by_key(|d| (d.days_left, d.subject.label().to_lowercase()));
    let next_check = next_dates
        .into_iter()
        .map(|d| local_instant(tz, d, policy.hour))
        .filter(|t| *t > now)
        .min()
        .unwrap_or_else(|| local_instant(tz, today.succ_opt().unwrap_or(today), policy.hour));
    Outcome {
        due,
        state: next_state,
        next_check,
    }
}

/// A notification's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    pub title: String,
    pub body: String,
}

fn when(d: &Due) -> String {
    match d.kind {
        DueKind::Expired(1) => "expired yesterday".to_owned(),
        DueKind::Expired(n) => format!("expired {n} days ago"),
        DueKind::Before(0) => "expires today".to_owned(),
        DueKind::Before(1) => "expires tomorrow".to_owned(),
        DueKind::Before(_) => format!("expires in {} days", d.days_left.max(0)),
    }
}

/// The notification for one due reminder: what expires, when, and what to do.
fn single(d: &Due) -> Notice {
    let verb = if d.days_left < 0 {
        "expired"
    } else {
        "expires"
    };
    match &d.subject {
        Subject::OrgKey { .. } => Notice {
            title: format!("Atlassian organisation API key {}", when(d)),
            body: format!(
                "The organisation API key {verb} on {}. Create a new key in admin.atlassian.com > Settings > API keys, then link it again in ConnKeeper.",
                d.expires
            ),
        },
        Subject::Token { name, application, host } => Notice {
            title: format!("API token {}", when(d)),
            body: format!(
                "{name} ({}, {host}): the token {verb} on {}. Rotate it in ConnKeeper: create a new token at {TOKEN_PAGE}; ConnKeeper verifies it before the old one goes.",
                application.display_name(),
                d.expires
            ),
        },
    }
}

/// The notifications for a batch of due reminders: one for a single profile, one
/// grouped notification for several.
pub fn notices(due: &[Due]) -> Vec<Notice> {
    match due {
        [] => Vec::new(),
        [d] => vec![single(d)],
        many => {
            let expired = many.iter().filter(|d| d.days_left < 0).count();
            let n = many.len();
            let what = if many
                .iter()
                .all(|d| matches!(d.subject, Subject::Token { .. }))
            {
                "API tokens"
            } else {
                "credentials"
            };
            let title = if expired == n {
                format!("{n} {what} have expired")
            } else if expired > 0 {
                format!("{n} {what} need attention")
            } else if many.iter().all(|d| d.days_left <= 7) {
                format!("{n} {what} expire this week")
            } else {
                format!("{n} {what} expire soon")
            };
            let lines: Vec<String> = many
                .iter()
                .map(|d| format!("{}: {} ({})", d.subject.label(), when(d), d.expires))
                .collect();
            vec![Notice {
                title,
                body: format!("{}\nReplace them in ConnKeeper.", lines.join("\n")),
            }]
        }
    }
}

/// The reminder state file's name inside the data folder.
pub const STATE_FILE: &str = "reminders.json";

#[derive(Serialize, Deserialize)]
struct StateFile {
    version: u32,
    #[serde(flatten)]
    state: ReminderState,
}

/// Reads and writes `reminders.json` (atomically).
#[derive(Debug, Clone)]
pub struct ReminderStore {
    dir: PathBuf,
}

impl ReminderStore {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(STATE_FILE)
    }

    /// The saved state; empty when there is none. A corrupt file is an error the caller
    /// reports, then computes reminders afresh from an empty state.
    pub fn load(&self) -> Result<ReminderState, StoreError> {
        Ok(read_json::<StateFile>(&self.path())?
            .map(|f| f.state)
            .unwrap_or_default())
    }

    pub fn save(&self, state: &ReminderState) -> Result<(), StoreError> {
        write_json(
            &self.path(),
            &StateFile {
                version: 1,
                state: state.clone(),
            },
        )
    }
}

/// One reminder check as the desktop's loop runs it.
#[derive(Debug, Clone)]
pub struct Check {
    /// Every profile's expiry, for the tray.
    pub dated: Vec<Dated>,
    /// The notifications to show now (none when notifications are off).
    pub notices: Vec<Notice>,
    /// How long until the next check is due.
    pub next_in: std::time::Duration,
}

/// How long the loop waits when notifications are off (the tray still refreshes).
const IDLE_CHECK: chrono::Duration = chrono::Duration::hours(1);

/// Runs one reminder check for the profiles of `profiles`' data folder: reads the
/// settings and what already fired, says what is due now in time zone `tz`, and saves
/// what fired. Reads the store alone, never the keyring. An unreadable settings or state
/// file is logged and replaced by the defaults (a reminder too many beats none).
pub fn check<S: crate::secrets::SecretStore, Tz: TimeZone>(
    profiles: &crate::profiles::Profiles<S>,
    tz: &Tz,
) -> Result<Check, crate::Error> {
    let stored = profiles.load()?;
    let now = profiles.clock().now();
    let dated = profiles.dated_from(&stored);
    let settings = profiles.settings().load().unwrap_or_else(|e| {
        tracing::warn!(error = %e, "settings unreadable; reminding with the defaults");
        Settings::default()
    });
    if !settings.notifications {
        return Ok(Check {
            dated,
            notices: Vec::new(),
            next_in: IDLE_CHECK.to_std().unwrap_or_default(),
        });
    }
    let store = ReminderStore::new(profiles.store().dir());
    let saved = store.load().unwrap_or_else(|e| {
        tracing::warn!(error = %e, "reminder state unreadable; computing reminders afresh");
        ReminderState::default()
    });
    // The organisation API key expires too, and is reminded of like a token.
    let mut remindable: Vec<Expiring> = stored.iter().map(Expiring::from).collect();
    if let Ok(Some(org)) = crate::store::read_json::<crate::org::OrgConfig>(
        &profiles.store().dir().join(crate::org::ORG_FILE),
    ) {
        remindable.push(org.expiring());
    }
    let outcome = due_reminders(
        now,
        tz,
        &remindable,
        &saved,
        &ReminderPolicy::from(&settings),
    );
    if outcome.state != saved {
        store.save(&outcome.state)?;
    }
    Ok(Check {
        dated,
        notices: notices(&outcome.due),
        next_in: (outcome.next_check - now).to_std().unwrap_or_default(),
    })
}

/// What the tray shows: counts, a tooltip and the most urgent profiles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TraySummary {
    pub expired: usize,
    /// Expiring within 30 days (not yet expired).
    pub expiring: usize,
    pub tooltip: String,
    /// Whether to show the attention icon.
    pub attention: bool,
    /// Up to five profiles, most urgent first: (id, menu label).
    pub urgent: Vec<(ProfileId, String)>,
    /// The three most urgent, offered a rotation: (id, name, cut to 40 characters).
    pub rotate: Vec<(ProfileId, String)>,
}

/// Summarises profiles for the tray.
pub fn tray_summary(views: &[Dated]) -> TraySummary {
    use crate::model::ExpiryStatus;
    let expired = views
        .iter()
        .filter(|v| v.status == ExpiryStatus::Expired)
        .count();
    let expiring = views
        .iter()
        .filter(|v| v.status == ExpiryStatus::Expiring)
        .count();
    let mut urgent: Vec<&Dated> = views
        .iter()
        .filter(|v| v.status != ExpiryStatus::Ok)
        .collect();
    urgent.sort_by_key(|v| v.urgency());
    let label = |v: &Dated| match v.days_left {
        d if d < -1 => format!("{}: expired {} days ago", v.name, -d),
        -1 => format!("{}: expired yesterday", v.name),
        0 => format!("{}: expires today", v.name),
        1 => format!("{}: expires tomorrow", v.name),
        d => format!("{}: expires in {d} days", v.name),
    };
    let tooltip = match (expired, expiring) {
        (0, 0) => "ConnKeeper: all API tokens are valid for more than 30 days".to_owned(),
        (e, s) => format!("ConnKeeper: {s} expiring within 30 days, {e} expired"),
    };
    TraySummary {
        expired,
        expiring,
        tooltip,
        attention: expired + expiring > 0,
        urgent: urgent.iter().take(5).map(|v| (v.id, label(v))).collect(),
        rotate: urgent
            .iter()
            .take(3)
            .map(|v| {
                let mut name: String = v.name.chars().take(40).collect();
                if v.name.chars().count() > 40 {
                    name.push('…');
                }
                (v.id, name)
            })
            .collect(),
    }
}
