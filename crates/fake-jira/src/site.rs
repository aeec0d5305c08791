//! The fake site's configuration: accounts, projects, products and injected faults.
//!
//! Everything here is plain data with builder-style helpers; [`crate::FakeJira::start`]
//! freezes a [`Site`] and serves it.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use crate::catalog::{self, PROJECT_RESTORE};

/// The demo account's email, printed by the `fake-jira` binary.
pub const DEMO_EMAIL: &str = "admin@example.com";
/// The demo account's API token. Public test data: this is a fake server.
pub const DEMO_TOKEN: &str = "fake-jira-demo-token-7Kq2xV9mW4pL8sR3";

/// A fake Jira Cloud site. Builder-style: every method takes and returns `self`.
#[derive(Clone, Debug)]
pub struct Site {
    pub(crate) accounts: Vec<Account>,
    pub(crate) projects: Vec<Project>,
    pub(crate) service_desks: usize,
    pub(crate) software_access: bool,
    pub(crate) latency: Duration,
    pub(crate) faults: Vec<Fault>,
    pub(crate) unknown_keys: BTreeSet<String>,
    /// `start_recorder`: answer `200 {}` everywhere, no Jira behaviour at all.
    pub(crate) recorder: bool,
    /// The Agile and JSM APIs answer without `X-AAccountId` (seen on real sites; the
    /// platform API's `/myself` still proves who is calling).
    pub(crate) product_apis_without_account_header: bool,
    /// The organisation managing the site's accounts (Atlassian Administration).
    pub(crate) org: Option<crate::org::Org>,
    /// The organisation's IP allowlist does not include the caller: every request
    /// answers 403 ([`Site::ip_not_allowed`]).
    pub(crate) ip_not_allowed: bool,
    /// Answers carry the 2026 rate-limit headers; after this many requests they say the
    /// limit is near ([`Site::rate_limit_headers`]).
    pub(crate) near_limit_after: Option<usize>,
}

impl Default for Site {
    fn default() -> Self {
        Self::new()
    }
}

impl Site {
    /// An empty site: no accounts, no projects, Jira Software licensed, no service desks.
    pub fn new() -> Self {
        Site {
            accounts: Vec::new(),
            projects: Vec::new(),
            service_desks: 0,
            software_access: true,
            latency: Duration::ZERO,
            faults: Vec::new(),
            unknown_keys: BTreeSet::new(),
            recorder: false,
            product_apis_without_account_header: false,
            org: None,
            ip_not_allowed: false,
            near_limit_after: None,
        }
    }

    /// The site's IP allowlist rejects the caller: every request (on the site and through
    /// the gateway) answers 403 with [`IP_NOT_ALLOWED`]. Atlassian: "Once you add IP
    /// addresses to your allowlist, users can only access ... from those addresses"
    /// (https://support.atlassian.com/security-and-access-policies/docs/specify-ip-addresses-for-product-access/);
    /// the status and text follow Atlassian's IP allowlist knowledge-base article on API
    /// calls from addresses outside the list.
    pub fn ip_not_allowed(mut self, yes: bool) -> Self {
        self.ip_not_allowed = yes;
        self
    }

    /// Every answer carries the rate-limit headers of Atlassian's 2026 guide
    /// (https://developer.atlassian.com/cloud/jira/platform/rate-limiting/): `RateLimit`,
    /// `RateLimit-Policy` (`"jira-burst-based"`), `Beta-RateLimit` and
    /// `Beta-RateLimit-Policy`; from request `near_limit_after + 1` on, also
    /// `X-RateLimit-NearLimit: true`, `X-Beta-RateLimit-NearLimit: true` and
    /// `Beta-Retry-After`. [`crate::FakeJira::max_in_flight_near_limit`] then measures how
    /// many requests the client still sends at once.
    pub fn rate_limit_headers(mut self, near_limit_after: usize) -> Self {
        self.near_limit_after = Some(near_limit_after);
        self
    }

    /// The Agile (`/rest/agile`) and JSM (`/rest/servicedeskapi`) APIs answer without the
    /// `X-AAccountId` header.
    pub fn product_apis_without_account_header(mut self, yes: bool) -> Self {
        self.product_apis_without_account_header = yes;
        self
    }

    /// Adds an account. An existing account with the same email (case-insensitive) is
    /// replaced, so `Site::generated(..).account(changed_demo)` swaps the demo account.
    pub fn account(mut self, a: Account) -> Self {
        self.accounts
            .retain(|x| !x.email.eq_ignore_ascii_case(&a.email));
        self.accounts.push(a);
        self
    }

    /// The organisation that manages the accounts and lists their tokens.
    pub fn org(mut self, org: crate::org::Org) -> Self {
        self.org = Some(org);
        self
    }

    /// Adds projects (appends to the ones already there).
    pub fn projects(mut self, p: Vec<Project>) -> Self {
        self.projects.extend(p);
        self
    }

    /// Number of Jira Service Management service desks. Desk `i` (id `i + 1`) belongs to the
    /// `i`-th project in id order, whose `projectTypeKey` becomes `service_desk`.
    /// Capped at the number of projects.
    pub fn service_desks(mut self, n: usize) -> Self {
        self.service_desks = n;
        self
    }

    /// Whether the site has a Jira Software licence for the accounts. Without one,
    /// `GET /rest/agile/1.0/board` answers 403.
    pub fn software_access(mut self, yes: bool) -> Self {
        self.software_access = yes;
        self
    }

    /// A delay added to every response.
    pub fn latency(mut self, d: Duration) -> Self {
        self.latency = d;
        self
    }

    /// Injects a fault. Faults are tried in the order they were added.
    pub fn fault(mut self, f: Fault) -> Self {
        self.faults.push(f);
        self
    }

    /// Makes the site forget a permission key (one Jira "no longer knows"): it disappears
    /// from `GET /permissions`, and asking about it in `permissions/check` or
    /// `mypermissions` answers 400.
    pub fn unknown_key(mut self, key: &str) -> Self {
        self.unknown_keys.insert(key.to_owned());
        self
    }

    /// The accounts of the site.
    pub fn account_list(&self) -> &[Account] {
        &self.accounts
    }

    /// The projects of the site, in the order they were added.
    pub fn project_list(&self) -> &[Project] {
        &self.projects
    }

    /// A realistic site for benchmarks and demos, fully determined by `seed`:
    ///
    /// - `n_projects` projects with ids from 10000 and keys such as `ABC`, `MOB`, `PROJ12`;
    /// - about 5% of them team-managed;
    /// - one service desk per 20 projects;
    /// - one account, [`demo_account`], holding every global permission ConnKeeper needs and
    ///   every project permission, except that about one project in ten lacks one to three
    ///   restore permissions.
    pub fn generated(n_projects: usize, seed: u64) -> Self {
        let mut rng = SplitMix64(seed ^ 0x6a09_e667_f3bc_c908);
        let mut keys = BTreeSet::new();
        let mut names = BTreeSet::new();
        let mut projects = Vec::with_capacity(n_projects);
        for i in 0..n_projects {
            let (key, name) = generated_key_and_name(&mut rng, i, &keys, &names);
            keys.insert(key.clone());
            names.insert(name.clone());
            let team_managed = rng.below(100) < 5;
            let id = 10_000 + i as u64;
            projects.push(Project {
                team_managed,
                ..Project::new(id, &key, &name)
            });
        }

        let mut admin = demo_account();
        let all_project: BTreeSet<String> = admin.project_default.clone();
        for p in &projects {
            if rng.below(100) < 10 {
                let mut held = all_project.clone();
                for _ in 0..=rng.below(3) {
                    let k = PROJECT_RESTORE[rng.below(PROJECT_RESTORE.len() as u64) as usize];
                    held.remove(k);
                }
                admin.project_overrides.insert(p.id, held);
            }
        }
        Site::new()
            .projects(projects)
            .account(admin)
            .service_desks(n_projects / 20)
    }
}

/// A Jira account that can authenticate with Basic auth (`email:token`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// Atlassian account id, reported in `X-AAccountId` and `/myself`.
    pub account_id: String,
    /// Login email (matched case-insensitively, like Atlassian accounts).
    pub email: String,
    /// The API token.
    pub token: String,
    /// Display name in `/myself`.
    pub display_name: String,
    /// `atlassian` for people; `app` and `customer` exist too.
    pub account_type: String,
    /// Reported in `/myself`. The fake still lets an inactive account authenticate so that
    /// clients can be tested on the flag.
    pub active: bool,
    /// When false, `/myself` reports `emailAddress: null` (profile privacy setting).
    pub email_visible: bool,
    /// Global permission keys held.
    pub global: BTreeSet<String>,
    /// Project permission keys held in every project...
    pub project_default: BTreeSet<String>,
    /// ...unless overridden for a project id (the override replaces the default entirely).
    pub project_overrides: BTreeMap<u64, BTreeSet<String>>,
    /// Jira's CAPTCHA is triggered for this login: every request answers 401
    /// `AUTHENTICATION_DENIED` without even checking the token.
    pub captcha: bool,
    /// `None`: a classic API token, accepted on the site only. `Some(scopes)`: an API
    /// token with scopes, accepted only through the gateway prefix `/ex/jira/{cloudId}`,
    /// and only for operations whose scopes it holds (Atlassian: "API tokens with scopes
    /// ... must use api.atlassian.com"; a call outside its scopes answers 401
    /// `Unauthorized; scope does not match`).
    pub token_scopes: Option<BTreeSet<String>>,
    /// Product access (`/myself?expand=applicationRoles`): `jira-software`, `jira-core`,
    /// `jira-servicedesk`, `jira-product-discovery`. Without any Jira product the account
    /// holds no project permission anywhere; without `jira-servicedesk` it is no agent.
    pub products: BTreeSet<String>,
    /// More API tokens of the same account (an account may hold several; a rotation
    /// creates the new one while the old still works). Each has the account's rights.
    pub other_tokens: Vec<String>,
    /// `appType` in `/myself` for `accountType` `app`: `service` (a service account),
    /// `agent` (a Rovo agent) or `unknown` (the spec's `User` schema); `None`: not sent,
    /// as on sites that predate the field.
    pub app_type: Option<String>,
    /// An admin blocked the account's API tokens (external users' API token access, or an
    /// authentication policy's "User API tokens" setting): every request with a valid
    /// token answers 401 with [`TOKEN_BLOCKED`].
    pub token_blocked: bool,
}

/// The 401 text of a blocked API token. A MODEL: Atlassian documents only that "When an
/// external user makes a call to a product API, we let them know an admin blocked the
/// token and to contact them to find out why"
/// (https://support.atlassian.com/security-and-access-policies/docs/manage-api-token-access-for-external-users/;
/// managed users: the "User API tokens" setting of an authentication policy,
/// https://support.atlassian.com/security-and-access-policies/docs/what-are-authentication-policies/).
/// The exact status and body are not public; this one says what the page says.
pub const TOKEN_BLOCKED: &str =
    "API token access is blocked: an admin blocked this API token. Contact your admin to find out why.";

/// The 403 text of a request from outside the site's IP allowlist (Atlassian's IP
/// allowlist knowledge-base article;
/// https://support.atlassian.com/security-and-access-policies/docs/specify-ip-addresses-for-product-access/).
pub const IP_NOT_ALLOWED: &str = "The IP address has been rejected because it is not on the allowed list. See your admin for more information.";

/// Jira's product (application role) keys.
pub const JIRA_PRODUCTS: [&str; 4] = [
    "jira-software",
    "jira-core",
    "jira-servicedesk",
    "jira-product-discovery",
];
/// The email domain of Atlassian service accounts.
pub const SERVICE_ACCOUNT_DOMAIN: &str = "serviceaccount.atlassian.com";

impl Account {
    /// An account without any permission.
    pub fn new(email: &str, token: &str) -> Self {
        let local = email.split('@').next().unwrap_or(email);
        let mut display_name = String::new();
        for (i, word) in local
            .split(['.', '_', '-', '+'])
            .filter(|w| !w.is_empty())
            .enumerate()
        {
            if i > 0 {
                display_name.push(' ');
            }
            let mut chars = word.chars();
            if let Some(c) = chars.next() {
                display_name.extend(c.to_uppercase());
                display_name.push_str(chars.as_str());
            }
        }
        Account {
            account_id: account_id_for(email),
            email: email.to_owned(),
            token: token.to_owned(),
            display_name,
            account_type: "atlassian".to_owned(),
            active: true,
            email_visible: true,
            global: BTreeSet::new(),
            project_default: BTreeSet::new(),
            project_overrides: BTreeMap::new(),
            captcha: false,
            token_scopes: None,
            products: JIRA_PRODUCTS.iter().map(|p| (*p).to_owned()).collect(),
            other_tokens: Vec::new(),
            app_type: None,
            token_blocked: false,
        }
    }

    /// Sets `appType` (`service`, `agent`, `unknown`), or leaves it out (`None`).
    pub fn app_type(mut self, app_type: Option<&str>) -> Self {
        self.app_type = app_type.map(str::to_owned);
        self
    }

    /// An admin blocked the account's API tokens ([`TOKEN_BLOCKED`]).
    pub fn token_blocked(mut self) -> Self {
        self.token_blocked = true;
        self
    }

    /// A service account (generally available since 2025): `accountType` `app` with
    /// `appType` `service`, an email under `serviceaccount.atlassian.com`, and only scoped
    /// API tokens.
    pub fn service_account(name: &str, token: &str, scopes: &[&str]) -> Self {
        let mut a = Account::new(&format!("{name}@{SERVICE_ACCOUNT_DOMAIN}"), token);
        a.account_type = "app".to_owned();
        a.app_type = Some("service".to_owned());
        a.token_scopes = Some(scopes.iter().map(|s| (*s).to_owned()).collect());
        a
    }

    /// The account also accepts `token` (a second API token of the same account).
    pub fn also_accepts(mut self, token: &str) -> Self {
        self.other_tokens.push(token.to_owned());
        self
    }

    /// Makes the token a scoped one holding `scopes` (gateway only).
    pub fn scoped(mut self, scopes: &[&str]) -> Self {
        self.token_scopes = Some(scopes.iter().map(|s| (*s).to_owned()).collect());
        self
    }

    /// Sets the account's product access (application roles).
    pub fn products(mut self, products: &[&str]) -> Self {
        self.products = products.iter().map(|p| (*p).to_owned()).collect();
        self
    }

    /// Whether the account has access to any Jira product.
    pub fn has_jira_product(&self) -> bool {
        JIRA_PRODUCTS.iter().any(|p| self.products.contains(*p))
    }

    /// An account holding every global permission a Jira Cloud site admin holds
    /// (everything but `SYSTEM_ADMIN`, which Cloud does not grant) and every project
    /// permission in every project.
    pub fn admin(email: &str, token: &str) -> Self {
        let mut a = Account::new(email, token);
        a.global = catalog::global_keys()
            .filter(|k| *k != "SYSTEM_ADMIN")
            .map(str::to_owned)
            .collect();
        a.project_default = catalog::project_keys().map(str::to_owned).collect();
        a
    }

    /// Grants a global permission.
    pub fn grant_global(mut self, key: &str) -> Self {
        self.global.insert(key.to_owned());
        self
    }

    /// Revokes a global permission.
    pub fn revoke_global(mut self, key: &str) -> Self {
        self.global.remove(key);
        self
    }

    /// Grants a project permission in every project (default and overrides).
    pub fn grant_project(mut self, key: &str) -> Self {
        self.project_default.insert(key.to_owned());
        for held in self.project_overrides.values_mut() {
            held.insert(key.to_owned());
        }
        self
    }

    /// Revokes a project permission in every project (default and overrides).
    pub fn revoke_project(mut self, key: &str) -> Self {
        self.project_default.remove(key);
        for held in self.project_overrides.values_mut() {
            held.remove(key);
        }
        self
    }

    /// Revokes a project permission in one project only.
    pub fn revoke_in_project(mut self, project_id: u64, key: &str) -> Self {
        let default = self.project_default.clone();
        self.project_overrides
            .entry(project_id)
            .or_insert(default)
            .remove(key);
        self
    }

    /// Sets exactly the permissions held in one project.
    pub fn override_project(mut self, project_id: u64, keys: &[&str]) -> Self {
        self.project_overrides
            .insert(project_id, keys.iter().map(|k| (*k).to_owned()).collect());
        self
    }

    /// The project permission keys held in a project.
    pub fn project_permissions(&self, project_id: u64) -> &BTreeSet<String> {
        self.project_overrides
            .get(&project_id)
            .unwrap_or(&self.project_default)
    }
}

/// `projectTypeKey` of a Jira Software project.
pub const PROJECT_TYPE_SOFTWARE: &str = "software";
/// `projectTypeKey` of a Jira Service Management project.
pub const PROJECT_TYPE_SERVICE_DESK: &str = "service_desk";

/// A Jira project ("space" in today's UI).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Project {
    /// Numeric id. `/project/search` reports it as a string, `permissions/check` as an integer.
    pub id: u64,
    /// Project key, e.g. `ABC`.
    pub key: String,
    /// Display name.
    pub name: String,
    /// Team-managed (`style: "next-gen"`, `simplified: true`) rather than company-managed.
    pub team_managed: bool,
    /// `projectTypeKey`: `software`, `business`, `service_desk` or `product_discovery`
    /// (a project given a service desk by [`Site::service_desks`] reports `service_desk`).
    pub kind: &'static str,
    /// Archived (Premium and Enterprise): left out of `project/search` unless it asks for
    /// `status=archived`.
    pub archived: bool,
}

impl Project {
    /// A company-managed software project.
    pub fn new(id: u64, key: &str, name: &str) -> Self {
        Project {
            id,
            key: key.to_owned(),
            name: name.to_owned(),
            team_managed: false,
            kind: PROJECT_TYPE_SOFTWARE,
            archived: false,
        }
    }

    /// The same project with another `projectTypeKey` (`business`, `service_desk`,
    /// `product_discovery`); a `service_desk` project gets a service desk.
    pub fn of_type(mut self, kind: &'static str) -> Self {
        self.kind = kind;
        self
    }

    /// The same project, archived.
    pub fn archived(mut self) -> Self {
        self.archived = true;
        self
    }

    /// A team-managed project.
    pub fn team_managed(id: u64, key: &str, name: &str) -> Self {
        Project {
            team_managed: true,
            ..Project::new(id, key, name)
        }
    }
}

/// A fault injected before normal handling, for requests whose path starts with `path`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The first `times` requests answer 429 with `X-RateLimit-*`, `RateLimit-Reason:
    /// jira-burst-based` and, when `Some`, `Retry-After` (+ `X-RateLimit-Reset`).
    RateLimited {
        path: String,
        times: usize,
        retry_after_secs: Option<u64>,
    },
    /// The first `times` requests answer 503.
    Unavailable { path: String, times: usize },
    /// Every request answers 500 with an ErrorCollection body.
    ServerError { path: String },
    /// Every request waits `delay` before being answered normally.
    Slow { path: String, delay: Duration },
    /// Every request answers 200 `text/html`: a login portal or proxy page, not Jira
    /// (no `X-AAccountId`, no Jira headers).
    HtmlPage { path: String },
    /// Every request answers 302 to `location` (typically another origin).
    RedirectTo { path: String, location: String },
    /// The first `times` requests get their TCP connection dropped without an answer.
    ResetConnection { path: String, times: usize },
    /// A hostile site: `GET .../project/search` answers the same authenticated page of
    /// 100 projects whatever `startAt` asks, claiming `total` projects (none when `None`)
    /// and never `isLast`. A client that follows it never ends.
    EndlessProjects { total: Option<u64> },
    /// A hostile site: `GET /rest/servicedeskapi/servicedesk` answers the same page of
    /// 100 desks with `isLastPage: false` whatever `start` asks.
    EndlessServiceDesks,
    /// A hostile site: `GET /rest/api/3/project/search` answers one new space per page,
    /// whatever was asked, with a name of `name_bytes` bytes, claiming 1,000 spaces and
    /// never `isLast` (the per-field hostile site of `make bench-hostile`).
    HugeNames { name_bytes: usize },
    /// A hostile site: every request answers 200 JSON with a body of `bytes` bytes,
    /// streamed (chunked, no `Content-Length`) so the client cannot tell the size up
    /// front. [`crate::FakeJira::bytes_streamed`] says how much the client pulled.
    HugeBody { path: String, bytes: u64 },
    /// The first `times` requests answer 429 with `X-RateLimit-Reset` (to the second,
    /// `reset_in_secs` from now) and no `Retry-After`.
    RateLimitedUntilReset {
        path: String,
        times: usize,
        reset_in_secs: u64,
    },
    /// `POST .../permissions/check` asking about more than `projects` projects waits
    /// `delay` (a slow site that answers smaller batches in time).
    SlowBulkCheckOver { projects: usize, delay: Duration },
    /// Every request answers `status` with this body and content type (Jira's headers
    /// included): error bodies with crafted text, odd statuses.
    Answer {
        path: String,
        status: u16,
        content_type: &'static str,
        body: String,
    },
}

impl Fault {
    /// The path prefix the fault applies to.
    pub fn path(&self) -> &str {
        match self {
            Fault::RateLimited { path, .. }
            | Fault::Unavailable { path, .. }
            | Fault::ServerError { path }
            | Fault::Slow { path, .. }
            | Fault::HtmlPage { path }
            | Fault::RedirectTo { path, .. }
            | Fault::ResetConnection { path, .. }
            | Fault::HugeBody { path, .. }
            | Fault::RateLimitedUntilReset { path, .. }
            | Fault::Answer { path, .. } => path,
            Fault::SlowBulkCheckOver { .. } => "/rest/api/3/permissions/check",
            Fault::EndlessProjects { .. } | Fault::HugeNames { .. } => "/rest/api/3/project/search",
            Fault::EndlessServiceDesks => "/rest/servicedeskapi/servicedesk",
        }
    }

    /// How many times a counted fault fires; `None` for persistent ones.
    pub(crate) fn times(&self) -> Option<usize> {
        match self {
            Fault::RateLimited { times, .. }
            | Fault::Unavailable { times, .. }
            | Fault::RateLimitedUntilReset { times, .. }
            | Fault::ResetConnection { times, .. } => Some(*times),
            _ => None,
        }
    }
}

/// The demo account: `admin@example.com` with a fixed, public fake token, holding every
/// permission ([`Account::admin`]).
pub fn demo_account() -> Account {
    let mut a = Account::admin(DEMO_EMAIL, DEMO_TOKEN);
    a.display_name = "Demo Admin".to_owned();
    a
}

/// A stable, Atlassian-looking account id (24 hex digits) derived from the email.
fn account_id_for(email: &str) -> String {
    let lower = email.to_ascii_lowercase();
    let h1 = fnv1a(lower.as_bytes(), 0xcbf2_9ce4_8422_2325);
    let h2 = fnv1a(lower.as_bytes(), h1);
    format!(
        "{:012x}{:012x}",
        h1 & 0xffff_ffff_ffff,
        h2 & 0xffff_ffff_ffff
    )
}

fn fnv1a(bytes: &[u8], seed: u64) -> u64 {
    bytes.iter().fold(seed, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A tiny deterministic PRNG, so generated sites do not change with a `rand` upgrade.
#[derive(Debug)]
pub(crate) struct SplitMix64(pub(crate) u64);

impl SplitMix64 {
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform-enough in `0..n` (n > 0).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const ADJECTIVES: &[&str] = &[
    "Mobile",
    "Customer",
    "Data",
    "Cloud",
    "Internal",
    "Payments",
    "Growth",
    "Platform",
    "Security",
    "Marketing",
    "Finance",
    "Legal",
    "Design",
    "Infra",
    "Partner",
    "Retail",
    "Analytics",
    "Identity",
    "Search",
    "Billing",
    "Support",
    "Web",
    "Desktop",
    "Release",
];
const NOUNS: &[&str] = &[
    "Portal",
    "App",
    "Platform",
    "Pipeline",
    "Services",
    "Onboarding",
    "Migration",
    "Roadmap",
    "Operations",
    "Website",
    "Gateway",
    "Warehouse",
    "Integrations",
    "Experiments",
    "Tools",
    "Helpdesk",
    "Compliance",
    "Launch",
    "Backlog",
    "Insights",
];

/// Keys like `MP`, `CUSP`, `DATA3` or `PROJ12`, always unique and valid Jira keys
/// (an uppercase letter followed by uppercase letters or digits).
fn generated_key_and_name(
    rng: &mut SplitMix64,
    index: usize,
    keys: &BTreeSet<String>,
    names: &BTreeSet<String>,
) -> (String, String) {
    let adjective = rng.pick(ADJECTIVES);
    let noun = rng.pick(NOUNS);
    let mut name = format!("{adjective} {noun}");
    if names.contains(&name) {
        name = format!("{name} {}", index + 1);
    }
    let style = rng.below(10);
    let base: String = match style {
        0..=3 => format!("{}{}", &adjective[..1], &noun[..1]),
        4..=6 => adjective.chars().take(3 + rng.below(2) as usize).collect(),
        7 => format!("{}{}", &adjective[..2], &noun[..2]),
        _ => "PROJ".to_owned(),
    }
    .to_ascii_uppercase();
    let mut key = if style >= 8 {
        format!("{base}{}", index + 1)
    } else {
        base.clone()
    };
    let mut n = 2;
    while keys.contains(&key) {
        key = format!("{base}{n}");
        n += 1;
    }
    (key, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_sites_are_deterministic_and_valid() {
        let a = Site::generated(300, 7);
        let b = Site::generated(300, 7);
        assert_eq!(a.projects, b.projects);
        assert_eq!(a.accounts, b.accounts);
        let keys: BTreeSet<_> = a.projects.iter().map(|p| p.key.clone()).collect();
        assert_eq!(keys.len(), 300);
        for k in &keys {
            let mut chars = k.chars();
            assert!(chars.next().is_some_and(|c| c.is_ascii_uppercase()), "{k}");
            assert!(
                chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()),
                "{k}"
            );
        }
        assert_eq!(a.projects[0].id, 10_000);
        let team = a.projects.iter().filter(|p| p.team_managed).count();
        assert!((3..=40).contains(&team), "{team} team-managed");
        let admin = &a.accounts[0];
        assert_eq!(admin.email, DEMO_EMAIL);
        assert!(!admin.project_overrides.is_empty());
        assert_ne!(Site::generated(300, 8).projects, a.projects);
    }

    #[test]
    fn account_helpers() {
        let a = Account::new("jane.doe@example.com", "t");
        assert_eq!(a.display_name, "Jane Doe");
        assert_eq!(a.account_id.len(), 24);
        assert_eq!(
            a.account_id,
            Account::new("Jane.Doe@example.com", "x").account_id
        );
        let a = Account::admin("a@b.c", "t").revoke_in_project(10_001, "EDIT_ISSUES");
        assert!(!a.project_permissions(10_001).contains("EDIT_ISSUES"));
        assert!(a.project_permissions(10_002).contains("EDIT_ISSUES"));
        assert!(!a.global.contains("SYSTEM_ADMIN"));
        assert!(a.global.contains("CREATE_PROJECT"));
    }
}
