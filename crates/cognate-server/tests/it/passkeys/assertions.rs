//! The sign-in half of passkeys through the core API that the `WEB_AUTHN` challenge uses:
//! request options name only the user's passkeys; an assertion passes once; replays,
//! another user's passkey, another relying party or origin, a signature counter that
//! went back, expired state and deleted passkeys are refused.

use super::authenticator::Device;
use super::{DOMAIN, ORIGIN, passkey_pool, register, signed_in_user, token_for};
use serde_json::{Value, json};

backend_tests! {
    async fn passkey_assertions(app) {
        let pool = passkey_pool(&app, Some(DOMAIN), true).await;
        let alice_token = signed_in_user(&app, &pool, "alice").await;
        let bob_token = signed_in_user(&app, &pool, "bob").await;
        let mut alice_phone = Device::new();
        let mut bob_phone = Device::with_counter(false);
        let alice_key = register(&app, &alice_token, &mut alice_phone).await;
        let bob_key = register(&app, &bob_token, &mut bob_phone).await;

        let core = &app.core;
        let store = core.store();
        let record = store.get_pool(&pool.id).await.unwrap().unwrap();
        let alice = store.find_user_by_login(&pool.id, "alice").await.unwrap().unwrap();
        let bob = store.find_user_by_login(&pool.id, "bob").await.unwrap().unwrap();
        assert!(core.has_passkeys(&record, &alice).await.unwrap());

        // Options name alice's passkey only; her assertion passes once.
        let (options, state) = core.passkey_request_options(&record, &alice).await.unwrap();
        let options: Value = serde_json::from_str(&options).unwrap();
        assert_eq!(options["rpId"], DOMAIN);
        let allowed: Vec<&str> = options["allowCredentials"].as_array().unwrap()
            .iter().map(|c| c["id"].as_str().unwrap()).collect();
        assert_eq!(allowed, [alice_key.as_str()]);
        let assertion = alice_phone.get(ORIGIN, &options).await;
        let ok = core.verify_passkey_assertion(&record, &alice, &state, &assertion).await.unwrap();
        assert_eq!(ok.credential_id, alice_key);
        assert!(ok.user_verified);
        let used = store.find_webauthn_credential(&pool.id, &alice_key).await.unwrap().unwrap();
        assert_eq!(used.sign_count, 1);
        assert!(used.last_used_at.is_some());

        // Replayed: the state is spent.
        let replay = core.verify_passkey_assertion(&record, &alice, &state, &assertion).await;
        assert!(matches!(replay, Err(cognate_core::CoreError::NotAuthorized(_))), "{replay:?}");
        // The old assertion does not answer a fresh challenge either.
        let (_, fresh) = core.passkey_request_options(&record, &alice).await.unwrap();
        assert!(core.verify_passkey_assertion(&record, &alice, &fresh, &assertion).await.is_err());

        // Without a counter (it stays 0) only the spent state stops a replay.
        let (options, state) = core.passkey_request_options(&record, &bob).await.unwrap();
        let options: Value = serde_json::from_str(&options).unwrap();
        let assertion = bob_phone.get(ORIGIN, &options).await;
        core.verify_passkey_assertion(&record, &bob, &state, &assertion).await.unwrap();
        let replay = core.verify_passkey_assertion(&record, &bob, &state, &assertion).await;
        assert!(
            matches!(&replay, Err(cognate_core::CoreError::NotAuthorized(m)) if m.contains("only be used once")),
            "{replay:?}"
        );
        let used = store.find_webauthn_credential(&pool.id, &bob_key).await.unwrap().unwrap();
        assert_eq!(used.sign_count, 0);

        // Bob's passkey answering alice's challenge, or alice's state used for bob.
        let (options, state) = core.passkey_request_options(&record, &alice).await.unwrap();
        let mut options: Value = serde_json::from_str(&options).unwrap();
        options["allowCredentials"] = json!([{"type": "public-key", "id": bob_key}]);
        let bobs = bob_phone.get(ORIGIN, &options).await;
        assert!(core.verify_passkey_assertion(&record, &alice, &state, &bobs).await.is_err());
        // The user handle is optional in an assertion: without it the owner check alone
        // must refuse.
        let (options, state) = core.passkey_request_options(&record, &alice).await.unwrap();
        let mut options: Value = serde_json::from_str(&options).unwrap();
        options["allowCredentials"] = json!([{"type": "public-key", "id": bob_key}]);
        let mut anonymous: Value = serde_json::from_str(&bob_phone.get(ORIGIN, &options).await).unwrap();
        anonymous["response"].as_object_mut().unwrap().remove("userHandle");
        let anonymous = anonymous.to_string();
        assert!(core.verify_passkey_assertion(&record, &alice, &state, &anonymous).await.is_err());
        let (_, state) = core.passkey_request_options(&record, &alice).await.unwrap();
        assert!(core.verify_passkey_assertion(&record, &bob, &state, &bobs).await.is_err());

        // An assertion made for another relying party id (from an allowed origin).
        let (options, state) = core.passkey_request_options(&record, &alice).await.unwrap();
        let mut options: Value = serde_json::from_str(&options).unwrap();
        options["rpId"] = json!("example.com");
        let foreign = alice_phone.get(ORIGIN, &options).await;
        assert!(core.verify_passkey_assertion(&record, &alice, &state, &foreign).await.is_err());
        // ... or from another origin.
        let (options, state) = core.passkey_request_options(&record, &alice).await.unwrap();
        let mut options: Value = serde_json::from_str(&options).unwrap();
        options["rpId"] = json!("login.evil.test");
        let phished = alice_phone.get("https://login.evil.test", &options).await;
        assert!(core.verify_passkey_assertion(&record, &alice, &state, &phished).await.is_err());

        // A signature counter that went back (a cloned authenticator) is refused.
        let stored = store.find_webauthn_credential(&pool.id, &alice_key).await.unwrap().unwrap();
        let (options, state) = core.passkey_request_options(&record, &alice).await.unwrap();
        let options: Value = serde_json::from_str(&options).unwrap();
        alice_phone.set_counter(0);
        let cloned = alice_phone.get(ORIGIN, &options).await;
        assert!(core.verify_passkey_assertion(&record, &alice, &state, &cloned).await.is_err());
        let after = store.find_webauthn_credential(&pool.id, &alice_key).await.unwrap().unwrap();
        assert_eq!(after.sign_count, stored.sign_count);
        // A counter that moved forward is accepted and stored.
        alice_phone.set_counter(41);
        let (options, state) = core.passkey_request_options(&record, &alice).await.unwrap();
        let options: Value = serde_json::from_str(&options).unwrap();
        let assertion = alice_phone.get(ORIGIN, &options).await;
        core.verify_passkey_assertion(&record, &alice, &state, &assertion).await.unwrap();
        let after = store.find_webauthn_credential(&pool.id, &alice_key).await.unwrap().unwrap();
        assert_eq!(after.sign_count, 42);

        // Expired state.
        let (options, state) = core.passkey_request_options(&record, &alice).await.unwrap();
        let options: Value = serde_json::from_str(&options).unwrap();
        let late = alice_phone.get(ORIGIN, &options).await;
        app.clock.advance_secs(3 * 60 + 1);
        let expired = core.verify_passkey_assertion(&record, &alice, &state, &late).await;
        assert!(matches!(&expired, Err(cognate_core::CoreError::NotAuthorized(m)) if m.contains("expired")), "{expired:?}");

        // A deleted passkey no longer signs in.
        let (options, state) = core.passkey_request_options(&record, &alice).await.unwrap();
        let options: Value = serde_json::from_str(&options).unwrap();
        let assertion = alice_phone.get(ORIGIN, &options).await;
        let token = token_for(&app, &pool.client, "alice").await;
        app.idp.delete_web_authn_credential().access_token(&token).credential_id(&alice_key)
            .send().await.unwrap();
        assert!(core.verify_passkey_assertion(&record, &alice, &state, &assertion).await.is_err());
        assert!(!core.has_passkeys(&record, &alice).await.unwrap());
        assert!(core.passkey_request_options(&record, &alice).await.is_err());
    }
}
