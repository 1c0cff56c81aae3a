//! Vitals marked entered-in-error on one workstation reach the other with that status and
//! the reason, values still readable (the screen strikes them through, it does not hide
//! them). A set recorded meanwhile on the other workstation becomes the patient's latest
//! vitals on both, since a set in error is never shown as the latest.

use crate::common::{patient, same_changes, vitals, TwoDesks};
use outpost_domain::vitals::VitalsStatus;

const REASON: &str = "charted on the wrong patient — cuff from bed 4";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vitals_entered_in_error_on_one_workstation_show_so_on_the_other_with_values() {
    let mut desks = TwoDesks::start("Riverbend Clinic").await;
    let p = desks
        .a
        .with(|r| r.register_patient(&patient("Ama Owusu", "MRN-41"), "desk.ama"))
        .unwrap();
    let wrong = desks
        .a
        .with(|r| r.record_vitals(&vitals(p.id, 132.0), "nurse.efua"))
        .unwrap();
    desks.sync_both_twice().await;
    let before = desks.b.with(|r| r.vitals(wrong.id)).unwrap();
    assert_eq!(before.status, VitalsStatus::Final);
    assert_eq!(before.entered_in_error_reason, None);

    desks.offline().await;
    let marked = desks
        .a
        .with(|r| r.mark_vitals_entered_in_error(wrong.id, REASON, "nurse.efua"))
        .unwrap();
    assert_eq!(marked.status, VitalsStatus::EnteredInError);
    let retaken = desks
        .b
        .with(|r| r.record_vitals(&vitals(p.id, 84.0), "nurse.kojo"))
        .unwrap();
    desks.online().await;
    desks.sync_both_twice().await;

    for ws in desks.both() {
        let shown = ws.with(|r| r.vitals(wrong.id)).unwrap();
        assert_eq!(shown.status, VitalsStatus::EnteredInError);
        assert_eq!(shown.entered_in_error_reason.as_deref(), Some(REASON));
        assert_eq!(shown.observations, before.observations, "values unchanged");
        assert_eq!(
            (shown.taken_at, shown.taken_by.as_str()),
            (before.taken_at, "nurse.efua")
        );
        let history = ws.with(|r| r.list_vitals(p.id)).unwrap();
        let in_list = history.iter().find(|v| v.id == wrong.id).unwrap();
        assert_eq!(in_list.status, VitalsStatus::EnteredInError);
        assert_eq!(
            in_list.value("heart_rate_per_min"),
            Some(132.0),
            "still readable"
        );
        assert_eq!(in_list.value("temperature_c"), Some(37.0));
        assert_eq!(history.len(), 2, "both sets listed");
        let listed = ws.with(|r| r.list_patients()).unwrap();
        assert_eq!(
            listed[0].latest_vitals.as_ref().map(|v| v.id),
            Some(retaken.id),
            "the set in error is never the latest"
        );
        assert!(ws.with(|r| r.list_conflicts(wrong.id)).unwrap().is_empty());
    }
    assert_eq!(
        desks.a.with(|r| r.vitals_history(p.id)).unwrap(),
        desks.b.with(|r| r.vitals_history(p.id)).unwrap()
    );
    same_changes(&desks, wrong.id);
    desks.assert_settled().await;
}
