//! Time as an argument. Business logic never reads the wall clock itself; it takes a
//! [`Clock`], so tests pin "now" and "today" with [`FixedClock`].

use chrono::{DateTime, Local, NaiveDate, Utc};

/// Where "now" comes from.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
    /// Today's calendar date in the user's local time zone (expiry days are counted locally).
    fn today(&self) -> NaiveDate;
}

/// The real clock of the machine.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // the one place that reads the wall clock
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    #[allow(clippy::disallowed_methods)]
    fn today(&self) -> NaiveDate {
        Local::now().date_naive()
    }
}

/// A clock that always answers the same instant and local date (tests, benchmarks).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock {
    now: DateTime<Utc>,
    today: NaiveDate,
}

impl FixedClock {
    /// A clock at `today` (local) and midday UTC of that date.
    pub fn on(today: NaiveDate) -> Self {
        let now = today
            .and_hms_opt(12, 0, 0)
            .expect("midday exists")
            .and_utc();
        Self { now, today }
    }

    /// A clock at an exact instant whose local date is `today`.
    pub fn at(now: DateTime<Utc>, today: NaiveDate) -> Self {
        Self { now, today }
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.now
    }

    fn today(&self) -> NaiveDate {
        self.today
    }
}
