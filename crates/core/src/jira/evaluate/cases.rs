//! [`evaluate`] as data: an observed site in, verdicts, gaps and warnings out, no HTTP.
//! Each case starts from [`site`], where everything is granted, changes what Jira said,
//! and compares a short rendering of the report with its inline expectation.

use super::*;
use serde_json::json;

/// A Jira site that knows every permission and grants all of them: an active
/// Atlassian account with Jira Software, Administer Jira, two spaces (OPS
/// company-managed, TEAM team-managed).
fn site() -> Observed {
    let known = REQUIREMENTS
        .iter()
        .map(|r| (r.key, r.scope, r.name))
        .chain(ADVICE.iter().map(|a| (a.key, Scope::Project, a.name)))
        .map(|(k, scope, name)| {
            let kind = if scope == Scope::Global {
                "GLOBAL"
            } else {
                "PROJECT"
            };
            (k.to_owned(), (kind.to_owned(), Some(name.to_owned())))
        })
        .collect();
    let all_of = |scope: Scope| -> BTreeSet<String> {
        let advice = ADVICE
            .iter()
            .map(|a| a.key)
            .filter(|_| scope == Scope::Project);
        REQUIREMENTS
            .iter()
            .filter(|r| r.scope == scope)
            .map(|r| r.key)
            .chain(advice)
            .map(str::to_owned)
            .collect()
    };
    let mut o = Observed {
        host: "https://acme.atlassian.net".into(),
        profile_email: "backup@acme.com".into(),
        application: Application::Jira,
        purpose: AuditPurpose::All,
        token_kind: TokenKind::Classic,
        myself: myself(&json!({})),
        known,
        projects: vec![
            space("10000", "OPS", false, "software"),
            space("10001", "TEAM", true, "software"),
        ],
        archived: Vec::new(),
        global_granted: all_of(Scope::Global),
        project_granted: HashMap::new(),
        software_access: true,
        software_denied: None,
        service_desks: None,
        extra_warnings: Vec::new(),
    };
    o.project_granted = [
        (10000, all_of(Scope::Project)),
        (10001, all_of(Scope::Project)),
    ]
    .into();
    o
}

fn space(id: &str, key: &str, team_managed: bool, project_type: &str) -> ProjectDto {
    serde_json::from_value(json!({
        "id": id, "key": key, "name": key, "simplified": team_managed,
        "projectTypeKey": project_type
    }))
    .unwrap()
}

/// `/myself` with `changes` over an active Atlassian account with Jira Software.
fn myself(changes: &serde_json::Value) -> Myself {
    let mut me = json!({
        "accountId": "a1", "accountType": "atlassian", "emailAddress": "backup@acme.com",
        "active": true, "applicationRoles": {"size": 1, "items": [{"key": "jira-software"}]}
    });
    for (k, v) in changes.as_object().unwrap() {
        me[k] = v.clone();
    }
    serde_json::from_value(me).unwrap()
}

fn revoke_in(o: &mut Observed, space: u64, keys: &[&str]) {
    let granted = o.project_granted.get_mut(&space).unwrap();
    for k in keys {
        assert!(granted.remove(*k), "{k} was not granted in {space}");
    }
}

fn revoke_global(o: &mut Observed, keys: &[&str]) {
    for k in keys {
        assert!(o.global_granted.remove(*k), "{k} was not granted");
    }
}

/// The report, short: verdicts, coverage, global gaps, each space's gaps, the grouping,
/// the root cause and the warning codes in their order.
fn audit(o: Observed) -> String {
    let r = evaluate(o, 1, 1, DateTime::UNIX_EPOCH);
    let none = |v: Vec<String>| {
        if v.is_empty() {
            "-".to_owned()
        } else {
            v.join(" ")
        }
    };
    let mut out = vec![
        format!(
            "ok={} backup={} restore={}",
            r.ok, r.backup_ok, r.restore_ok
        ),
        format!(
            "spaces ok: backup {}/{} restore {}/{}, complete={}",
            r.coverage.projects_ok_backup,
            r.coverage.projects_total,
            r.coverage.projects_ok_restore,
            r.coverage.projects_total,
            r.coverage.complete
        ),
        format!(
            "global missing: {}",
            none(
                r.global
                    .iter()
                    .filter(|g| !g.granted)
                    .map(|g| g.key.clone())
                    .collect()
            )
        ),
    ];
    for p in &r.projects {
        let missing = p.missing.iter().map(|m| m.key.clone()).collect();
        out.push(format!("{}: {}", p.key, none(missing)));
    }
    let gaps = r
        .gaps
        .iter()
        .map(|g| format!("{}[{}]", g.key, g.projects.join(",")))
        .collect();
    out.push(format!("gaps: {}", none(gaps)));
    out.push(format!(
        "root cause: {}",
        r.root_cause.map_or("-", |c| c.code())
    ));
    let codes = r
        .warnings
        .iter()
        .map(|w| w.code.code().to_owned())
        .collect();
    out.push(format!("warnings: {}", none(codes)));
    out.join("\n")
}

#[test]
fn everything_granted() {
    insta::assert_snapshot!(audit(site()), @r"
        ok=true backup=true restore=true
        spaces ok: backup 2/2 restore 2/2, complete=true
        global missing: -
        OPS: -
        TEAM: -
        gaps: -
        root cause: -
        warnings: -
    ");
}

#[test]
fn space_gaps_are_grouped_in_requirement_order() {
    let mut o = site();
    revoke_in(&mut o, 10000, &["EDIT_ISSUES", "BROWSE_PROJECTS"]);
    revoke_in(&mut o, 10001, &["EDIT_ISSUES"]);
    insta::assert_snapshot!(audit(o), @r"
        ok=false backup=false restore=false
        spaces ok: backup 1/2 restore 0/2, complete=true
        global missing: -
        OPS: BROWSE_PROJECTS EDIT_ISSUES
        TEAM: EDIT_ISSUES
        gaps: BROWSE_PROJECTS[OPS] EDIT_ISSUES[OPS,TEAM]
        root cause: -
        warnings: team_managed
    ");
}

#[test]
fn a_restore_only_gap_fails_restore_not_backup() {
    let mut o = site();
    revoke_in(&mut o, 10000, &["WORK_ON_ISSUES"]);
    insta::assert_snapshot!(audit(o), @r"
        ok=false backup=true restore=false
        spaces ok: backup 2/2 restore 1/2, complete=true
        global missing: -
        OPS: WORK_ON_ISSUES
        TEAM: -
        gaps: WORK_ON_ISSUES[OPS]
        root cause: -
        warnings: -
    ");
}

#[test]
fn a_backup_audit_does_not_check_restore_permissions() {
    let mut o = site();
    o.purpose = AuditPurpose::Backup;
    revoke_in(&mut o, 10000, &["WORK_ON_ISSUES"]);
    revoke_global(&mut o, &["CREATE_SHARED_OBJECTS"]);
    insta::assert_snapshot!(audit(o), @r"
        ok=true backup=true restore=false
        spaces ok: backup 2/2 restore 2/2, complete=true
        global missing: -
        OPS: -
        TEAM: -
        gaps: -
        root cause: -
        warnings: -
    ");
}

#[test]
fn manage_sprints_is_required_in_software_spaces_only() {
    let mut o = site();
    o.projects[1] = space("10001", "TEAM", true, "business");
    revoke_in(&mut o, 10000, &["MANAGE_SPRINTS_PERMISSION"]);
    revoke_in(&mut o, 10001, &["MANAGE_SPRINTS_PERMISSION"]);
    insta::assert_snapshot!(audit(o), @r"
        ok=false backup=false restore=false
        spaces ok: backup 1/2 restore 1/2, complete=true
        global missing: -
        OPS: MANAGE_SPRINTS_PERMISSION
        TEAM: -
        gaps: MANAGE_SPRINTS_PERMISSION[OPS]
        root cause: -
        warnings: -
    ");
}

#[test]
fn without_administer_coverage_is_partial() {
    let mut o = site();
    revoke_global(&mut o, &["ADMINISTER"]);
    insta::assert_snapshot!(audit(o), @r"
        ok=false backup=false restore=false
        spaces ok: backup 2/2 restore 2/2, complete=false
        global missing: ADMINISTER
        OPS: -
        TEAM: -
        gaps: -
        root cause: -
        warnings: partial_coverage
    ");
}

#[test]
fn no_product_access_is_the_root_cause_and_comes_first() {
    let mut o = site();
    o.myself = myself(&json!({"applicationRoles": {"size": 0, "items": []}}));
    o.project_granted.clear();
    o.extra_warnings
        .push(warning(WarningCode::TeamManaged, "from the run"));
    insta::assert_snapshot!(audit(o), @r"
        ok=false backup=false restore=false
        spaces ok: backup 0/2 restore 0/2, complete=true
        global missing: -
        OPS: ADMINISTER_PROJECTS BROWSE_PROJECTS MANAGE_SPRINTS_PERMISSION ASSIGN_ISSUES CREATE_ISSUES EDIT_ISSUES LINK_ISSUES MODIFY_REPORTER RESOLVE_ISSUES SCHEDULE_ISSUES TRANSITION_ISSUES MANAGE_WATCHERS ADD_COMMENTS CREATE_ATTACHMENTS WORK_ON_ISSUES
        TEAM: ADMINISTER_PROJECTS BROWSE_PROJECTS MANAGE_SPRINTS_PERMISSION ASSIGN_ISSUES CREATE_ISSUES EDIT_ISSUES LINK_ISSUES MODIFY_REPORTER RESOLVE_ISSUES SCHEDULE_ISSUES TRANSITION_ISSUES MANAGE_WATCHERS ADD_COMMENTS CREATE_ATTACHMENTS WORK_ON_ISSUES
        gaps: ADMINISTER_PROJECTS[OPS,TEAM] BROWSE_PROJECTS[OPS,TEAM] MANAGE_SPRINTS_PERMISSION[OPS,TEAM] ASSIGN_ISSUES[OPS,TEAM] CREATE_ISSUES[OPS,TEAM] EDIT_ISSUES[OPS,TEAM] LINK_ISSUES[OPS,TEAM] MODIFY_REPORTER[OPS,TEAM] RESOLVE_ISSUES[OPS,TEAM] SCHEDULE_ISSUES[OPS,TEAM] TRANSITION_ISSUES[OPS,TEAM] MANAGE_WATCHERS[OPS,TEAM] ADD_COMMENTS[OPS,TEAM] CREATE_ATTACHMENTS[OPS,TEAM] WORK_ON_ISSUES[OPS,TEAM]
        root cause: no_product_access
        warnings: no_product_access team_managed team_managed issue_security
    ");
}

#[test]
fn unexpanded_products_are_not_a_root_cause() {
    let mut o = site();
    o.myself = myself(&json!({"applicationRoles": {"size": 2, "items": []}}));
    insta::assert_snapshot!(audit(o), @r"
        ok=true backup=true restore=true
        spaces ok: backup 2/2 restore 2/2, complete=true
        global missing: -
        OPS: -
        TEAM: -
        gaps: -
        root cause: -
        warnings: -
    ");
}

#[test]
fn jsm_needs_agents_and_service_desks() {
    let mut o = site();
    o.application = Application::Jsm;
    o.projects
        .push(space("10003", "HELP", false, "service_desk"));
    o.project_granted
        .insert(10003, o.project_granted[&10000].clone());
    revoke_in(&mut o, 10003, &["SERVICEDESK_AGENT"]);
    o.service_desks = Some(0);
    insta::assert_snapshot!(audit(o), @r"
        ok=false backup=false restore=false
        spaces ok: backup 2/3 restore 2/3, complete=true
        global missing: -
        HELP: SERVICEDESK_AGENT
        OPS: -
        TEAM: -
        gaps: SERVICEDESK_AGENT[HELP]
        root cause: no_product_access
        warnings: no_product_access no_service_desks
    ");
}

#[test]
fn admin_settings_verdicts_rest_on_global_permissions() {
    let mut o = site();
    o.application = Application::JiraAdmin;
    revoke_in(&mut o, 10000, &["BROWSE_PROJECTS"]);
    insta::assert_snapshot!(audit(o), @r"
        ok=true backup=true restore=true
        spaces ok: backup 1/2 restore 1/2, complete=true
        global missing: -
        OPS: BROWSE_PROJECTS
        TEAM: -
        gaps: BROWSE_PROJECTS[OPS]
        root cause: -
        warnings: admin_settings_scope
    ");
}

#[test]
fn the_account_itself() {
    let mut o = site();
    o.myself = myself(
        &json!({"active": false, "accountType": "customer", "emailAddress": "other@acme.com"}),
    );
    insta::assert_snapshot!(audit(o), @r"
        ok=true backup=true restore=true
        spaces ok: backup 2/2 restore 2/2, complete=true
        global missing: -
        OPS: -
        TEAM: -
        gaps: -
        root cause: -
        warnings: inactive_account account_type email_mismatch
    ");

    let mut o = site();
    o.myself = myself(&json!({"emailAddress": "BACKUP@acme.com"}));
    insta::assert_snapshot!(audit(o), @r"
        ok=true backup=true restore=true
        spaces ok: backup 2/2 restore 2/2, complete=true
        global missing: -
        OPS: -
        TEAM: -
        gaps: -
        root cause: -
        warnings: -
    ");
}

#[test]
fn service_accounts_and_rovo_agents() {
    let case = |me: serde_json::Value| {
        let mut o = site();
        o.myself = myself(&me);
        let r = evaluate(o, 1, 1, DateTime::UNIX_EPOCH);
        let codes: Vec<&str> = r.warnings.iter().map(|w| w.code.code()).collect();
        format!(
            "service_account={} warnings={codes:?}",
            r.account.service_account
        )
    };
    let service = "x@serviceaccount.atlassian.com";
    insta::assert_snapshot!([
        case(json!({"accountType": "app", "appType": "service", "emailAddress": service})),
        case(json!({"accountType": "app", "emailAddress": service})),
        case(json!({"accountType": "app", "appType": "agent", "emailAddress": "backup@acme.com"})),
        case(json!({"accountType": "app", "emailAddress": "backup@acme.com"})),
    ].join("\n"), @r#"
        service_account=true warnings=["email_mismatch"]
        service_account=true warnings=["email_mismatch"]
        service_account=false warnings=["account_type"]
        service_account=false warnings=["account_type"]
    "#);
}

#[test]
fn software_team_managed_advice_and_archived_spaces() {
    let mut o = site();
    o.software_access = false;
    o.software_denied = Some(404);
    o.archived.push(space("10009", "OLD", false, "software"));
    revoke_in(&mut o, 10001, &["ASSIGN_ISSUES", "SET_ISSUE_SECURITY"]);
    let r = evaluate(o.clone(), 1, 1, DateTime::UNIX_EPOCH);
    let messages: Vec<String> = r
        .warnings
        .iter()
        .map(|w| format!("{}: {}", w.code.code(), w.message))
        .collect();
    insta::assert_snapshot!(audit(o), @r"
        ok=false backup=true restore=false
        spaces ok: backup 2/2 restore 1/2, complete=true
        global missing: -
        OPS: -
        TEAM: ASSIGN_ISSUES
        gaps: ASSIGN_ISSUES[TEAM]
        root cause: -
        warnings: team_managed no_software_access issue_security archived_projects
    ");
    insta::assert_snapshot!(messages.join("\n"), @r"
        team_managed: 1 team-managed space has gaps: Team-managed space: permission schemes do not apply. Open Space settings > Access and add the account with a role that grants these permissions (e.g. Administrator).
        no_software_access: The account has no Jira Software access (the boards API answered 404): boards and sprints cannot be backed up. Give the account a Jira Software licence (product access), or check that the site has Jira Software.
        issue_security: 1 space lacks Set work item security (TEAM): restored work items would lose their security level. Not required by backup services, but worth granting.
        archived_projects: 1 archived space is read-only and not audited; restore a space from the archive before backing it up or restoring into it.
    ");
}

#[test]
fn create_project_is_matched_by_its_name_or_warned_about() {
    let mut o = site();
    let (kind, name) = o.known.remove("CREATE_PROJECT").unwrap();
    o.known.insert("CREATE_TEAM_MANAGED".into(), (kind, name));
    o.global_granted.remove("CREATE_PROJECT");
    o.global_granted.insert("CREATE_TEAM_MANAGED".into());
    insta::assert_snapshot!(audit(o.clone()), @r"
        ok=true backup=true restore=true
        spaces ok: backup 2/2 restore 2/2, complete=true
        global missing: -
        OPS: -
        TEAM: -
        gaps: -
        root cause: -
        warnings: -
    ");

    o.known.remove("CREATE_TEAM_MANAGED");
    insta::assert_snapshot!(audit(o), @r"
        ok=true backup=true restore=true
        spaces ok: backup 2/2 restore 2/2, complete=true
        global missing: -
        OPS: -
        TEAM: -
        gaps: -
        root cause: -
        warnings: unknown_permission
    ");
}
