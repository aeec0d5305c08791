//! The fake Jira both CLI test suites talk to (`tests/it` in-process, `tests/cli` through
//! the real binary).

/// A fake Jira served on its own runtime for the duration of a test.
pub struct Jira {
    pub fake: fake_jira::FakeJira,
    _rt: tokio::runtime::Runtime,
}

pub fn start_jira(site: fake_jira::Site) -> Jira {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let fake = rt.block_on(fake_jira::FakeJira::start(site)).unwrap();
    Jira { fake, _rt: rt }
}

/// Twelve spaces K00..K11 and `account`.
pub fn jira_site(account: fake_jira::Account) -> fake_jira::Site {
    let projects = (0..12)
        .map(|i| fake_jira::Project::new(10_000 + i, &format!("K{i:02}"), &format!("Project {i}")))
        .collect();
    fake_jira::Site::new().account(account).projects(projects)
}
