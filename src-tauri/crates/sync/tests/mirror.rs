//! Sync pulls the AP sandbox into the mirror exactly, and a second run changes nothing.

mod common;

use common::{world, CONN};
use sandbox::Faults;

#[tokio::test]
async fn sync_mirrors_every_record_and_a_rerun_changes_nothing() {
    let w = world(7).await;
    let reports = w.engine.sync_all().await.unwrap();
    assert_eq!(reports.len(), 1);
    let first = &reports[0].outcome;
    assert_eq!(first.error, None);
    assert_eq!(first.malformed, 0);

    let src = w.sandbox.snapshot();
    let total = src.users.len() + src.entities.len() + src.suppliers.len() + src.invoices.len() + src.approvals.len();
    assert_eq!(first.records as usize, total);
    assert_eq!(first.changed as usize, total);

    // Invoices: every field of every record, lines included.
    let invoices = store::invoices::all(&w.store).await.unwrap();
    assert_eq!(invoices.len(), src.invoices.len());
    for (m, s) in invoices.iter().zip(&src.invoices) {
        assert_eq!(m.provenance.connection_id, CONN);
        assert_eq!(m.provenance.external_id, s.id);
        assert_eq!(m.provenance.source_version, s.version);
        assert_eq!(m.number, s.number);
        assert_eq!(m.entity_code, s.entity);
        assert_eq!(m.supplier_external_id, s.supplier_id);
        assert_eq!(m.total.amount_string(), s.total);
        assert_eq!(m.total.currency().code(), s.currency);
        assert_eq!(m.status.as_str(), s.status);
        assert_eq!(m.invoice_date.to_string(), s.invoice_date);
        assert_eq!(m.due_date.to_string(), s.due_date);
        assert_eq!(m.po_number, s.po_number);
        assert_eq!(m.created_by, s.created_by);
        assert_eq!(m.coded_by, s.coded_by);
        assert_eq!(m.lines.len(), s.lines.len());
        for (ml, sl) in m.lines.iter().zip(&s.lines) {
            assert_eq!(ml.line_no, sl.line_no);
            assert_eq!(ml.amount.amount_string(), sl.amount);
            assert_eq!(ml.unit_price.amount().to_string(), sl.unit_price);
            assert_eq!(ml.quantity.to_string(), sl.quantity);
            assert_eq!(
                (ml.gl_account.as_str(), ml.cost_center.as_str()),
                (sl.gl_account.as_str(), sl.cost_center.as_str())
            );
        }
    }

    let approvals = store::approvals::all(&w.store).await.unwrap();
    assert_eq!(approvals.len(), src.approvals.len());
    for (m, s) in approvals.iter().zip(&src.approvals) {
        assert_eq!(m.provenance.external_id, s.id);
        assert_eq!(m.provenance.source_version, s.version);
        assert_eq!(m.invoice_external_id, s.invoice_id);
        assert_eq!((m.step, m.step_count), (s.step, s.step_count));
        assert_eq!(m.step_name, s.step_name);
        assert_eq!(m.approver_id, s.approver_id);
        assert_eq!(m.status.as_str(), s.status);
        assert_eq!(
            m.assigned_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            s.assigned_at
        );
        assert_eq!(m.decided_by, s.decided_by);
    }

    let suppliers = store::suppliers::all(&w.store).await.unwrap();
    assert_eq!(suppliers.len(), src.suppliers.len());
    for (m, s) in suppliers.iter().zip(&src.suppliers) {
        assert_eq!(
            (m.provenance.external_id.as_str(), m.name.as_str(), m.on_hold),
            (s.id.as_str(), s.name.as_str(), s.on_hold)
        );
        assert_eq!(m.bank_account, s.bank_account);
    }

    let mut users = store::users::list(&w.store).await.unwrap();
    users.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(users.len(), src.users.len());
    for (m, s) in users.iter().zip(&src.users) {
        assert_eq!(
            (m.id.as_str(), m.name.as_str(), m.email.as_str()),
            (s.id.as_str(), s.name.as_str(), s.email.as_str())
        );
        assert_eq!(m.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(), s.roles);
    }

    let entities = store::entities::list(&w.store).await.unwrap();
    assert_eq!(entities.len(), src.entities.len());
    for (m, s) in entities.iter().zip(&src.entities) {
        assert_eq!(
            (m.code.as_str(), m.currency.code(), m.time_zone.name()),
            (s.code.as_str(), s.currency.as_str(), s.time_zone.as_str())
        );
        assert_eq!(
            m.calendar.holidays().map(|d| d.to_string()).collect::<Vec<_>>(),
            s.holidays
        );
    }

    // A second run reads only what changed since the cursors: nothing.
    let again = w.engine.sync_all().await.unwrap();
    assert_eq!(again[0].outcome.records, 0);
    assert_eq!(again[0].outcome.changed, 0);
    assert_eq!(store::invoices::all(&w.store).await.unwrap(), invoices);
    assert_eq!(store::approvals::all(&w.store).await.unwrap(), approvals);
}

#[tokio::test]
async fn a_change_at_the_source_arrives_as_a_delta() {
    let w = world(8).await;
    w.engine.sync_all().await.unwrap();
    let id = w.sandbox.snapshot().invoices[3].id.clone();
    assert!(w.sandbox.touch_invoice(&id, 10));
    let report = w.engine.sync_all().await.unwrap();
    assert_eq!(report[0].outcome.records, 1, "only the changed invoice is pulled");
    assert_eq!(report[0].outcome.changed, 1);
    let src = w.sandbox.snapshot().invoices.into_iter().find(|i| i.id == id).unwrap();
    let mirrored = store::invoices::get(&w.store, CONN, &id).await.unwrap().unwrap();
    assert_eq!(mirrored.provenance.source_version, 2);
    assert_eq!(mirrored.due_date.to_string(), src.due_date);
}

#[tokio::test]
async fn a_malformed_record_is_dead_lettered_with_its_position_and_the_rest_is_kept() {
    let w = world(9).await;
    w.sandbox.set_faults(Faults {
        malformed_records: 1,
        ..Default::default()
    });
    let report = w.engine.sync_all().await.unwrap();
    let outcome = &report[0].outcome;
    assert_eq!(outcome.malformed, 1);
    assert_eq!(outcome.status(), "partial");
    let dead = store::sync_log::dead_letters(&w.store, None).await.unwrap();
    assert_eq!(dead.len(), 1);
    // The first page of the first resource (users) carried the bad record.
    assert_eq!(dead[0].resource, "users");
    assert!(dead[0].position.contains("record 0"), "{}", dead[0].position);
    assert!(dead[0].reason.contains("invalid type"), "{}", dead[0].reason);
    assert!(dead[0].raw.contains("\"seven\""), "the raw payload is kept for replay");
    let src = w.sandbox.snapshot();
    assert_eq!(store::users::list(&w.store).await.unwrap().len(), src.users.len() - 1);
    assert_eq!(store::invoices::all(&w.store).await.unwrap().len(), src.invoices.len());
    assert_eq!(
        store::approvals::all(&w.store).await.unwrap().len(),
        src.approvals.len()
    );
}

#[tokio::test]
async fn a_page_that_stays_broken_is_reported_and_other_resources_still_sync() {
    let w = world(10).await;
    // More broken answers than the policy's attempts: the users resource gives up this run.
    w.sandbox.set_faults(Faults {
        broken_pages: 4,
        ..Default::default()
    });
    let report = w.engine.sync_all().await.unwrap();
    let outcome = &report[0].outcome;
    let error = outcome.error.clone().expect("the broken page is reported");
    assert!(
        error.contains("/api/v1/users") && error.contains("malformed page"),
        "{error}"
    );
    assert!(error.contains("line 1, column"), "{error}");
    let src = w.sandbox.snapshot();
    assert_eq!(store::invoices::all(&w.store).await.unwrap().len(), src.invoices.len());
    assert!(store::users::list(&w.store).await.unwrap().is_empty());
    // The next run picks users up from where they were.
    let next = w.engine.sync_all().await.unwrap();
    assert_eq!(next[0].outcome.error, None);
    assert_eq!(store::users::list(&w.store).await.unwrap().len(), src.users.len());
}
