//! `ThreatStore`: risk configurations per pool and client, auth events with their
//! cursor order, targeted updates that queue a message atomically, the per-address
//! failure count, pruning, and cleanup with the user and the pool.

use crate::fixtures::{T0, add_user, client, message, pool};
use cognate_core::store::{
    AuthEventRecord, AuthEventUpdate, EventFeedbackRecord, RiskConfigRecord, Store, StoreError,
};
use cognate_proto::threat::{
    CompromisedCredentialsActionsType, CompromisedCredentialsRiskConfigurationType,
    RiskConfigurationType, RiskExceptionConfigurationType,
};

const POOL: &str = "us-east-1_threat";

fn config(action: &str) -> RiskConfigurationType {
    RiskConfigurationType {
        compromised_credentials_risk_configuration: Some(
            CompromisedCredentialsRiskConfigurationType {
                event_filter: Some(vec!["SIGN_IN".into()]),
                actions: Some(CompromisedCredentialsActionsType {
                    event_action: Some(action.into()),
                }),
            },
        ),
        risk_exception_configuration: Some(RiskExceptionConfigurationType {
            blocked_ip_range_list: Some(vec!["10.0.0.0/8".into()]),
            skipped_ip_range_list: None,
        }),
        ..RiskConfigurationType::default()
    }
}

fn event(id: &str, user_id: Option<i64>, ip: &str, response: &str, at: i64) -> AuthEventRecord {
    AuthEventRecord {
        seq: 0,
        event_id: id.to_owned(),
        pool_id: POOL.to_owned(),
        user_id,
        client_id: Some("client1".into()),
        event_type: "SignIn".into(),
        response: response.into(),
        risk_decision: Some("NoRisk".into()),
        risk_level: Some("Low".into()),
        compromised: true,
        challenges: vec![("Password".into(), "Success".into())],
        ip: Some(ip.into()),
        network: Some("203.0.113.0/24".into()),
        device_key: Some("abc".into()),
        device_name: Some("Firefox, Linux".into()),
        timezone: Some("+01:00".into()),
        score: Some(25),
        reasons: vec!["new_device".into()],
        feedback: None,
        feedback_token_hash: None,
        created_at: at,
    }
}

pub async fn threat_risk_config_per_pool_and_client(store: &dyn Store) {
    store.insert_pool(&pool(POOL)).await.unwrap();
    store.insert_client(&client(POOL, "client1")).await.unwrap();
    assert_eq!(store.get_risk_config(POOL, None).await.unwrap(), None);
    let pool_wide = RiskConfigRecord {
        pool_id: POOL.into(),
        client_id: None,
        config: config("BLOCK"),
        updated_at: T0,
    };
    store.put_risk_config(&pool_wide).await.unwrap();
    let for_client = RiskConfigRecord {
        client_id: Some("client1".into()),
        config: config("NO_ACTION"),
        updated_at: T0 + 1,
        ..pool_wide.clone()
    };
    store.put_risk_config(&for_client).await.unwrap();
    assert_eq!(
        store.get_risk_config(POOL, None).await.unwrap(),
        Some(pool_wide.clone())
    );
    assert_eq!(
        store.get_risk_config(POOL, Some("client1")).await.unwrap(),
        Some(for_client)
    );

    // A second put replaces.
    let replaced = RiskConfigRecord {
        config: config("NO_ACTION"),
        updated_at: T0 + 2,
        ..pool_wide
    };
    store.put_risk_config(&replaced).await.unwrap();
    assert_eq!(
        store.get_risk_config(POOL, None).await.unwrap(),
        Some(replaced)
    );

    assert!(
        store
            .delete_risk_config(POOL, Some("client1"))
            .await
            .unwrap()
    );
    assert!(
        !store
            .delete_risk_config(POOL, Some("client1"))
            .await
            .unwrap()
    );
    assert!(store.get_risk_config(POOL, None).await.unwrap().is_some());

    // Configurations go with the pool.
    assert!(store.delete_pool(POOL).await.unwrap());
    store.insert_pool(&pool(POOL)).await.unwrap();
    assert_eq!(store.get_risk_config(POOL, None).await.unwrap(), None);
}

pub async fn threat_events_list_newest_first_with_cursor(store: &dyn Store) {
    store.insert_pool(&pool(POOL)).await.unwrap();
    let alice = add_user(store, POOL, "alice").await;
    let bob = add_user(store, POOL, "bob").await;
    // Two events share a timestamp: insertion order breaks the tie.
    for (id, at) in [
        ("e1", T0),
        ("e2", T0 + 10),
        ("e3", T0 + 10),
        ("e4", T0 + 20),
    ] {
        let seq = store
            .insert_auth_event(&event(id, Some(alice.id), "203.0.113.5", "Pass", at))
            .await
            .unwrap();
        assert!(seq > 0);
    }
    store
        .insert_auth_event(&event("b1", Some(bob.id), "203.0.113.5", "Pass", T0 + 30))
        .await
        .unwrap();
    let dup = store
        .insert_auth_event(&event("e1", Some(alice.id), "203.0.113.5", "Pass", T0))
        .await;
    assert!(matches!(dup, Err(StoreError::Conflict { ref what }) if what == "auth_event"));

    let first = store
        .list_auth_events(POOL, alice.id, None, 2)
        .await
        .unwrap();
    let ids: Vec<&str> = first.iter().map(|e| e.event_id.as_str()).collect();
    assert_eq!(ids, ["e4", "e3"]);
    let last = first.last().unwrap();
    let rest = store
        .list_auth_events(POOL, alice.id, Some((last.created_at, last.seq)), 10)
        .await
        .unwrap();
    let ids: Vec<&str> = rest.iter().map(|e| e.event_id.as_str()).collect();
    assert_eq!(ids, ["e2", "e1"]);

    // Every column round-trips.
    let stored = store.get_auth_event(POOL, "e1").await.unwrap().unwrap();
    assert_eq!(
        stored,
        AuthEventRecord {
            seq: stored.seq,
            ..event("e1", Some(alice.id), "203.0.113.5", "Pass", T0)
        }
    );
    assert_eq!(
        store.get_auth_event("us-east-1_other", "e1").await.unwrap(),
        None
    );

    // Events go with their user.
    assert!(store.delete_user(POOL, alice.id).await.unwrap());
    assert_eq!(store.get_auth_event(POOL, "e1").await.unwrap(), None);
    assert!(store.get_auth_event(POOL, "b1").await.unwrap().is_some());
}

pub async fn threat_event_updates_are_targeted_and_queue_atomically(store: &dyn Store) {
    store.insert_pool(&pool(POOL)).await.unwrap();
    let alice = add_user(store, POOL, "alice").await;
    store
        .insert_auth_event(&event(
            "e1",
            Some(alice.id),
            "203.0.113.5",
            "InProgress",
            T0,
        ))
        .await
        .unwrap();
    let done = AuthEventUpdate {
        response: Some("Pass".into()),
        challenges: Some(vec![
            ("Password".into(), "Success".into()),
            ("Mfa".into(), "Success".into()),
        ]),
        ..AuthEventUpdate::default()
    };
    assert!(
        store
            .update_auth_event(POOL, "e1", &done, None)
            .await
            .unwrap()
    );
    let feedback = AuthEventUpdate {
        feedback: Some(EventFeedbackRecord {
            value: "Valid".into(),
            provider: "Admin".into(),
            at: T0 + 5,
        }),
        feedback_token_hash: Some("hash".into()),
        ..AuthEventUpdate::default()
    };
    let mail = message(POOL, "alice@example.com", "Was this you?");
    assert!(
        store
            .update_auth_event(POOL, "e1", &feedback, Some(&mail))
            .await
            .unwrap()
    );
    let e = store.get_auth_event(POOL, "e1").await.unwrap().unwrap();
    assert_eq!(e.response, "Pass");
    assert_eq!(e.challenges.len(), 2);
    assert_eq!(e.feedback.unwrap().value, "Valid");
    assert_eq!(e.feedback_token_hash.as_deref(), Some("hash"));
    assert_eq!(
        store.list_outbox(POOL, 10).await.unwrap(),
        vec![mail.clone()]
    );

    // An unknown event changes nothing and queues nothing.
    assert!(
        !store
            .update_auth_event(POOL, "nope", &feedback, Some(&mail))
            .await
            .unwrap()
    );
    assert_eq!(store.list_outbox(POOL, 10).await.unwrap().len(), 1);
}

pub async fn threat_ip_failures_and_pruning(store: &dyn Store) {
    store.insert_pool(&pool(POOL)).await.unwrap();
    let alice = add_user(store, POOL, "alice").await;
    let ip = "198.51.100.9";
    store
        .insert_auth_event(&event("f1", Some(alice.id), ip, "Fail", T0))
        .await
        .unwrap();
    store
        .insert_auth_event(&event("f2", None, ip, "Fail", T0 + 100))
        .await
        .unwrap();
    store
        .insert_auth_event(&event("f3", None, ip, "Fail", T0 + 200))
        .await
        .unwrap();
    store
        .insert_auth_event(&event("p1", Some(alice.id), ip, "Pass", T0 + 300))
        .await
        .unwrap();
    store
        .insert_auth_event(&event("o1", None, "198.51.100.10", "Fail", T0 + 300))
        .await
        .unwrap();
    assert_eq!(store.count_ip_failures(POOL, ip, T0).await.unwrap(), 3);
    assert_eq!(
        store.count_ip_failures(POOL, ip, T0 + 150).await.unwrap(),
        1
    );
    assert_eq!(
        store
            .count_ip_failures("us-east-1_other", ip, T0)
            .await
            .unwrap(),
        0
    );

    assert_eq!(store.prune_auth_events(T0 + 150).await.unwrap(), 2);
    assert_eq!(store.get_auth_event(POOL, "f1").await.unwrap(), None);
    assert!(store.get_auth_event(POOL, "f3").await.unwrap().is_some());

    // Events without a user go with the pool.
    assert!(store.delete_pool(POOL).await.unwrap());
    assert_eq!(store.count_ip_failures(POOL, ip, 0).await.unwrap(), 0);
}

pub async fn threat_event_updates_can_require_the_current_response(store: &dyn Store) {
    store.insert_pool(&pool(POOL)).await.unwrap();
    let alice = add_user(store, POOL, "alice").await;
    store
        .insert_auth_event(&event(
            "e1",
            Some(alice.id),
            "203.0.113.5",
            "InProgress",
            T0,
        ))
        .await
        .unwrap();
    let end = |response: &str| AuthEventUpdate {
        response: Some(response.into()),
        challenges: Some(vec![("Password".into(), "Success".into())]),
        only_if_response: Some("InProgress".into()),
        ..AuthEventUpdate::default()
    };
    // The first end wins; a late or replayed one cannot turn the outcome around.
    assert!(
        store
            .update_auth_event(POOL, "e1", &end("Pass"), None)
            .await
            .unwrap()
    );
    let mail = message(POOL, "alice@example.com", "Was this you?");
    assert!(
        !store
            .update_auth_event(POOL, "e1", &end("Fail"), Some(&mail))
            .await
            .unwrap()
    );
    let e = store.get_auth_event(POOL, "e1").await.unwrap().unwrap();
    assert_eq!(e.response, "Pass");
    assert!(store.list_outbox(POOL, 10).await.unwrap().is_empty());
    // Without the condition the update applies as before.
    let feedback = AuthEventUpdate {
        feedback_token_hash: Some("hash".into()),
        ..AuthEventUpdate::default()
    };
    assert!(
        store
            .update_auth_event(POOL, "e1", &feedback, None)
            .await
            .unwrap()
    );
    let e = store.get_auth_event(POOL, "e1").await.unwrap().unwrap();
    assert_eq!(
        (e.response.as_str(), e.feedback_token_hash.as_deref()),
        ("Pass", Some("hash"))
    );
}
