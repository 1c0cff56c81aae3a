// The signing dialog against the shell's answers (mocked IPC): the first signing in a
// session asks for the username and the password, later ones only the password; a wrong
// password shows the attempts left at the password and empties it; after the third the
// dialog says signing is blocked and an admin must clear it, and offers no Sign button.
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { api } from "../../api";
import type { SigningPrompt } from "../../bindings/SigningPrompt";
import { SigningDialog } from "./SigningDialog";

afterEach(() => {
  cleanup();
  clearMocks();
});

const EID = "0190f0a0-0000-7000-8000-0000000000e1";

/** A shell that knows the right password and counts wrong ones like the replica. */
function shell(hasSigned: boolean) {
  const state = { hasSigned, attempts: 3 };
  const sent: Record<string, unknown>[] = [];
  mockIPC((cmd, args) => {
    if (cmd === "signing_prompt") {
      return { username_required: !state.hasSigned, printed_name: "Dr. Ama Osei", attempts_left: state.attempts } satisfies SigningPrompt;
    }
    if (cmd === "sign_encounter") {
      const a = args as Record<string, unknown>;
      sent.push(a);
      if (state.attempts === 0) throw { message: "signing is blocked for this user after 3 wrong signing passwords", field_errors: [], signed_out: false };
      if (a.password !== "right") {
        state.attempts -= 1;
        if (state.attempts === 0) throw { message: "signing is blocked for this user after 3 wrong signing passwords", field_errors: [], signed_out: false };
        const m = `Wrong password. ${state.attempts} attempt${state.attempts === 1 ? "" : "s"} left; after that signing is blocked until an admin clears it.`;
        throw { message: m, field_errors: [{ field: "password", message: m }], signed_out: false };
      }
      state.hasSigned = true;
      return null;
    }
    throw new Error(`unexpected ${cmd}`);
  });
  return sent;
}

function dialog(onDone = vi.fn()) {
  render(
    <SigningDialog
      title="Sign this encounter"
      askMeaning
      onCancel={() => {}}
      onSign={async (meaning, password, username) => {
        await api.signEncounter(EID, meaning, password, username);
        onDone();
      }}
    />,
  );
  return onDone;
}

describe("signing dialog", () => {
  it("asks for the username on the first signing of a session and sends it with the meaning", async () => {
    const sent = shell(false);
    const done = dialog();
    await screen.findByTestId("sign-username");
    expect(screen.getByTestId("signing-as").textContent).toContain("Dr. Ama Osei");
    fireEvent.change(screen.getByTestId("sign-password"), { target: { value: "right" } });
    fireEvent.click(screen.getByTestId("sign-submit"));
    expect(screen.getByTestId("sign-username-error").textContent).toContain("first signing in a session");
    expect(sent).toEqual([]);
    fireEvent.click(screen.getByTestId("meaning-review"));
    fireEvent.change(screen.getByTestId("sign-username"), { target: { value: " dr.osei " } });
    fireEvent.click(screen.getByTestId("sign-submit"));
    await waitFor(() => expect(done).toHaveBeenCalledOnce());
    expect(sent).toEqual([{ encounterId: EID, meaning: "review", password: "right", username: "dr.osei" }]);
  });

  it("asks only for the password once the session has signed", async () => {
    const sent = shell(true);
    const done = dialog();
    await screen.findByTestId("signing-as");
    expect(screen.queryByTestId("sign-username")).toBeNull();
    fireEvent.change(screen.getByTestId("sign-password"), { target: { value: "right" } });
    fireEvent.click(screen.getByTestId("sign-submit"));
    await waitFor(() => expect(done).toHaveBeenCalledOnce());
    expect(sent[0]).toMatchObject({ meaning: "authorship", username: null });
  });

  it("shows the attempts left after a wrong password, and the block after the third", async () => {
    shell(true);
    const done = dialog();
    await screen.findByTestId("signing-as");
    const attempt = async (pw: string) => {
      fireEvent.change(screen.getByTestId("sign-password"), { target: { value: pw } });
      fireEvent.click(screen.getByTestId("sign-submit"));
      await waitFor(() => expect((screen.getByTestId("sign-password") as HTMLInputElement).value).toBe(""));
    };
    await attempt("wrong");
    expect(screen.getByTestId("sign-password-error").textContent).toContain("2 attempts left");
    await waitFor(() => expect(screen.getByTestId("signing-attempts").textContent).toBe("2 wrong passwords left before signing is blocked."));
    await attempt("wrong");
    expect(screen.getByTestId("sign-password-error").textContent).toContain("1 attempt left");
    await attempt("wrong");
    await waitFor(() => expect(screen.getByTestId("signing-attempts").textContent).toContain("An admin must clear the block"));
    expect(screen.getByTestId("signing-error").textContent).toContain("blocked");
    expect((screen.getByTestId("sign-submit") as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId("sign-password") as HTMLInputElement).disabled).toBe(true);
    expect(done).not.toHaveBeenCalled();
  });
});
