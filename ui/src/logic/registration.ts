// Why: registration refuses what is plainly wrong before anything is sent (empty name,
// no date of birth, a birth date after today, no sex chosen), with the message at the
// field. Everything else (name length, MRN format, phone) is the replica's to check; its
// per-field messages land at the same fields.
import type { FieldError } from "../bindings/FieldError";
import type { Sex } from "../bindings/Sex";
import { isIsoDate, localToday } from "./fields";

export interface RegistrationValues {
  name: string;
  dateOfBirth: string;
  sex: Sex | "";
  mrn: string;
  phone: string;
}

export function registrationErrors(v: RegistrationValues, today: string = localToday()): FieldError[] {
  const errors: FieldError[] = [];
  if (v.name.trim() === "") errors.push({ field: "name", message: "enter the patient's name" });
  if (v.dateOfBirth === "") {
    errors.push({ field: "date_of_birth", message: "enter the date of birth" });
  } else if (!isIsoDate(v.dateOfBirth)) {
    errors.push({ field: "date_of_birth", message: "write the date of birth as YYYY-MM-DD" });
  } else if (v.dateOfBirth > today) {
    errors.push({ field: "date_of_birth", message: `the date of birth cannot be in the future (today is ${today})` });
  }
  if (v.sex === "") errors.push({ field: "sex", message: "choose the patient's sex (Unknown if not known)" });
  return errors;
}
