//! Releases and deployments on SQLite and PostgreSQL: recording, the version each service
//! runs in an environment, and the bug tickets a release fixes.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::Error as DomainError;
use domain::infra::{DeploymentResult, EnvironmentKind};
use store::identity::Author;
use store::infra::releases::{self, DeploymentFilter, NewDeployment};
use store::infra::{EnvironmentDraft, environments};
use store::{Db, storage_test};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 5, 9, 0, 0).unwrap()
}

fn author() -> Author {
    Author::integration("test")
}

/// Creates the service `storefront` and the environments `prod` and `test`, and returns the
/// ids of the environments.
async fn setup(db: &Db) -> (i64, i64) {
    environments::create_service(db, "storefront", None, &author(), now())
        .await
        .unwrap();
    let mut ids = Vec::new();
    for (name, kind) in [
        ("prod", EnvironmentKind::Prod),
        ("test", EnvironmentKind::Test),
    ] {
        let draft = EnvironmentDraft {
            name: name.into(),
            kind,
            cluster_id: None,
            description: None,
            host_ids: vec![],
            client_ids: vec![],
            shop_ids: vec![],
        };
        ids.push(
            environments::create(db, &draft, &author(), now())
                .await
                .unwrap()
                .id,
        );
    }
    (ids[0], ids[1])
}

fn deployment(
    version: &str,
    environment: &str,
    result: DeploymentResult,
    minute: i64,
) -> NewDeployment {
    NewDeployment {
        service: "storefront".into(),
        version: version.into(),
        environment: environment.into(),
        result,
        deployed_at: now() + Duration::minutes(minute),
        deployed_by: "ci".into(),
    }
}

fn invalid_field(error: &store::Error) -> Option<String> {
    match error {
        store::Error::Domain(DomainError::Invalid(invalid)) => Some(invalid.field.clone()),
        _ => None,
    }
}

storage_test!(deployment_creates_missing_release, async |db: Db| {
    let (prod, _) = setup(&db).await;
    let new = deployment("2.4.1", "prod", DeploymentResult::Succeeded, 0);
    let (first, created) = releases::record_deployment(&db, &new, &author(), now())
        .await
        .unwrap();
    assert!(created);
    assert_eq!(first.environment_id, prod);
    assert_eq!(first.version, "2.4.1");
    let (second, created_again) = releases::record_deployment(&db, &new, &author(), now())
        .await
        .unwrap();
    assert!(!created_again);
    assert_eq!(second.release_id, first.release_id);
    let listed = releases::list_releases(&db, None, 10).await.unwrap();
    assert_eq!(listed.len(), 1);
});

storage_test!(deployment_unknown_names_rejected, async |db: Db| {
    setup(&db).await;
    let mut new = deployment("1.0", "prod", DeploymentResult::Succeeded, 0);
    new.service = "checkout".into();
    let error = releases::record_deployment(&db, &new, &author(), now())
        .await
        .unwrap_err();
    assert_eq!(invalid_field(&error).as_deref(), Some("service"), "{error}");

    let mut new = deployment("1.0", "prod", DeploymentResult::Succeeded, 0);
    new.environment = "prod-spb".into();
    let error = releases::record_deployment(&db, &new, &author(), now())
        .await
        .unwrap_err();
    assert_eq!(
        invalid_field(&error).as_deref(),
        Some("environment"),
        "{error}"
    );
    assert!(
        releases::list_releases(&db, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
});

storage_test!(running_version_per_environment, async |db: Db| {
    let (prod, test) = setup(&db).await;
    let steps = [
        ("1.0", "prod", DeploymentResult::Succeeded, 0),
        ("1.1", "test", DeploymentResult::Succeeded, 1),
        ("1.1", "prod", DeploymentResult::Succeeded, 2),
        ("1.1", "prod", DeploymentResult::RolledBack, 3),
        ("1.2", "prod", DeploymentResult::Failed, 4),
    ];
    for (version, environment, result, minute) in steps {
        let new = deployment(version, environment, result, minute);
        releases::record_deployment(&db, &new, &author(), now())
            .await
            .unwrap();
    }
    let in_prod = releases::running_in(&db, prod).await.unwrap();
    assert_eq!(in_prod.len(), 1);
    assert_eq!(in_prod[0].version, "1.0");
    assert_eq!(in_prod[0].deployed_at, now());
    let in_test = releases::running_in(&db, test).await.unwrap();
    assert_eq!(in_test[0].version, "1.1");

    let filter = DeploymentFilter {
        environment_id: Some(prod),
        ..DeploymentFilter::default()
    };
    let history = releases::list_deployments(&db, &filter, 10).await.unwrap();
    let versions: Vec<_> = history.iter().map(|d| d.version.as_str()).collect();
    assert_eq!(versions, ["1.2", "1.1", "1.1", "1.0"]);
    assert_eq!(history[0].result, DeploymentResult::Failed);
});

storage_test!(release_version_unique_per_service, async |db: Db| {
    setup(&db).await;
    releases::create_release(
        &db,
        "storefront",
        "3.0",
        Some("Новая корзина"),
        &author(),
        now(),
    )
    .await
    .unwrap();
    let error = releases::create_release(&db, "storefront", "3.0", None, &author(), now())
        .await
        .unwrap_err();
    assert!(
        matches!(&error, store::Error::Domain(DomainError::Duplicate { field, .. }) if field == "version"),
        "{error}"
    );
});

/// Creates a ticket of `kind` and returns its id.
async fn ticket(db: &Db, kind: domain::servicedesk::Kind) -> i64 {
    let new = store::servicedesk::NewTicket {
        kind,
        source: domain::servicedesk::Source::Staff,
        priority: domain::servicedesk::Priority::P3,
        queue: "development".into(),
        title: "Корзина теряет товары".into(),
        description: "Описание".into(),
        client_id: None,
        zabbix: None,
    };
    store::servicedesk::tickets::create(db, &new, &Author::system(), now())
        .await
        .unwrap()
        .id
}

storage_test!(bug_links_to_fixing_release, async |db: Db| {
    setup(&db).await;
    let first = releases::create_release(&db, "storefront", "3.0", None, &author(), now())
        .await
        .unwrap();
    let second = releases::create_release(&db, "storefront", "3.1", None, &author(), now())
        .await
        .unwrap();
    let bug = ticket(&db, domain::servicedesk::Kind::Bug).await;
    releases::link_fix(&db, first.id, bug, &author(), now())
        .await
        .unwrap();
    releases::link_fix(&db, second.id, bug, &author(), now())
        .await
        .unwrap();
    let fixing = releases::release_fixing(&db, bug).await.unwrap().unwrap();
    assert_eq!(fixing.version, "3.1");
    assert!(
        releases::fixed_tickets(&db, first.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        releases::fixed_tickets(&db, second.id).await.unwrap()[0].id,
        bug
    );

    let incident = ticket(&db, domain::servicedesk::Kind::Incident).await;
    let error = releases::link_fix(&db, second.id, incident, &author(), now())
        .await
        .unwrap_err();
    assert_eq!(
        invalid_field(&error).as_deref(),
        Some("ticket_id"),
        "{error}"
    );
    assert!(
        releases::release_fixing(&db, incident)
            .await
            .unwrap()
            .is_none()
    );
});
