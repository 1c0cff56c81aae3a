// Why: whoever is charting must always see whose chart it is. The banner stays at the top
// of the chart: name, age, sex, MRN (marked when provisional) and the active allergies.
// The records have no "no known allergies" entry, so an empty list says exactly that:
// none recorded, which is not the same as none known.
import type { PatientDetails } from "../../bindings/PatientDetails";
import { ageInYears } from "../../logic/fields";

const SEX: Record<string, string> = { female: "Female", male: "Male", other: "Other", unknown: "Sex unknown" };

export function PatientBanner({ patient }: { patient: PatientDetails }) {
  const age = ageInYears(patient.date_of_birth);
  const allergies = patient.active_allergens;
  return (
    <div className="banner" data-testid="patient-banner" role="region" aria-label="Patient banner">
      <span className="banner-name" data-testid="banner-name">
        {patient.name}
      </span>
      <span data-testid="banner-age">
        {age === null ? "age unknown" : `${age} y`} ({patient.date_of_birth})
      </span>
      <span data-testid="banner-sex">{SEX[patient.sex] ?? patient.sex}</span>
      <span data-testid="banner-mrn">
        MRN {patient.mrn}
        {patient.provisional ? <span className="tag provisional"> provisional</span> : null}
      </span>
      <span
        className={allergies.length > 0 ? "banner-allergies has" : "banner-allergies none"}
        data-testid="banner-allergies"
      >
        {allergies.length > 0 ? `Allergies: ${allergies.join(", ")}` : "Allergies: none recorded"}
      </span>
    </div>
  );
}
