//! The Reconciliation screen's data as the UI receives it: the demo's reconciliation data through
//! the same conversions the commands use, serialized to JSON (camelCase, money as strings).

use control_tower_lib::dto::recon as dto;
use store::recon_lines::{LineSort, LinesFilter, LinesRequest, StateFilter};
use store::Store;
use sync::reconcile as rc;

#[tokio::test]
async fn the_demo_reaches_the_ui_in_its_shapes() {
    let dir = std::env::temp_dir().join(format!("ctower-recon-dto-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = Store::open(&dir.join("m.db")).await.unwrap();
    let seeded = rc::seed_demo(&store, 7, "2026-11-20T12:00:00Z".parse().unwrap())
        .await
        .unwrap();

    let overview: dto::ReconOverview = rc::overview(&store).await.unwrap().into();
    let json = serde_json::to_value(&overview).unwrap();
    assert_eq!(json["accounts"].as_array().unwrap().len(), 3);
    assert!(json["lastRun"]["breaksNew"].as_u64().unwrap() > 0, "{json}");
    assert!(json["accounts"][0]["lastClosing"]["amount"].is_string());

    let page: dto::LinePage<dto::BankItem> = store::recon_lines::bank_page(
        store.reader(),
        &LinesRequest {
            filter: LinesFilter {
                state: Some(StateFilter::Open),
                ..LinesFilter::default()
            },
            sort: LineSort::BookingDate,
            descending: false,
            after: None,
            limit: 50,
        },
    )
    .await
    .unwrap()
    .into();
    let json = serde_json::to_value(&page).unwrap();
    let row = &json["rows"][0];
    assert!(row["item"]["amount"]["amount"].is_string(), "{row}");
    assert!(row.get("match").is_some(), "{row}");
    assert!(row["item"]["openSince"].is_string(), "{row}");

    let account = overview.accounts[0].iban.clone();
    let sheet: dto::RecSheet = rc::account_rec(&store, &account, seeded.period).await.unwrap().into();
    let json = serde_json::to_value(&sheet).unwrap();
    assert_eq!(json["difference"], json["openItemsTotal"], "{json}");
    assert!(json["openItems"][0]["effect"]["amount"].is_string());

    let ic: dto::IntercompanyView = rc::intercompany(&store, seeded.period).await.unwrap().into();
    assert_eq!(serde_json::to_value(&ic).unwrap()["groupCurrency"], "EUR");
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
