//! The reminder engine, with an injected clock, in real time zones.

use std::collections::BTreeMap;

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use chrono_tz::America::New_York;
use chrono_tz::Europe::Berlin;
use connkeeper_core::model::{Application, ProfileId};
use connkeeper_core::reminders::{
    due_reminders, notices, DueKind, Expiring, ReminderPolicy, ReminderState, ReminderStore,
    Subject,
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn profile(name: &str, expires: NaiveDate) -> Expiring {
    Expiring {
        id: ProfileId::new(),
        subject: Subject::Token {
            name: name.into(),
            application: Application::Jira,
            host: "https://acme.atlassian.net".into(),
        },
        expires,
    }
}

fn at<Tz: TimeZone>(tz: &Tz, date: NaiveDate, h: u32, m: u32) -> DateTime<Utc> {
    tz.from_local_datetime(&date.and_hms_opt(h, m, 0).unwrap())
        .earliest()
        .unwrap()
        .with_timezone(&Utc)
}

/// Walks day by day at `hour` local, persisting state, and returns what fired when.
fn walk<Tz: TimeZone>(
    tz: &Tz,
    from: NaiveDate,
    to: NaiveDate,
    hour: u32,
    ps: &[Expiring],
    policy: &ReminderPolicy,
) -> BTreeMap<NaiveDate, Vec<DueKind>> {
    let mut state = ReminderState::default();
    let mut out = BTreeMap::new();
    let mut day = from;
    while day <= to {
        let o = due_reminders(at(tz, day, hour, 0), tz, ps, &state, policy);
        if !o.due.is_empty() {
            out.insert(day, o.due.iter().map(|d| d.kind).collect());
        }
        // Waking again the same day fires nothing more.
        let again = due_reminders(at(tz, day, hour + 2, 0), tz, ps, &o.state, policy);
        assert!(again.due.is_empty(), "{day}: fired twice");
        state = again.state;
        day = day + Days::new(1);
    }
    out
}

#[test]
fn each_threshold_fires_once_then_daily_after_expiry() {
    let p = profile("Acme", d(2026, 12, 31));
    let fired = walk(
        &Berlin,
        d(2026, 11, 1),
        d(2027, 1, 3),
        10,
        &[p],
        &ReminderPolicy::default(),
    );
    let expected: BTreeMap<NaiveDate, Vec<DueKind>> = [
        (d(2026, 12, 1), DueKind::Before(30)),
        (d(2026, 12, 17), DueKind::Before(14)),
        (d(2026, 12, 24), DueKind::Before(7)),
        (d(2026, 12, 28), DueKind::Before(3)),
        (d(2026, 12, 30), DueKind::Before(1)),
        (d(2026, 12, 31), DueKind::Before(0)),
        (d(2027, 1, 1), DueKind::Expired(1)),
        (d(2027, 1, 2), DueKind::Expired(2)),
        (d(2027, 1, 3), DueKind::Expired(3)),
    ]
    .into_iter()
    .map(|(k, v)| (k, vec![v]))
    .collect();
    assert_eq!(fired, expected);
}

#[test]
fn not_before_the_hour_and_next_check_is_that_hour() {
    let p = profile("Acme", d(2026, 12, 31));
    let policy = ReminderPolicy::default();
    let o = due_reminders(
        at(&Berlin, d(2026, 12, 1), 8, 59),
        &Berlin,
        std::slice::from_ref(&p),
        &ReminderState::default(),
        &policy,
    );
    assert!(o.due.is_empty());
    assert_eq!(o.next_check, at(&Berlin, d(2026, 12, 1), 9, 0));
    let o = due_reminders(
        at(&Berlin, d(2026, 12, 1), 9, 0),
        &Berlin,
        &[p],
        &o.state,
        &policy,
    );
    assert_eq!(o.due[0].kind, DueKind::Before(30));
    assert_eq!(o.next_check, at(&Berlin, d(2026, 12, 17), 9, 0));
}

#[test]
fn catch_up_fires_only_the_most_urgent_missed_reminder() {
    let p = profile("Acme", d(2026, 12, 31));
    let policy = ReminderPolicy::default();
    // Off since November: 30, 14, 7 and 3 days were missed.
    let o = due_reminders(
        at(&Berlin, d(2026, 12, 29), 11, 0),
        &Berlin,
        std::slice::from_ref(&p),
        &ReminderState::default(),
        &policy,
    );
    assert_eq!(
        o.due.iter().map(|d| d.kind).collect::<Vec<_>>(),
        [DueKind::Before(3)]
    );
    assert_eq!(o.due[0].days_left, 2);
    let o = due_reminders(
        at(&Berlin, d(2026, 12, 30), 11, 0),
        &Berlin,
        std::slice::from_ref(&p),
        &o.state,
        &policy,
    );
    assert_eq!(
        o.due[0].kind,
        DueKind::Before(1),
        "the next threshold still fires"
    );
    // Back after a week past expiry: one reminder, not a burst.
    let o = due_reminders(
        at(&Berlin, d(2027, 1, 7), 11, 0),
        &Berlin,
        &[p],
        &o.state,
        &policy,
    );
    assert_eq!(
        o.due.iter().map(|d| d.kind).collect::<Vec<_>>(),
        [DueKind::Expired(7)]
    );
}

#[test]
fn a_new_expiry_date_starts_over_and_deleted_profiles_are_forgotten() {
    let mut p = profile("Acme", d(2026, 12, 31));
    let policy = ReminderPolicy::default();
    let o = due_reminders(
        at(&Berlin, d(2026, 12, 24), 10, 0),
        &Berlin,
        std::slice::from_ref(&p),
        &ReminderState::default(),
        &policy,
    );
    assert_eq!(o.due[0].kind, DueKind::Before(7));
    p.expires = d(2027, 1, 7); // renewed for a week more: 14 days left → the 14-day threshold
    let o = due_reminders(
        at(&Berlin, d(2026, 12, 24), 11, 0),
        &Berlin,
        std::slice::from_ref(&p),
        &o.state,
        &policy,
    );
    assert_eq!(o.due[0].kind, DueKind::Before(14));
    assert_eq!(o.state.fired[&p.id].expires, d(2027, 1, 7));
    let o = due_reminders(
        at(&Berlin, d(2026, 12, 25), 11, 0),
        &Berlin,
        &[],
        &o.state,
        &policy,
    );
    assert!(o.state.fired.is_empty());
}

#[test]
fn dst_spring_forward_in_berlin() {
    // Clocks go from 02:00 to 03:00 on 2026-03-29; the 7-day reminder is due 09:00 CEST.
    let p = profile("Acme", d(2026, 4, 5));
    let policy = ReminderPolicy::default();
    let o = due_reminders(
        at(&Berlin, d(2026, 3, 28), 12, 0),
        &Berlin,
        std::slice::from_ref(&p),
        &ReminderState {
            fired: BTreeMap::new(),
        },
        &policy,
    );
    // 14 days before (03-22) was missed; it fires now with 8 days left.
    assert_eq!(o.due[0].kind, DueKind::Before(14));
    assert_eq!(
        o.next_check,
        Utc.with_ymd_and_hms(2026, 3, 29, 7, 0, 0).unwrap()
    );
    let o = due_reminders(
        o.next_check,
        &Berlin,
        std::slice::from_ref(&p),
        &o.state,
        &policy,
    );
    assert_eq!(o.due[0].kind, DueKind::Before(7));
    assert_eq!(o.due[0].days_left, 7);
    // The walk across the change fires each day exactly once.
    let fired = walk(&Berlin, d(2026, 3, 1), d(2026, 4, 6), 10, &[p], &policy);
    assert_eq!(fired.len(), 7, "{fired:?}");
}

#[test]
fn dst_fall_back_in_new_york() {
    // Clocks go from 02:00 back to 01:00 on 2026-11-01; 09:00 EST is 14:00 UTC.
    let p = profile("Acme", d(2026, 11, 4));
    let policy = ReminderPolicy::default();
    let mut state = ReminderState::default();
    let o = due_reminders(
        at(&New_York, d(2026, 10, 31), 12, 0),
        &New_York,
        std::slice::from_ref(&p),
        &state,
        &policy,
    );
    state = o.state;
    assert_eq!(o.due[0].kind, DueKind::Before(7));
    assert_eq!(
        o.next_check,
        Utc.with_ymd_and_hms(2026, 11, 1, 14, 0, 0).unwrap()
    );
    // 00:30 and 01:30 (twice) local on the change day: not yet.
    for utc_h in [4, 5, 6] {
        let o = due_reminders(
            Utc.with_ymd_and_hms(2026, 11, 1, utc_h, 30, 0).unwrap(),
            &New_York,
            std::slice::from_ref(&p),
            &state,
            &policy,
        );
        assert!(o.due.is_empty());
    }
    let o = due_reminders(
        Utc.with_ymd_and_hms(2026, 11, 1, 14, 0, 0).unwrap(),
        &New_York,
        &[p],
        &state,
        &policy,
    );
    assert_eq!(o.due[0].kind, DueKind::Before(3));
    assert_eq!(o.due[0].days_left, 3);
}

#[test]
fn leap_day_expiry() {
    let p = profile("Leap", d(2028, 2, 29));
    let fired = walk(
        &Berlin,
        d(2028, 1, 1),
        d(2028, 3, 2),
        10,
        &[p],
        &ReminderPolicy::default(),
    );
    let days: Vec<NaiveDate> = fired.keys().copied().collect();
    assert_eq!(
        days,
        [
            d(2028, 1, 30),
            d(2028, 2, 15),
            d(2028, 2, 22),
            d(2028, 2, 26),
            d(2028, 2, 28),
            d(2028, 2, 29),
            d(2028, 3, 1),
            d(2028, 3, 2)
        ]
    );
    assert_eq!(fired[&d(2028, 2, 29)], [DueKind::Before(0)]);
}

#[test]
fn working_day_shift_moves_weekend_reminders_to_friday() {
    // Expires Monday 2026-12-07: 1 day before is Sunday, 3 days before is Friday.
    let p = profile("Acme", d(2026, 12, 7));
    let policy = ReminderPolicy {
        working_day_shift: true,
        ..ReminderPolicy::default()
    };
    let fired = walk(
        &Berlin,
        d(2026, 11, 20),
        d(2026, 12, 14),
        10,
        std::slice::from_ref(&p),
        &policy,
    );
    assert_eq!(
        fired[&d(2026, 12, 4)],
        [DueKind::Before(1)],
        "Friday: the most urgent of 3 and 1 days"
    );
    assert!(!fired.contains_key(&d(2026, 12, 6)), "nothing on Sunday");
    assert_eq!(fired[&d(2026, 12, 7)], [DueKind::Before(0)]);
    assert!(
        !fired.contains_key(&d(2026, 12, 12)) && !fired.contains_key(&d(2026, 12, 13)),
        "expired reminders pause at weekends"
    );
    assert_eq!(fired[&d(2026, 12, 14)], [DueKind::Expired(7)]);
    // Without the shift the 1-day reminder fires on Sunday.
    let fired = walk(
        &Berlin,
        d(2026, 11, 20),
        d(2026, 12, 7),
        10,
        &[p],
        &ReminderPolicy::default(),
    );
    assert_eq!(fired[&d(2026, 12, 6)], [DueKind::Before(1)]);
}

#[test]
fn several_due_at_once_are_grouped() {
    let ps = [
        profile("B", d(2026, 12, 8)),
        profile("A", d(2026, 12, 3)),
        profile("C", d(2026, 11, 20)),
    ];
    let o = due_reminders(
        at(&Berlin, d(2026, 12, 1), 10, 0),
        &Berlin,
        &ps,
        &ReminderState::default(),
        &ReminderPolicy::default(),
    );
    assert_eq!(o.due.len(), 3);
    assert_eq!(
        o.due.iter().map(|d| d.subject.label()).collect::<Vec<_>>(),
        ["C", "A", "B"],
        "most urgent first"
    );
    let n = notices(&o.due);
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].title, "3 API tokens need attention");
    assert!(
        n[0].body.contains("C: expired 11 days ago") && n[0].body.contains("A: expires in 2 days"),
        "{}",
        n[0].body
    );
    assert_eq!(
        notices(&o.due[1..])[0].title,
        "2 API tokens expire this week"
    );
    let single = notices(&o.due[1..2]);
    assert_eq!(single[0].title, "API token expires in 2 days");
    assert!(
        single[0]
            .body
            .contains("A (Jira, https://acme.atlassian.net)")
            && single[0].body.contains("2026-12-03"),
        "{}",
        single[0].body
    );
    assert!(single[0].body.contains("id.atlassian.com"));
}

#[test]
fn state_round_trips_and_a_corrupt_file_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let store = ReminderStore::new(dir.path());
    assert_eq!(store.load().unwrap(), ReminderState::default());
    let p = profile("Acme", d(2026, 12, 31));
    let o = due_reminders(
        at(&Berlin, d(2026, 12, 24), 10, 0),
        &Berlin,
        std::slice::from_ref(&p),
        &ReminderState::default(),
        &ReminderPolicy::default(),
    );
    store.save(&o.state).unwrap();
    assert_eq!(store.load().unwrap(), o.state);
    connkeeper_core::store::atomic_write(&store.path(), b"{not json").unwrap();
    let err = store.load().unwrap_err();
    assert!(err.to_string().contains("reminders.json"), "{err}");
    // Computing afresh still works from an empty state.
    let fresh = due_reminders(
        at(&Berlin, d(2026, 12, 24), 10, 0),
        &Berlin,
        &[p],
        &ReminderState::default(),
        &ReminderPolicy::default(),
    );
    assert_eq!(fresh.due.len(), 1);
}

#[test]
fn the_organisation_key_is_reminded_of_in_words_of_both_faces() {
    let key = Expiring {
        id: ProfileId::new(),
        subject: Subject::OrgKey {
            org_id: "org-1".into(),
        },
        expires: d(2026, 12, 3),
    };
    let token = profile("Acme", d(2026, 12, 3));
    let o = due_reminders(
        at(&Berlin, d(2026, 12, 2), 10, 0),
        &Berlin,
        std::slice::from_ref(&key),
        &ReminderState::default(),
        &ReminderPolicy::default(),
    );
    let n = notices(&o.due);
    assert_eq!(
        n[0].title,
        "Atlassian organisation API key expires tomorrow"
    );
    assert_eq!(
        n[0].body,
        "The organisation API key expires on 2026-12-03. Create a new key in admin.atlassian.com > Settings > API keys, then link it again in ConnKeeper."
    );
    let both = due_reminders(
        at(&Berlin, d(2026, 12, 2), 10, 0),
        &Berlin,
        &[key, token],
        &ReminderState::default(),
        &ReminderPolicy::default(),
    );
    let n = notices(&both.due);
    assert_eq!(n[0].title, "2 credentials expire this week");
    assert_eq!(
        n[0].body,
        "Acme: expires tomorrow (2026-12-03)\nAtlassian organisation API key (org-1): expires tomorrow (2026-12-03)\nReplace them in ConnKeeper."
    );
    for notice in &n {
        assert!(!notice.body.contains("connkeeper") && !notice.body.contains('`'));
    }
}
