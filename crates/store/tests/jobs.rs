use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use abide_store::{Clock, Enqueued, JobState, Store, StoreError};
use abide_testkit::{Engine, TestDb, engine_test, store_test};
use jiff::{SignedDuration, Timestamp};

use crate::util::{
    AlwaysFails, RecordEffect, create_effects_table, effect_runs, on_a_simulated_clock, worker,
};

fn effect(token: &str) -> RecordEffect {
    RecordEffect {
        token: token.to_owned(),
    }
}

async fn a_job_runs_once_and_is_done(db: TestDb) {
    let store = &db.store;
    create_effects_table(store).await;
    let id = store.enqueue(&effect("welcome-42")).await.unwrap();
    assert!(matches!(id, Enqueued::New(_)));

    let worker = worker(store, "w1", false, Duration::from_secs(30));
    assert_eq!(worker.run_until_idle().await.unwrap(), 1);
    assert_eq!(effect_runs(store, "welcome-42").await, 1);
    let (state, attempts, error) = store.job_state(id.id()).await.unwrap().unwrap();
    assert_eq!((state, attempts, error), (JobState::Done, 1, None));

    // Running again twice finds nothing: one effect.
    assert_eq!(worker.run_until_idle().await.unwrap(), 0);
    assert_eq!(worker.run_until_idle().await.unwrap(), 0);
    assert_eq!(effect_runs(store, "welcome-42").await, 1);
}
store_test!(a_job_runs_once_and_is_done);

async fn the_same_key_enqueues_once_for_ever(db: TestDb) {
    let store = &db.store;
    create_effects_table(store).await;
    let first = store.enqueue(&effect("day-3-to-7")).await.unwrap();
    let second = store.enqueue(&effect("day-3-to-7")).await.unwrap();
    assert_eq!(second, Enqueued::Duplicate(first.id()));

    worker(store, "w1", false, Duration::from_secs(30))
        .run_until_idle()
        .await
        .unwrap();
    // Still a duplicate once the first is done: the effect must not repeat.
    let third = store.enqueue(&effect("day-3-to-7")).await.unwrap();
    assert_eq!(third, Enqueued::Duplicate(first.id()));
    assert_eq!(store.job_stats().await.unwrap().done, 1);
    assert_eq!(store.job_stats().await.unwrap().pending, 0);
}
store_test!(the_same_key_enqueues_once_for_ever);

async fn a_job_enqueued_in_a_rolled_back_transaction_does_not_exist(db: TestDb) {
    let store = &db.store;
    let mut tx = store.begin_write().await.unwrap();
    store
        .enqueue_in(&mut tx, &effect("never"), Duration::ZERO)
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(store.job_stats().await.unwrap().pending, 0);

    let mut tx = store.begin_write().await.unwrap();
    store
        .enqueue_in(&mut tx, &effect("kept"), Duration::ZERO)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(store.job_stats().await.unwrap().pending, 1);
}
store_test!(a_job_enqueued_in_a_rolled_back_transaction_does_not_exist);

async fn a_delayed_job_waits(db: TestDb) {
    let store = &db.store;
    create_effects_table(store).await;
    store
        .enqueue_after(&effect("later"), Duration::from_secs(3600))
        .await
        .unwrap();
    let worker = worker(store, "w1", false, Duration::from_secs(30));
    assert_eq!(worker.run_until_idle().await.unwrap(), 0);
    assert_eq!(store.job_stats().await.unwrap().pending, 1);
}
store_test!(a_delayed_job_waits);

async fn concurrent_claimers_never_share_a_job(db: TestDb) {
    const JOBS: usize = 120;
    const CLAIMERS: usize = 8;
    for i in 0..JOBS {
        db.store
            .enqueue(&effect(&format!("job-{i}")))
            .await
            .unwrap();
    }
    // Two "nodes" (separate pools), four claimers each, all racing.
    let nodes = [db.another_store().await, db.another_store().await];
    let mut tasks = tokio::task::JoinSet::new();
    for c in 0..CLAIMERS {
        let store = nodes[c % 2].clone();
        tasks.spawn(async move {
            let mut held = Vec::new();
            while let Some(job) = store
                .claim("test", &format!("claimer-{c}"), Duration::from_secs(60))
                .await
                .unwrap()
            {
                held.push(job);
                tokio::task::yield_now().await;
            }
            // Complete only after claiming everything this claimer could get, so
            // that every claim overlapped with the others.
            for job in &held {
                store.complete(job).await.unwrap();
            }
            held.into_iter().map(|j| j.id).collect::<Vec<_>>()
        });
    }
    let mut seen = HashSet::new();
    let mut busy_claimers = 0;
    while let Some(ids) = tasks.join_next().await {
        let ids = ids.unwrap();
        busy_claimers += usize::from(!ids.is_empty());
        for id in ids {
            assert!(seen.insert(id), "job {id} was held by two claimers");
        }
    }
    assert_eq!(seen.len(), JOBS);
    assert!(busy_claimers > 1, "the claimers did not actually race");
    let stats = db.store.job_stats().await.unwrap();
    assert_eq!(
        (stats.done, stats.pending, stats.running),
        (JOBS as i64, 0, 0)
    );
}
store_test!(concurrent_claimers_never_share_a_job);

async fn an_expired_lease_passes_the_job_on_and_the_first_holder_cannot_finish(db: TestDb) {
    let (store, clock) = on_a_simulated_clock(&db);
    let store = &store;
    store.enqueue(&effect("slow")).await.unwrap();
    let first = store
        .claim("test", "stalled", Duration::from_millis(200))
        .await
        .unwrap()
        .unwrap();
    // While the lease holds, nobody else gets the job.
    assert!(
        store
            .claim("test", "other", Duration::from_secs(60))
            .await
            .unwrap()
            .is_none()
    );
    clock.advance(SignedDuration::from_millis(300)).unwrap();

    let second = store
        .claim("test", "other", Duration::from_secs(60))
        .await
        .unwrap()
        .expect("the job is claimable again once the lease ran out");
    assert_eq!(second.id, first.id);
    assert_eq!(second.attempt, 2);

    // The stalled worker wakes up: its lease is gone, whatever it tries.
    assert!(matches!(
        store.extend_lease(&first, Duration::from_secs(60)).await,
        Err(StoreError::LeaseLost { .. })
    ));
    assert!(matches!(
        store.complete(&first).await,
        Err(StoreError::LeaseLost { .. })
    ));
    assert!(matches!(
        store.fail(&first, "x", None).await,
        Err(StoreError::LeaseLost { .. })
    ));

    store.complete(&second).await.unwrap();
    assert!(matches!(
        store.complete(&second).await,
        Err(StoreError::LeaseLost { .. })
    ));
    let (state, attempts, _) = store.job_state(first.id).await.unwrap().unwrap();
    assert_eq!((state, attempts), (JobState::Done, 2));
}
store_test!(an_expired_lease_passes_the_job_on_and_the_first_holder_cannot_finish);

async fn a_renewed_lease_keeps_the_job(db: TestDb) {
    let (store, clock) = on_a_simulated_clock(&db);
    let store = &store;
    store.enqueue(&effect("long")).await.unwrap();
    let job = store
        .claim("test", "busy", Duration::from_millis(300))
        .await
        .unwrap()
        .unwrap();
    for _ in 0..4 {
        clock.advance(SignedDuration::from_millis(150)).unwrap();
        store
            .extend_lease(&job, Duration::from_millis(300))
            .await
            .unwrap();
        assert!(
            store
                .claim("test", "other", Duration::from_secs(60))
                .await
                .unwrap()
                .is_none()
        );
    }
    store.complete(&job).await.unwrap();
}
store_test!(a_renewed_lease_keeps_the_job);

async fn failures_retry_with_backoff_then_go_to_the_dead_letters(db: TestDb) {
    let (store, clock) = on_a_simulated_clock(&db);
    let store = &store;
    let id = store
        .enqueue(&AlwaysFails { permanent: false })
        .await
        .unwrap()
        .id();
    let worker = worker(store, "w1", false, Duration::from_secs(30));

    // Attempt 1 fails and is scheduled again (the test worker's backoff is 1 ms).
    assert!(worker.run_one().await.unwrap());
    let (state, attempts, error) = store.job_state(id).await.unwrap().unwrap();
    assert_eq!((state, attempts), (JobState::Pending, 1));
    assert!(error.unwrap().contains("451"));

    // Not before its backoff has passed.
    assert_eq!(worker.run_until_idle().await.unwrap(), 0);
    clock.advance(SignedDuration::from_secs(1)).unwrap();
    worker.run_until_idle().await.unwrap();
    clock.advance(SignedDuration::from_secs(1)).unwrap();
    worker.run_until_idle().await.unwrap();
    let (state, attempts, _) = store.job_state(id).await.unwrap().unwrap();
    assert_eq!((state, attempts), (JobState::Dead, 3), "MAX_ATTEMPTS is 3");
    assert_eq!(worker.run_until_idle().await.unwrap(), 0);

    // An operator puts it back: fresh attempts.
    assert!(store.retry_dead(id).await.unwrap());
    assert!(!store.retry_dead(id).await.unwrap(), "no longer dead");
    let (state, attempts, _) = store.job_state(id).await.unwrap().unwrap();
    assert_eq!((state, attempts), (JobState::Pending, 0));
}
store_test!(failures_retry_with_backoff_then_go_to_the_dead_letters);

async fn the_backoff_is_respected(db: TestDb) {
    let store = &db.store;
    store
        .enqueue(&AlwaysFails { permanent: false })
        .await
        .unwrap();
    let job = store
        .claim("test", "w", Duration::from_secs(30))
        .await
        .unwrap()
        .unwrap();
    let state = store
        .fail(&job, "busy", Some(Duration::from_secs(600)))
        .await
        .unwrap();
    assert_eq!(state, JobState::Pending);
    assert!(
        store
            .claim("test", "w", Duration::from_secs(30))
            .await
            .unwrap()
            .is_none()
    );
}
store_test!(the_backoff_is_respected);

async fn a_permanent_failure_is_dead_at_once(db: TestDb) {
    let store = &db.store;
    let id = store
        .enqueue(&AlwaysFails { permanent: true })
        .await
        .unwrap()
        .id();
    worker(store, "w1", false, Duration::from_secs(30))
        .run_until_idle()
        .await
        .unwrap();
    let (state, attempts, error) = store.job_state(id).await.unwrap().unwrap();
    assert_eq!((state, attempts), (JobState::Dead, 1));
    assert_eq!(error.as_deref(), Some("the record is gone"));
}
store_test!(a_permanent_failure_is_dead_at_once);

async fn unreadable_arguments_are_a_permanent_failure(db: TestDb) {
    let store = &db.store;
    sqlx::query(
        "INSERT INTO jobs (queue, kind, payload, state, attempts, max_attempts, run_at, created_at, updated_at)
         VALUES ('test', 'test_record_effect', '{\"tokn\": 1}', 'pending', 0, 5, 0, 0, 0)",
    )
    .execute(store.pool())
    .await
    .unwrap();
    worker(store, "w1", false, Duration::from_secs(30))
        .run_until_idle()
        .await
        .unwrap();
    let stats = store.job_stats().await.unwrap();
    assert_eq!(stats.dead, 1);
}
store_test!(unreadable_arguments_are_a_permanent_failure);

async fn an_abandoned_last_attempt_goes_to_the_dead_letters(db: TestDb) {
    let (store, clock) = on_a_simulated_clock(&db);
    let store = &store;
    let id = store
        .enqueue(&AlwaysFails { permanent: false })
        .await
        .unwrap()
        .id();
    // Three workers in a row die holding the job (MAX_ATTEMPTS is 3).
    for _ in 0..3 {
        store
            .claim("test", "doomed", Duration::from_millis(50))
            .await
            .unwrap()
            .unwrap();
        clock.advance(SignedDuration::from_millis(80)).unwrap();
    }
    assert!(
        store
            .claim("test", "w", Duration::from_secs(30))
            .await
            .unwrap()
            .is_none()
    );
    let (state, attempts, error) = store.job_state(id).await.unwrap().unwrap();
    assert_eq!((state, attempts), (JobState::Dead, 3));
    assert!(error.unwrap().contains("lease expired"));
}
store_test!(an_abandoned_last_attempt_goes_to_the_dead_letters);

/// The child side of `a_killed_worker_loses_its_job`: a real worker process that
/// claims the job, starts it, and hangs until it is killed.
#[tokio::test]
#[ignore = "started as a child process by a_killed_worker_loses_its_job"]
async fn killed_worker_child() {
    let Ok(url) = std::env::var("ABIDE_TEST_CHILD_DB") else {
        return;
    };
    let store = Store::connect(&url, &Default::default()).await.unwrap();
    let worker = worker(&store, "child", true, Duration::from_secs(1));
    worker.run_one().await.unwrap();
    unreachable!("the job hangs until this process is killed");
}

async fn a_killed_worker_loses_its_job(engine: Engine) {
    let db = TestDb::new(engine).await;
    let store = &db.store;
    create_effects_table(store).await;
    let id = store.enqueue(&effect("kill-me")).await.unwrap().id();

    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "jobs::killed_worker_child",
            "--exact",
            "--ignored",
            "--nocapture",
        ])
        .env("ABIDE_TEST_CHILD_DB", &db.url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let started = tokio::task::spawn_blocking(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .any(|line| line == "RUNNING kill-me")
    });
    assert!(
        tokio::time::timeout(Duration::from_secs(60), started)
            .await
            .unwrap()
            .unwrap(),
        "the child worker did not start the job"
    );
    // Mid-job: the job is held by the child, and its heartbeat keeps it held.
    let (state, attempts, _) = store.job_state(id).await.unwrap().unwrap();
    assert_eq!((state, attempts), (JobState::Running, 1));
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();

    // Another worker completes it once the dead worker's lease (1 s, on the
    // system clock it claimed by) has run out: seen from a clock a minute on.
    let later = Clock::simulated(Timestamp::now() + SignedDuration::from_mins(1));
    let store = &store.with_clock(later);
    let survivor = worker(store, "survivor", false, Duration::from_secs(30));
    assert_eq!(survivor.run_until_idle().await.unwrap(), 1);
    assert_eq!(
        store.job_state(id).await.unwrap().unwrap().0,
        JobState::Done
    );
    let (_, attempts, _) = store.job_state(id).await.unwrap().unwrap();
    assert_eq!(attempts, 2);
    assert_eq!(
        effect_runs(store, "kill-me").await,
        1,
        "completed exactly once"
    );
    let by: String = sqlx::query_scalar("SELECT worker FROM test_effects WHERE token = 'kill-me'")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(by, "survivor");
    assert_eq!(survivor.run_until_idle().await.unwrap(), 0);
    assert_eq!(effect_runs(store, "kill-me").await, 1);
}
engine_test!(a_killed_worker_loses_its_job);
