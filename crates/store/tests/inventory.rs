//! Inventory storage on SQLite and PostgreSQL: sites and racks, hosts with their lifecycle
//! and the metric hosts they extend, environments with their hosts and clients.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, TimeZone, Utc};
use domain::Error as DomainError;
use domain::infra::inventory::{CloudPlacement, HostResources};
use domain::infra::{EnvironmentKind, HostKind, HostStatus, SiteKind};
use store::identity::Author;
use store::infra::{
    EnvironmentDraft, HostDraft, HostListQuery, SiteDraft, environments, hosts, sites,
};
use store::{Db, storage_test};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 5, 9, 0, 0).unwrap()
}

fn author() -> Author {
    Author::integration("test")
}

fn resources() -> HostResources {
    HostResources {
        cores: 16,
        ram_bytes: 64 << 30,
        storage_bytes: 2_000_000_000_000,
    }
}

fn draft(name: &str) -> HostDraft {
    HostDraft {
        technical_name: name.into(),
        kind: HostKind::Physical,
        status: HostStatus::Planned,
        site_id: None,
        rack_id: None,
        cluster_id: None,
        resources: resources(),
        zabbix_host_id: None,
    }
}

async fn own_site(db: &Db, name: &str) -> sites::Site {
    let draft = SiteDraft {
        name: name.into(),
        kind: SiteKind::OwnDataCentre,
        cloud: None,
    };
    sites::create_site(db, &draft, &author(), now())
        .await
        .unwrap()
}

/// Returns whether `error` is a duplicate on `field`.
fn is_duplicate(error: &store::Error, field: &str) -> bool {
    matches!(error, store::Error::Domain(DomainError::Duplicate { field: f, .. }) if f == field)
}

/// Returns the field of an invalid-value error.
fn invalid_field(error: &store::Error) -> Option<String> {
    match error {
        store::Error::Domain(DomainError::Invalid(invalid)) => Some(invalid.field.clone()),
        _ => None,
    }
}

storage_test!(cloud_site_keeps_placement, async |db: Db| {
    let draft = SiteDraft {
        name: "Yandex ru-central1".into(),
        kind: SiteKind::CloudRegion,
        cloud: Some(CloudPlacement {
            provider: "Yandex Cloud".into(),
            account: "b1g-folder".into(),
            region: "ru-central1".into(),
        }),
    };
    let site = sites::create_site(&db, &draft, &author(), now())
        .await
        .unwrap();
    let stored = sites::get_site(&db, site.id).await.unwrap().unwrap();
    assert_eq!(stored.kind, SiteKind::CloudRegion);
    assert_eq!(stored.cloud, draft.cloud);
    assert_eq!(stored.version, 1);

    let error = sites::create_site(&db, &draft, &author(), now())
        .await
        .unwrap_err();
    assert!(is_duplicate(&error, "name"), "{error}");
});

storage_test!(site_update_checks_version, async |db: Db| {
    let site = own_site(&db, "ЦОД Москва").await;
    own_site(&db, "ЦОД Питер").await;
    let cloud = SiteDraft {
        name: "ЦОД Москва".into(),
        kind: SiteKind::CloudRegion,
        cloud: Some(CloudPlacement {
            provider: "Yandex Cloud".into(),
            account: "b1g".into(),
            region: "ru-central1".into(),
        }),
    };

    let unchanged = SiteDraft {
        name: "ЦОД Москва".into(),
        kind: SiteKind::OwnDataCentre,
        cloud: None,
    };
    let same = sites::update_site(&db, site.id, 1, &unchanged, &author(), now())
        .await
        .unwrap();
    assert_eq!(same.version, 1, "saving the same values keeps the version");

    let saved = sites::update_site(&db, site.id, 1, &cloud, &author(), now())
        .await
        .unwrap();
    assert_eq!(saved.version, 2);
    assert_eq!(saved.kind, SiteKind::CloudRegion);
    assert_eq!(saved.cloud, cloud.cloud);

    let stale = sites::update_site(&db, site.id, 1, &unchanged, &author(), now())
        .await
        .unwrap_err();
    assert!(
        matches!(
            stale,
            store::Error::Domain(DomainError::Conflict {
                expected: 1,
                current: 2
            })
        ),
        "{stale:?}"
    );

    let taken = SiteDraft {
        name: "ЦОД Питер".into(),
        ..unchanged
    };
    let error = sites::update_site(&db, site.id, 2, &taken, &author(), now())
        .await
        .unwrap_err();
    assert!(is_duplicate(&error, "name"), "{error:?}");
    let stored = sites::get_site(&db, site.id).await.unwrap().unwrap();
    assert_eq!(stored.name, "ЦОД Москва");
    assert_eq!(stored.version, 2);
});

storage_test!(rack_names_unique_per_site, async |db: Db| {
    let first = own_site(&db, "ЦОД-1").await;
    let second = own_site(&db, "ЦОД-2").await;
    sites::create_rack(&db, first.id, "A01", &author(), now())
        .await
        .unwrap();
    sites::create_rack(&db, second.id, "A01", &author(), now())
        .await
        .unwrap();
    let error = sites::create_rack(&db, first.id, "A01", &author(), now())
        .await
        .unwrap_err();
    assert!(is_duplicate(&error, "name"), "{error}");
    assert_eq!(sites::list_racks(&db, first.id).await.unwrap().len(), 1);
});

storage_test!(host_takes_site_of_rack, async |db: Db| {
    let site = own_site(&db, "ЦОД-1").await;
    let rack = sites::create_rack(&db, site.id, "A01", &author(), now())
        .await
        .unwrap();
    let mut new = draft("db-01");
    new.rack_id = Some(rack.id);
    let host = hosts::create(&db, &new, &author(), now()).await.unwrap();
    assert_eq!(host.site_id, Some(site.id));
    assert_eq!(host.site_name.as_deref(), Some("ЦОД-1"));
    assert_eq!(host.rack_name.as_deref(), Some("A01"));
    assert_eq!(host.resources, Some(resources()));
    assert_eq!(host.status, HostStatus::Planned);
});

storage_test!(host_rejects_rack_of_other_site, async |db: Db| {
    let site = own_site(&db, "ЦОД-1").await;
    let other = own_site(&db, "ЦОД-2").await;
    let rack = sites::create_rack(&db, site.id, "A01", &author(), now())
        .await
        .unwrap();
    let mut new = draft("db-01");
    new.site_id = Some(other.id);
    new.rack_id = Some(rack.id);
    let error = hosts::create(&db, &new, &author(), now())
        .await
        .unwrap_err();
    assert_eq!(invalid_field(&error).as_deref(), Some("rack_id"), "{error}");

    new.rack_id = Some(rack.id + 100);
    let error = hosts::create(&db, &new, &author(), now())
        .await
        .unwrap_err();
    assert_eq!(invalid_field(&error).as_deref(), Some("rack_id"), "{error}");
    let (found, total) = hosts::list(&db, &HostListQuery::default()).await.unwrap();
    assert_eq!(total, 0, "{found:?}");
});

storage_test!(host_adopts_imported_metric_host, async |db: Db| {
    let (imported, _) = store::metrics::ensure_host(&db, "web-07", now())
        .await
        .unwrap();
    let before = hosts::get(&db, imported.id).await.unwrap().unwrap();
    assert_eq!(before.kind, None);
    assert_eq!(before.resources, None);
    assert_eq!(before.status, HostStatus::Active);

    let mut new = draft("web-07");
    new.kind = HostKind::Virtual;
    let host = hosts::create(&db, &new, &author(), now()).await.unwrap();
    assert_eq!(host.id, imported.id);
    assert_eq!(host.kind, Some(HostKind::Virtual));

    let error = hosts::create(&db, &new, &author(), now())
        .await
        .unwrap_err();
    assert!(is_duplicate(&error, "technical_name"), "{error}");
});

storage_test!(host_new_status_planned_or_active, async |db: Db| {
    let mut new = draft("db-01");
    new.status = HostStatus::Retired;
    let error = hosts::create(&db, &new, &author(), now())
        .await
        .unwrap_err();
    assert_eq!(invalid_field(&error).as_deref(), Some("status"), "{error}");
});

storage_test!(host_lifecycle_steps_forward_only, async |db: Db| {
    let host = hosts::create(&db, &draft("db-01"), &author(), now())
        .await
        .unwrap();
    let mut change = draft("db-01");

    change.status = HostStatus::Retired;
    let error = hosts::update(&db, host.id, host.version, &change, &author(), now())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            store::Error::Domain(DomainError::InvalidTransition { .. })
        ),
        "{error}"
    );

    let mut version = host.version;
    for status in [
        HostStatus::Active,
        HostStatus::Decommissioning,
        HostStatus::Retired,
    ] {
        change.status = status;
        let saved = hosts::update(&db, host.id, version, &change, &author(), now())
            .await
            .unwrap();
        assert_eq!(saved.status, status);
        assert_eq!(saved.version, version + 1);
        version = saved.version;
    }

    change.status = HostStatus::Active;
    let error = hosts::update(&db, host.id, version, &change, &author(), now())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            store::Error::Domain(DomainError::InvalidTransition { .. })
        ),
        "{error}"
    );
});

storage_test!(host_stale_version_conflicts, async |db: Db| {
    let host = hosts::create(&db, &draft("db-01"), &author(), now())
        .await
        .unwrap();
    let mut change = draft("db-01");
    change.resources.cores = 32;
    hosts::update(&db, host.id, host.version, &change, &author(), now())
        .await
        .unwrap();
    change.resources.cores = 48;
    let error = hosts::update(&db, host.id, host.version, &change, &author(), now())
        .await
        .unwrap_err();
    assert!(
        matches!(error, store::Error::Domain(DomainError::Conflict { .. })),
        "{error}"
    );
    let stored = hosts::get(&db, host.id).await.unwrap().unwrap();
    assert_eq!(stored.resources.map(|r| r.cores), Some(32));
});

storage_test!(host_unchanged_save_keeps_version, async |db: Db| {
    let host = hosts::create(&db, &draft("db-01"), &author(), now())
        .await
        .unwrap();
    let saved = hosts::update(
        &db,
        host.id,
        host.version,
        &draft("db-01"),
        &author(),
        now(),
    )
    .await
    .unwrap();
    assert_eq!(saved.version, host.version);
});

storage_test!(host_zabbix_id_unique, async |db: Db| {
    let mut first = draft("db-01");
    first.zabbix_host_id = Some(10084);
    hosts::create(&db, &first, &author(), now()).await.unwrap();
    let mut second = draft("db-02");
    second.zabbix_host_id = Some(10084);
    let error = hosts::create(&db, &second, &author(), now())
        .await
        .unwrap_err();
    assert!(is_duplicate(&error, "zabbix_host_id"), "{error}");
});

storage_test!(host_list_filters_and_pages, async |db: Db| {
    let site = own_site(&db, "ЦОД-1").await;
    for name in ["db-01", "db-02", "web-01"] {
        let mut new = draft(name);
        new.site_id = Some(site.id);
        hosts::create(&db, &new, &author(), now()).await.unwrap();
    }
    hosts::create(&db, &draft("db_03"), &author(), now())
        .await
        .unwrap();

    let query = HostListQuery {
        text: Some("DB-".into()),
        ..HostListQuery::default()
    };
    let (found, total) = hosts::list(&db, &query).await.unwrap();
    assert_eq!(total, 2);
    let names: Vec<_> = found.iter().map(|h| h.technical_name.as_str()).collect();
    assert_eq!(names, ["db-01", "db-02"]);

    // `_` matches itself, not any character.
    let query = HostListQuery {
        text: Some("db_".into()),
        ..HostListQuery::default()
    };
    assert_eq!(hosts::list(&db, &query).await.unwrap().1, 1);

    let query = HostListQuery {
        site_id: Some(site.id),
        limit: 2,
        offset: 2,
        ..HostListQuery::default()
    };
    let (found, total) = hosts::list(&db, &query).await.unwrap();
    assert_eq!(total, 3);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].technical_name, "web-01");
});

/// Inserts a client company and returns its id.
async fn client(db: &Db, name: &str) -> i64 {
    let mut tx = db.begin().await.unwrap();
    let id = tx
        .fetch_scalar(
            "INSERT INTO clients (name, name_folded, created_at, updated_at) \
             VALUES ($1, $2, $3, $3) RETURNING id",
            store::args![name, name.to_lowercase(), now()],
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

storage_test!(environment_links_hosts_and_clients, async |db: Db| {
    let db01 = hosts::create(&db, &draft("db-01"), &author(), now())
        .await
        .unwrap();
    let web01 = hosts::create(&db, &draft("web-01"), &author(), now())
        .await
        .unwrap();
    let romashka = client(&db, "ООО «Ромашка»").await;
    let new = EnvironmentDraft {
        name: "prod-msk".into(),
        kind: EnvironmentKind::Prod,
        cluster_id: None,
        description: None,
        host_ids: vec![web01.id, db01.id, db01.id],
        client_ids: vec![romashka],
        shop_ids: vec![],
    };
    let env = environments::create(&db, &new, &author(), now())
        .await
        .unwrap();
    let hosts_of = environments::hosts_of(&db, env.id).await.unwrap();
    let names: Vec<_> = hosts_of.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["db-01", "web-01"]);
    let clients_of = environments::clients_of(&db, env.id).await.unwrap();
    assert_eq!(clients_of[0].id, romashka);
    let of_host = environments::environments_of_host(&db, db01.id)
        .await
        .unwrap();
    assert_eq!(of_host[0].name, "prod-msk");

    let mut change = new.clone();
    change.host_ids = vec![db01.id];
    change.client_ids = vec![];
    let saved = environments::update(&db, env.id, env.version, &change, &author(), now())
        .await
        .unwrap();
    assert_eq!(saved.version, 2);
    assert_eq!(environments::hosts_of(&db, env.id).await.unwrap().len(), 1);
    assert!(
        environments::clients_of(&db, env.id)
            .await
            .unwrap()
            .is_empty()
    );
});

storage_test!(environment_unknown_host_changes_nothing, async |db: Db| {
    let new = EnvironmentDraft {
        name: "test-1".into(),
        kind: EnvironmentKind::Test,
        cluster_id: None,
        description: None,
        host_ids: vec![999],
        client_ids: vec![],
        shop_ids: vec![],
    };
    let error = environments::create(&db, &new, &author(), now())
        .await
        .unwrap_err();
    assert_eq!(
        invalid_field(&error).as_deref(),
        Some("host_ids"),
        "{error}"
    );
    assert!(environments::list(&db, None).await.unwrap().is_empty());
});

storage_test!(service_name_unique, async |db: Db| {
    environments::create_service(&db, "storefront", None, &author(), now())
        .await
        .unwrap();
    let error = environments::create_service(&db, "storefront", None, &author(), now())
        .await
        .unwrap_err();
    assert!(is_duplicate(&error, "name"), "{error}");
    let found = environments::find_service(&db, "storefront").await.unwrap();
    assert_eq!(found.map(|s| s.name).as_deref(), Some("storefront"));
});
